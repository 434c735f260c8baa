/*
 * sched_place.c — choosing a node for every resource.
 *
 * A "unit" is what is placed as a whole: a top-level primitive, a group
 * (its members follow its first member), or one clone instance.  Each
 * unit's score on each node is its location scores plus stickiness where
 * it runs, then, as in Pacemaker, the preferences of the resources
 * colocated with it (scaled by score/INFINITY, dropped again if they would
 * leave it nowhere to run), then its own colocations with resources already
 * placed.  Primaries are placed before their dependents.
 *
 * Top-level resources are placed in this order: priority (higher first),
 * then configuration order.  A unit goes to the usable node
 * with the highest score >= 0; ties go to the node with fewer resources
 * assigned so far in this run, then to the node it runs on now, then to
 * the node name that sorts first with strcmp().  Workload: O(units x nodes)
 * plus O(colocations x nodes); no allocation per node.
 */
#include "config.h"

#include <string.h>

#include "sched/sched_internal.h"

bool vgl__sched_node_usable(const vgl_transition *t, int n)
{
    const sc_node *node = &t->nodes[n];
    /* without quorum, leaf_disabled() (policy stop) or pinning and blocked
     * starts (freeze) apply: placement itself goes on, as in Pacemaker */
    return node->state == VGL_NODE_ONLINE && !node->standby && !node->maintenance && !node->fence;
}

/* Tie-break between two nodes of equal score: fewer assigned, then name. */
int vgl__sched_node_cmp(const vgl_transition *t, int a, int b)
{
    if (t->nodes[a].assigned != t->nodes[b].assigned)
        return t->nodes[a].assigned < t->nodes[b].assigned ? -1 : 1;
    return strcmp(t->nodes[a].uname, t->nodes[b].uname);
}

/* ------------------------------------------------------- unit scores */

static bool leaf_disabled(const vgl_transition *t, const sc_rsc *r)
{
    if (r->target_role == SC_ROLE_STOPPED || r->orphan || r->fatal)
        return true;
    if (!t->quorum && t->opt.no_quorum_policy == SC_NQ_STOP)
        return true;
    for (int n = 0; n < t->n_nodes; n++) {
        if (r->st[n].stop_forever)
            return true;
    }
    return false;
}

/* The single node a primitive runs on, or SC_NONE (stopped or several). */
static int only_node(const vgl_transition *t, const sc_rsc *r)
{
    int found = SC_NONE;
    for (int n = 0; n < t->n_nodes; n++) {
        if (r->st[n].running) {
            if (found != SC_NONE)
                return SC_NONE;
            found = n;
        }
    }
    return found;
}

/* Does [in] u (a primitive or group) run anywhere now? */
static bool unit_active(const vgl_transition *t, const sc_rsc *u)
{
    if (u->kind == SC_PRIMITIVE) {
        for (int n = 0; n < t->n_nodes; n++) {
            if (u->st[n].running)
                return true;
        }
        return false;
    }
    for (guint i = 0; i < u->children->len; i++) {
        if (unit_active(t, g_ptr_array_index(u->children, i)))
            return true;
    }
    return false;
}

/* Add a primitive's own preferences (location, bans, stickiness). */
static void leaf_scores(const vgl_transition *t, const sc_rsc *r, vgl_score *sc)
{
    if (leaf_disabled(t, r)) {
        for (int n = 0; n < t->n_nodes; n++)
            sc[n] = -VGL_INFINITY;
        return;
    }
    for (int n = 0; n < t->n_nodes; n++)
        sc[n] = vgl_score_add(sc[n], r->loc[n]);
    int cur = only_node(t, r);
    if (cur != SC_NONE && r->managed && r->stickiness != 0)
        sc[cur] = vgl_score_add(sc[cur], r->stickiness);
}

