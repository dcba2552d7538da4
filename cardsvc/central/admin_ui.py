"""The administrators' web pages under ``/admin``, and the public directory page.

Network administrators see and change everything; comune officers see their own comune's shops and
flags; merchant managers their own shops, offers and tills. Views are thin: the work is done by the
same domain functions the API uses, and the messages of their refusals (``DomainError``) are shown on
the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.core.errors import DomainError
from cardsvc.platform.clock import now
from cardsvc.platform.web.csrf import check_csrf
from cardsvc.platform.web.forms import Form, done, refused
from cardsvc.platform.web.login_view import login_page
from cardsvc.platform.web.look import accessibility_statement

from . import enrolment, issuer_credentials, list_service, registry
from .admin_forms import comune_form, kiosk_form, merchant_form, offer_form
from .anomalies import list_flags
from .auth import check_password, current_user, log_in, log_out, may_manage_merchant, may_see_comune, user
from .db import get_db
from .i18n import t

bp = Blueprint("admin", __name__)
F = TypeVar("F", bound=Callable[..., Any])
# Which offer moves each role may press, by the offer's status.
OFFER_ACTIONS = {
    "network_admin": {
        "pending": ["published", "draft"],
        "published": ["suspended"],
        "suspended": ["published", "ended"],
    },
    "merchant_manager": {"draft": ["pending", "ended"], "published": ["ended"]},
}
ACTION_LABELS = {
    "published": "approve",
    "draft": "reject",
    "suspended": "suspend",
    "ended": "end",
    "pending": "submit",
}


@bp.before_request
def csrf_and_user() -> None:
    check_csrf()
    user = current_user()
    if user is not None:
        g.user_language = user["language"]


def login_required(*roles: str) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("admin.login", next=request.path))
            if roles and user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


@bp.route("/admin/login", methods=["GET", "POST"])
def login() -> str | BaseResponse:
    return login_page(check_password, log_in, "admin/login.html", "admin.dashboard", t)


@bp.post("/admin/logout")
def logout() -> BaseResponse:
    log_out()
    return redirect(url_for("admin.login"))


@bp.get("/admin/")
@login_required()
def dashboard() -> str:
    db = get_db()
    totals = db.execute(
        "select count(*) from redemptions where type = 'redemption' and status = 'accepted' and voided = 0"
    ).fetchone()[0]
    return render_template(
        "admin/dashboard.html",
        summary=list_service.trust_summary(db),
        redemptions=totals,
        open_flags=len(visible_flags()),
    )


@bp.route("/admin/comuni", methods=["GET", "POST"])
@login_required("network_admin")
def comuni() -> tuple[str, int] | BaseResponse:
    db = get_db()
    form = Form()
    if request.method == "POST":
        form = Form.posted(("trust_list",))
        if not form.get("trust_list").strip():
            form.error("trust_list", t("field_required"))
        else:
            try:
                trust = list_service.import_trust_list(db, form.get("trust_list"), now())
                done(t("imported", version=trust.version))
                return redirect(url_for("admin.comuni"), 303)
            except DomainError as exc:
                form.error("trust_list", t("trust_list_refused", reason=exc.message))
    keys = list(db["issuer_keys"].rows_where(order_by="istat, valid_from"))
    return render_template(
        "admin/comuni.html", comuni=list(db["comuni"].rows_where(order_by="name")), keys=keys, form=form
    ), (200 if form.ok else 422)


@bp.route("/admin/merchants", methods=["GET", "POST"])
@login_required()
def merchants() -> tuple[str, int] | BaseResponse:
    """The shops the user may see; a network administrator adds one with the form below them."""
    db = get_db()
    form = Form()
    if request.method == "POST":
        if user()["role"] != "network_admin":
            abort(403)
        form = merchant_form(db)
        if form.ok:
            try:
                created = registry.create_merchant(db, form.values, now())
                done(t("merchant_added", name=created["name"]))
                return redirect(url_for("admin.merchants"), 303)
            except DomainError as exc:  # checked above; a race with another administrator
                refused(exc.message)
    rows = [
        m
        for m in db["merchants"].rows_where(order_by="name")
        if may_manage_merchant(user(), m["id"]) or may_see_comune(user(), m["istat"])
    ]
    return render_template(
        "admin/merchants.html", merchants=rows, comuni=list(db["comuni"].rows_where(order_by="name")),
        categories=registry.CATEGORIES, form=form,
    ), (200 if form.ok else 422)  # fmt: skip


@bp.route("/admin/offers", methods=["GET", "POST"])
@login_required("network_admin", "merchant_manager")
def offers() -> tuple[str, int] | BaseResponse:
    """The offers of the user's shops, with the moves the user may make; below, a new offer (a draft)."""
    db = get_db()
    form = Form({"kind": "percent", "min_minors": "1"})
    if request.method == "POST":
        form, merchant_id, data = offer_form(db)
        if form.ok and merchant_id is not None:
            try:
                created = registry.create_offer(db, merchant_id, data, now())
                done(t("offer_created", title=created["title"]))
                return redirect(url_for("admin.offers"), 303)
            except DomainError as exc:
                refused(exc.message)
    visible = [
        o
        for o in db.query(
            "select o.*, m.name as merchant from offers o join merchants m on m.id = o.merchant_id "
            "order by o.id"
        )
        if may_manage_merchant(user(), o["merchant_id"])
    ]
    shops = [m for m in db["merchants"].rows_where(order_by="name") if may_manage_merchant(user(), m["id"])]
    actions = OFFER_ACTIONS.get(user()["role"], {})
    return render_template(
        "admin/offers.html", offers=visible, actions=actions, labels=ACTION_LABELS, form=form, shops=shops,
        kinds=[(kind, t(f"kind_{kind}")) for kind in registry.OFFER_KINDS],
    ), (200 if form.ok else 422)  # fmt: skip


