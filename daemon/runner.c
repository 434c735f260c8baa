/*
 * runner.c — running this node's actions and reporting their results
 * (see runner.h).
 *
 * Results that complete within one main-loop iteration go out together in
 * one OP_RESULT message (a burst of probes after a start-up is one
 * message, not dozens).  A recurring monitor reports its first result with
 * the action that created it, and afterwards only when its rc changes
 * (exec.c decides that); its later results carry no action id.
 *
 * Only actions whose executor is this node are run here; every node sees
 * every ACTIONS message.  Parameters go to agents through exec.c, which
 * passes them as OCF_RESKEY_* in the environment only.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <qb/qblog.h>
#include <vigil/sched.h>

#include "daemon/exec.h"
#include "daemon/fencer.h"
#include "daemon/runner.h"

typedef struct op_rec {
    uint64_t tid;
    uint32_t aid;
    bool has_action;  /* the first result still owes the action its answer */
    bool silent;      /* housekeeping (re-announce): log only, record nothing */
    char *rsc, *klass, *provider, *type, *op, *digest;
    uint32_t interval;
    int expected;
} op_rec;

struct vgl_runner {
    vgl_replica *r;
    vgl_runner_opts opts;
    vgl_exec *exec;
    vgl_fencer *fencer;
    GHashTable *ops;      /* token (uint64 *) → op_rec */
    uint64_t next_token;
    GVariantBuilder *batch;
    unsigned batch_n;
    guint flush_src, self_fence_src, watchdog_src;
    int watchdog_fd;
    unsigned fencing;     /* fence operations running here */
    GHashTable *devices;  /* fence devices "started" here (class stonith) */
    GList *fence_jobs;    /* fence_job *, running here */
    bool shutdown_signalled;
};

static void op_free(gpointer p)
{
    op_rec *o = p;
    g_free(o->rsc);
    g_free(o->klass);
    g_free(o->provider);
    g_free(o->type);
    g_free(o->op);
    g_free(o->digest);
    g_free(o);
}

/* The op-status of the CIB: Pacemaker's enum pcmk_exec_status. */
static int op_status(vgl_exec_status s)
{
    switch (s) {
    case VGL_EXEC_DONE: return 0;
    case VGL_EXEC_CANCELLED: return 1;
    case VGL_EXEC_TIMEOUT: return 2;
    case VGL_EXEC_NOT_INSTALLED: return 7;
    case VGL_EXEC_ERROR: return 4;
    }
    return 4;
}

/* ------------------------------------------------------------ results */

static gboolean flush(gpointer data)
{
    vgl_runner *n = data;
    vgl_msg *m;

    n->flush_src = 0;
    if (n->batch_n == 0)
        return G_SOURCE_REMOVE;
    m = vgl_msg_begin(VGL_MSG_OP_RESULT);
    g_variant_dict_insert_value(m->fields, "results", g_variant_builder_end(n->batch));
    g_variant_builder_unref(n->batch);
    n->batch = NULL;
    n->batch_n = 0;
    vgl_replica_send(n->r, m);
    return G_SOURCE_REMOVE;
}

