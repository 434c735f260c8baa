/*
 * crm_syntax_print.c — a configuration back as statements (crm_syntax.h).
 *
 * Each element is first printed into a scratch string by the printer of
 * its kind; a printer that meets something the syntax cannot say (a
 * second attribute set, a nested rule, an attribute it does not know)
 * gives up, and the element comes out as one `xml` statement instead.  So
 * printing never loses anything, and applying the output to an empty
 * configuration gives the same elements again (generated ids aside).
 * A group or clone is decided on before its members are printed: when it
 * must be xml, its members go inside that xml and are not printed alone.
 */
#include "config.h"

#include <string.h>

#include <libxml/tree.h>

#include "tools/crm_syntax_internal.h"

#define INDENT " \\\n    "

/* ------------------------------------------------------------- words */

/* Append s, quoted when it must be; false when it cannot be said at all
 * (a line break). */
static bool word(GString *out, const char *s)
{
    if (strpbrk(s, "\n\r") != NULL)
        return false;
    if (*s != '\0' && strpbrk(s, " \t\"'\\") == NULL) {
        g_string_append(out, s);
        return true;
    }
    g_string_append_c(out, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(out, '\\');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
    return true;
}

char *crm_syntax_quote(const char *w)
{
    GString *out = g_string_new(NULL);

    if (w == NULL || !word(out, w)) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* SEP "name=value" */
static bool pair_sep(GString *out, const char *sep, const char *name, const char *value)
{
    g_string_append_printf(out, "%s%s=", sep, name);
    return word(out, value);
}

/* " name=value" */
static bool pair(GString *out, const char *name, const char *value)
{
    return pair_sep(out, " ", name, value);
}

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

/* Every attribute of n is in [in] allowed. */
static bool attrs_ok(const xmlNode *n, const char *const *allowed)
{
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
        if (a->ns != NULL || !in_list(allowed, (const char *)a->name))
            return false;
    }
    return true;
}

/* The element children of n are all called one of [in] names, and those
 * marked single (a '1' in once[i]) appear at most once. */
static bool children_ok(const xmlNode *n, const char *const *names, const char *once)
{
    unsigned seen[8] = { 0 };

    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        size_t i;
        if (c->type == XML_TEXT_NODE && xmlIsBlankNode((xmlNode *)c))
            continue;
        if (c->type != XML_ELEMENT_NODE)
            return false;
        for (i = 0; names[i] != NULL && strcmp(names[i], (const char *)c->name) != 0; i++)
            ;
        if (names[i] == NULL || (once[i] == '1' && seen[i]++ > 0))
            return false;
    }
    return true;
}

/* SEP "name=value"... of a plain name/value set (no score, no rules). */
static bool nvs_sep(GString *out, const xmlNode *set, const char *sep)
{
    static const char *const set_attrs[] = { "id", NULL };
    static const char *const nv_attrs[] = { "id", "name", "value", NULL };
    static const char *const kids[] = { "nvpair", NULL };

    if (!attrs_ok(set, set_attrs) || !children_ok(set, kids, "0"))
        return false;
    for (const xmlNode *nv = set->children; nv != NULL; nv = nv->next) {
        if (nv->type != XML_ELEMENT_NODE)
            continue;
        if (!attrs_ok(nv, nv_attrs) || crm__attr(nv, "name") == NULL || crm__attr(nv, "value") == NULL ||
            !pair_sep(out, sep, crm__attr(nv, "name"), crm__attr(nv, "value")))
            return false;
    }
    return true;
}

static bool nvs(GString *out, const xmlNode *set)
{
    return nvs_sep(out, set, " ");
}

/* INDENT "keyword name=value..." when el has a child set called element. */
static bool clause(GString *out, const xmlNode *el, const char *element, const char *keyword)
{
    const xmlNode *set = crm__child(el, element);

    if (set == NULL)
        return true;
    g_string_append_printf(out, INDENT "%s", keyword);
    return nvs(out, set);
}

/* Attributes of el named in [in] names, as " name=value", in that order. */
static bool opt_attrs(GString *out, const xmlNode *el, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        const char *v = crm__attr(el, names[i]);
        if (v != NULL && !pair(out, names[i], v))
            return false;
    }
    return true;
}

