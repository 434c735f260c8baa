/*
 * sched_bench.c — how long the scheduler takes, and how much memory, on a
 * generated cluster: N resources (a third of them in groups of three, one
 * in ten with a location preference, one in ten ordered and colocated
 * after the resource before it) on M nodes, either with history (every
 * resource running and probed everywhere, digests matching, so the
 * transition is empty apart from nothing) or fresh (no history: every
 * resource probed on every node, then started).
 *
 *   sched_bench --resources N --nodes M (--history | --fresh)
 *               [--write FILE] [--repeat R] [--cached]
 *
 * Prints one line: resources nodes mode actions orderings parse_ms
 * sched_ms sched_peak_MiB total_peak_MiB warm_ms.  sched_ms is the best
 * of R cold runs (vgl_sched_run).  With --cached, warm_ms is the best of R
 * runs with a status cache (vgl_sched_run_cached), each after one status
 * change reported to the cache the way the daemon reports it (a
 * resource's recurring monitor recorded again with a new call-id); the
 * cache is filled by one run first, not timed.  Every warm transition is
 * checked against a cold run's action count.  Without --cached warm_ms is
 * "-".  With --write, also writes the generated CIB (for crm_simulate)
 * and exits without scheduling.  For callgrind: cold runs are inside
 * vgl_sched_run, warm ones inside bench_warm_run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>
#include <libxml/parser.h>
#include <vigil/sched.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

static const char *rsc_id(int i, char *buf)
{
    /* resources 0..n/3 come in groups of three: g<k>m<j> */
    g_snprintf(buf, 32, "r%d", i);
    return buf;
}

static void gen_config(GString *x, int n, int m)
{
    char a[32], b[32];
    g_string_append(x, "<cib have-quorum='1' crm_feature_set='3.16.2' validate-with='pacemaker-3.9' epoch='1'"
                       " num_updates='0' admin_epoch='0'><configuration><crm_config>"
                       "<cluster_property_set id='o'><nvpair id='o1' name='stonith-enabled' value='false'/>"
                       "</cluster_property_set></crm_config><nodes>");
    for (int k = 1; k <= m; k++)
        g_string_append_printf(x, "<node id='%d' uname='node%d'/>", k, k);
    g_string_append(x, "</nodes><resources>");
    int grouped = n / 3 / 3 * 3;
    for (int i = 0; i < n; i++) {
        if (i < grouped && i % 3 == 0)
            g_string_append_printf(x, "<group id='g%d'>", i / 3);
        g_string_append_printf(x, "<primitive id='%s' class='ocf' provider='heartbeat' type='Dummy'>"
                                  "<operations><op id='%s-mon' name='monitor' interval='10s'/></operations>"
                                  "</primitive>", rsc_id(i, a), a);
        if (i < grouped && i % 3 == 2)
            g_string_append(x, "</group>");
    }
    g_string_append(x, "</resources><constraints>");
    for (int i = grouped; i < n; i++) {
        if (i % 10 == 0)
            g_string_append_printf(x, "<rsc_location id='l%d' rsc='%s' node='node%d' score='100'/>", i,
                                   rsc_id(i, a), i % m + 1);
        if (i % 10 == 5 && i > grouped) {
            g_string_append_printf(x, "<rsc_order id='o%d' first='%s' then='%s'/>", i, rsc_id(i - 1, b),
                                   rsc_id(i, a));
            g_string_append_printf(x, "<rsc_colocation id='c%d' rsc='%s' with-rsc='%s' score='INFINITY'/>", i,
                                   rsc_id(i, a), rsc_id(i - 1, b));
        }
    }
    g_string_append(x, "</constraints><rsc_defaults><meta_attributes id='rd'>"
                       "<nvpair id='rd1' name='resource-stickiness' value='100'/></meta_attributes></rsc_defaults>"
                       "</configuration>");
}

