/*
 * exec.c — the executor: runs OCF (and LSB) resource agents for the
 * coordinator, one operation at a time per resource.
 *
 * Workload: every action of every transition on this node, one probe per
 * configured resource at start-up (hundreds to thousands in a burst), and
 * recurring monitors forever (typically one per resource, every few
 * seconds).  Submitting is O(1) plus building the agent's environment;
 * the environment is built once per submission, so a recurring monitor
 * costs only a spawn per run.
 *
 * Structures: the executor holds a table of resources by id.  Each
 * resource has a FIFO of queued operations, at most one running, and the
 * list of its recurring operations.  A resource with work and no running
 * operation sits in the executor's `ready` queue until a slot is free
 * (max_concurrent).  An idle source (the "kick") starts ready resources
 * and reports cancelled operations, so that no callback ever runs inside
 * a call into this API.
 *
 * Where an operation is, at any time (exactly one of):
 *   queued    in its resource's FIFO
 *   running   rsc->running, with a child process
 *   waiting   recurring, between runs: op->timer armed
 *   cancelled in exec->cancelled, to be reported and freed by the kick
 * A recurring operation is also on rsc->recurring until it is cancelled.
 */
#include "config.h"

#include "exec.h"
#include "exec_internal.h"

#include <errno.h>
#include <qb/qblog.h>
#include <string.h>
#include <vigil/vigil.h>

#define EXEC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define EXEC_OUTPUT_LOG_LINES 20
#define EXEC_METADATA_TIMEOUT_MS 5000u
#define EXEC_REASON_PREFIX "ocf-exit-reason:"

typedef struct exec_rsc exec_rsc;

typedef struct exec_op {
    vgl_exec *exec;
    exec_rsc *rsc;
    uint64_t call_id;
    uint64_t token;
    char *action;
    char *path;          /* the agent */
    char **argv;
    char **envp;
    bool lsb;
    bool status_action;  /* lsb monitor → "status": its own exit codes */
    uint32_t interval_ms;
    uint32_t timeout_ms;
    int expected_rc;
    bool cancelled;
    guint timer;         /* recurring: the next run */
    bool reported;       /* recurring: something was reported already */
    int last_rc;
    vgl_exec_status last_status;
    int64_t queued_us;
    uint32_t queue_ms;   /* of the current run */
    vgl__exec_child *child;
} exec_op;

struct exec_rsc {
    char *id;
    GQueue queue;        /* exec_op*, FIFO */
    exec_op *running;
    GList *recurring;    /* exec_op* */
    unsigned cancelled;  /* of its ops on exec->cancelled */
    bool ready;          /* on exec->ready */
};

struct vgl_exec {
    char *ocf_root;
    char *lsb_dir;
    char *node_name;
    GHashTable *extra_env; /* name → value, from vgl_exec_set_env() */
    vgl_exec_result_fn cb;
    void *user_data;
    GHashTable *rscs;    /* id → exec_rsc*, owned */
    GQueue ready;        /* exec_rsc* */
    GQueue cancelled;    /* exec_op* */
    guint kick;
    uint64_t next_call_id;
    uint32_t max_concurrent;
    vgl_exec_stats stats;
};

/* ---- names and codes ---- */

const char *vgl_exec_status_str(vgl_exec_status status)
{
    static const char *const names[] = {
        [VGL_EXEC_DONE] = "done",
        [VGL_EXEC_TIMEOUT] = "timeout",
        [VGL_EXEC_NOT_INSTALLED] = "not installed",
        [VGL_EXEC_ERROR] = "error",
        [VGL_EXEC_CANCELLED] = "cancelled",
    };

    if ((unsigned) status < G_N_ELEMENTS(names)) {
        return names[status];
    }
    return "unknown";
}

const char *vgl_ocf_rc_str(int rc)
{
    static const char *const names[] = {
        "ok", "error", "args", "unimplemented", "perm", "not installed",
        "not configured", "not running", "promoted", "failed promoted",
    };

    if (rc >= 0 && rc < (int) G_N_ELEMENTS(names)) {
        return names[rc];
    }
    if (rc == VGL_OCF_DEGRADED) {
        return "degraded";
    }
    if (rc == VGL_OCF_DEGRADED_PROMOTED) {
        return "degraded promoted";
    }
    return "unknown";
}

int vgl_exec_ocf_rc(int exit_code)
{
    if ((exit_code >= 0 && exit_code <= 9) || exit_code == VGL_OCF_DEGRADED
        || exit_code == VGL_OCF_DEGRADED_PROMOTED) {
        return exit_code;
    }
    return VGL_OCF_ERR_GENERIC;
}

/* LSB "status" speaks its own codes: 0 running; 1 dead with a pid file,
 * 2 dead with a lock file, 3 not running; 4 unknown. */
static int lsb_status_rc(int exit_code)
{
    switch (exit_code) {
    case 0:
        return VGL_OCF_SUCCESS;
    case 1:
    case 2:
    case 3:
        return VGL_OCF_NOT_RUNNING;
    default:
        return VGL_OCF_ERR_GENERIC;
    }
}

