/*
 * cib.h — the Cluster Information Base: one XML document in (a subset of)
 * Pacemaker's CIB schema, versioned, validated, diffable and durable.
 *
 * A vgl_cib is always valid: every function that creates one validates it,
 * and every function that changes one either leaves a valid CIB behind or
 * leaves it exactly as it was and says why.  Readers (the scheduler) get
 * the libxml2 document with vgl_cib_xml() and may trust its structure:
 * every element and attribute is one doc/cib.md lists, ids are unique,
 * references resolve, scores, durations and booleans parse.
 *
 * Errors.  Functions that can fail for reasons a person must read take an
 * optional `GPtrArray *errors` (create it with
 * g_ptr_array_new_with_free_func(g_free)); they append one char * message
 * per problem and never clear it.  Messages look like
 *     cib.xml:42: <primitive id="vip">: unknown class "ocf2"
 * (source label, line when known, the element and its id, what is wrong).
 * The return value is 0 or a negative vgl_rc / -errno (see vigil.h).
 *
 * Versions follow Pacemaker: admin_epoch, then epoch, then num_updates.  A
 * configuration change bumps epoch and resets num_updates to 0; a status
 * change bumps num_updates.  Nothing here reads a clock: every time stamp
 * is an argument, so every node applying the same changes in the same
 * order holds byte-identical CIBs.
 *
 * Thread safety: a vgl_cib is not locked; use one from one thread at a
 * time.  Different vgl_cib objects are independent.
 */
#ifndef VIGIL_CIB_H
#define VIGIL_CIB_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <libxml/tree.h>

#include <vigil/vigil.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vgl_cib vgl_cib;

/* Inputs larger than this are refused with VGL_E_LIMIT. */
#define VGL_CIB_MAX_BYTES (64 * 1024 * 1024)
/* The schema vgl_cib_new() writes into validate-with. */
#define VGL_CIB_SCHEMA "vigil-1.0"
/* Length of a digest in hex characters (SHA-256), without the NUL. */
#define VGL_CIB_DIGEST_LEN 64
/* How many fence events the status section keeps (oldest dropped). */
#define VGL_CIB_FENCE_HISTORY_MAX 50

/* ------------------------------------------------------------------ */
/* Life cycle                                                           */
/* ------------------------------------------------------------------ */

/* A new, valid, empty CIB: validate-with="vigil-1.0", admin_epoch, epoch
 * and num_updates 0, empty crm_config, nodes, resources, constraints and
 * status.  Its label (for messages) is "cib".  Caller frees with
 * vgl_cib_free(). */
vgl_cib *vgl_cib_new(void);

/* Free a CIB and everything it owns; NULL is fine. */
void vgl_cib_free(vgl_cib *cib);

/* A deep copy (document, label, indexes).  Caller frees with
 * vgl_cib_free().  Returns NULL only for a NULL argument. */
vgl_cib *vgl_cib_copy(const vgl_cib *cib);

/* Load and validate a CIB file.
 *   [in]  path    file to read (at most VGL_CIB_MAX_BYTES); also the label
 *   [out] out     the CIB on success, NULL on any failure; caller frees
 *                 with vgl_cib_free()
 *   [out] errors  optional; every problem found is appended
 * Returns 0, -ENOENT (and other -errno) when the file cannot be read,
 * VGL_E_LIMIT (too large), VGL_E_PARSE (not well-formed, or a DTD/entity
 * declaration), VGL_E_VERSION (validate-with unknown or too new),
 * VGL_E_UNSUPPORTED (uses something outside Vigil's subset) or
 * VGL_E_INVALID (breaks a rule).  Nothing is returned for an invalid CIB. */
int vgl_cib_load_file(const char *path, vgl_cib **out, GPtrArray *errors);

/* Same as vgl_cib_load_file() for text in memory.
 *   [in] text   the XML; need not be NUL-terminated when len >= 0
 *   [in] len    its length in bytes, or -1 when NUL-terminated
 *   [in] label  names the source in messages (e.g. "peer node2"); NULL
 *               gives "cib" */
int vgl_cib_load_string(const char *text, gssize len, const char *label,
                        vgl_cib **out, GPtrArray *errors);

/* Validate the whole CIB again (it is valid by construction; this is for
 * tests and for paranoid callers).  Returns 0 or the first error class
 * found, appending every message to errors. */
int vgl_cib_validate(const vgl_cib *cib, GPtrArray *errors);

/* The source label used in messages ([in] cib; static to the CIB, valid
 * until vgl_cib_free()). */
const char *vgl_cib_label(const vgl_cib *cib);

/* ------------------------------------------------------------------ */
/* Serialization and digests                                            */
/* ------------------------------------------------------------------ */