static bool can_run_any(const vgl_transition *t, const vgl_score *sc)
{
    for (int n = 0; n < t->n_nodes; n++) {
        if (sc[n] >= 0 && sc[n] > -VGL_INFINITY && vgl__sched_node_usable(t, n))
            return true;
    }
    return false;
}

/* The unit's base scores: location + stickiness, summed over a group's
 * members (a member that would leave the group nowhere is not merged). */
static bool allowed(const vgl_transition *t, const sc_rsc *u, int n)
{
    if (t->opt.symmetric)
        return true;
    for (const sc_rsc *r = u; r != NULL; r = r->parent) {
        if (r->allowed != NULL && r->allowed[n])
            return true;
    }
    GPtrArray *leaves = g_ptr_array_new();
    bool ok = false;
    vgl__sched_leaves((sc_rsc *)u, leaves);
    for (guint i = 0; i < leaves->len && !ok; i++) {
        const sc_rsc *l = g_ptr_array_index(leaves, i);
        ok = l->allowed != NULL && l->allowed[n];
    }
    g_ptr_array_free(leaves, TRUE);
    return ok;
}

static void unit_base(const vgl_transition *t, const sc_rsc *u, vgl_score *sc)
{
    const sc_rsc *clone = u->parent != NULL && u->parent->kind == SC_CLONE ? u->parent : NULL;
    for (int n = 0; n < t->n_nodes; n++)
        sc[n] = !allowed(t, u, n) ? -VGL_INFINITY : clone != NULL ? clone->loc[n] : 0;
    if (u->kind == SC_PRIMITIVE) {
        leaf_scores(t, u, sc);
        return;
    }
    for (int n = 0; n < t->n_nodes; n++)
        sc[n] = vgl_score_add(sc[n], u->loc[n]);
    vgl_score *tmp = g_new(vgl_score, t->n_nodes);
    for (guint i = 0; i < u->children->len; i++) {
        const sc_rsc *m = g_ptr_array_index(u->children, i);
        for (int n = 0; n < t->n_nodes; n++)
            tmp[n] = 0;
        leaf_scores(t, m, tmp);
        for (int n = 0; n < t->n_nodes; n++)
            tmp[n] = vgl_score_add(sc[n], tmp[n]);
        if (i > 0 && !can_run_any(t, tmp))
            break;
        memcpy(sc, tmp, sizeof(vgl_score) * t->n_nodes);
    }
    g_free(tmp);
}

/* ------------------------------------------------------- colocation */

static bool runs_next_on(const sc_rsc *r, int n)
{
    if (r->kind == SC_PRIMITIVE)
        return r->next == n;
    for (guint i = 0; i < r->children->len; i++) {
        const sc_rsc *c = g_ptr_array_index(r->children, i);
        if (r->kind == SC_GROUP) /* a group is where its first member is */
            return runs_next_on(c, n);
        if (runs_next_on(c, n))
            return true;
    }
    return false;
}

static void apply_coloc(const vgl_transition *t, const sc_coloc *c, vgl_score *sc)
{
    for (int n = 0; n < t->n_nodes; n++) {
        bool there = runs_next_on(c->primary, n);
        if (c->score >= VGL_INFINITY) {
            if (!there)
                sc[n] = -VGL_INFINITY;
        } else if (c->score <= -VGL_INFINITY) {
            if (there)
                sc[n] = -VGL_INFINITY;
        } else if (there) {
            sc[n] = vgl_score_add(sc[n], c->score);
        }
    }
}

static vgl_score scale(vgl_score s, vgl_score factor)
{
    double v = (double)s * (double)factor / (double)VGL_INFINITY;
    if (v >= VGL_INFINITY)
        return VGL_INFINITY;
    if (v <= -VGL_INFINITY)
        return -VGL_INFINITY;
    return (vgl_score)v;
}

