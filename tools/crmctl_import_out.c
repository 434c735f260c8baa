/*
 * crmctl_import_out.c — what the importers of 'crmctl import' write with
 * (crmctl_import_internal.h): statements and wrapped comments, warnings
 * kept for standard error, unique valid ids, quoted NAME=VALUE words, the
 * opening comments and the fencing warning every import carries, and the
 * check that the result loads.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <libxml/tree.h>
#include <vigil/cib.h>
#include <vigil/vigil.h>

#include "tools/crm_syntax.h"
#include "tools/crmctl_import_internal.h"

void crmctl__import_init(crmctl__import *im, const char *alerts_dir)
{
    im->text = g_string_new(NULL);
    im->warnings = g_ptr_array_new_with_free_func(g_free);
    im->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    im->alerts_dir = alerts_dir;
}

void crmctl__import_clear(crmctl__import *im)
{
    g_string_free(im->text, TRUE);
    g_ptr_array_unref(im->warnings);
    g_hash_table_destroy(im->ids);
    *im = (crmctl__import) { 0 };
}

/* ------------------------------------------------------------- output */

static void append_v(GString *s, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
static void append_v(GString *s, const char *fmt, va_list ap)
{
    g_string_append_vprintf(s, fmt, ap);
}

void crmctl__import_line(crmctl__import *im, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    append_v(im->text, fmt, ap);
    va_end(ap);
    if (!g_str_has_suffix(im->text->str, "\n"))
        g_string_append_c(im->text, '\n');
}

/* Wrap one paragraph of a comment. */
static void wrap(GString *out, const char *para, const char *first, const char *next)
{
    const char *prefix = first;
    size_t col = 0;
    char **words = g_strsplit(para, " ", -1);

    for (char **w = words; *w; w++) {
        size_t len = strlen(*w);
        if (len == 0)
            continue;
        if (col > 0 && col + 1 + len > CRMCTL__IMPORT_WIDTH) {
            g_string_append_c(out, '\n');
            col = 0;
            prefix = next;
        }
        if (col == 0) {
            g_string_append(out, prefix);
            col = strlen(prefix);
        } else {
            g_string_append_c(out, ' ');
            col++;
        }
        g_string_append(out, *w);
        col += len;
    }
    g_string_append_c(out, '\n');
    g_strfreev(words);
}

static void note_v(crmctl__import *im, const char *first, const char *fmt, va_list ap)
    G_GNUC_PRINTF(3, 0);
static void note_v(crmctl__import *im, const char *first, const char *fmt, va_list ap)
{
    GString *text = g_string_new(NULL);
    char **paras;

    append_v(text, fmt, ap);
    paras = g_strsplit(text->str, "\n", -1);
    for (char **p = paras; *p; p++) {
        if (p != paras && g_str_has_prefix(*p, "  "))
            g_string_append_printf(im->text, "# %s\n", *p); /* preformatted */
        else
            wrap(im->text, *p, p == paras ? first : "# ", "#   ");
    }
    g_strfreev(paras);
    g_string_free(text, TRUE);
}

void crmctl__import_note(crmctl__import *im, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    note_v(im, "# ", fmt, ap);
    va_end(ap);
}

void crmctl__import_warn(crmctl__import *im, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(im->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
    va_start(ap, fmt);
    note_v(im, "# WARNING: ", fmt, ap);
    va_end(ap);
}

void crmctl__import_gap(crmctl__import *im)
{
    if (im->text->len > 0 && !g_str_has_suffix(im->text->str, "\n\n"))
        g_string_append_c(im->text, '\n');
}

char *crmctl__import_id(crmctl__import *im, const char *base, const char *suffix)
{
    GString *id = g_string_new(NULL);
    char *unique;

    g_string_append(id, base);
    if (suffix != NULL)
        g_string_append_printf(id, "-%s", suffix);
    for (gsize i = 0; i < id->len; i++) {
        char c = id->str[i];
        if (!(g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.'))
            id->str[i] = '-';
    }
    if (id->len == 0 || !(g_ascii_isalpha(id->str[0]) || id->str[0] == '_'))
        g_string_prepend(id, "r-");
    unique = g_strdup(id->str);
    for (unsigned n = 2; g_hash_table_contains(im->ids, unique); n++) {
        g_free(unique);
        unique = g_strdup_printf("%s-%u", id->str, n);
    }
    g_hash_table_add(im->ids, g_strdup(unique));
    g_string_free(id, TRUE);
    return unique;
}

bool crmctl__import_nv(GString *s, const char *name, const char *value)
{
    char *q = crm_syntax_quote(value);

    if (q == NULL)
        return false;
    g_string_append_printf(s, " %s=%s", name, q);
    g_free(q);
    return true;
}

bool crmctl__import_is_address(const char *s, int *prefix)
{
    const char *slash = strchr(s, '/');
    char *addr = slash ? g_strndup(s, (gsize)(slash - s)) : g_strdup(s);
    unsigned char buf[16];
    bool v6 = strchr(addr, ':') != NULL;
    bool ok = inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) == 1;
    char *end = NULL;
    long p = -1;

    if (ok && slash != NULL) {
        p = strtol(slash + 1, &end, 10);
        ok = end != slash + 1 && *end == '\0' && p >= 0 && p <= (v6 ? 128 : 32);
    }
    if (prefix != NULL)
        *prefix = ok ? (int)p : -1;
    g_free(addr);
    return ok;
}

void crmctl__import_header(crmctl__import *im, const char *what, const char *sources)
{
    crmctl__import_note(im, "Imported by crmctl import %s%s.\n"
                        "Check it, then load it (load replaces the configuration; load --update "
                        "adds to it):\n"
                        "    crmctl config verify FILE\n"
                        "    crmctl config load FILE\n"
                        "doc/migrating.md explains each mapping.", what, sources);
}

void crmctl__import_fencing(crmctl__import *im, const char *who)
{
    crmctl__import_gap(im);
    crmctl__import_note(im, "WARNING: %s did not fence a failed node.  Vigil does, before it starts "
                        "that node's resources elsewhere (stonith-enabled=true is the default): "
                        "until a fence device is configured (doc/fencing.md), resources of a "
                        "failed node stay stopped.  To run without fencing as before (both sides "
                        "of a split may then hold the addresses), uncomment the next line.", who);
    crmctl__import_line(im, "# property stonith-enabled=false");
    g_ptr_array_add(im->warnings, g_strdup_printf("%s did not fence: configure a fence device "
                                                  "(doc/fencing.md), or uncomment 'property "
                                                  "stonith-enabled=false' in the output", who));
}

/* ------------------------------------------------------------ checking */

int crmctl__import_check(const char *text, GPtrArray *errors)
{
    xmlDoc *doc = crm_syntax_new_config();
    int rc = crm_syntax_apply(crm_syntax_config_of(doc), text, "import", NULL, errors);

    if (rc == 0) {
        xmlBuffer *buf = xmlBufferCreate();
        vgl_cib *cib = vgl_cib_new();
        xmlNodeDump(buf, doc, crm_syntax_config_of(doc), 0, 0);
        rc = vgl_cib_replace_config(cib, (const char *)xmlBufferContent(buf), -1, "import", errors);
        vgl_cib_free(cib);
        xmlBufferFree(buf);
    }
    xmlFreeDoc(doc);
    return rc;
}
