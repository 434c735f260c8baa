/* check_sched.c — the scheduler: bad input first, then the op-digest,
 * the view, action details, and property tests over random clusters
 * (determinism, nothing placed where it may not run, groups together,
 * orderings respected, no crash on mangled documents). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <vigil/sched.h>

#include "vgl_check.h"

static xmlDoc *parse(const char *s)
{
    return xmlReadMemory(s, (int)strlen(s), "test.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static const char *SIMPLE =
    "<cib have-quorum='1'><configuration><crm_config><cluster_property_set id='o'>"
    "<nvpair id='o1' name='stonith-enabled' value='true'/></cluster_property_set></crm_config>"
    "<nodes><node id='1' uname='node1'/><node id='2' uname='node2'/></nodes>"
    "<resources><primitive id='vip' class='ocf' provider='heartbeat' type='IPaddr2'>"
    "<instance_attributes id='vip-ia'><nvpair id='a' name='ip' value='192.0.2.10'/>"
    "<nvpair id='b' name='cidr_netmask' value='24'/></instance_attributes>"
    "<operations><op id='m' name='monitor' interval='10s' timeout='30s'>"
    "<instance_attributes id='m-ia'><nvpair id='cl' name='OCF_CHECK_LEVEL' value='10'/></instance_attributes></op>"
    "<op id='s' name='start' interval='0' timeout='40s'/></operations></primitive></resources>"
    "<constraints/><op_defaults><meta_attributes id='od'><nvpair id='t' name='timeout' value='25s'/>"
    "</meta_attributes></op_defaults></configuration>"
    "<status><node_state id='1' uname='node1' in_ccm='true' crmd='online' join='member' expected='member'/>"
    "<node_state id='2' uname='node2' in_ccm='false' crmd='offline' join='member' expected='member'>"
    "<lrm id='2'><lrm_resources><lrm_resource id='vip' class='ocf' provider='heartbeat' type='IPaddr2'>"
    "<lrm_rsc_op id='vip_last_0' operation='start' call-id='3' rc-code='0' op-status='0' interval='0'"
    " op-digest='ae06a3ac7cfcb6a2ecf8efb773617766'/></lrm_resource></lrm_resources></lrm></node_state>"
    "</status></cib>";

/* ------------------------------------------------------------ bad input */

