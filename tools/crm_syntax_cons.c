/*
 * crm_syntax_cons.c — the constraint statements and their rules.
 *
 *   location ID RSC [resource-discovery=always] SCORE: NODE
 *   location ID RSC rule [id=RID] SCORE: EXPRESSION [rule ...]
 *   colocation ID SCORE: RSC[:ROLE] WITH-RSC[:ROLE] [node-attribute=#uname]
 *              [influence=BOOL]
 *   order ID [KIND: | SCORE:] FIRST[:ACTION] THEN[:ACTION] [symmetrical=BOOL]
 *
 *   EXPRESSION: TERM [and TERM]... | TERM [or TERM]...
 *   TERM:       defined ATTR | not_defined ATTR | ATTR OP [TYPE:]VALUE
 *               | date gt DATE | date lt DATE | date in start=DATE end=DATE
 *   OP:         lt gt lte gte eq ne;  TYPE: string integer number version
 *
 * A SCORE is a number, inf, +inf, -inf (or INFINITY spellings); in a rule,
 * a word that is not a score names a score-attribute.  Resource sets (more
 * than two resources in one colocation or order) are refused: the CIB does
 * not support them.
 */
#include "config.h"

#include <string.h>

#include "tools/crm_syntax_internal.h"

static const char *const ops[] = { "lt", "gt", "lte", "gte", "eq", "ne", NULL };
static const char *const types[] = { "string", "integer", "number", "version", NULL };

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

/* "SCORE:" -> CIB score (caller frees), or NULL (and an error). */
static char *score_word(crm__stmt *s, const char *w, const char *expected)
{
    char *bare, *score;

    if (w == NULL)
        return NULL;
    if (!g_str_has_suffix(w, ":") || strlen(w) < 2) {
        crm__fail(s, VGL_E_PARSE, "expected %s, got '%s'", expected, w);
        return NULL;
    }
    bare = g_strndup(w, strlen(w) - 1);
    score = crm__score(bare);
    if (score == NULL)
        crm__fail(s, VGL_E_PARSE, "'%s' is not a score (a number, inf or -inf)", bare);
    g_free(bare);
    return score;
}

/* Take ATTR=VALUE words that are in [in] names as attributes of el. */
static void tail_attrs(crm__stmt *s, xmlNode *el, const char *const *names)
{
    const char *w;

    while (s->rc == 0 && (w = crm__peek(s)) != NULL && crm__is_nv(w)) {
        char *name = g_strndup(w, (gsize)(strchr(w, '=') - w));
        const char *n = name[0] == '$' ? name + 1 : name;

        if (!in_list(names, n))
            crm__fail(s, VGL_E_PARSE, "unknown attribute '%s'", n);
        else if (crm__attr(el, n) != NULL)
            crm__fail(s, VGL_E_PARSE, "'%s' is given twice", n);
        else
            xmlSetProp(el, BAD_CAST n, BAD_CAST strchr(w, '=') + 1);
        g_free(name);
        s->pos++;
    }
}

/* ---------------------------------------------------------------- rules */

static xmlNode *term_node(xmlNode *rule, const char *element, const char *rid, unsigned n)
{
    xmlNode *e = xmlNewChild(rule, NULL, BAD_CAST element, NULL);
    char num[16];
    char *id;

    g_snprintf(num, sizeof(num), "%u", n);
    id = n == 0 ? crm__make_id(rid, "expr", NULL) : crm__make_id(rid, "expr", num, NULL);
    xmlNewProp(e, BAD_CAST "id", BAD_CAST id);
    g_free(id);
    return e;
}

