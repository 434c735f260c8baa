/*
 * control.c — what vigild answers to crmctl and ha-status (see control.h
 * and include/vigil/ipc_proto.h for the fields).
 *
 * Requests that change the configuration become one atomic list of CIB
 * operations, applied by the replica through the cluster; the reply goes
 * out when the change was applied and persisted here.  Status requests
 * (cleanup, transient attributes, fencing) become their own messages.
 * Every field is checked with vgl_ipc_field(); a bad request is answered
 * with an error that names the field.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <qb/qblog.h>
#include <vigil/cib.h>
#include <vigil/ipc_proto.h>

#include "daemon/changes.h"
#include "daemon/control.h"

#define FENCE_REPLY_TIMEOUT_S 180

struct vgl_control {
    vgl_control_ctx ctx;
    vgl_ipc_server *ipc;
    GPtrArray *fence_waiters; /* fence_wait * */
};

typedef struct fence_wait {
    vgl_control *c;
    vgl_ipc_request *req;
    char *target;
    guint timer;
} fence_wait;

/* ---------------------------------------------------------- helpers */

static char *field_str(GVariant *fields, const char *key, bool required, int *rc, char **err)
{
    GVariant *v = NULL;
    char *s = NULL;
    int r = vgl_ipc_field(fields, key, "s", &v, err);

    if (r == 0) {
        s = g_variant_dup_string(v, NULL);
        g_variant_unref(v);
    } else if (r == -ENOENT && required) {
        *err = g_strdup_printf("field '%s' is required", key);
        *rc = VGL_E_INVALID;
    } else if (r != -ENOENT) {
        *rc = r;
    }
    return s;
}

static bool field_bool(GVariant *fields, const char *key)
{
    GVariant *v = NULL;
    bool b = false;

    if (vgl_ipc_field(fields, key, "b", &v, NULL) == 0) {
        b = g_variant_get_boolean(v);
        g_variant_unref(v);
    }
    return b;
}

static void reply_error(vgl_ipc_request *req, int rc, const char *text)
{
    vgl_ipc_reply(req, rc, text ? text : vgl_strerror(rc), NULL);
}

static char *join_errors(GPtrArray *errors, int rc)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; errors && i < errors->len; i++)
        g_string_append_printf(s, "%s%s", i ? "\n" : "", (const char *)g_ptr_array_index(errors, i));
    if (s->len == 0)
        g_string_append(s, vgl_strerror(rc));
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------ status */

static const char *node_state_name(vgl_control *c, const char *name, vgl_node_state st)
{
    const vgl_cib *cib = vgl_replica_cib(c->ctx.replica);
    const char *shutdown = vgl_cib_node_attr(cib, name, "shutdown", VGL_CIB_ATTR_TRANSIENT);

    switch (st) {
    case VGL_NODE_ONLINE: return (shutdown && strcmp(shutdown, "0") != 0) ? "leaving" : "online";
    case VGL_NODE_UNCLEAN: return "unclean";
    case VGL_NODE_OFFLINE: return "offline";
    }
    return "offline";
}

static void on_status(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_control *c = ud;
    vgl_replica *r = c->ctx.replica;
    const vgl_view *view = vgl_replica_view(r);
    vgl_sched_view *sv = vgl_replica_sched_view(r);
    GVariantDict d;
    GVariantBuilder nodes, members;
    vgl_cib_version ver;
    bool current = false, q = vgl_replica_quorate(r, &current);
    uint32_t coord = vgl_view_coordinator(view);
    const char *cname = coord ? vgl_replica_node_name(r, coord) : NULL;
    uint64_t tid = 0;
    unsigned done = 0, total = 0;
    const char *cstate = vgl_coord_state(c->ctx.coord, &tid, &done, &total);
    size_t n;
    const vgl_member *m = vgl_view_members(view, &n);

    vgl_cib_get_version(vgl_replica_cib(r), &ver);
    g_variant_builder_init(&nodes, G_VARIANT_TYPE("aa{sv}"));
    for (size_t i = 0; i < vgl_sched_view_node_count(sv); i++) {
        const char *name = vgl_sched_view_node_name(sv, i);
        GVariantDict nd;
        g_variant_dict_init(&nd, NULL);
        g_variant_dict_insert(&nd, "name", "s", name);
        g_variant_dict_insert(&nd, "state", "s",
                              node_state_name(c, name, vgl_sched_view_node_state(sv, name)));
        g_variant_builder_add_value(&nodes, g_variant_dict_end(&nd));
    }
    g_variant_builder_init(&members, G_VARIANT_TYPE("as"));
    for (size_t i = 0; i < n; i++) {
        const char *name = vgl_replica_node_name(r, m[i].nodeid);
        g_variant_builder_add(&members, "s", name ? name : "?");
    }
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "node", "s", vgl_replica_my_name(r));
    g_variant_dict_insert(&d, "coordinator", "s", cname ? cname : "");
    g_variant_dict_insert(&d, "quorate", "b", (gboolean)(q && current));
    g_variant_dict_insert(&d, "view_state", "s", vgl_view_state_name(vgl_view_get_state(view)));
    g_variant_dict_insert(&d, "cib_version", "t", (guint64)ver.epoch);
    g_variant_dict_insert(&d, "num_updates", "t", (guint64)ver.num_updates);
    g_variant_dict_insert_value(&d, "members", g_variant_builder_end(&members));
    g_variant_dict_insert_value(&d, "nodes", g_variant_builder_end(&nodes));
    g_variant_dict_insert(&d, "transition_state", "s", cstate);
    g_variant_dict_insert(&d, "transition_done", "u", done);
    g_variant_dict_insert(&d, "transition_total", "u", total);
    g_variant_dict_insert(&d, "inflight", "u", vgl_replica_inflight_count(r));
    g_variant_dict_insert(&d, "leaving", "b", (gboolean)vgl_replica_is_leaving(r));
    g_variant_dict_insert(&d, "pid", "u", (guint32)getpid());
    vgl_sched_view_free(sv);
    vgl_ipc_reply(req, 0, NULL, g_variant_dict_end(&d));
}

