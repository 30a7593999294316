#!/usr/bin/env bash
# hpad's main job on a fresh machine. Until the daemon exists (issue #5 and after), the most
# complete thing hpad can do is its hash table: this builds it optimised and runs the cache
# benchmark's short mode (under ten seconds), printing the table of figures and goals.
# Pass --full for the 10M-key run of docs/cache.md (several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHPAD_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "${HPAD_JOBS:-2}" --target cache_bench
if [ "${1:-}" = "--full" ]; then
  exec build/release/bench/cache_bench --json build/release/cache_bench.json
fi
exec build/release/bench/cache_bench --short --json build/release/cache_bench.json
