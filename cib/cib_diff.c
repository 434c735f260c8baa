/*
 * cib_diff.c — diffs between two CIBs, and applying them: the replication
 * format between nodes.
 *
 * A diff is an XML document:
 *   <vigil_diff format="1" base-admin_epoch=.. base-epoch=.. base-num_updates=..
 *               base-digest=HEX target-admin_epoch=.. ... target-digest=HEX>
 *     <attributes><path>STEPS</path><values a=".." b=".."/></attributes>
 *     <delete><path>STEPS</path></delete>
 *     <insert><path>STEPS</path><after name=".." id=".."/><content>ELEMENT</content></insert>
 *     <replace><path>STEPS</path><content>ELEMENT</content></replace>
 *   </vigil_diff>
 * where STEPS is a list of <step name=".." id=".."/> (id absent for an
 * element without one) from the root <cib> down.  Changes apply in order.
 * The generator keys children by (name, id) — or by name for elements
 * without id — and replaces a whole element when its children cannot be
 * keyed uniquely or were reordered; unchanged subtrees cost nothing.
 *
 * Applying trusts nothing: the base version and digest must match, paths
 * must resolve to exactly one element, the work is bounded by the size of
 * the input (children are found through per-parent hash tables, never by
 * repeated scans), the result must validate and have the target digest.
 * It works on a copy, so any failure leaves the CIB untouched.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "cib/cib_internal.h"

#define DIFF_FORMAT "1"
#define MAX_DEPTH 64

/* ---- generating ---- */

/* The sibling key of n: "name\x1fid", or "name\x1e" without an id. */
static char *node_key(const xmlNode *n)
{
    const char *id = vgl__cib_xml_attr(n, "id");

    return id ? g_strdup_printf("%s\x1f%s", (const char *)n->name, id)
              : g_strdup_printf("%s\x1e", (const char *)n->name);
}

/* Same attributes with the same values in the same order (order matters:
 * replicas must serialize to the same bytes, not only digest the same). */
static bool attrs_equal(const xmlNode *a, const xmlNode *b)
{
    const xmlAttr *x = a->properties, *y = b->properties;

    for (; x != NULL && y != NULL; x = x->next, y = y->next) {
        if (strcmp((const char *)x->name, (const char *)y->name) != 0 ||
            strcmp(vgl__cib_xml_attr(a, (const char *)x->name), vgl__cib_xml_attr(b, (const char *)y->name)) != 0)
            return false;
    }
    return x == NULL && y == NULL;
}

static bool nodes_equal(const xmlNode *a, const xmlNode *b)
{
    const xmlNode *ca, *cb;

    if (strcmp((const char *)a->name, (const char *)b->name) != 0 || !attrs_equal(a, b))
        return false;
    for (ca = vgl__cib_xml_first(a), cb = vgl__cib_xml_first(b); ca && cb;
         ca = vgl__cib_xml_next(ca), cb = vgl__cib_xml_next(cb)) {
        if (!nodes_equal(ca, cb))
            return false;
    }
    return ca == NULL && cb == NULL;
}

/* Map key -> child for n's children; NULL when two share a key. */
static GHashTable *child_map(const xmlNode *n)
{
    GHashTable *map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (xmlNode *c = vgl__cib_xml_first(n); c != NULL; c = vgl__cib_xml_next(c)) {
        char *key = node_key(c);

        if (g_hash_table_contains(map, key)) {
            g_free(key);
            g_hash_table_destroy(map);
            return NULL;
        }
        g_hash_table_insert(map, key, c);
    }
    return map;
}

static void put_step(xmlNode *path, const xmlNode *n)
{
    xmlNode *s = xmlNewChild(path, NULL, (const xmlChar *)"step", NULL);

    vgl__cib_xml_set(s, "name", (const char *)n->name);
    vgl__cib_xml_set(s, "id", vgl__cib_xml_attr(n, "id"));
}

