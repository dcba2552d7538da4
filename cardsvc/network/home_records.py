"""What the network folder's state holds, apart from the folder: its error, the cards issued from it,
and its issuer key records (see ``cardsvc.network.home``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cardsvc.core import CardClaims, IssuerKey, generate_private_key, raw_public_key
from cardsvc.core.errors import InvalidInput
from cardsvc.core.keys import b64url, b64url_decode, kid_for
from cardsvc.core.timestamps import from_rfc3339, to_rfc3339


class NetworkHomeError(InvalidInput, ValueError):
    """The network folder cannot do what was asked; the message says why."""

    code = "network_home"


@dataclass(frozen=True)
class IssuedCard:
    text: str
    claims: CardClaims
    card_number: str
    qr_version: int
    png: Path

    def to_json(self) -> dict[str, Any]:
        return {
            "qr": self.text,
            "card_number": self.card_number,
            "cti": b64url(self.claims.cti),
            "qr_version": self.qr_version,
            "png": str(self.png),
            "istat": self.claims.issuer,
            "holder": self.claims.holder,
            "minors": self.claims.minors,
            "issued_at": to_rfc3339(self.claims.issued_at),
            "expires_at": to_rfc3339(self.claims.expires_at),
        }


def new_issuer_record(
    state: dict[str, Any], istat: str, now: int, public_key: bytes | None
) -> tuple[dict[str, Any], dict[str, Ed25519PrivateKey]]:
    """A new issuer key record for ``istat``: a key generated here (returned to be written encrypted),
    or the given public key of a key held by the comune office."""
    new_keys: dict[str, Ed25519PrivateKey] = {}
    if public_key is None:
        private = generate_private_key()
        public_key = raw_public_key(private)
        key_file = f"issuer-{istat}-{b64url(kid_for(public_key))}.pem"
        new_keys[key_file] = private
    else:
        key_file = None
    kid = b64url(kid_for(public_key))
    if any(r["kid"] == kid for r in state["issuer_keys"]):
        raise NetworkHomeError("that public key is already in the trust list")
    record = {
        "kid": kid,
        "istat": istat,
        "public_key": b64url(public_key),
        "valid_from": to_rfc3339(now),
        "valid_until": None,
        "status": "active",
        "key_file": None if key_file is None else f"keys/{key_file}",
    }
    return record, new_keys


def issuer_key(state: dict[str, Any], record: dict[str, Any]) -> IssuerKey:
    """The trust list's view of an issuer key record."""
    until = record["valid_until"]
    return IssuerKey(
        istat=record["istat"],
        comune=state["comuni"][record["istat"]],
        public_key=b64url_decode(record["public_key"]),
        valid_from=from_rfc3339(record["valid_from"]),
        valid_until=None if until is None else from_rfc3339(until),
        status=record["status"],
    )
