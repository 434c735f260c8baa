/*
 * vigil.pml — the vigild protocol (as implemented in daemon/) as a Promela model for
 * spin: 3 nodes, one resource R, a CPG-like group channel with virtual
 * synchrony, crashes, restarts, partitions, merges, quorum, fencing.
 *
 * What it is for: checking, exhaustively for a bounded number of faults,
 * the four safety/progress claims of the protocol (tests/model/README.md):
 *   PROP1  R never runs on two live nodes (so never on two members of a view)
 *   PROP2  an acknowledged configuration change is in the agreed CIB of every
 *          ACTIVE view that contains a node which held it
 *   PROP3  members of an ACTIVE view agree on the coordinator and the CIB,
 *          and a node that returns does not take coordination back
 *   PROP4  once faults stop, every barrier completes and nothing stays
 *          in flight (checked at the end states, with -DPROP4)
 * Select the property with -DPROP1..-DPROP4 (several at once is fine).
 *
 * Workload: one process (init) whose do-loop is the whole world.  Every
 * branch is one d_step: the sequencer delivering the next message of one
 * sender (or a confchg) to all members of the sender's component at once,
 * one node's executor finishing an operation, one coordinator decision, a
 * tool's change, or a fault.  Delivering to all members of a component in
 * one step is the abstraction of virtual synchrony: members that move
 * together consume the same stream; interleavings between components and
 * between a node's decision and the delivery of what it sent are all
 * explored (messages wait in the sender's outbox, so a message sent in one
 * view may be delivered in the next, and a message of a node that was just
 * cut off reaches only its own side before its confchg: EVS's
 * transitional delivery).
 *
 * Invariants of the model itself (asserted by check()): members of one
 * component hold the same view key; no queue of the model overflows (a
 * bound hit is an error, never silent pruning).
 *
 * Names follow doc/protocol.md and the C code: replica states JOINING,
 * SYNCING, ACTIVE, LEAVING (daemon/view.h, daemon/replica.h); messages
 * MSG_ANNOUNCE ... MSG_LEAVING are VGL_MSG_* of daemon/msg.h; the barrier
 * (complete_barrier, choose_base, set_succession, config winner) is
 * daemon/view.c line for line.  Node ids are 1..3; masks use bit id-1.
 *
 * Switches (-D):
 *   MAXF=n      faults: crash of vigild, partition, SIGTERM   (default 2)
 *   MAXR=n      repairs: merge of partitions, vigild restart  (default 1)
 *   MAXCHG=n    configuration changes by tools                (default 1)
 *   NO_RESOURCE the coordinator never dispatches (R stays stopped): for
 *               PROP2, whose state space is the configuration's
 *   NO_FENCE    mutation: starts are not ordered after fencing
 *   NO_STAMP    mutation: versions compared without the stamp
 *   NO_REASON   mutation: a LEAVING node counts as clean whatever CPG says
 *   NO_PENDING  mutation: no record-pending
 *   NO_RING_KEY mutation (README.md, Open A, now fixed): the view key
 *               without the totem ring id, as first implemented
 *   PERSIST_EPOCH the view epoch survives a restart (Open B's first
 *               proposal; the implementation took the announced stamps into
 *               the view epoch instead, EPOCH_NO_STAMP removes that)
 *   PURGE       a confchg purges the view-bound messages of the outbox
 * Without switches the model is the protocol as implemented in daemon/ and
 * sched/ (README.md: the flaws as history, how each was fixed).
 */

#define N 3

#ifndef MAXF
#define MAXF 2
#endif
#ifndef MAXR
#define MAXR 1
#endif
#ifndef MAXCHG
#define MAXCHG 1
#endif

#define OUTQ 6  /* a sender's outbox: sent, not yet ordered */
#define DEFQ 6  /* messages deferred while SYNCING */
#define EXQ 2   /* operations queued for the executor */

/* Replica states (vgl_view_state; LEAVING is vgl_replica_is_leaving()). */
#define JOINING 0
#define SYNCING 1
#define ACTIVE 2
#define LEAVING 3

/* Operations on R (the action field of ACTIONS and OP_RESULT). */
#define A_START 1
#define A_STOP 2

mtype = { MSG_ANNOUNCE, MSG_SYNC, MSG_CHANGE_REQUEST, MSG_CIB_DIFF, MSG_ACTIONS, MSG_OP_RESULT, MSG_FENCE_RESULT, MSG_LEAVING };

/* the messages bound to the view they were sent in (daemon/vigild.c
 * view_bound(): what a confchg purges from the sender's own queue) */
#define VIEW_BOUND(t) (t == MSG_ANNOUNCE || t == MSG_SYNC || t == MSG_CHANGE_REQUEST || \
                       t == MSG_CIB_DIFF || t == MSG_ACTIONS)

#define BIT(n)      (1 << ((n) - 1))
#define POP(x)      (((x) & 1) + (((x) >> 1) & 1) + (((x) >> 2) & 1))
#define MULTI(x)    (((x) & ((x) - 1)) != 0)
/* succession list: 3 slots of 2 bits, most senior first, 0 = empty */
#define SGET(s, i)  (((s) >> (2 * (i))) & 3)
#define SHAS(s, id) (SGET(s, 0) == (id) || SGET(s, 1) == (id) || SGET(s, 2) == (id))
/* in-flight table / ACTIONS: 2 bits of operation per target node */
#define IGET(x, n)  (((x) >> (2 * ((n) - 1))) & 3)
#define IDROP(x, n) x = ((x) & ~(3 << (2 * ((n) - 1)))) & 63
#define ISET(x, n, op) x = (((x) & ~(3 << (2 * ((n) - 1)))) | ((op) << (2 * ((n) - 1)))) & 63
/* a configuration is a set of changes (bit per change id): its digest; its
 * epoch is the number of changes; bits 3-7: its stamp, the view epoch in
 * which its last change was made (no admin_epoch: never changed by vigild).
 * config_beats() of view.c: (stamp, epoch, digest) */
#define CONTENT(a)  ((a) & 7)
#ifdef NO_STAMP
#define STAMP(a)    0
#else
#define STAMP(a)    ((a) >> 3)
#endif
#define MAXEPOCH    31  /* a bound of the model: the stamp has 5 bits */
#define BEATS(a, b) (STAMP(a) > STAMP(b) || (STAMP(a) == STAMP(b) && \
                     (POP(CONTENT(a)) > POP(CONTENT(b)) || \
                      (POP(CONTENT(a)) == POP(CONTENT(b)) && CONTENT(a) > CONTENT(b)))))

