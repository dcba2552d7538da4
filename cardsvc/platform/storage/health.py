"""Whether an app's SQLite file can be trusted, and which storage failure an sqlite3 error is.

``check_database`` runs ``PRAGMA quick_check`` (the structure of every page, in one read of the file)
on a connection of its own and looks at the free space of the file's disk. ``/health`` of the three
apps and ``familycard kiosk status`` run it on demand, each app once at start, and the answer names the
problem: ``disk_full``, ``database_damaged``, ``disk_error`` or ``database_missing``.
``storage_failure`` names the same problems for an error raised in a request, so that the pages say them
in words instead of a bare 500. A PostgreSQL database is checked by a query on a connection of its own;
``database_unavailable`` names a server that cannot be reached, ``disk_full`` one whose disk is full.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from .engines import is_file, shown, sqlite_path

DISK_FULL = "disk_full"
DAMAGED = "database_damaged"
DISK_ERROR = "disk_error"
MISSING = "database_missing"
UNAVAILABLE = "database_unavailable"
DAMAGE_WORDS = ("malformed", "not a database")
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, psycopg.Error)  # either engine's
MIN_FREE_BYTES = 16 * 1024 * 1024  # below this a till's day of records may no longer fit


@dataclass(frozen=True)
class DatabaseHealth:
    problem: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok, "database": self.problem or "ok"}
        if self.detail:
            body["detail"] = self.detail
        return body


def storage_failure(error: BaseException) -> str | None:
    """``disk_full``, ``database_damaged``, ``disk_error`` or ``database_unavailable`` for a database
    error that is one, else None (a busy database or a programming error is not a storage failure)."""
    server = _server_failure(error)
    if server is not None:
        return server
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    name = getattr(error, "sqlite_errorname", None) or ""
    text = str(error).lower()
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return DISK_FULL
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or any(words in text for words in DAMAGE_WORDS):
        return DAMAGED
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return DISK_ERROR
    return None


def _server_failure(error: BaseException) -> str | None:
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError):
        error = error.orig or error
    if isinstance(error, psycopg.errors.DiskFull):
        return DISK_FULL
    if isinstance(error, psycopg.errors.DataCorrupted | psycopg.errors.IndexCorrupted):
        return DAMAGED
    if isinstance(error, psycopg.OperationalError):
        return UNAVAILABLE
    return None


def check_database(path: str | Path, min_free: int = MIN_FREE_BYTES) -> DatabaseHealth:
    """The database file's structure (``quick_check``) and the free space on its disk; for a
    PostgreSQL address, whether the server answers."""
    if not is_file(str(path)):
        return _check_server(str(path))
    file = Path(sqlite_path(str(path))).absolute()
    if not file.exists():
        return DatabaseHealth(MISSING, str(file))
    try:
        conn = sqlite3.connect(f"{file.as_uri()}?mode=rw", uri=True, timeout=10)
    except sqlite3.Error as error:
        return DatabaseHealth(storage_failure(error) or DISK_ERROR, str(error))
    try:
        findings = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as error:
        return DatabaseHealth(storage_failure(error) or DAMAGED, str(error))
    finally:
        conn.close()
    if findings != ["ok"]:
        return DatabaseHealth(DAMAGED, "; ".join(findings)[:500])
    free = shutil.disk_usage(file.parent).free
    if free < min_free:
        return DatabaseHealth(DISK_FULL, f"{free} bytes free")
    return DatabaseHealth()


def _check_server(address: str) -> DatabaseHealth:
    from .engines import engine_for

    try:
        with engine_for(address).connect() as connection:
            connection.exec_driver_sql("select 1")
    except Exception as error:  # whatever the driver raised: the server is not usable now
        cause = getattr(error, "orig", None) or error
        problem = storage_failure(cause) or UNAVAILABLE
        return DatabaseHealth(problem, f"{shown(address)}: {' '.join(str(cause).split())}"[:500])
    return DatabaseHealth()
