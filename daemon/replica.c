/*
 * replica.c — the replicated state machine (see replica.h and
 * doc/protocol.md): membership, the announcement barrier, the SYNC that
 * ends it, and the dispatch of delivered messages.  Status messages are
 * applied in replica_apply.c, configuration changes in replica_change.c.
 *
 * Workload: every CPG message passes through vgl_replica_deliver(); a
 * steady cluster sees a few per operation, a view change a burst of one
 * ANNOUNCE per member and one SYNC.
 *
 * Invariants:
 *  - Only the stream changes the CIB.  Every member applies the same
 *    messages in the same order; every barrier ends with the same SYNC for
 *    everyone, so replicas agree even if they did not before.
 *  - A confchg drops whatever was deferred or still queued for sending in
 *    the old view: nothing computed for a view survives it (protocol fix 5).
 *  - While SYNCING, messages other than ANNOUNCE and SYNC are deferred and
 *    replayed in order on ACTIVE; ACTIONS and CIB_DIFF name their view and
 *    are ignored in any other (fix 1).
 *  - The sender of a message is the CPG sender (nodeid), never a field.
 *  - A bad message from a peer is logged and dropped; it never stops the
 *    replica and never changes the CIB half-way (CIB changes are atomic).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <corosync/cpg.h>
#include <qb/qblog.h>
#include <vigil/cib.h>
#include <vigil/sched.h>

#include "daemon/merge.h"
#include "daemon/replica_internal.h"

static void ann_free(gpointer p)
{
    ann_payload *a = p;
    g_free(a->name);
    g_free(a->node_state);
    if (a->unclean)
        g_ptr_array_unref(a->unclean);
    if (a->inflight)
        g_variant_unref(a->inflight);
    g_free(a->fence_history);
    g_free(a);
}

void vgl__replica_inflight_free(gpointer p)
{
    inflight *f = p;
    g_free(f->node);
    g_variant_unref(f->spec);
    g_free(f);
}

char *vgl__replica_inflight_key(uint64_t tid, uint32_t aid)
{
    return g_strdup_printf("%" PRIu64 ":%u", tid, aid);
}

void vgl__replica_log_errors(const char *what, GPtrArray *errors)
{
    for (guint i = 0; errors && i < errors->len; i++)
        qb_log(LOG_ERR, "%s: %s", what, (const char *)g_ptr_array_index(errors, i));
}

void vgl__replica_emit(vgl_replica *r, const char *kind, GVariant *fields)
{
    if (r->hooks.event)
        r->hooks.event(r->ud, kind, fields);
    else
        g_variant_unref(g_variant_ref_sink(fields));
}

void vgl__replica_changed(vgl_replica *r, unsigned what)
{
    if (r->hooks.changed)
        r->hooks.changed(r->ud, what);
}

void vgl__replica_persist(vgl_replica *r)
{
    int rc;

    if (r->store == NULL)
        return;
    rc = vgl_cib_store_write(r->store, r->cib);
    if (rc != 0)
        qb_log(LOG_ERR, "cib: could not persist version to %s: %s",
               vgl_cib_store_dir(r->store), vgl_strerror(rc));
}

const char *vgl_replica_node_name(const vgl_replica *r, uint32_t nodeid)
{
    const char *n = g_hash_table_lookup(r->names, GUINT_TO_POINTER(nodeid));
    const xmlDoc *doc;
    const xmlNode *nodes = NULL;
    char id[16];

    if (n)
        return n;
    /* configured <node id="N" uname="..."> */
    snprintf(id, sizeof(id), "%u", nodeid);
    doc = vgl_cib_xml(r->cib);
    for (const xmlNode *c = xmlDocGetRootElement((xmlDoc *)doc)->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "configuration") == 0) {
            for (const xmlNode *s = c->children; s; s = s->next) {
                if (s->type == XML_ELEMENT_NODE && strcmp((const char *)s->name, "nodes") == 0)
                    nodes = s;
            }
        }
    }
    for (const xmlNode *c = nodes ? nodes->children : NULL; c; c = c->next) {
        xmlChar *v = xmlGetProp(c, (const xmlChar *)"id");
        bool match = v && strcmp((const char *)v, id) == 0;
        xmlFree(v);
        if (match) {
            xmlChar *u = xmlGetProp(c, (const xmlChar *)"uname");
            if (u) {
                g_hash_table_insert(r->names, GUINT_TO_POINTER(nodeid), g_strdup((const char *)u));
                xmlFree(u);
                return g_hash_table_lookup(r->names, GUINT_TO_POINTER(nodeid));
            }
        }
    }
    return NULL;
}

void vgl__replica_set_state(vgl_cib *cib, const char *uname, const char *in_ccm,
                            const char *crmd, const char *join, const char *expected)
{
    vgl_cib_node_state st = { in_ccm, crmd, join, expected };
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);

    if (vgl_cib_set_node_state(cib, uname, &st, errs) != 0)
        vgl__replica_log_errors("cib: node state", errs);
    g_ptr_array_unref(errs);
}

bool vgl__replica_view_quorate(const vgl_replica *r)
{
    size_t n;
    vgl_view_members(r->view, &n);
    return n >= r->quorum_size;
}

