"""The network's register: comuni, merchants, offers (with their approval workflow) and kiosks."""

from __future__ import annotations

from typing import Any

from cardsvc.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cardsvc.platform.plain_text import plain_text
from cardsvc.platform.storage.database import Database

from ..core.timestamps import to_rfc3339
from .vat import normalize_vat

CATEGORIES = (
    "alimentari",
    "farmacia",
    "abbigliamento bambini",
    "libreria",
    "sport",
    "ottica",
    "cartoleria",
    "giocattoli",
    "ristorazione",
    "cultura e tempo libero",
    "salute e benessere",
    "servizi per la casa",
)
OFFER_KINDS = ("percent", "fixed")
# Who may move an offer from one status to another.
OFFER_TRANSITIONS = {
    ("draft", "pending"): "merchant",
    ("pending", "published"): "network",
    ("pending", "draft"): "network",
    ("published", "suspended"): "network",
    ("suspended", "published"): "network",
    ("published", "ended"): "merchant",
    ("suspended", "ended"): "network",
    ("draft", "ended"): "merchant",
}


def comune_exists(db: Database, istat: str) -> bool:
    return bool(db.execute("select 1 from comuni where istat = ?", [istat]).fetchone())


def text_field(data: dict[str, Any], name: str, limit: int, required: bool = True) -> str:
    """A name, title or address from a form or a body: one bounded line (``plain_text``)."""
    try:
        return plain_text(data.get(name, ""), limit, required)
    except ValueError as exc:
        raise InvalidInput(f"{name} {exc}") from None


def create_merchant(db: Database, data: dict[str, Any], now: int) -> dict[str, Any]:
    name = text_field(data, "name", 120)
    try:
        vat = normalize_vat(str(data.get("vat", "")))
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_vat") from None
    istat = str(data.get("istat", ""))
    if not comune_exists(db, istat):
        raise InvalidInput(f"comune {istat!r} is not in the network", code="unknown_comune")
    category = str(data.get("category", ""))
    if category not in CATEGORIES:
        raise InvalidInput(f"category must be one of: {', '.join(CATEGORIES)}", code="invalid_category")
    if db.execute("select 1 from merchants where vat = ?", [vat]).fetchone():
        raise Conflict(f"a merchant with VAT number {vat} exists", code="duplicate_vat")
    row = {
        "name": name,
        "vat": vat,
        "address": text_field(data, "address", 200, required=False),
        "istat": istat,
        "category": category,
        "created_at": to_rfc3339(now),
    }
    merchant_id = db.table("merchants").insert(row).last_pk
    return {"id": merchant_id, **row}


def get_merchant(db: Database, merchant_id: int) -> dict[str, Any]:
    rows = list(db["merchants"].rows_where("id = ?", [merchant_id]))
    if not rows:
        raise NotFound(f"no merchant {merchant_id}", code="unknown_merchant")
    return rows[0]


def _int_field(data: dict[str, Any], name: str, default: int | None, low: int, high: int) -> int | None:
    value = data.get(name, default)
    if value is None:
        return None
    if type(value) is not int or not low <= value <= high:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}", code="invalid_offer")
    return value


def offer_terms(data: dict[str, Any]) -> dict[str, Any]:
    """An offer's terms from a body or a form, each checked: title, kind, amounts and limits."""
    title = text_field(data, "title", 80)
    kind = data.get("kind")
    if kind not in OFFER_KINDS:
        raise InvalidInput("kind must be percent or fixed", code="invalid_offer")
    terms = {
        "title": title,
        "description": text_field(data, "description", 500, required=False),
        "kind": kind,
        "percent": _int_field(data, "percent", None, 1, 100) if kind == "percent" else None,
        "amount_cents": _int_field(data, "amount_cents", None, 1, 1_000_000) if kind == "fixed" else None,
        "cap_cents": _int_field(data, "cap_cents", None, 1, 1_000_000),
        "min_spend_cents": _int_field(data, "min_spend_cents", 0, 0, 10_000_000),
        "min_minors": _int_field(data, "min_minors", 1, 0, 20),
        "daily_limit": _int_field(data, "daily_limit", None, 1, 100),
    }
    if kind == "percent" and terms["percent"] is None:
        raise InvalidInput("a percent offer needs percent", code="invalid_offer")
    if kind == "fixed" and terms["amount_cents"] is None:
        raise InvalidInput("a fixed offer needs amount_cents", code="invalid_offer")
    return terms


