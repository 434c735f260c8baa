/*
 * sched_output.c — what a transition shows: the dispatchable actions
 * (pseudo actions hidden, their orderings carried through), placements,
 * the Transition Summary and cluster status in crm_simulate's layout, and
 * Graphviz dot.
 *
 * The summary follows Pacemaker's rules: one line per primitive whose
 * role or node changes (Start, Stop, Move, Recover, Restart), fence lines
 * first; the resource and detail columns only ever widen, line by line,
 * exactly like crm_simulate's (its widths are static variables), so the
 * text matches byte for byte.
 */
#include "config.h"

#include <string.h>

#include "sched/sched_internal.h"

static sc_action *act(vgl_transition *t, int i)
{
    return &g_array_index(t->actions, sc_action, i);
}

/* ------------------------------------------------------------ finish */

static void collect_prereqs(vgl_transition *t, const sc_action *a, GArray *into, GHashTable *seen, int depth)
{
    for (guint i = 0; a->prereq != NULL && i < a->prereq->len; i++) {
        int p = g_array_index(a->prereq, int, i);
        if (g_hash_table_contains(seen, GINT_TO_POINTER(p + 1)))
            continue;
        g_hash_table_add(seen, GINT_TO_POINTER(p + 1));
        sc_action *pa = act(t, p);
        if (pa->pseudo) {
            if (depth < 64)
                collect_prereqs(t, pa, into, seen, depth + 1);
            continue;
        }
        size_t id = (size_t)pa->out_id;
        g_array_append_val(into, id);
    }
}

static int size_cmp(gconstpointer a, gconstpointer b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void fill_action(vgl_transition *t, sc_action *a, vgl_action *o)
{
    o->kind = a->kind;
    o->node = a->node >= 0 ? t->nodes[a->node].uname : NULL;
    o->interval_ms = a->interval_ms;
    o->timeout_ms = a->timeout_ms;
    o->check_level = a->check_level;
    o->expected_rc = a->expected_rc;
    o->digest = a->digest;
    o->reason = a->reason;
    if (a->kind == VGL_ACTION_FENCE) {
        o->operation = t->opt.fence_action;
        o->fence_action = t->opt.fence_action;
        return;
    }
    sc_rsc *r = a->rsc;
    o->resource = r->hist_id;
    o->instance = r->id;
    o->operation = a->kind == VGL_ACTION_START ? "start" : a->kind == VGL_ACTION_STOP ? "stop" : "monitor";
    o->cls = r->cls;
    o->provider = r->provider;
    o->type = r->type;
    if (r->params_cached && !r->params_rules) {
        o->params = r->params; /* shared: the same on every node */
        o->n_params = r->n_params;
        return;
    }
    sc_param *p = NULL;
    size_t n = 0;
    vgl__sched_params(t, r, NULL, a->node, &p, &n);
    a->params = p;
    a->n_params = n;
    o->params = p;
    o->n_params = n;
}

static void finish_actions(vgl_transition *t)
{
    size_t n = 0;
    for (guint i = 0; i < t->actions->len; i++) {
        sc_action *a = act(t, i);
        a->out_id = a->pseudo ? -1 : (int)n;
        if (!a->pseudo)
            n++;
    }
    t->out_actions = g_new0(vgl_action, n ? n : 1);
    t->n_out = n;
    GArray *pre = g_array_new(FALSE, FALSE, sizeof(size_t));
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < t->actions->len; i++) {
        sc_action *a = act(t, i);
        if (a->pseudo)
            continue;
        vgl_action *o = &t->out_actions[a->out_id];
        o->id = (size_t)a->out_id;
        fill_action(t, a, o);
        g_array_set_size(pre, 0);
        bool via_pseudo = false;
        for (guint k = 0; a->prereq != NULL && k < a->prereq->len; k++)
            via_pseudo |= act(t, g_array_index(a->prereq, int, k))->pseudo;
        if (via_pseudo) {
            g_hash_table_remove_all(seen);
            g_hash_table_add(seen, GINT_TO_POINTER((int)i + 1)); /* never itself */
            collect_prereqs(t, a, pre, seen, 0);
        } else {
            for (guint k = 0; a->prereq != NULL && k < a->prereq->len; k++) {
                size_t id = (size_t)act(t, g_array_index(a->prereq, int, k))->out_id;
                g_array_append_val(pre, id); /* vgl__sched_order() keeps them distinct */
            }
        }
        g_array_sort(pre, size_cmp);
        o->n_prereq = pre->len;
        o->prereq = g_new(size_t, pre->len ? pre->len : 1);
        if (pre->len > 0)
            memcpy(o->prereq, pre->data, sizeof(size_t) * pre->len);
    }
    g_hash_table_destroy(seen);
    g_array_free(pre, TRUE);
}

