/*
 * fencer_level.c — fencing levels (fencing-topology): per target, up to
 * nine levels, each a list of devices that must all succeed.
 *
 * Stored per lower-cased target (node names match case-insensitively),
 * sorted by index so that fencer_fence.c walks them in order.  A level may
 * name devices that do not exist (yet): that is found when it is tried.
 */
#include "config.h"

#include "exec_internal.h"
#include "fencer_internal.h"

#include <errno.h>
#include <string.h>
#include <vigil/vigil.h>

void vgl__fencer_levels_free(gpointer levels)
{
    GArray *arr = levels;

    for (guint i = 0; i < arr->len; i++) {
        g_strfreev(g_array_index(arr, vgl__fencer_level, i).devices);
    }
    g_array_free(arr, TRUE);
}

static int level_sort(gconstpointer a, gconstpointer b)
{
    const vgl__fencer_level *x = a, *y = b;

    return x->index < y->index ? -1 : x->index > y->index;
}

static char **level_devices(const char *devices)
{
    char **ids = g_strsplit(devices, ",", -1);

    if (ids[0] == NULL) {
        g_strfreev(ids);
        return NULL;
    }
    for (char **d = ids; *d != NULL; d++) {
        if (!vgl__fencer_name_ok(*d)) {
            g_strfreev(ids);
            return NULL;
        }
    }
    return ids;
}

int vgl_fencer_level_add(vgl_fencer *fencer, const char *target, unsigned index,
                         const char *devices, char **error)
{
    vgl__fencer_level level = { .index = index };
    GArray *levels;
    char *why = NULL, *key;
    int rc = 0;

    if (fencer == NULL || target == NULL || devices == NULL) {
        why = g_strdup("fencing level: fencer, target and devices are required");
        rc = -EINVAL;
    } else if (!vgl__fencer_name_ok(target) || index < 1 || index > VGL_FENCER_MAX_LEVEL
               || (level.devices = level_devices(devices)) == NULL) {
        why = g_strdup_printf("fencing level %u for '%s': bad target, index (1..9) or"
                              " device list '%s'", index, target, devices);
        rc = VGL_E_INVALID;
    }
    if (rc < 0) {
        goto done;
    }
    key = g_ascii_strdown(target, -1);
    levels = g_hash_table_lookup(fencer->levels, key);
    if (levels == NULL) {
        levels = g_array_new(FALSE, FALSE, sizeof(vgl__fencer_level));
        g_hash_table_insert(fencer->levels, g_strdup(key), levels);
    }
    for (guint i = 0; i < levels->len && rc == 0; i++) {
        if (g_array_index(levels, vgl__fencer_level, i).index == index) {
            why = g_strdup_printf("fencing level %u for '%s' exists already", index, target);
            rc = VGL_E_EXISTS;
        }
    }
    if (rc == 0) {
        g_array_append_val(levels, level);
        g_array_sort(levels, level_sort);
    } else {
        g_strfreev(level.devices);
    }
    g_free(key);
done:
    vgl__exec_give_error(error, why);
    return rc;
}

void vgl_fencer_levels_clear(vgl_fencer *fencer)
{
    if (fencer != NULL) {
        g_hash_table_remove_all(fencer->levels);
    }
}
