/*
 * fencer.c — fence devices: their parameters, their queue of agent runs,
 * their host checks; fencing levels; the fencer's life cycle.
 *
 * Workload: tiny in steady state (a device monitor now and then), bursty
 * when nodes fail (a host check and a reboot per device and target).  An
 * agent run may take tens of seconds (IPMI), so everything is a job on
 * the device's FIFO, one run at a time per device like Pacemaker's
 * default pcmk_action_limit=1 — a PDU does not like two sessions.
 *
 * Invariants:
 *  - A device's queue is advanced only from an idle source (the device's
 *    "kick"), so no callback ever runs inside a call into the fencer.
 *  - Before a job that needs the agent's metadata (the host argument
 *    plug/port, or the default host check) runs, the metadata is known:
 *    fetched once per agent and cached in the fencer.
 *  - Parameter values never contain a control character (checked when
 *    the device is added), so nothing can forge a line of an agent's
 *    input; parameters are never logged (they hold passwords).
 *  - A removed device that is still busy moves to `retired` and is freed
 *    when its queue drains; its jobs still complete and report.
 */
#include "config.h"

#include "exec_internal.h"
#include "fencer_internal.h"

#include <errno.h>
#include <qb/qblog.h>
#include <string.h>
#include <vigil/vigil.h>

#ifndef VGL_FENCE_AGENT_PATH
#define VGL_FENCE_AGENT_PATH "/usr/sbin"
#endif
#define FENCER_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Agent metadata, as bits; META_KNOWN once fetched (even if that failed),
 * META_OK when it was read. */
enum {
    META_KNOWN = 1u << 0,
    META_OK = 1u << 5,
    META_PLUG = 1u << 1,
    META_PORT = 1u << 2,
    META_LIST = 1u << 3,
    META_STATUS = 1u << 4,
};

typedef enum job_kind { JOB_RUN, JOB_CHECK } job_kind;

typedef struct dev_job {
    job_kind kind;
    char *action;            /* JOB_RUN: the logical action */
    char *target;            /* may be NULL for JOB_RUN */
    unsigned level;
    uint32_t timeout_ms;
    vgl__fencer_run_fn run_cb;
    vgl__fencer_check_fn check_cb;
    void *user_data;
    GDestroyNotify user_free; /* for user_data when dropped unanswered */
} dev_job;

struct vgl__fencer_device {
    vgl_fencer *fencer;
    char *id;
    char *agent;
    GHashTable *params;      /* as given */
    GHashTable *host_map;    /* lower-cased node → plug, or NULL */
    GPtrArray *host_list;    /* or NULL */
    const char *host_check;  /* static string, or NULL for the default */
    unsigned meta;           /* META_* */
    GPtrArray *list_cache;   /* dynamic-list: the last good list output */
    int64_t list_at_us;
    GQueue jobs;
    dev_job *current;
    vgl__exec_child *child;
    bool run_targeted;       /* the running agent got the job's target */
    bool fetching_meta;
    bool removed;
    guint kick;
};


/* ---- devices ---- */

static void job_free(dev_job *job, bool answered)
{
    if (!answered && job->user_free != NULL) {
        job->user_free(job->user_data);
    }
    g_free(job->action);
    g_free(job->target);
    g_free(job);
}

static void device_free(vgl__fencer_device *dev)
{
    dev_job *job;

    if (dev->kick != 0) {
        g_source_remove(dev->kick);
    }
    if (dev->child != NULL) {
        vgl__exec_child_abort(dev->child);
    }
    if (dev->current != NULL) {
        job_free(dev->current, false);
    }
    while ((job = g_queue_pop_head(&dev->jobs)) != NULL) {
        job_free(job, false);
    }
    g_hash_table_unref(dev->params);
    if (dev->host_map != NULL) {
        g_hash_table_unref(dev->host_map);
    }
    if (dev->host_list != NULL) {
        g_ptr_array_unref(dev->host_list);
    }
    if (dev->list_cache != NULL) {
        g_ptr_array_unref(dev->list_cache);
    }
    g_free(dev->id);
    g_free(dev->agent);
    g_free(dev);
}

static bool device_busy(const vgl__fencer_device *dev)
{
    return dev->current != NULL || dev->fetching_meta || dev->jobs.length > 0;
}

