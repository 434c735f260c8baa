/*
 * crm_syntax_misc.c — the statements that are not resources or
 * constraints.
 *
 *   property [SETID:] NAME=VALUE...        (cluster options)
 *   rsc_defaults [SETID:] NAME=VALUE...    (resource meta defaults)
 *   op_defaults [SETID:] NAME=VALUE...     (operation defaults)
 *   fencing_topology TARGET: DEV[,DEV...] [DEV[,DEV...]]... [TARGET: ...]...
 *   alert ID PATH [description=TEXT] [meta NAME=VALUE...] [attributes NAME=VALUE...]
 *         [to RECIPIENT [meta ...] [attributes ...]]...
 *   xml <ELEMENT .../>
 *
 * property and the defaults set the names they list and keep the rest;
 * fencing_topology replaces the whole topology (each word after TARGET: is
 * one level, tried in order; commas join the devices of a level); xml
 * creates or replaces one element by its id, or a whole section when the
 * element is one (<rsc_defaults>, <fencing-topology>...).
 */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>

#include "tools/crm_syntax_internal.h"

/* ------------------------------------------------------------ nv lists */

/* Optional "SETID:" (or "$id=SETID") first; returns it (caller frees) or
 * NULL. */
static char *set_id(crm__stmt *s)
{
    const char *w = crm__peek(s);
    char *id = NULL;

    if (w != NULL && g_str_has_suffix(w, ":") && strlen(w) > 1)
        id = g_strndup(w, strlen(w) - 1);
    else if (w != NULL && g_str_has_prefix(w, "$id=") && w[4] != '\0')
        id = g_strdup(w + 4);
    if (id == NULL)
        return NULL;
    s->pos++;
    if (!crm__check_id(s, id, "set id"))
        g_clear_pointer(&id, g_free);
    return id;
}

/* The NAME=VALUE words that follow, split (names and values alternate);
 * NULL after an error. */
static GPtrArray *nv_list(crm__stmt *s, const char *keyword)
{
    GPtrArray *nv = g_ptr_array_new_with_free_func(g_free);
    const char *w;

    while ((w = crm__peek(s)) != NULL && crm__is_nv(w)) {
        char *name = g_strndup(w, (gsize)(strchr(w, '=') - w));
        for (guint i = 0; i < nv->len; i += 2) {
            if (strcmp(g_ptr_array_index(nv, i), name) == 0)
                crm__fail(s, VGL_E_PARSE, "'%s' is given twice", name);
        }
        g_ptr_array_add(nv, name);
        g_ptr_array_add(nv, g_strdup(strchr(w, '=') + 1));
        s->pos++;
    }
    if (s->rc == 0 && nv->len == 0) {
        if (crm__peek(s) != NULL)
            crm__fail(s, VGL_E_PARSE, "'%s' needs NAME=VALUE pairs, not '%s'", keyword, crm__peek(s));
        else
            crm__fail(s, VGL_E_PARSE, "'%s' needs NAME=VALUE pairs", keyword);
    }
    if (s->rc != 0)
        g_clear_pointer(&nv, g_ptr_array_unref);
    return nv;
}

/* The <ELEMENT id=ID> under section, created at its end when absent. */
static xmlNode *named_set(xmlNode *section, const char *element, const char *id)
{
    xmlNode *set;

    for (set = section->children; set != NULL; set = set->next) {
        if (crm__is(set, element) && g_strcmp0(crm__attr(set, "id"), id) == 0)
            return set;
    }
    set = xmlNewChild(section, NULL, BAD_CAST element, NULL);
    xmlNewProp(set, BAD_CAST "id", BAD_CAST id);
    return set;
}

/* The set of crm_config that holds option NAME already, or NULL. */
static xmlNode *set_holding(xmlNode *section, const char *name)
{
    for (xmlNode *set = section->children; set != NULL; set = set->next) {
        for (xmlNode *nv = crm__is(set, "cluster_property_set") ? set->children : NULL; nv; nv = nv->next) {
            if (crm__is(nv, "nvpair") && g_strcmp0(crm__attr(nv, "name"), name) == 0)
                return set;
        }
    }
    return NULL;
}

int crm__stmt_property(crm__stmt *s)
{
    char *id = set_id(s);
    GPtrArray *nv = s->rc == 0 ? nv_list(s, "property") : NULL;
    xmlNode *section;
    bool named = id != NULL && strcmp(id, "cib-bootstrap-options") != 0;

    if (nv == NULL || crm__peek(s) != NULL)
        goto done;
    section = crm__section(s->config, "crm_config", true);
    for (guint i = 0; i < nv->len; i += 2) {
        const char *name = g_ptr_array_index(nv, i), *value = g_ptr_array_index(nv, i + 1);
        xmlNode *set = id ? NULL : set_holding(section, name);

        if (set == NULL)
            set = named_set(section, "cluster_property_set", id ? id : "cib-bootstrap-options");
        crm__nvset_put(set, name, value);
        if (!named)
            crm__change(s, CRM_SYNTAX_OPTION, NULL, name, value);
    }
    if (named)
        crm__change(s, CRM_SYNTAX_PUT, "crm_config", id, NULL);
done:
    if (nv != NULL)
        g_ptr_array_unref(nv);
    g_free(id);
    return s->rc;
}

