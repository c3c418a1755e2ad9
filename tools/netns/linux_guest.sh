# Sourced (after lib.sh) by scripts that run the Linux kernel's WireGuard as
# a peer: a small Debian kernel booted under qemu on a tap device, from the
# image tools/linux_kernel_image.sh builds and caches. The guest's per-run
# configuration (keys, addresses) travels in a second cpio archive appended to
# the cached initramfs, so one image serves every run:
#   WORK/conf/wgconf/env       GUEST_ETH_ADDR, WG_ADDRS, AGENT_PORT (shell)
#   WORK/conf/wgconf/wg0.conf  what `wg setconf wg0` reads

_linux_guest_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# linux_guest_image: sets vmlinuz, initramfs and kernel (its version).
# Returns 77 when the image cannot be had here (no network to the Debian
# archive, not root), 1 on any other failure.
linux_guest_image() {
  local image rc=0
  image=$("$_linux_guest_here/../linux_kernel_image.sh") || rc=$?
  [[ $rc -eq 0 ]] || return "$rc"
  vmlinuz=$(sed -n 's/^vmlinuz=//p' <<<"$image")
  initramfs=$(sed -n 's/^initramfs=//p' <<<"$image")
  kernel=$(sed -n 's/^kernel=//p' <<<"$image")
  local tool
  for tool in qemu-system-x86_64 cpio gzip; do command -v "$tool" >/dev/null || return 77; done
}

# linux_guest_boot NS TAP WORK: boots the guest in namespace NS on tap device
# TAP (which must exist); its console goes to WORK/console.log. Sets
# guest_pid and guest_accel; the guest is killed by its PID on exit.
linux_guest_boot() {
  local ns=$1 tap=$2 work=$3
  (cd "$work/conf" && find wgconf | cpio --quiet -o -H newc -R 0:0 | gzip) > "$work/wgconf.cpio.gz"
  cat "$initramfs" "$work/wgconf.cpio.gz" > "$work/initrd.gz"
  # KVM when the machine has it; otherwise TCG, slower but plenty for this.
  guest_accel=tcg
  [[ -r /dev/kvm && -w /dev/kvm ]] && guest_accel=kvm
  ip netns exec "$ns" qemu-system-x86_64 -M pc -accel "$guest_accel" -cpu max -m 256 -smp 1 \
    -nodefaults -no-user-config -display none -no-reboot \
    -serial "file:$work/console.log" \
    -kernel "$vmlinuz" -initrd "$work/initrd.gz" -append "console=ttyS0 panic=-1 quiet" \
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" -device virtio-net-pci,netdev=n0 \
    </dev/null >"$work/qemu.log" 2>&1 &
  guest_pid=$!
  cleanup_register kill_pid_bounded "$guest_pid"
}

# linux_guest_ready WORK SECONDS: waits for the guest's READY line; fails at
# its FAIL line, when qemu dies, or when time runs out.
linux_guest_ready() {
  local work=$1 deadline=$(( $(date +%s) + $2 ))
  while (( $(date +%s) < deadline )); do
    grep -q '^WGREF-GUEST-READY' "$work/console.log" 2>/dev/null && return 0
    grep -q '^WGREF-GUEST-FAIL' "$work/console.log" 2>/dev/null && return 1
    kill -0 "$guest_pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
