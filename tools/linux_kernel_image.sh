#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds, once, a tiny bootable Linux whose only job is to be a WireGuard peer:
# a Debian kernel (vmlinuz) and an initramfs holding busybox, `wg`, the
# wireguard module with everything it depends on, and an /init that sets the
# tunnel up. The point is to test wgref against the kernel's own WireGuard, the
# implementation most peers in the world run, without touching the host kernel:
# the guest boots under qemu (with KVM where a probe boot proves it works,
# otherwise plain TCG, which is fast enough), so the test needs no KVM, no
# host module and no reboot.
#
# The image is generic and cached. Nothing of one run (keys, addresses,
# endpoints) is baked in: at boot the guest reads /wgconf/env and
# /wgconf/wg0.conf, which the caller supplies as a second cpio.gz concatenated
# after initramfs.gz (the kernel unpacks every archive it finds in the initrd,
# in order). See linux_guest_boot in tools/netns/linux_guest.sh.
#
# /wgconf/env (sourced by the guest's /init, so plain shell assignments):
#   GUEST_ETH_ADDR=192.0.2.2/24     address of eth0
#   WG_ADDRS="203.0.113.2/24 ..."   addresses of wg0, IPv4 and IPv6
#   AGENT_PORT=7000                 optional: answer a fixed set of requests
#                                   ("ping ADDR", "show") on this TCP port, so
#                                   a test decides when the guest sends traffic
# /wgconf/wg0.conf: what `wg setconf wg0` reads.
# /wgconf/wg1.conf, optional: a second device, wg1, configured the same way;
#   with /wgconf/wg1.private-key, that key is set afterwards (wgconform gives
#   zeros there: a device whose key was set and then removed).
#
# Output, in ${WGREF_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wgref/linux-kernel}:
# vmlinuz, initramfs.gz, kernel-version and stamp. A second run finds the stamp
# and returns at once. The stamp carries this script's hash, so a change to the
# recipe below rebuilds.
#
# Usage: tools/linux_kernel_image.sh [--force]
# Exit: 0 built or cached (paths printed), 77 a prerequisite cannot be had
# (not root to install packages, no network to the archive), 1 anything else.
set -euo pipefail

cache=${WGREF_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wgref/linux-kernel}
force=${1:-}
self_hash=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)
log() { echo "linux_kernel_image: $*" >&2; }
unavailable() { log "$*"; exit 77; }

print_paths() {
  echo "vmlinuz=$cache/vmlinuz"
  echo "initramfs=$cache/initramfs.gz"
  echo "kernel=$(cat "$cache/kernel-version")"
}
cache_ok() {
  [[ -s $cache/vmlinuz && -s $cache/initramfs.gz && -s $cache/kernel-version && -f $cache/stamp ]] &&
    [[ $(head -1 "$cache/stamp") == "builder $self_hash" ]]
}

# Host tools. qemu-system-x86 runs the guest; busybox-static and the wg binary
# become the guest's userland; cpio packs it; kmod's depmod computes module
# dependencies (Debian's package ships no modules.dep: postinst makes it);
# xz-utils unpacks modules should a kernel ship them compressed.
need=(qemu-system-x86 busybox-static cpio kmod xz-utils wireguard-tools)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || unavailable "missing ${missing[*]} and not root to install them"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A stale package list is the usual reason an install fails; refresh once.
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { timeout 300 apt-get update -q >/dev/null 2>&1 &&
      apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; } ||
    unavailable "apt-get could not install ${missing[*]}"
fi

if [[ $force != --force ]] && cache_ok; then print_paths; exit 0; fi

