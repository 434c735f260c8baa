#!/bin/bash
# tests/lab/lab_bench.sh — what the benchmarks and the demo add to the lab.
#
# Source it after lab.sh.  It adds:
#
#   lab_bench_hires              corosync logs with millisecond time stamps
#   lab_bench_client_up          a client namespace on the bridge (192.0.2.9)
#   lab_bench_arping IP [S]      from the client: wait until IP answers ARP,
#                                print when (epoch ms)
#   lab_bench_start_vigild N ... vigild whose stderr lines are time-stamped
#                                on arrival into $LAB_DIR/nN/vigild.stamped
#   lab_bench_stamped N          that file
#   lab_bench_rejoin N [VIA]     revive a killed node, corosync, quorum, vigild
#   lab_bench_destroy            lab_destroy plus what this file created
#   lab_bench_pcmk_*             Pacemaker inside the lab's nodes
#   lab_bench_keepalived_*       keepalived inside the lab's nodes
#   lab_bench_stats              min/median/max of numbers on stdin
#
# Why the stamps: vigild's log lines carry second-resolution times, too
# coarse for a coordinator takeover that takes a few milliseconds.  Its
# stderr goes through a FIFO to `vglbench stamp` in the root namespace,
# which prefixes each line with the wall-clock time it arrived.
#
# Pacemaker in a lab node: each node gets a private /var/lib/pacemaker
# (cib/, pengine/... owned by hacluster:haclient) bind-mounted in the node's
# mount namespace, a private /var/log/pacemaker (under the node's /var/log),
# and a read-only overlay on /usr/sbin that adds the lab's fence_lab, since
# pacemaker-fenced only looks for fence agents there.  pacemakerd takes the
# node names from the corosync nodelist.
#
# Safety: as lab.sh: only our namespaces, only our PIDs, 192.0.2.0/24; the
# client namespace and the stamp readers are removed by lab_bench_destroy,
# which replaces lab.sh's EXIT trap.

LAB_BENCH_CLIENT_IP=${LAB_BENCH_CLIENT_IP:-192.0.2.9}
LAB_BENCH_BIN=${LAB_BENCH_BIN:-$LAB_BUILDDIR/bench/vglbench}
LAB_BENCH_STAMPERS=""

lab_bench_client_ns() { echo "vgl-$LAB_ID-cl"; }

# Take over the traps lab_create set (call after lab_create).
lab_bench_trap() {
    trap 'lab_bench_destroy' EXIT
    trap 'lab_bench_destroy; exit 130' INT TERM
}

lab_bench_destroy() {
    local p
    ip netns del "$(lab_bench_client_ns)" 2>/dev/null
    lab_destroy
    for p in $LAB_BENCH_STAMPERS; do kill "$p" 2>/dev/null; done
    LAB_BENCH_STAMPERS=""
}

# corosync: "timestamp: hires" (milliseconds) in every node's corosync.conf.
lab_bench_hires() {
    local i
    for i in $(seq 1 "$LAB_NODES"); do
        sed -i 's/^\( *timestamp:\).*/\1 hires/' "$LAB_DIR/n$i/etc/corosync.conf"
    done
}

# A client namespace plugged into the bridge like a node, but running nothing.
lab_bench_client_up() {
    local ns
    ns=$(lab_bench_client_ns)
    ip netns add "$ns" || return 1
    ip -n "$ns" link set lo up
    ip -n "$LAB_SW" link add pcl type veth peer name eth0 netns "$ns"
    ip -n "$LAB_SW" link set pcl master br0 up
    ip -n "$ns" addr add "$LAB_BENCH_CLIENT_IP/24" dev eth0
    ip -n "$ns" link set eth0 up
}

lab_bench_client() { ip netns exec "$(lab_bench_client_ns)" "$@"; }

# lab_bench_arping IP [TIMEOUT_S]: from the client, broadcast an ARP
# request for IP every 10 ms until one is answered; print the time of the
# answer (epoch ms).  0 when answered.  (iputils arping cannot go below one
# request a second, hence vglbench.)
lab_bench_arping() {
    "$LAB_BENCH_BIN" arp "$1" --netns "/run/netns/$(lab_bench_client_ns)" --dev eth0 \
        --interval 10 --timeout "$((${2:-30} * 1000))" | sed -n 's/^t_done=//p'
    return "${PIPESTATUS[0]}"
}

# Milliseconds since the epoch, now.
lab_bench_now() { echo $(($(date +%s%N) / 1000000)); }

# ---- vigild with time-stamped logs ----

lab_bench_stamped() { echo "$LAB_DIR/n$1/vigild.stamped"; }

# lab_bench_start_vigild N [VIGILD-OPTIONS...]: lab_start_vigild, with
# the node's vigild.out (where lab_start_vigild sends stderr) made a FIFO
# that `vglbench stamp` reads in the root namespace.
lab_bench_start_vigild() {
    local n=$1 fifo="$LAB_DIR/n$1/vigild.out"
    [ -p "$fifo" ] || { rm -f "$fifo"; mkfifo -m 600 "$fifo"; } || return 1
    "$LAB_BENCH_BIN" stamp <"$fifo" >>"$(lab_bench_stamped "$n")" 2>/dev/null &
    LAB_BENCH_STAMPERS="$LAB_BENCH_STAMPERS $!"
    lab_start_vigild "$@"
}

