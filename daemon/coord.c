/*
 * coord.c — transitions on the coordinator (see coord.h).
 *
 * Cycle: a relevant change kicks an idle callback; it waits until nothing
 * is in flight (including actions of a previous coordinator: adoption),
 * runs the scheduler on the replica's CIB and view, and dispatches the
 * actions whose prerequisites are done, in one ACTIONS message.  Each
 * result that matches the expected rc releases the actions waiting for it;
 * a result that does not, or any relevant change, aborts: nothing more is
 * dispatched, and when the last action in flight has reported, a new
 * transition is computed.  No timers except the fencing backoff and a
 * brake against transitions looping faster than 20 per 10 s.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <qb/qblog.h>
#include <vigil/sched.h>

#include "daemon/coord.h"

#define FENCE_BACKOFF_MIN_MS 1000
#define FENCE_BACKOFF_MAX_MS 8000
#define BRAKE_WINDOW_US (10 * G_USEC_PER_SEC)
#define BRAKE_COUNT 60
#define BRAKE_DELAY_MS 1000
#define ACTION_MARGIN_MS 20000

enum { A_PENDING, A_SENT, A_DONE, A_FAILED };

typedef struct backoff {
    gint64 next_us;
    guint delay_ms;
} backoff;

struct vgl_coord {
    vgl_replica *r;
    vgl_transition *t;
    uint64_t tid;
    guint8 *state;        /* per action, A_* */
    guint *timers;        /* per action: no result in time → failed */
    bool aborted;
    unsigned unconfirmed; /* actions we sent whose ACTIONS is not delivered yet */
    guint idle_src, timer_src; /* timer_src: the brake */
    guint fence_src;           /* the next fencing attempt (backoff) */
    uint64_t computed;
    gint64 window_start;
    unsigned window_count;
    GHashTable *backoff;  /* fence target → backoff */
};

static void kick(vgl_coord *c);

vgl_coord *vgl_coord_new(vgl_replica *r)
{
    vgl_coord *c = g_new0(vgl_coord, 1);
    c->r = r;
    c->backoff = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return c;
}

static void drop_transition(vgl_coord *c)
{
    size_t n = c->t ? vgl_transition_action_count(c->t) : 0;

    for (size_t i = 0; c->timers && i < n; i++) {
        if (c->timers[i])
            g_source_remove(c->timers[i]);
    }
    g_clear_pointer(&c->timers, g_free);
    g_clear_pointer(&c->t, vgl_transition_free);
    g_clear_pointer(&c->state, g_free);
    c->aborted = false;
}

void vgl_coord_free(vgl_coord *c)
{
    if (c == NULL)
        return;
    if (c->idle_src)
        g_source_remove(c->idle_src);
    if (c->timer_src)
        g_source_remove(c->timer_src);
    if (c->fence_src)
        g_source_remove(c->fence_src);
    drop_transition(c);
    g_hash_table_unref(c->backoff);
    g_free(c);
}

static bool in_charge(const vgl_coord *c)
{
    bool current = false;

    vgl_replica_quorate(c->r, &current);
    return vgl_replica_is_active(c->r) && vgl_view_is_coordinator(vgl_replica_view(c->r)) && current;
}

const char *vgl_coord_state(const vgl_coord *c, uint64_t *tid, unsigned *done, unsigned *total)
{
    unsigned d = 0, n = c->t ? (unsigned)vgl_transition_action_count(c->t) : 0;

    for (unsigned i = 0; i < n; i++)
        d += c->state[i] == A_DONE || c->state[i] == A_FAILED;
    if (tid)
        *tid = c->tid;
    if (done)
        *done = d;
    if (total)
        *total = n;
    if (!in_charge(c))
        return "inactive";
    if (c->t == NULL)
        return vgl_replica_inflight_count(c->r) ? "waiting" : "idle";
    return c->aborted ? "aborting" : "running";
}

uint64_t vgl_coord_transitions(const vgl_coord *c)
{
    return c->computed;
}

