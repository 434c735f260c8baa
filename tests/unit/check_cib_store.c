/*
 * check_cib_store.c — the durable store: bad arguments first, then round
 * trips and history, corrupt and torn files (the newest good version is
 * used and the bad ones reported), a too-new schema (refused, never
 * silently downgraded), every write-side system call failing in turn
 * (fault injection), and kill -9 of a writer at random points, many times.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vigil/cib.h>
#include <vigil/cib_store.h>

#include "check_cib_util.h"
#include "cib/cib_internal.h"
#include "vgl_check.h"

static char *tmpdir(void)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("vigil-store-XXXXXX", &err);

    ck_assert_msg(dir != NULL, "mkdtemp: %s", err ? err->message : "?");
    return dir;
}

static void rmtree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        char *p = g_build_filename(dir, name, NULL);
        unlink(p);
        g_free(p);
    }
    if (d != NULL)
        g_dir_close(d);
    rmdir(dir);
}

static unsigned count_files(const char *dir, const char *suffix)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    unsigned n = 0;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL)
        n += g_str_has_suffix(name, suffix);
    if (d != NULL)
        g_dir_close(d);
    return n;
}

/* A CIB whose cluster-name is "v<n>" (so each version is recognisable). */
static vgl_cib *version(unsigned n)
{
    vgl_cib *cib = cibt_load("good/pacemaker-web.xml");
    char name[32];

    g_snprintf(name, sizeof(name), "v%u", n);
    ck_assert_int_eq(vgl_cib_set_option(cib, "cluster-name", name, NULL), 0);
    return cib;
}

static unsigned loaded_version(vgl_cib_store *store, GPtrArray *errors)
{
    vgl_cib *cib = NULL;
    int rc = vgl_cib_store_load(store, &cib, errors);
    unsigned n = 0;

    ck_assert_msg(rc == 0, "load: %s", vgl_strerror(rc));
    ck_assert_int_eq(sscanf(vgl_cib_option(cib, "cluster-name"), "v%u", &n), 1);
    vgl_cib_free(cib);
    return n;
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char *p = g_build_filename(dir, name, NULL);

    ck_assert(g_file_set_contents(p, data, (gssize)len, NULL));
    g_free(p);
}

/* ---- bad arguments ---- */

START_TEST(store_refuses_bad_arguments)
{
    vgl_cib_store *store = (vgl_cib_store *)&store;
    vgl_cib *cib = NULL;
    char *dir = tmpdir(), *file = g_build_filename(dir, "plain", NULL);

    ck_assert_int_eq(vgl_cib_store_open(NULL, &store), -EINVAL);
    ck_assert_ptr_null(store);
    ck_assert_int_eq(vgl_cib_store_open("/nonexistent/vigil", &store), -ENOENT);
    write_file(dir, "plain", "x", 1);
    ck_assert_int_eq(vgl_cib_store_open(file, &store), -ENOTDIR);
    vgl_cib_store_free(NULL);
    vgl_cib_store_set_keep(NULL, 3);
    ck_assert_ptr_null(vgl_cib_store_dir(NULL));
    ck_assert_int_eq(vgl_cib_store_write(NULL, NULL), -EINVAL);
    ck_assert_int_eq(vgl_cib_store_load(NULL, &cib, NULL), -EINVAL);
    ck_assert_int_eq(vgl_cib_store_open(dir, &store), 0);
    ck_assert_int_eq(vgl_cib_store_write(store, NULL), -EINVAL);
    ck_assert_int_eq(vgl_cib_store_load(store, &cib, NULL), VGL_E_NOT_FOUND); /* empty store */
    ck_assert_ptr_null(cib);
    ck_assert_str_eq(vgl_cib_store_dir(store), dir);
    vgl_cib_store_free(store);
    rmtree(dir);
    g_free(dir);
    g_free(file);
}
END_TEST

/* ---- round trips and history ---- */

