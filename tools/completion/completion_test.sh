#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bash completions complete what the programs accept, and nothing else:
#   - every option a completion offers is known to the program (never
#     "unknown option"), command by command;
#   - every --option in the programs' --help is offered somewhere;
#   - a few completions as a user types them (commands, --spawn kinds, case ids).
# Usage: completion_test.sh WGREF WGCONFORM    Exit 0 pass, 1 fail.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF WGCONFORM}")
wgconform=$(realpath "${2:?usage: $0 WGREF WGCONFORM}")
source "$here/wgref"
source "$here/wgconform"
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# complete_line FUNCTION WORD...: COMPREPLY for the last word, as bash would ask.
complete_line() {
  local function=$1; shift
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
  "$function"
}

# Every option offered for COMMAND is one the program knows.
offered_options() {  # offered_options FUNCTION PROGRAM [COMMAND]
  local function=$1 program=$2; shift 2
  complete_line "$function" "$program" "$@" -
  printf '%s\n' "${COMPREPLY[@]}"
}
check_known() {  # check_known BINARY FUNCTION [COMMAND]
  local binary=$1 function=$2; shift 2
  local option out before=$failures
  for option in $(offered_options "$function" "$binary" "$@"); do
    out=$(timeout 10 "$binary" "$@" "$option" </dev/null 2>&1 >/dev/null || true)
    if [[ $out == *"unknown option"* ]]; then fail "${binary##*/} $* offers $option, which it does not know"; fi
  done
  if [[ $failures -eq $before ]]; then pass "${binary##*/} ${*:-(no command)}: every offered option is known"; fi
}
# --help and --version stop before anything runs; the rest are fed no value,
# so the program stops at a missing value or a missing required option.
check_known "$wgref" _wgref
for command in "" ping inspect replay mutants print-peer-config; do
  check_known "$wgconform" _wgconform $command
done

# Every option the help text names is offered somewhere.
check_help_covered() {  # check_help_covered BINARY FUNCTION COMMANDS...
  local binary=$1 function=$2; shift 2
  local all="" command option before=$failures
  for command in "" "$@"; do all+=" $(offered_options "$function" "$binary" $command | tr '\n' ' ')"; done
  # --opt and --name are the help's placeholders for "an option".
  for option in $("$binary" --help | grep -o -- '--[a-z][a-z0-9-]*' | grep -vx -- '--opt\|--name' | sort -u); do
    [[ " $all " == *" $option "* || " $all " == *" $option="* ]] || fail "${binary##*/} --help names $option, no completion offers it"
  done
  if [[ $failures -eq $before ]]; then pass "${binary##*/}: every option of --help is offered"; fi
}
check_help_covered "$wgref" _wgref
check_help_covered "$wgconform" _wgconform ping inspect replay mutants print-peer-config

expect_offer() {  # expect_offer WANT FUNCTION WORD...
  local want=$1; shift
  complete_line "$@"
  [[ " ${COMPREPLY[*]} " == *" $want "* ]] && pass "completes '${*:2}' to $want" || fail "'${*:2}' does not complete to $want (got: ${COMPREPLY[*]})"
}
expect_offer genkey _wgref wgref gen
expect_offer print-peer-config _wgconform "$wgconform" pri
expect_offer wireguard-go-modern _wgconform "$wgconform" --spawn wireguard-go-
expect_offer transport.window_edge _wgconform "$wgconform" --cases transport.window
expect_offer ini _wgconform "$wgconform" print-peer-config --format i

[[ $failures -eq 0 ]] && echo "PASS: completions" || { echo "FAIL: $failures completion check(s)"; exit 1; }
