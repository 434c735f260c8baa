/*
 * crmctl_import_internal.h — what the pieces of 'crmctl import' share:
 * tools/crmctl_import.c (the command), crmctl_import_keepalived.c
 * (keepalived.conf), crmctl_import_heartbeat.c (haresources, ha.cf) and
 * crmctl_import_out.c (the helpers below).
 *
 * An importer writes statements of the configuration syntax
 * (tools/crm_syntax.h) and comments into a crmctl__import: a comment for
 * every setting that has no equivalent, saying why, and warnings for what
 * would surprise someone (they also go to standard error).  The command
 * then checks that the result loads before printing it.
 */
#ifndef VGL_CRMCTL_IMPORT_INTERNAL_H
#define VGL_CRMCTL_IMPORT_INTERNAL_H

#include <stdbool.h>

#include <glib.h>

/* Lines of a comment are wrapped to this width. */
#define CRMCTL__IMPORT_WIDTH 78

typedef struct crmctl__import {
    GString *text;          /* the output: statements and comments */
    GPtrArray *warnings;    /* char *: what also goes to standard error */
    GHashTable *ids;        /* ids handed out (unique across the output) */
    const char *alerts_dir; /* where alert_smtp.sh and alert_file.sh live */
} crmctl__import;

/* Start [out] im empty; [in] alerts_dir is borrowed.  Free with
 * crmctl__import_clear(). */
void crmctl__import_init(crmctl__import *im, const char *alerts_dir);
void crmctl__import_clear(crmctl__import *im);

/* Does [in] text (statements) load?  The same checks as 'crmctl config
 * verify': the syntax, then the CIB library.  Problems go to [out]
 * errors.  Returns 0 or the first error (VGL_E_PARSE, VGL_E_INVALID...). */
int crmctl__import_check(const char *text, GPtrArray *errors);

/* Append text as is (a newline is added unless it ends with one). */
void crmctl__import_line(crmctl__import *im, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Append a comment, "# " and the text wrapped at CRMCTL__IMPORT_WIDTH
 * (further lines indented); line breaks in the text are kept. */
void crmctl__import_note(crmctl__import *im, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* A comment "# WARNING: ..." that is also kept for standard error. */
void crmctl__import_warn(crmctl__import *im, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* An empty line before a new part of the output (none at the start). */
void crmctl__import_gap(crmctl__import *im);

/* A valid id (a letter or _, then letters, digits, _ - .) made from
 * [in] base and [in] suffix (may be NULL), not handed out before: other
 * characters become '-', a clash gets "-2", "-3"...  Caller g_free()s. */
char *crmctl__import_id(crmctl__import *im, const char *base, const char *suffix);

/* Append " NAME=VALUE" to [in,out] s, VALUE quoted when the syntax needs
 * it.  A value with a line break cannot be said: false (nothing added). */
bool crmctl__import_nv(GString *s, const char *name, const char *value);

/* Whether [in] s is an IPv4 or IPv6 address, with an optional /PREFIX
 * ([out] *prefix, -1 when absent; may be NULL). */
bool crmctl__import_is_address(const char *s, int *prefix);

/* The opening comments: what was imported ([in] what, [in] sources, the
 * arguments as given, each after a blank) and how to load it. */
void crmctl__import_header(crmctl__import *im, const char *what, const char *sources);

/* The warning that [in] who did not fence, and the commented-out
 * statement that turns fencing off. */
void crmctl__import_fencing(crmctl__import *im, const char *who);

/* Import keepalived.conf files, one per node: [in] args are FILE or
 * NODE=FILE.  Problems that stop the import (a file that cannot be read,
 * unbalanced braces) go to [out] errors as "FILE:LINE: what".  Returns 0,
 * -ENOENT / -EACCES (a file), VGL_E_PARSE or VGL_E_INVALID. */
int crmctl__import_keepalived(crmctl__import *im, char **args, int n, GPtrArray *errors);

/* Import Heartbeat v1's haresources [in] args[0], with its ha.cf
 * args[1] when n is 2.  Returns 0 or -ENOENT / -EACCES / -EIO (a file,
 * named in [out] errors). */
int crmctl__import_haresources(crmctl__import *im, char **args, int n, GPtrArray *errors);

#endif
