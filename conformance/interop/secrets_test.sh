#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# No secret leaves wgref except where it is asked for. Two wgref with a
# pre-shared key make a session and carry pings, A with --trace, B with
# --trace=json and LOG_LEVEL=verbose, A also with --keylog (which must hold
# the secrets, and is created 0600). Then every other thing they wrote (both
# traces, both logs) and `wg show` is searched for each private key, the PSK
# and each handshake's ephemeral private key (from the key log), in base64
# and in hex, either case. Any match fails. The key log itself is searched
# first, to prove the search finds what it looks for.
# Usage: secrets_test.sh WGREF    Exit: 0 pass, 1 fail, 77 skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
for tool in wg ping; do command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }; done
source "$here/../../tools/netns/lib.sh"
s=$(netns_suffix); a=sec-a-$s; b=sec-b-$s; ia=sea${s:0:11}; ib=seb${s:0:11}
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$a"; netns_create "$b"
netns_veth "$a" va0 192.0.2.1/24 "$b" vb0 192.0.2.2/24
(umask 077; "$wgref" genkey > "$work/a.key"; "$wgref" genkey > "$work/b.key"; "$wgref" genpsk > "$work/psk")
ip netns exec "$a" "$wgref" -f --trace --keylog "$work/keylog" "$ia" > "$work/a.trace" 2> "$work/a.log" &
cleanup_register kill_pid_bounded $!
ip netns exec "$b" env LOG_LEVEL=verbose "$wgref" -f --trace=json "$ib" > "$work/b.trace" 2> "$work/b.log" &
cleanup_register kill_pid_bounded $!
for iface in "$ia" "$ib"; do
  cleanup_register rm -f "/var/run/wireguard/$iface.sock"
  wait_for 5 test -S "/var/run/wireguard/$iface.sock"
done
ip netns exec "$a" wg set "$ia" private-key "$work/a.key" listen-port 51820 \
  peer "$("$wgref" pubkey < "$work/b.key")" preshared-key "$work/psk" allowed-ips 203.0.113.2/32
ip netns exec "$b" wg set "$ib" private-key "$work/b.key" \
  peer "$("$wgref" pubkey < "$work/a.key")" preshared-key "$work/psk" allowed-ips 203.0.113.1/32 endpoint 192.0.2.1:51820
ip -n "$a" addr add 203.0.113.1/24 dev "$ia"; ip -n "$a" link set "$ia" up
ip -n "$b" addr add 203.0.113.2/24 dev "$ib"; ip -n "$b" link set "$ib" up
ip netns exec "$b" ping -c 3 -i 0.2 -W 2 203.0.113.1 >/dev/null || { echo "FAIL: no tunnel"; exit 1; }
# A second handshake, so there is more than one ephemeral key to look for.
ip netns exec "$b" wg set "$ib" peer "$("$wgref" pubkey < "$work/a.key")" remove
ip netns exec "$b" wg set "$ib" peer "$("$wgref" pubkey < "$work/a.key")" preshared-key "$work/psk" allowed-ips 203.0.113.1/32 endpoint 192.0.2.1:51820
sleep 5.2  # past REKEY_TIMEOUT, so A answers the new initiation at once
ip netns exec "$b" ping -c 2 -i 0.2 -W 2 203.0.113.1 >/dev/null || { echo "FAIL: no tunnel after re-adding the peer"; exit 1; }
for ns_iface in "$a $ia" "$b $ib"; do
  read -r ns iface <<<"$ns_iface"
  ip netns exec "$ns" wg show "$iface" > "$work/show-$iface"
done
sleep 0.3

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[[ $(stat -c %a "$work/keylog") == 600 ]] && pass "the key log is created 0600" || fail "key log mode $(stat -c %a "$work/keylog")"
# The secrets, each as base64 and as hex: the two keys, the PSK, and the
# ephemeral private keys of every handshake A logged.
secrets=$(
  { cat "$work/a.key" "$work/b.key" "$work/psk"; sed -n 's/^LOCAL_EPHEMERAL_PRIVATE_KEY = //p' "$work/keylog"; } |
  while read -r b64; do
    echo "$b64"
    echo "$b64" | base64 -d | od -An -tx1 -v | tr -d ' \n'; echo
  done | sort -u)
ephemerals=$(grep -c '^LOCAL_EPHEMERAL_PRIVATE_KEY' "$work/keylog" || true)
[[ $ephemerals -ge 2 ]] && pass "$ephemerals handshakes' ephemeral keys to look for" || fail "only $ephemerals ephemeral key(s) in the key log"
found_in() {  # found_in FILE: prints each secret FILE holds (case-insensitive)
  local secret
  while read -r secret; do
    [[ -n $secret ]] && grep -qiF -- "$secret" "$1" && echo "$secret"
  done <<<"$secrets"
  return 0
}
# The positive control: the key log holds them, and the search finds them.
[[ -n $(found_in "$work/keylog") ]] && pass "the search finds the secrets in the key log" || fail "the search finds nothing even in the key log"
for file in a.trace b.trace a.log b.log "show-$ia" "show-$ib"; do
  [[ -s $work/$file ]] || { [[ $file == *.log ]] || fail "$file is empty: nothing was searched"; continue; }
  hits=$(found_in "$work/$file" | wc -l)
  [[ $hits -eq 0 ]] && pass "$file ($(wc -l < "$work/$file") lines): no secret" || fail "$file holds $hits secret(s)"
done
[[ $failures -eq 0 ]] && echo "PASS: secrets" || { echo "FAIL: $failures check(s)"; exit 1; }