/* ------------------------------------------------------------ dispatch */

static GVariant *params_variant(const vgl_action *a)
{
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
    for (size_t i = 0; i < vgl_action_param_count(a); i++)
        g_variant_builder_add(&b, "{ss}", vgl_action_param_name(a, i),
                              vgl_action_param_value(a, i) ? vgl_action_param_value(a, i) : "");
    return g_variant_builder_end(&b);
}

#define OPT_STR(s) ((s) ? (s) : "")

/* Who runs the fence agent for target: the coordinator, unless it is the
 * target itself (a failed stop here); then the next member in succession. */
static const char *fence_executor(vgl_coord *c, const char *target)
{
    const char *me = vgl_replica_my_name(c->r);
    size_t n;
    const uint32_t *succ;

    if (strcmp(me, target) != 0)
        return me;
    succ = vgl_view_succession(vgl_replica_view(c->r), &n);
    for (size_t i = 0; i < n; i++) {
        const char *name = vgl_replica_node_name(c->r, succ[i]);
        if (name && strcmp(name, target) != 0)
            return name;
    }
    return me; /* alone: the runner refuses, the fence fails and is retried */
}

static GVariant *action_variant(vgl_coord *c, const vgl_action *a)
{
    GVariantDict d;
    vgl_action_kind k = vgl_action_get_kind(a);
    const char *executor = k == VGL_ACTION_FENCE ? fence_executor(c, vgl_action_node(a))
                                                 : vgl_action_node(a);

    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "id", "u", (guint32)vgl_action_id(a));
    g_variant_dict_insert(&d, "executor", "s", executor);
    g_variant_dict_insert(&d, "kind", "s", vgl_action_kind_str(k));
    g_variant_dict_insert(&d, "node", "s", vgl_action_node(a));
    g_variant_dict_insert(&d, "op", "s", OPT_STR(vgl_action_operation(a)));
    g_variant_dict_insert(&d, "reason", "s", OPT_STR(vgl_action_reason(a)));
    g_variant_dict_insert(&d, "timeout", "u", vgl_action_timeout_ms(a));
    if (k == VGL_ACTION_FENCE) {
        g_variant_dict_insert(&d, "fence_action", "s", OPT_STR(vgl_action_fence_action(a)));
        return g_variant_dict_end(&d);
    }
    g_variant_dict_insert(&d, "rsc", "s", OPT_STR(vgl_action_resource(a)));
    g_variant_dict_insert(&d, "instance", "s", OPT_STR(vgl_action_instance(a)));
    g_variant_dict_insert(&d, "class", "s", OPT_STR(vgl_action_class(a)));
    g_variant_dict_insert(&d, "provider", "s", OPT_STR(vgl_action_provider(a)));
    g_variant_dict_insert(&d, "type", "s", OPT_STR(vgl_action_type(a)));
    g_variant_dict_insert(&d, "interval", "u", vgl_action_interval_ms(a));
    g_variant_dict_insert(&d, "check_level", "i", (gint32)vgl_action_check_level(a));
    g_variant_dict_insert(&d, "expected", "i", (gint32)vgl_action_expected_rc(a));
    g_variant_dict_insert(&d, "digest", "s", OPT_STR(vgl_action_digest(a)));
    g_variant_dict_insert_value(&d, "params", params_variant(a));
    return g_variant_dict_end(&d);
}

static bool ready(const vgl_coord *c, const vgl_action *a)
{
    for (size_t i = 0; i < vgl_action_prereq_count(a); i++) {
        if (c->state[vgl_action_prereq(a, i)] != A_DONE)
            return false;
    }
    return true;
}

/* Is fencing of target held back by the backoff?  Arms the retry timer
 * (its own, not the brake's: a retry must not wait out a brake window). */
static gboolean retry_timer(gpointer data);
static gboolean fence_timer(gpointer data);

