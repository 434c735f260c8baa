/*
 * sched_rule.c — rules: <rule> with <expression>, <date_expression> and
 * nested rules, evaluated against one node's attributes and `now`.
 *
 * Workload: called once per (location rule, node) and per (nvpair set with
 * a rule, node); small.  Invariants: a rule that cannot be understood
 * (unknown operation, missing attribute name) is false, never an error; the
 * special attributes #uname, #id and #kind come from the node itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sched/sched_internal.h"

static const char *node_value(const sc_node *node, const char *attr)
{
    if (node == NULL)
        return NULL;
    if (strcmp(attr, "#uname") == 0)
        return node->uname;
    if (strcmp(attr, "#id") == 0)
        return node->id;
    if (strcmp(attr, "#kind") == 0)
        return "cluster";
    return g_hash_table_lookup(node->attrs, attr);
}

static int cmp_version(const char *a, const char *b)
{
    while (*a != '\0' || *b != '\0') {
        long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
        if ((*a != '\0' && (*a < '0' || *a > '9')) || (*b != '\0' && (*b < '0' || *b > '9')))
            break;
    }
    return 0;
}

static int compare(const char *type, const char *l, const char *r)
{
    if (type != NULL && (strcmp(type, "number") == 0 || strcmp(type, "integer") == 0)) {
        double x = g_ascii_strtod(l, NULL), y = g_ascii_strtod(r, NULL);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (type != NULL && strcmp(type, "version") == 0)
        return cmp_version(l, r);
    return strcmp(l, r);
}

static bool looks_numeric(const char *s)
{
    char *end;
    if (s == NULL || *s == '\0')
        return false;
    (void)g_ascii_strtod(s, &end);
    return *end == '\0';
}

static bool eval_expression(xmlNode *e, const sc_node *node)
{
    const char *attr = vgl__sched_attr(e, "attribute");
    const char *op = vgl__sched_attr(e, "operation");
    const char *value = vgl__sched_attr(e, "value");
    const char *type = vgl__sched_attr(e, "type");
    if (attr == NULL || op == NULL)
        return false;
    const char *have = node_value(node, attr);
    if (strcmp(op, "defined") == 0)
        return have != NULL;
    if (strcmp(op, "not_defined") == 0)
        return have == NULL;
    if (value == NULL)
        return false;
    if (have == NULL)
        return strcmp(op, "ne") == 0;
    if (type == NULL && looks_numeric(have) && looks_numeric(value) && strcmp(op, "eq") != 0
        && strcmp(op, "ne") != 0)
        type = "number";
    int c = compare(type, have, value);
    if (strcmp(op, "eq") == 0)
        return c == 0;
    if (strcmp(op, "ne") == 0)
        return c != 0;
    if (strcmp(op, "lt") == 0)
        return c < 0;
    if (strcmp(op, "lte") == 0)
        return c <= 0;
    if (strcmp(op, "gt") == 0)
        return c > 0;
    if (strcmp(op, "gte") == 0)
        return c >= 0;
    return false;
}

/* Seconds since the epoch for an ISO 8601 date ("2024-01-31",
 * "2024-01-31T12:00:00", optional Z); -1 if unreadable. */
static int64_t parse_date(const char *s)
{
    if (s == NULL)
        return -1;
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *dt = g_date_time_new_from_iso8601(s, utc);
    if (dt == NULL) {
        char *full = g_strdup_printf("%sT00:00:00", s);
        dt = g_date_time_new_from_iso8601(full, utc);
        g_free(full);
    }
    g_time_zone_unref(utc);
    if (dt == NULL)
        return -1;
    int64_t v = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return v;
}

static bool eval_date(xmlNode *e, int64_t now)
{
    const char *op = vgl__sched_attr(e, "operation");
    int64_t start = parse_date(vgl__sched_attr(e, "start"));
    int64_t end = parse_date(vgl__sched_attr(e, "end"));
    if (op == NULL || strcmp(op, "in_range") == 0)
        return (start < 0 || now >= start) && (end < 0 || now <= end) && (start >= 0 || end >= 0);
    if (strcmp(op, "gt") == 0)
        return start >= 0 && now > start;
    if (strcmp(op, "lt") == 0)
        return end >= 0 && now < end;
    return false;
}

static bool eval_rule(vgl_transition *t, xmlNode *rule, const sc_node *node, int depth)
{
    const char *bop = vgl__sched_attr(rule, "boolean-op");
    bool is_or = bop != NULL && strcmp(bop, "or") == 0;
    bool any = false;
    if (depth > 16)
        return false;
    for (xmlNode *c = rule->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        bool v;
        if (strcmp((const char *)c->name, "expression") == 0)
            v = eval_expression(c, node);
        else if (strcmp((const char *)c->name, "date_expression") == 0)
            v = eval_date(c, t->now);
        else if (strcmp((const char *)c->name, "rule") == 0)
            v = eval_rule(t, c, node, depth + 1);
        else
            v = false;
        any = true;
        if (is_or && v)
            return true;
        if (!is_or && !v)
            return false;
    }
    return is_or ? false : any;
}

/* Evaluate [in] rule on [in] node (NULL: no node attributes).  When true
 * and [out] score_out is given, it receives the rule's score (its score
 * attribute, or the node's value of its score-attribute). */
bool vgl__sched_rule_eval(vgl_transition *t, xmlNode *rule, const sc_node *node, vgl_score *score_out)
{
    if (!eval_rule(t, rule, node, 0))
        return false;
    if (score_out != NULL) {
        const char *s = vgl__sched_attr(rule, "score");
        const char *sa = vgl__sched_attr(rule, "score-attribute");
        *score_out = 0;
        if (s != NULL) {
            if (vgl_score_parse(s, score_out) != 0)
                *score_out = 0;
        } else if (sa != NULL) {
            const char *v = node_value(node, sa);
            if (v == NULL || vgl_score_parse(v, score_out) != 0)
                *score_out = 0;
        }
    }
    return true;
}
