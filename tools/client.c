/*
 * client.c — the tools' side of the IPC with vigild (see client.h).
 *
 * Workload: a tool connects, sends one or a few requests and leaves; a
 * watcher connects once and reads events for hours.  Everything is
 * synchronous: one request in flight at a time, so replies are matched to
 * requests by id alone and a reply that outlived its timeout is simply
 * skipped when it shows up before a later one.
 *
 * Traps.  With libqb's shared-memory rings, waiting for a reply is a wait on
 * a semaphore the server posts; if the server dies, nobody posts it.  So we
 * never wait longer than WAIT_SLICE_MS at once and look at the connection
 * in between.  The receive buffer is as large as the connection's message
 * limit, allocated once.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <qb/qbipcc.h>
#include <vigil/client.h>

#include "daemon/ipc_internal.h"

#define WAIT_SLICE_MS 500

struct vgl_client {
    qb_ipcc_connection_t *qc;
    char *service;
    size_t bufsize;
    void *buf;               /* bufsize bytes, for replies and events */
    uint64_t last_id;        /* id of the last request sent */
    uint64_t last_seq;       /* sequence number of the last event read */
};

static int connect_errno_to_rc(int err)
{
    switch (err) {
    case ECONNREFUSED:
    case ENOENT:
        return VGL_E_UNAVAILABLE;
    case EACCES:
    case EPERM:
        return VGL_E_PERM;
    case EBUSY:
    case EAGAIN:
        return VGL_E_BUSY;
    case EMSGSIZE:
        return VGL_E_LIMIT;
    default:
        return err > 0 ? -err : VGL_E_UNAVAILABLE;
    }
}

int vgl_client_connect(const char *service, size_t buffer, vgl_client **out)
{
    qb_ipcc_connection_t *qc;
    vgl_client *c;
    int32_t granted;

    if (out == NULL) {
        return -EINVAL;
    }
    *out = NULL;
    if (service == NULL) {
        service = VGL_IPC_SERVICE;
    }
    if (service[0] == '\0') {
        return -EINVAL;
    }
    if (buffer == 0) {
        buffer = VGL_IPC_BUFFER_DEFAULT;
    }
    if (buffer > VGL_IPC_BUFFER_MAX) {
        return VGL_E_LIMIT;
    }
    errno = 0;
    qc = qb_ipcc_connect(service, buffer);
    if (qc == NULL) {
        return connect_errno_to_rc(errno);
    }
    granted = qb_ipcc_get_buffer_size(qc);
    if (granted <= 0 || (size_t)granted > VGL_IPC_BUFFER_MAX) {
        qb_ipcc_disconnect(qc);
        return VGL_E_PROTOCOL;
    }
    c = g_new0(vgl_client, 1);
    c->qc = qc;
    c->service = g_strdup(service);
    c->bufsize = (size_t)granted;
    c->buf = g_malloc(c->bufsize);
    *out = c;
    return 0;
}

void vgl_client_disconnect(vgl_client *c)
{
    if (c == NULL) {
        return;
    }
    qb_ipcc_disconnect(c->qc);
    g_free(c->buf);
    g_free(c->service);
    g_free(c);
}

size_t vgl_client_buffer_size(const vgl_client *c)
{
    return c != NULL ? c->bufsize : 0;
}

/* Milliseconds left until deadline (monotonic µs; -1 = none), capped at
 * WAIT_SLICE_MS; 0 once it passed. */
static int slice_ms(gint64 deadline)
{
    gint64 left;

    if (deadline < 0) {
        return WAIT_SLICE_MS;
    }
    left = (deadline - g_get_monotonic_time() + 999) / 1000;
    return left <= 0 ? 0 : (int)MIN(left, (gint64)WAIT_SLICE_MS);
}

static int lost(vgl_client *c, ssize_t res, char **text)
{
    vgl__ipc_set_error(text, "connection to vigild (service '%s') lost: %s", c->service,
             g_strerror(res < 0 ? (int)-res : EIO));
    return VGL_E_UNAVAILABLE;
}

static int send_frame(vgl_client *c, const void *frame, size_t len, gint64 deadline, char **text)
{
    for (;;) {
        ssize_t res = qb_ipcc_send(c->qc, frame, len);

        if (res >= 0 && (size_t)res == len) {
            return 0;
        }
        if (res != -EAGAIN) {
            return lost(c, res, text);
        }
        if (slice_ms(deadline) == 0) {
            vgl__ipc_set_error(text, "vigild did not take the request in time (its queue is full)");
            return VGL_E_TIMEOUT;
        }
        g_usleep(1000);
    }
}

