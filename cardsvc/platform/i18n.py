"""Words, numbers, money and dates in Italian (the default) and English, with or without a web request.

Each app keeps its words in a gettext domain of its own (``central``, ``issuer``, ``kiosk``): a ``.po``
file per language under the app's ``translations/`` folder, compiled to ``.mo`` by
``make messages-compile``. The msgids are stable keys (``"batch_errors"``), the msgstrs the text in each
language, placeholders in braces (``{count}``): keyed, "monolingual" gettext as Weblate and Poedit
handle it. Plural messages carry each language's forms and its plural rule in the ``.po`` header.

The language of a message is explicit outside a request (:func:`in_language` and
:meth:`Messages.in_language`, for the command line, the PDF and the standalone report); inside a request
it is the page's (``cardsvc.platform.web.i18n``). Numbers, euro amounts and dates are formatted by Babel
for the language's locale, in Rome time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel import Locale, dates, numbers, support
from babel.messages.mofile import read_mo

from cardsvc.platform.rome_calendar import rome_day, rome_time

LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
# Babel's locale for each language's numbers, money and dates. English pages follow British use (day
# before month, 24-hour clock, "€9.50"), as English readers in Italy expect.
LOCALES = {"it": "it_IT", "en": "en_GB"}

_chosen: ContextVar[str | None] = ContextVar("familycard_language", default=None)


def N_(key: str) -> str:
    """``key`` itself: marks a message key the code composes (``"status_" + status``) so that
    ``make messages-extract`` finds it as it finds ``t("key")``."""
    return key


def N_plural(key: str) -> str:
    """``key`` itself: marks the key of a plural message the code composes, for extraction."""
    return key


def checked_language(lang: str | None) -> str:
    """``lang`` when it is one of :data:`LANGUAGES`, else the default (Italian)."""
    return lang if lang is not None and lang in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def in_language(lang: str) -> Iterator[str]:
    """Messages and formats in ``lang`` within the block, in a request or outside one (a PDF built for
    the page, the command line, the standalone report)."""
    token = _chosen.set(checked_language(lang))
    try:
        yield checked_language(lang)
    finally:
        _chosen.reset(token)


def chosen_language() -> str | None:
    """The language an enclosing :func:`in_language` block chose, if any."""
    return _chosen.get()


class MissingCatalog(RuntimeError):
    """A language's compiled catalogue (``.mo``) is not there: ``make messages-compile`` builds it."""


class Messages:
    """One gettext domain: an app's messages by key, in every language, from its compiled catalogues."""

    def __init__(self, domain: str, directory: Path) -> None:
        self.domain = domain
        self.directory = directory
        self._loaded: dict[str, support.Translations] = {}
        self._plural: dict[str, bool] = {}  # every key, and whether it is a plural message

    def catalog_path(self, lang: str) -> Path:
        return self.directory / lang / "LC_MESSAGES" / f"{self.domain}.mo"

    def translations(self, lang: str) -> support.Translations:
        lang = checked_language(lang)
        if lang not in self._loaded:
            path = self.catalog_path(lang)
            if not path.is_file():
                raise MissingCatalog(f"{path} is missing: run make messages-compile")
            with path.open("rb") as compiled:
                self._loaded[lang] = support.Translations(compiled, domain=self.domain)
        return self._loaded[lang]

    def _keys(self) -> dict[str, bool]:
        if not self._plural:
            self.translations(DEFAULT_LANGUAGE)  # the same check and message when it is missing
            with self.catalog_path(DEFAULT_LANGUAGE).open("rb") as compiled:
                for message in read_mo(compiled):
                    if message.id:
                        plural = isinstance(message.id, tuple | list)
                        self._plural[str(message.id[0] if plural else message.id)] = plural
        return self._plural

    def __contains__(self, key: object) -> bool:
        return key in self._keys()

    def is_plural(self, key: str) -> bool:
        return self._keys().get(key, False)

    def in_language(self, lang: str, key: str, **values: object) -> str:
        """The message ``key`` in ``lang``, its ``{placeholders}`` filled from ``values``."""
        text = self.translations(lang).gettext(key)
        return text.format(**values) if values else text

    def plural_in_language(self, lang: str, key: str, count: int, **values: object) -> str:
        """The form of plural message ``key`` that ``count`` takes in ``lang``; ``{count}`` is filled
        with it, the other placeholders from ``values``."""
        text = self.translations(lang).ngettext(key, key, count)
        return text.format(**{"count": count, **values})


