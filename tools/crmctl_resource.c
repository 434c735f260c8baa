/*
 * crmctl_resource.c — 'crmctl resource SUBCOMMAND': list, show, create,
 * update, delete, start, stop, restart, cleanup, failcount.  move, ban and
 * clear live in crmctl_move.c.
 *
 * vigild offers CIB changes, not resource verbs, so each verb is composed
 * here: start/stop set the meta attribute target-role, update puts the
 * primitive back with new parameters, delete deletes it (with the
 * constraints that name it under --force), cleanup is vigild's one
 * resource operation.  --wait follows the cluster until the resource is
 * where the verb wants it (crmctl_wait.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <vigil/ipc_proto.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl.h"
#include "tools/crmctl_resource.h"
#include "tools/ha_status.h"

/* ------------------------------------------------------------- helpers */

int crmctl_rsc_snapshot(const crmctl_opts *o, const char *rsc, ha_status **st)
{
    int rc = crmctl_snapshot(o, st);

    if (rc == CRMCTL_OK && rsc != NULL && !ha_status_has_rsc(*st, rsc)) {
        g_clear_pointer(st, ha_status_free);
        rc = crmctl_fail(o, CRMCTL_NOT_FOUND, "no resource called '%s' (see 'crmctl resource list')", rsc);
    }
    return rc;
}

/* The variant of one part of the snapshot ("resources", "failures"...). */
static GVariant *part(const ha_status *st, const char *name)
{
    GVariant *all = g_variant_ref_sink(ha_status_variant(st));
    GVariant *p = g_variant_lookup_value(all, name, NULL);

    g_variant_unref(all);
    return p;
}

/* ---------------------------------------------------------------- list */

static int rsc_list(const crmctl_opts *o)
{
    ha_status *st = NULL;
    int rc = crmctl_snapshot(o, &st);
    char *text;

    if (rc != CRMCTL_OK)
        return rc;
    text = ha_status_text(st, HA_PART_RESOURCES, crmctl_width(o), crmctl_color());
    crmctl_print(o, o->json ? part(st, "resources") : NULL, text);
    g_free(text);
    ha_status_free(st);
    return CRMCTL_OK;
}

/* ---------------------------------------------------------------- show */

/* The resource called id in the live configuration, in a document the
 * caller frees ([out] *doc); NULL when there is none. */
static xmlNode *config_element(const crmctl_opts *o, const char *id, xmlDoc **doc, int *rc)
{
    xmlNode *config = NULL;

    *rc = crmctl_config_doc(o, doc, &config);
    return crm_syntax_find(crm_syntax_child(config, "resources"), id);
}

/* Constraints that name rsc, as statements. */
static char *constraints_of(xmlNode *el, const char *rsc)
{
    xmlNode *config = el, *cons;
    GString *s = g_string_new(NULL);

    while (config != NULL && strcmp((const char *)config->name, "configuration") != 0)
        config = config->parent;
    cons = crm_syntax_child(config, "constraints");
    for (xmlNode *c = cons ? cons->children : NULL; c != NULL; c = c->next) {
        static const char *const refs[] = { "rsc", "with-rsc", "first", "then", NULL };
        for (size_t i = 0; refs[i] != NULL; i++) {
            if (g_strcmp0(crm_syntax_attr(c, refs[i]), rsc) == 0) {
                char *stmt = crm_syntax_print_element(c);
                g_string_append(s, stmt);
                g_free(stmt);
                break;
            }
        }
    }
    return g_string_free(s, FALSE);
}

