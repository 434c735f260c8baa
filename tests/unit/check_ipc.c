/*
 * check_ipc.c — the IPC layer: wire codec, vigild's server, the client
 * library, over real libqb connections.
 *
 * The server runs in a forked child (server_start) with test handlers and a
 * glib main loop; the test process is the client.  server_stop() sends
 * SIGTERM and requires exit status 0, so a crash, a leak (LSan's exit code
 * under ASan) or a dangling request in the server fails the test that
 * started it.  Service names are unique per process and test.
 */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>
#include <qb/qblog.h>
#include <vigil/client.h>
#include <vigil/ipc_proto.h>
#include <vigil/vigil.h>

#include "daemon/ipc.h"
#include "daemon/ipc_internal.h"
#include "vgl_check.h"

#define NOBODY 65534
#define TIMEOUT 5000

/* Request types of the test server, outside vigild's catalogue. */
enum {
    T_ECHO = 1000,    /* ro: reply with the request's fields */
    T_DELAY,          /* ro: ms:u — reply {slept:u} after ms */
    T_CHANGE,         /* rw: reply {changed:b} */
    T_BROADCAST,      /* ro: count:u, size:u, type:u — broadcast, reply {delivered:t} */
    T_STATS,          /* ro: the server's counters (pending: others) */
    T_FAIL,           /* ro: VGL_E_NOT_FOUND "resource 'x' not found" */
    T_BIG,            /* ro: size:u — reply {blob:s} of that size */
    T_CRASH,          /* ro: the server kills itself (SIGKILL) 100 ms later */
};

/* ---- helpers: frames ---- */

/* A frame with any header id, payload and size field, for bad input. */
static void *raw_frame(int32_t id, size_t header, GVariant *payload, int32_t size_field, size_t *len)
{
    GVariant *p = g_variant_ref_sink(payload);
    size_t total = header + g_variant_get_size(p);
    char *buf = g_malloc0(total);
    int32_t size = size_field >= 0 ? size_field : (int32_t)total;

    memcpy(buf, &id, sizeof(id));
    memcpy(buf + 8, &size, sizeof(size));
    g_variant_store(p, buf + header);
    g_variant_unref(p);
    *len = total;
    return buf;
}

static void *raw_request(GVariant *payload, size_t *len)
{
    return raw_frame(VGL_IPC_FRAME_REQUEST, sizeof(struct qb_ipc_request_header), payload, -1, len);
}

static GVariant *empty_fields(void)
{
    return g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
}

/* ---- codec: bad input first ---- */

/* Decode FRAME (freed here) as a request of at most MAX bytes: want rc
 * WANT_RC, no fields and an error text that contains WANT. */
static void expect_request_error(void *frame, size_t len, size_t max, int want_rc, const char *want)
{
    GVariant *fields = (GVariant *)1;
    uint32_t type;
    uint64_t id;
    char *err = NULL;

    ck_assert_int_eq(vgl_ipc_request_decode(frame, len, max, &type, &id, &fields, &err), want_rc);
    ck_assert(fields == NULL);
    ck_assert_msg(err != NULL && strstr(err, want) != NULL, "error '%s' lacks '%s'", err ? err : "(null)", want);
    g_free(err);
    g_free(frame);
}

START_TEST(proto_decode_rejects_bad_frames)
{
    const size_t max = VGL_IPC_BUFFER_DEFAULT;
    uint32_t type = 9;
    uint64_t id = 9;
    GVariant *fields = (GVariant *)&type;
    char *err = NULL;
    char junk[64];
    size_t len;
    void *f;

    ck_assert_int_eq(vgl_ipc_request_decode(NULL, 0, max, &type, &id, &fields, &err), VGL_E_PROTOCOL);
    ck_assert(type == 0 && id == 0 && fields == NULL);
    ck_assert_str_eq(err, "no request frame");
    g_free(err);
    ck_assert_int_eq(vgl_ipc_request_decode(junk, 8, max, NULL, &id, &fields, NULL), -EINVAL);
    expect_request_error(g_memdup2(junk, 8), 8, max, VGL_E_PROTOCOL, "shorter than its 16-byte header");

    /* garbage bytes behind a well-formed header */
    memset(junk, 0xa5, sizeof(junk));
    f = raw_request(g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, junk, 48, 1), &len);
    expect_request_error(f, len, max, VGL_E_PROTOCOL, "not a normal-form GVariant of type (uuta{sv})");
    /* a reply frame handed to the request decoder */
    f = raw_frame(VGL_IPC_FRAME_REPLY, 16, g_variant_new("(uuta{sv})", 1, 1, (guint64)1, NULL), -1, &len);
    expect_request_error(f, len, max, VGL_E_PROTOCOL, "is not a request");
    /* a header size that lies */
    f = raw_frame(VGL_IPC_FRAME_REQUEST, 16, g_variant_new("(uuta{sv})", 1, 1, (guint64)1, NULL), 999, &len);
    expect_request_error(f, len, max, VGL_E_PROTOCOL, "header says 999 bytes");
    /* the wrong GVariant type */
    f = raw_request(g_variant_new("(ss)", "hello", "world"), &len);
    expect_request_error(f, len, max, VGL_E_PROTOCOL, "not a normal-form");
    /* oversized */
    f = raw_request(g_variant_new("(uuta{sv})", 1, 1, (guint64)1, NULL), &len);
    expect_request_error(f, len, len - 1, VGL_E_LIMIT, "exceeds the limit");
}
END_TEST

