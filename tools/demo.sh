#!/usr/bin/env bash
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
for target in wgref wireguard-go; do
  say "wgconform --spawn $target: every case of the catalogue, from outside"
  build/conformance/wgconform --spawn "$target" --json "$reports/$target.json" || status=1
done
say "side by side (wgconform --spawn linux adds the Linux kernel's WireGuard, booted under qemu)"
/usr/bin/python3 tools/conformance_side_by_side.py wgref="$reports/wgref.json" wireguard-go="$reports/wireguard-go.json" || status=1
exit "$status"
