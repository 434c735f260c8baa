/*
 * cib_internal.h — what the files of the CIB library share and nothing
 * outside cib/ may use (tests excepted): the vgl_cib structure, XML
 * helpers, the validator entry point and the option tables.
 *
 * Invariant of struct vgl_cib: doc is valid (vgl__cib_validate() passed on
 * it), holds no whitespace text, comments or processing instructions, and
 * ids indexes every configuration element that has an id attribute (keys
 * point into doc).  The digest caches are NULL or match doc.
 */
#ifndef VGL_CIB_INTERNAL_H
#define VGL_CIB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <libxml/tree.h>

#include <vigil/cib.h>

struct vgl_cib {
    xmlDoc *doc;
    char *label;
    GHashTable *ids;      /* id -> xmlNode *, configuration only */
    char *digest;         /* cache of vgl_cib_digest(), or NULL */
    char *config_digest;  /* cache of vgl_cib_config_digest(), or NULL */
};

/* At most this many messages per validation; then one "too many". */
#define VGL__CIB_MAX_ERRORS 200

/* ---- cib_xml.c: parsing, XML helpers, serialization, digests ---- */

/* Parse text safely (no network, no DTD, no entities, size-limited).
 * [out] *out the document or NULL.  Returns 0, VGL_E_PARSE or VGL_E_LIMIT,
 * appending "LABEL:LINE: not well-formed: ..." to errors. */
int vgl__cib_xml_parse(const char *text, gssize len, const char *label,
                       xmlDoc **out, GPtrArray *errors);

/* Remove everything but elements below n (whitespace text, comments, PIs)
 * and make every attribute value a single text node. */
void vgl__cib_xml_strip(xmlNode *n);

/* Set the line of n and all its descendants to 0 (text that did not come
 * from the CIB's source: messages then give no line). */
void vgl__cib_xml_clear_lines(xmlNode *n);

/* The value of attribute name of n ("" when empty), or NULL when absent.
 * Points into the tree: valid until the attribute changes. */
const char *vgl__cib_xml_attr(const xmlNode *n, const char *name);

/* Set attribute name to value (NULL: remove it). */
void vgl__cib_xml_set(xmlNode *n, const char *name, const char *value);

/* First element child of n, next element sibling of n (NULL at the end). */
xmlNode *vgl__cib_xml_first(const xmlNode *n);
xmlNode *vgl__cib_xml_next(const xmlNode *n);

/* First element child of n named name (with attribute id == id when id is
 * not NULL), or NULL. */
xmlNode *vgl__cib_xml_child(const xmlNode *n, const char *name, const char *id);

/* The named element child of n, created (appended) when absent. */
xmlNode *vgl__cib_xml_ensure(xmlNode *n, const char *name);

/* Append <nvpair id= name= value=/> to set and return it. */
xmlNode *vgl__cib_xml_nvpair(xmlNode *set, const char *id, const char *name, const char *value);

/* True when n is an element called name. */
bool vgl__cib_xml_is(const xmlNode *n, const char *name);

/* Line of n in its source, 0 when unknown. */
long vgl__cib_xml_line(const xmlNode *n);

