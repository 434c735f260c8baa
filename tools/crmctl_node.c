/*
 * crmctl_node.c — 'crmctl node SUBCOMMAND': list, standby, online,
 * maintenance, attribute, fence; and 'crmctl fence NODE|history'.
 *
 * standby, online and maintenance are permanent node attributes
 * (set-node-attr changes, as Pacemaker keeps them in <nodes>); with
 * --reboot they are transient instead (until the node restarts), like
 * crm_attribute --lifetime reboot.  Fencing powers a node off or reboots
 * it: it asks for confirmation unless --yes, and refuses to run without
 * a terminal to ask on.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <vigil/cib.h>
#include <vigil/ipc_proto.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl.h"
#include "tools/ha_status.h"

/* The node a command is about: the argument, else the local node. */
static int target_node(const crmctl_opts *o, int index, const ha_status *st, const char **node)
{
    *node = o->argc > index ? o->argv[index] : ha_status_self(st);
    if (*node == NULL)
        return crmctl_fail(o, CRMCTL_USAGE, "name the node (this one is not known to vigild yet)");
    if (!ha_status_has_node(st, *node))
        return crmctl_fail(o, CRMCTL_NOT_FOUND, "no node called '%s' (see 'crmctl node list')", *node);
    return CRMCTL_OK;
}

/* A node that vigild knows from membership need not be in <nodes>, but
 * permanent attributes live there: add <node id=UNAME uname=UNAME/> (the
 * id vigild gives node_state entries of unconfigured nodes) first. */
static int ensure_configured(const crmctl_opts *o, const char *node, GVariantBuilder *ops)
{
    xmlDoc *doc = NULL;
    xmlNode *config = NULL, *nodes;
    bool found = false;
    int rc = crmctl_config_doc(o, &doc, &config);

    if (rc != CRMCTL_OK)
        return rc;
    nodes = crm_syntax_child(config, "nodes");
    for (xmlNode *n = nodes ? nodes->children : NULL; n != NULL; n = n->next)
        found = found || g_strcmp0(crm_syntax_attr(n, "uname"), node) == 0;
    if (!found) {
        char *xml = g_markup_printf_escaped("<node id=\"%s\" uname=\"%s\"/>", node, node);
        g_variant_builder_add_value(ops, crmctl_op("put", "section", "nodes", "xml", xml, NULL));
        g_free(xml);
    }
    xmlFreeDoc(doc);
    return CRMCTL_OK;
}

/* Set (value) or unset (NULL) attribute name of node, permanent or, with
 * --reboot, transient. */
static int set_attr(const crmctl_opts *o, const char *node, const char *name, const char *value)
{
    GVariantBuilder ops, f;
    int rc;

    if (o->reboot) {
        g_variant_builder_init(&f, G_VARIANT_TYPE_VARDICT);
        g_variant_builder_add(&f, "{sv}", "op", g_variant_new_string("attribute"));
        g_variant_builder_add(&f, "{sv}", "node", g_variant_new_string(node));
        g_variant_builder_add(&f, "{sv}", "name", g_variant_new_string(name));
        if (value != NULL)
            g_variant_builder_add(&f, "{sv}", "value", g_variant_new_string(value));
        return crmctl_request(o, VGL_IPC_NODE_OP, g_variant_builder_end(&f), node, NULL);
    }
    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    rc = ensure_configured(o, node, &ops);
    if (rc != CRMCTL_OK) {
        g_variant_builder_clear(&ops);
        return rc;
    }
    g_variant_builder_add_value(&ops, crmctl_op("set-node-attr", "node", node, "name", name, "value", value, NULL));
    return crmctl_change(o, g_variant_builder_end(&ops), node);
}

static int node_list(const crmctl_opts *o)
{
    ha_status *st = NULL;
    int rc = crmctl_snapshot(o, &st);
    GVariant *all = NULL;
    char *text;

    if (rc != CRMCTL_OK)
        return rc;
    if (o->json) {
        all = g_variant_ref_sink(ha_status_variant(st));
        crmctl_print(o, g_variant_lookup_value(all, "nodes", NULL), NULL);
        g_variant_unref(all);
    } else {
        text = ha_status_text(st, HA_PART_NODES, crmctl_width(o), crmctl_color());
        crmctl_print(o, NULL, text);
        g_free(text);
    }
    ha_status_free(st);
    return CRMCTL_OK;
}

/* standby / online / maintenance: one attribute, then report and wait. */
static int node_flag(const crmctl_opts *o, const char *name, const char *value, const char *done)
{
    const char *node = NULL;
    ha_status *st = NULL;
    int rc = crmctl_snapshot(o, &st);

    if (rc == CRMCTL_OK)
        rc = target_node(o, 0, st, &node);
    if (rc == CRMCTL_OK && o->wait)
        rc = crmctl_wait_begin(o);
    if (rc == CRMCTL_OK)
        rc = set_attr(o, node, name, value);
    if (rc == CRMCTL_OK && !o->dry_run) {
        if (!o->json)
            printf("%s: %s%s\n", node, done, o->reboot ? " (until it restarts)" : "");
        if (o->wait && value != NULL && strcmp(name, "standby") == 0)
            rc = crmctl_wait(o, GOAL_NODE_EMPTY, NULL, node);
        if (rc == CRMCTL_OK)
            crmctl_print(o, g_variant_new_parsed("{'node': <%s>, 'attribute': <%s>, 'value': <%ms>}", node, name,
                                                 value),
                         NULL);
    }
    ha_status_free(st);
    return rc;
}

