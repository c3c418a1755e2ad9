#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""An independent oracle for WireGuard's handshake (whitepaper section 5.4).

Why it exists: the C++ handshake in reference/handshake/ must agree, byte for
byte, with a second implementation written separately, in another language,
on other libraries: Python's own hashlib.blake2s and hmac, python3-cryptography
(X25519, ChaCha20-Poly1305) and python3-nacl (XChaCha20-Poly1305, libsodium).
Two implementations that agree on every byte of both messages, the transport
keys, a data message and a cookie reply are unlikely to share a mistake.
Real peers (wireguard-go, the Linux kernel) remain the final word.

Run (Debian's interpreter, which has the libraries):
    /usr/bin/python3 tools/oracle/handshake_oracle.py > vectors/handshake_oracle.txt
The output is deterministic: every key and random value is derived from a label.
The oracle also checks itself: a separate responder consumes each initiation
and an initiator each response, and both must derive the same keys.
"""
import hashlib
import hmac
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt, crypto_aead_xchacha20poly1305_ietf_decrypt

# Section 5.4: protocol name, identifier and labels.
CONSTRUCTION = b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
IDENTIFIER = b"WireGuard v1 zx2c4 Jason@zx2c4.com"
LABEL_MAC1 = b"mac1----"
LABEL_COOKIE = b"cookie--"


# ---- the primitives of section 5.4 -------------------------------------------

def HASH(*parts):
    return hashlib.blake2s(b"".join(parts)).digest()


def MAC(key, data):
    return hashlib.blake2s(data, key=key, digest_size=16).digest()


def HMAC(key, data):
    return hmac.new(key, data, hashlib.blake2s).digest()


def KDF(n, key, data):
    """KDFn: t0 = HMAC(key, data); t1 = HMAC(t0, 0x1); ti = HMAC(t0, t(i-1) || i)."""
    t0 = HMAC(key, data)
    out, previous = [], b""
    for i in range(1, n + 1):
        previous = HMAC(t0, previous + bytes([i]))
        out.append(previous)
    return out


def clamp(k):
    """RFC 7748 decodeScalar25519, so stored keys look like `wg genkey` output."""
    k = bytearray(k)
    k[0] &= 248
    k[31] &= 127
    k[31] |= 64
    return bytes(k)


def public_key(private):
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def DH(private, public):
    return X25519PrivateKey.from_private_bytes(private).exchange(X25519PublicKey.from_public_bytes(public))


def AEAD(key, counter, plaintext, ad):
    """Nonce: 32 bits of zeros, then the 64-bit little-endian counter."""
    return ChaCha20Poly1305(key).encrypt(b"\0" * 4 + struct.pack("<Q", counter), plaintext, ad)


def AEAD_open(key, counter, sealed, ad):
    return ChaCha20Poly1305(key).decrypt(b"\0" * 4 + struct.pack("<Q", counter), sealed, ad)


def XAEAD(key, nonce, plaintext, ad):
    return crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, nonce, key)


def TAI64N(seconds, nanoseconds):
    # The TAI64 label of a Unix second, as the Linux kernel writes it (noise.c,
    # tai64n_now: 0x400000000000000a + tv_sec).
    return struct.pack(">QI", (1 << 62) + 10 + seconds, nanoseconds)


def mac1_and_mac2(message_alpha, receiver_public, cookie):
    """Section 5.4.4: mac1 over everything before it, mac2 over everything before it."""
    mac1 = MAC(HASH(LABEL_MAC1, receiver_public), message_alpha)
    mac2 = MAC(cookie, message_alpha + mac1) if cookie else b"\0" * 16
    return mac1 + mac2


# ---- section 5.4.2: the first message ----------------------------------------

def create_initiation(s_i_priv, s_r_pub, e_i_priv, timestamp, sender, cookie):
    c = HASH(CONSTRUCTION)
    h = HASH(c, IDENTIFIER)
    h = HASH(h, s_r_pub)
    e_i_pub = public_key(e_i_priv)
    c = KDF(1, c, e_i_pub)[0]
    h = HASH(h, e_i_pub)
    c, k = KDF(2, c, DH(e_i_priv, s_r_pub))
    encrypted_static = AEAD(k, 0, public_key(s_i_priv), h)
    h = HASH(h, encrypted_static)
    c, k = KDF(2, c, DH(s_i_priv, s_r_pub))
    encrypted_timestamp = AEAD(k, 0, timestamp, h)
    h = HASH(h, encrypted_timestamp)
    alpha = struct.pack("<B3xI", 1, sender) + e_i_pub + encrypted_static + encrypted_timestamp
    return alpha + mac1_and_mac2(alpha, s_r_pub, cookie), (c, h)


def consume_initiation(message, s_r_priv, cookie):
    """The responder's view, written separately from create_initiation."""
    s_r_pub = public_key(s_r_priv)
    assert len(message) == 148 and message[:4] == b"\x01\0\0\0"
    assert message[116:148] == mac1_and_mac2(message[:116], s_r_pub, cookie)
    c = HASH(CONSTRUCTION)
    h = HASH(HASH(c, IDENTIFIER), s_r_pub)
    e_i_pub = message[8:40]
    c = KDF(1, c, e_i_pub)[0]
    h = HASH(h, e_i_pub)
    c, k = KDF(2, c, DH(s_r_priv, e_i_pub))
    s_i_pub = AEAD_open(k, 0, message[40:88], h)
    h = HASH(h, message[40:88])
    c, k = KDF(2, c, DH(s_r_priv, s_i_pub))
    timestamp = AEAD_open(k, 0, message[88:116], h)
    h = HASH(h, message[88:116])
    return s_i_pub, e_i_pub, timestamp, (c, h)


# ---- section 5.4.3: the second message ---------------------------------------

def create_response(state, e_r_priv, e_i_pub, s_i_pub, psk, sender, receiver, cookie):
    c, h = state
    e_r_pub = public_key(e_r_priv)
    c = KDF(1, c, e_r_pub)[0]
    h = HASH(h, e_r_pub)
    c = KDF(1, c, DH(e_r_priv, e_i_pub))[0]
    c = KDF(1, c, DH(e_r_priv, s_i_pub))[0]
    c, tau, k = KDF(3, c, psk)
    h = HASH(h, tau)
    empty = AEAD(k, 0, b"", h)
    h = HASH(h, empty)
    alpha = struct.pack("<B3xII", 2, sender, receiver) + e_r_pub + empty
    return alpha + mac1_and_mac2(alpha, s_i_pub, cookie), c


def consume_response(message, state, e_i_priv, s_i_priv, psk):
    c, h = state
    assert len(message) == 92 and message[:4] == b"\x02\0\0\0"
    e_r_pub = message[12:44]
    c = KDF(1, c, e_r_pub)[0]
    h = HASH(h, e_r_pub)
    c = KDF(1, c, DH(e_i_priv, e_r_pub))[0]
    c = KDF(1, c, DH(s_i_priv, e_r_pub))[0]
    c, tau, k = KDF(3, c, psk)
    h = HASH(h, tau)
    AEAD_open(k, 0, message[44:60], h)  # raises if the keys disagree
    return c


# ---- sections 5.4.5, 5.4.6, 5.4.7 ---------------------------------------------

def transport_keys(c):
    """(T_send_i, T_recv_i) = KDF2(C, empty)."""
    return KDF(2, c, b"")


def transport_message(key, receiver, counter, packet):
    padded = packet + b"\0" * (-len(packet) % 16)
    return struct.pack("<B3xIQ", 4, receiver, counter) + AEAD(key, counter, padded, b"")


def cookie_reply(receiver, responder_public, nonce, cookie, answered_mac1):
    key = HASH(LABEL_COOKIE, responder_public)
    return struct.pack("<B3xI", 3, receiver) + nonce + XAEAD(key, nonce, cookie, answered_mac1)


def icmp_echo_request():
    """84 bytes: IPv4 203.0.113.1 -> 203.0.113.2, ICMP echo, 56 bytes of data."""
    data = bytes(range(56))
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0x4000, 64, 1, 0,
                     bytes([203, 0, 113, 1]), bytes([203, 0, 113, 2]))

    def checksum(b):
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        return struct.pack("!H", ~s & 0xffff)
    ip = ip[:10] + checksum(ip) + ip[12:]
    icmp = icmp[:2] + checksum(icmp) + icmp[4:]
    return ip + icmp


