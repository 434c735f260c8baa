/* check_alerts.c — the alerts module: bad input and bad configurations
 * first, then timestamps, then real runs of a recording agent on the main
 * loop: the environment of node, resource, fencing and attribute alerts,
 * recipients, select, timeouts that kill the process group, the bound on
 * concurrency and on the queue, and that an event never blocks. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <libxml/parser.h>
#include <vigil/cib.h>
#include <vigil/vigil.h>

#include "daemon/alerts.h"
#include "tests/exec/exec_test.h"
#include "vgl_check.h"

static char *tmp;      /* scratch directory: the agent and what it records */
static char *agent;    /* tmp/agent.sh */
static vgl_alerts *al;
static vgl_cib *cib;

/* The agent records its whole environment, one file per run, named after
 * CRM_alert_node_sequence; with $sleep it also leaves a background child
 * (its pid in child.SEQ) and sleeps; it exits $exit_code. */
static const char agent_text[] =
    "#!/bin/sh\n"
    "env | LC_ALL=C sort > \"$out/run.$CRM_alert_node_sequence.tmp\"\n"
    "mv \"$out/run.$CRM_alert_node_sequence.tmp\" \"$out/run.$CRM_alert_node_sequence\"\n"
    "if [ -n \"$sleep\" ]; then\n"
    "    sleep 30 &\n"
    "    echo $! > \"$out/child.$CRM_alert_node_sequence.tmp\"\n"
    "    mv \"$out/child.$CRM_alert_node_sequence.tmp\" \"$out/child.$CRM_alert_node_sequence\"\n"
    "    sleep \"$sleep\"\n"
    "fi\n"
    "echo \"agent output for $CRM_alert_kind\"\n"
    "exit \"${exit_code:-0}\"\n";

/* A CIB: node1 (member, runs vip: a start and a timed-out monitor),
 * node2 (member), node3 (out, fenced by node1); ALERTS is the inside of
 * its <alerts> section, where @AGENT@ and @OUT@ are replaced. */
static const char cib_template[] =
    "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.9\">"
    "<configuration><crm_config/>"
    "<nodes><node id=\"1\" uname=\"node1\"/><node id=\"2\" uname=\"node2\"/>"
    "<node id=\"3\" uname=\"node3\"/></nodes>"
    "<resources><primitive id=\"vip\" class=\"ocf\" provider=\"vigil\" type=\"IPaddr\">"
    "<instance_attributes id=\"vip-ia\"><nvpair id=\"vip-ip\" name=\"ip\" value=\"192.0.2.100\"/>"
    "</instance_attributes></primitive></resources><constraints/>"
    "<alerts>@ALERTS@</alerts></configuration>"
    "<status>"
    "<node_state id=\"1\" uname=\"node1\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">"
    "<lrm id=\"1\"><lrm_resources><lrm_resource id=\"vip\" class=\"ocf\" provider=\"vigil\" type=\"IPaddr\">"
    "<lrm_rsc_op id=\"vip_last_0\" operation=\"start\" call-id=\"3\" rc-code=\"0\" op-status=\"0\" interval=\"0\"/>"
    "<lrm_rsc_op id=\"vip_monitor_10000\" operation=\"monitor\" call-id=\"4\" rc-code=\"1\" op-status=\"2\""
    " interval=\"10000\"/>"
    "</lrm_resource></lrm_resources></lrm></node_state>"
    "<node_state id=\"2\" uname=\"node2\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"/>"
    "<node_state id=\"3\" uname=\"node3\" in_ccm=\"false\" crmd=\"offline\" join=\"down\" expected=\"down\"/>"
    "<fence_history><fence_event id=\"fence-1\" target=\"node3\" action=\"off\" status=\"failed\""
    " delegate=\"node1\" origin=\"node2\" client=\"vigild\" completed=\"1700000000\" rc=\"1\"/>"
    "<fence_event id=\"fence-2\" target=\"node3\" action=\"reboot\" status=\"success\""
    " delegate=\"node1\" origin=\"node2\" client=\"vigild\" completed=\"1700000010\" rc=\"0\"/>"
    "</fence_history></status></cib>";