/* ---- the world -------------------------------------------------------- */
bool up[N + 1];      /* the machine is powered (fencing powers it off) */
bool alive[N + 1];   /* vigild runs */
bool running[N + 1]; /* R really runs there (survives a vigild crash) */
byte comp[N + 1];    /* component: lowest node id in it; 0 when not alive */
bool pend[N + 1];    /* a confchg of this node's component is not delivered */
byte tcnt[N + 1];    /* while pend: how many messages at the head of the
                      * outbox were on the wire before the ring broke (they
                      * may still be delivered in the old view); the rest
                      * wait for the confchg */
byte lclean[N + 1];  /* nodes whose leaving that pending confchg reports as
                      * CPG_REASON_LEAVE (a clean exit), not NODEDOWN/PROCDOWN */
byte inc[N + 1];     /* incarnation: the vigild pid, mod 2 */
byte nfault, nrepair;
#ifndef NO_RING_KEY
byte ring;           /* totem's ring sequence: grows with every view */
#endif
byte used;           /* change ids used: the id is chosen freely, so that
                      * the digest order of two changes is explored both ways */
bool quiet;          /* PROP4: no more faults, repairs or changes */

/* ---- the replica, per node (volatile unless noted) -------------------- */
byte st[N + 1];
bool leaving[N + 1];
byte vmask[N + 1];     /* members of the view */
short key[N + 1];      /* vgl_view_members_key(): members + pids */
byte succ[N + 1];      /* succession list */
byte coord[N + 1];     /* vgl_view_coordinator(), 0 until the barrier */
byte followed[N + 1];  /* vgl_view_followed() */
byte followed_inc[N + 1]; /* ... and its pid (incarnation) */
bool q[N + 1];         /* quorum of the current view */
byte src[N + 1];       /* sync source */
byte vep[N + 1];       /* vgl_view_epoch(): 1 + the highest view epoch any
                        * member announced, set at each barrier; lost with
                        * the process unless PERSIST_EPOCH */
/* the CIB: configuration (persisted) and status */
byte cfg[N + 1];       /* persisted across restarts: the set of changes
                        * (bits 0-2) | its stamp << 3 */
byte hist[N + 1];      /* nodes whose history says R is started (or a start
                        * is pending: record-pending) */
byte uncl[N + 1];      /* unclean nodes */
byte dexp[N + 1];      /* nodes with expected=down (sent LEAVING) */
byte down[N + 1];      /* non-members known down cleanly (left on purpose,
                        * or fenced: a node_state that is not unclean); a
                        * non-member neither down nor unclean has no
                        * node_state: startup fencing takes it as unclean */
byte infl[N + 1];      /* the in-flight table */
/* the barrier: announcements received, per receiver */
typedef Row { byte a[N + 1] };
byte ann_got[N + 1];   /* announcers (mask) */
byte ann_ord[N + 1];   /* announcers in delivery order (packed like succ) */
Row a_succ[N + 1];     /* their succession lists */
Row a_info[N + 1];     /* followed | had_quorum << 2 | running << 3 |
                        * leaving << 4 | followed anyone << 5 */
Row a_cfg[N + 1];      /* their configuration and stamp */
Row a_vep[N + 1];      /* their view epoch */
Row a_uncl[N + 1];     /* unclean nodes they know | those running R << 3 */
Row a_infl[N + 1];     /* their executor's pending operation */
Row a_fok[N + 1];      /* ghost (PROP3): whom they followed, if that process is a member */
/* local to the node, not replicated */
byte busy[N + 1];      /* own ACTIONS not yet applied here */
byte fpend[N + 1];     /* own FENCE_RESULTs not yet applied here */
/* configuration changes: the coordinator's queue of requests (origin << 2 |
 * change id), one CIB_DIFF in flight at a time; the origin's requests not
 * yet confirmed by a majority, and who confirmed them */
chan cq[N + 1] = [2] of { byte };
bool cbusy[N + 1];
byte pendc[N + 1];
chan out[N + 1] = [OUTQ] of { mtype, short, byte, byte, byte, byte, byte };
chan defq[N + 1] = [DEFQ] of { byte, mtype, short, byte, byte, byte, byte, byte };
chan exq[N + 1] = [EXQ] of { byte };

/* ---- ghosts ------------------------------------------------------------ */
byte acked;            /* changes acknowledged to a tool */
byte held[N + 1];      /* changes this node has held in its CIB */
byte appl[3];          /* per change id: the nodes that applied its CIB_DIFF */

/* ---- scratch (not part of the state) ---------------------------------- */
hidden mtype dt, pt;
hidden short d1, p1;
hidden byte d2, d3, d4, d5, d6, p2, p3, p4, p5, p6, ps;
hidden byte h_r, h_dx, h_x, h_y, h_i, h_id, h_s, h_base, h_k, h_a, h_c, h_f;
hidden byte h_best, h_bestf, h_long, h_w, h_m, h_t, h_M, h_old, h_left, h_join;
hidden byte h_hist, h_uncl, h_uh, h_op, h_ca, h_cb, h_inf, h_dexp, h_down;
hidden byte h_hq, h_e, h_o, h_id2;
hidden byte h_new[N + 1];

/* ======================================================================= */
/* properties                                                              */

#define VIEWMATES(a, b) (alive[a] && alive[b] && key[a] == key[b] && comp[a] == comp[b])
#define SETTLED(n)      (st[n] == ACTIVE || st[n] == LEAVING)