/* ---- validation ---- */

static bool env_name_ok(const char *name)
{
    if (name == NULL || !(g_ascii_isalpha(name[0]) || name[0] == '_')) {
        return false;
    }
    for (const char *p = name; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-') {
            return false;
        }
    }
    return strlen(name) <= 128;
}

static bool action_ok(const char *action)
{
    size_t len = action != NULL ? strlen(action) : 0;

    if (len == 0 || len > 64) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isalnum(action[i]) && action[i] != '-' && action[i] != '_') {
            return false;
        }
    }
    return true;
}

/* A resource id shows up in logs, the environment and (later) the CIB:
 * printable, no '/', bounded. */
static bool rsc_id_ok(const char *id)
{
    size_t len = id != NULL ? strlen(id) : 0;

    if (len == 0 || len > 255) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char) id[i] < 0x21 || id[i] == 0x7f || id[i] == '/') {
            return false;
        }
    }
    return true;
}

static int check_table(GHashTable *table, const char *what, bool is_meta,
                       char **error)
{
    GHashTableIter it;
    gpointer k, v;

    if (table == NULL) {
        return 0;
    }
    if (g_hash_table_size(table) > VGL_EXEC_MAX_PARAMS) {
        *error = g_strdup_printf("too many %ss (%u, at most %u)", what,
                                 g_hash_table_size(table), VGL_EXEC_MAX_PARAMS);
        return VGL_E_LIMIT;
    }
    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        if (!env_name_ok(k) || (!is_meta && g_str_has_prefix(k, "CRM_meta_"))) {
            *error = g_strdup_printf("bad %s name '%s' (letters, digits, '_', '-';"
                                     " not CRM_meta_*)", what, k ? (char *) k : "(null)");
            return VGL_E_INVALID;
        }
        if (v == NULL || strlen(v) > VGL_EXEC_MAX_VALUE) {
            *error = g_strdup_printf("%s '%s': value %s", what, (char *) k,
                                     v == NULL ? "missing" : "longer than 4096 bytes");
            return v == NULL ? VGL_E_INVALID : VGL_E_LIMIT;
        }
    }
    return 0;
}

/* Class, provider and type → the agent's path.  [out] *path g_free()d by
 * the caller, NULL on failure. */
static int resolve_agent(const char *ocf_root, const char *lsb_dir,
                         const char *cls, const char *provider, const char *type,
                         char **path, char **error)
{
    *path = NULL;
    if (cls == NULL || type == NULL) {
        *error = g_strdup("class and type are required");
        return -EINVAL;
    }
    if (!vgl__exec_plain_name(type)) {
        *error = g_strdup_printf("bad agent type '%s': must be a plain file name", type);
        return VGL_E_INVALID;
    }
    if (strcmp(cls, "ocf") == 0) {
        if (provider == NULL || !vgl__exec_plain_name(provider)) {
            *error = g_strdup_printf("bad provider '%s': an ocf agent needs a plain"
                                     " provider name", provider ? provider : "(null)");
            return provider == NULL ? -EINVAL : VGL_E_INVALID;
        }
        *path = g_build_filename(ocf_root, "resource.d", provider, type, NULL);
        return 0;
    }
    if (strcmp(cls, "lsb") == 0) {
        if (provider != NULL && provider[0] != '\0') {
            *error = g_strdup_printf("class lsb takes no provider (got '%s')", provider);
            return VGL_E_INVALID;
        }
        *path = g_build_filename(lsb_dir, type, NULL);
        return 0;
    }
    *error = g_strdup_printf("resource class '%s' is not supported (ocf, lsb)", cls);
    return VGL_E_UNSUPPORTED;
}

static int check_request(const vgl_exec_request *req, char **error)
{
    int rc;

    if (req->rsc_id == NULL || req->action == NULL) {
        *error = g_strdup("resource id and action are required");
        return -EINVAL;
    }
    if (!rsc_id_ok(req->rsc_id)) {
        *error = g_strdup("bad resource id: 1-255 printable characters, no '/'");
        return VGL_E_INVALID;
    }
    if (!action_ok(req->action)) {
        *error = g_strdup_printf("%s: bad action name", req->rsc_id);
        return VGL_E_INVALID;
    }
    if (req->timeout_ms > VGL_EXEC_MAX_TIMEOUT_MS
        || req->interval_ms > VGL_EXEC_MAX_INTERVAL_MS) {
        *error = g_strdup_printf("%s: %s timeout %u ms / interval %u ms out of range"
                                 " (at most 24 h)", req->rsc_id, req->action,
                                 req->timeout_ms, req->interval_ms);
        return VGL_E_INVALID;
    }
    if (req->interval_ms > 0 && strcmp(req->action, "monitor") != 0) {
        *error = g_strdup_printf("%s: only monitor can recur (got %s every %u ms)",
                                 req->rsc_id, req->action, req->interval_ms);
        return VGL_E_INVALID;
    }
    if (req->check_level < 0 || req->check_level > 1000 || req->expected_rc < 0
        || req->expected_rc > 255) {
        *error = g_strdup_printf("%s: check level %d or expected rc %d out of range",
                                 req->rsc_id, req->check_level, req->expected_rc);
        return VGL_E_INVALID;
    }
    rc = check_table(req->params, "parameter", false, error);
    if (rc == 0) {
        rc = check_table(req->meta, "meta attribute", true, error);
    }
    return rc;
}

