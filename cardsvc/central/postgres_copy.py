"""A central service's SQLite database copied into an empty PostgreSQL database, then checked.

The file is opened as the service opens it (a file of the previous release taken over, the schema
brought up to date) and read in one snapshot; the target gets the schema from the migrations and every
table's rows, parents before children, in one transaction: a copy that fails or does not check out
leaves the target empty. The check compares each table's rows and the figures people rely on (the
live redemptions and their sums, the revocation list's version, the report changes' weight).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Table

from cardsvc.core.errors import Conflict, InvalidInput, NotFound
from cardsvc.platform.storage.columns import Text
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.engines import check_reachable, is_file, shown

from .schema import open_database
from .tables import metadata

BATCH_ROWS = 2000
TABLES = metadata.sorted_tables  # parents before the tables whose foreign keys name them
_LIVE = "type = 'redemption' and status = 'accepted' and voided = 0"


class TargetNotEmpty(Conflict):
    """The PostgreSQL database already holds rows: a copy goes only into an empty one."""

    code = "target_not_empty"


class CopyMismatch(Conflict):
    """The copy does not hold what the file holds, or PostgreSQL refuses a row (``row_refused``: a
    reference to a row that is not there, a value it cannot store); the message says which."""

    code = "copy_mismatch"


@dataclass(frozen=True)
class Totals:
    redemptions: int
    spend_cents: int
    discount_cents: int
    revocation_list_version: int
    report_change_weight: int


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str  # without its password
    rows: dict[str, int]  # per table, in the order copied
    totals: Totals

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def copy_to_postgres(database_file: Path, target: str) -> CopyResult:
    """Copy the central database ``database_file`` into the empty PostgreSQL database ``target``.

    :class:`TargetNotEmpty` when the target holds a row, :class:`CopyMismatch` when the copy does not
    check out (the target left empty), ``DatabaseUnreachable`` when it cannot be reached."""
    if is_file(target):
        raise InvalidInput(f"the target must be a postgresql:// address, not {shown(target)}")
    if not database_file.is_file():
        raise NotFound(f"no central database at {database_file}")
    check_reachable(target)
    destination = open_database(target)
    try:
        refuse_rows(destination)
        source = open_database(str(database_file))
        try:
            with source.snapshot(), destination.write():
                rows = {table.name: copy_table(source, destination, table) for table in TABLES}
                move_sequences(destination)
                totals = check(source, destination, rows)
        finally:
            source.close()
    finally:
        destination.close()
    return CopyResult(str(database_file), shown(target), rows, totals)


def refuse_rows(db: Database) -> None:
    for table in TABLES:
        if db.execute(f"select 1 from {db.quote(table.name)} limit 1").fetchone():
            raise TargetNotEmpty(
                f"the target database is not empty (table {table.name} holds rows): "
                "copy into a new, empty database"
            )


def copy_table(source: Database, target: Database, table: Table) -> int:
    """Copy ``table``'s rows in batches; the number copied."""
    names = [column.name for column in table.columns]
    copied = 0
    for batch in _batches(source, table, names):
        try:
            target.table(table.name).insert_all(names, [_as_declared(table, row) for row in batch])
        except (psycopg.DataError, psycopg.IntegrityError) as error:  # a value or a reference it refuses
            reason = " ".join(str(error).split())
            raise CopyMismatch(
                f"PostgreSQL refuses a row of table {table.name}, nothing was kept: {reason}",
                code="row_refused",
            ) from None
        copied += len(batch)
    return copied


def _batches(source: Database, table: Table, names: Sequence[str]) -> Iterator[list[Sequence[Any]]]:
    keys = ", ".join(source.quote(column.name) for column in table.primary_key.columns)
    cursor = source.execute(
        f"select {', '.join(source.quote(n) for n in names)} from {source.quote(table.name)} order by {keys}"
    )
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield batch


def _as_declared(table: Table, row: Sequence[Any]) -> tuple[Any, ...]:
    """``row`` with each value of the type its column declares: SQLite keeps what it was given (a
    number in a text column), PostgreSQL takes only the column's type."""
    return tuple(_value(column, value) for column, value in zip(table.columns, row, strict=True))


def _value(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, Text):
        return value if isinstance(value, str) else str(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def move_sequences(db: Database) -> None:
    """Set each numbered key's sequence past the rows copied, so new rows get the next numbers."""
    for table in TABLES:
        key = table.autoincrement_column
        if key is None:
            continue
        db.execute(
            "select setval(pg_get_serial_sequence(?, ?), "
            f"coalesce((select max({db.quote(key.name)}) from {db.quote(table.name)}), 0) + 1, false)",
            [db.quote(table.name), key.name],
        )


def totals(db: Database) -> Totals:
    live = db.execute(
        "select count(*), coalesce(sum(amount_cents), 0), coalesce(sum(discount_cents), 0) "
        f"from redemptions where {_LIVE}"
    ).fetchone()
    version = db.execute("select coalesce(max(version), 0) from revocations").fetchone()[0]
    weight = db.execute("select coalesce(sum(weight), 0) from report_changes").fetchone()[0]
    return Totals(int(live[0]), int(live[1]), int(live[2]), int(version), int(weight))


def check(source: Database, target: Database, copied: dict[str, int]) -> Totals:
    """The source's totals when the target holds the same rows and totals; :class:`CopyMismatch`."""
    differ = []
    for name, count in copied.items():
        held = {side: db.table(name).count for side, db in (("file", source), ("copy", target))}
        if not held["file"] == held["copy"] == count:
            differ.append(f"{name}: {held['file']} rows in the file, {held['copy']} in the copy")
    expected, found = totals(source), totals(target)
    for name, value in asdict(expected).items():
        if asdict(found)[name] != value:
            differ.append(f"{name}: {value} in the file, {asdict(found)[name]} in the copy")
    if differ:
        raise CopyMismatch("the copy differs from the file, nothing was kept: " + "; ".join(differ))
    return expected
