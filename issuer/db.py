"""The office database for the serving thread (see ``cardsvc.platform.storage.connections``)."""

from __future__ import annotations

from cardsvc.platform.storage.connections import AppDatabase

from .schema import connect, open_database

_database = AppDatabase(connect, open_database)
get_db = _database.get
init_app = _database.init_app
close_all = _database.close_all