/* ---- the agent's environment ---- */

static void env_add(GPtrArray *env, const char *name, const char *value)
{
    g_ptr_array_add(env, g_strconcat(name, "=", value, NULL));
}

/* OCF_RESKEY_<prefix><key>=value for each entry (just <key>=value when
 * prefix is NULL), keys sorted so that the environment is the same on
 * every run and in every test. */
static void env_add_table(GPtrArray *env, GHashTable *table, const char *prefix,
                          bool is_meta)
{
    GList *keys;

    if (table == NULL) {
        return;
    }
    keys = g_list_sort(g_hash_table_get_keys(table), (GCompareFunc) strcmp);
    for (GList *l = keys; l != NULL; l = l->next) {
        char *name = prefix != NULL ? g_strconcat("OCF_RESKEY_", prefix, l->data, NULL)
                                    : g_strdup(l->data);
        /* Pacemaker spells meta names with '_' in the environment
         * (on-fail → CRM_meta_on_fail). */
        if (is_meta) {
            g_strdelimit(name, "-", '_');
        }
        if (!is_meta || (strcmp(l->data, "timeout") != 0
                         && strcmp(l->data, "interval") != 0
                         && strcmp(l->data, "on_node") != 0)) {
            env_add(env, name, g_hash_table_lookup(table, l->data));
        }
        g_free(name);
    }
    g_list_free(keys);
}

static void env_add_uint(GPtrArray *env, const char *name, uint64_t value)
{
    char buf[24];

    g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT, value);
    env_add(env, name, buf);
}

static char **build_env(const vgl_exec *exec, const vgl_exec_request *req,
                        uint32_t timeout_ms)
{
    GPtrArray *env = g_ptr_array_new();

    env_add(env, "PATH", EXEC_PATH);
    if (strcmp(req->rsc_class, "ocf") == 0) {
        if (exec->extra_env != NULL) {
            env_add_table(env, exec->extra_env, NULL, false);
        }
        env_add(env, "OCF_ROOT", exec->ocf_root);
        env_add(env, "OCF_RA_VERSION_MAJOR", "1");
        env_add(env, "OCF_RA_VERSION_MINOR", "1");
        env_add(env, "OCF_RESOURCE_INSTANCE", req->rsc_id);
        env_add(env, "OCF_RESOURCE_TYPE", req->type);
        env_add(env, "OCF_RESOURCE_PROVIDER", req->provider);
        env_add_uint(env, "OCF_CHECK_LEVEL", (uint64_t) req->check_level);
        env_add_table(env, req->params, "", false);
        env_add_table(env, req->meta, "CRM_meta_", true);
        env_add_uint(env, "OCF_RESKEY_CRM_meta_timeout", timeout_ms);
        env_add_uint(env, "OCF_RESKEY_CRM_meta_interval", req->interval_ms);
        env_add(env, "OCF_RESKEY_CRM_meta_on_node", exec->node_name);
    }
    g_ptr_array_add(env, NULL);
    return (char **) g_ptr_array_free(env, FALSE);
}

/* ---- operations and resources ---- */

static void op_free(exec_op *op)
{
    if (op == NULL) {
        return;
    }
    if (op->timer != 0) {
        g_source_remove(op->timer);
    }
    if (op->child != NULL) {
        vgl__exec_child_abort(op->child);
    }
    g_free(op->action);
    g_free(op->path);
    g_strfreev(op->argv);
    g_strfreev(op->envp);
    g_free(op);
}

static exec_rsc *rsc_get(vgl_exec *exec, const char *id)
{
    exec_rsc *rsc = g_hash_table_lookup(exec->rscs, id);

    if (rsc == NULL) {
        rsc = g_new0(exec_rsc, 1);
        rsc->id = g_strdup(id);
        g_queue_init(&rsc->queue);
        g_hash_table_insert(exec->rscs, rsc->id, rsc);
    }
    return rsc;
}

/* Drop a resource with nothing left to do (keeps the table small). */
static void rsc_maybe_forget(vgl_exec *exec, exec_rsc *rsc)
{
    if (rsc->running == NULL && rsc->recurring == NULL && g_queue_is_empty(&rsc->queue)
        && !rsc->ready && rsc->cancelled == 0) {
        g_hash_table_remove(exec->rscs, rsc->id);
    }
}

