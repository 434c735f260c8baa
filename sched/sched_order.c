/*
 * sched_order.c — orderings: expanding group and ordering constraints to
 * pairs of primitives, propagating what they imply (restarts, unrunnable
 * starts), then turning them into prerequisites between actions.
 *
 * A mandatory "first then then" gives a forward pair (first's start before
 * then's start: if first must start, then must (re)start; if first cannot
 * start, then cannot either) and, when symmetrical, a reverse pair (then's
 * stop before first's stop: if first must stop, then must stop first).
 * A group is the chain of its members ordered one after another.
 * Propagation only ever turns flags on, so it terminates; alternate
 * forward and backward passes make chains converge in a few passes.
 * Workload: O(pairs x passes); pairs are O(constraints x members).
 */
#include "config.h"

#include <string.h>

#include "sched/sched_internal.h"

static void pair_add(vgl_transition *t, sc_rsc *a, sc_op aop, sc_rsc *b, sc_op bop, unsigned flags,
                     sc_rsc *a_top)
{
    sc_pair p = { a, aop, b, bop, flags, a_top };
    g_array_append_val(t->pairs, p);
}

static void group_pairs(vgl_transition *t, sc_rsc *g)
{
    for (guint i = 0; i + 1 < g->children->len; i++) {
        sc_rsc *a = g_ptr_array_index(g->children, i), *b = g_ptr_array_index(g->children, i + 1);
        pair_add(t, a, SC_OP_START, b, SC_OP_START, SC_IMPLIES_THEN | SC_RUNNABLE_LEFT, a);
        pair_add(t, b, SC_OP_STOP, a, SC_OP_STOP, SC_IMPLIES_FIRST, b);
    }
}

static sc_op inverse(sc_op op)
{
    return op == SC_OP_START ? SC_OP_STOP : SC_OP_START;
}

static void constraint_pairs(vgl_transition *t, const sc_order *o)
{
    GPtrArray *fl = g_ptr_array_new(), *tl = g_ptr_array_new();
    vgl__sched_leaves(o->first, fl);
    vgl__sched_leaves(o->then, tl);
    unsigned fwd = o->mandatory ? SC_IMPLIES_THEN | SC_RUNNABLE_LEFT : 0;
    unsigned rev = o->mandatory ? SC_IMPLIES_FIRST : 0;
    if (o->first_op != SC_OP_START || o->then_op != SC_OP_START)
        fwd &= ~(unsigned)SC_RUNNABLE_LEFT;
    for (guint i = 0; i < fl->len; i++) {
        for (guint j = 0; j < tl->len; j++) {
            sc_rsc *a = g_ptr_array_index(fl, i), *b = g_ptr_array_index(tl, j);
            pair_add(t, a, o->first_op, b, o->then_op, fwd, o->first);
            if (o->symmetrical)
                pair_add(t, b, inverse(o->then_op), a, inverse(o->first_op), rev, o->then);
        }
    }
    g_ptr_array_free(fl, TRUE);
    g_ptr_array_free(tl, TRUE);
}

static void build_pairs(vgl_transition *t)
{
    for (guint i = 0; i < t->all->len; i++) {
        sc_rsc *r = g_ptr_array_index(t->all, i);
        if (r->kind == SC_GROUP)
            group_pairs(t, r);
    }
    for (guint i = 0; i < t->orders->len; i++)
        constraint_pairs(t, g_ptr_array_index(t->orders, i));
}

/* -------------------------------------------------------- propagation */

bool vgl__sched_stop_needed(const vgl_transition *t, const sc_rsc *r, int n)
{
    if (!r->st[n].running || r->pinned)
        return false;
    return r->next != n || r->restart || r->start_unrunnable || r->st[n].failed
           || (r->n_running > 1 && r->multiple_active != SC_MULTI_BLOCK) || t->nodes[n].fence;
}

static bool will_stop(const vgl_transition *t, const sc_rsc *r)
{
    for (int n = 0; n < t->n_nodes; n++) {
        if (vgl__sched_stop_needed(t, r, n))
            return true;
    }
    return false;
}

static bool will_start(const vgl_transition *t, const sc_rsc *r)
{
    if (r->pinned || r->next == SC_NONE || r->start_unrunnable)
        return false;
    return !r->st[r->next].running || vgl__sched_stop_needed(t, r, r->next);
}

static bool start_runnable(const sc_rsc *r)
{
    if (r->pinned)
        return r->n_running > 0;
    return r->next != SC_NONE && !r->start_unrunnable;
}

static bool any_runnable(const sc_rsc *top)
{
    GPtrArray *leaves = g_ptr_array_new();
    bool any = false;
    vgl__sched_leaves((sc_rsc *)top, leaves);
    for (guint i = 0; i < leaves->len && !any; i++)
        any = start_runnable(g_ptr_array_index(leaves, i));
    g_ptr_array_free(leaves, TRUE);
    return any;
}

static bool required(const vgl_transition *t, const sc_rsc *r, sc_op op)
{
    return op == SC_OP_START ? will_start(t, r) : will_stop(t, r);
}

static const char *reason_for(vgl_transition *t, const sc_pair *p, const char *what)
{
    const sc_rsc *a = p->a_top != NULL && p->a_top->kind != SC_PRIMITIVE ? p->a_top : p->a;
    bool composite = a->kind != SC_PRIMITIVE;
    char *s = g_strdup_printf("%s %s %s", what, a->id,
                              composite && p->aop == SC_OP_START ? "running"
                              : p->aop == SC_OP_START            ? "start"
                                                                 : "stop");
    const char *r = vgl__sched_str(t, s);
    g_free(s);
    return r;
}

