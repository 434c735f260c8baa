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
    const uint32_t *succession; /* its succession list, most senior first */
    size_t n_succession;
    uint32_t coordinator;       /* the coordinator it followed, 0 for none */
    bool had_quorum;
    uint32_t admin_epoch, epoch; /* its configuration version */
    const char *config_digest;  /* its configuration digest */
} vgl_view_ann;

vgl_view *vgl_view_new(uint32_t my_nodeid);
void vgl_view_free(vgl_view *v);

/* A confchg.  Returns true when we are a member of the new view (then an
 * ANNOUNCE must be sent). */
bool vgl_view_confchg(vgl_view *v, const vgl_member *members, size_t n,
                      const vgl_member *joined, size_t n_joined);

/* The view as a canonical string "nodeid:pid,..." (sorted), for staleness
 * checks of ANNOUNCE and SYNC.  Owned by v. */
const char *vgl_view_members_key(const vgl_view *v);

/* Record an ANNOUNCE from nodeid.  Returns 1 when this one completed the
 * barrier, 0 when it was recorded and others are still missing, and
 * VGL_E_INVALID when it was stale (another view) or not from a member. */
int vgl_view_announce(vgl_view *v, uint32_t nodeid, const vgl_view_ann *ann);

/* After the barrier completed: whether a SYNC must arrive before ACTIVE
 * (a node joined, or configuration digests differ), and who sends it. */
bool vgl_view_need_sync(const vgl_view *v);
uint32_t vgl_view_sync_source(const vgl_view *v);

/* SYNCING → ACTIVE (after SYNC, or at once when none is needed). */
void vgl_view_activate(vgl_view *v);

vgl_view_state vgl_view_get_state(const vgl_view *v);
const char *vgl_view_state_name(vgl_view_state s);

/* The coordinator: 0 until the barrier of the current view completed. */
uint32_t vgl_view_coordinator(const vgl_view *v);
bool vgl_view_is_coordinator(const vgl_view *v);

/* The coordinator as this node last followed it (for ANNOUNCE). */
uint32_t vgl_view_followed(const vgl_view *v);

bool vgl_view_is_member(const vgl_view *v, uint32_t nodeid);
/* Members (nodeids) in view order; owned by v. */
const vgl_member *vgl_view_members(const vgl_view *v, size_t *n);
/* Succession list, most senior first; owned by v. */
const uint32_t *vgl_view_succession(const vgl_view *v, size_t *n);

#endif
