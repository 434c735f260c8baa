/* check_replica.c — several replicas on a simulated CPG: a bus that
 * delivers every message and membership change to the members of the
 * current view, in one total order.  Checks the protocol of
 * doc/protocol.md: agreement, sync of joiners, deferral during the
 * barrier, concurrent configuration changes, partitions and merges. */
#include "config.h"

#include <string.h>

#include <stdlib.h>

#include <corosync/cpg.h>
#include <qb/qblog.h>
#include <vigil/cib.h>
#include <vigil/vigil.h>

#include "daemon/replica.h"
#include "vgl_check.h"

#define N 3

typedef struct sim sim;

typedef struct node {
    sim *s;
    uint32_t id;
    vgl_replica *r;
    bool up;
    unsigned changes_done;
    int last_rc;
} node;

typedef struct queued {
    uint32_t from;
    GBytes *bytes;
    int group;       /* the partition it was sent in */
} queued;

struct sim {
    node nodes[N + 1];
    uint32_t pid[N + 1];  /* each node's vigild pid; a restart changes it */
    GQueue q;
    int group_of[N + 1]; /* partition id per node; 0 = down */
};

static int hook_send(void *ud, vgl_msg *m)
{
    node *n = ud;
    queued *q = g_new0(queued, 1);
    q->from = n->id;
    q->bytes = vgl_msg_encode(m);
    q->group = n->s->group_of[n->id];
    g_queue_push_tail(&n->s->q, q);
    return 0;
}

static const vgl_replica_hooks hooks = { hook_send, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };

static char *name_of(uint32_t id) { return g_strdup_printf("node%u", id); }

static void node_start_with(sim *s, uint32_t id, vgl_cib *stored);

static void node_start(sim *s, uint32_t id) { node_start_with(s, id, vgl_cib_new()); }

/* Start node id with the CIB it had stored on disk (taken over). */
static void node_start_with(sim *s, uint32_t id, vgl_cib *stored)
{
    node *n = &s->nodes[id];
    static uint32_t next_pid = 1000;
    s->pid[id] = ++next_pid; /* every start is a new process */
    char *name = name_of(id);
    n->s = s;
    n->id = id;
    n->r = vgl_replica_new(name, id, NULL, stored, &hooks, n);
    vgl_replica_set_quorum_size(n->r, N / 2 + 1);
    vgl_replica_quorum(n->r, true, true);
    n->up = true;
    g_free(name);
}

static void node_stop(sim *s, uint32_t id)
{
    vgl_replica_free(s->nodes[id].r);
    s->nodes[id].r = NULL;
    s->nodes[id].up = false;
    s->group_of[id] = 0;
}

/* Members of partition g, in node-id order. */
static size_t members_of(sim *s, int g, vgl_member *m)
{
    size_t k = 0;
    for (uint32_t i = 1; i <= N; i++) {
        if (s->nodes[i].up && s->group_of[i] == g) {
            m[k].nodeid = i;
            m[k].pid = s->pid[i];
            m[k].reason = 0;
            k++;
        }
    }
    return k;
}

/* Deliver a confchg for partition g: joined/left given as id lists. */
static void confchg(sim *s, int g, const uint32_t *left, size_t nl, uint32_t reason,
                    const uint32_t *joined, size_t nj)
{
    vgl_member m[N], l[N], j[N];
    size_t n = members_of(s, g, m);
    for (size_t i = 0; i < nl; i++)
        l[i] = (vgl_member){ left[i], s->pid[left[i]], reason };
    for (size_t i = 0; i < nj; i++)
        j[i] = (vgl_member){ joined[i], s->pid[joined[i]], CPG_REASON_JOIN };
    for (size_t i = 0; i < n; i++)
        vgl_replica_confchg(s->nodes[m[i].nodeid].r, m, n, l, nl, j, nj);
}

/* A confchg of partition g delivered to node `to` only (merges: each side
 * sees the other side join). */
static void confchg_to(sim *s, uint32_t to, int g, const uint32_t *joined, size_t nj)
{
    vgl_member m[N], j[N];
    size_t n = members_of(s, g, m);
    for (size_t i = 0; i < nj; i++)
        j[i] = (vgl_member){ joined[i], s->pid[joined[i]], CPG_REASON_JOIN };
    vgl_replica_confchg(s->nodes[to].r, m, n, NULL, 0, j, nj);
}

