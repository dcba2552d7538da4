"""The network administration part of ``/api/v1``: trust lists, issuer credentials, merchants and offers,
kiosks and their chains, held redemptions, flags and totals. Thin views over the domain modules, on the
API's blueprint (see ``api``)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request

from cardsvc.core.errors import Forbidden, InvalidInput
from cardsvc.platform.clock import now

from . import chain_anchors, enrolment, held_review, issuer_credentials, list_service, registry
from .anomalies import list_flags
from .api import body, bp
from .auth import current_user, may_manage_merchant, may_see_comune, require_user
from .db import get_db
from .signing import list_signer


@bp.post("/admin/trust-lists")
@require_user("network_admin")
def import_trust_list() -> Response:
    token = body().get("trust_list")
    if not isinstance(token, str):
        raise InvalidInput("trust_list must be the JWS text")
    trust = list_service.import_trust_list(get_db(), token, now())
    return jsonify({"version": trust.version, "issuers": len(trust.issuers)})


@bp.post("/admin/issuer-credentials")
@require_user("network_admin")
def create_issuer_credential() -> Response:
    created = issuer_credentials.create(get_db(), str(body().get("istat", "")), now())
    return jsonify(created), 201  # type: ignore[return-value]


@bp.get("/admin/issuer-credentials")
@require_user("network_admin")
def list_issuer_credentials() -> Response:
    return jsonify({"credentials": issuer_credentials.listed(get_db())})


@bp.post("/admin/issuer-credentials/<credential_id>/revoke")
@require_user("network_admin")
def revoke_issuer_credential(credential_id: int) -> Response:
    return jsonify(issuer_credentials.revoke(get_db(), credential_id, now()))


@bp.post("/admin/redemptions/<record_id>/review")
@require_user("network_admin")
def review_redemption(record_id: str) -> Response:
    decision = body().get("decision")
    if decision not in ("accept", "reject"):
        raise InvalidInput("decision must be accept or reject")
    return jsonify(held_review.review_held(get_db(), record_id, decision == "accept", now()))


@bp.get("/admin/merchants")
@require_user()
def list_merchants() -> Response:
    user = current_user()
    assert user is not None
    rows = [
        m
        for m in get_db()["merchants"].rows_where(order_by="id")
        if may_manage_merchant(user, m["id"]) or may_see_comune(user, m["istat"])
    ]
    return jsonify({"merchants": rows})


@bp.post("/admin/merchants")
@require_user("network_admin")
def create_merchant() -> Response:
    return jsonify(registry.create_merchant(get_db(), body(), now())), 201  # type: ignore[return-value]


@bp.post("/admin/merchants/<merchant_id>/offers")
@require_user("network_admin", "merchant_manager")
def create_offer(merchant_id: int) -> Response:
    _may_manage(merchant_id)
    return jsonify(registry.offer_json(registry.create_offer(get_db(), merchant_id, body(), now()))), 201  # type: ignore[return-value]


@bp.post("/admin/offers/<offer_id>/status")
@require_user("network_admin", "merchant_manager")
def move_offer(offer_id: int) -> Response:
    db = get_db()
    offer = registry.get_offer(db, offer_id)
    user = _may_manage(offer["merchant_id"])
    actor = "network" if user["role"] == "network_admin" else "merchant"
    status = str(body().get("status", ""))
    return jsonify(registry.offer_json(registry.move_offer(db, offer_id, status, actor, now())))


@bp.post("/admin/kiosks")
@require_user("network_admin")
def create_kiosk() -> Response:
    data = body()
    merchant_id = data.get("merchant_id")
    if type(merchant_id) is not int:
        raise InvalidInput("merchant_id must be an integer")
    created = enrolment.create_kiosk(
        get_db(), merchant_id, str(data.get("name", "")), now(), current_app.config["ENROLMENT_CODE_TTL"]
    )
    return jsonify(created), 201  # type: ignore[return-value]


@bp.post("/admin/kiosks/<kiosk_id>/revoke")
@require_user("network_admin")
def revoke_kiosk(kiosk_id: str) -> Response:
    kiosk = enrolment.revoke_kiosk(get_db(), kiosk_id, now())
    return jsonify({"kiosk_id": kiosk["id"], "status": kiosk["status"]})


@bp.get("/admin/kiosks/<kiosk_id>/chain")
@require_user("network_admin")
def kiosk_chain(kiosk_id: str) -> Response:
    return jsonify(chain_anchors.chain_state(get_db(), kiosk_id))


@bp.post("/admin/kiosks/<kiosk_id>/reanchor")
@require_user("network_admin")
def reanchor_kiosk(kiosk_id: str) -> Response:
    data, user = body(), current_user()
    assert user is not None
    decision = chain_anchors.reanchor(
        get_db(),
        kiosk_id,
        data.get("from_record"),
        data.get("reason"),
        user["username"],
        list_signer(),
        now(),
    )
    return jsonify(decision)


@bp.get("/admin/flags")
@require_user("network_admin", "comune_officer")
def flags() -> Response:
    user = current_user()
    assert user is not None
    istat = None if user["role"] == "network_admin" else user["istat"]
    return jsonify({"flags": list_flags(get_db(), request.args.get("status", "open") or None, istat)})


@bp.get("/admin/totals")
@require_user("network_admin")
def totals() -> Response:
    row = (
        get_db()
        .execute(
            "select count(*), coalesce(sum(amount_cents), 0), coalesce(sum(discount_cents), 0) "
            "from redemptions "
            "where type = 'redemption' and status = 'accepted' and voided = 0"
        )
        .fetchone()
    )
    return jsonify({"redemptions": row[0], "spend_cents": row[1], "discount_cents": row[2]})


def _may_manage(merchant_id: int) -> dict[str, Any]:
    user = current_user()
    assert user is not None
    if not may_manage_merchant(user, merchant_id):
        raise Forbidden("you do not manage this merchant")
    return user
