#!/bin/bash
# craft's benchmark suite (tests/bench/): W1 build and W2 dissect, craft
# against a hand-written C loop, libtins, libnet, tshark and Scapy, measured
# in one run on this machine. Not part of the test suite's pass/fail.
#
#   scripts/bench.sh                 # 1,000,000 packets; installs the peers from Debian
#   BENCH_N=200000 scripts/bench.sh  # a quicker run
#   BENCH_NO_INSTALL=1 scripts/bench.sh
#
# Each row is one whole process (start-up included), its fastest run, the
# programs of a workload taking turns round after round: BENCH_REPEAT
# (default 10) rounds for those the targets compare, BENCH_OTHER_REPEAT
# (default 3) for craft's other rows and libnet, one for Scapy and tshark.
# Packets/s over elapsed (wall) seconds and over CPU seconds (perf's
# task-clock where perf works, else user + system time from /usr/bin/time;
# see scripts/bench-time.sh). The ratios use CPU seconds, which other load
# on the machine disturbs least. RSS is the peak.
# Scapy and tshark run on BENCH_SLOW_N packets (default 20,000) and are scaled.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
N=${BENCH_N:-1000000}
SLOW_N=${BENCH_SLOW_N:-20000}
OUT=${BENCH_OUT:-$(mktemp -d)}
MEMBERS=50000  # sport takes 50,000 values; the set is built N / 50,000 times
FIRST=1000
ROUNDS=$(( (N + MEMBERS - 1) / MEMBERS ))
N=$(( ROUNDS * MEMBERS ))
# dport 40000 is bound to no layer: the payload stays Raw, as libtins and the C loop read it
# (with 53, craft, Scapy and tshark would dissect the letters as a malformed DNS message).
EXPR="Ether(dst='00:11:22:33:44:55',src='66:77:88:99:aa:bb')/IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=($FIRST,$((FIRST + MEMBERS - 1))),dport=40000)/Raw(load='abcdefghijklmnopqr')"

if [ -z "${BENCH_NO_INSTALL:-}" ] && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    cmake gcc g++ pkg-config libglib2.0-dev libpcap-dev libtins-dev libnet1-dev python3-scapy tshark time linux-perf >/dev/null
fi

echo "building craft (Release) and the benchmark programs in $BUILD" >&2
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE="${BENCH_BUILD_TYPE:-Release}" -DCRAFT_PLUGIN=OFF >/dev/null
cmake --build "$BUILD" -j2 --target craft craft-tool >/dev/null
CRAFT=$(find "$BUILD/tools" -maxdepth 1 -type f -name craft -perm -u+x | head -1)
B=$ROOT/tests/bench
GLIB="$(pkg-config --cflags --libs glib-2.0)"
CRAFTLIB="-I$ROOT/libcraft/include -I$BUILD/libcraft/include -L$BUILD/libcraft -lcraft -Wl,-rpath,$BUILD/libcraft"
# shellcheck disable=SC2086
{
  cc -O2 -o "$BUILD/bench-craft-build" "$B/bench-craft-build.c" $CRAFTLIB $GLIB
  cc -O2 -o "$BUILD/bench-craft-dissect" "$B/bench-craft-dissect.c" $CRAFTLIB $GLIB
  cc -O2 -o "$BUILD/bench-c-build" "$B/bench-c-build.c"
  cc -O2 -o "$BUILD/bench-c-dissect" "$B/bench-c-dissect.c" -lpcap
  c++ -O2 -o "$BUILD/bench-tins-build" "$B/bench-tins-build.cpp" -ltins
  c++ -O2 -o "$BUILD/bench-tins-dissect" "$B/bench-tins-dissect.cpp" -ltins
  cc -O2 -o "$BUILD/bench-libnet-build" "$B/bench-libnet-build.c" -D_DEFAULT_SOURCE -lnet -lpcap
}

mkdir -p "$OUT"
RESULTS=$OUT/results
# shellcheck source=scripts/bench-time.sh
. "$ROOT/scripts/bench-time.sh"
: >"$RESULTS"
# Rounds of the programs the targets compare (the C loop, craft's API,
# libtins: a tenth to half a second each, whose runs vary most), of craft's
# other rows, and the slow ones (Scapy, tshark) run once.
REPEAT=${BENCH_REPEAT:-10}
OTHER_REPEAT=${BENCH_OTHER_REPEAT:-3}
# craft build -w writes the file W2 reads: it runs at least once.
[ "$OTHER_REPEAT" -ge 1 ] || OTHER_REPEAT=1