int crm__stmt_defaults(crm__stmt *s)
{
    const char *kw = g_ptr_array_index(s->words, 0);
    char *id = set_id(s);
    GPtrArray *nv = s->rc == 0 ? nv_list(s, kw) : NULL;
    xmlNode *section, *set;

    if (nv == NULL || crm__peek(s) != NULL)
        goto done;
    section = crm__section(s->config, kw, true);
    if (id == NULL) {
        xmlNode *first = crm__child(section, "meta_attributes");
        id = g_strdup(first ? crm__attr(first, "id") : kw[0] == 'r' ? "rsc-options" : "op-options");
    }
    set = named_set(section, "meta_attributes", id);
    for (guint i = 0; i < nv->len; i += 2)
        crm__nvset_put(set, g_ptr_array_index(nv, i), g_ptr_array_index(nv, i + 1));
    crm__change(s, CRM_SYNTAX_PUT, kw, id, NULL);
done:
    if (nv != NULL)
        g_ptr_array_unref(nv);
    g_free(id);
    return s->rc;
}

/* ----------------------------------------------------- fencing topology */

/* Parse the levels into detached fencing-level elements. */
static GPtrArray *topology_levels(crm__stmt *s)
{
    GPtrArray *levels = g_ptr_array_new_with_free_func((GDestroyNotify)xmlFreeNode);
    char *target = NULL;
    unsigned index = 0;
    const char *w;

    while ((w = crm__next(s)) != NULL && s->rc == 0) {
        if (g_str_has_suffix(w, ":") && strlen(w) > 1) {
            if (target != NULL && index == 0)
                crm__fail(s, VGL_E_PARSE, "target '%s' has no devices", target);
            g_free(target);
            target = g_strndup(w, strlen(w) - 1);
            index = 0;
        } else if (target == NULL) {
            crm__fail(s, VGL_E_PARSE, "'%s' comes before any 'TARGET:' (write fencing_topology "
                      "NODE: DEVICE[,DEVICE] ...)", w);
        } else {
            xmlNode *l = xmlNewNode(NULL, BAD_CAST "fencing-level");
            char num[16], *id;
            g_snprintf(num, sizeof(num), "%u", ++index);
            id = crm__make_id("fl", target, num, NULL);
            xmlNewProp(l, BAD_CAST "id", BAD_CAST id);
            xmlNewProp(l, BAD_CAST "target", BAD_CAST target);
            xmlNewProp(l, BAD_CAST "index", BAD_CAST num);
            xmlNewProp(l, BAD_CAST "devices", BAD_CAST w);
            g_ptr_array_add(levels, l);
            g_free(id);
        }
    }
    if (s->rc == 0 && target == NULL)
        crm__fail(s, VGL_E_PARSE, "needs TARGET: DEVICE[,DEVICE] ... (e.g. fencing_topology node1: fence-ipmi)");
    else if (s->rc == 0 && index == 0)
        crm__fail(s, VGL_E_PARSE, "target '%s' has no devices", target);
    g_free(target);
    if (s->rc != 0)
        g_clear_pointer(&levels, g_ptr_array_unref);
    return levels;
}

int crm__stmt_topology(crm__stmt *s)
{
    GPtrArray *levels = topology_levels(s);
    xmlNode *section;
    GHashTable *keep;

    if (levels == NULL)
        return s->rc;
    keep = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < levels->len; i++)
        g_hash_table_add(keep, (gpointer)crm__attr(g_ptr_array_index(levels, i), "id"));
    section = crm__section(s->config, "fencing-topology", true);
    while (section->children != NULL) {
        xmlNode *c = section->children;
        if (crm__is(c, "fencing-level") && !g_hash_table_contains(keep, crm__attr(c, "id")))
            crm__change(s, CRM_SYNTAX_DELETE, NULL, crm__attr(c, "id"), NULL);
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    for (guint i = 0; i < levels->len; i++) {
        xmlNode *l = g_ptr_array_index(levels, i);
        xmlAddChild(section, l);
        crm__change(s, CRM_SYNTAX_PUT, "fencing-topology", crm__attr(l, "id"), NULL);
    }
    g_ptr_array_set_free_func(levels, NULL);
    g_ptr_array_unref(levels);
    g_hash_table_destroy(keep);
    return s->rc;
}

/* --------------------------------------------------------------- alert */

/* [description=TEXT] [meta NV...] [attributes NV...] of an alert or a
 * recipient. */
static void alert_sets(crm__stmt *s, xmlNode *el)
{
    const char *w = crm__peek(s), *id = crm__attr(el, "id");

    if (w != NULL && g_str_has_prefix(w, "description=")) {
        xmlNewProp(el, BAD_CAST "description", BAD_CAST(w + strlen("description=")));
        s->pos++;
    }
    if (s->rc == 0)
        crm__set_clauses(s, el, id, "attributes");
}

