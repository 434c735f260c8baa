/*
 * ipc_proto.c — encoding and decoding of the frames in ipc_proto.h, shared
 * by vigild's IPC server and the client library.
 *
 * Workload: one encode and one decode per request, reply and event; frames
 * are small (a PING is under 100 bytes) and the IPC round trip budget is
 * well under a millisecond, so the code stays simple: one copy of the
 * payload, one GVariant, one sort of the field names.
 *
 * Invariants.  A decoder reads its input exactly once, with memcpy, before
 * anything else looks at it: request frames sit in a ring buffer that the
 * (possibly hostile) peer may rewrite while we parse, and GVariant trusts
 * its bytes not to change under it.  Size limits are checked before any
 * allocation that depends on the peer.  Every decoder leaves its outputs
 * zeroed on failure, except where ipc_proto.h says otherwise.  Nothing here
 * logs: errors are returned with a text naming what was wrong.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>
#include <vigil/ipc_proto.h>
#include <vigil/vigil.h>

#include "daemon/ipc_internal.h"

/* The three frame kinds: which libqb header, which id, which payload type. */
typedef struct frame_kind {
    const char *what;
    int32_t id;
    size_t header;
    const char *type;
} frame_kind;

static const frame_kind kind_request = {
    "request", VGL_IPC_FRAME_REQUEST, sizeof(struct qb_ipc_request_header),
    VGL_IPC_REQUEST_TYPE,
};
static const frame_kind kind_reply = {
    "reply", VGL_IPC_FRAME_REPLY, sizeof(struct qb_ipc_response_header),
    VGL_IPC_REPLY_TYPE,
};
static const frame_kind kind_event = {
    "event", VGL_IPC_FRAME_EVENT, sizeof(struct qb_ipc_response_header),
    VGL_IPC_EVENT_TYPE,
};

const char *vgl_ipc_type_name(uint32_t type)
{
    switch (type) {
    case VGL_IPC_PING: return "PING";
    case VGL_IPC_SUBSCRIBE: return "SUBSCRIBE";
    case VGL_IPC_STATUS: return "STATUS";
    case VGL_IPC_CIB_QUERY: return "CIB_QUERY";
    case VGL_IPC_CIB_CHANGE: return "CIB_CHANGE";
    case VGL_IPC_RESOURCE_OP: return "RESOURCE_OP";
    case VGL_IPC_NODE_OP: return "NODE_OP";
    case VGL_IPC_FENCE: return "FENCE";
    case VGL_IPC_SHUTDOWN: return "SHUTDOWN";
    default: return NULL;
    }
}

const char *vgl_ipc_event_name(uint32_t type)
{
    switch (type) {
    case VGL_IPC_EV_CIB_CHANGED: return "CIB_CHANGED";
    case VGL_IPC_EV_MEMBERSHIP: return "MEMBERSHIP";
    case VGL_IPC_EV_QUORUM: return "QUORUM";
    case VGL_IPC_EV_TRANSITION: return "TRANSITION";
    case VGL_IPC_EV_ACTION: return "ACTION";
    case VGL_IPC_EV_FENCE: return "FENCE";
    case VGL_IPC_EV_SHUTDOWN: return "SHUTDOWN";
    default: return NULL;
    }
}

#define set_error vgl__ipc_set_error

