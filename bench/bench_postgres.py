"""What the benchmarks share to run the central service on PostgreSQL: a throwaway server that keeps
production's durability (``tests.postgres_cluster`` with ``durable``: every commit waits for the disk),
the central database's address in the environment while a bench sets up and serves an instance, and
the sequences moved on after rows were written with explicit ids."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cardsvc.platform.storage.database import Database  # noqa: E402
from tests.postgres_cluster import PostgresCluster  # noqa: E402

ENGINES = ("sqlite", "postgresql")
URL_VARIABLE = "FAMILYCARD_CENTRAL_DATABASE_URL"


@contextmanager
def durable_postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL server on loopback with ``fsync`` on, stopped and deleted when the block ends."""
    cluster = PostgresCluster(durable=True)
    try:
        yield cluster
    finally:
        cluster.stop()


@contextmanager
def central_database_url(url: str | None) -> Iterator[None]:
    """The central service's ``DATABASE_URL`` is ``url`` (None: its instance file) inside the block, for
    ``familycard central init`` / ``serve`` and their subprocesses, which also import this worktree's
    code (``PYTHONPATH``)."""
    saved = {name: os.environ.get(name) for name in (URL_VARIABLE, "PYTHONPATH")}
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), saved["PYTHONPATH"]]))
    if url:
        os.environ[URL_VARIABLE] = url
    else:
        os.environ.pop(URL_VARIABLE, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def move_sequences_on(db: Database, tables: list[str]) -> None:
    """After rows were inserted with explicit integer ids: each table's sequence continues after its
    largest id (PostgreSQL; SQLite's rowids need nothing)."""
    if not db.postgres:
        return
    for table in tables:
        db.execute(
            f"select setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(select coalesce(max(id), 0) + 1 from {table}), false)"
        )
