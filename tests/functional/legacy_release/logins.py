"""What the two apps' schemas of the release before Alembic shared: the login tables, and making a file."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations


def create_login_tables(db: Database) -> None:
    """The tables that release's login module kept: failed-login counters and sessions."""
    db.table("login_failures").create(
        {"key": str, "count": int, "first_at": int}, pk="key", if_not_exists=True
    )
    db.table("web_sessions").create(
        {"id_hash": str, "subject": str, "created_at": int, "last_seen_at": int},
        pk="id_hash",
        if_not_exists=True,
    )
    db.table("web_sessions").create_index(["subject"], if_not_exists=True)


def made(path: str, migrations: Migrations) -> Database:
    """A file at ``path`` with every step of ``migrations`` applied."""
    db = Database(path)
    migrations.apply(db)
    return db
