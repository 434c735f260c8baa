/* check_import.c — what `crmctl import` produces makes the scheduler take
 * keepalived's and Heartbeat's decisions.  Each test imports files from
 * tests/import, adds a status (who is online, the health attributes the
 * checks would set, where a resource runs) and asks the scheduler where
 * the addresses go: a weight smaller than the priority gap keeps them
 * (keepalived's classic mistake, kept and warned about), a larger one or
 * a check without weight moves them, nopreempt keeps them where they
 * run, a sync group moves together.  Bad input first. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <libxml/tree.h>
#include <vigil/cib.h>
#include <vigil/sched.h>
#include <vigil/vigil.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl_import_internal.h"
#include "vgl_check.h"

/* The output of an import of tests/import files (caller g_free()s);
 * [out] *warnings (may be NULL) gets the warnings joined by newlines. */
static char *import(bool keepalived, const char *a1, const char *a2, char **warnings)
{
    const char *src = g_getenv("VIGIL_SRCDIR");
    char *args[2] = { NULL, NULL };
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    crmctl__import im;
    char *text, *dir;
    int rc, n = a2 ? 2 : 1;

    ck_assert_msg(src != NULL, "VIGIL_SRCDIR is not set");
    dir = g_build_filename(src, "tests", "import", NULL);
    for (int i = 0; i < n; i++) {
        const char *a = i == 0 ? a1 : a2;
        const char *eq = strchr(a, '=');
        args[i] = eq ? g_strdup_printf("%.*s=%s/%s", (int)(eq - a), a, dir, eq + 1)
                     : g_build_filename(dir, a, NULL);
    }
    crmctl__import_init(&im, "/usr/share/vigil/alerts");
    rc = keepalived ? crmctl__import_keepalived(&im, args, n, errors)
                    : crmctl__import_haresources(&im, args, n, errors);
    ck_assert_msg(rc == 0, "import: %s", errors->len ? (char *)errors->pdata[0] : vgl_strerror(rc));
    ck_assert_int_eq(crmctl__import_check(im.text->str, errors), 0);
    if (warnings != NULL) {
        g_ptr_array_add(im.warnings, NULL);
        *warnings = g_strjoinv("\n", (char **)im.warnings->pdata);
    }
    text = g_strdup(im.text->str);
    crmctl__import_clear(&im);
    g_ptr_array_unref(errors);
    g_free(args[0]);
    g_free(args[1]);
    g_free(dir);
    return text;
}

/* Where [in] rsc goes next, given the statements [in] text, [in] status
 * (the inside of <status>) and the nodes online ([in] online, blank
 * separated).  Caller g_free()s; "" when it stays stopped. */
static char *placed(const char *text, const char *status, const char *online, const char *rsc)
{
    xmlDoc *doc = crm_syntax_new_config();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    xmlBuffer *buf = xmlBufferCreate();
    vgl_sched_view *view = vgl_sched_view_new(true);
    vgl_transition *t = NULL;
    vgl_cib *cib = NULL;
    char *xml, **nodes, *where = NULL;

    ck_assert_int_eq(crm_syntax_apply(crm_syntax_config_of(doc), text, "import", NULL, errors), 0);
    xmlNodeDump(buf, doc, crm_syntax_config_of(doc), 0, 0);
    xml = g_strdup_printf("<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" validate-with=\"pacemaker-3.9\">%s<status>%s</status></cib>",
                          (const char *)xmlBufferContent(buf), status);
    ck_assert_msg(vgl_cib_load_string(xml, -1, "check_import", &cib, errors) == 0, "CIB: %s",
                  errors->len ? (char *)errors->pdata[0] : "?");
    nodes = g_strsplit(online, " ", -1);
    for (char **n = nodes; *n; n++)
        ck_assert_int_eq(vgl_sched_view_set_node(view, *n, VGL_NODE_ONLINE), 0);
    ck_assert_int_eq(vgl_sched_run(vgl_cib_xml(cib), view, 1700000000, &t), 0);
    for (size_t i = 0; i < vgl_transition_placement_count(t); i++) {
        const vgl_placement *p = vgl_transition_placement(t, i);
        if (strcmp(vgl_placement_resource(p), rsc) == 0)
            where = g_strdup(vgl_placement_next(p) ? vgl_placement_next(p) : "");
    }
    ck_assert_msg(where != NULL, "no placement for %s", rsc);
    vgl_transition_free(t);
    vgl_cib_free(cib);
    g_strfreev(nodes);
    vgl_sched_view_free(view);
    g_free(xml);
    xmlBufferFree(buf);
    g_ptr_array_unref(errors);
    xmlFreeDoc(doc);
    return where;
}

