#!/usr/bin/env bash
# The main job, for a newcomer on a fresh Debian machine: install, build,
# then wgref and a real wireguard-go talking in network namespaces, and
# wgconform's first probe (our handshake code against wireguard-go).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
bash tools/demo_pair.sh build/reference/wgref
printf '\n\033[1m== wgconform ping: our handshake and data, accepted by wireguard-go\033[0m\n'
bash conformance/interop/wireguard_go_handshake_test.sh build/conformance/wgconform
