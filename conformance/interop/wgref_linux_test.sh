#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# wgref against the Linux kernel's WireGuard, the implementation most peers
# run. The kernel is not the host's: a small Debian kernel boots under qemu
# (tools/linux_kernel_image.sh builds and caches it), so the test needs neither
# KVM nor a wireguard module on the host, and cannot disturb the host's own
# interfaces.
#
#   namespace wgl-host-SUFFIX                     qemu guest (Linux 6.1)
#   wgref IFACE  203.0.113.1, 2001:db8:1::1       wg0  203.0.113.2, 2001:db8:1::2
#   tap          192.0.2.1/24  <---- virtio-net ---->  eth0 192.0.2.2/24
#
# The guest's keys and addresses travel in a second cpio archive appended to
# the cached initramfs, so one image serves every run. A tiny agent in the guest
# (TCP 7000 on eth0, outside the tunnel) runs pings when the test asks, so the
# test decides who speaks first. Checks, in order:
#   1. the kernel initiates: wgref knows no endpoint for it yet, the guest
#      pings through the tunnel, wgref answers and learns the endpoint (§2.1);
#      then pings from wgref's side ride the kernel-made session, IPv4 and IPv6
#   2. wgref initiates: wgref forgets the peer and is given it again with an
#      endpoint; its pings need a fresh handshake, which the kernel answers;
#      then the guest pings back over IPv4 and IPv6
#   3. both sides' `wg show` report the handshake and traffic
#
# Usage: wgref_linux_test.sh WGREF
# Exit: 0 pass, 1 fail, 77 skipped (not root, or the image cannot be built,
# e.g. no network to the Debian archive).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF}")

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root for network namespaces and a tap device"; exit 77; }
[[ -c /dev/net/tun ]] || { echo "SKIP: no /dev/net/tun"; exit 77; }
for tool in ip wg ping; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (run tools/setup.sh)"; exit 77; }
done

source "$here/../../tools/netns/lib.sh"
source "$here/../../tools/netns/linux_guest.sh"

# The image: built once, then cached. 77 means it could not get what it
# needs (packages, the kernel); anything else is a real failure.
image_rc=0
linux_guest_image || image_rc=$?
[[ $image_rc -ne 77 ]] || { echo "SKIP: the kernel image cannot be built here"; exit 77; }
[[ $image_rc -eq 0 ]] || { echo "FAIL: tools/linux_kernel_image.sh failed ($image_rc)"; exit 1; }
suffix=$(netns_suffix)
ns=wgl-host-$suffix
iface=wgl${suffix:0:12}   # unique on the machine: UAPI sockets share one directory
tap=wgltap0               # alone in its namespace, so a fixed name is safe
work=$(umask 077 && mktemp -d)
cleanup_register rm -rf "$work"
netns_create "$ns"
# wgref first, with the guest as a peer but no endpoint: it can only answer.
linux_guest_with_wgref "$ns" "$tap" "$work" "$wgref" "$iface" --trace || exit 1
guest_pub=$(cat "$work/guest.pub")
add_peer() { wgref_add_guest "$@"; }

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() {  # check NAME CMD...: run a bounded step and report it
  local name=$1; shift
  if "$@" >"$work/step.log" 2>&1; then pass "$name"; else fail "$name"; cat "$work/step.log"; fi
}
finish() {
  echo "--- wg show on wgref ($iface)"; ip netns exec "$ns" wg show "$iface" || true
  if [[ $failures -eq 0 ]]; then
    echo "PASS: wgref <-> Linux $kernel WireGuard: all checks"
    exit 0
  fi
  echo "FAIL: $failures check(s) failed"
  echo "--- guest console"; cat "$work/console.log" 2>/dev/null || true
  echo "--- qemu"; cat "$work/qemu.log" 2>/dev/null || true
  echo "--- wgref's trace (last 50 lines)"; tail -50 "$work/wgref.log"
  exit 1
}

# Boot: a few seconds under TCG; allow two minutes.
boot_start=$(date +%s)
if linux_guest_ready "$work" 120; then
  pass "guest booted Linux $kernel with wg0 up ($guest_accel, $(( $(date +%s) - boot_start )) s)"
else
  fail "guest did not come up within 120 s"
  finish
fi

# guest REQUEST: ask the guest's agent, over eth0 (outside the tunnel).
guest() { linux_guest_agent "$1"; }
guest_ping() { local out; out=$(guest "ping $1"); echo "$out"; grep -q "^GUEST-PING-OK $1\$" <<<"$out"; }
agent_up() { guest show | grep -q '^GUEST-SHOW-DONE'; }
check "guest agent answers on 192.0.2.2:7000" wait_for 20 agent_up

pings() { ip netns exec "$ns" ping -c 3 -i 0.2 -W 2 "$1"; }
handshake_recorded() {  # on wgref, for the guest
  ip netns exec "$ns" wg show "$iface" latest-handshakes | awk -v k="$guest_pub" '$1 == k {exit !($2 > 0)}'
}

# 1. The kernel initiates. wgref has no endpoint, so only the guest can start.
mark=$(wc -l < "$work/wgref.log")
check "ping IPv4 from the guest, the kernel initiating" guest_ping 203.0.113.1
check "wgref answered the kernel's initiation (trace)" bash -c "
  tail -n +$((mark + 1)) $work/wgref.log | grep -m1 'handshake initiation received' &&
  tail -n +$((mark + 1)) $work/wgref.log | grep -m1 'handshake response sent' &&
  ! tail -n +$((mark + 1)) $work/wgref.log | grep -m1 'handshake initiation sent'"
check "wgref learned the guest's endpoint 192.0.2.2:51820" bash -c "
  ip netns exec $ns wg show $iface endpoints | grep -F '192.0.2.2:51820'"
check "wg show on wgref: a latest handshake as responder" handshake_recorded
check "ping IPv4 from wgref, in the kernel-made session" pings 203.0.113.2
check "ping IPv6 from wgref" pings 2001:db8:1::2

# 2. wgref initiates. Removing the peer drops wgref's sessions; the kernel
# keeps its own, and stays quiet (its agent only pings when asked), so the
# next handshake can only be wgref's.
ip netns exec "$ns" wg set "$iface" peer "$guest_pub" remove
add_peer endpoint 192.0.2.2:51820
mark=$(wc -l < "$work/wgref.log")
check "ping IPv4 from wgref, wgref initiating" pings 203.0.113.2
check "the kernel answered wgref's initiation (trace)" bash -c "
  tail -n +$((mark + 1)) $work/wgref.log | grep -m1 'handshake initiation sent' &&
  tail -n +$((mark + 1)) $work/wgref.log | grep -m1 'handshake response received'"
check "wg show on wgref: a latest handshake as initiator" handshake_recorded
check "ping IPv6 from wgref" pings 2001:db8:1::2
check "ping IPv4 from the guest, in the wgref-made session" guest_ping 203.0.113.1
check "ping IPv6 from the guest" guest_ping 2001:db8:1::1

# 3. Both sides' bookkeeping.
check "wg show on wgref: bytes received and sent" bash -c "
  ip netns exec $ns wg show $iface transfer | awk '{exit !(\$2 > 0 && \$3 > 0)}'"
kernel_saw_traffic() { local out; out=$(guest show); echo "$out"; grep -q 'latest handshake:' <<<"$out" && grep -q 'transfer:' <<<"$out"; }
check "wg show in the guest: the kernel saw a handshake and traffic" kernel_saw_traffic

finish
