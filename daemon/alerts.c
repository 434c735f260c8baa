/*
 * alerts.c — run the CIB's alert agents on cluster events, with
 * Pacemaker's environment (doc/alerts.md).
 *
 * Workload: a handful of events per second in a steady cluster (recurring
 * monitors report only changes), bursts of a few hundred when a cluster
 * starts or a node with many resources fails; a few alerts configured,
 * each with a recipient or two.  An event with no alert configured costs a
 * look at the <alerts> section; the configuration is parsed again only
 * when that section's text changed.
 *
 * Invariants:
 *  - vgl_alerts_event() never blocks and never runs an agent itself: it
 *    queues runs; at most max_running agents run at once (the queue is
 *    bounded too: beyond VGL_ALERTS_MAX_QUEUED runs are dropped, counted
 *    and logged).  Runs start in the order their events came, so
 *    CRM_alert_node_sequence grows with time on this node.
 *  - An agent runs through the executor's child runner (exec_internal.h):
 *    no shell, its own session and process group, an environment built
 *    from scratch, stdout and stderr captured (bounded) and logged, and at
 *    its timeout SIGTERM then SIGKILL to the whole group.
 *  - The CIB is only read, during the call.
 *  - Node membership for "member" alerts is tracked here from the CIB's
 *    node states at each agreed view, whether or not alerts are
 *    configured, so that configuring alerts later does not report every
 *    node as newly joined.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qb/qblog.h>
#include <vigil/vigil.h>

#include "daemon/alerts.h"
#include "daemon/exec_internal.h"

/* Event kinds, as flags for <select>. */
enum {
    K_NODE = 1u << 0,
    K_FENCING = 1u << 1,
    K_RESOURCE = 1u << 2,
    K_ATTRIBUTE = 1u << 3,
    K_DEFAULT = K_NODE | K_FENCING | K_RESOURCE, /* Pacemaker's default */
};

#define MAX_TIMEOUT_MS (24u * 3600u * 1000u)
#define TSTAMP_MAX 256
#define LOG_LINES 10    /* lines of an agent's output logged per stream */
#define LOG_LINE_MAX 200

/* One alert entry: an alert with one of its recipients (or none). */
typedef struct entry {
    char *id;         /* the alert's id */
    char *rcpt_id;    /* the recipient's id, or NULL */
    char *path;
    char *recipient;  /* NULL: no recipient configured */
    uint32_t timeout_ms;
    char *tstamp;
    unsigned kinds;   /* K_* */
    char **attrs;     /* selected attribute names; NULL: all */
    char **env;       /* instance attributes, an environment (g_environ_*) */
} entry;

/* One event, ready for the agents. */
typedef struct alert_ev {
    unsigned kind;     /* one K_* */
    char **keys;       /* CRM_alert_* of the event (an environment) */
    char *attr_name;   /* K_ATTRIBUTE: the attribute */
    char *what;        /* for the log: "node node3 lost" */
} alert_ev;

/* One queued or running agent. */
typedef struct run {
    vgl_alerts *owner;
    char *label;      /* "ID to RECIPIENT", for the log */
    char *what;
    char *path;
    char **envp;
    uint32_t timeout_ms;
    vgl__exec_child *child;
} run;

struct vgl_alerts {
    char *node;
    GPtrArray *entries;     /* entry* */
    char *config_text;      /* the <alerts> section configured ("" none) */
    GHashTable *members;    /* uname -> uname: nodes we know are members */
    char **base_env;        /* what every agent starts with */
    GQueue queue;           /* run* waiting */
    GPtrArray *running;     /* run* */
    unsigned max_running;
    uint64_t sequence;
    uint64_t dropped_unlogged;
    vgl_alerts_stats st;
};

/* ---------------------------------------------------------- small XML */

static const char *attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a = n ? xmlHasProp(n, (const xmlChar *)name) : NULL;

    if (a == NULL || a->children == NULL || a->children->content == NULL)
        return NULL;
    return (const char *)a->children->content;
}

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (is(c, name))
            return c;
    }
    return NULL;
}

/* The first child called name whose attribute key is value. */
static const xmlNode *child_with(const xmlNode *n, const char *name, const char *key,
                                 const char *value)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (is(c, name) && g_strcmp0(attr(c, key), value) == 0)
            return c;
    }
    return NULL;
}

