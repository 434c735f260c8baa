/* check_exec.c — the OCF executor: bad input first, then real runs of the
 * fake agents in tests/exec/ on the glib main loop. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vigil/vigil.h>

#include "daemon/exec.h"
#include "tests/exec/exec_test.h"
#include "vgl_check.h"

/* ---- fixture ---- */

typedef struct got_result {
    uint64_t token, call_id;
    char *rsc_id, *action, *output, *errors, *reason;
    uint32_t interval_ms, exec_ms, queue_ms;
    int rc, expected_rc;
    vgl_exec_status status;
    int64_t start_time, at_ms;
} got_result;

static vgl_exec *ex;
static GPtrArray *got;       /* got_result* in arrival order */
static char *tmp;            /* a fresh directory per test */
static char *ocf_root;
static int64_t t0;

static void got_free(gpointer data)
{
    got_result *g = data;

    g_free(g->rsc_id);
    g_free(g->action);
    g_free(g->output);
    g_free(g->errors);
    g_free(g->reason);
    g_free(g);
}

static void collect(const vgl_exec_result *r, void *user_data)
{
    got_result *g = g_new0(got_result, 1);

    ck_assert_ptr_eq(user_data, &got);
    g->token = r->token;
    g->call_id = r->call_id;
    g->rsc_id = g_strdup(r->rsc_id);
    g->action = g_strdup(r->action);
    g->output = g_strdup(r->output);
    g->errors = g_strdup(r->errors);
    g->reason = g_strdup(r->reason);
    g->interval_ms = r->interval_ms;
    g->exec_ms = r->exec_ms;
    g->queue_ms = r->queue_ms;
    g->rc = r->rc;
    g->expected_rc = r->expected_rc;
    g->status = r->status;
    g->start_time = r->start_time;
    g->at_ms = et_now_ms() - t0;
    g_ptr_array_add(got, g);
}

static void setup(void)
{
    et_log_init("check_exec");
    ocf_root = et_data_dir("");
    tmp = et_tmpdir_new("vgl-exec-XXXXXX");
    got = g_ptr_array_new_with_free_func(got_free);
    ex = vgl_exec_new(ocf_root, "node1", collect, &got);
    ck_assert_ptr_nonnull(ex);
    t0 = et_now_ms();
}

static void teardown(void)
{
    vgl_exec_free(ex);
    ex = NULL;
    g_ptr_array_free(got, TRUE);
    et_tmpdir_free(tmp);
    g_free(ocf_root);
    qb_log_fini();
}

static bool wait_results(guint n, int ms)
{
    return et_wait_len(got, n, ms);
}

static got_result *R(guint i)
{
    ck_assert_uint_lt(i, got->len);
    return g_ptr_array_index(got, i);
}

static char *tmpfile_path(const char *name)
{
    return g_build_filename(tmp, name, NULL);
}

static int count_lines(const char *path, const char *prefix)
{
    char *text = et_slurp(path);
    char **lines;
    int n = 0;

    if (text == NULL) {
        return 0;
    }
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        n += g_str_has_prefix(*l, prefix) ? 1 : 0;
    }
    g_strfreev(lines);
    g_free(text);
    return n;
}

static uint64_t submit(const char *rsc, const char *action, uint32_t interval,
                       uint32_t timeout, GHashTable *params)
{
    vgl_exec_request req = {
        .rsc_id = rsc, .rsc_class = "ocf", .provider = "vigiltest", .type = "Fake",
        .action = action, .interval_ms = interval, .timeout_ms = timeout,
        .params = params, .token = 1000,
    };
    uint64_t id = 0;
    char *err = NULL;
    int rc = vgl_exec_submit(ex, &req, &id, &err);

    ck_assert_msg(rc == 0, "submit %s %s: %s", rsc, action, err ? err : "?");
    ck_assert_uint_gt(id, 0);
    if (params != NULL) {
        g_hash_table_unref(params);
    }
    return id;
}

/* Alive = it exists and is not a zombie (a reparented zombie may wait for
 * a PID 1 that does not reap). */
static bool pid_alive(pid_t pid)
{
    char path[64], *stat = NULL, *paren;
    bool alive = false;

    g_snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
    if (g_file_get_contents(path, &stat, NULL, NULL)) {
        paren = strrchr(stat, ')');
        alive = paren != NULL && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
    }
    g_free(stat);
    return alive;
}

static bool pid_gone_within(pid_t pid, int ms)
{
    int64_t end = et_now_ms() + ms;

    while (pid_alive(pid)) {
        if (et_now_ms() > end) {
            return false;
        }
        g_usleep(5000);
    }
    return true;
}

static pid_t wait_pid_file(const char *path, int ms)
{
    int64_t end = et_now_ms() + ms;
    char *text;
    pid_t pid = 0;

    while (et_now_ms() < end) {
        text = et_slurp(path);
        if (text != NULL && text[0] != '\0' && strchr(text, '\n') != NULL) {
            pid = (pid_t) atoi(text);
            g_free(text);
            return pid;
        }
        g_free(text);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(2000);
    }
    return 0;
}

/* ---- bad input ---- */

