/*
 * replica.c — the replicated state machine (see replica.h and
 * doc/protocol.md).
 *
 * Workload: every CPG message passes through vgl_replica_deliver(); a
 * steady cluster sees a few per operation, a failover a burst of a few
 * dozen.  Each message is applied to the CIB in delivery order; the CIB
 * functions are deterministic, so every replica holds the same CIB.
 *
 * Invariants:
 *  - Only the stream changes the CIB: a tool's change goes out as a diff
 *    and is applied here, on delivery, like everyone else's.
 *  - While the view is SYNCING, every message other than ANNOUNCE and SYNC
 *    is deferred and replayed in order once ACTIVE (same on all members).
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
#include "daemon/replica.h"

#define DIFF_RETRIES 5

typedef struct ann_payload {
    char *name;
    char *node_state;    /* its own node_state XML ("" when none) */
    GPtrArray *unclean;  /* node_state XML of unclean non-members */
    char *fence_history; /* or NULL */
} ann_payload;

typedef struct deferred_msg {
    uint32_t nodeid;
    GBytes *bytes;
} deferred_msg;

typedef struct pending_change {
    uint64_t req;
    vgl_change_fn fn;
    gpointer arg;
    GDestroyNotify arg_free;
    vgl_change_done_fn done;
    gpointer done_ud;
    int tries;
} pending_change;

typedef struct inflight {
    uint64_t tid;
    uint32_t aid;
    char *node;      /* where it runs */
    GVariant *spec;  /* a{sv} as dispatched */
} inflight;

struct vgl_replica {
    char *my_name;
    uint32_t my_id;
    vgl_cib_store *store;
    vgl_cib *cib;
    vgl_view *view;
    vgl_replica_hooks hooks;
    void *ud;
    GHashTable *names;     /* nodeid (uint) → name */
    GHashTable *anns;      /* nodeid → ann_payload, current barrier */
    GQueue deferred;       /* deferred_msg, while SYNCING */
    GHashTable *inflight;  /* "tid:aid" → inflight */
    GHashTable *pending;   /* req (uint64 *) → pending_change */
    uint64_t next_req;
    bool quorate, quorum_current, leaving;
    bool gained;           /* the last confchg brought members in */
};

/* ------------------------------------------------------------ helpers */

static void ann_free(gpointer p)
{
    ann_payload *a = p;
    g_free(a->name);
    g_free(a->node_state);
    if (a->unclean)
        g_ptr_array_unref(a->unclean);
    g_free(a->fence_history);
    g_free(a);
}

static void inflight_free(gpointer p)
{
    inflight *f = p;
    g_free(f->node);
    g_variant_unref(f->spec);
    g_free(f);
}

static void pending_free(gpointer p)
{
    pending_change *c = p;
    if (c->arg_free)
        c->arg_free(c->arg);
    g_free(c);
}

static char *inflight_key(uint64_t tid, uint32_t aid)
{
    return g_strdup_printf("%" PRIu64 ":%u", tid, aid);
}

static void log_errors(const char *what, GPtrArray *errors)
{
    for (guint i = 0; errors && i < errors->len; i++)
        qb_log(LOG_ERR, "%s: %s", what, (const char *)g_ptr_array_index(errors, i));
}

static void emit(vgl_replica *r, const char *kind, GVariant *fields)
{
    if (r->hooks.event)
        r->hooks.event(r->ud, kind, fields);
    else
        g_variant_unref(g_variant_ref_sink(fields));
}

static void changed(vgl_replica *r, unsigned what)
{
    if (r->hooks.changed)
        r->hooks.changed(r->ud, what);
}

static void persist(vgl_replica *r)
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

static void set_state(vgl_replica *r, const char *uname, const char *in_ccm, const char *crmd,
                      const char *join, const char *expected)
{
    vgl_cib_node_state st = { in_ccm, crmd, join, expected };
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);

    if (vgl_cib_set_node_state(r->cib, uname, &st, errs) != 0)
        log_errors("cib: node state", errs);
    g_ptr_array_unref(errs);
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
    r->inflight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, inflight_free);
    r->pending = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, pending_free);
    g_queue_init(&r->deferred);
    g_hash_table_insert(r->names, GUINT_TO_POINTER(my_nodeid), g_strdup(my_name));
    return r;
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
    g_hash_table_unref(r->names);
    g_hash_table_unref(r->anns);
    g_hash_table_unref(r->inflight);
    g_hash_table_unref(r->pending);
    vgl_view_free(r->view);
    vgl_cib_free(r->cib);
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

