/*
 * cib_journal.c — an undo log for changing a CIB document in place.
 *
 * A configuration change or a diff edits the live document through a
 * journal, is then validated, and is either committed (the removed nodes
 * and old attribute lists are freed) or rolled back (every step undone in
 * reverse order).  Rolling back restores the very same node and attribute
 * objects, so the CIB is byte-identical afterwards and its id index,
 * whose keys point into attribute values, stays valid.  This replaces
 * copying the whole document for every change: the cost is the size of
 * the change, not of the CIB.
 *
 * Rules for the code using it: while a journal is open, change existing
 * nodes only through it (vgl__cib_journal_attrs() before touching a node's
 * attributes; _unlink, _add, _replace for structure).  Nodes made by
 * _add may be edited freely afterwards: rolling back frees them whole.
 */
#include "config.h"

#include "cib/cib_internal.h"

typedef enum { J_ATTRS, J_UNLINK, J_ADD, J_ROOT } jkind;

typedef struct jentry {
    jkind kind;
    xmlNode *node;     /* ATTRS: the node; UNLINK/ADD: the node moved; ROOT: new root */
    xmlNode *parent;   /* UNLINK: where it was */
    xmlNode *next;     /* UNLINK: its next sibling then (NULL: last) */
    xmlAttr *saved;    /* ATTRS: the original attribute list; ROOT: unused */
    xmlNode *old_root; /* ROOT: the root it replaced */
} jentry;

struct vgl__cib_journal {
    xmlDoc *doc;
    GArray *entries;      /* jentry, in order */
    GHashTable *snapped;  /* nodes whose attributes are saved already */
    GHashTable *fresh;    /* nodes added by this journal (no need to save) */
};

vgl__cib_journal *vgl__cib_journal_new(xmlDoc *doc)
{
    vgl__cib_journal *j = g_new0(vgl__cib_journal, 1);

    j->doc = doc;
    j->entries = g_array_new(FALSE, FALSE, sizeof(jentry));
    j->snapped = g_hash_table_new(g_direct_hash, g_direct_equal);
    j->fresh = g_hash_table_new(g_direct_hash, g_direct_equal);
    return j;
}

/* True when n is (inside) a node this journal added. */
static bool is_fresh(const vgl__cib_journal *j, const xmlNode *n)
{
    for (; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (g_hash_table_contains(j->fresh, n))
            return true;
    }
    return false;
}

void vgl__cib_journal_attrs(vgl__cib_journal *j, xmlNode *n)
{
    jentry e = { J_ATTRS, n, NULL, NULL, NULL, NULL };

    if (is_fresh(j, n) || g_hash_table_contains(j->snapped, n))
        return;
    /* the node works on a copy; the originals come back on rollback */
    e.saved = n->properties;
    n->properties = e.saved ? xmlCopyPropList(n, e.saved) : NULL;
    g_hash_table_add(j->snapped, n);
    g_array_append_val(j->entries, e);
}

void vgl__cib_journal_set(vgl__cib_journal *j, xmlNode *n, const char *name, const char *value)
{
    vgl__cib_journal_attrs(j, n);
    vgl__cib_xml_set(n, name, value);
}

void vgl__cib_journal_unlink(vgl__cib_journal *j, xmlNode *n)
{
    jentry e = { J_UNLINK, n, n->parent, n->next, NULL, NULL };

    g_array_append_val(j->entries, e);
    xmlUnlinkNode(n);
}

void vgl__cib_journal_add(vgl__cib_journal *j, xmlNode *parent, xmlNode *n, xmlNode *before)
{
    jentry e = { J_ADD, n, NULL, NULL, NULL, NULL };

    if (before != NULL)
        xmlAddPrevSibling(before, n);
    else
        xmlAddChild(parent, n);
    g_hash_table_add(j->fresh, n);
    g_array_append_val(j->entries, e);
}

void vgl__cib_journal_replace(vgl__cib_journal *j, xmlNode *old, xmlNode *fresh)
{
    xmlNode *parent = old->parent, *next = old->next;

    if (parent == NULL || parent->type != XML_ELEMENT_NODE) {
        jentry e = { J_ROOT, fresh, NULL, NULL, NULL, old };

        (void)xmlDocSetRootElement(j->doc, fresh);
        g_hash_table_add(j->fresh, fresh);
        g_array_append_val(j->entries, e);
        return;
    }
    vgl__cib_journal_unlink(j, old);
    vgl__cib_journal_add(j, parent, fresh, next);
}

xmlNode *vgl__cib_journal_ensure(vgl__cib_journal *j, xmlNode *parent, const char *name)
{
    xmlNode *c = vgl__cib_xml_child(parent, name, NULL);

    if (c == NULL) {
        c = xmlNewDocNode(j->doc, NULL, (const xmlChar *)name, NULL);
        vgl__cib_journal_add(j, parent, c, NULL);
    }
    return c;
}

static void free_journal(vgl__cib_journal *j)
{
    g_array_free(j->entries, TRUE);
    g_hash_table_destroy(j->snapped);
    g_hash_table_destroy(j->fresh);
    g_free(j);
}

void vgl__cib_journal_rollback(vgl__cib_journal *j)
{
    for (guint i = j->entries->len; i > 0; i--) {
        jentry *e = &g_array_index(j->entries, jentry, i - 1);

        switch (e->kind) {
        case J_ATTRS:
            xmlFreePropList(e->node->properties);
            e->node->properties = e->saved;
            break;
        case J_UNLINK:
            if (e->next != NULL)
                xmlAddPrevSibling(e->next, e->node);
            else
                xmlAddChild(e->parent, e->node);
            break;
        case J_ADD:
            xmlUnlinkNode(e->node);
            xmlFreeNode(e->node);
            break;
        case J_ROOT:
            (void)xmlDocSetRootElement(j->doc, e->old_root);
            xmlFreeNode(e->node);
            break;
        }
    }
    free_journal(j);
}

void vgl__cib_journal_commit(vgl__cib_journal *j)
{
    for (guint i = 0; i < j->entries->len; i++) {
        jentry *e = &g_array_index(j->entries, jentry, i);

        if (e->kind == J_ATTRS && e->saved != NULL)
            xmlFreePropList(e->saved);
        else if (e->kind == J_UNLINK && e->node->parent == NULL)
            xmlFreeNode(e->node); /* still detached (a node is unlinked once) */
        else if (e->kind == J_ROOT)
            xmlFreeNode(e->old_root);
    }
    free_journal(j);
}
