#!/bin/sh
# Runs one libFuzzer target for a fixed time over its seed corpus and its regression inputs.
# Usage: run-target.sh BINARY TARGET SECONDS WORKDIR
#   New inputs go to WORKDIR/corpus (seeded from tests/fuzz/corpus/TARGET, kept
#   between runs); a crash, leak or timeout is saved in WORKDIR/artifacts and
#   fails the run. ASan and UBSan stop at the first error.
set -eu
binary=$1 target=$2 seconds=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/corpus" "$work/artifacts"
cp "$here/corpus/$target"/* "$work/corpus/"
set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/"
if [ -f "$here/$target.dict" ]; then
  set -- "$@" -dict="$here/$target.dict"
fi
set -- "$@" "$work/corpus"
# Past crashes are run first, as part of the corpus (read-only: nothing is added there).
if [ -d "$here/regressions/$target" ]; then
  set -- "$@" "$here/regressions/$target"
fi
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:print_stacktrace=1:halt_on_error=1"
exec "$binary" "$@"
