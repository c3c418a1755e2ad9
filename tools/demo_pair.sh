#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: wgref and a real wireguard-go, each in its own network
# namespace, configured with nothing but `wg`, talking through the tunnel.
# Shows `wg show` on both sides, a ping, and wgref's --trace of what
# happened, each line naming its section of the paper; then tears down.
# Usage: tools/demo_pair.sh WGREF
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF}")
source "$here/netns/lib.sh"
s=$(netns_suffix); ns_a=wgref-demo-a-$s; ns_b=wgref-demo-b-$s; if_a=wgref${s:0:10}; if_b=wggo${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "two hosts: $ns_a (wgref, 192.0.2.1) and $ns_b (wireguard-go, 192.0.2.2)"
netns_create "$ns_a"; netns_create "$ns_b"
netns_veth "$ns_a" va0 192.0.2.1/24 "$ns_b" vb0 192.0.2.2/24
(umask 077; "$wgref" genkey > "$work/a"; wg genkey > "$work/b")
"$wgref" pubkey < "$work/a" > "$work/a.pub"; wg pubkey < "$work/b" > "$work/b.pub"

ip netns exec "$ns_a" "$wgref" -f --trace "$if_a" > "$work/trace" 2>&1 &
cleanup_register kill_pid_bounded $!; cleanup_register rm -f "/var/run/wireguard/$if_a.sock"
WG_PROCESS_FOREGROUND=1 ip netns exec "$ns_b" wireguard-go -f "$if_b" > /dev/null 2>&1 &
cleanup_register kill_pid_bounded $!; cleanup_register rm -f "/var/run/wireguard/$if_b.sock"
wait_for 10 test -S "/var/run/wireguard/$if_a.sock"; wait_for 10 test -S "/var/run/wireguard/$if_b.sock"

say "configure both with wg (wgref is driven exactly like wireguard-go)"
set -x
ip netns exec "$ns_a" wg set "$if_a" private-key "$work/a" listen-port 51820 peer "$(cat "$work/b.pub")" allowed-ips 203.0.113.2/32 endpoint 192.0.2.2:51820
ip netns exec "$ns_b" wg set "$if_b" private-key "$work/b" listen-port 51820 peer "$(cat "$work/a.pub")" allowed-ips 203.0.113.1/32
{ set +x; } 2>/dev/null
ip -n "$ns_a" addr add 203.0.113.1/24 dev "$if_a"; ip -n "$ns_a" link set "$if_a" up
ip -n "$ns_b" addr add 203.0.113.2/24 dev "$if_b"; ip -n "$ns_b" link set "$if_b" up

say "ping through the tunnel: wgref 203.0.113.1 -> wireguard-go 203.0.113.2"
ip netns exec "$ns_a" ping -c 3 -i 0.3 -W 2 203.0.113.2

say "wg show on the wgref side"
ip netns exec "$ns_a" wg show "$if_a"
say "wg show on the wireguard-go side"
ip netns exec "$ns_b" wg show "$if_b"
say "wgref --trace: what happened, with the paper's sections"
cat "$work/trace"
say "tearing down (namespaces, processes, sockets)"
