/*
 * check_cib_modify.c — every change function of the CIB: configuration
 * changes (epoch bump, all-or-nothing) and status changes (num_updates
 * bump, Pacemaker's history format, fail counts, cleanups).  Bad
 * arguments first; every failed change must leave the CIB byte-identical.
 */
#include "config.h"

#include <string.h>

#include <vigil/cib.h>

#include "check_cib_util.h"
#include "vgl_check.h"

/* Run a change expected to fail: same bytes, same version afterwards, and
 * errors holding exactly `want` (when not NULL) as the first message. */
#define EXPECT_REFUSED(cib, call, rc_want, want)                                  \
    do {                                                                          \
        char *before_ = vgl_cib_serialize(cib), *after_;                          \
        GPtrArray *errors = cibt_errors();                                        \
        int rc_ = (call);                                                         \
        after_ = vgl_cib_serialize(cib);                                          \
        ck_assert_msg(rc_ == (rc_want), "rc %d (%s), want %d", rc_, vgl_strerror(rc_), (rc_want)); \
        ck_assert_str_eq(before_, after_);                                        \
        cibt_assert_index(cib);                                                   \
        if ((want) != NULL) {                                                     \
            ck_assert_uint_ge(errors->len, 1);                                    \
            ck_assert_str_eq(errors->pdata[0], (const char *)(want));             \
        }                                                                         \
        g_ptr_array_unref(errors);                                                \
        g_free(before_);                                                          \
        g_free(after_);                                                           \
    } while (0)

static vgl_cib *web(void)
{
    return cibt_load("good/pacemaker-web.xml");
}

static const xmlNode *history_entry(const vgl_cib *cib, const char *uname, const char *rsc,
                                    const char *id)
{
    const xmlNode *root = xmlDocGetRootElement((xmlDoc *)vgl_cib_xml(cib));

    for (const xmlNode *s = root->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name, "status") != 0)
            continue;
        for (const xmlNode *ns = s->children; ns; ns = ns->next) {
            xmlChar *u = xmlGetProp(ns, (const xmlChar *)"uname");
            bool mine = u && strcmp((char *)u, uname) == 0;

            xmlFree(u);
            if (!mine)
                continue;
            for (const xmlNode *l = ns->children; l; l = l->next)
                for (const xmlNode *rs = l->children; rs; rs = rs->next)
                    for (const xmlNode *r = rs->children; r; r = r->next) {
                        xmlChar *rid = xmlGetProp(r, (const xmlChar *)"id");
                        bool hit = rid && strcmp((char *)rid, rsc) == 0;

                        xmlFree(rid);
                        if (!hit)
                            continue;
                        if (id == NULL)
                            return r;
                        for (const xmlNode *op = r->children; op; op = op->next) {
                            xmlChar *oid = xmlGetProp(op, (const xmlChar *)"id");
                            bool found = oid && strcmp((char *)oid, id) == 0;

                            xmlFree(oid);
                            if (found)
                                return op;
                        }
                    }
        }
    }
    return NULL;
}

static const char *prop(const xmlNode *n, const char *name)
{
    static char buf[256];
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;

    if (v == NULL)
        return NULL;
    g_strlcpy(buf, (const char *)v, sizeof(buf));
    xmlFree(v);
    return buf;
}

/* ---- bad arguments ---- */

