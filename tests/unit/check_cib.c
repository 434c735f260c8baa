/*
 * check_cib.c — loading, validation, serialization, digests, queries and
 * versions of the CIB.  Bad input first: NULL, empty, garbage, too big,
 * then every file of tests/cib/bad/ with its exact messages (NAME.err:
 * first line the vgl_strerror() text of the return code, then one message
 * per line; a line ending in '*' matches as a prefix).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <vigil/cib.h>

#include "check_cib_util.h"
#include "vgl_check.h"

/* ---- bad input ---- */

START_TEST(load_refuses_null_empty_garbage)
{
    static const char *const garbage[] = { "", "   ", "garbage", "<cib", "<?xml version=\"1.0\"?>",
                                           "\x01\x02\x03", "<cib></cob>", "<a/><b/>" };
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = (vgl_cib *)&errors; /* must be reset to NULL */

    ck_assert_int_eq(vgl_cib_load_string(NULL, -1, "x", &cib, errors), VGL_E_PARSE);
    ck_assert_ptr_null(cib);
    ck_assert_str_eq(errors->pdata[0], "x: no input");
    for (size_t i = 0; i < G_N_ELEMENTS(garbage); i++) {
        cib = (vgl_cib *)&errors;
        g_ptr_array_set_size(errors, 0);
        ck_assert_int_eq(vgl_cib_load_string(garbage[i], -1, "g", &cib, errors), VGL_E_PARSE);
        ck_assert_ptr_null(cib);
        ck_assert_uint_eq(errors->len, 1);
        ck_assert(g_str_has_prefix(errors->pdata[0], "g"));
    }
    g_ptr_array_set_size(errors, 0);
    ck_assert_int_eq(vgl_cib_load_string("", -1, NULL, &cib, errors), VGL_E_PARSE);
    ck_assert_str_eq(errors->pdata[0], "cib: empty input");
    /* a NUL inside the given length is not well-formed */
    ck_assert_int_eq(vgl_cib_load_string("<cib/>\0<x/>", 11, "nul", &cib, NULL), VGL_E_PARSE);
    g_ptr_array_unref(errors);
}
END_TEST

START_TEST(load_file_refuses_missing_and_odd_files)
{
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;
    char *dir = cibt_path("good");

    ck_assert_int_eq(vgl_cib_load_file(NULL, &cib, errors), -EINVAL);
    ck_assert_int_eq(vgl_cib_load_file("/nonexistent/cib.xml", &cib, errors), -ENOENT);
    ck_assert_str_eq(errors->pdata[1], "/nonexistent/cib.xml: cannot read: No such file or directory");
    ck_assert_int_eq(vgl_cib_load_file(dir, &cib, errors), -EINVAL);
    ck_assert_ptr_null(cib);
    g_free(dir);
    g_ptr_array_unref(errors);
}
END_TEST

START_TEST(null_cib_is_harmless)
{
    GPtrArray *ids;
    vgl_cib_version v = { 1, 2, 3 };

    vgl_cib_free(NULL);
    ck_assert_ptr_null(vgl_cib_copy(NULL));
    ck_assert_ptr_null(vgl_cib_serialize(NULL));
    ck_assert_ptr_null(vgl_cib_digest(NULL));
    ck_assert_ptr_null(vgl_cib_config_digest(NULL));
    ck_assert_ptr_null(vgl_cib_xml(NULL));
    ck_assert_ptr_null(vgl_cib_find(NULL, "x"));
    ck_assert_ptr_null(vgl_cib_node(NULL, "x"));
    ck_assert_ptr_null(vgl_cib_option(NULL, "stonith-enabled"));
    ck_assert_ptr_null(vgl_cib_node_attr(NULL, "n", "a", VGL_CIB_ATTR_ANY));
    ck_assert_ptr_null(vgl_cib_label(NULL));
    ck_assert_int_eq(vgl_cib_validate(NULL, NULL), VGL_E_INVALID);
    ids = vgl_cib_resource_ids(NULL, false);
    ck_assert_uint_eq(ids->len, 0);
    g_ptr_array_unref(ids);
    vgl_cib_get_version(NULL, &v);
    ck_assert(v.admin_epoch == 0 && v.epoch == 0 && v.num_updates == 0);
    ck_assert_ptr_null(vgl_cib_section_name((vgl_cib_section)99));
}
END_TEST

