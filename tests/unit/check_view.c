/* check_view.c — membership, the announcement barrier and the choice of
 * coordinator, driven by hand-made confchg/ANNOUNCE streams for several
 * simulated members at once. */
#include "config.h"

#include <string.h>
#include <glib.h>
#include <vigil/vigil.h>

#include "daemon/view.h"
#include "vgl_check.h"

#define MAXN 5

/* A simulated cluster: one vgl_view per node, fed the same stream. */
typedef struct sim {
    vgl_view *v[MAXN + 1];
    uint32_t pid[MAXN + 1];   /* each node's vigild pid (a restart changes it) */
    bool in[MAXN + 1];        /* member of the current view */
    bool quorum[MAXN + 1];
    char digest[MAXN + 1][8];
    uint32_t epoch[MAXN + 1];
} sim;

static sim *cur; /* the simulation mem() reads pids from */
static vgl_member mem(uint32_t id) { vgl_member m = { id, cur->pid[id], 0 }; return m; }

/* Deliver one confchg to the nodes in `to`, with view `ids`. */
static void confchg(sim *s, const uint32_t *to, size_t nto, const uint32_t *ids, size_t n,
                    const uint32_t *joined, size_t nj)
{
    vgl_member m[MAXN], j[MAXN];
    for (size_t i = 0; i < n; i++)
        m[i] = mem(ids[i]);
    for (size_t i = 0; i < nj; i++)
        j[i] = mem(joined[i]);
    for (size_t k = 0; k < nto; k++)
        ck_assert(vgl_view_confchg(s->v[to[k]], m, n, j, nj));
}

/* Every node in `ids` announces, delivered to all of them in that order. */
static void announce_all(sim *s, const uint32_t *ids, size_t n)
{
    for (size_t a = 0; a < n; a++) {
        vgl_view *from = s->v[ids[a]];
        size_t ns;
        const uint32_t *succ = vgl_view_succession(from, &ns);
        uint32_t copy[MAXN];
        memcpy(copy, succ, ns * sizeof(uint32_t));
        uint32_t cpid = 0;
        uint32_t coord = vgl_view_followed(from, &cpid);
        vgl_view_ann ann = {
            .members_key = vgl_view_members_key(from),
            .succession = copy, .n_succession = vgl_view_has_history(from) ? ns : 0,
            .coordinator = coord, .coordinator_pid = cpid,
            .had_quorum = s->quorum[ids[a]],
            .view_epoch = vgl_view_epoch(from),
            .counter = vgl_view_next_counter(from),
            .admin_epoch = 0, .stamp = 0, .epoch = s->epoch[ids[a]],
            .config_digest = s->digest[ids[a]],
        };
        for (size_t k = 0; k < n; k++) {
            int rc = vgl_view_announce(s->v[ids[k]], ids[a], &ann);
            ck_assert_int_eq(rc, a + 1 == n ? 1 : 0);
        }
    }
}

static void sim_init(sim *s, int n)
{
    memset(s, 0, sizeof(*s));
    cur = s;
    for (int i = 1; i <= n; i++) {
        s->pid[i] = 100 + (uint32_t)i;
        s->v[i] = vgl_view_new((uint32_t)i);
        s->quorum[i] = true;
        strcpy(s->digest[i], "aaa");
    }
}

static void sim_free(sim *s)
{
    for (int i = 0; i <= MAXN; i++)
        vgl_view_free(s->v[i]);
}

static uint32_t coord_of(sim *s, uint32_t id) { return vgl_view_coordinator(s->v[id]); }

START_TEST(bad_announcements_are_refused)
{
    sim s;
    sim_init(&s, 2);
    uint32_t all[] = { 1, 2 };
    vgl_view_ann ann = { .members_key = "1:101,2:102" };

    /* not syncing yet */
    ck_assert_int_eq(vgl_view_announce(s.v[1], 1, &ann), VGL_E_INVALID);
    confchg(&s, all, 2, all, 2, all, 2);
    ck_assert_int_eq(vgl_view_announce(s.v[1], 1, NULL), VGL_E_INVALID);
    /* stale: answers another view */
    vgl_view_ann stale = { .members_key = "1:101" };
    ck_assert_int_eq(vgl_view_announce(s.v[1], 1, &stale), VGL_E_INVALID);
    /* not a member */
    ck_assert_int_eq(vgl_view_announce(s.v[1], 7, &ann), VGL_E_INVALID);
    ck_assert_uint_eq(coord_of(&s, 1), 0);
    ck_assert_int_eq(vgl_view_get_state(s.v[1]), VGL_VIEW_SYNCING);
    sim_free(&s);
}
END_TEST

