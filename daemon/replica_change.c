/*
 * replica_change.c — configuration changes (doc/protocol.md,
 * "Configuration changes").
 *
 * The flow: the node a tool asked (the origin) multicasts CHANGE_REQUEST
 * with the operations; the coordinator of a quorate view applies them to a
 * copy of the CIB, stamps the copy with the view epoch, and multicasts the
 * diff (CIB_DIFF, bound to its view) — or CIB_REFUSED with the errors.
 * Every member applies the diff, persists, and multicasts CIB_APPLIED; the
 * origin acknowledges the tool once a majority of the cluster's nodes
 * applied it.  A view change before that fails the request (the tool is
 * told to check and retry): every message of an interrupted view is
 * dropped, so nothing half-done survives it.
 *
 * Why: the coordinator is the only writer, so two diffs never race for the
 * same base; a diff applies only in a quorate view, so a minority never
 * changes the configuration; the stamp orders changes by the view that
 * made them, so a change a majority applied beats one a cut-off node
 * applied alone; and the majority acknowledgement means the change lives
 * on every future quorate view (quorums intersect).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <qb/qblog.h>
#include <vigil/cib.h>

#include "daemon/changes.h"
#include "daemon/replica_internal.h"

void vgl__replica_pending_free(gpointer p)
{
    pending_change *c = p;
    g_variant_unref(c->ops);
    g_hash_table_unref(c->confirmed);
    g_free(c);
}

uint64_t vgl__replica_stamp(const vgl_cib *cib)
{
    const char *s = vgl_cib_option(cib, VGL_STAMP_OPTION);
    return s ? g_ascii_strtoull(s, NULL, 10) : 0;
}

int vgl_replica_change_config(vgl_replica *r, GVariant *ops, vgl_change_done_fn done,
                              gpointer done_ud, GPtrArray *errors)
{
    pending_change *c;
    vgl_msg *m;
    int rc;

    if (!vgl_replica_is_active(r))
        return VGL_E_BUSY;
    if (!(r->quorate && r->quorum_current) || !vgl__replica_view_quorate(r))
        return VGL_E_NO_QUORUM;
    if (ops == NULL || !g_variant_is_of_type(ops, G_VARIANT_TYPE("aa{sv}")))
        return -EINVAL;
    c = g_new0(pending_change, 1);
    c->req = ++r->next_req;
    c->ops = g_variant_ref_sink(ops);
    c->done = done;
    c->done_ud = done_ud;
    c->confirmed = g_hash_table_new(g_direct_hash, g_direct_equal);
    m = vgl_msg_begin(VGL_MSG_CHANGE_REQUEST);
    g_variant_dict_insert(m->fields, "req", "t", (guint64)c->req);
    g_variant_dict_insert_value(m->fields, "ops", c->ops);
    rc = vgl_replica_send(r, m);
    if (rc != 0) {
        vgl__replica_pending_free(c);
        return rc;
    }
    g_hash_table_insert(r->pending, g_memdup2(&c->req, sizeof(c->req)), c);
    return 0;
}

static void finish(vgl_replica *r, pending_change *c, int rc, GPtrArray *errs)
{
    uint64_t req = c->req;
    if (c->done)
        c->done(c->done_ud, rc, errs);
    g_hash_table_remove(r->pending, &req);
}

void vgl__replica_fail_pending(vgl_replica *r, int rc, const char *why)
{
    GList *all = g_hash_table_get_values(r->pending);

    for (GList *l = all; l; l = l->next) {
        GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(errs, g_strdup(why));
        finish(r, l->data, rc, errs);
        g_ptr_array_unref(errs);
    }
    g_list_free(all);
}

static void refuse(vgl_replica *r, uint32_t origin, uint64_t req, int rc, GPtrArray *errs)
{
    vgl_msg *m = vgl_msg_begin(VGL_MSG_CIB_REFUSED);
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("as"));
    for (guint i = 0; errs && i < errs->len; i++)
        g_variant_builder_add(&b, "s", (const char *)g_ptr_array_index(errs, i));
    g_variant_dict_insert(m->fields, "req", "t", (guint64)req);
    g_variant_dict_insert(m->fields, "origin", "u", origin);
    g_variant_dict_insert(m->fields, "rc", "i", (gint32)rc);
    g_variant_dict_insert_value(m->fields, "errors", g_variant_builder_end(&b));
    vgl_replica_send(r, m);
}

/* The operations, then the stamp (the view epoch of this change). */
static int apply_stamped(vgl_cib *cib, GVariant *ops, uint64_t stamp, GPtrArray *errs)
{
    char buf[32];
    int rc = vgl_changes_apply(cib, ops, errs);

    snprintf(buf, sizeof(buf), "%" PRIu64, stamp);
    if (rc == 0 && g_strcmp0(vgl_cib_option(cib, VGL_STAMP_OPTION), buf) != 0)
        rc = vgl_cib_set_option(cib, VGL_STAMP_OPTION, buf, errs);
    return rc;
}