/* ---------------------------------------------------------- life cycle */

vgl_replica *vgl_replica_new(const char *my_name, uint32_t my_nodeid, vgl_cib_store *store,
                             vgl_cib *cib, const vgl_replica_hooks *hooks, void *ud)
{
    vgl_replica *r = g_new0(vgl_replica, 1);

    r->my_name = g_strdup(my_name);
    r->my_id = my_nodeid;
    r->store = store;
    r->cib = cib ? vgl_merge_strip_status(cib) : NULL;
    if (r->cib == NULL)
        r->cib = vgl_cib_new();
    vgl_cib_free(cib);
    r->view = vgl_view_new(my_nodeid);
    r->hooks = *hooks;
    r->ud = ud;
    r->names = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    r->anns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, ann_free);
    r->inflight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, vgl__replica_inflight_free);
    r->pending = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                       vgl__replica_pending_free);
    r->self = vgl_cib_new();
    r->incarnation = (uint64_t)g_get_real_time();
    r->incompatible = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    r->quorum_size = 1;
    g_queue_init(&r->deferred);
    g_queue_init(&r->change_queue);
    g_queue_init(&r->early);
    g_hash_table_insert(r->names, GUINT_TO_POINTER(my_nodeid), g_strdup(my_name));
    return r;
}

void vgl_replica_set_quorum_size(vgl_replica *r, unsigned members)
{
    r->quorum_size = members ? members : 1;
}

static void deferred_free(gpointer p)
{
    deferred_msg *d = p;
    g_bytes_unref(d->bytes);
    g_free(d);
}

void vgl_replica_free(vgl_replica *r)
{
    if (r == NULL)
        return;
    g_queue_clear_full(&r->deferred, deferred_free);
    g_queue_clear_full(&r->early, deferred_free);
    vgl__replica_drop_queued_changes(r);
    g_hash_table_unref(r->names);
    g_hash_table_unref(r->anns);
    g_hash_table_unref(r->inflight);
    g_hash_table_unref(r->pending);
    vgl_view_free(r->view);
    vgl_cib_free(r->cib);
    vgl_cib_free(r->self);
    g_hash_table_unref(r->incompatible);
    g_free(r->my_name);
    g_free(r);
}

/* ------------------------------------------------------------- reading */

const vgl_cib *vgl_replica_cib(const vgl_replica *r) { return r->cib; }
const vgl_view *vgl_replica_view(const vgl_replica *r) { return r->view; }
const char *vgl_replica_my_name(const vgl_replica *r) { return r->my_name; }
guint vgl_replica_inflight_count(const vgl_replica *r) { return g_hash_table_size(r->inflight); }
bool vgl_replica_is_leaving(const vgl_replica *r) { return r->leaving; }
bool vgl_replica_view_gained_members(const vgl_replica *r) { return r->gained; }

bool vgl_replica_is_active(const vgl_replica *r)
{
    return vgl_view_get_state(r->view) == VGL_VIEW_ACTIVE;
}

bool vgl_replica_quorate(const vgl_replica *r, bool *current)
{
    if (current)
        *current = r->quorum_current;
    return r->quorate;
}

/* Configured nodes: <configuration><nodes><node uname=...>. */
static const xmlNode *nodes_section(const vgl_cib *cib)
{
    const xmlNode *root = xmlDocGetRootElement((xmlDoc *)vgl_cib_xml(cib));

    for (const xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "configuration") != 0)
            continue;
        for (const xmlNode *s = c->children; s; s = s->next) {
            if (s->type == XML_ELEMENT_NODE && strcmp((const char *)s->name, "nodes") == 0)
                return s;
        }
    }
    return NULL;
}

vgl_sched_view *vgl_replica_sched_view(const vgl_replica *r)
{
    vgl_sched_view *v = NULL;
    size_t n;
    const vgl_member *m = vgl_view_members(r->view, &n);
    bool startup_fencing = true;

    if (vgl_sched_view_from_cib(vgl_cib_xml(r->cib), &v) != 0 || v == NULL)
        v = vgl_sched_view_new(false);
    vgl_sched_view_set_quorum(v, r->quorate && r->quorum_current);
    /* Startup fencing (Pacemaker's startup-fencing, protocol fix 10): a
     * configured node that is not a member and that nobody knows to be down
     * cleanly (no node_state says so) may be running anything: unclean. */
    vgl_cib_option_bool(r->cib, "startup-fencing", &startup_fencing);
    for (const xmlNode *c = nodes_section(r->cib) ? nodes_section(r->cib)->children : NULL; c && startup_fencing;
         c = c->next) {
        xmlChar *uname;
        char *state;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        uname = xmlGetProp(c, (const xmlChar *)"uname");
        state = uname ? vgl_merge_state_attr(r->cib, (const char *)uname, "uname") : NULL;
        if (uname && state == NULL)
            vgl_sched_view_set_node(v, (const char *)uname, VGL_NODE_UNCLEAN);
        g_free(state);
        xmlFree(uname);
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = vgl_replica_node_name(r, m[i].nodeid);
        if (name)
            vgl_sched_view_set_node(v, name, VGL_NODE_ONLINE);
    }
    return v;
}

