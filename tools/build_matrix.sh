#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds every configuration the project promises, with warnings as errors:
# Release, RelWithDebInfo and Debug, each with GCC and with clang, in
# build-matrix/<compiler>-<type>/. Compiles only (tools/test.sh runs the tests
# on one GCC and one clang build); prints a line per configuration and exits 1
# if any failed. About 2 minutes per configuration on 2 cores.
#   tools/build_matrix.sh [TYPE...]        e.g. tools/build_matrix.sh Release
set -uo pipefail
cd "$(dirname "$0")/.."
types=("$@")
[[ ${#types[@]} -gt 0 ]] || types=(Release RelWithDebInfo Debug)
status=0
mkdir -p build-matrix
for compiler in gcc clang; do
  case $compiler in gcc) cc=gcc cxx=g++ ;; clang) cc=clang cxx=clang++ ;; esac
  for type in "${types[@]}"; do
    dir=build-matrix/$compiler-$type start=$(date +%s)
    if CC=$cc CXX=$cxx cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DWGREF_WERROR=ON \
         -DWGREF_DOCS=OFF >"$dir.log" 2>&1 && cmake --build "$dir" -j"$(nproc)" >>"$dir.log" 2>&1; then
      printf 'ok    %-6s %-15s %4d s\n' "$compiler" "$type" $(($(date +%s) - start))
    else
      printf 'FAIL  %-6s %-15s see %s\n' "$compiler" "$type" "$dir.log"
      grep -m5 -E 'error|FAILED' "$dir.log" | sed 's/^/      /'
      status=1
    fi
  done
done
exit "$status"