/* One alert with the recording agent. */
#define ALERT(extra) "<alert id=\"rec\" path=\"@AGENT@\"><instance_attributes id=\"rec-ia\">" \
    "<nvpair id=\"rec-out\" name=\"out\" value=\"@OUT@\"/></instance_attributes>" extra "</alert>"

static char *replace(const char *text, const char *what, const char *with)
{
    char **parts = g_strsplit(text, what, -1);
    char *out = g_strjoinv(with, parts);

    g_strfreev(parts);
    return out;
}

static vgl_cib *make_cib(const char *alerts)
{
    char *a = replace(alerts, "@AGENT@", agent);
    char *b = replace(a, "@OUT@", tmp);
    char *text = replace(cib_template, "@ALERTS@", b);
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
    vgl_cib *c = NULL;
    int rc = vgl_cib_load_string(text, -1, "check_alerts", &c, errs);

    ck_assert_msg(rc == 0, "test CIB: %s", errs->len ? (char *)errs->pdata[0] : vgl_strerror(rc));
    g_ptr_array_unref(errs);
    g_free(text);
    g_free(b);
    g_free(a);
    return c;
}

static void use_cib(const char *alerts)
{
    vgl_cib_free(cib);
    cib = make_cib(alerts);
}

static void setup(void)
{
    et_log_init("check_alerts");
    tmp = et_tmpdir_new("vgl-alerts-XXXXXX");
    agent = g_build_filename(tmp, "agent.sh", NULL);
    ck_assert(g_file_set_contents(agent, agent_text, -1, NULL));
    ck_assert_int_eq(chmod(agent, 0755), 0);
    al = vgl_alerts_new("node1");
    cib = NULL;
    g_setenv("VGL_CHECK_ALERTS_LEAK", "vigild's own environment", TRUE);
}

static void teardown(void)
{
    vgl_alerts_free(al);
    al = NULL;
    vgl_cib_free(cib);
    cib = NULL;
    g_free(agent);
    et_tmpdir_free(tmp);
    qb_log_fini();
}

/* Send an event built from a GVariant text (a{sv}). */
static void event(const char *kind, const char *fields)
{
    GVariant *f = g_variant_ref_sink(g_variant_new_parsed(fields));

    vgl_alerts_event(al, cib, kind, f);
    g_variant_unref(f);
}

/* An "op" event for vip. */
static void op_event(const char *node, const char *task, unsigned interval, int rc, int expected,
                     unsigned exec_ms)
{
    char *f = g_strdup_printf("{'node': <'%s'>, 'rsc': <'vip'>, 'op': <'%s'>, 'interval': <uint32 %u>,"
                              " 'rc': <%d>, 'expected': <%d>, 'exec_ms': <uint32 %u>}",
                              node, task, interval, rc, expected, exec_ms);

    event("op", f);
    g_free(f);
}

static vgl_alerts_stats stats(void)
{
    vgl_alerts_stats st;

    vgl_alerts_get_stats(al, &st);
    return st;
}

/* Run the main loop until nothing runs or waits (or ms passed). */
static bool wait_idle(int ms)
{
    int64_t end = et_now_ms() + ms;
    vgl_alerts_stats st = stats();

    while ((st.running > 0 || st.queued > 0) && et_now_ms() < end) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
        st = stats();
    }
    return st.running == 0 && st.queued == 0;
}

/* The environment the run with sequence number seq recorded, as a table
 * (NULL when there is no such run). */
static GHashTable *recorded(unsigned seq)
{
    char *path = g_strdup_printf("%s/run.%u", tmp, seq);
    char *text = et_slurp(path);
    GHashTable *env;
    char **lines;

    g_free(path);
    if (text == NULL)
        return NULL;
    env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *eq = strchr(*l, '=');
        if (eq != NULL)
            g_hash_table_insert(env, g_strndup(*l, (gsize)(eq - *l)), g_strdup(eq + 1));
    }
    g_strfreev(lines);
    g_free(text);
    return env;
}

static unsigned count_runs(void)
{
    GDir *d = g_dir_open(tmp, 0, NULL);
    const char *name;
    unsigned n = 0;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL)
        n += g_str_has_prefix(name, "run.") && !g_str_has_suffix(name, ".tmp");
    if (d != NULL)
        g_dir_close(d);
    return n;
}

