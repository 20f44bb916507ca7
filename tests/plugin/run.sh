#!/bin/sh
# Wireshark plugin tests: real tshark with craft.so from the build tree, on captures the craft tool builds.
#
# Usage: run.sh TEST, with CRAFT_TOOL, CRAFT_PLUGIN, CRAFT_SOURCE_DIR,
# WIRESHARK_MAJOR_MINOR (and optionally CRAFT_TSHARK_PRELOAD, TSHARK,
# TEXT2PCAP, EDITCAP, MERGECAP) in the environment, as CTest sets them.
#
# tshark ignores plugin folders when it runs as root, so as root it runs as
# nobody (65534); everything it reads lives in a world-readable folder.
set -eu
test_name=${1:?usage: run.sh TEST}
: "${CRAFT_TOOL:?}" "${CRAFT_PLUGIN:?}" "${CRAFT_SOURCE_DIR:?}" "${WIRESHARK_MAJOR_MINOR:?}"
TSHARK=${TSHARK:-tshark}
TEXT2PCAP=${TEXT2PCAP:-text2pcap}
EDITCAP=${EDITCAP:-editcap}
MERGECAP=${MERGECAP:-mergecap}

# Everything here must be readable by the user tshark runs as.
umask 022
tmp=${TMPDIR:-/tmp}
[ "$(id -u)" = 0 ] && tmp=/tmp
work=$(mktemp -d "$tmp/craft-plugin.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"
mkdir -p "$work/plugins/$WIRESHARK_MAJOR_MINOR/epan" "$work/no-plugins" "$work/home" "$work/proto"
cp "$CRAFT_PLUGIN" "$work/plugins/$WIRESHARK_MAJOR_MINOR/epan/craft.so"
cp "$CRAFT_SOURCE_DIR"/proto/examples/*.pdl "$work/proto/"
proto_path=$work/proto

fail() {
  echo "FAIL ($test_name): $*" >&2
  exit 1
}

# expect WHAT GOT WANT: exact comparison, with both texts shown on failure.
expect() {
  if [ "$2" != "$3" ]; then
    printf 'FAIL (%s): %s\n--- got:\n%s\n--- want:\n%s\n' "$test_name" "$1" "$2" "$3" >&2
    exit 1
  fi
}

# contains WHAT TEXT PATTERN: a fixed string somewhere in the text.
contains() {
  case $2 in
    *"$3"*) ;;
    *) printf 'FAIL (%s): %s: no "%s" in:\n%s\n' "$test_name" "$1" "$3" "$2" >&2; exit 1 ;;
  esac
}

craft() {
  XDG_CONFIG_HOME="$work/home" CRAFT_PROTO_PATH="$proto_path" "$CRAFT_TOOL" "$@"
}

# tshark_with PLUGIN_DIR ARGS...: tshark with that plugin folder, as nobody when root.
# $tshark_env: more VAR=VALUE words for its environment.
tshark_env=
tshark_with() {
  plugins=$1
  shift
  # shellcheck disable=SC2086 # tshark_env is a list of words
  set -- env HOME="$work/home" XDG_CONFIG_HOME="$work/home" WIRESHARK_PLUGIN_DIR="$plugins" \
    CRAFT_PROTO_PATH="$proto_path" LD_PRELOAD="${CRAFT_TSHARK_PRELOAD:-}" \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 $tshark_env "$TSHARK" "$@"
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    "$@"
  fi
}

ws() { tshark_with "$work/plugins" "$@"; }
ws_plain() { tshark_with "$work/no-plugins" "$@"; }

# pcap FILE EXPRESSION...: one Ethernet frame per expression, built by craft.
pcap() {
  out=$1 linktype=${LINKTYPE:-1}
  shift
  for expression in "$@"; do
    craft build --hex "$expression" || fail "craft build failed: $expression"
  done | awk '{ printf "000000"; for (i = 1; i <= length($0); i += 2) printf " %s", substr($0, i, 2); printf "\n" }' \
    > "$out.txt"
  "$TEXT2PCAP" -q -l "$linktype" "$out.txt" "$out" || fail "text2pcap failed"
  chmod a+r "$out"
}

# bytes HEX: a Python bytes literal for an expression.
bytes() {
  printf 'b"%s"' "$(printf '%s' "$1" | sed 's/../\\x&/g')"
}

ETH='Ether(src="00:00:5e:00:53:01",dst="00:00:5e:00:53:02")'
IP4='IP(src="192.0.2.1",dst="192.0.2.2")'
TO_TELEMETRY="$ETH/$IP4/UDP(sport=1234,dport=9999)"

telemetry_pcap() {
  pcap "$work/telemetry.pcap" \
    "$TO_TELEMETRY/Telemetry(kind=\"temperature\",sequence=1,note=\"21C\")" \
    "$TO_TELEMETRY/Telemetry(kind=\"humidity\",sequence=2,flags=\"ACK+LAST\",station=\"198.51.100.7\",note=\"40%\")" \
    "$TO_TELEMETRY/Telemetry(kind=2,sequence=3,urgent=1,extra=7,checksum=0x1234)"
}

# A Spindle job split over three TCP segments with consecutive sequence
# numbers, then one segment from the server carrying two messages.
spindle_pcap() {
  job=$(craft build --hex 'Spindle(op="submit",job=7,traced=1,trace=0x1122334455667788,flags="ACK+URGENT")/SpindleJob(name="backup",args="--full --verify",nice=-5)')
  p1=$(printf '%s' "$job" | cut -c1-10)
  p2=$(printf '%s' "$job" | cut -c11-50)
  p3=$(printf '%s' "$job" | cut -c51-)
  two=$(craft build --hex 'Spindle(op="hello",job=1)')$(craft build --hex 'Spindle(op="state",reply=1,job=7)/SpindleState(state="running",progress=42,runtime=1000)')
  to="$ETH/$IP4/TCP(sport=40000,dport=7878,flags=\"PA\""
  from="$ETH/IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/TCP(sport=7878,dport=40000,flags=\"PA\""
  pcap "$work/spindle.pcap" \
    "$to,seq=1000)/$(bytes "$p1")" \
    "$to,seq=1005)/$(bytes "$p2")" \
    "$to,seq=1025)/$(bytes "$p3")" \
    "$from,seq=5000)/$(bytes "$two")"
}

# Standard protocols only: what Wireshark dissects without the plugin.
standard_pcap() {
  ip="IP(src=\"192.0.2.1\",dst=\"192.0.2.2\",ttl=33,id=4321)"
  pcap "$work/standard.pcap" \
    "$ETH/$ip/TCP(sport=40000,dport=80,flags=\"S\",seq=1)" \
    "$ETH/$ip/UDP(sport=5353,dport=53)/b\"\\x12\\x34\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"" \
    "$ETH/ARP(hwsrc=\"00:00:5e:00:53:01\",psrc=\"192.0.2.1\",pdst=\"192.0.2.254\")" \
    "$ETH/Dot1Q(vlan=42)/$ip/ICMP(id=7,seq=1)/\"ping\"" \
    "$ETH/$ip/ICMP(type=\"dest-unreach\",code=\"port-unreachable\")/IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/UDP(sport=5353,dport=53)" \
    "$ETH/IP(src=\"192.0.2.1\",dst=\"192.0.2.2\",flags=\"DF\",tos=0x10)/TCP(sport=443,dport=40001,flags=\"PA\",chksum=0x1111)/\"hello\"" \
    "$ETH/IP(src=\"198.51.100.1\",dst=\"203.0.113.9\",flags=\"MF\",frag=100,ttl=1,chksum=0xbeef)/\"fragment\""
}

# same_without_tree WHAT FILE [TSHARK_ARGS...]: tshark's summary lines of a
# capture are the same without a protocol tree (plain tshark -r, where the
# plugin skips the fields and verdicts only a tree shows) as with one (a
# display filter builds it).
same_without_tree() {
  what=$1 file=$2
  shift 2
  expect "$what: summaries without a tree" "$(ws -r "$file" "$@")" "$(ws -r "$file" "$@" -Y frame)"
}

# Every field of the example layers, as "filter.name" per line, read from the definitions.
example_fields() {
  awk '/^layer [A-Za-z0-9_]+/ { layer = tolower($2) }
       /^}/ { layer = "" }
       layer != "" && /^ +[A-Za-z_][A-Za-z0-9_]*: / { sub(/^ +/, ""); sub(/:.*/, ""); print layer "." $0 }' \
    "$CRAFT_SOURCE_DIR"/proto/examples/*.pdl | sort -u
}

