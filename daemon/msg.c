/*
 * msg.c — encoding and strict decoding of CPG messages (see msg.h).
 *
 * Every byte here comes from a peer, possibly running another version or
 * simply broken, so decoding never trusts a length, a type or a nesting
 * depth: GVariant checks the serialization, we check the top-level type,
 * the size before and after decompression, and each field's type on lookup.
 *
 * Rolling upgrades: a receiver accepts a message when the sender's range
 * [min_version, version] meets its own; fields it does not know are simply
 * never looked up.  The versions this build speaks can be moved for the
 * mixed-cluster test (VIGIL_TEST_PROTO_VERSION, see msg.h), read once.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <vigil/vigil.h>

#include "daemon/msg.h"

#define ENVELOPE "(uuua{sv})"

static const char *type_names[] = {
    [VGL_MSG_ANNOUNCE] = "announce",
    [VGL_MSG_SYNC] = "sync",
    [VGL_MSG_CIB_DIFF] = "cib-diff",
    [VGL_MSG_ACTIONS] = "actions",
    [VGL_MSG_OP_RESULT] = "op-result",
    [VGL_MSG_ATTR] = "attr",
    [VGL_MSG_FENCE_RESULT] = "fence-result",
    [VGL_MSG_LEAVING] = "leaving",
    [VGL_MSG_CLEANUP] = "cleanup",
    [VGL_MSG_FENCE_REQUEST] = "fence-request",
    [VGL_MSG_CHANGE_REQUEST] = "change-request",
    [VGL_MSG_CIB_APPLIED] = "cib-applied",
    [VGL_MSG_CIB_REFUSED] = "cib-refused",
};

const char *vgl_msg_type_name(uint32_t type)
{
    if (type == 0 || type > VGL_MSG_TYPE_MAX || type_names[type] == NULL)
        return "unknown";
    return type_names[type];
}

/* ------------------------------------------------ the versions spoken */

typedef struct proto {
    uint32_t version, min;
    bool overridden;
} proto;

/* VIGIL_TEST_PROTO_VERSION=N[:MIN] (see msg.h); false when s is not valid. */
static bool proto_parse(const char *s, proto *p)
{
    guint64 n, min = VGL_PROTO_MIN;
    char *end;

    if (s == NULL || !g_ascii_isdigit(*s))
        return false;
    n = g_ascii_strtoull(s, &end, 10);
    if (*end == ':') {
        if (!g_ascii_isdigit(end[1]))
            return false;
        min = g_ascii_strtoull(end + 1, &end, 10);
    }
    if (*end != '\0' || n < VGL_PROTO_VERSION || n > UINT32_MAX || min < 1 || min > n)
        return false;
    p->version = (uint32_t)n;
    p->min = (uint32_t)min;
    p->overridden = true;
    return true;
}

static const proto *proto_get(void)
{
    static proto p = { VGL_PROTO_VERSION, VGL_PROTO_MIN, false };
    static gsize once = 0;

    if (g_once_init_enter(&once)) {
        proto o;
        if (proto_parse(g_getenv("VIGIL_TEST_PROTO_VERSION"), &o))
            p = o;
        g_once_init_leave(&once, 1);
    }
    return &p;
}

uint32_t vgl_msg_proto_version(void) { return proto_get()->version; }
uint32_t vgl_msg_proto_min(void) { return proto_get()->min; }
bool vgl_msg_proto_overridden(void) { return proto_get()->overridden; }

vgl_msg *vgl_msg_begin(vgl_msg_type type)
{
    const proto *p = proto_get();
    vgl_msg *m = g_new0(vgl_msg, 1);

    m->version = p->version;
    m->min_version = p->min;
    m->type = type;
    m->fields = g_variant_dict_new(NULL);
    if (p->version > VGL_PROTO_VERSION) /* what a newer release would add */
        g_variant_dict_insert(m->fields, "x-future", "s", "older peers ignore this field");
    return m;
}

void vgl_msg_free(vgl_msg *m)
{
    if (m == NULL)
        return;
    g_variant_dict_unref(m->fields);
    g_free(m);
}

/* Run data through a zlib (de)compressor; NULL when it fails or the output
 * would exceed limit bytes. */
static GBytes *convert(GConverter *conv, const void *data, size_t len, size_t limit)
{
    GByteArray *out = g_byte_array_new();
    const guint8 *in = data;
    size_t in_left = len;
    guint8 buf[65536];

    for (;;) {
        gsize read = 0, written = 0;
        GError *err = NULL;
        GConverterResult r = g_converter_convert(conv, in, in_left, buf, sizeof(buf),
                                                 G_CONVERTER_INPUT_AT_END, &read, &written, &err);
        if (r == G_CONVERTER_ERROR) {
            g_error_free(err);
            g_byte_array_unref(out);
            return NULL;
        }
        in += read;
        in_left -= read;
        if (out->len + written > limit) {
            g_byte_array_unref(out);
            return NULL;
        }
        g_byte_array_append(out, buf, (guint)written);
        if (r == G_CONVERTER_FINISHED)
            break;
        if (read == 0 && written == 0) { /* no progress: truncated input */
            g_byte_array_unref(out);
            return NULL;
        }
    }
    return g_byte_array_free_to_bytes(out);
}

