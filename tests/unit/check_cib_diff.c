/*
 * check_cib_diff.c — diffs and their application.  Hostile input first
 * (garbage, wrong format, wrong base, bad paths, tampered digests, a
 * "valid" diff to an invalid CIB, random byte flips): always refused with
 * the CIB untouched, never a crash.  Then random edits: for hundreds of
 * random sequences of changes, diff + apply reproduces the target byte
 * for byte, and the same diff is refused on the wrong base.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <vigil/cib.h>

#include "check_cib_util.h"
#include "cib/cib_internal.h"
#include "vgl_check.h"

/* Apply a diff expected to fail with rc; the CIB must not change. */
static void expect_refused(vgl_cib *cib, const char *diff, gssize len, int rc, const char *first)
{
    char *before = vgl_cib_serialize(cib), *after;
    GPtrArray *errors = cibt_errors();
    int got = vgl_cib_diff_apply(cib, diff, len, errors);

    after = vgl_cib_serialize(cib);
    ck_assert_msg(got == rc, "rc %d (%s), want %d (%s)", got, vgl_strerror(got), rc, vgl_strerror(rc));
    ck_assert_str_eq(before, after);
    cibt_assert_index(cib);
    ck_assert_uint_ge(errors->len, 1);
    if (first != NULL)
        ck_assert_str_eq(errors->pdata[0], first);
    g_ptr_array_unref(errors);
    g_free(before);
    g_free(after);
}

/* A diff header for cib as base and the given target. */
static char *header(const vgl_cib *base, const char *target_version, const char *target_digest)
{
    vgl_cib_version v;
    char *d = vgl_cib_digest(base);
    char *s;

    vgl_cib_get_version(base, &v);
    s = g_strdup_printf("<vigil_diff format=\"1\" base-admin_epoch=\"%llu\" base-epoch=\"%llu\" "
                        "base-num_updates=\"%llu\" base-digest=\"%s\" %s target-digest=\"%s\">",
                        (unsigned long long)v.admin_epoch, (unsigned long long)v.epoch,
                        (unsigned long long)v.num_updates, d, target_version, target_digest);
    g_free(d);
    return s;
}

START_TEST(apply_refuses_garbage)
{
    vgl_cib *cib = cibt_load("good/pacemaker-web.xml");

    ck_assert_int_eq(vgl_cib_diff_apply(NULL, "<x/>", -1, NULL), VGL_E_INVALID);
    expect_refused(cib, NULL, -1, VGL_E_PARSE, "diff: no input");
    expect_refused(cib, "", -1, VGL_E_PARSE, "diff: empty input");
    expect_refused(cib, "<vigil_diff", -1, VGL_E_PARSE, NULL);
    expect_refused(cib, "<vigil_diff/>", -1, VGL_E_PROTOCOL,
                   "good/pacemaker-web.xml: diff: not a <vigil_diff format=\"1\"> with versions and digests");
    expect_refused(cib, "<cib/>", -1, VGL_E_PROTOCOL, NULL);
    expect_refused(cib, "<!DOCTYPE d [<!ENTITY a \"aaaa\">]><vigil_diff/>", -1, VGL_E_PARSE,
                   "diff: DTD and entity declarations are not allowed");
    vgl_cib_free(cib);
}
END_TEST

