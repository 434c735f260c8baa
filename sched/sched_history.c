/*
 * sched_history.c — reading resource histories (lrm_resource elements and
 * their lrm_rsc_op children) out of the status section, and the status
 * cache that keeps what was read from one run to the next.
 *
 * Workload: on a large cluster this is nearly all of a cold run: 10,000
 * resources on 32 nodes are 320,000 lrm_resource elements with about
 * 330,000 ops of seven attributes each, and libxml2 keeps every attribute
 * value as a separate text node.  So each op's attributes are walked once,
 * names are told apart by their first letter before one comparison,
 * numbers are parsed without strtol() when they are plain digits, and
 * nothing is allocated per attribute.  A cold run puts what it reads in a
 * bump arena freed with the run; strings stay in the document.
 *
 * The cache (vgl_sched_cache) keeps, per node name, the node's histories
 * in document order, each one block of memory holding its ops and copies
 * of its strings.  It holds only parsed document content, never anything
 * that depends on the configuration, the view or the time, so replaying
 * cached histories gives exactly what replaying freshly read ones gives.
 * A history is re-read when it was forgotten (vgl_sched_cache_forget()):
 * a forgotten node is re-read whole; otherwise the node's lrm_resource
 * list is walked (element and id only) to keep document order, taking
 * unforgotten histories from the cache by id and reading the others.
 * Invariants: a cache entry is used at most once per walk (a duplicated id
 * is read each time); a node_state seen twice in one document is read cold;
 * nodes not seen in a run are dropped; another document drops everything.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sched/sched_internal.h"

/* ------------------------------------------------------------- arena */

#define ARENA_BLOCK (256 * 1024)

void *vgl__sched_arena_alloc(sc_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > a->left) {
        size_t size = MAX(n, (size_t)ARENA_BLOCK);
        if (a->blocks == NULL)
            a->blocks = g_ptr_array_new_with_free_func(g_free);
        a->cur = g_malloc(size);
        g_ptr_array_add(a->blocks, a->cur);
        a->left = size;
    }
    void *p = a->cur;
    a->cur += n;
    a->left -= n;
    return p;
}

void vgl__sched_arena_free(sc_arena *a)
{
    if (a->blocks != NULL)
        g_ptr_array_free(a->blocks, TRUE);
    memset(a, 0, sizeof(*a));
}

/* ---------------------------------------------------------- one op */

/* strtol()-based: what the status pass has always accepted. */
static int parse_int_slow(const char *v, int dflt)
{
    char *end;
    long l = strtol(v, &end, 10);
    return (*end == '\0' && l >= -1000000000L && l <= 1000000000L) ? (int)l : dflt;
}

/* True when [in] p is 1 to 17 decimal digits and nothing else: then
 * [out] *x is its value (what strtol() and strtoul() give for it). */
static bool plain_digits(const char *p, int64_t *x)
{
    int64_t v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 18) {
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    *x = v;
    return *p == '\0' && digits > 0 && digits < 18;
}

/* An int in [-1e9, 1e9], else [in] dflt; plain digits (optionally
 * negative) are parsed here, anything else by strtol() with the same
 * result. */
static int parse_int(const char *v, int dflt)
{
    int64_t x;
    if (v == NULL || *v == '\0')
        return dflt;
    if (!plain_digits(v + (*v == '-'), &x))
        return parse_int_slow(v, dflt);
    if (*v == '-')
        x = -x;
    return (x >= -1000000000L && x <= 1000000000L) ? (int)x : dflt;
}

/* A non-negative time in seconds (last-rc-change: about 1.7e9 today, out
 * of parse_int()'s range), else 0. */
static int64_t parse_time(const char *v)
{
    int64_t x;
    return v != NULL && plain_digits(v, &x) ? x : 0;
}

/* The value as the op fields have always been read: a single child's
 * content. */
static const char *attr_value(const xmlAttr *a)
{
    return (a->children != NULL && a->children->next == NULL) ? (const char *)a->children->content : NULL;
}

