/* check_fencer.c — the fencer: bad input first (devices, levels, host
 * maps), then real runs of tests/exec/fence/fence_fake on the main loop:
 * what agents read on stdin, host checks, topology, timeouts. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vigil/cib.h>
#include <vigil/vigil.h>

#include "daemon/fencer.h"
#include "tests/exec/exec_test.h"
#include "vgl_check.h"

static vgl_fencer *fc;
static char *tmp;
static char *agents;
static int64_t t0;

/* What came back: fence results, can answers, single attempts. */
typedef struct got_fence {
    bool ok;
    int rc;
    char *device, *reason, *output;
    unsigned level;
    uint32_t duration_ms;
    GPtrArray *attempts;     /* "device action target status rc" strings */
} got_fence;

static GPtrArray *fences;
static GPtrArray *answers;   /* "device target yes|no reason" */
static GPtrArray *runs;      /* "action status rc ok" + output */

static void got_fence_free(gpointer data)
{
    got_fence *g = data;

    g_free(g->device);
    g_free(g->reason);
    g_free(g->output);
    g_ptr_array_unref(g->attempts);
    g_free(g);
}

static void on_fenced(const vgl_fencer_result *r, void *user_data)
{
    got_fence *g = g_new0(got_fence, 1);

    ck_assert_ptr_eq(user_data, &fences);
    g->ok = r->ok;
    g->rc = r->rc;
    g->device = g_strdup(r->device);
    g->reason = g_strdup(r->reason);
    g->output = g_strdup(r->output);
    g->level = r->level;
    g->duration_ms = r->duration_ms;
    g->attempts = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < r->n_attempts; i++) {
        const vgl_fencer_attempt *a = &r->attempts[i];
        g_ptr_array_add(g->attempts, g_strdup_printf("%s %s %s %s %d", a->device, a->action,
                                                     a->target ? a->target : "-",
                                                     vgl_exec_status_str(a->status), a->rc));
    }
    g_ptr_array_add(fences, g);
}

static void on_can(const char *device, const char *target, bool can, const char *reason,
                   void *user_data)
{
    ck_assert_ptr_eq(user_data, &answers);
    g_ptr_array_add(answers, g_strdup_printf("%s %s %s %s", device, target, can ? "yes" : "no",
                                             reason));
}

static void on_run(const vgl_fencer_attempt *a, void *user_data)
{
    ck_assert_ptr_eq(user_data, &runs);
    g_ptr_array_add(runs, g_strdup_printf("%s %s %d %s|%s", a->action,
                                          vgl_exec_status_str(a->status), a->rc,
                                          a->ok ? "ok" : "failed", a->output));
}

static void setup(void)
{
    et_log_init("check_fencer");
    agents = et_data_dir("fence");
    tmp = et_tmpdir_new("vgl-fencer-XXXXXX");
    fc = vgl_fencer_new(agents);
    ck_assert_ptr_nonnull(fc);
    fences = g_ptr_array_new_with_free_func(got_fence_free);
    answers = g_ptr_array_new_with_free_func(g_free);
    runs = g_ptr_array_new_with_free_func(g_free);
    t0 = et_now_ms();
}

static void teardown(void)
{
    vgl_fencer_free(fc);
    fc = NULL;
    g_ptr_array_unref(fences);
    g_ptr_array_unref(answers);
    g_ptr_array_unref(runs);
    et_tmpdir_free(tmp);
    g_free(agents);
    qb_log_fini();
}

static char *tmp_path(const char *name)
{
    return g_build_filename(tmp, name, NULL);
}

/* Add a device; params is consumed. */
static void add(const char *id, const char *agent, GHashTable *params)
{
    char *err = NULL;
    int rc = vgl_fencer_device_add(fc, id, agent, params, &err);

    ck_assert_msg(rc == 0, "device %s: %s", id, err);
    if (params != NULL) {
        g_hash_table_unref(params);
    }
}

static got_fence *F(guint i)
{
    ck_assert_uint_lt(i, fences->len);
    return g_ptr_array_index(fences, i);
}

static const char *S(GPtrArray *arr, guint i)
{
    ck_assert_uint_lt(i, arr->len);
    return g_ptr_array_index(arr, i);
}

