#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Re-checks every known-answer file in vectors/ with independent Python
implementations (python3-cryptography, python3-nacl, hashlib, hmac), so a
mistyped vector is caught by a second opinion, not only by our C++.
Prints 'N passed, N failed' and exits non-zero on any mismatch."""
import hashlib
import hmac
import pathlib
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "vectors"


def records(name):
    current = {}
    for line in (VECTORS / name).read_text().splitlines() + [""]:
        line = line.strip()
        if line.startswith("#"):
            continue
        if not line:
            if current:
                yield current
            current = {}
            continue
        key, _, value = line.partition("=")
        current[key.strip()] = value.strip()


def x25519(k, u):
    return X25519PrivateKey.from_private_bytes(k).exchange(X25519PublicKey.from_public_bytes(u))


def public(k):
    return X25519PrivateKey.from_private_bytes(k).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def check_x25519(r):
    h = bytes.fromhex
    if "scalar" in r:
        return x25519(h(r["scalar"]), h(r["u"])).hex() == r["out"]
    if "iterations" in r:
        k = u = bytes([9]) + bytes(31)
        for _ in range(int(r["iterations"])):
            k, u = x25519(k, u), k
        return k.hex() == r["out"]
    return (public(h(r["alice_private"])).hex() == r["alice_public"] and
            public(h(r["bob_private"])).hex() == r["bob_public"] and
            x25519(h(r["alice_private"]), h(r["bob_public"])).hex() == r["shared"])


def check_aead(r):
    h = bytes.fromhex
    key, nonce, ad, pt = h(r["key"]), h(r["nonce"]), h(r["ad"]), h(r["plaintext"])
    if len(nonce) == 12:
        sealed = ChaCha20Poly1305(key).encrypt(nonce, pt, ad)
    else:
        sealed = crypto_aead_xchacha20poly1305_ietf_encrypt(pt, ad, nonce, key)
    return sealed.hex() == r["ciphertext"] + r["tag"]


def blake2s_selftest():
    """RFC 7693 Appendix E."""
    def sequence(length, seed):
        a, b, out = (0xDEAD4BAD * seed) & 0xFFFFFFFF, 1, bytearray()
        for _ in range(length):
            t = (a + b) & 0xFFFFFFFF
            a, b = b, t
            out.append(t >> 24)
        return bytes(out)
    grand = hashlib.blake2s()
    for outlen in (16, 20, 28, 32):
        for inlen in (0, 3, 64, 65, 255, 1024):
            data = sequence(inlen, inlen)
            grand.update(hashlib.blake2s(data, digest_size=outlen).digest())
            grand.update(hashlib.blake2s(data, digest_size=outlen, key=sequence(outlen, outlen)).digest())
    return grand.hexdigest()


def check_blake2s(r):
    if "selftest" in r:
        return blake2s_selftest() == r["out"]
    return hashlib.blake2s(bytes.fromhex(r["input"]), key=bytes.fromhex(r["key"]),
                           digest_size=int(r["out_len"])).hexdigest() == r["out"]


def check_kdf(r):
    def H(k, d):
        return hmac.new(k, d, hashlib.blake2s).digest()
    if "hmac" in r:
        return H(bytes.fromhex(r["key"]), bytes.fromhex(r["input"])).hex() == r["hmac"]
    t0 = H(bytes.fromhex(r["kdf_key"]), bytes.fromhex(r["kdf_input"]))
    t1 = H(t0, b"\x01")
    t2 = H(t0, t1 + b"\x02")
    t3 = H(t0, t2 + b"\x03")
    return (t1.hex(), t2.hex(), t3.hex()) == (r["t1"], r["t2"], r["t3"])


FILES = {
    "x25519_rfc7748.txt": check_x25519,
    "chacha20poly1305_rfc8439.txt": check_aead,
    "xchacha20poly1305_draft.txt": check_aead,
    "blake2s_rfc7693.txt": check_blake2s,
    "hmac_blake2s_kdf.txt": check_kdf,
}

passed = failed = 0
for name, check in FILES.items():
    for i, record in enumerate(records(name)):
        if check(record):
            passed += 1
        else:
            failed += 1
            print(f"MISMATCH: {name} record {i + 1}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
