#!/bin/bash
# shellcheck disable=SC2034,SC2015,SC2153  # globals set here for the driver; A && B || C on purpose
# tests/faults/fx_kinds.sh — the fault kinds of the campaign: how a seed
# becomes a plan, and how each planned fault is injected and undone.
#
# What it is for.  fx_plan draws the whole campaign from the seed before
# the cluster starts: a kind, a role ("holder" of the VIP, "coord"inator,
# or a fixed node), durations as fractions of corosync's detection time,
# and a configuration change to make while the fault lasts.  Only the
# roles are resolved at run time (who holds the VIP when fault #17
# starts), so a seed replays the same sequence of decisions.
#
# fx_inject_KIND runs one fault to the end of its own part (hold, undo)
# and leaves, for the driver:
#   FX_DESC        what happened, e.g. "partition {2}|{1,3} 3.0 s"
#   FX_MUST_FENCE  nodes that must have been fenced (they were cut off)
#   FX_MAY_FENCE   nodes that may have been fenced (a race by design)
#   FX_FAIL        non-empty when the fault's effect was never seen
#                  (a failing monitor nobody noticed)
#   FX_REPAIR_FIRST  nothing recovers before the driver repairs (quorum lost);
#                    the node whose quorate view then counts
# Invariant: everything a fault changes is undone by fx_undo_all
# (fx_lib.sh), so a fault that goes wrong never leaks into the next one.

# ---- the plan ----

# Kinds and their weights (VIGIL_FAULT_KINDS keeps only some of them).
FX_KINDS="kill:10 kill2:4 vigild9:8 corosync:6 freeze:10 link:7 partition:9 splitcfg:4 cut:3 monfail:10 hangmon:4 hangstop:4 hangstart:4 fencefail:7 sigterm:4 config:6 cfgburst:3"

