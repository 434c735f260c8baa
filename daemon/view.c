/*
 * view.c — membership, barrier and coordinator choice (see view.h and
 * doc/protocol.md).
 *
 * Invariant: the succession list always holds exactly the members of the
 * view, most senior first; between a confchg and the completed barrier it
 * is provisional (joiners appended in node-id order) and the coordinator is
 * unknown (0).  Everything here is a function of the confchg/ANNOUNCE
 * stream, so all members agree.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <vigil/vigil.h>

#include "daemon/view.h"

typedef struct ann_rec {
    uint32_t nodeid;
    uint32_t *succession;
    size_t n_succession;
    uint32_t coordinator, coordinator_pid;
    bool had_quorum;
    uint64_t view_epoch;
    uint32_t admin_epoch, epoch;
    uint64_t stamp;
    char *digest;
} ann_rec;

struct vgl_view {
    uint32_t me;
    vgl_view_state state;
    GArray *members;    /* vgl_member, as corosync listed them */
    GArray *succession; /* uint32_t */
    char *key;
    GPtrArray *anns;    /* ann_rec *, in delivery order */
    uint32_t coordinator, followed, followed_pid, sync_source;
    bool need_sync, history;
    uint64_t view_epoch, counter;
    GHashTable *last_counter; /* "nodeid:pid" → highest counter seen */
    GHashTable *excluded;     /* "nodeid:pid" of members that cannot announce */
    uint64_t ring;            /* totem ring of this view, when ring_set */
    bool ring_set;
};

static bool is_excluded(const vgl_view *v, uint32_t nodeid);

static void ann_free(gpointer p)
{
    ann_rec *a = p;
    g_free(a->succession);
    g_free(a->digest);
    g_free(a);
}

vgl_view *vgl_view_new(uint32_t my_nodeid)
{
    vgl_view *v = g_new0(vgl_view, 1);
    v->me = my_nodeid;
    v->state = VGL_VIEW_JOINING;
    v->members = g_array_new(FALSE, TRUE, sizeof(vgl_member));
    v->succession = g_array_new(FALSE, TRUE, sizeof(uint32_t));
    v->anns = g_ptr_array_new_with_free_func(ann_free);
    v->key = g_strdup("");
    v->last_counter = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    v->excluded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return v;
}

void vgl_view_free(vgl_view *v)
{
    if (v == NULL)
        return;
    g_array_unref(v->members);
    g_array_unref(v->succession);
    g_ptr_array_unref(v->anns);
    g_hash_table_unref(v->last_counter);
    g_hash_table_unref(v->excluded);
    g_free(v->key);
    g_free(v);
}

static int cmp_member(const void *a, const void *b)
{
    const vgl_member *x = a, *y = b;
    if (x->nodeid != y->nodeid)
        return x->nodeid < y->nodeid ? -1 : 1;
    return x->pid < y->pid ? -1 : (x->pid > y->pid);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : (x > y);
}

bool vgl_view_is_member(const vgl_view *v, uint32_t nodeid)
{
    for (guint i = 0; i < v->members->len; i++) {
        if (g_array_index(v->members, vgl_member, i).nodeid == nodeid)
            return true;
    }
    return false;
}

static bool in_list(const GArray *a, uint32_t id)
{
    for (guint i = 0; i < a->len; i++) {
        if (g_array_index(a, uint32_t, i) == id)
            return true;
    }
    return false;
}

static void rebuild_key(vgl_view *v)
{
    GArray *sorted = g_array_copy(v->members);
    GString *s = g_string_new(NULL);

    g_array_sort(sorted, cmp_member);
    for (guint i = 0; i < sorted->len; i++) {
        vgl_member *m = &g_array_index(sorted, vgl_member, i);
        g_string_append_printf(s, "%s%u:%u", i ? "," : "", m->nodeid, m->pid);
    }
    if (v->ring_set)
        g_string_append_printf(s, "@%" G_GUINT64_FORMAT, (guint64)v->ring);
    g_free(v->key);
    v->key = g_string_free(s, FALSE);
    g_array_unref(sorted);
}

