#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Scale, side by side: one interface with N peers, for wgref and wireguard-go
# in the same run and the same namespace layout. For each N:
#   - `wg setconf` of N peers (each one IPv4 /24 and one IPv6 /64, as a VPN
#     server's), and `wg show IFACE dump`: seconds;
#   - the daemon's resident memory, and the bytes each peer adds;
#   - the handshake with the last peer added (a real one, in the other
#     namespace): the first ping's round trip, handshake included;
#   - iperf3 TCP, one stream, through that peer while the other N-1 sit idle.
# N = 1 is the baseline the others are compared with. Writes a CSV and a
# log-log SVG chart (docs/scale.svg when --chart is given). A benchmark, not a
# test: run it by hand, as root.
# Usage: bench/scale.sh WGREF [--peers "1 1000 10000 50000 100000"] [--seconds S] [--csv FILE] [--chart FILE]
# WIREGUARD_GO_MODERN=PATH (default: ../shared/anchors' build, else wireguard-go on PATH).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF [--peers LIST] [--seconds S] [--csv FILE] [--chart FILE]}")
shift
peer_counts="1 1000 10000 50000 100000"; seconds=5; csv=""; chart=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --peers) peer_counts=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --csv) csv=$2; shift 2 ;;
    --chart) chart=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "needs root"; exit 1; }
for tool in iperf3 wg ip ping; do command -v "$tool" >/dev/null || { echo "missing $tool (tools/setup.sh)"; exit 1; }; done
wireguard_go=${WIREGUARD_GO_MODERN:-$here/../../shared/anchors/wireguard-go-0.0.20250522}
[[ -x $wireguard_go ]] || wireguard_go=$(command -v wireguard-go)
source "$here/../tools/netns/lib.sh"

work=$(umask 077 && mktemp -d)
cleanup_register rm -rf "$work"
(umask 077; wg genkey > "$work/a"; wg genkey > "$work/b")
wg pubkey < "$work/a" > "$work/a.pub"; wg pubkey < "$work/b" > "$work/b.pub"
[[ -n $csv ]] || csv=$work/scale.csv
echo "implementation,peers,setconf_s,show_s,rss_kib,bytes_per_peer,handshake_ms,gbit_s" > "$csv"

