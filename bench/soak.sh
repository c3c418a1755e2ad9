#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real soak: wgref and wireguard-go, each in its own network namespace,
# joined by a veth pair, with traffic through the tunnel for N minutes:
#   - a ping every 0.2 s (sent and lost counted per sample interval),
#   - iperf3 TCP both ways at a bounded rate (50 Mbit/s each way, so a 2-core
#     machine is not saturated and the figures measure the daemons, not a
#     starved scheduler), in chunks of at most 60 s restarted until the end,
#   - a link flap every --flap-every seconds (the veth down for 5 s, then up),
#   - and, because traffic never stops, REKEY_AFTER_TIME (120 s) and
#     REJECT_AFTER_TIME (180 s) pass many times: handshakes are counted from
#     `wg show IFACE latest-handshakes` on both sides, polled every second.
# Every sample interval (about 10 s) one CSV row: elapsed seconds, RSS (KiB),
# open fds and CPU seconds so far of both daemons, pings sent and lost in the
# interval, whether a flap happened in it, handshakes seen so far, the bytes
# wgref has moved, and each side's UDP datagrams dropped because the daemon's
# socket receive buffer was full (per-namespace counters, so per daemon). At
# the end bench/soak_report.py prints the summary (and draws the SVG when
# --chart is given). A benchmark run by hand, as root, not a test; it stops by
# itself and removes everything it made, also on Ctrl-C.
# Usage: bench/soak.sh WGREF [--minutes N] [--flap-every SECONDS] [--csv FILE] [--chart FILE.svg]
# WIREGUARD_GO=PATH picks the wireguard-go (default: wireguard-go on PATH; the
# recorded run used ../shared/anchors/wireguard-go-0.0.20250522).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: $0 WGREF [--minutes N] [--flap-every SECONDS] [--csv FILE] [--chart FILE.svg]"
wgref=$(realpath "${1:?$usage}")
shift
minutes=30; flap_every=300; csv=""; chart=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --flap-every) flap_every=$2; shift 2 ;;
    --csv) csv=$2; shift 2 ;;
    --chart) chart=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
[[ $minutes =~ ^[0-9]+$ && $minutes -ge 1 && $minutes -le 1440 ]] || { echo "--minutes: 1 to 1440" >&2; exit 2; }
[[ $flap_every =~ ^[0-9]+$ && $flap_every -ge 20 ]] || { echo "--flap-every: at least 20 seconds" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "needs root"; exit 1; }
wireguard_go=$(command -v "${WIREGUARD_GO:-wireguard-go}") || { echo "missing wireguard-go (set WIREGUARD_GO)"; exit 1; }
for tool in iperf3 wg ip ping; do command -v "$tool" >/dev/null || { echo "missing $tool (tools/setup.sh)"; exit 1; }; done
source "$here/../tools/netns/lib.sh"

readonly interval=10          # seconds per sample (and per ping batch)
readonly ping_gap=0.2         # seconds between pings
readonly pings_per_sample=$((interval * 5))
readonly flap_down=5          # seconds the veth stays down
readonly iperf_chunk=60       # seconds per iperf3 run
readonly iperf_rate=50M       # per direction
clk_tck=$(getconf CLK_TCK)

work=$(umask 077 && mktemp -d)
cleanup_register rm -rf "$work"
[[ -n $csv ]] || csv=$work/soak.csv
(umask 077; wg genkey > "$work/a"; wg genkey > "$work/b")
wg pubkey < "$work/a" > "$work/a.pub"; wg pubkey < "$work/b" > "$work/b.pub"

# Side A runs wgref at 192.0.2.1 / 203.0.113.1, side B wireguard-go at
# 192.0.2.2 / 203.0.113.2. The UAPI sockets live in one directory shared by
# all namespaces, so the interface names carry this run's suffix.
s=$(netns_suffix); ns_a=wgref-soak-a-$s; ns_b=wgref-soak-b-$s
if_a=ska${s:0:11}; if_b=skb${s:0:11}
netns_create "$ns_a"; netns_create "$ns_b"
netns_veth "$ns_a" va0 192.0.2.1/24 "$ns_b" vb0 192.0.2.2/24

# `ip netns exec` execs the daemon, so $! is the daemon's own pid.
ip netns exec "$ns_a" "$wgref" -f "$if_a" > "$work/wgref.log" 2>&1 &
pid_a=$!
cleanup_register kill_pid_bounded "$pid_a"; cleanup_register rm -f "/var/run/wireguard/$if_a.sock"
WG_PROCESS_FOREGROUND=1 ip netns exec "$ns_b" "$wireguard_go" -f "$if_b" > "$work/wireguard-go.log" 2>&1 &
pid_b=$!
cleanup_register kill_pid_bounded "$pid_b"; cleanup_register rm -f "/var/run/wireguard/$if_b.sock"
wait_for 10 test -S "/var/run/wireguard/$if_a.sock"; wait_for 10 test -S "/var/run/wireguard/$if_b.sock"

