/*
 * crmctl_wait.c — --wait: follow the cluster after a change until it has
 * done what was asked, or say why it will not.
 *
 * The event stream is subscribed to before the change is sent (so nothing
 * that follows it can be missed), then: look at the cluster (STATUS and
 * the CIB), run the scheduler on it locally to see where each resource is
 * going, and decide: done (the goal holds and nothing more is planned for
 * the resource), impossible (the scheduler sends it elsewhere: say why,
 * from ha_status_why_not()), or not yet (wait for the next events, print
 * them, look again).  No polling: between looks crmctl sleeps in poll(2)
 * on the event descriptor until vigild reports something or the time is up.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <vigil/client.h>

#include "tools/crmctl.h"
#include "tools/ha_status.h"

#define DEFAULT_WAIT_MS 120000

/* When the command began to wait: before its change was sent. */
static int64_t wait_start;

int crmctl_wait_begin(const crmctl_opts *o)
{
    vgl_client *c = NULL;
    char *err = NULL;
    int rc;

    if (!o->wait)
        return CRMCTL_OK;
    wait_start = g_get_monotonic_time();
    rc = crmctl_client(o, &c);
    if (rc != CRMCTL_OK)
        return rc;
    rc = vgl_client_subscribe(c, NULL, 0, o->timeout_ms, &err);
    if (rc != 0)
        rc = crmctl_fail(o, crmctl_exit_code(rc), "cannot follow the cluster's events: %s",
                         err ? err : vgl_strerror(rc));
    g_free(err);
    return rc;
}

static bool has_node(const char *list, const char *node)
{
    char *l = g_strconcat(",", list, ",", NULL), *n = g_strconcat(",", node, ",", NULL);
    bool hit = strstr(l, n) != NULL;

    g_free(l);
    g_free(n);
    return hit;
}

/* Why nowhere will do: the reason of each node, up to four. */
static char *why_nowhere(const ha_status *st, const char *rsc, const char *except)
{
    GString *s = g_string_new(NULL);
    GVariant *v = g_variant_ref_sink(ha_status_variant(st));
    GVariant *nodes = g_variant_lookup_value(v, "nodes", G_VARIANT_TYPE("aa{sv}"));
    unsigned n = 0;

    for (gsize i = 0; nodes != NULL && i < g_variant_n_children(nodes) && n < 4; i++) {
        GVariant *nd = g_variant_get_child_value(nodes, i);
        const char *name = NULL;
        char *why;
        g_variant_lookup(nd, "name", "&s", &name);
        why = name && g_strcmp0(name, except) != 0 ? ha_status_why_not(st, rsc, name) : NULL;
        if (why != NULL) {
            g_string_append_printf(s, "\n  %s", why);
            n++;
        }
        g_free(why);
        g_variant_unref(nd);
    }
    if (nodes != NULL)
        g_variant_unref(nodes);
    g_variant_unref(v);
    if (n == 0)
        g_string_append(s, "\n  (no simple cause found: see 'crmctl simulate' on 'crmctl config export')");
    return g_string_free(s, FALSE);
}

/* Decide: 1 done, 0 not yet, -1 impossible ([out] *why, caller frees). */
static int judge(const ha_status *st, crmctl_goal goal, const char *rsc, const char *node, char **why)
{
    char *now = NULL, *next = NULL, *w;
    bool settled = false;
    int verdict = 0;

    *why = NULL;
    if (goal == GOAL_NODE_EMPTY) {
        now = ha_status_node_rscs(st, node, false);
        next = ha_status_node_rscs(st, node, true);
        verdict = *now == '\0' ? 1 : *next != '\0' ? -1 : 0;
        if (verdict < 0)
            *why = g_strdup_printf("%s stay%s on %s (unmanaged, or nowhere else to go)", next,
                                   strchr(next, ',') ? "" : "s", node);
        goto done;
    }
    if (!ha_status_rsc_where(st, rsc, &now, &next, &settled)) {
        *why = g_strdup_printf("there is no resource called '%s' any more", rsc);
        return -1;
    }
    switch (goal) {
    case GOAL_ON_NODE:
        verdict = settled && strcmp(now, node) == 0 ? 1 : strcmp(next, node) != 0 ? -1 : 0;
        if (verdict < 0 && (w = ha_status_why_not(st, rsc, node)) != NULL)
            *why = w;
        else if (verdict < 0)
            *why = g_strdup_printf("the scheduler places it on %s", *next ? next : "no node");
        break;
    case GOAL_OFF_NODE:
        verdict = settled && *now && !has_node(now, node) ? 1 : (!*next || has_node(next, node)) ? -1 : 0;
        if (verdict < 0)
            *why = *next ? g_strdup_printf("it stays on %s", node) : why_nowhere(st, rsc, node);
        break;
    case GOAL_STOPPED:
        verdict = settled && !*now ? 1 : *next ? -1 : 0;
        if (verdict < 0)
            *why = g_strdup_printf("it is still wanted on %s (is it unmanaged?)", next);
        break;
    case GOAL_STARTED:
        verdict = settled && *now ? 1 : !*next ? -1 : 0;
        if (verdict < 0)
            *why = why_nowhere(st, rsc, NULL);
        break;
    case GOAL_NODE_EMPTY:
        break;
    }
done:
    g_free(now);
    g_free(next);
    return verdict;
}