#define ck_env(env, key, want) \
    ck_assert_str_eq(g_hash_table_lookup(env, key) ? (char *)g_hash_table_lookup(env, key) : "(unset)", want)

/* Is pid alive (and not a zombie)? */
static bool alive(pid_t pid)
{
    char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    char *stat = et_slurp(path);
    char *close_paren = stat ? strrchr(stat, ')') : NULL;
    bool live = close_paren != NULL && close_paren[1] == ' ' && close_paren[2] != 'Z';

    g_free(stat);
    g_free(path);
    return live;
}

static pid_t child_pid(unsigned seq)
{
    char *path = g_strdup_printf("%s/child.%u", tmp, seq);
    char *text = NULL;
    pid_t pid = 0;

    /* The agent renames the file into place once the pid is in it. */
    for (int i = 0; i < 5000 && text == NULL; i++) {
        text = et_slurp(path);
        if (text == NULL) {
            g_main_context_iteration(NULL, FALSE);
            g_usleep(1000);
        }
    }
    if (text != NULL)
        pid = (pid_t)atoi(text);
    g_free(text);
    g_free(path);
    return pid;
}

/* ------------------------------------------------------------ bad input */

START_TEST(test_null_and_bad_arguments)
{
    vgl_alerts_stats st;
    GVariant *not_dict = g_variant_ref_sink(g_variant_new_string("node-left"));

    vgl_alerts_event(NULL, NULL, "node-left", NULL);
    vgl_alerts_free(NULL);
    vgl_alerts_get_stats(NULL, &st);
    ck_assert_uint_eq(st.issued, 0);
    ck_assert_int_eq(vgl_alerts_set_max_running(NULL, 2), -EINVAL);
    ck_assert_int_eq(vgl_alerts_set_max_running(al, 0), -EINVAL);
    ck_assert_int_eq(vgl_alerts_set_max_running(al, 257), -EINVAL);
    ck_assert_int_eq(vgl_alerts_set_env(al, NULL, "x"), -EINVAL);
    ck_assert_int_eq(vgl_alerts_set_env(al, "1abc", "x"), -EINVAL);
    ck_assert_int_eq(vgl_alerts_set_env(al, "A-B", "x"), -EINVAL);
    ck_assert_int_eq(vgl_alerts_set_env(al, "CRM_alert_kind", "x"), -EINVAL);
    ck_assert_int_eq(vgl_alerts_set_env(al, "LANG", "C"), 0);
    use_cib(ALERT(""));
    /* No CIB, fields of the wrong type, unknown kinds, fields missing. */
    vgl_alerts_event(al, NULL, "node-left", g_variant_new_parsed("{'node': <'node2'>}"));
    vgl_alerts_event(al, cib, "node-left", not_dict);
    event("no-such-kind", "{'node': <'node2'>}");
    event("node-left", "@a{sv} {}");
    event("op", "{'node': <'node1'>}");
    event("fence", "{'ok': <true>}");
    event("attr", "{'name': <'x'>}");
    event("config", "{'epoch': <uint64 3>}");
    event("node-left", "{'node': <42>}");
    ck_assert_uint_eq(stats().issued, 0);
    g_variant_unref(not_dict);
}
END_TEST