vgl_sched_view *vgl_replica_sched_view(const vgl_replica *r)
{
    vgl_sched_view *v = NULL;
    size_t n;
    const vgl_member *m = vgl_view_members(r->view, &n);

    if (vgl_sched_view_from_cib(vgl_cib_xml(r->cib), &v) != 0 || v == NULL)
        v = vgl_sched_view_new(false);
    vgl_sched_view_set_quorum(v, r->quorate && r->quorum_current);
    for (size_t i = 0; i < n; i++) {
        const char *name = vgl_replica_node_name(r, m[i].nodeid);
        if (name)
            vgl_sched_view_set_node(v, name, VGL_NODE_ONLINE);
    }
    /* A node that is in node_state as online but not in our view is not
     * online for us: from_cib trusts in_ccm, which we keep current, so
     * nothing more to do here. */
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
    char *state = vgl_merge_node_state(r->cib, r->my_name);
    char *fences = vgl_merge_fence_history(r->cib);
    const char **members = member_names(r);
    GPtrArray *unclean = vgl_merge_unclean_states(r->cib, members);

    vgl_cib_get_version(r->cib, &ver);
    g_variant_dict_insert(m->fields, "members", "s", vgl_view_members_key(r->view));
    g_variant_dict_insert(m->fields, "name", "s", r->my_name);
    g_variant_dict_insert_value(m->fields, "succession",
        g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, succ, ns, sizeof(uint32_t)));
    g_variant_dict_insert(m->fields, "coordinator", "u", vgl_view_followed(r->view));
    g_variant_dict_insert(m->fields, "quorum", "b", (gboolean)(r->quorate && r->quorum_current));
    g_variant_dict_insert(m->fields, "admin_epoch", "t", (guint64)ver.admin_epoch);
    g_variant_dict_insert(m->fields, "epoch", "t", (guint64)ver.epoch);
    g_variant_dict_insert(m->fields, "num_updates", "t", (guint64)ver.num_updates);
    g_variant_dict_insert(m->fields, "digest", "s", digest);
    g_variant_dict_insert(m->fields, "node_state", "s", state ? state : "");
    g_variant_dict_insert(m->fields, "fence_history", "s", fences ? fences : "");
    g_variant_dict_insert_value(m->fields, "unclean", strv_variant(unclean));
    g_variant_dict_insert(m->fields, "leaving", "b", (gboolean)r->leaving);
    vgl_replica_send(r, m);
    g_ptr_array_unref(unclean);
    g_free((gpointer)members);
    g_free(digest);
    g_free(state);
    g_free(fences);
}

/* ---------------------------------------------------------- membership */

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
    GPtrArray *lost = g_ptr_array_new();

    if (name == NULL)
        return;
    {
        char *e = vgl_merge_state_attr(r->cib, name, "expected");
        expected = g_strcmp0(e, "down") == 0 ? "down" : "member";
        g_free(e);
    }
    if (m->reason == CPG_REASON_LEAVE && strcmp(expected, "down") == 0 && vgl_replica_runs_nothing(r, name)) {
        GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
        qb_log(LOG_NOTICE, "view: %s left cleanly", name);
        vgl_cib_clear_node(r->cib, name, errs);
        g_ptr_array_unref(errs);
        set_state(r, name, "false", "offline", "down", "down");
    } else {
        qb_log(LOG_WARNING, "view: %s left uncleanly (%s): it must be fenced before its "
               "resources run elsewhere", name,
               m->reason == CPG_REASON_PROCDOWN ? "vigild died" :
               m->reason == CPG_REASON_NODEDOWN ? "node lost" : "left without shutdown");
        set_state(r, name, "false", "offline", "member", "member");
    }
    emit(r, "node-left", g_variant_new_parsed("{'node': <%s>, 'clean': <%b>}", name,
                                              (gboolean)(strcmp(expected, "down") == 0)));
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

