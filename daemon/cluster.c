/*
 * cluster.c — the boundary to corosync: CPG, quorum and cmap.
 *
 * Workload: a few messages per resource operation, a burst after each
 * membership change.  The corosync libraries are single-threaded and
 * dispatch from their fds; we hang those fds on the glib main loop and call
 * *_dispatch(CS_DISPATCH_ALL) when they are readable.
 *
 * Invariants: messages this node sends keep their order even under
 * back-pressure (CS_ERR_TRY_AGAIN): once one is queued, every later one
 * queues behind it until the queue drains.  cs_error_t is converted to
 * -errno / vgl_rc here and nowhere else.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/uio.h>

#include <corosync/cmap.h>
#include <corosync/corotypes.h>
#include <corosync/cpg.h>
#include <corosync/quorum.h>
#include <glib-unix.h>
#include <glib.h>
#include <qb/qblog.h>

#include <vigil/vigil.h>

#include "daemon/cluster.h"

#define SEND_QUEUE_MAX 100000
#define RETRY_MS 10

struct vgl_cluster {
    cpg_handle_t cpg;
    quorum_handle_t quorum;
    cmap_handle_t cmap;
    bool cpg_ok, quorum_ok, cmap_ok, joined;
    struct cpg_name group;
    guint cpg_src, quorum_src, retry_src;
    uint32_t nodeid;
    uint64_t totem_seq, quorum_seq; /* ring ids: quorum is current when equal */
    bool quorate;
    vgl_cluster_callbacks cb;
    void *ud;
    GQueue sendq; /* of GBytes */
};

/* The one conversion from corosync's convention (CS_OK == 1). */
static int cs_to_rc(cs_error_t e)
{
    switch (e) {
    case CS_OK: return 0;
    case CS_ERR_TRY_AGAIN: return -EAGAIN;
    case CS_ERR_NO_MEMORY: return -ENOMEM;
    case CS_ERR_ACCESS: return -EACCES;
    case CS_ERR_INVALID_PARAM: return -EINVAL;
    case CS_ERR_TOO_BIG: return VGL_E_LIMIT;
    case CS_ERR_LIBRARY:
    case CS_ERR_BAD_HANDLE:
    case CS_ERR_NOT_EXIST: return VGL_E_UNAVAILABLE;
    default: return -EIO;
    }
}

/* Find a cluster from a corosync handle's context. */
static vgl_cluster *cpg_owner(cpg_handle_t h)
{
    void *ctx = NULL;
    cpg_context_get(h, &ctx);
    return ctx;
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
                       uint32_t pid, void *msg, size_t len)
{
    vgl_cluster *c = cpg_owner(h);
    if (c && c->cb.deliver)
        c->cb.deliver(c->ud, nodeid, pid, msg, len);
}

static vgl_member *to_members(const struct cpg_address *a, size_t n)
{
    vgl_member *m = g_new0(vgl_member, n + 1);
    for (size_t i = 0; i < n; i++) {
        m[i].nodeid = a[i].nodeid;
        m[i].pid = a[i].pid;
        m[i].reason = a[i].reason;
    }
    return m;
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
                       const struct cpg_address *members, size_t n_members,
                       const struct cpg_address *left, size_t n_left,
                       const struct cpg_address *joined, size_t n_joined)
{
    vgl_cluster *c = cpg_owner(h);
    vgl_member *m, *l, *j;

    if (!c || !c->cb.confchg)
        return;
    m = to_members(members, n_members);
    l = to_members(left, n_left);
    j = to_members(joined, n_joined);
    c->cb.confchg(c->ud, m, n_members, l, n_left, j, n_joined);
    g_free(m);
    g_free(l);
    g_free(j);
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *nodes)
{
    vgl_cluster *c = cpg_owner(h);
    if (c == NULL)
        return;
    c->totem_seq = ring.seq;
    qb_log(LOG_DEBUG, "cluster: totem ring %u.%" PRIu64 " with %u nodes", ring.nodeid, ring.seq, n);
    if (c->cb.ring)
        c->cb.ring(c->ud, ring.seq);
    if (c->cb.quorum)
        c->cb.quorum(c->ud, c->quorate, c->quorum_seq == c->totem_seq);
}

