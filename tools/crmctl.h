/*
 * crmctl.h — what crmctl's command files share.  crmctl.c dispatches on the
 * first word; each command family lives in its own crmctl_WORD.c with one
 * entry point (argv[0] is the family name) and, for most, a table of
 * subcommands run by crmctl_family_main().  crmctl_common.c holds the rest
 * of this header: options, the connection to vigild, requests, changes,
 * errors that say what to do next, and JSON output.
 *
 * Conventions for every command: --help prints usage, what it does and
 * examples; --json prints one JSON document on stdout (errors too, as
 * {"error": ..., "exit_code": ...}); messages for people go to stderr when
 * they are errors and to stdout otherwise; the exit code is one of
 * enum crmctl_exit.
 */
#ifndef VGL_CRMCTL_H
#define VGL_CRMCTL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <vigil/vigil.h>

/* Exit codes, documented in crmctl --help and the man page. */
enum crmctl_exit {
    CRMCTL_OK = 0,
    CRMCTL_ERROR = 1,        /* the operation failed (details printed) */
    CRMCTL_USAGE = 2,        /* bad command line */
    CRMCTL_NOT_FOUND = 3,    /* no such resource, node, constraint, file */
    CRMCTL_PERM = 4,         /* permission denied */
    CRMCTL_UNAVAILABLE = 5,  /* the cluster (vigild) cannot be reached, or has no quorum */
    CRMCTL_INVALID = 6,      /* the input (configuration, CIB) is invalid */
};

int crmctl_status_main(int argc, char **argv);
int crmctl_resource_main(int argc, char **argv);
int crmctl_node_main(int argc, char **argv);
int crmctl_constraint_main(int argc, char **argv);
int crmctl_property_main(int argc, char **argv);
int crmctl_config_main(int argc, char **argv);
int crmctl_configure_main(int argc, char **argv);
int crmctl_fence_main(int argc, char **argv);
int crmctl_simulate_main(int argc, char **argv);
int crmctl_agent_main(int argc, char **argv);
int crmctl_import_main(int argc, char **argv);

/* ---------------------------------------------------------- options */

/* Options a subcommand may accept (crmctl_cmd.opts). */
enum crmctl_opt {
    OPT_JSON = 1 << 0,     /* --json */
    OPT_CIB = 1 << 1,      /* --cib FILE: read a CIB file instead of asking vigild */
    OPT_WAIT = 1 << 2,     /* --wait: follow the cluster until it is done */
    OPT_LIFETIME = 1 << 3, /* --lifetime DURATION */
    OPT_NODE = 1 << 4,     /* --node NODE */
    OPT_YES = 1 << 5,      /* --yes: do not ask */
    OPT_FORCE = 1 << 6,    /* --force */
    OPT_DRY_RUN = 1 << 7,  /* --dry-run: validate only */
    OPT_XML = 1 << 8,      /* --xml */
    OPT_META = 1 << 9,     /* --meta */
    OPT_DELETE = 1 << 10,  /* --delete */
    OPT_UPDATE = 1 << 11,  /* --update */
    OPT_ONE_LINE = 1 << 12,/* --one-line */
    OPT_GROUP = 1 << 13,   /* --group GROUP */
    OPT_REBOOT = 1 << 14,  /* --reboot: transient (until the node restarts) */
    OPT_WIDTH = 1 << 15,   /* --width N */
    OPT_RAW = 1 << 16,     /* not an option: options only come before the
                              arguments (which may look like -inf:) */
};

typedef struct crmctl_opts {
    unsigned given;        /* OPT_* seen on the command line */
    bool json, wait, yes, force, dry_run, xml, meta, del, update, one_line, reboot;
    const char *cib_file;
    const char *lifetime;
    const char *node;
    const char *group;
    int timeout_ms;        /* --timeout SECONDS (every command) */
    bool timeout_given;
    unsigned width;        /* 0: the terminal's, or 80 */
    int argc;              /* positional arguments after the subcommand */
    char **argv;
} crmctl_opts;

/* A subcommand: the table entry crmctl_family_main() runs. */
typedef struct crmctl_cmd {
    const char *name;
    const char *args;      /* "RSC [NODE]" for the usage line */
    const char *summary;   /* one line for the family's list */
    const char *help;      /* what it does, options, examples (may be NULL) */
    unsigned opts;         /* OPT_* it accepts besides --help and --timeout */
    int min_args, max_args;/* positional arguments; max < 0: no limit */
    int (*run)(const crmctl_opts *o);
} crmctl_cmd;

/* Run FAMILY's subcommand named by argv[1] from [in] cmds (n entries):
 * --help and "help", option parsing, argument counts (usage errors name
 * what is wrong).  [in] raw: stop option parsing at the first positional
 * argument (configure: statements may contain words like -inf:). */
int crmctl_family_main(const char *family, const char *summary, const crmctl_cmd *cmds, size_t n,
                       int argc, char **argv);

