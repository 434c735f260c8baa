/*
 * crmctl_simulate.c — 'crmctl simulate': run the scheduler on a CIB file
 * and print what it would do, in crm_simulate's layout.
 *
 * The view comes from the file's status section (as crm_simulate derives
 * it), changed by --node-down / --node-fail; --op-fail adds a failed
 * operation to the history (and bumps the fail count, as the daemon would)
 * before scheduling.  Nothing touches a cluster: this is the pure
 * scheduler on a file.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <libxml/tree.h>

#include <vigil/cib.h>
#include <vigil/sched.h>

#include "tools/crmctl.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: crmctl simulate --cib FILE [--node-down NODE] [--node-fail NODE]\n"
            "                       [--op-fail RSC_OP_INTERVAL@NODE[=RC]] [--dot FILE]\n"
            "                       [--now T] [--quorum yes|no] [--actions]\n"
            "\n"
            "Show what the scheduler would do with a CIB: the current cluster status and\n"
            "the Transition Summary, in crm_simulate's format.\n"
            "\n"
            "  --cib FILE        the CIB (configuration + status) to read\n"
            "  --node-down NODE  NODE left the cluster cleanly (repeatable)\n"
            "  --node-fail NODE  NODE left uncleanly: fenced first if fencing is on\n"
            "  --op-fail SPEC    add a failed operation: RSC_OP_INTERVAL@NODE[=RC],\n"
            "                    e.g. vip_monitor_10000@node1=7 (RC defaults to 1)\n"
            "  --dot FILE        write the transition graph as Graphviz dot\n"
            "  --now T           the time, as seconds since the epoch (default: now)\n"
            "  --quorum yes|no   override have-quorum from the file\n"
            "  --actions         also list every action with its prerequisites\n"
            "\n"
            "examples:\n"
            "  crmctl simulate --cib cib.xml\n"
            "  crmctl simulate --cib cib.xml --node-fail node1 --dot graph.dot\n"
            "  crmctl simulate --cib cib.xml --op-fail vip_monitor_10000@node2=7\n"
            "\n"
            "exit codes: 0 ok, 2 usage, 3 file not found, 6 invalid CIB\n");
}

typedef struct sim_opts {
    const char *cib;
    const char *dot;
    GPtrArray *down, *fail, *opfail;
    int64_t now;
    int quorum; /* -1: from the file */
    bool actions;
} sim_opts;

/* ------------------------------------------------------- op injection */

static xmlNode *child_named(xmlNode *parent, const char *name, const char *id)
{
    for (xmlNode *c = parent->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, name) != 0)
            continue;
        xmlChar *v = xmlGetProp(c, (const xmlChar *)"id");
        bool match = id == NULL || (v != NULL && strcmp((const char *)v, id) == 0);
        xmlFree(v);
        if (match)
            return c;
    }
    return NULL;
}

/* The child [in] name (with [in] id when match_id), created if missing. */
static xmlNode *ensure_child(xmlNode *parent, const char *name, const char *id, bool match_id)
{
    xmlNode *c = child_named(parent, name, match_id ? id : NULL);
    if (c == NULL) {
        c = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
        if (id != NULL)
            xmlSetProp(c, (const xmlChar *)"id", (const xmlChar *)id);
    }
    return c;
}

static xmlNode *ensure(xmlNode *parent, const char *name, const char *id)
{
    return ensure_child(parent, name, id, true);
}

static xmlNode *node_state(xmlNode *root, const char *node)
{
    xmlNode *status = ensure_child(root, "status", NULL, false);
    for (xmlNode *c = status->children; c != NULL; c = c->next) {
        xmlChar *u = c->type == XML_ELEMENT_NODE ? xmlGetProp(c, (const xmlChar *)"uname") : NULL;
        bool match = u != NULL && strcmp((const char *)u, node) == 0;
        xmlFree(u);
        if (match)
            return c;
    }
    xmlNode *ns = xmlNewChild(status, NULL, (const xmlChar *)"node_state", NULL);
    xmlSetProp(ns, (const xmlChar *)"id", (const xmlChar *)node);
    xmlSetProp(ns, (const xmlChar *)"uname", (const xmlChar *)node);
    return ns;
}