/* Append "LABEL[:LINE]: <name id="x">: MESSAGE" to errors (if not NULL). */
void vgl__cib_xml_error(GPtrArray *errors, const char *label, const xmlNode *n,
                        const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Append "LABEL: MESSAGE" to errors (if not NULL). */
void vgl__cib_xml_note(GPtrArray *errors, const char *label,
                       const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* True when s is valid UTF-8 holding only characters XML 1.0 allows. */
bool vgl__cib_xml_text_ok(const char *s);

/* Indented text of the tree at n (deterministic).  Caller g_free()s. */
char *vgl__cib_xml_pretty(const xmlNode *n);

/* Append the canonical form of n (compact, attributes sorted). */
void vgl__cib_xml_canonical(GString *out, const xmlNode *n);

/* SHA-256 hex of the canonical form of n.  Caller g_free()s. */
char *vgl__cib_xml_digest(const xmlNode *n);

/* ---- cib_validate.c: the validator ---- */

/* Validate doc against Vigil's subset.  [out] *ids (optional) gets the id
 * index (id -> xmlNode *) when valid, NULL otherwise; caller frees it with
 * g_hash_table_unref().  Returns 0 or the class of the first error. */
int vgl__cib_validate(xmlDoc *doc, const char *label, GPtrArray *errors,
                      GHashTable **ids);

/* The same, skipping the status section (known unchanged and valid). */
int vgl__cib_validate_config(xmlDoc *doc, const char *label, GPtrArray *errors,
                             GHashTable **ids);

/* True when id is a valid XML ID (NCName, ASCII subset). */
bool vgl__cib_validate_id(const char *id);

/* ---- cib_option.c: option and meta-attribute tables ---- */

typedef enum vgl__cib_vtype {
    VGL__CIB_STRING,
    VGL__CIB_BOOL,
    VGL__CIB_DURATION,
    VGL__CIB_SCORE,
    VGL__CIB_INT,     /* integer >= 0 */
    VGL__CIB_ENUM,
} vgl__cib_vtype;

typedef struct vgl__cib_option {
    const char *name;
    const char *alias;            /* the other Pacemaker spelling, or NULL */
    vgl__cib_vtype type;
    const char *def;              /* Pacemaker's default, or NULL */
    const char *const *choices;   /* VGL__CIB_ENUM: accepted values */
    const char *const *refused;   /* values Pacemaker knows, Vigil refuses */
} vgl__cib_option;

/* Which table vgl__cib_option_find() looks in. */
typedef enum vgl__cib_table {
    VGL__CIB_T_CLUSTER,   /* crm_config */
    VGL__CIB_T_RSC_META,  /* resource meta_attributes, rsc_defaults */
    VGL__CIB_T_OP_META,   /* op attributes, op meta_attributes, op_defaults */
    VGL__CIB_T_NODE,      /* node attributes */
} vgl__cib_table;

/* The entry for name (or its alias) in table, or NULL when unknown. */
const vgl__cib_option *vgl__cib_option_find(vgl__cib_table table, const char *name);

/* Check value against opt.  Returns 0, VGL_E_INVALID or
 * VGL_E_UNSUPPORTED; [out] *why (caller g_free()s) explains a failure. */
int vgl__cib_option_check(const vgl__cib_option *opt, const char *value, char **why);

/* Parse a non-negative decimal integer (no sign, no spaces, <= max). */
bool vgl__cib_option_uint(const char *s, uint64_t max, uint64_t *out);

/* ---- cib_journal.c: in-place changes with exact rollback ---- */

typedef struct vgl__cib_journal vgl__cib_journal;

/* A journal for changing doc. */
vgl__cib_journal *vgl__cib_journal_new(xmlDoc *doc);

/* Save n's attributes before the caller changes them (once per node). */
void vgl__cib_journal_attrs(vgl__cib_journal *j, xmlNode *n);

/* Set (value) or remove (NULL) one attribute of n. */
void vgl__cib_journal_set(vgl__cib_journal *j, xmlNode *n, const char *name, const char *value);

/* Detach n (freed on commit, put back on rollback). */
void vgl__cib_journal_unlink(vgl__cib_journal *j, xmlNode *n);

/* Insert the new node n (ownership taken) under parent, before `before`
 * (NULL: at the end). */
void vgl__cib_journal_add(vgl__cib_journal *j, xmlNode *parent, xmlNode *n, xmlNode *before);

/* Put fresh (new, ownership taken) where old is (old may be the root). */
void vgl__cib_journal_replace(vgl__cib_journal *j, xmlNode *old, xmlNode *fresh);

/* The named child of parent, added through the journal when absent. */
xmlNode *vgl__cib_journal_ensure(vgl__cib_journal *j, xmlNode *parent, const char *name);

/* Undo everything, or keep it; either frees the journal. */
void vgl__cib_journal_rollback(vgl__cib_journal *j);
void vgl__cib_journal_commit(vgl__cib_journal *j);

/* ---- cib.c: shared by the changing functions ---- */

/* Wrap a valid, stripped doc (ownership taken) with its id index. */
vgl_cib *vgl__cib_wrap(xmlDoc *doc, const char *label, GHashTable *ids);

/* The digests are stale: call after any change to cib->doc. */
void vgl__cib_touch(vgl_cib *cib);

/* End a configuration change made through j on cib->doc: validate the
 * document (the configuration only: status is not touched by these) under
 * label (NULL: cib's label); on success commit j, bump epoch, reset
 * num_updates and relabel cib; on failure roll j back, so cib is exactly
 * as it was.  Returns 0 or the error. */
int vgl__cib_commit(vgl_cib *cib, vgl__cib_journal *j, const char *label, GPtrArray *errors);

/* Add 1 to num_updates of cib (a status change). */
void vgl__cib_bump_updates(vgl_cib *cib);

/* The <configuration> section named name in doc, added through j when
 * absent (only optional sections are ever absent). */
xmlNode *vgl__cib_section(vgl__cib_journal *j, xmlDoc *doc, const char *name);

/* The version counters of a <cib> element (0 when unparsable). */
void vgl__cib_read_version(const xmlNode *root, vgl_cib_version *out);

/* A fresh id based on base (made a valid XML ID) that is not a key of
 * ids.  Caller g_free()s. */
char *vgl__cib_make_id(GHashTable *ids, const char *base);

/* The id index of doc: every element of <configuration> with an id
 * attribute except <node> (whose ids are not XML IDs).  Keys point into
 * doc.  Caller frees with g_hash_table_unref(). */
GHashTable *vgl__cib_index(xmlDoc *doc);

/* ---- cib_query.c ---- */

/* The nvpair that gives name (or alias) its value among the sets called
 * set_name under parent, the way Pacemaker picks it: the set whose id is
 * first_id (may be NULL) first, then by descending set score, then in
 * document order; an nvpair without value counts as unset.  NULL if none. */
xmlNode *vgl__cib_nvpair_find(const xmlNode *parent, const char *set_name,
                              const char *name, const char *alias, const char *first_id);

/* The node_state whose uname is uname, or NULL. */
xmlNode *vgl__cib_node_state(xmlDoc *doc, const char *uname);

/* ---- cib_store.c: fault injection for tests ---- */

#include <sys/types.h>
#include <vigil/cib_store.h>

/* The system calls the store makes, replaceable by tests to make each
 * fail on demand (libqb's _failure_injection.c does this with wrappers). */
typedef struct vgl__cib_syscalls {
    int (*open)(const char *path, int flags, mode_t mode);
    ssize_t (*write)(int fd, const void *buf, size_t len);
    int (*fsync)(int fd);
    int (*close)(int fd);
    int (*rename)(const char *from, const char *to);
    int (*link)(const char *from, const char *to);
    int (*unlink)(const char *path);
} vgl__cib_syscalls;

/* The real system calls. */
extern const vgl__cib_syscalls vgl__cib_store_real;

/* Make store use sc (NULL: the real calls).  sc must outlive the store. */
void vgl__cib_store_set_syscalls(vgl_cib_store *store, const vgl__cib_syscalls *sc);

#endif