START_TEST(apply_refuses_wrong_base_and_bad_changes)
{
    vgl_cib *base = cibt_load("good/pacemaker-web.xml"), *target = vgl_cib_copy(base);
    char *diff, *bad, *h;
    const char *tv = "target-admin_epoch=\"0\" target-epoch=\"57\" target-num_updates=\"12\"";
    char *digest = vgl_cib_digest(base);

    ck_assert_int_eq(vgl_cib_set_option(target, "cluster-name", "changed", NULL), 0);
    diff = vgl_cib_diff(base, target);
    /* wrong base: the target itself */
    expect_refused(target, diff, -1, VGL_E_DIGEST, NULL);
    /* a tampered target digest */
    bad = g_strdup(diff);
    {
        char *t = strstr(bad, "target-digest=\"") + strlen("target-digest=\"");
        *t = (*t == '0') ? '1' : '0';
    }
    expect_refused(base, bad, -1, VGL_E_DIGEST, NULL);
    g_free(bad);
    /* a wrong format */
    bad = g_strdup(diff);
    memcpy(strstr(bad, "format=\"1\""), "format=\"2\"", 10);
    expect_refused(base, bad, -1, VGL_E_PROTOCOL, NULL);
    g_free(bad);
    /* unknown change, unresolvable path, over-deep path, bad content */
    h = header(base, tv, digest);
    bad = g_strdup_printf("%s<explode/></vigil_diff>", h);
    expect_refused(base, bad, -1, VGL_E_PROTOCOL, "good/pacemaker-web.xml: diff: unknown change <explode>");
    g_free(bad);
    bad = g_strdup_printf("%s<delete><path><step name=\"configuration\"/><step name=\"resources\"/>"
                          "<step name=\"primitive\" id=\"ghost\"/></path></delete></vigil_diff>", h);
    expect_refused(base, bad, -1, VGL_E_DIGEST,
                   "good/pacemaker-web.xml: diff: path does not resolve at \"primitive#ghost\" (wrong base?)");
    g_free(bad);
    {
        GString *deep = g_string_new(h);
        g_string_append(deep, "<delete><path>");
        for (int i = 0; i < 70; i++)
            g_string_append(deep, "<step name=\"configuration\"/>");
        g_string_append(deep, "</path></delete></vigil_diff>");
        expect_refused(base, deep->str, -1, VGL_E_DIGEST, NULL);
        g_string_free(deep, TRUE);
    }
    bad = g_strdup_printf("%s<delete><path/></delete></vigil_diff>", h);
    expect_refused(base, bad, -1, VGL_E_PROTOCOL, "good/pacemaker-web.xml: diff: cannot delete the root");
    g_free(bad);
    bad = g_strdup_printf("%s<delete/></vigil_diff>", h);
    expect_refused(base, bad, -1, VGL_E_PROTOCOL, "good/pacemaker-web.xml: diff: <delete> without <path>");
    g_free(bad);
    bad = g_strdup_printf("%s<replace><path><step name=\"configuration\"/></path><content/></replace></vigil_diff>", h);
    expect_refused(base, bad, -1, VGL_E_PROTOCOL, NULL);
    g_free(bad);
    bad = g_strdup_printf("%s<insert><path><step name=\"configuration\"/></path><content><nodes/></content>"
                          "</insert></vigil_diff>", h);
    expect_refused(base, bad, -1, VGL_E_PROTOCOL,
                   "good/pacemaker-web.xml: diff: <insert> of <nodes> duplicates a sibling");
    g_free(bad);
    bad = g_strdup_printf("%s<insert><path><step name=\"configuration\"/></path><after name=\"zzz\"/>"
                          "<content><x/></content></insert></vigil_diff>", h);
    expect_refused(base, bad, -1, VGL_E_DIGEST, NULL);
    g_free(bad);
    /* the right base still takes the real diff */
    ck_assert_int_eq(vgl_cib_diff_apply(base, diff, -1, NULL), 0);
    cibt_assert_same(base, target);
    g_free(h);
    g_free(diff);
    g_free(digest);
    vgl_cib_free(base);
    vgl_cib_free(target);
}
END_TEST

/* A sender can compute the digest of any document, even an invalid one:
 * the receiver must still refuse to hold an invalid CIB. */
START_TEST(apply_refuses_a_matching_diff_to_an_invalid_cib)
{
    vgl_cib *base = cibt_load("good/pacemaker-web.xml");
    char *text = vgl_cib_serialize(base), *evil, *h, *diff, *digest;
    xmlDoc *doc;

    evil = g_strdup(text);
    memcpy(strstr(evil, "class=\"ocf\" id=\"vip\""), "class=\"oc2\"", 11);
    doc = xmlReadMemory(evil, (int)strlen(evil), NULL, NULL, XML_PARSE_NOBLANKS);
    vgl__cib_xml_strip(xmlDocGetRootElement(doc));
    digest = vgl__cib_xml_digest(xmlDocGetRootElement(doc));
    h = header(base, "target-admin_epoch=\"0\" target-epoch=\"57\" target-num_updates=\"12\"", digest);
    diff = g_strdup_printf("%s<replace><path/><content>%s</content></replace></vigil_diff>", h, evil);
    expect_refused(base, diff, -1, VGL_E_INVALID,
                   "good/pacemaker-web.xml: <primitive id=\"vip\">: unknown class \"oc2\"");
    xmlFreeDoc(doc);
    g_free(text);
    g_free(evil);
    g_free(h);
    g_free(diff);
    g_free(digest);
    vgl_cib_free(base);
}
END_TEST

