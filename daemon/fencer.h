/*
 * fencer.h — runs fence agents (the fence-agents API) to fence nodes.
 *
 * One vgl_fencer per vigild.  The caller describes fence devices (a
 * primitive of class stonith: an agent such as fence_ipmilan and its
 * parameters) and, optionally, fencing levels; then asks to fence a
 * target.  Everything runs on the default GMainContext; every callback
 * comes from the main loop, never from inside a call into this API, and
 * may call into the fencer again (but not vgl_fencer_free()).
 *
 * Running an agent: no arguments; on its standard input, one name=value
 * line each: action=, the target as the device knows it (plug=, or port=
 * when the agent's metadata has port but no plug, or pcmk_host_argument),
 * nodename=TARGET, then every device parameter except pcmk_* ones.  It
 * runs in its own process group, with vigild's environment, and is killed
 * whole at its timeout (pcmk_<action>_timeout, else the fencer's default,
 * stonith-timeout, 60 s).  Exit 0 is success; for status, 0 means on and
 * 2 off.  One action at a time per device, in request order.
 *
 * Which devices can fence a target (pcmk_host_check): static-list (the
 * target is in pcmk_host_list or a key of pcmk_host_map), dynamic-list
 * (the plug is in the output of the agent's `list` action, cached for
 * 60 s), status (the agent's `status` answers 0 or 2 for the plug), none
 * (any target).  Default as Pacemaker: static-list when a list or map is
 * given, else dynamic-list when the agent's metadata has a list action,
 * else status when it has status, else none.
 *
 * Fencing a target: with fencing levels for it, levels in index order;
 * within a level every device must succeed, in order; the first level
 * that succeeds wins.  A reboot through a level of several devices is
 * done as off on each, then on on each (so that redundant power supplies
 * are all cut at the same time); failures of the on phase are reported
 * but do not undo the fencing.  Without levels, every device that can
 * fence the target is tried in the order the devices were added, until
 * one succeeds.
 */
#ifndef VIGIL_DAEMON_FENCER_H
#define VIGIL_DAEMON_FENCER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/exec.h"

struct vgl_cib;

#define VGL_FENCER_DEFAULT_TIMEOUT_MS 60000u    /* stonith-timeout default */
#define VGL_FENCER_LIST_CACHE_MS 60000u         /* dynamic-list cache age */
#define VGL_FENCER_MAX_LEVEL 9u                 /* levels are 1..9 */

typedef struct vgl_fencer vgl_fencer;

/* One run of one agent. */
typedef struct vgl_fencer_attempt {
    const char *device;      /* device id */
    const char *action;      /* the agent action that ran (after pcmk_*_action) */
    const char *target;      /* the node, NULL for list / monitor */
    unsigned level;          /* fencing level index, 0 without topology */
    vgl_exec_status status;  /* DONE, TIMEOUT, NOT_INSTALLED or ERROR */
    int rc;                  /* the agent's exit code when DONE, else -1 */
    bool ok;                 /* exit 0 (status: 0 or 2) */
    uint32_t exec_ms;
    const char *output;      /* stdout, bounded to 64 KiB */
    const char *reason;      /* "" when ok, else one short line */
} vgl_fencer_attempt;

/* The outcome of vgl_fencer_fence(). */
typedef struct vgl_fencer_result {
    uint64_t id;             /* from vgl_fencer_fence() */
    const char *target;
    const char *action;      /* "reboot", "off" or "on" */
    bool ok;
    int rc;                  /* exit code of the deciding run (0 on success),
                              * -1 when no agent ran to completion */
    const char *device;      /* ok: the device(s) that fenced, "a,b" for a
                              * level of several; failed: the last one tried
                              * or NULL */
    unsigned level;          /* the level that fenced; 0 without topology */
    uint32_t duration_ms;    /* request → result */
    const char *output;      /* the deciding run's output tail, or "" */
    const char *reason;      /* NULL when ok; else every failure, "; "-joined */
    const vgl_fencer_attempt *attempts; /* every agent run, in order */
    size_t n_attempts;
} vgl_fencer_result;

typedef void (*vgl_fencer_done_fn)(const vgl_fencer_result *result, void *user_data);
typedef void (*vgl_fencer_action_fn)(const vgl_fencer_attempt *attempt, void *user_data);
/* reason: why not (or "" when can is true); valid during the call. */
typedef void (*vgl_fencer_can_fn)(const char *device, const char *target, bool can,
                                  const char *reason, void *user_data);

/* Create the fencer.
 * [in] search_path  ':'-separated absolute directories to find agents
 *                   in; NULL = "/usr/sbin" then the build's agents/fence
 * Returns NULL (and logs why) when a directory is not absolute.  Caller
 * frees with vgl_fencer_free(). */
vgl_fencer *vgl_fencer_new(const char *search_path);

/* Kill every running agent's process group, drop everything; no callback
 * is called.  NULL is ok. */
void vgl_fencer_free(vgl_fencer *fencer);

/* Default timeout of a device action (stonith-timeout): 1 ms .. 24 h.
 * Returns 0 or -EINVAL. */
int vgl_fencer_set_timeout(vgl_fencer *fencer, uint32_t timeout_ms);

