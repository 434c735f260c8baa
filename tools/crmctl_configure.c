/*
 * crmctl_configure.c — 'crmctl configure STATEMENT...': change the live
 * configuration with the compact syntax (crm_syntax.h), and
 * crmctl_apply_text(), which config load, resource create and constraint
 * add use too.
 *
 * The statements are applied locally to a copy of the live configuration
 * (so a group can take in resources that exist, and errors come before
 * anything is sent); then the change goes to vigild as one atomic list:
 * a put per element the statements defined, set-option per property, a
 * delete per fencing level that went away, or, when resources were moved
 * into a group or clone, the whole new configuration.  vigild validates
 * it again against the CIB rules and applies it all or nothing.
 */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl.h"

static char *dump(xmlNode *el)
{
    xmlBuffer *buf = xmlBufferCreate();
    char *s;

    xmlNodeDump(buf, el->doc, el, 0, 0);
    s = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return s;
}

static GVariant *replace_op(xmlNode *config)
{
    char *xml = dump(config);
    GVariant *op = crmctl_op("replace-config", "xml", xml, NULL);

    g_free(xml);
    return op;
}

/* The operations for [in] changes made to [in] config; NULL (and *whole)
 * when only a whole configuration says it. */
static GVariant *ops_for(xmlNode *config, GPtrArray *changes)
{
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    for (guint i = 0; i < changes->len; i++) {
        const crm_syntax_change *c = g_ptr_array_index(changes, i);
        xmlNode *sec = c->section ? crm_syntax_child(config, c->section) : NULL;
        xmlNode *el = sec ? crm_syntax_find(sec, c->id) : NULL;
        char *xml;

        switch (c->kind) {
        case CRM_SYNTAX_WHOLE:
            g_variant_builder_clear(&b);
            return NULL;
        case CRM_SYNTAX_DELETE:
            g_variant_builder_add_value(&b, crmctl_op("delete", "id", c->id, NULL));
            break;
        case CRM_SYNTAX_OPTION:
            g_variant_builder_add_value(&b, crmctl_op("set-option", "name", c->id, "value", c->value, NULL));
            break;
        case CRM_SYNTAX_PUT:
            if (el == NULL)
                break; /* replaced again later in the batch */
            xml = dump(el);
            g_variant_builder_add_value(&b, crmctl_op("put", "section", c->section, "xml", xml, NULL));
            g_free(xml);
            break;
        }
    }
    return g_variant_builder_end(&b);
}

static int syntax_errors(const crmctl_opts *o, int rc, GPtrArray *errors)
{
    GString *s = g_string_new(NULL);
    int code;

    for (guint i = 0; i < errors->len; i++)
        g_string_append_printf(s, "%s%s", i ? "\n  " : "", (const char *)g_ptr_array_index(errors, i));
    code = crmctl_fail(o, rc == VGL_E_NOT_FOUND ? CRMCTL_NOT_FOUND : CRMCTL_INVALID, "%s", s->str);
    g_string_free(s, TRUE);
    return code;
}

/* config load: keep the live nodes when the text names none. */
static void keep_nodes(xmlNode *fresh, xmlNode *live)
{
    xmlNode *nodes = crm_syntax_child(fresh, "nodes"), *old = crm_syntax_child(live, "nodes");

    if (nodes == NULL || old == NULL || crm_syntax_child(nodes, "node") != NULL)
        return;
    xmlReplaceNode(nodes, xmlDocCopyNode(old, fresh->doc, 1));
    xmlFreeNode(nodes);
}

int crmctl_apply_text(const crmctl_opts *o, const char *text, const char *label, bool replace,
                      const char *what)
{
    GPtrArray *changes = g_ptr_array_new_with_free_func(crm_syntax_change_free);
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    xmlDoc *live = NULL, *fresh = NULL;
    xmlNode *target = NULL;
    GVariant *ops = NULL;
    int rc = crmctl_config_doc(o, &live, &target);

    if (rc != CRMCTL_OK)
        goto done;
    fresh = replace ? crm_syntax_new_config() : NULL;
    if (replace)
        target = crm_syntax_config_of(fresh);
    rc = crm_syntax_apply(target, text, label, changes, errors);
    if (rc != 0) {
        rc = syntax_errors(o, rc, errors);
        goto done;
    }
    if (replace)
        keep_nodes(target, crm_syntax_config_of(live));
    ops = replace ? NULL : ops_for(target, changes);
    if (ops == NULL) {
        GVariantBuilder b;
        g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
        g_variant_builder_add_value(&b, replace_op(target));
        ops = g_variant_builder_end(&b);
    }
    if (g_variant_n_children(ops) == 0) {
        g_variant_unref(g_variant_ref_sink(ops));
        rc = crmctl_print(o, g_variant_new_parsed("{'changed': <false>}"), "nothing to change");
        goto done;
    }
    rc = crmctl_change(o, ops, what);
    if (rc == CRMCTL_OK && !o->dry_run)
        crmctl_print(o, g_variant_new_parsed("{'changed': <true>}"), "configuration changed");
done:
    if (live != NULL)
        xmlFreeDoc(live);
    if (fresh != NULL)
        xmlFreeDoc(fresh);
    g_ptr_array_unref(changes);
    g_ptr_array_unref(errors);
    return rc;
}

