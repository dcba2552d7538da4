"""The central service's settings: one table from which defaults, ``--help`` and the docs derive.

Values come, later ones winning, from the defaults here, a TOML file named by
``FAMILYCARD_CENTRAL_CONFIG`` (or ``instance/central.toml``), and ``FAMILYCARD_CENTRAL_<NAME>`` variables.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS = (
    Setting("DATABASE", "var/central/central.db", "SQLite database file (WAL mode)."),
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
    Setting("VOID_RATIO_FLAG", 0.25, "Share of voided redemptions at a kiosk above which it is flagged."),
    Setting("VOID_RATIO_MIN_COUNT", 8, "Redemptions a kiosk needs before its void ratio is judged."),
    Setting("LANGUAGES", ("it", "en"), "Languages of the admin UI; the first is the default."),
)
ENV_PREFIX = "FAMILYCARD_CENTRAL_"


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the TOML file, then the environment, then ``overrides`` (tests)."""
    values = {s.name: s.default for s in SETTINGS}
    config_file = Path(os.environ.get(f"{ENV_PREFIX}CONFIG", "instance/central.toml"))
    if config_file.exists():
        with config_file.open("rb") as handle:
            from_file = tomllib.load(handle)
        unknown = {k.upper() for k in from_file} - set(values)
        if unknown:
            raise ValueError(f"{config_file}: unknown settings {', '.join(sorted(unknown))}")
        values.update({k.upper(): v for k, v in from_file.items()})
    for setting in SETTINGS:
        raw = os.environ.get(ENV_PREFIX + setting.name)
        if raw is not None:
            values[setting.name] = _parse(raw, setting.default, setting.name)
    values.update(overrides or {})
    return values


def _parse(raw: str, default: Any, name: str) -> Any:
    try:
        if isinstance(default, bool):
            return raw.lower() in {"1", "true", "yes"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name}: {raw!r} is not a {type(default).__name__}") from None
    return raw
