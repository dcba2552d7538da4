"""Shops that ask to join the network: the public application, its queue, and the decision.

A shop gives its name, VAT number, comune, category, address, a business contact and a first offer; the
application waits (``pending``) until the network administrator, or the officer of the shop's comune,
approves or refuses it with a reason. Approval creates the merchant and its first offer (a draft the shop
then proposes), and a one-time link for the shop's manager to set a password
(:mod:`cardsvc.central.password_links`), sent through the outbox (:mod:`cardsvc.central.mail_outbox`).

Spam is kept out without an outside service: a field people never see (a bot that fills it is told
"received" and nothing is stored), and a limit of applications per client address and per hour over the
whole network; what counts is what was stored or caught by the hidden field, so a shop that mistypes is
never locked out. Addresses are kept only as keyed hashes, for a day.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from cardsvc.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, TooManyRequests
from cardsvc.platform.euros import parse_euros
from cardsvc.platform.i18n import N_
from cardsvc.platform.plain_text import plain_text
from cardsvc.platform.storage.database import Database

from ..core.timestamps import to_rfc3339
from . import registry
from .vat import VatNumberError, normalize_vat

HONEYPOT = "website"  # the field people never see
ATTEMPT_WINDOW = 3600
ATTEMPTS_KEPT = 86_400
CONTACT_KEPT = 180 * 86_400  # a decided application's contact, kept this long as the decision's record
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
PHONE = re.compile(r"^\+?[0-9 ./-]{6,20}$")
REFUSAL_REASONS = (
    N_("refusal_outside_network"),
    N_("refusal_not_for_families"),
    N_("refusal_incomplete"),
    N_("refusal_offer_unsuitable"),
    N_("refusal_other"),
)


class ApplicationInvalid(InvalidInput):
    """A field of the application is wrong: ``field`` names it, ``code`` is the catalogue's key of the
    message shown beside it."""

    code = "application_invalid"

    def __init__(self, field: str, code: str, message: str, **values: object) -> None:
        super().__init__(message, code=code, details=values)
        self.field = field


@dataclass(frozen=True)
class Limits:
    per_address: int  # applications from one client address within an hour
    per_hour: int  # applications from everyone within an hour


def _text(form: dict[str, Any], name: str, limit: int, required: bool = True) -> str:
    value = str(form.get(name, ""))
    try:
        return plain_text(value, limit, required)
    except ValueError:
        if len(value) > limit:
            raise ApplicationInvalid(name, "field_too_long", name, limit=limit) from None
        if required and not value.strip():
            raise ApplicationInvalid(name, "field_required", name) from None
        raise ApplicationInvalid(name, "field_unsafe", name) from None


def checked_application(db: Database, form: dict[str, Any]) -> dict[str, Any]:
    """The application's fields, each checked; :class:`ApplicationInvalid` names the first wrong one."""
    row: dict[str, Any] = {"name": _text(form, "name", 120)}
    try:
        row["vat"] = normalize_vat(str(form.get("vat", "")))
    except VatNumberError as error:
        raise ApplicationInvalid("vat", error.code, str(error)) from None
    row["istat"] = str(form.get("istat", ""))
    if not registry.comune_exists(db, row["istat"]):
        raise ApplicationInvalid("istat", "application_unknown_comune", "comune not in the network")
    row["category"] = str(form.get("category", ""))
    if row["category"] not in registry.CATEGORIES:
        raise ApplicationInvalid("category", "application_unknown_category", "unknown category")
    row["address"] = _text(form, "address", 200)
    row["contact_name"] = _text(form, "contact_name", 120)
    email = str(form.get("email", "")).strip()
    if len(email) > 254 or not EMAIL.match(email):
        raise ApplicationInvalid("email", "application_bad_email", "not an e-mail address")
    row["email"] = email.lower()
    phone = str(form.get("phone", "")).strip()
    if phone and not PHONE.match(phone):
        raise ApplicationInvalid("phone", "application_bad_phone", "not a phone number")
    row["phone"] = phone or None
    row.update(_first_offer(form))
    return row


def _first_offer(form: dict[str, Any]) -> dict[str, Any]:
    offer: dict[str, Any] = {"offer_title": _text(form, "offer_title", 80)}
    kind = form.get("offer_kind")
    if kind not in registry.OFFER_KINDS:
        raise ApplicationInvalid("offer_kind", "application_offer_kind", "percent or fixed")
    offer["offer_kind"] = kind
    offer["offer_percent"] = offer["offer_amount_cents"] = None
    if kind == "percent":
        text = str(form.get("offer_percent", "")).strip().rstrip("%").strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 100:
            raise ApplicationInvalid("offer_percent", "application_offer_percent", "1 to 100")
        offer["offer_percent"] = int(text)
    else:
        offer["offer_amount_cents"] = _euros(form, "offer_amount", required=True)
    offer["offer_min_spend_cents"] = _euros(form, "offer_min_spend", required=False) or 0
    return offer


def _euros(form: dict[str, Any], name: str, required: bool) -> int | None:
    text = str(form.get(name, "")).strip()
    if not text and not required:
        return None
    try:
        cents = parse_euros(text)
    except ValueError:
        raise ApplicationInvalid(name, "application_bad_amount", "an amount in euro") from None
    if not 0 < cents <= 1_000_000 and (required or cents):
        raise ApplicationInvalid(name, "application_bad_amount", "an amount in euro")
    return cents


def client_key(secret: bytes, address: str | None) -> str:
    """The client address as a keyed hash: enough to count its applications, not to read it back."""
    return hmac.new(secret, (address or "?").encode(), hashlib.sha256).hexdigest()[:32]