static void queued_free(gpointer p)
{
    queued_change *q = p;
    if (q->ops)
        g_variant_unref(q->ops);
    g_free(q);
}

void vgl__replica_drop_queued_changes(vgl_replica *r)
{
    g_queue_clear_full(&r->change_queue, queued_free);
    r->change_busy = false;
}

/* Turn one request into a change for everyone (or a refusal).  The
 * operations are checked here on a copy; what goes out is the operation
 * list itself, stamped, not an XML diff: a whole-CIB diff names its base
 * version, and status updates (operation results) delivered between its
 * making and its delivery change that version, so every diff would race
 * with the status.  The same operations applied to the same configuration
 * give the same result on every member.  Returns true when a change went
 * out (the next request waits until it is delivered, so that it is
 * checked on top of this one). */
static bool make_diff(vgl_replica *r, uint32_t from, uint64_t req, GVariant *ops)
{
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
    vgl_cib *copy = NULL;
    vgl_msg *out;
    bool sent = false;
    int rc;

    if (ops == NULL) {
        g_ptr_array_add(errs, g_strdup("the change request carries no operations"));
        refuse(r, from, req, VGL_E_INVALID, errs);
        goto done;
    }
    if (!vgl__replica_view_quorate(r)) {
        g_ptr_array_add(errs, g_strdup("this partition has no quorum: configuration changes are "
                                       "refused until it has"));
        refuse(r, from, req, VGL_E_NO_QUORUM, errs);
        goto done;
    }
    copy = vgl_cib_copy(r->cib);
    rc = apply_stamped(copy, ops, vgl_view_epoch(r->view), errs);
    if (rc != 0) {
        refuse(r, from, req, rc, errs);
        goto done;
    }
    out = vgl_msg_begin(VGL_MSG_CIB_DIFF);
    g_variant_dict_insert(out->fields, "req", "t", (guint64)req);
    g_variant_dict_insert(out->fields, "origin", "u", from);
    g_variant_dict_insert(out->fields, "members", "s", vgl_view_members_key(r->view));
    g_variant_dict_insert(out->fields, "stamp", "t", (guint64)vgl_view_epoch(r->view));
    g_variant_dict_insert_value(out->fields, "ops", ops);
    sent = vgl_replica_send(r, out) == 0;
done:
    vgl_cib_free(copy);
    g_ptr_array_unref(errs);
    return sent;
}

/* Work through the queue until a diff is in flight or nothing is left. */
static void next_change(vgl_replica *r)
{
    queued_change *q;

    while (!r->change_busy && (q = g_queue_pop_head(&r->change_queue)) != NULL) {
        r->change_busy = make_diff(r, q->origin, q->req, q->ops);
        queued_free(q);
    }
}

/* On the coordinator: queue the request; diffs go out one at a time. */
void vgl__replica_on_change_request(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    queued_change *q;

    if (!vgl_view_is_coordinator(r->view))
        return;
    q = g_new0(queued_change, 1);
    q->origin = from;
    vgl_msg_u64(m, "req", &q->req);
    q->ops = vgl_msg_value(m, "ops", "aa{sv}");
    g_queue_push_tail(&r->change_queue, q);
    next_change(r);
}