START_TEST(new_rejects_bad_arguments)
{
    ck_assert_ptr_null(vgl_exec_new(ocf_root, NULL, collect, NULL));
    ck_assert_ptr_null(vgl_exec_new(ocf_root, "", collect, NULL));
    ck_assert_ptr_null(vgl_exec_new(ocf_root, "node1", NULL, NULL));
    ck_assert_ptr_null(vgl_exec_new("relative/ocf", "node1", collect, NULL));
    vgl_exec_free(NULL);
    ck_assert_int_eq(vgl_exec_set_lsb_dir(ex, "init.d"), -EINVAL);
    ck_assert_int_eq(vgl_exec_set_lsb_dir(NULL, "/etc/init.d"), -EINVAL);
    ck_assert_int_eq(vgl_exec_set_max_concurrent(NULL, 1), -EINVAL);
    ck_assert_int_eq(vgl_exec_cancel(NULL, "a", "monitor", 10), -EINVAL);
    ck_assert_int_eq(vgl_exec_cancel(ex, NULL, "monitor", 10), -EINVAL);
    ck_assert_int_eq(vgl_exec_cancel(ex, "a", NULL, 10), -EINVAL);
    ck_assert_int_eq(vgl_exec_cancel(ex, "nosuch", "monitor", 10), 0);
    ck_assert_int_eq(vgl_exec_cancel_rsc(ex, NULL), -EINVAL);
}
END_TEST

typedef struct bad_case {
    const char *rsc, *cls, *provider, *type, *action;
    uint32_t interval, timeout;
    const char *pname, *pvalue;
    int want;
    const char *mention;   /* the error text must contain this */
} bad_case;

