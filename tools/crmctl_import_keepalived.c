/*
 * crmctl_import_keepalived.c — keepalived.conf into Vigil's configuration
 * syntax, for 'crmctl import keepalived [NODE=]FILE...'.
 *
 * A keepalived.conf describes one node: its vrrp_instances with its own
 * priority for each, its vrrp_scripts, its global_defs.  Given every
 * node's file, the import rebuilds what VRRP decides at run time:
 *
 *   virtual_ipaddress entries  ocf:vigil:IPaddr primitives (in a group
 *                              named after the instance when several)
 *   priority P on node N       location INSTANCE-on-N INSTANCE P: N
 *   track_script S weight W    an ocf:vigil:health clone that sets the
 *                              attribute health-S to W while S fails, and
 *                              location INSTANCE-S INSTANCE rule health-S:
 *                              (the attribute is the score), so a node's
 *                              score is its priority plus the weights of
 *                              its failing checks, as keepalived computes
 *   track_script without weight  the attribute is -INFINITY while failing
 *                              (keepalived's FAULT state)
 *   nopreempt                  resource-stickiness larger than any
 *                              difference of scores, so nothing moves the
 *                              instance back (or away, but for a fault)
 *   vrrp_sync_group            colocations with the group's first member
 *   notification_email         an alert through alert_smtp.sh
 *
 * and writes a comment for every other setting saying why it has no
 * equivalent.  A weight that cannot move the addresses (not larger than
 * the gap between the priorities: keepalived's classic mistake) is a
 * warning.
 *
 * The parser reads keepalived's syntax: one statement per line, blocks in
 * braces (also on one line), '#' and '!' comments, "quoted" words,
 * include (glob, relative to the including file; depth and file count
 * bounded).  It never runs anything it reads.
 */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/vigil.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl_import_internal.h"

#define MAX_DEPTH 8
#define MAX_FILES 64
#define MAX_FILE_SIZE (4 * 1024 * 1024)
#define CHECKS_DIR "/etc/vigil/checks"

/* ------------------------------------------------------------ parsing */

typedef struct stmt {
    char **words;     /* keyword, then its arguments (quotes removed) */
    GPtrArray *kids;  /* stmt *: the block it opened, or NULL */
    char *where;      /* "FILE:LINE" */
} stmt;

typedef struct parser {
    GPtrArray *errors;
    unsigned files;
} parser;

static void stmt_free(gpointer p)
{
    stmt *s = p;

    g_strfreev(s->words);
    if (s->kids)
        g_ptr_array_unref(s->kids);
    g_free(s->where);
    g_free(s);
}

static GPtrArray *stmts_new(void)
{
    return g_ptr_array_new_with_free_func(stmt_free);
}

/* The words of one line: blanks separate, "..." quotes, { and } are words
 * of their own, and a word starting with # or ! starts a comment. */
static GPtrArray *line_words(const char *line)
{
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    const char *p = line;

    while (*p) {
        const char *start;
        if (g_ascii_isspace(*p)) {
            p++;
        } else if (*p == '#' || *p == '!') {
            break;
        } else if (*p == '{' || *p == '}') {
            g_ptr_array_add(w, g_strndup(p++, 1));
        } else if (*p == '"') {
            start = ++p;
            while (*p && *p != '"')
                p++;
            g_ptr_array_add(w, g_strndup(start, (gsize)(p - start)));
            if (*p)
                p++;
        } else {
            start = p;
            while (*p && !g_ascii_isspace(*p) && *p != '{' && *p != '}')
                p++;
            g_ptr_array_add(w, g_strndup(start, (gsize)(p - start)));
        }
    }
    return w;
}

static int parse_file(parser *ps, const char *path, GPtrArray *into, unsigned depth);

/* include PATTERN: the files it names, parsed into the current block. */
static int include(parser *ps, const stmt *s, const char *file, GPtrArray *into, unsigned depth)
{
    char *dir = g_path_get_dirname(file);
    char *pattern;
    glob_t g;
    int rc = 0;

    if (s->words[1] == NULL) {
        g_ptr_array_add(ps->errors, g_strdup_printf("%s: include without a file", s->where));
        g_free(dir);
        return VGL_E_PARSE;
    }
    pattern = g_path_is_absolute(s->words[1]) || strcmp(dir, ".") == 0
            ? g_strdup(s->words[1]) : g_build_filename(dir, s->words[1], NULL);
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
            rc = parse_file(ps, g.gl_pathv[i], into, depth + 1);
        globfree(&g);
    }
    g_free(pattern);
    g_free(dir);
    return rc;
}

/* Close the statement being collected (its words in acc). */
static stmt *flush(GPtrArray **acc, GPtrArray *into, const char *where)
{
    stmt *s;

    if ((*acc)->len == 0)
        return NULL;
    g_ptr_array_add(*acc, NULL);
    s = g_new0(stmt, 1);
    s->words = (char **)g_ptr_array_free(*acc, FALSE);
    s->where = g_strdup(where);
    g_ptr_array_add(into, s);
    *acc = g_ptr_array_new();
    return s;
}

static int parse_text(parser *ps, const char *file, const char *text, GPtrArray *top, unsigned depth)
{
    GPtrArray *open = g_ptr_array_new();   /* stmt * whose block is open */
    GPtrArray *acc = g_ptr_array_new();
    GPtrArray *cur = top;
    char **lines = g_strsplit(text, "\n", -1);
    stmt *last = NULL;
    int rc = 0;

    for (unsigned ln = 0; lines[ln] && rc == 0; ln++) {
        GPtrArray *w = line_words(lines[ln]);
        char *where = g_strdup_printf("%s:%u", file, ln + 1);
        for (guint i = 0; i < w->len && rc == 0; i++) {
            char *word = g_ptr_array_index(w, i);
            if (strcmp(word, "{") == 0) {
                stmt *s = flush(&acc, cur, where);
                if (s == NULL && last != NULL && last->kids == NULL)
                    s = last;
                if (s == NULL) {
                    g_ptr_array_add(ps->errors, g_strdup_printf("%s: '{' without a keyword before it", where));
                    rc = VGL_E_PARSE;
                    break;
                }
                s->kids = stmts_new();
                g_ptr_array_add(open, s);
                cur = s->kids;
                last = NULL;
            } else if (strcmp(word, "}") == 0) {
                flush(&acc, cur, where);
                if (open->len == 0) {
                    g_ptr_array_add(ps->errors, g_strdup_printf("%s: '}' without a '{'", where));
                    rc = VGL_E_PARSE;
                    break;
                }
                g_ptr_array_remove_index(open, open->len - 1);
                cur = open->len ? ((stmt *)g_ptr_array_index(open, open->len - 1))->kids : top;
                last = NULL;
            } else {
                g_ptr_array_add(acc, g_strdup(word));
            }
        }
        if (rc == 0 && (last = flush(&acc, cur, where)) != NULL && strcmp(last->words[0], "include") == 0) {
            rc = include(ps, last, file, cur, depth);
            g_ptr_array_remove(cur, last);
            last = NULL;
        }
        g_ptr_array_unref(w);
        g_free(where);
    }
    if (rc == 0 && open->len > 0) {
        stmt *s = g_ptr_array_index(open, open->len - 1);
        g_ptr_array_add(ps->errors, g_strdup_printf("%s: the block of '%s' is not closed (a '}' is "
                                                    "missing)", s->where, s->words[0]));
        rc = VGL_E_PARSE;
    }
    g_ptr_array_free(acc, TRUE);
    g_ptr_array_unref(open);
    g_strfreev(lines);
    return rc;
}