START_TEST(store_round_trip_and_history)
{
    char *dir = tmpdir(), *label;
    vgl_cib_store *store = NULL;
    vgl_cib *cib = NULL, *v;
    GPtrArray *errors = cibt_errors();

    ck_assert_int_eq(vgl_cib_store_open(dir, &store), 0);
    vgl_cib_store_set_keep(store, 3);
    for (unsigned i = 1; i <= 10; i++) {
        v = version(i);
        ck_assert_int_eq(vgl_cib_store_write(store, v), 0);
        vgl_cib_free(v);
    }
    ck_assert_int_eq(vgl_cib_store_load(store, &cib, errors), 0);
    ck_assert_uint_eq(errors->len, 0);
    ck_assert_str_eq(vgl_cib_option(cib, "cluster-name"), "v10");
    label = g_build_filename(dir, "cib.xml", NULL);
    ck_assert_str_eq(vgl_cib_label(cib), label);
    v = version(10);
    cibt_assert_same(cib, v); /* byte for byte what was written */
    ck_assert_uint_eq(count_files(dir, ".tmp"), 0);
    ck_assert_uint_eq(count_files(dir, ".xml"), 4);  /* cib.xml and 3 archives */
    ck_assert_uint_eq(count_files(dir, ".sig"), 4);
    /* a new store object on the same directory numbers on from the last */
    vgl_cib_store_free(store);
    ck_assert_int_eq(vgl_cib_store_open(dir, &store), 0);
    ck_assert_int_eq(vgl_cib_store_write(store, v), 0);
    {
        char *p = g_build_filename(dir, "cib-10.xml", NULL);
        ck_assert(g_file_test(p, G_FILE_TEST_EXISTS));
        g_free(p);
    }
    vgl_cib_free(v);
    vgl_cib_free(cib);
    vgl_cib_store_free(store);
    g_ptr_array_unref(errors);
    rmtree(dir);
    g_free(dir);
    g_free(label);
}
END_TEST

/* Write versions 1..n into a fresh store in dir. */
static vgl_cib_store *filled_store(const char *dir, unsigned n)
{
    vgl_cib_store *store = NULL;

    ck_assert_int_eq(vgl_cib_store_open(dir, &store), 0);
    for (unsigned i = 1; i <= n; i++) {
        vgl_cib *v = version(i);
        ck_assert_int_eq(vgl_cib_store_write(store, v), 0);
        vgl_cib_free(v);
    }
    return store;
}

START_TEST(store_detects_corruption_and_falls_back)
{
    char *dir = tmpdir(), *cur, *text, *want;
    gsize len;
    vgl_cib_store *store = filled_store(dir, 3);
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;

    cur = g_build_filename(dir, "cib.xml", NULL);
    ck_assert(g_file_get_contents(cur, &text, &len, NULL));
    /* one flipped byte */
    text[len / 2] ^= 0x20;
    write_file(dir, "cib.xml", text, len);
    ck_assert_uint_eq(loaded_version(store, errors), 2);
    want = g_strdup_printf("%s: digest mismatch (torn or corrupt write)", cur);
    ck_assert_uint_eq(errors->len, 1);
    ck_assert_str_eq(errors->pdata[0], want);
    g_free(want);
    /* a torn (truncated) file */
    g_ptr_array_set_size(errors, 0);
    write_file(dir, "cib.xml", text, len / 3);
    ck_assert_uint_eq(loaded_version(store, errors), 2);
    /* a missing signature */
    g_ptr_array_set_size(errors, 0);
    {
        char *sig = g_build_filename(dir, "cib.xml.sig", NULL);
        unlink(sig);
        g_free(sig);
    }
    ck_assert_uint_eq(loaded_version(store, errors), 2);
    want = g_strdup_printf("%s: cannot read it or its signature (torn write?)", cur);
    ck_assert_str_eq(errors->pdata[0], want);
    g_free(want);
    /* a matching signature over text that is not a CIB */
    g_ptr_array_set_size(errors, 0);
    {
        char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "<cib/>", -1);
        char *sig = g_strconcat(digest, "\n", NULL);

        write_file(dir, "cib.xml", "<cib/>", 6);
        write_file(dir, "cib.xml.sig", sig, strlen(sig));
        g_free(digest);
        g_free(sig);
    }
    ck_assert_uint_eq(loaded_version(store, errors), 2);
    ck_assert_uint_ge(errors->len, 1);
    /* the next write does not archive the bad cib.xml, and wins */
    {
        vgl_cib *v4 = version(4);
        ck_assert_int_eq(vgl_cib_store_write(store, v4), 0);
        vgl_cib_free(v4);
    }
    g_ptr_array_set_size(errors, 0);
    ck_assert_uint_eq(loaded_version(store, errors), 4);
    ck_assert_uint_eq(errors->len, 0);
    /* everything bad */
    write_file(dir, "cib.xml", "junk", 4);
    for (unsigned i = 1; i <= 4; i++) {
        char *name = g_strdup_printf("cib-%u.xml", i);
        write_file(dir, name, "junk", 4);
        g_free(name);
    }
    ck_assert_int_eq(vgl_cib_store_load(store, &cib, NULL), VGL_E_INVALID);
    ck_assert_ptr_null(cib);
    g_free(text);
    g_free(cur);
    g_ptr_array_unref(errors);
    vgl_cib_store_free(store);
    rmtree(dir);
    g_free(dir);
}
END_TEST

