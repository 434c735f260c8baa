/*
 * crmctl_constraint.c — 'crmctl constraint list|add|delete' and
 * 'crmctl property get|set|unset'.
 *
 * Constraints are shown and added in the configuration syntax (add takes
 * location, colocation and order statements only); those left by move and
 * ban are marked so that they are not mistaken for design.  Properties are
 * the cluster options of crm_config: get shows the value in force
 * (Pacemaker's default when unset), set and unset are set-option changes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <vigil/cib.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl.h"

static int cons_list(const crmctl_opts *o)
{
    GString *text = g_string_new(NULL);
    GVariantBuilder out;
    xmlDoc *doc = NULL;
    xmlNode *config, *cons;
    int rc = crmctl_config_doc(o, &doc, &config);

    if (rc != CRMCTL_OK)
        goto done;
    cons = crm_syntax_child(config, "constraints");
    g_variant_builder_init(&out, G_VARIANT_TYPE("aa{sv}"));
    for (xmlNode *c = cons ? cons->children : NULL; c != NULL; c = c->next) {
        const char *id = crm_syntax_attr(c, "id");
        bool cli = g_str_has_prefix(id ? id : "", "cli-");
        char *stmt;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        stmt = crm_syntax_print_element(c);
        g_strchomp(stmt);
        g_string_append_printf(text, "%s%s\n", stmt, cli ? "   # left by move/ban: crmctl resource clear" : "");
        g_variant_builder_add_value(&out, g_variant_new_parsed("{'id': <%s>, 'type': <%s>, 'statement': <%s>,"
                                                               " 'left_by_move': <%b>}",
                                                               id ? id : "", (const char *)c->name, stmt,
                                                               (gboolean)cli));
        g_free(stmt);
    }
    if (text->len == 0)
        g_string_append(text, "no constraints\n");
    crmctl_print(o, g_variant_builder_end(&out), text->str);
done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    g_string_free(text, TRUE);
    return rc;
}

static int cons_add(const crmctl_opts *o)
{
    static const char *const allowed[] = { "location", "colocation", "collocation", "order", NULL };
    GString *text = g_string_new(NULL);
    int rc;

    /* One argument is the statement; several are its words. */
    for (int i = 0; i < o->argc; i++) {
        char *q = o->argc > 1 ? crm_syntax_quote(o->argv[i]) : NULL;
        g_string_append_printf(text, "%s%s", i ? " " : "", q ? q : o->argv[i]);
        g_free(q);
    }
    rc = CRMCTL_USAGE;
    for (size_t i = 0; allowed[i] != NULL; i++) {
        if (g_str_has_prefix(text->str, allowed[i]) && text->str[strlen(allowed[i])] == ' ')
            rc = CRMCTL_OK;
    }
    if (rc != CRMCTL_OK)
        rc = crmctl_fail(o, CRMCTL_USAGE, "a constraint starts with location, colocation or order (see "
                                          "'crmctl constraint add --help')");
    else
        rc = crmctl_apply_text(o, text->str, "constraint", false, "add constraint");

    g_string_free(text, TRUE);
    return rc;
}

static int cons_delete(const crmctl_opts *o)
{
    GVariantBuilder ops;
    xmlDoc *doc = NULL;
    xmlNode *config, *cons;
    int rc = crmctl_config_doc(o, &doc, &config);

    if (rc != CRMCTL_OK)
        return rc;
    cons = crm_syntax_child(config, "constraints");
    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    for (int i = 0; i < o->argc && rc == CRMCTL_OK; i++) {
        bool found = false;
        for (xmlNode *c = cons ? cons->children : NULL; c != NULL; c = c->next)
            found = found || g_strcmp0(crm_syntax_attr(c, "id"), o->argv[i]) == 0;
        if (!found)
            rc = crmctl_fail(o, CRMCTL_NOT_FOUND, "no constraint called '%s' (see 'crmctl constraint list')",
                             o->argv[i]);
        g_variant_builder_add_value(&ops, crmctl_op("delete", "id", o->argv[i], NULL));
    }
    if (rc == CRMCTL_OK)
        rc = crmctl_change(o, g_variant_builder_end(&ops), "delete constraint");
    else
        g_variant_builder_clear(&ops);
    if (rc == CRMCTL_OK && !o->dry_run)
        crmctl_print(o, g_variant_new_parsed("{'deleted': <%^as>}", (const char *const *)o->argv), "deleted");
    xmlFreeDoc(doc);
    return rc;
}

static const crmctl_cmd cons_commands[] = {
    { "list", "", "every constraint, as configuration statements",
      "Examples:\n  crmctl constraint list\n  crmctl constraint list --json\n", OPT_JSON | OPT_CIB, 0, 0, cons_list },
    { "add", "STATEMENT", "add (or replace) a location, colocation or order constraint",
      "  location ID RSC SCORE: NODE | location ID RSC rule SCORE: EXPRESSION\n"
      "  colocation ID SCORE: RSC WITH-RSC\n  order ID [Mandatory:|Optional:|Serialize:] FIRST THEN\n\n"
      "Examples:\n  crmctl constraint add 'location prefer-n1 web 100: node1'\n"
      "  crmctl constraint add 'location no-ping web rule -inf: not_defined pingd or pingd lte 0'\n"
      "  crmctl constraint add 'colocation web-with-db inf: web db'\n"
      "  crmctl constraint add 'order db-first Mandatory: db web'\n",
      OPT_JSON | OPT_DRY_RUN | OPT_RAW, 1, -1, cons_add },
    { "delete", "ID...", "delete constraints by id",
      "Examples:\n  crmctl constraint delete prefer-n1\n", OPT_JSON | OPT_DRY_RUN, 1, -1, cons_delete },
};

