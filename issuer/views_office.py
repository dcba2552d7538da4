"""Login, the households of the operator's comune (search, register, edit, view), events and audit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.platform.clock import now
from cardsvc.platform.rome_calendar import rome_year
from cardsvc.platform.storage.transactions import write_transaction
from cardsvc.platform.web.forms import Form, done, refused
from cardsvc.platform.web.health import health
from cardsvc.platform.web.login_view import login_page
from cardsvc.platform.web.look import accessibility_statement

from . import audit, outbox, signing_keys
from .audit_words import audit_lines, queued_events
from .auth import check_login, log_in, log_out, login_required, operator
from .background import push_now
from .cards import cards_of, holder_name
from .db import get_db
from .eligibility import minors_in
from .household_search import QUERY_LIMIT, Query, count, search
from .households import as_form, eligibility, get_household, parse_household, rules_of, save_household
from .i18n import describe, t
from .paging import PageRefused, checked_page, page_number
from .retention import ErasureRefused, erase_household
from .view_helpers import page_refusal

bp = Blueprint("office", __name__)


def year() -> int:
    return rome_year(now())


bp.add_url_rule("/health", "health", health)  # the database checked now: 503 with the reason when bad
bp.add_url_rule("/accessibilita", "accessibility", accessibility_statement)  # public, as AgID asks


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse:
    return login_page(check_login, log_in, "login.html", "office.home", t)


@bp.post("/logout")
def logout() -> BaseResponse:
    log_out()
    return redirect(url_for("office.login"))


@bp.get("/")
@login_required
def home() -> tuple[str, int]:
    """The comune's households, or those a search finds, a page at a time."""
    db = get_db()
    istat = operator()["istat"]
    typed = request.args.get("q", "")
    query = Query.of(typed)
    found: list[dict[str, Any]] = []
    page, refusal = None, None
    try:
        if len(typed) > QUERY_LIMIT:
            raise PageRefused("query_too_long", limit=QUERY_LIMIT)
        page = checked_page(page_number(request.args.get("page")), count(db, istat, query))
        found = search(db, istat, query, page.offset, page.size)
    except PageRefused as refused:
        refusal = page_refusal(refused)
    return render_template(
        "home.html",
        query=query.text if refusal is None else typed[:QUERY_LIMIT],
        households=found,
        page=page,
        refusal=refusal,
        pending=len(outbox.pending(db, istat)),
        keys=signing_keys.key_statuses(db, istat),
        rules=rules_of(db, istat),
    ), (400 if refusal else 200)


def _form_page(form: Form, household_id: int | None, status: int = 200) -> tuple[str, int]:
    return render_template("household_form.html", form=form, household_id=household_id), status


@bp.route("/households/new", methods=["GET", "POST"])
@login_required
def new_household() -> tuple[str, int] | BaseResponse:
    if request.method == "GET":
        return _form_page(Form({"resident": "si"}), None)
    return _save(None)


@bp.route("/households/<int:household_id>/edit", methods=["GET", "POST"])
@login_required
def edit_household(household_id: int) -> tuple[str, int] | BaseResponse:
    household = get_household(get_db(), operator()["istat"], household_id)
    if household is None:
        abort(404)
    if request.method == "GET":
        return _form_page(Form.of(as_form(household)), household_id)
    return _save(household_id)


def _save(household_id: int | None) -> tuple[str, int] | BaseResponse:
    form = Form.posted(("reference_person", "other_guardians", "birth_years", "address", "isee"))
    form.values["resident"] = "si" if request.form.get("resident") else "no"
    parsed = parse_household(form.values, year())
    if isinstance(parsed, list):
        for error in parsed:
            form.error(error.field, describe("field", error.code, error.values))
        return _form_page(form, household_id, 422)
    db = get_db()
    istat, username = operator()["istat"], operator()["username"]
    with write_transaction(db):
        saved = save_household(db, istat, parsed, now(), household_id)
        audit.record_action(
            db,
            username,
            istat,
            "edit" if household_id else "register",
            f"household {saved}",
            parsed.reference_person,
            now(),
        )
    name = parsed.reference_person
    done(t("household_updated", name=name) if household_id else t("household_registered", name=name))
    return redirect(url_for("office.household", household_id=saved), 303)


@bp.get("/households/<int:household_id>")
@login_required
def household(household_id: int) -> str:
    db = get_db()
    found = get_household(db, operator()["istat"], household_id)
    if found is None:
        abort(404)
    cards = cards_of(db, household_id)
    active = {c["guardian_id"] for c in cards if c["status"] == "active"}
    return render_template(
        "household.html",
        household=found,
        failures=eligibility(db, found, year()),
        minors=minors_in(found["birth_years"], year()),
        cards=cards,
        holders=[(g, holder_name(g["name"]), g["id"] in active) for g in found["guardians"]],
    )


@bp.post("/households/<int:household_id>/erase")
@login_required
def erase(household_id: int) -> BaseResponse:
    """Erase the household on its request (GDPR art. 17); refused while it holds a valid card."""
    istat, username = operator()["istat"], operator()["username"]
    try:
        erase_household(get_db(), household_id, username, "request", now(), istat)
    except ErasureRefused as refusal:
        if refusal.code == "unknown_household":
            abort(404)
        refused(t("erase_refused_active"))
        return redirect(url_for("office.household", household_id=household_id), 303)
    done(t("household_erased"))  # no name: nothing of the household is shown once it is erased
    return redirect(url_for("office.home"), 303)


@bp.get("/events")
@login_required
def events() -> str:
    db = get_db()
    istat = operator()["istat"]
    return render_template(
        "events.html",
        pending=queued_events(db, outbox.pending(db, istat)),
        rejected=queued_events(db, outbox.rejected(db, istat)),
    )


@bp.post("/events/push")
@login_required
def push() -> BaseResponse:
    done(t("pushed", outcome=push_now(get_db(), now()).get(operator()["istat"], 0)))
    return redirect(url_for("office.events"), 303)


@bp.get("/audit")
@login_required
def audit_log() -> str:
    db, istat = get_db(), operator()["istat"]
    return render_template("audit.html", lines=audit_lines(db, istat, audit.recent(db, istat)))