test_fields() {
  fields=$(ws -G fields)
  printf '%s\n' "$fields" | cut -f3 | sort -u > "$work/abbrevs.txt"
  example_fields > "$work/example-fields.txt"
  [ -s "$work/example-fields.txt" ] || fail "no fields read from the example definitions"
  missing=$(comm -23 "$work/example-fields.txt" "$work/abbrevs.txt")
  expect "example fields missing from tshark -G fields" "$missing" ""

  # Type, display and bitmask copied from the definitions: abbrev, type, protocol, base, mask.
  want='craft.ip.flags.df	FT_BOOLEAN	craft.ip	8	0x40
craft.ip.frag	FT_UINT16	craft.ip	BASE_DEC	0x1fff
craft.ip.src	FT_IPv4	craft.ip		0x0
craft.ip.ttl	FT_UINT8	craft.ip	BASE_DEC	0x0
craft.tcp.flags	FT_UINT16	craft.tcp	BASE_HEX	0x1ff
spindle.crc	FT_UINT32	spindle	BASE_HEX	0x0
spindle.crc.status	FT_UINT8	spindle	BASE_NONE	0x0
spindle.flags.urgent	FT_BOOLEAN	spindle	8	0x8
spindle.priority	FT_UINT8	spindle	BASE_DEC	0xc
spindle.trace	FT_UINT64	spindle	BASE_HEX	0x0
spindlejob.name	FT_BYTES	spindlejob		0x0
spindlejob.nice	FT_INT8	spindlejob	BASE_DEC	0x0
spindlejob.timeout	FT_UINT16	spindlejob	BASE_DEC	0x1fff
spindlestate.runtime	FT_UINT32	spindlestate	BASE_DEC	0x0
telemetry.checksum	FT_UINT16	telemetry	BASE_HEX	0x0
telemetry.kind	FT_UINT8	telemetry	BASE_DEC	0xf
telemetry.station	FT_IPv4	telemetry		0x0
telemetry.version	FT_UINT8	telemetry	BASE_DEC	0xe0'
  got=$(printf '%s\n' "$fields" | awk -F'\t' '$1 == "F" { print $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 }' \
    | grep -E "^($(printf '%s\n' "$want" | cut -f1 | tr '\n' '|' | sed 's/|$//; s/\./\\./g'))	" | sort)
  expect "field rows" "$got" "$want"
  # Descriptions become blurbs; new layers get their own protocol, standard ones craft.<name>.
  contains "blurb" "$fields" "spindle.length	FT_UINT16	spindle	BASE_DEC	0x0	Bytes in the whole message, this header included"
  # Alternatives of one name share it only when their values are of one
  # type: a filter reads a value as the first's type (a DNS record's rdata).
  expect "alternatives of other types" "$(printf '%s\n' "$fields" | awk -F'\t' '$1 == "F" && $3 ~ /^dnsrr\.rdata/ { print $3 "\t" $4 }' | sort)" \
    'dnsrr.rdata	FT_IPv4
dnsrr.rdata.bytes	FT_BYTES
dnsrr.rdata.ipv6	FT_IPv6
dnsrr.rdata.string	FT_STRING'
  protocols=$(ws -G protocols | cut -f3)
  for p in telemetry spindle spindlejob spindlestate craft craft.ether craft.ip craft.tcp craft.udp; do
    printf '%s\n' "$protocols" | grep -qx "$p" || fail "no protocol $p"
  done
}

test_values() {
  telemetry_pcap
  got=$(ws -r "$work/telemetry.pcap" -T fields -E separator=";" -e telemetry.version -e telemetry.urgent \
    -e telemetry.kind -e telemetry.flags -e telemetry.flags.ack -e telemetry.length -e telemetry.sequence \
    -e telemetry.station -e telemetry.extra -e telemetry.note)
  want='1;0;1;0x00;0;17;1;192.0.2.10;;323143
1;0;2;0x05;1;17;2;198.51.100.7;;343025
1;1;2;0x00;0;16;3;192.0.2.10;7;'
  expect "telemetry fields" "$got" "$want"
  json=$(ws -r "$work/telemetry.pcap" -T json -c 2)
  contains "json" "$json" '"telemetry.kind": "2"'
  contains "json" "$json" '"telemetry.station": "198.51.100.7"'
  contains "json" "$json" '"telemetry.flags.last": "1"'
  info=$(ws -r "$work/telemetry.pcap" -T fields -e _ws.col.Protocol -e _ws.col.Info)
  expect "columns" "$info" 'Telemetry	Telemetry temperature from 192.0.2.10 seq 1
Telemetry	Telemetry humidity from 198.51.100.7 seq 2
Telemetry	Telemetry humidity from 192.0.2.10 seq 3'
  same_without_tree "telemetry" "$work/telemetry.pcap"
  tree=$(ws -r "$work/telemetry.pcap" -c 1 -V -O telemetry)
  contains "tree" "$tree" ".... 0001 = kind: temperature (1)"
  contains "tree" "$tree" "001. .... = version: 1"
}

