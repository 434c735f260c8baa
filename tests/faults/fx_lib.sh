#!/bin/bash
# shellcheck disable=SC2034,SC2015,SC2153  # globals set here for the driver; A && B || C on purpose
# tests/faults/fx_lib.sh — the fault campaign's core: a seeded random
# generator, the campaign clock, the event log, what each node runs, the
# health of the cluster as the campaign judges it, and the repairs.
#
# What it is for.  campaign.test injects one fault at a time into a 3-node
# lab and must tell, for each, whether the cluster came back and how long
# it took.  Everything that looks at the cluster lives here; the fault
# kinds are in fx_kinds.sh, the verdicts on the checker's samples in
# fx_check.sh.
#
# Invariants.
# - The random generator is advanced only by the main shell (never inside
#   $(...) or a background job), so a seed gives the same plan every time.
# - Times are milliseconds on the checker's clock: FX_T0 is the wall-clock
#   time at which vipwatch started, so an event at FX_NOW lines up with the
#   "T HOLDERS" lines of $LAB_DIR/vipwatch.log (within a few ms).
# - The campaign only signals processes of its own lab, by PID, through
#   lab.sh's verbs; it never touches the root namespace's network.

# ---- random numbers (a 64-bit LCG; bash arithmetic wraps) ----

fx_seed() {
    FX_RNG=$(($1 + 0x9e3779b97f4a7c15))
    fx_rand 2
    fx_rand 2
}

# fx_rand N: FX_R = a number in [0, N).
fx_rand() {
    FX_RNG=$((FX_RNG * 6364136223846793005 + 1442695040888963407))
    FX_R=$((((FX_RNG >> 33) & 0x7fffffff) % $1))
}

# fx_range LO HI: FX_R in [LO, HI].
fx_range() {
    fx_rand $(($2 - $1 + 1))
    FX_R=$((FX_R + $1))
}

# ---- the clock and the event log ----

fx_clock_start() { FX_T0=$((${EPOCHREALTIME/./} / 1000)); }
fx_now() { FX_NOW=$((${EPOCHREALTIME/./} / 1000 - FX_T0)); }

# fx_sec MS: "3.9" (one decimal) into FX_SEC.
fx_sec() { FX_SEC=$(printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100))); }

# fx_event WORDS...: one timestamped line in the campaign's event log.
fx_event() {
    fx_now
    printf '%d %s\n' "$FX_NOW" "$*" >>"$FX_EVENTS"
}

fx_diag_file() { sed 's/^/#   /' "$1"; }

# ---- what runs on a node ----

fx_nodes() { seq 1 "$LAB_NODES"; }

# fx_proc_is PID NAME: PID is alive and its command is NAME.
fx_proc_is() {
    local comm
    [ -n "$1" ] && read -r comm 2>/dev/null <"/proc/$1/comm" && [ "$comm" = "$2" ] && lab_pid_alive "$1"
}

fx_vigild_alive() { fx_proc_is "$(cat "$LAB_DIR/n$1/vigild.pid" 2>/dev/null)" vigild; }
fx_corosync_alive() { fx_proc_is "$(cat "$LAB_DIR/n$1/corosync.pid" 2>/dev/null)" corosync; }
fx_node_dead() { [ -z "$(ip netns pids "$(lab_ns "$1")" 2>/dev/null)" ]; }
fx_link_up() { ip -n "$LAB_SW" -o link show "p$1" 2>/dev/null | grep -q '[<,]UP[,>]'; }

# The nodes that are neither dead nor frozen by us.
fx_alive_nodes() {
    local n out=""
    for n in $(fx_nodes); do
        fx_node_dead "$n" && continue
        [ "${FX_FROZEN[$n]:-0}" = 1 ] && continue
        out="$out $n"
    done
    echo "${out# }"
}

# ---- talking to vigild (with a time limit: a frozen node never answers) ----

FX_ENTER=$(_lab_enter_script)

# fx_vlc N ARGS...: the lab's control client on node N, at most FX_VLC_TIMEOUT s.
fx_vlc() {
    local n=$1
    shift
    LAB_NODE_DIR="$LAB_DIR/n$n" LAB_NODE=$n VIGIL_NODE_NAME="node$n" \
        timeout -k 1 "${FX_VLC_TIMEOUT:-3}" ip netns exec "$(lab_ns "$n")" \
        sh -c "$FX_ENTER" lab-enter "$LAB_BUILDDIR/tests/lab/vlc" "$@"
}

