"""The till's ledger: redemptions, voids and day closes as a hash chain, each committed durably.

Every write takes the write lock (``BEGIN IMMEDIATE``), links the record after the last one (sequence
number and the previous record's hash), inserts it and commits with ``synchronous=FULL`` before it
returns: only then does the screen say "recorded". Records are never deleted, and changed only when a
redemption's card text is erased once the central service has answered for it (``erasure``; the hash
kept beside the record keeps the chain checkable, ``chain_check``); a void is a record of its own.
The view ``live_redemptions`` is the redemptions no void cancels.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from cardsvc.core.card_number import format_card_number
from cardsvc.core.errors import Conflict
from cardsvc.core.jws import canonical_json
from cardsvc.core.keys import b64url_decode
from cardsvc.core.ledger_chain import GENESIS, record_hash
from cardsvc.core.timestamps import to_rfc3339
from cardsvc.platform import rome_calendar
from cardsvc.platform.storage.transactions import write_transaction

_INSERT = (
    "insert into ledger (seq, id, type, record, hash, at, cti, offer_id, amount_cents, discount_cents, "
    "voids, day, sent) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)
_TOTALS = "count(*), coalesce(sum(amount_cents), 0), coalesce(sum(discount_cents), 0), count(distinct cti)"


class LedgerError(Conflict, ValueError):
    """A ledger write refused; ``code`` is stable (``already_voided``, ``void_window_passed`` …)."""

    code = "ledger_refused"

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code, code=code)


def rome_day(moment: int) -> str:
    return rome_calendar.rome_day(moment).isoformat()


def new_id() -> str:
    return secrets.token_hex(12)


def _append(db: Database, fields: dict[str, Any], at: int, cti: str | None = None) -> dict[str, Any]:
    """Chain and insert one record inside the caller's write transaction; ``cti`` is kept beside the
    record (for daily limits and statements), not inside it."""
    last = db.execute("select seq, hash from ledger order by seq desc limit 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    record = {
        "id": fields.pop("id", None) or new_id(),
        "at": to_rfc3339(at),
        **fields,
        "seq": seq,
        "prev": prev,
    }
    encoded = canonical_json(record)
    digest = record_hash(record, encoded)
    values = [seq, record["id"], record["type"], encoded.decode(), digest, at, cti, record.get("offer_id")]
    values += [record.get("amount_cents"), record.get("discount_cents"), record.get("voids"), rome_day(at)]
    db.execute(_INSERT, values)
    return {**record, "hash": digest}


def record_redemption(
    db: Database,
    redemption_id: str,
    card: str,
    cti: str,
    offer_id: int,
    amount_cents: int,
    at: int,
    discount_for: Callable[[int], int],
) -> tuple[dict[str, Any], bool]:
    """Record a redemption under ``redemption_id``; returns it and whether it is new.

    The id comes with the form, so a second submission of the same form (a double click, a reload)
    finds the first record instead of writing another. ``discount_for`` turns the card's uses of the
    offer today into the discount (or raises): it runs inside the write transaction, so two tabs sending
    the same card at once cannot both see the offer unused.
    """
    with write_transaction(db):
        existing = get_record(db, redemption_id)
        if existing is not None:
            return existing, False
        discount_cents = discount_for(uses_today(db, cti, offer_id, at))
        fields = {"id": redemption_id, "type": "redemption", "card": card, "offer_id": offer_id}
        fields |= {"amount_cents": amount_cents, "discount_cents": discount_cents}
        return _append(db, fields, at, cti), True


def record_void(db: Database, redemption_id: str, at: int, window: int) -> dict[str, Any]:
    with write_transaction(db):
        row = db.execute("select at, type, cti from ledger where id = ?", [redemption_id]).fetchone()
        if row is None or row[1] != "redemption":
            raise LedgerError("unknown_redemption")
        if db.execute("select 1 from ledger where type = 'void' and voids = ?", [redemption_id]).fetchone():
            raise LedgerError("already_voided")
        if at - row[0] > window:
            raise LedgerError("void_window_passed")
        return _append(db, {"type": "void", "voids": redemption_id}, at, row[2])


def uses_today(db: Database, cti: str, offer_id: int, at: int) -> int:
    """This card's live redemptions of ``offer_id`` at this kiosk on the Rome day of ``at``."""
    row = db.execute(
        "select count(*) from live_redemptions where cti = ? and offer_id = ? and day = ?",
        [cti, offer_id, rome_day(at)],
    ).fetchone()
    return int(row[0])


def get_record(db: Database, record_id: str) -> dict[str, Any] | None:
    """The record as chained, with its local state: hash, ``sent``, the central answer, ``voided``."""
    row = db.execute(
        "select record, hash, sent, result, reason, at, "
        "exists (select 1 from ledger v where v.type = 'void' and v.voids = ledger.id) "
        "from ledger where id = ?",
        [record_id],
    ).fetchone()
    if row is None:
        return None
    state = {"hash": row[1], "sent": row[2], "result": row[3], "reason": row[4], "at_seconds": row[5]}
    return {**json.loads(row[0]), **state, "voided": bool(row[6])}