# Both sides know the other's endpoint, so either may initiate a handshake.
ip netns exec "$ns_a" wg set "$if_a" private-key "$work/a" listen-port 51820 peer "$(cat "$work/b.pub")" allowed-ips 203.0.113.2/32 endpoint 192.0.2.2:51820
ip netns exec "$ns_b" wg set "$if_b" private-key "$work/b" listen-port 51820 peer "$(cat "$work/a.pub")" allowed-ips 203.0.113.1/32 endpoint 192.0.2.1:51820
ip -n "$ns_a" addr add 203.0.113.1/24 dev "$if_a"; ip -n "$ns_a" link set "$if_a" up
ip -n "$ns_b" addr add 203.0.113.2/24 dev "$if_b"; ip -n "$ns_b" link set "$if_b" up
ip netns exec "$ns_a" ping -c 3 -i 0.3 -W 2 203.0.113.2 > /dev/null || { echo "no ping through the tunnel before the soak" >&2; exit 1; }

# --- what is read each sample ------------------------------------------------
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }
# utime + stime (fields 14 and 15 of /proc/PID/stat, all threads together);
# the text after the last ')' starts at field 3, since comm may hold spaces.
cpu_seconds() { sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$clk_tck" '{printf "%.2f", ($12 + $13) / hz}'; }
now_ns() { date +%s%N; }
# latest NS IFACE: the unix time of the last handshake (0 before any).
latest() { ip netns exec "$1" wg show "$2" latest-handshakes 2>/dev/null | awk '{print $2; exit}'; }
# rcvbuf_drops NS: Udp RcvbufErrors of /proc/net/snmp (the namespace's only UDP
# socket is its daemon's): datagrams that arrived faster than it read them.
rcvbuf_drops() { ip netns exec "$1" awk '/^Udp:/ && ++n == 2 {print $6}' /proc/net/snmp; }
# rcvbuf_size NS: the receive buffer the kernel gave the daemon's socket (bytes).
rcvbuf_size() { ip netns exec "$1" ss -Huamn | sed -n 's/.*rb\([0-9]*\).*/\1/p' | head -1; }

# Handshakes are counted as changes of the latest-handshake time; polled every
# second, so two handshakes within one second count as one.
hs_a=0; hs_b=0; last_a=0; last_b=0
poll_handshakes() {
  local t
  t=$(latest "$ns_a" "$if_a"); t=${t:-0}
  if [[ $t != 0 && $t != "$last_a" ]]; then hs_a=$((hs_a + 1)); last_a=$t; fi
  t=$(latest "$ns_b" "$if_b"); t=${t:-0}
  if [[ $t != 0 && $t != "$last_b" ]]; then hs_b=$((hs_b + 1)); last_b=$t; fi
}

# iperf3: a server that serves one test (-1) and a client, both started anew
# when the last chunk ends; each chunk is cut to the time left, so traffic
# ends with the run. Both pids are read at exit (note the single quotes).
iperf_client=""; iperf_server=""; iperf_runs=0; ping_pid=""
cleanup_register '[[ -z $ping_pid ]] || kill_pid_bounded "$ping_pid"'
# (Never `kill 0`: an empty pid is skipped, not defaulted.)
cleanup_register '[[ -z $iperf_client ]] || kill_pid_bounded "$iperf_client"'
cleanup_register '[[ -z $iperf_server ]] || kill_pid_bounded "$iperf_server"'
ensure_iperf() {
  local left=$1
  [[ -n $iperf_client ]] && kill -0 "$iperf_client" 2>/dev/null && return 0
  [[ -n $iperf_client ]] && { wait "$iperf_client" 2>/dev/null || true; }
  [[ -n $iperf_server ]] && kill_pid_bounded "$iperf_server"
  iperf_client=""; iperf_server=""
  (( left >= 5 )) || return 0
  local seconds=$(( left < iperf_chunk ? left : iperf_chunk ))
  ip netns exec "$ns_b" iperf3 -s -1 -B 203.0.113.2 -p 5201 > /dev/null 2>&1 &
  iperf_server=$!
  sleep 0.5
  # No --connect-timeout: a chunk that starts during a flap should wait for
  # the link (TCP retries its SYN) rather than lose ten seconds of traffic.
  ip netns exec "$ns_a" iperf3 -c 203.0.113.2 -p 5201 --bidir -b "$iperf_rate" -t "$seconds" \
    > "$work/iperf.$iperf_runs.log" 2>&1 &
  iperf_client=$!
  iperf_runs=$((iperf_runs + 1))
}

# A veth taken down also takes its peer's carrier down, and the kernel drops
# the connected route: both daemons' sends fail until it comes back.
link_down=0
flap_start() { ip -n "$ns_a" link set va0 down; link_down=1; }
flap_end() { ip -n "$ns_a" link set va0 up; link_down=0; }

echo "elapsed_s,wgref_rss_kb,wgref_fds,wgref_cpu_s,wggo_rss_kb,wggo_fds,wggo_cpu_s,pings_sent,pings_lost,flap,wgref_handshakes,wggo_handshakes,wgref_rx_bytes,wgref_tx_bytes,wgref_rcvbuf_drops,wggo_rcvbuf_drops" > "$csv"
# row ELAPSED SENT LOST FLAP: one line of the CSV, read now.
row() {
  local rx tx
  read -r _ rx tx < <(ip netns exec "$ns_a" wg show "$if_a" transfer)
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$1" \
    "$(rss_kib "$pid_a")" "$(fd_count "$pid_a")" "$(cpu_seconds "$pid_a")" \
    "$(rss_kib "$pid_b")" "$(fd_count "$pid_b")" "$(cpu_seconds "$pid_b")" \
    "$2" "$3" "$4" "$hs_a" "$hs_b" "${rx:-0}" "${tx:-0}" "$(rcvbuf_drops "$ns_a")" "$(rcvbuf_drops "$ns_b")" >> "$csv"
}

echo "soak: wgref ($wgref) in $ns_a, wireguard-go ($("$wireguard_go" --version 2>&1 | head -1)) in $ns_b"
echo "      $minutes min, a sample every ~${interval} s, a ${flap_down} s flap every ${flap_every} s; $(nproc) cores"
echo "      UDP socket receive buffers: wgref $(rcvbuf_size "$ns_a") bytes, wireguard-go $(rcvbuf_size "$ns_b") bytes"
start=$(now_ns); end=$((start + minutes * 60 * 1000000000))
poll_handshakes
row 0.0 0 0 0
next_flap=$((start + flap_every * 1000000000))
max_samples=$((minutes * 60 / interval + 2))   # each sample takes at least $interval s
stopped=""
for ((sample = 1; sample <= max_samples; sample++)); do
  t=$(now_ns); (( t < end )) || break
  ensure_iperf $(( (end - t) / 1000000000 ))
  flap=0; down_at=0
  if (( t >= next_flap )); then
    flap_start; flap=1; down_at=$t
    next_flap=$((next_flap + flap_every * 1000000000))
  fi
  ip netns exec "$ns_a" ping -n -q -c "$pings_per_sample" -i "$ping_gap" -W 1 203.0.113.2 > "$work/ping.out" 2>&1 &
  ping_pid=$!
  # Wait for this batch of pings, polling handshakes and ending the flap on
  # time; bounded well past the batch's own ~10 s.
  for ((j = 0; j < interval + 15; j++)); do
    sleep 1
    (( link_down && $(now_ns) - down_at >= flap_down * 1000000000 )) && flap_end
    poll_handshakes
    kill -0 "$ping_pid" 2>/dev/null || break
  done
  (( link_down )) && flap_end
  kill -0 "$ping_pid" 2>/dev/null && kill_pid_bounded "$ping_pid"
  wait "$ping_pid" 2>/dev/null || true
  ping_pid=""
  sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$work/ping.out"); sent=${sent:-0}
  received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$work/ping.out"); received=${received:-0}
  for pid in "$pid_a" "$pid_b"; do
    kill -0 "$pid" 2>/dev/null || stopped="$stopped $pid"
  done
  [[ -z $stopped ]] || break
  row "$(awk -v t="$(now_ns)" -v s="$start" 'BEGIN {printf "%.1f", (t - s) / 1e9}')" "$sent" $((sent - received)) "$flap"
done
if [[ -n $stopped ]]; then
  echo "a daemon exited during the soak (pid$stopped; wgref $pid_a, wireguard-go $pid_b):" >&2
  tail -5 "$work/wgref.log" "$work/wireguard-go.log" >&2
fi
# Let the last iperf3 chunk finish (it was cut to end with the run).
if [[ -n $iperf_client ]]; then
  wait_for 10 bash -c "! kill -0 $iperf_client" || true
  kill_pid_bounded "$iperf_client"; iperf_client=""
fi
[[ -z $iperf_server ]] || { kill_pid_bounded "$iperf_server"; iperf_server=""; }
# (grep finding nothing is the good case: not an error under pipefail.)
failed=$({ grep -l 'iperf3: error' "$work"/iperf.*.log 2>/dev/null || true; } | wc -l)
echo "iperf3: $iperf_runs runs of up to ${iperf_chunk} s at ${iperf_rate}bit/s each way, $failed ended in an error"
[[ $failed -eq 0 ]] || grep -h 'iperf3: error' "$work"/iperf.*.log | sort | uniq -c >&2
/usr/bin/python3 "$here/soak_report.py" "$csv" ${chart:+--svg "$chart"}
[[ -z $stopped ]]