/* date gt DATE | date lt DATE | date in start=DATE end=DATE */
static void term_date(crm__stmt *s, xmlNode *e)
{
    const char *op = crm__need(s, "gt, lt or in after 'date'");
    const char *w;

    if (op == NULL)
        return;
    if (strcmp(op, "gt") == 0 || strcmp(op, "lt") == 0) {
        w = crm__need(s, "a date after the operator");
        xmlNewProp(e, BAD_CAST "operation", BAD_CAST op);
        if (w != NULL)
            xmlNewProp(e, BAD_CAST(op[0] == 'g' ? "start" : "end"), BAD_CAST w);
    } else if (strcmp(op, "in") == 0) {
        static const char *const range[] = { "start", "end", NULL };
        xmlNewProp(e, BAD_CAST "operation", BAD_CAST "in_range");
        tail_attrs(s, e, range);
        if (s->rc == 0 && crm__attr(e, "start") == NULL && crm__attr(e, "end") == NULL)
            crm__fail(s, VGL_E_PARSE, "'date in' needs start=DATE and/or end=DATE");
    } else {
        crm__fail(s, VGL_E_PARSE, "'date' takes gt, lt or in, not '%s'", op);
    }
}

/* One term of an expression into rule. */
static void term(crm__stmt *s, xmlNode *rule, const char *rid, unsigned n)
{
    const char *w = crm__need(s, "an expression after the rule's score");
    const char *op, *value, *colon;
    xmlNode *e;

    if (w == NULL)
        return;
    if (strcmp(w, "date") == 0) {
        term_date(s, term_node(rule, "date_expression", rid, n));
        return;
    }
    if (strcmp(w, "defined") == 0 || strcmp(w, "not_defined") == 0) {
        const char *attr = crm__need(s, "a node attribute after 'defined'");
        if (attr == NULL)
            return;
        e = term_node(rule, "expression", rid, n);
        xmlNewProp(e, BAD_CAST "attribute", BAD_CAST attr);
        xmlNewProp(e, BAD_CAST "operation", BAD_CAST w);
        return;
    }
    op = crm__next(s);
    if (op == NULL || !in_list(ops, op)) {
        crm__fail(s, VGL_E_PARSE, "'%s' needs an operator (lt, gt, lte, gte, eq, ne)%s%s%s", w,
                  op ? ", not '" : "", op ? op : "", op ? "'" : "");
        return;
    }
    value = crm__need(s, "a value after the operator");
    if (value == NULL)
        return;
    e = term_node(rule, "expression", rid, n);
    xmlNewProp(e, BAD_CAST "attribute", BAD_CAST w);
    xmlNewProp(e, BAD_CAST "operation", BAD_CAST op);
    colon = strchr(value, ':');
    if (colon != NULL) {
        char *type = g_strndup(value, (gsize)(colon - value));
        if (in_list(types, type)) {
            xmlNewProp(e, BAD_CAST "type", BAD_CAST type);
            value = colon + 1;
        }
        g_free(type);
    }
    xmlNewProp(e, BAD_CAST "value", BAD_CAST value);
}

/* rule [id=RID] [role=ROLE] SCORE: EXPRESSION, after the word "rule". */
static void rule(crm__stmt *s, xmlNode *loc, unsigned index)
{
    static const char *const head[] = { "id", "role", NULL };
    xmlNode *r = xmlNewChild(loc, NULL, BAD_CAST "rule", NULL);
    const char *w, *bop = NULL;
    char num[16], *bare, *score;
    unsigned n = 0;

    tail_attrs(s, r, head);
    if (crm__attr(r, "id") == NULL) {
        char *rid;
        g_snprintf(num, sizeof(num), "%u", index);
        rid = index == 0 ? crm__make_id(crm__attr(loc, "id"), "rule", NULL)
                         : crm__make_id(crm__attr(loc, "id"), "rule", num, NULL);
        xmlNewProp(r, BAD_CAST "id", BAD_CAST rid);
        g_free(rid);
    }
    w = crm__need(s, "the rule's score (e.g. rule -inf: not_defined pingd)");
    if (w == NULL)
        return;
    if (!g_str_has_suffix(w, ":") || strlen(w) < 2) {
        crm__fail(s, VGL_E_PARSE, "expected the rule's 'SCORE:', got '%s'", w);
        return;
    }
    bare = g_strndup(w, strlen(w) - 1);
    score = crm__score(bare);
    xmlNewProp(r, BAD_CAST(score ? "score" : "score-attribute"), BAD_CAST(score ? score : bare));
    g_free(score);
    g_free(bare);
    do {
        term(s, r, crm__attr(r, "id"), n++);
        w = crm__peek(s);
        if (s->rc != 0 || w == NULL || (strcmp(w, "and") != 0 && strcmp(w, "or") != 0))
            break;
        if (bop != NULL && strcmp(bop, w) != 0) {
            crm__fail(s, VGL_E_PARSE, "a rule mixes 'and' and 'or'; use one, or write several rules");
            break;
        }
        bop = w;
        s->pos++;
    } while (true);
    if (bop != NULL)
        xmlNewProp(r, BAD_CAST "boolean-op", BAD_CAST bop);
}

