/* check_cib_util.c — see check_cib_util.h. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "check_cib_util.h"
#include "cib/cib_internal.h"

char *cibt_path(const char *rel)
{
    const char *src = getenv("VIGIL_SRCDIR");

    return g_build_filename(src ? src : "..", "tests", "cib", rel, NULL);
}

char *cibt_read(const char *rel, gsize *len)
{
    char *path = cibt_path(rel), *text = NULL;
    GError *err = NULL;

    if (!g_file_get_contents(path, &text, len, &err))
        ck_abort_msg("cannot read %s: %s", path, err->message);
    g_free(path);
    return text;
}

GPtrArray *cibt_errors(void)
{
    return g_ptr_array_new_with_free_func(g_free);
}

char *cibt_join(const GPtrArray *errors)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; errors != NULL && i < errors->len; i++)
        g_string_append_printf(s, "%s\n", (const char *)errors->pdata[i]);
    return g_string_free(s, FALSE);
}

vgl_cib *cibt_load(const char *rel)
{
    gsize len = 0;
    char *text = cibt_read(rel, &len);
    GPtrArray *errors = cibt_errors();
    vgl_cib *cib = NULL;
    int rc = vgl_cib_load_string(text, (gssize)len, rel, &cib, errors);

    if (rc != 0) {
        char *msg = cibt_join(errors);
        ck_abort_msg("%s does not load (%s):\n%s", rel, vgl_strerror(rc), msg);
    }
    g_ptr_array_unref(errors);
    g_free(text);
    return cib;
}

void cibt_assert_same(const vgl_cib *a, const vgl_cib *b)
{
    char *x = vgl_cib_serialize(a), *y = vgl_cib_serialize(b);
    size_t i = 0;

    while (x[i] && x[i] == y[i])
        i++;
    /* show where they part, not both documents */
    ck_assert_msg(x[i] == y[i], "CIBs differ at byte %zu:\n...%.300s\nversus\n...%.300s", i,
                  x + (i > 100 ? i - 100 : 0), y + (i > 100 ? i - 100 : 0));
    g_free(x);
    g_free(y);
}

void cibt_assert_version(const vgl_cib *cib, uint64_t admin_epoch, uint64_t epoch,
                         uint64_t num_updates)
{
    vgl_cib_version v;

    vgl_cib_get_version(cib, &v);
    ck_assert_msg(v.admin_epoch == admin_epoch && v.epoch == epoch && v.num_updates == num_updates,
                  "version %llu.%llu.%llu, expected %llu.%llu.%llu",
                  (unsigned long long)v.admin_epoch, (unsigned long long)v.epoch,
                  (unsigned long long)v.num_updates, (unsigned long long)admin_epoch,
                  (unsigned long long)epoch, (unsigned long long)num_updates);
}

void cibt_assert_index(const vgl_cib *cib)
{
    GHashTable *fresh = vgl__cib_index(cib->doc);
    GHashTableIter it;
    gpointer key, value;

    ck_assert_uint_eq(g_hash_table_size(fresh), g_hash_table_size(cib->ids));
    g_hash_table_iter_init(&it, cib->ids);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        xmlChar *id = xmlGetProp((const xmlNode *)value, (const xmlChar *)"id");

        ck_assert_str_eq((const char *)key, (const char *)id);
        ck_assert_ptr_eq(g_hash_table_lookup(fresh, key), value);
        xmlFree(id);
    }
    g_hash_table_unref(fresh);
}

unsigned cibt_each(const char *subdir, const char *suffix, void (*fn)(const char *name))
{
    char *dir = cibt_path(subdir);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    unsigned count = 0;

    ck_assert_msg(d != NULL, "cannot list %s", dir);
    while ((name = g_dir_read_name(d)) != NULL) {
        if (!g_str_has_suffix(name, suffix))
            continue;
        fn(name);
        count++;
    }
    g_dir_close(d);
    g_free(dir);
    return count;
}