static void queue_result(vgl_runner *n, GVariant *res)
{
    if (n->batch == NULL)
        n->batch = g_variant_builder_new(G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(n->batch, res);
    n->batch_n++;
    if (n->flush_src == 0)
        n->flush_src = g_idle_add(flush, n);
}

static void on_exec_result(const vgl_exec_result *res, void *ud)
{
    vgl_runner *n = ud;
    op_rec *o = g_hash_table_lookup(n->ops, &res->token);
    GVariantDict d;

    if (o == NULL)
        return;
    if (o->silent) {
        qb_log(res->rc == 0 ? LOG_INFO : LOG_WARNING, "%s: %s on %s: rc %d%s%s", o->rsc, o->op,
               vgl_replica_my_name(n->r), res->rc, res->reason && *res->reason ? ": " : "",
               res->reason ? res->reason : "");
        g_hash_table_remove(n->ops, &res->token);
        return;
    }
    if (res->status == VGL_EXEC_CANCELLED && o->interval > 0 && !o->has_action) {
        g_hash_table_remove(n->ops, &res->token); /* a monitor stopped with its resource */
        return;
    }
    qb_log(res->rc == o->expected ? LOG_INFO : LOG_WARNING,
           "%s: %s%s on %s: %s (rc %d, %u ms)%s%s", o->rsc, o->op,
           o->interval ? " (recurring)" : "", vgl_replica_my_name(n->r),
           res->rc == o->expected ? "ok" : "unexpected", res->rc, res->exec_ms,
           res->reason && *res->reason ? ": " : "", res->reason ? res->reason : "");
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "rsc", "s", o->rsc);
    g_variant_dict_insert(&d, "class", "s", o->klass);
    g_variant_dict_insert(&d, "provider", "s", o->provider);
    g_variant_dict_insert(&d, "type", "s", o->type);
    g_variant_dict_insert(&d, "op", "s", o->op);
    g_variant_dict_insert(&d, "interval", "u", o->interval);
    g_variant_dict_insert(&d, "rc", "i", (gint32)res->rc);
    g_variant_dict_insert(&d, "status", "i", (gint32)op_status(res->status));
    g_variant_dict_insert(&d, "expected", "i", (gint32)o->expected);
    g_variant_dict_insert(&d, "call", "i", (gint32)(res->call_id & 0x7fffffff));
    g_variant_dict_insert(&d, "time", "x", (gint64)res->start_time);
    g_variant_dict_insert(&d, "exec_ms", "u", res->exec_ms);
    g_variant_dict_insert(&d, "queue_ms", "u", res->queue_ms);
    g_variant_dict_insert(&d, "digest", "s", o->digest);
    g_variant_dict_insert(&d, "reason", "s", res->reason ? res->reason : "");
    if (o->has_action) {
        g_variant_dict_insert(&d, "transition", "t", (guint64)o->tid);
        g_variant_dict_insert(&d, "action", "u", o->aid);
        o->has_action = false;
    }
    {
        GVariant *rv = g_variant_ref_sink(g_variant_dict_end(&d));
        vgl_replica_local_result(n->r, g_variant_ref(rv));
        queue_result(n, rv);
        g_variant_unref(rv);
    }
    if (o->interval == 0 || res->status == VGL_EXEC_CANCELLED || res->status == VGL_EXEC_ERROR ||
        res->status == VGL_EXEC_NOT_INSTALLED)
        g_hash_table_remove(n->ops, &res->token);
}

/* ------------------------------------------------------------- actions */

static GHashTable *params_table(GVariant *params)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GVariantIter it;
    const char *k, *v;

    if (params) {
        g_variant_iter_init(&it, params);
        while (g_variant_iter_next(&it, "{&s&s}", &k, &v))
            g_hash_table_insert(h, g_strdup(k), g_strdup(v));
    }
    return h;
}

static const char *dstr(GVariantDict *d, const char *key)
{
    const char *s = NULL;
    g_variant_dict_lookup(d, key, "&s", &s);
    return s ? s : "";
}

/* Report a result for an action that never reached an agent (refused,
 * a cancel, a fence device's pseudo-operation). */
static void report_now(vgl_runner *n, op_rec *o, int rc, vgl_exec_status status, const char *why)
{
    vgl_exec_result res = { 0 };
    uint64_t token = ++n->next_token;

    g_hash_table_insert(n->ops, g_memdup2(&token, sizeof(token)), o);
    res.token = token;
    res.rsc_id = o->rsc;
    res.action = o->op;
    res.rc = rc;
    res.status = status;
    res.interval_ms = o->interval;
    res.start_time = g_get_real_time() / G_USEC_PER_SEC;
    res.reason = why;
    on_exec_result(&res, n);
    g_hash_table_remove(n->ops, &token); /* one report only, even for an interval */
}

/* A fence device (class stonith) is not a process: "started" means this
 * node holds it ready, as Pacemaker's fencer registers a device.  A probe
 * answers whether it is started here; start checks that the fence agent
 * exists; monitors report success while it is started. */
static void run_device_action(vgl_runner *n, op_rec *o)
{
    bool started = g_hash_table_contains(n->devices, o->rsc);
    char *xml = NULL, *err = NULL;
    int rc = 0;

    if (strcmp(o->op, "start") == 0) {
        if (vgl_fencer_metadata(n->opts.fence_path, o->type, 10000, &xml, &err) != 0) {
            report_now(n, o, 5, VGL_EXEC_NOT_INSTALLED, err ? err : "fence agent not found");
            g_free(err);
            return;
        }
        g_free(xml);
        g_hash_table_add(n->devices, g_strdup(o->rsc));
    } else if (strcmp(o->op, "stop") == 0) {
        g_hash_table_remove(n->devices, o->rsc);
    } else if (strcmp(o->op, "monitor") == 0) {
        rc = started ? 0 : 7;
    }
    report_now(n, o, rc, VGL_EXEC_DONE, "");
}