static int rsc_show(const crmctl_opts *o)
{
    const char *rsc = o->argv[0];
    char *now = NULL, *next = NULL, *stmt, *cons;
    xmlDoc *doc = NULL;
    xmlNode *el = NULL;
    ha_status *st = NULL;
    GString *text;
    int rc = crmctl_rsc_snapshot(o, rsc, &st);

    if (rc == CRMCTL_OK)
        el = config_element(o, rsc, &doc, &rc);
    if (rc != CRMCTL_OK)
        goto done;
    if (el == NULL) {
        rc = crmctl_fail(o, CRMCTL_NOT_FOUND, "no resource called '%s'", rsc);
        goto done;
    }
    stmt = crm_syntax_print_element(el);
    cons = constraints_of(el, rsc);
    ha_status_rsc_where(st, rsc, &now, &next, NULL);
    text = g_string_new(stmt);
    if (*cons != '\0')
        g_string_append_printf(text, "\nconstraints:\n%s", cons);
    g_string_append_printf(text, "\nruns on: %s\n", *now ? now : "(nowhere)");
    if (strcmp(now, next) != 0)
        g_string_append_printf(text, "going to: %s\n", *next ? next : "(stop)");
    crmctl_print(o, g_variant_new_parsed("{'id': <%s>, 'configuration': <%s>, 'constraints': <%s>,"
                                         " 'running_on': <%s>, 'next': <%s>}",
                                         rsc, stmt, cons, now, next),
                 text->str);
    g_string_free(text, TRUE);
    g_free(stmt);
    g_free(cons);
done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    g_free(now);
    g_free(next);
    ha_status_free(st);
    return rc;
}

/* ------------------------------------------------------- create, update */

static int rsc_create(const crmctl_opts *o)
{
    GString *text = g_string_new(NULL);
    ha_status *st = NULL;
    int rc = crmctl_snapshot(o, &st);

    if (rc == CRMCTL_OK && ha_status_has_rsc(st, o->argv[0]))
        rc = crmctl_fail(o, CRMCTL_INVALID, "a resource called '%s' exists already; change it with 'crmctl "
                                            "resource update' or replace it with 'crmctl configure'", o->argv[0]);
    if (rc != CRMCTL_OK)
        goto done;
    g_string_append_printf(text, "primitive %s %s", o->argv[0], o->argv[1]);
    for (int i = 2; i < o->argc; i++) {
        const char *eq = strchr(o->argv[i], '=');
        char *q = crm_syntax_quote(eq ? eq + 1 : o->argv[i]);
        if (i == 2 && eq != NULL)
            g_string_append(text, " params");
        g_string_append_printf(text, " %.*s%s", eq ? (int)(eq - o->argv[i] + 1) : 0, o->argv[i], q ? q : "");
        g_free(q);
    }
    if (o->group != NULL) {
        g_string_append_printf(text, "\ngroup %s", o->group);
        if (ha_status_has_rsc(st, o->group)) {
            /* The group's primitives, in order, then the new one. */
            GVariant *rs = part(st, "resources");
            for (gsize i = 0; i < g_variant_n_children(rs); i++) {
                GVariant *r = g_variant_get_child_value(rs, i);
                const char *id = NULL, *grp = NULL;
                GVariant *g = g_variant_lookup_value(r, "group", G_VARIANT_TYPE("ms"));
                g_variant_lookup(r, "id", "&s", &id);
                if (g != NULL && g_variant_n_children(g) == 1)
                    g_variant_get(g, "m&s", &grp);
                if (g_strcmp0(grp, o->group) == 0)
                    g_string_append_printf(text, " %s", id);
                if (g != NULL)
                    g_variant_unref(g);
                g_variant_unref(r);
            }
            g_variant_unref(rs);
        }
        g_string_append_printf(text, " %s", o->argv[0]);
    }
    rc = crmctl_apply_text(o, text->str, "create", false, "create");
done:
    g_string_free(text, TRUE);
    ha_status_free(st);
    return rc;
}

