#!/bin/bash
# tests/lab/lab.sh — a cluster of N corosync nodes on one machine.
#
# Source this file from bash, then:
#
#   lab_create 3 [TOKEN_MS]   build the switch and three nodes (not started)
#   lab_start N               start corosync on node N (1-based)
#   lab_stop N                stop node N cleanly (SIGTERM to its processes)
#   lab_kill N                hard kill: SIGKILL every process of node N, link down
#   lab_revive N              link up again after lab_kill (processes not started)
#   lab_freeze N / lab_thaw N SIGSTOP / SIGCONT every process of node N
#   lab_link_down N / lab_link_up N
#   lab_cut N M / lab_heal N M   drop / restore traffic between two nodes
#   lab_partition "1" "2 3"   cut every link between the two sides
#   lab_heal_all              remove every cut
#   lab_exec N CMD...         run CMD inside node N (its netns and mounts)
#   lab_bg N LOGFILE CMD...   same, in the background; prints the PID
#   lab_wait_quorum N COUNT [TIMEOUT_S]  wait until node N sees COUNT members, quorate
#   lab_destroy               remove everything (also done by the EXIT trap)
#
# Layout.  A "switch" network namespace holds a bridge; each node is a network
# namespace with one veth (eth0) plugged into it, address 192.0.2.(10+N)/24.
# Nothing is created in the root namespace except our own netns entries.
# Every command run inside a node gets a private view of /run, /var/lib/corosync,
# /var/lib/vigil, /var/log and /dev/shm: directories under $LAB_DIR/nN bind-mounted
# over them in the mount namespace that `ip netns exec` creates.  libqb's IPC
# sockets are abstract, so already per network namespace; its ring buffers live
# in /dev/shm, hence the per-node /dev/shm.
#
# Safety.  Names carry a per-run id (LAB_ID).  Processes are ended only by PID,
# and only those inside our own namespaces (`ip netns pids`).  Traffic stays on
# 192.0.2.0/24 inside our namespaces.  An EXIT/INT/TERM trap removes it all.

LAB_ID=${LAB_ID:-$(printf 'v%x%04x' "$$" "$RANDOM" | cut -c1-7)}
LAB_DIR=${LAB_DIR:-/tmp/vigil-lab-$LAB_ID}
LAB_NODES=0
LAB_TOKEN=${LAB_TOKEN:-1000}
LAB_SUBNET=192.0.2
LAB_SW="vgl-$LAB_ID-sw"
LAB_TRAP_SET=0
LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The lab power switch (fence_lab talks to it), when present.
[ -f "$LAB_LIB_DIR/lab_power.sh" ] && . "$LAB_LIB_DIR/lab_power.sh"

lab_ns() { echo "vgl-$LAB_ID-n$1"; }
lab_ip() { echo "$LAB_SUBNET.$((10 + $1))"; }
lab_name() { echo "node$1"; }
lab_log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }

lab_die() {
    lab_log "error: $*"
    exit 1
}