inline check()
{
    for (h_ca : 1 .. N) {
        for (h_cb : 1 .. N) {
            if
            :: alive[h_ca] && alive[h_cb] && comp[h_ca] == comp[h_cb] ->
                assert(key[h_ca] == key[h_cb] || pend[h_ca]); /* model sanity */
            :: else -> skip
            fi;
#ifdef PROP1
            /* R on two live nodes (running implies up) */
            assert(h_ca == h_cb || !(running[h_ca] && running[h_cb]));
#endif
#ifdef PROP2
            /* h_cb held an acknowledged change: h_ca's agreed CIB has it */
            if
            :: VIEWMATES(h_ca, h_cb) && SETTLED(h_ca) ->
                assert((held[h_cb] & acked & ~cfg[h_ca] & 7) == 0)
            :: else -> skip
            fi;
#endif
#ifdef PROP3
            if
            :: VIEWMATES(h_ca, h_cb) && SETTLED(h_ca) && SETTLED(h_cb) ->
                assert(coord[h_ca] == coord[h_cb] && succ[h_ca] == succ[h_cb]);
                assert(cfg[h_ca] == cfg[h_cb] && hist[h_ca] == hist[h_cb] &&
                       uncl[h_ca] == uncl[h_cb] && infl[h_ca] == infl[h_cb] &&
                       dexp[h_ca] == dexp[h_cb] && down[h_ca] == down[h_cb])
            :: else -> skip
            fi;
#endif
            skip
        }
    }
}

/* At an end state (nothing can happen any more): every barrier completed,
 * nothing left to deliver or to run, no coordinator waiting forever. */
inline check_end()
{
    for (h_ca : 1 .. N) {
        if
        :: alive[h_ca] ->
            assert(SETTLED(h_ca));
            assert(!pend[h_ca] && len(out[h_ca]) == 0 && len(exq[h_ca]) == 0);
            assert(infl[h_ca] == 0)
        :: else -> skip
        fi
    }
}

/* ======================================================================= */
/* the component bookkeeping of the sequencer                              */

/* Relabel every component by its lowest member (canonical states). */
inline recanon()
{
    for (h_x : 1 .. N) {
        h_new[h_x] = 0;
        if
        :: alive[h_x] ->
            for (h_y : 1 .. N) {
                if
                :: h_new[h_x] == 0 && alive[h_y] && comp[h_y] == comp[h_x] -> h_new[h_x] = h_y
                :: else -> skip
                fi
            }
        :: else -> skip
        fi
    }
    for (h_x : 1 .. N) { comp[h_x] = h_new[h_x] }
}

/* vigild on n is gone (crash, fence, clean exit): its queues and memory go
 * with it, the configuration stays on disk, R stays as it is. */
inline kill_vigild(n, clean)
{
    alive[n] = false;
    for (h_x : 1 .. N) {
        if
        :: alive[h_x] && comp[h_x] == comp[n] ->
            if :: !pend[h_x] -> tcnt[h_x] = len(out[h_x]) :: else -> skip fi;
            pend[h_x] = true;
            if
            :: clean -> lclean[h_x] = lclean[h_x] | BIT(n)
            :: else -> lclean[h_x] = lclean[h_x] & ~BIT(n) & 7
            fi
        :: else -> skip
        fi
    }
    lclean[n] = 0;
    comp[n] = 0; pend[n] = false; tcnt[n] = 0;
    recanon();
    do :: len(out[n]) > 0 -> out[n]?_, _, _, _, _, _, _ :: else -> break od;
    do :: len(defq[n]) > 0 -> defq[n]?_, _, _, _, _, _, _, _ :: else -> break od;
    do :: len(exq[n]) > 0 -> exq[n]?_ :: else -> break od;
    do :: len(cq[n]) > 0 -> cq[n]?_ :: else -> break od;
    cbusy[n] = false; pendc[n] = 0;
#ifndef PERSIST_EPOCH
    vep[n] = 0;
#endif
    st[n] = JOINING; leaving[n] = false; vmask[n] = 0; key[n] = 0; succ[n] = 0;
    coord[n] = 0; followed[n] = 0; followed_inc[n] = 0; q[n] = false;
    src[n] = 0; hist[n] = 0; uncl[n] = 0; dexp[n] = 0; down[n] = 0;
    infl[n] = 0; ann_got[n] = 0; ann_ord[n] = 0; busy[n] = 0; fpend[n] = 0;
    for (h_x : 1 .. N) {
        a_succ[n].a[h_x] = 0; a_info[n].a[h_x] = 0; a_cfg[n].a[h_x] = 0; a_vep[n].a[h_x] = 0;
        a_uncl[n].a[h_x] = 0; a_infl[n].a[h_x] = 0; a_fok[n].a[h_x] = 0
    }
}

/* ======================================================================= */
/* view.c                                                                  */

inline s_append(s, id)
{
    if
    :: SGET(s, 0) == 0 -> s = s | (id)
    :: SGET(s, 0) != 0 && SGET(s, 1) == 0 -> s = s | ((id) << 2)
    :: else -> s = s | ((id) << 4)
    fi
}

/* set_succession(): members in base's order, then the rest by node id. */
inline set_succession(n, base)
{
    h_s = 0;
    for (h_i : 0 .. 2) {
        h_id = SGET(base, h_i);
        if
        :: h_id != 0 && (vmask[n] & BIT(h_id)) != 0 && !SHAS(h_s, h_id) -> s_append(h_s, h_id)
        :: else -> skip
        fi
    }
    for (h_id : 1 .. N) {
        if
        :: (vmask[n] & BIT(h_id)) != 0 && !SHAS(h_s, h_id) -> s_append(h_s, h_id)
        :: else -> skip
        fi
    }
    succ[n] = h_s
}

#define MEMBERS_IN(n, s) \
    ((SGET(s, 0) != 0 && (vmask[n] & BIT(SGET(s, 0))) != 0) + \
     (SGET(s, 1) != 0 && (vmask[n] & BIT(SGET(s, 1))) != 0) + \
     (SGET(s, 2) != 0 && (vmask[n] & BIT(SGET(s, 2))) != 0))
#define FOLLOWERS(n, c) \
    (((ann_got[n] & 1) != 0 && (a_info[n].a[1] & 3) == (c)) + \
     ((ann_got[n] & 2) != 0 && (a_info[n].a[2] & 3) == (c)) + \
     ((ann_got[n] & 4) != 0 && (a_info[n].a[3] & 3) == (c)))
#define HADQ(n, w)  ((a_info[n].a[w] >> 2) & 1)
#define ANNRUN(n, w) ((a_info[n].a[w] >> 3) & 1)
#define ANNLEAVE(n, w) ((a_info[n].a[w] >> 4) & 1)
/* the announcer had completed a barrier before (it followed someone) */
#define KNOWS(n, w)  ((vmask[n] & BIT(w)) != 0 && ((a_info[n].a[w] >> 5) & 1))

