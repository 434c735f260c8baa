/*
 * check_status.c — what ha-status and crmctl status show (tools/ha_status.h),
 * from canned inputs: a CIB (tests/tools/data/cib-3node.xml) and a STATUS
 * reply as vigild sends it.  Bad input first; then the exact 80-column
 * view, that every line fits the width, the monitoring-plugin line and its
 * code, JSON, event lines and the reasons a move cannot happen.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/vigil.h>

#include "tools/ha_status.h"
#include "vgl_check.h"

#define NOW 1767229200 /* 2026-01-01 01:00:00 UTC */

static const char status_text[] =
    "{'node': <'node1'>, 'coordinator': <'node1'>, 'quorate': <%s>, 'view_state': <'ACTIVE'>,"
    " 'cib_version': <uint64 42>, 'num_updates': <uint64 7>, 'members': <['node1', 'node2']>,"
    " 'nodes': <[{'name': <'node1'>, 'state': <'online'>}, {'name': <'node2'>, 'state': <'online'>},"
    " {'name': <'node3'>, 'state': <'%s'>}]>, 'transition_state': <'idle'>,"
    " 'transition_done': <uint32 0>, 'transition_total': <uint32 0>, 'inflight': <uint32 0>,"
    " 'leaving': <false>, 'pid': <uint32 123>}";

static char *read_data(const char *name)
{
    const char *src = getenv("VIGIL_SRCDIR");
    char *path = g_build_filename(src ? src : "..", "tests/tools/data", name, NULL);
    char *text = NULL;

    ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "cannot read %s", path);
    g_free(path);
    return text;
}

static GVariant *status_with(const char *node3_state, bool quorate)
{
    char *text = g_strdup_printf(status_text, quorate ? "true" : "false", node3_state);
    GError *err = NULL;
    GVariant *v = g_variant_parse(G_VARIANT_TYPE_VARDICT, text, NULL, NULL, &err);
    ck_assert_msg(v != NULL, "status: %s", err ? err->message : "?");
    g_free(text);
    return v;
}

/* The canned snapshot, with [in] edits ("old", "new", ... NULL) made to
 * the CIB text first. */
static ha_status *snapshot(const char *node3_state, bool quorate, ...)
{
    char *cib = read_data("cib-3node.xml");
    GVariant *status = status_with(node3_state, quorate);
    ha_status *st = NULL;
    char *err = NULL;
    const char *from;
    va_list ap;
    int rc;

    va_start(ap, quorate);
    while ((from = va_arg(ap, const char *)) != NULL) {
        const char *to = va_arg(ap, const char *);
        char *at = strstr(cib, from), *edited;
        ck_assert_msg(at != NULL, "edit: '%s' not found", from);
        edited = g_strdup_printf("%.*s%s%s", (int)(at - cib), cib, to, at + strlen(from));
        g_free(cib);
        cib = edited;
    }
    va_end(ap);
    rc = ha_status_new(status, cib, NOW, &st, &err);
    ck_assert_msg(rc == 0, "snapshot: %s", err ? err : "?");
    g_variant_unref(status);
    g_free(cib);
    return st;
}

static void setup(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
}

/* ---------------------------------------------------------- bad input */

START_TEST(bad_input_is_refused)
{
    ha_status *st = (ha_status *)1;
    char *err = NULL;

    ck_assert_int_eq(ha_status_new(NULL, NULL, NOW, &st, &err), -EINVAL);
    ck_assert_ptr_null(st);
    ck_assert_int_eq(ha_status_new(NULL, "<cib>", NOW, NULL, NULL), -EINVAL);
    ck_assert_int_eq(ha_status_new(NULL, "<cib", NOW, &st, &err), VGL_E_PARSE);
    ck_assert_ptr_null(st);
    ck_assert_msg(g_str_has_prefix(err, "the CIB cannot be read: "), "%s", err);
    g_clear_pointer(&err, g_free);
    ck_assert_int_eq(ha_status_new(NULL, "<cib><configuration/></cib>", NOW, &st, &err), VGL_E_INVALID);
    ck_assert_ptr_null(st);
    ck_assert_ptr_nonnull(strstr(err, "missing <crm_config> section"));
    g_free(err);
    ha_status_free(NULL);
    ck_assert_ptr_null(ha_status_rsc_node(NULL, "x"));
    ck_assert(!ha_status_has_node(NULL, "x"));
    ck_assert_ptr_null(ha_status_why_not(NULL, "x", "y"));
}
END_TEST