/* ------------------------------------------------------------ configure */

static const char *const keywords[] = { "node", "primitive", "group", "clone", "location", "colocation",
                                        "collocation", "order", "property", "rsc_defaults", "op_defaults",
                                        "fencing_topology", "alert", "xml", NULL };

static bool starts_statement(const char *arg)
{
    const char *p = arg + strspn(arg, " \t\n");

    for (size_t i = 0; keywords[i] != NULL; i++) {
        size_t n = strlen(keywords[i]);
        if (strncmp(p, keywords[i], n) == 0 && (p[n] == ' ' || p[n] == '\t' || p[n] == '\n' || p[n] == '\0'))
            return true;
    }
    return false;
}

/* Each argument a statement ('primitive ...' 'group ...'), or, when the
 * shell split one statement into words, the words joined again. */
static char *statements(int argc, char **argv)
{
    GString *s = g_string_new(NULL);
    bool each = true;

    for (int i = 0; i < argc; i++)
        each = each && starts_statement(argv[i]);
    for (int i = 0; i < argc; i++) {
        if (each) {
            g_string_append_printf(s, "%s\n", argv[i]);
        } else {
            const char *eq = strchr(argv[i], '=');
            char *q = crm_syntax_quote(eq ? eq + 1 : argv[i]);
            g_string_append_printf(s, "%s%.*s%s", i ? " " : "", eq ? (int)(eq - argv[i] + 1) : 0, argv[i],
                                   q ? q : argv[i]);
            g_free(q);
        }
    }
    return g_string_free(s, FALSE);
}

static void configure_help(FILE *out)
{
    fprintf(out,
            "usage: crmctl configure [--dry-run] [--json] 'STATEMENT' ['STATEMENT'...]\n"
            "\n"
            "Change the live configuration with statements in the crm shell's style.\n"
            "Each argument is one statement (or several, one per line); each defines\n"
            "what it names, replacing an existing one, and all of them go to the\n"
            "cluster as one change: all applied, or none.\n"
            "\n"
            "statements:\n"
            "  primitive ID CLASS:PROVIDER:TYPE [params N=V...] [meta N=V...] [op NAME N=V...]...\n"
            "  group ID RSC... [meta N=V...]      clone ID RSC [meta N=V...]\n"
            "  location ID RSC SCORE: NODE        location ID RSC rule SCORE: EXPRESSION\n"
            "  colocation ID SCORE: RSC WITH-RSC  order ID [KIND:] FIRST THEN\n"
            "  property N=V...  rsc_defaults N=V...  op_defaults N=V...\n"
            "  node [ID:] NAME [attributes N=V...]   fencing_topology NODE: DEV[,DEV]...\n"
            "  alert ID PATH [meta N=V...] [to RECIPIENT]   xml <ELEMENT .../>\n"
            "(doc/tools.md and crmctl(1) have the whole grammar)\n"
            "\n"
            "options:\n"
            "  --dry-run   let vigild check the change, change nothing\n"
            "  --json      print JSON for machines\n"
            "  --timeout SECONDS   how long to wait for vigild (default 30)\n"
            "\n"
            "Examples:\n"
            "  crmctl configure 'primitive vip ocf:vigil:IPaddr params ip=192.0.2.100 cidr_netmask=24 op monitor interval=2s'\n"
            "  crmctl configure 'primitive nginx ocf:vigil:nginx op monitor interval=10s' 'group web vip nginx'\n"
            "  crmctl configure 'location prefer-n1 web 100: node1'\n"
            "  crmctl configure 'property stonith-enabled=false' 'rsc_defaults resource-stickiness=100'\n"
            "\n"
            "Exit codes: 0 ok, 2 usage, 3 a statement names a resource that does not exist,\n"
            "5 cluster unavailable (or no quorum), 6 invalid statement or configuration.\n");
}

int crmctl_configure_main(int argc, char **argv)
{
    crmctl_opts o;
    bool help;
    char *text;
    int rc = crmctl_parse(argc, argv, OPT_DRY_RUN | OPT_JSON, true, &o, &help);

    if (rc != CRMCTL_OK)
        return rc;
    if (help) {
        configure_help(stdout);
        return CRMCTL_OK;
    }
    if (o.argc == 0) {
        configure_help(stderr);
        return CRMCTL_USAGE;
    }
    text = statements(o.argc, o.argv);
    rc = crmctl_apply_text(&o, text, "configure", false, "configure");
    g_free(text);
    return rc;
}
