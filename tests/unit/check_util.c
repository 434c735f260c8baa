/* check_util.c — scores, durations, booleans and return-code text. */
#include "config.h"

#include <string.h>
#include <vigil/vigil.h>

#include "vgl_check.h"

START_TEST(score_rejects_bad_input)
{
    vgl_score s = 7;
    const char *bad[] = { NULL, "", "abc", "10x", "--5", "+", "INFINITYY", " 5", "1.5" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s = 7;
        ck_assert_int_eq(vgl_score_parse(bad[i], &s), VGL_E_INVALID);
        ck_assert_int_eq(s, 0);
    }
}
END_TEST

START_TEST(score_parses_and_saturates)
{
    vgl_score s;
    ck_assert_int_eq(vgl_score_parse("100", &s), 0);
    ck_assert_int_eq(s, 100);
    ck_assert_int_eq(vgl_score_parse("-50", &s), 0);
    ck_assert_int_eq(s, -50);
    ck_assert_int_eq(vgl_score_parse("INFINITY", &s), 0);
    ck_assert_int_eq(s, VGL_INFINITY);
    ck_assert_int_eq(vgl_score_parse("+INFINITY", &s), 0);
    ck_assert_int_eq(s, VGL_INFINITY);
    ck_assert_int_eq(vgl_score_parse("-infinity", &s), 0);
    ck_assert_int_eq(s, -VGL_INFINITY);
    ck_assert_int_eq(vgl_score_parse("99999999999999999999", &s), 0);
    ck_assert_int_eq(s, VGL_INFINITY);
}
END_TEST

START_TEST(score_add_follows_pacemaker)
{
    ck_assert_int_eq(vgl_score_add(VGL_INFINITY, -VGL_INFINITY), -VGL_INFINITY);
    ck_assert_int_eq(vgl_score_add(-VGL_INFINITY, VGL_INFINITY), -VGL_INFINITY);
    ck_assert_int_eq(vgl_score_add(999999, 5), VGL_INFINITY);
    ck_assert_int_eq(vgl_score_add(-999999, -5), -VGL_INFINITY);
    ck_assert_int_eq(vgl_score_add(100, -20), 80);
    char buf[16];
    ck_assert_str_eq(vgl_score_str(VGL_INFINITY, buf), "INFINITY");
    ck_assert_str_eq(vgl_score_str(-VGL_INFINITY, buf), "-INFINITY");
    ck_assert_str_eq(vgl_score_str(-3, buf), "-3");
}
END_TEST

START_TEST(duration_rejects_bad_input)
{
    int64_t ms = 5;
    const char *bad[] = { NULL, "", "  ", "s", "10x", "1h30", "-5s", "P", "PT", "P5H", "10 parsecs", "PT5X" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ms = 5;
        ck_assert_msg(vgl_duration_parse_ms(bad[i], &ms) == VGL_E_INVALID, "accepted '%s'", bad[i] ? bad[i] : "(null)");
        ck_assert_int_eq(ms, 0);
    }
}
END_TEST

START_TEST(duration_parses_units)
{
    int64_t ms;
    struct { const char *in; int64_t ms; } ok[] = {
        { "10", 10000 }, { "10s", 10000 }, { "500ms", 500 }, { "2min", 120000 },
        { "2m", 120000 }, { "1h", 3600000 }, { "1h30m", 5400000 }, { "PT5M", 300000 },
        { "P1DT1S", 86401000 }, { "0", 0 }, { "20 s", 20000 },
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        ck_assert_msg(vgl_duration_parse_ms(ok[i].in, &ms) == 0, "refused '%s'", ok[i].in);
        ck_assert_msg(ms == ok[i].ms, "'%s' gave %lld", ok[i].in, (long long)ms);
    }
    ck_assert_int_eq(vgl_duration_parse_ms("INFINITY", &ms), 0);
    ck_assert(ms == INT64_MAX);
}
END_TEST

START_TEST(bool_and_strerror)
{
    bool b;
    ck_assert_int_eq(vgl_bool_parse("maybe", &b), VGL_E_INVALID);
    ck_assert_int_eq(vgl_bool_parse(NULL, &b), VGL_E_INVALID);
    ck_assert_int_eq(vgl_bool_parse("Yes", &b), 0);
    ck_assert(b);
    ck_assert_int_eq(vgl_bool_parse("off", &b), 0);
    ck_assert(!b);
    ck_assert_str_eq(vgl_strerror(VGL_E_DIGEST), "digest mismatch");
    ck_assert_str_eq(vgl_strerror(-2), strerror(2));
    ck_assert_str_eq(vgl_strerror(-4242), "unknown error");
}
END_TEST

static Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("values");
    tcase_add_test(tc, score_rejects_bad_input);
    tcase_add_test(tc, score_parses_and_saturates);
    tcase_add_test(tc, score_add_follows_pacemaker);
    tcase_add_test(tc, duration_rejects_bad_input);
    tcase_add_test(tc, duration_parses_units);
    tcase_add_test(tc, bool_and_strerror);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(util_suite)
