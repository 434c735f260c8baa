/*
 * check_syntax.c — the crm-style configuration syntax (tools/crm_syntax.h):
 * bad statements first, each with its exact error and no change to the
 * configuration; then what good statements build, round trips through the
 * printer (including a real Pacemaker CIB, checked by the CIB library),
 * the xml fallback, and the changes a batch reports.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <vigil/cib.h>

#include "tools/crm_syntax.h"
#include "vgl_check.h"

/* The configuration every bad statement is tried against. */
static const char base_text[] =
    "node 1: node1\n"
    "primitive vip ocf:vigil:IPaddr params ip=192.0.2.100\n"
    "primitive nginx ocf:vigil:nginx\n"
    "primitive db ocf:vigil:mysql\n"
    "group web nginx\n"
    "location prefer-n1 web 100: node1\n";

static xmlDoc *base_doc(void)
{
    xmlDoc *doc = crm_syntax_new_config();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    int rc = crm_syntax_apply(crm_syntax_config_of(doc), base_text, "base", NULL, errors);

    ck_assert_msg(rc == 0, "base: %s", errors->len ? (char *)errors->pdata[0] : "?");
    g_ptr_array_unref(errors);
    return doc;
}

static char *print_doc(xmlDoc *doc)
{
    return crm_syntax_print(crm_syntax_config_of(doc));
}

/* Apply TEXT to a fresh base; return rc, [out] the only error (caller
 * frees) and whether the configuration stayed the same. */
static int apply_bad(const char *text, char **error, bool *unchanged)
{
    xmlDoc *doc = base_doc();
    char *before = print_doc(doc), *after;
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    int rc = crm_syntax_apply(crm_syntax_config_of(doc), text, "t", NULL, errors);

    ck_assert_msg(errors->len == 1, "'%s': %u errors (first: %s)", text, errors->len,
                  errors->len ? (char *)errors->pdata[0] : "-");
    *error = g_strdup(errors->pdata[0]);
    after = print_doc(doc);
    *unchanged = strcmp(before, after) == 0;
    g_free(before);
    g_free(after);
    g_ptr_array_unref(errors);
    xmlFreeDoc(doc);
    return rc;
}

