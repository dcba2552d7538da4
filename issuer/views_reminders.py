"""Renewal reminders: the comune's cards due for renewal, and the letters printed for them.

``GET /reminders`` lists the due cards (``?show=unsent`` those without a reminder), 50 a page, each with
a box to choose it. ``POST /reminders/print`` marks the chosen cards' reminders sent (or every unsent
one, with ``all_unsent``) and goes back to the list, which then offers the letters of that print as a
PDF (``GET /reminders/letters.pdf?at=…``, each download audited as ``print``). A refused choice says why
on the list's page (422) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.platform.clock import now
from cardsvc.platform.i18n import DEFAULT_LANGUAGE
from cardsvc.platform.storage.transactions import write_transaction
from cardsvc.platform.web.numbers import whole_number

from . import reminders
from .audit import record_action
from .auth import login_required, operator
from .db import get_db
from .households import rules_of
from .i18n import describe
from .paging import PageRefused, checked_page, page_number
from .reminder_letters import letters_of, letters_pdf
from .reminders import ReminderRefused, Window
from .view_helpers import page_refusal

bp = Blueprint("reminders", __name__)
PAGE_SIZE = 50


def _window() -> Window:
    return Window(now(), int(current_app.config["RENEW_DAYS"]))


def _show() -> str:
    shown = request.args.get("show", "all")
    return shown if shown in reminders.SHOWS else "all"


def _list_page(refusal: str | None = None, status: int = 200) -> tuple[str, int]:
    db, signed_in = get_db(), operator()
    window, show = _window(), _show()
    rows = reminders.due_cards(db, signed_in["istat"], window, show)
    page, page_problem = None, None
    try:
        page = checked_page(page_number(request.args.get("page")), len(rows), PAGE_SIZE)
    except PageRefused as refused:
        page_problem, status = page_refusal(refused), 400
    printed = _printed_here(request.args.get("printed"))
    return render_template(
        "reminders.html",
        rows=rows[page.offset : page.offset + page.size] if page else [],
        page=page,
        show=show,
        days=window.days,
        unsent=sum(1 for row in rows if row["sent_at"] is None) if show == "all" else len(rows),
        refusal=refusal or page_problem,
        printed=printed,
        chosen=set(request.form.getlist("card")) if request.method == "POST" else set(),
    ), status


def _printed_here(at: str | None) -> dict[str, Any] | None:
    """The print the operator just made (``?printed=<time>``): when, how many households and cards."""
    if not at:
        return None
    try:
        sent_at = whole_number(at)
    except ValueError:
        return None
    signed_in = operator()
    cards = reminders.sent_together(get_db(), signed_in["istat"], signed_in["username"], sent_at)
    if not cards:
        return None
    households = len(reminders.by_household(cards))
    return {"at": sent_at, "cards": len(cards), "households": households}


@bp.get("/reminders")
@login_required
def reminder_list() -> tuple[str, int]:
    return _list_page()


@bp.post("/reminders/print")
@login_required
def print_letters() -> BaseResponse | tuple[str, int]:
    """Mark the chosen cards' reminders sent, then back to the list with the letters to download."""
    db, signed_in, window = get_db(), operator(), _window()
    if request.form.get("all_unsent"):
        due = reminders.due_cards(db, signed_in["istat"], window, "unsent")
        chosen = [row["cti"] for row in due[: reminders.MAX_LETTERS]]
    else:
        chosen = request.form.getlist("card")
    try:
        reminders.mark_sent(db, signed_in["username"], signed_in["istat"], chosen, window)
    except ReminderRefused as refused:
        return _list_page(describe("reminder_refused", refused.code, refused.values), 422)
    return redirect(url_for("reminders.reminder_list", show=_show(), printed=window.now), 303)


@bp.get("/reminders/letters.pdf")
@login_required
def letters() -> Response:
    """The letters of one print (``?at=``, the time it was marked sent) by this operator."""
    db, signed_in = get_db(), operator()
    try:
        sent_at = whole_number(request.args.get("at", ""))
    except ValueError:
        abort(404)
    cards = reminders.sent_together(db, signed_in["istat"], signed_in["username"], sent_at)
    if not cards:
        abort(404)
    letters = letters_of(cards, sent_at, int(current_app.config["RENEW_DAYS"]))
    comune = signed_in["comune"]["name"]
    isee = rules_of(db, signed_in["istat"]).isee_ceiling_cents is not None
    data = letters_pdf(letters, comune, isee, sent_at, DEFAULT_LANGUAGE)
    with write_transaction(db):
        detail = f"reminder letters: {len(letters)}"
        record_action(db, signed_in["username"], signed_in["istat"], "print", "reminders", detail, now())
    disposition = f'attachment; filename="promemoria-rinnovo-{sent_at}.pdf"'
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": disposition})
