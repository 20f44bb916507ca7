#!/bin/sh
# The whole test suite: set up, build everything under AddressSanitizer and UBSan, run CTest, compile with clang -Werror; then fuzz briefly.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-debian.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DCRAFT_SANITIZE=ON -DCRAFT_WERROR=ON >/dev/null
cmake --build build-test -j"$(nproc)"
(cd build-test && ctest --output-on-failure -j"$(nproc)")
# Everything also compiles warning-free with clang (no tests run from it).
CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Debug -DCRAFT_WERROR=ON >/dev/null
cmake --build build-clang -j"$(nproc)"
# The libFuzzer targets (tests/fuzz), built with clang in a folder of their
# own, each fuzz for CRAFT_FUZZ_SECONDS (30 by default) over their corpus
# and past crashes; any crash, leak, sanitizer report or timeout fails.
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRAFT_FUZZ=ON -DCRAFT_SANITIZE=ON \
  -DCRAFT_PLUGIN=OFF -DCRAFT_FUZZ_SECONDS="${CRAFT_FUZZ_SECONDS:-30}" >/dev/null
cmake --build build-fuzz --target fuzz -j"$(nproc)"
(cd build-fuzz && ctest --output-on-failure -L libfuzzer -j"$(nproc)")