def card_number_of(db: Database, record_id: str) -> str | None:
    """The printed number of the card a record was made with (what a receipt shows), from the ``cti``
    kept beside the record."""
    row = db.execute("select cti from ledger where id = ?", [record_id]).fetchone()
    return format_card_number(b64url_decode(row[0])) if row is not None and row[0] else None


def recent_redemptions(db: Database, limit: int = 10) -> list[dict[str, Any]]:
    ids = db.execute(
        "select id from ledger where type = 'redemption' order by seq desc limit ?", [limit]
    ).fetchall()
    return [record for (record_id,) in ids if (record := get_record(db, record_id)) is not None]


def pending(db: Database, limit: int) -> list[dict[str, Any]]:
    rows = db.execute("select record from ledger where sent = 0 order by seq limit ?", [limit]).fetchall()
    return [json.loads(row[0]) for row in rows]


def pending_count(db: Database) -> int:
    return int(db.execute("select count(*) from ledger where sent = 0").fetchone()[0])


def last_seq(db: Database) -> int:
    return int(db.execute("select coalesce(max(seq), 0) from ledger").fetchone()[0])


def refusals(db: Database) -> dict[str, Any]:
    """How many records the central service refused for good, and the latest one's reason."""
    count = db.execute("select count(*) from ledger where result = 'rejected'").fetchone()[0]
    latest = db.execute(
        "select id, reason from ledger where result = 'rejected' order by seq desc limit 1"
    ).fetchone()
    return {"count": int(count), "latest": None if latest is None else {"id": latest[0], "reason": latest[1]}}


ANSWERS = ("accepted", "duplicate", "rejected", "held")  # held: a late record kept for the network's review
# A chain refusal is not final: the record stays pending, and is counted once the network re-anchors the
# till's chain (see docs/operations.md).
CHAIN_REFUSALS = ("chain_gap", "chain_fork", "chain_malformed", "after_chain_break")


def chain_refused(result: Any) -> bool:
    return (
        isinstance(result, dict)
        and result.get("status") == "rejected"
        and result.get("reason") in CHAIN_REFUSALS
    )


def mark_answered(db: Database, results: list[dict[str, Any]]) -> int:
    """Apply the central service's per-record answers: answered records are never sent again; those the
    chain refused stay pending."""
    answered = 0
    with write_transaction(db):
        for result in results:
            if chain_refused(result):
                continue
            if isinstance(result, dict) and result.get("status") in ANSWERS:
                cursor = db.execute(
                    "update ledger set sent = 1, result = ?, reason = ? where id = ? and sent = 0",
                    [result["status"], result.get("reason"), result.get("id")],
                )
                answered += cursor.rowcount
    return answered


def day_summary(db: Database, day: str) -> dict[str, int]:
    row = db.execute(f"select {_TOTALS} from live_redemptions where day = ?", [day]).fetchone()
    return {"count": row[0], "spend_cents": row[1], "discount_cents": row[2], "cards": row[3]}


def close_day(db: Database, day: str, at: int) -> dict[str, Any]:
    """The numbered, unchangeable summary of ``day``, as a ledger record; once per day."""
    with write_transaction(db):
        closed = db.execute(
            "select 1 from ledger where type = 'day_close' and json_extract(record, '$.day') = ?", [day]
        ).fetchone()
        if closed:
            raise LedgerError("day_already_closed")
        number = int(db.execute("select count(*) from ledger where type = 'day_close'").fetchone()[0]) + 1
        summary = day_summary(db, day)
        fields = {"type": "day_close", "day": day, "number": number, "count": summary["count"]}
        fields |= {"spend_cents": summary["spend_cents"], "discount_cents": summary["discount_cents"]}
        return _append(db, fields, at)


def day_closes(db: Database) -> list[dict[str, Any]]:
    rows = db.execute("select record from ledger where type = 'day_close' order by seq desc")
    return [json.loads(row[0]) for row in rows]


def day_close(db: Database, number: int) -> dict[str, Any] | None:
    row = db.execute(
        "select record from ledger where type = 'day_close' and json_extract(record, '$.number') = ?",
        [number],
    ).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def month_statement(db: Database, month: str) -> dict[str, Any]:
    """Families served (distinct cards), redemptions, spend and discount in ``month`` (YYYY-MM)."""
    where = "from live_redemptions where substr(day, 1, 7) = ?"
    row = db.execute(f"select {_TOTALS} {where}", [month]).fetchone()
    by_offer = db.execute(
        f"select offer_id, count(*), sum(amount_cents), sum(discount_cents) {where} group by offer_id "
        "order by offer_id",
        [month],
    ).fetchall()
    by_day = db.execute(
        f"select day, count(*), sum(discount_cents) {where} group by day order by day", [month]
    ).fetchall()
    return {
        "month": month,
        "redemptions": row[0],
        "spend_cents": row[1],
        "discount_cents": row[2],
        "families": row[3],
        "by_offer": [
            {"offer_id": o, "redemptions": n, "spend_cents": s, "discount_cents": d}
            for o, n, s, d in by_offer
        ],
        "by_day": [{"day": d, "redemptions": n, "discount_cents": c} for d, n, c in by_day],
    }
