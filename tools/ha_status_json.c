/*
 * ha_status_json.c — the snapshot as data (a GVariant, and JSON text made
 * from it) and one line per event of vigild's stream.
 *
 * The JSON writer takes any GVariant, so every crmctl command builds its
 * --json answer with GVariantDict and prints it here.  Optional values are
 * maybe types and come out as null, so machines always find every key.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "tools/ha_status_internal.h"

/* ---------------------------------------------------------------- JSON */

static void json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        default:
            if (*p < 0x20)
                g_string_append_printf(out, "\\u%04x", *p);
            else
                g_string_append_c(out, (char)*p);
        }
    }
    g_string_append_c(out, '"');
}

static void json_value(GString *out, GVariant *v, int depth, bool pretty);

static void json_newline(GString *out, int depth, bool pretty)
{
    if (!pretty)
        return;
    g_string_append_c(out, '\n');
    for (int i = 0; i < depth; i++)
        g_string_append(out, "  ");
}

/* A dictionary with string keys: an object. */
static void json_object(GString *out, GVariant *v, int depth, bool pretty)
{
    gsize n = g_variant_n_children(v);

    g_string_append_c(out, '{');
    for (gsize i = 0; i < n; i++) {
        GVariant *entry = g_variant_get_child_value(v, i);
        GVariant *key = g_variant_get_child_value(entry, 0), *val = g_variant_get_child_value(entry, 1);
        char *k = g_variant_is_of_type(key, G_VARIANT_TYPE_STRING) ? g_variant_dup_string(key, NULL)
                                                                  : g_variant_print(key, FALSE);
        json_newline(out, depth + 1, pretty);
        json_string(out, k);
        g_string_append(out, pretty ? ": " : ":");
        json_value(out, val, depth + 1, pretty);
        if (i + 1 < n)
            g_string_append_c(out, ',');
        g_free(k);
        g_variant_unref(key);
        g_variant_unref(val);
        g_variant_unref(entry);
    }
    if (n > 0)
        json_newline(out, depth, pretty);
    g_string_append_c(out, '}');
}

static void json_array(GString *out, GVariant *v, int depth, bool pretty)
{
    gsize n = g_variant_n_children(v);

    g_string_append_c(out, '[');
    for (gsize i = 0; i < n; i++) {
        GVariant *c = g_variant_get_child_value(v, i);
        json_newline(out, depth + 1, pretty);
        json_value(out, c, depth + 1, pretty);
        if (i + 1 < n)
            g_string_append_c(out, ',');
        g_variant_unref(c);
    }
    if (n > 0)
        json_newline(out, depth, pretty);
    g_string_append_c(out, ']');
}

static void json_value(GString *out, GVariant *v, int depth, bool pretty)
{
    const GVariantType *t = g_variant_get_type(v);

    if (g_variant_type_is_maybe(t)) {
        GVariant *inner = g_variant_get_maybe(v);
        if (inner == NULL) {
            g_string_append(out, "null");
        } else {
            json_value(out, inner, depth, pretty);
            g_variant_unref(inner);
        }
    } else if (g_variant_type_is_variant(t)) {
        GVariant *inner = g_variant_get_variant(v);
        json_value(out, inner, depth, pretty);
        g_variant_unref(inner);
    } else if (g_variant_type_is_array(t) && g_variant_type_is_dict_entry(g_variant_type_element(t))) {
        json_object(out, v, depth, pretty);
    } else if (g_variant_type_is_array(t) || g_variant_type_is_tuple(t)) {
        json_array(out, v, depth, pretty);
    } else if (g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN)) {
        g_string_append(out, g_variant_get_boolean(v) ? "true" : "false");
    } else if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING) ||
               g_variant_is_of_type(v, G_VARIANT_TYPE_OBJECT_PATH) ||
               g_variant_is_of_type(v, G_VARIANT_TYPE_SIGNATURE)) {
        json_string(out, g_variant_get_string(v, NULL));
    } else {
        /* Numbers: GVariant's text form of them is valid JSON. */
        char *s = g_variant_print(v, FALSE);
        g_string_append(out, s);
        g_free(s);
    }
}

