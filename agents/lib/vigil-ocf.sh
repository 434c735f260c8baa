# vigil-ocf.sh — the shell library every Vigil resource agent sources.
#
# What it is for: the small set of things each OCF agent would otherwise
# write again — the exit-code names of the OCF Resource Agent API 1.1,
# logging (ocf_log, ocf_exit_reason), parameter checks that fail with a
# message naming the parameter, a few process and timing helpers, and the
# way an agent sets a node attribute.  It is installed for people who write
# their own agents too (doc/writing-agents.md).
#
# Workload: sourced once per agent run; agents run for one action and exit,
# so nothing here keeps state beyond the process.
#
# Invariants:
# - POSIX sh only (dash runs it); every expansion quoted.
# - Nothing is printed on stdout except what an action is meant to print
#   (meta-data); logs and exit reasons go to stderr, and to syslog through
#   logger(1) when VIGIL_OCF_SYSLOG is set to a facility.
# - Helpers return OCF codes or 0/1; they never exit, except ocf_usage.
# - Parameters reach the agent only as OCF_RESKEY_* variables.

# shellcheck shell=sh

OCF_SUCCESS=0
OCF_ERR_GENERIC=1
OCF_ERR_ARGS=2
OCF_ERR_UNIMPLEMENTED=3
OCF_ERR_PERM=4
OCF_ERR_INSTALLED=5
OCF_ERR_CONFIGURED=6
OCF_NOT_RUNNING=7
OCF_RUNNING_PROMOTED=8
OCF_FAILED_PROMOTED=9
OCF_DEGRADED=190
OCF_DEGRADED_PROMOTED=191

: "${OCF_ROOT:=/usr/lib/ocf}"
: "${OCF_RESOURCE_INSTANCE:=default}"
: "${OCF_RESOURCE_TYPE:=${0##*/}}"
: "${OCF_CHECK_LEVEL:=0}"
# Managers may start agents with a minimal PATH; the tools agents use live
# in the sbin directories too.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export PATH
# Where agents keep state files (pid files, markers).  Per node in the lab,
# because /run is private there.
: "${HA_RSCTMP:=/run/vigil/rsctmp}"
# The prefix Pacemaker's executor looks for on stderr; Vigil's does too.
OCF_EXIT_REASON_PREFIX="ocf-exit-reason:"

export OCF_SUCCESS OCF_ERR_GENERIC OCF_ERR_ARGS OCF_ERR_UNIMPLEMENTED \
    OCF_ERR_PERM OCF_ERR_INSTALLED OCF_ERR_CONFIGURED OCF_NOT_RUNNING \
    OCF_DEGRADED OCF_RUNNING_PROMOTED OCF_FAILED_PROMOTED OCF_DEGRADED_PROMOTED

# ---- logging ----

# ocf_log LEVEL MESSAGE...: LEVEL is crit, err, warn, notice, info or debug.
# Debug lines appear only when OCF_TRACE or HA_debug is set.
ocf_log() {
    __vgl_level=$1
    shift
    case $__vgl_level in
    crit | err | warn | notice | info) ;;
    debug)
        case "${HA_debug:-0}${OCF_TRACE:+x}" in 0) return 0 ;; esac
        ;;
    *) __vgl_level=info ;;
    esac
    printf '%s(%s)[%s]: %s: %s\n' "$OCF_RESOURCE_TYPE" "$OCF_RESOURCE_INSTANCE" "$$" \
        "$__vgl_level" "$*" >&2
    if [ -n "${VIGIL_OCF_SYSLOG:-}" ] && command -v logger >/dev/null 2>&1; then
        case $__vgl_level in err) __vgl_level=error ;; warn) __vgl_level=warning ;; esac
        logger -t "$OCF_RESOURCE_TYPE($OCF_RESOURCE_INSTANCE)" \
            -p "$VIGIL_OCF_SYSLOG.$__vgl_level" -- "$*" 2>/dev/null || :
    fi
    return 0
}

# ocf_exit_reason MESSAGE...: the one-line reason the manager shows next to
# a failed action ("ocf-exit-reason:..." on stderr), also logged as err.
ocf_exit_reason() {
    printf '%s%s\n' "$OCF_EXIT_REASON_PREFIX" "$*" >&2
    ocf_log err "$*"
}

# ocf_rc_name RC: the OCF name of an exit code, for messages.
ocf_rc_name() {
    case $1 in
    0) echo OCF_SUCCESS ;; 1) echo OCF_ERR_GENERIC ;; 2) echo OCF_ERR_ARGS ;;
    3) echo OCF_ERR_UNIMPLEMENTED ;; 4) echo OCF_ERR_PERM ;;
    5) echo OCF_ERR_INSTALLED ;; 6) echo OCF_ERR_CONFIGURED ;;
    7) echo OCF_NOT_RUNNING ;; 8) echo OCF_RUNNING_PROMOTED ;;
    9) echo OCF_FAILED_PROMOTED ;; 190) echo OCF_DEGRADED ;;
    191) echo OCF_DEGRADED_PROMOTED ;; *) echo "unknown($1)" ;;
    esac
}

