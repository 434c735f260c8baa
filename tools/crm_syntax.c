/*
 * crm_syntax.c — the statement loop of the configuration syntax: split the
 * text into logical lines and words, hand each statement to its handler,
 * and the helpers the handlers share (see crm_syntax_internal.h).
 *
 * Workload: a few statements on a command line, or a configuration file of
 * a few thousand lines; nothing here is hot.  Invariants: a statement that
 * fails leaves the configuration as it was (handlers build detached
 * elements and only insert them once every check passed), and every error
 * names the source, the line and the statement.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "tools/crm_syntax_internal.h"

/* ------------------------------------------------------------- errors */

int crm__fail(crm__stmt *s, int rc, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(s->errors, g_strdup_printf("%s:%d: %s: %s", s->label, s->line, s->what, msg));
    g_free(msg);
    if (s->rc == 0)
        s->rc = rc;
    return s->rc;
}

const char *crm__peek(const crm__stmt *s)
{
    return s->pos < s->words->len ? g_ptr_array_index(s->words, s->pos) : NULL;
}

const char *crm__next(crm__stmt *s)
{
    const char *w = crm__peek(s);

    if (w != NULL)
        s->pos++;
    return w;
}

const char *crm__need(crm__stmt *s, const char *what)
{
    const char *w = crm__next(s);

    if (w == NULL)
        crm__fail(s, VGL_E_PARSE, "missing %s", what);
    return w;
}

void crm__set_id(crm__stmt *s, const char *id)
{
    char *what = g_strdup_printf("%s %s", (const char *)g_ptr_array_index(s->words, 0), id);

    g_free(s->what);
    s->what = what;
}

/* ------------------------------------------------------------- lexer */

/* Split TEXT into logical lines: [out] lines (char *) and line numbers. */
static void lex_lines(const char *text, GPtrArray *lines, GArray *numbers)
{
    char **phys = g_strsplit(text, "\n", -1);
    GString *cur = NULL;
    int start = 0;

    for (int i = 0; phys[i] != NULL; i++) {
        char *l = phys[i];
        size_t n = strlen(l);
        bool more;

        while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
            l[--n] = '\0';
        if (cur == NULL) {
            const char *p = l + strspn(l, " \t");
            if (*p == '\0' || *p == '#')
                continue;
            cur = g_string_new(NULL);
            start = i + 1;
        }
        more = n > 0 && l[n - 1] == '\\';
        if (more)
            l[--n] = '\0';
        g_string_append(cur, l);
        if (more) {
            g_string_append_c(cur, ' ');
            continue;
        }
        g_ptr_array_add(lines, g_string_free(cur, FALSE));
        g_array_append_val(numbers, start);
        cur = NULL;
    }
    if (cur != NULL) {
        g_ptr_array_add(lines, g_string_free(cur, FALSE));
        g_array_append_val(numbers, start);
    }
    g_strfreev(phys);
}

/* Append to W the quoted part starting at *P (a quote); false when the
 * quote does not end. */
static bool lex_quoted(const char **p, GString *w)
{
    char q = **p;
    const char *c = *p + 1;

    for (; *c != '\0' && *c != q; c++) {
        if (q == '"' && *c == '\\' && (c[1] == '"' || c[1] == '\\'))
            c++;
        g_string_append_c(w, *c);
    }
    if (*c != q)
        return false;
    *p = c + 1;
    return true;
}

/* Split a logical line into words; false (with *error) on a bad quote. */
static bool lex_words(const char *line, GPtrArray *words, char **error)
{
    const char *p = line;

    for (;;) {
        GString *w;

        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            return true;
        w = g_string_new(NULL);
        while (*p != '\0' && *p != ' ' && *p != '\t') {
            if (*p == '"' || *p == '\'') {
                if (!lex_quoted(&p, w)) {
                    *error = g_strdup_printf("unterminated %s quote", *p == '"' ? "double" : "single");
                    g_string_free(w, TRUE);
                    return false;
                }
            } else {
                g_string_append_c(w, *p++);
            }
        }
        g_ptr_array_add(words, g_string_free(w, FALSE));
    }
}

/* ------------------------------------------------------------- words */

bool crm__is_nv(const char *word)
{
    const char *eq = word ? strchr(word, '=') : NULL;

    return eq != NULL && eq != word;
}

static bool id_ok(const char *id)
{
    const unsigned char *p = (const unsigned char *)id;

    if (!(g_ascii_isalpha(*p) || *p == '_'))
        return false;
    for (p++; *p; p++) {
        if (!(g_ascii_isalnum(*p) || *p == '_' || *p == '-' || *p == '.'))
            return false;
    }
    return (const char *)p - id <= 256;
}