test_filter() {
  telemetry_pcap
  spindle_pcap
  expect "telemetry.kind == 2" "$(ws -r "$work/telemetry.pcap" -Y 'telemetry.kind == 2' -T fields -e frame.number)" '2
3'
  expect "flag filter" "$(ws -r "$work/telemetry.pcap" -Y 'telemetry.flags.ack == 1' -T fields -e frame.number)" '2'
  expect "address filter" "$(ws -r "$work/telemetry.pcap" -Y 'telemetry.station == 198.51.100.0/24' -T fields -e frame.number)" '2'
  expect "signed filter" "$(ws -r "$work/spindle.pcap" -Y 'spindlejob.nice == -5' -T fields -e frame.number)" '3'
  expect "protocol filter" "$(ws -r "$work/spindle.pcap" -Y 'spindlestate' -T fields -e spindlestate.progress)" '42'
}

test_expert() {
  telemetry_pcap
  job=$(craft build --hex 'Spindle(op="submit",job=9,crc=0xdeadbeef)/SpindleJob(name="x")')
  pcap "$work/bad-crc.pcap" "$ETH/$IP4/TCP(sport=40001,dport=7878,flags=\"PA\",seq=1)/$(bytes "$job")"
  expect "checksum status" "$(ws -r "$work/telemetry.pcap" -T fields -e telemetry.checksum.status)" '1
1
0'
  expect "bad checksum filter" "$(ws -r "$work/telemetry.pcap" -Y 'telemetry.expert.checksum' -T fields -e frame.number)" '3'
  tree=$(ws -r "$work/telemetry.pcap" -Y 'frame.number == 3' -V -O telemetry)
  contains "tree" "$tree" "checksum: 0x1234 [incorrect]"
  contains "tree" "$tree" "[checksum status: Bad]"
  printf '%s\n' "$tree" | grep -Eq 'Expert Info \(Error/Checksum\): Telemetry\.checksum is 0x1234, should be 0x[0-9a-f]+' \
    || fail "no checksum expert info in: $tree"
  # Without a tree, the expert info tap still counts the verdicts.
  contains "expert tap" "$(ws -r "$work/telemetry.pcap" -q -z expert)" "Telemetry.checksum is 0x1234, should be"
  crc=$(ws -r "$work/bad-crc.pcap" -T fields -e spindle.crc.status -e _ws.expert.message)
  printf '%s\n' "$crc" | grep -Eq '^0	.*Spindle\.crc is 0xdeadbeef, should be 0x[0-9a-f]+' \
    || fail "no Spindle CRC expert info in: $crc"
}

