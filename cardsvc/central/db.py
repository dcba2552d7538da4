"""The request's database connection: ``get_db()`` cached on ``g``, closed at teardown."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g
from sqlite_utils import Database

from cardsvc.platform.private_files import private_folder
from cardsvc.platform.storage.transactions import write_transaction
from cardsvc.platform.web.health import open_at_start

from .schema import open_database

__all__ = ["close_db", "get_db", "init_app", "write_transaction"]


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
    private_folder(Path(app.config["DATABASE"]).parent)
    open_at_start(app, open_database)  # schema up to date and checked before the first request
    app.teardown_appcontext(close_db)
