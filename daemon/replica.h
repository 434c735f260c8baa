/*
 * replica.h — the replicated state machine at the heart of vigild.
 *
 * A replica consumes the CPG stream (confchgs and messages, in order) and
 * keeps the CIB, the view and the table of actions in flight.  It is the
 * only piece that changes the CIB.  It never runs agents and never decides
 * what to do: the coordinator (coord.c) and the local runner (runner.c)
 * react to the hooks below.  The protocol is doc/protocol.md.
 */
#ifndef VGL_DAEMON_REPLICA_H
#define VGL_DAEMON_REPLICA_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include <vigil/cib.h>
#include <vigil/cib_store.h>
#include <vigil/sched.h>

#include "daemon/cluster.h"
#include "daemon/msg.h"
#include "daemon/view.h"

typedef struct vgl_replica vgl_replica;

/* What changed, for the changed hook (a bit mask). */
enum vgl_replica_change {
    VGL_CHG_VIEW = 1u << 0,    /* membership changed; barrier open */
    VGL_CHG_ACTIVE = 1u << 1,  /* barrier passed: the state is agreed */
    VGL_CHG_CONFIG = 1u << 2,  /* the configuration changed */
    VGL_CHG_STATUS = 1u << 3,  /* a status change the scheduler must see */
    VGL_CHG_QUORUM = 1u << 4,  /* quorum (or its currency) changed */
};

typedef struct vgl_replica_hooks {
    /* Multicast a message (encode and hand to the cluster). */
    int (*send)(void *ud, vgl_msg *m);
    /* Something changed (mask of vgl_replica_change). */
    void (*changed)(void *ud, unsigned what);
    /* An action was dispatched (every node hears it); fields as in the
     * ACTIONS message (a{sv}). */
    void (*dispatched)(void *ud, uint64_t tid, GVariant *action);
    /* An action in flight finished: as_expected when its rc was the one the
     * scheduler expected (or it was lost with its node: as_expected false). */
    void (*completed)(void *ud, uint64_t tid, uint32_t aid, bool as_expected);
    /* An operator asked the coordinator to fence target. */
    void (*fence_request)(void *ud, const char *target, const char *origin);
    /* For the event stream: kind and a{sv} fields (floating). */
    void (*event)(void *ud, const char *kind, GVariant *fields);
    /* What this node's executor was asked to do and has not reported yet,
     * as aa{sv} {transition:t, id:u, kind:s, rsc:s, ...} (floating); for
     * ANNOUNCE.  NULL means nothing. */
    GVariant *(*local_inflight)(void *ud);
    /* Drop messages of the old view still queued for sending. */
    void (*purge)(void *ud);
    /* This node joined a cluster whose protocol it does not speak: it must
     * leave without touching anything. */
    void (*incompatible)(void *ud);
} vgl_replica_hooks;

/* [in] my_name: this node's name; [in] store: where the CIB is persisted
 * (borrowed, may be NULL in tests); [in] cib: the CIB loaded at start-up
 * (taken over; its status is discarded). */
vgl_replica *vgl_replica_new(const char *my_name, uint32_t my_nodeid, vgl_cib_store *store,
                             vgl_cib *cib, const vgl_replica_hooks *hooks, void *ud);
void vgl_replica_free(vgl_replica *r);

/* The stream. */
void vgl_replica_confchg(vgl_replica *r, const vgl_member *members, size_t n,
                         const vgl_member *left, size_t n_left,
                         const vgl_member *joined, size_t n_joined);
void vgl_replica_deliver(vgl_replica *r, uint32_t nodeid, const void *data, size_t len);
/* Bind every view to corosync's totem ring from now on (vigild does; the
 * unit tests' simulator may not): a confchg that changes the ring (a member
 * lost or gained as a node, or no ring known yet) waits for the ring with
 * its ANNOUNCE, and ANNOUNCE and SYNC that arrive meanwhile are held.
 * See doc/protocol.md, "The barrier". */
void vgl_replica_use_ring(vgl_replica *r);

/* corosync's totem callback: the ring [in] ring is current.  Binds a view
 * that waits for it; a new ring without a confchg (the ring re-formed with
 * the same members) opens a barrier for the same members. */
void vgl_replica_ring(vgl_replica *r, uint64_t ring);

void vgl_replica_quorum(vgl_replica *r, bool quorate, bool current);

/* Reading. */
const vgl_cib *vgl_replica_cib(const vgl_replica *r);
const vgl_view *vgl_replica_view(const vgl_replica *r);
const char *vgl_replica_my_name(const vgl_replica *r);
/* Quorum as last reported; [out] *current: it belongs to the current ring. */
bool vgl_replica_quorate(const vgl_replica *r, bool *current);
/* The name of node [in] nodeid (from announcements or the CIB), or NULL. */
const char *vgl_replica_node_name(const vgl_replica *r, uint32_t nodeid);
/* The view for the scheduler: members ONLINE, others from their
 * node_state.  Caller frees with vgl_sched_view_free(). */
vgl_sched_view *vgl_replica_sched_view(const vgl_replica *r);
/* Actions in flight (dispatched, no result yet), all coordinators. */
guint vgl_replica_inflight_count(const vgl_replica *r);
/* In-flight actions as an aa{sv} (new reference, floating). */
GVariant *vgl_replica_inflight(const vgl_replica *r);
bool vgl_replica_is_active(const vgl_replica *r);
/* True when, per the status section, no resource runs on [in] uname. */
bool vgl_replica_runs_nothing(const vgl_replica *r, const char *uname);
bool vgl_replica_is_leaving(const vgl_replica *r);
/* Did the last view change bring members in (a join or a healed split)? */
bool vgl_replica_view_gained_members(const vgl_replica *r);

/* Sending: a message built by the caller (replica-independent types such as
 * OP_RESULT, ATTR, FENCE_RESULT, ACTIONS).  Takes ownership of m. */
int vgl_replica_send(vgl_replica *r, vgl_msg *m);

/* A configuration change requested by a tool on this node: [in] ops, an
 * aa{sv} list of operations (daemon/changes.h; a floating reference is
 * consumed).  The coordinator applies it and every member confirms; done
 * is called once, when a majority of the cluster's nodes applied and
 * persisted it (rc 0), or with the reason it was refused or lost
 * (VGL_E_BUSY when the view changed first).  Returns 0 when the request
 * went out, else an error (done not called): VGL_E_BUSY (no agreed view
 * yet), VGL_E_NO_QUORUM. */
typedef void (*vgl_change_done_fn)(gpointer ud, int rc, GPtrArray *errors);
int vgl_replica_change_config(vgl_replica *r, GVariant *ops, vgl_change_done_fn done,
                              gpointer done_ud, GPtrArray *errors);

/* How many members make a view quorate (for configuration changes): a
 * majority of the configured nodes, or 1 for a two_node cluster. */
void vgl_replica_set_quorum_size(vgl_replica *r, unsigned members);

/* A result of this node's executor, about to be multicast: recorded in
 * this node's own truth at once (what it announces after a view change). */
void vgl_replica_local_result(vgl_replica *r, GVariant *result);

/* Forget an in-flight action whose result will never come (the
 * coordinator's action timer expired).  Local only. */
void vgl_replica_forget_inflight(vgl_replica *r, uint64_t tid, uint32_t aid);

/* Begin a clean shutdown: multicast LEAVING. */
int vgl_replica_leave(vgl_replica *r);

#endif
