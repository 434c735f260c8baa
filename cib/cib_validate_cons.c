/*
 * cib_validate_cons.c — validation of <constraints> (rsc_location with a
 * node and score or with rules on node attributes, rsc_colocation,
 * rsc_order), <fencing-topology> and <alerts>.
 *
 * References (rsc, with-rsc, first, then, devices) are recorded here and
 * resolved after the whole document has been read, so constraints may
 * come before the resources they name.  Resource sets, lifetimes, date
 * expressions, tickets and roles other than Started are refused as not
 * supported: each would change what the scheduler must do.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cib/cib_validate_internal.h"

/* Rules deeper than this are refused (bounded recursion on hostile input). */
#define MAX_RULE_DEPTH 8

static const char *const roles_started[] = { "Started", NULL };
static const char *const roles_no[] = { "Promoted", "Unpromoted", "Master", "Slave", NULL };

/* Report resource_set / lifetime children; true when there was a set. */
static bool check_cons_children(vgl__vctx *v, const xmlNode *cons, bool rules_ok,
                                unsigned *rules)
{
    bool sets = false;

    VGL__FOR_CHILD(c, cons) {
        if (rules_ok && vgl__cib_xml_is(c, "rule")) {
            (*rules)++;
            continue;
        }
        if (vgl__cib_xml_is(c, "resource_set"))
            sets = true;
        vgl__cib_validate_misplaced(v, c, cons);
    }
    return sets;
}

/* ---- rules ---- */

static bool number_ok(const char *s, bool integer)
{
    char *end = NULL;

    if (*s == '\0')
        return false;
    if (integer) {
        gint64 i;
        return g_ascii_string_to_signed(s, 10, G_MININT64, G_MAXINT64, &i, NULL);
    }
    errno = 0;
    (void)g_ascii_strtod(s, &end);
    return errno == 0 && end != NULL && *end == '\0' && !g_ascii_isspace(*s);
}

static bool version_ok(const char *s)
{
    bool digit = false;

    for (const char *p = s; *p; p++) {
        if (g_ascii_isdigit(*p))
            digit = true;
        else if (*p != '.' || !digit)
            return false;
        else
            digit = false;
    }
    return digit;
}

static void check_expression(vgl__vctx *v, const xmlNode *e)
{
    static vgl__names required = { "id", "attribute", "operation", NULL };
    static vgl__names optional = { "value", "type", "value-source", NULL };
    static vgl__names ops = { "lt", "gt", "lte", "gte", "eq", "ne", "defined", "not_defined", NULL };
    static vgl__names types = { "string", "integer", "number", "version", NULL };
    static vgl__names sources = { "literal", NULL };
    static vgl__names sources_no = { "param", "meta", NULL };
    const char *op = vgl__cib_xml_attr(e, "operation");
    const char *value = vgl__cib_xml_attr(e, "value");
    const char *type = vgl__cib_xml_attr(e, "type");
    bool unary = op && (strcmp(op, "defined") == 0 || strcmp(op, "not_defined") == 0);

    vgl__cib_validate_attrs(v, e, required, optional, NULL);
    vgl__cib_validate_register(v, e);
    vgl__cib_validate_enum(v, e, "operation", ops, NULL);
    vgl__cib_validate_enum(v, e, "type", types, NULL);
    vgl__cib_validate_enum(v, e, "value-source", sources, sources_no);
    VGL__FOR_CHILD(c, e)
        vgl__cib_validate_misplaced(v, c, e);
    if (op != NULL && *op != '\0' && !unary && value == NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, e, "operation \"%s\" needs a value", op);
    if (value == NULL || type == NULL || unary)
        return;
    if (strcmp(type, "integer") == 0 && !number_ok(value, true))
        vgl__cib_validate_fail(v, VGL_E_INVALID, e, "value \"%s\" is not an integer", value);
    else if (strcmp(type, "number") == 0 && !number_ok(value, false))
        vgl__cib_validate_fail(v, VGL_E_INVALID, e, "value \"%s\" is not a number", value);
    else if (strcmp(type, "version") == 0 && !version_ok(value))
        vgl__cib_validate_fail(v, VGL_E_INVALID, e, "value \"%s\" is not a version (like 1.2.3)", value);
}

