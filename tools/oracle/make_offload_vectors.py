#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes vectors/offload_scapy.txt: TUN offload known answers built with
Scapy, whose IP, TCP and UDP checksums and header layouts are independent of
reference/io/offload.cpp. Each record is one of:
  kind = split:    `header` (the 10-byte virtio_net_hdr the kernel writes) and
                   `super` (the super-packet behind it) are cut into
                   `segment0`..`segmentN-1`, each an ordinary packet as a sender
                   without offloads would have sent it (Scapy fills in lengths
                   and checksums for each one on its own).
  kind = coalesce: `packet0`..`packetN-1`, consecutive segments of one flow,
                   glued into `output`: the virtio_net_hdr and the super-packet
                   (IP length and checksum for the whole, TCP checksum field
                   holding the pseudo-header's sum, as the kernel wants it).
Run: /usr/bin/python3 tools/oracle/make_offload_vectors.py > vectors/offload_scapy.txt
"""
import struct
import sys

import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, IPv6, TCP, UDP, Raw, raw  # noqa: E402
from scapy.utils import checksum  # noqa: E402

NEEDS_CSUM = 1
GSO = {"tcp4": 1, "tcp6": 4, "udp": 5}


def virtio(flags, gso_type, hdr_len, gso_size, csum_start, csum_offset):
    return struct.pack("<BBHHHH", flags, gso_type, hdr_len, gso_size, csum_start, csum_offset)


def payload(n, seed):
    return bytes((seed * 31 + i * 7) & 0xff for i in range(n))


def ip_layer(v6, **fields):
    if v6:
        return IPv6(src="2001:db8::1", dst="2001:db8::2", hlim=fields.get("ttl", 64))
    return IP(src="203.0.113.1", dst="203.0.113.2", id=fields.get("id", 0x1234), flags="DF", ttl=fields.get("ttl", 64))


def pseudo_sum(v6, proto, length):
    """The pseudo-header's ones'-complement sum, folded, not complemented."""
    if v6:
        head = bytes(IPv6(src="2001:db8::1", dst="2001:db8::2"))[8:40] + struct.pack("!IxxxB", length, proto)
    else:
        head = bytes(IP(src="203.0.113.1", dst="203.0.113.2"))[12:20] + struct.pack("!xBH", proto, length)
    return (~checksum(head)) & 0xffff


def split_tcp(v6, size, mss, flags, options, seed):
    """The kernel's super-packet, with the pseudo-header sum in the checksum field."""
    data = payload(size, seed)
    tcp = TCP(sport=40000, dport=5201, seq=1000, ack=77, flags=flags, window=512, options=options)
    whole = ip_layer(v6) / tcp / Raw(data)
    packet = bytearray(raw(whole))
    ip_len = 40 if v6 else 20
    tcp_len = len(raw(tcp)) - 0  # header only: TCP() without payload
    packet[ip_len + 16:ip_len + 18] = struct.pack("!H", pseudo_sum(v6, 6, len(packet) - ip_len))
    header = virtio(NEEDS_CSUM, GSO["tcp6" if v6 else "tcp4"], ip_len + tcp_len, mss, ip_len, 16)
    segments = []
    for i, offset in enumerate(range(0, size, mss)):
        last = offset + mss >= size
        f = TCP(flags=flags).flags
        if not last:
            f &= ~0x09  # FIN, PSH: the last segment's
        if i > 0:
            f &= ~0x80  # CWR: the first's
        ip = ip_layer(v6, id=0x1234 + i)
        seg = ip / TCP(sport=40000, dport=5201, seq=1000 + offset, ack=77, flags=int(f), window=512, options=options) / Raw(data[offset:offset + mss])
        segments.append(raw(seg))
    return header, bytes(packet), segments


def split_udp(v6, size, gso, seed):
    data = payload(size, seed)
    whole = ip_layer(v6) / UDP(sport=40000, dport=53) / Raw(data)
    packet = bytearray(raw(whole))
    ip_len = 40 if v6 else 20
    packet[ip_len + 6:ip_len + 8] = struct.pack("!H", pseudo_sum(v6, 17, len(packet) - ip_len))
    header = virtio(NEEDS_CSUM, GSO["udp"], ip_len + 8, gso, ip_len, 6)
    segments = [raw(ip_layer(v6, id=0x1234 + i) / UDP(sport=40000, dport=53) / Raw(data[o:o + gso]))
                for i, o in enumerate(range(0, size, gso))]
    return header, bytes(packet), segments


def partial_checksum(v6, proto):
    """No GSO, but the checksum left to us (TUN_F_CSUM): one packet out."""
    data = payload(301, 9)  # odd: the last byte is padded with zero
    l4 = TCP(sport=1, dport=2, flags="PA", seq=5, ack=6) if proto == 6 else UDP(sport=1, dport=2)
    whole = ip_layer(v6) / l4 / Raw(data)
    done = raw(whole)
    packet = bytearray(done)
    ip_len = 40 if v6 else 20
    field = ip_len + (16 if proto == 6 else 6)
    packet[field:field + 2] = struct.pack("!H", pseudo_sum(v6, proto, len(packet) - ip_len))
    return virtio(NEEDS_CSUM, 0, 0, 0, ip_len, 16 if proto == 6 else 6), bytes(packet), [done]


def coalesce(v6, sizes, push_last, options, seed):
    datas = [payload(n, seed + i) for i, n in enumerate(sizes)]
    packets, seq = [], 1000
    for i, d in enumerate(datas):
        flags = "PA" if (push_last and i == len(datas) - 1) else "A"
        p = ip_layer(v6, id=0x1234 + i) / TCP(sport=5201, dport=40000, seq=seq, ack=99, flags=flags, window=300, options=options) / Raw(d)
        packets.append(raw(p))
        seq += len(d)
    tcp = TCP(sport=5201, dport=40000, seq=1000, ack=99, flags="PA" if push_last else "A", window=300, options=options)
    whole = bytearray(raw(ip_layer(v6, id=0x1234) / tcp / Raw(b"".join(datas))))
    ip_len = 40 if v6 else 20
    whole[ip_len + 16:ip_len + 18] = struct.pack("!H", pseudo_sum(v6, 6, len(whole) - ip_len))
    header = virtio(NEEDS_CSUM, GSO["tcp6" if v6 else "tcp4"], ip_len + len(raw(tcp)), sizes[0], ip_len, 16)
    return packets, header + bytes(whole)


def main(out):
    out.write(__doc__.split("Run:")[0].strip().replace("\n", "\n# ").join(["# ", "\n"]))
    out.write("# Checked by reference/io/offload_test.cpp.\n")
    timestamps = [("NOP", None), ("NOP", None), ("Timestamp", (123456, 654321))]
    splits = [
        ("tcp4, 3 full segments and a short one, PSH and FIN on the last", split_tcp(False, 4000, 1200, "FPA", [], 1)),
        ("tcp4 with timestamps, CWR on the first only", split_tcp(False, 2736, 1368, "CA", timestamps, 2)),
        ("tcp6, 2 segments", split_tcp(True, 2000, 1000, "PA", timestamps, 3)),
        ("udp4 (USO)", split_udp(False, 2500, 1000, 4)),
        ("udp6 (USO)", split_udp(True, 1800, 900, 5)),
        ("tcp4, no GSO, checksum left to us", partial_checksum(False, 6)),
        ("udp6, no GSO, checksum left to us", partial_checksum(True, 17)),
    ]
    for title, (header, packet, segments) in splits:
        out.write(f"\n# {title}\nkind = split\nheader = {header.hex()}\nsuper = {packet.hex()}\n")
        out.write(f"segments = {len(segments)}\n")
        for i, s in enumerate(segments):
            out.write(f"segment{i} = {s.hex()}\n")
    coalesces = [
        ("tcp4, 3 equal segments and a short last one", coalesce(False, [1000, 1000, 1000, 400], False, [], 6)),
        ("tcp4 with timestamps, PSH on the last", coalesce(False, [1368, 1368], True, timestamps, 7)),
        ("tcp6, 3 equal segments", coalesce(True, [1200, 1200, 1200], False, timestamps, 8)),
    ]
    for title, (packets, output) in coalesces:
        out.write(f"\n# {title}\nkind = coalesce\npackets = {len(packets)}\n")
        for i, p in enumerate(packets):
            out.write(f"packet{i} = {p.hex()}\n")
        out.write(f"output = {output.hex()}\n")


if __name__ == "__main__":
    main(sys.stdout)