START_TEST(proto_decode_checks_version_ids_and_names)
{
    const size_t max = VGL_IPC_BUFFER_DEFAULT;
    const char *bad_names[] = { "", "Node", "1st", "a b", "caf\xc3\xa9",
                                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
    GVariantBuilder b;
    GVariant *fields;
    uint32_t type;
    uint64_t id;
    char *err;
    size_t len;
    void *f;

    /* another version: the id is still given back for the error reply */
    f = raw_request(g_variant_new("(uuta{sv})", 2, VGL_IPC_PING, (guint64)77, NULL), &len);
    ck_assert_int_eq(vgl_ipc_request_decode(f, len, max, &type, &id, &fields, &err), VGL_E_VERSION);
    ck_assert_int_eq(type, VGL_IPC_PING);
    ck_assert_int_eq(id, 77);
    ck_assert(fields == NULL);
    ck_assert_ptr_nonnull(strstr(err, "version 2"));
    g_free(err);
    g_free(f);

    f = raw_request(g_variant_new("(uuta{sv})", 1, VGL_IPC_PING, (guint64)0, NULL), &len);
    expect_request_error(f, len, max, VGL_E_PROTOCOL, "request id 0 is reserved");
    for (size_t i = 0; i < G_N_ELEMENTS(bad_names); i++) {
        f = raw_request(g_variant_new_parsed("(@u 1, @u 1, @t 5, {%s: <1>})", bad_names[i]), &len);
        expect_request_error(f, len, max, VGL_E_PROTOCOL, "bad field name");
    }
    f = raw_request(g_variant_new_parsed("(@u 1, @u 1, @t 5, {'node': <'a'>, 'x': <1>, 'node': <'b'>})"), &len);
    expect_request_error(f, len, max, VGL_E_PROTOCOL, "field 'node' twice");

    g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
    for (unsigned i = 0; i <= VGL_IPC_FIELDS_MAX; i++) {
        char key[16];

        g_snprintf(key, sizeof(key), "k%u", i);
        g_variant_builder_add(&b, "{sv}", key, g_variant_new_boolean(TRUE));
    }
    f = raw_request(g_variant_new("(uuta{sv})", 1, 1, (guint64)5, &b), &len);
    expect_request_error(f, len, max, VGL_E_PROTOCOL, "1025 fields");
}
END_TEST

START_TEST(proto_decode_checks_replies_and_events)
{
    const size_t max = VGL_IPC_BUFFER_DEFAULT;
    GVariant *fields;
    uint64_t id, seq;
    uint32_t type;
    int32_t rc;
    char *text, *err;
    size_t len;
    void *f;

    /* positive rc, and header error differing from the payload's rc */
    f = raw_frame(VGL_IPC_FRAME_REPLY, 24, g_variant_new("(utisa{sv})", 1, (guint64)3, 5, "", NULL), -1, &len);
    ck_assert_int_eq(vgl_ipc_reply_decode(f, len, max, &id, &rc, &text, &fields, &err), VGL_E_PROTOCOL);
    ck_assert(text == NULL && fields == NULL && id == 0);
    g_free(err);
    g_free(f);
    f = raw_frame(VGL_IPC_FRAME_REPLY, 24, g_variant_new("(utisa{sv})", 1, (guint64)3, -5, "x", NULL), -1, &len);
    ck_assert_int_eq(vgl_ipc_reply_decode(f, len, max, &id, &rc, &text, &fields, &err), VGL_E_PROTOCOL);
    ck_assert_ptr_nonnull(strstr(err, "header: 0"));
    g_free(err);
    g_free(f);

    f = raw_frame(VGL_IPC_FRAME_EVENT, 24, g_variant_new("(uuta{sv})", 1, 1, (guint64)0, NULL), -1, &len);
    ck_assert_int_eq(vgl_ipc_event_decode(f, len, max, &type, &seq, &fields, &err), VGL_E_PROTOCOL);
    ck_assert_ptr_nonnull(strstr(err, "sequence number 0"));
    g_free(err);
    ck_assert_int_eq(vgl_ipc_event_decode(f, len, max, &type, &seq, NULL, &err), -EINVAL);
    g_free(err);
    g_free(f);
}
END_TEST

START_TEST(proto_encode_rejects_bad_input)
{
    void *frame = (void *)1;
    size_t len = 7;
    char big[512];

    ck_assert_int_eq(vgl_ipc_request_encode(1, 1, g_variant_new_int32(3), 4096, &frame, &len), -EINVAL);
    ck_assert(frame == NULL && len == 0);
    ck_assert_int_eq(vgl_ipc_request_encode(1, 0, NULL, 4096, &frame, &len), -EINVAL);
    ck_assert_int_eq(vgl_ipc_request_encode(1, 1, NULL, 4096, NULL, &len), -EINVAL);
    ck_assert_int_eq(vgl_ipc_reply_encode(1, 5, "positive", NULL, 4096, &frame, &len), -EINVAL);
    ck_assert_int_eq(vgl_ipc_event_encode(1, 0, NULL, 4096, &frame, &len), -EINVAL);

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ck_assert_int_eq(vgl_ipc_request_encode(1, 1, g_variant_new_parsed("{'s': <%s>}", big), 256,
                                            &frame, &len), VGL_E_LIMIT);
    ck_assert(frame == NULL && len == 0);
}
END_TEST

START_TEST(proto_round_trips)
{
    const size_t max = VGL_IPC_BUFFER_DEFAULT;
    GVariant *fields, *v;
    uint32_t type;
    uint64_t id, seq;
    int32_t rc;
    char *text, *err, *longtext;
    size_t len;
    void *f;

    ck_assert_int_eq(vgl_ipc_request_encode(VGL_IPC_NODE_OP, 42,
                     g_variant_new_parsed("{'node': <'node1'>, 'future': <@au [1,2]>}"), max, &f, &len), 0);
    ck_assert_int_eq(vgl_ipc_request_decode(f, len, max, &type, &id, &fields, &err), 0);
    ck_assert_int_eq(type, VGL_IPC_NODE_OP);
    ck_assert_int_eq(id, 42);
    ck_assert(err == NULL);
    ck_assert_int_eq(vgl_ipc_field(fields, "node", "s", &v, &err), 0);
    ck_assert_str_eq(g_variant_get_string(v, NULL), "node1");
    g_variant_unref(v);
    ck_assert_int_eq(vgl_ipc_field(fields, "op", "s", &v, &err), -ENOENT);
    ck_assert(v == NULL && err == NULL);
    ck_assert_int_eq(vgl_ipc_field(fields, "future", "s", &v, &err), VGL_E_INVALID);
    ck_assert_str_eq(err, "field 'future' must be of type s, not au");
    g_free(err);
    ck_assert_int_eq(vgl_ipc_field(fields, "node", "not a type((", &v, NULL), -EINVAL);
    g_variant_unref(fields);
    g_free(f);

    /* reply: invalid UTF-8 is repaired, long text is cut */
    longtext = g_strnfill(VGL_IPC_ERROR_MAX + 100, 'e');
    longtext[0] = '\xff';
    ck_assert_int_eq(vgl_ipc_reply_encode(42, VGL_E_NOT_FOUND, longtext, NULL, max, &f, &len), 0);
    ck_assert_int_eq(vgl_ipc_reply_decode(f, len, max, &id, &rc, &text, &fields, &err), 0);
    ck_assert_int_eq(id, 42);
    ck_assert_int_eq(rc, VGL_E_NOT_FOUND);
    ck_assert(g_utf8_validate(text, -1, NULL));
    ck_assert_uint_le(strlen(text), VGL_IPC_ERROR_MAX);
    ck_assert_uint_eq(g_variant_n_children(fields), 0);
    g_free(text);
    g_free(longtext);
    g_variant_unref(fields);
    g_free(f);

    ck_assert_int_eq(vgl_ipc_event_encode(VGL_IPC_EV_QUORUM, 7, g_variant_new_parsed("{'quorate': <true>}"),
                                          max, &f, &len), 0);
    ck_assert_int_eq(vgl_ipc_event_decode(f, len, max, &type, &seq, &fields, NULL), 0);
    ck_assert_int_eq(type, VGL_IPC_EV_QUORUM);
    ck_assert_int_eq(seq, 7);
    g_variant_unref(fields);
    g_free(f);

    ck_assert_str_eq(vgl_ipc_type_name(VGL_IPC_CIB_CHANGE), "CIB_CHANGE");
    ck_assert_str_eq(vgl_ipc_event_name(VGL_IPC_EV_FENCE), "FENCE");
    ck_assert(vgl_ipc_type_name(4242) == NULL);
}
END_TEST

/* ---- server and client arguments ---- */

static void noop_handler(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_ipc_reply(req, 0, NULL, NULL);
}

START_TEST(server_rejects_bad_arguments)
{
    vgl_ipc_server *s = (vgl_ipc_server *)1;
    vgl_ipc_handler ok[] = { { T_ECHO, true, noop_handler }, { T_CHANGE, false, noop_handler } };
    vgl_ipc_handler nofn[] = { { T_ECHO, true, NULL } };
    vgl_ipc_handler twice[] = { { T_ECHO, true, noop_handler }, { T_ECHO, false, noop_handler } };
    vgl_ipc_handler builtin[] = { { VGL_IPC_PING, true, noop_handler } };
    char longname[200];
    vgl_ipc_stats st;

    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    ck_assert_int_eq(vgl_ipc_server_new("x", ok, 2, NULL, NULL), -EINVAL);
    ck_assert_int_eq(vgl_ipc_server_new(NULL, ok, 2, NULL, &s), -EINVAL);
    ck_assert(s == NULL);
    ck_assert_int_eq(vgl_ipc_server_new("", ok, 2, NULL, &s), -EINVAL);
    ck_assert_int_eq(vgl_ipc_server_new(longname, ok, 2, NULL, &s), -EINVAL);
    ck_assert_int_eq(vgl_ipc_server_new("x", NULL, 2, NULL, &s), -EINVAL);
    ck_assert_int_eq(vgl_ipc_server_new("x", nofn, 1, NULL, &s), -EINVAL);
    ck_assert_int_eq(vgl_ipc_server_new("x", twice, 2, NULL, &s), -EEXIST);
    ck_assert_int_eq(vgl_ipc_server_new("x", builtin, 1, NULL, &s), -EEXIST);
    ck_assert(s == NULL);

    ck_assert_int_eq(vgl_ipc_server_set_admin_group(NULL, "g"), -EINVAL);
    ck_assert_int_eq(vgl_ipc_broadcast(NULL, 1, g_variant_new_parsed("{'a': <1>}")), -EINVAL);
    ck_assert_int_eq(vgl_ipc_reply(NULL, 0, NULL, g_variant_new_parsed("{'a': <1>}")), -EINVAL);
    memset(&st, 0xff, sizeof(st));
    vgl_ipc_server_stats(NULL, &st);
    ck_assert_int_eq(st.connections, 0);
    ck_assert_int_eq(st.requests, 0);
    vgl_ipc_server_free(NULL);
    ck_assert_uint_eq(vgl__ipc_loop_watches(), 0);
}
END_TEST

START_TEST(server_refuses_a_name_in_use)
{
    vgl_ipc_handler ok[] = { { T_ECHO, true, noop_handler } };
    vgl_ipc_server *a = NULL, *b = (vgl_ipc_server *)1;
    char name[64];

    g_snprintf(name, sizeof(name), "vigil-test-dup-%d", (int)getpid());
    ck_assert_int_eq(vgl_ipc_server_new(name, ok, 1, NULL, &a), 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_gt(vgl__ipc_loop_watches(), 0);
    ck_assert_int_eq(vgl_ipc_server_set_admin_group(a, "nogroup"), 0);
    ck_assert_int_lt(vgl_ipc_server_new(name, ok, 1, NULL, &b), 0);
    ck_assert(b == NULL);
    ck_assert_int_eq(vgl_ipc_broadcast(a, VGL_IPC_EV_QUORUM, g_variant_new_int32(1)), -EINVAL);
    ck_assert_int_eq(vgl_ipc_broadcast(a, VGL_IPC_EV_QUORUM, NULL), 0);
    vgl_ipc_server_free(a);
    ck_assert_uint_eq(vgl__ipc_loop_watches(), 0);
}
END_TEST

START_TEST(client_rejects_bad_arguments)
{
    vgl_client *c = (vgl_client *)1;
    uint32_t type = 3;
    GVariant *fields = (GVariant *)1, *reply = (GVariant *)1;
    uint64_t missed = 3;
    char *text = (char *)1;
    char name[64];

    g_snprintf(name, sizeof(name), "vigil-test-none-%d", (int)getpid());
    ck_assert_int_eq(vgl_client_connect(name, 0, NULL), -EINVAL);
    ck_assert_int_eq(vgl_client_connect("", 0, &c), -EINVAL);
    ck_assert(c == NULL);
    ck_assert_int_eq(vgl_client_connect(name, 0, &c), VGL_E_UNAVAILABLE);
    ck_assert(c == NULL);
    ck_assert_int_eq(vgl_client_connect(name, VGL_IPC_BUFFER_MAX + 1, &c), VGL_E_LIMIT);
    ck_assert_int_eq(vgl_client_request(NULL, VGL_IPC_PING, empty_fields(), 100, &reply, &text), -EINVAL);
    ck_assert(reply == NULL);
    ck_assert_str_eq(text, "not connected to vigild");
    g_free(text);
    ck_assert_int_eq(vgl_client_subscribe(NULL, NULL, 0, 100, NULL), -EINVAL);
    ck_assert_int_eq(vgl_client_event_fd(NULL), -EINVAL);
    ck_assert_int_eq(vgl_client_event_next(NULL, 0, &type, &fields, &missed), -EINVAL);
    ck_assert(type == 0 && fields == NULL && missed == 0);
    ck_assert_uint_eq(vgl_client_buffer_size(NULL), 0);
    vgl_client_disconnect(NULL);
}
END_TEST

/* ---- the test server (runs in a forked child) ---- */

typedef struct test_ctx {
    vgl_ipc_server *server;
    GList *held;             /* delayed: requests answered by a timer */
} test_ctx;

typedef struct delayed {
    test_ctx *ctx;
    vgl_ipc_request *req;
    guint source;
    uint32_t ms;
} delayed;

static gboolean delayed_fire(gpointer p)
{
    delayed *d = p;

    d->ctx->held = g_list_remove(d->ctx->held, d);
    vgl_ipc_reply(d->req, 0, NULL, g_variant_new_parsed("{'slept': <%u>}", d->ms));
    g_free(d);
    return G_SOURCE_REMOVE;
}

static void h_echo(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_ipc_reply(req, 0, NULL, fields);
}

static void h_delay(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    delayed *d = g_new0(delayed, 1);

    d->ctx = ud;
    d->req = req;
    if (!g_variant_lookup(fields, "ms", "u", &d->ms)) {
        d->ms = 100;
    }
    d->source = g_timeout_add(d->ms, delayed_fire, d);
    d->ctx->held = g_list_prepend(d->ctx->held, d);
}

static void h_change(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_ipc_reply(req, 0, NULL, g_variant_new_parsed("{'changed': <true>}"));
}

static void h_broadcast(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    test_ctx *ctx = ud;
    uint32_t count = 1, size = 0, type = VGL_IPC_EV_CIB_CHANGED;
    uint64_t delivered = 0;
    gint64 t0 = g_get_monotonic_time();
    char *pad;

    g_variant_lookup(fields, "count", "u", &count);
    g_variant_lookup(fields, "size", "u", &size);
    g_variant_lookup(fields, "type", "u", &type);
    pad = g_strnfill(size, 'p');
    for (uint32_t i = 0; i < count; i++) {
        int n = vgl_ipc_broadcast(ctx->server, type, g_variant_new_parsed("{'i': <%u>, 'pad': <%s>}", i, pad));

        delivered += n > 0 ? (uint64_t)n : 0;
    }
    g_free(pad);
    vgl_ipc_reply(req, 0, NULL, g_variant_new_parsed("{'delivered': <%t>, 'elapsed_us': <%x>}",
                                                      delivered, g_get_monotonic_time() - t0));
}

static void h_stats(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    test_ctx *ctx = ud;
    vgl_ipc_stats st;

    vgl_ipc_server_stats(ctx->server, &st);
    st.pending--;      /* not counting this very request */
    vgl_ipc_reply(req, 0, NULL, g_variant_new_parsed(
        "{'connections': <%u>, 'subscribers': <%u>, 'pending': <%u>, 'requests': <%t>,"
        " 'rejected': <%t>, 'denied': <%t>, 'replies_lost': <%t>, 'events_sent': <%t>,"
        " 'events_dropped': <%t>, 'disconnects': <%t>}",
        st.connections, st.subscribers, st.pending, st.requests, st.rejected, st.denied,
        st.replies_lost, st.events_sent, st.events_dropped, st.disconnects));
}

static void h_fail(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    vgl_ipc_reply(req, VGL_E_NOT_FOUND, "resource 'x' not found", NULL);
}

static void h_big(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    uint32_t size = 0;
    char *blob;

    g_variant_lookup(fields, "size", "u", &size);
    blob = g_strnfill(size, 'b');
    vgl_ipc_reply(req, 0, NULL, g_variant_new_parsed("{'blob': <%s>}", blob));
    g_free(blob);
}

static gboolean crash_now(gpointer p)
{
    kill(getpid(), SIGKILL);
    return G_SOURCE_REMOVE;
}

static void h_crash(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    delayed *d = g_new0(delayed, 1);   /* held, never answered */

    d->ctx = ud;
    d->req = req;
    d->source = g_timeout_add(100, crash_now, NULL);
    d->ctx->held = g_list_prepend(d->ctx->held, d);
}

static const vgl_ipc_handler test_handlers[] = {
    { T_ECHO, true, h_echo },
    { T_DELAY, true, h_delay },
    { T_CHANGE, false, h_change },
    { T_BROADCAST, true, h_broadcast },
    { T_STATS, true, h_stats },
    { T_FAIL, true, h_fail },
    { T_BIG, true, h_big },
    { T_CRASH, true, h_crash },
};

static gboolean on_term(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

/* The child's life; its exit status tells the parent what went wrong. */
static int server_main(const char *name, const char *group, int ready_fd)
{
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    test_ctx ctx = { 0 };
    int status = 0;

    qb_log_init("check_ipc", LOG_USER, LOG_WARNING);
    qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_FALSE);
    qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", LOG_WARNING);
    qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
    if (vgl_ipc_server_new(name, test_handlers, G_N_ELEMENTS(test_handlers), &ctx, &ctx.server) != 0) {
        return 2;
    }
    if (group != NULL) {
        vgl_ipc_server_set_admin_group(ctx.server, group);
    }
    g_unix_signal_add(SIGTERM, on_term, loop);
    if (write(ready_fd, "r", 1) != 1) {
        return 3;
    }
    close(ready_fd);
    g_main_loop_run(loop);
    /* Let libqb see clients that died with us (their rings are unlinked
     * only when both ends let go). */
    while (g_main_context_iteration(NULL, FALSE)) {
    }

    vgl_ipc_server_free(ctx.server);
    if (vgl__ipc_loop_watches() != 0) {
        status = 4;
    }
    /* Requests still held outlive the server: answering only frees them. */
    while (ctx.held != NULL) {
        delayed *d = ctx.held->data;

        g_source_remove(d->source);
        if (vgl_ipc_reply(d->req, 0, NULL, NULL) != -ENOTCONN) {
            status = 5;
        }
        ctx.held = g_list_delete_link(ctx.held, ctx.held);
        g_free(d);
    }
    g_main_loop_unref(loop);
    qb_log_fini();
    return status;
}

typedef struct test_server {
    pid_t pid;
    char name[64];
} test_server;

static void server_start(test_server *ts, const char *admin_group)
{
    static unsigned counter;
    int pfd[2];
    char c;

    g_snprintf(ts->name, sizeof(ts->name), "vigil-test-%d-%u", (int)getpid(), counter++);
    ck_assert_int_eq(pipe(pfd), 0);
    fflush(NULL);
    ts->pid = fork();
    ck_assert_int_ge(ts->pid, 0);
    if (ts->pid == 0) {
        /* a failed assertion ends the test process: shut down cleanly then */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        close(pfd[0]);
        exit(server_main(ts->name, admin_group, pfd[1]));
    }
    close(pfd[1]);
    ck_assert_msg(read(pfd[0], &c, 1) == 1, "test server did not start");
    close(pfd[0]);
}

static void server_stop(test_server *ts)
{
    int status = 0;

    ck_assert_int_eq(kill(ts->pid, SIGTERM), 0);
    ck_assert_int_eq(waitpid(ts->pid, &status, 0), ts->pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "test server ended badly (status 0x%x)", status);
}

/* ---- client helpers ---- */

static vgl_client *client_new(const test_server *ts)
{
    vgl_client *c = NULL;

    ck_assert_int_eq(vgl_client_connect(ts->name, 0, &c), 0);
    ck_assert_ptr_nonnull(c);
    return c;
}

static GVariant *request_ok(vgl_client *c, uint32_t type, GVariant *fields)
{
    GVariant *reply = NULL;
    char *text = NULL;
    int rc = vgl_client_request(c, type, fields, TIMEOUT, &reply, &text);

    ck_assert_msg(rc == 0, "request %u: %d %s", type, rc, text ? text : "");
    ck_assert(text == NULL);
    ck_assert_ptr_nonnull(reply);
    return reply;
}

static uint64_t stat_get(vgl_client *c, const char *key)
{
    GVariant *reply = request_ok(c, T_STATS, NULL);
    GVariant *v = g_variant_lookup_value(reply, key, NULL);
    uint64_t n;

    ck_assert_ptr_nonnull(v);
    n = g_variant_is_of_type(v, G_VARIANT_TYPE_UINT32) ? g_variant_get_uint32(v) : g_variant_get_uint64(v);
    g_variant_unref(v);
    g_variant_unref(reply);
    return n;
}

/* Wait up to 2 s for a counter to reach a value (closing is asynchronous). */
static void stat_wait(vgl_client *c, const char *key, uint64_t want)
{
    uint64_t got = 0;

    for (int i = 0; i < 200 && (got = stat_get(c, key)) != want; i++) {
        g_usleep(10000);
    }
    ck_assert_msg(got == want, "%s: %" G_GUINT64_FORMAT ", want %" G_GUINT64_FORMAT, key, got, want);
}

/* A raw libqb connection, to send frames the client library never would. */
static qb_ipcc_connection_t *raw_connect(const test_server *ts)
{
    qb_ipcc_connection_t *qc = qb_ipcc_connect(ts->name, VGL_IPC_BUFFER_DEFAULT);

    ck_assert_ptr_nonnull(qc);
    return qc;
}

static void raw_send(qb_ipcc_connection_t *qc, const void *frame, size_t len)
{
    ck_assert_int_eq(qb_ipcc_send(qc, frame, len), (ssize_t)len);
}

/* Receive one reply; [out] id, rc; returns the error text (caller frees). */
static char *raw_reply(qb_ipcc_connection_t *qc, uint64_t *id, int32_t *rc)
{
    size_t size = VGL_IPC_BUFFER_DEFAULT;
    void *buf = g_malloc(size);
    GVariant *fields = NULL;
    char *text = NULL, *err = NULL;
    ssize_t n = qb_ipcc_recv(qc, buf, size, TIMEOUT);

    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(vgl_ipc_reply_decode(buf, (size_t)n, size, id, rc, &text, &fields, &err), 0);
    g_variant_unref(fields);
    g_free(buf);
    return text;
}

static void raw_request_send(qb_ipcc_connection_t *qc, uint32_t type, uint64_t id, GVariant *fields)
{
    void *frame;
    size_t len;

    ck_assert_int_eq(vgl_ipc_request_encode(type, id, fields, VGL_IPC_BUFFER_DEFAULT, &frame, &len), 0);
    raw_send(qc, frame, len);
    g_free(frame);
}

/* ---- over libqb ---- */

START_TEST(round_trip_and_error_replies)
{
    test_server ts;
    vgl_client *c;
    GVariant *reply, *v;
    char *text = NULL;
    const char *s;
    uint32_t u;

    server_start(&ts, NULL);
    c = client_new(&ts);
    ck_assert_uint_ge(vgl_client_buffer_size(c), VGL_IPC_BUFFER_DEFAULT);

    reply = request_ok(c, VGL_IPC_PING, g_variant_new_parsed("{'echo': <'hello'>}"));
    ck_assert(g_variant_lookup(reply, "proto", "u", &u) && u == VGL_IPC_PROTO_VERSION);
    ck_assert(g_variant_lookup(reply, "version", "&s", &s));
    ck_assert_str_eq(s, PACKAGE_VERSION);
    ck_assert(g_variant_lookup(reply, "pid", "u", &u) && u == (uint32_t)ts.pid);
    ck_assert(g_variant_lookup(reply, "echo", "&s", &s));
    ck_assert_str_eq(s, "hello");
    g_variant_unref(reply);

    ck_assert_int_eq(vgl_client_request(c, T_FAIL, NULL, TIMEOUT, &reply, &text), VGL_E_NOT_FOUND);
    ck_assert_str_eq(text, "resource 'x' not found");
    ck_assert_ptr_nonnull(reply);
    g_variant_unref(reply);
    g_free(text);

    ck_assert_int_eq(vgl_client_request(c, 4242, NULL, TIMEOUT, NULL, &text), VGL_E_UNSUPPORTED);
    ck_assert_str_eq(text, "request type 4242 is not served by this vigild");
    g_free(text);
    ck_assert_int_eq(vgl_client_request(c, VGL_IPC_CIB_CHANGE, NULL, TIMEOUT, NULL, &text), VGL_E_UNSUPPORTED);
    ck_assert_str_eq(text, "request CIB_CHANGE is not served by this vigild");
    g_free(text);

    ck_assert_int_eq(vgl_client_request(c, T_ECHO, g_variant_new_int32(1), TIMEOUT, &reply, &text), -EINVAL);
    ck_assert(reply == NULL);
    ck_assert_ptr_nonnull(strstr(text, "a{sv}"));
    g_free(text);

    /* the connection still works after all that */
    reply = request_ok(c, T_ECHO, g_variant_new_parsed("{'n': <@u 7>}"));
    ck_assert(g_variant_lookup(reply, "n", "u", &u) && u == 7);
    v = g_variant_lookup_value(reply, "n", G_VARIANT_TYPE_UINT32);
    ck_assert_ptr_nonnull(v);
    g_variant_unref(v);
    g_variant_unref(reply);
    ck_assert_uint_eq(stat_get(c, "rejected"), 2);

    vgl_client_disconnect(c);
    server_stop(&ts);
}
END_TEST

START_TEST(malformed_requests_get_error_replies)
{
    test_server ts;
    qb_ipcc_connection_t *qc;
    vgl_client *c;
    char junk[40];
    uint64_t id;
    int32_t rc;
    size_t len;
    char *text;
    void *f;

    server_start(&ts, NULL);
    qc = raw_connect(&ts);

    memset(junk, 0xa5, sizeof(junk));
    f = raw_request(g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, junk, sizeof(junk), 1), &len);
    raw_send(qc, f, len);
    g_free(f);
    text = raw_reply(qc, &id, &rc);
    ck_assert_int_eq(id, 0);
    ck_assert_int_eq(rc, VGL_E_PROTOCOL);
    ck_assert_str_eq(text, "request payload is not a normal-form GVariant of type (uuta{sv})");
    g_free(text);

    f = raw_request(g_variant_new("(uuta{sv})", 2, VGL_IPC_PING, (guint64)77, NULL), &len);
    raw_send(qc, f, len);
    g_free(f);
    text = raw_reply(qc, &id, &rc);
    ck_assert_int_eq(id, 77);
    ck_assert_int_eq(rc, VGL_E_VERSION);
    ck_assert_str_eq(text, "request speaks protocol version 2; this side speaks version 1");
    g_free(text);

    f = raw_frame(0x1234, 16, g_variant_new("(uuta{sv})", 1, VGL_IPC_PING, (guint64)5, NULL), -1, &len);
    raw_send(qc, f, len);
    g_free(f);
    text = raw_reply(qc, &id, &rc);
    ck_assert_int_eq(rc, VGL_E_PROTOCOL);
    ck_assert_ptr_nonnull(strstr(text, "is not a request"));
    g_free(text);

    /* header sizes that lie: beyond the buffer, negative, beyond the frame */
    f = raw_frame(VGL_IPC_FRAME_REQUEST, 16, g_variant_new("(uuta{sv})", 1, VGL_IPC_PING, (guint64)5, NULL),
                  10 * 1024 * 1024, &len);
    raw_send(qc, f, len);
    g_free(f);
    text = raw_reply(qc, &id, &rc);
    ck_assert_int_eq(rc, VGL_E_LIMIT);
    g_free(text);
    f = raw_frame(VGL_IPC_FRAME_REQUEST, 16, g_variant_new("(uuta{sv})", 1, VGL_IPC_PING, (guint64)5, NULL), -7, &len);
    memcpy((char *)f + 8, &(int32_t){ -7 }, sizeof(int32_t));
    raw_send(qc, f, len);
    g_free(f);
    text = raw_reply(qc, &id, &rc);
    ck_assert_int_ne(rc, 0);
    g_free(text);
    f = raw_frame(VGL_IPC_FRAME_REQUEST, 16, g_variant_new("(uuta{sv})", 1, VGL_IPC_PING, (guint64)5, NULL), 4096, &len);
    raw_send(qc, f, len);
    g_free(f);
    text = raw_reply(qc, &id, &rc);
    ck_assert_int_ne(rc, 0);
    g_free(text);

    f = raw_request(g_variant_new_parsed("(@u 1, @u 1, @t 9, {'a': <1>, 'a': <2>})"), &len);
    raw_send(qc, f, len);
    g_free(f);
    text = raw_reply(qc, &id, &rc);
    ck_assert_int_eq(rc, VGL_E_PROTOCOL);
    ck_assert_str_eq(text, "request has the field 'a' twice");
    g_free(text);

    /* a well-formed request on the same connection still works */
    raw_request_send(qc, VGL_IPC_PING, 11, NULL);
    text = raw_reply(qc, &id, &rc);
    ck_assert_int_eq(id, 11);
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(text, "");
    g_free(text);
    qb_ipcc_disconnect(qc);

    c = client_new(&ts);
    ck_assert_uint_eq(stat_get(c, "rejected"), 7);
    vgl_client_disconnect(c);
    server_stop(&ts);
}
END_TEST

START_TEST(async_reply_after_a_delay)
{
    test_server ts;
    qb_ipcc_connection_t *qc;
    vgl_client *c;
    GVariant *reply;
    gint64 t0, ping_us;
    uint64_t id;
    int32_t rc;
    uint32_t slept;
    char *text;

    server_start(&ts, NULL);
    qc = raw_connect(&ts);
    c = client_new(&ts);

    t0 = g_get_monotonic_time();
    raw_request_send(qc, T_DELAY, 5, g_variant_new_parsed("{'ms': <@u 300>}"));
    reply = request_ok(c, VGL_IPC_PING, NULL);
    ping_us = g_get_monotonic_time() - t0;
    g_variant_unref(reply);
    ck_assert_msg(ping_us < 200000, "a delayed request blocked the server: ping took %" G_GINT64_FORMAT " us", ping_us);
    ck_assert_uint_eq(stat_get(c, "pending"), 1);

    text = raw_reply(qc, &id, &rc);
    ck_assert_int_ge(g_get_monotonic_time() - t0, 300000);
    ck_assert_int_eq(id, 5);
    ck_assert_int_eq(rc, 0);
    g_free(text);

    t0 = g_get_monotonic_time();
    reply = request_ok(c, T_DELAY, g_variant_new_parsed("{'ms': <@u 200>}"));
    ck_assert_int_ge(g_get_monotonic_time() - t0, 200000);
    ck_assert(g_variant_lookup(reply, "slept", "u", &slept) && slept == 200);
    g_variant_unref(reply);
    ck_assert_uint_eq(stat_get(c, "pending"), 0);

    qb_ipcc_disconnect(qc);
    vgl_client_disconnect(c);
    server_stop(&ts);
}
END_TEST

START_TEST(late_replies_and_gone_clients)
{
    test_server ts;
    vgl_client *c, *gone, *watcher;
    GVariant *reply;
    char *text = NULL;

    server_start(&ts, NULL);
    c = client_new(&ts);
    watcher = client_new(&ts);

    /* a timed-out request's reply arrives later and is skipped */
    ck_assert_int_eq(vgl_client_request(c, T_DELAY, g_variant_new_parsed("{'ms': <@u 300>}"), 50,
                                        &reply, &text), VGL_E_TIMEOUT);
    ck_assert(reply == NULL);
    ck_assert_str_eq(text, "no reply to a request (request type 1001) from vigild within 50 ms");
    g_free(text);
    g_usleep(400000);
    reply = request_ok(c, VGL_IPC_PING, NULL);
    ck_assert(g_variant_lookup_value(reply, "slept", NULL) == NULL);
    ck_assert(g_variant_lookup(reply, "proto", "u", NULL));
    g_variant_unref(reply);

    /* a client that leaves while its request is held */
    gone = client_new(&ts);
    ck_assert_int_eq(vgl_client_request(gone, T_DELAY, g_variant_new_parsed("{'ms': <@u 300>}"), 20,
                                        NULL, NULL), VGL_E_TIMEOUT);
    vgl_client_disconnect(gone);
    ck_assert_uint_eq(stat_get(watcher, "pending"), 1);
    stat_wait(watcher, "connections", 2);
    g_usleep(400000);
    ck_assert_uint_eq(stat_get(watcher, "pending"), 0);
    ck_assert_uint_eq(stat_get(watcher, "replies_lost"), 1);

    vgl_client_disconnect(c);
    vgl_client_disconnect(watcher);
    server_stop(&ts);
}
END_TEST

START_TEST(many_clients)
{
    enum { N = 100 };
    test_server ts;
    vgl_client *c[N];
    GVariant *reply;
    uint32_t i;

    server_start(&ts, NULL);
    for (i = 0; i < N; i++) {
        c[i] = client_new(&ts);
    }
    for (i = 0; i < N; i++) {
        uint32_t back = N;

        reply = request_ok(c[i], T_ECHO, g_variant_new_parsed("{'i': <%u>}", i));
        ck_assert(g_variant_lookup(reply, "i", "u", &back) && back == i);
        g_variant_unref(reply);
    }
    ck_assert_uint_eq(stat_get(c[0], "connections"), N);
    for (i = 1; i < N; i++) {
        vgl_client_disconnect(c[i]);
    }
    stat_wait(c[0], "connections", 1);
    vgl_client_disconnect(c[0]);
    server_stop(&ts);
}
END_TEST

/* Read every waiting event; check order; returns how many came. */
static unsigned drain_events(vgl_client *c, uint32_t want_type, uint32_t first_i, uint64_t *missed_total)
{
    unsigned n = 0;
    uint32_t type, i;
    uint64_t missed;
    GVariant *fields;

    *missed_total = 0;
    while (vgl_client_event_next(c, 200, &type, &fields, &missed) == 0) {
        ck_assert_int_eq(type, want_type);
        ck_assert(g_variant_lookup(fields, "i", "u", &i));
        *missed_total += missed;
        ck_assert_msg(i == first_i + n + *missed_total, "event i=%u after %u events, %" G_GUINT64_FORMAT " missed",
                      i, n, *missed_total);
        g_variant_unref(fields);
        n++;
    }
    return n;
}

static uint64_t broadcast(vgl_client *ctl, uint32_t type, uint32_t count, uint32_t size)
{
    GVariant *reply = request_ok(ctl, T_BROADCAST, g_variant_new_parsed(
        "{'type': <%u>, 'count': <%u>, 'size': <%u>}", type, count, size));
    uint64_t delivered = 0;

    ck_assert(g_variant_lookup(reply, "delivered", "t", &delivered));
    g_variant_unref(reply);
    return delivered;
}

START_TEST(events_reach_every_subscriber)
{
    test_server ts;
    vgl_client *sub[3], *quorum_only, *other, *ctl;
    const uint32_t want[] = { VGL_IPC_EV_QUORUM };
    struct pollfd pfd;
    uint64_t missed;
    uint32_t type;
    GVariant *fields;
    char *text = NULL;

    server_start(&ts, NULL);
    for (int i = 0; i < 3; i++) {
        sub[i] = client_new(&ts);
        ck_assert_int_eq(vgl_client_subscribe(sub[i], NULL, 0, TIMEOUT, NULL), 0);
    }
    quorum_only = client_new(&ts);
    ck_assert_int_eq(vgl_client_subscribe(quorum_only, want, 1, TIMEOUT, &text), 0);
    ck_assert(text == NULL);
    other = client_new(&ts);
    ctl = client_new(&ts);
    ck_assert_uint_eq(stat_get(ctl, "subscribers"), 4);
    ck_assert_int_eq(vgl_client_request(ctl, VGL_IPC_SUBSCRIBE, g_variant_new_parsed("{'events': <'all'>}"),
                                        TIMEOUT, NULL, &text), VGL_E_INVALID);
    ck_assert_str_eq(text, "field 'events' must be of type au, not s");
    g_free(text);

    ck_assert_uint_eq(broadcast(ctl, VGL_IPC_EV_CIB_CHANGED, 5, 10), 15);
    ck_assert_uint_eq(broadcast(ctl, VGL_IPC_EV_QUORUM, 2, 10), 8);

    pfd.fd = vgl_client_event_fd(sub[0]);
    pfd.events = POLLIN;
    ck_assert_int_ge(pfd.fd, 0);
    ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
    for (int i = 0; i < 3; i++) {
        for (uint32_t k = 0; k < 7; k++) {
            uint32_t idx;

            ck_assert_int_eq(vgl_client_event_next(sub[i], TIMEOUT, &type, &fields, &missed), 0);
            ck_assert_int_eq(type, k < 5 ? VGL_IPC_EV_CIB_CHANGED : VGL_IPC_EV_QUORUM);
            ck_assert(g_variant_lookup(fields, "i", "u", &idx) && idx == (k < 5 ? k : k - 5));
            ck_assert_int_eq(missed, 0);
            g_variant_unref(fields);
        }
        ck_assert_int_eq(vgl_client_event_next(sub[i], 0, &type, &fields, &missed), -EAGAIN);
    }
    ck_assert_uint_eq(drain_events(quorum_only, VGL_IPC_EV_QUORUM, 0, &missed), 2);
    ck_assert_int_eq(missed, 0);
    ck_assert_int_eq(vgl_client_event_next(other, 100, &type, &fields, &missed), -EAGAIN);

    for (int i = 0; i < 3; i++) {
        vgl_client_disconnect(sub[i]);
    }
    vgl_client_disconnect(quorum_only);
    vgl_client_disconnect(other);
    vgl_client_disconnect(ctl);
    server_stop(&ts);
}
END_TEST

START_TEST(a_slow_subscriber_does_not_block)
{
    enum { COUNT = 3000, SIZE = 1024 };
    test_server ts;
    vgl_client *slow, *ctl;
    uint64_t missed, dropped, delivered;
    GVariant *reply, *fields;
    uint32_t type;
    gint64 t0, took;
    unsigned got;

    server_start(&ts, NULL);
    slow = client_new(&ts);
    ck_assert_int_eq(vgl_client_subscribe(slow, NULL, 0, TIMEOUT, NULL), 0);
    ctl = client_new(&ts);

    /* 3 MB of events into a 128 KiB ring that nobody reads */
    t0 = g_get_monotonic_time();
    delivered = broadcast(ctl, VGL_IPC_EV_ACTION, COUNT, SIZE);
    took = g_get_monotonic_time() - t0;
    ck_assert_msg(took < 2000000, "broadcast to a stuck subscriber took %" G_GINT64_FORMAT " us", took);
    ck_assert_uint_gt(delivered, 0);
    ck_assert_uint_lt(delivered, COUNT);
    dropped = stat_get(ctl, "events_dropped");
    ck_assert_uint_eq(delivered + dropped, COUNT);
    reply = request_ok(ctl, VGL_IPC_PING, NULL);
    g_variant_unref(reply);

    /* The subscriber reads what fit, then the next event shows the gap. */
    got = drain_events(slow, VGL_IPC_EV_ACTION, 0, &missed);
    ck_assert_uint_eq(got, delivered);
    ck_assert_uint_eq(missed, 0);
    ck_assert_uint_eq(broadcast(ctl, VGL_IPC_EV_ACTION, 1, SIZE), 1);
    ck_assert_int_eq(vgl_client_event_next(slow, TIMEOUT, &type, &fields, &missed), 0);
    ck_assert_int_eq(type, VGL_IPC_EV_ACTION);
    ck_assert_uint_eq(missed, dropped);
    g_variant_unref(fields);
    ck_assert_uint_eq(stat_get(ctl, "subscribers"), 1);

    vgl_client_disconnect(slow);
    vgl_client_disconnect(ctl);
    server_stop(&ts);
}
END_TEST

START_TEST(a_dead_subscriber_does_not_hurt)
{
    test_server ts;
    vgl_client *ctl;
    GVariant *reply;
    int status = 0;
    pid_t pid;

    server_start(&ts, NULL);
    ctl = client_new(&ts);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        vgl_client *c = NULL;

        /* subscribe, then die without a word */
        _exit(vgl_client_connect(ts.name, 0, &c) != 0 || vgl_client_subscribe(c, NULL, 0, TIMEOUT, NULL) != 0);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* events into its ring and notifications into its closed socket */
    for (int i = 0; i < 20; i++) {
        broadcast(ctl, VGL_IPC_EV_CIB_CHANGED, 10, 100);
    }
    stat_wait(ctl, "subscribers", 0);
    reply = request_ok(ctl, VGL_IPC_PING, NULL);
    g_variant_unref(reply);
    vgl_client_disconnect(ctl);
    server_stop(&ts);
}
END_TEST

/* In a forked child: become nobody (with group GID), then try a read-only
 * and a changing request.  Exit status: 0 as expected, else which step. */
static int as_nobody(const test_server *ts, gid_t gid, int want_change)
{
    vgl_client *c = NULL;
    char *text = NULL;
    int rc;

    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(NOBODY) != 0 || getuid() != NOBODY) {
        return 10;
    }
    if (vgl_client_connect(ts->name, 0, &c) != 0) {
        return 11;
    }
    if (vgl_client_request(c, VGL_IPC_PING, NULL, TIMEOUT, NULL, NULL) != 0
        || vgl_client_request(c, T_ECHO, NULL, TIMEOUT, NULL, NULL) != 0) {
        return 12;
    }
    rc = vgl_client_request(c, T_CHANGE, NULL, TIMEOUT, NULL, &text);
    if (rc != want_change) {
        return 13;
    }
    if (rc == VGL_E_PERM && (strstr(text, "uid 65534") == NULL || strstr(text, "type 1002") == NULL
                             || strstr(text, "needs root or group") == NULL)) {
        return 14;
    }
    vgl_client_disconnect(c);
    return 0;
}

