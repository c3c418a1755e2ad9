#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Throughput and its cost, side by side, in one run and one namespace layout:
# iperf3 (TCP, one stream and four streams) between two namespaces over
#   veth                  the bare veth pair (the ceiling: no tunnel at all)
#   wireguard-go          Debian's wireguard-go, both ends
#   wireguard-go-modern   the wireguard-go people run today, both ends, when
#                         WIREGUARD_GO_MODERN (or WGREF_MODERN_WIREGUARD_GO)
#                         names it or ../shared/anchors has it
#   wgref                 wgref as it runs by default: offloads, crypto on every core
#   wgref-one-thread      wgref --threads 1: offloads, everything on one thread
#   wgref-plain           wgref --no-offload --threads 1: a packet per system
#                         call on one thread, as wgref was before it was made fast
# in ROUNDS interleaved rounds (every path once per round, so a slow minute
# on the machine hurts all of them alike), then each path's median, the
# ratios, and the cost: CPU seconds per GB moved, for the whole machine and
# for the two tunnel processes alone. A benchmark, not a test: run it by hand.
#
# Usage: bench/throughput.sh WGREF [SECONDS [ROUNDS]] [--csv FILE]
#   SECONDS per figure (default 10), ROUNDS (default 3); --csv writes every
#   round's figures (docs/making_it_fast.md draws its chart from one).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
csv=""
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --csv) csv=$(realpath -m "${2:?--csv FILE}"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
wgref=$(realpath "${args[0]:?usage: $0 WGREF [SECONDS [ROUNDS]] [--csv FILE]}")
seconds=${args[1]:-10}
rounds=${args[2]:-3}
[[ $(id -u) -eq 0 ]] || { echo "needs root"; exit 1; }
for tool in iperf3 wireguard-go wg ip; do command -v "$tool" >/dev/null || { echo "missing $tool (tools/setup.sh)"; exit 1; }; done
modern=${WIREGUARD_GO_MODERN:-${WGREF_MODERN_WIREGUARD_GO:-$here/../../shared/anchors/wireguard-go-0.0.20250522}}
kinds=(veth wireguard-go)
if "$modern" --version >/dev/null 2>&1; then kinds+=(wireguard-go-modern); else modern=""; fi
kinds+=(wgref wgref-one-thread wgref-plain)
source "$here/../tools/netns/lib.sh"

work=$(umask 077 && mktemp -d)
cleanup_register rm -rf "$work"
(umask 077; wg genkey > "$work/a"; wg genkey > "$work/b")
wg pubkey < "$work/a" > "$work/a.pub"; wg pubkey < "$work/b" > "$work/b.pub"

# Busy CPU ticks of the whole machine (/proc/stat: all but idle and iowait),
# and of the given processes (utime + stime); ticks are 1/100 s.
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
process_ticks() {
  local total=0 pid
  for pid in "$@"; do total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0) )); done
  echo "$total"
}

# measure NS_CLIENT SERVER_ADDRESS STREAMS NS_SERVER PIDS...: prints
# "Gbit/s machine-CPU-s/GB tunnel-CPU-s/GB"
measure() {
  local client=$1 address=$2 streams=$3 server_ns=$4; shift 4
  ip netns exec "$server_ns" iperf3 -s -1 -B "$address" -p 5201 >/dev/null 2>&1 & local server=$!
  sleep 0.5
  local machine0 tunnel0 machine1 tunnel1
  machine0=$(machine_ticks); tunnel0=$(process_ticks "$@")
  ip netns exec "$client" timeout $((seconds + 20)) iperf3 -c "$address" -p 5201 -t "$seconds" -P "$streams" -J > "$work/iperf.json" || true
  machine1=$(machine_ticks); tunnel1=$(process_ticks "$@")
  wait "$server" 2>/dev/null || true
  /usr/bin/python3 - "$work/iperf.json" $((machine1 - machine0)) $((tunnel1 - tunnel0)) <<'PY'
import json, sys
received = json.load(open(sys.argv[1]))["end"]["sum_received"]
gb = received["bytes"] / 1e9
machine, tunnel = int(sys.argv[2]) / 100, int(sys.argv[3]) / 100
print("%.2f %.2f %.2f" % (received["bits_per_second"] / 1e9, machine / gb if gb else 0, tunnel / gb if gb else 0))
PY
}