START_TEST(run_rejects_bad_input)
{
    vgl_transition *t = (vgl_transition *)0x1;
    vgl_sched_view *v = vgl_sched_view_new(true);
    xmlDoc *doc = parse(SIMPLE);
    ck_assert_int_eq(vgl_sched_run(NULL, v, 0, &t), -EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(vgl_sched_run(doc, NULL, 0, &t), -EINVAL);
    ck_assert_int_eq(vgl_sched_run(doc, v, 0, NULL), -EINVAL);
    xmlDoc *notcib = parse("<configuration><resources/></configuration>");
    t = (vgl_transition *)0x1;
    ck_assert_int_eq(vgl_sched_run(notcib, v, 0, &t), VGL_E_INVALID);
    ck_assert_ptr_null(t);
    xmlDoc *noresources = parse("<cib><configuration/></cib>");
    ck_assert_int_eq(vgl_sched_run(noresources, v, 0, &t), VGL_E_INVALID);
    xmlFreeDoc(notcib);
    xmlFreeDoc(noresources);
    xmlFreeDoc(doc);
    vgl_sched_view_free(v);
}
END_TEST

START_TEST(view_rejects_bad_input)
{
    vgl_sched_view *v = vgl_sched_view_new(false);
    ck_assert_int_eq(vgl_sched_view_set_node(NULL, "n", VGL_NODE_ONLINE), -EINVAL);
    ck_assert_int_eq(vgl_sched_view_set_node(v, NULL, VGL_NODE_ONLINE), -EINVAL);
    ck_assert_int_eq(vgl_sched_view_set_node(v, "", VGL_NODE_ONLINE), -EINVAL);
    ck_assert_int_eq(vgl_sched_view_set_node(v, "n", (vgl_node_state)7), -EINVAL);
    ck_assert_uint_eq(vgl_sched_view_node_count(v), 0);
    vgl_sched_view *out = (vgl_sched_view *)0x1;
    ck_assert_int_eq(vgl_sched_view_from_cib(NULL, &out), -EINVAL);
    ck_assert_ptr_null(out);
    xmlDoc *bad = parse("<notacib/>");
    ck_assert_int_eq(vgl_sched_view_from_cib(bad, &out), VGL_E_INVALID);
    xmlFreeDoc(bad);
    ck_assert_ptr_null(vgl_sched_view_node_name(v, 0));
    ck_assert_int_eq(vgl_sched_view_node_state(v, "nobody"), VGL_NODE_OFFLINE);
    vgl_sched_view_free(v);
    vgl_sched_view_free(NULL);
    vgl_transition_free(NULL);
}
END_TEST

START_TEST(digest_rejects_bad_input)
{
    const char *names[] = { "a", NULL };
    const char *values[] = { "1", "2" };
    ck_assert_ptr_null(vgl_sched_op_digest(NULL, values, 1, 0, 0));
    ck_assert_ptr_null(vgl_sched_op_digest(names, NULL, 1, 0, 0));
    ck_assert_ptr_null(vgl_sched_op_digest(names, values, 2, 0, 0));
}
END_TEST

/* --------------------------------------------------------------- digest */

/* Expected values computed by Pacemaker 2.1.5 (crm_resource --digests). */
START_TEST(digest_matches_pacemaker)
{
    const char *names[] = { "ip", "cidr_netmask" };
    const char *values[] = { "192.0.2.10", "24" };
    char *d = vgl_sched_op_digest(names, values, 2, 0, 0);
    ck_assert_str_eq(d, "ae06a3ac7cfcb6a2ecf8efb773617766");
    g_free(d);
    d = vgl_sched_op_digest(names, values, 2, 10000, 30000);
    ck_assert_str_eq(d, "d63917963d021b1cba483365a9a33302");
    g_free(d);
    d = vgl_sched_op_digest(NULL, NULL, 0, 0, 0);
    ck_assert_str_eq(d, "f2317cad3d54cec5d7d7aa7d0bf35cf8");
    g_free(d);
    const char *esc[] = { "a&b<c>d\"e'f\ng\th\ri" };
    const char *cidr[] = { "cidr_netmask" };
    const char *names2[] = { "ip", cidr[0] };
    const char *values2[] = { "192.0.2.10", esc[0] };
    d = vgl_sched_op_digest(names2, values2, 2, 0, 0);
    ck_assert_str_eq(d, "76257f8dbac5a56cecfbb2b18a0e5759");
    g_free(d);
    /* CRM_meta_* parameters never count */
    const char *names3[] = { "ip", "cidr_netmask", "CRM_meta_timeout" };
    const char *values3[] = { "192.0.2.10", "24", "5" };
    d = vgl_sched_op_digest(names3, values3, 3, 0, 0);
    ck_assert_str_eq(d, "ae06a3ac7cfcb6a2ecf8efb773617766");
    g_free(d);
}
END_TEST

/* ----------------------------------------------------------------- view */

START_TEST(view_from_cib_like_crm_simulate)
{
    xmlDoc *doc = parse(SIMPLE);
    vgl_sched_view *v = NULL;
    ck_assert_int_eq(vgl_sched_view_from_cib(doc, &v), 0);
    ck_assert(vgl_sched_view_quorum(v));
    ck_assert_uint_eq(vgl_sched_view_node_count(v), 2);
    ck_assert_int_eq(vgl_sched_view_node_state(v, "node1"), VGL_NODE_ONLINE);
    ck_assert_int_eq(vgl_sched_view_node_state(v, "node2"), VGL_NODE_UNCLEAN);
    ck_assert_int_eq(vgl_sched_view_set_node(v, "node2", VGL_NODE_OFFLINE), 0);
    ck_assert_int_eq(vgl_sched_view_node_state(v, "node2"), VGL_NODE_OFFLINE);
    ck_assert_uint_eq(vgl_sched_view_node_count(v), 2);
    vgl_sched_view_free(v);
    xmlFreeDoc(doc);
}
END_TEST

/* -------------------------------------------------------------- actions */

static const vgl_action *find_action(const vgl_transition *t, vgl_action_kind kind, const char *node)
{
    for (size_t i = 0; i < vgl_transition_action_count(t); i++) {
        const vgl_action *a = vgl_transition_action(t, i);
        if (vgl_action_get_kind(a) == kind && strcmp(vgl_action_node(a), node) == 0)
            return a;
    }
    return NULL;
}

static bool has_prereq(const vgl_action *a, size_t id)
{
    for (size_t i = 0; i < vgl_action_prereq_count(a); i++) {
        if (vgl_action_prereq(a, i) == id)
            return true;
    }
    return false;
}

START_TEST(fence_then_start_with_details)
{
    xmlDoc *doc = parse(SIMPLE);
    vgl_sched_view *v = NULL;
    vgl_transition *t = NULL;
    ck_assert_int_eq(vgl_sched_view_from_cib(doc, &v), 0);
    ck_assert_int_eq(vgl_sched_run(doc, v, 1700000000, &t), 0);
    xmlFreeDoc(doc); /* the transition must not point into the document */

    const vgl_action *fence = find_action(t, VGL_ACTION_FENCE, "node2");
    const vgl_action *probe = find_action(t, VGL_ACTION_PROBE, "node1");
    const vgl_action *start = find_action(t, VGL_ACTION_START, "node1");
    const vgl_action *mon = find_action(t, VGL_ACTION_MONITOR, "node1");
    ck_assert_ptr_nonnull(fence);
    ck_assert_ptr_nonnull(probe);
    ck_assert_ptr_nonnull(start);
    ck_assert_ptr_nonnull(mon);
    ck_assert_ptr_null(find_action(t, VGL_ACTION_STOP, "node2")); /* implied by the fence */
    ck_assert_str_eq(vgl_action_fence_action(fence), "reboot");
    ck_assert_ptr_null(vgl_action_resource(fence));
    ck_assert(has_prereq(start, vgl_action_id(fence)));
    ck_assert(has_prereq(start, vgl_action_id(probe)));
    ck_assert(has_prereq(mon, vgl_action_id(start)));

    ck_assert_int_eq(vgl_action_expected_rc(probe), 7);
    ck_assert_uint_eq(vgl_action_timeout_ms(probe), 30000);  /* the monitor's */
    ck_assert_uint_eq(vgl_action_timeout_ms(start), 40000);  /* its own op */
    ck_assert_uint_eq(vgl_action_timeout_ms(mon), 30000);
    ck_assert_uint_eq(vgl_action_interval_ms(mon), 10000);
    ck_assert_int_eq(vgl_action_check_level(mon), 10);
    ck_assert_str_eq(vgl_action_class(start), "ocf");
    ck_assert_str_eq(vgl_action_provider(start), "heartbeat");
    ck_assert_str_eq(vgl_action_type(start), "IPaddr2");
    ck_assert_uint_eq(vgl_action_param_count(start), 2);
    ck_assert_str_eq(vgl_action_param_name(start, 0), "cidr_netmask");
    ck_assert_str_eq(vgl_action_param_value(start, 1), "192.0.2.10");
    ck_assert_str_eq(vgl_action_digest(start), "ae06a3ac7cfcb6a2ecf8efb773617766");
    ck_assert_str_eq(vgl_action_reason(start), "vip: start on node1 because node2 was fenced");

    char *sum = vgl_transition_summary(t);
    ck_assert_str_eq(sum, "  * Fence (reboot) node2 'peer is no longer part of the cluster'\n"
                          "  * Move       vip     ( node2 -> node1 )\n");
    g_free(sum);
    ck_assert_uint_eq(vgl_transition_placement_count(t), 1);
    const vgl_placement *p = vgl_transition_placement(t, 0);
    ck_assert_str_eq(vgl_placement_resource(p), "vip");
    ck_assert_str_eq(vgl_placement_current(p, 0), "node2");
    ck_assert_str_eq(vgl_placement_next(p), "node1");
    ck_assert_str_eq(vgl_placement_agent(p), "ocf:heartbeat:IPaddr2");
    vgl_transition_free(t);
    vgl_sched_view_free(v);
}
END_TEST

/* ------------------------------------------------------ random clusters */

typedef struct gen {
    GRand *rng;
    GString *x;
    int nodes, rscs;
    int kind[16];
} gen;

static const char *states[] = { "online", "online", "online", "offline", "unclean" };

static void gen_resources(gen *g)
{
    g_string_append(g->x, "<resources>");
    for (int i = 0; i < g->rscs; i++) {
        int kind = g_rand_int_range(g->rng, 0, 6);
        g->kind[i] = kind;
        if (kind == 0) {
            g_string_append_printf(g->x, "<group id='g%d'>", i);
            for (int m = 0; m < 3; m++)
                g_string_append_printf(g->x, "<primitive id='g%dm%d' class='ocf' provider='heartbeat' type='Dummy'/>", i, m);
            g_string_append(g->x, "</group>");
        } else if (kind == 1) {
            g_string_append_printf(g->x, "<clone id='c%d'><primitive id='c%dp' class='ocf' provider='heartbeat'"
                                         " type='Dummy'/></clone>", i, i);
        } else {
            g_string_append_printf(g->x, "<primitive id='r%d' class='ocf' provider='heartbeat' type='Dummy'>", i);
            if (g_rand_int_range(g->rng, 0, 4) == 0)
                g_string_append_printf(g->x, "<meta_attributes id='r%dm'><nvpair id='r%dmt' name='target-role'"
                                             " value='Stopped'/></meta_attributes>", i, i);
            g_string_append(g->x, "<operations><op id='o' name='monitor' interval='10s'/></operations></primitive>");
        }
    }
    g_string_append(g->x, "</resources>");
}

static const char *rsc_name(gen *g, int i, char *buf)
{
    g_snprintf(buf, 32, "%c%d", g->kind[i] == 0 ? 'g' : g->kind[i] == 1 ? 'c' : 'r', i);
    return buf;
}

/* The id resource i's history is recorded under. */
static const char *hist_name(gen *g, int i, char *buf)
{
    if (g->kind[i] == 0)
        g_snprintf(buf, 32, "g%dm%d", i, g_rand_int_range(g->rng, 0, 3));
    else if (g->kind[i] == 1)
        g_snprintf(buf, 32, "c%dp", i);
    else
        g_snprintf(buf, 32, "r%d", i);
    return buf;
}

static void gen_constraints(gen *g)
{
    char a[32], b[32];
    g_string_append(g->x, "<constraints>");
    for (int i = 0; i < g->rscs; i++) {
        int n = g_rand_int_range(g->rng, 1, g->nodes + 1);
        int kind = g_rand_int_range(g->rng, 0, 5);
        int other = g_rand_int_range(g->rng, 0, g->rscs);
        if (kind == 0)
            g_string_append_printf(g->x, "<rsc_location id='l%d' rsc='%s' node='node%d' score='-INFINITY'/>", i,
                                   rsc_name(g, i, a), n);
        else if (kind == 1)
            g_string_append_printf(g->x, "<rsc_location id='l%d' rsc='%s' node='node%d' score='%d'/>", i,
                                   rsc_name(g, i, a), n, g_rand_int_range(g->rng, -100, 200));
        else if (kind == 2 && other != i)
            g_string_append_printf(g->x, "<rsc_colocation id='c%d' rsc='%s' with-rsc='%s' score='%s'/>", i,
                                   rsc_name(g, i, a), rsc_name(g, other, b),
                                   g_rand_boolean(g->rng) ? "INFINITY" : "-INFINITY");
        else if (kind == 3 && other != i)
            g_string_append_printf(g->x, "<rsc_order id='o%d' first='%s' then='%s'/>", i, rsc_name(g, other, b),
                                   rsc_name(g, i, a));
    }
    g_string_append(g->x, "</constraints>");
}

static void gen_status(gen *g, char **node_state)
{
    g_string_append(g->x, "<status>");
    for (int n = 1; n <= g->nodes; n++) {
        const char *st = node_state[n];
        bool up = strcmp(st, "online") == 0;
        g_string_append_printf(g->x, "<node_state id='%d' uname='node%d' in_ccm='%s' crmd='%s' join='member'"
                                     " expected='%s'>", n, n, up ? "true" : "false", up ? "online" : "offline",
                               strcmp(st, "offline") == 0 ? "down" : "member");
        if (g_rand_int_range(g->rng, 0, 4) == 0)
            g_string_append_printf(g->x, "<transient_attributes id='%d'><instance_attributes id='t%d'>"
                                         "<nvpair id='t%ds' name='standby' value='on'/></instance_attributes>"
                                         "</transient_attributes>", n, n, n);
        g_string_append_printf(g->x, "<lrm id='%d'><lrm_resources>", n);
        for (int i = 0; i < g->rscs; i++) {
            int h = g_rand_int_range(g->rng, 0, 6);
            char id[32];
            if (h >= 3)
                continue;
            hist_name(g, i, id);
            g_string_append_printf(g->x, "<lrm_resource id='%s' class='ocf' provider='heartbeat' type='Dummy'>"
                                         "<lrm_rsc_op id='%s_last_0' operation='%s' call-id='%d' rc-code='%d'"
                                         " op-status='0' interval='0'/></lrm_resource>",
                                   id, id, h == 0 ? "start" : "monitor", i + 2, h == 0 ? 0 : h == 1 ? 7 : 1);
        }
        g_string_append(g->x, "</lrm_resources></lrm></node_state>");
    }
    g_string_append(g->x, "</status>");
}

static char *gen_cib(guint32 seed, vgl_sched_view **view)
{
    gen g = { g_rand_new_with_seed(seed), g_string_new(NULL), 0, 0, { 0 } };
    g.nodes = g_rand_int_range(g.rng, 1, 6);
    g.rscs = g_rand_int_range(g.rng, 1, 12);
    char *node_state[8];
    bool quorum = g_rand_int_range(g.rng, 0, 5) != 0;
    *view = vgl_sched_view_new(quorum);
    g_string_append_printf(g.x, "<cib have-quorum='%d'><configuration><crm_config><cluster_property_set id='o'>"
                                "<nvpair id='o1' name='stonith-enabled' value='%s'/></cluster_property_set>"
                                "</crm_config><nodes>", quorum, g_rand_boolean(g.rng) ? "true" : "false");
    for (int n = 1; n <= g.nodes; n++) {
        node_state[n] = (char *)states[g_rand_int_range(g.rng, 0, 5)];
        g_string_append_printf(g.x, "<node id='%d' uname='node%d'/>", n, n);
        char name[16];
        g_snprintf(name, sizeof(name), "node%d", n);
        vgl_sched_view_set_node(*view, name,
                                strcmp(node_state[n], "online") == 0    ? VGL_NODE_ONLINE
                                : strcmp(node_state[n], "offline") == 0 ? VGL_NODE_OFFLINE
                                                                        : VGL_NODE_UNCLEAN);
    }
    g_string_append(g.x, "</nodes>");
    gen_resources(&g);
    gen_constraints(&g);
    g_string_append(g.x, "</configuration>");
    gen_status(&g, node_state);
    g_string_append(g.x, "</cib>");
    g_rand_free(g.rng);
    return g_string_free(g.x, FALSE);
}

static char *render(const vgl_transition *t)
{
    char *s = vgl_transition_summary(t), *d = vgl_transition_dot(t), *st = vgl_transition_status(t);
    char *all = g_strconcat(st, s, d, NULL);
    g_free(s);
    g_free(d);
    g_free(st);
    return all;
}

static bool node_forbidden(xmlDoc *doc, const vgl_sched_view *v, const char *rsc, const char *node)
{
    if (vgl_sched_view_node_state(v, node) != VGL_NODE_ONLINE)
        return true;
    /* standby, or a -INFINITY location for this resource or its group */
    char *xp = g_strdup_printf("//node_state[@uname='%s']//nvpair[@name='standby'] |"
                               " //rsc_location[@node='%s' and @score='-INFINITY' and"
                               " (@rsc='%s' or @rsc=//group[primitive/@id='%s']/@id)]",
                               node, node, rsc, rsc);
    xmlXPathContext *ctx = xmlXPathNewContext(doc);
    xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)xp, ctx);
    bool hit = o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr > 0;
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    g_free(xp);
    return hit;
}

