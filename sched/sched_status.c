/*
 * sched_status.c — reading the status section: node attributes, fail
 * counts and each resource's operation history.
 *
 * Workload: every lrm_rsc_op once; per (resource, node) the ops are sorted
 * by call-id and replayed, so the cost is O(ops log ops) per history.
 * Invariants: history on OFFLINE nodes, and on UNCLEAN nodes when fencing
 * is disabled, is ignored (nothing runs there); a later op wins over an
 * earlier one (a successful stop clears an earlier failed monitor, but not
 * an on-fail=stop decision); anonymous clone histories ("ping" or
 * "ping:N") are bound to the lowest free instance in status order, the way
 * Pacemaker numbers them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sched/sched_internal.h"

typedef struct hop {
    xmlNode *xml;
    const char *task;
    uint32_t interval_ms;
    int rc, status, call_id;
    int64_t changed;
} hop;

static int hop_cmp(const void *a, const void *b)
{
    const hop *x = a, *y = b;
    int cx = x->call_id < 0 ? G_MAXINT : x->call_id;
    int cy = y->call_id < 0 ? G_MAXINT : y->call_id;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return x->changed < y->changed ? -1 : x->changed > y->changed;
}

/* The rc the transition that ran [in] op expected (from its
 * transition-key "action:transition:rc:uuid"), or -1 if unknown. */
int vgl__sched_expected_rc(xmlNode *op)
{
    const char *k = vgl__sched_attr(op, "transition-key");
    if (k == NULL)
        return -1;
    const char *p = strchr(k, ':');
    p = p != NULL ? strchr(p + 1, ':') : NULL;
    if (p == NULL)
        return -1;
    return atoi(p + 1);
}

static sc_on_fail default_on_fail(const vgl_transition *t, const sc_rsc *r, const char *task,
                                  uint32_t interval_ms)
{
    sc_opdef *op = vgl__sched_find_op(r, task, interval_ms);
    sc_on_fail f = op != NULL ? op->on_fail : SC_FAIL_DEFAULT;
    if (f == SC_FAIL_FENCE && !t->opt.fencing_enabled)
        f = SC_FAIL_BLOCK;
    if (f != SC_FAIL_DEFAULT)
        return f;
    if (strcmp(task, "stop") == 0)
        return t->opt.fencing_enabled ? SC_FAIL_FENCE : SC_FAIL_BLOCK;
    return SC_FAIL_RESTART;
}

static bool rc_ok(int rc)
{
    return rc == 0 || rc == 190 || rc == 8;
}

static void record_failure(vgl_transition *t, sc_rsc *r, sc_rstate *s, const hop *h)
{
    sc_on_fail f = default_on_fail(t, r, h->task, h->interval_ms);
    if (f == SC_FAIL_IGNORE) {
        if (strcmp(h->task, "stop") != 0)
            s->running = true;
        return;
    }
    s->failed = true;
    s->on_fail = f;
    s->fail_op = h->task;
    if (f == SC_FAIL_STOP)
        s->stop_forever = true;
    if (f == SC_FAIL_BLOCK)
        s->blocked = true;
    if (h->status == 0 && h->rc == 6)
        s->fatal = true;
    else if (h->status == 0 && h->rc >= 2 && h->rc <= 5)
        s->ban = true; /* hard error: never again here */
    /* even a monitor saying "not running" leaves it possibly active: it is
     * stopped (for safety) and started again, as Pacemaker does */
    s->running = true;
}

static bool expired(const vgl_transition *t, const sc_rsc *r, const hop *h)
{
    return r->failure_timeout_ms > 0 && h->changed > 0
           && t->now >= h->changed + (r->failure_timeout_ms + 999) / 1000;
}

