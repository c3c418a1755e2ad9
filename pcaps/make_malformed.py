#!/usr/bin/python3
"""Writes malformed.pcap: WireGuard-shaped datagrams a receiver must drop.

Paper §5.4 gives each handshake message exactly one legal length (initiation
148, response 92, cookie reply 64) and transport data at least 32 bytes
(16-byte header + 16-byte tag); every message starts with a type byte and
three reserved bytes that must be zero. Each frame below breaks one of those
rules, with a well-formed message of each type first as a reference point.
Also a few frames that are not UDP at all (ARP, ICMP), which a capture reader
must skip. Deterministic: fixed seed, fixed timestamps, fixed addresses.

Usage: /usr/bin/python3 make_malformed.py [OUT]   (OUT: malformed.pcap beside this file)
"""
import os
import random
import struct
import sys

from scapy.all import ARP, ICMP, IP, IPv6, UDP, Ether, Raw, wrpcap

rng = random.Random(2017)
SENDER = ("192.0.2.1", 51820)
TARGET = ("192.0.2.2", 51820)
T0 = 1_700_000_000


def noise(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def message(kind, size, reserved=b"\0\0\0"):
    """A message of `kind` (type byte) padded with random bytes to `size`."""
    head = bytes([kind]) + reserved
    if kind == 4:  # receiver index, then a small counter, then "ciphertext"
        body = struct.pack("<IQ", 0x1A2B3C4D, 7) if size >= 16 else b""
    else:
        body = struct.pack("<I", 0x11223344)
    return (head + body + noise(max(0, size - len(head) - len(body))))[:size]


# (what it is, UDP payload); the reference messages come first.
cases = [
    ("valid-length initiation", message(1, 148)),
    ("valid-length response", message(2, 92)),
    ("valid-length cookie reply", message(3, 64)),
    ("valid-length transport data", message(4, 128)),
    ("valid-length keepalive", message(4, 32)),
    ("initiation truncated to 147", message(1, 147)),
    ("initiation oversized to 149", message(1, 149)),
    ("initiation header only", message(1, 4)),
    ("response truncated to 91", message(2, 91)),
    ("response oversized to 93", message(2, 93)),
    ("cookie reply truncated to 63", message(3, 63)),
    ("cookie reply oversized to 65", message(3, 65)),
    ("data shorter than 32 bytes (31)", message(4, 31)),
    ("data of only its 16-byte header", message(4, 16)),
    ("initiation with reserved byte 1 set", message(1, 148, b"\x01\0\0")),
    ("response with reserved byte 3 set", message(2, 92, b"\0\0\x80")),
    ("cookie reply with reserved bytes set", message(3, 64, b"\xff\xff\xff")),
    ("data with reserved byte 2 set", message(4, 64, b"\0\x01\0")),
    ("unknown type 0", message(0, 64)),
    ("unknown type 5", message(5, 64)),
    ("unknown type 255", message(255, 148)),
    ("empty UDP payload", b""),
    ("three bytes", b"\x01\x00\x00"),
    ("garbage", noise(100)),
]

frames = []
for what, payload in cases:
    frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
                  IP(src=SENDER[0], dst=TARGET[0], id=len(frames) + 1) /
                  UDP(sport=SENDER[1], dport=TARGET[1]) / Raw(payload))
# IPv6 too, and frames that are not UDP: a capture reader skips these.
frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
              IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP(sport=51820, dport=51820) / Raw(message(1, 147)))
frames.append(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") / ARP(psrc=SENDER[0], pdst=TARGET[0]))
frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
              IP(src=SENDER[0], dst=TARGET[0], id=999) / ICMP(id=1, seq=1))
for i, frame in enumerate(frames):
    frame.time = T0 + i / 1000

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "malformed.pcap")
wrpcap(out, frames)
print(f"wrote {out}: {len(frames)} frames")
for i, (what, payload) in enumerate(cases, 1):
    print(f"  frame {i:2}: {what} ({len(payload)} bytes)")