/* The status the sync source sends (merge.c vgl_merge_sync()): its own
 * CIB, with every member's node_state replaced by the one it announced (its
 * own truth: what its executor really ran, leaving or not), and every
 * unclean non-member an announcer knows merged in: unclean wins, and its
 * history is the union of ours and theirs (fix 6b).  Non-members the source
 * knows down cleanly stay down unless an announcer has them unclean.  The
 * in-flight table: what the members announced their executors run (fix 4;
 * every member rebuilds it alike from the same announcements). */
inline merged_status(n)
{
    h_uncl = uncl[n] & ~vmask[n] & 7; h_hist = hist[n] & ~vmask[n] & 7;
    h_dexp = dexp[n] & ~vmask[n] & 7; h_down = down[n]; h_inf = 0;
    for (h_m : 1 .. N) {
        if
        :: (vmask[n] & BIT(h_m)) != 0 ->
            if :: ANNRUN(n, h_m) -> h_hist = h_hist | BIT(h_m) :: else -> skip fi;
            if :: ANNLEAVE(n, h_m) -> h_dexp = h_dexp | BIT(h_m) :: else -> skip fi;
            ISET(h_inf, h_m, a_infl[n].a[h_m] & 3);
            /* the unclean non-members it knows, with their history */
            for (h_y : 1 .. N) {
                if
                :: (a_uncl[n].a[h_m] & BIT(h_y)) != 0 && (vmask[n] & BIT(h_y)) == 0 ->
                    if
                    :: (h_uncl & BIT(h_y)) == 0 ->
                        h_uncl = h_uncl | BIT(h_y);
                        h_hist = (h_hist & ~BIT(h_y) & 7) | ((a_uncl[n].a[h_m] >> 3) & BIT(h_y))
                    :: else -> h_hist = h_hist | ((a_uncl[n].a[h_m] >> 3) & BIT(h_y))
                    fi
                :: else -> skip
                fi
            }
        :: else -> skip
        fi
    }
    h_down = h_down & ~h_uncl & ~vmask[n] & 7;
    skip
}

/* ======================================================================= */
/* replica.c: applying messages                                            */

inline activate(n)
{
    if :: leaving[n] -> st[n] = LEAVING :: else -> st[n] = ACTIVE fi;
    /* replay what was deferred, in order */
    do
    :: len(defq[n]) > 0 ->
        defq[n]?ps, pt, p1, p2, p3, p4, p5, p6;
        printf("  n%d: replays %e from n%d\n", n, pt, ps);
        apply(n, ps, pt, p1, p2, p3, p4, p5, p6)
    :: else -> break
    od
}

/* replica_change.c make_diff(): the coordinator turns request (o, id) into
 * a CIB_DIFF bound to its view, stamped with its view epoch; refused (the
 * origin's tool is told) when the view has no majority */
inline make_diff(n, o, id)
{
    if
    :: POP(vmask[n]) >= 2 ->
        assert(len(out[n]) < OUTQ);
        out[n]!MSG_CIB_DIFF(key[n], id, o, vep[n], 0, 0);
        cbusy[n] = true
    :: else -> printf("  n%d: change %d refused: no majority\n", n, id)
    fi
}

/* next_change(): work through the queue until a diff is in flight */
inline next_change(n)
{
    do
    :: !cbusy[n] && len(cq[n]) > 0 ->
        cq[n]?h_o; make_diff(n, h_o >> 2, h_o & 3)
    :: else -> break
    od
}

/* A message other than ANNOUNCE / SYNC, in ACTIVE or LEAVING. */
inline apply(n, s, t, f1, f2, f3, f4, f5, f6)
{
    if
    :: t == MSG_CHANGE_REQUEST ->
        /* f1: change id; only the coordinator acts, one diff at a time */
        if
        :: coord[n] == n ->
            assert(len(cq[n]) < 2);
            cq[n]!(s << 2) | f1;
            next_change(n)
        :: else -> skip
        fi
    :: t == MSG_CIB_DIFF ->
        /* f1: view key, f2: change id, f3: origin, f4: stamp */
        h_e = (s == n && cbusy[n]);
        if :: h_e -> cbusy[n] = false :: else -> skip fi;
        if
        :: s == coord[n] && f1 == key[n] && POP(vmask[n]) >= 2 ->
            cfg[n] = (CONTENT(cfg[n]) | (1 << f2)) | (f4 << 3);
            held[n] = held[n] | CONTENT(cfg[n]);
            /* ghost of CIB_APPLIED: the origin acknowledges once a majority
             * applied it, if no confchg failed the request first; acking
             * at the second apply is never later than the real origin,
             * which counts the CIB_APPLIED messages as they arrive */
            appl[f2] = appl[f2] | BIT(n);
            if
            :: POP(appl[f2]) >= 2 && (pendc[f3] & (1 << f2)) != 0 ->
                printf("  n%d: change %d acknowledged\n", f3, f2);
                acked = acked | (1 << f2); pendc[f3] = pendc[f3] & ~(1 << f2) & 7
            :: else -> skip
            fi
        :: else -> skip /* outside its quorate view: ignored by everyone alike */
        fi;
        if :: h_e -> next_change(n) :: else -> skip fi
    :: t == MSG_ACTIONS && (f1 != key[n] || s != coord[n]) ->
        /* computed for another view, or not by our coordinator: dropped */
        if :: s == n && busy[n] > 0 -> busy[n]-- :: else -> skip fi
    :: t == MSG_ACTIONS ->
        /* f1: the dispatcher's view, f2: an operation per target node */
        for (h_t : 1 .. N) {
            h_op = IGET(f2, h_t);
            if
            :: h_op != 0 ->
                ISET(infl[n], h_t, h_op);
#ifndef NO_PENDING
                /* record-pending: a start in flight counts as "may run" */
                if :: h_op == A_START -> hist[n] = hist[n] | BIT(h_t) :: else -> skip fi;
#endif
                if
                :: h_t == n -> assert(len(exq[n]) < EXQ); exq[n]!h_op
                :: else -> skip
                fi
            :: else -> skip
            fi
        }
        if :: s == n && busy[n] > 0 -> busy[n]-- :: else -> skip fi
    :: t == MSG_OP_RESULT ->
        /* f1: the operation that finished (always with the expected rc) */
        if
        :: f1 == A_START -> hist[n] = hist[n] | BIT(s)
        :: else -> hist[n] = hist[n] & ~BIT(s) & 7
        fi;
        IDROP(infl[n], s)
    :: t == MSG_FENCE_RESULT ->
        /* f1: the target, fenced with success: clean, down, history erased */
        uncl[n] = uncl[n] & ~BIT(f1) & 7;
        hist[n] = hist[n] & ~BIT(f1) & 7;
        down[n] = (down[n] | BIT(f1)) & ~vmask[n] & 7;
        IDROP(infl[n], f1);
        if :: s == n -> fpend[n] = fpend[n] & ~BIT(f1) & 7 :: else -> skip fi
    :: t == MSG_LEAVING ->
        dexp[n] = dexp[n] | BIT(s)
    :: else -> assert(false)
    fi
}

