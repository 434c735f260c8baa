/*
 * control.h — vigild's answers to the tools: the IPC request handlers and
 * the event stream (ipc.c is the transport; this is the meaning).
 */
#ifndef VGL_DAEMON_CONTROL_H
#define VGL_DAEMON_CONTROL_H

#include <glib.h>

#include "daemon/coord.h"
#include "daemon/ipc.h"
#include "daemon/replica.h"
#include "daemon/runner.h"

typedef struct vgl_control vgl_control;

typedef struct vgl_control_ctx {
    vgl_replica *replica;
    vgl_coord *coord;
    vgl_runner *runner;
    void (*shutdown)(void *ud); /* begin a clean shutdown */
    void *ud;
} vgl_control_ctx;

/* Start the IPC server [in] service_name.  [out] *out; caller frees with
 * vgl_control_free().  Returns 0 or the IPC server's error. */
int vgl_control_new(const char *service_name, const vgl_control_ctx *ctx, vgl_control **out);
void vgl_control_free(vgl_control *c);

/* The replica's event hook forwards here: broadcast to subscribers, and
 * answer FENCE requests waiting for this result. */
void vgl_control_event(vgl_control *c, const char *kind, GVariant *fields);

#endif
