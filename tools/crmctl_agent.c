/*
 * crmctl_agent.c — 'crmctl agent list|info|test': find, describe and check
 * OCF resource agents without a cluster.
 *
 * list scans OCF_ROOT/resource.d/PROVIDER/TYPE; info runs meta-data and
 * prints its parameters and actions; test drives one agent through the
 * sequence every manager relies on (meta-data, validate-all, a probe, start,
 * monitor at each declared depth, start again, stop, a probe, stop again)
 * and says, step by step, whether the exit code is the one the OCF Resource
 * Agent API requires, with timings.  The point is to catch, on a desk, the
 * agent bugs that otherwise show up as a failover that does not happen: a
 * start that is not idempotent, a stop of a stopped resource that fails, a
 * monitor that says "running" after stop.
 *
 * Agents run the way vigild runs them (DESIGN.md, safety rule 5): fork and
 * exec of the agent itself with g_spawn, parameters only as OCF_RESKEY_*
 * environment variables (never a shell command line), stdin from nowhere,
 * the child in its own process group, killed whole with SIGKILL at the
 * timeout.  Output is captured up to a bound; once the agent has exited we
 * stop waiting for pipes that a daemon it started may still hold.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tools/crmctl.h"
#include "vigil/vigil.h"

#define AGENT_OUTPUT_MAX (1024 * 1024)   /* bytes kept of stdout / stderr */
#define AGENT_DEFAULT_TIMEOUT_MS 20000
#define AGENT_DRAIN_MS 200               /* pipe grace after the agent exits */
#define ID_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-"

enum { OCF_OK = 0, OCF_GENERIC = 1, OCF_NOT_RUNNING = 7, OCF_DEGRADED = 190 };

/* An agent as found on disk. */
struct agent {
    char *path;
    char *provider;
    char *type;
};

/* What one run of an agent gave. */
struct run {
    int rc;              /* exit code; -1 when killed or timed out */
    bool timed_out;
    int64_t elapsed_ms;
    GString *out;
    GString *err;
};

struct ra_param {
    char *name, *type, *dflt, *shortdesc;
    bool required, unique;
};

struct ra_action {
    char *name, *timeout, *interval, *depth;
};

/* Parsed meta-data. */
struct meta {
    char *name, *shortdesc;
    GPtrArray *params;   /* struct ra_param * */
    GPtrArray *actions;  /* struct ra_action * */
};

/* Options shared by the subcommands. */
struct opts {
    const char *ocf_root;
    const char *instance;
    int64_t timeout_ms;  /* 0: from meta-data */
    int max_depth;       /* deepest monitor to test; -1: all declared */
    bool verbose;
};

/* ---- small helpers ---- */

static const char *ocf_rc_name(int rc)
{
    static const char *const names[] = {
        "OCF_SUCCESS", "OCF_ERR_GENERIC", "OCF_ERR_ARGS", "OCF_ERR_UNIMPLEMENTED",
        "OCF_ERR_PERM", "OCF_ERR_INSTALLED", "OCF_ERR_CONFIGURED", "OCF_NOT_RUNNING",
        "OCF_RUNNING_PROMOTED", "OCF_FAILED_PROMOTED",
    };
    if (rc >= 0 && rc < (int)G_N_ELEMENTS(names))
        return names[rc];
    if (rc == 190)
        return "OCF_DEGRADED";
    if (rc == 191)
        return "OCF_DEGRADED_PROMOTED";
    return "(not an OCF code)";
}

