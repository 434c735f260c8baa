/*
 * cib_status.c — status changes: node membership, operation results in
 * Pacemaker's resource-history format, fail counts, cleanups, transient
 * node attributes and the fence history.
 *
 * Workload: the busiest path of the CIB — every operation result of every
 * node passes here, in CPG order, on every node.  So these functions edit
 * the document in place (no copy, no full validation): they check their
 * arguments first, and only then change anything, and what they write is
 * valid by construction.  A call that changes nothing does not bump
 * num_updates.
 *
 * History rules (Pacemaker's controller, doc/cib.md has the details):
 *   one-shot op           -> lrm_rsc_op RSC_last_0
 *   recurring op          -> lrm_rsc_op RSC_OP_INTERVALMS
 *   failed op             -> also RSC_last_failure_0, and the transient
 *                            attributes fail-count-RSC#OP_INTERVALMS (+1;
 *                            INFINITY for a failed stop, and for a failed
 *                            start when start-failure-is-fatal) and
 *                            last-failure-RSC#OP_INTERVALMS = time
 *   cancelled recurring   -> its entry removed
 *   successful stop       -> the resource's recurring entries removed
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cib/cib_internal.h"

/* Pacemaker's execution status codes. */
enum { OP_PENDING = -1, OP_DONE = 0, OP_CANCELLED = 1, OP_STATUS_MAX = 11 };
enum { OCF_NOT_RUNNING = 7, OCF_DEGRADED = 190 };

static bool arg_text(GPtrArray *errors, const vgl_cib *cib, const char *what, const char *s,
                     bool may_be_null)
{
    if (s == NULL && may_be_null)
        return true;
    if (s == NULL || *s == '\0' || !vgl__cib_xml_text_ok(s)) {
        vgl__cib_xml_note(errors, cib->label, "%s is %s", what,
                          (s == NULL || *s == '\0') ? "missing" : "not valid UTF-8 XML text");
        return false;
    }
    return true;
}