static void rsc_destroy(gpointer data)
{
    exec_rsc *rsc = data;
    exec_op *op;

    /* Queued one-shots are only on the queue; recurring ones are freed
     * through rsc->recurring; a running one-shot, or a running recurring
     * one already cancelled (off rsc->recurring), only in rsc->running. */
    while ((op = g_queue_pop_head(&rsc->queue)) != NULL) {
        if (op->interval_ms == 0) {
            op_free(op);
        }
    }
    if (rsc->running != NULL && (rsc->running->interval_ms == 0 || rsc->running->cancelled)) {
        op_free(rsc->running);
    }
    g_list_free_full(rsc->recurring, (GDestroyNotify) op_free);
    g_free(rsc->id);
    g_free(rsc);
}

static gboolean exec_dispatch(gpointer data);

static void exec_kick(vgl_exec *exec)
{
    if (exec->kick == 0) {
        /* Default priority, not idle: a main loop busy with messages
         * must not starve the agents. */
        exec->kick = g_idle_add_full(G_PRIORITY_DEFAULT, exec_dispatch, exec, NULL);
    }
}

static void rsc_mark_ready(vgl_exec *exec, exec_rsc *rsc)
{
    if (!rsc->ready && rsc->running == NULL && !g_queue_is_empty(&rsc->queue)) {
        rsc->ready = true;
        g_queue_push_tail(&exec->ready, rsc);
        exec_kick(exec);
    }
}

static void op_enqueue(exec_op *op)
{
    op->queued_us = g_get_monotonic_time();
    g_queue_push_tail(&op->rsc->queue, op);
    op->exec->stats.queued++;
    rsc_mark_ready(op->exec, op->rsc);
}

/* Take op out of wherever it is (queue, timer, recurring list) and put it
 * on the cancelled list; a running op is only marked. */
static void op_cancel(vgl_exec *exec, exec_op *op)
{
    exec_rsc *rsc = op->rsc;

    if (op->cancelled) {
        return;
    }
    op->cancelled = true;
    if (op->interval_ms > 0) {
        rsc->recurring = g_list_remove(rsc->recurring, op);
        exec->stats.recurring--;
    }
    if (op->timer != 0) {
        g_source_remove(op->timer);
        op->timer = 0;
    }
    if (rsc->running == op) {
        return;
    }
    if (g_queue_remove(&rsc->queue, op)) {
        exec->stats.queued--;
        /* Nothing left to start: out of the ready queue, or the kick
         * would find an empty resource there. */
        if (rsc->ready && g_queue_is_empty(&rsc->queue)) {
            g_queue_remove(&exec->ready, rsc);
            rsc->ready = false;
        }
    }
    g_queue_push_tail(&exec->cancelled, op);
    rsc->cancelled++;
    exec_kick(exec);
}

static int cancel_matching(vgl_exec *exec, exec_rsc *rsc, const char *action,
                           uint32_t interval_ms)
{
    GList *victims = NULL;
    int n = 0;

    for (GList *l = rsc->recurring; l != NULL; l = l->next) {
        exec_op *op = l->data;
        if ((action == NULL || strcmp(op->action, action) == 0)
            && (action == NULL || op->interval_ms == interval_ms)) {
            victims = g_list_prepend(victims, op);
        }
    }
    if (action != NULL && interval_ms == 0) {
        for (GList *l = rsc->queue.head; l != NULL; l = l->next) {
            exec_op *op = l->data;
            if (op->interval_ms == 0 && strcmp(op->action, action) == 0) {
                victims = g_list_prepend(victims, op);
            }
        }
    }
    for (GList *l = victims; l != NULL; l = l->next, n++) {
        op_cancel(exec, l->data);
    }
    g_list_free(victims);
    return n;
}

/* ---- results ---- */

static bool is_state_change(const char *action)
{
    return strcmp(action, "start") == 0 || strcmp(action, "stop") == 0
           || strcmp(action, "promote") == 0 || strcmp(action, "demote") == 0
           || g_str_has_prefix(action, "migrate_");
}

static int result_log_level(const exec_op *op, vgl_exec_status status, int rc)
{
    bool stop = strcmp(op->action, "stop") == 0;

    if (status == VGL_EXEC_CANCELLED) {
        return LOG_INFO;
    }
    if (status == VGL_EXEC_DONE && rc == op->expected_rc) {
        return is_state_change(op->action) ? LOG_NOTICE : LOG_INFO;
    }
    /* A stop that fails cannot be recovered here: the node gets fenced. */
    return stop ? LOG_ERR : LOG_WARNING;
}

static void log_output(const exec_op *op, const char *stream, const char *text,
                       int level)
{
    char **lines;
    int n = 0;

    if (text == NULL || text[0] == '\0') {
        return;
    }
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l != NULL && n < EXEC_OUTPUT_LOG_LINES; l++) {
        if ((*l)[0] != '\0') {
            qb_log(level, "%s: %s %s: %s", op->rsc->id, op->action, stream, *l);
            n++;
        }
    }
    g_strfreev(lines);
}

