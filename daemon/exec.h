/*
 * exec.h — the executor: runs resource agents on this node for the
 * coordinator (OCF Resource Agent API 1.1; LSB init scripts too).
 *
 * One vgl_exec per vigild.  The caller submits operations; each runs as
 * its own process group on the default GMainContext, and its result comes
 * back through the callback given to vgl_exec_new().  Rules:
 *  - One operation at a time per resource, in submission order (a FIFO
 *    per resource id); different resources run concurrently, up to an
 *    optional global cap.
 *  - A recurring monitor (interval_ms > 0) runs first at once, then
 *    interval_ms after the END of its previous run.  Its first result is
 *    reported, then only results whose rc or status differ from the last
 *    reported one (a monitor that keeps failing the same way is reported
 *    once, not every interval).  It runs until cancelled, replaced (a new
 *    submission with the same resource, action and interval), or until a
 *    stop of its resource is submitted: a stop cancels every recurring
 *    operation of that resource first.  Each cancelled operation reports
 *    once with status CANCELLED.
 *  - Results always arrive from the main loop, never from inside a call
 *    into this API, so the callback may submit or cancel freely.  It must
 *    not call vgl_exec_free().
 *  - The agent gets its parameters only in the environment, which is
 *    built from scratch (no variable of vigild's own leaks through).
 *  - SIGCHLD: the executor reaps its agents through glib child watches;
 *    the daemon must not reap children with waitpid(-1) or ignore SIGCHLD.
 */
#ifndef VIGIL_DAEMON_EXEC_H
#define VIGIL_DAEMON_EXEC_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* OCF exit codes (OCF Resource Agent API 1.1; REFERENCE.md). */
typedef enum vgl_ocf_rc {
    VGL_OCF_SUCCESS = 0,
    VGL_OCF_ERR_GENERIC = 1,
    VGL_OCF_ERR_ARGS = 2,
    VGL_OCF_ERR_UNIMPLEMENTED = 3,
    VGL_OCF_ERR_PERM = 4,
    VGL_OCF_ERR_INSTALLED = 5,
    VGL_OCF_ERR_CONFIGURED = 6,
    VGL_OCF_NOT_RUNNING = 7,
    VGL_OCF_RUNNING_PROMOTED = 8,
    VGL_OCF_FAILED_PROMOTED = 9,
    VGL_OCF_DEGRADED = 190,
    VGL_OCF_DEGRADED_PROMOTED = 191,
} vgl_ocf_rc;

/* How an operation ended.  rc is the agent's answer only for DONE. */
typedef enum vgl_exec_status {
    VGL_EXEC_DONE = 0,          /* the agent ran and exited; see rc */
    VGL_EXEC_TIMEOUT,           /* killed at its timeout; rc = 1 */
    VGL_EXEC_NOT_INSTALLED,     /* agent missing or not executable; rc = 5 */
    VGL_EXEC_ERROR,             /* killed by a signal or could not spawn; rc = 1 */
    VGL_EXEC_CANCELLED,         /* cancelled before it could report; rc = 1 */
} vgl_exec_status;

/* Defaults and limits. */
#define VGL_EXEC_DEFAULT_TIMEOUT_MS 20000u        /* Pacemaker's op default */
#define VGL_EXEC_MAX_TIMEOUT_MS (24u * 3600u * 1000u)
#define VGL_EXEC_MAX_INTERVAL_MS (24u * 3600u * 1000u)
#define VGL_EXEC_MAX_PARAMS 256u
#define VGL_EXEC_MAX_VALUE 4096u                  /* bytes per value */

typedef struct vgl_exec vgl_exec;

/* One operation to run.  The executor copies everything it keeps. */
typedef struct vgl_exec_request {
    const char *rsc_id;      /* resource id (clone instance "web:1" too) */
    const char *rsc_class;   /* "ocf" or "lsb"; others are refused */
    const char *provider;    /* ocf: "heartbeat", ...; lsb: NULL */
    const char *type;        /* "IPaddr2", "Dummy", ... (a plain name) */
    const char *action;      /* start, stop, monitor, meta-data, ... */
    uint32_t interval_ms;    /* 0 = once; > 0 = recurring (monitor only) */
    uint32_t timeout_ms;     /* 0 = VGL_EXEC_DEFAULT_TIMEOUT_MS */
    GHashTable *params;      /* char* name → char* value, or NULL */
    GHashTable *meta;        /* extra CRM_meta_* without the prefix
                              * (on_fail, globally_unique, clone, ...); or NULL */
    int check_level;         /* OCF_CHECK_LEVEL: 0, 10, 20 (0..1000) */
    int expected_rc;         /* echoed; also decides the log level */
    uint64_t token;          /* the caller's, echoed in every result */
} vgl_exec_request;

/* What the callback receives.  Pointers are valid during the call only. */
typedef struct vgl_exec_result {
    uint64_t token;
    uint64_t call_id;        /* from vgl_exec_submit(); one per submission,
                              * the same for every run of a recurring op */
    const char *rsc_id;
    const char *action;
    uint32_t interval_ms;
    int rc;                  /* a vgl_ocf_rc (mapped; unknown codes → 1) */
    int expected_rc;
    vgl_exec_status status;
    int64_t start_time;      /* wall clock, seconds, when the agent began */
    uint32_t exec_ms;        /* how long the agent ran */
    uint32_t queue_ms;       /* how long it waited before it ran */
    const char *output;      /* the agent's stdout, bounded to 64 KiB */
    const char *errors;      /* its stderr, likewise */
    const char *reason;      /* one short line for the log / CIB: the agent's
                              * "ocf-exit-reason:" line if it printed one;
                              * else, when rc is not the expected one or the
                              * run did not complete, the last line of
                              * stderr (else stdout) and what happened;
                              * else "" */
} vgl_exec_result;

