/*
 * check_sched_cache.c — the status cache (vgl_sched_run_cached) must never
 * give a different transition from a cold run (vgl_sched_run).
 *
 * Random clusters with rich histories (probes, starts, stops, recurring
 * monitors, failures of every kind, pending and cancelled ops, digests
 * right and wrong, clone instances, fail counts) go through random
 * sequences of changes: ops recorded or rewritten in place, histories
 * cleaned up, a node's history cleared, duplicated ids, transient
 * attributes, the view, the configuration, the time, the whole document
 * replaced.  Each change to history is reported to the cache the way the
 * daemon reports it; after each step the cached and the cold run are
 * compared action by action (every field), placement by placement, and
 * as rendered text.  Bad input first.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <vigil/sched.h>

#include "vgl_check.h"

/* --------------------------------------------------------- generator */

typedef struct cgen {
    GRand *rng;
    GString *x;
    int nodes, rscs;
    int kind[12];          /* 0 group, 1 clone, else primitive */
    int param[12];         /* the value of parameter p */
    char *digest[4][2];    /* [param value][0: start, 1: 10 s monitor] */
} cgen;

static int pick(cgen *g, int lo, int hi)
{
    return g_rand_int_range(g->rng, lo, hi);
}

static void cgen_digests(cgen *g)
{
    const char *names[] = { "p" };
    for (int v = 0; v < 4; v++) {
        char val[8];
        g_snprintf(val, sizeof(val), "%d", v);
        const char *values[] = { val };
        g->digest[v][0] = vgl_sched_op_digest(names, values, 1, 0, 0);
        g->digest[v][1] = vgl_sched_op_digest(names, values, 1, 10000, 20000);
    }
}

static void cgen_primitive(cgen *g, const char *id, int i)
{
    static const char *on_fail[] = { "restart", "ignore", "stop", "block", "fence" };
    g_string_append_printf(g->x, "<primitive id='%s' class='ocf' provider='heartbeat' type='Dummy'>"
                                 "<instance_attributes id='%s-i'><nvpair id='%s-p' name='p' value='%d'/>"
                                 "</instance_attributes><meta_attributes id='%s-m'>",
                           id, id, id, g->param[i], id);
    if (pick(g, 0, 3) == 0)
        g_string_append_printf(g->x, "<nvpair id='%s-mt' name='migration-threshold' value='%d'/>", id, pick(g, 1, 4));
    if (pick(g, 0, 3) == 0)
        g_string_append_printf(g->x, "<nvpair id='%s-ft' name='failure-timeout' value='60s'/>", id);
    if (pick(g, 0, 8) == 0)
        g_string_append_printf(g->x, "<nvpair id='%s-tr' name='target-role' value='Stopped'/>", id);
    if (pick(g, 0, 10) == 0)
        g_string_append_printf(g->x, "<nvpair id='%s-um' name='is-managed' value='false'/>", id);
    g_string_append_printf(g->x, "</meta_attributes><operations><op id='%s-mon' name='monitor' interval='10s'"
                                 " on-fail='%s'/>", id, on_fail[pick(g, 0, 5)]);
    if (pick(g, 0, 4) == 0)
        g_string_append_printf(g->x, "<op id='%s-mon2' name='monitor' interval='20s'/>", id);
    g_string_append(g->x, "</operations></primitive>");
}

static void cgen_resources(cgen *g)
{
    char id[32];
    g_string_append(g->x, "<resources>");
    for (int i = 0; i < g->rscs; i++) {
        g->kind[i] = pick(g, 0, 5);
        g->param[i] = pick(g, 0, 3);
        if (g->kind[i] == 0) {
            g_string_append_printf(g->x, "<group id='g%d'>", i);
            for (int m = 0; m < 2; m++) {
                g_snprintf(id, sizeof(id), "g%dm%d", i, m);
                cgen_primitive(g, id, i);
            }
            g_string_append(g->x, "</group>");
        } else if (g->kind[i] == 1) {
            g_string_append_printf(g->x, "<clone id='c%d'><meta_attributes id='c%d-m'><nvpair id='c%d-cm'"
                                         " name='clone-max' value='%d'/></meta_attributes>",
                                   i, i, i, pick(g, 1, 4));
            g_snprintf(id, sizeof(id), "c%dp", i);
            cgen_primitive(g, id, i);
            g_string_append(g->x, "</clone>");
        } else {
            g_snprintf(id, sizeof(id), "r%d", i);
            cgen_primitive(g, id, i);
        }
    }
    g_string_append(g->x, "</resources>");
}