/* Different devices run side by side: compare their answers sorted. */
static int by_text(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void fence(const char *target, const char *action)
{
    char *err = NULL;
    uint64_t id = 0;

    ck_assert_msg(vgl_fencer_fence(fc, target, action, on_fenced, &fences, &id, &err) == 0,
                  "fence %s: %s", target, err);
    ck_assert_uint_gt(id, 0);
}

/* ---- bad input ---- */

START_TEST(new_and_devices_reject_bad_input)
{
    static const struct { const char *id, *agent, *name, *value; int want; const char *says; } bad[] = {
        { NULL, "fence_fake", NULL, NULL, -EINVAL, "required" },
        { "d", NULL, NULL, NULL, -EINVAL, "required" },
        { "a b", "fence_fake", NULL, NULL, VGL_E_INVALID, "bad id" },
        { "d", "reboot", NULL, NULL, VGL_E_INVALID, "not a fence_* agent" },
        { "d", "fence_../x", NULL, NULL, VGL_E_INVALID, "fence_../x" },
        { "d", "../sbin/fence_x", NULL, NULL, VGL_E_INVALID, "not a fence_*" },
        { "d", "fence_a/b", NULL, NULL, VGL_E_INVALID, "fence_a/b" },
        { "d", "fence_fake", "action", "off", VGL_E_INVALID, "pcmk_<action>_action" },
        { "d", "fence_fake", "bad name", "x", VGL_E_INVALID, "bad name" },
        { "d", "fence_fake", "passwd", "x\naction=off", VGL_E_INVALID, "control character" },
        { "d", "fence_fake", "passwd", "x\r", VGL_E_INVALID, "control character" },
        { "d", "fence_fake", "pcmk_host_map", "node1", VGL_E_PARSE, "no ':' or '='" },
        { "d", "fence_fake", "pcmk_host_check", "maybe-list", VGL_E_INVALID, "maybe-list" },
        { "d", "fence_fake", "pcmk_host_argument", "a=b", VGL_E_INVALID, "pcmk_host_argument" },
        { "d", "fence_fake", "pcmk_reboot_timeout", "soon", VGL_E_INVALID, "soon" },
        { "d", "fence_fake", "pcmk_off_timeout", "48h", VGL_E_INVALID, "24 h" },
        { "d", "fence_fake", "pcmk_reboot_action", "off;rm", VGL_E_INVALID, "not an action" },
    };

    ck_assert_ptr_null(vgl_fencer_new("relative/dir"));
    ck_assert_ptr_null(vgl_fencer_new("/usr/sbin:bin"));
    vgl_fencer_free(NULL);
    ck_assert_int_eq(vgl_fencer_set_timeout(fc, 0), -EINVAL);
    ck_assert_int_eq(vgl_fencer_set_timeout(fc, 25u * 3600u * 1000u), -EINVAL);
    ck_assert_int_eq(vgl_fencer_set_timeout(NULL, 10), -EINVAL);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GHashTable *params = bad[i].name ? et_params(bad[i].name, bad[i].value, NULL) : NULL;
        char *err = NULL;
        int rc = vgl_fencer_device_add(fc, bad[i].id, bad[i].agent, params, &err);
        ck_assert_msg(rc == bad[i].want, "case %zu: rc %d want %d (%s)", i, rc, bad[i].want, err);
        ck_assert_msg(err != NULL && strstr(err, bad[i].says) != NULL,
                      "case %zu: '%s' does not say '%s'", i, err, bad[i].says);
        g_free(err);
        if (params != NULL) {
            g_hash_table_unref(params);
        }
    }
    ck_assert_int_eq(vgl_fencer_device_remove(fc, "nosuch"), VGL_E_NOT_FOUND);
    ck_assert_int_eq(vgl_fencer_device_remove(fc, NULL), -EINVAL);
}
END_TEST

START_TEST(levels_and_requests_reject_bad_input)
{
    char *err = NULL;

    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 0, "d1", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 10, "d1", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 1, "", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 1, "d1,,d2", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 1, "d1 d2", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "no de", 1, "d1", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_level_add(fc, NULL, 1, "d1", NULL), -EINVAL);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 1, "d1", NULL), 0);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "NODE1", 1, "d2", &err), VGL_E_EXISTS);
    ck_assert_ptr_nonnull(strstr(err, "exists"));
    g_free(err);
    ck_assert_int_eq(vgl_fencer_fence(fc, "node1", "explode", on_fenced, &fences, NULL, &err),
                     VGL_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err, "explode"));
    g_free(err);
    ck_assert_int_eq(vgl_fencer_fence(fc, "a;b", NULL, on_fenced, &fences, NULL, NULL),
                     VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_fence(fc, "node1", NULL, NULL, NULL, NULL, NULL), -EINVAL);
    ck_assert_int_eq(vgl_fencer_fence(NULL, "node1", NULL, on_fenced, NULL, NULL, NULL), -EINVAL);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "nosuch", "node1", on_can, &answers),
                     VGL_E_NOT_FOUND);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "nosuch", "", on_can, &answers), -EINVAL);
    add("d1", "fence_fake", NULL);
    ck_assert_int_eq(vgl_fencer_device_action(fc, "d1", "explode", NULL, 0, on_run, &runs, NULL),
                     VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_device_action(fc, "d1", "reboot", NULL, 0, on_run, &runs, NULL),
                     VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_device_action(fc, "dx", "list", NULL, 0, on_run, &runs, NULL),
                     VGL_E_NOT_FOUND);
    et_spin(50);
    ck_assert_uint_eq(fences->len + answers->len + runs->len, 0);
    vgl_fencer_levels_clear(fc);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 1, "d1", NULL), 0);
}
END_TEST

