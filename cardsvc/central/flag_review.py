"""An administrator's review of a flag: the redemptions behind it as rows, and a decision (resolved or
dismissed) with a note, kept in ``flag_decisions`` as an audit; a decided flag is closed."""

from __future__ import annotations

from typing import Any

from cardsvc.core.card_number import format_card_number
from cardsvc.core.errors import Conflict, InvalidInput, NotFound
from cardsvc.core.keys import b64url_decode
from cardsvc.platform.plain_text import plain_text
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

DECISIONS = ("resolved", "dismissed")
MAX_NOTE = 500


def card_number(cti: str | None) -> str:
    """The printed card number of a flag's card (what the family and the office know it by)."""
    if not cti:
        return ""
    try:
        return format_card_number(b64url_decode(cti))
    except ValueError:
        return ""


def flag_records(db: Database, flag: dict[str, Any]) -> list[dict[str, Any]]:
    """The redemptions a flag names, oldest first: time, shop, amounts, whether voided."""
    ids = list(flag["records"])
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return list(
        db.query(
            "select r.id, r.kiosk_time, r.amount_cents, r.discount_cents, r.voided, m.name as shop "
            f"from redemptions r left join merchants m on m.id = r.merchant_id where r.id in ({marks}) "
            "order by r.kiosk_time",
            ids,
        )
    )


def decide_flag(db: Database, flag_id: int, decision: str, note: str, by: str, now: int) -> dict[str, Any]:
    """Close an open flag as ``resolved`` or ``dismissed``; the note says why (required)."""
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be one of {', '.join(DECISIONS)}", code="invalid_decision")
    try:
        text = plain_text(note, MAX_NOTE)
    except ValueError as error:
        raise InvalidInput(
            f"note {error}", code="note_required" if not str(note).strip() else "invalid_note"
        ) from None
    with write_transaction(db):
        row = db.execute("select status from flags where id = ?", [flag_id]).fetchone()
        if row is None:
            raise NotFound(f"no flag {flag_id}", code="unknown_flag")
        if row[0] != "open":
            raise Conflict(f"flag {flag_id} is already closed", code="flag_closed")
        db.execute("update flags set status = 'closed' where id = ?", [flag_id])
        db.table("flag_decisions").insert(
            {"flag_id": flag_id, "decision": decision, "note": text, "decided_by": by, "decided_at": now}
        )
    return {"id": flag_id, "status": "closed", "decision": decision, "note": text}


def decisions(db: Database, flag_id: int) -> list[dict[str, Any]]:
    return list(db.table("flag_decisions").rows_where("flag_id = ?", [flag_id], order_by="id"))
