/*
 * merge.c — building and merging status pieces for the barrier.
 *
 * Everything here parses a serialized copy, edits it with libxml2, and
 * serializes it again; the replica loads the result with
 * vgl_cib_load_string() so it is validated before use.  Inputs from peers
 * (announced node_states, fence histories) are parsed with the same
 * network-less, entity-less options as any other peer input, and a piece
 * that does not parse, or is not the element it claims, is skipped.
 */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <vigil/cib.h>

#include "daemon/merge.h"

#define PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NO_XXE_COMPAT)
#ifndef XML_PARSE_NO_XXE_COMPAT
#define XML_PARSE_NO_XXE_COMPAT 0
#endif

static bool is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (is_el(c, name))
            return c;
    }
    return NULL;
}

static bool attr_is(const xmlNode *n, const char *name, const char *value)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    bool eq = v && strcmp((const char *)v, value) == 0;
    xmlFree(v);
    return eq;
}

static char *dump(const xmlNode *n)
{
    xmlBufferPtr buf = xmlBufferCreate();
    char *s;

    xmlNodeDump(buf, n->doc, (xmlNode *)n, 0, 0);
    s = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return s;
}

static const xmlNode *status_of(const vgl_cib *cib)
{
    const xmlDoc *doc = vgl_cib_xml(cib);
    return doc ? child(xmlDocGetRootElement((xmlDoc *)doc), "status") : NULL;
}

static const xmlNode *find_state(const xmlNode *status, const char *uname)
{
    for (const xmlNode *c = status ? status->children : NULL; c; c = c->next) {
        if (is_el(c, "node_state") && attr_is(c, "uname", uname))
            return c;
    }
    return NULL;
}

char *vgl_merge_node_state(const vgl_cib *cib, const char *uname)
{
    const xmlNode *n = find_state(status_of(cib), uname);
    return n ? dump(n) : NULL;
}

char *vgl_merge_state_attr(const vgl_cib *cib, const char *uname, const char *attr)
{
    const xmlNode *n = find_state(status_of(cib), uname);
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)attr) : NULL;
    char *s = v ? g_strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static bool state_unclean(const xmlNode *n)
{
    return attr_is(n, "in_ccm", "false") &&
           (attr_is(n, "expected", "member") || attr_is(n, "join", "member"));
}

GPtrArray *vgl_merge_unclean_states(const vgl_cib *cib, const char *const *members)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    const xmlNode *status = status_of(cib);

    for (const xmlNode *c = status ? status->children : NULL; c; c = c->next) {
        xmlChar *uname;
        bool member = false;

        if (!is_el(c, "node_state") || !state_unclean(c))
            continue;
        uname = xmlGetProp(c, (const xmlChar *)"uname");
        for (size_t i = 0; uname && members && members[i]; i++)
            member |= strcmp(members[i], (const char *)uname) == 0;
        if (!member)
            g_ptr_array_add(out, dump(c));
        xmlFree(uname);
    }
    return out;
}

char *vgl_merge_fence_history(const vgl_cib *cib)
{
    const xmlNode *n = child(status_of(cib), "fence_history");
    return n ? dump(n) : NULL;
}

/* Parse one element of a peer's text; NULL unless it is a <name>. */
static xmlDoc *parse_piece(const char *text, const char *name)
{
    xmlDoc *d;

    if (text == NULL || *text == '\0')
        return NULL;
    d = xmlReadMemory(text, (int)strnlen(text, 64u << 20), "peer", NULL, PARSE_OPTS);
    if (d && !is_el(xmlDocGetRootElement(d), name)) {
        xmlFreeDoc(d);
        return NULL;
    }
    return d;
}

/* Put a copy of [in] piece's root into status, replacing the node_state of
 * the same uname. */
static void put_state(xmlNode *status, const xmlDoc *piece, const char *uname)
{
    xmlNode *old = (xmlNode *)find_state(status, uname);
    xmlNode *copy;

    if (old) {
        xmlUnlinkNode(old);
        xmlFreeNode(old);
    }
    if (piece == NULL)
        return;
    copy = xmlDocCopyNode(xmlDocGetRootElement((xmlDoc *)piece), status->doc, 1);
    xmlAddChild(status, copy);
}