static bool fence_held(vgl_coord *c, const char *target)
{
    backoff *b = g_hash_table_lookup(c->backoff, target);
    gint64 now = g_get_monotonic_time();

    if (b == NULL || now >= b->next_us)
        return false;
    if (c->fence_src == 0)
        c->fence_src = g_timeout_add((guint)((b->next_us - now) / 1000 + 1), fence_timer, c);
    return true;
}

typedef struct timer_arg {
    vgl_coord *c;
    uint64_t tid;
    uint32_t aid;
} timer_arg;

/* An action's result did not come within its timeout plus a margin: the
 * message was lost, or the node hangs.  Count it as failed so the
 * coordinator never waits forever (Pacemaker's action timer). */
static gboolean action_timeout(gpointer data)
{
    timer_arg *ta = data;
    vgl_coord *c = ta->c;

    if (c->t && ta->tid == c->tid && ta->aid < vgl_transition_action_count(c->t)) {
        const vgl_action *a = vgl_transition_action(c->t, ta->aid);
        c->timers[ta->aid] = 0;
        qb_log(LOG_ERR, "coord: no result in time for '%s'; counting it as failed",
               vgl_action_reason(a) ? vgl_action_reason(a) : "an action");
        vgl_replica_forget_inflight(c->r, ta->tid, ta->aid);
        vgl_coord_completed(c, ta->tid, ta->aid, false);
    }
    return G_SOURCE_REMOVE;
}

static void arm_timer(vgl_coord *c, const vgl_action *a)
{
    timer_arg *ta = g_new0(timer_arg, 1);
    guint ms = vgl_action_timeout_ms(a);

    ta->c = c;
    ta->tid = c->tid;
    ta->aid = (uint32_t)vgl_action_id(a);
    if (vgl_action_get_kind(a) == VGL_ACTION_FENCE && ms < 60000)
        ms = 60000;
    c->timers[ta->aid] = g_timeout_add_full(G_PRIORITY_DEFAULT, ms + ACTION_MARGIN_MS,
                                            action_timeout, ta, g_free);
}

static void dispatch_ready(vgl_coord *c)
{
    size_t n = vgl_transition_action_count(c->t);
    GVariantBuilder b;
    unsigned count = 0, open = 0, held = 0;
    vgl_msg *m;

    if (c->aborted)
        return;
    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    for (size_t i = 0; i < n; i++) {
        const vgl_action *a = vgl_transition_action(c->t, i);
        if (c->state[i] == A_SENT)
            open++;
        if (c->state[i] != A_PENDING || !ready(c, a))
            continue;
        if (vgl_action_get_kind(a) == VGL_ACTION_FENCE && fence_held(c, vgl_action_node(a))) {
            held++;
            continue;
        }
        g_variant_builder_add_value(&b, action_variant(c, a));
        c->state[i] = A_SENT;
        arm_timer(c, a);
        count++;
        qb_log(LOG_INFO, "coord: %s", vgl_action_reason(a) ? vgl_action_reason(a) : "action");
    }
    if (count == 0) {
        g_variant_builder_clear(&b);
        if (open == 0 && c->unconfirmed == 0 && held == 0) {
            /* Nothing can move any more: done, or blocked behind a failure.
             * (A fence held back by its backoff keeps the transition: the
             * fence timer dispatches it.) */
            qb_log(LOG_INFO, "coord: transition %" PRIx64 " finished", c->tid);
            drop_transition(c);
            kick(c);
        }
        return;
    }
    m = vgl_msg_begin(VGL_MSG_ACTIONS);
    g_variant_dict_insert(m->fields, "transition", "t", (guint64)c->tid);
    g_variant_dict_insert(m->fields, "members", "s", vgl_view_members_key(vgl_replica_view(c->r)));
    g_variant_dict_insert(m->fields, "time", "x", (gint64)(g_get_real_time() / G_USEC_PER_SEC));
    g_variant_dict_insert_value(m->fields, "actions", g_variant_builder_end(&b));
    if (vgl_replica_send(c->r, m) == 0)
        c->unconfirmed += count;
    else
        c->aborted = true; /* cannot send: recompute when things settle */
}