static void run_as_nobody(const test_server *ts, gid_t gid, int want_change)
{
    int status = 0;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        _exit(as_nobody(ts, gid, want_change));
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "client as nobody (gid %u) failed at step %d", (unsigned)gid, WEXITSTATUS(status));
}

START_TEST(changing_requests_need_root_or_the_admin_group)
{
    test_server ts;
    vgl_client *c;
    GVariant *reply;

    server_start(&ts, NULL);      /* admin group haclient */
    c = client_new(&ts);
    reply = request_ok(c, T_CHANGE, NULL);
    g_variant_unref(reply);
    run_as_nobody(&ts, NOBODY, VGL_E_PERM);
    ck_assert_uint_eq(stat_get(c, "denied"), 1);
    vgl_client_disconnect(c);
    server_stop(&ts);

    server_start(&ts, "nogroup");  /* nobody's own group: by its gid */
    run_as_nobody(&ts, NOBODY, 0);
    /* by the user database: nobody's passwd group, whatever its gid now */
    run_as_nobody(&ts, 4242, 0);
    server_stop(&ts);

    server_start(&ts, "no-such-group-here");
    run_as_nobody(&ts, NOBODY, VGL_E_PERM);
    server_stop(&ts);
}
END_TEST

START_TEST(server_stops_with_requests_held)
{
    test_server ts;
    qb_ipcc_connection_t *qc;
    vgl_client *c, *sub, *again = (vgl_client *)1;
    struct pollfd pfd;
    GVariant *fields;
    uint64_t missed;
    uint32_t type;
    char *text = NULL;

    server_start(&ts, NULL);
    qc = raw_connect(&ts);
    c = client_new(&ts);
    sub = client_new(&ts);
    ck_assert_int_eq(vgl_client_subscribe(sub, NULL, 0, TIMEOUT, NULL), 0);
    raw_request_send(qc, T_DELAY, 1, g_variant_new_parsed("{'ms': <@u 10000>}"));
    stat_wait(c, "pending", 1);
    server_stop(&ts);             /* requires a clean exit of the server */

    pfd.fd = vgl_client_event_fd(sub);
    pfd.events = POLLIN;
    ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
    ck_assert_int_eq(vgl_client_event_next(sub, 0, &type, &fields, &missed), VGL_E_UNAVAILABLE);
    vgl_client_disconnect(sub);

    ck_assert_int_eq(vgl_client_request(c, VGL_IPC_PING, NULL, 2000, NULL, &text), VGL_E_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(text, "lost"));
    g_free(text);
    ck_assert_int_eq(vgl_client_connect(ts.name, 0, &again), VGL_E_UNAVAILABLE);
    ck_assert(again == NULL);
    vgl_client_disconnect(c);
    qb_ipcc_disconnect(qc);
}
END_TEST

