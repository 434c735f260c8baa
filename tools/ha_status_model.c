/*
 * ha_status_model.c — building the snapshot (ha_status.h) from vigild's
 * STATUS reply and the CIB.
 *
 * Membership, quorum, the coordinator and the transition come from STATUS
 * (or, for a CIB file alone, from its status section the way crm_simulate
 * reads it).  Placements come from the scheduler run on the CIB with that
 * view: current node, next node and flags per primitive instance.  The
 * rest is read from the CIB: node attributes (standby, maintenance), the
 * operation history ("since", last failures), fail counts (transient
 * attributes fail-count-RSC#OP_INTERVAL), constraints left by move and ban
 * (ids cli-prefer-RSC and cli-ban-RSC-on-NODE, as Pacemaker names them)
 * and the fence history.  The CIB is trusted as far as vigild validated
 * it; anything missing is shown as unknown, never fatal.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <vigil/cib.h>
#include <vigil/sched.h>

#include "tools/crm_syntax.h"
#include "tools/ha_status_internal.h"

#define attr crm_syntax_attr
#define child crm_syntax_child

static bool is(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int64_t attr_int(const xmlNode *n, const char *name)
{
    const char *v = attr(n, name);
    gint64 i = 0;

    if (v == NULL || !g_ascii_string_to_signed(v, 10, G_MININT64, G_MAXINT64, &i, NULL))
        return 0;
    return i;
}

static xmlNode *cib_section(const vgl_cib *cib, const char *name)
{
    xmlNode *root = xmlDocGetRootElement((xmlDoc *)vgl_cib_xml(cib));

    if (strcmp(name, "status") == 0)
        return child(root, name);
    return child(child(root, "configuration"), name);
}

/* ------------------------------------------------------------- freeing */

static void node_free(gpointer p)
{
    hs_node *n = p;
    g_free(n->name);
    g_free(n->state);
    g_free(n);
}

static void rsc_free(gpointer p)
{
    hs_rsc *r = p;
    g_free(r->id);
    g_free(r->group);
    g_free(r->clone);
    g_free(r->agent);
    g_free(r->current);
    g_free(r->next);
    g_free(r->state);
    g_free(r);
}

static void failure_free(gpointer p)
{
    hs_failure *f = p;
    g_free(f->rsc);
    g_free(f->node);
    g_free(f->op);
    g_free(f->reason);
    g_free(f);
}

static void cons_free(gpointer p)
{
    hs_cons *c = p;
    g_free(c->id);
    g_free(c->rsc);
    g_free(c->node);
    g_free(c->expires);
    g_free(c);
}

static void fence_free(gpointer p)
{
    hs_fence *f = p;
    g_free(f->target);
    g_free(f->action);
    g_free(f->status);
    g_free(f->delegate);
    g_free(f->origin);
    g_free(f->reason);
    g_free(f);
}

void ha_status_free(ha_status *st)
{
    if (st == NULL)
        return;
    g_free(st->self);
    g_free(st->coordinator);
    g_free(st->view_state);
    g_free(st->transition);
    g_ptr_array_unref(st->nodes);
    g_ptr_array_unref(st->rscs);
    g_ptr_array_unref(st->failures);
    g_ptr_array_unref(st->cons);
    g_ptr_array_unref(st->fencing);
    vgl_cib_free(st->cib);
    g_free(st);
}

/* ------------------------------------------------------------- status */

static char *lookup_str(GVariant *v, const char *key)
{
    const char *s = NULL;

    if (v != NULL && g_variant_lookup(v, key, "&s", &s))
        return g_strdup(s);
    return NULL;
}