char *ha_status_json(GVariant *v, bool pretty)
{
    GString *out = g_string_new(NULL);

    if (v == NULL) {
        g_string_append(out, "null");
    } else {
        g_variant_ref_sink(v);
        json_value(out, v, 0, pretty);
        g_variant_unref(v);
    }
    return g_string_free(out, FALSE);
}

/* ---------------------------------------------------------------- data */

/* Insertion order is kept (a GVariantDict would hash it away), so JSON
 * keys come out in the order people expect. */
static void kv(GVariantBuilder *b, const char *key, GVariant *value)
{
    g_variant_builder_add(b, "{sv}", key, value);
}

static GVariant *opt_str(const char *s)
{
    return g_variant_new_maybe(G_VARIANT_TYPE_STRING, s ? g_variant_new_string(s) : NULL);
}

static GVariant *opt_time(int64_t t)
{
    return g_variant_new_maybe(G_VARIANT_TYPE_INT64, t ? g_variant_new_int64(t) : NULL);
}

static GVariant *cluster_variant(const ha_status *st)
{
    GVariantBuilder d;

    g_variant_builder_init(&d, G_VARIANT_TYPE_VARDICT);
    kv(&d, "node", opt_str(st->self));
    kv(&d, "coordinator", opt_str(st->coordinator));
    kv(&d, "quorate", g_variant_new_boolean((gboolean)st->quorate));
    kv(&d, "view_state", opt_str(st->view_state));
    kv(&d, "epoch", g_variant_new_uint64((guint64)st->epoch));
    kv(&d, "num_updates", g_variant_new_uint64((guint64)st->num_updates));
    kv(&d, "transition", opt_str(st->transition));
    kv(&d, "transition_done", g_variant_new_uint32(st->trans_done));
    kv(&d, "transition_total", g_variant_new_uint32(st->trans_total));
    kv(&d, "inflight", g_variant_new_uint32(st->inflight));
    kv(&d, "stonith_enabled", g_variant_new_boolean((gboolean)st->stonith));
    kv(&d, "maintenance_mode", g_variant_new_boolean((gboolean)st->maintenance));
    kv(&d, "time", g_variant_new_int64((gint64)st->now));
    return g_variant_builder_end(&d);
}

static GVariant *node_variant(gconstpointer p)
{
    const hs_node *n = p;
    GVariantBuilder d;

    g_variant_builder_init(&d, G_VARIANT_TYPE_VARDICT);
    kv(&d, "name", g_variant_new_string(n->name));
    kv(&d, "state", g_variant_new_string(n->state));
    kv(&d, "member", g_variant_new_boolean((gboolean)n->member));
    kv(&d, "coordinator", g_variant_new_boolean((gboolean)n->coordinator));
    kv(&d, "self", g_variant_new_boolean((gboolean)n->self));
    kv(&d, "fenced_at", opt_time(n->fenced_at));
    return g_variant_builder_end(&d);
}

static GVariant *rsc_variant(gconstpointer p)
{
    const hs_rsc *r = p;
    GVariantBuilder d;
    GVariantBuilder cur;
    char **nodes = g_strsplit(r->current ? r->current : "", ",", -1);

    g_variant_builder_init(&cur, G_VARIANT_TYPE("as"));
    for (char **n = nodes; *n != NULL; n++) {
        if (**n != '\0')
            g_variant_builder_add(&cur, "s", *n);
    }
    g_strfreev(nodes);
    g_variant_builder_init(&d, G_VARIANT_TYPE_VARDICT);
    kv(&d, "id", g_variant_new_string(r->id));
    kv(&d, "group", opt_str(r->group));
    kv(&d, "clone", opt_str(r->clone));
    kv(&d, "agent", opt_str(r->agent));
    kv(&d, "state", g_variant_new_string(r->state));
    kv(&d, "current", g_variant_builder_end(&cur));
    kv(&d, "next", opt_str(r->next));
    kv(&d, "disabled", g_variant_new_boolean((gboolean)r->disabled));
    kv(&d, "unmanaged", g_variant_new_boolean((gboolean)r->unmanaged));
    kv(&d, "failed", g_variant_new_boolean((gboolean)r->failed));
    kv(&d, "blocked", g_variant_new_boolean((gboolean)r->blocked));
    kv(&d, "since", opt_time(r->since));
    return g_variant_builder_end(&d);
}

