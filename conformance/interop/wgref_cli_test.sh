#!/usr/bin/env bash
# The command line keeps its promises:
#   - `wgref IFACE` returns once the interface exists and keeps serving in the
#     background, like wireguard-go; SIGTERM removes the interface cleanly;
#   - a bad --config line is reported by number, and nothing is created;
#   - a config holding a private key that others can read is refused.
# Usage: wgref_cli_test.sh WGREF    Exit: 0 pass, 1 fail, 77 skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
command -v wg >/dev/null || { echo "SKIP: no wg"; exit 77; }
source "$here/../../tools/netns/lib.sh"
s=$(netns_suffix); ns=wgref-cli-$s; iface=wcl${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$ns"
cleanup_register rm -f "/var/run/wireguard/$iface.sock"
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. Daemon mode: the command returns; the interface and its socket exist.
ip netns exec "$ns" "$wgref" "$iface" && pass "wgref IFACE returned" || fail "wgref IFACE failed"
daemon=$(ip netns pids "$ns" | head -1)
[[ -n $daemon ]] && cleanup_register kill_pid_bounded "$daemon"
ip -n "$ns" link show "$iface" >/dev/null 2>&1 && pass "interface exists" || fail "no interface after wgref returned"
ip netns exec "$ns" wg show "$iface" >/dev/null && pass "wg show talks to the daemon" || fail "wg show failed"
# 2. SIGTERM: the daemon exits and the interface goes with it.
kill -TERM "$daemon"
wait_for 5 bash -c "! kill -0 $daemon 2>/dev/null" && pass "daemon exited on SIGTERM" || fail "daemon still running"
wait_for 5 bash -c "! ip -n $ns link show $iface >/dev/null 2>&1" && pass "interface removed" || fail "interface left behind"
[[ ! -e /var/run/wireguard/$iface.sock ]] && pass "UAPI socket removed" || fail "UAPI socket left behind"

# 3. A bad configuration line: named by number, and nothing is created.
cat > "$work/bad.conf" <<CONF
[Interface]
ListenPort = 51820

[Peer]
PublicKey = $(wg genkey | wg pubkey)
AllowedIPs = 203.0.113.0/33
CONF
if out=$(ip netns exec "$ns" "$wgref" -f --config "$work/bad.conf" "$iface" 2>&1); then
  fail "a bad config was accepted"
else
  [[ $out == *"bad.conf:6: AllowedIPs"* ]] && pass "bad line reported: $out" || fail "unclear error: $out"
fi
ip -n "$ns" link show "$iface" >/dev/null 2>&1 && fail "an interface was created anyway" || pass "nothing was created"

# 4. A private key readable by others is refused.
printf '[Interface]\nPrivateKey = %s\n' "$(wg genkey)" > "$work/open.conf"
chmod 644 "$work/open.conf"
if out=$(ip netns exec "$ns" "$wgref" -f --config "$work/open.conf" "$iface" 2>&1); then
  fail "a world-readable private key was accepted"
else
  [[ $out == *"chmod 600"* ]] && pass "world-readable key refused: $out" || fail "unclear error: $out"
fi
# 5. Bad arguments get a clear error.
out=$("$wgref" --mtu 12 x 2>&1) && fail "--mtu 12 accepted" || pass "bad --mtu refused: $out"
[[ $failures -eq 0 ]] && { echo "PASS: wgref's command line"; exit 0; }
exit 1
