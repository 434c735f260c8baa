/*
 * fencer_cib.c — feed the fencer from a CIB: stonith primitives become
 * devices, fencing-level elements become levels, stonith-timeout the
 * default timeout.
 *
 * The CIB is valid by construction (cib.h), so structure is trusted; the
 * values still go through vgl_fencer_device_add()'s checks, and a device
 * or level that fails them is skipped with a message, never half-loaded.
 * Loading is idempotent: a device whose agent and parameters did not
 * change keeps its state (its cached list, its running jobs).
 */
#include "config.h"

#include "fencer_internal.h"

#include <errno.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <vigil/cib.h>
#include <vigil/vigil.h>

static bool is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *) n->name, name) == 0;
}

static const xmlNode *child_named(const xmlNode *parent, const char *name)
{
    for (const xmlNode *c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next) {
        if (is_element(c, name)) {
            return c;
        }
    }
    return NULL;
}

/* An attribute as a g_free()d string, or NULL. */
static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *) name);
    char *copy = v != NULL ? g_strdup((const char *) v) : NULL;

    xmlFree(v);
    return copy;
}

static void note(GPtrArray *errors, int *first, int rc, char *msg)
{
    if (*first == 0) {
        *first = rc;
    }
    if (errors != NULL) {
        g_ptr_array_add(errors, msg);
    } else {
        g_free(msg);
    }
}

/* Instance attributes: every nvpair of every set, the first of a name
 * winning (sets with rules are not in Vigil's subset for devices). */
static GHashTable *device_params(const xmlNode *prim)
{
    GHashTable *params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    for (const xmlNode *set = prim->children; set != NULL; set = set->next) {
        if (!is_element(set, "instance_attributes")) {
            continue;
        }
        for (const xmlNode *nv = set->children; nv != NULL; nv = nv->next) {
            char *name = is_element(nv, "nvpair") ? attr(nv, "name") : NULL;
            char *value = name != NULL ? attr(nv, "value") : NULL;
            if (name != NULL && value != NULL && !g_hash_table_contains(params, name)) {
                g_hash_table_insert(params, name, value);
            } else {
                g_free(name);
                g_free(value);
            }
        }
    }
    return params;
}

static void load_device(vgl_fencer *f, const xmlNode *prim, GHashTable *seen,
                        GPtrArray *errors, int *first)
{
    char *id = attr(prim, "id"), *type = attr(prim, "type"), *why = NULL;
    GHashTable *params = device_params(prim);
    int rc = vgl_fencer_device_add(f, id, type, params, &why);

    if (rc < 0) {
        note(errors, first, rc, g_strdup_printf("<primitive id=\"%s\">: %s", id ? id : "",
                                                why ? why : vgl_strerror(rc)));
        g_free(id);
    } else {
        g_hash_table_add(seen, id);
    }
    g_free(why);
    g_free(type);
    g_hash_table_unref(params);
}

/* Every stonith primitive, also inside groups and clones. */
static void walk_resources(vgl_fencer *f, const xmlNode *parent, GHashTable *seen,
                           GPtrArray *errors, int *first)
{
    for (const xmlNode *c = parent->children; c != NULL; c = c->next) {
        if (is_element(c, "primitive")) {
            char *cls = attr(c, "class");
            if (cls != NULL && strcmp(cls, "stonith") == 0) {
                load_device(f, c, seen, errors, first);
            }
            g_free(cls);
        } else if (is_element(c, "group") || is_element(c, "clone")) {
            walk_resources(f, c, seen, errors, first);
        }
    }
}

static void drop_unseen(vgl_fencer *f, GHashTable *seen)
{
    GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < f->order->len; i++) {
        const char *id = g_ptr_array_index(f->order, i);
        if (!g_hash_table_contains(seen, id)) {
            g_ptr_array_add(gone, g_strdup(id));
        }
    }
    for (guint i = 0; i < gone->len; i++) {
        vgl_fencer_device_remove(f, g_ptr_array_index(gone, i));
    }
    g_ptr_array_unref(gone);
}

static void load_levels(vgl_fencer *f, const xmlNode *topology, GPtrArray *errors, int *first)
{
    vgl_fencer_levels_clear(f);
    for (const xmlNode *l = topology != NULL ? topology->children : NULL; l != NULL; l = l->next) {
        char *target, *index, *devices, *why = NULL, *end = NULL;
        long n;
        int rc;

        if (!is_element(l, "fencing-level")) {
            continue;
        }
        target = attr(l, "target");
        index = attr(l, "index");
        devices = attr(l, "devices");
        n = index != NULL ? strtol(index, &end, 10) : 0;
        rc = vgl_fencer_level_add(f, target, (end != NULL && *end == '\0' && n > 0
                                              && n <= (long) VGL_FENCER_MAX_LEVEL)
                                                 ? (unsigned) n : 0u,
                                  devices, &why);
        if (rc < 0) {
            note(errors, first, rc, g_strdup_printf("<fencing-level index=\"%s\" target=\"%s\">:"
                                                    " %s", index ? index : "",
                                                    target ? target : "", why));
        }
        g_free(why);
        g_free(target);
        g_free(index);
        g_free(devices);
    }
}

int vgl_fencer_load_cib(vgl_fencer *fencer, const struct vgl_cib *cib, GPtrArray *errors)
{
    const xmlNode *root, *config;
    GHashTable *seen;
    int64_t ms = 0;
    int first = 0;

    if (fencer == NULL || cib == NULL) {
        return -EINVAL;
    }
    root = xmlDocGetRootElement((xmlDoc *) vgl_cib_xml(cib));
    config = child_named(root, "configuration");
    seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (child_named(config, "resources") != NULL) {
        walk_resources(fencer, child_named(config, "resources"), seen, errors, &first);
    }
    drop_unseen(fencer, seen);
    g_hash_table_unref(seen);
    load_levels(fencer, child_named(config, "fencing-topology"), errors, &first);
    if (vgl_cib_option_ms(cib, "stonith-timeout", &ms) == 0 && ms > 0
        && ms <= (int64_t) VGL_EXEC_MAX_TIMEOUT_MS) {
        vgl_fencer_set_timeout(fencer, (uint32_t) ms);
    }
    return first;
}

int vgl_fencer_fence_cib(vgl_fencer *fencer, const struct vgl_cib *cib, const char *target,
                         const char *action, vgl_fencer_done_fn cb, void *user_data)
{
    int rc = vgl_fencer_load_cib(fencer, cib, NULL);

    if (rc == -EINVAL) {
        return rc;
    }
    /* A device or level that could not be loaded was skipped (and said
     * so in the log): fence with what is usable. */
    return vgl_fencer_fence(fencer, target, action, cb, user_data, NULL, NULL);
}
