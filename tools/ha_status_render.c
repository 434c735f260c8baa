/*
 * ha_status_render.c — the snapshot as text for a terminal and as one
 * monitoring-plugin line.
 *
 * Every line fits the given width: table columns are sized to their
 * longest cell within a cap, cells are cut with '~' when they must be,
 * and free text is cut at the end.  Colours are ANSI escapes added around
 * cells after fitting, so they never count towards the width.  Colour
 * meaning: green = as it should be, yellow = needs a look (standby, moving,
 * failures), red = act now (no quorum, unclean, failed, cannot run).
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include <vigil/vigil.h>

#include "tools/ha_status_internal.h"

#define C_GREEN "32"
#define C_YELLOW "33"
#define C_RED "31"
#define C_BOLD "1"
#define C_DIM "2"

typedef struct out {
    GString *s;
    unsigned width;
    bool color;
} out;

/* ------------------------------------------------------------- helpers */

char *hs_time(int64_t t, int64_t now, bool utc)
{
    time_t tt = (time_t)t, tn = (time_t)now;
    struct tm a, b;
    char buf[32];

    if (utc) {
        gmtime_r(&tt, &a);
        gmtime_r(&tn, &b);
    } else {
        localtime_r(&tt, &a);
        localtime_r(&tn, &b);
    }
    if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday)
        strftime(buf, sizeof(buf), "%H:%M:%S", &a);
    else
        strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &a);
    return g_strdup(buf);
}

char *hs_interval(uint32_t ms)
{
    if (ms == 0)
        return g_strdup("0");
    if (ms % 3600000 == 0)
        return g_strdup_printf("%uh", ms / 3600000);
    if (ms % 60000 == 0)
        return g_strdup_printf("%umin", ms / 60000);
    if (ms % 1000 == 0)
        return g_strdup_printf("%us", ms / 1000);
    return g_strdup_printf("%ums", ms);
}

const char *hs_rc_text(int rc)
{
    switch (rc) {
    case 0: return "ok";
    case 1: return "generic error";
    case 2: return "invalid parameter";
    case 3: return "unimplemented feature";
    case 4: return "insufficient privileges";
    case 5: return "not installed";
    case 6: return "not configured";
    case 7: return "not running";
    case 8: return "running promoted";
    case 9: return "failed promoted";
    case 190: return "degraded";
    case 191: return "degraded promoted";
    default: return "unknown error";
    }
}

/* Append [in] text cut or padded to exactly w columns (w 0: as is), in
 * colour [in] c (NULL: none). */
static void cell(out *o, const char *text, unsigned w, const char *c)
{
    size_t n = g_utf8_strlen(text, -1);
    GString *t = g_string_new(NULL);

    if (w > 0 && n > w) {
        const char *end = g_utf8_offset_to_pointer(text, w - 1);
        g_string_append_len(t, text, end - text);
        g_string_append_c(t, '~');
        n = w;
    } else {
        g_string_append(t, text);
    }
    if (c != NULL && o->color && t->len > 0)
        g_string_append_printf(o->s, "\033[%sm%s\033[0m", c, t->str);
    else
        g_string_append(o->s, t->str);
    /* Padding goes outside the colour, so end_line() can trim it. */
    for (size_t i = n; w > 0 && i < w; i++)
        g_string_append_c(o->s, ' ');
    g_string_free(t, TRUE);
}

