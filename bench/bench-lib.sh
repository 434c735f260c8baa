#!/bin/bash
# bench/bench-lib.sh — what the lab benchmarks share: options, the
# configurations each manager runs (Vigil, Pacemaker, keepalived), bringing
# a 3-node lab up with one of them, and the result lines.
#
# A benchmark script sources this file, calls bench_init "$@", then
# bench_lab_up MANAGER TOKEN_MS, takes its samples with bench_sample, and
# ends with bench_result for each figure.  Result lines go to stdout, one a
# figure, tab-separated, for bench/run-all to turn into tables:
#
#   R <figure> <manager> <setting> <min> <median> <max> <runs> <unit>
#
# Progress and diagnostics go to stderr.  Samples are also kept, one a
# line, in $BENCH_OUT/<figure>.<manager>.<setting>.samples.
#
# Workload: every figure is measured over $BENCH_RUNS runs (10 by default,
# 3 with --quick) in one lab per manager and setting; nothing here is an
# assertion.  Invariants: only one lab at a time; everything it creates is
# removed by the EXIT trap (lab_bench_destroy).

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_SRCDIR=$(cd "$BENCH_DIR/.." && pwd)
BENCH_VIP=192.0.2.100
BENCH_RUNS=10
BENCH_QUICK=0
BENCH_OUT=${BENCH_OUT:-}
BENCH_MANAGERS="vigil pacemaker keepalived"

bench_log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
bench_die() { export LAB_KEEP_LOGS=1; bench_log "error: $*"; exit 1; }

# bench_fail FIGURE MANAGER SETTING TEXT: a series that could not finish.
# Keeps a copy of the lab's logs and prints a note line for bench/run-all:
#   N <figure> <manager> <setting> <text>
# Returns 1, so that callers can `bench_fail ... || return`.
bench_fail() {
    local keep
    keep="$BENCH_OUT/failed-$2-${3//[^a-z0-9]/}-$(date +%H%M%S)"
    cp -a "$LAB_DIR" "$keep" 2>/dev/null
    bench_log "$2 $3: $4 (logs kept in $keep)"
    printf 'N\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4"
    return 1
}

bench_usage() {
    cat >&2 <<EOF
usage: ${0##*/} [--quick] [--runs N] [--build DIR] [--managers "vigil pacemaker keepalived"]
  --quick      3 runs per figure instead of 10
  --runs N     N runs per figure
  --build DIR  the build tree (default: \$VIGIL_BUILDDIR, else ./build-bench, else ./build)
  --managers   which managers to measure (those not installed are skipped)
EOF
    exit 2
}

# bench_init "$@": options, the build tree, the lab libraries.
# shellcheck disable=SC2034 # BENCH_QUICK: for the scripts that source this
bench_init() {
    local build=${VIGIL_BUILDDIR:-}
    while [ $# -gt 0 ]; do
        case $1 in
        --quick) BENCH_QUICK=1 BENCH_RUNS=3 ;;
        --runs) BENCH_RUNS=${2:?}; shift ;;
        --build) build=${2:?}; shift ;;
        --managers) BENCH_MANAGERS=${2:?}; shift ;;
        -h | --help) bench_usage ;;
        *) bench_usage ;;
        esac
        shift
    done
    case $BENCH_RUNS in '' | *[!0-9]* | 0) bench_die "--runs wants a positive number" ;; esac
    if [ -z "$build" ]; then
        for build in "$BENCH_SRCDIR/build-bench" "$BENCH_SRCDIR/build"; do
            [ -x "$build/daemon/vigild" ] && break
        done
    fi
    build=$(cd "$build" 2>/dev/null && pwd) || bench_die "no build tree (give --build DIR)"
    [ -x "$build/daemon/vigild" ] || bench_die "$build/daemon/vigild not built (make)"
    [ -x "$build/tests/lab/vlc" ] || bench_die "$build/tests/lab/vlc not built (make check TESTS=)"
    [ -x "$build/bench/vglbench" ] || bench_die "$build/bench/vglbench not built (make bench/vglbench)"
    [ "$(id -u)" = 0 ] || bench_die "the benchmarks need root (network namespaces)"
    export LAB_BUILDDIR=$build LAB_SRCDIR=$BENCH_SRCDIR
    # Not /tmp/vigil-lab-*: that is where the tests' labs live.
    export LAB_ID=${LAB_ID:-$(printf 'b%x%04x' "$$" "$RANDOM" | cut -c1-7)}
    export LAB_DIR=${LAB_DIR:-/tmp/vigil-bench-$LAB_ID}
    # shellcheck source=../tests/lab/lab.sh
    . "$BENCH_SRCDIR/tests/lab/lab.sh"
    # shellcheck source=../tests/lab/lab_bench.sh
    . "$BENCH_SRCDIR/tests/lab/lab_bench.sh"
    if [ -z "$BENCH_OUT" ]; then
        BENCH_OUT=$(mktemp -d /tmp/vigil-bench-out.XXXXXX)
    fi
    mkdir -p "$BENCH_OUT"
}