START_TEST(test_bad_configurations)
{
    /* A relative path, a bad timeout, a bad timestamp format, instance
     * attributes that are not variable names or are Vigil's own. */
    use_cib("<alert id=\"rel\" path=\"bin/agent\"/>");
    event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().alerts, 0);
    ck_assert_uint_eq(stats().issued, 0);
    use_cib(ALERT("<meta_attributes id=\"m\"><nvpair id=\"m1\" name=\"timeout\" value=\"soon\"/>"
                  "<nvpair id=\"m2\" name=\"timestamp-format\" value=\"\"/></meta_attributes>"
                  "<instance_attributes id=\"ia2\"><nvpair id=\"i1\" name=\"bad-name\" value=\"1\"/>"
                  "<nvpair id=\"i2\" name=\"CRM_alert_kind\" value=\"forged\"/>"
                  "<nvpair id=\"i3\" name=\"good_name\" value=\"yes\"/></instance_attributes>"));
    ck_assert_uint_eq(stats().alerts, 0); /* configured on the next event */
    event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().alerts, 1);
    ck_assert(wait_idle(10000));
    {
        GHashTable *env = recorded(1);
        ck_assert_ptr_nonnull(env);
        ck_env(env, "CRM_alert_kind", "node");
        ck_env(env, "bad-name", "(unset)");
        ck_env(env, "good_name", "yes");
        /* The default format: HH:MM:SS.uuuuuu */
        ck_assert_uint_eq(strlen(g_hash_table_lookup(env, "CRM_alert_timestamp")), 15);
        g_hash_table_unref(env);
    }
    /* Disabled: the alert, or a recipient (no fallback to "no recipient"). */
    use_cib(ALERT("<meta_attributes id=\"m\"><nvpair id=\"m1\" name=\"enabled\" value=\"false\"/>"
                  "</meta_attributes>"));
    event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().alerts, 0);
    use_cib(ALERT("<recipient id=\"r1\" value=\"a\"><meta_attributes id=\"rm\">"
                  "<nvpair id=\"rm1\" name=\"enabled\" value=\"no\"/></meta_attributes></recipient>"));
    event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().alerts, 0);
    ck_assert_uint_eq(stats().issued, 1);
}
END_TEST

START_TEST(test_missing_agents)
{
    char *noexec = g_build_filename(tmp, "noexec.sh", NULL);
    char *alerts;

    ck_assert(g_file_set_contents(noexec, "#!/bin/sh\nexit 0\n", -1, NULL));
    alerts = g_strdup_printf("<alert id=\"gone\" path=\"%s/no-such-agent\"/>"
                             "<alert id=\"noexec\" path=\"%s\"/>", tmp, noexec);
    use_cib(alerts);
    event("node-left", "{'node': <'node2'>}");
    ck_assert(wait_idle(5000));
    ck_assert_uint_eq(stats().issued, 2);
    ck_assert_uint_eq(stats().failed, 2);
    ck_assert_uint_eq(stats().ok, 0);
    g_free(alerts);
    g_free(noexec);
}
END_TEST

/* ----------------------------------------------------------- timestamps */

START_TEST(test_format_time)
{
    char *s;

    g_setenv("TZ", "UTC", TRUE);
    tzset();
    ck_assert_ptr_null(vgl_alerts_format_time(NULL, 0, 0));
    ck_assert_ptr_null(vgl_alerts_format_time("", 0, 0));
    s = g_strnfill(300, 'x');
    ck_assert_ptr_null(vgl_alerts_format_time(s, 0, 0));
    g_free(s);
#define FMT(f, want) do { s = vgl_alerts_format_time(f, 1700000000, 123456); \
        ck_assert_str_eq(s, want); g_free(s); } while (0)
    FMT("%H:%M:%S.%06N", "22:13:20.123456");
    FMT("%Y-%m-%d,%H:%M:%S.%01N", "2023-11-14,22:13:20.1");
    FMT("%3N", "123");
    FMT("%N", "123456");
    FMT("%9N", "123456");
    FMT("%0N x", " x");
    FMT("%%N %%", "%N %");
    FMT("%s", "1700000000");
    FMT("trailing %", "trailing %");
#undef FMT
    s = vgl_alerts_format_time("%06N", 5, 42);
    ck_assert_str_eq(s, "000042");
    g_free(s);
    g_unsetenv("TZ");
    tzset();
}
END_TEST

/* ---------------------------------------------------------------- runs */