static bool is_simple_name(const char *s)
{
    if (s == NULL || *s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    return strchr(s, '/') == NULL;
}

static bool is_param_name(const char *s, size_t len)
{
    if (len == 0 || !(g_ascii_isalpha(s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++) {
        if (!(g_ascii_isalnum(s[i]) || s[i] == '_'))
            return false;
    }
    return true;
}

static bool is_executable_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static void agent_clear(struct agent *a)
{
    g_clear_pointer(&a->path, g_free);
    g_clear_pointer(&a->provider, g_free);
    g_clear_pointer(&a->type, g_free);
}

static void run_clear(struct run *r)
{
    if (r->out != NULL)
        g_string_free(r->out, TRUE);
    if (r->err != NULL)
        g_string_free(r->err, TRUE);
    memset(r, 0, sizeof(*r));
}

/* ---- finding agents ---- */

static int agent_at(const char *root, const char *provider, const char *type, struct agent *a)
{
    char *path = g_build_filename(root, "resource.d", provider, type, NULL);

    if (!is_executable_file(path)) {
        g_free(path);
        return -ENOENT;
    }
    a->path = path;
    a->provider = g_strdup(provider);
    a->type = g_strdup(type);
    return 0;
}

static gint str_ptr_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Providers under ROOT/resource.d, sorted, vigil and heartbeat first. */
static GPtrArray *providers_list(const char *root)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    char *dir = g_build_filename(root, "resource.d", NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        char *p = g_build_filename(dir, name, NULL);
        if (name[0] != '.' && g_file_test(p, G_FILE_TEST_IS_DIR))
            g_ptr_array_add(out, g_strdup(name));
        g_free(p);
    }
    if (d != NULL)
        g_dir_close(d);
    g_free(dir);
    g_ptr_array_sort(out, str_ptr_cmp);
    return out;
}

/* Resolve ocf:PROVIDER:TYPE, PROVIDER:TYPE, TYPE (vigil, then heartbeat,
 * then any provider) or a path.  0, -EINVAL (malformed) or -ENOENT. */
static int agent_find(const char *root, const char *spec, struct agent *a)
{
    char **parts = NULL;
    int rc = -ENOENT;

    memset(a, 0, sizeof(*a));
    if (strchr(spec, '/') != NULL && !g_str_has_prefix(spec, "ocf:")) {
        if (!is_executable_file(spec))
            return -ENOENT;
        char *dir = g_path_get_dirname(spec);
        a->path = g_strdup(spec);
        a->type = g_path_get_basename(spec);
        a->provider = g_path_get_basename(dir);
        g_free(dir);
        return 0;
    }
    if (g_str_has_prefix(spec, "ocf:"))
        spec += 4;
    parts = g_strsplit(spec, ":", -1);
    guint n = g_strv_length(parts);
    if (n == 2 && is_simple_name(parts[0]) && is_simple_name(parts[1])) {
        rc = agent_at(root, parts[0], parts[1], a);
    } else if (n == 1 && is_simple_name(parts[0])) {
        const char *first[] = { "vigil", "heartbeat" };
        for (size_t i = 0; i < G_N_ELEMENTS(first) && rc != 0; i++)
            rc = agent_at(root, first[i], parts[0], a);
        GPtrArray *provs = providers_list(root);
        for (guint i = 0; i < provs->len && rc != 0; i++)
            rc = agent_at(root, provs->pdata[i], parts[0], a);
        g_ptr_array_free(provs, TRUE);
    } else {
        rc = -EINVAL;
    }
    g_strfreev(parts);
    return rc;
}

/* ---- running an agent ---- */

static void child_setup(gpointer data)
{
    (void)data;
    setpgid(0, 0);
}

/* Environment for one call: ours minus any OCF_* variable, plus the OCF
 * calling convention and the parameters.  Caller frees with g_strfreev(). */
static char **agent_env(const struct opts *o, const struct agent *a, const char *action,
                        char **params, int64_t timeout_ms, int depth)
{
    char **env = g_get_environ();
    char **keys = g_listenv();
    char buf[32];

    for (char **k = keys; *k != NULL; k++) {
        if (g_str_has_prefix(*k, "OCF_"))
            env = g_environ_unsetenv(env, *k);
    }
    g_strfreev(keys);
    env = g_environ_setenv(env, "OCF_ROOT", o->ocf_root, TRUE);
    env = g_environ_setenv(env, "OCF_RA_VERSION_MAJOR", "1", TRUE);
    env = g_environ_setenv(env, "OCF_RA_VERSION_MINOR", "1", TRUE);
    env = g_environ_setenv(env, "OCF_RESOURCE_INSTANCE", o->instance, TRUE);
    env = g_environ_setenv(env, "OCF_RESOURCE_TYPE", a->type, TRUE);
    env = g_environ_setenv(env, "OCF_RESOURCE_PROVIDER", a->provider, TRUE);
    if (strcmp(action, "monitor") == 0) {
        g_snprintf(buf, sizeof(buf), "%d", depth);
        env = g_environ_setenv(env, "OCF_CHECK_LEVEL", buf, TRUE);
    }
    g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, timeout_ms);
    env = g_environ_setenv(env, "OCF_RESKEY_CRM_meta_timeout", buf, TRUE);
    env = g_environ_setenv(env, "OCF_RESKEY_CRM_meta_interval", "0", TRUE);
    for (char **p = params; p != NULL && *p != NULL; p++) {
        const char *eq = strchr(*p, '=');
        char *key = g_strdup_printf("OCF_RESKEY_%.*s", (int)(eq - *p), *p);
        env = g_environ_setenv(env, key, eq + 1, TRUE);
        g_free(key);
    }
    return env;
}

/* Append what is readable on FD to BUF (bounded); false at EOF or error. */
static bool drain_fd(int fd, GString *buf)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    if (buf->len < AGENT_OUTPUT_MAX)
        g_string_append_len(buf, chunk, MIN((gsize)n, AGENT_OUTPUT_MAX - buf->len));
    return true;
}