echo "W1: $N packets of $EXPR" >&2
for round in $(seq "$REPEAT"); do
  run W1 "hand-written C (template)" "$N" "$BUILD/bench-c-build" $FIRST $MEMBERS $ROUNDS "$OUT/c.pcap"
  run W1 "craft API" "$N" "$BUILD/bench-craft-build" "$EXPR" $ROUNDS "$OUT/craft-api.pcap"
  [ "$round" -gt "$OTHER_REPEAT" ] || run W1 "craft build -w" "$N" "$CRAFT" build -c $ROUNDS -w "$OUT/w1.pcap" "$EXPR"
  run W1 "libtins" "$N" "$BUILD/bench-tins-build" $FIRST $MEMBERS $ROUNDS "$OUT/tins.pcap"
  [ "$round" -gt "$OTHER_REPEAT" ] || run W1 "libnet" "$N" "$BUILD/bench-libnet-build" $FIRST $MEMBERS $ROUNDS "$OUT/libnet.pcap"
done
run W1 "Scapy (scaled)" "$SLOW_N" /usr/bin/python3 "$B/bench-scapy.py" build $FIRST "$SLOW_N" "$OUT/scapy.pcap"
# Every builder must have made craft's bytes (timestamps aside): compare the first packets.
first_bytes () { tshark -r "$1" -c 3 -x 2>/dev/null | md5sum; }
for f in c craft-api tins libnet scapy; do
  [ "$(first_bytes "$OUT/$f.pcap")" = "$(first_bytes "$OUT/w1.pcap")" ] || echo "  note: $f.pcap's packets differ from craft's" >&2
done

echo "W2: dissecting $OUT/w1.pcap" >&2
tshark -r "$OUT/w1.pcap" -c "$SLOW_N" -w "$OUT/w1-small.pcap" -F pcap 2>/dev/null
for round in $(seq "$REPEAT"); do
  run W2 "hand-written C (libpcap)" "$N" "$BUILD/bench-c-dissect" "$OUT/w1.pcap"
  run W2 "craft API (extractor)" "$N" "$BUILD/bench-craft-dissect" "$OUT/w1.pcap"
  if [ "$round" -le "$OTHER_REPEAT" ]; then
    run W2 "craft API (whole packet)" "$N" "$BUILD/bench-craft-dissect" --packet "$OUT/w1.pcap"
    run W2 "craft read -e" "$N" "$CRAFT" read -e IP.src -e IP.dst -e UDP.sport -e UDP.dport "$OUT/w1.pcap"
    run W2 "craft read --json" "$N" "$CRAFT" read --json "$OUT/w1.pcap"
  fi
  run W2 "libtins" "$N" "$BUILD/bench-tins-dissect" "$OUT/w1.pcap"
done
run W2 "tshark -T fields (scaled)" "$SLOW_N" tshark -r "$OUT/w1-small.pcap" -T fields -e ip.src -e ip.dst -e udp.srcport -e udp.dstport
run W2 "Scapy (scaled)" "$SLOW_N" /usr/bin/python3 "$B/bench-scapy.py" dissect "$OUT/w1-small.pcap" "$SLOW_N"

# The mixed capture: N packets, a quarter each of TCP SYNs, UDP with a
# payload, ICMP echo requests and DNS queries, one kind after another.
Q=$(( MEMBERS / 4 ))
HDR="Ether(dst='00:11:22:33:44:55',src='66:77:88:99:aa:bb')/IP(src='192.0.2.1',dst='198.51.100.2')"
"$CRAFT" build -c $ROUNDS -w "$OUT/mix-tcp.pcap" "$HDR/TCP(sport=($FIRST,$((FIRST + Q - 1))),dport=80,flags='S')"
"$CRAFT" build -c $ROUNDS -w "$OUT/mix-udp.pcap" "$HDR/UDP(sport=($FIRST,$((FIRST + Q - 1))),dport=40000)/Raw(load='abcdefghijklmnopqr')"
"$CRAFT" build -c $ROUNDS -w "$OUT/mix-icmp.pcap" "$HDR/ICMP(seq=(1,$Q))/Raw(load='ping')"
"$CRAFT" build -c $ROUNDS -w "$OUT/mix-dns.pcap" "$HDR/UDP(sport=($FIRST,$((FIRST + Q - 1))),dport=53)/DNS(rd=1,qd=DNSQR(qname='example.com'))"
mergecap -a -F pcap -w "$OUT/mix.pcap" "$OUT"/mix-tcp.pcap "$OUT"/mix-udp.pcap "$OUT"/mix-icmp.pcap "$OUT"/mix-dns.pcap
MIXED=$(( Q * 4 * ROUNDS ))
echo "W2 mixed: dissecting $OUT/mix.pcap ($MIXED packets of TCP, UDP, ICMP and DNS)" >&2
editcap -F pcap -r "$OUT/mix.pcap" "$OUT/mix-small.pcap" 1-$(( SLOW_N / 4 )) $(( MIXED / 4 + 1 ))-$(( MIXED / 4 + SLOW_N / 4 )) \
  $(( MIXED / 2 + 1 ))-$(( MIXED / 2 + SLOW_N / 4 )) $(( 3 * MIXED / 4 + 1 ))-$(( 3 * MIXED / 4 + SLOW_N / 4 ))
