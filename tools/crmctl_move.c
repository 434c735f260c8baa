/*
 * crmctl_move.c — 'crmctl resource move|ban|clear': the location
 * constraints Pacemaker's crm_resource makes, with its names, so that
 * operators who know one know the other:
 *
 *   move RSC NODE  <rsc_location id="cli-prefer-RSC" rsc="RSC" role="Started"
 *                                node="NODE" score="INFINITY"/>
 *   move RSC       ban from the node it runs on now
 *   ban RSC NODE   <rsc_location id="cli-ban-RSC-on-NODE" ... score="-INFINITY"/>
 *   clear RSC      delete cli-prefer-RSC and cli-ban-RSC-on-*
 *
 * With --lifetime the constraint holds a rule instead: #uname eq NODE and
 * a date_expression that ends at now + lifetime, after which the rule no
 * longer matches and the constraint does nothing (clear still removes it).
 * A move to NODE also drops a ban of RSC from NODE, and a move away from
 * a node a preference for it, in the same change.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <vigil/vigil.h>

#include "tools/crmctl.h"
#include "tools/crmctl_resource.h"

/* The constraint's XML; with an end date, as a rule. */
static char *constraint_xml(const char *id, const char *rsc, const char *node, const char *score,
                            const char *end)
{
    if (end == NULL)
        return g_markup_printf_escaped("<rsc_location id=\"%s\" rsc=\"%s\" role=\"Started\" node=\"%s\" "
                                       "score=\"%s\"/>", id, rsc, node, score);
    return g_markup_printf_escaped(
        "<rsc_location id=\"%s\" rsc=\"%s\" role=\"Started\">"
        "<rule id=\"%s-rule\" score=\"%s\" boolean-op=\"and\">"
        "<expression id=\"%s-expr\" attribute=\"#uname\" operation=\"eq\" value=\"%s\" type=\"string\"/>"
        "<date_expression id=\"%s-lifetime\" operation=\"lt\" end=\"%s\"/>"
        "</rule></rsc_location>",
        id, rsc, id, score, id, node, id, end);
}

/* now + --lifetime as an ISO 8601 date ([out] *end, caller frees), or
 * NULL without --lifetime. */
static int lifetime_end(const crmctl_opts *o, char **end)
{
    int64_t ms = 0;
    GDateTime *dt;

    *end = NULL;
    if (o->lifetime == NULL)
        return CRMCTL_OK;
    if (vgl_duration_parse_ms(o->lifetime, &ms) != 0 || ms <= 0 || ms == INT64_MAX)
        return crmctl_fail(o, CRMCTL_USAGE, "--lifetime '%s' is not a duration (e.g. 10min, 2h, PT1H)", o->lifetime);
    dt = g_date_time_new_from_unix_utc((gint64)time(NULL) + ms / 1000);
    *end = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(dt);
    return CRMCTL_OK;
}

static GVariant *put_op(const char *xml)
{
    return crmctl_op("put", "section", "constraints", "xml", xml, NULL);
}

/* Send ops (with the wait begun first), report, wait. */
static int place(const crmctl_opts *o, GVariantBuilder *ops, const char *rsc, const char *id, const char *node,
                 const char *end, crmctl_goal goal, const char *doing)
{
    int rc = crmctl_wait_begin(o);

    if (rc != CRMCTL_OK) {
        g_variant_builder_clear(ops);
        return rc;
    }
    rc = crmctl_change(o, g_variant_builder_end(ops), rsc);
    if (rc == CRMCTL_INVALID && end != NULL)
        fprintf(stderr, "  (a lifetime is a rule with a date_expression: without --lifetime the constraint "
                        "stays until 'crmctl resource clear %s')\n", rsc);
    if (rc != CRMCTL_OK || o->dry_run)
        return rc;
    if (!o->json) {
        printf("%s: %s %s (constraint %s)\n", rsc, doing, node, id);
        if (end != NULL)
            printf("The constraint expires at %s; remove it sooner with: crmctl resource clear %s\n", end, rsc);
        else
            printf("The constraint stays until you remove it: crmctl resource clear %s\n", rsc);
    }
    rc = o->wait ? crmctl_wait(o, goal, rsc, node) : CRMCTL_OK;
    if (rc == CRMCTL_OK)
        crmctl_print(o, g_variant_new_parsed("{'resource': <%s>, 'constraint': <%s>, 'node': <%s>,"
                                             " 'expires': <%ms>}", rsc, id, node, end),
                     NULL);
    return rc;
}

/* Checks shared by move and ban: rsc exists and is no clone (for move),
 * node exists.  [out] *st. */
static int check(const crmctl_opts *o, bool move, ha_status **st)
{
    int rc = crmctl_rsc_snapshot(o, o->argv[0], st);

    if (rc != CRMCTL_OK)
        return rc;
    if (o->argc > 1 && !ha_status_has_node(*st, o->argv[1]))
        return crmctl_fail(o, CRMCTL_NOT_FOUND, "no node called '%s' (see 'crmctl node list')", o->argv[1]);
    if (move && g_strcmp0(ha_status_rsc_kind(*st, o->argv[0]), "clone") == 0)
        return crmctl_fail(o, CRMCTL_INVALID, "%s is a clone: it runs on every node it can; keep it off one "
                                              "with 'crmctl resource ban %s NODE'", o->argv[0], o->argv[0]);
    return CRMCTL_OK;
}