/* Read both pipes until EOF, the child's exit (plus a short grace), or the
 * deadline; reap the child; kill its process group at the deadline. */
static void agent_wait(GPid pid, int fds[2], int64_t deadline_us, struct run *r)
{
    struct pollfd pfd[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
    GString *bufs[2] = { r->out, r->err };
    int status = 0, open_fds = 2;
    int64_t exited_at = 0;

    while (open_fds > 0 || exited_at == 0) {
        int64_t now = g_get_monotonic_time();
        if (exited_at == 0 && waitpid(pid, &status, WNOHANG) == pid)
            exited_at = now;
        if (exited_at != 0 && now - exited_at > AGENT_DRAIN_MS * 1000)
            break;
        if (exited_at == 0 && now >= deadline_us) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            r->timed_out = true;
            break;
        }
        if (poll(pfd, 2, 10) > 0) {
            for (int i = 0; i < 2; i++) {
                if (pfd[i].fd >= 0 && pfd[i].revents != 0 && !drain_fd(pfd[i].fd, bufs[i])) {
                    pfd[i].fd = -1;
                    open_fds--;
                }
            }
        }
    }
    r->rc = (!r->timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
}

/* Run AGENT ACTION; the result is in *r (caller clears with run_clear()).
 * Returns 0, or -errno when the agent could not be started at all. */
static int agent_run(const struct opts *o, const struct agent *a, const char *action,
                     char **params, int64_t timeout_ms, int depth, struct run *r)
{
    char *argv[] = { a->path, (char *)action, NULL };
    char **env = agent_env(o, a, action, params, timeout_ms, depth);
    int in_fd = -1, fds[2] = { -1, -1 };
    GError *error = NULL;
    GPid pid;
    int rc = 0;

    memset(r, 0, sizeof(*r));
    r->out = g_string_new(NULL);
    r->err = g_string_new(NULL);
    r->rc = -1;
    int64_t start = g_get_monotonic_time();
    if (!g_spawn_async_with_pipes(NULL, argv, env, G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
                                  &pid, &in_fd, &fds[0], &fds[1], &error)) {
        g_string_assign(r->err, error->message);
        g_error_free(error);
        rc = -ENOEXEC;
        goto done;
    }
    close(in_fd);
    agent_wait(pid, fds, start + timeout_ms * 1000, r);
    close(fds[0]);
    close(fds[1]);
    g_spawn_close_pid(pid);
done:
    r->elapsed_ms = (g_get_monotonic_time() - start) / 1000;
    g_strfreev(env);
    return rc;
}

/* ---- meta-data ---- */

static char *xml_prop(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v != NULL ? g_strdup((const char *)v) : NULL;

    xmlFree(v);
    return s;
}

static xmlNode *xml_child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n != NULL ? n->children : NULL; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, (const xmlChar *)name) == 0)
            return c;
    }
    return NULL;
}

/* The text of child NAME, whitespace collapsed; NULL when absent. */
static char *xml_child_text(xmlNode *n, const char *name)
{
    xmlNode *c = xml_child(n, name);
    xmlChar *t = c != NULL ? xmlNodeGetContent(c) : NULL;
    char *s;

    if (t == NULL)
        return NULL;
    char **words = g_strsplit_set((const char *)t, " \t\r\n", -1);
    GString *out = g_string_new(NULL);
    for (char **w = words; *w != NULL; w++) {
        if (**w != '\0')
            g_string_append_printf(out, "%s%s", out->len > 0 ? " " : "", *w);
    }
    g_strfreev(words);
    xmlFree(t);
    s = g_string_free(out, FALSE);
    return s;
}

static void ra_param_free(gpointer p)
{
    struct ra_param *rp = p;
    g_free(rp->name);
    g_free(rp->type);
    g_free(rp->dflt);
    g_free(rp->shortdesc);
    g_free(rp);
}

static void ra_action_free(gpointer p)
{
    struct ra_action *ra = p;
    g_free(ra->name);
    g_free(ra->timeout);
    g_free(ra->interval);
    g_free(ra->depth);
    g_free(ra);
}