/* A whole line of free text, cut to the width. */
static void line(out *o, const char *c, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void line(out *o, const char *c, const char *fmt, ...)
{
    va_list ap;
    char *text;
    size_t n;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    n = g_utf8_strlen(text, -1);
    cell(o, text, n > o->width ? o->width : 0, c);
    g_string_append_c(o->s, '\n');
    g_free(text);
}

static void heading(out *o, const char *text)
{
    g_string_append_c(o->s, '\n');
    line(o, C_BOLD, "%s", text);
}

/* Drop trailing blanks of the line being built (padding of a last cell). */
static void end_line(out *o)
{
    while (o->s->len > 0 && o->s->str[o->s->len - 1] == ' ')
        g_string_truncate(o->s, o->s->len - 1);
    g_string_append_c(o->s, '\n');
}

/* ------------------------------------------------------------- summary */

static unsigned count_online(const ha_status *st, unsigned *total)
{
    unsigned n = 0;

    for (guint i = 0; i < st->nodes->len; i++) {
        const hs_node *nd = g_ptr_array_index(st->nodes, i);
        n += nd->member;
    }
    *total = st->nodes->len;
    return n;
}

static void draw_summary(out *o, const ha_status *st)
{
    unsigned total, online = count_online(st, &total);
    char *when = hs_time(st->now, st->now, false);
    GString *l2 = g_string_new(NULL);
    char *l1 = g_strdup_printf("Cluster: %s, %u/%u nodes online%s%s", st->quorate ? "quorate" : "NO QUORUM",
                               online, total, st->have_status ? ", coordinator " : "",
                               !st->have_status ? "" : st->coordinator ? st->coordinator : "none");
    size_t n = strlen(l1);

    cell(o, l1, n > o->width ? o->width : 0, st->quorate ? NULL : C_RED);
    if (n + 2 + strlen(when) <= o->width) {
        for (size_t i = n; i < o->width - strlen(when); i++)
            g_string_append_c(o->s, ' ');
        g_string_append(o->s, when);
    }
    g_string_append_c(o->s, '\n');
    g_string_append_printf(l2, "Config epoch %" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT, st->epoch, st->num_updates);
    if (!st->have_status)
        g_string_append(l2, " (from a CIB file)");
    else if (g_strcmp0(st->view_state, "ACTIVE") != 0)
        g_string_append_printf(l2, ", view %s (members still announcing)", st->view_state ? st->view_state : "?");
    if (st->transition != NULL && strcmp(st->transition, "inactive") != 0) {
        g_string_append_printf(l2, ", transition %s", st->transition);
        if (strcmp(st->transition, "idle") != 0)
            g_string_append_printf(l2, " (%u/%u actions)", st->trans_done, st->trans_total);
    }
    if (st->inflight > 0)
        g_string_append_printf(l2, ", %u in flight", st->inflight);
    if (st->self != NULL)
        g_string_append_printf(l2, ", seen from %s", st->self);
    line(o, NULL, "%s", l2->str);
    if (st->maintenance)
        line(o, C_YELLOW, "MAINTENANCE MODE: no resource is started, stopped or monitored");
    if (!st->stonith)
        line(o, C_YELLOW, "Fencing is disabled (stonith-enabled=false): failed nodes are not fenced");
    g_string_free(l2, TRUE);
    g_free(l1);
    g_free(when);
}

/* --------------------------------------------------------------- nodes */

static const char *node_color(const char *state)
{
    if (strcmp(state, "online") == 0)
        return C_GREEN;
    if (strcmp(state, "unclean") == 0)
        return C_RED;
    if (strcmp(state, "offline") == 0 || strcmp(state, "fenced") == 0)
        return C_DIM;
    return C_YELLOW;
}

static unsigned name_width(GPtrArray *items, size_t offset, unsigned cap)
{
    unsigned w = 4;

    for (guint i = 0; i < items->len; i++) {
        const char *name = *(const char **)((const char *)g_ptr_array_index(items, i) + offset);
        w = MAX(w, (unsigned)g_utf8_strlen(name, -1));
    }
    return MIN(w, cap);
}

static void draw_nodes(out *o, const ha_status *st)
{
    unsigned w = name_width(st->nodes, G_STRUCT_OFFSET(hs_node, name), 24);

    heading(o, "Nodes:");
    for (guint i = 0; i < st->nodes->len; i++) {
        const hs_node *n = g_ptr_array_index(st->nodes, i);
        GString *note = g_string_new(NULL);

        if (n->coordinator)
            g_string_append(note, "coordinator");
        if (n->self)
            g_string_append_printf(note, "%sthis node", note->len ? ", " : "");
        if (n->fenced_at != 0 && !n->member) {
            char *t = hs_time(n->fenced_at, st->now, false);
            g_string_append_printf(note, "%s%s %s", note->len ? ", " : "",
                                   strcmp(n->state, "fenced") == 0 ? "at" : "fenced at", t);
            g_free(t);
        }
        g_string_append(o->s, "  ");
        cell(o, n->name, w, NULL);
        g_string_append(o->s, "  ");
        cell(o, n->state, 12, node_color(n->state));
        cell(o, note->str, o->width > w + 16 ? o->width - w - 16 : 1, NULL);
        end_line(o);
        g_string_free(note, TRUE);
    }
    if (st->nodes->len == 0)
        line(o, C_DIM, "  (none known yet)");
}

/* ----------------------------------------------------------- resources */

static char *rsc_where(const ha_status *st, const hs_rsc *r, const char **color)
{
    char *since = r->since ? hs_time(r->since, st->now, false) : NULL;
    char *text;

    *color = C_GREEN;
    if (strcmp(r->state, "Started") == 0) {
        text = g_strdup_printf("Started %s%s%s", r->current, since ? " since " : "", since ? since : "");
    } else if (strcmp(r->state, "Stopped") == 0) {
        /* A clone has an instance per node; those of absent nodes rest. */
        *color = r->disabled || r->clone ? C_DIM : C_RED;
        text = g_strdup(r->disabled ? "Stopped (disabled)" : r->clone ? "Stopped"
                                                                       : "Stopped: cannot run anywhere");
    } else if (strcmp(r->state, "Starting") == 0) {
        *color = C_YELLOW;
        text = g_strdup_printf("Starting on %s", r->next);
    } else if (strcmp(r->state, "Stopping") == 0) {
        *color = C_YELLOW;
        text = g_strdup_printf("Stopping on %s", r->current);
    } else if (strcmp(r->state, "Moving") == 0) {
        *color = C_YELLOW;
        text = g_strdup_printf("Moving %s -> %s", r->current, r->next);
    } else {
        *color = C_RED;
        text = g_strdup_printf("%s on %s", r->state, r->current ? r->current : "?");
    }
    if (r->unmanaged) {
        char *t = g_strconcat(text, " (unmanaged)", NULL);
        g_free(text);
        text = t;
        *color = C_YELLOW;
    }
    g_free(since);
    return text;
}

static void draw_rsc_row(out *o, const ha_status *st, const hs_rsc *r, unsigned indent, unsigned idw,
                         unsigned agw)
{
    const char *color;
    char *where = rsc_where(st, r, &color);
    unsigned used = indent + idw + 2 + (agw ? agw + 2 : 0);

    for (unsigned i = 0; i < indent; i++)
        g_string_append_c(o->s, ' ');
    cell(o, r->id, idw, NULL);
    g_string_append(o->s, "  ");
    if (agw > 0) {
        cell(o, r->agent ? r->agent : "?", agw, C_DIM);
        g_string_append(o->s, "  ");
    }
    cell(o, where, o->width > used ? o->width - used : 1, color);
    end_line(o);
    g_free(where);
}

static void draw_resources(out *o, const ha_status *st)
{
    unsigned idw = name_width(st->rscs, G_STRUCT_OFFSET(hs_rsc, id), 20) + 2;
    unsigned agw = name_width(st->rscs, G_STRUCT_OFFSET(hs_rsc, agent), 26);
    const char *open = NULL;

    /* Leave about 34 columns for "Started node1 since 12:34:56". */
    if (4 + idw + 2 + agw + 2 + 34 > o->width)
        agw = o->width > 4 + idw + 2 + 2 + 34 + 10 ? o->width - (4 + idw + 2 + 2 + 34) : 0;
    heading(o, "Resources:");
    for (guint i = 0; i < st->rscs->len; i++) {
        const hs_rsc *r = g_ptr_array_index(st->rscs, i);
        const char *parent = r->clone ? r->clone : r->group;
        unsigned indent = 2;

        if (parent != NULL) {
            if (g_strcmp0(open, parent) != 0)
                line(o, NULL, "  %s (%s%s)", parent, r->clone ? "clone" : "group",
                     r->clone && r->group ? " of a group" : "");
            open = parent;
            indent = 4;
        } else {
            open = NULL;
        }
        draw_rsc_row(o, st, r, indent, idw - (indent - 2), agw);
    }
    if (st->rscs->len == 0)
        line(o, C_DIM, "  (none configured: see 'crmctl configure --help')");
}

/* ------------------------------------------------ failures, constraints */

static void draw_failures(out *o, const ha_status *st)
{
    if (st->failures->len == 0)
        return;
    heading(o, "Failures:");
    for (guint i = 0; i < st->failures->len; i++) {
        const hs_failure *f = g_ptr_array_index(st->failures, i);
        bool over = f->threshold > 0 && f->fail_count >= f->threshold;
        GString *s = g_string_new(NULL);

        g_string_append_printf(s, "  %s on %s: ", f->rsc, f->node);
        if (f->fail_count >= VGL_INFINITY)
            g_string_append(s, "fail count INFINITY");
        else
            g_string_append_printf(s, "%d failure%s", f->fail_count, f->fail_count == 1 ? "" : "s");
        if (f->threshold > 0)
            g_string_append_printf(s, over ? " (moved away: migration-threshold %d)" : " (moves away at %d)",
                                   f->threshold);
        line(o, over ? C_RED : C_YELLOW, "%s", s->str);
        if (f->op != NULL) {
            char *iv = hs_interval(f->interval_ms), *t = hs_time(f->time, st->now, false);
            line(o, NULL, "      last: %s%s%s %s (rc %d) at %s", f->op, f->interval_ms ? " " : "",
                 f->interval_ms ? iv : "", hs_rc_text(f->rc), f->rc, t);
            g_free(iv);
            g_free(t);
        }
        if (f->reason != NULL)
            line(o, NULL, "      %s", f->reason);
        g_string_free(s, TRUE);
    }
    line(o, C_DIM, "  (forget them with: crmctl resource cleanup RSC)");
}

static void draw_constraints(out *o, const ha_status *st)
{
    if (st->cons->len == 0)
        return;
    heading(o, "Constraints left by move and ban:");
    for (guint i = 0; i < st->cons->len; i++) {
        const hs_cons *c = g_ptr_array_index(st->cons, i);
        line(o, C_YELLOW, "  %s: %s %s %s%s%s", c->id, c->rsc ? c->rsc : "?",
             c->ban ? "is banned from" : "prefers", c->node ? c->node : "?",
             c->expires ? " until " : "", c->expires ? c->expires : "");
    }
    line(o, C_DIM, "  (remove them with: crmctl resource clear RSC)");
}

static void draw_fencing(out *o, const ha_status *st)
{
    if (st->fencing->len == 0)
        return;
    heading(o, "Recent fencing:");
    for (guint i = 0; i < st->fencing->len && i < 5; i++) {
        const hs_fence *f = g_ptr_array_index(st->fencing, i);
        char *t = hs_time(f->completed, st->now, false);
        bool ok = g_strcmp0(f->status, "success") == 0;

        line(o, ok ? NULL : C_RED, "  %s  %s %s: %s%s%s%s%s", t, f->target, f->action ? f->action : "?",
             f->status ? f->status : "?", f->delegate ? " by " : "", f->delegate ? f->delegate : "",
             f->reason ? ": " : "", f->reason ? f->reason : "");
        g_free(t);
    }
}

char *ha_status_text(const ha_status *st, unsigned parts, unsigned width, bool color)
{
    out o = { g_string_new(NULL), width < 40 ? 40 : width, color };

    if (st == NULL)
        return g_string_free(o.s, FALSE);
    if (parts & HA_PART_SUMMARY)
        draw_summary(&o, st);
    if (parts & HA_PART_NODES)
        draw_nodes(&o, st);
    if (parts & HA_PART_RESOURCES)
        draw_resources(&o, st);
    if (parts & HA_PART_FAILURES)
        draw_failures(&o, st);
    if (parts & HA_PART_CONSTRAINTS)
        draw_constraints(&o, st);
    if (parts & HA_PART_FENCING)
        draw_fencing(&o, st);
    /* A part drawn alone starts with its heading, not a blank line. */
    if (o.s->len > 0 && o.s->str[0] == '\n')
        g_string_erase(o.s, 0, 1);
    return g_string_free(o.s, FALSE);
}

/* ------------------------------------------------------------ one line */

typedef struct verdict {
    int code;
    GPtrArray *why; /* char *, worst first */
    unsigned critical;
} verdict;

static void flag(verdict *v, int code, char *text)
{
    if (code > v->code)
        v->code = code;
    /* Critical reasons first, each kind in the order found. */
    if (code == 2)
        g_ptr_array_insert(v->why, (gint)v->critical++, text);
    else
        g_ptr_array_add(v->why, text);
}

static void judge_nodes(const ha_status *st, verdict *v)
{
    if (!st->quorate)
        flag(v, 2, g_strdup("no quorum"));
    for (guint i = 0; i < st->nodes->len; i++) {
        const hs_node *n = g_ptr_array_index(st->nodes, i);
        if (strcmp(n->state, "unclean") == 0)
            flag(v, 2, g_strdup_printf("%s unclean", n->name));
        else if (strcmp(n->state, "online") != 0)
            flag(v, 1, g_strdup_printf("%s %s", n->name, n->state));
    }
}

/* Clone instances that cannot run are normal (one per node, and nodes
 * come and go): a clone is in trouble only when no instance runs. */
static void judge_clones(const ha_status *st, verdict *v)
{
    GHashTable *running = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < st->rscs->len; i++) {
        const hs_rsc *r = g_ptr_array_index(st->rscs, i);
        if (r->clone == NULL || r->disabled)
            continue;
        g_hash_table_add(seen, r->clone);
        if (r->current != NULL || r->next != NULL)
            g_hash_table_add(running, r->clone);
    }
    for (guint i = 0; i < st->rscs->len; i++) {
        const hs_rsc *r = g_ptr_array_index(st->rscs, i);
        if (r->clone != NULL && g_hash_table_remove(seen, r->clone) && !g_hash_table_contains(running, r->clone))
            flag(v, 2, g_strdup_printf("%s cannot run", r->clone));
    }
    g_hash_table_destroy(running);
    g_hash_table_destroy(seen);
}

