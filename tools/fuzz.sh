#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The libFuzzer targets (fuzz/, see fuzz/README.md): build them with clang
# under ASan + UBSan in build-fuzz/, then run each for SECONDS_PER_TARGET
# (default 20) over a copy of its committed seed corpus, so the repository
# never changes. Targets run side by side, FUZZ_JOBS at a time (default: the
# number of cores). Exit status 1 if any target crashed, leaked, timed out
# or broke a property; its reproducer is kept under build-fuzz/artifacts/.
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     e.g. tools/fuzz.sh 60 device uapi
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-20}
shift || true
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2; }
build=$root/build-fuzz
jobs=${FUZZ_JOBS:-$(nproc)}

echo "== build (clang, libFuzzer + ASan + UBSan) in build-fuzz"
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWGREF_FUZZ=ON -DWGREF_WERROR=ON -DWGREF_BENCHMARKS=OFF -DWGREF_DOCS=OFF >/dev/null
cmake --build "$build" --target fuzz -j"$jobs"

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for binary in "$build"/fuzz/fuzz_*; do targets+=("${binary##*/fuzz_}"); done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/wgref-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts=$build/artifacts
mkdir -p "$artifacts"

# One target: its corpus copied to $work, its findings to artifacts/<target>/.
run_target() {
  local target=$1
  local corpus=$work/corpus-$target found=$work/found-$target
  mkdir -p "$corpus" "$found"
  if [[ -d $root/fuzz/corpus/$target ]]; then cp -R "$root/fuzz/corpus/$target/." "$corpus/"; fi
  # -timeout: one input taking 5 s is a hang; the outer timeout is a backstop.
  local rc=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    timeout --kill-after=10 $((seconds + 120)) \
    "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$found/" "$corpus" >"$work/$target.log" 2>&1 || rc=$?
  echo "$rc" >"$work/$target.rc"
}

status=0
for target in "${targets[@]}"; do
  if [[ ! -x $build/fuzz/fuzz_$target ]]; then
    echo "fuzz.sh: no target fuzz_$target" >&2
    exit 2
  fi
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
  echo "== fuzz_$target (${seconds}s)"
  run_target "$target" &
done
wait

echo
printf '%-16s %-6s %10s %8s %7s %7s\n' target result runs exec/s cov ft
for target in "${targets[@]}"; do
  result=ok
  [[ $(cat "$work/$target.rc" 2>/dev/null) == 0 ]] || result=FAIL
  log=$work/$target.log
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-16s %-6s %10s %8s %7s %7s\n' "$target" "$result" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}"
  if [[ $result == FAIL ]]; then
    status=1
    mkdir -p "$artifacts/$target"
    cp "$log" "$artifacts/$target/fuzz.log"
    for finding in "$work/found-$target"/*; do
      [[ -e $finding ]] || continue
      cp "$finding" "$artifacts/$target/"
    done
    echo "---- fuzz_$target failed; log and reproducer(s) kept in $artifacts/$target/:"
    ls "$artifacts/$target" | sed 's/^/     /'
    # The finding, then the stack frames in our own code.
    grep -E 'ERROR|SUMMARY|fuzz property|runtime error' "$log" | head -6 | sed 's/^/     /'
    grep -E "^ *#[0-9]+ .* in .* $root/(reference|conformance|fuzz|vectors)/" "$log" | head -15 | sed 's/^/     /'
    echo "     reproduce: $build/fuzz/fuzz_$target $artifacts/$target/<crash-file>"
  fi
done
if [[ $status -ne 0 ]]; then
  echo "fuzz.sh: a target failed (see above)"
else
  echo "fuzz.sh: ${#targets[@]} targets, ${seconds}s each, nothing found"
fi
exit $status