/* The table's destructor: a busy device lives on until its queue drains. */
static void device_release(gpointer data)
{
    vgl__fencer_device *dev = data;

    dev->removed = true;
    if (device_busy(dev)) {
        dev->fencer->retired = g_list_prepend(dev->fencer->retired, dev);
    } else {
        device_free(dev);
    }
}

static int device_new(vgl_fencer *f, const char *id, const char *agent, GHashTable *params,
                      vgl__fencer_device **out, char **error)
{
    vgl__fencer_device *dev = g_new0(vgl__fencer_device, 1);
    const char *map, *list, *check;
    int rc = 0;

    *out = NULL;
    dev->fencer = f;
    dev->id = g_strdup(id);
    dev->agent = g_strdup(agent);
    dev->params = vgl__fencer_param_copy(params);
    g_queue_init(&dev->jobs);
    map = g_hash_table_lookup(dev->params, "pcmk_host_map");
    list = g_hash_table_lookup(dev->params, "pcmk_host_list");
    check = g_hash_table_lookup(dev->params, "pcmk_host_check");
    if (map != NULL) {
        rc = vgl_fencer_parse_host_map(map, &dev->host_map, error);
    }
    if (list != NULL) {
        dev->host_list = vgl_fencer_parse_host_list(list);
    }
    dev->host_check = vgl__fencer_param_host_check(check);
    if (rc < 0) {
        device_free(dev);
        return rc;
    }
    *out = dev;
    return 0;
}

vgl__fencer_device *vgl__fencer_device_get(vgl_fencer *fencer, const char *id)
{
    return id != NULL ? g_hash_table_lookup(fencer->devices, id) : NULL;
}

/* The agent's path in the search directories, or NULL. */
static char *agent_path(const vgl_fencer *f, const char *agent)
{
    for (char **dir = f->search; *dir != NULL; dir++) {
        char *path = g_build_filename(*dir, agent, NULL);
        if (vgl__exec_check_executable(path) == 0) {
            return path;
        }
        g_free(path);
    }
    return NULL;
}

static const char *device_plug(const vgl__fencer_device *dev, const char *target)
{
    const char *plug = NULL;

    if (dev->host_map != NULL) {
        char *key = g_ascii_strdown(target, -1);
        plug = g_hash_table_lookup(dev->host_map, key);
        g_free(key);
    }
    return plug != NULL ? plug : target;
}

/* pcmk_host_argument ("none": NULL), else what the metadata offers (plug
 * before port), else NULL for an agent whose metadata has neither (it
 * fences one fixed target, like fence_dummy), else plug. */
static const char *device_host_arg(const vgl__fencer_device *dev)
{
    const char *arg = g_hash_table_lookup(dev->params, "pcmk_host_argument");

    if (arg != NULL) {
        return strcmp(arg, "none") == 0 ? NULL : arg;
    }
    if (dev->meta & META_PLUG) {
        return "plug";
    }
    if (dev->meta & META_PORT) {
        return "port";
    }
    return (dev->meta & META_OK) ? NULL : "plug";
}

static const char *device_check_type(const vgl__fencer_device *dev)
{
    if (dev->host_check != NULL) {
        return dev->host_check;
    }
    if (dev->host_list != NULL || dev->host_map != NULL) {
        return "static-list";
    }
    if (dev->meta & META_LIST) {
        return "dynamic-list";
    }
    if (dev->meta & META_STATUS) {
        return "status";
    }
    /* Unreadable metadata: dynamic-list, which at worst answers "cannot"
     * when the list action fails.  Readable, with neither list nor status:
     * the device claims every node, as with Pacemaker. */
    return (dev->meta & META_OK) ? "none" : "dynamic-list";
}

static char *device_action_name(const vgl__fencer_device *dev, const char *action)
{
    char *key = g_strdup_printf("pcmk_%s_action", action);
    const char *mapped = g_hash_table_lookup(dev->params, key);

    g_free(key);
    return g_strdup(mapped != NULL ? mapped : action);
}

static uint32_t device_timeout(const vgl__fencer_device *dev, const char *action)
{
    char *key = g_strdup_printf("pcmk_%s_timeout", action);
    const char *text = g_hash_table_lookup(dev->params, key);
    int64_t ms = 0;

    g_free(key);
    if (text != NULL && vgl_duration_parse_ms(text, &ms) == 0 && ms > 0
        && ms <= (int64_t) VGL_EXEC_MAX_TIMEOUT_MS) {
        return (uint32_t) ms;
    }
    return dev->fencer->timeout_ms;
}