START_TEST(store_refuses_a_newer_schema)
{
    char *dir = tmpdir(), *cur, *text, *newer, *digest, *sig;
    gsize len;
    vgl_cib_store *store = filled_store(dir, 2);
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;

    cur = g_build_filename(dir, "cib.xml", NULL);
    ck_assert(g_file_get_contents(cur, &text, &len, NULL));
    {
        char **parts = g_strsplit(text, "validate-with=\"pacemaker-3.9\"", 2);

        ck_assert_uint_eq(g_strv_length(parts), 2);
        newer = g_strjoinv("validate-with=\"vigil-2.0\"", parts);
        g_strfreev(parts);
    }
    digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, newer, -1);
    sig = g_strconcat(digest, "\n", NULL);
    write_file(dir, "cib.xml", newer, strlen(newer));
    write_file(dir, "cib.xml.sig", sig, strlen(sig));
    ck_assert_int_eq(vgl_cib_store_load(store, &cib, errors), VGL_E_VERSION);
    ck_assert_ptr_null(cib); /* not silently the older archive */
    ck_assert_uint_eq(errors->len, 1);
    ck_assert_ptr_nonnull(strstr(errors->pdata[0], "schema validate-with=\"vigil-2.0\" is newer than this Vigil"));
    g_free(text);
    g_free(newer);
    g_free(digest);
    g_free(sig);
    g_free(cur);
    g_ptr_array_unref(errors);
    vgl_cib_store_free(store);
    rmtree(dir);
    g_free(dir);
}
END_TEST

/* ---- fault injection ---- */

enum { K_OPEN, K_WRITE, K_FSYNC, K_CLOSE, K_RENAME, K_LINK, K_UNLINK, K_COUNT };
static const char *const kind_names[] = { "open", "write", "fsync", "close", "rename", "link", "unlink" };
static int fail_kind = -1, fail_at = 0, calls[K_COUNT];
static size_t write_chunk; /* when not 0, writes are cut to this size */

static bool injected(int kind)
{
    if (kind != fail_kind || ++calls[kind] != fail_at)
        return false;
    errno = (kind == K_WRITE) ? ENOSPC : EIO;
    return true;
}

static int f_open(const char *p, int fl, mode_t m) { return injected(K_OPEN) ? -1 : open(p, fl, m); }
static int f_fsync(int fd) { return injected(K_FSYNC) ? -1 : fsync(fd); }
static int f_rename(const char *a, const char *b) { return injected(K_RENAME) ? -1 : rename(a, b); }
static int f_link(const char *a, const char *b) { return injected(K_LINK) ? -1 : link(a, b); }
static int f_unlink(const char *p) { return injected(K_UNLINK) ? -1 : unlink(p); }

static int f_close(int fd)
{
    /* the descriptor is released either way, as close(2) does */
    bool fail = injected(K_CLOSE);
    int rc = close(fd);

    if (fail)
        errno = EIO;
    return fail ? -1 : rc;
}

static ssize_t f_write(int fd, const void *buf, size_t len)
{
    if (injected(K_WRITE))
        return -1;
    return write(fd, buf, write_chunk && len > write_chunk ? write_chunk : len);
}

static const vgl__cib_syscalls faulty = { f_open, f_write, f_fsync, f_close, f_rename, f_link, f_unlink };

START_TEST(store_survives_every_failing_syscall)
{
    unsigned checked = 0;

    for (int kind = 0; kind < K_COUNT; kind++) {
        for (int at = 1; at < 30; at++) {
            char *dir = tmpdir();
            vgl_cib_store *store = filled_store(dir, 2), *fresh = NULL;
            vgl_cib *v3 = version(3), *v4 = version(4);
            GPtrArray *errors = cibt_errors();
            unsigned got;
            int rc;

            vgl_cib_store_set_keep(store, 1); /* so the write also prunes (unlink) */
            memset(calls, 0, sizeof(calls));
            fail_kind = kind;
            fail_at = at;
            vgl__cib_store_set_syscalls(store, &faulty);
            rc = vgl_cib_store_write(store, v3);
            fail_kind = -1;
            vgl__cib_store_set_syscalls(store, NULL);
            ck_assert_int_eq(vgl_cib_store_open(dir, &fresh), 0);
            got = loaded_version(fresh, errors);
            if (calls[kind] < at || kind == K_UNLINK) {
                /* not reached, or only the best-effort cleanup failed */
                ck_assert_msg(rc == 0, "%s #%d: %s", kind_names[kind], at, vgl_strerror(rc));
                ck_assert_uint_eq(got, 3);
            } else {
                /* reported, and the store holds the old or the new version */
                ck_assert_msg(rc < 0, "%s #%d failed silently", kind_names[kind], at);
                ck_assert_msg(got == 2 || got == 3, "%s #%d: loaded v%u", kind_names[kind], at, got);
                ck_assert_msg(count_files(dir, ".tmp") == 0, "%s #%d left temporaries", kind_names[kind], at);
            }
            checked++;
            /* and the store keeps working */
            ck_assert_int_eq(vgl_cib_store_write(store, v4), 0);
            ck_assert_uint_eq(loaded_version(fresh, NULL), 4);
            g_ptr_array_unref(errors);
            vgl_cib_free(v3);
            vgl_cib_free(v4);
            vgl_cib_store_free(fresh);
            vgl_cib_store_free(store);
            rmtree(dir);
            g_free(dir);
            if (calls[kind] < at)
                break;
        }
    }
    ck_assert_uint_ge(checked, 20);
}
END_TEST