static const struct {
    const char *text;
    int rc;
    const char *error;
} bad[] = {
    { "frobnicate x", VGL_E_PARSE,
      "t:1: 'frobnicate': unknown statement (expected node, primitive, group, clone, location, "
      "colocation, order, property, rsc_defaults, op_defaults, fencing_topology, alert or xml)" },
    { "primitive", VGL_E_PARSE, "t:1: primitive: missing resource id" },
    { "primitive 1vip ocf:vigil:IPaddr", VGL_E_PARSE,
      "t:1: primitive: '1vip' is not a valid resource id (a letter or _, then letters, digits, _ - or .)" },
    { "primitive vip2", VGL_E_PARSE, "t:1: primitive vip2: missing agent (e.g. ocf:vigil:IPaddr)" },
    { "primitive vip2 IPaddr", VGL_E_PARSE,
      "t:1: primitive vip2: agent 'IPaddr' needs its class: ocf:PROVIDER:IPaddr, systemd:IPaddr, "
      "lsb:IPaddr, service:IPaddr or stonith:IPaddr" },
    { "primitive vip2 upstart:nginx", VGL_E_PARSE,
      "t:1: primitive vip2: unknown agent class 'upstart' (use ocf, stonith, lsb, systemd or service)" },
    { "primitive vip2 ocf:IPaddr", VGL_E_PARSE,
      "t:1: primitive vip2: an ocf agent is written ocf:PROVIDER:TYPE (e.g. ocf:vigil:IPaddr), not 'ocf:IPaddr'" },
    { "primitive vip2 systemd:", VGL_E_PARSE, "t:1: primitive vip2: agent 'systemd:' has no type after the class" },
    { "primitive vip2 ocf:vigil:IPaddr params", VGL_E_PARSE, "t:1: primitive vip2: 'params' needs NAME=VALUE pairs" },
    { "primitive vip2 ocf:vigil:IPaddr params op monitor", VGL_E_PARSE,
      "t:1: primitive vip2: 'params' needs NAME=VALUE pairs, not 'op'" },
    { "primitive vip2 ocf:vigil:IPaddr params ip=1 ip=2", VGL_E_PARSE,
      "t:1: primitive vip2: 'ip' is given twice in params" },
    { "primitive vip2 ocf:vigil:IPaddr params ip=1 params nic=eth0", VGL_E_PARSE,
      "t:1: primitive vip2: 'params' is given twice (put all the pairs after one 'params')" },
    { "primitive vip2 ocf:vigil:IPaddr op", VGL_E_PARSE,
      "t:1: primitive vip2: missing operation name after 'op' (e.g. op monitor interval=10s)" },
    { "primitive vip2 ocf:vigil:IPaddr op interval=10s", VGL_E_PARSE,
      "t:1: primitive vip2: 'op' needs an operation name first (e.g. op monitor interval=10s)" },
    { "primitive vip2 ocf:vigil:IPaddr op monitor intreval=10s", VGL_E_PARSE,
      "t:1: primitive vip2: op monitor: unknown attribute 'intreval' (interval, timeout, on-fail, "
      "enabled, role, record-pending, description, OCF_CHECK_LEVEL; others go after op_params)" },
    { "primitive vip2 ocf:vigil:IPaddr op monitor interval=soon", VGL_E_PARSE,
      "t:1: primitive vip2: op monitor: interval 'soon' is not a duration (e.g. 10s, 2min)" },
    { "primitive vip2 ocf:vigil:IPaddr op monitor interval=10s op monitor interval=10000ms", VGL_E_PARSE,
      "t:1: primitive vip2: op monitor with interval 10000ms is given twice" },
    { "primitive vip2 ocf:vigil:IPaddr op start op_params", VGL_E_PARSE,
      "t:1: primitive vip2: 'op_params' needs NAME=VALUE pairs" },
    { "primitive vip2 ocf:vigil:IPaddr bogus", VGL_E_PARSE,
      "t:1: primitive vip2: unexpected 'bogus' (expected params, meta or op)" },
    { "primitive vip2 ocf:vigil:IPaddr utilization cpu=1", VGL_E_UNSUPPORTED,
      "t:1: primitive vip2: utilization is not supported by Vigil" },
    { "primitive vip2 ocf:vigil:IPaddr params ip=\"192.0.2.1", VGL_E_PARSE,
      "t:1: statement: unterminated double quote" },
    { "primitive web ocf:vigil:Dummy", VGL_E_INVALID,
      "t:1: primitive web: id 'web' is already used by a <group>" },
    { "group web2", VGL_E_PARSE, "t:1: group web2: a group needs at least one primitive" },
    { "group web2 nosuch", VGL_E_NOT_FOUND,
      "t:1: group web2: no resource called 'nosuch' (define it before the group)" },
    { "group web2 vip vip", VGL_E_PARSE, "t:1: group web2: 'vip' is listed twice" },
    { "group web2 nginx", VGL_E_INVALID, "t:1: group web2: 'nginx' is already in group 'web'" },
    { "group web2 web", VGL_E_INVALID,
      "t:1: group web2: 'web' is a <group>; a group holds primitives only" },
    { "group web2 vip meta", VGL_E_PARSE, "t:1: group web2: 'meta' needs NAME=VALUE pairs" },
    { "clone c vip db", VGL_E_PARSE,
      "t:1: clone c: a clone holds one primitive or group, not 2 (group them first)" },
    { "clone prefer-n1 vip", VGL_E_INVALID, "t:1: clone prefer-n1: id 'prefer-n1' is already used by a <rsc_location>" },
    { "location l vip", VGL_E_PARSE, "t:1: location l: missing 'SCORE: NODE' or 'rule'" },
    { "location l vip node1", VGL_E_PARSE, "t:1: location l: expected 'SCORE: NODE' or 'rule', got 'node1'" },
    { "location l vip lots: node1", VGL_E_PARSE, "t:1: location l: 'lots' is not a score (a number, inf or -inf)" },
    { "location l vip 100:", VGL_E_PARSE, "t:1: location l: missing node name after the score" },
    { "location l vip 100: node1 node2", VGL_E_PARSE, "t:1: location l: unexpected 'node2'" },
    { "location l vip rule not_defined pingd", VGL_E_PARSE,
      "t:1: location l: expected the rule's 'SCORE:', got 'not_defined'" },
    { "location l vip rule -inf:", VGL_E_PARSE,
      "t:1: location l: missing an expression after the rule's score" },
    { "location l vip rule -inf: pingd", VGL_E_PARSE,
      "t:1: location l: 'pingd' needs an operator (lt, gt, lte, gte, eq, ne)" },
    { "location l vip rule -inf: pingd like 5", VGL_E_PARSE,
      "t:1: location l: 'pingd' needs an operator (lt, gt, lte, gte, eq, ne), not 'like'" },
    { "location l vip rule -inf: a eq 1 and b eq 2 or c eq 3", VGL_E_PARSE,
      "t:1: location l: a rule mixes 'and' and 'or'; use one, or write several rules" },
    { "location l vip rule -inf: date soon 2030-01-01", VGL_E_PARSE,
      "t:1: location l: 'date' takes gt, lt or in, not 'soon'" },
    { "location l vip rule -inf: date in", VGL_E_PARSE,
      "t:1: location l: 'date in' needs start=DATE and/or end=DATE" },
    { "colocation c inf: vip", VGL_E_PARSE, "t:1: colocation c: missing the resource it goes with" },
    { "colocation c vip web", VGL_E_PARSE, "t:1: colocation c: expected 'SCORE:' (e.g. inf:), got 'vip'" },
    { "colocation c inf: vip web db", VGL_E_UNSUPPORTED,
      "t:1: colocation c: resource sets (more than two resources) are not supported; write one "
      "colocation per pair" },
    { "order o Sometimes: vip web", VGL_E_PARSE,
      "t:1: order o: 'Sometimes' is not an order kind (Mandatory, Optional, Serialize) or a score" },
    { "order o vip web db", VGL_E_UNSUPPORTED,
      "t:1: order o: resource sets (more than two resources) are not supported; write one order per pair" },
    { "order o vip web symmetric=false", VGL_E_PARSE, "t:1: order o: unknown attribute 'symmetric'" },
    { "property", VGL_E_PARSE, "t:1: property: 'property' needs NAME=VALUE pairs" },
    { "property stonith-enabled", VGL_E_PARSE,
      "t:1: property: 'property' needs NAME=VALUE pairs, not 'stonith-enabled'" },
    { "rsc_defaults a=1 a=2", VGL_E_PARSE, "t:1: rsc_defaults: 'a' is given twice" },
    { "op_defaults 9x: timeout=20s", VGL_E_PARSE,
      "t:1: op_defaults: '9x' is not a valid set id (a letter or _, then letters, digits, _ - or .)" },
    { "fencing_topology", VGL_E_PARSE,
      "t:1: fencing_topology: needs TARGET: DEVICE[,DEVICE] ... (e.g. fencing_topology node1: fence-ipmi)" },
    { "fencing_topology fence-ipmi", VGL_E_PARSE,
      "t:1: fencing_topology: 'fence-ipmi' comes before any 'TARGET:' (write fencing_topology NODE: "
      "DEVICE[,DEVICE] ...)" },
    { "fencing_topology node1: node2: fence-ipmi", VGL_E_PARSE,
      "t:1: fencing_topology: target 'node1' has no devices" },
    { "alert mail", VGL_E_PARSE, "t:1: alert mail: missing the path of the alert agent" },
    { "alert mail /usr/lib/vigil/alerts/mail to", VGL_E_PARSE, "t:1: alert mail: missing a recipient after 'to'" },
    { "alert mail /usr/lib/vigil/alerts/mail bcc x", VGL_E_PARSE,
      "t:1: alert mail: unexpected 'bcc' (expected meta, attributes or to)" },
    { "xml", VGL_E_PARSE, "t:1: xml: missing the XML element" },
    { "xml <foo id='x'/>", VGL_E_PARSE, "t:1: xml: <foo> has no place in the configuration" },
    { "xml <primitive class='ocf'/>", VGL_E_PARSE, "t:1: xml: <primitive> has no id" },
    { "xml <rsc_location id='vip' rsc='web' node='node1' score='1'/>", VGL_E_INVALID,
      "t:1: xml vip: id 'vip' is already used by a <primitive>" },
    { "node", VGL_E_PARSE, "t:1: node: missing node name" },
    { "node 2:", VGL_E_PARSE, "t:1: node: missing node name after the id" },
    { "node 1: node9", VGL_E_INVALID, "t:1: node node9: node id '1' is already used by node 'node1'" },
    { "node node2 utilization cpu=2", VGL_E_UNSUPPORTED, "t:1: node node2: utilization is not supported by Vigil" },
    { "node node2 attributes", VGL_E_PARSE, "t:1: node node2: 'attributes' needs NAME=VALUE pairs" },
};

