"""The central service's settings (see ``cardsvc.platform.settings_table``).

Values come, later ones winning, from the defaults here, a TOML file named by
``FAMILYCARD_CENTRAL_CONFIG`` (or ``instance/central.toml``), and ``FAMILYCARD_CENTRAL_<NAME>`` variables.
"""

from __future__ import annotations

from typing import Any

from cardsvc.platform.settings_table import Setting, load
from cardsvc.platform.web.login import WEB_SETTINGS

SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE", "var/central/central.db", "SQLite database file (WAL mode)."),
    Setting(
        "DATABASE_URL",
        "",
        "PostgreSQL database (postgresql://user@host/name) in place of the DATABASE file; empty: the file.",
    ),
    Setting(
        "LIST_SIGNING_KEY", "var/central/keys/list-signing.pem", "Encrypted PEM of the list-signing key."
    ),
    Setting(
        "SECRET_KEY_FILE", "var/central/secret_key", "File holding the session signing secret (made on init)."
    ),
    Setting("MAX_CONTENT_LENGTH", 8 * 1024 * 1024, "Largest request body accepted, in bytes."),
    Setting("ENROLMENT_CODE_TTL", 24 * 3600, "Seconds a kiosk enrolment code stays usable."),
    Setting(
        "VELOCITY_PER_DAY", 4, "Redemptions of one card in one day (all shops) above which it is flagged."
    ),
    Setting(
        "CLOCK_SKEW_FLAG", 600, "Seconds between a kiosk's clock and the server's above which it is flagged."
    ),
    Setting(
        "RECORD_TIME_TOLERANCE",
        900,
        "Seconds a till's record time may lie after the batch's arrival or before its card's issue.",
    ),
    Setting(
        "CLOSING_DAYS",
        10,
        "Days after a month's end at which it closes: later redemptions of it are held for review.",
    ),
    Setting(
        "LIST_REISSUE_INTERVAL",
        3600,
        "Seconds a signed revocation list is served unchanged (304 to tills holding it) before it is "
        "signed again with a newer issued_at.",
    ),
    Setting("VOID_RATIO_FLAG", 0.25, "Share of voided redemptions at a kiosk above which it is flagged."),
    Setting("VOID_RATIO_MIN_COUNT", 8, "Redemptions a kiosk needs before its void ratio is judged."),
    Setting(
        "APPLICATIONS_PER_ADDRESS", 3, "Shops' applications accepted from one client address within an hour."
    ),
    Setting("APPLICATIONS_PER_HOUR", 60, "Shops' applications accepted from everyone within an hour."),
    Setting("PASSWORD_LINK_TTL", 7 * 86_400, "Seconds a one-time link to set a password stays usable."),
    Setting(
        "PUBLIC_URL",
        "",
        "The service's address as people reach it (for links in messages); empty: "
        "the address of the request.",
    ),
    Setting("SMTP_HOST", "", "Mail server for messages to shops; empty: messages wait on the admin page."),
    Setting("SMTP_PORT", 25, "Mail server port."),
    Setting("SMTP_FROM", "family-card@localhost", "Sender address of messages."),
    Setting("SMTP_STARTTLS", False, "Use STARTTLS with the mail server."),
    Setting("SMTP_USERNAME", "", "Mail server login (empty: none)."),
    Setting("SMTP_PASSWORD", "", "Mail server password (set it through the environment)."),
    Setting("NETWORK_EMAIL", "", "The network administrators' address: told when a shop adds a till."),
    Setting(
        "MAIL_INTERVAL", 300, "Seconds between attempts to send waiting messages in the server; 0: none."
    ),
    Setting("LANGUAGES", ("it", "en"), "Languages of the admin UI; the first is the default."),
    Setting(
        "REPORT_REFRESH_INTERVAL",
        3600,
        "Seconds between refreshes of stale report summaries in the server; 0: none.",
    ),
)
SETTINGS += WEB_SETTINGS
ENV_PREFIX = "FAMILYCARD_CENTRAL_"


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the TOML file, then the environment, then ``overrides`` (tests)."""
    return load(SETTINGS, ENV_PREFIX, "instance/central.toml", overrides)