/* Where resource i runs in the "history" cluster: groups and colocated
 * pairs together, located ones where their constraint wants them. */
static int home(int i, int n, int m)
{
    int grouped = n / 3 / 3 * 3;
    if (i < grouped)
        return (i / 3) % m;
    if (i % 10 == 5 && i > grouped)
        return home(i - 1, n, m);
    return i % m;
}

static void gen_status(GString *x, int n, int m, bool history)
{
    char a[32];
    char *d0 = vgl_sched_op_digest(NULL, NULL, 0, 0, 0);
    char *dm = vgl_sched_op_digest(NULL, NULL, 0, 10000, 20000);
    g_string_append(x, "<status>");
    for (int k = 0; k < m; k++) {
        g_string_append_printf(x, "<node_state id='%d' uname='node%d' in_ccm='true' crmd='online' join='member'"
                                  " expected='member'><lrm id='%d'><lrm_resources>", k + 1, k + 1, k + 1);
        for (int i = 0; history && i < n; i++) {
            rsc_id(i, a);
            g_string_append_printf(x, "<lrm_resource id='%s' class='ocf' provider='heartbeat' type='Dummy'>", a);
            if (home(i, n, m) == k)
                g_string_append_printf(x, "<lrm_rsc_op id='%s_last_0' operation='start' call-id='%d' rc-code='0'"
                                          " op-status='0' interval='0' op-digest='%s'/>"
                                          "<lrm_rsc_op id='%s_monitor_10000' operation='monitor' call-id='%d'"
                                          " rc-code='0' op-status='0' interval='10000' op-digest='%s'/>",
                                       a, 2 * i + 10, d0, a, 2 * i + 11, dm);
            else
                g_string_append_printf(x, "<lrm_rsc_op id='%s_last_0' operation='monitor' call-id='%d'"
                                          " rc-code='7' op-status='0' interval='0' op-digest='%s'/>",
                                       a, 2 * i + 10, d0);
            g_string_append(x, "</lrm_resource>");
        }
        g_string_append(x, "</lrm_resources></lrm></node_state>");
    }
    g_string_append(x, "</status></cib>\n");
    g_free(d0);
    g_free(dm);
}

/* One warm run: apart so that callgrind can count it alone. */
__attribute__((noinline)) int bench_warm_run(const xmlDoc *doc, const vgl_sched_view *view, vgl_sched_cache *cache,
                                             vgl_transition **t);
__attribute__((noinline)) int bench_warm_run(const xmlDoc *doc, const vgl_sched_view *view, vgl_sched_cache *cache,
                                             vgl_transition **t)
{
    return vgl_sched_run_cached(doc, view, 1700000000, cache, t);
}

/* The status change before warm run [in] r: resource r's last op on
 * node1 is recorded again (a new call-id), and reported to the cache. */
static void change_status(xmlDoc *doc, vgl_sched_cache *cache, int r)
{
    char id[32], call[16];
    g_snprintf(id, sizeof(id), "r%d", r);
    xmlNode *status = xmlDocGetRootElement(doc)->last;
    xmlNode *ns = status->children; /* node1 */
    xmlNode *rs = ns->children->children;
    for (xmlNode *lr = rs->children; lr != NULL; lr = lr->next) {
        xmlChar *v = xmlGetProp(lr, (const xmlChar *)"id");
        bool hit = v != NULL && strcmp((const char *)v, id) == 0;
        xmlFree(v);
        if (hit && lr->last != NULL) {
            g_snprintf(call, sizeof(call), "%d", 1000000 + r);
            xmlSetProp(lr->last, (const xmlChar *)"call-id", (const xmlChar *)call);
            break;
        }
    }
    vgl_sched_cache_forget(cache, "node1", id);
}