static bool one_of(const char *s, const char *const *list)
{
    for (size_t i = 0; s != NULL && list[i] != NULL; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

/* The node_state of uname, created when asked and absent: its id is the
 * configured node's id (or the uname), unique among node_states. */
static xmlNode *get_node_state(vgl_cib *cib, const char *uname, bool create)
{
    xmlNode *ns = vgl__cib_node_state(cib->doc, uname), *status;
    const xmlNode *node;
    char *id;

    if (ns != NULL || !create)
        return ns;
    status = vgl__cib_xml_ensure(xmlDocGetRootElement(cib->doc), "status");
    node = vgl_cib_node(cib, uname);
    id = g_strdup(node ? vgl__cib_xml_attr(node, "id") : uname);
    for (unsigned n = 1; vgl__cib_xml_child(status, "node_state", id) != NULL; n++) {
        g_free(id);
        id = g_strdup_printf("%s-%u", node ? vgl__cib_xml_attr(node, "id") : uname, n);
    }
    ns = xmlNewChild(status, NULL, (const xmlChar *)"node_state", NULL);
    vgl__cib_xml_set(ns, "id", id);
    vgl__cib_xml_set(ns, "uname", uname);
    g_free(id);
    return ns;
}

/* <transient_attributes><instance_attributes> of ns, created when asked. */
static xmlNode *transient_set(xmlNode *ns, bool create)
{
    xmlNode *ta = vgl__cib_xml_child(ns, "transient_attributes", NULL), *set;
    const char *id = vgl__cib_xml_attr(ns, "id");
    char *set_id;

    if (ta == NULL && !create)
        return NULL;
    if (ta == NULL) {
        ta = xmlNewChild(ns, NULL, (const xmlChar *)"transient_attributes", NULL);
        vgl__cib_xml_set(ta, "id", id);
    }
    set = vgl__cib_xml_child(ta, "instance_attributes", NULL);
    if (set == NULL && create) {
        set = xmlNewChild(ta, NULL, (const xmlChar *)"instance_attributes", NULL);
        set_id = g_strdup_printf("status-%s", id);
        vgl__cib_xml_set(set, "id", set_id);
        g_free(set_id);
    }
    return set;
}

/* Set or unset a transient attribute on ns; true when it changed. */
static bool put_transient(xmlNode *ns, const char *name, const char *value)
{
    xmlNode *set = transient_set(ns, value != NULL);
    xmlNode *nv = NULL, *c;
    char *id, *base;
    bool changed = false;

    for (c = vgl__cib_xml_first(set); c != NULL;) {
        xmlNode *next = vgl__cib_xml_next(c);
        const char *n = vgl__cib_xml_attr(c, "name");

        if (n != NULL && strcmp(n, name) == 0) {
            if (value == NULL || nv != NULL) { /* unset, or a stray duplicate */
                xmlUnlinkNode(c);
                xmlFreeNode(c);
                changed = true;
            } else {
                nv = c;
            }
        }
        c = next;
    }
    if (value == NULL)
        return changed;
    if (nv != NULL) {
        const char *old = vgl__cib_xml_attr(nv, "value");

        if (old != NULL && strcmp(old, value) == 0)
            return changed;
        vgl__cib_xml_set(nv, "value", value);
        return true;
    }
    base = g_strdup_printf("%s-%s", vgl__cib_xml_attr(set, "id"), name);
    g_strdelimit(base, "#", '.');
    id = g_strdup(base);
    for (unsigned n = 1; vgl__cib_xml_child(set, "nvpair", id) != NULL; n++) {
        g_free(id);
        id = g_strdup_printf("%s-%u", base, n);
    }
    vgl__cib_xml_nvpair(set, id, name, value);
    g_free(id);
    g_free(base);
    return true;
}

/* ---- node state ---- */

static bool member_ok(const char *s, const char *yes, const char *no)
{
    uint64_t t;

    return s == NULL || strcmp(s, yes) == 0 || strcmp(s, no) == 0 ||
           vgl__cib_option_uint(s, G_MAXINT64, &t);
}

int vgl_cib_set_node_state(vgl_cib *cib, const char *uname, const vgl_cib_node_state *state,
                           GPtrArray *errors)
{
    static const char *const joins[] = { "down", "pending", "member", "banned", NULL };
    const char *names[] = { "in_ccm", "crmd", "join", "expected" };
    const char *values[4];
    xmlNode *ns;
    bool changed = false;

    if (cib == NULL || state == NULL || !arg_text(errors, cib, "the node name", uname, false))
        return VGL_E_INVALID;
    values[0] = state->in_ccm;
    values[1] = state->crmd;
    values[2] = state->join;
    values[3] = state->expected;
    if (!member_ok(values[0], "true", "false") || !member_ok(values[1], "online", "offline") ||
        (values[2] && !one_of(values[2], joins)) || (values[3] && !one_of(values[3], joins))) {
        vgl__cib_xml_note(errors, cib->label, "node state for %s: in_ccm must be true, false or a "
                          "time; crmd online, offline or a time; join and expected down, pending, "
                          "member or banned", uname);
        return VGL_E_INVALID;
    }
    changed = get_node_state(cib, uname, false) == NULL;
    ns = get_node_state(cib, uname, true);
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        const char *old = vgl__cib_xml_attr(ns, names[i]);

        if (values[i] == NULL || (old != NULL && strcmp(old, values[i]) == 0))
            continue;
        vgl__cib_xml_set(ns, names[i], values[i]);
        changed = true;
    }
    if (changed)
        vgl__cib_bump_updates(cib);
    return 0;
}

/* ---- operation results ---- */

bool vgl_cib_op_is_failure(const vgl_cib_op_result *res)
{
    bool probe;

    if (res == NULL || res->op_status == OP_PENDING || res->op_status == OP_CANCELLED)
        return false;
    if (res->op_status != OP_DONE)
        return true;
    probe = res->operation && strcmp(res->operation, "monitor") == 0 && res->interval_ms == 0;
    if (probe && (res->rc == 0 || res->rc == OCF_NOT_RUNNING))
        return false;
    if (res->rc == res->expected_rc || (res->rc == OCF_DEGRADED && res->expected_rc == 0))
        return false;
    return true;
}

static bool op_name_ok(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 64)
        return false;
    for (const char *p = s; *p; p++) {
        if (!(g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_' || *p == '-'))
            return false;
    }
    return true;
}

static bool op_args_ok(vgl_cib *cib, const char *uname, const vgl_cib_op_result *r, GPtrArray *errors)
{
    static const char *const classes[] = { "ocf", "stonith", "lsb", "systemd", "service", NULL };
    const char *why = NULL;

    if (!arg_text(errors, cib, "the node name", uname, false) ||
        !arg_text(errors, cib, "the resource id", r->rsc_id, false) ||
        !arg_text(errors, cib, "the resource type", r->rsc_type, false) ||
        !arg_text(errors, cib, "the provider", r->rsc_provider, true) ||
        !arg_text(errors, cib, "the op digest", r->op_digest, true) ||
        !arg_text(errors, cib, "the exit reason", r->exit_reason, true) ||
        !arg_text(errors, cib, "the transition key", r->transition_key, true))
        return false;
    if (!one_of(r->rsc_class, classes))
        why = "class must be ocf, stonith, lsb, systemd or service";
    else if ((strcmp(r->rsc_class, "ocf") == 0) != (r->rsc_provider != NULL))
        why = "a provider is needed for class ocf, and only for it";
    else if (!op_name_ok(r->operation))
        why = "the operation name must be lower-case letters, digits, _ or -";
    else if (r->rc < 0 || r->rc > 255 || r->expected_rc < 0 || r->expected_rc > 255)
        why = "rc and expected rc must be 0 to 255";
    else if (r->op_status < OP_PENDING || r->op_status > OP_STATUS_MAX)
        why = "op status must be -1 to 9";
    else if (r->call_id < -1 || r->time < 0)
        why = "call id and time must not be negative";
    if (why != NULL) {
        vgl__cib_xml_note(errors, cib->label, "operation result for %s on %s: %s",
                          r->rsc_id, uname, why);
        return false;
    }
    return true;
}

/* The lrm_resource for r on ns, created (or its agent updated). */
static xmlNode *lrm_resource(xmlNode *ns, const vgl_cib_op_result *r)
{
    xmlNode *lrm = vgl__cib_xml_child(ns, "lrm", NULL), *list, *res;

    if (lrm == NULL) {
        lrm = xmlNewChild(ns, NULL, (const xmlChar *)"lrm", NULL);
        vgl__cib_xml_set(lrm, "id", vgl__cib_xml_attr(ns, "id"));
    }
    list = vgl__cib_xml_ensure(lrm, "lrm_resources");
    res = vgl__cib_xml_child(list, "lrm_resource", r->rsc_id);
    if (res == NULL) {
        res = xmlNewChild(list, NULL, (const xmlChar *)"lrm_resource", NULL);
        vgl__cib_xml_set(res, "id", r->rsc_id);
    }
    vgl__cib_xml_set(res, "class", r->rsc_class);
    vgl__cib_xml_set(res, "provider", r->rsc_provider);
    vgl__cib_xml_set(res, "type", r->rsc_type);
    return res;
}

static void set_num(xmlNode *n, const char *name, int64_t v)
{
    char buf[32];

    g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, v);
    vgl__cib_xml_set(n, name, buf);
}

/* Write history entry id for r under res, replacing one with that id. */
static void write_entry(xmlNode *res, const char *id, const char *uname, const vgl_cib_op_result *r)
{
    xmlNode *old = vgl__cib_xml_child(res, "lrm_rsc_op", id);
    xmlNode *op = xmlNewDocNode(res->doc, NULL, (const xmlChar *)"lrm_rsc_op", NULL);
    const char *old_rc = vgl__cib_xml_attr(old, "rc-code");
    const char *old_op = vgl__cib_xml_attr(old, "operation");
    const char *old_change = vgl__cib_xml_attr(old, "last-rc-change");
    char *key = g_strdup_printf("%s_%s_%u", r->rsc_id, r->operation, r->interval_ms);
    char *tkey = r->transition_key ? g_strdup(r->transition_key)
                                   : g_strdup_printf("0:0:%d:vigil", r->expected_rc);
    char *magic = g_strdup_printf("%d:%d;%s", r->op_status, r->rc, tkey);
    char rc[16];

    g_snprintf(rc, sizeof(rc), "%d", r->rc);
    vgl__cib_xml_set(op, "id", id);
    vgl__cib_xml_set(op, "operation_key", key);
    vgl__cib_xml_set(op, "operation", r->operation);
    vgl__cib_xml_set(op, "transition-key", tkey);
    vgl__cib_xml_set(op, "transition-magic", magic);
    vgl__cib_xml_set(op, "exit-reason", r->exit_reason);
    vgl__cib_xml_set(op, "on_node", uname);
    set_num(op, "call-id", r->call_id);
    vgl__cib_xml_set(op, "rc-code", rc);
    set_num(op, "op-status", r->op_status);
    set_num(op, "interval", r->interval_ms);
    if (r->interval_ms == 0)
        set_num(op, "last-run", r->time);
    /* last-rc-change: when the op first returned this rc */
    if (old_change != NULL && old_rc != NULL && strcmp(old_rc, rc) == 0 && old_op != NULL &&
        strcmp(old_op, r->operation) == 0 && strcmp(id, key) == 0)
        vgl__cib_xml_set(op, "last-rc-change", old_change);
    else
        set_num(op, "last-rc-change", r->time);
    set_num(op, "exec-time", r->exec_ms);
    set_num(op, "queue-time", r->queue_ms);
    vgl__cib_xml_set(op, "op-digest", r->op_digest);
    if (old != NULL) {
        xmlReplaceNode(old, op);
        xmlFreeNode(old);
    } else {
        xmlAddChild(res, op);
    }
    g_free(key);
    g_free(tkey);
    g_free(magic);
}

static void remove_recurring(xmlNode *res)
{
    xmlNode *c = vgl__cib_xml_first(res);

    while (c != NULL) {
        xmlNode *next = vgl__cib_xml_next(c);
        const char *iv = vgl__cib_xml_attr(c, "interval");
        const char *id = vgl__cib_xml_attr(c, "id");

        /* the last_failure entry is history, not a running monitor */
        if (iv != NULL && strcmp(iv, "0") != 0 && id != NULL && !g_str_has_suffix(id, "_last_failure_0")) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        c = next;
    }
}

static void count_failure(vgl_cib *cib, xmlNode *ns, const vgl_cib_op_result *r)
{
    char *suffix = g_strdup_printf("%s#%s_%u", r->rsc_id, r->operation, r->interval_ms);
    char *fc = g_strconcat("fail-count-", suffix, NULL);
    char *lf = g_strconcat("last-failure-", suffix, NULL);
    xmlNode *nv = vgl__cib_nvpair_find(vgl__cib_xml_child(ns, "transient_attributes", NULL),
                                       "instance_attributes", fc, NULL, NULL);
    const char *old = vgl__cib_xml_attr(nv, "value");
    bool fatal = true;
    vgl_score count = 0;
    char buf[32];

    (void)vgl_score_parse(old, &count);
    (void)vgl_cib_option_bool(cib, "start-failure-is-fatal", &fatal);
    if (strcmp(r->operation, "stop") == 0 || (strcmp(r->operation, "start") == 0 && fatal))
        count = VGL_INFINITY;
    else
        count = vgl_score_add(count, 1);
    put_transient(ns, fc, vgl_score_str(count, buf));
    g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, r->time);
    put_transient(ns, lf, buf);
    g_free(suffix);
    g_free(fc);
    g_free(lf);
}

