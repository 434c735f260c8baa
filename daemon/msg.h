/*
 * msg.h — the messages vigild nodes send each other over CPG.
 *
 * Wire format: one marker byte, then a GVariant of type "(uuua{sv})":
 * (protocol version, oldest version the sender can talk with, message type,
 * fields).  Marker 'V' is a plain GVariant, 'Z' a zlib-compressed one (used
 * above VGL_MSG_COMPRESS_AT bytes).  Fields are a dictionary so that a newer
 * sender may add fields that older receivers ignore (rolling upgrades).
 * Decoding is strict: size limits, normal form, exact types per field.
 * A message is accepted when the two ranges [min_version, version] of the
 * sender and of this build overlap (vgl_msg_proto_version/_min below).
 */
#ifndef VGL_DAEMON_MSG_H
#define VGL_DAEMON_MSG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define VGL_PROTO_VERSION 1u
#define VGL_PROTO_MIN 1u
#define VGL_MSG_MAX (64u * 1024 * 1024)    /* decoded size limit */
#define VGL_MSG_COMPRESS_AT (32u * 1024)

/* Message types.  The table of who sends what and what it does is in
 * doc/protocol.md; the names match tests/model/vigil.pml. */
typedef enum vgl_msg_type {
    VGL_MSG_ANNOUNCE = 1,    /* after each view change: my truth and versions */
    VGL_MSG_SYNC = 2,        /* from the winner: the whole CIB for everyone */
    VGL_MSG_CIB_DIFF = 3,    /* a configuration change (diff with base digest) */
    VGL_MSG_ACTIONS = 4,     /* coordinator dispatches actions to nodes */
    VGL_MSG_OP_RESULT = 5,   /* an executor's result(s) */
    VGL_MSG_ATTR = 6,        /* set/unset a transient node attribute */
    VGL_MSG_FENCE_RESULT = 7, /* the outcome of fencing a node */
    VGL_MSG_LEAVING = 8,     /* a node starts a clean shutdown */
    VGL_MSG_CLEANUP = 9,     /* forget a resource's history and fail counts */
    VGL_MSG_FENCE_REQUEST = 10, /* an operator asks the coordinator to fence */
    VGL_MSG_CHANGE_REQUEST = 11, /* a tool's change, for the coordinator to apply */
    VGL_MSG_CIB_APPLIED = 12, /* a member applied and persisted a CIB_DIFF */
    VGL_MSG_CIB_REFUSED = 13, /* the coordinator refused a CHANGE_REQUEST */
    VGL_MSG_TYPE_MAX = 13,
} vgl_msg_type;

const char *vgl_msg_type_name(uint32_t type);

/* The protocol this build speaks: version sent in every message and the
 * oldest version it accepts.  VGL_PROTO_VERSION and VGL_PROTO_MIN, unless
 * the rolling-upgrade test hook is set: VIGIL_TEST_PROTO_VERSION=N or N:MIN
 * in the environment (read once, on first use) makes this build announce
 * protocol N, accept peers down to MIN (default VGL_PROTO_MIN), and, when
 * N is newer than VGL_PROTO_VERSION, add the field "x-future" to every
 * message it builds, as a newer release would add fields that older peers
 * must ignore.  A value that is not N >= VGL_PROTO_VERSION, 1 <= MIN <= N
 * is ignored.  vgl_msg_proto_overridden() says whether the hook is on. */
uint32_t vgl_msg_proto_version(void);
uint32_t vgl_msg_proto_min(void);
bool vgl_msg_proto_overridden(void);

/* The versions [out] *version and *min_version of a message, read from its
 * envelope only (nothing else is checked), so that a message refused with
 * VGL_E_PROTOCOL can be logged with the versions that do not meet.
 * Returns false (and sets both to 0) when the bytes are not a message. */
bool vgl_msg_peek_versions(const void *data, size_t len, uint32_t *version,
                           uint32_t *min_version);

/* A decoded message; fields is a GVariantDict over the a{sv}. */
typedef struct vgl_msg {
    uint32_t version;
    uint32_t min_version;
    uint32_t type;
    GVariantDict *fields;
} vgl_msg;

/* Building: start with vgl_msg_begin() (version and min_version are this
 * build's, see vgl_msg_proto_version()), add fields with
 * g_variant_dict_insert(m->fields, "key", "s", value), then vgl_msg_encode(). */
vgl_msg *vgl_msg_begin(vgl_msg_type type);

/* Serialize (and compress when large).  Caller frees with g_bytes_unref. */
GBytes *vgl_msg_encode(vgl_msg *m);

/* Decode untrusted bytes.  [out] *out NULL on failure; caller frees with
 * vgl_msg_free().  Returns 0, VGL_E_PARSE (not a message; *why says what),
 * VGL_E_LIMIT (too large) or VGL_E_PROTOCOL (versions do not meet). */
int vgl_msg_decode(const void *data, size_t len, vgl_msg **out, const char **why);

void vgl_msg_free(vgl_msg *m);

/* Typed lookups: NULL / false when the field is absent or has another type. */
const char *vgl_msg_str(const vgl_msg *m, const char *key);
bool vgl_msg_u32(const vgl_msg *m, const char *key, uint32_t *v);
bool vgl_msg_i32(const vgl_msg *m, const char *key, int32_t *v);
bool vgl_msg_u64(const vgl_msg *m, const char *key, uint64_t *v);
bool vgl_msg_i64(const vgl_msg *m, const char *key, int64_t *v);
bool vgl_msg_bool(const vgl_msg *m, const char *key, bool *v);
/* A nested value of exactly type t (e.g. "aa{sv}"); caller unrefs. */
GVariant *vgl_msg_value(const vgl_msg *m, const char *key, const char *t);

#endif