/* A node_state that is online, with transient attributes NAME=VALUE... */
static char *node(const char *uname, const char *attrs)
{
    GString *s = g_string_new(NULL);
    char **kv = g_strsplit(attrs ? attrs : "", " ", -1);

    g_string_append_printf(s, "<node_state id=\"%s\" uname=\"%s\" in_ccm=\"true\" crmd=\"online\" "
                              "join=\"member\" expected=\"member\">", uname, uname);
    if (kv[0] && *kv[0]) {
        g_string_append_printf(s, "<transient_attributes id=\"%s\"><instance_attributes id=\"status-%s\">",
                               uname, uname);
        for (char **p = kv; *p; p++) {
            char *eq = strchr(*p, '=');
            g_string_append_printf(s, "<nvpair id=\"status-%s-%.*s\" name=\"%.*s\" value=\"%s\"/>", uname,
                                   (int)(eq - *p), *p, (int)(eq - *p), *p, eq + 1);
        }
        g_string_append(s, "</instance_attributes></transient_attributes>");
    }
    g_string_append(s, "</node_state>");
    g_strfreev(kv);
    return g_string_free(s, FALSE);
}

static char *two(const char *n1, const char *a1, const char *n2, const char *a2)
{
    char *x = node(n1, a1), *y = node(n2, a2), *s = g_strconcat(x, y, NULL);

    g_free(x);
    g_free(y);
    return s;
}

#define ck_placed(text, status, online, rsc, want) do {             \
        char *st_ = (status), *got_ = placed(text, st_, online, rsc); \
        ck_assert_str_eq(got_, want);                                \
        g_free(got_);                                                \
        g_free(st_);                                                 \
    } while (0)

/* ------------------------------------------------------------ bad input */

START_TEST(test_bad_input)
{
    crmctl__import im;
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    char *missing[] = { "/nonexistent/keepalived.conf" };
    char *badname[] = { "no/de=x.conf" };

    crmctl__import_init(&im, "/x");
    ck_assert_int_eq(crmctl__import_keepalived(&im, missing, 1, errors), -ENOENT);
    ck_assert_uint_eq(errors->len, 1);
    ck_assert_int_eq(crmctl__import_haresources(&im, missing, 1, errors), -ENOENT);
    /* NODE= with a slash before the '=' is a file name, not a node. */
    ck_assert_int_eq(crmctl__import_keepalived(&im, badname, 1, errors), -ENOENT);
    ck_assert_int_eq(crmctl__import_check("primitive x nosuchclass:y", errors), VGL_E_PARSE);
    ck_assert_int_ne(crmctl__import_check("location l nosuchrsc 100: node1", errors), 0);
    ck_assert_int_eq(crmctl__import_check("", errors), 0);
    crmctl__import_clear(&im);
    g_ptr_array_unref(errors);
}
END_TEST

START_TEST(test_ids_and_addresses)
{
    crmctl__import im;
    char *a, *b, *c, *d;
    int prefix = 0;

    crmctl__import_init(&im, "/x");
    a = crmctl__import_id(&im, "VI_1", NULL);
    b = crmctl__import_id(&im, "VI_1", NULL);
    c = crmctl__import_id(&im, "1st vip", "on/node1");
    d = crmctl__import_id(&im, "", NULL);
    ck_assert_str_eq(a, "VI_1");
    ck_assert_str_eq(b, "VI_1-2");
    ck_assert_str_eq(c, "r-1st-vip-on-node1");
    ck_assert_str_eq(d, "r-");
    ck_assert(crmctl__import_is_address("192.0.2.1/24", &prefix));
    ck_assert_int_eq(prefix, 24);
    ck_assert(crmctl__import_is_address("2001:db8::1", &prefix));
    ck_assert_int_eq(prefix, -1);
    ck_assert(!crmctl__import_is_address("192.0.2.1/33", &prefix));
    ck_assert(!crmctl__import_is_address("192.0.2", NULL));
    ck_assert(!crmctl__import_is_address("eth0", NULL));
    ck_assert(!crmctl__import_is_address("192.0.2.1/", NULL));
    g_free(a);
    g_free(b);
    g_free(c);
    g_free(d);
    crmctl__import_clear(&im);
}
END_TEST

/* ----------------------------------------------------------- decisions */

START_TEST(test_weight_below_the_gap_keeps_the_vip)
{
    char *warn = NULL, *text = import(true, "web-a.conf", "web-b.conf", &warn);

    ck_assert_ptr_nonnull(strstr(warn, "track_script chk_nginx weight -20 is not larger than the gap"));
    ck_placed(text, two("web-a", NULL, "web-b", NULL), "web-a web-b", "WEB-ip1", "web-a");
    /* Both checks pass: the attributes are 0. */
    ck_placed(text, two("web-a", "health-chk_nginx=0 health-chk_disk=0", "web-b",
                        "health-chk_nginx=0 health-chk_disk=0"), "web-a web-b", "WEB-ip1", "web-a");
    /* chk_nginx fails on web-a: 150-20 = 130 > 100, it stays (as in keepalived). */
    ck_placed(text, two("web-a", "health-chk_nginx=-20 health-chk_disk=0", "web-b",
                        "health-chk_nginx=0 health-chk_disk=0"), "web-a web-b", "WEB-ip1", "web-a");
    /* chk_disk has no weight: failing is keepalived's FAULT, it moves. */
    ck_placed(text, two("web-a", "health-chk_nginx=0 health-chk_disk=-INFINITY", "web-b",
                        "health-chk_nginx=0 health-chk_disk=0"), "web-a web-b", "WEB-ip1", "web-b");
    /* web-a gone: web-b. */
    ck_placed(text, node("web-b", NULL), "web-b", "WEB-ip1", "web-b");
    g_free(warn);
    g_free(text);
}
END_TEST