/* Keep the members in succession order, then append the rest by node id. */
static void set_succession(vgl_view *v, const uint32_t *base, size_t n)
{
    GArray *next = g_array_new(FALSE, TRUE, sizeof(uint32_t));
    GArray *rest = g_array_new(FALSE, TRUE, sizeof(uint32_t));

    for (size_t i = 0; i < n; i++) {
        if (vgl_view_is_member(v, base[i]) && !is_excluded(v, base[i]) && !in_list(next, base[i]))
            g_array_append_val(next, base[i]);
    }
    for (guint i = 0; i < v->members->len; i++) {
        uint32_t id = g_array_index(v->members, vgl_member, i).nodeid;
        if (!is_excluded(v, id) && !in_list(next, id) && !in_list(rest, id))
            g_array_append_val(rest, id);
    }
    g_array_sort(rest, cmp_u32);
    g_array_append_vals(next, rest->data, rest->len);
    g_array_unref(rest);
    g_array_unref(v->succession);
    v->succession = next;
}

bool vgl_view_confchg(vgl_view *v, const vgl_member *members, size_t n,
                      const vgl_member *joined, size_t n_joined)
{
    GArray *old = g_array_copy(v->succession);
    bool me_in = false;

    g_array_set_size(v->members, 0);
    g_array_append_vals(v->members, members, (guint)n);
    for (size_t i = 0; i < n; i++)
        me_in |= (members[i].nodeid == v->me);
    rebuild_key(v);
    /* A node that never completed a barrier knows no history: its
     * provisional list is the view in node-id order, and it announces an
     * empty one (it must not win the "longest list" rule). */
    if (!v->history)
        g_array_set_size(old, 0);
    set_succession(v, (const uint32_t *)old->data, old->len);
    g_array_unref(old);
    v->coordinator = 0;
    v->sync_source = 0;
    v->need_sync = false;
    g_ptr_array_set_size(v->anns, 0);
    v->state = me_in ? VGL_VIEW_SYNCING : VGL_VIEW_JOINING;
    return me_in;
}

void vgl_view_set_ring(vgl_view *v, uint64_t ring)
{
    v->ring = ring;
    v->ring_set = true;
    rebuild_key(v);
}

const char *vgl_view_members_key(const vgl_view *v)
{
    return v->key;
}

static ann_rec *find_ann(const vgl_view *v, uint32_t nodeid)
{
    for (guint i = 0; i < v->anns->len; i++) {
        ann_rec *a = g_ptr_array_index(v->anns, i);
        if (a->nodeid == nodeid)
            return a;
    }
    return NULL;
}

/* Does a's configuration beat b's?  (admin_epoch, stamp, epoch), then
 * digest.  The stamp (view epoch of the last change) makes a change made by
 * a later quorate view win over one an earlier view applied. */
static bool config_beats(const ann_rec *a, const ann_rec *b)
{
    if (a->admin_epoch != b->admin_epoch)
        return a->admin_epoch > b->admin_epoch;
    if (a->stamp != b->stamp)
        return a->stamp > b->stamp;
    if (a->epoch != b->epoch)
        return a->epoch > b->epoch;
    return g_strcmp0(a->digest, b->digest) > 0;
}

static uint32_t member_pid(const vgl_view *v, uint32_t nodeid)
{
    for (guint i = 0; i < v->members->len; i++) {
        const vgl_member *m = &g_array_index(v->members, vgl_member, i);
        if (m->nodeid == nodeid)
            return m->pid;
    }
    return 0;
}

static bool is_excluded(const vgl_view *v, uint32_t nodeid)
{
    char key[32];
    snprintf(key, sizeof(key), "%u:%u", nodeid, member_pid(v, nodeid));
    return g_hash_table_contains(v->excluded, key);
}

/* Members that take part in barriers (all but the excluded ones). */
static guint voters(const vgl_view *v)
{
    guint n = 0;
    for (guint i = 0; i < v->members->len; i++)
        n += !is_excluded(v, g_array_index(v->members, vgl_member, i).nodeid);
    return n;
}

/* The coordinator a announced, if that very process is a member. */
static bool follows_member(const vgl_view *v, const ann_rec *a)
{
    return a->coordinator != 0 && member_pid(v, a->coordinator) == a->coordinator_pid &&
           a->coordinator_pid != 0;
}

static uint32_t followers(const vgl_view *v, uint32_t coord)
{
    uint32_t n = 0;
    for (guint i = 0; i < v->anns->len; i++) {
        const ann_rec *a = g_ptr_array_index(v->anns, i);
        n += follows_member(v, a) && a->coordinator == coord;
    }
    return n;
}