START_TEST(bad_statement)
{
    char *error = NULL;
    bool unchanged = false;
    int rc = apply_bad(bad[_i].text, &error, &unchanged);

    ck_assert_msg(rc == bad[_i].rc, "'%s': rc %d, want %d (%s)", bad[_i].text, rc, bad[_i].rc, error);
    ck_assert_str_eq(error, bad[_i].error);
    ck_assert_msg(unchanged, "'%s' changed the configuration", bad[_i].text);
    g_free(error);
}
END_TEST

START_TEST(bad_xml_names_the_parser_error)
{
    char *error = NULL;
    bool unchanged = false;

    ck_assert_int_eq(apply_bad("xml <primitive id='x'", &error, &unchanged), VGL_E_PARSE);
    ck_assert_msg(g_str_has_prefix(error, "t:1: xml: not well-formed XML: "), "%s", error);
    ck_assert(unchanged);
    g_free(error);
    ck_assert_int_eq(apply_bad("xml <!DOCTYPE x [<!ENTITY a 'b'>]><alert id='a' path='&a;'/>", &error,
                               &unchanged), VGL_E_PARSE);
    ck_assert_str_eq(error, "t:1: xml: a DTD is not allowed");
    g_free(error);
}
END_TEST

START_TEST(bad_arguments)
{
    xmlDoc *doc = crm_syntax_new_config();
    xmlNode *root = xmlDocGetRootElement(doc);

    ck_assert_int_eq(crm_syntax_apply(NULL, "property a=b", "t", NULL, NULL), -EINVAL);
    ck_assert_int_eq(crm_syntax_apply(root, NULL, "t", NULL, NULL), -EINVAL);
    ck_assert_int_eq(crm_syntax_apply(root->children, "property a=b", "t", NULL, NULL), -EINVAL);
    ck_assert_ptr_null(crm_syntax_config_of(NULL));
    ck_assert(!crm_syntax_is_xml(NULL));
    ck_assert(!crm_syntax_is_xml("primitive x ocf:a:b"));
    ck_assert(crm_syntax_is_xml("\xef\xbb\xbf  \n<cib/>"));
    xmlFreeDoc(doc);
}
END_TEST