static int parse_file(parser *ps, const char *path, GPtrArray *into, unsigned depth)
{
    GError *err = NULL;
    char *text = NULL;
    gsize len = 0;
    int rc;

    if (depth > MAX_DEPTH || ++ps->files > MAX_FILES) {
        g_ptr_array_add(ps->errors, g_strdup_printf("%s: too many includes (more than %u files or "
                                                    "%u levels)", path, MAX_FILES, MAX_DEPTH));
        return VGL_E_LIMIT;
    }
    if (!g_file_get_contents(path, &text, &len, &err)) {
        rc = err->code == G_FILE_ERROR_NOENT ? -ENOENT : err->code == G_FILE_ERROR_ACCES ? -EACCES : -EIO;
        g_ptr_array_add(ps->errors, g_strdup(err->message));
        g_error_free(err);
        return rc;
    }
    if (len > MAX_FILE_SIZE || strlen(text) != len) {
        g_ptr_array_add(ps->errors, g_strdup_printf("%s: not a keepalived.conf (%s)", path,
                                                    len > MAX_FILE_SIZE ? "larger than 4 MiB" : "binary"));
        g_free(text);
        return VGL_E_PARSE;
    }
    rc = parse_text(ps, path, text, into, depth);
    g_free(text);
    return rc;
}

/* ------------------------------------------------------------- helpers */

static const stmt *find(const GPtrArray *block, const char *kw)
{
    for (guint i = 0; block && i < block->len; i++) {
        const stmt *s = g_ptr_array_index(block, i);
        if (strcmp(s->words[0], kw) == 0)
            return s;
    }
    return NULL;
}

/* The arguments of s joined by blanks (caller g_free()s). */
static char *args_text(const stmt *s)
{
    return g_strjoinv(" ", s->words + 1);
}

/* An integer argument, or def when absent or not a number. */
static long arg_long(const stmt *s, guint i, long def)
{
    char *end;
    long v;

    if (s == NULL || g_strv_length(s->words) <= i)
        return def;
    v = strtol(s->words[i], &end, 10);
    return *end == '\0' && end != s->words[i] ? v : def;
}

/* Whole seconds, rounded up (keepalived takes fractions: interval 0.5). */
static long seconds_up(double s)
{
    long whole = (long)s;

    return whole + ((double)whole < s ? 1 : 0);
}

static double arg_double(const stmt *s, guint i, double def)
{
    char *end;
    double v;

    if (s == NULL || g_strv_length(s->words) <= i)
        return def;
    v = g_ascii_strtod(s->words[i], &end);
    return *end == '\0' && end != s->words[i] && v >= 0 && v < 1e6 ? v : def;
}

/* Every word of every statement of a block (list blocks such as
 * notification_email, written one per line or all on one line). */
static GPtrArray *block_words(const stmt *s)
{
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; s && s->kids && i < s->kids->len; i++) {
        const stmt *k = g_ptr_array_index(s->kids, i);
        for (char **w = k->words; *w; w++)
            g_ptr_array_add(out, *w);
    }
    return out;
}