# Is MANAGER wanted and installed?
bench_wants() {
    case " $BENCH_MANAGERS " in *" $1 "*) ;; *) return 1 ;; esac
    case $1 in
    vigil) return 0 ;;
    pacemaker) command -v pacemakerd >/dev/null && command -v crm_resource >/dev/null ;;
    keepalived) command -v keepalived >/dev/null ;;
    *) return 1 ;;
    esac
}

# ---- results ----

bench_samples_file() { echo "$BENCH_OUT/$1.$2.$3.samples"; }

# bench_sample FIGURE MANAGER SETTING VALUE: record one run.
bench_sample() {
    echo "$4" >>"$(bench_samples_file "$1" "$2" "$3")"
    bench_log "$1 $2 $3: $4"
}

# bench_result FIGURE MANAGER SETTING UNIT: print the result line.
bench_result() {
    local f stats
    f=$(bench_samples_file "$1" "$2" "$3")
    [ -s "$f" ] || { printf 'R\t%s\t%s\t%s\t-\t-\t-\t0\t%s\n' "$1" "$2" "$3" "$4"; return; }
    stats=$(lab_bench_stats <"$f")
    # shellcheck disable=SC2086
    set -- "$1" "$2" "$3" "$4" $stats
    printf 'R\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$5" "$6" "$7" "$8" "$4"
}

# Milliseconds between two epoch-ms times, with 1 decimal.
bench_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---- configurations ----

# The benchmark configuration for MANAGER (vigil or pacemaker): a fence
# device, the VIP and a Dummy (both preferring node1), stickiness 200.
bench_config_xml() {
    cat <<EOF
<configuration>
  <crm_config>
    <cluster_property_set id="cib-bootstrap-options">
      <nvpair id="opt-stonith" name="stonith-enabled" value="true"/>
      <nvpair id="opt-nqp" name="no-quorum-policy" value="stop"/>
    </cluster_property_set>
  </crm_config>
  <nodes/>
  <resources>
$(bench_resources_xml "$1")
  </resources>
  <constraints>
    <rsc_location id="vip-prefers-node1" rsc="vip" node="node1" score="100"/>
    <rsc_location id="d-prefers-node1" rsc="d" node="node1" score="100"/>
  </constraints>
  <rsc_defaults>
    <meta_attributes id="rsc-defaults">
      <nvpair id="rsc-stickiness" name="resource-stickiness" value="200"/>
    </meta_attributes>
  </rsc_defaults>
</configuration>
EOF
}