/* ---- running the agent ---- */

static char *agent_input(const vgl__fencer_device *dev, const char *agent_action,
                         const char *target)
{
    GString *in = g_string_new(NULL);
    const char *host_arg = target != NULL ? device_host_arg(dev) : NULL;
    GList *keys;

    g_string_append_printf(in, "action=%s\n", agent_action);
    if (host_arg != NULL && !g_hash_table_contains(dev->params, host_arg)) {
        g_string_append_printf(in, "%s=%s\n", host_arg, device_plug(dev, target));
    }
    if (target != NULL && !g_hash_table_contains(dev->params, "nodename")) {
        g_string_append_printf(in, "nodename=%s\n", target);
    }
    keys = g_list_sort(g_hash_table_get_keys(dev->params), (GCompareFunc) strcmp);
    for (GList *l = keys; l != NULL; l = l->next) {
        if (!g_str_has_prefix(l->data, "pcmk_")) {
            g_string_append_printf(in, "%s=%s\n", (char *) l->data,
                                   (char *) g_hash_table_lookup(dev->params, l->data));
        }
    }
    g_list_free(keys);
    return g_string_free(in, FALSE);
}

static char **agent_env(void)
{
    char **env = g_get_environ();

    if (g_environ_getenv(env, "PATH") == NULL) {
        env = g_environ_setenv(env, "PATH", FENCER_DEFAULT_PATH, TRUE);
    }
    return env;
}

static void device_kick(vgl__fencer_device *dev);

/* Spawn the agent for action on target.  Returns 0 or a negative error
 * with *why set (not installed: -ENOENT). */
static int device_spawn(vgl__fencer_device *dev, const char *agent_action, const char *target,
                        uint32_t timeout_ms, vgl__exec_child_fn done, char **why)
{
    char *path = agent_path(dev->fencer, dev->agent);
    char *input, **env, *argv[2] = { path, NULL };
    int rc;

    if (path == NULL) {
        char *dirs = g_strjoinv(":", dev->fencer->search);
        *why = g_strdup_printf("%s not found (or not executable) in %s", dev->agent, dirs);
        g_free(dirs);
        return -ENOENT;
    }
    input = agent_input(dev, agent_action, target);
    env = agent_env();
    rc = vgl__exec_child_spawn(NULL, &(vgl__exec_child_spec) {
                                   .path = path, .argv = argv, .envp = env,
                                   .input = input, .timeout_ms = timeout_ms },
                               done, dev, &dev->child);
    if (rc < 0) {
        *why = g_strdup_printf("%s: %s", path, vgl_strerror(rc));
    }
    g_strfreev(env);
    g_free(input);
    g_free(path);
    return rc;
}

/* ---- metadata ---- */

static void meta_element(GMarkupParseContext *ctx, const gchar *element, const gchar **names,
                         const gchar **values, gpointer data, GError **error)
{
    unsigned *meta = data;
    const char *name = NULL;

    for (size_t i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], "name") == 0) {
            name = values[i];
        }
    }
    if (name == NULL) {
        return;
    }
    if (strcmp(element, "parameter") == 0) {
        *meta |= strcmp(name, "plug") == 0 ? META_PLUG : strcmp(name, "port") == 0 ? META_PORT : 0;
    } else if (strcmp(element, "action") == 0) {
        *meta |= strcmp(name, "list") == 0 ? META_LIST : strcmp(name, "status") == 0 ? META_STATUS : 0;
    }
}

/* What an agent's metadata says, as META_* bits (0 when unreadable). */
static unsigned meta_parse(const char *xml)
{
    static const GMarkupParser parser = { .start_element = meta_element };
    unsigned meta = 0;
    GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, &meta, NULL);

    if (!g_markup_parse_context_parse(ctx, xml, -1, NULL)
        || !g_markup_parse_context_end_parse(ctx, NULL)) {
        qb_log(LOG_DEBUG, "fence: agent metadata is not well-formed; using what was read");
    }
    g_markup_parse_context_free(ctx);
    return meta;
}

static void meta_done(const vgl__exec_child_result *res, void *data)
{
    vgl__fencer_device *dev = data;
    bool ok = res->end == VGL__EXEC_CHILD_EXITED && res->code == 0;

    dev->child = NULL;
    dev->fetching_meta = false;
    dev->meta = META_KNOWN | (ok ? META_OK | meta_parse(res->out) : 0);
    if (ok) {
        g_hash_table_insert(dev->fencer->agent_meta, g_strdup(dev->agent),
                            GUINT_TO_POINTER(dev->meta));
    } else {
        qb_log(LOG_WARNING, "%s: metadata of %s failed; assuming plug= and dynamic-list",
               dev->id, dev->agent);
    }
    device_kick(dev);
}