static void check_groups_together(const vgl_transition *t)
{
    for (size_t i = 0; i + 1 < vgl_transition_placement_count(t); i++) {
        const vgl_placement *a = vgl_transition_placement(t, i), *b = vgl_transition_placement(t, i + 1);
        if (vgl_placement_group(a) == NULL || vgl_placement_group(b) == NULL
            || strcmp(vgl_placement_group(a), vgl_placement_group(b)) != 0 || vgl_placement_next(b) == NULL)
            continue;
        /* a later member runs only with the one before it, on its node */
        ck_assert_ptr_nonnull(vgl_placement_next(a));
        ck_assert_str_eq(vgl_placement_next(a), vgl_placement_next(b));
    }
}

static void check_order_respected(const vgl_transition *t)
{
    /* every prerequisite has a smaller or larger id but exists, and no
     * action depends on itself (the graph is well-formed) */
    for (size_t i = 0; i < vgl_transition_action_count(t); i++) {
        const vgl_action *a = vgl_transition_action(t, i);
        for (size_t k = 0; k < vgl_action_prereq_count(a); k++) {
            ck_assert_uint_lt(vgl_action_prereq(a, k), vgl_transition_action_count(t));
            ck_assert_uint_ne(vgl_action_prereq(a, k), i);
        }
        /* a start after a stop of the same resource instance */
        if (vgl_action_get_kind(a) != VGL_ACTION_START)
            continue;
        for (size_t j = 0; j < vgl_transition_action_count(t); j++) {
            const vgl_action *s = vgl_transition_action(t, j);
            if (vgl_action_get_kind(s) == VGL_ACTION_STOP
                && strcmp(vgl_action_instance(s), vgl_action_instance(a)) == 0)
                ck_assert_msg(has_prereq(a, j), "%s starts before its stop", vgl_action_instance(a));
        }
    }
}

