"""The SQLite database of a web app: one connection per serving thread, kept open for the thread's
life, on a file that the app migrates once at start.

Closing the last connection to a WAL database checkpoints it, so a connection per request would make
every request pay a disk write; a thread's connection instead lives on, and a request that failed
half-way has its open transaction rolled back when it ends. Files that hold what a user was told is
recorded (the till's ledger, the office's cards) use ``synchronous=FULL``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from cardsvc.platform.private_files import create_private_file, private_folder
from cardsvc.platform.web.health import open_at_start


def connect_durable(path: str, foreign_keys: bool = False) -> Database:
    """A connection that commits to the disk before returning and waits for the write lock; a new
    database file is made 0600 (see ``cardsvc.platform.private_files``)."""
    create_private_file(Path(path))
    db = Database(path)
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA busy_timeout = 10000")
    if foreign_keys:
        db.execute("PRAGMA foreign_keys = ON")
    return db


def open_migrated(db: Database, migrations: Migrations) -> Database:
    """Switch the file to WAL and apply the pending migrations."""
    db.enable_wal()
    migrations.apply(db)
    return db


class AppDatabase:
    """``get()`` for views, ``init_app`` for the factory."""

    def __init__(self, connect: Callable[[str], Database], open_database: Callable[[str], Database]) -> None:
        self.connect = connect
        self.open_database = open_database
        self.local = threading.local()

    def get(self) -> Database:
        path = current_app.config["DATABASE"]
        held: dict[str, Database] = self.local.__dict__.setdefault("by_path", {})
        if path not in held:
            held[path] = self.connect(path)
        return held[path]

    def end_request(self, _exc: BaseException | None = None) -> None:
        db = self.local.__dict__.get("by_path", {}).get(current_app.config["DATABASE"])
        if db is not None and db.conn.in_transaction:
            db.conn.rollback()

    def init_app(self, app: Flask) -> None:
        private_folder(Path(app.config["DATABASE"]).parent)
        open_at_start(app, self.open_database)  # schema up to date and checked before the first request
        app.teardown_appcontext(self.end_request)
