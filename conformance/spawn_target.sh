#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `wgconform --spawn KIND` lands here: build a target of KIND in network
# namespaces, configure the harness's two identities as its peers, run the
# suite against it from a namespace of its own, and remove everything made.
#
#   wgref, wireguard-go(-modern):             linux:
#   ns wgc-h-SUFFIX      ns wgc-t-SUFFIX      ns wgc-h-SUFFIX         qemu guest
#   wgconform            target IFACE         wgconform               wg0 (kernel)
#   192.0.2.1/24 <-veth-> 192.0.2.2/24        tap 192.0.2.1/24 <-virtio-> eth0 192.0.2.2/24
#
# Inside the tunnel: target 203.0.113.1 and 2001:db8:1::1; identity 1 .2 and
# ::2; identity 2 .3 and ::3 (each /32 and /128 in the target's allowed IPs).
# The harness also holds 192.0.2.101-116, sources of the flood case's
# initiations. Identities 3 and 4: no tunnel address, but the target knows their endpoints
# (192.0.2.1:51821 and :51822) and keeps them alive (persistent keepalive 6 s),
# so the target initiates to them. The target's private key is given
# unclamped (uapi.get_shape). A second device of the same kind listens on
# 192.0.2.2:51823 with identity 1 as its peer and its private key set, then
# set to zeros (handshake.zero_private_key).
#
# WGREF_SPAWN_OPTIONS adds options to each wgref started, e.g.
# "--no-offload --threads 1" for the plain path (CTest's
# conformance_spawn_wgref_plain).
#
# Usage: spawn_target.sh KIND WGCONFORM [WGREF] -- [suite options...]
# Exit: wgconform's own (0 all passed, 1 a case failed), 2 usage, 77 when the
# target cannot be had here (not root, the tool is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kind=${1:?usage: $0 KIND WGCONFORM [WGREF] -- [options]}
wgconform=$(realpath "${2:?usage: $0 KIND WGCONFORM [WGREF] -- [options]}")
shift 2
wgref=""
if [[ ${1:-} != "--" && $# -gt 0 ]]; then wgref=$(realpath "$1"); shift; fi
[[ ${1:-} == "--" ]] && shift

[[ $(id -u) -eq 0 ]] || { echo "wgconform --spawn: needs root (network namespaces)" >&2; exit 77; }
case $kind in
  wgref) [[ -x $wgref ]] || { echo "wgconform --spawn wgref: no wgref binary" >&2; exit 77; } ;;
  wireguard-go) command -v wireguard-go >/dev/null || { echo "wgconform --spawn: wireguard-go is not installed (tools/setup.sh)" >&2; exit 77; }
    wireguard_go=wireguard-go ;;
  wireguard-go-modern)
    # The wireguard-go people run today (../shared/anchors/README.md), where
    # this machine has it; WGREF_MODERN_WIREGUARD_GO names another copy.
    wireguard_go=${WGREF_MODERN_WIREGUARD_GO:-$here/../../shared/anchors/wireguard-go-0.0.20250522}
    "$wireguard_go" --version >/dev/null 2>&1 || { echo "wgconform --spawn: no modern wireguard-go at $wireguard_go (set WGREF_MODERN_WIREGUARD_GO)" >&2; exit 77; } ;;
  linux) ;;
  *) echo "wgconform --spawn: unknown target '$kind' (wgref, wireguard-go, wireguard-go-modern, linux or loopback)" >&2; exit 2 ;;
esac
command -v wg >/dev/null || { echo "wgconform --spawn: wg is not installed (tools/setup.sh)" >&2; exit 77; }

source "$here/../tools/netns/lib.sh"
suffix=$(netns_suffix)
harness_ns=wgc-h-$suffix
work=$(umask 077 && mktemp -d)
cleanup_register rm -rf "$work"
(umask 077; for k in first second third fourth keyless; do wg genkey > "$work/$k.key"; done
 # The target's key as drawn, unclamped: its low three bits set.
 printf '\xff' > "$work/target.raw"; head -c 31 /dev/urandom >> "$work/target.raw"
 base64 < "$work/target.raw" > "$work/target.key"; rm -f "$work/target.raw"
 echo "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" > "$work/zero.key")
for k in target first second third fourth; do wg pubkey < "$work/$k.key" > "$work/$k.pub"; done
initiated_args=(--third-private-key "$work/third.key" --third-port 51821 --fourth-private-key "$work/fourth.key" --fourth-port 51822)
netns_create "$harness_ns"

# The harness's 16 more addresses, 192.0.2.101-116, for the flood of
# cookie.flood_spares_session to come from many sources.
flood_sources=()
add_flood_sources() {
  local n
  for n in $(seq 101 116); do
    ip -n "$harness_ns" addr add "192.0.2.$n/24" dev "$1"
    flood_sources+=("192.0.2.$n")
  done
}

if [[ $kind == linux ]]; then
  source "$here/../tools/netns/linux_guest.sh"
  rc=0
  linux_guest_image || rc=$?
  [[ $rc -eq 0 ]] || { echo "wgconform --spawn linux: the kernel image cannot be built (tools/linux_kernel_image.sh: $rc)" >&2; exit "$([[ $rc -eq 77 ]] && echo 77 || echo 1)"; }
  ip netns exec "$harness_ns" ip tuntap add dev wgctap0 mode tap
  ip -n "$harness_ns" addr add 192.0.2.1/24 dev wgctap0
  add_flood_sources wgctap0
  ip -n "$harness_ns" link set wgctap0 up
  mkdir -p "$work/conf/wgconf"
  cat > "$work/conf/wgconf/env" <<ENV
