/*
 * vigil.h — what every part of Vigil shares: return codes, scores,
 * durations and the ALWAYS()/NEVER() guards.
 *
 * Conventions.  Functions return 0 on success or a negative number: -errno
 * for system errors, or a vgl_rc below -1000 for domain errors; turn either
 * into text with vgl_strerror().  Scores follow Pacemaker: INFINITY is
 * 1,000,000, sums saturate at +/-INFINITY and -INFINITY wins over +INFINITY.
 */
#ifndef VIGIL_VIGIL_H
#define VIGIL_VIGIL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Domain errors, all below -1000 so they never clash with -errno. */
typedef enum vgl_rc {
    VGL_OK = 0,
    VGL_E_PARSE = -1001,      /* input is not well-formed */
    VGL_E_INVALID = -1002,    /* well-formed, but breaks a rule */
    VGL_E_UNSUPPORTED = -1003, /* outside the supported subset */
    VGL_E_NOT_FOUND = -1004,  /* no such object */
    VGL_E_EXISTS = -1005,     /* object already exists */
    VGL_E_DIGEST = -1006,     /* digest mismatch: wrong base or corruption */
    VGL_E_VERSION = -1007,    /* version too old or too new */
    VGL_E_PERM = -1008,       /* not permitted */
    VGL_E_NO_QUORUM = -1009,  /* the partition has no quorum */
    VGL_E_UNAVAILABLE = -1010, /* cluster or daemon not reachable */
    VGL_E_TIMEOUT = -1011,    /* gave up waiting */
    VGL_E_PROTOCOL = -1012,   /* peer spoke a protocol we do not */
    VGL_E_BUSY = -1013,       /* try again later */
    VGL_E_LIMIT = -1014,      /* a size or count limit was exceeded */
} vgl_rc;

/* Text for 0, -errno or a vgl_rc; never NULL, static storage. */
const char *vgl_strerror(int rc);

/* ---- scores ---- */
#define VGL_INFINITY 1000000
typedef int32_t vgl_score;

/* Parse "100", "-50", "INFINITY", "+INFINITY", "-INFINITY" (also "inf").
 * Values beyond +/-INFINITY saturate.  [out] *out is 0 on failure.
 * Returns 0 or VGL_E_INVALID. */
int vgl_score_parse(const char *text, vgl_score *out);

/* a + b with Pacemaker's rules: saturating, -INFINITY dominates. */
vgl_score vgl_score_add(vgl_score a, vgl_score b);

/* Write "INFINITY", "-INFINITY" or the number into buf (>= 16 bytes). */
const char *vgl_score_str(vgl_score s, char buf[16]);

/* ---- durations ---- */
/* Parse a Pacemaker/ISO-ish duration into milliseconds: "10" (seconds),
 * "10s", "500ms", "2min", "2m", "1h", "1d", "1h30m", "PT5M", "INFINITY".
 * INFINITY gives INT64_MAX.  Returns 0 or VGL_E_INVALID ([out] *ms = 0). */
int vgl_duration_parse_ms(const char *text, int64_t *ms);

/* Parse a boolean the way Pacemaker does (true/false, yes/no, on/off,
 * y/n, 1/0, case-insensitive).  Returns 0 or VGL_E_INVALID. */
int vgl_bool_parse(const char *text, bool *out);

/* ---- guards (from SQLite): assert in debug builds, recover in production */
#ifdef VGL_DEBUG_ASSERTS
#include <assert.h>
#define ALWAYS(x) (assert(x), 1)
#define NEVER(x) (assert(!(x)), 0)
#else
#define ALWAYS(x) (!!(x))
#define NEVER(x) (!!(x))
#endif

#ifdef __cplusplus
}
#endif
#endif