/* Set or drop parameter NAME=VALUE (value NULL: drop) in primitive el. */
static bool set_param(xmlNode *el, const char *name, const char *value)
{
    xmlNode *set = crm_syntax_child(el, "instance_attributes");
    char *id;

    for (xmlNode *nv = set ? set->children : NULL; nv != NULL; nv = nv->next) {
        if (g_strcmp0(crm_syntax_attr(nv, "name"), name) != 0)
            continue;
        if (value != NULL) {
            xmlSetProp(nv, BAD_CAST "value", BAD_CAST value);
        } else {
            xmlUnlinkNode(nv);
            xmlFreeNode(nv);
        }
        return true;
    }
    if (value == NULL)
        return false;
    if (set == NULL) {
        id = g_strconcat(crm_syntax_attr(el, "id"), "-instance_attributes", NULL);
        set = xmlNewChild(el, NULL, BAD_CAST "instance_attributes", NULL);
        xmlNewProp(set, BAD_CAST "id", BAD_CAST id);
        g_free(id);
    }
    id = g_strconcat(crm_syntax_attr(set, "id"), "-", name, NULL);
    g_strcanon(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.", '.');
    set = xmlNewChild(set, NULL, BAD_CAST "nvpair", NULL);
    xmlNewProp(set, BAD_CAST "id", BAD_CAST id);
    xmlNewProp(set, BAD_CAST "name", BAD_CAST name);
    xmlNewProp(set, BAD_CAST "value", BAD_CAST value);
    g_free(id);
    return true;
}

/* NAME=VALUE (or NAME with --delete) arguments into [out] names/values. */
static int update_args(const crmctl_opts *o, GPtrArray *names, GPtrArray *values)
{
    for (int i = 1; i < o->argc; i++) {
        const char *eq = strchr(o->argv[i], '=');
        if (o->del == (eq != NULL) || eq == o->argv[i])
            return crmctl_fail(o, CRMCTL_USAGE, "'%s': give NAME=VALUE to set, or NAME with --delete", o->argv[i]);
        g_ptr_array_add(names, eq ? g_strndup(o->argv[i], (gsize)(eq - o->argv[i])) : g_strdup(o->argv[i]));
        g_ptr_array_add(values, eq ? g_strdup(eq + 1) : NULL);
    }
    return CRMCTL_OK;
}

static int update_params(const crmctl_opts *o, GPtrArray *names, GPtrArray *values, GVariantBuilder *ops)
{
    const char *rsc = o->argv[0];
    char *xml;
    xmlDoc *doc = NULL;
    xmlNode *el;
    xmlBuffer *buf;
    int rc;

    el = config_element(o, rsc, &doc, &rc);
    if (rc != CRMCTL_OK)
        return rc;
    if (el == NULL || strcmp((const char *)el->name, "primitive") != 0) {
        rc = crmctl_fail(o, el ? CRMCTL_INVALID : CRMCTL_NOT_FOUND,
                         el ? "'%s' is a %s: only primitives have parameters (use --meta, or update its members)"
                            : "no resource called '%s'%s", rsc, el ? (const char *)el->name : "");
        goto done;
    }
    for (guint i = 0; i < names->len && rc == CRMCTL_OK; i++) {
        if (!set_param(el, names->pdata[i], values->pdata[i]))
            rc = crmctl_fail(o, CRMCTL_NOT_FOUND, "%s has no parameter '%s'", rsc, (char *)names->pdata[i]);
    }
    if (rc != CRMCTL_OK)
        goto done;
    buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, el, 0, 0);
    xml = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    g_variant_builder_add_value(ops, crmctl_op("put", "section", "resources", "xml", xml, NULL));
    g_free(xml);
done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    return rc;
}

static int rsc_update(const crmctl_opts *o)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free), *values = g_ptr_array_new_with_free_func(g_free);
    GVariantBuilder ops;
    ha_status *st = NULL;
    int rc = update_args(o, names, values);

    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    if (rc == CRMCTL_OK)
        rc = crmctl_rsc_snapshot(o, o->argv[0], &st);
    if (rc == CRMCTL_OK && o->meta) {
        for (guint i = 0; i < names->len; i++)
            g_variant_builder_add_value(&ops, crmctl_op("set-rsc-meta", "rsc", o->argv[0], "name", names->pdata[i],
                                                        "value", values->pdata[i], NULL));
    } else if (rc == CRMCTL_OK) {
        rc = update_params(o, names, values, &ops);
    }
    if (rc == CRMCTL_OK)
        rc = crmctl_change(o, g_variant_builder_end(&ops), "update");
    else
        g_variant_builder_clear(&ops);
    if (rc == CRMCTL_OK && !o->dry_run)
        crmctl_print(o, g_variant_new_parsed("{'resource': <%s>, 'updated': <true>}", o->argv[0]),
                     "updated (vigild reloads or restarts it as its agent requires)");
    ha_status_free(st);
    g_ptr_array_unref(names);
    g_ptr_array_unref(values);
    return rc;
}

/* ---------------------------------------------------------------- delete */