static size_t members_in(const vgl_view *v, const ann_rec *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_succession; i++)
        n += vgl_view_is_member(v, a->succession[i]);
    return n;
}

/* Is coordinator c, followed by f announcers, a better choice than best
 * (followed by best_f)?  More followers, then quorum, then lower node id. */
static bool better_coordinator(const ann_rec *c, uint32_t f, const ann_rec *best, uint32_t best_f)
{
    if (best == NULL)
        return true;
    if (f != best_f)
        return f > best_f;
    if (c->had_quorum != best->had_quorum)
        return c->had_quorum;
    return c->nodeid < best->nodeid;
}

/* The announcement whose succession list the view adopts. */
static const ann_rec *choose_base(const vgl_view *v)
{
    const ann_rec *best = NULL, *longest = NULL;
    uint32_t best_f = 0;

    for (guint i = 0; i < v->anns->len; i++) {
        const ann_rec *a = g_ptr_array_index(v->anns, i);
        const ann_rec *c;
        uint32_t f;

        if (longest == NULL || members_in(v, a) > members_in(v, longest))
            longest = a;
        if (!follows_member(v, a))
            continue;
        c = find_ann(v, a->coordinator);
        if (c == NULL || c == best)
            continue;
        f = followers(v, a->coordinator);
        if (better_coordinator(c, f, best, best_f)) {
            best = c;
            best_f = f;
        }
    }
    return best ? best : longest;
}

static void complete_barrier(vgl_view *v)
{
    const ann_rec *base = choose_base(v);
    const ann_rec *winner = NULL;
    uint32_t head = 0;
    uint64_t epoch = 0;

    /* The chosen coordinator heads the list (its own list may be empty). */
    for (guint i = 0; i < v->anns->len && head == 0; i++) {
        const ann_rec *a = g_ptr_array_index(v->anns, i);
        if (follows_member(v, a) && find_ann(v, a->coordinator) == base)
            head = a->coordinator;
    }
    {
        GArray *list = g_array_new(FALSE, TRUE, sizeof(uint32_t));
        if (head)
            g_array_append_val(list, head);
        if (base)
            g_array_append_vals(list, base->succession, (guint)base->n_succession);
        set_succession(v, (const uint32_t *)list->data, list->len);
        g_array_unref(list);
    }
    v->coordinator = g_array_index(v->succession, uint32_t, 0);
    v->followed = v->coordinator;
    v->followed_pid = member_pid(v, v->coordinator);
    for (guint i = 0; i < v->anns->len; i++) {
        const ann_rec *a = g_ptr_array_index(v->anns, i);
        if (winner == NULL || config_beats(a, winner))
            winner = a;
        /* Above every stamp a member holds too: view epochs start again
         * at 1 when every process restarted, stamps are on disk, and a
         * change made now must beat every older configuration. */
        epoch = MAX(epoch, MAX(a->view_epoch, a->stamp));
    }
    v->view_epoch = epoch + 1;
    v->sync_source = winner->nodeid;
    v->need_sync = true;
    v->history = true;
}

/* The key of last_counter: one process of one node. */
static char *process_key(const vgl_view *v, uint32_t nodeid, uint64_t incarnation)
{
    return g_strdup_printf("%u:%u:%" G_GUINT64_FORMAT, nodeid, member_pid(v, nodeid),
                           (guint64)incarnation);
}

bool vgl_view_missed_change(const vgl_view *v, uint32_t nodeid, const vgl_view_ann *ann)
{
    char *who;
    const uint64_t *last;
    bool fresh;

    if (v->state != VGL_VIEW_ACTIVE || ann == NULL || ann->members_key == NULL ||
        strcmp(ann->members_key, v->key) != 0 || nodeid == v->me ||
        !vgl_view_is_member(v, nodeid) || is_excluded(v, nodeid))
        return false;
    who = process_key(v, nodeid, ann->incarnation);
    last = g_hash_table_lookup(v->last_counter, who);
    fresh = last == NULL || ann->counter > *last;
    g_free(who);
    return fresh;
}

