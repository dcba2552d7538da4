"""Report months in Europe/Rome time: a redemption at 00:30 on the 1st belongs to that month."""

from __future__ import annotations

import re

from cardsvc.platform.i18n import DEFAULT_LANGUAGE, format_month

MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month); ValueError otherwise."""
    match = MONTH.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a month (YYYY-MM)")
    return int(match.group(1)), int(match.group(2))


def previous_months(year: int, month: int, count: int) -> list[tuple[int, int]]:
    """The ``count`` months ending with (year, month), oldest first."""
    months = []
    for back in range(count - 1, -1, -1):
        index = year * 12 + (month - 1) - back
        months.append((index // 12, index % 12 + 1))
    return months


def label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_name(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``2026-11`` in words: ``novembre 2026`` (``November 2026``)."""
    return format_month(*parse_month(text), lang)
