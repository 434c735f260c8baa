/*
 * cib_store.c — the CIB on disk.
 *
 * Layout of a store directory:
 *   cib.xml          the current version (vgl_cib_serialize() text)
 *   cib.xml.sig      SHA-256 hex of cib.xml's bytes, and a newline
 *   cib-N.xml(.sig)  previous versions, N increasing; the last `keep` kept
 *   *.tmp            a write in progress (ignored on load)
 *
 * A write: (1) write cib.xml.tmp and cib.xml.sig.tmp, fsync both;
 * (2) hard-link the current cib.xml(.sig) to cib-N.xml(.sig), fsync the
 * directory; (3) rename the temporaries over cib.xml and cib.xml.sig,
 * fsync the directory; (4) prune old versions.  A kill -9 anywhere leaves
 * either the old cib.xml with its signature, or a new cib.xml whose
 * signature does not match yet — which the load detects, falling back to
 * cib-N.xml, the version just archived.  So the store always loads, and a
 * write that returned 0 is what the next load finds.
 *
 * Loading walks cib.xml, then the archives newest first, and takes the
 * first whose signature matches and which validates.  Each file skipped
 * is reported.  A file that is intact but whose schema is newer than this
 * Vigil knows stops the walk: loading an older archive instead would
 * silently undo changes made by a newer version during a rolling upgrade.
 *
 * Every system call that writes goes through a table (vgl__cib_syscalls)
 * so the tests can make each one fail.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cib/cib_internal.h"

struct vgl_cib_store {
    char *dir;
    unsigned keep;
    uint64_t next_seq;           /* N of the next archive */
    bool current_bad;            /* the last load found cib.xml unusable */
    const vgl__cib_syscalls *sc;
};

static int real_open(const char *path, int flags, mode_t mode)
{
    return open(path, flags, mode);
}

const vgl__cib_syscalls vgl__cib_store_real = {
    real_open, write, fsync, close, rename, link, unlink,
};

void vgl__cib_store_set_syscalls(vgl_cib_store *store, const vgl__cib_syscalls *sc)
{
    store->sc = sc ? sc : &vgl__cib_store_real;
}

/* N when name is "cib-N.xml", else 0. */
static uint64_t archive_seq(const char *name)
{
    uint64_t n = 0;
    char *digits;

    if (!g_str_has_prefix(name, "cib-") || !g_str_has_suffix(name, ".xml"))
        return 0;
    digits = g_strndup(name + 4, strlen(name) - 8);
    if (!vgl__cib_option_uint(digits, G_MAXINT64, &n))
        n = 0;
    g_free(digits);
    return n;
}

static int seq_desc(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? 1 : x > y ? -1 : 0;
}

static char *archive_name(uint64_t seq)
{
    return g_strdup_printf("cib-%" G_GUINT64_FORMAT ".xml", seq);
}

/* The archive numbers present, newest first. */
static GArray *list_archives(const char *dir)
{
    GArray *seqs = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        uint64_t n = archive_seq(name);

        if (n > 0)
            g_array_append_val(seqs, n);
    }
    if (d != NULL)
        g_dir_close(d);
    g_array_sort(seqs, seq_desc);
    return seqs;
}

int vgl_cib_store_open(const char *dir, vgl_cib_store **out)
{
    vgl_cib_store *store;
    struct stat st;
    GArray *seqs;

    *out = NULL;
    if (dir == NULL)
        return -EINVAL;
    if (stat(dir, &st) != 0)
        return -errno;
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    if (access(dir, R_OK | W_OK | X_OK) != 0)
        return -errno;
    store = g_new0(vgl_cib_store, 1);
    store->dir = g_strdup(dir);
    store->keep = VGL_CIB_STORE_KEEP;
    store->sc = &vgl__cib_store_real;
    seqs = list_archives(dir);
    store->next_seq = seqs->len ? g_array_index(seqs, uint64_t, 0) + 1 : 1;
    g_array_free(seqs, TRUE);
    *out = store;
    return 0;
}

void vgl_cib_store_free(vgl_cib_store *store)
{
    if (store == NULL)
        return;
    g_free(store->dir);
    g_free(store);
}

void vgl_cib_store_set_keep(vgl_cib_store *store, unsigned keep)
{
    if (store != NULL)
        store->keep = keep ? keep : 1;
}

