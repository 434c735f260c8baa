/*
 * cib_validate_rsc.c — validation of <resources>: primitives (class,
 * provider, type, operations), groups of primitives, and anonymous clones
 * of a primitive or a group.
 *
 * Agent names become paths ($OCF_ROOT/resource.d/PROVIDER/TYPE) and unit
 * names, so provider and type are restricted to a safe alphabet here: no
 * "/", no leading ".", nothing a shell would interpret.  Operations are
 * unique by name and interval, and only monitor recurs.
 */
#include "config.h"

#include <string.h>

#include "cib/cib_validate_internal.h"

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

/* Letters, digits, _ - . : @ +, not starting with '.', at most 128. */
static bool agent_name_ok(const char *s)
{
    size_t n = 0;

    if (s == NULL || *s == '\0' || *s == '.')
        return false;
    for (const char *p = s; *p; p++, n++) {
        if (!(g_ascii_isalnum(*p) || strchr("_-.:@+", *p) != NULL))
            return false;
    }
    return n <= 128;
}

static void check_class(vgl__vctx *v, const xmlNode *prim)
{
    static vgl__names classes = { "ocf", "stonith", "lsb", "systemd", "service", NULL };
    static vgl__names classes_no = { "heartbeat", "upstart", "nagios", NULL };
    const char *cls = vgl__cib_xml_attr(prim, "class");
    const char *provider = vgl__cib_xml_attr(prim, "provider");
    const char *type = vgl__cib_xml_attr(prim, "type");

    if (cls != NULL && *cls != '\0') {
        if (in_list(classes_no, cls))
            vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, prim, "class \"%s\" is not supported by Vigil", cls);
        else if (!in_list(classes, cls))
            vgl__cib_validate_fail(v, VGL_E_INVALID, prim, "unknown class \"%s\"", cls);
        else if (strcmp(cls, "ocf") == 0 && provider == NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, prim, "class \"ocf\" needs a provider");
        else if (strcmp(cls, "ocf") != 0 && provider != NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, prim,
                                   "provider \"%s\" is only allowed with class \"ocf\"", provider);
    }
    if (provider != NULL && !agent_name_ok(provider))
        vgl__cib_validate_fail(v, VGL_E_INVALID, prim, "provider \"%s\" is not a valid name", provider);
    if (type != NULL && *type != '\0' && !agent_name_ok(type))
        vgl__cib_validate_fail(v, VGL_E_INVALID, prim, "type \"%s\" is not a valid agent name", type);
}

