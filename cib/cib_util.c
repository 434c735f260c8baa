/*
 * cib_util.c — the small value types every part of Vigil parses: scores,
 * durations, booleans, and the text of return codes.
 *
 * All functions are pure and reentrant.  Parsers accept exactly the
 * spellings Pacemaker accepts for the same values and refuse anything else
 * (trailing garbage, empty strings, overflow) with VGL_E_INVALID.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <vigil/vigil.h>

const char *vgl_strerror(int rc)
{
    switch (rc) {
    case VGL_OK: return "success";
    case VGL_E_PARSE: return "not well-formed";
    case VGL_E_INVALID: return "invalid";
    case VGL_E_UNSUPPORTED: return "not supported";
    case VGL_E_NOT_FOUND: return "not found";
    case VGL_E_EXISTS: return "already exists";
    case VGL_E_DIGEST: return "digest mismatch";
    case VGL_E_VERSION: return "version mismatch";
    case VGL_E_PERM: return "permission denied";
    case VGL_E_NO_QUORUM: return "no quorum";
    case VGL_E_UNAVAILABLE: return "cluster unavailable";
    case VGL_E_TIMEOUT: return "timed out";
    case VGL_E_PROTOCOL: return "protocol mismatch";
    case VGL_E_BUSY: return "busy";
    case VGL_E_LIMIT: return "limit exceeded";
    default: break;
    }
    if (rc < 0 && rc > -1000)
        return strerror(-rc);
    return "unknown error";
}

int vgl_score_parse(const char *text, vgl_score *out)
{
    const char *p = text;
    int sign = 1;
    char *end = NULL;
    long long v;

    *out = 0;
    if (text == NULL || *text == '\0')
        return VGL_E_INVALID;
    if (*p == '+' || *p == '-') {
        sign = (*p == '-') ? -1 : 1;
        p++;
    }
    if (strcasecmp(p, "INFINITY") == 0 || strcasecmp(p, "inf") == 0) {
        *out = sign * VGL_INFINITY;
        return 0;
    }
    if (!isdigit((unsigned char)*p))
        return VGL_E_INVALID;
    errno = 0;
    v = strtoll(p, &end, 10);
    if (*end != '\0')
        return VGL_E_INVALID;
    if (errno == ERANGE || v > VGL_INFINITY)
        v = VGL_INFINITY;
    *out = (vgl_score)(sign * v);
    return 0;
}

vgl_score vgl_score_add(vgl_score a, vgl_score b)
{
    long long s;

    if (a <= -VGL_INFINITY || b <= -VGL_INFINITY)
        return -VGL_INFINITY;
    if (a >= VGL_INFINITY || b >= VGL_INFINITY)
        return VGL_INFINITY;
    s = (long long)a + b;
    if (s >= VGL_INFINITY)
        return VGL_INFINITY;
    if (s <= -VGL_INFINITY)
        return -VGL_INFINITY;
    return (vgl_score)s;
}

const char *vgl_score_str(vgl_score s, char buf[16])
{
    if (s >= VGL_INFINITY)
        return strcpy(buf, "INFINITY");
    if (s <= -VGL_INFINITY)
        return strcpy(buf, "-INFINITY");
    snprintf(buf, 16, "%d", (int)s);
    return buf;
}

/* Multiplier in ms for a unit suffix, or 0 when unknown. */
static int64_t unit_ms(const char *u, size_t len)
{
    static const struct { const char *name; int64_t ms; } units[] = {
        { "ms", 1 }, { "msec", 1 }, { "us", 0 }, { "s", 1000 },
        { "sec", 1000 }, { "m", 60000 }, { "min", 60000 },
        { "h", 3600000 }, { "hr", 3600000 }, { "d", 86400000 },
    };
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strlen(units[i].name) == len && strncasecmp(u, units[i].name, len) == 0)
            return units[i].ms;
    }
    return 0;
}

/* ISO 8601 duration: P[nD]T[nH][nM][nS] (no years or months). */
static int parse_iso(const char *p, int64_t *ms)
{
    int64_t total = 0;
    bool in_time = false, any = false;

    p++; /* 'P' */
    while (*p) {
        char *end;
        long long v;

        if (*p == 'T' || *p == 't') {
            in_time = true;
            p++;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            return VGL_E_INVALID;
        errno = 0;
        v = strtoll(p, &end, 10);
        if (errno == ERANGE || v > 1000000000LL)
            return VGL_E_INVALID;
        switch (*end) {
        case 'D': case 'd':
            if (in_time)
                return VGL_E_INVALID;
            total += v * 86400000LL;
            break;
        case 'H': case 'h':
            if (!in_time) return VGL_E_INVALID;
            total += v * 3600000LL;
            break;
        case 'M': case 'm':
            if (!in_time) return VGL_E_INVALID;
            total += v * 60000LL;
            break;
        case 'S': case 's':
            if (!in_time) return VGL_E_INVALID;
            total += v * 1000LL;
            break;
        default:
            return VGL_E_INVALID;
        }
        any = true;
        p = end + 1;
    }
    if (!any)
        return VGL_E_INVALID;
    *ms = total;
    return 0;
}

int vgl_duration_parse_ms(const char *text, int64_t *ms)
{
    const char *p = text;
    int64_t total = 0;
    bool any = false;

    *ms = 0;
    if (text == NULL)
        return VGL_E_INVALID;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0')
        return VGL_E_INVALID;
    if (strcasecmp(p, "INFINITY") == 0 || strcasecmp(p, "+INFINITY") == 0) {
        *ms = INT64_MAX;
        return 0;
    }
    if (*p == 'P' || *p == 'p')
        return parse_iso(p, ms);
    /* one or more NUMBER[UNIT] groups: "10", "10s", "1h30m" */
    while (*p) {
        char *end;
        long long v;
        const char *u;
        int64_t mult = 1000;

        if (!isdigit((unsigned char)*p))
            return VGL_E_INVALID;
        errno = 0;
        v = strtoll(p, &end, 10);
        if (errno == ERANGE || v > 1000000000000LL)
            return VGL_E_INVALID;
        u = end;
        while (isspace((unsigned char)*u))
            u++;
        end = (char *)u;
        while (isalpha((unsigned char)*end))
            end++;
        if (end > u) {
            mult = unit_ms(u, (size_t)(end - u));
            if (mult == 0)
                return VGL_E_INVALID;
        } else if (any) {
            return VGL_E_INVALID; /* "1h30" is ambiguous */
        }
        total += v * mult;
        any = true;
        p = end;
        while (isspace((unsigned char)*p))
            p++;
    }
    *ms = total;
    return 0;
}

int vgl_bool_parse(const char *text, bool *out)
{
    static const char *yes[] = { "true", "yes", "on", "y", "1" };
    static const char *no[] = { "false", "no", "off", "n", "0" };

    *out = false;
    if (text == NULL)
        return VGL_E_INVALID;
    for (size_t i = 0; i < 5; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0)
            return 0;
    }
    return VGL_E_INVALID;
}
