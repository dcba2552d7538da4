"""Open data: each closed month's network figures, as the monthly report publishes them (after the
suppression of small cells, ``reports.suppression``), in a CSV file per dataset with a metadata file of
DCAT-AP_IT fields, at public URLs that a comune can link from its "Amministrazione trasparente" pages.

Only closed months are published (``CLOSING_DAYS`` after their end, when later redemptions are held for
review), from the network's first month on. The datasets are the report's tables of the month's flows:
the network, the family's comune, the shop's comune, the shop's category within its comune and the
flow between comuni. What counts a stock or is read at the time of reading (active cards, families
with a card, open flags, participating shops) is left out: a stock published month after month would
tie the months together (this month's cards less last month's are the month's new and revoked cards),
so that a figure hidden in one month could be worked out from the next.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from cardsvc.core import from_rfc3339
from cardsvc.platform.i18n import N_, format_amount
from cardsvc.platform.rome_calendar import month_bounds, month_of, rome_day
from cardsvc.platform.spreadsheet_cells import spreadsheet_safe
from cardsvc.platform.storage.database import Database

from .i18n import column_label, t
from .list_service import network_value
from .reports.columns import TABLES, Column, rows
from .reports.csv_export import SUPPRESSED
from .reports.figures import month_figures
from .reports.months import label, parse_month
from .reports.report import publish
from .reports.summaries import summary

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.it"}
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
THEME = "http://publications.europa.eu/resource/authority/data-theme/SOCI"
LEFT_OUT = ("active_cards", "households_with_card", "open_flags", "shops_participating")
MONTH_COLUMN = Column("month", "mese")


@dataclass(frozen=True)
class Dataset:
    name: str  # in the URL
    table: str  # the report's table

    @property
    def columns(self) -> tuple[Column, ...]:
        return (MONTH_COLUMN, *(c for c in TABLES[self.table] if c.key not in LEFT_OUT))


# The words of each dataset's metadata, composed from its table: ``opendata_<table>_title`` …
DATASET_KEYS = (
    N_("opendata_network_title"),
    N_("opendata_network_description"),
    N_("opendata_network_short"),
    N_("opendata_by_family_comune_title"),
    N_("opendata_by_family_comune_description"),
    N_("opendata_by_family_comune_short"),
    N_("opendata_by_shop_comune_title"),
    N_("opendata_by_shop_comune_description"),
    N_("opendata_by_shop_comune_short"),
    N_("opendata_by_category_title"),
    N_("opendata_by_category_description"),
    N_("opendata_by_category_short"),
    N_("opendata_flow_title"),
    N_("opendata_flow_description"),
    N_("opendata_flow_short"),
)
DATASETS = {
    d.name: d
    for d in (
        Dataset("rete", "network"),
        Dataset("comuni-famiglie", "by_family_comune"),
        Dataset("comuni-esercenti", "by_shop_comune"),
        Dataset("categorie", "by_category"),
        Dataset("flussi", "flow"),
    )
}


class NotPublished(LookupError):
    """No such month or dataset among those published."""


def closes_at(year: int, month: int, closing_days: int) -> int:
    """When the month closes: its end (Rome) plus the closing period."""
    return month_bounds(year, month)[1] + closing_days * 86400


def published_months(db: Database, now: int, closing_days: int) -> list[str]:
    """The closed months from the network's first (its first card or redemption), newest first."""
    first = db.execute(
        "select min(moment) from (select min(iat) as moment from cards union all "
        "select min(kiosk_time) from redemptions indexed by redemptions_live_by_time "
        "where type = 'redemption' and status = 'accepted' and voided = 0) as firsts"
    ).fetchone()[0]
    if first is None:
        return []
    year, month = month_of(int(first))
    months = []
    while closes_at(year, month, closing_days) <= now:
        months.append(label(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[::-1]


def check_published(db: Database, month: str, dataset: str, now: int, closing_days: int) -> Dataset:
    """The dataset, when ``month`` is published; NotPublished otherwise."""
    if dataset not in DATASETS or month not in published_months(db, now, closing_days):
        raise NotPublished(f"{month}/{dataset}")
    return DATASETS[dataset]


def month_report(db: Database, month: str, now: int) -> dict[str, Any]:
    """The month's figures as the report publishes them (suppressed)."""
    year, number = parse_month(month)
    heavy = summary(db, year, number, now)
    return publish(month_figures(db, year, number, now, heavy), [])


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None and row.get("suppressed"):
        return SUPPRESSED
    if key.endswith("_cents") and isinstance(value, int):
        return format_amount(value, "it")
    return "" if value is None else str(value)


def dataset_csv(report: dict[str, Any], dataset: Dataset) -> str:
    """The dataset's rows of the month as CSV: UTF-8 with a byte order mark, ``;`` between cells, decimal
    comma, "< 5" where a figure is hidden, the month in the first column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.csv for c in dataset.columns])
    for row in rows(report, dataset.table):
        row = {**row, "month": report["month"]}
        writer.writerow([spreadsheet_safe(_cell(row, c.key)) for c in dataset.columns])
    return "\ufeff" + buffer.getvalue()


def _day(moment: int) -> str:
    return rome_day(moment).isoformat()


def keep_summary(db: Database, month: str, now: int) -> None:
    """The month's summary computed and kept if it is not current, so that its time is the time its
    figures last changed."""
    summary(db, *parse_month(month), now)


def computed_at(db: Database, month: str) -> int | None:
    """When the month's kept summary was computed (its figures last changed then), if one is kept."""
    row = db.execute("select computed_at from report_summaries where month = ?", [month]).fetchone()
    return from_rfc3339(row[0]) if row is not None else None


def metadata(
    db: Database,
    month: str,
    dataset: Dataset,
    urls: dict[str, str],
    closing_days: int,
    lang: str,
) -> dict[str, Any]:
    """The dataset's metadata, with DCAT-AP_IT's fields; ``urls``: ``csv`` (the download), ``index``
    (the open data page)."""
    year, number = parse_month(month)
    start, end = month_bounds(year, number)
    issued = closes_at(year, number, closing_days)
    computed = computed_at(db, month)
    publisher = publisher_name(db, lang)
    words = {"month": month, "network": publisher}
    distribution = {
        "title": t.in_language(lang, f"opendata_{dataset.table}_title", **words) + " (CSV)",
        "format": "CSV",
        "mediaType": "text/csv",
        "characterEncoding": "UTF-8",
        "downloadURL": urls["csv"],
        "accessURL": urls["index"],
        "license": LICENCE,
    }
    return {
        "identifier": f"familycard-{month}-{dataset.name}",
        "title": t.in_language(lang, f"opendata_{dataset.table}_title", **words),
        "description": t.in_language(lang, f"opendata_{dataset.table}_description", **words)
        + " "
        + t.in_language(lang, "opendata_suppression_note", suppressed=SUPPRESSED),
        "language": "ITA" if lang == "it" else "ENG",
        "theme": THEME,
        "keyword": ["Family Card", t.in_language(lang, "opendata_keyword_families"), month],
        "publisher": {"name": publisher},
        "rightsHolder": {"name": publisher},
        "license": LICENCE,
        "temporal": {"startDate": _day(start), "endDate": _day(end - 1)},
        "accrualPeriodicity": FREQUENCY,
        "frequency": "MONTHLY",
        "issued": _day(issued),
        "modified": _day(max(issued, computed or issued)),
        "landingPage": urls["index"],
        "distribution": [distribution],
        "columns": [
            {"name": c.csv, "title": column_label(c, lang), "hidden_as": SUPPRESSED if c.figure else None}
            for c in dataset.columns
        ],
    }


def publisher_name(db: Database, lang: str) -> str:
    """The network's name, from its trust list."""
    return network_value(db, "network_name") or t.in_language(lang, "opendata_publisher")


def catalogue(
    db: Database, months: list[str], datasets: list[dict[str, Any]], index_url: str, lang: str
) -> dict[str, Any]:
    """The catalogue of every published dataset (DCAT-AP_IT's ``dcat:Catalog``), newest month first."""
    publisher = publisher_name(db, lang)
    return {
        "title": t.in_language(lang, "opendata_catalogue_title", network=publisher),
        "description": t.in_language(lang, "opendata_intro"),
        "publisher": {"name": publisher},
        "homepage": index_url,
        "language": "ITA" if lang == "it" else "ENG",
        "license": LICENCE,
        "modified": max((d["modified"] for d in datasets), default=None),
        "months": months,
        "dataset": datasets,
    }