GVariant *vgl_replica_inflight(const vgl_replica *r)
{
    GVariantBuilder b;
    GHashTableIter it;
    gpointer k, v;

    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    g_hash_table_iter_init(&it, r->inflight);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        inflight *f = v;
        GVariantDict d;
        g_variant_dict_init(&d, f->spec);
        g_variant_dict_insert(&d, "transition", "t", (guint64)f->tid);
        g_variant_builder_add_value(&b, g_variant_dict_end(&d));
    }
    return g_variant_builder_end(&b);
}

/* ------------------------------------------------------------ sending */

int vgl_replica_send(vgl_replica *r, vgl_msg *m)
{
    int rc = r->hooks.send ? r->hooks.send(r->ud, m) : -ENOTCONN;
    vgl_msg_free(m);
    return rc;
}

static GVariant *strv_variant(GPtrArray *a)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("as"));
    for (guint i = 0; a && i < a->len; i++)
        g_variant_builder_add(&b, "s", (const char *)g_ptr_array_index(a, i));
    return g_variant_builder_end(&b);
}

static const char **member_names(vgl_replica *r)
{
    size_t n;
    const vgl_member *m = vgl_view_members(r->view, &n);
    const char **names = g_new0(const char *, n + 1);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        const char *name = vgl_replica_node_name(r, m[i].nodeid);
        if (name)
            names[k++] = name;
    }
    return names;
}

static void send_announce(vgl_replica *r)
{
    vgl_msg *m = vgl_msg_begin(VGL_MSG_ANNOUNCE);
    vgl_cib_version ver;
    size_t ns;
    const uint32_t *succ = vgl_view_succession(r->view, &ns);
    char *digest = vgl_cib_config_digest(r->cib);
    char *state;
    char *fences = vgl_merge_fence_history(r->cib);
    const char **members = member_names(r);
    GPtrArray *unclean = vgl_merge_unclean_states(r->cib, members);
    uint32_t cpid = 0, coord = vgl_view_followed(r->view, &cpid);
    GVariant *mine = r->hooks.local_inflight ? r->hooks.local_inflight(r->ud) : NULL;

    /* What this node announces about itself is its own truth (r->self): a
     * member, leaving or not, with what its executor really ran. */
    vgl__replica_set_state(r->self, r->my_name, "true", "online", "member",
                           r->leaving ? "down" : "member");
    state = vgl_merge_node_state(r->self, r->my_name);
    if (mine == NULL)
        mine = g_variant_new("aa{sv}", NULL);
    vgl_cib_get_version(r->cib, &ver);
    g_variant_dict_insert(m->fields, "members", "s", vgl_view_members_key(r->view));
    g_variant_dict_insert(m->fields, "name", "s", r->my_name);
    if (!vgl_view_has_history(r->view))
        ns = 0; /* knows no history: must not win the longest-list rule */
    g_variant_dict_insert_value(m->fields, "succession",
        g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, succ, ns, sizeof(uint32_t)));
    g_variant_dict_insert(m->fields, "coordinator", "u", coord);
    g_variant_dict_insert(m->fields, "coordinator_pid", "u", cpid);
    g_variant_dict_insert(m->fields, "quorum", "b", (gboolean)(r->quorate && r->quorum_current));
    g_variant_dict_insert(m->fields, "view_epoch", "t", (guint64)vgl_view_epoch(r->view));
    g_variant_dict_insert(m->fields, "counter", "t", (guint64)vgl_view_next_counter(r->view));
    g_variant_dict_insert(m->fields, "incarnation", "t", (guint64)r->incarnation);
    g_variant_dict_insert(m->fields, "admin_epoch", "t", (guint64)ver.admin_epoch);
    g_variant_dict_insert(m->fields, "stamp", "t", (guint64)vgl__replica_stamp(r->cib));
    g_variant_dict_insert(m->fields, "epoch", "t", (guint64)ver.epoch);
    g_variant_dict_insert(m->fields, "num_updates", "t", (guint64)ver.num_updates);
    g_variant_dict_insert(m->fields, "digest", "s", digest);
    g_variant_dict_insert(m->fields, "node_state", "s", state ? state : "");
    g_variant_dict_insert(m->fields, "fence_history", "s", fences ? fences : "");
    g_variant_dict_insert_value(m->fields, "unclean", strv_variant(unclean));
    g_variant_dict_insert_value(m->fields, "inflight", mine);
    g_variant_dict_insert(m->fields, "leaving", "b", (gboolean)r->leaving);
    vgl_replica_send(r, m);
    g_ptr_array_unref(unclean);
    g_free((gpointer)members);
    g_free(digest);
    g_free(state);
    g_free(fences);
}