static void on_cib_query(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_control *c = ud;
    const vgl_cib *cib = vgl_replica_cib(c->ctx.replica);
    char *xml = vgl_cib_serialize(cib);
    vgl_cib_version ver;
    GVariantDict d;

    vgl_cib_get_version(cib, &ver);
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "xml", "s", xml);
    g_variant_dict_insert(&d, "cib_version", "t", (guint64)ver.epoch);
    g_free(xml);
    vgl_ipc_reply(req, 0, NULL, g_variant_dict_end(&d));
}

/* ------------------------------------------------------ config change */

static void change_done(gpointer ud, int rc, GPtrArray *errors)
{
    vgl_ipc_request *req = ud;
    vgl_cib_version ver = { 0 };
    GVariantDict d;
    char *text;

    if (rc != 0) {
        text = join_errors(errors, rc);
        vgl_ipc_reply(req, rc, text, NULL);
        g_free(text);
        return;
    }
    g_variant_dict_init(&d, NULL);
    (void)ver;
    vgl_ipc_reply(req, 0, NULL, g_variant_dict_end(&d));
}

static void on_cib_change(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_control *c = ud;
    GVariant *ops = NULL, *xml = NULL;
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    char *err = NULL;
    int rc;

    rc = vgl_ipc_field(fields, "ops", "aa{sv}", &ops, &err);
    if (rc == -ENOENT) {
        /* The catalogue's short form: a whole new configuration. */
        rc = vgl_ipc_field(fields, "xml", "s", &xml, &err);
        if (rc == 0) {
            GVariantDict d;
            GVariantBuilder b;
            g_variant_dict_init(&d, NULL);
            g_variant_dict_insert(&d, "op", "s", "replace-config");
            g_variant_dict_insert_value(&d, "xml", xml);
            g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
            g_variant_builder_add_value(&b, g_variant_dict_end(&d));
            ops = g_variant_ref_sink(g_variant_builder_end(&b));
            g_variant_unref(xml);
        } else if (rc == -ENOENT) {
            err = g_strdup("a change needs 'ops' (list of operations) or 'xml' (a configuration)");
            rc = VGL_E_INVALID;
        }
    }
    if (rc != 0) {
        reply_error(req, rc, err);
        goto done;
    }
    if (field_bool(fields, "dry_run")) {
        /* Validate on a copy only (crmctl config verify against the live CIB). */
        vgl_cib *copy = vgl_cib_copy(vgl_replica_cib(c->ctx.replica));
        rc = vgl_changes_apply(copy, ops, errors);
        vgl_cib_free(copy);
        change_done(req, rc, errors);
        g_variant_unref(ops);
        goto done;
    }
    rc = vgl_replica_change_config(c->ctx.replica, ops, change_done, req, errors);
    g_variant_unref(ops);
    if (rc != 0) {
        char *text = join_errors(errors, rc);
        if (rc == VGL_E_NO_QUORUM) {
            g_free(text);
            text = g_strdup("this partition has no quorum: configuration changes are refused "
                            "until it has (see 'ha-status')");
        }
        reply_error(req, rc, text);
        g_free(text);
    }
done:
    g_free(err);
    g_ptr_array_unref(errors);
}