static void log_result(const exec_op *op, const vgl_exec_result *res, bool reported)
{
    int level = result_log_level(op, res->status, res->rc);
    char interval[32] = "";
    bool ok = level == LOG_NOTICE || level == LOG_INFO;

    if (!reported) {
        level = LOG_DEBUG;
    }
    if (op->interval_ms > 0) {
        g_snprintf(interval, sizeof(interval), " (every %u ms)", op->interval_ms);
    }
    if (res->status == VGL_EXEC_DONE) {
        qb_log(level, "%s: %s%s on %s %s (rc %d, %u ms)%s%s", res->rsc_id, op->action,
               interval, op->exec->node_name, vgl_ocf_rc_str(res->rc), res->rc,
               res->exec_ms, ok || res->reason[0] == '\0' ? "" : ": ",
               ok ? "" : res->reason);
    } else {
        qb_log(level, "%s: %s%s on %s %s (%u ms)%s%s", res->rsc_id, op->action,
               interval, op->exec->node_name, vgl_exec_status_str(res->status),
               res->exec_ms, res->reason[0] == '\0' ? "" : ": ", res->reason);
    }
    log_output(op, "stderr", res->errors, ok || !reported ? LOG_DEBUG : LOG_WARNING);
    log_output(op, "stdout", res->output, LOG_DEBUG);
}

static void op_report(exec_op *op, vgl_exec_result *res)
{
    res->token = op->token;
    res->call_id = op->call_id;
    res->rsc_id = op->rsc->id;
    res->action = op->action;
    res->interval_ms = op->interval_ms;
    res->expected_rc = op->expected_rc;
    op->exec->stats.reported++;
    op->exec->cb(res, op->exec->user_data);
}

static void report_cancelled(exec_op *op)
{
    vgl_exec_result res = {
        .rc = VGL_OCF_ERR_GENERIC,
        .status = VGL_EXEC_CANCELLED,
        .output = "",
        .errors = "",
        .reason = "cancelled",
    };

    qb_log(LOG_INFO, "%s: %s (interval %u ms) cancelled", op->rsc->id, op->action,
           op->interval_ms);
    op_report(op, &res);
}

static gboolean op_timer_fired(gpointer data)
{
    exec_op *op = data;

    op->timer = 0;
    op_enqueue(op);
    return G_SOURCE_REMOVE;
}

/* A run is over: account, log, re-arm a recurring op, report, and let
 * the resource (and, with a cap, everyone) move on.  Touches nothing of
 * op after the callback unless op is a one-shot it still owns. */
static void op_finished(exec_op *op, vgl_exec_result *res)
{
    vgl_exec *exec = op->exec;
    exec_rsc *rsc = op->rsc;
    bool report = true;
    bool owned = op->interval_ms == 0 || op->cancelled;

    exec->stats.running--;
    exec->stats.by_status[res->status]++;
    exec->stats.exec_ms_total += res->exec_ms;
    exec->stats.exec_ms_max = MAX(exec->stats.exec_ms_max, res->exec_ms);
    rsc->running = NULL;
    res->queue_ms = op->queue_ms;
    if (op->cancelled) {
        res->status = VGL_EXEC_CANCELLED;
        res->rc = VGL_OCF_ERR_GENERIC;
    } else if (op->interval_ms > 0) {
        report = !op->reported || op->last_rc != res->rc || op->last_status != res->status;
        op->reported = true;
        op->last_rc = res->rc;
        op->last_status = res->status;
        op->timer = g_timeout_add(op->interval_ms, op_timer_fired, op);
    }
    res->rsc_id = rsc->id;
    log_result(op, res, report);
    rsc_mark_ready(exec, rsc);
    exec_kick(exec);
    if (report) {
        op_report(op, res);
    }
    if (owned) {
        op_free(op);
    }
    rsc_maybe_forget(exec, rsc);
}

/* The text of the last "ocf-exit-reason:" line on stderr (what
 * ocf_exit_reason prints), control characters replaced; NULL if none. */
static char *ocf_exit_reason(const char *err)
{
    const char *line = NULL;
    char *reason;

    for (const char *p = err; p != NULL && *p != '\0';) {
        if (g_str_has_prefix(p, EXEC_REASON_PREFIX)) {
            line = p + strlen(EXEC_REASON_PREFIX);
        }
        p = strchr(p, '\n');
        p = p != NULL ? p + 1 : NULL;
    }
    if (line == NULL) {
        return NULL;
    }
    reason = g_strndup(line, MIN(strcspn(line, "\n"), (size_t) VGL__EXEC_TAIL_MAX));
    for (char *c = reason; *c != '\0'; c++) {
        if ((unsigned char) *c < 0x20 || *c == 0x7f) {
            *c = ' ';
        }
    }
    return reason;
}

/* The reason of a finished run: the agent's exit reason if it gave one;
 * else, when the answer was not the expected one, its last line of
 * output; else nothing. */