def create_offer(db: Database, merchant_id: int, data: dict[str, Any], now: int) -> dict[str, Any]:
    get_merchant(db, merchant_id)
    row = {
        "merchant_id": merchant_id,
        **offer_terms(data),
        "status": "draft",
        "created_at": to_rfc3339(now),
        "updated_at": to_rfc3339(now),
    }
    offer_id = db.table("offers").insert(row).last_pk
    db.table("offer_status_history").insert({"offer_id": offer_id, "status": row["status"], "at": now})
    return {"id": offer_id, **row}


def change_draft(db: Database, offer_id: int, data: dict[str, Any], now: int) -> dict[str, Any]:
    """New terms for a draft offer (checked as a new offer's); an offer past draft is refused."""
    offer = get_offer(db, offer_id)
    if offer["status"] != "draft":
        raise Conflict("only a draft can be changed", code="offer_not_draft")
    terms = offer_terms(data)
    db.table("offers").update(offer_id, {**terms, "updated_at": to_rfc3339(now)})
    return {**offer, **terms}


def get_offer(db: Database, offer_id: int) -> dict[str, Any]:
    rows = list(db["offers"].rows_where("id = ?", [offer_id]))
    if not rows:
        raise NotFound(f"no offer {offer_id}", code="unknown_offer")
    return rows[0]


def move_offer(
    db: Database, offer_id: int, status: str, actor: str, now: int, reason: str | None = None
) -> dict[str, Any]:
    """Move an offer along its workflow; ``actor`` is ``merchant`` or ``network``; ``reason`` says why
    (asked when the offer is suspended or ended from the admin pages)."""
    offer = get_offer(db, offer_id)
    allowed = OFFER_TRANSITIONS.get((offer["status"], status))
    if allowed is None:
        raise Conflict(f"an offer cannot go from {offer['status']} to {status}", code="invalid_transition")
    if allowed != actor and actor != "network":
        raise Forbidden(f"only the network can move an offer to {status}")
    db.table("offers").update(offer_id, {"status": status, "updated_at": to_rfc3339(now)})
    db.table("offer_status_history").insert(
        {"offer_id": offer_id, "status": status, "at": now, "reason": reason}
    )
    return get_offer(db, offer_id)


def offer_histories(db: Database, merchant_id: int) -> dict[int, list[tuple[int, str]]]:
    """Each of a merchant's offers with its status changes ``(at, status)`` in time order."""
    histories: dict[int, list[tuple[int, str]]] = {}
    rows = db.execute(
        "select h.offer_id, h.at, h.status from offer_status_history h join offers o on o.id = h.offer_id "
        "where o.merchant_id = ? order by h.offer_id, h.at, h.id",
        [merchant_id],
    )
    for offer_id, at, status in rows:
        histories.setdefault(offer_id, []).append((at, status))
    return histories


def published_at(history: list[tuple[int, str]], moment: int, tolerance: int) -> bool:
    """True when the offer was published at some time within ``tolerance`` seconds of ``moment``."""
    for index, (start, status) in enumerate(history):
        if status != "published":
            continue
        end = history[index + 1][0] if index + 1 < len(history) else None
        if start - tolerance <= moment and (end is None or moment <= end + tolerance):
            return True
    return False


def published_offers(db: Database, merchant_id: int | None = None) -> list[dict[str, Any]]:
    where = "status = 'published'" + (" and merchant_id = ?" if merchant_id is not None else "")
    args = [merchant_id] if merchant_id is not None else []
    return [offer_json(o) for o in db["offers"].rows_where(where, args, order_by="id")]


def offer_json(offer: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id", "merchant_id", "title", "description", "kind", "percent", "amount_cents", "cap_cents",
        "min_spend_cents", "min_minors", "daily_limit", "status",
    )  # fmt: skip
    return {k: offer[k] for k in keys}
