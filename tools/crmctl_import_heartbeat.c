/*
 * crmctl_import_heartbeat.c — Heartbeat v1's haresources (and ha.cf) into
 * Vigil's configuration syntax, for 'crmctl import haresources FILE
 * [HA_CF]'.
 *
 * Each haresources line "NODE RESOURCE..." is a resource group that
 * Heartbeat started left to right on NODE and moved as a whole: it
 * becomes a group with a location preference (100) for NODE.  Addresses
 * and IPaddr/IPaddr2 become ocf:vigil:IPaddr, Heartbeat's resource
 * scripts the ocf:heartbeat agent of the same name (arguments in order as
 * its parameters, haresources2cib.py's table), other names init scripts
 * (lsb:NAME); what cannot be carried over (drbddisk, scripts with
 * arguments) is left out with the reason.  ha.cf's auto_failback decides
 * resource-stickiness; each of its other settings is named with what
 * replaces it.  Nothing read is ever run.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <vigil/vigil.h>

#include "tools/crmctl_import_internal.h"


/* Heartbeat v1's resource scripts (/etc/ha.d/resource.d) that have an OCF
 * agent of the same name taking the same arguments, in order
 * (haresources2cib.py's table). */
static const struct hb_agent {
    const char *name;
    const char *agent;
    const char *params[4];
} hb_agents[] = {
    { "Filesystem", "ocf:heartbeat:Filesystem", { "device", "directory", "fstype", "options" } },
    { "MailTo", "ocf:heartbeat:MailTo", { "email", "subject" } },
    { "apache", "ocf:heartbeat:apache", { "configfile" } },
    { "IPsrcaddr", "ocf:heartbeat:IPsrcaddr", { "ipaddress" } },
    { "IPv6addr", "ocf:heartbeat:IPv6addr", { "ipv6addr" } },
    { "LVM", "ocf:heartbeat:LVM", { "volgrpname" } },
    { "Delay", "ocf:heartbeat:Delay", { "startdelay", "stopdelay", "mondelay" } },
    { "portblock", "ocf:heartbeat:portblock", { "protocol", "portno", "action" } },
    { "Xinetd", "ocf:heartbeat:Xinetd", { "service" } },
    { "SendArp", "ocf:heartbeat:SendArp", { "ip", "nic" } },
    { "AudibleAlarm", "ocf:heartbeat:AudibleAlarm", { "nodelist" } },
    { "Raid1", "ocf:heartbeat:Raid1", { "raidconf", "raiddev" } },
    { "db2", "ocf:heartbeat:db2", { "instance" } },
    { "WinPopup", "ocf:heartbeat:WinPopup", { "hostfile" } },
    { "WAS", "ocf:heartbeat:WAS", { "config", "port" } },
    { "ServeRAID", "ocf:heartbeat:ServeRAID", { "serveraid", "mergegroup" } },
    { "ICP", "ocf:heartbeat:ICP", { "driveid", "device" } },
    { "LinuxSCSI", "ocf:heartbeat:LinuxSCSI", { "scsi" } },
};

/* Resource scripts that cannot be carried over, and why. */
static const struct {
    const char *name;
    const char *why;
} hb_refused[] = {
    { "drbddisk", "DRBD is a promoted/unpromoted resource (ocf:linbit:drbd in a promotable "
                  "clone), outside Vigil's subset; keep DRBD's roles outside the cluster "
                  "(drbd.service with a fixed primary, or a manual switch)" },
    { "LVSSyncDaemonSwap", "LVS (IPVS) is outside Vigil" },
    { "hto-mapfuncs", "a helper of Heartbeat's own scripts, not a resource" },
    { "OCF", "Heartbeat's wrapper for OCF agents: name the agent itself instead" },
};

/* An IPaddr / IPaddr2 argument: IP[/BITS][/NIC][/BROADCAST], any order
 * after the address (haresources2cib.py). */
static bool hb_ip_params(GString *s, const char *spec, bool alias)
{
    char **f = g_strsplit(spec, "/", -1);
    bool ok = crmctl__import_is_address(f[0], NULL);

    ok = ok && crmctl__import_nv(s, "ip", f[0]);
    for (char **p = f + 1; ok && *p; p++) {
        if (**p == '\0')
            continue;
        if (strspn(*p, "0123456789") == strlen(*p))
            crmctl__import_nv(s, "cidr_netmask", *p);
        else if (crmctl__import_is_address(*p, NULL))
            crmctl__import_nv(s, "broadcast", *p);
        else
            crmctl__import_nv(s, "nic", *p);
    }
    if (ok && alias)
        crmctl__import_nv(s, "label", "auto");
    g_strfreev(f);
    return ok;
}

