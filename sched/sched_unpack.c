/*
 * sched_unpack.c — reading the configuration section into the working set.
 *
 * Workload: one pass over crm_config, rsc_defaults, op_defaults, nodes,
 * resources and constraints; cost linear in the size of the document.
 * Invariants: every string kept is copied into t->strings (the document is
 * only borrowed while vgl_sched_run() runs); unknown or malformed elements
 * are skipped, never fatal; every primitive (clone instances included) ends
 * up in t->prims in resource order, with st[] and loc[] arrays of n_nodes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sched/sched_internal.h"

const char *vgl__sched_str(vgl_transition *t, const char *s)
{
    return s == NULL ? NULL : g_string_chunk_insert_const(t->strings, s);
}

xmlNode *vgl__sched_child(xmlNode *parent, const char *name)
{
    if (parent == NULL)
        return NULL;
    for (xmlNode *c = parent->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

/* The attribute's value, pointing into the document (no copy).  libxml2
 * keeps an attribute's value in one text child when it has no entities
 * left after parsing, which is the case for every parsed document. */
const char *vgl__sched_attr(xmlNode *node, const char *name)
{
    if (node == NULL)
        return NULL;
    for (xmlAttr *a = node->properties; a != NULL; a = a->next) {
        if (strcmp((const char *)a->name, name) == 0) {
            if (a->children == NULL)
                return "";
            if (a->children->next == NULL && a->children->type == XML_TEXT_NODE)
                return (const char *)a->children->content;
            return NULL;
        }
    }
    return NULL;
}

static bool is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* ------------------------------------------------------------ nvpairs */

typedef struct nvset {
    xmlNode *xml;
    vgl_score score;
    int pos;
} nvset;

static int nvset_cmp(const void *a, const void *b)
{
    const nvset *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->pos - y->pos;
}

static xmlNode *resolve_ref(vgl_transition *t, xmlNode *set)
{
    const char *ref = vgl__sched_attr(set, "id-ref");
    if (ref == NULL || t->root == NULL)
        return set;
    /* id-ref to another set of the same name anywhere in the document */
    GQueue q = G_QUEUE_INIT;
    g_queue_push_tail(&q, t->root);
    xmlNode *found = NULL;
    while (found == NULL && !g_queue_is_empty(&q)) {
        xmlNode *n = g_queue_pop_head(&q);
        for (xmlNode *c = n->children; c != NULL; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            const char *id = vgl__sched_attr(c, "id");
            if (id != NULL && strcmp(id, ref) == 0 && strcmp((const char *)c->name, (const char *)set->name) == 0
                && vgl__sched_attr(c, "id-ref") == NULL) {
                found = c;
                break;
            }
            g_queue_push_tail(&q, c);
        }
    }
    g_queue_clear(&q);
    return found != NULL ? found : set;
}

/* Merge the nvpairs of every <set_name> child of [in] parent into [in,out]
 * into (name -> value, both borrowed from the document), higher-scored sets
 * first, the first value for a name winning; sets whose rules are false on
 * [in] node are skipped. */
void vgl__sched_nvpairs(vgl_transition *t, xmlNode *parent, const char *set_name,
                        const sc_node *node, GHashTable *into)
{
    xmlNode *first = vgl__sched_child(parent, set_name);
    if (first == NULL)
        return; /* the usual case for most elements: nothing to allocate */
    GArray *sets = g_array_new(FALSE, FALSE, sizeof(nvset));
    int pos = 0;
    for (xmlNode *c = first; c != NULL; c = c->next) {
        if (!is_elem(c, set_name))
            continue;
        nvset s = { resolve_ref(t, c), 0, pos++ };
        const char *sc = vgl__sched_attr(s.xml, "score");
        if (sc != NULL && vgl_score_parse(sc, &s.score) != 0)
            s.score = 0;
        g_array_append_val(sets, s);
    }
    if (sets->len > 1)
        qsort(sets->data, sets->len, sizeof(nvset), nvset_cmp);
    for (guint i = 0; i < sets->len; i++) {
        xmlNode *set = g_array_index(sets, nvset, i).xml;
        xmlNode *rule = vgl__sched_child(set, "rule");
        if (rule != NULL && !vgl__sched_rule_eval(t, rule, node, NULL))
            continue;
        for (xmlNode *nv = set->children; nv != NULL; nv = nv->next) {
            if (!is_elem(nv, "nvpair"))
                continue;
            const char *name = vgl__sched_attr(nv, "name");
            const char *value = vgl__sched_attr(nv, "value");
            if (name == NULL || value == NULL || g_hash_table_contains(into, name))
                continue;
            g_hash_table_insert(into, (gpointer)name, (gpointer)value);
        }
    }
    g_array_free(sets, TRUE);
}

