/*
 * cib_bench.c — how fast the CIB library is on big CIBs: generates CIBs of
 * 100, 1,000 and 10,000 resources (32 nodes, groups, a clone, location,
 * colocation and order constraints, two recorded operations per
 * resource in the status section) and prints, per size, the time to load
 * (parse + validate), validate again, serialize, digest, make one
 * configuration change (copy + validate + commit), record one operation
 * result, diff two versions and apply the diff, and the peak RSS.
 *
 * Usage: cib_bench [SIZE...]   (default 100 1000 10000); best of 3 runs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <vigil/cib.h>

#define NODES 32

static char *generate(unsigned n)
{
    GString *s = g_string_sized_new((gsize)n * 1600);

    g_string_append(s, "<cib validate-with=\"vigil-1.0\" admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\">\n"
                       "<configuration>\n<crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
                       "<nvpair id=\"o1\" name=\"stonith-enabled\" value=\"false\"/></cluster_property_set>"
                       "</crm_config>\n<nodes>\n");
    for (unsigned i = 1; i <= NODES; i++)
        g_string_append_printf(s, "<node id=\"%u\" uname=\"node%u\"><instance_attributes id=\"na%u\">"
                                  "<nvpair id=\"na%u-site\" name=\"site\" value=\"s%u\"/>"
                                  "</instance_attributes></node>\n", i, i, i, i, i % 3);
    g_string_append(s, "</nodes>\n<resources>\n");
    for (unsigned i = 0; i < n; i++) {
        /* 3 of every 10 resources form a group */
        if (i % 10 == 0)
            g_string_append_printf(s, "<group id=\"g%u\">\n", i / 10);
        g_string_append_printf(s,
            "<primitive id=\"r%u\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
            "<instance_attributes id=\"r%u-ia\"><nvpair id=\"r%u-ia-state\" name=\"state\" value=\"/run/r%u\"/>"
            "</instance_attributes><meta_attributes id=\"r%u-ma\"><nvpair id=\"r%u-ma-st\" "
            "name=\"resource-stickiness\" value=\"%u\"/></meta_attributes><operations>"
            "<op id=\"r%u-start\" name=\"start\" interval=\"0\" timeout=\"20s\"/>"
            "<op id=\"r%u-stop\" name=\"stop\" interval=\"0\" timeout=\"20s\"/>"
            "<op id=\"r%u-mon\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/>"
            "</operations></primitive>\n", i, i, i, i, i, i, i % 100, i, i, i);
        if (i % 10 == 2 || (i % 10 < 2 && i == n - 1))
            g_string_append(s, "</group>\n");
    }
    g_string_append(s, "<clone id=\"ping-clone\"><primitive id=\"ping\" class=\"ocf\" provider=\"pacemaker\" "
                       "type=\"ping\"/></clone>\n</resources>\n<constraints>\n");
    for (unsigned i = 3; i < n; i += 10) {
        g_string_append_printf(s, "<rsc_location id=\"l%u\" rsc=\"r%u\" node=\"node%u\" score=\"100\"/>\n"
                                  "<rsc_colocation id=\"c%u\" rsc=\"r%u\" with-rsc=\"ping-clone\" score=\"INFINITY\"/>\n"
                                  "<rsc_order id=\"o%u\" first=\"ping-clone\" then=\"r%u\" kind=\"Mandatory\"/>\n",
                               i, i, i % NODES + 1, i, i, i, i);
    }
    g_string_append(s, "</constraints>\n</configuration>\n<status>\n");
    for (unsigned node = 1; node <= NODES; node++) {
        g_string_append_printf(s, "<node_state id=\"%u\" uname=\"node%u\" in_ccm=\"true\" crmd=\"online\" "
                                  "join=\"member\" expected=\"member\"><lrm id=\"%u\"><lrm_resources>\n",
                               node, node, node);
        for (unsigned i = node - 1; i < n; i += NODES)
            g_string_append_printf(s,
                "<lrm_resource id=\"r%u\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
                "<lrm_rsc_op id=\"r%u_last_0\" operation_key=\"r%u_start_0\" operation=\"start\" call-id=\"%u\" "
                "rc-code=\"0\" op-status=\"0\" interval=\"0\" last-rc-change=\"1700000000\" exec-time=\"12\" "
                "queue-time=\"0\" op-digest=\"0123456789abcdef0123456789abcdef\"/>"
                "<lrm_rsc_op id=\"r%u_monitor_10000\" operation_key=\"r%u_monitor_10000\" operation=\"monitor\" "
                "call-id=\"%u\" rc-code=\"0\" op-status=\"0\" interval=\"10000\" last-rc-change=\"1700000000\" "
                "exec-time=\"3\" queue-time=\"0\"/></lrm_resource>\n", i, i, i, 2 * i, i, i, 2 * i + 1);
        g_string_append(s, "</lrm_resources></lrm></node_state>\n");
    }
    g_string_append(s, "</status>\n</cib>\n");
    return g_string_free(s, FALSE);
}

