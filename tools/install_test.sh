#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` gives a working wgref and wgconform with nothing from the
# source tree: install into a fresh prefix, then, in a private mount
# namespace where the source and build trees are hidden under empty tmpfs
# mounts, from another directory, run `PREFIX/bin/wgconform --spawn wgref`
# (which must find its script and wgref through the prefix alone), the man
# pages, the completions and the systemd unit.
# Usage: install_test.sh SOURCE_DIR BUILD_DIR   Exit 0 pass, 1 fail, 77 skipped.
set -euo pipefail
source_dir=$(realpath "${1:?usage: $0 SOURCE_DIR BUILD_DIR}")
build_dir=$(realpath "${2:?usage: $0 SOURCE_DIR BUILD_DIR}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (mount namespace, --spawn)"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: no unshare"; exit 77; }
prefix=$(mktemp -d /tmp/wgref-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
case $prefix/ in "$source_dir"/*|"$build_dir"/*) echo "FAIL: the prefix must lie outside the trees it hides"; exit 1 ;; esac
cmake --install "$build_dir" --prefix "$prefix" > "$prefix.log" 2>&1 || { cat "$prefix.log"; rm -f "$prefix.log"; echo "FAIL: cmake --install"; exit 1; }
rm -f "$prefix.log"

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
for file in bin/wgref bin/wgconform share/wgref/conformance/spawn_target.sh share/wgref/tools/netns/lib.sh \
            share/wgref/tools/netns/linux_guest.sh share/wgref/tools/linux_kernel_image.sh \
            share/man/man8/wgref.8 share/man/man1/wgconform.1 \
            share/bash-completion/completions/wgref share/bash-completion/completions/wgconform \
            lib/systemd/system/wgref@.service; do
  [[ -e $prefix/$file ]] || fail "not installed: $file"
done
unit=$prefix/lib/systemd/system/wgref@.service
if [[ -e $unit ]]; then
  grep -qx "Environment=WG_QUICK_USERSPACE_IMPLEMENTATION=$prefix/bin/wgref" "$unit" \
    && pass "the unit runs the installed wgref" || fail "the unit does not name $prefix/bin/wgref: $(grep WG_QUICK_USERSPACE "$unit")"
  # systemd-analyze verify reads a unit offline; a template needs an instance name.
  if command -v systemd-analyze >/dev/null; then
    verify_dir=$(mktemp -d); cp "$unit" "$verify_dir/"
    if out=$(cd "$verify_dir" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$verify_dir/wgref@wg0.service" 2>&1 | grep -v 'Failed to \(connect\|create\|setup\)\|No such file.*bus\|/run/systemd' || true) && [[ -z $out ]]; then
      pass "systemd-analyze verify accepts wgref@wg0.service"
    else
      fail "systemd-analyze verify: $out"
    fi
    rm -rf "$verify_dir"
  fi
fi

# Everything else runs where the trees cannot be seen.
hidden=("$source_dir")
[[ $build_dir/ == "$source_dir"/* ]] || hidden+=("$build_dir")
out=$(unshare --mount --propagation private bash -c '
  set -euo pipefail
  prefix=$1; shift
  for dir in "$@"; do mount -t tmpfs wgref-hidden "$dir"; done
  [[ -z $(ls -A "$1") ]] || { echo "FAIL: $1 is still visible"; exit 1; }
  cd /
  unset WGREF
  "$prefix/bin/wgref" --version
  MANWIDTH=80 man -l "$prefix/share/man/man8/wgref.8" | grep -Eq "wgref +- +a +readable" && echo "man: wgref(8) renders"
  MANWIDTH=80 man -l "$prefix/share/man/man1/wgconform.1" | grep -Eq "wgconform +- +check" && echo "man: wgconform(1) renders"
  source "$prefix/share/bash-completion/completions/wgconform"
  COMP_WORDS=(wgconform --spawn wireguard-go-); COMP_CWORD=2; _wgconform
  echo "completion: ${COMPREPLY[*]}"
  timeout 240 "$prefix/bin/wgconform" --spawn wgref --cases "handshake.valid_initiation,transport.replay"
' hide "$prefix" "${hidden[@]}" 2>&1) && rc=0 || rc=$?
echo "$out" | sed 's/^/  | /'
[[ $out == *"wgref "[0-9]* ]] && pass "the installed wgref runs" || fail "the installed wgref did not say its version"
[[ $out == *"man: wgref(8) renders"* && $out == *"man: wgconform(1) renders"* ]] && pass "the installed man pages render" || fail "the installed man pages"
[[ $out == *"completion: wireguard-go-modern"* ]] && pass "the installed completion completes" || fail "the installed completion"
if [[ $rc -eq 0 && $out == *"2 passed, 0 failed"* ]]; then
  pass "the installed wgconform --spawn wgref, source and build trees hidden, from /"
else
  fail "the installed wgconform --spawn wgref (exit $rc)"
fi
[[ $failures -eq 0 ]] && echo "PASS: cmake --install" || { echo "FAIL: $failures install check(s)"; exit 1; }
