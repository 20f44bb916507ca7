#!/usr/bin/python3
"""Writes the seed corpora of the libFuzzer targets, tests/fuzz/corpus/<target>/, from files in the tree.

pdl:     every proto/*.pdl and proto/examples/*.pdl, as is and, for those that bind
         to other layers, behind the "#builtin" line that loads the built-in set first;
dissect: every packet of tests/vectors/layers.tsv and breadth.tsv as binary, behind
         the byte that starts dissection at its first layer (fuzz-dissect.c: 0 Ether,
         1 IP, ...), and the Ethernet and IP ones once more behind a link-type byte;
expr:    every expression of tests/vectors/layers.expr and breadth.expr, and a few for
         what the vectors do not cover (sets, dissecting bytes, the example protocols).

Run it again when those files change: python3 tests/fuzz/make-corpus.py
"""
import glob
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# fuzz-dissect.c's starts[] and linktypes[].
STARTS = ["Ether", "IP", "IPv6", "ARP", "Dot1Q", "ICMP", "TCP", "UDP", "Raw", "Padding", "Loopback",
          "CookedLinux", "CookedLinuxV2", "GRE", "VXLAN", "NTPHeader", "IPv6ExtHdrHopByHop", "IPv6ExtHdrRouting",
          "IPv6ExtHdrFragment", "IPv6ExtHdrDestOpt", "ICMPv6EchoRequest", "ICMPv6EchoReply", "ICMPv6ND_NS",
          "ICMPv6ND_NA", "ICMPv6ND_RA", "ICMPv6ND_RS", "ICMPv6MLQuery", "ICMPv6MLReport", "ICMPv6NDOptMTU",
          "ICMPv6NDOptPrefixInfo", "ICMPv6NDOptSrcLLAddr", "DNS", "BOOTP"]
VECTORS = ["layers", "breadth", "lists"]
LINKTYPES = [1, 101, 12, 228, 229, 0, 113, 276]

EXTRA_EXPRESSIONS = [
    'IP(src="192.0.2.1",dst="192.0.2.0/30")/TCP(dport=[80,443],flags="SA")',
    'IP(ttl=(1,3))/UDP(sport=(1000,1002))/b"\\x00\\x01"',
    'Ether(b"\\x00\\x11\\x22\\x33\\x44\\x55\\x66\\x77\\x88\\x99\\xaa\\xbb\\x08\\x00")/IP()',
    'IP(b"E\\x00\\x00\\x1c\\x00\\x01\\x00\\x00@\\x11\\xf6\\xcc\\xc0\\x00\\x02\\x01\\xc0\\x00\\x02\\x02")',
    'IP(src="192.0.2.1",dst="192.0.2.2")/UDP()/Telemetry(kind="humidity",note="42%")',
    'IP(src="192.0.2.1",dst="192.0.2.2")/TCP()/Spindle(op="submit",traced=1)/SpindleJob(name="build",args=b"-j2")',
    'IPv6(src="2001:db8::1",dst="2001:db8::2")/UDP(dport=53)/"q"',
    'Loopback()/IP(src="192.0.2.1",dst="192.0.2.2")/ICMP(type="echo-reply",id=7)',
    'CookedLinux()/IP(src="192.0.2.1",dst="192.0.2.2")/ICMP(type=13)',
    'IP(src="192.0.2.1",dst="192.0.2.2",options=b"\\x01\\x01\\x01")/TCP(options=b"\\x02\\x04\\x05\\xb4",chksum=0)',
    'Ether(src="00:11:22:33:44:55",dst="ff:ff:ff:ff:ff:ff")/ARP(pdst="192.0.2.9",psrc="192.0.2.1",hwsrc="00:11:22:33:44:55")',
    'IP(src="192.0.2.1",dst="192.0.2.2")/ICMP(type=3,code="port-unreachable")/IP(src="192.0.2.2",dst="192.0.2.1")/UDP()',
]


def reset(target):
    path = os.path.join(HERE, "corpus", target)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write(path, name, data):
    with open(os.path.join(path, name), "wb") as f:
        f.write(data)


def pdl():
    out = reset("pdl")
    files = sorted(glob.glob(os.path.join(ROOT, "proto", "*.pdl")) + glob.glob(os.path.join(ROOT, "proto", "examples", "*.pdl")))
    for f in files:
        name = os.path.basename(f)
        data = open(f, "rb").read()
        write(out, name, data)
        if b"bind " in data:
            write(out, "builtin-" + name, b"#builtin\n" + data)


def expr():
    out = reset("expr")
    for vectors in VECTORS:
        path = os.path.join(ROOT, "tests", "vectors", vectors + ".expr")
        if not os.path.exists(path):
            continue
        lines = [line.strip() for line in open(path, encoding="utf-8")]
        lines = [line for line in lines if line and not line.startswith("#")]
        for i, line in enumerate(lines):
            write(out, "%s-%03d.txt" % (vectors, i), line.encode())
    for i, line in enumerate(EXTRA_EXPRESSIONS):
        write(out, "extra-%03d.txt" % i, line.encode())


def first_layer(expression):
    for i, c in enumerate(expression):
        if c in "(/":
            return expression[:i]
    return expression


def dissect():
    out = reset("dissect")
    for vectors in VECTORS:
        path = os.path.join(ROOT, "tests", "vectors", vectors + ".tsv")
        if not os.path.exists(path):
            continue
        for i, line in enumerate(open(path, encoding="utf-8")):
            expression, hexbytes = line.rstrip("\n").split("\t")
            first = first_layer(expression)
            if first not in STARTS:
                continue
            data = bytes.fromhex(hexbytes)
            write(out, "%s-%03d-%s.bin" % (vectors, i, first.lower()), bytes([STARTS.index(first)]) + data)
            if first in ("Ether", "IP", "IPv6"):
                linktype = LINKTYPES.index(1 if first == "Ether" else 101)
                write(out, "%s-%03d-linktype.bin" % (vectors, i), bytes([0x80 | linktype]) + data)


if __name__ == "__main__":
    pdl()
    expr()
    dissect()
