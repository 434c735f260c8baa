/*
 * crmctl_import.c — 'crmctl import keepalived|haresources': read another
 * cluster manager's configuration and print the equivalent Vigil
 * configuration in the configuration syntax (tools/crm_syntax.h), ready
 * for 'crmctl config verify' and 'crmctl config load'.  doc/migrating.md
 * explains the mapping.
 *
 * This file holds the command, the output helpers both importers share
 * (crmctl_import_internal.h), and Heartbeat v1's haresources (with its
 * ha.cf when given); keepalived.conf is crmctl_import_keepalived.c.
 *
 * Invariants: nothing is sent to a cluster; the output is deterministic
 * (no dates, the file names as given), so tests compare it exactly; every
 * setting of the input is either turned into statements or named in a
 * comment that says why it has no equivalent; and the output is checked
 * with the syntax and the CIB library before it is printed, so what
 * crmctl import prints always loads.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <libxml/tree.h>
#include <vigil/cib.h>
#include <vigil/vigil.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl.h"
#include "tools/crmctl_import_internal.h"

/* Where the alert agents are installed (agents/alerts.mk says). */
#ifndef VGL_ALERTS_DIR
#define VGL_ALERTS_DIR "/usr/share/vigil/alerts"
#endif

/* ------------------------------------------------------------- output */

