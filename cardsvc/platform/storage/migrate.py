"""Schema migrations with Alembic, for an app's database on either engine.

Each app keeps its revisions in its own ``migrations/`` package (``env.py`` and ``versions/``); opening
the database brings it to the newest revision first. On PostgreSQL the upgrade holds an advisory lock,
so instances starting together migrate once; on SQLite the upgrade's transaction holds the write lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, text

from .database import POSTGRESQL, Database, lock_number
from .engines import engine_for
from .health import DATABASE_ERRORS
from .legacy import adopt, is_legacy


class SchemaRefused(RuntimeError):
    """The database holds something this release cannot take over; the message says what."""


def alembic_config(migrations: Path, metadata: MetaData) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.attributes["metadata"] = metadata
    return config


@lru_cache(maxsize=8)
def head(migrations: Path) -> str | None:
    return ScriptDirectory.from_config(alembic_config(migrations, MetaData())).get_current_head()


def upgrade(engine: Engine, migrations: Path, metadata: MetaData) -> None:
    """Bring the database to the newest revision (nothing to do when it is there already)."""
    config = alembic_config(migrations, metadata)
    with engine.connect() as connection:
        if engine.dialect.name == POSTGRESQL:
            connection.connection.driver_connection.autocommit = False  # type: ignore[union-attr]
        with connection.begin():
            if engine.dialect.name == POSTGRESQL:
                connection.execute(
                    text("select pg_advisory_xact_lock(:key)"), {"key": lock_number("migrations")}
                )
            revision = MigrationContext.configure(connection).get_current_revision()
            if revision == head(migrations):
                return
            if revision is None:
                _refuse_foreign(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def _refuse_foreign(connection: Any) -> None:
    names = set(inspect(connection).get_table_names())
    if names:
        raise SchemaRefused(
            "the database already holds tables that no migration of this release made "
            f"({', '.join(sorted(names)[:5])}…): use an empty database"
        )


def open_migrated(
    address: str, migrations: Path, metadata: MetaData, legacy: LegacyRelease | None = None
) -> Database:
    """A connection to ``address`` with its schema up to date (SQLite files switched to WAL first).

    The revision is read without a lock; only a database behind the newest one is upgraded (then
    under the lock), so opening never waits for another connection's write."""
    engine = engine_for(address)
    db = Database(engine, metadata)
    try:
        if not db.postgres:
            db.execute("PRAGMA journal_mode = WAL")
        revision = _revision(db)
        if revision is None and legacy is not None and is_legacy(db):
            taken_over = legacy.revision
            adopt(db, metadata, legacy, lambda: stamp(engine, migrations, metadata, taken_over))
            revision = legacy.revision
        if revision != head(migrations):
            upgrade(engine, migrations, metadata)
    except BaseException:
        db.close()
        raise
    return db


@dataclass(frozen=True)
class LegacyRelease:
    """How an app's file of the release before Alembic is taken over (``legacy.adopt``): the last
    sqlite-utils step it must have, the revision its rebuilt tables equal, columns renamed."""

    last_step: str
    revision: str
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)


def stamp(engine: Engine, migrations: Path, metadata: MetaData, revision: str) -> None:
    """Record that the database is at ``revision`` without running it."""
    config = alembic_config(migrations, metadata)
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.stamp(config, revision)


def _revision(db: Database) -> str | None:
    try:
        row = db.execute("select version_num from alembic_version").fetchone()
    except DATABASE_ERRORS:  # no revision table yet: a new database
        return None
    return str(row[0]) if row else None


def run_revisions(context: object) -> None:
    """The body of an app's ``migrations/env.py``: the revisions, on the connection ``upgrade`` opened."""
    ctx: Any = context
    connection = ctx.config.attributes["connection"]
    ctx.configure(
        connection=connection,
        target_metadata=ctx.config.attributes["metadata"],
        render_as_batch=connection.dialect.name != POSTGRESQL,  # SQLite alters a table by copying it
        transactional_ddl=True,
    )
    ctx.run_migrations()
