"""What the card brings one shop: its month (families served, operations, spend, discount given), the
trend since the network's first month, and how it compares with the median shop of its category in its
comune. Families are shown from five up, like every published figure; the median is shown only where the
comune has at least five shops of the category, so that it never describes a single competitor."""

from __future__ import annotations

from statistics import median
from typing import Any

from cardsvc.platform.rome_calendar import month_bounds, month_of
from cardsvc.platform.storage.database import Database

from .figures import FAMILY, LIVE
from .months import label
from .statement import merchant_statement
from .suppression import MINIMUM

TREND_MONTHS = 12  # the trend's longest span, as the monthly report's


def first_month(db: Database) -> tuple[int, int] | None:
    """The network's first month with an accepted redemption, in Rome time; None before any."""
    row = db.execute(
        "select min(kiosk_time) from redemptions where type = 'redemption' and status = 'accepted'"
    ).fetchone()
    return month_of(int(row[0])) if row and row[0] is not None else None


def _months(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    first = max(start[0] * 12 + start[1] - 1, end[0] * 12 + end[1] - TREND_MONTHS)
    last = end[0] * 12 + end[1] - 1
    return [(index // 12, index % 12 + 1) for index in range(first, last + 1)]


def _month_figures(db: Database, merchant_id: int, year: int, month: int) -> dict[str, Any]:
    start, end = month_bounds(year, month)
    count, discount, households = db.execute(
        f"select count(*), coalesce(sum(discount_cents), 0), count(distinct {FAMILY}) {LIVE} "
        "and merchant_id = ?",
        [start, end, merchant_id],
    ).fetchone()
    return {
        "month": label(year, month),
        "redemptions": count,
        "discount_cents": discount,
        "households": households if households == 0 or households >= MINIMUM else None,
    }


def category_median(db: Database, merchant: dict[str, Any], year: int, month: int) -> dict[str, Any] | None:
    """The median shop of the merchant's category in its comune this month (discount given, operations),
    every such shop counted (those without operations as zero); None below five shops."""
    peers = [
        row[0]
        for row in db.execute(
            "select id from merchants where istat = ? and category = ?",
            [merchant["istat"], merchant["category"]],
        )
    ]
    if len(peers) < MINIMUM:
        return None
    start, end = month_bounds(year, month)
    marks = ", ".join("?" * len(peers))
    sums = {
        merchant_id: (count, discount)
        for merchant_id, count, discount in db.execute(
            f"select merchant_id, count(*), coalesce(sum(discount_cents), 0) {LIVE} "
            f"and merchant_id in ({marks}) group by merchant_id",
            [start, end, *peers],
        )
    }
    counts = [sums.get(peer, (0, 0))[0] for peer in peers]
    discounts = [sums.get(peer, (0, 0))[1] for peer in peers]
    return {"shops": len(peers), "redemptions": median(counts), "discount_cents": round(median(discounts))}


def shop_value(db: Database, merchant_id: int, year: int, month: int) -> dict[str, Any]:
    """The shop's page for the month: its statement, the trend and the category's median (or None)."""
    statement = merchant_statement(db, merchant_id, label(year, month))
    start = first_month(db) or (year, month)
    trend = [_month_figures(db, merchant_id, y, m) for y, m in _months(start, (year, month))]
    return {
        **statement,
        "year": year,
        "month_number": month,
        "trend": trend,
        "category_median": category_median(db, statement["merchant"], year, month),
    }