static char *run_reason(const exec_op *op, const vgl__exec_child_result *cres, int rc)
{
    char *reason = ocf_exit_reason(cres->err);

    if (reason != NULL) {
        return reason;
    }
    if (cres->end == VGL__EXEC_CHILD_EXITED && rc == op->expected_rc) {
        return g_strdup("");
    }
    return vgl__exec_child_tail(cres);
}

static void op_child_done(const vgl__exec_child_result *cres, void *data)
{
    exec_op *op = data;
    int rc = op->status_action ? lsb_status_rc(cres->code) : vgl_exec_ocf_rc(cres->code);
    char *tail = run_reason(op, cres, rc);
    vgl_exec_result res = {
        .rc = VGL_OCF_ERR_GENERIC,
        .start_time = cres->start_wall,
        .exec_ms = (uint32_t) MIN(cres->exec_ms, (int64_t) UINT32_MAX),
        .output = cres->out,
        .errors = cres->err,
        .reason = tail,
    };
    char *why = NULL;

    op->child = NULL;
    switch (cres->end) {
    case VGL__EXEC_CHILD_EXITED:
        res.status = VGL_EXEC_DONE;
        res.rc = rc;
        break;
    case VGL__EXEC_CHILD_TIMEOUT:
        res.status = VGL_EXEC_TIMEOUT;
        why = g_strdup_printf("timed out after %u ms%s%s", op->timeout_ms,
                              tail[0] != '\0' ? ": " : "", tail);
        break;
    default:
        res.status = VGL_EXEC_ERROR;
        why = g_strdup_printf("killed by signal %d (%s)%s%s", cres->code,
                              g_strsignal(cres->code), tail[0] != '\0' ? ": " : "", tail);
        break;
    }
    if (why != NULL) {
        res.reason = why;
    }
    op_finished(op, &res);
    g_free(why);
    g_free(tail);
}

/* Report without running: the agent is missing, or the spawn failed. */
static void op_fail_early(exec_op *op, int err)
{
    bool missing = err == -ENOENT || err == -EACCES || err == -ENOTDIR;
    char *why = g_strdup_printf("%s: %s", op->path, g_strerror(-err));
    vgl_exec_result res = {
        .rc = missing ? VGL_OCF_ERR_INSTALLED : VGL_OCF_ERR_GENERIC,
        .status = missing ? VGL_EXEC_NOT_INSTALLED : VGL_EXEC_ERROR,
        .start_time = g_get_real_time() / G_USEC_PER_SEC,
        .output = "",
        .errors = "",
        .reason = why,
    };

    op_finished(op, &res);
    g_free(why);
}

static void op_start(vgl_exec *exec, exec_op *op)
{
    vgl__exec_child_spec spec = {
        .path = op->path,
        .argv = op->argv,
        .envp = op->envp,
        .timeout_ms = op->timeout_ms,
    };
    int64_t waited = (g_get_monotonic_time() - op->queued_us) / 1000;
    int rc;

    op->rsc->running = op;
    exec->stats.queued--;
    exec->stats.running++;
    exec->stats.running_max = MAX(exec->stats.running_max, exec->stats.running);
    op->queue_ms = (uint32_t) MIN(waited, UINT32_MAX);
    exec->stats.queue_ms_max = MAX(exec->stats.queue_ms_max, op->queue_ms);
    exec->stats.runs++;
    rc = vgl__exec_check_executable(op->path);
    if (rc == 0) {
        rc = vgl__exec_child_spawn(NULL, &spec, op_child_done, op, &op->child);
    }
    if (rc < 0) {
        op_fail_early(op, rc);
    }
}

static bool slot_free(const vgl_exec *exec)
{
    return exec->max_concurrent == 0 || exec->stats.running < exec->max_concurrent;
}

static gboolean exec_dispatch(gpointer data)
{
    vgl_exec *exec = data;
    exec_op *op;
    exec_rsc *rsc;

    exec->kick = 0;
    while ((op = g_queue_pop_head(&exec->cancelled)) != NULL) {
        rsc = op->rsc;
        report_cancelled(op);
        op_free(op);
        rsc->cancelled--;
        rsc_maybe_forget(exec, rsc);
    }
    while (slot_free(exec) && (rsc = g_queue_pop_head(&exec->ready)) != NULL) {
        rsc->ready = false;
        op = g_queue_pop_head(&rsc->queue);
        if (ALWAYS(op != NULL && rsc->running == NULL)) {
            op_start(exec, op);
        }
    }
    return G_SOURCE_REMOVE;
}

/* ---- the public API ---- */

vgl_exec *vgl_exec_new(const char *ocf_root, const char *node_name,
                       vgl_exec_result_fn cb, void *user_data)
{
    vgl_exec *exec;

    if (ocf_root == NULL) {
        ocf_root = VGL_OCF_ROOT_DEFAULT;
    }
    if (node_name == NULL || node_name[0] == '\0' || cb == NULL || ocf_root[0] != '/') {
        qb_log(LOG_ERR, "exec: cannot create the executor: %s",
               ocf_root[0] != '/' ? "OCF root must be an absolute path"
                                  : "node name and result callback are required");
        return NULL;
    }
    exec = g_new0(vgl_exec, 1);
    exec->ocf_root = g_strdup(ocf_root);
    exec->lsb_dir = g_strdup("/etc/init.d");
    exec->node_name = g_strdup(node_name);
    exec->cb = cb;
    exec->user_data = user_data;
    exec->rscs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, rsc_destroy);
    g_queue_init(&exec->ready);
    g_queue_init(&exec->cancelled);
    exec->next_call_id = 1;
    return exec;
}