_fx_pick_kind() {
    local kv w acc=0 total=0
    for kv in $FX_KINDS; do total=$((total + ${kv#*:})); done
    fx_rand "$total"
    for kv in $FX_KINDS; do
        w=${kv#*:}
        acc=$((acc + w))
        if [ "$FX_R" -lt "$acc" ]; then FX_K=${kv%%:*}; return; fi
    done
    FX_K=config
}

_fx_pick_role() {
    fx_rand 100
    if [ "$FX_R" -lt 45 ]; then FX_ROLE=holder
    elif [ "$FX_R" -lt 65 ]; then FX_ROLE=coord
    elif [ "$FX_R" -lt 80 ]; then FX_ROLE=other
    else fx_range 1 3; FX_ROLE=node$FX_R
    fi
}

# A duration class (short: no membership change; mid: around detection,
# races on purpose; long: surely detected) and a per-mille inside it.
_fx_pick_dur() {
    fx_rand 10
    if [ "$FX_R" -lt 3 ]; then FX_CLASS=short
    elif [ "$FX_R" -lt 5 ]; then FX_CLASS=mid
    else FX_CLASS=long
    fi
    fx_rand 1000
    FX_PM=$FX_R
}

_fx_pick_rsc() { fx_rand 4; set -- vip d1 d2 d3; shift "$FX_R"; FX_RSC=$1; }
_fx_pick_dummy() { fx_rand 3; set -- d1 d2 d3; shift "$FX_R"; FX_RSC=$1; }

# A configuration change: "attr N", "opt", "meta", "move N" (0: delete),
# "d2role Started|Stopped".
_fx_pick_change() {
    fx_rand 100
    if [ "$FX_R" -lt 40 ]; then fx_range 1 3; FX_CHG="attr $FX_R"
    elif [ "$FX_R" -lt 52 ]; then FX_CHG=opt
    elif [ "$FX_R" -lt 64 ]; then FX_CHG=meta
    elif [ "$FX_R" -lt 84 ]; then fx_range 0 3; FX_CHG="move $FX_R"
    else
        fx_rand 3
        if [ "$FX_R" = 0 ]; then FX_CHG="d2role Stopped"; else FX_CHG="d2role Started"; fi
    fi
}

# fx_plan COUNT: FX_PLAN[i] = the fault, FX_PLAN_CHG[i] = "OFFSET_MS WHO
# CHANGE" or "": a change while the fault lasts; FX_PLAN_REP[i] the same
# while the repair brings nodes back (their vigild joins and syncs).
fx_plan() {
    local i sub d
    FX_PLAN=() FX_PLAN_CHG=() FX_PLAN_REP=()
    for i in $(seq 1 "$1"); do
        _fx_pick_kind
        case $FX_K in
        kill | corosync | sigterm) _fx_pick_role; FX_PLAN[i]="$FX_K $FX_ROLE" ;;
        kill2) _fx_pick_role; fx_range 0 1500; FX_PLAN[i]="kill2 $FX_ROLE $FX_R" ;;
        splitcfg)
            _fx_pick_role
            fx_range 50 1500; d=$FX_R
            fx_range 0 3; FX_PLAN[i]="splitcfg $FX_ROLE $d $FX_R"
            ;;
        vigild9)
            _fx_pick_role
            fx_rand 3
            if [ "$FX_R" = 0 ]; then d=-1; else fx_range 0 2000; d=$FX_R; fi
            FX_PLAN[i]="vigild9 $FX_ROLE $d"
            ;;
        freeze | link | partition) _fx_pick_role; _fx_pick_dur; FX_PLAN[i]="$FX_K $FX_ROLE $FX_CLASS $FX_PM" ;;
        cut)
            fx_range 1 3; d=$FX_R
            _fx_pick_dur
            FX_PLAN[i]="cut $d $FX_CLASS $FX_PM"
            ;;
        monfail)
            _fx_pick_rsc
            fx_rand 3; set -- 1 7 2; shift "$FX_R"
            fx_range 300 2500
            FX_PLAN[i]="monfail $FX_RSC $1 $FX_R"
            ;;
        hangmon | hangstart) _fx_pick_dummy; fx_range 200 3000; FX_PLAN[i]="$FX_K $FX_RSC $FX_R" ;;
        hangstop) _fx_pick_dummy; FX_PLAN[i]="hangstop $FX_RSC" ;;
        fencefail)
            fx_rand 6; set -- kill freeze partition link vigild9 none; shift "$FX_R"; sub=$1
            _fx_pick_role
            fx_range 1000 6000; d=$FX_R
            _fx_pick_dur
            fx_rand 2
            FX_PLAN[i]="fencefail $sub $FX_ROLE $FX_PM $d $([ "$FX_R" = 0 ] && echo all || echo off-reboot)"
            ;;
        cfgburst) fx_range 1 3; d=$FX_R; fx_range 3 6; FX_PLAN[i]="cfgburst $d $FX_R" ;;
        config)
            fx_range 1 3
            FX_PLAN[i]="config"
            for sub in $(seq 1 "$FX_R"); do
                fx_range 1 3; d=$FX_R
                _fx_pick_change
                FX_PLAN[i]="${FX_PLAN[i]} ${FX_CHG// /:}@$d"
            done
            ;;
        esac
        _fx_pick_timed_change 25 1500
        FX_PLAN_REP[i]=$FX_TC
        _fx_pick_timed_change 35 2500
        FX_PLAN_CHG[i]=$FX_TC
    done
}

# _fx_pick_timed_change PERCENT MAX_MS: FX_TC = "OFFSET WHO CHANGE" with
# that probability (never for a config fault), else "".
_fx_pick_timed_change() {
    local d who
    FX_TC=''
    fx_rand 100
    [ "$FX_K" != config ] && [ "$FX_R" -lt "$1" ] || return 0
    fx_range 0 "$2"
    d=$FX_R
    fx_rand 2
    if [ "$FX_R" = 0 ]; then who=target; else who=other; fi
    _fx_pick_change
    FX_TC="$d $who $FX_CHG"
}

# ---- resolving roles ----

