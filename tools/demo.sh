#!/usr/bin/env bash
# The main job, for a newcomer on a fresh Debian machine: install, build, and
# show wgref's handshake code talking to a real wireguard-go in namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
bash conformance/interop/wireguard_go_handshake_test.sh build/conformance/wgconform
