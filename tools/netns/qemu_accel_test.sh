#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How the Linux guest chooses its accelerator (linux_guest_accel in
# linux_guest.sh), on every kind of machine CI may land on:
#   - no /dev/kvm at all                       -> tcg (real qemu, /dev hidden)
#   - a /dev/kvm that is not KVM               -> tcg (real qemu, /dev/null in its place)
#   - a KVM that aborts ("KVM internal error") -> tcg (a stand-in qemu)
#   - a KVM under which the guest hangs        -> tcg, within the probe's time, nothing left running
#   - a KVM that works                         -> kvm (a stand-in that boots the probe under TCG)
#   - WGREF_QEMU_ACCEL=kvm|tcg forces the choice without a probe; any other value is refused.
# The stand-ins are small scripts in front of the real qemu, so every probe
# boots the real guest image. Exit 77 when the image cannot be had here.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/linux_guest.sh"

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

rc=0
linux_guest_image || rc=$?
[[ $rc -eq 0 ]] || { echo "SKIP: no guest image (linux_kernel_image.sh exit $rc)"; exit 77; }
real_qemu=$(command -v qemu-system-x86_64) || { echo "SKIP: no qemu-system-x86_64"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/wgref-accel.XXXXXX")
cleanup_register rm -rf "$work"

# stand_in NAME BODY: a qemu that runs BODY when asked for KVM and the real
# qemu otherwise. BODY sees the arguments in "$@" and the real qemu in $real.
stand_in() {
  cat > "$work/$1" <<EOF
#!/usr/bin/env bash
real=$real_qemu
for a in "\$@"; do
  if [[ \$a == kvm ]]; then $2; fi
done
exec "\$real" "\$@"
EOF
  chmod +x "$work/$1"
}
stand_in aborts 'echo "KVM internal error. Suberror: 1" >&2; echo "emulation failure" >&2; exit 1'
stand_in hangs 'echo $$ > "'"$work"'/hangs.pid"; exec sleep 600'
stand_in works 'args=(); for b in "$@"; do [[ $b == kvm ]] && b=tcg; args+=("$b"); done; exec "$real" "${args[@]}"'

# choose [VAR=VALUE...]: runs linux_guest_accel in a subshell with those
# settings; prints "ACCEL|WHY|SECONDS" and returns its status.
choose() {
  ( for setting in "$@"; do export "${setting?}"; done
    unset guest_accel
    start=$(date +%s)
    linux_guest_accel || exit $?
    echo "$guest_accel|$guest_accel_why|$(( $(date +%s) - start ))" )
}
expect() {  # expect WHAT ACCEL RESULT
  local accel=${3%%|*}
  if [[ $accel == "$2" ]]; then pass "$1: $2 (${3#*|})"; else fail "$1: expected $2, got '${3}'"; fi
}

expect "forced tcg" tcg "$(choose WGREF_QEMU_ACCEL=tcg WGREF_QEMU="$work/aborts")"
expect "forced kvm, no probe" kvm "$(choose WGREF_QEMU_ACCEL=kvm WGREF_QEMU=/nonexistent)"
choose WGREF_QEMU_ACCEL=fast >/dev/null 2>&1 && fail "WGREF_QEMU_ACCEL=fast accepted" || pass "WGREF_QEMU_ACCEL=fast refused"

expect "KVM aborts" tcg "$(choose WGREF_QEMU="$work/aborts")"

out=$(choose WGREF_QEMU="$work/hangs" WGREF_QEMU_PROBE_SECONDS=3)
expect "guest hangs under KVM" tcg "$out"
[[ ${out##*|} -le 8 ]] && pass "gave up on the hung probe in ${out##*|} s" || fail "hung probe took ${out##*|} s"
if [[ -s $work/hangs.pid ]] && kill -0 "$(cat "$work/hangs.pid")" 2>/dev/null; then
  fail "the hung probe's qemu is still running"
  kill -KILL "$(cat "$work/hangs.pid")"
else
  pass "the hung probe's qemu was ended"
fi

expect "KVM works" kvm "$(choose WGREF_QEMU="$work/works" WGREF_QEMU_PROBE_SECONDS=60)"

# The real qemu, in a mount namespace of its own, with /dev replaced: first
# without a kvm node at all, then with /dev/null where /dev/kvm should be.
hidden_dev() {  # hidden_dev with-null-kvm|without-kvm
  unshare --mount --propagation private bash -c '
    set -e
    mount -t tmpfs -o mode=0755 wgref-dev /dev
    mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5
    mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9
    [[ $1 == with-null-kvm ]] && mknod -m 666 /dev/kvm c 1 3
    source "$2/lib.sh"; source "$2/linux_guest.sh"
    vmlinuz=$3 initramfs=$4
    linux_guest_accel
    echo "$guest_accel|$guest_accel_why"' _ "$1" "$here" "$vmlinuz" "$initramfs"
}
if unshare --mount true 2>/dev/null; then
  expect "no /dev/kvm" tcg "$(hidden_dev without-kvm)"
  expect "/dev/kvm that is not KVM" tcg "$(hidden_dev with-null-kvm)"
else
  echo "note: cannot make a mount namespace here; the real-qemu cases are not run"
fi

# What this machine itself has, for the log (no verdict: either is right).
echo "this machine: $(choose)"

[[ $failures -eq 0 ]] || { echo "FAIL: $failures check(s) failed"; exit 1; }
echo "PASS: every accelerator choice"