/* "inf", "-inf" or the number, for a CIB score. */
static bool score(GString *out, const char *s)
{
    vgl_score sc;

    if (s == NULL || vgl_score_parse(s, &sc) != 0)
        return false;
    if (sc == VGL_INFINITY)
        g_string_append(out, "inf");
    else if (sc == -VGL_INFINITY)
        g_string_append(out, "-inf");
    else
        g_string_append_printf(out, "%d", (int)sc);
    return true;
}

/* -------------------------------------------------------------- xml */

static void strip_blanks(xmlNode *n)
{
    xmlNode *c = n->children;

    while (c != NULL) {
        xmlNode *next = c->next;
        if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_COMMENT_NODE) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            strip_blanks(c);
        }
        c = next;
    }
}

static void print_xml(GString *out, const xmlNode *el)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *copy = xmlDocCopyNode((xmlNode *)el, doc, 1);
    xmlBuffer *buf = xmlBufferCreate();

    xmlDocSetRootElement(doc, copy);
    strip_blanks(copy);
    xmlNodeDump(buf, doc, copy, 0, 0);
    g_string_append(out, "xml ");
    for (const xmlChar *p = xmlBufferContent(buf); *p; p++)
        g_string_append_c(out, (*p == '\n' || *p == '\r') ? ' ' : (char)*p);
    g_string_append_c(out, '\n');
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------ resources */

static bool stmt_op(GString *out, const xmlNode *op)
{
    static const char *const attrs[] = { "id", "name", "interval", "timeout", "on-fail", "enabled",
                                         "role", "record-pending", "description", NULL };
    static const char *const kids[] = { "instance_attributes", NULL };
    const xmlNode *ia = crm__child(op, "instance_attributes");
    GString *params = g_string_new(NULL);
    bool ok = attrs_ok(op, attrs) && children_ok(op, kids, "1") && crm__attr(op, "name") != NULL;

    g_string_append_printf(out, INDENT "op %s", ok ? crm__attr(op, "name") : "");
    for (const xmlAttr *a = op->properties; ok && a != NULL; a = a->next) {
        const char *n = (const char *)a->name;
        if (strcmp(n, "id") != 0 && strcmp(n, "name") != 0)
            ok = pair(out, n, crm__attr(op, n));
    }
    if (ok && ia != NULL) {
        ok = nvs(params, ia);
        if (ok && ia->children != NULL && g_str_has_prefix(params->str, " OCF_CHECK_LEVEL=") &&
            strchr(params->str + 1, ' ') == NULL)
            g_string_append(out, params->str);
        else if (ok && params->len > 0)
            g_string_append_printf(out, " op_params%s", params->str);
    }
    g_string_free(params, TRUE);
    return ok;
}

static bool stmt_primitive(GString *out, const xmlNode *p)
{
    static const char *const attrs[] = { "id", "class", "provider", "type", "description", NULL };
    static const char *const kids[] = { "instance_attributes", "meta_attributes", "operations", NULL };
    static const char *const desc[] = { "description", NULL };
    static const char *const op_kids[] = { "op", NULL };
    const char *cls = crm__attr(p, "class"), *prov = crm__attr(p, "provider");
    const xmlNode *ops = crm__child(p, "operations");

    if (!attrs_ok(p, attrs) || !children_ok(p, kids, "111") || cls == NULL ||
        crm__attr(p, "type") == NULL || (strcmp(cls, "ocf") == 0) != (prov != NULL))
        return false;
    g_string_append_printf(out, "primitive %s %s:%s%s%s", crm__attr(p, "id"), cls, prov ? prov : "",
                           prov ? ":" : "", crm__attr(p, "type"));
    if (!opt_attrs(out, p, desc) || !clause(out, p, "instance_attributes", "params") ||
        !clause(out, p, "meta_attributes", "meta"))
        return false;
    if (ops != NULL && (crm__attr(ops, "id-ref") != NULL || !children_ok(ops, op_kids, "0")))
        return false;
    for (const xmlNode *op = ops ? ops->children : NULL; op != NULL; op = op->next) {
        if (op->type == XML_ELEMENT_NODE && !stmt_op(out, op))
            return false;
    }
    return true;
}