static const xmlNode *cib_section(const vgl_cib *cib, const char *top, const char *section)
{
    const xmlNode *root = xmlDocGetRootElement(vgl_cib_xml(cib));
    const xmlNode *t = child(root, top);

    return section ? child(t, section) : t;
}

static char *dump(const xmlNode *n)
{
    xmlBuffer *buf;
    char *text;

    if (n == NULL)
        return g_strdup("");
    buf = xmlBufferCreate();
    xmlNodeDump(buf, n->doc, (xmlNode *)n, 0, 0);
    text = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return text;
}

/* ---------------------------------------------------------- timestamps */

char *vgl_alerts_format_time(const char *format, int64_t sec, int usec)
{
    GString *fmt = g_string_new(NULL);
    char out[TSTAMP_MAX], frac[8];
    time_t t = (time_t)sec;
    struct tm tm;
    size_t len = 0;

    if (format == NULL || *format == '\0' || localtime_r(&t, &tm) == NULL)
        goto done;
    g_snprintf(frac, sizeof(frac), "%06d", CLAMP(usec, 0, 999999));
    for (const char *p = format; *p; p++) {
        const char *q = p + 1;
        int width;

        if (*p != '%') {
            g_string_append_c(fmt, *p);
            continue;
        }
        while (g_ascii_isdigit(*q))
            q++;
        if (*q != 'N') {
            /* An ordinary conversion ("%%" too): strftime's business. */
            g_string_append_len(fmt, p, (gssize)(q - p + (*q != '\0')));
            p = *q != '\0' ? q : q - 1;
            continue;
        }
        width = q > p + 1 ? atoi(p + 1) : 6;
        g_string_append_len(fmt, frac, CLAMP(width, 0, 6));
        p = q;
    }
    /* The format is the user's (timestamp-format); strftime is safe with
     * any format and the output size is bounded. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    len = strftime(out, sizeof(out), fmt->str, &tm);
#pragma GCC diagnostic pop
done:
    g_string_free(fmt, TRUE);
    return len > 0 ? g_strndup(out, len) : NULL;
}

/* ------------------------------------------------------- configuration */

static void entry_free(gpointer p)
{
    entry *e = p;

    g_free(e->id);
    g_free(e->rcpt_id);
    g_free(e->path);
    g_free(e->recipient);
    g_free(e->tstamp);
    g_strfreev(e->attrs);
    g_strfreev(e->env);
    g_free(e);
}

static entry *entry_dup(const entry *src)
{
    entry *e = g_new0(entry, 1);

    e->id = g_strdup(src->id);
    e->rcpt_id = g_strdup(src->rcpt_id);
    e->path = g_strdup(src->path);
    e->recipient = g_strdup(src->recipient);
    e->timeout_ms = src->timeout_ms;
    e->tstamp = g_strdup(src->tstamp);
    e->kinds = src->kinds;
    e->attrs = g_strdupv(src->attrs);
    e->env = g_strdupv(src->env);
    return e;
}

/* A shell variable name: a letter or _, then letters, digits, _. */
static bool var_name_ok(const char *name)
{
    if (name == NULL || !(g_ascii_isalpha(*name) || *name == '_'))
        return false;
    for (const char *p = name; *p; p++) {
        if (!(g_ascii_isalnum(*p) || *p == '_'))
            return false;
    }
    return true;
}

/* What the alerts of this node may not set: the keys Vigil sets. */
static bool reserved_name(const char *name)
{
    return g_str_has_prefix(name, "CRM_alert_") || g_str_has_prefix(name, "CRM_notify_");
}

/* instance_attributes of an alert or recipient: environment variables. */
static void unpack_params(entry *e, const xmlNode *el)
{
    for (const xmlNode *set = el->children; set; set = set->next) {
        if (!is(set, "instance_attributes"))
            continue;
        for (const xmlNode *nv = set->children; nv; nv = nv->next) {
            const char *name = is(nv, "nvpair") ? attr(nv, "name") : NULL;
            if (name == NULL)
                continue;
            if (!var_name_ok(name) || reserved_name(name)) {
                qb_log(LOG_WARNING, "alerts: %s: instance attribute '%s' ignored: %s", e->id, name,
                       var_name_ok(name) ? "Vigil sets the CRM_alert_ variables itself"
                                         : "an agent gets it as an environment variable, so it "
                                           "must be a shell variable name");
                continue;
            }
            e->env = g_environ_setenv(e->env, name, attr(nv, "value") ? attr(nv, "value") : "", TRUE);
        }
    }
}

/* One meta attribute; returns false when it disables the entry. */
static bool unpack_meta_one(entry *e, const char *name, const char *value)
{
    int64_t ms = 0;
    bool on = true;

    if (strcmp(name, "enabled") == 0) {
        if (vgl_bool_parse(value, &on) == 0)
            return on;
        qb_log(LOG_WARNING, "alerts: %s: enabled='%s' is not a boolean; taken as true", e->id, value);
        return true;
    }
    if (strcmp(name, "timeout") == 0) {
        if (vgl_duration_parse_ms(value, &ms) != 0 || ms <= 0) {
            qb_log(LOG_WARNING, "alerts: %s: timeout '%s' is not a positive duration; using %us",
                   e->id, value, VGL_ALERTS_DEFAULT_TIMEOUT_MS / 1000);
            ms = VGL_ALERTS_DEFAULT_TIMEOUT_MS;
        }
        e->timeout_ms = (uint32_t)MIN(ms, (int64_t)MAX_TIMEOUT_MS);
    } else if (strcmp(name, "timestamp-format") == 0) {
        char *probe = vgl_alerts_format_time(value, 0, 0);
        if (probe == NULL)
            qb_log(LOG_WARNING, "alerts: %s: timestamp-format '%s' gives an empty or too long time; "
                   "using '%s'", e->id, value, VGL_ALERTS_DEFAULT_TSTAMP);
        g_free(e->tstamp);
        e->tstamp = g_strdup(probe ? value : VGL_ALERTS_DEFAULT_TSTAMP);
        g_free(probe);
    }
    return true;
}

static bool unpack_meta(entry *e, const xmlNode *el)
{
    bool enabled = true;

    for (const xmlNode *set = el->children; set; set = set->next) {
        if (!is(set, "meta_attributes"))
            continue;
        for (const xmlNode *nv = set->children; nv; nv = nv->next) {
            if (is(nv, "nvpair") && attr(nv, "name"))
                enabled &= unpack_meta_one(e, attr(nv, "name"), attr(nv, "value") ? attr(nv, "value") : "");
        }
    }
    return enabled;
}

/* <select>: which kinds (and attributes) the entry receives. */
static void unpack_select(entry *e, const xmlNode *el)
{
    const xmlNode *sel = child(el, "select");
    GPtrArray *names = NULL;
    unsigned kinds = 0;

    for (const xmlNode *c = sel ? sel->children : NULL; c; c = c->next) {
        if (is(c, "select_nodes"))
            kinds |= K_NODE;
        else if (is(c, "select_fencing"))
            kinds |= K_FENCING;
        else if (is(c, "select_resources"))
            kinds |= K_RESOURCE;
        else if (is(c, "select_attributes")) {
            kinds |= K_ATTRIBUTE;
            for (const xmlNode *a = c->children; a; a = a->next) {
                if (is(a, "attribute") && attr(a, "name")) {
                    if (names == NULL)
                        names = g_ptr_array_new();
                    g_ptr_array_add(names, g_strdup(attr(a, "name")));
                }
            }
        }
    }
    if (kinds == 0)
        return;
    e->kinds = kinds;
    if (names != NULL) {
        g_strfreev(e->attrs);
        g_ptr_array_add(names, NULL);
        e->attrs = (char **)g_ptr_array_free(names, FALSE);
    }
}

static bool unpack(entry *e, const xmlNode *el)
{
    unpack_params(e, el);
    if (!unpack_meta(e, el))
        return false;
    unpack_select(e, el);
    return true;
}

/* The entries of one <alert>, appended to out. */
static void unpack_alert(GPtrArray *out, const xmlNode *alert)
{
    const char *id = attr(alert, "id"), *path = attr(alert, "path");
    unsigned recipients = 0;
    entry *base;

    if (id == NULL || path == NULL || !g_path_is_absolute(path)) {
        qb_log(LOG_WARNING, "alerts: %s: skipped: its path '%s' is not absolute",
               id ? id : "(an alert without id)", path ? path : "");
        return;
    }
    base = g_new0(entry, 1);
    base->id = g_strdup(id);
    base->path = g_strdup(path);
    base->timeout_ms = VGL_ALERTS_DEFAULT_TIMEOUT_MS;
    base->tstamp = g_strdup(VGL_ALERTS_DEFAULT_TSTAMP);
    base->kinds = K_DEFAULT;
    if (!unpack(base, alert)) {
        qb_log(LOG_INFO, "alerts: %s is disabled", id);
        entry_free(base);
        return;
    }
    for (const xmlNode *r = alert->children; r; r = r->next) {
        entry *e;
        if (!is(r, "recipient"))
            continue;
        recipients++;
        e = entry_dup(base);
        e->recipient = g_strdup(attr(r, "value") ? attr(r, "value") : "");
        e->rcpt_id = g_strdup(attr(r, "id"));
        if (unpack(e, r))
            g_ptr_array_add(out, e);
        else
            entry_free(e);
    }
    if (recipients == 0)
        g_ptr_array_add(out, base);
    else
        entry_free(base);
}

unsigned vgl_alerts_configure(vgl_alerts *a, const xmlNode *alerts)
{
    g_ptr_array_set_size(a->entries, 0);
    for (const xmlNode *c = alerts ? alerts->children : NULL; c; c = c->next) {
        if (is(c, "alert"))
            unpack_alert(a->entries, c);
    }
    a->st.alerts = a->entries->len;
    qb_log(LOG_INFO, "alerts: %u alert%s configured", a->entries->len,
           a->entries->len == 1 ? "" : "s");
    return a->entries->len;
}

static void refresh_config(vgl_alerts *a, const vgl_cib *cib)
{
    const xmlNode *section = cib_section(cib, "configuration", "alerts");
    char *text = dump(section);

    if (a->config_text != NULL && strcmp(text, a->config_text) == 0) {
        g_free(text);
        return;
    }
    g_free(a->config_text);
    a->config_text = text;
    vgl_alerts_configure(a, section);
}

/* ------------------------------------------------------------- strings */

/* Pacemaker's readable texts (crm_exit_str, pcmk_exec_status_str). */
static const char *rc_text(int rc)
{
    static const char *const texts[] = {
        "OK", "Error occurred", "Invalid parameter", "Unimplemented",
        "Insufficient privileges", "Not installed", "Not configured", "Not running",
        "Promoted", "Failed in promoted role",
    };

    if (rc >= 0 && rc < (int)G_N_ELEMENTS(texts))
        return texts[rc];
    if (rc == 190)
        return "Degraded";
    if (rc == 191)
        return "Degraded (promoted)";
    return "Unknown exit status";
}

static const char *status_text(int status)
{
    static const char *const texts[] = {
        "complete", "Cancelled", "Timed Out", "NOT SUPPORTED", "Error", "Hard error",
        "Fatal error", "Not installed", "Internal communication failure", "Cannot execute now",
        "No fence device", "CIB secrets unavailable",
    };

    if (status == -1)
        return "pending";
    if (status >= 0 && status < (int)G_N_ELEMENTS(texts))
        return texts[status];
    return "Error";
}

/* --------------------------------------------------------------- events */

static void ev_free(gpointer p)
{
    alert_ev *ev = p;

    g_strfreev(ev->keys);
    g_free(ev->attr_name);
    g_free(ev->what);
    g_free(ev);
}

static alert_ev *ev_new(unsigned kind, char *what)
{
    alert_ev *ev = g_new0(alert_ev, 1);

    ev->kind = kind;
    ev->keys = g_new0(char *, 1);
    ev->what = what;
    return ev;
}

static void ev_set(alert_ev *ev, const char *key, const char *value)
{
    char *name = g_strconcat("CRM_alert_", key, NULL);

    ev->keys = g_environ_setenv(ev->keys, name, value ? value : "", TRUE);
    g_free(name);
}

static void ev_set_int(alert_ev *ev, const char *key, int64_t value)
{
    char buf[24];

    g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, value);
    ev_set(ev, key, buf);
}