/* The value as vgl__sched_attr() reads it ("" when empty, NULL when not
 * one text node). */
static const char *attr_text(const xmlAttr *a)
{
    if (a->children == NULL)
        return "";
    if (a->children->next == NULL && a->children->type == XML_TEXT_NODE)
        return (const char *)a->children->content;
    return NULL;
}

static sc_task task_kind(const char *task)
{
    if (task == NULL)
        return SC_TASK_OTHER;
    if (strcmp(task, "monitor") == 0)
        return SC_TASK_MONITOR;
    if (strcmp(task, "start") == 0)
        return SC_TASK_START;
    if (strcmp(task, "stop") == 0)
        return SC_TASK_STOP;
    return SC_TASK_OTHER;
}

/* The interval attribute, read both ways (the first one for the actions,
 * the last one for the status pass, as two lookups would). */
static void read_interval(const xmlAttr *a, sc_hop *h, bool *seen)
{
    const char *value = attr_value(a);
    h->interval_ms = (uint32_t)MAX(parse_int(value, 0), 0);
    if (!*seen) {
        const char *v = attr_text(a);
        int64_t x;
        *seen = true;
        h->iv_set = v != NULL;
        if (v == value && v != NULL && plain_digits(v, &x))
            h->iv_raw = (unsigned long)x; /* the usual case, without strtoul() */
        else
            h->iv_raw = v != NULL ? strtoul(v, NULL, 10) : 0;
    }
}

/* One pass over the op's attributes; false when it has no operation. */
static bool hop_read(xmlNode *c, sc_hop *h)
{
    bool iv_seen = false, digest_seen = false;
    memset(h, 0, sizeof(*h));
    for (xmlAttr *a = c->properties; a != NULL; a = a->next) {
        const char *n = (const char *)a->name;
        int *field = NULL;
        /* look at a value only when the name is wanted: every value is
         * one more node to fetch from memory */
        switch (n[0]) {
        case 'o': /* operation, op-status, op-digest: one strcmp() each */
            if (n[1] == 'p' && n[2] == 'e' && strcmp(n, "operation") == 0)
                h->task = attr_value(a);
            else if (n[1] == 'p' && n[2] == '-' && n[3] == 's' && strcmp(n, "op-status") == 0)
                field = &h->status;
            else if (n[1] == 'p' && n[2] == '-' && n[3] == 'd' && !digest_seen && strcmp(n, "op-digest") == 0)
                h->digest = attr_text(a), digest_seen = true;
            break;
        case 'c': field = strcmp(n, "call-id") == 0 ? &h->call_id : NULL; break;
        case 'r': field = strcmp(n, "rc-code") == 0 ? &h->rc : NULL; break;
        case 'i': /* not "id" */
            if (n[1] == 'n' && strcmp(n, "interval") == 0) /* plain ms in the status section */
                read_interval(a, h, &iv_seen);
            break;
        case 'l':
            if (strcmp(n, "last-rc-change") == 0)
                h->changed = parse_time(attr_value(a));
            break;
        default: break;
        }
        if (field != NULL)
            *field = parse_int(attr_value(a), 0);
    }
    h->kind = task_kind(h->task);
    return h->task != NULL;
}

static int hop_cmp(const void *a, const void *b)
{
    const sc_hop *x = a, *y = b;
    int cx = x->call_id < 0 ? G_MAXINT : x->call_id;
    int cy = y->call_id < 0 ? G_MAXINT : y->call_id;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return x->changed < y->changed ? -1 : x->changed > y->changed;
}

/* ---------------------------------------------------- one lrm_resource */

#define HOPS_ON_STACK 8

typedef struct reader {
    sc_hop stack[HOPS_ON_STACK];
    GArray *heap;
    size_t n;
} reader;