# fx_status N: node N's STATUS into FXS_* (view, quorate, members, coord,
# nodes, ver, inflight, tstate); non-zero when it does not answer.
fx_status() {
    local out k v
    FXS_view='' FXS_quorate='' FXS_members='' FXS_coord='' FXS_nodes='' FXS_ver='' FXS_inflight='' FXS_tstate=''
    out=$(fx_vlc "$1" status 2>/dev/null) || return 1
    while IFS='=' read -r k v; do
        case $k in
        view_state) FXS_view=$v ;;
        quorate) FXS_quorate=$v ;;
        members) FXS_members=$v ;;
        coordinator) FXS_coord=$v ;;
        nodes) FXS_nodes=$v ;;
        cib_version) FXS_ver=$v ;;
        inflight) FXS_inflight=$v ;;
        transition_state) FXS_tstate=$v ;;
        esac
    done <<<"$out"
    [ -n "$FXS_view" ]
}

# The coordinator as the first answering node sees it ("" if none does).
fx_coordinator() {
    local n
    for n in $(fx_alive_nodes); do
        if fx_status "$n" && [ -n "$FXS_coord" ]; then
            echo "${FXS_coord#node}"
            return 0
        fi
    done
    echo ""
}

# ---- where resources run (read from the nodes, not from vigild) ----

FX_VIP=192.0.2.100
fx_vip_holders() { lab_ip_holders "$FX_VIP"; }
fx_state_file() { echo "$LAB_DIR/n$1/run/vigil/rsctmp/Dummy-$2.state"; }

# fx_dummy_nodes RSC: the nodes whose state file for RSC exists.
fx_dummy_nodes() {
    local n out=""
    for n in $(fx_nodes); do
        [ -e "$(fx_state_file "$n" "$1")" ] && out="$out $n"
    done
    echo "${out# }"
}

# fx_rsc_node RSC: where RSC runs by the nodes' own state ("" or "1 3"...).
fx_rsc_node() {
    case $1 in
    vip) fx_vip_holders ;;
    *) fx_dummy_nodes "$1" ;;
    esac
}

# fx_cib_value CIB WHAT: read one campaign-controlled setting from a CIB.
#   move: the node of the fx-move-web location constraint, or "none"
#   d2role: d2's target-role, "Started" when unset
fx_cib_value() {
    local v
    case $2 in
    move)
        v=$(printf '%s\n' "$1" | sed -n 's/.*<rsc_location id="fx-move-web"[^>]* node="\(node[0-9]*\)".*/\1/p' | head -n 1)
        echo "${v:-none}"
        ;;
    d2role)
        v=$(printf '%s\n' "$1" | sed -n 's/.*<nvpair id="d2-meta-target-role" name="target-role" value="\([A-Za-z]*\)".*/\1/p' | head -n 1)
        echo "${v:-Started}"
        ;;
    esac
}

# fx_failed_rscs CIB: resources with a fail count in the status section.
fx_failed_rscs() {
    printf '%s\n' "$1" | grep -o 'name="fail-count-[^#"]*' | sed 's/name="fail-count-//' | sort -u | tr '\n' ' '
}

fx_in() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }
# shellcheck disable=SC2086  # the words of a list, on purpose
fx_count() { set -- $1; echo $#; }
fx_names() { local n out=""; for n in $1; do out="$out,node$n"; done; echo "${out#,}"; }

# ---- the health of the cluster ----

# fx_service: the service is back.  Some answering node is ACTIVE with
# quorum; its coordinator sees no unclean node, has nothing in flight and
# no transition running; the VIP is on exactly one node, a member of that
# view, with d1 and d3 beside it.  FX_WHY says what is missing.
fx_service() {
    local n c="" members h
    FX_WHY="no node is ACTIVE with quorum"
    for n in $(fx_alive_nodes); do
        fx_status "$n" || continue
        [ "$FXS_view" = ACTIVE ] && [ "$FXS_quorate" = true ] && [ -n "$FXS_coord" ] || continue
        c=${FXS_coord#node}
        break
    done
    [ -n "$c" ] || return 1
    [ "$c" = "$n" ] || fx_status "$c" || { FX_WHY="coordinator node$c does not answer"; return 1; }
    [ "$FXS_view" = ACTIVE ] || { FX_WHY="coordinator node$c is $FXS_view"; return 1; }
    case ",$FXS_nodes," in *:unclean,*) FX_WHY="node$c sees an unclean node ($FXS_nodes)"; return 1 ;; esac
    [ "$FXS_inflight" = 0 ] || { FX_WHY="node$c: $FXS_inflight actions in flight"; return 1; }
    case $FXS_tstate in running | aborting | waiting) FX_WHY="node$c: transition $FXS_tstate"; return 1 ;; esac
    members=$FXS_members
    h=$(fx_vip_holders)
    [ "$(fx_count "$h")" = 1 ] || { FX_WHY="VIP on {${h:-nobody}}"; return 1; }
    fx_in "node$h" "${members//,/ }" || { FX_WHY="VIP on node$h, outside the view {$members}"; return 1; }
    [ "$(fx_dummy_nodes d1)" = "$h" ] || { FX_WHY="d1 on {$(fx_dummy_nodes d1)}, VIP on node$h"; return 1; }
    [ "$(fx_dummy_nodes d3)" = "$h" ] || { FX_WHY="d3 on {$(fx_dummy_nodes d3)}, VIP on node$h"; return 1; }
    FX_COORD=$c
    return 0
}