void vgl_replica_confchg(vgl_replica *r, const vgl_member *members, size_t n,
                         const vgl_member *left, size_t n_left,
                         const vgl_member *joined, size_t n_joined)
{
    for (size_t i = 0; i < n_left; i++) {
        if (left[i].nodeid != r->my_id)
            node_left(r, &left[i]);
    }
    g_hash_table_remove_all(r->anns);
    r->gained = n_joined > 0;
    qb_log(LOG_INFO, "view: %zu members (%zu left, %zu joined)", n, n_left, n_joined);
    if (vgl_view_confchg(r->view, members, n, joined, n_joined))
        send_announce(r);
    changed(r, VGL_CHG_VIEW);
}

void vgl_replica_quorum(vgl_replica *r, bool quorate, bool current)
{
    bool was = r->quorate && r->quorum_current;
    bool was_current = r->quorum_current;

    r->quorate = quorate;
    r->quorum_current = current;
    if (was != (quorate && current)) {
        qb_log(LOG_NOTICE, "quorum: %s", quorate && current ? "have quorum" : "no quorum");
        emit(r, "quorum", g_variant_new_parsed("{'quorate': <%b>}", (gboolean)(quorate && current)));
        changed(r, VGL_CHG_QUORUM);
    } else if (current && !was_current) {
        changed(r, VGL_CHG_QUORUM);
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
        log_errors("cib: adding node", errs);
    g_free(xml);
    g_ptr_array_unref(errs);
}

static void ensure_nodes(vgl_replica *r)
{
    size_t n;
    const vgl_member *m = vgl_view_members(r->view, &n);

    for (size_t i = 0; i < n; i++)
        ensure_node(r, m[i].nodeid, vgl_replica_node_name(r, m[i].nodeid));
}

static void become_active(vgl_replica *r)
{
    deferred_msg *d;
    uint32_t coord;

    ensure_nodes(r);
    persist(r);
    vgl_view_activate(r->view);
    coord = vgl_view_coordinator(r->view);
    qb_log(LOG_NOTICE, "view: agreed; coordinator is %s%s",
           vgl_replica_node_name(r, coord) ? vgl_replica_node_name(r, coord) : "?",
           coord == r->my_id ? " (this node)" : "");
    emit(r, "view", g_variant_new_parsed("{'coordinator': <%s>}",
                                         vgl_replica_node_name(r, coord) ? vgl_replica_node_name(r, coord) : ""));
    changed(r, VGL_CHG_ACTIVE | VGL_CHG_CONFIG | VGL_CHG_STATUS);
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
    g_variant_dict_insert_value(m->fields, "inflight", vgl_replica_inflight(r));
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
    set_state(r, name, "true", "online", "member", leaving ? "down" : "member");
    if (rc == 1) {
        if (!vgl_view_need_sync(r->view))
            become_active(r);
        else if (vgl_view_sync_source(r->view) == r->my_id)
            send_sync(r);
    }
done:
    if (succ)
        g_variant_unref(succ);
    if (unclean)
        g_variant_unref(unclean);
}

static void load_inflight(vgl_replica *r, GVariant *list)
{
    GVariantIter it;
    GVariant *a;

    g_hash_table_remove_all(r->inflight);
    if (list == NULL)
        return;
    g_variant_iter_init(&it, list);
    while ((a = g_variant_iter_next_value(&it)) != NULL) {
        GVariantDict d;
        guint64 tid = 0;
        guint32 aid = 0;
        const char *node = NULL;
        g_variant_dict_init(&d, a);
        if (g_variant_dict_lookup(&d, "transition", "t", &tid) &&
            g_variant_dict_lookup(&d, "id", "u", &aid) &&
            g_variant_dict_lookup(&d, "executor", "&s", &node)) {
            inflight *f = g_new0(inflight, 1);
            f->tid = tid;
            f->aid = aid;
            f->node = g_strdup(node);
            f->spec = g_variant_ref(a);
            g_hash_table_replace(r->inflight, inflight_key(tid, aid), f);
        }
        g_variant_dict_clear(&d);
        g_variant_unref(a);
    }
}

static void on_sync(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *key = vgl_msg_str(m, "members");
    const char *text = vgl_msg_str(m, "cib");
    GVariant *infl;
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
        log_errors("view: the agreed CIB is invalid; keeping ours", errs);
    } else {
        vgl_cib_free(r->cib);
        r->cib = cib;
    }
    g_ptr_array_unref(errs);
    infl = vgl_msg_value(m, "inflight", "aa{sv}");
    load_inflight(r, infl);
    if (infl)
        g_variant_unref(infl);
    become_active(r);
}