static void reader_add(reader *rd, const sc_hop *h)
{
    if (rd->n == HOPS_ON_STACK && rd->heap == NULL) {
        rd->heap = g_array_new(FALSE, FALSE, sizeof(sc_hop));
        g_array_append_vals(rd->heap, rd->stack, rd->n);
    }
    if (rd->heap != NULL)
        g_array_append_val(rd->heap, *h);
    else
        rd->stack[rd->n] = *h;
    rd->n++;
}

/* The ops of [in] lr, sorted into replay order; *id its id (NULL: none). */
static sc_hop *read_ops(xmlNode *lr, reader *rd, const char **id)
{
    *id = vgl__sched_attr(lr, "id");
    rd->heap = NULL;
    rd->n = 0;
    if (*id == NULL)
        return NULL;
    for (xmlNode *c = lr->children; c != NULL; c = c->next) {
        sc_hop h;
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "lrm_rsc_op") == 0 && hop_read(c, &h))
            reader_add(rd, &h);
    }
    sc_hop *ops = rd->heap != NULL ? (sc_hop *)(void *)rd->heap->data : rd->stack;
    if (rd->n > 1)
        qsort(ops, rd->n, sizeof(sc_hop), hop_cmp);
    return ops;
}

const sc_hist *vgl__sched_hist_read(vgl_transition *t, xmlNode *lr)
{
    reader rd;
    const char *id;
    sc_hop *ops = read_ops(lr, &rd, &id);
    if (id == NULL)
        return NULL;
    sc_hist *h = vgl__sched_arena_alloc(&t->hist_arena, sizeof(sc_hist) + rd.n * sizeof(sc_hop));
    h->id = id;
    h->n_ops = rd.n;
    h->ops = (sc_hop *)(void *)(h + 1);
    h->mark = 0;
    h->ref = NULL;
    if (rd.n > 0)
        memcpy(h->ops, ops, rd.n * sizeof(sc_hop));
    if (rd.heap != NULL)
        g_array_free(rd.heap, TRUE);
    return h;
}

/* ------------------------------------------------------------ cache */

typedef struct cnode {
    vgl_sched_cache *cache;
    GPtrArray *entries;   /* sc_hist * in document order (each one block, owned) */
    GHashTable *by_id;    /* id -> sc_hist * (the first of that id) */
    GHashTable *stale_ids;/* rsc ids to re-read (owned keys), or NULL */
    bool stale;           /* re-read it all */
    uint64_t seen_run;
} cnode;

struct vgl_sched_cache {
    GHashTable *nodes;    /* uname (owned) -> cnode */
    GHashTable *ids;      /* id -> sc_idref (owned, counted by histories) */
    const xmlDoc *doc;    /* the document of the previous run */
    uint64_t run;
    uint64_t walk;
    size_t reads, reuses;
};

static void hist_free(vgl_sched_cache *cache, sc_hist *h)
{
    if (--h->ref->refs == 0) {
        g_hash_table_remove(cache->ids, h->ref->id);
        g_free(h->ref);
    }
    g_free(h);
}

static void cnode_free(gpointer p)
{
    cnode *c = p;
    for (guint i = 0; i < c->entries->len; i++)
        hist_free(c->cache, g_ptr_array_index(c->entries, i));
    g_ptr_array_free(c->entries, TRUE);
    g_hash_table_destroy(c->by_id);
    if (c->stale_ids != NULL)
        g_hash_table_destroy(c->stale_ids);
    g_free(c);
}

vgl_sched_cache *vgl_sched_cache_new(void)
{
    vgl_sched_cache *c = g_new0(vgl_sched_cache, 1);
    c->nodes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cnode_free);
    c->ids = g_hash_table_new(g_str_hash, g_str_equal);
    return c;
}

void vgl_sched_cache_free(vgl_sched_cache *cache)
{
    if (cache == NULL)
        return;
    g_hash_table_destroy(cache->nodes); /* releases every id */
    g_hash_table_destroy(cache->ids);
    g_free(cache);
}

