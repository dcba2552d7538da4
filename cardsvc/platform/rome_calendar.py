"""The network's calendar (Europe/Rome): local times, days and months of NumericDates, and card
validity periods. Every Rome-time conversion of the three apps happens here."""

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
    return end_of_day(add_months(rome_day(issued_at), months))


def rome_year(moment: int) -> int:
    """The calendar year in Rome at ``moment``."""
    return rome_time(moment).year


def rome_time(moment: int) -> datetime:
    """``moment`` as a local time in Rome."""
    return datetime.fromtimestamp(moment, ROME)


def rome_day(moment: int) -> date:
    """The calendar day in Rome at ``moment``."""
    return rome_time(moment).date()


def day_bounds(moment: int) -> tuple[date, int, int]:
    """The Rome day of ``moment``, its first second and the first second of the next day."""
    day = rome_day(moment)
    return day, int(datetime.combine(day, time(0), ROME).timestamp()), end_of_day(day)


def month_of(moment: int) -> tuple[int, int]:
    """The (year, month) in Rome at ``moment``."""
    local = rome_time(moment)
    return local.year, local.month


def month_bounds(year: int, month: int) -> tuple[int, int]:
    """The first second of the month in Rome and the first second of the next, as NumericDates."""
    start = datetime(year, month, 1, tzinfo=ROME)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=ROME)
    return int(start.timestamp()), int(following.timestamp())


def last_valid_day(expires_at: int) -> date:
    """The last day a card is valid: ``exp`` is the first second after it (see :func:`end_of_day`)."""
    return rome_day(expires_at - 1)
