/*
 * client.h — how a tool talks to vigild (crmctl, ha-status, scripts).
 *
 * A connection is synchronous and small: send a request, wait for its reply
 * (with a timeout), get back rc, an error text for people and the reply's
 * fields.  Request types and their fields: <vigil/ipc_proto.h>.  For the
 * event stream, subscribe once, watch vgl_client_event_fd() with poll(2) or
 * glib, and when it is readable call vgl_client_event_next(c, 0, ...) until
 * it returns -EAGAIN.
 *
 *     vgl_client *c;
 *     int rc = vgl_client_connect(NULL, 0, &c);
 *     if (rc == VGL_E_UNAVAILABLE) ... "vigild is not running"
 *     GVariant *reply; char *err;
 *     rc = vgl_client_request(c, VGL_IPC_STATUS, NULL, 5000, &reply, &err);
 *     ...; g_clear_pointer(&reply, g_variant_unref); g_free(err);
 *     vgl_client_disconnect(c);
 *
 * A vgl_client belongs to one thread at a time.  Nothing here logs.
 */
#ifndef VIGIL_CLIENT_H
#define VIGIL_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <vigil/ipc_proto.h>
#include <vigil/vigil.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vgl_client vgl_client;

/* Connect to SERVICE (NULL: VGL_IPC_SERVICE, i.e. vigild) with a buffer of
 * BUFFER bytes per message (0: VGL_IPC_BUFFER_DEFAULT; the server may grant
 * more).  Returns 0 and [out] *out (free with vgl_client_disconnect()), or
 * with *out = NULL: VGL_E_UNAVAILABLE (vigild is not running), VGL_E_PERM,
 * VGL_E_BUSY (too many clients), VGL_E_LIMIT (BUFFER above
 * VGL_IPC_BUFFER_MAX), -EINVAL, or another -errno. */
int vgl_client_connect(const char *service, size_t buffer, vgl_client **out);

/* Close and free; NULL is fine. */
void vgl_client_disconnect(vgl_client *c);

/* The message size limit in force on this connection, in bytes. */
size_t vgl_client_buffer_size(const vgl_client *c);

/* Send request TYPE with FIELDS (a{sv} or NULL; a floating reference is
 * consumed) and wait up to TIMEOUT_MS (< 0: no limit) for its reply.
 * Returns the reply's rc (0, -errno or a vgl_rc from vigild), or a local
 * failure: VGL_E_TIMEOUT, VGL_E_UNAVAILABLE (connection lost), VGL_E_LIMIT
 * (request larger than the buffer), VGL_E_PROTOCOL / VGL_E_VERSION (reply
 * not understood), -EINVAL.
 * [out] *reply: the reply's fields (a{sv}; caller unrefs) whenever a reply
 * arrived, even an error reply; else NULL.  May be NULL.
 * [out] *error_text: what went wrong for a person (caller g_frees); NULL
 * when rc is 0.  May be NULL.
 * A reply that comes after its timeout is recognised and dropped later. */
int vgl_client_request(vgl_client *c, uint32_t type, GVariant *fields, int timeout_ms,
                       GVariant **reply, char **error_text);

/* Subscribe to the event stream: EVENTS[n] (vgl_ipc_event values) or every
 * type if n == 0.  Calling it again replaces the list.  Returns as
 * vgl_client_request(). */
int vgl_client_subscribe(vgl_client *c, const uint32_t *events, size_t n, int timeout_ms,
                         char **error_text);

/* The fd that becomes readable when events are waiting, or -EINVAL. */
int vgl_client_event_fd(const vgl_client *c);

/* Read the next event, waiting up to TIMEOUT_MS (0: do not wait; < 0: no
 * limit).  Returns 0 with [out] *type, *fields (a{sv}; caller unrefs) and
 * *missed (events the server dropped for us since the previous one: if not
 * 0, re-read the state you mirror); -EAGAIN when none arrived;
 * VGL_E_UNAVAILABLE when the connection is lost; VGL_E_PROTOCOL for an
 * event that could not be decoded (it is skipped); -EINVAL.  On failure
 * the outs are 0 / NULL. */
int vgl_client_event_next(vgl_client *c, int timeout_ms, uint32_t *type, GVariant **fields,
                          uint64_t *missed);

#ifdef __cplusplus
}
#endif
#endif