static void meta_clear(struct meta *m)
{
    g_clear_pointer(&m->name, g_free);
    g_clear_pointer(&m->shortdesc, g_free);
    g_clear_pointer(&m->params, g_ptr_array_unref);
    g_clear_pointer(&m->actions, g_ptr_array_unref);
}

static void meta_read_params(xmlNode *params, struct meta *m)
{
    for (xmlNode *c = params != NULL ? params->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, (const xmlChar *)"parameter") != 0)
            continue;
        struct ra_param *p = g_new0(struct ra_param, 1);
        char *req = xml_prop(c, "required"), *uniq = xml_prop(c, "unique");
        xmlNode *content = xml_child(c, "content");
        p->name = xml_prop(c, "name");
        p->required = g_strcmp0(req, "1") == 0 || g_strcmp0(req, "true") == 0;
        p->unique = g_strcmp0(uniq, "1") == 0 || g_strcmp0(uniq, "true") == 0;
        p->type = content != NULL ? xml_prop(content, "type") : NULL;
        p->dflt = content != NULL ? xml_prop(content, "default") : NULL;
        p->shortdesc = xml_child_text(c, "shortdesc");
        g_free(req);
        g_free(uniq);
        if (p->name == NULL)
            ra_param_free(p);
        else
            g_ptr_array_add(m->params, p);
    }
}

static void meta_read_actions(xmlNode *actions, struct meta *m)
{
    for (xmlNode *c = actions != NULL ? actions->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, (const xmlChar *)"action") != 0)
            continue;
        struct ra_action *a = g_new0(struct ra_action, 1);
        a->name = xml_prop(c, "name");
        a->timeout = xml_prop(c, "timeout");
        a->interval = xml_prop(c, "interval");
        a->depth = xml_prop(c, "depth");
        if (a->name == NULL)
            ra_action_free(a);
        else
            g_ptr_array_add(m->actions, a);
    }
}

/* Parse meta-data TEXT into *m (caller clears with meta_clear()).
 * 0, or -EINVAL with *why set to a static description of the problem. */
static int meta_parse(const GString *text, struct meta *m, const char **why)
{
    xmlDoc *doc = NULL;
    xmlNode *root;
    int rc = 0;

    memset(m, 0, sizeof(*m));
    m->params = g_ptr_array_new_with_free_func(ra_param_free);
    m->actions = g_ptr_array_new_with_free_func(ra_action_free);
    *why = NULL;
    if (text->len > INT_MAX)
        goto invalid;
    doc = xmlReadMemory(text->str, (int)text->len, "meta-data", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        *why = "meta-data is not well-formed XML";
        goto invalid;
    }
    root = xmlDocGetRootElement(doc);
    if (root == NULL || xmlStrcmp(root->name, (const xmlChar *)"resource-agent") != 0) {
        *why = "meta-data's root element is not <resource-agent>";
        goto invalid;
    }
    m->name = xml_prop(root, "name");
    m->shortdesc = xml_child_text(root, "shortdesc");
    meta_read_params(xml_child(root, "parameters"), m);
    meta_read_actions(xml_child(root, "actions"), m);
    if (xml_child(root, "actions") == NULL) {
        *why = "meta-data has no <actions>";
        goto invalid;
    }
    goto done;
invalid:
    if (*why == NULL)
        *why = "meta-data is too large";
    rc = -EINVAL;
done:
    if (doc != NULL)
        xmlFreeDoc(doc);
    return rc;
}

/* The declared action NAME (at DEPTH for monitor; any depth when < 0). */
static const struct ra_action *meta_action(const struct meta *m, const char *name, int depth)
{
    for (guint i = 0; m->actions != NULL && i < m->actions->len; i++) {
        const struct ra_action *a = m->actions->pdata[i];
        int d = a->depth != NULL ? atoi(a->depth) : 0;
        if (strcmp(a->name, name) == 0 && (depth < 0 || d == depth))
            return a;
    }
    return NULL;
}

