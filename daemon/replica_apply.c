/*
 * replica_apply.c — the status messages of the replica: dispatched
 * actions (with Pacemaker's record-pending), operation results, node
 * attributes, fencing results, clean shutdowns, cleanups.  Each is applied
 * to the CIB on delivery, in stream order, by every member alike.
 *
 * This node's own truth (r->self) is kept apart: the results of its own
 * executor go there at once, before they are multicast, so that what it
 * announces after a view change is what really ran here, even when the
 * message carrying a result was dropped with an interrupted view.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <qb/qblog.h>
#include <vigil/cib.h>

#include "daemon/replica_internal.h"

/* Pacemaker's record-pending: a start or stop in flight is written into
 * the target's history as pending, so that if the node dies before it
 * reports, the scheduler knows the resource may be running there (and
 * fences before starting it elsewhere). */
static void record_pending(vgl_replica *r, GVariantDict *d, int64_t when)
{
    vgl_cib_op_result op = { 0 };
    const char *kind = NULL, *node = NULL;
    GPtrArray *errs;

    if (!g_variant_dict_lookup(d, "kind", "&s", &kind) ||
        (strcmp(kind, "start") != 0 && strcmp(kind, "stop") != 0) ||
        !g_variant_dict_lookup(d, "node", "&s", &node))
        return;
    g_variant_dict_lookup(d, "rsc", "&s", &op.rsc_id);
    g_variant_dict_lookup(d, "class", "&s", &op.rsc_class);
    g_variant_dict_lookup(d, "provider", "&s", &op.rsc_provider);
    g_variant_dict_lookup(d, "type", "&s", &op.rsc_type);
    g_variant_dict_lookup(d, "digest", "&s", &op.op_digest);
    g_variant_dict_lookup(d, "expected", "i", &op.expected_rc);
    if (op.rsc_provider && *op.rsc_provider == '\0')
        op.rsc_provider = NULL;
    if (op.op_digest && *op.op_digest == '\0')
        op.op_digest = NULL;
    op.operation = kind;
    op.rc = 193; /* Pacemaker's "unknown" while pending */
    op.op_status = -1;
    op.call_id = -1;
    op.time = when > 0 ? when : 0;
    errs = g_ptr_array_new_with_free_func(g_free);
    if (vgl_cib_record_op(r->cib, node, &op, errs) != 0)
        vgl__replica_log_errors("cib: recording a pending operation", errs);
    g_ptr_array_unref(errs);
}

void vgl_replica_forget_inflight(vgl_replica *r, uint64_t tid, uint32_t aid)
{
    char *key = vgl__replica_inflight_key(tid, aid);
    g_hash_table_remove(r->inflight, key);
    g_free(key);
}

void vgl__replica_on_actions(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    GVariant *list = vgl_msg_value(m, "actions", "aa{sv}");
    uint64_t tid = 0;
    int64_t when = 0;
    GVariantIter it;
    GVariant *a;

    vgl_msg_i64(m, "time", &when);
    /* Only the coordinator of this very view dispatches: ACTIONS computed in
     * another view (still queued when the view changed) are stale. */
    if (from != vgl_view_coordinator(r->view) || list == NULL || !vgl_msg_u64(m, "transition", &tid) ||
        g_strcmp0(vgl_msg_str(m, "members"), vgl_view_members_key(r->view)) != 0) {
        qb_log(LOG_WARNING, "coord: actions from node %u not of this view's coordinator, ignored", from);
        if (list)
            g_variant_unref(list);
        return;
    }
    g_variant_iter_init(&it, list);
    while ((a = g_variant_iter_next_value(&it)) != NULL) {
        GVariantDict d;
        guint32 aid;
        const char *node = NULL;
        g_variant_dict_init(&d, a);
        if (g_variant_dict_lookup(&d, "id", "u", &aid) &&
            g_variant_dict_lookup(&d, "executor", "&s", &node)) {
            inflight *f = g_new0(inflight, 1);
            f->tid = tid;
            f->aid = aid;
            f->node = g_strdup(node);
            f->spec = g_variant_ref(a);
            g_hash_table_replace(r->inflight, vgl__replica_inflight_key(tid, aid), f);
            record_pending(r, &d, when);
            if (r->hooks.dispatched)
                r->hooks.dispatched(r->ud, tid, a);
        }
        g_variant_dict_clear(&d);
        g_variant_unref(a);
    }
    g_variant_unref(list);
}

/* One result of an OP_RESULT message, recorded on node `uname` in cib;
 * with `delivered`, also its effects on the in-flight table and the event
 * stream.  Returns whether the scheduler must look again. */