/* ------------------------------------------------------------ options */

static const char *opt2(GHashTable *h, const char *a, const char *b)
{
    const char *v = g_hash_table_lookup(h, a);
    return (v != NULL || b == NULL) ? v : g_hash_table_lookup(h, b);
}

static bool opt_bool(GHashTable *h, const char *a, const char *b, bool dflt)
{
    bool v;
    const char *s = opt2(h, a, b);
    return (s != NULL && vgl_bool_parse(s, &v) == 0) ? v : dflt;
}

static vgl_score opt_score(GHashTable *h, const char *a, const char *b, vgl_score dflt)
{
    vgl_score v;
    const char *s = opt2(h, a, b);
    return (s != NULL && vgl_score_parse(s, &v) == 0) ? v : dflt;
}

static int64_t opt_ms(GHashTable *h, const char *a, int64_t dflt)
{
    int64_t v;
    const char *s = g_hash_table_lookup(h, a);
    return (s != NULL && vgl_duration_parse_ms(s, &v) == 0) ? v : dflt;
}

static void unpack_cluster_options(vgl_transition *t, GHashTable *h)
{
    sc_options *o = &t->opt;
    o->fencing_enabled = opt_bool(h, "fencing-enabled", "stonith-enabled", true);
    const char *fa = opt2(h, "fencing-action", "stonith-action");
    o->fence_action = (fa != NULL && (strcmp(fa, "off") == 0 || strcmp(fa, "poweroff") == 0)) ? "off" : "reboot";
    o->symmetric = opt_bool(h, "symmetric-cluster", NULL, true);
    o->maintenance_mode = opt_bool(h, "maintenance-mode", NULL, false);
    o->start_failure_fatal = opt_bool(h, "start-failure-is-fatal", NULL, true);
    const char *nq = g_hash_table_lookup(h, "no-quorum-policy");
    o->no_quorum_policy = SC_NQ_STOP;
    if (nq != NULL && strcmp(nq, "freeze") == 0)
        o->no_quorum_policy = SC_NQ_FREEZE;
    else if (nq != NULL && strcmp(nq, "ignore") == 0)
        o->no_quorum_policy = SC_NQ_IGNORE;
    /* Pacemaker 1/2 spelling kept in crm_config; rsc_defaults wins below */
    o->stickiness = opt_score(h, "default-resource-stickiness", NULL, 0);
}

void vgl__sched_unpack_options(vgl_transition *t)
{
    xmlNode *cfg = vgl__sched_child(t->root, "configuration");
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    vgl__sched_nvpairs(t, vgl__sched_child(cfg, "crm_config"), "cluster_property_set", NULL, h);
    unpack_cluster_options(t, h);
    g_hash_table_remove_all(h);

    vgl__sched_nvpairs(t, vgl__sched_child(cfg, "rsc_defaults"), "meta_attributes", NULL, h);
    sc_options *o = &t->opt;
    o->stickiness = opt_score(h, "resource-stickiness", NULL, o->stickiness);
    o->migration_threshold = opt_score(h, "migration-threshold", NULL, VGL_INFINITY);
    o->failure_timeout_ms = opt_ms(h, "failure-timeout", 0);
    o->managed = opt_bool(h, "is-managed", NULL, true);
    o->critical = opt_bool(h, "critical", NULL, true);
    const char *tr = g_hash_table_lookup(h, "target-role");
    o->target_role = (tr != NULL && g_ascii_strcasecmp(tr, "Stopped") == 0) ? SC_ROLE_STOPPED : SC_ROLE_STARTED;
    g_hash_table_remove_all(h);

    vgl__sched_nvpairs(t, vgl__sched_child(cfg, "op_defaults"), "meta_attributes", NULL, h);
    int64_t ms = opt_ms(h, "timeout", 20000);
    o->op_timeout_ms = (ms > 0 && ms < UINT32_MAX) ? (uint32_t)ms : 20000;
    g_hash_table_destroy(h);
}

/* -------------------------------------------------------------- nodes */