static gint int_cmp(gconstpointer a, gconstpointer b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

/* Distinct monitor depths declared up to MAX_DEPTH (-1: all), ascending;
 * always holds 0.  Caller frees with g_array_free(). */
static GArray *meta_depths(const struct meta *m, int max_depth)
{
    GArray *depths = g_array_new(FALSE, FALSE, sizeof(int));
    int zero = 0;

    g_array_append_val(depths, zero);
    for (guint i = 0; m->actions != NULL && i < m->actions->len; i++) {
        const struct ra_action *a = m->actions->pdata[i];
        int d = a->depth != NULL ? atoi(a->depth) : 0;
        bool seen = false;
        if (strcmp(a->name, "monitor") != 0 || d <= 0 || d > 1000 || (max_depth >= 0 && d > max_depth))
            continue;
        for (guint j = 0; j < depths->len; j++)
            seen = seen || g_array_index(depths, int, j) == d;
        if (!seen)
            g_array_append_val(depths, d);
    }
    g_array_sort(depths, int_cmp);
    return depths;
}

/* ---- command line ---- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: crmctl agent list [--ocf-root DIR]\n"
            "       crmctl agent info [--ocf-root DIR] AGENT\n"
            "       crmctl agent test [--ocf-root DIR] [--timeout SECONDS] [--id NAME] [--max-depth N]\n"
            "                         [--verbose] AGENT [NAME=VALUE ...]\n"
            "\n"
            "AGENT is ocf:PROVIDER:TYPE, PROVIDER:TYPE, TYPE or the path of an agent.\n"
            "list    every OCF agent under OCF_ROOT/resource.d, as ocf:PROVIDER:TYPE\n"
            "info    the agent's parameters and actions, from its meta-data\n"
            "test    run the agent through meta-data, validate-all, monitor (expect 7),\n"
            "        start, monitor at each declared depth (expect 0), start again,\n"
            "        stop, monitor (expect 7) and stop again, and check each exit code\n"
            "        against the OCF Resource Agent API; parameters go to the agent as\n"
            "        OCF_RESKEY_NAME.  Exit 0 only when every step conforms.\n"
            "\n"
            "--ocf-root DIR    OCF root (default: $OCF_ROOT, else %s)\n"
            "--timeout SECONDS per-action timeout (default: the agent's meta-data, else 20)\n"
            "--id NAME         OCF_RESOURCE_INSTANCE (default: agent-test)\n"
            "--max-depth N     test monitor depths up to N only (default: every declared depth)\n"
            "--verbose         show every step's stderr\n"
            "\nExample: crmctl agent test ocf:vigil:IPaddr ip=192.0.2.100 cidr_netmask=24\n",
            VGL_OCF_ROOT_DEFAULT);
}

/* Parse options into *o; returns the index of the first operand, -1 after
 * printing a usage error, -2 after printing the help. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    const char *env_root = getenv("OCF_ROOT");
    int i;

    o->ocf_root = env_root != NULL && *env_root != '\0' ? env_root : VGL_OCF_ROOT_DEFAULT;
    o->instance = "agent-test";
    o->max_depth = -1;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            usage(stdout);
            return -2;
        }
        if (strcmp(opt, "--verbose") == 0 || strcmp(opt, "-v") == 0) {
            o->verbose = true;
            continue;
        }
        if (strcmp(opt, "--ocf-root") != 0 && strcmp(opt, "--timeout") != 0 && strcmp(opt, "--id") != 0 &&
            strcmp(opt, "--max-depth") != 0) {
            fprintf(stderr, "crmctl agent: unknown option '%s'\n", opt);
            return -1;
        }
        if (val == NULL) {
            fprintf(stderr, "crmctl agent: option '%s' needs a value\n", opt);
            return -1;
        }
        i++;
        if (strcmp(opt, "--ocf-root") == 0) {
            o->ocf_root = val;
        } else if (strcmp(opt, "--id") == 0) {
            o->instance = val;
        } else if (strcmp(opt, "--max-depth") == 0) {
            char *end = NULL;
            long d = strtol(val, &end, 10);
            if (end == val || *end != '\0' || d < 0 || d > 1000) {
                fprintf(stderr, "crmctl agent: --max-depth '%s' is not a depth 0-1000\n", val);
                return -1;
            }
            o->max_depth = (int)d;
        } else if (vgl_duration_parse_ms(val, &o->timeout_ms) != 0 || o->timeout_ms <= 0 ||
                   o->timeout_ms > 3600 * 1000) {
            fprintf(stderr, "crmctl agent: --timeout '%s' is not a duration between 1ms and 1h\n", val);
            return -1;
        }
    }
    if (*o->instance == '\0' || strspn(o->instance, ID_CHARS) != strlen(o->instance)) {
        fprintf(stderr, "crmctl agent: --id '%s' is not a resource id (letters, digits, '_.:-')\n",
                o->instance);
        return -1;
    }
    return i;
}

/* Find AGENT, printing why not; a crmctl exit code. */
static int find_or_complain(const struct opts *o, const char *spec, struct agent *a)
{
    int rc = agent_find(o->ocf_root, spec, a);

    if (rc == -EINVAL) {
        fprintf(stderr, "crmctl agent: '%s' is not ocf:PROVIDER:TYPE, PROVIDER:TYPE, TYPE or a path\n", spec);
        return CRMCTL_USAGE;
    }
    if (rc != 0) {
        fprintf(stderr, "crmctl agent: no executable agent '%s' under %s/resource.d\n", spec, o->ocf_root);
        return CRMCTL_NOT_FOUND;
    }
    return CRMCTL_OK;
}

/* ---- list ---- */

static int cmd_list(const struct opts *o, int argc, char **argv)
{
    char *dir = g_build_filename(o->ocf_root, "resource.d", NULL);
    GPtrArray *provs;

    if (argc > 0) {
        fprintf(stderr, "crmctl agent list: unexpected argument '%s'\n", argv[0]);
        g_free(dir);
        return CRMCTL_USAGE;
    }
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, "crmctl agent list: %s is not a directory (set --ocf-root)\n", dir);
        g_free(dir);
        return CRMCTL_NOT_FOUND;
    }
    provs = providers_list(o->ocf_root);
    for (guint i = 0; i < provs->len; i++) {
        char *pdir = g_build_filename(dir, provs->pdata[i], NULL);
        struct dirent **ents = NULL;
        int n = scandir(pdir, &ents, NULL, alphasort);
        for (int j = 0; j < n; j++) {
            char *path = g_build_filename(pdir, ents[j]->d_name, NULL);
            if (ents[j]->d_name[0] != '.' && is_executable_file(path))
                printf("ocf:%s:%s\n", (char *)provs->pdata[i], ents[j]->d_name);
            g_free(path);
            free(ents[j]);
        }
        free(ents);
        g_free(pdir);
    }
    g_ptr_array_free(provs, TRUE);
    g_free(dir);
    return CRMCTL_OK;
}

