#!/bin/sh
# The main job: set up, build craft, then craft a few packets and show them.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
craft=build/tools/craft
run() { printf '\n$ craft %s\n' "$*"; "$craft" "$@"; }
run build 'Ether(dst="00:11:22:33:44:55",src="66:77:88:99:aa:bb")/IP(src="192.0.2.1",dst="198.51.100.2",ttl=7)/TCP(sport=1234,dport=80,flags="SA")/"payload"'
run build --hex 'Ether(dst="00:11:22:33:44:55",src="66:77:88:99:aa:bb")/IP(src="192.0.2.1",dst="198.51.100.2",ttl=7)/TCP(sport=1234,dport=80,flags="SA")/"payload"'
run build 'IP(src="192.0.2.1",dst="192.0.2.2")/ICMP(type="dest-unreach",code="port-unreachable")/IP(src="192.0.2.2",dst="192.0.2.1")/UDP(sport=5353,dport=53)'
run show 'Ether(dst="ff:ff:ff:ff:ff:ff",src="00:11:22:33:44:55")/Dot1Q(vlan=42)/ARP(hwsrc="00:11:22:33:44:55",psrc="192.0.2.1",pdst="192.0.2.254")'
run show 'IP(src="192.0.2.1",dst="198.51.100.2",flags="DF")/UDP(sport=1234,dport=53)/b"\x12\x34"'