static void replay_one(vgl_transition *t, sc_rsc *r, sc_rstate *s, const hop *h)
{
    bool probe = strcmp(h->task, "monitor") == 0 && h->interval_ms == 0;
    bool failed = h->status != 0;
    if (h->status == 0) {
        if (probe)
            failed = !(rc_ok(h->rc) || h->rc == 7 || h->rc == 5);
        else if (strcmp(h->task, "monitor") == 0)
            failed = !rc_ok(h->rc);
        else
            failed = h->rc != 0 && h->rc != 190;
    }
    if (failed && expired(t, r, h))
        return;
    if (failed) {
        record_failure(t, r, s, h);
        return;
    }
    if (probe) {
        s->running = rc_ok(h->rc);
        if (h->rc == 5)
            s->ban = true;
        if (s->running && s->start_op == NULL)
            s->start_op = h->xml;
        if (!s->running)
            s->failed = false, s->blocked = false;
    } else if (strcmp(h->task, "start") == 0) {
        s->running = true;
        s->failed = false;
        s->blocked = false;
        s->start_op = h->xml;
        if (s->monitors != NULL)
            g_ptr_array_set_size(s->monitors, 0);
    } else if (strcmp(h->task, "stop") == 0) {
        s->running = false;
        s->failed = false;
        s->blocked = false;
        if (s->monitors != NULL)
            g_ptr_array_set_size(s->monitors, 0);
    } else if (strcmp(h->task, "monitor") == 0) {
        if (!s->running && !s->failed)
            s->running = true; /* a monitor saying running means running */
        if (s->monitors == NULL)
            s->monitors = g_ptr_array_new();
        g_ptr_array_add(s->monitors, h->xml);
    }
}

static int parse_int(const char *v, int dflt)
{
    char *end;
    if (v == NULL || *v == '\0')
        return dflt;
    long l = strtol(v, &end, 10);
    return (*end == '\0' && l >= -1000000000L && l <= 1000000000L) ? (int)l : dflt;
}

static const char *attr_value(const xmlAttr *a)
{
    return (a->children != NULL && a->children->next == NULL) ? (const char *)a->children->content : NULL;
}

/* One pass over the op's attributes (this runs once per history entry:
 * 320,000 times for 10,000 resources on 32 nodes). */
static bool hop_read(xmlNode *c, hop *h)
{
    memset(h, 0, sizeof(*h));
    h->xml = c;
    for (xmlAttr *a = c->properties; a != NULL; a = a->next) {
        const char *n = (const char *)a->name;
        int *field = NULL;
        /* look at a value only when the name is wanted: every value is
         * one more node to fetch from memory */
        switch (n[0]) {
        case 'o':
            if (strcmp(n, "operation") == 0)
                h->task = attr_value(a);
            else if (strcmp(n, "op-status") == 0)
                field = &h->status;
            break;
        case 'c': field = strcmp(n, "call-id") == 0 ? &h->call_id : NULL; break;
        case 'r': field = strcmp(n, "rc-code") == 0 ? &h->rc : NULL; break;
        case 'i':
            if (strcmp(n, "interval") == 0) /* plain ms in the status section */
                h->interval_ms = (uint32_t)MAX(parse_int(attr_value(a), 0), 0);
            break;
        case 'l':
            if (strcmp(n, "last-rc-change") == 0)
                h->changed = parse_int(attr_value(a), 0);
            break;
        default: break;
        }
        if (field != NULL)
            *field = parse_int(attr_value(a), 0);
    }
    return h->task != NULL;
}

#define HOPS_ON_STACK 8

static void replay(vgl_transition *t, sc_rsc *r, sc_rstate *s, xmlNode *lrm_rsc)
{
    hop stack[HOPS_ON_STACK];
    GArray *heap = NULL;
    hop *ops = stack;
    size_t n = 0;
    for (xmlNode *c = lrm_rsc->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "lrm_rsc_op") != 0)
            continue;
        hop h;
        if (!hop_read(c, &h))
            continue;
        if (n == HOPS_ON_STACK && heap == NULL) {
            heap = g_array_new(FALSE, FALSE, sizeof(hop));
            g_array_append_vals(heap, stack, n);
        }
        if (heap != NULL)
            g_array_append_val(heap, h);
        else
            stack[n] = h;
        n++;
    }
    if (heap != NULL)
        ops = (hop *)(void *)heap->data;
    if (n > 1)
        qsort(ops, n, sizeof(hop), hop_cmp);
    s->known = true;
    for (size_t i = 0; i < n; i++) {
        hop *h = &ops[i];
        if (h->status == 1)
            continue; /* cancelled */
        if (h->status == -1 || h->call_id == -1) {
            s->pending = true;
            if (strcmp(h->task, "start") == 0 || strcmp(h->task, "stop") == 0)
                s->running = true;
            continue;
        }
        replay_one(t, r, s, h);
    }
    if (heap != NULL)
        g_array_free(heap, TRUE);
}

/* ------------------------------------------------------------ clones */