# fx_resolve ROLE: FX_T = the node, FX_TR = "node2 (holder)".
fx_resolve() {
    local h c n
    h=$(fx_vip_holders)
    [ "$(fx_count "$h")" = 1 ] || h=1
    case $1 in
    holder) FX_T=$h ;;
    coord) c=$(fx_coordinator); FX_T=${c:-1} ;;
    other)
        c=$(fx_coordinator)
        FX_T=''
        for n in $(fx_nodes); do
            [ "$n" != "$h" ] && [ "$n" != "$c" ] && { FX_T=$n; break; }
        done
        [ -n "$FX_T" ] || { for n in $(fx_nodes); do [ "$n" != "$h" ] && { FX_T=$n; break; }; done; }
        ;;
    node*) FX_T=${1#node} ;;
    esac
    FX_TR="node$FX_T ($1)"
}

fx_others() { local n out=""; for n in $(fx_nodes); do [ "$n" != "$1" ] && out="$out $n"; done; echo "${out# }"; }

# fx_dur CLASS PERMILLE: FX_D = milliseconds, from corosync's own timing.
fx_dur() {
    case $1 in
    short) FX_D=$((50 + $2 * FX_TOKEN * 4 / 10000)) ;;
    mid) FX_D=$((FX_DETECT * 7 / 10 + $2 * FX_DETECT * 8 / 10000)) ;;
    long) FX_D=$((FX_DETECT * 2 + 500 + $2 * 2)) ;;
    esac
}

fx_sleep_ms() { [ "$1" -gt 0 ] && sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; return 0; }

# ---- configuration changes ----

# fx_change FAULT SUB NODE CHANGE...: make the change through NODE and
# record it with its outcome in $FX_CHANGES.
fx_change() {
    local f=$1 sub=$2 n=$3 key val rc
    shift 3
    local name="fx-$f-$sub"
    case $1 in
    attr) key=mark:$name; val=v$f; FX_VLC_TIMEOUT=10 fx_vlc "$n" nodeattr "node$2" "$name" "$val" ;;
    opt) key=mark:$name; val=v$f; FX_VLC_TIMEOUT=10 fx_vlc "$n" option "$name" "$val" ;;
    meta) key=mark:$name; val=v$f; FX_VLC_TIMEOUT=10 fx_vlc "$n" meta d3 "$name" "$val" ;;
    move)
        key=move
        if [ "$2" = 0 ]; then
            val=none
            FX_VLC_TIMEOUT=10 fx_vlc "$n" delete fx-move-web
        else
            val=node$2
            FX_VLC_TIMEOUT=10 fx_vlc "$n" put constraints \
                "<rsc_location id=\"fx-move-web\" rsc=\"web\" node=\"node$2\" score=\"1000\"/>"
        fi
        ;;
    d2role) key=d2role; val=$2; FX_VLC_TIMEOUT=10 fx_vlc "$n" meta d2 target-role "$2" ;;
    esac >/dev/null 2>"$FX_DIR/change-$f-$sub.err"
    rc=$?
    [ "$rc" = 0 ] && rc=ok
    echo "$f $key $val $rc node$n $sub" >>"$FX_CHANGES"
    fx_event "change #$f.$sub $key=$val via node$n: $rc $(head -c 300 "$FX_DIR/change-$f-$sub.err" | tr '\n' ' ')"
    rm -f "$FX_DIR/change-$f-$sub.err"
    # vigild took the request and never answered: outside a fault (alone
    # or during the repair) that is a bug; during one the node may be frozen.
    [ "$rc" = 124 ] && [ "$sub" != 1 ] && echo "$f $sub node$n" >>"$FX_DIR/noanswer"
    return 0
}