static bool apply_result(vgl_replica *r, vgl_cib *cib, const char *uname, GVariant *res,
                         bool delivered)
{
    GVariantDict d;
    vgl_cib_op_result op = { 0 };
    guint64 tid = 0;
    guint32 aid = 0, interval = 0, exec_ms = 0, queue_ms = 0;
    gint32 rc = 1, status = 0, expected = 0, call = 0;
    gint64 when = 0;
    bool relevant, has_action;
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);

    g_variant_dict_init(&d, res);
    g_variant_dict_lookup(&d, "rsc", "&s", &op.rsc_id);
    g_variant_dict_lookup(&d, "class", "&s", &op.rsc_class);
    g_variant_dict_lookup(&d, "provider", "&s", &op.rsc_provider);
    g_variant_dict_lookup(&d, "type", "&s", &op.rsc_type);
    g_variant_dict_lookup(&d, "op", "&s", &op.operation);
    g_variant_dict_lookup(&d, "interval", "u", &interval);
    g_variant_dict_lookup(&d, "rc", "i", &rc);
    g_variant_dict_lookup(&d, "status", "i", &status);
    g_variant_dict_lookup(&d, "expected", "i", &expected);
    g_variant_dict_lookup(&d, "call", "i", &call);
    g_variant_dict_lookup(&d, "time", "x", &when);
    g_variant_dict_lookup(&d, "exec_ms", "u", &exec_ms);
    g_variant_dict_lookup(&d, "queue_ms", "u", &queue_ms);
    g_variant_dict_lookup(&d, "digest", "&s", &op.op_digest);
    g_variant_dict_lookup(&d, "reason", "&s", &op.exit_reason);
    has_action = g_variant_dict_lookup(&d, "transition", "t", &tid) &&
                 g_variant_dict_lookup(&d, "action", "u", &aid);
    op.interval_ms = interval;
    op.rc = rc;
    op.op_status = status;
    op.expected_rc = expected;
    op.call_id = call;
    op.time = when;
    op.exec_ms = exec_ms;
    op.queue_ms = queue_ms;
    if (op.rsc_provider && *op.rsc_provider == '\0')
        op.rsc_provider = NULL;
    if (op.exit_reason && *op.exit_reason == '\0')
        op.exit_reason = NULL;
    if (op.op_digest && *op.op_digest == '\0')
        op.op_digest = NULL;
    relevant = vgl_cib_op_is_failure(&op) || rc != expected;
    if (vgl_cib_record_op(cib, uname, &op, errs) != 0) {
        vgl__replica_log_errors("cib: an operation result was refused", errs);
    } else if (delivered) {
        vgl__replica_emit(r, "op", g_variant_new_parsed("{'node': <%s>, 'rsc': <%s>, 'op': <%s>, 'interval': <%u>,"
                                           " 'rc': <%i>, 'status': <%i>, 'expected': <%i>, 'exec_ms': <%u>,"
                                           " 'reason': <%s>}",
                                           uname, op.rsc_id ? op.rsc_id : "", op.operation ? op.operation : "",
                                           interval, rc, status, expected, exec_ms,
                                           op.exit_reason ? op.exit_reason : ""));
    }
    if (has_action && delivered) {
        char *key = vgl__replica_inflight_key(tid, aid);
        g_hash_table_remove(r->inflight, key);
        g_free(key);
        if (r->hooks.completed)
            r->hooks.completed(r->ud, tid, aid, rc == expected || (rc == 190 && expected == 0));
    }
    g_variant_dict_clear(&d);
    g_ptr_array_unref(errs);
    return relevant && !has_action;
}

void vgl_replica_local_result(vgl_replica *r, GVariant *res)
{
    g_variant_ref_sink(res);
    apply_result(r, r->self, r->my_name, res, false);
    g_variant_unref(res);
}

void vgl__replica_on_op_result(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *uname = vgl_replica_node_name(r, from);
    GVariant *list = vgl_msg_value(m, "results", "aa{sv}");
    GVariantIter it;
    GVariant *res;
    bool relevant = false;

    if (uname == NULL || list == NULL) {
        qb_log(LOG_WARNING, "cib: results from unknown node %u or without results ignored", from);
        if (list)
            g_variant_unref(list);
        return;
    }
    g_variant_iter_init(&it, list);
    while ((res = g_variant_iter_next_value(&it)) != NULL) {
        relevant |= apply_result(r, r->cib, uname, res, true);
        g_variant_unref(res);
    }
    g_variant_unref(list);
    vgl__replica_changed(r, relevant ? VGL_CHG_STATUS : 0);
}

void vgl__replica_on_attr(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *node = vgl_msg_str(m, "node");
    const char *name = vgl_msg_str(m, "name");
    const char *value = vgl_msg_str(m, "value");
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
    const char *before;

    if (node == NULL)
        node = vgl_replica_node_name(r, from);
    if (node == NULL || name == NULL) {
        qb_log(LOG_WARNING, "cib: attribute update without node or name ignored");
        goto done;
    }
    before = vgl_cib_node_attr(r->cib, node, name, VGL_CIB_ATTR_TRANSIENT);
    if (g_strcmp0(before, value) == 0)
        goto done;
    if (vgl_cib_set_transient_attr(r->cib, node, name, value, errs) != 0) {
        vgl__replica_log_errors("cib: attribute update refused", errs);
        goto done;
    }
    if (strcmp(node, r->my_name) == 0)
        vgl_cib_set_transient_attr(r->self, node, name, value, NULL);
    qb_log(LOG_INFO, "cib: %s: attribute %s=%s", node, name, value ? value : "(unset)");
    vgl__replica_emit(r, "attr", g_variant_new_parsed("{'node': <%s>, 'name': <%s>, 'value': <%s>}",
                                         node, name, value ? value : ""));
    vgl__replica_changed(r, VGL_CHG_STATUS);
done:
    g_ptr_array_unref(errs);
}

