/*
 * cib_query.c — reading a CIB: elements by id, nodes by name, resource
 * lists, cluster options with Pacemaker's defaults, node attributes.
 *
 * All lookups read the document as it is (no caches beyond the id
 * index), so they are always current.  Name/value sets are resolved the
 * way Pacemaker resolves them: the set "cib-bootstrap-options" first for
 * cluster options, then higher set score first, then document order; the
 * first nvpair with a value wins.
 */
#include "config.h"

#include <string.h>

#include "cib/cib_internal.h"

const xmlNode *vgl_cib_find(const vgl_cib *cib, const char *id)
{
    if (cib == NULL || id == NULL)
        return NULL;
    return g_hash_table_lookup(cib->ids, id);
}

const xmlNode *vgl_cib_node(const vgl_cib *cib, const char *uname)
{
    xmlNode *conf, *nodes;

    if (cib == NULL || uname == NULL)
        return NULL;
    conf = vgl__cib_xml_child(xmlDocGetRootElement(cib->doc), "configuration", NULL);
    nodes = vgl__cib_xml_child(conf, "nodes", NULL);
    for (xmlNode *n = vgl__cib_xml_first(nodes); n != NULL; n = vgl__cib_xml_next(n)) {
        const char *u = vgl__cib_xml_attr(n, "uname");

        if (u != NULL && strcmp(u, uname) == 0)
            return n;
    }
    return NULL;
}

xmlNode *vgl__cib_node_state(xmlDoc *doc, const char *uname)
{
    xmlNode *status = vgl__cib_xml_child(xmlDocGetRootElement(doc), "status", NULL);

    for (xmlNode *n = vgl__cib_xml_first(status); n != NULL; n = vgl__cib_xml_next(n)) {
        const char *u = vgl__cib_xml_attr(n, "uname");

        if (vgl__cib_xml_is(n, "node_state") && u != NULL && strcmp(u, uname) == 0)
            return n;
    }
    return NULL;
}

static void collect_rsc(GPtrArray *out, const xmlNode *parent, bool primitives_only)
{
    for (xmlNode *c = vgl__cib_xml_first(parent); c != NULL; c = vgl__cib_xml_next(c)) {
        bool prim = vgl__cib_xml_is(c, "primitive");

        if (!prim && !vgl__cib_xml_is(c, "group") && !vgl__cib_xml_is(c, "clone"))
            continue;
        if (prim || !primitives_only)
            g_ptr_array_add(out, g_strdup(vgl__cib_xml_attr(c, "id")));
        if (!prim)
            collect_rsc(out, c, primitives_only);
    }
}

GPtrArray *vgl_cib_resource_ids(const vgl_cib *cib, bool primitives_only)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    xmlNode *conf;

    if (cib == NULL)
        return out;
    conf = vgl__cib_xml_child(xmlDocGetRootElement(cib->doc), "configuration", NULL);
    collect_rsc(out, vgl__cib_xml_child(conf, "resources", NULL), primitives_only);
    return out;
}

/* ---- name/value sets ---- */

typedef struct ranked_set {
    const xmlNode *set;
    vgl_score score;
    guint pos;
} ranked_set;

static int ranked_cmp(const void *a, const void *b)
{
    const ranked_set *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos ? 1 : 0;
}

static xmlNode *find_in_set(const xmlNode *set, const char *name, const char *alias)
{
    for (xmlNode *nv = vgl__cib_xml_first(set); nv != NULL; nv = vgl__cib_xml_next(nv)) {
        const char *n = vgl__cib_xml_attr(nv, "name");

        if (n == NULL || vgl__cib_xml_attr(nv, "value") == NULL)
            continue;
        if (strcmp(n, name) == 0 || (alias != NULL && strcmp(n, alias) == 0))
            return nv;
    }
    return NULL;
}

