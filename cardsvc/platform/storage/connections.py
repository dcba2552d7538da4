"""The database of a web app: one connection per serving thread, kept open for the thread's life, on a
database that the app migrates once at start (a SQLite file, or PostgreSQL for the central service and
the office when ``DATABASE_URL`` names it).

Closing the last connection to a WAL database checkpoints it, so a connection per request would make
every request pay a disk write; a thread's connection instead lives on, and a request that failed
half-way has its open transaction rolled back when it ends. Files that hold what a user was told is
recorded (the till's ledger, the office's cards) use ``synchronous=FULL``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from cardsvc.platform.private_files import create_private_file, private_folder
from cardsvc.platform.web.health import open_at_start

from .database import Database as AnyEngineDatabase
from .engines import database_address, is_file, sqlite_path


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

    def __init__(self, connect: Callable[[str], Any], open_database: Callable[[str], Any]) -> None:
        self.connect = connect
        self.open_database = open_database
        self.local = threading.local()
        self.opened: list[Any] = []  # every thread's, for close_all

    def get(self) -> Any:
        address = database_address(current_app.config)
        held: dict[str, Any] = self.local.__dict__.setdefault("by_address", {})
        db = held.get(address)
        if db is None or (isinstance(db, AnyEngineDatabase) and db.closed):  # a server connection lost
            held[address] = db = self.connect(address)
            self.opened.append(db)
        return db

    def close_all(self) -> None:
        """Close every thread's connection (a test's end; a server closes them when it stops)."""
        for db in self.opened:
            db.close()
        self.opened.clear()
        self.local = threading.local()

    def end_request(self, _exc: BaseException | None = None) -> None:
        db = self.local.__dict__.get("by_address", {}).get(database_address(current_app.config))
        if isinstance(db, AnyEngineDatabase):
            if not db.closed and db.in_transaction:
                db.rollback()
        elif db is not None and db.conn.in_transaction:
            db.conn.rollback()

    def init_app(self, app: Flask) -> None:
        address = database_address(app.config)
        if is_file(address):
            private_folder(Path(sqlite_path(address)).parent)
        open_at_start(app, self.open_database)  # schema up to date and checked before the first request
        app.teardown_appcontext(self.end_request)