static void append_v(GString *s, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
static void append_v(GString *s, const char *fmt, va_list ap)
{
    g_string_append_vprintf(s, fmt, ap);
}

void crmctl__import_line(crmctl__import *im, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    append_v(im->text, fmt, ap);
    va_end(ap);
    if (!g_str_has_suffix(im->text->str, "\n"))
        g_string_append_c(im->text, '\n');
}

/* Wrap one paragraph of a comment. */
static void wrap(GString *out, const char *para, const char *first, const char *next)
{
    const char *prefix = first;
    size_t col = 0;
    char **words = g_strsplit(para, " ", -1);

    for (char **w = words; *w; w++) {
        size_t len = strlen(*w);
        if (len == 0)
            continue;
        if (col > 0 && col + 1 + len > CRMCTL__IMPORT_WIDTH) {
            g_string_append_c(out, '\n');
            col = 0;
            prefix = next;
        }
        if (col == 0) {
            g_string_append(out, prefix);
            col = strlen(prefix);
        } else {
            g_string_append_c(out, ' ');
            col++;
        }
        g_string_append(out, *w);
        col += len;
    }
    g_string_append_c(out, '\n');
    g_strfreev(words);
}

static void note_v(crmctl__import *im, const char *first, const char *fmt, va_list ap)
    G_GNUC_PRINTF(3, 0);
static void note_v(crmctl__import *im, const char *first, const char *fmt, va_list ap)
{
    GString *text = g_string_new(NULL);
    char **paras;

    append_v(text, fmt, ap);
    paras = g_strsplit(text->str, "\n", -1);
    for (char **p = paras; *p; p++) {
        if (p != paras && g_str_has_prefix(*p, "  "))
            g_string_append_printf(im->text, "# %s\n", *p); /* preformatted */
        else
            wrap(im->text, *p, p == paras ? first : "# ", "#   ");
    }
    g_strfreev(paras);
    g_string_free(text, TRUE);
}

void crmctl__import_note(crmctl__import *im, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    note_v(im, "# ", fmt, ap);
    va_end(ap);
}

void crmctl__import_warn(crmctl__import *im, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(im->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
    va_start(ap, fmt);
    note_v(im, "# WARNING: ", fmt, ap);
    va_end(ap);
}

void crmctl__import_gap(crmctl__import *im)
{
    if (im->text->len > 0 && !g_str_has_suffix(im->text->str, "\n\n"))
        g_string_append_c(im->text, '\n');
}

char *crmctl__import_id(crmctl__import *im, const char *base, const char *suffix)
{
    GString *id = g_string_new(NULL);
    char *unique;

    g_string_append(id, base);
    if (suffix != NULL)
        g_string_append_printf(id, "-%s", suffix);
    for (gsize i = 0; i < id->len; i++) {
        char c = id->str[i];
        if (!(g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.'))
            id->str[i] = '-';
    }
    if (id->len == 0 || !(g_ascii_isalpha(id->str[0]) || id->str[0] == '_'))
        g_string_prepend(id, "r-");
    unique = g_strdup(id->str);
    for (unsigned n = 2; g_hash_table_contains(im->ids, unique); n++) {
        g_free(unique);
        unique = g_strdup_printf("%s-%u", id->str, n);
    }
    g_hash_table_add(im->ids, g_strdup(unique));
    g_string_free(id, TRUE);
    return unique;
}

bool crmctl__import_nv(GString *s, const char *name, const char *value)
{
    char *q = crm_syntax_quote(value);

    if (q == NULL)
        return false;
    g_string_append_printf(s, " %s=%s", name, q);
    g_free(q);
    return true;
}

bool crmctl__import_is_address(const char *s, int *prefix)
{
    const char *slash = strchr(s, '/');
    char *addr = slash ? g_strndup(s, (gsize)(slash - s)) : g_strdup(s);
    unsigned char buf[16];
    bool v6 = strchr(addr, ':') != NULL;
    bool ok = inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) == 1;
    char *end = NULL;
    long p = -1;

    if (ok && slash != NULL) {
        p = strtol(slash + 1, &end, 10);
        ok = end != slash + 1 && *end == '\0' && p >= 0 && p <= (v6 ? 128 : 32);
    }
    if (prefix != NULL)
        *prefix = ok ? (int)p : -1;
    g_free(addr);
    return ok;
}

/* ------------------------------------------------------------ checking */

/* Does the output load?  The same path as 'crmctl config verify'. */
static int check_output(const char *text, GPtrArray *errors)
{
    xmlDoc *doc = crm_syntax_new_config();
    int rc = crm_syntax_apply(crm_syntax_config_of(doc), text, "import", NULL, errors);

    if (rc == 0) {
        xmlBuffer *buf = xmlBufferCreate();
        vgl_cib *cib = vgl_cib_new();
        xmlNodeDump(buf, doc, crm_syntax_config_of(doc), 0, 0);
        rc = vgl_cib_replace_config(cib, (const char *)xmlBufferContent(buf), -1, "import", errors);
        vgl_cib_free(cib);
        xmlBufferFree(buf);
    }
    xmlFreeDoc(doc);
    return rc;
}

/* ------------------------------------------------------------ Heartbeat */

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

void crmctl__import_header(crmctl__import *im, const char *what, const char *sources)
{
    crmctl__import_note(im, "Imported by crmctl import %s%s.\n"
                        "Check it, then load it (load replaces the configuration; load --update "
                        "adds to it):\n"
                        "    crmctl config verify FILE\n"
                        "    crmctl config load FILE\n"
                        "doc/migrating.md explains each mapping.", what, sources);
}

void crmctl__import_fencing(crmctl__import *im, const char *who)
{
    crmctl__import_gap(im);
    crmctl__import_note(im, "WARNING: %s did not fence a failed node.  Vigil does, before it starts "
                        "that node's resources elsewhere (stonith-enabled=true is the default): "
                        "until a fence device is configured (doc/fencing.md), resources of a "
                        "failed node stay stopped.  To run without fencing as before (both sides "
                        "of a split may then hold the addresses), uncomment the next line.", who);
    crmctl__import_line(im, "# property stonith-enabled=false");
    g_ptr_array_add(im->warnings, g_strdup_printf("%s did not fence: configure a fence device "
                                                  "(doc/fencing.md), or uncomment 'property "
                                                  "stonith-enabled=false' in the output", who));
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

static int import_haresources(crmctl__import *im, char **args, int n, GPtrArray *errors)
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

/* ------------------------------------------------------------ commands */

static int run_import(const crmctl_opts *o, int (*fn)(crmctl__import *, char **, int, GPtrArray *))
{
    crmctl__import im = { 0 };
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    int rc, code;

    im.text = g_string_new(NULL);
    im.warnings = g_ptr_array_new_with_free_func(g_free);
    im.ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    im.alerts_dir = g_getenv("VIGIL_ALERTS_DIR") ? g_getenv("VIGIL_ALERTS_DIR") : VGL_ALERTS_DIR;
    rc = fn(&im, o->argv, o->argc, errors);
    if (rc == 0 && (rc = check_output(im.text->str, errors)) != 0) {
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
    g_string_free(im.text, TRUE);
    g_ptr_array_unref(im.warnings);
    g_hash_table_destroy(im.ids);
    return code;
}

static int cmd_keepalived(const crmctl_opts *o)
{
    return run_import(o, crmctl__import_keepalived);
}

static int cmd_haresources(const crmctl_opts *o)
{
    return run_import(o, import_haresources);
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