static double now_ms(void)
{
    return (double)g_get_monotonic_time() / 1000.0;
}

static long peak_rss_mb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

typedef struct times {
    double load, validate, serialize, digest, change, record, diff, apply;
} times;

static void keep_min(double *best, double t)
{
    if (*best == 0 || t < *best)
        *best = t;
}

static void run_once(const char *text, times *t)
{
    vgl_cib *cib = NULL, *next;
    vgl_cib_op_result op = { .rsc_id = "r1", .rsc_class = "ocf", .rsc_provider = "heartbeat",
                             .rsc_type = "Dummy", .operation = "monitor", .interval_ms = 10000,
                             .rc = 7, .call_id = 999999, .time = 1700000100 };
    double t0;
    char *out, *diff;

    t0 = now_ms();
    if (vgl_cib_load_string(text, -1, "bench", &cib, NULL) != 0) {
        fprintf(stderr, "cib_bench: the generated CIB does not load\n");
        exit(1);
    }
    keep_min(&t->load, now_ms() - t0);
    t0 = now_ms();
    (void)vgl_cib_validate(cib, NULL);
    keep_min(&t->validate, now_ms() - t0);
    t0 = now_ms();
    out = vgl_cib_serialize(cib);
    keep_min(&t->serialize, now_ms() - t0);
    g_free(out);
    t0 = now_ms();
    g_free(vgl_cib_digest(cib));
    keep_min(&t->digest, now_ms() - t0);
    next = vgl_cib_copy(cib);
    t0 = now_ms();
    (void)vgl_cib_set_rsc_meta(next, "r0", "target-role", "Stopped", NULL);
    keep_min(&t->change, now_ms() - t0);
    t0 = now_ms();
    (void)vgl_cib_record_op(next, "node2", &op, NULL);
    keep_min(&t->record, now_ms() - t0);
    t0 = now_ms();
    diff = vgl_cib_diff(cib, next);
    keep_min(&t->diff, now_ms() - t0);
    t0 = now_ms();
    if (vgl_cib_diff_apply(cib, diff, -1, NULL) != 0) {
        fprintf(stderr, "cib_bench: the diff does not apply\n");
        exit(1);
    }
    keep_min(&t->apply, now_ms() - t0);
    g_free(diff);
    vgl_cib_free(next);
    vgl_cib_free(cib);
}

int main(int argc, char **argv)
{
    static const unsigned defaults[] = { 100, 1000, 10000 };
    unsigned count = argc > 1 ? (unsigned)(argc - 1) : G_N_ELEMENTS(defaults);

    printf("%9s %9s %8s %9s %10s %7s %7s %7s %7s %7s %9s\n", "resources", "KiB", "load ms", "valid. ms",
           "serial. ms", "digest", "change", "record", "diff", "apply", "peak RSS");
    for (unsigned i = 0; i < count; i++) {
        unsigned n = argc > 1 ? (unsigned)strtoul(argv[i + 1], NULL, 10) : defaults[i];
        char *text = generate(n);
        times t = { 0 };

        for (int r = 0; r < 3; r++)
            run_once(text, &t);
        printf("%9u %9zu %8.1f %9.1f %10.1f %7.1f %7.1f %7.3f %7.1f %7.1f %6ld MB\n", n, strlen(text) / 1024,
               t.load, t.validate, t.serialize, t.digest, t.change, t.record, t.diff, t.apply, peak_rss_mb());
        g_free(text);
    }
    return 0;
}