static int max_call_id(xmlNode *n)
{
    int best = 0;
    for (xmlNode *c = n->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *v = xmlGetProp(c, (const xmlChar *)"call-id");
        if (v != NULL && atoi((const char *)v) > best)
            best = atoi((const char *)v);
        xmlFree(v);
        int sub = max_call_id(c);
        if (sub > best)
            best = sub;
    }
    return best;
}

static void bump_failcount(xmlNode *ns, const char *key, const char *rsc, int64_t now, bool infinity)
{
    xmlNode *ta = ensure_child(ns, "transient_attributes", "transient", false);
    xmlNode *ia = ensure_child(ta, "instance_attributes", "transient-attrs", false);
    char *fc = g_strdup_printf("fail-count-%s", key), *lf = g_strdup_printf("last-failure-%s", key);
    xmlNode *nv = child_named(ia, "nvpair", fc);
    int old = 0;
    if (nv == NULL) {
        nv = xmlNewChild(ia, NULL, (const xmlChar *)"nvpair", NULL);
        xmlSetProp(nv, (const xmlChar *)"id", (const xmlChar *)fc);
        xmlSetProp(nv, (const xmlChar *)"name", (const xmlChar *)fc);
    } else {
        xmlChar *v = xmlGetProp(nv, (const xmlChar *)"value");
        old = v != NULL ? atoi((const char *)v) : 0;
        xmlFree(v);
    }
    char *val = infinity ? g_strdup("INFINITY") : g_strdup_printf("%d", old + 1);
    xmlSetProp(nv, (const xmlChar *)"value", (const xmlChar *)val);
    xmlNode *lv = ensure(ia, "nvpair", lf);
    xmlSetProp(lv, (const xmlChar *)"name", (const xmlChar *)lf);
    char *ts = g_strdup_printf("%lld", (long long)now);
    xmlSetProp(lv, (const xmlChar *)"value", (const xmlChar *)ts);
    (void)rsc;
    g_free(ts);
    g_free(val);
    g_free(fc);
    g_free(lf);
}

/* SPEC is RSC_OP_INTERVAL@NODE[=RC]; the resource id may contain '_'. */
static int inject_failure(xmlDoc *doc, const char *spec, int64_t now)
{
    char *s = g_strdup(spec), *at = strchr(s, '@');
    int rc = 1, ret = 0;
    if (at == NULL) {
        ret = -EINVAL;
        goto done;
    }
    *at = '\0';
    char *node = at + 1, *eq = strchr(node, '=');
    if (eq != NULL) {
        *eq = '\0';
        rc = atoi(eq + 1);
    }
    char *u2 = strrchr(s, '_');
    if (u2 == NULL || *node == '\0') {
        ret = -EINVAL;
        goto done;
    }
    *u2 = '\0';
    char *u1 = strrchr(s, '_');
    if (u1 == NULL || u1 == s) {
        ret = -EINVAL;
        goto done;
    }
    *u1 = '\0';
    const char *rsc = s, *task = u1 + 1, *interval = u2 + 1;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *ns = node_state(root, node);
    xmlNode *lrs = ensure_child(ensure_child(ns, "lrm", node, false), "lrm_resources", NULL, false);
    xmlNode *lr = ensure(lrs, "lrm_resource", rsc);
    char *opid = g_strdup_printf("%s_%s_%s_injected", rsc, task, interval);
    xmlNode *op = xmlNewChild(lr, NULL, (const xmlChar *)"lrm_rsc_op", NULL);
    char *call = g_strdup_printf("%d", max_call_id(root) + 1);
    char *rcs = g_strdup_printf("%d", rc), *ts = g_strdup_printf("%lld", (long long)now);
    xmlSetProp(op, (const xmlChar *)"id", (const xmlChar *)opid);
    xmlSetProp(op, (const xmlChar *)"operation", (const xmlChar *)task);
    xmlSetProp(op, (const xmlChar *)"interval", (const xmlChar *)interval);
    xmlSetProp(op, (const xmlChar *)"call-id", (const xmlChar *)call);
    xmlSetProp(op, (const xmlChar *)"rc-code", (const xmlChar *)rcs);
    xmlSetProp(op, (const xmlChar *)"op-status", (const xmlChar *)"0");
    xmlSetProp(op, (const xmlChar *)"last-rc-change", (const xmlChar *)ts);
    char *key = g_strdup_printf("%s#%s_%s", rsc, task, interval);
    bump_failcount(ns, key, rsc, now, strcmp(task, "start") == 0);
    g_free(key);
    g_free(opid);
    g_free(call);
    g_free(rcs);
    g_free(ts);
done:
    g_free(s);
    return ret;
}

