#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# wgref over TUN against a real peer: wgref in one namespace, PEER (wireguard-go
# or a second wgref) in another, both configured only with `wg`, exactly as a
# user would. Checks, in order:
#   1. ping over IPv4 and IPv6 inner addresses, wgref initiating (paper §5.4)
#   2. `wg show` on wgref reports a latest handshake and transfer counts (UAPI)
#   3. the peer initiating, after both sides forget their sessions
#   4. roaming: the peer moves to a new UDP port; wgref answers it there (§2.1)
#   5. 50 MB TCP transfers through the tunnel, SHA-256 compared end to end:
#      to wgref over IPv4, from wgref over IPv6
#   6. with offloads on, wgref wrote and read those 50 MB to and from its TUN
#      device in far fewer calls than packets (super-packets, glued and cut);
#      with --no-offload, one call per packet
# With --psk both sides also share a pre-shared key (§5.2); with --no-offload
# every wgref takes the plain path: one packet per system call, one thread
# (--no-offload --threads 1).
#
# Usage: wgref_pair_test.sh WGREF wireguard-go|wgref [--psk|--no-offload]
# Exit: 0 pass, 1 fail, 77 skipped (not root, or a tool is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF wireguard-go|wgref [--psk|--no-offload]}")
peer_kind=${2:?usage: $0 WGREF wireguard-go|wgref [--psk|--no-offload]}
use_psk=""; offload=()
case ${3:-} in
  --psk) use_psk=--psk ;;
  --no-offload) offload=(--no-offload --threads 1) ;;  # the plain path: a packet per call, one thread
  "") ;;
  *) echo "usage: $0 WGREF wireguard-go|wgref [--psk|--no-offload]"; exit 2 ;;
esac

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root for network namespaces"; exit 77; }
for tool in ip wg ping /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (run tools/setup.sh)"; exit 77; }
done
[[ $peer_kind != wireguard-go ]] || command -v wireguard-go >/dev/null || { echo "SKIP: no wireguard-go"; exit 77; }

source "$here/../../tools/netns/lib.sh"
suffix=$(netns_suffix)
ns_a=wgref-a-$suffix; ns_b=wgref-b-$suffix
if_a=wra${suffix:0:11}; if_b=wrb${suffix:0:11}   # unique on the machine: UAPI sockets share a directory
work=$(umask 077 && mktemp -d)
cleanup_register rm -rf "$work"
netns_create "$ns_a"
netns_create "$ns_b"
netns_veth "$ns_a" va0 192.0.2.1/24 "$ns_b" vb0 192.0.2.2/24

(umask 077; wg genkey > "$work/a"; wg genkey > "$work/b"; wg genpsk > "$work/psk")
wg pubkey < "$work/a" > "$work/a.pub"; wg pubkey < "$work/b" > "$work/b.pub"

# The PSK variant traces as JSON (one object per line), the other as text.
trace_flag=--trace
[[ -n $use_psk ]] && trace_flag=--trace=json

start() {  # start NS IFACE KIND LOG
  local pid
  if [[ $3 == wgref ]]; then
    LOG_LEVEL=verbose ip netns exec "$1" "$wgref" -f "$trace_flag" "${offload[@]}" "$2" >"$4" 2>&1 &
  else
    WG_PROCESS_FOREGROUND=1 ip netns exec "$1" wireguard-go -f "$2" >"$4" 2>&1 &
  fi
  pid=$!
  cleanup_register kill_pid_bounded "$pid"
  cleanup_register rm -f "/var/run/wireguard/$2.sock"
  wait_for 10 test -S "/var/run/wireguard/$2.sock" || { echo "FAIL: $3 did not start"; cat "$4"; exit 1; }
}
start "$ns_a" "$if_a" wgref "$work/a.log"
start "$ns_b" "$if_b" "$peer_kind" "$work/b.log"

