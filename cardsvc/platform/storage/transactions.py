"""Write transactions on a sqlite-utils database, shared by every part that keeps a SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """``BEGIN IMMEDIATE``: take the write lock up front, so a reader never has to upgrade mid-way.

    Commits when the block ends, rolls everything back when it raises.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


@contextmanager
def read_snapshot(db: Database) -> Iterator[Database]:
    """A deferred ``BEGIN`` for reads: every query in the block sees the database as the first one did,
    whatever other connections commit meanwhile (inside a transaction already open, that one's)."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.commit()