static const char *field_str(GVariant *fields, const char *key)
{
    const char *s = NULL;

    g_variant_lookup(fields, key, "&s", &s);
    return s;
}

/* The node id of uname: its <node id>, else its node_state id. */
static const char *node_id(const vgl_cib *cib, const char *uname)
{
    const xmlNode *n = vgl_cib_node(cib, uname);
    const xmlNode *st;

    if (n != NULL && attr(n, "id"))
        return attr(n, "id");
    st = child_with(cib_section(cib, "status", NULL), "node_state", "uname", uname);
    return st ? attr(st, "id") : "";
}

static alert_ev *node_event(const vgl_cib *cib, const char *uname, const char *state)
{
    alert_ev *ev = ev_new(K_NODE, g_strdup_printf("node %s %s", uname, state));

    ev_set(ev, "node", uname);
    ev_set(ev, "nodeid", node_id(cib, uname));
    ev_set(ev, "desc", state);
    return ev;
}

static bool in_ccm(const char *v)
{
    return v != NULL && strcmp(v, "false") != 0 && strcmp(v, "0") != 0;
}

/* An agreed view: a "member" event for every node that became one. */
static void view_events(vgl_alerts *a, const vgl_cib *cib, GPtrArray *out)
{
    const xmlNode *status = cib_section(cib, "status", NULL);

    for (const xmlNode *st = status ? status->children : NULL; st; st = st->next) {
        const char *uname = is(st, "node_state") ? attr(st, "uname") : NULL;
        if (uname == NULL)
            continue;
        if (!in_ccm(attr(st, "in_ccm"))) {
            g_hash_table_remove(a->members, uname);
        } else if (!g_hash_table_contains(a->members, uname)) {
            g_hash_table_add(a->members, g_strdup(uname));
            g_ptr_array_add(out, node_event(cib, uname, "member"));
        }
    }
}