/* The whole CIB as indented XML text, deterministic: the same document
 * always gives the same bytes, and loading the text gives a CIB that
 * serializes to the same bytes again.  Caller frees with g_free(). */
char *vgl_cib_serialize(const vgl_cib *cib);

/* SHA-256 (lower-case hex, VGL_CIB_DIGEST_LEN chars) of the canonical form
 * (compact, attributes sorted by name) of the whole CIB, including the
 * version attributes and the status section.  Caller frees with g_free(). */
char *vgl_cib_digest(const vgl_cib *cib);

/* Same, of the <configuration> element only: equal for two CIBs whose
 * configurations are equal whatever their versions and status. */
char *vgl_cib_config_digest(const vgl_cib *cib);

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

/* The document itself, for the scheduler.  Never NULL for a valid cib.
 * Owned by the CIB: valid until the next change to it; do not modify. */
const xmlDoc *vgl_cib_xml(const vgl_cib *cib);

/* The element of the configuration section with this id attribute (node
 * elements are found by uname with vgl_cib_node(), not here), or NULL.
 * Owned by the CIB; valid until the next change. */
const xmlNode *vgl_cib_find(const vgl_cib *cib, const char *id);

/* The <node> element whose uname is [in] uname, or NULL. */
const xmlNode *vgl_cib_node(const vgl_cib *cib, const char *uname);

/* Resource ids in document order: every primitive, group and clone
 * (primitives_only: primitives only, including those inside groups and
 * clones).  Caller frees with g_ptr_array_unref() (elements are g_free'd
 * char *). */
GPtrArray *vgl_cib_resource_ids(const vgl_cib *cib, bool primitives_only);

/* A cluster option from crm_config, or Pacemaker's default when it is not
 * set, or NULL when it is neither set nor a known option.  Pacemaker 2 and
 * 3 spellings are the same option: asking for "stonith-enabled" finds a
 * "fencing-enabled" nvpair and the other way round.  When several
 * cluster_property_sets hold the name, the one with the highest score
 * wins, then the first in document order.  The string is owned by the CIB
 * (or static); valid until the next change. */
const char *vgl_cib_option(const vgl_cib *cib, const char *name);

/* vgl_cib_option() parsed as a boolean / a duration in ms.  Return 0,
 * VGL_E_NOT_FOUND (no value and no default) or VGL_E_INVALID.  [out] is
 * false / 0 on failure. */
int vgl_cib_option_bool(const vgl_cib *cib, const char *name, bool *out);
int vgl_cib_option_ms(const vgl_cib *cib, const char *name, int64_t *out);

/* Which node attributes vgl_cib_node_attr() looks at. */
typedef enum vgl_cib_attr_lifetime {
    VGL_CIB_ATTR_PERMANENT, /* <node><instance_attributes> (configuration) */
    VGL_CIB_ATTR_TRANSIENT, /* <node_state><transient_attributes> (status) */
    VGL_CIB_ATTR_ANY,       /* transient if set, else permanent (Pacemaker) */
} vgl_cib_attr_lifetime;

/* The value of node attribute [in] name on the node called [in] uname, or
 * NULL.  Owned by the CIB; valid until the next change. */
const char *vgl_cib_node_attr(const vgl_cib *cib, const char *uname,
                              const char *name, vgl_cib_attr_lifetime lifetime);

/* ------------------------------------------------------------------ */
/* Versions                                                             */
/* ------------------------------------------------------------------ */

/* A plain value: the three counters of the <cib> element. */
typedef struct vgl_cib_version {
    uint64_t admin_epoch;
    uint64_t epoch;
    uint64_t num_updates;
} vgl_cib_version;

/* [out] *out gets the CIB's version (all zero for a NULL cib). */
void vgl_cib_get_version(const vgl_cib *cib, vgl_cib_version *out);

/* Pacemaker's rule: compare admin_epoch, then epoch, then num_updates.
 * Returns <0 when a is older than b, 0 when equal, >0 when a is newer. */
int vgl_cib_version_order(const vgl_cib_version *a, const vgl_cib_version *b);

/* vgl_cib_version_order() of two CIBs' versions. */
int vgl_cib_version_compare(const vgl_cib *a, const vgl_cib *b);

/* ------------------------------------------------------------------ */
/* Configuration changes                                                */
/* Each validates the resulting CIB; on failure the CIB is exactly as it */
/* was and errors says why; on success epoch is bumped and num_updates  */
/* reset to 0.                                                          */
/* ------------------------------------------------------------------ */