# fx_healthy SET: every node of SET is an ACTIVE member of one quorate view
# of exactly SET, they agree on the coordinator and the configuration
# version, nothing is unclean, nothing in flight, the VIP and d1, d3 on one
# node, d2 on one other node (unless it is stopped on purpose), the web
# group where fx-move-web sends it.  FX_WHY says what is missing; FX_CIB
# holds the coordinator's CIB when it got that far.
fx_healthy() {
    local set=$1 n c="" ver="" want h d2 role move
    want=$(fx_names "$set")
    FX_CIB=''
    for n in $set; do
        fx_status "$n" || { FX_WHY="node$n does not answer"; return 1; }
        [ "$FXS_view" = ACTIVE ] || { FX_WHY="node$n is $FXS_view"; return 1; }
        [ "$FXS_quorate" = true ] || { FX_WHY="node$n has no quorum"; return 1; }
        [ "$FXS_members" = "$want" ] || { FX_WHY="node$n sees members {$FXS_members}"; return 1; }
        case ",$FXS_nodes," in *:unclean,*) FX_WHY="node$n sees an unclean node ($FXS_nodes)"; return 1 ;; esac
        [ -z "$c" ] && c=${FXS_coord#node} && ver=$FXS_ver
        [ "${FXS_coord#node}" = "$c" ] || { FX_WHY="node$n follows $FXS_coord, others node$c"; return 1; }
        [ "$FXS_ver" = "$ver" ] || { FX_WHY="node$n holds configuration $FXS_ver, others $ver"; return 1; }
        if [ "$n" = "$c" ]; then
            [ "$FXS_inflight" = 0 ] || { FX_WHY="node$c: $FXS_inflight actions in flight"; return 1; }
            case $FXS_tstate in running | aborting | waiting) FX_WHY="node$c: transition $FXS_tstate"; return 1 ;; esac
        fi
    done
    fx_in "$c" "$set" || { FX_WHY="coordinator node$c is not in {$want}"; return 1; }
    h=$(fx_vip_holders)
    [ "$(fx_count "$h")" = 1 ] && fx_in "$h" "$set" || { FX_WHY="VIP on {${h:-nobody}}"; return 1; }
    [ "$(fx_dummy_nodes d1)" = "$h" ] || { FX_WHY="d1 on {$(fx_dummy_nodes d1)}, VIP on node$h"; return 1; }
    [ "$(fx_dummy_nodes d3)" = "$h" ] || { FX_WHY="d3 on {$(fx_dummy_nodes d3)}, VIP on node$h"; return 1; }
    FX_CIB=$(fx_vlc "$c" cib 2>/dev/null) || { FX_WHY="node$c: no CIB"; return 1; }
    role=$(fx_cib_value "$FX_CIB" d2role)
    d2=$(fx_dummy_nodes d2)
    if [ "$role" = Stopped ] || [ "$(fx_count "$set")" -lt 2 ]; then
        [ -z "$d2" ] || { FX_WHY="d2 (target-role $role) runs on {$d2}"; return 1; }
    else
        [ "$(fx_count "$d2")" = 1 ] && [ "$d2" != "$h" ] && fx_in "$d2" "$set" ||
            { FX_WHY="d2 on {${d2:-nowhere}}, VIP on node$h"; return 1; }
    fi
    move=$(fx_cib_value "$FX_CIB" move)
    if [ "$move" != none ] && fx_in "${move#node}" "$set" && [ "node$h" != "$move" ]; then
        FX_WHY="fx-move-web sends web to $move, VIP on node$h"
        return 1
    fi
    FX_COORD=$c
    return 0
}

# fx_wait_for SECONDS FUNC ARGS...: poll FUNC every 100 ms; FX_WAITED = ms.
fx_wait_for() {
    local limit=$(($1 * 1000)) t0
    shift
    fx_now
    t0=$FX_NOW
    while :; do
        "$@" && { fx_now; FX_WAITED=$((FX_NOW - t0)); return 0; }
        fx_now
        [ $((FX_NOW - t0)) -ge "$limit" ] && { FX_WAITED=$((FX_NOW - t0)); return 1; }
        sleep 0.1
    done
}

# ---- repairs ----

# Start corosync and vigild on node N (after a fence or a crash).
fx_start_node() {
    local n=$1
    fx_node_dead "$n" && lab_revive "$n"
    if ! fx_corosync_alive "$n"; then
        lab_start "$n" 2>/dev/null
        lab_wait_corosync "$n" 20 2>/dev/null || return 1
    fi
    fx_vigild_alive "$n" || { lab_start_vigild "$n"; fx_event "start vigild node$n pid $(lab_vigild_pid "$n")"; }
}