/* Add a device, or replace the one with the same id (a device whose agent
 * and parameters did not change is kept as is, with its cached list).
 * [in] id      the primitive's id
 * [in] agent   "fence_xxx": a plain name starting with fence_
 * [in] params  char* → char*, copied; NULL = none.  pcmk_host_map,
 *              pcmk_host_list, pcmk_host_check, pcmk_host_argument,
 *              pcmk_<action>_action and pcmk_<action>_timeout are checked
 *              here; every other pcmk_* is accepted and not passed on.
 * [out] error  why it was refused (may be NULL; caller g_free()s)
 * Returns 0, -EINVAL (NULL), VGL_E_INVALID (bad id, agent name, parameter
 * name or value: a newline in a value would forge a line of the agent's
 * input; "action" is refused — use pcmk_<action>_action) or VGL_E_LIMIT.
 * A device whose agent is not installed is accepted: each run of it then
 * reports NOT_INSTALLED. */
int vgl_fencer_device_add(vgl_fencer *fencer, const char *id, const char *agent,
                          GHashTable *params, char **error);

/* Forget a device (runs in progress finish and report).  Returns 0 or
 * VGL_E_NOT_FOUND or -EINVAL. */
int vgl_fencer_device_remove(vgl_fencer *fencer, const char *id);

/* Add fencing level index (1..9) for target: devices is the CIB's comma-
 * separated list of device ids ("ipmi" or "psu1,psu2").  Devices need not
 * exist yet; a level naming a missing device fails when it is tried.
 * Returns 0, -EINVAL, VGL_E_INVALID (bad index, empty or malformed list)
 * or VGL_E_EXISTS (that target already has that index). */
int vgl_fencer_level_add(vgl_fencer *fencer, const char *target, unsigned index,
                         const char *devices, char **error);

/* Remove every fencing level. */
void vgl_fencer_levels_clear(vgl_fencer *fencer);

/* Load the fence devices (primitives of class stonith, their instance
 * attributes), fencing levels and stonith-timeout from a CIB, replacing
 * what the fencer held: devices no longer there are removed, unchanged
 * ones keep their state.  Problems are appended to errors (optional) and
 * the device or level concerned is skipped.  Returns 0, -EINVAL, or the
 * first error met. */
int vgl_fencer_load_cib(vgl_fencer *fencer, const struct vgl_cib *cib, GPtrArray *errors);

/* vgl_fencer_load_cib() then vgl_fencer_fence(); for vigild's runner.
 * Returns what vgl_fencer_fence() returns (cb is not called on error). */
int vgl_fencer_fence_cib(vgl_fencer *fencer, const struct vgl_cib *cib, const char *target,
                         const char *action, vgl_fencer_done_fn cb, void *user_data);

/* Can this device fence target?  The answer comes through cb (possibly
 * after running the agent's list or status).  Returns 0 (cb will be
 * called once), -EINVAL or VGL_E_NOT_FOUND (no such device). */
int vgl_fencer_can_fence(vgl_fencer *fencer, const char *device, const char *target,
                         vgl_fencer_can_fn cb, void *user_data);

/* Fence target.
 * [in] action  "reboot" (also for NULL), "off" or "on"
 * [out] id     the request's id (may be NULL); 0 on failure
 * [out] error  why it was refused (may be NULL; caller g_free()s)
 * Returns 0 (cb will be called once), -EINVAL or VGL_E_INVALID (bad
 * target or action).  No usable device is not an error here: the result
 * says so. */
int vgl_fencer_fence(vgl_fencer *fencer, const char *target, const char *action,
                     vgl_fencer_done_fn cb, void *user_data, uint64_t *id, char **error);

/* Run one action of one device: on, off, reboot, status (target
 * required), or monitor, list, validate-all (target ignored).  timeout_ms
 * 0 = the device's own for that action.  Returns 0 (cb will be called
 * once), -EINVAL, VGL_E_INVALID or VGL_E_NOT_FOUND. */
int vgl_fencer_device_action(vgl_fencer *fencer, const char *device, const char *action,
                             const char *target, uint32_t timeout_ms,
                             vgl_fencer_action_fn cb, void *user_data, char **error);

/* Run an agent's metadata action synchronously (for tools).
 * [in] search_path  as for vgl_fencer_new()
 * [out] xml         the agent's stdout (caller g_free()s); NULL on failure
 * [out] error       why it failed (may be NULL; caller g_free()s)
 * Returns 0, -EINVAL, VGL_E_INVALID (bad agent name), VGL_E_NOT_FOUND,
 * VGL_E_TIMEOUT or VGL_E_PARSE (no <resource-agent> in the output). */
int vgl_fencer_metadata(const char *search_path, const char *agent, uint32_t timeout_ms,
                        char **xml, char **error);

/* Parse pcmk_host_map: entries "node:plug" or "node=plug", separated by
 * ';', ',', spaces, tabs or newlines; '\' makes the next character plain.
 * Node names are matched case-insensitively (keys are lower-cased).
 * [out] map    node → plug (caller g_hash_table_unref()s); NULL on error
 * [out] error  names the bad entry (may be NULL; caller g_free()s)
 * Returns 0, -EINVAL or VGL_E_PARSE (no separator, empty node or plug,
 * two separators, a node mapped twice, a trailing '\', no entry). */
int vgl_fencer_parse_host_map(const char *text, GHashTable **map, char **error);

/* Split pcmk_host_list (or a list action's output, one "plug[,alias]" a
 * line) into names: separators are whitespace, ',' and ';'.  Caller
 * g_ptr_array_unref()s; never NULL (empty for NULL text). */
GPtrArray *vgl_fencer_parse_host_list(const char *text);

#endif
