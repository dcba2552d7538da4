"""Sync on demand from the till, and the status the page polls for its banner."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.core import JwsError
from cardsvc.platform.clock import now

from .background import run_sync
from .central_client import CentralRefused, CentralUnavailable
from .db import get_db
from .i18n import t
from .identity import NotEnrolled
from .sync import sync_status

bp = Blueprint("sync", __name__)


@bp.get("/status")
def status() -> Response:
    return jsonify(sync_status(get_db(), now(), current_app.config["STALE_AFTER"]))


@bp.post("/sync")
def sync_now() -> BaseResponse:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        result = run_sync(app)
    except NotEnrolled:
        flash(t("not_enrolled"), "error")
    except CentralUnavailable:
        flash(t("offline"), "error")
    except (CentralRefused, JwsError) as error:
        flash(t("sync_refused", reason=str(error)), "error")
    else:
        flash(t("synced", pushed=result["pushed"], pending=result["pending"]), "ok")
    return redirect(url_for("till.index"), 303)