/* Pull in the preferences of the resources colocated with [in] u. */
static void merge_dependents(const vgl_transition *t, const sc_rsc *u, vgl_score *sc)
{
    vgl_score *dep = g_new(vgl_score, t->n_nodes);
    vgl_score *work = g_new(vgl_score, t->n_nodes);
    for (guint i = 0; i < u->dependents->len; i++) {
        const sc_coloc *c = g_ptr_array_index(u->dependents, i);
        if (c->dependent->allocated || c->dependent->kind == SC_CLONE)
            continue;
        /* influence=false (or critical=false): only while u runs nowhere */
        if (!c->influence && unit_active(t, u))
            continue;
        unit_base(t, c->dependent, dep);
        for (int n = 0; n < t->n_nodes; n++) {
            work[n] = sc[n];
            if (c->score < 0 && dep[n] < 0)
                continue;
            work[n] = vgl_score_add(work[n], scale(dep[n], c->score));
        }
        if (can_run_any(t, work))
            memcpy(sc, work, sizeof(vgl_score) * t->n_nodes);
    }
    g_free(dep);
    g_free(work);
}

/* ---------------------------------------------------------- choosing */

static int choose(const vgl_transition *t, const vgl_score *sc, int prefer, const bool *taken)
{
    int best = SC_NONE;
    for (int n = 0; n < t->n_nodes; n++) {
        if (sc[n] < 0 || sc[n] <= -VGL_INFINITY || !vgl__sched_node_usable(t, n))
            continue;
        if (taken != NULL && taken[n])
            continue;
        if (best == SC_NONE || sc[n] > sc[best]) {
            best = n;
            continue;
        }
        if (sc[n] < sc[best])
            continue;
        int a = t->nodes[n].assigned, b = t->nodes[best].assigned;
        if (a != b) {
            if (a < b)
                best = n;
        } else if (n == prefer || (best != prefer && strcmp(t->nodes[n].uname, t->nodes[best].uname) < 0)) {
            best = n;
        }
    }
    return best;
}

static int current_node(const vgl_transition *t, const sc_rsc *u)
{
    if (u->kind == SC_PRIMITIVE)
        return only_node(t, u);
    return u->children->len > 0 ? current_node(t, g_ptr_array_index(u->children, 0)) : SC_NONE;
}

/* Pinned: unmanaged, blocked or frozen units stay where they are. */
static bool leaf_pinned(const vgl_transition *t, const sc_rsc *r, int *where)
{
    int cur = SC_NONE;
    bool pinned = !r->managed || r->maintenance || t->opt.maintenance_mode;
    for (int n = 0; n < t->n_nodes; n++) {
        if (!r->st[n].running)
            continue;
        if (cur == SC_NONE)
            cur = n;
        if (t->nodes[n].maintenance || r->st[n].blocked)
            pinned = true, cur = n;
        if (t->nodes[n].state == VGL_NODE_UNCLEAN && !t->nodes[n].fence)
            pinned = true, cur = n; /* cannot be fenced: may still run there */
    }
    if (!t->quorum && t->opt.no_quorum_policy == SC_NQ_FREEZE && cur != SC_NONE)
        pinned = true;
    *where = cur;
    return pinned;
}

static void place_leaf(vgl_transition *t, sc_rsc *r, int node)
{
    int pin;
    if (leaf_pinned(t, r, &pin)) {
        r->next = (pin != SC_NONE && t->nodes[pin].state == VGL_NODE_ONLINE) ? pin : SC_NONE;
        if (pin != SC_NONE && r->next == SC_NONE)
            r->blocked = true;
        return;
    }
    r->next = node;
}

static void place_unit(vgl_transition *t, sc_rsc *u, int node)
{
    if (node != SC_NONE)
        t->nodes[node].assigned++;
    if (u->kind == SC_PRIMITIVE) {
        place_leaf(t, u, node);
        return;
    }
    /* group: members in order, each only while the previous one runs */
    bool ok = node != SC_NONE;
    for (guint i = 0; i < u->children->len; i++) {
        sc_rsc *m = g_ptr_array_index(u->children, i);
        bool can = ok && !leaf_disabled(t, m) && m->loc[node] > -VGL_INFINITY
                   && (u->parent == NULL || u->parent->loc[node] > -VGL_INFINITY);
        place_leaf(t, m, can ? node : SC_NONE);
        if (m->next != node)
            ok = false;
    }
}