START_TEST(odd_status_fields_are_ignored)
{
    /* Wrong types and missing fields: shown as unknown, never a crash. */
    GVariant *status = g_variant_parse(G_VARIANT_TYPE_VARDICT,
                                       "{'node': <42>, 'quorate': <'yes'>, 'nodes': <['node1']>}",
                                       NULL, NULL, NULL);
    char *cib = read_data("cib-3node.xml"), *text;
    ha_status *st = NULL;

    ck_assert_int_eq(ha_status_new(status, cib, NOW, &st, NULL), 0);
    ck_assert(!ha_status_quorate(st));
    ck_assert_ptr_null(ha_status_self(st));
    text = ha_status_text(st, HA_PART_ALL, 80, false);
    ck_assert_ptr_nonnull(strstr(text, "Cluster: NO QUORUM, 0/3 nodes online, coordinator none"));
    g_free(text);
    ha_status_free(st);
    g_variant_unref(status);
    g_free(cib);
}
END_TEST

/* --------------------------------------------------------------- text */

static const char expected_80[] =
    "Cluster: quorate, 2/3 nodes online, coordinator node1                   01:00:00\n"
    "Config epoch 42.7, transition idle, seen from node1\n"
    "Fencing is disabled (stonith-enabled=false): failed nodes are not fenced\n"
    "\n"
    "Nodes:\n"
    "  node1  online      coordinator, this node\n"
    "  node2  standby\n"
    "  node3  fenced      at 2025-12-31 23:56\n"
    "\n"
    "Resources:\n"
    "  web (group)\n"
    "    vip     ocf:vigil:IPaddr  Started node1 since 00:00:10\n"
    "    nginx   ocf:vigil:nginx   Started node1 since 00:00:12\n"
    "  db        ocf:vigil:mysql   Stopped (disabled)\n"
    "  ping-clone (clone)\n"
    "    ping:0  ocf:vigil:ping    Started node1 since 00:00:05\n"
    "    ping:1  ocf:vigil:ping    Stopping on node2\n"
    "    ping:2  ocf:vigil:ping    Stopped\n"
    "\n"
    "Failures:\n"
    "  vip on node2: 1 failure (moves away at 3)\n"
    "      last: monitor 10s not running (rc 7) at 2025-12-31 23:58\n"
    "      address 192.0.2.100 is not on eth0\n"
    "  (forget them with: crmctl resource cleanup RSC)\n"
    "\n"
    "Constraints left by move and ban:\n"
    "  cli-prefer-web: web prefers node2\n"
    "  (remove them with: crmctl resource clear RSC)\n"
    "\n"
    "Recent fencing:\n"
    "  2025-12-31 23:56  node3 reboot: success by node1\n";

START_TEST(text_at_80_columns)
{
    ha_status *st = snapshot("offline", true, NULL);
    char *text = ha_status_text(st, HA_PART_ALL, 80, false);

    ck_assert_str_eq(text, expected_80);
    g_free(text);
    ha_status_free(st);
}
END_TEST

