"""A shop's monthly statement as an A4 PDF: its figures, each offer, the trend and the category's median,
in the language asked for (ReportLab, text kept as text)."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cardsvc.platform.i18n import format_money, format_number, in_language

from ..i18n import t
from .months import month_name

STYLES = getSampleStyleSheet()
SUPPRESSED = "< 5"
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f0fa")),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]
)


def _families(value: int | None, lang: str) -> str:
    return SUPPRESSED if value is None else format_number(value, lang)


def render_shop_pdf(value: dict[str, Any], lang: str) -> bytes:
    with in_language(lang):
        return _render(value, lang)


def _render(value: dict[str, Any], lang: str) -> bytes:
    buffer = io.BytesIO()
    month = month_name(value["month"], lang)
    title = t("shop_statement_title", shop=value["merchant"]["name"], month=month)
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=title, author="Rete dei Comuni amici della Famiglia",
    )  # fmt: skip

    def money(cents: int) -> str:
        return format_money(cents, lang, nonbreaking=True)

    figures = [
        [t("households_using"), _families(value["households"], lang)],
        [t("redemptions"), format_number(value["redemptions"], lang)],
        [t("spend"), money(value["spend_cents"])],
        [t("discount"), money(value["discount_cents"])],
    ]
    story: list[Any] = [Paragraph(title, STYLES["Title"]), Table(figures, colWidths=[90 * mm, 50 * mm])]
    if value["by_offer"]:
        rows = [[t("offers"), t("redemptions"), t("discount")]] + [
            [o["title"] or "—", format_number(o["redemptions"], lang), money(o["discount_cents"])]
            for o in value["by_offer"]
        ]
        story += [Spacer(1, 5 * mm), Paragraph(t("by_offer"), STYLES["Heading3"]), Table(rows, style=GRID)]
    peers = value["category_median"]
    story += [Spacer(1, 5 * mm), Paragraph(t("category_comparison"), STYLES["Heading3"])]
    if peers is None:
        story.append(Paragraph(t("category_median_hidden"), STYLES["Normal"]))
    else:
        story.append(
            Paragraph(
                t("category_median_text", shops=peers["shops"], discount=money(peers["discount_cents"]),
                  redemptions=format_number(peers["redemptions"], lang)),
                STYLES["Normal"],
            )
        )  # fmt: skip
    trend = [[t("month"), t("households_using"), t("redemptions"), t("discount")]] + [
        [month_name(row["month"], lang), _families(row["households"], lang),
         format_number(row["redemptions"], lang), money(row["discount_cents"])]
        for row in value["trend"]
    ]  # fmt: skip
    story += [Spacer(1, 5 * mm), Paragraph(t("trend"), STYLES["Heading3"]), Table(trend, style=GRID)]
    story += [Spacer(1, 5 * mm), Paragraph(t("shop_statement_note", suppressed=SUPPRESSED), STYLES["Italic"])]
    document.build(story)
    return buffer.getvalue()
