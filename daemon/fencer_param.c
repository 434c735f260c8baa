/*
 * fencer_param.c — checking a fence device's parameters before anything
 * runs with them.
 *
 * Parameters reach the agent as name=value lines on its standard input,
 * so a value with a newline could forge a line (action=off): every control
 * character but tab is refused.  "action" is the fencer's to set.  The
 * pcmk_* parameters the fencer interprets are checked here, once, so that
 * their later use cannot fail: pcmk_host_check, pcmk_host_argument,
 * pcmk_<action>_action and pcmk_<action>_timeout (pcmk_host_map is parsed
 * by fencer_parse.c when the device is built).
 */
#include "config.h"

#include "exec_internal.h"
#include "fencer_internal.h"

#include <string.h>
#include <vigil/vigil.h>

#define FENCER_MAX_PARAMS 256u
#define FENCER_MAX_VALUE 4096u

static const char *const host_checks[] = { "static-list", "dynamic-list", "status", "none" };
static const char *const fence_actions[] = { "off", "on", "reboot", "status", "list",
                                             "monitor", "validate-all" };

static bool in_list(const char *word, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(word, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool param_name_ok(const char *name)
{
    if (name == NULL || name[0] == '\0' || strlen(name) > 128) {
        return false;
    }
    for (const char *p = name; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-') {
            return false;
        }
    }
    return true;
}

static bool param_value_ok(const char *value)
{
    for (const char *p = value; *p != '\0'; p++) {
        if (((unsigned char) *p < 0x20 && *p != '\t') || *p == 0x7f) {
            return false;
        }
    }
    return true;
}

/* pcmk_<action>_action / pcmk_<action>_timeout: which action, or NULL. */
static char *pcmk_action_of(const char *name, const char *suffix)
{
    size_t len = strlen(name), slen = strlen(suffix);
    char *action;

    if (!g_str_has_prefix(name, "pcmk_") || len <= 5 + slen || !g_str_has_suffix(name, suffix)) {
        return NULL;
    }
    action = g_strndup(name + 5, len - 5 - slen);
    if (!in_list(action, fence_actions, G_N_ELEMENTS(fence_actions))) {
        g_clear_pointer(&action, g_free);
    }
    return action;
}

static int check_pcmk_param(const char *name, const char *value, char **error)
{
    char *action = NULL;
    int64_t ms = 0;
    int rc = 0;

    if (strcmp(name, "pcmk_host_check") == 0
        && !in_list(value, host_checks, G_N_ELEMENTS(host_checks))) {
        *error = g_strdup_printf("pcmk_host_check '%s': not static-list, dynamic-list,"
                                 " status or none", value);
        rc = VGL_E_INVALID;
    } else if (strcmp(name, "pcmk_host_argument") == 0 && !param_name_ok(value)) {
        *error = g_strdup_printf("pcmk_host_argument '%s': not a parameter name", value);
        rc = VGL_E_INVALID;
    } else if ((action = pcmk_action_of(name, "_timeout")) != NULL
               && (vgl_duration_parse_ms(value, &ms) < 0 || ms < 1
                   || ms > (int64_t) VGL_EXEC_MAX_TIMEOUT_MS)) {
        *error = g_strdup_printf("%s '%s': not a duration from 1 ms to 24 h", name, value);
        rc = VGL_E_INVALID;
    } else if (action == NULL && (action = pcmk_action_of(name, "_action")) != NULL
               && !vgl__exec_plain_name(value)) {
        *error = g_strdup_printf("%s '%s': not an action name", name, value);
        rc = VGL_E_INVALID;
    }
    g_free(action);
    return rc;
}

int vgl__fencer_param_check(GHashTable *params, char **error)
{
    GHashTableIter it;
    gpointer k, v;
    int rc = 0;

    if (g_hash_table_size(params) > FENCER_MAX_PARAMS) {
        *error = g_strdup_printf("%u parameters, at most %u", g_hash_table_size(params),
                                 FENCER_MAX_PARAMS);
        return VGL_E_LIMIT;
    }
    g_hash_table_iter_init(&it, params);
    while (rc == 0 && g_hash_table_iter_next(&it, &k, &v)) {
        if (!param_name_ok(k) || strcmp(k, "action") == 0) {
            *error = g_strdup_printf("parameter '%s': %s", k ? (char *) k : "(null)",
                                     param_name_ok(k) ? "set by the fencer (use"
                                     " pcmk_<action>_action)" : "bad name");
            rc = VGL_E_INVALID;
        } else if (v == NULL || strlen(v) > FENCER_MAX_VALUE || !param_value_ok(v)) {
            *error = g_strdup_printf("parameter '%s': value %s", (char *) k,
                                     v == NULL ? "missing" : strlen(v) > FENCER_MAX_VALUE
                                     ? "longer than 4096 bytes" : "has a control character");
            rc = v != NULL && strlen(v) > FENCER_MAX_VALUE ? VGL_E_LIMIT : VGL_E_INVALID;
        } else if (g_str_has_prefix(k, "pcmk_")) {
            rc = check_pcmk_param(k, v, error);
        }
    }
    return rc;
}

GHashTable *vgl__fencer_param_copy(GHashTable *params)
{
    GHashTable *copy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTableIter it;
    gpointer k, v;

    if (params != NULL) {
        g_hash_table_iter_init(&it, params);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            g_hash_table_insert(copy, g_strdup(k), g_strdup(v));
        }
    }
    return copy;
}

bool vgl__fencer_param_equal(GHashTable *a, GHashTable *b)
{
    GHashTableIter it;
    gpointer k, v;

    if (b == NULL) {
        return g_hash_table_size(a) == 0;
    }
    if (g_hash_table_size(a) != g_hash_table_size(b)) {
        return false;
    }
    g_hash_table_iter_init(&it, a);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *other = g_hash_table_lookup(b, k);
        if (other == NULL || strcmp(other, v) != 0) {
            return false;
        }
    }
    return true;
}

const char *vgl__fencer_param_host_check(const char *value)
{
    for (size_t i = 0; value != NULL && i < G_N_ELEMENTS(host_checks); i++) {
        if (strcmp(value, host_checks[i]) == 0) {
            return host_checks[i];
        }
    }
    return NULL;
}

bool vgl__fencer_param_action_ok(const char *action)
{
    return action != NULL && in_list(action, fence_actions, G_N_ELEMENTS(fence_actions));
}

bool vgl__fencer_param_targeted(const char *action)
{
    static const char *const targeted[] = { "on", "off", "reboot", "status" };

    return action != NULL && in_list(action, targeted, G_N_ELEMENTS(targeted));
}