static const char *cgen_rsc(cgen *g, int i, char *buf)
{
    g_snprintf(buf, 32, "%c%d", g->kind[i] == 0 ? 'g' : g->kind[i] == 1 ? 'c' : 'r', i);
    return buf;
}

static void cgen_constraints(cgen *g)
{
    char a[32], b[32];
    g_string_append(g->x, "<constraints>");
    for (int i = 0; i < g->rscs; i++) {
        int other = pick(g, 0, g->rscs), kind = pick(g, 0, 5);
        if (kind == 0)
            g_string_append_printf(g->x, "<rsc_location id='l%d' rsc='%s' node='node%d' score='%d'/>", i,
                                   cgen_rsc(g, i, a), pick(g, 1, g->nodes + 1), pick(g, -100, 200));
        else if (kind == 1 && other != i)
            g_string_append_printf(g->x, "<rsc_colocation id='c%d' rsc='%s' with-rsc='%s' score='INFINITY'/>", i,
                                   cgen_rsc(g, i, a), cgen_rsc(g, other, b));
        else if (kind == 2 && other != i)
            g_string_append_printf(g->x, "<rsc_order id='o%d' first='%s' then='%s'/>", i, cgen_rsc(g, other, b),
                                   cgen_rsc(g, i, a));
    }
    g_string_append(g->x, "</constraints>");
}

/* A history id of resource i: a member, a clone's primitive or instance. */
static void cgen_hist_id(cgen *g, int i, char *buf)
{
    if (g->kind[i] == 0)
        g_snprintf(buf, 32, "g%dm%d", i, pick(g, 0, 2));
    else if (g->kind[i] == 1 && pick(g, 0, 2) == 0)
        g_snprintf(buf, 32, "c%dp:%d", i, pick(g, 0, 3));
    else if (g->kind[i] == 1)
        g_snprintf(buf, 32, "c%dp", i);
    else
        g_snprintf(buf, 32, "r%d", i);
}

/* The attributes of one lrm_rsc_op (without id), random but plausible. */
static char *cgen_op_attrs(cgen *g, int i, int slot)
{
    static const int rcs[] = { 0, 0, 0, 0, 7, 7, 1, 5, 6, 2, 8 };
    static const int sts[] = { 0, 0, 0, 0, 0, 0, 1, -1, 2, 4 };
    static const char *tasks[] = { "start", "stop", "monitor", "start", "monitor" };
    const char *task = slot == 1 ? "monitor" : tasks[pick(g, 0, 5)];
    int interval = slot == 1 ? (pick(g, 0, 6) == 0 ? 20000 : 10000) : 0;
    int v = pick(g, 0, 4) == 0 ? 3 : g->param[i];
    const char *digest = g->digest[v][slot == 1];
    const char *iv = pick(g, 0, 25) == 0 ? "10000x" : NULL;
    char ivbuf[16];
    if (iv == NULL) {
        g_snprintf(ivbuf, sizeof(ivbuf), "%d", interval);
        iv = ivbuf;
    }
    return g_strdup_printf(" operation='%s' call-id='%d' rc-code='%d' op-status='%d' interval='%s'"
                           " last-rc-change='%d' op-digest='%s'",
                           task, pick(g, 0, 12) == 0 ? -1 : pick(g, 1, 60), rcs[pick(g, 0, 11)], sts[pick(g, 0, 10)],
                           iv, 1699999900 + pick(g, 0, 200), pick(g, 0, 8) == 0 ? "" : digest);
}