/* Print the events waiting on the stream; false when it is gone. */
static bool drain(const crmctl_opts *o, vgl_client *c)
{
    uint32_t type;
    GVariant *fields;
    uint64_t missed;
    int rc;

    while ((rc = vgl_client_event_next(c, 0, &type, &fields, &missed)) == 0 || rc == VGL_E_PROTOCOL) {
        if (rc != 0)
            continue;
        if (!o->json) {
            char *line = ha_status_event_line(fields, false);
            printf("  %s\n", line + strlen("YYYY-MM-DD ")); /* the time of day is enough here */
            g_free(line);
        }
        g_variant_unref(fields);
    }
    fflush(stdout);
    return rc == -EAGAIN;
}

static const char *goal_text(crmctl_goal goal)
{
    switch (goal) {
    case GOAL_ON_NODE: return "run on";
    case GOAL_OFF_NODE: return "leave";
    case GOAL_STOPPED: return "stop";
    case GOAL_STARTED: return "start";
    case GOAL_NODE_EMPTY: return "empty";
    }
    return "?";
}

int crmctl_wait(const crmctl_opts *o, crmctl_goal goal, const char *rsc, const char *node)
{
    int64_t start = wait_start ? wait_start : g_get_monotonic_time();
    int64_t limit = o->timeout_given ? o->timeout_ms : DEFAULT_WAIT_MS;
    const char *what = rsc ? rsc : node;
    vgl_client *c = NULL;
    int rc = crmctl_client(o, &c);

    while (rc == CRMCTL_OK) {
        ha_status *st = NULL;
        char *why = NULL;
        int verdict, left;
        struct pollfd p = { vgl_client_event_fd(c), POLLIN, 0 };

        rc = crmctl_snapshot(o, &st);
        if (rc != CRMCTL_OK)
            break;
        verdict = judge(st, goal, rsc, node, &why);
        /* An action in flight (a start not yet recorded) may still undo
         * what looks done: wait for its result. */
        if (verdict > 0 && ha_status_inflight(st) > 0)
            verdict = 0;
        ha_status_free(st);
        if (verdict != 0) {
            double s = (double)(g_get_monotonic_time() - start) / 1e6;
            if (verdict > 0 && !o->json)
                printf("%s: done after %.1f s\n", what, s);
            rc = verdict > 0 ? CRMCTL_OK
                             : crmctl_fail(o, CRMCTL_ERROR, "%s cannot %s%s%s: %s", what, goal_text(goal),
                                           node && rsc ? " " : "", node && rsc ? node : "", why);
            g_free(why);
            break;
        }
        left = (int)((limit * 1000 - (g_get_monotonic_time() - start)) / 1000);
        if (left <= 0 || poll(&p, 1, left) == 0) {
            rc = crmctl_fail(o, CRMCTL_ERROR, "%s: gave up waiting after %d s; see 'ha-status' "
                                              "(--timeout waits longer)", what, (int)(limit / 1000));
            break;
        }
        if (!drain(o, c))
            rc = crmctl_fail(o, CRMCTL_UNAVAILABLE, "%s: lost the connection to vigild while waiting", what);
    }
    return rc;
}