static const struct hb_agent *hb_agent_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(hb_agents); i++) {
        if (strcmp(hb_agents[i].name, name) == 0)
            return &hb_agents[i];
    }
    return NULL;
}

/* A type usable as lsb:NAME. */
static bool hb_plain_name(const char *name)
{
    if (*name == '\0' || *name == '.')
        return false;
    for (const char *p = name; *p; p++) {
        if (!(g_ascii_isalnum(*p) || strchr("_-.+@", *p)))
            return false;
    }
    return true;
}

/* The primitive for one haresources word; its id goes to [out] *id (NULL
 * when it is not imported, with the reason as a comment). */
static void hb_resource(crmctl__import *im, const char *word, char **id)
{
    char **f = g_strsplit(word, "::", -1);
    const char *name = f[0];
    GString *s = g_string_new(NULL);
    guint nargs = g_strv_length(f) - 1;
    const struct hb_agent *a;

    *id = NULL;
    if (nargs == 0 && crmctl__import_is_address(name, NULL)) {
        /* A bare address means IPaddr::ADDRESS. */
        char *spec = g_strdup(name);
        g_strfreev(f);
        f = g_new0(char *, 3);
        f[0] = g_strdup("IPaddr");
        f[1] = spec;
        name = f[0];
        nargs = 1;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(hb_refused); i++) {
        if (strcmp(name, hb_refused[i].name) == 0) {
            crmctl__import_warn(im, "%s: not imported: %s", word, hb_refused[i].why);
            goto done;
        }
    }
    if ((strcmp(name, "IPaddr") == 0 || strcmp(name, "IPaddr2") == 0) && nargs == 1) {
        char *addr = g_strndup(f[1], strcspn(f[1], "/"));
        if (!hb_ip_params(s, f[1], strcmp(name, "IPaddr") == 0)) {
            crmctl__import_warn(im, "%s: not imported: '%s' is not an address", word, f[1]);
            g_free(addr);
            goto done;
        }
        *id = crmctl__import_id(im, "ip", addr);
        g_free(addr);
        crmctl__import_line(im, "primitive %s ocf:vigil:IPaddr \\\n    params%s \\\n"
                            "    op monitor interval=10s", *id, s->str);
    } else if ((a = hb_agent_find(name)) != NULL) {
        for (guint i = 0; i < nargs && i < G_N_ELEMENTS(a->params) && a->params[i]; i++)
            crmctl__import_nv(s, a->params[i], f[i + 1]);
        if (nargs > 0 && (nargs > G_N_ELEMENTS(a->params) || a->params[nargs - 1] == NULL))
            crmctl__import_warn(im, "%s: %s takes fewer arguments; the extra ones are left out", word, name);
        if (strcmp(name, "Filesystem") == 0 && nargs > 1)
            *id = crmctl__import_id(im, "fs", f[2] + strspn(f[2], "/"));
        else
            *id = crmctl__import_id(im, name, NULL);
        crmctl__import_line(im, "primitive %s %s%s%s \\\n    op monitor interval=30s", *id, a->agent,
                            s->len ? " \\\n    params" : "", s->str);
    } else if (nargs == 0 && hb_plain_name(name)) {
        *id = crmctl__import_id(im, name, NULL);
        crmctl__import_line(im, "primitive %s lsb:%s \\\n    op monitor interval=30s", *id, name);
    } else {
        crmctl__import_warn(im, "%s: not imported: %s is not a Heartbeat resource script with an "
                            "OCF equivalent, and an init script (lsb:) takes no arguments; write an OCF "
                            "agent for it (doc/writing-agents.md)", word, name);
    }
done:
    g_string_free(s, TRUE);
    g_strfreev(f);
}

/* One haresources line: its resources, a group, the preferred node. */
static void hb_line(crmctl__import *im, char **words, const char *where)
{
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    char *group = NULL, *loc;
    const char *what;

    crmctl__import_gap(im);
    {
        char *line = g_strjoinv(" ", words);
        crmctl__import_note(im, "%s: %s", where, line);
        g_free(line);
    }
    for (char **w = words + 1; *w; w++) {
        char *id;
        hb_resource(im, *w, &id);
        if (id != NULL)
            g_ptr_array_add(ids, id);
    }
    if (ids->len == 0) {
        crmctl__import_note(im, "nothing to run on this line");
        goto done;
    }
    what = g_ptr_array_index(ids, 0);
    if (ids->len > 1) {
        GString *g;
        group = crmctl__import_id(im, "rg", words[0]);
        g = g_string_new(NULL);
        g_string_append_printf(g, "group %s", group);
        for (guint i = 0; i < ids->len; i++)
            g_string_append_printf(g, " %s", (char *)g_ptr_array_index(ids, i));
        crmctl__import_line(im, "%s", g->str);
        g_string_free(g, TRUE);
        what = group;
    }
    if (!hb_plain_name(words[0]) || strchr(words[0], ':') || strchr(words[0], '@')) {
        crmctl__import_warn(im, "'%s' is not a node name; no location for %s", words[0], what);
        goto done;
    }
    {
        char *on = g_strdup_printf("on-%s", words[0]);
        loc = crmctl__import_id(im, what, on);
        g_free(on);
    }
    crmctl__import_line(im, "location %s %s 100: %s", loc, what, words[0]);
    g_free(loc);
done:
    g_free(group);
    g_ptr_array_unref(ids);
}

