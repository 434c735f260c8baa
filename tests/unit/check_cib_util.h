/*
 * check_cib_util.h — helpers the CIB test programs share: finding data
 * files under tests/cib/, loading them, and comparing CIBs.
 */
#ifndef VGL_CHECK_CIB_UTIL_H
#define VGL_CHECK_CIB_UTIL_H

#include <glib.h>
#include <vigil/cib.h>

/* $VIGIL_SRCDIR/tests/cib/REL (or ../tests/cib/REL).  Caller g_free()s. */
char *cibt_path(const char *rel);

/* Read tests/cib/REL into memory (fails the test if it cannot).  g_free. */
char *cibt_read(const char *rel, gsize *len);

/* Load tests/cib/REL (labelled REL in messages), failing the test with
 * the messages if it does not load.  Caller frees with vgl_cib_free(). */
vgl_cib *cibt_load(const char *rel);

/* A fresh error list (char *, g_free). */
GPtrArray *cibt_errors(void);

/* The messages joined by newlines (for test failure output).  g_free. */
char *cibt_join(const GPtrArray *errors);

/* Fail unless a and b serialize to the same bytes. */
void cibt_assert_same(const vgl_cib *a, const vgl_cib *b);

/* Fail unless cib holds exactly the given version. */
void cibt_assert_version(const vgl_cib *cib, uint64_t admin_epoch, uint64_t epoch,
                         uint64_t num_updates);

/* Call fn(NAME) for every tests/cib/SUBDIR/NAME ending in suffix;
 * returns how many. */
unsigned cibt_each(const char *subdir, const char *suffix, void (*fn)(const char *name));

/* Fail unless the CIB's id index matches its document exactly (every key
 * is its element's id, every id is indexed): after any change, committed
 * or rolled back. */
void cibt_assert_index(const vgl_cib *cib);

#endif