# fx_change_bg FAULT TARGET SUB PLAN: start a planned change ("OFFSET WHO
# CHANGE") in the background; FX_BG_PID is its job, FX_BG_WHAT says what.
fx_change_bg() {
    local f=$1 t=$2 sub=$3 off who chg n
    FX_BG_PID='' FX_BG_WHAT=''
    [ -n "$4" ] || return 0
    read -r off who chg <<<"$4"
    if [ "$who" = target ]; then n=$t; else n=$(fx_others "$t"); n=${n%% *}; fi
    # shellcheck disable=SC2086
    (fx_sleep_ms "$off"; fx_change "$f" "$sub" "$n" $chg) </dev/null &
    FX_BG_PID=$!
    fx_sec "$off"
    FX_BG_WHAT="change ${chg// /=} via node$n at $FX_SEC s"
}

# fx_change_wait FAULT SUB: wait for the background change; FX_BG_WHAT
# gets its outcome.
fx_change_wait() {
    [ -n "$FX_BG_PID" ] || return 0
    wait "$FX_BG_PID"
    FX_BG_PID=''
    FX_BG_WHAT="$FX_BG_WHAT: $(awk -v f="$1" -v s="$2" '$1 == f && $6 == s { r = $4 } END { print (r == "ok" ? "acknowledged" : "not acknowledged (" r ")") }' "$FX_CHANGES")"
}

# ---- helpers of the kinds ----

# _fx_failures RSC: how many failures of RSC the CIB records (the sum of
# its fail counts on every node, INFINITY counting as 1000000).
_fx_failures() {
    local c
    c=$(fx_coordinator)
    [ -n "$c" ] || { echo 0; return; }
    fx_vlc "$c" cib 2>/dev/null | grep -o "name=\"fail-count-$1#[^\"]*\" value=\"[^\"]*\"" |
        sed 's/.*value="//; s/"$//; s/INFINITY/1000000/' | awk '{ s += $1 } END { print s + 0 }'
}

_fx_failed_more() { [ "$(_fx_failures "$1")" -gt "$2" ]; }

# fx_observe_failure RSC SECONDS: wait until a new failure of RSC shows
# (FX_FAILS0: the count before the fault).
fx_observe_failure() { fx_wait_for "$2" _fx_failed_more "$1" "$FX_FAILS0"; }

# _fx_expect_failure RSC N SECONDS WHAT: the failure of RSC on node N is
# recorded within SECONDS, or else FX_FAIL says WHAT was never recorded.
# A configuration change of this fault may have moved RSC away first: its
# stop then ends the failing or hung monitor, which is no failure.
_fx_expect_failure() {
    fx_observe_failure "$1" "$3" && return 0
    if [ -n "${FX_PLAN_CHG[FX_I]}" ] && [ "$(fx_rsc_node "$1")" != "$2" ]; then
        FX_DESC="$FX_DESC (moved away by the change first)"
    else
        FX_FAIL="$4 was never recorded"
    fi
}

_fx_fenced_since() { tail -n +"$((FX_POWER_LINES + 1))" "$LAB_DIR/power/log" 2>/dev/null | grep -q "power: \(off\|reboot\) node$1 -> OK"; }

# fx_knob N RSC KIND VALUE: a Dummy run-time knob on node N.
fx_knob() { echo "$4" >"$(fx_state_file "$1" "$2").$3"; }
fx_unknob() { rm -f "$(fx_state_file "$1" "$2").$3"; }

# ---- the kinds ----

fx_inject_kill() {
    fx_resolve "$1"
    lab_kill "$FX_T" 2>/dev/null
    FX_DESC="hard kill of $FX_TR"
    FX_MUST_FENCE=$FX_T
}

fx_inject_vigild9() {
    fx_resolve "$1"
    FX_VKILLED[FX_T]=1
    lab_kill_vigild "$FX_T" 2>/dev/null
    FX_MUST_FENCE=$FX_T
    if [ "$2" -lt 0 ]; then
        FX_DESC="kill -9 of vigild on $FX_TR"
        return
    fi
    fx_sleep_ms "$2"
    fx_sec "$2"
    FX_DESC="kill -9 of vigild on $FX_TR, restarted after $FX_SEC s"
    if fx_corosync_alive "$FX_T"; then
        lab_start_vigild "$FX_T"
        fx_event "restart vigild node$FX_T pid $(lab_vigild_pid "$FX_T")"
    fi
}