static int node_add(vgl_transition *t, GArray *arr, const char *uname, const char *id)
{
    /* while the array grows the table maps a name to its index + 1 */
    gpointer old = g_hash_table_lookup(t->node_by_name, uname);
    if (old != NULL)
        return GPOINTER_TO_INT(old) - 1;
    sc_node n = { 0 };
    n.uname = vgl__sched_str(t, uname);
    n.id = vgl__sched_str(t, id != NULL ? id : uname);
    n.idx = (int)arr->len;
    n.state = VGL_NODE_OFFLINE;
    n.attrs = g_hash_table_new(g_str_hash, g_str_equal);
    g_array_append_val(arr, n);
    g_hash_table_insert(t->node_by_name, (gpointer)n.uname, GINT_TO_POINTER(n.idx + 1));
    return n.idx;
}

/* Add the nvpairs of [in] xml's instance_attributes to [in,out] n's
 * attributes (later calls override earlier ones). */
void vgl__sched_node_merge_attrs(vgl_transition *t, sc_node *n, xmlNode *xml)
{
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    vgl__sched_nvpairs(t, xml, "instance_attributes", n, h);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_hash_table_insert(n->attrs, (gpointer)vgl__sched_str(t, k), (gpointer)vgl__sched_str(t, v));
    g_hash_table_destroy(h);
}

void vgl__sched_unpack_nodes(vgl_transition *t, const vgl_sched_view *view)
{
    GArray *arr = g_array_new(FALSE, TRUE, sizeof(sc_node));
    xmlNode *cfg = vgl__sched_child(t->root, "configuration");
    xmlNode *nodes = vgl__sched_child(cfg, "nodes");
    GPtrArray *xmls = g_ptr_array_new();
    for (xmlNode *c = nodes != NULL ? nodes->children : NULL; c != NULL; c = c->next) {
        const char *uname = is_elem(c, "node") ? vgl__sched_attr(c, "uname") : NULL;
        if (uname == NULL || *uname == '\0')
            continue;
        const char *type = vgl__sched_attr(c, "type");
        if (type != NULL && strcmp(type, "member") != 0 && strcmp(type, "normal") != 0)
            continue;
        int idx = node_add(t, arr, uname, vgl__sched_attr(c, "id"));
        if ((guint)idx == xmls->len)
            g_ptr_array_add(xmls, c);
    }
    for (size_t i = 0; i < vgl_sched_view_node_count(view); i++)
        node_add(t, arr, vgl_sched_view_node_name(view, i), NULL);

    t->n_nodes = (int)arr->len;
    t->nodes = (sc_node *)(void *)g_array_free(arr, FALSE);
    g_hash_table_remove_all(t->node_by_name);
    for (int i = 0; i < t->n_nodes; i++) {
        sc_node *n = &t->nodes[i];
        g_hash_table_insert(t->node_by_name, (gpointer)n->uname, n);
        n->state = vgl_sched_view_node_state(view, n->uname);
        if ((guint)i < xmls->len)
            vgl__sched_node_merge_attrs(t, n, g_ptr_array_index(xmls, i));
    }
    g_ptr_array_free(xmls, TRUE);
}

/* ---------------------------------------------------------- resources */

static sc_on_fail parse_on_fail(const char *s)
{
    if (s == NULL)
        return SC_FAIL_DEFAULT;
    if (strcmp(s, "ignore") == 0)
        return SC_FAIL_IGNORE;
    if (strcmp(s, "restart") == 0)
        return SC_FAIL_RESTART;
    if (strcmp(s, "stop") == 0)
        return SC_FAIL_STOP;
    if (strcmp(s, "block") == 0)
        return SC_FAIL_BLOCK;
    if (strcmp(s, "fence") == 0 || strcmp(s, "stonith") == 0)
        return SC_FAIL_FENCE;
    return SC_FAIL_DEFAULT;
}

