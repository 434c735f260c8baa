/* check_msg.c — the CPG wire format: strict decoding of hostile bytes,
 * round trips, compression, protocol versions. */
#include "config.h"

#include <string.h>
#include <vigil/vigil.h>

#include "daemon/msg.h"
#include "vgl_check.h"

static int decode_bytes(GBytes *b, vgl_msg **out, const char **why)
{
    gsize len = 0;
    const void *data = g_bytes_get_data(b, &len);
    return vgl_msg_decode(data, len, out, why);
}

START_TEST(decode_rejects_garbage)
{
    vgl_msg *m = (vgl_msg *)0x1;
    const char *why = NULL;
    const char *bad[] = { "", "V", "X123456", "Vgarbage-bytes-here", "Znot-zlib-data" };

    ck_assert_int_eq(vgl_msg_decode(NULL, 10, &m, &why), VGL_E_PARSE);
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(why);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        m = (vgl_msg *)0x1;
        ck_assert_int_eq(vgl_msg_decode(bad[i], strlen(bad[i]), &m, &why), VGL_E_PARSE);
        ck_assert_ptr_null(m);
    }
}
END_TEST

START_TEST(decode_refuses_wrong_versions_and_types)
{
    vgl_msg *m = vgl_msg_begin(VGL_MSG_ATTR), *d = NULL;
    GBytes *b;
    const char *why;

    m->min_version = VGL_PROTO_VERSION + 1; /* a future peer that cannot talk to us */
    m->version = VGL_PROTO_VERSION + 1;
    b = vgl_msg_encode(m);
    ck_assert_int_eq(decode_bytes(b, &d, &why), VGL_E_PROTOCOL);
    ck_assert_str_eq(why, "protocol versions do not meet");
    g_bytes_unref(b);

    m->min_version = VGL_PROTO_MIN;
    m->type = 999;
    b = vgl_msg_encode(m);
    ck_assert_int_eq(decode_bytes(b, &d, &why), VGL_E_PROTOCOL);
    ck_assert_str_eq(why, "unknown message type");
    ck_assert_ptr_null(d);
    g_bytes_unref(b);
    vgl_msg_free(m);
}
END_TEST

START_TEST(round_trip_and_typed_lookup)
{
    vgl_msg *m = vgl_msg_begin(VGL_MSG_OP_RESULT), *d = NULL;
    GBytes *b;
    uint32_t u;
    int32_t i;
    bool flag;

    g_variant_dict_insert(m->fields, "rsc", "s", "vip");
    g_variant_dict_insert(m->fields, "rc", "i", 7);
    g_variant_dict_insert(m->fields, "interval", "u", 10000u);
    g_variant_dict_insert(m->fields, "probe", "b", TRUE);
    b = vgl_msg_encode(m);
    ck_assert_int_eq(decode_bytes(b, &d, NULL), 0);
    ck_assert_uint_eq(d->type, VGL_MSG_OP_RESULT);
    ck_assert_str_eq(vgl_msg_str(d, "rsc"), "vip");
    ck_assert(vgl_msg_i32(d, "rc", &i) && i == 7);
    ck_assert(vgl_msg_u32(d, "interval", &u) && u == 10000);
    ck_assert(vgl_msg_bool(d, "probe", &flag) && flag);
    /* wrong type or absent: no value */
    ck_assert_ptr_null(vgl_msg_str(d, "rc"));
    ck_assert(!vgl_msg_u32(d, "rsc", &u));
    ck_assert(!vgl_msg_i32(d, "missing", &i));
    ck_assert_str_eq(vgl_msg_type_name(d->type), "op-result");
    ck_assert_str_eq(vgl_msg_type_name(0), "unknown");
    /* encoding twice gives the same bytes (fields survive encoding) */
    GBytes *b2 = vgl_msg_encode(m);
    ck_assert(g_bytes_equal(b, b2));
    g_bytes_unref(b2);
    g_bytes_unref(b);
    vgl_msg_free(d);
    vgl_msg_free(m);
}
END_TEST

START_TEST(large_messages_are_compressed)
{
    vgl_msg *m = vgl_msg_begin(VGL_MSG_SYNC), *d = NULL;
    GString *big = g_string_new(NULL);
    GBytes *b;
    gsize len;
    const char *data;

    for (int k = 0; k < 20000; k++)
        g_string_append_printf(big, "<primitive id=\"r%d\"/>", k);
    g_variant_dict_insert(m->fields, "cib", "s", big->str);
    b = vgl_msg_encode(m);
    data = g_bytes_get_data(b, &len);
    ck_assert_int_eq(data[0], 'Z');
    ck_assert_uint_lt(len, big->len / 4);
    ck_assert_int_eq(vgl_msg_decode(data, len, &d, NULL), 0);
    ck_assert_str_eq(vgl_msg_str(d, "cib"), big->str);
    /* a truncated compressed message is refused, not half-read */
    vgl_msg_free(d);
    d = NULL;
    ck_assert_int_eq(vgl_msg_decode(data, len / 2, &d, NULL), VGL_E_PARSE);
    ck_assert_ptr_null(d);
    g_bytes_unref(b);
    g_string_free(big, TRUE);
    vgl_msg_free(m);
}
END_TEST

START_TEST(random_mutations_never_crash)
{
    vgl_msg *m = vgl_msg_begin(VGL_MSG_ANNOUNCE);
    GBytes *b;
    gsize len;
    guint8 *buf;
    GRand *r = g_rand_new_with_seed(42);

    g_variant_dict_insert(m->fields, "name", "s", "node1");
    g_variant_dict_insert(m->fields, "epoch", "u", 5u);
    b = vgl_msg_encode(m);
    for (int k = 0; k < 20000; k++) {
        vgl_msg *d = NULL;
        const guint8 *src = g_bytes_get_data(b, &len);
        buf = g_memdup2(src, len);
        for (int f = 0; f < 3; f++)
            buf[1 + g_rand_int_range(r, 0, (gint32)len - 1)] = (guint8)g_rand_int(r);
        if (vgl_msg_decode(buf, 1 + g_rand_int_range(r, 0, (gint32)len), &d, NULL) == 0) {
            (void)vgl_msg_str(d, "name");
            vgl_msg_free(d);
        }
        g_free(buf);
    }
    g_rand_free(r);
    g_bytes_unref(b);
    vgl_msg_free(m);
}
END_TEST

static Suite *msg_suite(void)
{
    Suite *s = suite_create("msg");
    TCase *tc = tcase_create("wire");
    tcase_add_test(tc, decode_rejects_garbage);
    tcase_add_test(tc, decode_refuses_wrong_versions_and_types);
    tcase_add_test(tc, round_trip_and_typed_lookup);
    tcase_add_test(tc, large_messages_are_compressed);
    tcase_add_test(tc, random_mutations_never_crash);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(msg_suite)