int crm__stmt_alert(crm__stmt *s)
{
    const char *id = crm__need(s, "alert id"), *path, *w;
    unsigned n = 0;
    xmlNode *el;

    if (id == NULL || !crm__check_id(s, id, "alert id"))
        return s->rc;
    crm__set_id(s, id);
    path = crm__need(s, "the path of the alert agent");
    if (path == NULL)
        return s->rc;
    el = xmlNewNode(NULL, BAD_CAST "alert");
    xmlNewProp(el, BAD_CAST "id", BAD_CAST id);
    xmlNewProp(el, BAD_CAST "path", BAD_CAST path);
    alert_sets(s, el);
    while (s->rc == 0 && (w = crm__peek(s)) != NULL && strcmp(w, "to") == 0) {
        const char *to;
        xmlNode *r;
        char num[16], *rid;

        s->pos++;
        to = crm__need(s, "a recipient after 'to'");
        if (to == NULL)
            break;
        g_snprintf(num, sizeof(num), "%u", n);
        rid = n++ == 0 ? crm__make_id(id, "recipient", NULL) : crm__make_id(id, "recipient", num, NULL);
        r = xmlNewChild(el, NULL, BAD_CAST "recipient", NULL);
        xmlNewProp(r, BAD_CAST "id", BAD_CAST rid);
        xmlNewProp(r, BAD_CAST "value", BAD_CAST to);
        g_free(rid);
        alert_sets(s, r);
    }
    if (s->rc == 0 && crm__peek(s) != NULL)
        crm__fail(s, VGL_E_PARSE, "unexpected '%s' (expected meta, attributes or to)", crm__peek(s));
    if (s->rc != 0) {
        xmlFreeNode(el);
        return s->rc;
    }
    crm__put(s, el, "alerts");
    return s->rc;
}

/* ----------------------------------------------------------------- xml */

static const struct {
    const char *element;
    const char *section; /* NULL: the element is the section */
} xml_places[] = {
    { "primitive", "resources" }, { "group", "resources" }, { "clone", "resources" },
    { "rsc_location", "constraints" }, { "rsc_colocation", "constraints" },
    { "rsc_order", "constraints" }, { "node", "nodes" },
    { "cluster_property_set", "crm_config" }, { "fencing-level", "fencing-topology" },
    { "alert", "alerts" }, { "crm_config", NULL }, { "rsc_defaults", NULL },
    { "op_defaults", NULL }, { "fencing-topology", NULL }, { "alerts", NULL },
};

static xmlDoc *xml_parse(crm__stmt *s, const char *text)
{
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, text, (int)strlen(text), NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                    XML_PARSE_NOBLANKS);

    if (doc == NULL) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char *msg = g_strdup(e && e->message ? e->message : "unknown error");
        g_strchomp(msg);
        crm__fail(s, VGL_E_PARSE, "not well-formed XML: %s", msg);
        g_free(msg);
    } else if (doc->intSubset != NULL) {
        crm__fail(s, VGL_E_PARSE, "a DTD is not allowed");
        g_clear_pointer(&doc, xmlFreeDoc);
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* A whole section given as xml replaces the one there. */
static void xml_section(crm__stmt *s, xmlNode *el)
{
    xmlNode *old = crm__section(s->config, (const char *)el->name, true);

    xmlReplaceNode(old, el);
    xmlFreeNode(old);
    crm__change(s, CRM_SYNTAX_WHOLE, NULL, (const char *)el->name, NULL);
}

int crm__stmt_xml(crm__stmt *s)
{
    const char *text = s->raw + strspn(s->raw, " \t") + strlen("xml");
    xmlDoc *doc;
    xmlNode *root, *el;
    size_t i;

    s->pos = s->words->len; /* the text is taken raw, not as words */
    if (*(text + strspn(text, " \t")) == '\0')
        return crm__fail(s, VGL_E_PARSE, "missing the XML element");
    doc = xml_parse(s, text);
    if (doc == NULL)
        return s->rc;
    root = xmlDocGetRootElement(doc);
    for (i = 0; i < G_N_ELEMENTS(xml_places) && !crm__is(root, xml_places[i].element); i++)
        ;
    if (i == G_N_ELEMENTS(xml_places)) {
        crm__fail(s, VGL_E_PARSE, "<%s> has no place in the configuration", (const char *)root->name);
    } else if (xml_places[i].section != NULL && crm__attr(root, "id") == NULL) {
        crm__fail(s, VGL_E_PARSE, "<%s> has no id", (const char *)root->name);
    } else {
        crm__set_id(s, xml_places[i].section ? crm__attr(root, "id") : (const char *)root->name);
        el = xmlDocCopyNode(root, s->config->doc, 1);
        if (xml_places[i].section == NULL)
            xml_section(s, el);
        else
            crm__put(s, el, xml_places[i].section);
    }
    xmlFreeDoc(doc);
    return s->rc;
}
