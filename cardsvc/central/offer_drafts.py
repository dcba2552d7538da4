"""A shop's own offers before the network sees them: a manager writes a draft, changes it while it is a
draft, and proposes it (``draft`` → ``pending``, :func:`cardsvc.central.registry.move_offer`)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from cardsvc.core.errors import Conflict, InvalidInput
from cardsvc.platform.euros import parse_euros

from ..core.timestamps import to_rfc3339
from .registry import create_offer, get_offer, offer_terms


class OfferFormInvalid(InvalidInput):
    """A field of the offer form is wrong: ``field`` names it; ``code`` is the message's key."""

    code = "offer_form_invalid"

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}", code=code)
        self.field = field


def _cents(form: dict[str, Any], name: str) -> int | None:
    text = str(form.get(name, "")).strip()
    if not text:
        return None
    try:
        return parse_euros(text)
    except ValueError:
        raise OfferFormInvalid(name, "application_bad_amount") from None


def offer_fields(form: dict[str, Any]) -> dict[str, Any]:
    """The registry's offer fields from the form people fill in (euro amounts as typed in Italy)."""
    kind = form.get("kind")
    if kind not in ("percent", "fixed"):
        raise OfferFormInvalid("kind", "application_offer_kind")
    fields: dict[str, Any] = {
        "title": str(form.get("title", "")),
        "description": str(form.get("description", "")),
        "kind": kind,
        "min_spend_cents": _cents(form, "min_spend") or 0,
        "cap_cents": _cents(form, "cap"),
    }
    if not fields["title"].strip():
        raise OfferFormInvalid("title", "field_required")
    if kind == "percent":
        text = str(form.get("percent", "")).strip().rstrip("%").strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 100:
            raise OfferFormInvalid("percent", "application_offer_percent")
        fields["percent"] = int(text)
    else:
        amount = _cents(form, "amount")
        if not amount:
            raise OfferFormInvalid("amount", "application_bad_amount")
        fields["amount_cents"] = amount
    return fields


def write_draft(db: Database, merchant_id: int, form: dict[str, Any], now: int) -> dict[str, Any]:
    """A new draft offer of ``merchant_id``; call inside a write transaction."""
    return create_offer(db, merchant_id, offer_fields(form), now)


def change_draft(db: Database, offer_id: int, form: dict[str, Any], now: int) -> dict[str, Any]:
    """Change a draft: its terms are checked as a new offer's are; an offer past draft is refused."""
    offer = get_offer(db, offer_id)
    if offer["status"] != "draft":
        raise Conflict("only a draft can be changed", code="offer_not_draft")
    changes = offer_terms(offer_fields(form))
    db.table("offers").update(offer_id, {**changes, "updated_at": to_rfc3339(now)})
    return {**offer, **changes}