GBytes *vgl_msg_encode(vgl_msg *m)
{
    GVariant *v;
    GByteArray *out;
    gsize size;

    GVariant *f = g_variant_ref_sink(g_variant_dict_end(m->fields));

    /* dict_end empties the dictionary for good: start a new one from the
     * fields so that m can be extended and encoded again. */
    g_variant_dict_unref(m->fields);
    m->fields = g_variant_dict_new(f);
    v = g_variant_ref_sink(g_variant_new("(uuu@a{sv})", m->version, m->min_version, m->type, f));
    g_variant_unref(f);
    size = g_variant_get_size(v);
    out = g_byte_array_sized_new((guint)size + 1);
    if (size >= VGL_MSG_COMPRESS_AT) {
        GZlibCompressor *z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 1);
        GBytes *c = convert(G_CONVERTER(z), g_variant_get_data(v), size, VGL_MSG_MAX);
        g_object_unref(z);
        if (c != NULL) {
            gsize clen;
            const void *cd = g_bytes_get_data(c, &clen);
            g_byte_array_append(out, (const guint8 *)"Z", 1);
            g_byte_array_append(out, cd, (guint)clen);
            g_bytes_unref(c);
            g_variant_unref(v);
            return g_byte_array_free_to_bytes(out);
        }
    }
    g_byte_array_append(out, (const guint8 *)"V", 1);
    g_byte_array_append(out, g_variant_get_data(v), (guint)size);
    g_variant_unref(v);
    return g_byte_array_free_to_bytes(out);
}

/* The envelope of untrusted bytes: [out] *env (caller unrefs) or NULL with
 * *why set.  Returns 0, VGL_E_PARSE or VGL_E_LIMIT. */
static int unpack(const void *data, size_t len, GVariant **env, const char **why)
{
    GBytes *body = NULL;
    int rc = VGL_E_PARSE;

    *env = NULL;
    if (data == NULL || len < 2) {
        *why = "message too short";
        goto done;
    }
    if (len > VGL_MSG_MAX) {
        *why = "message too large";
        rc = VGL_E_LIMIT;
        goto done;
    }
    if (((const char *)data)[0] == 'Z') {
        GZlibDecompressor *z = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
        body = convert(G_CONVERTER(z), (const char *)data + 1, len - 1, VGL_MSG_MAX);
        g_object_unref(z);
        if (body == NULL) {
            *why = "compressed body is corrupt or too large";
            goto done;
        }
    } else if (((const char *)data)[0] == 'V') {
        body = g_bytes_new((const char *)data + 1, len - 1);
    } else {
        *why = "unknown message marker";
        goto done;
    }
    *env = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE(ENVELOPE), body, FALSE));
    if (!g_variant_is_normal_form(*env)) {
        *why = "not a well-formed message (GVariant not in normal form)";
        g_clear_pointer(env, g_variant_unref);
        goto done;
    }
    rc = 0;
done:
    if (body)
        g_bytes_unref(body);
    return rc;
}

bool vgl_msg_peek_versions(const void *data, size_t len, uint32_t *version, uint32_t *min_version)
{
    const char *why;
    GVariant *v = NULL;

    *version = 0;
    *min_version = 0;
    if (unpack(data, len, &v, &why) != 0)
        return false;
    g_variant_get(v, "(uuu@a{sv})", version, min_version, NULL, NULL);
    g_variant_unref(v);
    return true;
}

int vgl_msg_decode(const void *data, size_t len, vgl_msg **out, const char **why)
{
    const proto *p = proto_get();
    const char *dummy;
    GVariant *v = NULL, *fields = NULL;
    vgl_msg *m = NULL;
    int rc;

    *out = NULL;
    if (why == NULL)
        why = &dummy;
    *why = NULL;
    rc = unpack(data, len, &v, why);
    if (rc != 0)
        goto done;
    rc = VGL_E_PROTOCOL;
    m = g_new0(vgl_msg, 1);
    g_variant_get(v, "(uuu@a{sv})", &m->version, &m->min_version, &m->type, &fields);
    m->fields = g_variant_dict_new(fields);
    if (m->min_version > p->version || m->version < p->min || m->min_version > m->version) {
        *why = "protocol versions do not meet";
        goto done;
    }
    if (m->type == 0 || m->type > VGL_MSG_TYPE_MAX) {
        /* A newer peer's message we do not know: not an error, but not ours. */
        *why = "unknown message type";
        goto done;
    }
    *out = m;
    m = NULL;
    rc = 0;
done:
    if (fields)
        g_variant_unref(fields);
    if (v)
        g_variant_unref(v);
    vgl_msg_free(m);
    return rc;
}

const char *vgl_msg_str(const vgl_msg *m, const char *key)
{
    const char *s = NULL;
    if (!g_variant_dict_lookup(m->fields, key, "&s", &s))
        return NULL;
    return s;
}

bool vgl_msg_u32(const vgl_msg *m, const char *key, uint32_t *v)
{
    return g_variant_dict_lookup(m->fields, key, "u", v);
}

bool vgl_msg_i32(const vgl_msg *m, const char *key, int32_t *v)
{
    return g_variant_dict_lookup(m->fields, key, "i", v);
}

bool vgl_msg_u64(const vgl_msg *m, const char *key, uint64_t *v)
{
    guint64 x;
    if (!g_variant_dict_lookup(m->fields, key, "t", &x))
        return false;
    *v = x;
    return true;
}

bool vgl_msg_i64(const vgl_msg *m, const char *key, int64_t *v)
{
    gint64 x;
    if (!g_variant_dict_lookup(m->fields, key, "x", &x))
        return false;
    *v = x;
    return true;
}

bool vgl_msg_bool(const vgl_msg *m, const char *key, bool *v)
{
    gboolean b;
    if (!g_variant_dict_lookup(m->fields, key, "b", &b))
        return false;
    *v = b;
    return true;
}

GVariant *vgl_msg_value(const vgl_msg *m, const char *key, const char *t)
{
    return g_variant_dict_lookup_value(m->fields, key, G_VARIANT_TYPE(t));
}