static bool job_needs_meta(const vgl__fencer_device *dev, const dev_job *job)
{
    if (dev->meta & META_KNOWN) {
        return false;
    }
    if (job->kind == JOB_CHECK) {
        return dev->host_check == NULL && dev->host_list == NULL && dev->host_map == NULL;
    }
    return job->target != NULL && !g_hash_table_contains(dev->params, "pcmk_host_argument");
}

/* Start fetching the metadata; false when it could not start (the device
 * then goes on with defaults). */
static bool meta_fetch(vgl__fencer_device *dev)
{
    gpointer cached = g_hash_table_lookup(dev->fencer->agent_meta, dev->agent);
    char *why = NULL;

    if (cached != NULL) {
        dev->meta = GPOINTER_TO_UINT(cached);
        return false;
    }
    if (device_spawn(dev, "metadata", NULL, MIN(dev->fencer->timeout_ms, 10000u), meta_done,
                     &why) < 0) {
        qb_log(LOG_DEBUG, "%s: no metadata: %s", dev->id, why);
        dev->meta = META_KNOWN;
        g_free(why);
        return false;
    }
    dev->fetching_meta = true;
    return true;
}

/* ---- jobs ---- */

static void attempt_log(const vgl__fencer_device *dev, const vgl_fencer_attempt *a)
{
    const char *what = a->target != NULL ? a->target : "";

    if (a->ok) {
        qb_log(LOG_INFO, "%s: %s%s%s ok (rc %d, %u ms)", dev->id, a->action,
               *what ? " of " : "", what, a->rc, a->exec_ms);
    } else {
        qb_log(LOG_WARNING, "%s: %s%s%s failed (%u ms): %s", dev->id, a->action,
               *what ? " of " : "", what, a->exec_ms, a->reason);
    }
}

/* Turn a child result into an attempt (strings owned by the caller). */
static void attempt_fill(vgl_fencer_attempt *a, const vgl__exec_child_result *res,
                         const char *logical, uint32_t timeout_ms, char **reason)
{
    char *tail = vgl__exec_child_tail(res);

    a->exec_ms = (uint32_t) MIN(res->exec_ms, (int64_t) UINT32_MAX);
    a->output = res->out;
    a->rc = -1;
    if (res->end == VGL__EXEC_CHILD_EXITED) {
        a->status = VGL_EXEC_DONE;
        a->rc = res->code;
        a->ok = res->code == 0 || (strcmp(logical, "status") == 0 && res->code == 2);
        *reason = a->ok ? g_strdup("") : g_strdup_printf("exit %d%s%s", res->code,
                                                         *tail ? ": " : "", tail);
    } else if (res->end == VGL__EXEC_CHILD_TIMEOUT) {
        a->status = VGL_EXEC_TIMEOUT;
        *reason = g_strdup_printf("timed out after %u ms", timeout_ms);
    } else {
        a->status = VGL_EXEC_ERROR;
        *reason = g_strdup_printf("killed by signal %d%s%s", res->code, *tail ? ": " : "", tail);
    }
    a->reason = *reason;
    g_free(tail);
}

static void check_answer(vgl__fencer_device *dev, bool can, const char *reason);
static void check_with_list(vgl__fencer_device *dev, const vgl_fencer_attempt *a);

static void job_ran(vgl__fencer_device *dev, const vgl_fencer_attempt *a)
{
    dev_job *job = dev->current;

    if (job->kind == JOB_CHECK) {
        if (strcmp(job->action, "list") == 0) {
            check_with_list(dev, a);
        } else {
            check_answer(dev, a->ok, a->ok ? "" : a->rc == 1 ? "status: the device does not"
                         " know this plug" : a->reason);
        }
        return;
    }
    job->run_cb(a, job->user_data);
    dev->current = NULL;
    job_free(job, true);
    device_kick(dev);
}