static GVariant *failure_variant(gconstpointer p)
{
    const hs_failure *f = p;
    GVariantBuilder d;

    g_variant_builder_init(&d, G_VARIANT_TYPE_VARDICT);
    kv(&d, "resource", g_variant_new_string(f->rsc));
    kv(&d, "node", g_variant_new_string(f->node));
    kv(&d, "fail_count", g_variant_new_int32(f->fail_count));
    kv(&d, "migration_threshold", g_variant_new_int32(f->threshold));
    kv(&d, "operation", opt_str(f->op));
    kv(&d, "interval_ms", g_variant_new_uint32(f->interval_ms));
    kv(&d, "rc", g_variant_new_int32(f->rc));
    kv(&d, "rc_text", g_variant_new_string(hs_rc_text(f->rc)));
    kv(&d, "reason", opt_str(f->reason));
    kv(&d, "time", opt_time(f->time));
    return g_variant_builder_end(&d);
}

static GVariant *cons_variant(gconstpointer p)
{
    const hs_cons *c = p;
    GVariantBuilder d;

    g_variant_builder_init(&d, G_VARIANT_TYPE_VARDICT);
    kv(&d, "id", g_variant_new_string(c->id));
    kv(&d, "resource", opt_str(c->rsc));
    kv(&d, "node", opt_str(c->node));
    kv(&d, "kind", g_variant_new_string(c->ban ? "ban" : "prefer"));
    kv(&d, "expires", opt_str(c->expires));
    return g_variant_builder_end(&d);
}

static GVariant *fence_variant(gconstpointer p)
{
    const hs_fence *f = p;
    GVariantBuilder d;

    g_variant_builder_init(&d, G_VARIANT_TYPE_VARDICT);
    kv(&d, "target", g_variant_new_string(f->target));
    kv(&d, "action", opt_str(f->action));
    kv(&d, "status", opt_str(f->status));
    kv(&d, "delegate", opt_str(f->delegate));
    kv(&d, "origin", opt_str(f->origin));
    kv(&d, "reason", opt_str(f->reason));
    kv(&d, "completed", opt_time(f->completed));
    kv(&d, "rc", g_variant_new_int32(f->rc));
    return g_variant_builder_end(&d);
}

static GVariant *list(GPtrArray *items, GVariant *(*fn)(gconstpointer))
{
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    for (guint i = 0; i < items->len; i++)
        g_variant_builder_add_value(&b, fn(g_ptr_array_index(items, i)));
    return g_variant_builder_end(&b);
}

GVariant *ha_status_variant(const ha_status *st)
{
    GVariantBuilder d;

    g_variant_builder_init(&d, G_VARIANT_TYPE_VARDICT);
    kv(&d, "cluster", cluster_variant(st));
    kv(&d, "nodes", list(st->nodes, node_variant));
    kv(&d, "resources", list(st->rscs, rsc_variant));
    kv(&d, "failures", list(st->failures, failure_variant));
    kv(&d, "constraints", list(st->cons, cons_variant));
    kv(&d, "fencing", list(st->fencing, fence_variant));
    return g_variant_builder_end(&d);
}

/* -------------------------------------------------------------- events */

static const char *str(GVariant *f, const char *key)
{
    const char *s = NULL;

    return g_variant_lookup(f, key, "&s", &s) ? s : "?";
}

