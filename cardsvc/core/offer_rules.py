"""The discount an offer gives on a purchase: integer cents, one rule set, reasons when it does not apply.

Rules (SPEC §6): a *percent* offer gives ``percent`` of the amount, rounded half up to the cent, and at
most ``cap_cents`` when a cap is set; a *fixed* offer gives ``amount_cents``, never more than the
purchase. ``min_spend_cents`` and ``min_minors`` must be met, and ``daily_limit`` counts the card's
redemptions of this offer at this kiosk today (Rome time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cardsvc.core.errors import Conflict

MAX_AMOUNT_CENTS = 10_000_000  # 100,000 euro: anything above is a typing mistake at the till


class OfferRefused(Conflict, ValueError):
    """The offer does not apply; ``code`` is stable, the message is for the logs."""

    code = "offer_refused"

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code, code=code)


@dataclass(frozen=True)
class Offer:
    id: int
    title: str
    kind: str  # percent | fixed
    percent: int | None = None
    amount_cents: int | None = None
    cap_cents: int | None = None
    min_spend_cents: int = 0
    min_minors: int = 1
    daily_limit: int | None = None
    description: str = ""

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Offer:
        return cls(
            id=int(item["id"]),
            title=str(item["title"]),
            kind=str(item["kind"]),
            percent=item.get("percent"),
            amount_cents=item.get("amount_cents"),
            cap_cents=item.get("cap_cents"),
            min_spend_cents=int(item.get("min_spend_cents") or 0),
            min_minors=int(item["min_minors"]) if item.get("min_minors") is not None else 1,
            daily_limit=item.get("daily_limit"),
            description=str(item.get("description") or ""),
        )


def eligible(offer: Offer, minors: int, used_today: int) -> str | None:
    """Why the family cannot use the offer at all right now, or None."""
    if minors < offer.min_minors:
        return "too_few_minors"
    if offer.daily_limit is not None and used_today >= offer.daily_limit:
        return "daily_limit"
    return None


def discount_cents(offer: Offer, amount_cents: int, minors: int, used_today: int) -> int:
    """The discount in cents for a purchase of ``amount_cents``; raises :class:`OfferRefused`."""
    if type(amount_cents) is not int or not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise OfferRefused("invalid_amount")
    reason = eligible(offer, minors, used_today)
    if reason is not None:
        raise OfferRefused(reason)
    if amount_cents < offer.min_spend_cents:
        raise OfferRefused("below_min_spend")
    if offer.kind == "percent" and offer.percent is not None:
        discount = (amount_cents * offer.percent + 50) // 100  # half up, to the cent
        if offer.cap_cents is not None:
            discount = min(discount, offer.cap_cents)
    elif offer.kind == "fixed" and offer.amount_cents is not None:
        discount = min(offer.amount_cents, amount_cents)
    else:
        raise OfferRefused("invalid_offer")
    return discount