START_TEST(random_clusters_hold_properties)
{
    for (guint32 seed = 1; seed <= 300; seed++) {
        vgl_sched_view *v = NULL;
        char *cib = gen_cib(seed, &v);
        xmlDoc *doc = parse(cib);
        ck_assert_ptr_nonnull(doc);
        vgl_transition *t1 = NULL, *t2 = NULL;
        ck_assert_int_eq(vgl_sched_run(doc, v, 1700000000, &t1), 0);
        ck_assert_int_eq(vgl_sched_run(doc, v, 1700000000, &t2), 0);
        char *r1 = render(t1), *r2 = render(t2);
        ck_assert_msg(strcmp(r1, r2) == 0, "seed %u: not deterministic", seed);
        for (size_t i = 0; i < vgl_transition_placement_count(t1); i++) {
            const vgl_placement *p = vgl_transition_placement(t1, i);
            const char *next = vgl_placement_next(p);
            if (next == NULL || (vgl_placement_flags(p) & (VGL_PLACE_UNMANAGED | VGL_PLACE_BLOCKED)))
                continue;
            ck_assert_msg(!node_forbidden(doc, v, vgl_placement_resource(p), next),
                          "seed %u: %s placed on forbidden %s", seed, vgl_placement_resource(p), next);
        }
        check_groups_together(t1);
        check_order_respected(t1);
        g_free(r1);
        g_free(r2);
        vgl_transition_free(t1);
        vgl_transition_free(t2);
        xmlFreeDoc(doc);
        vgl_sched_view_free(v);
        g_free(cib);
    }
}
END_TEST

