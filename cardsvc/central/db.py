"""The central database for the serving thread (see ``cardsvc.platform.storage.connections``): one
connection per thread, the schema migrated once at start."""

from __future__ import annotations

from cardsvc.platform.storage.connections import AppDatabase
from cardsvc.platform.storage.transactions import write_transaction

from .schema import connect, open_database

__all__ = ["get_db", "init_app", "write_transaction"]

_database = AppDatabase(connect, open_database)
get_db = _database.get
init_app = _database.init_app
close_all = _database.close_all
