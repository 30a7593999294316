#!/usr/bin/env bash
# hpad's whole test suite, as CI runs it (.ci/run calls exactly this):
#   1. install the Debian packages (idempotent),
#   2. check formatting,
#   3. build everything with AddressSanitizer + UndefinedBehaviorSanitizer and run every test,
#   4. build with ThreadSanitizer and run the tests labelled "concurrent",
#   5. run each libFuzzer target briefly (clang++, ASan + UBSan),
#   6. build the benchmarks optimised, so that they cannot rot.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${HPAD_JOBS:-2}

step() { printf '\n== %s ==\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "format"
scripts/check-format.sh

step "ASan + UBSan: build"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHPAD_SANITIZE=address \
      -DHPAD_BUILD_BENCH=OFF >/dev/null
cmake --build build/asan -j "$jobs"
step "ASan + UBSan: all tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan -j "$jobs" --output-on-failure --timeout 600

step "TSan: build"
cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHPAD_SANITIZE=thread \
      -DHPAD_BUILD_BENCH=OFF >/dev/null
cmake --build build/tsan -j "$jobs" --target concurrent_tests
step "TSan: concurrent tests"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build/tsan -L concurrent -j "$jobs" --output-on-failure --timeout 600

step "fuzz: ${HPAD_FUZZ_SECONDS:-30}s per target"
scripts/fuzz.sh "${HPAD_FUZZ_SECONDS:-30}"

step "benchmarks: build"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHPAD_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$jobs"

step "done"