/* Cluster-wide fields from STATUS; the view for the scheduler. */
static vgl_sched_view *read_status(ha_status *st, GVariant *status)
{
    vgl_sched_view *view;
    GVariant *nodes;
    gboolean q = FALSE;
    guint64 t = 0;
    guint32 u = 0;

    st->self = lookup_str(status, "node");
    st->coordinator = lookup_str(status, "coordinator");
    if (st->coordinator != NULL && *st->coordinator == '\0')
        g_clear_pointer(&st->coordinator, g_free);
    st->view_state = lookup_str(status, "view_state");
    st->transition = lookup_str(status, "transition_state");
    if (g_variant_lookup(status, "quorate", "b", &q))
        st->quorate = q;
    if (g_variant_lookup(status, "cib_version", "t", &t))
        st->epoch = t;
    if (g_variant_lookup(status, "num_updates", "t", &t))
        st->num_updates = t;
    if (g_variant_lookup(status, "transition_done", "u", &u))
        st->trans_done = u;
    if (g_variant_lookup(status, "transition_total", "u", &u))
        st->trans_total = u;
    if (g_variant_lookup(status, "inflight", "u", &u))
        st->inflight = u;
    view = vgl_sched_view_new(st->quorate);
    nodes = g_variant_lookup_value(status, "nodes", G_VARIANT_TYPE("aa{sv}"));
    for (gsize i = 0; nodes != NULL && i < g_variant_n_children(nodes); i++) {
        GVariant *n = g_variant_get_child_value(nodes, i);
        char *name = lookup_str(n, "name"), *state = lookup_str(n, "state");
        if (name != NULL && *name != '\0') {
            vgl_node_state s = VGL_NODE_OFFLINE;
            if (g_strcmp0(state, "online") == 0 || g_strcmp0(state, "leaving") == 0)
                s = VGL_NODE_ONLINE;
            else if (g_strcmp0(state, "unclean") == 0)
                s = VGL_NODE_UNCLEAN;
            vgl_sched_view_set_node(view, name, s);
        }
        g_free(name);
        g_free(state);
        g_variant_unref(n);
    }
    if (nodes != NULL)
        g_variant_unref(nodes);
    return view;
}

/* ------------------------------------------------------------- nodes */

/* The STATUS state of [in] name ("online", "leaving"...), or one derived
 * from the view. */
static char *base_state(GVariant *status, const vgl_sched_view *view, const char *name)
{
    GVariant *nodes = status ? g_variant_lookup_value(status, "nodes", G_VARIANT_TYPE("aa{sv}")) : NULL;
    char *state = NULL;

    for (gsize i = 0; nodes != NULL && state == NULL && i < g_variant_n_children(nodes); i++) {
        GVariant *n = g_variant_get_child_value(nodes, i);
        char *nm = lookup_str(n, "name");
        if (g_strcmp0(nm, name) == 0)
            state = lookup_str(n, "state");
        g_free(nm);
        g_variant_unref(n);
    }
    if (nodes != NULL)
        g_variant_unref(nodes);
    if (state != NULL)
        return state;
    switch (vgl_sched_view_node_state(view, name)) {
    case VGL_NODE_ONLINE: return g_strdup("online");
    case VGL_NODE_UNCLEAN: return g_strdup("unclean");
    case VGL_NODE_OFFLINE: break;
    }
    return g_strdup("offline");
}

static bool node_flag(const vgl_cib *cib, const char *name, const char *attribute)
{
    const char *v = vgl_cib_node_attr(cib, name, attribute, VGL_CIB_ATTR_ANY);
    bool b = false;

    return v != NULL && vgl_bool_parse(v, &b) == 0 && b;
}

static int64_t last_fenced(const ha_status *st, const char *name)
{
    for (guint i = 0; i < st->fencing->len; i++) {
        const hs_fence *f = g_ptr_array_index(st->fencing, i);
        if (strcmp(f->target, name) == 0 && g_strcmp0(f->status, "success") == 0)
            return f->completed ? f->completed : 1;
    }
    return 0;
}

