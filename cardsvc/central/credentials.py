"""Secrets handed to kiosks, issuers and people, and how they are kept: only hashes are stored.

Tokens and one-time codes are high-entropy random strings, so SHA-256 is enough to store them;
passwords are low-entropy and go through scrypt (``cardsvc.platform.web.login``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford's alphabet: no I, L, O, U, so a code read aloud or typed is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enrolment_code() -> str:
    """A one-time code: each character by ``secrets.choice`` (no modulo bias), printed in groups."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    return (
        "".join(code.split()).replace("-", "").upper().replace("O", "0").replace("I", "1").replace("L", "1")
    )


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_secret(secret: str, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(secret_hash(secret), stored_hash)
