"""Settings as one table per application, from which defaults, the docs' tables and tests derive.

Values come, later ones winning, from the table's defaults, a TOML file named by ``<PREFIX>CONFIG``
(or the application's default path), ``<PREFIX><NAME>`` environment variables, and the overrides a
test passes. Unknown names in the file and values of the wrong type are refused with the name.
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


def load(
    table: tuple[Setting, ...], prefix: str, default_file: str, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Defaults, then the TOML file, then the environment, then ``overrides`` (tests)."""
    values = {s.name: s.default for s in table}
    config_file = Path(os.environ.get(f"{prefix}CONFIG", default_file))
    if config_file.exists():
        with config_file.open("rb") as handle:
            from_file = tomllib.load(handle)
        unknown = {k.upper() for k in from_file} - set(values)
        if unknown:
            raise ValueError(f"{config_file}: unknown settings {', '.join(sorted(unknown))}")
        values.update({k.upper(): v for k, v in from_file.items()})
    for setting in table:
        raw = os.environ.get(prefix + setting.name)
        if raw is not None:
            values[setting.name] = _parse(raw, setting.default, prefix + setting.name)
    values.update(overrides or {})
    return values


def _parse(raw: str, default: Any, variable: str) -> Any:
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
        raise ValueError(f"{variable}: {raw!r} is not a {type(default).__name__}") from None
    return raw