/* The execution status the CIB recorded for an operation result: -2 when
 * it is not there (a cancelled recurring monitor leaves no entry). */
static int op_status(const vgl_cib *cib, const char *node, const char *rsc, const char *op,
                     uint32_t interval)
{
    const xmlNode *st = child_with(cib_section(cib, "status", NULL), "node_state", "uname", node);
    const xmlNode *lrm = child_with(child(child(st, "lrm"), "lrm_resources"), "lrm_resource",
                                    "id", rsc);
    char *id = interval == 0 ? g_strdup_printf("%s_last_0", rsc)
                             : g_strdup_printf("%s_%s_%u", rsc, op, interval);
    const xmlNode *rec = child_with(lrm, "lrm_rsc_op", "id", id);
    const char *s = rec && g_strcmp0(attr(rec, "operation"), op) == 0 ? attr(rec, "op-status") : NULL;

    g_free(id);
    return s ? atoi(s) : -2;
}

static alert_ev *op_event(const vgl_alerts *a, const vgl_cib *cib, GVariant *fields)
{
    const char *node = field_str(fields, "node"), *rsc = field_str(fields, "rsc");
    const char *op = field_str(fields, "op");
    gint32 rc = 1, expected = 0, status = 0;
    guint32 interval = 0, exec_ms = 0;
    alert_ev *ev;

    if (node == NULL || rsc == NULL || op == NULL || strcmp(node, a->node) != 0)
        return NULL;
    g_variant_lookup(fields, "rc", "i", &rc);
    g_variant_lookup(fields, "expected", "i", &expected);
    g_variant_lookup(fields, "interval", "u", &interval);
    g_variant_lookup(fields, "exec_ms", "u", &exec_ms);
    /* A probe that found what was expected is no news (Pacemaker). */
    if (interval == 0 && rc == expected && strcmp(op, "monitor") == 0)
        return NULL;
    if (!g_variant_lookup(fields, "status", "i", &status)) {
        status = op_status(cib, node, rsc, op, interval);
        if (status == -2 && interval > 0)
            return NULL; /* cancelled with its resource */
        if (status == -2)
            status = 0;
    }
    if (status == -1 || status == 1)
        return NULL; /* pending or cancelled: no result yet, or none */
    ev = ev_new(K_RESOURCE, g_strdup_printf("%s %s on %s: %s", rsc, op, node,
                                            status == 0 ? rc_text(rc) : status_text(status)));
    ev_set(ev, "node", node);
    ev_set(ev, "rsc", rsc);
    ev_set(ev, "task", op);
    ev_set_int(ev, "interval", interval);
    ev_set_int(ev, "rc", rc);
    ev_set_int(ev, "target_rc", expected);
    ev_set_int(ev, "status", status);
    ev_set_int(ev, "exec_time", exec_ms);
    ev_set(ev, "desc", status == 0 ? rc_text(rc) : status_text(status));
    return ev;
}

