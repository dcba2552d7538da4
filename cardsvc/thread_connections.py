"""One SQLite connection per serving thread and database file, kept open for the thread's life.

Closing the last connection to a WAL database checkpoints it, so a connection per request would make
every request pay a disk write; a thread's connection instead lives on, and a request that failed
half-way has its open transaction rolled back when it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlite_utils import Database


class ThreadConnections:
    def __init__(self, connect: Callable[[str], Database]) -> None:
        self.connect = connect
        self.local = threading.local()

    def _held(self) -> dict[str, Database]:
        held: dict[str, Database] = self.local.__dict__.setdefault("by_path", {})
        return held

    def get(self, path: str) -> Database:
        held = self._held()
        if path not in held:
            held[path] = self.connect(path)
        return held[path]

    def end_request(self, path: str) -> None:
        db = self._held().get(path)
        if db is not None and db.conn.in_transaction:
            db.conn.rollback()
