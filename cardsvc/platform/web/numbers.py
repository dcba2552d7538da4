"""Whole numbers from URLs, query strings and forms: ASCII digits within SQLite's 64-bit range.

``int()`` and the ``\\d`` of Python's regular expressions take any Unicode digit (``"١"`` is 1) and any
size, which SQLite then cannot bind; here a number is 1 to 19 ASCII digits and at most 2**63 - 1.
:class:`WholeNumberConverter` replaces Flask's ``int`` converter in the three apps, so an id out of range
in a URL is a 404, not a 500.
"""

from __future__ import annotations

import re

from werkzeug.routing import BaseConverter, ValidationError

INT64_MAX = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def whole_number(text: object, low: int = 0, high: int = INT64_MAX) -> int:
    """The number written in ``text``, or ValueError."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        raise ValueError("not a whole number in ASCII digits")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"not a whole number from {low} to {high}")
    return value


class WholeNumberConverter(BaseConverter):
    """``<int:name>`` in a route: ASCII digits, 0 to 2**63 - 1."""

    regex = r"[0-9]{1,19}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        try:
            return whole_number(value)
        except ValueError:
            raise ValidationError() from None

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]
