/*
 * exec_child.c — run one agent process: no shell, own session, bounded
 * output capture, timeout that kills the whole process group.
 *
 * Workload: a few agent runs per second per resource at most (monitors),
 * bursts of hundreds at cluster start (probes).  Each run costs one
 * posix_spawn (vfork-like, cheap even from a large daemon), three pipes
 * and three or four main-loop sources.
 *
 * Invariants:
 *  - The agent never sees a file descriptor of ours beyond 0, 1 and 2
 *    (closefrom in the spawn actions), starts with an empty signal mask
 *    and default dispositions, and leads its own session and process
 *    group, so killpg(pid) reaches every process it forked that did not
 *    escape with its own setsid.
 *  - The run ends when the agent process exits.  Pipes are then drained
 *    without blocking and closed: a daemon the agent started may keep the
 *    write ends open forever.
 *  - After a timeout the group gets SIGTERM, then SIGKILL when the agent
 *    exits or the grace period ends, whichever comes first: nothing of a
 *    timed-out run survives it.  After a normal exit the group is left
 *    alone (a start action legitimately leaves its daemon running).
 *  - Exactly one callback per spawned child, always from the main loop,
 *    never from inside vgl__exec_child_spawn(); none after abort.
 */
#include "config.h"

#include "exec_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vigil/vigil.h>

#define DROP_MARKER "[vigil: "

typedef struct child_stream {
    int fd;          /* read end, -1 once closed */
    GSource *src;
    GString *buf;
    size_t dropped;  /* bytes beyond VGL__EXEC_OUTPUT_MAX */
} child_stream;

struct vgl__exec_child {
    GMainContext *ctx;
    pid_t pid;
    child_stream out;
    child_stream err;
    GSource *watch;
    GSource *timer;   /* the timeout, then the kill grace */
    bool timed_out;
    uint32_t grace_ms;
    int64_t start_mono;
    int64_t start_wall;
    vgl__exec_child_fn cb;
    void *user_data;
};

void vgl__exec_give_error(char **error, char *why)
{
    if (error != NULL) {
        *error = why;
    } else {
        g_free(why);
    }
}

bool vgl__exec_plain_name(const char *name)
{
    size_t len;

    if (name == NULL || name[0] == '\0' || name[0] == '.') {
        return false;
    }
    len = strlen(name);
    if (len > 128) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!g_ascii_isalnum(c) && c != '.' && c != '_' && c != '-' && c != '+') {
            return false;
        }
    }
    return true;
}

int vgl__exec_check_executable(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        return -errno;
    }
    if (!S_ISREG(st.st_mode)) {
        return -EACCES;
    }
    if (access(path, X_OK) < 0) {
        return -errno;
    }
    return 0;
}

/* Move fd to 3 or above so that dup2 onto 0..2 in the child never
 * aliases it (a daemon with a closed stdin would otherwise hand fd 0 out). */
static int fd_above_stdio(int fd)
{
    int moved;

    if (fd > 2) {
        return fd;
    }
    moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return moved;
}

static int make_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) < 0) {
        fds[0] = fds[1] = -1;
        return -errno;
    }
    fds[0] = fd_above_stdio(fds[0]);
    fds[1] = fd_above_stdio(fds[1]);
    if (fds[0] < 0 || fds[1] < 0) {
        int rc = -errno;
        if (fds[0] >= 0) {
            close(fds[0]);
        }
        if (fds[1] >= 0) {
            close(fds[1]);
        }
        fds[0] = fds[1] = -1;
        return rc;
    }
    return 0;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static void stream_append(child_stream *s, const char *data, size_t len)
{
    size_t room = VGL__EXEC_OUTPUT_MAX - MIN(s->buf->len, VGL__EXEC_OUTPUT_MAX);
    size_t take = MIN(room, len);

    g_string_append_len(s->buf, data, (gssize) take);
    s->dropped += len - take;
}