static void finish_placements(vgl_transition *t)
{
    t->n_places = t->prims->len;
    t->places = g_new0(vgl_placement, t->n_places ? t->n_places : 1);
    for (guint i = 0; i < t->prims->len; i++) {
        sc_rsc *r = g_ptr_array_index(t->prims, i);
        vgl_placement *p = &t->places[i];
        p->resource = r->id;
        for (sc_rsc *u = r->parent; u != NULL; u = u->parent) {
            if (u->kind == SC_GROUP && p->group == NULL)
                p->group = u->id;
            if (u->kind == SC_CLONE && p->clone == NULL)
                p->clone = u->id;
        }
        char *agent = g_strdup_printf("%s%s%s:%s", r->cls ? r->cls : "?", r->provider ? ":" : "",
                                      r->provider ? r->provider : "", r->type ? r->type : "?");
        p->agent = vgl__sched_str(t, agent);
        g_free(agent);
        p->current = g_new(const char *, t->n_nodes + 1);
        bool pending = false;
        for (int n = 0; n < t->n_nodes; n++) {
            if (r->st[n].running)
                p->current[p->n_current++] = t->nodes[n].uname;
            pending |= r->st[n].pending;
        }
        bool runs = r->next != SC_NONE && !r->start_unrunnable;
        p->next = runs ? t->nodes[r->next].uname : NULL;
        p->flags = (r->failed ? VGL_PLACE_FAILED : 0) | (r->blocked ? VGL_PLACE_BLOCKED : 0)
                   | ((!r->managed || r->maintenance || t->opt.maintenance_mode) ? VGL_PLACE_UNMANAGED : 0)
                   | (r->target_role == SC_ROLE_STOPPED ? VGL_PLACE_DISABLED : 0)
                   | (pending ? VGL_PLACE_PENDING : 0);
    }
}

void vgl__sched_finish(vgl_transition *t)
{
    finish_actions(t);
    finish_placements(t);
}

/* -------------------------------------------------------- accessors */

size_t vgl_transition_action_count(const vgl_transition *t)
{
    return t != NULL ? t->n_out : 0;
}

const vgl_action *vgl_transition_action(const vgl_transition *t, size_t id)
{
    return (t != NULL && id < t->n_out) ? &t->out_actions[id] : NULL;
}

size_t vgl_action_prereq_count(const vgl_action *a) { return a != NULL ? a->n_prereq : 0; }
size_t vgl_action_prereq(const vgl_action *a, size_t i) { return (a != NULL && i < a->n_prereq) ? a->prereq[i] : 0; }
size_t vgl_action_id(const vgl_action *a) { return a != NULL ? a->id : 0; }
vgl_action_kind vgl_action_get_kind(const vgl_action *a) { return a != NULL ? a->kind : VGL_ACTION_PROBE; }
const char *vgl_action_resource(const vgl_action *a) { return a != NULL ? a->resource : NULL; }
const char *vgl_action_instance(const vgl_action *a) { return a != NULL ? a->instance : NULL; }
const char *vgl_action_node(const vgl_action *a) { return a != NULL ? a->node : NULL; }
const char *vgl_action_operation(const vgl_action *a) { return a != NULL ? a->operation : NULL; }
uint32_t vgl_action_interval_ms(const vgl_action *a) { return a != NULL ? a->interval_ms : 0; }
uint32_t vgl_action_timeout_ms(const vgl_action *a) { return a != NULL ? a->timeout_ms : 0; }
const char *vgl_action_class(const vgl_action *a) { return a != NULL ? a->cls : NULL; }
const char *vgl_action_provider(const vgl_action *a) { return a != NULL ? a->provider : NULL; }
const char *vgl_action_type(const vgl_action *a) { return a != NULL ? a->type : NULL; }
size_t vgl_action_param_count(const vgl_action *a) { return a != NULL ? a->n_params : 0; }
int vgl_action_check_level(const vgl_action *a) { return a != NULL ? a->check_level : 0; }
int vgl_action_expected_rc(const vgl_action *a) { return a != NULL ? a->expected_rc : 0; }
const char *vgl_action_digest(const vgl_action *a) { return a != NULL ? a->digest : NULL; }
const char *vgl_action_reason(const vgl_action *a) { return a != NULL ? a->reason : NULL; }
const char *vgl_action_fence_action(const vgl_action *a) { return a != NULL ? a->fence_action : NULL; }

