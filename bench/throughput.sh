#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Throughput, side by side, in one run and one namespace layout: iperf3 (TCP,
# 10 s, one stream and four streams) over
#   1. the bare veth pair (the ceiling: no tunnel at all),
#   2. a wireguard-go <-> wireguard-go tunnel,
#   3. a wgref <-> wgref tunnel,
# then the wgref / wireguard-go ratios. A benchmark, not a test: run it by hand.
# Usage: bench/throughput.sh WGREF [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF [SECONDS]}")
seconds=${2:-10}
[[ $(id -u) -eq 0 ]] || { echo "needs root"; exit 1; }
for tool in iperf3 wireguard-go wg ip; do command -v "$tool" >/dev/null || { echo "missing $tool (tools/setup.sh)"; exit 1; }; done
source "$here/../tools/netns/lib.sh"

work=$(umask 077 && mktemp -d)
cleanup_register rm -rf "$work"
(umask 077; wg genkey > "$work/a"; wg genkey > "$work/b")
wg pubkey < "$work/a" > "$work/a.pub"; wg pubkey < "$work/b" > "$work/b.pub"

# measure NS_CLIENT SERVER_ADDRESS STREAMS NS_SERVER: prints the Gbit/s received
measure() {
  ip netns exec "$4" iperf3 -s -1 -B "$2" -p 5201 >/dev/null 2>&1 & local server=$!
  sleep 0.5
  ip netns exec "$1" timeout $((seconds + 20)) iperf3 -c "$2" -p 5201 -t "$seconds" -P "$3" -J > "$work/iperf.json" || true
  wait "$server" 2>/dev/null || true
  /usr/bin/python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['end']['sum_received']['bits_per_second'] / 1e9))" "$work/iperf.json"
}

# run KIND: a fresh pair of namespaces; KIND is veth, wireguard-go or wgref.
run() {
  local kind=$1 s ns_a ns_b if_a if_b pids=()
  s=$(netns_suffix); ns_a=wgref-ta-$s; ns_b=wgref-tb-$s
  netns_create "$ns_a"; netns_create "$ns_b"
  netns_veth "$ns_a" va0 192.0.2.1/24 "$ns_b" vb0 192.0.2.2/24
  local target=192.0.2.2
  if [[ $kind != veth ]]; then
    if_a=tpa${s:0:11}; if_b=tpb${s:0:11}
    for side in "$ns_a $if_a" "$ns_b $if_b"; do
      read -r ns iface <<<"$side"
      if [[ $kind == wgref ]]; then
        ip netns exec "$ns" "$wgref" -f "$iface" >/dev/null 2>&1 &
      else
        WG_PROCESS_FOREGROUND=1 ip netns exec "$ns" wireguard-go -f "$iface" >/dev/null 2>&1 &
      fi
      pids+=($!)
      cleanup_register kill_pid_bounded $!
      cleanup_register rm -f "/var/run/wireguard/$iface.sock"
      wait_for 10 test -S "/var/run/wireguard/$iface.sock"
    done
    ip netns exec "$ns_a" wg set "$if_a" private-key "$work/a" listen-port 51820 peer "$(cat "$work/b.pub")" allowed-ips 203.0.113.2/32 endpoint 192.0.2.2:51820
    ip netns exec "$ns_b" wg set "$if_b" private-key "$work/b" listen-port 51820 peer "$(cat "$work/a.pub")" allowed-ips 203.0.113.1/32 endpoint 192.0.2.1:51820
    ip -n "$ns_a" addr add 203.0.113.1/24 dev "$if_a"; ip -n "$ns_a" link set "$if_a" up
    ip -n "$ns_b" addr add 203.0.113.2/24 dev "$if_b"; ip -n "$ns_b" link set "$if_b" up
    ip netns exec "$ns_a" ping -c 2 -W 2 203.0.113.2 >/dev/null
    target=203.0.113.2
  fi
  one=$(measure "$ns_a" "$target" 1 "$ns_b")
  four=$(measure "$ns_a" "$target" 4 "$ns_b")
  echo "$kind $one $four" >> "$work/results"
  # This run's processes and namespaces go now, so the next run starts clean
  # (the EXIT trap still covers an interrupted run).
  for pid in "${pids[@]}"; do kill_pid_bounded "$pid"; done
  ip netns del "$ns_a"; ip netns del "$ns_b"
}

echo "iperf3 TCP, ${seconds} s per figure, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
printf '%-14s %12s %12s\n' "path" "1 stream" "4 streams"
declare -A one four
for kind in veth wireguard-go wgref; do
  run "$kind"   # not in a subshell: its cleanups must reach this shell's EXIT trap
  read -r k a b < <(tail -1 "$work/results")
  one[$k]=$a; four[$k]=$b
  printf '%-14s %9s Gb/s %9s Gb/s\n' "$k" "$a" "$b"
done
/usr/bin/python3 -c "import sys; a,b,c,d=map(float,sys.argv[1:]); print('wgref / wireguard-go: %.2fx (1 stream), %.2fx (4 streams)' % (a/b if b else 0, c/d if d else 0))" \
  "${one[wgref]}" "${one[wireguard-go]}" "${four[wgref]}" "${four[wireguard-go]}"
