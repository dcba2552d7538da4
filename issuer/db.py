"""The office database for the serving thread: ``get_db()`` (see ``cardsvc.thread_connections``)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from sqlite_utils import Database

from cardsvc.thread_connections import ThreadConnections

from .schema import connect, open_database

_connections = ThreadConnections(connect)


def get_db() -> Database:
    return _connections.get(current_app.config["DATABASE"])


def init_app(app: Flask) -> None:
    Path(app.config["DATABASE"]).parent.mkdir(parents=True, exist_ok=True)
    open_database(app.config["DATABASE"]).close()  # schema up to date before the first request
    app.teardown_appcontext(lambda _exc: _connections.end_request(app.config["DATABASE"]))


def now() -> int:
    """The app's clock (tests fix it through the ``CLOCK`` setting)."""
    return int(current_app.config["CLOCK"]())