int vgl_cib_record_op(vgl_cib *cib, const char *uname, const vgl_cib_op_result *res,
                      GPtrArray *errors)
{
    xmlNode *ns, *rsc;
    char *id;

    if (cib == NULL || res == NULL || !op_args_ok(cib, uname, res, errors))
        return VGL_E_INVALID;
    ns = get_node_state(cib, uname, true);
    rsc = lrm_resource(ns, res);
    if (res->op_status == OP_CANCELLED) {
        char *key = g_strdup_printf("%s_%s_%u", res->rsc_id, res->operation, res->interval_ms);
        xmlNode *old = res->interval_ms ? vgl__cib_xml_child(rsc, "lrm_rsc_op", key) : NULL;

        if (old != NULL) {
            xmlUnlinkNode(old);
            xmlFreeNode(old);
        }
        g_free(key);
        vgl__cib_bump_updates(cib);
        return 0;
    }
    if (res->interval_ms > 0)
        id = g_strdup_printf("%s_%s_%u", res->rsc_id, res->operation, res->interval_ms);
    else
        id = g_strdup_printf("%s_last_0", res->rsc_id);
    write_entry(rsc, id, uname, res);
    g_free(id);
    if (vgl_cib_op_is_failure(res)) {
        id = g_strdup_printf("%s_last_failure_0", res->rsc_id);
        write_entry(rsc, id, uname, res);
        g_free(id);
        count_failure(cib, ns, res);
    } else if (res->op_status == OP_DONE && strcmp(res->operation, "stop") == 0) {
        remove_recurring(rsc);
    }
    vgl__cib_bump_updates(cib);
    return 0;
}

