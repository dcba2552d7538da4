"""The report as one A4 PDF for the Tavolo's meeting: the network's summary and charts first, then a
section per comune; page numbers, the generation date and the data's cut-off on every page.

Laid out with ReportLab (text stays text, so the PDF can be searched and read aloud); the charts are
matplotlib PNGs at 150 dpi.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ...euros import format_euros
from . import charts

STYLES = getSampleStyleSheet()
SUPPRESSED = "< 5"
FLOWS_PER_COMUNE = 10  # a comune's section lists the other comuni its families spend most in


def _value(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return SUPPRESSED if row.get("suppressed") else ""
    if key.endswith("_cents"):
        return format_euros(int(value))
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def _table(header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> Table:
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b5394")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ]
        )
    )
    return table


def _chart(png: bytes, width_mm: float) -> Image:
    image = Image(io.BytesIO(png))
    scale = width_mm * mm / image.drawWidth
    image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
    return image


FAMILY_COLUMNS = [
    ("comune", "Comune"),
    ("active_cards", "Carte attive"),
    ("households_with_card", "Famiglie con carta"),
    ("households", "Famiglie che la usano"),
    ("redemptions", "Operazioni"),
    ("spend_cents", "Spesa"),
    ("discount_cents", "Sconto"),
    ("new_cards", "Nuove"),
    ("revoked_cards", "Revocate"),
    ("open_flags", "Segnal."),
]
SHOP_COLUMNS = [
    ("comune", "Comune"),
    ("shops_participating", "Negozi aderenti"),
    ("shops_with_redemptions", "Con operazioni"),
    ("households", "Famiglie"),
    ("redemptions", "Operazioni"),
    ("spend_cents", "Spesa"),
    ("discount_cents", "Sconto"),
]


def _rows(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> list[list[str]]:
    return [[_value(row, key) for key, _label in columns] for row in rows]


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
        _table(
            ["Carte attive", "Famiglie con carta", "Famiglie che la usano", "Operazioni", "Spesa", "Sconto"],
            [
                [
                    _value(network, k)
                    for k in (
                        "active_cards",
                        "households_with_card",
                        "households",
                        "redemptions",
                        "spend_cents",
                        "discount_cents",
                    )
                ]
            ],
        ),
        Spacer(1, 4 * mm),
        _chart(charts.trend_lines(report, "png"), 170),
        _chart(charts.bars_by_comune(report, "png"), 150),
        PageBreak(),
        Paragraph("Per comune della famiglia", STYLES["Heading2"]),
        _table([label for _k, label in FAMILY_COLUMNS], _rows(report["by_family_comune"], FAMILY_COLUMNS)),
        Spacer(1, 4 * mm),
        Paragraph("Per comune del negozio", STYLES["Heading2"]),
        _table([label for _k, label in SHOP_COLUMNS], _rows(report["by_shop_comune"], SHOP_COLUMNS)),
        PageBreak(),
        Paragraph("Flussi tra comuni", STYLES["Heading2"]),
        _chart(charts.flow_heatmap(report, "png"), 170),
    ]
    names = {row["istat"]: row["comune"] for row in report["by_family_comune"]}
    for family in report["by_family_comune"]:
        istat = family["istat"]
        story += [PageBreak(), Paragraph(f"Comune di {family['comune']}", STYLES["Heading2"])]
        story.append(_table([label for _k, label in FAMILY_COLUMNS[1:]], _rows([family], FAMILY_COLUMNS[1:])))
        shop = [r for r in report["by_shop_comune"] if r["istat"] == istat]
        story += [
            Spacer(1, 3 * mm),
            _table([label for _k, label in SHOP_COLUMNS[1:]], _rows(shop, SHOP_COLUMNS[1:])),
        ]
        categories = [r for r in report["by_category"] if r["istat"] == istat]
        if categories:
            columns = [
                ("category", "Categoria"),
                ("households", "Famiglie"),
                ("redemptions", "Operazioni"),
                ("spend_cents", "Spesa"),
                ("discount_cents", "Sconto"),
            ]
            story += [
                Spacer(1, 3 * mm),
                Paragraph("Negozi per categoria", STYLES["Heading4"]),
                _table([label for _k, label in columns], _rows(categories, columns)),
            ]
        flows = [r for r in report["flow"] if r["from"] == istat and r["to"] != istat]
        flows = sorted(flows, key=lambda r: -(r["redemptions"] or 0))[:FLOWS_PER_COMUNE]
        if flows:
            rows = [
                [
                    names.get(r["to"], r["to"]),
                    _value(r, "households"),
                    _value(r, "redemptions"),
                    _value(r, "discount_cents"),
                ]
                for r in flows
            ]
            story += [
                Spacer(1, 3 * mm),
                Paragraph(
                    "Dove spendono le famiglie, fuori comune (i 10 comuni principali)", STYLES["Heading4"]
                ),
                _table(["Comune del negozio", "Famiglie", "Operazioni", "Sconto"], rows),
            ]
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