bool vgl_replica_runs_nothing(const vgl_replica *r, const char *uname)
{
    vgl_sched_view *v = vgl_sched_view_new(true);
    vgl_transition *t = NULL;
    bool nothing = true;

    /* Ask the scheduler's unpacker where things run now. */
    vgl_sched_view_set_node(v, uname, VGL_NODE_ONLINE);
    if (vgl_sched_run(vgl_cib_xml(r->cib), v, 0, &t) == 0) {
        for (size_t i = 0; i < vgl_transition_placement_count(t) && nothing; i++) {
            const vgl_placement *p = vgl_transition_placement(t, i);
            for (size_t j = 0; j < vgl_placement_current_count(p); j++)
                nothing &= strcmp(vgl_placement_current(p, j), uname) != 0;
        }
    }
    vgl_transition_free(t);
    vgl_sched_view_free(v);
    return nothing;
}

static void node_left(vgl_replica *r, const vgl_member *m)
{
    const char *name = vgl_replica_node_name(r, m->nodeid);
    const char *expected;
    GHashTableIter it;
    gpointer k, v;
    GPtrArray *lost;
    bool clean;

    if (name == NULL)
        return;
    lost = g_ptr_array_new();
    {
        char *e = vgl_merge_state_attr(r->cib, name, "expected");
        expected = g_strcmp0(e, "down") == 0 ? "down" : "member";
        g_free(e);
    }
    /* Clean only when it left the group itself (CPG_REASON_LEAVE: vigild
     * called cpg_leave once nothing ran there), after saying LEAVING, and
     * nothing runs there: a LEAVING node that died or was cut off on the
     * way is as unclean as any other (protocol fix 3). */
    clean = m->reason == CPG_REASON_LEAVE && strcmp(expected, "down") == 0 &&
            vgl_replica_runs_nothing(r, name);
    if (clean) {
        GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
        qb_log(LOG_NOTICE, "view: %s left cleanly", name);
        vgl_cib_clear_node(r->cib, name, errs);
        g_ptr_array_unref(errs);
        vgl__replica_set_state(r->cib, name, "false", "offline", "down", "down");
    } else {
        qb_log(LOG_WARNING, "view: %s left uncleanly (%s): it must be fenced before its "
               "resources run elsewhere", name,
               m->reason == CPG_REASON_PROCDOWN ? "vigild died" :
               m->reason == CPG_REASON_NODEDOWN ? "node lost" : "left without shutdown");
        vgl__replica_set_state(r->cib, name, "false", "offline", "member", "member");
    }
    vgl__replica_emit(r, "node-left", g_variant_new_parsed("{'node': <%s>, 'clean': <%b>}", name,
                                                           (gboolean)clean));
    /* Actions that ran there will never report. */
    g_hash_table_iter_init(&it, r->inflight);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        inflight *f = v;
        if (strcmp(f->node, name) == 0)
            g_ptr_array_add(lost, g_strdup(k));
    }
    for (guint i = 0; i < lost->len; i++) {
        inflight *f = g_hash_table_lookup(r->inflight, g_ptr_array_index(lost, i));
        uint64_t tid = f->tid;
        uint32_t aid = f->aid;
        g_hash_table_remove(r->inflight, g_ptr_array_index(lost, i));
        if (r->hooks.completed)
            r->hooks.completed(r->ud, tid, aid, false);
        g_free(g_ptr_array_index(lost, i));
    }
    g_ptr_array_unref(lost);
}

static void bind_ring(vgl_replica *r);

/* Does this confchg come with a new totem ring?  A member lost or gained as
 * a node does; processes that join or leave on nodes that stay do not.
 * Before any ring is known, wait for the first. */
static bool ring_changes(const vgl_replica *r, const vgl_member *left, size_t n_left,
                         const vgl_member *joined, size_t n_joined)
{
    if (r->ring == 0)
        return true;
    /* corosync reports the confchg first, then its ring (measured).  Had
     * the ring come first, it opened a barrier of its own: take that ring
     * now; should it be the wrong one, its successor opens another. */
    if (r->reopened)
        return false;
    for (size_t i = 0; i < n_left; i++) {
        if (left[i].reason == CPG_REASON_NODEDOWN || left[i].reason == CPG_REASON_NODEUP)
            return true;
    }
    for (size_t i = 0; i < n_joined; i++) {
        if (joined[i].reason == CPG_REASON_NODEDOWN || joined[i].reason == CPG_REASON_NODEUP)
            return true;
    }
    return false;
}

static void view_change(vgl_replica *r, const vgl_member *members, size_t n,
                        const vgl_member *left, size_t n_left,
                        const vgl_member *joined, size_t n_joined, bool real);

void vgl_replica_confchg(vgl_replica *r, const vgl_member *members, size_t n,
                         const vgl_member *left, size_t n_left,
                         const vgl_member *joined, size_t n_joined)
{
    view_change(r, members, n, left, n_left, joined, n_joined, true);
}

