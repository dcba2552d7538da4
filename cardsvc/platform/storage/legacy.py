"""SQLite files of the release before Alembic, taken over once: their tables rebuilt as the first
revision declares them, every row copied, then the file stamped with that revision.

That release kept its schema with sqlite-utils migrations (a ``_sqlite_migrations`` table); its last
step must have run (``last_step``), or the file is refused with the step it lacks. Rows keep their
order: a table that gained an integer key numbers its rows in the order they were written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import MetaData, create_mock_engine
from sqlalchemy.dialects import sqlite

from .database import Database

LEGACY_TABLE = "_sqlite_migrations"


class LegacyRefused(RuntimeError):
    """A file of the earlier release that cannot be taken over; the message says why."""


def is_legacy(db: Database) -> bool:
    return not db.postgres and bool(
        db.execute("select 1 from sqlite_master where type = 'table' and name = ?", [LEGACY_TABLE]).fetchone()
    )


def adopt(db: Database, metadata: MetaData, release: Any, stamp: Callable[[], None]) -> None:
    """Rebuild the legacy file's tables as ``metadata`` declares them and ``stamp`` it; ``release``
    (``migrate.LegacyRelease``) names the last step the file must have and the columns renamed."""
    last_step: str = release.last_step
    renamed: Mapping[str, Mapping[str, str]] = release.renamed
    steps = {row[0] for row in db.execute(f"select name from {LEGACY_TABLE}")}
    if last_step not in steps:
        raise LegacyRefused(
            f"this database was made by an older release (it lacks the step {last_step}): "
            "start that release's service once to bring it up to date, then this one"
        )
    old = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA legacy_alter_table = ON")  # renaming a table leaves the others' references alone
    try:
        with db.write():
            kept = [table for table in metadata.sorted_tables if table.name in old]
            for table in kept:
                db.execute(f'alter table "{table.name}" rename to "{table.name}__legacy"')
                indexes = (
                    "select name from sqlite_master where type = 'index' and tbl_name = ? and sql is not null"
                )
                for (index,) in db.execute(indexes, [f"{table.name}__legacy"]).fetchall():
                    db.execute(f'drop index "{index}"')
            for statement in _ddl(metadata):
                db.execute(statement)
            for table in kept:
                _copy(
                    db,
                    table.name,
                    [column.name for column in table.columns],
                    renamed.get(table.name, {}),
                )
            db.execute(f"drop table {LEGACY_TABLE}")
    finally:
        db.execute("PRAGMA legacy_alter_table = OFF")
        db.execute("PRAGMA foreign_keys = ON")
    stamp()


def _copy(db: Database, name: str, columns: list[str], renamed: Mapping[str, str]) -> None:
    legacy = {row[1] for row in db.execute(f'PRAGMA table_info("{name}__legacy")')}
    pairs = [(new, renamed.get(new, new)) for new in columns if renamed.get(new, new) in legacy]
    targets = ", ".join(f'"{new}"' for new, _ in pairs)
    sources = ", ".join(f'"{old}"' for _, old in pairs)
    db.execute(f'insert into "{name}" ({targets}) select {sources} from "{name}__legacy" order by rowid')
    db.execute(f'drop table "{name}__legacy"')


def _ddl(metadata: MetaData) -> list[str]:
    """The SQLite statements that create ``metadata``'s tables and indexes."""
    statements: list[str] = []
    dialect = sqlite.dialect()

    def keep(sql: Any, *_args: Any, **_kwargs: Any) -> None:
        statements.append(str(sql.compile(dialect=dialect)))

    metadata.create_all(create_mock_engine("sqlite://", keep), checkfirst=False)
    return statements
