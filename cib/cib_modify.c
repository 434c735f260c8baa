/*
 * cib_modify.c — configuration changes: put (create or replace an element
 * by id), delete (refusing or cascading when something refers to the
 * element), cluster options, permanent node attributes, resource meta
 * attributes, and replacing the whole configuration.
 *
 * Every change here is a transaction: it edits the live document through
 * a journal (cib_journal.c), and vgl__cib_commit() validates the result
 * and keeps it (bumping epoch) or rolls every step back.  So a change
 * that fails leaves the CIB exactly as it was, whatever went wrong, and a
 * change costs its own size plus one validation of the configuration.
 *
 * New ids follow Pacemaker's tools ("cib-bootstrap-options-NAME",
 * "RSC-meta_attributes-NAME", "nodes-ID-NAME"), made unique with "-N".
 */
#include "config.h"

#include <string.h>

#include "cib/cib_internal.h"

/* Check a caller's string before it goes into the document. */
static bool arg_ok(const vgl_cib *cib, GPtrArray *errors, const char *what,
                   const char *s, bool may_be_null)
{
    if (s == NULL && may_be_null)
        return true;
    if (s == NULL || *s == '\0') {
        vgl__cib_xml_note(errors, cib ? cib->label : NULL, "%s is missing", what);
        return false;
    }
    if (!vgl__cib_xml_text_ok(s)) {
        vgl__cib_xml_note(errors, cib->label, "%s holds bytes that are not valid UTF-8 XML text", what);
        return false;
    }
    return true;
}

/* The configuration section child of doc that holds n (NULL if none). */
static const xmlNode *section_of(const xmlNode *n)
{
    for (; n != NULL && n->parent != NULL && n->parent->type == XML_ELEMENT_NODE; n = n->parent) {
        if (vgl__cib_xml_is(n->parent, "configuration"))
            return n;
    }
    return NULL;
}

static xmlNode *find_node_by_id(xmlDoc *doc, const char *id)
{
    xmlNode *conf = vgl__cib_xml_child(xmlDocGetRootElement(doc), "configuration", NULL);

    return vgl__cib_xml_child(vgl__cib_xml_child(conf, "nodes", NULL), "node", id);
}

/* ---- put ---- */

int vgl_cib_put(vgl_cib *cib, vgl_cib_section section, const char *xml, GPtrArray *errors)
{
    const char *sname = vgl_cib_section_name(section);
    xmlDoc *frag = NULL;
    xmlNode *root, *fresh, *old = NULL;
    vgl__cib_journal *j;
    const char *id;
    int rc = 0;

    if (cib == NULL || sname == NULL) {
        vgl__cib_xml_note(errors, cib ? cib->label : NULL, "no CIB or unknown section");
        return VGL_E_INVALID;
    }
    rc = vgl__cib_xml_parse(xml, -1, "input", &frag, errors);
    if (rc != 0)
        return rc;
    root = xmlDocGetRootElement(frag);
    id = vgl__cib_xml_attr(root, "id");
    if (id == NULL || *id == '\0') {
        vgl__cib_xml_error(errors, cib->label, NULL, "<%s>: an element to put needs an id",
                           (const char *)root->name);
        rc = VGL_E_INVALID;
        goto done;
    }
    old = section == VGL_CIB_NODES ? find_node_by_id(cib->doc, id) : g_hash_table_lookup(cib->ids, id);
    if (old != NULL && !vgl__cib_xml_is(section_of(old), sname)) {
        vgl__cib_xml_error(errors, cib->label, old, "id \"%s\" is already used in <%s>, not in <%s>",
                           id, (const char *)section_of(old)->name, sname);
        rc = VGL_E_EXISTS;
        goto done;
    }
    vgl__cib_xml_strip(root);
    vgl__cib_xml_clear_lines(root);
    fresh = xmlDocCopyNode(root, cib->doc, 1);
    j = vgl__cib_journal_new(cib->doc);
    if (old != NULL)
        vgl__cib_journal_replace(j, old, fresh);
    else
        vgl__cib_journal_add(j, vgl__cib_section(j, cib->doc, sname), fresh, NULL);
    rc = vgl__cib_commit(cib, j, NULL, errors);
done:
    xmlFreeDoc(frag);
    return rc;
}

/* ---- delete ---- */

static void collect_ids(GHashTable *set, const xmlNode *n)
{
    const char *id = vgl__cib_xml_attr(n, "id");

    if (id != NULL && !vgl__cib_xml_is(n, "node"))
        g_hash_table_add(set, (gpointer)id);
    for (xmlNode *c = vgl__cib_xml_first(n); c != NULL; c = vgl__cib_xml_next(c))
        collect_ids(set, c);
}

static bool refers_to(const xmlNode *c, GHashTable *gone)
{
    static const char *const attrs[] = { "rsc", "with-rsc", "first", "then" };
    const char *devices = vgl__cib_xml_attr(c, "devices");
    bool hit = false;

    for (size_t i = 0; i < G_N_ELEMENTS(attrs); i++) {
        const char *v = vgl__cib_xml_attr(c, attrs[i]);

        if (v != NULL && g_hash_table_contains(gone, v))
            return true;
    }
    if (devices != NULL && vgl__cib_xml_is(c, "fencing-level")) {
        char **list = g_strsplit(devices, ",", -1);

        for (char **d = list; *d != NULL && !hit; d++)
            hit = g_hash_table_contains(gone, *d);
        g_strfreev(list);
    }
    return hit;
}