static void view_change(vgl_replica *r, const vgl_member *members, size_t n,
                        const vgl_member *left, size_t n_left,
                        const vgl_member *joined, size_t n_joined, bool real)
{
    for (size_t i = 0; i < n_left; i++) {
        if (left[i].nodeid != r->my_id)
            node_left(r, &left[i]);
    }
    g_hash_table_remove_all(r->anns);
    r->gained = n_joined > 0;
    qb_log(LOG_INFO, "view: %zu members (%zu left, %zu joined)", n, n_left, n_joined);
    /* Nothing of the old view survives the change (fix 5): what was
     * deferred, what is still queued for sending, and the tools' changes
     * not yet confirmed by a majority (their tools are told to check). */
    g_queue_clear_full(&r->deferred, deferred_free);
    vgl__replica_drop_queued_changes(r);
    if (r->hooks.purge)
        r->hooks.purge(r->ud);
    vgl__replica_fail_pending(r, VGL_E_BUSY,
        "the cluster membership changed before a majority confirmed this change; check "
        "with 'crmctl config show' and repeat it if it is missing");
    g_queue_clear_full(&r->early, deferred_free);
    r->awaiting_ring = false;
    if (vgl_view_confchg(r->view, members, n, joined, n_joined)) {
        if (!r->ring_mode) {
            send_announce(r);
        } else if (real && ring_changes(r, left, n_left, joined, n_joined)) {
            r->awaiting_ring = true;
            qb_log(LOG_DEBUG, "view: waiting for the totem ring of this view");
        } else {
            bind_ring(r);
        }
    }
    if (real)
        r->reopened = false;
    vgl__replica_changed(r, VGL_CHG_VIEW);
}

/* The view gets its ring: announce, then take what arrived meanwhile. */
static void bind_ring(vgl_replica *r)
{
    deferred_msg *d;

    r->awaiting_ring = false;
    r->bound_ring = r->ring;
    vgl_view_set_ring(r->view, r->ring);
    send_announce(r);
    while (!r->awaiting_ring && (d = g_queue_pop_head(&r->early)) != NULL) {
        gsize len;
        const void *data = g_bytes_get_data(d->bytes, &len);
        vgl_replica_deliver(r, d->nodeid, data, len);
        deferred_free(d);
    }
}

void vgl_replica_use_ring(vgl_replica *r)
{
    r->ring_mode = true;
}

void vgl_replica_ring(vgl_replica *r, uint64_t ring)
{
    if (ring == r->ring)
        return;
    r->ring = ring;
    if (!r->ring_mode)
        return;
    if (r->awaiting_ring) {
        bind_ring(r);
    } else if (vgl_view_get_state(r->view) != VGL_VIEW_JOINING && ring != r->bound_ring) {
        /* A new ring without a confchg: corosync re-formed it with the same
         * members (a short link loss) and told the others only. */
        vgl_member *members;
        const vgl_member *cur;
        size_t n;

        qb_log(LOG_WARNING, "view: corosync formed a new ring with the same members; "
               "opening a barrier for it");
        cur = vgl_view_members(r->view, &n);
        members = g_memdup2(cur, n * sizeof(*members));
        view_change(r, members, n, NULL, 0, NULL, 0, false);
        g_free(members);
        r->reopened = true;
    }
}

void vgl_replica_quorum(vgl_replica *r, bool quorate, bool current)
{
    bool was = r->quorate && r->quorum_current;
    bool was_current = r->quorum_current;

    r->quorate = quorate;
    r->quorum_current = current;
    if (was != (quorate && current)) {
        qb_log(LOG_NOTICE, "quorum: %s", quorate && current ? "have quorum" : "no quorum");
        vgl__replica_emit(r, "quorum", g_variant_new_parsed("{'quorate': <%b>}", (gboolean)(quorate && current)));
        vgl__replica_changed(r, VGL_CHG_QUORUM);
    } else if (current && !was_current) {
        vgl__replica_changed(r, VGL_CHG_QUORUM);
    }
}

/* ------------------------------------------------------------ barrier */

static void apply_msg(vgl_replica *r, uint32_t from, const vgl_msg *m);

/* Every member in the configuration's node list, so that node attributes
 * and constraints can name it.  Deterministic: all replicas do it at the
 * same point of the stream (an announcement, or after a configuration
 * change that replaced the node list). */
static void ensure_node(vgl_replica *r, uint32_t nodeid, const char *name)
{
    GPtrArray *errs;
    char *xml;

    if (name == NULL || vgl_cib_node(r->cib, name) != NULL)
        return;
    errs = g_ptr_array_new_with_free_func(g_free);
    xml = g_markup_printf_escaped("<node id=\"%u\" uname=\"%s\"/>", nodeid, name);
    if (vgl_cib_put(r->cib, VGL_CIB_NODES, xml, errs) != 0)
        vgl__replica_log_errors("cib: adding node", errs);
    g_free(xml);
    g_ptr_array_unref(errs);
}

void vgl__replica_ensure_nodes(vgl_replica *r)
{
    size_t n;
    const vgl_member *m = vgl_view_members(r->view, &n);

    for (size_t i = 0; i < n; i++)
        ensure_node(r, m[i].nodeid, vgl_replica_node_name(r, m[i].nodeid));
}

/* The in-flight table after a barrier: exactly what each member announced
 * its executor was asked to do and has not reported (protocol fix 4), so
 * that a new coordinator waits for those and repeats none of them. */