START_TEST(host_map_rejects_bad_strings)
{
    static const struct { const char *text, *says; } bad[] = {
        { "node1", "no ':' or '='" },
        { ":plug", "empty node name" },
        { "node1:", "empty plug" },
        { "node1=", "empty plug" },
        { "a:b:c", "more than one" },
        { "n1:p1;n1:p2", "mapped twice" },
        { "n1:p\\", "'\\' at the end" },
        { "n1:p\\\n", "control character" },
        { "n1:p\x01", "control character" },
        { "", "no node:plug entry" },
        { " ;, ", "no node:plug entry" },
        { "n1:p1;broken;n2:p2", "'broken'" },
    };
    GHashTable *map = (GHashTable *) 1;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *err = NULL;
        ck_assert_int_eq(vgl_fencer_parse_host_map(bad[i].text, &map, &err), VGL_E_PARSE);
        ck_assert_ptr_null(map);
        ck_assert_msg(err != NULL && strstr(err, bad[i].says) != NULL,
                      "'%s': error '%s' does not say '%s'", bad[i].text, err, bad[i].says);
        g_free(err);
    }
    ck_assert_int_eq(vgl_fencer_parse_host_map(NULL, &map, NULL), -EINVAL);
    ck_assert_int_eq(vgl_fencer_parse_host_map("a:b", NULL, NULL), -EINVAL);
}
END_TEST

/* ---- parsing that works ---- */

START_TEST(host_map_accepts_pacemaker_spellings)
{
    static const char *good[] = {
        "node1:plug1;node2:plug2;node3:3",
        "node1=plug1, node2=plug2, node3=3",
        " node1:plug1\tnode2:plug2\n node3=3 ;",
        "NODE1:plug1;Node2:plug2;node3:3;node1:plug1",
    };
    GHashTable *map;

    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        ck_assert_int_eq(vgl_fencer_parse_host_map(good[i], &map, NULL), 0);
        ck_assert_uint_eq(g_hash_table_size(map), 3);
        ck_assert_str_eq(g_hash_table_lookup(map, "node1"), "plug1");
        ck_assert_str_eq(g_hash_table_lookup(map, "node2"), "plug2");
        ck_assert_str_eq(g_hash_table_lookup(map, "node3"), "3");
        g_hash_table_unref(map);
    }
    ck_assert_int_eq(vgl_fencer_parse_host_map("n\\:1:vm\\;a;n2:x\\ y", &map, NULL), 0);
    ck_assert_str_eq(g_hash_table_lookup(map, "n:1"), "vm;a");
    ck_assert_str_eq(g_hash_table_lookup(map, "n2"), "x y");
    g_hash_table_unref(map);
}
END_TEST

START_TEST(host_list_splits_like_pacemaker)
{
    GPtrArray *l = vgl_fencer_parse_host_list("node1, node2;node3  node4\nvm5,alias-5\n");

    ck_assert_uint_eq(l->len, 6);
    ck_assert_str_eq(S(l, 0), "node1");
    ck_assert_str_eq(S(l, 3), "node4");
    ck_assert_str_eq(S(l, 5), "alias-5");
    g_ptr_array_unref(l);
    l = vgl_fencer_parse_host_list("plug1 on\nplug2 OFF\n");
    ck_assert_uint_eq(l->len, 2);
    ck_assert_str_eq(S(l, 1), "plug2");
    g_ptr_array_unref(l);
    l = vgl_fencer_parse_host_list(NULL);
    ck_assert_uint_eq(l->len, 0);
    g_ptr_array_unref(l);
}
END_TEST

/* ---- agent runs ---- */

START_TEST(parameters_go_on_stdin)
{
    char *dump = tmp_path("stdin");
    char *want, *text;

    add("ipmi", "fence_fake", et_params("pcmk_host_map", "node2:p2;node3:p3", "pcmk_host_check",
                                "static-list", "ipaddr", "192.0.2.5", "login", "admin",
                                "passwd", "se cret$(x)", "dump", dump, NULL));
    fence("node2", NULL);
    ck_assert(et_wait_len(fences, 1, 5000));
    ck_assert_msg(F(0)->ok, "fence failed: %s", F(0)->reason);
    ck_assert_str_eq(F(0)->device, "ipmi");
    ck_assert_int_eq(F(0)->rc, 0);
    ck_assert_str_eq(F(0)->output, "Success: reboot p2");
    ck_assert_uint_eq(F(0)->level, 0);
    text = et_slurp(dump);
    want = g_strdup_printf("action=reboot\nplug=p2\nnodename=node2\ndump=%s\nipaddr=192.0.2.5\n"
                           "login=admin\npasswd=se cret$(x)\n", dump);
    ck_assert_str_eq(text, want);
    g_free(want);
    g_free(text);
    g_free(dump);
}
END_TEST