/* The barrier completed at n (view.c complete_barrier() and the sync
 * decision of doc/protocol.md). */
inline complete_barrier(n)
{
    /* choose_base() */
    h_best = 0; h_bestf = 0; h_long = 0;
    for (h_k : 0 .. 2) {
        h_a = SGET(ann_ord[n], h_k);
        if
        :: h_a != 0 ->
            if
            :: h_long == 0 || MEMBERS_IN(n, a_succ[n].a[h_a]) > MEMBERS_IN(n, a_succ[n].a[h_long]) ->
                h_long = h_a
            :: else -> skip
            fi;
            h_c = a_info[n].a[h_a] & 3;
            if
            :: h_c != 0 && (vmask[n] & BIT(h_c)) != 0 && (ann_got[n] & BIT(h_c)) != 0 && h_c != h_best ->
                h_f = FOLLOWERS(n, h_c);
                if
                :: h_best == 0 || h_f > h_bestf ||
                   (h_f == h_bestf && HADQ(n, h_c) != HADQ(n, h_best) && HADQ(n, h_c)) ||
                   (h_f == h_bestf && HADQ(n, h_c) == HADQ(n, h_best) && h_c < h_best) ->
                    h_best = h_c; h_bestf = h_f
                :: else -> skip
                fi
            :: else -> skip
            fi
        :: else -> skip
        fi
    }
    if
    :: h_best != 0 ->
        /* the coordinator they follow stays at the head, even if its own
         * list is empty (it never completed a barrier) */
        h_base = h_best;
        for (h_i : 0 .. 2) {
            h_id = SGET(a_succ[n].a[h_best], h_i);
            if
            :: h_id != 0 && !SHAS(h_base, h_id) -> s_append(h_base, h_id)
            :: else -> skip
            fi
        }
    :: else -> h_base = a_succ[n].a[h_long]
    fi;
    set_succession(n, h_base);
    coord[n] = SGET(succ[n], 0);
    followed[n] = coord[n];
    followed_inc[n] = (key[n] >> (2 + coord[n])) & 1;
#ifdef PROP3
    /* a node that returns (no barrier completed since it started: it
     * followed nobody) does not take coordination back from nodes that have
     * a history */
    assert(KNOWS(n, coord[n]) || a_fok[n].a[1] == coord[n] || a_fok[n].a[2] == coord[n] ||
           a_fok[n].a[3] == coord[n] || !(KNOWS(n, 1) || KNOWS(n, 2) || KNOWS(n, 3)));
#endif
    /* the configuration winner: first announcer of the highest version;
     * the view epoch: 1 + the highest one announced */
    h_w = 0; h_e = 0;
    for (h_k : 0 .. 2) {
        h_a = SGET(ann_ord[n], h_k);
        if
        :: h_a != 0 && (h_w == 0 || BEATS(a_cfg[n].a[h_a], a_cfg[n].a[h_w])) ->
            h_w = h_a
        :: else -> skip
        fi;
        if :: h_a != 0 && a_vep[n].a[h_a] > h_e -> h_e = a_vep[n].a[h_a] :: else -> skip fi;
#ifndef EPOCH_NO_STAMP
        /* view.c complete_barrier(): above every announced stamp too */
        if :: h_a != 0 && STAMP(a_cfg[n].a[h_a]) > h_e -> h_e = STAMP(a_cfg[n].a[h_a]) :: else -> skip fi
#endif
    }
#if MAXCHG > 0
    /* (without changes the view epoch reaches no stamp: not tracked, so
     * that it does not multiply the states) */
    vep[n] = h_e + 1;
    assert(vep[n] <= MAXEPOCH);
#endif
    src[n] = h_w;
    printf("  n%d: barrier complete: coordinator n%d succession %d epoch %d source n%d\n",
           n, coord[n], succ[n], vep[n], src[n]);
    /* every barrier ends with the SYNC of the sync source */
    if
    :: src[n] == n ->
        merged_status(n);
        assert(len(out[n]) < OUTQ);
        out[n]!MSG_SYNC(key[n], cfg[n], h_hist | (h_uncl << 3), h_inf, h_dexp, h_down)
    :: else -> skip
    fi
}

