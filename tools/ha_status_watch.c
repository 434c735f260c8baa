/*
 * ha_status_watch.c — `ha-status watch`: the cluster, live.
 *
 * Driven by vigild's event stream only: subscribe, draw, then sleep in
 * poll(2) on the event descriptor until vigild reports something; take
 * every event that is waiting, ask for STATUS and the CIB once, redraw.
 * So a burst of events costs one redraw, and an idle cluster costs nothing.
 * On a terminal the view is drawn in the alternate screen, each line
 * cleared to its end (no flicker), redrawn at once on SIGWINCH, with a
 * footer naming the last event.  When the output is not a terminal (a log,
 * a pipe) it prints one timestamped line per event instead, after one line
 * with the state at the start.  If vigild goes away, the view says so and
 * the watcher reconnects once a second until it is back (the only timer
 * here: there is no event stream to wait on without vigild).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vigil/client.h>

#include "tools/ha_status_watch.h"

#define RECONNECT_MS 1000

static volatile sig_atomic_t resized, stopping;

static void on_signal(int sig)
{
    if (sig == SIGWINCH)
        resized = 1;
    else
        stopping = 1;
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGWINCH, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

typedef struct watch {
    const ha_status_cli_opts *o;
    unsigned (*width)(unsigned given);
    bool tty;
    vgl_client *c;
    unsigned long events;
    char *last;          /* the last event's line */
    bool said_down;      /* "vigild is not reachable" already shown */
} watch;

static void now_prefix(char buf[32])
{
    gint64 us = g_get_real_time();
    time_t s = (time_t)(us / 1000000);
    struct tm tm;

    localtime_r(&s, &tm);
    strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
    g_snprintf(buf + strlen(buf), 32 - strlen(buf), ".%03d", (int)((us / 1000) % 1000));
}

/* --------------------------------------------------------------- drawing */

/* Write a whole frame: from the top-left corner, each line cleared to its
 * end, the rest of the screen cleared. */
static void frame(const char *text)
{
    GString *s = g_string_new("\033[H");

    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            g_string_append(s, "\033[K");
        g_string_append_c(s, *p);
    }
    g_string_append(s, "\033[J");
    fwrite(s->str, 1, s->len, stdout);
    fflush(stdout);
    g_string_free(s, TRUE);
}

static char *footer(const watch *w, unsigned width)
{
    char *f = g_strdup_printf("watching: %lu event%s%s%s (Ctrl-C quits)", w->events, w->events == 1 ? "" : "s",
                              w->last ? ", last: " : "", w->last ? w->last + strlen("YYYY-MM-DD ") : "");

    if (g_utf8_strlen(f, -1) > width)
        *g_utf8_offset_to_pointer(f, width) = '\0';
    return f;
}

static void draw(watch *w, const ha_status *st, const char *problem)
{
    unsigned width = w->width(w->o->width);
    char *text = st ? ha_status_text(st, HA_PART_ALL, width, w->o->color) : g_strdup(problem);
    char *foot = footer(w, width);
    char *all = g_strdup_printf("%s\n%s%s%s\n", text, w->o->color ? "\033[2m" : "", foot,
                                w->o->color ? "\033[0m" : "");

    frame(all);
    g_free(all);
    g_free(foot);
    g_free(text);
}

/* Print a line with the current time (line mode). */
static void stamp(const char *text)
{
    char t[32];

    now_prefix(t);
    printf("%s %s\n", t, text);
    fflush(stdout);
}

/* Fetch and show the state: redraw, or in line mode one summary line. */
static bool refresh(watch *w, bool summary)
{
    ha_status *st = NULL;
    char *error = NULL, *line = NULL;
    int rc = ha_status_cli_fetch(w->c, w->o->timeout_ms, &st, &error);

    if (rc != 0) {
        char *msg = g_strdup_printf("cannot get the state from vigild: %s", error ? error : vgl_strerror(rc));
        if (w->tty)
            draw(w, NULL, msg);
        else
            stamp(msg);
        g_free(msg);
    } else if (w->tty) {
        draw(w, st, NULL);
    } else if (summary) {
        ha_status_one_line(st, &line);
        stamp(line);
    }
    g_free(line);
    g_free(error);
    ha_status_free(st);
    return rc != VGL_E_UNAVAILABLE && rc != VGL_E_TIMEOUT;
}

/* ---------------------------------------------------------------- events */

/* Take every waiting event; false when the connection is gone. */
static bool drain(watch *w)
{
    uint32_t type;
    GVariant *fields;
    uint64_t missed;
    int rc;

    while ((rc = vgl_client_event_next(w->c, 0, &type, &fields, &missed)) == 0 || rc == VGL_E_PROTOCOL) {
        if (rc != 0)
            continue;
        if (missed > 0 && !w->tty) {
            char *m = g_strdup_printf("(%" G_GUINT64_FORMAT " events were missed: vigild dropped them "
                                      "because this watcher was slow)", missed);
            stamp(m);
            g_free(m);
        }
        g_free(w->last);
        w->last = ha_status_event_line(fields, false);
        w->events++;
        if (!w->tty) {
            printf("%s\n", w->last);
            fflush(stdout);
        }
        g_variant_unref(fields);
    }
    return rc == -EAGAIN;
}

/* Connect and subscribe; false (after saying so once) when vigild is not
 * there. */
static bool connect_watch(watch *w)
{
    char *err = NULL;
    int rc = vgl_client_connect(getenv("VIGIL_SERVICE"), 0, &w->c);

    if (rc == 0)
        rc = vgl_client_subscribe(w->c, NULL, 0, w->o->timeout_ms, &err);
    if (rc == 0) {
        if (w->said_down && !w->tty)
            stamp("vigild is reachable again");
        w->said_down = false;
        g_free(err);
        return true;
    }
    g_clear_pointer(&w->c, vgl_client_disconnect);
    if (!w->said_down) {
        char *msg = g_strdup_printf("vigild is not reachable (%s); waiting for it to come back",
                                    err ? err : vgl_strerror(rc));
        if (w->tty)
            draw(w, NULL, msg);
        else
            stamp(msg);
        g_free(msg);
        w->said_down = true;
    }
    g_free(err);
    return false;
}

/* Follow the stream until it ends (false) or we are asked to stop. */
static bool follow(watch *w)
{
    while (!stopping) {
        struct pollfd p = { vgl_client_event_fd(w->c), POLLIN, 0 };
        int n = poll(&p, 1, -1);

        if (n < 0 && errno == EINTR) {
            if (resized && w->tty) {
                resized = 0;
                refresh(w, false);
            }
            continue;
        }
        if (!drain(w))
            return false;
        if (w->tty && !refresh(w, false))
            return false;
    }
    return true;
}

int ha_status_watch_run(const ha_status_cli_opts *o, unsigned (*width)(unsigned given))
{
    watch w = { .o = o, .width = width, .tty = isatty(STDOUT_FILENO) != 0 };

    install_signals();
    if (w.tty)
        fputs("\033[?1049h\033[?25l", stdout); /* alternate screen, no cursor */
    while (!stopping) {
        if (!connect_watch(&w)) {
            poll(NULL, 0, RECONNECT_MS);
            continue;
        }
        if (refresh(&w, true) && follow(&w))
            break;
        g_clear_pointer(&w.c, vgl_client_disconnect);
        if (!w.tty && !stopping)
            stamp("lost the connection to vigild");
    }
    if (w.tty)
        fputs("\033[?25h\033[?1049l", stdout);
    fflush(stdout);
    vgl_client_disconnect(w.c);
    g_free(w.last);
    return 0;
}