/* ------------------------------------------------------------- main */

static int parse_args(int argc, char **argv, sim_opts *o)
{
    static const struct option longopts[] = {
        { "cib", required_argument, NULL, 'c' },     { "node-down", required_argument, NULL, 'd' },
        { "node-fail", required_argument, NULL, 'f' }, { "op-fail", required_argument, NULL, 'o' },
        { "dot", required_argument, NULL, 'D' },     { "now", required_argument, NULL, 'n' },
        { "quorum", required_argument, NULL, 'q' },  { "actions", no_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
    };
    int c;
    bool b;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:d:f:o:D:n:q:ah", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': o->cib = optarg; break;
        case 'd': g_ptr_array_add(o->down, optarg); break;
        case 'f': g_ptr_array_add(o->fail, optarg); break;
        case 'o': g_ptr_array_add(o->opfail, optarg); break;
        case 'D': o->dot = optarg; break;
        case 'a': o->actions = true; break;
        case 'n': {
            char *end;
            o->now = g_ascii_strtoll(optarg, &end, 10);
            if (*end != '\0' || o->now < 0) {
                fprintf(stderr, "crmctl simulate: --now wants seconds since the epoch, not '%s'\n", optarg);
                return CRMCTL_USAGE;
            }
            break;
        }
        case 'q':
            if (vgl_bool_parse(optarg, &b) != 0) {
                fprintf(stderr, "crmctl simulate: --quorum wants yes or no, not '%s'\n", optarg);
                return CRMCTL_USAGE;
            }
            o->quorum = b;
            break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return CRMCTL_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "crmctl simulate: unexpected argument '%s'\n", argv[optind]);
        return CRMCTL_USAGE;
    }
    if (o->cib == NULL) {
        fprintf(stderr, "crmctl simulate: --cib FILE is required\n");
        usage(stderr);
        return CRMCTL_USAGE;
    }
    return CRMCTL_OK;
}

static void print_actions(const vgl_transition *t)
{
    printf("\nActions:\n");
    for (size_t i = 0; i < vgl_transition_action_count(t); i++) {
        const vgl_action *a = vgl_transition_action(t, i);
        printf("  %zu %s %s on %s", i, vgl_action_kind_str(vgl_action_get_kind(a)),
               vgl_action_instance(a) ? vgl_action_instance(a) : "-", vgl_action_node(a));
        if (vgl_action_interval_ms(a) > 0)
            printf(" every %ums", vgl_action_interval_ms(a));
        if (vgl_action_prereq_count(a) > 0) {
            printf(" after");
            for (size_t k = 0; k < vgl_action_prereq_count(a); k++)
                printf(" %zu", vgl_action_prereq(a, k));
        }
        printf("  (%s)\n", vgl_action_reason(a));
    }
}

static int write_dot(const char *path, const vgl_transition *t)
{
    char *dot = vgl_transition_dot(t);
    GError *err = NULL;
    int rc = CRMCTL_OK;
    if (!g_file_set_contents(path, dot, -1, &err)) {
        fprintf(stderr, "crmctl simulate: cannot write %s: %s\n", path, err->message);
        g_error_free(err);
        rc = CRMCTL_ERROR;
    }
    g_free(dot);
    return rc;
}