static bool valid_node_name(const char *s)
{
    if (s == NULL || !g_ascii_isalnum(*s))
        return false;
    for (const char *p = s; *p; p++) {
        if (!(g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.'))
            return false;
    }
    return strlen(s) <= 64;
}

/* Why a setting has no equivalent (the keys not handled elsewhere). */
static const struct {
    const char *key;
    const char *why;
} reasons[] = {
    /* vrrp_instance */
    { "virtual_router_id", "Vigil sends no VRRP advertisements (corosync carries membership), so "
                           "there is no router id to agree on" },
    { "advert_int", "failure detection is corosync's token timeout: totem { token: 1000 } notices a "
                    "dead node about as fast as advert_int 1; vigild adds no wait of its own" },
    { "authentication", "corosync's knet crypto (crypto_cipher aes256, crypto_hash sha256 and an "
                        "authkey) authenticates and encrypts all cluster traffic" },
    { "unicast_peer", "corosync's nodelist says how nodes reach each other" },
    { "unicast_src_ip", "corosync's nodelist says how nodes reach each other" },
    { "mcast_src_ip", "corosync's nodelist says how nodes reach each other" },
    { "interface", "used as nic= of the addresses that name no dev" },
    { "state", "only the starting state in keepalived: where the addresses run follows the "
               "location scores below" },
    { "preempt", "preempting is the default: the preferred node takes the addresses back" },
    { "preempt_delay", "no delay: a preferred node that returns takes the addresses back at once "
                       "(stickiness is the way to keep them where they are)" },
    { "track_interface", "ocf:vigil:IPaddr's monitor fails when the link of its own interface goes "
                         "down; for another interface track a health check such as "
                         "ip link show eth1 | grep -q 'state UP'" },
    { "track_process", "track a health check such as pidof -q PROCESS instead" },
    { "track_file", "track a health check that reads the file instead" },
    { "track_bfd", "BFD is not supported; corosync's token timeout detects failed nodes" },
    { "notify_master", "no state-change scripts: an alert agent is run for every start and stop of "
                       "the addresses (CRM_alert_rsc, CRM_alert_task, doc/alerts.md); wrap the "
                       "script in one" },
    { "notify_backup", "no state-change scripts: an alert agent sees the stop of the addresses "
                       "(doc/alerts.md)" },
    { "notify_fault", "no state-change scripts: an alert agent sees failed operations and fencing "
                      "(doc/alerts.md)" },
    { "notify_stop", "no state-change scripts: an alert agent sees the stop of the addresses "
                     "(doc/alerts.md)" },
    { "notify", "no state-change scripts: alert agents get every event in CRM_alert_* variables "
                "instead of arguments (doc/alerts.md)" },
    { "smtp_alert", "see the mail alert above" },
    { "garp_master_delay", "ocf:vigil:IPaddr announces the address when it starts (arp_count "
                           "packets, arp_interval apart)" },
    { "garp_master_refresh_repeat", "ocf:vigil:IPaddr repeats one announcement every arp_refresh "
                                    "seconds" },
    { "garp_lower_prio_delay", "no VRRP: nothing to announce to a lower priority peer" },
    { "garp_lower_prio_repeat", "no VRRP: nothing to announce to a lower priority peer" },
    { "lower_prio_no_advert", "no VRRP advertisements" },
    { "higher_prio_send_advert", "no VRRP advertisements" },
    { "use_vmac", "no virtual MAC: the address moves with its owner's MAC and a gratuitous ARP" },
    { "vmac_xmit_base", "no virtual MAC" },
    { "dont_track_primary", "no VRRP interface to track" },
    { "native_ipv6", "ocf:vigil:IPaddr takes IPv6 addresses as they are" },
    { "version", "no VRRP" },
    { "strict_mode", "no VRRP" },
    { "accept", "the addresses are ordinary local addresses: they accept traffic" },
    { "no_accept", "the addresses are ordinary local addresses: they accept traffic" },
    { "debug", "vigild --log-level debug" },
    { "virtual_routes", "routes that follow the addresses: add an ocf:heartbeat:Route resource to "
                        "the group" },
    { "virtual_rules", "policy rules that follow the addresses: add a resource for them to the "
                       "group" },
    { "lvs_sync_daemon_interface", "LVS (IPVS) is outside Vigil" },
    { "kernel_rx_buf_size", "no VRRP socket" },
    /* global_defs */
    { "router_id", "nodes are named after corosync's nodelist; here it names the node whose file "
                   "this is when no NODE= was given" },
    { "smtp_server", "alert_smtp.sh hands mail to the local sendmail: make the local MTA relay "
                     "through this server" },
    { "smtp_connect_timeout", "the local MTA retries and times out itself" },
    { "smtp_helo_name", "the local MTA's setting" },
    { "enable_script_security", "the health agent runs checks as root from vigild; keep check "
                                "scripts owned by root and not writable by others" },
    { "script_user", "the health agent runs checks as root from vigild" },
    { "max_auto_priority", "vigild's own scheduling is not real-time" },
    { "lvs_id", "LVS (IPVS) is outside Vigil" },
    { "dynamic_interfaces", "ocf:vigil:IPaddr looks the interface up at each start" },
};

static const char *reason_for(const char *key)
{
    if (g_str_has_prefix(key, "vrrp_"))
        return "a setting of the VRRP protocol; Vigil sends no VRRP (corosync carries membership)";
    if (g_str_has_prefix(key, "lvs_") || g_str_has_prefix(key, "checker_"))
        return "LVS (IPVS) is outside Vigil";
    for (size_t i = 0; i < G_N_ELEMENTS(reasons); i++) {
        if (strcmp(reasons[i].key, key) == 0)
            return reasons[i].why;
    }
    return "no equivalent in Vigil (not imported)";
}

/* Is word one of the blank-separated words of list? */
static bool in_list(const char *list, const char *word)
{
    char **words = g_strsplit(list, " ", -1);
    bool found = g_strv_contains((const gchar *const *)words, word);

    g_strfreev(words);
    return found;
}

/* "# KEY ARGS: why" for a setting; blocks show their first words. */
static void no_equivalent(crmctl__import *im, const stmt *s, const char *why)
{
    char *args = args_text(s);
    GPtrArray *inner = block_words(s);
    GString *in = g_string_new(NULL);

    for (guint i = 0; i < inner->len && i < 6; i++) {
        /* A password is not repeated in a comment. */
        bool secret = i > 0 && strcmp(g_ptr_array_index(inner, i - 1), "auth_pass") == 0;
        g_string_append_printf(in, "%s%s", i ? " " : "", secret ? "(hidden)" : (char *)g_ptr_array_index(inner, i));
    }
    if (inner->len > 6)
        g_string_append(in, " ...");
    crmctl__import_note(im, "%s%s%s%s%s%s: %s", s->words[0], *args ? " " : "", args,
                        s->kids ? " { " : "", in->str, s->kids ? " }" : "", why ? why : reason_for(s->words[0]));
    g_string_free(in, TRUE);
    g_ptr_array_free(inner, TRUE);
    g_free(args);
}

/* --------------------------------------------------------------- model */

typedef struct ka_node {
    char *name;
    char *file;
    GPtrArray *top;          /* the parsed file */
} ka_node;

typedef struct ka_script {
    const stmt *def;         /* vrrp_script NAME { ... } */
    const char *node;
    char *id;                /* the health primitive, once written */
    char *attr;              /* its node attribute */
    char val_fail[24];       /* the attribute while the check fails */
    char val_ok[24];         /* ... and while it passes */
    long weight;             /* effective: 0 means FAULT (-INFINITY) */
    bool reverse;
} ka_script;

/* One node's view of an instance. */
typedef struct ka_member {
    const ka_node *node;
    const stmt *def;
    long priority;
    bool nopreempt;
} ka_member;

/* A tracked script with the weight this instance uses. */
typedef struct ka_track {
    ka_script *script;
    long weight;             /* 0: FAULT */
    bool overridden;         /* the instance gave its own weight */
    bool reverse;
} ka_track;

typedef struct ka_ctx {
    crmctl__import *im;
    GPtrArray *nodes;        /* ka_node * */
    GHashTable *scripts;     /* name -> ka_script * (first definition wins) */
    GHashTable *instances;   /* name -> id written (char *) */
} ka_ctx;

static void ka_node_free(gpointer p)
{
    ka_node *n = p;

    g_free(n->name);
    g_free(n->file);
    if (n->top)
        g_ptr_array_unref(n->top);
    g_free(n);
}

static void ka_script_free(gpointer p)
{
    ka_script *s = p;

    g_free(s->id);
    g_free(s->attr);
    g_free(s);
}

/* Every node's definition of the instance called name. */
static GPtrArray *members_of(const ka_ctx *k, const char *name)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < k->nodes->len; i++) {
        const ka_node *n = g_ptr_array_index(k->nodes, i);
        for (guint j = 0; j < n->top->len; j++) {
            const stmt *s = g_ptr_array_index(n->top, j);
            ka_member *m;
            if (strcmp(s->words[0], "vrrp_instance") != 0 || g_strcmp0(s->words[1], name) != 0 || !s->kids)
                continue;
            m = g_new0(ka_member, 1);
            m->node = n;
            m->def = s;
            m->priority = CLAMP(arg_long(find(s->kids, "priority"), 1, 100), 1, 255);
            for (guint x = 0; x < s->kids->len; x++) {
                const stmt *kid = g_ptr_array_index(s->kids, x);
                if (strcmp(kid->words[0], "nopreempt") == 0)
                    m->nopreempt = true;
                else if (strcmp(kid->words[0], "preempt") == 0)
                    m->nopreempt = false;
            }
            g_ptr_array_add(out, m);
            break;
        }
    }
    return out;
}

/* --------------------------------------------------------------- output */

/* The health check command of a vrrp_script: a path the agent can run
 * (a wrapper to create when the command has arguments). */
static char *check_path(ka_ctx *k, const ka_script *s, const char *command)
{
    if (g_path_is_absolute(command) && strpbrk(command, " \t") == NULL)
        return g_strdup(command);
    crmctl__import_note(k->im, "the health agent runs an executable without arguments and without "
                        "a shell: on every node create %s/%s (mode 0755) containing\n"
                        "    #!/bin/sh\n    exec %s", CHECKS_DIR, s->def->words[1], command);
    return g_strdup_printf("%s/%s", CHECKS_DIR, s->def->words[1]);
}

