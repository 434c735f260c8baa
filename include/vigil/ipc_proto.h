/*
 * ipc_proto.h — the wire format between vigild and its tools, and the
 * catalogue of request and event types.
 *
 * Transport: libqb IPC (service VGL_IPC_SERVICE), shared-memory rings.  Every
 * frame is a libqb header followed by one GVariant in normal form:
 *
 *   request  qb_ipc_request_header  {id = VGL_IPC_FRAME_REQUEST, size}
 *            "(uuta{sv})"  (proto_version, request type, request id, fields)
 *   reply    qb_ipc_response_header {id = VGL_IPC_FRAME_REPLY, size, error = rc}
 *            "(utisa{sv})" (proto_version, request id, rc, error text, fields)
 *   event    qb_ipc_response_header {id = VGL_IPC_FRAME_EVENT, size, error = 0}
 *            "(uuta{sv})"  (proto_version, event type, sequence, fields)
 *
 * Compatibility rules.  The three tuple shapes never change.  Everything new
 * goes into the a{sv} fields: a reader ignores fields it does not know, so
 * either side may be newer.  VGL_IPC_PROTO_VERSION changes only when the
 * meaning of something that exists changes; a request of another version is
 * answered with VGL_E_VERSION (in this version's reply shape).
 *
 * Requests and replies.  The client picks the request id (never 0); the
 * reply carries it back, so a client that timed out can recognise and drop a
 * late reply.  A request the server cannot decode far enough to read its id
 * is answered with id 0.  rc is 0, -errno or a vgl_rc (vigil.h); the error
 * text says what went wrong and is "" on success.
 *
 * Events.  The sequence number counts, per subscriber, every event addressed
 * to it from 1 on.  A subscriber that does not read fast enough loses events
 * (the server never blocks on it); it sees the loss as a gap in sequence
 * numbers and should re-read the state it mirrors (STATUS, CIB_QUERY).
 *
 * Decoding is strict and bounded: size limits first, then the exact GVariant
 * type, normal form, field names (VGL_IPC_KEY_MAX chars of [a-z0-9_-],
 * starting with a letter), no duplicate names, at most VGL_IPC_FIELDS_MAX
 * fields.  Values are checked where they are used, with vgl_ipc_field().
 * Decoders copy their input first: request frames live in a ring buffer the
 * peer can still write to while we parse.
 */
#ifndef VIGIL_IPC_PROTO_H
#define VIGIL_IPC_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VGL_IPC_SERVICE "vigil"      /* libqb service name of vigild */
#define VGL_IPC_PROTO_VERSION 1u

/* The libqb header's id field: which kind of frame follows ('V' 'G' kind). */
#define VGL_IPC_FRAME_REQUEST 0x56470001
#define VGL_IPC_FRAME_REPLY 0x56470002
#define VGL_IPC_FRAME_EVENT 0x56470003

#define VGL_IPC_REQUEST_TYPE "(uuta{sv})"
#define VGL_IPC_REPLY_TYPE "(utisa{sv})"
#define VGL_IPC_EVENT_TYPE "(uuta{sv})"

/* Limits.  The buffer size is per connection and bounds every frame on it
 * (libqb rings); a client asks for one when it connects, the server grants
 * at least VGL_IPC_BUFFER_DEFAULT and refuses more than VGL_IPC_BUFFER_MAX.
 * Cost: libqb makes three rings of that size per connection and touches
 * them at once, so each connection adds about 3.4 x buffer (~440 KB by
 * default) to vigild's RSS while it lasts.  Ask for more only for what
 * needs it (a whole CIB of a big cluster); a reply that does not fit comes
 * back as VGL_E_LIMIT saying so. */
#define VGL_IPC_BUFFER_DEFAULT (128u * 1024u)
#define VGL_IPC_BUFFER_MAX (16u * 1024u * 1024u)
#define VGL_IPC_FIELDS_MAX 1024u   /* fields in one message's a{sv} */
#define VGL_IPC_KEY_MAX 64u        /* length of one field name */
#define VGL_IPC_ERROR_MAX 4096u    /* bytes of error text kept in a reply */

/*
 * Request types.  read-only ones are open to every local user; the others
 * need uid 0 or the group haclient.  Only PING and SUBSCRIBE are served by
 * the IPC module itself; vigild registers handlers for the rest.  Field
 * names are listed as name:type (GVariant type string); "?" marks optional.
 * The lead extends this list; numbers are never reused.
 */
