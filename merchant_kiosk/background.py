"""Sync rounds for an app's instance: on demand, and in a background loop inside the serving process.

``wsgi.py`` starts the loop when gunicorn's worker loads the app (never in the master); one lock per
process keeps the loop and a "sync now" from the till from running at once.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Flask

from cardsvc.platform.retry_loop import RetryLoop, start_once

from .central_client import CentralClient, urllib_transport
from .erasure import erase_due
from .identity import NotEnrolled, database_path, load_identity
from .schema import open_database
from .settings import rejected_scan_retention
from .sync import sync_once

_round_lock = threading.Lock()


def run_sync(app: Flask) -> dict[str, Any]:
    """One sync round for ``app``'s instance, on a connection of its own, then the erasure of the card
    texts no longer needed (whether the central service answered or not)."""
    instance: Path = app.config["INSTANCE_PATH"]
    identity = load_identity(instance, app.config["PASSPHRASE"])
    transport = app.config["TRANSPORT"] or urllib_transport(app.config["HTTP_TIMEOUT"])
    client = CentralClient(identity.central_url, transport, identity.token)
    with _round_lock:
        db = open_database(database_path(instance))
        try:
            return sync_once(db, identity, client, app.config["CLOCK"], app.config["SYNC_BATCH"])
        finally:
            config = app.config
            erase_due(db, config["CLOCK"](), rejected_scan_retention(config), config["SCAN_VALID_FOR"])
            db.close()


def start_background_sync(app: Flask) -> RetryLoop | None:
    """Start the sync loop for ``app``'s instance once; None when disabled or not enrolled. Each till's
    interval varies by a fifth, so tills started together do not sync in step."""
    if not app.config["SYNC_IN_BACKGROUND"]:
        return None

    def make() -> RetryLoop | None:
        try:
            load_identity(app.config["INSTANCE_PATH"], app.config["PASSPHRASE"])
        except NotEnrolled:
            return None
        interval, backoff = app.config["SYNC_INTERVAL"], app.config["SYNC_MAX_BACKOFF"]
        return RetryLoop("kiosk-sync", lambda: run_sync(app), interval, backoff, spread=0.2)

    return start_once(str(app.config["INSTANCE_PATH"]), make)