GUEST_ETH_ADDR=192.0.2.2/24
WG_ADDRS="203.0.113.1/24 2001:db8:1::1/64"
AGENT_PORT=7000
ENV
  cat > "$work/conf/wgconf/wg0.conf" <<CONF
[Interface]
PrivateKey = $(cat "$work/target.key")
ListenPort = 51820

[Peer]
PublicKey = $(cat "$work/first.pub")
AllowedIPs = 203.0.113.2/32, 2001:db8:1::2/128

[Peer]
PublicKey = $(cat "$work/second.pub")
AllowedIPs = 203.0.113.3/32, 2001:db8:1::3/128
CONF
  for k in third:51821 fourth:51822; do
    printf '\n[Peer]\nPublicKey = %s\nEndpoint = 192.0.2.1:%s\nPersistentKeepalive = 6\n' "$(cat "$work/${k%:*}.pub")" "${k#*:}" >> "$work/conf/wgconf/wg0.conf"
  done
  cat > "$work/conf/wgconf/wg1.conf" <<CONF
[Interface]
PrivateKey = $(cat "$work/keyless.key")
ListenPort = 51823

[Peer]
PublicKey = $(cat "$work/first.pub")
CONF
  cp "$work/zero.key" "$work/conf/wgconf/wg1.private-key"
  linux_guest_boot "$harness_ns" wgctap0 "$work"
  linux_guest_ready "$work" 120 || { echo "wgconform --spawn linux: the guest did not come up" >&2; cat "$work/console.log" >&2; exit 1; }
  target_name="Linux $kernel (qemu)"
  uapi_args=()
else
  target_ns=wgc-t-$suffix
  # Unique on the machine (UAPI sockets share one directory), at most 15 bytes.
  iface=wgc${suffix:0:11}
  keyless=wgz${suffix:0:11}
  netns_create "$target_ns"
  netns_veth "$harness_ns" wgc-h 192.0.2.1/24 "$target_ns" wgc-t 192.0.2.2/24
  add_flood_sources wgc-h
  for dev in "$iface" "$keyless"; do
    if [[ $kind == wgref ]]; then
      # shellcheck disable=SC2086  # the options are words
      ip netns exec "$target_ns" "$wgref" -f ${WGREF_SPAWN_OPTIONS:-} "$dev" >"$work/$dev.log" 2>&1 &
    else
      ip netns exec "$target_ns" env LOG_LEVEL=error "$wireguard_go" -f "$dev" >"$work/$dev.log" 2>&1 &
    fi
    pid=$!
    cleanup_register kill_pid_bounded "$pid"
    cleanup_register rm -f "/var/run/wireguard/$dev.sock"
    wait_for 10 test -S "/var/run/wireguard/$dev.sock" || { echo "wgconform --spawn: $kind did not start" >&2; cat "$work/$dev.log" >&2; exit 1; }
  done
  # The key-less device: a key set, then set to zeros.
  ip netns exec "$target_ns" wg set "$keyless" private-key "$work/keyless.key" listen-port 51823 peer "$(cat "$work/first.pub")"
  ip netns exec "$target_ns" wg set "$keyless" private-key "$work/zero.key"
  ip -n "$target_ns" link set "$keyless" up
  ip netns exec "$target_ns" wg set "$iface" private-key "$work/target.key" listen-port 51820 \
    peer "$(cat "$work/first.pub")" allowed-ips 203.0.113.2/32,2001:db8:1::2/128 \
    peer "$(cat "$work/second.pub")" allowed-ips 203.0.113.3/32,2001:db8:1::3/128
  ip -n "$target_ns" addr add 203.0.113.1/24 dev "$iface"
  ip netns exec "$target_ns" wg set "$iface" peer "$(cat "$work/third.pub")" endpoint 192.0.2.1:51821 persistent-keepalive 6 \
    peer "$(cat "$work/fourth.pub")" endpoint 192.0.2.1:51822 persistent-keepalive 6
  uapi_args=(--uapi-socket "/var/run/wireguard/$iface.sock")
  ip -n "$target_ns" -6 addr add 2001:db8:1::1/64 dev "$iface" nodad
  ip -n "$target_ns" link set "$iface" up
  target_name="$kind $(if [[ $kind == wireguard-go* ]]; then "$wireguard_go" --version 2>/dev/null | awk '{print $2; exit}'; fi)"
fi

rc=0
# The UAPI socket is on the shared /var/run, reachable from the harness's namespace.
ip netns exec "$harness_ns" "$wgconform" --target 192.0.2.2:51820 --target-public-key "$(cat "$work/target.pub")" \
  --target-name "${target_name% }" \
  --private-key "$work/first.key" --tunnel-ip 203.0.113.2,2001:db8:1::2 \
  --second-private-key "$work/second.key" --second-tunnel-ip 203.0.113.3,2001:db8:1::3 \
  --target-tunnel-ip 203.0.113.1,2001:db8:1::1 "${initiated_args[@]}" --zero-key-target 192.0.2.2:51823 \
  --flood-sources "$(IFS=,; echo "${flood_sources[*]}")" "${uapi_args[@]}" "$@" || rc=$?
exit "$rc"