# The resources, for Vigil (our agents) or Pacemaker (Debian's IPaddr2 and
# Dummy, as its users run them).  The Dummy's state file is /run/bench-d.state
# on both, so a watcher can see it appear.  Extra Dummy resources (the idle
# benchmark): BENCH_EXTRA_DUMMIES=N adds bench-1 .. bench-N.
bench_resources_xml() {
    local ipagent='class="ocf" provider="vigil" type="IPaddr"'
    local dagent='class="ocf" provider="vigil" type="Dummy"' i
    if [ "$1" = pacemaker ]; then
        ipagent='class="ocf" provider="heartbeat" type="IPaddr2"'
        dagent='class="ocf" provider="heartbeat" type="Dummy"'
    fi
    cat <<EOF
      <primitive id="fence-lab" class="stonith" type="fence_lab">
        <instance_attributes id="fence-lab-ia">
          <nvpair id="fence-lab-hosts" name="pcmk_host_list" value="node1 node2 node3"/>
          <nvpair id="fence-lab-dir" name="power_dir" value="$LAB_DIR/power"/>
        </instance_attributes>
      </primitive>
EOF
    bench_primitive_xml vip "$ipagent" ip="$BENCH_VIP" cidr_netmask=24
    bench_primitive_xml d "$dagent" state=/run/bench-d.state
    for i in $(seq 1 "${BENCH_EXTRA_DUMMIES:-0}"); do
        bench_primitive_xml "bench-$i" "$dagent" "state=/run/bench-$i.state"
    done
}

# bench_primitive_xml ID AGENT-ATTRIBUTES NAME=VALUE...: a primitive with
# those parameters and a monitor every 10 s.
bench_primitive_xml() {
    local id=$1 agent=$2 p
    shift 2
    printf '      <primitive id="%s" %s>\n        <instance_attributes id="%s-ia">\n' "$id" "$agent" "$id"
    for p in "$@"; do
        printf '          <nvpair id="%s-%s" name="%s" value="%s"/>\n' "$id" "${p%%=*}" "${p%%=*}" "${p#*=}"
    done
    printf '        </instance_attributes>\n        <operations>\n'
    printf '          <op id="%s-mon" name="monitor" interval="10s" timeout="20s"/>\n' "$id"
    printf '        </operations>\n      </primitive>\n'
}

# ---- labs ----

BENCH_LAB_MANAGER=

# bench_lab_up MANAGER TOKEN_MS: a 3-node lab running MANAGER with the
# benchmark configuration, every node up, the VIP on node1.  Returns 1
# (after bench_fail) when MANAGER does not come up; the lab is then still
# there for bench_lab_down.
bench_lab_up() {
    local m=$1 token=$2
    BENCH_LAB_MANAGER=$m
    lab_create 3 "$token" >/dev/null 2>&1 || bench_die "cannot create the lab"
    lab_bench_trap
    lab_bench_hires
    lab_bench_client_up || bench_die "cannot create the client namespace"
    case $m in
    vigil) bench_vigil_up ;;
    pacemaker) bench_pcmk_up ;;
    keepalived) bench_keepalived_up ;;
    esac || { bench_fail start "$m" "token=$token" "$m did not come up in the lab"; return 1; }
    bench_log "$m: 3 nodes up, token $token ms, VIP on node$(lab_ip_holders "$BENCH_VIP")"
}

bench_lab_down() {
    [ -n "${BENCH_KEEP:-}" ] && { cp -a "$LAB_DIR" "$BENCH_OUT/lab-$BENCH_LAB_MANAGER-$(date +%s)" 2>/dev/null; }
    lab_bench_destroy >/dev/null 2>&1
    BENCH_LAB_MANAGER=
}

bench_has_vip() { lab_has_ip "$1" "$BENCH_VIP"; }

bench_corosync_up() {
    local i
    for i in 1 2 3; do lab_start "$i" 2>/dev/null; done
    lab_wait_quorum 1 3 30
}

