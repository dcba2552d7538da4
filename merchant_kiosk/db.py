"""The ledger connection of the serving thread: ``get_db()``.

Each thread keeps one connection for its life rather than one per request: closing the last
connection to a WAL database checkpoints it, which would cost every scan a disk write.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app
from sqlite_utils import Database

from .schema import connect, open_database

_connections = threading.local()


def get_db() -> Database:
    path = current_app.config["DATABASE"]
    held: dict[str, Database] = _connections.__dict__.setdefault("by_path", {})
    if path not in held:
        held[path] = connect(path)
    return held[path]


def _end_request(_exc: BaseException | None = None) -> None:
    """Roll back whatever a failed request left open, so the thread's connection starts clean."""
    db = _connections.__dict__.get("by_path", {}).get(current_app.config["DATABASE"])
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


def init_app(app: Flask) -> None:
    Path(app.config["DATABASE"]).parent.mkdir(parents=True, exist_ok=True)
    open_database(app.config["DATABASE"]).close()  # schema up to date before the first request
    app.teardown_appcontext(_end_request)


def now() -> int:
    """The till's clock (tests fix it through the ``CLOCK`` setting)."""
    return int(current_app.config["CLOCK"]())