/* ------------------------------------------------------ status changes */

static void on_resource_op(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_control *c = ud;
    int rc = 0;
    char *err = NULL;
    char *op = field_str(fields, "op", true, &rc, &err);
    char *rsc = field_str(fields, "resource", true, &rc, &err);
    char *node = field_str(fields, "node", false, &rc, &err);
    vgl_msg *m;

    if (rc == 0 && strcmp(op, "cleanup") != 0) {
        rc = VGL_E_INVALID;
        err = g_strdup_printf("resource operation '%s' is done with CIB_CHANGE; only cleanup is a "
                              "resource operation", op);
    }
    if (rc == 0 && vgl_cib_find(vgl_replica_cib(c->ctx.replica), rsc) == NULL) {
        rc = VGL_E_NOT_FOUND;
        err = g_strdup_printf("no resource called '%s'", rsc);
    }
    if (rc == 0 && !vgl_replica_is_active(c->ctx.replica)) {
        rc = VGL_E_BUSY;
        err = g_strdup("the cluster is still agreeing on its state; try again in a moment");
    }
    if (rc != 0) {
        reply_error(req, rc, err);
        goto done;
    }
    m = vgl_msg_begin(VGL_MSG_CLEANUP);
    g_variant_dict_insert(m->fields, "rsc", "s", rsc);
    if (node)
        g_variant_dict_insert(m->fields, "node", "s", node);
    rc = vgl_replica_send(c->ctx.replica, m);
    vgl_ipc_reply(req, rc, rc ? vgl_strerror(rc) : NULL, NULL);
done:
    g_free(err);
    g_free(op);
    g_free(rsc);
    g_free(node);
}

static void on_node_op(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_control *c = ud;
    int rc = 0;
    char *err = NULL;
    char *op = field_str(fields, "op", true, &rc, &err);
    char *node = field_str(fields, "node", true, &rc, &err);
    char *name = field_str(fields, "name", false, &rc, &err);
    char *value = field_str(fields, "value", false, &rc, &err);
    vgl_msg *m;

    if (rc == 0 && (strcmp(op, "attribute") != 0 || name == NULL)) {
        rc = VGL_E_INVALID;
        err = g_strdup("node operation must be 'attribute' with a 'name' (standby, online and "
                       "maintenance are configuration changes)");
    }
    if (rc == 0 && !vgl_replica_is_active(c->ctx.replica)) {
        rc = VGL_E_BUSY;
        err = g_strdup("the cluster is still agreeing on its state; try again in a moment");
    }
    if (rc != 0) {
        reply_error(req, rc, err);
        goto done;
    }
    m = vgl_msg_begin(VGL_MSG_ATTR);
    g_variant_dict_insert(m->fields, "node", "s", node);
    g_variant_dict_insert(m->fields, "name", "s", name);
    if (value)
        g_variant_dict_insert(m->fields, "value", "s", value);
    rc = vgl_replica_send(c->ctx.replica, m);
    vgl_ipc_reply(req, rc, rc ? vgl_strerror(rc) : NULL, NULL);
done:
    g_free(err);
    g_free(op);
    g_free(node);
    g_free(name);
    g_free(value);
}

static void fence_wait_free(fence_wait *w)
{
    if (w->timer)
        g_source_remove(w->timer);
    g_free(w->target);
    g_free(w);
}

static gboolean fence_timeout(gpointer data)
{
    fence_wait *w = data;
    w->timer = 0;
    reply_error(w->req, VGL_E_TIMEOUT, "no fencing result yet; see 'crmctl fence history'");
    g_ptr_array_remove(w->c->fence_waiters, w);
    fence_wait_free(w);
    return G_SOURCE_REMOVE;
}

static void on_fence(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_control *c = ud;
    int rc = 0;
    char *err = NULL;
    char *node = field_str(fields, "node", true, &rc, &err);
    vgl_msg *m;
    fence_wait *w;

    if (rc == 0 && strcmp(node, vgl_replica_my_name(c->ctx.replica)) == 0) {
        rc = VGL_E_INVALID;
        err = g_strdup("a node cannot fence itself through vigild; ask another node");
    }
    if (rc == 0 && !vgl_replica_is_active(c->ctx.replica)) {
        rc = VGL_E_BUSY;
        err = g_strdup("the cluster is still agreeing on its state; try again in a moment");
    }
    if (rc != 0) {
        reply_error(req, rc, err);
        g_free(err);
        g_free(node);
        return;
    }
    m = vgl_msg_begin(VGL_MSG_FENCE_REQUEST);
    g_variant_dict_insert(m->fields, "target", "s", node);
    vgl_replica_send(c->ctx.replica, m);
    w = g_new0(fence_wait, 1);
    w->c = c;
    w->req = req;
    w->target = node;
    w->timer = g_timeout_add_seconds(FENCE_REPLY_TIMEOUT_S, fence_timeout, w);
    g_ptr_array_add(c->fence_waiters, w);
}

