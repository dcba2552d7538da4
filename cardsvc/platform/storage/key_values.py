"""Small settings an app keeps in its own database as a (key, value) table: the central service's
network values, the office's pinned root and trust list, the till's identity, lists and sync status.

Values are text, or JSON when the table is declared so (the till keeps lists and counters).
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from .database import Database


class KeyValues:
    """The (key, value) table ``table``: one way to read and write it."""

    def __init__(self, table: str, as_json: bool = False) -> None:
        self.table = table
        self.as_json = as_json
        self._put = (
            f'insert into "{table}" (key, value) values (?, ?) '
            "on conflict (key) do update set value = excluded.value"
        )

    def _decode(self, text: str) -> Any:
        return json.loads(text) if self.as_json else str(text)

    def _encode(self, value: Any) -> str:
        return json.dumps(value) if self.as_json else str(value)

    def get(self, db: Database | sqlite_utils.Database, key: str, default: Any = None) -> Any:
        row = db.execute(f'select value from "{self.table}" where key = ?', [key]).fetchone()
        return default if row is None else self._decode(row[0])

    def get_many(self, db: Database | sqlite_utils.Database, *keys: str) -> dict[str, Any]:
        """The values of ``keys`` in one query; missing keys are None."""
        marks = ", ".join("?" * len(keys))
        rows = db.execute(f'select key, value from "{self.table}" where key in ({marks})', keys)
        found = {key: self._decode(value) for key, value in rows}
        return {key: found.get(key) for key in keys}

    def put(self, db: Database | sqlite_utils.Database, key: str, value: Any) -> None:
        db.execute(self._put, [key, self._encode(value)])

    def put_many(self, db: Database | sqlite_utils.Database, values: dict[str, Any]) -> None:
        """Store several values in one transaction (or inside the caller's)."""
        with db.atomic():
            for key, value in values.items():
                db.execute(self._put, [key, self._encode(value)])