/* ------------------------------------------------------------- compute */

static bool braked(vgl_coord *c)
{
    gint64 now = g_get_monotonic_time();

    if (now - c->window_start > BRAKE_WINDOW_US) {
        c->window_start = now;
        c->window_count = 0;
    }
    if (++c->window_count <= BRAKE_COUNT)
        return false;
    qb_log(LOG_WARNING, "coord: more than %d transitions in 10 s; slowing down", BRAKE_COUNT);
    if (c->timer_src == 0)
        c->timer_src = g_timeout_add(BRAKE_DELAY_MS, retry_timer, c);
    return true;
}

static void compute(vgl_coord *c)
{
    vgl_sched_view *view;
    vgl_transition *t = NULL;
    gint64 t0 = g_get_monotonic_time();
    int rc;
    size_t n;

    if (!in_charge(c)) {
        drop_transition(c);
        return;
    }
    if (c->t != NULL || vgl_replica_inflight_count(c->r) > 0 || c->unconfirmed > 0)
        return; /* completions kick us again */
    if (braked(c))
        return;
    view = vgl_replica_sched_view(c->r);
    rc = vgl_sched_run(vgl_cib_xml(vgl_replica_cib(c->r)), view,
                       g_get_real_time() / G_USEC_PER_SEC, &t);
    vgl_sched_view_free(view);
    c->computed++;
    if (rc != 0) {
        qb_log(LOG_ERR, "coord: the scheduler failed: %s", vgl_strerror(rc));
        return;
    }
    n = vgl_transition_action_count(t);
    if (n == 0) {
        qb_log(LOG_DEBUG, "coord: nothing to do (%" PRId64 " us)", g_get_monotonic_time() - t0);
        vgl_transition_free(t);
        c->window_count = c->window_count ? c->window_count - 1 : 0;
        return;
    }
    c->t = t;
    c->tid = ((uint64_t)vgl_view_coordinator(vgl_replica_view(c->r)) << 48) ^
             (uint64_t)g_get_real_time();
    c->state = g_new0(guint8, n);
    c->timers = g_new0(guint, n);
    c->aborted = false;
    qb_log(LOG_NOTICE, "coord: transition %" PRIx64 ": %zu actions (computed in %" PRId64 " us)",
           c->tid, n, g_get_monotonic_time() - t0);
    dispatch_ready(c);
}

static gboolean idle_compute(gpointer data)
{
    vgl_coord *c = data;
    c->idle_src = 0;
    compute(c);
    return G_SOURCE_REMOVE;
}

static gboolean fence_timer(gpointer data)
{
    vgl_coord *c = data;
    c->fence_src = 0;
    if (c->t && !c->aborted)
        dispatch_ready(c);
    else
        kick(c);
    return G_SOURCE_REMOVE;
}

static gboolean retry_timer(gpointer data)
{
    vgl_coord *c = data;
    c->timer_src = 0;
    if (c->t)
        dispatch_ready(c);
    else
        kick(c);
    return G_SOURCE_REMOVE;
}

static void kick(vgl_coord *c)
{
    if (c->idle_src == 0)
        c->idle_src = g_idle_add(idle_compute, c);
}

/* --------------------------------------------------------------- hooks */

void vgl_coord_changed(vgl_coord *c, unsigned what)
{
    if (what == 0)
        return;
    if (c->t && !c->aborted) {
        qb_log(LOG_INFO, "coord: transition %" PRIx64 " aborted by a change", c->tid);
        c->aborted = true;
    }
    if (what & (VGL_CHG_VIEW | VGL_CHG_ACTIVE)) {
        /* A view change ends the transition: results of its actions may
         * have been dropped with the old view.  What still runs is in the
         * in-flight table rebuilt at the barrier; we wait for that. */
        c->unconfirmed = 0;
        drop_transition(c);
    }
    if (c->t && c->aborted && c->unconfirmed == 0 && vgl_replica_inflight_count(c->r) == 0)
        drop_transition(c);
    kick(c);
}