static void event_op(GString *s, GVariant *f)
{
    guint32 interval = 0, exec_ms = 0;
    gint32 rc = 0, expected = 0;
    const char *op = str(f, "op");

    g_variant_lookup(f, "interval", "u", &interval);
    g_variant_lookup(f, "rc", "i", &rc);
    g_variant_lookup(f, "expected", "i", &expected);
    g_variant_lookup(f, "exec_ms", "u", &exec_ms);
    if (strcmp(op, "monitor") == 0 && interval == 0)
        op = "probe";
    g_string_append_printf(s, "op %s %s", str(f, "rsc"), op);
    if (interval > 0) {
        char *iv = hs_interval(interval);
        g_string_append_printf(s, " %s", iv);
        g_free(iv);
    }
    g_string_append_printf(s, " on %s: %s", str(f, "node"), hs_rc_text(rc));
    if (rc != expected)
        g_string_append_printf(s, " (rc %d, expected %d)", rc, expected);
    g_string_append_printf(s, " (%u ms)", exec_ms);
}

static void event_text(GString *s, const char *kind, GVariant *f)
{
    gboolean b = FALSE;
    guint64 t = 0;
    const char *v = NULL;

    if (strcmp(kind, "op") == 0) {
        event_op(s, f);
    } else if (strcmp(kind, "config") == 0) {
        g_variant_lookup(f, "epoch", "t", &t);
        g_string_append_printf(s, "config changed (epoch %" G_GUINT64_FORMAT ")", (guint64)t);
    } else if (strcmp(kind, "attr") == 0) {
        g_variant_lookup(f, "value", "&s", &v);
        if (v != NULL && *v != '\0')
            g_string_append_printf(s, "attr %s %s=%s", str(f, "node"), str(f, "name"), v);
        else
            g_string_append_printf(s, "attr %s %s deleted", str(f, "node"), str(f, "name"));
    } else if (strcmp(kind, "cleanup") == 0) {
        g_string_append_printf(s, "cleanup %s", str(f, "rsc"));
    } else if (strcmp(kind, "view") == 0) {
        g_string_append_printf(s, "view changed, coordinator %s", str(f, "coordinator"));
    } else if (strcmp(kind, "node-left") == 0) {
        g_variant_lookup(f, "clean", "b", &b);
        g_string_append_printf(s, "node %s left %s", str(f, "node"), b ? "cleanly" : "UNCLEANLY");
    } else if (strcmp(kind, "quorum") == 0) {
        g_variant_lookup(f, "quorate", "b", &b);
        g_string_append(s, b ? "quorum: quorate" : "quorum: LOST");
    } else if (strcmp(kind, "fence") == 0) {
        g_variant_lookup(f, "ok", "b", &b);
        g_variant_lookup(f, "reason", "&s", &v);
        g_string_append_printf(s, "fence %s: %s%s%s", str(f, "target"), b ? "ok" : "FAILED",
                               v && *v ? ": " : "", v && *v ? v : "");
    } else if (strcmp(kind, "leaving") == 0) {
        g_string_append_printf(s, "node %s is leaving (vigild stopping)", str(f, "node"));
    } else {
        char *all = g_variant_print(f, FALSE);
        g_string_append_printf(s, "%s %s", kind, all);
        g_free(all);
    }
}

char *ha_status_event_line(GVariant *fields, bool utc)
{
    GString *s = g_string_new(NULL);
    gint64 us = 0;
    const char *kind = NULL;
    time_t secs;
    struct tm tm;
    char buf[32];

    if (fields == NULL || !g_variant_is_of_type(fields, G_VARIANT_TYPE_VARDICT))
        return g_strdup("(malformed event)");
    g_variant_lookup(fields, "time_us", "x", &us);
    secs = (time_t)(us / 1000000);
    if (utc)
        gmtime_r(&secs, &tm);
    else
        localtime_r(&secs, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    g_string_append_printf(s, "%s.%03d ", buf, (int)((us / 1000) % 1000));
    if (!g_variant_lookup(fields, "kind", "&s", &kind))
        kind = "event";
    event_text(s, kind, fields);
    return g_string_free(s, FALSE);
}