/* The newest fence_event for target in the CIB's fence history. */
static const xmlNode *last_fence(const vgl_cib *cib, const char *target)
{
    const xmlNode *hist = child(cib_section(cib, "status", NULL), "fence_history");
    const xmlNode *found = NULL;

    for (const xmlNode *e = hist ? hist->children : NULL; e; e = e->next) {
        if (is(e, "fence_event") && g_strcmp0(attr(e, "target"), target) == 0)
            found = e;
    }
    return found;
}

static alert_ev *fence_event(const vgl_cib *cib, GVariant *fields)
{
    const char *target = field_str(fields, "target"), *reason = field_str(fields, "reason");
    const xmlNode *fe;
    const char *action;
    gboolean ok = FALSE;
    int rc;
    char *desc;
    alert_ev *ev;

    if (target == NULL)
        return NULL;
    g_variant_lookup(fields, "ok", "b", &ok);
    fe = last_fence(cib, target);
    action = fe && attr(fe, "action") ? attr(fe, "action") : "reboot";
    rc = ok ? 0 : fe && attr(fe, "rc") && atoi(attr(fe, "rc")) != 0 ? atoi(attr(fe, "rc")) : 1;
    desc = g_strdup_printf("Operation %s of %s by %s for %s@%s: %s%s%s (ref=%s)", action, target,
                           fe && attr(fe, "delegate") ? attr(fe, "delegate") : "<no-one>",
                           fe && attr(fe, "client") ? attr(fe, "client") : "vigild",
                           fe && attr(fe, "origin") ? attr(fe, "origin") : "?",
                           ok ? "OK" : "failed", !ok && reason && *reason ? ": " : "",
                           !ok && reason ? reason : "", fe && attr(fe, "id") ? attr(fe, "id") : "?");
    ev = ev_new(K_FENCING, g_strdup_printf("fencing of %s (%s) %s", target, action,
                                           ok ? "succeeded" : "failed"));
    ev_set(ev, "node", target);
    ev_set(ev, "task", action);
    ev_set_int(ev, "rc", rc);
    ev_set(ev, "desc", desc);
    g_free(desc);
    return ev;
}