/* Write the ocf:vigil:health clone of a tracked vrrp_script. */
static void write_script(ka_ctx *k, ka_script *s)
{
    const GPtrArray *kids = s->def->kids;
    const stmt *cmd = find(kids, "script");
    char *command = cmd ? args_text(cmd) : g_strdup("");
    double interval = arg_double(find(kids, "interval"), 1, 1.0);
    double timeout = arg_double(find(kids, "timeout"), 1, interval);
    long rise = CLAMP(arg_long(find(kids, "rise"), 1, 1), 1, 1000);
    long fall = CLAMP(arg_long(find(kids, "fall"), 1, 1), 1, 1000);
    long t = CLAMP(seconds_up(timeout), 1, 3600), iv = CLAMP(seconds_up(interval), 1, 86400);
    GString *p = g_string_new(NULL);
    char *path, *clone;
    char num[24];

    crmctl__import_gap(k->im);
    crmctl__import_note(k->im, "---- vrrp_script %s (%s, %s) ----", s->def->words[1], s->node, s->def->where);
    for (guint i = 0; i < kids->len; i++) {
        const stmt *kid = g_ptr_array_index(kids, i);
        const char *kw = kid->words[0];
        if (strcmp(kw, "user") == 0)
            no_equivalent(k->im, kid, "the health agent runs the check as root, from vigild");
        else if (strcmp(kw, "init_fail") == 0)
            no_equivalent(k->im, kid, "the check starts out healthy; fall failures make it fail");
        else if (!in_list("script interval timeout weight rise fall", kw))
            no_equivalent(k->im, kid, NULL);
    }
    if (*command == '\0') {
        crmctl__import_warn(k->im, "vrrp_script %s has no script: its health resource fails to start",
                            s->def->words[1]);
    }
    path = check_path(k, s, *command ? command : "/bin/false");
    s->id = crmctl__import_id(k->im, s->def->words[1], NULL);
    s->attr = g_strdup_printf("health-%s", s->id);
    crmctl__import_nv(p, "script", path);
    crmctl__import_nv(p, "name", s->attr);
    /* The attribute holds what the check adds to the score: weight W < 0
     * while failing, W > 0 while passing, -INFINITY while failing without
     * a weight (FAULT); reverse swaps passing and failing. */
    g_snprintf(num, sizeof(num), "%ld", s->weight);
    if ((s->weight <= 0) != s->reverse) {
        g_snprintf(s->val_fail, sizeof(s->val_fail), "%s", s->weight == 0 ? "-INFINITY" : num);
        g_snprintf(s->val_ok, sizeof(s->val_ok), "0");
    } else {
        g_snprintf(s->val_fail, sizeof(s->val_fail), "0");
        g_snprintf(s->val_ok, sizeof(s->val_ok), "%s", s->weight == 0 ? "-INFINITY" : num);
    }
    crmctl__import_nv(p, "weight", s->val_fail);
    crmctl__import_nv(p, "ok_value", s->val_ok);
    g_string_append_printf(p, " fall=%ld rise=%ld script_timeout=%ld", fall, rise, t);
    /* The monitor runs the check: its timeout must leave room for it. */
    g_snprintf(num, sizeof(num), " timeout=%lds", t + 10);
    crmctl__import_line(k->im, "primitive %s ocf:vigil:health \\\n    params%s \\\n"
                        "    op monitor interval=%lds%s", s->id, p->str, iv, t + 10 > 20 ? num : "");
    clone = crmctl__import_id(k->im, s->id, "clone");
    crmctl__import_line(k->im, "clone %s %s", clone, s->id);
    g_free(clone);
    g_free(path);
    g_free(command);
    g_string_free(p, TRUE);
}

/* ------------------------------------------------------------ addresses */

typedef struct vip {
    char *ip;
    int prefix;              /* -1: none given */
    const char *dev, *label, *brd;
    GString *rest;           /* what IPaddr cannot do */
} vip;

static void vip_free(gpointer p)
{
    vip *v = p;

    g_free(v->ip);
    g_string_free(v->rest, TRUE);
    g_free(v);
}

/* The addresses of a virtual_ipaddress block (appended to out):
 * ADDRESS[/PREFIX] [dev D] [brd B] [label L] [scope S] [...], one or more
 * per statement. */
static void parse_vips(ka_ctx *k, const stmt *block, GPtrArray *out)
{
    static const char *const valued = "dev brd broadcast label scope peer track_group preferred_lft metric";

    for (guint i = 0; block && block->kids && i < block->kids->len; i++) {
        const stmt *s = g_ptr_array_index(block->kids, i);
        vip *cur = NULL;
        for (char **w = s->words; *w; w++) {
            int prefix;
            if (crmctl__import_is_address(*w, &prefix)) {
                cur = g_new0(vip, 1);
                cur->ip = g_strndup(*w, strcspn(*w, "/"));
                cur->prefix = prefix;
                cur->rest = g_string_new(NULL);
                g_ptr_array_add(out, cur);
            } else if (cur == NULL) {
                crmctl__import_warn(k->im, "%s: '%s' is not an address: left out", s->where, *w);
                break;
            } else if (in_list(valued, *w) && w[1] != NULL) {
                if (strcmp(*w, "dev") == 0)
                    cur->dev = w[1];
                else if (strcmp(*w, "label") == 0)
                    cur->label = w[1];
                else if (strcmp(*w, "brd") == 0 || strcmp(*w, "broadcast") == 0)
                    cur->brd = w[1];
                else if (strcmp(*w, "scope") != 0 || strcmp(w[1], "global") != 0)
                    g_string_append_printf(cur->rest, " %s %s", *w, w[1]);
                w++;
            } else {
                g_string_append_printf(cur->rest, " %s", *w);
            }
        }
    }
}

static char *vip_list(GPtrArray *vips)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < vips->len; i++)
        g_string_append_printf(s, "%s%s", i ? " " : "", ((vip *)g_ptr_array_index(vips, i))->ip);
    return g_string_free(s, FALSE);
}

