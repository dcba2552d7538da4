"""A merchant's own monthly statement: operations, spend, discount given and families served, per
offer and per day; families are shown only from five up, like every published figure."""

from __future__ import annotations

from typing import Any

from cardsvc.platform.rome_calendar import month_bounds
from cardsvc.platform.storage.database import Database

from .figures import FAMILY, LIVE
from .months import parse_month
from .suppression import MINIMUM


def merchant_statement(db: Database, merchant_id: int, month: str) -> dict[str, Any]:
    year, number = parse_month(month)
    merchant = db.execute(
        "select name, istat, category from merchants where id = ?", [merchant_id]
    ).fetchone()
    if merchant is None:
        raise ValueError(f"no merchant {merchant_id}")
    start, end = month_bounds(year, number)
    where = f"{LIVE} and merchant_id = ?"
    args = [start, end, merchant_id]
    total = db.execute(
        f"select count(*), coalesce(sum(amount_cents), 0), coalesce(sum(discount_cents), 0), "
        f"count(distinct {FAMILY}) {where}",
        args,
    ).fetchone()
    offers = db.execute(
        f"select r.offer_id, o.title, count(*), sum(r.discount_cents) from ({'select * ' + where}) r "
        "left join offers o on o.id = r.offer_id group by 1, 2 order by 1",
        args,
    ).fetchall()
    households = total[3]
    return {
        "merchant": {"id": merchant_id, "name": merchant[0], "istat": merchant[1], "category": merchant[2]},
        "month": month,
        "redemptions": total[0],
        "spend_cents": total[1],
        "discount_cents": total[2],
        "households": households if households == 0 or households >= MINIMUM else None,
        "by_offer": [
            {"offer_id": o, "title": t, "redemptions": n, "discount_cents": d} for o, t, n, d in offers
        ],
    }
