/*
 * cib.c — the vgl_cib object: creating, loading, copying, freeing,
 * serializing, digests and versions, and the commit step every
 * configuration change ends with.
 *
 * Invariant: a vgl_cib handed to a caller is valid (see cib_internal.h).
 * Loading is parse -> validate (while whitespace text is still there, so
 * line numbers are exact) -> strip -> wrap.  A configuration change works
 * on a copy of the document and commits it only when the copy validates,
 * so a failed change leaves the CIB exactly as it was.
 *
 * Digests are cached (the daemon asks for them on every message it
 * applies) and dropped by vgl__cib_touch() on any change.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cib/cib_internal.h"

static const char empty_cib[] =
    "<cib validate-with=\"" VGL_CIB_SCHEMA "\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">"
    "<configuration><crm_config/><nodes/><resources/><constraints/></configuration>"
    "<status/></cib>";

vgl_cib *vgl__cib_wrap(xmlDoc *doc, const char *label, GHashTable *ids)
{
    vgl_cib *cib = g_new0(vgl_cib, 1);

    cib->doc = doc;
    cib->label = g_strdup(label ? label : "cib");
    cib->ids = ids ? ids : vgl__cib_index(doc);
    return cib;
}

static void index_walk(GHashTable *ids, xmlNode *n)
{
    for (xmlNode *c = vgl__cib_xml_first(n); c != NULL; c = vgl__cib_xml_next(c)) {
        const char *id = vgl__cib_xml_attr(c, "id");

        if (id != NULL && !vgl__cib_xml_is(c, "node"))
            g_hash_table_insert(ids, (gpointer)id, c);
        index_walk(ids, c);
    }
}

GHashTable *vgl__cib_index(xmlDoc *doc)
{
    GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
    xmlNode *conf = vgl__cib_xml_child(xmlDocGetRootElement(doc), "configuration", NULL);

    if (conf != NULL)
        index_walk(ids, conf);
    return ids;
}

void vgl__cib_touch(vgl_cib *cib)
{
    g_clear_pointer(&cib->digest, g_free);
    g_clear_pointer(&cib->config_digest, g_free);
}

vgl_cib *vgl_cib_new(void)
{
    vgl_cib *cib = NULL;
    int rc = vgl_cib_load_string(empty_cib, -1, "cib", &cib, NULL);

    if (NEVER(rc != 0))
        g_error("the empty CIB does not validate: %s", vgl_strerror(rc));
    return cib;
}

void vgl_cib_free(vgl_cib *cib)
{
    if (cib == NULL)
        return;
    g_hash_table_unref(cib->ids);
    xmlFreeDoc(cib->doc);
    g_free(cib->label);
    g_free(cib->digest);
    g_free(cib->config_digest);
    g_free(cib);
}

vgl_cib *vgl_cib_copy(const vgl_cib *cib)
{
    vgl_cib *copy;

    if (cib == NULL)
        return NULL;
    copy = vgl__cib_wrap(xmlCopyDoc(cib->doc, 1), cib->label, NULL);
    copy->digest = g_strdup(cib->digest);
    copy->config_digest = g_strdup(cib->config_digest);
    return copy;
}

int vgl_cib_load_string(const char *text, gssize len, const char *label,
                        vgl_cib **out, GPtrArray *errors)
{
    xmlDoc *doc = NULL;
    GHashTable *ids = NULL;
    int rc;

    *out = NULL;
    if (label == NULL)
        label = "cib";
    rc = vgl__cib_xml_parse(text, len, label, &doc, errors);
    if (rc != 0)
        return rc;
    rc = vgl__cib_validate(doc, label, errors, &ids);
    if (rc != 0) {
        xmlFreeDoc(doc);
        return rc;
    }
    vgl__cib_xml_strip(xmlDocGetRootElement(doc));
    if (vgl__cib_xml_child(xmlDocGetRootElement(doc), "status", NULL) == NULL)
        xmlNewChild(xmlDocGetRootElement(doc), NULL, (const xmlChar *)"status", NULL);
    *out = vgl__cib_wrap(doc, label, ids);
    return 0;
}

/* Read at most VGL_CIB_MAX_BYTES of path into *buf. */
static int read_file(const char *path, char **buf, size_t *len, GPtrArray *errors)
{
    struct stat st;
    GError *err = NULL;
    gsize n = 0;
    int fd, rc = 0;

    *buf = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        rc = -errno;
        vgl__cib_xml_note(errors, path, "cannot read: %s", g_strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = -EINVAL;
        vgl__cib_xml_note(errors, path, "not a regular file");
        goto done;
    }
    if (st.st_size > VGL_CIB_MAX_BYTES) {
        rc = VGL_E_LIMIT;
        vgl__cib_xml_note(errors, path, "file is %lld bytes, more than the limit of %d",
                          (long long)st.st_size, VGL_CIB_MAX_BYTES);
        goto done;
    }
    if (!g_file_get_contents(path, buf, &n, &err)) {
        rc = -EIO;
        vgl__cib_xml_note(errors, path, "cannot read: %s", err->message);
        g_error_free(err);
        goto done;
    }
    *len = n;
done:
    if (fd >= 0)
        close(fd);
    return rc;
}

int vgl_cib_load_file(const char *path, vgl_cib **out, GPtrArray *errors)
{
    char *buf = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    if (path == NULL) {
        vgl__cib_xml_note(errors, "cib", "no file name");
        return -EINVAL;
    }
    rc = read_file(path, &buf, &len, errors);
    if (rc == 0)
        rc = vgl_cib_load_string(buf, (gssize)len, path, out, errors);
    g_free(buf);
    return rc;
}