/* ------------------------------------------------------------- location */

static const char *head_id(crm__stmt *s, const char *what)
{
    const char *id = crm__need(s, what);

    if (id == NULL || !crm__check_id(s, id, what))
        return NULL;
    crm__set_id(s, id);
    return id;
}

int crm__stmt_location(crm__stmt *s)
{
    static const char *const head[] = { "resource-discovery", "role", NULL };
    const char *id = head_id(s, "constraint id"), *rsc, *w;
    xmlNode *loc;

    if (id == NULL || (rsc = crm__need(s, "resource")) == NULL)
        return s->rc;
    loc = xmlNewNode(NULL, BAD_CAST "rsc_location");
    xmlNewProp(loc, BAD_CAST "id", BAD_CAST id);
    xmlNewProp(loc, BAD_CAST "rsc", BAD_CAST rsc);
    tail_attrs(s, loc, head);
    w = s->rc == 0 ? crm__need(s, "'SCORE: NODE' or 'rule'") : NULL;
    if (w != NULL && strcmp(w, "rule") == 0) {
        unsigned n = 0;
        do {
            rule(s, loc, n++);
            w = crm__peek(s);
        } while (s->rc == 0 && w != NULL && strcmp(w, "rule") == 0 && crm__next(s));
    } else if (w != NULL) {
        char *score = score_word(s, w, "'SCORE: NODE' or 'rule'");
        const char *node = score ? crm__need(s, "node name after the score") : NULL;
        if (node != NULL) {
            xmlNewProp(loc, BAD_CAST "score", BAD_CAST score);
            xmlNewProp(loc, BAD_CAST "node", BAD_CAST node);
        }
        g_free(score);
    }
    if (s->rc != 0 || crm__peek(s) != NULL) {
        if (s->rc == 0)
            crm__fail(s, VGL_E_PARSE, "unexpected '%s'", crm__peek(s));
        xmlFreeNode(loc);
        return s->rc;
    }
    crm__put(s, loc, "constraints");
    return s->rc;
}

/* ----------------------------------------------------- colocation, order */

/* "rsc:suffix" -> el[rsc_attr] = rsc, el[suffix_attr] = suffix. */
static void rsc_ref(xmlNode *el, const char *w, const char *rsc_attr, const char *suffix_attr)
{
    const char *colon = strchr(w, ':');
    char *rsc = colon ? g_strndup(w, (gsize)(colon - w)) : g_strdup(w);

    xmlNewProp(el, BAD_CAST rsc_attr, BAD_CAST rsc);
    if (colon != NULL && colon[1] != '\0')
        xmlNewProp(el, BAD_CAST suffix_attr, BAD_CAST(colon + 1));
    g_free(rsc);
}

