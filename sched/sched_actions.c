/*
 * sched_actions.c — from placement to actions: probes, stops, starts,
 * recurring monitors, cancels and fencing, with their parameters,
 * timeouts and digests.
 *
 * Workload: one pass over primitives x nodes (probes dominate a fresh
 * cluster: 10,000 x 32 = 320,000 of them), so everything per action is
 * O(1) apart from its parameter list, which is computed once per resource
 * when its instance_attributes use no rules.
 * Invariants: a probe is created only where the resource's state is
 * unknown on an online node; nothing is created for a pinned resource
 * (unmanaged, blocked, frozen) except cancels of its monitors in
 * maintenance; stops on a node being fenced are pseudo actions, implied by
 * the fence and never dispatched.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sched/sched_internal.h"

sc_opdef *vgl__sched_find_op(const sc_rsc *r, const char *name, uint32_t interval_ms)
{
    for (guint i = 0; r->ops != NULL && i < r->ops->len; i++) {
        sc_opdef *op = g_ptr_array_index(r->ops, i);
        if (op->interval_ms == interval_ms && strcmp(op->name, name) == 0)
            return op;
    }
    return NULL;
}

/* op timeout > op_defaults timeout > 20 s; a probe without its own op
 * takes the timeout of the shortest enabled recurring monitor. */
uint32_t vgl__sched_op_timeout(const vgl_transition *t, const sc_rsc *r, const char *name,
                               uint32_t interval_ms)
{
    sc_opdef *op = vgl__sched_find_op(r, name, interval_ms);
    if (op != NULL && op->timeout_ms > 0)
        return op->timeout_ms;
    if (op == NULL && interval_ms == 0 && strcmp(name, "monitor") == 0) {
        sc_opdef *best = NULL;
        for (guint i = 0; r->ops != NULL && i < r->ops->len; i++) {
            sc_opdef *o = g_ptr_array_index(r->ops, i);
            if (strcmp(o->name, "monitor") == 0 && o->enabled && o->interval_ms > 0
                && (best == NULL || o->interval_ms < best->interval_ms))
                best = o;
        }
        if (best != NULL && best->timeout_ms > 0)
            return best->timeout_ms;
    }
    return t->opt.op_timeout_ms;
}

static int param_cmp(const void *a, const void *b)
{
    return strcmp(((const sc_param *)a)->name, ((const sc_param *)b)->name);
}

static bool sets_use_rules(xmlNode *xml)
{
    for (xmlNode *c = xml->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "instance_attributes") == 0
            && vgl__sched_child(c, "rule") != NULL)
            return true;
    }
    return false;
}

static void compute_params(vgl_transition *t, const sc_rsc *r, int node, sc_param **out, size_t *n_out)
{
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    vgl__sched_nvpairs(t, r->xml, "instance_attributes", node >= 0 ? &t->nodes[node] : NULL, h);
    sc_param *p = g_new(sc_param, g_hash_table_size(h) + 1);
    size_t n = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        p[n].name = vgl__sched_str(t, k);
        p[n].value = vgl__sched_str(t, v);
        n++;
    }
    g_hash_table_destroy(h);
    qsort(p, n, sizeof(sc_param), param_cmp);
    *out = p;
    *n_out = n;
}

/* The instance parameters of [in] r on [in] node, sorted by name.  The
 * array is owned by the resource (or by the caller when the parameters
 * depend on the node: then *owned is set). */
static const sc_param *rsc_params(vgl_transition *t, sc_rsc *r, int node, size_t *n, bool *owned)
{
    if (!r->params_cached) {
        r->params_cached = true;
        r->params_rules = sets_use_rules(r->xml);
        if (!r->params_rules)
            compute_params(t, r, -1, &r->params, &r->n_params);
    }
    *owned = r->params_rules;
    if (!r->params_rules) {
        *n = r->n_params;
        return r->params;
    }
    sc_param *p;
    compute_params(t, r, node, &p, n);
    return p;
}

void vgl__sched_params(vgl_transition *t, const sc_rsc *r, const sc_opdef *op, int node,
                       sc_param **out, size_t *n_out)
{
    bool owned;
    size_t n;
    const sc_param *p = rsc_params(t, (sc_rsc *)r, node, &n, &owned);
    (void)op;
    *n_out = n;
    if (owned) {
        *out = (sc_param *)p;
    } else {
        *out = g_new(sc_param, n + 1);
        if (n > 0)
            memcpy(*out, p, sizeof(sc_param) * n);
    }
}

