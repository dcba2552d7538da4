"""Forms that keep what was typed and say each error beside its field, one way for the office and the
central pages, and the one message that says what an action did.

A view reads the posted fields into a :class:`Form`, checks them and adds each error, in the page's
language, to its field. With an error the view shows the page again from the form (status 422) and
stores nothing; the template's ``fields.html`` macros (:data:`TEMPLATES`) show each field with its
label, the typed value and its error, tied to the input by ``aria-describedby``. With none it acts,
says what happened with :func:`done` and redirects: every message reaches the next page through
Flask's flash, shown by each app's ``base.html``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, flash, request
from jinja2 import ChoiceLoader, FileSystemLoader

__all__ = ["TEMPLATES", "Form", "done", "init_forms", "refused"]

TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class Form:
    """A form's values as typed, and the errors found in them by field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, names: Iterable[str]) -> Form:
        """The posted ``names``, as typed (a missing field is empty)."""
        return cls({name: request.form.get(name, "") for name in names})

    @classmethod
    def of(cls, values: Mapping[str, object]) -> Form:
        """A form filled from stored values (``None`` is empty)."""
        return cls({k: "" if v is None else str(v) for k, v in values.items()})

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def error(self, name: str, message: str) -> None:
        """Add ``message`` to the errors of field ``name`` (several are said one after the other)."""
        self.errors[name] = f"{self.errors[name]} {message}" if name in self.errors else message

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def first_error(self) -> str | None:
        """The field whose error was found first (the checks go in the form's order): it takes the focus."""
        return next(iter(self.errors), None)


def done(message: str) -> None:
    """Say on the next page what the action did ("Nucleo registrato.")."""
    flash(message, "ok")


def refused(message: str) -> None:
    """Say on the next page that the action was refused, and why."""
    flash(message, "error")


def options(items: Iterable[Any], value: str | None = None, text: str | None = None) -> list[tuple[str, str]]:
    """A select's (value, text) pairs: of rows by two keys (``comuni | options("istat", "name")``), or of
    plain values shown as they are."""
    if value is None:
        return [(str(item), str(item)) for item in items]
    return [(str(item[value]), str(item[text or value])) for item in items]


def init_forms(app: Flask) -> None:
    """Let ``app``'s templates import the shared ``fields.html`` macros (the app's own folder first), and
    give them the ``options`` filter."""
    app.jinja_env.filters["options"] = options
    own = app.jinja_loader
    app.jinja_loader = ChoiceLoader(
        [own, FileSystemLoader(TEMPLATES)] if own else [FileSystemLoader(TEMPLATES)]
    )