/* group ID MEMBER... / clone ID CHILD, with description, meta, params. */
static bool stmt_container(GString *out, const xmlNode *el)
{
    static const char *const attrs[] = { "id", "description", NULL };
    static const char *const desc[] = { "description", NULL };
    static const char *const kids[] = { "instance_attributes", "meta_attributes", "primitive", "group", NULL };
    bool group = crm__is(el, "group");

    if (!attrs_ok(el, attrs) || !children_ok(el, kids, group ? "11" : "11"))
        return false;
    g_string_append_printf(out, "%s %s", (const char *)el->name, crm__attr(el, "id"));
    for (const xmlNode *c = el->children; c != NULL; c = c->next) {
        if (crm__is(c, "group") && group)
            return false;
        if (crm__is(c, "primitive") || crm__is(c, "group"))
            g_string_append_printf(out, " %s", crm__attr(c, "id"));
    }
    return opt_attrs(out, el, desc) && clause(out, el, "meta_attributes", "meta") &&
           clause(out, el, "instance_attributes", "params");
}

static void print_resource(GString *out, const xmlNode *el)
{
    GString *tmp = g_string_new(NULL);
    bool container = crm__is(el, "group") || crm__is(el, "clone");
    bool ok = container ? stmt_container(tmp, el) : crm__is(el, "primitive") && stmt_primitive(tmp, el);

    if (ok && container) {
        for (const xmlNode *c = el->children; c != NULL; c = c->next) {
            if (crm__is(c, "primitive") || crm__is(c, "group"))
                print_resource(out, c);
        }
    }
    if (ok)
        g_string_append_printf(out, "%s\n", tmp->str);
    else
        print_xml(out, el);
    g_string_free(tmp, TRUE);
}

/* ---------------------------------------------------------------- nodes */

static bool stmt_node(GString *out, const xmlNode *n)
{
    static const char *const attrs[] = { "id", "uname", "description", "type", NULL };
    static const char *const head[] = { "description", "type", NULL };
    static const char *const kids[] = { "instance_attributes", NULL };
    const char *id = crm__attr(n, "id"), *uname = crm__attr(n, "uname");

    if (!attrs_ok(n, attrs) || !children_ok(n, kids, "1") || id == NULL || uname == NULL ||
        g_str_has_suffix(uname, ":") || strchr(uname, '=') != NULL)
        return false;
    g_string_append(out, "node ");
    if (strcmp(id, uname) != 0)
        g_string_append_printf(out, "%s: ", id);
    return word(out, uname) && opt_attrs(out, n, head) &&
           clause(out, n, "instance_attributes", "attributes");
}

/* ---------------------------------------------------------- constraints */

static bool term(GString *out, const xmlNode *e)
{
    static const char *const ex_attrs[] = { "id", "attribute", "operation", "value", "type", NULL };
    static const char *const date_attrs[] = { "id", "operation", "start", "end", NULL };
    static const char *const none[] = { NULL };
    const char *op = crm__attr(e, "operation"), *attr = crm__attr(e, "attribute");
    const char *value = crm__attr(e, "value"), *type = crm__attr(e, "type");

    if (op == NULL || !children_ok(e, none, ""))
        return false;
    if (crm__is(e, "date_expression")) {
        const char *st = crm__attr(e, "start"), *end = crm__attr(e, "end");
        if (!attrs_ok(e, date_attrs))
            return false;
        if (strcmp(op, "gt") == 0 && st != NULL && end == NULL)
            return g_string_append(out, " date gt "), word(out, st);
        if (strcmp(op, "lt") == 0 && end != NULL && st == NULL)
            return g_string_append(out, " date lt "), word(out, end);
        if (strcmp(op, "in_range") != 0 || (st == NULL && end == NULL))
            return false;
        g_string_append(out, " date in");
        return (st == NULL || pair(out, "start", st)) && (end == NULL || pair(out, "end", end));
    }
    if (!crm__is(e, "expression") || !attrs_ok(e, ex_attrs) || attr == NULL ||
        strcmp(attr, "date") == 0 || strcmp(attr, "defined") == 0 || strcmp(attr, "not_defined") == 0)
        return false;
    if (strcmp(op, "defined") == 0 || strcmp(op, "not_defined") == 0)
        return value == NULL && type == NULL && (g_string_append_printf(out, " %s ", op), word(out, attr));
    if (value == NULL || (type == NULL && strchr(value, ':') != NULL))
        return false;
    g_string_append_c(out, ' ');
    if (!word(out, attr))
        return false;
    g_string_append_printf(out, " %s ", op);
    if (type != NULL)
        g_string_append_printf(out, "%s:", type);
    return word(out, value);
}