START_TEST(load_refuses_oversized_input)
{
    size_t n = VGL_CIB_MAX_BYTES + 1;
    char *big = g_malloc(n + 1);
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;

    memset(big, ' ', n);
    big[n] = '\0';
    ck_assert_int_eq(vgl_cib_load_string(big, (gssize)n, "big", &cib, errors), VGL_E_LIMIT);
    ck_assert_ptr_null(cib);
    ck_assert_str_eq(errors->pdata[0], "big: input is 67108865 bytes, more than the limit of 67108864");
    g_free(big);
    g_ptr_array_unref(errors);
}
END_TEST

static bool line_matches(const char *got, const char *want)
{
    size_t n = strlen(want);

    if (n > 0 && want[n - 1] == '*')
        return strncmp(got, want, n - 1) == 0;
    return strcmp(got, want) == 0;
}

/* Load tests/cib/bad/NAME.xml and compare with NAME.err. */
static void check_bad_file(const char *name)
{
    char *xml_rel = g_strdup_printf("bad/%s", name);
    char *err_rel = g_strdup_printf("bad/%.*s.err", (int)(strlen(name) - 4), name);
    gsize len = 0;
    char *text = cibt_read(xml_rel, &len), *expected = cibt_read(err_rel, NULL);
    char **want = g_strsplit(g_strchomp(expected), "\n", -1);
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;
    int rc = vgl_cib_load_string(text, (gssize)len, name, &cib, errors);
    char *got = cibt_join(errors);

    ck_assert_msg(cib == NULL && rc != 0, "%s loaded", name);
    ck_assert_msg(strcmp(vgl_strerror(rc), want[0]) == 0, "%s: rc %s, expected %s", name,
                  vgl_strerror(rc), want[0]);
    ck_assert_msg(errors->len == g_strv_length(want) - 1, "%s: got messages\n%s", name, got);
    for (guint i = 0; i < errors->len; i++)
        ck_assert_msg(line_matches(errors->pdata[i], want[i + 1]), "%s: got\n%s\nexpected\n%s", name,
                      (const char *)errors->pdata[i], want[i + 1]);
    g_free(got);
    g_ptr_array_unref(errors);
    g_strfreev(want);
    g_free(expected);
    g_free(text);
    g_free(xml_rel);
    g_free(err_rel);
}

START_TEST(bad_files_give_their_exact_errors)
{
    ck_assert_uint_ge(cibt_each("bad", ".xml", check_bad_file), 30);
}
END_TEST

START_TEST(file_messages_name_the_path_and_line)
{
    char *path = cibt_path("bad/unknown-class.xml"), *want;
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;

    ck_assert_int_eq(vgl_cib_load_file(path, &cib, errors), VGL_E_INVALID);
    want = g_strdup_printf("%s:14: <primitive id=\"vip\">: unknown class \"ocf2\"", path);
    ck_assert_str_eq(errors->pdata[0], want);
    g_free(want);
    g_free(path);
    g_ptr_array_unref(errors);
}
END_TEST

/* Line numbers stay exact past 65535 lines (libxml2 stores 16 bits). */
START_TEST(line_numbers_beyond_65535)
{
    GString *s = g_string_new("<cib validate-with=\"vigil-1.0\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">\n"
                              "<configuration>\n<crm_config/>\n<nodes/>\n<resources>\n");
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;
    unsigned line = 5;

    for (unsigned i = 0; i < 35000; i++, line += 2)
        g_string_append_printf(s, "<primitive id=\"r%u\" class=\"ocf\" provider=\"p\"\n type=\"T\"/>\n", i);
    g_string_append(s, "<primitive id=\"bad\" class=\"ocf2\" provider=\"p\" type=\"T\"/>\n");
    line++;
    g_string_append(s, "</resources>\n<constraints/>\n</configuration>\n</cib>\n");
    ck_assert_int_eq(vgl_cib_load_string(s->str, (gssize)s->len, "big", &cib, errors), VGL_E_INVALID);
    ck_assert_uint_eq(errors->len, 1);
    {
        char *want = g_strdup_printf("big:%u: <primitive id=\"bad\">: unknown class \"ocf2\"", line);
        ck_assert_str_eq(errors->pdata[0], want);
        g_free(want);
    }
    g_string_free(s, TRUE);
    g_ptr_array_unref(errors);
}
END_TEST

