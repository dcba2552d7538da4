"""Stale report summaries refreshed in the background of the served central service.

Every ``REPORT_REFRESH_INTERVAL`` seconds one worker computes the month summaries whose data
changed: on SQLite whichever holds the lock file beside the database, on PostgreSQL whichever worker
of any instance holds the advisory lock ``report-refresh``, so that a report rarely has to compute
one while someone waits. The nightly ``familycard central refresh-reports`` does the same from outside.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import Any

from flask import Flask

from cardsvc.platform.retry_loop import RetryLoop, start_once
from cardsvc.platform.storage.engines import database_address, is_file, sqlite_path

from .reports.summaries import refresh_stale
from .schema import open_database


def refresh_once(database: str, now: int) -> list[str] | None:
    """Refresh the stale summaries unless another process is doing it (then None)."""
    if not is_file(database):
        db = open_database(database)
        try:
            with db.alone("report-refresh") as alone:
                return refresh_stale(db, now) if alone else None
        finally:
            db.close()
    lock_path = Path(sqlite_path(database)).with_suffix(".report-refresh.lock")
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        db = open_database(database)
        try:
            return refresh_stale(db, now)
        finally:
            db.close()
            fcntl.flock(lock, fcntl.LOCK_UN)


def start_report_refresher(app: Flask) -> RetryLoop | None:
    interval = app.config["REPORT_REFRESH_INTERVAL"]
    if not interval:
        return None

    def round_once() -> Any:
        return refresh_once(database_address(app.config), int(app.config["CLOCK"]()))

    return start_once(
        database_address(app.config),
        lambda: RetryLoop("report-refresh", round_once, interval, max(interval, 60)),
    )
