#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The daemon behaves as wireguard-go does where a user (or wg-quick) can tell:
#   1. `ip link del IFACE` ends wgref (it used to spin at 100% CPU with its
#      UAPI socket still answering);
#   2. fwmark reaches the UDP socket (SO_MARK, as `ss -e` shows), follows a
#      port change, and 0 clears it;
#   3. a second wgref for the same name in another namespace is refused while
#      the first answers, and leaves the first one's socket alone;
#   4. WG_PROCESS_FOREGROUND=1 keeps it in the foreground; LOG_LEVEL=verbose
#      logs, and a refused UAPI request is logged with its reason.
# Usage: wgref_daemon_test.sh WGREF    Exit: 0 pass, 1 fail, 77 skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
command -v wg >/dev/null && command -v ss >/dev/null || { echo "SKIP: needs wg and ss"; exit 77; }
source "$here/../../tools/netns/lib.sh"
s=$(netns_suffix); a=wgd-a-$s; b=wgd-b-$s; iface=wgd${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$a"
netns_create "$b"
cleanup_register rm -f "/var/run/wireguard/$iface.sock"
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 4a. WG_PROCESS_FOREGROUND=1: the process we start is the daemon.
ip netns exec "$a" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=verbose "$wgref" "$iface" 2>"$work/a.log" &
daemon=$!
cleanup_register kill_pid_bounded "$daemon"
wait_for 5 test -S "/var/run/wireguard/$iface.sock" || { cat "$work/a.log"; fail "no UAPI socket"; exit 1; }
kill -0 "$daemon" 2>/dev/null && pass "WG_PROCESS_FOREGROUND=1: still in the foreground" || fail "it went to the background"

# 2. fwmark on the socket, through a port change, and cleared by 0.
mark_of() { ip netns exec "$a" ss -uaen "sport = :$1" 2>/dev/null | grep -o 'fwmark:0x[0-9a-f]*' | head -1; }
ip netns exec "$a" wg set "$iface" listen-port 51901 fwmark 0xca6c
[[ $(mark_of 51901) == fwmark:0xca6c ]] && pass "fwmark 0xca6c on the socket" || fail "no fwmark on the socket: '$(mark_of 51901)'"
ip netns exec "$a" wg set "$iface" listen-port 51902
[[ $(mark_of 51902) == fwmark:0xca6c ]] && pass "the mark follows a new port" || fail "the new socket lost the mark"
ip netns exec "$a" wg set "$iface" fwmark 0
[[ -z $(mark_of 51902) ]] && pass "fwmark 0 clears it" || fail "fwmark 0 left '$(mark_of 51902)'"

# 3. A second instance for the same name, elsewhere: refused, nothing touched.
# (Bounded: an instance that took over would serve until killed.)
if out=$(timeout 5 ip netns exec "$b" "$wgref" -f "$iface" 2>&1) || [[ $? -eq 124 ]]; then
  fail "a second wgref took over $iface.sock"
else
  [[ $out == *"in use"* ]] && pass "second instance refused: $out" || fail "second instance failed unclearly: $out"
fi
ip -n "$b" link show "$iface" >/dev/null 2>&1 && fail "the refused instance made an interface" || pass "no interface made by the refused one"
ip netns exec "$a" wg show "$iface" >/dev/null 2>&1 && pass "the first still answers on its socket" || fail "the first lost its socket"

# 4b. A refused request is logged with its reason (never the request itself).
/usr/bin/python3 - "/var/run/wireguard/$iface.sock" <<'PY' >"$work/reply" || true
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
s.sendall(b"set=1\nno_such_key=1\n\n"); print(s.recv(4096).decode().strip())
PY
[[ -s $work/reply ]] || echo "(no reply)" > "$work/reply"
[[ $(cat "$work/reply") == errno=-22 ]] && pass "refused request: errno=-22" || fail "reply: $(cat "$work/reply")"
wait_for 5 grep -q "set refused: line 2: no_such_key" "$work/a.log" && pass "the log says why: $(grep 'set refused' "$work/a.log")" \
  || { fail "no reason in the log"; cat "$work/a.log"; }

# 1. The link deleted under it: wgref ends, and removes its socket.
ip -n "$a" link del "$iface"
if wait_for 5 bash -c "! kill -0 $daemon 2>/dev/null"; then
  pass "ip link del: wgref exited"
else
  fail "ip link del: wgref still running ($(ps -o %cpu= -p "$daemon" | tr -d ' ')% CPU)"
fi
wait_for 2 bash -c "! test -e /var/run/wireguard/$iface.sock" && pass "its socket is gone" || fail "its socket is left"
grep -q "is gone" "$work/a.log" && pass "the log says: $(grep 'is gone' "$work/a.log")" || fail "nothing in the log about the device"

[[ $failures -eq 0 ]] && { echo "PASS: wgref behaves as a daemon should"; exit 0; }
exit 1
