/*
 * crmctl_import.c — 'crmctl import keepalived|haresources': read another
 * cluster manager's configuration and print the equivalent Vigil
 * configuration in the configuration syntax (tools/crm_syntax.h), ready
 * for 'crmctl config verify' and 'crmctl config load'.  doc/migrating.md
 * explains the mapping.
 *
 * This file holds the command; the importers are crmctl_import_keepalived.c
 * and crmctl_import_heartbeat.c, the helpers they share
 * crmctl_import_out.c (crmctl_import_internal.h).
 *
 * Invariants: nothing is sent to a cluster; the output is deterministic
 * (no dates, the file names as given), so tests compare it exactly; every
 * setting of the input is either turned into statements or named in a
 * comment that says why it has no equivalent; and the output is checked
 * with the syntax and the CIB library before it is printed, so what
 * crmctl import prints always loads.
 */
#include "config.h"

#include <stdio.h>

#include <vigil/vigil.h>

#include "tools/crmctl.h"
#include "tools/crmctl_import_internal.h"

/* Where the alert agents are installed (agents/alerts.mk says). */
#ifndef VGL_ALERTS_DIR
#define VGL_ALERTS_DIR "/usr/share/vigil/alerts"
#endif

/* ------------------------------------------------------------ commands */

static int run_import(const crmctl_opts *o, int (*fn)(crmctl__import *, char **, int, GPtrArray *))
{
    crmctl__import im;
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    int rc, code;

    crmctl__import_init(&im, g_getenv("VIGIL_ALERTS_DIR") ? g_getenv("VIGIL_ALERTS_DIR") : VGL_ALERTS_DIR);
    rc = fn(&im, o->argv, o->argc, errors);
    if (rc == 0 && (rc = crmctl__import_check(im.text->str, errors)) != 0) {
        g_ptr_array_insert(errors, 0, g_strdup("internal error: the imported configuration does not "
                                               "load; please report it with the input file"));
        rc = VGL_E_INVALID;
        code = CRMCTL_ERROR;
    } else {
        code = crmctl_exit_code(rc);
    }
    for (guint i = 0; !o->json && i < errors->len; i++)
        fprintf(stderr, "crmctl import: %s\n", (char *)errors->pdata[i]);
    if (rc == 0) {
        for (guint i = 0; !o->json && i < im.warnings->len; i++)
            fprintf(stderr, "crmctl import: warning: %s\n", (char *)im.warnings->pdata[i]);
        g_ptr_array_add(im.warnings, NULL);
        crmctl_print(o, g_variant_new_parsed("{'config': <%s>, 'warnings': <%^as>}", im.text->str,
                                             (char **)im.warnings->pdata),
                     im.text->str);
    } else if (o->json) {
        crmctl_fail(o, code, "%s", errors->len ? (char *)errors->pdata[0] : vgl_strerror(rc));
    }
    g_ptr_array_unref(errors);
    crmctl__import_clear(&im);
    return code;
}

static int cmd_keepalived(const crmctl_opts *o)
{
    return run_import(o, crmctl__import_keepalived);
}

static int cmd_haresources(const crmctl_opts *o)
{
    return run_import(o, crmctl__import_haresources);
}

static const crmctl_cmd commands[] = {
    { "keepalived", "[NODE=]FILE...", "print a keepalived.conf as Vigil configuration",
      "Give each node's keepalived.conf (NODE=FILE names the node; else its\n"
      "router_id, else node1, node2... in order).  vrrp_instances become groups of\n"
      "ocf:vigil:IPaddr resources with a location score per node (its priority),\n"
      "nopreempt becomes resource-stickiness, each tracked vrrp_script an\n"
      "ocf:vigil:health clone and a location rule on its attribute, and\n"
      "notification_email an alert that mails through the local sendmail.  Every\n"
      "setting without an equivalent is named in a comment that says why, and a\n"
      "track_script whose weight cannot move the addresses is a warning.\n"
      "The result is checked before it is printed; nothing is sent to the cluster.\n\n"
      "Examples:\n"
      "  crmctl import keepalived /etc/keepalived/keepalived.conf > cluster.crm\n"
      "  crmctl import keepalived lb1=lb1.conf lb2=lb2.conf > cluster.crm\n"
      "  crmctl config verify cluster.crm && crmctl config load cluster.crm\n",
      OPT_JSON, 1, 32, cmd_keepalived },
    { "haresources", "FILE [HA_CF]", "print Heartbeat v1's haresources as Vigil configuration",
      "Each line of haresources (node resource...) becomes a group of its resources,\n"
      "in order, with a location preference for its node.  Addresses and\n"
      "IPaddr/IPaddr2 become ocf:vigil:IPaddr, Heartbeat's resource scripts their\n"
      "ocf:heartbeat agent, other names init scripts (lsb:NAME).  With ha.cf, its\n"
      "auto_failback decides resource-stickiness and every other setting is named\n"
      "in a comment.\n\n"
      "Examples:\n"
      "  crmctl import haresources /etc/ha.d/haresources > cluster.crm\n"
      "  crmctl import haresources /etc/ha.d/haresources /etc/ha.d/ha.cf\n",
      OPT_JSON, 1, 2, cmd_haresources },
};

int crmctl_import_main(int argc, char **argv)
{
    return crmctl_family_main("import", "Configuration from keepalived or Heartbeat, in Vigil's syntax.",
                              commands, G_N_ELEMENTS(commands), argc, argv);
}
