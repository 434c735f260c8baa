/*
 * replica_internal.h — what the three files of the replica share:
 * replica.c (membership, barrier, delivery), replica_apply.c (status
 * messages) and replica_change.c (configuration changes).
 */
#ifndef VGL_DAEMON_REPLICA_INTERNAL_H
#define VGL_DAEMON_REPLICA_INTERNAL_H

#include <glib.h>
#include <vigil/cib.h>

#include "daemon/replica.h"

typedef struct ann_payload {
    char *name;
    char *node_state;    /* its own node_state XML ("" when none) */
    GPtrArray *unclean;  /* node_state XML of unclean non-members */
    char *fence_history; /* or NULL */
    GVariant *inflight;  /* aa{sv}: what its executor was asked and has not reported */
} ann_payload;

typedef struct deferred_msg {
    uint32_t nodeid;
    GBytes *bytes;
} deferred_msg;

/* A tool's change waiting at its origin for a majority of confirmations. */
typedef struct pending_change {
    uint64_t req;
    GVariant *ops;
    vgl_change_done_fn done;
    gpointer done_ud;
    GHashTable *confirmed; /* nodeids that applied and persisted it */
} pending_change;

/* A CHANGE_REQUEST the coordinator has not turned into a diff yet. */
typedef struct queued_change {
    uint32_t origin;
    uint64_t req;
    GVariant *ops;
} queued_change;

typedef struct inflight {
    uint64_t tid;
    uint32_t aid;
    char *node;      /* where it runs */
    GVariant *spec;  /* a{sv} as dispatched */
} inflight;

struct vgl_replica {
    char *my_name;
    uint32_t my_id;
    vgl_cib_store *store;
    vgl_cib *cib;
    vgl_cib *self;         /* this node's own truth: its node_state only */
    vgl_view *view;
    vgl_replica_hooks hooks;
    void *ud;
    GHashTable *names;     /* nodeid (uint) → name */
    GHashTable *anns;      /* nodeid → ann_payload, current barrier */
    GQueue deferred;       /* deferred_msg, while SYNCING */
    GHashTable *inflight;  /* "tid:aid" → inflight */
    GHashTable *pending;   /* req (uint64 *) → pending_change */
    uint64_t next_req;
    uint64_t incarnation;  /* when this replica started (µs), for ANNOUNCE */
    GHashTable *incompatible; /* nodeids (as text) refused for their protocol */
    bool change_busy;      /* coordinator: a CIB_DIFF of ours is not delivered yet */
    GQueue change_queue;   /* coordinator: CHANGE_REQUESTs waiting for it (queued_change) */
    unsigned quorum_size;  /* members a view needs to be quorate */
    bool quorate, quorum_current, leaving;
    bool gained;           /* the last confchg brought members in */
    /* Views bound to totem rings (vgl_replica_use_ring): */
    bool ring_mode;
    bool awaiting_ring;    /* a confchg that changes the ring: its totem
                            * callback has not come yet, no ANNOUNCE sent */
    uint64_t ring;         /* the latest totem ring reported */
    uint64_t bound_ring;   /* the ring of the current view */
    bool reopened;         /* a ring without confchg opened a barrier since
                            * the last confchg */
    GQueue early;          /* deferred_msg: ANNOUNCE/SYNC while awaiting */
};

/* The cluster option that stamps the configuration with the view epoch of
 * its last change (see doc/protocol.md, "Configuration changes"). */
#define VGL_STAMP_OPTION "vigil-config-view"

void vgl__replica_log_errors(const char *what, GPtrArray *errors);
void vgl__replica_emit(vgl_replica *r, const char *kind, GVariant *fields);
void vgl__replica_changed(vgl_replica *r, unsigned what);
void vgl__replica_persist(vgl_replica *r);
void vgl__replica_set_state(vgl_cib *cib, const char *uname, const char *in_ccm,
                            const char *crmd, const char *join, const char *expected);
char *vgl__replica_inflight_key(uint64_t tid, uint32_t aid);
void vgl__replica_inflight_free(gpointer p);
bool vgl__replica_view_quorate(const vgl_replica *r);
void vgl__replica_ensure_nodes(vgl_replica *r);
uint64_t vgl__replica_stamp(const vgl_cib *cib);

/* replica_apply.c: the status messages, applied on delivery. */
void vgl__replica_on_actions(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_on_op_result(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_on_attr(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_on_fence_result(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_on_leaving(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_on_cleanup(vgl_replica *r, uint32_t from, const vgl_msg *m);

/* replica_change.c: configuration changes. */
void vgl__replica_on_change_request(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_on_diff(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_on_applied(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_on_refused(vgl_replica *r, uint32_t from, const vgl_msg *m);
void vgl__replica_fail_pending(vgl_replica *r, int rc, const char *why);
void vgl__replica_pending_free(gpointer p);
void vgl__replica_drop_queued_changes(vgl_replica *r);

#endif