static void assign_unit(vgl_transition *t, sc_rsc *u, vgl_score *sc)
{
    unit_base(t, u, sc);
    merge_dependents(t, u, sc);
    for (guint i = 0; i < u->with->len; i++)
        apply_coloc(t, g_ptr_array_index(u->with, i), sc);
    place_unit(t, u, choose(t, sc, SC_NONE, NULL));
}

static void assign_clone(vgl_transition *t, sc_rsc *c, vgl_score *sc)
{
    guint n_inst = c->children->len;
    bool *taken = g_new0(bool, t->n_nodes);
    bool *done = g_new0(bool, n_inst);
    /* first: instances that run somewhere stay if that is their best node */
    for (guint i = 0; i < n_inst; i++) {
        sc_rsc *inst = g_ptr_array_index(c->children, i);
        int cur = current_node(t, inst);
        if (cur == SC_NONE || inst->orphan || taken[cur])
            continue;
        unit_base(t, inst, sc);
        for (guint k = 0; k < c->with->len; k++)
            apply_coloc(t, g_ptr_array_index(c->with, k), sc);
        int best = choose(t, sc, cur, taken);
        if (best == cur && sc[cur] >= sc[best]) {
            place_unit(t, inst, cur);
            taken[cur] = true;
            done[i] = true;
        }
    }
    /* then the others, in instance order, to the best free node */
    for (guint i = 0; i < n_inst; i++) {
        sc_rsc *inst = g_ptr_array_index(c->children, i);
        if (done[i])
            continue;
        unit_base(t, inst, sc);
        for (guint k = 0; k < c->with->len; k++)
            apply_coloc(t, g_ptr_array_index(c->with, k), sc);
        int best = inst->orphan ? SC_NONE : choose(t, sc, SC_NONE, taken);
        place_unit(t, inst, best);
        if (best != SC_NONE)
            taken[best] = true;
    }
    g_free(taken);
    g_free(done);
}

static void assign(vgl_transition *t, sc_rsc *u, vgl_score *sc)
{
    if (u->allocated || u->allocating)
        return;
    u->allocating = true;
    for (guint i = 0; i < u->with->len; i++) {
        sc_coloc *c = g_ptr_array_index(u->with, i);
        assign(t, vgl__sched_top(c->primary), sc);
    }
    if (u->kind == SC_CLONE)
        assign_clone(t, u, sc);
    else
        assign_unit(t, u, sc);
    u->allocating = false;
    u->allocated = true;
}

/* ------------------------------------------------------------ order */

static int prio_cmp(const void *a, const void *b)
{
    const sc_rsc *x = *(sc_rsc *const *)a, *y = *(sc_rsc *const *)b;
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return x->order_top - y->order_top;
}

void vgl__sched_assign(vgl_transition *t)
{
    /* placement (and the summary) follow priority, then configuration
     * order: Pacemaker 2.1 sorts its resource list this way */
    g_ptr_array_set_size(t->alloc_order, 0);
    for (guint i = 0; i < t->top->len; i++) {
        sc_rsc *r = g_ptr_array_index(t->top, i);
        r->order_top = (int)i;
        g_ptr_array_add(t->alloc_order, r);
    }
    qsort(t->alloc_order->pdata, t->alloc_order->len, sizeof(gpointer), prio_cmp);
    vgl_score *scratch = g_new(vgl_score, t->n_nodes > 0 ? t->n_nodes : 1);
    for (guint i = 0; i < t->alloc_order->len; i++)
        assign(t, g_ptr_array_index(t->alloc_order, i), scratch);
    g_free(scratch);
}
