#!/usr/bin/env bash
# hpad's main job on a fresh machine. Until the daemon runs against its local cluster (issues
# #4, #5 and after), the most complete thing hpad does is decide: this builds the `hpad` binary,
# validates the example policies in policies/examples/, and explains the decision hpad takes on
# each example observation (policies/examples/decisions/), as `hpad decide --explain` prints it.
#   scripts/run.sh           the above
#   scripts/run.sh --bench   the benchmarks instead: the hash table (short mode), decide(), the
#                            Prometheus parsers and queries against a real Prometheus
#   scripts/run.sh --full    the hash table's 10M-key run of docs/cache.md (several minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHPAD_BUILD_TESTS=OFF >/dev/null
jobs=${HPAD_JOBS:-2}
case "${1:-}" in
  --full)
    cmake --build build/release -j "$jobs" --target cache_bench
    exec build/release/bench/cache_bench --json build/release/cache_bench.json ;;
  --bench)
    cmake --build build/release -j "$jobs" --target cache_bench decide_bench metrics_bench prometheus_bench
    build/release/bench/cache_bench --short --json build/release/cache_bench.json
    build/release/bench/decide_bench
    build/release/bench/metrics_bench
    exec build/release/bench/prometheus_bench ;;
esac
cmake --build build/release -j "$jobs" --target hpad
hpad=build/release/controller/hpad
"$hpad" version
echo
echo "== hpad validate policies/examples/*.yaml"
"$hpad" validate policies/examples/*.yaml
for input in policies/examples/decisions/*.input.*; do
  echo
  echo "== hpad decide --explain $input"
  grep '^#' "$input" | sed 's/^# \{0,1\}/   /' || true  # the example's own description
  "$hpad" decide --explain "$input"
done