mkdir -p "$cache"
# One builder at a time per cache; the loser waits, then finds the cache made.
exec 9>"$cache/.lock"
flock -w 600 9 || { log "timed out waiting for another build"; exit 1; }
if [[ $force != --force ]] && cache_ok; then print_paths; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The real package behind a metapackage: linux-image-cloud-amd64 depends on
# exactly one linux-image-6.1.0-N-cloud-amd64, the one whose files we want.
resolve() {
  apt-cache depends "$1" 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# Fetch and unpack a flavour; succeed only if it carries what the guest needs.
# The cloud flavour comes first: it is small (no sound, no GPUs) and boots
# quickly, and Debian builds it with wireguard and virtio as modules.
required_modules=(wireguard virtio_net virtio_pci)
try_flavour() {  # try_flavour METAPACKAGE
  local pkg dir
  pkg=$(resolve "$1")
  [[ -n $pkg ]] || { log "apt knows no package behind $1"; return 1; }
  dir=$tmp/$1
  mkdir -p "$dir"
  log "fetching $pkg"
  # apt's download sandbox user cannot write a 0700 temp dir; run it as root.
  (cd "$dir" && timeout 300 apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null 2>&1) ||
    { log "apt-get download $pkg failed"; return 2; }
  dpkg -x "$dir"/*.deb "$dir/root"
  kver=$(basename "$(ls -d "$dir"/root/lib/modules/*/ | head -1)")
  vmlinuz=$dir/root/boot/vmlinuz-$kver
  [[ -s $vmlinuz ]] || { log "$pkg has no vmlinuz"; return 1; }
  depmod -b "$dir/root" "$kver"
  moddir=$dir/root/lib/modules/$kver
  local m
  for m in "${required_modules[@]}"; do
    module_path "$m" >/dev/null || builtin_module "$m" ||
      { log "$pkg has neither a module nor a built-in $m"; return 1; }
  done
  kpkg=$pkg
  kpkg_version=$(dpkg-deb -f "$dir"/*.deb Version)
}
# module_path NAME: the file of a loadable module, relative to $moddir.
# modules.dep spells names with dashes or underscores as the files do.
module_path() {
  awk -F: -v n="$1" '{ f = $1; sub(/.*\//, "", f); sub(/\.ko(\.(xz|zst|gz))?$/, "", f); gsub(/-/, "_", f)
                       if (f == n) { print $1; found = 1; exit } } END { exit !found }' "$moddir/modules.dep"
}
builtin_module() { grep -Eq "/$1\.ko\$" "$moddir/modules.builtin"; }

kver='' vmlinuz='' moddir='' kpkg='' kpkg_version=''
for flavour in linux-image-cloud-amd64 linux-image-amd64; do
  rc=0; try_flavour "$flavour" || rc=$?
  [[ $rc -eq 0 ]] && break
  [[ $rc -eq 2 ]] && unavailable "cannot download a kernel (no network to the Debian archive?)"
  kpkg=''
done
[[ -n $kpkg ]] || { log "no Debian kernel flavour has wireguard and virtio-net"; exit 1; }
log "kernel $kver from $kpkg $kpkg_version"

# Loadable modules in an order insmod can follow: every dependency before its
# user, each once. Depth-first over modules.dep; built-ins need no loading.
declare -A seen=()
load_order=()
visit() {  # visit PATH-RELATIVE-TO-MODDIR
  local rel=$1 dep
  [[ -z ${seen[$rel]:-} ]] || return 0
  seen[$rel]=1
  for dep in $(awk -F: -v r="$rel" '$1 == r { print $2; exit }' "$moddir/modules.dep"); do visit "$dep"; done
  load_order+=("$rel")
}
for m in "${required_modules[@]}"; do
  rel=$(module_path "$m") && visit "$rel"
done

# The initramfs tree.
rootfs=$tmp/rootfs
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,run,etc,wgconf} "$rootfs/lib/modules"
# busybox-static and a link for each applet, where busybox itself would put it.
cp /bin/busybox "$rootfs/bin/busybox"
while read -r applet; do
  [[ $applet == bin/busybox || -e $rootfs/$applet ]] && continue
  mkdir -p "$rootfs/$(dirname "$applet")"
  ln -s /bin/busybox "$rootfs/$applet"
done < <(/bin/busybox --list-full)

: > "$rootfs/etc/modules.order"
for rel in "${load_order[@]}"; do
  name=$(basename "$rel")
  case $name in
    *.ko.xz) xz -dc "$moddir/$rel" > "$rootfs/lib/modules/${name%.xz}"; name=${name%.xz} ;;
    *.ko.zst) zstd -qdc "$moddir/$rel" > "$rootfs/lib/modules/${name%.zst}"; name=${name%.zst} ;;
    *.ko.gz) gzip -dc "$moddir/$rel" > "$rootfs/lib/modules/${name%.gz}"; name=${name%.gz} ;;
    *) cp "$moddir/$rel" "$rootfs/lib/modules/$name" ;;
  esac
  echo "$name" >> "$rootfs/etc/modules.order"
done
log "modules: $(tr '\n' ' ' < "$rootfs/etc/modules.order")"

# wg and the shared libraries it links, the dynamic loader included, at the
# paths ldd reports (so the loader's default search finds them).
copy_with_libs() {  # copy_with_libs BINARY DEST-IN-ROOTFS
  local lib
  install -D -m 0755 "$1" "$rootfs/$2"
  for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
    [[ -e $rootfs$lib ]] || install -D -m 0755 "$(realpath "$lib")" "$rootfs$lib"
  done
}
copy_with_libs "$(command -v wg)" usr/bin/wg

# A console for the kernel to hand /init before devtmpfs is mounted. If this
# cannot be made (not root), /init reopens /dev/console after mounting /dev.
mknod -m 600 "$rootfs/dev/console" c 5 1 2>/dev/null || true

cat > "$rootfs/init" <<'INIT'
#!/bin/sh
# PID 1 of the WireGuard guest: load the modules, bring up eth0 and wg0 from
# the per-run configuration in /wgconf, announce readiness on the console, then
# serve the test's requests (if asked to) and never exit, since PID 1 exiting
# panics the kernel.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
# A probe boot (linux_guest_accel in tools/netns/linux_guest.sh) only asks
# whether this accelerator can run a guest at all: say so and power off.
case " $(cat /proc/cmdline) " in
  *" wgref.probe "*) echo "WGREF-GUEST-PROBE-OK"; poweroff -f; echo o > /proc/sysrq-trigger; while :; do sleep 60; done ;;
esac
say() { echo "WGREF-GUEST: $*"; }
fail() {
  echo "WGREF-GUEST-FAIL: $*"
  # Ending the VM tells the host at once; with -no-reboot qemu then exits.
  poweroff -f; echo o > /proc/sysrq-trigger; while :; do sleep 60; done
}

for m in $(cat /etc/modules.order); do
  insmod "/lib/modules/$m" || fail "insmod $m"
done

[ -f /wgconf/env ] && [ -f /wgconf/wg0.conf ] || fail "no /wgconf/env and /wgconf/wg0.conf (pass a second initrd archive)"
. /wgconf/env
[ -n "$GUEST_ETH_ADDR" ] && [ -n "$WG_ADDRS" ] || fail "/wgconf/env lacks GUEST_ETH_ADDR or WG_ADDRS"

# Addresses are used at once: skip IPv6 duplicate detection on new links.
echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad
echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad

ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ]; do
  i=$((i + 1)); [ $i -le 100 ] || fail "no eth0"; sleep 0.1
done
ip addr add "$GUEST_ETH_ADDR" dev eth0 || fail "address on eth0"
ip link set eth0 up || fail "eth0 up"

ip link add wg0 type wireguard || fail "ip link add wg0 type wireguard"
wg setconf wg0 /wgconf/wg0.conf || fail "wg setconf"
for a in $WG_ADDRS; do ip addr add "$a" dev wg0 || fail "address $a on wg0"; done
ip link set wg0 up || fail "wg0 up"
if [ -f /wgconf/wg1.conf ]; then
  ip link add wg1 type wireguard || fail "ip link add wg1 type wireguard"
  wg setconf wg1 /wgconf/wg1.conf || fail "wg setconf wg1"
  if [ -f /wgconf/wg1.private-key ]; then wg set wg1 private-key /wgconf/wg1.private-key || fail "wg set wg1 private-key"; fi
  ip link set wg1 up || fail "wg1 up"
fi

say "kernel $(uname -r), wg0 public key $(wg show wg0 public-key), listening on $(wg show wg0 listen-port)"
echo "WGREF-GUEST-READY"

if [ -n "$AGENT_PORT" ]; then
  nc -ll -p "$AGENT_PORT" -e /bin/wgref-agent &
fi
while :; do sleep 3600; done
INIT

cat > "$rootfs/bin/wgref-agent" <<'AGENT'
#!/bin/sh
# One request per connection, from a short fixed list, so the test decides
# when the guest speaks (and the guest runs nothing else a peer could send):
#   ping ADDR   three pings to ADDR (IPv4 or IPv6); the last line says
#               GUEST-PING-OK ADDR or GUEST-PING-FAIL ADDR
#   show        `wg show wg0`, the kernel's own view of the tunnel
# Replies go back on the connection and, for the record, to the console.
read -r cmd arg rest || exit 0
{
  case "$cmd" in
    ping)
      case "$arg" in
        ''|*[!0-9a-fA-F:.]*) echo "GUEST-BAD-REQUEST"; exit 0 ;;
      esac
      case "$arg" in *:*) p=ping6 ;; *) p=ping ;; esac
      if $p -c 3 -w 15 "$arg" 2>&1; then echo "GUEST-PING-OK $arg"; else echo "GUEST-PING-FAIL $arg"; fi ;;
    show) wg show wg0 2>&1; echo "GUEST-SHOW-DONE" ;;
    *) echo "GUEST-BAD-REQUEST" ;;
  esac
} | tee /dev/console
AGENT
chmod 0755 "$rootfs/init" "$rootfs/bin/wgref-agent"

# Pack: newc is the format the kernel reads; owners become root.
(cd "$rootfs" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -9 > "$tmp/initramfs.gz"

# Publish atomically; the stamp goes last, so a half-written cache never counts.
rm -f "$cache/stamp"
cp "$vmlinuz" "$cache/vmlinuz.new" && mv "$cache/vmlinuz.new" "$cache/vmlinuz"
mv "$tmp/initramfs.gz" "$cache/initramfs.gz"
echo "$kver" > "$cache/kernel-version"
printf 'builder %s\npackage %s %s\nkernel %s\nbuilt %s\n' \
  "$self_hash" "$kpkg" "$kpkg_version" "$kver" "$(date -u +%FT%TZ)" > "$cache/stamp"
log "built in $cache ($(du -h "$cache/initramfs.gz" | cut -f1) initramfs)"
print_paths