/* Errors carry the line where the statement starts; good statements
 * around a bad one still apply. */
START_TEST(errors_name_the_line_and_others_apply)
{
    const char *text =
        "# a comment\n"
        "\n"
        "primitive a ocf:vigil:Dummy \\\n"
        "    params state=/run/a\n"
        "primitive b ocf:vigil:Dummy \\\n"
        "    op monitor interval=never\n"
        "primitive c ocf:vigil:Dummy\n";
    xmlDoc *doc = crm_syntax_new_config();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    int rc = crm_syntax_apply(crm_syntax_config_of(doc), text, "web.crm", NULL, errors);
    char *out = print_doc(doc);

    ck_assert_int_eq(rc, VGL_E_PARSE);
    ck_assert_int_eq(errors->len, 1);
    ck_assert_str_eq(errors->pdata[0],
                     "web.crm:5: primitive b: op monitor: interval 'never' is not a duration (e.g. 10s, 2min)");
    ck_assert_str_eq(out, "primitive a ocf:vigil:Dummy \\\n    params state=/run/a\n"
                          "primitive c ocf:vigil:Dummy\n");
    g_free(out);
    g_ptr_array_unref(errors);
    xmlFreeDoc(doc);
}
END_TEST

/* Apply TEXT to an empty configuration; fail on any error. */
static xmlDoc *apply_good(const char *text)
{
    xmlDoc *doc = crm_syntax_new_config();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    int rc = crm_syntax_apply(crm_syntax_config_of(doc), text, "t", NULL, errors);

    ck_assert_msg(rc == 0, "%s", errors->len ? (char *)errors->pdata[0] : "?");
    g_ptr_array_unref(errors);
    return doc;
}