/* The digest for [in] task/interval of [in] r on [in] node: the
 * parameters, plus the op's own instance_attributes, plus
 * CRM_meta_timeout for a recurring op.  Caller frees. */
char *vgl__sched_digest_for(vgl_transition *t, const sc_rsc *r, const char *task, uint32_t interval_ms,
                            int node)
{
    bool owned;
    size_t n;
    const sc_param *p = rsc_params(t, (sc_rsc *)r, node, &n, &owned);
    sc_opdef *op = vgl__sched_find_op(r, task, interval_ms);
    GHashTable *extra = NULL; /* the op's own parameters: rare */
    if (op != NULL && vgl__sched_child(op->xml, "instance_attributes") != NULL) {
        extra = g_hash_table_new(g_str_hash, g_str_equal);
        vgl__sched_nvpairs(t, op->xml, "instance_attributes", node >= 0 ? &t->nodes[node] : NULL, extra);
    }
    size_t total = n + (extra != NULL ? g_hash_table_size(extra) : 0);
    const char **names = g_new(const char *, total + 1);
    const char **values = g_new(const char *, total + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (extra != NULL && g_hash_table_contains(extra, p[i].name))
            continue;
        names[k] = p[i].name;
        values[k++] = p[i].value;
    }
    GHashTableIter it;
    gpointer kk, vv;
    if (extra != NULL)
        g_hash_table_iter_init(&it, extra);
    while (extra != NULL && g_hash_table_iter_next(&it, &kk, &vv)) {
        names[k] = kk;
        values[k++] = vv;
    }
    uint32_t timeout = interval_ms > 0 ? vgl__sched_op_timeout(t, r, task, interval_ms) : 0;
    char *d = vgl_sched_op_digest(names, values, k, interval_ms, timeout);
    g_free(names);
    g_free(values);
    if (extra != NULL)
        g_hash_table_destroy(extra);
    if (owned)
        g_free((gpointer)p);
    return d;
}

static const char *digest0(vgl_transition *t, sc_rsc *r, int node)
{
    bool owned;
    size_t n;
    const sc_param *p = rsc_params(t, r, node, &n, &owned);
    if (owned)
        g_free((gpointer)p);
    if (!owned && r->digest0 != NULL)
        return r->digest0;
    char *d = vgl__sched_digest_for(t, r, "start", 0, node);
    const char *s = vgl__sched_str(t, d);
    g_free(d);
    if (!owned)
        r->digest0 = s;
    return s;
}

/* ----------------------------------------------------------- actions */

int vgl__sched_action_new(vgl_transition *t, vgl_action_kind kind, sc_rsc *rsc, int node)
{
    sc_action a = { 0 };
    a.kind = kind;
    a.rsc = rsc;
    a.node = node;
    a.out_id = -1;
    a.expected_rc = kind == VGL_ACTION_PROBE ? 7 : 0;
    if (rsc != NULL) {
        const char *task = kind == VGL_ACTION_START ? "start" : kind == VGL_ACTION_STOP ? "stop" : "monitor";
        a.timeout_ms = vgl__sched_op_timeout(t, rsc, task, 0);
    }
    g_array_append_val(t->actions, a);
    return (int)t->actions->len - 1;
}

static sc_action *act(vgl_transition *t, int i)
{
    return &g_array_index(t->actions, sc_action, i);
}

void vgl__sched_order(vgl_transition *t, int first, int then)
{
    if (first < 0 || then < 0 || first == then)
        return;
    sc_action *a = act(t, then);
    if (a->prereq == NULL)
        a->prereq = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < a->prereq->len; i++) {
        if (g_array_index(a->prereq, int, i) == first)
            return;
    }
    g_array_append_val(a->prereq, first);
}