static void run_done(const vgl__exec_child_result *res, void *data)
{
    vgl__fencer_device *dev = data;
    dev_job *job = dev->current;
    char *reason = NULL, *agent_action = device_action_name(dev, job->action);
    vgl_fencer_attempt a = {
        .device = dev->id, .action = agent_action, .level = job->level,
        .target = dev->run_targeted ? job->target : NULL,
    };

    dev->child = NULL;
    attempt_fill(&a, res, job->action, job->timeout_ms, &reason);
    attempt_log(dev, &a);
    job_ran(dev, &a);
    g_free(reason);
    g_free(agent_action);
}

/* Run the current job's agent action; a spawn failure reports at once. */
static void job_spawn(vgl__fencer_device *dev, const char *logical, const char *target)
{
    dev_job *job = dev->current;
    char *agent_action = device_action_name(dev, logical), *why = NULL;
    int rc;

    if (job->timeout_ms == 0) {
        job->timeout_ms = device_timeout(dev, logical);
    }
    dev->run_targeted = target != NULL;
    rc = device_spawn(dev, agent_action, target, job->timeout_ms, run_done, &why);
    if (rc < 0) {
        vgl_fencer_attempt a = {
            .device = dev->id, .action = agent_action, .target = target, .level = job->level,
            .status = rc == -ENOENT ? VGL_EXEC_NOT_INSTALLED : VGL_EXEC_ERROR,
            .rc = -1, .output = "", .reason = why,
        };
        attempt_log(dev, &a);
        job_ran(dev, &a);
    }
    g_free(why);
    g_free(agent_action);
}

/* ---- host checks ---- */

static bool name_in(GPtrArray *names, const char *name)
{
    for (guint i = 0; names != NULL && i < names->len; i++) {
        if (g_ascii_strcasecmp(g_ptr_array_index(names, i), name) == 0) {
            return true;
        }
    }
    return false;
}

static void check_answer(vgl__fencer_device *dev, bool can, const char *reason)
{
    dev_job *job = dev->current;

    qb_log(LOG_DEBUG, "%s: can %sfence %s%s%s", dev->id, can ? "" : "not ", job->target,
           *reason ? ": " : "", reason);
    job->check_cb(can, reason, job->user_data);
    dev->current = NULL;
    job_free(job, true);
    device_kick(dev);
}

static void check_from_list(vgl__fencer_device *dev, const char *stale)
{
    const char *plug = device_plug(dev, dev->current->target);
    char *why = NULL;
    bool can = name_in(dev->list_cache, plug);

    if (!can && stale != NULL) {
        why = g_strdup_printf("'%s' is not in the device's last list (list failed: %s)",
                              plug, stale);
    } else if (!can) {
        why = g_strdup_printf("'%s' is not in the device's list", plug);
    }
    check_answer(dev, can, can ? "" : why);
    g_free(why);
}

static void check_with_list(vgl__fencer_device *dev, const vgl_fencer_attempt *a)
{
    if (a->ok) {
        if (dev->list_cache != NULL) {
            g_ptr_array_unref(dev->list_cache);
        }
        dev->list_cache = vgl_fencer_parse_host_list(a->output);
        dev->list_at_us = g_get_monotonic_time();
        check_from_list(dev, NULL);
    } else if (dev->list_cache != NULL) {
        qb_log(LOG_WARNING, "%s: list failed (%s); using the last list", dev->id, a->reason);
        check_from_list(dev, a->reason);
    } else {
        char *why = g_strdup_printf("list failed: %s", a->reason);
        check_answer(dev, false, why);
        g_free(why);
    }
}

static void check_start(vgl__fencer_device *dev)
{
    dev_job *job = dev->current;
    const char *type = device_check_type(dev);

    if (strcmp(type, "none") == 0) {
        check_answer(dev, true, "");
    } else if (strcmp(type, "static-list") == 0) {
        char *key = g_ascii_strdown(job->target, -1);
        bool can = name_in(dev->host_list, job->target)
                   || (dev->host_map != NULL && g_hash_table_contains(dev->host_map, key));
        g_free(key);
        check_answer(dev, can, can ? "" : "not in pcmk_host_list or pcmk_host_map");
    } else if (strcmp(type, "dynamic-list") == 0) {
        if (dev->list_cache != NULL
            && g_get_monotonic_time() - dev->list_at_us < VGL_FENCER_LIST_CACHE_MS * 1000ll) {
            check_from_list(dev, NULL);
            return;
        }
        job->action = g_strdup("list");
        job_spawn(dev, "list", NULL);
    } else {
        job->action = g_strdup("status");
        job_spawn(dev, "status", job->target);
    }
}