static char *strip_ansi(const char *s)
{
    GString *out = g_string_new(NULL);

    for (const char *p = s; *p; p++) {
        if (*p == '\033') {
            while (*p && *p != 'm')
                p++;
            continue;
        }
        g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

START_TEST(every_line_fits_and_colour_adds_nothing_else)
{
    static const unsigned widths[] = { 40, 60, 80, 132 };
    ha_status *st = snapshot("unclean", false, "value=\"192.0.2.100\"",
                             "value=\"192.0.2.100\"/><nvpair id=\"vip-long\" name=\"x\" value=\"y\"", NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(widths); i++) {
        char *plain = ha_status_text(st, HA_PART_ALL, widths[i], false);
        char *color = ha_status_text(st, HA_PART_ALL, widths[i], true);
        char *stripped = strip_ansi(color);
        char **lines = g_strsplit(plain, "\n", -1);

        ck_assert_ptr_nonnull(strstr(color, "\033[31m"));
        ck_assert_str_eq(stripped, plain);
        for (char **l = lines; *l != NULL; l++)
            ck_assert_msg(g_utf8_strlen(*l, -1) <= widths[i], "width %u: '%s'", widths[i], *l);
        g_strfreev(lines);
        g_free(plain);
        g_free(color);
        g_free(stripped);
    }
    ha_status_free(st);
}
END_TEST

START_TEST(parts_can_be_drawn_alone)
{
    ha_status *st = snapshot("offline", true, NULL);
    char *text = ha_status_text(st, HA_PART_NODES, 80, false);

    ck_assert_str_eq(text, "Nodes:\n  node1  online      coordinator, this node\n  node2  standby\n"
                           "  node3  fenced      at 2025-12-31 23:56\n");
    g_free(text);
    ha_status_free(st);
}
END_TEST

/* ----------------------------------------------------------- one line */

START_TEST(one_line_warning)
{
    ha_status *st = snapshot("offline", true, NULL);
    char *line = NULL;

    ck_assert_int_eq(ha_status_one_line(st, &line), 1);
    ck_assert_str_eq(line, "VIGIL WARNING: node2 standby, node3 fenced, vip failed on node2 (+1 more); "
                           "2/3 nodes online, 4/4 resources running | nodes_online=2;;;0;3 "
                           "resources_running=4;;;0;4 failures=1");
    g_free(line);
    ha_status_free(st);
}
END_TEST

START_TEST(one_line_critical)
{
    ha_status *st = snapshot("unclean", false, NULL);
    char *line = NULL;

    ck_assert_int_eq(ha_status_one_line(st, &line), 2);
    ck_assert_msg(g_str_has_prefix(line, "VIGIL CRITICAL: no quorum, node3 unclean, "), "%s", line);
    g_free(line);
    ha_status_free(st);
}
END_TEST

START_TEST(one_line_ok)
{
    /* No standby, no failure, no move constraint, node3 back. */
    ha_status *st = snapshot("online", true, "value=\"on\"", "value=\"off\"", "value=\"1\"/>", "value=\"0\"/>",
                             "<rsc_location id=\"cli-prefer-web\"", "<rsc_location id=\"prefer-web\"",
                             "vip_last_failure_0", "vip_monitor_10000", NULL);
    char *line = NULL;

    ck_assert_int_eq(ha_status_one_line(st, &line), 0);
    /* ping:2 is still starting on node3: fine, not a warning. */
    ck_assert_str_eq(line, "VIGIL OK: 3/3 nodes online, 4/5 resources running | nodes_online=3;;;0;3 "
                           "resources_running=4;;;0;5 failures=0");
    g_free(line);
    ha_status_free(st);
}
END_TEST

/* --------------------------------------------------------------- JSON */

START_TEST(json_writer)
{
    GVariant *v = g_variant_parse(NULL,
                                  "{'s': <'a \"q\" \\\\ \\n\\t\\u0001 é'>, 'n': <@mi nothing>, 'm': <@mi 5>,"
                                  " 'b': <true>, 'a': <[1, 2]>, 'e': <@as []>, 'd': <{'x': <int64 -3>}>,"
                                  " 't': <(uint64 7, 1.5)>}",
                                  NULL, NULL, NULL);
    char *json = ha_status_json(v, false);

    ck_assert_str_eq(json, "{\"s\":\"a \\\"q\\\" \\\\ \\n\\t\\u0001 é\",\"n\":null,\"m\":5,\"b\":true,"
                           "\"a\":[1,2],\"e\":[],\"d\":{\"x\":-3},\"t\":[7,1.5]}");
    g_free(json);
    json = ha_status_json(NULL, true);
    ck_assert_str_eq(json, "null");
    g_free(json);
    json = ha_status_json(g_variant_new_parsed("{'k': <[1]>}"), true);
    ck_assert_str_eq(json, "{\n  \"k\": [\n    1\n  ]\n}");
    g_free(json);
}
END_TEST

START_TEST(json_of_the_snapshot)
{
    ha_status *st = snapshot("offline", true, NULL);
    char *json = ha_status_json(ha_status_variant(st), false);

    ck_assert_ptr_nonnull(strstr(json, "\"cluster\":{"));
    ck_assert_ptr_nonnull(strstr(json, "{\"name\":\"node2\",\"state\":\"standby\",\"member\":true"));
    ck_assert_ptr_nonnull(strstr(json, "\"id\":\"vip\",\"group\":\"web\",\"clone\":null,\"agent\":\"ocf:vigil:IPaddr\","
                                       "\"state\":\"Started\",\"current\":[\"node1\"],\"next\":\"node1\""));
    ck_assert_ptr_nonnull(strstr(json, "\"resource\":\"vip\",\"node\":\"node2\",\"fail_count\":1,"
                                       "\"migration_threshold\":3,\"operation\":\"monitor\",\"interval_ms\":10000,"
                                       "\"rc\":7,\"rc_text\":\"not running\""));
    ck_assert_ptr_nonnull(strstr(json, "\"constraints\":[{\"id\":\"cli-prefer-web\",\"resource\":\"web\","
                                       "\"node\":\"node2\",\"kind\":\"prefer\",\"expires\":null}]"));
    g_free(json);
    ha_status_free(st);
}
END_TEST

/* -------------------------------------------------------------- events */

static const struct {
    const char *fields;
    const char *line;
} events[] = {
    { "{'kind': <'op'>, 'time_us': <int64 1767225610123456>, 'node': <'node2'>, 'rsc': <'vip'>, 'op': <'start'>,"
      " 'interval': <uint32 0>, 'rc': <0>, 'expected': <0>, 'exec_ms': <uint32 43>}",
      "2026-01-01 00:00:10.123 op vip start on node2: ok (43 ms)" },
    { "{'kind': <'op'>, 'time_us': <int64 1767225610000000>, 'node': <'node2'>, 'rsc': <'vip'>, 'op': <'monitor'>,"
      " 'interval': <uint32 10000>, 'rc': <7>, 'expected': <0>, 'exec_ms': <uint32 3>}",
      "2026-01-01 00:00:10.000 op vip monitor 10s on node2: not running (rc 7, expected 0) (3 ms)" },
    { "{'kind': <'op'>, 'time_us': <int64 0>, 'node': <'node1'>, 'rsc': <'db'>, 'op': <'monitor'>,"
      " 'interval': <uint32 0>, 'rc': <7>, 'expected': <7>, 'exec_ms': <uint32 1>}",
      "1970-01-01 00:00:00.000 op db probe on node1: not running (1 ms)" },
    { "{'kind': <'config'>, 'time_us': <int64 0>, 'epoch': <uint64 43>}",
      "1970-01-01 00:00:00.000 config changed (epoch 43)" },
    { "{'kind': <'attr'>, 'time_us': <int64 0>, 'node': <'node2'>, 'name': <'pingd'>, 'value': <'100'>}",
      "1970-01-01 00:00:00.000 attr node2 pingd=100" },
    { "{'kind': <'attr'>, 'time_us': <int64 0>, 'node': <'node2'>, 'name': <'pingd'>, 'value': <''>}",
      "1970-01-01 00:00:00.000 attr node2 pingd deleted" },
    { "{'kind': <'node-left'>, 'time_us': <int64 0>, 'node': <'node3'>, 'clean': <false>}",
      "1970-01-01 00:00:00.000 node node3 left UNCLEANLY" },
    { "{'kind': <'quorum'>, 'time_us': <int64 0>, 'quorate': <false>}", "1970-01-01 00:00:00.000 quorum: LOST" },
    { "{'kind': <'fence'>, 'time_us': <int64 0>, 'target': <'node3'>, 'ok': <false>, 'reason': <'timed out'>}",
      "1970-01-01 00:00:00.000 fence node3: FAILED: timed out" },
    { "{'kind': <'view'>, 'time_us': <int64 0>, 'coordinator': <'node1'>}",
      "1970-01-01 00:00:00.000 view changed, coordinator node1" },
    { "{'kind': <'cleanup'>, 'time_us': <int64 0>, 'rsc': <'vip'>}", "1970-01-01 00:00:00.000 cleanup vip" },
    { "{'kind': <'leaving'>, 'time_us': <int64 0>, 'node': <'node2'>}",
      "1970-01-01 00:00:00.000 node node2 is leaving (vigild stopping)" },
    { "{'kind': <'brand-new'>, 'time_us': <int64 0>, 'x': <1>}",
      "1970-01-01 00:00:00.000 brand-new {'kind': <'brand-new'>, 'time_us': <int64 0>, 'x': <1>}" },
    { "{'time_us': <int64 0>}", "1970-01-01 00:00:00.000 event {'time_us': <int64 0>}" },
};

START_TEST(event_line)
{
    GVariant *v = g_variant_parse(G_VARIANT_TYPE_VARDICT, events[_i].fields, NULL, NULL, NULL);
    char *line;

    ck_assert_ptr_nonnull(v);
    line = ha_status_event_line(v, true);
    ck_assert_str_eq(line, events[_i].line);
    g_free(line);
    g_variant_unref(v);
}
END_TEST

START_TEST(event_line_bad_input)
{
    char *line = ha_status_event_line(NULL, true);

    ck_assert_str_eq(line, "(malformed event)");
    g_free(line);
    line = ha_status_event_line(g_variant_new_string("x"), true);
    ck_assert_str_eq(line, "(malformed event)");
    g_free(line);
}
END_TEST

/* ------------------------------------------------------------ lookups */

START_TEST(lookups_and_reasons)
{
    ha_status *st = snapshot("offline", true, NULL);
    char *why;

    ck_assert_str_eq(ha_status_rsc_node(st, "web"), "node1");
    ck_assert_str_eq(ha_status_rsc_node(st, "vip"), "node1");
    ck_assert_str_eq(ha_status_rsc_node(st, "ping-clone"), "node1");
    ck_assert_ptr_null(ha_status_rsc_node(st, "db"));
    ck_assert(ha_status_has_rsc(st, "web") && ha_status_has_rsc(st, "ping") && !ha_status_has_rsc(st, "cli-prefer-web"));
    ck_assert(ha_status_has_node(st, "node3") && !ha_status_has_node(st, "node9"));
    ck_assert_str_eq(ha_status_self(st), "node1");
    why = ha_status_why_not(st, "web", "node2");
    ck_assert_str_eq(why, "node2 is in standby (bring it back with 'crmctl node online node2')");
    g_free(why);
    why = ha_status_why_not(st, "web", "node3");
    ck_assert_str_eq(why, "node3 is fenced");
    g_free(why);
    why = ha_status_why_not(st, "web", "node9");
    ck_assert_str_eq(why, "node9 is not a node of this cluster (see 'crmctl node list')");
    g_free(why);
    why = ha_status_why_not(st, "db", "node1");
    ck_assert_str_eq(why, "db is stopped on purpose (start it with 'crmctl resource start db')");
    g_free(why);
    ck_assert_ptr_null(ha_status_why_not(st, "web", "node1"));
    ha_status_free(st);
}
END_TEST

START_TEST(reasons_from_failures_and_constraints)
{
    ha_status *st = snapshot("online", true, "value=\"on\"", "value=\"off\"", "value=\"1\"/>", "value=\"3\"/>",
                             "id=\"db-not-node3\" rsc=\"db\"", "id=\"cli-ban-web-on-node3\" rsc=\"web\"", NULL);
    char *why = ha_status_why_not(st, "web", "node2");

    ck_assert_str_eq(why, "vip failed 3 times on node2 (migration-threshold 3); clear that with "
                          "'crmctl resource cleanup vip --node node2'");
    g_free(why);
    why = ha_status_why_not(st, "vip", "node3");
    ck_assert_str_eq(why, "web is banned from node3 by cli-ban-web-on-node3 (remove it with 'crmctl resource clear web')");
    g_free(why);
    ha_status_free(st);
}
END_TEST

static Suite *status_suite(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("bad input");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, bad_input_is_refused);
    tcase_add_test(tc, odd_status_fields_are_ignored);
    tcase_add_test(tc, event_line_bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, text_at_80_columns);
    tcase_add_test(tc, every_line_fits_and_colour_adds_nothing_else);
    tcase_add_test(tc, parts_can_be_drawn_alone);
    tcase_add_test(tc, one_line_warning);
    tcase_add_test(tc, one_line_critical);
    tcase_add_test(tc, one_line_ok);
    tcase_add_test(tc, json_writer);
    tcase_add_test(tc, json_of_the_snapshot);
    tcase_add_loop_test(tc, event_line, 0, (int)G_N_ELEMENTS(events));
    tcase_add_test(tc, lookups_and_reasons);
    tcase_add_test(tc, reasons_from_failures_and_constraints);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(status_suite)