START_TEST(identical_cibs_give_an_empty_diff)
{
    vgl_cib *a = cibt_load("good/all-features.xml"), *b = vgl_cib_copy(a);
    char *diff = vgl_cib_diff(a, b);

    ck_assert_ptr_null(strstr(diff, "<attributes"));
    ck_assert_ptr_null(strstr(diff, "<replace"));
    ck_assert_int_eq(vgl_cib_diff_apply(b, diff, -1, NULL), 0);
    cibt_assert_same(a, b);
    g_free(diff);
    vgl_cib_free(a);
    vgl_cib_free(b);
}
END_TEST

START_TEST(reordered_children_are_replaced)
{
    vgl_cib *a = cibt_load("good/pacemaker-web.xml"), *b = vgl_cib_copy(a);
    char *diff;

    ck_assert_int_eq(vgl_cib_put(b, VGL_CIB_RESOURCES,
                                 "<group id=\"web\"><primitive id=\"nginx\" class=\"systemd\" type=\"nginx\"/>"
                                 "<primitive id=\"vip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\"/>"
                                 "</group>", NULL), 0);
    diff = vgl_cib_diff(a, b);
    ck_assert_ptr_nonnull(strstr(diff, "<replace>"));
    ck_assert_int_eq(vgl_cib_diff_apply(a, diff, -1, NULL), 0);
    cibt_assert_same(a, b);
    g_free(diff);
    vgl_cib_free(a);
    vgl_cib_free(b);
}
END_TEST

/* ---- random edits ---- */

static const char *pick(GRand *r, const char *const *list, size_t n)
{
    return list[g_rand_int_range(r, 0, (gint32)n)];
}