/* Deliver everything queued, each message to the members of its
 * partition, until the bus is quiet. */
static void pump(sim *s)
{
    queued *q;
    while ((q = g_queue_pop_head(&s->q)) != NULL) {
        gsize len;
        const void *data = g_bytes_get_data(q->bytes, &len);
        if (s->group_of[q->from] == q->group) {
            for (uint32_t i = 1; i <= N; i++) {
                if (s->nodes[i].up && s->group_of[i] == q->group)
                    vgl_replica_deliver(s->nodes[i].r, q->from, data, len);
            }
        }
        g_bytes_unref(q->bytes);
        g_free(q);
    }
}

static void sim_boot(sim *s)
{
    uint32_t all[N];
    memset(s, 0, sizeof(*s));
    g_queue_init(&s->q);
    for (uint32_t i = 1; i <= N; i++) {
        node_start(s, i);
        s->group_of[i] = 1;
        all[i - 1] = i;
    }
    confchg(s, 1, NULL, 0, 0, all, N);
    pump(s);
}

static void sim_free(sim *s)
{
    for (uint32_t i = 1; i <= N; i++) {
        if (s->nodes[i].up)
            node_stop(s, i);
    }
    pump(s);
}

static char *digest_of(sim *s, uint32_t id) { return vgl_cib_digest(vgl_replica_cib(s->nodes[id].r)); }

static void assert_same_cib(sim *s, const uint32_t *ids, size_t n)
{
    char *d0 = digest_of(s, ids[0]);
    for (size_t i = 1; i < n; i++) {
        char *d = digest_of(s, ids[i]);
        ck_assert_msg(strcmp(d0, d) == 0, "node%u and node%u hold different CIBs", ids[0], ids[i]);
        g_free(d);
    }
    g_free(d0);
}

/* The operations that add a Dummy primitive with id rsc. */
static GVariant *add_primitive(const char *rsc)
{
    GVariantBuilder b;
    GVariantDict d;
    char *xml = g_strdup_printf("<primitive id=\"%s\" class=\"ocf\" provider=\"vigil\" type=\"Dummy\"/>",
                                rsc);
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "op", "s", "put");
    g_variant_dict_insert(&d, "section", "s", "resources");
    g_variant_dict_insert(&d, "xml", "s", xml);
    g_free(xml);
    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(&b, g_variant_dict_end(&d));
    return g_variant_builder_end(&b);
}

static void change_done(gpointer ud, int rc, GPtrArray *errors)
{
    node *n = ud;
    n->changes_done++;
    n->last_rc = rc;
}

static int change(sim *s, uint32_t id, const char *rsc)
{
    return vgl_replica_change_config(s->nodes[id].r, add_primitive(rsc), change_done,
                                     &s->nodes[id], NULL);
}

START_TEST(garbage_messages_are_dropped)
{
    sim s;
    sim_boot(&s);
    const char *junk[] = { "", "V", "Zxx", "Vnot-a-variant" };
    char *before = digest_of(&s, 1);
    for (size_t i = 0; i < G_N_ELEMENTS(junk); i++)
        vgl_replica_deliver(s.nodes[1].r, 2, junk[i], strlen(junk[i]));
    vgl_replica_deliver(s.nodes[1].r, 2, NULL, 0);
    char *after = digest_of(&s, 1);
    ck_assert_str_eq(before, after);
    ck_assert(vgl_replica_is_active(s.nodes[1].r));
    g_free(before);
    g_free(after);
    sim_free(&s);
}
END_TEST

START_TEST(three_nodes_agree)
{
    sim s;
    uint32_t all[] = { 1, 2, 3 };
    sim_boot(&s);
    for (uint32_t i = 1; i <= N; i++) {
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
        ck_assert_uint_eq(vgl_view_coordinator(vgl_replica_view(s.nodes[i].r)), 1);
        ck_assert_ptr_nonnull(vgl_cib_node(vgl_replica_cib(s.nodes[i].r), "node3"));
    }
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

START_TEST(change_reaches_everyone_and_is_acknowledged)
{
    sim s;
    uint32_t all[] = { 1, 2, 3 };
    sim_boot(&s);
    ck_assert_int_eq(change(&s, 2, "d1"), 0);
    ck_assert_uint_eq(s.nodes[2].changes_done, 0); /* not before delivery */
    pump(&s);
    ck_assert_uint_eq(s.nodes[2].changes_done, 1);
    ck_assert_int_eq(s.nodes[2].last_rc, 0);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "d1"));
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

