/*
 * view.h — the membership half of the replica state machine: the view,
 * the announcement barrier, the succession list and the coordinator.
 *
 * Pure: no I/O, no corosync, no clock.  replica.c feeds it confchgs and
 * ANNOUNCE messages in CPG order; every member feeding the same stream
 * computes the same coordinator, sync source and succession list.  The
 * rules are in doc/protocol.md ("The barrier") and in the model
 * tests/model/vigil.pml.
 */
#ifndef VGL_DAEMON_VIEW_H
#define VGL_DAEMON_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/cluster.h"

typedef struct vgl_view vgl_view;

typedef enum vgl_view_state {
    VGL_VIEW_JOINING, /* not yet in a view that contains us */
    VGL_VIEW_SYNCING, /* barrier open: waiting for announcements (and SYNC) */
    VGL_VIEW_ACTIVE,  /* barrier passed: one agreed state, coordinator known */
} vgl_view_state;

/* What one member announced after a view change. */
typedef struct vgl_view_ann {
    const char *members_key;    /* the view it answers, vgl_view_members_key() */
    const uint32_t *succession; /* its succession list, most senior first;
                                 * empty if it never completed a barrier */
    size_t n_succession;
    uint32_t coordinator;       /* the coordinator it followed, 0 for none */
    uint32_t coordinator_pid;   /* ... and that process's pid */
    bool had_quorum;
    uint64_t view_epoch;        /* the last agreed view it completed */
    uint64_t counter;           /* its own announcement counter (monotonic) */
    uint64_t incarnation;       /* its process's start (µs): a restart is new */
    uint32_t admin_epoch;       /* its configuration version: */
    uint64_t stamp;             /*   view epoch of the last change, */
    uint32_t epoch;             /*   epoch, */
    const char *config_digest;  /*   digest */
} vgl_view_ann;

vgl_view *vgl_view_new(uint32_t my_nodeid);
void vgl_view_free(vgl_view *v);

/* A confchg.  Returns true when we are a member of the new view (then an
 * ANNOUNCE must be sent). */
bool vgl_view_confchg(vgl_view *v, const vgl_member *members, size_t n,
                      const vgl_member *joined, size_t n_joined);

/* Bind the view to corosync's totem ring [in] ring: the key then names it
 * too ("...@ring"), so that a message sent for an earlier view with the
 * very same members (a partition that healed) is stale as well.  Call after
 * vgl_view_confchg(), before the ANNOUNCE; never called: keys without it. */
void vgl_view_set_ring(vgl_view *v, uint64_t ring);

/* The view as a canonical string "nodeid:pid,...[@ring]" (sorted), for
 * staleness checks of ANNOUNCE, SYNC, ACTIONS and CIB_DIFF.  Owned by v. */
const char *vgl_view_members_key(const vgl_view *v);

/* Record an ANNOUNCE from nodeid.  Returns 1 when this one completed the
 * barrier, 0 when it was recorded and others are still missing, and
 * VGL_E_INVALID when it was stale (another view) or not from a member. */
int vgl_view_announce(vgl_view *v, uint32_t nodeid, const vgl_view_ann *ann);

/* An ANNOUNCE arrived while this node is ACTIVE: true when it answers
 * this very membership (same key) and is a new announcement of a member's
 * process (its counter is higher than any seen from it).  Then that member
 * saw a view change that corosync did not report here: the ring re-formed
 * around this node with the same members (a short link loss), and this
 * node must open a barrier of its own at this point of the stream. */
bool vgl_view_missed_change(const vgl_view *v, uint32_t nodeid, const vgl_view_ann *ann);

/* Leave member [in] nodeid out of barriers for good (it speaks a protocol
 * this node does not: it can never announce).  Returns 1 when that
 * completed the barrier, else 0. */
int vgl_view_exclude(vgl_view *v, uint32_t nodeid);

/* After the barrier completed: a SYNC must always arrive before ACTIVE
 * (every barrier ends with one, so replicas never depend on having held the
 * same state before); who sends it: the first announcer of the winning
 * configuration. */
bool vgl_view_need_sync(const vgl_view *v);
uint32_t vgl_view_sync_source(const vgl_view *v);

/* The agreed view epoch: one more than the highest announced (0 before the
 * first barrier).  Stamped on configuration changes, so that a change made
 * in a later view wins over one made in an earlier view. */
uint64_t vgl_view_epoch(const vgl_view *v);

/* This node's announcement counter: call once per ANNOUNCE sent. */
uint64_t vgl_view_next_counter(vgl_view *v);

/* SYNCING → ACTIVE (after SYNC, or at once when none is needed). */
void vgl_view_activate(vgl_view *v);

vgl_view_state vgl_view_get_state(const vgl_view *v);
const char *vgl_view_state_name(vgl_view_state s);

/* The coordinator: 0 until the barrier of the current view completed. */
uint32_t vgl_view_coordinator(const vgl_view *v);
bool vgl_view_is_coordinator(const vgl_view *v);

/* The coordinator as this node last followed it (for ANNOUNCE), with its
 * pid; 0 when this node never completed a barrier. */
uint32_t vgl_view_followed(const vgl_view *v, uint32_t *pid);

/* Whether this node ever completed a barrier (else it announces an empty
 * succession list: it knows no history). */
bool vgl_view_has_history(const vgl_view *v);

bool vgl_view_is_member(const vgl_view *v, uint32_t nodeid);
/* Members (nodeids) in view order; owned by v. */
const vgl_member *vgl_view_members(const vgl_view *v, size_t *n);
/* Succession list, most senior first; owned by v. */
const uint32_t *vgl_view_succession(const vgl_view *v, size_t *n);

#endif
