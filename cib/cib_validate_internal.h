/*
 * cib_validate_internal.h — the validator's shared state and helpers, used
 * by cib_validate.c (framework, top level, nodes, name/value sets),
 * cib_validate_rsc.c (resources), cib_validate_cons.c (constraints,
 * fencing topology, alerts) and cib_validate_status.c (status).
 *
 * A validation is two passes over the document.  The first checks every
 * element where it stands and records ids and references; the second
 * (vgl__cib_validate_refs) resolves the references, so sections may come
 * in any order, as Pacemaker allows.
 */
#ifndef VGL_CIB_VALIDATE_INTERNAL_H
#define VGL_CIB_VALIDATE_INTERNAL_H

#include "cib/cib_internal.h"

/* What a reference may point at. */
enum {
    VGL__REF_RSC = 1,      /* primitive, group or clone */
    VGL__REF_STONITH = 2,  /* primitive of class stonith */
};

typedef struct vgl__vref {
    const xmlNode *from;
    const char *attr;      /* attribute holding the reference */
    char *target;          /* owned */
    unsigned kinds;
} vgl__vref;

typedef struct vgl__vctx {
    const char *label;
    GPtrArray *errors;
    int rc;                /* class of the first error, 0 when none */
    unsigned nerrors;
    GHashTable *ids;       /* id -> xmlNode *, configuration */
    GHashTable *node_ids;  /* node id -> xmlNode * */
    GHashTable *unames;    /* uname -> xmlNode * */
    GArray *refs;          /* vgl__vref */
    bool skip_status;      /* the status section is known valid */
} vgl__vctx;

/* A NULL-terminated list of attribute names. */
typedef const char *const vgl__names[];

/* Report an error of class rc about n (message as printf). */
void vgl__cib_validate_fail(vgl__vctx *v, int rc, const xmlNode *n,
                            const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Check n's attributes: every name in required is present and not empty,
 * those in refused are reported as not supported, and any other name not
 * in optional is unknown.  Pass NULL for an empty list. */
void vgl__cib_validate_attrs(vgl__vctx *v, const xmlNode *n, const char *const *required,
                             const char *const *optional, const char *const *refused);

/* Check n's id (present, a valid XML ID, unique) and index it. */
void vgl__cib_validate_register(vgl__vctx *v, const xmlNode *n);

/* Report a child element that does not belong in parent: "not supported
 * by Vigil" when Pacemaker knows it, "not allowed inside" otherwise. */
void vgl__cib_validate_misplaced(vgl__vctx *v, const xmlNode *child, const xmlNode *parent);

/* Check that n holds no text and no namespaces (call for every element). */
void vgl__cib_validate_plain(vgl__vctx *v, const xmlNode *n);

/* Check a value attribute of n with a typed checker. */
void vgl__cib_validate_score(vgl__vctx *v, const xmlNode *n, const char *attr);
void vgl__cib_validate_bool(vgl__vctx *v, const xmlNode *n, const char *attr);
void vgl__cib_validate_duration(vgl__vctx *v, const xmlNode *n, const char *attr);
/* attr must be one of choices; refused values are "not supported". */
void vgl__cib_validate_enum(vgl__vctx *v, const xmlNode *n, const char *attr,
                            const char *const *choices, const char *const *refused);

/* A name/value set (instance_attributes, meta_attributes,
 * cluster_property_set): its id is registered when config is true; each
 * nvpair's value is checked against table (when not NULL). */
void vgl__cib_validate_nvset(vgl__vctx *v, const xmlNode *set, bool config,
                             const vgl__cib_table *table);

/* Record a reference from n's attribute attr to target. */
void vgl__cib_validate_ref(vgl__vctx *v, const xmlNode *n, const char *attr,
                           const char *target, unsigned kinds);

/* Resolve the recorded references (second pass). */
void vgl__cib_validate_refs(vgl__vctx *v);

/* Sections (one file each). */
void vgl__cib_validate_rsc_section(vgl__vctx *v, const xmlNode *resources);
void vgl__cib_validate_cons_section(vgl__vctx *v, const xmlNode *constraints);
void vgl__cib_validate_cons_topology(vgl__vctx *v, const xmlNode *topology);
void vgl__cib_validate_cons_alerts(vgl__vctx *v, const xmlNode *alerts);
void vgl__cib_validate_status_section(vgl__vctx *v, const xmlNode *status);

/* For each element child of n, call fn; report non-blank text. */
#define VGL__FOR_CHILD(c, n) \
    for (xmlNode *c = vgl__cib_xml_first(n); c != NULL; c = vgl__cib_xml_next(c))

#endif