/* Make [in] r's [in] op happen; returns whether anything changed. */
static bool make_required(const vgl_transition *t, sc_rsc *r, sc_op op, const char *why)
{
    if (r->pinned || r->restart || r->n_running == 0)
        return false;
    if (op == SC_OP_START && (r->next == SC_NONE || r->start_unrunnable || !r->st[r->next].running))
        return false;
    if (op == SC_OP_STOP && will_stop(t, r))
        return false;
    r->restart = true;
    r->restart_reason = why;
    return true;
}

static bool apply_pair(vgl_transition *t, const sc_pair *p)
{
    bool changed = false;
    if ((p->flags & SC_RUNNABLE_LEFT) && !p->b->start_unrunnable && !p->b->pinned && p->b->next != SC_NONE) {
        bool ok = (p->a_top != NULL && p->a_top->kind == SC_CLONE) ? any_runnable(p->a_top) : start_runnable(p->a);
        if (!ok) {
            p->b->start_unrunnable = true;
            p->b->unrunnable_reason = reason_for(t, p, "unrunnable");
            changed = true;
        }
    }
    if ((p->flags & SC_IMPLIES_THEN) && required(t, p->a, p->aop))
        changed |= make_required(t, p->b, p->bop, reason_for(t, p, "required"));
    if ((p->flags & SC_IMPLIES_FIRST) && required(t, p->b, p->bop)) {
        sc_pair q = { p->b, p->bop, p->a, p->aop, 0, vgl__sched_top(p->b) };
        changed |= make_required(t, p->a, p->aop, reason_for(t, &q, "required"));
    }
    return changed;
}

void vgl__sched_propagate(vgl_transition *t)
{
    build_pairs(t);
    guint n = t->pairs->len;
    for (int pass = 0; n > 0; pass++) {
        bool changed = false;
        for (guint i = 0; i < n; i++) {
            guint k = (pass % 2 == 0) ? i : n - 1 - i;
            changed |= apply_pair(t, &g_array_index(t->pairs, sc_pair, k));
        }
        if (!changed || pass > 2 * (int)t->prims->len + 2)
            break;
    }
}

/* ---------------------------------------------------------- orderings */

static void actions_of(const sc_rsc *r, sc_op op, GArray *into)
{
    g_array_set_size(into, 0);
    if (op == SC_OP_START) {
        if (r->start_action >= 0)
            g_array_append_val(into, r->start_action);
    } else if (r->stop_actions != NULL) {
        g_array_append_vals(into, r->stop_actions->data, r->stop_actions->len);
    }
}

static void pair_edges(vgl_transition *t, const sc_pair *p, GArray *fa, GArray *ta)
{
    actions_of(p->a, p->aop, fa);
    if (fa->len == 0)
        return;
    actions_of(p->b, p->bop, ta);
    for (guint i = 0; i < fa->len; i++) {
        for (guint j = 0; j < ta->len; j++)
            vgl__sched_order(t, g_array_index(fa, int, i), g_array_index(ta, int, j));
    }
}

static const sc_rsc *probe_owner(vgl_transition *t, const sc_rsc *r)
{
    GPtrArray *list = g_hash_table_lookup(t->prim_by_hist, r->hist_id);
    return list != NULL && list->len > 0 ? g_ptr_array_index(list, 0) : r;
}

void vgl__sched_orderings(vgl_transition *t)
{
    GArray *fa = g_array_new(FALSE, FALSE, sizeof(int)), *ta = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < t->pairs->len; i++)
        pair_edges(t, &g_array_index(t->pairs, sc_pair, i), fa, ta);
    g_array_free(fa, TRUE);
    g_array_free(ta, TRUE);

    int *fence = g_new(int, t->n_nodes);
    for (int n = 0; n < t->n_nodes; n++)
        fence[n] = -1;
    for (guint i = 0; i < t->actions->len; i++) {
        sc_action *a = &g_array_index(t->actions, sc_action, i);
        if (a->kind == VGL_ACTION_FENCE)
            fence[a->node] = (int)i;
    }
    for (guint i = 0; i < t->prims->len; i++) {
        sc_rsc *r = g_ptr_array_index(t->prims, i);
        for (guint k = 0; r->stop_actions != NULL && k < r->stop_actions->len; k++) {
            int s = g_array_index(r->stop_actions, int, k);
            vgl__sched_order(t, fence[g_array_index(t->actions, sc_action, s).node], s);
        }
        if (r->start_action < 0)
            continue;
        /* A node that left uncleanly may run anything it was allowed to run:
         * an action meant for it may have reached it alone as it was cut
         * off, or its last result may have been lost with it.  So no start
         * of a resource allowed there goes before its fence (the model of
         * the protocol found this: tests/model/README.md, flaw 2). */
        for (int n = 0; n < t->n_nodes; n++) {
            if (fence[n] >= 0 && t->nodes[n].state == VGL_NODE_UNCLEAN && r->loc[n] > -VGL_INFINITY)
                vgl__sched_order(t, fence[n], r->start_action);
        }
        const sc_rsc *owner = probe_owner(t, r);
        for (guint k = 0; owner->probes != NULL && k < owner->probes->len; k++)
            vgl__sched_order(t, g_array_index(owner->probes, int, k), r->start_action);
    }
    g_free(fence);
}
