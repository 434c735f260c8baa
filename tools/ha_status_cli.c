/*
 * ha_status_cli.c — the ha-status program: the cluster at a glance, once
 * (text, --json, --one-line) or live (`ha-status watch`, in
 * ha_status_watch.c).
 *
 * It asks the vigild of this node for STATUS and the CIB and renders them
 * with the status library (ha_status.h).  Exit codes: 0 ok, 2 usage,
 * 5 vigild unreachable, 6 the CIB could not be read; with --one-line the
 * monitoring-plugin codes 0 OK, 1 WARNING, 2 CRITICAL (also when vigild
 * cannot be reached).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <vigil/client.h>

#include "tools/ha_status.h"
#include "tools/ha_status_watch.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ha-status [--json | --one-line] [--width N] [--no-color] [--cib FILE]\n"
            "       ha-status watch [--width N] [--no-color]\n"
            "\n"
            "The cluster at a glance: quorum and the coordinator, nodes (online, standby,\n"
            "maintenance, offline, unclean, fenced), every resource with where it runs and\n"
            "since when, failures with fail counts, constraints left by moves, recent\n"
            "fencing.  'watch' redraws on every event vigild reports (no polling); when\n"
            "its output is not a terminal it prints one timestamped line per event.\n"
            "\n"
            "options:\n"
            "  --json        print JSON for machines\n"
            "  --one-line    one line, and the exit code of a monitoring plugin:\n"
            "                0 OK, 1 WARNING, 2 CRITICAL (also when vigild cannot be reached)\n"
            "  --width N     draw N columns wide (default: the terminal, or 80)\n"
            "  --no-color    no colours (also: NO_COLOR set, TERM=dumb, not a terminal)\n"
            "  --cib FILE    show a CIB file instead of asking vigild\n"
            "  --timeout S   how long to wait for vigild (default 10 s)\n"
            "\n"
            "Examples:\n"
            "  ha-status\n"
            "  ha-status watch\n"
            "  ha-status watch | tee -a /var/log/cluster-events.log\n"
            "  ha-status --one-line          # as a Nagios/Icinga check\n"
            "  ha-status --json | jq '.resources[] | select(.state != \"Started\")'\n"
            "\n"
            "Exit codes: 0 ok, 2 usage, 5 vigild cannot be reached, 6 unreadable CIB;\n"
            "with --one-line 0 OK, 1 WARNING, 2 CRITICAL.\n");
}

static unsigned term_width(unsigned given)
{
    struct winsize ws;
    const char *cols = getenv("COLUMNS");

    if (given > 0)
        return given;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    if (cols != NULL && atoi(cols) > 0)
        return (unsigned)atoi(cols);
    return 80;
}

static bool use_color(bool no_color)
{
    const char *term = getenv("TERM");

    return !no_color && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL && term != NULL &&
           strcmp(term, "dumb") != 0;
}

/* One snapshot from vigild (c) or from a file; [out] *st, *error. */
static int snapshot(vgl_client *c, const char *file, int timeout_ms, ha_status **st, char **error)
{
    GVariant *status = NULL, *reply = NULL;
    char *xml = NULL;
    int rc = 0;

    *st = NULL;
    if (file != NULL) {
        if (!g_file_get_contents(file, &xml, NULL, NULL)) {
            *error = g_strdup_printf("cannot read %s", file);
            return -ENOENT;
        }
    } else {
        rc = vgl_client_request(c, VGL_IPC_STATUS, NULL, timeout_ms, &status, error);
        if (rc == 0)
            rc = vgl_client_request(c, VGL_IPC_CIB_QUERY, NULL, timeout_ms, &reply, error);
        if (rc == 0 && !g_variant_lookup(reply, "xml", "s", &xml))
            rc = VGL_E_PROTOCOL;
    }
    if (rc == 0)
        rc = ha_status_new(status, xml, (int64_t)time(NULL), st, error);
    if (status != NULL)
        g_variant_unref(status);
    if (reply != NULL)
        g_variant_unref(reply);
    g_free(xml);
    return rc;
}

int ha_status_cli_fetch(vgl_client *c, int timeout_ms, ha_status **st, char **error)
{
    return snapshot(c, NULL, timeout_ms, st, error);
}

static int once(const ha_status_cli_opts *o)
{
    vgl_client *c = NULL;
    ha_status *st = NULL;
    char *error = NULL, *text = NULL;
    int rc = o->cib ? 0 : vgl_client_connect(getenv("VIGIL_SERVICE"), 0, &c);

    if (rc == 0)
        rc = snapshot(c, o->cib, o->timeout_ms, &st, &error);
    if (rc != 0) {
        if (o->one_line)
            printf("VIGIL CRITICAL: %s\n", rc == VGL_E_UNAVAILABLE ? "vigild is not running on this node"
                                                                  : error ? error : vgl_strerror(rc));
        else
            fprintf(stderr, "ha-status: %s%s\n", error ? error : vgl_strerror(rc),
                    rc == VGL_E_UNAVAILABLE ? " (is vigild running on this node? systemctl status vigil)" : "");
        rc = o->one_line ? 2 : rc == VGL_E_UNAVAILABLE ? 5 : rc == -ENOENT ? 3 : 6;
    } else if (o->one_line) {
        rc = ha_status_one_line(st, &text);
        printf("%s\n", text);
    } else {
        text = o->json ? ha_status_json(ha_status_variant(st), true)
                       : ha_status_text(st, HA_PART_ALL, term_width(o->width), use_color(o->no_color));
        printf("%s%s", text, o->json ? "\n" : "");
    }
    g_free(text);
    g_free(error);
    ha_status_free(st);
    vgl_client_disconnect(c);
    return rc;
}

static int parse(int argc, char **argv, ha_status_cli_opts *o)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },      { "one-line", no_argument, NULL, '1' },
        { "width", required_argument, NULL, 'w' }, { "no-color", no_argument, NULL, 'n' },
        { "cib", required_argument, NULL, 'c' }, { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },      { NULL, 0, NULL, 0 },
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->timeout_ms = 10000;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': o->json = true; break;
        case '1': o->one_line = true; break;
        case 'w': o->width = (unsigned)atoi(optarg); break;
        case 'n': o->no_color = true; break;
        case 'c': o->cib = optarg; break;
        case 't': o->timeout_ms = atoi(optarg) * 1000; break;
        case 'h': usage(stdout); return -1;
        default:
            fprintf(stderr, "ha-status: unknown option '%s'; see 'ha-status --help'\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc && strcmp(argv[optind], "watch") == 0) {
        o->watch = true;
        optind++;
    }
    if (optind < argc || (o->json && o->one_line) || (o->watch && (o->json || o->one_line || o->cib)) ||
        o->timeout_ms <= 0) {
        fprintf(stderr, "ha-status: %s; see 'ha-status --help'\n",
                optind < argc ? "unexpected argument" : "these options do not go together");
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    ha_status_cli_opts o;
    int rc = parse(argc, argv, &o);

    if (rc != 0)
        return rc < 0 ? 0 : rc;
    o.width = o.width ? o.width : 0;
    o.color = use_color(o.no_color);
    if (o.watch)
        return ha_status_watch_run(&o, term_width);
    return once(&o);
}
