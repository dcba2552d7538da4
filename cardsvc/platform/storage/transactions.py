"""Write transactions and read snapshots, for the apps' databases (``database.Database``, SQLite or
PostgreSQL) and the till's sqlite-utils ledger alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import sqlite_utils

from .database import Database

Db = TypeVar("Db", Database, sqlite_utils.Database)


@contextmanager
def write_transaction(db: Db) -> Iterator[Db]:
    """Take the write lock up front on SQLite (``BEGIN IMMEDIATE``), so a reader never has to upgrade
    mid-way; on PostgreSQL a plain transaction (see ``Database.write``).

    Commits when the block ends, rolls everything back when it raises.
    """
    if isinstance(db, Database):
        with db.write():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


@contextmanager
def read_snapshot(db: Db) -> Iterator[Db]:
    """Every query in the block sees the database as the first one did, whatever other connections
    commit meanwhile (inside a transaction already open, that one's)."""
    if isinstance(db, Database):
        with db.snapshot():
            yield db
        return
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.commit()