static int rsc_delete(const crmctl_opts *o)
{
    const char *rsc = o->argv[0];
    char *now = NULL, *next = NULL;
    ha_status *st = NULL;
    GVariantBuilder op, ops;
    int rc = crmctl_rsc_snapshot(o, rsc, &st);

    if (rc != CRMCTL_OK)
        return rc;
    ha_status_rsc_where(st, rsc, &now, &next, NULL);
    if (*now != '\0' && !o->force) {
        rc = crmctl_fail(o, CRMCTL_ERROR, "%s runs on %s: stop it first ('crmctl resource stop %s --wait'), or "
                                          "use --force to delete it anyway (vigild then stops it)", rsc, now, rsc);
        goto done;
    }
    g_variant_builder_init(&op, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&op, "{sv}", "op", g_variant_new_string("delete"));
    g_variant_builder_add(&op, "{sv}", "id", g_variant_new_string(rsc));
    g_variant_builder_add(&op, "{sv}", "cascade", g_variant_new_boolean(o->force));
    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(&ops, g_variant_builder_end(&op));
    rc = crmctl_change(o, g_variant_builder_end(&ops), rsc);
    if (rc == CRMCTL_INVALID && !o->force)
        fprintf(stderr, "  (--force also deletes the constraints that refer to it)\n");
    if (rc == CRMCTL_OK && !o->dry_run)
        crmctl_print(o, g_variant_new_parsed("{'resource': <%s>, 'deleted': <true>}", rsc), "deleted");
done:
    g_free(now);
    g_free(next);
    ha_status_free(st);
    return rc;
}

/* ---------------------------------------------------- start, stop, restart */

int crmctl_rsc_target_role(const crmctl_opts *o, const char *rsc, const char *role, crmctl_goal goal)
{
    GVariantBuilder ops;
    int rc = crmctl_wait_begin(o);

    if (rc != CRMCTL_OK)
        return rc;
    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(&ops, crmctl_op("set-rsc-meta", "rsc", rsc, "name", "target-role", "value", role, NULL));
    rc = crmctl_change(o, g_variant_builder_end(&ops), rsc);
    if (rc != CRMCTL_OK || o->dry_run)
        return rc;
    if (!o->json)
        printf("%s: target-role=%s%s\n", rsc, role, o->wait ? "" : " (add --wait to follow it)");
    rc = o->wait ? crmctl_wait(o, goal, rsc, NULL) : CRMCTL_OK;
    if (rc == CRMCTL_OK)
        crmctl_print(o, g_variant_new_parsed("{'resource': <%s>, 'target_role': <%s>}", rsc, role), NULL);
    return rc;
}

static int rsc_start(const crmctl_opts *o)
{
    ha_status *st = NULL;
    int rc = crmctl_rsc_snapshot(o, o->argv[0], &st);

    ha_status_free(st);
    return rc == CRMCTL_OK ? crmctl_rsc_target_role(o, o->argv[0], "Started", GOAL_STARTED) : rc;
}

static int rsc_stop(const crmctl_opts *o)
{
    ha_status *st = NULL;
    int rc = crmctl_rsc_snapshot(o, o->argv[0], &st);

    ha_status_free(st);
    return rc == CRMCTL_OK ? crmctl_rsc_target_role(o, o->argv[0], "Stopped", GOAL_STOPPED) : rc;
}

static int rsc_restart(const crmctl_opts *o)
{
    crmctl_opts w = *o;
    char *now = NULL, *next = NULL;
    ha_status *st = NULL;
    int rc = crmctl_rsc_snapshot(o, o->argv[0], &st);

    if (rc != CRMCTL_OK)
        return rc;
    ha_status_rsc_where(st, o->argv[0], &now, &next, NULL);
    ha_status_free(st);
    if (*now == '\0')
        rc = crmctl_fail(o, CRMCTL_ERROR, "%s is not running; start it with 'crmctl resource start %s'",
                         o->argv[0], o->argv[0]);
    g_free(now);
    g_free(next);
    w.wait = true; /* a restart must see the stop through before it starts */
    if (rc == CRMCTL_OK)
        rc = crmctl_rsc_target_role(&w, o->argv[0], "Stopped", GOAL_STOPPED);
    if (rc == CRMCTL_OK)
        rc = crmctl_rsc_target_role(&w, o->argv[0], "Started", GOAL_STARTED);
    return rc;
}

/* -------------------------------------------------- cleanup, failcount */

