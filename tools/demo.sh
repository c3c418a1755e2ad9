#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job, for a newcomer on a fresh Debian machine: install, build,
# then wgref and a real wireguard-go talking in network namespaces, and
# wgconform's suite against each of them, shown side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
bash tools/demo_pair.sh build/reference/wgref

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
status=0
# The targets run side by side (each in namespaces of its own): most of a run
# is waiting for the target's own retries (the initiator.* cases), so this
# takes as long as one run. The modern wireguard-go joins where this machine
# has it (../shared/anchors/README.md).
targets=(wgref wireguard-go)
modern=${WGREF_MODERN_WIREGUARD_GO:-$PWD/../shared/anchors/wireguard-go-0.0.20250522}
"$modern" --version >/dev/null 2>&1 && targets+=(wireguard-go-modern)
say "wgconform --spawn ${targets[*]}: every case of the catalogue, from outside (about 100 s)"
pids=()
for target in "${targets[@]}"; do
  build/conformance/wgconform --spawn "$target" --json "$reports/$target.json" >"$reports/$target.txt" 2>&1 &
  pids+=($!)
done
for i in "${!targets[@]}"; do
  wait "${pids[$i]}" || status=1
  say "wgconform --spawn ${targets[$i]}"
  grep -v '^\(PASS\|SKIP\|FAIL\|DIVERGES\)  ' "$reports/${targets[$i]}.txt" || true
done
say "side by side (wgconform --spawn linux adds the Linux kernel's WireGuard, booted under qemu)"
columns=()
for target in "${targets[@]}"; do columns+=("$target=$reports/$target.json"); done
/usr/bin/python3 tools/conformance_side_by_side.py "${columns[@]}" || status=1
exit "$status"