/* The configuration as a CIB the CIB library accepts, or fail with its
 * errors. */
static void assert_valid_cib(xmlDoc *doc)
{
    xmlBuffer *buf = xmlBufferCreate();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    vgl_cib *cib = vgl_cib_new();
    int rc;

    xmlNodeDump(buf, doc, crm_syntax_config_of(doc), 0, 0);
    rc = vgl_cib_replace_config(cib, (const char *)xmlBufferContent(buf), -1, "printed", errors);
    ck_assert_msg(rc == 0, "CIB refused it: %s", errors->len ? (char *)errors->pdata[0] : "?");
    vgl_cib_free(cib);
    g_ptr_array_unref(errors);
    xmlBufferFree(buf);
}

static char *xml_of(xmlDoc *doc, const char *id)
{
    xmlBuffer *buf = xmlBufferCreate();
    xmlNode *el = NULL;
    char *s;

    for (xmlNode *sec = crm_syntax_config_of(doc)->children; sec && !el; sec = sec->next) {
        for (xmlNode *c = sec->children; c && !el; c = c->next) {
            xmlChar *cid = xmlGetProp(c, BAD_CAST "id");
            if (cid && strcmp((char *)cid, id) == 0)
                el = c;
            xmlFree(cid);
        }
    }
    ck_assert_msg(el != NULL, "no element %s", id);
    xmlNodeDump(buf, doc, el, 0, 0);
    s = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return s;
}

