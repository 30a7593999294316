#!/usr/bin/env bash
# Builds hpad's libFuzzer targets with clang++ (ASan + UBSan, coverage from every library) and
# runs each for a short time, seeded with the repository's example policies and decision inputs.
# A crash, a sanitizer report or a broken invariant stops the run with the input saved under
# build/fuzz/artifacts/. The corpus grows in build/fuzz/corpus/ across local runs.
#   scripts/fuzz.sh [seconds per target]   (default 30; CI uses the default)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
jobs=${HPAD_JOBS:-2}

CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHPAD_SANITIZE=address \
      -DHPAD_BUILD_FUZZ=ON -DHPAD_BUILD_TESTS=OFF -DHPAD_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz -j "$jobs" --target policy_parser_fuzz decide_fuzz query_result_fuzz exposition_fuzz

mkdir -p build/fuzz/artifacts
seed_dir() {  # a fresh read-only seed directory for one target
  local dir=build/fuzz/seeds/$1
  rm -rf "$dir"
  mkdir -p "$dir"
  shift
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$dir/$(echo "$f" | tr '/' '_')"
  done
  echo "$dir"
}
shopt -s nullglob
# tests/fuzz/regressions/ keeps every input that once failed (a crash, a hang, a broken invariant).
policy_seeds=$(seed_dir policy_parser_fuzz policies/examples/*.yaml policies/examples/*.json policies/examples/broken/* \
                        tests/fuzz/regressions/*)
decide_seeds=$(seed_dir decide_fuzz policies/examples/decisions/*.json policies/examples/decisions/*.yaml \
                        tests/fuzz/regressions/*)
query_result_seeds=$(seed_dir query_result_fuzz tests/fuzz/seeds/query_result/*)
exposition_seeds=$(seed_dir exposition_fuzz tests/fuzz/seeds/exposition/*)

run() {  # target, seed dir, dictionary
  local target=$1 seeds=$2 dict=$3
  mkdir -p "build/fuzz/corpus/$target"
  echo "== fuzz $target for ${seconds}s =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -dict="$dict" -artifact_prefix="build/fuzz/artifacts/$target-" \
    -print_final_stats=1 "build/fuzz/corpus/$target" "$seeds" 2>&1 | grep -v '^#[0-9].*\(NEW\|REDUCE\|pulse\)' || {
    echo "fuzz $target FAILED; the input is in build/fuzz/artifacts/" >&2
    return 1
  }
}
run policy_parser_fuzz "$policy_seeds" tests/fuzz/hpad.dict
run decide_fuzz "$decide_seeds" tests/fuzz/hpad.dict
run query_result_fuzz "$query_result_seeds" tests/fuzz/prometheus.dict
run exposition_fuzz "$exposition_seeds" tests/fuzz/prometheus.dict
