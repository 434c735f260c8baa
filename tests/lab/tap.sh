#!/bin/bash
# tests/lab/tap.sh — TAP output for shell tests.
#
#   tap_ok "description" CMD...     run CMD; "ok" if it exits 0
#   tap_is "description" GOT WANT   "ok" if the two strings are equal
#   tap_fail "description"          an explicit failure (with diagnostics before it)
#   tap_done                        print the plan; exit 1 if anything failed
# Diagnostics go to stdout as "# ..." lines, which TAP ignores.

TAP_N=0
TAP_FAILED=0

tap_diag() { printf '# %s\n' "$*"; }

_tap_result() {
    TAP_N=$((TAP_N + 1))
    if [ "$1" = 0 ]; then
        printf 'ok %d - %s\n' "$TAP_N" "$2"
    else
        printf 'not ok %d - %s\n' "$TAP_N" "$2"
        TAP_FAILED=$((TAP_FAILED + 1))
    fi
}

tap_ok() {
    local desc=$1 rc
    shift
    "$@"
    rc=$?
    _tap_result "$rc" "$desc"
    return "$rc"
}

tap_is() {
    if [ "$2" = "$3" ]; then
        _tap_result 0 "$1"
    else
        tap_diag "got:  '$2'"
        tap_diag "want: '$3'"
        _tap_result 1 "$1"
    fi
}

tap_fail() { _tap_result 1 "$1"; }
tap_pass() { _tap_result 0 "$1"; }

tap_done() {
    printf '1..%d\n' "$TAP_N"
    [ "$TAP_FAILED" = 0 ]
}