START_TEST(primitive_builds_pacemaker_xml)
{
    xmlDoc *doc = apply_good("primitive vip ocf:vigil:IPaddr params ip=192.0.2.100 cidr_netmask=24 "
                             "meta target-role=Stopped op monitor interval=2s timeout=10s "
                             "OCF_CHECK_LEVEL=10 op start timeout=20s");
    char *xml = xml_of(doc, "vip");

    ck_assert_str_eq(xml,
        "<primitive id=\"vip\" class=\"ocf\" provider=\"vigil\" type=\"IPaddr\">"
        "<instance_attributes id=\"vip-instance_attributes\">"
        "<nvpair id=\"vip-instance_attributes-ip\" name=\"ip\" value=\"192.0.2.100\"/>"
        "<nvpair id=\"vip-instance_attributes-cidr_netmask\" name=\"cidr_netmask\" value=\"24\"/>"
        "</instance_attributes>"
        "<meta_attributes id=\"vip-meta_attributes\">"
        "<nvpair id=\"vip-meta_attributes-target-role\" name=\"target-role\" value=\"Stopped\"/>"
        "</meta_attributes>"
        "<operations>"
        "<op name=\"monitor\" interval=\"2s\" timeout=\"10s\" id=\"vip-monitor-2s\">"
        "<instance_attributes id=\"vip-monitor-2s-instance_attributes\">"
        "<nvpair id=\"vip-monitor-2s-instance_attributes-OCF_CHECK_LEVEL\" name=\"OCF_CHECK_LEVEL\" value=\"10\"/>"
        "</instance_attributes></op>"
        "<op name=\"start\" timeout=\"20s\" interval=\"0\" id=\"vip-start-0\"/>"
        "</operations></primitive>");
    assert_valid_cib(doc);
    g_free(xml);
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(constraints_build_pacemaker_xml)
{
    xmlDoc *doc = apply_good("primitive a ocf:vigil:Dummy\nprimitive b ocf:vigil:Dummy\n"
                             "location l1 a rule -inf: not_defined pingd or pingd lte integer:0\n"
                             "location l2 a -inf: node2\n"
                             "colocation c1 inf: b:Started a\n"
                             "colocation c2 500: a b influence=false\n"
                             "order o1 0: a:start b\n");
    char *l1 = xml_of(doc, "l1"), *l2 = xml_of(doc, "l2"), *c1 = xml_of(doc, "c1"), *o1 = xml_of(doc, "o1");
    char *c2 = xml_of(doc, "c2"), *text = print_doc(doc);

    ck_assert_str_eq(l1,
        "<rsc_location id=\"l1\" rsc=\"a\"><rule id=\"l1-rule\" score=\"-INFINITY\" boolean-op=\"or\">"
        "<expression id=\"l1-rule-expr\" attribute=\"pingd\" operation=\"not_defined\"/>"
        "<expression id=\"l1-rule-expr-1\" attribute=\"pingd\" operation=\"lte\" type=\"integer\" value=\"0\"/>"
        "</rule></rsc_location>");
    ck_assert_str_eq(l2, "<rsc_location id=\"l2\" rsc=\"a\" score=\"-INFINITY\" node=\"node2\"/>");
    ck_assert_str_eq(c1, "<rsc_colocation id=\"c1\" score=\"INFINITY\" rsc=\"b\" rsc-role=\"Started\" with-rsc=\"a\"/>");
    ck_assert_str_eq(o1, "<rsc_order id=\"o1\" kind=\"Optional\" first=\"a\" first-action=\"start\" then=\"b\"/>");
    ck_assert_str_eq(c2, "<rsc_colocation id=\"c2\" score=\"500\" rsc=\"a\" with-rsc=\"b\" influence=\"false\"/>");
    ck_assert_ptr_nonnull(strstr(text, "\ncolocation c2 500: a b influence=false\n"));
    assert_valid_cib(doc);
    g_free(c2);
    g_free(text);
    g_free(l1);
    g_free(l2);
    g_free(c1);
    g_free(o1);
    xmlFreeDoc(doc);
}
END_TEST

/* The statements of the header comment, printed back exactly. */
START_TEST(round_trip_of_the_documented_example)
{
    const char *text =
        "node 1: node1 \\\n    attributes site=east\n"
        "node 2: node2\n"
        "primitive fence-ipmi stonith:fence_ipmilan \\\n    params pcmk_host_list=\"node1 node2\"\n"
        "primitive vip ocf:vigil:IPaddr \\\n    params ip=192.0.2.100 cidr_netmask=24 \\\n"
        "    op monitor interval=2s\n"
        "primitive nginx ocf:vigil:nginx \\\n    op monitor interval=10s timeout=20s OCF_CHECK_LEVEL=20\n"
        "group web vip nginx \\\n    meta target-role=Started\n"
        "primitive ping ocf:vigil:ping \\\n    params host_list=192.0.2.1\n"
        "clone ping-clone ping \\\n    meta interleave=true\n"
        "location prefer-n1 web 100: node1\n"
        "location web-connected web \\\n    rule -inf: not_defined pingd or pingd lte integer:0\n"
        "colocation web-with-ping inf: web ping-clone\n"
        "order ping-before-web Mandatory: ping-clone web\n"
        "fencing_topology \\\n    node1: fence-ipmi \\\n    node2: fence-ipmi,fence-ipmi fence-ipmi\n"
        "alert mail /usr/lib/vigil/alerts/mail \\\n    meta timeout=15s \\\n    to ops@example.org\n"
        "property stonith-enabled=false no-quorum-policy=stop\n"
        "rsc_defaults resource-stickiness=100\n"
        "op_defaults timeout=40s\n";
    xmlDoc *doc = apply_good(text);
    char *out = print_doc(doc);

    ck_assert_str_eq(out, text);
    assert_valid_cib(doc);
    g_free(out);
    xmlFreeDoc(doc);
}
END_TEST

/* A real Pacemaker CIB: printing, applying the text to an empty
 * configuration and printing again gives the same text, and the result is
 * a configuration the CIB library accepts. */
START_TEST(round_trip_of_a_pacemaker_cib)
{
    const char *src = getenv("VIGIL_SRCDIR");
    char *path = g_build_filename(src ? src : "..", "tests/cib/good/pacemaker-web.xml", NULL);
    xmlDoc *orig = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    char *first, *second;
    xmlDoc *again;

    ck_assert_msg(orig != NULL, "cannot read %s", path);
    first = crm_syntax_print(crm_syntax_config_of(orig));
    ck_assert_ptr_null(strstr(first, "xml <"));
    ck_assert_ptr_nonnull(strstr(first, "group web vip nginx \\\n    meta target-role=Started\n"));
    ck_assert_ptr_nonnull(strstr(first, "    rule 50: site eq east and #uname ne charlie\n"));
    again = apply_good(first);
    second = print_doc(again);
    ck_assert_str_eq(second, first);
    assert_valid_cib(again);
    g_free(first);
    g_free(second);
    g_free(path);
    xmlFreeDoc(orig);
    xmlFreeDoc(again);
}
END_TEST

/* What the syntax cannot say comes out as xml, and reads back the same. */
START_TEST(round_trip_through_xml_fallback)
{
    const char *cfg =
        "<configuration><crm_config/><nodes/><resources>"
        "<primitive id=\"a\" class=\"ocf\" provider=\"vigil\" type=\"Dummy\">"
        "<instance_attributes id=\"a-1\"><nvpair id=\"a-1-x\" name=\"x\" value=\"1\"/></instance_attributes>"
        "<instance_attributes id=\"a-2\" score=\"10\"><nvpair id=\"a-2-x\" name=\"x\" value=\"2\"/></instance_attributes>"
        "</primitive>"
        "<primitive id=\"b\" class=\"ocf\" provider=\"vigil\" type=\"Dummy\">"
        "<instance_attributes id=\"b-ia\"><nvpair id=\"b-ia-msg\" name=\"msg\" value=\"say &quot;hi&quot; \\ there\"/>"
        "</instance_attributes></primitive>"
        "</resources><constraints>"
        "<rsc_location id=\"nested\" rsc=\"a\"><rule id=\"r\" score=\"5\"><rule id=\"r2\">"
        "<expression id=\"e\" attribute=\"x\" operation=\"defined\"/></rule></rule></rsc_location>"
        "<rsc_order id=\"o\" first=\"a\" then=\"b\" score=\"INFINITY\"/>"
        "</constraints></configuration>";
    xmlDoc *orig = xmlReadMemory(cfg, (int)strlen(cfg), NULL, NULL, XML_PARSE_NONET);
    char *first = crm_syntax_print(crm_syntax_config_of(orig)), *second;
    xmlDoc *again;

    ck_assert_ptr_nonnull(strstr(first, "\nxml <rsc_location id=\"nested\""));
    ck_assert_ptr_nonnull(strstr(first, "xml <primitive id=\"a\""));
    ck_assert_ptr_nonnull(strstr(first, "\nxml <rsc_order id=\"o\""));
    ck_assert_ptr_nonnull(strstr(first, "params msg=\"say \\\"hi\\\" \\\\ there\"\n"));
    again = apply_good(first);
    second = print_doc(again);
    ck_assert_str_eq(second, first);
    g_free(first);
    g_free(second);
    xmlFreeDoc(orig);
    xmlFreeDoc(again);
}
END_TEST

START_TEST(print_element_puts_members_first)
{
    xmlDoc *doc = base_doc();
    xmlNode *res = crm_syntax_config_of(doc)->children;
    char *out;

    while (res && strcmp((const char *)res->name, "resources") != 0)
        res = res->next;
    ck_assert_ptr_nonnull(res);
    /* The group took the place of its first member: vip, web, db. */
    out = crm_syntax_print_element(res->children->next);
    ck_assert_str_eq(out, "primitive nginx ocf:vigil:nginx\ngroup web nginx\n");
    g_free(out);
    xmlFreeDoc(doc);
}
END_TEST

/* ---- the changes a batch reports ---- */

static GPtrArray *changes_of(xmlDoc *doc, const char *text)
{
    GPtrArray *changes = g_ptr_array_new_with_free_func(crm_syntax_change_free);
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    int rc = crm_syntax_apply(crm_syntax_config_of(doc), text, "t", changes, errors);

    ck_assert_msg(rc == 0, "%s", errors->len ? (char *)errors->pdata[0] : "?");
    g_ptr_array_unref(errors);
    return changes;
}

static char *changes_str(GPtrArray *changes)
{
    static const char *const kinds[] = { "put", "delete", "option", "whole" };
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < changes->len; i++) {
        crm_syntax_change *c = changes->pdata[i];
        g_string_append_printf(s, "%s%s %s%s%s%s%s", i ? "; " : "", kinds[c->kind], c->section ? c->section : "",
                               c->section ? "/" : "", c->id, c->value ? "=" : "", c->value ? c->value : "");
    }
    g_ptr_array_unref(changes);
    return g_string_free(s, FALSE);
}