static void rebuild_inflight(vgl_replica *r)
{
    GHashTableIter hi;
    gpointer k, v;

    g_hash_table_remove_all(r->inflight);
    g_hash_table_iter_init(&hi, r->anns);
    while (g_hash_table_iter_next(&hi, &k, &v)) {
        ann_payload *p = v;
        GVariantIter it;
        GVariant *a;
        if (p->inflight == NULL)
            continue;
        g_variant_iter_init(&it, p->inflight);
        while ((a = g_variant_iter_next_value(&it)) != NULL) {
            guint64 tid = 0;
            guint32 aid = 0;
            if (g_variant_lookup(a, "transition", "t", &tid) && g_variant_lookup(a, "id", "u", &aid)) {
                inflight *f = g_new0(inflight, 1);
                f->tid = tid;
                f->aid = aid;
                f->node = g_strdup(p->name); /* it runs where it was announced */
                f->spec = g_variant_ref(a);
                g_hash_table_replace(r->inflight, vgl__replica_inflight_key(tid, aid), f);
            }
            g_variant_unref(a);
        }
    }
    if (g_hash_table_size(r->inflight))
        qb_log(LOG_INFO, "view: %u actions still in flight are adopted",
               g_hash_table_size(r->inflight));
}

static void become_active(vgl_replica *r)
{
    deferred_msg *d;
    uint32_t coord;

    vgl__replica_ensure_nodes(r);
    vgl__replica_persist(r);
    rebuild_inflight(r);
    vgl_view_activate(r->view);
    coord = vgl_view_coordinator(r->view);
    qb_log(LOG_NOTICE, "view: agreed; coordinator is %s%s",
           vgl_replica_node_name(r, coord) ? vgl_replica_node_name(r, coord) : "?",
           coord == r->my_id ? " (this node)" : "");
    vgl__replica_emit(r, "view", g_variant_new_parsed("{'coordinator': <%s>}",
                                         vgl_replica_node_name(r, coord) ? vgl_replica_node_name(r, coord) : ""));
    vgl__replica_changed(r, VGL_CHG_ACTIVE | VGL_CHG_CONFIG | VGL_CHG_STATUS);
    /* Replay what arrived during the barrier, in order.  A replayed message
     * cannot reopen the barrier (only a confchg does). */
    while ((d = g_queue_pop_head(&r->deferred)) != NULL) {
        vgl_msg *m = NULL;
        gsize len;
        const void *data = g_bytes_get_data(d->bytes, &len);
        if (vgl_msg_decode(data, len, &m, NULL) == 0) {
            apply_msg(r, d->nodeid, m);
            vgl_msg_free(m);
        }
        deferred_free(d);
    }
}

static void send_sync(vgl_replica *r)
{
    vgl_merge_input in = { 0 };
    GHashTableIter it;
    gpointer k, v;
    vgl_msg *m;
    char *text;

    in.member_states = g_hash_table_new(g_str_hash, g_str_equal);
    in.unclean_states = g_ptr_array_new();
    in.fence_histories = g_ptr_array_new();
    g_hash_table_iter_init(&it, r->anns);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        ann_payload *a = v;
        g_hash_table_insert(in.member_states, a->name, a->node_state);
        for (guint i = 0; a->unclean && i < a->unclean->len; i++)
            g_ptr_array_add(in.unclean_states, g_ptr_array_index(a->unclean, i));
        if (a->fence_history)
            g_ptr_array_add(in.fence_histories, a->fence_history);
    }
    text = vgl_merge_sync(r->cib, &in);
    g_hash_table_unref(in.member_states);
    g_ptr_array_unref(in.unclean_states);
    g_ptr_array_unref(in.fence_histories);
    if (text == NULL) {
        qb_log(LOG_ERR, "view: could not build the sync for the new view");
        return;
    }
    m = vgl_msg_begin(VGL_MSG_SYNC);
    g_variant_dict_insert(m->fields, "members", "s", vgl_view_members_key(r->view));
    g_variant_dict_insert(m->fields, "cib", "s", text);
    qb_log(LOG_INFO, "view: sending the agreed CIB (%zu bytes) to the new view", strlen(text));
    vgl_replica_send(r, m);
    g_free(text);
}

