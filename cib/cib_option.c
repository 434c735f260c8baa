/*
 * cib_option.c — the names Vigil knows in name/value sets: cluster
 * options (crm_config), resource meta attributes (and rsc_defaults),
 * operation attributes (and op_defaults), node attributes; their types,
 * Pacemaker's defaults, and the values Vigil refuses.
 *
 * The tables are data, read by the validator (is this value right?) and by
 * vgl_cib_option() (what is the default?).  Names not in a table are
 * accepted as they are: Pacemaker itself writes informational options
 * (dc-version, cluster-name, ...) and users keep notes in meta attributes.
 * A known name with a value Vigil does not implement (no-quorum-policy=
 * demote, promotable=true) is refused, never silently ignored.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cib/cib_internal.h"

static const char *const nqp[] = { "stop", "freeze", "ignore", NULL };
static const char *const nqp_no[] = { "demote", "fence", "suicide", NULL };
static const char *const fence_act[] = { "reboot", "off", "poweroff", NULL };
static const char *const placement[] = { "default", NULL };
static const char *const placement_no[] = { "utilization", "minimal", "balanced", NULL };
static const char *const health[] = { "none", "migrate-on-red", "only-green",
                                      "progressive", "custom", NULL };
static const char *const fence_reaction[] = { "stop", "panic", NULL };
static const char *const roles[] = { "Started", "Stopped", NULL };
static const char *const roles_no[] = { "Promoted", "Unpromoted", "Master", "Slave", NULL };
static const char *const multiple[] = { "stop_start", "stop_only", "block",
                                        "stop_unexpected", NULL };
static const char *const requires_[] = { "nothing", "quorum", "fencing", NULL };
static const char *const requires_no[] = { "unfencing", NULL };
static const char *const on_fail[] = { "ignore", "block", "stop", "restart",
                                       "standby", "fence", NULL };
static const char *const on_fail_no[] = { "demote", "restart-container", NULL };
static const char *const false_only[] = { "false", "no", "off", "n", "0", NULL };

#define T(n, a, t, d) { n, a, VGL__CIB_##t, d, NULL, NULL }
#define E(n, d, c, r) { n, NULL, VGL__CIB_ENUM, d, c, r }

static const vgl__cib_option cluster[] = {
    T("stonith-enabled", "fencing-enabled", BOOL, "true"),
    E("stonith-action", "reboot", fence_act, NULL),
    T("stonith-timeout", "fencing-timeout", DURATION, "60s"),
    T("stonith-watchdog-timeout", "fencing-watchdog-timeout", STRING, "0"),
    T("stonith-max-attempts", "fencing-max-attempts", INT, "10"),
    E("no-quorum-policy", "stop", nqp, nqp_no),
    T("symmetric-cluster", NULL, BOOL, "true"),
    T("maintenance-mode", NULL, BOOL, "false"),
    T("start-failure-is-fatal", NULL, BOOL, "true"),
    T("enable-startup-probes", NULL, BOOL, "true"),
    T("stop-all-resources", NULL, BOOL, "false"),
    T("stop-orphan-resources", NULL, BOOL, "true"),
    T("stop-orphan-actions", NULL, BOOL, "true"),
    T("concurrent-fencing", NULL, BOOL, "true"),
    T("startup-fencing", NULL, BOOL, "true"),
    T("priority-fencing-delay", NULL, DURATION, "0"),
    T("cluster-recheck-interval", NULL, DURATION, "15min"),
    T("cluster-delay", NULL, DURATION, "60s"),
    T("dc-deadtime", NULL, DURATION, "20s"),
    T("election-timeout", NULL, DURATION, "2min"),
    T("shutdown-escalation", NULL, DURATION, "20min"),
    T("join-integration-timeout", NULL, DURATION, "3min"),
    T("join-finalization-timeout", NULL, DURATION, "30min"),
    T("transition-delay", NULL, DURATION, "0s"),
    T("shutdown-lock", NULL, BOOL, "false"),
    T("shutdown-lock-limit", NULL, DURATION, "0"),
    T("node-pending-timeout", NULL, DURATION, "0"),
    T("batch-limit", NULL, INT, "0"),
    T("migration-limit", NULL, STRING, "-1"),
    T("node-action-limit", NULL, INT, "0"),
    T("have-watchdog", NULL, BOOL, "false"),
    T("remove-after-stop", NULL, BOOL, "false"),
    E("placement-strategy", "default", placement, placement_no),
    E("node-health-strategy", "none", health, NULL),
    E("fence-reaction", "stop", fence_reaction, NULL),
    T("default-resource-stickiness", NULL, SCORE, NULL),
    T("is-managed-default", NULL, BOOL, NULL),
    T("cluster-name", NULL, STRING, NULL),
    { NULL, NULL, 0, NULL, NULL, NULL },
};

static const vgl__cib_option rsc_meta[] = {
    E("target-role", "Started", roles, roles_no),
    T("is-managed", NULL, BOOL, "true"),
    T("maintenance", NULL, BOOL, "false"),
    T("resource-stickiness", NULL, SCORE, "0"),
    T("migration-threshold", NULL, SCORE, "INFINITY"),
    T("failure-timeout", NULL, DURATION, "0"),
    T("priority", NULL, SCORE, "0"),
    E("multiple-active", "stop_start", multiple, NULL),
    T("allow-migrate", NULL, BOOL, "false"),
    E("requires", "fencing", requires_, requires_no),
    T("critical", NULL, BOOL, "true"),
    T("allow-unhealthy-nodes", NULL, BOOL, "false"),
    T("clone-max", NULL, INT, NULL),
    T("clone-node-max", NULL, INT, "1"),
    T("clone-min", NULL, INT, "0"),
    T("interleave", NULL, BOOL, "false"),
    T("ordered", NULL, BOOL, "false"),
    E("notify", "false", false_only, NULL),
    E("globally-unique", "false", false_only, NULL),
    E("promotable", "false", false_only, NULL),
    { NULL, NULL, 0, NULL, NULL, NULL },
};

static const vgl__cib_option op_meta[] = {
    T("timeout", NULL, DURATION, "20s"),
    T("interval", NULL, DURATION, "0"),
    T("enabled", NULL, BOOL, "true"),
    T("record-pending", NULL, BOOL, "true"),
    E("on-fail", NULL, on_fail, on_fail_no),
    E("role", NULL, roles, roles_no),
    { NULL, NULL, 0, NULL, NULL, NULL },
};

static const vgl__cib_option node_attrs[] = {
    T("standby", NULL, BOOL, "false"),
    T("maintenance", NULL, BOOL, "false"),
    { NULL, NULL, 0, NULL, NULL, NULL },
};

#undef T
#undef E

/* Meta names Pacemaker knows for features outside Vigil's subset: a set
 * value is refused whatever it is. */
