"""The comune office's settings: defaults, a TOML file named by ``FAMILYCARD_ISSUER_CONFIG``, then
``FAMILYCARD_ISSUER_<NAME>`` variables (see ``cardsvc.platform.settings_table``)."""

from __future__ import annotations

from typing import Any

from cardsvc.platform.durations import Duration, parse_duration
from cardsvc.platform.settings_table import Setting, load
from cardsvc.platform.web.login import WEB_SETTINGS

SETTINGS: tuple[Setting, ...] = (
    Setting("INSTANCE", "var/issuer", "Folder of the office's database, signing keys and secrets."),
    Setting(
        "DATABASE_URL",
        "",
        "PostgreSQL database of the office (postgresql://user@host/name); empty: issuer.db in the instance.",
    ),
    Setting("VALIDITY_MONTHS", 12, "Months a new card is valid."),
    Setting("RENEW_DAYS", 60, "Days before expiry from which a card can be renewed."),
    Setting("PUSH_INTERVAL", 60, "Seconds between sends of pending card events when all is well."),
    Setting("PUSH_MAX_BACKOFF", 15 * 60, "Longest wait between sends while the central service is down."),
    Setting(
        "PUSH_IN_BACKGROUND", True, "Send card events and fetch the trust list from inside the served app."
    ),
    Setting("HTTP_TIMEOUT", 20, "Seconds before a call to the central service is given up."),
    Setting(
        "HOUSEHOLD_RETENTION",
        "24 months",
        "How long a household is kept after its last card ended (familycard issuer purge).",
    ),
    Setting("BATCH_FILE_RETENTION", "30 days", "How long uploaded batch CSVs and their A4 sheets are kept."),
)
SETTINGS += WEB_SETTINGS
ENV_PREFIX = "FAMILYCARD_ISSUER_"


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the TOML file, then the environment, then ``overrides`` (tests)."""
    return load(SETTINGS, ENV_PREFIX, "instance/issuer.toml", overrides)


def retention_periods(config: dict[str, Any]) -> tuple[Duration, Duration]:
    """``HOUSEHOLD_RETENTION`` and ``BATCH_FILE_RETENTION``; a one-line ``DurationError`` naming the
    setting that is not a duration."""
    return (
        parse_duration(config["HOUSEHOLD_RETENTION"], "HOUSEHOLD_RETENTION"),
        parse_duration(config["BATCH_FILE_RETENTION"], "BATCH_FILE_RETENTION"),
    )
