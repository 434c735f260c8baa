#!/bin/bash
# shellcheck disable=SC2034,SC2015,SC2153  # globals set here for the driver; A && B || C on purpose
# tests/faults/fx_check.sh — verdicts on what the independent checker saw.
#
# What it is for.  tests/lab/vipwatch samples every node's addresses every
# 20 ms and writes one line "T_MS HOLDERS" each time the set of nodes that
# hold the VIP changes ("-" for nobody, "1,2" for two nodes).  The campaign
# reads that log back, per fault and for the whole run, and decides:
#
# - double VIP: any interval whose holders name two nodes.  Fencing is on,
#   so there must be none, ever.
# - VIP gap: an interval with nobody holding the VIP.  A gap is allowed
#   while the cluster cannot recover (a hold-off: the fence device fails,
#   so rule 1 of DESIGN.md forbids starting the VIP elsewhere); what counts
#   is the part after the last hold-off it overlaps, and it must stay
#   within FX_BOUND ms (+ the hold-off's own allowance for the fencer's
#   retry backoff).  The bound is derived in README.md.
#
# Hold-offs are lines "FROM TO EXTRA_MS NODE" in $FX_HOLDOFFS, times on
# the checker's clock (fx_lib.sh).

# fx_vip_log_intervals NOW: one line per interval "START END HOLDERS"; the
# last (still open) one ends at NOW.
fx_vip_log_intervals() {
    awk -v now="$1" '
        /^samples=/ { next }
        NF == 2 { if (n++) printf "%.0f %.0f %s\n", t, $1, h; t = $1; h = $2 }
        END { if (n) printf "%.0f %.0f %s\n", t, (now > t ? now : t), h }
    ' "$LAB_DIR/vipwatch.log"
}

# fx_gaps NOW: every VIP gap as "START END EFFECTIVE_MS ALLOWED_MS".  A
# hold-off excuses only a gap that began on its node: the VIP was there and
# cannot start elsewhere before that node is fenced.  A VIP lost from any
# other node has no excuse.
fx_gaps() {
    fx_vip_log_intervals "$1" | awk -v bound="$FX_BOUND" -v hf="$FX_HOLDOFFS" '
        BEGIN { while ((getline l < hf) > 0) { split(l, a, " "); h0[++nh] = a[1]; h1[nh] = a[2]; hx[nh] = a[3]; hn[nh] = a[4] } }
        $3 == "-" {
            s = $1; allow = bound
            for (i = 1; i <= nh; i++)
                if (h0[i] < $2 && h1[i] > $1 && (hn[i] == prev || hn[i] == "*")) {
                    if (h1[i] > s) s = h1[i]
                    if (bound + hx[i] > allow) allow = bound + hx[i]
                }
            eff = $2 - s; if (eff < 0) eff = 0
            printf "%d %d %d %d\n", $1, $2, eff, allow
        }
        { prev = $3 }'
}

# fx_window FROM TO: verdict on [FROM, TO] into FXC_double (intervals with
# two holders), FXC_double_ms, FXC_gap_ms (the longest gap overlapping
# the window, as measured), FXC_gap_eff (its effective part), FXC_gap_bad
# (gaps over their allowance, "START-END:EFF>ALLOWED" each).
fx_window() {
    local from=$1 to=$2 s e h eff allow
    FXC_double=0 FXC_double_ms=0 FXC_gap_ms=0 FXC_gap_eff=0 FXC_gap_bad=
    while read -r s e h; do
        [ "$e" -ge "$from" ] && [ "$s" -le "$to" ] || continue
        case $h in *,*) FXC_double=$((FXC_double + 1)); FXC_double_ms=$((FXC_double_ms + e - s)) ;; esac
    done < <(fx_vip_log_intervals "$to")
    while read -r s e eff allow; do
        [ "$e" -ge "$from" ] && [ "$s" -le "$to" ] || continue
        [ $((e - s)) -gt "$FXC_gap_ms" ] && FXC_gap_ms=$((e - s))
        [ "$eff" -gt "$FXC_gap_eff" ] && FXC_gap_eff=$eff
        [ "$eff" -gt "$allow" ] && FXC_gap_bad="$FXC_gap_bad $s-$e:${eff}>$allow"
    done < <(fx_gaps "$to")
    FXC_gap_bad=${FXC_gap_bad# }
}

# fx_hold_off FROM TO EXTRA_MS NODE: NODE's resources could not recover
# elsewhere in [FROM, TO] ("*": nothing could, the cluster had no quorum).
fx_hold_off() { echo "$1 $2 $3 $4" >>"$FX_HOLDOFFS"; }

# ---- acknowledged configuration changes ----
#
# $FX_CHANGES holds one line per change the campaign asked for, in the
# order they were made: "FAULT KEY VALUE RESULT NODE SUB", RESULT "ok" when
# vigild acknowledged it, else the client's exit code.  Two kinds of key:
# "mark:NAME" (a unique nvpair NAME=VALUE: an acknowledged one must be in
# every CIB) and "move" / "d2role" (one setting written again and again:
# the CIB must hold the value of the last acknowledged write or of a later
# unacknowledged one, which may or may not have been applied).

# fx_changes_verify CIB [FAULT]: print every acknowledged change CIB lost
# (only the unique marks of FAULT when given).
fx_changes_verify() {
    local cib=$1 only=${2:-} f key val res node got allowed
    local -A last_ok=() later=()
    while read -r f key val res node _; do
        [ -n "$only" ] && { [ "$f" = "$only" ] && [ "${key#mark:}" != "$key" ] || continue; }
        case $key in
        mark:*)
            [ "$res" = ok ] || continue
            printf '%s\n' "$cib" | grep -q "name=\"${key#mark:}\" value=\"$val\"" ||
                echo "#$f $key=$val (acknowledged by $node) is missing"
            ;;
        *)
            if [ "$res" = ok ]; then
                last_ok[$key]="#$f $val (acknowledged by $node)"
                later[$key]=" $val "
            elif [ -n "${last_ok[$key]:-}" ]; then
                later[$key]="${later[$key]}$val "
            fi
            ;;
        esac
    done <"$FX_CHANGES"
    for key in "${!last_ok[@]}"; do
        got=$(fx_cib_value "$cib" "$key")
        allowed=${later[$key]}
        case $allowed in *" $got "*) ;; *) echo "$key is '$got', not ${last_ok[$key]} or a later write" ;; esac
    done
}

# fx_config_of CIB: the configuration section alone (for comparing nodes).
fx_config_of() { printf '%s\n' "$1" | sed -n '/<configuration>/,/<\/configuration>/p'; }