/* Best of [in] repeat warm runs; -1 on failure or a wrong answer. */
static double warm_runs(xmlDoc *doc, const vgl_sched_view *view, int repeat, size_t cold_actions)
{
    vgl_sched_cache *cache = vgl_sched_cache_new();
    vgl_transition *t = NULL;
    double best = 1e18;
    if (vgl_sched_run_cached(doc, view, 1700000000, cache, &t) != 0)
        best = -1;
    vgl_transition_free(t);
    for (int r = 0; r < repeat && best >= 0; r++) {
        change_status(doc, cache, r);
        double s0 = now_ms();
        int rc = bench_warm_run(doc, view, cache, &t);
        double s1 = now_ms();
        if (rc != 0 || vgl_transition_action_count(t) != cold_actions)
            best = -1;
        else if (s1 - s0 < best)
            best = s1 - s0;
        vgl_transition_free(t);
    }
    vgl_sched_cache_free(cache);
    return best;
}

int main(int argc, char **argv)
{
    int n = 100, m = 3, repeat = 1;
    bool history = true, cached = false;
    const char *write = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--resources") == 0 && i + 1 < argc)
            n = atoi(argv[++i]);
        else if (strcmp(argv[i], "--nodes") == 0 && i + 1 < argc)
            m = atoi(argv[++i]);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
            write = argv[++i];
        else if (strcmp(argv[i], "--history") == 0)
            history = true;
        else if (strcmp(argv[i], "--fresh") == 0)
            history = false;
        else if (strcmp(argv[i], "--cached") == 0)
            cached = true;
        else {
            fprintf(stderr, "usage: sched_bench --resources N --nodes M (--history|--fresh) [--write FILE]"
                            " [--repeat R] [--cached]\n");
            return 2;
        }
    }
    if (n < 1 || m < 1 || repeat < 1) {
        fprintf(stderr, "sched_bench: resources, nodes and repeat must be positive\n");
        return 2;
    }
    GString *x = g_string_new(NULL);
    gen_config(x, n, m);
    gen_status(x, n, m, history);
    if (write != NULL) {
        GError *err = NULL;
        int rc = g_file_set_contents(write, x->str, (gssize)x->len, &err) ? 0 : 1;
        if (rc != 0) {
            fprintf(stderr, "sched_bench: %s\n", err->message);
            g_error_free(err);
        }
        g_string_free(x, TRUE);
        return rc;
    }
    double t0 = now_ms();
    xmlDoc *doc = xmlReadMemory(x->str, (int)x->len, "bench.xml", NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
    double t1 = now_ms();
    g_string_free(x, TRUE);
    double before = peak_mib();
    vgl_sched_view *view = NULL;
    vgl_sched_view_from_cib(doc, &view);
    double best = 1e18;
    size_t actions = 0, orderings = 0;
    for (int r = 0; r < repeat; r++) {
        vgl_transition *t = NULL;
        double s0 = now_ms();
        if (vgl_sched_run(doc, view, 1700000000, &t) != 0) {
            fprintf(stderr, "sched_bench: scheduling failed\n");
            return 1;
        }
        double s1 = now_ms();
        if (s1 - s0 < best)
            best = s1 - s0;
        actions = vgl_transition_action_count(t);
        orderings = 0;
        for (size_t i = 0; i < actions; i++)
            orderings += vgl_action_prereq_count(vgl_transition_action(t, i));
        vgl_transition_free(t);
    }
    double after = peak_mib();
    char warm[32] = "-";
    if (cached) {
        double w = warm_runs(doc, view, repeat, actions);
        if (w < 0) {
            fprintf(stderr, "sched_bench: a warm run failed or differed from the cold run\n");
            return 1;
        }
        g_snprintf(warm, sizeof(warm), "%.1f", w);
    }
    printf("%d %d %s %zu %zu %.1f %.1f %.1f %.1f %s\n", n, m, history ? "history" : "fresh", actions, orderings,
           t1 - t0, best, after - before, after, warm);
    vgl_sched_view_free(view);
    xmlFreeDoc(doc);
    return 0;
}
