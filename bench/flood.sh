#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The handshake flood, side by side (issue 8; paper §5.4.7): runs wgconform's
# cookie.flood_spares_session against each kind of target it can spawn
# (wgref, Debian's wireguard-go, the modern wireguard-go, the Linux kernel in
# qemu), ROUNDS times each, interleaved, and writes one CSV row per run: the
# initiations sent and the cookie replies received per second, the answers to
# one source's initiations with mac2 (the per-source rate limit), the pings of
# the established session, and, for wgref, what it counted itself. With
# --chart, bench/flood_report.py draws the bar chart. A benchmark, run by hand
# (as root; each run builds its own namespaces and removes them):
#   bench/flood.sh WGCONFORM [ROUNDS] [--csv FILE] [--chart FILE.svg] [--kinds "wgref linux ..."]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgconform=$(realpath "${1:?usage: $0 WGCONFORM [ROUNDS] [--csv FILE] [--chart FILE.svg] [--kinds LIST]}")
shift
rounds=2
[[ ${1:-} =~ ^[0-9]+$ ]] && { rounds=$1; shift; }
csv="" chart="" kinds="wgref wireguard-go wireguard-go-modern linux"
while [[ $# -gt 0 ]]; do
  case $1 in
    --csv) csv=$2; shift 2 ;;
    --chart) chart=$2; shift 2 ;;
    --kinds) kinds=$2; shift 2 ;;
    *) echo "flood.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "flood.sh: needs root (network namespaces)" >&2; exit 1; }
(( rounds >= 1 && rounds <= 10 )) || { echo "flood.sh: 1 to 10 rounds" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[[ -n $csv ]] || csv=$work/flood.csv

echo "round,target,verdict,sent,sent_per_s,cookie_replies,cookie_replies_per_s,mac2_sent,mac2_answered,mac2_limit,pings,pings_answered,slowest_ping_ms,wgref_cookie_required,wgref_unknown_static_key,wgref_rate_limited,wgref_handshake_flood" > "$csv"
for ((round = 1; round <= rounds; round++)); do
  for kind in $kinds; do
    echo "== round $round: $kind" >&2
    rc=0
    timeout 600 "$wgconform" --spawn "$kind" --slow --cases cookie.flood_spares_session --json "$work/$kind.json" \
      > "$work/$kind.log" 2>&1 || rc=$?
    if [[ $rc -eq 77 ]]; then echo "   $kind cannot be had here: skipped" >&2; continue; fi
    # The case's evidence line carries every figure; one Python reads it.
    /usr/bin/python3 - "$work/$kind.json" "$round" "$kind" >> "$csv" <<'PY'
import json, re, sys
path, round_, kind = sys.argv[1:]
case = next(c for c in json.load(open(path))["cases"] if c["id"] == "cookie.flood_spares_session")
e = case["evidence"]
def num(pattern, default=""):
    m = re.search(pattern, e)
    return m.group(1) if m else default
row = [round_, kind, case["verdict"],
       num(r"(\d+) initiations from"), num(r"initiations from .*? \((\d+)/s\)"),
       num(r"(\d+) cookie replies \("), num(r"cookie replies \((\d+)/s\)"),
       num(r"(\d+) sent, \d+ answered"), num(r"(\d+) answered \(limit"), num(r"\(limit (\d+)\)"),
       num(r"pings \d+/(\d+)"), num(r"pings (\d+)/"), num(r"slowest (\d+) ms"),
       num(r"drops_cookie_required \+(\d+)", "0" if "the target counted" in e else ""),
       num(r"drops_unknown_static_key \+(\d+)", "0" if "the target counted" in e else ""),
       num(r"drops_rate_limited \+(\d+)", "0" if "the target counted" in e else ""),
       num(r"drops_handshake_flood \+(\d+)", "0" if "the target counted" in e else "")]
print(",".join(row))
PY
    tail -1 "$csv" >&2
  done
done
if [[ -n $chart ]]; then /usr/bin/python3 "$here/flood_report.py" "$csv" --svg "$chart"; fi
echo "flood.sh: $(($(wc -l < "$csv") - 1)) runs in $csv" >&2