psk=(); [[ $use_psk == --psk ]] && psk=(preshared-key "$work/psk")
configure() {  # configure: (re)apply both sides' configuration from scratch
  ip netns exec "$ns_a" wg set "$if_a" private-key "$work/a" listen-port 51820 \
    peer "$(cat "$work/b.pub")" allowed-ips 203.0.113.2/32,2001:db8:100::2/128 endpoint 192.0.2.2:51820 "${psk[@]}"
  ip netns exec "$ns_b" wg set "$if_b" private-key "$work/b" listen-port 51820 \
    peer "$(cat "$work/a.pub")" allowed-ips 203.0.113.1/32,2001:db8:100::1/128 endpoint 192.0.2.1:51820 "${psk[@]}"
}
configure
for side in "$ns_a $if_a 1" "$ns_b $if_b 2"; do
  read -r ns iface n <<<"$side"
  ip -n "$ns" addr add "203.0.113.$n/24" dev "$iface"
  ip -n "$ns" -6 addr add "2001:db8:100::$n/64" dev "$iface" nodad
  ip -n "$ns" link set "$iface" up
done

failures=0
check() {  # check NAME CMD...: run a bounded step and report it
  local name=$1; shift
  if "$@" >"$work/step.log" 2>&1; then echo "PASS: $name"; else echo "FAIL: $name"; cat "$work/step.log"; failures=$((failures + 1)); fi
}
pings() { ip netns exec "$1" ping -c 3 -i 0.2 -W 2 "$2"; }

check "ping IPv4, wgref initiating" pings "$ns_a" 203.0.113.2
check "ping IPv6" pings "$ns_a" 2001:db8:100::2
check "wg show on wgref: latest handshake and transfer" bash -c "
  ip netns exec $ns_a wg show $if_a latest-handshakes | awk '{exit !(\$2 > 0)}' &&
  ip netns exec $ns_a wg show $if_a transfer | awk '{exit !(\$2 > 0 && \$3 > 0)}'"

# The peer initiates: remove and re-add the peers so no session survives.
ip netns exec "$ns_a" wg set "$if_a" peer "$(cat "$work/b.pub")" remove
ip netns exec "$ns_b" wg set "$if_b" peer "$(cat "$work/a.pub")" remove
configure
check "ping IPv4, $peer_kind initiating" pings "$ns_b" 203.0.113.1
check "wg show on wgref: a latest handshake as responder too" bash -c "
  ip netns exec $ns_a wg show $if_a latest-handshakes | awk '{exit !(\$2 > 0)}'"

# wg showconf, syncconf, setconf. syncconf with an unchanged configuration
# must not disturb the running session: no new handshake (the latest
# handshake time stays put) and traffic keeps flowing.
check "wg syncconf of an unchanged configuration keeps the session" bash -c "
  before=\$(ip netns exec $ns_a wg show $if_a latest-handshakes | awk '{print \$2}')
  sleep 1.2
  ip netns exec $ns_a wg showconf $if_a > $work/showconf
  ip netns exec $ns_a wg syncconf $if_a $work/showconf
  ip netns exec $ns_a ping -c 2 -i 0.2 -W 2 203.0.113.2 >/dev/null
  after=\$(ip netns exec $ns_a wg show $if_a latest-handshakes | awk '{print \$2}')
  echo before=\$before after=\$after; [[ \$before -gt 0 && \$before == \$after ]]"
check "wg setconf replaces the configuration, and traffic resumes" bash -c "
  ip netns exec $ns_a wg setconf $if_a $work/showconf &&
  ip netns exec $ns_a wg show $if_a allowed-ips | grep -q 203.0.113.2/32 &&
  ip netns exec $ns_a ping -c 2 -i 0.2 -W 2 203.0.113.2 >/dev/null"

# Roaming: the peer listens on a new port; its next packets come from there.
ip netns exec "$ns_b" wg set "$if_b" listen-port 51999
check "roaming: wgref follows the peer to port 51999" bash -c "
  ip netns exec $ns_b ping -c 3 -i 0.2 -W 2 203.0.113.1 >/dev/null &&
  ip netns exec $ns_a wg show $if_a endpoints | grep -q ':51999'"