const char *vgl_cib_store_dir(const vgl_cib_store *store)
{
    return store ? store->dir : NULL;
}

/* ---- writing ---- */

static char *path_of(const vgl_cib_store *store, const char *name)
{
    return g_build_filename(store->dir, name, NULL);
}

/* Create name in the store holding data, fsync'ed.  0 or -errno. */
static int write_file(vgl_cib_store *store, const char *name, const char *data, size_t len)
{
    char *path = path_of(store, name);
    int fd = store->sc->open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = 0;

    if (fd < 0) {
        rc = -errno;
        goto done;
    }
    while (len > 0) {
        ssize_t n = store->sc->write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -errno : -EIO;
            goto done;
        }
        data += n;
        len -= (size_t)n;
    }
    if (store->sc->fsync(fd) != 0)
        rc = -errno;
done:
    if (fd >= 0 && store->sc->close(fd) != 0 && rc == 0)
        rc = -errno;
    g_free(path);
    return rc;
}

static int sync_dir(vgl_cib_store *store)
{
    int fd = store->sc->open(store->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    int rc = 0;

    if (fd < 0)
        return -errno;
    if (store->sc->fsync(fd) != 0)
        rc = -errno;
    if (store->sc->close(fd) != 0 && rc == 0)
        rc = -errno;
    return rc;
}

static int rename_in(vgl_cib_store *store, const char *from, const char *to)
{
    char *a = path_of(store, from), *b = path_of(store, to);
    int rc = store->sc->rename(a, b) == 0 ? 0 : -errno;

    g_free(a);
    g_free(b);
    return rc;
}

static void unlink_in(vgl_cib_store *store, const char *name)
{
    char *p = path_of(store, name);

    (void)store->sc->unlink(p);
    g_free(p);
}

/* Hard-link the current version (if any) to the next cib-N.xml(.sig). */
static int archive_current(vgl_cib_store *store)
{
    char *cur = path_of(store, "cib.xml"), *cur_sig = path_of(store, "cib.xml.sig");
    char *name = NULL, *arch = NULL, *arch_sig = NULL;
    int rc = 0;

    if (access(cur, F_OK) != 0 || store->current_bad)
        goto done;
    for (int tries = 0; tries < 100; tries++) {
        g_free(name);
        g_free(arch);
        g_free(arch_sig);
        name = archive_name(store->next_seq++);
        arch = path_of(store, name);
        arch_sig = g_strconcat(arch, ".sig", NULL);
        if (store->sc->link(cur, arch) == 0)
            break;
        rc = -errno;
        if (rc != -EEXIST)
            goto done;
    }
    if (rc == -EEXIST)
        goto done;
    rc = 0;
    /* a missing signature leaves an archive the load will skip */
    if (store->sc->link(cur_sig, arch_sig) != 0 && errno != ENOENT)
        rc = -errno;
done:
    g_free(cur);
    g_free(cur_sig);
    g_free(name);
    g_free(arch);
    g_free(arch_sig);
    return rc;
}

/* Remove archives beyond store->keep (best effort: failures are harmless). */
static void prune(vgl_cib_store *store)
{
    GArray *seqs = list_archives(store->dir);

    for (guint i = store->keep; i < seqs->len; i++) {
        char *name = archive_name(g_array_index(seqs, uint64_t, i));
        char *sig = g_strconcat(name, ".sig", NULL);

        unlink_in(store, sig);
        unlink_in(store, name);
        g_free(name);
        g_free(sig);
    }
    g_array_free(seqs, TRUE);
}

int vgl_cib_store_write(vgl_cib_store *store, const vgl_cib *cib)
{
    char *text, *digest, *sig;
    int rc;

    if (store == NULL || cib == NULL)
        return -EINVAL;
    text = vgl_cib_serialize(cib);
    digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
    sig = g_strconcat(digest, "\n", NULL);
    rc = write_file(store, "cib.xml.tmp", text, strlen(text));
    if (rc == 0)
        rc = write_file(store, "cib.xml.sig.tmp", sig, strlen(sig));
    if (rc == 0)
        rc = archive_current(store);
    if (rc == 0)
        rc = sync_dir(store);
    if (rc == 0)
        rc = rename_in(store, "cib.xml.tmp", "cib.xml");
    if (rc != 0) {
        unlink_in(store, "cib.xml.tmp");
        unlink_in(store, "cib.xml.sig.tmp");
        goto done;
    }
    /* From here a crash or failure leaves cib.xml without its signature:
     * the load falls back to the archive made above. */
    store->current_bad = true;
    rc = rename_in(store, "cib.xml.sig.tmp", "cib.xml.sig");
    if (rc == 0)
        rc = sync_dir(store);
    if (rc != 0) {
        unlink_in(store, "cib.xml.sig.tmp");
        goto done;
    }
    store->current_bad = false;
    prune(store);
done:
    g_free(text);
    g_free(digest);
    g_free(sig);
    return rc;
}

/* ---- loading ---- */

/* Read name and check its signature.  Returns 0, -ENOENT when the file
 * does not exist, or VGL_E_DIGEST / -errno (reported). */
static int read_signed(vgl_cib_store *store, const char *name, char **text, gsize *len,
                       GPtrArray *errors)
{
    char *path = path_of(store, name), *sig_path = g_strconcat(path, ".sig", NULL);
    char *sig = NULL, *digest = NULL;
    GError *err = NULL;
    struct stat st;
    int rc = 0;

    *text = NULL;
    if (stat(path, &st) != 0) {
        rc = -errno;
        if (rc != -ENOENT)
            vgl__cib_xml_note(errors, path, "cannot read: %s", g_strerror(-rc));
        goto done;
    }
    if (st.st_size > VGL_CIB_MAX_BYTES) {
        vgl__cib_xml_note(errors, path, "file is larger than %d bytes", VGL_CIB_MAX_BYTES);
        rc = VGL_E_LIMIT;
        goto done;
    }
    if (!g_file_get_contents(path, text, len, &err) ||
        !g_file_get_contents(sig_path, &sig, NULL, NULL)) {
        vgl__cib_xml_note(errors, path, "cannot read it or its signature (torn write?)");
        rc = -EIO;
        goto done;
    }
    digest = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)*text, *len);
    g_strchomp(sig);
    if (strcmp(sig, digest) != 0) {
        vgl__cib_xml_note(errors, path, "digest mismatch (torn or corrupt write)");
        rc = VGL_E_DIGEST;
    }