test_truncated() {
  to="$TO_TELEMETRY"
  # A note longer than the message, a header cut after 3 bytes, a whole one
  # that the capture's snap length cuts.
  pcap "$work/short.pcap" \
    "$to/Telemetry(length=40,note=\"ab\")" \
    "$to/b\"\\x22\\x00\\x00\"" \
    "$to/Telemetry(kind=3,note=\"a long enough note\")"
  "$EDITCAP" -r "$work/short.pcap" "$work/one.pcap" 3
  "$EDITCAP" -s 52 "$work/one.pcap" "$work/cut.pcap"
  "$MERGECAP" -a -w "$work/truncated.pcap" "$work/short.pcap" "$work/cut.pcap"
  chmod a+r "$work"/*.pcap
  expect "malformed" "$(ws -r "$work/truncated.pcap" -Y '_ws.malformed' -T fields -e frame.number)" '1
2'
  same_without_tree "truncated" "$work/truncated.pcap"
  expect "cut by the snap length" "$(ws -r "$work/truncated.pcap" -Y '_ws.short' -T fields -e frame.number)" '4'
  expect "whole" "$(ws -r "$work/truncated.pcap" -Y 'frame.number == 3' -T fields -e telemetry.kind -e telemetry.checksum.status)" '3	1'
  tree=$(ws -r "$work/truncated.pcap" -V -O telemetry)
  contains "truncated field" "$tree" "Telemetry.note should be 26 bytes, 2 present"
  contains "truncated header" "$tree" "Telemetry.length needs 2 bytes at offset 2, 1 present"
  contains "snap length" "$tree" "[Packet size limited during capture: Telemetry truncated]"
  # The fields before a cut are shown, the one cut and those after it are not.
  expect "fields before the cut" "$(ws -r "$work/truncated.pcap" -Y 'frame.number == 2' -T fields -E separator=";" \
    -e telemetry.version -e telemetry.kind -e telemetry.flags -e telemetry.length -e telemetry.sequence)" '1;2;0x00;;'
  # A nested layer cut short inside a whole message: SpindleJob's queue is
  # there, its timeout is not.
  pcap "$work/nested.pcap" \
    "$ETH/$IP4/TCP(sport=40000,dport=7878,flags=\"PA\")/Spindle(op=\"submit\",length=18)/$(bytes 0102)"
  expect "nested cut" "$(ws -r "$work/nested.pcap" -T fields -E separator=";" -e spindle.op -e spindle.length \
    -e spindlejob.queue -e spindlejob.retries -e spindlejob.timeout)" '2;18;1;0;'
  same_without_tree "nested cut" "$work/nested.pcap"
  tree=$(ws -r "$work/nested.pcap" -V -O spindlejob)
  contains "nested cut" "$tree" "SpindleJob.timeout needs 2 bytes at offset 1, 0 present"
  contains "nested cut" "$tree" "[Malformed Packet: SpindleJob]"
}

# Without a tree (plain tshark -r), a message whose fields read in order is
# shown from its bytes, without a dissection into a packet (quick.c); any
# other goes through the dissection. Both give the summary lines a tree
# gives: messages of every shape the example's fields take (the
# conditional field there or not, names and numbers, edge values), those
# that leave the quick way (a trailer, a length too long, a size below
# zero, a header cut short), and fuzzed ones.
test_quick() {
  to="$TO_TELEMETRY"
  pcap "$work/quick.pcap" \
    "$to/Telemetry(kind=\"temperature\",sequence=1,note=\"21C\")" \
    "$to/Telemetry(kind=\"air-quality\",sequence=4294967295,station=\"255.255.255.255\",note=\"\")" \
    "$to/Telemetry(kind=7,sequence=0,station=\"0.0.0.0\",urgent=1,extra=65535,note=\"x\")" \
    "$to/Telemetry(kind=0,version=0,flags=\"ACK+RETRY+LAST\",sequence=100,station=\"10.0.0.1\")" \
    "$to/Telemetry(length=16,note=\"ab\")/\"xyz\"" \
    "$to/Telemetry(length=30,note=\"ab\")" \
    "$to/Telemetry(urgent=1,length=15,note=\"\")" \
    "$to/b\"\\x21\\x00\\x00\\x10\\x01\""
  expect "quick columns" "$(ws -r "$work/quick.pcap" -c 4 | sed 's/^.* Telemetry [0-9][0-9]* Telemetry /Telemetry /')" \
    'Telemetry temperature from 192.0.2.10 seq 1
Telemetry air-quality from 255.255.255.255 seq 4294967295
Telemetry 7 from 0.0.0.0 seq 0
Telemetry 0 from 10.0.0.1 seq 100'
  same_without_tree "quick" "$work/quick.pcap"
  fuzzed_capture quick-fuzz "1500 91 Ether()/IP(version=4,ihl=5,flags=0,frag=0,options=b\"\")/UDP(sport=40000,dport=9999)/Telemetry()" \
    "500 92 --break=lengths,checksums Ether()/IP(version=4,ihl=5,flags=0,frag=0,options=b\"\")/UDP(sport=40000,dport=9999)/Telemetry()"
  same_without_tree "fuzzed" "$work/quick-fuzz.pcap"
}

test_reassembly() {
  spindle_pcap
  got=$(ws -r "$work/spindle.pcap" -T fields -E separator=";" -e frame.number -e spindle.op -e spindle.job \
    -e spindle.trace -e spindle.flags.urgent -e spindle.crc.status -e spindlejob.nice -e spindlejob.name \
    -e spindlejob.args -e spindlestate.state -e spindlestate.progress -e spindlestate.runtime)
  want='1;;;;;;;;;;;
2;;;;;;;;;;;
3;2;7;0x1122334455667788;1;1;-5;6261636b7570;2d2d66756c6c202d2d766572696679;;;
4;1,3;1,7;;0,0;1,1;;;;1;42;1000'
  expect "reassembled messages" "$got" "$want"
  same_without_tree "reassembled messages" "$work/spindle.pcap"
  contains "reassembly" "$(ws -r "$work/spindle.pcap" -Y 'frame.number == 3' -V)" "[3 Reassembled TCP Segments (50 bytes): #1(5), #2(20), #3(25)]"
  expect "info" "$(ws -r "$work/spindle.pcap" -Y 'frame.number >= 3' -T fields -e _ws.col.Info)" \
    "SpindleJob b'backup' queue 0
Spindle hello job 1 | SpindleState running 42%"
}

# DNS over TCP (RFC 1035 4.2.2: each message behind its 2-byte length),
# built by craft: a query, then from the server a response split over two
# segments, one split over three (the first cut inside the length, the
# second inside the header) and a segment carrying two responses.
dns_tcp_pcap() {
  # dns_message EXPR: the message's bytes over TCP, its length first.
  dns_message() {
    craft build --hex "TCP(sport=53,dport=40000)/$1" | cut -c41-
  }
  query=$(dns_message 'DNS(id=7,qd=DNSQR(qname="www.example.com"))')
  a=$(dns_message 'DNS(id=7,qr=1,qd=DNSQR(qname="www.example.com"),an=DNSRR(rrname="www.example.com",rdata="192.0.2.9"))')
  b=$(dns_message 'DNS(id=8,qr=1,qd=DNSQR(qname="mail.example.com",qtype="AAAA"),an=DNSRR(rrname="mail.example.com",type="AAAA",rdata="2001:db8::25"))')
  c=$(dns_message 'DNS(id=9,qr=1,qd=DNSQR(qname="ns.example.com",qtype="NS"),an=DNSRR(rrname="example.com",type="NS",rdata="ns.example.com"))')
  d=$(dns_message 'DNS(id=10,qr=1,rcode="name-error",qd=DNSQR(qname="nowhere.example.com"))')
  # seq of the server's bytes from 1000 on: a at 1000, b after it, c and d after b.
  a1=$(printf '%s' "$a" | cut -c1-30)
  a2=$(printf '%s' "$a" | cut -c31-)
  b1=$(printf '%s' "$b" | cut -c1-2)
  b2=$(printf '%s' "$b" | cut -c3-20)
  b3=$(printf '%s' "$b" | cut -c21-)
  seq_b=$((1000 + ${#a} / 2))
  seq_cd=$((seq_b + ${#b} / 2))
  client="$ETH/IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/TCP(sport=40000,dport=53,flags=\"PA\",seq=5000,ack=1000)"
  server="$ETH/IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/TCP(sport=53,dport=40000,flags=\"PA\",ack=$((5000 + ${#query} / 2))"
  pcap "$work/dns-tcp.pcap" \
    "$client/$(bytes "$query")" \
    "$server,seq=1000)/$(bytes "$a1")" \
    "$server,seq=1015)/$(bytes "$a2")" \
    "$server,seq=$seq_b)/$(bytes "$b1")" \
    "$server,seq=$((seq_b + 1)))/$(bytes "$b2")" \
    "$server,seq=$((seq_b + 10)))/$(bytes "$b3")" \
    "$server,seq=$seq_cd)/$(bytes "$c$d")"
}

test_dns_tcp() {
  dns_tcp_pcap
  # craft.dns above Wireshark's TCP: its length prefix is there (lower_is(TCP)
  # holds), and gives each message its end.
  as_craft="-d tcp.port==53,craft.dns"
  # shellcheck disable=SC2086 # as_craft is two words
  got=$(ws -r "$work/dns-tcp.pcap" $as_craft -T fields -E separator=";" -e frame.number -e craft.dns.length \
    -e craft.dns.id -e craft.dns.qr -e craft.dns.rcode -e craft.dns.ancount -e dnsqr.qname -e dnsqr.qtype \
    -e dnsrr.rdata -e dnsrr.rdata.ipv6 -e dnsrr.rdata.string -e _ws.expert.message)
  want='1;33;7;0;0;0;www.example.com.;1;;;;
2;;;;;;;;;;;
3;64;7;1;0;1;www.example.com.;1;192.0.2.9;;;
4;;;;;;;;;;;
5;;;;;;;;;;;
6;78;8;1;0;1;mail.example.com.;28;;2001:db8::25;;
7;71,37;9,10;1,1;0,3;1,0;ns.example.com.,nowhere.example.com.;2,1;;;ns.example.com.;'
  expect "DNS messages over TCP" "$got" "$want"
  # shellcheck disable=SC2086
  same_without_tree "DNS over TCP" "$work/dns-tcp.pcap" $as_craft
  # shellcheck disable=SC2086
  tree=$(ws -r "$work/dns-tcp.pcap" $as_craft -V)
  contains "two segments" "$tree" "[2 Reassembled TCP Segments (66 bytes): #2(15), #3(51)]"
  contains "three segments" "$tree" "[3 Reassembled TCP Segments (80 bytes): #4(1), #5(9), #6(70)]"
  # The filters find each message, also the second of a segment.
  # shellcheck disable=SC2086
  expect "qname filter" "$(ws -r "$work/dns-tcp.pcap" $as_craft -Y 'dnsqr.qname == "mail.example.com."' -T fields -e frame.number)" '6'
  # Each kind of record data under a name of its type. An address compared
  # with a name (frame 7's NS record) once crashed tshark.
  # shellcheck disable=SC2086
  expect "rdata filter" "$(ws -r "$work/dns-tcp.pcap" $as_craft -Y 'dnsrr.rdata == 192.0.2.9' -T fields -e frame.number)" '3'
  # shellcheck disable=SC2086
  expect "IPv6 rdata filter" "$(ws -r "$work/dns-tcp.pcap" $as_craft -Y 'dnsrr.rdata.ipv6 == 2001:db8::25' -T fields -e frame.number)" '6'
  # shellcheck disable=SC2086
  expect "name rdata filter" "$(ws -r "$work/dns-tcp.pcap" $as_craft -Y 'dnsrr.rdata.string == "ns.example.com."' -T fields -e frame.number)" '7'
  # shellcheck disable=SC2086
  expect "id filter" "$(ws -r "$work/dns-tcp.pcap" $as_craft -Y 'craft.dns.id == 10 && craft.dns.rcode == 3' -T fields -e frame.number)" '7'
  # Info is each message's summary, as craft read gives it: the first
  # question's name, the first answer's data (a field of a list's element).
  # shellcheck disable=SC2086
  expect "info" "$(ws -r "$work/dns-tcp.pcap" $as_craft -Y craft.dns -T fields -e _ws.col.Protocol -e _ws.col.Info)" \
    'DNS	DNS Qry www.example.com.
DNS	DNS Ans 192.0.2.9
DNS	DNS Ans 2001:db8::25
DNS	DNS Ans ns.example.com. | DNS Ans'
  # The same messages as Wireshark's own DNS dissector finds in the same
  # segments (it writes names without the final dot, and each kind of
  # record data in a field of its own).
  own=$(ws -r "$work/dns-tcp.pcap" -T fields -E separator=";" -e frame.number -e dns.length \
    -e dns.flags.response -e dns.count.answers -e dns.qry.name -e dns.qry.type -e dns.a -e dns.aaaa -e dns.ns \
    | awk -F';' -v OFS=';' '{ print $1, $2, $3, $4, $5, $6, $7 $8 $9 }')
  # shellcheck disable=SC2086
  mine=$(ws -r "$work/dns-tcp.pcap" $as_craft -T fields -E separator=";" -e frame.number -e craft.dns.length \
    -e craft.dns.qr -e craft.dns.ancount -e dnsqr.qname -e dnsqr.qtype -e dnsrr.rdata -e dnsrr.rdata.ipv6 \
    -e dnsrr.rdata.string | awk -F';' -v OFS=';' '{ print $1, $2, $3, $4, $5, $6, $7 $8 $9 }' \
    | sed 's/\.\([,;]\)/\1/g; s/\.$//')
  expect "craft.dns and Wireshark's dns" "$mine" "$own"
  expect "messages compared" "$(printf '%s\n' "$own" | grep -c ';www.example.com;\|;mail.example.com;\|;ns.example.com,')" 4
}

test_proto_path() {
  # A definition dropped into a folder of CRAFT_PROTO_PATH: no rebuild.
  mkdir -p "$work/extra"
  cat > "$work/extra/lamp.pdl" <<'EOF'
# Lamp: a made-up lamp controller, written by a user at test time.
enum lamp_color { red = 1, green = 2, blue = 3 }

layer Lamp "Made-up lamp control" {
    color:  u8 enum lamp_color "Colour" = "red";
    level:  u7 "Brightness, percent" = 100;
    on:     u1 = 1;
    owner:  mac = "00:00:5e:00:53:99";
    crc:    u32 hex = crc32(layer);
}

bind UDP.dport == 4321 -> Lamp;
EOF
  chmod -R a+rX "$work/extra"
  proto_path=$work/extra
  pcap "$work/lamp.pcap" "$ETH/$IP4/UDP(sport=1000)/Lamp(color=\"green\",level=30)" "$ETH/$IP4/UDP(sport=1000)/Lamp()"
  expect "new definition" "$(ws -r "$work/lamp.pcap" -T fields -e lamp.color -e lamp.level -e lamp.on -e lamp.owner -e lamp.crc.status)" \
    '2	30	1	00:00:5e:00:53:99	1
1	100	1	00:00:5e:00:53:99	1'
  expect "filter" "$(ws -r "$work/lamp.pcap" -Y 'lamp.color == 2' -T fields -e frame.number)" '1'
  # Without the folder, Wireshark has no such protocol.
  proto_path=$work/proto
  if ws -r "$work/lamp.pcap" -Y lamp >/dev/null 2>&1; then
    fail "lamp is known without its definition"
  fi
  # A broken definition is reported, and Wireshark still starts with craft's built-in ones.
  mkdir -p "$work/broken"
  printf 'layer Broken {\n    x: u99;\n}\n' > "$work/broken/broken.pdl"
  chmod -R a+rX "$work/broken"
  proto_path=$work/broken
  out=$(ws -r "$work/lamp.pcap" -T fields -e frame.number -e udp.dstport 2>&1) || fail "tshark failed: $out"
  contains "broken definition" "$out" "broken.pdl:2:"
  contains "still dissects" "$out" "2	4321"
  ws -G protocols 2>/dev/null | cut -f3 | grep -qx craft.ip || fail "no built-in definitions after a broken one"
}

test_standard() {
  standard_pcap
  ws -G protocols | cut -f3 | grep -qx craft.ip || fail "the plugin is not loaded"
  ws -r "$work/standard.pcap" -V > "$work/with.txt"
  ws_plain -r "$work/standard.pcap" -V > "$work/without.txt"
  ws_plain -G protocols | cut -f3 | grep -qx craft.ip && fail "the plugin is loaded in the plain run"
  [ -s "$work/without.txt" ] || fail "no output"
  if ! cmp -s "$work/with.txt" "$work/without.txt"; then
    diff -u "$work/without.txt" "$work/with.txt" >&2 || true
    fail "tshark -V differs with the plugin loaded"
  fi
}

# Each field of -T fields lines (separated by ";") as decimal when it is a
# number, hex or decimal, so that differently displayed values compare.
numbers() {
  while IFS= read -r line; do
    out=""
    rest="$line;"
    while [ -n "$rest" ]; do
      value=${rest%%;*}
      rest=${rest#*;}
      case $value in
        0x*)
          case ${value#0x} in
            '' | *[!0-9a-fA-F]*) ;;
            *) value=$(printf '%d' "$value") ;;
          esac ;;
        '' | *[!0-9]*) ;;
        *) value=$(printf '%d' "$value") ;;
      esac
      out="$out$value;"
    done
    printf '%s\n' "$out"
  done
}

test_decode_as() {
  standard_pcap
  # Wireshark's IP fields and craft.ip's on the same packets (the outer IP
  # layer: Wireshark's ICMP quotes with its own dissector). Wireshark gives
  # the header length in bytes, craft's IP in 32-bit words.
  own=$(ws -r "$work/standard.pcap" -T fields -E separator=";" -E occurrence=f -e ip.version -e ip.hdr_len \
    -e ip.dsfield -e ip.len -e ip.id -e ip.flags -e ip.frag_offset -e ip.ttl -e ip.proto -e ip.checksum \
    -e ip.src -e ip.dst | numbers)
  craft_ip=$(ws -r "$work/standard.pcap" -d ethertype==0x0800,craft.ip -T fields -E separator=";" -E occurrence=f \
    -e craft.ip.version -e craft.ip.ihl -e craft.ip.tos -e craft.ip.len -e craft.ip.id -e craft.ip.flags \
    -e craft.ip.frag -e craft.ip.ttl -e craft.ip.proto -e craft.ip.chksum -e craft.ip.src -e craft.ip.dst \
    | numbers | awk -F';' -v OFS=';' '$2 != "" { $2 = $2 * 4 } { print }')
  expect "IP fields with Decode As craft.ip" "$craft_ip" "$own"
  expect "packets with IP" "$(printf '%s\n' "$own" | grep -c '^4;20;')" 6
  # Wireshark's own dissectors take over above craft.ip, with the addresses it set.
  expect "TCP above craft.ip" "$(ws -r "$work/standard.pcap" -d ethertype==0x0800,craft.ip -Y 'craft.ip && tcp.flags.syn == 1' -T fields -e tcp.dstport -e _ws.col.Source -e _ws.col.Destination)" \
    '80	192.0.2.1	192.0.2.2'
  # With the preference, the standard layers are craft's.
  expect "preference" "$(ws -r "$work/standard.pcap" -o craft.standard_layers:TRUE -Y 'frame.number == 1' -T fields -e frame.protocols -e craft.tcp.chksum.status)" \
    'craft.ether:craft.ip:craft.tcp	1'
  # A raw IP capture holds IPv4 and IPv6, told apart by the layers' guards
  # (the link type's table entry names only one of them).
  LINKTYPE=101 pcap "$work/raw-ip.pcap" "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(sport=1,dport=2)" \
    "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/UDP(sport=1,dport=2)"
  expect "raw IP by guard" "$(ws -r "$work/raw-ip.pcap" -o craft.standard_layers:TRUE -T fields -e craft.ip.src -e craft.ipv6.src -e craft.udp.dport)" \
    '192.0.2.1		2
	2001:db8::1	2'
  # A list field's elements (DNS records, TCP options) are subtrees of
  # their own layers, whose fields filter; domain names are text.
  pcap "$work/lists.pcap" \
    "$ETH/$IP4/UDP(sport=53,dport=3333)/DNS(id=7,qr=1,qd=DNSQR(qname=\"www.example.com\"),an=DNSRR(rrname=\"www.example.com\",rdata=\"192.0.2.9\"))" \
    "$ETH/$IP4/TCP(options=[(\"MSS\",1460),(\"NOP\",None),(\"WScale\",7)])"
  expect "DNS records" "$(ws -r "$work/lists.pcap" -o craft.standard_layers:TRUE -Y 'dnsqr.qname == "www.example.com."' -T fields -e craft.dns.id -e dnsrr.rdata)" \
    '7	192.0.2.9'
  expect "TCP options" "$(ws -r "$work/lists.pcap" -o craft.standard_layers:TRUE -Y craft.tcp -T fields -e tcpoption_mss.mss -e tcpoption_nop.kind -e tcpoption_wscale.scale)" \
    '1460	1	7'
  # A segment routing header (routing type 4) is craft's own layer, with
  # the checksum above over its first segment; DHCP options beyond the
  # common ones are elements whose fields filter.
  pcap "$work/more.pcap" \
    "$ETH/IPv6(src=\"2001:db8::1\",dst=\"2001:db8::7\")/IPv6ExtHdrSegmentRouting(addresses=[\"2001:db8::5\",\"2001:db8::6\",\"2001:db8::7\"],segleft=2,tag=0x1234)/UDP(sport=1,dport=2)" \
    "$ETH/$IP4/UDP(sport=67,dport=68)/BOOTP(op=2,xid=9)/DHCP(options=[(\"message-type\",\"ack\"),(\"NTP_server\",\"192.0.2.5\",\"192.0.2.6\"),(\"renewal_time\",1800),\"end\"])"
  expect "segment routing" "$(ws -r "$work/more.pcap" -o craft.standard_layers:TRUE -Y craft.ipv6exthdrsegmentrouting -T fields -e craft.ipv6exthdrsegmentrouting.segleft -e craft.ipv6exthdrsegmentrouting.tag -e ipv6srhsegment.addr -e craft.udp.chksum.status)" \
    '2	4660	2001:db8::5,2001:db8::6,2001:db8::7	1'
  expect "DHCP options" "$(ws -r "$work/more.pcap" -o craft.standard_layers:TRUE -Y 'dhcpopt_ntpserver' -T fields -e dhcpopt_ntpserver.len -e dhcpaddress.addr -e dhcpopt_renewaltime.time)" \
    '8	192.0.2.5,192.0.2.6	1800'
  # craft.udp and craft.tcp over Wireshark's own IP: their checksums cover
  # IP's pseudo-header, which the plugin reads from the whole frame.
  pcap "$work/pseudo.pcap" \
    "$ETH/$IP4/UDP(sport=40000,dport=40001)/\"abc\"" \
    "$ETH/$IP4/UDP(sport=40000,dport=40001,chksum=0x1234)/\"abc\"" \
    "$ETH/$IP4/TCP(sport=40000,dport=40002)" \
    "$ETH/$IP4/TCP(sport=40000,dport=40002,chksum=1)"
  got=$(ws -r "$work/pseudo.pcap" -d ip.proto==17,craft.udp -d ip.proto==6,craft.tcp -T fields -E separator=";" \
    -e frame.protocols -e craft.udp.chksum.status -e craft.tcp.chksum.status -e _ws.expert.message)
  printf '%s\n' "$got" | sed 's/should be 0x[0-9a-f]*/should be X/' > "$work/pseudo.txt"
  expect "pseudo-header checksums over Wireshark's IP" "$(cat "$work/pseudo.txt")" 'eth:ethertype:ip:craft.udp:data;1;;
eth:ethertype:ip:craft.udp:data;0;;UDP.chksum is 0x1234, should be X
eth:ethertype:ip:craft.tcp;;1;
eth:ethertype:ip:craft.tcp;;0;TCP.chksum is 0x1, should be X'
  same_without_tree "pseudo-header checksums" "$work/pseudo.pcap" -d ip.proto==17,craft.udp -d ip.proto==6,craft.tcp
  contains "whole-frame verdicts for the expert tap" \
    "$(ws -r "$work/pseudo.pcap" -d ip.proto==17,craft.udp -q -z expert)" "UDP.chksum is 0x1234, should be"
  same_without_tree "standard layers" "$work/standard.pcap" -o craft.standard_layers:TRUE
  same_without_tree "lists" "$work/lists.pcap" -o craft.standard_layers:TRUE
  # The same values as Wireshark's own check.
  expect "Wireshark's own verdicts" "$(ws -r "$work/pseudo.pcap" -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -T fields -e udp.checksum.status -e tcp.checksum.status)" '1	
0	
	1
	0'
}

