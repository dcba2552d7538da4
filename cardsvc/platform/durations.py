"""Retention periods written for people: ``7 days``, ``24 months``, ``2 years``, ``30d``, ``12h``, or
a number of seconds; Italian units (``giorni``, ``mesi``, ``anni``) too.

Months and years go back on the Rome calendar (a month before 31 March is 28 or 29 February, same
time of day); the other units are fixed numbers of seconds.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from cardsvc.core.errors import InvalidInput
from cardsvc.platform.rome_calendar import rome_time

_UNITS = {
    "s": ("seconds", 1),
    "h": ("seconds", 3600),
    "d": ("seconds", 86_400),
    "w": ("seconds", 7 * 86_400),
    "m": ("months", 1),
    "y": ("months", 12),
}
_NAMES = {
    "s": ("s", "sec", "second", "seconds", "secondi"),
    "h": ("h", "hour", "hours", "ora", "ore"),
    "d": ("d", "day", "days", "giorno", "giorni", "g"),
    "w": ("w", "week", "weeks", "settimana", "settimane"),
    "m": ("mo", "month", "months", "mese", "mesi"),
    "y": ("y", "year", "years", "anno", "anni"),
}
_UNIT_OF = {name: unit for unit, names in _NAMES.items() for name in names}
_PATTERN = re.compile(r"(\d+)\s*([a-z]*)")
EXAMPLES = "for example 7 days, 24 months, 2 years, 30d"


class DurationError(InvalidInput, ValueError):
    """A setting or option that is not a duration; the message is one line naming it."""

    code = "invalid_duration"


@dataclass(frozen=True)
class Duration:
    months: int = 0
    seconds: int = 0

    def before(self, now: int) -> int:
        """The moment this long before ``now``."""
        moment = now - self.seconds
        if not self.months:
            return moment
        local = rome_time(moment)
        month_index = local.year * 12 + local.month - 1 - self.months
        year, month = divmod(month_index, 12)
        day = min(local.day, calendar.monthrange(year, month + 1)[1])
        return int(local.replace(year=year, month=month + 1, day=day).timestamp())


def parse_duration(value: object, name: str) -> Duration:
    """``value`` (text, or an integer number of seconds) as a Duration; raises :class:`DurationError`
    naming ``name`` (the setting or option)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return Duration(seconds=value)
    match = _PATTERN.fullmatch(value.strip().lower()) if isinstance(value, str) else None
    unit = _UNIT_OF.get(match.group(2) or "s") if match else None
    if match is None or unit is None:
        raise DurationError(f"{name}: {value!r} is not a duration ({EXAMPLES})")
    field, factor = _UNITS[unit]
    return Duration(**{field: int(match.group(1)) * factor})