bool crm__check_id(crm__stmt *s, const char *id, const char *what)
{
    if (id_ok(id))
        return true;
    crm__fail(s, VGL_E_PARSE,
              "'%s' is not a valid %s (a letter or _, then letters, digits, _ - or .)", id, what);
    return false;
}

char *crm__make_id(const char *first, ...)
{
    GString *id = g_string_new(first);
    va_list ap;
    const char *part;

    va_start(ap, first);
    while ((part = va_arg(ap, const char *)) != NULL) {
        g_string_append_c(id, '-');
        g_string_append(id, part);
    }
    va_end(ap);
    for (size_t i = 0; i < id->len; i++) {
        char c = id->str[i];
        if (!(g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.'))
            id->str[i] = '.';
    }
    if (id->len == 0 || !(g_ascii_isalpha(id->str[0]) || id->str[0] == '_'))
        g_string_prepend_c(id, '_');
    return g_string_free(id, FALSE);
}

char *crm__score(const char *word)
{
    vgl_score sc;
    char buf[16];

    if (word == NULL)
        return NULL;
    if (g_ascii_strcasecmp(word, "mandatory") == 0)
        return g_strdup("INFINITY");
    if (g_ascii_strcasecmp(word, "advisory") == 0)
        return g_strdup("0");
    if (vgl_score_parse(word, &sc) != 0)
        return NULL;
    return g_strdup(vgl_score_str(sc, buf));
}

/* --------------------------------------------------------------- XML */

const char *crm__attr(const xmlNode *n, const char *name)
{
    if (n == NULL || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
        if (a->ns != NULL || strcmp((const char *)a->name, name) != 0)
            continue;
        if (a->children == NULL || a->children->content == NULL)
            return "";
        return (const char *)a->children->content;
    }
    return NULL;
}

bool crm__is(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNode *crm__child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next) {
        if (crm__is(c, name))
            return c;
    }
    return NULL;
}

static const char *const section_order[] = {
    "crm_config", "nodes", "resources", "constraints", "rsc_defaults",
    "op_defaults", "fencing-topology", "alerts", NULL,
};

static int section_rank(const char *name)
{
    for (int i = 0; section_order[i] != NULL; i++) {
        if (strcmp(section_order[i], name) == 0)
            return i;
    }
    return G_MAXINT;
}

xmlNode *crm__section(xmlNode *config, const char *name, bool create)
{
    xmlNode *sec = crm__child(config, name), *after = NULL;
    int rank = section_rank(name);

    if (sec != NULL || !create)
        return sec;
    sec = xmlNewDocNode(config->doc, NULL, BAD_CAST name, NULL);
    for (xmlNode *c = config->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && section_rank((const char *)c->name) > rank) {
            after = c;
            break;
        }
    }
    if (after != NULL)
        xmlAddPrevSibling(after, sec);
    else
        xmlAddChild(config, sec);
    return sec;
}

xmlNode *crm_syntax_find(const xmlNode *n, const char *id)
{
    for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next) {
        const char *cid;
        xmlNode *hit;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        cid = crm__attr(c, "id");
        if (cid != NULL && id != NULL && strcmp(cid, id) == 0)
            return c;
        hit = crm_syntax_find(c, id);
        if (hit != NULL)
            return hit;
    }
    return NULL;
}

xmlNode *crm__find(xmlNode *config, const char *id)
{
    for (xmlNode *sec = config->children; sec != NULL; sec = sec->next) {
        xmlNode *hit;

        if (sec->type != XML_ELEMENT_NODE || crm__is(sec, "nodes"))
            continue;
        hit = crm_syntax_find(sec, id);
        if (hit != NULL)
            return hit;
    }
    return NULL;
}

xmlNode *crm__find_node(xmlNode *config, const char *uname)
{
    xmlNode *nodes = crm__child(config, "nodes");

    for (xmlNode *c = nodes ? nodes->children : NULL; c != NULL; c = c->next) {
        const char *u = crm__attr(c, "uname");
        if (crm__is(c, "node") && u != NULL && strcmp(u, uname) == 0)
            return c;
    }
    return NULL;
}

xmlNode *crm__top(xmlNode *n, xmlNode **section)
{
    *section = NULL;
    while (n != NULL && n->parent != NULL && n->parent->type == XML_ELEMENT_NODE) {
        if (crm__is(n->parent->parent, "configuration")) {
            *section = n->parent;
            return n;
        }
        n = n->parent;
    }
    return NULL;
}

/* ------------------------------------------------------------ changes */

void crm_syntax_change_free(gpointer change)
{
    crm_syntax_change *c = change;

    if (c == NULL)
        return;
    g_free(c->section);
    g_free(c->id);
    g_free(c->value);
    g_free(c);
}