static const char *const rsc_meta_refused[] = {
    "remote-node", "remote-port", "remote-addr", "remote-connect-timeout",
    "remote-allow-migrate", "container-attribute-target", "promoted-max",
    "promoted-node-max", "master-max", "master-node-max", NULL,
};
static const char *const op_meta_refused[] = { "start-delay", "interval-origin", NULL };

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

const vgl__cib_option *vgl__cib_option_find(vgl__cib_table table, const char *name)
{
    /* An entry whose every value is refused (empty name marks it). */
    static const vgl__cib_option refused = { "", NULL, VGL__CIB_ENUM, NULL, NULL, NULL };
    const vgl__cib_option *t = NULL;

    if (name == NULL)
        return NULL;
    switch (table) {
    case VGL__CIB_T_CLUSTER: t = cluster; break;
    case VGL__CIB_T_RSC_META:
        if (in_list(rsc_meta_refused, name))
            return &refused;
        t = rsc_meta;
        break;
    case VGL__CIB_T_OP_META:
        if (in_list(op_meta_refused, name))
            return &refused;
        t = op_meta;
        break;
    case VGL__CIB_T_NODE: t = node_attrs; break;
    }
    for (size_t i = 0; t != NULL && t[i].name != NULL; i++) {
        if (strcmp(t[i].name, name) == 0 || (t[i].alias && strcmp(t[i].alias, name) == 0))
            return &t[i];
    }
    return NULL;
}

bool vgl__cib_option_uint(const char *s, uint64_t max, uint64_t *out)
{
    guint64 v = 0;

    *out = 0;
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    if (!g_ascii_string_to_unsigned(s, 10, 0, max, &v, NULL))
        return false;
    *out = v;
    return true;
}

static char *join_choices(const char *const *c)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; c[i] != NULL; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", c[i]);
    return g_string_free(s, FALSE);
}

int vgl__cib_option_check(const vgl__cib_option *opt, const char *value, char **why)
{
    bool b;
    int64_t ms;
    vgl_score sc;
    uint64_t u;

    *why = NULL;
    if (opt->name[0] == '\0') {
        *why = g_strdup("is not supported by Vigil");
        return VGL_E_UNSUPPORTED;
    }
    switch (opt->type) {
    case VGL__CIB_STRING:
        return 0;
    case VGL__CIB_BOOL:
        if (vgl_bool_parse(value, &b) == 0)
            return 0;
        *why = g_strdup_printf("\"%s\" is not a boolean (true or false)", value);
        return VGL_E_INVALID;
    case VGL__CIB_DURATION:
        if (vgl_duration_parse_ms(value, &ms) == 0)
            return 0;
        *why = g_strdup_printf("\"%s\" is not a duration (like 10s, 500ms, 2min)", value);
        return VGL_E_INVALID;
    case VGL__CIB_SCORE:
        if (vgl_score_parse(value, &sc) == 0)
            return 0;
        *why = g_strdup_printf("\"%s\" is not a score (an integer or [+-]INFINITY)", value);
        return VGL_E_INVALID;
    case VGL__CIB_INT:
        if (vgl__cib_option_uint(value, G_MAXINT32, &u))
            return 0;
        *why = g_strdup_printf("\"%s\" is not a non-negative integer", value);
        return VGL_E_INVALID;
    case VGL__CIB_ENUM:
        if (in_list(opt->choices, value))
            return 0;
        if (in_list(opt->refused, value) ||
            (opt->choices == false_only && vgl_bool_parse(value, &b) == 0 && b)) {
            *why = g_strdup_printf("\"%s\" is not supported by Vigil", value);
            return VGL_E_UNSUPPORTED;
        }
        {
            char *list = join_choices(opt->choices);
            *why = g_strdup_printf("\"%s\" is not one of %s", value, list);
            g_free(list);
        }
        return VGL_E_INVALID;
    }
    return 0;
}
