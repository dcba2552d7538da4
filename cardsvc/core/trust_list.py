"""The trust list: which issuer keys sign cards for which comune, signed by the network root key.

Payload (JSON, inside a JWS of type ``familycard-trust-list``)::

    {"type": "familycard-trust-list", "network": "...", "version": 3, "issued_at": "2026-...Z",
     "list_signing_key": {"kid": "<b64url>", "public_key": "<b64url raw 32 bytes>"},
     "issuers": [{"kid": "...", "istat": "108040", "comune": "Seveso", "public_key": "...",
                  "valid_from": "...Z", "valid_until": null, "status": "active"}]}

``active`` keys sign new cards; ``retired`` keys sign no new cards but their cards stay valid;
``revoked`` keys were compromised and every card they signed is refused. A client never accepts a lower
version than the one it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import jws
from .claims import ISTAT_PATTERN
from .keys import KeyFormatError, Verifier, b64url, b64url_decode, kid_for
from .timestamps import TimestampError, from_rfc3339, to_rfc3339

TRUST_LIST_TYPE = "familycard-trust-list"
STATUSES = ("active", "retired", "revoked")


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """One issuer key as the trust list describes it; times are NumericDate seconds."""

    istat: str
    comune: str
    public_key: bytes
    valid_from: int
    valid_until: int | None
    status: str
    kid: bytes = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kid", kid_for(self.public_key))
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        if not ISTAT_PATTERN.fullmatch(self.istat):
            raise ValueError("istat is not a six-digit code")
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")

    def covers(self, moment: int) -> bool:
        """True when a card issued at ``moment`` falls in this key's validity, both ends included.

        Including ``valid_until`` lets a rotation at time T retire the old key at T and start the new
        one at T without leaving a card issued in that second outside both.
        """
        return self.valid_from <= moment and (self.valid_until is None or moment <= self.valid_until)

    def to_json(self) -> dict[str, Any]:
        return {
            "kid": b64url(self.kid),
            "istat": self.istat,
            "comune": self.comune,
            "public_key": b64url(self.public_key),
            "valid_from": to_rfc3339(self.valid_from),
            "valid_until": None if self.valid_until is None else to_rfc3339(self.valid_until),
            "status": self.status,
        }

    @classmethod
    def from_json(cls, item: Any) -> IssuerKey:
        if not isinstance(item, dict):
            raise ValueError("issuer entry is not an object")
        public_key = b64url_decode(item["public_key"])
        until = item.get("valid_until")
        key = cls(
            istat=_text(item["istat"]),
            comune=_text(item["comune"]),
            public_key=public_key,
            valid_from=from_rfc3339(item["valid_from"]),
            valid_until=None if until is None else from_rfc3339(until),
            status=_text(item["status"]),
        )
        if b64url(key.kid) != item.get("kid"):
            raise ValueError("issuer kid does not match its public key")
        return key


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected non-empty text")
    return value


class TrustList:
    """A trust list, with its issuer keys prepared for signature checks and indexed by kid."""

    def __init__(
        self,
        *,
        network: str,
        version: int,
        issued_at: int,
        list_signing_key: bytes,
        issuers: tuple[IssuerKey, ...],
    ) -> None:
        if type(version) is not int or version < 1:
            raise ValueError("version must be a positive integer")
        self.network = network
        self.version = version
        self.issued_at = issued_at
        self.list_signing_key = Verifier(list_signing_key)
        self.issuers = issuers
        #: issuer keys and their prepared verifiers by kid; read-only after construction
        self.by_kid: dict[bytes, tuple[IssuerKey, Verifier]] = {}
        for issuer in issuers:
            if issuer.kid in self.by_kid:
                raise ValueError("two issuer entries share a kid")
            self.by_kid[issuer.kid] = (issuer, Verifier(issuer.public_key))

    def lookup(self, kid: bytes) -> tuple[IssuerKey, Verifier] | None:
        """The issuer key with this kid and its prepared verifier, if listed."""
        return self.by_kid.get(kid)

    def comune_name(self, istat: str) -> str | None:
        """The comune's name as the trust list gives it."""
        for issuer in self.issuers:
            if issuer.istat == istat:
                return issuer.comune
        return None

    def to_payload(self) -> dict[str, Any]:
        return {
            "type": TRUST_LIST_TYPE,
            "network": self.network,
            "version": self.version,
            "issued_at": to_rfc3339(self.issued_at),
            "list_signing_key": {
                "kid": b64url(self.list_signing_key.kid),
                "public_key": b64url(self.list_signing_key.public_key),
            },
            "issuers": [issuer.to_json() for issuer in self.issuers],
        }

    def sign(self, root_key: Ed25519PrivateKey) -> str:
        """The signed compact JWS of this trust list."""
        return jws.sign(self.to_payload(), root_key, TRUST_LIST_TYPE)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> TrustList:
        try:
            if payload.get("type") != TRUST_LIST_TYPE:
                raise ValueError("payload is not a trust list")
            signer = payload["list_signing_key"]
            signer_key = b64url_decode(signer["public_key"])
            if b64url(kid_for(signer_key)) != signer.get("kid"):
                raise ValueError("list-signing kid does not match its key")
            if not isinstance(payload["issuers"], list):
                raise ValueError("issuers is not a list")
            return cls(
                network=_text(payload["network"]),
                version=payload["version"],
                issued_at=from_rfc3339(payload["issued_at"]),
                list_signing_key=signer_key,
                issuers=tuple(IssuerKey.from_json(item) for item in payload["issuers"]),
            )
        except (KeyError, TypeError, ValueError, KeyFormatError, TimestampError) as exc:
            raise jws.JwsError("malformed", f"trust list content is invalid: {exc}") from None


def load_trust_list(token: str, root_key: Verifier, held_version: int | None = None) -> TrustList:
    """Verify a signed trust list against the pinned root key and refuse a rollback."""
    parts = jws.verify(token, root_key, TRUST_LIST_TYPE)
    trust = TrustList.from_payload(parts.payload)
    if held_version is not None and trust.version < held_version:
        raise jws.JwsError(
            "rollback", f"trust list version {trust.version} is older than held {held_version}"
        )
    return trust