START_TEST(changes_are_minimal)
{
    xmlDoc *doc = base_doc();
    char *s;

    s = changes_str(changes_of(doc, "primitive x ocf:vigil:Dummy\nprimitive y ocf:vigil:Dummy\ngroup g x y\n"
                                    "property stonith-enabled=false\nrsc_defaults resource-stickiness=1\n"
                                    "location l g 5: node1"));
    ck_assert_str_eq(s, "put resources/g; option stonith-enabled=false; put rsc_defaults/rsc-options; "
                        "put constraints/l");
    g_free(s);
    /* Taking an existing primitive into a group moves it: only a whole
     * configuration says that. */
    s = changes_str(changes_of(doc, "group web nginx vip"));
    ck_assert_str_eq(s, "whole web");
    g_free(s);
    /* Redefining a primitive inside a group replaces it where it stands. */
    s = changes_str(changes_of(doc, "primitive nginx ocf:vigil:nginx params port=8080"));
    ck_assert_str_eq(s, "put resources/nginx");
    g_free(s);
    s = changes_str(changes_of(doc, "fencing_topology node1: f1 f2"));
    ck_assert_str_eq(s, "put fencing-topology/fl-node1-1; put fencing-topology/fl-node1-2");
    g_free(s);
    s = changes_str(changes_of(doc, "fencing_topology node1: f3"));
    ck_assert_str_eq(s, "delete fl-node1-2; put fencing-topology/fl-node1-1");
    g_free(s);
    s = changes_str(changes_of(doc, "xml <rsc_defaults><meta_attributes id=\"d\"/></rsc_defaults>"));
    ck_assert_str_eq(s, "whole rsc_defaults");
    g_free(s);
    xmlFreeDoc(doc);
}
END_TEST

