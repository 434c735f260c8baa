/*
 * vlc.c — the lab's control client: a small, script-friendly window on
 * vigild for the integration tests and benchmarks (people use crmctl).
 * Output is plain "key=value" lines or raw XML, stable for grep.
 *
 *   vlc status                  STATUS as key=value lines
 *   vlc cib                     the CIB as XML
 *   vlc load FILE               replace the configuration (CIB or <configuration>)
 *   vlc put SECTION XML         create or replace one element
 *   vlc delete ID               delete an element (cascading)
 *   vlc option NAME [VALUE]     set (or unset) a cluster option
 *   vlc meta RSC NAME [VALUE]   set (or unset) a resource meta attribute
 *   vlc nodeattr NODE NAME [V]  set (or unset) a permanent node attribute
 *   vlc attr NODE NAME [VALUE]  set (or unset) a transient node attribute
 *   vlc cleanup RSC [NODE]      forget history and fail counts
 *   vlc fence NODE              fence a node (waits for the result)
 *   vlc where RSC               the nodes where RSC runs now, per the CIB
 *   vlc events [N]              print N events (default: forever)
 *
 * Exit: 0 ok; 1 the request failed (message on stderr); 2 usage;
 * 5 vigild unreachable.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <vigil/client.h>
#include <vigil/ipc_proto.h>
#include <vigil/sched.h>

static int usage(void)
{
    fprintf(stderr, "usage: vlc status|cib|load FILE|put SECTION XML|delete ID|option NAME [V]|"
                    "meta RSC NAME [V]|nodeattr NODE NAME [V]|attr NODE NAME [V]|cleanup RSC [NODE]|"
                    "fence NODE|where RSC|events [N]\n");
    return 2;
}

static int request(vgl_client *c, uint32_t type, GVariant *fields, GVariant **reply)
{
    char *err = NULL;
    int rc = vgl_client_request(c, type, fields, 200000, reply, &err);

    if (rc != 0) {
        fprintf(stderr, "vlc: %s\n", err ? err : vgl_strerror(rc));
        g_free(err);
        return rc == VGL_E_UNAVAILABLE ? 5 : 1;
    }
    return 0;
}

static void print_value(const char *key, GVariant *v)
{
    if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING)) {
        printf("%s=%s\n", key, g_variant_get_string(v, NULL));
    } else if (g_variant_is_of_type(v, G_VARIANT_TYPE("as"))) {
        const char **s = g_variant_get_strv(v, NULL);
        char *j = g_strjoinv(",", (char **)s);
        printf("%s=%s\n", key, j);
        g_free(j);
        g_free(s);
    } else if (g_variant_is_of_type(v, G_VARIANT_TYPE("aa{sv}"))) {
        GVariantIter it;
        GVariant *e;
        GString *out = g_string_new(NULL);
        g_variant_iter_init(&it, v);
        while ((e = g_variant_iter_next_value(&it)) != NULL) {
            const char *name = "", *state = "";
            g_variant_lookup(e, "name", "&s", &name);
            g_variant_lookup(e, "state", "&s", &state);
            g_string_append_printf(out, "%s%s:%s", out->len ? "," : "", name, state);
            g_variant_unref(e);
        }
        printf("%s=%s\n", key, out->str);
        g_string_free(out, TRUE);
    } else {
        char *s = g_variant_print(v, FALSE);
        printf("%s=%s\n", key, s);
        g_free(s);
    }
}

static int cmd_status(vgl_client *c)
{
    GVariant *reply = NULL, *v;
    GVariantIter it;
    const char *key;
    int rc = request(c, VGL_IPC_STATUS, NULL, &reply);

    if (rc != 0)
        return rc;
    g_variant_iter_init(&it, reply);
    while (g_variant_iter_next(&it, "{&sv}", &key, &v)) {
        print_value(key, v);
        g_variant_unref(v);
    }
    g_variant_unref(reply);
    return 0;
}

static char *fetch_cib(vgl_client *c, int *rc)
{
    GVariant *reply = NULL;
    char *xml = NULL;

    *rc = request(c, VGL_IPC_CIB_QUERY, NULL, &reply);
    if (*rc == 0 && !g_variant_lookup(reply, "xml", "s", &xml))
        *rc = 1;
    if (reply)
        g_variant_unref(reply);
    return xml;
}

static int change(vgl_client *c, GVariantDict *op)
{
    GVariantBuilder b;
    GVariantDict f;

    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(&b, g_variant_dict_end(op));
    g_variant_dict_init(&f, NULL);
    g_variant_dict_insert_value(&f, "ops", g_variant_builder_end(&b));
    return request(c, VGL_IPC_CIB_CHANGE, g_variant_dict_end(&f), NULL);
}

static int cmd_where(vgl_client *c, const char *rsc)
{
    GVariant *status = NULL, *nodes;
    vgl_sched_view *view;
    vgl_transition *t = NULL;
    gboolean quorate = FALSE;
    xmlDoc *doc;
    int rc;
    char *xml = fetch_cib(c, &rc);

    if (rc != 0)
        return rc;
    if ((rc = request(c, VGL_IPC_STATUS, NULL, &status)) != 0) {
        g_free(xml);
        return rc;
    }
    g_variant_lookup(status, "quorate", "b", &quorate);
    view = vgl_sched_view_new(quorate);
    nodes = g_variant_lookup_value(status, "nodes", G_VARIANT_TYPE("aa{sv}"));
    if (nodes) {
        GVariantIter it;
        GVariant *e;
        g_variant_iter_init(&it, nodes);
        while ((e = g_variant_iter_next_value(&it)) != NULL) {
            const char *name = "", *st = "";
            g_variant_lookup(e, "name", "&s", &name);
            g_variant_lookup(e, "state", "&s", &st);
            vgl_sched_view_set_node(view, name, strcmp(st, "unclean") == 0 ? VGL_NODE_UNCLEAN :
                                    strcmp(st, "offline") == 0 ? VGL_NODE_OFFLINE : VGL_NODE_ONLINE);
            g_variant_unref(e);
        }
        g_variant_unref(nodes);
    }
    doc = xmlReadMemory(xml, (int)strlen(xml), "cib", NULL, XML_PARSE_NONET);
    rc = 1;
    if (doc && vgl_sched_run(doc, view, g_get_real_time() / G_USEC_PER_SEC, &t) == 0) {
        GString *out = g_string_new(NULL);
        for (size_t i = 0; i < vgl_transition_placement_count(t); i++) {
            const vgl_placement *p = vgl_transition_placement(t, i);
            if (strcmp(vgl_placement_resource(p), rsc) != 0)
                continue;
            for (size_t j = 0; j < vgl_placement_current_count(p); j++)
                g_string_append_printf(out, "%s%s", out->len ? " " : "", vgl_placement_current(p, j));
            rc = 0;
        }
        printf("%s\n", out->str);
        g_string_free(out, TRUE);
    }
    if (rc != 0)
        fprintf(stderr, "vlc: no resource %s\n", rsc);
    vgl_transition_free(t);
    if (doc)
        xmlFreeDoc(doc);
    vgl_sched_view_free(view);
    g_variant_unref(status);
    g_free(xml);
    return rc;
}

static int cmd_events(vgl_client *c, long n)
{
    char *err = NULL;
    int rc = vgl_client_subscribe(c, NULL, 0, 5000, &err);

    if (rc != 0) {
        fprintf(stderr, "vlc: %s\n", err ? err : vgl_strerror(rc));
        g_free(err);
        return 1;
    }
    for (long i = 0; n <= 0 || i < n; i++) {
        uint32_t type;
        GVariant *fields = NULL;
        uint64_t missed;
        char *s;
        rc = vgl_client_event_next(c, -1, &type, &fields, &missed);
        if (rc == VGL_E_UNAVAILABLE)
            return 5;
        if (rc != 0)
            continue;
        s = g_variant_print(fields, FALSE);
        printf("%s %s\n", vgl_ipc_event_name(type) ? vgl_ipc_event_name(type) : "?", s);
        fflush(stdout);
        g_free(s);
        g_variant_unref(fields);
    }
    return 0;
}

/* "a [b]": the optional value of option/meta/attr commands. */
static void put_value(GVariantDict *d, int argc, char **argv, int i)
{
    if (argc > i)
        g_variant_dict_insert(d, "value", "s", argv[i]);
}

