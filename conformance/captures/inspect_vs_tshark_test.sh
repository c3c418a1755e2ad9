#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `inspect` agrees with Wireshark: for every WireGuard message of the real
# wgref <-> wireguard-go capture, tshark's dissector (given the same key log)
# and `wgconform inspect --fields` must report the same frame, type, sender
# and receiver indices, and counter. tshark is an independent reading of the
# paper's §5.4 formats; a disagreement is a bug in one of them. (One known,
# deliberate difference, absent from a real session: tshark also dissects
# messages with non-zero reserved bytes, which inspect, like every receiver,
# does not count as WireGuard; see pcaps/malformed.pcap frames 15-18.)
# Usage: inspect_vs_tshark_test.sh WGCONFORM [PCAP KEYLOG]
# Exit: 0 agree, 1 disagree, 77 skipped (no tshark).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool=${1:?usage: $0 WGCONFORM [PCAP KEYLOG]}
pcap=${2:-$here/../../pcaps/wgref-wireguard-go.pcap}
keylog=${3:-$here/../../pcaps/wgref-wireguard-go.keylog}
command -v tshark >/dev/null || { echo "SKIP: no tshark"; exit 77; }
[[ -r $pcap && -r $keylog ]] || { echo "FAIL: missing $pcap or $keylog (pcaps/capture_real_session.sh makes them)"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

tshark -r "$pcap" -o "wg.keylog_file:$keylog" -Y wg \
  -T fields -e frame.number -e wg.type -e wg.sender -e wg.receiver -e wg.counter \
  >"$work/tshark.txt" 2>"$work/tshark.err" || { echo "FAIL: tshark could not read $pcap"; cat "$work/tshark.err"; exit 1; }
"$tool" inspect "$pcap" --keylog "$keylog" --fields >"$work/inspect.txt"

# tshark must have decrypted the handshakes with the key log too: the data
# messages it shows are then real sessions, not guesses.
ok=$(tshark -r "$pcap" -o "wg.keylog_file:$keylog" -Y "wg.handshake_ok == 1" 2>/dev/null | wc -l)
messages=$(wc -l <"$work/tshark.txt")
echo "tshark: $messages WireGuard messages, $ok handshake messages decrypted with the key log"
(( messages > 0 )) || { echo "FAIL: tshark found no WireGuard message"; exit 1; }
(( ok > 0 )) || { echo "FAIL: tshark did not decrypt any handshake with the key log"; exit 1; }

if diff -u --label tshark --label inspect "$work/tshark.txt" "$work/inspect.txt"; then
  echo "PASS: inspect and tshark agree on all $messages messages (type, sender, receiver, counter)"
  exit 0
fi
echo "FAIL: inspect and tshark disagree (lines above)"
exit 1