/* Node r receives (dt, d1..d6) from s, in stream order. */
inline recv(r, s)
{
    if
    :: st[r] == JOINING -> skip
    :: dt == MSG_ANNOUNCE ->
        /* d1 key, d2 succession, d3 followed|quorum|running|leaving|
         * followed's pid, d4 config|stamp, d5 unclean|their R, d6 pending
         * operation of its executor | its view epoch << 2 */
        if
        :: st[r] == SYNCING && d1 == key[r] && (vmask[r] & BIT(s)) != 0 && ann_got[r] != vmask[r] ->
            if
            :: (ann_got[r] & BIT(s)) == 0 -> s_append(ann_ord[r], s)
            :: else -> skip
            fi;
            ann_got[r] = ann_got[r] | BIT(s);
            a_succ[r].a[s] = d2; a_info[r].a[s] = (d3 & 31) | (((d3 & 3) != 0) << 5);
            a_cfg[r].a[s] = d4; a_vep[r].a[s] = d6 >> 2;
            a_uncl[r].a[s] = d5;
#ifdef PROP3
            /* ghost: the coordinator it followed, if that very process is a member */
            h_c = d3 & 3;
            if
            :: h_c != 0 && (vmask[r] & BIT(h_c)) != 0 && ((key[r] >> (2 + h_c)) & 1) == ((d3 >> 5) & 1) ->
                a_fok[r].a[s] = h_c
            :: else -> a_fok[r].a[s] = 0
            fi;
#endif
            /* the coordinator it followed counts only if that very process
             * (nodeid:pid) is a member: a restarted node is not it (fix 8) */
            h_c = d3 & 3;
            if
            :: h_c != 0 && (vmask[r] & BIT(h_c)) != 0 && ((key[r] >> (2 + h_c)) & 1) != ((d3 >> 5) & 1) ->
                a_info[r].a[s] = a_info[r].a[s] & 60
            :: else -> skip
            fi;
            a_infl[r].a[s] = d6 & 3;
            if
            :: ann_got[r] == vmask[r] -> complete_barrier(r)
            :: else -> skip
            fi
        :: else -> skip /* stale, not a member, or a duplicate */
        fi
    :: dt == MSG_SYNC ->
        /* d1 key, d2 config|stamp, d3 status R|unclean, d4 in-flight,
         * d5 expected-down, d6 known down */
        if
        :: st[r] == SYNCING && d1 == key[r] && coord[r] != 0 && s == src[r] ->
            printf("  n%d: SYNC applied\n", r);
            cfg[r] = d2; held[r] = held[r] | CONTENT(d2);
            hist[r] = d3 & 7; uncl[r] = d3 >> 3; infl[r] = d4; dexp[r] = d5; down[r] = d6;
            activate(r)
        :: else -> skip
        fi
    :: else ->
        if
        :: st[r] == SYNCING ->
            printf("  n%d: deferred\n", r);
            assert(len(defq[r]) < DEFQ);
            defq[r]!s, dt, d1, d2, d3, d4, d5, d6
        :: else -> apply(r, s, dt, d1, d2, d3, d4, d5, d6)
        fi
    fi
}

/* A confchg reaches member n: the new view is the mask M
 * (replica.c vgl_replica_confchg(), view.c vgl_view_confchg()). */
inline confchg(n, M)
{
    if :: st[n] == JOINING -> h_old = 0 :: else -> h_old = vmask[n] fi;
    h_left = h_old & ~(M) & 7;
    h_join = (M) & ~h_old & 7;
    /* 1. nodes that left (node_left()): clean only if CPG says it left on
     * purpose (CPG_REASON_LEAVE), it said LEAVING and nothing runs there
     * (a pending start counts: record-pending); else unclean.  Their
     * actions in flight are dropped. */
    for (h_x : 1 .. N) {
        if
        :: (h_left & BIT(h_x)) != 0 ->
            if
#ifdef NO_REASON
            :: (dexp[n] & BIT(h_x)) != 0 && (hist[n] & BIT(h_x)) == 0 -> skip
#else
            :: (dexp[n] & BIT(h_x)) != 0 && (hist[n] & BIT(h_x)) == 0 &&
               (lclean[n] & BIT(h_x)) != 0 -> skip
#endif
            :: else -> uncl[n] = uncl[n] | BIT(h_x)
            fi;
            if :: (uncl[n] & BIT(h_x)) == 0 -> down[n] = down[n] | BIT(h_x) :: else -> skip fi;
            IDROP(infl[n], h_x)
        :: else -> skip
        fi
    }
    lclean[n] = 0;
    uncl[n] = uncl[n] & ~(M) & 7;
    down[n] = down[n] & ~(M) & 7;
    dexp[n] = dexp[n] & ~h_join & 7;
    vmask[n] = M;
    /* vgl_view_members_key(): "nodeid:pid,...@ring" (vgl_view_set_ring) */
    key[n] = M;
    for (h_x : 1 .. N) {
        if :: ((M) & BIT(h_x)) != 0 -> key[n] = key[n] | (inc[h_x] << (2 + h_x)) :: else -> skip fi
    }
#ifndef NO_RING_KEY
    /* the key names the totem ring too (replica.c: the ANNOUNCE waits for
     * the totem callback that follows the confchg) */
    key[n] = key[n] | (ring << 6);
#endif
    /* 2. succession: a node that never completed a barrier knows none */
    if :: followed[n] == 0 -> h_base = 0 :: else -> h_base = succ[n] fi;
    set_succession(n, h_base);
    /* 3. the barrier opens */
    if :: coord[n] != 0 -> followed[n] = coord[n] :: else -> skip fi;
    /* (followed_inc[n] was set with coord[n]) */
    coord[n] = 0; src[n] = 0;
    ann_got[n] = 0; ann_ord[n] = 0;
    for (h_x : 1 .. N) {
        a_succ[n].a[h_x] = 0; a_info[n].a[h_x] = 0; a_cfg[n].a[h_x] = 0; a_vep[n].a[h_x] = 0;
        a_uncl[n].a[h_x] = 0; a_infl[n].a[h_x] = 0; a_fok[n].a[h_x] = 0
    }
    /* 4. nothing of the old view survives (fix 5): what was deferred is
     * dropped, the running transition ends (coord.c), the queued changes
     * are dropped and the unconfirmed ones fail (the tools are told) */
    do
    :: len(defq[n]) > 0 ->
        defq[n]?ps, pt, p1, p2, p3, p4, p5, p6;
        if
        :: ps == n && pt == MSG_FENCE_RESULT -> fpend[n] = fpend[n] & ~BIT(p1) & 7
        :: else -> skip
        fi
    :: else -> break
    od;
    busy[n] = 0;
    do :: len(cq[n]) > 0 -> cq[n]?_ :: else -> break od;
    cbusy[n] = false; pendc[n] = 0;
#ifdef PURGE
    /* hook_purge(): the view-bound messages still in vigild's own send
     * queue are dropped (PURGE: all of the outbox is still there; without
     * it, all of it was accepted by corosync: the usual case) */
    h_x = len(out[n]);
    do
    :: h_x > 0 ->
        out[n]?pt, p1, p2, p3, p4, p5, p6;
        if :: !VIEW_BOUND(pt) -> out[n]!pt, p1, p2, p3, p4, p5, p6 :: else -> skip fi;
        h_x--
    :: else -> break
    od;
#endif
    h_hq = q[n];
    q[n] = (POP(M) >= 2);
    st[n] = SYNCING;
    assert(len(out[n]) < OUTQ);
    /* the operation its executor was asked for and has not reported
     * (vgl_runner_inflight(), fix 4) */
    h_op = 0;
    if :: len(exq[n]) > 0 -> exq[n]?<h_op> :: else -> skip fi;
    /* a node that never completed a barrier announces no succession */
    if :: followed[n] == 0 -> h_s = 0 :: else -> h_s = succ[n] fi;
    out[n]!MSG_ANNOUNCE(key[n], h_s,
                        followed[n] | (h_hq << 2) | (running[n] << 3) | (leaving[n] << 4) |
                        (followed_inc[n] << 5),
                        cfg[n], uncl[n] | ((hist[n] & uncl[n]) << 3), h_op | (vep[n] << 2))
}

