/*
 * crm_syntax_rsc.c — the node, primitive, group and clone statements.
 *
 *   node [ID:] UNAME [description=TEXT] [type=member] [attributes NAME=VALUE...]
 *   primitive ID CLASS:[PROVIDER:]TYPE [description=TEXT] [params NAME=VALUE...]
 *             [meta NAME=VALUE...] [op NAME [ATTR=VALUE...] [op_params NAME=VALUE...]]...
 *   group ID PRIMITIVE... [description=TEXT] [meta NAME=VALUE...] [params NAME=VALUE...]
 *   clone ID PRIMITIVE|GROUP [description=TEXT] [meta NAME=VALUE...] [params NAME=VALUE...]
 *
 * A group or clone is made of resources defined before it: the statement
 * moves them inside.  Each statement defines its object whole (a primitive
 * statement for an existing primitive replaces it where it stands, inside
 * its group if it has one).  Generated ids follow the crm shell:
 * ID-instance_attributes, ID-meta_attributes, ID-OP-INTERVAL.
 */
#include "config.h"

#include <string.h>

#include "tools/crm_syntax_internal.h"

static const char *const classes[] = { "ocf", "stonith", "lsb", "systemd", "service", NULL };

/* Op attributes the CIB knows; anything else must go in op_params. */
static const char *const op_attrs[] = { "interval", "timeout", "on-fail", "enabled", "role",
                                        "record-pending", "description", NULL };

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

/* description=TEXT (and the other ATTR=VALUE words in [in] names) right
 * after the head of a statement become attributes of el. */
static void head_attrs(crm__stmt *s, xmlNode *el, const char *const *names)
{
    const char *w;

    while ((w = crm__peek(s)) != NULL && crm__is_nv(w)) {
        char *name = g_strndup(w, (gsize)(strchr(w, '=') - w));
        bool known = in_list(names, name);

        if (known && crm__attr(el, name) != NULL)
            crm__fail(s, VGL_E_PARSE, "'%s' is given twice", name);
        else if (known)
            xmlSetProp(el, BAD_CAST name, BAD_CAST strchr(w, '=') + 1);
        g_free(name);
        if (!known)
            return;
        s->pos++;
    }
}

/* ---------------------------------------------------------------- node */

int crm__stmt_node(crm__stmt *s)
{
    static const char *const node_attrs[] = { "description", "type", NULL };
    const char *w = crm__need(s, "node name");
    char *id = NULL, *sid;
    const char *uname;
    xmlNode *node, *old, *nodes;

    if (w == NULL)
        return s->rc;
    if (g_str_has_suffix(w, ":") && strlen(w) > 1) {
        id = g_strndup(w, strlen(w) - 1);
        w = crm__need(s, "node name after the id");
        if (w == NULL)
            goto done;
    }
    uname = w;
    crm__set_id(s, uname);
    old = crm__find_node(s->config, uname);
    if (id == NULL)
        id = g_strdup(old ? crm__attr(old, "id") : uname);
    nodes = crm__child(s->config, "nodes");
    for (xmlNode *c = nodes ? nodes->children : NULL; c != NULL; c = c->next) {
        const char *cid = crm__attr(c, "id");
        if (crm__is(c, "node") && c != old && cid != NULL && strcmp(cid, id) == 0) {
            crm__fail(s, VGL_E_INVALID, "node id '%s' is already used by node '%s'", id,
                      crm__attr(c, "uname") ? crm__attr(c, "uname") : "?");
            goto done;
        }
    }
    node = xmlNewNode(NULL, BAD_CAST "node");
    xmlNewProp(node, BAD_CAST "id", BAD_CAST id);
    xmlNewProp(node, BAD_CAST "uname", BAD_CAST uname);
    head_attrs(s, node, node_attrs);
    while ((w = crm__peek(s)) != NULL && s->rc == 0) {
        if (strcmp(w, "attributes") == 0 && crm__child(node, "instance_attributes") == NULL) {
            s->pos++;
            sid = crm__make_id("nodes", id, NULL);
            crm__nvset(s, node, "instance_attributes", sid, "attributes");
            g_free(sid);
        } else if (strcmp(w, "utilization") == 0) {
            crm__fail(s, VGL_E_UNSUPPORTED, "utilization is not supported by Vigil");
        } else {
            break;
        }
    }
    if (s->rc != 0 || crm__peek(s) != NULL) {
        xmlFreeNode(node);
        goto done;
    }
    if (old != NULL) {
        xmlReplaceNode(old, node);
        xmlFreeNode(old);
    } else {
        xmlAddChild(crm__section(s->config, "nodes", true), node);
    }
    crm__change(s, CRM_SYNTAX_PUT, "nodes", id, NULL);
done:
    g_free(id);
    return s->rc;
}