START_TEST(port_host_argument_and_action_mapping)
{
    char *dump1 = tmp_path("stdin1"), *dump2 = tmp_path("stdin2"), *text;

    add("old", "fence_fakeport", et_params("pcmk_host_check", "none", "dump", dump1, NULL));
    add("fixed", "fence_fake", et_params("pcmk_host_check", "none", "pcmk_host_argument", "none",
                                 "pcmk_reboot_action", "off", "dump", dump2, NULL));
    ck_assert_int_eq(vgl_fencer_device_action(fc, "old", "off", "node1", 0, on_run, &runs, NULL), 0);
    ck_assert_int_eq(vgl_fencer_device_action(fc, "fixed", "reboot", "node1", 0, on_run, &runs,
                                              NULL), 0);
    ck_assert(et_wait_len(runs, 2, 5000));
    text = et_slurp(dump1);
    ck_assert_ptr_nonnull(strstr(text, "action=off\nport=node1\nnodename=node1\n"));
    ck_assert_ptr_null(strstr(text, "plug="));
    ck_assert_ptr_null(strstr(text, "pcmk_"));
    g_free(text);
    text = et_slurp(dump2);
    ck_assert_ptr_nonnull(strstr(text, "action=off\nnodename=node1\n"));
    ck_assert_ptr_null(strstr(text, "plug="));
    ck_assert_ptr_null(strstr(text, "port="));
    g_free(text);
    g_free(dump1);
    g_free(dump2);
}
END_TEST

START_TEST(device_actions_report_exit_codes)
{
    add("d", "fence_fake", et_params("hosts", "p1,p2", "status_rc", "2", NULL));
    add("ghost", "fence_nosuch", NULL);
    ck_assert_int_eq(vgl_fencer_device_action(fc, "d", "list", NULL, 0, on_run, &runs, NULL), 0);
    ck_assert_int_eq(vgl_fencer_device_action(fc, "d", "status", "p1", 0, on_run, &runs, NULL), 0);
    ck_assert_int_eq(vgl_fencer_device_action(fc, "d", "monitor", NULL, 0, on_run, &runs, NULL), 0);
    ck_assert_int_eq(vgl_fencer_device_action(fc, "ghost", "monitor", NULL, 0, on_run, &runs,
                                              NULL), 0);
    ck_assert_uint_eq(runs->len, 0);
    ck_assert(et_wait_len(runs, 4, 5000));
    g_ptr_array_sort(runs, by_text);
    ck_assert_str_eq(S(runs, 0), "list done 0 ok|p1,alias-p1\np2,alias-p2\n");
    ck_assert_str_eq(S(runs, 1), "monitor done 0 ok|");
    ck_assert_str_eq(S(runs, 2), "monitor not installed -1 failed|");
    ck_assert_str_eq(S(runs, 3), "status done 2 ok|");     /* 2 = off, a valid answer */
}
END_TEST

START_TEST(agent_timeout_kills_it)
{
    add("slow", "fence_fake", et_params("pcmk_host_check", "none", "pcmk_reboot_timeout", "300ms",
                                "delay", "10", NULL));
    fence("node1", "reboot");
    ck_assert(et_wait_len(fences, 1, 5000));
    ck_assert(!F(0)->ok);
    ck_assert_int_lt(F(0)->duration_ms, 1500);
    ck_assert_ptr_nonnull(strstr(F(0)->reason, "slow: reboot of node1 failed: timed out after 300 ms"));
    ck_assert_str_eq(S(F(0)->attempts, 0), "slow reboot node1 timeout -1");
    ck_assert_int_eq(F(0)->rc, -1);
}
END_TEST

/* ---- host checks ---- */