static void run_resource_action(vgl_runner *n, uint64_t tid, uint32_t aid, GVariantDict *d,
                                const char *kind)
{
    op_rec *o = g_new0(op_rec, 1);
    vgl_exec_request req = { 0 };
    GVariant *params = g_variant_dict_lookup_value(d, "params", G_VARIANT_TYPE("a{ss}"));
    GHashTable *ptab = params_table(params);
    uint64_t token = ++n->next_token, call = 0;
    gint32 check = 0, expected = 0;
    guint32 timeout = 0;
    char *err = NULL;
    int rc;

    o->tid = tid;
    o->aid = aid;
    o->has_action = true;
    o->rsc = g_strdup(dstr(d, "rsc"));
    o->klass = g_strdup(dstr(d, "class"));
    o->provider = g_strdup(dstr(d, "provider"));
    o->type = g_strdup(dstr(d, "type"));
    o->op = g_strdup(dstr(d, "op"));
    o->digest = g_strdup(dstr(d, "digest"));
    g_variant_dict_lookup(d, "interval", "u", &o->interval);
    g_variant_dict_lookup(d, "expected", "i", &expected);
    g_variant_dict_lookup(d, "check_level", "i", &check);
    g_variant_dict_lookup(d, "timeout", "u", &timeout);
    o->expected = expected;
    if (strcmp(kind, "cancel") == 0) {
        vgl_exec_cancel(n->exec, o->rsc, "monitor", o->interval);
        report_now(n, o, 0, VGL_EXEC_CANCELLED, "");
        goto done;
    }
    if (strcmp(o->klass, "stonith") == 0) {
        run_device_action(n, o);
        goto done;
    }
    req.rsc_id = o->rsc;
    req.rsc_class = o->klass;
    req.provider = *o->provider ? o->provider : NULL;
    req.type = o->type;
    req.action = o->op;
    req.interval_ms = o->interval;
    req.timeout_ms = timeout;
    req.params = ptab;
    req.check_level = check;
    req.expected_rc = expected;
    req.token = token;
    g_hash_table_insert(n->ops, g_memdup2(&token, sizeof(token)), o);
    rc = vgl_exec_submit(n->exec, &req, &call, &err);
    if (rc != 0) {
        g_hash_table_steal(n->ops, &token);
        qb_log(LOG_ERR, "%s: %s refused by the executor: %s", o->rsc, o->op, err ? err : vgl_strerror(rc));
        report_now(n, o, 1, VGL_EXEC_ERROR, err ? err : vgl_strerror(rc));
    }
done:
    g_free(err);
    g_hash_table_unref(ptab);
    if (params)
        g_variant_unref(params);
}

/* Run an action for our own housekeeping: not recorded, only logged.
 * Takes params. */
static void submit_silent(vgl_runner *n, const char *rsc, const char *provider, const char *type,
                          const char *action, GHashTable *params)
{
    op_rec *o = g_new0(op_rec, 1);
    vgl_exec_request req = { 0 };
    uint64_t token = ++n->next_token, call = 0;
    char *err = NULL;

    o->silent = true;
    o->rsc = g_strdup(rsc);
    o->klass = g_strdup("ocf");
    o->provider = g_strdup(provider);
    o->type = g_strdup(type);
    o->op = g_strdup(action);
    o->digest = g_strdup("");
    req.rsc_id = rsc;
    req.rsc_class = "ocf";
    req.provider = provider;
    req.type = type;
    req.action = action;
    req.params = params;
    req.token = token;
    g_hash_table_insert(n->ops, g_memdup2(&token, sizeof(token)), o);
    if (vgl_exec_submit(n->exec, &req, &call, &err) != 0) {
        qb_log(LOG_WARNING, "%s: %s refused: %s", rsc, action, err ? err : "?");
        g_hash_table_remove(n->ops, &token);
    }
    g_free(err);
    g_hash_table_unref(params);
}