/* One IPaddr primitive; meta (or NULL) is appended to it. */
static void write_vip(ka_ctx *k, const vip *v, const char *id, const char *nic, const GPtrArray *kids,
                      const char *monitor, const char *meta)
{
    GString *p = g_string_new(NULL);
    bool v6 = strchr(v->ip, ':') != NULL;
    char mask[8];
    const stmt *refresh = find(kids, "garp_master_refresh"), *repeat = find(kids, "garp_master_repeat");

    if (v->rest->len > 0)
        crmctl__import_note(k->im, "%s:%s: ocf:vigil:IPaddr has no such options (left out)", v->ip, v->rest->str);
    g_snprintf(mask, sizeof(mask), "%d", v->prefix >= 0 ? v->prefix : v6 ? 128 : 32);
    crmctl__import_nv(p, "ip", v->ip);
    crmctl__import_nv(p, "cidr_netmask", mask);
    if (v->dev || nic)
        crmctl__import_nv(p, "nic", v->dev ? v->dev : nic);
    if (v->label && v6)
        crmctl__import_note(k->im, "%s: label %s: IPv6 addresses have no labels (left out)", v->ip, v->label);
    else if (v->label)
        crmctl__import_nv(p, "label", v->label);
    if (v->brd)
        crmctl__import_nv(p, "broadcast", v->brd);
    if (repeat && arg_long(repeat, 1, -1) >= 0)
        g_string_append_printf(p, " arp_count=%ld", arg_long(repeat, 1, 5));
    if (refresh && arg_long(refresh, 1, -1) >= 0)
        g_string_append_printf(p, " arp_refresh=%ld", arg_long(refresh, 1, 0));
    crmctl__import_line(k->im, "primitive %s ocf:vigil:IPaddr \\\n    params%s%s%s \\\n    op monitor %s",
                        id, p->str, meta ? " \\\n    meta " : "", meta ? meta : "", monitor);
    g_string_free(p, TRUE);
}

/* ------------------------------------------------------------ instances */

/* The checks an instance tracks, with the weights it uses. */
static GPtrArray *tracks_of(ka_ctx *k, const stmt *def, bool quiet)
{
    const stmt *block = find(def->kids, "track_script");
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; block && block->kids && i < block->kids->len; i++) {
        const stmt *s = g_ptr_array_index(block->kids, i);
        for (char **w = s->words; *w; w++) {
            ka_script *sc = g_hash_table_lookup(k->scripts, *w);
            ka_track *t;
            if (sc == NULL) {
                if (!quiet)
                    crmctl__import_warn(k->im, "%s: track_script %s: there is no vrrp_script %s: ignored",
                                        s->where, *w, *w);
                continue;
            }
            t = g_new0(ka_track, 1);
            t->script = sc;
            t->weight = sc->weight;
            t->reverse = sc->reverse;
            if (w[1] && strcmp(w[1], "weight") == 0 && w[2]) {
                char *end;
                long v = strtol(w[2], &end, 10);
                if (*end == '\0') {
                    t->weight = CLAMP(v, -254, 254);
                    t->overridden = true;
                    t->reverse = w[3] && strcmp(w[3], "reverse") == 0;
                }
                w += 2 + (t->reverse ? 1 : 0);
            }
            g_ptr_array_add(out, t);
        }
    }
    return out;
}

/* Warn when a check's weight cannot move the instance. */
static void weight_warning(ka_ctx *k, const char *name, const ka_track *t, GPtrArray *members)
{
    const ka_member *top = NULL, *low = NULL;
    long w = labs(t->weight);

    for (guint i = 0; i < members->len; i++) {
        const ka_member *m = g_ptr_array_index(members, i);
        if (top == NULL || m->priority > top->priority)
            top = m;
        if (low == NULL || m->priority < low->priority)
            low = m;
    }
    if (members->len == 1) {
        crmctl__import_warn(k->im, "only %s's keepalived.conf was given: the other nodes get no "
                            "location score (0), so a failing %s (weight %ld) never moves %s off %s "
                            "(%ld%+ld is still above 0).  Import every node's file (crmctl import "
                            "keepalived node1=FILE1 node2=FILE2) to keep keepalived's decisions.",
                            top->node->name, t->script->def->words[1], t->weight, name, top->node->name,
                            top->priority, t->weight < 0 ? t->weight : 0);
    } else if (w <= top->priority - low->priority) {
        crmctl__import_warn(k->im, "track_script %s weight %ld is not larger than the gap between the "
                            "priorities (%ld on %s, %ld on %s): when %s fails on %s, %s stays there "
                            "(%ld%+ld is not below %ld).  keepalived does the same: the classic mistake.  "
                            "For the addresses to move, use a weight beyond %s%ld, or no weight (a "
                            "failing check then takes them away).", t->script->def->words[1], t->weight,
                            top->priority, top->node->name, low->priority, low->node->name,
                            t->script->def->words[1], top->node->name, name, top->priority,
                            t->weight < 0 ? t->weight : 0, low->priority + (t->weight > 0 ? t->weight : 0),
                            t->weight < 0 ? "-" : "+", top->priority - low->priority);
    }
}

/* The location rule of one tracked check. */
static void write_track(ka_ctx *k, const char *name, const char *rsc, const ka_track *t)
{
    const ka_script *sc = t->script;
    char *id = crmctl__import_id(k->im, rsc, sc->id);
    /* keepalived applies a weight <= 0 while the check fails, > 0 while
     * it passes; reverse swaps that. */
    bool when_failing = (t->weight <= 0) != t->reverse;

    if (!t->overridden) {
        crmctl__import_line(k->im, "location %s %s rule %s: defined %s", id, rsc, sc->attr, sc->attr);
    } else {
        /* Another weight than the script's: a rule on the attribute's value. */
        crmctl__import_note(k->im, "%s tracks %s with its own weight %ld%s", name, sc->def->words[1],
                            t->weight, t->reverse ? " reverse" : "");
        if (t->weight == 0)
            crmctl__import_line(k->im, "location %s %s rule -inf: %s eq %s", id, rsc, sc->attr,
                                when_failing ? sc->val_fail : sc->val_ok);
        else
            crmctl__import_line(k->im, "location %s %s rule %ld: %s eq %s", id, rsc, t->weight, sc->attr,
                                when_failing ? sc->val_fail : sc->val_ok);
    }
    g_free(id);
}

/* What resource-stickiness makes nopreempt: more than any difference of
 * scores the priorities and the weights can make. */
static long stickiness(GPtrArray *members, GPtrArray *tracks)
{
    long maxp = 0, minp = members->len > 1 ? 255 : 0, spread;

    for (guint i = 0; i < members->len; i++) {
        const ka_member *m = g_ptr_array_index(members, i);
        maxp = MAX(maxp, m->priority);
        if (members->len > 1)
            minp = MIN(minp, m->priority);
    }
    spread = maxp - minp;
    for (guint i = 0; i < tracks->len; i++)
        spread += labs(((ka_track *)g_ptr_array_index(tracks, i))->weight);
    return spread + 1;
}

static void instance_notes(ka_ctx *k, const ka_member *first)
{
    static const char *const handled = "virtual_ipaddress virtual_ipaddress_excluded track_script "
                                       "priority nopreempt garp_master_refresh garp_master_repeat state";

    for (guint i = 0; i < first->def->kids->len; i++) {
        const stmt *kid = g_ptr_array_index(first->def->kids, i);
        if (!in_list(handled, kid->words[0]))
            no_equivalent(k->im, kid, NULL);
    }
}

