"""Sync with the central service: push unsent ledger records in signed batches, pull lists and offers.

``sync_once`` does one round and records the outcome (last success, last error) for the screen.
``SyncLoop`` runs it in the background of the served app: every ``SYNC_INTERVAL`` seconds while all is
well, and with exponential back-off and jitter while the central service is unreachable. Records are
marked answered only from the central service's per-record answers, so nothing is dropped unless it was
acknowledged and nothing acknowledged is sent again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from cardsvc.core import JwsError, to_rfc3339
from cardsvc.core.ledger_chain import sign_batch

from . import ledger, store
from .central_client import CentralClient, CentralRefused, CentralUnavailable
from .identity import Identity, apply_bundle

log = logging.getLogger(__name__)


def sync_once(
    db: Database, identity: Identity, client: CentralClient, now: Callable[[], int], batch_size: int
) -> dict[str, Any]:
    """Push every pending record, then pull lists and offers; record the outcome either way."""
    store.put(db, "last_attempt_at", now())
    try:
        pushed = _push(db, identity, client, now, batch_size)
        bundle = client.sync(
            int(store.get(db, "revocation_version", 0)), int(store.get(db, "trust_version", 0))
        )
        lists = apply_bundle(db, bundle)
    except (CentralUnavailable, CentralRefused, JwsError) as error:
        kind = "unavailable" if isinstance(error, CentralUnavailable) else "refused"
        with db.atomic():
            store.put_many(
                db,
                {"last_error": f"{kind}: {error}", "last_error_at": now(), "online": kind != "unavailable"},
            )
        raise
    with db.atomic():
        store.put_many(db, {"last_sync_at": now(), "last_error": None, "online": True})
    return {"pushed": pushed, "pending": ledger.pending_count(db), **lists}


def _push(
    db: Database, identity: Identity, client: CentralClient, now: Callable[[], int], batch_size: int
) -> int:
    pushed = 0
    while True:
        records = ledger.pending(db, batch_size)
        if not records:
            return pushed
        batch = sign_batch(identity.kiosk_id, records, identity.device_key, to_rfc3339(now()))
        answer = client.upload(batch)
        results = answer.get("results", [])
        ledger.mark_answered(db, results)
        answered = {r.get("id") for r in results}
        if not any(r["id"] in answered for r in records):
            raise CentralUnavailable("the central service answered for none of the records")
        pushed += sum(1 for r in records if r["id"] in answered)


class SyncLoop(threading.Thread):
    """Background sync with back-off: ``interval`` when all is well, doubling up to ``max_backoff``."""

    def __init__(self, run_once: Callable[[], Any], interval: float, max_backoff: float) -> None:
        super().__init__(name="kiosk-sync", daemon=True)
        self.run_once, self.interval, self.max_backoff = run_once, interval, max_backoff
        self.failures = 0
        self.wake = threading.Event()
        self.stopping = threading.Event()

    def next_delay(self) -> float:
        if self.failures == 0:
            return self.interval
        base = min(self.max_backoff, 2 ** min(self.failures, 16))
        return base * random.uniform(0.5, 1.0)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.run_once()
                self.failures = 0
            except Exception as error:
                self.failures += 1
                log.warning("sync failed (%s), attempt %d", error, self.failures)
            self.wake.wait(self.next_delay())
            self.wake.clear()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()


def monotonic_now() -> int:
    return int(time.time())