static sc_rsc *find_leaf(sc_rsc *inst, const char *hist_id)
{
    GPtrArray *leaves = g_ptr_array_new();
    sc_rsc *found = NULL;
    vgl__sched_leaves(inst, leaves);
    for (guint i = 0; i < leaves->len && found == NULL; i++) {
        sc_rsc *l = g_ptr_array_index(leaves, i);
        if (strcmp(l->hist_id, hist_id) == 0)
            found = l;
    }
    g_ptr_array_free(leaves, TRUE);
    return found;
}

static int instance_running(sc_rsc *inst)
{
    GPtrArray *leaves = g_ptr_array_new();
    int n = 0;
    vgl__sched_leaves(inst, leaves);
    for (guint i = 0; i < leaves->len; i++)
        n += ((sc_rsc *)g_ptr_array_index(leaves, i))->n_running;
    g_ptr_array_free(leaves, TRUE);
    return n;
}

static sc_rsc *orphan_instance(vgl_transition *t, sc_rsc *clone);

/* The instance of [in] clone that runs [in] hist_id on [in] node. */
static sc_rsc *bind_instance(vgl_transition *t, sc_rsc *clone, const char *hist_id, int node)
{
    if (clone->bind == NULL) {
        clone->bind = g_new(int, t->n_nodes);
        for (int i = 0; i < t->n_nodes; i++)
            clone->bind[i] = -1;
    }
    int b = clone->bind[node];
    if (b < 0) {
        for (guint i = 0; i < clone->children->len && b < 0; i++) {
            sc_rsc *inst = g_ptr_array_index(clone->children, i);
            bool used = instance_running(inst) > 0;
            for (int n = 0; n < t->n_nodes && !used; n++)
                used = clone->bind[n] == (int)i;
            if (!used)
                b = (int)i;
        }
        if (b < 0) {
            orphan_instance(t, clone);
            b = (int)clone->children->len - 1;
        }
        clone->bind[node] = b;
    }
    return find_leaf(g_ptr_array_index(clone->children, b), hist_id);
}

static sc_rsc *orphan_instance(vgl_transition *t, sc_rsc *clone)
{
    /* unpack one more instance from the clone's child element */
    xmlNode *child = NULL;
    for (xmlNode *c = clone->xml->children; c != NULL && child == NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && (strcmp((const char *)c->name, "primitive") == 0 || strcmp((const char *)c->name, "group") == 0))
            child = c;
    }
    sc_rsc *inst = vgl__sched_clone_instance(t, clone, child, (int)clone->children->len);
    inst->orphan = true;
    return inst;
}

/* ------------------------------------------------------- node_state */

static bool history_counts(const vgl_transition *t, const sc_node *n)
{
    if (n->state == VGL_NODE_ONLINE)
        return true;
    return n->state == VGL_NODE_UNCLEAN && t->opt.fencing_enabled;
}

static void unpack_lrm_resource(vgl_transition *t, xmlNode *lr, int node)
{
    const char *id = vgl__sched_attr(lr, "id");
    if (id == NULL)
        return;
    GPtrArray *list = g_hash_table_lookup(t->prim_by_hist, id);
    const char *colon = list == NULL ? strrchr(id, ':') : NULL;
    if (colon != NULL) { /* "ping:2": an anonymous clone instance */
        char *base = g_strndup(id, (gsize)(colon - id));
        list = g_hash_table_lookup(t->prim_by_hist, base);
        g_free(base);
    }
    if (list == NULL || list->len == 0)
        return; /* orphan resource: no longer configured; Vigil leaves it */
    sc_rsc *first = g_ptr_array_index(list, 0);
    sc_rstate tmp = { 0 };
    replay(t, first, &tmp, lr);
    sc_rsc *clone = vgl__sched_top(first);
    sc_rsc *target = first;
    for (guint i = 0; i < list->len; i++) {
        sc_rsc *r = g_ptr_array_index(list, i);
        if (tmp.ban)
            r->loc[node] = -VGL_INFINITY;
        if (tmp.fatal)
            r->fatal = true;
    }
    if (clone->kind == SC_CLONE) {
        if (!tmp.running && !tmp.pending) {
            for (guint i = 0; i < list->len; i++)
                ((sc_rsc *)g_ptr_array_index(list, i))->st[node].known = true;
            g_clear_pointer(&tmp.monitors, g_ptr_array_unref);
            return;
        }
        target = bind_instance(t, clone, first->hist_id, node);
        for (guint i = 0; i < list->len; i++)
            ((sc_rsc *)g_ptr_array_index(list, i))->st[node].known = true;
    }
    if (target == NULL) {
        g_clear_pointer(&tmp.monitors, g_ptr_array_unref);
        return;
    }
    sc_rstate *s = &target->st[node];
    if (s->monitors != NULL)
        g_ptr_array_unref(s->monitors);
    *s = tmp;
    if (s->running)
        target->n_running++;
}