# Remove every knob the campaign may have left: agent failure files, the
# power switch failure, cuts, frozen processes, links.
fx_undo_all() {
    local n
    rm -f "$LAB_DIR/power/fail"
    rm -f "$LAB_DIR"/n*/run/vigil/rsctmp/Dummy-*.state.fail-* "$LAB_DIR"/n*/run/vigil/rsctmp/Dummy-*.state.hang-*
    for n in $(fx_nodes); do
        if [ "${FX_FROZEN[$n]:-0}" = 1 ]; then lab_thaw "$n" 2>/dev/null; FX_FROZEN[n]=0; fi
        fx_link_up "$n" || lab_link_up "$n"
    done
    lab_heal_all 2>/dev/null
}

# fx_check_daemons: note every vigild that exited without the campaign
# killing it or fencing its node, and every vigild still running although
# its corosync is gone (it should exit).  Appends to FX_BUGS.
fx_check_daemons() {
    local n pid
    for n in $(fx_nodes); do
        fx_node_dead "$n" && continue
        pid=$(lab_vigild_pid "$n")
        if ! fx_vigild_alive "$n" && fx_corosync_alive "$n" && [ "${FX_VKILLED[$n]:-0}" = 0 ]; then
            FX_BUGS="$FX_BUGS; vigild on node$n (pid $pid) exited on its own"
            fx_event "bug vigild node$n pid $pid exited on its own"
            { echo "--- node$n vigild.out (tail)"; tail -n 20 "$LAB_DIR/n$n/vigild.out"; } >>"$FX_LOG" 2>/dev/null
        fi
    done
}

# fx_repair: bring every node back: undo the knobs, start what is missing.
fx_repair() {
    local n i
    fx_undo_all
    for n in $(fx_nodes); do
        if ! fx_corosync_alive "$n" && fx_vigild_alive "$n"; then
            # vigild exits when corosync goes away; give it a moment.
            for i in 1 2 3 4 5 6 7 8 9 10; do fx_vigild_alive "$n" || break; sleep 0.2; done
            if fx_vigild_alive "$n"; then
                FX_BUGS="$FX_BUGS; vigild on node$n still runs 2 s after its corosync died"
                fx_event "bug vigild node$n still runs without corosync"
                kill -KILL "$(lab_vigild_pid "$n")" 2>/dev/null
            fi
        fi
    done
    for n in $(fx_nodes); do
        fx_start_node "$n" || fx_event "repair node$n: corosync did not come up"
    done
    FX_VKILLED=()
}

# fx_cleanup_failed: forget fail counts (the campaign's faults put them
# there on purpose; left alone they would ban resources for good).
# Non-zero when there was nothing to clean up.
fx_cleanup_failed() {
    local r c done=1
    c=$(fx_coordinator)
    [ -n "$c" ] || return 1
    for r in $(fx_failed_rscs "$(fx_vlc "$c" cib 2>/dev/null)"); do
        fx_vlc "$c" cleanup "$r" >/dev/null 2>&1 && fx_event "cleanup $r"
        done=0
    done
    return "$done"
}

# fx_full_health: repair, clean up, wait until all nodes are healthy.
# Returns non-zero with FX_WHY after FX_FULL_MAX seconds.
# fx_repair_if_down [WHAT]: every 2 s at most (FX_LAST_REPAIR), repair
# when a node is dead or its vigild is not running; WHAT, when given,
# names the moment in the event log.  Non-zero when it was too early.
fx_repair_if_down() {
    local n
    fx_now
    [ $((FX_NOW - FX_LAST_REPAIR)) -ge 2000 ] || return 1
    FX_LAST_REPAIR=$FX_NOW
    for n in $(fx_nodes); do
        if fx_node_dead "$n" || ! fx_vigild_alive "$n"; then
            [ -z "${1:-}" ] || fx_event "$1: node$n down: repaired again"
            fx_check_daemons
            fx_repair
            break
        fi
    done
    return 0
}

_fx_full_step() {
    fx_healthy "$(fx_nodes | tr '\n' ' ' | sed 's/ $//')" && return 0
    # Anything dead or missing is started again; fail counts are cleared.
    fx_repair_if_down && fx_cleanup_failed
    return 1
}

# fx_make_whole: wait (repairing) until all nodes are healthy, clean up
# the fail counts and, if there were any, wait again.
fx_make_whole() {
    fx_full_health && { ! fx_cleanup_failed || fx_full_health; }
}

fx_full_health() {
    FX_LAST_REPAIR=0
    fx_wait_for "${FX_FULL_MAX:-60}" _fx_full_step
}