# config N: a setconf file for side A, N-1 idle peers (random keys, never
# reachable: no endpoint) and, last, the real peer B.
config() {
  /usr/bin/python3 - "$1" "$work/a" "$(cat "$work/b.pub")" > "$work/a-$1.conf" <<'PY'
import base64, os, sys
n = int(sys.argv[1])
out = ["[Interface]", "PrivateKey = " + open(sys.argv[2]).read().strip(), "ListenPort = 51820"]
for i in range(n - 1):
    # Configured only, never sent to: 10.0.0.0/8 and 2001:db8::/32 have room for 100,000 peers.
    out += ["[Peer]", "PublicKey = " + base64.b64encode(os.urandom(32)).decode(),
            "AllowedIPs = 10.%d.%d.0/24, 2001:db8:%x:%x::/64" % ((i >> 8) & 255, i & 255, i >> 16, i & 0xffff)]
out += ["[Peer]", "PublicKey = " + sys.argv[3], "AllowedIPs = 203.0.113.2/32", "Endpoint = 192.0.2.2:51820"]
print("\n".join(out))
PY
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
now_ns() { date +%s%N; }

# run KIND N: fresh namespaces, the daemon under test on side A with N peers.
run() {
  local kind=$1 n=$2 s ns_a ns_b if_a if_b pid_a pid_b
  s=$(netns_suffix); ns_a=wgref-sa-$s; ns_b=wgref-sb-$s
  netns_create "$ns_a"; netns_create "$ns_b"
  netns_veth "$ns_a" va0 192.0.2.1/24 "$ns_b" vb0 192.0.2.2/24
  if_a=sca${s:0:11}; if_b=scb${s:0:11}
  start() {  # start NS IFACE: the daemon of this KIND, in the foreground
    if [[ $kind == wgref ]]; then
      ip netns exec "$1" "$wgref" -f "$2" >/dev/null 2>&1 &
    else
      WG_PROCESS_FOREGROUND=1 ip netns exec "$1" "$wireguard_go" -f "$2" >/dev/null 2>&1 &
    fi
    echo $!
  }
  pid_a=$(start "$ns_a" "$if_a"); cleanup_register kill_pid_bounded "$pid_a"; cleanup_register rm -f "/var/run/wireguard/$if_a.sock"
  pid_b=$(start "$ns_b" "$if_b"); cleanup_register kill_pid_bounded "$pid_b"; cleanup_register rm -f "/var/run/wireguard/$if_b.sock"
  wait_for 10 test -S "/var/run/wireguard/$if_a.sock"; wait_for 10 test -S "/var/run/wireguard/$if_b.sock"
  # `ip netns exec` execs the daemon, so $! is its pid; RSS before any peer:
  local rss0 rss1 t0 t1 t2 show_ns setconf_ns handshake_ms gbit
  sleep 0.2; rss0=$(rss_kib "$pid_a")
  t0=$(now_ns)
  if ! timeout 300 ip netns exec "$ns_a" wg setconf "$if_a" "$work/a-$n.conf" 2> "$work/setconf.err"; then
    # wireguard-go holds at most 65,536 peers (device.MaxPeers): say so, and go on.
    echo "$kind: wg setconf of $n peers failed$([[ $kind == wireguard-go ]] && echo ' (wireguard-go holds at most 65,536 peers: device.MaxPeers)') $(grep -v '^$' "$work/setconf.err" | tail -1)" >&2
    echo "$kind,$n,nan,nan,nan,nan,nan,nan" >> "$csv"
    kill_pid_bounded "$pid_a"; kill_pid_bounded "$pid_b"
    ip netns del "$ns_a"; ip netns del "$ns_b"
    return 0
  fi
  t1=$(now_ns); setconf_ns=$((t1 - t0))
  timeout 300 ip netns exec "$ns_a" wg show "$if_a" dump > "$work/dump"
  t2=$(now_ns); show_ns=$((t2 - t1))
  [[ $(wc -l < "$work/dump") -eq $((n + 1)) ]] || { echo "$kind: wg show listed $(($(wc -l < "$work/dump") - 1)) peers, not $n" >&2; exit 1; }
  rss1=$(rss_kib "$pid_a")
  ip netns exec "$ns_b" wg set "$if_b" private-key "$work/b" listen-port 51820 peer "$(cat "$work/a.pub")" allowed-ips 203.0.113.1/32 endpoint 192.0.2.1:51820
  ip -n "$ns_a" addr add 203.0.113.1/24 dev "$if_a"; ip -n "$ns_a" link set "$if_a" up
  ip -n "$ns_b" addr add 203.0.113.2/24 dev "$if_b"; ip -n "$ns_b" link set "$if_b" up
  # B initiates: A must find B among N peers (§5.4.2: by its static key).
  handshake_ms=$(ip netns exec "$ns_b" ping -c 1 -W 5 203.0.113.1 | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p')
  [[ -n $handshake_ms ]] || handshake_ms=nan
  ip netns exec "$ns_a" iperf3 -s -1 -B 203.0.113.1 -p 5201 >/dev/null 2>&1 & local server=$!
  sleep 0.5
  ip netns exec "$ns_b" timeout $((seconds + 20)) iperf3 -c 203.0.113.1 -p 5201 -t "$seconds" -J > "$work/iperf.json" || true
  wait "$server" 2>/dev/null || true
  gbit=$(/usr/bin/python3 -c "import json,sys; print('%.3f' % (json.load(open(sys.argv[1]))['end']['sum_received']['bits_per_second'] / 1e9))" "$work/iperf.json" 2>/dev/null || echo nan)
  local per_peer
  per_peer=$(( (rss1 - rss0) * 1024 / n ))
  printf '%s,%d,%.3f,%.3f,%d,%d,%s,%s\n' "$kind" "$n" "$(awk "BEGIN {print $setconf_ns / 1e9}")" "$(awk "BEGIN {print $show_ns / 1e9}")" "$rss1" "$per_peer" "$handshake_ms" "$gbit" >> "$csv"
  kill_pid_bounded "$pid_a"; kill_pid_bounded "$pid_b"
  ip netns del "$ns_a"; ip netns del "$ns_b"
}

echo "N peers on one interface; $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); wireguard-go: $("$wireguard_go" --version 2>&1 | head -1)"
for n in $peer_counts; do config "$n"; done
for n in $peer_counts; do
  for kind in wgref wireguard-go; do run "$kind" "$n"; done
done
/usr/bin/python3 "$here/scale_report.py" "$csv" ${chart:+--chart "$chart"}