typedef void (*vgl_exec_result_fn)(const vgl_exec_result *result, void *user_data);

/* Counters for benchmarks and ha-status. */
typedef struct vgl_exec_stats {
    uint64_t submitted;
    uint64_t runs;              /* agent runs started (recurring count each) */
    uint64_t by_status[5];      /* completed runs, indexed by vgl_exec_status */
    uint64_t reported;          /* results delivered to the callback */
    uint32_t running;           /* agents running right now */
    uint32_t running_max;       /* high-water mark of the above */
    uint32_t queued;            /* operations waiting to run */
    uint32_t recurring;         /* recurring operations registered */
    uint64_t exec_ms_total;
    uint32_t exec_ms_max;
    uint32_t queue_ms_max;
} vgl_exec_stats;

/* Create the executor.
 * [in] ocf_root   absolute directory holding resource.d/; NULL = the
 *                 configured default (/usr/lib/ocf)
 * [in] node_name  this node's name (OCF_RESKEY_CRM_meta_on_node)
 * [in] cb         result callback (required); user_data is passed to it
 * Returns NULL (and logs why) if an argument is missing or ocf_root is
 * not absolute.  Caller frees with vgl_exec_free(). */
vgl_exec *vgl_exec_new(const char *ocf_root, const char *node_name,
                       vgl_exec_result_fn cb, void *user_data);

/* Kill every running agent's process group (SIGKILL), reap them, drop
 * queued and recurring operations.  No callback is called.  NULL is ok. */
void vgl_exec_free(vgl_exec *exec);

/* Directory of LSB init scripts (default /etc/init.d); absolute.
 * Returns 0 or -EINVAL. */
int vgl_exec_set_lsb_dir(vgl_exec *exec, const char *dir);

/* Add NAME=value to the environment of every OCF agent started from now
 * on (value NULL removes it): for the agent library's knobs such as
 * HA_RSCTMP, HA_debug or VIGIL_OCF_SYSLOG.  The name must be a shell
 * variable name not starting with OCF_ and not PATH.  Returns 0 or
 * -EINVAL. */
int vgl_exec_set_env(vgl_exec *exec, const char *name, const char *value);

/* At most max agents at once across all resources; 0 = no cap (the
 * default).  Returns 0 or -EINVAL. */
int vgl_exec_set_max_concurrent(vgl_exec *exec, uint32_t max);

/* Queue an operation.
 * [in]  req      the operation; copied
 * [out] call_id  its call id (may be NULL); 0 on failure
 * [out] error    why it was refused (may be NULL); caller g_free()s
 * Returns 0, or -EINVAL (NULL or missing field), VGL_E_INVALID (a bad
 * name, path trick, absurd timeout or interval, bad parameter name),
 * VGL_E_UNSUPPORTED (class other than ocf/lsb), VGL_E_LIMIT (too many or
 * too large parameters).  A missing agent is not an error here: it is
 * reported through the callback with status NOT_INSTALLED, rc 5. */
int vgl_exec_submit(vgl_exec *exec, const vgl_exec_request *req,
                    uint64_t *call_id, char **error);

/* Cancel the recurring (interval > 0) or still-queued (interval 0)
 * operations of rsc_id matching action and interval.  A run in progress
 * finishes, but reports CANCELLED instead of its result.  Returns the
 * number cancelled (each reports CANCELLED once), or -EINVAL. */
int vgl_exec_cancel(vgl_exec *exec, const char *rsc_id, const char *action,
                    uint32_t interval_ms);

/* Cancel every recurring operation of rsc_id.  Returns the number
 * cancelled, or -EINVAL. */
int vgl_exec_cancel_rsc(vgl_exec *exec, const char *rsc_id);

/* [out] *stats: the counters (all zero if exec is NULL). */
void vgl_exec_get_stats(const vgl_exec *exec, vgl_exec_stats *stats);

/* Run an agent's meta-data action synchronously (for tools; blocks the
 * caller up to timeout_ms, 0 = 5 s).
 * [out] xml    the agent's stdout (caller g_free()s), NULL on failure
 * [out] error  why it failed (may be NULL; caller g_free()s)
 * Returns 0, -EINVAL, VGL_E_INVALID (bad names), VGL_E_UNSUPPORTED
 * (class), VGL_E_NOT_FOUND (no such agent), VGL_E_TIMEOUT, VGL_E_PARSE
 * (exit 0 but no <resource-agent> in the output) or VGL_E_INVALID for a
 * non-zero exit. */
int vgl_exec_metadata(const char *ocf_root, const char *rsc_class,
                      const char *provider, const char *type,
                      uint32_t timeout_ms, char **xml, char **error);

/* "done", "timeout", "not installed", "error", "cancelled". */
const char *vgl_exec_status_str(vgl_exec_status status);

/* "ok", "error", "args", "unimplemented", "perm", "not installed",
 * "not configured", "not running", "promoted", "failed promoted",
 * "degraded", "degraded promoted", or "unknown". */
const char *vgl_ocf_rc_str(int rc);

/* Map an agent's exit code to a vgl_ocf_rc: 0..9, 190 and 191 stand,
 * anything else is VGL_OCF_ERR_GENERIC. */
int vgl_exec_ocf_rc(int exit_code);

#endif
