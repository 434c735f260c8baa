/*
 * crmctl.c — the command-line tool that changes and queries a Vigil
 * cluster.  This file only dispatches: each family of commands lives in
 * tools/crmctl_FAMILY.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tools/crmctl.h"

static const struct {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
} families[] = {
    { "status", crmctl_status_main, "the cluster at a glance (as ha-status)" },
    { "resource", crmctl_resource_main, "list, show, create, start, stop, move, clean up resources" },
    { "node", crmctl_node_main, "list nodes; standby, online, maintenance, attributes, fence" },
    { "constraint", crmctl_constraint_main, "list, add or delete constraints" },
    { "property", crmctl_property_main, "get or set cluster options" },
    { "configure", crmctl_configure_main, "change the configuration with statements" },
    { "config", crmctl_config_main, "show, load, edit, verify or export the configuration" },
    { "fence", crmctl_fence_main, "fencing history; fence a node" },
    { "simulate", crmctl_simulate_main, "show what the scheduler would do with a CIB" },
    { "agent", crmctl_agent_main, "list, describe and test resource agents" },
    { "import", crmctl_import_main, "configuration from keepalived or Heartbeat, in Vigil's syntax" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: crmctl COMMAND [ARGS...]\n\n"
                 "Query and change a Vigil cluster through the vigild of this node.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        fprintf(out, "  %-10s %s\n", families[i].name, families[i].summary);
    fprintf(out, "\nRun 'crmctl COMMAND --help' for a command's options and examples.\n"
                 "Every command takes --json (output for machines) and --timeout SECONDS.\n"
                 "\nExamples:\n"
                 "  crmctl status\n"
                 "  crmctl configure 'primitive vip ocf:vigil:IPaddr params ip=192.0.2.100 op monitor interval=2s'\n"
                 "  crmctl resource move vip node2 --wait\n"
                 "  crmctl node standby node1\n"
                 "\nExit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 permission denied,\n"
                 "5 cluster unavailable (or no quorum), 6 invalid input.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CRMCTL_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CRMCTL_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("crmctl %s\n", PACKAGE_VERSION);
        return CRMCTL_OK;
    }
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        if (strcmp(argv[1], families[i].name) == 0)
            return families[i].main(argc - 1, argv + 1);
    }
    fprintf(stderr, "crmctl: unknown command '%s'; run 'crmctl --help' for the list\n", argv[1]);
    return CRMCTL_USAGE;
}
