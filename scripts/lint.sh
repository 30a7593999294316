#!/usr/bin/env bash
# clang-tidy over our sources, with the compile commands of a configured build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/asan}
[ -f "$build/compile_commands.json" ] || { echo "lint: configure $build first (scripts/test.sh does)" >&2; exit 2; }
git ls-files '*.cpp' | xargs clang-tidy -p "$build" --quiet
