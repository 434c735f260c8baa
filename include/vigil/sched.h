/*
 * sched.h — the scheduler: (CIB, membership view, now) -> transition.
 *
 * The scheduler is a pure function.  It reads the configuration and the
 * status section of a CIB (Pacemaker's CIB XML, the subset Vigil supports),
 * the membership view the cluster layer agreed on (which nodes are members,
 * which left cleanly, which left uncleanly, and whether the partition has
 * quorum) and the current time, and returns a transition: the actions to
 * run (probe, start, stop, recurring monitor, cancel, fence), what each one
 * needs before it may run, and where every resource runs now and will run
 * afterwards.  It does no I/O, keeps no globals and reads no clock: the same
 * input always gives the same transition.  Ties are broken by a documented
 * rule (doc/scheduler.md): higher score, then fewer resources already
 * assigned in this run, then the node name in strcmp() order.
 *
 * Ownership: every object returned by a _new/_run/_from_cib function is the
 * caller's and is freed with the matching _free.  Pointers returned by
 * accessors (strings, actions, placements) are borrowed from their parent
 * object and stay valid until it is freed.  Strings returned as `char *`
 * are the caller's, freed with g_free().
 */
#ifndef VIGIL_SCHED_H
#define VIGIL_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include <vigil/vigil.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- view */

/* A node's membership state as the cluster layer sees it. */
typedef enum vgl_node_state {
    VGL_NODE_ONLINE = 0,  /* member of the view: can run resources */
    VGL_NODE_OFFLINE = 1, /* cleanly down: nothing runs there */
    VGL_NODE_UNCLEAN = 2, /* left uncleanly: may still run what it ran */
} vgl_node_state;

typedef struct vgl_sched_view vgl_sched_view;

/* A view with no nodes.  [in] quorum: whether the partition has quorum.
 * Caller frees with vgl_sched_view_free(). */
vgl_sched_view *vgl_sched_view_new(bool quorum);
void vgl_sched_view_free(vgl_sched_view *view);

/* Set (add or replace) the state of node [in] uname.  Nodes not named in
 * the view are OFFLINE.  Returns 0, or -EINVAL for a NULL/empty name or an
 * unknown state. */
int vgl_sched_view_set_node(vgl_sched_view *view, const char *uname, vgl_node_state state);
void vgl_sched_view_set_quorum(vgl_sched_view *view, bool quorum);

bool vgl_sched_view_quorum(const vgl_sched_view *view);
size_t vgl_sched_view_node_count(const vgl_sched_view *view);
/* The i-th node in the order they were first set; NULL if i is out of range. */
const char *vgl_sched_view_node_name(const vgl_sched_view *view, size_t i);
/* The state of [in] uname (OFFLINE for a node the view does not name). */
vgl_node_state vgl_sched_view_node_state(const vgl_sched_view *view, const char *uname);

/* Derive the view from the CIB's status section the way crm_simulate does:
 * a node_state with in_ccm true and crmd online is ONLINE; one whose
 * in_ccm is false but that the status shows as expected to be up
 * (expected="member" or join="member") is UNCLEAN; anything else, and a
 * configured node with no node_state, is OFFLINE.  Quorum comes from the
 * have-quorum attribute of the cib element (default false).
 * [out] *out: the view (caller frees) or NULL on error.
 * Returns 0, -EINVAL for NULL arguments, VGL_E_INVALID for a document
 * whose root is not <cib>. */
int vgl_sched_view_from_cib(const xmlDoc *cib, vgl_sched_view **out);

/* ---------------------------------------------------------- transition */

typedef struct vgl_transition vgl_transition;
typedef struct vgl_action vgl_action;
typedef struct vgl_placement vgl_placement;

typedef enum vgl_action_kind {
    VGL_ACTION_PROBE = 0,   /* monitor with interval 0: is it running here? */
    VGL_ACTION_START = 1,
    VGL_ACTION_STOP = 2,
    VGL_ACTION_MONITOR = 3, /* start a recurring monitor */
    VGL_ACTION_CANCEL = 4,  /* cancel a recurring monitor */
    VGL_ACTION_FENCE = 5,
} vgl_action_kind;