/* The sections of <configuration> an element can be put under. */
typedef enum vgl_cib_section {
    VGL_CIB_CRM_CONFIG,       /* cluster_property_set */
    VGL_CIB_NODES,            /* node */
    VGL_CIB_RESOURCES,        /* primitive, group, clone */
    VGL_CIB_CONSTRAINTS,      /* rsc_location, rsc_colocation, rsc_order */
    VGL_CIB_RSC_DEFAULTS,     /* meta_attributes */
    VGL_CIB_OP_DEFAULTS,      /* meta_attributes */
    VGL_CIB_FENCING_TOPOLOGY, /* fencing-level */
    VGL_CIB_ALERTS,           /* alert */
} vgl_cib_section;

/* The element name of a section ("crm_config", ...), or NULL. */
const char *vgl_cib_section_name(vgl_cib_section section);

/* Create or replace one element, given as XML text, by its id.
 *   [in] section  where a new element goes (appended at the end); an
 *                 existing element with the same id is replaced where it
 *                 stands, and must be inside this section (or be a
 *                 <node> with that id, for VGL_CIB_NODES)
 *   [in] xml      one element, e.g. "<primitive id=\"vip\" .../>"
 * Returns 0, VGL_E_PARSE, VGL_E_INVALID, VGL_E_UNSUPPORTED, VGL_E_EXISTS
 * (the id belongs to an element of another section) or VGL_E_LIMIT. */
int vgl_cib_put(vgl_cib *cib, vgl_cib_section section, const char *xml,
                GPtrArray *errors);

/* Flags for vgl_cib_delete(). */
#define VGL_CIB_DELETE_CASCADE 0x1u /* also delete constraints and fencing
                                       levels that refer to the element */

/* Delete the configuration element with this id (a <node> is found by
 * its id when no other element has it).  Without VGL_CIB_DELETE_CASCADE,
 * an element that something refers to is not deleted: VGL_E_PERM, with a
 * message naming the referrer.  Returns 0, VGL_E_NOT_FOUND, VGL_E_PERM or
 * VGL_E_INVALID (the result would be invalid, e.g. an empty group). */
int vgl_cib_delete(vgl_cib *cib, const char *id, unsigned flags,
                   GPtrArray *errors);

/* Set ([in] value non-NULL) or unset (NULL) a cluster option in crm_config.
 * An existing nvpair with either spelling (stonith-/fencing-) is updated in
 * place; unset removes every spelling.  A new one goes into
 * cluster_property_set "cib-bootstrap-options" (created when absent). */
int vgl_cib_set_option(vgl_cib *cib, const char *name, const char *value,
                       GPtrArray *errors);

/* Set or unset (value NULL) a permanent attribute of the configured node
 * [in] uname (e.g. standby, maintenance, site).  VGL_E_NOT_FOUND when no
 * node has that uname. */
int vgl_cib_set_node_attr(vgl_cib *cib, const char *uname, const char *name,
                          const char *value, GPtrArray *errors);

/* Set or unset (value NULL) a meta attribute of resource [in] rsc (a
 * primitive, group or clone): target-role, is-managed, ...  VGL_E_NOT_FOUND
 * when there is no such resource. */
int vgl_cib_set_rsc_meta(vgl_cib *cib, const char *rsc, const char *name,
                         const char *value, GPtrArray *errors);

/* Replace the whole <configuration> (config load).  [in] xml is either a
 * <configuration> element or a whole <cib> (whose configuration is taken;
 * its versions and status are ignored).  [in] label names the text in
 * messages (NULL: "configuration") and becomes the CIB's label. */
int vgl_cib_replace_config(vgl_cib *cib, const char *xml, gssize len,
                           const char *label, GPtrArray *errors);

/* ------------------------------------------------------------------ */
/* Status changes: bump num_updates (only when something changed).      */
/* Nodes are named by uname; a node_state is created when absent (its   */
/* id is the configured node's id, or the uname).                       */
/* ------------------------------------------------------------------ */

/* Node membership fields; NULL leaves a field as it is. */
typedef struct vgl_cib_node_state {
    const char *in_ccm;   /* "true", "false", or epoch seconds (2.1.7+) */
    const char *crmd;     /* "online", "offline", or epoch seconds */
    const char *join;     /* "down", "pending", "member", "banned" */
    const char *expected; /* same values as join */
} vgl_cib_node_state;

int vgl_cib_set_node_state(vgl_cib *cib, const char *uname,
                           const vgl_cib_node_state *state, GPtrArray *errors);

/* One operation result, as the executor reports it.  A plain argument
 * struct: zero it, then fill it in. */