# ---- values and parameters ----

# ocf_is_true VALUE: yes/true/on/1 (any case) are true.
ocf_is_true() {
    case $1 in
    [Yy][Ee][Ss] | [Tt][Rr][Uu][Ee] | [Oo][Nn] | 1 | [Yy]) return 0 ;;
    esac
    return 1
}

# ocf_is_bool VALUE: a value ocf_is_true understands either way.
ocf_is_bool() {
    case $1 in
    [Yy][Ee][Ss] | [Tt][Rr][Uu][Ee] | [Oo][Nn] | 1 | [Yy]) return 0 ;;
    [Nn][Oo] | [Ff][Aa][Ll][Ss][Ee] | [Oo][Ff][Ff] | 0 | [Nn]) return 0 ;;
    esac
    return 1
}

# ocf_is_uint VALUE: a decimal integer >= 0 (no sign, at most 9 digits so
# that shell arithmetic never overflows).
ocf_is_uint() {
    case $1 in '' | *[!0-9]*) return 1 ;; esac
    [ "${#1}" -le 9 ]
}

# ocf_param NAME: the value of OCF_RESKEY_NAME (empty when unset).
ocf_param() {
    eval "printf '%s' \"\${OCF_RESKEY_$1:-}\""
}

# ocf_require_param NAME...: OCF_ERR_CONFIGURED, with a reason naming the
# first parameter that is not set.
ocf_require_param() {
    for __vgl_p in "$@"; do
        if [ -z "$(ocf_param "$__vgl_p")" ]; then
            ocf_exit_reason "required parameter '$__vgl_p' is not set"
            return "$OCF_ERR_CONFIGURED"
        fi
    done
    return "$OCF_SUCCESS"
}

# ocf_check_uint NAME [MIN [MAX]]: the parameter is an integer in range.
ocf_check_uint() {
    __vgl_v=$(ocf_param "$1")
    if ! ocf_is_uint "$__vgl_v"; then
        ocf_exit_reason "parameter '$1' must be a non-negative integer, not '$__vgl_v'"
        return "$OCF_ERR_CONFIGURED"
    fi
    if [ -n "${2:-}" ] && [ "$__vgl_v" -lt "$2" ]; then
        ocf_exit_reason "parameter '$1' is $__vgl_v, below its minimum $2"
        return "$OCF_ERR_CONFIGURED"
    fi
    if [ -n "${3:-}" ] && [ "$__vgl_v" -gt "$3" ]; then
        ocf_exit_reason "parameter '$1' is $__vgl_v, above its maximum $3"
        return "$OCF_ERR_CONFIGURED"
    fi
    return "$OCF_SUCCESS"
}

# ocf_check_bool NAME: the parameter is a boolean.
ocf_check_bool() {
    __vgl_v=$(ocf_param "$1")
    if ! ocf_is_bool "$__vgl_v"; then
        ocf_exit_reason "parameter '$1' must be a boolean (true/false), not '$__vgl_v'"
        return "$OCF_ERR_CONFIGURED"
    fi
    return "$OCF_SUCCESS"
}