/* ---- cleanup ---- */

/* True when s is rsc or an instance of it ("rsc:3"). */
static bool rsc_matches(const char *s, size_t len, const char *rsc)
{
    size_t n = strlen(rsc);

    if (len < n || strncmp(s, rsc, n) != 0)
        return false;
    if (len == n)
        return true;
    if (s[n] != ':' || len == n + 1)
        return false;
    for (size_t i = n + 1; i < len; i++) {
        if (!g_ascii_isdigit(s[i]))
            return false;
    }
    return true;
}

static bool failure_attr_of(const char *name, const char *rsc)
{
    static const char *const prefixes[] = { "fail-count-", "last-failure-" };

    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        size_t p = strlen(prefixes[i]);
        const char *hash;

        if (strncmp(name, prefixes[i], p) != 0)
            continue;
        hash = strchr(name + p, '#');
        return rsc_matches(name + p, hash ? (size_t)(hash - (name + p)) : strlen(name + p), rsc);
    }
    return false;
}

/* Remove rsc's history and failure attributes from ns; true if changed. */
static bool clear_rsc_on(xmlNode *ns, const char *rsc)
{
    xmlNode *lrm = vgl__cib_xml_child(ns, "lrm", NULL);
    xmlNode *list = vgl__cib_xml_child(lrm, "lrm_resources", NULL);
    xmlNode *ta = vgl__cib_xml_child(ns, "transient_attributes", NULL);
    bool changed = false;

    for (xmlNode *r = vgl__cib_xml_first(list), *next; r != NULL; r = next) {
        const char *id = vgl__cib_xml_attr(r, "id");

        next = vgl__cib_xml_next(r);
        if (id != NULL && rsc_matches(id, strlen(id), rsc)) {
            xmlUnlinkNode(r);
            xmlFreeNode(r);
            changed = true;
        }
    }
    for (xmlNode *set = vgl__cib_xml_first(ta); set != NULL; set = vgl__cib_xml_next(set)) {
        for (xmlNode *nv = vgl__cib_xml_first(set), *next; nv != NULL; nv = next) {
            const char *name = vgl__cib_xml_attr(nv, "name");

            next = vgl__cib_xml_next(nv);
            if (name != NULL && failure_attr_of(name, rsc)) {
                xmlUnlinkNode(nv);
                xmlFreeNode(nv);
                changed = true;
            }
        }
    }
    return changed;
}

