"""The admin pages' forms checked field by field, in the page's language, before anything is stored:
a shop, an offer, a till, a comune's office credential, a trust list. Each gives a :class:`Form` whose
errors the page shows beside their fields (``fields.html``); the domain functions check again, as for
the API."""

from __future__ import annotations

from contextlib import suppress

from cardsvc.platform.euros import parse_euros
from cardsvc.platform.i18n import N_
from cardsvc.platform.plain_text import plain_text
from cardsvc.platform.storage.database import Database
from cardsvc.platform.web.forms import Form
from cardsvc.platform.web.i18n import money as euros
from cardsvc.platform.web.numbers import whole_number

from .auth import may_manage_merchant, user
from .i18n import t
from .registry import CATEGORIES, OFFER_KINDS, comune_exists
from .vat import VatNumberError, normalize_vat

MERCHANT_FIELDS = ("name", "vat", "address", "istat", "category")
KIOSK_FIELDS = ("merchant_id", "name")


def check_text(form: Form, name: str, limit: int, required: bool = True) -> None:
    """One line of text: required unless said, at most ``limit`` characters, no control characters."""
    value = form.get(name)
    try:
        plain_text(value, limit, required)
    except ValueError:
        if len(value) > limit:
            form.error(name, t("field_too_long", limit=limit))
        elif required and not value.strip():
            form.error(name, t("field_required"))
        else:
            form.error(name, t("field_unsafe"))


def merchant_form(db: Database) -> Form:
    """A new shop as typed: name, partita IVA (valid and not yet registered), address, comune, category."""
    form = Form.posted(MERCHANT_FIELDS)
    check_text(form, "name", 120)
    try:
        vat = normalize_vat(form.get("vat"))
    except VatNumberError as error:
        form.error("vat", t(error.code))
    else:
        if db.execute("select 1 from merchants where vat = ?", [vat]).fetchone():
            form.error("vat", t("vat_taken"))
    check_text(form, "address", 200, required=False)
    if not comune_exists(db, form.get("istat")):
        form.error("istat", t("field_choose_comune"))
    if form.get("category") not in CATEGORIES:
        form.error("category", t("field_choose_category"))
    return form


def _own_shop(db: Database, form: Form) -> int | None:
    """The form's ``merchant_id`` when it names a shop the user manages; otherwise its error is added."""
    merchant_id: int | None = None
    with suppress(ValueError):
        merchant_id = whole_number(form.get("merchant_id"))
    known = merchant_id is not None and bool(
        db.execute("select 1 from merchants where id = ?", [merchant_id]).fetchone()
    )
    if not known or not may_manage_merchant(user(), merchant_id or 0):
        form.error("merchant_id", t("field_choose_shop"))
    return merchant_id


def kiosk_form(db: Database) -> tuple[Form, int | None]:
    """A new till as typed: one of the user's shops, and a name; the shop's id when it is one."""
    form = Form.posted(KIOSK_FIELDS)
    merchant_id = _own_shop(db, form)
    check_text(form, "name", 60, required=False)
    return form, merchant_id


def comune_form(db: Database) -> Form:
    """The comune a new office credential is for."""
    form = Form.posted(("istat",))
    if not comune_exists(db, form.get("istat")):
        form.error("istat", t("field_choose_comune"))
    return form


KIND_KEYS = (N_("kind_percent"), N_("kind_fixed"))  # t(f"kind_{kind}") in the offer form
OFFER_FIELDS = (
    "merchant_id", "title", "description", "kind", "percent", "amount", "cap", "min_spend", "min_minors",
    "daily_limit",
)  # fmt: skip


def _euros(form: Form, name: str, low: int, high: int, required: bool = False) -> int | None:
    """Cents from a euro field as typed (``12,50``); empty gives None unless required."""
    if not form.get(name).strip():
        if required:
            form.error(name, t("field_required"))
        return None
    try:
        cents = parse_euros(form.get(name))
    except ValueError:
        form.error(name, t("field_euros"))
        return None
    if not low <= cents <= high:
        form.error(name, t("field_euros_range", low=euros(low), high=euros(high)))
    return cents


def _whole(form: Form, name: str, low: int, high: int, required: bool = False) -> int | None:
    """A whole number from ``low`` to ``high``; empty gives None unless required."""
    if not form.get(name).strip():
        if required:
            form.error(name, t("field_required"))
        return None
    try:
        return whole_number(form.get(name).strip(), low, high)
    except ValueError:
        form.error(name, t("field_whole_range", low=low, high=high))
        return None


def offer_form(db: Database) -> tuple[Form, int | None, dict[str, object]]:
    """A new offer as typed: one of the user's shops, a title, percent or a fixed amount in euro, and
    its conditions; the shop's id and the offer's data as ``registry.create_offer`` takes them."""
    form = Form.posted(OFFER_FIELDS)
    merchant_id = _own_shop(db, form)
    check_text(form, "title", 80)
    check_text(form, "description", 500, required=False)
    kind = form.get("kind")
    if kind not in OFFER_KINDS:
        form.error("kind", t("field_choose_kind"))
    data: dict[str, object] = {
        "title": form.get("title"),
        "description": form.get("description"),
        "kind": kind,
        "percent": _whole(form, "percent", 1, 100, required=True) if kind == "percent" else None,
        "amount_cents": _euros(form, "amount", 1, 1_000_000, required=True) if kind == "fixed" else None,
        "cap_cents": _euros(form, "cap", 1, 1_000_000),
        "min_spend_cents": _euros(form, "min_spend", 0, 10_000_000) or 0,
        "min_minors": _whole(form, "min_minors", 0, 20),
        "daily_limit": _whole(form, "daily_limit", 1, 100),
    }
    if data["min_minors"] is None:
        data["min_minors"] = 1
    return form, merchant_id, {k: v for k, v in data.items() if v is not None}