/* rmdir the (empty) /dev/shm/qb-SERVER-US-* directories. */
static void shm_remove_empty_dirs(pid_t server)
{
    char *prefix = g_strdup_printf("qb-%d-%d-", (int)server, (int)getpid());
    GDir *dir = g_dir_open("/dev/shm", 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_prefix(name, prefix)) {
            char *path = g_build_filename("/dev/shm", name, NULL);

            ck_assert_msg(rmdir(path) == 0, "%s: %s", path, g_strerror(errno));
            g_free(path);
        }
    }
    if (dir != NULL) {
        g_dir_close(dir);
    }
    g_free(prefix);
}

START_TEST(a_server_that_dies_mid_request)
{
    test_server ts;
    vgl_client *c;
    char *text = NULL;
    gint64 t0;
    int status = 0;

    server_start(&ts, NULL);
    c = client_new(&ts);
    t0 = g_get_monotonic_time();
    ck_assert_int_eq(vgl_client_request(c, T_CRASH, NULL, 10000, NULL, &text), VGL_E_UNAVAILABLE);
    ck_assert_msg(g_get_monotonic_time() - t0 < 3000000, "noticed the dead server only after %" G_GINT64_FORMAT " us",
                  g_get_monotonic_time() - t0);
    ck_assert_ptr_nonnull(strstr(text, "lost"));
    g_free(text);
    ck_assert_int_eq(waitpid(ts.pid, &status, 0), ts.pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    /* libqb's client removes a dead server's rings when it disconnects,
     * provided that server is gone for good (reaped, not a zombie); the
     * directory they were in stays, empty: remove it. */
    vgl_client_disconnect(c);
    shm_remove_empty_dirs(ts.pid);
}
END_TEST

START_TEST(message_size_limits)
{
    enum { BIG = 300 * 1024 };
    test_server ts;
    vgl_client *c, *wide = NULL;
    GVariant *reply;
    char *text = NULL, *blob = g_strnfill(BIG, 'x');
    const char *s;
    qb_ipcc_connection_t *qc;

    server_start(&ts, NULL);
    c = client_new(&ts);
    ck_assert_int_eq(vgl_client_request(c, T_ECHO, g_variant_new_parsed("{'blob': <%s>}", blob),
                                        TIMEOUT, &reply, &text), VGL_E_LIMIT);
    ck_assert_ptr_nonnull(strstr(text, "does not fit the connection's buffer"));
    g_free(text);
    ck_assert_int_eq(vgl_client_request(c, T_BIG, g_variant_new_parsed("{'size': <@u %u>}", (unsigned)BIG),
                                        TIMEOUT, &reply, &text), VGL_E_LIMIT);
    ck_assert_ptr_nonnull(strstr(text, "does not fit this connection's buffer"));
    g_variant_unref(reply);
    g_free(text);

    ck_assert_int_eq(vgl_client_connect(ts.name, 1024 * 1024, &wide), 0);
    ck_assert_uint_ge(vgl_client_buffer_size(wide), 1024 * 1024);
    reply = request_ok(wide, T_ECHO, g_variant_new_parsed("{'blob': <%s>}", blob));
    ck_assert(g_variant_lookup(reply, "blob", "&s", &s));
    ck_assert_uint_eq(strlen(s), BIG);
    g_variant_unref(reply);

    /* a request of exactly the buffer size goes through */
    {
        size_t pad = vgl_client_buffer_size(c) - 200, len = 0;
        void *frame = NULL;

        for (;;) {
            char *p = g_strnfill(pad, 'p');

            g_free(frame);
            ck_assert_int_eq(vgl_ipc_request_encode(T_DELAY, 1, g_variant_new_parsed(
                "{'ms': <@u 0>, 'pad': <%s>}", p), VGL_IPC_BUFFER_MAX, &frame, &len), 0);
            g_free(p);
            if (len >= vgl_client_buffer_size(c)) {
                break;
            }
            pad += vgl_client_buffer_size(c) - len;
        }
        g_free(frame);
        ck_assert_uint_eq(len, vgl_client_buffer_size(c));
        blob[pad] = '\0';
        reply = request_ok(c, T_DELAY, g_variant_new_parsed("{'ms': <@u 0>, 'pad': <%s>}", blob));
        g_variant_unref(reply);
        blob[pad] = 'x';
    }

    /* a client asking for more than VGL_IPC_BUFFER_MAX is turned away */
    qc = qb_ipcc_connect(ts.name, 2 * VGL_IPC_BUFFER_MAX);
    ck_assert(qc == NULL);
    reply = request_ok(c, VGL_IPC_PING, NULL);
    g_variant_unref(reply);

    g_free(blob);
    vgl_client_disconnect(wide);
    vgl_client_disconnect(c);
    server_stop(&ts);
}
END_TEST

START_TEST(a_client_that_does_not_read_replies_is_cut_off)
{
    test_server ts;
    qb_ipcc_connection_t *qc;
    vgl_client *c;
    GVariant *reply;
    ssize_t sent = 0;

    server_start(&ts, NULL);
    qc = raw_connect(&ts);
    c = client_new(&ts);
    /* 100 KB replies into a 128 KiB ring nobody empties */
    for (uint64_t i = 1; i <= 10 && sent >= 0; i++) {
        void *frame;
        size_t len;

        ck_assert_int_eq(vgl_ipc_request_encode(T_BIG, i, g_variant_new_parsed("{'size': <@u 100000>}"),
                                                VGL_IPC_BUFFER_DEFAULT, &frame, &len), 0);
        sent = qb_ipcc_send(qc, frame, len);
        g_free(frame);
        g_usleep(20000);
    }
    stat_wait(c, "disconnects", 1);
    stat_wait(c, "connections", 1);
    reply = request_ok(c, VGL_IPC_PING, NULL);
    g_variant_unref(reply);
    qb_ipcc_disconnect(qc);
    vgl_client_disconnect(c);
    server_stop(&ts);
}
END_TEST

START_TEST(too_many_requests_in_flight_get_busy)
{
    enum { N = VGL_IPC_PENDING_MAX + 6 };
    test_server ts;
    qb_ipcc_connection_t *qc;
    vgl_client *c;
    uint64_t id;
    int32_t rc;
    char *text;

    server_start(&ts, NULL);
    qc = raw_connect(&ts);
    c = client_new(&ts);
    for (uint64_t i = 1; i <= N; i++) {
        raw_request_send(qc, T_DELAY, i, g_variant_new_parsed("{'ms': <@u 1000>}"));
    }
    for (uint64_t i = VGL_IPC_PENDING_MAX + 1; i <= N; i++) {
        text = raw_reply(qc, &id, &rc);
        ck_assert_int_eq(id, i);
        ck_assert_int_eq(rc, VGL_E_BUSY);
        ck_assert_ptr_nonnull(strstr(text, "still in progress"));
        g_free(text);
    }
    ck_assert_uint_eq(stat_get(c, "pending"), VGL_IPC_PENDING_MAX);
    qb_ipcc_disconnect(qc);
    vgl_client_disconnect(c);
    server_stop(&ts);
}
END_TEST

static Suite *ipc_suite(void)
{
    Suite *s = suite_create("ipc");
    TCase *tc = tcase_create("proto");

    tcase_add_test(tc, proto_decode_rejects_bad_frames);
    tcase_add_test(tc, proto_decode_checks_version_ids_and_names);
    tcase_add_test(tc, proto_decode_checks_replies_and_events);
    tcase_add_test(tc, proto_encode_rejects_bad_input);
    tcase_add_test(tc, proto_round_trips);
    suite_add_tcase(s, tc);

    tc = tcase_create("api");
    tcase_add_test(tc, server_rejects_bad_arguments);
    tcase_add_test(tc, server_refuses_a_name_in_use);
    tcase_add_test(tc, client_rejects_bad_arguments);
    suite_add_tcase(s, tc);

    tc = tcase_create("libqb");
    tcase_add_test(tc, round_trip_and_error_replies);
    tcase_add_test(tc, malformed_requests_get_error_replies);
    tcase_add_test(tc, async_reply_after_a_delay);
    tcase_add_test(tc, late_replies_and_gone_clients);
    tcase_add_test(tc, many_clients);
    tcase_add_test(tc, events_reach_every_subscriber);
    tcase_add_test(tc, a_slow_subscriber_does_not_block);
    tcase_add_test(tc, a_dead_subscriber_does_not_hurt);
    tcase_add_test(tc, changing_requests_need_root_or_the_admin_group);
    tcase_add_test(tc, server_stops_with_requests_held);
    tcase_add_test(tc, a_server_that_dies_mid_request);
    tcase_add_test(tc, message_size_limits);
    tcase_add_test(tc, too_many_requests_in_flight_get_busy);
    tcase_add_test(tc, a_client_that_does_not_read_replies_is_cut_off);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(ipc_suite)