/* ----------------------------------------------------------- primitive */

/* Split "ocf:vigil:IPaddr" into el's class, provider and type. */
static bool parse_agent(crm__stmt *s, xmlNode *el, const char *agent)
{
    const char *c1 = strchr(agent, ':');
    char *cls;
    bool ok = false;

    if (c1 == NULL) {
        crm__fail(s, VGL_E_PARSE, "agent '%s' needs its class: ocf:PROVIDER:%s, systemd:%s, "
                  "lsb:%s, service:%s or stonith:%s", agent, agent, agent, agent, agent, agent);
        return false;
    }
    cls = g_strndup(agent, (gsize)(c1 - agent));
    if (!in_list(classes, cls)) {
        crm__fail(s, VGL_E_PARSE, "unknown agent class '%s' (use ocf, stonith, lsb, systemd or service)", cls);
    } else if (strcmp(cls, "ocf") == 0) {
        const char *c2 = strchr(c1 + 1, ':');
        if (c2 == NULL || c2 == c1 + 1 || c2[1] == '\0') {
            crm__fail(s, VGL_E_PARSE, "an ocf agent is written ocf:PROVIDER:TYPE (e.g. ocf:vigil:IPaddr), not '%s'",
                      agent);
        } else {
            char *prov = g_strndup(c1 + 1, (gsize)(c2 - c1 - 1));
            xmlNewProp(el, BAD_CAST "class", BAD_CAST cls);
            xmlNewProp(el, BAD_CAST "provider", BAD_CAST prov);
            xmlNewProp(el, BAD_CAST "type", BAD_CAST(c2 + 1));
            g_free(prov);
            ok = true;
        }
    } else if (c1[1] == '\0') {
        crm__fail(s, VGL_E_PARSE, "agent '%s' has no type after the class", agent);
    } else {
        xmlNewProp(el, BAD_CAST "class", BAD_CAST cls);
        xmlNewProp(el, BAD_CAST "type", BAD_CAST(c1 + 1));
        ok = true;
    }
    g_free(cls);
    return ok;
}

/* Set op_params NAME=VALUE (or OCF_CHECK_LEVEL) on op. */
static void op_param(xmlNode *op, const char *w)
{
    xmlNode *ia = crm__child(op, "instance_attributes");
    char *name = g_strndup(w, (gsize)(strchr(w, '=') - w));

    if (ia == NULL) {
        char *iid = crm__make_id(crm__attr(op, "id"), "instance_attributes", NULL);
        ia = xmlNewChild(op, NULL, BAD_CAST "instance_attributes", NULL);
        xmlNewProp(ia, BAD_CAST "id", BAD_CAST iid);
        g_free(iid);
    }
    crm__nvset_put(ia, name, strchr(w, '=') + 1);
    g_free(name);
}

/* The ATTR=VALUE words of an op: attributes of the op; OCF_CHECK_LEVEL
 * goes to its instance attributes (collected in [out] params). */
