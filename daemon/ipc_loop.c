/*
 * ipc_loop.c — runs libqb's IPC server inside glib's default main context.
 *
 * libqb does not own a loop here: it hands us file descriptors to watch
 * (dispatch_add/mod/del, keyed by fd alone) and one-shot jobs (job_add).
 * Each watched fd becomes a small GSource that calls libqb's callback with
 * poll(2) revents, which glib's GIOCondition matches bit for bit on Linux.
 *
 * The one global: `watches`, fd -> watch, because dispatch_del() gives us
 * nothing but the fd.  It lives while at least one server does
 * (acquire/release count) and is only used from the main loop's thread.
 *
 * Traps.  libqb deletes a watch from inside that watch's own callback and
 * may add a new watch on the same fd before returning (connection set-up
 * does exactly that), so a callback's return value must never remove
 * whatever watch now holds its fd: the table entry is checked by identity.
 * A callback that returns < 0 means "stop watching" (qb_loop semantics).
 */
#include "config.h"

#include <errno.h>

#include <glib.h>
#include <vigil/vigil.h>

#include "daemon/ipc_internal.h"

typedef struct ipc_watch {
    GSource src;
    gpointer tag;
    int32_t fd;
    void *data;
    qb_ipcs_dispatch_fn_t fn;
} ipc_watch;

static GHashTable *watches;
static unsigned users;

static int prio_to_glib(enum qb_loop_priority p)
{
    switch (p) {
    case QB_LOOP_HIGH: return G_PRIORITY_HIGH;
    case QB_LOOP_LOW: return G_PRIORITY_LOW;
    default: return G_PRIORITY_DEFAULT;
    }
}

static GIOCondition events_to_glib(int32_t events)
{
    return (GIOCondition)events & (G_IO_IN | G_IO_PRI | G_IO_OUT | G_IO_ERR | G_IO_HUP | G_IO_NVAL);
}

static gboolean watch_dispatch(GSource *src, GSourceFunc cb, gpointer ud)
{
    ipc_watch *w = (ipc_watch *)src;
    GIOCondition revents = g_source_query_unix_fd(src, w->tag);
    int32_t res = w->fn(w->fd, (int32_t)revents, w->data);

    if (g_source_is_destroyed(src)) {
        return G_SOURCE_REMOVE;     /* libqb deleted it during the call */
    }
    if (res < 0) {
        if (g_hash_table_lookup(watches, GINT_TO_POINTER(w->fd)) == w) {
            g_hash_table_remove(watches, GINT_TO_POINTER(w->fd));
        }
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs watch_funcs = {
    .dispatch = watch_dispatch,
};

/* Table value destructor: detach the source and drop the table's ref. */
static void watch_drop(gpointer p)
{
    g_source_destroy(p);
    g_source_unref(p);
}

static int32_t loop_dispatch_add(enum qb_loop_priority p, int32_t fd, int32_t events,
                                 void *data, qb_ipcs_dispatch_fn_t fn)
{
    ipc_watch *w;

    if (!ALWAYS(watches != NULL) || fd < 0 || fn == NULL) {
        return -EINVAL;
    }
    if (g_hash_table_contains(watches, GINT_TO_POINTER(fd))) {
        return -EEXIST;
    }
    w = (ipc_watch *)g_source_new(&watch_funcs, sizeof(*w));
    w->fd = fd;
    w->data = data;
    w->fn = fn;
    w->tag = g_source_add_unix_fd(&w->src, fd, events_to_glib(events));
    g_source_set_priority(&w->src, prio_to_glib(p));
    g_source_set_name(&w->src, "vigil-ipc");
    g_source_attach(&w->src, NULL);
    g_hash_table_insert(watches, GINT_TO_POINTER(fd), w);
    return 0;
}

static int32_t loop_dispatch_mod(enum qb_loop_priority p, int32_t fd, int32_t events,
                                 void *data, qb_ipcs_dispatch_fn_t fn)
{
    ipc_watch *w = watches != NULL ? g_hash_table_lookup(watches, GINT_TO_POINTER(fd)) : NULL;

    if (w == NULL) {
        return -ENOENT;
    }
    w->data = data;
    w->fn = fn;
    g_source_modify_unix_fd(&w->src, w->tag, events_to_glib(events));
    g_source_set_priority(&w->src, prio_to_glib(p));
    return 0;
}

static int32_t loop_dispatch_del(int32_t fd)
{
    if (watches == NULL || !g_hash_table_remove(watches, GINT_TO_POINTER(fd))) {
        return -ENOENT;
    }
    return 0;
}

typedef struct ipc_job {
    void *data;
    qb_loop_job_dispatch_fn fn;
} ipc_job;

static gboolean job_run(gpointer p)
{
    ipc_job *job = p;

    job->fn(job->data);
    return G_SOURCE_REMOVE;
}

static int32_t loop_job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
    ipc_job *job = g_new(ipc_job, 1);

    job->data = data;
    job->fn = fn;
    g_idle_add_full(prio_to_glib(p), job_run, job, g_free);
    return 0;
}

static struct qb_ipcs_poll_handlers loop_handlers = {
    .job_add = loop_job_add,
    .dispatch_add = loop_dispatch_add,
    .dispatch_mod = loop_dispatch_mod,
    .dispatch_del = loop_dispatch_del,
};

struct qb_ipcs_poll_handlers *vgl__ipc_loop_acquire(void)
{
    if (users++ == 0) {
        watches = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, watch_drop);
    }
    return &loop_handlers;
}

void vgl__ipc_loop_release(void)
{
    if (!ALWAYS(users > 0)) {
        return;
    }
    if (--users == 0) {
        /* Any watch left here is libqb's; its fd is closed by now. */
        g_clear_pointer(&watches, g_hash_table_destroy);
    }
}

unsigned vgl__ipc_loop_watches(void)
{
    return watches != NULL ? g_hash_table_size(watches) : 0;
}