static int dispatch(vgl_client *c, int argc, char **argv)
{
    const char *cmd = argv[1];
    GVariantDict d;
    int rc;

    g_variant_dict_init(&d, NULL);
    if (strcmp(cmd, "status") == 0)
        return cmd_status(c);
    if (strcmp(cmd, "cib") == 0) {
        char *xml = fetch_cib(c, &rc);
        if (xml)
            fputs(xml, stdout);
        g_free(xml);
        return rc;
    }
    if (strcmp(cmd, "load") == 0 && argc == 3) {
        char *text = NULL;
        GError *err = NULL;
        if (!g_file_get_contents(argv[2], &text, NULL, &err)) {
            fprintf(stderr, "vlc: %s\n", err->message);
            g_error_free(err);
            return 1;
        }
        g_variant_dict_insert(&d, "op", "s", "replace-config");
        g_variant_dict_insert(&d, "xml", "s", text);
        g_free(text);
        return change(c, &d);
    }
    if (strcmp(cmd, "put") == 0 && argc == 4) {
        g_variant_dict_insert(&d, "op", "s", "put");
        g_variant_dict_insert(&d, "section", "s", argv[2]);
        g_variant_dict_insert(&d, "xml", "s", argv[3]);
        return change(c, &d);
    }
    if (strcmp(cmd, "delete") == 0 && argc == 3) {
        g_variant_dict_insert(&d, "op", "s", "delete");
        g_variant_dict_insert(&d, "id", "s", argv[2]);
        g_variant_dict_insert(&d, "cascade", "b", TRUE);
        return change(c, &d);
    }
    if (strcmp(cmd, "option") == 0 && (argc == 3 || argc == 4)) {
        g_variant_dict_insert(&d, "op", "s", "set-option");
        g_variant_dict_insert(&d, "name", "s", argv[2]);
        put_value(&d, argc, argv, 3);
        return change(c, &d);
    }
    if ((strcmp(cmd, "meta") == 0 || strcmp(cmd, "nodeattr") == 0) && (argc == 4 || argc == 5)) {
        bool meta = strcmp(cmd, "meta") == 0;
        g_variant_dict_insert(&d, "op", "s", meta ? "set-rsc-meta" : "set-node-attr");
        g_variant_dict_insert(&d, meta ? "rsc" : "node", "s", argv[2]);
        g_variant_dict_insert(&d, "name", "s", argv[3]);
        put_value(&d, argc, argv, 4);
        return change(c, &d);
    }
    if (strcmp(cmd, "attr") == 0 && (argc == 4 || argc == 5)) {
        g_variant_dict_insert(&d, "op", "s", "attribute");
        g_variant_dict_insert(&d, "node", "s", argv[2]);
        g_variant_dict_insert(&d, "name", "s", argv[3]);
        put_value(&d, argc, argv, 4);
        return request(c, VGL_IPC_NODE_OP, g_variant_dict_end(&d), NULL);
    }
    if (strcmp(cmd, "cleanup") == 0 && (argc == 3 || argc == 4)) {
        g_variant_dict_insert(&d, "op", "s", "cleanup");
        g_variant_dict_insert(&d, "resource", "s", argv[2]);
        if (argc == 4)
            g_variant_dict_insert(&d, "node", "s", argv[3]);
        return request(c, VGL_IPC_RESOURCE_OP, g_variant_dict_end(&d), NULL);
    }
    if (strcmp(cmd, "fence") == 0 && argc == 3) {
        g_variant_dict_insert(&d, "node", "s", argv[2]);
        return request(c, VGL_IPC_FENCE, g_variant_dict_end(&d), NULL);
    }
    if (strcmp(cmd, "shutdown") == 0)
        return request(c, VGL_IPC_SHUTDOWN, NULL, NULL);
    if (strcmp(cmd, "where") == 0 && argc == 3)
        return cmd_where(c, argv[2]);
    if (strcmp(cmd, "events") == 0)
        return cmd_events(c, argc > 2 ? strtol(argv[2], NULL, 10) : 0);
    g_variant_dict_clear(&d);
    return usage();
}

int main(int argc, char **argv)
{
    vgl_client *c = NULL;
    int rc;

    if (argc < 2)
        return usage();
    rc = vgl_client_connect(getenv("VIGIL_IPC_NAME") ? getenv("VIGIL_IPC_NAME") : VGL_IPC_SERVICE,
                            0, &c);
    if (rc != 0) {
        fprintf(stderr, "vlc: cannot reach vigild: %s\n", vgl_strerror(rc));
        return 5;
    }
    rc = dispatch(c, argc, argv);
    vgl_client_disconnect(c);
    return rc;
}