static void add_node(ha_status *st, GVariant *status, const vgl_sched_view *view, const char *name)
{
    hs_node *n;

    for (guint i = 0; i < st->nodes->len; i++) {
        if (strcmp(((hs_node *)g_ptr_array_index(st->nodes, i))->name, name) == 0)
            return;
    }
    n = g_new0(hs_node, 1);
    n->name = g_strdup(name);
    n->state = base_state(status, view, name);
    n->member = strcmp(n->state, "online") == 0 || strcmp(n->state, "leaving") == 0;
    n->coordinator = g_strcmp0(st->coordinator, name) == 0;
    n->self = g_strcmp0(st->self, name) == 0;
    n->fenced_at = last_fenced(st, name);
    if (strcmp(n->state, "online") == 0 && node_flag(st->cib, name, "maintenance"))
        g_free(n->state), n->state = g_strdup("maintenance");
    else if (strcmp(n->state, "online") == 0 && node_flag(st->cib, name, "standby"))
        g_free(n->state), n->state = g_strdup("standby");
    else if (strcmp(n->state, "offline") == 0 && n->fenced_at != 0)
        g_free(n->state), n->state = g_strdup("fenced");
    g_ptr_array_add(st->nodes, n);
}

/* node1, node2, node10: names in natural order. */
static gint node_cmp(gconstpointer a, gconstpointer b)
{
    const hs_node *x = *(hs_node *const *)a, *y = *(hs_node *const *)b;
    char *kx = g_utf8_collate_key_for_filename(x->name, -1), *ky = g_utf8_collate_key_for_filename(y->name, -1);
    int c = strcmp(kx, ky);

    g_free(kx);
    g_free(ky);
    return c;
}

static void read_nodes(ha_status *st, GVariant *status, const vgl_sched_view *view)
{
    xmlNode *nodes = cib_section(st->cib, "nodes");

    for (xmlNode *c = nodes ? nodes->children : NULL; c != NULL; c = c->next) {
        if (is(c, "node") && attr(c, "uname") != NULL)
            add_node(st, status, view, attr(c, "uname"));
    }
    for (size_t i = 0; i < vgl_sched_view_node_count(view); i++)
        add_node(st, status, view, vgl_sched_view_node_name(view, i));
    g_ptr_array_sort(st->nodes, node_cmp);
}

/* ------------------------------------------------------------ history */

/* The <lrm_resource id=RSC> of node NAME, or NULL. */
static xmlNode *lrm_resource(const ha_status *st, const char *node, const char *rsc)
{
    xmlNode *status = cib_section(st->cib, "status");

    for (xmlNode *ns = status ? status->children : NULL; ns != NULL; ns = ns->next) {
        xmlNode *lrs;
        if (!is(ns, "node_state") || g_strcmp0(attr(ns, "uname"), node) != 0)
            continue;
        lrs = child(child(ns, "lrm"), "lrm_resources");
        for (xmlNode *r = lrs ? lrs->children : NULL; r != NULL; r = r->next) {
            if (is(r, "lrm_resource") && g_strcmp0(attr(r, "id"), rsc) == 0)
                return r;
        }
    }
    return NULL;
}

static xmlNode *history_op(xmlNode *lrm_rsc, const char *suffix)
{
    char *id = g_strconcat(attr(lrm_rsc, "id"), suffix, NULL);
    xmlNode *hit = NULL;

    for (xmlNode *op = lrm_rsc ? lrm_rsc->children : NULL; op != NULL && hit == NULL; op = op->next) {
        if (is(op, "lrm_rsc_op") && g_strcmp0(attr(op, "id"), id) == 0)
            hit = op;
    }
    g_free(id);
    return hit;
}

/* "ping:1" -> "ping" for clone instances. */
static char *primitive_of(const char *instance, bool cloned)
{
    const char *colon = strrchr(instance, ':');

    return cloned && colon ? g_strndup(instance, (gsize)(colon - instance)) : g_strdup(instance);
}

/* ---------------------------------------------------------- resources */

static char *join_current(const vgl_placement *p)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < vgl_placement_current_count(p); i++)
        g_string_append_printf(s, "%s%s", i ? "," : "", vgl_placement_current(p, i));
    return g_string_free(s, s->len == 0);
}

static const char *rsc_state(const hs_rsc *r)
{
    if (r->failed && r->current != NULL)
        return "FAILED";
    if (r->blocked)
        return "Blocked";
    if (r->current == NULL)
        return r->next ? "Starting" : "Stopped";
    if (r->next == NULL)
        return "Stopping";
    if (strcmp(r->current, r->next) != 0)
        return "Moving";
    return "Started";
}

