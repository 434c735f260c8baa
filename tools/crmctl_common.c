/*
 * crmctl_common.c — what every crmctl command shares (crmctl.h): option
 * parsing and help from the subcommand tables, the one connection to
 * vigild, requests and CIB changes with errors that say what to do next,
 * and output for people or, with --json, for machines.
 *
 * crmctl is short-lived: one command, a few requests, exit.  The
 * connection is opened on first use and kept in a file-local variable for
 * the life of the process (closed at exit); nothing else is global.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <vigil/client.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl.h"
#include "tools/ha_status.h"

#define DEFAULT_TIMEOUT_MS 30000

/* The connection of this process (crmctl runs one command and exits). */
static vgl_client *the_client;

/* ------------------------------------------------------------ options */

static const struct {
    unsigned flag;
    const char *spell;
    const char *text;
} opt_doc[] = {
    { OPT_JSON, "--json", "print JSON for machines (errors too)" },
    { OPT_CIB, "--cib FILE", "read this CIB file instead of asking vigild" },
    { OPT_WAIT, "--wait", "follow the cluster until it is done, or say why it cannot be" },
    { OPT_LIFETIME, "--lifetime DURATION", "the constraint expires after DURATION (10min, 2h, PT1H)" },
    { OPT_NODE, "--node NODE", "only on NODE" },
    { OPT_YES, "--yes, -y", "do not ask for confirmation" },
    { OPT_FORCE, "--force", "do it even when crmctl advises against it" },
    { OPT_DRY_RUN, "--dry-run", "check the change with vigild, change nothing" },
    { OPT_XML, "--xml", "CIB XML instead of the configuration syntax" },
    { OPT_META, "--meta", "meta attributes instead of parameters" },
    { OPT_DELETE, "--delete", "remove instead of set" },
    { OPT_UPDATE, "--update", "merge into the configuration instead of replacing it" },
    { OPT_ONE_LINE, "--one-line", "one line and a monitoring-plugin exit code (0 OK, 1 WARNING, 2 CRITICAL)" },
    { OPT_GROUP, "--group GROUP", "add it at the end of GROUP (created if needed)" },
    { OPT_REBOOT, "--reboot", "until the node restarts (a transient attribute)" },
    { OPT_WIDTH, "--width N", "draw N columns wide (default: the terminal, or 80)" },
};

enum { L_TIMEOUT = 1000, L_CIB, L_LIFETIME, L_NODE, L_GROUP, L_WIDTH };