int vgl_view_announce(vgl_view *v, uint32_t nodeid, const vgl_view_ann *ann)
{
    ann_rec *a;
    char *who;
    uint64_t *last;

    if (v->state != VGL_VIEW_SYNCING || ann == NULL || ann->members_key == NULL ||
        strcmp(ann->members_key, v->key) != 0 || !vgl_view_is_member(v, nodeid))
        return VGL_E_INVALID;
    if (v->anns->len >= voters(v) || is_excluded(v, nodeid))
        return VGL_E_INVALID; /* barrier already complete: a duplicate */
    /* Each process announces with an increasing counter; one that is not
     * newer than what we already saw from it is a leftover. */
    who = process_key(v, nodeid, ann->incarnation);
    last = g_hash_table_lookup(v->last_counter, who);
    if (last && ann->counter <= *last) {
        g_free(who);
        return VGL_E_INVALID;
    }
    g_hash_table_replace(v->last_counter, who, g_memdup2(&ann->counter, sizeof(uint64_t)));
    a = find_ann(v, nodeid);
    if (a == NULL) {
        a = g_new0(ann_rec, 1);
        a->nodeid = nodeid;
        g_ptr_array_add(v->anns, a);
    } else {
        g_free(a->succession);
        g_free(a->digest);
    }
    a->succession = g_memdup2(ann->succession, ann->n_succession * sizeof(uint32_t));
    a->n_succession = ann->succession ? ann->n_succession : 0;
    a->coordinator = ann->coordinator;
    a->coordinator_pid = ann->coordinator_pid;
    a->had_quorum = ann->had_quorum;
    a->view_epoch = ann->view_epoch;
    a->admin_epoch = ann->admin_epoch;
    a->stamp = ann->stamp;
    a->epoch = ann->epoch;
    a->digest = g_strdup(ann->config_digest ? ann->config_digest : "");
    if (v->anns->len < voters(v))
        return 0;
    complete_barrier(v);
    return 1;
}

int vgl_view_exclude(vgl_view *v, uint32_t nodeid)
{
    char *key;

    if (!vgl_view_is_member(v, nodeid) || nodeid == v->me)
        return 0;
    key = g_strdup_printf("%u:%u", nodeid, member_pid(v, nodeid));
    if (!g_hash_table_add(v->excluded, key))
        return 0;
    /* It never announces: the barrier may be complete without it. */
    if (v->state == VGL_VIEW_SYNCING && v->anns->len > 0 && v->anns->len >= voters(v) &&
        v->coordinator == 0) {
        complete_barrier(v);
        return 1;
    }
    return 0;
}

bool vgl_view_need_sync(const vgl_view *v)
{
    return v->need_sync;
}

uint32_t vgl_view_sync_source(const vgl_view *v)
{
    return v->sync_source;
}

void vgl_view_activate(vgl_view *v)
{
    if (v->state == VGL_VIEW_SYNCING && v->coordinator != 0)
        v->state = VGL_VIEW_ACTIVE;
}

vgl_view_state vgl_view_get_state(const vgl_view *v)
{
    return v->state;
}

const char *vgl_view_state_name(vgl_view_state s)
{
    switch (s) {
    case VGL_VIEW_JOINING: return "JOINING";
    case VGL_VIEW_SYNCING: return "SYNCING";
    case VGL_VIEW_ACTIVE: return "ACTIVE";
    }
    return "?";
}

uint32_t vgl_view_coordinator(const vgl_view *v)
{
    return v->coordinator;
}

bool vgl_view_is_coordinator(const vgl_view *v)
{
    return v->coordinator != 0 && v->coordinator == v->me;
}

uint32_t vgl_view_followed(const vgl_view *v, uint32_t *pid)
{
    if (pid)
        *pid = v->history ? v->followed_pid : 0;
    return v->history ? v->followed : 0;
}

bool vgl_view_has_history(const vgl_view *v)
{
    return v->history;
}

uint64_t vgl_view_epoch(const vgl_view *v)
{
    return v->view_epoch;
}

uint64_t vgl_view_next_counter(vgl_view *v)
{
    return ++v->counter;
}

const vgl_member *vgl_view_members(const vgl_view *v, size_t *n)
{
    *n = v->members->len;
    return (const vgl_member *)v->members->data;
}

const uint32_t *vgl_view_succession(const vgl_view *v, size_t *n)
{
    *n = v->succession->len;
    return (const uint32_t *)v->succession->data;
}