/* Wait for the reply to request ID; returns its rc or a local failure. */
static int wait_reply(vgl_client *c, uint64_t id, uint32_t type, int timeout_ms, gint64 deadline,
                      GVariant **reply, char **text)
{
    for (;;) {
        int32_t rc_wire = 0;
        uint64_t rid = 0;
        char *why = NULL, *err_text = NULL;
        GVariant *fields = NULL;
        ssize_t res = qb_ipcc_recv(c->qc, c->buf, c->bufsize, slice_ms(deadline));
        int rc;

        if (res == -ETIMEDOUT || res == -EAGAIN) {
            if (!qb_ipcc_is_connected(c->qc)) {
                return lost(c, -ENOTCONN, text);
            }
            if (slice_ms(deadline) == 0) {
                const char *name = vgl_ipc_type_name(type);

                vgl__ipc_set_error(text, "no reply to %s (request type %u) from vigild within %d ms",
                         name != NULL ? name : "a request", type, timeout_ms);
                return VGL_E_TIMEOUT;
            }
            continue;
        }
        if (res <= 0) {
            return lost(c, res, text);
        }
        rc = vgl_ipc_reply_decode(c->buf, (size_t)res, c->bufsize, &rid, &rc_wire, &err_text, &fields, &why);
        if (rc != 0) {
            vgl__ipc_set_error(text, "vigild sent a reply this tool does not understand: %s", why);
            g_free(why);
            return rc;
        }
        if (rid != id && rid != 0) {
            g_free(err_text);    /* a late reply to a request that timed out */
            g_variant_unref(fields);
            continue;
        }
        if (rc_wire != 0 && text != NULL) {
            *text = err_text[0] != '\0' ? g_steal_pointer(&err_text) : g_strdup(vgl_strerror(rc_wire));
        }
        g_free(err_text);
        if (reply != NULL) {
            *reply = g_steal_pointer(&fields);
        }
        g_clear_pointer(&fields, g_variant_unref);
        return rc_wire;
    }
}

int vgl_client_request(vgl_client *c, uint32_t type, GVariant *fields, int timeout_ms,
                       GVariant **reply, char **error_text)
{
    gint64 deadline = timeout_ms < 0 ? -1 : g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    void *frame = NULL;
    size_t len = 0;
    int rc;

    if (reply != NULL) {
        *reply = NULL;
    }
    if (error_text != NULL) {
        *error_text = NULL;
    }
    if (c == NULL) {
        if (fields != NULL) {
            g_variant_unref(g_variant_ref_sink(fields));
        }
        vgl__ipc_set_error(error_text, "not connected to vigild");
        return -EINVAL;
    }
    rc = vgl_ipc_request_encode(type, ++c->last_id, fields, c->bufsize, &frame, &len);
    if (rc == VGL_E_LIMIT) {
        vgl__ipc_set_error(error_text, "the request does not fit the connection's buffer of %zu bytes: "
                 "connect with a larger buffer", c->bufsize);
    } else if (rc != 0) {
        vgl__ipc_set_error(error_text, "request fields must be a dictionary of type a{sv}");
    } else {
        rc = send_frame(c, frame, len, deadline, error_text);
    }
    if (rc == 0) {
        rc = wait_reply(c, c->last_id, type, timeout_ms, deadline, reply, error_text);
    }
    g_free(frame);
    return rc;
}

int vgl_client_subscribe(vgl_client *c, const uint32_t *events, size_t n, int timeout_ms,
                         char **error_text)
{
    GVariant *fields = NULL, *reply = NULL;
    uint64_t next = 0;
    int rc;

    if (n > 0 && events == NULL) {
        if (error_text != NULL) {
            *error_text = g_strdup("no event types given");
        }
        return -EINVAL;
    }
    if (n > 0) {
        GVariant *list = g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, events, n, sizeof(uint32_t));

        fields = g_variant_new_parsed("{'events': <%@au>}", list);
    }
    rc = vgl_client_request(c, VGL_IPC_SUBSCRIBE, fields, timeout_ms, &reply, error_text);
    if (rc == 0 && g_variant_lookup(reply, "next_seq", "t", &next) && next > 0) {
        c->last_seq = next - 1;
    }
    g_clear_pointer(&reply, g_variant_unref);
    return rc;
}

int vgl_client_event_fd(const vgl_client *c)
{
    int32_t fd = -1;

    if (c == NULL || qb_ipcc_fd_get(c->qc, &fd) != 0) {
        return -EINVAL;
    }
    return fd;
}

int vgl_client_event_next(vgl_client *c, int timeout_ms, uint32_t *type, GVariant **fields,
                          uint64_t *missed)
{
    uint64_t seq = 0;
    ssize_t res;
    int rc;

    if (type != NULL) {
        *type = 0;
    }
    if (fields != NULL) {
        *fields = NULL;
    }
    if (missed != NULL) {
        *missed = 0;
    }
    if (c == NULL || type == NULL || fields == NULL || missed == NULL) {
        return -EINVAL;
    }
    res = qb_ipcc_event_recv(c->qc, c->buf, c->bufsize, timeout_ms < 0 ? -1 : timeout_ms);
    if (res == -EAGAIN || res == -ETIMEDOUT) {
        return -EAGAIN;
    }
    if (res <= 0) {
        return VGL_E_UNAVAILABLE;
    }
    rc = vgl_ipc_event_decode(c->buf, (size_t)res, c->bufsize, type, &seq, fields, NULL);
    if (rc != 0) {
        return rc;
    }
    /* An event older than our mark was queued before a re-SUBSCRIBE. */
    if (seq > c->last_seq) {
        *missed = seq - c->last_seq - 1;
        c->last_seq = seq;
    }
    return 0;
}
