"""What the office's pages share: the signing context, dates in Rome, refusals in words, error pages (and
the office's one mapping of domain errors to them)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from cardsvc.core.errors import DomainError
from cardsvc.platform import rome_calendar
from cardsvc.platform.storage.health import DATABASE_ERRORS, storage_failure
from cardsvc.platform.web.error_status import refusal_page as shared_refusal_page
from cardsvc.platform.web.i18n import day

from .cards import Office
from .i18n import batch_error_text, describe, t


def office() -> Office:
    config = current_app.config
    return Office(
        config["INSTANCE_PATH"],
        config["PASSPHRASE"],
        config["PSEUDONYM_KEY"],
        config["VALIDITY_MONTHS"],
        config["RENEW_DAYS"],
    )


def last_valid_day(expires_at: int) -> str:
    return day(rome_calendar.last_valid_day(expires_at))


def refusal_text(refused: Any) -> str:
    values = {k: day(v) if k == "date" else v for k, v in refused.values.items()}
    return describe("refused", refused.code, values)


def skipped_text(code: str, holder: str) -> str:
    return describe("refused", code, {"holder": holder, "detail": "", "status": "", "date": ""})


def page_refusal(refused: Any) -> str:
    """A ``?page=`` that is not a page of the list, in words."""
    return describe("page", refused.code, refused.values)


def template_helpers() -> dict[str, Any]:
    return {
        "last_valid_day": last_valid_day,
        "describe": describe,
        "batch_error_text": batch_error_text,
        "skipped_text": skipped_text,
    }


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def error_page(exc: HTTPException) -> tuple[str, int]:
        message = t("csrf_failed") if exc.description == "csrf_failed" else f"{exc.code} {exc.name}"
        if exc.code == 404:
            message = t("not_found")
        return render_template("error.html", message=message), exc.code or 500

    @app.errorhandler(DomainError)
    def refusal_page(exc: DomainError) -> ResponseReturnValue:
        """A refusal no view said in its own words: the page of its status, the code in the log."""
        return shared_refusal_page(exc, error_page)

    def storage_page(exc: Exception) -> tuple[str, int]:
        """A full disk or a damaged database, in words and with what to do; the failed transaction was
        rolled back."""
        problem = storage_failure(exc)
        if problem is None:
            raise exc
        current_app.logger.error("storage failure (%s) on %s: %s", problem, request.path, exc)
        return render_template("error.html", message=t(f"storage_{problem}")), 503

    for error_class in DATABASE_ERRORS:  # a SQLite file's or a PostgreSQL server's
        app.register_error_handler(error_class, storage_page)