START_TEST(static_list_and_map_checks)
{
    add("list", "fence_fake", et_params("pcmk_host_list", "node1,node2", NULL));
    add("map", "fence_fake", et_params("pcmk_host_map", "node3:p3", NULL));
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "list", "node1", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "list", "NODE2", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "list", "node3", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "map", "node3", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "map", "p3", on_can, &answers), 0);
    ck_assert_uint_eq(answers->len, 0);   /* never from inside the call */
    ck_assert(et_wait_len(answers, 5, 3000));
    g_ptr_array_sort(answers, by_text);
    ck_assert_str_eq(S(answers, 0), "list NODE2 yes ");
    ck_assert_str_eq(S(answers, 1), "list node1 yes ");
    ck_assert_str_eq(S(answers, 2), "list node3 no not in pcmk_host_list or pcmk_host_map");
    ck_assert_str_eq(S(answers, 3), "map node3 yes ");
    ck_assert_str_eq(S(answers, 4), "map p3 no not in pcmk_host_list or pcmk_host_map");
}
END_TEST

START_TEST(dynamic_list_is_run_and_cached)
{
    char *log = tmp_path("log"), *text;

    add("pdu", "fence_fake", et_params("hosts", "node1,vm2", "pcmk_host_map", "node2:vm2",
                               "pcmk_host_check", "dynamic-list", "log", log, NULL));
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "pdu", "node1", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "pdu", "node2", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "pdu", "node3", on_can, &answers), 0);
    ck_assert(et_wait_len(answers, 3, 5000));
    ck_assert_str_eq(S(answers, 0), "pdu node1 yes ");
    ck_assert_str_eq(S(answers, 1), "pdu node2 yes ");   /* through the map: vm2 */
    ck_assert_str_eq(S(answers, 2), "pdu node3 no 'node3' is not in the device's list");
    text = et_slurp(log);
    ck_assert_str_eq(text, "list  \n");                  /* one list run for three checks */
    g_free(text);
    g_free(log);
}
END_TEST

START_TEST(default_checks_follow_the_metadata)
{
    /* fence_fake has list: dynamic-list; fence_fakeport only status;
     * fence_fakenone neither: it claims every node. */
    add("dyn", "fence_fake", et_params("hosts", "node1", NULL));
    add("st", "fence_fakeport", et_params("status_rc", "2", NULL));
    add("st1", "fence_fakeport", et_params("status_rc", "1", NULL));
    add("any", "fence_fakenone", NULL);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "dyn", "node1", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "dyn", "node9", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "st", "node9", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "st1", "node9", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "any", "node9", on_can, &answers), 0);
    ck_assert(et_wait_len(answers, 5, 5000));
    g_ptr_array_sort(answers, by_text);
    ck_assert_str_eq(S(answers, 0), "any node9 yes ");
    ck_assert_str_eq(S(answers, 1), "dyn node1 yes ");
    ck_assert_str_eq(S(answers, 2), "dyn node9 no 'node9' is not in the device's list");
    ck_assert_str_eq(S(answers, 3), "st node9 yes ");
    ck_assert_str_eq(S(answers, 4), "st1 node9 no status: the device does not know this plug");
}
END_TEST

START_TEST(failed_list_means_cannot)
{
    add("pdu", "fence_fake", et_params("fail", "list", "pcmk_host_check", "dynamic-list", NULL));
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "pdu", "node1", on_can, &answers), 0);
    ck_assert(et_wait_len(answers, 1, 3000));
    ck_assert_str_eq(S(answers, 0), "pdu node1 no list failed: exit 1: fence_fake: list of  failed:"
                                    " device says no");
}
END_TEST

/* ---- fencing: topology, fallbacks ---- */

START_TEST(topology_levels_in_order)
{
    char *log = tmp_path("log"), *text;

    add("d1", "fence_fake", et_params("fail", "reboot", "log", log, NULL));
    add("psu1", "fence_fake", et_params("log", log, "pcmk_host_map", "node1:outlet1", NULL));
    add("psu2", "fence_fake", et_params("log", log, "pcmk_host_map", "node1:outlet2", NULL));
    add("late", "fence_fake", et_params("log", log, NULL));
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 3, "late", NULL), 0);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 2, "psu1,psu2", NULL), 0);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 1, "d1", NULL), 0);
    fence("node1", "reboot");
    ck_assert(et_wait_len(fences, 1, 5000));
    ck_assert_msg(F(0)->ok, "%s", F(0)->reason);
    ck_assert_str_eq(F(0)->device, "psu1,psu2");
    ck_assert_uint_eq(F(0)->level, 2);
    text = et_slurp(log);
    /* Level 1 fails; level 2 cuts both supplies before powering either. */
    ck_assert_str_eq(text, "reboot node1 node1\noff outlet1 node1\noff outlet2 node1\n"
                           "on outlet1 node1\non outlet2 node1\n");
    g_free(text);
    ck_assert_uint_eq(F(0)->attempts->len, 5);
    ck_assert_str_eq(S(F(0)->attempts, 0), "d1 reboot node1 done 1");
    ck_assert_str_eq(S(F(0)->attempts, 4), "psu2 on node1 done 0");
    g_free(log);
}
END_TEST