START_TEST(test_node_alerts)
{
    GHashTable *env;

    use_cib(ALERT("<meta_attributes id=\"m\"><nvpair id=\"m1\" name=\"timestamp-format\""
                  " value=\"%Y-%m-%d %H:%M:%S.%3N\"/></meta_attributes>"));
    event("node-left", "{'node': <'node2'>, 'clean': <false>}");
    ck_assert(wait_idle(10000));
    ck_assert_uint_eq(stats().ok, 1);
    env = recorded(1);
    ck_assert_ptr_nonnull(env);
    ck_env(env, "CRM_alert_kind", "node");
    ck_env(env, "CRM_alert_node", "node2");
    ck_env(env, "CRM_alert_nodeid", "2");
    ck_env(env, "CRM_alert_desc", "lost");
    ck_env(env, "CRM_alert_recipient", "");
    ck_env(env, "CRM_alert_version", PACKAGE_VERSION);
    ck_env(env, "CRM_alert_node_sequence", "1");
    ck_env(env, "out", tmp);
    ck_env(env, "PATH", VGL_ALERTS_DEFAULT_PATH);
    ck_env(env, "VGL_CHECK_ALERTS_LEAK", "(unset)");
    ck_env(env, "CRM_alert_rsc", "(unset)");
    ck_assert_uint_eq(strlen(g_hash_table_lookup(env, "CRM_alert_timestamp")), 23);
    ck_assert_uint_eq(strlen(g_hash_table_lookup(env, "CRM_alert_timestamp_usec")), 6);
    ck_assert_int_ge(atoll(g_hash_table_lookup(env, "CRM_alert_timestamp_epoch")), 1700000000);
    g_hash_table_unref(env);

    /* An agreed view: node1 and node2 are members (node3 is not); told
     * once, not again on the next view. */
    event("view", "{'coordinator': <'node1'>}");
    ck_assert(wait_idle(10000));
    ck_assert_uint_eq(stats().issued, 3);
    for (unsigned seq = 2; seq <= 3; seq++) {
        env = recorded(seq);
        ck_assert_ptr_nonnull(env);
        ck_env(env, "CRM_alert_desc", "member");
        ck_assert(strcmp(g_hash_table_lookup(env, "CRM_alert_node"), "node3") != 0);
        g_hash_table_unref(env);
    }
    event("view", "{'coordinator': <'node1'>}");
    ck_assert_uint_eq(stats().issued, 3);
    /* node2 is lost, then back: one "lost", one "member". */
    event("node-left", "{'node': <'node2'>, 'clean': <true>}");
    event("view", "{'coordinator': <'node1'>}");
    ck_assert(wait_idle(10000));
    ck_assert_uint_eq(stats().issued, 5);
    env = recorded(5);
    ck_env(env, "CRM_alert_node", "node2");
    ck_env(env, "CRM_alert_desc", "member");
    g_hash_table_unref(env);
}
END_TEST

START_TEST(test_resource_alerts)
{
    GHashTable *env;

    use_cib(ALERT(""));
    /* On another node, a probe that found what was expected, a cancelled
     * recurring monitor (no entry in the CIB): nothing. */
    op_event("node2", "start", 0, 0, 0, 5);
    op_event("node1", "monitor", 0, 7, 7, 5);
    op_event("node1", "monitor", 2000, 1, 0, 5);
    ck_assert_uint_eq(stats().issued, 0);
    op_event("node1", "start", 0, 0, 0, 43);
    op_event("node1", "monitor", 10000, 1, 0, 20000);
    event("op", "{'node': <'node1'>, 'rsc': <'vip'>, 'op': <'stop'>, 'interval': <uint32 0>,"
                " 'rc': <7>, 'expected': <0>, 'status': <0>, 'exec_ms': <uint32 2>}");
    ck_assert(wait_idle(10000));
    ck_assert_uint_eq(stats().ok, 3);
    env = recorded(1);
    ck_env(env, "CRM_alert_kind", "resource");
    ck_env(env, "CRM_alert_node", "node1");
    ck_env(env, "CRM_alert_rsc", "vip");
    ck_env(env, "CRM_alert_task", "start");
    ck_env(env, "CRM_alert_interval", "0");
    ck_env(env, "CRM_alert_rc", "0");
    ck_env(env, "CRM_alert_target_rc", "0");
    ck_env(env, "CRM_alert_status", "0");
    ck_env(env, "CRM_alert_desc", "OK");
    ck_env(env, "CRM_alert_exec_time", "43");
    ck_env(env, "CRM_alert_nodeid", "(unset)");
    g_hash_table_unref(env);
    /* The CIB says the monitor timed out (op-status 2). */
    env = recorded(2);
    ck_env(env, "CRM_alert_task", "monitor");
    ck_env(env, "CRM_alert_interval", "10000");
    ck_env(env, "CRM_alert_rc", "1");
    ck_env(env, "CRM_alert_status", "2");
    ck_env(env, "CRM_alert_desc", "Timed Out");
    g_hash_table_unref(env);
    env = recorded(3);
    ck_env(env, "CRM_alert_task", "stop");
    ck_env(env, "CRM_alert_desc", "Not running");
    ck_env(env, "CRM_alert_target_rc", "0");
    g_hash_table_unref(env);
}
END_TEST

