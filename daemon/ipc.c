/*
 * ipc.c — vigild's IPC server (see ipc.h for the contract).
 *
 * Workload: a handful of tool connections (crmctl runs, ha-status watches),
 * bursts of requests from scripts, and a stream of events to a few
 * subscribers.  libqb does the transport; this file decodes, authorises,
 * tracks requests that are answered later, and fans events out.
 *
 * Objects and who owns them:
 *   vgl_ipc_server   owned by vigild; holds every connection and every
 *                    request still waiting for its reply (`pending`).
 *   ipc_conn         ours, hung on libqb's connection as its context;
 *                    created when libqb accepts, freed when libqb destroys.
 *   vgl_ipc_request  owned by the handler until vgl_ipc_reply() frees it.
 *
 * Invariants.  A request points to its connection only while that client
 * is connected and to its server only while the server exists: when either
 * goes, its requests are detached (pointer set to NULL), so a reply that
 * comes late is dropped, never sent into freed memory.  We never disconnect
 * a client from inside a libqb callback or a broadcast: the connection is
 * marked doomed (no more traffic, a libqb reference held) and an idle
 * callback, the reaper, cuts it.  Nothing here ever waits on a client.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include <qb/qbipcs.h>
#include <qb/qblog.h>
#include <vigil/ipc_proto.h>
#include <vigil/vigil.h>

#include "daemon/ipc.h"
#include "daemon/ipc_internal.h"

#define EVENT_FILTER_MAX 256u   /* event types one SUBSCRIBE may list */
#define REJECTS_LOGGED 3u       /* bad requests logged per connection */

struct vgl_ipc_server {
    char *name;
    qb_ipcs_service_t *qbs;
    vgl_ipc_handler *handlers;
    size_t n_handlers;
    void *ud;
    char *admin_group;
    GQueue conns;            /* ipc_conn, by .link */
    GQueue pending;          /* vgl_ipc_request, by .link */
    guint reaper;            /* idle source cutting doomed connections */
    vgl_ipc_stats stats;
};

typedef struct ipc_conn {
    vgl_ipc_server *srv;
    qb_ipcs_connection_t *qc;
    GList link;
    uid_t uid;
    gid_t gid;
    pid_t pid;
    size_t bufsize;          /* largest frame either way on this connection */
    bool privileged;
    bool closed;             /* libqb closed it; waiting to be destroyed */
    bool doomed;             /* we cut it: no more traffic */
    bool held;               /* we hold a libqb reference until the reaper runs */
    bool subscribed;
    GArray *filter;          /* uint32 event types wanted; NULL: all */
    uint64_t seq;            /* sequence number of the last event addressed */
    uint64_t dropping;       /* events lost since the last one delivered */
    unsigned n_pending;
    unsigned rejects;
} ipc_conn;

struct vgl_ipc_request {
    vgl_ipc_server *srv;     /* NULL once the server is gone */
    ipc_conn *conn;          /* NULL once the client is gone */
    GList link;              /* in srv->pending */
    uint32_t type;
    uint64_t id;
    GVariant *fields;
    uid_t uid;
    pid_t pid;
};

static void builtin_ping(vgl_ipc_request *req, GVariant *fields, void *ud);
static void builtin_subscribe(vgl_ipc_request *req, GVariant *fields, void *ud);

static const vgl_ipc_handler builtins[] = {
    { VGL_IPC_PING, true, builtin_ping },
    { VGL_IPC_SUBSCRIBE, true, builtin_subscribe },
};

static void variant_drop(GVariant *v)
{
    if (v != NULL) {
        g_variant_unref(g_variant_ref_sink(v));
    }
}

/* "CIB_CHANGE" or "type 77", in buf. */
static const char *type_label(uint32_t type, char buf[24])
{
    const char *name = vgl_ipc_type_name(type);

    if (name != NULL) {
        return name;
    }
    g_snprintf(buf, 24, "type %" PRIu32, type);
    return buf;
}

/* ---- permission ---- */

