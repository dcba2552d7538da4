"""Cards: issue for a guardian, the card's page, its printable files, renew, reissue, revoke."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.platform.clock import now
from cardsvc.platform.storage.transactions import write_transaction
from cardsvc.platform.web.forms import Form, done, refused
from cardsvc.platform.web.numbers import whole_number

from . import cards, printing
from .audit import record_action
from .auth import login_required, operator
from .cards import CardRefused
from .db import get_db
from .i18n import describe, t
from .view_helpers import office, refusal_text

bp = Blueprint("cards", __name__)


def _card(cti: str) -> dict[str, Any]:
    card = cards.get_card(get_db(), operator()["istat"], cti)
    if card is None:
        abort(404)
    return card


def _refused(refusal: CardRefused, target: str) -> BaseResponse:
    refused(refusal_text(refusal))
    for failure in refusal.failures:
        refused(describe("rule", failure.code, failure.values))
    return redirect(target, 303)


@bp.post("/households/<int:household_id>/cards")
@login_required
def issue(household_id: int) -> BaseResponse:
    back = url_for("office.household", household_id=household_id)
    try:
        guardian_id = whole_number(request.form.get("guardian_id", ""))
    except ValueError:
        return _refused(CardRefused("unknown_guardian"), back)
    signed_in = operator()
    try:
        card = cards.issue(
            get_db(), office(), signed_in["username"], signed_in["istat"], household_id, guardian_id, now()
        )
    except CardRefused as refusal:
        return _refused(refusal, back)
    done(t("card_issued", number=card["number"]))
    return redirect(url_for("cards.card", cti=card["cti"]), 303)


@bp.get("/cards/<cti>")
@login_required
def card(cti: str) -> str:
    return _card_page(_card(cti))[0]


def _card_page(
    found: dict[str, Any], forms: dict[str, Form] | None = None, status: int = 200
) -> tuple[str, int]:
    """The card's page; ``forms`` by action (``revoke``, ``reissue``) as posted, each error beside the
    reason."""
    db = get_db()
    renew_from = cards.renewable_from(found, office().renew_days)
    return render_template(
        "card.html",
        card=found,
        renew_from=renew_from,
        can_renew=now() >= renew_from,
        replaces=cards.get_card(db, found["istat"], found["replaces"]) if found["replaces"] else None,
        replaced_by=cards.replacement_of(db, found["cti"]),
        forms=forms or {},
        blank=Form(),
        reasons={
            action: [(r, t(f"reason_{r}")) for r in listed]
            for action, listed in (("reissue", cards.LOSS_REASONS), ("revoke", cards.REVOKE_REASONS))
        },
    ), status


def _printed(card: dict[str, Any]) -> printing.PrintedCard:
    comune = operator()["comune"]["name"]
    return printing.PrintedCard(comune, card["holder"], card["number"], card["expires_at"], card["qr"])


@bp.get("/cards/<cti>/<kind>")
@login_required
def printable(cti: str, kind: str) -> Response:
    found = _card(cti)
    if found["status"] != "active":
        abort(409)
    if kind == "card.png":
        data, mimetype = printing.png_bytes(printing.card_image(_printed(found))), "image/png"
    elif kind == "card.pdf":
        data, mimetype = printing.pdf_bytes([printing.card_image(_printed(found))]), "application/pdf"
    elif kind == "a4.pdf":
        data, mimetype = printing.pdf_bytes([printing.letter_image(_printed(found))]), "application/pdf"
    elif kind == "phone.png":
        data, mimetype = printing.png_bytes(printing.phone_image(_printed(found))), "image/png"
    else:
        abort(404)
    db, signed_in = get_db(), operator()
    with write_transaction(db):
        record_action(db, signed_in["username"], signed_in["istat"], "print", found["number"], kind, now())
    filename = f"family-card-{found['number']}-{kind}"
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.post("/cards/<cti>/<action>")
@login_required
def change(cti: str, action: str) -> BaseResponse | tuple[str, int]:
    """Renew; or revoke, or replace after a loss: these only with a reason from their list and, after a
    page that says what will happen, ``confirm=yes``."""
    found = _card(cti)
    if action not in ("renew", "reissue", "revoke"):
        abort(404)
    signed_in = operator()
    db, args = get_db(), (signed_in["username"], signed_in["istat"], cti)
    reason = request.form.get("reason", "")
    try:
        if action == "renew":
            new = cards.renew(db, office(), *args, now())
            done(t("card_renewed", number=new["number"]))
            return redirect(url_for("cards.card", cti=new["cti"]), 303)
        if found["status"] != "active":
            raise CardRefused("card_not_active", status=found["status"])
        if reason not in (cards.LOSS_REASONS if action == "reissue" else cards.REVOKE_REASONS):
            form = Form({"reason": reason}, {"reason": t("reason_required")})
            return _card_page(found, {action: form}, 422)
        if request.form.get("confirm") != "yes":
            return render_template("card_confirm.html", card=found, action=action, reason=reason), 200
        if action == "reissue":
            new = cards.reissue(db, office(), *args, reason, now())
            said = {"old": found["number"], "reason": describe("reason", reason, {})}
            done(t("card_reissued", number=new["number"], **said))
        else:
            new = cards.revoke(db, *args, reason, now())
            done(t("card_revoked", number=found["number"], reason=describe("reason", reason, {})))
    except CardRefused as refusal:
        return _refused(refusal, url_for("cards.card", cti=cti))
    return redirect(url_for("cards.card", cti=new["cti"]), 303)
