/*
 * ha_status_why.c — why a resource cannot run on a node, in words, for
 * `crmctl resource move --wait` when the move does not happen.
 *
 * It checks, in order, what most often stops a move: the node is not
 * there or not usable (offline, standby, maintenance), the partition has
 * no quorum, the resource is stopped on purpose, it failed too often on
 * that node, a -INFINITY location constraint (or a ban) names the node, or
 * a mandatory colocation ties it to a resource that runs elsewhere.  This
 * reads the configuration like the scheduler does for simple cases only
 * (no rules); it names a cause, it does not prove one.
 */
#include "config.h"

#include <string.h>

#include <vigil/cib.h>

#include "tools/crm_syntax.h"
#include "tools/ha_status_internal.h"

static const hs_node *find_node(const ha_status *st, const char *name)
{
    for (guint i = 0; i < st->nodes->len; i++) {
        const hs_node *n = g_ptr_array_index(st->nodes, i);
        if (strcmp(n->name, name) == 0)
            return n;
    }
    return NULL;
}

static char *node_reason(const ha_status *st, const char *node)
{
    const hs_node *n = find_node(st, node);

    if (n == NULL)
        return g_strdup_printf("%s is not a node of this cluster (see 'crmctl node list')", node);
    if (strcmp(n->state, "standby") == 0)
        return g_strdup_printf("%s is in standby (bring it back with 'crmctl node online %s')", node, node);
    if (strcmp(n->state, "maintenance") == 0)
        return g_strdup_printf("%s is in maintenance (end it with 'crmctl node maintenance %s off')", node, node);
    if (strcmp(n->state, "online") != 0)
        return g_strdup_printf("%s is %s", node, n->state);
    if (!st->quorate)
        return g_strdup("this partition has no quorum, so nothing is started");
    return NULL;
}

/* The resource and the group or clone around it: the ids a constraint
 * may name to affect rsc. */
static bool names_rsc(const ha_status *st, const char *id, const char *rsc)
{
    const xmlNode *el = vgl_cib_find(st->cib, rsc);

    for (; el != NULL && el->type == XML_ELEMENT_NODE; el = el->parent) {
        const char *eid = crm_syntax_attr(el, "id");
        if (eid != NULL && id != NULL && strcmp(eid, id) == 0)
            return true;
    }
    return false;
}

static char *rsc_reason(const ha_status *st, const char *rsc, const char *node)
{
    for (guint i = 0; i < st->rscs->len; i++) {
        const hs_rsc *r = g_ptr_array_index(st->rscs, i);
        if ((strcmp(r->id, rsc) == 0 || g_strcmp0(r->group, rsc) == 0) && r->disabled)
            return g_strdup_printf("%s is stopped on purpose (start it with 'crmctl resource start %s')", rsc, rsc);
    }
    for (guint i = 0; i < st->failures->len; i++) {
        const hs_failure *f = g_ptr_array_index(st->failures, i);
        if (strcmp(f->node, node) == 0 && names_rsc(st, rsc, f->rsc) && f->threshold > 0 &&
            f->fail_count >= f->threshold)
            return g_strdup_printf("%s failed %d times on %s (migration-threshold %d); clear that with "
                                   "'crmctl resource cleanup %s --node %s'", f->rsc, f->fail_count, node,
                                   f->threshold, f->rsc, node);
    }
    return NULL;
}

static char *location_reason(const ha_status *st, const xmlNode *c, const char *rsc, const char *node)
{
    vgl_score sc = 0;

    if (!names_rsc(st, crm_syntax_attr(c, "rsc"), rsc) || g_strcmp0(crm_syntax_attr(c, "node"), node) != 0 ||
        vgl_score_parse(crm_syntax_attr(c, "score"), &sc) != 0 || sc > -VGL_INFINITY)
        return NULL;
    if (g_str_has_prefix(crm_syntax_attr(c, "id"), "cli-ban-"))
        return g_strdup_printf("%s is banned from %s by %s (remove it with 'crmctl resource clear %s')",
                               crm_syntax_attr(c, "rsc"), node, crm_syntax_attr(c, "id"), crm_syntax_attr(c, "rsc"));
    return g_strdup_printf("constraint %s forbids %s on %s (see 'crmctl constraint list')", crm_syntax_attr(c, "id"),
                           crm_syntax_attr(c, "rsc"), node);
}

static char *colocation_reason(const ha_status *st, const xmlNode *c, const char *rsc, const char *node)
{
    const char *with = crm_syntax_attr(c, "with-rsc");
    const char *where = with ? ha_status_rsc_node(st, with) : NULL;
    const xmlNode *w = with ? vgl_cib_find(st->cib, with) : NULL;
    vgl_score sc = 0;

    /* A clone runs everywhere: "runs on X" would mislead. */
    if (!names_rsc(st, crm_syntax_attr(c, "rsc"), rsc) || vgl_score_parse(crm_syntax_attr(c, "score"), &sc) != 0 ||
        sc < VGL_INFINITY || where == NULL || strcmp(where, node) == 0 || w == NULL ||
        strcmp((const char *)w->name, "clone") == 0)
        return NULL;
    return g_strdup_printf("%s must run with %s (constraint %s), which runs on %s", crm_syntax_attr(c, "rsc"),
                           with, crm_syntax_attr(c, "id"), where);
}

char *ha_status_why_not(const ha_status *st, const char *rsc, const char *node)
{
    const xmlNode *root, *cons;
    char *why;

    if (st == NULL || rsc == NULL || node == NULL)
        return NULL;
    if ((why = node_reason(st, node)) != NULL || (why = rsc_reason(st, rsc, node)) != NULL)
        return why;
    root = xmlDocGetRootElement((xmlDoc *)vgl_cib_xml(st->cib));
    cons = crm_syntax_child(crm_syntax_child(root, "configuration"), "constraints");
    for (const xmlNode *c = cons ? cons->children : NULL; c != NULL && why == NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "rsc_location") == 0)
            why = location_reason(st, c, rsc, node);
        else if (strcmp((const char *)c->name, "rsc_colocation") == 0)
            why = colocation_reason(st, c, rsc, node);
    }
    return why;
}
