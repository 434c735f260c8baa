/*
 * sched_show.c — the cluster status before a transition, in the layout
 * crm_simulate prints under "Current cluster status:" (node list, then
 * every resource with where it runs), for crmctl simulate and ha-status.
 *
 * Nodes are listed in natural name order (node2 before node10), special
 * nodes (unclean, standby, maintenance) one per line first, then the
 * Online and OFFLINE lists.  Resources follow the configuration order;
 * a clone's healthy instances are folded into Started/Stopped lists.
 */
#include "config.h"

#include <string.h>

#include "sched/sched_internal.h"

static int natural(const char *x, const char *y)
{
    while (*x != '\0' && *y != '\0') {
        if (g_ascii_isdigit(*x) && g_ascii_isdigit(*y)) {
            char *ex, *ey;
            guint64 a = g_ascii_strtoull(x, &ex, 10), b = g_ascii_strtoull(y, &ey, 10);
            if (a != b)
                return a < b ? -1 : 1;
            x = ex, y = ey;
            continue;
        }
        if (*x != *y)
            return (unsigned char)*x - (unsigned char)*y;
        x++, y++;
    }
    return (*x != '\0') - (*y != '\0');
}

static int node_ptr_cmp(const void *a, const void *b)
{
    return natural((*(sc_node *const *)a)->uname, (*(sc_node *const *)b)->uname);
}

/* Nodes in natural name order; caller frees. */
static sc_node **sorted_nodes(const vgl_transition *t)
{
    sc_node **sorted = g_new(sc_node *, t->n_nodes + 1);
    for (int i = 0; i < t->n_nodes; i++)
        sorted[i] = &t->nodes[i];
    qsort(sorted, t->n_nodes, sizeof(sc_node *), node_ptr_cmp);
    return sorted;
}

static bool has_resources(const vgl_transition *t, int n)
{
    for (guint i = 0; i < t->prims->len; i++) {
        if (((sc_rsc *)g_ptr_array_index(t->prims, i))->st[n].running)
            return true;
    }
    return false;
}

/* Print "* NAME: [ a b ]" for each non-empty list, and free both. */
static void two_lists(GString *out, const char *indent, const char *n1, GString *l1, const char *n2, GString *l2)
{
    if (l1->len > 0)
        g_string_append_printf(out, "%s* %s: [%s ]\n", indent, n1, l1->str);
    if (l2->len > 0)
        g_string_append_printf(out, "%s* %s: [%s ]\n", indent, n2, l2->str);
    g_string_free(l1, TRUE);
    g_string_free(l2, TRUE);
}

static void show_nodes(const vgl_transition *t, GString *out)
{
    sc_node **sorted = sorted_nodes(t);
    GString *online = g_string_new(NULL), *offline = g_string_new(NULL);
    g_string_append(out, "  * Node List:\n");
    for (int i = 0; i < t->n_nodes; i++) {
        const sc_node *n = sorted[i];
        if (n->state == VGL_NODE_UNCLEAN && t->opt.fencing_enabled)
            g_string_append_printf(out, "    * Node %s: UNCLEAN (offline)\n", n->uname);
        else if (n->state == VGL_NODE_ONLINE && n->fence)
            g_string_append_printf(out, "    * Node %s: UNCLEAN (online)\n", n->uname);
        else if (n->state == VGL_NODE_ONLINE && n->standby)
            g_string_append_printf(out, "    * Node %s: standby%s\n", n->uname,
                                   has_resources(t, n->idx) ? " (with active resources)" : "");
        else if (n->state == VGL_NODE_ONLINE && n->maintenance)
            g_string_append_printf(out, "    * Node %s: maintenance\n", n->uname);
        else if (n->state == VGL_NODE_ONLINE)
            g_string_append_printf(online, " %s", n->uname);
        else
            g_string_append_printf(offline, " %s", n->uname);
    }
    two_lists(out, "    ", "Online", online, "OFFLINE", offline);
    g_free(sorted);
}

static const char *agent(const sc_rsc *r, char *buf, size_t len)
{
    g_snprintf(buf, len, "%s%s%s:%s", r->cls ? r->cls : "?", r->provider ? ":" : "", r->provider ? r->provider : "",
               r->type ? r->type : "?");
    return buf;
}