static void write_instance(ka_ctx *k, const char *name)
{
    GPtrArray *members = members_of(k, name), *vips = g_ptr_array_new_with_free_func(vip_free);
    const ka_member *first = g_ptr_array_index(members, 0);
    const stmt *iface = find(first->def->kids, "interface");
    GPtrArray *tracks = tracks_of(k, first->def, false);
    char *rsc, *meta = NULL, *list, monitor[48];
    bool nopreempt = false;

    crmctl__import_gap(k->im);
    crmctl__import_note(k->im, "---- vrrp_instance %s ----", name);
    for (guint i = 0; i < members->len; i++) {
        const ka_member *m = g_ptr_array_index(members, i);
        const stmt *st = find(m->def->kids, "state");
        crmctl__import_note(k->im, "%s (%s): state %s, priority %ld%s", m->node->name, m->def->where,
                            st && st->words[1] ? st->words[1] : "BACKUP", m->priority,
                            m->nopreempt ? ", nopreempt" : "");
        nopreempt |= m->nopreempt;
    }
    instance_notes(k, first);
    parse_vips(k, find(first->def->kids, "virtual_ipaddress"), vips);
    parse_vips(k, find(first->def->kids, "virtual_ipaddress_excluded"), vips);
    list = vip_list(vips);
    for (guint i = 1; i < members->len; i++) {
        const ka_member *m = g_ptr_array_index(members, i);
        GPtrArray *other = g_ptr_array_new_with_free_func(vip_free);
        char *olist;
        parse_vips(k, find(m->def->kids, "virtual_ipaddress"), other);
        parse_vips(k, find(m->def->kids, "virtual_ipaddress_excluded"), other);
        olist = vip_list(other);
        if (strcmp(olist, list) != 0)
            crmctl__import_warn(k->im, "%s's %s has other addresses (%s) than %s's (%s): %s's are used",
                                m->node->name, name, olist, first->node->name, list, first->node->name);
        g_free(olist);
        g_ptr_array_unref(other);
    }
    if (vips->len == 0) {
        crmctl__import_note(k->im, "no virtual_ipaddress: nothing to run for %s", name);
        goto done;
    }
    if (nopreempt) {
        long st = stickiness(members, tracks);
        crmctl__import_note(k->im, "nopreempt: resource-stickiness %ld is more than any difference "
                            "the priorities and check weights can make, so %s stays where it runs "
                            "until that node or a check without weight fails", st, name);
        meta = g_strdup_printf("resource-stickiness=%ld", st);
    }
    g_snprintf(monitor, sizeof(monitor), "interval=%lds",
               MAX(1L, seconds_up(arg_double(find(first->def->kids, "advert_int"), 1, 1.0))));
    if (vips->len == 1) {
        rsc = crmctl__import_id(k->im, name, NULL);
        write_vip(k, g_ptr_array_index(vips, 0), rsc, iface ? iface->words[1] : NULL, first->def->kids,
                  monitor, meta);
    } else {
        GString *g = g_string_new(NULL);
        rsc = crmctl__import_id(k->im, name, NULL);
        for (guint i = 0; i < vips->len; i++) {
            char num[16], *id;
            g_snprintf(num, sizeof(num), "ip%u", i + 1);
            id = crmctl__import_id(k->im, name, num);
            write_vip(k, g_ptr_array_index(vips, i), id, iface ? iface->words[1] : NULL,
                      first->def->kids, monitor, NULL);
            g_string_append_printf(g, " %s", id);
            g_free(id);
        }
        crmctl__import_line(k->im, "group %s%s%s%s", rsc, g->str, meta ? " \\\n    meta " : "",
                            meta ? meta : "");
        g_string_free(g, TRUE);
    }
    if (members->len == 1 && k->nodes->len == 1)
        crmctl__import_note(k->im, "one node's file only: other nodes get no location score (0), so "
                            "%s runs elsewhere only when it cannot run on %s", name, first->node->name);
    for (guint i = 0; i < members->len; i++) {
        const ka_member *m = g_ptr_array_index(members, i);
        char *id = crmctl__import_id(k->im, rsc, m->node->name);
        crmctl__import_line(k->im, "location %s %s %ld: %s", id, rsc, m->priority, m->node->name);
        g_free(id);
    }
    for (guint i = 0; i < tracks->len; i++) {
        const ka_track *t = g_ptr_array_index(tracks, i);
        if (t->weight != 0 && nopreempt)
            crmctl__import_warn(k->im, "with nopreempt, a failing %s (weight %ld) never moves %s - nor "
                                "does it in keepalived; only a check without weight does",
                                t->script->def->words[1], t->weight, name);
        else if (t->weight != 0)
            weight_warning(k, name, t, members);
        write_track(k, name, rsc, t);
    }
    g_hash_table_insert(k->instances, g_strdup(name), rsc);
done:
    g_free(list);
    g_free(meta);
    g_ptr_array_unref(tracks);
    g_ptr_array_unref(vips);
    g_ptr_array_unref(members);
}

/* ---------------------------------------------------- the other sections */

/* global_defs of every node: the mail alert, and comments for the rest
 * (each distinct setting once). */
static void write_globals(ka_ctx *k)
{
    GPtrArray *emails = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *from = NULL;
    bool smtp_alert = false;
    GString *a;
    char *id;

    bool titled = false;

    for (guint i = 0; i < k->nodes->len; i++) {
        const ka_node *n = g_ptr_array_index(k->nodes, i);
        for (guint j = 0; j < n->top->len; j++) {
            const stmt *g = g_ptr_array_index(n->top, j);
            for (guint x = 0; g->kids && strcmp(g->words[0], "global_defs") == 0 && x < g->kids->len; x++) {
                const stmt *s = g_ptr_array_index(g->kids, x);
                if (!titled) {
                    crmctl__import_gap(k->im);
                    crmctl__import_note(k->im, "---- global_defs ----");
                    titled = true;
                }
                char *text = args_text(s), *key = g_strdup_printf("%s %s", s->words[0], text);
                g_free(text);
                if (strcmp(s->words[0], "notification_email") == 0) {
                    GPtrArray *w = block_words(s);
                    for (guint y = 0; y < w->len; y++) {
                        if (!g_ptr_array_find_with_equal_func(emails, w->pdata[y], g_str_equal, NULL))
                            g_ptr_array_add(emails, w->pdata[y]);
                    }
                    g_ptr_array_free(w, TRUE);
                } else if (strcmp(s->words[0], "notification_email_from") == 0) {
                    if (from == NULL)
                        from = s->words[1];
                } else if (strcmp(s->words[0], "smtp_alert") == 0) {
                    smtp_alert = true;
                } else if (g_hash_table_add(seen, g_strdup(key))) {
                    no_equivalent(k->im, s, NULL);
                }
                g_free(key);
            }
            if (strcmp(g->words[0], "vrrp_instance") == 0 && g->kids && find(g->kids, "smtp_alert"))
                smtp_alert = true;
        }
    }
    if (emails->len == 0)
        goto done;
    a = g_string_new(NULL);
    id = crmctl__import_id(k->im, "mail", NULL);
    g_string_append_printf(a, "alert %s %s/alert_smtp.sh", id, k->im->alerts_dir);
    if (from != NULL) {
        g_string_append(a, " \\\n    attributes");
        crmctl__import_nv(a, "email_sender", from);
    }
    for (guint i = 0; i < emails->len; i++) {
        char *q = crm_syntax_quote(g_ptr_array_index(emails, i));
        g_string_append_printf(a, " \\\n    to %s", q ? q : "?");
        g_free(q);
    }
    crmctl__import_note(k->im, "notification_email: mail through the local sendmail (alert_smtp.sh), "
                        "for every node, fencing and resource event of the cluster, from every node "
                        "that sees it");
    if (smtp_alert) {
        crmctl__import_line(k->im, "%s", a->str);
    } else {
        char **lines = g_strsplit(a->str, "\n", -1);
        char *commented = g_strjoinv("\n# ", lines);
        g_strfreev(lines);
        crmctl__import_note(k->im, "keepalived mailed only for vrrp_instances with smtp_alert, and none "
                            "has it: the alert is left commented out");
        crmctl__import_line(k->im, "# %s", commented);
        g_free(commented);
    }
    g_free(id);
    g_string_free(a, TRUE);
done:
    g_ptr_array_free(emails, TRUE);
    g_hash_table_destroy(seen);
}