bench_vigil_up() {
    local i
    bench_corosync_up || return 1
    for i in 1 2 3; do lab_bench_start_vigild "$i"; done
    lab_wait 30 lab_bench_all_active 1 2 3 || return 1
    bench_config_xml vigil >"$LAB_DIR/bench-cib.xml"
    lab_vlc 1 load "$LAB_DIR/bench-cib.xml" || return 1
    lab_wait 30 bench_has_vip 1 || return 1
    lab_wait_idle 1 30
}

bench_pcmk_start_node() {
    lab_bench_pcmk_prepare "$1"
    lab_bench_pcmk_start "$1"
}

bench_pcmk_up() {
    local i
    for i in 1 2 3; do lab_bench_pcmk_prepare "$i"; done
    bench_corosync_up || return 1
    for i in 1 2 3; do lab_bench_pcmk_start "$i"; done
    lab_wait 90 lab_bench_pcmk_dc 1 || return 1
    bench_config_xml pacemaker >"$LAB_DIR/bench-pcmk.xml"
    lab_exec 1 cibadmin --replace --scope configuration --xml-file "$LAB_DIR/bench-pcmk.xml" || return 1
    lab_wait 60 bench_has_vip 1 || return 1
    bench_pcmk_settle 1
}

# Wait until Pacemaker has nothing left to do, as node N sees it.
bench_pcmk_settle() {
    lab_exec "$1" crm_resource --wait --timeout 60 >/dev/null 2>&1
}

# The DC's node number as node N sees it.
bench_pcmk_dc() {
    lab_exec "$1" timeout 5 crmadmin -D -t 3000 2>/dev/null |
        sed -n 's/.*Designated Controller is: node\([0-9]*\).*/\1/p'
}

bench_keepalived_up() {
    local i prio
    for i in 1 2 3; do
        prio=100
        [ "$i" = 1 ] && prio=150
        lab_bench_keepalived_conf "$i" "$BENCH_VIP" "$prio"
        lab_bench_keepalived_start "$i"
    done
    lab_wait 30 bench_has_vip 1
}

# Watchers in the background, armed before an action: bench_watch_vip N
# (the VIP appears in node N) or bench_watch_file PATH.  They set
# BENCH_WATCH_PID and BENCH_WATCH_OUT (call them directly, not in $(...)),
# and return once the watcher is armed.
BENCH_WATCH_PID=
BENCH_WATCH_OUT=
bench_watch_vip() {
    BENCH_WATCH_OUT=$(mktemp "$BENCH_OUT/watch.XXXXXX")
    "$LAB_BENCH_BIN" watch --ip "$BENCH_VIP" --netns "/run/netns/$(lab_ns "$1")" \
        --timeout "${2:-60000}" >"$BENCH_WATCH_OUT" 2>&1 &
    BENCH_WATCH_PID=$!
    lab_wait 10 grep -q '^ready=1' "$BENCH_WATCH_OUT"
}

bench_watch_file() {
    BENCH_WATCH_OUT=$(mktemp "$BENCH_OUT/watch.XXXXXX")
    "$LAB_BENCH_BIN" watch --file "$1" --timeout "${2:-60000}" >"$BENCH_WATCH_OUT" 2>&1 &
    BENCH_WATCH_PID=$!
    lab_wait 10 grep -q '^ready=1' "$BENCH_WATCH_OUT"
}

# bench_watch_wait: wait for the watcher (not in $(...): it must be our
# child); set BENCH_WATCH_T to its t_done (epoch ms), empty if none.
BENCH_WATCH_T=
bench_watch_wait() {
    wait "$BENCH_WATCH_PID" 2>/dev/null
    BENCH_WATCH_T=$(sed -n 's/^t_done=//p' "$BENCH_WATCH_OUT")
    [ -n "$BENCH_WATCH_T" ] || bench_log "watcher: $(cat "$BENCH_WATCH_OUT")"
    rm -f "$BENCH_WATCH_OUT"
}

# Parse a corosync hires stamp ("Nov 26 03:09:56.717") into epoch ms.
bench_stamp_ms() { date -d "$1" +%s%3N 2>/dev/null; }