const char *vgl_action_param_name(const vgl_action *a, size_t i)
{
    return (a != NULL && i < a->n_params) ? a->params[i].name : NULL;
}

const char *vgl_action_param_value(const vgl_action *a, size_t i)
{
    return (a != NULL && i < a->n_params) ? a->params[i].value : NULL;
}

const char *vgl_action_kind_str(vgl_action_kind kind)
{
    static const char *names[] = { "probe", "start", "stop", "monitor", "cancel", "fence" };
    return (kind >= VGL_ACTION_PROBE && kind <= VGL_ACTION_FENCE) ? names[kind] : "unknown";
}

size_t vgl_transition_placement_count(const vgl_transition *t) { return t != NULL ? t->n_places : 0; }

const vgl_placement *vgl_transition_placement(const vgl_transition *t, size_t i)
{
    return (t != NULL && i < t->n_places) ? &t->places[i] : NULL;
}

const char *vgl_placement_resource(const vgl_placement *p) { return p != NULL ? p->resource : NULL; }
const char *vgl_placement_group(const vgl_placement *p) { return p != NULL ? p->group : NULL; }
const char *vgl_placement_clone(const vgl_placement *p) { return p != NULL ? p->clone : NULL; }
const char *vgl_placement_agent(const vgl_placement *p) { return p != NULL ? p->agent : NULL; }
size_t vgl_placement_current_count(const vgl_placement *p) { return p != NULL ? p->n_current : 0; }
const char *vgl_placement_next(const vgl_placement *p) { return p != NULL ? p->next : NULL; }
unsigned vgl_placement_flags(const vgl_placement *p) { return p != NULL ? p->flags : 0; }

const char *vgl_placement_current(const vgl_placement *p, size_t i)
{
    return (p != NULL && i < p->n_current) ? p->current[i] : NULL;
}

/* ---------------------------------------------------------- summary */

typedef struct widths {
    int rsc, detail;
} widths;

/* crm_simulate's columns only widen (static widths), and it formats the
 * summary twice (once for its log), so the second, printed pass uses the
 * widths the first pass ended with: measure first (out == NULL), then print. */
static void item(GString *out, widths *w, const char *change, const char *rsc, const char *details,
                 const char *reason, bool blocked)
{
    int len = (int)strlen(rsc);
    if (len > w->rsc)
        w->rsc = len + 2;
    len = (int)strlen(details);
    if (len > w->detail)
        w->detail = len;
    if (out == NULL)
        return;
    g_string_append_printf(out, "  * %-8s   %-*s   ( %*s )", change, w->rsc, rsc, w->detail, details);
    if (reason != NULL && blocked)
        g_string_append_printf(out, "  due to %s (blocked)\n", reason);
    else if (reason != NULL)
        g_string_append_printf(out, "  due to %s\n", reason);
    else if (blocked)
        g_string_append(out, "  blocked\n");
    else
        g_string_append_c(out, '\n');
}

static const char *stop_reason(const sc_rsc *r)
{
    if (r->no_quorum_stop)
        return "no quorum";
    if (r->start_unrunnable && r->unrunnable_reason != NULL)
        return r->unrunnable_reason;
    return "node availability";
}

