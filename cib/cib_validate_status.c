/*
 * cib_validate_status.c — validation of <status> as Pacemaker writes it:
 * node_state (membership), transient_attributes, lrm (resource history:
 * lrm_resource, lrm_rsc_op), and Vigil's fence_history.
 *
 * Lenient about attributes (Pacemaker records many for debugging:
 * crm-debug-origin, transition-magic, op-force-restart, ...), strict about
 * what the scheduler reads: ids, call-id, rc-code, op-status, interval,
 * membership values.  in_ccm and crmd hold "true"/"online" before
 * Pacemaker 2.1.7 and a time stamp since; both are accepted.  Status ids
 * are not XML IDs (lrm_rsc_op ids repeat on every node), so they are
 * checked for uniqueness among siblings only.
 */
#include "config.h"

#include <string.h>

#include "cib/cib_validate_internal.h"

static void require(vgl__vctx *v, const xmlNode *n, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        const char *val = vgl__cib_xml_attr(n, names[i]);

        if (val == NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, n, "missing attribute \"%s\"", names[i]);
        else if (*val == '\0')
            vgl__cib_validate_fail(v, VGL_E_INVALID, n, "attribute \"%s\" is empty", names[i]);
    }
}

/* Check that n's id is unique among the siblings recorded in seen. */
static void unique(vgl__vctx *v, const xmlNode *n, GHashTable *seen)
{
    const char *id = vgl__cib_xml_attr(n, "id");

    if (id == NULL || *id == '\0')
        return;
    if (g_hash_table_contains(seen, id))
        vgl__cib_validate_fail(v, VGL_E_INVALID, n, "another <%s> here has id \"%s\"",
                               (const char *)n->name, id);
    else
        g_hash_table_add(seen, (gpointer)id);
}

static void check_int(vgl__vctx *v, const xmlNode *n, const char *attr, gint64 min, gint64 max)
{
    const char *s = vgl__cib_xml_attr(n, attr);
    gint64 i;

    if (s != NULL && !g_ascii_string_to_signed(s, 10, min, max, &i, NULL))
        vgl__cib_validate_fail(v, VGL_E_INVALID, n, "%s \"%s\" is not an integer from %" G_GINT64_FORMAT
                               " to %" G_GINT64_FORMAT, attr, s, min, max);
}

/* "true"/"false" (or online/offline) before Pacemaker 2.1.7, a time since. */
static void check_member(vgl__vctx *v, const xmlNode *n, const char *attr,
                         const char *yes, const char *no)
{
    const char *s = vgl__cib_xml_attr(n, attr);
    uint64_t t;

    if (s != NULL && strcmp(s, yes) != 0 && strcmp(s, no) != 0 &&
        !vgl__cib_option_uint(s, G_MAXINT64, &t))
        vgl__cib_validate_fail(v, VGL_E_INVALID, n, "%s \"%s\" is not %s, %s or a time stamp",
                               attr, s, yes, no);
}

static void check_op(vgl__vctx *v, const xmlNode *op)
{
    static vgl__names required = { "id", "operation", "call-id", "rc-code", "op-status",
                                   "interval", NULL };

    require(v, op, required);
    check_int(v, op, "call-id", -1, G_MAXINT32);
    check_int(v, op, "rc-code", 0, 255);
    check_int(v, op, "op-status", -1, 255);
    check_int(v, op, "interval", 0, G_MAXUINT32);
    VGL__FOR_CHILD(c, op)
        vgl__cib_validate_misplaced(v, c, op);
}

static void check_lrm_resource(vgl__vctx *v, const xmlNode *r)
{
    static vgl__names required = { "id", "class", "type", NULL };
    const char *cls = vgl__cib_xml_attr(r, "class");
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

    require(v, r, required);
    if (cls != NULL && strcmp(cls, "ocf") == 0 && vgl__cib_xml_attr(r, "provider") == NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, r, "class \"ocf\" needs a provider");
    VGL__FOR_CHILD(c, r) {
        if (vgl__cib_xml_is(c, "lrm_rsc_op")) {
            check_op(v, c);
            unique(v, c, seen);
        } else {
            vgl__cib_validate_misplaced(v, c, r);
        }
    }
    g_hash_table_destroy(seen);
}

