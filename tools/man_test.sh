#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages render and say what the programs do:
#   - `man -l` renders each page with groff's warnings on, and none is printed;
#   - every --option of each program's --help appears in its page, and the
#     page's version is the program's.
# Usage: man_test.sh WGREF WGCONFORM MANDIR   Exit 0 pass, 1 fail, 77 no man.
set -euo pipefail
wgref=$(realpath "${1:?usage: $0 WGREF WGCONFORM MANDIR}")
wgconform=$(realpath "${2:?usage: $0 WGREF WGCONFORM MANDIR}")
mandir=$(realpath "${3:?usage: $0 WGREF WGCONFORM MANDIR}")
command -v man >/dev/null || { echo "SKIP: no man (tools/setup.sh installs man-db)"; exit 77; }
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check_page() {  # check_page PROGRAM PAGE
  local program=$1 page=$2 name rendered warnings option before=$failures
  name=$(basename "$page")
  warnings=$(MANWIDTH=100 man --warnings=all -l "$page" 2>&1 >/dev/null) || true
  [[ -z $warnings ]] || fail "$name: man -l warns: $warnings"
  rendered=$(MANWIDTH=200 man -l "$page" 2>/dev/null | col -b)
  [[ $rendered == *NAME*SYNOPSIS*DESCRIPTION*OPTIONS* ]] || fail "$name: sections missing"
  # --opt and --name are the help's placeholders for "an option".
  for option in $("$program" --help | grep -o -- '--[a-z][a-z0-9-]*' | grep -vx -- '--opt\|--name' | sort -u); do
    [[ $rendered == *"$option"* ]] || fail "$name: does not document $option"
  done
  local version
  version=$("$program" --version | awk '{print $2}')
  [[ $rendered == *"wgref $version"* ]] || fail "$name: not the version of ${program##*/} ($version)"
  if [[ $failures -eq $before ]]; then pass "$name renders, documents every option of --help, version $version"; fi
}
check_page "$wgref" "$mandir/wgref.8"
check_page "$wgconform" "$mandir/wgconform.1"
[[ $failures -eq 0 ]] && echo "PASS: man pages" || { echo "FAIL: $failures man page check(s)"; exit 1; }
