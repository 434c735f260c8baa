/*
 * sched_status.c — reading the status section: node attributes, fail
 * counts and each resource's operation history.
 *
 * Workload: every history once per run, read from the document or taken
 * from the status cache (sched_history.c reads them, ops sorted by
 * call-id); here each is replayed against the configuration, so the cost
 * is linear in ops.
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

static void record_failure(vgl_transition *t, sc_rsc *r, sc_rstate *s, const sc_hop *h)
{
    sc_on_fail f = default_on_fail(t, r, h->task, h->interval_ms);
    if (f == SC_FAIL_IGNORE) {
        if (h->kind != SC_TASK_STOP)
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

static bool expired(const vgl_transition *t, const sc_rsc *r, const sc_hop *h)
{
    return r->failure_timeout_ms > 0 && h->changed > 0
           && t->now >= h->changed + (r->failure_timeout_ms + 999) / 1000;
}

static void replay_one(vgl_transition *t, sc_rsc *r, sc_rstate *s, const sc_hop *h)
{
    bool probe = h->kind == SC_TASK_MONITOR && h->interval_ms == 0;
    bool failed = h->status != 0;
    if (h->status == 0) {
        if (probe)
            failed = !(rc_ok(h->rc) || h->rc == 7 || h->rc == 5);
        else if (h->kind == SC_TASK_MONITOR)
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
            s->start_op = h;
        if (!s->running)
            s->failed = false, s->blocked = false;
    } else if (h->kind == SC_TASK_START) {
        s->running = true;
        s->failed = false;
        s->blocked = false;
        s->start_op = h;
        if (s->monitors != NULL)
            g_ptr_array_set_size(s->monitors, 0);
    } else if (h->kind == SC_TASK_STOP) {
        s->running = false;
        s->failed = false;
        s->blocked = false;
        if (s->monitors != NULL)
            g_ptr_array_set_size(s->monitors, 0);
    } else if (h->kind == SC_TASK_MONITOR) {
        if (!s->running && !s->failed)
            s->running = true; /* a monitor saying running means running */
        if (s->monitors == NULL)
            s->monitors = g_ptr_array_new();
        g_ptr_array_add(s->monitors, (gpointer)h);
    }
}

/* Replay [in] h's ops (already in call-id order) into [out] s. */
static void replay(vgl_transition *t, sc_rsc *r, sc_rstate *s, const sc_hist *hist)
{
    s->known = true;
    for (size_t i = 0; i < hist->n_ops; i++) {
        const sc_hop *h = &hist->ops[i];
        if (h->status == 1)
            continue; /* cancelled */
        if (h->status == -1 || h->call_id == -1) {
            s->pending = true;
            if (h->kind == SC_TASK_START || h->kind == SC_TASK_STOP)
                s->running = true;
            continue;
        }
        replay_one(t, r, s, h);
    }
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

/* The primitives history [in] id belongs to, or NULL. */
static GPtrArray *hist_list(vgl_transition *t, const char *id)
{
    GPtrArray *list = g_hash_table_lookup(t->prim_by_hist, id);
    const char *colon = list == NULL ? strrchr(id, ':') : NULL;
    if (colon != NULL) { /* "ping:2": an anonymous clone instance */
        char *base = g_strndup(id, (gsize)(colon - id));
        list = g_hash_table_lookup(t->prim_by_hist, base);
        g_free(base);
    }
    return list;
}

static void unpack_lrm_resource(vgl_transition *t, const sc_hist *lr, int node)
{
    GPtrArray *list = lr->ref != NULL && lr->ref->stamp == t->cache_run ? lr->ref->list : hist_list(t, lr->id);
    if (lr->ref != NULL) {
        lr->ref->stamp = t->cache_run;
        lr->ref->list = list;
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

static void unpack_lrm(vgl_transition *t, xmlNode *ns, const char *uname, int node)
{
    GPtrArray *cached = vgl__sched_cache_node(t, ns, uname);
    if (cached != NULL) {
        for (guint i = 0; i < cached->len; i++)
            unpack_lrm_resource(t, g_ptr_array_index(cached, i), node);
        return;
    }
    xmlNode *rs = vgl__sched_child(vgl__sched_child(ns, "lrm"), "lrm_resources");
    for (xmlNode *c = rs != NULL ? rs->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "lrm_resource") != 0)
            continue;
        const sc_hist *h = vgl__sched_hist_read(t, c);
        if (h != NULL)
            unpack_lrm_resource(t, h, node);
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
            unpack_lrm(t, ns, uname, n->idx);
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
