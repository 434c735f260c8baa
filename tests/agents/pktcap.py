#!/usr/bin/env python3
"""pktcap.py IFACE SECONDS -- print the ARP packets and IPv6 neighbour
solicitations/advertisements seen on IFACE for SECONDS, one per line:
  arp op=1 spa=192.0.2.100 tpa=192.0.2.100 sha=aa:bb:cc:dd:ee:ff
  na target=2001:db8::100 sha=aa:bb:...
A first line "# ready" says the capture is on.  Used by the agent tests to count gratuitous ARP and unsolicited NA, where
tcpdump may not be installed.  Needs root (AF_PACKET)."""
import socket
import sys
import time


def mac(b):
    return ":".join("%02x" % x for x in b)


def describe(d):
    etype = d[12:14].hex()
    if etype == "0806" and len(d) >= 42:
        return "arp op=%d spa=%s tpa=%s sha=%s" % (
            d[21], socket.inet_ntoa(d[28:32]), socket.inet_ntoa(d[38:42]), mac(d[22:28]))
    if etype == "86dd" and len(d) >= 78 and d[20] == 58 and d[54] in (135, 136):
        kind = "na" if d[54] == 136 else "ns"
        return "%s target=%s sha=%s" % (
            kind, socket.inet_ntop(socket.AF_INET6, d[62:78]), mac(d[6:12]))
    return None


def main():
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((sys.argv[1], 0))
    s.settimeout(0.1)
    print("# ready", flush=True)
    end = time.time() + float(sys.argv[2])
    while time.time() < end:
        try:
            data, addr = s.recvfrom(4096)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        line = describe(data)
        if line:
            print(line, flush=True)


if __name__ == "__main__":
    main()
