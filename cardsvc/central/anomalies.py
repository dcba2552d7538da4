"""Anomaly flags: what the network looks at, each with the records behind it.

Kinds: ``card_velocity`` (a card used more often in a day than is plausible, across shops),
``accepted_while_revoked`` (a redemption taken offline with a card revoked before that time),
``clock_skew`` (a kiosk's clock far from the server's), ``void_ratio`` (voids out of proportion at a
kiosk), ``chain_break`` (a gap or fork in a kiosk's hash chain: a record deleted, altered or reordered),
``revoked_key`` (a card signed by a compromised issuer key), ``late_redemption`` (redemptions of a closed
month, held for review). A flag that is already open for the same
subject collects further records instead of repeating itself.
"""

from __future__ import annotations

import json
from typing import Any

from cardsvc.platform.storage.database import Database

KINDS = (
    "card_velocity",
    "accepted_while_revoked",
    "clock_skew",
    "void_ratio",
    "chain_break",
    "revoked_key",
    "late_redemption",
)


def raise_flag(
    db: Database,
    kind: str,
    now: int,
    detail: str,
    records: list[str] = (),  # type: ignore[assignment]
    kiosk_id: str | None = None,
    merchant_id: int | None = None,
    istat: str | None = None,
    cti: str | None = None,
    subject: str | None = None,
) -> None:
    """Open a flag, or add ``records`` to the open flag for the same kind and subject."""
    subject = subject or f"{kiosk_id}|{cti}"
    db.lock("flag", kind, subject)  # its records stay whole when instances raise it at once (in ingest
    # its subject's kiosk or card is locked already, so two batches never wait for each other here)
    open_flag = db.execute(
        "select id, records from flags where kind = ? and status = 'open' and detail_key = ?", [kind, subject]
    ).fetchone()
    if open_flag is not None:
        known = json.loads(open_flag[1])
        merged = known + [r for r in records if r not in known]
        db.table("flags").update(open_flag[0], {"records": json.dumps(merged), "detail": detail})
        return
    db.table("flags").insert(
        {
            "kind": kind,
            "kiosk_id": kiosk_id,
            "merchant_id": merchant_id,
            "istat": istat,
            "cti": cti,
            "detail": detail,
            "detail_key": subject,
            "records": json.dumps(list(records)),
            "created_at": now,
            "status": "open",
        }
    )


def list_flags(db: Database, status: str | None = "open", istat: str | None = None) -> list[dict[str, Any]]:
    where, args = [], []
    if status:
        where.append("status = ?")
        args.append(status)
    if istat:
        where.append("istat = ?")
        args.append(istat)
    rows = db["flags"].rows_where(" and ".join(where) or None, args, order_by="id desc")
    return [{**row, "records": json.loads(row["records"])} for row in rows]


def check_void_ratio(db: Database, kiosk: dict[str, Any], now: int, ratio: float, min_count: int) -> None:
    row = db.execute(
        "select count(*), coalesce(sum(voided), 0) from redemptions "
        "where kiosk_id = ? and type = 'redemption' and status = 'accepted' and kiosk_time > ?",
        [kiosk["id"], now - 30 * 86400],
    ).fetchone()
    count, voided = int(row[0]), int(row[1])
    if count >= min_count and voided / count > ratio:
        raise_flag(
            db,
            "void_ratio",
            now,
            f"{voided} of {count} redemptions voided in 30 days",
            kiosk_id=kiosk["id"],
            merchant_id=kiosk["merchant_id"],
            subject=kiosk["id"],
        )
