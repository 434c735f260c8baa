/*
 * sched_internal.h — the scheduler's working set, shared by the sched/ sources.
 *
 * One vgl_transition owns everything built for one run: nodes (an array,
 * indexed 0..n_nodes-1), resources (a tree: primitives, groups, clones and
 * clone instances, plus a flat array of primitives in resource order),
 * constraints, per-(primitive, node) status unpacked from the history, and
 * the actions.  Strings are either owned by the transition's string chunk
 * or point into the caller's xmlDoc only while vgl_sched_run() runs (never
 * after: everything an accessor returns is copied into the chunk).
 *
 * Pipeline (vgl_sched_run): unpack config (sched_unpack.c) -> unpack status
 * (sched_status.c) -> assign nodes (sched_place.c) -> create actions and
 * orderings (sched_actions.c, sched_order.c) -> output (sched_output.c).
 */
#ifndef VGL_SCHED_INTERNAL_H
#define VGL_SCHED_INTERNAL_H

#include <glib.h>
#include <libxml/tree.h>

#include <vigil/sched.h>

#define SC_NONE (-1)

/* -------------------------------------------------------------- nodes */
typedef struct sc_node {
    const char *id;
    const char *uname;
    int idx;
    vgl_node_state state;
    bool standby;
    bool maintenance;
    bool fence;        /* a fence action is scheduled for it */
    const char *fence_reason;
    GHashTable *attrs; /* name -> value: configured + transient attributes */
    int assigned;      /* resources assigned to it so far (tie-break) */
} sc_node;

/* ------------------------------------------------------ configuration */
typedef enum sc_on_fail {
    SC_FAIL_DEFAULT = 0,
    SC_FAIL_IGNORE,
    SC_FAIL_RESTART,
    SC_FAIL_STOP,
    SC_FAIL_BLOCK,
    SC_FAIL_FENCE,
} sc_on_fail;

typedef struct sc_param {
    const char *name;
    const char *value;
} sc_param;

typedef struct sc_opdef {
    const char *name;      /* start, stop, monitor, ... */
    uint32_t interval_ms;
    uint32_t timeout_ms;   /* 0: not set on the op */
    sc_on_fail on_fail;
    bool enabled;
    int check_level;
    xmlNode *xml;          /* the <op> (for op-level instance_attributes) */
} sc_opdef;

typedef enum sc_kind { SC_PRIMITIVE, SC_GROUP, SC_CLONE } sc_kind;

typedef enum sc_role { SC_ROLE_STARTED, SC_ROLE_STOPPED } sc_role;

typedef enum sc_multi { SC_MULTI_STOP_START, SC_MULTI_STOP_ONLY, SC_MULTI_BLOCK } sc_multi;

/* One lrm_rsc_op as read from the status section (sched_history.c).  The
 * fields mirror what the status pass and the actions read; strings point
 * into the document (a cold run) or into a vgl_sched_cache entry. */
typedef enum sc_task { SC_TASK_OTHER, SC_TASK_START, SC_TASK_STOP, SC_TASK_MONITOR } sc_task;

typedef struct sc_hop {
    const char *task;      /* the operation attribute (never NULL) */
    const char *digest;    /* op-digest, or NULL */
    sc_task kind;
    uint32_t interval_ms;  /* interval as the status pass reads it */
    int rc, status, call_id;
    int64_t changed;       /* last-rc-change */
    bool iv_set;           /* interval attribute present ... */
    unsigned long iv_raw;  /* ... and its strtoul() value, as actions read it */
} sc_hop;

/* A history id interned by the cache, shared by that id's histories on
 * every node, with what the id resolved to in the current run (so it is
 * looked up once per run, not once per node). */
typedef struct sc_idref {
    unsigned refs;
    uint64_t stamp;        /* the run that set list (0: none) */
    GPtrArray *list;       /* t->prim_by_hist's answer in that run */
    char id[];
} sc_idref;

