#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes vectors/hmac_blake2s_kdf.txt: HMAC-BLAKE2s and WireGuard's KDF1..3
(whitepaper section 5.4) computed with CPython's standard `hmac` module over
`hashlib.blake2s`, an implementation independent of ours (libb2 plus our own
HMAC). Run: /usr/bin/python3 tools/oracle/make_kdf_vectors.py > vectors/hmac_blake2s_kdf.txt
"""
import hashlib
import hmac


def HMAC(key, data):
    return hmac.new(key, data, hashlib.blake2s).digest()


def KDF3(key, data):
    t0 = HMAC(key, data)
    t1 = HMAC(t0, b"\x01")
    t2 = HMAC(t0, t1 + b"\x02")
    t3 = HMAC(t0, t2 + b"\x03")
    return t1, t2, t3


def label(text, n):
    out = b""
    while len(out) < n:
        out += hashlib.blake2s((text + str(len(out))).encode()).digest()
    return out[:n]


print("# HMAC-BLAKE2s (RFC 2104 over BLAKE2s-256, 64-byte blocks) and WireGuard's KDF1..3")
print("# (whitepaper section 5.4: t0 = HMAC(key, input), t1 = HMAC(t0, 0x1), ti = HMAC(t0, t(i-1) || i)).")
print("# Origin: computed by tools/oracle/make_kdf_vectors.py with CPython's standard hmac module and")
print("# hashlib.blake2s, independent of our libb2-based code. (No published HMAC-BLAKE2s vectors were")
print("# found in a citable standard; the handshake vectors and real peers check the KDF end to end too.)")
print("# Records with key/input/hmac are HMAC cases; records with kdf_key/kdf_input/t1/t2/t3 are KDF3 cases.")
for key, data in [(b"", b""), (label("key", 32), b"WireGuard"), (label("long key", 64), label("input", 200))]:
    print(f"\nkey = {key.hex()}\ninput = {data.hex()}\nhmac = {HMAC(key, data).hex()}")
for key, data in [(label("chaining key", 32), b""), (label("chaining key 2", 32), label("dh", 32)),
                  (label("chaining key 3", 32), label("long", 100)), (bytes(32), label("zero key", 32))]:
    t1, t2, t3 = KDF3(key, data)
    print(f"\nkdf_key = {key.hex()}\nkdf_input = {data.hex()}\nt1 = {t1.hex()}\nt2 = {t2.hex()}\nt3 = {t3.hex()}")