START_TEST(changes_refuse_null_and_bad_arguments)
{
    vgl_cib *cib = web();
    vgl_cib_node_state st = { .in_ccm = "true" };
    vgl_cib_op_result op = { 0 };
    vgl_cib_fence_event ev = { 0 };

    ck_assert_int_eq(vgl_cib_put(NULL, VGL_CIB_RESOURCES, "<x id=\"a\"/>", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_put(cib, (vgl_cib_section)42, "<x id=\"a\"/>", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_delete(NULL, "vip", 0, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_set_option(NULL, "a", "b", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_set_node_attr(NULL, "alpha", "a", "b", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_set_rsc_meta(NULL, "vip", "a", "b", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_replace_config(NULL, "<configuration/>", -1, NULL, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_set_node_state(NULL, "alpha", &st, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_set_node_state(cib, "alpha", NULL, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_record_op(NULL, "alpha", &op, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_record_op(cib, "alpha", NULL, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_clear_resource(NULL, "vip", NULL, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_clear_node(NULL, "alpha", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_set_transient_attr(NULL, "alpha", "a", "b", NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_add_fence_event(NULL, &ev, NULL), VGL_E_INVALID);
    ck_assert_int_eq(vgl_cib_add_fence_event(cib, NULL, NULL), VGL_E_INVALID);
    ck_assert(!vgl_cib_op_is_failure(NULL));
    ck_assert_ptr_null(vgl_cib_diff(NULL, cib));

    EXPECT_REFUSED(cib, vgl_cib_put(cib, VGL_CIB_RESOURCES, NULL, errors), VGL_E_PARSE, "input: no input");
    EXPECT_REFUSED(cib, vgl_cib_put(cib, VGL_CIB_RESOURCES, "<primitive", errors), VGL_E_PARSE, NULL);
    EXPECT_REFUSED(cib, vgl_cib_delete(cib, "", 0, errors), VGL_E_INVALID,
                   "good/pacemaker-web.xml: the id is missing");
    EXPECT_REFUSED(cib, vgl_cib_set_option(cib, "", "x", errors), VGL_E_INVALID, NULL);
    EXPECT_REFUSED(cib, vgl_cib_set_option(cib, "cluster-name", "bell\x07", errors), VGL_E_INVALID, NULL);
    EXPECT_REFUSED(cib, vgl_cib_set_option(cib, "cluster-name", "\xff\xfe", errors), VGL_E_INVALID, NULL);
    EXPECT_REFUSED(cib, vgl_cib_set_node_attr(cib, NULL, "a", "b", errors), VGL_E_INVALID, NULL);
    EXPECT_REFUSED(cib, vgl_cib_set_transient_attr(cib, "alpha", "a\x01", "b", errors), VGL_E_INVALID, NULL);
    EXPECT_REFUSED(cib, vgl_cib_set_node_state(cib, "alpha", &(vgl_cib_node_state){ .join = "sleepy" }, errors),
                   VGL_E_INVALID, NULL);
    EXPECT_REFUSED(cib, vgl_cib_set_node_state(cib, "alpha", &(vgl_cib_node_state){ .in_ccm = "-5" }, errors),
                   VGL_E_INVALID, NULL);
    EXPECT_REFUSED(cib, vgl_cib_record_op(cib, "alpha", &op, errors), VGL_E_INVALID,
                   "good/pacemaker-web.xml: the resource id is missing");
    EXPECT_REFUSED(cib, vgl_cib_add_fence_event(cib, &ev, errors), VGL_E_INVALID,
                   "good/pacemaker-web.xml: the fence target is missing");
    vgl_cib_free(cib);
}
END_TEST

/* ---- configuration changes ---- */

START_TEST(put_creates_and_replaces_in_place)
{
    vgl_cib *cib = web();
    GPtrArray *ids;

    ck_assert_int_eq(vgl_cib_put(cib, VGL_CIB_RESOURCES,
                                 "<primitive id=\"db\" class=\"ocf\" provider=\"heartbeat\" type=\"mysql\">\n"
                                 "  <operations><op id=\"db-mon\" name=\"monitor\" interval=\"20s\"/></operations>\n"
                                 "</primitive>", NULL), 0);
    cibt_assert_version(cib, 0, 58, 0);
    ids = vgl_cib_resource_ids(cib, false);
    ck_assert_str_eq(ids->pdata[ids->len - 1], "db");
    g_ptr_array_unref(ids);
    /* replacing keeps the element where it stands (vip is first in web) */
    ck_assert_int_eq(vgl_cib_put(cib, VGL_CIB_RESOURCES,
                                 "<primitive id=\"vip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr\"/>",
                                 NULL), 0);
    cibt_assert_version(cib, 0, 59, 0);
    ck_assert_str_eq(prop(vgl_cib_find(cib, "vip"), "type"), "IPaddr");
    ck_assert_str_eq((const char *)vgl_cib_find(cib, "vip")->parent->name, "group");
    ck_assert_ptr_null(vgl_cib_find(cib, "vip-monitor-interval-10s")); /* old children went with it */
    ck_assert_int_eq(vgl_cib_put(cib, VGL_CIB_NODES, "<node id=\"4\" uname=\"delta\"/>", NULL), 0);
    ck_assert_ptr_nonnull(vgl_cib_node(cib, "delta"));
    ck_assert_int_eq(vgl_cib_put(cib, VGL_CIB_NODES, "<node id=\"4\" uname=\"echo\"/>", NULL), 0);
    ck_assert_ptr_null(vgl_cib_node(cib, "delta"));
    ck_assert_int_eq(vgl_cib_put(cib, VGL_CIB_CONSTRAINTS,
                                 "<rsc_location id=\"db-pref\" rsc=\"db\" node=\"echo\" score=\"50\"/>", NULL), 0);
    ck_assert_int_eq(vgl_cib_put(cib, VGL_CIB_OP_DEFAULTS,
                                 "<meta_attributes id=\"more-op-defaults\"/>", NULL), 0);
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(put_refuses_and_changes_nothing)
{
    vgl_cib *cib = web();

    EXPECT_REFUSED(cib, vgl_cib_put(cib, VGL_CIB_RESOURCES,
                                    "<primitive id=\"vip\" class=\"ocf2\" provider=\"heartbeat\" type=\"IPaddr2\"/>",
                                    errors),
                   VGL_E_INVALID, "good/pacemaker-web.xml: <primitive id=\"vip\">: unknown class \"ocf2\"");
    EXPECT_REFUSED(cib, vgl_cib_put(cib, VGL_CIB_CONSTRAINTS,
                                    "<rsc_order id=\"o\" first=\"vip\" then=\"ghost\"/>", errors),
                   VGL_E_INVALID,
                   "good/pacemaker-web.xml: <rsc_order id=\"o\">: then refers to \"ghost\", which does not exist");
    EXPECT_REFUSED(cib, vgl_cib_put(cib, VGL_CIB_CONSTRAINTS,
                                    "<rsc_location id=\"vip\" rsc=\"web\" node=\"alpha\" score=\"1\"/>", errors),
                   VGL_E_EXISTS,
                   "good/pacemaker-web.xml:39: <primitive id=\"vip\">: id \"vip\" is already used in "
                   "<resources>, not in <constraints>");
    EXPECT_REFUSED(cib, vgl_cib_put(cib, VGL_CIB_RESOURCES, "<primitive class=\"ocf\"/>", errors),
                   VGL_E_INVALID, "good/pacemaker-web.xml: <primitive>: an element to put needs an id");
    EXPECT_REFUSED(cib, vgl_cib_put(cib, VGL_CIB_RESOURCES,
                                    "<bundle id=\"b\"><docker image=\"x\"/></bundle>", errors),
                   VGL_E_UNSUPPORTED, "good/pacemaker-web.xml: <bundle id=\"b\">: <bundle> is not supported by Vigil");
    EXPECT_REFUSED(cib, vgl_cib_put(cib, VGL_CIB_RESOURCES,
                                    "<!DOCTYPE x [<!ENTITY e \"e\">]><primitive id=\"e\"/>", errors),
                   VGL_E_PARSE, "input: DTD and entity declarations are not allowed");
    cibt_assert_version(cib, 0, 57, 12);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(delete_refuses_referenced_or_cascades)
{
    vgl_cib *cib = web();

    EXPECT_REFUSED(cib, vgl_cib_delete(cib, "ping-clone", 0, errors), VGL_E_PERM,
                   "good/pacemaker-web.xml:65: <clone id=\"ping-clone\">: cannot delete: "
                   "<rsc_colocation id=\"colocation-web-ping-clone-INFINITY\"> refers to it");
    /* a child of the clone is referenced through its parent's id only */
    EXPECT_REFUSED(cib, vgl_cib_delete(cib, "fence-ipmi", 0, errors), VGL_E_PERM,
                   "good/pacemaker-web.xml:29: <primitive id=\"fence-ipmi\">: cannot delete: "
                   "<fencing-level id=\"fl-alpha-1\"> refers to it");
    EXPECT_REFUSED(cib, vgl_cib_delete(cib, "nothing-here", 0, errors), VGL_E_NOT_FOUND,
                   "good/pacemaker-web.xml: no element with id \"nothing-here\"");
    ck_assert_int_eq(vgl_cib_delete(cib, "ping-clone", VGL_CIB_DELETE_CASCADE, NULL), 0);
    ck_assert_ptr_null(vgl_cib_find(cib, "ping-clone"));
    ck_assert_ptr_null(vgl_cib_find(cib, "ping"));
    ck_assert_ptr_null(vgl_cib_find(cib, "colocation-web-ping-clone-INFINITY"));
    ck_assert_ptr_null(vgl_cib_find(cib, "order-ping-clone-web-mandatory"));
    ck_assert_ptr_nonnull(vgl_cib_find(cib, "location-web-alpha-200"));
    cibt_assert_version(cib, 0, 58, 0);
    ck_assert_int_eq(vgl_cib_delete(cib, "fence-ipmi", VGL_CIB_DELETE_CASCADE, NULL), 0);
    ck_assert_ptr_null(vgl_cib_find(cib, "fl-alpha-1"));
    /* deleting a group's last member would leave an empty group */
    ck_assert_int_eq(vgl_cib_delete(cib, "nginx", 0, NULL), 0);
    EXPECT_REFUSED(cib, vgl_cib_delete(cib, "vip", 0, errors), VGL_E_INVALID,
                   "good/pacemaker-web.xml:38: <group id=\"web\">: a group needs at least one primitive");
    /* smaller things and nodes */
    ck_assert_int_eq(vgl_cib_delete(cib, "location-web-site-rule-expr-1", 0, NULL), 0);
    ck_assert_int_eq(vgl_cib_delete(cib, "3", 0, NULL), 0);
    ck_assert_ptr_null(vgl_cib_node(cib, "charlie"));
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(options_set_update_alias_and_unset)
{
    vgl_cib *cib = cibt_load("good/no-status.xml");
    char *text;

    /* the existing "fencing-enabled" nvpair is updated in place */
    ck_assert_int_eq(vgl_cib_set_option(cib, "stonith-enabled", "true", NULL), 0);
    text = vgl_cib_serialize(cib);
    ck_assert_ptr_nonnull(strstr(text, "name=\"fencing-enabled\" value=\"true\""));
    ck_assert_ptr_null(strstr(text, "name=\"stonith-enabled\""));
    g_free(text);
    cibt_assert_version(cib, 2, 6, 0);
    ck_assert_int_eq(vgl_cib_set_option(cib, "no-quorum-policy", "ignore", NULL), 0);
    ck_assert_str_eq(vgl_cib_option(cib, "no-quorum-policy"), "ignore");
    ck_assert_str_eq(prop(vgl_cib_find(cib, "cib-bootstrap-options-no-quorum-policy"), "value"), "ignore");
    EXPECT_REFUSED(cib, vgl_cib_set_option(cib, "no-quorum-policy", "suicide", errors), VGL_E_UNSUPPORTED,
                   "good/no-status.xml: <nvpair id=\"cib-bootstrap-options-no-quorum-policy\">: "
                   "no-quorum-policy \"suicide\" is not supported by Vigil");
    EXPECT_REFUSED(cib, vgl_cib_set_option(cib, "stonith-timeout", "1 fortnight", errors), VGL_E_INVALID, NULL);
    ck_assert_int_eq(vgl_cib_set_option(cib, "fencing-enabled", NULL, NULL), 0);
    ck_assert_str_eq(vgl_cib_option(cib, "stonith-enabled"), "true"); /* back to the default */
    cibt_assert_version(cib, 2, 8, 0);
    ck_assert_int_eq(vgl_cib_set_option(cib, "fencing-enabled", NULL, NULL), 0); /* nothing to unset */
    cibt_assert_version(cib, 2, 8, 0);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(option_set_creates_the_bootstrap_set)
{
    vgl_cib *cib = vgl_cib_new();

    ck_assert_int_eq(vgl_cib_set_option(cib, "cluster-name", "lab", NULL), 0);
    ck_assert_ptr_nonnull(vgl_cib_find(cib, "cib-bootstrap-options"));
    ck_assert_ptr_nonnull(vgl_cib_find(cib, "cib-bootstrap-options-cluster-name"));
    ck_assert_str_eq(vgl_cib_option(cib, "cluster-name"), "lab");
    vgl_cib_free(cib);
}
END_TEST

START_TEST(node_attributes_permanent)
{
    vgl_cib *cib = web();

    ck_assert_int_eq(vgl_cib_set_node_attr(cib, "charlie", "standby", "on", NULL), 0);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "charlie", "standby", VGL_CIB_ATTR_PERMANENT), "on");
    ck_assert_ptr_nonnull(vgl_cib_find(cib, "nodes-3-standby"));
    ck_assert_int_eq(vgl_cib_set_node_attr(cib, "bravo", "standby", "on", NULL), 0);
    ck_assert_str_eq(prop(vgl_cib_find(cib, "nodes-2-standby"), "value"), "on");
    EXPECT_REFUSED(cib, vgl_cib_set_node_attr(cib, "bravo", "standby", "maybe", errors), VGL_E_INVALID,
                   "good/pacemaker-web.xml:23: <nvpair id=\"nodes-2-standby\">: standby \"maybe\" is not a "
                   "boolean (true or false)");
    EXPECT_REFUSED(cib, vgl_cib_set_node_attr(cib, "zulu", "standby", "on", errors), VGL_E_NOT_FOUND,
                   "good/pacemaker-web.xml: no node called \"zulu\"");
    ck_assert_int_eq(vgl_cib_set_node_attr(cib, "alpha", "site", NULL, NULL), 0);
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "alpha", "site", VGL_CIB_ATTR_ANY));
    cibt_assert_version(cib, 0, 60, 0);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(resource_meta_attributes)
{
    vgl_cib *cib = web();

    ck_assert_int_eq(vgl_cib_set_rsc_meta(cib, "vip", "target-role", "Stopped", NULL), 0);
    ck_assert_str_eq(prop(vgl_cib_find(cib, "vip-meta_attributes-target-role"), "value"), "Stopped");
    ck_assert_int_eq(vgl_cib_set_rsc_meta(cib, "web", "target-role", "Stopped", NULL), 0);
    ck_assert_str_eq(prop(vgl_cib_find(cib, "web-meta_attributes-target-role"), "value"), "Stopped");
    ck_assert_int_eq(vgl_cib_set_rsc_meta(cib, "ping-clone", "is-managed", "false", NULL), 0);
    EXPECT_REFUSED(cib, vgl_cib_set_rsc_meta(cib, "vip", "target-role", "Promoted", errors), VGL_E_UNSUPPORTED,
                   "good/pacemaker-web.xml: <nvpair id=\"vip-meta_attributes-target-role\">: target-role "
                   "\"Promoted\" is not supported by Vigil");
    EXPECT_REFUSED(cib, vgl_cib_set_rsc_meta(cib, "location-web-alpha-200", "is-managed", "false", errors),
                   VGL_E_NOT_FOUND, "good/pacemaker-web.xml: no resource called \"location-web-alpha-200\"");
    ck_assert_int_eq(vgl_cib_set_rsc_meta(cib, "web", "target-role", NULL, NULL), 0);
    ck_assert_ptr_null(vgl_cib_find(cib, "web-meta_attributes-target-role"));
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(replace_whole_configuration)
{
    vgl_cib *cib = web();
    const char *conf = "<configuration>\n<crm_config/>\n<nodes><node id=\"9\" uname=\"solo\"/></nodes>\n"
                       "<resources/>\n<constraints/>\n</configuration>\n";
    const char *bad = "<cib validate-with=\"pacemaker-3.0\" admin_epoch=\"9\" epoch=\"9\" num_updates=\"9\">\n"
                      "<configuration>\n<crm_config/>\n<nodes/>\n<resources>\n"
                      "  <primitive id=\"x\" class=\"ocf\" type=\"Dummy\"/>\n"
                      "</resources>\n<constraints/>\n</configuration>\n</cib>\n";

    EXPECT_REFUSED(cib, vgl_cib_replace_config(cib, bad, -1, "new.xml", errors), VGL_E_INVALID,
                   "new.xml:6: <primitive id=\"x\">: class \"ocf\" needs a provider");
    ck_assert_str_eq(vgl_cib_label(cib), "good/pacemaker-web.xml");
    EXPECT_REFUSED(cib, vgl_cib_replace_config(cib, "<status/>", -1, NULL, errors), VGL_E_INVALID,
                   "configuration: expected <configuration> or <cib>");
    ck_assert_int_eq(vgl_cib_replace_config(cib, conf, -1, "solo.xml", NULL), 0);
    ck_assert_str_eq(vgl_cib_label(cib), "solo.xml");
    cibt_assert_version(cib, 0, 58, 0); /* versions of the CIB, not of the input */
    ck_assert_ptr_nonnull(vgl_cib_node(cib, "solo"));
    ck_assert_ptr_null(vgl_cib_find(cib, "vip"));
    /* status kept: the scheduler stops orphans from it */
    ck_assert_ptr_nonnull(history_entry(cib, "alpha", "vip", "vip_last_0"));
    vgl_cib_free(cib);
}
END_TEST

START_TEST(rollback_restores_everything)
{
    vgl_cib *cib = web();
    char *before = vgl_cib_serialize(cib), *after;

    /* attribute edits, additions, removals and replacements, each refused */
    ck_assert_int_ne(vgl_cib_set_option(cib, "no-quorum-policy", "demote", NULL), 0);
    ck_assert_int_ne(vgl_cib_set_option(cib, "stonith-timeout", "soon", NULL), 0);
    ck_assert_int_ne(vgl_cib_set_rsc_meta(cib, "vip", "target-role", "Master", NULL), 0);
    ck_assert_int_eq(vgl_cib_delete(cib, "nginx", 0, NULL), 0);
    ck_assert_int_eq(vgl_cib_delete(cib, "vip", 0, NULL), VGL_E_INVALID); /* the group's last one */
    ck_assert_int_ne(vgl_cib_put(cib, VGL_CIB_RESOURCES,
                                 "<group id=\"web\"><primitive id=\"vip\" class=\"bad\" type=\"x\"/></group>",
                                 NULL), 0);
    ck_assert_int_ne(vgl_cib_replace_config(cib, "<configuration/>", -1, NULL, NULL), 0);
    cibt_assert_index(cib);
    ck_assert_ptr_null(vgl_cib_find(cib, "nginx-monitor-interval-30s"));
    ck_assert_ptr_nonnull(vgl_cib_find(cib, "vip-monitor-interval-10s"));
    ck_assert_int_eq(vgl_cib_put(cib, VGL_CIB_RESOURCES,
                                 "<primitive id=\"extra\" class=\"lsb\" type=\"cron\"/>", NULL), 0);
    ck_assert_int_eq(vgl_cib_delete(cib, "extra", 0, NULL), 0);
    ck_assert_int_eq(vgl_cib_set_option(cib, "no-quorum-policy", "stop", NULL), 0);
    cibt_assert_index(cib);
    after = vgl_cib_serialize(cib);
    ck_assert_str_ne(before, after);
    g_free(before);
    g_free(after);
    vgl_cib_free(cib);
}
END_TEST

/* ---- status changes ---- */

START_TEST(node_state_fields)
{
    vgl_cib *cib = web();
    vgl_cib_node_state st = { .in_ccm = "1710000000", .crmd = "1710000000", .join = "member",
                              .expected = "member" };
    const xmlNode *ns;

    ck_assert_int_eq(vgl_cib_set_node_state(cib, "delta", &st, NULL), 0);
    cibt_assert_version(cib, 0, 57, 13);
    ck_assert_int_eq(vgl_cib_set_node_state(cib, "delta", &st, NULL), 0); /* no change, no bump */
    cibt_assert_version(cib, 0, 57, 13);
    st = (vgl_cib_node_state){ .in_ccm = "false", .crmd = "offline" };
    ck_assert_int_eq(vgl_cib_set_node_state(cib, "alpha", &st, NULL), 0);
    cibt_assert_version(cib, 0, 57, 14);
    ns = history_entry(cib, "alpha", "vip", NULL)->parent->parent->parent;
    ck_assert_str_eq(prop(ns, "in_ccm"), "false");
    ck_assert_str_eq(prop(ns, "join"), "member"); /* untouched */
    /* a configured node keeps its node id; an unknown one uses its name */
    ck_assert_int_eq(vgl_cib_put(cib, VGL_CIB_NODES, "<node id=\"77\" uname=\"golf\"/>", NULL), 0);
    ck_assert_int_eq(vgl_cib_set_node_state(cib, "golf", &st, NULL), 0);
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    {
        char *text = vgl_cib_serialize(cib);
        ck_assert_ptr_nonnull(strstr(text, "<node_state id=\"77\" uname=\"golf\""));
        ck_assert_ptr_nonnull(strstr(text, "<node_state id=\"delta\" uname=\"delta\""));
        g_free(text);
    }
    vgl_cib_free(cib);
}
END_TEST

static vgl_cib_op_result op(const char *operation, uint32_t interval, int rc, int expected, int call)
{
    vgl_cib_op_result r = {
        .rsc_id = "db", .rsc_class = "ocf", .rsc_provider = "heartbeat", .rsc_type = "mysql",
        .operation = operation, .interval_ms = interval, .rc = rc, .op_status = 0,
        .expected_rc = expected, .call_id = call, .time = 1700000000 + call, .exec_ms = 25,
        .queue_ms = 1, .op_digest = "0123456789abcdef",
    };
    return r;
}

START_TEST(failure_rules)
{
    static const struct {
        const char *op;
        uint32_t interval;
        int rc, expected, status;
        bool failed;
    } cases[] = {
        { "start", 0, 0, 0, 0, false },
        { "start", 0, 1, 0, 0, true },
        { "monitor", 0, 7, 7, 0, false },   /* probe: not running, as expected */
        { "monitor", 0, 0, 7, 0, false },   /* probe: running, unexpected but no failure */
        { "monitor", 0, 7, 0, 0, false },   /* probe expected running, found stopped */
        { "monitor", 0, 5, 7, 0, true },    /* probe: not installed */
        { "monitor", 10000, 7, 0, 0, true },
        { "monitor", 10000, 190, 0, 0, false }, /* degraded is success */
        { "monitor", 10000, 0, 0, 2, true },    /* timed out */
        { "monitor", 10000, 0, 0, 1, false },   /* cancelled */
        { "start", 0, 193, 0, -1, false },      /* pending */
        { "stop", 0, 0, 0, 4, true },           /* executor error */
        { "stop", 0, 1, 0, 0, true },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        vgl_cib_op_result r = op(cases[i].op, cases[i].interval, cases[i].rc, cases[i].expected, 1);

        r.op_status = cases[i].status;
        ck_assert_msg(vgl_cib_op_is_failure(&r) == cases[i].failed, "case %zu", i);
    }
}
END_TEST

START_TEST(record_op_writes_pacemaker_history)
{
    vgl_cib *cib = web();
    vgl_cib_op_result r = op("monitor", 0, 7, 7, 40);
    const xmlNode *e;

    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0); /* probe */
    cibt_assert_version(cib, 0, 57, 13);
    e = history_entry(cib, "bravo", "db", "db_last_0");
    ck_assert_str_eq(prop(e, "operation_key"), "db_monitor_0");
    ck_assert_str_eq(prop(e, "transition-key"), "0:0:7:vigil");
    ck_assert_str_eq(prop(e, "transition-magic"), "0:7;0:0:7:vigil");
    ck_assert_str_eq(prop(e, "rc-code"), "7");
    ck_assert_str_eq(prop(e, "call-id"), "40");
    ck_assert_str_eq(prop(e, "on_node"), "bravo");
    ck_assert_str_eq(prop(e, "last-run"), "1700000040");
    ck_assert_str_eq(prop(e, "op-digest"), "0123456789abcdef");
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "bravo", "fail-count-db#monitor_0", VGL_CIB_ATTR_TRANSIENT));

    r = op("start", 0, 0, 0, 41);
    r.transition_key = "3:7:0:feedface";
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    e = history_entry(cib, "bravo", "db", "db_last_0");
    ck_assert_str_eq(prop(e, "operation_key"), "db_start_0");
    ck_assert_str_eq(prop(e, "transition-key"), "3:7:0:feedface");
    ck_assert_str_eq(prop(e, "last-rc-change"), "1700000041"); /* new operation */

    r = op("monitor", 20000, 0, 0, 42);
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    e = history_entry(cib, "bravo", "db", "db_monitor_20000");
    ck_assert_str_eq(prop(e, "interval"), "20000");
    ck_assert_ptr_null(prop(e, "last-run")); /* only one-shot ops have it */
    r.call_id = 43;
    r.time = 1700009999;
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    e = history_entry(cib, "bravo", "db", "db_monitor_20000");
    ck_assert_str_eq(prop(e, "call-id"), "43");
    ck_assert_str_eq(prop(e, "last-rc-change"), "1700000042"); /* same rc: first time kept */

    /* monitor failures count up */
    r = op("monitor", 20000, 7, 0, 44);
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    r.call_id = 45;
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "bravo", "fail-count-db#monitor_20000", VGL_CIB_ATTR_TRANSIENT), "2");
    ck_assert_str_eq(vgl_cib_node_attr(cib, "bravo", "last-failure-db#monitor_20000", VGL_CIB_ATTR_TRANSIENT),
                     "1700000044");
    e = history_entry(cib, "bravo", "db", "db_last_failure_0");
    ck_assert_str_eq(prop(e, "operation_key"), "db_monitor_20000");
    ck_assert_str_eq(prop(e, "rc-code"), "7");

    /* a cancelled recurring op disappears */
    r = op("monitor", 20000, 0, 0, 46);
    r.op_status = 1;
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    ck_assert_ptr_null(history_entry(cib, "bravo", "db", "db_monitor_20000"));
    ck_assert_ptr_nonnull(history_entry(cib, "bravo", "db", "db_last_failure_0"));
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(start_and_stop_failures)
{
    vgl_cib *cib = web();
    vgl_cib_op_result r = op("start", 0, 1, 0, 50);

    ck_assert_int_eq(vgl_cib_record_op(cib, "alpha", &r, NULL), 0);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "alpha", "fail-count-db#start_0", VGL_CIB_ATTR_TRANSIENT),
                     "INFINITY");
    /* with start-failure-is-fatal=false a start failure counts one */
    ck_assert_int_eq(vgl_cib_set_option(cib, "start-failure-is-fatal", "false", NULL), 0);
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "bravo", "fail-count-db#start_0", VGL_CIB_ATTR_TRANSIENT), "2");
    /* a failed stop is always INFINITY */
    r = op("stop", 0, 1, 0, 51);
    ck_assert_int_eq(vgl_cib_record_op(cib, "bravo", &r, NULL), 0);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "bravo", "fail-count-db#stop_0", VGL_CIB_ATTR_TRANSIENT),
                     "INFINITY");
    /* a successful stop cancels the recurring history */
    r = op("monitor", 10000, 0, 0, 52);
    ck_assert_int_eq(vgl_cib_record_op(cib, "alpha", &r, NULL), 0);
    ck_assert_ptr_nonnull(history_entry(cib, "alpha", "db", "db_monitor_10000"));
    r = op("stop", 0, 0, 0, 53);
    ck_assert_int_eq(vgl_cib_record_op(cib, "alpha", &r, NULL), 0);
    ck_assert_ptr_null(history_entry(cib, "alpha", "db", "db_monitor_10000"));
    ck_assert_ptr_nonnull(history_entry(cib, "alpha", "db", "db_last_failure_0"));
    vgl_cib_free(cib);
}
END_TEST

START_TEST(record_op_refuses_bad_results)
{
    vgl_cib *cib = web();
    vgl_cib_op_result r = op("start", 0, 0, 0, 1);

    r.rsc_class = "ocf2";
    EXPECT_REFUSED(cib, vgl_cib_record_op(cib, "alpha", &r, errors), VGL_E_INVALID,
                   "good/pacemaker-web.xml: operation result for db on alpha: class must be ocf, stonith, "
                   "lsb, systemd or service");
    r = op("start", 0, 0, 0, 1);
    r.rsc_provider = NULL;
    EXPECT_REFUSED(cib, vgl_cib_record_op(cib, "alpha", &r, errors), VGL_E_INVALID, NULL);
    r = op("Start Now", 0, 0, 0, 1);
    EXPECT_REFUSED(cib, vgl_cib_record_op(cib, "alpha", &r, errors), VGL_E_INVALID, NULL);
    r = op("start", 0, 256, 0, 1);
    EXPECT_REFUSED(cib, vgl_cib_record_op(cib, "alpha", &r, errors), VGL_E_INVALID, NULL);
    r = op("start", 0, 0, 0, 1);
    r.op_status = 12;
    EXPECT_REFUSED(cib, vgl_cib_record_op(cib, "alpha", &r, errors), VGL_E_INVALID, NULL);
    r = op("start", 0, 0, 0, -2);
    EXPECT_REFUSED(cib, vgl_cib_record_op(cib, "alpha", &r, errors), VGL_E_INVALID, NULL);
    r = op("start", 0, 0, 0, 1);
    r.exit_reason = "bad\x02" "byte";
    EXPECT_REFUSED(cib, vgl_cib_record_op(cib, "alpha", &r, errors), VGL_E_INVALID, NULL);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(cleanup_resource_and_node)
{
    vgl_cib *cib = web();
    vgl_cib_op_result r = op("monitor", 10000, 7, 0, 60);

    r.rsc_id = "vip";
    r.rsc_type = "IPaddr2";
    ck_assert_int_eq(vgl_cib_record_op(cib, "alpha", &r, NULL), 0);
    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "alpha", "fail-count-vip:1#start_0", "3", NULL), 0);
    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "alpha", "fail-count-vipx#start_0", "3", NULL), 0);
    ck_assert_ptr_nonnull(vgl_cib_node_attr(cib, "alpha", "fail-count-vip#monitor_10000", VGL_CIB_ATTR_ANY));
    /* on one node */
    ck_assert_int_eq(vgl_cib_clear_resource(cib, "vip", "alpha", NULL), 0);
    ck_assert_ptr_null(history_entry(cib, "alpha", "vip", NULL));
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "alpha", "fail-count-vip#monitor_10000", VGL_CIB_ATTR_ANY));
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "alpha", "fail-count-vip:1#start_0", VGL_CIB_ATTR_ANY));
    ck_assert_str_eq(vgl_cib_node_attr(cib, "alpha", "fail-count-vipx#start_0", VGL_CIB_ATTR_ANY), "3");
    ck_assert_ptr_nonnull(history_entry(cib, "bravo", "vip", NULL));
    /* everywhere */
    ck_assert_int_eq(vgl_cib_clear_resource(cib, "vip", NULL, NULL), 0);
    ck_assert_ptr_null(history_entry(cib, "bravo", "vip", NULL));
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "bravo", "fail-count-vip#monitor_10000", VGL_CIB_ATTR_ANY));
    ck_assert_str_eq(vgl_cib_node_attr(cib, "bravo", "pingd", VGL_CIB_ATTR_ANY), "1000");
    {
        vgl_cib_version before, after;

        vgl_cib_get_version(cib, &before);
        ck_assert_int_eq(vgl_cib_clear_resource(cib, "vip", NULL, NULL), 0); /* nothing left */
        vgl_cib_get_version(cib, &after);
        ck_assert_int_eq(vgl_cib_version_order(&before, &after), 0);
    }
    /* a fenced node forgets everything */
    ck_assert_int_eq(vgl_cib_clear_node(cib, "alpha", NULL), 0);
    ck_assert_ptr_null(history_entry(cib, "alpha", "fence-ipmi", NULL));
    ck_assert_ptr_null(vgl_cib_node_attr(cib, "alpha", "pingd", VGL_CIB_ATTR_ANY));
    ck_assert_int_eq(vgl_cib_clear_node(cib, "nobody", NULL), 0);
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(transient_attributes)
{
    vgl_cib *cib = web();

    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "charlie", "pingd", "500", NULL), 0);
    cibt_assert_version(cib, 0, 57, 13);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "charlie", "pingd", VGL_CIB_ATTR_TRANSIENT), "500");
    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "charlie", "pingd", "500", NULL), 0);
    cibt_assert_version(cib, 0, 57, 13);
    /* transient wins over permanent */
    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "alpha", "site", "moon", NULL), 0);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "alpha", "site", VGL_CIB_ATTR_ANY), "moon");
    ck_assert_str_eq(vgl_cib_node_attr(cib, "alpha", "site", VGL_CIB_ATTR_PERMANENT), "east");
    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "alpha", "site", NULL, NULL), 0);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "alpha", "site", VGL_CIB_ATTR_ANY), "east");
    /* unset on a node without status creates nothing */
    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "hotel", "x", NULL, NULL), 0);
    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "hotel", "a#b", "1", NULL), 0);
    ck_assert_int_eq(vgl_cib_set_transient_attr(cib, "hotel", "a.b", "2", NULL), 0);
    ck_assert_str_eq(vgl_cib_node_attr(cib, "hotel", "a#b", VGL_CIB_ATTR_ANY), "1");
    ck_assert_str_eq(vgl_cib_node_attr(cib, "hotel", "a.b", VGL_CIB_ATTR_ANY), "2");
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    vgl_cib_free(cib);
}
END_TEST

