"""Revocation lists and deltas, signed by the list-signing key the trust list names.

Payload (JSON, inside a JWS of type ``familycard-revocation-list``)::

    {"type": "familycard-revocation-list", "version": 12, "since": 9,
     "issued_at": "2026-11-24T10:00:00Z",
     "entries": [{"cti": "<b64url 8 bytes>", "revoked_at": "...Z", "reason": "lost"}]}

``since`` is 0 for a full list; a delta carries the entries added after version ``since`` up to
``version``. A client holding version H accepts a list when ``since <= H <= version``: lower versions are
a rollback, a larger ``since`` leaves a gap (fetch a full list). The same version may come again with a
newer ``issued_at``: the central service signs the delta afresh once a period (an hour by default), and
the verifier measures the age of its lists from the newest ``issued_at`` it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import jws
from .claims import CTI_LENGTH
from .keys import b64url, b64url_decode
from .timestamps import TimestampError, from_rfc3339, to_rfc3339
from .trust_list import TrustList

REVOCATION_LIST_TYPE = "familycard-revocation-list"
REASONS = ("lost", "stolen", "moved", "superseded", "fraud", "other")


@dataclass(frozen=True, slots=True)
class RevocationEntry:
    """One revoked card; ``revoked_at`` in NumericDate seconds."""

    cti: bytes
    revoked_at: int
    reason: str

    def __post_init__(self) -> None:
        if not isinstance(self.cti, bytes) or len(self.cti) != CTI_LENGTH:
            raise ValueError("cti must be 8 bytes")
        if self.reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)}")

    def to_json(self) -> dict[str, Any]:
        return {
            "cti": b64url(self.cti),
            "revoked_at": to_rfc3339(self.revoked_at),
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, item: Any) -> RevocationEntry:
        if not isinstance(item, dict):
            raise ValueError("entry is not an object")
        return cls(
            cti=b64url_decode(item["cti"]),
            revoked_at=from_rfc3339(item["revoked_at"]),
            reason=item["reason"],
        )


@dataclass(frozen=True, slots=True)
class RevocationList:
    """A full revocation list (``since == 0``) or a delta."""

    version: int
    since: int
    issued_at: int
    entries: tuple[RevocationEntry, ...]

    def __post_init__(self) -> None:
        for name in ("version", "since", "issued_at"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValueError(f"{name} must be a non-negative integer")
        if self.since > self.version:
            raise ValueError("since is after version")

    def to_payload(self) -> dict[str, Any]:
        return {
            "type": REVOCATION_LIST_TYPE,
            "version": self.version,
            "since": self.since,
            "issued_at": to_rfc3339(self.issued_at),
            "entries": [entry.to_json() for entry in self.entries],
        }

    def sign(self, list_signing_key: Ed25519PrivateKey) -> str:
        return jws.sign(self.to_payload(), list_signing_key, REVOCATION_LIST_TYPE)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> RevocationList:
        try:
            if payload.get("type") != REVOCATION_LIST_TYPE:
                raise ValueError("payload is not a revocation list")
            if not isinstance(payload["entries"], list):
                raise ValueError("entries is not a list")
            return cls(
                version=payload["version"],
                since=payload["since"],
                issued_at=from_rfc3339(payload["issued_at"]),
                entries=tuple(RevocationEntry.from_json(item) for item in payload["entries"]),
            )
        except (KeyError, TypeError, ValueError, TimestampError) as exc:
            raise jws.JwsError("malformed", f"revocation list content is invalid: {exc}") from None


def load_revocation_list(token: str, trust: TrustList) -> RevocationList:
    """Verify a signed revocation list or delta against the trust list's list-signing key."""
    parts = jws.verify(token, trust.list_signing_key, REVOCATION_LIST_TYPE)
    return RevocationList.from_payload(parts.payload)


class RevocationState:
    """The revocations a verifier holds: O(1) lookup by cti, version and age of the newest list."""

    __slots__ = ("entries", "issued_at", "version")

    def __init__(self) -> None:
        self.version = 0
        self.issued_at: int | None = None
        self.entries: dict[bytes, RevocationEntry] = {}

    def apply(self, revocations: RevocationList) -> int:
        """Merge a verified list or delta; return how many cards it newly revoked.

        Raises ``JwsError`` with code ``rollback`` or ``gap`` and changes nothing in those cases.
        """
        if revocations.version < self.version:
            raise jws.JwsError(
                "rollback",
                f"revocation list version {revocations.version} is older than held {self.version}",
            )
        if revocations.since > self.version:
            raise jws.JwsError(
                "gap",
                f"delta since version {revocations.since} does not follow held {self.version}",
            )
        added = 0
        for entry in revocations.entries:
            if entry.cti not in self.entries:
                added += 1
            self.entries[entry.cti] = entry
        self.version = revocations.version
        if self.issued_at is None or revocations.issued_at > self.issued_at:
            self.issued_at = revocations.issued_at
        return added

    def apply_token(self, token: str, trust: TrustList) -> int:
        """Verify and merge a signed list or delta."""
        return self.apply(load_revocation_list(token, trust))

    def lookup(self, cti: bytes) -> RevocationEntry | None:
        return self.entries.get(cti)

    def __len__(self) -> int:
        return len(self.entries)