static void cnode_forget(cnode *c, const char *rsc_id)
{
    if (rsc_id == NULL) {
        c->stale = true;
        return;
    }
    if (c->stale_ids == NULL)
        c->stale_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!g_hash_table_contains(c->stale_ids, rsc_id))
        g_hash_table_add(c->stale_ids, g_strdup(rsc_id));
}

void vgl_sched_cache_forget(vgl_sched_cache *cache, const char *uname, const char *rsc_id)
{
    if (cache == NULL)
        return;
    if (uname == NULL && rsc_id == NULL) {
        g_hash_table_remove_all(cache->nodes);
        return;
    }
    if (uname != NULL) {
        cnode *c = g_hash_table_lookup(cache->nodes, uname);
        if (c != NULL)
            cnode_forget(c, rsc_id);
        return; /* a node not cached is read whole anyway */
    }
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, cache->nodes);
    while (g_hash_table_iter_next(&it, NULL, &v))
        cnode_forget(v, rsc_id);
}

size_t vgl_sched_cache_read_count(const vgl_sched_cache *cache)
{
    return cache != NULL ? cache->reads : 0;
}

size_t vgl_sched_cache_reuse_count(const vgl_sched_cache *cache)
{
    return cache != NULL ? cache->reuses : 0;
}

static sc_idref *id_intern(vgl_sched_cache *cache, const char *id)
{
    sc_idref *ref = g_hash_table_lookup(cache->ids, id);
    if (ref == NULL) {
        size_t len = strlen(id);
        ref = g_malloc0(sizeof(sc_idref) + len + 1);
        memcpy(ref->id, id, len + 1);
        g_hash_table_insert(cache->ids, ref->id, ref);
    }
    ref->refs++;
    return ref;
}

/* A history of its own: one block with its ops and copies of its strings. */
static sc_hist *hist_copy(vgl_sched_cache *cache, const char *id, const sc_hop *ops, size_t n)
{
    size_t size = sizeof(sc_hist) + n * sizeof(sc_hop);
    for (size_t i = 0; i < n; i++)
        size += strlen(ops[i].task) + 1 + (ops[i].digest != NULL ? strlen(ops[i].digest) + 1 : 0);
    sc_hist *h = g_malloc(size);
    h->n_ops = n;
    h->ops = (sc_hop *)(void *)(h + 1);
    h->mark = 0;
    char *s = (char *)(h->ops + n);
    if (n > 0)
        memcpy(h->ops, ops, n * sizeof(sc_hop));
    h->ref = id_intern(cache, id);
    h->id = h->ref->id;
    for (size_t i = 0; i < n; i++) {
        h->ops[i].task = s;
        s = stpcpy(s, ops[i].task) + 1;
        if (ops[i].digest != NULL) {
            h->ops[i].digest = s;
            s = stpcpy(s, ops[i].digest) + 1;
        }
    }
    return h;
}

static sc_hist *cache_read(vgl_sched_cache *cache, xmlNode *lr)
{
    reader rd;
    const char *id;
    sc_hop *ops = read_ops(lr, &rd, &id);
    sc_hist *h = id != NULL ? hist_copy(cache, id, ops, rd.n) : NULL;
    if (rd.heap != NULL)
        g_array_free(rd.heap, TRUE);
    cache->reads += h != NULL;
    return h;
}

/* Forgotten: the id itself, or the resource an instance "rsc:N" is of. */
static bool id_stale(const cnode *c, const char *id)
{
    if (c->stale_ids == NULL)
        return false;
    if (g_hash_table_contains(c->stale_ids, id))
        return true;
    const char *colon = strchr(id, ':');
    if (colon == NULL)
        return false;
    char *base = g_strndup(id, (gsize)(colon - id));
    bool hit = g_hash_table_contains(c->stale_ids, base);
    g_free(base);
    return hit;
}