def _amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def format_number(value: int | float | Decimal, lang: str) -> str:
    """``1.234`` in Italian, ``1,234`` in English."""
    return numbers.format_decimal(value, locale=LOCALES[checked_language(lang)])


def format_money(cents: int, lang: str, nonbreaking: bool = False) -> str:
    """A euro amount: ``1.234,50 €`` in Italian, ``€1,234.50`` in English. The space before the sign is
    a plain one, as the till, its receipts and the reports' tables have always shown it, unless
    ``nonbreaking`` (an amount in running text or a narrow cell, which must not wrap)."""
    text = numbers.format_currency(_amount(cents), "EUR", locale=LOCALES[checked_language(lang)])
    return text if nonbreaking else text.replace("\N{NO-BREAK SPACE}", " ")


def format_change(value: int, lang: str, money: bool = False) -> str:
    """A change with its sign, never wrapping: ``+12``, ``-1.234``, ``+1.234,50 €`` (``+€1,234.50``)."""
    locale = LOCALES[checked_language(lang)]
    if not money:
        return numbers.format_decimal(value, "+#,##0;-#,##0", locale=locale)
    pattern = str(Locale.parse(locale).currency_formats["standard"].pattern)
    return numbers.format_currency(_amount(value), "EUR", f"+{pattern};-{pattern}", locale=locale)


def format_percent_change(part: int, whole: int, lang: str) -> str:
    """``part`` as a signed share of ``whole``: ``+8%``, ``-12%`` (``+8 %`` where the locale spaces it)."""
    return numbers.format_percent(
        part / whole, "+#,##0%;-#,##0%", locale=LOCALES[checked_language(lang)]
    ).replace(" ", "\N{NO-BREAK SPACE}")


def format_month(year: int, month: int, lang: str) -> str:
    """A month in words: ``novembre 2026``, ``November 2026``."""
    return dates.format_skeleton("yMMMM", date(year, month, 1), locale=LOCALES[checked_language(lang)])


def format_amount(cents: int, lang: str) -> str:
    """An amount without the sign, two decimals, no grouping: what a form field or a CSV cell holds
    (``18500,00`` in Italian, ``18500.00`` in English)."""
    return numbers.format_decimal(_amount(cents), "0.00", locale=LOCALES[checked_language(lang)])


def _rome_day(value: date | int | str) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value if isinstance(value, date) else rome_day(value)


def format_day(value: date | int | str, lang: str, width: str = "short") -> str:
    """A day (a date, an ISO ``2026-11-25``, or the Rome day of a moment in seconds): ``short`` is
    ``25/11/2026``, ``long`` is ``25 novembre 2026`` (``25 November 2026`` in English)."""
    day = _rome_day(value)
    locale = LOCALES[checked_language(lang)]
    if width == "short":
        return dates.format_skeleton("yMMdd", day, locale=locale)
    return dates.format_date(day, width, locale=locale)


def format_time(moment: int, lang: str) -> str:
    """The Rome time of day of a moment in seconds: ``14:30``."""
    return dates.format_time(rome_time(moment), "short", locale=LOCALES[checked_language(lang)])


def format_moment(moment: int, lang: str, width: str = "short") -> str:
    """A moment in seconds as its Rome day and time: ``25/11/2026 14:30``, or ``long``
    ``25 novembre 2026, 14:30`` (``25 November 2026, 14:30``)."""
    if width == "short":
        return f"{format_day(moment, lang)} {format_time(moment, lang)}"
    return f"{format_day(moment, lang, width)}, {format_time(moment, lang)}"