static void judge_resources(const ha_status *st, verdict *v, unsigned *running, unsigned *wanted)
{
    for (guint i = 0; i < st->rscs->len; i++) {
        const hs_rsc *r = g_ptr_array_index(st->rscs, i);
        if (r->current != NULL)
            (*running)++;
        if (!r->disabled && (r->clone == NULL || r->current != NULL || r->next != NULL))
            (*wanted)++;
        if (r->failed || r->blocked)
            flag(v, 2, g_strdup_printf("%s %s", r->id, r->failed ? "failed" : "blocked"));
        else if (r->current == NULL && r->next == NULL && !r->disabled && !r->unmanaged && r->clone == NULL)
            flag(v, 2, g_strdup_printf("%s cannot run", r->id));
    }
    judge_clones(st, v);
    for (guint i = 0; i < st->failures->len; i++) {
        const hs_failure *f = g_ptr_array_index(st->failures, i);
        if (f->fail_count > 0)
            flag(v, 1, g_strdup_printf("%s failed on %s", f->rsc, f->node));
    }
    for (guint i = 0; i < st->cons->len; i++) {
        const hs_cons *c = g_ptr_array_index(st->cons, i);
        flag(v, 1, g_strdup_printf("%s left by %s", c->id, c->ban ? "ban" : "move"));
    }
    if (st->maintenance)
        flag(v, 1, g_strdup("maintenance mode"));
}