void crm__change(crm__stmt *s, crm_syntax_change_kind kind, const char *section,
                 const char *id, const char *value)
{
    crm_syntax_change *c = g_new0(crm_syntax_change, 1);

    c->kind = kind;
    c->section = g_strdup(section);
    c->id = g_strdup(id);
    c->value = g_strdup(value);
    g_ptr_array_add(s->changes, c);
}

void crm__forget_put(crm__stmt *s, const char *id)
{
    for (guint i = 0; i < s->changes->len;) {
        crm_syntax_change *c = g_ptr_array_index(s->changes, i);
        if (c->kind == CRM_SYNTAX_PUT && c->id != NULL && strcmp(c->id, id) == 0)
            g_ptr_array_remove_index(s->changes, i);
        else
            i++;
    }
}

bool crm__put(crm__stmt *s, xmlNode *el, const char *section)
{
    const char *id = crm__attr(el, "id");
    xmlNode *old = crm__is(el, "node") ? NULL : crm__find(s->config, id);

    if (crm__is(el, "node")) {
        xmlNode *nodes = crm__child(s->config, "nodes");
        for (xmlNode *c = nodes ? nodes->children : NULL; c != NULL && old == NULL; c = c->next) {
            const char *cid = crm__attr(c, "id");
            if (crm__is(c, "node") && cid != NULL && strcmp(cid, id) == 0)
                old = c;
        }
    }
    if (old != NULL && strcmp((const char *)old->name, (const char *)el->name) != 0) {
        crm__fail(s, VGL_E_INVALID, "id '%s' is already used by a <%s>", id, (const char *)old->name);
        xmlFreeNode(el);
        return false;
    }
    if (old != NULL) {
        xmlReplaceNode(old, el);
        xmlFreeNode(old);
    } else {
        xmlAddChild(crm__section(s->config, section, true), el);
        g_hash_table_add(s->created, g_strdup(id));
    }
    crm__change(s, CRM_SYNTAX_PUT, section, crm__attr(el, "id"), NULL);
    return true;
}

/* ------------------------------------------------------------ nvsets */

void crm__nvset_put(xmlNode *set, const char *name, const char *value)
{
    xmlNode *nv;
    char *id;

    for (nv = set->children; nv != NULL; nv = nv->next) {
        const char *n = crm__attr(nv, "name");
        if (crm__is(nv, "nvpair") && n != NULL && strcmp(n, name) == 0) {
            xmlSetProp(nv, BAD_CAST "value", BAD_CAST value);
            return;
        }
    }
    id = crm__make_id(crm__attr(set, "id"), name, NULL);
    nv = xmlNewChild(set, NULL, BAD_CAST "nvpair", NULL);
    xmlNewProp(nv, BAD_CAST "id", BAD_CAST id);
    xmlNewProp(nv, BAD_CAST "name", BAD_CAST name);
    xmlNewProp(nv, BAD_CAST "value", BAD_CAST value);
    g_free(id);
}

xmlNode *crm__nvset(crm__stmt *s, xmlNode *parent, const char *element, const char *id,
                    const char *keyword)
{
    xmlNode *set = xmlNewChild(parent, NULL, BAD_CAST element, NULL);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *w;

    xmlNewProp(set, BAD_CAST "id", BAD_CAST id);
    while ((w = crm__peek(s)) != NULL && crm__is_nv(w)) {
        char *name = g_strndup(w, (gsize)(strchr(w, '=') - w));

        if (g_hash_table_contains(seen, name)) {
            crm__fail(s, VGL_E_PARSE, "'%s' is given twice in %s", name, keyword);
            g_free(name);
        } else {
            crm__nvset_put(set, name, strchr(w, '=') + 1);
            g_hash_table_add(seen, name);
        }
        s->pos++;
    }
    g_hash_table_destroy(seen);
    if (set->children == NULL) {
        w = crm__peek(s);
        if (w != NULL)
            crm__fail(s, VGL_E_PARSE, "'%s' needs NAME=VALUE pairs, not '%s'", keyword, w);
        else
            crm__fail(s, VGL_E_PARSE, "'%s' needs NAME=VALUE pairs", keyword);
    }
    return set;
}

void crm__set_clauses(crm__stmt *s, xmlNode *el, const char *id, const char *params)
{
    const char *w;

    while ((w = crm__peek(s)) != NULL) {
        const char *elname = strcmp(w, "meta") == 0 ? "meta_attributes"
                             : strcmp(w, params) == 0 ? "instance_attributes" : NULL;
        char *sid;

        if (elname == NULL)
            return;
        if (crm__child(el, elname) != NULL) {
            crm__fail(s, VGL_E_PARSE, "'%s' is given twice", w);
            return;
        }
        s->pos++;
        sid = crm__make_id(id, elname, NULL);
        crm__nvset(s, el, elname, sid, w);
        g_free(sid);
    }
}