START_TEST(first_view_picks_lowest_and_all_agree)
{
    sim s;
    sim_init(&s, 3);
    uint32_t all[] = { 3, 1, 2 };
    confchg(&s, all, 3, all, 3, all, 3);
    announce_all(&s, all, 3);
    for (int i = 1; i <= 3; i++) {
        ck_assert_uint_eq(coord_of(&s, (uint32_t)i), 1);
        ck_assert_int_eq(vgl_view_get_state(s.v[i]), VGL_VIEW_SYNCING); /* joiners need SYNC */
        ck_assert(vgl_view_need_sync(s.v[i]));
    }
    ck_assert(vgl_view_is_coordinator(s.v[1]));
    ck_assert(!vgl_view_is_coordinator(s.v[2]));
    sim_free(&s);
}
END_TEST

/* The coordinator leaves: the next in succession takes over, no sync. */
START_TEST(coordinator_leaves_next_takes_over)
{
    sim s;
    sim_init(&s, 3);
    uint32_t all[] = { 1, 2, 3 }, rest[] = { 2, 3 };
    confchg(&s, all, 3, all, 3, all, 3);
    announce_all(&s, all, 3);
    confchg(&s, rest, 2, rest, 2, NULL, 0);
    announce_all(&s, rest, 2);
    ck_assert_uint_eq(coord_of(&s, 2), 2);
    ck_assert_uint_eq(coord_of(&s, 3), 2);
    ck_assert(vgl_view_need_sync(s.v[2])); /* every barrier ends with a SYNC */
    vgl_view_activate(s.v[2]);
    ck_assert_int_eq(vgl_view_get_state(s.v[2]), VGL_VIEW_ACTIVE);
    sim_free(&s);
}
END_TEST

/* Node 1 returns after a restart: it joins at the end and does not take
 * coordination back from node 2, even though its id is lower. */
