"""Who did what to which card or household, and when: one line per action, never changed."""

from __future__ import annotations

from typing import Any

from cardsvc.platform.storage.database import Database


def record_action(
    db: Database, operator: str, istat: str, action: str, subject: str, detail: str, now: int
) -> None:
    """Add an audit line inside the caller's transaction."""
    db.table("audit").insert(
        {
            "at": now,
            "operator": operator,
            "istat": istat,
            "action": action,
            "subject": subject,
            "detail": detail,
        }
    )


def recent(db: Database, istat: str, limit: int = 200) -> list[dict[str, Any]]:
    return list(db["audit"].rows_where("istat = ?", [istat], order_by="id desc", limit=limit))