static bool group_gid(const char *name, gid_t *gid)
{
    struct group gr, *found = NULL;
    size_t size = 4096;
    char *buf = NULL;
    int rc;

    do {
        buf = g_realloc(buf, size);
        rc = getgrnam_r(name, &gr, buf, size, &found);
        size *= 2;
    } while (rc == ERANGE && size <= (1u << 20));
    if (rc == 0 && found != NULL) {
        *gid = gr.gr_gid;
    }
    g_free(buf);
    return rc == 0 && found != NULL;
}

/* Is GID among the groups the user database gives UID (its passwd group and
 * the groups that list its name)? */
static bool user_in_group(uid_t uid, gid_t gid)
{
    struct passwd pw, *found = NULL;
    size_t size = 4096;
    char *buf = NULL;
    gid_t *groups = NULL;
    int n = 64, rc;
    bool member = false;

    do {
        buf = g_realloc(buf, size);
        rc = getpwuid_r(uid, &pw, buf, size, &found);
        size *= 2;
    } while (rc == ERANGE && size <= (1u << 20));
    if (rc != 0 || found == NULL) {
        goto done;
    }
    do {
        groups = g_renew(gid_t, groups, n);
        rc = getgrouplist(pw.pw_name, pw.pw_gid, groups, &n);
    } while (rc < 0 && n > 0 && n <= 65536);
    for (int i = 0; rc >= 0 && i < n && !member; i++) {
        member = groups[i] == gid;
    }
done:
    g_free(groups);
    g_free(buf);
    return member;
}

static bool peer_privileged(const char *admin_group, uid_t uid, gid_t gid)
{
    gid_t admin = 0;

    if (uid == 0) {
        return true;
    }
    if (!group_gid(admin_group, &admin)) {
        return false;
    }
    return gid == admin || user_in_group(uid, admin);
}

/* ---- connections ---- */

static gboolean reap(gpointer p);

/* Stop all traffic on conn and have the reaper disconnect it. */
static void conn_doom(ipc_conn *conn)
{
    vgl_ipc_server *srv = conn->srv;

    if (conn->doomed || conn->closed) {
        return;
    }
    conn->doomed = true;
    conn->held = true;
    qb_ipcs_connection_ref(conn->qc);
    srv->stats.disconnects++;
    if (srv->reaper == 0) {
        srv->reaper = g_idle_add_full(G_PRIORITY_DEFAULT, reap, srv, NULL);
    }
}

/* The libqb connections we hold a reference on, references passed to the
 * caller. */
static GPtrArray *take_held(vgl_ipc_server *srv)
{
    GPtrArray *held = g_ptr_array_new();

    for (GList *l = srv->conns.head; l != NULL; l = l->next) {
        ipc_conn *conn = l->data;

        if (conn->held) {
            conn->held = false;
            g_ptr_array_add(held, conn->qc);
        }
    }
    return held;
}

static gboolean reap(gpointer p)
{
    vgl_ipc_server *srv = p;
    GPtrArray *held;

    srv->reaper = 0;
    held = take_held(srv);
    for (guint i = 0; i < held->len; i++) {
        qb_ipcs_connection_t *qc = held->pdata[i];
        ipc_conn *conn = qb_ipcs_context_get(qc);

        /* Trap: qb_ipcs_disconnect() is not idempotent; on a connection
         * libqb already closed (its client died meanwhile) it drops
         * libqb's reference a second time and frees it under ours. */
        if (ALWAYS(conn != NULL) && !conn->closed) {
            qb_ipcs_disconnect(qc);
        }
        qb_ipcs_connection_unref(qc);
    }
    g_ptr_array_free(held, TRUE);
    return G_SOURCE_REMOVE;
}

/* The client went away: its requests stay with their handlers, detached. */
static void conn_detach(ipc_conn *conn)
{
    vgl_ipc_server *srv = conn->srv;

    if (conn->closed) {
        return;
    }
    conn->closed = true;
    for (GList *l = srv->pending.head; l != NULL; l = l->next) {
        vgl_ipc_request *req = l->data;

        if (req->conn == conn) {
            req->conn = NULL;
        }
    }
    qb_log(LOG_DEBUG, "ipc %s: client pid %d (uid %u) disconnected, %u request(s) in progress",
           srv->name, (int)conn->pid, (unsigned)conn->uid, conn->n_pending);
    conn->n_pending = 0;
}

