#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian package wgref needs, on a fresh Debian bookworm
# machine. Idempotent: when everything is present it touches nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config g++ clang libclang-rt-14-dev
  libbotan-2-dev libb2-dev catch2 libbenchmark-dev libpcap-dev doxygen graphviz
  python3 python3-scapy python3-cryptography python3-nacl
  wireguard-go wireguard-tools tshark iperf3 iproute2 iputils-ping procps kmod ca-certificates
  nftables man-db chromium poppler-utils
  qemu-system-x86 busybox-static cpio xz-utils
)

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then exec sudo -E bash "$0" "$@"; fi
  echo "setup: run as root (apt-get installs system packages)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
