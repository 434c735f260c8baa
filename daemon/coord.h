/*
 * coord.h — the coordinator: on the one node the view agreed on, it runs
 * the scheduler after every relevant change and executes the transition by
 * dispatching actions as messages (doc/protocol.md, "Transitions").
 *
 * Every node has a vgl_coord; it acts only while its node is the
 * coordinator of an ACTIVE view with current quorum information.
 */
#ifndef VGL_DAEMON_COORD_H
#define VGL_DAEMON_COORD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/replica.h"

typedef struct vgl_coord vgl_coord;

vgl_coord *vgl_coord_new(vgl_replica *r);
void vgl_coord_free(vgl_coord *c);

/* Hooks the replica's callbacks forward to. */
void vgl_coord_changed(vgl_coord *c, unsigned what);
void vgl_coord_dispatched(vgl_coord *c, uint64_t tid, GVariant *action);
void vgl_coord_completed(vgl_coord *c, uint64_t tid, uint32_t aid, bool as_expected);
void vgl_coord_fence_request(vgl_coord *c, const char *target, const char *origin);

/* For STATUS: "idle", "running", "aborting", "waiting" (for actions of a
 * previous coordinator) or "inactive" (not the coordinator); the current
 * transition id and its counts.  [out] may be NULL. */
const char *vgl_coord_state(const vgl_coord *c, uint64_t *tid, unsigned *done, unsigned *total);

/* Transitions computed since start (for benchmarks and tests). */
uint64_t vgl_coord_transitions(const vgl_coord *c);

#endif