static bool rule(GString *out, const xmlNode *r)
{
    static const char *const attrs[] = { "id", "score", "score-attribute", "boolean-op", "role", NULL };
    static const char *const role[] = { "role", NULL };
    static const char *const kids[] = { "expression", "date_expression", NULL };
    const char *sc = crm__attr(r, "score"), *sa = crm__attr(r, "score-attribute");
    const char *bop = crm__attr(r, "boolean-op");
    bool first = true;
    vgl_score dummy;

    if (!attrs_ok(r, attrs) || !children_ok(r, kids, "00") || (sc == NULL) == (sa == NULL))
        return false;
    g_string_append(out, INDENT "rule");
    if (!opt_attrs(out, r, role))
        return false;
    g_string_append_c(out, ' ');
    if (sa != NULL && (vgl_score_parse(sa, &dummy) == 0 || strpbrk(sa, ": \t\"'=") != NULL))
        return false;
    if (sa != NULL)
        g_string_append(out, sa);
    else if (!score(out, sc))
        return false;
    g_string_append_c(out, ':');
    for (const xmlNode *e = r->children; e != NULL; e = e->next) {
        if (e->type != XML_ELEMENT_NODE)
            continue;
        if (!first)
            g_string_append_printf(out, " %s", bop ? bop : "and");
        if (!term(out, e))
            return false;
        first = false;
    }
    return !first;
}

static bool stmt_location(GString *out, const xmlNode *l)
{
    static const char *const attrs[] = { "id", "rsc", "node", "score", "role", "resource-discovery", NULL };
    static const char *const head[] = { "resource-discovery", "role", NULL };
    static const char *const kids[] = { "rule", NULL };
    const char *node = crm__attr(l, "node");

    if (!attrs_ok(l, attrs) || !children_ok(l, kids, "0") || crm__attr(l, "rsc") == NULL)
        return false;
    g_string_append_printf(out, "location %s %s", crm__attr(l, "id"), crm__attr(l, "rsc"));
    if (!opt_attrs(out, l, head))
        return false;
    if (node != NULL) {
        g_string_append_c(out, ' ');
        if (crm__child(l, "rule") != NULL || !score(out, crm__attr(l, "score")))
            return false;
        g_string_append(out, ": ");
        return word(out, node);
    }
    if (crm__child(l, "rule") == NULL || crm__attr(l, "score") != NULL)
        return false;
    for (const xmlNode *r = l->children; r != NULL; r = r->next) {
        if (r->type == XML_ELEMENT_NODE && !rule(out, r))
            return false;
    }
    return true;
}

/* "rsc[:suffix]" */
static void ref(GString *out, const xmlNode *el, const char *rsc, const char *suffix)
{
    const char *s = crm__attr(el, suffix);

    g_string_append_printf(out, " %s%s%s", crm__attr(el, rsc), s ? ":" : "", s ? s : "");
}

static bool stmt_colocation(GString *out, const xmlNode *c)
{
    static const char *const attrs[] = { "id", "score", "rsc", "with-rsc", "rsc-role",
                                         "with-rsc-role", "node-attribute", "influence", NULL };
    static const char *const tail[] = { "node-attribute", "influence", NULL };
    static const char *const none[] = { NULL };

    if (!attrs_ok(c, attrs) || !children_ok(c, none, "") || crm__attr(c, "rsc") == NULL ||
        crm__attr(c, "with-rsc") == NULL)
        return false;
    g_string_append_printf(out, "colocation %s ", crm__attr(c, "id"));
    if (!score(out, crm__attr(c, "score")))
        return false;
    g_string_append_c(out, ':');
    ref(out, c, "rsc", "rsc-role");
    ref(out, c, "with-rsc", "with-rsc-role");
    return opt_attrs(out, c, tail);
}

static bool stmt_order(GString *out, const xmlNode *o)
{
    static const char *const attrs[] = { "id", "first", "then", "kind", "score", "first-action",
                                         "then-action", "symmetrical", "require-all", NULL };
    static const char *const tail[] = { "symmetrical", "require-all", NULL };
    static const char *const kinds[] = { "Mandatory", "Optional", "Serialize", NULL };
    static const char *const none[] = { NULL };
    const char *kind = crm__attr(o, "kind"), *sc = crm__attr(o, "score");
    vgl_score v;

    if (!attrs_ok(o, attrs) || !children_ok(o, none, "") || crm__attr(o, "first") == NULL ||
        crm__attr(o, "then") == NULL || (kind != NULL && !in_list(kinds, kind)))
        return false;
    /* inf: and 0: read back as kinds, so such scores cannot be said. */
    if (sc != NULL && (vgl_score_parse(sc, &v) != 0 || v == VGL_INFINITY || v == 0))
        return false;
    g_string_append_printf(out, "order %s", crm__attr(o, "id"));
    if (kind != NULL)
        g_string_append_printf(out, " %s:", kind);
    else if (sc != NULL)
        g_string_append_printf(out, " %d:", (int)v);
    ref(out, o, "first", "first-action");
    ref(out, o, "then", "then-action");
    return opt_attrs(out, o, tail);
}

