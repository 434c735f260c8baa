/*
 * crmctl_config.c — 'crmctl config SUBCOMMAND': the configuration as a
 * whole: show, load, edit, verify, export.
 *
 * Files come in two formats, told apart by their first character: CIB XML
 * (a whole <cib> or just a <configuration>, as Pacemaker's cibadmin
 * writes them) and the configuration syntax (crm_syntax.h).  show prints
 * the syntax by default and export the CIB XML, so that people read the one
 * and machines and Pacemaker the other.
 *
 * verify needs no cluster: it checks a file with the CIB library and
 * prints every problem as FILE:LINE: <element id="x">: message (exit 6).
 * load replaces the configuration (or, with --update, merges statements
 * into it) in one atomic change.  edit opens the configuration in
 * $VISUAL/$EDITOR and loads the result, after checking it and that nobody
 * changed the configuration in the meantime.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <vigil/cib.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl.h"

/* ------------------------------------------------------------- reading */

/* FILE's text ("-": standard input) into [out] *text; an exit code. */
static int read_input(const crmctl_opts *o, const char *path, char **text, gsize *len)
{
    GError *err = NULL;
    int rc;

    if (strcmp(path, "-") == 0) {
        GString *s = g_string_new(NULL);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
            g_string_append_len(s, buf, (gssize)n);
        *len = s->len;
        *text = g_string_free(s, FALSE);
        return CRMCTL_OK;
    }
    if (g_file_get_contents(path, text, len, &err))
        return CRMCTL_OK;
    rc = err->domain == G_FILE_ERROR && err->code == G_FILE_ERROR_NOENT ? CRMCTL_NOT_FOUND
       : err->domain == G_FILE_ERROR && err->code == G_FILE_ERROR_ACCES ? CRMCTL_PERM : CRMCTL_ERROR;
    fprintf(stderr, "%s: %s\n", path, err->message);
    g_error_free(err);
    return rc;
}

/* True when text's root element is <configuration> (after any XML
 * declaration, comments and whitespace). */
static bool is_configuration(const char *text)
{
    const char *p = text, *end;

    for (;;) {
        while (g_ascii_isspace(*p))
            p++;
        if (g_str_has_prefix(p, "<?") && (end = strstr(p, "?>")) != NULL)
            p = end + 2;
        else if (g_str_has_prefix(p, "<!--") && (end = strstr(p, "-->")) != NULL)
            p = end + 3;
        else
            break;
    }
    return g_str_has_prefix(p, "<configuration") && p[14] != '\0' && strchr(" \t\r\n/>", p[14]) != NULL;
}

/* The <configuration> that statements in the syntax describe, as XML
 * text ([out] *xml), with their errors in [out] errors. */
static int syntax_to_xml(const char *text, const char *label, char **xml, GPtrArray *errors)
{
    xmlDoc *doc = crm_syntax_new_config();
    int rc = crm_syntax_apply(crm_syntax_config_of(doc), text, label, NULL, errors);
    xmlBuffer *buf;

    *xml = NULL;
    if (rc == 0) {
        buf = xmlBufferCreate();
        xmlNodeDump(buf, doc, crm_syntax_config_of(doc), 0, 0);
        *xml = g_strdup((const char *)xmlBufferContent(buf));
        xmlBufferFree(buf);
    }
    xmlFreeDoc(doc);
    return rc;
}

/* Check a file's text with the CIB library: a CIB, a configuration, or
 * statements. */
static int check_text(const char *text, gsize len, const char *label, GPtrArray *errors)
{
    vgl_cib *cib = NULL;
    char *xml = NULL;
    int rc;

    if (!crm_syntax_is_xml(text)) {
        rc = syntax_to_xml(text, label, &xml, errors);
        if (rc == 0) {
            cib = vgl_cib_new();
            rc = vgl_cib_replace_config(cib, xml, -1, label, errors);
        }
    } else if (is_configuration(text)) {
        cib = vgl_cib_new();
        rc = vgl_cib_replace_config(cib, text, (gssize)len, label, errors);
    } else {
        rc = vgl_cib_load_string(text, (gssize)len, label, &cib, errors);
    }
    vgl_cib_free(cib);
    g_free(xml);
    return rc;
}

/* -------------------------------------------------------------- verify */

static int config_verify(const crmctl_opts *o)
{
    const char *path = o->argv[0];
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    char *text = NULL;
    gsize len = 0;
    int rc = read_input(o, path, &text, &len);

    if (rc != CRMCTL_OK)
        goto done;
    rc = check_text(text, len, path, errors);
    for (guint i = 0; i < errors->len; i++)
        fprintf(stderr, "%s\n", (const char *)errors->pdata[i]);
    if (rc == 0 && !o->json)
        printf("%s: valid\n", path);
    if (o->json) {
        GVariantBuilder b;
        g_variant_builder_init(&b, G_VARIANT_TYPE("as"));
        for (guint i = 0; i < errors->len; i++)
            g_variant_builder_add(&b, "s", (const char *)errors->pdata[i]);
        crmctl_print(o, g_variant_new_parsed("{'file': <%s>, 'valid': <%b>, 'errors': <%v>}", path,
                                             (gboolean)(rc == 0), g_variant_builder_end(&b)),
                     NULL);
    }
    rc = rc == 0 ? CRMCTL_OK : rc == VGL_E_NOT_FOUND ? CRMCTL_INVALID : crmctl_exit_code(rc);
done:
    g_ptr_array_unref(errors);
    g_free(text);
    return rc;
}

