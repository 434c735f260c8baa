/*
 * ipc.h — vigild's IPC server: the only door the tools (crmctl, ha-status)
 * have into the daemon.
 *
 * A libqb IPC service (shared-memory rings, abstract socket) that runs in
 * glib's default main context.  vigild registers one handler per request
 * type; the server decodes and checks each request (wire format and
 * catalogue: <vigil/ipc_proto.h>), checks permission, and hands it over as a
 * vgl_ipc_request that the handler answers when it is ready — at once, or
 * seconds later once a change went through the cluster.  Events go to every
 * subscribed client with vgl_ipc_broadcast().
 *
 * Permission: read-only request types are open to every local user.  Others
 * need uid 0, or the admin group (default "haclient") as the peer's gid or
 * among the groups the user database lists for its uid (getgrouplist), as
 * found when it connected.  Everyone else gets VGL_E_PERM.
 *
 * Slow clients never block the daemon: a subscriber whose ring is full loses
 * events (counted; it sees a gap in sequence numbers); a client that does
 * not read its replies is disconnected.  Per connection at most
 * VGL_IPC_PENDING_MAX requests may be waiting for their reply (then
 * VGL_E_BUSY); at most VGL_IPC_CONNECTIONS_MAX clients at once.
 *
 * Threading: call everything from the thread that runs the default main
 * context.
 */
#ifndef VIGIL_DAEMON_IPC_H
#define VIGIL_DAEMON_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>
#include <vigil/ipc_proto.h>

#define VGL_IPC_PENDING_MAX 64u
#define VGL_IPC_CONNECTIONS_MAX 1024u
#define VGL_IPC_ADMIN_GROUP "haclient"

typedef struct vgl_ipc_server vgl_ipc_server;
typedef struct vgl_ipc_request vgl_ipc_request;

/* A request handler.  req: answer it exactly once with vgl_ipc_reply(), now
 * or later.  fields: the request's a{sv}, borrowed for this call (it stays
 * reachable as vgl_ipc_request_fields(req) until the reply).  ud: as given
 * to vgl_ipc_server_new(). */
typedef void (*vgl_ipc_handler_fn)(vgl_ipc_request *req, GVariant *fields, void *ud);

typedef struct vgl_ipc_handler {
    uint32_t type;       /* a vgl_ipc_type; PING and SUBSCRIBE are built in */
    bool read_only;      /* true: open to every local user */
    vgl_ipc_handler_fn fn;
} vgl_ipc_handler;

/* Counters, for STATUS and tests. */
typedef struct vgl_ipc_stats {
    uint32_t connections;     /* open now */
    uint32_t subscribers;     /* open now and subscribed */
    uint32_t pending;         /* handed to a handler, not answered yet */
    uint64_t requests;        /* dispatched to a handler (built-ins too) */
    uint64_t rejected;        /* answered at once: malformed, unknown type,
                               * wrong version, busy */
    uint64_t denied;          /* answered VGL_E_PERM */
    uint64_t replies_lost;    /* answered after the client went away */
    uint64_t events_sent;
    uint64_t events_dropped;  /* subscriber's ring full, or event too big */
    uint64_t disconnects;     /* clients we cut off (not reading replies) */
} vgl_ipc_stats;

/* Create the service NAME (VGL_IPC_SERVICE for vigild; tests use unique
 * names) and start accepting clients on the default main context.
 * handlers[n]: copied; each type at most once, fn not NULL.  ud: passed to
 * every handler.
 * Returns 0 and [out] *out (free with vgl_ipc_server_free()), or -EINVAL
 * (bad arguments), -EEXIST (a type twice, or PING/SUBSCRIBE), -EADDRINUSE
 * (the service already runs) or another -errno from libqb; *out = NULL. */
int vgl_ipc_server_new(const char *name, const vgl_ipc_handler *handlers, size_t n,
                       void *ud, vgl_ipc_server **out);

/* Disconnect every client and stop the service.  Requests still held by
 * handlers stay valid: answering them later just frees them.  Do not call
 * from inside a handler.  NULL is fine. */
void vgl_ipc_server_free(vgl_ipc_server *s);

/* Use GROUP (not "haclient") as the admin group for connections accepted
 * from now on.  Returns 0 or -EINVAL. */
int vgl_ipc_server_set_admin_group(vgl_ipc_server *s, const char *group);

/* [out] *out: the counters now (zeroed if s is NULL). */
void vgl_ipc_server_stats(const vgl_ipc_server *s, vgl_ipc_stats *out);

/* Send event EVENT_TYPE with FIELDS (a{sv} or NULL; a floating reference is
 * consumed) to every subscriber that wants that type.  Never blocks.
 * Returns how many subscribers got it (those whose ring was full did not),
 * or -EINVAL. */
int vgl_ipc_broadcast(vgl_ipc_server *s, uint32_t event_type, GVariant *fields);

/* Answer REQ and free it.  rc: 0, -errno or a vgl_rc; error_text: what went
 * wrong, for a person (NULL for none); fields: a{sv} or NULL, floating
 * reference consumed.  A reply too big for the client's buffer is replaced
 * by a VGL_E_LIMIT error.  Returns 0 when sent; VGL_E_LIMIT when that
 * error went instead; -ENOTCONN when the client (or the server) is gone (the
 * reply is dropped, nothing else happens); -EINVAL for a NULL req, rc > 0 or
 * fields not a{sv} (the client then gets an -EINVAL error reply); another
 * -errno when sending failed (the client is then disconnected). */
int vgl_ipc_reply(vgl_ipc_request *req, int rc, const char *error_text, GVariant *fields);

/* Accessors; req must not be NULL. */
uint32_t vgl_ipc_request_type(const vgl_ipc_request *req);
uint64_t vgl_ipc_request_id(const vgl_ipc_request *req);
GVariant *vgl_ipc_request_fields(const vgl_ipc_request *req);   /* borrowed */
uid_t vgl_ipc_request_uid(const vgl_ipc_request *req);
pid_t vgl_ipc_request_pid(const vgl_ipc_request *req);
/* True once the client disconnected: the handler may give up early (it must
 * still call vgl_ipc_reply() to free req). */
bool vgl_ipc_request_client_gone(const vgl_ipc_request *req);

#endif
