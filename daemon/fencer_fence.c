/*
 * fencer_fence.c — fence one target: walk its fencing levels (or, with
 * none, every device that can fence it) until one succeeds.
 *
 * A fence operation is a small state machine driven by device callbacks:
 *
 *   state          event                     next
 *   ------------   -----------------------   ----------------------------
 *   (start)        idle                      STEP
 *   STEP           no level left             done: failed
 *   STEP           device not configured     level failed → STEP next level
 *   STEP           level needs a host check  CHECKING
 *   STEP           otherwise                 RUNNING this device
 *   CHECKING       cannot fence              level failed → STEP next level
 *   CHECKING       can fence                 RUNNING
 *   RUNNING        ok, devices left          STEP next device
 *   RUNNING        ok, last device           done: ok (or the on pass of a
 *                                            split reboot, then done: ok)
 *   RUNNING        failed (off/reboot pass)  level failed → STEP next level
 *   RUNNING        failed (on pass)          noted; STEP next device
 *
 * Invariants: levels are tried in index order and devices in list order;
 * a level succeeds only if every device's off/reboot succeeded; every
 * agent run is recorded as an attempt and reported; the callback runs
 * exactly once, from the main loop.
 */
#include "config.h"

#include "exec_internal.h"
#include "fencer_internal.h"

#include <errno.h>
#include <qb/qblog.h>
#include <string.h>
#include <vigil/vigil.h>

typedef struct plan_level {
    unsigned index;      /* 0 without topology */
    char **devices;
    bool check;          /* without topology: ask the device first */
} plan_level;

typedef struct fence_op {
    vgl_fencer *fencer;
    uint64_t id;
    char *target;
    char *action;
    GArray *plan;        /* plan_level */
    guint li;            /* current level */
    guint di;            /* current device in it */
    bool checked;        /* the current level's host check passed */
    bool on_pass;        /* a split reboot's second pass */
    GArray *attempts;    /* vgl_fencer_attempt; strings in `strings` */
    GStringChunk *strings;
    GString *reasons;
    int64_t start_us;
    guint idle;
    vgl_fencer_done_fn cb;
    void *user_data;
} fence_op;

static void op_step(fence_op *op);

static void op_free(fence_op *op)
{
    if (op->idle != 0) {
        g_source_remove(op->idle);
    }
    for (guint i = 0; i < op->plan->len; i++) {
        g_strfreev(g_array_index(op->plan, plan_level, i).devices);
    }
    g_array_free(op->plan, TRUE);
    g_array_free(op->attempts, TRUE);
    g_string_chunk_free(op->strings);
    g_string_free(op->reasons, TRUE);
    g_free(op->target);
    g_free(op->action);
    g_free(op);
}

void vgl__fencer_fence_free_all(vgl_fencer *fencer)
{
    g_list_free_full(fencer->fences, (GDestroyNotify) op_free);
    fencer->fences = NULL;
}

static plan_level *op_level(fence_op *op)
{
    return &g_array_index(op->plan, plan_level, op->li);
}

/* A reboot through several devices is off on all, then on on all. */
static bool level_split(const fence_op *op, const plan_level *level)
{
    return strcmp(op->action, "reboot") == 0 && g_strv_length(level->devices) > 1;
}