static int node_standby(const crmctl_opts *o)
{
    return node_flag(o, "standby", "on", "in standby: its resources move to other nodes");
}

static int node_online(const crmctl_opts *o)
{
    return node_flag(o, "standby", NULL, "online: it may run resources again");
}

static int node_maintenance(const crmctl_opts *o)
{
    crmctl_opts m = *o;
    bool on = true;

    if (o->argc == 2 && vgl_bool_parse(o->argv[1], &on) != 0)
        return crmctl_fail(o, CRMCTL_USAGE, "maintenance takes on or off, not '%s'", o->argv[1]);
    m.argc = o->argc > 0 ? 1 : 0;
    return node_flag(&m, "maintenance", on ? "on" : NULL,
                     on ? "in maintenance: its resources are left alone, neither monitored nor recovered"
                        : "out of maintenance");
}

static int node_attribute(const crmctl_opts *o)
{
    const char *node = o->argv[0], *name = o->argv[1];
    ha_status *st = NULL;
    int rc = crmctl_snapshot(o, &st);

    if (rc == CRMCTL_OK)
        rc = target_node(o, 0, st, &node);
    if (rc == CRMCTL_OK && o->argc == 2 && !o->del) {
        char *xml = NULL;
        vgl_cib *cib = NULL;
        const char *v;
        rc = crmctl_fetch(o, &xml, NULL);
        if (rc == CRMCTL_OK && vgl_cib_load_string(xml, -1, "cib", &cib, NULL) != 0)
            rc = crmctl_fail(o, CRMCTL_ERROR, "the CIB from vigild cannot be read");
        v = cib ? vgl_cib_node_attr(cib, node, name, o->reboot ? VGL_CIB_ATTR_TRANSIENT : VGL_CIB_ATTR_ANY) : NULL;
        if (rc == CRMCTL_OK && v == NULL)
            rc = crmctl_fail(o, CRMCTL_NOT_FOUND, "%s has no attribute '%s'", node, name);
        else if (rc == CRMCTL_OK)
            crmctl_print(o, g_variant_new_parsed("{'node': <%s>, 'name': <%s>, 'value': <%s>}", node, name, v), v);
        vgl_cib_free(cib);
        g_free(xml);
    } else if (rc == CRMCTL_OK) {
        if (o->argc == 3 && o->del)
            rc = crmctl_fail(o, CRMCTL_USAGE, "give a value to set, or --delete, not both");
        else
            rc = set_attr(o, node, name, o->del ? NULL : o->argv[2]);
        if (rc == CRMCTL_OK && !o->dry_run)
            crmctl_print(o, g_variant_new_parsed("{'node': <%s>, 'name': <%s>, 'value': <%ms>}", node, name,
                                                 o->del ? NULL : o->argv[2]),
                         o->del ? "deleted" : "set");
    }
    ha_status_free(st);
    return rc;
}

/* ---------------------------------------------------------------- fence */

static int fence_node(const crmctl_opts *o, const char *node)
{
    crmctl_opts f = *o;
    ha_status *st = NULL;
    char *question;
    int rc = crmctl_snapshot(o, &st);

    if (rc == CRMCTL_OK && !ha_status_has_node(st, node))
        rc = crmctl_fail(o, CRMCTL_NOT_FOUND, "no node called '%s' (see 'crmctl node list')", node);
    ha_status_free(st);
    if (rc != CRMCTL_OK)
        return rc;
    if (!o->yes && !o->force) {
        if (!isatty(STDIN_FILENO))
            return crmctl_fail(o, CRMCTL_USAGE, "fencing %s cuts its power or reboots it: confirm with --yes "
                                                "(there is no terminal to ask on)", node);
        question = g_strdup_printf("Fence %s? It is powered off or rebooted, and whatever runs there stops "
                                   "at once.", node);
        if (!crmctl_confirm(question)) {
            g_free(question);
            return crmctl_fail(o, CRMCTL_ERROR, "not fenced");
        }
        g_free(question);
    }
    if (!o->timeout_given)
        f.timeout_ms = 200000; /* vigild answers when the result is known: up to 180 s */
    if (!o->json)
        printf("fencing %s...\n", node);
    fflush(stdout);
    rc = crmctl_request(&f, VGL_IPC_FENCE, g_variant_new_parsed("{'node': <%s>}", node), node, NULL);
    if (rc == CRMCTL_OK)
        crmctl_print(o, g_variant_new_parsed("{'node': <%s>, 'fenced': <true>}", node), "fenced");
    return rc;
}

static int node_fence(const crmctl_opts *o)
{
    return fence_node(o, o->argv[0]);
}