int vgl_cib_clear_resource(vgl_cib *cib, const char *rsc, const char *uname, GPtrArray *errors)
{
    xmlNode *status;
    bool changed = false;

    if (cib == NULL || !arg_text(errors, cib, "the resource id", rsc, false) ||
        !arg_text(errors, cib, "the node name", uname, true))
        return VGL_E_INVALID;
    status = vgl__cib_xml_child(xmlDocGetRootElement(cib->doc), "status", NULL);
    for (xmlNode *ns = vgl__cib_xml_first(status); ns != NULL; ns = vgl__cib_xml_next(ns)) {
        const char *u = vgl__cib_xml_attr(ns, "uname");

        if (!vgl__cib_xml_is(ns, "node_state") || (uname != NULL && (u == NULL || strcmp(u, uname) != 0)))
            continue;
        changed |= clear_rsc_on(ns, rsc);
    }
    if (changed)
        vgl__cib_bump_updates(cib);
    return 0;
}

int vgl_cib_clear_node(vgl_cib *cib, const char *uname, GPtrArray *errors)
{
    xmlNode *ns;
    bool changed = false;

    if (cib == NULL || !arg_text(errors, cib, "the node name", uname, false))
        return VGL_E_INVALID;
    ns = get_node_state(cib, uname, false);
    for (xmlNode *c = vgl__cib_xml_first(ns), *next; c != NULL; c = next) {
        next = vgl__cib_xml_next(c);
        if (vgl__cib_xml_is(c, "lrm") || vgl__cib_xml_is(c, "transient_attributes")) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
            changed = true;
        }
    }
    if (changed)
        vgl__cib_bump_updates(cib);
    return 0;
}