typedef enum vgl_ipc_type {
    /* read-only.  Request: echo:v?  Reply: proto:u, version:s (package
     * version), pid:u (of vigild), echo:v (if given). */
    VGL_IPC_PING = 1,
    /* read-only.  Start (or change) the event stream of this connection.
     * Request: events:au? (event types wanted; absent or empty = all).
     * Reply: next_seq:t (sequence number the next event will carry). */
    VGL_IPC_SUBSCRIBE = 2,
    /* read-only.  Cluster at a glance (ha-status).  Request: none.
     * Reply (proposal): node:s (this node), coordinator:s, quorate:b,
     * cib_version:t, nodes:aa{sv} {name:s, id:u, state:s (online, standby,
     * maintenance, offline, unclean, fenced)}, resources:aa{sv} {id:s,
     * state:s, node:s, since_ms:x, fail_count:u}, constraints:aa{sv} (left
     * by move/ban), fencing:aa{sv} (recent history). */
    VGL_IPC_STATUS = 10,
    /* read-only.  Request: section:s? (configuration, status, all; default
     * all).  Reply: xml:s, cib_version:t. */
    VGL_IPC_CIB_QUERY = 11,
    /* Change the configuration; acknowledged after it went through the
     * cluster and was persisted.  Request: xml:s (new configuration) or
     * diff:s, base_version:t? (refuse with VGL_E_VERSION if the CIB moved
     * on).  Reply: cib_version:t. */
    VGL_IPC_CIB_CHANGE = 20,
    /* Request: op:s (start, stop, restart, cleanup, move, ban, clear,
     * failcount), resource:s, node:s?, lifetime_ms:x?.  Reply: cib_version:t?,
     * fail_count:u? */
    VGL_IPC_RESOURCE_OP = 21,
    /* Request: op:s (standby, online, maintenance, ready, attribute),
     * node:s, name:s?, value:s?.  Reply: cib_version:t? */
    VGL_IPC_NODE_OP = 22,
    /* Request: node:s, action:s? (reboot, off, on; default reboot).
     * Reply: when the fence result is in the CIB: result:i, device:s? */
    VGL_IPC_FENCE = 23,
    /* Stop vigild on this node the clean way (resources handed over first).
     * Request: none.  Reply: none (sent before the hand-over starts). */
    VGL_IPC_SHUTDOWN = 24,
} vgl_ipc_type;

/* Event types (fields as above).  A subscriber gets all of them unless it
 * asked for a list in SUBSCRIBE. */
typedef enum vgl_ipc_event {
    VGL_IPC_EV_CIB_CHANGED = 1,  /* cib_version:t, origin:s? (node) */
    VGL_IPC_EV_MEMBERSHIP = 2,   /* members:as, coordinator:s */
    VGL_IPC_EV_QUORUM = 3,       /* quorate:b */
    VGL_IPC_EV_TRANSITION = 4,   /* id:t, state:s (started, completed,
                                  * aborted), actions:u */
    VGL_IPC_EV_ACTION = 5,       /* resource:s, op:s, node:s, rc:i,
                                  * duration_ms:u, interval_ms:u? */
    VGL_IPC_EV_FENCE = 6,        /* target:s, action:s, rc:i, device:s? */
    VGL_IPC_EV_SHUTDOWN = 7,     /* node:s (vigild there is stopping) */
} vgl_ipc_event;

/* Names for logs and error texts: "PING", "CIB_CHANGE", "CIB_CHANGED"...;
 * unknown numbers give NULL. */
const char *vgl_ipc_type_name(uint32_t type);
const char *vgl_ipc_event_name(uint32_t type);

/* ---- encoding: each returns a whole frame (libqb header + payload) ----
 * fields: an a{sv} or NULL (empty); a floating reference is consumed.
 * max: the largest frame allowed (the connection's buffer size).
 * Return 0 and [out] *frame (caller frees with g_free) and *len; or -EINVAL
 * (fields not a{sv}, request id 0) or VGL_E_LIMIT (frame larger than max),
 * with *frame = NULL, *len = 0. */
int vgl_ipc_request_encode(uint32_t type, uint64_t id, GVariant *fields,
                           size_t max, void **frame, size_t *len);
/* error_text: NULL for "", made valid UTF-8 and cut at VGL_IPC_ERROR_MAX. */
int vgl_ipc_reply_encode(uint64_t id, int32_t rc, const char *error_text,
                         GVariant *fields, size_t max, void **frame, size_t *len);
int vgl_ipc_event_encode(uint32_t type, uint64_t seq, GVariant *fields,
                         size_t max, void **frame, size_t *len);

/* ---- decoding ----
 * frame/len: bytes as received (copied before use; any alignment).
 * max: the largest frame accepted.
 * Return 0 with every [out] set; fields is a new reference to the a{sv}
 * (caller unrefs).  On failure the outs are 0/NULL except as noted, and
 * *error (caller g_frees; may pass NULL) says what was wrong:
 *   VGL_E_LIMIT     frame larger than max
 *   VGL_E_PROTOCOL  not a frame of this kind, wrong size, not a normal-form
 *                   GVariant of the type, bad or duplicate field names
 *   VGL_E_VERSION   another protocol version; type and id (request), id
 *                   (reply) or type and seq (event) ARE set, so that an
 *                   error reply can be addressed. */
int vgl_ipc_request_decode(const void *frame, size_t len, size_t max,
                           uint32_t *type, uint64_t *id, GVariant **fields,
                           char **error);
int vgl_ipc_reply_decode(const void *frame, size_t len, size_t max,
                         uint64_t *id, int32_t *rc, char **error_text,
                         GVariant **fields, char **error);
int vgl_ipc_event_decode(const void *frame, size_t len, size_t max,
                         uint32_t *type, uint64_t *seq, GVariant **fields,
                         char **error);

/* Look up field KEY, expected of GVariant type TYPE (e.g. "s", "au"), in
 * FIELDS (a{sv}).  Returns 0 with [out] *value (new reference, caller
 * unrefs); -ENOENT if absent (*value = NULL, no error text); VGL_E_INVALID
 * if present with another type, with *error (caller g_frees; may be NULL)
 * like "field 'node' must be of type s, not u"; -EINVAL for bad arguments. */
int vgl_ipc_field(GVariant *fields, const char *key, const char *type,
                  GVariant **value, char **error);

#ifdef __cplusplus
}
#endif
#endif