/* Read what is there without blocking, at most about budget bytes (a
 * process flooding its output must not hold the main loop).  Returns
 * true while the stream stays open, false at EOF or on an error. */
static bool stream_read(child_stream *s, size_t budget)
{
    char chunk[4096];
    size_t total = 0;

    while (total < budget) {
        ssize_t n = read(s->fd, chunk, sizeof(chunk));
        if (n > 0) {
            stream_append(s, chunk, (size_t) n);
            total += (size_t) n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return n < 0 && errno == EAGAIN;
        }
    }
    return true;
}

static void stream_close(child_stream *s)
{
    if (s->src != NULL) {
        g_source_destroy(s->src);
        g_clear_pointer(&s->src, g_source_unref);
    }
    close_fd(&s->fd);
}

static gboolean stream_ready(gint fd, GIOCondition cond, gpointer data)
{
    child_stream *s = data;

    if (stream_read(s, 64 * 1024)) {
        return G_SOURCE_CONTINUE;
    }
    /* Returning REMOVE destroys the source: only drop our reference. */
    g_clear_pointer(&s->src, g_source_unref);
    close_fd(&s->fd);
    return G_SOURCE_REMOVE;
}

static void stream_watch(vgl__exec_child *c, child_stream *s)
{
    g_unix_set_fd_nonblocking(s->fd, TRUE, NULL);
    s->src = g_unix_fd_source_new(s->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(s->src, G_SOURCE_FUNC(stream_ready), s, NULL);
    g_source_attach(s->src, c->ctx);
}

/* Drain at exit (what the agent wrote is in the pipe; a grandchild that
 * keeps writing gets one pipe's worth more), then mark dropped output. */
static void stream_finish(child_stream *s)
{
    if (s->fd >= 0) {
        (void) stream_read(s, 128 * 1024);
    }
    stream_close(s);
    if (s->dropped > 0) {
        g_string_append_printf(s->buf, "%s" DROP_MARKER "%zu more bytes dropped]\n",
                               (s->buf->len > 0 && s->buf->str[s->buf->len - 1] != '\n')
                                   ? "\n" : "", s->dropped);
    }
}

static void child_free(vgl__exec_child *c)
{
    stream_close(&c->out);
    stream_close(&c->err);
    g_string_free(c->out.buf, TRUE);
    g_string_free(c->err.buf, TRUE);
    if (c->watch != NULL) {
        g_source_destroy(c->watch);
        g_source_unref(c->watch);
    }
    if (c->timer != NULL) {
        g_source_destroy(c->timer);
        g_source_unref(c->timer);
    }
    g_free(c);
}

static void timer_set(vgl__exec_child *c, uint32_t ms, GSourceFunc fn)
{
    if (c->timer != NULL) {
        g_source_destroy(c->timer);
        g_source_unref(c->timer);
    }
    c->timer = g_timeout_source_new(ms);
    g_source_set_callback(c->timer, fn, c, NULL);
    g_source_attach(c->timer, c->ctx);
}

static gboolean on_grace(gpointer data)
{
    vgl__exec_child *c = data;

    (void) killpg(c->pid, SIGKILL);
    g_clear_pointer(&c->timer, g_source_unref);
    return G_SOURCE_REMOVE;
}

static gboolean on_timeout(gpointer data)
{
    vgl__exec_child *c = data;

    c->timed_out = true;
    (void) killpg(c->pid, SIGTERM);
    /* timer_set replaces c->timer, which is this very source: keep it
     * alive until we return by taking it out of c first. */
    g_source_unref(c->timer);
    c->timer = NULL;
    timer_set(c, c->grace_ms, on_grace);
    return G_SOURCE_REMOVE;
}

static void on_exit_status(GPid pid, gint status, gpointer data)
{
    vgl__exec_child *c = data;
    vgl__exec_child_result res = { 0 };

    /* The source is done after this dispatch: forget it so child_free
     * does not destroy it a second time. */
    g_clear_pointer(&c->watch, g_source_unref);
    if (c->timed_out) {
        /* Whatever of the group outlived the agent goes now. */
        (void) killpg(c->pid, SIGKILL);
        res.end = VGL__EXEC_CHILD_TIMEOUT;
    } else if (WIFSIGNALED(status)) {
        res.end = VGL__EXEC_CHILD_SIGNALED;
        res.code = WTERMSIG(status);
    } else {
        res.end = VGL__EXEC_CHILD_EXITED;
        res.code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
    }
    stream_finish(&c->out);
    stream_finish(&c->err);
    res.start_wall = c->start_wall;
    res.exec_ms = (g_get_monotonic_time() - c->start_mono) / 1000;
    res.out = c->out.buf->str;
    res.err = c->err.buf->str;
    c->cb(&res, c->user_data);
    child_free(c);
}

/* Fill the stdin pipe completely before the agent starts: the input is
 * small (bounded below pipe capacity), so no write watch is needed. */
static int input_pipe(const char *input, int *read_end)
{
    int fds[2];
    size_t len = strlen(input), done = 0;
    int rc = make_pipe(fds);

    *read_end = -1;
    if (rc < 0) {
        return rc;
    }
    g_unix_set_fd_nonblocking(fds[1], TRUE, NULL);
    while (done < len) {
        ssize_t n = write(fds[1], input + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            rc = VGL_E_LIMIT;
            break;
        }
        done += (size_t) n;
    }
    close(fds[1]);
    if (rc < 0) {
        close(fds[0]);
        return rc;
    }
    *read_end = fds[0];
    return 0;
}

static int spawn_process(const vgl__exec_child_spec *spec, int in_fd, int out_fd,
                         int err_fd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, all;
    int rc;

    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    if (in_fd >= 0) {
        posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK
                                        | POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawn(pid, spec->path, &fa, &attr, spec->argv, spec->envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return -rc;
}

static bool spec_valid(const vgl__exec_child_spec *spec)
{
    return spec != NULL && spec->path != NULL && spec->path[0] == '/'
           && spec->argv != NULL && spec->argv[0] != NULL && spec->envp != NULL
           && spec->timeout_ms > 0;
}

int vgl__exec_child_spawn(GMainContext *ctx, const vgl__exec_child_spec *spec,
                          vgl__exec_child_fn cb, void *user_data,
                          vgl__exec_child **out)
{
    int in_fd = -1, out_p[2] = { -1, -1 }, err_p[2] = { -1, -1 };
    vgl__exec_child *c = NULL;
    pid_t pid = -1;
    int rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (!spec_valid(spec) || cb == NULL || out == NULL) {
        return -EINVAL;
    }
    if (spec->input != NULL && strlen(spec->input) > VGL__EXEC_INPUT_MAX) {
        return VGL_E_LIMIT;
    }
    if ((spec->input != NULL && (rc = input_pipe(spec->input, &in_fd)) < 0)
        || (rc = make_pipe(out_p)) < 0 || (rc = make_pipe(err_p)) < 0) {
        goto done;
    }
    rc = spawn_process(spec, in_fd, out_p[1], err_p[1], &pid);
    if (rc < 0) {
        goto done;
    }
    c = g_new0(vgl__exec_child, 1);
    c->ctx = ctx;
    c->pid = pid;
    c->cb = cb;
    c->user_data = user_data;
    c->grace_ms = spec->kill_grace_ms > 0 ? spec->kill_grace_ms : VGL__EXEC_KILL_GRACE_MS;
    c->start_mono = g_get_monotonic_time();
    c->start_wall = (int64_t) time(NULL);
    c->out = (child_stream) { .fd = out_p[0], .buf = g_string_sized_new(256) };
    c->err = (child_stream) { .fd = err_p[0], .buf = g_string_sized_new(256) };
    out_p[0] = err_p[0] = -1;
    stream_watch(c, &c->out);
    stream_watch(c, &c->err);
    c->watch = g_child_watch_source_new(pid);
    g_source_set_callback(c->watch, G_SOURCE_FUNC(on_exit_status), c, NULL);
    g_source_attach(c->watch, ctx);
    timer_set(c, spec->timeout_ms, on_timeout);
    *out = c;
done:
    close_fd(&in_fd);
    close_fd(&out_p[0]);
    close_fd(&out_p[1]);
    close_fd(&err_p[0]);
    close_fd(&err_p[1]);
    return rc;
}

void vgl__exec_child_abort(vgl__exec_child *child)
{
    pid_t pid;

    if (child == NULL) {
        return;
    }
    pid = child->pid;
    (void) killpg(pid, SIGKILL);
    /* Destroy the watch first so the main loop does not reap it too. */
    if (child->watch != NULL) {
        g_source_destroy(child->watch);
        g_clear_pointer(&child->watch, g_source_unref);
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    child_free(child);
}

pid_t vgl__exec_child_pid(const vgl__exec_child *child)
{
    return child != NULL ? child->pid : -1;
}

typedef struct sync_run {
    vgl__exec_child_fn cb;
    void *user_data;
    bool done;
} sync_run;

static void sync_done(const vgl__exec_child_result *res, void *data)
{
    sync_run *run = data;

    run->cb(res, run->user_data);
    run->done = true;
}

int vgl__exec_child_run_sync(const vgl__exec_child_spec *spec,
                             vgl__exec_child_fn cb, void *user_data)
{
    GMainContext *ctx;
    vgl__exec_child *child;
    sync_run run = { .cb = cb, .user_data = user_data };
    int rc;

    if (cb == NULL) {
        return -EINVAL;
    }
    ctx = g_main_context_new();
    rc = vgl__exec_child_spawn(ctx, spec, sync_done, &run, &child);
    while (rc == 0 && !run.done) {
        g_main_context_iteration(ctx, TRUE);
    }
    g_main_context_unref(ctx);
    return rc;
}

static void capture_done(const vgl__exec_child_result *res, void *data)
{
    vgl__exec_child_capture *capture = data;

    capture->end = res->end;
    capture->code = res->code;
    capture->out = g_strdup(res->out);
    capture->tail = vgl__exec_child_tail(res);
}

int vgl__exec_child_run_capture(const vgl__exec_child_spec *spec,
                                vgl__exec_child_capture *capture)
{
    if (capture == NULL) {
        return -EINVAL;
    }
    memset(capture, 0, sizeof(*capture));
    return vgl__exec_child_run_sync(spec, capture_done, capture);
}

/* The last non-empty line of text that is not our drop marker. */
static const char *last_line(const char *text, size_t *len)
{
    const char *end = text + strlen(text);

    while (end > text) {
        const char *start;
        while (end > text && g_ascii_isspace(end[-1])) {
            end--;
        }
        start = end;
        while (start > text && start[-1] != '\n') {
            start--;
        }
        if (end > start && !g_str_has_prefix(start, DROP_MARKER)) {
            *len = (size_t) (end - start);
            return start;
        }
        end = start;
    }
    *len = 0;
    return NULL;
}

char *vgl__exec_child_tail(const vgl__exec_child_result *res)
{
    const char *line = NULL;
    size_t len = 0;
    char *tail;

    if (res->err != NULL) {
        line = last_line(res->err, &len);
    }
    if (line == NULL && res->out != NULL) {
        line = last_line(res->out, &len);
    }
    if (line == NULL) {
        return g_strdup("");
    }
    if (len > VGL__EXEC_TAIL_MAX) {
        line += len - VGL__EXEC_TAIL_MAX;
        len = VGL__EXEC_TAIL_MAX;
    }
    tail = g_strndup(line, len);
    for (char *p = tail; *p != '\0'; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
    return tail;
}