START_TEST(fence_history_keeps_the_last_50)
{
    vgl_cib *cib = vgl_cib_new();
    vgl_cib_fence_event ev = { .target = "n2", .action = "reboot", .status = "success",
                               .origin = "n1", .client = "vigild", .completed = 1 };
    char *text;

    for (int i = 0; i < 60; i++) {
        ev.completed = 1000 + i;
        ev.status = (i % 3) ? "success" : "failed";
        ck_assert_int_eq(vgl_cib_add_fence_event(cib, &ev, NULL), 0);
    }
    cibt_assert_version(cib, 0, 0, 60);
    text = vgl_cib_serialize(cib);
    ck_assert_ptr_null(strstr(text, "id=\"fence-10\""));
    ck_assert_ptr_nonnull(strstr(text, "id=\"fence-11\""));
    ck_assert_ptr_nonnull(strstr(text, "id=\"fence-60\" target=\"n2\" action=\"reboot\""));
    g_free(text);
    ev.action = "explode";
    EXPECT_REFUSED(cib, vgl_cib_add_fence_event(cib, &ev, errors), VGL_E_INVALID, NULL);
    ck_assert_int_eq(vgl_cib_validate(cib, NULL), 0);
    vgl_cib_free(cib);
}
END_TEST

/* Two nodes applying the same changes in the same order hold the same bytes. */
START_TEST(changes_are_deterministic)
{
    vgl_cib *a = web(), *b = web();
    vgl_cib *both[] = { a, b };

    for (size_t i = 0; i < 2; i++) {
        vgl_cib *c = both[i];
        vgl_cib_op_result r = op("start", 0, 1, 0, 70);

        ck_assert_int_eq(vgl_cib_record_op(c, "alpha", &r, NULL), 0);
        ck_assert_int_eq(vgl_cib_set_option(c, "cluster-name", "same", NULL), 0);
        ck_assert_int_eq(vgl_cib_set_node_state(c, "delta", &(vgl_cib_node_state){ .join = "member" }, NULL), 0);
        ck_assert_int_eq(vgl_cib_set_rsc_meta(c, "vip", "resource-stickiness", "5", NULL), 0);
        ck_assert_int_eq(vgl_cib_set_transient_attr(c, "bravo", "x", "y", NULL), 0);
    }
    cibt_assert_same(a, b);
    vgl_cib_free(a);
    vgl_cib_free(b);
}
END_TEST

