"""The admin pages' forms checked field by field, in the page's language, before anything is stored:
a shop, a till, a comune's office credential, a trust list. Each gives a :class:`Form` whose errors the
page shows beside their fields (``fields.html``); the domain functions check again, as for the API."""

from __future__ import annotations

from contextlib import suppress

from sqlite_utils import Database

from cardsvc.platform.plain_text import plain_text
from cardsvc.platform.web.forms import Form
from cardsvc.platform.web.numbers import whole_number

from .auth import may_manage_merchant, user
from .i18n import t
from .registry import CATEGORIES, comune_exists
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


def kiosk_form(db: Database) -> tuple[Form, int | None]:
    """A new till as typed: one of the user's shops, and a name; the shop's id when it is one."""
    form = Form.posted(KIOSK_FIELDS)
    merchant_id: int | None = None
    with suppress(ValueError):
        merchant_id = whole_number(form.get("merchant_id"))
    known = merchant_id is not None and bool(
        db.execute("select 1 from merchants where id = ?", [merchant_id]).fetchone()
    )
    if not known or not may_manage_merchant(user(), merchant_id or 0):
        form.error("merchant_id", t("field_choose_shop"))
    check_text(form, "name", 60, required=False)
    return form, merchant_id


def comune_form(db: Database) -> Form:
    """The comune a new office credential is for."""
    form = Form.posted(("istat",))
    if not comune_exists(db, form.get("istat")):
        form.error("istat", t("field_choose_comune"))
    return form