# The mount setup run inside `ip netns exec` before the command itself.
_lab_enter_script() {
    cat <<'EOF'
set -e
d=$LAB_NODE_DIR
for m in run:/run corosync:/var/lib/corosync vigil:/var/lib/vigil log:/var/log shm:/dev/shm etc:/etc/corosync; do
    src=$d/${m%%:*}; dst=${m#*:}
    mkdir -p "$dst" 2>/dev/null || true
    mount --bind "$src" "$dst"
done
mkdir -p /run/vigil /var/log/vigil
set +e
exec "$@"
EOF
}

lab_exec() {
    local n=$1; shift
    LAB_NODE_DIR="$LAB_DIR/n$n" LAB_NODE=$n VIGIL_NODE_NAME="$(lab_name "$n")" \
        ip netns exec "$(lab_ns "$n")" sh -c "$(_lab_enter_script)" lab-enter "$@"
}

# lab_bg N LOGFILE CMD... : start CMD in node N in the background; echo its PID.
lab_bg() {
    local n=$1 log=$2; shift 2
    # exec all the way down, so that $! is the command's own PID.
    (
        export LAB_NODE_DIR="$LAB_DIR/n$n" LAB_NODE=$n VIGIL_NODE_NAME="$(lab_name "$n")"
        exec ip netns exec "$(lab_ns "$n")" sh -c "$(_lab_enter_script)" lab-enter "$@"
    ) >>"$log" 2>&1 </dev/null &
    echo $!
}

_lab_pids() {
    ip netns pids "$(lab_ns "$1")" 2>/dev/null
}

_lab_signal_node() {
    local n=$1 sig=$2 p
    for p in $(_lab_pids "$n"); do
        kill "-$sig" "$p" 2>/dev/null
    done
}

lab_create() {
    local count=$1 i
    LAB_TOKEN=${2:-$LAB_TOKEN}
    [ "$(id -u)" = 0 ] || lab_die "the lab needs root (network namespaces)"
    command -v corosync >/dev/null || lab_die "corosync not installed (apt-get install corosync)"
    if [ "$LAB_TRAP_SET" = 0 ]; then
        trap 'lab_destroy' EXIT
        trap 'lab_destroy; exit 130' INT TERM
        LAB_TRAP_SET=1
    fi
    LAB_NODES=$count
    mkdir -p "$LAB_DIR"
    echo "$LAB_ID" >"$LAB_DIR/id"
    ip netns add "$LAB_SW" || lab_die "cannot create netns $LAB_SW"
    ip -n "$LAB_SW" link set lo up
    ip -n "$LAB_SW" link add br0 type bridge
    ip -n "$LAB_SW" link set br0 up
    dd if=/dev/urandom of="$LAB_DIR/authkey" bs=256 count=1 status=none
    chmod 400 "$LAB_DIR/authkey"
    for i in $(seq 1 "$count"); do
        _lab_create_node "$i"
    done
    for i in $(seq 1 "$count"); do
        _lab_write_corosync_conf "$i"
    done
    if declare -F lab_power_start >/dev/null; then lab_power_start; fi
    lab_log "created $count nodes in $LAB_DIR (id $LAB_ID, token ${LAB_TOKEN} ms)"
}

_lab_create_node() {
    local n=$1 ns d
    ns=$(lab_ns "$n")
    d="$LAB_DIR/n$n"
    mkdir -p "$d"/{run,corosync,vigil,log/vigil,shm,etc}
    ip netns add "$ns" || lab_die "cannot create netns $ns"
    ip -n "$ns" link set lo up
    ip -n "$LAB_SW" link add "p$n" type veth peer name eth0 netns "$ns"
    ip -n "$LAB_SW" link set "p$n" master br0 up
    ip -n "$ns" addr add "$(lab_ip "$n")/24" dev eth0
    ip -n "$ns" link set eth0 up
    cp "$LAB_DIR/authkey" "$d/etc/authkey"
}

_lab_write_corosync_conf() {
    local n=$1 i f="$LAB_DIR/n$1/etc/corosync.conf" coeff=650
    [ "$LAB_TOKEN" -lt 1000 ] && coeff=0
    {
        cat <<EOF
totem {
    version: 2
    cluster_name: vigil-$LAB_ID
    transport: knet
    crypto_cipher: aes256
    crypto_hash: sha256
    keyfile: /etc/corosync/authkey
    token: $LAB_TOKEN
    token_coefficient: $coeff
}
logging {
    to_logfile: yes
    logfile: /var/log/corosync.log
    to_stderr: no
    to_syslog: no
    timestamp: on
}
quorum {
    provider: corosync_votequorum
EOF
        [ "$LAB_NODES" = 2 ] && echo "    two_node: 1"
        echo "}"
        echo "nodelist {"
        for i in $(seq 1 "$LAB_NODES"); do
            printf '    node {\n        ring0_addr: %s\n        name: %s\n        nodeid: %d\n    }\n' \
                "$(lab_ip "$i")" "$(lab_name "$i")" "$i"
        done
        echo "}"
    } >"$f"
}

lab_start() {
    local n=$1 pid
    pid=$(lab_bg "$n" "$LAB_DIR/n$n/corosync.out" corosync -f -c /etc/corosync/corosync.conf)
    echo "$pid" >"$LAB_DIR/n$n/corosync.pid"
    lab_log "node$n: corosync started (pid $pid)"
}

# Wait until the node's corosync answers on its IPC (it is up).
lab_wait_corosync() {
    local n=$1 t=${2:-20} i
    for i in $(seq 1 $((t * 10))); do
        lab_exec "$n" corosync-cfgtool -s >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    lab_log "node$n: corosync did not come up in ${t}s"
    return 1
}

lab_stop() {
    local n=$1 i
    _lab_signal_node "$n" TERM
    for i in $(seq 1 100); do
        [ -z "$(_lab_pids "$n")" ] && return 0
        sleep 0.1
    done
    _lab_signal_node "$n" KILL
}

# A hard kill is a machine that stops dead: its processes, its link and
# the addresses it held are gone (revive gives back only its own address).
lab_kill() {
    local n=$1
    lab_link_down "$n"
    _lab_signal_node "$n" KILL
    # SIGKILL is delivered asynchronously: wait (2 s at most) until the
    # namespace is empty, so that the caller sees the node dead.
    local i
    for i in $(seq 40); do
        [ -z "$(ip netns pids "$(lab_ns "$n")" 2>/dev/null)" ] && break
        sleep 0.05
    done
    ip -n "$(lab_ns "$n")" addr flush dev eth0 2>/dev/null
    # What lived in memory is gone too: /run and /dev/shm are tmpfs.
    rm -rf "${LAB_DIR:?}/n$n/run/"* "${LAB_DIR:?}/n$n/shm/"* 2>/dev/null
    lab_log "node$n: hard-killed"
}

lab_revive() {
    ip -n "$(lab_ns "$1")" addr replace "$(lab_ip "$1")/24" dev eth0
    lab_link_up "$1"
}

lab_freeze() { _lab_signal_node "$1" STOP; lab_log "node$1: frozen"; }
lab_thaw() { _lab_signal_node "$1" CONT; lab_log "node$1: thawed"; }

lab_link_down() { ip -n "$LAB_SW" link set "p$1" down; }
lab_link_up() { ip -n "$LAB_SW" link set "p$1" up; }

# A cut drops traffic both ways with blackhole routes in both namespaces.
lab_cut() {
    ip -n "$(lab_ns "$1")" route replace blackhole "$(lab_ip "$2")/32"
    ip -n "$(lab_ns "$2")" route replace blackhole "$(lab_ip "$1")/32"
}

lab_heal() {
    ip -n "$(lab_ns "$1")" route del blackhole "$(lab_ip "$2")/32" 2>/dev/null
    ip -n "$(lab_ns "$2")" route del blackhole "$(lab_ip "$1")/32" 2>/dev/null
    return 0
}

lab_partition() {
    local a b
    for a in $1; do
        for b in $2; do
            lab_cut "$a" "$b"
        done
    done
    lab_log "partition: {$1} | {$2}"
}

lab_heal_all() {
    local a b
    for a in $(seq 1 "$LAB_NODES"); do
        for b in $(seq 1 "$LAB_NODES"); do
            [ "$a" -lt "$b" ] && lab_heal "$a" "$b"
        done
    done
    lab_log "healed all links"
}

# Prints "MEMBERS QUORATE" as node N sees it, e.g. "3 1"; "0 0" if unknown.
lab_quorum() {
    local out members quorate
    out=$(lab_exec "$1" corosync-quorumtool -s 2>/dev/null)
    members=$(printf '%s\n' "$out" | awk -F: '/^Total votes/ {gsub(/ /,"",$2); print $2}')
    quorate=$(printf '%s\n' "$out" | awk -F: '/^Quorate/ {gsub(/ /,"",$2); print ($2=="Yes")?1:0}')
    echo "${members:-0} ${quorate:-0}"
}

lab_wait_quorum() {
    local n=$1 want=$2 t=${3:-30} i q
    for i in $(seq 1 $((t * 10))); do
        q=$(lab_quorum "$n")
        [ "$q" = "$want 1" ] && return 0
        sleep 0.1
    done
    lab_log "node$n: wanted $want quorate members, have '$q' after ${t}s"
    return 1
}

lab_wait_inquorate() {
    local n=$1 t=${2:-30} i q
    for i in $(seq 1 $((t * 10))); do
        q=$(lab_quorum "$n")
        case $q in *" 0") return 0 ;; esac
        sleep 0.1
    done
    lab_log "node$n: still quorate after ${t}s ($q)"
    return 1
}

lab_destroy() {
    local i
    [ -d "$LAB_DIR" ] || return 0
    if declare -F lab_power_stop >/dev/null; then lab_power_stop; fi
    [ -n "${LAB_WATCH_PID:-}" ] && kill -KILL "$LAB_WATCH_PID" 2>/dev/null
    for i in $(seq 1 "$LAB_NODES"); do
        _lab_signal_node "$i" CONT
        _lab_signal_node "$i" KILL
    done
    sleep 0.2
    for i in $(seq 1 "$LAB_NODES"); do
        ip netns del "$(lab_ns "$i")" 2>/dev/null
    done
    # This run's client namespaces, by name: lab_add_client is usually
    # called in a command substitution, so LAB_CLIENTS may not count them.
    for i in $(ip netns list 2>/dev/null | awk -v p="vgl-$LAB_ID-c" 'index($1, p) == 1 { print $1 }'); do
        ip netns del "$i" 2>/dev/null
    done
    ip netns del "$LAB_SW" 2>/dev/null
    if [ -n "${LAB_KEEP_LOGS:-}" ]; then
        lab_log "logs kept in $LAB_DIR"
    else
        rm -rf "$LAB_DIR"
    fi
    LAB_NODES=0
}

# ---- keeping a lab for a person to use (the demo) ----

# lab_persist: no cleanup on exit; save what labctl needs to find the lab again.
lab_persist() {
    trap - EXIT INT TERM
    LAB_TRAP_SET=persist
    printf 'LAB_ID=%s\nLAB_DIR=%s\nLAB_NODES=%s\nLAB_TOKEN=%s\n' \
        "$LAB_ID" "$LAB_DIR" "$LAB_NODES" "$LAB_TOKEN" >"$LAB_DIR/lab.env"
}

# lab_load DIR: take over a lab saved by lab_persist.
lab_load() {
    [ -f "$1/lab.env" ] || lab_die "$1 is not a saved lab (no lab.env)"
    # shellcheck disable=SC1091
    . "$1/lab.env"
    LAB_SW="vgl-$LAB_ID-sw"
}

# ---- vigild in the lab ----
#
# LAB_BUILDDIR: the build tree with daemon/vigild, tools/crmctl and the
# ready-made OCF root ocf/ (defaults to $VIGIL_BUILDDIR, set by the test
# harness).  Fence agents are looked up in agents/fence of the source tree,
# then in /usr/sbin (Debian's fence-agents).

LAB_BUILDDIR=${LAB_BUILDDIR:-${VIGIL_BUILDDIR:-$(cd "$LAB_LIB_DIR/../.." && pwd)/build}}
LAB_SRCDIR=${LAB_SRCDIR:-${VIGIL_SRCDIR:-$(cd "$LAB_LIB_DIR/../.." && pwd)}}

lab_vigild_pid() { cat "$LAB_DIR/n$1/vigild.pid" 2>/dev/null; }

# lab_pid_alive PID: the process exists and is not a zombie.  The lab's
# daemons are orphans (lab_bg runs in a command substitution), so once
# dead they wait for PID 1 to reap them: 'kill -0' still succeeds then,
# for up to 2 s where PID 1 reaps lazily.
lab_pid_alive() {
    local st
    [ -n "$1" ] && read -r _ _ st _ 2>/dev/null <"/proc/$1/stat" && [ "$st" != Z ] && [ "$st" != X ]
}

# lab_start_vigild N [VIGILD-OPTIONS...]
lab_start_vigild() {
    local n=$1 pid
    shift
    pid=$(lab_bg "$n" "$LAB_DIR/n$n/vigild.out" "$LAB_BUILDDIR/daemon/vigild" \
        --state-dir /var/lib/vigil \
        --ocf-root "$LAB_BUILDDIR/ocf" \
        --fence-path "$LAB_SRCDIR/agents/fence:/usr/sbin" \
        --log-file /var/log/vigil/vigild.log --log-level "${LAB_LOG_LEVEL:-info}" \
        --self-fence-hook "printf 'action=off\\nplug=node$n\\n' | $LAB_SRCDIR/agents/fence/fence_lab" \
        "$@")
    echo "$pid" >"$LAB_DIR/n$n/vigild.pid"
}

# Clean shutdown (SIGTERM) and wait for vigild to exit.
lab_stop_vigild() {
    local n=$1 pid i
    pid=$(lab_vigild_pid "$n")
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 "${2:-300}"); do
        lab_pid_alive "$pid" || return 0
        sleep 0.1
    done
    lab_log "node$n: vigild did not stop in time"
    return 1
}

