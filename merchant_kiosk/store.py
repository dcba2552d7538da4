"""Small key-value settings the kiosk keeps in its database: identity, lists, sync status."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database


def get(db: Database, key: str, default: Any = None) -> Any:
    row = db.execute("select value from kv where key = ?", [key]).fetchone()
    return default if row is None else json.loads(row[0])


def get_many(db: Database, *keys: str) -> dict[str, Any]:
    """The values of ``keys`` in one query; missing keys are None."""
    marks = ", ".join("?" * len(keys))
    found = {
        k: json.loads(v) for k, v in db.execute(f"select key, value from kv where key in ({marks})", keys)
    }
    return {key: found.get(key) for key in keys}


def put(db: Database, key: str, value: Any) -> None:
    db.execute("insert or replace into kv (key, value) values (?, ?)", [key, json.dumps(value)])


def put_many(db: Database, values: dict[str, Any]) -> None:
    """Store several values in one transaction (or inside the caller's)."""
    with db.atomic():
        db.conn.executemany(
            "insert or replace into kv (key, value) values (?, ?)",
            [(k, json.dumps(v)) for k, v in values.items()],
        )