/* On every member: apply the coordinator's change, persist, confirm. */
void vgl__replica_on_diff(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    GVariant *ops = vgl_msg_value(m, "ops", "aa{sv}");
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
    uint64_t req = 0, stamp = 0;
    uint32_t origin = 0;
    vgl_cib_version v;
    vgl_msg *out;
    bool ours = false;
    int rc;

    vgl_msg_u64(m, "req", &req);
    vgl_msg_u64(m, "stamp", &stamp);
    vgl_msg_u32(m, "origin", &origin);
    /* Our own change is back: once applied, the next request builds on it. */
    if (from == r->my_id && r->change_busy) {
        r->change_busy = false;
        ours = true;
    }
    if (from != vgl_view_coordinator(r->view) ||
        g_strcmp0(vgl_msg_str(m, "members"), vgl_view_members_key(r->view)) != 0 ||
        !vgl__replica_view_quorate(r) || ops == NULL) {
        qb_log(LOG_WARNING, "cib: a configuration change from node %u outside its quorate view "
               "was ignored", from);
        goto done;
    }
    /* Every member holds the same configuration and applies the same
     * operations: all succeed alike, or all fail alike at the same one. */
    rc = apply_stamped(r->cib, ops, stamp, errs);
    if (rc != 0) {
        vgl__replica_log_errors("cib: a configuration change failed", errs);
        if (ours)
            refuse(r, origin, req, rc, errs);
        goto done;
    }
    vgl__replica_ensure_nodes(r);
    vgl_cib_get_version(r->cib, &v);
    vgl__replica_persist(r);
    qb_log(LOG_NOTICE, "cib: configuration changed (epoch %" PRIu64 ")", v.epoch);
    vgl__replica_emit(r, "config", g_variant_new_parsed("{'epoch': <%t>}", (guint64)v.epoch));
    out = vgl_msg_begin(VGL_MSG_CIB_APPLIED);
    g_variant_dict_insert(out->fields, "req", "t", (guint64)req);
    g_variant_dict_insert(out->fields, "origin", "u", origin);
    vgl_replica_send(r, out);
    vgl__replica_changed(r, VGL_CHG_CONFIG);
done:
    if (ours)
        next_change(r);
    if (ops)
        g_variant_unref(ops);
    g_ptr_array_unref(errs);
}

/* At the origin: count confirmations; acknowledge at a majority. */
void vgl__replica_on_applied(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    uint64_t req = 0;
    uint32_t origin = 0;
    pending_change *c;

    vgl_msg_u64(m, "req", &req);
    vgl_msg_u32(m, "origin", &origin);
    if (origin != r->my_id || (c = g_hash_table_lookup(r->pending, &req)) == NULL)
        return;
    g_hash_table_add(c->confirmed, GUINT_TO_POINTER(from));
    if (g_hash_table_size(c->confirmed) >= r->quorum_size)
        finish(r, c, 0, NULL);
}

void vgl__replica_on_refused(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    uint64_t req = 0;
    uint32_t origin = 0;
    int32_t rc = VGL_E_INVALID;
    GVariant *list = vgl_msg_value(m, "errors", "as");
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
    pending_change *c;

    vgl_msg_u64(m, "req", &req);
    vgl_msg_u32(m, "origin", &origin);
    vgl_msg_i32(m, "rc", &rc);
    if (origin == r->my_id && from == vgl_view_coordinator(r->view) &&
        (c = g_hash_table_lookup(r->pending, &req)) != NULL) {
        GVariantIter it;
        const char *s;
        if (list) {
            g_variant_iter_init(&it, list);
            while (g_variant_iter_next(&it, "&s", &s))
                g_ptr_array_add(errs, g_strdup(s));
        }
        finish(r, c, rc < 0 ? rc : VGL_E_INVALID, errs);
    }
    if (list)
        g_variant_unref(list);
    g_ptr_array_unref(errs);
}
