"""One clock for the three apps: NumericDate seconds from the app's ``CLOCK`` setting.

Every app's factory installs :func:`system_time` unless the settings bring another clock; the demo
and the tests set a :class:`ManualClock` and move it as their story goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import current_app

Clock = Callable[[], int]


def system_time() -> int:
    """The machine's clock, in whole seconds."""
    return int(time.time())


class ManualClock:
    """A clock that shows ``now`` until someone moves it (the demo's story, the tests)."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def install_clock(config: dict[str, Any]) -> None:
    """Give an app's settings the system clock unless they already hold one."""
    config.setdefault("CLOCK", system_time)


def now() -> int:
    """The current app's time in seconds."""
    return int(current_app.config["CLOCK"]())