static void check_rule(vgl__vctx *v, const xmlNode *rule, unsigned depth)
{
    static vgl__names required = { "id", NULL };
    static vgl__names optional = { "boolean-op", "score", "score-attribute", NULL };
    static vgl__names refused = { "role", "id-ref", NULL };
    static vgl__names bool_ops = { "and", "or", NULL };
    const char *score = vgl__cib_xml_attr(rule, "score");
    const char *attr = vgl__cib_xml_attr(rule, "score-attribute");
    unsigned terms = 0;

    vgl__cib_validate_attrs(v, rule, required, optional, refused);
    vgl__cib_validate_register(v, rule);
    vgl__cib_validate_enum(v, rule, "boolean-op", bool_ops, NULL);
    vgl__cib_validate_score(v, rule, "score");
    if (depth == 0 && score == NULL && attr == NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, rule, "a top-level <rule> needs score or score-attribute");
    else if (score != NULL && attr != NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, rule, "use score or score-attribute, not both");
    else if (depth > 0 && (score != NULL || attr != NULL))
        vgl__cib_validate_fail(v, VGL_E_INVALID, rule, "only a top-level <rule> may have a score");
    if (depth >= MAX_RULE_DEPTH) {
        vgl__cib_validate_fail(v, VGL_E_LIMIT, rule, "rules nested more than %d deep", MAX_RULE_DEPTH);
        return;
    }
    VGL__FOR_CHILD(c, rule) {
        if (vgl__cib_xml_is(c, "expression"))
            check_expression(v, c);
        else if (vgl__cib_xml_is(c, "rule"))
            check_rule(v, c, depth + 1);
        else
            vgl__cib_validate_misplaced(v, c, rule);
        terms++;
    }
    if (terms == 0)
        vgl__cib_validate_fail(v, VGL_E_INVALID, rule, "a <rule> needs at least one <expression>");
}

/* ---- constraints ---- */

static void check_location(vgl__vctx *v, const xmlNode *loc)
{
    static vgl__names required = { "id", NULL };
    static vgl__names optional = { "rsc", "node", "score", "role", "resource-discovery", NULL };
    static vgl__names refused = { "rsc-pattern", NULL };
    static vgl__names discovery = { "always", NULL };
    static vgl__names discovery_no = { "never", "exclusive", NULL };
    const char *rsc = vgl__cib_xml_attr(loc, "rsc");
    bool node = vgl__cib_xml_attr(loc, "node") != NULL;
    bool score = vgl__cib_xml_attr(loc, "score") != NULL;
    unsigned rules = 0;
    bool sets = check_cons_children(v, loc, true, &rules);

    vgl__cib_validate_attrs(v, loc, required, optional, refused);
    vgl__cib_validate_register(v, loc);
    vgl__cib_validate_score(v, loc, "score");
    vgl__cib_validate_enum(v, loc, "role", roles_started, roles_no);
    vgl__cib_validate_enum(v, loc, "resource-discovery", discovery, discovery_no);
    if (rsc == NULL && !sets && vgl__cib_xml_attr(loc, "rsc-pattern") == NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, loc, "missing attribute \"rsc\"");
    else if (rsc != NULL)
        vgl__cib_validate_ref(v, loc, "rsc", rsc, VGL__REF_RSC);
    if (rules > 0 && (node || score))
        vgl__cib_validate_fail(v, VGL_E_INVALID, loc, "use either node and score, or <rule>s, not both");
    else if (rules == 0 && !node)
        vgl__cib_validate_fail(v, VGL_E_INVALID, loc, "needs node and score, or a <rule>");
    else if (rules == 0 && !score)
        vgl__cib_validate_fail(v, VGL_E_INVALID, loc, "missing attribute \"score\"");
    VGL__FOR_CHILD(c, loc) {
        if (vgl__cib_xml_is(c, "rule"))
            check_rule(v, c, 0);
    }
}

/* Attributes a and b of n name two different resources. */
static void check_pair(vgl__vctx *v, const xmlNode *n, const char *a, const char *b,
                       const char *same)
{
    const char *x = vgl__cib_xml_attr(n, a), *y = vgl__cib_xml_attr(n, b);

    if (x != NULL && *x != '\0')
        vgl__cib_validate_ref(v, n, a, x, VGL__REF_RSC);
    if (y != NULL && *y != '\0')
        vgl__cib_validate_ref(v, n, b, y, VGL__REF_RSC);
    if (x != NULL && y != NULL && *x != '\0' && strcmp(x, y) == 0)
        vgl__cib_validate_fail(v, VGL_E_INVALID, n, "%s", same);
}

