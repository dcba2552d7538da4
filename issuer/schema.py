"""The comune office's database: households, cards, the outbox of card events, operators, the audit log
(``tables``), brought up to date by the Alembic revisions in ``migrations/`` when it is opened, on SQLite
(WAL, ``synchronous=FULL``) or PostgreSQL (``cardsvc.platform.storage``)."""

from __future__ import annotations

from pathlib import Path

from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.engines import engine_for
from cardsvc.platform.storage.migrate import LegacyRelease, open_migrated

from .tables import metadata

MIGRATIONS = Path(__file__).with_name("migrations")
LEGACY = LegacyRelease("m_reminders", "i001")  # a file of the release before Alembic


def connect(address: str) -> Database:
    return Database(engine_for(address), metadata)


def open_database(address: str) -> Database:
    """Connect, applying the pending migrations first."""
    return open_migrated(address, MIGRATIONS, metadata, LEGACY)