# kill -9 of vigild alone (corosync keeps running).
lab_kill_vigild() {
    local pid
    pid=$(lab_vigild_pid "$1")
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    lab_log "node$1: vigild killed (-9)"
}

lab_crmctl() { local n=$1; shift; lab_exec "$n" "$LAB_BUILDDIR/tools/crmctl" "$@"; }
lab_ha_status() { local n=$1; shift; lab_exec "$n" "$LAB_BUILDDIR/tools/ha-status" "$@"; }

# Does node N hold address IP on any interface?
lab_has_ip() { ip -n "$(lab_ns "$1")" -o addr show 2>/dev/null | grep -qw "inet6\? $2"; }

# Which nodes hold IP (space-separated numbers).
lab_ip_holders() {
    local i out=""
    for i in $(seq 1 "$LAB_NODES"); do
        lab_has_ip "$i" "$1" && out="$out $i"
    done
    echo "${out# }"
}

# lab_wait SECONDS CMD...: run CMD every 50 ms until it succeeds.
lab_wait() {
    local t=$1 end
    shift
    end=$(($(date +%s%N) / 1000000 + t * 1000))
    while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}

# Start a cluster of N nodes with corosync and vigild; wait for quorum.
lab_cluster_up() {
    local count=$1 i
    shift
    lab_create "$count" "${LAB_TOKEN:-1000}" || return 1
    for i in $(seq 1 "$count"); do lab_start "$i"; done
    lab_wait_quorum 1 "$count" 30 || return 1
    for i in $(seq 1 "$count"); do lab_start_vigild "$i" "$@"; done
}