/* Parse the options of one command (argv[0] is its name) into [out] o.
 * Returns CRMCTL_OK, or CRMCTL_USAGE after printing what is wrong;
 * [out] *help is set when --help was given. */
int crmctl_parse(int argc, char **argv, unsigned allowed, bool raw, crmctl_opts *o, bool *help);

/* ------------------------------------------------------------ talking */

typedef struct vgl_client vgl_client;

/* The connection to vigild, opened on first use (the service name can be
 * changed with the environment variable VIGIL_SERVICE).  Returns
 * CRMCTL_OK and [out] *c, or an exit code after printing why. */
int crmctl_client(const crmctl_opts *o, vgl_client **c);

/* Send request TYPE with FIELDS (floating reference consumed; NULL for
 * none) and wait for the reply ([out] *reply, may be NULL; caller unrefs).
 * On failure prints the error with advice (prefixed by [in] what, e.g.
 * "move vip") and returns its exit code. */
int crmctl_request(const crmctl_opts *o, uint32_t type, GVariant *fields, const char *what,
                   GVariant **reply);

/* The whole CIB ([out] *xml, caller g_frees) and the STATUS reply ([out]
 * *status, NULL with --cib; caller unrefs; either out may be NULL). */
int crmctl_fetch(const crmctl_opts *o, char **xml, GVariant **status);

/* The CIB from crmctl_fetch() as a document ([out] *doc, caller frees
 * with xmlFreeDoc()) and [out] *config, its <configuration>. */
struct _xmlDoc;
struct _xmlNode;
int crmctl_config_doc(const crmctl_opts *o, struct _xmlDoc **doc, struct _xmlNode **config);

/* A snapshot of the cluster (ha_status.h) made from crmctl_fetch(). */
struct ha_status;
int crmctl_snapshot(const crmctl_opts *o, struct ha_status **st);

/* Send an atomic list of CIB changes ([in] ops: aa{sv}, floating reference
 * consumed; honours --dry-run).  Returns an exit code (errors printed,
 * each line of vigild's text on its own line). */
int crmctl_change(const crmctl_opts *o, GVariant *ops, const char *what);

/* One CIB change {op: OP, key: value...}: the arguments after op are
 * key/value string pairs ending with NULL; a NULL value leaves that key
 * out (so "value", NULL means unset). */
GVariant *crmctl_op(const char *op, ...) G_GNUC_NULL_TERMINATED;

/* ------------------------------------------------------------- output */

/* Print an error for people ("crmctl: WHAT...") on stderr, and with
 * --json also {"error": ..., "exit_code": CODE} on stdout; returns code. */
int crmctl_fail(const crmctl_opts *o, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* With --json print [in] v (floating reference consumed) as JSON; without,
 * print [in] text (may be NULL) followed by a newline unless it ends with
 * one.  Returns CRMCTL_OK. */
int crmctl_print(const crmctl_opts *o, GVariant *v, const char *text);

/* The exit code for a vigild / library return code. */
int crmctl_exit_code(int rc);

/* The width to draw at: --width, else the terminal's, else 80. */
unsigned crmctl_width(const crmctl_opts *o);
/* Whether to use colours on stdout (a terminal, TERM not dumb, no NO_COLOR). */
bool crmctl_color(void);

/* Ask a yes/no question on the terminal; false when stdin is not a
 * terminal. */
bool crmctl_confirm(const char *question);

/* Apply configuration statements ([in] text, crm_syntax.h) to the live
 * configuration and send the result as one atomic change: the smallest
 * list of operations, or the whole configuration when the statements
 * moved resources around.  [in] replace: the text is the whole new
 * configuration (config load); the nodes section is kept when the text has
 * no node statements.  [in] label names the text in error messages.
 * Returns an exit code (errors printed). */
int crmctl_apply_text(const crmctl_opts *o, const char *text, const char *label, bool replace,
                      const char *what);

/* ------------------------------------------------------------- waiting */

/* What --wait waits for. */
typedef enum crmctl_goal {
    GOAL_ON_NODE,      /* rsc runs on node */
    GOAL_OFF_NODE,     /* rsc runs, but not on node */
    GOAL_STOPPED,      /* rsc runs nowhere */
    GOAL_STARTED,      /* rsc runs somewhere */
    GOAL_NODE_EMPTY,   /* nothing runs on node (standby) */
} crmctl_goal;

/* Follow the cluster's events until [in] goal holds for [in] rsc / [in]
 * node, printing progress (one line per action) unless --json; fail early
 * with the reason when the scheduler says it will not happen.  The
 * subscription must be in place before the change was sent: pass the
 * client from crmctl_wait_begin(). */
int crmctl_wait_begin(const crmctl_opts *o);
int crmctl_wait(const crmctl_opts *o, crmctl_goal goal, const char *rsc, const char *node);

#endif