int vgl_cib_set_transient_attr(vgl_cib *cib, const char *uname, const char *name,
                               const char *value, GPtrArray *errors)
{
    xmlNode *ns;

    if (cib == NULL || !arg_text(errors, cib, "the node name", uname, false) ||
        !arg_text(errors, cib, "the attribute name", name, false) ||
        !arg_text(errors, cib, "the value", value, true))
        return VGL_E_INVALID;
    ns = get_node_state(cib, uname, value != NULL);
    if (ns != NULL && put_transient(ns, name, value))
        vgl__cib_bump_updates(cib);
    return 0;
}

/* ---- fence history ---- */

int vgl_cib_add_fence_event(vgl_cib *cib, const vgl_cib_fence_event *ev, GPtrArray *errors)
{
    static const char *const actions[] = { "off", "on", "reboot", NULL };
    static const char *const states[] = { "success", "failed", "pending", NULL };
    xmlNode *hist, *e;
    uint64_t next = 1, n;
    guint count = 0;
    char id[32];

    if (cib == NULL || ev == NULL || !arg_text(errors, cib, "the fence target", ev->target, false) ||
        !arg_text(errors, cib, "the origin", ev->origin, false) ||
        !arg_text(errors, cib, "the client", ev->client, false) ||
        !arg_text(errors, cib, "the delegate", ev->delegate, true) ||
        !arg_text(errors, cib, "the exit reason", ev->exit_reason, true))
        return VGL_E_INVALID;
    if (!one_of(ev->action, actions) || !one_of(ev->status, states) || ev->completed < 0) {
        vgl__cib_xml_note(errors, cib->label, "fence event for %s: action must be off, on or "
                          "reboot; status success, failed or pending; completed not negative",
                          ev->target);
        return VGL_E_INVALID;
    }
    hist = vgl__cib_xml_ensure(vgl__cib_xml_ensure(xmlDocGetRootElement(cib->doc), "status"),
                               "fence_history");
    for (e = vgl__cib_xml_first(hist); e != NULL; e = vgl__cib_xml_next(e), count++) {
        const char *eid = vgl__cib_xml_attr(e, "id");

        if (eid != NULL && g_str_has_prefix(eid, "fence-") &&
            vgl__cib_option_uint(eid + 6, G_MAXINT64 - 1, &n) && n >= next)
            next = n + 1;
    }
    e = xmlNewChild(hist, NULL, (const xmlChar *)"fence_event", NULL);
    g_snprintf(id, sizeof(id), "fence-%" G_GUINT64_FORMAT, next);
    vgl__cib_xml_set(e, "id", id);
    vgl__cib_xml_set(e, "target", ev->target);
    vgl__cib_xml_set(e, "action", ev->action);
    vgl__cib_xml_set(e, "status", ev->status);
    vgl__cib_xml_set(e, "delegate", ev->delegate);
    vgl__cib_xml_set(e, "origin", ev->origin);
    vgl__cib_xml_set(e, "client", ev->client);
    vgl__cib_xml_set(e, "exit-reason", ev->exit_reason);
    set_num(e, "completed", ev->completed);
    set_num(e, "rc", ev->rc);
    for (count++; count > VGL_CIB_FENCE_HISTORY_MAX; count--) {
        xmlNode *oldest = vgl__cib_xml_first(hist);

        xmlUnlinkNode(oldest);
        xmlFreeNode(oldest);
    }
    vgl__cib_bump_updates(cib);
    return 0;
}