# run KIND ROUND: a fresh pair of namespaces, both directions' figures
# appended to $work/results as "KIND ROUND STREAMS GBITS MACHINE TUNNEL".
run() {
  local kind=$1 round=$2 s ns_a ns_b if_a if_b pids=()
  s=$(netns_suffix); ns_a=wgref-ta-$s; ns_b=wgref-tb-$s
  netns_create "$ns_a"; netns_create "$ns_b"
  netns_veth "$ns_a" va0 192.0.2.1/24 "$ns_b" vb0 192.0.2.2/24
  local target=192.0.2.2
  if [[ $kind != veth ]]; then
    if_a=tpa${s:0:11}; if_b=tpb${s:0:11}
    for side in "$ns_a $if_a" "$ns_b $if_b"; do
      read -r ns iface <<<"$side"
      case $kind in
        wgref) ip netns exec "$ns" "$wgref" -f "$iface" >/dev/null 2>&1 & ;;
        wgref-one-thread) ip netns exec "$ns" "$wgref" -f --threads 1 "$iface" >/dev/null 2>&1 & ;;
        wgref-plain) ip netns exec "$ns" "$wgref" -f --no-offload --threads 1 "$iface" >/dev/null 2>&1 & ;;
        wireguard-go) WG_PROCESS_FOREGROUND=1 ip netns exec "$ns" wireguard-go -f "$iface" >/dev/null 2>&1 & ;;
        wireguard-go-modern) WG_PROCESS_FOREGROUND=1 ip netns exec "$ns" "$modern" -f "$iface" >/dev/null 2>&1 & ;;
      esac
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
  local streams
  for streams in 1 4; do
    echo "$kind $round $streams $(measure "$ns_a" "$target" "$streams" "$ns_b" "${pids[@]}")" >> "$work/results"
  done
  # This run's processes and namespaces go now, so the next run starts clean
  # (the EXIT trap still covers an interrupted run).
  for pid in "${pids[@]}"; do kill_pid_bounded "$pid"; done
  ip netns del "$ns_a"; ip netns del "$ns_b"
}

echo "iperf3 TCP, ${seconds} s per figure, $rounds interleaved rounds, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(uname -r)"
[[ -n $modern ]] && echo "wireguard-go-modern: $modern ($("$modern" --version 2>&1 | head -1))"
echo "wireguard-go: $(command -v wireguard-go) ($(wireguard-go --version 2>&1 | head -1))"
: > "$work/results"
for round in $(seq 1 "$rounds"); do
  for kind in "${kinds[@]}"; do
    run "$kind" "$round"   # not in a subshell: its cleanups must reach this shell's EXIT trap
  done
  echo "round $round done"
done
[[ -z $csv ]] || { echo "path,round,streams,gbit_per_s,machine_cpu_s_per_gb,tunnel_cpu_s_per_gb" > "$csv"; tr ' ' ',' < "$work/results" >> "$csv"; }

/usr/bin/python3 - "$work/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
kinds = list(dict.fromkeys(r[0] for r in rows))
def median(kind, streams, column):
    return statistics.median(float(r[column]) for r in rows if r[0] == kind and r[2] == streams)
print("\nmedians       %-26s %-26s" % ("1 stream", "4 streams"))
print("%-20s %6s %7s %7s   %6s %7s %7s" % ("path", "Gbit/s", "CPU-s/GB", "tunnel", "Gbit/s", "CPU-s/GB", "tunnel"))
for k in kinds:
    print("%-20s %6.2f %7.2f %7.2f   %6.2f %7.2f %7.2f" % ((k,) + tuple(median(k, s, c) for s in ("1", "4") for c in (3, 4, 5))))
def ratio(a, b):
    if a not in kinds or b not in kinds:
        return
    one, four = (median(a, s, 3) / median(b, s, 3) for s in ("1", "4"))
    print("%s / %s: %.2fx (1 stream), %.2fx (4 streams)" % (a, b, one, four))
print()
for other in ("wireguard-go-modern", "wireguard-go", "wgref-one-thread", "wgref-plain"):
    ratio("wgref", other)
ratio("wgref-one-thread", "wgref-plain")
PY