static uint32_t ms32(const char *s, uint32_t dflt)
{
    int64_t ms;
    if (s == NULL || vgl_duration_parse_ms(s, &ms) != 0 || ms < 0)
        return dflt;
    return ms > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

static void unpack_ops(vgl_transition *t, sc_rsc *r)
{
    r->ops = g_ptr_array_new_with_free_func(g_free);
    xmlNode *ops = vgl__sched_child(r->xml, "operations");
    for (xmlNode *c = ops != NULL ? ops->children : NULL; c != NULL; c = c->next) {
        const char *name = is_elem(c, "op") ? vgl__sched_attr(c, "name") : NULL;
        if (name == NULL)
            continue;
        const char *role = vgl__sched_attr(c, "role");
        if (role != NULL && strcmp(role, "Started") != 0 && strcmp(role, "Stopped") != 0)
            continue; /* promotable roles are outside the subset */
        if (role != NULL && strcmp(role, "Stopped") == 0)
            continue;
        sc_opdef *op = g_new0(sc_opdef, 1);
        op->name = vgl__sched_str(t, name);
        op->interval_ms = ms32(vgl__sched_attr(c, "interval"), 0);
        op->timeout_ms = ms32(vgl__sched_attr(c, "timeout"), 0);
        op->on_fail = parse_on_fail(vgl__sched_attr(c, "on-fail"));
        bool en = true;
        const char *e = vgl__sched_attr(c, "enabled");
        op->enabled = (e == NULL || vgl_bool_parse(e, &en) != 0) ? true : en;
        op->xml = c;
        if (vgl__sched_child(c, "instance_attributes") != NULL) {
            GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
            vgl__sched_nvpairs(t, c, "instance_attributes", NULL, h);
            const char *cl = g_hash_table_lookup(h, "OCF_CHECK_LEVEL");
            op->check_level = cl != NULL ? atoi(cl) : 0;
            g_hash_table_destroy(h);
        }
        g_ptr_array_add(r->ops, op);
    }
}

typedef struct meta {
    GHashTable *h;
} meta;

/* A meta attribute from [in] h, which is NULL when there are none. */
static const char *meta_get(GHashTable *h, const char *name)
{
    return h != NULL ? g_hash_table_lookup(h, name) : NULL;
}

static void apply_meta(vgl_transition *t, sc_rsc *r, GHashTable *h)
{
    const sc_rsc *p = r->parent;
    const sc_options *o = &t->opt;
    bool b;
    vgl_score s;
    int64_t ms;
    const char *v;

    r->stickiness = p ? p->stickiness : o->stickiness;
    if ((v = meta_get(h, "resource-stickiness")) != NULL && vgl_score_parse(v, &s) == 0)
        r->stickiness = s;
    r->migration_threshold = p ? p->migration_threshold : o->migration_threshold;
    if ((v = meta_get(h, "migration-threshold")) != NULL && vgl_score_parse(v, &s) == 0)
        r->migration_threshold = s;
    r->priority = p ? p->priority : 0;
    if ((v = meta_get(h, "priority")) != NULL && vgl_score_parse(v, &s) == 0)
        r->priority = s;
    r->failure_timeout_ms = p ? p->failure_timeout_ms : o->failure_timeout_ms;
    if ((v = meta_get(h, "failure-timeout")) != NULL && vgl_duration_parse_ms(v, &ms) == 0)
        r->failure_timeout_ms = ms;
    r->managed = p ? p->managed : o->managed;
    if ((v = meta_get(h, "is-managed")) != NULL && vgl_bool_parse(v, &b) == 0)
        r->managed = b;
    r->critical = p ? p->critical : o->critical;
    if ((v = meta_get(h, "critical")) != NULL && vgl_bool_parse(v, &b) == 0)
        r->critical = b;
    r->maintenance = p ? p->maintenance : false;
    if ((v = meta_get(h, "maintenance")) != NULL && vgl_bool_parse(v, &b) == 0)
        r->maintenance = b;
    r->target_role = p ? p->target_role : o->target_role;
    if ((v = meta_get(h, "target-role")) != NULL)
        r->target_role = g_ascii_strcasecmp(v, "Stopped") == 0 ? SC_ROLE_STOPPED : SC_ROLE_STARTED;
    r->multiple_active = p ? p->multiple_active : SC_MULTI_STOP_START;
    if ((v = meta_get(h, "multiple-active")) != NULL) {
        if (strcmp(v, "stop_only") == 0)
            r->multiple_active = SC_MULTI_STOP_ONLY;
        else if (strcmp(v, "block") == 0)
            r->multiple_active = SC_MULTI_BLOCK;
    }
}

static sc_rsc *rsc_new(vgl_transition *t, sc_kind kind, xmlNode *xml, sc_rsc *parent, int instance)
{
    sc_rsc *r = g_new0(sc_rsc, 1);
    r->kind = kind;
    r->xml = xml;
    r->parent = parent;
    r->clone_instance = instance;
    r->cfg_id = vgl__sched_str(t, vgl__sched_attr(xml, "id"));
    if (instance >= 0) {
        char *s = g_strdup_printf("%s:%d", r->cfg_id, instance);
        r->id = vgl__sched_str(t, s);
        g_free(s);
    } else {
        r->id = r->cfg_id;
    }
    r->hist_id = r->cfg_id;
    r->next = SC_NONE;
    r->prefer = SC_NONE;
    r->running_on = SC_NONE;
    r->start_action = -1;
    r->children = g_ptr_array_new();
    r->with = g_ptr_array_new();
    r->dependents = g_ptr_array_new();
    r->loc = g_new0(vgl_score, t->n_nodes);

    GHashTable *h = NULL; /* most resources have no meta attributes */
    if (vgl__sched_child(xml, "meta_attributes") != NULL) {
        h = g_hash_table_new(g_str_hash, g_str_equal);
        vgl__sched_nvpairs(t, xml, "meta_attributes", NULL, h);
    }
    apply_meta(t, r, h);
    if (kind == SC_CLONE) {
        const char *cm = meta_get(h, "clone-max");
        r->clone_max = cm != NULL ? atoi(cm) : t->n_nodes;
        if (r->clone_max < 0)
            r->clone_max = 0;
        if (meta_get(h, "resource-stickiness") == NULL
            && (parent == NULL) && r->stickiness == 0)
            r->stickiness = 1; /* Pacemaker's default for clone instances */
    }
    if (h != NULL)
        g_hash_table_destroy(h);
    g_ptr_array_add(t->all, r);
    return r;
}

static void prim_init(vgl_transition *t, sc_rsc *r)
{
    r->cls = vgl__sched_str(t, vgl__sched_attr(r->xml, "class"));
    r->provider = vgl__sched_str(t, vgl__sched_attr(r->xml, "provider"));
    r->type = vgl__sched_str(t, vgl__sched_attr(r->xml, "type"));
    r->st = g_new0(sc_rstate, t->n_nodes);
    r->order = (int)t->prims->len;
    unpack_ops(t, r);
    g_ptr_array_add(t->prims, r);
}

static void hist_add(vgl_transition *t, sc_rsc *r)
{
    GPtrArray *list = g_hash_table_lookup(t->prim_by_hist, r->hist_id);
    if (list == NULL) {
        list = g_ptr_array_new();
        g_hash_table_insert(t->prim_by_hist, (gpointer)r->hist_id, list);
    }
    g_ptr_array_add(list, r);
}

static void map_id(vgl_transition *t, const char *id, sc_rsc *r)
{
    if (id != NULL && !g_hash_table_contains(t->rsc_by_id, id))
        g_hash_table_insert(t->rsc_by_id, (gpointer)id, r);
}

static sc_rsc *unpack_one(vgl_transition *t, xmlNode *xml, sc_rsc *parent, int instance, sc_rsc *clone);

static void unpack_group(vgl_transition *t, sc_rsc *g, int instance, sc_rsc *clone)
{
    for (xmlNode *c = g->xml->children; c != NULL; c = c->next) {
        if (!is_elem(c, "primitive") || vgl__sched_attr(c, "id") == NULL)
            continue;
        sc_rsc *m = unpack_one(t, c, g, instance, clone);
        if (m != NULL)
            g_ptr_array_add(g->children, m);
    }
}

/* Unpack [in] xml (primitive or group) as a child of [in] parent; for a
 * clone instance, [in] instance >= 0 and [in] clone is the clone. */
static sc_rsc *unpack_one(vgl_transition *t, xmlNode *xml, sc_rsc *parent, int instance, sc_rsc *clone)
{
    sc_rsc *r;
    if (is_elem(xml, "primitive")) {
        r = rsc_new(t, SC_PRIMITIVE, xml, parent, instance);
        prim_init(t, r);
        if (clone == NULL)
            map_id(t, r->cfg_id, r);
        hist_add(t, r);
    } else if (is_elem(xml, "group")) {
        r = rsc_new(t, SC_GROUP, xml, parent, instance);
        if (clone == NULL)
            map_id(t, r->cfg_id, r);
        unpack_group(t, r, instance, clone);
    } else {
        return NULL;
    }
    if (clone != NULL)
        map_id(t, r->cfg_id, clone);
    return r;
}

static xmlNode *clone_child(xmlNode *clone)
{
    for (xmlNode *c = clone->children; c != NULL; c = c->next) {
        if ((is_elem(c, "primitive") || is_elem(c, "group")) && vgl__sched_attr(c, "id") != NULL)
            return c;
    }
    return NULL;
}

/* Instance [in] i of [in] clone, unpacked from its [in] child element. */
sc_rsc *vgl__sched_clone_instance(vgl_transition *t, sc_rsc *clone, xmlNode *child, int i)
{
    sc_rsc *inst = unpack_one(t, child, clone, i, clone);
    if (inst != NULL)
        g_ptr_array_add(clone->children, inst);
    return inst;
}

static void unpack_clone(vgl_transition *t, xmlNode *xml)
{
    xmlNode *child = clone_child(xml);
    if (child == NULL)
        return;
    sc_rsc *c = rsc_new(t, SC_CLONE, xml, NULL, -1);
    map_id(t, c->cfg_id, c);
    g_ptr_array_add(t->top, c);
    for (int i = 0; i < c->clone_max; i++)
        vgl__sched_clone_instance(t, c, child, i);
    if (c->clone_max == 0)
        map_id(t, vgl__sched_str(t, vgl__sched_attr(child, "id")), c);
}

void vgl__sched_unpack_resources(vgl_transition *t)
{
    xmlNode *res = vgl__sched_child(vgl__sched_child(t->root, "configuration"), "resources");
    for (xmlNode *c = res != NULL ? res->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || vgl__sched_attr(c, "id") == NULL)
            continue;
        if (g_hash_table_contains(t->rsc_by_id, vgl__sched_attr(c, "id")))
            continue; /* duplicate id: the first one wins */
        if (is_elem(c, "clone")) {
            unpack_clone(t, c);
        } else {
            sc_rsc *r = unpack_one(t, c, NULL, -1, NULL);
            if (r != NULL)
                g_ptr_array_add(t->top, r);
        }
    }
}

