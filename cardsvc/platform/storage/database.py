"""One connection to an app's database, SQLite or PostgreSQL, with the operations the apps use.

The central service and the office write their SQL once: ``?`` placeholders, standard SQL that both
engines run (``on conflict … do update`` rather than ``insert or replace``, no ``rowid``). A
:class:`Database` holds one DB-API connection drawn from a SQLAlchemy engine (``engines``) and
runs that SQL on either engine: for PostgreSQL (psycopg 3) the placeholders become ``%s``. Writes of
whole rows go through SQLAlchemy Core statements built from the app's table definitions, compiled once
per shape. The connection is in autocommit mode: a statement outside a transaction commits by itself,
and :meth:`write` / :meth:`snapshot` open the transactions explicitly, so both engines behave alike.

PostgreSQL returns ``numeric`` for sums of integers; the connection reads such values back as ``int``
(or ``float`` when they have a fraction), as SQLite does.
"""

from __future__ import annotations

import re
import select
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import count
from typing import Any

import psycopg
from psycopg.pq import ConnStatus
from sqlalchemy import Engine, MetaData, Table, bindparam, insert, update
from sqlalchemy.dialects import postgresql, sqlite

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
_QMARK = re.compile(r"'(?:[^']|'')*'|\?|%|\bindexed by \w+|(?<![:\w]):[a-z_]\w*", re.IGNORECASE)


class RowMissing(LookupError):
    """``Table.get`` found no row with that key."""


@lru_cache(maxsize=2048)
def to_format_style(sql: str) -> str:
    """``sql`` for psycopg: ``?`` placeholders as ``%s`` (``:name`` as ``%(name)s``), a literal ``%``
    doubled, and SQLite's index hints (``indexed by``) left out (PostgreSQL's planner picks its index
    itself); in quoted text only ``%`` is doubled."""

    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        if found[0] == "'":  # quoted text: only its % doubled (psycopg reads % everywhere)
            return found.replace("%", "%%")
        if found[0] == ":":  # a named parameter, SQLite's :name
            return f"%({found[1:]})s"
        return "%s" if found == "?" else "%%" if found == "%" else ""

    return _QMARK.sub(swap, sql)


