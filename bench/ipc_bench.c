/*
 * ipc_bench.c — IPC round trip between a tool and vigild's IPC server.
 *
 * Forks a server (daemon/ipc.c on a glib main loop, nothing else) and, from
 * the parent, sends PINGs one after the other through the client library,
 * timing each.  Prints the median, the 99th percentile and the maximum, for
 * an empty PING and for one carrying a 4 KiB echo.  Goal: median < 1 ms.
 * Also prints the server's resident memory (VmRSS, and the part of it that
 * is libqb's shared rings) before any client, after the pings, and with 20
 * more clients connected, since vigild's budget is 8 MB.
 *
 *   bench/ipc_bench [COUNT]      (default 10000)
 */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vigil/client.h>

#include "daemon/ipc.h"

static gboolean on_term(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

static int serve(const char *name, int ready_fd)
{
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    vgl_ipc_server *s = NULL;

    if (vgl_ipc_server_new(name, NULL, 0, NULL, &s) != 0) {
        return 1;
    }
    g_unix_signal_add(SIGTERM, on_term, loop);
    if (write(ready_fd, "r", 1) != 1) {
        return 1;
    }
    close(ready_fd);
    g_main_loop_run(loop);
    vgl_ipc_server_free(s);
    g_main_loop_unref(loop);
    return 0;
}

/* VmRSS and RssShmem of PID, in kB, as "N kB (shm M kB)". */
static void rss_print(pid_t pid, const char *when)
{
    char path[64], *text = NULL, *rss, *shm;

    g_snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return;
    }
    rss = strstr(text, "VmRSS:");
    shm = strstr(text, "RssShmem:");
    if (rss != NULL && shm != NULL) {
        printf("server memory %s: VmRSS %ld kB, of which libqb rings (RssShmem) %ld kB\n", when,
               strtol(rss + 6, NULL, 10), strtol(shm + 9, NULL, 10));
    }
    g_free(text);
}

static int cmp_i64(const void *a, const void *b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

    return (x > y) - (x < y);
}

/* Time COUNT pings with an echo of ECHO bytes; print one line. */
static int measure(vgl_client *c, int count, size_t echo, const char *label)
{
    gint64 *us = g_new(gint64, count);
    char *pad = g_strnfill(echo, 'e');
    int rc = 0;

    for (int i = 0; i < count + 100 && rc == 0; i++) {
        GVariant *fields = echo > 0 ? g_variant_new_parsed("{'echo': <%s>}", pad) : NULL;
        gint64 t0 = g_get_monotonic_time();

        rc = vgl_client_request(c, VGL_IPC_PING, fields, 5000, NULL, NULL);
        if (i >= 100) {            /* the first 100 warm up */
            us[i - 100] = g_get_monotonic_time() - t0;
        }
    }
    if (rc == 0) {
        qsort(us, (size_t)count, sizeof(*us), cmp_i64);
        printf("ipc round trip, %s, %d requests: median %" G_GINT64_FORMAT " us, p99 %" G_GINT64_FORMAT
               " us, max %" G_GINT64_FORMAT " us (goal: median < 1000 us)\n",
               label, count, us[count / 2], us[count * 99 / 100], us[count - 1]);
    } else {
        fprintf(stderr, "ipc_bench: PING failed: %s\n", vgl_strerror(rc));
    }
    g_free(pad);
    g_free(us);
    return rc;
}

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 10000;
    char name[64];
    vgl_client *c = NULL;
    int pfd[2], rc, status;
    pid_t pid;
    char ready;

    if (count <= 0) {
        fprintf(stderr, "usage: %s [COUNT]\n", argv[0]);
        return 2;
    }
    g_snprintf(name, sizeof(name), "vigil-bench-%d", (int)getpid());
    if (pipe(pfd) != 0) {
        return 1;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        _exit(serve(name, pfd[1]));
    }
    close(pfd[1]);
    if (pid < 0 || read(pfd[0], &ready, 1) != 1) {
        fprintf(stderr, "ipc_bench: the server did not start\n");
        return 1;
    }
    close(pfd[0]);
    rss_print(pid, "before any client");
    rc = vgl_client_connect(name, 0, &c);
    if (rc == 0) {
        rc = measure(c, count, 0, "empty PING");
    }
    if (rc == 0) {
        rc = measure(c, count, 4096, "PING with 4 KiB echo");
    }
    if (rc == 0) {
        vgl_client *more[20] = { NULL };

        rss_print(pid, "with 1 client, after the pings");
        for (int i = 0; i < 20 && rc == 0; i++) {
            rc = vgl_client_connect(name, 0, &more[i]);
            rc = rc == 0 ? vgl_client_request(more[i], VGL_IPC_PING, NULL, 5000, NULL, NULL) : rc;
        }
        rss_print(pid, "with 21 clients");
        for (int i = 0; i < 20; i++) {
            vgl_client_disconnect(more[i]);
        }
    }
    vgl_client_disconnect(c);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    return rc == 0 ? 0 : 1;
}