static alert_ev *attr_event(const vgl_alerts *a, const vgl_cib *cib, GVariant *fields)
{
    const char *node = field_str(fields, "node"), *name = field_str(fields, "name");
    const char *value = field_str(fields, "value");
    alert_ev *ev;

    if (node == NULL || name == NULL || strcmp(node, a->node) != 0)
        return NULL;
    ev = ev_new(K_ATTRIBUTE, g_strdup_printf("attribute %s on %s = %s", name, node,
                                             value ? value : ""));
    ev->attr_name = g_strdup(name);
    ev_set(ev, "node", node);
    ev_set(ev, "nodeid", node_id(cib, node));
    ev_set(ev, "attribute_name", name);
    ev_set(ev, "attribute_value", value);
    return ev;
}

/* The alert events of one replica event (appended to out). */
static void translate(vgl_alerts *a, const vgl_cib *cib, const char *kind, GVariant *fields,
                      GPtrArray *out)
{
    alert_ev *ev = NULL;

    if (strcmp(kind, "view") == 0) {
        view_events(a, cib, out);
    } else if (strcmp(kind, "node-left") == 0) {
        const char *node = field_str(fields, "node");
        if (node != NULL) {
            g_hash_table_remove(a->members, node);
            ev = node_event(cib, node, "lost");
        }
    } else if (strcmp(kind, "op") == 0) {
        ev = op_event(a, cib, fields);
    } else if (strcmp(kind, "fence") == 0) {
        ev = fence_event(cib, fields);
    } else if (strcmp(kind, "attr") == 0) {
        ev = attr_event(a, cib, fields);
    }
    if (ev != NULL)
        g_ptr_array_add(out, ev);
}

/* ---------------------------------------------------------------- runs */

static void run_free(run *r)
{
    g_free(r->label);
    g_free(r->what);
    g_free(r->path);
    g_strfreev(r->envp);
    g_free(r);
}

static void log_output(int level, const run *r, const char *stream, const char *text)
{
    char **lines = g_strsplit(text ? text : "", "\n", -1);
    unsigned shown = 0;

    for (char **l = lines; *l && shown < LOG_LINES; l++) {
        if (**l == '\0')
            continue;
        qb_log(level, "alerts: %s: %s: %.*s", r->label, stream, LOG_LINE_MAX, *l);
        shown++;
    }
    g_strfreev(lines);
}

static void pump(vgl_alerts *a);