# The lab's control client on node N (tests/lab/vlc.c).
lab_vlc() { local n=$1; shift; lab_exec "$n" "$LAB_BUILDDIR/tests/lab/vlc" "$@"; }

# A field of `vlc status` on node N.
lab_status_field() { lab_vlc "$1" status 2>/dev/null | sed -n "s/^$2=//p"; }

# Wait until node N's coordinator is idle with nothing in flight.
lab_wait_idle() {
    local n=$1 t=${2:-30}
    _lab_idle() {
        local s
        s=$(lab_vlc "$1" status 2>/dev/null) || return 1
        printf '%s\n' "$s" | grep -q '^view_state=ACTIVE' &&
            printf '%s\n' "$s" | grep -q '^inflight=0' &&
            ! printf '%s\n' "$s" | grep -q '^transition_state=\(running\|aborting\|waiting\)'
    }
    lab_wait "$t" _lab_idle "$n"
}

# ---- the independent checker (tests/lab/vipwatch.c) ----
# lab_watch_start IP [INTERVAL_MS]: sample every node's addresses.
lab_watch_start() {
    local i nss=""
    for i in $(seq 1 "$LAB_NODES"); do nss="$nss $(lab_ns "$i")"; done
    # shellcheck disable=SC2086
    "$LAB_BUILDDIR/tests/lab/vipwatch" -i "${2:-20}" -o "$LAB_DIR/vipwatch.log" "$1" $nss &
    LAB_WATCH_PID=$!
}