/* ------------------------------------------------------ configuration */

static int send_diff(vgl_replica *r, pending_change *c, GPtrArray *errors)
{
    vgl_cib *copy = vgl_cib_copy(r->cib);
    char *diff;
    vgl_msg *m;
    int rc = c->fn(copy, c->arg, errors);

    if (rc != 0) {
        vgl_cib_free(copy);
        return rc;
    }
    diff = vgl_cib_diff(r->cib, copy);
    vgl_cib_free(copy);
    m = vgl_msg_begin(VGL_MSG_CIB_DIFF);
    g_variant_dict_insert(m->fields, "req", "t", (guint64)c->req);
    g_variant_dict_insert(m->fields, "diff", "s", diff);
    g_free(diff);
    return vgl_replica_send(r, m);
}

int vgl_replica_change_config(vgl_replica *r, vgl_change_fn fn, gpointer arg,
                              GDestroyNotify arg_free, vgl_change_done_fn done,
                              gpointer done_ud, GPtrArray *errors)
{
    pending_change *c;
    int rc;

    if (!vgl_replica_is_active(r)) {
        if (arg_free)
            arg_free(arg);
        return VGL_E_BUSY;
    }
    if (!(r->quorate && r->quorum_current)) {
        if (arg_free)
            arg_free(arg);
        return VGL_E_NO_QUORUM;
    }
    c = g_new0(pending_change, 1);
    c->req = ++r->next_req;
    c->fn = fn;
    c->arg = arg;
    c->arg_free = arg_free;
    c->done = done;
    c->done_ud = done_ud;
    rc = send_diff(r, c, errors);
    if (rc != 0) {
        pending_free(c);
        return rc;
    }
    g_hash_table_insert(r->pending, g_memdup2(&c->req, sizeof(c->req)), c);
    return 0;
}

static void finish_change(vgl_replica *r, pending_change *c, int rc, GPtrArray *errs)
{
    uint64_t req = c->req;
    if (c->done)
        c->done(c->done_ud, rc, errs);
    g_hash_table_remove(r->pending, &req);
}

static void on_diff(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *diff = vgl_msg_str(m, "diff");
    uint64_t req = 0;
    pending_change *c = NULL;
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
    int rc;

    vgl_msg_u64(m, "req", &req);
    if (from == r->my_id)
        c = g_hash_table_lookup(r->pending, &req);
    rc = diff ? vgl_cib_diff_apply(r->cib, diff, -1, errs) : VGL_E_PARSE;
    if (rc == 0) {
        vgl_cib_version v;
        ensure_nodes(r);
        vgl_cib_get_version(r->cib, &v);
        persist(r);
        qb_log(LOG_NOTICE, "cib: configuration changed by %s (epoch %" PRIu64 ")",
               vgl_replica_node_name(r, from) ? vgl_replica_node_name(r, from) : "?", v.epoch);
        emit(r, "config", g_variant_new_parsed("{'epoch': <%t>}", (guint64)v.epoch));
        if (c)
            finish_change(r, c, 0, errs);
        changed(r, VGL_CHG_CONFIG);
    } else if (c && rc == VGL_E_DIGEST && c->tries < DIFF_RETRIES) {
        /* Another change won the race: redo ours on the new base. */
        c->tries++;
        g_ptr_array_set_size(errs, 0);
        rc = send_diff(r, c, errs);
        if (rc != 0)
            finish_change(r, c, rc, errs);
    } else {
        if (rc != VGL_E_DIGEST)
            log_errors("cib: a configuration diff was refused", errs);
        if (c)
            finish_change(r, c, rc, errs);
    }
    g_ptr_array_unref(errs);
}