/* Drop, duplicate or empty random attributes and elements: never crash. */
START_TEST(mangled_documents_never_crash)
{
    GRand *rng = g_rand_new_with_seed(42);
    for (guint32 seed = 1; seed <= 200; seed++) {
        vgl_sched_view *v = NULL;
        char *cib = gen_cib(seed, &v);
        GString *m = g_string_new(cib);
        for (int k = 0; k < 8; k++) {
            gsize pos = g_rand_int_range(rng, 0, (gint32)m->len);
            const char *p = strchr(m->str + pos, '\'');
            if (p == NULL)
                continue;
            const char *q = strchr(p + 1, '\'');
            if (q == NULL)
                continue;
            static const char *junk[] = { "", "-INFINITY", "x:y", "99999999999999", "-1", "node9" };
            g_string_erase(m, p + 1 - m->str, q - p - 1);
            g_string_insert(m, p + 1 - m->str, junk[g_rand_int_range(rng, 0, 6)]);
        }
        xmlDoc *doc = parse(m->str);
        if (doc != NULL) {
            vgl_transition *t = NULL;
            int rc = vgl_sched_run(doc, v, 0, &t);
            ck_assert(rc == 0 || rc == VGL_E_INVALID);
            char *r = t != NULL ? render(t) : NULL;
            g_free(r);
            vgl_transition_free(t);
            xmlFreeDoc(doc);
        }
        g_string_free(m, TRUE);
        vgl_sched_view_free(v);
        g_free(cib);
    }
    g_rand_free(rng);
}
END_TEST

static Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("sched");
    tcase_add_test(tc, run_rejects_bad_input);
    tcase_add_test(tc, view_rejects_bad_input);
    tcase_add_test(tc, digest_rejects_bad_input);
    tcase_add_test(tc, digest_matches_pacemaker);
    tcase_add_test(tc, view_from_cib_like_crm_simulate);
    tcase_add_test(tc, fence_then_start_with_details);
    tcase_add_test(tc, random_clusters_hold_properties);
    tcase_add_test(tc, mangled_documents_never_crash);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(sched_suite)