static void read_resources(ha_status *st, const vgl_transition *t)
{
    for (size_t i = 0; t != NULL && i < vgl_transition_placement_count(t); i++) {
        const vgl_placement *p = vgl_transition_placement(t, i);
        hs_rsc *r = g_new0(hs_rsc, 1);
        unsigned flags = vgl_placement_flags(p);

        r->id = g_strdup(vgl_placement_resource(p));
        r->group = g_strdup(vgl_placement_group(p));
        r->clone = g_strdup(vgl_placement_clone(p));
        r->agent = g_strdup(vgl_placement_agent(p));
        r->current = join_current(p);
        r->next = g_strdup(vgl_placement_next(p));
        r->failed = (flags & VGL_PLACE_FAILED) != 0;
        r->blocked = (flags & VGL_PLACE_BLOCKED) != 0;
        r->unmanaged = (flags & VGL_PLACE_UNMANAGED) != 0;
        r->disabled = (flags & VGL_PLACE_DISABLED) != 0;
        r->pending = (flags & VGL_PLACE_PENDING) != 0;
        r->state = g_strdup(rsc_state(r));
        if (r->current != NULL && strchr(r->current, ',') == NULL) {
            char *prim = primitive_of(r->id, r->clone != NULL);
            xmlNode *last = history_op(lrm_resource(st, r->current, prim), "_last_0");
            r->since = attr_int(last, "last-rc-change");
            g_free(prim);
        }
        g_ptr_array_add(st->rscs, r);
    }
}

/* ------------------------------------------------------------ failures */

/* migration-threshold of rsc: its meta, its parents', rsc_defaults. */
static int threshold_of(const ha_status *st, const char *rsc)
{
    const xmlNode *el = vgl_cib_find(st->cib, rsc);
    xmlNode *defaults = cib_section(st->cib, "rsc_defaults");
    vgl_score sc = 0;

    for (; el != NULL; el = el->parent) {
        const xmlNode *meta = child(el, "meta_attributes");
        for (xmlNode *nv = meta ? meta->children : NULL; nv != NULL; nv = nv->next) {
            if (g_strcmp0(attr(nv, "name"), "migration-threshold") == 0)
                return vgl_score_parse(attr(nv, "value"), &sc) == 0 && sc < VGL_INFINITY ? (int)sc : 0;
        }
        if (is(el, "resources"))
            break;
    }
    el = child(defaults, "meta_attributes");
    for (xmlNode *nv = el ? el->children : NULL; nv != NULL; nv = nv->next) {
        if (g_strcmp0(attr(nv, "name"), "migration-threshold") == 0)
            return vgl_score_parse(attr(nv, "value"), &sc) == 0 && sc < VGL_INFINITY ? (int)sc : 0;
    }
    return 0;
}

static hs_failure *failure_for(ha_status *st, const char *rsc, const char *node)
{
    hs_failure *f;

    for (guint i = 0; i < st->failures->len; i++) {
        f = g_ptr_array_index(st->failures, i);
        if (strcmp(f->rsc, rsc) == 0 && strcmp(f->node, node) == 0)
            return f;
    }
    f = g_new0(hs_failure, 1);
    f->rsc = g_strdup(rsc);
    f->node = g_strdup(node);
    f->threshold = threshold_of(st, rsc);
    g_ptr_array_add(st->failures, f);
    return f;
}

/* fail-count-RSC#OP_INTERVAL attributes of one node_state. */
static void read_fail_counts(ha_status *st, const xmlNode *ns, const char *node)
{
    xmlNode *ia = child(child(ns, "transient_attributes"), "instance_attributes");

    for (xmlNode *nv = ia ? ia->children : NULL; nv != NULL; nv = nv->next) {
        const char *name = attr(nv, "name");
        const char *hash = name ? strrchr(name, '#') : NULL;
        vgl_score n = 0;
        char *rsc;
        hs_failure *f;

        if (!g_str_has_prefix(name ? name : "", "fail-count-") || hash == NULL ||
            vgl_score_parse(attr(nv, "value"), &n) != 0 || n <= 0)
            continue;
        rsc = g_strndup(name + strlen("fail-count-"), (gsize)(hash - name - strlen("fail-count-")));
        f = failure_for(st, rsc, node);
        f->fail_count = (int)vgl_score_add(f->fail_count, n);
        g_free(rsc);
    }
}