static void check_colocation(vgl__vctx *v, const xmlNode *col)
{
    static vgl__names required = { "id", "rsc", "with-rsc", "score", NULL };
    static vgl__names required_set = { "id", NULL };
    static vgl__names optional = { "score", "rsc-role", "with-rsc-role", "node-attribute", "influence", NULL };
    static vgl__names refused = { "rsc-instance", "with-rsc-instance", NULL };
    const char *attr = vgl__cib_xml_attr(col, "node-attribute");
    unsigned unused = 0;
    bool sets = check_cons_children(v, col, false, &unused);

    vgl__cib_validate_attrs(v, col, sets ? required_set : required, optional, refused);
    vgl__cib_validate_register(v, col);
    vgl__cib_validate_score(v, col, "score");
    vgl__cib_validate_enum(v, col, "rsc-role", roles_started, roles_no);
    vgl__cib_validate_enum(v, col, "with-rsc-role", roles_started, roles_no);
    vgl__cib_validate_bool(v, col, "influence");
    if (attr != NULL && strcmp(attr, "#uname") != 0)
        vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, col,
                               "node-attribute \"%s\" is not supported by Vigil (only #uname)", attr);
    check_pair(v, col, "rsc", "with-rsc", "a resource cannot be colocated with itself");
}

static void check_order(vgl__vctx *v, const xmlNode *ord)
{
    static vgl__names required = { "id", "first", "then", NULL };
    static vgl__names required_set = { "id", NULL };
    static vgl__names optional = { "first", "then", "kind", "score", "first-action", "then-action",
                                   "symmetrical", "require-all", NULL };
    static vgl__names refused = { "first-instance", "then-instance", NULL };
    static vgl__names kinds = { "Mandatory", "Optional", "Serialize", NULL };
    static vgl__names actions = { "start", "stop", NULL };
    static vgl__names actions_no = { "promote", "demote", NULL };
    const char *req_all = vgl__cib_xml_attr(ord, "require-all");
    unsigned unused = 0;
    bool sets = check_cons_children(v, ord, false, &unused), all = true;

    vgl__cib_validate_attrs(v, ord, sets ? required_set : required, optional, refused);
    vgl__cib_validate_register(v, ord);
    vgl__cib_validate_enum(v, ord, "kind", kinds, NULL);
    vgl__cib_validate_score(v, ord, "score");
    vgl__cib_validate_enum(v, ord, "first-action", actions, actions_no);
    vgl__cib_validate_enum(v, ord, "then-action", actions, actions_no);
    vgl__cib_validate_bool(v, ord, "symmetrical");
    vgl__cib_validate_bool(v, ord, "require-all");
    if (req_all != NULL && vgl_bool_parse(req_all, &all) == 0 && !all)
        vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, ord, "require-all=\"%s\" is not supported by Vigil",
                               req_all);
    if (vgl__cib_xml_attr(ord, "kind") != NULL && vgl__cib_xml_attr(ord, "score") != NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, ord, "use kind or score, not both");
    check_pair(v, ord, "first", "then", "a resource cannot be ordered after itself");
}

void vgl__cib_validate_cons_section(vgl__vctx *v, const xmlNode *constraints)
{
    vgl__cib_validate_attrs(v, constraints, NULL, NULL, NULL);
    VGL__FOR_CHILD(c, constraints) {
        if (vgl__cib_xml_is(c, "rsc_location"))
            check_location(v, c);
        else if (vgl__cib_xml_is(c, "rsc_colocation"))
            check_colocation(v, c);
        else if (vgl__cib_xml_is(c, "rsc_order"))
            check_order(v, c);
        else
            vgl__cib_validate_misplaced(v, c, constraints);
    }
}

/* ---- fencing topology ---- */

static void check_devices(vgl__vctx *v, const xmlNode *level)
{
    const char *devices = vgl__cib_xml_attr(level, "devices");
    char **list;

    if (devices == NULL || *devices == '\0')
        return;
    list = g_strsplit(devices, ",", -1);
    for (char **d = list; *d != NULL; d++) {
        if (**d == '\0')
            vgl__cib_validate_fail(v, VGL_E_INVALID, level, "devices \"%s\" has an empty entry", devices);
        else
            vgl__cib_validate_ref(v, level, "devices", *d, VGL__REF_STONITH);
    }
    g_strfreev(list);
}

