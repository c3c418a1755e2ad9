#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A wall clock set right while wgref runs, as NTP sets the clock of a machine
# that booted without a real-time one: wgref's next initiation carries the
# corrected time, as the kernel's does (it reads the wall clock at each
# initiation, tai64n_now). Two wgref, A and B; A runs under clock_shim, whose
# wall clock the test steps by writing a number of seconds into a file, and
# the machine's clock is never touched.
#   1. A makes a session with B: B holds A's timestamp (§5.1).
#   2. A restarts an hour behind: B refuses its initiations, older than the
#      one it holds (the control: the shim moves A's clock).
#   3. A's clock is set right: within two retries (REKEY_TIMEOUT, 5 s, §6.4)
#      the tunnel works, and `wg show` gives the handshake the corrected time.
# Usage: clock_step_test.sh WGREF CLOCK_SHIM    Exit: 0 pass, 1 fail, 77 skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF CLOCK_SHIM}")
shim=$(realpath "${2:?usage: $0 WGREF CLOCK_SHIM}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
for tool in wg ping; do command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }; done
source "$here/../../tools/netns/lib.sh"
s=$(netns_suffix); a=clk-a-$s; b=clk-b-$s; ia1=cka${s:0:11}; ia2=ckc${s:0:11}; ib=ckb${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$a"; netns_create "$b"
netns_veth "$a" va0 192.0.2.1/24 "$b" vb0 192.0.2.2/24
(umask 077; "$wgref" genkey > "$work/a.key"; "$wgref" genkey > "$work/b.key")
echo 0 > "$work/clock_offset"

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ping_b() { ip netns exec "$a" ping -c 1 -W 1 203.0.113.2 >/dev/null; }

# B knows A's key but not where A is: it never initiates, it only answers.
ip netns exec "$b" "$wgref" -f "$ib" 2> "$work/b.log" &
cleanup_register kill_pid_bounded $!
cleanup_register rm -f "/var/run/wireguard/$ib.sock"
wait_for 5 test -S "/var/run/wireguard/$ib.sock"
ip netns exec "$b" wg set "$ib" private-key "$work/b.key" listen-port 51820 \
  peer "$("$wgref" pubkey < "$work/a.key")" allowed-ips 203.0.113.1/32
ip -n "$b" addr add 203.0.113.2/24 dev "$ib"; ip -n "$b" link set "$ib" up

# start_a IFACE: A under the shim, on a new interface; its PID in a_pid.
start_a() {
  ip netns exec "$a" env LD_PRELOAD="$shim" WGREF_TEST_CLOCK_OFFSET_FILE="$work/clock_offset" \
    "$wgref" -f "$1" 2> "$work/$1.log" &
  a_pid=$!
  cleanup_register kill_pid_bounded $a_pid
  cleanup_register rm -f "/var/run/wireguard/$1.sock"
  wait_for 5 test -S "/var/run/wireguard/$1.sock"
  ip netns exec "$a" wg set "$1" private-key "$work/a.key" \
    peer "$("$wgref" pubkey < "$work/b.key")" allowed-ips 203.0.113.2/32 endpoint 192.0.2.2:51820
  ip -n "$a" addr add 203.0.113.1/24 dev "$1"; ip -n "$a" link set "$1" up
}

# 1. A session: B now holds a timestamp of A's from the right time.
start_a "$ia1"
wait_for 5 ping_b && pass "A and B make a session" || { fail "no session at all"; exit 1; }
kill_pid_bounded "$a_pid"

# 2. A again, an hour behind.
echo -3600 > "$work/clock_offset"
start_a "$ia2"
if wait_for 4 ping_b; then
  fail "B took an initiation an hour older than the one it holds: the shim did not move A's clock"
else
  pass "an hour behind, A's initiations are refused as replays"
fi

# 3. The clock is set right while A runs.
echo 0 > "$work/clock_offset"
set_right=$(date +%s%N)
if wait_for 12 ping_b; then
  pass "the tunnel works $(( ($(date +%s%N) - set_right) / 1000000 )) ms after the clock was set right"
else
  fail "12 s after the clock was set right, A's initiations still carry the clock it had at start"
fi
read -r _ handshake < <(ip netns exec "$a" wg show "$ia2" latest-handshakes)
now=$(date +%s)
if (( handshake == 0 )); then
  fail "wg show: no handshake"
elif (( handshake > now - 20 && handshake <= now + 1 )); then
  pass "wg show: the handshake was $((now - handshake)) s ago, on the corrected clock"
else
  fail "wg show: the handshake at $handshake, $((now - handshake)) s before now"
fi
[[ $failures -eq 0 ]] && echo "PASS: clock step" || { echo "FAIL: $failures check(s)"; exit 1; }
