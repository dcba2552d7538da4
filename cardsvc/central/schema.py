"""The central database: its tables (``tables``), brought up to date by the Alembic revisions in
``migrations/`` when it is opened, on SQLite or PostgreSQL (``cardsvc.platform.storage``)."""

from __future__ import annotations

from pathlib import Path

from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.engines import engine_for
from cardsvc.platform.storage.migrate import LegacyRelease, open_migrated

from .tables import metadata

MIGRATIONS = Path(__file__).with_name("migrations")
# A file of the release before Alembic: its month change counter becomes the first change row's weight.
LEGACY = LegacyRelease("m011_shop_applications", "c001", {"report_changes": {"weight": "version"}})


def connect(address: str) -> Database:
    """A connection to the central database at ``address`` (a SQLite file, mode 0600 when new, whose
    every commit waits for the disk, or a ``postgresql://`` URL): an accepted batch survives a power
    cut, so tills never resend it."""
    return Database(engine_for(address), metadata)


def open_database(address: str) -> Database:
    """Connect, applying the pending migrations first."""
    return open_migrated(address, MIGRATIONS, metadata, LEGACY)