static void check_level(vgl__vctx *v, const xmlNode *level, GHashTable *seen)
{
    static vgl__names required = { "id", "index", "devices", NULL };
    static vgl__names optional = { "target", NULL };
    static vgl__names refused = { "target-pattern", "target-attribute", "target-value", NULL };
    const char *target = vgl__cib_xml_attr(level, "target");
    const char *index = vgl__cib_xml_attr(level, "index");
    uint64_t i = 0;

    vgl__cib_validate_attrs(v, level, required, optional, refused);
    vgl__cib_validate_register(v, level);
    if (target == NULL && vgl__cib_xml_attr(level, "target-pattern") == NULL &&
        vgl__cib_xml_attr(level, "target-attribute") == NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, level, "missing attribute \"target\"");
    if (index != NULL && (!vgl__cib_option_uint(index, 9, &i) || i == 0))
        vgl__cib_validate_fail(v, VGL_E_INVALID, level, "index \"%s\" is not between 1 and 9", index);
    check_devices(v, level);
    if (target != NULL && i > 0) {
        char *key = g_strdup_printf("%s\x1f%u", target, (unsigned)i);
        const xmlNode *other = g_hash_table_lookup(seen, key);

        if (other != NULL) {
            vgl__cib_validate_fail(v, VGL_E_INVALID, level,
                                   "fencing level %u for \"%s\" is also <fencing-level id=\"%s\">",
                                   (unsigned)i, target, vgl__cib_xml_attr(other, "id"));
            g_free(key);
        } else {
            g_hash_table_insert(seen, key, (gpointer)level);
        }
    }
    VGL__FOR_CHILD(c, level)
        vgl__cib_validate_misplaced(v, c, level);
}

void vgl__cib_validate_cons_topology(vgl__vctx *v, const xmlNode *topology)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    vgl__cib_validate_attrs(v, topology, NULL, NULL, NULL);
    VGL__FOR_CHILD(c, topology) {
        if (vgl__cib_xml_is(c, "fencing-level"))
            check_level(v, c, seen);
        else
            vgl__cib_validate_misplaced(v, c, topology);
    }
    g_hash_table_destroy(seen);
}

/* ---- alerts ---- */

/* <select> of an <alert>: which kinds of event it receives, each kind at
 * most once; select_attributes may name the attributes. */
static void check_select(vgl__vctx *v, const xmlNode *sel)
{
    static vgl__names kinds = { "select_nodes", "select_fencing", "select_resources",
                                "select_attributes", NULL };
    static vgl__names attribute_required = { "id", "name", NULL };
    unsigned seen = 0;

    vgl__cib_validate_attrs(v, sel, NULL, NULL, NULL);
    VGL__FOR_CHILD(c, sel) {
        unsigned i = 0;

        while (kinds[i] != NULL && !vgl__cib_xml_is(c, kinds[i]))
            i++;
        if (kinds[i] == NULL) {
            vgl__cib_validate_misplaced(v, c, sel);
            continue;
        }
        if (seen & (1u << i))
            vgl__cib_validate_fail(v, VGL_E_INVALID, c, "<%s> appears twice in <select>", kinds[i]);
        seen |= 1u << i;
        vgl__cib_validate_attrs(v, c, NULL, NULL, NULL);
        VGL__FOR_CHILD(a, c) {
            if (vgl__cib_xml_is(c, "select_attributes") && vgl__cib_xml_is(a, "attribute")) {
                vgl__cib_validate_attrs(v, a, attribute_required, NULL, NULL);
                vgl__cib_validate_register(v, a);
            } else {
                vgl__cib_validate_misplaced(v, a, c);
            }
        }
    }
}

/* An <alert> (recipients allowed) or a <recipient> (value instead of path). */
static void check_alert(vgl__vctx *v, const xmlNode *alert, bool is_alert)
{
    static vgl__names alert_required = { "id", "path", NULL };
    static vgl__names recipient_required = { "id", "value", NULL };
    static vgl__names optional = { "description", NULL };

    vgl__cib_validate_attrs(v, alert, is_alert ? alert_required : recipient_required, optional, NULL);
    vgl__cib_validate_register(v, alert);
    unsigned selects = 0;
    VGL__FOR_CHILD(c, alert) {
        if (is_alert && vgl__cib_xml_is(c, "recipient")) {
            check_alert(v, c, false);
        } else if (is_alert && vgl__cib_xml_is(c, "select")) {
            if (selects++ > 0)
                vgl__cib_validate_fail(v, VGL_E_INVALID, c, "<select> appears twice in <alert>");
            check_select(v, c);
        } else if (vgl__cib_xml_is(c, "meta_attributes") ||
                   vgl__cib_xml_is(c, "instance_attributes")) {
            vgl__cib_validate_nvset(v, c, true, NULL);
        } else {
            vgl__cib_validate_misplaced(v, c, alert);
        }
    }
}

void vgl__cib_validate_cons_alerts(vgl__vctx *v, const xmlNode *alerts)
{
    vgl__cib_validate_attrs(v, alerts, NULL, NULL, NULL);
    VGL__FOR_CHILD(c, alerts) {
        if (vgl__cib_xml_is(c, "alert"))
            check_alert(v, c, true);
        else
            vgl__cib_validate_misplaced(v, c, alerts);
    }
}