/* ------------------------------------------------------------- fencing */

typedef struct fence_job {
    vgl_runner *n;
    uint64_t tid;
    uint32_t aid;
    bool manual;
    char *target, *action, *origin;
} fence_job;

static void fence_done(const vgl_fencer_result *res, void *ud)
{
    fence_job *j = ud;
    vgl_runner *n = j->n;
    vgl_msg *m = vgl_msg_begin(VGL_MSG_FENCE_RESULT);

    n->fencing--;
    n->fence_jobs = g_list_remove(n->fence_jobs, j);
    qb_log(res->ok ? LOG_NOTICE : LOG_ERR, "fence: %s of %s %s%s%s", j->action, j->target,
           res->ok ? "succeeded" : "failed", res->reason ? ": " : "", res->reason ? res->reason : "");
    g_variant_dict_insert(m->fields, "target", "s", j->target);
    g_variant_dict_insert(m->fields, "action", "s", j->action);
    g_variant_dict_insert(m->fields, "origin", "s", j->origin);
    g_variant_dict_insert(m->fields, "ok", "b", (gboolean)res->ok);
    g_variant_dict_insert(m->fields, "rc", "i", (gint32)res->rc);
    g_variant_dict_insert(m->fields, "reason", "s", res->reason ? res->reason : "");
    g_variant_dict_insert(m->fields, "time", "x", (gint64)(g_get_real_time() / G_USEC_PER_SEC));
    if (!j->manual) {
        g_variant_dict_insert(m->fields, "transition", "t", (guint64)j->tid);
        g_variant_dict_insert(m->fields, "action_id", "u", j->aid);
    }
    vgl_replica_send(n->r, m);
    g_free(j->target);
    g_free(j->action);
    g_free(j->origin);
    g_free(j);
}

static void run_fence(vgl_runner *n, uint64_t tid, uint32_t aid, GVariantDict *d)
{
    fence_job *j = g_new0(fence_job, 1);
    const char *origin = NULL;
    vgl_fencer_result res = { 0 };
    int rc;

    j->n = n;
    j->tid = tid;
    j->aid = aid;
    j->target = g_strdup(dstr(d, "node"));
    j->action = g_strdup(*dstr(d, "fence_action") ? dstr(d, "fence_action") : "reboot");
    j->manual = g_variant_dict_lookup(d, "origin", "&s", &origin);
    j->origin = g_strdup(origin ? origin : vgl_replica_my_name(n->r));
    n->fencing++;
    n->fence_jobs = g_list_prepend(n->fence_jobs, j);
    if (strcmp(j->target, vgl_replica_my_name(n->r)) == 0) {
        res.ok = false;
        res.rc = 1;
        res.reason = "a node does not fence itself; another member must";
        fence_done(&res, j);
        return;
    }
    rc = vgl_fencer_fence_cib(n->fencer, vgl_replica_cib(n->r), j->target, j->action, fence_done, j);
    if (rc != 0) {
        res.ok = false;
        res.rc = 1;
        res.reason = vgl_strerror(rc);
        fence_done(&res, j);
    }
}

void vgl_runner_dispatched(vgl_runner *n, uint64_t tid, GVariant *action)
{
    GVariantDict d;
    const char *executor = NULL, *kind = NULL;
    guint32 aid = 0;

    g_variant_dict_init(&d, action);
    g_variant_dict_lookup(&d, "executor", "&s", &executor);
    g_variant_dict_lookup(&d, "kind", "&s", &kind);
    g_variant_dict_lookup(&d, "id", "u", &aid);
    if (executor && kind && strcmp(executor, vgl_replica_my_name(n->r)) == 0) {
        if (strcmp(kind, "fence") == 0)
            run_fence(n, tid, aid, &d);
        else
            run_resource_action(n, tid, aid, &d, kind);
    }
    g_variant_dict_clear(&d);
}

/* ------------------------------------------------------- re-announce */

static bool is_el(const xmlNode *x, const char *name)
{
    return x->type == XML_ELEMENT_NODE && strcmp((const char *)x->name, name) == 0;
}