START_TEST(concurrent_changes_both_survive)
{
    sim s;
    uint32_t all[] = { 1, 2, 3 };
    sim_boot(&s);
    ck_assert_int_eq(change(&s, 1, "a"), 0);
    ck_assert_int_eq(change(&s, 3, "b"), 0); /* same base: one must retry */
    pump(&s);
    ck_assert_int_eq(s.nodes[1].last_rc, 0);
    ck_assert_int_eq(s.nodes[3].last_rc, 0);
    for (uint32_t i = 1; i <= N; i++) {
        ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "a"));
        ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "b"));
    }
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

/* A status update delivered between the coordinator's check of a change
 * and the change itself must not make anyone refuse it. */
START_TEST(change_survives_a_status_update_in_between)
{
    sim s;
    uint32_t all[] = { 1, 2, 3 };
    sim_boot(&s);
    ck_assert_int_eq(change(&s, 2, "raced"), 0);
    {
        vgl_msg *m = vgl_msg_begin(VGL_MSG_OP_RESULT);
        GVariantBuilder b;
        GVariantDict d;
        g_variant_dict_init(&d, NULL);
        g_variant_dict_insert(&d, "rsc", "s", "other");
        g_variant_dict_insert(&d, "class", "s", "ocf");
        g_variant_dict_insert(&d, "provider", "s", "vigil");
        g_variant_dict_insert(&d, "type", "s", "Dummy");
        g_variant_dict_insert(&d, "op", "s", "monitor");
        g_variant_dict_insert(&d, "rc", "i", 7);
        g_variant_dict_insert(&d, "expected", "i", 7);
        g_variant_dict_insert(&d, "call", "i", 1);
        g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
        g_variant_builder_add_value(&b, g_variant_dict_end(&d));
        g_variant_dict_insert_value(m->fields, "results", g_variant_builder_end(&b));
        vgl_replica_send(s.nodes[3].r, m); /* queued after the request */
    }
    pump(&s);
    ck_assert_uint_eq(s.nodes[2].changes_done, 1);
    ck_assert_int_eq(s.nodes[2].last_rc, 0);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "raced"));
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

/* A change the coordinator cannot apply is refused to its origin with the
 * reason, and nothing changes anywhere. */
START_TEST(invalid_change_is_refused_with_its_reason)
{
    sim s;
    sim_boot(&s);
    char *before = digest_of(&s, 3);
    ck_assert_int_eq(change(&s, 3, "bad id with spaces"), 0);
    pump(&s);
    ck_assert_uint_eq(s.nodes[3].changes_done, 1);
    ck_assert_int_ne(s.nodes[3].last_rc, 0);
    char *after = digest_of(&s, 3);
    ck_assert_str_eq(before, after);
    g_free(before);
    g_free(after);
    sim_free(&s);
}
END_TEST

START_TEST(changes_need_quorum)
{
    sim s;
    sim_boot(&s);
    vgl_replica_quorum(s.nodes[2].r, false, true);
    ck_assert_int_eq(change(&s, 2, "x"), VGL_E_NO_QUORUM);
    vgl_replica_quorum(s.nodes[2].r, true, false); /* quorum of an older ring */
    ck_assert_int_eq(change(&s, 2, "x"), VGL_E_NO_QUORUM);
    sim_free(&s);
}
END_TEST

/* node3 dies; the survivors mark it unclean; it restarts empty and gets
 * the agreed CIB through SYNC, including what changed meanwhile. */
