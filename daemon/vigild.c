/*
 * vigild.c — the daemon's entry point: options, logging, the main loop,
 * signals, and the wiring between the pieces (cluster → replica → coord,
 * runner, control).  No cluster logic lives here.
 *
 * The one global: `daemon_ctx`, the daemon's context, needed because
 * libqb's and glib's signal and callback registrations carry it as their
 * user data anyway; it exists only in main()'s stack frame.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>
#include <qb/qblog.h>
#include <vigil/cib.h>
#include <vigil/cib_store.h>
#include <vigil/ipc_proto.h>

#include "daemon/alerts.h"
#include "daemon/cluster.h"
#include "daemon/control.h"
#include "daemon/coord.h"
#include "daemon/replica.h"
#include "daemon/runner.h"

typedef struct vigild {
    GMainLoop *loop;
    vgl_cluster *cluster;
    vgl_replica *replica;
    vgl_coord *coord;
    vgl_runner *runner;
    vgl_control *control;
    vgl_alerts *alerts;
    vgl_cib_store *store;
    bool shutting_down, ready_notified, cluster_lost;
    guint escalation_src;
    int exit_code;
} vigild;

/* Options. */
static char *opt_state_dir = NULL;
static char *opt_ocf_root = NULL;
static char *opt_fence_path = NULL;
static char *opt_log_file = NULL;
static char *opt_log_level = NULL;
static char *opt_node_name = NULL;
static char *opt_ipc_name = NULL;
static char *opt_self_fence_hook = NULL;
static char *opt_watchdog = NULL;
static gint opt_self_fence_s = 10;
static gint opt_shutdown_s = 1200;
static gboolean opt_syslog = FALSE;
static gboolean opt_version = FALSE;

static GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_state_dir,
      "where the CIB is kept (default " VGL_STATEDIR_DEFAULT ")", "DIR" },
    { "ocf-root", 0, 0, G_OPTION_ARG_FILENAME, &opt_ocf_root,
      "OCF root of the resource agents (default " VGL_OCF_ROOT_DEFAULT ")", "DIR" },
    { "fence-path", 0, 0, G_OPTION_ARG_STRING, &opt_fence_path,
      "':'-separated directories with fence agents (default /usr/sbin:/sbin)", "DIRS" },
    { "log-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_log_file, "also log to FILE", "FILE" },
    { "log-level", 0, 0, G_OPTION_ARG_STRING, &opt_log_level,
      "error, warning, notice, info (default) or debug", "LEVEL" },
    { "syslog", 0, 0, G_OPTION_ARG_NONE, &opt_syslog, "also log to syslog", NULL },
    { "node-name", 0, 0, G_OPTION_ARG_STRING, &opt_node_name,
      "this node's name (default: from corosync's nodelist)", "NAME" },
    { "ipc-name", 0, 0, G_OPTION_ARG_STRING, &opt_ipc_name,
      "IPC service name (default " VGL_IPC_SERVICE ")", "NAME" },
    { "self-fence-hook", 0, 0, G_OPTION_ARG_STRING, &opt_self_fence_hook,
      "command run when this node must fence itself", "CMD" },
    { "self-fence-timeout", 0, 0, G_OPTION_ARG_INT, &opt_self_fence_s,
      "seconds without quorum and still running resources before self-fencing "
      "(0: never; default 10)", "S" },
    { "watchdog", 0, 0, G_OPTION_ARG_FILENAME, &opt_watchdog,
      "watchdog device to feed (self-fencing stops feeding it)", "DEV" },
    { "shutdown-timeout", 0, 0, G_OPTION_ARG_INT, &opt_shutdown_s,
      "seconds a clean shutdown may take before vigild exits anyway (default 1200)", "S" },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "print the version and exit", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

/* ------------------------------------------------------------- logging */

static int parse_level(const char *s)
{
    static const struct { const char *name; int level; } levels[] = {
        { "error", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
        { "info", LOG_INFO }, { "debug", LOG_DEBUG },
    };
    for (size_t i = 0; s && i < G_N_ELEMENTS(levels); i++) {
        if (strcmp(s, levels[i].name) == 0)
            return levels[i].level;
    }
    return s ? -1 : LOG_INFO;
}

/* Under systemd, stderr is a stream to the journal (JOURNAL_STREAM names
 * its device and inode): there each line is "<N>message", so the journal
 * records the level (sd-daemon(3)) and adds the time and PID itself. */
static bool stderr_is_journal(void)
{
    const char *e = getenv("JOURNAL_STREAM");
    unsigned long dev, ino;
    struct stat st;

    return e && sscanf(e, "%lu:%lu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
           st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

static void journal_line(int32_t t, struct qb_log_callsite *cs, struct timespec *ts, const char *msg)
{
    fprintf(stderr, "<%d>%s\n", cs->priority, msg);
}

static int setup_logging(void)
{
    int level = parse_level(opt_log_level);

    if (level < 0) {
        fprintf(stderr, "vigild: unknown log level '%s' (error, warning, notice, info, debug)\n",
                opt_log_level);
        return -1;
    }
    qb_log_init("vigild", LOG_DAEMON, level);
    if (stderr_is_journal()) {
        int32_t t = qb_log_custom_open(journal_line, NULL, NULL, NULL);
        qb_log_format_set(t, "%b");
        qb_log_filter_ctl(t, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
        qb_log_ctl(t, QB_LOG_CONF_ENABLED, QB_TRUE);
        qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_FALSE);
    } else {
        qb_log_format_set(QB_LOG_STDERR, "%t %N[%P] %p: %b");
        qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
        qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
    }
    qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, opt_syslog ? QB_TRUE : QB_FALSE);
    if (opt_syslog)
        qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
    if (opt_log_file) {
        int32_t t = qb_log_file_open(opt_log_file);
        if (t < 0) {
            fprintf(stderr, "vigild: cannot open log file %s: %s\n", opt_log_file, strerror(-t));
            return -1;
        }
        qb_log_format_set(t, "%t %N[%P] %p: %b");
        qb_log_filter_ctl(t, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
        qb_log_ctl(t, QB_LOG_CONF_ENABLED, QB_TRUE);
    }
    return 0;
}

/* ------------------------------------------------------ readiness (sd) */

/* Tell systemd (Type=notify) that we joined the cluster.  A tiny
 * implementation of sd_notify(3) so that vigild need not link libsystemd. */
static void notify_systemd(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t len;
    int fd;

    if (path == NULL || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
        return;
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    strcpy(sa.sun_path, path);
    if (path[0] == '@')
        sa.sun_path[0] = '\0';
    len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
    if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, (socklen_t)len) < 0)
        qb_log(LOG_WARNING, "systemd: notification failed: %s", strerror(errno));
    close(fd);
}

/* ------------------------------------------------------------ wiring */

static int hook_send(void *ud, vgl_msg *m)
{
    vigild *d = ud;
    GBytes *b = vgl_msg_encode(m);
    gsize len;
    const void *data = g_bytes_get_data(b, &len);
    int rc = vgl_cluster_send(d->cluster, data, len);

    g_bytes_unref(b);
    return rc;
}

static void finish_shutdown(void *ud)
{
    vigild *d = ud;
    g_main_loop_quit(d->loop);
}

static void hook_changed(void *ud, unsigned what)
{
    vigild *d = ud;

    if (d->coord == NULL || d->runner == NULL)
        return;
    if ((what & VGL_CHG_ACTIVE) && !d->ready_notified) {
        d->ready_notified = true;
        notify_systemd("READY=1\nSTATUS=member of the cluster");
    }
    vgl_coord_changed(d->coord, what);
    vgl_runner_changed(d->runner, what);
}

static void hook_dispatched(void *ud, uint64_t tid, GVariant *action)
{
    vigild *d = ud;
    vgl_coord_dispatched(d->coord, tid, action);
    vgl_runner_dispatched(d->runner, tid, action);
}

static void hook_completed(void *ud, uint64_t tid, uint32_t aid, bool ok)
{
    vigild *d = ud;
    vgl_coord_completed(d->coord, tid, aid, ok);
    vgl_runner_changed(d->runner, VGL_CHG_STATUS);
}

static void hook_fence_request(void *ud, const char *target, const char *origin)
{
    vigild *d = ud;
    vgl_coord_fence_request(d->coord, target, origin);
}

static void hook_event(void *ud, const char *kind, GVariant *fields)
{
    vigild *d = ud;
    vgl_alerts_event(d->alerts, vgl_replica_cib(d->replica), kind, fields);
    vgl_control_event(d->control, kind, fields);
}

static GVariant *hook_local_inflight(void *ud)
{
    vigild *d = ud;
    return d->runner ? vgl_runner_inflight(d->runner) : NULL;
}

/* The messages that belong to one view (dropped from the send queue when
 * the view changes); results, attributes and fencing outcomes stay. */
static bool view_bound(const void *data, size_t len, void *ud)
{
    vgl_msg *m = NULL;
    bool bound = false;

    if (vgl_msg_decode(data, len, &m, NULL) != 0)
        return true;
    switch (m->type) {
    case VGL_MSG_ANNOUNCE: case VGL_MSG_SYNC: case VGL_MSG_ACTIONS: case VGL_MSG_CIB_DIFF:
    case VGL_MSG_CHANGE_REQUEST: case VGL_MSG_CIB_APPLIED: case VGL_MSG_CIB_REFUSED:
        bound = true;
        break;
    default:
        break;
    }
    vgl_msg_free(m);
    return bound;
}

static void hook_purge(void *ud)
{
    vigild *d = ud;
    size_t n = vgl_cluster_purge(d->cluster, view_bound, NULL);
    if (n)
        qb_log(LOG_INFO, "cluster: %zu queued messages of the old view dropped", n);
}

static void hook_incompatible(void *ud)
{
    vigild *d = ud;
    d->exit_code = 3;
    g_main_loop_quit(d->loop);
}

static void cl_deliver(void *ud, uint32_t nodeid, uint32_t pid, const void *data, size_t len)
{
    vigild *d = ud;
    vgl_replica_deliver(d->replica, nodeid, data, len);
}

static void cl_confchg(void *ud, const vgl_member *members, size_t n, const vgl_member *left,
                       size_t nl, const vgl_member *joined, size_t nj)
{
    vigild *d = ud;
    vgl_replica_confchg(d->replica, members, n, left, nl, joined, nj);
}

static void cl_quorum(void *ud, bool quorate, bool current)
{
    vigild *d = ud;
    if (d->replica)
        vgl_replica_quorum(d->replica, quorate, current);
}

static void cl_ring(void *ud, uint64_t ring)
{
    vigild *d = ud;
    if (d->replica)
        vgl_replica_ring(d->replica, ring);
}

static void cl_lost(void *ud)
{
    vigild *d = ud;
    d->cluster_lost = true;
    d->exit_code = 1;
    g_main_loop_quit(d->loop);
}

static gboolean escalate(gpointer data)
{
    vigild *d = data;
    d->escalation_src = 0;
    qb_log(LOG_ERR, "shutdown: resources did not move away within %d s; exiting anyway "
           "(the cluster will fence this node)", opt_shutdown_s);
    d->exit_code = 1;
    d->cluster_lost = true; /* leave without cpg_leave: peers treat us as failed */
    g_main_loop_quit(d->loop);
    return G_SOURCE_REMOVE;
}

static void begin_shutdown(void *ud)
{
    vigild *d = ud;

    if (d->shutting_down) {
        qb_log(LOG_NOTICE, "shutdown: already in progress");
        return;
    }
    d->shutting_down = true;
    notify_systemd("STOPPING=1\nSTATUS=handing over resources");
    if (!vgl_replica_is_active(d->replica)) {
        qb_log(LOG_NOTICE, "shutdown: not part of an agreed cluster; leaving at once");
        g_main_loop_quit(d->loop);
        return;
    }
    qb_log(LOG_NOTICE, "shutdown: handing over this node's resources before leaving");
    vgl_replica_leave(d->replica);
    if (opt_shutdown_s > 0)
        d->escalation_src = g_timeout_add_seconds((guint)opt_shutdown_s, escalate, d);
    vgl_runner_changed(d->runner, VGL_CHG_STATUS);
}

static gboolean on_signal(gpointer data)
{
    begin_shutdown(data);
    return G_SOURCE_CONTINUE;
}

/* ----------------------------------------------------------- start-up */

static vgl_cib *load_cib(vigild *d)
{
    GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
    vgl_cib *cib = NULL;
    int rc;

    rc = vgl_cib_store_load(d->store, &cib, errs);
    for (guint i = 0; i < errs->len; i++)
        qb_log(rc == 0 ? LOG_WARNING : LOG_ERR, "cib: %s", (char *)g_ptr_array_index(errs, i));
    g_ptr_array_unref(errs);
    if (rc == -ENOENT || rc == VGL_E_NOT_FOUND || (rc == 0 && cib == NULL)) {
        qb_log(LOG_NOTICE, "cib: no stored CIB in %s; starting empty", vgl_cib_store_dir(d->store));
        return vgl_cib_new();
    }
    if (rc != 0) {
        qb_log(LOG_CRIT, "cib: the stored CIB in %s cannot be used (%s); refusing to start so "
               "that nothing is overwritten", vgl_cib_store_dir(d->store), vgl_strerror(rc));
        return NULL;
    }
    return cib;
}

static int start(vigild *d)
{
    const vgl_cluster_callbacks ccb = { cl_deliver, cl_confchg, cl_quorum, cl_lost, cl_ring };
    const vgl_replica_hooks rh = { hook_send, hook_changed, hook_dispatched, hook_completed,
                                   hook_fence_request, hook_event, hook_local_inflight,
                                   hook_purge, hook_incompatible };
    vgl_runner_opts ro = { 0 };
    vgl_control_ctx cc = { 0 };
    char *name;
    vgl_cib *cib;
    int rc;

    rc = vgl_cib_store_open(opt_state_dir ? opt_state_dir : VGL_STATEDIR_DEFAULT, &d->store);
    if (rc != 0) {
        qb_log(LOG_CRIT, "cib: cannot open the state directory %s: %s",
               opt_state_dir ? opt_state_dir : VGL_STATEDIR_DEFAULT, vgl_strerror(rc));
        return rc;
    }
    if ((cib = load_cib(d)) == NULL)
        return VGL_E_INVALID;
    rc = vgl_cluster_new("vigil", &ccb, d, &d->cluster);
    if (rc != 0) {
        qb_log(LOG_CRIT, "cluster: cannot join corosync's CPG group 'vigil': %s (is corosync running?)",
               vgl_strerror(rc));
        vgl_cib_free(cib);
        return rc;
    }
    name = opt_node_name ? g_strdup(opt_node_name)
                         : vgl_cluster_node_name(d->cluster, vgl_cluster_local_nodeid(d->cluster));
    qb_log(LOG_NOTICE, "vigild %s starting on %s (node id %u, protocol %u..%u%s)", PACKAGE_VERSION,
           name, vgl_cluster_local_nodeid(d->cluster), vgl_msg_proto_min(), vgl_msg_proto_version(),
           vgl_msg_proto_overridden() ? ", test override" : "");
    d->alerts = vgl_alerts_new(name);
    d->replica = vgl_replica_new(name, vgl_cluster_local_nodeid(d->cluster), d->store, cib, &rh, d);
    vgl_replica_use_ring(d->replica);
    {
        size_t nn = 0;
        g_free(vgl_cluster_nodelist(d->cluster, &nn));
        /* Configuration changes need a majority of corosync's nodelist
         * (any one node of a two_node cluster). */
        vgl_replica_set_quorum_size(d->replica, vgl_cluster_two_node(d->cluster) ? 1u
                                                : (unsigned)(nn / 2 + 1));
    }
    d->coord = vgl_coord_new(d->replica);
    ro.ocf_root = opt_ocf_root ? opt_ocf_root : VGL_OCF_ROOT_DEFAULT;
    ro.fence_path = opt_fence_path ? opt_fence_path : "/usr/sbin:/sbin";
    ro.self_fence_hook = opt_self_fence_hook;
    ro.watchdog = opt_watchdog;
    ro.self_fence_ms = opt_self_fence_s > 0 ? (uint32_t)opt_self_fence_s * 1000u : 0;
    ro.shutdown_done = finish_shutdown;
    ro.ud = d;
    d->runner = vgl_runner_new(d->replica, &ro);
    cc.replica = d->replica;
    cc.coord = d->coord;
    cc.runner = d->runner;
    cc.shutdown = begin_shutdown;
    cc.ud = d;
    {
        bool current = false;
        bool q = vgl_cluster_quorum(d->cluster, &current);
        vgl_replica_quorum(d->replica, q, current);
    }
    rc = vgl_control_new(opt_ipc_name ? opt_ipc_name : VGL_IPC_SERVICE, &cc, &d->control);
    if (rc != 0)
        qb_log(LOG_ERR, "ipc: cannot start the IPC server: %s; tools cannot reach this node",
               vgl_strerror(rc));
    g_free(name);
    return 0;
}

static void stop(vigild *d)
{
    vgl_control_free(d->control);
    d->control = NULL;
    vgl_runner_free(d->runner);
    d->runner = NULL;
    vgl_coord_free(d->coord);
    d->coord = NULL;
    vgl_alerts_free(d->alerts);
    d->alerts = NULL;
    if (d->cluster_lost) {
        /* No cpg_leave: the peers must see a failure, not a clean leave. */
        _exit(d->exit_code ? d->exit_code : 1);
    }
    vgl_cluster_free(d->cluster);
    vgl_replica_free(d->replica);
    vgl_cib_store_free(d->store);
}

int main(int argc, char **argv)
{
    GOptionContext *ctx = g_option_context_new("- the Vigil cluster resource manager daemon");
    GError *err = NULL;
    vigild d = { 0 };

    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "vigild runs on every node, joins corosync's CPG group 'vigil', and keeps the\n"
        "configured resources running. It stays in the foreground and logs to stderr.\n"
        "Stop it with SIGTERM (systemctl stop vigil): its resources move to other nodes\n"
        "first and it is not fenced.\n");
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "vigild: %s (see vigild --help)\n", err->message);
        g_error_free(err);
        g_option_context_free(ctx);
        return 2;
    }
    g_option_context_free(ctx);
    if (opt_version) {
        printf("vigild %s (protocol %u, accepts %u..%u%s)\n", PACKAGE_VERSION, vgl_msg_proto_version(),
               vgl_msg_proto_min(), vgl_msg_proto_version(),
               vgl_msg_proto_overridden() ? "; test override" : "");
        return 0;
    }
    if (setup_logging() != 0)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    d.loop = g_main_loop_new(NULL, FALSE);
    if (start(&d) != 0) {
        qb_log_fini();
        return 1;
    }
    g_unix_signal_add(SIGTERM, on_signal, &d);
    g_unix_signal_add(SIGINT, on_signal, &d);
    g_main_loop_run(d.loop);
    qb_log(LOG_NOTICE, "vigild stopping%s", d.cluster_lost ? " (not cleanly)" : "");
    stop(&d);
    g_main_loop_unref(d.loop);
    qb_log_fini();
    return d.exit_code;
}