static void cgen_status(cgen *g)
{
    char id[32];
    g_string_append(g->x, "<status>");
    for (int n = 1; n <= g->nodes; n++) {
        g_string_append_printf(g->x, "<node_state id='%d' uname='node%d' in_ccm='true' crmd='online'"
                                     " join='member' expected='member'>", n, n);
        if (pick(g, 0, 3) == 0) {
            int i = pick(g, 0, g->rscs);
            cgen_hist_id(g, i, id);
            g_string_append_printf(g->x, "<transient_attributes id='%d'><instance_attributes id='t%d'>"
                                         "<nvpair id='t%df' name='fail-count-%s#monitor_10000' value='%d'/>"
                                         "<nvpair id='t%dl' name='last-failure-%s#monitor_10000' value='%d'/>"
                                         "</instance_attributes></transient_attributes>",
                                   n, n, n, id, pick(g, 1, 4), n, id, 1699999900 + pick(g, 0, 200));
        }
        g_string_append_printf(g->x, "<lrm id='%d'><lrm_resources>", n);
        for (int i = 0; i < g->rscs; i++) {
            if (pick(g, 0, 10) < 3)
                continue;
            cgen_hist_id(g, i, id);
            g_string_append_printf(g->x, "<lrm_resource id='%s' class='ocf' provider='heartbeat' type='Dummy'>", id);
            for (int slot = 0, k = pick(g, 1, 4); slot < k; slot++) {
                char *a = cgen_op_attrs(g, i, slot);
                g_string_append_printf(g->x, "<lrm_rsc_op id='%s_%d'%s/>", id, slot, a);
                g_free(a);
            }
            g_string_append(g->x, "</lrm_resource>");
        }
        g_string_append(g->x, "</lrm_resources></lrm></node_state>");
    }
    g_string_append(g->x, "</status>");
}

static char *cgen_cib(cgen *g, guint32 seed)
{
    static const char *nq[] = { "stop", "freeze", "ignore" };
    g->rng = g_rand_new_with_seed(seed);
    g->x = g_string_new(NULL);
    cgen_digests(g);
    g->nodes = pick(g, 1, 6);
    g->rscs = pick(g, 1, 12);
    g_string_append_printf(g->x, "<cib have-quorum='1'><configuration><crm_config><cluster_property_set id='o'>"
                                 "<nvpair id='o1' name='stonith-enabled' value='%s'/>"
                                 "<nvpair id='o2' name='no-quorum-policy' value='%s'/></cluster_property_set>"
                                 "</crm_config><nodes>",
                           pick(g, 0, 2) ? "true" : "false", nq[pick(g, 0, 3)]);
    for (int n = 1; n <= g->nodes; n++)
        g_string_append_printf(g->x, "<node id='%d' uname='node%d'/>", n, n);
    g_string_append(g->x, "</nodes>");
    cgen_resources(g);
    cgen_constraints(g);
    g_string_append(g->x, "</configuration>");
    cgen_status(g);
    g_string_append(g->x, "</cib>");
    return g_string_free(g->x, FALSE);
}

static void cgen_free(cgen *g)
{
    for (int v = 0; v < 4; v++) {
        g_free(g->digest[v][0]);
        g_free(g->digest[v][1]);
    }
    g_rand_free(g->rng);
}

/* Everything a transition says, as text. */
static char *dump(const vgl_transition *t)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < vgl_transition_action_count(t); i++) {
        const vgl_action *a = vgl_transition_action(t, i);
        g_string_append_printf(s, "%zu %s %s %s %s %u %u %d %s |%s| <-", i, vgl_action_kind_str(vgl_action_get_kind(a)),
                               vgl_action_instance(a) ? vgl_action_instance(a) : "-", vgl_action_node(a),
                               vgl_action_operation(a), vgl_action_interval_ms(a), vgl_action_timeout_ms(a),
                               vgl_action_expected_rc(a), vgl_action_digest(a) ? vgl_action_digest(a) : "-",
                               vgl_action_reason(a));
        for (size_t k = 0; k < vgl_action_prereq_count(a); k++)
            g_string_append_printf(s, " %zu", vgl_action_prereq(a, k));
        g_string_append_c(s, '\n');
    }
    for (size_t i = 0; i < vgl_transition_placement_count(t); i++) {
        const vgl_placement *p = vgl_transition_placement(t, i);
        g_string_append_printf(s, "%s -> %s flags %u on", vgl_placement_resource(p),
                               vgl_placement_next(p) ? vgl_placement_next(p) : "-", vgl_placement_flags(p));
        for (size_t k = 0; k < vgl_placement_current_count(p); k++)
            g_string_append_printf(s, " %s", vgl_placement_current(p, k));
        g_string_append_c(s, '\n');
    }
    char *sum = vgl_transition_summary(t), *st = vgl_transition_status(t), *dot = vgl_transition_dot(t);
    g_string_append(s, sum);
    g_string_append(s, st);
    g_string_append(s, dot);
    g_free(sum);
    g_free(st);
    g_free(dot);
    return g_string_free(s, FALSE);
}

