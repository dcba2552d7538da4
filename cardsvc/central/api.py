"""The versioned JSON API, ``/api/v1``: thin views over the domain modules."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from cardsvc.platform.clock import now
from cardsvc.platform.storage.transactions import read_snapshot

from ..core import to_rfc3339
from . import (
    card_events,
    conditional,
    enrolment,
    ingest,
    list_service,
    registry,
)
from .auth import (
    authenticate,
    current_issuer_comune,
    current_kiosk,
)
from .db import get_db
from .i18n import language
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

    args = request.args
    shops = directory_entries(get_db(), args.get("comune"), args.get("category"), args.get("q"), language())
    return jsonify({"count": len(shops), "shops": shops})


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
    tag = _sync_tag(kiosk, _sync_state(kiosk))  # one statement: most tills hold the answer already
    if conditional.held_by_caller(tag):
        return conditional.answer(None, tag, now(), private=True)
    with read_snapshot(get_db()):  # the answer is made of what its ETag was made of
        state = _sync_state(kiosk)
        tag = _sync_tag(kiosk, state)
        bundle = _kiosk_bundle(kiosk, state, int_arg("since", 0), int_arg("trust_version", 0))
    return conditional.answer(bundle, tag, now(), private=True)


def _sync_state(kiosk: dict[str, Any]) -> dict[str, Any]:
    """The numbers a kiosk's sync answer is made from (beside the request's own ``since`` and
    ``trust_version``), read in one statement without reading the lists themselves."""
    trust, revocation, offers = list_service.kiosk_versions(get_db(), kiosk["merchant_id"])
    issued_at, period = _revocations_signed_at()
    return {
        "trust_version": trust,
        "revocation_version": revocation,
        "issued_at": issued_at,
        "period": period,
        "offers": offers,
        "chain": [kiosk.get("epoch") or 0, kiosk.get("last_seq") or 0],
    }


def _sync_tag(kiosk: dict[str, Any], state: dict[str, Any]) -> str:
    return conditional.entity_tag("kiosk", kiosk["id"], *state.values())


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
