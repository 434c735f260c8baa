/*
 * fencer_internal.h — what fencer.c (devices, their queues and host
 * checks), fencer_fence.c (fencing a target through levels),
 * fencer_parse.c (host maps and lists) and fencer_cib.c (loading from a
 * CIB) share.  Not for use outside daemon/fencer*.
 */
#ifndef VIGIL_DAEMON_FENCER_INTERNAL_H
#define VIGIL_DAEMON_FENCER_INTERNAL_H

#include "daemon/fencer.h"

typedef struct vgl__fencer_device vgl__fencer_device;

/* One fencing level of one target. */
typedef struct vgl__fencer_level {
    unsigned index;
    char **devices;     /* NULL-terminated device ids */
} vgl__fencer_level;

struct vgl_fencer {
    char **search;          /* agent directories */
    uint32_t timeout_ms;    /* default action timeout */
    GHashTable *devices;    /* id → vgl__fencer_device* (a reference) */
    GPtrArray *order;       /* device ids (char*, owned) in the order added */
    GList *retired;         /* removed devices still running something */
    GHashTable *levels;     /* lower-cased target → GArray of vgl__fencer_level,
                             * sorted by index */
    GList *fences;          /* fence operations in progress (fencer_fence.c) */
    uint64_t next_id;
};

/* The result of one agent run, for internal callbacks. */
typedef void (*vgl__fencer_run_fn)(const vgl_fencer_attempt *attempt, void *user_data);
/* The answer of a host check. */
typedef void (*vgl__fencer_check_fn)(bool can, const char *reason, void *user_data);

/* The device with this id, or NULL.  Borrowed. */
vgl__fencer_device *vgl__fencer_device_get(vgl_fencer *fencer, const char *id);

/* Queue an agent run on a device: action is the logical action (off,
 * reboot, on, status, list, monitor, validate-all) that
 * pcmk_<action>_action may rename; target may be NULL; timeout_ms 0 = the
 * device's for that action.  cb is called once, from the main loop. */
void vgl__fencer_run(vgl__fencer_device *dev, const char *action, const char *target,
                     unsigned level, uint32_t timeout_ms, vgl__fencer_run_fn cb,
                     void *user_data);

/* Queue a host check (pcmk_host_check) of target on a device.  cb is
 * called once, from the main loop. */
void vgl__fencer_check(vgl__fencer_device *dev, const char *target,
                       vgl__fencer_check_fn cb, void *user_data);

/* Free every fence operation in progress, without callbacks. */
void vgl__fencer_fence_free_all(vgl_fencer *fencer);

/* Free a GArray of vgl__fencer_level (the levels table's destructor). */
void vgl__fencer_levels_free(gpointer levels);

/* Is text usable as a node name or device id (1..255 printable
 * characters, none of them a space, ',', ';', '=' or a newline)? */
bool vgl__fencer_name_ok(const char *text);

#endif