static void unpack_lrm(vgl_transition *t, xmlNode *ns, int node)
{
    xmlNode *rs = vgl__sched_child(vgl__sched_child(ns, "lrm"), "lrm_resources");
    for (xmlNode *c = rs != NULL ? rs->children : NULL; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "lrm_resource") == 0)
            unpack_lrm_resource(t, c, node);
    }
}

/* ------------------------------------------------------ fail counts */

static void apply_failcount(vgl_transition *t, sc_node *n, const char *key, const char *value, bool last)
{
    const char *rest = key + (last ? strlen("last-failure-") : strlen("fail-count-"));
    char *id = g_strdup(rest);
    char *hash = strchr(id, '#');
    if (hash != NULL)
        *hash = '\0';
    GPtrArray *list = g_hash_table_lookup(t->prim_by_hist, id);
    if (list == NULL) {
        char *colon = strrchr(id, ':');
        if (colon != NULL) {
            *colon = '\0';
            list = g_hash_table_lookup(t->prim_by_hist, id);
        }
    }
    for (guint i = 0; list != NULL && i < list->len; i++) {
        sc_rstate *s = &((sc_rsc *)g_ptr_array_index(list, i))->st[n->idx];
        if (last) {
            int64_t v = g_ascii_strtoll(value, NULL, 10);
            if (v > s->last_failure)
                s->last_failure = v;
        } else {
            vgl_score sc;
            if (vgl_score_parse(value, &sc) == 0)
                s->failcount = vgl_score_add(s->failcount, sc);
        }
    }
    g_free(id);
}

static void unpack_failcounts(vgl_transition *t, sc_node *n)
{
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, n->attrs);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        if (g_str_has_prefix(k, "fail-count-"))
            apply_failcount(t, n, k, v, false);
        else if (g_str_has_prefix(k, "last-failure-"))
            apply_failcount(t, n, k, v, true);
    }
}

static void apply_migration_threshold(vgl_transition *t)
{
    for (guint i = 0; i < t->prims->len; i++) {
        sc_rsc *r = g_ptr_array_index(t->prims, i);
        for (int n = 0; n < t->n_nodes; n++) {
            sc_rstate *s = &r->st[n];
            if (s->failcount <= 0)
                continue;
            if (r->failure_timeout_ms > 0 && s->last_failure > 0
                && t->now >= s->last_failure + (r->failure_timeout_ms + 999) / 1000) {
                s->failcount = 0;
                continue;
            }
            if (r->migration_threshold > 0 && s->failcount >= r->migration_threshold)
                r->loc[n] = -VGL_INFINITY;
        }
    }
}

static bool attr_true(const sc_node *n, const char *name)
{
    const char *v = g_hash_table_lookup(n->attrs, name);
    bool b = false;
    return v != NULL && vgl_bool_parse(v, &b) == 0 && b;
}

void vgl__sched_unpack_status(vgl_transition *t)
{
    xmlNode *status = vgl__sched_child(t->root, "status");
    for (xmlNode *ns = status != NULL ? status->children : NULL; ns != NULL; ns = ns->next) {
        if (ns->type != XML_ELEMENT_NODE || strcmp((const char *)ns->name, "node_state") != 0)
            continue;
        const char *uname = vgl__sched_attr(ns, "uname");
        sc_node *n = uname != NULL ? g_hash_table_lookup(t->node_by_name, uname) : NULL;
        if (n == NULL)
            continue;
        vgl__sched_node_merge_attrs(t, n, vgl__sched_child(ns, "transient_attributes"));
        if (history_counts(t, n))
            unpack_lrm(t, ns, n->idx);
    }
    for (int i = 0; i < t->n_nodes; i++) {
        sc_node *n = &t->nodes[i];
        /* A node shutting down (Pacemaker's transient "shutdown" attribute,
         * the time the shutdown began) is emptied like one in standby. */
        const char *sd = g_hash_table_lookup(n->attrs, "shutdown");
        n->standby = attr_true(n, "standby") || (sd && g_ascii_strtoll(sd, NULL, 10) > 0);
        n->maintenance = attr_true(n, "maintenance");
        unpack_failcounts(t, n);
    }
    apply_migration_threshold(t);
}
