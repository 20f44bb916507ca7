# Merges the rows the benchmark scripts write (workload|program|packets|
# seconds|peak RSS KB|CPU seconds[|received]) of programs run several times,
# taking turns: per program, in order of first appearance, the fastest wall
# and CPU times, the peak RSS and what arrived in the fastest run; a failed
# run makes the program's row "failed".
BEGIN { FS = "|"; OFS = "|" }
{ key = $1 "|" $2 }
!(key in secs) { order[++n] = key; packets[key] = $3; secs[key] = $4; rss[key] = $5; cpu[key] = $6; got[key] = $7; next }
secs[key] == "failed" { next }
$4 == "failed" { secs[key] = "failed"; next }
{
  if ($4 + 0 < secs[key] + 0) { secs[key] = $4; got[key] = $7 }
  if ($6 + 0 < cpu[key] + 0) cpu[key] = $6
  if ($5 + 0 > rss[key] + 0) rss[key] = $5
}
END {
  for (i = 1; i <= n; i++) {
    k = order[i]
    print k, packets[k], secs[k], rss[k], cpu[k], got[k]
  }
}