/* -------------------------------------------------------------- status */

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
        log_errors("cib: recording a pending operation", errs);
    g_ptr_array_unref(errs);
}

void vgl_replica_forget_inflight(vgl_replica *r, uint64_t tid, uint32_t aid)
{
    char *key = inflight_key(tid, aid);
    g_hash_table_remove(r->inflight, key);
    g_free(key);
}

static void on_actions(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    GVariant *list = vgl_msg_value(m, "actions", "aa{sv}");
    uint64_t tid = 0;
    int64_t when = 0;
    GVariantIter it;
    GVariant *a;

    vgl_msg_i64(m, "time", &when);

    if (from != vgl_view_coordinator(r->view) || list == NULL || !vgl_msg_u64(m, "transition", &tid)) {
        qb_log(LOG_WARNING, "coord: actions from node %u, which is not the coordinator, ignored", from);
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
            g_hash_table_replace(r->inflight, inflight_key(tid, aid), f);
            record_pending(r, &d, when);
            if (r->hooks.dispatched)
                r->hooks.dispatched(r->ud, tid, a);
        }
        g_variant_dict_clear(&d);
        g_variant_unref(a);
    }
    g_variant_unref(list);
}

/* One result of an OP_RESULT message, recorded on node `uname`. */
static bool apply_result(vgl_replica *r, const char *uname, GVariant *res)
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
    if (vgl_cib_record_op(r->cib, uname, &op, errs) != 0) {
        log_errors("cib: an operation result was refused", errs);
    } else {
        emit(r, "op", g_variant_new_parsed("{'node': <%s>, 'rsc': <%s>, 'op': <%s>, 'interval': <%u>,"
                                           " 'rc': <%i>, 'expected': <%i>, 'exec_ms': <%u>}",
                                           uname, op.rsc_id ? op.rsc_id : "", op.operation ? op.operation : "",
                                           interval, rc, expected, exec_ms));
    }
    if (has_action) {
        char *key = inflight_key(tid, aid);
        g_hash_table_remove(r->inflight, key);
        g_free(key);
        if (r->hooks.completed)
            r->hooks.completed(r->ud, tid, aid, rc == expected || (rc == 190 && expected == 0));
    }
    g_variant_dict_clear(&d);
    g_ptr_array_unref(errs);
    return relevant && !has_action;
}

static void on_op_result(vgl_replica *r, uint32_t from, const vgl_msg *m)
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
        relevant |= apply_result(r, uname, res);
        g_variant_unref(res);
    }
    g_variant_unref(list);
    changed(r, relevant ? VGL_CHG_STATUS : 0);
}

static void on_attr(vgl_replica *r, uint32_t from, const vgl_msg *m)
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
        log_errors("cib: attribute update refused", errs);
        goto done;
    }
    qb_log(LOG_INFO, "cib: %s: attribute %s=%s", node, name, value ? value : "(unset)");
    emit(r, "attr", g_variant_new_parsed("{'node': <%s>, 'name': <%s>, 'value': <%s>}",
                                         node, name, value ? value : ""));
    changed(r, VGL_CHG_STATUS);
done:
    g_ptr_array_unref(errs);
}

static void on_fence_result(vgl_replica *r, uint32_t from, const vgl_msg *m)
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
        log_errors("fence: history", errs);
    if (ok) {
        qb_log(LOG_NOTICE, "fence: %s was fenced (%s) by %s", ev.target, ev.action,
               ev.delegate ? ev.delegate : "?");
        g_ptr_array_set_size(errs, 0);
        vgl_cib_clear_node(r->cib, ev.target, errs);
        set_state(r, ev.target, "false", "offline", "down", "down");
    } else {
        qb_log(LOG_ERR, "fence: fencing %s failed: %s", ev.target,
               ev.exit_reason ? ev.exit_reason : "no reason given");
    }
    emit(r, "fence", g_variant_new_parsed("{'target': <%s>, 'ok': <%b>, 'reason': <%s>}",
                                          ev.target, (gboolean)ok, ev.exit_reason ? ev.exit_reason : ""));
    if (vgl_msg_u64(m, "transition", &tid) && vgl_msg_u32(m, "action_id", &aid)) {
        char *key = inflight_key(tid, aid);
        g_hash_table_remove(r->inflight, key);
        g_free(key);
        if (r->hooks.completed)
            r->hooks.completed(r->ud, tid, aid, ok);
    }
    changed(r, VGL_CHG_STATUS);