test_fuzz() {
  telemetry_pcap
  spindle_pcap
  standard_pcap
  dns_tcp_pcap
  "$MERGECAP" -a -w "$work/seed.pcap" "$work/telemetry.pcap" "$work/spindle.pcap" "$work/standard.pcap" \
    "$work/telemetry.pcap" "$work/spindle.pcap" "$work/dns-tcp.pcap" "$work/dns-tcp.pcap"
  rounds=${CRAFT_FUZZ_ROUNDS:-16}
  i=1
  while [ "$i" -le "$rounds" ]; do
    "$EDITCAP" -E 0.05 --seed "$i" "$work/seed.pcap" "$work/fuzzed.pcap" 2>/dev/null
    chmod a+r "$work/fuzzed.pcap"
    standard=FALSE
    [ $((i % 2)) -eq 0 ] && standard=TRUE
    status=0
    # craft.dns over Wireshark's TCP: reassembled DNS messages.
    ws -r "$work/fuzzed.pcap" -V -o "craft.standard_layers:$standard" -d tcp.port==53,craft.dns \
      > "$work/fuzzed.txt" 2>&1 || status=$?
    [ "$status" -eq 0 ] || { tail -20 "$work/fuzzed.txt" >&2; fail "tshark exited with $status on seed $i"; }
    if grep -q "Dissector bug" "$work/fuzzed.txt"; then
      grep -m 3 "Dissector bug" "$work/fuzzed.txt" >&2
      fail "dissector bug on seed $i"
    fi
    grep -q "^Frame 1:" "$work/fuzzed.txt" || fail "no output on seed $i"
    i=$((i + 1))
  done
}