/* One lrm_resource: its id and its ops sorted by call-id (replay order). */
typedef struct sc_hist {
    const char *id;
    size_t n_ops;
    sc_hop *ops;
    uint64_t mark;         /* the cache's walk counter (reuse once per walk) */
    sc_idref *ref;         /* cached histories: the interned id; else NULL */
} sc_hist;

/* Per (primitive, node): what the history says. */
typedef struct sc_rstate {
    bool known;       /* any history: no probe needed */
    bool running;     /* active (or possibly active) here */
    bool failed;      /* a failure here needs recovery */
    bool pending;     /* an operation is in flight */
    bool stop_forever; /* on-fail=stop failure in the history */
    bool blocked;      /* on-fail=block failure in the history */
    bool ban;          /* hard error: never again on this node */
    bool fatal;        /* rc 6: start it nowhere */
    sc_on_fail on_fail;
    const char *fail_op;       /* "monitor", "start", ... of the failure */
    int32_t failcount;
    int64_t last_failure;
    const sc_hop *start_op;    /* last successful start/probe-found-running */
    GPtrArray *monitors;       /* const sc_hop *: recurring monitors since the start */
} sc_rstate;

typedef struct sc_rsc sc_rsc;
struct sc_rsc {
    sc_kind kind;
    const char *id;       /* instance id: "ping:0" for clone instances */
    const char *hist_id;  /* id in the history / executor: "ping" */
    const char *cfg_id;   /* configured id of this element */
    int order;            /* index among primitives (primitives only) */
    int order_top;        /* index among top-level resources */
    int clone_instance;   /* -1, or the instance number */
    sc_rsc *parent;
    GPtrArray *children;  /* sc_rsc * */
    xmlNode *xml;

    /* meta, after inheritance */
    vgl_score stickiness;
    vgl_score migration_threshold;
    int priority;
    int64_t failure_timeout_ms;
    bool managed;
    bool maintenance;
    bool critical;        /* its colocations influence the primary by default */
    sc_role target_role;
    sc_multi multiple_active;
    int clone_max;
    int *bind;            /* clone: [n_nodes] instance bound to each node, -1 */
    bool orphan;          /* clone instance beyond clone-max: stop it */
    bool stop_forever;    /* on-fail=stop: stays stopped until cleaned up */
    bool fatal;           /* rc 6: start it nowhere */

    /* primitive */
    const char *cls, *provider, *type;
    GPtrArray *ops;       /* sc_opdef * */
    sc_rstate *st;        /* [n_nodes] */

    /* placement */
    vgl_score *loc;       /* [n_nodes]: location constraints + bans */
    bool *allowed;        /* [n_nodes] or NULL: named by a location constraint */
    bool allocated, allocating;
    int next;             /* node index or SC_NONE */
    int prefer;           /* current node (SC_NONE if none or several) */
    GPtrArray *with;      /* sc_coloc *: this is the dependent */
    GPtrArray *dependents;/* sc_coloc *: this is the primary */

    /* summary */
    bool failed;
    bool blocked;
    bool restart;         /* a required restart where it runs */
    const char *restart_reason;
    bool start_unrunnable;
    const char *unrunnable_reason;
    int n_running;
    int running_on;       /* first node it runs on (SC_NONE) */
    int start_action;     /* action index or -1 */
    GArray *stop_actions; /* action indexes */
    GArray *probes;       /* action indexes (first clone instance only) */
    bool no_quorum_stop;
    bool stuck_unclean;   /* runs on an unclean node that cannot be fenced */
    bool pinned;          /* no start or stop: unmanaged, blocked, frozen */
    bool stopping_any;    /* derived: a stop is scheduled somewhere */
    sc_param *params;     /* cached parameters when they have no rules */
    size_t n_params;
    bool params_cached;
    bool params_rules;    /* instance_attributes use rules: per node */
    const char *digest0;  /* cached digest of params (interval 0) */
};

typedef struct sc_coloc {
    sc_rsc *dependent;
    sc_rsc *primary;
    vgl_score score;
    bool influence;       /* the dependent's preferences weigh on the primary */
    guint index;          /* position in the configuration */
} sc_coloc;