static void read_failures(ha_status *st)
{
    xmlNode *status = cib_section(st->cib, "status");

    for (xmlNode *ns = status ? status->children : NULL; ns != NULL; ns = ns->next) {
        const char *node = attr(ns, "uname");
        xmlNode *lrs = child(child(ns, "lrm"), "lrm_resources");

        if (!is(ns, "node_state") || node == NULL)
            continue;
        for (xmlNode *r = lrs ? lrs->children : NULL; r != NULL; r = r->next) {
            xmlNode *op = is(r, "lrm_resource") ? history_op(r, "_last_failure_0") : NULL;
            hs_failure *f;
            if (op == NULL || attr(r, "id") == NULL)
                continue;
            f = failure_for(st, attr(r, "id"), node);
            f->op = g_strdup(attr(op, "operation"));
            f->interval_ms = (uint32_t)attr_int(op, "interval");
            f->rc = (int)attr_int(op, "rc-code");
            f->time = attr_int(op, "last-rc-change");
            if (attr(op, "exit-reason") != NULL && *attr(op, "exit-reason") != '\0')
                f->reason = g_strdup(attr(op, "exit-reason"));
        }
        read_fail_counts(st, ns, node);
    }
}

/* ------------------------------------------------- constraints, fencing */

/* The node a cli- constraint names: its node attribute, or the value of
 * a "#uname eq NODE" expression in its rule; also the rule's end date. */
static void cli_target(const xmlNode *loc, hs_cons *c)
{
    const xmlNode *rule = child(loc, "rule");

    c->node = g_strdup(attr(loc, "node"));
    for (const xmlNode *e = rule ? rule->children : NULL; e != NULL; e = e->next) {
        if (is(e, "expression") && g_strcmp0(attr(e, "attribute"), "#uname") == 0 && c->node == NULL)
            c->node = g_strdup(attr(e, "value"));
        else if (is(e, "date_expression") && attr(e, "end") != NULL)
            c->expires = g_strdup(attr(e, "end"));
    }
}

static void read_constraints(ha_status *st)
{
    xmlNode *cons = cib_section(st->cib, "constraints");

    for (xmlNode *l = cons ? cons->children : NULL; l != NULL; l = l->next) {
        const char *id = attr(l, "id");
        hs_cons *c;
        bool ban = g_str_has_prefix(id ? id : "", "cli-ban-");

        if (!is(l, "rsc_location") || (!ban && !g_str_has_prefix(id ? id : "", "cli-prefer-")))
            continue;
        c = g_new0(hs_cons, 1);
        c->id = g_strdup(id);
        c->rsc = g_strdup(attr(l, "rsc"));
        c->ban = ban;
        cli_target(l, c);
        g_ptr_array_add(st->cons, c);
    }
}

static char *dup_nonempty(const char *s)
{
    return s != NULL && *s != '\0' ? g_strdup(s) : NULL;
}

static void read_fencing(ha_status *st)
{
    xmlNode *h = child(cib_section(st->cib, "status"), "fence_history");

    for (xmlNode *e = h ? h->children : NULL; e != NULL; e = e->next) {
        hs_fence *f;
        if (!is(e, "fence_event") || attr(e, "target") == NULL)
            continue;
        f = g_new0(hs_fence, 1);
        f->target = g_strdup(attr(e, "target"));
        f->action = g_strdup(attr(e, "action"));
        f->status = g_strdup(attr(e, "status"));
        f->delegate = dup_nonempty(attr(e, "delegate"));
        f->origin = dup_nonempty(attr(e, "origin"));
        f->reason = dup_nonempty(attr(e, "exit_reason"));
        f->completed = attr_int(e, "completed");
        f->rc = (int)attr_int(e, "rc");
        g_ptr_array_insert(st->fencing, 0, f);
    }
}

