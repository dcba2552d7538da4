"""The monthly reports in the admin pages: the page with charts, its JSON, a CSV per table, the PDF, and
the merchant's own statement. Network administrators see every comune; a comune officer sees the
report narrowed to their comune; a merchant manager sees their shop's statement."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, render_template, request, url_for

from cardsvc.platform.clock import now
from cardsvc.platform.rome_calendar import month_of
from cardsvc.platform.web.numbers import whole_number

from .admin_ui import bp, login_required
from .auth import user
from .db import get_db
from .errors import error_response
from .i18n import language, t
from .reports import charts
from .reports.csv_export import CSV_NAMES, TABLES, table_csv
from .reports.figures import comuni
from .reports.months import label, parse_month
from .reports.pdf_report import render_pdf
from .reports.report import build_report
from .reports.statement import merchant_statement

DECIMALS = ("it", "en")  # the CSV's decimal comma (Italian spreadsheets) or point


class BadQuery(Exception):
    """A query value the report pages cannot use: said in words on a page with a way back."""

    def __init__(self, key: str, value: str, back: str = "admin.reports") -> None:
        super().__init__(key)
        self.key, self.value, self.back = key, value[:40], back  # the value as typed, shown back


@bp.errorhandler(BadQuery)
def bad_query(error: BadQuery) -> tuple[str, int] | Response:
    """The page that says what was wrong, in the page's language, with a link back; JSON for the JSON."""
    if request.path.endswith(".json"):
        return error_response(400, "invalid_request", t(f"bad_query_{error.key}", value=error.value))
    return render_template("admin/report_error.html", error=error, back=url_for(error.back)), 400


def _month(back: str = "admin.reports") -> str:
    month = request.args.get("month") or label(*month_of(now()))
    try:
        parse_month(month)
    except ValueError:
        raise BadQuery("bad_month", month, back) from None
    return month


def _comune() -> str | None:
    """The comune asked for (a network administrator's choice; a comune officer's own, always)."""
    found = user()
    if found["role"] == "comune_officer":
        return str(found["istat"])
    chosen = request.args.get("comune") or None
    if chosen is not None and chosen not in comuni(get_db()):
        raise BadQuery("bad_comune", chosen)
    return chosen


def _decimals() -> str:
    chosen = request.args.get("decimali") or DECIMALS[0]
    if chosen not in DECIMALS:
        raise BadQuery("bad_decimals", chosen)
    return chosen


def _report(month: str) -> dict[str, Any]:
    try:
        return build_report(get_db(), month, now(), _comune())
    except ValueError as error:
        if request.path.endswith(".json"):
            abort(400, description=str(error))
        raise BadQuery("bad_month", month) from None


@bp.get("/admin/reports")
@login_required("network_admin", "comune_officer")
def reports() -> str:
    month = _month()
    report = _report(month)
    return render_template(
        "admin/report.html",
        report=report,
        month=month,
        tables=TABLES,
        csv_names=CSV_NAMES,
        columns=TABLES,
        comune=_comune() if user()["role"] == "network_admin" else None,
        comuni=comuni(get_db()),
        names=comuni(get_db()),
        decimals=_decimals(),
    )


@bp.get("/admin/reports/<month>.json")
@login_required("network_admin", "comune_officer")
def report_json(month: str) -> Response:
    return jsonify(_report(month))


@bp.get("/admin/reports/<month>/<table>.csv")
@login_required("network_admin", "comune_officer")
def report_csv(month: str, table: str) -> Response:
    if table not in TABLES:
        abort(404)
    text = table_csv(_report(month), table, italian=_decimals() == "it")
    headers = {"Content-Disposition": f'attachment; filename="family-card-{month}-{CSV_NAMES[table]}.csv"'}
    return Response(text, mimetype="text/csv; charset=utf-8", headers=headers)


@bp.get("/admin/reports/<month>.pdf")
@login_required("network_admin", "comune_officer")
def report_pdf(month: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="family-card-{month}.pdf"'}
    return Response(render_pdf(_report(month), language()), mimetype="application/pdf", headers=headers)


@bp.get("/admin/reports/<month>/<name>.svg")
@login_required("network_admin", "comune_officer")
def report_chart(month: str, name: str) -> Response:
    if name not in charts.CHARTS:
        abort(404)
    return Response(charts.CHARTS[name](_report(month), "svg", language()), mimetype="image/svg+xml")


@bp.get("/admin/statement")
@login_required("network_admin", "merchant_manager")
def statement() -> str:
    found = user()
    merchant_id = (
        found["merchant_id"]
        if found["role"] == "merchant_manager"
        else request.args.get("merchant", type=whole_number)
    )
    if merchant_id is None:
        raise BadQuery("bad_merchant", request.args.get("merchant", ""), "admin.merchants")
    month = _month("admin.statement" if found["role"] == "merchant_manager" else "admin.merchants")
    try:
        data = merchant_statement(get_db(), merchant_id, month)
    except ValueError:
        raise BadQuery("bad_merchant", str(merchant_id), "admin.merchants") from None
    return render_template("admin/statement.html", statement=data, month=month)