sc_rsc *vgl__sched_top(sc_rsc *r)
{
    while (r->parent != NULL)
        r = r->parent;
    return r;
}

void vgl__sched_leaves(sc_rsc *r, GPtrArray *into)
{
    if (r->kind == SC_PRIMITIVE) {
        g_ptr_array_add(into, r);
        return;
    }
    for (guint i = 0; i < r->children->len; i++)
        vgl__sched_leaves(g_ptr_array_index(r->children, i), into);
}

/* -------------------------------------------------------- constraints */

static sc_rsc *lookup_rsc(vgl_transition *t, xmlNode *c, const char *attr)
{
    const char *id = vgl__sched_attr(c, attr);
    return id != NULL ? g_hash_table_lookup(t->rsc_by_id, id) : NULL;
}

static void loc_add(vgl_transition *t, sc_rsc *r, int node, vgl_score s)
{
    r->loc[node] = vgl_score_add(r->loc[node], s);
    if (r->allowed == NULL)
        r->allowed = g_new0(bool, t->n_nodes);
    r->allowed[node] = true;
}

static void unpack_location(vgl_transition *t, xmlNode *c)
{
    sc_rsc *r = lookup_rsc(t, c, "rsc");
    if (r == NULL)
        return;
    const char *role = vgl__sched_attr(c, "role");
    if (role != NULL && strcmp(role, "Started") != 0)
        return;
    const char *node = vgl__sched_attr(c, "node");
    if (node != NULL) {
        vgl_score s;
        sc_node *n = g_hash_table_lookup(t->node_by_name, node);
        if (n != NULL && vgl_score_parse(vgl__sched_attr(c, "score"), &s) == 0)
            loc_add(t, r, n->idx, s);
        return;
    }
    for (xmlNode *rule = c->children; rule != NULL; rule = rule->next) {
        if (!is_elem(rule, "rule"))
            continue;
        for (int i = 0; i < t->n_nodes; i++) {
            vgl_score s = 0;
            if (vgl__sched_rule_eval(t, rule, &t->nodes[i], &s))
                loc_add(t, r, i, s);
        }
    }
}