/* Apply one random change (which may be refused: that is fine too). */
static void random_change(vgl_cib *cib, GRand *r, unsigned serial)
{
    static const char *const nodes[] = { "alpha", "bravo", "charlie", "delta" };
    static const char *const rscs[] = { "vip", "nginx", "web", "ping", "ping-clone", "fence-ipmi" };
    static const char *const opts[] = { "no-quorum-policy", "cluster-name", "stonith-timeout",
                                        "symmetric-cluster", "fencing-enabled" };
    static const char *const vals[] = { "stop", "ignore", "x", "30s", "true", "false", NULL };
    char buf[512];
    GPtrArray *ids = vgl_cib_resource_ids(cib, true);

    switch (g_rand_int_range(r, 0, 14)) {
    case 0:
        g_snprintf(buf, sizeof(buf), "<primitive id=\"r%u\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
                   "<operations><op id=\"r%u-mon\" name=\"monitor\" interval=\"%ds\"/></operations></primitive>",
                   serial, serial, g_rand_int_range(r, 1, 60));
        vgl_cib_put(cib, VGL_CIB_RESOURCES, buf, NULL);
        break;
    case 1:
        if (ids->len > 0)
            vgl_cib_delete(cib, ids->pdata[g_rand_int_range(r, 0, (gint32)ids->len)], VGL_CIB_DELETE_CASCADE, NULL);
        break;
    case 2:
        vgl_cib_set_option(cib, pick(r, opts, G_N_ELEMENTS(opts)), pick(r, vals, G_N_ELEMENTS(vals)), NULL);
        break;
    case 3:
        vgl_cib_set_node_attr(cib, pick(r, nodes, 3), "site", pick(r, vals, G_N_ELEMENTS(vals)), NULL);
        break;
    case 4:
        vgl_cib_set_rsc_meta(cib, pick(r, rscs, G_N_ELEMENTS(rscs)), "resource-stickiness",
                             g_rand_boolean(r) ? "100" : NULL, NULL);
        break;
    case 5: {
        vgl_cib_op_result op = { .rsc_id = ids->len ? ids->pdata[0] : "zz", .rsc_class = "ocf",
                                 .rsc_provider = "heartbeat", .rsc_type = "Dummy",
                                 .operation = g_rand_boolean(r) ? "start" : "monitor",
                                 .interval_ms = g_rand_boolean(r) ? 0 : 10000,
                                 .rc = g_rand_int_range(r, 0, 8), .call_id = (int)serial, .time = serial };
        vgl_cib_record_op(cib, pick(r, nodes, G_N_ELEMENTS(nodes)), &op, NULL);
        break;
    }
    case 6:
        vgl_cib_set_transient_attr(cib, pick(r, nodes, G_N_ELEMENTS(nodes)), "pingd",
                                   g_rand_boolean(r) ? "10" : NULL, NULL);
        break;
    case 7:
        vgl_cib_set_node_state(cib, pick(r, nodes, G_N_ELEMENTS(nodes)),
                               &(vgl_cib_node_state){ .in_ccm = g_rand_boolean(r) ? "true" : "false",
                                                      .join = "member" }, NULL);
        break;
    case 8:
        vgl_cib_put(cib, VGL_CIB_RESOURCES,
                    g_rand_boolean(r)
                        ? "<group id=\"web\"><primitive id=\"nginx\" class=\"systemd\" type=\"nginx\"/>"
                          "<primitive id=\"vip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\"/></group>"
                        : "<group id=\"web\"><primitive id=\"vip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\"/>"
                          "<primitive id=\"nginx\" class=\"systemd\" type=\"nginx\"/></group>", NULL);
        break;
    case 9:
        if (ids->len > 0) {
            g_snprintf(buf, sizeof(buf), "<rsc_location id=\"loc-%u\" rsc=\"%s\" node=\"%s\" score=\"%d\"/>",
                       serial, (const char *)ids->pdata[g_rand_int_range(r, 0, (gint32)ids->len)],
                       pick(r, nodes, 3), g_rand_int_range(r, -100, 100));
            vgl_cib_put(cib, VGL_CIB_CONSTRAINTS, buf, NULL);
        }
        break;
    case 10:
        vgl_cib_add_fence_event(cib, &(vgl_cib_fence_event){ .target = pick(r, nodes, 4), .action = "off",
                                                             .status = "success", .origin = "alpha",
                                                             .client = "t", .completed = serial }, NULL);
        break;
    case 11:
        vgl_cib_clear_resource(cib, pick(r, rscs, G_N_ELEMENTS(rscs)),
                               g_rand_boolean(r) ? pick(r, nodes, 4) : NULL, NULL);
        break;
    case 12:
        vgl_cib_clear_node(cib, pick(r, nodes, G_N_ELEMENTS(nodes)), NULL);
        break;
    default:
        g_snprintf(buf, sizeof(buf), "<node id=\"%u\" uname=\"n%u\"/>", serial % 7 + 10, serial);
        vgl_cib_put(cib, VGL_CIB_NODES, buf, NULL);
        break;
    }
    g_ptr_array_unref(ids);
}

START_TEST(random_edits_round_trip)
{
    GRand *r = g_rand_new_with_seed(20240601);
    vgl_cib *base = cibt_load("good/pacemaker-web.xml");
    unsigned serial = 0;

    for (int round = 0; round < 300; round++) {
        vgl_cib *target = vgl_cib_copy(base), *replica = vgl_cib_copy(base);
        int changes = g_rand_int_range(r, 0, 8);
        char *diff, *d1, *d2;
        GPtrArray *errors = cibt_errors();
        int rc;

        for (int i = 0; i < changes; i++)
            random_change(target, r, ++serial);
        diff = vgl_cib_diff(base, target);
        rc = vgl_cib_diff_apply(replica, diff, -1, errors);
        if (rc != 0) {
            char *msg = cibt_join(errors);

            fprintf(stderr, "# diff of round %d:\n%s\n", round, diff);
            ck_abort_msg("round %d: %s\n%.2000s", round, vgl_strerror(rc), msg);
        }
        cibt_assert_same(replica, target);
        cibt_assert_index(replica);
        d1 = vgl_cib_digest(replica);
        d2 = vgl_cib_digest(target);
        ck_assert_str_eq(d1, d2);
        ck_assert_int_eq(vgl_cib_validate(replica, NULL), 0);
        if (vgl_cib_version_compare(base, target) != 0)
            expect_refused(replica, diff, -1, VGL_E_DIGEST, NULL); /* not twice */
        g_free(d1);
        g_free(d2);
        g_free(diff);
        g_ptr_array_unref(errors);
        vgl_cib_free(replica);
        vgl_cib_free(base);
        base = target;
    }
    vgl_cib_free(base);
    g_rand_free(r);
}
END_TEST