# ---- the cases -----------------------------------------------------------------

def derived(label):
    return hashlib.blake2s(b"wgref oracle: " + label.encode()).digest()


def case(number, use_psk, use_cookies, seconds, nanoseconds, initiator_index, responder_index):
    tag = f", case {number}"
    s_i = clamp(derived("initiator static" + tag))
    s_r = clamp(derived("responder static" + tag))
    e_i = clamp(derived("initiator ephemeral" + tag))
    e_r = clamp(derived("responder ephemeral" + tag))
    psk = derived("psk" + tag) if use_psk else b"\0" * 32
    initiation_cookie = derived("initiation cookie" + tag)[:16] if use_cookies else b""
    response_cookie = derived("response cookie" + tag)[:16] if use_cookies else b""
    timestamp = TAI64N(seconds, nanoseconds)

    initiation, i_state = create_initiation(s_i, public_key(s_r), e_i, timestamp, initiator_index, initiation_cookie)
    s_i_pub, e_i_pub, got_timestamp, r_state = consume_initiation(initiation, s_r, initiation_cookie)
    assert s_i_pub == public_key(s_i) and got_timestamp == timestamp and r_state == i_state
    response, r_chain = create_response(r_state, e_r, e_i_pub, s_i_pub, psk, responder_index, initiator_index,
                                        response_cookie)
    assert response[60:92] == mac1_and_mac2(response[:60], public_key(s_i), response_cookie)
    i_chain = consume_response(response, i_state, e_i, s_i, psk)
    assert i_chain == r_chain
    send, receive = transport_keys(i_chain)

    packet = icmp_echo_request()
    counter = 7 * number
    data = transport_message(send, responder_index, counter, packet)
    assert AEAD_open(send, counter, data[16:], b"")[:len(packet)] == packet

    secret = derived("cookie secret" + tag)
    source = bytes([192, 0, 2, 1]) + struct.pack(">H", 51820)
    cookie = MAC(secret, source)
    nonce = derived("cookie nonce" + tag)[:24]
    reply = cookie_reply(initiator_index, public_key(s_r), nonce, cookie, initiation[116:132])
    assert crypto_aead_xchacha20poly1305_ietf_decrypt(reply[32:], initiation[116:132], nonce,
                                                      HASH(LABEL_COOKIE, public_key(s_r))) == cookie
    return [
        ("initiator_static_private", s_i.hex()), ("initiator_static_public", public_key(s_i).hex()),
        ("responder_static_private", s_r.hex()), ("responder_static_public", public_key(s_r).hex()),
        ("initiator_ephemeral_private", e_i.hex()), ("responder_ephemeral_private", e_r.hex()),
        ("psk", psk.hex()), ("tai64n_seconds", str(seconds)), ("tai64n_nanoseconds", str(nanoseconds)),
        ("timestamp", timestamp.hex()), ("initiator_index", str(initiator_index)),
        ("responder_index", str(responder_index)), ("initiation_cookie", initiation_cookie.hex()),
        ("response_cookie", response_cookie.hex()), ("initiation", initiation.hex()), ("response", response.hex()),
        ("initiator_send_key", send.hex()), ("initiator_receive_key", receive.hex()),
        ("transport_counter", str(counter)), ("transport_plaintext", packet.hex()),
        ("transport_message", data.hex()), ("cookie_secret", secret.hex()), ("cookie_source", source.hex()),
        ("cookie", cookie.hex()), ("cookie_reply_nonce", nonce.hex()), ("cookie_reply", reply.hex()),
    ]


def main():
    out = sys.stdout
    out.write("# WireGuard handshake vectors from the independent Python oracle,\n")
    out.write("# tools/oracle/handshake_oracle.py (whitepaper section 5.4, on hashlib.blake2s, hmac,\n")
    out.write("# python3-cryptography and python3-nacl). Regenerate with:\n")
    out.write("#   /usr/bin/python3 tools/oracle/handshake_oracle.py > vectors/handshake_oracle.txt\n")
    out.write("# Cases: 1 no PSK, no cookies; 2 PSK; 3 both mac2 cookies; 4 PSK, cookies, large indices.\n")
    out.write("# psk of 32 zero bytes means no PSK; an empty cookie means mac2 is zeros.\n")
    cases = [
        case(1, False, False, 1767225600, 0, 1, 2),
        case(2, True, False, 1767225601, 0, 0x11223344, 0x55667788),
        case(3, False, True, 1767225602, 0, 7, 8),
        case(4, True, True, 1767225603, 123456789, 4294967295, 1),
    ]
    for fields in cases:
        out.write("\n")
        for name, value in fields:
            out.write(f"{name} = {value}\n")


if __name__ == "__main__":
    main()
