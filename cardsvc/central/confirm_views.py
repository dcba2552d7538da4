"""What cannot be undone asks first: revoking a till, suspending or ending an offer. The button opens a
page that says what will happen and asks for the reason, chosen explicitly from a list; the change is
made only from that page's form, and the reason is kept with it."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.core.errors import DomainError
from cardsvc.platform.clock import now
from cardsvc.platform.i18n import N_
from cardsvc.platform.web.forms import done, refused

from . import enrolment, registry
from .admin_ui import bp, login_required
from .auth import may_manage_merchant, user
from .db import get_db
from .i18n import t

KIOSK_REASONS = (
    N_("reason_kiosk_lost"),
    N_("reason_kiosk_replaced"),
    N_("reason_kiosk_shop_left"),
    N_("reason_kiosk_misuse"),
)
OFFER_REASONS = (
    N_("reason_offer_shop_request"),
    N_("reason_offer_terms_wrong"),
    N_("reason_offer_misuse"),
    N_("reason_offer_season_over"),
)
ASKED = ("suspended", "ended")  # offer moves that ask first; the others are made at once
CONFIRM_LABELS = {"suspended": N_("suspend"), "ended": N_("end")}


def _kiosk(kiosk_id: str) -> dict[str, Any]:
    row = (
        get_db()
        .execute(
            "select k.id, k.name, k.status, m.name from kiosks k join merchants m on m.id = k.merchant_id "
            "where k.id = ?",
            [kiosk_id],
        )
        .fetchone()
    )
    if row is None:
        abort(404)
    return dict(zip(("id", "name", "status", "shop"), row, strict=True))


@bp.route("/admin/kiosks/<kiosk_id>/revoke", methods=["GET", "POST"])
@login_required("network_admin")
def kiosk_revoke(kiosk_id: str) -> str | BaseResponse:
    kiosk = _kiosk(kiosk_id)
    if request.method == "POST":
        reason = request.form.get("reason", "")
        if reason not in KIOSK_REASONS:
            refused(t("error_reason_required"))
            return redirect(url_for("admin.kiosk_revoke", kiosk_id=kiosk_id))
        try:
            enrolment.revoke_kiosk(get_db(), kiosk_id, now(), reason)
            done(t("kiosk_revoked", name=kiosk["name"], shop=kiosk["shop"]))
        except DomainError as exc:
            refused(exc.message)
        return redirect(url_for("admin.kiosks"))
    return render_template(
        "admin/confirm.html",
        question=t("confirm_kiosk_revoke", name=kiosk["name"], shop=kiosk["shop"]),
        consequence=t("consequence_kiosk_revoke"),
        reasons=KIOSK_REASONS,
        action=url_for("admin.kiosk_revoke", kiosk_id=kiosk_id),
        confirm=t("revoke"),
        back=url_for("admin.kiosks"),
    )


@bp.route("/admin/offers/<int:offer_id>/status", methods=["GET", "POST"])
@login_required("network_admin", "merchant_manager")
def offer_status(offer_id: int) -> str | BaseResponse:
    db = get_db()
    try:
        offer = registry.get_offer(db, offer_id)
    except DomainError:
        abort(404)
    if not may_manage_merchant(user(), offer["merchant_id"]):
        abort(403)
    target = request.values.get("status", "")
    if request.method == "GET":
        if target not in ASKED:
            abort(404)
        return render_template(
            "admin/confirm.html",
            question=t(f"confirm_offer_{target}", title=offer["title"]),
            consequence=t(f"consequence_offer_{target}"),
            reasons=OFFER_REASONS,
            action=url_for("admin.offer_status", offer_id=offer_id),
            status=target,
            confirm=t(CONFIRM_LABELS[target]),
            back=url_for("admin.offers"),
        )
    reason = request.form.get("reason") or None
    if target in ASKED and reason not in OFFER_REASONS:
        refused(t("error_reason_required"))
        return redirect(url_for("admin.offer_status", offer_id=offer_id, status=target))
    try:
        actor = "network" if user()["role"] == "network_admin" else "merchant"
        registry.move_offer(db, offer_id, target, actor, now(), reason)
        done(t(f"offer_moved_{target}", title=offer["title"]))
    except DomainError as exc:
        refused(exc.message)
    return redirect(url_for("admin.offers"))


MOVED_KEYS = (  # what an offer's move did, said after it
    N_("offer_moved_published"),
    N_("offer_moved_draft"),
    N_("offer_moved_pending"),
    N_("offer_moved_suspended"),
    N_("offer_moved_ended"),
)
CONFIRM_KEYS = (
    N_("confirm_offer_suspended"),
    N_("confirm_offer_ended"),
    N_("consequence_offer_suspended"),
    N_("consequence_offer_ended"),
)