START_TEST(returning_node_does_not_take_back)
{
    sim s;
    sim_init(&s, 3);
    uint32_t all[] = { 1, 2, 3 }, rest[] = { 2, 3 }, one[] = { 1 };
    confchg(&s, all, 3, all, 3, all, 3);
    announce_all(&s, all, 3);
    confchg(&s, rest, 2, rest, 2, NULL, 0);
    announce_all(&s, rest, 2);
    vgl_view_free(s.v[1]);
    s.v[1] = vgl_view_new(1); /* restarted: knows nothing, new pid */
    s.pid[1] = 901;
    confchg(&s, all, 3, all, 3, one, 1);
    announce_all(&s, all, 3);
    for (int i = 1; i <= 3; i++)
        ck_assert_uint_eq(coord_of(&s, (uint32_t)i), 2);
    size_t n;
    const uint32_t *succ = vgl_view_succession(s.v[1], &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(succ[0], 2);
    ck_assert_uint_eq(succ[1], 3);
    ck_assert_uint_eq(succ[2], 1);
    sim_free(&s);
}
END_TEST

/* Partitions {1} and {2,3} merge: the pair's coordinator has more
 * followers and wins; the newer configuration is the sync source. */
START_TEST(merge_prefers_majority_coordinator_and_newest_config)
{
    sim s;
    sim_init(&s, 3);
    uint32_t all[] = { 1, 2, 3 }, pair[] = { 2, 3 }, one[] = { 1 };
    confchg(&s, all, 3, all, 3, all, 3);
    announce_all(&s, all, 3);
    /* split */
    confchg(&s, one, 1, one, 1, NULL, 0);
    s.quorum[1] = false;
    announce_all(&s, one, 1);
    confchg(&s, pair, 2, pair, 2, NULL, 0);
    announce_all(&s, pair, 2);
    ck_assert_uint_eq(coord_of(&s, 1), 1);
    ck_assert_uint_eq(coord_of(&s, 2), 2);
    /* the pair changes its configuration */
    s.epoch[2] = s.epoch[3] = 7;
    strcpy(s.digest[2], "bbb");
    strcpy(s.digest[3], "bbb");
    /* merge: each side sees the other join */
    confchg(&s, one, 1, all, 3, pair, 2);
    confchg(&s, pair, 2, all, 3, one, 1);
    announce_all(&s, all, 3);
    for (int i = 1; i <= 3; i++) {
        ck_assert_uint_eq(coord_of(&s, (uint32_t)i), 2);
        ck_assert(vgl_view_need_sync(s.v[i]));
        ck_assert_uint_eq(vgl_view_sync_source(s.v[i]), 2);
    }
    sim_free(&s);
}
END_TEST

/* Equal followers: the side that had quorum wins the tie. */
START_TEST(merge_tie_goes_to_quorum)
{
    sim s;
    sim_init(&s, 2);
    uint32_t all[] = { 1, 2 }, one[] = { 1 }, two[] = { 2 };
    confchg(&s, all, 2, all, 2, all, 2);
    announce_all(&s, all, 2);
    confchg(&s, one, 1, one, 1, NULL, 0);
    announce_all(&s, one, 1);
    confchg(&s, two, 1, two, 1, NULL, 0);
    announce_all(&s, two, 1);
    s.quorum[1] = false;
    s.quorum[2] = true;
    confchg(&s, one, 1, all, 2, two, 1);
    confchg(&s, two, 1, all, 2, one, 1);
    announce_all(&s, all, 2);
    ck_assert_uint_eq(coord_of(&s, 1), 2);
    ck_assert_uint_eq(coord_of(&s, 2), 2);
    sim_free(&s);
}
END_TEST

/* A confchg in the middle of a barrier restarts it; announcements sent
 * for the old view are stale in the new one. */
START_TEST(confchg_during_barrier_restarts_it)
{
    sim s;
    sim_init(&s, 3);
    uint32_t all[] = { 1, 2, 3 }, rest[] = { 1, 2 };
    confchg(&s, all, 3, all, 3, all, 3);
    size_t ns;
    const uint32_t *succ = vgl_view_succession(s.v[3], &ns);
    uint32_t copy[MAXN];
    memcpy(copy, succ, ns * sizeof(uint32_t));
    char *old_key = g_strdup(vgl_view_members_key(s.v[3]));
    vgl_view_ann from3 = { .members_key = old_key, .succession = copy, .n_succession = ns,
                           .config_digest = "aaa", .counter = 1 };
    confchg(&s, rest, 2, rest, 2, NULL, 0);
    ck_assert_int_eq(vgl_view_announce(s.v[1], 3, &from3), VGL_E_INVALID);
    from3.members_key = vgl_view_members_key(s.v[1]);
    ck_assert_int_eq(vgl_view_announce(s.v[1], 3, &from3), VGL_E_INVALID); /* not a member */
    announce_all(&s, rest, 2);
    ck_assert_uint_eq(coord_of(&s, 1), 1);
    ck_assert_uint_eq(coord_of(&s, 2), 1);
    g_free(old_key);
    sim_free(&s);
}
END_TEST

/* The coordinator's vigild dies and comes back (new pid) before the others
 * completed a barrier without it: they still "follow node1", but not this
 * node1 process, so it does not take coordination back. */
START_TEST(restarted_coordinator_is_not_followed)
{
    sim s;
    sim_init(&s, 3);
    uint32_t all[] = { 1, 2, 3 }, rest[] = { 2, 3 }, one[] = { 1 };
    confchg(&s, all, 3, all, 3, all, 3);
    announce_all(&s, all, 3);
    ck_assert_uint_eq(coord_of(&s, 2), 1);
    confchg(&s, rest, 2, rest, 2, NULL, 0); /* node1 died; barrier not run */
    vgl_view_free(s.v[1]);
    s.v[1] = vgl_view_new(1);
    s.pid[1] = 777;
    confchg(&s, all, 3, all, 3, one, 1);
    announce_all(&s, all, 3);
    for (int i = 1; i <= 3; i++)
        ck_assert_uint_eq(coord_of(&s, (uint32_t)i), 2);
    sim_free(&s);
}
END_TEST

/* An announcement whose counter is not newer than one already seen from
 * the same process is a leftover and is refused. */
START_TEST(old_counter_is_refused)
{
    sim s;
    sim_init(&s, 2);
    uint32_t all[] = { 1, 2 };
    confchg(&s, all, 2, all, 2, all, 2);
    vgl_view_ann a = { .members_key = vgl_view_members_key(s.v[1]), .config_digest = "x",
                       .counter = 5 };
    ck_assert_int_eq(vgl_view_announce(s.v[1], 2, &a), 0);
    confchg(&s, all, 2, all, 2, NULL, 0);
    a.members_key = vgl_view_members_key(s.v[1]);
    ck_assert_int_eq(vgl_view_announce(s.v[1], 2, &a), VGL_E_INVALID);
    a.counter = 6;
    ck_assert_int_eq(vgl_view_announce(s.v[1], 2, &a), 0);
    sim_free(&s);
}
END_TEST

/* The view epoch grows by one per barrier from the highest announced. */
START_TEST(view_epoch_grows)
{
    sim s;
    sim_init(&s, 2);
    uint32_t all[] = { 1, 2 };
    confchg(&s, all, 2, all, 2, all, 2);
    announce_all(&s, all, 2);
    ck_assert_uint_eq(vgl_view_epoch(s.v[1]), 1);
    confchg(&s, all, 2, all, 2, NULL, 0);
    announce_all(&s, all, 2);
    ck_assert_uint_eq(vgl_view_epoch(s.v[2]), 2);
    sim_free(&s);
}
END_TEST

static Suite *view_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("barrier");
    tcase_add_test(tc, bad_announcements_are_refused);
    tcase_add_test(tc, first_view_picks_lowest_and_all_agree);
    tcase_add_test(tc, coordinator_leaves_next_takes_over);
    tcase_add_test(tc, returning_node_does_not_take_back);
    tcase_add_test(tc, merge_prefers_majority_coordinator_and_newest_config);
    tcase_add_test(tc, merge_tie_goes_to_quorum);
    tcase_add_test(tc, confchg_during_barrier_restarts_it);
    tcase_add_test(tc, restarted_coordinator_is_not_followed);
    tcase_add_test(tc, old_counter_is_refused);
    tcase_add_test(tc, view_epoch_grows);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(view_suite)
