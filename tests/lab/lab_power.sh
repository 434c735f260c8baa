#!/bin/bash
# tests/lab/lab_power.sh — the lab's power switch, for fence_lab.
#
# What it is for: a fence agent runs inside one lab node, in that node's
# network and mount namespaces, so it cannot reach another node's processes
# or links itself.  The power switch is a small controller that lab.sh starts
# in the root namespace (lab_create calls lab_power_start, lab_destroy calls
# lab_power_stop).  It listens on a FIFO, $LAB_DIR/power/ctl, which every node
# sees because /tmp is shared, and turns requests into lab verbs:
#
#   off PLUG     lab_kill N: link down, SIGKILL every process of node N
#   on PLUG      lab_revive N: link up (starts nothing)
#   reboot PLUG  off, then on
#   status PLUG  "ON" when node N has processes and its link is up, else "OFF"
#   list         the plugs, node1 .. nodeN
#   ping         "OK": the switch is alive (fence_lab's monitor)
#
# PLUG is nodeN or N.  Protocol: the client writes one line
# "ACTION PLUG REPLY" (at most PIPE_BUF bytes, so concurrent writers never
# interleave) to the FIFO; the controller writes its answer, "OK ...",
# "ON ...", "OFF ...", "LIST ..." or "ERR message", to the regular file
# $LAB_DIR/power/REPLY (written to a temporary name, then renamed) and the
# client polls for it.  REPLY is a plain file name, checked.
#
# Failure on demand: while $LAB_DIR/power/fail exists, requests fail with
# "ERR ..."; an empty file fails every action, otherwise only the actions it
# lists (e.g. "off reboot").  Remove it and the device works again.
#
# The same switch serves the lab's self-fence hook: a node asking to be
# powered off sends "off nodeN" for itself (fence_lab action=off plug=nodeN);
# the controller kills the requester along with the rest of the node.
#
# Invariants: one controller per lab, its PID in $LAB_DIR/power/pid; it only
# ever signals processes of the lab's own namespaces (through lab_kill); the
# FIFO is held open read-write by the controller, so it never sees EOF.

lab_power_dir() { echo "$LAB_DIR/power"; }

# Parse PLUG into a node number of this lab; empty when it is not one.
_lab_power_plug() {
    local n=${1#node}
    case $n in '' | *[!0-9]*) return 1 ;; esac
    [ "$n" -ge 1 ] && [ "$n" -le "$LAB_NODES" ] && echo "$n"
}

_lab_power_link_up() {
    ip -n "$LAB_SW" -o link show "p$1" 2>/dev/null | grep -q '[<,]UP[,>]'
}

_lab_power_status() {
    local n=$1 procs link=down
    procs=$(ip netns pids "$(lab_ns "$n")" 2>/dev/null | wc -l)
    _lab_power_link_up "$n" && link=up
    if [ "$procs" -gt 0 ] && [ "$link" = up ]; then
        echo "ON processes=$procs link=$link"
    else
        echo "OFF processes=$procs link=$link"
    fi
}

# Wait until node N has no processes left (SIGKILL is asynchronous).
_lab_power_wait_dead() {
    local _
    for _ in $(seq 1 50); do
        [ -z "$(ip netns pids "$(lab_ns "$1")" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    return 1
}

_lab_power_off() {
    lab_kill "$1"
    if _lab_power_wait_dead "$1"; then
        echo "OK node$1 off"
    else
        echo "ERR node$1 still has processes after SIGKILL"
    fi
}

# The answer to one request line "ACTION PLUG".
_lab_power_answer() {
    local action=$1 plug=$2 n f="$LAB_DIR/power/fail"
    if [ -e "$f" ] && { [ ! -s "$f" ] || grep -qw -- "$action" "$f"; }; then
        echo "ERR power switch failure injected ($f exists)"
        return
    fi
    case $action in
    ping) echo "OK"; return ;;
    list) echo "LIST $(seq -f 'node%g' 1 "$LAB_NODES" | tr '\n' ' ')"; return ;;
    off | on | reboot | status) ;;
    *) echo "ERR unknown action '$action'"; return ;;
    esac
    if ! n=$(_lab_power_plug "$plug"); then
        echo "ERR unknown plug '$plug' (this lab has node1..node$LAB_NODES)"
        return
    fi
    case $action in
    off) _lab_power_off "$n" ;;
    on) lab_revive "$n"; echo "OK node$n on" ;;
    reboot) _lab_power_off "$n" >/dev/null; lab_revive "$n"; echo "OK node$n rebooted" ;;
    status) _lab_power_status "$n" ;;
    esac
}

_lab_power_loop() {
    local dir=$1 action plug reply answer
    trap - EXIT INT
    trap 'exit 0' TERM
    exec 3<>"$dir/ctl"
    while IFS=' ' read -r action plug reply <&3; do
        case $reply in '' | *[!A-Za-z0-9._-]* | .*) continue ;; esac
        answer=$(_lab_power_answer "$action" "$plug" 2>>"$dir/log")
        lab_log "power: $action $plug -> $answer" 2>>"$dir/log"
        printf '%s\n' "$answer" >"$dir/.$reply.tmp" && mv -f "$dir/.$reply.tmp" "$dir/$reply"
    done
}

# lab_power_start: start the controller for the current lab.
lab_power_start() {
    local dir
    dir=$(lab_power_dir)
    mkdir -p "$dir"
    rm -f "$dir/ctl"
    mkfifo -m 600 "$dir/ctl" || lab_die "cannot create $dir/ctl"
    _lab_power_loop "$dir" </dev/null >>"$dir/log" 2>&1 &
    echo "$!" >"$dir/pid"
    lab_log "power switch on $dir/ctl (pid $!)"
}

# lab_power_stop: stop the controller (by its PID) and remove its FIFO.
lab_power_stop() {
    local dir pid
    dir=$(lab_power_dir)
    [ -f "$dir/pid" ] || return 0
    pid=$(cat "$dir/pid")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -f "$dir/pid" "$dir/ctl"
}