lab_bench_active() { [ "$(lab_status_field "$1" view_state)" = ACTIVE ]; }
lab_bench_all_active() {
    local i
    for i in "$@"; do lab_bench_active "$i" || return 1; done
}

# The coordinator's node number as node N sees it.
lab_bench_coordinator() {
    local c
    c=$(lab_status_field "$1" coordinator)
    echo "${c#node}"
}

# lab_bench_rejoin N VIA: bring a killed (or fenced) node back: link,
# corosync, quorum as node VIA sees it, then vigild; wait until every node
# is ACTIVE and VIA's coordinator is idle.
lab_bench_rejoin() {
    local n=$1 via=$2 i all=""
    for i in $(seq 1 "$LAB_NODES"); do all="$all $i"; done
    lab_revive "$n"
    lab_start "$n" 2>/dev/null
    lab_wait_quorum "$via" "$LAB_NODES" 30 || return 1
    lab_bench_start_vigild "$n"
    # shellcheck disable=SC2086
    lab_wait 30 lab_bench_all_active $all || return 1
    lab_wait_idle "$via" 30
}

# ---- Pacemaker in the lab ----

LAB_BENCH_PCMK_DIRS="cib pengine blackbox cores"

# lab_bench_pcmk_prepare N: the node's private Pacemaker directories.
lab_bench_pcmk_prepare() {
    local d="$LAB_DIR/n$1" s
    for s in $LAB_BENCH_PCMK_DIRS; do mkdir -p "$d/pcmk/$s"; done
    mkdir -p "$d/log/pacemaker" "$d/run/crm" "$d/sbin"
    chown -R hacluster:haclient "$d/pcmk" "$d/log/pacemaker" "$d/run/crm"
    chmod 750 "$d/pcmk/cib"
    chmod 1777 "$d/shm"
    ln -sfn "$LAB_SRCDIR/agents/fence/fence_lab" "$d/sbin/fence_lab"
}

# lab_bench_pcmk_exec N CMD...: run CMD in node N with Pacemaker's mounts.
lab_bench_pcmk_exec() {
    local n=$1
    shift
    lab_exec "$n" sh -c '
        mount --bind "$1/pcmk" /var/lib/pacemaker &&
        mount -t overlay vgl-sbin -o "lowerdir=$1/sbin:/usr/sbin" /usr/sbin || exit 1
        shift; exec "$@"' lab-pcmk "$LAB_DIR/n$n" "$@"
}

# lab_bench_pcmk_start N: pacemakerd in the foreground, in the background.
lab_bench_pcmk_start() {
    local n=$1 pid
    pid=$(lab_bg "$n" "$LAB_DIR/n$n/pacemakerd.out" sh -c '
        mount --bind "$1/pcmk" /var/lib/pacemaker &&
        mount -t overlay vgl-sbin -o "lowerdir=$1/sbin:/usr/sbin" /usr/sbin || exit 1
        export PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none
        export PCMK_debug=no PCMK_stderr=0
        exec pacemakerd -f' lab-pcmk "$LAB_DIR/n$n")
    echo "$pid" >"$LAB_DIR/n$n/pacemakerd.pid"
}

# Is Pacemaker's controller up with a DC elected, as node N sees it?
# (crmadmin ignores its own -t while the controller is not up: timeout.)
lab_bench_pcmk_dc() {
    lab_exec "$1" timeout 5 crmadmin -D -t 3000 2>/dev/null | grep -q 'Designated Controller is:'
}

# ---- keepalived in the lab ----

# lab_bench_keepalived_conf N IP PRIORITY: one vrrp_instance on eth0 with
# the VIP, advert_int 1 (VRRP multicast on the bridge), no preemption so
# that a returning node stays backup.
lab_bench_keepalived_conf() {
    local n=$1 ip=$2 prio=$3 f="$LAB_DIR/n$1/etc/keepalived.conf"
    cat >"$f" <<EOF
global_defs {
    router_id node$n
}
vrrp_instance VI_1 {
    state BACKUP
    nopreempt
    interface eth0
    virtual_router_id 51
    priority $prio
    advert_int 1
    virtual_ipaddress {
        $ip/24 dev eth0
    }
}
EOF
}

lab_bench_keepalived_start() {
    local n=$1 pid
    pid=$(lab_bg "$n" "$LAB_DIR/n$n/keepalived.out" keepalived -n -l -D \
        -f /etc/corosync/keepalived.conf -p /run/keepalived.pid \
        -r /run/vrrp.pid -c /run/checkers.pid)
    echo "$pid" >"$LAB_DIR/n$n/keepalived.pid"
}

# ---- statistics ----

# lab_bench_stats: numbers on stdin, one a line -> "min median max n".
lab_bench_stats() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "- - - 0"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%s %s %s %d\n", v[1], m, v[NR], NR }'
}
