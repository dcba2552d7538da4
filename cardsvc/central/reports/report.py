"""A month's report as published: the figures, suppressed, with the trend (the twelve months ending with
this one, from the network's first month with redemptions on); optionally
narrowed to one comune (its rows as the family's comune and as the shops' comune, and its flows)."""

from __future__ import annotations

from typing import Any

from cardsvc.platform.rome_calendar import month_of
from cardsvc.platform.storage.database import Database

from .figures import LIVE, month_figures
from .months import label, parse_month, previous_months
from .summaries import network_summary, summary
from .suppression import MINIMUM, VALUES, suppress

TREND_MONTHS = 12


def build_report(db: Database, month: str, now: int, comune: str | None = None) -> dict[str, Any]:
    """Raises ValueError for a malformed month or an unknown comune."""
    year, number = parse_month(month)
    figures = month_figures(db, year, number, now, summary(db, year, number, now))
    return publish(figures, trend(db, year, number, now), comune)


def publish(
    figures: dict[str, Any], trend_rows: list[dict[str, Any]], comune: str | None = None
) -> dict[str, Any]:
    """The report as published, from the month's figures and the trend's, unsuppressed; ValueError for
    an unknown comune."""
    if comune is not None and comune not in {row["istat"] for row in figures["by_family_comune"]}:
        raise ValueError(f"no comune {comune} in the network")
    report = suppress(figures)
    for row in [*report["by_family_comune"], report["network"]]:
        row["avg_discount_cents"] = _average(row)
    report["trend"] = [
        {**row, **dict.fromkeys(VALUES), "suppressed": True} if _hidden(row, report) else row
        for row in trend_rows
    ]
    if comune is not None:
        report["comune"] = comune
        report["by_family_comune"] = [r for r in report["by_family_comune"] if r["istat"] == comune]
        report["by_shop_comune"] = [r for r in report["by_shop_comune"] if r["istat"] == comune]
        report["by_category"] = [r for r in report["by_category"] if r["istat"] == comune]
        report["flow"] = [r for r in report["flow"] if comune in (r["from"], r["to"])]
    return report


def trend(db: Database, year: int, month: int, now: int) -> list[dict[str, Any]]:
    """The network's headline figures for the twelve months ending with this one, from their summaries;
    none before the network's first month with redemptions (the month itself is always there)."""
    first = first_month(db)
    return [
        {"month": label(y, m), **network_summary(db, y, m, now)}
        for y, m in previous_months(year, month, TREND_MONTHS)
        if (first is not None and (y, m) >= first) or (y, m) == (year, month)
    ]


def first_month(db: Database) -> tuple[int, int] | None:
    """The network's first month with a redemption that counts (read live, from the index's first row)."""
    first = db.execute(f"select min(kiosk_time) {LIVE}", [0, 2**62]).fetchone()[0]
    return None if first is None else month_of(first)


def _hidden(entry: dict[str, Any], report: dict[str, Any]) -> bool:
    """A trend entry is hidden when small; the month's own entry exactly when the network's row is."""
    if entry["month"] == report["month"]:
        return report["network"]["redemptions"] is None
    return 0 < int(entry["households"]) < MINIMUM


def _average(row: dict[str, Any]) -> int | None:
    """Discount per family that used the card, in cents (rounded down); hidden with its row."""
    if row["discount_cents"] is None:
        return None
    return int(row["discount_cents"]) // int(row["households"]) if row["households"] else 0
