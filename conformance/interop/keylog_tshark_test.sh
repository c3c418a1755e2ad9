#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --keylog works when Wireshark says it does: wgref (with --keylog) pings a
# wireguard-go peer while tshark captures the outer UDP; then tshark, given
# only the capture and wgref's key log, must show the inner ICMP packets.
# Usage: keylog_tshark_test.sh WGREF    Exit: 0 pass, 1 fail, 77 skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
for tool in ip wg wireguard-go tshark; do command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 77; }; done
source "$here/../../tools/netns/lib.sh"
s=$(netns_suffix); ns_a=wgref-ka-$s; ns_b=wgref-kb-$s; if_a=wka${s:0:11}; if_b=wkb${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$ns_a"; netns_create "$ns_b"
netns_veth "$ns_a" va0 192.0.2.1/24 "$ns_b" vb0 192.0.2.2/24
(umask 077; wg genkey > "$work/a"; wg genkey > "$work/b")

ip netns exec "$ns_a" "$wgref" -f --keylog "$work/keylog" "$if_a" >/dev/null 2>&1 &
cleanup_register kill_pid_bounded $!; cleanup_register rm -f "/var/run/wireguard/$if_a.sock"
WG_PROCESS_FOREGROUND=1 ip netns exec "$ns_b" wireguard-go -f "$if_b" >/dev/null 2>&1 &
cleanup_register kill_pid_bounded $!; cleanup_register rm -f "/var/run/wireguard/$if_b.sock"
wait_for 10 test -S "/var/run/wireguard/$if_a.sock"; wait_for 10 test -S "/var/run/wireguard/$if_b.sock"
ip netns exec "$ns_a" wg set "$if_a" private-key "$work/a" listen-port 51820 peer "$(wg pubkey < "$work/b")" allowed-ips 203.0.113.2/32 endpoint 192.0.2.2:51820
ip netns exec "$ns_b" wg set "$if_b" private-key "$work/b" listen-port 51820 peer "$(wg pubkey < "$work/a")" allowed-ips 203.0.113.1/32
ip -n "$ns_a" addr add 203.0.113.1/24 dev "$if_a"; ip -n "$ns_a" link set "$if_a" up
ip -n "$ns_b" addr add 203.0.113.2/24 dev "$if_b"; ip -n "$ns_b" link set "$if_b" up

# Capture the outer traffic on the veth cable, bounded in time and packets.
ip netns exec "$ns_a" timeout 20 tshark -q -i va0 -f "udp port 51820" -c 40 -w "$work/capture.pcapng" >/dev/null 2>&1 &
capture=$!
cleanup_register kill_pid_bounded "$capture"
wait_for 10 bash -c "ip netns exec $ns_a ss -xa 2>/dev/null | grep -q . ; [ -e $work/capture.pcapng ]" || true
sleep 1
ip netns exec "$ns_a" ping -c 3 -i 0.2 -W 2 203.0.113.2 >/dev/null
sleep 1
kill -INT "$capture" 2>/dev/null || true; wait "$capture" 2>/dev/null || true

[[ $(stat -c %a "$work/keylog") == 600 ]] || { echo "FAIL: key log is not mode 0600"; exit 1; }
echo "--- tshark's view of the capture, decrypted with wgref's key log:"
tshark -r "$work/capture.pcapng" -d udp.port==51820,wg -o "wg.keylog_file:$work/keylog" \
  -T fields -e frame.number -e wg.type -e ip.src -e ip.dst -e _ws.col.Protocol -e _ws.col.Info 2>&1 | tee "$work/decoded.txt" | head -20
if grep -q "Echo (ping) request" "$work/decoded.txt" && grep -q "Echo (ping) reply" "$work/decoded.txt"; then
  echo "PASS: tshark decrypted wgref's session with --keylog: inner ICMP visible"
  exit 0
fi
echo "FAIL: tshark did not show the inner ICMP packets"
exit 1
