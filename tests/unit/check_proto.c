/* check_proto.c — the protocol versions a build speaks, and the rolling-
 * upgrade test hook VIGIL_TEST_PROTO_VERSION (daemon/msg.h).
 *
 * The hook is read once per process, so each test sets the environment
 * before its first call; check runs every test in its own forked child
 * (CK_FORK, the default), which gives each one a fresh reading. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <vigil/vigil.h>

#include "daemon/msg.h"
#include "vgl_check.h"

/* A message from a peer speaking [min, version], with one extra field. */
static GBytes *peer_msg(uint32_t version, uint32_t min)
{
    vgl_msg *m = vgl_msg_begin(VGL_MSG_ATTR);
    GBytes *b;

    m->version = version;
    m->min_version = min;
    g_variant_dict_insert(m->fields, "node", "s", "node9");
    b = vgl_msg_encode(m);
    vgl_msg_free(m);
    return b;
}

static int decode(GBytes *b, vgl_msg **out, const char **why)
{
    gsize len;
    const void *data = g_bytes_get_data(b, &len);
    return vgl_msg_decode(data, len, out, why);
}

/* Bad values of the hook are ignored: the build speaks its own versions. */
static const char *const bad_hooks[] = {
    "", "x", "-1", "0", "2:", ":1", "2:0", "2:3", "2x", "1.5", "99999999999999999999", " 2",
};

START_TEST(bad_hook_values_are_ignored)
{
    const char *v = bad_hooks[_i];

    setenv("VIGIL_TEST_PROTO_VERSION", v, 1);
    ck_assert_msg(!vgl_msg_proto_overridden(), "'%s' was taken", v);
    ck_assert_uint_eq(vgl_msg_proto_version(), VGL_PROTO_VERSION);
    ck_assert_uint_eq(vgl_msg_proto_min(), VGL_PROTO_MIN);
}
END_TEST

START_TEST(peek_refuses_garbage)
{
    uint32_t v = 7, m = 7;

    ck_assert(!vgl_msg_peek_versions(NULL, 0, &v, &m));
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(m, 0);
    v = m = 7;
    ck_assert(!vgl_msg_peek_versions("Vxx", 3, &v, &m));
    ck_assert_uint_eq(v + m, 0);
    ck_assert(!vgl_msg_peek_versions("Qabcdef", 7, &v, &m));
}
END_TEST

START_TEST(default_build_speaks_its_own_version)
{
    vgl_msg *m, *d = NULL;
    GBytes *b;
    gsize len;
    const void *data;
    uint32_t v, mv;

    unsetenv("VIGIL_TEST_PROTO_VERSION");
    ck_assert(!vgl_msg_proto_overridden());
    m = vgl_msg_begin(VGL_MSG_LEAVING);
    ck_assert_uint_eq(m->version, VGL_PROTO_VERSION);
    ck_assert_uint_eq(m->min_version, VGL_PROTO_MIN);
    b = vgl_msg_encode(m);
    data = g_bytes_get_data(b, &len);
    ck_assert(vgl_msg_peek_versions(data, len, &v, &mv));
    ck_assert_uint_eq(v, VGL_PROTO_VERSION);
    ck_assert_uint_eq(mv, VGL_PROTO_MIN);
    ck_assert_int_eq(decode(b, &d, NULL), 0);
    ck_assert_ptr_null(vgl_msg_str(d, "x-future"));
    vgl_msg_free(d);
    g_bytes_unref(b);
    vgl_msg_free(m);
}
END_TEST

/* The next version, still compatible: it adds x-future; an ordinary build
 * accepts its messages and ignores the field, and it accepts ours. */