static void unpack_colocation(vgl_transition *t, xmlNode *c)
{
    sc_rsc *dep = lookup_rsc(t, c, "rsc");
    sc_rsc *pri = lookup_rsc(t, c, "with-rsc");
    vgl_score s;
    if (dep == NULL || pri == NULL || dep == pri || vgl_score_parse(vgl__sched_attr(c, "score"), &s) != 0)
        return;
    const char *r1 = vgl__sched_attr(c, "rsc-role"), *r2 = vgl__sched_attr(c, "with-rsc-role");
    if ((r1 != NULL && strcmp(r1, "Started") != 0) || (r2 != NULL && strcmp(r2, "Started") != 0))
        return;
    if (s == 0)
        return;
    sc_coloc *co = g_new0(sc_coloc, 1);
    co->dependent = dep;
    co->primary = pri;
    co->score = s;
    co->influence = dep->critical;
    const char *inf = vgl__sched_attr(c, "influence");
    bool b;
    if (inf != NULL && vgl_bool_parse(inf, &b) == 0)
        co->influence = b;
    co->index = t->colocs->len;
    g_ptr_array_add(t->colocs, co);
    g_ptr_array_add(dep->with, co);
    g_ptr_array_add(pri->dependents, co);
}

static bool parse_op(const char *s, sc_op *out)
{
    if (s == NULL || strcmp(s, "start") == 0) {
        *out = SC_OP_START;
        return true;
    }
    if (strcmp(s, "stop") == 0) {
        *out = SC_OP_STOP;
        return true;
    }
    return false;
}