static int32_t conn_accept(qb_ipcs_connection_t *qc, uid_t uid, gid_t gid)
{
    vgl_ipc_server *srv = qb_ipcs_connection_service_context_get(qc);
    int32_t size = qb_ipcs_connection_get_buffer_size(qc);
    struct qb_ipcs_connection_stats st = { 0 };
    ipc_conn *conn;

    qb_ipcs_connection_stats_get(qc, &st, 0);
    if (srv->conns.length >= VGL_IPC_CONNECTIONS_MAX) {
        qb_log(LOG_WARNING, "ipc %s: refused client pid %d (uid %u): already %u clients",
               srv->name, (int)st.client_pid, (unsigned)uid, VGL_IPC_CONNECTIONS_MAX);
        return -EBUSY;
    }
    if (size <= 0 || (uint32_t)size > VGL_IPC_BUFFER_MAX) {
        qb_log(LOG_WARNING, "ipc %s: refused client pid %d (uid %u): buffer of %d bytes (at most %u)",
               srv->name, (int)st.client_pid, (unsigned)uid, (int)size, VGL_IPC_BUFFER_MAX);
        return -EMSGSIZE;
    }
    conn = g_new0(ipc_conn, 1);
    conn->srv = srv;
    conn->qc = qc;
    conn->link.data = conn;
    conn->uid = uid;
    conn->gid = gid;
    conn->pid = st.client_pid;
    conn->bufsize = (size_t)size;
    conn->privileged = peer_privileged(srv->admin_group, uid, gid);
    g_queue_push_tail_link(&srv->conns, &conn->link);
    qb_ipcs_context_set(qc, conn);
    qb_log(LOG_DEBUG, "ipc %s: client pid %d (uid %u gid %u) connected, %s, buffer %d bytes",
           srv->name, (int)conn->pid, (unsigned)uid, (unsigned)gid,
           conn->privileged ? "may change" : "read-only", (int)size);
    return 0;
}

static int32_t conn_closed(qb_ipcs_connection_t *qc)
{
    ipc_conn *conn = qb_ipcs_context_get(qc);

    if (conn != NULL) {
        conn_detach(conn);
    }
    return 0;
}

static void conn_destroyed(qb_ipcs_connection_t *qc)
{
    ipc_conn *conn = qb_ipcs_context_get(qc);

    if (conn == NULL) {
        return;
    }
    conn_detach(conn);
    g_queue_unlink(&conn->srv->conns, &conn->link);
    if (conn->filter != NULL) {
        g_array_free(conn->filter, TRUE);
    }
    qb_ipcs_context_set(qc, NULL);
    g_free(conn);
}

/* ---- replies ---- */

/* Encode and send one reply; fields (floating reference) consumed.  A reply
 * that does not fit, or that vigild built wrong, becomes an error reply. */
static int conn_send_reply(ipc_conn *conn, uint64_t id, int rc, const char *text, GVariant *fields)
{
    void *frame = NULL;
    size_t len = 0;
    char *alt = NULL;
    ssize_t sent;
    int ret;

    if (conn->closed || conn->doomed) {
        variant_drop(fields);
        return -ENOTCONN;
    }
    ret = vgl_ipc_reply_encode(id, rc, text, fields, conn->bufsize, &frame, &len);
    if (ret == VGL_E_LIMIT) {
        alt = g_strdup_printf("the reply does not fit this connection's buffer of %zu bytes: "
                              "connect with a larger buffer", conn->bufsize);
        vgl_ipc_reply_encode(id, VGL_E_LIMIT, alt, NULL, conn->bufsize, &frame, &len);
    } else if (ret != 0) {
        qb_log(LOG_ERR, "ipc %s: invalid reply (rc %d) to request %" PRIu64 " of pid %d: not sent",
               conn->srv->name, rc, id, (int)conn->pid);
        vgl_ipc_reply_encode(id, -EINVAL, "vigild built an invalid reply to this request (a bug)",
                             NULL, conn->bufsize, &frame, &len);
    }
    if (!ALWAYS(frame != NULL)) {
        ret = -ENOMEM;
        goto done;
    }
    sent = qb_ipcs_response_send(conn->qc, frame, len);
    if (sent < 0 || (size_t)sent != len) {
        qb_log(LOG_WARNING, "ipc %s: cannot reply to client pid %d (%s): disconnecting it",
               conn->srv->name, (int)conn->pid, sent == -EAGAIN ? "it does not read its replies"
               : g_strerror(sent < 0 ? (int)-sent : EIO));
        conn_doom(conn);
        ret = sent < 0 ? (int)sent : -EIO;
    }
done:
    g_free(alt);
    g_free(frame);
    return ret;
}