fx_inject_corosync() {
    fx_resolve "$1"
    kill -KILL "$(cat "$LAB_DIR/n$FX_T/corosync.pid")" 2>/dev/null
    FX_DESC="kill -9 of corosync on $FX_TR"
    FX_MUST_FENCE=$FX_T
}

# A second failure during recovery: the node dies, and soon after its
# fence the survivors' coordinator dies too.  One node is left, without
# quorum: nothing can recover until the driver brings nodes back
# (FX_REPAIR_FIRST), and the hold-off lasts until quorum returns.
fx_inject_kill2() {
    local t1 c
    fx_resolve "$1"
    t1=$FX_T
    lab_kill "$t1" 2>/dev/null
    fx_wait_for $((FX_DETECT / 1000 + 10)) _fx_fenced_since "$t1" || true
    fx_sleep_ms "$2"
    c=$(fx_coordinator)
    if [ -z "$c" ] || [ "$c" = "$t1" ]; then
        c=$(fx_others "$t1")
        c=${c%% *}
    fi
    lab_kill "$c" 2>/dev/null
    fx_sec "$2"
    FX_DESC="hard kill of $FX_TR, then $FX_SEC s after its fence of the coordinator node$c"
    # The driver waits for a quorate view reported by node $t1 once it is
    # back (the survivor may still report its old view until corosync's
    # token expires).  Not node $c: $t1 and the survivor may fence it
    # while it starts again, which is right.
    FX_MUST_FENCE=$t1 FX_MAY_FENCE=$c FX_REPAIR_FIRST=$t1
}

# Configuration changes on both sides of a partition: one through the
# node being cut off before anyone noticed (it may acknowledge it in its
# old view), one through the majority once it has moved on.  Both are
# acknowledged changes: neither may be lost when the node comes back.
fx_inject_splitcfg() {
    local others o d1=$2 n=$3
    fx_resolve "$1"
    others=$(fx_others "$FX_T")
    o=${others%% *}
    [ "$n" != 0 ] && fx_in "$n" "$others" && o=$n
    lab_partition "$FX_T" "$others" 2>/dev/null
    fx_sleep_ms "$d1"
    fx_change "$FX_I" 2 "$FX_T" attr "$FX_T"
    fx_wait_for $((FX_DETECT / 1000 + 10)) _fx_fenced_since "$FX_T" || true
    fx_change "$FX_I" 3 "$o" opt
    lab_heal_all 2>/dev/null
    fx_sec "$d1"
    FX_DESC="partition {$FX_T}|{${others// /,}} ($FX_TR), a change through node$FX_T after $FX_SEC s ($(_fx_change_res 2)), one through node$o after the fence ($(_fx_change_res 3))"
    FX_MUST_FENCE=$FX_T
}

_fx_change_res() { awk -v f="$FX_I" -v s="$1" '$1 == f && $6 == s { print ($4 == "ok" ? "acknowledged" : "refused: " $4) }' "$FX_CHANGES"; }

# A clean stop (SIGTERM): the node hands its resources over and leaves;
# it must not be fenced (DESIGN.md, safety rule 3).
fx_inject_sigterm() {
    fx_resolve "$1"
    FX_VKILLED[FX_T]=1
    if lab_stop_vigild "$FX_T" 300 2>/dev/null; then
        FX_DESC="clean stop (SIGTERM) of vigild on $FX_TR"
    else
        FX_DESC="clean stop (SIGTERM) of vigild on $FX_TR"
        FX_FAIL="vigild on node$FX_T did not stop within 30 s of SIGTERM"
    fi
}

# _fx_fence_class CLASS NODES: what the duration class says about fencing.
_fx_fence_class() {
    case $1 in
    long) FX_MUST_FENCE=$2 ;;
    mid) FX_MAY_FENCE=$2 ;;
    esac
}