static void merge_members(xmlNode *status, GHashTable *states)
{
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init(&it, states);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        xmlDoc *piece = parse_piece(v, "node_state");
        if (piece && !attr_is(xmlDocGetRootElement(piece), "uname", k)) {
            xmlFreeDoc(piece); /* a node may only announce itself */
            piece = NULL;
        }
        put_state(status, piece, k);
        if (piece)
            xmlFreeDoc(piece);
    }
}

/* Add to [in,out] mine every lrm_resource of [in] theirs that mine lacks:
 * for a node that may still run things, what anyone knows it may run. */
static void union_history(xmlNode *mine, const xmlNode *theirs)
{
    xmlNode *lrm = (xmlNode *)child(mine, "lrm"), *rscs;
    const xmlNode *their_rscs = child(child(theirs, "lrm"), "lrm_resources");

    if (their_rscs == NULL)
        return;
    if (lrm == NULL) {
        lrm = xmlNewChild(mine, NULL, (const xmlChar *)"lrm", NULL);
        xmlChar *id = xmlGetProp(mine, (const xmlChar *)"id");
        xmlSetProp(lrm, (const xmlChar *)"id", id ? id : (const xmlChar *)"");
        xmlFree(id);
    }
    rscs = (xmlNode *)child(lrm, "lrm_resources");
    if (rscs == NULL)
        rscs = xmlNewChild(lrm, NULL, (const xmlChar *)"lrm_resources", NULL);
    for (const xmlNode *r = their_rscs->children; r; r = r->next) {
        xmlChar *id;
        bool have = false;
        if (!is_el(r, "lrm_resource"))
            continue;
        id = xmlGetProp(r, (const xmlChar *)"id");
        for (const xmlNode *m = rscs->children; m && id && !have; m = m->next)
            have = is_el(m, "lrm_resource") && attr_is(m, "id", (const char *)id);
        if (!have)
            xmlAddChild(rscs, xmlDocCopyNode((xmlNode *)r, mine->doc, 1));
        xmlFree(id);
    }
}

static void merge_unclean(xmlNode *status, GPtrArray *states, GHashTable *members)
{
    for (guint i = 0; states && i < states->len; i++) {
        xmlDoc *piece = parse_piece(g_ptr_array_index(states, i), "node_state");
        xmlChar *uname;
        const xmlNode *mine;

        if (piece == NULL)
            continue;
        uname = xmlGetProp(xmlDocGetRootElement(piece), (const xmlChar *)"uname");
        if (uname && !g_hash_table_contains(members, uname) &&
            state_unclean(xmlDocGetRootElement(piece))) {
            mine = find_state(status, (const char *)uname);
            /* Unclean wins; the history is the union of ours and theirs
             * (protocol fix 6b): if anyone thinks it may run something,
             * it may. */
            if (mine == NULL || !state_unclean(mine))
                put_state(status, piece, (const char *)uname);
            else
                union_history((xmlNode *)mine, xmlDocGetRootElement(piece));
        }
        xmlFree(uname);
        xmlFreeDoc(piece);
    }
}

static char *event_key(const xmlNode *e)
{
    static const char *attrs[] = { "target", "action", "status", "completed", "delegate", "origin" };
    GString *k = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(attrs); i++) {
        xmlChar *v = xmlGetProp(e, (const xmlChar *)attrs[i]);
        g_string_append_printf(k, "%s|", v ? (const char *)v : "");
        xmlFree(v);
    }
    return g_string_free(k, FALSE);
}

static gint64 completed_of(const xmlNode *e)
{
    xmlChar *v = xmlGetProp(e, (const xmlChar *)"completed");
    gint64 t = v ? g_ascii_strtoll((const char *)v, NULL, 10) : 0;
    xmlFree(v);
    return t;
}

static gint by_completed(gconstpointer a, gconstpointer b)
{
    gint64 x = completed_of(*(xmlNode *const *)a), y = completed_of(*(xmlNode *const *)b);
    return x < y ? -1 : (x > y);
}

