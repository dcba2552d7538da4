"""The report as one A4 PDF for the Tavolo's meeting: the network's summary and charts first, then a
section per comune; page numbers, the generation date and the data's cut-off on every page.

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

from cardsvc.platform.euros import format_euros

from . import charts
from .columns import TABLES, Column

STYLES = getSampleStyleSheet()
HEADER_WIDTH = 12  # characters a header line holds before it wraps
SUPPRESSED = "< 5"
FLOWS_PER_COMUNE = 10  # a comune's section lists the comuni its families spend most in


def _value(row: dict[str, Any], key: str, names: dict[str, str]) -> str:
    value = row.get(key)
    if value is None:
        return SUPPRESSED if row.get("suppressed") else ""
    if key in ("from", "to"):
        return names.get(str(value), str(value))
    if key.endswith("_cents"):
        return format_euros(int(value))
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def _table(
    columns: Sequence[Column], rows: list[dict[str, Any]], names: dict[str, str] | None = None
) -> Table:
    """A table with the columns' labels as its header (wrapped to fit) and a row per row."""
    header = ["\n".join(textwrap.wrap(column.label, HEADER_WIDTH)) for column in columns]
    body = [[_value(row, column.key, names or {}) for column in columns] for row in rows]
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


def render_pdf(report: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    footer = f"Family Card — rapporto {report['month']} · generato {report['generated_at']}"
    footer += f" · dati fino a {report['cutoff']}"

    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(15 * mm, 10 * mm, footer)
        canvas.drawRightString(195 * mm, 10 * mm, f"Pagina {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"Family Card — rapporto mensile {report['month']}",
        author="Rete dei Comuni amici della Famiglia",
    )
    network = report["network"]
    story: list[Any] = [
        Paragraph(f"Family Card — rapporto mensile {report['month']}", STYLES["Title"]),
        Paragraph("Rete dei Comuni amici della Famiglia — Tavolo intercomunale", STYLES["Heading3"]),
        Paragraph(
            f"Periodo: {report['period']['label']} (ora di Roma). "
            f"Le celle con meno di 5 famiglie sono indicate come «{SUPPRESSED}».",
            STYLES["Normal"],
        ),
        Spacer(1, 4 * mm),
        Paragraph("Rete", STYLES["Heading2"]),
        _table(TABLES["network"], [network]),
        Spacer(1, 4 * mm),
        _chart(charts.trend_lines(report, "png"), 170),
        _chart(charts.bars_by_comune(report, "png"), 150),
        PageBreak(),
        Paragraph("Per comune della famiglia", STYLES["Heading2"]),
        _table(FAMILY_COLUMNS, report["by_family_comune"]),
        Spacer(1, 4 * mm),
        Paragraph("Per comune del negozio", STYLES["Heading2"]),
        _table(SHOP_COLUMNS, report["by_shop_comune"]),
        Spacer(1, 4 * mm),
        Paragraph("Andamento degli ultimi 12 mesi", STYLES["Heading2"]),
        _table(TABLES["trend"], report["trend"]),
        PageBreak(),
        Paragraph("Flussi tra comuni", STYLES["Heading2"]),
        _chart(charts.flow_heatmap(report, "png"), 170),
    ]
    names = {row["istat"]: row["comune"] for row in report["by_family_comune"]}
    for family in report["by_family_comune"]:
        istat = family["istat"]
        story += [PageBreak(), Paragraph(f"Comune di {family['comune']}", STYLES["Heading2"])]
        story.append(_table(FAMILY_COLUMNS[1:], [family]))
        shop = [r for r in report["by_shop_comune"] if r["istat"] == istat]
        story += [
            Spacer(1, 3 * mm),
            _table(SHOP_COLUMNS[1:], shop),
        ]
        categories = [r for r in report["by_category"] if r["istat"] == istat]
        if categories:
            story += [
                Spacer(1, 3 * mm),
                Paragraph("Negozi per categoria", STYLES["Heading4"]),
                _table(CATEGORY_COLUMNS, categories),
            ]
        flows = [r for r in report["flow"] if r["from"] == istat]
        flows = sorted(flows, key=lambda r: -(r["redemptions"] or 0))[:FLOWS_PER_COMUNE]
        if flows:
            story += [
                Spacer(1, 3 * mm),
                Paragraph("Dove spendono le famiglie (i 10 comuni principali)", STYLES["Heading4"]),
                _table(FLOW_COLUMNS, flows, names),
            ]
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