static void check_lrm(vgl__vctx *v, const xmlNode *lrm)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    unsigned lists = 0;

    VGL__FOR_CHILD(c, lrm) {
        if (!vgl__cib_xml_is(c, "lrm_resources")) {
            vgl__cib_validate_misplaced(v, c, lrm);
            continue;
        }
        if (lists++ > 0)
            vgl__cib_validate_fail(v, VGL_E_INVALID, c, "<lrm_resources> appears twice in <lrm>");
        VGL__FOR_CHILD(r, c) {
            if (vgl__cib_xml_is(r, "lrm_resource")) {
                check_lrm_resource(v, r);
                unique(v, r, seen);
            } else {
                vgl__cib_validate_misplaced(v, r, c);
            }
        }
    }
    g_hash_table_destroy(seen);
}

static void check_transient(vgl__vctx *v, const xmlNode *t)
{
    static const vgl__cib_table table = VGL__CIB_T_NODE;

    VGL__FOR_CHILD(c, t) {
        if (vgl__cib_xml_is(c, "instance_attributes"))
            vgl__cib_validate_nvset(v, c, false, &table);
        else
            vgl__cib_validate_misplaced(v, c, t);
    }
}

static void check_node_state(vgl__vctx *v, const xmlNode *ns)
{
    static vgl__names required = { "id", NULL };
    static vgl__names joins = { "down", "pending", "member", "banned", NULL };
    const char *remote = vgl__cib_xml_attr(ns, "remote_node");
    bool is_remote = false;
    unsigned lrm = 0, transient = 0;

    require(v, ns, required);
    check_member(v, ns, "in_ccm", "true", "false");
    check_member(v, ns, "crmd", "online", "offline");
    vgl__cib_validate_enum(v, ns, "join", joins, NULL);
    vgl__cib_validate_enum(v, ns, "expected", joins, NULL);
    if (remote != NULL && vgl_bool_parse(remote, &is_remote) == 0 && is_remote)
        vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, ns, "remote nodes are not supported by Vigil");
    VGL__FOR_CHILD(c, ns) {
        unsigned *count = vgl__cib_xml_is(c, "lrm") ? &lrm
                        : vgl__cib_xml_is(c, "transient_attributes") ? &transient : NULL;

        if (count == NULL) {
            vgl__cib_validate_misplaced(v, c, ns);
            continue;
        }
        if ((*count)++ > 0)
            vgl__cib_validate_fail(v, VGL_E_INVALID, c, "<%s> appears twice in <node_state>",
                                   (const char *)c->name);
        if (count == &lrm)
            check_lrm(v, c);
        else
            check_transient(v, c);
    }
}

static void check_fence_history(vgl__vctx *v, const xmlNode *h)
{
    static vgl__names required = { "id", "target", "action", "status", "origin", "client", NULL };
    static vgl__names states = { "success", "failed", "pending", NULL };
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

    VGL__FOR_CHILD(e, h) {
        const char *done = NULL;
        uint64_t t;

        if (!vgl__cib_xml_is(e, "fence_event")) {
            vgl__cib_validate_misplaced(v, e, h);
            continue;
        }
        require(v, e, required);
        unique(v, e, seen);
        vgl__cib_validate_enum(v, e, "status", states, NULL);
        check_int(v, e, "rc", G_MININT32, G_MAXINT32);
        done = vgl__cib_xml_attr(e, "completed");
        if (done != NULL && !vgl__cib_option_uint(done, G_MAXINT64, &t))
            vgl__cib_validate_fail(v, VGL_E_INVALID, e, "completed \"%s\" is not a time stamp", done);
        VGL__FOR_CHILD(c, e)
            vgl__cib_validate_misplaced(v, c, e);
    }
    g_hash_table_destroy(seen);
}

void vgl__cib_validate_status_section(vgl__vctx *v, const xmlNode *status)
{
    GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *unames = g_hash_table_new(g_str_hash, g_str_equal);
    unsigned histories = 0;

    VGL__FOR_CHILD(c, status) {
        if (vgl__cib_xml_is(c, "node_state")) {
            const char *uname = vgl__cib_xml_attr(c, "uname");

            check_node_state(v, c);
            unique(v, c, ids);
            if (uname != NULL && g_hash_table_contains(unames, uname))
                vgl__cib_validate_fail(v, VGL_E_INVALID, c, "another <node_state> has uname \"%s\"", uname);
            else if (uname != NULL)
                g_hash_table_add(unames, (gpointer)uname);
        } else if (vgl__cib_xml_is(c, "fence_history")) {
            if (histories++ > 0)
                vgl__cib_validate_fail(v, VGL_E_INVALID, c, "<fence_history> appears twice in <status>");
            check_fence_history(v, c);
        } else {
            vgl__cib_validate_misplaced(v, c, status);
        }
    }
    g_hash_table_destroy(ids);
    g_hash_table_destroy(unames);
}