/* What decides an instance's placement: its priorities and weights. */
static char *placement_signature(ka_ctx *k, const char *name)
{
    GPtrArray *members = members_of(k, name), *tracks;
    GString *sig = g_string_new(NULL);

    for (guint i = 0; i < members->len; i++) {
        const ka_member *m = g_ptr_array_index(members, i);
        g_string_append_printf(sig, "%s:%ld ", m->node->name, m->priority);
    }
    tracks = members->len ? tracks_of(k, ((ka_member *)g_ptr_array_index(members, 0))->def, true)
                          : g_ptr_array_new();
    for (guint i = 0; i < tracks->len; i++) {
        const ka_track *t = g_ptr_array_index(tracks, i);
        g_string_append_printf(sig, "%s:%ld:%d ", t->script->def->words[1], t->weight, t->reverse);
    }
    g_ptr_array_unref(tracks);
    g_ptr_array_unref(members);
    return g_string_free(sig, FALSE);
}

/* vrrp_sync_group: its instances move together (colocated with the
 * first one). */
static void write_sync_group(ka_ctx *k, const stmt *g)
{
    const stmt *members = find(g->kids, "group");
    GPtrArray *names = block_words(members);
    const char *lead = NULL, *lead_name = NULL;

    crmctl__import_gap(k->im);
    crmctl__import_note(k->im, "---- vrrp_sync_group %s (%s) ----", g->words[1] ? g->words[1] : "?", g->where);
    for (guint i = 0; i < g->kids->len; i++) {
        const stmt *kid = g_ptr_array_index(g->kids, i);
        if (strcmp(kid->words[0], "group") != 0)
            no_equivalent(k->im, kid, NULL);
    }
    for (guint i = 0; i < names->len; i++) {
        const char *rsc = g_hash_table_lookup(k->instances, g_ptr_array_index(names, i));
        char *id;
        if (rsc == NULL) {
            crmctl__import_note(k->im, "%s: no such vrrp_instance with addresses: left out",
                                (char *)g_ptr_array_index(names, i));
        } else if (lead == NULL) {
            lead = rsc;
            lead_name = g_ptr_array_index(names, i);
        } else {
            char *a = placement_signature(k, lead_name), *b = placement_signature(k, g_ptr_array_index(names, i));
            if (strcmp(a, b) != 0)
                crmctl__import_warn(k->im, "%s and %s of %s have different priorities or check weights: "
                                    "colocated, their scores add up, so they move when the sum favours "
                                    "another node; keepalived moved the whole group as soon as one of "
                                    "them would move.  Give them the same priorities and weights to keep "
                                    "its decisions.", lead_name, (char *)g_ptr_array_index(names, i),
                                    g->words[1] ? g->words[1] : "the group");
            g_free(a);
            g_free(b);
            id = crmctl__import_id(k->im, g->words[1] ? g->words[1] : "sync", rsc);
            crmctl__import_line(k->im, "colocation %s inf: %s %s", id, rsc, lead);
            g_free(id);
        }
    }
    g_ptr_array_free(names, TRUE);
}

/* Top-level sections other than the ones imported. */
static void other_section(ka_ctx *k, const stmt *s)
{
    static const struct {
        const char *key;
        const char *why;
    } sections[] = {
        { "virtual_server", "LVS (IPVS) load balancing is outside Vigil: keep keepalived for it "
                            "(without vrrp_instances), or ipvsadm rules in a resource" },
        { "virtual_server_group", "LVS (IPVS) is outside Vigil" },
        { "static_ipaddress", "addresses that never move: configure them in the operating system" },
        { "static_routes", "routes that never move: configure them in the operating system" },
        { "static_rules", "rules that never move: configure them in the operating system" },
        { "vrrp_track_process", "track a health check such as pidof -q PROCESS instead" },
        { "vrrp_track_file", "track a health check that reads the file instead" },
        { "linkbeat_interfaces", "ocf:vigil:IPaddr's monitor checks the link of its interface" },
        { "net_namespace", "run vigild in the namespace instead" },
        { "bfd_instance", "BFD is not supported; corosync's token timeout detects failed nodes" },
    };
    const char *why = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(sections) && why == NULL; i++) {
        if (strcmp(sections[i].key, s->words[0]) == 0)
            why = sections[i].why;
    }
    if (s->words[0][0] == '@')
        why = "keepalived's conditional configuration: give each node's file with the lines for that "
              "node (keepalived -i ID selects them)";
    else if (s->words[0][0] == '$')
        why = "keepalived's parameters ($NAME) are not expanded: give the expanded file";
    no_equivalent(k->im, s, why);
}

/* ----------------------------------------------------------- the import */

/* Read the files: [NODE=]FILE each. */
static int read_nodes(ka_ctx *k, char **args, int n, GPtrArray *errors)
{
    parser ps = { .errors = errors };
    int rc = 0;

    for (int i = 0; i < n && rc == 0; i++) {
        ka_node *node = g_new0(ka_node, 1);
        const char *eq = strchr(args[i], '=');
        if (eq != NULL && eq > args[i] && memchr(args[i], '/', (size_t)(eq - args[i])) == NULL) {
            node->name = g_strndup(args[i], (gsize)(eq - args[i]));
            node->file = g_strdup(eq + 1);
            if (!valid_node_name(node->name)) {
                g_ptr_array_add(errors, g_strdup_printf("'%s' is not a node name (letters, digits, "
                                                        "'-', '_', '.')", node->name));
                rc = VGL_E_INVALID;
            }
        } else {
            node->file = g_strdup(args[i]);
        }
        node->top = stmts_new();
        g_ptr_array_add(k->nodes, node);
        if (rc == 0)
            rc = parse_file(&ps, node->file, node->top, 0);
    }
    return rc;
}

