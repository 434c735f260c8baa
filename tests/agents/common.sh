#!/bin/bash
# tests/agents/common.sh — what the agent tests share: the OCF root of the
# build tree, running an agent and capturing its exit code and messages,
# private network namespaces with cleanup, and a stub crmctl that records
# node-attribute calls.
#
# Source it after tests/lab/tap.sh.  Every namespace and process a test
# creates is registered here and removed by the EXIT trap, by name and PID.

: "${VIGIL_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${VIGIL_BUILDDIR:=$VIGIL_SRCDIR/build}"
export OCF_ROOT="$VIGIL_BUILDDIR/ocf"
export OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1
AT_ID=$(printf 'a%x%04x' "$$" "$RANDOM" | cut -c1-7)
AT_TMP=$(mktemp -d "/tmp/vigil-agents-$AT_ID.XXXX")
chmod 755 "$AT_TMP"
export HA_RSCTMP="$AT_TMP/rsctmp"
AT_NETNS=()
AT_PIDS=()
CRMCTL="$VIGIL_BUILDDIR/tools/crmctl"

at_cleanup() {
    local p ns
    for p in "${AT_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for ns in "${AT_NETNS[@]}"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    done
    sleep 0.1
    for ns in "${AT_NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
    [ -n "${AT_KEEP:-}" ] && cp -r "$AT_TMP" /tmp/at-keep
    rm -rf "$AT_TMP"
}
trap at_cleanup EXIT
trap 'exit 130' INT TERM

at_skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

at_need_root() {
    [ "$(id -u)" = 0 ] || at_skip_all "needs root (network namespaces)"
}

# at_ns VAR SUFFIX: create a network namespace with lo up, registered for
# cleanup; its name goes into VAR (not printed: a command substitution
# would register it in a subshell).
at_ns() {
    local ns="vgl-$AT_ID-$2"
    ip netns add "$ns" || return 1
    AT_NETNS+=("$ns")
    ip -n "$ns" link set lo up
    printf -v "$1" '%s' "$ns"
}

# at_veth NS1 NS2 IP1/P IP2/P: connect two namespaces with eth0 on each side.
at_veth() {
    ip -n "$1" link add eth0 type veth peer name eth0 netns "$2" || return 1
    ip -n "$1" addr add "$3" dev eth0
    ip -n "$2" addr add "$4" dev eth0
    ip -n "$1" link set eth0 up
    ip -n "$2" link set eth0 up
}

# at_run [NS] AGENT ACTION: run an agent (in NS when given, "-" for none);
# sets AT_RC and AT_ERR (stderr) and AT_OUT (stdout).
at_run() {
    local ns=$1 agent=$2 action=$3 errf="$AT_TMP/err.$$" outf="$AT_TMP/out.$$"
    case $agent in */*) ;; *) agent="$OCF_ROOT/resource.d/vigil/$agent" ;; esac
    if [ "$ns" = - ]; then
        "$agent" "$action" >"$outf" 2>"$errf" </dev/null
    else
        ip netns exec "$ns" "$agent" "$action" >"$outf" 2>"$errf" </dev/null
    fi
    AT_RC=$?
    AT_OUT=$(cat "$outf")
    AT_ERR=$(cat "$errf")
    rm -f "$errf" "$outf"
}

# at_rc DESC WANT [NS] AGENT ACTION: run and check the exit code.
at_rc() {
    local desc=$1 want=$2
    shift 2
    at_run "$@"
    [ "$AT_RC" = "$want" ] || tap_diag "stderr: $AT_ERR"
    tap_is "$desc" "$AT_RC" "$want"
}

# at_err_has DESC TEXT: the last agent run's stderr mentions TEXT.
at_err_has() {
    case $AT_ERR in
    *"$2"*) tap_pass "$1" ;;
    *) tap_diag "stderr: $AT_ERR"; tap_diag "wanted: $2"; tap_fail "$1" ;;
    esac
}

# at_stub_crmctl: a crmctl that appends its arguments to $AT_TMP/crmctl.log.
at_stub_crmctl() {
    cat >"$AT_TMP/crmctl-stub" <<STUB
#!/bin/sh
echo "\$*" >>"$AT_TMP/crmctl.log"
STUB
    chmod +x "$AT_TMP/crmctl-stub"
    export VIGIL_CRMCTL="$AT_TMP/crmctl-stub"
}

# at_wait SECONDS CMD...: poll CMD every 50 ms until it succeeds.
at_wait() {
    local end=$(($(date +%s%N) / 1000000 + $1 * 1000))
    shift
    while ! "$@" 2>/dev/null; do
        [ "$(($(date +%s%N) / 1000000))" -ge "$end" ] && return 1
        sleep 0.05
    done
}

# at_alive PID: the process exists and is not a zombie (this machine's
# init may reap orphans late).
at_alive() {
    case $(ps -o stat= -p "$1" 2>/dev/null) in '' | Z*) return 1 ;; esac
}

at_dead() { ! at_alive "$1"; }

at_have_python() { command -v python3 >/dev/null 2>&1; }