static int fence_history(const crmctl_opts *o)
{
    ha_status *st = NULL;
    GVariant *all, *list;
    GVariantBuilder out;
    GString *text = g_string_new(NULL);
    int rc = crmctl_snapshot(o, &st);

    if (rc != CRMCTL_OK)
        goto done;
    all = g_variant_ref_sink(ha_status_variant(st));
    list = g_variant_lookup_value(all, "fencing", NULL);
    g_variant_builder_init(&out, G_VARIANT_TYPE("aa{sv}"));
    for (gsize i = 0; i < g_variant_n_children(list); i++) {
        GVariant *e = g_variant_get_child_value(list, i);
        const char *target = NULL, *action = NULL, *status = NULL, *by = NULL, *why = NULL;
        gint64 when = 0;
        gboolean has_when = FALSE;
        g_variant_lookup(e, "target", "&s", &target);
        g_variant_lookup(e, "action", "m&s", &action);
        g_variant_lookup(e, "status", "m&s", &status);
        g_variant_lookup(e, "delegate", "m&s", &by);
        g_variant_lookup(e, "reason", "m&s", &why);
        g_variant_lookup(e, "completed", "mx", &has_when, &when);
        if (o->argc == 0 || g_strcmp0(target, o->argv[0]) == 0) {
            GDateTime *dt = g_date_time_new_from_unix_local(when);
            char *t = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
            g_string_append_printf(text, "%s  %s %s: %s%s%s%s%s\n", t, target, action ? action : "?",
                                   status ? status : "?", by ? " by " : "", by ? by : "", why ? ": " : "",
                                   why ? why : "");
            g_variant_builder_add_value(&out, e);
            g_free(t);
            g_date_time_unref(dt);
        }
        g_variant_unref(e);
    }
    if (text->len == 0)
        g_string_append(text, "no fencing recorded\n");
    crmctl_print(o, g_variant_builder_end(&out), text->str);
    g_variant_unref(list);
    g_variant_unref(all);
done:
    g_string_free(text, TRUE);
    ha_status_free(st);
    return rc;
}

/* ---------------------------------------------------------------- tables */

#define FENCE_HELP                                                                              \
    "Asks vigild to fence NODE with the configured fence devices and waits for the\n"         \
    "result (up to 180 s).  Asks for confirmation unless --yes.\n\n"                          \
    "Examples:\n  crmctl node fence node3\n  crmctl node fence node3 --yes\n"

static const crmctl_cmd node_commands[] = {
    { "list", "", "every node and its state",
      "States: online, standby, maintenance, leaving, offline, unclean (left without\n"
      "saying so: it is fenced before its resources move), fenced.\n\n"
      "Examples:\n  crmctl node list\n  crmctl node list --json\n",
      OPT_JSON | OPT_CIB | OPT_WIDTH, 0, 0, node_list },
    { "standby", "[NODE]", "move every resource off NODE (default: this node) and keep them off",
      "Examples:\n  crmctl node standby node2 --wait\n  crmctl node standby --reboot\n",
      OPT_JSON | OPT_WAIT | OPT_REBOOT | OPT_DRY_RUN, 0, 1, node_standby },
    { "online", "[NODE]", "end standby: NODE may run resources again",
      "Examples:\n  crmctl node online node2\n", OPT_JSON | OPT_REBOOT | OPT_DRY_RUN, 0, 1, node_online },
    { "maintenance", "[NODE] [on|off]", "leave NODE's resources alone (no monitor, no recovery)",
      "Examples:\n  crmctl node maintenance node2\n  crmctl node maintenance node2 off\n",
      OPT_JSON | OPT_REBOOT | OPT_DRY_RUN, 0, 2, node_maintenance },
    { "attribute", "NODE NAME [VALUE]", "get, set or (--delete) a node attribute",
      "Permanent unless --reboot (transient, as agents like ping set them).\n\n"
      "Examples:\n  crmctl node attribute node1 site\n  crmctl node attribute node1 site east\n"
      "  crmctl node attribute node1 site --delete\n",
      OPT_JSON | OPT_DELETE | OPT_REBOOT | OPT_DRY_RUN, 2, 3, node_attribute },
    { "fence", "NODE", "power NODE off or reboot it, now", FENCE_HELP, OPT_JSON | OPT_YES | OPT_FORCE, 1, 1,
      node_fence },
};

int crmctl_node_main(int argc, char **argv)
{
    return crmctl_family_main("node", "Query and change nodes.", node_commands, G_N_ELEMENTS(node_commands),
                              argc, argv);
}

static const crmctl_cmd fence_commands[] = {
    { "history", "[NODE]", "fence actions recorded in the CIB, newest first",
      "Examples:\n  crmctl fence history\n  crmctl fence history node3 --json\n",
      OPT_JSON | OPT_CIB, 0, 1, fence_history },
    { "node", "NODE", "power NODE off or reboot it, now (same as 'crmctl node fence')", FENCE_HELP,
      OPT_JSON | OPT_YES | OPT_FORCE, 1, 1, node_fence },
};

int crmctl_fence_main(int argc, char **argv)
{
    return crmctl_family_main("fence", "Fencing: history, and fencing a node by hand.", fence_commands,
                              G_N_ELEMENTS(fence_commands), argc, argv);
}