static void op_note(fence_op *op, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void op_note(fence_op *op, const char *fmt, ...)
{
    va_list ap;

    if (op->reasons->len > 0) {
        g_string_append(op->reasons, "; ");
    }
    va_start(ap, fmt);
    g_string_append_vprintf(op->reasons, fmt, ap);
    va_end(ap);
}

static char *output_tail(const char *output)
{
    vgl__exec_child_result res = { .out = output, .err = "" };

    return vgl__exec_child_tail(&res);
}

static void op_finish(fence_op *op, bool ok)
{
    const vgl_fencer_attempt *last = op->attempts->len > 0
        ? &g_array_index(op->attempts, vgl_fencer_attempt, op->attempts->len - 1) : NULL;
    char *devices = ok ? g_strjoinv(",", op_level(op)->devices) : NULL;
    char *tail = output_tail(last != NULL ? last->output : "");
    vgl_fencer_result res = {
        .id = op->id, .target = op->target, .action = op->action, .ok = ok,
        .rc = last != NULL ? last->rc : -1,
        .device = ok ? devices : last != NULL ? last->device : NULL,
        .level = ok ? op_level(op)->index : 0,
        .duration_ms = (uint32_t) ((g_get_monotonic_time() - op->start_us) / 1000),
        .output = tail,
        .reason = ok ? NULL : op->reasons->str,
        .attempts = (const vgl_fencer_attempt *) (void *) op->attempts->data,
        .n_attempts = op->attempts->len,
    };

    if (ok) {
        res.rc = 0;
        char level[24] = "";
        if (res.level > 0) {
            g_snprintf(level, sizeof(level), "level %u, ", res.level);
        }
        qb_log(LOG_NOTICE, "fence: %s of %s done by %s (%s%u ms)", op->action, op->target,
               devices, level, res.duration_ms);
    } else {
        if (op->reasons->len == 0) {
            op_note(op, "no fence device is configured");
            res.reason = op->reasons->str;
        }
        qb_log(LOG_ERR, "fence: %s of %s failed (%u ms): %s", op->action, op->target,
               res.duration_ms, res.reason);
    }
    op->fencer->fences = g_list_remove(op->fencer->fences, op);
    op->cb(&res, op->user_data);
    g_free(devices);
    g_free(tail);
    op_free(op);
}

static void op_level_failed(fence_op *op)
{
    op->li++;
    op->di = 0;
    op->checked = false;
    op->on_pass = false;
    op_step(op);
}

static void op_record(fence_op *op, const vgl_fencer_attempt *a)
{
    vgl_fencer_attempt copy = *a;

    copy.device = g_string_chunk_insert(op->strings, a->device);
    copy.action = g_string_chunk_insert(op->strings, a->action);
    copy.target = a->target ? g_string_chunk_insert(op->strings, a->target) : NULL;
    copy.output = g_string_chunk_insert(op->strings, a->output ? a->output : "");
    copy.reason = g_string_chunk_insert(op->strings, a->reason ? a->reason : "");
    g_array_append_val(op->attempts, copy);
}

static void op_ran(const vgl_fencer_attempt *a, void *data)
{
    fence_op *op = data;
    plan_level *level = op_level(op);
    guint n = g_strv_length(level->devices);

    op_record(op, a);
    if (!a->ok && !op->on_pass) {
        op_note(op, "%s: %s of %s failed: %s", a->device, a->action, op->target, a->reason);
        op_level_failed(op);
        return;
    }
    if (!a->ok) {
        /* Every off succeeded: the target is fenced, only its power-on
         * failed.  Worth knowing, not worth undoing the fencing for. */
        qb_log(LOG_WARNING, "fence: %s is off, but %s could not power it on again: %s",
               op->target, a->device, a->reason);
    }
    if (++op->di < n) {
        op_step(op);
    } else if (level_split(op, level) && !op->on_pass) {
        op->on_pass = true;
        op->di = 0;
        op_step(op);
    } else {
        op_finish(op, true);
    }
}

static void op_run(fence_op *op, vgl__fencer_device *dev)
{
    plan_level *level = op_level(op);
    const char *action = op->action;

    if (level_split(op, level)) {
        action = op->on_pass ? "on" : "off";
    }
    vgl__fencer_run(dev, action, op->target, level->index, 0, op_ran, op);
}

static void op_checked(bool can, const char *reason, void *data)
{
    fence_op *op = data;
    plan_level *level = op_level(op);
    vgl__fencer_device *dev = vgl__fencer_device_get(op->fencer, level->devices[op->di]);

    if (!can || dev == NULL) {
        op_note(op, "%s: cannot fence %s: %s", level->devices[op->di], op->target,
                dev == NULL ? "removed meanwhile" : reason);
        op_level_failed(op);
        return;
    }
    op->checked = true;
    op_run(op, dev);
}

static void op_step(fence_op *op)
{
    plan_level *level;
    vgl__fencer_device *dev;

    if (op->li >= op->plan->len) {
        op_finish(op, false);
        return;
    }
    level = op_level(op);
    dev = vgl__fencer_device_get(op->fencer, level->devices[op->di]);
    if (dev == NULL) {
        op_note(op, "level %u: device '%s' is not configured", level->index,
                level->devices[op->di]);
        op_level_failed(op);
    } else if (level->check && !op->checked) {
        vgl__fencer_check(dev, op->target, op_checked, op);
    } else {
        op_run(op, dev);
    }
}

static gboolean op_start(gpointer data)
{
    fence_op *op = data;

    op->idle = 0;
    qb_log(LOG_NOTICE, "fence: %s of %s requested (%u %s)", op->action, op->target,
           op->plan->len, op->plan->len > 0 && op_level(op)->index > 0 ? "levels" : "devices");
    op_step(op);
    return G_SOURCE_REMOVE;
}

/* The levels for target, or else every device, each its own level. */
static GArray *op_plan(vgl_fencer *fencer, const char *target)
{
    GArray *plan = g_array_new(FALSE, TRUE, sizeof(plan_level));
    char *key = g_ascii_strdown(target, -1);
    GArray *levels = g_hash_table_lookup(fencer->levels, key);

    g_free(key);
    for (guint i = 0; levels != NULL && i < levels->len; i++) {
        const vgl__fencer_level *l = &g_array_index(levels, vgl__fencer_level, i);
        plan_level p = { .index = l->index, .devices = g_strdupv(l->devices) };
        g_array_append_val(plan, p);
    }
    for (guint i = 0; levels == NULL && i < fencer->order->len; i++) {
        plan_level p = { .check = true, .devices = g_new0(char *, 2) };
        p.devices[0] = g_strdup(g_ptr_array_index(fencer->order, i));
        g_array_append_val(plan, p);
    }
    return plan;
}

int vgl_fencer_fence(vgl_fencer *fencer, const char *target, const char *action,
                     vgl_fencer_done_fn cb, void *user_data, uint64_t *id, char **error)
{
    fence_op *op;
    char *why = NULL;
    int rc = 0;

    if (id != NULL) {
        *id = 0;
    }
    if (action == NULL) {
        action = "reboot";
    }
    if (fencer == NULL || target == NULL || cb == NULL) {
        why = g_strdup("fence: fencer, target and callback are required");
        rc = -EINVAL;
    } else if (!vgl__fencer_name_ok(target) || (strcmp(action, "reboot") != 0
               && strcmp(action, "off") != 0 && strcmp(action, "on") != 0)) {
        why = g_strdup_printf("fence: bad target '%s' or action '%s' (reboot, off, on)",
                              target, action);
        rc = VGL_E_INVALID;
    }
    if (rc == 0) {
        op = g_new0(fence_op, 1);
        op->fencer = fencer;
        op->id = fencer->next_id++;
        op->target = g_strdup(target);
        op->action = g_strdup(action);
        op->plan = op_plan(fencer, target);
        op->attempts = g_array_new(FALSE, TRUE, sizeof(vgl_fencer_attempt));
        op->strings = g_string_chunk_new(1024);
        op->reasons = g_string_new(NULL);
        op->start_us = g_get_monotonic_time();
        op->cb = cb;
        op->user_data = user_data;
        op->idle = g_idle_add_full(G_PRIORITY_DEFAULT, op_start, op, NULL);
        fencer->fences = g_list_prepend(fencer->fences, op);
        if (id != NULL) {
            *id = op->id;
        }
    }
    vgl__exec_give_error(error, why);
    return rc;
}
