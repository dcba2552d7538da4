"""The kiosk ledger's hash chain and signed upload batches, shared by the kiosk and the central service.

Every ledger record is a JSON object with at least ``id`` (unique), ``seq`` (1, 2, 3 … per kiosk) and
``prev`` (the hash of the record before it; 64 zeros for the first). A record's hash is SHA-256 over its
canonical JSON (sorted keys, no white space, UTF-8), hex. A deleted, altered or re-ordered record breaks
the chain at the next record, and the central service sees it.

An upload batch is ``{"kiosk_id": …, "sent_at": <RFC 3339, kiosk clock>, "records": […],
"signature": <base64url Ed25519>}``; the signature covers the canonical JSON of the batch without
``signature`` and is made with the kiosk's own device key.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .jws import canonical_json
from .keys import Verifier, b64url, b64url_decode

GENESIS = "0" * 64


RECORD_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a record's id, at the till and centrally alike


def valid_record_id(value: Any) -> bool:
    return isinstance(value, str) and RECORD_ID.fullmatch(value) is not None


class ChainError(ValueError):
    """A record does not follow the one before it; ``code`` is ``gap``, ``fork`` or ``malformed``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def record_hash(record: dict[str, Any], encoding: bytes | None = None) -> str:
    """SHA-256 (hex) of the record's canonical JSON (``encoding``, when the caller has it already)."""
    return hashlib.sha256(canonical_json(record) if encoding is None else encoding).hexdigest()


def chain_records(
    records: list[dict[str, Any]], last_seq: int = 0, last_hash: str = GENESIS
) -> list[dict[str, Any]]:
    """Give each record its ``seq`` and ``prev``, continuing after ``last_seq``/``last_hash``."""
    chained = []
    for offset, record in enumerate(records, start=1):
        linked = {**record, "seq": last_seq + offset, "prev": last_hash}
        last_hash = record_hash(linked)
        chained.append(linked)
    return chained


def check_link(record: dict[str, Any], last_seq: int, last_hash: str) -> str:
    """Check that ``record`` directly follows (``last_seq``, ``last_hash``); return its hash."""
    seq, prev = record.get("seq"), record.get("prev")
    if type(seq) is not int or not isinstance(prev, str):
        raise ChainError("malformed", "record has no integer seq or no prev hash")
    if seq != last_seq + 1:
        raise ChainError("gap", f"record {seq} does not follow record {last_seq}")
    if prev != last_hash:
        raise ChainError("fork", f"record {seq} does not carry the hash of record {last_seq}")
    return record_hash(record)


def sign_batch(
    kiosk_id: str, records: list[dict[str, Any]], device_key: Ed25519PrivateKey, sent_at: str
) -> dict[str, Any]:
    """A signed upload batch."""
    body = {"kiosk_id": kiosk_id, "sent_at": sent_at, "records": records}
    return {**body, "signature": b64url(device_key.sign(canonical_json(body)))}


def batch_signature_valid(
    batch: dict[str, Any], device_public_key: bytes, record_encodings: list[bytes] | None = None
) -> bool:
    """True when the batch's signature is the device key's over its kiosk id, time and records.

    ``record_encodings``, the canonical JSON of each record when the caller has them (it hashes them
    anyway), spares encoding every record a second time: the canonical JSON of the batch is its sorted
    keys around the records' own canonical forms.
    """
    try:
        signature = b64url_decode(batch["signature"])
        if record_encodings is None:
            body = {"kiosk_id": batch["kiosk_id"], "sent_at": batch["sent_at"], "records": batch["records"]}
            message = canonical_json(body)
        else:
            message = b"".join(
                (
                    b'{"kiosk_id":',
                    canonical_json(batch["kiosk_id"]),
                    b',"records":[',
                    b",".join(record_encodings),
                    b'],"sent_at":',
                    canonical_json(batch["sent_at"]),
                    b"}",
                )
            )
        return Verifier(device_public_key).is_valid(signature, message)
    except (KeyError, TypeError, ValueError):
        return False