/* ---------------------------------------------------------- show, export */

static int config_show(const crmctl_opts *o)
{
    char *text = NULL;
    xmlDoc *doc = NULL;
    xmlNode *config = NULL;
    int rc = crmctl_config_doc(o, &doc, &config);

    if (rc != CRMCTL_OK)
        return rc;
    if (o->xml) {
        xmlBuffer *buf = xmlBufferCreate();
        xmlNodeDump(buf, doc, config, 0, 1);
        text = g_strdup((const char *)xmlBufferContent(buf));
        xmlBufferFree(buf);
    } else {
        text = crm_syntax_print(config);
    }
    crmctl_print(o, g_variant_new_parsed("{%s: <%s>}", o->xml ? "xml" : "syntax", text), text);
    xmlFreeDoc(doc);
    g_free(text);
    return rc;
}

static int config_export(const crmctl_opts *o)
{
    char *xml = NULL;
    GError *err = NULL;
    int rc = crmctl_fetch(o, &xml, NULL);

    if (rc != CRMCTL_OK)
        return rc;
    if (o->argc == 0 || strcmp(o->argv[0], "-") == 0) {
        fputs(xml, stdout);
    } else if (!g_file_set_contents(o->argv[0], xml, -1, &err)) {
        rc = crmctl_fail(o, CRMCTL_ERROR, "%s", err->message);
        g_error_free(err);
    } else if (!o->json) {
        fprintf(stderr, "written to %s\n", o->argv[0]);
    }
    g_free(xml);
    return rc;
}

/* ----------------------------------------------------------- load, edit */

static int load_text(const crmctl_opts *o, const char *text, const char *label)
{
    GVariantBuilder ops;

    if (!crm_syntax_is_xml(text))
        return crmctl_apply_text(o, text, label, !o->update, "load");
    if (o->update)
        return crmctl_fail(o, CRMCTL_USAGE, "--update merges statements of the configuration syntax; an XML "
                                            "file replaces the configuration (or put one element with "
                                            "'crmctl configure \"xml <...>\"')");
    g_variant_builder_init(&ops, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(&ops, crmctl_op("replace-config", "xml", text, NULL));
    return crmctl_change(o, g_variant_builder_end(&ops), "load");
}

static int config_load(const crmctl_opts *o)
{
    char *text = NULL;
    gsize len = 0;
    int rc = read_input(o, o->argv[0], &text, &len);

    if (rc == CRMCTL_OK && strlen(text) != len)
        rc = crmctl_fail(o, CRMCTL_INVALID, "%s: contains a NUL byte", o->argv[0]);
    if (rc == CRMCTL_OK)
        rc = load_text(o, text, strcmp(o->argv[0], "-") == 0 ? "stdin" : o->argv[0]);

    g_free(text);
    return rc;
}

static uint64_t live_epoch(const crmctl_opts *o)
{
    GVariant *status = NULL;
    guint64 epoch = 0;

    if (crmctl_fetch(o, NULL, &status) == CRMCTL_OK && status != NULL) {
        g_variant_lookup(status, "cib_version", "t", &epoch);
        g_variant_unref(status);
    }
    return epoch;
}

/* Run the editor on path; false when it failed. */
static bool run_editor(const char *path)
{
    const char *editor = g_getenv("VISUAL") ? g_getenv("VISUAL") : g_getenv("EDITOR") ? g_getenv("EDITOR") : "vi";
    char **argv = NULL;
    int argc = 0, status = 0;
    bool ok;

    if (!g_shell_parse_argv(editor, &argc, &argv, NULL))
        return false;
    argv = g_renew(char *, argv, argc + 2);
    argv[argc] = g_strdup(path);
    argv[argc + 1] = NULL;
    ok = g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
                      NULL, &status, NULL) && g_spawn_check_wait_status(status, NULL);
    g_strfreev(argv);
    return ok;
}

/* Edit until the text is valid or the user gives up; [out] *text. */
static int edit_loop(const crmctl_opts *o, const char *path, const char *before, char **text)
{
    for (;;) {
        GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
        gsize len = 0;
        int rc;

        *text = NULL;
        if (!run_editor(path))
            rc = crmctl_fail(o, CRMCTL_ERROR, "the editor failed; your text is in %s", path);
        else if ((rc = read_input(o, path, text, &len)) == CRMCTL_OK && strcmp(*text, before) == 0)
            rc = -1;
        else if (rc == CRMCTL_OK && check_text(*text, len, path, errors) != 0) {
            for (guint i = 0; i < errors->len; i++)
                fprintf(stderr, "%s\n", (const char *)errors->pdata[i]);
            rc = crmctl_confirm("The configuration is not valid. Edit it again?") ? -2 : CRMCTL_INVALID;
            if (rc == CRMCTL_INVALID)
                fprintf(stderr, "crmctl: nothing changed; your text is in %s\n", path);
        }
        g_ptr_array_unref(errors);
        if (rc != -2)
            return rc;
        g_clear_pointer(text, g_free);
    }
}

