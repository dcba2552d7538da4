"""The request's database connection: ``get_db()`` cached on ``g``, closed at teardown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlite_utils import Database

from .schema import open_database


def get_db() -> Database:
    if "db" not in g:
        g.db = open_database(current_app.config["DATABASE"])
    db: Database = g.db
    return db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    Path(app.config["DATABASE"]).parent.mkdir(parents=True, exist_ok=True)
    open_database(app.config["DATABASE"]).close()  # schema up to date before the first request
    app.teardown_appcontext(close_db)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """``BEGIN IMMEDIATE``: take the write lock up front, so a reader never has to upgrade mid-way."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()
