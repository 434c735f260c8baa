/*
 * fuzz_cib.c — libFuzzer target for everything in the CIB library that
 * reads bytes from outside: loading (parse + validate), replacing the
 * configuration, and applying a diff (the replication format).
 *
 * Besides "no crash, no leak, no undefined behaviour", it checks the
 * library's promises on every input:
 *   - a CIB that loads serializes, reloads and serializes to the same bytes;
 *   - a diff either applies, leaving a valid CIB, or leaves the base
 *     byte-identical;
 *   - a refused configuration leaves the CIB byte-identical.
 * Inputs starting with "<vigil_diff" go to the diff path; the base is
 * tests/cib/good/pacemaker-web.xml (found through VIGIL_SRCDIR), so the
 * seed diffs in tests/cib/diffs/ apply to it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/cib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vgl_cib *base;
static char *base_text;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *src = getenv("VIGIL_SRCDIR");
    char *path = g_build_filename(src ? src : ".", "tests", "cib", "good", "pacemaker-web.xml", NULL);

    (void)argc;
    (void)argv;
    if (vgl_cib_load_file(path, &base, NULL) != 0)
        base = vgl_cib_new();
    base_text = vgl_cib_serialize(base);
    g_free(path);
    return 0;
}

static void check_round_trip(const vgl_cib *cib)
{
    char *text = vgl_cib_serialize(cib), *again_text;
    vgl_cib *again = NULL;

    if (vgl_cib_load_string(text, -1, "again", &again, NULL) != 0)
        abort(); /* what we write, we must read */
    again_text = vgl_cib_serialize(again);
    if (strcmp(text, again_text) != 0)
        abort();
    g_free(text);
    g_free(again_text);
    vgl_cib_free(again);
}

static void check_unchanged(const vgl_cib *cib, const char *before)
{
    char *after = vgl_cib_serialize(cib);

    if (strcmp(before, after) != 0)
        abort();
    g_free(after);
}

static void fuzz_diff(const char *text, size_t size)
{
    vgl_cib *c = vgl_cib_copy(base);

    if (vgl_cib_diff_apply(c, text, (gssize)size, NULL) == 0) {
        if (vgl_cib_validate(c, NULL) != 0)
            abort();
        check_round_trip(c);
    } else {
        check_unchanged(c, base_text);
    }
    vgl_cib_free(c);
}

static void fuzz_load(const char *text, size_t size)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    vgl_cib *cib = NULL, *other = vgl_cib_copy(base);
    char *digest;

    if (vgl_cib_load_string(text, (gssize)size, "fuzz", &cib, errors) == 0) {
        if (errors->len != 0 || vgl_cib_validate(cib, NULL) != 0)
            abort();
        check_round_trip(cib);
        digest = vgl_cib_digest(cib);
        g_free(digest);
        g_free(vgl_cib_diff(base, cib));
    } else if (errors->len == 0) {
        abort(); /* every refusal says why */
    }
    if (vgl_cib_replace_config(other, text, (gssize)size, "fuzz", NULL) != 0)
        check_unchanged(other, base_text);
    vgl_cib_free(other);
    vgl_cib_free(cib);
    g_ptr_array_unref(errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a NUL-terminated copy: libFuzzer's data is not */
    char *text = g_malloc(size + 1);

    memcpy(text, data, size);
    text[size] = '\0';
    if (size >= 11 && memcmp(text, "<vigil_diff", 11) == 0)
        fuzz_diff(text, size);
    else
        fuzz_load(text, size);
    g_free(text);
    return 0;
}