/* --------------------------------------------------------------- build */

static ha_status *status_alloc(int64_t now)
{
    ha_status *st = g_new0(ha_status, 1);

    st->now = now;
    st->nodes = g_ptr_array_new_with_free_func(node_free);
    st->rscs = g_ptr_array_new_with_free_func(rsc_free);
    st->failures = g_ptr_array_new_with_free_func(failure_free);
    st->cons = g_ptr_array_new_with_free_func(cons_free);
    st->fencing = g_ptr_array_new_with_free_func(fence_free);
    return st;
}

/* The view and cluster fields when there is no STATUS: from the CIB. */
static vgl_sched_view *view_from_cib(ha_status *st)
{
    vgl_sched_view *view = NULL;
    vgl_cib_version v;

    if (vgl_sched_view_from_cib(vgl_cib_xml(st->cib), &view) != 0)
        view = vgl_sched_view_new(false);
    st->quorate = vgl_sched_view_quorum(view);
    vgl_cib_get_version(st->cib, &v);
    st->epoch = v.epoch;
    st->num_updates = v.num_updates;
    return view;
}

static char *join_errors(GPtrArray *errors, int rc)
{
    GString *s = g_string_new("the CIB cannot be read: ");

    for (guint i = 0; i < errors->len && i < 5; i++)
        g_string_append_printf(s, "%s%s", i ? "; " : "", (const char *)g_ptr_array_index(errors, i));
    if (errors->len == 0)
        g_string_append(s, vgl_strerror(rc));
    return g_string_free(s, FALSE);
}

int ha_status_new(GVariant *status, const char *cib_xml, int64_t now, ha_status **out, char **error)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    vgl_sched_view *view = NULL;
    vgl_transition *t = NULL;
    vgl_cib *cib = NULL;
    ha_status *st = NULL;
    bool b = false;
    int rc = -EINVAL;

    if (out == NULL || cib_xml == NULL)
        goto done;
    rc = vgl_cib_load_string(cib_xml, -1, "cib", &cib, errors);
    if (rc != 0) {
        if (error != NULL)
            *error = join_errors(errors, rc);
        goto done;
    }
    st = status_alloc(now);
    st->cib = cib;
    st->have_status = status != NULL;
    view = status ? read_status(st, status) : view_from_cib(st);
    st->stonith = vgl_cib_option_bool(cib, "stonith-enabled", &b) == 0 && b;
    st->maintenance = vgl_cib_option_bool(cib, "maintenance-mode", &b) == 0 && b;
    read_fencing(st);
    read_nodes(st, status, view);
    if (vgl_sched_run(vgl_cib_xml(cib), view, now, &t) == 0)
        read_resources(st, t);
    read_failures(st);
    read_constraints(st);
done:
    if (out != NULL)
        *out = st;
    vgl_transition_free(t);
    vgl_sched_view_free(view);
    g_ptr_array_unref(errors);
    return rc;
}

/* ------------------------------------------------------------- lookups */

/* Whether primitive instance r belongs to [in] rsc (itself, its group or
 * its clone). */
static bool rsc_is(const hs_rsc *r, const char *rsc)
{
    char *prim = primitive_of(r->id, r->clone != NULL);
    bool hit = strcmp(prim, rsc) == 0 || strcmp(r->id, rsc) == 0 || g_strcmp0(r->group, rsc) == 0 ||
               g_strcmp0(r->clone, rsc) == 0;

    g_free(prim);
    return hit;
}

const char *ha_status_rsc_node(const ha_status *st, const char *rsc)
{
    for (guint i = 0; st != NULL && i < st->rscs->len; i++) {
        const hs_rsc *r = g_ptr_array_index(st->rscs, i);
        if (!rsc_is(r, rsc) || r->current == NULL)
            continue;
        for (guint j = 0; j < st->nodes->len; j++) {
            const char *name = ((const hs_node *)g_ptr_array_index(st->nodes, j))->name;
            size_t n = strlen(name);
            if (strncmp(r->current, name, n) == 0 && (r->current[n] == '\0' || r->current[n] == ','))
                return name;
        }
    }
    return NULL;
}