static int cleanup_one(const crmctl_opts *o, const char *rsc, const char *node)
{
    GVariantBuilder f;
    int rc;

    g_variant_builder_init(&f, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&f, "{sv}", "op", g_variant_new_string("cleanup"));
    g_variant_builder_add(&f, "{sv}", "resource", g_variant_new_string(rsc));
    if (node != NULL)
        g_variant_builder_add(&f, "{sv}", "node", g_variant_new_string(node));
    rc = crmctl_request(o, VGL_IPC_RESOURCE_OP, g_variant_builder_end(&f), rsc, NULL);
    if (rc == CRMCTL_OK && !o->json)
        printf("%s: history and fail counts forgotten on %s\n", rsc, node ? node : "every node");
    return rc;
}

/* The resources with failures in the snapshot (each once). */
static GPtrArray *failed_resources(const ha_status *st, const char *only)
{
    GVariant *fs = part(st, "failures");
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);

    for (gsize i = 0; i < g_variant_n_children(fs); i++) {
        GVariant *f = g_variant_get_child_value(fs, i);
        const char *id = NULL;
        bool seen = false;
        g_variant_lookup(f, "resource", "&s", &id);
        for (guint j = 0; j < ids->len; j++)
            seen = seen || g_strcmp0(ids->pdata[j], id) == 0;
        if (!seen && id != NULL && (only == NULL || strcmp(only, id) == 0))
            g_ptr_array_add(ids, g_strdup(id));
        g_variant_unref(f);
    }
    g_variant_unref(fs);
    return ids;
}

static int rsc_cleanup(const crmctl_opts *o)
{
    ha_status *st = NULL;
    GPtrArray *ids;
    int rc = crmctl_rsc_snapshot(o, o->argc ? o->argv[0] : NULL, &st);

    if (rc != CRMCTL_OK)
        return rc;
    if (o->node != NULL && !ha_status_has_node(st, o->node)) {
        ha_status_free(st);
        return crmctl_fail(o, CRMCTL_NOT_FOUND, "no node called '%s' (see 'crmctl node list')", o->node);
    }
    ids = failed_resources(st, NULL);
    if (o->argc > 0) {
        rc = cleanup_one(o, o->argv[0], o->node);
    } else if (ids->len == 0 && !o->json) {
        printf("no failures to clean up\n");
    }
    for (guint i = 0; o->argc == 0 && i < ids->len && rc == CRMCTL_OK; i++)
        rc = cleanup_one(o, ids->pdata[i], o->node);
    g_ptr_array_add(ids, NULL); /* %^as wants a NULL-terminated array */
    if (rc == CRMCTL_OK)
        crmctl_print(o, g_variant_new_parsed("{'cleaned_up': <%^as>}", o->argc ? (const char *const *)o->argv
                                                                              : (const char *const *)ids->pdata),
                     NULL);
    g_ptr_array_unref(ids);
    ha_status_free(st);
    return rc;
}

static int rsc_failcount(const crmctl_opts *o)
{
    GVariant *fs;
    GVariantBuilder out;
    GString *text = g_string_new(NULL);
    ha_status *st = NULL;
    int rc = crmctl_rsc_snapshot(o, o->argv[0], &st);

    if (rc != CRMCTL_OK)
        goto done;
    if (o->del) {
        rc = cleanup_one(o, o->argv[0], o->node);
        goto done;
    }
    fs = part(st, "failures");
    g_variant_builder_init(&out, G_VARIANT_TYPE("aa{sv}"));
    for (gsize i = 0; i < g_variant_n_children(fs); i++) {
        GVariant *f = g_variant_get_child_value(fs, i);
        const char *id = NULL, *node = NULL;
        gint32 n = 0;
        g_variant_lookup(f, "resource", "&s", &id);
        g_variant_lookup(f, "node", "&s", &node);
        g_variant_lookup(f, "fail_count", "i", &n);
        if (g_strcmp0(id, o->argv[0]) == 0 && (o->node == NULL || g_strcmp0(node, o->node) == 0)) {
            g_string_append_printf(text, "%s on %s: %d\n", id, node, n);
            g_variant_builder_add_value(&out, f);
        }
        g_variant_unref(f);
    }
    g_variant_unref(fs);
    if (text->len == 0)
        g_string_append_printf(text, "%s: no failures%s%s\n", o->argv[0], o->node ? " on " : "", o->node ? o->node : "");
    crmctl_print(o, g_variant_builder_end(&out), text->str);
done:
    g_string_free(text, TRUE);
    ha_status_free(st);
    return rc;
}

/* ---------------------------------------------------------------- table */