START_TEST(next_version_is_compatible_and_extends)
{
    vgl_msg *m, *d = NULL;
    GBytes *b;
    const char *why = NULL;

    setenv("VIGIL_TEST_PROTO_VERSION", "2", 1);
    ck_assert(vgl_msg_proto_overridden());
    ck_assert_uint_eq(vgl_msg_proto_version(), VGL_PROTO_VERSION + 1);
    ck_assert_uint_eq(vgl_msg_proto_min(), VGL_PROTO_MIN);
    m = vgl_msg_begin(VGL_MSG_ATTR);
    ck_assert_uint_eq(m->version, VGL_PROTO_VERSION + 1);
    ck_assert_str_eq(vgl_msg_str(m, "x-future"), "older peers ignore this field");
    vgl_msg_free(m);

    /* An older peer's message (1, 1) still meets ours (2, 1). */
    b = peer_msg(VGL_PROTO_VERSION, VGL_PROTO_MIN);
    ck_assert_int_eq(decode(b, &d, &why), 0);
    ck_assert_str_eq(vgl_msg_str(d, "node"), "node9");
    vgl_msg_free(d);
    g_bytes_unref(b);
}
END_TEST

/* A build that needs the next version (2:2) and an older peer refuse each
 * other, and peek names the versions for the log line. */
START_TEST(incompatible_versions_are_refused_both_ways)
{
    GBytes *b;
    vgl_msg *d = (vgl_msg *)0x1;
    const char *why = NULL;
    uint32_t v, mv;
    gsize len;
    const void *data;

    setenv("VIGIL_TEST_PROTO_VERSION", "2:2", 1);
    ck_assert_uint_eq(vgl_msg_proto_min(), 2);
    b = peer_msg(1, 1);
    ck_assert_int_eq(decode(b, &d, &why), VGL_E_PROTOCOL);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(why, "protocol versions do not meet");
    data = g_bytes_get_data(b, &len);
    ck_assert(vgl_msg_peek_versions(data, len, &v, &mv));
    ck_assert_uint_eq(v, 1);
    ck_assert_uint_eq(mv, 1);
    g_bytes_unref(b);

    /* And the other way: what this build sends says "2 at least". */
    b = peer_msg(vgl_msg_proto_version(), vgl_msg_proto_min());
    data = g_bytes_get_data(b, &len);
    ck_assert(vgl_msg_peek_versions(data, len, &v, &mv));
    ck_assert_uint_eq(v, 2);
    ck_assert_uint_eq(mv, 2);
    ck_assert_uint_gt(mv, VGL_PROTO_VERSION); /* what an ordinary build refuses */
    g_bytes_unref(b);

    /* A peer two versions ahead that still speaks 2 is fine. */
    b = peer_msg(3, 2);
    d = NULL;
    ck_assert_int_eq(decode(b, &d, NULL), 0);
    vgl_msg_free(d);
    g_bytes_unref(b);
}
END_TEST

/* Compressed messages carry the versions too. */
START_TEST(peek_reads_compressed_messages)
{
    vgl_msg *m = vgl_msg_begin(VGL_MSG_SYNC);
    char *big = g_strnfill(VGL_MSG_COMPRESS_AT * 2, 'c');
    GBytes *b;
    gsize len;
    const guint8 *data;
    uint32_t v, mv;

    g_variant_dict_insert(m->fields, "cib", "s", big);
    b = vgl_msg_encode(m);
    data = g_bytes_get_data(b, &len);
    ck_assert_int_eq(data[0], 'Z');
    ck_assert(vgl_msg_peek_versions(data, len, &v, &mv));
    ck_assert_uint_eq(v, VGL_PROTO_VERSION);
    ck_assert_uint_eq(mv, VGL_PROTO_MIN);
    g_bytes_unref(b);
    g_free(big);
    vgl_msg_free(m);
}
END_TEST

static Suite *proto_suite(void)
{
    Suite *s = suite_create("proto");
    TCase *tc = tcase_create("versions");

    tcase_add_loop_test(tc, bad_hook_values_are_ignored, 0, (int)G_N_ELEMENTS(bad_hooks));
    tcase_add_test(tc, peek_refuses_garbage);
    tcase_add_test(tc, default_build_speaks_its_own_version);
    tcase_add_test(tc, next_version_is_compatible_and_extends);
    tcase_add_test(tc, incompatible_versions_are_refused_both_ways);
    tcase_add_test(tc, peek_reads_compressed_messages);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(proto_suite)