static void on_shutdown(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_control *c = ud;
    vgl_ipc_reply(req, 0, NULL, NULL);
    if (c->ctx.shutdown)
        c->ctx.shutdown(c->ctx.ud);
}

/* -------------------------------------------------------------- events */

static const struct { const char *kind; uint32_t type; } event_types[] = {
    { "config", VGL_IPC_EV_CIB_CHANGED }, { "attr", VGL_IPC_EV_CIB_CHANGED },
    { "cleanup", VGL_IPC_EV_CIB_CHANGED }, { "view", VGL_IPC_EV_MEMBERSHIP },
    { "node-left", VGL_IPC_EV_MEMBERSHIP }, { "leaving", VGL_IPC_EV_SHUTDOWN },
    { "quorum", VGL_IPC_EV_QUORUM }, { "op", VGL_IPC_EV_ACTION },
    { "fence", VGL_IPC_EV_FENCE }, { "transition", VGL_IPC_EV_TRANSITION },
};

void vgl_control_event(vgl_control *c, const char *kind, GVariant *fields)
{
    uint32_t type = VGL_IPC_EV_CIB_CHANGED;
    GVariantDict d;
    GVariant *ev;

    g_variant_ref_sink(fields);
    for (size_t i = 0; i < G_N_ELEMENTS(event_types); i++) {
        if (strcmp(event_types[i].kind, kind) == 0)
            type = event_types[i].type;
    }
    g_variant_dict_init(&d, fields);
    g_variant_dict_insert(&d, "kind", "s", kind);
    g_variant_dict_insert(&d, "time_us", "x", (gint64)g_get_real_time());
    ev = g_variant_ref_sink(g_variant_dict_end(&d));
    if (c)
        vgl_ipc_broadcast(c->ipc, type, ev);
    if (c && strcmp(kind, "fence") == 0) {
        const char *target = NULL;
        gboolean ok = FALSE;
        const char *reason = NULL;
        g_variant_lookup(fields, "target", "&s", &target);
        g_variant_lookup(fields, "ok", "b", &ok);
        g_variant_lookup(fields, "reason", "&s", &reason);
        for (guint i = 0; target && i < c->fence_waiters->len;) {
            fence_wait *w = g_ptr_array_index(c->fence_waiters, i);
            if (strcmp(w->target, target) != 0) {
                i++;
                continue;
            }
            if (ok)
                vgl_ipc_reply(w->req, 0, NULL, NULL);
            else
                reply_error(w->req, VGL_E_UNAVAILABLE, reason && *reason ? reason : "fencing failed");
            g_ptr_array_remove_index(c->fence_waiters, i);
            fence_wait_free(w);
        }
    }
    g_variant_unref(ev);
    g_variant_unref(fields);
}

/* ---------------------------------------------------------- life cycle */

int vgl_control_new(const char *service_name, const vgl_control_ctx *ctx, vgl_control **out)
{
    vgl_control *c = g_new0(vgl_control, 1);
    const vgl_ipc_handler handlers[] = {
        { VGL_IPC_STATUS, true, on_status },
        { VGL_IPC_CIB_QUERY, true, on_cib_query },
        { VGL_IPC_CIB_CHANGE, false, on_cib_change },
        { VGL_IPC_RESOURCE_OP, false, on_resource_op },
        { VGL_IPC_NODE_OP, false, on_node_op },
        { VGL_IPC_FENCE, false, on_fence },
        { VGL_IPC_SHUTDOWN, false, on_shutdown },
    };
    int rc;

    *out = NULL;
    c->ctx = *ctx;
    c->fence_waiters = g_ptr_array_new();
    rc = vgl_ipc_server_new(service_name, handlers, G_N_ELEMENTS(handlers), c, &c->ipc);
    if (rc != 0) {
        g_ptr_array_unref(c->fence_waiters);
        g_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void vgl_control_free(vgl_control *c)
{
    if (c == NULL)
        return;
    for (guint i = 0; i < c->fence_waiters->len; i++) {
        fence_wait *w = g_ptr_array_index(c->fence_waiters, i);
        reply_error(w->req, VGL_E_UNAVAILABLE, "vigild is stopping");
        fence_wait_free(w);
    }
    g_ptr_array_unref(c->fence_waiters);
    vgl_ipc_server_free(c->ipc);
    g_free(c);
}
