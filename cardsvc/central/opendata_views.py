"""The open data's public pages (no login): the index of the published months and their files, each
dataset's CSV and its metadata. A month that is not published (unknown, malformed or not closed yet),
a dataset that does not exist or any other address under ``/opendata`` is a 404 said in words, in the
page's language (a JSON error for a metadata file)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, render_template, url_for

from cardsvc.platform.clock import now

from .admin_ui import bp
from .db import get_db
from .directory_views import public_problem
from .errors import error_response
from .i18n import language, t
from .opendata import (
    DATASETS,
    LICENCE,
    NotPublished,
    catalogue,
    check_published,
    dataset_csv,
    keep_summary,
    metadata,
    month_report,
    published_months,
)
from .reports.csv_export import SUPPRESSED
from .reports.months import month_name

CACHE = "public, max-age=3600"  # a closed month's file changes only if a held redemption is accepted


def _closing_days() -> int:
    return int(current_app.config["CLOSING_DAYS"])


@bp.get("/opendata")
def opendata_index() -> str:
    db = get_db()
    return render_template(
        "opendata.html",
        months=published_months(db, now(), _closing_days()),
        datasets=DATASETS,
        licence=LICENCE,
        suppressed=SUPPRESSED,
        closing_days=_closing_days(),
        month_name=lambda month: month_name(month, language()),
    )


@bp.get("/opendata/<month>/<dataset>.csv")
def opendata_csv(month: str, dataset: str) -> Response | tuple[str, int]:
    db = get_db()
    try:
        found = check_published(db, month, dataset, now(), _closing_days())
    except NotPublished:
        return public_problem(404, t("opendata_not_published", month=month[:7], dataset=dataset[:40]))
    text = dataset_csv(month_report(db, month, now()), found)
    headers = {
        "Content-Disposition": f'attachment; filename="family-card-{month}-{dataset}.csv"',
        "Cache-Control": CACHE,
    }
    return Response(text, mimetype="text/csv; charset=utf-8", headers=headers)


@bp.get("/opendata/<month>/<dataset>.json")
def opendata_metadata(month: str, dataset: str) -> Response:
    db = get_db()
    try:
        found = check_published(db, month, dataset, now(), _closing_days())
    except NotPublished:
        message = t("opendata_not_published", month=month[:7], dataset=dataset[:40])
        return error_response(404, "not_found", message)
    keep_summary(db, month, now())
    answer = jsonify(metadata(db, month, found, _urls(month, dataset), _closing_days(), language()))
    answer.headers["Cache-Control"] = CACHE
    return answer


@bp.get("/opendata/catalogo.json")
def opendata_catalogue() -> Response:
    """Every published dataset's metadata in one catalogue, for portals that harvest it."""
    db = get_db()
    months = published_months(db, now(), _closing_days())
    datasets = [
        metadata(db, month, dataset, _urls(month, name), _closing_days(), language())
        for month in months
        for name, dataset in DATASETS.items()
    ]
    index = url_for("admin.opendata_index", _external=True)
    return jsonify(catalogue(db, months, datasets, index, language()))


def _urls(month: str, dataset: str) -> dict[str, str]:
    return {
        "csv": url_for("admin.opendata_csv", month=month, dataset=dataset, _external=True),
        "index": url_for("admin.opendata_index", _external=True),
    }


@bp.get("/opendata/<path:rest>")
def opendata_elsewhere(rest: str) -> tuple[str, int]:
    return public_problem(404, t("opendata_no_such_file"))
