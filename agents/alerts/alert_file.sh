#!/bin/sh
# alert_file.sh — a Vigil (and Pacemaker) alert agent that appends one line
# per cluster event to a log file, the recipient.
#
#   alert log /usr/share/vigil/alerts/alert_file.sh \
#       meta timestamp-format="%Y-%m-%d %H:%M:%S.%3N" \
#       to /var/log/vigil/alerts.log
#
# Lines look like
#   2026-11-26 02:13:20.000 node2: node node3 is now lost
#   2026-11-26 02:13:24.020 node2: fencing: Operation reboot of node3 by node1 ...: OK (ref=fence-7)
#   2026-11-26 02:13:24.310 node2: resource vip: start on node2: OK
# (time of the event, the node that saw it, what happened).  Each line is
# written with one append, so agents running at once on one file never
# mix their lines, and line breaks inside an event are taken out.
# Instance attributes (environment):
#   file_mode  mode of a file the agent creates (default 0640)

: "${file_mode=0640}"

if [ -z "${CRM_alert_kind:-}" ]; then
    echo "$0: an alert agent: vigild (or Pacemaker) runs it with CRM_alert_* set" >&2
    exit 1
fi
if [ -z "${CRM_alert_recipient:-}" ]; then
    echo "no recipient configured: give the log file as the recipient"
    exit 0
fi
case $CRM_alert_recipient in
/*) ;;
*)
    echo "recipient '$CRM_alert_recipient' is not an absolute file name" >&2
    exit 1
    ;;
esac
case $file_mode in
'' | *[!0-7]*)
    echo "file_mode '$file_mode' is not an octal mode" >&2
    exit 1
    ;;
esac

case $CRM_alert_kind in
node)
    text="node ${CRM_alert_node:-?} is now ${CRM_alert_desc:-?}"
    ;;
fencing)
    text="fencing: ${CRM_alert_desc:-${CRM_alert_task:-?} of ${CRM_alert_node:-?}, rc ${CRM_alert_rc:-?}}"
    ;;
resource)
    op=${CRM_alert_task:-?}
    [ "${CRM_alert_interval:-0}" = 0 ] || op="$op (${CRM_alert_interval} ms)"
    text="resource ${CRM_alert_rsc:-?}: $op on ${CRM_alert_node:-?}: ${CRM_alert_desc:-?}"
    if [ "${CRM_alert_rc:-0}" != "${CRM_alert_target_rc:-0}" ]; then
        text="$text (rc ${CRM_alert_rc:-?}, expected ${CRM_alert_target_rc:-?})"
    fi
    ;;
attribute)
    text="attribute ${CRM_alert_attribute_name:-?} on ${CRM_alert_node:-?} = ${CRM_alert_attribute_value:-}"
    ;;
*)
    text="$CRM_alert_kind event on ${CRM_alert_node:-?}: ${CRM_alert_desc:-}"
    ;;
esac

line=$(printf '%s %s: %s' "${CRM_alert_timestamp:-?}" "$(uname -n)" "$text" | tr '\r\n' '  ')
if [ ! -e "$CRM_alert_recipient" ]; then
    (umask 077 && : >>"$CRM_alert_recipient") && chmod "$file_mode" "$CRM_alert_recipient"
fi
printf '%s\n' "$line" >>"$CRM_alert_recipient" || exit 1
exit 0