/* The logical lines of a Heartbeat file: comments out, '\\' continues;
 * [out] starts (may be NULL): the file's line number where each begins. */
static char **hb_lines(const char *text, GArray *starts)
{
    GPtrArray *out = g_ptr_array_new();
    GString *cur = NULL;
    char **raw = g_strsplit(text, "\n", -1);

    for (int n = 0; raw[n]; n++) {
        char *line = raw[n], *hash = strchr(line, '#');
        size_t len;
        if (hash != NULL)
            *hash = '\0';
        len = strlen(line);
        if (cur == NULL) {
            cur = g_string_new(NULL);
            if (starts != NULL)
                g_array_append_val(starts, (int){ n + 1 });
        }
        if (len > 0 && line[len - 1] == '\\' && hash == NULL) {
            g_string_append_len(cur, line, (gssize)len - 1);
            g_string_append_c(cur, ' ');
            continue;
        }
        g_string_append(cur, line);
        g_ptr_array_add(out, g_string_free(cur, FALSE));
        cur = NULL;
    }
    if (cur != NULL)
        g_ptr_array_add(out, g_string_free(cur, FALSE));
    g_ptr_array_add(out, NULL);
    g_strfreev(raw);
    return (char **)g_ptr_array_free(out, FALSE);
}

/* ha.cf: what matters for the resources, and why the rest does not. */
static const struct {
    const char *key;
    const char *why;
} hacf_notes[] = {
    { "keepalive", "corosync's token timeout (totem.token) detects failures; vigild adds no wait" },
    { "deadtime", "corosync's token timeout (totem.token) detects failures: with a token of "
                  "1000 ms a dead node is noticed in about 3.5 s" },
    { "warntime", "corosync logs late tokens itself" },
    { "initdead", "no start-up wait: vigild starts resources once the nodes of the view have "
                  "announced (and quorum is there)" },
    { "udpport", "corosync's transport (knet) carries the cluster traffic: see corosync.conf" },
    { "bcast", "corosync's transport (knet) carries the cluster traffic: see corosync.conf" },
    { "mcast", "corosync's transport (knet) carries the cluster traffic: see corosync.conf" },
    { "ucast", "corosync's transport (knet) carries the cluster traffic: see corosync.conf" },
    { "serial", "corosync has no serial links; give it a second network (a second knet link)" },
    { "baud", "corosync has no serial links" },
    { "node", "the nodes come from corosync's nodelist" },
    { "stonith", "configure a fence device as a stonith resource (doc/fencing.md)" },
    { "stonith_host", "configure a fence device as a stonith resource (doc/fencing.md)" },
    { "ping", "connectivity: an ocf:vigil:ping clone and a location rule on its attribute "
              "(doc/agents.md), e.g. primitive ping ocf:vigil:ping params host_list=... ; clone "
              "ping-clone ping ; location GROUP-ping GROUP rule -inf: not_defined pingd or pingd lte 0" },
    { "ping_group", "connectivity: an ocf:vigil:ping clone with host_list (doc/agents.md)" },
    { "respawn", "vigild supervises no helper daemons: run them as systemd services" },
    { "apiauth", "no API clients to authorize: tools talk to vigild over its IPC socket" },
    { "logfile", "vigild --log-file FILE" },
    { "debugfile", "vigild --log-file FILE --log-level debug" },
    { "logfacility", "vigild --syslog (facility daemon)" },
    { "use_logd", "vigild logs through libqb to stderr, a file or syslog" },
    { "crm", "Heartbeat's v2 CRM keeps a CIB, not haresources: export it (cibadmin -Q > cib.xml) "
             "and load that with crmctl config load cib.xml" },
    { "autojoin", "corosync's nodelist says who may join" },
    { "compression", "corosync compresses nothing; knet can (knet_compression_model)" },
};