/* Redefining a group with fewer members puts the others back at the top
 * level instead of losing them. */
START_TEST(group_redefinition_keeps_old_members)
{
    xmlDoc *doc = base_doc();
    char *s = changes_str(changes_of(doc, "group web vip")), *out;

    ck_assert_str_eq(s, "whole web");
    out = print_doc(doc);
    ck_assert_str_eq(out, "node 1: node1\nprimitive vip ocf:vigil:IPaddr \\\n    params ip=192.0.2.100\n"
                          "group web vip\nprimitive nginx ocf:vigil:nginx\nprimitive db ocf:vigil:mysql\n"
                          "location prefer-n1 web 100: node1\n");
    g_free(s);
    g_free(out);
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(properties_merge)
{
    xmlDoc *doc = apply_good("property a=1 b=2\nproperty b=3 c=4\nproperty other: d=5\nop_defaults timeout=20s\n"
                             "op_defaults timeout=30s record-pending=true\n");
    char *out = print_doc(doc);

    ck_assert_str_eq(out, "property a=1 b=3 c=4\nproperty other: d=5\n"
                          "op_defaults timeout=30s record-pending=true\n");
    g_free(out);
    xmlFreeDoc(doc);
}
END_TEST

static Suite *syntax_suite(void)
{
    Suite *s = suite_create("syntax");
    TCase *tc = tcase_create("bad input");

    tcase_add_test(tc, bad_arguments);
    tcase_add_loop_test(tc, bad_statement, 0, (int)G_N_ELEMENTS(bad));
    tcase_add_test(tc, bad_xml_names_the_parser_error);
    tcase_add_test(tc, errors_name_the_line_and_others_apply);
    suite_add_tcase(s, tc);
    tc = tcase_create("statements");
    tcase_add_test(tc, primitive_builds_pacemaker_xml);
    tcase_add_test(tc, constraints_build_pacemaker_xml);
    tcase_add_test(tc, properties_merge);
    tcase_add_test(tc, group_redefinition_keeps_old_members);
    tcase_add_test(tc, changes_are_minimal);
    suite_add_tcase(s, tc);
    tc = tcase_create("round trips");
    tcase_add_test(tc, round_trip_of_the_documented_example);
    tcase_add_test(tc, round_trip_of_a_pacemaker_cib);
    tcase_add_test(tc, round_trip_through_xml_fallback);
    tcase_add_test(tc, print_element_puts_members_first);
    suite_add_tcase(s, tc);
    return s;
}

VGL_CHECK_MAIN(syntax_suite)