START_TEST(errors_are_capped)
{
    GString *s = g_string_new("<cib validate-with=\"vigil-1.0\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">"
                              "<configuration><crm_config/><nodes/><resources>");
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;

    for (unsigned i = 0; i < 5000; i++)
        g_string_append_printf(s, "<primitive id=\"r%u\" class=\"x\" type=\"T\"/>", i);
    g_string_append(s, "</resources><constraints/></configuration></cib>");
    ck_assert_int_eq(vgl_cib_load_string(s->str, -1, "many", &cib, errors), VGL_E_INVALID);
    ck_assert_uint_eq(errors->len, 200);
    ck_assert_str_eq(errors->pdata[199], "many: too many errors (200); stopped listing them");
    g_string_free(s, TRUE);
    g_ptr_array_unref(errors);
}
END_TEST

/* ---- good input ---- */

static void round_trip(const char *rel)
{
    vgl_cib *cib = cibt_load(rel), *again = NULL, *copy;
    char *text = vgl_cib_serialize(cib), *text2, *d1, *d2;

    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    ck_assert_int_eq(vgl_cib_load_string(text, -1, "again", &again, NULL), 0);
    text2 = vgl_cib_serialize(again);
    ck_assert_str_eq(text, text2);
    d1 = vgl_cib_digest(cib);
    d2 = vgl_cib_digest(again);
    ck_assert_str_eq(d1, d2);
    ck_assert_uint_eq(strlen(d1), VGL_CIB_DIGEST_LEN);
    copy = vgl_cib_copy(cib);
    cibt_assert_same(cib, copy);
    ck_assert_str_eq(vgl_cib_label(copy), vgl_cib_label(cib));
    g_free(text);
    g_free(text2);
    g_free(d1);
    g_free(d2);
    vgl_cib_free(copy);
    vgl_cib_free(again);
    vgl_cib_free(cib);
}

START_TEST(good_files_round_trip)
{
    static const char *const files[] = { "good/minimal.xml", "good/no-status.xml",
                                         "good/all-features.xml", "good/pacemaker-web.xml" };

    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        round_trip(files[i]);
}
END_TEST