/* Compute the transition.
 * [in] cib: the CIB document (configuration + status); read only.
 * [in] view: membership and quorum.
 * [in] now: seconds since the epoch, used only for failure-timeout expiry
 *      and date rules.
 * [out] *out: the transition (caller frees with vgl_transition_free()), or
 *      NULL on error.
 * Returns 0; -EINVAL for NULL arguments; VGL_E_INVALID when the document is
 * not a CIB (no <cib>/<configuration>/<resources>).  Anything else odd in
 * the document (unknown elements, dangling references, bad numbers) is
 * skipped, never fatal: the scheduler must always produce a transition. */
int vgl_sched_run(const xmlDoc *cib, const vgl_sched_view *view, int64_t now,
                  vgl_transition **out);
void vgl_transition_free(vgl_transition *t);

/* ---------------------------------------------------- status cache */

/* What a run read from the status section's resource histories
 * (lrm_resource elements), kept for the next run so that unchanged
 * history is not read again: reading it is nearly all of a run's cost on
 * a large cluster (330,000 entries at 10,000 resources x 32 nodes).
 *
 * The cache holds only what the document says (each history's operations,
 * as parsed), never anything derived from the configuration, the view or
 * the time: those are applied afresh on every run.  So a run with a cache
 * gives exactly the transition a run without one gives on the same
 * arguments, PROVIDED every change to a node's resource history
 * (<node_state><lrm>) since the previous run was reported with
 * vgl_sched_cache_forget().  Changes to the configuration, to transient
 * attributes, to node_state attributes and to the view need no report.
 * A run on a different xmlDoc than the previous one re-reads everything.
 *
 * Not thread-safe; one cache per document the caller keeps.  Caller frees
 * with vgl_sched_cache_free(). */
typedef struct vgl_sched_cache vgl_sched_cache;

vgl_sched_cache *vgl_sched_cache_new(void);
void vgl_sched_cache_free(vgl_sched_cache *cache);

/* Report a change to resource history: the lrm_resource [in] rsc_id (and
 * its anonymous clone instances "rsc_id:N") on node [in] uname is re-read
 * by the next run.  uname NULL: on every node.  rsc_id NULL: the node's
 * whole history (after it was cleared, replaced or its node_state
 * removed).  Both NULL: everything (after a whole-document replacement, a
 * diff or a merge, or whenever in doubt).  Cheap: it only marks. */
void vgl_sched_cache_forget(vgl_sched_cache *cache, const char *uname, const char *rsc_id);

/* How many lrm_resource elements the last run read from the document, and
 * how many it took from the cache instead. */
size_t vgl_sched_cache_read_count(const vgl_sched_cache *cache);
size_t vgl_sched_cache_reuse_count(const vgl_sched_cache *cache);

/* vgl_sched_run() with [in,out] cache (NULL: exactly vgl_sched_run()):
 * histories not forgotten since the previous run come from the cache, the
 * others are read and the cache is updated.  Same arguments, results and
 * errors as vgl_sched_run(). */
int vgl_sched_run_cached(const xmlDoc *cib, const vgl_sched_view *view, int64_t now,
                         vgl_sched_cache *cache, vgl_transition **out);

/* Actions, in dispatch-friendly order; action i has id i. */
size_t vgl_transition_action_count(const vgl_transition *t);
const vgl_action *vgl_transition_action(const vgl_transition *t, size_t id);

/* Orderings: the ids of the actions that must complete (successfully)
 * before action [in] a may run.  Every id is < vgl_transition_action_count(). */
size_t vgl_action_prereq_count(const vgl_action *a);
size_t vgl_action_prereq(const vgl_action *a, size_t i);

size_t vgl_action_id(const vgl_action *a);
vgl_action_kind vgl_action_get_kind(const vgl_action *a);
/* "probe", "start", "stop", "monitor", "cancel", "fence". */
const char *vgl_action_kind_str(vgl_action_kind kind);
/* The resource id the executor runs the agent as and records history under
 * (for an anonymous clone instance, the clone's primitive id: "ping");
 * NULL for fence. */
const char *vgl_action_resource(const vgl_action *a);
/* The instance name used in summaries ("ping:1"); the same as
 * vgl_action_resource() outside clones; NULL for fence. */
const char *vgl_action_instance(const vgl_action *a);
/* The node the action runs on; for fence, the target. */
const char *vgl_action_node(const vgl_action *a);
/* The OCF operation name: "monitor" for probe/monitor/cancel, "start",
 * "stop"; "reboot"/"off" (the fence action) for fence. */