test_heuristic() {
  # Telemetry on a port no binding names, found by its heuristic (frames 1, 2);
  # UDP payloads that are not Telemetry on such ports, left alone (3 to 6):
  # text, a first byte that fits but a length that does not, a DNS query
  # and a too-short payload.
  to="$ETH/$IP4/UDP(sport=40000,dport=5555)"
  other="$ETH/$IP4/UDP(sport=40001,dport=40002)"
  pcap "$work/heuristic.pcap" \
    "$to/Telemetry(kind=\"humidity\",sequence=5,note=\"40%\")" \
    "$to/Telemetry(kind=3,urgent=1,extra=9,sequence=6)" \
    "$other/\"hello, this is not telemetry\"" \
    "$other/$(bytes 21000040000000000000000000000000)" \
    "$ETH/$IP4/UDP(sport=40003,dport=5300)/$(bytes 123401000001000000000000076578616d706c6503636f6d0000010001)" \
    "$other/$(bytes 2100000e)"
  got=$(ws -r "$work/heuristic.pcap" -T fields -E separator=";" -e frame.number -e frame.protocols -e telemetry.kind \
    -e telemetry.sequence -e telemetry.extra -e telemetry.checksum.status)
  expect "heuristic" "$got" '1;eth:ethertype:ip:udp:telemetry;2;5;;1
2;eth:ethertype:ip:udp:telemetry;3;6;9;1
3;eth:ethertype:ip:udp:data;;;;
4;eth:ethertype:ip:udp:data;;;;
5;eth:ethertype:ip:udp:dns;;;;
6;eth:ethertype:ip:udp:data;;;;'
  # Those it leaves alone dissect as they do without the plugin.
  expect "unclaimed payloads" "$(ws -r "$work/heuristic.pcap" -Y 'frame.number >= 3' -V)" \
    "$(ws_plain -r "$work/heuristic.pcap" -Y 'frame.number >= 3' -V)"
  # Listed with Wireshark's heuristics, and enabled.
  heuristics=$(ws -G heuristic-decodes)
  contains "heuristic list" "$heuristics" "udp	telemetry	T"
  contains "heuristic list" "$heuristics" "tcp	spindle	T"
  # craft check refuses a heuristic on a layer Wireshark has no list for.
  printf 'layer Odd {\n    a: u8;\n    heuristic on Raw if a == 1;\n}\n' > "$work/odd.pdl"
  status=0
  out=$(craft check "$work/odd.pdl" 2>&1) || status=$?
  expect "craft check status" "$status" 2
  contains "craft check" "$out" "odd.pdl:3:18: a heuristic is offered to the Wireshark protocol of the layer below"
  # Disabled, it claims nothing.
  expect "disabled heuristic" "$(ws -r "$work/heuristic.pcap" --disable-heuristic telemetry_udp -Y telemetry -T fields -e frame.number)" ''

  # Spindle on TCP port 45000: the first message is found by its magic, and
  # the conversation stays Spindle's, so a message split over two segments
  # is reassembled.
  job=$(craft build --hex 'Spindle(op="submit",job=3)/SpindleJob(name="nightly")')
  p1=$(printf '%s' "$job" | cut -c1-16)
  p2=$(printf '%s' "$job" | cut -c17-)
  tcp="$ETH/$IP4/TCP(sport=40010,dport=45000,flags=\"PA\""
  pcap "$work/heuristic-tcp.pcap" \
    "$tcp,seq=100)/Spindle(op=\"hello\",job=1)" \
    "$tcp,seq=120)/$(bytes "$p1")" \
    "$tcp,seq=128)/$(bytes "$p2")" \
    "$ETH/$IP4/TCP(sport=40011,dport=45001,flags=\"PA\",seq=1)/\"GET / HTTP/1.0\\r\\n\\r\\n\""
  got=$(ws -r "$work/heuristic-tcp.pcap" -o tcp.analyze_sequence_numbers:TRUE -T fields -E separator=";" \
    -e frame.number -e spindle.op -e spindle.job -e spindlejob.name -e spindle.crc.status)
  expect "tcp heuristic" "$got" '1;1;1;;1
2;;;;
3;2;3;6e696768746c79;1
4;;;;'
}