void vgl__ipc_set_error(char **error, const char *fmt, ...)
{
    va_list ap;

    if (error == NULL) {
        return;
    }
    g_free(*error);
    va_start(ap, fmt);
    *error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

/* ---- encoding ---- */

/* Take the caller's fields (floating or not): NULL becomes an empty a{sv};
 * anything but an a{sv} gives NULL. */
static GVariant *fields_take(GVariant *fields)
{
    if (fields == NULL) {
        return g_variant_ref_sink(g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
    }
    g_variant_ref_sink(fields);
    if (!g_variant_is_of_type(fields, G_VARIANT_TYPE_VARDICT)) {
        g_variant_unref(fields);
        return NULL;
    }
    return fields;
}

/* Serialise payload (floating reference consumed) behind a header. */
static int frame_build(const frame_kind *k, GVariant *payload, int32_t error,
                       size_t max, void **frame, size_t *len)
{
    GVariant *normal = g_variant_get_normal_form(g_variant_ref_sink(payload));
    size_t total = k->header + g_variant_get_size(normal);
    char *buf;
    int rc = 0;

    g_variant_unref(payload);
    if (total > max || total > INT32_MAX) {
        rc = VGL_E_LIMIT;
        goto done;
    }
    buf = g_malloc0(total);
    if (k->header == sizeof(struct qb_ipc_request_header)) {
        struct qb_ipc_request_header h = { .id = k->id, .size = (int32_t)total };
        memcpy(buf, &h, sizeof(h));
    } else {
        struct qb_ipc_response_header h = { .id = k->id, .size = (int32_t)total, .error = error };
        memcpy(buf, &h, sizeof(h));
    }
    g_variant_store(normal, buf + k->header);
    *frame = buf;
    *len = total;

done:
    g_variant_unref(normal);
    return rc;
}

/* Requests and events: (version, type, id or sequence number, fields). */
static int encode_uuta(const frame_kind *k, uint32_t type, uint64_t number, GVariant *fields,
                       size_t max, void **frame, size_t *len)
{
    GVariant *f = fields_take(fields);
    int rc = -EINVAL;

    if (frame != NULL) {
        *frame = NULL;
    }
    if (len != NULL) {
        *len = 0;
    }
    if (f == NULL || number == 0 || frame == NULL || len == NULL) {
        goto done;
    }
    rc = frame_build(k, g_variant_new("(uut@a{sv})", VGL_IPC_PROTO_VERSION, type, number, f),
                     0, max, frame, len);
done:
    g_clear_pointer(&f, g_variant_unref);
    return rc;
}

int vgl_ipc_request_encode(uint32_t type, uint64_t id, GVariant *fields,
                           size_t max, void **frame, size_t *len)
{
    return encode_uuta(&kind_request, type, id, fields, max, frame, len);
}

int vgl_ipc_event_encode(uint32_t type, uint64_t seq, GVariant *fields,
                         size_t max, void **frame, size_t *len)
{
    return encode_uuta(&kind_event, type, seq, fields, max, frame, len);
}

/* Error text as it goes on the wire: valid UTF-8, at most VGL_IPC_ERROR_MAX
 * bytes, cut on a character boundary.  Caller g_frees. */
static char *error_text_clean(const char *text)
{
    char *s = g_utf8_make_valid(text != NULL ? text : "", -1);
    size_t n = strlen(s);

    if (n > VGL_IPC_ERROR_MAX) {
        n = VGL_IPC_ERROR_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
        s[n] = '\0';
    }
    return s;
}

int vgl_ipc_reply_encode(uint64_t id, int32_t rc, const char *error_text,
                         GVariant *fields, size_t max, void **frame, size_t *len)
{
    GVariant *f = fields_take(fields);
    char *text = NULL;
    int ret = -EINVAL;

    if (frame != NULL) {
        *frame = NULL;
    }
    if (len != NULL) {
        *len = 0;
    }
    if (f == NULL || rc > 0 || frame == NULL || len == NULL) {
        goto done;
    }
    text = error_text_clean(error_text);
    ret = frame_build(&kind_reply,
                      g_variant_new("(utis@a{sv})", VGL_IPC_PROTO_VERSION, id, rc, text, f),
                      rc, max, frame, len);
done:
    g_free(text);
    g_clear_pointer(&f, g_variant_unref);
    return ret;
}

/* ---- decoding ---- */

/* Check the header and turn the payload into a normal-form GVariant of the
 * kind's type.  [out] *payload (new reference) and *hdr_error (the reply
 * and event header's error field). */
static int frame_open(const frame_kind *k, const void *frame, size_t len, size_t max,
                      int32_t *hdr_error, GVariant **payload, char **error)
{
    struct qb_ipc_response_header h = { 0 };
    GBytes *bytes;
    GVariant *v;

    *payload = NULL;
    *hdr_error = 0;
    if (frame == NULL) {
        set_error(error, "no %s frame", k->what);
        return VGL_E_PROTOCOL;
    }
    if (len > max) {
        set_error(error, "%s frame of %zu bytes exceeds the limit of %zu bytes", k->what, len, max);
        return VGL_E_LIMIT;
    }
    if (len < k->header) {
        set_error(error, "%s frame of %zu bytes is shorter than its %zu-byte header",
                  k->what, len, k->header);
        return VGL_E_PROTOCOL;
    }
    memcpy(&h, frame, k->header);
    if (h.id != k->id) {
        set_error(error, "frame kind 0x%x is not a %s (0x%x)", (unsigned)h.id, k->what, (unsigned)k->id);
        return VGL_E_PROTOCOL;
    }
    if (h.size < 0 || (size_t)h.size != len) {
        set_error(error, "%s header says %d bytes, the frame has %zu", k->what, h.size, len);
        return VGL_E_PROTOCOL;
    }
    /* The one copy: from here on nobody else can change the bytes. */
    bytes = g_bytes_new((const char *)frame + k->header, len - k->header);
    v = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE(k->type), bytes, FALSE));
    g_bytes_unref(bytes);
    if (!g_variant_is_normal_form(v)) {
        g_variant_unref(v);
        set_error(error, "%s payload is not a normal-form GVariant of type %s", k->what, k->type);
        return VGL_E_PROTOCOL;
    }
    *hdr_error = h.error;
    *payload = v;
    return 0;
}