START_TEST(restarted_node_is_synced)
{
    sim s;
    uint32_t three[] = { 3 }, all[] = { 1, 2, 3 };
    sim_boot(&s);
    node_stop(&s, 3);
    confchg(&s, 1, three, 1, CPG_REASON_PROCDOWN, NULL, 0);
    pump(&s);
    ck_assert(vgl_replica_is_active(s.nodes[1].r));
    {
        vgl_sched_view *v = vgl_replica_sched_view(s.nodes[1].r);
        ck_assert_int_eq(vgl_sched_view_node_state(v, "node3"), VGL_NODE_UNCLEAN);
        vgl_sched_view_free(v);
    }
    ck_assert_int_eq(change(&s, 1, "while-away"), 0);
    pump(&s);
    node_start(&s, 3);
    s.group_of[3] = 1;
    confchg(&s, 1, NULL, 0, 0, three, 1);
    pump(&s);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
    ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[3].r), "while-away"));
    ck_assert_uint_eq(vgl_view_coordinator(vgl_replica_view(s.nodes[3].r)), 1);
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

/* A change delivered while the barrier is open is applied by everyone
 * after it, the joiner included. */
START_TEST(changes_during_the_barrier_are_deferred)
{
    sim s;
    uint32_t three[] = { 3 }, all[] = { 1, 2, 3 };
    sim_boot(&s);
    node_stop(&s, 3);
    confchg(&s, 1, three, 1, CPG_REASON_LEAVE, NULL, 0);
    pump(&s);
    ck_assert_int_eq(change(&s, 2, "racing"), 0); /* queued, not yet delivered */
    node_start(&s, 3);
    s.group_of[3] = 1;
    confchg(&s, 1, NULL, 0, 0, three, 1);         /* the join comes first */
    pump(&s);
    ck_assert_uint_eq(s.nodes[2].changes_done, 1);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "racing"));
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

/* {1} | {2,3}: the pair (quorate) changes the configuration; after the
 * merge everyone holds the pair's configuration and node 2 coordinates. */
START_TEST(partition_merge_keeps_the_majority_change)
{
    sim s;
    uint32_t one[] = { 1 }, pair[] = { 2, 3 }, all[] = { 1, 2, 3 };
    sim_boot(&s);
    s.group_of[1] = 2; /* cut node1 off */
    confchg(&s, 2, pair, 2, CPG_REASON_NODEDOWN, NULL, 0);
    confchg(&s, 1, one, 1, CPG_REASON_NODEDOWN, NULL, 0);
    vgl_replica_quorum(s.nodes[1].r, false, true);
    pump(&s);
    ck_assert_uint_eq(vgl_view_coordinator(vgl_replica_view(s.nodes[2].r)), 2);
    ck_assert_int_eq(change(&s, 2, "majority"), 0);
    ck_assert_int_eq(change(&s, 1, "minority"), VGL_E_NO_QUORUM);
    pump(&s);
    s.group_of[1] = 1;
    vgl_replica_quorum(s.nodes[1].r, true, true);
    confchg_to(&s, 1, 1, pair, 2);
    confchg_to(&s, 2, 1, one, 1);
    confchg_to(&s, 3, 1, one, 1);
    pump(&s);
    for (uint32_t i = 1; i <= N; i++) {
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
        ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "majority"));
        ck_assert_uint_eq(vgl_view_coordinator(vgl_replica_view(s.nodes[i].r)), 2);
    }
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

/* A short link loss of node1: corosync re-forms the ring with the same
 * members, and only nodes 2 and 3 get a confchg (node1 left and joined
 * for them; nothing changed for node1).  Node1 must join the barrier they
 * opened when their announcements arrive, or they wait for it forever;
 * afterwards everyone agrees, also on a change node1 sent meanwhile. */
START_TEST(barrier_opened_by_the_others_is_joined)
{
    sim s;
    uint32_t one[] = { 1 }, all[] = { 1, 2, 3 };
    sim_boot(&s);
    ck_assert_int_eq(change(&s, 1, "before"), 0);
    pump(&s);
    confchg_to(&s, 2, 1, one, 1);
    confchg_to(&s, 3, 1, one, 1);
    ck_assert(vgl_replica_is_active(s.nodes[1].r));
    ck_assert_int_eq(change(&s, 1, "meanwhile"), 0); /* sent before it knows */
    pump(&s);
    for (uint32_t i = 1; i <= N; i++) {
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
        ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "before"));
    }
    assert_same_cib(&s, all, 3);
    /* The cluster goes on: a later change reaches everyone. */
    ck_assert_int_eq(change(&s, 2, "after"), 0);
    pump(&s);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_ptr_nonnull(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "after"));
    assert_same_cib(&s, all, 3);
    /* A replayed announcement of a completed barrier opens nothing. */
    ck_assert_uint_eq(vgl_view_missed_change(vgl_replica_view(s.nodes[1].r), 2,
                                             &(vgl_view_ann){ .members_key = "x" }), false);
    sim_free(&s);
}
END_TEST