START_TEST(test_weight_above_the_gap_moves_the_vip)
{
    char *warn = NULL, *text = import(true, "haproxy-lb1.conf", "haproxy-lb2.conf", &warn);

    /* weight +2 against 101/100: enough. */
    ck_assert_ptr_null(strstr(warn, "not larger than the gap"));
    ck_placed(text, two("node1", "health-chk_haproxy=2", "node2", "health-chk_haproxy=2"), "node1 node2",
              "VI_1", "node1");
    ck_placed(text, two("node1", "health-chk_haproxy=0", "node2", "health-chk_haproxy=2"), "node1 node2",
              "VI_1", "node2");
    g_free(warn);
    g_free(text);
}
END_TEST

START_TEST(test_sync_group_moves_together)
{
    char *warn = NULL, *text = import(true, "router-r1.conf", "router-r2.conf", &warn);

    /* Their weights differ: the scores add up, which keepalived did not. */
    ck_assert_ptr_nonnull(strstr(warn, "VI_EXT and VI_INT of VG_EDGE have different priorities or check weights"));

    ck_placed(text, two("r1", "health-chk_uplink=0", "r2", "health-chk_uplink=0"), "r1 r2", "VI_EXT", "r1");
    ck_placed(text, two("r1", "health-chk_uplink=0", "r2", "health-chk_uplink=0"), "r1 r2", "VI_INT-ip1", "r1");
    /* chk_uplink fails on r1: -60 (VI_EXT) and -70 (VI_INT's own weight)
     * both beat the gap of 50: the two move, together. */
    ck_placed(text, two("r1", "health-chk_uplink=-60", "r2", "health-chk_uplink=0"), "r1 r2", "VI_EXT", "r2");
    ck_placed(text, two("r1", "health-chk_uplink=-60", "r2", "health-chk_uplink=0"), "r1 r2", "VI_INT-ip1", "r2");
    g_free(warn);
    g_free(text);
}
END_TEST

/* DB's history: running on [in] where. */
static char *db_running_on(const char *where, const char *other, const char *attrs)
{
    char *a = g_strdup_printf("<node_state id=\"%s\" uname=\"%s\" in_ccm=\"true\" crmd=\"online\" join=\"member\" "
                              "expected=\"member\"><transient_attributes id=\"%s\"><instance_attributes "
                              "id=\"status-%s\"><nvpair id=\"status-%s-h\" name=\"health-chk_mysql\" value=\"%s\"/>"
                              "</instance_attributes></transient_attributes><lrm id=\"%s\"><lrm_resources>"
                              "<lrm_resource id=\"DB\" class=\"ocf\" provider=\"vigil\" type=\"IPaddr\">"
                              "<lrm_rsc_op id=\"DB_last_0\" operation=\"start\" call-id=\"5\" rc-code=\"0\" "
                              "op-status=\"0\" interval=\"0\"/></lrm_resource></lrm_resources></lrm></node_state>",
                              where, where, where, where, where, attrs, where);
    char *b = node(other, "health-chk_mysql=0"), *s = g_strconcat(a, b, NULL);

    g_free(a);
    g_free(b);
    return s;
}

START_TEST(test_nopreempt_stays)
{
    char *text = import(true, "db1=db1.conf", "db2=db2.conf", NULL);

    ck_assert_ptr_nonnull(strstr(text, "meta resource-stickiness=11"));
    /* Fresh: the higher priority wins. */
    ck_placed(text, two("db1", "health-chk_mysql=0", "db2", "health-chk_mysql=0"), "db1 db2", "DB", "db1");
    /* Running on db2 (db1 failed earlier and is back): it stays there. */
    ck_placed(text, db_running_on("db2", "db1", "0"), "db1 db2", "DB", "db2");
    /* Its check fails there (no weight: FAULT): it moves. */
    ck_placed(text, db_running_on("db2", "db1", "-INFINITY"), "db1 db2", "DB", "db1");
    g_free(text);
}
END_TEST

START_TEST(test_haresources_group_follows_its_node)
{
    char *text = import(false, "haresources", NULL, NULL);

    ck_placed(text, two("node1", NULL, "node2", NULL), "node1 node2", "ip-192.0.2.100", "node1");
    ck_placed(text, two("node1", NULL, "node2", NULL), "node1 node2", "nginx", "node1");
    ck_placed(text, node("node2", NULL), "node2", "nginx", "node2");
    g_free(text);
}
END_TEST

static Suite *import_suite(void)
{
    Suite *s = suite_create("import");
    TCase *tc = tcase_create("import");

    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_ids_and_addresses);
    tcase_add_test(tc, test_weight_below_the_gap_keeps_the_vip);
    tcase_add_test(tc, test_weight_above_the_gap_moves_the_vip);
    tcase_add_test(tc, test_sync_group_moves_together);
    tcase_add_test(tc, test_nopreempt_stays);
    tcase_add_test(tc, test_haresources_group_follows_its_node);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(import_suite)