int crmctl_constraint_main(int argc, char **argv)
{
    return crmctl_family_main("constraint", "Where and in which order resources run.", cons_commands,
                              G_N_ELEMENTS(cons_commands), argc, argv);
}

/* ------------------------------------------------------------- property */

static int prop_get(const crmctl_opts *o)
{
    char *xml = NULL;
    vgl_cib *cib = NULL;
    GString *text = g_string_new(NULL);
    GVariantBuilder out;
    int rc = crmctl_fetch(o, &xml, NULL);

    if (rc != CRMCTL_OK)
        goto done;
    if (vgl_cib_load_string(xml, -1, "cib", &cib, NULL) != 0) {
        rc = crmctl_fail(o, CRMCTL_INVALID, "the CIB cannot be read");
        goto done;
    }
    g_variant_builder_init(&out, G_VARIANT_TYPE("a{ss}"));
    if (o->argc == 0) {
        /* Everything set in crm_config. */
        const xmlNode *config = crm_syntax_config_of((xmlDoc *)vgl_cib_xml(cib));
        const xmlNode *cc = crm_syntax_child(config, "crm_config");
        for (const xmlNode *set = cc ? cc->children : NULL; set != NULL; set = set->next) {
            for (const xmlNode *nv = set->children; nv != NULL; nv = nv->next) {
                const char *n = crm_syntax_attr(nv, "name"), *v = crm_syntax_attr(nv, "value");
                if (n == NULL || v == NULL)
                    continue;
                g_string_append_printf(text, "%s=%s\n", n, v);
                g_variant_builder_add(&out, "{ss}", n, v);
            }
        }
    }
    for (int i = 0; i < o->argc && rc == CRMCTL_OK; i++) {
        const char *v = vgl_cib_option(cib, o->argv[i]);
        if (v == NULL) {
            rc = crmctl_fail(o, CRMCTL_NOT_FOUND, "'%s' is not set and is no cluster option Vigil knows", o->argv[i]);
            break;
        }
        if (o->argc == 1)
            g_string_append_printf(text, "%s\n", v);
        else
            g_string_append_printf(text, "%s=%s\n", o->argv[i], v);
        g_variant_builder_add(&out, "{ss}", o->argv[i], v);
    }
    if (rc == CRMCTL_OK)
        crmctl_print(o, g_variant_builder_end(&out), text->str);
    else
        g_variant_builder_clear(&out);
done:
    vgl_cib_free(cib);
    g_free(xml);
    g_string_free(text, TRUE);
    return rc;
}

/* set NAME VALUE [NAME VALUE...] or NAME=VALUE...; unset NAME... */
static int prop_change(const crmctl_opts *o, bool unset)
{
    GVariantBuilder ops;
    int i = 0;

    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    while (i < o->argc) {
        const char *eq = strchr(o->argv[i], '=');
        char *name = eq ? g_strndup(o->argv[i], (gsize)(eq - o->argv[i])) : g_strdup(o->argv[i]);
        const char *value = unset ? NULL : eq ? eq + 1 : i + 1 < o->argc ? o->argv[i + 1] : NULL;
        if (!unset && value == NULL) {
            g_free(name);
            g_variant_builder_clear(&ops);
            return crmctl_fail(o, CRMCTL_USAGE, "property '%s' needs a value (NAME VALUE or NAME=VALUE)", o->argv[i]);
        }
        g_variant_builder_add_value(&ops, crmctl_op("set-option", "name", name, "value", value, NULL));
        i += unset || eq ? 1 : 2;
        g_free(name);
    }
    return crmctl_change(o, g_variant_builder_end(&ops), unset ? "unset property" : "set property");
}

static int prop_set(const crmctl_opts *o)
{
    int rc = prop_change(o, false);

    if (rc == CRMCTL_OK && !o->dry_run)
        crmctl_print(o, g_variant_new_parsed("{'changed': <true>}"), "set");
    return rc;
}

static int prop_unset(const crmctl_opts *o)
{
    int rc = prop_change(o, true);

    if (rc == CRMCTL_OK && !o->dry_run)
        crmctl_print(o, g_variant_new_parsed("{'changed': <true>}"), "unset (the default applies again)");
    return rc;
}

static const crmctl_cmd prop_commands[] = {
    { "get", "[NAME...]", "the value in force (the default when unset); every set one without NAME",
      "Examples:\n  crmctl property get\n  crmctl property get no-quorum-policy\n", OPT_JSON | OPT_CIB, 0, -1,
      prop_get },
    { "set", "NAME VALUE | NAME=VALUE...", "set cluster options",
      "Examples:\n  crmctl property set stonith-enabled false\n"
      "  crmctl property set no-quorum-policy=freeze maintenance-mode=true\n",
      OPT_JSON | OPT_DRY_RUN, 1, -1, prop_set },
    { "unset", "NAME...", "remove cluster options (their defaults apply)",
      "Examples:\n  crmctl property unset maintenance-mode\n", OPT_JSON | OPT_DRY_RUN, 1, -1, prop_unset },
};

int crmctl_property_main(int argc, char **argv)
{
    return crmctl_family_main("property", "Cluster options (crm_config).", prop_commands,
                              G_N_ELEMENTS(prop_commands), argc, argv);
}