/* ---- the queue ---- */

static gboolean device_next(gpointer data)
{
    vgl__fencer_device *dev = data;
    dev_job *job;

    dev->kick = 0;
    if (dev->current != NULL || dev->fetching_meta) {
        return G_SOURCE_REMOVE;
    }
    job = g_queue_peek_head(&dev->jobs);
    if (job == NULL) {
        if (dev->removed) {
            dev->fencer->retired = g_list_remove(dev->fencer->retired, dev);
            device_free(dev);
        }
        return G_SOURCE_REMOVE;
    }
    if (job_needs_meta(dev, job) && meta_fetch(dev)) {
        return G_SOURCE_REMOVE;
    }
    dev->current = g_queue_pop_head(&dev->jobs);
    if (job->kind == JOB_CHECK) {
        check_start(dev);
    } else {
        job_spawn(dev, job->action, job->target);
    }
    return G_SOURCE_REMOVE;
}

static void device_kick(vgl__fencer_device *dev)
{
    if (dev->kick == 0) {
        /* Default priority, not idle: a busy main loop must not starve
         * fencing. */
        dev->kick = g_idle_add_full(G_PRIORITY_DEFAULT, device_next, dev, NULL);
    }
}

static void job_push(vgl__fencer_device *dev, dev_job *job)
{
    g_queue_push_tail(&dev->jobs, job);
    device_kick(dev);
}

static dev_job *job_new(job_kind kind, const char *target, void *user_data,
                        GDestroyNotify user_free)
{
    dev_job *job = g_new0(dev_job, 1);

    job->kind = kind;
    job->target = g_strdup(target);
    job->user_data = user_data;
    job->user_free = user_free;
    return job;
}

static void run_push(vgl__fencer_device *dev, const char *action, const char *target,
                     unsigned level, uint32_t timeout_ms, vgl__fencer_run_fn cb,
                     void *user_data, GDestroyNotify user_free)
{
    dev_job *job = job_new(JOB_RUN, target, user_data, user_free);

    job->action = g_strdup(action);
    job->level = level;
    job->timeout_ms = timeout_ms;
    job->run_cb = cb;
    job_push(dev, job);
}

static void check_push(vgl__fencer_device *dev, const char *target, vgl__fencer_check_fn cb,
                       void *user_data, GDestroyNotify user_free)
{
    dev_job *job = job_new(JOB_CHECK, target, user_data, user_free);

    job->check_cb = cb;
    job_push(dev, job);
}

void vgl__fencer_run(vgl__fencer_device *dev, const char *action, const char *target,
                     unsigned level, uint32_t timeout_ms, vgl__fencer_run_fn cb,
                     void *user_data)
{
    run_push(dev, action, target, level, timeout_ms, cb, user_data, NULL);
}

void vgl__fencer_check(vgl__fencer_device *dev, const char *target,
                       vgl__fencer_check_fn cb, void *user_data)
{
    check_push(dev, target, cb, user_data, NULL);
}

/* ---- the public API ---- */

vgl_fencer *vgl_fencer_new(const char *search_path)
{
    vgl_fencer *f;
    char **dirs;

    if (search_path == NULL) {
        search_path = "/usr/sbin:" VGL_FENCE_AGENT_PATH;
    }
    dirs = g_strsplit(search_path, ":", -1);
    for (char **d = dirs; *d != NULL; d++) {
        if ((*d)[0] != '/') {
            qb_log(LOG_ERR, "fence: agent directory '%s' is not an absolute path", *d);
            g_strfreev(dirs);
            return NULL;
        }
    }
    f = g_new0(vgl_fencer, 1);
    f->search = dirs;
    f->timeout_ms = VGL_FENCER_DEFAULT_TIMEOUT_MS;
    f->devices = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, device_release);
    f->order = g_ptr_array_new_with_free_func(g_free);
    f->levels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, vgl__fencer_levels_free);
    f->agent_meta = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    f->next_id = 1;
    return f;
}

void vgl_fencer_free(vgl_fencer *fencer)
{
    GHashTableIter it;
    gpointer dev;

    if (fencer == NULL) {
        return;
    }
    vgl__fencer_fence_free_all(fencer);
    g_hash_table_iter_init(&it, fencer->devices);
    while (g_hash_table_iter_next(&it, NULL, &dev)) {
        g_hash_table_iter_steal(&it);
        device_free(dev);
    }
    g_list_free_full(fencer->retired, (GDestroyNotify) device_free);
    g_hash_table_destroy(fencer->devices);
    g_ptr_array_unref(fencer->order);
    g_hash_table_destroy(fencer->levels);
    g_hash_table_destroy(fencer->agent_meta);
    g_strfreev(fencer->search);
    g_free(fencer);
}

