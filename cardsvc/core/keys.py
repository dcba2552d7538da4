"""Ed25519 keys and their identifiers.

A key identifier (kid) is the first 8 bytes of SHA-256 over the raw 32-byte public key; in the lists it
is written in base64url. Signing uses pyca/cryptography; verification on the hot path uses libsodium
through PyNaCl, which verifies about twice as fast on this hardware (see ``bench/verify.py``).
"""

from __future__ import annotations

import base64
import hashlib

import nacl.bindings
import nacl.exceptions
import nacl.signing
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KID_LENGTH = 8
PUBLIC_KEY_LENGTH = 32


class KeyFormatError(ValueError):
    """Key material is not an Ed25519 key of the expected form."""


def generate_private_key() -> Ed25519PrivateKey:
    """A new random Ed25519 private key."""
    return Ed25519PrivateKey.generate()


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """A private key from its 32-byte seed (used for fixed test vectors)."""
    return Ed25519PrivateKey.from_private_bytes(seed)


def raw_public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The raw 32-byte public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def kid_for(public_key: bytes) -> bytes:
    """Key identifier: first 8 bytes of SHA-256 of the raw public key."""
    if len(public_key) != PUBLIC_KEY_LENGTH:
        raise KeyFormatError("an Ed25519 public key is 32 bytes")
    return hashlib.sha256(public_key).digest()[:KID_LENGTH]


def b64url(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding; raises :class:`ValueError` on anything else."""
    if not isinstance(text, str) or "=" in text or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not unpadded base64url") from exc
    if b64url(data) != text:
        raise ValueError("not canonical base64url")
    return data


def public_key_from_pem(pem: bytes) -> bytes:
    """The raw public key from a PEM SubjectPublicKeyInfo holding an Ed25519 key."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError("not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFormatError("the PEM public key is not Ed25519")
    return raw_public_key(key)


def public_key_to_pem(public_key: bytes) -> bytes:
    """PEM SubjectPublicKeyInfo for a raw Ed25519 public key."""
    key = Ed25519PublicKey.from_public_bytes(public_key)
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class Verifier:
    """A public key prepared for fast repeated signature checks."""

    __slots__ = ("kid", "public_key")

    def __init__(self, public_key: bytes) -> None:
        if len(public_key) != PUBLIC_KEY_LENGTH:
            raise KeyFormatError("an Ed25519 public key is 32 bytes")
        try:
            nacl.signing.VerifyKey(public_key)
        except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
            raise KeyFormatError("not an Ed25519 public key") from exc
        self.public_key = public_key
        self.kid = kid_for(public_key)

    def is_valid(self, signature: bytes, message: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature over ``message``."""
        if len(signature) != 64:
            return False
        return self.is_valid_signed(signature + message)

    def is_valid_signed(self, signed_message: bytes) -> bool:
        """True when ``signed_message`` is a 64-byte signature by this key followed by its message."""
        try:
            nacl.bindings.crypto_sign_open(signed_message, self.public_key)
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
            return False
        return True