static void unpack_order(vgl_transition *t, xmlNode *c)
{
    sc_order o = { 0 };
    o.first = lookup_rsc(t, c, "first");
    o.then = lookup_rsc(t, c, "then");
    if (o.first == NULL || o.then == NULL || o.first == o.then)
        return;
    const char *fa = vgl__sched_attr(c, "first-action");
    const char *ta = vgl__sched_attr(c, "then-action");
    if (!parse_op(fa, &o.first_op) || !parse_op(ta != NULL ? ta : fa, &o.then_op))
        return;
    const char *kind = vgl__sched_attr(c, "kind");
    const char *score = vgl__sched_attr(c, "score");
    vgl_score s = 1;
    if (score != NULL && vgl_score_parse(score, &s) != 0)
        s = 1;
    o.mandatory = kind != NULL ? strcmp(kind, "Mandatory") == 0 : s != 0;
    bool sym = true;
    const char *sy = vgl__sched_attr(c, "symmetrical");
    if (kind != NULL && strcmp(kind, "Serialize") == 0)
        sym = false;
    if (sy != NULL && vgl_bool_parse(sy, &sym) != 0)
        sym = true;
    o.symmetrical = sym;
    sc_order *copy = g_new(sc_order, 1);
    *copy = o;
    g_ptr_array_add(t->orders, copy);
}

/* The order in which a primary weighs its dependents' preferences
 * matters, since a preference that would leave it nowhere to run is
 * dropped: Pacemaker's order (cmp_dependent_priority): higher priority
 * first, then clones before groups before primitives, then by id. */
static gint cmp_dependents(gconstpointer a, gconstpointer b)
{
    const sc_coloc *x = *(const sc_coloc *const *)a, *y = *(const sc_coloc *const *)b;
    const sc_rsc *p = x->dependent, *q = y->dependent;
    if (p->priority != q->priority)
        return p->priority > q->priority ? -1 : 1;
    if (p->kind != q->kind)
        return p->kind > q->kind ? -1 : 1;
    int c = strcmp(p->id, q->id);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

void vgl__sched_unpack_constraints(vgl_transition *t)
{
    xmlNode *cons = vgl__sched_child(vgl__sched_child(t->root, "configuration"), "constraints");
    for (xmlNode *c = cons != NULL ? cons->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || vgl__sched_child(c, "resource_set") != NULL)
            continue; /* sets are outside the subset */
        if (is_elem(c, "rsc_location"))
            unpack_location(t, c);
        else if (is_elem(c, "rsc_colocation"))
            unpack_colocation(t, c);
        else if (is_elem(c, "rsc_order"))
            unpack_order(t, c);
    }
    /* once per primary: at its last colocation (still last, unsorted) */
    for (guint i = 0; i < t->colocs->len; i++) {
        sc_coloc *co = g_ptr_array_index(t->colocs, i);
        GPtrArray *deps = co->primary->dependents;
        if (deps->len > 1 && g_ptr_array_index(deps, deps->len - 1) == co)
            g_ptr_array_sort(deps, cmp_dependents);
    }
}