# lab_watch_stop: stop it; prints its summary line (samples=.. double=..).
lab_watch_stop() {
    [ -n "${LAB_WATCH_PID:-}" ] || return 1
    local i
    kill -TERM "$LAB_WATCH_PID" 2>/dev/null
    for i in $(seq 1 50); do
        kill -0 "$LAB_WATCH_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$LAB_WATCH_PID" 2>/dev/null
    wait "$LAB_WATCH_PID" 2>/dev/null
    LAB_WATCH_PID=
    tail -n 1 "$LAB_DIR/vipwatch.log"
}

# A field of the checker's summary: lab_watch_field SUMMARY double
lab_watch_field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# ---- clients: hosts on the bridge that are not cluster nodes ----
# lab_add_client: a namespace vgl-ID-cK with eth0 at 192.0.2.(200+K);
# prints K.  lab_client_exec K CMD... runs a command there.
LAB_CLIENTS=${LAB_CLIENTS:-0}
lab_add_client() {
    local k=$((LAB_CLIENTS + 1)) ns
    ns="vgl-$LAB_ID-c$k"
    ip netns add "$ns" || return 1
    LAB_CLIENTS=$k
    ip -n "$ns" link set lo up
    ip -n "$LAB_SW" link add "c$k" type veth peer name eth0 netns "$ns"
    ip -n "$LAB_SW" link set "c$k" master br0 up
    ip -n "$ns" addr add "$LAB_SUBNET.$((200 + k))/24" dev eth0
    ip -n "$ns" link set eth0 up
    echo "$k"
}
lab_client_exec() { local k=$1; shift; ip netns exec "vgl-$LAB_ID-c$k" "$@"; }
# The MAC address of node N's eth0.
lab_mac() { ip -n "$(lab_ns "$1")" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
# The MAC client K has for IP, or nothing.
lab_client_neigh() { ip -n "vgl-$LAB_ID-c$1" neigh show "$2" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p'; }