int ha_status_one_line(const ha_status *st, char **out_line)
{
    static const char *const names[] = { "OK", "WARNING", "CRITICAL" };
    verdict v = { 0, g_ptr_array_new_with_free_func(g_free), 0 };
    unsigned total, online = count_online(st, &total), running = 0, wanted = 0, failures = 0;
    GString *s = g_string_new(NULL);

    judge_nodes(st, &v);
    judge_resources(st, &v, &running, &wanted);
    for (guint i = 0; i < st->failures->len; i++)
        failures += ((hs_failure *)g_ptr_array_index(st->failures, i))->fail_count > 0;
    g_string_append_printf(s, "VIGIL %s: ", names[v.code]);
    for (guint i = 0; i < v.why->len && i < 3; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", (const char *)g_ptr_array_index(v.why, i));
    if (v.why->len > 3)
        g_string_append_printf(s, " (+%u more)", v.why->len - 3);
    if (v.why->len > 0)
        g_string_append(s, "; ");
    g_string_append_printf(s, "%u/%u nodes online, %u/%u resources running", online, total, running, wanted);
    g_string_append_printf(s, " | nodes_online=%u;;;0;%u resources_running=%u;;;0;%u failures=%u", online,
                           total, running, wanted, failures);
    *out_line = g_string_free(s, FALSE);
    g_ptr_array_unref(v.why);
    return v.code;
}
