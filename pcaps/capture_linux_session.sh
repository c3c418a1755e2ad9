#!/usr/bin/env bash
# Captures a real session between wgref and the Linux kernel's WireGuard
# (booted under qemu, tools/netns/linux_guest.sh), with wgref's key log:
#   1. the kernel initiates (wgref knows no endpoint for it yet) and pings
#      wgref over IPv4 and IPv6; wgref logs its keys as responder;
#   2. wgref forgets the peer and is given it again with an endpoint, so it
#      initiates, and pings the kernel over IPv4 and IPv6.
# tshark captures the outer UDP on the tap device. Fresh test keys each run.
#
# Usage: capture_linux_session.sh WGREF [OUTDIR]   (OUTDIR: this directory)
# Writes OUTDIR/wgref-linux.pcap and OUTDIR/wgref-linux.keylog.
# Exit: 0 done, 1 failed, 77 skipped (not root, a tool or the image missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wgref=$(realpath "${1:?usage: $0 WGREF [OUTDIR]}")
out=$(realpath "${2:-$here}")
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root for network namespaces"; exit 77; }
for tool in ip wg tshark ping; do command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 77; }; done
source "$here/../tools/netns/lib.sh"
source "$here/../tools/netns/linux_guest.sh"
rc=0
linux_guest_image || rc=$?
[[ $rc -eq 0 ]] || { echo "SKIP: the kernel image cannot be built (tools/linux_kernel_image.sh: $rc)"; exit 77; }

s=$(netns_suffix); ns=wgref-cl-$s; iface=wcl${s:0:11}; tap=wcltap0
work=$(umask 077 && mktemp -d); cleanup_register rm -rf "$work"
netns_create "$ns"
linux_guest_with_wgref "$ns" "$tap" "$work" "$wgref" "$iface" --keylog "$work/keylog" || exit 1
linux_guest_ready "$work" 120 || { echo "FAIL: the guest did not come up"; cat "$work/console.log"; exit 1; }

# The capture: only WireGuard's port, bounded in time and in packets.
ip netns exec "$ns" timeout 120 tshark -q -i "$tap" -f "udp port 51820" -c 200 -F pcap -w "$work/capture.pcap" >"$work/tshark.log" 2>&1 &
capture=$!
cleanup_register kill_pid_bounded "$capture"
wait_for 10 test -s "$work/capture.pcap" || { echo "FAIL: tshark did not start"; cat "$work/tshark.log"; exit 1; }
sleep 0.5

guest_ping() { linux_guest_agent "ping $1" | grep -q "^GUEST-PING-OK $1\$"; }
wait_for 20 bash -c "ip netns exec $ns timeout 2 bash -c 'exec 3<>/dev/tcp/192.0.2.2/7000'" || { echo "FAIL: no guest agent"; exit 1; }
guest_ping 203.0.113.1 || { echo "FAIL: IPv4 ping, the kernel initiating"; exit 1; }
guest_ping 2001:db8:1::1 || { echo "FAIL: IPv6 ping from the kernel"; exit 1; }
ip netns exec "$ns" wg set "$iface" peer "$(cat "$work/guest.pub")" remove
wgref_add_guest endpoint 192.0.2.2:51820
ip netns exec "$ns" ping -c 2 -i 0.2 -W 2 203.0.113.2 >/dev/null || { echo "FAIL: IPv4 ping, wgref initiating"; exit 1; }
ip netns exec "$ns" ping -c 1 -W 2 2001:db8:1::2 >/dev/null || { echo "FAIL: IPv6 ping from wgref"; exit 1; }
sleep 0.5
kill -INT "$capture" 2>/dev/null || true; wait "$capture" 2>/dev/null || true

install -m 0644 "$work/capture.pcap" "$out/wgref-linux.pcap"
install -m 0644 "$work/keylog" "$out/wgref-linux.keylog"
echo "wrote $out/wgref-linux.pcap ($(tshark -r "$out/wgref-linux.pcap" 2>/dev/null | wc -l) frames, Linux $kernel) and $out/wgref-linux.keylog ($(grep -c LOCAL_EPHEMERAL "$out/wgref-linux.keylog") handshakes)"
