/*
 * cluster.h — vigild's only contact with corosync: the CPG group (ordered
 * messages and membership), quorum notifications, and node names (cmap).
 *
 * Everything arrives through callbacks on the glib main loop.  Corosync's
 * cs_error_t (where success is 1) never leaks out of cluster.c: functions
 * here return 0 or -errno / vgl_rc.
 */
#ifndef VGL_DAEMON_CLUSTER_H
#define VGL_DAEMON_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vgl_cluster vgl_cluster;

/* One member of the CPG group: a vigild process on a node. */
typedef struct vgl_member {
    uint32_t nodeid;
    uint32_t pid;
    uint32_t reason; /* for left/joined lists: CPG_REASON_* */
} vgl_member;

typedef struct vgl_cluster_callbacks {
    /* A message, in the total order every member sees.  data is only valid
     * during the call. */
    void (*deliver)(void *ud, uint32_t nodeid, uint32_t pid, const void *data, size_t len);
    /* The group's membership changed; members is the whole new view. */
    void (*confchg)(void *ud, const vgl_member *members, size_t n_members,
                    const vgl_member *left, size_t n_left,
                    const vgl_member *joined, size_t n_joined);
    /* Quorum or the totem ring changed.  current is true when the quorum
     * report belongs to the latest totem ring (CPG's view): only then may
     * quorate be acted upon. */
    void (*quorum)(void *ud, bool quorate, bool current);
    /* The connection to corosync is gone: vigild must stop. */
    void (*lost)(void *ud);
    /* The totem ring [in] ring (its sequence number) is current; comes
     * after the confchg of a view that changed the ring (may be NULL). */
    void (*ring)(void *ud, uint64_t ring);
} vgl_cluster_callbacks;

/* Connect to corosync and join the CPG group named group.
 * [in] cb   callbacks, copied; ud is passed back to each.
 * [out] out the cluster handle (NULL on failure); caller frees with
 *           vgl_cluster_free().
 * Returns 0, VGL_E_UNAVAILABLE when corosync is not running, or -errno. */
int vgl_cluster_new(const char *group, const vgl_cluster_callbacks *cb, void *ud,
                    vgl_cluster **out);

/* Leave the group (a clean leave: peers see CPG_REASON_LEAVE), disconnect
 * and free.  NULL is fine. */
void vgl_cluster_free(vgl_cluster *c);

/* Multicast to the group with agreed (total) order.  The message is copied;
 * when corosync applies back-pressure it is queued and sent later, keeping
 * the order of this node's messages.  Returns 0 or -errno / VGL_E_LIMIT. */
int vgl_cluster_send(vgl_cluster *c, const void *data, size_t len);

/* Drop the messages queued by back-pressure (not yet handed to corosync)
 * for which [in] drop returns true.  Returns how many were dropped. */
size_t vgl_cluster_purge(vgl_cluster *c, bool (*drop)(const void *data, size_t len, void *ud),
                         void *ud);

/* Messages queued by back-pressure and not yet handed to corosync. */
size_t vgl_cluster_queued(const vgl_cluster *c);

uint32_t vgl_cluster_local_nodeid(const vgl_cluster *c);

/* The last quorum report; [out] *current as in the quorum callback. */
bool vgl_cluster_quorum(const vgl_cluster *c, bool *current);

/* The node's name from corosync's nodelist (nodelist.node.X.name, else
 * ring0_addr), or "node<ID>" when it has none.  Caller frees with g_free. */
char *vgl_cluster_node_name(vgl_cluster *c, uint32_t nodeid);

/* Whether corosync runs with two_node (votequorum). */
bool vgl_cluster_two_node(vgl_cluster *c);

/* Every node of corosync's nodelist, as ids; caller frees with g_free. */
uint32_t *vgl_cluster_nodelist(vgl_cluster *c, size_t *n);

#endif