void vgl__replica_on_fence_result(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    vgl_cib_fence_event ev = { 0 };
    bool ok = false;
    guint64 tid = 0;
    guint32 aid = 0;
    gint32 rc = 1;
    gint64 when = 0;
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);

    ev.target = vgl_msg_str(m, "target");
    ev.action = vgl_msg_str(m, "action");
    ev.origin = vgl_msg_str(m, "origin");
    ev.exit_reason = vgl_msg_str(m, "reason");
    if (ev.exit_reason && *ev.exit_reason == '\0')
        ev.exit_reason = NULL;
    vgl_msg_bool(m, "ok", &ok);
    vgl_msg_i32(m, "rc", &rc);
    vgl_msg_i64(m, "time", &when);
    ev.delegate = vgl_replica_node_name(r, from);
    ev.status = ok ? "success" : "failed";
    ev.client = "vigild";
    ev.completed = when;
    ev.rc = rc;
    if (ev.target == NULL || ev.action == NULL || ev.origin == NULL) {
        qb_log(LOG_WARNING, "fence: result without target, action or origin ignored");
        goto done;
    }
    if (vgl_cib_add_fence_event(r->cib, &ev, errs) != 0)
        vgl__replica_log_errors("fence: history", errs);
    if (ok) {
        qb_log(LOG_NOTICE, "fence: %s was fenced (%s) by %s", ev.target, ev.action,
               ev.delegate ? ev.delegate : "?");
        g_ptr_array_set_size(errs, 0);
        vgl_cib_clear_node(r->cib, ev.target, errs);
        vgl__replica_set_state(r->cib, ev.target, "false", "offline", "down", "down");
    } else {
        qb_log(LOG_ERR, "fence: fencing %s failed: %s", ev.target,
               ev.exit_reason ? ev.exit_reason : "no reason given");
    }
    vgl__replica_emit(r, "fence", g_variant_new_parsed("{'target': <%s>, 'ok': <%b>, 'reason': <%s>}",
                                          ev.target, (gboolean)ok, ev.exit_reason ? ev.exit_reason : ""));
    if (vgl_msg_u64(m, "transition", &tid) && vgl_msg_u32(m, "action_id", &aid)) {
        char *key = vgl__replica_inflight_key(tid, aid);
        g_hash_table_remove(r->inflight, key);
        g_free(key);
        if (r->hooks.completed)
            r->hooks.completed(r->ud, tid, aid, ok);
    }
    vgl__replica_changed(r, VGL_CHG_STATUS);
done:
    g_ptr_array_unref(errs);
}

void vgl__replica_on_leaving(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *name = vgl_replica_node_name(r, from);
    int64_t when = 0;
    char buf[32];
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);

    if (name == NULL)
        goto done;
    vgl_msg_i64(m, "time", &when);
    snprintf(buf, sizeof(buf), "%" PRId64, when > 0 ? when : 1);
    vgl__replica_set_state(r->cib, name, NULL, NULL, NULL, "down");
    vgl_cib_set_transient_attr(r->cib, name, "shutdown", buf, errs);
    qb_log(LOG_NOTICE, "view: %s is shutting down; its resources move away", name);
    vgl__replica_emit(r, "leaving", g_variant_new_parsed("{'node': <%s>}", name));
    vgl__replica_changed(r, VGL_CHG_STATUS);
done:
    g_ptr_array_unref(errs);
}

void vgl__replica_on_cleanup(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *rsc = vgl_msg_str(m, "rsc");
    const char *node = vgl_msg_str(m, "node");
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);

    if (rsc == NULL)
        goto done;
    if (node && *node == '\0')
        node = NULL;
    if (vgl_cib_clear_resource(r->cib, rsc, node, errs) != 0)
        vgl__replica_log_errors("cib: cleanup", errs);
    if (node == NULL || strcmp(node, r->my_name) == 0)
        vgl_cib_clear_resource(r->self, rsc, r->my_name, NULL);
    qb_log(LOG_NOTICE, "cib: %s: history and fail counts cleared%s%s", rsc,
           node ? " on " : "", node ? node : "");
    vgl__replica_emit(r, "cleanup", g_variant_new_parsed("{'rsc': <%s>}", rsc));
    vgl__replica_changed(r, VGL_CHG_STATUS);
done:
    g_ptr_array_unref(errs);
}

