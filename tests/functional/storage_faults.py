"""Storage faults for the tests: a database page overwritten with garbage, as a failing disk leaves it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def damage_table(path: Path, table: str) -> None:
    """Fold the WAL into the file, then overwrite the b-tree page at the root of ``table`` with garbage
    (its header included), leaving the file's header and schema intact."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = conn.execute("select rootpage from sqlite_master where name = ?", [table]).fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * 512)