/* The sequencer delivers the pending confchg of component c. */
inline deliver_confchg(c)
{
    h_M = 0;
    for (h_dx : 1 .. N) {
        if :: alive[h_dx] && comp[h_dx] == (c) -> h_M = h_M | BIT(h_dx) :: else -> skip fi
    }
    printf("confchg: view %d\n", h_M);
#ifndef NO_RING_KEY
    ring++;
    assert(ring < 255); /* a bound of the model */
#endif
    for (h_dx : 1 .. N) {
        if
        :: (h_M & BIT(h_dx)) != 0 -> pend[h_dx] = false; tcnt[h_dx] = 0; confchg(h_dx, h_M)
        :: else -> skip
        fi
    }
}

/* The sequencer delivers the next message of s to s's component. */
inline deliver(s)
{
    out[s]?dt, d1, d2, d3, d4, d5, d6;
    printf("deliver %e from n%d (%d %d %d %d %d %d)\n", dt, s, d1, d2, d3, d4, d5, d6);
    for (h_r : 1 .. N) {
        if
        :: alive[h_r] && comp[h_r] == comp[s] -> recv(h_r, s)
        :: else -> skip
        fi
    }
}

/* ======================================================================= */
/* coord.c: the scheduler, abstracted to one resource                      */

#define COORD(c)  (alive[c] && SETTLED(c) && coord[c] == (c))
/* a new transition waits for everything in flight (adoption) */
#define READY(c)  (COORD(c) && infl[c] == 0 && busy[c] == 0 && len(out[c]) < OUTQ)
#define ACT(c)    (hist[c] & vmask[c])
#define STAY(c)   (ACT(c) & ~dexp[c] & 7)
/* without quorum: stop everything (no-quorum-policy=stop); with quorum:
 * move R off leaving nodes, stop it where it runs twice */
#define STOPS(c)  (q[c] -> ((ACT(c) & dexp[c]) | (MULTI(STAY(c)) -> STAY(c) : 0)) : ACT(c))
/* a non-member that is not known down cleanly: unclean, or without any
 * node_state (startup fencing, vgl_replica_sched_view(), fix 10) */
#define SUSPECT(c) (~down[c] & ~vmask[c] & 7)
#ifdef NO_FENCE
#define BLOCKED(c) 0
#else
/* an unclean node may run anything (messages may have reached it that we
 * never saw): every start of a resource allowed there waits for its fence
 * (sched_order.c, fix 2) */
#define BLOCKED(c) (SUSPECT(c) != 0)
#endif
#define CANSTART(c, t) (q[c] && ACT(c) == 0 && !BLOCKED(c) && (vmask[c] & ~dexp[c] & BIT(t)) != 0)
#define STOPOPS(m) ((((m) & 1) != 0) * 2 + (((m) & 2) != 0) * 8 + (((m) & 4) != 0) * 32)

#define FENCEABLE(c, u) (COORD(c) && q[c] && (SUSPECT(c) & BIT(u)) != 0 && \
                         (fpend[c] & BIT(u)) == 0 && \
                         len(out[c]) < OUTQ)

/* ======================================================================= */
/* the steps                                                               */

#define DELIVER(s) \
    :: d_step { alive[s] && len(out[s]) > 0 && (!pend[s] || tcnt[s] > 0) -> \
        if :: pend[s] -> tcnt[s]-- :: else -> skip fi; \
        deliver(s); check(); skip }

#define CONFCHG(c) \
    :: d_step { alive[c] && comp[c] == c && pend[c] -> deliver_confchg(c); check(); skip }

/* the executor finishes its next operation and reports it */
#define EXEC(n) \
    :: d_step { alive[n] && len(exq[n]) > 0 && len(out[n]) < OUTQ -> \
        exq[n]?h_op; running[n] = (h_op == A_START); \
        printf("exec n%d: op %d done\n", n, h_op); out[n]!MSG_OP_RESULT(h_op, 0, 0, 0, 0, 0); \
        check(); skip }

#define DISPATCH_STOPS(c) \
    :: d_step { READY(c) && STOPS(c) != 0 -> \
        printf("coordinator n%d: dispatch stop on %d\n", c, STOPS(c)); \
        out[c]!MSG_ACTIONS(key[c], STOPOPS(STOPS(c)), 0, 0, 0, 0); busy[c]++; check(); skip }

#define DISPATCH_START(c, t) \
    :: d_step { READY(c) && STOPS(c) == 0 && CANSTART(c, t) -> \
        printf("coordinator n%d: dispatch start on n%d\n", c, t); \
        out[c]!MSG_ACTIONS(key[c], A_START << (2 * ((t) - 1)), 0, 0, 0, 0); busy[c]++; check(); skip }

/* the coordinator fences u: the machine is powered off */
#define FENCE(c, u) \
    :: d_step { FENCEABLE(c, u) -> \
        printf("coordinator n%d: fences n%d\n", c, u); \
        if :: alive[u] -> kill_vigild(u, false) :: else -> skip fi; \
        up[u] = false; running[u] = false; \
        out[c]!MSG_FENCE_RESULT(u, 0, 0, 0, 0, 0); fpend[c] = fpend[c] | BIT(u); check(); skip }

/* a tool asks node o for a configuration change (vgl_replica_change_config():
 * ACTIVE, quorate, in a view with a majority): o multicasts CHANGE_REQUEST
 * and waits for a majority's CIB_APPLIED */
