"""The report's summary at the top of the page and the PDF: the month's key figures for the network,
each with its change from the previous month.

It shows only what the report itself publishes: the network's row for the month and the trend's entry
for the month before. A hidden figure ("< 5") is never shown, and neither is a change from or to a
hidden month, which would give the hidden figure back (the shown figure less the change). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cardsvc.platform.i18n import format_change, format_money, format_number, format_percent_change

from ..i18n import t
from .months import label, month_name, parse_month, previous_months

#: The figures the summary leads with: those the trend also holds have a change.
CHANGING = ("households", "redemptions", "spend_cents", "discount_cents")
CARDS = ("active_cards", "new_cards")


@dataclass(frozen=True)
class KeyFigure:
    key: str  # the report's column
    value: int | None  # None: hidden
    previous: int | None  # the month before's, when published
    status: str  # "change", "hidden", "previous_hidden", "first_month", or "cards" (no change shown)

    @property
    def change(self) -> int | None:
        if self.status != "change" or self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def money(self) -> bool:
        return self.key.endswith("_cents")


def previous_month(month: str) -> str:
    return label(*previous_months(*parse_month(month), 2)[0])


def key_figures(report: dict[str, Any]) -> list[KeyFigure]:
    """The summary's figures, from the published report."""
    network = report["network"]
    before = previous_month(report["month"])
    entry = next((row for row in report.get("trend", []) if row["month"] == before), None)
    found = []
    for key in CHANGING:
        value = network.get(key)
        if value is None:
            found.append(KeyFigure(key, None, None, "hidden"))
        elif entry is None:
            found.append(KeyFigure(key, value, None, "first_month"))
        elif entry.get(key) is None:
            found.append(KeyFigure(key, value, None, "previous_hidden"))
        else:
            found.append(KeyFigure(key, value, int(entry[key]), "change"))
    for key in CARDS:
        value = network.get(key)
        found.append(KeyFigure(key, value, None, "hidden" if value is None else "cards"))
    return found


def value_text(figure: KeyFigure, lang: str) -> str:
    """The figure as shown, "< 5" when hidden; amounts never wrap."""
    if figure.value is None:
        return "< 5"
    if figure.money:
        return format_money(figure.value, lang, nonbreaking=True)
    return format_number(figure.value, lang)


def change_text(figure: KeyFigure, month: str, lang: str) -> str:
    """What the summary says beside the figure: its change from the month before, or why there is none."""
    before = month_name(previous_month(month), lang)
    change = figure.change
    if change is not None and figure.previous is not None:
        text = format_change(change, lang, figure.money)
        if figure.previous:
            percent = format_percent_change(change, figure.previous, lang)
            return t.in_language(lang, "summary_change_percent", change=text, percent=percent, month=before)
        return t.in_language(lang, "summary_change", change=text, month=before)
    if figure.status in ("first_month", "previous_hidden", "hidden"):
        return t.in_language(lang, f"summary_{figure.status}", month=before)
    return t.in_language(lang, f"summary_{figure.key}")