# 50 MB of TCP through the tunnel, hashed at both ends.
cat >"$work/tcp.py" <<'PY'
import hashlib, socket, sys
size = 50 * 1024 * 1024
address = sys.argv[2]
family = socket.AF_INET6 if ":" in address else socket.AF_INET
if sys.argv[1] == "receive":
    s = socket.socket(family); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, 5001)); s.listen(1); s.settimeout(30)
    c, _ = s.accept(); c.settimeout(60); h = hashlib.sha256(); n = 0
    while True:
        b = c.recv(1 << 16)
        if not b: break
        h.update(b); n += len(b)
    print(n, h.hexdigest())
else:
    c = socket.create_connection((address, 5001), timeout=30); h = hashlib.sha256()
    block = hashlib.sha256(b"wgref").digest() * 2048
    for i in range(size // len(block)):
        chunk = bytes([i & 0xff]) + block[1:]
        c.sendall(chunk); h.update(chunk)
    c.close(); print(size, h.hexdigest())
PY
transfer() {  # transfer RECEIVER_NS SENDER_NS ADDRESS: 50 MB, hashed at both ends
  rm -f "$work/sent" "$work/received"
  ip netns exec "$1" timeout 90 /usr/bin/python3 "$work/tcp.py" receive "$3" > "$work/received" & local receiver=$!
  sleep 0.5
  ip netns exec "$2" timeout 90 /usr/bin/python3 "$work/tcp.py" send "$3" > "$work/sent"
  wait "$receiver"
  echo "sent: $(cat "$work/sent")"; echo "received: $(cat "$work/received")"
  [[ -s $work/sent && $(cat "$work/sent") == $(cat "$work/received") ]]
}
# TUN writes and reads so far, from the kernel's count of wgref's write()
# and read() calls (TUN, timerfd and signalfd; datagrams go by sendmmsg and
# recvmmsg, not counted here).
wgref_pid=$(ip netns pids "$ns_a" | while read -r pid; do [[ $(readlink "/proc/$pid/exe") == "$wgref" ]] && echo "$pid"; done | head -1)
calls() { awk -v what="$1" '$1 == what ":" {print $2}' "/proc/$wgref_pid/io"; }
writes_before=$(calls syscw)
check "50 MB TCP to wgref over IPv4, SHA-256 equal at both ends" transfer "$ns_a" "$ns_b" 203.0.113.1
writes=$(( $(calls syscw) - writes_before ))
reads_before=$(calls syscr)
check "50 MB TCP from wgref over IPv6, SHA-256 equal at both ends" transfer "$ns_b" "$ns_a" 2001:db8:100::2
reads=$(( $(calls syscr) - reads_before ))
# 50 MB in segments of at most 1,368 bytes is 38,000 packets or more: one
# call each on the plain path; with 64 KB super-packets, a few thousand.
if [[ ${#offload[@]} -gt 0 ]]; then
  check "--no-offload: one TUN write per packet ($writes writes)" test "$writes" -ge 38000
  check "--no-offload: one TUN read per packet ($reads reads)" test "$reads" -ge 38000
elif grep -q "TUN offloads: checksums, TCP segments" "$work/a.log"; then
  check "offloads: 50 MB written to the TUN device as super-packets ($writes writes)" test "$writes" -lt 10000
  check "offloads: 50 MB read from the TUN device as super-packets ($reads reads)" test "$reads" -lt 10000
else
  echo "NOTE: this kernel refused TUN offloads (see the log); the plain path was tested"
fi

if [[ $trace_flag == --trace=json ]]; then
  check "--trace=json: every event is one JSON object naming its paper section" /usr/bin/python3 -c '
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
assert events and all({"time", "event", "peer", "section"} <= e.keys() for e in events), events[:3]
kinds = {(e["event"], e["section"]) for e in events}
assert ("handshake initiation sent", "5.4.2") in kinds or ("handshake initiation received", "5.4.2") in kinds, kinds
print(len(events), "events, e.g.", events[0])' "$work/a.log"
fi

echo "--- wg show on wgref ($if_a)"; ip netns exec "$ns_a" wg show "$if_a"
if [[ $failures -eq 0 ]]; then
  echo "PASS: wgref <-> $peer_kind${use_psk:+ (with PSK)}: all checks"
  exit 0
fi
echo "FAIL: $failures check(s) failed; wgref's trace:"; tail -50 "$work/a.log"
exit 1
