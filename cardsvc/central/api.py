"""The versioned JSON API, ``/api/v1``: thin views over the domain modules."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from cardsvc.core.errors import Forbidden, InvalidInput
from cardsvc.platform.clock import now
from cardsvc.platform.storage.transactions import read_snapshot

from ..core import to_rfc3339
from . import (
    card_events,
    chain_anchors,
    conditional,
    enrolment,
    held_review,
    ingest,
    issuer_credentials,
    list_service,
    registry,
)
from .anomalies import list_flags
from .auth import (
    authenticate,
    current_issuer_comune,
    current_kiosk,
    current_user,
    may_manage_merchant,
    may_see_comune,
    require_user,
)
from .db import get_db
from .openapi import PATHS
from .signing import list_signer
from .validation import check_request, query_int

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def at_the_edge() -> None:
    """Every request meets its OpenAPI operation first: the credential it names, then its schemas."""
    rule = request.url_rule
    method = "get" if request.method == "HEAD" else request.method.lower()
    operation = PATHS.get(_openapi_path(rule.rule), {}).get(method) if rule is not None else None
    if operation is None:
        return
    authenticate(operation["security"], current_app.view_functions.get(request.endpoint or ""))
    g.body = check_request(operation, request)


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def body() -> dict[str, Any]:
    """The request's JSON object, checked against its operation's schema (``at_the_edge``)."""
    return g.body  # type: ignore[no-any-return]


def int_arg(name: str, default: int) -> int:
    return query_int(request, name, default)


# -- public: lists and directory ----------------------------------------------------------------


@bp.get("/lists/trust")
def trust_list() -> Response:
    db = get_db()
    version = list_service.trust_version(db)
    tag = conditional.entity_tag("trust", version)
    if conditional.held_by_caller(tag):
        return conditional.answer(None, tag, now())
    data = {"version": version, "trust_list": list_service.trust_list_jws(db, version)}
    return conditional.answer(data, tag, now())


@bp.get("/lists/revocations")
def revocations() -> Response:
    db = get_db()
    since, version = int_arg("since", 0), list_service.revocation_version(db)
    list_service.check_since(since, version)
    issued_at, period = _revocations_signed_at()
    tag = conditional.entity_tag("revocations", version, issued_at, period)
    if conditional.held_by_caller(tag):
        return conditional.answer(None, tag, now())
    token = list_service.revocation_list_jws(db, since, version, list_signer(), issued_at, period)
    return conditional.answer({"version": version, "since": since, "revocation_list": token}, tag, now())


def _revocations_signed_at() -> tuple[int, int]:
    """The ``issued_at`` of the revocation lists served now, and the reissue period."""
    period = int(current_app.config["LIST_REISSUE_INTERVAL"])
    return list_service.signing_time(now(), period), period


@bp.get("/directory")
def directory() -> Response:
    from .directory import directory_entries

    return jsonify(
        {"shops": directory_entries(get_db(), request.args.get("comune"), request.args.get("category"))}
    )


# -- kiosks -------------------------------------------------------------------------------------


@bp.post("/kiosks/enrol")
def enrol() -> Response:
    data = body()
    db = get_db()
    kiosk, token = enrolment.enrol(db, data.get("code"), data.get("device_public_key"), now())
    bundle = _kiosk_bundle(kiosk, _sync_state(kiosk), 0)
    return jsonify({**bundle, "token": token, "server_time": to_rfc3339(now())}), 201  # type: ignore[return-value]


@bp.get("/kiosk/sync")
def kiosk_sync() -> Response:
    """The lists, offers and chain position a till needs; 304 when its ``If-None-Match`` names them."""
    kiosk = current_kiosk()
    with read_snapshot(get_db()):  # the answer is made of what its ETag was made of
        state = _sync_state(kiosk)
        tag = conditional.entity_tag("kiosk", kiosk["id"], *state.values())
        if conditional.held_by_caller(tag):
            return conditional.answer(None, tag, now(), private=True)
        bundle = _kiosk_bundle(kiosk, state, int_arg("since", 0), int_arg("trust_version", 0))
    return conditional.answer(bundle, tag, now(), private=True)


def _sync_state(kiosk: dict[str, Any]) -> dict[str, Any]:
    """The numbers a kiosk's sync answer is made from (beside the request's own ``since`` and
    ``trust_version``), read without reading the lists themselves."""
    db = get_db()
    issued_at, period = _revocations_signed_at()
    return {
        "trust_version": list_service.trust_version(db),
        "revocation_version": list_service.revocation_version(db),
        "issued_at": issued_at,
        "period": period,
        "offers": registry.published_offer_versions(db, kiosk["merchant_id"]),
        "chain": [kiosk.get("epoch") or 0, kiosk.get("last_seq") or 0],
    }


def _kiosk_bundle(
    kiosk: dict[str, Any], state: dict[str, Any], since: int, trust_version: int = 0
) -> dict[str, Any]:
    db = get_db()
    current_trust, version = state["trust_version"], state["revocation_version"]
    merchant = registry.get_merchant(db, kiosk["merchant_id"])
    newer_trust = list_service.trust_list_jws(db, current_trust) if current_trust > trust_version else None
    return {
        "kiosk_id": kiosk["id"],
        "merchant": {k: merchant[k] for k in ("id", "name", "istat", "category", "address")},
        "root_public_key": list_service.network_value(db, "root_public_key"),
        "trust_list": newer_trust,
        "trust_list_version": current_trust,
        "revocation_list": list_service.revocation_list_jws(
            db, min(since, version), version, list_signer(), state["issued_at"], state["period"]
        ),
        "offers": registry.published_offers(db, kiosk["merchant_id"]),
        "last_seq": kiosk.get("last_seq") or 0,
    }


@bp.post("/redemptions")
def redemptions() -> Response:
    kiosk = current_kiosk()
    db = get_db()
    result = ingest.ingest_batch(
        db, kiosk, body(), list_service.current_trust_list(db), now(), current_app.config
    )
    return jsonify({**result, "server_time": to_rfc3339(now())})


# -- issuer offices -----------------------------------------------------------------------------


@bp.post("/card-events")
def post_card_events() -> Response:
    istat = current_issuer_comune()
    db = get_db()
    trust = list_service.current_trust_list(db)
    results = card_events.apply_events(db, istat, body().get("events"), trust, now())
    return jsonify({"results": results, "revocation_version": list_service.revocation_version(db)})


# -- administration -----------------------------------------------------------------------------


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
