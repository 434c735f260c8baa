/*
 * exec_internal.h — the child-process runner shared by the OCF executor
 * (exec.c), the fencer (fencer*.c) and the alert runner (alerts.c).  Not
 * for use outside those.
 *
 * A child is one run of one agent: spawned without a shell in its own
 * session (so its own process group), stdin from /dev/null or from a
 * small buffer, stdout and stderr captured through pipes and bounded,
 * a timeout that sends SIGTERM to the whole group and SIGKILL after a
 * grace period.  The run is over when the agent process itself exits —
 * not when its pipes close, because a start action may leave a daemon
 * behind that still holds them.
 */
#ifndef VIGIL_DAEMON_EXEC_INTERNAL_H
#define VIGIL_DAEMON_EXEC_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Bytes kept of each of stdout and stderr; the rest is counted and
 * dropped, and a marker line says how much. */
#define VGL__EXEC_OUTPUT_MAX (64 * 1024)
/* Largest stdin buffer (fence parameters); fits a pipe without blocking. */
#define VGL__EXEC_INPUT_MAX (32 * 1024)
/* SIGTERM → SIGKILL grace after a timeout, unless the spec says. */
#define VGL__EXEC_KILL_GRACE_MS 1000
/* Bytes of the "reason" tail taken from an agent's output. */
#define VGL__EXEC_TAIL_MAX 256

typedef struct vgl__exec_child vgl__exec_child;

/* How a run ended. */
typedef enum vgl__exec_child_end {
    VGL__EXEC_CHILD_EXITED,   /* code = exit status */
    VGL__EXEC_CHILD_SIGNALED, /* code = signal number */
    VGL__EXEC_CHILD_TIMEOUT,  /* killed at its timeout; code = 0 */
    VGL__EXEC_CHILD_NOSPAWN,  /* could not start; code = errno */
} vgl__exec_child_end;

typedef struct vgl__exec_child_spec {
    const char *path;        /* absolute path of the executable */
    char *const *argv;       /* argv[0] first, NULL-terminated */
    char *const *envp;       /* the complete environment, NULL-terminated */
    const char *input;       /* stdin contents, or NULL for /dev/null */
    uint32_t timeout_ms;     /* > 0 */
    uint32_t kill_grace_ms;  /* 0 = VGL__EXEC_KILL_GRACE_MS */
} vgl__exec_child_spec;

typedef struct vgl__exec_child_result {
    vgl__exec_child_end end;
    int code;
    int64_t start_wall;      /* seconds since the epoch at spawn */
    int64_t exec_ms;         /* spawn → exit, monotonic */
    const char *out;         /* stdout, NUL-terminated, bounded */
    const char *err;         /* stderr, likewise */
} vgl__exec_child_result;

/* Called once when the run is over, from the context's main loop.  The
 * result and its strings are valid only during the call; the child frees
 * itself right after it returns. */
typedef void (*vgl__exec_child_fn)(const vgl__exec_child_result *res,
                                   void *user_data);

/* Start a run attached to ctx (NULL = the default main context).
 * [out] *out is the handle, NULL on failure.  Returns 0 (cb will be
 * called exactly once, never from inside this call), -EINVAL for a bad
 * spec, VGL_E_LIMIT if the input is too large, or -errno if pipes or the
 * spawn itself failed (cb will not be called). */
int vgl__exec_child_spawn(GMainContext *ctx, const vgl__exec_child_spec *spec,
                          vgl__exec_child_fn cb, void *user_data,
                          vgl__exec_child **out);

/* SIGKILL the child's whole process group, reap it and free the handle
 * without calling its callback.  For shutdown only. */
void vgl__exec_child_abort(vgl__exec_child *child);

/* The child's pid, which is also its process group id. */
pid_t vgl__exec_child_pid(const vgl__exec_child *child);

/* Run a child to completion on a private main context, blocking the
 * caller.  Returns what vgl__exec_child_spawn returns; on 0, cb has been
 * called before this returns. */
int vgl__exec_child_run_sync(const vgl__exec_child_spec *spec,
                             vgl__exec_child_fn cb, void *user_data);

/* What vgl__exec_child_run_capture() keeps of a run. */
typedef struct vgl__exec_child_capture {
    vgl__exec_child_end end;
    int code;
    char *out;     /* stdout; g_free() it (also after a failure: may be NULL) */
    char *tail;    /* vgl__exec_child_tail(); g_free() it */
} vgl__exec_child_capture;

/* vgl__exec_child_run_sync() keeping the outcome in *capture (zeroed
 * first).  Returns what vgl__exec_child_spawn() returns. */
int vgl__exec_child_run_capture(const vgl__exec_child_spec *spec,
                                vgl__exec_child_capture *capture);

/* A short reason for logs and the CIB: the last non-empty line of err,
 * else of out, at most VGL__EXEC_TAIL_MAX bytes, control characters
 * replaced.  Caller frees with g_free(); "" when there is no output. */
char *vgl__exec_child_tail(const vgl__exec_child_result *res);

/* Hand why to the caller's error out-parameter, or free it when the
 * caller passed NULL. */
void vgl__exec_give_error(char **error, char *why);

/* Is name a plain file name (letters, digits, '.', '_', '-', '+'; not
 * empty, no leading '.', at most 128 bytes)? */
bool vgl__exec_plain_name(const char *name);

/* Is path an executable regular file?  0, -ENOENT, -EACCES, or -errno. */
int vgl__exec_check_executable(const char *path);

#endif
