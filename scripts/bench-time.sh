# Sourced by bench.sh and bench-net.sh: how a program is run and timed, and its rounds merged.
#
# timed COMMAND...: runs it once (stdout to /dev/null, stderr to
# $OUT/stderr, shown when it fails) and sets secs (wall seconds), rss (peak
# KB) and cpu (CPU seconds, the program's and its children's). /usr/bin/time
# gives wall time and RSS, and user and system time only to 10 ms, too coarse
# for runs of a tenth of a second: where perf works, cpu is perf's task-clock
# instead, less what /usr/bin/time itself costs under it (the scripts install
# linux-perf; its perf may still refuse a kernel it was not built for).
PERF=()
TIME_OVERHEAD_MS=0
if perf stat -x, -e task-clock -o /dev/null -- true 2>/dev/null; then
  PERF=(perf stat -x, -e task-clock -o "$OUT/perf" --)
  task_clock_ms () { awk -F, '$3 == "task-clock" { print $1 }' "$OUT/perf"; }
  best_ms () { # the least task-clock of 5 runs of COMMAND
    for _ in 1 2 3 4 5; do "${PERF[@]}" "$@" && task_clock_ms; done | sort -g | head -1
  }
  with=$(best_ms /usr/bin/time -o /dev/null true)
  without=$(best_ms true)
  TIME_OVERHEAD_MS=$(awk "BEGIN { d = $with - $without; print (d > 0 ? d : 0) }")
fi

timed () {
  # In the background, so that an interrupt runs the caller's trap at once.
  "${PERF[@]}" /usr/bin/time -f '%e %M %U %S' -o "$OUT/time" "$@" >/dev/null 2>"$OUT/stderr" &
  if ! wait $!; then
    sed 's/^/    /' "$OUT/stderr" >&2
    return 1
  fi
  read -r secs rss user sys <"$OUT/time"
  if [ ${#PERF[@]} -gt 0 ]; then
    cpu=$(awk -v overhead="$TIME_OVERHEAD_MS" '{ printf "%.4f", ($1 - overhead) / 1000 }' <<<"$(task_clock_ms)")
  else
    cpu=$(awk "BEGIN { print $user + $sys }")
  fi
}

# The machine's busy time so far, in clock ticks: all CPUs' user, nice,
# system, interrupt and softirq time (/proc/stat; not idle, I/O wait or
# what the hypervisor took).
busy_ticks () { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
TICKS_PER_SECOND=$(getconf CLK_TCK)

# run WORKLOAD NAME PACKETS COMMAND...: one timed run, a row of $RESULTS
# (failed: "failed"); with RECEIVED set to a command, what it counts before
# and after the run is what arrived. With MACHINE_CPU set, the row's CPU
# time is the whole machine's busy time over the run instead of the
# program's own: the work the program leaves to kernel threads (the
# receiving end of a veth pair, run in ksoftirqd when the sender's system
# calls do not finish it) counts too.
run () {
  w=$1 name=$2 packets=$3
  shift 3
  echo "  $w $name ..." >&2
  before=$([ -z "${RECEIVED:-}" ] || $RECEIVED)
  busy_before=$(busy_ticks)
  if ! timed "$@"; then
    echo "$w|$name|$packets|failed|0|0|" >>"$RESULTS"
    return
  fi
  [ -z "${MACHINE_CPU:-}" ] || cpu=$(awk "BEGIN { printf \"%.4f\", ($(busy_ticks) - $busy_before) / $TICKS_PER_SECOND }")
  got=$([ -z "${RECEIVED:-}" ] || echo $(($($RECEIVED) - before)))
  echo "$w|$name|$packets|$secs|$rss|$cpu|$got" >>"$RESULTS"
}

# The programs of a workload take turns, round after round, so that a slow
# spell of the shared machine slows them alike; merge_rounds then keeps one
# row per program (scripts/bench-merge.awk): its fastest run.
merge_rounds () {
  awk -f "$ROOT/scripts/bench-merge.awk" "$RESULTS" >"$RESULTS.merged"
  mv "$RESULTS.merged" "$RESULTS"
}