static bool key_valid(const char *key)
{
    size_t i;

    if (!g_ascii_islower(key[0])) {
        return false;
    }
    for (i = 1; key[i] != '\0'; i++) {
        if (i >= VGL_IPC_KEY_MAX
            || !(g_ascii_islower(key[i]) || g_ascii_isdigit(key[i]) || key[i] == '_' || key[i] == '-')) {
            return false;
        }
    }
    return true;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Field names: valid, unique, not too many. */
static int fields_check(GVariant *fields, const char *what, char **error)
{
    size_t n = g_variant_n_children(fields);
    const char **keys;
    size_t i;
    int rc = 0;

    if (n > VGL_IPC_FIELDS_MAX) {
        set_error(error, "%s has %zu fields, at most %u are allowed", what, n, VGL_IPC_FIELDS_MAX);
        return VGL_E_PROTOCOL;
    }
    keys = g_new(const char *, n + 1);
    for (i = 0; i < n; i++) {
        g_variant_get_child(fields, i, "{&s@v}", &keys[i], NULL);
        if (!key_valid(keys[i])) {
            char *shown = g_strescape(keys[i], NULL);

            if (strlen(shown) > VGL_IPC_KEY_MAX) {
                strcpy(shown + VGL_IPC_KEY_MAX - 3, "...");
            }
            set_error(error, "%s has a bad field name \"%s\" (want 1 to %u of a-z 0-9 _ -, starting with a letter)",
                      what, shown, VGL_IPC_KEY_MAX);
            g_free(shown);
            rc = VGL_E_PROTOCOL;
            goto done;
        }
    }
    qsort(keys, n, sizeof(*keys), key_cmp);
    for (i = 1; i < n; i++) {
        if (strcmp(keys[i - 1], keys[i]) == 0) {
            set_error(error, "%s has the field '%s' twice", what, keys[i]);
            rc = VGL_E_PROTOCOL;
            goto done;
        }
    }
done:
    g_free(keys);
    return rc;
}

static int version_check(const frame_kind *k, uint32_t version, char **error)
{
    if (version == VGL_IPC_PROTO_VERSION) {
        return 0;
    }
    set_error(error, "%s speaks protocol version %u; this side speaks version %u",
              k->what, version, VGL_IPC_PROTO_VERSION);
    return VGL_E_VERSION;
}

/* Requests and events share the shape (version, type, number, fields); the
 * number is a request id or a sequence number, and 0 is never valid. */
static int decode_uuta(const frame_kind *k, const char *number_name,
                       const void *frame, size_t len, size_t max,
                       uint32_t *type, uint64_t *number, GVariant **fields, char **error)
{
    GVariant *v = NULL, *f = NULL;
    uint32_t version = 0, t = 0;
    uint64_t num = 0;
    int32_t unused;
    int rc;

    if (error != NULL) {
        *error = NULL;
    }
    if (type == NULL || number == NULL || fields == NULL) {
        set_error(error, "bad arguments");
        return -EINVAL;
    }
    *type = 0;
    *number = 0;
    *fields = NULL;
    rc = frame_open(k, frame, len, max, &unused, &v, error);
    if (rc != 0) {
        goto done;
    }
    g_variant_get(v, "(uut@a{sv})", &version, &t, &num, &f);
    rc = version_check(k, version, error);
    if (rc == 0 && num == 0) {
        set_error(error, "%s %s 0 is reserved", k->what, number_name);
        rc = VGL_E_PROTOCOL;
    } else if (rc == 0) {
        rc = fields_check(f, k->what, error);
    }
    if (rc == 0 || rc == VGL_E_VERSION) {
        *type = t;
        *number = num;
    }
    if (rc == 0) {
        *fields = g_steal_pointer(&f);
    }
done:
    g_clear_pointer(&f, g_variant_unref);
    g_clear_pointer(&v, g_variant_unref);
    return rc;
}

int vgl_ipc_request_decode(const void *frame, size_t len, size_t max,
                           uint32_t *type, uint64_t *id, GVariant **fields,
                           char **error)
{
    return decode_uuta(&kind_request, "id", frame, len, max, type, id, fields, error);
}

int vgl_ipc_reply_decode(const void *frame, size_t len, size_t max,
                         uint64_t *id, int32_t *rc_out, char **error_text,
                         GVariant **fields, char **error)
{
    GVariant *v = NULL, *f = NULL;
    uint32_t version = 0;
    uint64_t rid = 0;
    int32_t hdr_rc = 0, rc_wire = 0;
    const char *text = NULL;
    int rc;

    if (error != NULL) {
        *error = NULL;
    }
    if (id == NULL || rc_out == NULL || error_text == NULL || fields == NULL) {
        set_error(error, "bad arguments");
        return -EINVAL;
    }
    *id = 0;
    *rc_out = 0;
    *error_text = NULL;
    *fields = NULL;
    rc = frame_open(&kind_reply, frame, len, max, &hdr_rc, &v, error);
    if (rc != 0) {
        goto done;
    }
    g_variant_get(v, "(uti&s@a{sv})", &version, &rid, &rc_wire, &text, &f);
    rc = version_check(&kind_reply, version, error);
    if (rc != 0) {
        *id = rid;
        goto done;
    }
    rc = VGL_E_PROTOCOL;
    if (rc_wire > 0 || rc_wire != hdr_rc) {
        set_error(error, "reply has rc %d (header: %d); want equal values <= 0", rc_wire, hdr_rc);
    } else if (strlen(text) > VGL_IPC_ERROR_MAX) {
        set_error(error, "reply error text of %zu bytes exceeds %u", strlen(text), VGL_IPC_ERROR_MAX);
    } else {
        rc = fields_check(f, "reply", error);
    }
    if (rc == 0) {
        *id = rid;
        *rc_out = rc_wire;
        *error_text = g_strdup(text);
        *fields = g_steal_pointer(&f);
    }
done:
    g_clear_pointer(&f, g_variant_unref);
    g_clear_pointer(&v, g_variant_unref);
    return rc;
}

int vgl_ipc_event_decode(const void *frame, size_t len, size_t max,
                         uint32_t *type, uint64_t *seq, GVariant **fields,
                         char **error)
{
    return decode_uuta(&kind_event, "sequence number", frame, len, max, type, seq, fields, error);
}

int vgl_ipc_field(GVariant *fields, const char *key, const char *type,
                  GVariant **value, char **error)
{
    GVariant *v;

    if (error != NULL) {
        *error = NULL;
    }
    if (value == NULL) {
        return -EINVAL;
    }
    *value = NULL;
    if (fields == NULL || key == NULL || type == NULL
        || !g_variant_type_string_is_valid(type)
        || !g_variant_is_of_type(fields, G_VARIANT_TYPE_VARDICT)) {
        return -EINVAL;
    }
    v = g_variant_lookup_value(fields, key, NULL);
    if (v == NULL) {
        return -ENOENT;
    }
    if (!g_variant_is_of_type(v, G_VARIANT_TYPE(type))) {
        set_error(error, "field '%s' must be of type %s, not %s", key, type, g_variant_get_type_string(v));
        g_variant_unref(v);
        return VGL_E_INVALID;
    }
    *value = v;
    return 0;
}