typedef enum sc_op { SC_OP_START, SC_OP_STOP } sc_op;

typedef struct sc_order {
    sc_rsc *first;
    sc_op first_op;
    sc_rsc *then;
    sc_op then_op;
    bool mandatory;
    bool symmetrical;
} sc_order;

/* An ordering between two primitives' actions, after expanding groups,
 * clones and constraints.  Flags follow Pacemaker's: IMPLIES_THEN (first
 * required => then required), IMPLIES_FIRST (then required => first
 * required), RUNNABLE_LEFT (first unrunnable => then unrunnable). */
enum { SC_IMPLIES_THEN = 1, SC_IMPLIES_FIRST = 2, SC_RUNNABLE_LEFT = 4 };
typedef struct sc_pair {
    sc_rsc *a;
    sc_op aop;
    sc_rsc *b;
    sc_op bop;
    unsigned flags;
    sc_rsc *a_top;   /* the constraint's first resource (group/clone/primitive) */
} sc_pair;

/* -------------------------------------------------------------- actions */
typedef struct sc_action {
    vgl_action_kind kind;
    bool pseudo;          /* internal only: never dispatched */
    sc_rsc *rsc;          /* NULL for fence */
    int node;
    uint32_t interval_ms;
    uint32_t timeout_ms;
    int check_level;
    int expected_rc;
    const char *digest;
    const char *reason;
    sc_param *params;
    size_t n_params;
    GArray *prereq;       /* int */
    int out_id;           /* id after pseudo actions are hidden */
} sc_action;

/* ------------------------------------------------------------- options */
typedef enum sc_noquorum { SC_NQ_STOP, SC_NQ_FREEZE, SC_NQ_IGNORE } sc_noquorum;

typedef struct sc_options {
    bool fencing_enabled;
    const char *fence_action;
    bool symmetric;
    bool maintenance_mode;
    bool start_failure_fatal;
    sc_noquorum no_quorum_policy;
    vgl_score stickiness;       /* rsc_defaults */
    vgl_score migration_threshold;
    int64_t failure_timeout_ms;
    bool managed;
    bool critical;              /* rsc_defaults: colocations influence */
    sc_role target_role;
    uint32_t op_timeout_ms;     /* op_defaults timeout */
} sc_options;

/* ------------------------------------------------------------- the set */
struct vgl_action {
    size_t id;
    vgl_action_kind kind;
    const char *resource, *instance, *node, *operation;
    uint32_t interval_ms, timeout_ms;
    const char *cls, *provider, *type;
    const sc_param *params;
    size_t n_params;
    int check_level, expected_rc;
    const char *digest, *reason, *fence_action;
    size_t *prereq;
    size_t n_prereq;
};

struct vgl_placement {
    const char *resource, *group, *clone, *agent;
    const char **current;
    size_t n_current;
    const char *next;
    unsigned flags;
};

/* A bump allocator for what lives exactly as long as one run. */
typedef struct sc_arena {
    GPtrArray *blocks;
    char *cur;
    size_t left;
} sc_arena;

struct vgl_transition {
    GStringChunk *strings;
    xmlNode *root;        /* borrowed during the run only */
    vgl_sched_cache *cache;    /* borrowed during the run only, or NULL */
    uint64_t cache_run;        /* the cache's run number (sc_idref stamps) */
    sc_arena hist_arena;       /* cold run: the histories read (run only) */
    int64_t now;
    bool quorum;
    sc_options opt;

    sc_node *nodes;
    int n_nodes;
    GHashTable *node_by_name;  /* uname -> sc_node */

    GPtrArray *top;            /* sc_rsc *: top-level resources in order */
    GPtrArray *alloc_order;    /* sc_rsc *: top-level resources as placed */
    GPtrArray *prims;          /* sc_rsc *: every primitive in order */
    GPtrArray *all;            /* sc_rsc *: every resource (for freeing) */
    GHashTable *rsc_by_id;     /* configured id -> sc_rsc (clone for its child) */
    GHashTable *prim_by_hist;  /* history id -> sc_rsc (primitive or clone) */
    GPtrArray *colocs;
    GPtrArray *orders;
    GArray *pairs;             /* sc_pair: orderings expanded to primitives */