START_TEST(topology_level_fails_on_any_device)
{
    add("a", "fence_fake", NULL);
    add("b", "fence_fake", et_params("fail", "off", NULL));
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 1, "a,b", NULL), 0);
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 2, "ghost", NULL), 0);
    fence("node1", "off");
    ck_assert(et_wait_len(fences, 1, 5000));
    ck_assert(!F(0)->ok);
    ck_assert_int_eq(F(0)->rc, 1);
    ck_assert_str_eq(F(0)->device, "b");
    ck_assert_str_eq(F(0)->reason, "b: off of node1 failed: exit 1: fence_fake: off of node1 failed:"
                                   " device says no; level 2: device 'ghost' is not configured");
}
END_TEST

START_TEST(on_pass_failure_does_not_undo_fencing)
{
    add("a", "fence_fake", NULL);
    add("b", "fence_fake", et_params("fail", "on", NULL));
    ck_assert_int_eq(vgl_fencer_level_add(fc, "node1", 1, "a,b", NULL), 0);
    fence("node1", "reboot");
    ck_assert(et_wait_len(fences, 1, 5000));
    ck_assert(F(0)->ok);
    ck_assert_uint_eq(F(0)->attempts->len, 4);
    ck_assert_str_eq(S(F(0)->attempts, 3), "b on node1 done 1");
}
END_TEST

START_TEST(without_topology_capable_devices_in_turn)
{
    char *log = tmp_path("log"), *text;

    add("broken", "fence_fake", et_params("fail", "reboot", "pcmk_host_list", "node2", "log", log, NULL));
    add("other", "fence_fake", et_params("pcmk_host_list", "node7", "log", log, NULL));
    add("good", "fence_fake", et_params("pcmk_host_list", "node1,node2", "log", log, NULL));
    fence("node2", NULL);
    ck_assert(et_wait_len(fences, 1, 5000));
    ck_assert(F(0)->ok);
    ck_assert_str_eq(F(0)->device, "good");
    ck_assert_uint_eq(F(0)->attempts->len, 2);
    ck_assert_str_eq(S(F(0)->attempts, 0), "broken reboot node2 done 1");
    ck_assert_str_eq(S(F(0)->attempts, 1), "good reboot node2 done 0");
    text = et_slurp(log);
    ck_assert_str_eq(text, "reboot node2 node2\nreboot node2 node2\n");
    g_free(text);
    g_free(log);
}
END_TEST

START_TEST(nothing_can_fence)
{
    fence("node1", NULL);
    ck_assert(et_wait_len(fences, 1, 3000));
    ck_assert(!F(0)->ok);
    ck_assert_str_eq(F(0)->reason, "no fence device is configured");
    ck_assert_ptr_null(F(0)->device);
    add("only", "fence_fake", et_params("pcmk_host_list", "node7", NULL));
    fence("node1", NULL);
    ck_assert(et_wait_len(fences, 2, 3000));
    ck_assert(!F(1)->ok);
    ck_assert_str_eq(F(1)->reason, "only: cannot fence node1: not in pcmk_host_list or pcmk_host_map");
    ck_assert_uint_eq(F(1)->attempts->len, 0);
}
END_TEST

START_TEST(one_run_at_a_time_per_device)
{
    char *log = tmp_path("log");
    int64_t took;

    add("slowpdu", "fence_fake", et_params("pcmk_host_check", "none", "delay", "0.3", "log", log, NULL));
    fence("node1", NULL);
    fence("node2", NULL);
    ck_assert(et_wait_len(fences, 2, 5000));
    took = et_now_ms() - t0;
    ck_assert_int_ge(took, 600);
    ck_assert(F(0)->ok && F(1)->ok);
    g_free(log);
}
END_TEST

START_TEST(replacing_and_removing_devices)
{
    char *log = tmp_path("log"), *text;

    add("pdu", "fence_fake", et_params("hosts", "node1", "log", log, "pcmk_host_check", "dynamic-list",
                               NULL));
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "pdu", "node1", on_can, &answers), 0);
    ck_assert(et_wait_len(answers, 1, 3000));
    /* Same agent and parameters: kept, with its cached list. */
    add("pdu", "fence_fake", et_params("hosts", "node1", "log", log, "pcmk_host_check", "dynamic-list",
                               NULL));
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "pdu", "node1", on_can, &answers), 0);
    ck_assert(et_wait_len(answers, 2, 3000));
    text = et_slurp(log);
    ck_assert_str_eq(text, "list  \n");
    g_free(text);
    /* Changed: a new device, a new list. */
    add("pdu", "fence_fake", et_params("hosts", "node2", "log", log, "pcmk_host_check", "dynamic-list",
                               NULL));
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "pdu", "node1", on_can, &answers), 0);
    ck_assert(et_wait_len(answers, 3, 3000));
    ck_assert_str_eq(S(answers, 2), "pdu node1 no 'node1' is not in the device's list");
    /* Removed while busy: the run still reports. */
    ck_assert_int_eq(vgl_fencer_device_action(fc, "pdu", "monitor", NULL, 0, on_run, &runs, NULL),
                     0);
    ck_assert_int_eq(vgl_fencer_device_remove(fc, "pdu"), 0);
    ck_assert(et_wait_len(runs, 1, 3000));
    ck_assert_str_eq(S(runs, 0), "monitor done 0 ok|");
    ck_assert_int_eq(vgl_fencer_can_fence(fc, "pdu", "node1", on_can, &answers), VGL_E_NOT_FOUND);
    g_free(log);
}
END_TEST