START_TEST(new_cib_is_valid_and_empty)
{
    vgl_cib *cib = vgl_cib_new();
    GPtrArray *ids = vgl_cib_resource_ids(cib, false);
    char *text = vgl_cib_serialize(cib);

    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    cibt_assert_version(cib, 0, 0, 0);
    ck_assert_uint_eq(ids->len, 0);
    ck_assert_str_eq(vgl_cib_label(cib), "cib");
    ck_assert_str_eq(text, "<cib validate-with=\"vigil-1.0\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">\n"
                           "  <configuration>\n    <crm_config/>\n    <nodes/>\n    <resources/>\n"
                           "    <constraints/>\n  </configuration>\n  <status/>\n</cib>\n");
    g_free(text);
    g_ptr_array_unref(ids);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(missing_status_is_added)
{
    vgl_cib *cib = cibt_load("good/no-status.xml");
    char *text = vgl_cib_serialize(cib);

    ck_assert(g_str_has_suffix(text, "  </configuration>\n  <status/>\n</cib>\n"));
    ck_assert_ptr_null(strstr(text, "<!--")); /* comments are not kept */
    g_free(text);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(special_characters_survive)
{
    vgl_cib *cib = cibt_load("good/all-features.xml"), *again = NULL;
    char *text;

    ck_assert_int_eq(vgl_cib_set_option(cib, "note", "a&b <c> \"d\" 'e'\n\ttab \xc3\xa9t\xc3\xa9", NULL), 0);
    text = vgl_cib_serialize(cib);
    ck_assert_int_eq(vgl_cib_load_string(text, -1, "t", &again, NULL), 0);
    ck_assert_str_eq(vgl_cib_option(again, "note"), "a&b <c> \"d\" 'e'\n\ttab \xc3\xa9t\xc3\xa9");
    cibt_assert_same(cib, again);
    g_free(text);
    vgl_cib_free(again);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(digests_cover_what_they_say)
{
    vgl_cib *a = cibt_load("good/pacemaker-web.xml"), *b = vgl_cib_copy(a);
    char *ca, *cb, *da, *db;

    ck_assert_int_eq(vgl_cib_set_transient_attr(b, "alpha", "pingd", "5", NULL), 0);
    ca = vgl_cib_config_digest(a);
    cb = vgl_cib_config_digest(b);
    da = vgl_cib_digest(a);
    db = vgl_cib_digest(b);
    ck_assert_str_eq(ca, cb);   /* status changes do not touch the configuration */
    ck_assert_str_ne(da, db);   /* but do change the whole CIB */
    g_free(cb);
    ck_assert_int_eq(vgl_cib_set_option(b, "cluster-name", "other", NULL), 0);
    cb = vgl_cib_config_digest(b);
    ck_assert_str_ne(ca, cb);
    g_free(ca);
    g_free(cb);
    g_free(da);
    g_free(db);
    vgl_cib_free(a);
    vgl_cib_free(b);
}
END_TEST

/* ---- queries ---- */

START_TEST(queries_on_a_pacemaker_cib)
{
    vgl_cib *cib = cibt_load("good/pacemaker-web.xml");
    GPtrArray *all = vgl_cib_resource_ids(cib, false), *prims = vgl_cib_resource_ids(cib, true);
    static const char *const want_all[] = { "fence-ipmi", "web", "vip", "nginx", "ping-clone", "ping" };
    static const char *const want_prims[] = { "fence-ipmi", "vip", "nginx", "ping" };
    const xmlNode *n;

    cibt_assert_version(cib, 0, 57, 12);
    ck_assert_uint_eq(all->len, G_N_ELEMENTS(want_all));
    for (guint i = 0; i < all->len; i++)
        ck_assert_str_eq(all->pdata[i], want_all[i]);
    ck_assert_uint_eq(prims->len, G_N_ELEMENTS(want_prims));
    for (guint i = 0; i < prims->len; i++)
        ck_assert_str_eq(prims->pdata[i], want_prims[i]);
    n = vgl_cib_find(cib, "vip");
    ck_assert_str_eq((const char *)n->name, "primitive");
    ck_assert_str_eq((const char *)vgl_cib_find(cib, "location-web-site-rule")->name, "rule");
    ck_assert_ptr_null(vgl_cib_find(cib, "nope"));
    ck_assert_ptr_null(vgl_cib_find(cib, "1")); /* node ids are not XML ids */
    ck_assert_ptr_nonnull(vgl_cib_node(cib, "bravo"));
    ck_assert_ptr_null(vgl_cib_node(cib, "delta"));
    ck_assert_str_eq(vgl_cib_node_attr(cib, "alpha", "site", VGL_CIB_ATTR_PERMANENT), "east");
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "alpha", "site", VGL_CIB_ATTR_TRANSIENT));
    ck_assert_str_eq(vgl_cib_node_attr(cib, "alpha", "pingd", VGL_CIB_ATTR_TRANSIENT), "1000");
    ck_assert_str_eq(vgl_cib_node_attr(cib, "alpha", "pingd", VGL_CIB_ATTR_ANY), "1000");
    ck_assert_str_eq(vgl_cib_node_attr(cib, "bravo", "fail-count-vip#monitor_10000", VGL_CIB_ATTR_ANY), "1");
    ck_assert_str_eq(vgl_cib_node_attr(cib, "bravo", "standby", VGL_CIB_ATTR_ANY), "off");
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "charlie", "site", VGL_CIB_ATTR_ANY));
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "delta", "site", VGL_CIB_ATTR_ANY));
    ck_assert_ptr_nonnull(vgl_cib_xml(cib));
    g_ptr_array_unref(all);
    g_ptr_array_unref(prims);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(options_defaults_aliases_and_precedence)
{
    vgl_cib *cib = cibt_load("good/all-features.xml"), *pcmk = cibt_load("good/no-status.xml");
    bool b = true;
    int64_t ms = 0;

    /* cib-bootstrap-options wins over a higher-scored set, as in Pacemaker */
    ck_assert_str_eq(vgl_cib_option(cib, "no-quorum-policy"), "freeze");
    /* otherwise the higher score wins */
    ck_assert_str_eq(vgl_cib_option(cib, "cluster-recheck-interval"), "PT5M");
    ck_assert_int_eq(vgl_cib_option_ms(cib, "cluster-recheck-interval", &ms), 0);
    ck_assert_int_eq(ms, 300000);
    ck_assert_str_eq(vgl_cib_option(cib, "priority-fencing-delay"), "5s");
    /* both spellings, both ways */
    ck_assert_str_eq(vgl_cib_option(cib, "fencing-timeout"), "90s");
    ck_assert_str_eq(vgl_cib_option(cib, "stonith-timeout"), "90s");
    ck_assert_str_eq(vgl_cib_option(pcmk, "stonith-enabled"), "false");
    ck_assert_int_eq(vgl_cib_option_bool(pcmk, "fencing-enabled", &b), 0);
    ck_assert(!b);
    /* defaults */
    ck_assert_str_eq(vgl_cib_option(pcmk, "no-quorum-policy"), "stop");
    ck_assert_int_eq(vgl_cib_option_bool(pcmk, "start-failure-is-fatal", &b), 0);
    ck_assert(b);
    ck_assert_int_eq(vgl_cib_option_bool(cib, "start-failure-is-fatal", &b), 0);
    ck_assert(!b);
    ck_assert_int_eq(vgl_cib_option_ms(pcmk, "stonith-timeout", &ms), 0);
    ck_assert_int_eq(ms, 60000);
    ck_assert_str_eq(vgl_cib_option(pcmk, "symmetric-cluster"), "true");
    ck_assert_str_eq(vgl_cib_option(cib, "symmetric-cluster"), "false");
    /* unknown and unset */
    ck_assert_ptr_null(vgl_cib_option(cib, "no-such-option"));
    ck_assert_int_eq(vgl_cib_option_bool(cib, "no-such-option", &b), VGL_E_NOT_FOUND);
    ck_assert_int_eq(vgl_cib_option_ms(cib, "note", &ms), VGL_E_INVALID);
    ck_assert_ptr_null(vgl_cib_option(cib, NULL));
    vgl_cib_free(cib);
    vgl_cib_free(pcmk);
}
END_TEST