#define CHANGE_ID(o, id) \
    :: d_step { !quiet && alive[o] && SETTLED(o) && q[o] && POP(vmask[o]) >= 2 && id < MAXCHG && \
                (used & (1 << id)) == 0 && len(out[o]) < OUTQ -> \
        printf("tool: change %d at n%d\n", id, o); \
        out[o]!MSG_CHANGE_REQUEST(id, 0, 0, 0, 0, 0); used = used | (1 << id); \
        pendc[o] = pendc[o] | (1 << id); check(); skip }
#define CHANGE(o) CHANGE_ID(o, 0) CHANGE_ID(o, 1) CHANGE_ID(o, 2)

/* vigild dies (kill -9): R keeps running; the operation under way in the
 * executor's agent may or may not complete */
#define CRASH(n) \
    :: d_step { !quiet && nfault < MAXF && alive[n] -> nfault++; \
        printf("FAULT: vigild on n%d crashes\n", n); kill_vigild(n, false); check(); skip } \
    :: d_step { !quiet && nfault < MAXF && alive[n] && len(exq[n]) > 0 -> \
        nfault++; exq[n]?h_op; running[n] = (h_op == A_START); \
        printf("FAULT: vigild on n%d crashes after its agent finished op %d\n", n, h_op); \
        kill_vigild(n, false); check(); skip }

#define HASMATE(n) ((n != 1 && alive[1] && comp[1] == comp[n]) || \
                    (n != 2 && alive[2] && comp[2] == comp[n]) || \
                    (n != 3 && alive[3] && comp[3] == comp[n]))

/* the network cuts n off from its component */
#define PARTITION(n) \
    :: d_step { !quiet && nfault < MAXF && alive[n] && HASMATE(n) -> \
        nfault++; \
        for (h_x : 1 .. N) { \
            if \
            :: alive[h_x] && comp[h_x] == comp[n] -> \
                if :: !pend[h_x] -> tcnt[h_x] = len(out[h_x]) :: else -> skip fi; \
                pend[h_x] = true \
            :: else -> skip \
            fi \
        } \
        printf("FAULT: n%d cut off\n", n); \
        for (h_x : 1 .. N) { lclean[h_x] = lclean[h_x] & ~BIT(n) & 7 } \
        lclean[n] = 0; \
        comp[n] = N + 1; recanon(); check(); skip }

/* SIGTERM: clean shutdown begins */
#define SIGTERM(n) \
    :: d_step { !quiet && nfault < MAXF && alive[n] && st[n] == ACTIVE && !leaving[n] && \
                len(out[n]) < OUTQ -> \
        nfault++; leaving[n] = true; st[n] = LEAVING; \
        printf("FAULT: SIGTERM on n%d\n", n); \
        out[n]!MSG_LEAVING(0, 0, 0, 0, 0, 0); check(); skip }

/* nothing runs here and nothing in flight: leave the group, exit */
#define EXIT(n) \
    :: d_step { alive[n] && st[n] == LEAVING && (hist[n] & BIT(n)) == 0 && \
                IGET(infl[n], n) == 0 && len(exq[n]) == 0 && len(out[n]) == 0 && !running[n] -> \
        printf("n%d: leaves the group cleanly and exits\n", n); kill_vigild(n, true); check(); skip }

/* two components see each other again: one confchg for all.  Virtual
 * synchrony: each side has installed its own view first (no pending
 * confchg), so every member installs every view it belongs to. */
#define MERGE(c1, c2) \
    :: d_step { !quiet && nrepair < MAXR && alive[c1] && comp[c1] == c1 && !pend[c1] && \
                alive[c2] && comp[c2] == c2 && !pend[c2] -> \
        nrepair++; printf("REPAIR: components of n%d and n%d merge\n", c1, c2); \
        for (h_x : 1 .. N) { \
            if :: alive[h_x] && comp[h_x] == c2 -> comp[h_x] = c1 :: else -> skip fi \
        } \
        deliver_confchg(c1); check(); skip }

/* vigild starts again on n (after a crash, a clean exit, or a fence that
 * powered the machine off: then it boots with R stopped), with its persisted
 * configuration and an empty status, in the component of m (or alone: 0) */
#define RESTART(n, m) \
    :: d_step { !quiet && nrepair < MAXR && !alive[n] && (m == 0 || (alive[m] && !pend[m])) -> \
        nrepair++; \
        if :: !up[n] -> up[n] = true; running[n] = false :: else -> skip fi; \
        alive[n] = true; inc[n] = 1 - inc[n]; \
        printf("REPAIR: vigild on n%d restarts (joining n%d, 0: alone), R %d\n", n, m, running[n]); \
        if :: m == 0 -> comp[n] = n :: else -> comp[n] = comp[m] fi; \
        recanon(); deliver_confchg(comp[n]); check(); skip }

#define PER_NODE(X) X(1) X(2) X(3)

init
{
    d_step {
        for (h_x : 1 .. N) {
            up[h_x] = true; alive[h_x] = true; comp[h_x] = 1; st[h_x] = JOINING
        }
        deliver_confchg(1); skip
    }
    do
    PER_NODE(DELIVER)
    PER_NODE(CONFCHG)
    PER_NODE(EXEC)
#ifndef NO_RESOURCE
    PER_NODE(DISPATCH_STOPS)
    DISPATCH_START(1, 1) DISPATCH_START(1, 2) DISPATCH_START(1, 3)
    DISPATCH_START(2, 1) DISPATCH_START(2, 2) DISPATCH_START(2, 3)
    DISPATCH_START(3, 1) DISPATCH_START(3, 2) DISPATCH_START(3, 3)
#endif
    FENCE(1, 2) FENCE(1, 3) FENCE(2, 1) FENCE(2, 3) FENCE(3, 1) FENCE(3, 2)
    PER_NODE(CHANGE)
    PER_NODE(CRASH)
    PER_NODE(PARTITION)
    PER_NODE(SIGTERM)
    PER_NODE(EXIT)
    MERGE(1, 2) MERGE(1, 3) MERGE(2, 3)
    RESTART(1, 0) RESTART(1, 2) RESTART(1, 3)
    RESTART(2, 0) RESTART(2, 1) RESTART(2, 3)
    RESTART(3, 0) RESTART(3, 1) RESTART(3, 2)
#ifdef PROP4
    :: d_step { !quiet -> quiet = true }
#endif
    :: timeout ->
#ifdef PROP4
        d_step { check_end(); skip };
#endif
        break
    od
}
