"""RFC 3339 timestamps (UTC) and NumericDate seconds, the two time forms the formats use."""

from __future__ import annotations

from datetime import UTC, datetime


class TimestampError(ValueError):
    """The text is not an RFC 3339 timestamp with a time zone."""


def to_rfc3339(seconds: int) -> str:
    """``2026-11-24T10:00:00Z`` for a NumericDate."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_rfc3339(text: str) -> int:
    """NumericDate seconds for an RFC 3339 timestamp; a time zone is required."""
    if not isinstance(text, str) or len(text) > 40:
        raise TimestampError("not an RFC 3339 timestamp")
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise TimestampError(f"not an RFC 3339 timestamp: {text!r}") from None
    if moment.tzinfo is None:
        raise TimestampError(f"timestamp has no time zone: {text!r}")
    try:
        moment.astimezone(UTC)  # year 1 or 9999 moved out of range by its offset
    except (OverflowError, ValueError):
        raise TimestampError(f"timestamp out of range: {text!r}") from None
    return int(moment.timestamp())


def to_seconds(moment: datetime) -> int:
    """NumericDate seconds of an aware datetime."""
    if moment.tzinfo is None:
        raise TimestampError("naive datetime: pass an aware one (UTC)")
    return int(moment.timestamp())
