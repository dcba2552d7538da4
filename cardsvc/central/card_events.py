"""Card events pushed by issuer offices: issued and revoked cards, with no personal data.

An event carries the cti, the comune, iat, exp, the number of minors and a household pseudonym (a keyed
hash the issuer computes, so reports count families rather than cards). A comune sends events only for
its own cards. Re-sending an event changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from sqlite_utils import Database

from ..core import REASONS, to_rfc3339
from ..core.keys import b64url_decode
from .errors import ApiError
from .list_service import revoke_card
from .reports.summaries import mark_changed

_PSEUDONYM = re.compile(r"[0-9a-f]{32,64}")
MAX_EVENTS = 5000


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


def apply_events(db: Database, istat: str, events: Any, now: int) -> list[dict[str, Any]]:
    """Apply a batch of events from comune ``istat``; one result per event."""
    if not isinstance(events, list) or not 0 < len(events) <= MAX_EVENTS:
        raise ApiError(400, "invalid_events", f"events must be a list of 1 to {MAX_EVENTS}")
    results = []
    with db.atomic():
        for event in events:
            try:
                results.append(_apply(db, istat, event, now))
            except ValueError as exc:
                results.append(
                    {
                        "cti": event.get("cti") if isinstance(event, dict) else None,
                        "status": "rejected",
                        "reason": str(exc),
                    }
                )
    return results


def _apply(db: Database, istat: str, event: Any, now: int) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise ValueError("an event is an object")
    cti = _cti(event)
    if event.get("istat") != istat:
        raise ValueError(f"this credential sends events for comune {istat} only")
    kind = event.get("type")
    existing = list(db["cards"].rows_where("cti = ?", [cti]))
    if existing and existing[0]["istat"] != istat:
        raise ValueError("the card belongs to another comune")
    if kind == "issued":
        household = event.get("household")
        if not isinstance(household, str) or not _PSEUDONYM.fullmatch(household):
            raise ValueError("household must be a hex pseudonym (32 to 64 characters)")
        iat, exp, minors = _int(event, "iat"), _int(event, "exp"), _int(event, "minors", 0, 255)
        if exp <= iat:
            raise ValueError("exp must be after iat")
        if existing:
            return {"cti": cti, "status": "duplicate"}
        db["cards"].insert(
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
        reason = event.get("reason")
        if reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)}")
        revoked_at = _int(event, "revoked_at")
        if not existing:
            raise ValueError("unknown card: its issued event must come first")
        db["cards"].update(cti, {"revoked_at": revoked_at, "reason": reason})
        added = revoke_card(db, cti, istat, revoked_at, reason)
        mark_changed(db, [min(revoked_at, now)], until=now)
        return {"cti": cti, "status": "accepted" if added else "duplicate"}
    raise ValueError("type must be issued or revoked")
