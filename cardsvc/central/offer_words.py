"""An offer's terms in plain words of one language, from the one rule set of the till
(``cardsvc.core.offer_rules.Offer``) and the central catalogue: ``10% di sconto, fino a 5,00 €, spesa
minima 40,00 €, con almeno 2 figli minori, una volta al giorno``. The directory page, its exports and
the comune's leaflet all say an offer this way."""

from __future__ import annotations

from typing import Any

from cardsvc.core.offer_rules import Offer
from cardsvc.platform.i18n import format_money, format_number

from .i18n import t


def offer_terms(item: dict[str, Any], lang: str) -> str:
    """The discount and each condition that applies, joined by commas, in ``lang``."""
    offer = Offer.from_json(item)
    if offer.kind == "percent":
        parts = [t.in_language(lang, "percent_off", percent=format_number(offer.percent or 0, lang))]
        if offer.cap_cents is not None:
            parts.append(t.in_language(lang, "cap", amount=format_money(offer.cap_cents, lang)))
    else:
        parts = [t.in_language(lang, "amount_off", amount=format_money(offer.amount_cents or 0, lang))]
    if offer.min_spend_cents:
        parts.append(t.in_language(lang, "min_spend", amount=format_money(offer.min_spend_cents, lang)))
    if offer.min_minors > 1:
        parts.append(t.plural_in_language(lang, "terms_min_minors", offer.min_minors))
    if offer.daily_limit is not None:
        parts.append(t.plural_in_language(lang, "terms_daily_limit", offer.daily_limit))
    return ", ".join(parts)
