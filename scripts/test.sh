#!/bin/sh
# The whole test suite: set up, build everything under AddressSanitizer and UBSan, run CTest.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-debian.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DCRAFT_SANITIZE=ON -DCRAFT_WERROR=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)"