/* The live configuration in the syntax ([out] *text). */
static int current_syntax(const crmctl_opts *o, char **text)
{
    xmlDoc *doc = NULL;
    xmlNode *config = NULL;
    int rc = crmctl_config_doc(o, &doc, &config);

    *text = rc == CRMCTL_OK ? crm_syntax_print(config) : NULL;
    if (doc != NULL)
        xmlFreeDoc(doc);
    return rc;
}

static int config_edit(const crmctl_opts *o)
{
    char *before = NULL, *path = NULL, *text = NULL;
    uint64_t epoch = live_epoch(o);
    GError *err = NULL;
    int fd, rc = current_syntax(o, &before);

    if (rc != CRMCTL_OK)
        return rc;
    fd = g_file_open_tmp("crmctl-edit-XXXXXX.crm", &path, &err);
    if (fd < 0 || !g_file_set_contents(path, before, -1, &err)) {
        rc = crmctl_fail(o, CRMCTL_ERROR, "cannot write a temporary file: %s", err->message);
        g_error_free(err);
        goto done;
    }
    close(fd);
    rc = edit_loop(o, path, before, &text);
    if (rc == -1) {
        rc = crmctl_print(o, g_variant_new_parsed("{'changed': <false>}"), "no changes");
    } else if (rc == CRMCTL_OK && live_epoch(o) != epoch) {
        rc = crmctl_fail(o, CRMCTL_ERROR, "the configuration changed while you edited it; your text is in %s "
                                          "(load it anyway with 'crmctl config load %s')", path, path);
        g_clear_pointer(&path, g_free);
    } else if (rc == CRMCTL_OK) {
        rc = load_text(o, text, path);
    }
    if (rc == CRMCTL_OK && path != NULL)
        unlink(path);
done:
    g_free(before);
    g_free(text);
    g_free(path);
    return rc;
}

/* ---------------------------------------------------------------- table */

static const crmctl_cmd commands[] = {
    { "show", "", "the configuration, in the configuration syntax (or CIB XML with --xml)",
      "Examples:\n  crmctl config show\n  crmctl config show --xml\n  crmctl config show > cluster.crm\n",
      OPT_JSON | OPT_XML | OPT_CIB, 0, 0, config_show },
    { "load", "FILE", "replace the configuration with FILE (syntax or CIB XML; - for stdin)",
      "FILE in the configuration syntax replaces the whole configuration (nodes are\n"
      "kept when it has no node statements); with --update its statements are merged\n"
      "into it instead.  An XML FILE (<cib> or <configuration>) replaces it.  One\n"
      "atomic change either way.\n\n"
      "Examples:\n  crmctl config load cluster.crm\n  crmctl config load --update more.crm\n"
      "  crmctl config load pacemaker-cib.xml --dry-run\n",
      OPT_JSON | OPT_UPDATE | OPT_DRY_RUN, 1, 1, config_load },
    { "edit", "", "edit the configuration in $VISUAL or $EDITOR, check it, load it",
      "Refused when someone else changed the configuration while you edited; your text\n"
      "is kept in a file named in the message.\n\nExamples:\n  crmctl config edit\n  EDITOR=nano crmctl config edit\n",
      OPT_JSON, 0, 0, config_edit },
    { "verify", "FILE", "check a CIB, configuration or syntax file, print every error",
      "Check FILE, a whole CIB (<cib>), just a <configuration>, or statements in the\n"
      "configuration syntax, against the subset of Pacemaker's schema that Vigil\n"
      "supports (doc/cib.md).  Every problem is printed on standard error as\n"
      "    FILE:LINE: <element id=\"x\">: what is wrong\n"
      "No cluster is needed: nothing is sent anywhere.\n\n"
      "Exit codes: 0 valid, 6 invalid (or not supported by Vigil), 3 no such file,\n"
      "4 permission denied, 1 other read errors, 2 usage.\n\n"
      "Examples:\n  crmctl config verify /var/lib/vigil/cib.xml\n"
      "  cibadmin --query > pcmk.xml && crmctl config verify pcmk.xml\n"
      "  crmctl config verify cluster.crm || echo 'fix it first'\n",
      OPT_JSON, 1, 1, config_verify },
    { "export", "[FILE]", "the whole CIB as XML (configuration and status), to FILE or stdout",
      "Examples:\n  crmctl config export > cib.xml\n  crmctl simulate --cib cib.xml --node-fail node1\n",
      OPT_JSON | OPT_CIB, 0, 1, config_export },
};

int crmctl_config_main(int argc, char **argv)
{
    return crmctl_family_main("config", "The configuration as a whole.", commands, G_N_ELEMENTS(commands),
                              argc, argv);
}