START_TEST(submit_rejects_bad_requests)
{
    char *huge = g_strnfill(5000, 'v');
    const bad_case cases[] = {
        { NULL, "ocf", "vigiltest", "Fake", "start", 0, 0, NULL, NULL, -EINVAL, "required" },
        { "r", "ocf", "vigiltest", "Fake", NULL, 0, 0, NULL, NULL, -EINVAL, "required" },
        { "r", NULL, "vigiltest", "Fake", "start", 0, 0, NULL, NULL, -EINVAL, "required" },
        { "r", "ocf", NULL, "Fake", "start", 0, 0, NULL, NULL, -EINVAL, "provider" },
        { "", "ocf", "vigiltest", "Fake", "start", 0, 0, NULL, NULL, VGL_E_INVALID, "resource id" },
        { "a/b", "ocf", "vigiltest", "Fake", "start", 0, 0, NULL, NULL, VGL_E_INVALID, "resource id" },
        { "r", "ocf", "../x", "Fake", "start", 0, 0, NULL, NULL, VGL_E_INVALID, "../x" },
        { "r", "ocf", "..", "Fake", "start", 0, 0, NULL, NULL, VGL_E_INVALID, "provider" },
        { "r", "ocf", "vigiltest", "../../bin/sh", "start", 0, 0, NULL, NULL, VGL_E_INVALID, "type" },
        { "r", "ocf", "vigiltest", "a/b", "start", 0, 0, NULL, NULL, VGL_E_INVALID, "a/b" },
        { "r", "ocf", "vigiltest", ".hidden", "start", 0, 0, NULL, NULL, VGL_E_INVALID, "type" },
        { "r", "ocf", "vigiltest", "Fake", "st art", 0, 0, NULL, NULL, VGL_E_INVALID, "action" },
        { "r", "ocf", "vigiltest", "Fake", "start;rm", 0, 0, NULL, NULL, VGL_E_INVALID, "action" },
        { "r", "systemd", NULL, "nginx", "start", 0, 0, NULL, NULL, VGL_E_UNSUPPORTED, "systemd" },
        { "r", "stonith", NULL, "fence_lab", "start", 0, 0, NULL, NULL, VGL_E_UNSUPPORTED, "stonith" },
        { "r", "lsb", "heartbeat", "fakelsb", "start", 0, 0, NULL, NULL, VGL_E_INVALID, "provider" },
        { "r", "lsb", NULL, "fakelsb", "meta-data", 0, 0, NULL, NULL, VGL_E_UNSUPPORTED, "meta-data" },
        { "r", "ocf", "vigiltest", "Fake", "start", 0, 90000000, NULL, NULL, VGL_E_INVALID, "timeout" },
        { "r", "ocf", "vigiltest", "Fake", "monitor", 90000000, 0, NULL, NULL, VGL_E_INVALID, "interval" },
        { "r", "ocf", "vigiltest", "Fake", "start", 1000, 0, NULL, NULL, VGL_E_INVALID, "only monitor" },
        { "r", "ocf", "vigiltest", "Fake", "start", 0, 0, "bad name", "x", VGL_E_INVALID, "bad name" },
        { "r", "ocf", "vigiltest", "Fake", "start", 0, 0, "9lives", "x", VGL_E_INVALID, "9lives" },
        { "r", "ocf", "vigiltest", "Fake", "start", 0, 0, "CRM_meta_timeout", "1", VGL_E_INVALID,
          "CRM_meta_timeout" },
        { "r", "ocf", "vigiltest", "Fake", "start", 0, 0, "big", huge, VGL_E_LIMIT, "big" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const bad_case *c = &cases[i];
        GHashTable *params = c->pname ? et_params(c->pname, c->pvalue, NULL) : NULL;
        vgl_exec_request req = {
            .rsc_id = c->rsc, .rsc_class = c->cls, .provider = c->provider, .type = c->type,
            .action = c->action, .interval_ms = c->interval, .timeout_ms = c->timeout,
            .params = params,
        };
        uint64_t id = 99;
        char *err = NULL;
        int rc = vgl_exec_submit(ex, &req, &id, &err);

        ck_assert_msg(rc == c->want, "case %zu: rc %d, want %d (%s)", i, rc, c->want, err);
        ck_assert_uint_eq(id, 0);
        ck_assert_msg(err != NULL && strstr(err, c->mention) != NULL,
                      "case %zu: error '%s' does not mention '%s'", i, err, c->mention);
        g_free(err);
        if (params != NULL) {
            g_hash_table_unref(params);
        }
    }
    ck_assert_int_eq(vgl_exec_submit(NULL, NULL, NULL, NULL), -EINVAL);
    ck_assert_int_eq(vgl_exec_submit(ex, NULL, NULL, NULL), -EINVAL);
    g_free(huge);
    /* Nothing was queued, nothing reports. */
    et_spin(50);
    ck_assert_uint_eq(got->len, 0);
}
END_TEST

START_TEST(missing_agent_is_not_installed)
{
    vgl_exec_request req = {
        .rsc_id = "ghost", .rsc_class = "ocf", .provider = "vigiltest", .type = "NoSuchAgent",
        .action = "start", .token = 7,
    };
    uint64_t id;

    ck_assert_int_eq(vgl_exec_submit(ex, &req, &id, NULL), 0);
    req.rsc_id = "noexec";
    req.type = "NoExec";
    ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    req.rsc_id = "noprov";
    req.provider = "nosuchprovider";
    req.type = "Fake";
    ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    /* Not reported from inside submit. */
    ck_assert_uint_eq(got->len, 0);
    ck_assert(wait_results(3, 2000));
    for (guint i = 0; i < 3; i++) {
        ck_assert_int_eq(R(i)->status, VGL_EXEC_NOT_INSTALLED);
        ck_assert_int_eq(R(i)->rc, VGL_OCF_ERR_INSTALLED);
        ck_assert_uint_eq(R(i)->token, 7);
        ck_assert_ptr_nonnull(strstr(R(i)->reason, "resource.d"));
    }
    ck_assert_uint_eq(R(0)->call_id, id);
}
END_TEST

START_TEST(metadata_rejects_bad_input)
{
    char *xml = (char *) "x", *err = NULL;

    ck_assert_int_eq(vgl_exec_metadata(ocf_root, "ocf", "vigiltest", "Fake", 0, NULL, NULL),
                     -EINVAL);
    ck_assert_int_eq(vgl_exec_metadata("rel", "ocf", "vigiltest", "Fake", 0, &xml, NULL), -EINVAL);
    ck_assert_ptr_null(xml);
    ck_assert_int_eq(vgl_exec_metadata(ocf_root, "ocf", "../etc", "Fake", 0, &xml, &err),
                     VGL_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err, "../etc"));
    g_free(err);
    ck_assert_int_eq(vgl_exec_metadata(ocf_root, "ocf", "vigiltest", "Nope", 0, &xml, &err),
                     VGL_E_NOT_FOUND);
    g_free(err);
    ck_assert_int_eq(vgl_exec_metadata(ocf_root, "lsb", NULL, "fakelsb", 0, &xml, NULL),
                     VGL_E_UNSUPPORTED);
    ck_assert_int_eq(vgl_exec_metadata(ocf_root, "upstart", NULL, "x", 0, &xml, NULL),
                     VGL_E_UNSUPPORTED);
    ck_assert_int_eq(vgl_exec_metadata(ocf_root, "ocf", "vigiltest", "Fake", 90000000, &xml, NULL),
                     -EINVAL);
    ck_assert_ptr_null(xml);
}
END_TEST

/* ---- real runs ---- */