static void on_announce(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    vgl_view_ann ann = { 0 };
    GVariant *succ = vgl_msg_value(m, "succession", "au");
    GVariant *unclean = vgl_msg_value(m, "unclean", "as");
    const char *name = vgl_msg_str(m, "name");
    uint64_t ae = 0, ep = 0;
    bool leaving = false;
    gsize ns = 0;
    int rc;

    ann.members_key = vgl_msg_str(m, "members");
    ann.config_digest = vgl_msg_str(m, "digest");
    vgl_msg_u32(m, "coordinator", &ann.coordinator);
    vgl_msg_u32(m, "coordinator_pid", &ann.coordinator_pid);
    vgl_msg_u64(m, "view_epoch", &ann.view_epoch);
    vgl_msg_u64(m, "counter", &ann.counter);
    vgl_msg_u64(m, "incarnation", &ann.incarnation);
    vgl_msg_u64(m, "stamp", &ann.stamp);
    vgl_msg_bool(m, "quorum", &ann.had_quorum);
    vgl_msg_u64(m, "admin_epoch", &ae);
    vgl_msg_u64(m, "epoch", &ep);
    vgl_msg_bool(m, "leaving", &leaving);
    ann.admin_epoch = (uint32_t)MIN(ae, UINT32_MAX);
    ann.epoch = (uint32_t)MIN(ep, UINT32_MAX);
    if (succ)
        ann.succession = g_variant_get_fixed_array(succ, &ns, sizeof(uint32_t));
    ann.n_succession = ns;
    if (name == NULL || *name == '\0' || ann.members_key == NULL || ann.config_digest == NULL) {
        qb_log(LOG_WARNING, "view: announcement from node %u lacks name, members or digest; ignored", from);
        goto done;
    }
    rc = vgl_view_announce(r->view, from, &ann);
    if (rc < 0) {
        qb_log(LOG_DEBUG, "view: stale announcement from %s ignored", name);
        goto done;
    }
    {
        ann_payload *a = g_new0(ann_payload, 1);
        const char *st = vgl_msg_str(m, "node_state");
        const char *fh = vgl_msg_str(m, "fence_history");
        a->name = g_strdup(name);
        a->node_state = g_strdup(st ? st : "");
        a->fence_history = (fh && *fh) ? g_strdup(fh) : NULL;
        a->unclean = g_ptr_array_new_with_free_func(g_free);
        a->inflight = vgl_msg_value(m, "inflight", "aa{sv}");
        if (unclean) {
            GVariantIter it;
            const char *s;
            g_variant_iter_init(&it, unclean);
            while (g_variant_iter_next(&it, "&s", &s))
                g_ptr_array_add(a->unclean, g_strdup(s));
        }
        g_hash_table_replace(r->anns, GUINT_TO_POINTER(from), a);
        g_hash_table_replace(r->names, GUINT_TO_POINTER(from), g_strdup(name));
    }
    ensure_node(r, from, name);
    vgl__replica_set_state(r->cib, name, "true", "online", "member", leaving ? "down" : "member");
    /* Every barrier ends with the SYNC (fixes 5 and 6): replicas agree
     * afterwards whatever they held before. */
    if (rc == 1 && vgl_view_sync_source(r->view) == r->my_id)
        send_sync(r);
done:
    if (succ)
        g_variant_unref(succ);
    if (unclean)
        g_variant_unref(unclean);
}

static void on_sync(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *key = vgl_msg_str(m, "members");
    const char *text = vgl_msg_str(m, "cib");
    GPtrArray *errs;
    vgl_cib *cib = NULL;

    if (vgl_view_get_state(r->view) != VGL_VIEW_SYNCING || key == NULL ||
        strcmp(key, vgl_view_members_key(r->view)) != 0 ||
        vgl_view_coordinator(r->view) == 0 || from != vgl_view_sync_source(r->view)) {
        qb_log(LOG_DEBUG, "view: stale or unexpected sync from node %u ignored", from);
        return;
    }
    errs = g_ptr_array_new_with_free_func(g_free);
    if (text == NULL || vgl_cib_load_string(text, -1, "sync", &cib, errs) != 0) {
        /* Every replica fails alike on the same bytes: keep ours, go on. */
        vgl__replica_log_errors("view: the agreed CIB is invalid; keeping ours", errs);
    } else {
        vgl_cib_free(r->cib);
        r->cib = cib;
    }
    g_ptr_array_unref(errs);
    become_active(r);
}

static void apply_msg(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    switch (m->type) {
    case VGL_MSG_CHANGE_REQUEST: vgl__replica_on_change_request(r, from, m); break;
    case VGL_MSG_CIB_DIFF: vgl__replica_on_diff(r, from, m); break;
    case VGL_MSG_CIB_APPLIED: vgl__replica_on_applied(r, from, m); break;
    case VGL_MSG_CIB_REFUSED: vgl__replica_on_refused(r, from, m); break;
    case VGL_MSG_ACTIONS: vgl__replica_on_actions(r, from, m); break;
    case VGL_MSG_OP_RESULT: vgl__replica_on_op_result(r, from, m); break;
    case VGL_MSG_ATTR: vgl__replica_on_attr(r, from, m); break;
    case VGL_MSG_FENCE_RESULT: vgl__replica_on_fence_result(r, from, m); break;
    case VGL_MSG_LEAVING: vgl__replica_on_leaving(r, from, m); break;
    case VGL_MSG_CLEANUP: vgl__replica_on_cleanup(r, from, m); break;
    case VGL_MSG_FENCE_REQUEST: {
        const char *target = vgl_msg_str(m, "target");
        const char *origin = vgl_replica_node_name(r, from);
        if (target && r->hooks.fence_request)
            r->hooks.fence_request(r->ud, target, origin ? origin : "?");
        break;
    }
    default:
        break;
    }
}

/* A message we cannot read.  A peer whose protocol range does not meet
 * ours can never announce: leave it out of barriers (deterministic: every
 * member of our version refuses the same message), and if we are the
 * newcomer (no barrier completed yet), we are the one that must go. */