static void run_done(const vgl__exec_child_result *res, void *user_data)
{
    run *r = user_data;
    vgl_alerts *a = r->owner;
    bool ok = res->end == VGL__EXEC_CHILD_EXITED && res->code == 0;
    int level = ok ? LOG_INFO : LOG_WARNING;

    g_ptr_array_remove_fast(a->running, r);
    a->st.running = a->running->len;
    if (ok) {
        a->st.ok++;
        qb_log(LOG_INFO, "alerts: %s for \"%s\": ok (%" PRId64 " ms)", r->label, r->what, res->exec_ms);
    } else if (res->end == VGL__EXEC_CHILD_TIMEOUT) {
        a->st.timed_out++;
        qb_log(LOG_WARNING, "alerts: %s for \"%s\": killed after its timeout of %u ms", r->label,
               r->what, r->timeout_ms);
    } else {
        a->st.failed++;
        qb_log(LOG_WARNING, "alerts: %s for \"%s\": %s %d (%" PRId64 " ms)", r->label, r->what,
               res->end == VGL__EXEC_CHILD_SIGNALED ? "killed by signal" : "failed with exit code",
               res->code, res->exec_ms);
    }
    log_output(level, r, "stdout", res->out);
    log_output(level, r, "stderr", res->err);
    run_free(r);
    pump(a);
}

/* Start r, or count and log why it cannot run. */
static void start(vgl_alerts *a, run *r)
{
    char *argv[] = { r->path, NULL };
    int rc = vgl__exec_check_executable(r->path);

    if (rc == 0) {
        rc = vgl__exec_child_spawn(NULL, &(vgl__exec_child_spec) {
                                       .path = r->path, .argv = argv, .envp = r->envp,
                                       .timeout_ms = r->timeout_ms },
                                   run_done, r, &r->child);
    }
    if (rc != 0) {
        a->st.failed++;
        qb_log(LOG_ERR, "alerts: %s for \"%s\": cannot run %s: %s", r->label, r->what, r->path,
               rc == -ENOENT ? "no such file" : rc == -EACCES ? "not an executable file"
                                                              : vgl_strerror(rc));
        run_free(r);
        return;
    }
    g_ptr_array_add(a->running, r);
    a->st.running = a->running->len;
    a->st.running_max = MAX(a->st.running_max, a->st.running);
}

static void pump(vgl_alerts *a)
{
    run *r;

    while (a->running->len < a->max_running && (r = g_queue_pop_head(&a->queue)) != NULL)
        start(a, r);
    a->st.queued = a->queue.length;
    if (a->queue.length == 0 && a->dropped_unlogged > 0) {
        qb_log(LOG_WARNING, "alerts: %" PRIu64 " alerts were dropped: more than %u were waiting",
               a->dropped_unlogged, VGL_ALERTS_MAX_QUEUED);
        a->dropped_unlogged = 0;
    }
}

static const char *kind_name(unsigned kind)
{
    return kind == K_NODE ? "node" : kind == K_FENCING ? "fencing"
         : kind == K_RESOURCE ? "resource" : "attribute";
}

/* The complete environment of one run of e for ev at sec.usec. */
static char **run_env(vgl_alerts *a, const entry *e, const alert_ev *ev, int64_t sec, int usec)
{
    char **env = g_strdupv(a->base_env);
    char *ts = vgl_alerts_format_time(e->tstamp, sec, usec);
    char buf[24];

    for (char **k = ev->keys; *k; k++) {
        char *eq = strchr(*k, '=');
        char *name = g_strndup(*k, (gsize)(eq - *k));
        env = g_environ_setenv(env, name, eq + 1, TRUE);
        g_free(name);
    }
    env = g_environ_setenv(env, "CRM_alert_kind", kind_name(ev->kind), TRUE);
    env = g_environ_setenv(env, "CRM_alert_version", PACKAGE_VERSION, TRUE);
    env = g_environ_setenv(env, "CRM_alert_recipient", e->recipient ? e->recipient : "", TRUE);
    g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT, ++a->sequence);
    env = g_environ_setenv(env, "CRM_alert_node_sequence", buf, TRUE);
    env = g_environ_setenv(env, "CRM_alert_timestamp", ts ? ts : "", TRUE);
    g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, sec);
    env = g_environ_setenv(env, "CRM_alert_timestamp_epoch", buf, TRUE);
    g_snprintf(buf, sizeof(buf), "%06d", usec);
    env = g_environ_setenv(env, "CRM_alert_timestamp_usec", buf, TRUE);
    for (char **v = e->env; v && *v; v++) {
        char *eq = strchr(*v, '=');
        char *name = g_strndup(*v, (gsize)(eq - *v));
        env = g_environ_setenv(env, name, eq + 1, TRUE);
        g_free(name);
    }
    g_free(ts);
    return env;
}