# fuzzed_capture NAME SPEC...: $work/NAME.pcap of the packets `craft fuzz`
# makes for each SPEC, "COUNT SEED EXPR" or "COUNT SEED --break=WHAT EXPR".
fuzzed_capture() {
  name=$1
  shift
  parts=
  k=0
  for spec in "$@"; do
    k=$((k + 1))
    case $spec in
      file:*) parts="$parts ${spec#file:}"; continue ;;
    esac
    count=${spec%% *}
    rest=${spec#* }
    seed=${rest%% *}
    rest=${rest#* }
    broken=
    case $rest in
      --break=*) broken=${rest%% *}; rest=${rest#* } ;;
    esac
    # shellcheck disable=SC2086 # broken is one word or none
    craft fuzz "$rest" -c "$count" --seed "$seed" $broken -w "$work/$name-$k.pcap" 2>/dev/null \
      || fail "craft fuzz failed: $spec"
    parts="$parts $work/$name-$k.pcap"
  done
  # shellcheck disable=SC2086 # parts is a list of paths without spaces
  "$MERGECAP" -a -w "$work/$name.pcap" $parts || fail "mergecap failed"
  chmod a+r "$work/$name.pcap"
}

# fuzzed_payloads FILE COUNT SEED EXPR TEXT2PCAP-OPTION...: FILE holds the
# packets craft fuzz makes of EXPR, put by text2pcap in Ethernet, IPv4 and
# the UDP or TCP header its options say. For ports no binding names: there,
# craft fuzz would give a layer the bindings do not lead to no random values.
fuzzed_payloads() {
  out=$1 count=$2 seed=$3 expression=$4
  shift 4
  craft fuzz "$expression" -c "$count" --seed "$seed" --hex 2>/dev/null > "$out.hex" || fail "craft fuzz failed: $expression"
  expect "packets of $expression" "$(wc -l < "$out.hex" | tr -d ' ')" "$count"
  awk '{ printf "000000"; for (i = 1; i <= length($0); i += 2) printf " %s", substr($0, i, 2); printf "\n" }' \
    "$out.hex" > "$out.txt"
  "$TEXT2PCAP" -q -4 192.0.2.1,192.0.2.2 "$@" "$out.txt" "$out" || fail "text2pcap failed"
}

# survives CAPTURE FRAMES TOP-LINE MINIMUM [TSHARK-OPTIONS...]: tshark -V
# with the plugin reads every frame of the capture, exits 0, reports no
# dissector bug, sanitizer finding or GLib critical, and shows at least
# MINIMUM frames with the protocol line TOP-LINE.
survives() {
  capture=$1 frames=$2 top=$3 minimum=$4
  shift 4
  status=0
  tshark_env=WIRESHARK_ABORT_ON_DISSECTOR_BUG=1
  ws -r "$capture" -V "$@" > "$work/out.txt" 2> "$work/err.txt" || status=$?
  tshark_env=
  label="$(basename "$capture") $*"
  if [ "$status" -ne 0 ]; then
    tail -30 "$work/err.txt" >&2
    fail "tshark exited with $status on $label"
  fi
  if grep -E -m 5 "Dissector bug|runtime error|AddressSanitizer|CRITICAL|assertion" "$work/out.txt" "$work/err.txt" >&2; then
    fail "a dissector bug or a sanitizer finding on $label"
  fi
  expect "frames of $label" "$(grep -c '^Frame [0-9]*:' "$work/out.txt")" "$frames"
  shown=$(grep -c "^$top" "$work/out.txt" || true)
  [ "$shown" -ge "$minimum" ] || fail "only $shown frames of $label show $top, fewer than $minimum"
  echo "$label: $frames frames, $shown with $top"
}

# Plugin under fuzz (issue 7): 10,000 packets of each example protocol from
# craft fuzz, a fifth with lengths and checksums broken. IP is kept a whole
# datagram (no fragments, no options) so that Wireshark's defragmentation
# does not hold packets back, and the ports are fixed so that the examples'
# bindings pick them.
test_fuzz_packets() {
  ip='IP(version=4,ihl=5,flags=0,frag=0,options=b"")'
  udp="Ether()/$ip/UDP(sport=40000,dport=9999)"
  tcp_fields='sport=40000,dport=7878,flags="PA",dataofs=5,options=b""'
  tcp="Ether()/$ip/TCP($tcp_fields)"
  # One TCP conversation: random sequence numbers against the reassembly.
  one_stream="Ether()/IP(version=4,ihl=5,flags=0,frag=0,options=b\"\",src=\"192.0.2.1\",dst=\"192.0.2.2\")/TCP($tcp_fields)"
  # And on ports no binding names, where the heuristics find them (or not:
  # the kind and the operation are random); the Spindle messages make one
  # TCP stream.
  fuzzed_payloads "$work/telemetry-elsewhere.pcap" 1000 73 'Telemetry(version=1)' -u 40000,45555
  fuzzed_payloads "$work/spindle-elsewhere.pcap" 1000 85 'Spindle(magic=0x5350,version=1)/SpindleJob()' -T 40000,45000
  fuzzed_capture telemetry-fuzz \
    "8000 71 $udp/Telemetry()" \
    "2000 72 --break=lengths,checksums $udp/Telemetry()" \
    "file:$work/telemetry-elsewhere.pcap"
  fuzzed_capture spindle-fuzz \
    "3000 81 $tcp/Spindle()" \
    "3000 82 $one_stream/Spindle()/SpindleJob()" \
    "2000 83 $tcp/Spindle()/SpindleState()" \
    "2000 84 --break=lengths,checksums $tcp/Spindle()/SpindleJob()" \
    "file:$work/spindle-elsewhere.pcap"
  # Every well-formed Telemetry packet reaches the plugin; Spindle messages
  # whose fuzzed length runs past their segment wait for more (reassembly).
  survives "$work/telemetry-fuzz.pcap" 11000 "Sensor telemetry" 8000
  survives "$work/spindle-fuzz.pcap" 11000 "Spindle job queue" 5000
  # A quarter of each again, from every part, with craft's definitions for
  # the standard layers below (no TCP reassembly then: craft.tcp is not
  # Wireshark's TCP).
  "$EDITCAP" -r "$work/telemetry-fuzz.pcap" "$work/telemetry-some.pcap" 1-1500 8001-9000
  "$EDITCAP" -r "$work/spindle-fuzz.pcap" "$work/spindle-some.pcap" 1-500 3001-3500 6001-6500 8001-9000
  chmod a+r "$work"/*-some.pcap
  survives "$work/telemetry-some.pcap" 2500 "Sensor telemetry" 2400 -o craft.standard_layers:TRUE
  survives "$work/spindle-some.pcap" 2500 "Spindle job queue" 2400 -o craft.standard_layers:TRUE
}

case $test_name in
  fields) test_fields ;;
  values) test_values ;;
  filter) test_filter ;;
  expert) test_expert ;;
  truncated) test_truncated ;;
  quick) test_quick ;;
  reassembly) test_reassembly ;;
  dns-tcp) test_dns_tcp ;;
  proto-path) test_proto_path ;;
  standard) test_standard ;;
  decode-as) test_decode_as ;;
  fuzz) test_fuzz ;;
  heuristic) test_heuristic ;;
  fuzz-packets) test_fuzz_packets ;;
  *) fail "unknown test" ;;
esac
echo "PASS ($test_name)"
