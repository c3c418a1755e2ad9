#!/usr/bin/env bash
# Captures a real session between wgref and wireguard-go, with wgref's key
# log, for `wgconform inspect`, `wgconform replay` and the tests:
#   1. wgref initiates (paper §5.4.2-§5.4.5) and pings over IPv4 and IPv6;
#   2. both sides forget the session; wireguard-go initiates and pings, so the
#      key log also holds a block logged by the *responder* (wgref).
# The outer UDP on the veth cable is captured by tshark as a pcap file. The
# keys are fresh test keys made by `wg genkey` for this run only.
#
# Usage: capture_real_session.sh WGREF [OUTDIR]   (OUTDIR: this directory)
# Writes OUTDIR/wgref-wireguard-go.pcap and OUTDIR/wgref-wireguard-go.keylog.
# Exit: 0 done, 1 failed, 77 skipped (not root, or a tool is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF [OUTDIR]}")
out=$(realpath "${2:-$here}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root for network namespaces"; exit 77; }
for tool in ip wg wireguard-go tshark ping; do command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 77; }; done
source "$here/../tools/netns/lib.sh"

s=$(netns_suffix); ns_a=wgref-ca-$s; ns_b=wgref-cb-$s; if_a=wca${s:0:11}; if_b=wcb${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$ns_a"; netns_create "$ns_b"
netns_veth "$ns_a" va0 192.0.2.1/24 "$ns_b" vb0 192.0.2.2/24
(umask 077; wg genkey > "$work/a"; wg genkey > "$work/b"; wg genpsk > "$work/psk")
wg pubkey < "$work/a" > "$work/a.pub"; wg pubkey < "$work/b" > "$work/b.pub"

ip netns exec "$ns_a" "$wgref" -f --keylog "$work/keylog" "$if_a" >"$work/wgref.log" 2>&1 &
cleanup_register kill_pid_bounded $!; cleanup_register rm -f "/var/run/wireguard/$if_a.sock"
WG_PROCESS_FOREGROUND=1 ip netns exec "$ns_b" wireguard-go -f "$if_b" >"$work/wireguard-go.log" 2>&1 &
cleanup_register kill_pid_bounded $!; cleanup_register rm -f "/var/run/wireguard/$if_b.sock"
wait_for 10 test -S "/var/run/wireguard/$if_a.sock" || { echo "FAIL: wgref did not start"; cat "$work/wgref.log"; exit 1; }
wait_for 10 test -S "/var/run/wireguard/$if_b.sock" || { echo "FAIL: wireguard-go did not start"; exit 1; }

configure() {
  ip netns exec "$ns_a" wg set "$if_a" private-key "$work/a" listen-port 51820 \
    peer "$(cat "$work/b.pub")" preshared-key "$work/psk" allowed-ips 203.0.113.2/32,2001:db8:100::2/128 endpoint 192.0.2.2:51820
  ip netns exec "$ns_b" wg set "$if_b" private-key "$work/b" listen-port 51820 \
    peer "$(cat "$work/a.pub")" preshared-key "$work/psk" allowed-ips 203.0.113.1/32,2001:db8:100::1/128 endpoint 192.0.2.1:51820
}
configure
for side in "$ns_a $if_a 1" "$ns_b $if_b 2"; do
  read -r ns iface n <<<"$side"
  ip -n "$ns" addr add "203.0.113.$n/24" dev "$iface"
  ip -n "$ns" -6 addr add "2001:db8:100::$n/64" dev "$iface" nodad
  ip -n "$ns" link set "$iface" up
done

# The capture: only WireGuard's port, bounded in time and in packets.
ip netns exec "$ns_a" timeout 60 tshark -q -i va0 -f "udp port 51820" -c 200 -F pcap -w "$work/capture.pcap" >"$work/tshark.log" 2>&1 &
capture=$!
cleanup_register kill_pid_bounded "$capture"
wait_for 10 test -s "$work/capture.pcap" || { echo "FAIL: tshark did not start"; cat "$work/tshark.log"; exit 1; }
sleep 0.5

pings() { ip netns exec "$1" ping -c "$3" -i 0.2 -W 2 "$2" >/dev/null; }
pings "$ns_a" 203.0.113.2 3 || { echo "FAIL: IPv4 ping, wgref initiating"; exit 1; }
pings "$ns_a" 2001:db8:100::2 2 || { echo "FAIL: IPv6 ping"; exit 1; }
# Forget the session on both sides; now wireguard-go initiates.
ip netns exec "$ns_a" wg set "$if_a" peer "$(cat "$work/b.pub")" remove
ip netns exec "$ns_b" wg set "$if_b" peer "$(cat "$work/a.pub")" remove
configure
pings "$ns_b" 203.0.113.1 2 || { echo "FAIL: IPv4 ping, wireguard-go initiating"; exit 1; }
pings "$ns_b" 2001:db8:100::1 1 || { echo "FAIL: IPv6 ping, wireguard-go initiating"; exit 1; }
sleep 0.5
kill -INT "$capture" 2>/dev/null || true; wait "$capture" 2>/dev/null || true

install -m 0644 "$work/capture.pcap" "$out/wgref-wireguard-go.pcap"
install -m 0644 "$work/keylog" "$out/wgref-wireguard-go.keylog"
echo "wrote $out/wgref-wireguard-go.pcap ($(tshark -r "$out/wgref-wireguard-go.pcap" 2>/dev/null | wc -l) frames) and $out/wgref-wireguard-go.keylog ($(grep -c LOCAL_EPHEMERAL "$out/wgref-wireguard-go.keylog") handshakes)"
