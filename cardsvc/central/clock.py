"""Time for the central service: NumericDate seconds, with an override for tests."""

from __future__ import annotations

import time

from flask import current_app

from ..core.timestamps import to_rfc3339


def now() -> int:
    fixed = current_app.config.get("FIXED_NOW")
    return int(fixed) if fixed is not None else int(time.time())


def now_text() -> str:
    return to_rfc3339(now())