/* Answer a request that never reached a handler. */
static void conn_reject(ipc_conn *conn, uint64_t id, int rc, const char *why)
{
    vgl_ipc_server *srv = conn->srv;

    if (rc == VGL_E_PERM) {
        srv->stats.denied++;
    } else {
        srv->stats.rejected++;
    }
    if (conn->rejects++ < REJECTS_LOGGED) {
        qb_log(LOG_WARNING, "ipc %s: request from pid %d (uid %u) refused: %s%s", srv->name,
               (int)conn->pid, (unsigned)conn->uid, why,
               conn->rejects == REJECTS_LOGGED ? " (further refusals on this connection not logged)" : "");
    }
    conn_send_reply(conn, id, rc, why, NULL);
}

static void request_unlink(vgl_ipc_request *req)
{
    if (req->srv != NULL) {
        g_queue_unlink(&req->srv->pending, &req->link);
    }
    if (req->conn != NULL && ALWAYS(req->conn->n_pending > 0)) {
        req->conn->n_pending--;
    }
}

int vgl_ipc_reply(vgl_ipc_request *req, int rc, const char *error_text, GVariant *fields)
{
    int ret;

    if (req == NULL) {
        variant_drop(fields);
        return -EINVAL;
    }
    request_unlink(req);
    if (req->conn == NULL) {
        if (req->srv != NULL) {
            req->srv->stats.replies_lost++;
            qb_log(LOG_DEBUG, "ipc %s: reply to request %" PRIu64 " dropped: client pid %d is gone",
                   req->srv->name, req->id, (int)req->pid);
        }
        variant_drop(fields);
        ret = -ENOTCONN;
    } else {
        ret = conn_send_reply(req->conn, req->id, rc, error_text, fields);
    }
    g_variant_unref(req->fields);
    g_free(req);
    return ret;
}

/* ---- requests ---- */

static const vgl_ipc_handler *handler_find(const vgl_ipc_server *srv, uint32_t type, void **ud)
{
    for (size_t i = 0; i < G_N_ELEMENTS(builtins); i++) {
        if (builtins[i].type == type) {
            *ud = (void *)srv;
            return &builtins[i];
        }
    }
    for (size_t i = 0; i < srv->n_handlers; i++) {
        if (srv->handlers[i].type == type) {
            *ud = srv->ud;
            return &srv->handlers[i];
        }
    }
    return NULL;
}

/* May this connection run a request of this type now?  0, or an rc with
 * [out] *why (caller frees). */
static int request_admit(ipc_conn *conn, uint32_t type, const vgl_ipc_handler **h, void **ud,
                         char **why)
{
    vgl_ipc_server *srv = conn->srv;
    char buf[24];

    *h = handler_find(srv, type, ud);
    if (*h == NULL) {
        *why = g_strdup_printf("request %s is not served by this vigild", type_label(type, buf));
        return VGL_E_UNSUPPORTED;
    }
    if (!(*h)->read_only && !conn->privileged) {
        *why = g_strdup_printf("%s changes the cluster and needs root or group '%s': "
                               "uid %u (gid %u) has neither", type_label(type, buf),
                               srv->admin_group, (unsigned)conn->uid, (unsigned)conn->gid);
        return VGL_E_PERM;
    }
    if (conn->n_pending >= VGL_IPC_PENDING_MAX) {
        *why = g_strdup_printf("%u requests of this client are still in progress; retry later",
                               conn->n_pending);
        return VGL_E_BUSY;
    }
    return 0;
}

