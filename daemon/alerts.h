/*
 * alerts.h — alert agents: on node, resource, fencing (and selected
 * attribute) events, vigild runs every alert configured in the CIB's
 * <alerts> section, the way Pacemaker does (Pacemaker Explained,
 * "Alerts"; doc/alerts.md).
 *
 * The daemon hands every replica event (daemon/replica.h, the "event"
 * hook) to vgl_alerts_event() together with the current CIB.  The module
 * turns the event into Pacemaker's alert environment (CRM_alert_kind,
 * CRM_alert_node, CRM_alert_rsc, CRM_alert_task, CRM_alert_rc,
 * CRM_alert_desc, CRM_alert_timestamp, ...), and queues one run per alert
 * and recipient.  Runs never block the caller: agents are spawned on the
 * default main context, in their own process group, with a timeout that
 * kills the whole group, at most a bounded number at once; their output
 * goes to the log.
 *
 * Which node runs what (as in Pacemaker): node and fencing alerts run on
 * every node that sees the event; resource alerts only on the node where
 * the operation ran; attribute alerts (only for alerts that select them)
 * on the node the attribute belongs to.
 */
#ifndef VGL_DAEMON_ALERTS_H
#define VGL_DAEMON_ALERTS_H

#include <glib.h>
#include <stdint.h>

#include <libxml/tree.h>
#include <vigil/cib.h>

/* Pacemaker's defaults. */
#define VGL_ALERTS_DEFAULT_TIMEOUT_MS 30000u
#define VGL_ALERTS_DEFAULT_TSTAMP "%H:%M:%S.%06N"
/* Agents running at once, unless vgl_alerts_set_max_running() says. */
#define VGL_ALERTS_DEFAULT_MAX_RUNNING 4u
/* Runs waiting for a slot; more are dropped (and counted). */
#define VGL_ALERTS_MAX_QUEUED 1000u
/* The environment agents start with (besides the CRM_alert_* keys). */
#define VGL_ALERTS_DEFAULT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

typedef struct vgl_alerts vgl_alerts;

/* Counters, for tests and benchmarks. */
typedef struct vgl_alerts_stats {
    uint64_t issued;     /* runs queued: one per event, alert and recipient */
    uint64_t ok;         /* the agent exited 0 */
    uint64_t failed;     /* non-zero exit, killed by a signal, or not started */
    uint64_t timed_out;  /* killed at the alert's timeout */
    uint64_t dropped;    /* the queue was full */
    uint32_t running;    /* agents running now */
    uint32_t queued;     /* runs waiting for a slot */
    uint32_t running_max;/* high-water mark of running */
    uint32_t alerts;     /* alert entries (alert x recipient) configured */
} vgl_alerts_stats;

/* Create the module for this node, [in] node_name (copied): resource and
 * attribute alerts run only for events on that node.  Never NULL; caller
 * frees with vgl_alerts_free(). */
vgl_alerts *vgl_alerts_new(const char *node_name);

/* Kill every agent still running (its whole process group), drop the
 * queue, free.  NULL is fine. */
void vgl_alerts_free(vgl_alerts *a);

/* At most [in] max agents at once (1..256).  Returns 0 or -EINVAL. */
int vgl_alerts_set_max_running(vgl_alerts *a, unsigned max);

/* Set [in] name=[in] value in the environment every agent starts with
 * (value NULL removes it; PATH is preset to VGL_ALERTS_DEFAULT_PATH).
 * The name must be a shell variable name not starting with CRM_alert_.
 * Returns 0 or -EINVAL. */
int vgl_alerts_set_env(vgl_alerts *a, const char *name, const char *value);

/* One replica event: [in] kind ("node-left", "view", "op", "fence",
 * "attr"; others are ignored) and [in] fields (a{sv}, borrowed: neither
 * sunk nor unreferenced, may be floating), read against [in] cib (the
 * CIB the event was applied to; its <alerts> section says what to run,
 * its status completes the event).  a or cib NULL: nothing happens. */
void vgl_alerts_event(vgl_alerts *a, const vgl_cib *cib, const char *kind, GVariant *fields);

/* Use [in] alerts (an <alerts> element, or NULL for none) as the
 * configuration from now on; vgl_alerts_event() does this itself when the
 * CIB's section changes.  Problems (a relative path, a bad timeout, an
 * instance attribute that is not a variable name) are logged and the
 * part concerned is skipped or defaulted.  Returns the number of alert
 * entries (alert x recipient) now configured. */
unsigned vgl_alerts_configure(vgl_alerts *a, const xmlNode *alerts);

/* [out] *stats: the counters (zeroed when a is NULL). */
void vgl_alerts_get_stats(const vgl_alerts *a, vgl_alerts_stats *stats);

/* Format [in] sec.[in] usec (local time) with [in] format as Pacemaker's
 * timestamp-format: strftime(3) plus %N, the fraction of the second, its
 * width the number of digits (%3N: milliseconds; %N or %6N: microseconds;
 * at most 6).  Caller g_free()s; NULL when the result would be empty or
 * longer than 255 bytes. */
char *vgl_alerts_format_time(const char *format, int64_t sec, int usec);

#endif
