"""The pages' language, for the three apps, with Flask-Babel.

The language comes from ``?lang=`` (kept in the session), else the user's own setting
(``g.user_language``), else Italian; an enclosing :func:`cardsvc.platform.i18n.in_language` block wins
over all three. :func:`init_i18n` is the one setup the app factories call: Flask-Babel with the app's
gettext domain, the locale selector and Rome time, and the Jinja globals ``t``, ``tn``, ``lang``,
``euros``, ``number``, ``day``, ``moment`` and ``month_name``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale

from cardsvc.platform.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LOCALES,
    Messages,
    chosen_language,
    format_day,
    format_moment,
    format_money,
    format_month,
    format_number,
)
from cardsvc.platform.rome_calendar import ROME

__all__ = ["Catalog", "init_i18n", "language", "select_locale"]


def _requested_language() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    lang = session.get("lang") or getattr(g, "user_language", None) or DEFAULT_LANGUAGE
    return str(lang) if lang in LANGUAGES else DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector: the request's language as its Babel locale (``it_IT``, ``en_GB``)."""
    return LOCALES[_requested_language()]


def language() -> str:
    """The language now: an explicit ``in_language`` block's, else the request's, else Italian."""
    chosen = chosen_language()
    if chosen is not None:
        return chosen
    if not has_request_context():
        return DEFAULT_LANGUAGE
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


class Catalog(Messages):
    """An app's messages; calling it gives a message in the current :func:`language`."""

    def __call__(self, key: str, **values: object) -> str:
        """``t("key", name=…)``: the message in the current language."""
        return self.in_language(language(), key, **values)

    def plural(self, key: str, count: int, **values: object) -> str:
        """``tn("key", n, …)``: the plural message's form for ``count`` in the current language."""
        return self.plural_in_language(language(), key, count, **values)


def money(cents: int, nonbreaking: bool = False) -> str:
    return format_money(cents, language(), nonbreaking)


def month_name(text: str) -> str:
    """A ``YYYY-MM`` month in words (``novembre 2026``); anything else as it is."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return format_month(year, month, language())
    except ValueError:
        return text


def number(value: int) -> str:
    return format_number(value, language())


def day(value: Any, width: str = "short") -> str:
    return "" if value is None else format_day(value, language(), width)


def moment(seconds: int | None) -> str:
    return "" if seconds is None else format_moment(seconds, language())


def init_i18n(app: Flask, catalog: Catalog) -> None:
    """Flask-Babel for ``app`` with ``catalog``'s domain and folder, the language rule above and Rome
    time; the messages and formats as Jinja globals."""
    Babel(
        app,
        locale_selector=select_locale,
        timezone_selector=lambda: ROME.key,
        default_locale=LOCALES[DEFAULT_LANGUAGE],
        default_domain=catalog.domain,
        default_translation_directories=str(catalog.directory),
    )
    app.jinja_env.globals.update(
        t=catalog,
        tn=catalog.plural,
        lang=language,
        euros=money,
        number=number,
        day=day,
        moment=moment,
        month_name=month_name,
    )