static const struct option long_opts[] = {
    { "json", no_argument, NULL, 'j' },     { "cib", required_argument, NULL, L_CIB },
    { "wait", no_argument, NULL, 'w' },     { "lifetime", required_argument, NULL, L_LIFETIME },
    { "node", required_argument, NULL, L_NODE }, { "yes", no_argument, NULL, 'y' },
    { "force", no_argument, NULL, 'f' },    { "dry-run", no_argument, NULL, 'n' },
    { "xml", no_argument, NULL, 'x' },      { "meta", no_argument, NULL, 'm' },
    { "delete", no_argument, NULL, 'd' },   { "update", no_argument, NULL, 'u' },
    { "one-line", no_argument, NULL, '1' }, { "group", required_argument, NULL, L_GROUP },
    { "reboot", no_argument, NULL, 'r' },   { "width", required_argument, NULL, L_WIDTH },
    { "timeout", required_argument, NULL, L_TIMEOUT }, { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* The OPT_ flag of a parsed option, and where its value goes. */
static unsigned opt_flag(int c, crmctl_opts *o, const char *arg)
{
    switch (c) {
    case 'j': o->json = true; return OPT_JSON;
    case L_CIB: o->cib_file = arg; return OPT_CIB;
    case 'w': o->wait = true; return OPT_WAIT;
    case L_LIFETIME: o->lifetime = arg; return OPT_LIFETIME;
    case L_NODE: o->node = arg; return OPT_NODE;
    case 'y': o->yes = true; return OPT_YES;
    case 'f': o->force = true; return OPT_FORCE;
    case 'n': o->dry_run = true; return OPT_DRY_RUN;
    case 'x': o->xml = true; return OPT_XML;
    case 'm': o->meta = true; return OPT_META;
    case 'd': o->del = true; return OPT_DELETE;
    case 'u': o->update = true; return OPT_UPDATE;
    case '1': o->one_line = true; return OPT_ONE_LINE;
    case L_GROUP: o->group = arg; return OPT_GROUP;
    case 'r': o->reboot = true; return OPT_REBOOT;
    case L_WIDTH: o->width = (unsigned)g_ascii_strtoull(arg, NULL, 10); return OPT_WIDTH;
    default: return 0;
    }
}

static const char *opt_name(int c)
{
    for (size_t i = 0; long_opts[i].name != NULL; i++) {
        if (long_opts[i].val == c)
            return long_opts[i].name;
    }
    return "?";
}

int crmctl_parse(int argc, char **argv, unsigned allowed, bool raw, crmctl_opts *o, bool *help)
{
    int c;

    memset(o, 0, sizeof(*o));
    o->timeout_ms = DEFAULT_TIMEOUT_MS;
    *help = false;
    optind = 0; /* GNU: start afresh (crmctl may parse more than once) */
    opterr = 0;
    while ((c = getopt_long(argc, argv, raw ? "+hy" : "hy", long_opts, NULL)) != -1) {
        unsigned flag;
        if (c == 'h') {
            *help = true;
            continue;
        }
        if (c == '?') {
            fprintf(stderr, "crmctl %s: unknown option '%s'; see 'crmctl %s --help'\n", argv[0],
                    argv[optind - 1], argv[0]);
            return CRMCTL_USAGE;
        }
        if (c == L_TIMEOUT) {
            guint64 s = 0;
            if (!g_ascii_string_to_unsigned(optarg, 10, 1, 86400, &s, NULL)) {
                fprintf(stderr, "crmctl %s: --timeout takes seconds (1 to 86400), not '%s'\n", argv[0], optarg);
                return CRMCTL_USAGE;
            }
            o->timeout_ms = (int)s * 1000;
            o->timeout_given = true;
            continue;
        }
        flag = opt_flag(c, o, optarg);
        if (!(allowed & flag)) {
            fprintf(stderr, "crmctl %s: option --%s does not apply here; see 'crmctl %s --help'\n", argv[0],
                    opt_name(c), argv[0]);
            return CRMCTL_USAGE;
        }
        o->given |= flag;
    }
    o->argc = argc - optind;
    o->argv = argv + optind;
    return CRMCTL_OK;
}

/* --------------------------------------------------------------- help */

static void cmd_usage(FILE *out, const char *family, const crmctl_cmd *cmd)
{
    fprintf(out, "usage: crmctl %s %s%s%s [options]\n", family, cmd->name, *cmd->args ? " " : "", cmd->args);
}

static void cmd_help(const char *family, const crmctl_cmd *cmd)
{
    cmd_usage(stdout, family, cmd);
    printf("\n%s\n", cmd->summary);
    if (cmd->help != NULL)
        printf("\n%s", cmd->help);
    printf("\noptions:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(opt_doc); i++) {
        if (cmd->opts & opt_doc[i].flag)
            printf("  %-22s %s\n", opt_doc[i].spell, opt_doc[i].text);
    }
    printf("  %-22s %s\n  %-22s %s\n", "--timeout SECONDS", "how long to wait for vigild (default 30)",
           "--help, -h", "this text");
    printf("\nExit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 permission denied,\n"
           "5 cluster unavailable (or no quorum), 6 invalid input.\n");
}

static void family_usage(FILE *out, const char *family, const char *summary, const crmctl_cmd *cmds, size_t n)
{
    fprintf(out, "usage: crmctl %s SUBCOMMAND [ARGS...] [options]\n\n%s\n\nsubcommands:\n", family, summary);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-11s %s\n", cmds[i].name, cmds[i].summary);
    /* The first example of each subcommand. */
    fprintf(out, "\nExamples:\n");
    for (size_t i = 0; i < n; i++) {
        const char *ex = cmds[i].help ? strstr(cmds[i].help, "Examples:\n") : NULL;
        if (ex != NULL)
            fprintf(out, "%.*s\n", (int)strcspn(ex + 10, "\n"), ex + 10);
    }
    fprintf(out, "\nRun 'crmctl %s SUBCOMMAND --help' for its options and examples.\n", family);
}

static const crmctl_cmd *find_cmd(const crmctl_cmd *cmds, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cmds[i].name, name) == 0)
            return &cmds[i];
    }
    return NULL;
}

