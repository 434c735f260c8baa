/*
 * sched.c — the scheduler's entry points: the membership view,
 * vgl_sched_run(), the transition's accessors and the op-digest.
 *
 * vgl_sched_run() builds one vgl_transition, runs the pipeline described in
 * sched_internal.h and drops everything that pointed into the caller's
 * document (or status cache) before returning, so the transition outlives
 * both.  vgl_sched_run_cached() is the same with a status cache
 * (sched_history.c).
 * Invariants: no globals, no clock, no I/O; the result depends only on the
 * arguments.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "sched/sched_internal.h"

/* --------------------------------------------------------------- view */

struct vgl_sched_view {
    bool quorum;
    GPtrArray *names;     /* char *, in the order first set */
    GHashTable *state;    /* name -> GINT_TO_POINTER(state + 1) */
};

vgl_sched_view *vgl_sched_view_new(bool quorum)
{
    vgl_sched_view *v = g_new0(vgl_sched_view, 1);
    v->quorum = quorum;
    v->names = g_ptr_array_new_with_free_func(g_free);
    v->state = g_hash_table_new(g_str_hash, g_str_equal);
    return v;
}

void vgl_sched_view_free(vgl_sched_view *view)
{
    if (view == NULL)
        return;
    g_hash_table_destroy(view->state);
    g_ptr_array_free(view->names, TRUE);
    g_free(view);
}

int vgl_sched_view_set_node(vgl_sched_view *view, const char *uname, vgl_node_state state)
{
    if (view == NULL || uname == NULL || *uname == '\0' || state < VGL_NODE_ONLINE || state > VGL_NODE_UNCLEAN)
        return -EINVAL;
    gpointer key = NULL;
    if (!g_hash_table_lookup_extended(view->state, uname, &key, NULL)) {
        key = g_strdup(uname);
        g_ptr_array_add(view->names, key);
    }
    g_hash_table_insert(view->state, key, GINT_TO_POINTER(state + 1));
    return 0;
}

void vgl_sched_view_set_quorum(vgl_sched_view *view, bool quorum)
{
    if (view != NULL)
        view->quorum = quorum;
}

bool vgl_sched_view_quorum(const vgl_sched_view *view)
{
    return view != NULL && view->quorum;
}

size_t vgl_sched_view_node_count(const vgl_sched_view *view)
{
    return view != NULL ? view->names->len : 0;
}

const char *vgl_sched_view_node_name(const vgl_sched_view *view, size_t i)
{
    return (view != NULL && i < view->names->len) ? g_ptr_array_index(view->names, i) : NULL;
}

vgl_node_state vgl_sched_view_node_state(const vgl_sched_view *view, const char *uname)
{
    if (view == NULL || uname == NULL)
        return VGL_NODE_OFFLINE;
    gpointer v = g_hash_table_lookup(view->state, uname);
    return v != NULL ? (vgl_node_state)(GPOINTER_TO_INT(v) - 1) : VGL_NODE_OFFLINE;
}

static bool attr_is(xmlNode *n, const char *name, const char *value)
{
    const char *v = vgl__sched_attr(n, name);
    return v != NULL && g_ascii_strcasecmp(v, value) == 0;
}

static bool attr_true(xmlNode *n, const char *name)
{
    bool b = false;
    const char *v = vgl__sched_attr(n, name);
    return v != NULL && vgl_bool_parse(v, &b) == 0 && b;
}

static vgl_node_state state_of(xmlNode *ns)
{
    bool in_ccm = attr_true(ns, "in_ccm") || (vgl__sched_attr(ns, "in_ccm") != NULL
                                               && g_ascii_strtoll(vgl__sched_attr(ns, "in_ccm"), NULL, 10) > 1);
    bool crmd = attr_is(ns, "crmd", "online") || attr_true(ns, "crmd") ||
                (vgl__sched_attr(ns, "crmd") != NULL && g_ascii_strtoll(vgl__sched_attr(ns, "crmd"), NULL, 10) > 1);
    if (in_ccm && crmd)
        return VGL_NODE_ONLINE;
    if (attr_is(ns, "expected", "member") || (in_ccm && attr_is(ns, "join", "member")))
        return VGL_NODE_UNCLEAN;
    return VGL_NODE_OFFLINE;
}

