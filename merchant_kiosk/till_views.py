"""The till's main pages: scan a card (scanner field, camera frame, photo), see the verdict, record the
discount, see the receipt, void it. Thin views over ``checkout`` and ``ledger``."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.core import QrError, read_card_qr
from cardsvc.platform.clock import now
from cardsvc.platform.web.health import health
from cardsvc.platform.web.numbers import whole_number

from . import checkout, ledger
from .checkout import CheckoutRefused, OfferChoice, Scan
from .db import get_db
from .ledger import LedgerError
from .view_helpers import page

bp = Blueprint("till", __name__)


@bp.get("/")
def index() -> tuple[str, int]:
    return page("index.html", recent=ledger.recent_redemptions(get_db(), 8))


bp.add_url_rule("/health", "health", health)  # the database checked now: 503 with the reason when bad


def verdict_state(scan: Scan, usable: list[OfferChoice]) -> str:
    """What the clerk does next: ``accepted`` (record a discount), ``no_offer`` (a valid card, but no offer
    of the shop the family can use now: no discount) or ``rejected`` (the card is refused)."""
    if not scan.verdict.accepted:
        return "rejected"
    return "accepted" if usable else "no_offer"


def _verdict_page(
    scan: Scan,
    error: str | None = None,
    amount: str = "",
    status_code: int = 200,
    chosen: int | None = None,
    quiet: bool = False,
) -> tuple[str, int]:
    """The verdict with the shop's offers: the offer ``chosen`` before (or the only usable one) selected,
    the ``amount`` typed before kept; ``quiet`` when the clerk comes back to it (no second sound)."""
    db = get_db()
    choices = checkout.offer_choices(db, scan.verdict, now())
    usable = [c for c in choices if c.refusal is None]
    usable_ids = [c.offer.id for c in usable]
    return page(
        "verdict.html",
        status_code,
        scan=scan,
        state=verdict_state(scan, usable),
        quiet=quiet,
        verdict=scan.verdict.to_json(),
        choices=choices,
        preselected=chosen if chosen in usable_ids else usable_ids[0] if len(usable_ids) == 1 else None,
        redemption_id=ledger.new_id(),
        error=error,
        amount=amount,
    )


@bp.post("/scan")
def scan() -> tuple[str, int]:
    text = request.form.get("code", "")
    if not text.strip():
        return page("index.html", 422, recent=ledger.recent_redemptions(get_db(), 8), error="empty_scan")
    return _verdict_page(checkout.scan(get_db(), text, now(), current_app.config))


@bp.post("/scan/photo")
def scan_photo() -> tuple[str, int]:
    upload = request.files.get("image")
    try:
        text = read_card_qr(upload.read() if upload else b"")
    except QrError as unread:  # not an image, too large, no code, several codes: each in words
        return page("index.html", 422, recent=ledger.recent_redemptions(get_db(), 8), error=unread.code)
    return _verdict_page(checkout.scan(get_db(), text, now(), current_app.config))


@bp.post("/scan/frame")
def scan_frame() -> Response:
    """A camera frame (the image bytes as the body): the card's text when one is in it."""
    try:
        return jsonify({"code": read_card_qr(request.get_data())})
    except QrError as unread:
        return jsonify({"code": None, "reason": unread.code})


def _number(text: str | None) -> int | None:
    try:
        return whole_number(text or "")
    except ValueError:
        return None


@bp.get("/scan/<scan_id>")
def correct_amount(scan_id: str) -> tuple[str, int]:
    """Back from the amount's confirmation: the same scan's verdict, with the amount and offer typed, to
    correct them."""
    db = get_db()
    try:
        _text, scanned = checkout.scanned_card(db, scan_id, now(), current_app.config)
    except CheckoutRefused as refused:
        return page("index.html", 409, recent=ledger.recent_redemptions(db, 8), error=refused.code)
    amount = request.args.get("amount", "")[:40]
    return _verdict_page(scanned, amount=amount, chosen=_number(request.args.get("offer_id")), quiet=True)


def _confirmation_page(offer_id: int | None, amounts: dict[str, int]) -> tuple[str, int]:
    """The amount in large type for the clerk to confirm (the same form again, with ``confirmed_cents``)
    or to correct (back to the verdict with what was typed); nothing is recorded yet."""
    form = request.form
    fields = {name: form.get(name, "") for name in ("scan_id", "redemption_id", "offer_id", "amount")}
    offer = next((o for o in checkout.offers(get_db()) if o.id == offer_id), None)
    scan_id, amount = fields["scan_id"], fields["amount"]
    back = url_for("till.correct_amount", scan_id=scan_id, amount=amount, offer_id=offer_id)
    return page("confirm_amount.html", offer=offer, back=back, fields=fields, **amounts)


@bp.post("/redeem")
def redeem() -> tuple[str, int] | BaseResponse:
    db = get_db()
    form = request.form
    scan_id, amount = form.get("scan_id", ""), form.get("amount", "")
    offer_id = _number(form.get("offer_id"))
    redemption_id = form.get("redemption_id", "")
    try:
        record, _new = checkout.redeem(
            db,
            scan_id,
            redemption_id,
            -1 if offer_id is None else offer_id,
            amount,
            now(),
            current_app.config,
            _number(form.get("confirmed_cents")),
        )
    except CheckoutRefused as refused:
        if refused.code in ("scan_expired", "card_refused"):
            return page("index.html", 409, recent=ledger.recent_redemptions(db, 8), error=refused.code)
        if refused.code == "amount_to_confirm":
            return _confirmation_page(offer_id, refused.details)
        _text, scanned = checkout.scanned_card(db, scan_id, now(), current_app.config)
        return _verdict_page(scanned, refused.code, amount, 422, chosen=offer_id)
    return redirect(url_for("till.receipt", record_id=record["id"]), 303)


@bp.get("/receipt/<record_id>")
def receipt(record_id: str) -> tuple[str, int]:
    record = ledger.get_record(get_db(), record_id)
    if record is None or record["type"] != "redemption":
        return page("index.html", 404, recent=[], error="unknown_redemption")
    voidable = not record["voided"] and now() - record["at_seconds"] <= current_app.config["VOID_WINDOW"]
    offer = next((o for o in checkout.offers(get_db()) if o.id == record["offer_id"]), None)
    card = ledger.card_number_of(get_db(), record_id)
    return page("receipt.html", record=record, offer=offer, voidable=voidable, card_number=card)


@bp.post("/void/<record_id>")
def void(record_id: str) -> tuple[str, int] | BaseResponse:
    try:
        ledger.record_void(get_db(), record_id, now(), current_app.config["VOID_WINDOW"])
    except LedgerError as refused:
        record = ledger.get_record(get_db(), record_id)
        if record is None:
            return page("index.html", 404, recent=[], error=refused.code)
        return page("receipt.html", 409, record=record, offer=None, voidable=False, error=refused.code)
    return redirect(url_for("till.receipt", record_id=record_id, voided=1), 303)
