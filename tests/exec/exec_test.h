/*
 * exec_test.h — helpers shared by check_exec and check_fencer: logging to
 * stderr, a scratch directory per test, driving the default main loop
 * until something arrived, reading files, building parameter tables.
 */
#ifndef VGL_EXEC_TEST_H
#define VGL_EXEC_TEST_H

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <qb/qblog.h>
#include <stdarg.h>
#include <stdbool.h>

static inline int64_t et_now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

/* libqb logging to stderr (the test's log file), never to syslog. */
static inline void et_log_init(const char *name)
{
    qb_log_init(name, LOG_DAEMON, LOG_INFO);
    qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_FALSE);
    qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", LOG_INFO);
    qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
}

/* $VIGIL_SRCDIR/tests/exec/SUB (g_free it). */
static inline char *et_data_dir(const char *sub)
{
    const char *src = g_getenv("VIGIL_SRCDIR");

    ck_assert_msg(src != NULL, "VIGIL_SRCDIR is not set");
    return g_build_filename(src, "tests", "exec", sub, NULL);
}

static inline char *et_tmpdir_new(const char *pattern)
{
    char *dir = g_dir_make_tmp(pattern, NULL);

    ck_assert_ptr_nonnull(dir);
    return dir;
}

/* Remove the scratch directory and the files in it; frees dir. */
static inline void et_tmpdir_free(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        char *path = g_build_filename(dir, name, NULL);
        g_unlink(path);
        g_free(path);
    }
    if (d != NULL) {
        g_dir_close(d);
    }
    g_rmdir(dir);
    g_free(dir);
}

/* Iterate the default main loop until arr holds n items or ms passed. */
static inline bool et_wait_len(GPtrArray *arr, guint n, int ms)
{
    int64_t end = et_now_ms() + ms;

    while (arr->len < n && et_now_ms() < end) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    return arr->len >= n;
}

/* Iterate the default main loop for ms. */
static inline void et_spin(int ms)
{
    int64_t end = et_now_ms() + ms;

    while (et_now_ms() < end) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

/* A file's contents (g_free it), or NULL. */
static inline char *et_slurp(const char *path)
{
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return NULL;
    }
    return text;
}

/* A char* → char* table from name, value, ..., NULL. */
static inline GHashTable *et_params(const char *first, ...)
{
    GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    va_list ap;

    va_start(ap, first);
    for (const char *k = first; k != NULL; k = va_arg(ap, const char *)) {
        g_hash_table_insert(t, g_strdup(k), g_strdup(va_arg(ap, const char *)));
    }
    va_end(ap);
    return t;
}

#endif
