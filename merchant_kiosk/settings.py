"""The till's settings: defaults, a TOML file named by ``FAMILYCARD_KIOSK_CONFIG``, then
``FAMILYCARD_KIOSK_<NAME>`` variables (see ``cardsvc.platform.settings_table``)."""

from __future__ import annotations

from typing import Any

from cardsvc.core.errors import InvalidInput
from cardsvc.platform.durations import Duration, parse_duration
from cardsvc.platform.euros import parse_euros
from cardsvc.platform.settings_table import Setting, load

SETTINGS = (
    Setting("INSTANCE", "var/kiosk", "Folder of the ledger, the credential and the device key."),
    Setting("VOID_WINDOW", 15 * 60, "Seconds after a redemption during which it can be voided."),
    Setting(
        "DUPLICATE_SCAN_WINDOW", 8, "Seconds in which a second scan of the same card is the same customer."
    ),
    Setting("SCAN_VALID_FOR", 10 * 60, "Seconds after a scan during which its discount can be recorded."),
    Setting("CLOCK_TOLERANCE", 120, "Seconds the till clock may lag the server time seen at the last sync."),
    Setting("STALE_AFTER", 72 * 3600, "Age of the lists after which verdicts carry the LISTS_STALE warning."),
    Setting(
        "MAX_LIST_AGE", 30 * 86400, "Age of the lists after which every card is refused (LISTS_TOO_OLD)."
    ),
    Setting(
        "SYNC_INTERVAL",
        60,
        "Seconds between background syncs when all is well (each wait varies by a fifth).",
    ),
    Setting(
        "SYNC_MAX_BACKOFF", 15 * 60, "Longest wait between sync attempts while the central service is down."
    ),
    Setting("SYNC_BATCH", 500, "Records per upload batch."),
    Setting("SYNC_IN_BACKGROUND", True, "Run the sync loop inside the served app."),
    Setting("HTTP_TIMEOUT", 20, "Seconds before a call to the central service is given up."),
    Setting(
        "REJECTED_SCAN_RETENTION",
        "7 days",
        "How long a rejected scan keeps the card's text for the clerk's questions (7 days, 48h …).",
    ),
    Setting(
        "PLAUSIBLE_SPEND",
        "1.000,00 €",
        "Largest spend this shop records without a second look; above it the till asks the clerk to "
        "confirm the amount (written as at the till: 1.000,00 €, 2500).",
    ),
)
ENV_PREFIX = "FAMILYCARD_KIOSK_"


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the TOML file, then the environment, then ``overrides`` (tests)."""
    return load(SETTINGS, ENV_PREFIX, "instance/kiosk.toml", overrides)


def rejected_scan_retention(config: dict[str, Any]) -> Duration:
    """``REJECTED_SCAN_RETENTION`` as a duration; a one-line ``DurationError`` naming it otherwise."""
    return parse_duration(config["REJECTED_SCAN_RETENTION"], "REJECTED_SCAN_RETENTION")


def plausible_spend_cents(config: dict[str, Any]) -> int:
    """``PLAUSIBLE_SPEND`` in cents; a one-line ``InvalidInput`` naming it when it is not an amount."""
    value = config["PLAUSIBLE_SPEND"]
    try:
        cents = parse_euros(str(value))
    except ValueError:
        cents = 0
    if cents <= 0:
        raise InvalidInput(
            f"PLAUSIBLE_SPEND: {value!r} is not an amount in euro (for example 1.000,00 or 2500)",
            code="invalid_setting",
        )
    return cents


def check_settings(config: dict[str, Any]) -> None:
    """Refuse at start, with one line naming it, a setting that would fail only when first used."""
    rejected_scan_retention(config)
    plausible_spend_cents(config)