START_TEST(test_fencing_alerts)
{
    GHashTable *env;

    use_cib(ALERT(""));
    event("fence", "{'target': <'node3'>, 'ok': <true>, 'reason': <''>}");
    event("fence", "{'target': <'node9'>, 'ok': <false>, 'reason': <'device timed out'>}");
    ck_assert(wait_idle(10000));
    env = recorded(1);
    ck_env(env, "CRM_alert_kind", "fencing");
    ck_env(env, "CRM_alert_node", "node3");
    ck_env(env, "CRM_alert_task", "reboot");
    ck_env(env, "CRM_alert_rc", "0");
    ck_env(env, "CRM_alert_desc", "Operation reboot of node3 by node1 for vigild@node2: OK (ref=fence-2)");
    g_hash_table_unref(env);
    /* No history for node9 in this CIB: what the event says. */
    env = recorded(2);
    ck_env(env, "CRM_alert_node", "node9");
    ck_env(env, "CRM_alert_rc", "1");
    ck_env(env, "CRM_alert_desc",
           "Operation reboot of node9 by <no-one> for vigild@?: failed: device timed out (ref=?)");
    g_hash_table_unref(env);
}
END_TEST

START_TEST(test_recipients)
{
    GHashTable *env;
    int seen_a = 0, seen_b = 0;

    /* Two recipients: one run each; the second overrides the format and
     * an instance attribute. */
    use_cib("<alert id=\"rec\" path=\"@AGENT@\"><instance_attributes id=\"rec-ia\">"
            "<nvpair id=\"rec-out\" name=\"out\" value=\"@OUT@\"/>"
            "<nvpair id=\"rec-who\" name=\"who\" value=\"alert\"/></instance_attributes>"
            "<recipient id=\"ra\" value=\"a@example.org\"/>"
            "<recipient id=\"rb\" value=\"b@example.org\"><meta_attributes id=\"rbm\">"
            "<nvpair id=\"rbm1\" name=\"timestamp-format\" value=\"%s\"/></meta_attributes>"
            "<instance_attributes id=\"rbi\"><nvpair id=\"rbi1\" name=\"who\" value=\"b\"/>"
            "</instance_attributes></recipient></alert>");
    event("node-left", "{'node': <'node2'>}");
    ck_assert(wait_idle(10000));
    ck_assert_uint_eq(stats().issued, 2);
    for (unsigned seq = 1; seq <= 2; seq++) {
        const char *r;
        env = recorded(seq);
        ck_assert_ptr_nonnull(env);
        r = g_hash_table_lookup(env, "CRM_alert_recipient");
        if (strcmp(r, "a@example.org") == 0) {
            seen_a++;
            ck_env(env, "who", "alert");
        } else {
            seen_b++;
            ck_env(env, "CRM_alert_recipient", "b@example.org");
            ck_env(env, "who", "b");
            ck_assert_str_eq(g_hash_table_lookup(env, "CRM_alert_timestamp"),
                             g_hash_table_lookup(env, "CRM_alert_timestamp_epoch"));
        }
        g_hash_table_unref(env);
    }
    ck_assert_int_eq(seen_a, 1);
    ck_assert_int_eq(seen_b, 1);
}
END_TEST

/* Configure from XML text directly (the CIB library refuses <select> for
 * now); it stays in force until the CIB's <alerts> section changes. */