typedef struct vgl_cib_op_result {
    const char *rsc_id;         /* required */
    const char *rsc_class;      /* required: ocf, stonith, lsb, systemd, service */
    const char *rsc_provider;   /* required for ocf, else NULL */
    const char *rsc_type;       /* required */
    const char *operation;      /* required: start, stop, monitor, ... */
    uint32_t interval_ms;       /* 0 for one-shot operations and probes */
    int rc;                     /* agent exit code (0..255) */
    int op_status;              /* Pacemaker's enum pcmk_exec_status:
                                   -1 pending, 0 done, 1 cancelled,
                                   2 timed out, 3 not supported, 4 error,
                                   5 hard error, 6 fatal error,
                                   7 not installed, 8 not connected,
                                   9 invalid, 10 no fence device,
                                   11 no secrets */
    int expected_rc;            /* the rc the scheduler expected (target rc) */
    int call_id;                /* executor's per-node counter, >= 0 */
    int64_t time;               /* epoch seconds when it ran/finished */
    uint32_t exec_ms;           /* how long it ran */
    uint32_t queue_ms;          /* how long it waited */
    const char *op_digest;      /* hash of the parameters, or NULL */
    const char *exit_reason;    /* agent's message, or NULL */
    const char *transition_key; /* "action:graph:target_rc:uuid", or NULL:
                                   "0:0:EXPECTED_RC:vigil" is written */
} vgl_cib_op_result;

/* Record [in] res for the resource on node [in] uname, the way Pacemaker's
 * controller does; the exact rules are in doc/cib.md ("Recording operation
 * results").  In short: a one-shot operation replaces RSC_last_0, a
 * recurring one RSC_OP_INTERVALMS; a failure also writes
 * RSC_last_failure_0 and bumps the transient attribute
 * fail-count-RSC#OP_INTERVALMS (INFINITY for a failed start when
 * start-failure-is-fatal, and for a failed stop) and sets
 * last-failure-RSC#OP_INTERVALMS to res->time.  Returns 0 or VGL_E_INVALID
 * (bad argument; nothing changed). */
int vgl_cib_record_op(vgl_cib *cib, const char *uname,
                      const vgl_cib_op_result *res, GPtrArray *errors);

/* True when [in] res counts as a failure under the rules above. */
bool vgl_cib_op_is_failure(const vgl_cib_op_result *res);

/* Cleanup: forget resource [in] rsc's history (its lrm_resource, and
 * clone instances "rsc:N") and its fail-count-* / last-failure-* attributes
 * on node [in] uname, or on every node when uname is NULL. */
int vgl_cib_clear_resource(vgl_cib *cib, const char *rsc, const char *uname,
                           GPtrArray *errors);

/* After a node was fenced: forget all of its resource history and all of
 * its transient attributes (as Pacemaker does).  Membership fields are
 * left alone (set them with vgl_cib_set_node_state()). */
int vgl_cib_clear_node(vgl_cib *cib, const char *uname, GPtrArray *errors);

/* Set or unset (value NULL) a transient node attribute. */
int vgl_cib_set_transient_attr(vgl_cib *cib, const char *uname,
                               const char *name, const char *value,
                               GPtrArray *errors);

/* One fence action's outcome (Pacemaker's fence_event names). */
typedef struct vgl_cib_fence_event {
    const char *target;      /* required: node fenced */
    const char *action;      /* required: off, on, reboot */
    const char *status;      /* required: success, failed, pending */
    const char *delegate;    /* node that ran the agent, or NULL */
    const char *origin;      /* node that asked, required */
    const char *client;      /* who asked (e.g. "vigild"), required */
    const char *exit_reason; /* or NULL */
    int64_t completed;       /* epoch seconds */
    int rc;                  /* fence agent exit code */
} vgl_cib_fence_event;

/* Append a fence event to <status><fence_history>, keeping the last
 * VGL_CIB_FENCE_HISTORY_MAX.  Event ids are "fence-N", N increasing. */
int vgl_cib_add_fence_event(vgl_cib *cib, const vgl_cib_fence_event *ev,
                            GPtrArray *errors);

/* ------------------------------------------------------------------ */
/* Diffs: the replication format                                        */
/* ------------------------------------------------------------------ */

/* A diff document (XML text, format in doc/cib.md) that turns [in] from
 * into [in] to, recording both versions and digests.  Caller frees with
 * g_free(). */
char *vgl_cib_diff(const vgl_cib *from, const vgl_cib *to);

/* Apply a diff from vgl_cib_diff().  The CIB must have the diff's base
 * version and digest (else VGL_E_DIGEST); the result must have the target
 * digest and be valid (else VGL_E_DIGEST / VGL_E_INVALID).  On any failure
 * the CIB is untouched.  Hostile input is refused, never trusted:
 * VGL_E_PARSE, VGL_E_PROTOCOL (not a diff we understand), VGL_E_LIMIT. */
int vgl_cib_diff_apply(vgl_cib *cib, const char *diff, gssize len,
                       GPtrArray *errors);

#ifdef __cplusplus
}
#endif
#endif