/* A change element under out with the path of n (root excluded). */
static xmlNode *new_change(xmlNode *out, const char *what, const xmlNode *n)
{
    xmlNode *ch = xmlNewChild(out, NULL, (const xmlChar *)what, NULL);
    xmlNode *path = xmlNewChild(ch, NULL, (const xmlChar *)"path", NULL);
    GPtrArray *chain = g_ptr_array_new();

    for (const xmlNode *p = n; p != NULL && p->parent && p->parent->type == XML_ELEMENT_NODE; p = p->parent)
        g_ptr_array_add(chain, (gpointer)p);
    for (guint i = chain->len; i > 0; i--)
        put_step(path, chain->pdata[i - 1]);
    g_ptr_array_free(chain, TRUE);
    return ch;
}

static void put_content(xmlNode *ch, const xmlNode *n)
{
    xmlNode *content = xmlNewChild(ch, NULL, (const xmlChar *)"content", NULL);

    xmlAddChild(content, xmlDocCopyNode((xmlNode *)n, ch->doc, 1));
}

static void put_attrs(xmlNode *out, const xmlNode *old, const xmlNode *new)
{
    xmlNode *ch = new_change(out, "attributes", old);
    xmlNode *values = xmlNewChild(ch, NULL, (const xmlChar *)"values", NULL);

    for (const xmlAttr *a = new->properties; a != NULL; a = a->next)
        vgl__cib_xml_set(values, (const char *)a->name, vgl__cib_xml_attr(new, (const char *)a->name));
}

/* The keys of n's children that other also has, in document order. */
static GPtrArray *common_keys(const xmlNode *n, GHashTable *other)
{
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

    for (xmlNode *c = vgl__cib_xml_first(n); c != NULL; c = vgl__cib_xml_next(c)) {
        char *key = node_key(c);

        if (g_hash_table_contains(other, key))
            g_ptr_array_add(keys, key);
        else
            g_free(key);
    }
    return keys;
}

/* True when the children old and new have in common come in the same
 * order (inserts and deletes can then rebuild new's order). */
static bool same_order(const xmlNode *old, const xmlNode *new, GHashTable *old_map,
                       GHashTable *new_map)
{
    GPtrArray *a = common_keys(old, new_map), *b = common_keys(new, old_map);
    bool same = a->len == b->len;

    for (guint i = 0; same && i < a->len; i++)
        same = strcmp(a->pdata[i], b->pdata[i]) == 0;
    g_ptr_array_free(a, TRUE);
    g_ptr_array_free(b, TRUE);
    return same;
}

static void diff_node(xmlNode *out, const xmlNode *old, const xmlNode *new)
{
    GHashTable *old_map = child_map(old), *new_map = child_map(new);
    const xmlNode *prev = NULL;

    if (old_map == NULL || new_map == NULL || !same_order(old, new, old_map, new_map)) {
        put_content(new_change(out, "replace", old), new);
        goto done;
    }
    if (!attrs_equal(old, new))
        put_attrs(out, old, new);
    for (xmlNode *c = vgl__cib_xml_first(old); c != NULL; c = vgl__cib_xml_next(c)) {
        char *key = node_key(c);

        if (!g_hash_table_contains(new_map, key))
            new_change(out, "delete", c);
        g_free(key);
    }
    for (xmlNode *c = vgl__cib_xml_first(new); c != NULL; prev = c, c = vgl__cib_xml_next(c)) {
        char *key = node_key(c);
        const xmlNode *o = g_hash_table_lookup(old_map, key);

        g_free(key);
        if (o != NULL) {
            if (!nodes_equal(o, c))
                diff_node(out, o, c);
            continue;
        }
        {
            xmlNode *ch = new_change(out, "insert", old);

            if (prev != NULL) {
                xmlNode *after = xmlNewChild(ch, NULL, (const xmlChar *)"after", NULL);

                vgl__cib_xml_set(after, "name", (const char *)prev->name);
                vgl__cib_xml_set(after, "id", vgl__cib_xml_attr(prev, "id"));
            }
            put_content(ch, c);
        }
    }
done:
    if (old_map)
        g_hash_table_destroy(old_map);
    if (new_map)
        g_hash_table_destroy(new_map);
}