/* Elements outside target (constraints, fencing levels) referring to an
 * id in target's subtree. */
static GPtrArray *referrers(xmlDoc *doc, const xmlNode *target)
{
    static const char *const holders[] = { "constraints", "fencing-topology" };
    GHashTable *gone = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *out = g_ptr_array_new();

    collect_ids(gone, target);
    for (size_t i = 0; i < G_N_ELEMENTS(holders); i++) {
        xmlNode *conf = vgl__cib_xml_child(xmlDocGetRootElement(doc), "configuration", NULL);

        for (xmlNode *c = vgl__cib_xml_first(vgl__cib_xml_child(conf, holders[i], NULL)); c != NULL;
             c = vgl__cib_xml_next(c)) {
            if (c != target && refers_to(c, gone))
                g_ptr_array_add(out, c);
        }
    }
    g_hash_table_destroy(gone);
    return out;
}

int vgl_cib_delete(vgl_cib *cib, const char *id, unsigned flags, GPtrArray *errors)
{
    xmlNode *target;
    GPtrArray *refs;
    vgl__cib_journal *j;
    int rc = 0;

    if (cib == NULL || !arg_ok(cib, errors, "the id", id, false))
        return VGL_E_INVALID;
    target = g_hash_table_lookup(cib->ids, id);
    if (target == NULL)
        target = find_node_by_id(cib->doc, id);
    if (target == NULL) {
        vgl__cib_xml_note(errors, cib->label, "no element with id \"%s\"", id);
        return VGL_E_NOT_FOUND;
    }
    refs = referrers(cib->doc, target);
    for (guint i = 0; !(flags & VGL_CIB_DELETE_CASCADE) && i < refs->len; i++) {
        xmlNode *r = refs->pdata[i];

        vgl__cib_xml_error(errors, cib->label, target, "cannot delete: <%s id=\"%s\"> refers to it",
                           (const char *)r->name, vgl__cib_xml_attr(r, "id"));
        rc = VGL_E_PERM;
    }
    if (rc != 0) {
        g_ptr_array_free(refs, TRUE);
        return rc;
    }
    j = vgl__cib_journal_new(cib->doc);
    for (guint i = 0; i < refs->len; i++)
        vgl__cib_journal_unlink(j, refs->pdata[i]);
    g_ptr_array_free(refs, TRUE);
    vgl__cib_journal_unlink(j, target);
    return vgl__cib_commit(cib, j, NULL, errors);
}

/* ---- name/value changes ---- */

/* Set (value) or unset (NULL) name (or its alias) among the sets called
 * set_name under parent, through j.  A new set gets an id from set_base;
 * a new nvpair one from "SETID-NAME".  Returns whether anything changed. */
static bool set_nv(vgl__cib_journal *j, GHashTable *ids, xmlNode *parent, const char *set_name,
                   const char *set_base, const char *first_id, const char *name,
                   const char *alias, const char *value)
{
    xmlNode *nv = vgl__cib_nvpair_find(parent, set_name, name, alias, first_id);
    xmlNode *set;
    char *set_id, *nv_id, *base;
    bool changed = false;

    if (value == NULL) {
        for (xmlNode *s = vgl__cib_xml_first(parent); s != NULL; s = vgl__cib_xml_next(s)) {
            xmlNode *c = vgl__cib_xml_is(s, set_name) ? vgl__cib_xml_first(s) : NULL;

            while (c != NULL) {
                xmlNode *next = vgl__cib_xml_next(c);
                const char *n = vgl__cib_xml_attr(c, "name");

                if (n != NULL && (strcmp(n, name) == 0 || (alias && strcmp(n, alias) == 0))) {
                    vgl__cib_journal_unlink(j, c);
                    changed = true;
                }
                c = next;
            }
        }
        return changed;
    }
    if (nv != NULL) {
        vgl__cib_journal_set(j, nv, "value", value);
        return true;
    }
    set = first_id ? vgl__cib_xml_child(parent, set_name, first_id) : NULL;
    if (set == NULL)
        set = vgl__cib_xml_child(parent, set_name, NULL);
    if (set == NULL) {
        set_id = vgl__cib_make_id(ids, set_base);
        set = xmlNewDocNode(parent->doc, NULL, (const xmlChar *)set_name, NULL);
        vgl__cib_xml_set(set, "id", set_id);
        vgl__cib_journal_add(j, parent, set, NULL);
        g_free(set_id);
    }
    base = g_strdup_printf("%s-%s", vgl__cib_xml_attr(set, "id"), name);
    nv_id = vgl__cib_make_id(ids, base);
    nv = xmlNewDocNode(parent->doc, NULL, (const xmlChar *)"nvpair", NULL);
    vgl__cib_xml_set(nv, "id", nv_id);
    vgl__cib_xml_set(nv, "name", name);
    vgl__cib_xml_set(nv, "value", value);
    vgl__cib_journal_add(j, set, nv, NULL);
    g_free(nv_id);
    g_free(base);
    return true;
}

