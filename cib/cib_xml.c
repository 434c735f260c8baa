/*
 * cib_xml.c — the XML layer under the CIB: safe parsing, small tree
 * helpers, error messages that name the element, the deterministic
 * serializer and the canonical form that digests are computed over.
 *
 * Workload: every CIB that enters a node (a file, a peer's message, a
 * tool's request) is parsed here, so the parser is the first line of
 * defence: no network, no DTD, no entity declarations (so no XXE and no
 * billion laughs), at most VGL_CIB_MAX_BYTES, libxml2's depth limit kept.
 *
 * Serialization does not use libxml2's dumper: its output is ours, byte
 * for byte, so "same document -> same bytes" does not depend on the
 * libxml2 version.  The canonical form sorts attributes by name, so two
 * documents that differ only in attribute order have the same digest.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "cib/cib_internal.h"

/* ---- parsing ---- */

static int parse_error(GPtrArray *errors, const char *label, xmlParserCtxt *ctxt)
{
    const xmlError *e = xmlCtxtGetLastError(ctxt);
    char *msg = g_strdup((e && e->message) ? e->message : "unknown parser error");

    g_strchomp(msg);
    if (e && e->line > 0) {
        char *where = g_strdup_printf("%s:%d", label, e->line);

        vgl__cib_xml_note(errors, where, "not well-formed: %s", msg);
        g_free(where);
    } else
        vgl__cib_xml_note(errors, label, "not well-formed: %s", msg);
    g_free(msg);
    return VGL_E_PARSE;
}

/* libxml2 keeps element lines in 16 bits; beyond 65535 record the exact
 * line in the element's (otherwise unused) psvi field. */
static void start_element(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
                          int nb_ns, const xmlChar **ns, int nb_attrs, int nb_defaulted,
                          const xmlChar **attrs)
{
    xmlParserCtxt *ctxt = ctx;

    xmlSAX2StartElementNs(ctx, name, prefix, uri, nb_ns, ns, nb_attrs, nb_defaulted, attrs);
    if (ctxt->node != NULL && ctxt->input != NULL && ctxt->input->line >= 65535)
        ctxt->node->psvi = (void *)(intptr_t)ctxt->input->line;
}

int vgl__cib_xml_parse(const char *text, gssize len, const char *label,
                       xmlDoc **out, GPtrArray *errors)
{
    /* NOBLANKS: whitespace between elements never becomes nodes (lines come
     * from start_element(), not from text nodes) */
    const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                     XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA;
    xmlParserCtxt *ctxt = NULL;
    xmlDoc *doc = NULL;
    size_t n;
    int rc = 0;

    *out = NULL;
    if (text == NULL) {
        vgl__cib_xml_note(errors, label, "no input");
        return VGL_E_PARSE;
    }
    n = len < 0 ? strlen(text) : (size_t)len;
    if (n > VGL_CIB_MAX_BYTES) {
        vgl__cib_xml_note(errors, label, "input is %zu bytes, more than the limit of %d",
                          n, VGL_CIB_MAX_BYTES);
        return VGL_E_LIMIT;
    }
    if (n == 0) {
        vgl__cib_xml_note(errors, label, "empty input");
        return VGL_E_PARSE;
    }
    /* Refuse before libxml2 sees them: a DTD can declare entities whose
     * expansion explodes, or point at files and URLs. */
    if (memmem(text, n, "<!DOCTYPE", 9) != NULL || memmem(text, n, "<!ENTITY", 8) != NULL) {
        vgl__cib_xml_note(errors, label, "DTD and entity declarations are not allowed");
        return VGL_E_PARSE;
    }
    if (memchr(text, '\0', n) != NULL) {
        vgl__cib_xml_note(errors, label, "input contains a NUL byte");
        return VGL_E_PARSE;
    }
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL || ctxt->sax == NULL)
        g_error("out of memory");
    ctxt->sax->startElementNs = start_element;
    doc = xmlCtxtReadMemory(ctxt, text, (int)n, NULL, NULL, opts);
    if (doc == NULL || !ctxt->wellFormed) {
        rc = parse_error(errors, label, ctxt);
        goto done;
    }
    if (doc->intSubset != NULL || doc->extSubset != NULL || xmlDocGetRootElement(doc) == NULL) {
        vgl__cib_xml_note(errors, label, "DTD and entity declarations are not allowed");
        rc = VGL_E_PARSE;
        goto done;
    }
    *out = doc;
    doc = NULL;
done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* Make an attribute's value one text node, so vgl__cib_xml_attr() can
 * return a pointer into the tree. */