/* ---- info ---- */

static int64_t action_timeout_ms(const struct opts *o, const struct meta *m, const char *name, int depth)
{
    const struct ra_action *a = m != NULL ? meta_action(m, name, depth) : NULL;
    int64_t ms = 0;

    if (o->timeout_ms > 0)
        return o->timeout_ms;
    if (a == NULL && m != NULL && depth >= 0)
        a = meta_action(m, name, -1);
    if (a != NULL && a->timeout != NULL && vgl_duration_parse_ms(a->timeout, &ms) == 0 && ms > 0)
        return MIN(ms, (int64_t)3600 * 1000);
    return AGENT_DEFAULT_TIMEOUT_MS;
}

/* Run meta-data and parse it; prints the problem and returns a crmctl code. */
static int load_meta(const struct opts *o, const struct agent *a, struct meta *m, struct run *r)
{
    const char *why = NULL;

    memset(m, 0, sizeof(*m));
    if (agent_run(o, a, "meta-data", NULL, action_timeout_ms(o, NULL, "meta-data", -1), 0, r) != 0) {
        fprintf(stderr, "crmctl agent: cannot run %s: %s\n", a->path, r->err->str);
        return CRMCTL_ERROR;
    }
    if (r->rc != OCF_OK) {
        fprintf(stderr, "crmctl agent: %s meta-data exited %d (%s)%s\n", a->path, r->rc,
                ocf_rc_name(r->rc), r->timed_out ? ", timed out" : "");
        return CRMCTL_ERROR;
    }
    if (meta_parse(r->out, m, &why) != 0) {
        fprintf(stderr, "crmctl agent: %s: %s\n", a->path, why);
        return CRMCTL_INVALID;
    }
    return CRMCTL_OK;
}

static void print_info(const struct agent *a, const struct meta *m)
{
    printf("ocf:%s:%s - %s\n\nParameters (* required, + unique):\n", a->provider, a->type,
           m->shortdesc != NULL ? m->shortdesc : "(no description)");
    for (guint i = 0; i < m->params->len; i++) {
        const struct ra_param *p = m->params->pdata[i];
        char *dflt = p->dflt != NULL ? g_strdup_printf("default \"%s\"", p->dflt) : g_strdup("");
        printf("  %-22s %-2s %-8s %-28s %s\n", p->name,
               p->required ? (p->unique ? "*+" : "*") : (p->unique ? "+" : ""),
               p->type != NULL ? p->type : "?", dflt, p->shortdesc != NULL ? p->shortdesc : "");
        g_free(dflt);
    }
    if (m->params->len == 0)
        printf("  (none)\n");
    printf("\nActions:\n");
    for (guint i = 0; i < m->actions->len; i++) {
        const struct ra_action *ac = m->actions->pdata[i];
        printf("  %-14s timeout %-6s", ac->name, ac->timeout != NULL ? ac->timeout : "-");
        if (ac->interval != NULL)
            printf(" interval %-6s", ac->interval);
        if (ac->depth != NULL)
            printf(" depth %s", ac->depth);
        printf("\n");
    }
}