/* ------------------------------------------------------------ the loop */

static const struct {
    const char *keyword;
    int (*fn)(crm__stmt *s);
} statements[] = {
    { "node", crm__stmt_node },
    { "primitive", crm__stmt_primitive },
    { "group", crm__stmt_group },
    { "clone", crm__stmt_clone },
    { "location", crm__stmt_location },
    { "colocation", crm__stmt_colocation },
    { "collocation", crm__stmt_colocation },
    { "order", crm__stmt_order },
    { "property", crm__stmt_property },
    { "rsc_defaults", crm__stmt_defaults },
    { "op_defaults", crm__stmt_defaults },
    { "fencing_topology", crm__stmt_topology },
    { "alert", crm__stmt_alert },
    { "xml", crm__stmt_xml },
};

static int run_statement(crm__stmt *s)
{
    const char *kw = g_ptr_array_index(s->words, 0);
    const char *extra;

    s->pos = 1;
    s->what = g_strdup(kw);
    for (size_t i = 0; i < G_N_ELEMENTS(statements); i++) {
        if (strcmp(statements[i].keyword, kw) != 0)
            continue;
        if (statements[i].fn(s) == 0 && (extra = crm__peek(s)) != NULL)
            crm__fail(s, VGL_E_PARSE, "unexpected '%s'", extra);
        return s->rc;
    }
    g_free(s->what);
    s->what = g_strdup_printf("'%s'", kw);
    return crm__fail(s, VGL_E_PARSE,
                     "unknown statement (expected node, primitive, group, clone, location, "
                     "colocation, order, property, rsc_defaults, op_defaults, fencing_topology, "
                     "alert or xml)");
}

/* Apply one logical line; returns its rc. */
static int apply_line(xmlNode *config, const char *line, int number, const char *label,
                      GPtrArray *changes, GPtrArray *errors, GHashTable *created)
{
    crm__stmt s = { 0 };
    char *err = NULL;
    int rc;

    s.label = label;
    s.line = number;
    s.raw = line;
    s.words = g_ptr_array_new_with_free_func(g_free);
    s.errors = errors;
    s.config = config;
    s.changes = changes;
    s.created = created;
    if (!lex_words(line, s.words, &err)) {
        s.what = g_strdup("statement");
        crm__fail(&s, VGL_E_PARSE, "%s", err);
        g_free(err);
    } else {
        run_statement(&s);
    }
    rc = s.rc;
    g_free(s.what);
    g_ptr_array_unref(s.words);
    return rc;
}

int crm_syntax_apply(xmlNode *config, const char *text, const char *label,
                     GPtrArray *changes, GPtrArray *errors)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    GArray *numbers = g_array_new(FALSE, FALSE, sizeof(int));
    GPtrArray *my_changes = changes ? changes : g_ptr_array_new_with_free_func(crm_syntax_change_free);
    GPtrArray *my_errors = errors ? errors : g_ptr_array_new_with_free_func(g_free);
    GHashTable *created = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int rc = 0;

    if (config == NULL || text == NULL || !crm__is(config, "configuration")) {
        rc = -EINVAL;
        goto done;
    }
    lex_lines(text, lines, numbers);
    for (guint i = 0; i < lines->len; i++) {
        int r = apply_line(config, g_ptr_array_index(lines, i), g_array_index(numbers, int, i),
                           label ? label : "line", my_changes, my_errors, created);
        if (rc == 0)
            rc = r;
    }
done:
    if (my_changes != changes)
        g_ptr_array_unref(my_changes);
    if (my_errors != errors)
        g_ptr_array_unref(my_errors);
    g_hash_table_destroy(created);
    g_array_free(numbers, TRUE);
    g_ptr_array_unref(lines);
    return rc;
}

/* ------------------------------------------------------- small helpers */

xmlDoc *crm_syntax_new_config(void)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *config = xmlNewDocNode(doc, NULL, BAD_CAST "configuration", NULL);

    xmlDocSetRootElement(doc, config);
    for (int i = 0; i < 4; i++)
        crm__section(config, section_order[i], true);
    return doc;
}

xmlNode *crm_syntax_config_of(xmlDoc *doc)
{
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

    if (crm__is(root, "configuration"))
        return root;
    if (crm__is(root, "cib"))
        return crm__child(root, "configuration");
    return NULL;
}

const char *crm_syntax_attr(const xmlNode *n, const char *name)
{
    return crm__attr(n, name);
}

xmlNode *crm_syntax_child(const xmlNode *n, const char *name)
{
    return crm__child(n, name);
}

bool crm_syntax_is_xml(const char *text)
{
    const char *p = text;

    if (p == NULL)
        return false;
    if ((unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf)
        p += 3;
    while (g_ascii_isspace(*p))
        p++;
    return *p == '<';
}
