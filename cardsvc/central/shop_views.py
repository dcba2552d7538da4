"""A shop manager's own pages under ``/admin/shop``: what the card brought this month (with the trend,
the category's median in the comune and the statement as PDF), the shop's offers to write and propose,
and a new till enrolled by the shop itself (the network is told)."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.core.errors import DomainError
from cardsvc.platform.clock import now
from cardsvc.platform.i18n import N_, format_amount
from cardsvc.platform.rome_calendar import month_of
from cardsvc.platform.web.forms import Form, done, refused
from cardsvc.platform.web.i18n import language
from cardsvc.platform.web.numbers import whole_number

from . import enrolment, mail_outbox, registry
from .admin_forms import offer_form
from .admin_ui import bp, login_required
from .auth import may_manage_merchant, user
from .db import get_db, write_transaction
from .i18n import t
from .mail_delivery import deliver_now
from .reports.months import parse_month
from .reports.shop_pdf import render_shop_pdf
from .reports.shop_value import shop_value

COMPOSED_KEYS = (N_("offer_not_draft"), N_("shop_month_invalid"))


def _merchant_id() -> int:
    """The signed-in manager's shop; an administrator names one with ``?merchant=``."""
    found = user()
    if found["role"] == "merchant_manager":
        return int(found["merchant_id"])
    try:
        return whole_number(request.args.get("merchant", ""), 1)
    except ValueError:
        abort(404)


def _month() -> tuple[int, int]:
    text = request.args.get("month")
    if not text:
        return month_of(now())
    try:
        return parse_month(text)
    except ValueError:
        abort(404)


def _value(merchant_id: int, year: int, month: int) -> dict[str, Any]:
    try:
        return shop_value(get_db(), merchant_id, year, month)
    except ValueError:
        abort(404)


@bp.get("/admin/shop")
@login_required("network_admin", "merchant_manager")
def shop() -> str:
    merchant_id = _merchant_id()
    year, month = _month()
    db = get_db()
    return render_template(
        "admin/shop.html",
        value=_value(merchant_id, year, month),
        offers=list(db["offers"].rows_where("merchant_id = ?", [merchant_id], order_by="id")),
        kiosks=list(db["kiosks"].rows_where("merchant_id = ?", [merchant_id], order_by="created_at")),
        merchant_id=merchant_id,
    )


@bp.get("/admin/shop/<month>.pdf")
@login_required("network_admin", "merchant_manager")
def shop_pdf(month: str) -> Response:
    merchant_id = _merchant_id()
    try:
        year, number = parse_month(month)
    except ValueError:
        abort(404)
    value = _value(merchant_id, year, number)
    pdf = render_shop_pdf(value, language())
    name = f"rendiconto-family-card-{month}.pdf"
    disposition = {"Content-Disposition": f"inline; filename={name}"}
    return Response(pdf, mimetype="application/pdf", headers=disposition)


def _own_draft(offer_id: int) -> dict[str, Any]:
    try:
        offer = registry.get_offer(get_db(), offer_id)
    except DomainError:
        abort(404)
    if not may_manage_merchant(user(), offer["merchant_id"]) or user()["role"] != "merchant_manager":
        abort(404)
    return offer


def _offer_page(form: Form, offer: dict[str, Any]) -> str:
    kinds = [(kind, t(f"kind_{kind}")) for kind in registry.OFFER_KINDS]
    return render_template("admin/shop_offer.html", form=form, offer=offer, kinds=kinds)


@bp.route("/admin/shop/offers/<int:offer_id>", methods=["GET", "POST"])
@login_required("merchant_manager")
def shop_offer(offer_id: int) -> str | tuple[str, int] | BaseResponse:
    """A draft offer's terms changed by its shop (a new one is written on the offers page)."""
    offer = _own_draft(offer_id)
    if request.method == "GET":
        return _offer_page(Form.of(_form_values(offer)), offer)
    db = get_db()
    form, _merchant, data = offer_form(db)
    if not form.ok:
        return _offer_page(form, offer), 422
    try:
        with write_transaction(db):
            registry.change_draft(db, offer_id, data, now())
    except DomainError as error:
        refused(t(error.code) if error.code in COMPOSED_KEYS else error.message)
        return _offer_page(form, offer), 409
    done(t("offer_saved_draft", title=form.get("title").strip()))
    return redirect(url_for("admin.shop"))


def _form_values(offer: dict[str, Any]) -> dict[str, Any]:
    lang = language()

    def amount(cents: int | None) -> str:
        return format_amount(cents, lang) if cents else ""

    return {
        "merchant_id": offer["merchant_id"],
        "title": offer["title"],
        "description": offer["description"],
        "kind": offer["kind"],
        "percent": offer["percent"],
        "amount": amount(offer["amount_cents"]),
        "min_spend": amount(offer["min_spend_cents"]),
        "cap": amount(offer["cap_cents"]),
        "min_minors": offer["min_minors"],
        "daily_limit": offer["daily_limit"],
    }


@bp.post("/admin/shop/kiosks")
@login_required("merchant_manager")
def shop_kiosk() -> str | BaseResponse:
    """The shop enrols a new till: a one-time code for it, and the network told by e-mail."""
    merchant_id = int(user()["merchant_id"])
    db = get_db()
    try:
        with write_transaction(db):
            ttl = int(current_app.config["ENROLMENT_CODE_TTL"])
            created = enrolment.create_kiosk(db, merchant_id, request.form.get("name", ""), now(), ttl)
            db.execute(
                "update kiosks set created_by = ? where id = ?", [user()["username"], created["kiosk_id"]]
            )
            shop_name = registry.get_merchant(db, merchant_id)["name"]
            if current_app.config["NETWORK_EMAIL"]:
                words = {"shop": shop_name, "name": created["name"], "user": user()["username"]}
                mail_outbox.queue_message(
                    db,
                    current_app.config["NETWORK_EMAIL"],
                    t.in_language("it", "mail_kiosk_added_subject", **words),
                    t.in_language("it", "mail_kiosk_added_body", **words),
                    now(),
                )
    except DomainError as error:
        refused(error.message)
        return redirect(url_for("admin.shop"))
    deliver_now(current_app)
    return render_template("admin/shop_kiosk.html", created=created, shop=shop_name)
