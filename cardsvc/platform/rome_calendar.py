"""Card validity periods in the network's time zone (Europe/Rome)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")
DEFAULT_VALIDITY_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def end_of_day(day: date) -> int:
    """The first second after ``day`` ends in Rome, as NumericDate: a card valid through ``day``."""
    return int(datetime.combine(day + timedelta(days=1), time(0), ROME).timestamp())


def default_expiry(issued_at: int, months: int = DEFAULT_VALIDITY_MONTHS) -> int:
    """A card issued at ``issued_at`` is valid through the same calendar day ``months`` later."""
    issued_day = datetime.fromtimestamp(issued_at, ROME).date()
    return end_of_day(add_months(issued_day, months))


def rome_year(moment: int) -> int:
    """The calendar year in Rome at ``moment``."""
    return datetime.fromtimestamp(moment, ROME).year
