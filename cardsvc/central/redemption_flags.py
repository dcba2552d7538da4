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
    rows: list[dict[str, Any]],
    revoked_at: dict[str, int],
    velocity_per_day: int,
    now: int,
) -> None:
    """Raise the flags a batch's accepted redemptions (stored already) call for: a card signed by a
    revoked key, a card used after its revocation, a card used more than ``velocity_per_day`` times in a
    Rome day across the network (one query for the batch)."""
    days: dict[tuple[str, str], tuple[int, int, dict[str, Any]]] = {}
    for row in rows:
        common = _common(kiosk, row)
        if row.get("reason") == "revoked_key":
            raise_flag(db, "revoked_key", now, "card signed by a revoked issuer key", [row["id"]], **common)
        if revoked_at.get(row["cti"]) is not None and revoked_at[row["cti"]] <= row["kiosk_time"]:
            raise_flag(
                db,
                "accepted_while_revoked",
                now,
                "redeemed after the card was revoked",
                [row["id"]],
                **common,
            )
        at = row["kiosk_time"]
        day, start, end = _rome_day(at - at % 3600)  # the hour's start: same day, and a cache that hits
        days.setdefault((row["cti"], day), (start, end, row))
    if not days:
        return
    uses = _uses(
        db,
        sorted({cti for cti, _ in days}),
        min(v[0] for v in days.values()),
        max(v[1] for v in days.values()),
    )
    for (cti, day), (start, end, row) in sorted(days.items()):
        ids = [record for moment, record in uses.get(cti, []) if start <= moment < end]
        if len(ids) > velocity_per_day:
            detail = f"{len(ids)} redemptions on {day}"
            raise_flag(db, "card_velocity", now, detail, ids, subject=f"{cti}|{day}", **_common(kiosk, row))


def _common(kiosk: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    return {"kiosk_id": kiosk["id"], "merchant_id": kiosk["merchant_id"], "istat": row["card_istat"],
            "cti": row["cti"]}  # fmt: skip


def _uses(db: Database, ctis: list[str], start: int, end: int) -> dict[str, list[tuple[int, str]]]:
    """The live redemptions of ``ctis`` between ``start`` and ``end``: (time, id) per card, in order.

    The cards are a joined list, not ``cti in (…)``: PostgreSQL runs a prepared statement's ``in`` list
    of parameters as a linear search for every row of the day it scans, hundreds of times slower."""
    cards = ", ".join(["(?)"] * len(ctis))
    found: dict[str, list[tuple[int, str]]] = {}
    for cti, moment, record in db.execute(
        f"with batch (cti) as (values {cards}) select r.cti, r.kiosk_time, r.id from batch "
        "join redemptions r on r.cti = batch.cti where r.type = 'redemption' and r.status = 'accepted' "
        "and r.voided = 0 and r.kiosk_time >= ? and r.kiosk_time < ? "
        "order by r.kiosk_time, r.received_at, r.id",
        [*ctis, start, end],
    ):
        found.setdefault(cti, []).append((moment, record))
    return found