int vgl_sched_view_from_cib(const xmlDoc *cib, vgl_sched_view **out)
{
    if (out != NULL)
        *out = NULL;
    if (cib == NULL || out == NULL)
        return -EINVAL;
    xmlNode *root = xmlDocGetRootElement(cib);
    if (root == NULL || strcmp((const char *)root->name, "cib") != 0)
        return VGL_E_INVALID;
    vgl_sched_view *v = vgl_sched_view_new(attr_true(root, "have-quorum"));
    xmlNode *nodes = vgl__sched_child(vgl__sched_child(root, "configuration"), "nodes");
    for (xmlNode *c = nodes != NULL ? nodes->children : NULL; c != NULL; c = c->next) {
        const char *u = c->type == XML_ELEMENT_NODE ? vgl__sched_attr(c, "uname") : NULL;
        if (u != NULL && *u != '\0')
            vgl_sched_view_set_node(v, u, VGL_NODE_OFFLINE);
    }
    xmlNode *status = vgl__sched_child(root, "status");
    for (xmlNode *ns = status != NULL ? status->children : NULL; ns != NULL; ns = ns->next) {
        if (ns->type != XML_ELEMENT_NODE || strcmp((const char *)ns->name, "node_state") != 0)
            continue;
        const char *u = vgl__sched_attr(ns, "uname");
        if (u != NULL && *u != '\0')
            vgl_sched_view_set_node(v, u, state_of(ns));
    }
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------- run */

static void rsc_free(gpointer p)
{
    sc_rsc *r = p;
    g_ptr_array_free(r->children, TRUE);
    g_ptr_array_free(r->with, TRUE);
    g_ptr_array_free(r->dependents, TRUE);
    if (r->ops != NULL)
        g_ptr_array_free(r->ops, TRUE);
    if (r->st != NULL) {
        /* n_nodes is not known here: monitors were released in drop_document() */
        g_free(r->st);
    }
    if (r->stop_actions != NULL)
        g_array_free(r->stop_actions, TRUE);
    if (r->probes != NULL)
        g_array_free(r->probes, TRUE);
    g_free(r->params);
    g_free(r->bind);
    g_free(r->allowed);
    g_free(r->loc);
    g_free(r);
}

static vgl_transition *transition_new(xmlNode *root, int64_t now, bool quorum)
{
    vgl_transition *t = g_new0(vgl_transition, 1);
    t->strings = g_string_chunk_new(64 * 1024);
    t->root = root;
    t->now = now;
    t->quorum = quorum;
    t->node_by_name = g_hash_table_new(g_str_hash, g_str_equal);
    t->top = g_ptr_array_new();
    t->alloc_order = g_ptr_array_new();
    t->prims = g_ptr_array_new();
    t->all = g_ptr_array_new_with_free_func(rsc_free);
    t->rsc_by_id = g_hash_table_new(g_str_hash, g_str_equal);
    t->prim_by_hist = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    t->colocs = g_ptr_array_new_with_free_func(g_free);
    t->orders = g_ptr_array_new_with_free_func(g_free);
    t->pairs = g_array_new(FALSE, FALSE, sizeof(sc_pair));
    t->actions = g_array_new(FALSE, TRUE, sizeof(sc_action));
    return t;
}

/* Everything that points into the caller's document goes now. */
static void drop_document(vgl_transition *t)
{
    for (guint i = 0; i < t->prims->len; i++) {
        sc_rsc *r = g_ptr_array_index(t->prims, i);
        for (int n = 0; n < t->n_nodes; n++) {
            g_clear_pointer(&r->st[n].monitors, g_ptr_array_unref);
            r->st[n].start_op = NULL;
        }
        for (guint k = 0; r->ops != NULL && k < r->ops->len; k++)
            ((sc_opdef *)g_ptr_array_index(r->ops, k))->xml = NULL;
        r->xml = NULL;
    }
    t->root = NULL;
    t->cache = NULL;
    vgl__sched_arena_free(&t->hist_arena);
}

static void decide_fencing(vgl_transition *t)
{
    bool may = t->opt.fencing_enabled && (t->quorum || t->opt.no_quorum_policy == SC_NQ_IGNORE);
    if (!may)
        return;
    for (int n = 0; n < t->n_nodes; n++) {
        if (t->nodes[n].state == VGL_NODE_UNCLEAN) {
            t->nodes[n].fence = true;
            t->nodes[n].fence_reason = "peer is no longer part of the cluster";
        }
    }
    for (guint i = 0; i < t->prims->len; i++) {
        sc_rsc *r = g_ptr_array_index(t->prims, i);
        for (int n = 0; n < t->n_nodes; n++) {
            sc_rstate *s = &r->st[n];
            if (s->failed && s->on_fail == SC_FAIL_FENCE && !t->nodes[n].fence
                && t->nodes[n].state == VGL_NODE_ONLINE) {
                char *why = g_strdup_printf("%s failed there", r->id);
                t->nodes[n].fence = true;
                t->nodes[n].fence_reason = vgl__sched_str(t, why);
                g_free(why);
            }
        }
    }
}

int vgl_sched_run(const xmlDoc *cib, const vgl_sched_view *view, int64_t now, vgl_transition **out)
{
    return vgl_sched_run_cached(cib, view, now, NULL, out);
}

int vgl_sched_run_cached(const xmlDoc *cib, const vgl_sched_view *view, int64_t now, vgl_sched_cache *cache,
                         vgl_transition **out)
{
    if (out != NULL)
        *out = NULL;
    if (cib == NULL || view == NULL || out == NULL)
        return -EINVAL;
    xmlNode *root = xmlDocGetRootElement(cib);
    if (root == NULL || strcmp((const char *)root->name, "cib") != 0
        || vgl__sched_child(vgl__sched_child(root, "configuration"), "resources") == NULL)
        return VGL_E_INVALID;

    vgl_transition *t = transition_new(root, now, vgl_sched_view_quorum(view));
    t->cache = cache;
    vgl__sched_cache_begin(t, cib);
    vgl__sched_unpack_options(t);
    vgl__sched_unpack_nodes(t, view);
    vgl__sched_unpack_resources(t);
    vgl__sched_unpack_status(t);
    vgl__sched_cache_end(t);
    vgl__sched_unpack_constraints(t); /* rules may read transient attributes */
    decide_fencing(t);
    vgl__sched_assign(t);
    vgl__sched_actions(t);
    vgl__sched_finish(t);
    drop_document(t);
    *out = t;
    return 0;
}

void vgl_transition_free(vgl_transition *t)
{
    if (t == NULL)
        return;
    for (guint i = 0; i < t->actions->len; i++) {
        sc_action *a = &g_array_index(t->actions, sc_action, i);
        if (a->prereq != NULL)
            g_array_free(a->prereq, TRUE);
        g_free(a->params);
    }
    g_array_free(t->actions, TRUE);
    for (size_t i = 0; i < t->n_out; i++)
        g_free(t->out_actions[i].prereq);
    g_free(t->out_actions);
    for (size_t i = 0; i < t->n_places; i++)
        g_free(t->places[i].current);
    g_free(t->places);
    g_array_free(t->pairs, TRUE);
    g_ptr_array_free(t->orders, TRUE);
    g_ptr_array_free(t->colocs, TRUE);
    g_hash_table_destroy(t->prim_by_hist);
    g_hash_table_destroy(t->rsc_by_id);
    g_ptr_array_free(t->all, TRUE);
    g_ptr_array_free(t->prims, TRUE);
    g_ptr_array_free(t->top, TRUE);
    g_ptr_array_free(t->alloc_order, TRUE);
    for (int n = 0; n < t->n_nodes; n++)
        g_hash_table_destroy(t->nodes[n].attrs);
    g_free(t->nodes);
    g_hash_table_destroy(t->node_by_name);
    g_string_chunk_free(t->strings);
    g_free(t);
}

/* ------------------------------------------------------------ digest */

/* Pacemaker 2.1's attribute escaping for digests: the five XML entities,
 * a tab as four spaces, newline and CR as the two characters \n and \r,
 * other non-printing bytes as a backslash and three octal digits (a pair
 * of bytes with the high bit set, as in UTF-8, is copied as is). */
static void escape_into(GString *out, const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0x80) && ((unsigned char)s[i + 1] & 0x80)) {
            g_string_append_c(out, (char)c);
            g_string_append_c(out, s[++i]);
            continue;
        }
        switch (c) {
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '"': g_string_append(out, "&quot;"); break;
        case '\'': g_string_append(out, "&apos;"); break;
        case '&': g_string_append(out, "&amp;"); break;
        case '\t': g_string_append(out, "    "); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        default:
            if (c < ' ' || c > '~')
                g_string_append_printf(out, "\\%.3o", (unsigned)(int)(signed char)c);
            else
                g_string_append_c(out, (char)c);
        }
    }
}