@bp.route("/admin/kiosks", methods=["GET", "POST"])
@login_required("network_admin", "merchant_manager")
def kiosks() -> tuple[str, int]:
    db = get_db()
    created = None
    form = Form({"name": t("kiosk_name_default")})
    if request.method == "POST":
        if user()["role"] != "network_admin":
            abort(403)
        form, merchant_id = kiosk_form(db)
        if form.ok and merchant_id is not None:
            try:
                ttl = int(current_app.config["ENROLMENT_CODE_TTL"])
                created = enrolment.create_kiosk(db, merchant_id, form.get("name"), now(), ttl)
                form = Form({"name": t("kiosk_name_default")})
            except DomainError as exc:
                refused(exc.message)
    rows = [
        k
        for k in db["kiosks"].rows_where(order_by="created_at desc")
        if may_manage_merchant(user(), k["merchant_id"])
    ]
    shops = [m for m in db["merchants"].rows_where(order_by="name") if may_manage_merchant(user(), m["id"])]
    return render_template("admin/kiosks.html", kiosks=rows, merchants=shops, created=created, form=form), (
        200 if form.ok else 422
    )


def visible_flags(status: str = "open") -> list[dict[str, Any]]:
    """The flags the signed-in user may see: a shop's own, a comune's, or the whole network's."""
    role = user()["role"]
    if role == "merchant_manager":
        return [f for f in list_flags(get_db(), status) if f["merchant_id"] == user()["merchant_id"]]
    return list_flags(get_db(), status, istat=None if role == "network_admin" else user()["istat"])


@bp.route("/admin/issuers", methods=["GET", "POST"])
@login_required("network_admin")
def issuers() -> tuple[str, int]:
    db = get_db()
    created = None
    form = Form()
    if request.method == "POST":
        form = comune_form(db)
        if form.ok:
            created = issuer_credentials.create(db, form.get("istat"), now())
            created["comune"] = db.table("comuni").get(created["istat"])["name"]
            form = Form()
    return render_template(
        "admin/issuers.html",
        comuni=list(db["comuni"].rows_where(order_by="name")),
        credentials=issuer_credentials.listed(db),
        created=created,
        form=form,
    ), (200 if form.ok else 422)


@bp.post("/admin/issuers/<int:credential_id>/revoke")
@login_required("network_admin")
def issuer_revoke(credential_id: int) -> BaseResponse:
    try:
        issuer_credentials.revoke(get_db(), credential_id, now())
        done(t("credential_revoked"))
    except DomainError as error:
        refused(error.message)
    return redirect(url_for("admin.issuers"))


bp.add_url_rule("/accessibilita", "accessibility", accessibility_statement)  # public, as AgID asks


@bp.get("/")
def home() -> Response | BaseResponse:
    return redirect(url_for("admin.directory"))