static int simulate(sim_opts *o, xmlDoc *doc)
{
    for (guint i = 0; i < o->opfail->len; i++) {
        if (inject_failure(doc, g_ptr_array_index(o->opfail, i), o->now) != 0) {
            fprintf(stderr, "crmctl simulate: --op-fail wants RSC_OP_INTERVAL@NODE[=RC], not '%s'\n",
                    (char *)g_ptr_array_index(o->opfail, i));
            return CRMCTL_USAGE;
        }
    }
    vgl_sched_view *view = NULL;
    vgl_transition *t = NULL;
    int rc = vgl_sched_view_from_cib(doc, &view);
    if (rc != 0) {
        fprintf(stderr, "crmctl simulate: %s: not a CIB: %s\n", o->cib, vgl_strerror(rc));
        return CRMCTL_INVALID;
    }
    for (guint i = 0; i < o->down->len; i++)
        vgl_sched_view_set_node(view, g_ptr_array_index(o->down, i), VGL_NODE_OFFLINE);
    for (guint i = 0; i < o->fail->len; i++)
        vgl_sched_view_set_node(view, g_ptr_array_index(o->fail, i), VGL_NODE_UNCLEAN);
    if (o->quorum >= 0)
        vgl_sched_view_set_quorum(view, o->quorum);
    rc = vgl_sched_run(doc, view, o->now, &t);
    vgl_sched_view_free(view);
    if (rc != 0) {
        fprintf(stderr, "crmctl simulate: %s: %s\n", o->cib, vgl_strerror(rc));
        return CRMCTL_INVALID;
    }
    char *status = vgl_transition_status(t), *summary = vgl_transition_summary(t);
    printf("Current cluster status:\n%s\nTransition Summary:\n%s", status, summary);
    g_free(status);
    g_free(summary);
    if (o->actions)
        print_actions(t);
    rc = o->dot != NULL ? write_dot(o->dot, t) : CRMCTL_OK;
    vgl_transition_free(t);
    return rc;
}

/* Load and validate with the CIB library (errors name file, line and
 * element), then take a private copy the --op-fail injection may change. */
static xmlDoc *load(const char *path, int *rc)
{
    vgl_cib *cib = NULL;
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    int r = vgl_cib_load_file(path, &cib, errors);
    xmlDoc *doc = NULL;
    if (r == 0) {
        doc = xmlCopyDoc((xmlDoc *)vgl_cib_xml(cib), 1);
        *rc = CRMCTL_OK;
    } else {
        for (guint i = 0; i < errors->len; i++)
            fprintf(stderr, "crmctl simulate: %s\n", (char *)g_ptr_array_index(errors, i));
        if (errors->len == 0)
            fprintf(stderr, "crmctl simulate: %s: %s\n", path, vgl_strerror(r));
        *rc = r == -ENOENT ? CRMCTL_NOT_FOUND : r < 0 && r > -1000 ? CRMCTL_ERROR : CRMCTL_INVALID;
    }
    vgl_cib_free(cib);
    g_ptr_array_free(errors, TRUE);
    return doc;
}

int crmctl_simulate_main(int argc, char **argv)
{
    sim_opts o = { 0 };
    o.down = g_ptr_array_new();
    o.fail = g_ptr_array_new();
    o.opfail = g_ptr_array_new();
    o.now = (int64_t)time(NULL);
    o.quorum = -1;
    int rc = parse_args(argc, argv, &o);
    xmlDoc *doc = NULL;
    if (rc != CRMCTL_OK) {
        rc = rc < 0 ? CRMCTL_OK : rc;
        goto done;
    }
    doc = load(o.cib, &rc);
    if (doc != NULL)
        rc = simulate(&o, doc);
done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    g_ptr_array_free(o.down, TRUE);
    g_ptr_array_free(o.fail, TRUE);
    g_ptr_array_free(o.opfail, TRUE);
    return rc;
}