void vgl_exec_free(vgl_exec *exec)
{
    if (exec == NULL) {
        return;
    }
    if (exec->kick != 0) {
        g_source_remove(exec->kick);
    }
    g_queue_clear_full(&exec->cancelled, (GDestroyNotify) op_free);
    g_queue_clear(&exec->ready);
    /* rsc_destroy aborts running agents (op_free kills their group). */
    g_hash_table_destroy(exec->rscs);
    g_free(exec->ocf_root);
    g_free(exec->lsb_dir);
    g_free(exec->node_name);
    if (exec->extra_env != NULL) {
        g_hash_table_destroy(exec->extra_env);
    }
    g_free(exec);
}

int vgl_exec_set_lsb_dir(vgl_exec *exec, const char *dir)
{
    if (exec == NULL || dir == NULL || dir[0] != '/') {
        return -EINVAL;
    }
    g_free(exec->lsb_dir);
    exec->lsb_dir = g_strdup(dir);
    return 0;
}

int vgl_exec_set_env(vgl_exec *exec, const char *name, const char *value)
{
    if (exec == NULL || !env_name_ok(name) || strchr(name, '-') != NULL
        || g_str_has_prefix(name, "OCF_") || strcmp(name, "PATH") == 0
        || (value != NULL && strlen(value) > VGL_EXEC_MAX_VALUE)) {
        return -EINVAL;
    }
    if (exec->extra_env == NULL) {
        exec->extra_env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    }
    if (value == NULL) {
        g_hash_table_remove(exec->extra_env, name);
    } else {
        g_hash_table_insert(exec->extra_env, g_strdup(name), g_strdup(value));
    }
    return 0;
}

int vgl_exec_set_max_concurrent(vgl_exec *exec, uint32_t max)
{
    if (exec == NULL) {
        return -EINVAL;
    }
    exec->max_concurrent = max;
    exec_kick(exec);
    return 0;
}

static exec_op *op_new(vgl_exec *exec, const vgl_exec_request *req, char *path)
{
    exec_op *op = g_new0(exec_op, 1);
    bool lsb = strcmp(req->rsc_class, "lsb") == 0;
    const char *argv1 = req->action;

    op->exec = exec;
    op->call_id = exec->next_call_id++;
    op->token = req->token;
    op->action = g_strdup(req->action);
    op->path = path;
    op->lsb = lsb;
    op->status_action = lsb && strcmp(req->action, "monitor") == 0;
    if (op->status_action) {
        argv1 = "status";
    }
    op->argv = g_new0(char *, 3);
    op->argv[0] = g_strdup(path);
    op->argv[1] = g_strdup(argv1);
    op->interval_ms = req->interval_ms;
    op->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : VGL_EXEC_DEFAULT_TIMEOUT_MS;
    op->expected_rc = req->expected_rc;
    op->envp = build_env(exec, req, op->timeout_ms);
    return op;
}

int vgl_exec_submit(vgl_exec *exec, const vgl_exec_request *req,
                    uint64_t *call_id, char **error)
{
    char *why = NULL, *path = NULL;
    exec_op *op;
    int rc;

    if (call_id != NULL) {
        *call_id = 0;
    }
    if (exec == NULL || req == NULL) {
        why = g_strdup("no executor or no request");
        rc = -EINVAL;
        goto done;
    }
    rc = check_request(req, &why);
    if (rc == 0) {
        rc = resolve_agent(exec->ocf_root, exec->lsb_dir, req->rsc_class, req->provider,
                           req->type, &path, &why);
    }
    if (rc == 0 && strcmp(req->rsc_class, "lsb") == 0
        && strcmp(req->action, "meta-data") == 0) {
        why = g_strdup_printf("%s: lsb agents have no meta-data", req->rsc_id);
        rc = VGL_E_UNSUPPORTED;
    }
    if (rc < 0) {
        g_free(path);
        goto done;
    }
    op = op_new(exec, req, path);
    op->rsc = rsc_get(exec, req->rsc_id);
    if (strcmp(req->action, "stop") == 0) {
        cancel_matching(exec, op->rsc, NULL, 0);
    }
    if (op->interval_ms > 0) {
        cancel_matching(exec, op->rsc, op->action, op->interval_ms);
        op->rsc->recurring = g_list_append(op->rsc->recurring, op);
        exec->stats.recurring++;
    }
    exec->stats.submitted++;
    if (call_id != NULL) {
        *call_id = op->call_id;
    }
    qb_log(LOG_DEBUG, "%s: %s (interval %u ms, timeout %u ms) queued as call %" G_GUINT64_FORMAT,
           req->rsc_id, req->action, op->interval_ms, op->timeout_ms, op->call_id);
    op_enqueue(op);
done:
    if (rc < 0) {
        qb_log(LOG_WARNING, "exec: refused an operation: %s", why);
    }
    vgl__exec_give_error(error, why);
    return rc;
}