/* --------------------------------------------------- topology, alerts */

static gint level_cmp(gconstpointer a, gconstpointer b)
{
    const xmlNode *x = *(xmlNode *const *)a, *y = *(xmlNode *const *)b;
    int c = g_strcmp0(crm__attr(x, "target"), crm__attr(y, "target"));

    if (c != 0)
        return c;
    return (int)g_ascii_strtoll(crm__attr(x, "index"), NULL, 10) -
           (int)g_ascii_strtoll(crm__attr(y, "index"), NULL, 10);
}

static bool stmt_topology(GString *out, const xmlNode *t)
{
    static const char *const attrs[] = { "id", "target", "index", "devices", NULL };
    static const char *const kids[] = { "fencing-level", NULL };
    GPtrArray *levels = g_ptr_array_new();
    const char *target = NULL;
    unsigned want = 0;
    bool ok = children_ok(t, kids, "0") && t->properties == NULL;

    for (const xmlNode *l = t->children; ok && l != NULL; l = l->next) {
        if (l->type != XML_ELEMENT_NODE)
            continue;
        ok = attrs_ok(l, attrs) && crm__attr(l, "target") && crm__attr(l, "index") && crm__attr(l, "devices") &&
             strpbrk(crm__attr(l, "devices"), " \t\"'\\") == NULL && !g_str_has_suffix(crm__attr(l, "devices"), ":");
        g_ptr_array_add(levels, (gpointer)l);
    }
    g_ptr_array_sort(levels, level_cmp);
    if (ok && levels->len > 0)
        g_string_append(out, "fencing_topology");
    for (guint i = 0; ok && i < levels->len; i++) {
        const xmlNode *l = g_ptr_array_index(levels, i);
        if (target == NULL || strcmp(target, crm__attr(l, "target")) != 0) {
            target = crm__attr(l, "target");
            want = 1;
            g_string_append_printf(out, INDENT "%s:", target);
            ok = strpbrk(target, " \t\"'\\:") == NULL;
        }
        ok = ok && g_ascii_strtoll(crm__attr(l, "index"), NULL, 10) == want++;
        g_string_append_printf(out, " %s", crm__attr(l, "devices"));
    }
    g_ptr_array_unref(levels);
    return ok;
}

static bool alert_sets(GString *out, const xmlNode *el)
{
    static const char *const desc[] = { "description", NULL };

    return opt_attrs(out, el, desc) && clause(out, el, "meta_attributes", "meta") &&
           clause(out, el, "instance_attributes", "attributes");
}

static bool stmt_alert(GString *out, const xmlNode *a)
{
    static const char *const attrs[] = { "id", "path", "description", NULL };
    static const char *const rattrs[] = { "id", "value", "description", NULL };
    static const char *const kids[] = { "meta_attributes", "instance_attributes", "recipient", NULL };
    static const char *const rkids[] = { "meta_attributes", "instance_attributes", NULL };

    if (!attrs_ok(a, attrs) || !children_ok(a, kids, "110") || crm__attr(a, "path") == NULL)
        return false;
    g_string_append_printf(out, "alert %s ", crm__attr(a, "id"));
    if (!word(out, crm__attr(a, "path")) || !alert_sets(out, a))
        return false;
    for (const xmlNode *r = a->children; r != NULL; r = r->next) {
        if (!crm__is(r, "recipient"))
            continue;
        if (!attrs_ok(r, rattrs) || !children_ok(r, rkids, "11") || crm__attr(r, "value") == NULL)
            return false;
        g_string_append(out, INDENT "to ");
        if (!word(out, crm__attr(r, "value")) || !alert_sets(out, r))
            return false;
    }
    return true;
}

/* ---------------------------------------------------- options, defaults */

/* property/rsc_defaults/op_defaults [ID:] name=value..., for one set;
 * dflt is the set id the statement uses when none is written. */