static int cmd_info(const struct opts *o, int argc, char **argv)
{
    struct agent a = { 0 };
    struct meta m = { 0 };
    struct run r = { 0 };
    int rc;

    if (argc != 1) {
        fprintf(stderr, "crmctl agent info: give exactly one AGENT\n");
        return CRMCTL_USAGE;
    }
    rc = find_or_complain(o, argv[0], &a);
    if (rc != CRMCTL_OK)
        goto done;
    rc = load_meta(o, &a, &m, &r);
    if (rc == CRMCTL_OK)
        print_info(&a, &m);
done:
    run_clear(&r);
    meta_clear(&m);
    agent_clear(&a);
    return rc;
}

/* ---- test ---- */

/* The state of one `agent test` run. */
struct tester {
    const struct opts *o;
    const struct agent *a;
    struct meta m;
    bool have_meta;
    char **params;
    int steps, failures;
};

/* The exit reason an agent gave (Pacemaker's "ocf-exit-reason:" line). */
static char *exit_reason(const GString *err)
{
    const char *p = strstr(err->str, "ocf-exit-reason:");
    const char *end;

    if (p == NULL)
        return NULL;
    p += strlen("ocf-exit-reason:");
    end = strchr(p, '\n');
    return g_strndup(p, end != NULL ? (gsize)(end - p) : strlen(p));
}

static void print_stderr_tail(const GString *err, int max_lines)
{
    char **lines = g_strsplit(err->str, "\n", -1);
    int n = (int)g_strv_length(lines);

    while (n > 0 && lines[n - 1][0] == '\0')
        n--;
    for (int i = MAX(0, n - max_lines); i < n; i++)
        printf("        | %s\n", lines[i]);
    g_strfreev(lines);
}

/* Run one step and report it; true when it conforms. */
static bool step(struct tester *t, const char *label, const char *action, int depth, int expect,
                 struct run *keep)
{
    struct run r;
    int64_t timeout = action_timeout_ms(t->o, t->have_meta ? &t->m : NULL, action, depth);
    char got[64];
    bool ok;

    bool spawned = agent_run(t->o, t->a, action, t->params, timeout, depth, &r) == 0;
    ok = spawned && !r.timed_out && (r.rc == expect || (expect == OCF_OK && r.rc == OCF_DEGRADED &&
                                             strcmp(action, "monitor") == 0));
    t->steps++;
    if (!spawned)
        g_snprintf(got, sizeof(got), "could not be run");
    else if (r.timed_out)
        g_snprintf(got, sizeof(got), "timed out (%" G_GINT64_FORMAT " ms)", timeout);
    else if (r.rc < 0)
        g_snprintf(got, sizeof(got), "killed by a signal");
    else
        g_snprintf(got, sizeof(got), "%s (%d)", ocf_rc_name(r.rc), r.rc);
    printf("  %2d %-20s %-28s %-4s %6" G_GINT64_FORMAT " ms", t->steps, label, got, ok ? "ok" : "FAIL",
           r.elapsed_ms);
    if (!ok)
        printf("   expected %s (%d)", ocf_rc_name(expect), expect);
    printf("\n");
    if (!ok) {
        char *why = exit_reason(r.err);
        if (why != NULL)
            printf("        reason: %s\n", why);
        g_free(why);
        t->failures++;
    }
    if (!ok || t->o->verbose)
        print_stderr_tail(r.err, t->o->verbose ? 1000 : 5);
    if (keep != NULL)
        *keep = r;
    else
        run_clear(&r);
    return ok;
}

