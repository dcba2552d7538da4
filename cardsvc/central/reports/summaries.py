"""Month summaries: what a month's report reads from the redemptions and the cards, computed once and
kept until the month's data changes.

A report over a year of regional data reads millions of rows a month; the Tavolo reads closed months,
whose data rarely change. So the heavy part of a month's figures is kept in ``report_summaries`` with
the month's *change version*. Ingest adds a change to every month whose redemptions it accepted or
voided, and card events to the months from the card's issue (or revocation) on, so a summary is used
only while nothing it was computed from has changed; otherwise the report computes it again and keeps
it. ``familycard central refresh-reports`` (run nightly) computes the stale ones ahead of readers.

The changes are rows only ever added (``report_changes``), never one counter row per month that every
ingest would wait for; a month's version is the sum of its rows' weights, which grows with each change
whoever commits first. The refresher folds a month's rows into one of the same total weight.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from cardsvc.platform.rome_calendar import month_bounds, month_of
from cardsvc.platform.storage.database import Database

from ...core import to_rfc3339
from .figures import heavy_figures
from .months import label

OLDEST_CHANGE = 5 * 366 * 86_400


def mark_changed(db: Database, moments: Iterable[int], until: int | None = None) -> None:
    """Bump the change version of the months of ``moments`` (and every month after, up to ``until``)."""
    months: set[str] = set()
    for moment in moments:
        if until is not None:
            moment = max(moment, until - OLDEST_CHANGE)  # no report reaches further back
        year, month = month_of(moment)
        months.add(label(year, month))
        if until is not None:
            while month_bounds(year, month)[1] <= until:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                months.add(label(year, month))
    db.executemany("insert into report_changes (month) values (?)", [(month,) for month in sorted(months)])


def _version(db: Database, month: str) -> int:
    row = db.execute("select sum(weight) from report_changes where month = ?", [month]).fetchone()
    return int(row[0] or 0)


def fold_changes(db: Database, month: str) -> None:
    """Replace the month's change rows by one of their total weight (the version stays the same)."""
    with db.atomic():
        deleted = db.execute(
            "delete from report_changes where month = ? returning weight", [month]
        ).fetchall()
        if deleted:
            db.execute(
                "insert into report_changes (month, weight) values (?, ?)",
                [month, sum(int(row[0]) for row in deleted)],
            )


def _kept(db: Database, name: str, column: str) -> Any:
    """A current summary's ``column`` (parsed), or None when the month changed since or has none."""
    row = db.execute(f"select version, {column} from report_summaries where month = ?", [name]).fetchone()
    return json.loads(row[1]) if row is not None and row[0] == _version(db, name) else None


def summary(db: Database, year: int, month: int, now: int) -> dict[str, Any]:
    """The month's heavy figures: the kept summary when current, else computed now and kept."""
    name = label(year, month)
    kept = _kept(db, name, "figures")
    if kept is not None:
        return dict(kept)
    version = _version(db, name)
    figures = {**heavy_figures(db, year, month), "computed_at": now}
    db.table("report_summaries").upsert(
        {"month": name, "version": version, "computed_at": to_rfc3339(now),
         "network": json.dumps(figures["network"]), "figures": json.dumps(figures)}
    )  # fmt: skip
    return figures


def network_summary(db: Database, year: int, month: int, now: int) -> dict[str, int]:
    """The month's network headline figures, for the trend, without reading the whole summary."""
    kept = _kept(db, label(year, month), "network")
    return dict(kept) if kept is not None else dict(summary(db, year, month, now)["network"])


def refresh_stale(db: Database, now: int, progress: Callable[[str], None] = lambda month: None) -> list[str]:
    """Compute every stale or missing summary of the months that have redemptions or changes."""
    bounds = db.execute(
        "select min(kiosk_time), max(kiosk_time) from redemptions indexed by redemptions_live_by_time "
        "where type = 'redemption' and status = 'accepted' and voided = 0"
    ).fetchone()
    months = {name for (name,) in db.execute("select distinct month from report_changes")}
    for (name,) in db.execute(
        "select month from report_changes group by month having count(*) > 1"
    ).fetchall():
        fold_changes(db, name)
    if bounds[0] is not None:
        year, month = month_of(bounds[0])
        last = month_of(min(bounds[1], now))
        while (year, month) <= last:
            months.add(label(year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    done = []
    for name in sorted(months):
        year, month = int(name[:4]), int(name[5:])
        row = db.execute("select version from report_summaries where month = ?", [name]).fetchone()
        if row is None or row[0] != _version(db, name):
            summary(db, year, month, now)
            done.append(name)
        progress(name)
    return done
