"""Kiosk enrolment: an administrator creates a kiosk and gets a one-time code; the till exchanges it.

The code expires, works once, and is stored only as a hash. In exchange the kiosk gets its id, a bearer
token (stored hashed; revoking the kiosk refuses it at once), the root public key to pin, the lists and
its merchant's published offers. The kiosk sends its own device public key, which signs its uploads.
"""

from __future__ import annotations

import secrets
from typing import Any

from cardsvc.core.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from cardsvc.platform.plain_text import plain_text
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from ..core import to_rfc3339
from ..core.keys import KeyFormatError, Verifier, b64url_decode
from .credentials import new_enrolment_code, new_token, normalize_code, same_secret, secret_hash
from .registry import get_merchant


def create_kiosk(db: Database, merchant_id: int, name: str, now: int, code_ttl: int) -> dict[str, Any]:
    get_merchant(db, merchant_id)
    try:
        name = plain_text(name, 60, required=False) or "Cassa"
    except ValueError as exc:
        raise InvalidInput(f"name {exc}") from None
    kiosk_id = "k_" + secrets.token_hex(8)
    code = new_enrolment_code()
    db.table("kiosks").insert(
        {
            "id": kiosk_id,
            "merchant_id": merchant_id,
            "name": name[:60],
            "status": "pending",
            "code_hash": secret_hash(normalize_code(code)),
            "code_expires_at": now + code_ttl,
            "created_at": to_rfc3339(now),
            "last_seq": 0,
        }
    )
    return {
        "kiosk_id": kiosk_id,
        "merchant_id": merchant_id,
        "name": name,
        "code": code,
        "code_expires_at": to_rfc3339(now + code_ttl),
    }


def enrol(db: Database, code: Any, device_public_key: Any, now: int) -> tuple[dict[str, Any], str]:
    """Exchange a one-time code for the kiosk's identity; returns the kiosk row and its new token."""
    if not isinstance(code, str) or not isinstance(device_public_key, str):
        raise InvalidInput("code and device_public_key are required")
    try:
        Verifier(b64url_decode(device_public_key))
    except (ValueError, KeyFormatError):
        raise InvalidInput(
            "device_public_key must be an Ed25519 key in base64url", code="invalid_device_key"
        ) from None
    code_hash = secret_hash(normalize_code(code))
    rows = list(db["kiosks"].rows_where("code_hash = ?", [code_hash]))
    if not rows:
        raise Forbidden("the enrolment code is wrong or was already used", code="invalid_code")
    kiosk = rows[0]
    if kiosk["status"] != "pending":
        raise Forbidden("the enrolment code is wrong or was already used", code="invalid_code")
    if now > kiosk["code_expires_at"]:
        raise Forbidden("the enrolment code has expired: ask for a new one", code="code_expired")
    token = new_token()
    with write_transaction(db):  # one use: only the request that still finds the code pending wins
        taken = db.execute(
            "update kiosks set status = 'active', code_hash = null, token_hash = ?, device_public_key = ?, "
            "enrolled_at = ? where id = ? and status = 'pending' and code_hash = ?",
            [secret_hash(token), device_public_key, to_rfc3339(now), kiosk["id"], code_hash],
        ).rowcount
    if taken != 1:
        raise Forbidden("the enrolment code is wrong or was already used", code="invalid_code")
    return {**kiosk, "status": "active", "device_public_key": device_public_key}, token


def kiosk_for_token(db: Database, token: str) -> dict[str, Any]:
    """The kiosk of a bearer token, by index in one query (every till's request starts here)."""
    cursor = db.execute("select * from kiosks where token_hash = ?", [secret_hash(token)])
    row = cursor.fetchone()
    kiosk = None if row is None else dict(zip([c[0] for c in cursor.description], row, strict=True))
    if kiosk is None or not same_secret(token, kiosk["token_hash"]):
        raise NotAuthenticated("unknown kiosk credential")
    if kiosk["status"] != "active":
        raise Forbidden("this kiosk has been revoked", code="kiosk_revoked")
    return kiosk


def revoke_kiosk(db: Database, kiosk_id: str, now: int, reason: str | None = None) -> dict[str, Any]:
    rows = list(db["kiosks"].rows_where("id = ?", [kiosk_id]))
    if not rows:
        raise NotFound(f"no kiosk {kiosk_id}", code="unknown_kiosk")
    db.table("kiosks").update(
        kiosk_id,
        {"status": "revoked", "revoked_at": to_rfc3339(now), "code_hash": None, "revocation_reason": reason},
    )
    return {**rows[0], "status": "revoked"}
