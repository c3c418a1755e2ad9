#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every test: set-up, then
#   build/       GCC, Release (the build the benchmarks measure): the whole CTest
#                suite (unit tests, vectors, interop with wireguard-go and the
#                Linux kernel, wgconform against each; the slow timer cases
#                with WGREF_SLOW=1), the mutants (conformance/mutants: every
#                one caught, every case seen to fail), the labs' stubs failing
#                and their reference passing, and the docs (Doxygen, warnings
#                are errors; the PDF; chromium's screenshots inspected for the
#                pictures);
#   build-asan/  clang, Debug, AddressSanitizer + UndefinedBehaviorSanitizer:
#                the tests again, real peers excluded;
#   build-fuzz/  clang, libFuzzer: a bounded run of every parser (tools/fuzz.sh).
# Warnings in our own code are errors here (WGREF_WERROR), not for someone
# merely building the project. Ends with where the time went.
set -euo pipefail
cd "$(dirname "$0")/.."

# phase NAME: starts timing NAME (and ends the previous phase).
phases=() phase_name='' phase_start=0 run_start=$(date +%s)
phase() {
  local now
  now=$(date +%s)
  [[ -n $phase_name ]] && phases+=("$(printf '%5d s  %s' $((now - phase_start)) "$phase_name")")
  phase_name=$1 phase_start=$now
  [[ -n $1 ]] && echo "== $1"
  return 0
}
time_report() {
  local status=$?
  phase ''
  echo "== where the time went"
  printf '%s\n' "${phases[@]}"
  printf '%5d s  in all (exit %d)\n' $(($(date +%s) - run_start)) "$status"
}
trap time_report EXIT

phase "set-up (tools/setup.sh)"
bash tools/setup.sh

phase "build: GCC, Release, warnings are errors, with the mutants"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DWGREF_WERROR=ON -DWGREF_MUTANTS=ON >/dev/null
cmake --build build -j2

phase "tests (CTest, GCC Release)"
# First the suites against real targets (label "spawn"), all at once: each
# spends its 100 s waiting out the protocol's timers, not computing, so five
# side by side take the time of one. Then the rest, two at a time. The timer
# cases against real targets wait out the protocol's minutes (label "slow",
# about 6 minutes); WGREF_SLOW=1 runs them too. The second pass runs even
# when the first fails; a failure in either fails the step.
rest='spawn|slow'
[[ ${WGREF_SLOW:-0} == 1 ]] && rest='spawn'
failed=0
ctest --test-dir build --output-on-failure -j8 -L spawn || failed=1
ctest --test-dir build --output-on-failure -j2 -LE "$rest" || failed=1
# Where the implementations disagree, if anywhere, in one table.
reports=()
for kind in wgref wireguard-go wireguard-go-modern linux; do
  [[ -f build/wgconform-$kind.json ]] && reports+=("$kind=build/wgconform-$kind.json")
done
[[ ${#reports[@]} -gt 1 ]] && /usr/bin/python3 tools/conformance_side_by_side.py "${reports[@]}"
(( failed == 0 ))

phase "docs (Doxygen, warnings are errors; the PDF; a browser looks at the pictures)"
cmake --build build --target docs_pdf
/usr/bin/python3 tools/docs_screenshot_test.py build/docs/html

phase "build: clang, Debug, ASan + UBSan, warnings are errors"
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWGREF_SANITIZE=ON \
  -DWGREF_WERROR=ON -DWGREF_BENCHMARKS=OFF -DWGREF_DOCS=OFF >/dev/null
cmake --build build-asan -j2

phase "tests under sanitizers (interop excluded: same code, real peers)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -LE interop

phase "fuzzing (libFuzzer, clang; every parser of untrusted bytes, ${WGREF_FUZZ_SECONDS:-20} s each)"
bash tools/fuzz.sh "${WGREF_FUZZ_SECONDS:-20}"
phase ''
echo "test.sh: all tests passed (GCC Release, docs, clang sanitizer build, fuzzing)"