int vgl_fencer_set_timeout(vgl_fencer *fencer, uint32_t timeout_ms)
{
    if (fencer == NULL || timeout_ms == 0 || timeout_ms > VGL_EXEC_MAX_TIMEOUT_MS) {
        return -EINVAL;
    }
    fencer->timeout_ms = timeout_ms;
    return 0;
}

static int device_check_args(vgl_fencer *fencer, const char *id, const char *agent,
                             GHashTable *params, char **why)
{
    if (fencer == NULL || id == NULL || agent == NULL) {
        *why = g_strdup("fence device: fencer, id and agent are required");
        return -EINVAL;
    }
    if (!vgl__fencer_name_ok(id)) {
        *why = g_strdup_printf("fence device '%s': bad id", id);
        return VGL_E_INVALID;
    }
    if (!g_str_has_prefix(agent, "fence_") || !vgl__exec_plain_name(agent)) {
        *why = g_strdup_printf("%s: agent '%s' is not a fence_* agent name", id, agent);
        return VGL_E_INVALID;
    }
    if (params != NULL) {
        char *detail = NULL;
        int rc = vgl__fencer_param_check(params, &detail);
        if (rc < 0) {
            *why = g_strdup_printf("%s: %s", id, detail);
            g_free(detail);
            return rc;
        }
    }
    return 0;
}

int vgl_fencer_device_add(vgl_fencer *fencer, const char *id, const char *agent,
                          GHashTable *params, char **error)
{
    vgl__fencer_device *dev = NULL, *old;
    char *why = NULL;
    int rc = device_check_args(fencer, id, agent, params, &why);

    if (rc == 0) {
        old = g_hash_table_lookup(fencer->devices, id);
        if (old != NULL && strcmp(old->agent, agent) == 0 && vgl__fencer_param_equal(old->params, params)) {
            goto done;
        }
        rc = device_new(fencer, id, agent, params, &dev, &why);
    }
    if (rc < 0) {
        qb_log(LOG_WARNING, "fence: refused a device: %s", why);
        goto done;
    }
    if (g_hash_table_lookup(fencer->devices, id) == NULL) {
        g_ptr_array_add(fencer->order, g_strdup(id));
    }
    g_hash_table_replace(fencer->devices, dev->id, dev);
    qb_log(LOG_INFO, "%s: fence device using %s", id, agent);
done:
    vgl__exec_give_error(error, why);
    return rc;
}

int vgl_fencer_device_remove(vgl_fencer *fencer, const char *id)
{
    if (fencer == NULL || id == NULL) {
        return -EINVAL;
    }
    if (!g_hash_table_remove(fencer->devices, id)) {
        return VGL_E_NOT_FOUND;
    }
    for (guint i = 0; i < fencer->order->len; i++) {
        if (strcmp(g_ptr_array_index(fencer->order, i), id) == 0) {
            g_ptr_array_remove_index(fencer->order, i);
            break;
        }
    }
    return 0;
}

/* ---- public wrappers around jobs ---- */

typedef struct public_job {
    char *device;
    char *target;
    vgl_fencer_can_fn can_cb;
    vgl_fencer_action_fn action_cb;
    void *user_data;
} public_job;

static void public_job_free(gpointer data)
{
    public_job *pj = data;

    g_free(pj->device);
    g_free(pj->target);
    g_free(pj);
}

static void public_can_done(bool can, const char *reason, void *data)
{
    public_job *pj = data;

    pj->can_cb(pj->device, pj->target, can, reason, pj->user_data);
    public_job_free(pj);
}

static void public_action_done(const vgl_fencer_attempt *a, void *data)
{
    public_job *pj = data;

    pj->action_cb(a, pj->user_data);
    public_job_free(pj);
}