static void flatten_attr(xmlAttr *a)
{
    xmlChar *v;

    if (a->children == NULL ||
        (a->children->type == XML_TEXT_NODE && a->children->next == NULL))
        return;
    v = xmlNodeListGetString(a->doc, a->children, 1);
    xmlFreeNodeList(a->children);
    a->children = NULL;
    a->last = NULL;
    if (v != NULL && *v != '\0') {
        xmlNode *t = xmlNewDocText(a->doc, v);
        a->children = t;
        a->last = t;
        t->parent = (xmlNode *)a;
    }
    xmlFree(v);
}

void vgl__cib_xml_strip(xmlNode *n)
{
    xmlNode *c = n->children;

    for (xmlAttr *a = n->properties; a != NULL; a = a->next)
        flatten_attr(a);
    while (c != NULL) {
        xmlNode *next = c->next;

        if (c->type == XML_ELEMENT_NODE) {
            vgl__cib_xml_strip(c);
        } else {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        c = next;
    }
}

void vgl__cib_xml_clear_lines(xmlNode *n)
{
    n->line = 0;
    n->psvi = NULL;
    for (xmlNode *c = vgl__cib_xml_first(n); c != NULL; c = vgl__cib_xml_next(c))
        vgl__cib_xml_clear_lines(c);
}

/* ---- tree helpers ---- */

const char *vgl__cib_xml_attr(const xmlNode *n, const char *name)
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

void vgl__cib_xml_set(xmlNode *n, const char *name, const char *value)
{
    if (value == NULL)
        xmlUnsetProp(n, (const xmlChar *)name);
    else
        xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

xmlNode *vgl__cib_xml_first(const xmlNode *n)
{
    for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return c;
    }
    return NULL;
}

xmlNode *vgl__cib_xml_next(const xmlNode *n)
{
    for (xmlNode *c = n->next; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return c;
    }
    return NULL;
}

xmlNode *vgl__cib_xml_nvpair(xmlNode *set, const char *id, const char *name, const char *value)
{
    xmlNode *nv = xmlNewChild(set, NULL, (const xmlChar *)"nvpair", NULL);

    vgl__cib_xml_set(nv, "id", id);
    vgl__cib_xml_set(nv, "name", name);
    vgl__cib_xml_set(nv, "value", value);
    return nv;
}

bool vgl__cib_xml_is(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

xmlNode *vgl__cib_xml_child(const xmlNode *n, const char *name, const char *id)
{
    for (xmlNode *c = vgl__cib_xml_first(n); c != NULL; c = vgl__cib_xml_next(c)) {
        const char *cid;

        if (!vgl__cib_xml_is(c, name))
            continue;
        cid = vgl__cib_xml_attr(c, "id");
        if (id == NULL || (cid != NULL && strcmp(cid, id) == 0))
            return c;
    }
    return NULL;
}

xmlNode *vgl__cib_xml_ensure(xmlNode *n, const char *name)
{
    xmlNode *c = vgl__cib_xml_child(n, name, NULL);

    if (c == NULL)
        c = xmlNewChild(n, NULL, (const xmlChar *)name, NULL);
    return c;
}

long vgl__cib_xml_line(const xmlNode *n)
{
    if (n == NULL || n->type != XML_ELEMENT_NODE)
        return 0;
    if (n->line < 65535)
        return n->line;
    /* set by start_element(); a copy has lost it: unknown rather than wrong */
    return n->psvi ? (long)(intptr_t)n->psvi : 0;
}

/* ---- messages ---- */

void vgl__cib_xml_note(GPtrArray *errors, const char *label, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (errors == NULL)
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(errors, g_strdup_printf("%s: %s", label ? label : "cib", msg));
    g_free(msg);
}

void vgl__cib_xml_error(GPtrArray *errors, const char *label, const xmlNode *n,
                        const char *fmt, ...)
{
    va_list ap;
    char *msg, *where;
    const char *id = vgl__cib_xml_attr(n, "id");
    long line = vgl__cib_xml_line(n);

    if (errors == NULL)
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (line > 0)
        where = g_strdup_printf("%s:%ld", label ? label : "cib", line);
    else
        where = g_strdup(label ? label : "cib");
    if (n == NULL)
        g_ptr_array_add(errors, g_strdup_printf("%s: %s", where, msg));
    else if (id != NULL)
        g_ptr_array_add(errors, g_strdup_printf("%s: <%s id=\"%s\">: %s", where,
                                                (const char *)n->name, id, msg));
    else
        g_ptr_array_add(errors, g_strdup_printf("%s: <%s>: %s", where,
                                                (const char *)n->name, msg));
    g_free(where);
    g_free(msg);
}

bool vgl__cib_xml_text_ok(const char *s)
{
    const char *p = s;

    if (s == NULL || !g_utf8_validate(s, -1, NULL))
        return false;
    while (*p) {
        gunichar c = g_utf8_get_char(p);

        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
            (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF)
            return false;
        p = g_utf8_next_char(p);
    }
    return true;
}

/* ---- serialization ---- */

static void put_escaped(GString *out, const char *s)
{
    for (;;) {
        size_t plain = strcspn(s, "&<>\"\n\r\t");

        g_string_append_len(out, s, (gssize)plain);
        s += plain;
        switch (*s) {
        case '\0': return;
        case '&': g_string_append(out, "&amp;"); break;
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '"': g_string_append(out, "&quot;"); break;
        case '\n': g_string_append(out, "&#10;"); break;
        case '\r': g_string_append(out, "&#13;"); break;
        default: g_string_append(out, "&#9;"); break;
        }
        s++;
    }
}

static void put_attr(GString *out, const xmlAttr *a)
{
    g_string_append_c(out, ' ');
    g_string_append(out, (const char *)a->name);
    g_string_append(out, "=\"");
    if (a->children != NULL && a->children->content != NULL)
        put_escaped(out, (const char *)a->children->content);
    g_string_append_c(out, '"');
}

static void pretty(GString *out, const xmlNode *n, unsigned depth)
{
    const xmlNode *c = vgl__cib_xml_first(n);

    for (unsigned i = 0; i < depth; i++)
        g_string_append(out, "  ");
    g_string_append_c(out, '<');
    g_string_append(out, (const char *)n->name);
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next)
        put_attr(out, a);
    if (c == NULL) {
        g_string_append(out, "/>\n");
        return;
    }
    g_string_append(out, ">\n");
    for (; c != NULL; c = vgl__cib_xml_next(c))
        pretty(out, c, depth + 1);
    for (unsigned i = 0; i < depth; i++)
        g_string_append(out, "  ");
    g_string_append(out, "</");
    g_string_append(out, (const char *)n->name);
    g_string_append(out, ">\n");
}

char *vgl__cib_xml_pretty(const xmlNode *n)
{
    GString *out = g_string_sized_new(4096);

    pretty(out, n, 0);
    return g_string_free(out, FALSE);
}

static int attr_cmp(const void *a, const void *b)
{
    const xmlAttr *x = *(const xmlAttr *const *)a;
    const xmlAttr *y = *(const xmlAttr *const *)b;

    return strcmp((const char *)x->name, (const char *)y->name);
}

/* The canonical form of n into out; with sum, out is fed to it (and
 * emptied) whenever it grows past 64 KiB, so a digest needs no copy of
 * the whole document. */
static void canonical(GString *out, GChecksum *sum, const xmlNode *n)
{
    const xmlAttr *stack[16];
    const xmlAttr **attrs = stack;
    size_t count = 0, i = 0;
    const xmlNode *c;

    for (const xmlAttr *a = n->properties; a != NULL; a = a->next)
        count++;
    if (count > G_N_ELEMENTS(stack))
        attrs = g_new(const xmlAttr *, count);
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next)
        attrs[i++] = a;
    qsort(attrs, count, sizeof(*attrs), attr_cmp);
    g_string_append_c(out, '<');
    g_string_append(out, (const char *)n->name);
    for (i = 0; i < count; i++)
        put_attr(out, attrs[i]);
    if (attrs != stack)
        g_free(attrs);
    c = vgl__cib_xml_first(n);
    if (c == NULL) {
        g_string_append(out, "/>");
    } else {
        g_string_append_c(out, '>');
        for (; c != NULL; c = vgl__cib_xml_next(c))
            canonical(out, sum, c);
        g_string_append(out, "</");
        g_string_append(out, (const char *)n->name);
        g_string_append_c(out, '>');
    }
    if (sum != NULL && out->len >= 65536) {
        g_checksum_update(sum, (const guchar *)out->str, (gssize)out->len);
        g_string_truncate(out, 0);
    }
}

void vgl__cib_xml_canonical(GString *out, const xmlNode *n)
{
    canonical(out, NULL, n);
}

char *vgl__cib_xml_digest(const xmlNode *n)
{
    GString *buf = g_string_sized_new(65536 + 4096);
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    char *hex;

    canonical(buf, sum, n);
    g_checksum_update(sum, (const guchar *)buf->str, (gssize)buf->len);
    hex = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    g_string_free(buf, TRUE);
    return hex;
}