static void put_version(xmlNode *out, const char *prefix, const vgl_cib *cib)
{
    vgl_cib_version v;
    char name[64], buf[32];
    char *digest = vgl_cib_digest(cib);

    vgl_cib_get_version(cib, &v);
    g_snprintf(name, sizeof(name), "%sadmin_epoch", prefix);
    g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT, v.admin_epoch);
    vgl__cib_xml_set(out, name, buf);
    g_snprintf(name, sizeof(name), "%sepoch", prefix);
    g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT, v.epoch);
    vgl__cib_xml_set(out, name, buf);
    g_snprintf(name, sizeof(name), "%snum_updates", prefix);
    g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT, v.num_updates);
    vgl__cib_xml_set(out, name, buf);
    g_snprintf(name, sizeof(name), "%sdigest", prefix);
    vgl__cib_xml_set(out, name, digest);
    g_free(digest);
}

char *vgl_cib_diff(const vgl_cib *from, const vgl_cib *to)
{
    xmlDoc *doc;
    xmlNode *out;
    char *text;

    if (from == NULL || to == NULL)
        return NULL;
    doc = xmlNewDoc((const xmlChar *)"1.0");
    out = xmlNewDocNode(doc, NULL, (const xmlChar *)"vigil_diff", NULL);
    xmlDocSetRootElement(doc, out);
    vgl__cib_xml_set(out, "format", DIFF_FORMAT);
    put_version(out, "base-", from);
    put_version(out, "target-", to);
    diff_node(out, xmlDocGetRootElement(from->doc), xmlDocGetRootElement(to->doc));
    text = vgl__cib_xml_pretty(out);
    xmlFreeDoc(doc);
    return text;
}

/* ---- applying ---- */

typedef struct applier {
    xmlDoc *doc;         /* the CIB's document, changed in place */
    vgl__cib_journal *j; /* ... through this journal */
    GHashTable *maps;    /* parent xmlNode * -> (key -> child, or AMBIGUOUS) */
    const char *label;
    GPtrArray *errors;
} applier;

static char ambiguous_mark;
#define AMBIGUOUS ((gpointer)&ambiguous_mark)