int vgl_fencer_can_fence(vgl_fencer *fencer, const char *device, const char *target,
                         vgl_fencer_can_fn cb, void *user_data)
{
    vgl__fencer_device *dev;
    public_job *pj;

    if (fencer == NULL || cb == NULL || !vgl__fencer_name_ok(target)) {
        return -EINVAL;
    }
    dev = vgl__fencer_device_get(fencer, device);
    if (dev == NULL) {
        return VGL_E_NOT_FOUND;
    }
    pj = g_new0(public_job, 1);
    pj->device = g_strdup(device);
    pj->target = g_strdup(target);
    pj->can_cb = cb;
    pj->user_data = user_data;
    check_push(dev, target, public_can_done, pj, public_job_free);
    return 0;
}

int vgl_fencer_device_action(vgl_fencer *fencer, const char *device, const char *action,
                             const char *target, uint32_t timeout_ms,
                             vgl_fencer_action_fn cb, void *user_data, char **error)
{
    vgl__fencer_device *dev = NULL;
    bool needs_target = action != NULL && vgl__fencer_param_targeted(action);
    char *why = NULL;
    int rc = 0;

    if (fencer == NULL || device == NULL || action == NULL || cb == NULL) {
        why = g_strdup("fence action: fencer, device, action and callback are required");
        rc = -EINVAL;
    } else if (!vgl__fencer_param_action_ok(action)
               || (needs_target && !vgl__fencer_name_ok(target))
               || timeout_ms > VGL_EXEC_MAX_TIMEOUT_MS) {
        why = g_strdup_printf("%s: bad action '%s', target or timeout", device, action);
        rc = VGL_E_INVALID;
    } else if ((dev = vgl__fencer_device_get(fencer, device)) == NULL) {
        why = g_strdup_printf("%s: no such fence device", device);
        rc = VGL_E_NOT_FOUND;
    } else {
        public_job *pj = g_new0(public_job, 1);
        pj->action_cb = cb;
        pj->user_data = user_data;
        run_push(dev, action, needs_target ? target : NULL, 0, timeout_ms,
                 public_action_done, pj, public_job_free);
    }
    vgl__exec_give_error(error, why);
    return rc;
}

/* ---- synchronous metadata ---- */

int vgl_fencer_metadata(const char *search_path, const char *agent, uint32_t timeout_ms,
                        char **xml, char **error)
{
    vgl_fencer *f = NULL;
    vgl__exec_child_capture ms = { 0 };
    char *path = NULL, *why = NULL, **env = NULL, *argv[2] = { NULL, NULL };
    int rc = 0;

    if (xml != NULL) {
        *xml = NULL;
    }
    if (xml == NULL || agent == NULL || timeout_ms > VGL_EXEC_MAX_TIMEOUT_MS
        || (f = vgl_fencer_new(search_path)) == NULL) {
        why = g_strdup("fence metadata: bad arguments");
        rc = -EINVAL;
    } else if (!g_str_has_prefix(agent, "fence_") || !vgl__exec_plain_name(agent)) {
        why = g_strdup_printf("'%s' is not a fence_* agent name", agent);
        rc = VGL_E_INVALID;
    } else if ((path = agent_path(f, agent)) == NULL) {
        why = g_strdup_printf("%s: not found in %s", agent, search_path ? search_path
                              : "the default agent directories");
        rc = VGL_E_NOT_FOUND;
    }
    if (rc < 0) {
        goto done;
    }
    argv[0] = path;
    env = agent_env();
    rc = vgl__exec_child_run_capture(&(vgl__exec_child_spec) {
                                         .path = path, .argv = argv, .envp = env,
                                         .input = "action=metadata\n",
                                         .timeout_ms = timeout_ms ? timeout_ms : 10000u },
                                     &ms);
    if (rc == 0 && ms.end == VGL__EXEC_CHILD_TIMEOUT) {
        why = g_strdup_printf("%s metadata: timed out", agent);
        rc = VGL_E_TIMEOUT;
    } else if (rc == 0 && (ms.end != VGL__EXEC_CHILD_EXITED || ms.code != 0
                           || strstr(ms.out, "<resource-agent") == NULL)) {
        why = g_strdup_printf("%s metadata: no <resource-agent> (exit %d)", agent, ms.code);
        rc = VGL_E_PARSE;
    } else if (rc == 0) {
        *xml = g_steal_pointer(&ms.out);
    } else {
        why = g_strdup_printf("%s metadata: %s", agent, vgl_strerror(rc));
    }
done:
    g_strfreev(env);
    g_free(ms.out);
    g_free(ms.tail);
    g_free(path);
    vgl_fencer_free(f);
    vgl__exec_give_error(error, why);
    return rc;
}
