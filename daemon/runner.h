/*
 * runner.h — this node's hands: it runs the actions the coordinator
 * dispatched to this node (through exec.c and fencer.c) and multicasts
 * their results; it finishes a clean shutdown once nothing runs here; and
 * it self-fences a node that lost quorum and could not stop its resources.
 */
#ifndef VGL_DAEMON_RUNNER_H
#define VGL_DAEMON_RUNNER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/replica.h"

typedef struct vgl_runner vgl_runner;

typedef struct vgl_runner_opts {
    const char *ocf_root;          /* OCF root for resource agents */
    const char *fence_path;        /* ':'-separated dirs with fence agents */
    const char *self_fence_hook;   /* command run to self-fence, or NULL */
    const char *watchdog;          /* watchdog device to stop feeding, or NULL */
    uint32_t self_fence_ms;        /* grace after losing quorum (0: never) */
    void (*shutdown_done)(void *ud); /* a clean shutdown may leave now */
    void *ud;
} vgl_runner_opts;

/* Caller frees with vgl_runner_free(), which kills running agents. */
vgl_runner *vgl_runner_new(vgl_replica *r, const vgl_runner_opts *opts);
void vgl_runner_free(vgl_runner *n);

/* Hooks the replica's callbacks forward to. */
void vgl_runner_dispatched(vgl_runner *n, uint64_t tid, GVariant *action);
void vgl_runner_changed(vgl_runner *n, unsigned what);

/* What this node's executor and fencer were asked by transitions and have
 * not reported yet, as aa{sv} (floating), for ANNOUNCE. */
GVariant *vgl_runner_inflight(const vgl_runner *n);

/* Operations running or queued here (for STATUS and shutdown). */
unsigned vgl_runner_busy(const vgl_runner *n);

#endif
