#!/usr/bin/python3
"""W1/W2 with Scapy: `build FIRST N OUT.pcap` or `dissect IN.pcap N` (first N packets)."""
import sys

from scapy.all import Ether, IP, UDP, TCP, Raw, PcapWriter, PcapReader, conf

conf.verb = 0
if sys.argv[1] == "build":
    first, n, path = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with PcapWriter(path, linktype=1, sync=False) as w:
        for i in range(n):
            p = (Ether(dst="00:11:22:33:44:55", src="66:77:88:99:aa:bb") / IP(src="192.0.2.1", dst="198.51.100.2")
                 / UDP(sport=first + i % 50000, dport=40000) / Raw(b"abcdefghijklmnopqr"))
            w.write(bytes(p))
else:
    path, n = sys.argv[2], int(sys.argv[3])
    sink = 0
    with PcapReader(path) as r:
        for i, p in enumerate(r):
            if i >= n:
                break
            if IP in p:
                sink += len(p[IP].src) + len(p[IP].dst)
                l4 = p[UDP] if UDP in p else p[TCP] if TCP in p else None
                if l4 is not None:
                    sink += l4.sport + l4.dport
    print(sink, file=sys.stderr)