fx_inject_freeze() {
    fx_resolve "$1"
    fx_dur "$2" "$3"
    FX_FROZEN[FX_T]=1
    lab_freeze "$FX_T" 2>/dev/null
    fx_sleep_ms "$FX_D"
    lab_thaw "$FX_T" 2>/dev/null
    FX_FROZEN[FX_T]=0
    fx_sec "$FX_D"
    FX_DESC="freeze of $FX_TR for $FX_SEC s ($2)"
    _fx_fence_class "$2" "$FX_T"
}

fx_inject_link() {
    fx_resolve "$1"
    fx_dur "$2" "$3"
    lab_link_down "$FX_T"
    fx_sleep_ms "$FX_D"
    lab_link_up "$FX_T"
    fx_sec "$FX_D"
    FX_DESC="link down on $FX_TR for $FX_SEC s ($2)"
    _fx_fence_class "$2" "$FX_T"
}

fx_inject_partition() {
    local others
    fx_resolve "$1"
    fx_dur "$2" "$3"
    others=$(fx_others "$FX_T")
    lab_partition "$FX_T" "$others" 2>/dev/null
    fx_sleep_ms "$FX_D"
    lab_heal_all 2>/dev/null
    fx_sec "$FX_D"
    FX_DESC="partition {$FX_T}|{${others// /,}} ($FX_TR) for $FX_SEC s ($2)"
    _fx_fence_class "$2" "$FX_T"
}

# One link between two nodes cut, both still reach the third: corosync
# drops one of them from the ring, which one is not ours to say.
fx_inject_cut() {
    local a=$1 b=$(($1 % 3 + 1))
    fx_dur "$2" "$3"
    lab_cut "$a" "$b"
    fx_sleep_ms "$FX_D"
    lab_heal "$a" "$b"
    fx_sec "$FX_D"
    FX_DESC="cut node$a-node$b for $FX_SEC s ($2)"
    [ "$2" = short ] || FX_MAY_FENCE="$a $b"
}

fx_inject_monfail() {
    local rsc=$1 code=$2 hold=$3 n
    n=$(fx_rsc_node "$rsc")
    FX_FAILS0=$(_fx_failures "$rsc")
    if [ "$(fx_count "$n")" != 1 ]; then
        FX_DESC="monitor failure of $rsc: skipped, it runs on {$n}"
        return
    fi
    if [ "$rsc" = vip ]; then
        ip -n "$(lab_ns "$n")" addr del "$FX_VIP/24" dev eth0 2>/dev/null
        FX_DESC="VIP address removed under vigild on node$n"
    else
        fx_knob "$n" "$rsc" fail-monitor "$code"
        fx_sec "$hold"
        FX_DESC="monitor of $rsc on node$n fails (rc $code) for $FX_SEC s"
    fi
    fx_sleep_ms "$hold"
    _fx_expect_failure "$rsc" "$n" 6 "the failing monitor of $rsc on node$n"
    fx_unknob "$n" "$rsc" fail-monitor
    if [ "$code" = 2 ]; then _fx_cleanup_stranded "$rsc"; fi
}

fx_inject_hangmon() {
    local rsc=$1 hold=$2 n
    n=$(fx_rsc_node "$rsc")
    FX_FAILS0=$(_fx_failures "$rsc")
    [ "$(fx_count "$n")" = 1 ] || { FX_DESC="monitor hang of $rsc: skipped, it runs on {$n}"; return; }
    fx_knob "$n" "$rsc" hang-monitor 6
    FX_DESC="monitor of $rsc on node$n hangs past its 3 s timeout"
    _fx_expect_failure "$rsc" "$n" 10 "the hung monitor of $rsc on node$n"
    fx_sleep_ms "$hold"
    fx_unknob "$n" "$rsc" hang-monitor
}