const char *vgl_action_operation(const vgl_action *a);
uint32_t vgl_action_interval_ms(const vgl_action *a);
uint32_t vgl_action_timeout_ms(const vgl_action *a);
/* The agent: class ("ocf", "stonith", ...), provider (NULL when the class
 * has none) and type; all NULL for fence. */
const char *vgl_action_class(const vgl_action *a);
const char *vgl_action_provider(const vgl_action *a);
const char *vgl_action_type(const vgl_action *a);
/* Instance parameters after rules (for OCF_RESKEY_name), sorted by name. */
size_t vgl_action_param_count(const vgl_action *a);
const char *vgl_action_param_name(const vgl_action *a, size_t i);
const char *vgl_action_param_value(const vgl_action *a, size_t i);
int vgl_action_check_level(const vgl_action *a);   /* OCF_CHECK_LEVEL, 0 default */
int vgl_action_expected_rc(const vgl_action *a);   /* 7 for a probe, else 0 */
/* The op-digest to record with this operation's result (NULL for fence). */
const char *vgl_action_digest(const vgl_action *a);
/* Why: "vip: start on node2 because node1 was fenced". */
const char *vgl_action_reason(const vgl_action *a);
/* For fence: "reboot" or "off" (stonith-action / fencing-action). */
const char *vgl_action_fence_action(const vgl_action *a);

/* Placements: one per primitive (clone instances included), in the
 * configuration's resource order. */
enum vgl_placement_flags {
    VGL_PLACE_FAILED = 1 << 0,    /* a failed operation needs recovery */
    VGL_PLACE_BLOCKED = 1 << 1,   /* recovery is blocked (on-fail=block, no quorum, ...) */
    VGL_PLACE_UNMANAGED = 1 << 2, /* is-managed=false or maintenance */
    VGL_PLACE_DISABLED = 1 << 3,  /* target-role=Stopped */
    VGL_PLACE_PENDING = 1 << 4,   /* a start or stop is in flight (recorded pending) */
};
size_t vgl_transition_placement_count(const vgl_transition *t);
const vgl_placement *vgl_transition_placement(const vgl_transition *t, size_t i);
const char *vgl_placement_resource(const vgl_placement *p);  /* "vip", "ping:0" */
/* The group or clone this primitive belongs to (innermost first), or NULL. */
const char *vgl_placement_group(const vgl_placement *p);
const char *vgl_placement_clone(const vgl_placement *p);
const char *vgl_placement_agent(const vgl_placement *p);     /* "ocf:heartbeat:IPaddr2" */
size_t vgl_placement_current_count(const vgl_placement *p);
const char *vgl_placement_current(const vgl_placement *p, size_t i);
const char *vgl_placement_next(const vgl_placement *p);      /* NULL: stopped */
unsigned vgl_placement_flags(const vgl_placement *p);

/* Transition Summary lines in crm_simulate's format ("  * Start      vip
 * ( node1 )"), one per line, fence lines first.  Caller g_free()s. */
char *vgl_transition_summary(const vgl_transition *t);
/* The cluster status before the transition, in crm_simulate's layout
 * ("  * Node List:" ... "  * Full List of Resources:" ...).  Caller g_free()s. */
char *vgl_transition_status(const vgl_transition *t);
/* The transition graph as Graphviz dot.  Caller g_free()s. */
char *vgl_transition_dot(const vgl_transition *t);

/* ------------------------------------------------------------- digest */

/* The op-digest Pacemaker records for an operation: the MD5 (32 lower-case
 * hex digits) of the canonical text ` <parameters a="1" b="2"/>\n` of the
 * instance parameters sorted by name, with CRM_meta_timeout (in ms) added
 * for a recurring operation ([in] interval_ms > 0).  Values are escaped
 * the way Pacemaker escapes them.  [in] names/values: n parameters.
 * Returns the digest (caller g_free()s); NULL when n > 0 and an array or
 * a name is NULL (a NULL value counts as ""). */
char *vgl_sched_op_digest(const char *const *names, const char *const *values,
                          size_t n, uint32_t interval_ms, uint32_t timeout_ms);

#ifdef __cplusplus
}
#endif
#endif