/* Name the nodes that were not named: router_id, else nodeN. */
static int name_nodes(ka_ctx *k, GPtrArray *errors)
{
    for (guint i = 0; i < k->nodes->len; i++) {
        ka_node *n = g_ptr_array_index(k->nodes, i);
        const stmt *rid = find(find(n->top, "global_defs") ? find(n->top, "global_defs")->kids : NULL,
                               "router_id");
        if (n->name == NULL && rid != NULL && valid_node_name(rid->words[1])) {
            n->name = g_strdup(rid->words[1]);
            crmctl__import_note(k->im, "%s is the node whose file is %s (its router_id; give "
                                "NODE=FILE to name it otherwise)", n->name, n->file);
        } else if (n->name == NULL) {
            n->name = g_strdup_printf("node%u", i + 1);
            crmctl__import_note(k->im, "%s is the node whose file is %s (it has no usable router_id: "
                                "give NODE=FILE to use its name in corosync.conf)", n->name, n->file);
        }
        for (guint j = 0; j < i; j++) {
            if (strcmp(((ka_node *)g_ptr_array_index(k->nodes, j))->name, n->name) == 0) {
                g_ptr_array_add(errors, g_strdup_printf("two files describe node %s; name the nodes: "
                                                        "crmctl import keepalived node1=FILE1 "
                                                        "node2=FILE2", n->name));
                return VGL_E_INVALID;
            }
        }
    }
    return 0;
}

/* Every vrrp_script (the first definition of a name wins). */
static void collect_scripts(ka_ctx *k)
{
    for (guint i = 0; i < k->nodes->len; i++) {
        const ka_node *n = g_ptr_array_index(k->nodes, i);
        for (guint j = 0; j < n->top->len; j++) {
            const stmt *s = g_ptr_array_index(n->top, j);
            ka_script *sc;
            const stmt *w;
            if (strcmp(s->words[0], "vrrp_script") != 0 || s->words[1] == NULL || s->kids == NULL)
                continue;
            if (g_hash_table_contains(k->scripts, s->words[1]))
                continue;
            sc = g_new0(ka_script, 1);
            sc->def = s;
            sc->node = n->name;
            w = find(s->kids, "weight");
            sc->weight = CLAMP(arg_long(w, 1, 0), -254, 254);
            sc->reverse = w && w->words[1] && w->words[2] && strcmp(w->words[2], "reverse") == 0;
            g_hash_table_insert(k->scripts, s->words[1], sc);
        }
    }
}

/* The instances, in the order they first appear; and the scripts they
 * track written first. */
static GPtrArray *instance_names(ka_ctx *k)
{
    GPtrArray *names = g_ptr_array_new();

    for (guint i = 0; i < k->nodes->len; i++) {
        const ka_node *n = g_ptr_array_index(k->nodes, i);
        for (guint j = 0; j < n->top->len; j++) {
            const stmt *s = g_ptr_array_index(n->top, j);
            if (strcmp(s->words[0], "vrrp_instance") == 0 && s->words[1] && s->kids
                && !g_ptr_array_find_with_equal_func(names, s->words[1], g_str_equal, NULL))
                g_ptr_array_add(names, s->words[1]);
        }
    }
    return names;
}

static void write_scripts(ka_ctx *k, GPtrArray *names)
{
    GHashTable *used = g_hash_table_new(g_direct_hash, g_direct_equal);

    for (guint i = 0; i < names->len; i++) {
        GPtrArray *m = members_of(k, g_ptr_array_index(names, i));
        GPtrArray *t = tracks_of(k, ((ka_member *)g_ptr_array_index(m, 0))->def, true);
        for (guint j = 0; j < t->len; j++)
            g_hash_table_add(used, ((ka_track *)g_ptr_array_index(t, j))->script);
        g_ptr_array_unref(t);
        g_ptr_array_unref(m);
    }
    for (guint i = 0; i < k->nodes->len; i++) {
        const ka_node *n = g_ptr_array_index(k->nodes, i);
        for (guint j = 0; j < n->top->len; j++) {
            const stmt *s = g_ptr_array_index(n->top, j);
            ka_script *sc = strcmp(s->words[0], "vrrp_script") == 0 && s->words[1]
                          ? g_hash_table_lookup(k->scripts, s->words[1]) : NULL;
            if (sc == NULL || sc->def != s)
                continue;
            if (g_hash_table_contains(used, sc)) {
                write_script(k, sc);
            } else {
                crmctl__import_gap(k->im);
                crmctl__import_note(k->im, "vrrp_script %s (%s): tracked by no vrrp_instance: not "
                                    "imported", s->words[1], s->where);
            }
        }
    }
    g_hash_table_destroy(used);
}

static bool imported_section(const char *kw)
{
    return in_list("global_defs vrrp_script vrrp_instance vrrp_sync_group", kw);
}

int crmctl__import_keepalived(crmctl__import *im, char **args, int n, GPtrArray *errors)
{
    ka_ctx k = { .im = im };
    GPtrArray *names = NULL;
    GString *from = g_string_new(NULL);
    int rc;

    k.nodes = g_ptr_array_new_with_free_func(ka_node_free);
    k.scripts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, ka_script_free);
    k.instances = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (int i = 0; i < n; i++)
        g_string_append_printf(from, " %s", args[i]);
    if ((rc = read_nodes(&k, args, n, errors)) != 0)
        goto done;
    crmctl__import_header(im, "keepalived", from->str);
    if ((rc = name_nodes(&k, errors)) != 0)
        goto done;
    crmctl__import_note(im, "keepalived elects a VRRP master per instance from the priorities; Vigil "
                        "places each instance by location scores: its priority on each node, plus "
                        "the weights of failing checks.  corosync detects failed nodes (its token "
                        "timeout plays advert_int's part)%s", k.nodes->len == 2
                        ? "; with two nodes, corosync.conf needs quorum { two_node: 1 }" : "");
    crmctl__import_fencing(im, "keepalived");
    collect_scripts(&k);
    write_globals(&k);
    names = instance_names(&k);
    write_scripts(&k, names);
    for (guint i = 0; i < names->len; i++)
        write_instance(&k, g_ptr_array_index(names, i));
    for (guint i = 0; i < k.nodes->len; i++) {
        const ka_node *node = g_ptr_array_index(k.nodes, i);
        for (guint j = 0; j < node->top->len; j++) {
            const stmt *s = g_ptr_array_index(node->top, j);
            if (strcmp(s->words[0], "vrrp_sync_group") == 0 && s->kids && i == 0)
                write_sync_group(&k, s);
            else if (!imported_section(s->words[0]) && i == 0)
                other_section(&k, s);
        }
    }
done:
    if (names != NULL)
        g_ptr_array_free(names, TRUE);
    g_string_free(from, TRUE);
    g_hash_table_destroy(k.instances);
    g_hash_table_destroy(k.scripts);
    g_ptr_array_unref(k.nodes);
    return rc;
}
