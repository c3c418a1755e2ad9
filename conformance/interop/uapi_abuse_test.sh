#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A local configuration client cannot hold the packet path, nor leave a
# change half-made. Two wgref in namespaces carry a ping every 50 ms while
# wgref A's UAPI socket takes, one after another:
#   1. stuck clients (a request begun, then nothing, for 3 s), more of them
#      than wgref reads at once;
#   2. a client dripping a valid `set` a few bytes at a time, then leaving
#      before its end: nothing applied;
#   3. a huge request (one 50 MB line): refused at once;
#   4. garbage bytes, and a flood of 300 `get` requests;
#   5. a `set` cut off mid-line: nothing applied.
# Then: no ping lost, none slower than 250 ms (the old reader blocked the
# loop for 1 s per silent client, and for as long as a client dripped), the
# listen port and peers as they were, and `wg show` still answers.
# Usage: uapi_abuse_test.sh WGREF    Exit: 0 pass, 1 fail, 77 skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
for tool in wg ping; do command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }; done
source "$here/../../tools/netns/lib.sh"
s=$(netns_suffix); a=uab-a-$s; b=uab-b-$s; ia=uaa${s:0:11}; ib=uab${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$a"; netns_create "$b"
netns_veth "$a" va0 192.0.2.1/24 "$b" vb0 192.0.2.2/24
(umask 077; "$wgref" genkey > "$work/a"; "$wgref" genkey > "$work/b")
for side in "$a $ia" "$b $ib"; do
  read -r ns iface <<<"$side"
  ip netns exec "$ns" "$wgref" -f "$iface" 2>"$work/$iface.log" &
  cleanup_register kill_pid_bounded $!
  cleanup_register rm -f "/var/run/wireguard/$iface.sock"
  wait_for 5 test -S "/var/run/wireguard/$iface.sock"
done
ip netns exec "$a" wg set "$ia" private-key "$work/a" listen-port 51820 peer "$("$wgref" pubkey < "$work/b")" allowed-ips 203.0.113.2/32
ip netns exec "$b" wg set "$ib" private-key "$work/b" peer "$("$wgref" pubkey < "$work/a")" allowed-ips 203.0.113.1/32 endpoint 192.0.2.1:51820
ip -n "$a" addr add 203.0.113.1/24 dev "$ia"; ip -n "$a" link set "$ia" up
ip -n "$b" addr add 203.0.113.2/24 dev "$ib"; ip -n "$b" link set "$ib" up
ip netns exec "$b" ping -c 2 -W 2 203.0.113.1 >/dev/null || { echo "FAIL: no tunnel to begin with"; exit 1; }
before=$(ip netns exec "$a" wg showconf "$ia")
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The ping that must not notice: every 50 ms for the whole run (bounded).
ip netns exec "$b" ping -i 0.05 -c 400 -W 1 203.0.113.1 > "$work/ping" 2>&1 &
pinger=$!
cleanup_register kill_pid_bounded "$pinger"
sleep 0.5

timeout 60 /usr/bin/python3 - "/var/run/wireguard/$ia.sock" <<'PY' > "$work/abuse" 2>&1 || true
import socket, sys, time, threading
path = sys.argv[1]
def client():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)  # blocking: a full listen queue makes it wait, as `wg` would
    s.settimeout(10)
    return s
# 1. Stuck clients, more than are read at once (16).
stuck = []
for _ in range(20):
    s = client(); s.sendall(b"set=1\nlisten_port="); stuck.append(s)
time.sleep(3)
for s in stuck: s.close()
# 2. A valid set dripped a few bytes at a time for 3 s, then abandoned.
s = client()
drip = b"set=1\nlisten_port=44444\nfwmark=77\nreplace_peers=true\n"
for i in range(0, len(drip), 3):
    s.sendall(drip[i:i + 3]); time.sleep(0.2)
s.close()
# 3. A huge request: one 50 MB line. Refused as soon as the line is too long.
s = client()
start = time.time()
try:
    s.sendall(b"set=1\nlisten_port=" + b"9" * 50_000_000)
except OSError:
    pass
try:
    print("huge:", s.recv(100).decode().strip(), "after %.2f s" % (time.time() - start))
except OSError as e:
    print("huge: closed", e)
s.close()
# 4. Garbage, then a flood of gets, 20 clients at a time.
s = client(); s.sendall(bytes(range(256)) * 10 + b"\n\n"); print("garbage:", s.recv(100).decode().strip()); s.close()
answers = []
def gets(n):
    for _ in range(n):
        c = client(); c.sendall(b"get=1\n\n")
        data = b""
        while not data.endswith(b"\n\n"):
            chunk = c.recv(65536)
            if not chunk: break
            data += chunk
        answers.append(data.endswith(b"errno=0\n\n")); c.close()
threads = [threading.Thread(target=gets, args=(15,)) for _ in range(20)]
for t in threads: t.start()
for t in threads: t.join()
print("gets answered:", sum(answers), "of", len(answers))
# 5. A set cut off mid-line.
s = client(); s.sendall(b"set=1\nlisten_port=4444\nfwmark=9"); s.close()
PY
wait "$pinger" || true
cat "$work/abuse" | sed 's/^/  | /'
grep -q '^huge: errno=-22' "$work/abuse" && pass "a 50 MB line is refused" || fail "the huge request: $(grep '^huge' "$work/abuse")"
grep -q '^garbage: errno=-22' "$work/abuse" && pass "garbage is refused" || fail "garbage: $(grep '^garbage' "$work/abuse")"
grep -q '^gets answered: 300 of 300' "$work/abuse" && pass "300 gets from 20 clients at once, all answered" || fail "the flood of gets: $(grep '^gets' "$work/abuse")"
after=$(ip netns exec "$a" wg showconf "$ia")
[[ $after == "$before" ]] && pass "configuration unchanged: nothing half-applied" || { fail "the configuration changed"; diff <(echo "$before") <(echo "$after") || true; }
received=$(grep -o '[0-9]* received' "$work/ping" | grep -o '^[0-9]*' || echo 0)
max_ms=$(grep -o 'rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/[0-9.]*' "$work/ping" | awk -F/ '{print $NF}')
[[ $received -eq 400 ]] && pass "no ping lost (400 of 400)" || fail "pings received: $received of 400"
if [[ -n $max_ms ]] && awk "BEGIN {exit !($max_ms < 250)}"; then
  pass "slowest ping ${max_ms} ms while the socket was abused"
else
  fail "slowest ping ${max_ms:-?} ms: the packet path waited for a configuration client"
fi
ip netns exec "$a" wg show "$ia" >/dev/null && pass "wg show still answers" || fail "wg show no longer answers"
[[ $failures -eq 0 ]] && echo "PASS: UAPI abuse" || { echo "FAIL: $failures check(s)"; exit 1; }
