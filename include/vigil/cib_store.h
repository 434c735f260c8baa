/*
 * cib_store.h — the CIB on disk: atomic, checksummed, with history.
 *
 * A store is a directory holding the current CIB as cib.xml, its SHA-256
 * in cib.xml.sig, and the previous versions as cib-N.xml / cib-N.xml.sig
 * (N increasing, the last few kept).  A write goes to a temporary file,
 * is fsync'ed, renamed over cib.xml, and the directory is fsync'ed; a
 * kill -9 at any point leaves a store that loads (the new version or the
 * previous one).  Loading checks the digest, parses and validates; a torn
 * or corrupt file is reported and the newest good version is used.
 * The layout is in doc/cib.md.
 */
#ifndef VIGIL_CIB_STORE_H
#define VIGIL_CIB_STORE_H

#include <glib.h>

#include <vigil/cib.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vgl_cib_store vgl_cib_store;

/* How many previous versions a store keeps by default. */
#define VGL_CIB_STORE_KEEP 10

/* Open the store in directory [in] dir (which must exist and be
 * writable; nothing is written until vgl_cib_store_write()).
 * [out] *out is the store, or NULL on failure; caller frees with
 * vgl_cib_store_free().  Returns 0 or -errno (-ENOENT, -ENOTDIR, -EACCES). */
int vgl_cib_store_open(const char *dir, vgl_cib_store **out);

/* Close and free; NULL is fine.  Does not touch the files. */
void vgl_cib_store_free(vgl_cib_store *store);

/* How many previous versions to keep (at least 1). */
void vgl_cib_store_set_keep(vgl_cib_store *store, unsigned keep);

/* Write [in] cib as the current version, durably: when this returns 0 the
 * new version survives a crash.  On failure (-errno) the previous version
 * is still the one a load finds, and temporary files are removed. */
int vgl_cib_store_write(vgl_cib_store *store, const vgl_cib *cib);

/* Load the newest good version.
 *   [out] out     the CIB, or NULL; caller frees with vgl_cib_free()
 *   [out] errors  optional: every bad file skipped on the way, as
 *                 "DIR/cib.xml: digest mismatch (torn or corrupt write)"
 * Returns 0 (possibly with errors: an older version was used),
 * VGL_E_NOT_FOUND (the store is empty), VGL_E_VERSION (the newest file is
 * intact but its schema is newer than this Vigil knows: refused, never
 * silently downgraded), VGL_E_INVALID (files exist but none is good), or
 * -errno. */
int vgl_cib_store_load(vgl_cib_store *store, vgl_cib **out, GPtrArray *errors);

/* The directory ([in] store; owned by the store). */
const char *vgl_cib_store_dir(const vgl_cib_store *store);

#ifdef __cplusplus
}
#endif
#endif
