"""Retention settings are durations written for people: ``7 days``, ``24 months``, ``30d``, seconds."""

from __future__ import annotations

from datetime import datetime

import pytest

from cardsvc.platform.durations import DurationError, parse_duration
from cardsvc.platform.rome_calendar import ROME

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "months", "seconds"),
    [
        ("7 days", 0, 7 * 86400),
        ("7d", 0, 7 * 86400),
        ("1 day", 0, 86400),
        ("24 months", 24, 0),
        ("24 mesi", 24, 0),
        ("2 years", 24, 0),
        ("12h", 0, 12 * 3600),
        ("3 weeks", 0, 21 * 86400),
        ("0 days", 0, 0),
        ("3600", 0, 3600),
        (" 30  giorni ", 0, 30 * 86400),
        (604800, 0, 604800),
    ],
)
def test_durations(text: object, months: int, seconds: int) -> None:
    duration = parse_duration(text, "SETTING")
    assert (duration.months, duration.seconds) == (months, seconds)


@pytest.mark.parametrize("text", ["soon", "", "7 fortnights", "-3 days", "1.5 days", "days", True, None])
def test_not_a_duration_is_one_line_naming_the_setting(text: object) -> None:
    with pytest.raises(DurationError, match=r"^RETENTION: ") as refused:
        parse_duration(text, "RETENTION")
    assert "\n" not in str(refused.value) and "24 months" in str(refused.value)


def test_months_go_back_on_the_calendar() -> None:
    now = int(datetime(2027, 3, 31, 12, tzinfo=ROME).timestamp())
    before = datetime.fromtimestamp(parse_duration("1 month", "X").before(now), ROME)
    assert (before.year, before.month, before.day, before.hour) == (2027, 2, 28, 12)
    assert parse_duration("7 days", "X").before(now) == now - 7 * 86400