/* Random byte flips in a diff: refused with the CIB untouched, or (when
 * the flip does not matter) applied giving exactly the target. */
START_TEST(mutated_diffs_never_do_harm)
{
    GRand *r = g_rand_new_with_seed(7);
    vgl_cib *base = cibt_load("good/all-features.xml"), *target = vgl_cib_copy(base);
    char *diff, *want_base = vgl_cib_serialize(base), *want_target;
    size_t len;

    for (unsigned i = 1; i <= 6; i++)
        random_change(target, r, i);
    ck_assert_int_eq(vgl_cib_set_node_attr(target, "web1", "site", "north", NULL), 0);
    ck_assert_int_eq(vgl_cib_delete(target, "loc-db-member", 0, NULL), 0);
    want_target = vgl_cib_serialize(target);
    diff = vgl_cib_diff(base, target);
    len = strlen(diff);
    for (int round = 0; round < 600; round++) {
        char *m = g_strdup(diff);
        vgl_cib *c = vgl_cib_copy(base);
        char *got;
        int flips = g_rand_int_range(r, 1, 4);

        for (int f = 0; f < flips; f++)
            m[g_rand_int_range(r, 0, (gint32)len)] = (char)g_rand_int_range(r, 1, 256);
        if (vgl_cib_diff_apply(c, m, -1, NULL) == 0) {
            got = vgl_cib_serialize(c);
            ck_assert_str_eq(got, want_target);
        } else {
            got = vgl_cib_serialize(c);
            ck_assert_str_eq(got, want_base);
        }
        cibt_assert_index(c);
        g_free(got);
        g_free(m);
        vgl_cib_free(c);
    }
    g_free(diff);
    g_free(want_base);
    g_free(want_target);
    vgl_cib_free(base);
    vgl_cib_free(target);
    g_rand_free(r);
}
END_TEST

/* The sample diffs (also the fuzzer's seeds) keep applying: the wire
 * format does not drift silently. */
/* The sample diffs (also the fuzzer's seeds) keep applying: the wire
 * format does not drift silently. */
static void apply_sample(const char *name)
{
    char *rel = g_strdup_printf("diffs/%s", name), *text = cibt_read(rel, NULL);
    vgl_cib *cib = cibt_load("good/pacemaker-web.xml");
    int rc = vgl_cib_diff_apply(cib, text, -1, NULL);

    ck_assert_msg(rc == 0, "%s: %s", name, vgl_strerror(rc));
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    vgl_cib_free(cib);
    g_free(text);
    g_free(rel);
}

START_TEST(sample_diffs_apply)
{
    ck_assert_uint_ge(cibt_each("diffs", ".xml", apply_sample), 3);
}
END_TEST

static Suite *cib_diff_suite(void)
{
    Suite *s = suite_create("cib_diff");
    TCase *bad = tcase_create("hostile");
    TCase *good = tcase_create("round trips");

    tcase_add_test(bad, apply_refuses_garbage);
    tcase_add_test(bad, apply_refuses_wrong_base_and_bad_changes);
    tcase_add_test(bad, apply_refuses_a_matching_diff_to_an_invalid_cib);
    tcase_add_test(bad, mutated_diffs_never_do_harm);
    tcase_add_test(good, identical_cibs_give_an_empty_diff);
    tcase_add_test(good, reordered_children_are_replaced);
    tcase_add_test(good, random_edits_round_trip);
    tcase_add_test(good, sample_diffs_apply);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, good);
    return s;
}

VGL_CHECK_MAIN(cib_diff_suite)