static void summarize(vgl_transition *t, const sc_rsc *r, GString *out, widths *w)
{
    if (r->pinned && r->stuck_unclean && r->no_quorum_stop)
        item(out, w, "Stop", r->id, t->nodes[r->running_on].uname, "no quorum", true);
    if (r->pinned)
        return;
    int cur = r->running_on, next = r->next;
    const char *nn = next != SC_NONE ? t->nodes[next].uname : NULL;
    char *d = NULL;
    if (cur == SC_NONE) {
        if (next != SC_NONE && (r->start_action >= 0 || r->start_unrunnable))
            item(out, w, "Start", r->id, nn, r->start_unrunnable ? r->unrunnable_reason : NULL,
                 r->start_unrunnable);
        return;
    }
    const char *cn = t->nodes[cur].uname;
    if (next == SC_NONE || r->start_unrunnable) {
        for (int n = 0; n < t->n_nodes; n++) {
            if (r->st[n].running)
                item(out, w, "Stop", r->id, t->nodes[n].uname, stop_reason(r), false);
        }
        return;
    }
    if (r->start_action < 0)
        return;
    if (cur != next) {
        d = g_strdup_printf("%s -> %s", cn, nn);
        item(out, w, r->failed ? "Recover" : "Move", r->id, d, NULL, false);
    } else if (r->failed) {
        item(out, w, "Recover", r->id, cn, NULL, false);
    } else {
        item(out, w, "Restart", r->id, cn, r->n_running > 1 ? NULL : r->restart_reason, false);
    }
    g_free(d);
}

char *vgl_transition_summary(const vgl_transition *tc)
{
    vgl_transition *t = (vgl_transition *)tc;
    GString *out = g_string_new(NULL);
    if (t == NULL)
        return g_string_free(out, FALSE);
    for (int n = 0; n < t->n_nodes; n++) {
        if (t->nodes[n].fence)
            g_string_append_printf(out, "  * Fence (%s) %s '%s'\n", t->opt.fence_action, t->nodes[n].uname,
                                   t->nodes[n].fence_reason);
    }
    widths w = { 5, 5 };
    GPtrArray *leaves = g_ptr_array_new();
    for (guint i = 0; i < t->alloc_order->len; i++)
        vgl__sched_leaves(g_ptr_array_index(t->alloc_order, i), leaves);
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < leaves->len; i++)
            summarize(t, g_ptr_array_index(leaves, i), pass == 0 ? NULL : out, &w);
    }
    g_ptr_array_free(leaves, TRUE);
    return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------- dot */

static char *action_label(const vgl_transition *t, const vgl_action *a)
{
    if (a->kind == VGL_ACTION_FENCE)
        return g_strdup_printf("stonith '%s' %s", a->fence_action, a->node);
    const char *op = a->kind == VGL_ACTION_CANCEL ? "cancel" : a->operation;
    (void)t;
    return g_strdup_printf("%s_%s_%u %s", a->instance, op, a->interval_ms, a->node);
}

char *vgl_transition_dot(const vgl_transition *t)
{
    GString *out = g_string_new(" digraph \"g\" {\n");
    for (size_t i = 0; t != NULL && i < t->n_out; i++) {
        char *l = action_label(t, &t->out_actions[i]);
        g_string_append_printf(out, "\"%s\" [ style=bold color=\"green\" fontcolor=\"%s\"]\n", l,
                               t->out_actions[i].kind == VGL_ACTION_FENCE ? "black" : "black");
        g_free(l);
    }
    for (size_t i = 0; t != NULL && i < t->n_out; i++) {
        const vgl_action *a = &t->out_actions[i];
        char *l = action_label(t, a);
        for (size_t k = 0; k < a->n_prereq; k++) {
            char *p = action_label(t, &t->out_actions[a->prereq[k]]);
            g_string_append_printf(out, "\"%s\" -> \"%s\" [ style = bold]\n", p, l);
            g_free(p);
        }
        g_free(l);
    }
    g_string_append(out, "}\n");
    return g_string_free(out, FALSE);
}