static int refuse(applier *a, int rc, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static int refuse(applier *a, int rc, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vgl__cib_xml_note(a->errors, a->label, "%s", msg);
    g_free(msg);
    return rc;
}

static GHashTable *map_of(applier *a, xmlNode *parent)
{
    GHashTable *map = g_hash_table_lookup(a->maps, parent);

    if (map != NULL)
        return map;
    map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (xmlNode *c = vgl__cib_xml_first(parent); c != NULL; c = vgl__cib_xml_next(c)) {
        char *key = node_key(c);

        if (g_hash_table_contains(map, key))
            g_hash_table_insert(map, key, AMBIGUOUS);
        else
            g_hash_table_insert(map, key, c);
    }
    g_hash_table_insert(a->maps, parent, map);
    return map;
}

/* Drop the maps of n and everything below it (before n is freed, so a
 * later node at the same address never meets a stale map). */
static void forget_subtree(applier *a, xmlNode *n)
{
    g_hash_table_remove(a->maps, n);
    for (xmlNode *c = vgl__cib_xml_first(n); c != NULL; c = vgl__cib_xml_next(c))
        forget_subtree(a, c);
}

static char *step_key(const xmlNode *step)
{
    const char *name = vgl__cib_xml_attr(step, "name");
    const char *id = vgl__cib_xml_attr(step, "id");

    if (!vgl__cib_xml_is(step, "step") && !vgl__cib_xml_is(step, "after"))
        return NULL;
    if (name == NULL || *name == '\0')
        return NULL;
    return id ? g_strdup_printf("%s\x1f%s", name, id) : g_strdup_printf("%s\x1e", name);
}

/* The element a change's <path> names, or NULL (error reported). */
static xmlNode *resolve(applier *a, const xmlNode *change, int *rc)
{
    const xmlNode *path = vgl__cib_xml_child(change, "path", NULL);
    xmlNode *cur = xmlDocGetRootElement(a->doc);
    unsigned depth = 0;

    if (path == NULL) {
        *rc = refuse(a, VGL_E_PROTOCOL, "diff: <%s> without <path>", (const char *)change->name);
        return NULL;
    }
    for (xmlNode *s = vgl__cib_xml_first(path); s != NULL; s = vgl__cib_xml_next(s)) {
        char *key = step_key(s);
        xmlNode *next = key ? g_hash_table_lookup(map_of(a, cur), key) : NULL;

        if (key == NULL || ++depth > MAX_DEPTH) {
            g_free(key);
            *rc = refuse(a, VGL_E_PROTOCOL, "diff: bad path in <%s>", (const char *)change->name);
            return NULL;
        }
        if (next == NULL || next == AMBIGUOUS) {
            char *shown = g_strdelimit(key, "\x1e\x1f", '#');

            *rc = refuse(a, VGL_E_DIGEST, "diff: path does not resolve at \"%s\" (wrong base?)", shown);
            g_free(key);
            return NULL;
        }
        g_free(key);
        cur = next;
    }
    return cur;
}

/* The single element inside a change's <content>, copied into the doc. */
static xmlNode *content_of(applier *a, const xmlNode *change, int *rc)
{
    const xmlNode *content = vgl__cib_xml_child(change, "content", NULL);
    xmlNode *el = vgl__cib_xml_first(content), *copy;

    if (el == NULL || vgl__cib_xml_next(el) != NULL) {
        *rc = refuse(a, VGL_E_PROTOCOL, "diff: <%s> needs exactly one element in <content>",
                     (const char *)change->name);
        return NULL;
    }
    copy = xmlDocCopyNode(el, a->doc, 1);
    vgl__cib_xml_clear_lines(copy);
    return copy;
}

/* Put child under key in parent's map; false when the key is taken. */
static bool map_add(applier *a, xmlNode *parent, xmlNode *child)
{
    GHashTable *map = map_of(a, parent);
    char *key = node_key(child);

    if (g_hash_table_contains(map, key)) {
        g_free(key);
        return false;
    }
    g_hash_table_insert(map, key, child);
    return true;
}

static void map_remove(applier *a, xmlNode *child)
{
    char *key = node_key(child);

    g_hash_table_remove(map_of(a, child->parent), key);
    g_free(key);
}

static bool is_root(const xmlNode *n)
{
    return n->parent == NULL || n->parent->type != XML_ELEMENT_NODE;
}

static int op_attributes(applier *a, const xmlNode *ch)
{
    const xmlNode *values = vgl__cib_xml_child(ch, "values", NULL);
    int rc = 0;
    xmlNode *t = resolve(a, ch, &rc);

    if (t == NULL)
        return rc;
    if (values == NULL)
        return refuse(a, VGL_E_PROTOCOL, "diff: <attributes> without <%s>", "values");
    if (!is_root(t))
        map_remove(a, t);
    vgl__cib_journal_attrs(a->j, t);
    while (t->properties != NULL)
        xmlRemoveProp(t->properties);
    for (const xmlAttr *v = values->properties; v != NULL; v = v->next) {
        if (v->ns != NULL)
            return refuse(a, VGL_E_PROTOCOL, "diff: namespaced attribute \"%s\"", (const char *)v->name);
        vgl__cib_xml_set(t, (const char *)v->name, vgl__cib_xml_attr(values, (const char *)v->name));
    }
    if (!is_root(t) && !map_add(a, t->parent, t))
        return refuse(a, VGL_E_PROTOCOL, "diff: <attributes> makes two <%s> share an id",
                      (const char *)t->name);
    return 0;
}

static int op_delete(applier *a, const xmlNode *ch)
{
    int rc = 0;
    xmlNode *t = resolve(a, ch, &rc);

    if (t == NULL)
        return rc;
    if (is_root(t))
        return refuse(a, VGL_E_PROTOCOL, "diff: cannot delete the %s", "root");
    map_remove(a, t);
    forget_subtree(a, t);
    vgl__cib_journal_unlink(a->j, t);
    return 0;
}

static int op_insert(applier *a, const xmlNode *ch)
{
    const xmlNode *after_step = vgl__cib_xml_child(ch, "after", NULL);
    xmlNode *after = NULL, *el, *first;
    int rc = 0;
    xmlNode *parent = resolve(a, ch, &rc);

    if (parent == NULL)
        return rc;
    (void)map_of(a, parent); /* before the insert, so the map holds the old children */
    if (after_step != NULL) {
        char *key = step_key(after_step);

        after = key ? g_hash_table_lookup(map_of(a, parent), key) : NULL;
        g_free(key);
        if (after == NULL || after == AMBIGUOUS)
            return refuse(a, VGL_E_DIGEST, "diff: <insert> after a missing %s (wrong base?)", "sibling");
    }
    el = content_of(a, ch, &rc);
    if (el == NULL)
        return rc;
    first = after ? vgl__cib_xml_next(after) : vgl__cib_xml_first(parent);
    vgl__cib_journal_add(a->j, parent, el, first);
    if (!map_add(a, parent, el))
        return refuse(a, VGL_E_PROTOCOL, "diff: <insert> of <%s> duplicates a sibling",
                      (const char *)el->name);
    return 0;
}

static int op_replace(applier *a, const xmlNode *ch)
{
    int rc = 0;
    xmlNode *t = resolve(a, ch, &rc), *el;

    if (t == NULL)
        return rc;
    el = content_of(a, ch, &rc);
    if (el == NULL)
        return rc;
    if (is_root(t)) {
        g_hash_table_remove_all(a->maps);
        vgl__cib_journal_replace(a->j, t, el);
        return 0;
    }
    map_remove(a, t);
    forget_subtree(a, t);
    vgl__cib_journal_replace(a->j, t, el);
    if (!map_add(a, el->parent, el))
        return refuse(a, VGL_E_PROTOCOL, "diff: <replace> with <%s> duplicates a sibling",
                      (const char *)el->name);
    return 0;
}

static int apply_changes(applier *a, const xmlNode *diff)
{
    static const struct {
        const char *name;
        int (*fn)(applier *a, const xmlNode *ch);
    } ops[] = {
        { "attributes", op_attributes }, { "delete", op_delete },
        { "insert", op_insert }, { "replace", op_replace },
    };
    int rc = 0;

    for (xmlNode *ch = vgl__cib_xml_first(diff); ch != NULL && rc == 0; ch = vgl__cib_xml_next(ch)) {
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(ops) && !vgl__cib_xml_is(ch, ops[i].name); i++)
            ;
        if (i == G_N_ELEMENTS(ops))
            rc = refuse(a, VGL_E_PROTOCOL, "diff: unknown change <%s>", (const char *)ch->name);
        else
            rc = ops[i].fn(a, ch);
    }
    return rc;
}