static void request_dispatch(ipc_conn *conn, const void *data, size_t size)
{
    vgl_ipc_server *srv = conn->srv;
    const vgl_ipc_handler *h = NULL;
    vgl_ipc_request *req;
    GVariant *fields = NULL;
    uint32_t type = 0;
    uint64_t id = 0;
    char *why = NULL;
    void *ud = NULL;
    int rc;

    rc = vgl_ipc_request_decode(data, size, conn->bufsize, &type, &id, &fields, &why);
    if (rc == 0) {
        rc = request_admit(conn, type, &h, &ud, &why);
    }
    if (rc != 0) {
        conn_reject(conn, id, rc, why);
        goto done;
    }
    req = g_new0(vgl_ipc_request, 1);
    req->srv = srv;
    req->conn = conn;
    req->link.data = req;
    req->type = type;
    req->id = id;
    req->fields = g_variant_ref(fields);
    req->uid = conn->uid;
    req->pid = conn->pid;
    g_queue_push_tail_link(&srv->pending, &req->link);
    conn->n_pending++;
    srv->stats.requests++;
    h->fn(req, fields, ud);
done:
    g_free(why);
    g_clear_pointer(&fields, g_variant_unref);
}

/* Trap: size is the client's own header field, not what libqb received;
 * the decoder bounds it by the connection's buffer (the ring is mapped
 * twice over, so that much is always readable) and copies before parsing. */
static int32_t conn_msg_process(qb_ipcs_connection_t *qc, void *data, size_t size)
{
    ipc_conn *conn = qb_ipcs_context_get(qc);

    if (!ALWAYS(conn != NULL) || conn->closed || conn->doomed) {
        return 0;
    }
    request_dispatch(conn, data, size);
    return 0;
}

uint32_t vgl_ipc_request_type(const vgl_ipc_request *req)
{
    return req->type;
}

uint64_t vgl_ipc_request_id(const vgl_ipc_request *req)
{
    return req->id;
}

GVariant *vgl_ipc_request_fields(const vgl_ipc_request *req)
{
    return req->fields;
}

uid_t vgl_ipc_request_uid(const vgl_ipc_request *req)
{
    return req->uid;
}

pid_t vgl_ipc_request_pid(const vgl_ipc_request *req)
{
    return req->pid;
}

bool vgl_ipc_request_client_gone(const vgl_ipc_request *req)
{
    return req->conn == NULL;
}

/* ---- built-in requests ---- */

static void builtin_ping(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    GVariant *echo = g_variant_lookup_value(fields, "echo", NULL);
    GVariantDict d;

    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "proto", "u", VGL_IPC_PROTO_VERSION);
    g_variant_dict_insert(&d, "version", "s", PACKAGE_VERSION);
    g_variant_dict_insert(&d, "pid", "u", (guint32)getpid());
    if (echo != NULL) {
        g_variant_dict_insert_value(&d, "echo", echo);
        g_variant_unref(echo);
    }
    vgl_ipc_reply(req, 0, NULL, g_variant_dict_end(&d));
}

static void builtin_subscribe(vgl_ipc_request *req, GVariant *fields, void *ud)
{
    ipc_conn *conn = req->conn;
    GVariant *events = NULL;
    char *why = NULL;
    gsize n = 0;
    int rc = vgl_ipc_field(fields, "events", "au", &events, &why);

    if (rc == -ENOENT) {
        rc = 0;
    }
    if (rc == 0 && events != NULL && g_variant_n_children(events) > EVENT_FILTER_MAX) {
        why = g_strdup_printf("SUBSCRIBE lists %zu event types, at most %u are allowed",
                              g_variant_n_children(events), EVENT_FILTER_MAX);
        rc = VGL_E_LIMIT;
    }
    if (rc != 0) {
        vgl_ipc_reply(req, rc, why, NULL);
        goto done;
    }
    if (conn->filter != NULL) {
        g_array_free(conn->filter, TRUE);
        conn->filter = NULL;
    }
    if (events != NULL && g_variant_n_children(events) > 0) {
        const guint32 *types = g_variant_get_fixed_array(events, &n, sizeof(guint32));

        conn->filter = g_array_sized_new(FALSE, FALSE, sizeof(guint32), (guint)n);
        g_array_append_vals(conn->filter, types, (guint)n);
    }
    conn->subscribed = true;
    vgl_ipc_reply(req, 0, NULL, g_variant_new_parsed("{'next_seq': <%t>}", conn->seq + 1));
done:
    g_clear_pointer(&events, g_variant_unref);
    g_free(why);
}