static void op_attrs_parse(crm__stmt *s, xmlNode *op, const char *name, GPtrArray *params)
{
    const char *w;

    while ((w = crm__peek(s)) != NULL && crm__is_nv(w)) {
        char *attr = g_strndup(w, (gsize)(strchr(w, '=') - w));
        if (strcmp(attr, "OCF_CHECK_LEVEL") == 0)
            g_ptr_array_add(params, (gpointer)w);
        else if (!in_list(op_attrs, attr))
            crm__fail(s, VGL_E_PARSE, "op %s: unknown attribute '%s' (interval, timeout, on-fail, "
                      "enabled, role, record-pending, description, OCF_CHECK_LEVEL; others go "
                      "after op_params)", name, attr);
        else if (crm__attr(op, attr) != NULL)
            crm__fail(s, VGL_E_PARSE, "op %s: '%s' is given twice", name, attr);
        else
            xmlNewProp(op, BAD_CAST attr, BAD_CAST strchr(w, '=') + 1);
        g_free(attr);
        s->pos++;
    }
    if (crm__peek(s) != NULL && strcmp(crm__peek(s), "op_params") == 0) {
        s->pos++;
        if (crm__peek(s) == NULL || !crm__is_nv(crm__peek(s)))
            crm__fail(s, VGL_E_PARSE, "'op_params' needs NAME=VALUE pairs");
        while ((w = crm__peek(s)) != NULL && crm__is_nv(w)) {
            g_ptr_array_add(params, (gpointer)w);
            s->pos++;
        }
    }
}

/* op NAME [ATTR=VALUE...] [op_params NAME=VALUE...] into <operations>. */
static void parse_op(crm__stmt *s, const char *rsc, xmlNode *ops, GHashTable *seen)
{
    const char *name = crm__need(s, "operation name after 'op' (e.g. op monitor interval=10s)");
    GPtrArray *params = g_ptr_array_new();
    const char *interval;
    xmlNode *op;
    int64_t ms = 0;
    char *id, *key;

    if (name == NULL)
        goto done;
    if (crm__is_nv(name)) {
        crm__fail(s, VGL_E_PARSE, "'op' needs an operation name first (e.g. op monitor %s)", name);
        goto done;
    }
    op = xmlNewChild(ops, NULL, BAD_CAST "op", NULL);
    xmlNewProp(op, BAD_CAST "name", BAD_CAST name);
    op_attrs_parse(s, op, name, params);
    if (crm__attr(op, "interval") == NULL)
        xmlNewProp(op, BAD_CAST "interval", BAD_CAST "0");
    interval = crm__attr(op, "interval");
    if (vgl_duration_parse_ms(interval, &ms) != 0) {
        crm__fail(s, VGL_E_PARSE, "op %s: interval '%s' is not a duration (e.g. 10s, 2min)", name, interval);
        goto done;
    }
    id = crm__make_id(rsc, name, interval, NULL);
    xmlNewProp(op, BAD_CAST "id", BAD_CAST id);
    g_free(id);
    key = g_strdup_printf("%s/%" G_GINT64_FORMAT, name, ms);
    if (g_hash_table_contains(seen, key))
        crm__fail(s, VGL_E_PARSE, "op %s with interval %s is given twice", name, interval);
    g_hash_table_add(seen, key);
    for (guint i = 0; i < params->len; i++)
        op_param(op, g_ptr_array_index(params, i));
done:
    g_ptr_array_unref(params);
}

/* The clauses after the agent: params, meta (once each), op (repeated). */
static void primitive_clauses(crm__stmt *s, xmlNode *el, const char *id)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    xmlNode *ops = NULL;
    const char *w;

    while (s->rc == 0 && (w = crm__peek(s)) != NULL) {
        if (strcmp(w, "op") == 0) {
            s->pos++;
            if (ops == NULL)
                ops = xmlNewChild(el, NULL, BAD_CAST "operations", NULL);
            parse_op(s, id, ops, seen);
        } else if (strcmp(w, "params") == 0 || strcmp(w, "meta") == 0) {
            const char *elname = w[0] == 'p' ? "instance_attributes" : "meta_attributes";
            char *sid = crm__make_id(id, elname, NULL);
            if (crm__child(el, elname) != NULL) {
                crm__fail(s, VGL_E_PARSE, "'%s' is given twice (put all the pairs after one '%s')", w, w);
            } else {
                s->pos++;
                crm__nvset(s, el, elname, sid, w);
            }
            g_free(sid);
        } else if (strcmp(w, "utilization") == 0) {
            crm__fail(s, VGL_E_UNSUPPORTED, "utilization is not supported by Vigil");
        } else {
            crm__fail(s, VGL_E_PARSE, "unexpected '%s' (expected params, meta or op)", w);
        }
    }
    g_hash_table_destroy(seen);
}