typedef struct kv {
    const char *name;
    const char *value;
} kv;

static int kv_cmp(const void *a, const void *b)
{
    return strcmp(((const kv *)a)->name, ((const kv *)b)->name);
}

char *vgl_sched_op_digest(const char *const *names, const char *const *values, size_t n,
                          uint32_t interval_ms, uint32_t timeout_ms)
{
    if (n > 0 && (names == NULL || values == NULL))
        return NULL;
    kv *pairs = g_new(kv, n + 1);
    size_t k = 0;
    char tbuf[16];
    for (size_t i = 0; i < n; i++) {
        if (names[i] == NULL) {
            g_free(pairs);
            return NULL;
        }
        /* Pacemaker drops these from the digest */
        if (g_str_has_prefix(names[i], "CRM_meta_") || strcmp(names[i], "id") == 0
            || strcmp(names[i], "crm_feature_set") == 0 || strcmp(names[i], "op-digest") == 0
            || strcmp(names[i], "pcmk_external_ip") == 0)
            continue;
        pairs[k].name = names[i];
        pairs[k++].value = values[i] != NULL ? values[i] : "";
    }
    if (interval_ms > 0) {
        g_snprintf(tbuf, sizeof(tbuf), "%u", timeout_ms);
        pairs[k].name = "CRM_meta_timeout";
        pairs[k++].value = tbuf;
    }
    qsort(pairs, k, sizeof(kv), kv_cmp);
    GString *s = g_string_new(" <parameters");
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && strcmp(pairs[i].name, pairs[i - 1].name) == 0)
            continue; /* an attribute appears once in XML */
        g_string_append_c(s, ' ');
        g_string_append(s, pairs[i].name);
        g_string_append(s, "=\"");
        escape_into(s, pairs[i].value);
        g_string_append_c(s, '"');
    }
    g_string_append(s, "/>\n");
    char *d = g_compute_checksum_for_string(G_CHECKSUM_MD5, s->str, (gssize)s->len);
    g_string_free(s, TRUE);
    g_free(pairs);
    return d;
}