/* The cached history for [in] id if it may be used in this walk. */
static sc_hist *reusable(vgl_sched_cache *cache, cnode *c, const char *id)
{
    if (c->stale || id_stale(c, id))
        return NULL;
    sc_hist *h = g_hash_table_lookup(c->by_id, id);
    if (h == NULL || h->mark == cache->walk)
        return NULL;
    return h;
}

/* Walk the node's lrm_resources again, reusing what was not forgotten. */
static void cnode_refresh(vgl_sched_cache *cache, cnode *c, xmlNode *ns)
{
    GPtrArray *entries = g_ptr_array_new();
    GHashTable *by_id = g_hash_table_new(g_str_hash, g_str_equal);
    xmlNode *rs = vgl__sched_child(vgl__sched_child(ns, "lrm"), "lrm_resources");
    cache->walk++;
    for (xmlNode *lr = rs != NULL ? rs->children : NULL; lr != NULL; lr = lr->next) {
        if (lr->type != XML_ELEMENT_NODE || strcmp((const char *)lr->name, "lrm_resource") != 0)
            continue;
        const char *id = vgl__sched_attr(lr, "id");
        if (id == NULL)
            continue; /* skipped by the status pass as well */
        sc_hist *h = reusable(cache, c, id);
        if (h != NULL)
            cache->reuses++;
        else
            h = cache_read(cache, lr);
        h->mark = cache->walk; /* kept, and not taken twice */
        g_ptr_array_add(entries, h);
        if (!g_hash_table_contains(by_id, h->id))
            g_hash_table_insert(by_id, (gpointer)h->id, h);
    }
    for (guint i = 0; i < c->entries->len; i++) {
        sc_hist *h = g_ptr_array_index(c->entries, i);
        if (h->mark != cache->walk)
            hist_free(cache, h); /* no longer in the document, or read again */
    }
    g_ptr_array_free(c->entries, TRUE);
    g_hash_table_destroy(c->by_id);
    c->entries = entries;
    c->by_id = by_id;
    c->stale = false;
    g_clear_pointer(&c->stale_ids, g_hash_table_destroy);
}

static cnode *cnode_new(vgl_sched_cache *cache)
{
    cnode *c = g_new0(cnode, 1);
    c->cache = cache;
    c->entries = g_ptr_array_new();
    c->by_id = g_hash_table_new(g_str_hash, g_str_equal);
    c->stale = true;
    return c;
}

GPtrArray *vgl__sched_cache_node(vgl_transition *t, xmlNode *ns, const char *uname)
{
    vgl_sched_cache *cache = t->cache;
    if (cache == NULL)
        return NULL;
    cnode *c = g_hash_table_lookup(cache->nodes, uname);
    if (c == NULL) {
        c = cnode_new(cache);
        g_hash_table_insert(cache->nodes, g_strdup(uname), c);
    } else if (c->seen_run == cache->run) {
        return NULL; /* a second node_state of that name: read it cold */
    }
    c->seen_run = cache->run;
    if (c->stale || c->stale_ids != NULL)
        cnode_refresh(cache, c, ns);
    else
        cache->reuses += c->entries->len;
    return c->entries;
}

void vgl__sched_cache_begin(vgl_transition *t, const xmlDoc *doc)
{
    vgl_sched_cache *cache = t->cache;
    if (cache == NULL)
        return;
    if (cache->doc != doc)
        g_hash_table_remove_all(cache->nodes);
    cache->doc = doc;
    t->cache_run = ++cache->run; /* 64 bits: never wraps, never 0 */
    cache->reads = cache->reuses = 0;
}

/* Nodes whose node_state was not in this run's document are dropped. */
static gboolean unseen(gpointer k, gpointer v, gpointer data)
{
    (void)k;
    return ((cnode *)v)->seen_run != *(uint64_t *)data;
}

void vgl__sched_cache_end(vgl_transition *t)
{
    if (t->cache != NULL)
        g_hash_table_foreach_remove(t->cache->nodes, unseen, &t->cache->run);
}