fx_inject_hangstop() {
    local rsc=$1 n
    n=$(fx_rsc_node "$rsc")
    [ "$(fx_count "$n")" = 1 ] || { FX_DESC="stop hang of $rsc: skipped, it runs on {$n}"; return; }
    fx_knob "$n" "$rsc" hang-stop 8
    fx_knob "$n" "$rsc" fail-monitor 1
    FX_DESC="monitor of $rsc on node$n fails and its stop hangs past the timeout"
    FX_MUST_FENCE=$n
    fx_wait_for 15 _fx_fenced_since "$n" || true
}

fx_inject_hangstart() {
    local rsc=$1 hold=$2 n
    n=$(fx_rsc_node "$rsc")
    FX_FAILS0=$(_fx_failures "$rsc")
    [ "$(fx_count "$n")" = 1 ] || { FX_DESC="start hang of $rsc: skipped, it runs on {$n}"; return; }
    fx_knob "$n" "$rsc" hang-start 6
    fx_knob "$n" "$rsc" fail-monitor 1
    FX_DESC="monitor of $rsc on node$n fails and its restart hangs past the timeout"
    _fx_expect_failure "$rsc" "$n" 6 "the failing monitor of $rsc on node$n"
    fx_unknob "$n" "$rsc" fail-monitor
    fx_sleep_ms $((hold + 4000))
    fx_unknob "$n" "$rsc" hang-start
    _fx_cleanup_stranded "$rsc"
}

# _fx_idle: the coordinator has nothing in flight and no transition to
# finish; _fx_settled: so twice, 0.5 s apart.
_fx_idle() {
    local c
    c=$(fx_coordinator)
    [ -n "$c" ] && fx_status "$c" && [ "$FXS_inflight" = 0 ] || return 1
    case $FXS_tstate in running | aborting | waiting) return 1 ;; esac
}
_fx_settled() { _fx_idle && sleep 0.5 && _fx_idle; }

# _fx_cleanup_stranded RSC: a failure that bans RSC from its node (a hard
# error, a failed start) mostly moves its group with it.  But the group
# stays when every other node scores below zero for it, which d2's
# anti-colocation and stickiness can make so: then RSC is left stopped, as
# Pacemaker leaves it (tests/scheduler/colocation-dependent-ban-stranded;
# crm_simulate agrees).  An operator cleans it up: so does the driver, and
# the line says so.
_fx_cleanup_stranded() {
    local c
    [ "$1" != vip ] || return 0
    fx_wait_for 10 _fx_settled || return 0
    [ -z "$(fx_rsc_node "$1")" ] || return 0
    c=$(fx_coordinator)
    [ -n "$c" ] && fx_vlc "$c" cleanup "$1" >/dev/null 2>&1 && fx_event "cleanup $1 (banned where its group runs)"
    FX_DESC="$FX_DESC (banned where its group runs: cleaned up)"
}