static bool op_name_ok(const char *s)
{
    if (*s == '\0' || strlen(s) > 64)
        return false;
    for (const char *p = s; *p; p++) {
        if (!(g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_' || *p == '-'))
            return false;
    }
    return true;
}

/* Check one op; add "name/interval_ms" to seen, reporting duplicates. */
static void check_op(vgl__vctx *v, const xmlNode *op, GHashTable *seen)
{
    static vgl__names required = { "id", "name", "interval", NULL };
    static vgl__names optional = { "timeout", "enabled", "role", "on-fail", "description",
                                   "record-pending", NULL };
    static vgl__names refused = { "start-delay", "interval-origin", NULL };
    static vgl__names roles = { "Started", "Stopped", NULL };
    static vgl__names roles_no = { "Promoted", "Unpromoted", "Master", "Slave", NULL };
    static vgl__names on_fail = { "ignore", "block", "stop", "restart", "standby", "fence", NULL };
    static vgl__names on_fail_no = { "demote", "restart-container", NULL };
    static const vgl__cib_table table = VGL__CIB_T_OP_META;
    const char *name = vgl__cib_xml_attr(op, "name");
    const char *interval = vgl__cib_xml_attr(op, "interval");
    int64_t ms = 0;

    vgl__cib_validate_attrs(v, op, required, optional, refused);
    vgl__cib_validate_register(v, op);
    vgl__cib_validate_duration(v, op, "interval");
    vgl__cib_validate_duration(v, op, "timeout");
    vgl__cib_validate_bool(v, op, "enabled");
    vgl__cib_validate_bool(v, op, "record-pending");
    vgl__cib_validate_enum(v, op, "role", roles, roles_no);
    vgl__cib_validate_enum(v, op, "on-fail", on_fail, on_fail_no);
    if (name != NULL && *name != '\0') {
        if (strcmp(name, "promote") == 0 || strcmp(name, "demote") == 0)
            vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, op, "operation \"%s\" is not supported by Vigil", name);
        else if (!op_name_ok(name))
            vgl__cib_validate_fail(v, VGL_E_INVALID, op, "operation name \"%s\" is not valid", name);
    }
    if (name != NULL && interval != NULL && vgl_duration_parse_ms(interval, &ms) == 0) {
        char *key = g_strdup_printf("%s/%" G_GINT64_FORMAT, name, ms);
        const xmlNode *other = g_hash_table_lookup(seen, key);

        if (ms != 0 && strcmp(name, "monitor") != 0)
            vgl__cib_validate_fail(v, VGL_E_INVALID, op,
                                   "interval must be 0 for \"%s\" (only monitor recurs)", name);
        if (other != NULL) {
            vgl__cib_validate_fail(v, VGL_E_INVALID, op,
                                   "duplicate operation: %s with interval %" G_GINT64_FORMAT
                                   "ms is also <op id=\"%s\">", name, ms,
                                   vgl__cib_xml_attr(other, "id") ? vgl__cib_xml_attr(other, "id") : "");
            g_free(key);
        } else {
            g_hash_table_insert(seen, key, (gpointer)op);
        }
    }
    VGL__FOR_CHILD(c, op) {
        if (vgl__cib_xml_is(c, "instance_attributes"))
            vgl__cib_validate_nvset(v, c, true, NULL);
        else if (vgl__cib_xml_is(c, "meta_attributes"))
            vgl__cib_validate_nvset(v, c, true, &table);
        else
            vgl__cib_validate_misplaced(v, c, op);
    }
}

static void check_operations(vgl__vctx *v, const xmlNode *ops)
{
    static vgl__names optional = { "id", NULL };
    static vgl__names refused = { "id-ref", NULL };
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    vgl__cib_validate_attrs(v, ops, NULL, optional, refused);
    vgl__cib_validate_register(v, ops);
    VGL__FOR_CHILD(c, ops) {
        if (vgl__cib_xml_is(c, "op"))
            check_op(v, c, seen);
        else
            vgl__cib_validate_misplaced(v, c, ops);
    }
    g_hash_table_destroy(seen);
}

/* Meta and instance attribute sets, common to every kind of resource.
 * Returns true when c was one of them. */
static bool check_rsc_sets(vgl__vctx *v, const xmlNode *c)
{
    static const vgl__cib_table meta = VGL__CIB_T_RSC_META;

    if (vgl__cib_xml_is(c, "meta_attributes"))
        vgl__cib_validate_nvset(v, c, true, &meta);
    else if (vgl__cib_xml_is(c, "instance_attributes"))
        vgl__cib_validate_nvset(v, c, true, NULL);
    else
        return false;
    return true;
}

static void check_primitive(vgl__vctx *v, const xmlNode *prim, const xmlNode *parent)
{
    static vgl__names required = { "id", "class", "type", NULL };
    static vgl__names required_templated = { "id", NULL };
    static vgl__names optional = { "class", "type", "provider", "description", NULL };
    static vgl__names refused = { "template", NULL };
    const char *cls = vgl__cib_xml_attr(prim, "class");
    bool templated = vgl__cib_xml_attr(prim, "template") != NULL;
    const xmlNode *ops = NULL;

    /* a template reference is refused; do not also ask for class and type */
    vgl__cib_validate_attrs(v, prim, templated ? required_templated : required, optional, refused);
    vgl__cib_validate_register(v, prim);
    check_class(v, prim);
    if (cls != NULL && strcmp(cls, "stonith") == 0 && !vgl__cib_xml_is(parent, "resources"))
        vgl__cib_validate_fail(v, VGL_E_INVALID, prim,
                               "a fencing device (class \"stonith\") cannot be inside a <%s>",
                               (const char *)parent->name);
    VGL__FOR_CHILD(c, prim) {
        if (check_rsc_sets(v, c))
            continue;
        if (!vgl__cib_xml_is(c, "operations")) {
            vgl__cib_validate_misplaced(v, c, prim);
        } else if (ops != NULL) {
            vgl__cib_validate_fail(v, VGL_E_INVALID, c, "<operations> appears twice in <primitive>");
        } else {
            ops = c;
            check_operations(v, c);
        }
    }
}

static void check_group(vgl__vctx *v, const xmlNode *group)
{
    static vgl__names required = { "id", NULL };
    static vgl__names optional = { "description", NULL };
    unsigned members = 0;

    vgl__cib_validate_attrs(v, group, required, optional, NULL);
    vgl__cib_validate_register(v, group);
    VGL__FOR_CHILD(c, group) {
        if (check_rsc_sets(v, c))
            continue;
        if (vgl__cib_xml_is(c, "primitive")) {
            check_primitive(v, c, group);
            members++;
        } else {
            vgl__cib_validate_misplaced(v, c, group);
        }
    }
    if (members == 0)
        vgl__cib_validate_fail(v, VGL_E_INVALID, group, "a group needs at least one primitive");
}

static void check_clone(vgl__vctx *v, const xmlNode *clone)
{
    static vgl__names required = { "id", NULL };
    static vgl__names optional = { "description", NULL };
    const xmlNode *child = NULL;

    vgl__cib_validate_attrs(v, clone, required, optional, NULL);
    vgl__cib_validate_register(v, clone);
    VGL__FOR_CHILD(c, clone) {
        bool prim = vgl__cib_xml_is(c, "primitive"), group = vgl__cib_xml_is(c, "group");

        if (check_rsc_sets(v, c))
            continue;
        if (!prim && !group) {
            vgl__cib_validate_misplaced(v, c, clone);
            continue;
        }
        if (child != NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, c,
                                   "a clone holds exactly one primitive or group");
        child = c;
        if (prim)
            check_primitive(v, c, clone);
        else
            check_group(v, c);
    }
    if (child == NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, clone, "a clone needs one primitive or group");
}

void vgl__cib_validate_rsc_section(vgl__vctx *v, const xmlNode *resources)
{
    vgl__cib_validate_attrs(v, resources, NULL, NULL, NULL);
    VGL__FOR_CHILD(c, resources) {
        if (vgl__cib_xml_is(c, "primitive"))
            check_primitive(v, c, resources);
        else if (vgl__cib_xml_is(c, "group"))
            check_group(v, c);
        else if (vgl__cib_xml_is(c, "clone"))
            check_clone(v, c);
        else
            vgl__cib_validate_misplaced(v, c, resources);
    }
}