for round in $(seq "$REPEAT"); do
  run W2mix "hand-written C (libpcap)" "$MIXED" "$BUILD/bench-c-dissect" "$OUT/mix.pcap"
  run W2mix "craft API (extractor)" "$MIXED" "$BUILD/bench-craft-dissect" "$OUT/mix.pcap"
  if [ "$round" -le "$OTHER_REPEAT" ]; then
    run W2mix "craft API (whole packet)" "$MIXED" "$BUILD/bench-craft-dissect" --packet "$OUT/mix.pcap"
    run W2mix "craft read -e" "$MIXED" "$CRAFT" read -e IP.src -e IP.dst -e UDP.sport -e UDP.dport -e TCP.sport -e TCP.dport "$OUT/mix.pcap"
    run W2mix "craft read --json" "$MIXED" "$CRAFT" read --json "$OUT/mix.pcap"
  fi
  run W2mix "libtins" "$MIXED" "$BUILD/bench-tins-dissect" "$OUT/mix.pcap"
done
run W2mix "tshark -T fields (scaled)" "$SLOW_N" tshark -r "$OUT/mix-small.pcap" -T fields -e ip.src -e ip.dst -e udp.srcport -e udp.dstport -e tcp.srcport -e tcp.dstport
run W2mix "Scapy (scaled)" "$SLOW_N" /usr/bin/python3 "$B/bench-scapy.py" dissect "$OUT/mix-small.pcap" "$SLOW_N"

# craft read's memory must not grow with the capture: the same packets, 1, 10
# and 100 times over (its peak RSS is the column to read).
echo "RSS: craft read over $SLOW_N, 10x and 100x as many packets" >&2
for times in 10 100; do
  # shellcheck disable=SC2046
  mergecap -a -F pcap -w "$OUT/x$times.pcap" $(for _ in $(seq $times); do echo "$OUT/w1-small.pcap"; done)
done
run RSS "craft read (1x)" "$SLOW_N" "$CRAFT" read "$OUT/w1-small.pcap"
run RSS "craft read (10x)" $(( SLOW_N * 10 )) "$CRAFT" read "$OUT/x10.pcap"
run RSS "craft read (100x)" $(( SLOW_N * 100 )) "$CRAFT" read "$OUT/x100.pcap"
rm -f "$OUT/x10.pcap" "$OUT/x100.pcap"

merge_rounds
echo
echo "$(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $N packets ($SLOW_N for scaled rows); load average $(cut -d" " -f1-3 /proc/loadavg)"
awk -F'|' '
  $4 != "failed" { rate[NR] = $3 / ($4 > 0 ? $4 : 0.01); cpu[NR] = $3 / ($6 > 0 ? $6 : 0.01) }
  { w[NR] = $1; name[NR] = $2; secs[NR] = $4; rss[NR] = $5; n = NR
    if ($2 ~ /^hand-written/) c[$1] = cpu[NR]; if ($2 == "libtins") tins[$1] = cpu[NR] }
  END {
    printf "|       | program                    | packets/s (wall) | packets/CPU-s | × C loop | × libtins | peak RSS |\n"
    printf "|-------|----------------------------|-----------------:|--------------:|---------:|----------:|---------:|\n"
    for (i = 1; i <= n; i++) {
      if (secs[i] == "failed") { printf "| %-5s | %-26s | failed | | | | |\n", w[i], name[i]; continue }
      printf "| %-5s | %-26s | %16d | %13d | %8.4f | %9.3f | %5.1f MB |\n", w[i], name[i], rate[i], cpu[i],
             c[w[i]] ? cpu[i] / c[w[i]] : 0, tins[w[i]] ? cpu[i] / tins[w[i]] : 0, rss[i] / 1024
    }
  }' "$RESULTS"
echo
# Issue 8's targets, checked on this run's rows.
awk -F'|' '
  $4 == "failed" { next }
  { cpu = $3 / ($6 > 0 ? $6 : 0.01) }
  $2 ~ /^hand-written/ { c[$1] = cpu }
  $2 == "libtins" { tins[$1] = cpu }
  $2 == "craft API" || $2 == "craft API (extractor)" { craft[$1] = cpu; name[$1] = $2 }
  function verdict (x, target) { return sprintf("%.3fx (target %sx: %s)", x, target, x >= target ? "met" : "NOT met") }
  END {
    for (w in craft)
      if (c[w] && tins[w])
        printf "%s: %s %s the C loop, %s libtins\n", w, name[w], verdict(craft[w] / c[w], 0.5), verdict(craft[w] / tins[w], 2)
  }' "$RESULTS" | sort
[ -n "${BENCH_OUT:-}" ] || rm -rf "$OUT"
BENCH_BUILD="$BUILD" "$ROOT/scripts/bench-net.sh"