# The fence device fails while a node must be fenced; it works again
# after D ms.  Until then the cluster cannot recover (a hold-off).
fx_inject_fencefail() {
    local sub=$1 role=$2 pm=$3 d=$4 mode=$5 others t_undo=0 what
    # Either every action fails, or only off and reboot (monitor still works).
    if [ "$mode" = all ]; then : >"$LAB_DIR/power/fail"; else echo "off reboot" >"$LAB_DIR/power/fail"; fi
    fx_now
    local t0=$FX_NOW
    fx_resolve "$role"
    fx_dur long "$pm"
    others=$(fx_others "$FX_T")
    case $sub in
    kill) lab_kill "$FX_T" 2>/dev/null; what="hard kill of $FX_TR" ;;
    vigild9) FX_VKILLED[FX_T]=1; lab_kill_vigild "$FX_T" 2>/dev/null; what="kill -9 of vigild on $FX_TR" ;;
    freeze) FX_FROZEN[FX_T]=1; lab_freeze "$FX_T" 2>/dev/null; t_undo=$FX_D; what="freeze of $FX_TR" ;;
    partition) lab_partition "$FX_T" "$others" 2>/dev/null; t_undo=$FX_D; what="partition {$FX_T}|{${others// /,}}" ;;
    link) lab_link_down "$FX_T"; t_undo=$FX_D; what="link down on $FX_TR" ;;
    none) what="no other fault" ;;
    esac
    # Undo the sub-fault and repair the device in time order.
    if [ "$t_undo" -gt 0 ] && [ "$t_undo" -lt "$d" ]; then
        fx_sleep_ms "$t_undo"
        _fx_fencefail_undo "$sub"
        fx_now
        fx_sleep_ms $((d - (FX_NOW - t0)))
        _fx_device_back "$t0" "$d"
    else
        fx_sleep_ms "$d"
        _fx_device_back "$t0" "$d"
        [ "$t_undo" -gt 0 ] && { fx_sleep_ms $((t_undo - (FX_NOW - t0))); _fx_fencefail_undo "$sub"; }
    fi
    # A node that left the view uncleanly must be fenced once the device
    # works, unless it was back first: a node that rejoins is no longer
    # unclean (doc/protocol.md, Fencing: its announcement is its truth, and
    # nothing it may have run started elsewhere while it was away).
    # The fencer retries a failed fence after 1, 2, 4, then 8 s: a node
    # whose sub-fault ends less than that after the device is back may be
    # back in the view before the next attempt.
    if [ "$sub" != none ]; then
        if [ "$t_undo" -gt 0 ] && [ "$t_undo" -lt $((d + 9000)) ]; then
            FX_MAY_FENCE=$FX_T
        else
            FX_MUST_FENCE=$FX_T
        fi
    fi
    fx_sec "$d"
    FX_DESC="fence device fails ($mode) for $FX_SEC s; $what"
    [ "$t_undo" -gt 0 ] && { fx_sec "$t_undo"; FX_DESC="$FX_DESC for $FX_SEC s"; }
}

# The device works again.  Until now no resource could start anywhere
# while a node was unclean (fix 2 of tests/model: an unclean node may run
# anything), so every VIP gap up to here is excused, whoever held it.
_fx_device_back() {
    rm -f "$LAB_DIR/power/fail"
    fx_now
    fx_event "fence device works again"
    fx_hold_off "$1" "$FX_NOW" $(($2 + 1000)) "*"
}

_fx_fencefail_undo() {
    case $1 in
    freeze) lab_thaw "$FX_T" 2>/dev/null; FX_FROZEN[FX_T]=0 ;;
    partition) lab_heal_all 2>/dev/null ;;
    link) lab_link_up "$FX_T" ;;
    esac
    fx_event "undo $1 node$FX_T"
}

# A burst: the web group is sent to a node while COUNT other changes go
# through all three nodes at once (the coordinator queues them; status
# updates from the move interleave with the diffs).
fx_inject_cfgburst() {
    local y=$1 count=$2 k pids=""
    fx_change "$FX_I" 2 $((y % 3 + 1)) move "$y" &
    pids="$pids $!"
    for k in $(seq 1 "$count"); do
        case $((k % 3)) in
        0) fx_change "$FX_I" $((k + 2)) $((k % 3 + 1)) attr "$y" & ;;
        1) fx_change "$FX_I" $((k + 2)) $((k % 3 + 1)) opt & ;;
        *) fx_change "$FX_I" $((k + 2)) $((k % 3 + 1)) meta & ;;
        esac
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait $pids
    FX_DESC="web sent to node$y while $count other changes go through all nodes at once: $(awk -v f="$FX_I" '$1 == f { n++; if ($4 == "ok") a++ } END { printf "%d of %d acknowledged", a, n }' "$FX_CHANGES")"
}

# fx_inject_config CHANGE@NODE...: changes alone, one after the other.
fx_inject_config() {
    local s=1 c chg n
    FX_DESC="configuration changes:"
    for c in "$@"; do
        s=$((s + 1))
        chg=${c%@*} n=${c#*@}
        # shellcheck disable=SC2086
        fx_change "$FX_I" "$s" "$n" ${chg//:/ }
        FX_DESC="$FX_DESC ${chg//:/=} via node$n"
    done
}