/* The two resources of a colocation or order, then its ATTR=VALUEs. */
static void pair(crm__stmt *s, xmlNode *el, const char *const names[4], const char *const *attrs)
{
    const char *a = crm__need(s, names[0][0] == 'r' ? "resource" : "first resource");
    const char *b = a ? crm__need(s, names[0][0] == 'r' ? "the resource it goes with" : "then resource") : NULL;

    if (b == NULL)
        return;
    if (crm__is_nv(b)) {
        crm__fail(s, VGL_E_PARSE, "missing the second resource before '%s'", b);
        return;
    }
    rsc_ref(el, a, names[0], names[1]);
    rsc_ref(el, b, names[2], names[3]);
    if (crm__peek(s) != NULL && !crm__is_nv(crm__peek(s))) {
        crm__fail(s, VGL_E_UNSUPPORTED, "resource sets (more than two resources) are not supported; "
                  "write one %s per pair", (const char *)el->name + 4);
        return;
    }
    tail_attrs(s, el, attrs);
}

static int finish(crm__stmt *s, xmlNode *el)
{
    if (s->rc != 0) {
        xmlFreeNode(el);
        return s->rc;
    }
    crm__put(s, el, "constraints");
    return s->rc;
}

int crm__stmt_colocation(crm__stmt *s)
{
    static const char *const names[4] = { "rsc", "rsc-role", "with-rsc", "with-rsc-role" };
    static const char *const attrs[] = { "node-attribute", "influence", NULL };
    const char *id = head_id(s, "constraint id");
    char *score;
    xmlNode *el;

    if (id == NULL)
        return s->rc;
    score = score_word(s, crm__need(s, "'SCORE:'"), "'SCORE:' (e.g. inf:)");
    if (score == NULL)
        return s->rc;
    el = xmlNewNode(NULL, BAD_CAST "rsc_colocation");
    xmlNewProp(el, BAD_CAST "id", BAD_CAST id);
    xmlNewProp(el, BAD_CAST "score", BAD_CAST score);
    g_free(score);
    pair(s, el, names, attrs);
    return finish(s, el);
}

/* "Mandatory:", "inf:", "0:", "50:" -> kind or score on el. */
static bool order_kind(crm__stmt *s, xmlNode *el, const char *w)
{
    static const char *const kinds[] = { "Mandatory", "Optional", "Serialize", NULL };
    char *bare = g_strndup(w, strlen(w) - 1), *score;
    bool ok = true;

    for (size_t i = 0; kinds[i] != NULL; i++) {
        if (g_ascii_strcasecmp(kinds[i], bare) == 0) {
            xmlNewProp(el, BAD_CAST "kind", BAD_CAST kinds[i]);
            g_free(bare);
            return true;
        }
    }
    score = crm__score(bare);
    if (score == NULL) {
        crm__fail(s, VGL_E_PARSE, "'%s' is not an order kind (Mandatory, Optional, Serialize) or a score", bare);
        ok = false;
    } else if (strcmp(score, "INFINITY") == 0) {
        xmlNewProp(el, BAD_CAST "kind", BAD_CAST "Mandatory");
    } else if (strcmp(score, "0") == 0) {
        xmlNewProp(el, BAD_CAST "kind", BAD_CAST "Optional");
    } else {
        xmlNewProp(el, BAD_CAST "score", BAD_CAST score);
    }
    g_free(score);
    g_free(bare);
    return ok;
}

int crm__stmt_order(crm__stmt *s)
{
    static const char *const names[4] = { "first", "first-action", "then", "then-action" };
    static const char *const attrs[] = { "symmetrical", "require-all", NULL };
    const char *id = head_id(s, "constraint id"), *w;
    xmlNode *el;

    if (id == NULL)
        return s->rc;
    el = xmlNewNode(NULL, BAD_CAST "rsc_order");
    xmlNewProp(el, BAD_CAST "id", BAD_CAST id);
    w = crm__peek(s);
    if (w != NULL && g_str_has_suffix(w, ":") && strlen(w) > 1) {
        s->pos++;
        order_kind(s, el, w);
    }
    if (s->rc == 0)
        pair(s, el, names, attrs);
    return finish(s, el);
}