int vgl_exec_cancel(vgl_exec *exec, const char *rsc_id, const char *action,
                    uint32_t interval_ms)
{
    exec_rsc *rsc;

    if (exec == NULL || rsc_id == NULL || action == NULL) {
        return -EINVAL;
    }
    rsc = g_hash_table_lookup(exec->rscs, rsc_id);
    return rsc != NULL ? cancel_matching(exec, rsc, action, interval_ms) : 0;
}

int vgl_exec_cancel_rsc(vgl_exec *exec, const char *rsc_id)
{
    exec_rsc *rsc;

    if (exec == NULL || rsc_id == NULL) {
        return -EINVAL;
    }
    rsc = g_hash_table_lookup(exec->rscs, rsc_id);
    return rsc != NULL ? cancel_matching(exec, rsc, NULL, 0) : 0;
}

void vgl_exec_get_stats(const vgl_exec *exec, vgl_exec_stats *stats)
{
    if (stats == NULL) {
        return;
    }
    if (exec == NULL) {
        memset(stats, 0, sizeof(*stats));
        return;
    }
    *stats = exec->stats;
}

/* ---- synchronous meta-data ---- */

static int metadata_verdict(const vgl__exec_child_capture *run, const char *type, char **why)
{
    switch (run->end) {
    case VGL__EXEC_CHILD_EXITED:
        if (run->code != 0) {
            *why = g_strdup_printf("%s meta-data: exit %d: %s", type, run->code, run->tail);
            return VGL_E_INVALID;
        }
        if (strstr(run->out, "<resource-agent") == NULL) {
            *why = g_strdup_printf("%s meta-data: output has no <resource-agent>", type);
            return VGL_E_PARSE;
        }
        return 0;
    case VGL__EXEC_CHILD_TIMEOUT:
        *why = g_strdup_printf("%s meta-data: timed out", type);
        return VGL_E_TIMEOUT;
    default:
        *why = g_strdup_printf("%s meta-data: killed by signal %d", type, run->code);
        return VGL_E_INVALID;
    }
}

int vgl_exec_metadata(const char *ocf_root, const char *rsc_class,
                      const char *provider, const char *type,
                      uint32_t timeout_ms, char **xml, char **error)
{
    vgl_exec_request req = {
        .rsc_id = type, .rsc_class = rsc_class, .provider = provider, .type = type,
    };
    vgl_exec fake = { .ocf_root = (char *) (ocf_root ? ocf_root : VGL_OCF_ROOT_DEFAULT),
                      .node_name = (char *) "" };
    vgl__exec_child_capture run = { 0 };
    char *path = NULL, *why = NULL, *argv[3] = { NULL, (char *) "meta-data", NULL };
    char **envp = NULL;
    int rc;

    if (xml != NULL) {
        *xml = NULL;
    }
    if (xml == NULL || fake.ocf_root[0] != '/' || timeout_ms > VGL_EXEC_MAX_TIMEOUT_MS) {
        why = g_strdup("meta-data: bad arguments (xml out-parameter, absolute OCF root,"
                       " timeout at most 24 h)");
        rc = -EINVAL;
        goto done;
    }
    rc = resolve_agent(fake.ocf_root, "/etc/init.d", rsc_class, provider, type, &path, &why);
    if (rc == 0 && strcmp(rsc_class, "ocf") != 0) {
        why = g_strdup_printf("%s: only ocf agents have meta-data", type);
        rc = VGL_E_UNSUPPORTED;
    }
    if (rc == 0 && vgl__exec_check_executable(path) < 0) {
        why = g_strdup_printf("%s: agent not installed (%s)", type, path);
        rc = VGL_E_NOT_FOUND;
    }
    if (rc < 0) {
        goto done;
    }
    timeout_ms = timeout_ms > 0 ? timeout_ms : EXEC_METADATA_TIMEOUT_MS;
    envp = build_env(&fake, &req, timeout_ms);
    argv[0] = path;
    rc = vgl__exec_child_run_capture(&(vgl__exec_child_spec) {
                                         .path = path, .argv = argv, .envp = envp,
                                         .timeout_ms = timeout_ms },
                                     &run);
    if (rc < 0) {
        why = g_strdup_printf("%s meta-data: %s", type, vgl_strerror(rc));
    } else if ((rc = metadata_verdict(&run, type, &why)) == 0) {
        *xml = g_steal_pointer(&run.out);
    }
done:
    g_free(run.out);
    g_free(run.tail);
    g_strfreev(envp);
    g_free(path);
    vgl__exec_give_error(error, why);
    return rc;
}
