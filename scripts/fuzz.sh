#!/bin/sh
# Runs one libFuzzer target of tests/fuzz for a given time, in the clang build folder build-fuzz.
#
#   sh scripts/fuzz.sh TARGET [SECONDS]      TARGET: pdl, expr or dissect; SECONDS: 600 by default
#
# The corpus grows in build-fuzz/tests/fuzz/work-TARGET/corpus from run to
# run; a crash is saved in build-fuzz/tests/fuzz/work-TARGET/artifacts/.
set -eu
cd "$(dirname "$0")/.."
target=${1:-} seconds=${2:-600}
case "$target" in
  pdl | expr | dissect) ;;
  *)
    echo "usage: sh scripts/fuzz.sh pdl|expr|dissect [SECONDS]" >&2
    exit 2
    ;;
esac
if ! command -v clang >/dev/null; then
  echo "fuzz.sh: clang is missing: run sh scripts/setup-debian.sh as root" >&2
  exit 1
fi
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRAFT_FUZZ=ON -DCRAFT_SANITIZE=ON \
  -DCRAFT_PLUGIN=OFF >/dev/null
cmake --build build-fuzz --target "fuzz-$target" -j"$(nproc)"
work=build-fuzz/tests/fuzz/work-$target
status=0
sh tests/fuzz/run-target.sh "build-fuzz/tests/fuzz/fuzz-$target" "$target" "$seconds" "$work" || status=$?
if [ "$status" -ne 0 ]; then
  cat >&2 <<MSG

fuzz.sh: fuzz-$target found a problem; the input is in $work/artifacts/.
Replay it:  build-fuzz/tests/fuzz/fuzz-$target $work/artifacts/FILE
Once fixed, keep it as a regression case, run on every build by test-fuzz-regressions:
  cp $work/artifacts/FILE tests/fuzz/regressions/$target/WHAT-IT-WAS
MSG
fi
exit "$status"
