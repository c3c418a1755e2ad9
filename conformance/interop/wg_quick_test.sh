#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# wg-quick end to end, with wgref as its userspace implementation
# (WG_QUICK_USERSPACE_IMPLEMENTATION), on a full tunnel:
#
#   ns wgq-c-S (client)                           ns wgq-s-S (server)
#   wg-quick up: wgref, AllowedIPs 0.0.0.0/0, ::/0   wgref -f, configured by wg
#   203.0.113.2, 2001:db8:1::2                       203.0.113.1, 2001:db8:1::1
#   veth 192.0.2.1/24  <---------------------------> veth 192.0.2.2/24
#                                                    198.51.100.1, 2001:db8:2::1 on lo
#
# A full tunnel routes everything, the tunnel's own UDP included, into the
# tunnel, unless that UDP carries the fwmark wg-quick sets and its ip rule
# exempts: if wgref did not apply the mark, its datagrams to 192.0.2.2 would
# loop into itself and nothing would arrive. So: pings to the server's
# addresses behind the tunnel (IPv4 and IPv6) must come back, the server must
# have seen a handshake, and `wg-quick down` must end the client's wgref.
# Usage: wg_quick_test.sh WGREF    Exit: 0 pass, 1 fail, 77 skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
for tool in wg wg-quick ping; do command -v "$tool" >/dev/null || { echo "SKIP: no $tool (tools/setup.sh)"; exit 77; }; done
command -v nft >/dev/null || command -v iptables-restore >/dev/null || { echo "SKIP: wg-quick's full tunnel needs nft or iptables (tools/setup.sh)"; exit 77; }
# With the kernel's WireGuard present, wg-quick uses it and never wgref.
if [[ -e /sys/module/wireguard ]]; then echo "SKIP: this kernel has WireGuard loaded: wg-quick would not use wgref"; exit 77; fi
source "$here/../../tools/netns/lib.sh"
s=$(netns_suffix); client=wgq-c-$s; server=wgq-s-$s
ciface=wqc${s:0:11}; siface=wqs${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$client"
netns_create "$server"
netns_veth "$client" wgq-c 192.0.2.1/24 "$server" wgq-s 192.0.2.2/24
ip -n "$server" addr add 198.51.100.1/32 dev lo
ip -n "$server" addr add 2001:db8:2::1/128 dev lo
(umask 077; wg genkey > "$work/client.key"; wg genkey > "$work/server.key")

# The server: a plain wgref, configured by wg.
ip netns exec "$server" "$wgref" -f "$siface" >"$work/server.log" 2>&1 &
server_pid=$!
cleanup_register kill_pid_bounded "$server_pid"
cleanup_register rm -f "/var/run/wireguard/$siface.sock"
wait_for 5 test -S "/var/run/wireguard/$siface.sock" || { cat "$work/server.log"; echo "FAIL: the server did not start"; exit 1; }
ip netns exec "$server" wg set "$siface" private-key "$work/server.key" listen-port 51820 \
  peer "$(wg pubkey < "$work/client.key")" allowed-ips 203.0.113.2/32,2001:db8:1::2/128
ip -n "$server" addr add 203.0.113.1/24 dev "$siface"
ip -n "$server" addr add 2001:db8:1::1/64 dev "$siface" nodad
ip -n "$server" link set "$siface" up

# The client: wg-quick, a full tunnel. Its file name is the interface name.
cat > "$work/$ciface.conf" <<CONF
[Interface]
PrivateKey = $(cat "$work/client.key")
Address = 203.0.113.2/24, 2001:db8:1::2/64

[Peer]
PublicKey = $(wg pubkey < "$work/server.key")
Endpoint = 192.0.2.2:51820
AllowedIPs = 0.0.0.0/0, ::/0
CONF
chmod 600 "$work/$ciface.conf"
cleanup_register rm -f "/var/run/wireguard/$ciface.sock"
# wg-quick down removes what up made; run it even when a check fails.
cleanup_register ip netns exec "$client" env WG_QUICK_USERSPACE_IMPLEMENTATION="$wgref" wg-quick down "$work/$ciface.conf"
if ! ip netns exec "$client" env WG_QUICK_USERSPACE_IMPLEMENTATION="$wgref" wg-quick up "$work/$ciface.conf" >"$work/up.log" 2>&1; then
  cat "$work/up.log"; echo "FAIL: wg-quick up"; exit 1
fi
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
daemon=$(ip netns pids "$client" | head -1)
[[ -n $daemon ]] && pass "wg-quick up started wgref (pid $daemon)" || fail "no wgref in the client's namespace"
mark=$(ip netns exec "$client" wg show "$ciface" fwmark)
[[ $mark != off ]] && pass "wg-quick set fwmark $mark" || fail "no fwmark set"

ip netns exec "$client" ping -c 3 -i 0.2 -W 2 198.51.100.1 >"$work/ping4.log" 2>&1 && pass "IPv4 through the full tunnel" || { fail "IPv4 ping"; cat "$work/ping4.log"; }
ip netns exec "$client" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::1 >"$work/ping6.log" 2>&1 && pass "IPv6 through the full tunnel" || { fail "IPv6 ping"; cat "$work/ping6.log"; }
handshake=$(ip netns exec "$server" wg show "$siface" latest-handshakes | awk '{print $2}')
[[ ${handshake:-0} -gt 0 ]] && pass "the server saw a handshake" || fail "no handshake on the server"

# down: wg-quick deletes the link, and wgref must go with it.
ip netns exec "$client" env WG_QUICK_USERSPACE_IMPLEMENTATION="$wgref" wg-quick down "$work/$ciface.conf" >"$work/down.log" 2>&1 || { fail "wg-quick down"; cat "$work/down.log"; }
if [[ -n $daemon ]]; then
  wait_for 5 bash -c "! kill -0 $daemon 2>/dev/null" && pass "wg-quick down ended wgref" || fail "wgref still running after wg-quick down"
fi
[[ $failures -eq 0 ]] && { echo "PASS: wg-quick with wgref, full tunnel"; exit 0; }
exit 1