/* ha.cf's auto_failback and the comments for the rest. */
static void hb_hacf(crmctl__import *im, const char *path, const char *text)
{
    char **lines = hb_lines(text, NULL);
    const char *failback = NULL;

    crmctl__import_gap(im);
    crmctl__import_note(im, "---- %s ----", path);
    for (char **l = lines; *l; l++) {
        char **w = g_strsplit_set(g_strstrip(*l), " \t", 2);
        const char *why = NULL;

        if (w[0] == NULL || *w[0] == '\0') {
            g_strfreev(w);
            continue;
        }
        if (strcmp(w[0], "auto_failback") == 0) {
            failback = w[1] && (strcmp(g_strstrip(w[1]), "off") == 0 || strcmp(w[1], "false") == 0)
                     ? "off" : "on";
            g_strfreev(w);
            continue;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(hacf_notes) && why == NULL; i++) {
            if (strcmp(w[0], hacf_notes[i].key) == 0)
                why = hacf_notes[i].why;
        }
        if (strcmp(w[0], "stonith_host") == 0 && w[1] != NULL) {
            /* Its arguments end with the device's credentials. */
            char **a = g_strsplit_set(g_strstrip(w[1]), " \t", 3);
            g_free(w[1]);
            w[1] = g_strdup_printf("%s %s ...", a[0], a[1] ? a[1] : "");
            g_strfreev(a);
        }
        crmctl__import_note(im, "%s%s%s: %s", w[0], w[1] ? " " : "", w[1] ? g_strstrip(w[1]) : "",
                            why ? why : "no equivalent in Vigil (not imported)");
        g_strfreev(w);
    }
    if (failback != NULL && strcmp(failback, "off") == 0) {
        crmctl__import_note(im, "auto_failback off: groups stay where they run when their "
                            "preferred node returns (stickiness 200 beats the preference 100)");
        crmctl__import_line(im, "rsc_defaults resource-stickiness=200");
    } else {
        crmctl__import_note(im, "auto_failback %s: groups go back to their preferred node when it "
                            "returns (resource-stickiness 0, the default)", failback ? failback
                                                                               : "(default on)");
    }
    g_strfreev(lines);
}

static int read_text(const char *path, char **text, GPtrArray *errors)
{
    GError *err = NULL;
    int rc = 0;

    if (!g_file_get_contents(path, text, NULL, &err)) {
        rc = err->code == G_FILE_ERROR_NOENT ? -ENOENT : err->code == G_FILE_ERROR_ACCES ? -EACCES : -EIO;
        g_ptr_array_add(errors, g_strdup(err->message));
        g_error_free(err);
    }
    return rc;
}

int crmctl__import_haresources(crmctl__import *im, char **args, int n, GPtrArray *errors)
{
    char *text = NULL, *hacf = NULL;
    char **lines;
    GArray *starts;
    int rc, lineno = 0;

    if ((rc = read_text(args[0], &text, errors)) != 0 || (n > 1 && (rc = read_text(args[1], &hacf, errors)) != 0))
        goto done;
    {
        char *sources = g_strjoinv(" ", args);
        char *with = g_strdup_printf(" %s", sources);
        crmctl__import_header(im, "haresources", with);
        g_free(with);
        g_free(sources);
    }
    crmctl__import_note(im, "Heartbeat v1: each line of %s is a resource group that starts left to "
                        "right (and stops right to left) on the node it names first, and moves "
                        "to another node when that one fails.  Here each line becomes a group "
                        "with a location preference (score 100) for that node.", args[0]);
    if (hacf != NULL && (strstr(hacf, "\nstonith_host") || strstr(hacf, "\nstonith "))) {
        crmctl__import_gap(im);
        crmctl__import_warn(im, "ha.cf fences with stonith_host: configure that device as a stonith "
                            "resource (e.g. primitive fence-ipmi stonith:fence_ipmilan params ..., "
                            "doc/fencing.md); until a fence device is configured, resources of a "
                            "failed node stay stopped");
    } else {
        crmctl__import_fencing(im, "Heartbeat (without stonith_host in ha.cf)");
    }
    if (hacf != NULL)
        hb_hacf(im, args[1], hacf);
    starts = g_array_new(FALSE, FALSE, sizeof(int));
    lines = hb_lines(text, starts);
    for (char **l = lines; *l; l++, lineno++) {
        char **words, where[64];
        words = g_strsplit_set(g_strstrip(*l), " \t", -1);
        {
            /* Drop the empty words of repeated blanks. */
            char **w = words, **o = words;
            for (; *w; w++) {
                if (**w)
                    *o++ = *w;
                else
                    g_free(*w);
            }
            *o = NULL;
        }
        g_snprintf(where, sizeof(where), "%s:%d", args[0], g_array_index(starts, int, lineno));
        if (words[0] != NULL)
            hb_line(im, words, where);
        g_strfreev(words);
    }
    g_strfreev(lines);
    g_array_free(starts, TRUE);
done:
    g_free(text);
    g_free(hacf);
    return rc;
}
