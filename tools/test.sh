#!/usr/bin/env bash
# Every test: set-up, then the normal build's whole CTest suite (unit tests,
# vectors, interop with wireguard-go and the Linux kernel, wgconform against
# each; the slow timer cases with WGREF_SLOW=1), the docs (Doxygen, warnings are errors),
# the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer, and
# a bounded libFuzzer run of every parser (tools/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

echo "== build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
echo "== tests"
# The timer cases against real targets wait out the protocol's minutes
# (label "slow", about 6 minutes); WGREF_SLOW=1 runs them too.
slow=(-LE slow)
[[ ${WGREF_SLOW:-0} == 1 ]] && slow=()
ctest --test-dir build --output-on-failure -j2 "${slow[@]}"
# Where the implementations disagree, if anywhere, in one table.
reports=()
for kind in wgref wireguard-go linux; do
  [[ -f build/wgconform-$kind.json ]] && reports+=("$kind=build/wgconform-$kind.json")
done
[[ ${#reports[@]} -gt 1 ]] && /usr/bin/python3 tools/conformance_side_by_side.py "${reports[@]}"
echo "== docs"
cmake --build build --target docs

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWGREF_SANITIZE=ON -DWGREF_BENCHMARKS=OFF -DWGREF_DOCS=OFF >/dev/null
cmake --build build-asan -j2
echo "== tests under sanitizers (interop excluded: same code, real peers)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -LE interop
echo "== fuzzing (libFuzzer, clang; every parser of untrusted bytes, ${WGREF_FUZZ_SECONDS:-20} s each)"
bash tools/fuzz.sh "${WGREF_FUZZ_SECONDS:-20}"
echo "test.sh: all tests passed (normal build, docs, sanitizer build, fuzzing)"
