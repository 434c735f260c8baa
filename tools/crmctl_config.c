/*
 * crmctl_config.c — 'crmctl config SUBCOMMAND': the configuration as a
 * whole.  Subcommands live in the table below, one function each; for now
 * only 'verify', which checks a file with the CIB library and needs no
 * cluster.  (show, load, edit and export come with the IPC client.)
 *
 * verify reads either a whole CIB (<cib>) or only a <configuration>
 * element (as users write by hand, wrapped into an empty CIB to check
 * it), and prints every problem as FILE:LINE: <element id="x">: message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vigil/cib.h>

#include "tools/crmctl.h"

typedef struct config_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} config_cmd;

static int config_verify(int argc, char **argv);

static const config_cmd commands[] = {
    { "verify", config_verify, "check a CIB or configuration file, print every error" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: crmctl config SUBCOMMAND [ARGS...]\n\nsubcommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'crmctl config SUBCOMMAND --help' for its options and examples.\n");
}

static void verify_usage(FILE *out)
{
    fprintf(out,
            "usage: crmctl config verify FILE\n"
            "\n"
            "Check FILE, a whole CIB (<cib>) or just a <configuration>, against the\n"
            "subset of Pacemaker's schema that Vigil supports (doc/cib.md).  Every\n"
            "problem is printed on standard error as\n"
            "    FILE:LINE: <element id=\"x\">: what is wrong\n"
            "No cluster is needed: nothing is sent anywhere.\n"
            "\n"
            "Exit codes: 0 valid, 6 invalid (or not supported by Vigil), 3 no such file,\n"
            "4 permission denied, 1 other read errors, 2 usage.\n"
            "\n"
            "Examples:\n"
            "  crmctl config verify /var/lib/vigil/cib.xml\n"
            "  cibadmin --query > pcmk.xml && crmctl config verify pcmk.xml\n"
            "  crmctl config verify my-config.xml || echo 'fix it first'\n");
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

/* Load path as a CIB, or as a configuration in an empty CIB. */
static int load(const char *path, GPtrArray *errors)
{
    char *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    vgl_cib *cib = NULL;
    int rc;

    if (!g_file_get_contents(path, &text, &len, &err)) {
        rc = err->domain == G_FILE_ERROR && err->code == G_FILE_ERROR_NOENT ? -ENOENT
           : err->domain == G_FILE_ERROR && err->code == G_FILE_ERROR_ACCES ? -EACCES : -EIO;
        g_ptr_array_add(errors, g_strdup_printf("%s: %s", path, err->message));
        g_error_free(err);
        return rc;
    }
    if (is_configuration(text)) {
        cib = vgl_cib_new();
        rc = vgl_cib_replace_config(cib, text, (gssize)len, path, errors);
    } else {
        rc = vgl_cib_load_string(text, (gssize)len, path, &cib, errors);
    }
    vgl_cib_free(cib);
    g_free(text);
    return rc;
}

static int config_verify(int argc, char **argv)
{
    GPtrArray *errors;
    int rc, code;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        verify_usage(stdout);
        return CRMCTL_OK;
    }
    if (argc != 2 || argv[1][0] == '-') {
        verify_usage(stderr);
        return CRMCTL_USAGE;
    }
    errors = g_ptr_array_new_with_free_func(g_free);
    rc = load(argv[1], errors);
    for (guint i = 0; i < errors->len; i++)
        fprintf(stderr, "%s\n", (const char *)errors->pdata[i]);
    g_ptr_array_unref(errors);
    switch (rc) {
    case 0:
        printf("%s: valid\n", argv[1]);
        code = CRMCTL_OK;
        break;
    case -ENOENT: code = CRMCTL_NOT_FOUND; break;
    case -EACCES: code = CRMCTL_PERM; break;
    default:
        code = rc > -1000 ? CRMCTL_ERROR : CRMCTL_INVALID;
        break;
    }
    return code;
}

int crmctl_config_main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CRMCTL_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CRMCTL_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "crmctl config: unknown subcommand '%s'; run 'crmctl config --help'\n", argv[1]);
    return CRMCTL_USAGE;
}