/* --------------------------------------------------------- generator end */

static xmlDoc *parse(const char *s)
{
    return xmlReadMemory(s, (int)strlen(s), "test.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
}

static xmlNode *child(xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

static xmlNode *node_state(xmlDoc *doc, int n)
{
    char uname[16];
    g_snprintf(uname, sizeof(uname), "node%d", n);
    for (xmlNode *c = child(xmlDocGetRootElement(doc), "status")->children; c != NULL; c = c->next) {
        xmlChar *u = xmlGetProp(c, (const xmlChar *)"uname");
        bool hit = u != NULL && strcmp((const char *)u, uname) == 0;
        xmlFree(u);
        if (hit)
            return c;
    }
    return NULL;
}

static xmlNode *lrm_resources(xmlDoc *doc, int n)
{
    xmlNode *ns = node_state(doc, n);
    if (ns == NULL)
        return NULL;
    xmlNode *lrm = child(ns, "lrm");
    if (lrm == NULL)
        lrm = xmlNewChild(ns, NULL, (const xmlChar *)"lrm", NULL);
    xmlNode *rs = child(lrm, "lrm_resources");
    return rs != NULL ? rs : xmlNewChild(lrm, NULL, (const xmlChar *)"lrm_resources", NULL);
}

static bool id_is(xmlNode *c, const char *id)
{
    xmlChar *v = xmlGetProp(c, (const xmlChar *)"id");
    bool hit = v != NULL && strcmp((const char *)v, id) == 0;
    xmlFree(v);
    return hit;
}

static xmlNode *find_id(xmlNode *parent, const char *id)
{
    for (xmlNode *c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && id_is(c, id))
            return c;
    }
    return NULL;
}

static void node_name(int n, char *buf)
{
    g_snprintf(buf, 16, "node%d", n);
}

/* The base of a clone instance id ("c3p:1" -> "c3p"), in place. */
static char *base_id(char *id)
{
    char *colon = strchr(id, ':');
    if (colon != NULL)
        *colon = '\0';
    return id;
}

/* An op recorded: rewritten in place, or replaced by a new element. */
static void mutate_record(cgen *g, xmlDoc *doc, vgl_sched_cache *cache)
{
    char id[32], opid[48], uname[16];
    int n = pick(g, 1, g->nodes + 1), i = pick(g, 0, g->rscs), slot = pick(g, 0, 3);
    xmlNode *rs = lrm_resources(doc, n);
    if (rs == NULL)
        return;
    cgen_hist_id(g, i, id);
    xmlNode *lr = find_id(rs, id);
    if (lr == NULL) {
        lr = xmlNewChild(rs, NULL, (const xmlChar *)"lrm_resource", NULL);
        xmlSetProp(lr, (const xmlChar *)"id", (const xmlChar *)id);
    }
    g_snprintf(opid, sizeof(opid), "%s_%d", id, slot);
    char *attrs = cgen_op_attrs(g, i, slot);
    char *text = g_strdup_printf("<x%s/>", attrs);
    xmlDoc *tmp = parse(text);
    xmlNode *op = find_id(lr, opid);
    if (op == NULL || pick(g, 0, 2) == 0) {
        if (op != NULL) {
            xmlUnlinkNode(op);
            xmlFreeNode(op);
        }
        op = xmlNewChild(lr, NULL, (const xmlChar *)"lrm_rsc_op", NULL);
        xmlSetProp(op, (const xmlChar *)"id", (const xmlChar *)opid);
    }
    for (xmlAttr *a = xmlDocGetRootElement(tmp)->properties; a != NULL; a = a->next)
        xmlSetProp(op, a->name, a->children != NULL ? a->children->content : (const xmlChar *)"");
    xmlFreeDoc(tmp);
    g_free(text);
    g_free(attrs);
    node_name(n, uname);
    int how = pick(g, 0, 3);
    vgl_sched_cache_forget(cache, how == 2 ? NULL : uname, how == 1 ? base_id(id) : id);
}

/* Cleanup of a resource on one node or everywhere (clone instances too). */
static void mutate_cleanup(cgen *g, xmlDoc *doc, vgl_sched_cache *cache)
{
    char id[32], uname[16];
    int i = pick(g, 0, g->rscs), only = pick(g, 0, 2) ? pick(g, 1, g->nodes + 1) : 0;
    cgen_hist_id(g, i, id);
    base_id(id);
    for (int n = 1; n <= g->nodes; n++) {
        xmlNode *rs = lrm_resources(doc, n);
        for (xmlNode *c = rs != NULL ? rs->children : NULL, *next; c != NULL && (only == 0 || only == n); c = next) {
            next = c->next;
            xmlChar *v = xmlGetProp(c, (const xmlChar *)"id");
            size_t len = strlen(id);
            if (v != NULL && strncmp((const char *)v, id, len) == 0 && (v[len] == '\0' || v[len] == ':')) {
                xmlUnlinkNode(c);
                xmlFreeNode(c);
            }
            xmlFree(v);
        }
    }
    node_name(only, uname);
    vgl_sched_cache_forget(cache, only != 0 ? uname : NULL, id);
}

/* A node's history cleared, its node_state removed, an entry duplicated
 * or moved to the end. */
static void mutate_node(cgen *g, xmlDoc *doc, vgl_sched_cache *cache)
{
    char uname[16];
    int n = pick(g, 1, g->nodes + 1), how = pick(g, 0, 4);
    xmlNode *rs = lrm_resources(doc, n);
    if (rs == NULL)
        return;
    node_name(n, uname);
    if (how == 0) {
        xmlNode *lrm = rs->parent;
        xmlUnlinkNode(lrm);
        xmlFreeNode(lrm);
        vgl_sched_cache_forget(cache, uname, NULL);
    } else if (how == 1) {
        xmlNode *ns = node_state(doc, n);
        xmlUnlinkNode(ns);
        xmlFreeNode(ns);
        vgl_sched_cache_forget(cache, uname, NULL);
    } else if (rs->children != NULL) {
        xmlNode *lr = rs->children;
        for (int k = pick(g, 0, 5); k > 0 && lr->next != NULL; k--)
            lr = lr->next;
        xmlChar *id = xmlGetProp(lr, (const xmlChar *)"id");
        if (how == 2) {
            xmlAddChild(rs, xmlCopyNode(lr, 1));
        } else {
            xmlUnlinkNode(lr);
            xmlAddChild(rs, lr);
        }
        vgl_sched_cache_forget(cache, uname, (const char *)id);
        xmlFree(id);
    }
}

/* Not history: transient attributes, configuration.  Never reported. */
static void mutate_other(cgen *g, xmlDoc *doc)
{
    char name[64], value[16];
    xmlNode *ns = node_state(doc, pick(g, 1, g->nodes + 1));
    if (pick(g, 0, 2) == 0 && ns != NULL) {
        xmlNode *ta = child(ns, "transient_attributes");
        if (ta == NULL) {
            ta = xmlNewChild(ns, NULL, (const xmlChar *)"transient_attributes", NULL);
            xmlNewChild(ta, NULL, (const xmlChar *)"instance_attributes", NULL);
        }
        xmlNode *set = child(ta, "instance_attributes");
        char id[32];
        cgen_hist_id(g, pick(g, 0, g->rscs), id);
        int k = pick(g, 0, 3);
        g_snprintf(name, sizeof(name), k == 0 ? "standby" : k == 1 ? "fail-count-%s#monitor_10000"
                                                                   : "last-failure-%s#monitor_10000", id);
        g_snprintf(value, sizeof(value), "%d", k == 0 ? pick(g, 0, 2) : k == 1 ? pick(g, 0, 4)
                                                                               : 1699999900 + pick(g, 0, 200));
        xmlNode *nv = xmlNewChild(set, NULL, (const xmlChar *)"nvpair", NULL);
        xmlSetProp(nv, (const xmlChar *)"id", (const xmlChar *)name);
        xmlSetProp(nv, (const xmlChar *)"name", (const xmlChar *)name);
        xmlSetProp(nv, (const xmlChar *)"value", (const xmlChar *)(k == 0 ? (value[0] == '1' ? "on" : "off")
                                                                            : value));
        return;
    }
    /* a parameter (definition change) or an op's on-fail */
    int i = pick(g, 0, g->rscs);
    char id[40];
    g_snprintf(id, sizeof(id), "%s%d%s-p", g->kind[i] == 0 ? "g" : g->kind[i] == 1 ? "c" : "r", i,
               g->kind[i] == 0 ? "m0" : g->kind[i] == 1 ? "p" : "");
    for (xmlNode *c = xmlDocGetRootElement(doc); c != NULL;) {
        if (c->type == XML_ELEMENT_NODE && id_is(c, id)) {
            g_snprintf(value, sizeof(value), "%d", pick(g, 0, 4));
            xmlSetProp(c, (const xmlChar *)"value", (const xmlChar *)value);
            break;
        }
        if (c->children != NULL && strcmp((const char *)c->name, "status") != 0)
            c = c->children;
        else {
            while (c != NULL && c->next == NULL)
                c = c->parent;
            c = c != NULL ? c->next : NULL;
        }
    }
}

static xmlDoc *reparse(xmlDoc *doc)
{
    xmlChar *text = NULL;
    int len = 0;
    xmlDocDumpMemory(doc, &text, &len);
    xmlDoc *copy = parse((const char *)text);
    xmlFree(text);
    return copy;
}

static void compare_runs(xmlDoc *doc, vgl_sched_view *v, int64_t now, vgl_sched_cache *cache, guint32 seed,
                         int step)
{
    vgl_transition *cold = NULL, *warm = NULL;
    ck_assert_int_eq(vgl_sched_run(doc, v, now, &cold), 0);
    ck_assert_int_eq(vgl_sched_run_cached(doc, v, now, cache, &warm), 0);
    char *a = dump(cold), *b = dump(warm);
    if (strcmp(a, b) != 0) {
        /* the first line that differs (the whole dumps are too long) */
        char **la = g_strsplit(a, "\n", -1), **lb = g_strsplit(b, "\n", -1);
        int k = 0;
        while (la[k] != NULL && lb[k] != NULL && strcmp(la[k], lb[k]) == 0)
            k++;
        ck_abort_msg("seed %u step %d: the cached run differs at line %d: cold \"%s\", cached \"%s\"", seed, step,
                     k + 1, la[k] ? la[k] : "(end)", lb[k] ? lb[k] : "(end)");
    }
    g_free(a);
    g_free(b);
    vgl_transition_free(cold);
    vgl_transition_free(warm);
}

static void release(vgl_sched_cache *cache, vgl_sched_view *v, xmlDoc *doc, char *text, cgen *g)
{
    vgl_sched_cache_free(cache);
    vgl_sched_view_free(v);
    xmlFreeDoc(doc);
    g_free(text);
    cgen_free(g);
}

START_TEST(cache_run_rejects_bad_input)
{
    vgl_sched_cache *cache = vgl_sched_cache_new();
    vgl_sched_view *v = vgl_sched_view_new(true);
    vgl_transition *t = (vgl_transition *)&t;
    xmlDoc *doc = parse("<cib><configuration/></cib>");
    ck_assert_int_eq(vgl_sched_run_cached(NULL, v, 0, cache, &t), -EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(vgl_sched_run_cached(doc, NULL, 0, cache, &t), -EINVAL);
    ck_assert_int_eq(vgl_sched_run_cached(doc, v, 0, cache, NULL), -EINVAL);
    ck_assert_int_eq(vgl_sched_run_cached(doc, v, 0, cache, &t), VGL_E_INVALID);
    ck_assert_ptr_null(t);
    vgl_sched_cache_forget(NULL, "node1", "vip");
    vgl_sched_cache_forget(cache, NULL, NULL);
    ck_assert_uint_eq(vgl_sched_cache_read_count(NULL), 0);
    ck_assert_uint_eq(vgl_sched_cache_reuse_count(NULL), 0);
    vgl_sched_cache_free(NULL);
    vgl_sched_cache_free(cache);
    vgl_sched_view_free(v);
    xmlFreeDoc(doc);
}
END_TEST

/* Unchanged history is not read again; forgotten history is. */
START_TEST(cache_reads_only_what_was_forgotten)
{
    cgen g = { 0 };
    char *text = NULL;
    xmlDoc *doc = NULL;
    size_t total = 0;
    /* the first generated cluster with several nodes and histories */
    for (guint32 seed = 1; total < 8 || lrm_resources(doc, 1)->children == NULL; seed++) {
        if (doc != NULL) {
            xmlFreeDoc(doc);
            g_free(text);
            cgen_free(&g);
        }
        text = cgen_cib(&g, seed);
        doc = parse(text);
        total = 0;
        for (int n = 1; n <= g.nodes; n++) {
            for (xmlNode *c = lrm_resources(doc, n)->children; c != NULL; c = c->next)
                total++;
        }
    }
    vgl_sched_view *v = NULL;
    ck_assert_int_eq(vgl_sched_view_from_cib(doc, &v), 0);
    vgl_sched_cache *cache = vgl_sched_cache_new();
    compare_runs(doc, v, 1700000000, cache, 7, 0);
    ck_assert_uint_eq(vgl_sched_cache_read_count(cache), total);
    ck_assert_uint_eq(vgl_sched_cache_reuse_count(cache), 0);
    compare_runs(doc, v, 1700000000, cache, 7, 1);
    ck_assert_uint_eq(vgl_sched_cache_read_count(cache), 0);
    ck_assert_uint_eq(vgl_sched_cache_reuse_count(cache), total);
    /* one entry forgotten: one read */
    xmlNode *first = lrm_resources(doc, 1)->children;
    ck_assert_ptr_nonnull(first);
    xmlChar *id = xmlGetProp(first, (const xmlChar *)"id");
    vgl_sched_cache_forget(cache, "node1", (const char *)id);
    compare_runs(doc, v, 1700000000, cache, 7, 2);
    ck_assert_uint_ge(vgl_sched_cache_read_count(cache), 1);
    ck_assert_uint_lt(vgl_sched_cache_read_count(cache), total);
    xmlFree(id);
    /* another document: everything read */
    xmlDoc *copy = reparse(doc);
    compare_runs(copy, v, 1700000000, cache, 7, 3);
    ck_assert_uint_eq(vgl_sched_cache_read_count(cache), total);
    vgl_sched_cache_forget(cache, NULL, NULL);
    compare_runs(copy, v, 1700000000, cache, 7, 4);
    ck_assert_uint_eq(vgl_sched_cache_read_count(cache), total);
    xmlFreeDoc(copy);
    release(cache, v, doc, text, &g);
}
END_TEST

/* Random sequences of changes: the cached run always equals the cold one. */
START_TEST(cache_equals_cold_run_on_random_changes)
{
    for (guint32 seed = 1; seed <= 200; seed++) {
        cgen g = { 0 };
        char *text = cgen_cib(&g, seed);
        xmlDoc *doc = parse(text);
        vgl_sched_view *v = NULL;
        ck_assert_int_eq(vgl_sched_view_from_cib(doc, &v), 0);
        vgl_sched_cache *cache = vgl_sched_cache_new();
        int64_t now = 1700000000;
        for (int step = 0; step < 30; step++) {
            int what = pick(&g, 0, 20);
            if (what < 7) {
                mutate_record(&g, doc, cache);
            } else if (what < 9) {
                mutate_cleanup(&g, doc, cache);
            } else if (what < 11) {
                mutate_node(&g, doc, cache);
            } else if (what < 14) {
                mutate_other(&g, doc);
            } else if (what < 16) {
                char uname[16];
                node_name(pick(&g, 1, g.nodes + 1), uname);
                vgl_sched_view_set_node(v, uname, (vgl_node_state)pick(&g, 0, 3));
                vgl_sched_view_set_quorum(v, pick(&g, 0, 4) != 0);
            } else if (what < 18) {
                now += pick(&g, 0, 90);
            } else if (what < 19) {
                xmlDoc *copy = reparse(doc); /* the old one still allocated: a new pointer */
                xmlFreeDoc(doc);
                doc = copy;
                if (pick(&g, 0, 2) == 0)
                    vgl_sched_cache_forget(cache, NULL, NULL);
            } /* else: nothing changed */
            compare_runs(doc, v, now, cache, seed, step);
        }
        release(cache, v, doc, text, &g);
    }
}
END_TEST

static Suite *sched_cache_suite(void)
{
    Suite *s = suite_create("sched_cache");
    TCase *tc = tcase_create("sched_cache");
    tcase_add_test(tc, cache_run_rejects_bad_input);
    tcase_add_test(tc, cache_reads_only_what_was_forgotten);
    tcase_add_test(tc, cache_equals_cold_run_on_random_changes);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(sched_cache_suite)
