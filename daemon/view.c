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

#include <string.h>

#include <glib.h>
#include <vigil/vigil.h>

#include "daemon/view.h"

typedef struct ann_rec {
    uint32_t nodeid;
    uint32_t *succession;
    size_t n_succession;
    uint32_t coordinator;
    bool had_quorum;
    uint32_t admin_epoch, epoch;
    char *digest;
} ann_rec;

struct vgl_view {
    uint32_t me;
    vgl_view_state state;
    GArray *members;    /* vgl_member, as corosync listed them */
    GArray *succession; /* uint32_t */
    char *key;
    GPtrArray *anns;    /* ann_rec *, in delivery order */
    uint32_t coordinator, followed, sync_source;
    bool need_sync, joined_now;
};

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
    return v;
}

void vgl_view_free(vgl_view *v)
{
    if (v == NULL)
        return;
    g_array_unref(v->members);
    g_array_unref(v->succession);
    g_ptr_array_unref(v->anns);
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
        if (vgl_view_is_member(v, base[i]) && !in_list(next, base[i]))
            g_array_append_val(next, base[i]);
    }
    for (guint i = 0; i < v->members->len; i++) {
        uint32_t id = g_array_index(v->members, vgl_member, i).nodeid;
        if (!in_list(next, id) && !in_list(rest, id))
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
    v->joined_now = n_joined > 0;
    /* A node that just joined knows no history: its provisional list is the
     * view in node-id order; it learns the real one from the announcements. */
    for (size_t i = 0; i < n_joined; i++) {
        if (joined[i].nodeid == v->me)
            g_array_set_size(old, 0);
    }
    set_succession(v, (const uint32_t *)old->data, old->len);
    g_array_unref(old);
    if (v->coordinator)
        v->followed = v->coordinator;
    v->coordinator = 0;
    v->sync_source = 0;
    v->need_sync = false;
    g_ptr_array_set_size(v->anns, 0);
    v->state = me_in ? VGL_VIEW_SYNCING : VGL_VIEW_JOINING;
    return me_in;
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

/* Does a's configuration beat b's?  (admin_epoch, epoch), then digest. */
static bool config_beats(const ann_rec *a, const ann_rec *b)
{
    if (a->admin_epoch != b->admin_epoch)
        return a->admin_epoch > b->admin_epoch;
    if (a->epoch != b->epoch)
        return a->epoch > b->epoch;
    return g_strcmp0(a->digest, b->digest) > 0;
}

static uint32_t followers(const vgl_view *v, uint32_t coord)
{
    uint32_t n = 0;
    for (guint i = 0; i < v->anns->len; i++)
        n += ((ann_rec *)g_ptr_array_index(v->anns, i))->coordinator == coord;
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
        if (a->coordinator == 0 || !vgl_view_is_member(v, a->coordinator))
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

    set_succession(v, base ? base->succession : NULL, base ? base->n_succession : 0);
    v->coordinator = g_array_index(v->succession, uint32_t, 0);
    v->followed = v->coordinator;
    for (guint i = 0; i < v->anns->len; i++) {
        const ann_rec *a = g_ptr_array_index(v->anns, i);
        if (winner == NULL || config_beats(a, winner))
            winner = a;
    }
    v->sync_source = winner->nodeid;
    v->need_sync = v->joined_now;
    for (guint i = 0; i < v->anns->len; i++) {
        const ann_rec *a = g_ptr_array_index(v->anns, i);
        if (g_strcmp0(a->digest, winner->digest) != 0 || a->epoch != winner->epoch ||
            a->admin_epoch != winner->admin_epoch)
            v->need_sync = true;
    }
}

int vgl_view_announce(vgl_view *v, uint32_t nodeid, const vgl_view_ann *ann)
{
    ann_rec *a;

    if (v->state != VGL_VIEW_SYNCING || ann == NULL || ann->members_key == NULL ||
        strcmp(ann->members_key, v->key) != 0 || !vgl_view_is_member(v, nodeid))
        return VGL_E_INVALID;
    if (v->anns->len == v->members->len)
        return VGL_E_INVALID; /* barrier already complete: a duplicate */
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
    a->had_quorum = ann->had_quorum;
    a->admin_epoch = ann->admin_epoch;
    a->epoch = ann->epoch;
    a->digest = g_strdup(ann->config_digest ? ann->config_digest : "");
    if (v->anns->len < v->members->len)
        return 0;
    complete_barrier(v);
    return 1;
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

uint32_t vgl_view_followed(const vgl_view *v)
{
    return v->followed;
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