/* ---- events ---- */

static bool conn_wants(const ipc_conn *conn, uint32_t type)
{
    if (!conn->subscribed || conn->closed || conn->doomed) {
        return false;
    }
    if (conn->filter == NULL) {
        return true;
    }
    for (guint i = 0; i < conn->filter->len; i++) {
        if (g_array_index(conn->filter, guint32, i) == type) {
            return true;
        }
    }
    return false;
}

static bool event_send_failure_is_drop(int rc)
{
    return rc == -EAGAIN || rc == -ENOBUFS || rc == -ETIMEDOUT || rc == -EMSGSIZE || rc == VGL_E_LIMIT;
}

/* Send one event to one subscriber; 0 or why not. */
static int event_send(ipc_conn *conn, uint32_t type, GVariant *fields)
{
    vgl_ipc_server *srv = conn->srv;
    uint64_t seq = ++conn->seq;
    void *frame = NULL;
    size_t len = 0;
    ssize_t sent;
    int rc;

    rc = vgl_ipc_event_encode(type, seq, g_variant_ref(fields), conn->bufsize, &frame, &len);
    if (rc == 0) {
        sent = qb_ipcs_event_send(conn->qc, frame, len);
        rc = sent < 0 ? (int)sent : ((size_t)sent == len ? 0 : -EIO);
        g_free(frame);
    }
    if (rc == 0) {
        srv->stats.events_sent++;
        if (conn->dropping > 0) {
            qb_log(LOG_NOTICE, "ipc %s: subscriber pid %d reads events again after losing %" PRIu64,
                   srv->name, (int)conn->pid, conn->dropping);
            conn->dropping = 0;
        }
    } else if (event_send_failure_is_drop(rc)) {
        srv->stats.events_dropped++;
        if (conn->dropping++ == 0) {
            qb_log(LOG_WARNING, "ipc %s: dropping events for subscriber pid %d (uid %u): %s",
                   srv->name, (int)conn->pid, (unsigned)conn->uid,
                   rc == VGL_E_LIMIT || rc == -EMSGSIZE ? "event larger than its buffer"
                   : "it does not read them");
        }
    } else {
        qb_log(LOG_WARNING, "ipc %s: cannot send events to subscriber pid %d (%s): disconnecting it",
               srv->name, (int)conn->pid, g_strerror(-rc));
        conn_doom(conn);
    }
    return rc;
}

int vgl_ipc_broadcast(vgl_ipc_server *s, uint32_t event_type, GVariant *fields)
{
    GVariant *normal;
    int delivered = 0;

    if (fields != NULL) {
        g_variant_ref_sink(fields);
    } else {
        fields = g_variant_ref_sink(g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
    }
    if (s == NULL || !g_variant_is_of_type(fields, G_VARIANT_TYPE_VARDICT)) {
        g_variant_unref(fields);
        return -EINVAL;
    }
    /* Serialise once: each subscriber's frame then only copies the bytes. */
    normal = g_variant_get_normal_form(fields);
    g_variant_unref(fields);
    for (GList *l = s->conns.head; l != NULL; l = l->next) {
        ipc_conn *conn = l->data;

        if (conn_wants(conn, event_type) && event_send(conn, event_type, normal) == 0) {
            delivered++;
        }
    }
    g_variant_unref(normal);
    return delivered;
}

/* ---- the server ---- */

static struct qb_ipcs_service_handlers service_handlers = {
    .connection_accept = conn_accept,
    .connection_created = NULL,
    .msg_process = conn_msg_process,
    .connection_closed = conn_closed,
    .connection_destroyed = conn_destroyed,
};

static int handlers_check(const vgl_ipc_handler *handlers, size_t n)
{
    if (n > 0 && handlers == NULL) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (handlers[i].fn == NULL) {
            return -EINVAL;
        }
        for (size_t j = 0; j < G_N_ELEMENTS(builtins); j++) {
            if (handlers[i].type == builtins[j].type) {
                return -EEXIST;
            }
        }
        for (size_t j = 0; j < i; j++) {
            if (handlers[i].type == handlers[j].type) {
                return -EEXIST;
            }
        }
    }
    return 0;
}