START_TEST(metadata_sync)
{
    char *xml = NULL, *err = NULL;

    ck_assert_int_eq(vgl_fencer_metadata(agents, "fence_fakeport", 0, &xml, &err), 0);
    ck_assert_ptr_nonnull(strstr(xml, "name=\"port\""));
    g_free(xml);
    ck_assert_int_eq(vgl_fencer_metadata(agents, "fence_nosuch", 0, &xml, &err), VGL_E_NOT_FOUND);
    ck_assert_ptr_null(xml);
    g_free(err);
    ck_assert_int_eq(vgl_fencer_metadata(agents, "sh", 0, &xml, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_fencer_metadata(agents, NULL, 0, &xml, NULL), -EINVAL);
    ck_assert_int_eq(vgl_fencer_metadata(agents, "fence_fake", 0, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(free_kills_running_agents)
{
    add("slow", "fence_fake", et_params("pcmk_host_check", "none", "delay", "30", NULL));
    fence("node1", NULL);
    et_spin(200);
    vgl_fencer_free(fc);
    fc = NULL;
    et_spin(100);
    ck_assert_uint_eq(fences->len, 0);
}
END_TEST

/* Debian's fence-agents, unchanged: fence_dummy (a file-backed agent
 * whose metadata has status but no plug, port or list). */
START_TEST(runs_debian_fence_dummy_unchanged)
{
    char *status = tmp_path("status");
    GHashTable *params;
    vgl_fencer *sys;

    /* scripts/setup-debian installs fence-agents: missing is a failure. */
    ck_assert_msg(g_file_test("/usr/sbin/fence_dummy", G_FILE_TEST_IS_EXECUTABLE),
                  "fence_dummy not installed: apt-get install fence-agents");
    sys = vgl_fencer_new("/usr/sbin");
    ck_assert_ptr_nonnull(sys);
    ck_assert(g_file_set_contents(status, "on", -1, NULL));   /* its format */
    params = et_params("status_file", status, NULL);
    ck_assert_int_eq(vgl_fencer_device_add(sys, "dummy", "fence_dummy", params, NULL), 0);
    g_hash_table_unref(params);
    ck_assert_int_eq(vgl_fencer_can_fence(sys, "dummy", "node1", on_can, &answers), 0);
    ck_assert_int_eq(vgl_fencer_fence(sys, "node1", "off", on_fenced, &fences, NULL, NULL), 0);
    ck_assert(et_wait_len(fences, 1, 20000));
    ck_assert_str_eq(S(answers, 0), "dummy node1 yes ");   /* its status answered */
    ck_assert_msg(F(0)->ok, "%s", F(0)->reason);
    ck_assert_str_eq(F(0)->output, "Success: Powered OFF");
    ck_assert_int_eq(vgl_fencer_device_action(sys, "dummy", "status", "node1", 0, on_run, &runs,
                                              NULL), 0);
    ck_assert(et_wait_len(runs, 1, 20000));
    ck_assert_str_eq(S(runs, 0), "status done 2 ok|Status: OFF\n");
    vgl_fencer_free(sys);
    g_free(status);
}
END_TEST

/* ---- from a CIB ---- */

static const char cib_xml[] =
    "<cib validate-with=\"vigil-1.0\" admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\">"
    "<configuration><crm_config><cluster_property_set id=\"opts\">"
    "<nvpair id=\"o1\" name=\"stonith-timeout\" value=\"45s\"/>"
    "</cluster_property_set></crm_config>"
    "<nodes><node id=\"1\" uname=\"node1\"/><node id=\"2\" uname=\"node2\"/></nodes>"
    "<resources>"
    "<primitive id=\"fence-a\" class=\"stonith\" type=\"fence_fake\">"
    "<instance_attributes id=\"fa\"><nvpair id=\"fa1\" name=\"fail\" value=\"reboot\"/>"
    "<nvpair id=\"fa2\" name=\"pcmk_host_list\" value=\"node1 node2\"/></instance_attributes>"
    "</primitive>"
    "<primitive id=\"fence-b\" class=\"stonith\" type=\"fence_fake\">"
    "<instance_attributes id=\"fb\"><nvpair id=\"fb1\" name=\"pcmk_host_map\""
    " value=\"node1:b1;node2:b2\"/></instance_attributes></primitive>"
    "<primitive id=\"dummy\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>"
    "</resources><constraints/>"
    "<fencing-topology>"
    "<fencing-level id=\"l1\" target=\"node1\" index=\"1\" devices=\"fence-a\"/>"
    "<fencing-level id=\"l2\" target=\"node1\" index=\"2\" devices=\"fence-b\"/>"
    "</fencing-topology></configuration><status/></cib>";

START_TEST(loads_devices_and_levels_from_a_cib)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    vgl_cib *cib = NULL;
    int rc = vgl_cib_load_string(cib_xml, -1, "test", &cib, errors);

    ck_assert_msg(rc == 0, "cib: %s", errors->len ? (char *) errors->pdata[0] : vgl_strerror(rc));
    ck_assert_int_eq(vgl_fencer_load_cib(fc, cib, errors), 0);
    ck_assert_int_eq(vgl_fencer_load_cib(NULL, cib, errors), -EINVAL);
    ck_assert_int_eq(vgl_fencer_fence_cib(fc, cib, "node1", "reboot", on_fenced, &fences), 0);
    ck_assert(et_wait_len(fences, 1, 5000));
    ck_assert(F(0)->ok);
    ck_assert_str_eq(F(0)->device, "fence-b");
    ck_assert_uint_eq(F(0)->level, 2);
    ck_assert_str_eq(S(F(0)->attempts, 0), "fence-a reboot node1 done 1");
    /* No levels for node2: devices in document order; fence-a fails only
     * reboots, so it does the off. */
    ck_assert_int_eq(vgl_fencer_fence_cib(fc, cib, "node2", "off", on_fenced, &fences), 0);
    ck_assert(et_wait_len(fences, 2, 5000));
    ck_assert(F(1)->ok);
    ck_assert_str_eq(F(1)->device, "fence-a");
    ck_assert_uint_eq(errors->len, 0);
    vgl_cib_free(cib);
    g_ptr_array_unref(errors);
}
END_TEST

static Suite *fencer_suite(void)
{
    Suite *s = suite_create("fencer");
    TCase *bad = tcase_create("bad input");
    TCase *parse = tcase_create("parsing");
    TCase *run = tcase_create("runs");
    TCase *check = tcase_create("host checks");
    TCase *fencing = tcase_create("fencing");

    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, new_and_devices_reject_bad_input);
    tcase_add_test(bad, levels_and_requests_reject_bad_input);
    tcase_add_test(bad, host_map_rejects_bad_strings);
    suite_add_tcase(s, bad);

    tcase_add_checked_fixture(parse, setup, teardown);
    tcase_add_test(parse, host_map_accepts_pacemaker_spellings);
    tcase_add_test(parse, host_list_splits_like_pacemaker);
    suite_add_tcase(s, parse);

    tcase_add_checked_fixture(run, setup, teardown);
    tcase_add_test(run, parameters_go_on_stdin);
    tcase_add_test(run, port_host_argument_and_action_mapping);
    tcase_add_test(run, device_actions_report_exit_codes);
    tcase_add_test(run, agent_timeout_kills_it);
    tcase_add_test(run, metadata_sync);
    tcase_add_test(run, free_kills_running_agents);
    suite_add_tcase(s, run);

    tcase_add_checked_fixture(check, setup, teardown);
    tcase_add_test(check, static_list_and_map_checks);
    tcase_add_test(check, dynamic_list_is_run_and_cached);
    tcase_add_test(check, default_checks_follow_the_metadata);
    tcase_add_test(check, failed_list_means_cannot);
    suite_add_tcase(s, check);

    tcase_add_checked_fixture(fencing, setup, teardown);
    tcase_add_test(fencing, topology_levels_in_order);
    tcase_add_test(fencing, topology_level_fails_on_any_device);
    tcase_add_test(fencing, on_pass_failure_does_not_undo_fencing);
    tcase_add_test(fencing, without_topology_capable_devices_in_turn);
    tcase_add_test(fencing, nothing_can_fence);
    tcase_add_test(fencing, one_run_at_a_time_per_device);
    tcase_add_test(fencing, replacing_and_removing_devices);
    tcase_add_test(fencing, loads_devices_and_levels_from_a_cib);
    tcase_add_test(fencing, runs_debian_fence_dummy_unchanged);
    suite_add_tcase(s, fencing);
    return s;
}

VGL_CHECK_MAIN(fencer_suite)