/* Read prefix{admin_epoch,epoch,num_updates,digest} from the diff root. */
static bool read_version(const xmlNode *diff, const char *prefix, vgl_cib_version *v,
                         const char **digest)
{
    char name[64];
    uint64_t *slots[] = { &v->admin_epoch, &v->epoch, &v->num_updates };
    const char *names[] = { "admin_epoch", "epoch", "num_updates" };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_snprintf(name, sizeof(name), "%s%s", prefix, names[i]);
        if (!vgl__cib_option_uint(vgl__cib_xml_attr(diff, name), G_MAXINT64, slots[i]))
            return false;
    }
    g_snprintf(name, sizeof(name), "%sdigest", prefix);
    *digest = vgl__cib_xml_attr(diff, name);
    return *digest != NULL && strlen(*digest) == VGL_CIB_DIGEST_LEN;
}

/* Check the diff's header against cib.  Returns 0 or the error. */
static int check_base(vgl_cib *cib, const xmlNode *diff, vgl_cib_version *target,
                      const char **target_digest, GPtrArray *errors)
{
    vgl_cib_version base, mine;
    const char *base_digest;
    const char *format = vgl__cib_xml_attr(diff, "format");
    char *digest;
    int rc = 0;

    if (!vgl__cib_xml_is(diff, "vigil_diff") || format == NULL || strcmp(format, DIFF_FORMAT) != 0 ||
        !read_version(diff, "base-", &base, &base_digest) ||
        !read_version(diff, "target-", target, target_digest)) {
        vgl__cib_xml_note(errors, cib->label, "diff: not a <vigil_diff format=\"%s\"> with versions "
                          "and digests", DIFF_FORMAT);
        return VGL_E_PROTOCOL;
    }
    vgl_cib_get_version(cib, &mine);
    digest = vgl_cib_digest(cib);
    if (vgl_cib_version_order(&base, &mine) != 0 || strcmp(digest, base_digest) != 0) {
        vgl__cib_xml_note(errors, cib->label,
                          "diff: made for version %" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ".%"
                          G_GUINT64_FORMAT " (digest %.12s), but this CIB is %" G_GUINT64_FORMAT ".%"
                          G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT " (digest %.12s)",
                          base.admin_epoch, base.epoch, base.num_updates, base_digest,
                          mine.admin_epoch, mine.epoch, mine.num_updates, digest);
        rc = VGL_E_DIGEST;
    }
    g_free(digest);
    return rc;
}

