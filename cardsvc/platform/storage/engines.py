"""Which database an app uses, and the engine that connects to it.

An app's database is named by ``DATABASE_URL`` when that is set (``postgresql://user@host/name``, or
``sqlite:///path``), else by its ``DATABASE`` file: SQLite is the embedded default. One SQLAlchemy
engine per address and process (for the migrations and checks) and the apps' own connections: each
serving thread keeps one for its life (``connections``), so there is no pool here; several processes'
connections to PostgreSQL are pooled by pgbouncer (docs/deploy.md). PostgreSQL is reached with
psycopg 3; a SQLite file is opened as the apps always have (mode 0600 when new, WAL, ``synchronous=FULL``:
a commit is on the disk before the answer, foreign keys on, a 10 s wait for the write lock).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
from psycopg.adapt import Loader
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from cardsvc.core.errors import InvalidInput
from cardsvc.platform.private_files import create_private_file

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


class DatabaseUnreachable(RuntimeError):
    """The database named cannot be reached or used; the message says which and why, in one line."""


def database_address(config: Mapping[str, Any]) -> str:
    """The app's database: its ``DATABASE_URL`` when set, else its ``DATABASE`` file."""
    return str(config.get("DATABASE_URL") or config["DATABASE"])


def is_file(address: str) -> bool:
    """Whether ``address`` is a SQLite file (a path or a ``sqlite:///`` URL) rather than a server."""
    return "://" not in address or address.startswith("sqlite:")


def sqlite_path(address: str) -> str:
    """The file of a SQLite address."""
    return address.split("sqlite:///", 1)[1] if address.startswith("sqlite:///") else address


def shown(address: str) -> str:
    """``address`` without its password, to be logged or printed."""
    if is_file(address):
        return sqlite_path(address)
    return make_url(address).render_as_string(hide_password=True)


def engine_for(address: str) -> Engine:
    """The process's engine for ``address`` (made on first use)."""
    with _lock:
        if address not in _engines:
            _engines[address] = _sqlite_engine(sqlite_path(address)) if is_file(address) else _server(address)
        return _engines[address]


def dispose_all() -> None:
    """Forget every engine, closing whatever connection it holds (a process about to fork, or a
    test's end); the apps' own connections are closed by their ``Database``."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def _server(address: str) -> Engine:
    try:
        url = make_url(address)
    except ArgumentError:
        raise InvalidInput(
            f"DATABASE_URL is not a database address: {_without_credentials(address)}"
        ) from None
    if url.get_backend_name() != "postgresql":
        raise InvalidInput(
            f"DATABASE_URL must be postgresql://… or sqlite:///…, not {url.get_backend_name()}://"
        )
    options: dict[str, Any] = {"connect_timeout": 5, "application_name": "familycard"}
    engine = create_engine(url.set(drivername="postgresql+psycopg"), poolclass=NullPool, connect_args=options)
    event.listen(engine, "connect", _postgres_session)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    engine.familycard_connect = lambda: psycopg.connect(conninfo, **options)  # type: ignore[attr-defined]
    engine.familycard_setup = (_postgres_session,)  # type: ignore[attr-defined]
    return engine


def _without_credentials(address: str) -> str:
    return address.split("@", 1)[-1] if "@" in address else address


class _NumberLoader(Loader):
    """PostgreSQL's ``numeric`` (a sum of integers) as ``int``, or ``float`` with a fraction."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        return float(text) if any(c in text for c in ".eEn") else int(text)


def _postgres_session(dbapi_connection: Any, _record: Any = None) -> None:
    """Autocommit (transactions are opened explicitly) and sums read back as SQLite gives them."""
    dbapi_connection.autocommit = True
    dbapi_connection.adapters.register_loader("numeric", _NumberLoader)


def _sqlite_engine(path: str) -> Engine:
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)

    def durable(dbapi_connection: Any, _record: Any = None) -> None:
        dbapi_connection.isolation_level = None  # autocommit: transactions are opened explicitly
        for pragma in ("synchronous = FULL", "busy_timeout = 10000", "foreign_keys = ON"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    event.listen(engine, "connect", durable)
    engine.familycard_setup = (durable,)  # type: ignore[attr-defined]  # for Database's own connections

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:  # SQLAlchemy's own transactions (migrations) begin for real
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    create_private_file(Path(path))
    return engine


def check_reachable(address: str) -> None:
    """Connect once; :class:`DatabaseUnreachable` with one line saying why when that fails."""
    try:
        with engine_for(address).connect():
            pass
    except InvalidInput as error:
        raise DatabaseUnreachable(str(error)) from None
    except Exception as error:  # the driver's own error, whatever it is, said in one line
        cause = getattr(error, "orig", None) or error
        reason = " ".join(str(cause).split()) or type(cause).__name__
        raise DatabaseUnreachable(f"database {shown(address)} cannot be reached: {reason}") from None


def refuse_unusable(address: str, app: str) -> None:
    """Exit with one line on standard error when ``address`` (a ``DATABASE_URL``; empty: the app's file)
    cannot be used.

    gunicorn's master calls it before it forks the workers: the connection of the check is closed here,
    never left in the pool for the workers to inherit (two processes on one server session mix their
    statements: ``prepared statement "_pg3_0" already exists``, or worse)."""
    if not address:
        return
    try:
        check_reachable(address)
    except DatabaseUnreachable as error:
        raise SystemExit(f"familycard {app}: {error}") from None
    finally:
        dispose_all()
