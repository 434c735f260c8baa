/*
 * fencer_parse.c — the text formats of fence device parameters:
 * pcmk_host_map ("node1:plug1;node2:plug2") and pcmk_host_list / the
 * output of an agent's list action.
 *
 * These strings come from the configuration and from agents, so every
 * malformed map is refused with the entry named, rather than half-parsed
 * (Pacemaker silently skips what it cannot read, which turns a typo into
 * a node nobody can fence).  A value must never be able to forge a line
 * of an agent's input: no control character survives, escaped or not.
 */
#include "config.h"

#include "exec_internal.h"
#include "fencer_internal.h"

#include <errno.h>
#include <string.h>
#include <vigil/vigil.h>

#define MAP_SEPARATORS ";, \t\r\n"
#define LIST_SEPARATORS ",; \t\r\n\v\f"

bool vgl__fencer_name_ok(const char *text)
{
    size_t len = text != NULL ? strlen(text) : 0;

    if (len == 0 || len > 255) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) text[i];
        if (c <= 0x20 || c == 0x7f || c == ',' || c == ';' || c == '=') {
            return false;
        }
    }
    return true;
}

typedef struct map_parse {
    GHashTable *map;
    GString *node;
    GString *plug;
    bool have_sep;
    const char *entry;   /* where the current entry began */
    char *error;
} map_parse;

static int map_fail(map_parse *mp, const char *end, const char *what)
{
    int len = (int) (end - mp->entry);

    mp->error = g_strdup_printf("pcmk_host_map: '%.*s': %s", len, mp->entry, what);
    return VGL_E_PARSE;
}

static int map_finish_entry(map_parse *mp, const char *end)
{
    char *key;
    const char *old;

    if (!mp->have_sep) {
        return map_fail(mp, end, "no ':' or '=' between node and plug");
    }
    if (mp->node->len == 0) {
        return map_fail(mp, end, "empty node name");
    }
    if (mp->plug->len == 0) {
        return map_fail(mp, end, "empty plug");
    }
    key = g_ascii_strdown(mp->node->str, -1);
    old = g_hash_table_lookup(mp->map, key);
    if (old != NULL && strcmp(old, mp->plug->str) != 0) {
        g_free(key);
        return map_fail(mp, end, "node mapped twice, to different plugs");
    }
    g_hash_table_replace(mp->map, key, g_strdup(mp->plug->str));
    g_string_truncate(mp->node, 0);
    g_string_truncate(mp->plug, 0);
    mp->have_sep = false;
    return 0;
}

/* One character of text; *p may advance past an escaped one. */
static int map_step(map_parse *mp, const char **p)
{
    const char *c = *p;

    if (mp->entry == NULL) {
        if (strchr(MAP_SEPARATORS, *c) != NULL) {
            return 0;   /* between entries */
        }
        mp->entry = c;
    }
    if (strchr(MAP_SEPARATORS, *c) != NULL) {
        int rc = map_finish_entry(mp, c);
        mp->entry = NULL;
        return rc;
    }
    if (*c == ':' || *c == '=') {
        if (mp->have_sep) {
            return map_fail(mp, c + strcspn(c, MAP_SEPARATORS), "more than one ':' or '='");
        }
        mp->have_sep = true;
        return 0;
    }
    if (*c == '\\') {
        c++;
        if (*c == '\0' || (unsigned char) *c < 0x20 || *c == 0x7f) {
            return map_fail(mp, c, "'\\' at the end or before a control character");
        }
        *p = c;
    } else if ((unsigned char) *c < 0x20 || *c == 0x7f) {
        return map_fail(mp, c, "control character");
    }
    g_string_append_c(mp->have_sep ? mp->plug : mp->node, *c);
    return 0;
}

int vgl_fencer_parse_host_map(const char *text, GHashTable **map, char **error)
{
    map_parse mp = { 0 };
    int rc = 0;

    if (map != NULL) {
        *map = NULL;
    }
    if (error != NULL) {
        *error = NULL;
    }
    if (text == NULL || map == NULL) {
        return -EINVAL;
    }
    mp.map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    mp.node = g_string_new(NULL);
    mp.plug = g_string_new(NULL);
    for (const char *p = text; *p != '\0' && rc == 0; p++) {
        rc = map_step(&mp, &p);
    }
    if (rc == 0 && mp.entry != NULL) {
        rc = map_finish_entry(&mp, text + strlen(text));
    }
    if (rc == 0 && g_hash_table_size(mp.map) == 0) {
        mp.error = g_strdup("pcmk_host_map: no node:plug entry");
        rc = VGL_E_PARSE;
    }
    g_string_free(mp.node, TRUE);
    g_string_free(mp.plug, TRUE);
    if (rc == 0) {
        *map = mp.map;
    } else {
        g_hash_table_unref(mp.map);
    }
    vgl__exec_give_error(error, mp.error);
    return rc;
}

GPtrArray *vgl_fencer_parse_host_list(const char *text)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    char **words;

    if (text == NULL) {
        return names;
    }
    words = g_strsplit_set(text, LIST_SEPARATORS, -1);
    for (char **w = words; *w != NULL; w++) {
        /* Some agents print the power state next to each plug. */
        if ((*w)[0] == '\0' || g_ascii_strcasecmp(*w, "on") == 0
            || g_ascii_strcasecmp(*w, "off") == 0 || !vgl__fencer_name_ok(*w)) {
            continue;
        }
        g_ptr_array_add(names, g_strdup(*w));
    }
    g_strfreev(words);
    return names;
}
