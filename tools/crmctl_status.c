/*
 * crmctl_status.c — 'crmctl status': the same view as ha-status, once.
 */
#include "config.h"

#include <stdio.h>

#include "tools/crmctl.h"
#include "tools/ha_status.h"

static void status_help(FILE *out)
{
    fprintf(out,
            "usage: crmctl status [--json | --one-line] [--width N] [--cib FILE]\n"
            "\n"
            "The cluster at a glance, as ha-status shows it: quorum, the coordinator,\n"
            "nodes, where each resource runs and since when, failures and fail counts,\n"
            "constraints left by move and ban, recent fencing.\n"
            "\n"
            "options:\n"
            "  --json         print JSON for machines\n"
            "  --one-line     one line, and the exit code of a monitoring plugin:\n"
            "                 0 OK, 1 WARNING, 2 CRITICAL (also when vigild cannot be reached)\n"
            "  --width N      draw N columns wide (default: the terminal, or 80)\n"
            "  --cib FILE     read a CIB file instead of asking vigild\n"
            "  --timeout SECONDS   how long to wait for vigild (default 30)\n"
            "\n"
            "Examples:\n"
            "  crmctl status\n"
            "  crmctl status --one-line     # for Nagios, Icinga, Zabbix...\n"
            "  crmctl status --json | jq .resources\n"
            "  crmctl status --cib /var/lib/vigil/cib.xml\n");
}

int crmctl_status_main(int argc, char **argv)
{
    crmctl_opts o;
    ha_status *st = NULL;
    bool help;
    char *text = NULL;
    int rc = crmctl_parse(argc, argv, OPT_JSON | OPT_ONE_LINE | OPT_WIDTH | OPT_CIB, false, &o, &help);

    if (rc != CRMCTL_OK || help) {
        if (help)
            status_help(stdout);
        return rc;
    }
    if (o.argc > 0) {
        status_help(stderr);
        return CRMCTL_USAGE;
    }
    rc = crmctl_snapshot(&o, &st);
    if (rc != CRMCTL_OK) {
        if (o.one_line)
            printf("VIGIL CRITICAL: cannot get the cluster's status from vigild\n");
        return o.one_line ? 2 : rc;
    }
    if (o.one_line) {
        rc = ha_status_one_line(st, &text);
        printf("%s\n", text);
    } else {
        text = o.json ? NULL : ha_status_text(st, HA_PART_ALL, crmctl_width(&o), crmctl_color());
        crmctl_print(&o, o.json ? ha_status_variant(st) : NULL, text);
    }
    g_free(text);
    ha_status_free(st);
    return rc;
}
