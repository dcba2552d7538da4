"""Column types that mean the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Integer
from sqlalchemy import Text as Text

# A whole number: 64 bits on PostgreSQL (times, cents, sequence numbers), SQLite's INTEGER (which is
# 64 bits already, and the only type an automatic key can have there).
Int = BigInteger().with_variant(Integer(), "sqlite")


def Key(name: str) -> Column[Any]:
    """An integer primary key the database numbers (a sequence on PostgreSQL, the rowid on SQLite)."""
    return Column(name, Int, primary_key=True, autoincrement=True)