int crmctl_rsc_move(const crmctl_opts *o)
{
    const char *rsc = o->argv[0], *node = o->argc > 1 ? o->argv[1] : NULL;
    const char *where;
    char *end = NULL, *id = NULL, *xml = NULL, **bans = NULL;
    GVariantBuilder ops;
    ha_status *st = NULL;
    int rc = check(o, true, &st);

    if (rc == CRMCTL_OK)
        rc = lifetime_end(o, &end);
    if (rc != CRMCTL_OK)
        goto done;
    where = ha_status_rsc_node(st, rsc);
    if (node == NULL && where == NULL) {
        rc = crmctl_fail(o, CRMCTL_ERROR, "%s is not running, so there is nowhere to move it away from; name "
                                          "a node: crmctl resource move %s NODE", rsc, rsc);
        goto done;
    }
    if (node != NULL && g_strcmp0(where, node) == 0 && !o->force) {
        rc = crmctl_fail(o, CRMCTL_ERROR, "%s already runs on %s (--force pins it there anyway)", rsc, node);
        goto done;
    }
    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    if (node != NULL) {
        id = g_strconcat("cli-prefer-", rsc, NULL);
        xml = constraint_xml(id, rsc, node, "INFINITY", end);
        bans = ha_status_cli_constraints(st, rsc, node);
        for (char **b = bans; *b != NULL; b++) {
            if (g_str_has_prefix(*b, "cli-ban-"))
                g_variant_builder_add_value(&ops, crmctl_op("delete", "id", *b, NULL));
        }
    } else {
        /* A preference for the node it leaves would fight the ban. */
        bans = ha_status_cli_constraints(st, rsc, where);
        for (char **b = bans; *b != NULL; b++) {
            if (g_str_has_prefix(*b, "cli-prefer-"))
                g_variant_builder_add_value(&ops, crmctl_op("delete", "id", *b, NULL));
        }
        id = g_strconcat("cli-ban-", rsc, "-on-", where, NULL);
        xml = constraint_xml(id, rsc, where, "-INFINITY", end);
    }
    g_variant_builder_add_value(&ops, put_op(xml));
    rc = place(o, &ops, rsc, id, node ? node : where, end, node ? GOAL_ON_NODE : GOAL_OFF_NODE,
               node ? "moving to" : "moving away from");
done:
    g_strfreev(bans);
    g_free(end);
    g_free(id);
    g_free(xml);
    ha_status_free(st);
    return rc;
}

int crmctl_rsc_ban(const crmctl_opts *o)
{
    const char *rsc = o->argv[0];
    const char *node;
    char *end = NULL, *id = NULL, *xml = NULL;
    GVariantBuilder ops;
    ha_status *st = NULL;
    int rc = check(o, false, &st);

    if (rc == CRMCTL_OK)
        rc = lifetime_end(o, &end);
    if (rc != CRMCTL_OK)
        goto done;
    node = o->argc > 1 ? o->argv[1] : ha_status_rsc_node(st, rsc);
    if (node == NULL) {
        rc = crmctl_fail(o, CRMCTL_USAGE, "%s is not running: name the node to ban it from", rsc);
        goto done;
    }
    id = g_strconcat("cli-ban-", rsc, "-on-", node, NULL);
    xml = constraint_xml(id, rsc, node, "-INFINITY", end);
    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(&ops, put_op(xml));
    rc = place(o, &ops, rsc, id, node, end, GOAL_OFF_NODE, "banned from");
done:
    g_free(end);
    g_free(id);
    g_free(xml);
    ha_status_free(st);
    return rc;
}

int crmctl_rsc_clear(const crmctl_opts *o)
{
    const char *rsc = o->argv[0], *node = o->argc > 1 ? o->argv[1] : NULL;
    GVariantBuilder ops;
    ha_status *st = NULL;
    char **ids = NULL;
    int rc = crmctl_rsc_snapshot(o, rsc, &st);

    if (rc != CRMCTL_OK)
        return rc;
    ids = ha_status_cli_constraints(st, rsc, node);
    if (ids[0] == NULL) {
        rc = crmctl_print(o, g_variant_new_parsed("{'resource': <%s>, 'cleared': <@as []>}", rsc),
                          "nothing to clear: no constraint left by move or ban for this resource");
        goto done;
    }
    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    for (char **i = ids; *i != NULL; i++)
        g_variant_builder_add_value(&ops, crmctl_op("delete", "id", *i, NULL));
    rc = crmctl_wait_begin(o);
    if (rc == CRMCTL_OK)
        rc = crmctl_change(o, g_variant_builder_end(&ops), rsc);
    else
        g_variant_builder_clear(&ops);
    if (rc == CRMCTL_OK && !o->dry_run) {
        char *list = g_strjoinv(", ", ids);
        if (!o->json)
            printf("%s: removed %s\n", rsc, list);
        g_free(list);
        rc = o->wait ? crmctl_wait(o, GOAL_STARTED, rsc, NULL) : CRMCTL_OK;
        if (rc == CRMCTL_OK)
            crmctl_print(o, g_variant_new_parsed("{'resource': <%s>, 'cleared': <%^as>}", rsc, ids), NULL);
    }
done:
    g_strfreev(ids);
    ha_status_free(st);
    return rc;
}
