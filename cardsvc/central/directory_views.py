"""The public directory's pages (no login): the search page, its CSV export and each comune's leaflet.

Bad input is said in words on the page, never as a bare error: an unknown comune or a page beyond the
last is a 404 page in the page's language, an unknown category or a page that is not a number a 400
one; the JSON of the same entries is the API's ``/api/v1/directory``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask import Response, render_template, request

from cardsvc.platform.clock import now
from cardsvc.platform.spreadsheet_cells import spreadsheet_safe
from cardsvc.platform.web.numbers import whole_number

from . import registry
from .admin_ui import bp
from .db import get_db
from .directory import MAX_QUERY, directory_entries
from .i18n import language, t
from .leaflet import render_leaflet

PER_PAGE = 20
CSV_COLUMNS = ("Comune", "Esercente", "Categoria", "Indirizzo", "Offerta", "Condizioni", "Descrizione")


class BadQuery(Exception):
    """A filter or page the directory cannot show; ``status`` 400 or 404, ``message`` in words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Filters:
    query: str
    comune: str
    category: str

    def args(self) -> dict[str, str]:
        """The filters set, for links that keep them."""
        return {
            k: v for k, v in (("q", self.query), ("comune", self.comune), ("category", self.category)) if v
        }


def _comuni() -> list[dict[str, Any]]:
    return list(get_db()["comuni"].rows_where(order_by="name"))


def _filters() -> Filters:
    """The search from the query string; BadQuery for a comune or category the network does not have."""
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    comune = request.args.get("comune", "").strip()
    category = request.args.get("category", "").strip()
    if comune and comune not in {c["istat"] for c in _comuni()}:
        raise BadQuery(404, t("directory_unknown_comune"))
    if category and category not in registry.CATEGORIES:
        raise BadQuery(400, t("directory_unknown_category"))
    return Filters(query, comune, category)


def _page_number(pages: int) -> int:
    text = request.args.get("page", "1")
    try:
        page = whole_number(text, 1, 10**9)
    except ValueError:
        raise BadQuery(400, t("directory_bad_page")) from None
    if page > pages:
        raise BadQuery(404, t("directory_no_such_page", page=page, pages=pages))
    return page


def _page(filters: Filters | None, **values: Any) -> str:
    return render_template(
        "directory.html",
        comuni=_comuni(),
        categories=registry.CATEGORIES,
        filters=filters or Filters("", "", ""),
        **values,
    )


@bp.get("/directory")
def directory() -> tuple[str, int] | str:
    try:
        filters = _filters()
    except BadQuery as bad:
        return _page(None, shops=[], count=0, page=1, pages=1, problem=bad.message), bad.status
    shops = directory_entries(get_db(), filters.comune, filters.category, filters.query, language())
    pages = max(1, -(-len(shops) // PER_PAGE))
    try:
        page = _page_number(pages)
    except BadQuery as bad:
        return _page(
            filters, shops=[], count=len(shops), page=1, pages=pages, problem=bad.message
        ), bad.status
    shown = shops[(page - 1) * PER_PAGE : page * PER_PAGE]
    return _page(filters, shops=shown, count=len(shops), page=page, pages=pages, problem=None)


def public_problem(status: int, message: str) -> tuple[str, int]:
    """A public page that says what is wrong, with a way back to the directory."""
    return render_template("public_problem.html", message=message, status=status), status


@bp.get("/directory.csv")
def directory_csv() -> Response | tuple[str, int]:
    """The directory as CSV for spreadsheets: a row per offer, Italian column names, ``;`` between cells,
    UTF-8 with a byte order mark (so Excel reads the accents); no cell can start a formula."""
    try:
        filters = _filters()
    except BadQuery as bad:
        return public_problem(bad.status, bad.message)
    shops = directory_entries(get_db(), filters.comune, filters.category, filters.query, language())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for shop in shops:
        for offer in shop["offers"]:
            cells = (shop["comune"], shop["name"], shop["category"], shop["address"] or "", offer["title"],
                     offer["terms"], offer["description"] or "")  # fmt: skip
            writer.writerow([spreadsheet_safe(str(cell)) for cell in cells])
    headers = {"Content-Disposition": 'attachment; filename="family-card-esercenti.csv"'}
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8", headers=headers)


@bp.get("/directory/<istat>/leaflet.pdf")
def leaflet(istat: str) -> Response | tuple[str, int]:
    """The comune's leaflet: A4, two columns, its shops by category with their offers."""
    names = {c["istat"]: c["name"] for c in _comuni()}
    if istat not in names:
        return public_problem(404, t("directory_unknown_comune"))
    shops = directory_entries(get_db(), istat, lang=language())
    pdf = render_leaflet(names[istat], shops, now(), language())
    headers = {"Content-Disposition": f'attachment; filename="family-card-{istat}.pdf"'}
    return Response(pdf, mimetype="application/pdf", headers=headers)


@bp.get("/directory/<path:rest>")
def directory_elsewhere(rest: str) -> tuple[str, int]:
    """Any other address under the directory: a 404 in words, with the way back."""
    return public_problem(404, t("directory_no_such_address"))
