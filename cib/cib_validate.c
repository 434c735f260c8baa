/*
 * cib_validate.c — the validator's framework and the top of the tree: the
 * <cib> element and its versions, <configuration> and its sections,
 * crm_config, nodes, rsc_defaults, op_defaults, and the name/value sets
 * used everywhere.  Resources, constraints and status have their own files.
 *
 * Workload: runs on every load and after every configuration change, over
 * the whole document (10,000 resources in a few milliseconds).  It never
 * stops at the first problem (a person fixing a file wants them all) but
 * stops after VGL__CIB_MAX_ERRORS, so hostile input cannot make it build
 * an unbounded list.
 *
 * Policy (doc/cib.md has the full list): the configuration section is
 * strict like Pacemaker's schema (unknown attributes are errors, since a
 * typo such as "symetrical" would silently change meaning), known
 * Pacemaker features outside the subset are refused as "not supported by
 * Vigil"; the root element and the status section are lenient about
 * attributes (Pacemaker writes many informational ones there).
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "cib/cib_validate_internal.h"

/* Pacemaker elements Vigil knows and does not support. */
static const char *const unsupported_elements[] = {
    "bundle", "template", "master", "tags", "tag", "obj_ref", "acls", "acl_target",
    "acl_group", "acl_role", "acl_permission", "acl_user", "rsc_ticket", "tickets",
    "ticket_state", "resource_set", "resource_ref", "date_expression", "date_spec",
    "duration", "rsc_expression", "op_expression", "lifetime", "utilization",
    "docker", "rkt", "podman", "network", "storage", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

void vgl__cib_validate_fail(vgl__vctx *v, int rc, const xmlNode *n, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (v->rc == 0)
        v->rc = rc;
    v->nerrors++;
    if (v->nerrors > VGL__CIB_MAX_ERRORS)
        return;
    if (v->nerrors == VGL__CIB_MAX_ERRORS) {
        vgl__cib_xml_note(v->errors, v->label, "too many errors (%d); stopped listing them",
                          VGL__CIB_MAX_ERRORS);
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vgl__cib_xml_error(v->errors, v->label, n, "%s", msg);
    g_free(msg);
}

void vgl__cib_validate_attrs(vgl__vctx *v, const xmlNode *n, const char *const *required,
                             const char *const *optional, const char *const *refused)
{
    for (size_t i = 0; required != NULL && required[i] != NULL; i++) {
        const char *val = vgl__cib_xml_attr(n, required[i]);

        if (val == NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, n, "missing attribute \"%s\"", required[i]);
        else if (*val == '\0')
            vgl__cib_validate_fail(v, VGL_E_INVALID, n, "attribute \"%s\" is empty", required[i]);
    }
    for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
        const char *name = (const char *)a->name;

        if (in_list(required, name) || in_list(optional, name))
            continue;
        if (in_list(refused, name))
            vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, n,
                                   "attribute \"%s\" is not supported by Vigil", name);
        else
            vgl__cib_validate_fail(v, VGL_E_INVALID, n, "unknown attribute \"%s\"", name);
    }
}

bool vgl__cib_validate_id(const char *id)
{
    const unsigned char *p = (const unsigned char *)id;

    if (id == NULL || !(g_ascii_isalpha(*p) || *p == '_'))
        return false;
    for (p++; *p; p++) {
        if (!(g_ascii_isalnum(*p) || *p == '_' || *p == '-' || *p == '.'))
            return false;
    }
    return (const char *)p - id <= 256;
}

void vgl__cib_validate_register(vgl__vctx *v, const xmlNode *n)
{
    const char *id = vgl__cib_xml_attr(n, "id");
    const xmlNode *other;

    if (id == NULL || *id == '\0')
        return; /* reported by vgl__cib_validate_attrs() */
    if (!vgl__cib_validate_id(id)) {
        vgl__cib_validate_fail(v, VGL_E_INVALID, n,
                               "id \"%s\" is not a valid XML ID (a letter or _, then letters, "
                               "digits, _ - or ., at most 256)", id);
        return;
    }
    other = g_hash_table_lookup(v->ids, id);
    if (other != NULL) {
        long line = vgl__cib_xml_line(other);

        if (line > 0)
            vgl__cib_validate_fail(v, VGL_E_INVALID, n, "id \"%s\" is already used by <%s> at line %ld",
                                   id, (const char *)other->name, line);
        else
            vgl__cib_validate_fail(v, VGL_E_INVALID, n, "id \"%s\" is already used by <%s>",
                                   id, (const char *)other->name);
        return;
    }
    g_hash_table_insert(v->ids, (gpointer)id, (gpointer)n);
}

