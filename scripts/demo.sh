#!/bin/sh
# The main job: set up, build craft, craft packets, write and read a capture, and dissect an invented protocol in tshark.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
craft=build/tools/craft
run() { printf '\n$ craft %s\n' "$*"; "$craft" "$@"; }
umask 022
work=$(mktemp -d /tmp/craft-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"

# Build: summaries, bytes, and a tree with every computed field.
run build 'Ether(dst="00:11:22:33:44:55",src="66:77:88:99:aa:bb")/IP(src="192.0.2.1",dst="198.51.100.2",ttl=7)/TCP(sport=1234,dport=80,flags="SA")/"payload"'
run build --hex 'IP(src="192.0.2.1",dst="198.51.100.2")/UDP(sport=1234,dport=53)/b"\x12\x34"'
run show 'Ether(dst="ff:ff:ff:ff:ff:ff",src="00:11:22:33:44:55")/Dot1Q(vlan=42)/ARP(hwsrc="00:11:22:33:44:55",psrc="192.0.2.1",pdst="192.0.2.254")'

# A set (a network and a list of ports) written to pcapng, then read back.
run build -w "$work/scan.pcapng" 'Ether(src="00:11:22:33:44:55",dst="66:77:88:99:aa:bb")/IP(src="192.0.2.1",dst="198.51.100.0/30")/TCP(dport=[22,80,443],flags="S")'
run read "$work/scan.pcapng"
run read -c 1 -V "$work/scan.pcapng"
run read -c 2 --json -f 'tcp dst port 443' "$work/scan.pcapng"

# An invented protocol: one definition file, crafted, then dissected by tshark with the plugin.
export CRAFT_PROTO_PATH="$PWD/proto/examples"
run ls Telemetry
run build -w "$work/telemetry.pcap" 'Ether(src="00:11:22:33:44:55",dst="66:77:88:99:aa:bb")/IP(src="192.0.2.1",dst="198.51.100.2")/UDP(sport=40000)/Telemetry(kind=[1,2,3],station="192.0.2.10",note="21C")'
plugin=$(find build/epan-plugin/plugins -name craft.so 2>/dev/null | head -n 1)
if [ -n "$plugin" ] && command -v tshark >/dev/null; then
  # tshark ignores plugin folders when run as root: run it as nobody.
  cp -r build/epan-plugin/plugins "$work/plugins"
  as_user=""
  [ "$(id -u)" = 0 ] && as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
  printf '\n$ tshark -r telemetry.pcap -O telemetry   (with the craft plugin)\n'
  $as_user env HOME="$work" WIRESHARK_PLUGIN_DIR="$work/plugins" CRAFT_PROTO_PATH="$CRAFT_PROTO_PATH" \
    tshark -r "$work/telemetry.pcap" -O telemetry 2>/dev/null | sed -n '/^Sensor telemetry/,/^$/p' | head -n 14
  printf '\n$ tshark -r telemetry.pcap -Y "telemetry.kind == 2" -T fields -e telemetry.kind -e telemetry.note\n'
  $as_user env HOME="$work" WIRESHARK_PLUGIN_DIR="$work/plugins" CRAFT_PROTO_PATH="$CRAFT_PROTO_PATH" \
    tshark -r "$work/telemetry.pcap" -Y 'telemetry.kind == 2' -T fields -e telemetry.kind -e telemetry.note 2>/dev/null
fi