START_TEST(metadata_returns_xml)
{
    char *xml = NULL, *err = NULL;

    ck_assert_int_eq(vgl_exec_metadata(ocf_root, "ocf", "vigiltest", "Fake", 0, &xml, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_ptr_nonnull(strstr(xml, "<resource-agent name=\"Fake\""));
    ck_assert_ptr_nonnull(strstr(xml, "</resource-agent>"));
    g_free(xml);
}
END_TEST

/* The environment, exactly: every variable the agent sees, except the
 * ones its shell adds itself. */
START_TEST(environment_is_exactly_the_ocf_api)
{
    char *dump = tmpfile_path("env");
    char *canary = tmpfile_path("pwned");
    char *tricky = g_strdup_printf("$(touch %s); `touch %s` 'q' \"dq\" \\ *", canary, canary);
    GHashTable *meta = et_params("on-fail", "block", "globally_unique", "false", "timeout", "1",
                                 NULL);
    vgl_exec_request req = {
        .rsc_id = "web:1", .rsc_class = "ocf", .provider = "vigiltest", .type = "Fake",
        .action = "monitor", .timeout_ms = 5000, .check_level = 10, .token = 5,
        .params = et_params("dump", dump, "tricky", tricky, "ip", "192.0.2.10", NULL),
        .meta = meta,
    };
    char *text, **lines;
    GString *want = g_string_new(NULL);

    ck_assert_int_eq(vgl_exec_set_env(ex, "HA_RSCTMP", "/run/x"), 0);
    ck_assert_int_eq(vgl_exec_set_env(ex, "HA_debug", "1"), 0);
    ck_assert_int_eq(vgl_exec_set_env(ex, "HA_debug", NULL), 0);
    ck_assert_int_eq(vgl_exec_set_env(ex, "OCF_ROOT", "/tmp"), -EINVAL);
    ck_assert_int_eq(vgl_exec_set_env(ex, "PATH", "/tmp"), -EINVAL);
    ck_assert_int_eq(vgl_exec_set_env(ex, "A-B", "x"), -EINVAL);
    ck_assert_int_eq(vgl_exec_set_env(ex, "A=B", "x"), -EINVAL);
    ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    ck_assert(wait_results(1, 5000));
    ck_assert_int_eq(R(0)->status, VGL_EXEC_DONE);
    ck_assert_int_eq(R(0)->rc, 0);
    ck_assert(!g_file_test(canary, G_FILE_TEST_EXISTS));
    text = et_slurp(dump);
    ck_assert_ptr_nonnull(text);
    g_string_append_printf(want,
        "HA_RSCTMP=/run/x\n"
        "OCF_CHECK_LEVEL=10\n"
        "OCF_RA_VERSION_MAJOR=1\n"
        "OCF_RA_VERSION_MINOR=1\n"
        "OCF_RESKEY_CRM_meta_globally_unique=false\n"
        "OCF_RESKEY_CRM_meta_interval=0\n"
        "OCF_RESKEY_CRM_meta_on_fail=block\n"
        "OCF_RESKEY_CRM_meta_on_node=node1\n"
        "OCF_RESKEY_CRM_meta_timeout=5000\n"
        "OCF_RESKEY_dump=%s\n"
        "OCF_RESKEY_ip=192.0.2.10\n"
        "OCF_RESKEY_tricky=%s\n"
        "OCF_RESOURCE_INSTANCE=web:1\n"
        "OCF_RESOURCE_PROVIDER=vigiltest\n"
        "OCF_RESOURCE_TYPE=Fake\n"
        "OCF_ROOT=%s\n"
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n",
        dump, tricky, ocf_root);
    /* Drop what the shell itself exports (PWD, SHLVL, _, and the
     * non-parameter variables the agent sets with ':=' defaults). */
    lines = g_strsplit(text, "\n", -1);
    g_free(text);
    {
        GString *seen = g_string_new(NULL);
        for (char **l = lines; *l != NULL; l++) {
            if (**l == '\0' || g_str_has_prefix(*l, "PWD=") || g_str_has_prefix(*l, "SHLVL=")
                || g_str_has_prefix(*l, "_=") || g_str_has_prefix(*l, "OCF_RESKEY_rc=")
                || g_str_has_prefix(*l, "OCF_RESKEY_sleep=")) {
                continue;
            }
            g_string_append_printf(seen, "%s\n", *l);
        }
        ck_assert_str_eq(seen->str, want->str);
        g_string_free(seen, TRUE);
    }
    g_strfreev(lines);
    g_string_free(want, TRUE);
    g_hash_table_unref(req.params);
    g_hash_table_unref(meta);
    g_free(tricky);
    g_free(canary);
    g_free(dump);
}
END_TEST

START_TEST(exit_codes_are_mapped)
{
    static const struct { const char *code; int rc; } map[] = {
        { "0", 0 }, { "1", 1 }, { "2", 2 }, { "3", 3 }, { "4", 4 }, { "5", 5 }, { "6", 6 },
        { "7", 7 }, { "8", 8 }, { "9", 9 }, { "190", 190 }, { "191", 191 },
        { "10", 1 }, { "42", 1 }, { "189", 1 }, { "255", 1 },
    };
    guint n = G_N_ELEMENTS(map);

    for (guint i = 0; i < n; i++) {
        char rsc[16];
        g_snprintf(rsc, sizeof(rsc), "r%u", i);
        submit(rsc, "start", 0, 5000, et_params("rc", map[i].code, NULL));
    }
    submit("sig", "start", 0, 5000, et_params("kill_self", "1", NULL));
    submit("why", "start", 0, 5000, et_params("rc", "6", "exit_reason", "config file /x missing",
                                              "stderr", "INFO: checking", NULL));
    ck_assert(wait_results(n + 2, 10000));
    for (guint i = 0; i < got->len; i++) {
        got_result *g = R(i);
        if (strcmp(g->rsc_id, "why") == 0) {
            ck_assert_int_eq(g->rc, VGL_OCF_ERR_CONFIGURED);
            ck_assert_str_eq(g->reason, "config file /x missing");
            continue;
        }
        if (g->rc == 0) {
            ck_assert_str_eq(g->reason, "");    /* as expected: nothing to say */
        }
        if (strcmp(g->rsc_id, "sig") == 0) {
            ck_assert_int_eq(g->status, VGL_EXEC_ERROR);
            ck_assert_int_eq(g->rc, VGL_OCF_ERR_GENERIC);
            ck_assert_ptr_nonnull(strstr(g->reason, "signal 9"));
            continue;
        }
        ck_assert_int_eq(g->status, VGL_EXEC_DONE);
        ck_assert_int_eq(g->rc, map[atoi(g->rsc_id + 1)].rc);
    }
    ck_assert_int_eq(vgl_exec_ocf_rc(-1), 1);
    ck_assert_str_eq(vgl_ocf_rc_str(7), "not running");
    ck_assert_str_eq(vgl_ocf_rc_str(190), "degraded");
    ck_assert_str_eq(vgl_ocf_rc_str(77), "unknown");
    ck_assert_str_eq(vgl_exec_status_str(VGL_EXEC_TIMEOUT), "timeout");
    ck_assert_str_eq(vgl_exec_status_str((vgl_exec_status) 99), "unknown");
}
END_TEST

START_TEST(timeout_kills_the_whole_group)
{
    char *pidfile = tmpfile_path("grandchild");
    pid_t gc;

    submit("slow", "start", 0, 300, et_params("sleep", "10", "grandchild", pidfile, NULL));
    gc = wait_pid_file(pidfile, 3000);
    ck_assert_int_gt(gc, 0);
    ck_assert(pid_alive(gc));
    ck_assert(wait_results(1, 3000));
    ck_assert_int_eq(R(0)->status, VGL_EXEC_TIMEOUT);
    ck_assert_int_eq(R(0)->rc, VGL_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(strstr(R(0)->reason, "timed out after 300 ms"));
    /* SIGTERM was enough: well before the grace period ran out. */
    ck_assert_int_lt(R(0)->at_ms, 1000);
    ck_assert_msg(pid_gone_within(gc, 1000), "grandchild %d survived the timeout", (int) gc);
    g_free(pidfile);
}
END_TEST

START_TEST(timeout_escalates_to_sigkill)
{
    char *pidfile = tmpfile_path("grandchild");
    pid_t gc;

    submit("stubborn", "stop", 0, 200,
           et_params("sleep", "10", "ignore_term", "1", "grandchild", pidfile, NULL));
    gc = wait_pid_file(pidfile, 3000);
    ck_assert_int_gt(gc, 0);
    ck_assert(wait_results(1, 5000));
    ck_assert_int_eq(R(0)->status, VGL_EXEC_TIMEOUT);
    /* timeout (200 ms) + grace (1 s), not the agent's 10 s. */
    ck_assert_int_ge(R(0)->at_ms, 1100);
    ck_assert_int_lt(R(0)->at_ms, 3000);
    ck_assert_msg(pid_gone_within(gc, 1000), "grandchild %d survived SIGKILL", (int) gc);
    g_free(pidfile);
}
END_TEST

/* A start that leaves a daemon holding stdout: the run ends when the agent
 * exits, and the daemon is left alone. */
START_TEST(daemon_holding_pipes_does_not_block)
{
    char *pidfile = tmpfile_path("daemon");
    pid_t d;

    submit("svc", "start", 0, 5000, et_params("daemon", pidfile, NULL));
    ck_assert(wait_results(1, 3000));
    ck_assert_int_eq(R(0)->status, VGL_EXEC_DONE);
    ck_assert_int_eq(R(0)->rc, 0);
    ck_assert_int_lt(R(0)->at_ms, 2000);
    d = wait_pid_file(pidfile, 1000);
    ck_assert_int_gt(d, 0);
    ck_assert(pid_alive(d));
    kill(d, SIGKILL);
    ck_assert(pid_gone_within(d, 1000));
    g_free(pidfile);
}
END_TEST

START_TEST(output_is_bounded)
{
    submit("flood", "start", 0, 10000,
           et_params("flood", "1000000", "stderr", "something broke here", "rc", "1", NULL));
    ck_assert(wait_results(1, 10000));
    ck_assert_int_eq(R(0)->status, VGL_EXEC_DONE);
    ck_assert_int_eq(R(0)->rc, 1);
    ck_assert_uint_le(strlen(R(0)->output), 64 * 1024 + 64);
    ck_assert_uint_ge(strlen(R(0)->output), 64 * 1024);
    ck_assert_ptr_nonnull(strstr(R(0)->output, "[vigil: 934464 more bytes dropped]"));
    ck_assert_str_eq(R(0)->errors, "something broke here\n");
    ck_assert_str_eq(R(0)->reason, "something broke here");
}
END_TEST

START_TEST(one_operation_at_a_time_per_resource)
{
    char *log = tmpfile_path("log");
    uint64_t a, b, c;

    a = submit("db", "start", 0, 5000, et_params("sleep", "0.2", "log", log, NULL));
    b = submit("db", "monitor", 0, 5000, et_params("sleep", "0.2", "log", log, NULL));
    c = submit("db", "stop", 0, 5000, et_params("sleep", "0.2", "log", log, NULL));
    ck_assert(a < b && b < c);
    ck_assert(wait_results(3, 5000));
    ck_assert_uint_eq(R(0)->call_id, a);
    ck_assert_uint_eq(R(1)->call_id, b);
    ck_assert_uint_eq(R(2)->call_id, c);
    ck_assert_uint_ge(R(2)->queue_ms, 300);
    ck_assert_int_ge(R(2)->at_ms, 600);
    {
        char *text = et_slurp(log);
        ck_assert_str_eq(text, "begin start db\nend start db\nbegin monitor db\nend monitor db\n"
                               "begin stop db\nend stop db\n");
        g_free(text);
    }
    g_free(log);
}
END_TEST

START_TEST(resources_run_concurrently)
{
    char *log = tmpfile_path("log");

    for (int i = 0; i < 4; i++) {
        char rsc[8];
        g_snprintf(rsc, sizeof(rsc), "c%d", i);
        submit(rsc, "start", 0, 5000, et_params("sleep", "0.4", "log", log, NULL));
    }
    ck_assert(wait_results(4, 5000));
    /* Four 400 ms agents side by side finish well under 4 x 400 ms. */
    ck_assert_int_lt(R(3)->at_ms, 1200);
    {
        vgl_exec_stats st;
        vgl_exec_get_stats(ex, &st);
        ck_assert_uint_eq(st.running_max, 4);
        ck_assert_uint_eq(st.runs, 4);
        ck_assert_uint_eq(st.by_status[VGL_EXEC_DONE], 4);
        ck_assert_uint_eq(st.running, 0);
        ck_assert_uint_eq(st.queued, 0);
    }
    g_free(log);
}
END_TEST

START_TEST(concurrency_cap_is_honoured)
{
    char *log = tmpfile_path("log");
    vgl_exec_stats st;

    ck_assert_int_eq(vgl_exec_set_max_concurrent(ex, 2), 0);
    for (int i = 0; i < 4; i++) {
        char rsc[8];
        g_snprintf(rsc, sizeof(rsc), "c%d", i);
        submit(rsc, "start", 0, 5000, et_params("sleep", "0.2", "log", log, NULL));
    }
    ck_assert(wait_results(4, 5000));
    ck_assert_int_ge(R(3)->at_ms, 400);
    vgl_exec_get_stats(ex, &st);
    ck_assert_uint_eq(st.running_max, 2);
    ck_assert_uint_ge(st.queue_ms_max, 150);
    g_free(log);
}
END_TEST

START_TEST(recurring_monitor_reports_changes_only)
{
    char *log = tmpfile_path("log");
    char *state = tmpfile_path("state");
    uint64_t id;
    int runs;

    ck_assert(g_file_set_contents(state, "0\n", -1, NULL));
    id = submit("vip", "monitor", 100, 2000, et_params("state", state, "log", log, NULL));
    ck_assert(wait_results(1, 2000));
    ck_assert_int_eq(R(0)->rc, 0);
    ck_assert_uint_eq(R(0)->interval_ms, 100);
    ck_assert_uint_eq(R(0)->call_id, id);
    et_spin(600);
    runs = count_lines(log, "end monitor");
    ck_assert_int_ge(runs, 3);        /* it kept running... */
    ck_assert_uint_eq(got->len, 1);   /* ...and said nothing: no change */
    ck_assert(g_file_set_contents(state, "7\n", -1, NULL));
    ck_assert(wait_results(2, 2000));
    ck_assert_int_eq(R(1)->rc, VGL_OCF_NOT_RUNNING);
    ck_assert_uint_eq(R(1)->call_id, id);
    et_spin(400);
    ck_assert_uint_eq(got->len, 2);   /* failing the same way: once */
    ck_assert(g_file_set_contents(state, "0\n", -1, NULL));
    ck_assert(wait_results(3, 2000));
    ck_assert_int_eq(R(2)->rc, 0);
    ck_assert_int_eq(vgl_exec_cancel(ex, "vip", "monitor", 100), 1);
    ck_assert(wait_results(4, 2000));
    ck_assert_int_eq(R(3)->status, VGL_EXEC_CANCELLED);
    ck_assert_uint_eq(R(3)->call_id, id);
    et_spin(100);    /* a run in flight at cancel time may still end */
    runs = count_lines(log, "end monitor");
    et_spin(400);
    ck_assert_int_eq(count_lines(log, "end monitor"), runs);
    ck_assert_uint_eq(got->len, 4);
    ck_assert_int_eq(vgl_exec_cancel(ex, "vip", "monitor", 100), 0);
    g_free(state);
    g_free(log);
}
END_TEST

START_TEST(stop_cancels_recurring_monitors)
{
    char *log = tmpfile_path("log");
    int runs;

    submit("vip", "monitor", 100, 2000, et_params("log", log, NULL));
    submit("vip", "monitor", 250, 2000, et_params("log", log, NULL));
    ck_assert(wait_results(2, 2000));
    submit("vip", "stop", 0, 2000, et_params("log", log, NULL));
    ck_assert(wait_results(5, 2000));
    ck_assert_int_eq(R(2)->status, VGL_EXEC_CANCELLED);
    ck_assert_int_eq(R(3)->status, VGL_EXEC_CANCELLED);
    ck_assert_str_eq(R(4)->action, "stop");
    ck_assert_int_eq(R(4)->status, VGL_EXEC_DONE);
    runs = count_lines(log, "end monitor");
    et_spin(500);
    ck_assert_int_eq(count_lines(log, "end monitor"), runs);
    ck_assert_uint_eq(got->len, 5);
    {
        vgl_exec_stats st;
        vgl_exec_get_stats(ex, &st);
        ck_assert_uint_eq(st.recurring, 0);
    }
    g_free(log);
}
END_TEST

START_TEST(resubmitting_a_monitor_replaces_it)
{
    uint64_t first, second;

    first = submit("vip", "monitor", 200, 2000, NULL);
    ck_assert(wait_results(1, 2000));
    second = submit("vip", "monitor", 200, 2000, et_params("rc", "7", NULL));
    ck_assert(wait_results(3, 2000));
    ck_assert_uint_eq(R(1)->call_id, first);
    ck_assert_int_eq(R(1)->status, VGL_EXEC_CANCELLED);
    ck_assert_uint_eq(R(2)->call_id, second);
    ck_assert_int_eq(R(2)->rc, 7);
    ck_assert_int_eq(vgl_exec_cancel_rsc(ex, "vip"), 1);
    ck_assert(wait_results(4, 2000));
    ck_assert_int_eq(R(3)->status, VGL_EXEC_CANCELLED);
}
END_TEST

START_TEST(cancel_reaches_queued_one_shots)
{
    uint64_t running, queued;

    running = submit("db", "start", 0, 5000, et_params("sleep", "0.3", NULL));
    queued = submit("db", "validate-all", 0, 5000, NULL);
    ck_assert_int_eq(vgl_exec_cancel(ex, "db", "validate-all", 0), 1);
    ck_assert(wait_results(2, 3000));
    ck_assert_uint_eq(R(0)->call_id, queued);
    ck_assert_int_eq(R(0)->status, VGL_EXEC_CANCELLED);
    ck_assert_uint_eq(R(1)->call_id, running);
    ck_assert_int_eq(R(1)->status, VGL_EXEC_DONE);
    et_spin(100);
    ck_assert_uint_eq(got->len, 2);
}
END_TEST

START_TEST(cancel_before_anything_ran)
{
    char *log = tmpfile_path("log");
    uint64_t mon, once;

    mon = submit("vip", "monitor", 100, 2000, et_params("log", log, NULL));
    once = submit("web", "validate-all", 0, 2000, et_params("log", log, NULL));
    ck_assert_int_eq(vgl_exec_cancel(ex, "vip", "monitor", 100), 1);
    ck_assert_int_eq(vgl_exec_cancel(ex, "web", "validate-all", 0), 1);
    ck_assert(wait_results(2, 2000));
    et_spin(300);
    ck_assert_uint_eq(got->len, 2);
    ck_assert_uint_eq(R(0)->call_id, mon);
    ck_assert_uint_eq(R(1)->call_id, once);
    ck_assert_int_eq(R(0)->status, VGL_EXEC_CANCELLED);
    ck_assert_int_eq(R(1)->status, VGL_EXEC_CANCELLED);
    ck_assert(!g_file_test(log, G_FILE_TEST_EXISTS));
    {
        vgl_exec_stats st;
        vgl_exec_get_stats(ex, &st);
        ck_assert_uint_eq(st.runs, 0);
        ck_assert_uint_eq(st.queued, 0);
        ck_assert_uint_eq(st.recurring, 0);
    }
    g_free(log);
}
END_TEST

/* The callback may submit more work (the coordinator does). */
static int chain_left;

static void chain(const vgl_exec_result *r, void *user_data)
{
    collect(r, user_data);
    if (chain_left-- > 0) {
        vgl_exec_request req = { .rsc_id = r->rsc_id, .rsc_class = "ocf",
                                 .provider = "vigiltest", .type = "Fake",
                                 .action = "monitor", .timeout_ms = 2000 };
        ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    }
}

START_TEST(callback_may_submit)
{
    vgl_exec_free(ex);
    ex = vgl_exec_new(ocf_root, "node1", chain, &got);
    chain_left = 3;
    submit("web", "start", 0, 2000, NULL);
    ck_assert(wait_results(4, 3000));
    ck_assert_str_eq(R(3)->action, "monitor");
    et_spin(50);
    ck_assert_uint_eq(got->len, 4);
}
END_TEST

START_TEST(lsb_scripts_run)
{
    char *dir = g_build_filename(ocf_root, "init.d", NULL);
    vgl_exec_request req = { .rsc_id = "legacy", .rsc_class = "lsb", .type = "fakelsb",
                             .action = "monitor", .timeout_ms = 2000 };

    ck_assert_int_eq(vgl_exec_set_lsb_dir(ex, dir), 0);
    ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    req.action = "start";
    ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    req.action = "env";
    ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    req.action = "bogus";
    ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    ck_assert(wait_results(4, 3000));
    ck_assert_int_eq(R(0)->rc, VGL_OCF_NOT_RUNNING);   /* status 3 → 7 */
    ck_assert_int_eq(R(1)->rc, VGL_OCF_SUCCESS);
    ck_assert_ptr_nonnull(strstr(R(2)->output, "PATH=/usr/local/sbin:"));
    ck_assert_ptr_null(strstr(R(2)->output, "OCF_"));
    ck_assert_int_eq(R(3)->rc, VGL_OCF_ERR_ARGS);
    {
        char *usage = g_strconcat("usage: ", dir, "/fakelsb start|stop|status|env", NULL);
        ck_assert_str_eq(R(3)->reason, usage);
        g_free(usage);
    }
    g_free(dir);
}
END_TEST

START_TEST(free_kills_running_agents)
{
    char *pidfile = tmpfile_path("grandchild");
    pid_t gc, gc2;
    char *pidfile2 = tmpfile_path("grandchild2");

    submit("slow", "start", 0, 60000, et_params("sleep", "30", "grandchild", pidfile, NULL));
    submit("vip", "monitor", 100, 2000, NULL);
    /* A recurring monitor cancelled while it runs: killed with the rest. */
    submit("db", "monitor", 100, 60000, et_params("sleep", "30", "grandchild", pidfile2, NULL));
    gc = wait_pid_file(pidfile, 3000);
    ck_assert_int_gt(gc, 0);
    gc2 = wait_pid_file(pidfile2, 3000);
    ck_assert_int_gt(gc2, 0);
    ck_assert_int_eq(vgl_exec_cancel(ex, "db", "monitor", 100), 1);
    vgl_exec_free(ex);
    ex = NULL;
    ck_assert_msg(pid_gone_within(gc, 1000), "grandchild %d outlived vgl_exec_free", (int) gc);
    ck_assert_msg(pid_gone_within(gc2, 1000), "grandchild %d of a cancelled monitor outlived"
                  " vgl_exec_free", (int) gc2);
    /* Nothing is reported after free. */
    et_spin(200);
    for (guint i = 0; i < got->len; i++) {
        ck_assert_str_ne(R(i)->rsc_id, "slow");
    }
    g_free(pidfile);
    g_free(pidfile2);
}
END_TEST

/* Debian's resource-agents, unchanged: ocf:heartbeat:Dummy through its
 * whole life cycle, with ocf-shellfuncs reading our environment. */
START_TEST(runs_debian_heartbeat_dummy_unchanged)
{
    const char *root = "/usr/lib/ocf";
    char *state = tmpfile_path("dummy.state");
    static const char *const steps[] = { "monitor", "start", "monitor", "stop", "monitor" };
    static const int want[] = { 7, 0, 0, 0, 7 };
    GHashTable *params = et_params("state", state, NULL);

    /* scripts/setup-debian installs resource-agents: missing is a failure. */
    ck_assert_msg(g_file_test("/usr/lib/ocf/resource.d/heartbeat/Dummy", G_FILE_TEST_IS_EXECUTABLE),
                  "ocf:heartbeat:Dummy not installed: apt-get install resource-agents");
    vgl_exec_free(ex);
    ex = vgl_exec_new(root, "node1", collect, &got);
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        vgl_exec_request req = { .rsc_id = "dummy", .rsc_class = "ocf", .provider = "heartbeat",
                                 .type = "Dummy", .action = steps[i], .timeout_ms = 20000,
                                 .params = params, .expected_rc = want[i] };
        ck_assert_int_eq(vgl_exec_submit(ex, &req, NULL, NULL), 0);
    }
    ck_assert(wait_results(G_N_ELEMENTS(steps), 30000));
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        ck_assert_msg(R(i)->status == VGL_EXEC_DONE && R(i)->rc == want[i],
                      "%s: status %d rc %d (%s)", steps[i], R(i)->status, R(i)->rc, R(i)->reason);
    }
    g_hash_table_unref(params);
    g_free(state);
}
END_TEST

static Suite *exec_suite(void)
{
    Suite *s = suite_create("exec");
    TCase *bad = tcase_create("bad input");
    TCase *run = tcase_create("runs");
    TCase *order = tcase_create("ordering");
    TCase *rec = tcase_create("recurring");

    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, new_rejects_bad_arguments);
    tcase_add_test(bad, submit_rejects_bad_requests);
    tcase_add_test(bad, missing_agent_is_not_installed);
    tcase_add_test(bad, metadata_rejects_bad_input);
    suite_add_tcase(s, bad);

    tcase_add_checked_fixture(run, setup, teardown);
    tcase_add_test(run, metadata_returns_xml);
    tcase_add_test(run, environment_is_exactly_the_ocf_api);
    tcase_add_test(run, exit_codes_are_mapped);
    tcase_add_test(run, timeout_kills_the_whole_group);
    tcase_add_test(run, timeout_escalates_to_sigkill);
    tcase_add_test(run, daemon_holding_pipes_does_not_block);
    tcase_add_test(run, output_is_bounded);
    tcase_add_test(run, lsb_scripts_run);
    tcase_add_test(run, free_kills_running_agents);
    tcase_add_test(run, runs_debian_heartbeat_dummy_unchanged);
    suite_add_tcase(s, run);

    tcase_add_checked_fixture(order, setup, teardown);
    tcase_add_test(order, one_operation_at_a_time_per_resource);
    tcase_add_test(order, resources_run_concurrently);
    tcase_add_test(order, concurrency_cap_is_honoured);
    tcase_add_test(order, cancel_reaches_queued_one_shots);
    tcase_add_test(order, cancel_before_anything_ran);
    tcase_add_test(order, callback_may_submit);
    suite_add_tcase(s, order);

    tcase_add_checked_fixture(rec, setup, teardown);
    tcase_add_test(rec, recurring_monitor_reports_changes_only);
    tcase_add_test(rec, stop_cancels_recurring_monitors);
    tcase_add_test(rec, resubmitting_a_monitor_replaces_it);
    suite_add_tcase(s, rec);
    return s;
}

VGL_CHECK_MAIN(exec_suite)