void vgl_coord_dispatched(vgl_coord *c, uint64_t tid, GVariant *action)
{
    if (c->t && tid == c->tid && c->unconfirmed > 0)
        c->unconfirmed--;
}

static void note_fence(vgl_coord *c, const char *target, bool ok)
{
    backoff *b;

    if (ok) {
        g_hash_table_remove(c->backoff, target);
        return;
    }
    b = g_hash_table_lookup(c->backoff, target);
    if (b == NULL) {
        b = g_new0(backoff, 1);
        g_hash_table_insert(c->backoff, g_strdup(target), b);
    }
    b->delay_ms = b->delay_ms ? MIN(b->delay_ms * 2, FENCE_BACKOFF_MAX_MS) : FENCE_BACKOFF_MIN_MS;
    b->next_us = g_get_monotonic_time() + (gint64)b->delay_ms * 1000;
    qb_log(LOG_WARNING, "coord: fencing %s failed; next attempt in %u ms", target, b->delay_ms);
}

void vgl_coord_completed(vgl_coord *c, uint64_t tid, uint32_t aid, bool ok)
{
    const vgl_action *a;

    if (c->t == NULL || tid != c->tid || aid >= vgl_transition_action_count(c->t)) {
        /* An adopted action of an earlier transition or coordinator. */
        if (vgl_replica_inflight_count(c->r) == 0)
            kick(c);
        return;
    }
    a = vgl_transition_action(c->t, aid);
    if (c->state[aid] != A_SENT)
        return; /* a duplicate, or late after its timer fired */
    if (c->timers[aid]) {
        g_source_remove(c->timers[aid]);
        c->timers[aid] = 0;
    }
    c->state[aid] = ok ? A_DONE : A_FAILED;
    if (vgl_action_get_kind(a) == VGL_ACTION_FENCE)
        note_fence(c, vgl_action_node(a), ok);
    if (!ok && !c->aborted) {
        qb_log(LOG_INFO, "coord: transition %" PRIx64 " aborted: %s did not go as expected",
               c->tid, vgl_action_reason(a) ? vgl_action_reason(a) : "an action");
        c->aborted = true;
    }
    if (c->aborted) {
        if (c->unconfirmed == 0 && vgl_replica_inflight_count(c->r) == 0) {
            drop_transition(c);
            kick(c);
        }
        return;
    }
    dispatch_ready(c);
}

void vgl_coord_fence_request(vgl_coord *c, const char *target, const char *origin)
{
    GVariantDict d;
    GVariantBuilder b;
    vgl_msg *m;

    if (!in_charge(c))
        return;
    qb_log(LOG_NOTICE, "coord: %s asks to fence %s", origin, target);
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "id", "u", 0u);
    g_variant_dict_insert(&d, "executor", "s", fence_executor(c, target));
    g_variant_dict_insert(&d, "kind", "s", "fence");
    g_variant_dict_insert(&d, "node", "s", target);
    g_variant_dict_insert(&d, "op", "s", "reboot");
    g_variant_dict_insert(&d, "fence_action", "s", "reboot");
    g_variant_dict_insert(&d, "origin", "s", origin);
    g_variant_dict_insert(&d, "reason", "s", "fence requested by an operator");
    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(&b, g_variant_dict_end(&d));
    m = vgl_msg_begin(VGL_MSG_ACTIONS);
    /* A transition id of its own, so no transition counts it as its own. */
    g_variant_dict_insert(m->fields, "transition", "t", (guint64)g_get_real_time() | 1);
    g_variant_dict_insert(m->fields, "members", "s", vgl_view_members_key(vgl_replica_view(c->r)));
    g_variant_dict_insert(m->fields, "time", "x", (gint64)(g_get_real_time() / G_USEC_PER_SEC));
    g_variant_dict_insert_value(m->fields, "actions", g_variant_builder_end(&b));
    vgl_replica_send(c->r, m);
}
