#!/bin/sh
# alert_smtp.sh — a Vigil (and Pacemaker) alert agent that mails each
# cluster event through the local sendmail: keepalived's
# notification_email, as an alert.
#
#   alert mail /usr/share/vigil/alerts/alert_smtp.sh \
#       attributes email_sender=cluster@example.org \
#       to ops@example.org to oncall@example.org
#
# The recipient is one address or a comma-separated list; without one the
# agent sends nothing (a recipient may be added later).  Instance
# attributes arrive as environment variables:
#   email_sender    From: address (default vigil@HOSTNAME)
#   sendmail        the MTA's sendmail program (default: sendmail in PATH,
#                   else /usr/sbin/sendmail, else /usr/lib/sendmail)
#   subject_prefix  what the Subject starts with (default "[vigil]")
#
# Addresses are checked and handed to sendmail as arguments (never read
# from the headers), and line breaks are taken out of every header, so an
# event's text cannot add a header or a recipient.  The exit code is
# sendmail's; vigild logs it with the agent's output.

: "${email_sender=}"
: "${sendmail=}"
: "${subject_prefix=[vigil]}"

if [ -z "${CRM_alert_kind:-}" ]; then
    echo "$0: an alert agent: vigild (or Pacemaker) runs it with CRM_alert_* set" >&2
    exit 1
fi
if [ -z "${CRM_alert_recipient:-}" ]; then
    echo "no recipient configured: nothing sent"
    exit 0
fi

# One line: carriage returns and line feeds become spaces.
one_line() {
    printf '%s' "$1" | tr '\r\n' '  '
}

# The addresses of the recipient ("a@x, b@y"), checked; the result is in
# the positional parameters of the caller through "set --".
check_address() {
    case $1 in
    '' | *[!A-Za-z0-9.@_+=%-]* | @* | *@ | *@*@*)
        echo "recipient '$(one_line "$CRM_alert_recipient")': '$(one_line "$1")' is not a mail address" >&2
        return 1
        ;;
    esac
    case $1 in
    *@*) return 0 ;;
    esac
    echo "recipient '$(one_line "$CRM_alert_recipient")': '$1' has no @domain" >&2
    return 1
}

find_sendmail() {
    if [ -n "$sendmail" ]; then
        printf '%s' "$sendmail"
    elif command -v sendmail >/dev/null 2>&1; then
        command -v sendmail
    elif [ -x /usr/sbin/sendmail ]; then
        printf '%s' /usr/sbin/sendmail
    elif [ -x /usr/lib/sendmail ]; then
        printf '%s' /usr/lib/sendmail
    fi
}

summary() {
    case $CRM_alert_kind in
    node)
        printf 'node %s is %s' "${CRM_alert_node:-?}" "${CRM_alert_desc:-?}"
        ;;
    fencing)
        if [ "${CRM_alert_rc:-1}" = 0 ]; then __r=succeeded; else __r=FAILED; fi
        printf 'fencing (%s) of %s %s' "${CRM_alert_task:-?}" "${CRM_alert_node:-?}" "$__r"
        ;;
    resource)
        __i=
        [ "${CRM_alert_interval:-0}" = 0 ] || __i=" (every ${CRM_alert_interval} ms)"
        printf '%s: %s%s on %s: %s' "${CRM_alert_rsc:-?}" "${CRM_alert_task:-?}" "$__i" \
            "${CRM_alert_node:-?}" "${CRM_alert_desc:-?}"
        if [ "${CRM_alert_rc:-0}" != "${CRM_alert_target_rc:-0}" ]; then
            printf ' (rc %s, expected %s)' "${CRM_alert_rc:-?}" "${CRM_alert_target_rc:-?}"
        fi
        ;;
    attribute)
        printf 'attribute %s on %s is now "%s"' "${CRM_alert_attribute_name:-?}" \
            "${CRM_alert_node:-?}" "${CRM_alert_attribute_value:-}"
        ;;
    *)
        printf '%s event' "$CRM_alert_kind"
        ;;
    esac
}

# The variables of the event that are set, one "name: value" line each.
details() {
    for __v in kind node nodeid rsc task interval rc target_rc status desc exec_time \
        attribute_name attribute_value timestamp node_sequence version; do
        eval "__val=\${CRM_alert_$__v:-}"
        # shellcheck disable=SC2154 # __val is set by the eval above
        [ -n "$__val" ] && printf '  %-16s %s\n' "$__v:" "$(one_line "$__val")"
    done
    return 0
}

host=$(uname -n)
from=$(one_line "${email_sender:-vigil@$host}")
check_address "$from" || exit 1
set -f
old_ifs=$IFS
IFS=', '
# shellcheck disable=SC2086 # split the list on commas and blanks, no globbing
set -- $CRM_alert_recipient
IFS=$old_ifs
set +f
[ "$#" -gt 0 ] || { echo "recipient '$(one_line "$CRM_alert_recipient")' holds no address" >&2; exit 1; }
to=
for a in "$@"; do
    check_address "$a" || exit 1
    to=${to:+$to, }$a
done
mta=$(find_sendmail)
if [ -z "$mta" ] || [ ! -x "$mta" ]; then
    echo "no sendmail program${mta:+ at $mta}: install an MTA (exim4, postfix) or set the sendmail attribute" >&2
    exit 1
fi
subject=$(one_line "$subject_prefix $(summary)")

{
    printf 'From: %s\n' "$from"
    printf 'To: %s\n' "$to"
    printf 'Subject: %s\n' "$subject"
    printf 'Auto-Submitted: auto-generated\n'
    printf 'Content-Type: text/plain; charset=UTF-8\n'
    printf '\n'
    printf 'Cluster event seen by %s at %s:\n\n' "$host" "${CRM_alert_timestamp:-?}"
    printf '  %s\n\n' "$(one_line "$(summary)")"
    printf 'Details:\n'
    details
} | "$mta" -i -f "$from" -- "$@"
rc=$?
[ "$rc" = 0 ] && echo "mailed to $to: $subject"
exit "$rc"