class Database:
    """A connection and the app's tables. ``execute``/``query`` for SQL, ``table(name)`` for rows."""

    def __init__(self, engine: Engine, metadata: MetaData) -> None:
        self.engine = engine
        self.metadata = metadata
        self.dialect = engine.dialect.name
        self.postgres = self.dialect == POSTGRESQL
        if self.postgres:
            raw: Any = engine.familycard_connect()  # type: ignore[attr-defined]
        else:
            raw = sqlite3.connect(str(engine.url.database), check_same_thread=False)  # closed by close_all
        for setup in engine.familycard_setup:  # type: ignore[attr-defined]
            setup(raw)
        self.raw = raw
        self._savepoints = count()

    # SQL -------------------------------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """Run ``sql`` (``?`` placeholders, or ``:name`` ones with a dict); the DB-API cursor."""
        values = params if isinstance(params, Mapping) else tuple(params or ())
        if self.postgres:
            return self.raw.execute(to_format_style(sql), values)
        return self.raw.execute(sql, values)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self.postgres:
            with self.raw.cursor() as cursor:
                cursor.executemany(to_format_style(sql), [tuple(row) for row in rows])
        else:
            self.raw.executemany(sql, rows)

    def query(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The rows of ``sql`` as dicts."""
        cursor = self.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def table(self, name: str) -> DbTable:
        return DbTable(self, self.metadata.tables[name])

    def __getitem__(self, name: str) -> DbTable:
        return self.table(name)

    def quote(self, name: str) -> str:
        return str(self.engine.dialect.identifier_preparer.quote(name))

    # transactions -------------------------------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        if self.postgres:
            from psycopg.pq import TransactionStatus

            return bool(self.raw.info.transaction_status != TransactionStatus.IDLE)
        return bool(self.raw.in_transaction)

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("commit")

    def rollback(self) -> None:
        if self.postgres:
            self.raw.rollback()
        elif self.raw.in_transaction:
            self.raw.execute("rollback")

    @contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction: SQLite takes its database-wide write lock up front (``BEGIN
        IMMEDIATE``); PostgreSQL locks only the rows written, and callers lock what they read to decide
        (:meth:`for_update`, :meth:`lock`, :meth:`lock_each`). Commits when the block ends, rolls back
        when it raises."""
        self.execute("begin" if self.postgres else "begin immediate")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        self.execute("commit")

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """Reads that all see the database as the first one did (inside an open transaction, that one's)."""
        if self.in_transaction:
            yield self
            return
        self.execute("begin isolation level repeatable read read only" if self.postgres else "begin")
        try:
            yield self
        finally:
            self.commit()

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """All or nothing: a transaction, or a savepoint inside the one already open."""
        if not self.in_transaction:
            with self.write():
                yield self
            return
        name = f"sp{next(self._savepoints)}"
        self.execute(f"savepoint {name}")
        try:
            yield self
        except BaseException:
            self.execute(f"rollback to savepoint {name}")
            raise
        self.execute(f"release savepoint {name}")

    def lock(self, *key: str) -> None:
        """Hold a lock named ``key`` until the transaction ends (PostgreSQL's advisory lock; on SQLite
        the write transaction already excludes every other writer)."""
        if self.postgres:
            self.execute("select pg_advisory_xact_lock(?)", [lock_number(*key)])

    def lock_each(self, kind: str, names: Iterable[str]) -> None:
        """:meth:`lock` each of ``names`` (in a fixed order, so two transactions never wait for each
        other), in one statement."""
        if self.postgres and names:
            numbers = sorted({lock_number(kind, name) for name in names})
            ordered = "select unnest(?::bigint[]) as k order by 1"
            self.execute(f"select count(pg_advisory_xact_lock(k)) from ({ordered}) as keys", [numbers])

    def try_lock(self, *key: str) -> bool:
        """Take the session lock ``key`` if nobody holds it (PostgreSQL); always True on SQLite, whose
        callers hold a lock file instead. :meth:`unlock` gives it back."""
        if not self.postgres:
            return True
        return bool(self.execute("select pg_try_advisory_lock(?)", [lock_number(*key)]).fetchone()[0])

    def unlock(self, *key: str) -> None:
        if self.postgres:
            self.execute("select pg_advisory_unlock(?)", [lock_number(*key)])

    @contextmanager
    def alone(self, *key: str) -> Iterator[bool]:
        """Whether this connection is the only one doing ``key`` now (:meth:`try_lock`), the lock held
        while the block runs: a scheduled job that every instance runs is done by one at a time."""
        held = self.try_lock(*key)
        try:
            yield held
        finally:
            if held:
                self.unlock(*key)

    def contains(self, text: str) -> str:
        """SQL true where ``text`` contains the next parameter (``instr`` on SQLite, ``strpos`` on
        PostgreSQL)."""
        return f"{'strpos' if self.postgres else 'instr'}({text}, ?) > 0"

    def for_update(self) -> str:
        """`` for update`` on PostgreSQL (lock the rows read), nothing on SQLite (the write lock is held)."""
        return " for update" if self.postgres else ""

    def close(self) -> None:
        self.raw.close()

    def __del__(self) -> None:
        """A server connection nobody closed is closed with its Database (a query's rows are already
        fetched); a SQLite connection lives on while a cursor of it does, and closes itself."""
        if getattr(self, "postgres", False) and getattr(self, "raw", None) is not None:
            self.raw.close()

    @property
    def closed(self) -> bool:
        """The server connection is gone: closed, broken by a failed statement, or, while idle, ended by
        the server (a restart, a failover, pgbouncer closing it), seen without a round trip: the socket
        has something to read although no statement is running."""
        if not self.postgres:
            return False
        if self.raw.closed or self.raw.broken:
            return True
        pgconn = self.raw.pgconn
        if self.in_transaction or not select.select([pgconn.socket], [], [], 0)[0]:
            return False
        try:
            pgconn.consume_input()  # what the server sent: its goodbye, or a notice that changes nothing
        except psycopg.OperationalError:  # the end of the connection
            return True
        return bool(pgconn.status != ConnStatus.OK)


def lock_number(*key: str) -> int:
    """A signed 64-bit number for an advisory lock named ``key``."""
    text = "\x1f".join(key).encode()
    return (zlib.crc32(text) << 32 | zlib.adler32(text)) - (1 << 63)


class DbTable:
    """Rows of one table: insert, update, upsert, get, rows_where."""

    def __init__(self, db: Database, table: Table) -> None:
        self.db = db
        self.table = table
        self.name = table.name
        self.last_pk: Any = None

    @property
    def _pk(self) -> str:
        return str(next(iter(self.table.primary_key.columns)).name)

    def insert(self, row: dict[str, Any]) -> DbTable:
        """Insert ``row``; ``last_pk`` is its key (the one the database chose for an integer key)."""
        sql, names, returns = _insert_sql(self.db.engine.dialect.name, self.table, tuple(row))
        cursor = self.db.execute(sql, [row[name] for name in names])
        if returns:
            self.last_pk = cursor.fetchone()[0]
        elif self._autoincrement and row.get(self._pk) is None:
            self.last_pk = cursor.lastrowid
        else:
            self.last_pk = row.get(self._pk)
        return self

    def insert_all(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` (values in the order of ``columns``): PostgreSQL's ``COPY``, one stream for
        them all, which costs a fraction of one insert per row; SQLite's ``executemany``."""
        if not rows:
            return
        names = ", ".join(self.db.quote(name) for name in columns)
        if self.db.postgres:
            with (
                self.db.raw.cursor() as cursor,
                cursor.copy(f"copy {self.db.quote(self.name)} ({names}) from stdin") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        self.db.executemany(f"insert into {self.db.quote(self.name)} ({names}) values ({marks})", rows)

    @property
    def _autoincrement(self) -> bool:
        return self.table.autoincrement_column is not None

    def upsert(self, row: dict[str, Any]) -> DbTable:
        """Insert ``row``, or update the row with its primary key."""
        sql, names = _upsert_sql(self.db.engine.dialect.name, self.table, tuple(row))
        self.db.execute(sql, [row[name] for name in names])
        self.last_pk = row.get(self._pk)
        return self

    def update(self, key: Any, values: dict[str, Any], by: str | None = None) -> DbTable:
        """Set ``values`` in the row whose primary key (or unique column ``by``) is ``key``;
        :class:`RowMissing` if there is none."""
        sql, names = _update_sql(self.db.engine.dialect.name, self.table, tuple(values), by or self._pk)
        if self.db.execute(sql, [*(values[name] for name in names), key]).rowcount == 0:
            raise RowMissing(f"{self.name}: no row {key!r}")
        self.last_pk = key
        return self

    def get(self, key: Any, by: str | None = None) -> dict[str, Any]:
        """The row whose primary key (or unique column ``by``) is ``key``; :class:`RowMissing` if none."""
        found = next(self.rows_where(f"{self.db.quote(by or self._pk)} = ?", [key]), None)
        if found is None:
            raise RowMissing(f"{self.name}: no row {key!r}")
        return found

    def rows_where(
        self,
        where: str | None = None,
        where_args: Sequence[Any] | None = None,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        select: str = "*",
    ) -> Iterator[dict[str, Any]]:
        sql = f"select {select} from {self.db.quote(self.name)}"
        if where:
            sql += f" where {where}"
        if order_by:
            sql += f" order by {order_by}"
        if limit is not None:
            sql += f" limit {int(limit)}"
        if offset is not None:
            sql += f" offset {int(offset)}"
        return self.db.query(sql, where_args)

    @property
    def columns(self) -> list[Any]:
        """The table's columns (each with its ``name``)."""
        return list(self.table.columns)

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        return self.rows_where()

    @property
    def count(self) -> int:
        return int(self.db.execute(f"select count(*) from {self.db.quote(self.name)}").fetchone()[0])


_DIALECTS: dict[str, Any] = {
    SQLITE: sqlite.dialect(paramstyle="qmark"),
    POSTGRESQL: postgresql.dialect(paramstyle="qmark"),  # type: ignore[no-untyped-call]
}


def _positional(dialect: str, statement: Any) -> tuple[str, tuple[str, ...]]:
    """``statement`` as SQL of ``dialect`` with ``?`` placeholders, and the bound names in their order."""
    compiled = statement.compile(dialect=_DIALECTS[dialect])
    return str(compiled), tuple(compiled.positiontup or ())


@lru_cache(maxsize=512)
def _insert_sql(dialect: str, table: Table, columns: tuple[str, ...]) -> tuple[str, tuple[str, ...], bool]:
    statement = insert(table).values({name: bindparam(name) for name in columns})
    returns = dialect == POSTGRESQL and table.autoincrement_column is not None
    if returns:
        statement = statement.returning(*table.primary_key.columns)
    sql, names = _positional(dialect, statement)
    return sql, names, returns


@lru_cache(maxsize=512)
def _upsert_sql(dialect: str, table: Table, columns: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    keys = [column.name for column in table.primary_key.columns]
    module: Any = postgresql if dialect == POSTGRESQL else sqlite
    statement = module.insert(table).values({name: bindparam(name) for name in columns})
    changed = {name: statement.excluded[name] for name in columns if name not in keys}
    statement = (
        statement.on_conflict_do_update(index_elements=keys, set_=changed)
        if changed
        else statement.on_conflict_do_nothing(index_elements=keys)
    )
    return _positional(dialect, statement)


@lru_cache(maxsize=512)
def _update_sql(
    dialect: str, table: Table, columns: tuple[str, ...], key: str
) -> tuple[str, tuple[str, ...]]:
    statement = (
        update(table)
        .values({name: bindparam(name) for name in columns})
        .where(table.c[key] == bindparam("_key"))
    )
    sql, names = _positional(dialect, statement)
    return sql, tuple(name for name in names if name != "_key")