/* The shared tail of the name/value setters: commit when changed. */
static int finish(vgl_cib *cib, vgl__cib_journal *j, bool changed, GPtrArray *errors)
{
    if (!changed) {
        vgl__cib_journal_rollback(j);
        return 0;
    }
    return vgl__cib_commit(cib, j, NULL, errors);
}

int vgl_cib_set_option(vgl_cib *cib, const char *name, const char *value, GPtrArray *errors)
{
    const vgl__cib_option *opt;
    vgl__cib_journal *j;
    bool changed;

    if (cib == NULL || !arg_ok(cib, errors, "the option name", name, false) ||
        !arg_ok(cib, errors, "the value", value, true))
        return VGL_E_INVALID;
    opt = vgl__cib_option_find(VGL__CIB_T_CLUSTER, name);
    j = vgl__cib_journal_new(cib->doc);
    changed = set_nv(j, cib->ids, vgl__cib_section(j, cib->doc, "crm_config"), "cluster_property_set",
                     "cib-bootstrap-options", "cib-bootstrap-options", opt ? opt->name : name,
                     opt ? opt->alias : NULL, value);
    return finish(cib, j, changed, errors);
}

int vgl_cib_set_node_attr(vgl_cib *cib, const char *uname, const char *name,
                          const char *value, GPtrArray *errors)
{
    xmlNode *node;
    vgl__cib_journal *j;
    char *base;
    bool changed;

    if (cib == NULL || !arg_ok(cib, errors, "the node name", uname, false) ||
        !arg_ok(cib, errors, "the attribute name", name, false) ||
        !arg_ok(cib, errors, "the value", value, true))
        return VGL_E_INVALID;
    node = (xmlNode *)vgl_cib_node(cib, uname);
    if (node == NULL) {
        vgl__cib_xml_note(errors, cib->label, "no node called \"%s\"", uname);
        return VGL_E_NOT_FOUND;
    }
    j = vgl__cib_journal_new(cib->doc);
    base = g_strdup_printf("nodes-%s", vgl__cib_xml_attr(node, "id"));
    changed = set_nv(j, cib->ids, node, "instance_attributes", base, NULL, name, NULL, value);
    g_free(base);
    return finish(cib, j, changed, errors);
}

int vgl_cib_set_rsc_meta(vgl_cib *cib, const char *rsc, const char *name,
                         const char *value, GPtrArray *errors)
{
    xmlNode *r;
    vgl__cib_journal *j;
    char *base;
    bool changed;

    if (cib == NULL || !arg_ok(cib, errors, "the resource id", rsc, false) ||
        !arg_ok(cib, errors, "the attribute name", name, false) ||
        !arg_ok(cib, errors, "the value", value, true))
        return VGL_E_INVALID;
    r = g_hash_table_lookup(cib->ids, rsc);
    if (!vgl__cib_xml_is(r, "primitive") && !vgl__cib_xml_is(r, "group") &&
        !vgl__cib_xml_is(r, "clone")) {
        vgl__cib_xml_note(errors, cib->label, "no resource called \"%s\"", rsc);
        return VGL_E_NOT_FOUND;
    }
    j = vgl__cib_journal_new(cib->doc);
    base = g_strdup_printf("%s-meta_attributes", rsc);
    changed = set_nv(j, cib->ids, r, "meta_attributes", base, NULL, name, NULL, value);
    g_free(base);
    return finish(cib, j, changed, errors);
}

/* ---- whole configuration ---- */

int vgl_cib_replace_config(vgl_cib *cib, const char *xml, gssize len, const char *label,
                           GPtrArray *errors)
{
    xmlDoc *in = NULL;
    xmlNode *conf, *old;
    vgl__cib_journal *j;
    int rc;

    if (label == NULL)
        label = "configuration";
    if (cib == NULL) {
        vgl__cib_xml_note(errors, label, "no CIB");
        return VGL_E_INVALID;
    }
    rc = vgl__cib_xml_parse(xml, len, label, &in, errors);
    if (rc != 0)
        return rc;
    conf = xmlDocGetRootElement(in);
    if (vgl__cib_xml_is(conf, "cib"))
        conf = vgl__cib_xml_child(conf, "configuration", NULL);
    if (!vgl__cib_xml_is(conf, "configuration")) {
        vgl__cib_xml_note(errors, label, "expected <configuration> or <cib>");
        xmlFreeDoc(in);
        return VGL_E_INVALID;
    }
    old = vgl__cib_xml_child(xmlDocGetRootElement(cib->doc), "configuration", NULL);
    j = vgl__cib_journal_new(cib->doc);
    /* Lines stay: messages point into the caller's text. */
    vgl__cib_journal_replace(j, old, xmlDocCopyNode(conf, cib->doc, 1));
    xmlFreeDoc(in);
    return vgl__cib_commit(cib, j, label, errors);
}
