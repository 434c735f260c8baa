/*
 * changes.c — applying a list of configuration operations (see changes.h).
 * Every argument comes from a tool through IPC and then from a peer: each
 * is looked up with its exact type, and a missing or mistyped one is an
 * error that names the operation.
 */
#include "config.h"

#include <string.h>

#include <vigil/cib.h>

#include "daemon/changes.h"

static const struct { const char *name; vgl_cib_section section; } sections[] = {
    { "crm_config", VGL_CIB_CRM_CONFIG }, { "nodes", VGL_CIB_NODES },
    { "resources", VGL_CIB_RESOURCES }, { "constraints", VGL_CIB_CONSTRAINTS },
    { "rsc_defaults", VGL_CIB_RSC_DEFAULTS }, { "op_defaults", VGL_CIB_OP_DEFAULTS },
    { "fencing-topology", VGL_CIB_FENCING_TOPOLOGY }, { "alerts", VGL_CIB_ALERTS },
};

/* Apply one operation (an a{sv} with op and its arguments) to cib. */
static int apply_one(vgl_cib *cib, GVariant *op, GPtrArray *errors)
{
    GVariantDict d;
    const char *kind = NULL, *a = NULL, *b = NULL, *v = NULL;
    int rc = VGL_E_INVALID;

    g_variant_dict_init(&d, op);
    if (!g_variant_dict_lookup(&d, "op", "&s", &kind)) {
        g_ptr_array_add(errors, g_strdup("a change has no 'op'"));
        goto done;
    }
    g_variant_dict_lookup(&d, "value", "&s", &v);
    if (strcmp(kind, "replace-config") == 0 && g_variant_dict_lookup(&d, "xml", "&s", &a)) {
        rc = vgl_cib_replace_config(cib, a, -1, "configuration", errors);
    } else if (strcmp(kind, "put") == 0 && g_variant_dict_lookup(&d, "section", "&s", &a) &&
               g_variant_dict_lookup(&d, "xml", "&s", &b)) {
        size_t i;
        for (i = 0; i < G_N_ELEMENTS(sections) && strcmp(sections[i].name, a) != 0; i++)
            ;
        if (i == G_N_ELEMENTS(sections))
            g_ptr_array_add(errors, g_strdup_printf("unknown section '%s'", a));
        else
            rc = vgl_cib_put(cib, sections[i].section, b, errors);
    } else if (strcmp(kind, "delete") == 0 && g_variant_dict_lookup(&d, "id", "&s", &a)) {
        gboolean cascade = FALSE;
        g_variant_dict_lookup(&d, "cascade", "b", &cascade);
        rc = vgl_cib_delete(cib, a, cascade ? VGL_CIB_DELETE_CASCADE : 0, errors);
        if (rc == VGL_E_NOT_FOUND)
            g_ptr_array_add(errors, g_strdup_printf("no element with id '%s'", a));
    } else if (strcmp(kind, "set-option") == 0 && g_variant_dict_lookup(&d, "name", "&s", &a)) {
        rc = vgl_cib_set_option(cib, a, v, errors);
    } else if (strcmp(kind, "set-node-attr") == 0 && g_variant_dict_lookup(&d, "node", "&s", &a) &&
               g_variant_dict_lookup(&d, "name", "&s", &b)) {
        rc = vgl_cib_set_node_attr(cib, a, b, v, errors);
        if (rc == VGL_E_NOT_FOUND)
            g_ptr_array_add(errors, g_strdup_printf("no node called '%s'", a));
    } else if (strcmp(kind, "set-rsc-meta") == 0 && g_variant_dict_lookup(&d, "rsc", "&s", &a) &&
               g_variant_dict_lookup(&d, "name", "&s", &b)) {
        rc = vgl_cib_set_rsc_meta(cib, a, b, v, errors);
        if (rc == VGL_E_NOT_FOUND)
            g_ptr_array_add(errors, g_strdup_printf("no resource called '%s'", a));
    } else {
        g_ptr_array_add(errors, g_strdup_printf("change '%s' is unknown or lacks its arguments", kind));
    }
done:
    g_variant_dict_clear(&d);
    return rc;
}

int vgl_changes_apply(vgl_cib *cib, GVariant *ops, GPtrArray *errors)
{
    GVariantIter it;
    GVariant *op;
    int rc = 0;

    g_variant_iter_init(&it, ops);
    while (rc == 0 && (op = g_variant_iter_next_value(&it)) != NULL) {
        rc = apply_one(cib, op, errors);
        g_variant_unref(op);
    }
    return rc;
}

