"""Card events pushed by issuer offices: issued and revoked cards; only pseudonymous fields are kept.

An ``issued`` event carries the card's signed text (``card``, FC1…) and a household pseudonym (a keyed
hash the issuer computes, so reports count families rather than cards). The central service verifies the
card against the trust list: the signature, a key of the credential's own comune valid at issue, and the
card's issuer. It keeps the cti, the comune, iat, exp and the number of minors from the verified claims,
never the holder's name. A ``revoked`` event names a cti that the same comune registered: one comune
cannot register or revoke another's card. Times are checked to lie in sane bounds. Re-sending an event
changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from cardsvc.core.errors import InvalidInput
from cardsvc.platform.storage.database import Database

from ..core import REASONS, CredentialFormatError, TrustList, parse_credential, to_rfc3339
from ..core.cose_sign1 import UnsupportedAlgorithm
from ..core.keys import b64url, b64url_decode
from .list_service import revoke_card
from .reports.summaries import mark_changed

_PSEUDONYM = re.compile(r"[0-9a-f]{32,64}")
MAX_EVENTS = 5000
EARLIEST = 1_577_836_800  # 2020-01-01: no card or revocation of the network is older
MAX_AHEAD = 86_400  # how far after the server's time a revocation may be dated
MAX_VALIDITY = 10 * 366 * 86_400  # no card is valid for longer


def _int(event: dict[str, Any], name: str, low: int = 0, high: int = 2**53) -> int:
    value = event.get(name)
    if type(value) is not int or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number")
    return value


def _cti(event: dict[str, Any]) -> str:
    cti = event.get("cti")
    try:
        if not isinstance(cti, str) or len(b64url_decode(cti)) != 8:
            raise ValueError
    except ValueError:
        raise ValueError("cti must be 8 bytes in base64url") from None
    return cti


def apply_events(db: Database, istat: str, events: Any, trust: TrustList, now: int) -> list[dict[str, Any]]:
    """Apply a batch of events from comune ``istat``; one result per event."""
    if not isinstance(events, list) or not 0 < len(events) <= MAX_EVENTS:
        raise InvalidInput(f"events must be a list of 1 to {MAX_EVENTS}", code="invalid_events")
    results = []
    with db.atomic():
        for event in events:
            try:
                results.append(_apply(db, istat, event, trust, now))
            except ValueError as exc:
                results.append({"cti": _echoed_cti(event), "status": "rejected", "reason": str(exc)})
    return results


def _echoed_cti(event: Any) -> str | None:
    """The refused event's cti as sent, when it is a short text (the answer's schema: a string or null)."""
    cti = event.get("cti") if isinstance(event, dict) else None
    return cti if isinstance(cti, str) and len(cti) <= 64 else None


def _verified_card(event: dict[str, Any], istat: str, trust: TrustList) -> tuple[str, int, int, int]:
    """cti, iat, exp and minors of the event's card, once its signature and comune are checked."""
    card = event.get("card")
    try:
        if not isinstance(card, str):
            raise TypeError("card must be text")
        parsed = parse_credential(card)
    except (CredentialFormatError, UnsupportedAlgorithm, TypeError):
        raise ValueError("card must be the card's signed text (FC1…)") from None
    listed = trust.lookup(parsed.sign1.kid)
    if listed is None or not listed[1].is_valid_signed(parsed.sign1.signed_message):
        raise ValueError("the card is not signed by a key of the trust list")
    key, claims = listed[0], parsed.claims
    if key.istat != istat or claims.issuer != istat:
        raise ValueError(f"this credential registers cards of comune {istat} only")
    if not key.covers(claims.issued_at):
        raise ValueError("the card was issued outside its key's validity")
    if not EARLIEST <= claims.issued_at < claims.expires_at <= claims.issued_at + MAX_VALIDITY:
        raise ValueError("the card's dates are out of bounds")
    cti = b64url(claims.cti)
    for name, value in (("cti", cti), ("iat", claims.issued_at), ("exp", claims.expires_at)):
        if name in event and event[name] != value:
            raise ValueError(f"{name} differs from the signed card")
    return cti, claims.issued_at, claims.expires_at, claims.minors


def _apply(db: Database, istat: str, event: Any, trust: TrustList, now: int) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise ValueError("an event is an object")
    if event.get("istat", istat) != istat:
        raise ValueError(f"this credential sends events for comune {istat} only")
    kind = event.get("type")
    if kind == "issued":
        household = event.get("household")
        if not isinstance(household, str) or not _PSEUDONYM.fullmatch(household):
            raise ValueError("household must be a hex pseudonym (32 to 64 characters)")
        cti, iat, exp, minors = _verified_card(event, istat, trust)
        existing = list(db["cards"].rows_where("cti = ?", [cti]))
        if existing and existing[0]["istat"] != istat:
            raise ValueError("the card belongs to another comune")
        if existing:
            return {"cti": cti, "status": "duplicate"}
        db.table("cards").insert(
            {
                "cti": cti,
                "istat": istat,
                "iat": iat,
                "exp": exp,
                "minors": minors,
                "household": household,
                "issued_event_at": to_rfc3339(now),
            }
        )
        # redemptions that arrived before this event count the family from now on
        backfill = "update redemptions set household = ? where cti = ? and household is null"
        db.execute(backfill, [household, cti])
        mark_changed(db, [iat], until=now)  # the card counts in every month from its issue on
        return {"cti": cti, "status": "accepted"}
    if kind == "revoked":
        cti = _cti(event)
        existing = list(db["cards"].rows_where("cti = ?", [cti]))
        if existing and existing[0]["istat"] != istat:
            raise ValueError("the card belongs to another comune")
        reason = event.get("reason")
        if reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)}")
        revoked_at = _int(event, "revoked_at", EARLIEST, now + MAX_AHEAD)
        if not existing:
            raise ValueError("unknown card: its issued event must come first")
        db.table("cards").update(cti, {"revoked_at": revoked_at, "reason": reason})
        added = revoke_card(db, cti, istat, revoked_at, reason)
        mark_changed(db, [min(revoked_at, now)], until=now)
        return {"cti": cti, "status": "accepted" if added else "duplicate"}
    raise ValueError("type must be issued or revoked")
