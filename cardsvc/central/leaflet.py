"""A comune's leaflet, handed out with the card: "Dove usare la Family Card a <Comune>", an A4 PDF in
two columns with the comune's shops by category, each with its address and its published offers in
plain words (``offer_words``), and the day it was made.

Laid out with ReportLab like the reports' PDF: text stays text, so it can be searched and read aloud.
"""

from __future__ import annotations

import io
from itertools import groupby
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph, Spacer

from cardsvc.platform.i18n import format_day

from .i18n import t

STYLES = getSampleStyleSheet()
MARGIN, GAP, HEADER = 15 * mm, 8 * mm, 28 * mm
BLUE = colors.HexColor("#0b5394")
CATEGORY = ParagraphStyle("category", parent=STYLES["Heading3"], textColor=BLUE, spaceBefore=6, spaceAfter=3)
SHOP = ParagraphStyle("shop", parent=STYLES["Normal"], fontName="Helvetica-Bold", fontSize=10, leading=12)
LINE = ParagraphStyle("line", parent=STYLES["Normal"], fontSize=8.5, leading=10.5)
OFFER = ParagraphStyle("offer", parent=LINE, leftIndent=8, bulletIndent=0)


def _shop(shop: dict[str, Any]) -> list[Any]:
    flowables: list[Any] = [Paragraph(escape(shop["name"]), SHOP)]
    if shop["address"]:
        flowables.append(Paragraph(escape(shop["address"]), LINE))
    for offer in shop["offers"]:
        text = f"<b>{escape(offer['title'])}</b>: {escape(offer['terms'])}"
        if offer["description"]:
            text += f". <i>{escape(offer['description'])}</i>"
        flowables.append(Paragraph(text, OFFER, bulletText="•"))
    flowables.append(Spacer(1, 2.5 * mm))
    return flowables


def render_leaflet(comune: str, shops: list[dict[str, Any]], moment: int, lang: str) -> bytes:
    """The leaflet of ``comune`` for its directory ``shops`` (sorted by category, then name), dated
    ``moment``, in ``lang``."""
    buffer = io.BytesIO()
    title = t.in_language(lang, "leaflet_title", comune=comune)
    dated = t.in_language(lang, "leaflet_date", day=format_day(moment, lang, "long"))
    width, height = A4
    column = (width - 2 * MARGIN - GAP) / 2
    frames = [
        Frame(MARGIN + n * (column + GAP), MARGIN, column, height - 2 * MARGIN - HEADER, id=f"column{n}")
        for n in range(2)
    ]

    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(BLUE)
        canvas.setFont("Helvetica-Bold", 18)
        canvas.drawString(MARGIN, height - MARGIN - 8 * mm, title)
        canvas.setFillColor(colors.black)
        canvas.setFont("Helvetica", 9)
        canvas.drawString(MARGIN, height - MARGIN - 15 * mm, dated)
        canvas.drawString(MARGIN, height - MARGIN - 20 * mm, t.in_language(lang, "leaflet_how"))
        canvas.setStrokeColor(BLUE)
        canvas.line(
            MARGIN, height - MARGIN - HEADER + 4 * mm, width - MARGIN, height - MARGIN - HEADER + 4 * mm
        )
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(width - MARGIN, 8 * mm, t.in_language(lang, "page_number", page=document.page))
        canvas.restoreState()

    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="Family Card",
    )
    document.addPageTemplates([PageTemplate(id="two_columns", frames=frames, onPage=decorate)])
    story: list[Any] = []
    for category, in_category in groupby(shops, key=lambda shop: shop["category"]):
        first, *others = [_shop(shop) for shop in in_category]
        story.append(KeepTogether([Paragraph(escape(category.capitalize()), CATEGORY), *first]))
        story += [KeepTogether(shop) for shop in others]
    if not shops:
        story.append(Paragraph(escape(t.in_language(lang, "no_shops")), LINE))
    document.build(story)
    return buffer.getvalue()