int vgl_ipc_server_new(const char *name, const vgl_ipc_handler *handlers, size_t n,
                       void *ud, vgl_ipc_server **out)
{
    vgl_ipc_server *srv = NULL;
    struct qb_ipcs_poll_handlers *poll;
    int rc;

    if (out == NULL) {
        return -EINVAL;
    }
    *out = NULL;
    if (name == NULL || name[0] == '\0' || strlen(name) > 100) {
        return -EINVAL;
    }
    rc = handlers_check(handlers, n);
    if (rc != 0) {
        return rc;
    }
    srv = g_new0(vgl_ipc_server, 1);
    srv->name = g_strdup(name);
    srv->handlers = n > 0 ? g_memdup2(handlers, n * sizeof(*handlers)) : NULL;
    srv->n_handlers = n;
    srv->ud = ud;
    srv->admin_group = g_strdup(VGL_IPC_ADMIN_GROUP);
    poll = vgl__ipc_loop_acquire();
    srv->qbs = qb_ipcs_create(name, 0, QB_IPC_NATIVE, &service_handlers);
    if (srv->qbs == NULL) {
        rc = errno != 0 ? -errno : -ENOMEM;
        goto done;
    }
    qb_ipcs_service_context_set(srv->qbs, srv);
    qb_ipcs_poll_handlers_set(srv->qbs, poll);
    qb_ipcs_enforce_buffer_size(srv->qbs, VGL_IPC_BUFFER_DEFAULT);
    rc = qb_ipcs_run(srv->qbs);
    if (rc < 0) {
        srv->qbs = NULL;    /* qb_ipcs_run() already released it */
        goto done;
    }
    rc = 0;
    qb_log(LOG_INFO, "ipc %s: serving %zu request types", name, n + G_N_ELEMENTS(builtins));
done:
    if (rc != 0) {
        qb_log(LOG_ERR, "ipc %s: cannot start the IPC service: %s", name, g_strerror(-rc));
        vgl_ipc_server_free(srv);
        srv = NULL;
    }
    *out = srv;
    return rc;
}

void vgl_ipc_server_free(vgl_ipc_server *s)
{
    GPtrArray *held;

    if (s == NULL) {
        return;
    }
    if (s->reaper != 0) {
        g_source_remove(s->reaper);
        s->reaper = 0;
    }
    held = take_held(s);
    for (guint i = 0; i < held->len; i++) {
        qb_ipcs_connection_unref(held->pdata[i]);
    }
    g_ptr_array_free(held, TRUE);
    if (s->qbs != NULL) {
        qb_ipcs_destroy(s->qbs);
    }
    /* libqb destroyed every connection above; should it keep one alive,
     * detach ours from it so that nothing points into freed memory. */
    if (NEVER(s->conns.head != NULL)) {
        while (s->conns.head != NULL) {
            conn_destroyed(((ipc_conn *)s->conns.head->data)->qc);
        }
    }
    while (s->pending.head != NULL) {
        vgl_ipc_request *req = s->pending.head->data;

        g_queue_unlink(&s->pending, &req->link);
        req->srv = NULL;
        req->conn = NULL;
    }
    vgl__ipc_loop_release();
    g_free(s->admin_group);
    g_free(s->handlers);
    g_free(s->name);
    g_free(s);
}

int vgl_ipc_server_set_admin_group(vgl_ipc_server *s, const char *group)
{
    if (s == NULL || group == NULL || group[0] == '\0') {
        return -EINVAL;
    }
    g_free(s->admin_group);
    s->admin_group = g_strdup(group);
    return 0;
}

void vgl_ipc_server_stats(const vgl_ipc_server *s, vgl_ipc_stats *out)
{
    if (out == NULL) {
        return;
    }
    memset(out, 0, sizeof(*out));
    if (s == NULL) {
        return;
    }
    *out = s->stats;
    for (GList *l = s->conns.head; l != NULL; l = l->next) {
        const ipc_conn *conn = l->data;

        if (!conn->closed) {
            out->connections++;
            out->subscribers += conn->subscribed && !conn->doomed;
        }
    }
    out->pending = s->pending.length;
}
