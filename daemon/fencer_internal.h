/*
 * fencer_internal.h — what fencer.c (devices, their queues and host
 * checks), fencer_fence.c (fencing a target through levels),
 * fencer_level.c (the levels), fencer_param.c (checking parameters),
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
    GHashTable *agent_meta; /* agent name → its metadata bits (fencer.c);
                             * agents do not change under a running daemon */
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

/* Check a device's parameters (fencer_param.c).  Returns 0, VGL_E_INVALID
 * or VGL_E_LIMIT with *error set (caller g_free()s). */
int vgl__fencer_param_check(GHashTable *params, char **error);

/* A copy of params (NULL: an empty table).  Caller unrefs. */
GHashTable *vgl__fencer_param_copy(GHashTable *params);

/* Do a and b hold the same parameters?  b may be NULL (none). */
bool vgl__fencer_param_equal(GHashTable *a, GHashTable *b);

/* The static spelling of a valid pcmk_host_check value, or NULL. */
const char *vgl__fencer_param_host_check(const char *value);

/* Is action one the fencer runs (off, on, reboot, status, list, monitor,
 * validate-all)?  Does it take a target (on, off, reboot, status)? */
bool vgl__fencer_param_action_ok(const char *action);
bool vgl__fencer_param_targeted(const char *action);

/* Free every fence operation in progress, without callbacks. */
void vgl__fencer_fence_free_all(vgl_fencer *fencer);

/* Free a GArray of vgl__fencer_level (the levels table's destructor). */
void vgl__fencer_levels_free(gpointer levels);

/* Is text usable as a node name or device id (1..255 printable
 * characters, none of them a space, ',', ';', '=' or a newline)? */
bool vgl__fencer_name_ok(const char *text);

#endif
