"""The pages of a shop's way in: the public application form (``/aderisci``), the queue where the network
or the comune decides, the unsent messages, and the one-time link that sets the manager's password."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.core.errors import DomainError
from cardsvc.platform.clock import now
from cardsvc.platform.i18n import N_
from cardsvc.platform.web.error_status import http_status, with_retry_after
from cardsvc.platform.web.forms import Form, done, refused
from cardsvc.platform.web.i18n import language

from . import mail_outbox, password_links, registry, shop_applications
from .admin_ui import bp, login_required
from .auth import user
from .db import get_db, write_transaction
from .i18n import t
from .mail_delivery import deliver_now, smtp_settings

FIELDS = (
    "name", "vat", "istat", "category", "address", "contact_name", "email", "phone",
    "offer_title", "offer_kind", "offer_percent", "offer_amount", "offer_min_spend",
)  # fmt: skip
# Keys said through a code (``t(error.code)``, ``t("applications_" + status)``), listed for extraction.
COMPOSED_KEYS = (
    N_("field_required"),
    N_("field_too_long"),
    N_("application_unknown_comune"),
    N_("application_unknown_category"),
    N_("application_bad_email"),
    N_("application_bad_phone"),
    N_("application_offer_kind"),
    N_("application_offer_percent"),
    N_("application_bad_amount"),
    N_("application_already_member"),
    N_("application_duplicate"),
    N_("application_rate_limited"),
    N_("application_email_taken"),
    N_("application_decided"),
    N_("reason_required"),
    N_("refusal_note_required"),
    N_("link_used"),
    N_("link_expired"),
    N_("link_unknown"),
    N_("applications_pending"),
    N_("applications_approved"),
    N_("applications_refused"),
    N_("mail_approved_subject"),
    N_("mail_approved_body"),
    N_("mail_refused_subject"),
    N_("mail_refused_body"),
)


def _form_page(form: Form) -> str:
    db = get_db()
    return render_template(
        "apply.html",
        form=form,
        comuni=list(db["comuni"].rows_where(order_by="name")),
        categories=registry.CATEGORIES,
        honeypot=shop_applications.HONEYPOT,
    )


@bp.route("/aderisci", methods=["GET", "POST"])
def apply() -> str | tuple[str, int] | BaseResponse:
    """Public: a shop asks to join. Bad input: the form again (422), with what was typed and the error
    beside its field; a refusal (a duplicate, too many at once) said above it; nothing stored."""
    if request.method == "GET":
        return _form_page(Form({"offer_kind": "percent"}))
    form = Form.posted(FIELDS)
    limits = shop_applications.Limits(
        current_app.config["APPLICATIONS_PER_ADDRESS"], current_app.config["APPLICATIONS_PER_HOUR"]
    )
    client = shop_applications.client_key(str(current_app.secret_key).encode(), request.remote_addr)
    db = get_db()
    try:
        with write_transaction(db):
            shop_applications.submit(db, request.form.to_dict(), client, now(), limits, language())
    except shop_applications.ApplicationInvalid as error:
        form.error(error.field, t(error.code, **error.details))
        return _form_page(form), 422
    except DomainError as error:
        refused(t(error.code))
        return with_retry_after(make_response(_form_page(form), http_status(error)), error)
    return render_template("apply_received.html", email=form.get("email").strip().lower())


@bp.get("/admin/applications")
@login_required("network_admin", "comune_officer")
def applications() -> str:
    status = request.args.get("status", "pending")
    if status not in ("pending", "approved", "refused"):
        abort(404)
    return render_template(
        "admin/applications.html",
        applications=shop_applications.listed(get_db(), user(), status),
        status=status,
        reasons=shop_applications.REFUSAL_REASONS,
    )


@bp.route("/admin/applications/<int:application_id>", methods=["GET"])
@login_required("network_admin", "comune_officer")
def application(application_id: int) -> str:
    try:
        found = shop_applications.get(get_db(), user(), application_id)
    except DomainError:
        abort(404)
    return render_template(
        "admin/application.html", application=found, reasons=shop_applications.REFUSAL_REASONS
    )


@bp.post("/admin/applications/<int:application_id>/approve")
@login_required("network_admin", "comune_officer")
def approve(application_id: int) -> BaseResponse:
    db = get_db()
    try:
        with write_transaction(db):
            found = shop_applications.approve(db, user(), application_id, now())
            token = password_links.create_link(
                db, found["email"], found["merchant_id"], now(), current_app.config["PASSWORD_LINK_TTL"]
            )
            link = _public_url("admin.set_password", token=token)
            _queue(db, found, "mail_approved_subject", "mail_approved_body", link=link)
    except DomainError as error:
        if error.code == "application_not_found":
            abort(404)
        refused(t(error.code))
        return redirect(url_for("admin.application", application_id=application_id))
    deliver_now(current_app)
    done(t("application_approved", name=found["name"]))
    return redirect(url_for("admin.applications"))


@bp.post("/admin/applications/<int:application_id>/refuse")
@login_required("network_admin", "comune_officer")
def refuse(application_id: int) -> BaseResponse:
    db = get_db()
    reason, note = request.form.get("reason", ""), request.form.get("note", "")
    try:
        with write_transaction(db):
            found = shop_applications.refuse(db, user(), application_id, reason, note, now())
            _queue(
                db,
                found,
                "mail_refused_subject",
                "mail_refused_body",
                reason=t.in_language(found["language"] or "it", reason),
                note=note.strip(),
            )
    except DomainError as error:
        if error.code == "application_not_found":
            abort(404)
        refused(t(error.code))
        return redirect(url_for("admin.application", application_id=application_id))
    deliver_now(current_app)
    done(t("application_refused", name=found["name"]))
    return redirect(url_for("admin.applications"))


def _queue(db: Any, application: dict[str, Any], subject: str, body: str, **values: str) -> None:
    lang = application["language"] or "it"
    words = {"name": application["name"], "contact": application["contact_name"], **values}
    mail_outbox.queue_message(
        db,
        application["email"],
        t.in_language(lang, subject, **words),
        t.in_language(lang, body, **words),
        now(),
    )


def _public_url(endpoint: str, **values: Any) -> str:
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


@bp.get("/admin/messages")
@login_required("network_admin")
def messages() -> str:
    return render_template(
        "admin/messages.html",
        messages=mail_outbox.unsent(get_db()),
        smtp=smtp_settings(current_app) is not None,
    )


@bp.route("/account/password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> str | tuple[str, int] | BaseResponse:
    """Public, for the holder of the link: a used, expired or unknown link says so (410 or 404)."""
    db = get_db()
    try:
        link = password_links.usable_link(db, token, now())
    except DomainError as error:
        status = 404 if error.code == "link_unknown" else 410
        return make_response(render_template("link_unusable.html", problem=t(error.code)), status)
    form = Form()
    if request.method == "GET":
        return render_template("set_password.html", username=link["username"], form=form)
    password = request.form.get("password", "")
    if password != request.form.get("confirm", ""):
        form.error("confirm", t("passwords_differ"))
        return render_template("set_password.html", username=link["username"], form=form), 422
    try:
        with write_transaction(db):
            password_links.set_password(db, token, password, now())
    except DomainError as error:
        form.error("password", t("weak_password") if error.code == "weak_password" else t(error.code))
        return render_template("set_password.html", username=link["username"], form=form), 422
    done(t("password_set"))
    return redirect(url_for("admin.login"))
