"""A background thread that repeats a job, backing off with jitter while the job fails: the till's sync,
the comune office's event push and the central service's report refresher each run in one, started
once per instance by :func:`start_once`."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class RetryLoop(threading.Thread):
    """Runs ``run_once`` every ``interval`` seconds while it succeeds; after failures, waits 2, 4, 8 …
    seconds up to ``max_backoff``, each wait with jitter. ``spread`` (a fraction) varies the interval
    itself, so that many machines started together do not call the central service in step. ``wake``
    runs it at once."""

    def __init__(
        self,
        name: str,
        run_once: Callable[[], Any],
        interval: float,
        max_backoff: float,
        spread: float = 0.0,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.run_once, self.interval, self.max_backoff = run_once, interval, max_backoff
        self.spread = spread
        self.failures = 0
        self.wake = threading.Event()
        self.stopping = threading.Event()

    def next_delay(self) -> float:
        if self.failures == 0:
            return self.interval * random.uniform(1 - self.spread, 1 + self.spread)
        base = min(self.max_backoff, 2.0 ** min(self.failures, 16))
        return base * random.uniform(0.5, 1.0)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.run_once()
                self.failures = 0
            except Exception as error:  # the loop outlives any one failure
                self.failures += 1
                log.warning("%s failed (%s), attempt %d", self.name, error, self.failures)
            self.wake.wait(self.next_delay())
            self.wake.clear()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()


_started: dict[str, RetryLoop] = {}
_starting = threading.Lock()


def start_once(key: str, make: Callable[[], RetryLoop | None]) -> RetryLoop | None:
    """The loop started for ``key`` (an instance's folder or database), made and started by ``make``
    the first time; None while ``make`` declines (disabled, not enrolled)."""
    with _starting:
        if key not in _started:
            loop = make()
            if loop is None:
                return None
            loop.start()
            _started[key] = loop
        return _started[key]


def forget_loops() -> None:
    """Stop and forget every started loop (tests that start apps again in one process)."""
    with _starting:
        for loop in _started.values():
            loop.stop()
        _started.clear()