static bool stmt_set(GString *out, const xmlNode *set, const char *keyword, const char *dflt)
{
    const char *id = crm__attr(set, "id");
    GString *line;
    bool ok;

    if (id == NULL)
        return false;
    line = g_string_new(keyword);
    if (dflt == NULL || strcmp(id, dflt) != 0)
        g_string_append_printf(line, " %s:", id);
    g_string_append(out, line->str);
    ok = nvs(line, set);
    /* A long list gets one pair per line, as the crm shell prints it. */
    ok = ok && (line->len <= 78 ? nvs(out, set) : nvs_sep(out, set, INDENT));
    g_string_free(line, TRUE);
    return ok;
}

static bool stmt_sets(GString *out, const xmlNode *sec, const char *keyword, const char *element,
                      const char *dflt, bool first_only)
{
    bool first = true;

    for (const xmlNode *c = sec->children; c != NULL; c = c->next) {
        GString *tmp;
        bool ok;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!crm__is(c, element))
            return false;
        if (crm__child(c, "nvpair") == NULL)
            continue;
        tmp = g_string_new(NULL);
        /* The defaults statements take the first set when none is named. */
        ok = stmt_set(tmp, c, keyword, first || !first_only ? dflt : NULL);
        if (ok)
            g_string_append_printf(out, "%s\n", tmp->str);
        g_string_free(tmp, TRUE);
        if (!ok)
            return false;
        first = false;
    }
    return true;
}

/* ------------------------------------------------------------ the whole */

typedef bool (*stmt_fn)(GString *out, const xmlNode *el);

static void print_one(GString *out, const xmlNode *el, stmt_fn fn)
{
    GString *tmp = g_string_new(NULL);

    if (fn(tmp, el))
        g_string_append_printf(out, "%s\n", tmp->str);
    else
        print_xml(out, el);
    g_string_free(tmp, TRUE);
}

static stmt_fn fn_for(const xmlNode *el)
{
    if (crm__is(el, "node"))
        return stmt_node;
    if (crm__is(el, "rsc_location"))
        return stmt_location;
    if (crm__is(el, "rsc_colocation"))
        return stmt_colocation;
    if (crm__is(el, "rsc_order"))
        return stmt_order;
    if (crm__is(el, "alert"))
        return stmt_alert;
    return NULL;
}

static void print_element(GString *out, const xmlNode *el)
{
    stmt_fn fn = fn_for(el);

    if (crm__is(el, "primitive") || crm__is(el, "group") || crm__is(el, "clone"))
        print_resource(out, el);
    else if (fn != NULL)
        print_one(out, el, fn);
    else if (el != NULL)
        print_xml(out, el);
}

char *crm_syntax_print_element(const xmlNode *el)
{
    GString *out = g_string_new(NULL);

    print_element(out, el);
    return g_string_free(out, FALSE);
}

/* A section of sets (crm_config, rsc_defaults, op_defaults). */
static void print_sets(GString *out, const xmlNode *sec, const char *keyword, const char *element,
                       const char *dflt)
{
    GString *tmp = g_string_new(NULL);

    if (stmt_sets(tmp, sec, keyword, element, dflt, strcmp(keyword, "property") != 0))
        g_string_append(out, tmp->str);
    else
        print_xml(out, sec);
    g_string_free(tmp, TRUE);
}

static void print_children(GString *out, const xmlNode *sec)
{
    for (const xmlNode *c = sec->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            print_element(out, c);
    }
}

char *crm_syntax_print(const xmlNode *config)
{
    static const char *const order[] = { "nodes", "resources", "constraints", "fencing-topology",
                                         "alerts", "crm_config", "rsc_defaults", "op_defaults", NULL };
    GString *out = g_string_new(NULL);

    for (size_t i = 0; order[i] != NULL; i++) {
        const xmlNode *sec = crm__child(config, order[i]);
        if (sec == NULL)
            continue;
        if (strcmp(order[i], "crm_config") == 0)
            print_sets(out, sec, "property", "cluster_property_set", "cib-bootstrap-options");
        else if (strcmp(order[i], "rsc_defaults") == 0)
            print_sets(out, sec, "rsc_defaults", "meta_attributes", "rsc-options");
        else if (strcmp(order[i], "op_defaults") == 0)
            print_sets(out, sec, "op_defaults", "meta_attributes", "op-options");
        else if (strcmp(order[i], "fencing-topology") == 0 && sec->children != NULL)
            print_one(out, sec, stmt_topology);
        else if (strcmp(order[i], "fencing-topology") != 0)
            print_children(out, sec);
    }
    return g_string_free(out, FALSE);
}
