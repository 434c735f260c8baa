/*
 * ha_status.h — the cluster at a glance, as ha-status and crmctl show it.
 *
 * A snapshot is built from what vigild answers (the STATUS reply and the
 * CIB from CIB_QUERY) or from a CIB file alone, and the tools render it:
 * as text that fits a terminal (80 columns by default, colours optional),
 * as JSON, or as one line with monitoring-plugin exit codes.  Where each
 * resource runs and where it is going are computed by running the
 * scheduler library on the CIB with the view STATUS reports, so the tools
 * show what vigild decides, not a guess of their own.
 *
 * Nothing here talks to vigild, reads a clock or writes to a terminal: the
 * caller passes "now" and prints the strings.  That is what lets the unit
 * tests feed canned inputs and compare exact output.
 */
#ifndef VGL_HA_STATUS_H
#define VGL_HA_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

typedef struct ha_status ha_status;

/* Build a snapshot.
 *   [in] status  the STATUS reply's fields (a{sv}), or NULL to derive
 *                membership and quorum from the CIB's status section
 *   [in] cib_xml the whole CIB (configuration and status)
 *   [in] now     seconds since the epoch (fail-count expiry, "since")
 *   [out] out    the snapshot (free with ha_status_free()), or NULL
 *   [out] error  why it failed, for a person (caller g_frees); may be NULL
 * Returns 0, VGL_E_PARSE / VGL_E_INVALID (the CIB could not be read), or
 * -EINVAL. */
int ha_status_new(GVariant *status, const char *cib_xml, int64_t now, ha_status **out,
                  char **error);
void ha_status_free(ha_status *st);

/* Which parts ha_status_text() draws. */
enum ha_status_part {
    HA_PART_SUMMARY = 1 << 0,     /* quorum, coordinator, versions */
    HA_PART_NODES = 1 << 1,
    HA_PART_RESOURCES = 1 << 2,
    HA_PART_FAILURES = 1 << 3,
    HA_PART_CONSTRAINTS = 1 << 4, /* constraints left by move and ban */
    HA_PART_FENCING = 1 << 5,     /* recent fence events */
    HA_PART_ALL = 0x3f,
};

/* Text, each line at most [in] width columns (not counting colour escapes;
 * width < 40 is taken as 40).  [in] color: use ANSI colours.  Caller
 * g_frees. */
char *ha_status_text(const ha_status *st, unsigned parts, unsigned width, bool color);

/* Monitoring-plugin line ("VIGIL OK: ... | perfdata") in [out] *line
 * (caller g_frees); returns 0 OK, 1 WARNING or 2 CRITICAL. */
int ha_status_one_line(const ha_status *st, char **line);

/* The snapshot as data (a{sv}: cluster, nodes, resources, failures,
 * constraints, fencing), a new floating reference. */
GVariant *ha_status_variant(const ha_status *st);

/* ---- lookups for crmctl ---- */

/* Where [in] rsc (a primitive, group or clone id) runs now: the first
 * node of its first primitive instance that runs, or NULL.  Owned by st. */
const char *ha_status_rsc_node(const ha_status *st, const char *rsc);
/* Where the primitives of [in] rsc (a primitive, group or clone) run now
 * ([out] *now) and after the transition the scheduler computes ([out]
 * *next): node names, comma-separated, each once, "" for nowhere (caller
 * g_frees both).  [out] *settled: every primitive instance already is where
 * it is going (the scheduler plans nothing more for rsc); may be NULL.
 * Returns false (outs NULL) when rsc has no primitive. */
bool ha_status_rsc_where(const ha_status *st, const char *rsc, char **now, char **next, bool *settled);
/* The primitive instances that run on [in] node now (next: after the
 * transition), comma-separated, "" for none.  Caller g_frees. */
char *ha_status_node_rscs(const ha_status *st, const char *node, bool next);
/* The ids of constraints left by move and ban for [in] rsc (on [in] node
 * only, unless NULL).  NULL-terminated; caller g_strfreev()s. */
char **ha_status_cli_constraints(const ha_status *st, const char *rsc, const char *node);
/* Whether the configuration has a resource / the cluster a node so named. */
bool ha_status_has_rsc(const ha_status *st, const char *rsc);
/* "primitive", "group" or "clone" for a resource id, else NULL. */
const char *ha_status_rsc_kind(const ha_status *st, const char *rsc);
bool ha_status_has_node(const ha_status *st, const char *node);
/* The name of the node the STATUS came from (NULL without STATUS). */
const char *ha_status_self(const ha_status *st);
/* Actions dispatched and not yet finished, cluster-wide (0 without
 * STATUS). */
unsigned ha_status_inflight(const ha_status *st);
/* Whether the partition has quorum. */
bool ha_status_quorate(const ha_status *st);
/* Why [in] rsc cannot run on [in] node, for people ("node2 is in standby",
 * "constraint ban-web forbids node2", "no quorum"), or NULL when nothing
 * in the configuration says so.  Caller g_frees. */
char *ha_status_why_not(const ha_status *st, const char *rsc, const char *node);

/* ---- JSON ---- */

/* [in] v (any GVariant of basic types, arrays, dictionaries, tuples,
 * variants) as JSON text: a{sv} and a{ss} become objects, arrays and
 * tuples arrays, maybe types null.  Caller g_frees. */
char *ha_status_json(GVariant *v, bool pretty);

/* ---- events ---- */

/* One line for an event of the stream ([in] fields: a{sv} with kind:s,
 * time_us:x and the kind's fields): "2024-03-12 09:41:07.123 op vip start
 * on node2: ok (43 ms)".  [in] utc: print times in UTC (tests) rather than
 * local time.  Caller g_frees. */
char *ha_status_event_line(GVariant *fields, bool utc);

#endif
