"""What every ``familycard`` command shares: ``--json``, one-line errors with exit status 2, the
passphrase, and time options."""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import DBAPIError

from cardsvc.core.errors import DomainError
from cardsvc.network.keystore import MIN_PASSPHRASE_LENGTH, PASSPHRASE_ENV
from cardsvc.platform.rome_calendar import end_of_day
from cardsvc.platform.storage.engines import DatabaseUnreachable
from cardsvc.platform.storage.health import DATABASE_ERRORS, storage_failure
from cardsvc.platform.storage.migrate import SchemaRefused

from ..core import CardNumberError, ClaimsError, JwsError, KeyFormatError, QrError, TimestampError

STORAGE_ERRORS: tuple[type[Exception], ...] = (*DATABASE_ERRORS, DBAPIError)  # DBAPIError: from migrations
F = TypeVar("F", bound=Callable[..., Any])
# Said in one line with exit status 2 besides every DomainError: the card core's own errors (the core
# stands alone, below the platform's DomainError), and a file that cannot be read or written.
USER_ERRORS = (
    ClaimsError,
    CardNumberError,
    KeyFormatError,
    TimestampError,
    QrError,
    JwsError,
    OSError,
)


class CommandError(click.ClickException):
    """Bad input or a refused operation: one line on standard error, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return " ".join(self.message.split())


def json_option(fn: F) -> F:
    """Add ``--json``: machine-readable output on standard output."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")(fn)


def home_option(fn: F) -> F:
    """Add ``--home DIR``, the network folder."""
    return click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help="Network folder (root key, lists, issuer keys).",
    )(fn)


def user_errors(fn: F) -> F:
    """Turn the domain's refusals into one-line errors with exit status 2: the command line's one mapping
    of :class:`~cardsvc.core.errors.DomainError` (whatever its kind), and of the core's errors."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as refused:
            raise CommandError(refused.message) from None
        except USER_ERRORS as exc:
            raise CommandError(str(exc)) from None
        except (DatabaseUnreachable, SchemaRefused) as exc:
            raise CommandError(str(exc)) from None
        except STORAGE_ERRORS as exc:  # a full disk, a damaged database, a server away
            problem = storage_failure(exc)
            if problem is None:
                raise
            cause = " ".join(str(getattr(exc, "orig", None) or exc).split())
            raise CommandError(f"{problem.replace('_', ' ')}: {cause} (see docs/operations.md)") from None

    return wrapper  # type: ignore[return-value]


def emit(as_json: bool, data: Any, lines: list[str]) -> None:
    """Print ``data`` as JSON, or ``lines`` for people."""
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in lines:
            click.echo(line)


def passphrase(confirm: bool = False) -> str:
    """The key passphrase: ``FAMILYCARD_PASSPHRASE``, else a prompt on a terminal."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CommandError(f"no passphrase: set {PASSPHRASE_ENV} or run on a terminal")
    entered: str = click.prompt(
        f"Key passphrase (at least {MIN_PASSPHRASE_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt=confirm,
    )
    return entered


def now_seconds() -> int:
    return int(time.time())


def parse_moment(text: str, option: str) -> int:
    """``YYYY-MM-DD`` (the end of that day in Rome) or an RFC 3339 timestamp, as NumericDate."""
    try:
        if len(text) == 10:
            return end_of_day(date.fromisoformat(text))
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise CommandError(f"{option}: {text!r} is not a date (YYYY-MM-DD) or timestamp") from None
    if moment.tzinfo is None:
        raise CommandError(f"{option}: {text!r} needs a time zone, for example 2026-12-01T10:00:00Z")
    return int(moment.timestamp())


def exec_gunicorn(config_module: str, env: dict[str, str]) -> None:
    """Replace this process with gunicorn serving ``config_module``'s app, with ``env`` added."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if gunicorn is None:
        raise CommandError("gunicorn is not installed")
    os.execve(gunicorn, [gunicorn, "-c", f"python:{config_module}"], {**os.environ, **env})