/* Step 1: meta-data, exit 0 and parseable; notes on what it lacks. */
static void step_meta(struct tester *t)
{
    struct run r;
    const char *why = NULL;
    const char *needed[] = { "start", "stop", "monitor", "meta-data" };

    if (!step(t, "meta-data", "meta-data", 0, OCF_OK, &r))
        goto done;
    if (meta_parse(r.out, &t->m, &why) != 0) {
        printf("        meta-data does not conform: %s\n", why);
        t->failures++;
        meta_clear(&t->m);
        goto done;
    }
    t->have_meta = true;
    for (size_t i = 0; i < G_N_ELEMENTS(needed); i++) {
        if (meta_action(&t->m, needed[i], -1) == NULL) {
            printf("        meta-data does not declare the required action '%s'\n", needed[i]);
            t->failures++;
        }
    }
    for (guint i = 0; i < t->m.params->len; i++) {
        const struct ra_param *p = t->m.params->pdata[i];
        bool given = false;
        for (char **q = t->params; *q != NULL && !given; q++)
            given = g_str_has_prefix(*q, p->name) && (*q)[strlen(p->name)] == '=';
        if (p->required && !given)
            printf("        note: required parameter '%s' is not given\n", p->name);
    }
done:
    run_clear(&r);
}

static void run_sequence(struct tester *t)
{
    GArray *depths;

    step_meta(t);
    if (!step(t, "validate-all", "validate-all", 0, OCF_OK, NULL)) {
        printf("        validate-all failed: not starting the agent\n");
        return;
    }
    step(t, "monitor (probe)", "monitor", 0, OCF_NOT_RUNNING, NULL);
    bool started = step(t, "start", "start", 0, OCF_OK, NULL);
    depths = t->have_meta ? meta_depths(&t->m, t->o->max_depth) : NULL;
    for (guint i = 0; started && depths != NULL && i < depths->len; i++) {
        int d = g_array_index(depths, int, i);
        char *label = g_strdup_printf("monitor (depth %d)", d);
        step(t, label, "monitor", d, OCF_OK, NULL);
        g_free(label);
    }
    if (started && depths == NULL)
        step(t, "monitor (depth 0)", "monitor", 0, OCF_OK, NULL);
    if (depths != NULL)
        g_array_free(depths, TRUE);
    if (started)
        step(t, "start again", "start", 0, OCF_OK, NULL);
    step(t, "stop", "stop", 0, OCF_OK, NULL);
    step(t, "monitor (stopped)", "monitor", 0, OCF_NOT_RUNNING, NULL);
    step(t, "stop again", "stop", 0, OCF_OK, NULL);
}

static int check_params(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (eq == NULL || !is_param_name(argv[i], (size_t)(eq - argv[i]))) {
            fprintf(stderr, "crmctl agent test: '%s' is not NAME=VALUE with NAME a parameter name\n", argv[i]);
            return CRMCTL_USAGE;
        }
    }
    return CRMCTL_OK;
}

static int cmd_test(const struct opts *o, int argc, char **argv)
{
    struct agent a = { 0 };
    struct tester t = { 0 };
    int rc;

    if (argc < 1) {
        fprintf(stderr, "crmctl agent test: give an AGENT\n");
        return CRMCTL_USAGE;
    }
    rc = check_params(argc - 1, argv + 1);
    if (rc == CRMCTL_OK)
        rc = find_or_complain(o, argv[0], &a);
    if (rc != CRMCTL_OK)
        goto done;
    t.o = o;
    t.a = &a;
    t.params = g_new0(char *, (gsize)argc);
    for (int i = 1; i < argc; i++)
        t.params[i - 1] = argv[i];
    printf("crmctl agent test ocf:%s:%s (%s), instance %s\n", a.provider, a.type, a.path, o->instance);
    run_sequence(&t);
    printf("%s: %d of %d steps conform to the OCF Resource Agent API\n",
           t.failures == 0 ? "PASS" : "FAIL", t.steps - t.failures, t.steps);
    rc = t.failures == 0 ? CRMCTL_OK : CRMCTL_ERROR;
    g_free(t.params);
    if (t.have_meta)
        meta_clear(&t.m);
done:
    agent_clear(&a);
    return rc;
}

int crmctl_agent_main(int argc, char **argv)
{
    struct opts o = { 0 };
    const char *sub;
    int first;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CRMCTL_USAGE : CRMCTL_OK;
    }
    sub = argv[1];
    first = parse_opts(argc - 1, argv + 1, &o);
    if (first < 0)
        return first == -2 ? CRMCTL_OK : CRMCTL_USAGE;
    argc -= first + 1;
    argv += first + 1;
    if (strcmp(sub, "list") == 0)
        return cmd_list(&o, argc, argv);
    if (strcmp(sub, "info") == 0)
        return cmd_info(&o, argc, argv);
    if (strcmp(sub, "test") == 0)
        return cmd_test(&o, argc, argv);
    fprintf(stderr, "crmctl agent: unknown subcommand '%s' (list, info, test)\n", sub);
    return CRMCTL_USAGE;
}