static bool wants(const entry *e, const alert_ev *ev)
{
    if (!(e->kinds & ev->kind))
        return false;
    return ev->kind != K_ATTRIBUTE || e->attrs == NULL
        || g_strv_contains((const gchar *const *)e->attrs, ev->attr_name);
}

static void dispatch(vgl_alerts *a, const alert_ev *ev, int64_t now_us)
{
    int64_t sec = now_us / G_USEC_PER_SEC;
    int usec = (int)(now_us % G_USEC_PER_SEC);

    for (guint i = 0; i < a->entries->len; i++) {
        const entry *e = g_ptr_array_index(a->entries, i);
        run *r;

        if (!wants(e, ev))
            continue;
        if (a->queue.length >= VGL_ALERTS_MAX_QUEUED) {
            a->st.dropped++;
            a->dropped_unlogged++;
            continue;
        }
        r = g_new0(run, 1);
        r->owner = a;
        r->label = e->recipient ? g_strdup_printf("%s to %s", e->id, e->recipient) : g_strdup(e->id);
        r->what = g_strdup(ev->what);
        r->path = g_strdup(e->path);
        r->timeout_ms = e->timeout_ms;
        r->envp = run_env(a, e, ev, sec, usec);
        a->st.issued++;
        g_queue_push_tail(&a->queue, r);
    }
}

void vgl_alerts_event(vgl_alerts *a, const vgl_cib *cib, const char *kind, GVariant *fields)
{
    GPtrArray *events;
    int64_t now = g_get_real_time();

    if (a == NULL || cib == NULL || kind == NULL || fields == NULL
        || !g_variant_is_of_type(fields, G_VARIANT_TYPE_VARDICT))
        return;
    refresh_config(a, cib);
    events = g_ptr_array_new_with_free_func(ev_free);
    translate(a, cib, kind, fields, events);
    for (guint i = 0; i < events->len && a->entries->len > 0; i++)
        dispatch(a, g_ptr_array_index(events, i), now);
    g_ptr_array_unref(events);
    pump(a);
}

/* ----------------------------------------------------------- life cycle */

vgl_alerts *vgl_alerts_new(const char *node_name)
{
    vgl_alerts *a = g_new0(vgl_alerts, 1);

    a->node = g_strdup(node_name ? node_name : "");
    a->entries = g_ptr_array_new_with_free_func(entry_free);
    a->members = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    a->base_env = g_environ_setenv(g_new0(char *, 1), "PATH", VGL_ALERTS_DEFAULT_PATH, TRUE);
    g_queue_init(&a->queue);
    a->running = g_ptr_array_new();
    a->max_running = VGL_ALERTS_DEFAULT_MAX_RUNNING;
    return a;
}

void vgl_alerts_free(vgl_alerts *a)
{
    run *r;

    if (a == NULL)
        return;
    if (a->running->len > 0 || a->queue.length > 0)
        qb_log(LOG_WARNING, "alerts: vigild is stopping: %u alert agents killed, %u never run",
               a->running->len, a->queue.length);
    for (guint i = 0; i < a->running->len; i++) {
        r = g_ptr_array_index(a->running, i);
        vgl__exec_child_abort(r->child);
        run_free(r);
    }
    while ((r = g_queue_pop_head(&a->queue)) != NULL)
        run_free(r);
    g_ptr_array_unref(a->running);
    g_ptr_array_unref(a->entries);
    g_hash_table_destroy(a->members);
    g_strfreev(a->base_env);
    g_free(a->config_text);
    g_free(a->node);
    g_free(a);
}

int vgl_alerts_set_max_running(vgl_alerts *a, unsigned max)
{
    if (a == NULL || max < 1 || max > 256)
        return -EINVAL;
    a->max_running = max;
    pump(a);
    return 0;
}

int vgl_alerts_set_env(vgl_alerts *a, const char *name, const char *value)
{
    if (a == NULL || !var_name_ok(name) || reserved_name(name))
        return -EINVAL;
    if (value == NULL)
        a->base_env = g_environ_unsetenv(a->base_env, name);
    else
        a->base_env = g_environ_setenv(a->base_env, name, value, TRUE);
    return 0;
}

void vgl_alerts_get_stats(const vgl_alerts *a, vgl_alerts_stats *stats)
{
    *stats = a ? a->st : (vgl_alerts_stats) { 0 };
}