bool ha_status_has_rsc(const ha_status *st, const char *rsc)
{
    return ha_status_rsc_kind(st, rsc) != NULL;
}

const char *ha_status_rsc_kind(const ha_status *st, const char *rsc)
{
    const xmlNode *el = st && rsc ? vgl_cib_find(st->cib, rsc) : NULL;

    if (is(el, "primitive"))
        return "primitive";
    if (is(el, "group"))
        return "group";
    return is(el, "clone") ? "clone" : NULL;
}

bool ha_status_has_node(const ha_status *st, const char *node)
{
    for (guint i = 0; st != NULL && i < st->nodes->len; i++) {
        if (strcmp(((const hs_node *)g_ptr_array_index(st->nodes, i))->name, node) == 0)
            return true;
    }
    return false;
}

const char *ha_status_self(const ha_status *st)
{
    return st ? st->self : NULL;
}

unsigned ha_status_inflight(const ha_status *st)
{
    return st ? st->inflight : 0;
}

bool ha_status_quorate(const ha_status *st)
{
    return st != NULL && st->quorate;
}

/* Add each name of the comma-separated [in] nodes to [in,out] s once. */
static void add_nodes(GString *s, const char *nodes)
{
    char **list = g_strsplit(nodes ? nodes : "", ",", -1);

    for (char **p = list; *p != NULL; p++) {
        char *quoted = g_strconcat(",", *p, ",", NULL), *have = g_strconcat(",", s->str, ",", NULL);
        if (**p != '\0' && strstr(have, quoted) == NULL)
            g_string_append_printf(s, "%s%s", s->len ? "," : "", *p);
        g_free(quoted);
        g_free(have);
    }
    g_strfreev(list);
}

bool ha_status_rsc_where(const ha_status *st, const char *rsc, char **now, char **next, bool *settled)
{
    GString *n = g_string_new(NULL), *x = g_string_new(NULL);
    bool found = false, same = true;

    for (guint i = 0; st != NULL && rsc != NULL && i < st->rscs->len; i++) {
        const hs_rsc *r = g_ptr_array_index(st->rscs, i);
        if (!rsc_is(r, rsc))
            continue;
        found = true;
        /* a pending start or stop is not where it runs yet */
        same = same && !r->pending && g_strcmp0(r->current, r->next) == 0;
        add_nodes(n, r->current);
        add_nodes(x, r->next);
    }
    if (settled != NULL)
        *settled = found && same;
    *now = g_string_free(n, !found);
    *next = g_string_free(x, !found);
    return found;
}

char *ha_status_node_rscs(const ha_status *st, const char *node, bool next)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; st != NULL && i < st->rscs->len; i++) {
        const hs_rsc *r = g_ptr_array_index(st->rscs, i);
        const char *list = next ? r->next : r->current;
        char *where = g_strconcat(",", list ? list : "", ",", NULL);
        char *want = g_strconcat(",", node, ",", NULL);
        if (strstr(where, want) != NULL)
            g_string_append_printf(s, "%s%s", s->len ? "," : "", r->id);
        g_free(where);
        g_free(want);
    }
    return g_string_free(s, FALSE);
}

char **ha_status_cli_constraints(const ha_status *st, const char *rsc, const char *node)
{
    GPtrArray *ids = g_ptr_array_new();

    for (guint i = 0; st != NULL && i < st->cons->len; i++) {
        const hs_cons *c = g_ptr_array_index(st->cons, i);
        if (g_strcmp0(c->rsc, rsc) == 0 && (node == NULL || g_strcmp0(c->node, node) == 0))
            g_ptr_array_add(ids, g_strdup(c->id));
    }
    g_ptr_array_add(ids, NULL);
    return (char **)g_ptr_array_free(ids, FALSE);
}