static void show_prim(const vgl_transition *t, const sc_rsc *r, const char *indent, const char *name, GString *out)
{
    char buf[256];
    GString *where = g_string_new(NULL);
    int count = 0, first = SC_NONE;
    for (int n = 0; n < t->n_nodes; n++) {
        if (r->st[n].running) {
            g_string_append_printf(where, " %s", t->nodes[n].uname);
            if (first == SC_NONE)
                first = n;
            count++;
        }
    }
    g_string_append_printf(out, "%s* %s\t(%s):\t ", indent, name, agent(r, buf, sizeof(buf)));
    if (count == 0)
        g_string_append(out, "Stopped");
    else if (count > 1)
        g_string_append_printf(out, "%s [%s ]", r->failed ? "FAILED" : "Started", where->str);
    else
        g_string_append_printf(out, "%s %s", r->failed ? "FAILED" : "Started", t->nodes[first].uname);
    bool unclean = count == 1 && t->nodes[first].state == VGL_NODE_UNCLEAN;
    if (unclean)
        g_string_append(out, " (UNCLEAN)");
    bool on_maint = count == 1 && t->nodes[first].maintenance;
    GString *flags = g_string_new(NULL);
    if (r->target_role == SC_ROLE_STOPPED)
        g_string_append(flags, ", disabled");
    if (!r->managed || r->maintenance || t->opt.maintenance_mode || on_maint)
        g_string_append(flags, ", unmanaged");
    else if (r->blocked && !unclean)
        g_string_append(flags, ", blocked");
    if (flags->len > 0)
        g_string_append_printf(out, " (%s)", flags->str + 2);
    g_string_free(flags, TRUE);
    g_string_append_c(out, '\n');
    g_string_free(where, TRUE);
}

static bool plain_instance(const vgl_transition *t, const sc_rsc *inst)
{
    GPtrArray *leaves = g_ptr_array_new();
    bool plain = true;
    vgl__sched_leaves((sc_rsc *)inst, leaves);
    for (guint i = 0; i < leaves->len; i++) {
        const sc_rsc *l = g_ptr_array_index(leaves, i);
        if (l->failed || l->blocked || !l->managed || l->maintenance || t->opt.maintenance_mode || l->n_running > 1
            || l->orphan)
            plain = false;
    }
    g_ptr_array_free(leaves, TRUE);
    return plain;
}

static int instance_node(const vgl_transition *t, const sc_rsc *inst)
{
    GPtrArray *leaves = g_ptr_array_new();
    int node = SC_NONE;
    vgl__sched_leaves((sc_rsc *)inst, leaves);
    for (guint i = 0; i < leaves->len && node == SC_NONE; i++) {
        const sc_rsc *l = g_ptr_array_index(leaves, i);
        for (int n = 0; n < t->n_nodes && node == SC_NONE; n++) {
            if (l->st[n].running)
                node = n;
        }
    }
    g_ptr_array_free(leaves, TRUE);
    return node;
}

static void show_group(const vgl_transition *t, const sc_rsc *g, const char *indent, GString *out);

static void show_clone(const vgl_transition *t, const sc_rsc *c, GString *out)
{
    const sc_rsc *tmpl = c->children->len > 0 ? g_ptr_array_index(c->children, 0) : NULL;
    g_string_append_printf(out, "    * Clone Set: %s [%s]%s:\n", c->id, tmpl ? tmpl->cfg_id : "?",
                           c->target_role == SC_ROLE_STOPPED ? " (disabled)" : "");
    bool *on = g_new0(bool, t->n_nodes);
    for (guint i = 0; i < c->children->len; i++) {
        const sc_rsc *inst = g_ptr_array_index(c->children, i);
        int n = instance_node(t, inst);
        if (n != SC_NONE && plain_instance(t, inst)) {
            on[n] = true;
        } else if (n != SC_NONE) {
            if (inst->kind == SC_PRIMITIVE)
                show_prim(t, inst, "      ", inst->id, out);
            else
                show_group(t, inst, "      ", out);
        }
    }
    sc_node **sorted = sorted_nodes(t);
    GString *started = g_string_new(NULL), *stopped = g_string_new(NULL);
    for (int i = 0; i < t->n_nodes; i++) {
        int n = sorted[i]->idx;
        if (on[n])
            g_string_append_printf(started, " %s", t->nodes[n].uname);
        else
            g_string_append_printf(stopped, " %s", t->nodes[n].uname);
    }
    two_lists(out, "      ", "Started", started, "Stopped", stopped);
    g_free(sorted);
    g_free(on);
}

static void show_group(const vgl_transition *t, const sc_rsc *g, const char *indent, GString *out)
{
    g_string_append_printf(out, "%s* Resource Group: %s%s:\n", indent, g->id,
                           g->target_role == SC_ROLE_STOPPED ? " (disabled)" : "");
    char *inner = g_strdup_printf("%s  ", indent);
    for (guint i = 0; i < g->children->len; i++) {
        const sc_rsc *m = g_ptr_array_index(g->children, i);
        show_prim(t, m, inner, m->id, out);
    }
    g_free(inner);
}

char *vgl_transition_status(const vgl_transition *t)
{
    GString *out = g_string_new(NULL);
    if (t == NULL)
        return g_string_free(out, FALSE);
    show_nodes(t, out);
    g_string_append(out, "\n  * Full List of Resources:\n");
    if (t->top->len == 0)
        g_string_append(out, "    * No resources\n");
    for (guint i = 0; i < t->alloc_order->len; i++) {
        const sc_rsc *r = g_ptr_array_index(t->alloc_order, i);
        if (r->kind == SC_PRIMITIVE)
            show_prim(t, r, "    ", r->id, out);
        else if (r->kind == SC_GROUP)
            show_group(t, r, "    ", out);
        else
            show_clone(t, r, out);
    }
    return g_string_free(out, FALSE);
}