def submit(
    db: Database, form: dict[str, Any], client: str, now: int, limits: Limits, language: str = "it"
) -> dict[str, Any] | None:
    """Store a new pending application; None when the hidden field was filled (a bot: nothing stored).

    Call inside a write transaction. Raises :class:`ApplicationInvalid`, :class:`Conflict` (the VAT number
    already applied or joined) or :class:`TooManyRequests` (the address's or the network's hourly limit).
    """
    db.execute("delete from application_attempts where at < ?", [now - ATTEMPTS_KEPT])
    erase_old_contacts(db, now)
    _check_limits(db, client, now, limits)
    if str(form.get(HONEYPOT, "")).strip():
        db.execute("insert into application_attempts (client, at) values (?, ?)", [client, now])
        return None
    row = checked_application(db, form)
    if db.execute("select 1 from merchants where vat = ?", [row["vat"]]).fetchone():
        raise Conflict("a shop with this VAT number is in the network", code="application_already_member")
    if db.execute(
        "select 1 from shop_applications where vat = ? and status = 'pending'", [row["vat"]]
    ).fetchone():
        raise Conflict("an application with this VAT number is waiting", code="application_duplicate")
    row.update(status="pending", submitted_at=to_rfc3339(now), language=language)
    row["id"] = db.table("shop_applications").insert(row).last_pk
    db.execute("insert into application_attempts (client, at) values (?, ?)", [client, now])
    return row


def erase_old_contacts(db: Database, now: int) -> int:
    """Erase the contact (name, e-mail, phone) of applications decided more than :data:`CONTACT_KEPT`
    seconds ago: the shop, its VAT number and the decision stay. Call inside a write transaction."""
    cursor = db.execute(
        "update shop_applications set contact_name = null, email = null, phone = null "
        "where status != 'pending' and decided_at < ? and email is not null",
        [to_rfc3339(now - CONTACT_KEPT)],
    )
    return int(cursor.rowcount)


def _check_limits(db: Database, client: str, now: int, limits: Limits) -> None:
    since = now - ATTEMPT_WINDOW
    mine, everyone = db.execute(
        "select count(case when client = ? then 1 end), count(*) from application_attempts where at >= ?",
        [client, since],
    ).fetchone()
    if (mine or 0) >= limits.per_address or everyone >= limits.per_hour:
        raise TooManyRequests(
            "too many applications within the hour",
            code="application_rate_limited",
            retry_after=ATTEMPT_WINDOW,
        )


def visible_to(user: dict[str, Any]) -> tuple[str, list[Any]]:
    """The ``where`` clause of the applications ``user`` may decide: all, or their comune's."""
    if user["role"] == "network_admin":
        return "1 = 1", []
    if user["role"] == "comune_officer":
        return "istat = ?", [user["istat"]]
    return "0 = 1", []


def listed(db: Database, user: dict[str, Any], status: str = "pending") -> list[dict[str, Any]]:
    where, params = visible_to(user)
    return list(
        db.query(
            f"select * from shop_applications where status = ? and {where} order by submitted_at, id",
            [status, *params],
        )
    )


def get(db: Database, user: dict[str, Any], application_id: int) -> dict[str, Any]:
    where, params = visible_to(user)
    rows = list(
        db.query(f"select * from shop_applications where id = ? and {where}", [application_id, *params])
    )
    if not rows:
        raise NotFound("no such application", code="application_not_found")
    return rows[0]


def _pending(db: Database, user: dict[str, Any], application_id: int) -> dict[str, Any]:
    found = get(db, user, application_id)
    if found["status"] != "pending":
        raise Conflict("the application was decided already", code="application_decided")
    return found


def approve(db: Database, user: dict[str, Any], application_id: int, now: int) -> dict[str, Any]:
    """Create the merchant and its first offer (a draft) from a pending application; call inside a write
    transaction. Returns the application with ``merchant_id`` set."""
    found = _pending(db, user, application_id)
    if db.execute("select 1 from users where username = ?", [found["email"]]).fetchone():
        raise Conflict("the contact's e-mail address has an account already", code="application_email_taken")
    try:
        merchant = registry.create_merchant(db, found, now)
    except DomainError as error:
        raise Conflict(error.message, code="application_already_member") from None
    offer = {
        "title": found["offer_title"],
        "kind": found["offer_kind"],
        "percent": found["offer_percent"],
        "amount_cents": found["offer_amount_cents"],
        "min_spend_cents": found["offer_min_spend_cents"],
    }
    registry.create_offer(db, merchant["id"], offer, now)
    decided = {"status": "approved", "decided_at": to_rfc3339(now), "decided_by": user["username"]}
    db.table("shop_applications").update(application_id, {**decided, "merchant_id": merchant["id"]})
    return {**found, **decided, "merchant_id": merchant["id"]}


def refuse(
    db: Database, user: dict[str, Any], application_id: int, reason: str, note: str, now: int
) -> dict[str, Any]:
    """Refuse a pending application with a reason from :data:`REFUSAL_REASONS` (and a note, needed with
    ``refusal_other``); call inside a write transaction."""
    found = _pending(db, user, application_id)
    if reason not in REFUSAL_REASONS:
        raise InvalidInput("choose a reason", code="reason_required")
    try:
        note = plain_text(note, 500, required=reason == "refusal_other")
    except ValueError:
        raise InvalidInput("say why", code="refusal_note_required") from None
    decided = {
        "status": "refused",
        "decided_at": to_rfc3339(now),
        "decided_by": user["username"],
        "reason": reason,
        "note": note or None,
    }
    db.table("shop_applications").update(application_id, decided)
    return {**found, **decided}


def check_may_decide(user: dict[str, Any]) -> None:
    if user["role"] not in ("network_admin", "comune_officer"):
        raise Forbidden("only the network or the comune decides applications", code="forbidden")