# ocf_check_binary PROGRAM: OCF_ERR_INSTALLED, naming it, when PROGRAM is not
# an executable (a path) or not on PATH (a name).
ocf_check_binary() {
    case $1 in
    */*) [ -x "$1" ] && [ -f "$1" ] && return "$OCF_SUCCESS" ;;
    *) command -v "$1" >/dev/null 2>&1 && return "$OCF_SUCCESS" ;;
    esac
    ocf_exit_reason "program '$1' is not installed (not found or not executable)"
    return "$OCF_ERR_INSTALLED"
}

# ---- the call itself ----

# ocf_is_probe: this monitor is a probe (interval 0), where "not running"
# is an ordinary answer and missing software means "not running here".
ocf_is_probe() {
    [ "${__OCF_ACTION:-}" = monitor ] && [ "${OCF_RESKEY_CRM_meta_interval:-0}" = 0 ]
}

# ocf_timeout_s [DEFAULT]: this action's timeout in whole seconds, from
# OCF_RESKEY_CRM_meta_timeout (milliseconds); DEFAULT (20) when unset.
ocf_timeout_s() {
    __vgl_t=${OCF_RESKEY_CRM_meta_timeout:-}
    if ocf_is_uint "$__vgl_t" && [ "$__vgl_t" -ge 1000 ]; then
        echo $((__vgl_t / 1000))
    else
        echo "${1:-20}"
    fi
}

# ocf_now_ms: milliseconds since the epoch (GNU date).
ocf_now_ms() {
    date +%s%3N
}

# ocf_rsctmp: create and print the directory for this agent's state files.
ocf_rsctmp() {
    mkdir -p "$HA_RSCTMP" 2>/dev/null
    printf '%s' "$HA_RSCTMP"
}

# ocf_usage ACTIONS: print usage for an unknown action and exit with
# OCF_ERR_UNIMPLEMENTED (no action given: OCF_ERR_ARGS).
ocf_usage() {
    printf 'usage: %s {%s}\n' "$OCF_RESOURCE_TYPE" "$1" >&2
    [ -z "${__OCF_ACTION:-}" ] && exit "$OCF_ERR_ARGS"
    exit "$OCF_ERR_UNIMPLEMENTED"
}

# ---- processes ----

# ocf_pid_alive PID: the process exists and is not a zombie (a daemon whose
# parent died is reaped by whoever inherits it, maybe late).
ocf_pid_alive() {
    ocf_is_uint "$1" && [ "$1" -gt 1 ] && kill -0 "$1" 2>/dev/null || return 1
    [ -r "/proc/$1/stat" ] || return 0
    # The state follows the command name in parentheses, which may hold spaces.
    case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
    Z* | X*) return 1 ;;
    esac
    return 0
}

# ocf_pidfile_pid FILE: the PID in FILE when it names a live process, else
# nothing and status 1.
ocf_pidfile_pid() {
    [ -r "$1" ] || return 1
    __vgl_pid=$(head -n 1 "$1" 2>/dev/null | tr -d ' \t\r')
    ocf_pid_alive "$__vgl_pid" || return 1
    printf '%s' "$__vgl_pid"
}

# ocf_wait_gone PID SECONDS: wait until PID exits; status 1 if it did not.
ocf_wait_gone() {
    __vgl_end=$(($(ocf_now_ms) + $2 * 1000))
    while ocf_pid_alive "$1"; do
        [ "$(ocf_now_ms)" -ge "$__vgl_end" ] && return 1
        sleep 0.1
    done
    return 0
}

# ocf_stop_pid PID SECONDS [SIGNAL]: SIGNAL (TERM), wait up to SECONDS,
# then SIGKILL.  Returns 0 once the process is gone.
ocf_stop_pid() {
    ocf_pid_alive "$1" || return 0
    kill "-${3:-TERM}" "$1" 2>/dev/null
    ocf_wait_gone "$1" "$2" && return 0
    ocf_log warn "pid $1 still alive after ${2}s, sending SIGKILL"
    kill -KILL "$1" 2>/dev/null
    ocf_wait_gone "$1" 5
}

# ocf_daemonize LOGFILE CMD...: run CMD detached from the agent — its own
# session, no inherited stdin/stdout — so the executor, which waits for the
# agent's output to close, is never held up by it.  Prints its PID.
ocf_daemonize() {
    __vgl_log=$1
    shift
    if command -v setsid >/dev/null 2>&1; then
        setsid "$@" </dev/null >>"$__vgl_log" 2>&1 &
    else
        "$@" </dev/null >>"$__vgl_log" 2>&1 &
    fi
    echo "$!"
}

# ---- node attributes ----

# ocf_node_name: the cluster's name for this node.
ocf_node_name() {
    if [ -n "${OCF_RESKEY_CRM_meta_on_node:-}" ]; then
        printf '%s' "$OCF_RESKEY_CRM_meta_on_node"
    else
        uname -n
    fi
}

# ocf_attr_set NAME VALUE: set a transient (reboot-lifetime) node attribute
# on this node through crmctl (VIGIL_CRMCTL overrides the command).
ocf_attr_set() {
    __vgl_node=$(ocf_node_name)
    if ! ${VIGIL_CRMCTL:-crmctl} node attribute "$__vgl_node" set "$1" "$2" \
        --lifetime reboot >/dev/null 2>&1; then
        ocf_log warn "could not set node attribute $1=$2 on $__vgl_node"
        return 1
    fi
    ocf_log debug "node attribute $1=$2 on $__vgl_node"
    return 0
}

# ocf_attr_delete NAME: remove the transient node attribute.
ocf_attr_delete() {
    __vgl_node=$(ocf_node_name)
    if ! ${VIGIL_CRMCTL:-crmctl} node attribute "$__vgl_node" delete "$1" \
        --lifetime reboot >/dev/null 2>&1; then
        ocf_log warn "could not delete node attribute $1 on $__vgl_node"
        return 1
    fi
    return 0
}

# ---- network checks ----

# ocf_tcp_check HOST PORT [SECONDS]: a TCP connection to HOST:PORT is
# accepted within SECONDS (2).  Uses bash's /dev/tcp when bash exists (an
# exact, immediate answer), else curl's telnet:// and its connect time.
ocf_tcp_check() {
    __vgl_t=${3:-2}
    case $1 in *:*) __vgl_h="[$1]" ;; *) __vgl_h=$1 ;; esac
    if command -v bash >/dev/null 2>&1; then
        # shellcheck disable=SC2016
        timeout "$__vgl_t" bash -c 'exec 3<>"/dev/tcp/$1/$2"' tcp-check "$1" "$2" \
            </dev/null >/dev/null 2>&1
        return $?
    fi
    __vgl_c=$(curl -s -o /dev/null -w '%{time_connect}' --connect-timeout "$__vgl_t" \
        --max-time "$__vgl_t" "telnet://$__vgl_h:$2" </dev/null 2>/dev/null)
    [ -n "$__vgl_c" ] && [ "$__vgl_c" != 0.000000 ]
}