/* Every process restarts (a power cut): view epochs begin again at 1,
 * while the stamps of the stored configurations are high.  A change made
 * afterwards must still beat the older configuration that a node brings
 * back from its disk. */
START_TEST(change_after_a_full_restart_beats_an_older_disk)
{
    sim s;
    uint32_t three[] = { 3 }, all[] = { 1, 2, 3 };
    vgl_cib *disk[N + 1];
    sim_boot(&s);
    for (int round = 0; round < 4; round++) { /* raise the view epoch */
        node_stop(&s, 3);
        confchg(&s, 1, three, 1, CPG_REASON_LEAVE, NULL, 0);
        pump(&s);
        node_start(&s, 3);
        s.group_of[3] = 1;
        confchg(&s, 1, NULL, 0, 0, three, 1);
        pump(&s);
    }
    ck_assert_int_eq(change(&s, 1, "old"), 0);
    pump(&s);
    ck_assert_uint_ge(vgl_view_epoch(vgl_replica_view(s.nodes[1].r)), 5);
    for (uint32_t i = 1; i <= N; i++) {
        disk[i] = vgl_cib_copy(vgl_replica_cib(s.nodes[i].r));
        node_stop(&s, i);
    }
    for (uint32_t i = 1; i <= N; i++) {
        node_start_with(&s, i, disk[i]);
        s.group_of[i] = 1;
    }
    confchg(&s, 1, NULL, 0, 0, all, N);
    pump(&s);
    disk[3] = vgl_cib_copy(vgl_replica_cib(s.nodes[3].r));
    node_stop(&s, 3);
    confchg(&s, 1, three, 1, CPG_REASON_PROCDOWN, NULL, 0);
    pump(&s);
    ck_assert_int_eq(change(&s, 1, "new"), 0);
    pump(&s);
    ck_assert_uint_eq(s.nodes[1].last_rc, 0);
    node_start_with(&s, 3, disk[3]);
    s.group_of[3] = 1;
    confchg(&s, 1, NULL, 0, 0, three, 1);
    pump(&s);
    for (uint32_t i = 1; i <= N; i++) {
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
        ck_assert_msg(vgl_cib_find(vgl_replica_cib(s.nodes[i].r), "new") != NULL,
                      "node%u lost the acknowledged change", i);
    }
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

/* Take the queued messages of node [in] from out of the bus, in order. */
static GQueue take_from(sim *s, uint32_t from)
{
    GQueue out = G_QUEUE_INIT, keep = G_QUEUE_INIT;
    queued *q;
    while ((q = g_queue_pop_head(&s->q)) != NULL)
        g_queue_push_tail(q->from == from ? &out : &keep, q);
    s->q = keep;
    return out;
}

/* Put [in] msgs back at the head of the bus (delivered first). */
static void put_first(sim *s, GQueue *msgs)
{
    queued *q;
    while ((q = g_queue_pop_tail(msgs)) != NULL)
        g_queue_push_head(&s->q, q);
}

static void ring_all(sim *s, uint64_t ring)
{
    for (uint32_t i = 1; i <= N; i++)
        vgl_replica_ring(s->nodes[i].r, ring);
}

/* Every node started, its views bound to totem rings; no confchg yet. */
static void sim_start_ring(sim *s)
{
    memset(s, 0, sizeof(*s));
    g_queue_init(&s->q);
    for (uint32_t i = 1; i <= N; i++) {
        node_start(s, i);
        vgl_replica_use_ring(s->nodes[i].r);
        s->group_of[i] = 1;
    }
}

/* Views bound to totem rings: an ANNOUNCE that corosync delivers late, in a
 * later view with the very same members (same pids), does not count there
 * (tests/model "Open A", doc/protocol.md "The barrier"). */
START_TEST(stale_announce_of_an_identical_view_is_refused)
{
    sim s;
    uint32_t all[] = { 1, 2, 3 };
    GQueue stale, fresh;

    sim_start_ring(&s);
    confchg(&s, 1, NULL, 0, 0, all, N);
    pump(&s);
    ck_assert(!vgl_replica_is_active(s.nodes[1].r)); /* no ring yet: no ANNOUNCE */
    ring_all(&s, 10);
    pump(&s);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
    ck_assert_ptr_nonnull(strstr(vgl_view_members_key(vgl_replica_view(s.nodes[1].r)), "@10"));

    /* Ring 11 with the same members: node3's ANNOUNCE is held back... */
    ring_all(&s, 11);
    stale = take_from(&s, 3);
    ck_assert_uint_eq(g_queue_get_length(&stale), 1);
    /* ...the ring re-forms again (12) before anything is delivered. */
    while (!g_queue_is_empty(&s.q)) {
        queued *q = g_queue_pop_head(&s.q);
        g_bytes_unref(q->bytes);
        g_free(q);
    }
    ring_all(&s, 12);
    fresh = take_from(&s, 3);
    put_first(&s, &stale); /* the stale one comes first, as corosync would */
    pump(&s);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_msg(!vgl_replica_is_active(s.nodes[i].r),
                      "node%u: the stale announcement completed the barrier", i);
    put_first(&s, &fresh);
    pump(&s);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
    assert_same_cib(&s, all, 3);
    sim_free(&s);
}
END_TEST

/* A confchg that loses a node waits for its totem ring before announcing;
 * announcements of the others that come first are held, not lost. */
START_TEST(node_loss_waits_for_the_ring)
{
    sim s;
    uint32_t all[] = { 1, 2, 3 }, three[] = { 3 }, pair[] = { 1, 2 };

    sim_start_ring(&s);
    ring_all(&s, 4); /* the ring may also be known before the first confchg */
    confchg(&s, 1, NULL, 0, 0, all, N);
    pump(&s);
    for (uint32_t i = 1; i <= N; i++)
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
    node_stop(&s, 3);
    confchg(&s, 1, three, 1, CPG_REASON_NODEDOWN, NULL, 0);
    pump(&s);
    ck_assert(!vgl_replica_is_active(s.nodes[1].r));
    vgl_replica_ring(s.nodes[2].r, 8); /* node2 learns the ring first */
    pump(&s);                           /* its ANNOUNCE reaches node1 early */
    ck_assert(!vgl_replica_is_active(s.nodes[1].r));
    vgl_replica_ring(s.nodes[1].r, 8);
    pump(&s);
    for (uint32_t i = 1; i <= 2; i++)
        ck_assert_msg(vgl_replica_is_active(s.nodes[i].r), "node%u not active", i);
    assert_same_cib(&s, pair, 2);
    sim_free(&s);
}
END_TEST

static void setup_logging(void)
{
    /* Diagnostics of the replica on stderr when VIGIL_TEST_LOG is set. */
    if (getenv("VIGIL_TEST_LOG")) {
        qb_log_init("check_replica", LOG_DAEMON, LOG_DEBUG);
        qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
        qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", LOG_DEBUG);
    }
}

static Suite *replica_suite(void)
{
    Suite *s = suite_create("replica");
    TCase *tc = tcase_create("protocol");
    tcase_add_unchecked_fixture(tc, setup_logging, NULL);
    tcase_add_test(tc, garbage_messages_are_dropped);
    tcase_add_test(tc, three_nodes_agree);
    tcase_add_test(tc, change_reaches_everyone_and_is_acknowledged);
    tcase_add_test(tc, concurrent_changes_both_survive);
    tcase_add_test(tc, changes_need_quorum);
    tcase_add_test(tc, change_survives_a_status_update_in_between);
    tcase_add_test(tc, invalid_change_is_refused_with_its_reason);
    tcase_add_test(tc, restarted_node_is_synced);
    tcase_add_test(tc, changes_during_the_barrier_are_deferred);
    tcase_add_test(tc, partition_merge_keeps_the_majority_change);
    tcase_add_test(tc, barrier_opened_by_the_others_is_joined);
    tcase_add_test(tc, change_after_a_full_restart_beats_an_older_disk);
    tcase_add_test(tc, stale_announce_of_an_identical_view_is_refused);
    tcase_add_test(tc, node_loss_waits_for_the_ring);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(replica_suite)