static void configure_xml(const char *alerts)
{
    char *a = replace(alerts, "@AGENT@", agent);
    char *b = replace(a, "@OUT@", tmp);
    xmlDoc *doc = xmlReadMemory(b, (int)strlen(b), "alerts.xml", NULL, XML_PARSE_NONET);

    ck_assert_ptr_nonnull(doc);
    vgl_alerts_configure(al, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    g_free(b);
    g_free(a);
}

START_TEST(test_select)
{
    GHashTable *env;

    use_cib(ALERT(""));
    event("config", "{'epoch': <uint64 1>}");
    /* One alert takes only attributes named pingd; one node events only;
     * one fencing and resources. */
    configure_xml("<alerts>"
                  "<alert id=\"attrs\" path=\"@AGENT@\"><instance_attributes id=\"at-ia\">"
                  "<nvpair id=\"at-out\" name=\"out\" value=\"@OUT@\"/></instance_attributes>"
                  "<select><select_attributes><attribute id=\"at-p\" name=\"pingd\"/>"
                  "</select_attributes></select></alert>"
                  "<alert id=\"nodes\" path=\"@AGENT@\"><instance_attributes id=\"n-ia\">"
                  "<nvpair id=\"n-out\" name=\"out\" value=\"@OUT@\"/></instance_attributes>"
                  "<select><select_nodes/></select></alert>"
                  "<alert id=\"fr\" path=\"@AGENT@\"><instance_attributes id=\"fr-ia\">"
                  "<nvpair id=\"fr-out\" name=\"out\" value=\"@OUT@\"/></instance_attributes>"
                  "<select><select_fencing/><select_resources/></select></alert></alerts>");
    ck_assert_uint_eq(stats().alerts, 3);
    event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().issued, 1);
    event("fence", "{'target': <'node3'>, 'ok': <true>, 'reason': <''>}");
    op_event("node1", "start", 0, 0, 0, 1);
    ck_assert_uint_eq(stats().issued, 3);
    /* Attributes: only pingd, only on this node. */
    event("attr", "{'node': <'node1'>, 'name': <'standby'>, 'value': <'on'>}");
    event("attr", "{'node': <'node2'>, 'name': <'pingd'>, 'value': <'100'>}");
    ck_assert_uint_eq(stats().issued, 3);
    event("attr", "{'node': <'node1'>, 'name': <'pingd'>, 'value': <'1000'>}");
    ck_assert(wait_idle(10000));
    ck_assert_uint_eq(stats().issued, 4);
    env = recorded(4);
    ck_assert_ptr_nonnull(env);
    ck_env(env, "CRM_alert_kind", "attribute");
    ck_env(env, "CRM_alert_node", "node1");
    ck_env(env, "CRM_alert_nodeid", "1");
    ck_env(env, "CRM_alert_attribute_name", "pingd");
    ck_env(env, "CRM_alert_attribute_value", "1000");
    g_hash_table_unref(env);
    /* Attributes are not among the default kinds (a changed section in
     * the CIB replaces the configuration given directly). */
    use_cib(ALERT("<recipient id=\"r\" value=\"x\"/>"));
    event("attr", "{'node': <'node1'>, 'name': <'pingd'>, 'value': <'0'>}");
    ck_assert_uint_eq(stats().issued, 4);
}
END_TEST

START_TEST(test_configuration_follows_the_cib)
{
    use_cib(ALERT(""));
    event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().alerts, 1);
    use_cib(ALERT("<recipient id=\"r1\" value=\"x\"/><recipient id=\"r2\" value=\"y\"/>"));
    event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().alerts, 2);
    ck_assert_uint_eq(stats().issued, 3);
    use_cib("");
    event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().alerts, 0);
    ck_assert_uint_eq(stats().issued, 3);
    ck_assert(wait_idle(10000));
    ck_assert_uint_eq(count_runs(), 3);
}
END_TEST

START_TEST(test_failing_agent_is_logged_not_fatal)
{
    use_cib(ALERT("<instance_attributes id=\"x\"><nvpair id=\"x1\" name=\"exit_code\" value=\"3\"/>"
                  "</instance_attributes>"));
    event("node-left", "{'node': <'node2'>}");
    ck_assert(wait_idle(10000));
    ck_assert_uint_eq(stats().failed, 1);
    ck_assert_uint_eq(stats().ok, 0);
    ck_assert_uint_eq(count_runs(), 1);
}
END_TEST