START_TEST(store_handles_short_writes)
{
    char *dir = tmpdir();
    vgl_cib_store *store = NULL;
    vgl_cib *v = version(9);

    ck_assert_int_eq(vgl_cib_store_open(dir, &store), 0);
    write_chunk = 7;
    vgl__cib_store_set_syscalls(store, &faulty);
    ck_assert_int_eq(vgl_cib_store_write(store, v), 0);
    write_chunk = 0;
    ck_assert_uint_eq(loaded_version(store, NULL), 9);
    vgl_cib_free(v);
    vgl_cib_store_free(store);
    rmtree(dir);
    g_free(dir);
}
END_TEST

/* ---- kill -9 ---- */

/* The child: write versions 1, 2, ... forever, telling the parent each
 * version whose write returned (was acknowledged). */
static void writer(const char *dir, int ack_fd)
{
    vgl_cib_store *store = NULL;
    vgl_cib *v = version(0);
    char name[32];

    if (vgl_cib_store_open(dir, &store) != 0)
        _exit(2);
    vgl_cib_store_set_keep(store, 2);
    for (unsigned i = 1;; i++) {
        g_snprintf(name, sizeof(name), "v%u", i);
        if (vgl_cib_set_option(v, "cluster-name", name, NULL) != 0 || vgl_cib_store_write(store, v) != 0)
            _exit(3);
        if (write(ack_fd, &i, sizeof(i)) != sizeof(i))
            _exit(4);
    }
}

START_TEST(store_survives_kill_9_at_random_points)
{
    GRand *r = g_rand_new_with_seed((guint32)getpid());
    unsigned runs = 0, empty = 0;

    for (int round = 0; round < 60; round++) {
        char *dir = tmpdir();
        int fds[2];
        pid_t pid;
        unsigned acked = 0, n;
        vgl_cib_store *store = NULL;
        vgl_cib *cib = NULL;
        GPtrArray *errors = cibt_errors();
        int rc, status;

        ck_assert_int_eq(pipe(fds), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            close(fds[0]);
            writer(dir, fds[1]);
        }
        close(fds[1]);
        g_usleep((gulong)g_rand_int_range(r, 0, 40000));
        kill(pid, SIGKILL);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFSIGNALED(status), "writer died on its own: %d", WEXITSTATUS(status));
        while (read(fds[0], &n, sizeof(n)) == sizeof(n))
            acked = n;
        close(fds[0]);
        ck_assert_int_eq(vgl_cib_store_open(dir, &store), 0);
        rc = vgl_cib_store_load(store, &cib, errors);
        if (rc == VGL_E_NOT_FOUND) {
            ck_assert_uint_eq(acked, 0); /* killed before the first write finished */
            empty++;
        } else {
            unsigned got = 0;

            ck_assert_msg(rc == 0, "round %d: %s", round, vgl_strerror(rc));
            ck_assert_int_eq(sscanf(vgl_cib_option(cib, "cluster-name"), "v%u", &got), 1);
            ck_assert_msg(got >= acked && got <= acked + 1, "round %d: acked v%u, loaded v%u",
                          round, acked, got);
        }
        runs++;
        vgl_cib_free(cib);
        vgl_cib_store_free(store);
        g_ptr_array_unref(errors);
        rmtree(dir);
        g_free(dir);
    }
    ck_assert_uint_eq(runs, 60);
    ck_assert_uint_lt(empty, runs);
    g_rand_free(r);
}
END_TEST

static Suite *cib_store_suite(void)
{
    Suite *s = suite_create("cib_store");
    TCase *bad = tcase_create("bad arguments");
    TCase *disk = tcase_create("disk");
    TCase *faults = tcase_create("faults");

    tcase_add_test(bad, store_refuses_bad_arguments);
    tcase_add_test(disk, store_round_trip_and_history);
    tcase_add_test(disk, store_detects_corruption_and_falls_back);
    tcase_add_test(disk, store_refuses_a_newer_schema);
    tcase_add_test(faults, store_survives_every_failing_syscall);
    tcase_add_test(faults, store_handles_short_writes);
    tcase_add_test(faults, store_survives_kill_9_at_random_points);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, disk);
    suite_add_tcase(s, faults);
    return s;
}

VGL_CHECK_MAIN(cib_store_suite)