xmlNode *vgl__cib_nvpair_find(const xmlNode *parent, const char *set_name,
                              const char *name, const char *alias, const char *first_id)
{
    GArray *sets = g_array_new(FALSE, FALSE, sizeof(ranked_set));
    xmlNode *found = NULL;
    guint pos = 0;

    for (xmlNode *c = vgl__cib_xml_first(parent); c != NULL; c = vgl__cib_xml_next(c)) {
        ranked_set r = { c, 0, pos++ };
        const char *id = vgl__cib_xml_attr(c, "id");

        if (!vgl__cib_xml_is(c, set_name))
            continue;
        (void)vgl_score_parse(vgl__cib_xml_attr(c, "score"), &r.score);
        if (first_id != NULL && id != NULL && strcmp(id, first_id) == 0)
            r.score = VGL_INFINITY + 1; /* above any real score */
        g_array_append_val(sets, r);
    }
    g_array_sort(sets, ranked_cmp);
    for (guint i = 0; i < sets->len && found == NULL; i++)
        found = find_in_set(g_array_index(sets, ranked_set, i).set, name, alias);
    g_array_free(sets, TRUE);
    return found;
}

/* ---- options ---- */

const char *vgl_cib_option(const vgl_cib *cib, const char *name)
{
    const vgl__cib_option *opt;
    xmlNode *conf, *nv;

    if (cib == NULL || name == NULL)
        return NULL;
    opt = vgl__cib_option_find(VGL__CIB_T_CLUSTER, name);
    conf = vgl__cib_xml_child(xmlDocGetRootElement(cib->doc), "configuration", NULL);
    nv = vgl__cib_nvpair_find(vgl__cib_xml_child(conf, "crm_config", NULL), "cluster_property_set",
                              opt ? opt->name : name, opt ? opt->alias : NULL,
                              "cib-bootstrap-options");
    if (nv != NULL)
        return vgl__cib_xml_attr(nv, "value");
    return opt ? opt->def : NULL;
}

int vgl_cib_option_bool(const vgl_cib *cib, const char *name, bool *out)
{
    const char *v = vgl_cib_option(cib, name);

    *out = false;
    if (v == NULL)
        return VGL_E_NOT_FOUND;
    return vgl_bool_parse(v, out);
}

int vgl_cib_option_ms(const vgl_cib *cib, const char *name, int64_t *out)
{
    const char *v = vgl_cib_option(cib, name);

    *out = 0;
    if (v == NULL)
        return VGL_E_NOT_FOUND;
    return vgl_duration_parse_ms(v, out);
}

const char *vgl_cib_node_attr(const vgl_cib *cib, const char *uname, const char *name,
                              vgl_cib_attr_lifetime lifetime)
{
    xmlNode *nv = NULL;

    if (cib == NULL || uname == NULL || name == NULL)
        return NULL;
    if (lifetime != VGL_CIB_ATTR_PERMANENT) {
        xmlNode *ns = vgl__cib_node_state(cib->doc, uname);

        nv = vgl__cib_nvpair_find(vgl__cib_xml_child(ns, "transient_attributes", NULL),
                                  "instance_attributes", name, NULL, NULL);
    }
    if (nv == NULL && lifetime != VGL_CIB_ATTR_TRANSIENT)
        nv = vgl__cib_nvpair_find(vgl_cib_node(cib, uname), "instance_attributes", name, NULL, NULL);
    return nv ? vgl__cib_xml_attr(nv, "value") : NULL;
}

const char *vgl_cib_section_name(vgl_cib_section section)
{
    static const char *const names[] = {
        [VGL_CIB_CRM_CONFIG] = "crm_config",
        [VGL_CIB_NODES] = "nodes",
        [VGL_CIB_RESOURCES] = "resources",
        [VGL_CIB_CONSTRAINTS] = "constraints",
        [VGL_CIB_RSC_DEFAULTS] = "rsc_defaults",
        [VGL_CIB_OP_DEFAULTS] = "op_defaults",
        [VGL_CIB_FENCING_TOPOLOGY] = "fencing-topology",
        [VGL_CIB_ALERTS] = "alerts",
    };

    if ((unsigned)section >= G_N_ELEMENTS(names))
        return NULL;
    return names[section];
}