static const crmctl_cmd commands[] = {
    { "list", "", "every resource, where it runs and since when",
      "Examples:\n  crmctl resource list\n  crmctl resource list --json | jq '.[] | select(.state != \"Started\")'\n",
      OPT_JSON | OPT_CIB | OPT_WIDTH, 0, 0, rsc_list },
    { "show", "RSC", "a resource's configuration, constraints and state",
      "Examples:\n  crmctl resource show vip\n  crmctl resource show web --json\n",
      OPT_JSON | OPT_CIB, 1, 1, rsc_show },
    { "create", "ID CLASS:[PROVIDER:]TYPE [NAME=VALUE...] [meta N=V...] [op NAME N=V...]",
      "define a new primitive (the words after the agent are those of a primitive statement)",
      "Parameters come first; 'meta' and 'op' clauses follow as in 'crmctl configure'.\n\n"
      "Examples:\n  crmctl resource create vip ocf:vigil:IPaddr ip=192.0.2.100 cidr_netmask=24 op monitor interval=2s\n"
      "  crmctl resource create --group web nginx ocf:vigil:nginx op monitor interval=10s\n",
      OPT_JSON | OPT_GROUP | OPT_DRY_RUN | OPT_RAW, 2, -1, rsc_create },
    { "update", "RSC NAME=VALUE... | RSC NAME... --delete", "change or remove parameters (or meta attributes)",
      "Examples:\n  crmctl resource update vip cidr_netmask=25\n  crmctl resource update vip nic --delete\n"
      "  crmctl resource update web --meta resource-stickiness=200\n",
      OPT_JSON | OPT_META | OPT_DELETE | OPT_DRY_RUN, 2, -1, rsc_update },
    { "delete", "RSC", "remove a resource from the configuration",
      "A running resource is refused unless --force (vigild then stops it); --force also\n"
      "deletes the constraints that name it.\n\nExamples:\n  crmctl resource stop vip --wait && crmctl resource delete vip\n",
      OPT_JSON | OPT_FORCE | OPT_DRY_RUN, 1, 1, rsc_delete },
    { "start", "RSC", "let it run (target-role=Started)",
      "Examples:\n  crmctl resource start web --wait\n", OPT_JSON | OPT_WAIT | OPT_DRY_RUN, 1, 1, rsc_start },
    { "stop", "RSC", "stop it everywhere and keep it stopped (target-role=Stopped)",
      "Examples:\n  crmctl resource stop web --wait\n", OPT_JSON | OPT_WAIT | OPT_DRY_RUN, 1, 1, rsc_stop },
    { "restart", "RSC", "stop it, wait, start it again, wait",
      "Examples:\n  crmctl resource restart nginx\n", OPT_JSON, 1, 1, rsc_restart },
    { "cleanup", "[RSC]", "forget failures (all resources with failures when RSC is not given)",
      "Examples:\n  crmctl resource cleanup vip\n  crmctl resource cleanup vip --node node2\n  crmctl resource cleanup\n",
      OPT_JSON | OPT_NODE, 0, 1, rsc_cleanup },
    { "failcount", "RSC", "show fail counts (or forget them with --delete)",
      "Examples:\n  crmctl resource failcount vip\n  crmctl resource failcount vip --node node2 --delete\n",
      OPT_JSON | OPT_NODE | OPT_DELETE | OPT_CIB, 1, 1, rsc_failcount },
    { "move", "RSC [NODE]", "move it to NODE, or away from where it runs", CRMCTL_MOVE_HELP, OPT_JSON | OPT_LIFETIME | OPT_WAIT | OPT_FORCE | OPT_DRY_RUN, 1, 2, crmctl_rsc_move },
    { "ban", "RSC [NODE]", "keep it off NODE (default: where it runs now)", CRMCTL_BAN_HELP, OPT_JSON | OPT_LIFETIME | OPT_WAIT | OPT_DRY_RUN, 1, 2, crmctl_rsc_ban },
    { "clear", "RSC [NODE]", "remove the constraints move and ban left", CRMCTL_CLEAR_HELP, OPT_JSON | OPT_WAIT | OPT_DRY_RUN, 1, 2, crmctl_rsc_clear },
};

int crmctl_resource_main(int argc, char **argv)
{
    return crmctl_family_main("resource", "Query and change resources.", commands, G_N_ELEMENTS(commands),
                              argc, argv);
}