START_TEST(test_timeout_kills_the_group)
{
    pid_t bg;
    int64_t t0;

    use_cib(ALERT("<meta_attributes id=\"m\"><nvpair id=\"m1\" name=\"timeout\" value=\"300ms\"/>"
                  "</meta_attributes><instance_attributes id=\"x\">"
                  "<nvpair id=\"x1\" name=\"sleep\" value=\"20\"/></instance_attributes>"));
    t0 = et_now_ms();
    event("node-left", "{'node': <'node2'>}");
    ck_assert_int_lt(et_now_ms() - t0, 1000); /* queued and spawned, never waited for (20 s) */
    bg = child_pid(1);
    ck_assert_int_gt(bg, 0);
    ck_assert(wait_idle(10000));
    ck_assert_int_lt(et_now_ms() - t0, 5000);
    ck_assert_uint_eq(stats().timed_out, 1);
    for (int i = 0; i < 200 && alive(bg); i++)
        g_usleep(10000);
    ck_assert_msg(!alive(bg), "the agent's background child %d survived the timeout", (int)bg);
}
END_TEST

START_TEST(test_free_kills_running_agents)
{
    pid_t bg;

    use_cib(ALERT("<instance_attributes id=\"x\"><nvpair id=\"x1\" name=\"sleep\" value=\"20\"/>"
                  "</instance_attributes>"));
    event("node-left", "{'node': <'node2'>}");
    bg = child_pid(1);
    ck_assert_int_gt(bg, 0);
    ck_assert_uint_eq(stats().running, 1);
    vgl_alerts_free(al);
    al = NULL;
    for (int i = 0; i < 200 && alive(bg); i++)
        g_usleep(10000);
    ck_assert(!alive(bg));
}
END_TEST

START_TEST(test_concurrency_is_bounded)
{
    ck_assert_int_eq(vgl_alerts_set_max_running(al, 2), 0);
    use_cib(ALERT("<instance_attributes id=\"x\"><nvpair id=\"x1\" name=\"sleep\" value=\"0.2\"/>"
                  "</instance_attributes>"));
    for (int i = 0; i < 6; i++)
        event("node-left", "{'node': <'node2'>}");
    ck_assert_uint_eq(stats().running, 2);
    ck_assert_uint_eq(stats().queued, 4);
    ck_assert(wait_idle(20000));
    ck_assert_uint_eq(stats().running_max, 2);
    ck_assert_uint_eq(stats().ok, 6);
    ck_assert_uint_eq(count_runs(), 6);
    /* Runs started in event order: sequence numbers 1..6 all present. */
    for (unsigned seq = 1; seq <= 6; seq++) {
        GHashTable *env = recorded(seq);
        ck_assert_ptr_nonnull(env);
        g_hash_table_unref(env);
    }
}
END_TEST

START_TEST(test_queue_is_bounded)
{
    vgl_alerts_stats st;

    ck_assert_int_eq(vgl_alerts_set_max_running(al, 1), 0);
    use_cib(ALERT("<instance_attributes id=\"x\"><nvpair id=\"x1\" name=\"sleep\" value=\"20\"/>"
                  "</instance_attributes>"));
    for (unsigned i = 0; i < VGL_ALERTS_MAX_QUEUED + 5; i++)
        event("node-left", "{'node': <'node2'>}");
    st = stats();
    ck_assert_uint_eq(st.running, 1);
    ck_assert_uint_eq(st.queued, VGL_ALERTS_MAX_QUEUED);
    ck_assert_uint_eq(st.dropped, 4);
    ck_assert_uint_eq(st.issued, VGL_ALERTS_MAX_QUEUED + 1);
}
END_TEST

static Suite *alerts_suite(void)
{
    Suite *s = suite_create("alerts");
    TCase *tc = tcase_create("alerts");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_null_and_bad_arguments);
    tcase_add_test(tc, test_bad_configurations);
    tcase_add_test(tc, test_missing_agents);
    tcase_add_test(tc, test_format_time);
    tcase_add_test(tc, test_node_alerts);
    tcase_add_test(tc, test_resource_alerts);
    tcase_add_test(tc, test_fencing_alerts);
    tcase_add_test(tc, test_recipients);
    tcase_add_test(tc, test_select);
    tcase_add_test(tc, test_configuration_follows_the_cib);
    tcase_add_test(tc, test_failing_agent_is_logged_not_fatal);
    tcase_add_test(tc, test_timeout_kills_the_group);
    tcase_add_test(tc, test_free_kills_running_agents);
    tcase_add_test(tc, test_concurrency_is_bounded);
    tcase_add_test(tc, test_queue_is_bounded);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(alerts_suite)