done:
    g_ptr_array_unref(errs);
}

static void on_leaving(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *name = vgl_replica_node_name(r, from);
    int64_t when = 0;
    char buf[32];
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);

    if (name == NULL)
        goto done;
    vgl_msg_i64(m, "time", &when);
    snprintf(buf, sizeof(buf), "%" PRId64, when > 0 ? when : 1);
    set_state(r, name, NULL, NULL, NULL, "down");
    vgl_cib_set_transient_attr(r->cib, name, "shutdown", buf, errs);
    qb_log(LOG_NOTICE, "view: %s is shutting down; its resources move away", name);
    emit(r, "leaving", g_variant_new_parsed("{'node': <%s>}", name));
    changed(r, VGL_CHG_STATUS);
done:
    g_ptr_array_unref(errs);
}

static void on_cleanup(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    const char *rsc = vgl_msg_str(m, "rsc");
    const char *node = vgl_msg_str(m, "node");
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);

    if (rsc == NULL)
        goto done;
    if (node && *node == '\0')
        node = NULL;
    if (vgl_cib_clear_resource(r->cib, rsc, node, errs) != 0)
        log_errors("cib: cleanup", errs);
    qb_log(LOG_NOTICE, "cib: %s: history and fail counts cleared%s%s", rsc,
           node ? " on " : "", node ? node : "");
    emit(r, "cleanup", g_variant_new_parsed("{'rsc': <%s>}", rsc));
    changed(r, VGL_CHG_STATUS);
done:
    g_ptr_array_unref(errs);
}

static void apply_msg(vgl_replica *r, uint32_t from, const vgl_msg *m)
{
    switch (m->type) {
    case VGL_MSG_CIB_DIFF: on_diff(r, from, m); break;
    case VGL_MSG_ACTIONS: on_actions(r, from, m); break;
    case VGL_MSG_OP_RESULT: on_op_result(r, from, m); break;
    case VGL_MSG_ATTR: on_attr(r, from, m); break;
    case VGL_MSG_FENCE_RESULT: on_fence_result(r, from, m); break;
    case VGL_MSG_LEAVING: on_leaving(r, from, m); break;
    case VGL_MSG_CLEANUP: on_cleanup(r, from, m); break;
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

void vgl_replica_deliver(vgl_replica *r, uint32_t nodeid, const void *data, size_t len)
{
    vgl_msg *m = NULL;
    const char *why = NULL;
    int rc = vgl_msg_decode(data, len, &m, &why);

    if (rc != 0) {
        qb_log(rc == VGL_E_PROTOCOL ? LOG_WARNING : LOG_ERR,
               "cluster: message from node %u dropped: %s", nodeid, why ? why : vgl_strerror(rc));
        return;
    }
    switch (vgl_view_get_state(r->view)) {
    case VGL_VIEW_JOINING:
        break;
    case VGL_VIEW_SYNCING:
        if (m->type == VGL_MSG_ANNOUNCE) {
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
        if (m->type != VGL_MSG_ANNOUNCE && m->type != VGL_MSG_SYNC)
            apply_msg(r, nodeid, m);
        break;
    }
    vgl_msg_free(m);
}

int vgl_replica_leave(vgl_replica *r)
{
    vgl_msg *m;

    if (r->leaving)
        return 0;
    r->leaving = true;
    m = vgl_msg_begin(VGL_MSG_LEAVING);
    g_variant_dict_insert(m->fields, "time", "x", (gint64)(g_get_real_time() / G_USEC_PER_SEC));
    return vgl_replica_send(r, m);
}
