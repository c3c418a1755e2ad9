# SPDX-License-Identifier: MIT
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

# linux_guest_accel: sets guest_accel (kvm or tcg) and guest_accel_why.
# WGREF_QEMU_ACCEL=kvm|tcg forces the choice. Otherwise KVM is used only after
# it has proved it can run this guest: a probe boot under KVM must print its
# marker within WGREF_QEMU_PROBE_SECONDS (default 10; a working KVM needs about
# one). A /dev/kvm can exist, be writable and still be unable to run guests
# (nested virtualisation without the features qemu asks for: qemu aborts on
# an MSR, stops with "KVM internal error", or hangs), so the file's presence
# proves nothing. Needs vmlinuz and initramfs (linux_guest_image).
linux_guest_accel() {
  case ${WGREF_QEMU_ACCEL:-} in
    kvm|tcg) guest_accel=$WGREF_QEMU_ACCEL; guest_accel_why="WGREF_QEMU_ACCEL=$WGREF_QEMU_ACCEL"; return 0 ;;
    '') ;;
    *) echo "WGREF_QEMU_ACCEL must be kvm or tcg, not '$WGREF_QEMU_ACCEL'" >&2; return 2 ;;
  esac
  local probe seconds=${WGREF_QEMU_PROBE_SECONDS:-10} pid deadline
  probe=$(mktemp -d "${TMPDIR:-/tmp}/wgref-kvm-probe.XXXXXX")
  # WGREF_QEMU names the qemu program; tests point it at a stand-in that
  # behaves as a broken or a working KVM would.
  "${WGREF_QEMU:-qemu-system-x86_64}" -M pc -accel kvm -cpu max -m 128 -smp 1 \
    -nodefaults -no-user-config -display none -no-reboot -serial "file:$probe/console.log" \
    -kernel "$vmlinuz" -initrd "$initramfs" -append "console=ttyS0 panic=-1 quiet wgref.probe" \
    </dev/null >"$probe/qemu.log" 2>&1 &
  pid=$!
  deadline=$(( $(date +%s%N) + seconds * 1000000000 ))
  while kill -0 "$pid" 2>/dev/null && ! grep -q '^WGREF-GUEST-PROBE-OK' "$probe/console.log" 2>/dev/null &&
        (( $(date +%s%N) < deadline )); do
    sleep 0.1
  done
  if grep -q '^WGREF-GUEST-PROBE-OK' "$probe/console.log" 2>/dev/null; then
    guest_accel=kvm; guest_accel_why="a probe boot under KVM came up"
  else
    guest_accel=tcg
    if kill -0 "$pid" 2>/dev/null; then
      guest_accel_why="a probe boot under KVM did not come up within $seconds s"
    else
      guest_accel_why="KVM cannot run the guest: $(grep -m1 -v '^\s*$' "$probe/qemu.log" 2>/dev/null || echo "qemu exited")"
    fi
  fi
  kill_pid_bounded "$pid"
  wait "$pid" 2>/dev/null || true  # reaped here, so the shell reports no "Aborted"
  rm -rf "$probe"
}

# linux_guest_boot NS TAP WORK: boots the guest in namespace NS on tap device
# TAP (which must exist); its console goes to WORK/console.log. Sets
# guest_pid and guest_accel; the guest is killed by its PID on exit.
linux_guest_boot() {
  local ns=$1 tap=$2 work=$3
  (cd "$work/conf" && find wgconf | cpio --quiet -o -H newc -R 0:0 | gzip) > "$work/wgconf.cpio.gz"
  cat "$initramfs" "$work/wgconf.cpio.gz" > "$work/initrd.gz"
  [[ -n ${guest_accel:-} ]] || linux_guest_accel || return 1
  echo "linux guest: qemu -accel $guest_accel ($guest_accel_why)" >&2
  ip netns exec "$ns" "${WGREF_QEMU:-qemu-system-x86_64}" -M pc -accel "$guest_accel" -cpu max -m 256 -smp 1 \
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

# linux_guest_with_wgref NS TAP WORK WGREF IFACE [WGREF-OPTION...]: the usual
# pair. In namespace NS: tap device TAP at 192.0.2.1/24 and wgref on IFACE
# (log: WORK/wgref.log) with tunnel addresses 203.0.113.1 and 2001:db8:1::1;
# in the guest at 192.0.2.2: wg0 with 203.0.113.2 and 2001:db8:1::2. Each has
# the other as its peer; wgref knows no endpoint for the guest yet, so only
# the guest can start (wgref_add_guest endpoint 192.0.2.2:51820 changes that).
# Keys: WORK/host.key, WORK/guest.key and their .pub. Boots the guest; the
# caller waits with linux_guest_ready.
linux_guest_with_wgref() {
  local ns=$1 tap=$2 work=$3 wgref=$4 iface=$5
  shift 5
  _guest_ns=$ns; _guest_iface=$iface; _guest_work=$work
  ip netns exec "$ns" ip tuntap add dev "$tap" mode tap
  ip -n "$ns" addr add 192.0.2.1/24 dev "$tap"
  ip -n "$ns" link set "$tap" up
  (umask 077; wg genkey > "$work/host.key"; wg genkey > "$work/guest.key")
  wg pubkey < "$work/host.key" > "$work/host.pub"
  wg pubkey < "$work/guest.key" > "$work/guest.pub"

  ip netns exec "$ns" "$wgref" -f "$@" "$iface" >"$work/wgref.log" 2>&1 &
  cleanup_register kill_pid_bounded $!
  cleanup_register rm -f "/var/run/wireguard/$iface.sock"
  wait_for 10 test -S "/var/run/wireguard/$iface.sock" || { echo "FAIL: wgref did not start"; cat "$work/wgref.log"; return 1; }
  wgref_add_guest
  ip -n "$ns" addr add 203.0.113.1/24 dev "$iface"
  ip -n "$ns" -6 addr add 2001:db8:1::1/64 dev "$iface" nodad
  ip -n "$ns" link set "$iface" up

  mkdir -p "$work/conf/wgconf"
  cat > "$work/conf/wgconf/env" <<ENV
GUEST_ETH_ADDR=192.0.2.2/24
WG_ADDRS="203.0.113.2/24 2001:db8:1::2/64"
AGENT_PORT=7000
ENV
  cat > "$work/conf/wgconf/wg0.conf" <<CONF
[Interface]
PrivateKey = $(cat "$work/guest.key")
ListenPort = 51820

[Peer]
PublicKey = $(cat "$work/host.pub")
AllowedIPs = 203.0.113.1/32, 2001:db8:1::1/128
Endpoint = 192.0.2.1:51820
CONF
  linux_guest_boot "$ns" "$tap" "$work"
}

# wgref_add_guest [endpoint ADDR:PORT]: (re)configures wgref's guest peer.
wgref_add_guest() {
  ip netns exec "$_guest_ns" wg set "$_guest_iface" private-key "$_guest_work/host.key" listen-port 51820 \
    peer "$(cat "$_guest_work/guest.pub")" allowed-ips 203.0.113.2/32,2001:db8:1::2/128 "$@"
}

# linux_guest_agent REQUEST: asks the guest's agent (TCP 7000 on eth0, outside
# the tunnel; "ping ADDR" or "show") and prints its answer. Bounded.
linux_guest_agent() {
  ip netns exec "$_guest_ns" timeout 40 bash -c \
    'exec 3<>/dev/tcp/192.0.2.2/7000 && printf "%s\n" "$1" >&3 && cat <&3' _ "$1"
}