/* The plain instance attributes of a primitive (no rules). */
static GHashTable *primitive_params(const xmlNode *prim)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    for (const xmlNode *ia = prim->children; ia; ia = ia->next) {
        if (!is_el(ia, "instance_attributes"))
            continue;
        for (const xmlNode *nv = ia->children; nv; nv = nv->next) {
            xmlChar *k, *v;
            if (!is_el(nv, "nvpair"))
                continue;
            k = xmlGetProp(nv, (const xmlChar *)"name");
            v = xmlGetProp(nv, (const xmlChar *)"value");
            if (k && v && !g_hash_table_contains(h, k))
                g_hash_table_insert(h, g_strdup((char *)k), g_strdup((char *)v));
            xmlFree(k);
            xmlFree(v);
        }
    }
    return h;
}

/* After a partition heals (or any view change that brought nodes in),
 * the holder of a virtual IP announces it again: during the split,
 * switches and clients may have learned another owner.  keepalived leaves
 * them wrong until the next gratuitous ARP; we send one at once. */
static void reannounce(vgl_runner *n)
{
    const char *me = vgl_replica_my_name(n->r);
    vgl_sched_view *v = vgl_replica_sched_view(n->r);
    vgl_transition *t = NULL;

    if (vgl_sched_run(vgl_cib_xml(vgl_replica_cib(n->r)), v, 0, &t) == 0) {
        for (size_t i = 0; i < vgl_transition_placement_count(t); i++) {
            const vgl_placement *p = vgl_transition_placement(t, i);
            const xmlNode *prim;
            bool here = false;
            for (size_t j = 0; j < vgl_placement_current_count(p); j++)
                here |= strcmp(vgl_placement_current(p, j), me) == 0;
            if (!here || g_strcmp0(vgl_placement_agent(p), "ocf:vigil:IPaddr") != 0)
                continue;
            prim = vgl_cib_find(vgl_replica_cib(n->r), vgl_placement_resource(p));
            if (prim)
                submit_silent(n, vgl_placement_resource(p), "vigil", "IPaddr", "reload",
                              primitive_params(prim));
        }
    }
    vgl_transition_free(t);
    vgl_sched_view_free(v);
}

/* ------------------------------------------------------------ in flight */

GVariant *vgl_runner_inflight(const vgl_runner *n)
{
    GVariantBuilder b;
    GHashTableIter it;
    gpointer k, v;

    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    g_hash_table_iter_init(&it, n->ops);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        op_rec *o = v;
        GVariantDict d;
        if (!o->has_action)
            continue;
        g_variant_dict_init(&d, NULL);
        g_variant_dict_insert(&d, "transition", "t", (guint64)o->tid);
        g_variant_dict_insert(&d, "id", "u", o->aid);
        g_variant_dict_insert(&d, "kind", "s", o->op);
        g_variant_dict_insert(&d, "rsc", "s", o->rsc);
        g_variant_dict_insert(&d, "executor", "s", vgl_replica_my_name(n->r));
        g_variant_builder_add_value(&b, g_variant_dict_end(&d));
    }
    for (GList *l = n->fence_jobs; l; l = l->next) {
        const fence_job *j = l->data;
        GVariantDict d;
        if (j->manual)
            continue;
        g_variant_dict_init(&d, NULL);
        g_variant_dict_insert(&d, "transition", "t", (guint64)j->tid);
        g_variant_dict_insert(&d, "id", "u", j->aid);
        g_variant_dict_insert(&d, "kind", "s", "fence");
        g_variant_dict_insert(&d, "node", "s", j->target);
        g_variant_dict_insert(&d, "executor", "s", vgl_replica_my_name(n->r));
        g_variant_builder_add_value(&b, g_variant_dict_end(&d));
    }
    return g_variant_builder_end(&b);
}

/* ------------------------------------------------- shutdown, self-fence */

unsigned vgl_runner_busy(const vgl_runner *n)
{
    vgl_exec_stats st;
    vgl_exec_get_stats(n->exec, &st);
    return st.running + st.queued + n->fencing;
}

static bool nothing_here(vgl_runner *n)
{
    return vgl_replica_runs_nothing(n->r, vgl_replica_my_name(n->r));
}