int crmctl_family_main(const char *family, const char *summary, const crmctl_cmd *cmds, size_t n,
                       int argc, char **argv)
{
    static char name[128]; /* "family cmd", for messages */
    const crmctl_cmd *cmd;
    crmctl_opts o;
    bool help;
    int rc;

    if (argc < 2) {
        family_usage(stderr, family, summary, cmds, n);
        return CRMCTL_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        if (argc > 2 && (cmd = find_cmd(cmds, n, argv[2])) != NULL)
            cmd_help(family, cmd);
        else
            family_usage(stdout, family, summary, cmds, n);
        return CRMCTL_OK;
    }
    cmd = find_cmd(cmds, n, argv[1]);
    if (cmd == NULL) {
        fprintf(stderr, "crmctl %s: unknown subcommand '%s'; run 'crmctl %s --help'\n", family, argv[1], family);
        return CRMCTL_USAGE;
    }
    g_snprintf(name, sizeof(name), "%s %s", family, cmd->name);
    argv[1] = name;
    rc = crmctl_parse(argc - 1, argv + 1, cmd->opts & ~(unsigned)OPT_RAW, (cmd->opts & OPT_RAW) != 0, &o, &help);
    if (rc != CRMCTL_OK || help) {
        if (help)
            cmd_help(family, cmd);
        return rc;
    }
    if (o.argc < cmd->min_args || (cmd->max_args >= 0 && o.argc > cmd->max_args)) {
        fprintf(stderr, "crmctl %s %s: %s\n", family, cmd->name,
                o.argc < cmd->min_args ? "missing arguments" : "too many arguments");
        cmd_usage(stderr, family, cmd);
        return CRMCTL_USAGE;
    }
    return cmd->run(&o);
}

/* ------------------------------------------------------------ output */

int crmctl_fail(const crmctl_opts *o, int code, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "crmctl: %s\n", msg);
    if (o != NULL && o->json) {
        GVariantBuilder b;
        g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
        g_variant_builder_add(&b, "{sv}", "error", g_variant_new_string(msg));
        g_variant_builder_add(&b, "{sv}", "exit_code", g_variant_new_int32(code));
        crmctl_print(o, g_variant_builder_end(&b), NULL);
    }
    g_free(msg);
    return code;
}

int crmctl_print(const crmctl_opts *o, GVariant *v, const char *text)
{
    if (o->json && v != NULL) {
        char *json = ha_status_json(v, true);
        printf("%s\n", json);
        g_free(json);
        return CRMCTL_OK;
    }
    if (v != NULL)
        g_variant_unref(g_variant_ref_sink(v));
    if (text != NULL && *text != '\0')
        printf("%s%s", text, g_str_has_suffix(text, "\n") ? "" : "\n");
    return CRMCTL_OK;
}

int crmctl_exit_code(int rc)
{
    switch (rc) {
    case 0: return CRMCTL_OK;
    case VGL_E_NOT_FOUND: case -ENOENT: return CRMCTL_NOT_FOUND;
    case VGL_E_PERM: case -EACCES: case -EPERM: return CRMCTL_PERM;
    case VGL_E_UNAVAILABLE: case VGL_E_NO_QUORUM: case -ECONNREFUSED: return CRMCTL_UNAVAILABLE;
    case VGL_E_PARSE: case VGL_E_INVALID: case VGL_E_UNSUPPORTED: case VGL_E_EXISTS: case VGL_E_LIMIT:
        return CRMCTL_INVALID;
    default: return CRMCTL_ERROR;
    }
}

