#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The first real peer (paper §5.4): an implementation we did not write,
# wireguard-go, accepts our handshake and our transport data.
#
# Two namespaces joined by a veth cable (192.0.2.1 <-> 192.0.2.2). wireguard-go
# runs in one, configured with `wg`; `wgconform ping` runs in the other: it
# sends an initiation built by our code, consumes wireguard-go's response,
# sends an ICMP echo request as transport data and decrypts the echo reply,
# once with IPv4 and once with IPv6 inner packets. tshark captures it all,
# and `wgconform replay` then sends every captured message to wireguard-go
# again: none may be accepted a second time (§5.1, §5.4.6).
#
# Usage: wireguard_go_handshake_test.sh WGCONFORM [--psk]
# Exit: 0 pass, 1 fail, 77 skipped (not root, or a tool is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgconform=$(realpath "${1:?usage: $0 WGCONFORM [--psk]}")
use_psk=${2:-}

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root for network namespaces"; exit 77; }
for tool in ip wg wireguard-go; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (run tools/setup.sh)"; exit 77; }
done
[[ -x "$wgconform" ]] || { echo "FAIL: $wgconform is not an executable"; exit 1; }

source "$here/../../tools/netns/lib.sh"
suffix=$(netns_suffix)
probe_ns=wgref-probe-$suffix
peer_ns=wgref-wggo-$suffix
iface=wgg${suffix:0:12}            # unique on the machine: UAPI sockets share one directory
keys=$(umask 077 && mktemp -d)
cleanup_register rm -rf "$keys"

netns_create "$probe_ns"
netns_create "$peer_ns"
netns_veth "$probe_ns" vp0 192.0.2.1/24 "$peer_ns" vg0 192.0.2.2/24

(umask 077
 wg genkey > "$keys/probe"; wg pubkey < "$keys/probe" > "$keys/probe.pub"
 wg genkey > "$keys/peer";  wg pubkey < "$keys/peer"  > "$keys/peer.pub"
 wg genpsk > "$keys/psk")

WG_PROCESS_FOREGROUND=1 ip netns exec "$peer_ns" wireguard-go -f "$iface" >"$keys/wireguard-go.log" 2>&1 &
wggo_pid=$!
cleanup_register kill_pid_bounded "$wggo_pid"
cleanup_register rm -f "/var/run/wireguard/$iface.sock"
wait_for 10 test -S "/var/run/wireguard/$iface.sock" || { echo "FAIL: wireguard-go did not start"; cat "$keys/wireguard-go.log"; exit 1; }

psk_args=(); wg_psk=()
if [[ "$use_psk" == --psk ]]; then psk_args=(--psk "$keys/psk"); wg_psk=(preshared-key "$keys/psk"); fi
ip netns exec "$peer_ns" wg set "$iface" private-key "$keys/peer" listen-port 51820 \
  peer "$(cat "$keys/probe.pub")" allowed-ips 203.0.113.1/32,2001:db8:100::1/128 "${wg_psk[@]}"
ip -n "$peer_ns" addr add 203.0.113.2/24 dev "$iface"
ip -n "$peer_ns" -6 addr add 2001:db8:100::2/64 dev "$iface" nodad
ip -n "$peer_ns" link set "$iface" up

capture=""
if command -v tshark >/dev/null; then
  ip netns exec "$probe_ns" timeout 60 tshark -q -i vp0 -f "udp port 51820" -c 100 -F pcap -w "$keys/session.pcap" >"$keys/tshark.log" 2>&1 &
  capture=$!
  cleanup_register kill_pid_bounded "$capture"
  wait_for 10 test -s "$keys/session.pcap" || { echo "FAIL: tshark did not start"; cat "$keys/tshark.log"; exit 1; }
fi

status=0
for pair in "203.0.113.1 203.0.113.2" "2001:db8:100::1 2001:db8:100::2"; do
  read -r ours theirs <<<"$pair"
  if ! ip netns exec "$probe_ns" "$wgconform" ping --target 192.0.2.2:51820 \
        --target-public-key "$(cat "$keys/peer.pub")" --private-key "$keys/probe" "${psk_args[@]}" \
        --tunnel-ip "$ours" --target-tunnel-ip "$theirs" --timeout-ms 3000 --keylog "$keys/session.keylog"; then
    status=1
  fi
done

if [[ -n $capture ]]; then
  sleep 0.3
  kill -INT "$capture" 2>/dev/null || true; wait "$capture" 2>/dev/null || true
  echo "--- wgconform replay: the captured session, sent again"
  ip netns exec "$probe_ns" "$wgconform" replay "$keys/session.pcap" --target 192.0.2.2:51820 --keylog "$keys/session.keylog" ||
    { echo "replay: a message was accepted again"; status=1; }
  echo "--- wgconform inspect, with the key log wgconform ping wrote"
  "$wgconform" inspect "$keys/session.pcap" --keylog "$keys/session.keylog" | tee "$keys/inspect.txt"
  grep -q "decrypted: IPv6 .* ICMPv6 echo reply" "$keys/inspect.txt" || { echo "inspect did not decrypt the IPv6 echo reply"; status=1; }
fi

echo "--- wg show on the wireguard-go side"
ip netns exec "$peer_ns" wg show "$iface"
latest=$(ip netns exec "$peer_ns" wg show "$iface" latest-handshakes | awk '{print $2}')
[[ "${latest:-0}" -gt 0 ]] || { echo "wireguard-go records no handshake"; status=1; }

if [[ $status -eq 0 ]]; then
  echo "PASS: wireguard-go completed our handshake${use_psk:+ (with PSK)} and answered IPv4 and IPv6 echoes"
else
  echo "FAIL: see above; wireguard-go's log:"; cat "$keys/wireguard-go.log"
fi
exit $status