int vgl_cib_diff_apply(vgl_cib *cib, const char *text, gssize len, GPtrArray *errors)
{
    xmlDoc *in = NULL;
    applier a = { NULL, NULL, NULL, NULL, errors };
    vgl_cib_version target, got;
    const char *target_digest = NULL;
    GHashTable *ids = NULL;
    char *digest = NULL;
    int rc;

    if (cib == NULL)
        return VGL_E_INVALID;
    a.label = cib->label;
    rc = vgl__cib_xml_parse(text, len, "diff", &in, errors);
    if (rc != 0)
        return rc;
    rc = check_base(cib, xmlDocGetRootElement(in), &target, &target_digest, errors);
    if (rc != 0)
        goto done;
    vgl__cib_xml_strip(xmlDocGetRootElement(in));
    a.doc = cib->doc;
    a.j = vgl__cib_journal_new(cib->doc);
    a.maps = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                   (GDestroyNotify)g_hash_table_destroy);
    rc = apply_changes(&a, xmlDocGetRootElement(in));
    if (rc == 0)
        rc = vgl__cib_validate(cib->doc, cib->label, errors, &ids);
    if (rc != 0)
        goto done;
    digest = vgl__cib_xml_digest(xmlDocGetRootElement(cib->doc));
    vgl__cib_read_version(xmlDocGetRootElement(cib->doc), &got);
    if (strcmp(digest, target_digest) != 0 || vgl_cib_version_order(&got, &target) != 0) {
        vgl__cib_xml_note(errors, cib->label, "diff: the result has digest %.12s, not the target %.12s",
                          digest, target_digest);
        rc = VGL_E_DIGEST;
        goto done;
    }
    vgl__cib_journal_commit(a.j);
    a.j = NULL;
    g_hash_table_unref(cib->ids);
    cib->ids = ids;
    ids = NULL;
    vgl__cib_touch(cib);
    cib->digest = digest;
    digest = NULL;
done:
    if (a.j != NULL)
        vgl__cib_journal_rollback(a.j);
    if (ids != NULL)
        g_hash_table_unref(ids);
    if (a.maps != NULL)
        g_hash_table_destroy(a.maps);
    g_free(digest);
    xmlFreeDoc(in);
    return rc;
}