unsigned crmctl_width(const crmctl_opts *o)
{
    struct winsize ws;
    const char *cols = getenv("COLUMNS");

    if (o->width > 0)
        return o->width;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    if (cols != NULL && g_ascii_strtoull(cols, NULL, 10) > 0)
        return (unsigned)g_ascii_strtoull(cols, NULL, 10);
    return 80;
}

bool crmctl_color(void)
{
    const char *term = getenv("TERM");

    return isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL && term != NULL && strcmp(term, "dumb") != 0;
}

bool crmctl_confirm(const char *question)
{
    char answer[64];

    if (!isatty(STDIN_FILENO))
        return false;
    printf("%s [y/N] ", question);
    fflush(stdout);
    if (fgets(answer, sizeof(answer), stdin) == NULL)
        return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}

/* ------------------------------------------------------------ talking */

static void disconnect(void)
{
    g_clear_pointer(&the_client, vgl_client_disconnect);
}

int crmctl_client(const crmctl_opts *o, vgl_client **c)
{
    int rc;

    *c = the_client;
    if (the_client != NULL)
        return CRMCTL_OK;
    rc = vgl_client_connect(getenv("VIGIL_SERVICE"), 0, &the_client);
    if (rc == VGL_E_UNAVAILABLE)
        return crmctl_fail(o, CRMCTL_UNAVAILABLE, "cannot reach vigild on this node: is it running? "
                                                  "(systemctl status vigil; crmctl talks to the vigild of "
                                                  "the node it runs on)");
    if (rc == VGL_E_PERM || rc == -EACCES)
        return crmctl_fail(o, CRMCTL_PERM, "vigild refused the connection: permission denied "
                                           "(run as root or as a member of the group haclient)");
    if (rc != 0)
        return crmctl_fail(o, CRMCTL_UNAVAILABLE, "cannot connect to vigild: %s", vgl_strerror(rc));
    atexit(disconnect);
    *c = the_client;
    return CRMCTL_OK;
}

/* vigild's error text, one problem per line, indented under the first. */
static char *indent_lines(const char *text)
{
    char **lines = g_strsplit(text ? text : "", "\n", -1);
    char *out = g_strjoinv("\n  ", lines);

    g_strfreev(lines);
    return out;
}

static int request_failed(const crmctl_opts *o, int rc, const char *what, const char *err)
{
    char *text = indent_lines(err && *err ? err : vgl_strerror(rc));
    int code = crmctl_exit_code(rc);

    /* The CIB refuses to delete what something refers to with VGL_E_PERM:
     * that is a problem with the input, not with the caller's rights. */
    if (rc == VGL_E_PERM && (err == NULL || strstr(err, "needs root") == NULL))
        code = CRMCTL_INVALID;
    if (rc == VGL_E_TIMEOUT)
        code = crmctl_fail(o, code, "%s: vigild did not answer within %d s (see its log; --timeout "
                                    "waits longer)", what, o->timeout_ms / 1000);
    else if (rc == VGL_E_BUSY)
        code = crmctl_fail(o, code, "%s: %s (try again in a moment)", what, text);
    else if (rc == VGL_E_UNAVAILABLE && (err == NULL || *err == '\0'))
        code = crmctl_fail(o, code, "%s: lost the connection to vigild (did it stop?)", what);
    else
        code = crmctl_fail(o, code, "%s: %s", what, text);
    g_free(text);
    return code;
}

int crmctl_request(const crmctl_opts *o, uint32_t type, GVariant *fields, const char *what,
                   GVariant **reply)
{
    vgl_client *c = NULL;
    GVariant *r = NULL;
    char *err = NULL;
    int rc = crmctl_client(o, &c);

    if (reply != NULL)
        *reply = NULL;
    if (rc != CRMCTL_OK) {
        if (fields != NULL)
            g_variant_unref(g_variant_ref_sink(fields));
        return rc;
    }
    rc = vgl_client_request(c, type, fields, o->timeout_ms, &r, &err);
    if (rc != 0) {
        rc = request_failed(o, rc, what, err);
        g_clear_pointer(&r, g_variant_unref);
    }
    if (reply != NULL)
        *reply = r;
    else if (r != NULL)
        g_variant_unref(r);
    g_free(err);
    return rc;
}

