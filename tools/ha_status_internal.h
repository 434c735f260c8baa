/*
 * ha_status_internal.h — the snapshot's parts, shared by the files of the
 * status library: ha_status_model.c builds them, ha_status_render.c draws
 * them as text and one line, ha_status_json.c turns them into data and
 * JSON and formats events.
 */
#ifndef VGL_HA_STATUS_INTERNAL_H
#define VGL_HA_STATUS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "tools/ha_status.h"

typedef struct hs_node {
    char *name;
    char *state;        /* online leaving standby maintenance offline unclean fenced */
    bool member;        /* in the membership view */
    bool coordinator;
    bool self;          /* the node STATUS came from */
    int64_t fenced_at;  /* last successful fencing, 0 if none */
} hs_node;

typedef struct hs_rsc {
    char *id;           /* instance name: "vip", "ping:1" */
    char *group;        /* or NULL */
    char *clone;        /* or NULL */
    char *agent;        /* "ocf:vigil:IPaddr" */
    char *current;      /* nodes it runs on now, comma-separated, or NULL */
    char *next;         /* where it runs after the transition, or NULL */
    char *state;        /* Started Stopped Starting Stopping Moving FAILED Blocked */
    bool disabled;      /* target-role Stopped */
    bool unmanaged;
    bool failed;
    bool blocked;
    bool pending;       /* a start or stop of it is in flight */
    int64_t since;      /* when it started where it runs, 0 if unknown */
} hs_rsc;

typedef struct hs_failure {
    char *rsc;
    char *node;
    char *op;           /* "monitor", or NULL when only a fail count is known */
    uint32_t interval_ms;
    int rc;
    char *reason;       /* the agent's exit reason, or NULL */
    int64_t time;
    int fail_count;
    int threshold;      /* migration-threshold, 0 = INFINITY */
} hs_failure;

typedef struct hs_cons {
    char *id;
    char *rsc;
    char *node;
    bool ban;           /* cli-ban-* (else cli-prefer-*) */
    char *expires;      /* end of its lifetime rule, or NULL */
} hs_cons;

typedef struct hs_fence {
    char *target;
    char *action;
    char *status;       /* success failed pending */
    char *delegate;
    char *origin;
    char *reason;
    int64_t completed;
    int rc;
} hs_fence;

struct ha_status {
    int64_t now;
    bool have_status;   /* built from a STATUS reply */
    char *self;
    char *coordinator;
    bool quorate;
    char *view_state;
    uint64_t epoch;
    uint64_t num_updates;
    char *transition;   /* idle running aborting waiting inactive */
    unsigned trans_done;
    unsigned trans_total;
    unsigned inflight;
    bool stonith;
    bool maintenance;   /* maintenance-mode */
    GPtrArray *nodes;   /* hs_node * */
    GPtrArray *rscs;    /* hs_rsc * */
    GPtrArray *failures;
    GPtrArray *cons;
    GPtrArray *fencing; /* newest first */
    void *cib;          /* vgl_cib *, for lookups (ha_status_why_not) */
};

/* "12:34:56" when t is on the same day as now, else "2024-03-12 12:34"
 * (local time, or UTC when utc). */
char *hs_time(int64_t t, int64_t now, bool utc);
/* "10s", "2min", "1h" for an interval in ms. */
char *hs_interval(uint32_t ms);
/* The OCF name of an agent exit code ("not running" for 7...). */
const char *hs_rc_text(int rc);

#endif