static void on_quorum(quorum_handle_t h, uint32_t quorate, struct quorum_ring_id ring,
                      uint32_t n, const uint32_t *nodes)
{
    void *ctx = NULL;
    vgl_cluster *c;

    quorum_context_get(h, (const void **)&ctx);
    c = ctx;
    if (c == NULL)
        return;
    c->quorate = quorate != 0;
    c->quorum_seq = ring.seq;
    qb_log(LOG_INFO, "cluster: quorum %s, %u nodes (ring %u.%" PRIu64 ")",
           quorate ? "gained" : "lost", n, ring.nodeid, ring.seq);
    if (c->cb.quorum)
        c->cb.quorum(c->ud, c->quorate, c->quorum_seq == c->totem_seq);
}

static void lost(vgl_cluster *c, const char *what)
{
    qb_log(LOG_ERR, "cluster: connection to corosync lost (%s)", what);
    if (c->cb.lost)
        c->cb.lost(c->ud);
}

static gboolean cpg_readable(gint fd, GIOCondition cond, gpointer data)
{
    vgl_cluster *c = data;
    cs_error_t e = cpg_dispatch(c->cpg, CS_DISPATCH_ALL);

    if ((cond & (G_IO_HUP | G_IO_ERR)) || (e != CS_OK && e != CS_ERR_TRY_AGAIN)) {
        c->cpg_src = 0;
        lost(c, "cpg");
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean quorum_readable(gint fd, GIOCondition cond, gpointer data)
{
    vgl_cluster *c = data;
    cs_error_t e = quorum_dispatch(c->quorum, CS_DISPATCH_ALL);

    if ((cond & (G_IO_HUP | G_IO_ERR)) || (e != CS_OK && e != CS_ERR_TRY_AGAIN)) {
        c->quorum_src = 0;
        lost(c, "quorum");
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static int connect_cpg(vgl_cluster *c, const char *group)
{
    cpg_model_v1_data_t model = {
        .model = CPG_MODEL_V1,
        .cpg_deliver_fn = on_deliver,
        .cpg_confchg_fn = on_confchg,
        .cpg_totem_confchg_fn = on_totem,
        .flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
    };
    cs_error_t e;
    int fd = -1;
    unsigned int nodeid = 0;

    e = cpg_model_initialize(&c->cpg, CPG_MODEL_V1, (cpg_model_data_t *)&model, c);
    if (e != CS_OK)
        return cs_to_rc(e);
    c->cpg_ok = true;
    cpg_context_set(c->cpg, c);
    if (strlen(group) >= CPG_MAX_NAME_LENGTH)
        return -ENAMETOOLONG;
    c->group.length = (uint32_t)strlen(group);
    memcpy(c->group.value, group, c->group.length);
    if ((e = cpg_local_get(c->cpg, &nodeid)) != CS_OK)
        return cs_to_rc(e);
    c->nodeid = nodeid;
    for (int tries = 0; tries < 100; tries++) {
        e = cpg_join(c->cpg, &c->group);
        if (e != CS_ERR_TRY_AGAIN)
            break;
        g_usleep(100 * 1000);
    }
    if (e != CS_OK)
        return cs_to_rc(e);
    c->joined = true;
    if ((e = cpg_fd_get(c->cpg, &fd)) != CS_OK)
        return cs_to_rc(e);
    c->cpg_src = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, cpg_readable, c);
    return 0;
}

static int connect_quorum(vgl_cluster *c)
{
    quorum_model_v1_data_t model = {
        .model = QUORUM_MODEL_V1,
        .quorum_notify_fn = on_quorum,
        .nodelist_notify_fn = NULL,
    };
    uint32_t type = 0;
    cs_error_t e;
    int fd = -1;

    e = quorum_model_initialize(&c->quorum, QUORUM_MODEL_V1, (quorum_model_data_t *)&model,
                                &type, c);
    if (e != CS_OK)
        return cs_to_rc(e);
    c->quorum_ok = true;
    if ((e = quorum_trackstart(c->quorum, CS_TRACK_CHANGES | CS_TRACK_CURRENT)) != CS_OK)
        return cs_to_rc(e);
    if ((e = quorum_fd_get(c->quorum, &fd)) != CS_OK)
        return cs_to_rc(e);
    c->quorum_src = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, quorum_readable, c);
    return 0;
}

int vgl_cluster_new(const char *group, const vgl_cluster_callbacks *cb, void *ud,
                    vgl_cluster **out)
{
    vgl_cluster *c;
    int rc;

    *out = NULL;
    if (group == NULL || cb == NULL)
        return -EINVAL;
    c = g_new0(vgl_cluster, 1);
    c->cb = *cb;
    c->ud = ud;
    g_queue_init(&c->sendq);
    if ((rc = connect_cpg(c, group)) != 0)
        goto fail;
    if ((rc = connect_quorum(c)) != 0)
        goto fail;
    if (cmap_initialize(&c->cmap) == CS_OK)
        c->cmap_ok = true;
    else
        qb_log(LOG_WARNING, "cluster: cmap unavailable; node names fall back to node<ID>");
    *out = c;
    return 0;
fail:
    vgl_cluster_free(c);
    return rc;
}

void vgl_cluster_free(vgl_cluster *c)
{
    if (c == NULL)
        return;
    if (c->retry_src)
        g_source_remove(c->retry_src);
    if (c->cpg_src)
        g_source_remove(c->cpg_src);
    if (c->quorum_src)
        g_source_remove(c->quorum_src);
    g_queue_clear_full(&c->sendq, (GDestroyNotify)g_bytes_unref);
    if (c->cpg_ok) {
        if (c->joined)
            cpg_leave(c->cpg, &c->group);
        cpg_finalize(c->cpg);
    }
    if (c->quorum_ok) {
        quorum_trackstop(c->quorum);
        quorum_finalize(c->quorum);
    }
    if (c->cmap_ok)
        cmap_finalize(c->cmap);
    g_free(c);
}

static int send_now(vgl_cluster *c, GBytes *b)
{
    gsize len = 0;
    struct iovec iov;

    iov.iov_base = (void *)g_bytes_get_data(b, &len);
    iov.iov_len = len;
    return cs_to_rc(cpg_mcast_joined(c->cpg, CPG_TYPE_AGREED, &iov, 1));
}

static gboolean flush_queue(gpointer data)
{
    vgl_cluster *c = data;
    GBytes *b;

    while ((b = g_queue_peek_head(&c->sendq)) != NULL) {
        int rc = send_now(c, b);
        if (rc == -EAGAIN)
            return G_SOURCE_CONTINUE;
        if (rc != 0)
            qb_log(LOG_ERR, "cluster: sending a queued message failed: %s", vgl_strerror(rc));
        g_bytes_unref(g_queue_pop_head(&c->sendq));
    }
    c->retry_src = 0;
    return G_SOURCE_REMOVE;
}

int vgl_cluster_send(vgl_cluster *c, const void *data, size_t len)
{
    GBytes *b;
    int rc;

    if (c == NULL || data == NULL || len == 0)
        return -EINVAL;
    b = g_bytes_new(data, len);
    if (g_queue_is_empty(&c->sendq)) {
        rc = send_now(c, b);
        if (rc != -EAGAIN) {
            g_bytes_unref(b);
            if (rc != 0)
                qb_log(LOG_ERR, "cluster: send of %zu bytes failed: %s", len, vgl_strerror(rc));
            return rc;
        }
    }
    if (g_queue_get_length(&c->sendq) >= SEND_QUEUE_MAX) {
        g_bytes_unref(b);
        qb_log(LOG_ERR, "cluster: send queue full (%d messages); dropping", SEND_QUEUE_MAX);
        return VGL_E_LIMIT;
    }
    g_queue_push_tail(&c->sendq, b);
    if (c->retry_src == 0)
        c->retry_src = g_timeout_add(RETRY_MS, flush_queue, c);
    return 0;
}

size_t vgl_cluster_purge(vgl_cluster *c, bool (*drop)(const void *data, size_t len, void *ud),
                         void *ud)
{
    GQueue keep = G_QUEUE_INIT;
    GBytes *b;
    size_t n = 0;

    if (c == NULL || drop == NULL)
        return 0;
    while ((b = g_queue_pop_head(&c->sendq)) != NULL) {
        gsize len;
        const void *data = g_bytes_get_data(b, &len);
        if (drop(data, len, ud)) {
            g_bytes_unref(b);
            n++;
        } else {
            g_queue_push_tail(&keep, b);
        }
    }
    c->sendq = keep;
    return n;
}

size_t vgl_cluster_queued(const vgl_cluster *c)
{
    return c ? g_queue_get_length((GQueue *)&c->sendq) : 0;
}

bool vgl_cluster_quorum(const vgl_cluster *c, bool *current)
{
    if (current)
        *current = c && c->quorum_seq == c->totem_seq;
    return c && c->quorate;
}

uint32_t vgl_cluster_local_nodeid(const vgl_cluster *c)
{
    return c ? c->nodeid : 0;
}

/* cmap key nodelist.node.N.KEY for the entry whose nodeid is id. */
static char *nodelist_get(vgl_cluster *c, uint32_t id, const char *key)
{
    char k[CMAP_KEYNAME_MAXLEN];

    for (unsigned i = 0; i < 1024; i++) {
        uint32_t nid = 0;
        char *val = NULL;

        snprintf(k, sizeof(k), "nodelist.node.%u.nodeid", i);
        if (cmap_get_uint32(c->cmap, k, &nid) != CS_OK) {
            if (i > 0 || id == 0)
                break;
            continue;
        }
        if (nid != id)
            continue;
        snprintf(k, sizeof(k), "nodelist.node.%u.%s", i, key);
        if (cmap_get_string(c->cmap, k, &val) == CS_OK) {
            char *r = g_strdup(val);
            free(val);
            return r;
        }
        return NULL;
    }
    return NULL;
}

char *vgl_cluster_node_name(vgl_cluster *c, uint32_t nodeid)
{
    char *name = NULL;

    if (c && c->cmap_ok) {
        name = nodelist_get(c, nodeid, "name");
        if (name == NULL)
            name = nodelist_get(c, nodeid, "ring0_addr");
    }
    return name ? name : g_strdup_printf("node%u", nodeid);
}

bool vgl_cluster_two_node(vgl_cluster *c)
{
    uint8_t v8 = 0;
    uint32_t v32 = 0;

    if (c == NULL || !c->cmap_ok)
        return false;
    if (cmap_get_uint8(c->cmap, "quorum.two_node", &v8) == CS_OK)
        return v8 != 0;
    if (cmap_get_uint32(c->cmap, "quorum.two_node", &v32) == CS_OK)
        return v32 != 0;
    return false;
}

uint32_t *vgl_cluster_nodelist(vgl_cluster *c, size_t *n)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    char k[CMAP_KEYNAME_MAXLEN];

    for (unsigned i = 0; c && c->cmap_ok && i < 1024; i++) {
        uint32_t nid = 0;
        snprintf(k, sizeof(k), "nodelist.node.%u.nodeid", i);
        if (cmap_get_uint32(c->cmap, k, &nid) != CS_OK)
            break;
        g_array_append_val(ids, nid);
    }
    *n = ids->len;
    return (uint32_t *)g_array_free(ids, FALSE);
}
