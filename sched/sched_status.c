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

static int int_attr(xmlNode *x, const char *name, int dflt)
{
    const char *v = vgl__sched_attr(x, name);
    char *end;
    if (v == NULL || *v == '\0')
        return dflt;
    long l = strtol(v, &end, 10);
    return (*end == '\0' && l >= -1000000000L && l <= 1000000000L) ? (int)l : dflt;
}

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

static void replay(vgl_transition *t, sc_rsc *r, sc_rstate *s, xmlNode *lrm_rsc)
{
    GArray *ops = g_array_new(FALSE, FALSE, sizeof(hop));
    for (xmlNode *c = lrm_rsc->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "lrm_rsc_op") != 0)
            continue;
        hop h = { c, vgl__sched_attr(c, "operation"), 0, 0, 0, 0, 0 };
        if (h.task == NULL)
            continue;
        /* interval in the status section is plain milliseconds */
        int iv = int_attr(c, "interval", 0);
        h.interval_ms = iv > 0 ? (uint32_t)iv : 0;
        h.rc = int_attr(c, "rc-code", 0);
        h.status = int_attr(c, "op-status", 0);
        h.call_id = int_attr(c, "call-id", 0);
        h.changed = int_attr(c, "last-rc-change", 0);
        g_array_append_val(ops, h);
    }
    g_array_sort(ops, hop_cmp);
    s->known = true;
    for (guint i = 0; i < ops->len; i++) {
        hop *h = &g_array_index(ops, hop, i);
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
    g_array_free(ops, TRUE);
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
    char *base = g_strdup(id);
    char *colon = strrchr(base, ':');
    GPtrArray *list = g_hash_table_lookup(t->prim_by_hist, base);
    if (list == NULL && colon != NULL) {
        *colon = '\0';
        list = g_hash_table_lookup(t->prim_by_hist, base);
    }
    if (list == NULL || list->len == 0) {
        g_free(base);
        return; /* orphan resource: no longer configured; Vigil leaves it */
    }
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
            g_free(base);
            return;
        }
        target = bind_instance(t, clone, first->hist_id, node);
        for (guint i = 0; i < list->len; i++)
            ((sc_rsc *)g_ptr_array_index(list, i))->st[node].known = true;
    }
    if (target == NULL) {
        g_clear_pointer(&tmp.monitors, g_ptr_array_unref);
        g_free(base);
        return;
    }
    sc_rstate *s = &target->st[node];
    if (s->monitors != NULL)
        g_ptr_array_unref(s->monitors);
    *s = tmp;
    if (s->running)
        target->n_running++;
    g_free(base);
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
        n->standby = attr_true(n, "standby");
        n->maintenance = attr_true(n, "maintenance");
        unpack_failcounts(t, n);
    }
    apply_migration_threshold(t);
}