void vgl__cib_validate_misplaced(vgl__vctx *v, const xmlNode *child, const xmlNode *parent)
{
    const char *name = (const char *)child->name;

    if (in_list(unsupported_elements, name))
        vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, child, "<%s> is not supported by Vigil", name);
    else if (strcmp(name, "rule") == 0)
        vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, child,
                               "<rule> is not supported by Vigil inside <%s>",
                               (const char *)parent->name);
    else
        vgl__cib_validate_fail(v, VGL_E_INVALID, child, "<%s> is not allowed inside <%s>",
                               name, (const char *)parent->name);
}

void vgl__cib_validate_plain(vgl__vctx *v, const xmlNode *n)
{
    if (n->ns != NULL || n->nsDef != NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, n, "XML namespaces are not allowed");
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            vgl__cib_validate_plain(v, c);
        } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            const char *t = (const char *)c->content;

            while (t && g_ascii_isspace(*t))
                t++;
            if (t && *t) {
                char *shown = g_strndup(t, strcspn(t, "\r\n"));

                if (strlen(shown) > 20)
                    strcpy(shown + 17, "...");
                vgl__cib_validate_fail(v, VGL_E_INVALID, n, "unexpected text \"%s\"", g_strchomp(shown));
                g_free(shown);
            }
        } else if (c->type != XML_COMMENT_NODE && c->type != XML_PI_NODE) {
            vgl__cib_validate_fail(v, VGL_E_INVALID, n, "unexpected XML node (type %d)", (int)c->type);
        }
    }
}

/* ---- typed attribute values ---- */

/* Check attribute attr of n against a value type (cib_option.c's rules). */
static void check_typed(vgl__vctx *v, const xmlNode *n, const char *attr, vgl__cib_vtype type)
{
    const vgl__cib_option opt = { attr, NULL, type, NULL, NULL, NULL };
    const char *s = vgl__cib_xml_attr(n, attr);
    char *why = NULL;
    int rc = s ? vgl__cib_option_check(&opt, s, &why) : 0;

    if (rc != 0)
        vgl__cib_validate_fail(v, rc, n, "%s %s", attr, why);
    g_free(why);
}

void vgl__cib_validate_score(vgl__vctx *v, const xmlNode *n, const char *attr)
{
    check_typed(v, n, attr, VGL__CIB_SCORE);
}

void vgl__cib_validate_bool(vgl__vctx *v, const xmlNode *n, const char *attr)
{
    check_typed(v, n, attr, VGL__CIB_BOOL);
}

void vgl__cib_validate_duration(vgl__vctx *v, const xmlNode *n, const char *attr)
{
    check_typed(v, n, attr, VGL__CIB_DURATION);
}

