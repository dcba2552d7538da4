"""What every till page shows and how it writes numbers and dates (euros, dates and times in Rome, by
Babel in the page's language), the sync status bar; the error pages (and the till's one mapping of domain
errors to them), a full disk and a damaged database in words."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from cardsvc.core import from_rfc3339
from cardsvc.core.errors import DomainError
from cardsvc.core.offer_rules import Offer
from cardsvc.platform import rome_calendar
from cardsvc.platform.clock import now
from cardsvc.platform.storage.health import storage_failure
from cardsvc.platform.web.error_status import refusal_page as shared_refusal_page
from cardsvc.platform.web.i18n import day, moment, money, number

from .db import get_db
from .i18n import t, verdict_message
from .sync import sync_status


def local_time(value: int | str | None) -> str:
    """A moment (seconds or RFC 3339) as its Rome day and time, ``25/11/2026 14:30``; "never" for none."""
    if value is None:
        return t("never")
    return moment(from_rfc3339(value) if isinstance(value, str) else value)


def last_valid_day(expires_at: str) -> str:
    """A card expiring at midnight is valid through the day before: that day is printed."""
    return day(rome_calendar.last_valid_day(from_rfc3339(expires_at)))


def offer_terms(offer: Offer) -> str:
    """The offer in a few words of the page's language: ``10% di sconto, al massimo 5,00 €``, ``5,00 € di
    sconto``, with its minimum spend (`` · spesa minima 40,00 €``)."""
    if offer.kind == "percent" and offer.cap_cents is not None:
        terms = t("offer_percent_cap", percent=number(offer.percent or 0), cap=money(offer.cap_cents))
    elif offer.kind == "percent":
        terms = t("offer_percent", percent=number(offer.percent or 0))
    else:
        terms = t("offer_fixed", amount=money(offer.amount_cents or 0))
    if offer.min_spend_cents:
        terms += " · " + t("min_spend_short", amount=money(offer.min_spend_cents))
    return terms


def template_helpers() -> dict[str, Any]:
    return {
        "local_time": local_time,
        "last_valid_day": last_valid_day,
        "offer_terms": offer_terms,
        "verdict_message": verdict_message,
    }


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def error_page(exc: HTTPException) -> tuple[str, int] | Response:
        key = f"error_{exc.description}" if exc.description in ("csrf_failed", "not_loopback") else None
        message = t(key) if key else f"{exc.code} {exc.name}"
        return render_template("error.html", message=message), exc.code or 500

    @app.errorhandler(DomainError)
    def refusal_page(exc: DomainError) -> ResponseReturnValue:
        """A refusal no view said in its own words: the page of its status, the code in the log."""
        return shared_refusal_page(exc, error_page)

    @app.errorhandler(sqlite3.DatabaseError)
    def storage_page(exc: sqlite3.DatabaseError) -> tuple[str, int]:
        """A full disk or a damaged database, in words and with what to do (the page reads nothing from
        the database); the transaction that failed was rolled back, so nothing is half-recorded."""
        problem = storage_failure(exc)
        if problem is None:
            raise exc
        app.logger.error("storage failure (%s) on %s: %s", problem, request.path, exc)
        return render_template("storage_error.html", problem=problem, posted=request.method == "POST"), 503


def page(template: str, status_code: int = 200, **context: Any) -> tuple[str, int]:
    """Render a till page with the status bar's figures."""
    status = sync_status(get_db(), now(), current_app.config["STALE_AFTER"])
    return render_template(template, status=status, **context), status_code