static void set_reason(vgl_transition *t, int i, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void set_reason(vgl_transition *t, int i, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* reasons are nearly all distinct: no interning */
    act(t, i)->reason = g_string_chunk_insert(t->strings, s);
    g_free(s);
}

static const char *uname(const vgl_transition *t, int n)
{
    return n >= 0 ? t->nodes[n].uname : "(none)";
}

/* --------------------------------------------------------- per node */

static void why_node_left(const vgl_transition *t, int n, GString *out)
{
    const sc_node *node = &t->nodes[n];
    if (node->fence)
        g_string_append_printf(out, "%s was fenced", node->uname);
    else if (node->state == VGL_NODE_OFFLINE)
        g_string_append_printf(out, "%s is offline", node->uname);
    else if (node->standby)
        g_string_append_printf(out, "%s is in standby", node->uname);
    else if (node->maintenance)
        g_string_append_printf(out, "%s is in maintenance", node->uname);
    else
        g_string_append_printf(out, "%s scores higher", uname(t, -1));
}

static bool monitor_wanted(const sc_opdef *op)
{
    return op->enabled && op->interval_ms > 0 && strcmp(op->name, "monitor") == 0;
}

static const sc_hop *active_monitor(const sc_rstate *s, uint32_t interval_ms)
{
    for (guint i = 0; s->monitors != NULL && i < s->monitors->len; i++) {
        const sc_hop *x = g_ptr_array_index(s->monitors, i);
        if (x->iv_set && x->iv_raw == interval_ms)
            return x;
    }
    return NULL;
}

/* A recorded monitor's interval as the actions read it (0 when absent). */
static uint32_t recorded_interval(const sc_hop *mon)
{
    return mon->iv_set ? (uint32_t)mon->iv_raw : 0;
}

static int monitor_action(vgl_transition *t, sc_rsc *r, const sc_opdef *op, int node, int after)
{
    int m = vgl__sched_action_new(t, VGL_ACTION_MONITOR, r, node);
    sc_action *a = act(t, m);
    a->interval_ms = op->interval_ms;
    a->timeout_ms = vgl__sched_op_timeout(t, r, "monitor", op->interval_ms);
    a->check_level = op->check_level;
    char *d = vgl__sched_digest_for(t, r, "monitor", op->interval_ms, node);
    a->digest = vgl__sched_str(t, d);
    g_free(d);
    set_reason(t, m, "%s: monitor every %us on %s", r->id, op->interval_ms / 1000, uname(t, node));
    vgl__sched_order(t, after, m);
    return m;
}

static int cancel_action(vgl_transition *t, sc_rsc *r, const sc_hop *mon, int node, const char *why)
{
    int c = vgl__sched_action_new(t, VGL_ACTION_CANCEL, r, node);
    sc_action *a = act(t, c);
    a->interval_ms = recorded_interval(mon);
    set_reason(t, c, "%s: cancel the %ums monitor on %s because %s", r->id, a->interval_ms, uname(t, node), why);
    return c;
}

/* Recurring monitors where [in] r keeps running without a restart. */
static void reconcile_monitors(vgl_transition *t, sc_rsc *r, int node)
{
    sc_rstate *s = &r->st[node];
    for (guint i = 0; r->ops != NULL && i < r->ops->len; i++) {
        sc_opdef *op = g_ptr_array_index(r->ops, i);
        if (!monitor_wanted(op))
            continue;
        const sc_hop *have = active_monitor(s, op->interval_ms);
        if (have == NULL) {
            monitor_action(t, r, op, node, -1);
            continue;
        }
        const char *old = have->digest;
        char *d = vgl__sched_digest_for(t, r, "monitor", op->interval_ms, node);
        if (old != NULL && strcmp(old, d) != 0) {
            int c = cancel_action(t, r, have, node, "its definition changed");
            monitor_action(t, r, op, node, c);
        }
        g_free(d);
    }
    for (guint i = 0; s->monitors != NULL && i < s->monitors->len; i++) {
        const sc_hop *x = g_ptr_array_index(s->monitors, i);
        sc_opdef *op = vgl__sched_find_op(r, "monitor", recorded_interval(x));
        if (op == NULL || !op->enabled)
            cancel_action(t, r, x, node, "it is no longer configured");
    }
}

static void cancel_all_monitors(vgl_transition *t, sc_rsc *r, int node)
{
    sc_rstate *s = &r->st[node];
    for (guint i = 0; s->monitors != NULL && i < s->monitors->len; i++)
        cancel_action(t, r, g_ptr_array_index(s->monitors, i), node, "of maintenance");
}

/* ----------------------------------------------------- per primitive */

static void make_probes(vgl_transition *t, sc_rsc *r)
{
    sc_rsc *top = vgl__sched_top(r);
    /* one probe per node for a clone: from its first instance */
    if (top->kind == SC_CLONE && r->clone_instance != 0)
        return;
    for (int n = 0; n < t->n_nodes; n++) {
        const sc_node *node = &t->nodes[n];
        if (node->state != VGL_NODE_ONLINE || node->fence || r->st[n].known || r->orphan)
            continue;
        if (node->maintenance || t->opt.maintenance_mode)
            continue;
        int p = vgl__sched_action_new(t, VGL_ACTION_PROBE, r, n);
        act(t, p)->digest = digest0(t, r, n);
        if (r->probes == NULL)
            r->probes = g_array_new(FALSE, FALSE, sizeof(int));
        g_array_append_val(r->probes, p);
        set_reason(t, p, "%s: probe on %s because its state there is unknown", r->hist_id, node->uname);
    }
}

static void stop_reason(vgl_transition *t, sc_rsc *r, int n, int a)
{
    GString *why = g_string_new(NULL);
    if (r->restart)
        g_string_append(why, r->restart_reason != NULL ? r->restart_reason : "it restarts");
    else if (r->st[n].failed)
        g_string_append_printf(why, "its %s failed there", r->st[n].fail_op ? r->st[n].fail_op : "operation");
    else if (r->start_unrunnable)
        g_string_append(why, r->unrunnable_reason ? r->unrunnable_reason : "it cannot start");
    else if (r->next != SC_NONE && r->next != n)
        g_string_append_printf(why, "it moves to %s", uname(t, r->next));
    else if (r->n_running > 1)
        g_string_append(why, "it is active on several nodes");
    else if (r->no_quorum_stop)
        g_string_append(why, "the partition has no quorum");
    else if (r->target_role == SC_ROLE_STOPPED)
        g_string_append(why, "its target-role is Stopped");
    else
        g_string_append(why, "it can run nowhere");
    set_reason(t, a, "%s: stop on %s because %s", r->id, uname(t, n), why->str);
    g_string_free(why, TRUE);
}

static void make_stops(vgl_transition *t, sc_rsc *r)
{
    for (int n = 0; n < t->n_nodes; n++) {
        if (!vgl__sched_stop_needed(t, r, n))
            continue;
        int s = vgl__sched_action_new(t, VGL_ACTION_STOP, r, n);
        act(t, s)->pseudo = t->nodes[n].fence;
        act(t, s)->digest = digest0(t, r, n);
        stop_reason(t, r, n, s);
        if (r->stop_actions == NULL)
            r->stop_actions = g_array_new(FALSE, FALSE, sizeof(int));
        g_array_append_val(r->stop_actions, s);
        r->stopping_any = true;
    }
}

static void start_reason(vgl_transition *t, sc_rsc *r, int a)
{
    GString *why = g_string_new(NULL);
    int prev = SC_NONE;
    for (int n = 0; n < t->n_nodes && prev == SC_NONE; n++) {
        if (r->st[n].running)
            prev = n;
    }
    if (prev == r->next && r->st[prev].failed)
        g_string_append_printf(why, "its %s failed", r->st[prev].fail_op ? r->st[prev].fail_op : "operation");
    else if (prev == r->next)
        g_string_append(why, r->restart_reason != NULL ? r->restart_reason : "it restarts");
    else if (prev != SC_NONE && (t->nodes[prev].fence || !vgl__sched_node_usable(t, prev)))
        why_node_left(t, prev, why);
    else if (prev != SC_NONE && r->st[prev].failed)
        g_string_append_printf(why, "it failed on %s", t->nodes[prev].uname);
    else if (prev != SC_NONE)
        g_string_append_printf(why, "%s scores higher than %s", uname(t, r->next), uname(t, prev));
    else
        g_string_append(why, "it is not running");
    set_reason(t, a, "%s: start on %s because %s", r->id, uname(t, r->next), why->str);
    g_string_free(why, TRUE);
}

static void make_start(vgl_transition *t, sc_rsc *r)
{
    int n = r->next;
    if (n == SC_NONE || r->pinned || r->start_unrunnable)
        return;
    bool staying = r->st[n].running && !vgl__sched_stop_needed(t, r, n);
    if (staying) {
        reconcile_monitors(t, r, n);
        return;
    }
    int s = vgl__sched_action_new(t, VGL_ACTION_START, r, n);
    act(t, s)->digest = digest0(t, r, n);
    start_reason(t, r, s);
    r->start_action = s;
    for (guint i = 0; r->stop_actions != NULL && i < r->stop_actions->len; i++)
        vgl__sched_order(t, g_array_index(r->stop_actions, int, i), s);
    for (guint i = 0; r->ops != NULL && i < r->ops->len; i++) {
        sc_opdef *op = g_ptr_array_index(r->ops, i);
        if (monitor_wanted(op))
            monitor_action(t, r, op, n, s);
    }
}

static void maintenance_cancels(vgl_transition *t, sc_rsc *r)
{
    for (int n = 0; n < t->n_nodes; n++) {
        if (r->st[n].running && (t->opt.maintenance_mode || r->maintenance || t->nodes[n].maintenance))
            cancel_all_monitors(t, r, n);
    }
}

/* Digest of the parameters [in] r was started with on [in] n differs. */
static bool definition_changed(vgl_transition *t, sc_rsc *r, int n)
{
    const sc_hop *op = r->st[n].start_op;
    const char *old = op != NULL ? op->digest : NULL;
    if (old == NULL)
        return false;
    return strcmp(old, digest0(t, r, n)) != 0;
}

/* Decide pinned/restart before orderings propagate. */
static void prepare(vgl_transition *t, sc_rsc *r)
{
    r->n_running = 0;
    r->running_on = SC_NONE;
    for (int n = 0; n < t->n_nodes; n++) {
        if (!r->st[n].running)
            continue;
        r->n_running++;
        if (r->running_on == SC_NONE)
            r->running_on = n;
        if (r->st[n].failed)
            r->failed = true;
        if (r->st[n].blocked)
            r->blocked = true;
    }
    bool frozen = !t->quorum && t->opt.no_quorum_policy == SC_NQ_FREEZE;
    r->pinned = !r->managed || r->maintenance || t->opt.maintenance_mode || r->blocked
                || (frozen && r->n_running > 0);
    for (int n = 0; n < t->n_nodes; n++) {
        if (!r->st[n].running)
            continue;
        if (t->nodes[n].maintenance)
            r->pinned = true;
        if (t->nodes[n].state == VGL_NODE_UNCLEAN && !t->nodes[n].fence)
            r->pinned = r->stuck_unclean = true;
    }
    if (frozen && r->n_running == 0 && r->next != SC_NONE) {
        r->start_unrunnable = true;
        r->unrunnable_reason = "quorum freeze";
    }
    if (r->n_running > 1 && r->multiple_active == SC_MULTI_BLOCK)
        r->pinned = true;
    if (r->n_running > 0 && r->next == SC_NONE && !t->quorum && t->opt.no_quorum_policy == SC_NQ_STOP)
        r->no_quorum_stop = true;
    if (!r->pinned && r->next != SC_NONE && r->st[r->next].running && !r->st[r->next].failed
        && definition_changed(t, r, r->next)) {
        r->restart = true;
        r->restart_reason = "resource definition change";
    }
    if (r->n_running > 1 && r->multiple_active == SC_MULTI_STOP_ONLY)
        r->next = SC_NONE;
}

void vgl__sched_actions(vgl_transition *t)
{
    /* fence actions first, in node order */
    for (int n = 0; n < t->n_nodes; n++) {
        if (!t->nodes[n].fence)
            continue;
        int f = vgl__sched_action_new(t, VGL_ACTION_FENCE, NULL, n);
        set_reason(t, f, "%s: fence (%s) because %s", t->nodes[n].uname, t->opt.fence_action,
                   t->nodes[n].fence_reason);
    }
    for (guint i = 0; i < t->prims->len; i++)
        prepare(t, g_ptr_array_index(t->prims, i));
    vgl__sched_propagate(t);
    for (guint i = 0; i < t->prims->len; i++) {
        sc_rsc *r = g_ptr_array_index(t->prims, i);
        make_probes(t, r);
        if (r->pinned) {
            maintenance_cancels(t, r);
            continue;
        }
        make_stops(t, r);
        make_start(t, r);
    }
    vgl__sched_orderings(t);
}
