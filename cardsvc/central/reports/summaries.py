"""Month summaries: what a month's report reads from the redemptions and the cards, computed once and
kept until the month's data changes.

A report over a year of regional data reads millions of rows a month; the Tavolo reads closed months,
whose data rarely change. So the heavy part of a month's figures is kept in ``report_summaries`` with
the month's *change version*. Ingest bumps the version of every month whose redemptions it accepted or
voided, and card events bump the months from the card's issue (or revocation) on, so a summary is used
only while nothing it was computed from has changed; otherwise the report computes it again and keeps
it. ``familycard central refresh-reports`` (run nightly) computes the stale ones ahead of readers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlite_utils import Database

from cardsvc.platform.rome_calendar import month_bounds, month_of

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
    db.conn.executemany(
        "insert into report_changes (month, version) values (?, 1) "
        "on conflict (month) do update set version = version + 1",
        [(month,) for month in sorted(months)],
    )


def _version(db: Database, month: str) -> int:
    row = db.execute("select version from report_changes where month = ?", [month]).fetchone()
    return int(row[0]) if row else 0


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
    db.execute(
        "insert or replace into report_summaries (month, version, computed_at, network, figures) "
        "values (?, ?, ?, ?, ?)",
        [name, version, to_rfc3339(now), json.dumps(figures["network"]), json.dumps(figures)],
    )
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
    months = {name for (name,) in db.execute("select month from report_changes")}
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