done:
    if (rc != 0)
        g_clear_pointer(text, g_free);
    if (err != NULL)
        g_error_free(err);
    g_free(path);
    g_free(sig_path);
    g_free(sig);
    g_free(digest);
    return rc;
}

/* Try one file.  Returns 0 (loaded), VGL_E_VERSION (stop: too new), or
 * another error (skip it). */
static int try_load(vgl_cib_store *store, const char *name, vgl_cib **out, GPtrArray *errors,
                    bool *exists)
{
    char *text = NULL, *path = path_of(store, name);
    gsize len = 0;
    GPtrArray *why = g_ptr_array_new_with_free_func(g_free);
    int rc = read_signed(store, name, &text, &len, errors);

    *exists = rc != -ENOENT;
    if (rc == 0) {
        rc = vgl_cib_load_string(text, (gssize)len, path, out, why);
        for (guint i = 0; errors != NULL && i < why->len; i++)
            g_ptr_array_add(errors, g_strdup(why->pdata[i]));
    }
    g_ptr_array_unref(why);
    g_free(text);
    g_free(path);
    return rc;
}

int vgl_cib_store_load(vgl_cib_store *store, vgl_cib **out, GPtrArray *errors)
{
    GArray *seqs;
    bool any = false, exists;
    int rc;

    *out = NULL;
    if (store == NULL)
        return -EINVAL;
    rc = try_load(store, "cib.xml", out, errors, &exists);
    any = exists;
    store->current_bad = exists && rc != 0;
    if (rc == 0 || rc == VGL_E_VERSION)
        return rc;
    seqs = list_archives(store->dir);
    for (guint i = 0; i < seqs->len && *out == NULL; i++) {
        char *name = archive_name(g_array_index(seqs, uint64_t, i));

        rc = try_load(store, name, out, errors, &exists);
        any |= exists;
        g_free(name);
        if (rc == VGL_E_VERSION)
            break;
    }
    g_array_free(seqs, TRUE);
    if (*out != NULL)
        return 0;
    if (rc == VGL_E_VERSION)
        return rc;
    return any ? VGL_E_INVALID : VGL_E_NOT_FOUND;
}
