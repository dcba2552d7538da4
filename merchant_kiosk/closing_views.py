"""Day close and the merchant's monthly statement: printable pages over the ledger."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.platform.clock import now
from cardsvc.platform.rome_calendar import month_of

from . import checkout, ledger
from .db import get_db
from .ledger import LedgerError
from .view_helpers import page

bp = Blueprint("closing", __name__)
MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


@bp.get("/day")
def day() -> tuple[str, int]:
    db = get_db()
    today = ledger.rome_day(now())
    return page("day.html", today=today, summary=ledger.day_summary(db, today), closes=ledger.day_closes(db))


@bp.post("/day/close")
def close() -> tuple[str, int] | BaseResponse:
    db = get_db()
    today = ledger.rome_day(now())
    try:
        record = ledger.close_day(db, today, now())
    except LedgerError as refused:
        summary = ledger.day_summary(db, today)
        return page(
            "day.html", 409, today=today, summary=summary, closes=ledger.day_closes(db), error=refused.code
        )
    return redirect(url_for("closing.day_close", number=record["number"]), 303)


@bp.get("/day/<int:number>")
def day_close(number: int) -> tuple[str, int]:
    record = ledger.day_close(get_db(), number)
    if record is None:
        abort(404)
    return page("day_close.html", record=record)


@bp.get("/statement")
def statement() -> tuple[str, int]:
    month = request.args.get("month") or "{:04d}-{:02d}".format(*month_of(now()))
    if not MONTH.fullmatch(month):
        return page("statement.html", 422, statement=None, month=month, error="invalid_month")
    offers = {o.id: o for o in checkout.offers(get_db())}
    return page(
        "statement.html", statement=ledger.month_statement(get_db(), month), month=month, offers=offers
    )
