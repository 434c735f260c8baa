/*
 * crmctl_resource.h — what the resource family's two files share:
 * crmctl_resource.c (the table, list, show, create, update, delete,
 * start, stop, restart, cleanup, failcount) and crmctl_move.c (move, ban,
 * clear: the location constraints named like Pacemaker's).
 */
#ifndef VGL_CRMCTL_RESOURCE_H
#define VGL_CRMCTL_RESOURCE_H

#include "tools/crmctl.h"
#include "tools/ha_status.h"

/* A snapshot, and rsc must exist in it (else "no resource", exit 3).
 * [in] rsc may be NULL (no check).  [out] *st: caller frees. */
int crmctl_rsc_snapshot(const crmctl_opts *o, const char *rsc, ha_status **st);

/* Set target-role of rsc to role and, with --wait, wait for goal. */
int crmctl_rsc_target_role(const crmctl_opts *o, const char *rsc, const char *role, crmctl_goal goal);

int crmctl_rsc_move(const crmctl_opts *o);
int crmctl_rsc_ban(const crmctl_opts *o);
int crmctl_rsc_clear(const crmctl_opts *o);

#define CRMCTL_MOVE_HELP \
    "With NODE: a location constraint cli-prefer-RSC gives RSC the score INFINITY on\n" \
    "NODE.  Without NODE: cli-ban-RSC-on-CURRENT gives -INFINITY where it runs now.\n" \
    "Either stays until 'crmctl resource clear RSC' (or until --lifetime runs out):\n" \
    "ha-status lists such constraints so that they are not forgotten.  --wait follows\n" \
    "the move and says why it cannot happen (standby, a constraint, no quorum...).\n" \
    "\nExamples:\n  crmctl resource move vip node2 --wait\n  crmctl resource move web\n" \
    "  crmctl resource move vip node2 --lifetime 10min\n  crmctl resource clear vip\n"
#define CRMCTL_BAN_HELP \
    "A location constraint cli-ban-RSC-on-NODE gives RSC the score -INFINITY on NODE\n" \
    "until 'crmctl resource clear RSC NODE' (or until --lifetime runs out).\n" \
    "\nExamples:\n  crmctl resource ban vip node1\n  crmctl resource ban web --wait\n"
#define CRMCTL_CLEAR_HELP \
    "Deletes cli-prefer-RSC and every cli-ban-RSC-on-* (only those about NODE when it\n" \
    "is given).  The resource may then move back, depending on stickiness.\n" \
    "\nExamples:\n  crmctl resource clear vip\n  crmctl resource clear vip node1\n"

#endif
