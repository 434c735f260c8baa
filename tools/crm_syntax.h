/*
 * crm_syntax.h — the compact configuration syntax for people, in the
 * spirit of the crm shell, and its printer.
 *
 *     node 1: node1 attributes site=east
 *     primitive vip ocf:vigil:IPaddr params ip=192.0.2.100 cidr_netmask=24 \
 *         op monitor interval=2s
 *     group web vip nginx meta target-role=Started
 *     clone ping-clone ping meta interleave=true
 *     location prefer-n1 web 100: node1
 *     location web-connected web rule -inf: not_defined pingd or pingd lte integer:0
 *     colocation web-with-ping inf: web ping-clone
 *     order ping-before-web Mandatory: ping-clone web
 *     property stonith-enabled=false no-quorum-policy=stop
 *     rsc_defaults resource-stickiness=100
 *     op_defaults timeout=40s
 *     fencing_topology node1: fence-ipmi node2: fence-ipmi,fence-pdu
 *     alert mail /usr/lib/vigil/alerts/mail meta timeout=15s to ops@example.org
 *     xml <rsc_location id="x" rsc="web" node="node2" score="50"/>
 *
 * One statement per logical line ('\' at the end of a line continues it;
 * a line whose first non-blank character is '#' is a comment).  Words are
 * split at blanks; '...' and "..." quote (inside "...", \" and \\).
 * doc/tools.md has the whole grammar.
 *
 * Statements are applied to a <configuration> element: each one creates
 * or replaces what it names (a resource, a constraint, a node), except
 * property, rsc_defaults and op_defaults, which set the names they list
 * and keep the others.  The printer writes a configuration back as
 * statements; whatever the syntax cannot say (a rule with a date, a
 * second attribute set) comes out as an `xml` statement, so printing and
 * applying again always gives the same configuration.
 *
 * Nothing here talks to the cluster or validates against the CIB rules:
 * the result goes through the CIB library (or vigild), which checks it.
 */
#ifndef VGL_CRM_SYNTAX_H
#define VGL_CRM_SYNTAX_H

#include <stdbool.h>

#include <glib.h>
#include <libxml/tree.h>

/* What one statement changed, so that a caller can send the smallest
 * atomic list of CIB operations instead of a whole configuration. */
typedef enum crm_syntax_change_kind {
    CRM_SYNTAX_PUT,     /* section/id: put that top-level element */
    CRM_SYNTAX_DELETE,  /* id: delete that element */
    CRM_SYNTAX_OPTION,  /* id = option name, value (NULL: unset) */
    CRM_SYNTAX_WHOLE,   /* elements moved (a group or clone took in existing
                           resources): only replacing the whole
                           configuration expresses it */
} crm_syntax_change_kind;

typedef struct crm_syntax_change {
    crm_syntax_change_kind kind;
    char *section;  /* "resources", "constraints", ... (PUT) or NULL */
    char *id;
    char *value;
} crm_syntax_change;

/* Free a change (for g_ptr_array_new_with_free_func()); NULL is fine. */
void crm_syntax_change_free(gpointer change);

/* A new, empty <configuration> document with the four required sections.
 * Caller frees with xmlFreeDoc(). */
xmlDoc *crm_syntax_new_config(void);

/* The <configuration> element of [in] doc: the root itself, or the one
 * under a <cib> root; NULL when there is none. */
xmlNode *crm_syntax_config_of(xmlDoc *doc);

/* Apply the statements of [in] text to [in,out] config (a <configuration>
 * element).
 *   [in]  label    names the text in messages ("configure", a file name)
 *   [out] changes  optional: crm_syntax_change * appended per change
 *                  (create with g_ptr_array_new_with_free_func(
 *                  crm_syntax_change_free))
 *   [out] errors   one char * per problem, "LABEL:LINE: what is wrong"
 * Every statement is tried; one that fails changes nothing, the others
 * still apply.  Returns 0, VGL_E_PARSE (a statement is malformed),
 * VGL_E_NOT_FOUND (it names a resource that does not exist) or
 * VGL_E_INVALID (it conflicts with the configuration), the first one met.
 * A caller that wants all or nothing applies to a copy. */
int crm_syntax_apply(xmlNode *config, const char *text, const char *label,
                     GPtrArray *changes, GPtrArray *errors);

/* The configuration [in] config (a <configuration> element) as statements,
 * in the order: nodes, resources (members before their group or clone),
 * constraints, fencing topology, alerts, properties, defaults.  Caller
 * g_free()s. */
char *crm_syntax_print(const xmlNode *config);

/* The statement(s) of one top-level element [in] el (a primitive, group,
 * clone, constraint, node...): a group or clone comes with the statements
 * of its members first.  Caller g_free()s. */
char *crm_syntax_print_element(const xmlNode *el);

/* [in] word as the lexer reads it back: as is, or in double quotes with
 * " and \ escaped; NULL when it cannot be said (a line break).  Caller
 * g_frees. */
char *crm_syntax_quote(const char *word);

/* Small XML helpers for the other tools: the value of attribute [in]
 * name of element [in] n (NULL when absent; owned by the document), and
 * the first element child called [in] name (or NULL). */
const char *crm_syntax_attr(const xmlNode *n, const char *name);
xmlNode *crm_syntax_child(const xmlNode *n, const char *name);
/* The first element below [in] n (any depth, document order) whose id
 * attribute is [in] id, or NULL. */
xmlNode *crm_syntax_find(const xmlNode *n, const char *id);

/* Whether [in] text is XML (its first non-blank character is '<'). */
bool crm_syntax_is_xml(const char *text);

#endif
