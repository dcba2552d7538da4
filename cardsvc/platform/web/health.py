"""``/health`` for the three web apps, and their check of the database at start (see
``database_health``): 200 ``{"ok": true, "database": "ok"}``, or 503 with the problem named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, jsonify

from cardsvc.platform.storage.engines import database_address, shown
from cardsvc.platform.storage.health import check_database, storage_failure


def health() -> Response:
    """The database checked now: 200 when it can be trusted, 503 with the reason otherwise."""
    found = check_database(database_address(current_app.config))
    response = jsonify(found.to_json())
    response.status_code = 200 if found.ok else 503
    return response


def check_at_start(app: Flask) -> None:
    """Log the database's problem, if any, when the app starts; it still starts, so that its pages can
    say what is wrong."""
    address = database_address(app.config)
    found = check_database(address)
    if not found.ok:
        app.logger.error("database %s: %s (%s)", shown(address), found.problem, found.detail)


def open_at_start(app: Flask, open_database: Callable[[str], Any]) -> None:
    """Open the app's database (applying its migrations) and check it; a storage failure is logged, not
    fatal, so that the app's pages and ``/health`` can say what is wrong."""
    try:
        open_database(database_address(app.config)).close()
    except Exception as error:
        if storage_failure(error) is None:
            raise
        app.logger.error("database %s cannot be opened: %s", shown(database_address(app.config)), error)
        return
    check_at_start(app)