static void self_fence(vgl_runner *n)
{
    qb_log(LOG_CRIT, "self-fence: %s lost quorum and still runs resources after %u ms",
           vgl_replica_my_name(n->r), n->opts.self_fence_ms);
    if (n->opts.self_fence_hook && *n->opts.self_fence_hook) {
        char *argv[] = { "/bin/sh", "-c", (char *)n->opts.self_fence_hook, NULL };
        GError *err = NULL;
        if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err)) {
            qb_log(LOG_CRIT, "self-fence: hook '%s' failed: %s", n->opts.self_fence_hook, err->message);
            g_error_free(err);
        }
    }
    if (n->watchdog_src) {
        /* Stop feeding the watchdog: the kernel resets the node. */
        g_source_remove(n->watchdog_src);
        n->watchdog_src = 0;
        qb_log(LOG_CRIT, "self-fence: no longer feeding %s", n->opts.watchdog);
    }
}

static gboolean self_fence_check(gpointer data)
{
    vgl_runner *n = data;
    bool current = false;
    bool q = vgl_replica_quorate(n->r, &current);

    n->self_fence_src = 0;
    if (!(q && current) && !nothing_here(n))
        self_fence(n);
    return G_SOURCE_REMOVE;
}

static gboolean feed_watchdog(gpointer data)
{
    vgl_runner *n = data;
    if (write(n->watchdog_fd, "\0", 1) < 0)
        qb_log(LOG_WARNING, "watchdog: feeding %s failed: %s", n->opts.watchdog, strerror(errno));
    return G_SOURCE_CONTINUE;
}

void vgl_runner_changed(vgl_runner *n, unsigned what)
{
    bool current = false;
    bool q = vgl_replica_quorate(n->r, &current);

    if ((what & VGL_CHG_ACTIVE) && vgl_replica_view_gained_members(n->r))
        reannounce(n);

    if (n->opts.self_fence_ms > 0) {
        if (!(q && current) && vgl_replica_is_active(n->r) && n->self_fence_src == 0)
            n->self_fence_src = g_timeout_add(n->opts.self_fence_ms, self_fence_check, n);
        else if (q && current && n->self_fence_src) {
            g_source_remove(n->self_fence_src);
            n->self_fence_src = 0;
        }
    }
    if (vgl_replica_is_leaving(n->r) && !n->shutdown_signalled && vgl_replica_is_active(n->r) &&
        vgl_runner_busy(n) == 0 && nothing_here(n)) {
        n->shutdown_signalled = true;
        qb_log(LOG_NOTICE, "shutdown: nothing runs on %s any more; leaving the cluster",
               vgl_replica_my_name(n->r));
        if (n->opts.shutdown_done)
            n->opts.shutdown_done(n->opts.ud);
    }
}

/* ---------------------------------------------------------- life cycle */

vgl_runner *vgl_runner_new(vgl_replica *r, const vgl_runner_opts *opts)
{
    vgl_runner *n = g_new0(vgl_runner, 1);

    n->r = r;
    n->opts = *opts;
    n->ops = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, op_free);
    n->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    n->exec = vgl_exec_new(opts->ocf_root, vgl_replica_my_name(r), on_exec_result, n);
    n->fencer = vgl_fencer_new(opts->fence_path);
    n->watchdog_fd = -1;
    if (opts->watchdog && *opts->watchdog) {
        n->watchdog_fd = open(opts->watchdog, O_WRONLY | O_CLOEXEC);
        if (n->watchdog_fd < 0)
            qb_log(LOG_ERR, "watchdog: cannot open %s: %s; self-fencing relies on the hook only",
                   opts->watchdog, strerror(errno));
        else
            n->watchdog_src = g_timeout_add_seconds(1, feed_watchdog, n);
    }
    return n;
}

void vgl_runner_free(vgl_runner *n)
{
    if (n == NULL)
        return;
    if (n->flush_src) {
        g_source_remove(n->flush_src);
        flush(n);
    }
    if (n->self_fence_src)
        g_source_remove(n->self_fence_src);
    if (n->watchdog_src)
        g_source_remove(n->watchdog_src);
    if (n->watchdog_fd >= 0) {
        /* Magic close: disarm on a clean exit. */
        if (write(n->watchdog_fd, "V", 1) < 0)
            qb_log(LOG_WARNING, "watchdog: could not disarm %s", n->opts.watchdog);
        close(n->watchdog_fd);
    }
    vgl_exec_free(n->exec);
    vgl_fencer_free(n->fencer);
    if (n->batch)
        g_variant_builder_unref(n->batch);
    g_hash_table_unref(n->ops);
    g_hash_table_unref(n->devices);
    g_free(n);
}