START_TEST(section_names)
{
    ck_assert_str_eq(vgl_cib_section_name(VGL_CIB_CRM_CONFIG), "crm_config");
    ck_assert_str_eq(vgl_cib_section_name(VGL_CIB_FENCING_TOPOLOGY), "fencing-topology");
    ck_assert_str_eq(vgl_cib_section_name(VGL_CIB_ALERTS), "alerts");
}
END_TEST

/* ---- versions ---- */

START_TEST(version_order_follows_pacemaker)
{
    static const struct { vgl_cib_version a, b; int sign; } cases[] = {
        { { 0, 1, 0 }, { 0, 1, 0 }, 0 },
        { { 0, 1, 5 }, { 0, 1, 4 }, 1 },
        { { 0, 2, 0 }, { 0, 1, 99 }, 1 },
        { { 1, 0, 0 }, { 0, 99, 99 }, 1 },
        { { 0, 99, 99 }, { 1, 0, 0 }, -1 },
        { { 0, 5, 0 }, { 0, 6, 0 }, -1 },
        { { 2, 5, 7 }, { 2, 5, 8 }, -1 },
    };
    vgl_cib *a = vgl_cib_new(), *b = vgl_cib_new();

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        int c = vgl_cib_version_order(&cases[i].a, &cases[i].b);
        ck_assert_int_eq((c > 0) - (c < 0), cases[i].sign);
    }
    ck_assert_int_eq(vgl_cib_version_compare(a, b), 0);
    ck_assert_int_eq(vgl_cib_set_transient_attr(b, "n1", "x", "1", NULL), 0);
    ck_assert_int_lt(vgl_cib_version_compare(a, b), 0);
    ck_assert_int_eq(vgl_cib_set_option(a, "cluster-name", "x", NULL), 0);
    ck_assert_int_gt(vgl_cib_version_compare(a, b), 0); /* epoch beats num_updates */
    vgl_cib_free(a);
    vgl_cib_free(b);
}
END_TEST

static Suite *cib_suite(void)
{
    Suite *s = suite_create("cib");
    TCase *bad = tcase_create("bad input");
    TCase *good = tcase_create("good input");
    TCase *query = tcase_create("queries");

    tcase_add_test(bad, load_refuses_null_empty_garbage);
    tcase_add_test(bad, load_file_refuses_missing_and_odd_files);
    tcase_add_test(bad, null_cib_is_harmless);
    tcase_add_test(bad, load_refuses_oversized_input);
    tcase_add_test(bad, bad_files_give_their_exact_errors);
    tcase_add_test(bad, file_messages_name_the_path_and_line);
    tcase_add_test(bad, line_numbers_beyond_65535);
    tcase_add_test(bad, errors_are_capped);
    tcase_add_test(good, good_files_round_trip);
    tcase_add_test(good, new_cib_is_valid_and_empty);
    tcase_add_test(good, missing_status_is_added);
    tcase_add_test(good, special_characters_survive);
    tcase_add_test(good, digests_cover_what_they_say);
    tcase_add_test(query, queries_on_a_pacemaker_cib);
    tcase_add_test(query, options_defaults_aliases_and_precedence);
    tcase_add_test(query, section_names);
    tcase_add_test(query, version_order_follows_pacemaker);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, good);
    suite_add_tcase(s, query);
    return s;
}

VGL_CHECK_MAIN(cib_suite)