    GArray *actions;           /* sc_action */

    /* output */
    vgl_action *out_actions;
    size_t n_out;
    vgl_placement *places;
    size_t n_places;
};

/* sched_unpack.c */
void vgl__sched_unpack_options(vgl_transition *t);
void vgl__sched_unpack_nodes(vgl_transition *t, const vgl_sched_view *view);
void vgl__sched_node_merge_attrs(vgl_transition *t, sc_node *n, xmlNode *xml);
void vgl__sched_unpack_resources(vgl_transition *t);
void vgl__sched_unpack_constraints(vgl_transition *t);
const char *vgl__sched_str(vgl_transition *t, const char *s);
xmlNode *vgl__sched_child(xmlNode *parent, const char *name);
const char *vgl__sched_attr(xmlNode *node, const char *name);
sc_rsc *vgl__sched_clone_instance(vgl_transition *t, sc_rsc *clone, xmlNode *child, int i);
void vgl__sched_nvpairs(vgl_transition *t, xmlNode *parent, const char *set_name,
                        const sc_node *node, GHashTable *into);

/* sched_rule.c */
bool vgl__sched_rule_eval(vgl_transition *t, xmlNode *rule, const sc_node *node,
                          vgl_score *score_out);

/* sched_status.c */
void vgl__sched_unpack_status(vgl_transition *t);

/* sched_history.c: reading histories, and the cache between runs */
void *vgl__sched_arena_alloc(sc_arena *a, size_t n);
void vgl__sched_arena_free(sc_arena *a);
/* Read [in] lr (an lrm_resource) into the run's arena (strings borrowed
 * from the document); NULL when it has no id. */
const sc_hist *vgl__sched_hist_read(vgl_transition *t, xmlNode *lr);
/* The histories of node_state [in] ns (named [in] uname) in document
 * order, from the cache, re-reading what was forgotten since the last
 * run; NULL when the cache cannot be used for it (then read it cold). */
GPtrArray *vgl__sched_cache_node(vgl_transition *t, xmlNode *ns, const char *uname);
/* Start and end a run with [in] t->cache. */
void vgl__sched_cache_begin(vgl_transition *t, const xmlDoc *doc);
void vgl__sched_cache_end(vgl_transition *t);

/* sched_place.c */
void vgl__sched_assign(vgl_transition *t);
bool vgl__sched_node_usable(const vgl_transition *t, int n);
int vgl__sched_node_cmp(const vgl_transition *t, int a, int b);

/* sched_actions.c */
void vgl__sched_actions(vgl_transition *t);
int vgl__sched_action_new(vgl_transition *t, vgl_action_kind kind, sc_rsc *rsc, int node);
void vgl__sched_order(vgl_transition *t, int first, int then);
sc_opdef *vgl__sched_find_op(const sc_rsc *r, const char *name, uint32_t interval_ms);
uint32_t vgl__sched_op_timeout(const vgl_transition *t, const sc_rsc *r, const char *name,
                               uint32_t interval_ms);
void vgl__sched_params(vgl_transition *t, const sc_rsc *r, const sc_opdef *op, int node,
                       sc_param **out, size_t *n_out);
char *vgl__sched_digest_for(vgl_transition *t, const sc_rsc *r, const char *task,
                            uint32_t interval_ms, int node);

/* sched_order.c */
void vgl__sched_propagate(vgl_transition *t);
bool vgl__sched_stop_needed(const vgl_transition *t, const sc_rsc *r, int n);
void vgl__sched_orderings(vgl_transition *t);

/* sched_output.c */
void vgl__sched_finish(vgl_transition *t);

/* helpers */
static inline bool sc_is_prim(const sc_rsc *r) { return r->kind == SC_PRIMITIVE; }
sc_rsc *vgl__sched_top(sc_rsc *r);
void vgl__sched_leaves(sc_rsc *r, GPtrArray *into);

#endif