void vgl__cib_validate_enum(vgl__vctx *v, const xmlNode *n, const char *attr,
                            const char *const *choices, const char *const *refused)
{
    const char *s = vgl__cib_xml_attr(n, attr);
    GString *list;

    if (s == NULL || in_list(choices, s))
        return;
    if (in_list(refused, s)) {
        vgl__cib_validate_fail(v, VGL_E_UNSUPPORTED, n, "%s \"%s\" is not supported by Vigil",
                               attr, s);
        return;
    }
    list = g_string_new(NULL);
    for (size_t i = 0; choices[i] != NULL; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", choices[i]);
    vgl__cib_validate_fail(v, VGL_E_INVALID, n, "%s \"%s\" is not one of %s", attr, s, list->str);
    g_string_free(list, TRUE);
}

/* ---- name/value sets ---- */

static void check_nvpair(vgl__vctx *v, const xmlNode *nv, bool config, const vgl__cib_table *table)
{
    static vgl__names required = { "id", "name", NULL };
    static vgl__names optional = { "value", NULL };
    static vgl__names refused = { "id-ref", NULL };
    const char *name = vgl__cib_xml_attr(nv, "name");
    const char *value = vgl__cib_xml_attr(nv, "value");
    const vgl__cib_option *opt;
    char *why = NULL;
    int rc;

    if (config) {
        vgl__cib_validate_attrs(v, nv, required, optional, refused);
        vgl__cib_validate_register(v, nv);
    } else if (name == NULL || *name == '\0') {
        vgl__cib_validate_fail(v, VGL_E_INVALID, nv, "missing attribute \"name\"");
    }
    if (table == NULL || name == NULL || value == NULL)
        return;
    opt = vgl__cib_option_find(*table, name);
    if (opt == NULL)
        return;
    rc = vgl__cib_option_check(opt, value, &why);
    if (rc != 0)
        vgl__cib_validate_fail(v, rc, nv, "%s %s", name, why);
    g_free(why);
}

void vgl__cib_validate_nvset(vgl__vctx *v, const xmlNode *set, bool config,
                             const vgl__cib_table *table)
{
    static vgl__names required = { "id", NULL };
    static vgl__names optional = { "score", NULL };
    static vgl__names refused = { "id-ref", NULL };
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

    if (config) {
        vgl__cib_validate_attrs(v, set, required, optional, refused);
        vgl__cib_validate_register(v, set);
        vgl__cib_validate_score(v, set, "score");
    }
    VGL__FOR_CHILD(nv, set) {
        const char *name;
        const xmlNode *prev;

        if (!vgl__cib_xml_is(nv, "nvpair")) {
            vgl__cib_validate_misplaced(v, nv, set);
            continue;
        }
        check_nvpair(v, nv, config, table);
        name = vgl__cib_xml_attr(nv, "name");
        if (name == NULL)
            continue;
        prev = g_hash_table_lookup(seen, name);
        if (prev != NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, nv, "\"%s\" is already set in this set by <nvpair id=\"%s\">",
                                   name, vgl__cib_xml_attr(prev, "id") ? vgl__cib_xml_attr(prev, "id") : "");
        else
            g_hash_table_insert(seen, (gpointer)name, nv);
    }
    g_hash_table_destroy(seen);
}

/* Children of a section that are all name/value sets called set_name. */
static void check_sets(vgl__vctx *v, const xmlNode *section, const char *set_name,
                       vgl__cib_table table)
{
    vgl__cib_validate_attrs(v, section, NULL, NULL, NULL);
    VGL__FOR_CHILD(c, section) {
        if (vgl__cib_xml_is(c, set_name))
            vgl__cib_validate_nvset(v, c, true, &table);
        else
            vgl__cib_validate_misplaced(v, c, section);
    }
}

/* ---- references ---- */

void vgl__cib_validate_ref(vgl__vctx *v, const xmlNode *n, const char *attr,
                           const char *target, unsigned kinds)
{
    vgl__vref r = { n, attr, g_strdup(target), kinds };

    g_array_append_val(v->refs, r);
}

static bool is_resource(const xmlNode *n)
{
    return vgl__cib_xml_is(n, "primitive") || vgl__cib_xml_is(n, "group") ||
           vgl__cib_xml_is(n, "clone");
}

void vgl__cib_validate_refs(vgl__vctx *v)
{
    for (guint i = 0; i < v->refs->len; i++) {
        const vgl__vref *r = &g_array_index(v->refs, vgl__vref, i);
        const xmlNode *t = g_hash_table_lookup(v->ids, r->target);
        const char *cls = vgl__cib_xml_attr(t, "class");

        if (t == NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, r->from, "%s refers to \"%s\", which does not exist",
                                   r->attr, r->target);
        else if ((r->kinds & VGL__REF_STONITH) &&
                 !(vgl__cib_xml_is(t, "primitive") && cls && strcmp(cls, "stonith") == 0))
            vgl__cib_validate_fail(v, VGL_E_INVALID, r->from,
                                   "%s refers to \"%s\", which is not a fencing device (class stonith)",
                                   r->attr, r->target);
        else if ((r->kinds & VGL__REF_RSC) && !is_resource(t))
            vgl__cib_validate_fail(v, VGL_E_INVALID, r->from,
                                   "%s refers to <%s id=\"%s\">, which is not a resource",
                                   r->attr, (const char *)t->name, r->target);
    }
}

/* ---- nodes ---- */

static void check_node(vgl__vctx *v, const xmlNode *node)
{
    static vgl__names required = { "id", "uname", NULL };
    static vgl__names optional = { "type", "description", NULL };
    static vgl__names refused = { "score", NULL };
    static vgl__names types = { "member", "normal", NULL };
    static vgl__names types_no = { "ping", "remote", NULL };
    static const vgl__cib_table table = VGL__CIB_T_NODE;
    const char *id = vgl__cib_xml_attr(node, "id");
    const char *uname = vgl__cib_xml_attr(node, "uname");

    vgl__cib_validate_attrs(v, node, required, optional, refused);
    vgl__cib_validate_enum(v, node, "type", types, types_no);
    if (id != NULL && *id != '\0') {
        if (g_hash_table_contains(v->node_ids, id))
            vgl__cib_validate_fail(v, VGL_E_INVALID, node, "another <node> has id \"%s\"", id);
        else
            g_hash_table_insert(v->node_ids, (gpointer)id, (gpointer)node);
    }
    if (uname != NULL && *uname != '\0') {
        if (g_hash_table_contains(v->unames, uname))
            vgl__cib_validate_fail(v, VGL_E_INVALID, node, "another <node> has uname \"%s\"", uname);
        else
            g_hash_table_insert(v->unames, (gpointer)uname, (gpointer)node);
    }
    VGL__FOR_CHILD(c, node) {
        if (vgl__cib_xml_is(c, "instance_attributes"))
            vgl__cib_validate_nvset(v, c, true, &table);
        else
            vgl__cib_validate_misplaced(v, c, node);
    }
}

static void check_nodes(vgl__vctx *v, const xmlNode *nodes)
{
    vgl__cib_validate_attrs(v, nodes, NULL, NULL, NULL);
    VGL__FOR_CHILD(c, nodes) {
        if (vgl__cib_xml_is(c, "node"))
            check_node(v, c);
        else
            vgl__cib_validate_misplaced(v, c, nodes);
    }
}

static void check_crm_config(vgl__vctx *v, const xmlNode *s)
{
    check_sets(v, s, "cluster_property_set", VGL__CIB_T_CLUSTER);
}

static void check_rsc_defaults(vgl__vctx *v, const xmlNode *s)
{
    check_sets(v, s, "meta_attributes", VGL__CIB_T_RSC_META);
}

static void check_op_defaults(vgl__vctx *v, const xmlNode *s)
{
    check_sets(v, s, "meta_attributes", VGL__CIB_T_OP_META);
}

/* ---- configuration and root ---- */

static const struct {
    const char *name;
    bool required;
    void (*check)(vgl__vctx *v, const xmlNode *section);
} sections[] = {
    { "crm_config", true, check_crm_config },
    { "nodes", true, check_nodes },
    { "resources", true, vgl__cib_validate_rsc_section },
    { "constraints", true, vgl__cib_validate_cons_section },
    { "rsc_defaults", false, check_rsc_defaults },
    { "op_defaults", false, check_op_defaults },
    { "fencing-topology", false, vgl__cib_validate_cons_topology },
    { "alerts", false, vgl__cib_validate_cons_alerts },
};

static void check_configuration(vgl__vctx *v, const xmlNode *conf)
{
    const xmlNode *seen[G_N_ELEMENTS(sections)] = { NULL };

    vgl__cib_validate_attrs(v, conf, NULL, NULL, NULL);
    VGL__FOR_CHILD(c, conf) {
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(sections); i++) {
            if (vgl__cib_xml_is(c, sections[i].name))
                break;
        }
        if (i == G_N_ELEMENTS(sections)) {
            vgl__cib_validate_misplaced(v, c, conf);
        } else if (seen[i] != NULL) {
            vgl__cib_validate_fail(v, VGL_E_INVALID, c, "<%s> appears twice in <configuration>",
                                   sections[i].name);
        } else {
            seen[i] = c;
            sections[i].check(v, c);
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(sections); i++) {
        if (sections[i].required && seen[i] == NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, conf, "missing <%s> section", sections[i].name);
    }
}

/* validate-with: pacemaker-3.0 .. pacemaker-3.10, pacemaker-4.0, vigil-1.0. */
static void check_schema(vgl__vctx *v, const xmlNode *root)
{
    const char *s = vgl__cib_xml_attr(root, "validate-with");
    unsigned major = 0, minor = 0;
    int end = 0;
    bool newer;

    if (s == NULL)
        return;
    if (sscanf(s, "pacemaker-%u.%u%n", &major, &minor, &end) == 2 && s[end] == '\0') {
        if ((major == 3 && minor <= 10) || (major == 4 && minor == 0))
            return;
        newer = major > 3;
    } else if (sscanf(s, "vigil-%u.%u%n", &major, &minor, &end) == 2 && s[end] == '\0') {
        if (major == 1 && minor == 0)
            return;
        newer = major >= 1;
    } else {
        vgl__cib_validate_fail(v, VGL_E_VERSION, root,
                               "unknown schema validate-with=\"%s\" (Vigil reads pacemaker-3.0 "
                               "to pacemaker-4.0 and vigil-1.0)", s);
        return;
    }
    vgl__cib_validate_fail(v, VGL_E_VERSION, root,
                           "schema validate-with=\"%s\" is %s than this Vigil supports "
                           "(pacemaker-3.0 to pacemaker-4.0, vigil-1.0)", s, newer ? "newer" : "older");
}

static void check_root(vgl__vctx *v, const xmlNode *root)
{
    static const char *const counters[] = { "admin_epoch", "epoch", "num_updates" };
    const xmlNode *conf = NULL, *status = NULL;

    if (!vgl__cib_xml_is(root, "cib")) {
        vgl__cib_validate_fail(v, VGL_E_INVALID, root, "the root element must be <cib>");
        return;
    }
    if (vgl__cib_xml_attr(root, "validate-with") == NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, root, "missing attribute \"validate-with\"");
    check_schema(v, root);
    for (size_t i = 0; i < G_N_ELEMENTS(counters); i++) {
        const char *s = vgl__cib_xml_attr(root, counters[i]);
        uint64_t u;

        if (s == NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, root, "missing attribute \"%s\"", counters[i]);
        else if (!vgl__cib_option_uint(s, G_MAXINT64 / 2, &u))
            vgl__cib_validate_fail(v, VGL_E_INVALID, root,
                                   "%s \"%s\" is not a non-negative integer", counters[i], s);
    }
    VGL__FOR_CHILD(c, root) {
        const xmlNode **slot = vgl__cib_xml_is(c, "configuration") ? &conf
                             : vgl__cib_xml_is(c, "status") ? &status : NULL;

        if (slot == NULL)
            vgl__cib_validate_misplaced(v, c, root);
        else if (*slot != NULL)
            vgl__cib_validate_fail(v, VGL_E_INVALID, c, "<%s> appears twice in <cib>",
                                   (const char *)c->name);
        else
            *slot = c;
    }
    if (conf == NULL)
        vgl__cib_validate_fail(v, VGL_E_INVALID, root, "missing <configuration>");
    else
        check_configuration(v, conf);
    if (status != NULL && !v->skip_status)
        vgl__cib_validate_status_section(v, status);
}

static void free_ref(gpointer p)
{
    g_free(((vgl__vref *)p)->target);
}

static int validate(xmlDoc *doc, const char *label, GPtrArray *errors, GHashTable **ids,
                    bool skip_status)
{
    vgl__vctx v = { .skip_status = skip_status };
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

    if (ids != NULL)
        *ids = NULL;
    if (root == NULL) {
        vgl__cib_xml_note(errors, label, "no document");
        return VGL_E_INVALID;
    }
    v.label = label;
    v.errors = errors;
    v.ids = g_hash_table_new(g_str_hash, g_str_equal);
    v.node_ids = g_hash_table_new(g_str_hash, g_str_equal);
    v.unames = g_hash_table_new(g_str_hash, g_str_equal);
    v.refs = g_array_new(FALSE, FALSE, sizeof(vgl__vref));
    g_array_set_clear_func(v.refs, free_ref);

    if (skip_status && vgl__cib_xml_child(root, "configuration", NULL) != NULL)
        vgl__cib_validate_plain(&v, vgl__cib_xml_child(root, "configuration", NULL));
    else
        vgl__cib_validate_plain(&v, root);
    check_root(&v, root);
    vgl__cib_validate_refs(&v);

    g_array_free(v.refs, TRUE);
    g_hash_table_destroy(v.node_ids);
    g_hash_table_destroy(v.unames);
    if (v.rc == 0 && ids != NULL)
        *ids = v.ids;
    else
        g_hash_table_destroy(v.ids);
    return v.rc;
}

int vgl__cib_validate(xmlDoc *doc, const char *label, GPtrArray *errors, GHashTable **ids)
{
    return validate(doc, label, errors, ids, false);
}

int vgl__cib_validate_config(xmlDoc *doc, const char *label, GPtrArray *errors, GHashTable **ids)
{
    return validate(doc, label, errors, ids, true);
}
