"""Renewal reminder letters: one A4 PDF, a page per household, for the office to print and post.

Each page has the comune's name, the holders' names and the household's address, the cards due with
their numbers and last valid days in words, what to bring to renew (an identity document, the current
card, and the ISEE where the comune's rules ask for it), and where and when. Every sentence is a key of
the ``issuer`` catalogue (``reminder_letter_*``), so a comune adapts the words, the office's place and
hours included, by editing its ``.po`` file. Laid out with ReportLab as the Tavolo's report is: text
stays text, so the letters can be searched and read aloud. Italian unless told.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cardsvc.platform import rome_calendar
from cardsvc.platform.i18n import DEFAULT_LANGUAGE, N_, format_day

from .cards import renewable_from
from .i18n import t
from .reminders import by_household

FONT_FILES = {
    "Letter": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "Letter-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
BLUE = colors.HexColor("#0b5394")


@dataclass(frozen=True)
class Letter:
    """What one household's letter says: its address and the cards due (``name``, ``number``,
    ``expires_at``), and from when it can renew."""

    address: str
    cards: list[dict[str, Any]]
    renew_from: int


def letters_of(cards: list[dict[str, Any]], sent_at: int, renew_days: int) -> list[Letter]:
    """A letter per household of ``cards`` (rows of ``reminders.sent_together``), renewable from the
    earliest day its first card can be renewed, and not before ``sent_at``."""
    return [
        Letter(group[0]["address"], group, max(sent_at, min(renewable_from(c, renew_days) for c in group)))
        for group in by_household(cards)
    ]


@cache
def fonts() -> tuple[str, str]:
    """DejaVu Sans where the system has it (every name's letters), else Helvetica."""
    if all(Path(path).exists() for path in FONT_FILES.values()):
        for name, path in FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, path))
        return "Letter", "Letter-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = getSampleStyleSheet()["Normal"]
    body = ParagraphStyle("body", base, fontName=regular, fontSize=11, leading=15, spaceAfter=6)
    return {
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=9, leading=12, textColor=colors.HexColor("#5a5a5a")),
        "comune": ParagraphStyle("comune", body, fontName=bold, fontSize=16, leading=20, textColor=BLUE),
        "subject": ParagraphStyle("subject", body, fontName=bold),
        "heading": ParagraphStyle("heading", body, fontName=bold, fontSize=12, spaceBefore=8),
        "address": ParagraphStyle("address", body, leftIndent=95 * mm, spaceAfter=0),
        "item": ParagraphStyle("item", body, leftIndent=6 * mm, bulletIndent=1 * mm, spaceAfter=2),
    }


def _day(moment: int, lang: str) -> str:
    return format_day(rome_calendar.rome_day(moment), lang, "long")


def _last_day(expires_at: int, lang: str) -> str:
    return format_day(rome_calendar.last_valid_day(expires_at), lang, "long")


def _cards_table(letter: Letter, lang: str) -> Table:
    regular, bold = fonts()
    header = [t.in_language(lang, key) for key in ("holder", "card_number", "valid_until")]
    rows = [[card["name"], card["number"], _last_day(card["expires_at"], lang)] for card in letter.cards]
    table = Table([header, *rows], colWidths=[75 * mm, 50 * mm, 45 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), bold, 9),
                ("FONT", (0, 1), (-1, -1), regular, 11),
                ("TEXTCOLOR", (0, 0), (-1, 0), BLUE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _page(letter: Letter, comune: str, isee: bool, today: int, lang: str) -> list[Any]:
    style = _styles()
    names = ", ".join(dict.fromkeys(card["name"] for card in letter.cards))

    def say(key: str, **values: object) -> str:
        return escape(t.in_language(lang, key, **values))

    bring = [N_("reminder_letter_bring_identity"), N_("reminder_letter_bring_card")]
    bring += [N_("reminder_letter_bring_isee")] if isee else []
    last = min(card["expires_at"] for card in letter.cards)
    subject = say(N_("reminder_letter_subject"))
    renew_from = _day(letter.renew_from, lang)
    return [
        Paragraph(say("comune_of", comune=comune), style["comune"]),
        Paragraph(say(N_("reminder_letter_sender")), style["small"]),
        Spacer(1, 18 * mm),
        Paragraph(escape(names), style["address"]),
        Paragraph(escape(letter.address), style["address"]),
        Paragraph(escape(comune), style["address"]),
        Spacer(1, 14 * mm),
        Paragraph(say(N_("reminder_letter_place_date"), comune=comune, day=_day(today, lang)), style["body"]),
        Paragraph(subject, style["subject"]),
        Paragraph(say(N_("reminder_letter_greeting"), names=names), style["body"]),
        Paragraph(
            say(N_("reminder_letter_text"), day=_last_day(last, lang), renew_from=renew_from), style["body"]
        ),
        _cards_table(letter, lang),
        Paragraph(say(N_("reminder_letter_bring")), style["heading"]),
        *[Paragraph(say(key), style["item"], bulletText="•") for key in bring],
        Paragraph(say(N_("reminder_letter_where_heading")), style["heading"]),
        Paragraph(say(N_("reminder_letter_where"), comune=comune), style["body"]),
        Spacer(1, 6 * mm),
        Paragraph(say(N_("reminder_letter_closing")), style["body"]),
        Paragraph(say(N_("reminder_letter_signature"), comune=comune), style["body"]),
    ]


def letters_pdf(
    letters: list[Letter], comune: str, isee: bool, today: int, lang: str = DEFAULT_LANGUAGE
) -> bytes:
    """The letters as one A4 PDF, a page each; ``isee`` when the comune's rules ask for the ISEE."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=t.in_language(lang, "reminder_letter_subject"),
        author=t.in_language(lang, "comune_of", comune=comune),
    )
    story: list[Any] = []
    for index, letter in enumerate(letters):
        if index:
            story.append(PageBreak())
        story += _page(letter, comune, isee, today, lang)
    document.build(story)
    return buffer.getvalue()
