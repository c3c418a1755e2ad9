#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command line keeps its promises:
#   - `wgref IFACE` returns once the interface exists and keeps serving in the
#     background, like wireguard-go, with its crypto threads (one per core:
#     threads made before the fork would be lost); SIGTERM removes the
#     interface cleanly;
#   - a bad --config line is reported by number, and nothing is created;
#   - a config holding a private key that others can read is refused;
#   - mistakes are refused with exit status 2 and a hint (unknown options,
#     missing values, interface names that are wg commands); --version;
#     wg-quick's keys in --config point to `wg-quick strip`; not root says so.
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
threads=$(awk '/^Threads:/ {print $2}' "/proc/$daemon/status" 2>/dev/null || echo 0)
[[ $threads -eq $(nproc) ]] && pass "the daemon has one thread per core ($threads)" || fail "the daemon has $threads threads, not $(nproc)"
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
# 5. Bad arguments get a clear error and exit status 2; good ones both ways.
expect_refusal() {  # expect_refusal WORDS-IN-MESSAGE ARGS...
  local says=$1 out rc=0; shift
  out=$("$wgref" "$@" 2>&1) || rc=$?
  [[ $rc -eq 2 && $out == *"$says"* ]] && pass "wgref $* refused: $out" || fail "wgref $*: exit $rc, '$out'"
}
expect_refusal "1280..65535" --mtu 12 x
expect_refusal "did you mean --foreground" --foregrond x
expect_refusal "needs a value" x --config
expect_refusal "takes no value" --foreground=yes x
expect_refusal "run \`wg show\`" show
expect_refusal "run \`wg setconf\`" setconf
expect_refusal "takes no arguments" genkey now
[[ $("$wgref" --version) == "wgref "[0-9]* ]] && pass "--version: $("$wgref" --version)" || fail "--version"
out=$(ip netns exec "$ns" "$wgref" -f --mtu=12 "$iface" 2>&1) && fail "--mtu=12 accepted" || \
  { [[ $out == *"1280..65535"* ]] && pass "--opt=value is read as --opt value" || fail "--mtu=12: $out"; }

# 6. wg-quick's own keys in --config: pointed at wg-quick strip.
printf '[Interface]\nAddress = 203.0.113.2/24\n' > "$work/quick.conf"
out=$(ip netns exec "$ns" "$wgref" -f --config "$work/quick.conf" "$iface" 2>&1) && fail "Address accepted" || \
  { [[ $out == *"wg-quick strip"* ]] && pass "wg-quick key refused: $out" || fail "unclear: $out"; }

# 7. Not root: the error says what is missing.
if command -v setpriv >/dev/null; then
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$wgref" -f "$iface" 2>&1) && fail "ran without root" || \
    { [[ $out == *"CAP_NET_ADMIN"* ]] && pass "not root: $out" || fail "not root, unclear: $out"; }
fi
[[ $failures -eq 0 ]] && { echo "PASS: wgref's command line"; exit 0; }
exit 1