int crm__stmt_primitive(crm__stmt *s)
{
    static const char *const prim_attrs[] = { "description", NULL };
    const char *id = crm__need(s, "resource id");
    const char *agent;
    xmlNode *el;

    if (id == NULL || !crm__check_id(s, id, "resource id"))
        return s->rc;
    crm__set_id(s, id);
    agent = crm__need(s, "agent (e.g. ocf:vigil:IPaddr)");
    if (agent == NULL)
        return s->rc;
    el = xmlNewNode(NULL, BAD_CAST "primitive");
    xmlNewProp(el, BAD_CAST "id", BAD_CAST id);
    if (parse_agent(s, el, agent)) {
        head_attrs(s, el, prim_attrs);
        primitive_clauses(s, el, id);
    }
    if (s->rc != 0) {
        xmlFreeNode(el);
        return s->rc;
    }
    crm__put(s, el, "resources");
    return s->rc;
}

/* -------------------------------------------------------- group, clone */

/* Find resource [in] id for container [in] cid (a group or clone being
 * defined): it must exist, be of an allowed kind, and stand at the top
 * level or already inside cid. */
static xmlNode *find_member(crm__stmt *s, const char *id, const char *cid, bool group)
{
    xmlNode *el = crm__find(s->config, id);
    const char *kind = group ? "group" : "clone";

    if (el == NULL) {
        crm__fail(s, VGL_E_NOT_FOUND, "no resource called '%s' (define it before the %s)", id, kind);
        return NULL;
    }
    if (group ? !crm__is(el, "primitive") : !(crm__is(el, "primitive") || crm__is(el, "group"))) {
        crm__fail(s, VGL_E_INVALID, "'%s' is a <%s>; a %s holds %s", id, (const char *)el->name, kind,
                  group ? "primitives only" : "one primitive or group");
        return NULL;
    }
    if (crm__is(el->parent, "resources"))
        return el;
    if ((crm__is(el->parent, "group") || crm__is(el->parent, "clone")) &&
        g_strcmp0(crm__attr(el->parent, "id"), cid) == 0)
        return el;
    crm__fail(s, VGL_E_INVALID, "'%s' is already in %s '%s'", id, (const char *)el->parent->name,
              crm__attr(el->parent, "id") ? crm__attr(el->parent, "id") : "?");
    return NULL;
}

/* Build the new container with its members (not moved yet). */
static bool container_head(crm__stmt *s, const char *kind, const char **id, GPtrArray *members)
{
    const char *w;

    *id = crm__need(s, kind[0] == 'g' ? "group id" : "clone id");
    if (*id == NULL || !crm__check_id(s, *id, kind[0] == 'g' ? "group id" : "clone id"))
        return false;
    crm__set_id(s, *id);
    while ((w = crm__peek(s)) != NULL && !crm__is_nv(w) && strcmp(w, "meta") != 0 &&
           strcmp(w, "params") != 0) {
        for (guint i = 0; i < members->len; i++) {
            if (strcmp(g_ptr_array_index(members, i), w) == 0) {
                crm__fail(s, VGL_E_PARSE, "'%s' is listed twice", w);
                return false;
            }
        }
        g_ptr_array_add(members, (gpointer)w);
        s->pos++;
    }
    if (members->len == 0) {
        crm__fail(s, VGL_E_PARSE, "a %s needs %s", kind,
                  kind[0] == 'g' ? "at least one primitive" : "the primitive or group it clones");
        return false;
    }
    if (kind[0] == 'c' && members->len > 1) {
        crm__fail(s, VGL_E_PARSE, "a clone holds one primitive or group, not %u (group them first)",
                  members->len);
        return false;
    }
    return true;
}