static void refused(vgl_replica *r, uint32_t nodeid, const void *data, size_t len, int rc,
                    const char *why)
{
    uint32_t ver = 0, min = 0;
    char key[32];

    if (rc != VGL_E_PROTOCOL || !vgl_msg_peek_versions(data, len, &ver, &min) ||
        (min <= vgl_msg_proto_version() && ver >= vgl_msg_proto_min())) {
        qb_log(rc == VGL_E_PROTOCOL ? LOG_WARNING : LOG_ERR,
               "cluster: message from node %u dropped: %s", nodeid, why ? why : vgl_strerror(rc));
        return;
    }
    snprintf(key, sizeof(key), "%u", nodeid);
    if (g_hash_table_add(r->incompatible, g_strdup(key)))
        qb_log(LOG_ERR, "cluster: node %u speaks protocol versions %u..%u, this node %u..%u: "
               "protocol versions do not meet (%u-%u vs %u-%u); upgrade the older nodes to a "
               "release that speaks %u, or run the same release everywhere",
               nodeid, min, ver, vgl_msg_proto_min(), vgl_msg_proto_version(), min, ver,
               vgl_msg_proto_min(), vgl_msg_proto_version(),
               ver > vgl_msg_proto_version() ? ver : vgl_msg_proto_version());
    if (!vgl_view_has_history(r->view) && vgl_view_get_state(r->view) != VGL_VIEW_ACTIVE) {
        qb_log(LOG_CRIT, "cluster: refusing to join a cluster whose protocol this build does not "
               "speak; nothing was changed");
        if (r->hooks.incompatible)
            r->hooks.incompatible(r->ud);
        return;
    }
    if (vgl_view_exclude(r->view, nodeid) == 1 && vgl_view_sync_source(r->view) == r->my_id)
        send_sync(r);
}

/* An ANNOUNCE while ACTIVE that answers this very membership: the ring
 * re-formed around this node with the same members (a short link loss)
 * and corosync delivered the confchg to the others only.  Open the
 * barrier here too, at this point of the stream, as if a confchg without
 * changes had come; the announcement then counts in it.  Messages this
 * node applied before are the same ones the others deferred and replay
 * after the SYNC, which every barrier ends with. */
static bool missed_change(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    vgl_view_ann ann = { 0 };
    vgl_member *members;
    const vgl_member *cur;
    size_t n;

    ann.members_key = vgl_msg_str(m, "members");
    vgl_msg_u64(m, "counter", &ann.counter);
    vgl_msg_u64(m, "incarnation", &ann.incarnation);
    if (!vgl_view_missed_change(r->view, from, &ann))
        return false;
    qb_log(LOG_WARNING, "view: %s opened a barrier for the same members, after a membership "
           "change that corosync did not report on this node; joining it",
           vgl_replica_node_name(r, from) ? vgl_replica_node_name(r, from) : "a member");
    cur = vgl_view_members(r->view, &n);
    members = g_memdup2(cur, n * sizeof(*members));
    view_change(r, members, n, NULL, 0, NULL, 0, false);
    g_free(members);
    return true;
}

void vgl_replica_deliver(vgl_replica *r, uint32_t nodeid, const void *data, size_t len)
{
    vgl_msg *m = NULL;
    const char *why = NULL;
    int rc = vgl_msg_decode(data, len, &m, &why);

    if (rc != 0) {
        refused(r, nodeid, data, len, rc, why);
        return;
    }
    switch (vgl_view_get_state(r->view)) {
    case VGL_VIEW_JOINING:
        break;
    case VGL_VIEW_SYNCING:
        if (r->awaiting_ring && (m->type == VGL_MSG_ANNOUNCE || m->type == VGL_MSG_SYNC)) {
            deferred_msg *d = g_new0(deferred_msg, 1);
            d->nodeid = nodeid;
            d->bytes = g_bytes_new(data, len);
            g_queue_push_tail(&r->early, d);
        } else if (m->type == VGL_MSG_ANNOUNCE) {
            on_announce(r, nodeid, m);
        } else if (m->type == VGL_MSG_SYNC) {
            on_sync(r, nodeid, m);
        } else {
            deferred_msg *d = g_new0(deferred_msg, 1);
            d->nodeid = nodeid;
            d->bytes = g_bytes_new(data, len);
            g_queue_push_tail(&r->deferred, d);
        }
        break;
    case VGL_VIEW_ACTIVE:
        if (m->type == VGL_MSG_ANNOUNCE) {
            if (missed_change(r, nodeid, m))
                on_announce(r, nodeid, m);
        } else if (m->type != VGL_MSG_SYNC) {
            apply_msg(r, nodeid, m);
        }
        break;
    }
    vgl_msg_free(m);
}

int vgl_replica_leave(vgl_replica *r)
{
    vgl_msg *m;
    int64_t now = g_get_real_time() / G_USEC_PER_SEC;
    char buf[32];

    if (r->leaving)
        return 0;
    r->leaving = true;
    snprintf(buf, sizeof(buf), "%" PRId64, now);
    vgl__replica_set_state(r->self, r->my_name, NULL, NULL, NULL, "down");
    vgl_cib_set_transient_attr(r->self, r->my_name, "shutdown", buf, NULL);
    m = vgl_msg_begin(VGL_MSG_LEAVING);
    g_variant_dict_insert(m->fields, "time", "x", (gint64)now);
    return vgl_replica_send(r, m);
}