int crmctl_fetch(const crmctl_opts *o, char **xml, GVariant **status)
{
    GVariant *reply = NULL;
    int rc;

    if (xml != NULL)
        *xml = NULL;
    if (status != NULL)
        *status = NULL;
    if (o->cib_file != NULL) {
        GError *e = NULL;
        if (xml != NULL && !g_file_get_contents(o->cib_file, xml, NULL, &e)) {
            rc = crmctl_fail(o, e->code == G_FILE_ERROR_NOENT ? CRMCTL_NOT_FOUND : CRMCTL_ERROR, "%s", e->message);
            g_error_free(e);
            return rc;
        }
        return CRMCTL_OK;
    }
    if (status != NULL && (rc = crmctl_request(o, VGL_IPC_STATUS, NULL, "status", status)) != CRMCTL_OK)
        return rc;
    if (xml == NULL)
        return CRMCTL_OK;
    rc = crmctl_request(o, VGL_IPC_CIB_QUERY, NULL, "query the CIB", &reply);
    if (rc == CRMCTL_OK && !g_variant_lookup(reply, "xml", "s", xml))
        rc = crmctl_fail(o, CRMCTL_ERROR, "query the CIB: vigild's reply has no 'xml'");
    if (reply != NULL)
        g_variant_unref(reply);
    if (rc != CRMCTL_OK && status != NULL)
        g_clear_pointer(status, g_variant_unref);
    return rc;
}

int crmctl_config_doc(const crmctl_opts *o, xmlDoc **doc, xmlNode **config)
{
    char *xml = NULL;
    int rc = crmctl_fetch(o, &xml, NULL);

    *doc = NULL;
    *config = NULL;
    if (rc != CRMCTL_OK)
        return rc;
    *doc = xmlReadMemory(xml, (int)strlen(xml), "cib", NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    g_free(xml);
    *config = crm_syntax_config_of(*doc);
    if (*config == NULL) {
        g_clear_pointer(doc, xmlFreeDoc);
        return crmctl_fail(o, o->cib_file ? CRMCTL_INVALID : CRMCTL_ERROR,
                           "the CIB is not XML with a <configuration>");
    }
    return CRMCTL_OK;
}

int crmctl_snapshot(const crmctl_opts *o, ha_status **st)
{
    char *xml = NULL, *err = NULL;
    GVariant *status = NULL;
    int rc = crmctl_fetch(o, &xml, &status);

    *st = NULL;
    if (rc != CRMCTL_OK)
        return rc;
    rc = ha_status_new(status, xml, (int64_t)time(NULL), st, &err);
    if (rc != 0)
        rc = crmctl_fail(o, o->cib_file ? CRMCTL_INVALID : CRMCTL_ERROR, "%s", err ? err : vgl_strerror(rc));
    if (status != NULL)
        g_variant_unref(status);
    g_free(xml);
    g_free(err);
    return rc;
}

GVariant *crmctl_op(const char *op, ...)
{
    GVariantBuilder b;
    const char *key;
    va_list ap;

    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&b, "{sv}", "op", g_variant_new_string(op));
    va_start(ap, op);
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        if (value != NULL)
            g_variant_builder_add(&b, "{sv}", key, g_variant_new_string(value));
    }
    va_end(ap);
    return g_variant_builder_end(&b);
}

int crmctl_change(const crmctl_opts *o, GVariant *ops, const char *what)
{
    GVariantBuilder b;
    int rc;

    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&b, "{sv}", "ops", ops);
    if (o->dry_run)
        g_variant_builder_add(&b, "{sv}", "dry_run", g_variant_new_boolean(TRUE));
    rc = crmctl_request(o, VGL_IPC_CIB_CHANGE, g_variant_builder_end(&b), what, NULL);
    if (rc == CRMCTL_OK && o->dry_run && !o->json)
        printf("%s: vigild accepts it (nothing changed: --dry-run)\n", what);
    return rc;
}