static Suite *cib_modify_suite(void)
{
    Suite *s = suite_create("cib_modify");
    TCase *bad = tcase_create("bad arguments");
    TCase *config = tcase_create("configuration");
    TCase *status = tcase_create("status");

    tcase_add_test(bad, changes_refuse_null_and_bad_arguments);
    tcase_add_test(config, put_creates_and_replaces_in_place);
    tcase_add_test(config, put_refuses_and_changes_nothing);
    tcase_add_test(config, delete_refuses_referenced_or_cascades);
    tcase_add_test(config, options_set_update_alias_and_unset);
    tcase_add_test(config, option_set_creates_the_bootstrap_set);
    tcase_add_test(config, node_attributes_permanent);
    tcase_add_test(config, resource_meta_attributes);
    tcase_add_test(config, replace_whole_configuration);
    tcase_add_test(config, rollback_restores_everything);
    tcase_add_test(status, node_state_fields);
    tcase_add_test(status, failure_rules);
    tcase_add_test(status, record_op_writes_pacemaker_history);
    tcase_add_test(status, start_and_stop_failures);
    tcase_add_test(status, record_op_refuses_bad_results);
    tcase_add_test(status, cleanup_resource_and_node);
    tcase_add_test(status, transient_attributes);
    tcase_add_test(status, fence_history_keeps_the_last_50);
    tcase_add_test(status, changes_are_deterministic);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, config);
    suite_add_tcase(s, status);
    return s;
}

VGL_CHECK_MAIN(cib_modify_suite)
