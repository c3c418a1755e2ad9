#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# wgconform's command line keeps its promises, no root needed:
#   - a mistyped option or a stray word is refused (exit 2), never ignored;
#   - --version; --opt=value;
#   - pointed at a port where nothing listens, the pre-check stops within
#     seconds with a checklist and exit status 2, instead of a run of FAILs;
#   - --target takes a host name;
#   - print-peer-config prints `wg set` lines or [Peer] blocks, PSK included.
# Only loopback is ever sent to. Usage: wgconform_cli_test.sh WGCONFORM WGREF
set -euo pipefail
wgconform=$(realpath "${1:?usage: $0 WGCONFORM WGREF}")
wgref=$(realpath "${2:?usage: $0 WGCONFORM WGREF}")
work=$(umask 077 && mktemp -d); trap 'rm -rf "$work"' EXIT
(umask 077; for k in id1 id2 id3 psk; do "$wgref" genkey > "$work/$k.key"; done)
target_key=$("$wgref" genkey | "$wgref" pubkey)
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() {  # expect STATUS TEXT ARGS...: exit status and a piece of the output
  local want=$1 says=$2 out rc=0; shift 2
  out=$(timeout 30 "$wgconform" "$@" 2>&1) || rc=$?
  [[ $rc -eq $want && $out == *"$says"* ]] && pass "wgconform $*: exit $rc" || { fail "wgconform $*: exit $rc, wanted $want and '$says'"; echo "$out" | head -20; }
}
expect 2 "did you mean --cases" --spawn loopback --case 'transport.*'
expect 2 "did you mean --json" --spawn loopback --jsn out.json
expect 2 "unexpected argument 'extra'" --spawn loopback extra
expect 2 "did you mean --format" print-peer-config --private-key "$work/id1.key" --tunnel-ip 203.0.113.2 --fromat ini
expect 0 "wgconform " --version
expect 0 "1 passed" --spawn=loopback --cases=cookie.none_when_idle

# A free loopback port: nothing answers there.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start=$(date +%s)
expect 2 "Nothing was judged" --target "127.0.0.1:$port" --target-public-key "$target_key" --private-key "$work/id1.key" \
  --tunnel-ip 203.0.113.2 --target-tunnel-ip 203.0.113.1 --timeout-ms 300
(( $(date +%s) - start <= 10 )) && pass "the pre-check gave up within 10 s" || fail "the pre-check took $(( $(date +%s) - start )) s"
expect 2 "Nothing was judged" --target "localhost:$port" --target-public-key "$target_key" --private-key "$work/id1.key" \
  --tunnel-ip 203.0.113.2 --target-tunnel-ip 203.0.113.1 --timeout-ms 300
expect 2 "expected HOST:PORT" --target "203.0.113.1" --target-public-key "$target_key" --private-key "$work/id1.key" \
  --tunnel-ip 203.0.113.2 --target-tunnel-ip 203.0.113.1

id1=$("$wgref" pubkey < "$work/id1.key")
expect 0 "wg set wg0 peer $id1 preshared-key $work/psk.key allowed-ips 203.0.113.2/32,2001:db8:1::2/128" print-peer-config \
  --private-key "$work/id1.key" --tunnel-ip 203.0.113.2,2001:db8:1::2 --psk "$work/psk.key"
expect 0 "[Peer]
PublicKey = $id1
PresharedKey = $(cat "$work/psk.key")
AllowedIPs = 203.0.113.2/32" print-peer-config --private-key "$work/id1.key" --tunnel-ip 203.0.113.2 --psk "$work/psk.key" --format ini
expect 0 "Endpoint = 192.0.2.1:51821
PersistentKeepalive = 6" print-peer-config --private-key "$work/id1.key" --tunnel-ip 203.0.113.2 \
  --third-private-key "$work/id3.key" --harness-address 192.0.2.1 --format ini
[[ $failures -eq 0 ]] && { echo "PASS: wgconform's command line"; exit 0; }
exit 1
