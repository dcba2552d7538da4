"""The report as one A4 PDF for the Tavolo's meeting: the network's summary and charts first, then a
section per comune; page numbers, the generation date and the data's cut-off on every page. Its words,
numbers and amounts are in the language asked for (Italian unless told).

Laid out with ReportLab (text stays text, so the PDF can be searched and read aloud); the charts are
matplotlib PNGs at 150 dpi.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cardsvc.platform.i18n import DEFAULT_LANGUAGE, format_money, format_number, in_language

from ..i18n import column_label, t
from . import charts
from .columns import TABLES, Column
from .figures import period_text, time_text
from .headline import change_text, key_figures, value_text
from .months import month_name

STYLES = getSampleStyleSheet()
HEADER_WIDTH = 12  # characters a header line holds before it wraps
SUPPRESSED = "< 5"
FLOWS_PER_COMUNE = 10  # a comune's section lists the comuni its families spend most in


def _value(row: dict[str, Any], key: str, names: dict[str, str], lang: str) -> str:
    value = row.get(key)
    if value is None:
        return SUPPRESSED if row.get("suppressed") else ""
    if key in ("from", "to"):
        return names.get(str(value), str(value))
    if key == "month":
        return month_name(str(value), lang)
    if key.endswith("_cents"):
        return format_money(int(value), lang)
    return format_number(value, lang) if isinstance(value, int) else str(value)


def _table(
    columns: Sequence[Column], rows: list[dict[str, Any]], lang: str, names: dict[str, str] | None = None
) -> Table:
    """A table with the columns' labels as its header (wrapped to fit) and a row per row."""
    header = ["\n".join(textwrap.wrap(column_label(column, lang), HEADER_WIDTH)) for column in columns]
    body = [[_value(row, column.key, names or {}, lang) for column in columns] for row in rows]
    table = Table([header, *body], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7, 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 7),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b5394")),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ]
        )
    )
    return table


def _without(table: str, *keys: str) -> tuple[Column, ...]:
    return tuple(column for column in TABLES[table] if column.key not in keys)


def _chart(png: bytes, width_mm: float) -> Image:
    image = Image(io.BytesIO(png))
    scale = width_mm * mm / image.drawWidth
    image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
    return image


FAMILY_COLUMNS = _without("by_family_comune", "istat")  # the comune by its name
SHOP_COLUMNS = _without("by_shop_comune", "istat")
CATEGORY_COLUMNS = _without("by_category", "istat")
FLOW_COLUMNS = _without("flow", "from")  # in the family comune's section


def _heading(text: str, style: str = "Heading2") -> Paragraph:
    return Paragraph(text, STYLES[style])


def _summary(report: dict[str, Any], lang: str) -> list[Any]:
    """The month's key figures and their changes (reports/headline.py), as the page shows them."""
    rows = [
        [column_label(f.key, lang), value_text(f, lang), change_text(f, report["month"], lang)]
        for f in key_figures(report)
    ]
    table = Table(rows, colWidths=[60 * mm, 32 * mm, 88 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("FONT", (1, 0), (1, -1), "Helvetica-Bold", 10),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ]
        )
    )
    title = t("summary_title", month=month_name(report["month"], lang))
    return [_heading(title), table, Spacer(1, 4 * mm)]


def _captioned(name: str, png: bytes, width_mm: float, report: dict[str, Any], lang: str) -> list[Any]:
    """A chart with its title and caption, as on the page."""
    month = month_name(report["month"], lang)
    first = month_name(report["trend"][0]["month"], lang) if report["trend"] else month
    caption = t(f"chart_{name}_caption", month=month, first=first, last=month)
    return [
        _heading(t(f"chart_{name}_title"), "Heading4"),
        _chart(png, width_mm),
        Paragraph(caption, STYLES["Italic"]),
    ]


def render_pdf(report: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The report as PDF bytes, its words, numbers and amounts in ``lang``."""
    with in_language(lang):
        return _render(report, lang)


def _render(report: dict[str, Any], lang: str) -> bytes:
    buffer = io.BytesIO()
    footer = t(
        "report_footer",
        month=month_name(report["month"], lang),
        generated=time_text(report["generated_at"], lang),
        cutoff=time_text(report["cutoff"], lang),
    )

    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(15 * mm, 10 * mm, footer)
        canvas.drawRightString(195 * mm, 10 * mm, t("page_number", page=document.page))
        canvas.restoreState()

    title = t("report_heading", month=month_name(report["month"], lang))
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Rete dei Comuni amici della Famiglia",
    )
    network = report["network"]
    period = period_text(report["period"], lang)
    story: list[Any] = [
        Paragraph(title, STYLES["Title"]),
        _heading(t("report_subtitle"), "Heading3"),
        Paragraph(t("report_period_note", period=period, suppressed=SUPPRESSED), STYLES["Normal"]),
        Spacer(1, 4 * mm),
        *_summary(report, lang),
        _heading(t("network")),
        _table(TABLES["network"], [network], lang),
        Spacer(1, 4 * mm),
        *_captioned("andamento", charts.trend_lines(report, "png", lang), 120, report, lang),
        Spacer(1, 3 * mm),
        *_captioned("comuni", charts.bars_by_comune(report, "png", lang), 110, report, lang),
        PageBreak(),
        _heading(t("by_family_comune")),
        _table(FAMILY_COLUMNS, report["by_family_comune"], lang),
        Spacer(1, 4 * mm),
        _heading(t("by_shop_comune")),
        _table(SHOP_COLUMNS, report["by_shop_comune"], lang),
        Spacer(1, 4 * mm),
        _heading(t("trend")),
        _table(TABLES["trend"], report["trend"], lang),
        PageBreak(),
        _heading(t("flows")),
        *_captioned("flussi", charts.flow_heatmap(report, "png", lang), 170, report, lang),
    ]
    names = {row["istat"]: row["comune"] for row in report["by_family_comune"]}
    for family in report["by_family_comune"]:
        istat = family["istat"]
        story += [PageBreak(), _heading(t("comune_of", comune=family["comune"]))]
        story.append(_table(FAMILY_COLUMNS[1:], [family], lang))
        shop = [r for r in report["by_shop_comune"] if r["istat"] == istat]
        story += [
            Spacer(1, 3 * mm),
            _table(SHOP_COLUMNS[1:], shop, lang),
        ]
        categories = [r for r in report["by_category"] if r["istat"] == istat]
        if categories:
            story += [
                Spacer(1, 3 * mm),
                _heading(t("shops_by_category"), "Heading4"),
                _table(CATEGORY_COLUMNS, categories, lang),
            ]
        flows = [r for r in report["flow"] if r["from"] == istat]
        flows = sorted(flows, key=lambda r: -(r["redemptions"] or 0))[:FLOWS_PER_COMUNE]
        if flows:
            story += [
                Spacer(1, 3 * mm),
                _heading(t("where_families_spend", count=FLOWS_PER_COMUNE), "Heading4"),
                _table(FLOW_COLUMNS, flows, lang, names),
            ]
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
