"""Redemption ingest: signed batches from kiosks, each record counted exactly once.

A batch (see ``core.ledger_chain``) must be signed by the kiosk's device key and name the kiosk whose
credential sent it. Records are taken in order; each must follow the kiosk's last record in the hash
chain. Every chained record is stored with its outcome, so re-sending a record, or a whole batch, gets
``duplicate`` and changes nothing.

Records (kiosk time ``at`` in RFC 3339)::

    {"id", "seq", "prev", "type": "redemption", "card": "FC1…", "offer_id", "amount_cents",
     "discount_cents", "at"}
    {"id", "seq", "prev", "type": "void", "voids": "<redemption id>", "at"}
    {"id", "seq", "prev", "type": "day_close", "day": "YYYY-MM-DD", "number", "count", "spend_cents",
     "discount_cents", "at"}

Each redemption's card is re-verified (signature and issuer), so a merchant cannot invent cards; only
pseudonymous fields are kept (cti, the card's comune, minors, the household pseudonym), never the name.
Per record the answer is ``accepted``, ``duplicate``, ``rejected`` with a reason, or ``held`` (reason
``late``): a redemption whose month was closed (``CLOSING_DAYS`` after its end) when it arrived is kept
for the network's review instead of silently changing a published month (:func:`review_held`).

Work is split in two: everything that needs only the batch (hashes, card signatures, amounts) is done
first without a lock, so gunicorn workers verify in parallel; then one short write transaction links
the records to the chain and stores them. On SQLite that transaction holds the database's write lock;
on PostgreSQL it locks only the kiosk's row (its chain) and its cards (checks across tills), so
instances behind a balancer ingest different tills' batches at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cardsvc.core.errors import Forbidden, InvalidInput
from cardsvc.platform.rome_calendar import month_bounds, month_of
from cardsvc.platform.storage.database import Database

from ..core import (
    TimestampError,
    TrustList,
    from_rfc3339,
    to_rfc3339,
)
from ..core.jws import canonical_json
from ..core.keys import b64url_decode
from ..core.ledger_chain import ChainError, batch_signature_valid, check_link, record_hash, valid_record_id
from .anomalies import check_void_ratio, raise_flag
from .db import write_transaction
from .record_content import RecordRejected, Rules, record_content
from .redemption_flags import flag_accepted
from .registry import offer_histories
from .reports.months import label
from .reports.summaries import mark_changed

MAX_RECORDS = 2000
MAX_UNCHAINABLE_ID = 256  # a longer id, or none, cannot even be answered for
_COLUMNS = (
    "id", "kiosk_id", "merchant_id", "seq", "record_hash", "type", "status", "reason", "cti", "card_istat",
    "shop_istat", "household", "minors", "offer_id", "amount_cents", "discount_cents", "voids", "voided",
    "kiosk_time", "received_at", "epoch",
)  # fmt: skip


@dataclass
class Prepared:
    """One record after the lock-free checks."""

    record: dict[str, Any]
    hash: str | None  # None when the record cannot even be chained (no id, no seq)
    content: dict[str, Any]
    reason: str | None  # content refused for this reason


def ingest_batch(
    db: Database, kiosk: dict[str, Any], batch: Any, trust: TrustList, now: int, settings: dict[str, Any]
) -> dict[str, Any]:
    records, encodings = _checked_batch(kiosk, batch)
    shop_istat = db.execute("select istat from merchants where id = ?", [kiosk["merchant_id"]]).fetchone()[0]
    rules = Rules(
        offer_histories(db, kiosk["merchant_id"]), shop_istat, trust, now, settings["RECORD_TIME_TOLERANCE"]
    )
    prepared = [_prepare(r, e, rules) for r, e in zip(records, encodings, strict=True)]

    results: list[dict[str, Any]] = []
    with write_transaction(db):
        state = db.execute(
            "select last_seq, last_hash, epoch from kiosks where id = ?" + db.for_update(), [kiosk["id"]]
        ).fetchone()  # the kiosk's chain: one batch of it at a time on every instance
        ctis = sorted({p.content["cti"] for p in prepared if p.content.get("cti")})
        db.lock_each("card", ctis)  # checks across tills (a card's uses in a day) see every other batch
        sent_at = from_rfc3339(batch["sent_at"])
        if abs(sent_at - now) > settings["CLOCK_SKEW_FLAG"]:
            raise_flag(
                db, "clock_skew", now, f"kiosk clock {sent_at - now:+d} s from the server's",
                kiosk_id=kiosk["id"], merchant_id=kiosk["merchant_id"], subject=kiosk["id"],
            )  # fmt: skip
        context = _BatchContext(db, {**kiosk, "epoch": state[2]}, prepared, ctis, now, settings)
        last_seq, last_hash = int(state[0] or 0), state[1] or "0" * 64
        broken = False
        for item in prepared:
            outcome, last_seq, last_hash, broken = _store(context, item, last_seq, last_hash, broken)
            results.append(outcome)
        context.flush()
        flag_accepted(db, kiosk, context.accepted, context.revoked_at, settings["VELOCITY_PER_DAY"], now)
        db.execute(
            "update kiosks set last_seq = ?, last_hash = ?, last_seen_at = ? where id = ?",
            [last_seq, last_hash, to_rfc3339(now), kiosk["id"]],
        )
        check_void_ratio(db, kiosk, now, settings["VOID_RATIO_FLAG"], settings["VOID_RATIO_MIN_COUNT"])
        if context.voided:
            targets = db.execute(
                f"select kiosk_time from redemptions where id in {_in_clause(context.voided)}", context.voided
            )
            context.changed.update(row[0] for row in targets)
        mark_changed(db, context.changed)
    return {"results": results, "last_seq": last_seq}


def _checked_batch(kiosk: dict[str, Any], batch: Any) -> tuple[list[Any], list[bytes]]:
    if not isinstance(batch, dict) or not isinstance(batch.get("records"), list):
        raise InvalidInput("a batch is an object with a records list", code="invalid_batch")
    records = batch["records"]
    if not 0 < len(records) <= MAX_RECORDS:
        raise InvalidInput(f"a batch holds 1 to {MAX_RECORDS} records", code="invalid_batch")
    if batch.get("kiosk_id") != kiosk["id"]:
        raise Forbidden("the batch names another kiosk", code="wrong_kiosk")
    encodings = [canonical_json(record) for record in records]
    if not batch_signature_valid(batch, b64url_decode(kiosk["device_public_key"]), encodings):
        raise InvalidInput("the batch is not signed by this kiosk's device key", code="bad_batch_signature")
    try:
        from_rfc3339(batch["sent_at"])
    except TimestampError:
        raise InvalidInput("sent_at must be an RFC 3339 time", code="invalid_batch") from None
    return records, encodings


def _prepare(record: Any, encoding: bytes, rules: Rules) -> Prepared:
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("id"), str)
        or not 0 < len(record["id"]) <= MAX_UNCHAINABLE_ID
    ):
        return Prepared({}, None, {}, "malformed_record")
    digest = record_hash(record, encoding)
    if not valid_record_id(record["id"]):  # answered by its id and chained, so the till moves on
        return Prepared(record, digest, {}, "malformed_record")
    try:
        return Prepared(record, digest, record_content(record, rules), None)
    except RecordRejected as exc:
        return Prepared(record, digest, {}, exc.code)


def _in_clause(values: list[Any]) -> str:
    return "(" + ",".join("?" * len(values)) + ")"


class _BatchContext:
    """What the write phase looks up once per batch instead of once per record."""

    def __init__(
        self,
        db: Database,
        kiosk: dict[str, Any],
        prepared: list[Prepared],
        ctis: list[str],
        now: int,
        settings: dict[str, Any],
    ) -> None:
        self.db, self.kiosk, self.now, self.settings = db, kiosk, now, settings
        self.closing_delay = int(settings["CLOSING_DAYS"]) * 86400
        self.changed: set[int] = set()  # kiosk times of the redemptions accepted or voided: their months
        self.voided: list[str] = []
        self.pending: list[list[Any]] = []  # rows to insert, in one statement per batch
        self.accepted: list[dict[str, Any]] = []  # the redemptions accepted, for the flags
        ids = [p.record["id"] for p in prepared if p.hash is not None]
        self.known: dict[str, tuple[str, str]] = {}
        self.households: dict[str, str] = {}
        self.revoked_at: dict[str, int] = {}
        if ids:
            sql = f"select id, record_hash, kiosk_id from redemptions where id in {_in_clause(ids)}"
            self.known = {row[0]: (row[1], row[2]) for row in db.execute(sql, ids)}
        if ctis:
            sql = f"select cti, household from cards where cti in {_in_clause(ctis)}"
            self.households = {row[0]: row[1] for row in db.execute(sql, ctis)}
            sql = f"select cti, revoked_at from revocations where cti in {_in_clause(ctis)}"
            self.revoked_at = {row[0]: row[1] for row in db.execute(sql, ctis)}

    def flush(self) -> None:
        """Insert the rows stored so far (before a void looks for its redemption, and at the end)."""
        if self.pending:
            self.db.table("redemptions").insert_all(_COLUMNS, self.pending)
            self.pending = []

    def closes(self, moment: int) -> int:
        """When the month of ``moment`` closes: its end plus the closing period."""
        return month_bounds(*month_of(moment))[1] + self.closing_delay


def _store(
    ctx: _BatchContext, item: Prepared, last_seq: int, last_hash: str, broken: bool
) -> tuple[dict[str, Any], int, str, bool]:
    db, kiosk, now = ctx.db, ctx.kiosk, ctx.now
    record = item.record
    if item.hash is None:
        return {"id": None, "status": "rejected", "reason": "malformed_record"}, last_seq, last_hash, broken
    record_id = record["id"]
    known = ctx.known.get(record_id)
    if known is not None:
        if known[1] == kiosk["id"] and known[0] == item.hash:
            return {"id": record_id, "status": "duplicate"}, last_seq, last_hash, broken
        return {"id": record_id, "status": "rejected", "reason": "id_conflict"}, last_seq, last_hash, broken
    if broken:
        return (
            {"id": record_id, "status": "rejected", "reason": "after_chain_break"},
            last_seq,
            last_hash,
            True,
        )
    try:
        check_link(record, last_seq, last_hash)
    except ChainError as exc:
        seq = record.get("seq")
        seq = seq if type(seq) is int and 0 <= seq <= 2**63 - 1 else None  # what SQLite can store
        prev = record.get("prev") if isinstance(record.get("prev"), str) else None
        db.table("ingest_rejections").insert(
            {
                "kiosk_id": kiosk["id"],
                "record_id": record_id,
                "seq": seq,
                "prev": prev,
                "reason": f"chain_{exc.code}",
                "received_at": now,
            }
        )
        raise_flag(
            db, "chain_break", now, str(exc), [record_id],
            kiosk_id=kiosk["id"], merchant_id=kiosk["merchant_id"], subject=kiosk["id"],
        )  # fmt: skip
        return (
            {"id": record_id, "status": "rejected", "reason": f"chain_{exc.code}"},
            last_seq,
            last_hash,
            True,
        )

    reason = item.reason
    content = dict(item.content)
    if reason is None and record.get("type") == "void":
        ctx.flush()
        reason = _apply_void(db, kiosk, record)
        content["voids"] = record.get("voids") if reason is None else None
        if reason is None:
            ctx.voided.append(str(record.get("voids")))
    status = "rejected" if reason else "accepted"
    late = record.get("type") == "redemption" and now >= ctx.closes(content.get("kiosk_time", now))
    if status == "accepted" and late:
        status = "held"  # its month is closed: counted only if the network accepts it on review
    row = {
        **dict.fromkeys(_COLUMNS),
        **content,
        "id": record_id,
        "kiosk_id": kiosk["id"],
        "merchant_id": kiosk["merchant_id"],
        "seq": record["seq"],
        "record_hash": item.hash,
        "type": record.get("type"),
        "status": status,
        "reason": reason or content.get("reason") or ("late" if status == "held" else None),
        "household": ctx.households.get(content.get("cti", "")),
        "voided": 0,
        "received_at": now,
        "epoch": kiosk["epoch"],
    }
    ctx.pending.append([row[c] for c in _COLUMNS])
    ctx.known[record_id] = (item.hash, kiosk["id"])
    if reason:
        return {"id": record_id, "status": "rejected", "reason": reason}, record["seq"], item.hash, False
    if status == "held":
        month = label(*month_of(row["kiosk_time"]))
        raise_flag(
            db, "late_redemption", now, f"redemptions of the closed month {month} held for review",
            [record_id], kiosk_id=kiosk["id"], merchant_id=kiosk["merchant_id"],
            subject=f"{kiosk['id']}|{month}",
        )  # fmt: skip
        return {"id": record_id, "status": "held", "reason": "late"}, record["seq"], item.hash, False
    _after_accept(ctx, row)
    return {"id": record_id, "status": "accepted"}, record["seq"], item.hash, False


def _apply_void(db: Database, kiosk: dict[str, Any], record: dict[str, Any]) -> str | None:
    target = db.execute(
        "select id from redemptions "
        "where id = ? and kiosk_id = ? and type = 'redemption' and status in ('accepted', 'held')",
        [record.get("voids"), kiosk["id"]],
    ).fetchone()
    if target is None:
        return "unknown_redemption"
    db.execute("update redemptions set voided = 1 where id = ?", [target[0]])
    return None


def _after_accept(ctx: _BatchContext, row: dict[str, Any]) -> None:
    if row["type"] != "redemption":
        return
    ctx.changed.add(row["kiosk_time"])
    ctx.accepted.append(row)
