"""The network's review of redemptions held at ingest (a month already closed when they arrived)."""

from __future__ import annotations

from typing import Any

from cardsvc.core.errors import NotFound
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from .reports.summaries import mark_changed


def review_held(db: Database, record_id: str, accept: bool, now: int) -> dict[str, Any]:
    """The network's decision on a held (late) redemption: counted from now on, or rejected."""
    with write_transaction(db):
        row = db.execute(
            "select kiosk_time from redemptions where id = ? and status = 'held'", [record_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no redemption {record_id} is held for review", code="not_held")
        status, reason = ("accepted", "late_accepted") if accept else ("rejected", "late_rejected")
        db.execute("update redemptions set status = ?, reason = ? where id = ?", [status, reason, record_id])
        if accept:
            mark_changed(db, [row[0]])
    return {"id": record_id, "status": status, "reason": reason}