int vgl_cib_validate(const vgl_cib *cib, GPtrArray *errors)
{
    if (cib == NULL) {
        vgl__cib_xml_note(errors, "cib", "no CIB");
        return VGL_E_INVALID;
    }
    return vgl__cib_validate(cib->doc, cib->label, errors, NULL);
}

const char *vgl_cib_label(const vgl_cib *cib)
{
    return cib ? cib->label : NULL;
}

char *vgl_cib_serialize(const vgl_cib *cib)
{
    if (cib == NULL)
        return NULL;
    return vgl__cib_xml_pretty(xmlDocGetRootElement(cib->doc));
}

char *vgl_cib_digest(const vgl_cib *cib)
{
    vgl_cib *mut = (vgl_cib *)cib; /* the cache is not part of the value */

    if (cib == NULL)
        return NULL;
    if (mut->digest == NULL)
        mut->digest = vgl__cib_xml_digest(xmlDocGetRootElement(cib->doc));
    return g_strdup(cib->digest);
}

char *vgl_cib_config_digest(const vgl_cib *cib)
{
    vgl_cib *mut = (vgl_cib *)cib;

    if (cib == NULL)
        return NULL;
    if (mut->config_digest == NULL)
        mut->config_digest = vgl__cib_xml_digest(
            vgl__cib_xml_child(xmlDocGetRootElement(cib->doc), "configuration", NULL));
    return g_strdup(cib->config_digest);
}

const xmlDoc *vgl_cib_xml(const vgl_cib *cib)
{
    return cib ? cib->doc : NULL;
}

/* ---- versions ---- */

static uint64_t counter(const xmlNode *root, const char *name)
{
    uint64_t v = 0;

    (void)vgl__cib_option_uint(vgl__cib_xml_attr(root, name), G_MAXINT64, &v);
    return v;
}

void vgl__cib_read_version(const xmlNode *root, vgl_cib_version *out)
{
    out->admin_epoch = counter(root, "admin_epoch");
    out->epoch = counter(root, "epoch");
    out->num_updates = counter(root, "num_updates");
}

void vgl_cib_get_version(const vgl_cib *cib, vgl_cib_version *out)
{
    memset(out, 0, sizeof(*out));
    if (cib != NULL)
        vgl__cib_read_version(xmlDocGetRootElement(cib->doc), out);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

int vgl_cib_version_order(const vgl_cib_version *a, const vgl_cib_version *b)
{
    int c = cmp_u64(a->admin_epoch, b->admin_epoch);

    if (c == 0)
        c = cmp_u64(a->epoch, b->epoch);
    if (c == 0)
        c = cmp_u64(a->num_updates, b->num_updates);
    return c;
}

int vgl_cib_version_compare(const vgl_cib *a, const vgl_cib *b)
{
    vgl_cib_version va, vb;

    vgl_cib_get_version(a, &va);
    vgl_cib_get_version(b, &vb);
    return vgl_cib_version_order(&va, &vb);
}

static void set_counter(xmlNode *root, const char *name, uint64_t v)
{
    char buf[32];

    g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT, v);
    vgl__cib_xml_set(root, name, buf);
}

void vgl__cib_bump_updates(vgl_cib *cib)
{
    xmlNode *root = xmlDocGetRootElement(cib->doc);

    set_counter(root, "num_updates", counter(root, "num_updates") + 1);
    vgl__cib_touch(cib);
}

int vgl__cib_commit(vgl_cib *cib, vgl__cib_journal *j, const char *label, GPtrArray *errors)
{
    GHashTable *ids = NULL;
    xmlNode *root = xmlDocGetRootElement(cib->doc);
    int rc = vgl__cib_validate_config(cib->doc, label ? label : cib->label, errors, &ids);

    if (rc != 0) {
        vgl__cib_journal_rollback(j);
        return rc;
    }
    vgl__cib_journal_commit(j);
    /* comments or blanks that came with new text go only now: validation
     * has reported any real text among them */
    vgl__cib_xml_strip(vgl__cib_xml_child(root, "configuration", NULL));
    set_counter(root, "epoch", counter(root, "epoch") + 1);
    set_counter(root, "num_updates", 0);
    g_hash_table_unref(cib->ids);
    cib->ids = ids;
    if (label != NULL) {
        g_free(cib->label);
        cib->label = g_strdup(label);
    }
    vgl__cib_touch(cib);
    return 0;
}

xmlNode *vgl__cib_section(vgl__cib_journal *j, xmlDoc *doc, const char *name)
{
    xmlNode *conf = vgl__cib_xml_child(xmlDocGetRootElement(doc), "configuration", NULL);

    return vgl__cib_journal_ensure(j, conf, name);
}

char *vgl__cib_make_id(GHashTable *ids, const char *base)
{
    GString *s = g_string_new(NULL);
    char *stem, *id;

    if (base == NULL || !(g_ascii_isalpha(*base) || *base == '_'))
        g_string_append_c(s, '_');
    for (const char *p = base ? base : ""; *p && s->len < 200; p++)
        g_string_append_c(s, (g_ascii_isalnum(*p) || strchr("_-.", *p)) ? *p : '.');
    stem = g_string_free(s, FALSE);
    id = g_strdup(stem);
    for (unsigned n = 1; g_hash_table_contains(ids, id); n++) {
        g_free(id);
        id = g_strdup_printf("%s-%u", stem, n);
    }
    g_free(stem);
    return id;
}
