/*
 * crm_syntax_internal.h — what the files of the syntax library share: one
 * statement being applied (its words, a cursor, where errors go) and small
 * XML helpers.  crm_syntax.c holds the lexer, the statement loop and these
 * helpers; crm_syntax_rsc.c the node and resource statements;
 * crm_syntax_cons.c constraints and rules; crm_syntax_misc.c properties,
 * defaults, fencing topology, alerts and raw xml; crm_syntax_print.c the
 * printer.
 */
#ifndef VGL_CRM_SYNTAX_INTERNAL_H
#define VGL_CRM_SYNTAX_INTERNAL_H

#include <stdbool.h>

#include <glib.h>
#include <libxml/tree.h>

#include <vigil/vigil.h>

#include "tools/crm_syntax.h"

/* One statement, as the handlers see it. */
typedef struct crm__stmt {
    const char *label;   /* for messages */
    int line;            /* first physical line of the statement */
    const char *raw;     /* the logical line (for xml) */
    GPtrArray *words;    /* char *, the statement split into words */
    guint pos;           /* next word */
    char *what;          /* "primitive vip": prefix of messages */
    GPtrArray *errors;   /* where messages go (never NULL) */
    int rc;              /* first error, 0 while all is well */
    xmlNode *config;     /* the <configuration> being changed */
    GPtrArray *changes;  /* crm_syntax_change *, never NULL */
    GHashTable *created; /* ids created by earlier statements of the batch */
} crm__stmt;

/* Record an error (the first one sets s->rc); returns s->rc. */
int crm__fail(crm__stmt *s, int rc, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* The next word without taking it, or NULL at the end. */
const char *crm__peek(const crm__stmt *s);
/* Take the next word (NULL at the end). */
const char *crm__next(crm__stmt *s);
/* Take the next word, which must be there: else fail with "missing WHAT". */
const char *crm__need(crm__stmt *s, const char *what);
/* Name the statement in messages from now on: "KIND ID". */
void crm__set_id(crm__stmt *s, const char *id);

/* Whether [in] word is NAME=VALUE with a non-empty NAME. */
bool crm__is_nv(const char *word);
/* A valid id (what the CIB accepts), or fail naming WHAT it is for. */
bool crm__check_id(crm__stmt *s, const char *id, const char *what);
/* Make an id from parts joined by '-', with any character the CIB does
 * not allow in ids replaced by '.'.  Caller g_free()s. */
char *crm__make_id(const char *first, ...) G_GNUC_NULL_TERMINATED;

/* Parse a score word ("100", "inf", "-INFINITY", "mandatory"...) into
 * its CIB spelling; NULL when it is not a score. Caller g_free()s. */
char *crm__score(const char *word);

/* Take NAME=VALUE words into a new <ELEMENT id=ID> name/value set under
 * [in] parent (words stop at the first word that is not NAME=VALUE).
 * Fails when there is none or a name repeats; KEYWORD names the list in
 * messages.  Returns the set or NULL. */
xmlNode *crm__nvset(crm__stmt *s, xmlNode *parent, const char *element, const char *id,
                    const char *keyword);
/* The clauses "meta NAME=VALUE..." and "PARAMS NAME=VALUE..." (PARAMS is
 * "params" or "attributes": instance attributes), each at most once, as
 * sets ID-meta_attributes and ID-instance_attributes of el. */
void crm__set_clauses(crm__stmt *s, xmlNode *el, const char *id, const char *params);
/* Set NAME to VALUE in the set [in] set (replacing an nvpair of that name,
 * or appending one with id SETID-NAME). */
void crm__nvset_put(xmlNode *set, const char *name, const char *value);

/* ---- XML helpers ---- */
const char *crm__attr(const xmlNode *n, const char *name);
bool crm__is(const xmlNode *n, const char *name);
/* The first element child called NAME, or NULL. */
xmlNode *crm__child(const xmlNode *n, const char *name);
/* The section NAME of the configuration, created in its place if absent
 * and create is true. */
xmlNode *crm__section(xmlNode *config, const char *name, bool create);
/* The element of the configuration (any depth) with this id, or NULL. */
xmlNode *crm__find(xmlNode *config, const char *id);
/* The <node> with this uname, or NULL. */
xmlNode *crm__find_node(xmlNode *config, const char *uname);
/* The top-level element of a section that holds [in] n (n itself when
 * it is one), and the section; NULL when n is not in a section. */
xmlNode *crm__top(xmlNode *n, xmlNode **section);

/* Put [in] el (a new element with an id) into the configuration: it
 * replaces the element with its id where it stands (which must be of the
 * same kind), or is appended to [in] section.  Records a PUT change.
 * On failure el is freed and false returned. */
bool crm__put(crm__stmt *s, xmlNode *el, const char *section);
/* Record a change. */
void crm__change(crm__stmt *s, crm_syntax_change_kind kind, const char *section,
                 const char *id, const char *value);
/* Forget the PUT changes recorded for [in] id (it was moved into a group
 * or clone made later in the batch). */
void crm__forget_put(crm__stmt *s, const char *id);

/* Statement handlers: each consumes its words (s->words[0] is the
 * keyword) and returns s->rc. */
int crm__stmt_node(crm__stmt *s);
int crm__stmt_primitive(crm__stmt *s);
int crm__stmt_group(crm__stmt *s);
int crm__stmt_clone(crm__stmt *s);
int crm__stmt_location(crm__stmt *s);
int crm__stmt_colocation(crm__stmt *s);
int crm__stmt_order(crm__stmt *s);
int crm__stmt_property(crm__stmt *s);
int crm__stmt_defaults(crm__stmt *s);
int crm__stmt_topology(crm__stmt *s);
int crm__stmt_alert(crm__stmt *s);
int crm__stmt_xml(crm__stmt *s);

#endif