/* Union of our fence events and the announced ones, by content; oldest
 * first; the last VGL_CIB_FENCE_HISTORY_MAX kept and renumbered. */
static void merge_fencing(xmlNode *status, GPtrArray *histories)
{
    xmlNode *hist = (xmlNode *)child(status, "fence_history");
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GPtrArray *events = g_ptr_array_new();
    xmlDoc *tmp = xmlNewDoc((const xmlChar *)"1.0");
    guint first;

    if (hist == NULL)
        hist = xmlNewChild(status, NULL, (const xmlChar *)"fence_history", NULL);
    for (xmlNode *e = hist->children; e; e = e->next) {
        if (is_el(e, "fence_event") && g_hash_table_add(seen, event_key(e)))
            g_ptr_array_add(events, xmlDocCopyNode(e, tmp, 1));
    }
    for (guint i = 0; histories && i < histories->len; i++) {
        xmlDoc *piece = parse_piece(g_ptr_array_index(histories, i), "fence_history");
        for (xmlNode *e = piece ? xmlDocGetRootElement(piece)->children : NULL; e; e = e->next) {
            if (is_el(e, "fence_event") && g_hash_table_add(seen, event_key(e)))
                g_ptr_array_add(events, xmlDocCopyNode(e, tmp, 1));
        }
        if (piece)
            xmlFreeDoc(piece);
    }
    while (hist->children) {
        xmlNode *c = hist->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    g_ptr_array_sort(events, by_completed);
    first = events->len > VGL_CIB_FENCE_HISTORY_MAX ? events->len - VGL_CIB_FENCE_HISTORY_MAX : 0;
    for (guint i = 0; i < events->len; i++) {
        xmlNode *e = g_ptr_array_index(events, i);
        if (i >= first) {
            char id[32];
            xmlNode *copy = xmlDocCopyNode(e, status->doc, 1);
            snprintf(id, sizeof(id), "fence-%u", i - first + 1);
            xmlSetProp(copy, (const xmlChar *)"id", (const xmlChar *)id);
            xmlAddChild(hist, copy);
        }
        xmlFreeNode(e);
    }
    g_ptr_array_unref(events);
    g_hash_table_unref(seen);
    xmlFreeDoc(tmp);
}

static xmlDoc *parse_cib_copy(const vgl_cib *cib)
{
    char *text = vgl_cib_serialize(cib);
    xmlDoc *d = xmlReadMemory(text, (int)strlen(text), "cib", NULL, PARSE_OPTS);
    g_free(text);
    return d;
}

static char *doc_text(xmlDoc *d)
{
    xmlChar *mem = NULL;
    int len = 0;
    char *s;

    xmlDocDumpMemory(d, &mem, &len);
    s = g_strndup((const char *)mem, (gsize)len);
    xmlFree(mem);
    return s;
}

char *vgl_merge_sync(const vgl_cib *base, const vgl_merge_input *in)
{
    xmlDoc *d = parse_cib_copy(base);
    xmlNode *status;
    char *out;

    if (d == NULL)
        return NULL;
    status = (xmlNode *)child(xmlDocGetRootElement(d), "status");
    if (status == NULL)
        status = xmlNewChild(xmlDocGetRootElement(d), NULL, (const xmlChar *)"status", NULL);
    if (in->member_states)
        merge_members(status, in->member_states);
    if (in->member_states)
        merge_unclean(status, in->unclean_states, in->member_states);
    merge_fencing(status, in->fence_histories);
    out = doc_text(d);
    xmlFreeDoc(d);
    return out;
}

vgl_cib *vgl_merge_strip_status(const vgl_cib *cib)
{
    xmlDoc *d = parse_cib_copy(cib);
    xmlNode *status;
    vgl_cib *out = NULL;
    char *text;

    if (d == NULL)
        return NULL;
    status = (xmlNode *)child(xmlDocGetRootElement(d), "status");
    while (status && status->children) {
        xmlNode *c = status->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    text = doc_text(d);
    xmlFreeDoc(d);
    vgl_cib_load_string(text, -1, vgl_cib_label(cib), &out, NULL);
    g_free(text);
    return out;
}
