"""The monthly reports in the admin pages: the page with charts, its JSON, a CSV per table, the PDF, and
the merchant's own statement. Network administrators see every comune; a comune officer sees the
report narrowed to their comune; a merchant manager sees their shop's statement."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, render_template, request

from cardsvc.platform.clock import now
from cardsvc.platform.rome_calendar import month_of
from cardsvc.platform.web.numbers import whole_number

from .admin_ui import bp, login_required
from .auth import user
from .db import get_db
from .i18n import language
from .reports import charts
from .reports.csv_export import TABLES, table_csv
from .reports.months import label
from .reports.pdf_report import render_pdf
from .reports.report import build_report
from .reports.statement import merchant_statement


def _month() -> str:
    return request.args.get("month") or label(*month_of(now()))


def _report(month: str) -> dict[str, Any]:
    found = user()
    comune = found["istat"] if found["role"] == "comune_officer" else (request.args.get("comune") or None)
    try:
        return build_report(get_db(), month, now(), comune)
    except ValueError as error:
        abort(400, description=str(error))


@bp.get("/admin/reports")
@login_required("network_admin", "comune_officer")
def reports() -> str:
    month = _month()
    return render_template(
        "admin/report.html",
        report=_report(month),
        month=month,
        tables=TABLES,
        columns=TABLES,
        comune=request.args.get("comune", ""),
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
    text = table_csv(_report(month), table, italian=request.args.get("decimali", "it") != "en")
    headers = {"Content-Disposition": f'attachment; filename="family-card-{month}-{table}.csv"'}
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
        abort(400, description="merchant is required")
    month = _month()
    try:
        data = merchant_statement(get_db(), merchant_id, month)
    except ValueError as error:
        abort(400, description=str(error))
    return render_template("admin/statement.html", statement=data, month=month)
