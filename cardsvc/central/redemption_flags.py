"""The anomaly flags an accepted redemption can raise, checked after it is stored (see ``ingest``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cardsvc.platform.rome_calendar import day_bounds
from cardsvc.platform.storage.database import Database

from .anomalies import raise_flag


@lru_cache(maxsize=4096)
def _rome_day(moment: int) -> tuple[str, int, int]:
    """The Rome calendar day of ``moment``: its ISO date and its first and last-plus-one second."""
    day, start, end = day_bounds(moment)
    return day.isoformat(), start, end


def flag_accepted(
    db: Database,
    kiosk: dict[str, Any],
    row: dict[str, Any],
    revoked_at: int | None,
    velocity_per_day: int,
    now: int,
) -> None:
    """Raise the flags an accepted redemption calls for: a card signed by a revoked key, a card used after
    its revocation, a card used more than ``velocity_per_day`` times in a Rome day across the network."""
    cti, at = row["cti"], row["kiosk_time"]
    common = {
        "kiosk_id": kiosk["id"],
        "merchant_id": kiosk["merchant_id"],
        "istat": row["card_istat"],
        "cti": cti,
    }
    if row.get("reason") == "revoked_key":
        raise_flag(db, "revoked_key", now, "card signed by a revoked issuer key", [row["id"]], **common)
    if revoked_at is not None and revoked_at <= at:
        raise_flag(
            db, "accepted_while_revoked", now, "redeemed after the card was revoked", [row["id"]], **common
        )
    day, start, end = _rome_day(at - at % 3600)  # the hour's start: same day, and a cache that hits
    same_day = db.execute(
        "select id from redemptions where cti = ? and type = 'redemption' and status = 'accepted' "
        "and voided = 0 and kiosk_time >= ? and kiosk_time < ? order by kiosk_time, received_at, id",
        [cti, start, end],
    ).fetchall()
    if len(same_day) > velocity_per_day:
        ids = [r[0] for r in same_day]
        detail = f"{len(same_day)} redemptions on {day}"
        raise_flag(db, "card_velocity", now, detail, ids, subject=f"{cti}|{day}", **common)