/* Move the members into el, put el where old stood (or where the first
 * member stood, or at the end), and record the change. */
static void container_commit(crm__stmt *s, xmlNode *el, xmlNode *old, GPtrArray *els)
{
    xmlNode *resources = crm__section(s->config, "resources", true);
    const char *id = crm__attr(el, "id");
    bool whole = false;

    if (old != NULL) {
        xmlAddPrevSibling(old, el);
    } else {
        xmlNode *first = els->len ? g_ptr_array_index(els, 0) : NULL;
        if (first != NULL && first->parent == resources)
            xmlAddPrevSibling(first, el);
        else
            xmlAddChild(resources, el);
        g_hash_table_add(s->created, g_strdup(id));
    }
    for (guint i = 0; i < els->len; i++) {
        xmlNode *m = g_ptr_array_index(els, i);
        const char *mid = crm__attr(m, "id");
        if (m->parent == resources) {
            if (g_hash_table_contains(s->created, mid))
                crm__forget_put(s, mid);
            else
                whole = true;
        }
        xmlUnlinkNode(m);
        xmlAddChild(el, m);
    }
    if (old != NULL) {
        /* Members of the old definition that are not in the new one go
         * back to the top level, right after the new element. */
        xmlNode *c = old->children, *after = el;
        while (c != NULL) {
            xmlNode *next = c->next;
            if (crm__is(c, "primitive") || crm__is(c, "group")) {
                xmlUnlinkNode(c);
                xmlAddNextSibling(after, c);
                after = c;
                whole = true;
            }
            c = next;
        }
        xmlUnlinkNode(old);
        xmlFreeNode(old);
    }
    if (whole)
        crm__change(s, CRM_SYNTAX_WHOLE, NULL, id, NULL);
    else
        crm__change(s, CRM_SYNTAX_PUT, "resources", id, NULL);
}

static int container(crm__stmt *s, const char *kind)
{
    static const char *const head[] = { "description", NULL };
    GPtrArray *members = g_ptr_array_new();
    GPtrArray *els = g_ptr_array_new();
    const char *id = NULL;
    xmlNode *el = NULL, *old;

    if (!container_head(s, kind, &id, members))
        goto done;
    el = xmlNewNode(NULL, BAD_CAST kind);
    xmlNewProp(el, BAD_CAST "id", BAD_CAST id);
    head_attrs(s, el, head);
    crm__set_clauses(s, el, id, "params");
    if (s->rc != 0 || crm__peek(s) != NULL)
        goto done;
    old = crm__find(s->config, id);
    if (old != NULL && !crm__is(old, kind)) {
        crm__fail(s, VGL_E_INVALID, "id '%s' is already used by a <%s>", id, (const char *)old->name);
        goto done;
    }
    for (guint i = 0; i < members->len; i++) {
        xmlNode *m = find_member(s, g_ptr_array_index(members, i), id, kind[0] == 'g');
        if (m == NULL)
            goto done;
        if (old != NULL && m == old) {
            crm__fail(s, VGL_E_INVALID, "a %s cannot hold itself", kind);
            goto done;
        }
        g_ptr_array_add(els, m);
    }
    container_commit(s, el, old, els);
    el = NULL;
done:
    if (el != NULL)
        xmlFreeNode(el);
    g_ptr_array_unref(els);
    g_ptr_array_unref(members);
    return s->rc;
}

int crm__stmt_group(crm__stmt *s)
{
    return container(s, "group");
}

int crm__stmt_clone(crm__stmt *s)
{
    return container(s, "clone");
}
