"""Printable cards: card-size PNG and PDF at 300 dpi (85.6 × 54 mm), A4 sheets for cutting, one card on
an A4 page with a short note for the family, and a PNG for the family's phone.

The card shows the comune, "Family Card", the holder as signed, the card number, the last valid day and
the QR code with its quiet zone (four modules, as the core renders it). Its words are in the card's
language: Italian, the comune's, unless a ``PrintedCard`` says otherwise. Drawn with Pillow; a PDF page is
the same 300 dpi image, embedded losslessly, so what is printed is exactly what was checked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import img2pdf
from PIL import Image, ImageDraw, ImageFont

from cardsvc.core import render_qr
from cardsvc.platform import rome_calendar
from cardsvc.platform.i18n import DEFAULT_LANGUAGE, format_day

from .i18n import t

DPI = 300
CARD_SIZE = (1011, 638)  # 85.6 × 54 mm at 300 dpi
A4_SIZE = (2480, 3508)  # 210 × 297 mm at 300 dpi
SHEET_COLUMNS, SHEET_ROWS = 2, 5
BLUE = (11, 83, 148)
GREY = (90, 90, 90)
# Cards are drawn in palette mode: four colours make small, exact files (PNG and PDF alike) that encode
# several times faster than full colour, and the QR's edges stay sharp.
PALETTE = [255, 255, 255, 0, 0, 0, *BLUE, *GREY, 200, 200, 200]
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class PrintedCard:
    comune: str
    holder: str
    number: str
    expires_at: int
    qr: str
    lang: str = DEFAULT_LANGUAGE


@cache
def font(size: int, bold: bool = False) -> FontType:
    """DejaVu Sans where the system has it, else Pillow's own scalable font."""
    path = Path(FONT_FILES[0 if bold else 1])
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def last_valid_day(expires_at: int, lang: str = DEFAULT_LANGUAGE) -> str:
    return format_day(rome_calendar.last_valid_day(expires_at), lang)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool = False) -> FontType:
    """The largest font up to ``size`` in which ``text`` fits ``width`` pixels."""
    while size > 12 and draw.textlength(text, font=font(size, bold)) > width:
        size -= 2
    return font(size, bold)


def new_image(size: tuple[int, int]) -> Image.Image:
    image = Image.new("P", size, 0)
    image.putpalette(PALETTE)
    return image


QR_MODULE_PX = 7  # a version 11 code with its quiet zone is 483 px, 41 mm: it fits beside the text
TEXT_WIDTH = CARD_SIZE[0] - (61 + 8) * QR_MODULE_PX - 16 - 40 - 16


@lru_cache(maxsize=64)
def _background(comune: str, lang: str) -> Image.Image:
    """What every card of a comune shares: the header, the comune, the labels, the border."""
    image = new_image(CARD_SIZE)
    draw = ImageDraw.Draw(image)
    width, height = CARD_SIZE
    draw.rectangle((0, 0, width, 118), fill=2)
    draw.text((40, 22), "Family Card", font=font(50, True), fill=0)
    draw.text((40, 80), "Rete dei Comuni amici della Famiglia", font=font(24), fill=0)
    title = t.in_language(lang, "comune_of", comune=comune)
    draw.text((40, 150), title, font=_fit(draw, title, TEXT_WIDTH, 34, True), fill=2)
    draw.text((40, 230), t.in_language(lang, "holder"), font=font(22), fill=3)
    draw.text((40, 350), t.in_language(lang, "card_number"), font=font(22), fill=3)
    draw.text((40, 460), t.in_language(lang, "valid_until"), font=font(22), fill=3)
    draw.rectangle((0, 0, width - 1, height - 1), outline=4, width=2)
    return image


def card_image(card: PrintedCard) -> Image.Image:
    image = _background(card.comune, card.lang).copy()
    draw = ImageDraw.Draw(image)
    qr = render_qr(card.qr, module_px=QR_MODULE_PX)
    image.paste(qr.point(lambda v: 0 if v > 127 else 1).convert("P"), (CARD_SIZE[0] - qr.width - 16, 130))
    draw.text((40, 258), card.holder, font=_fit(draw, card.holder, TEXT_WIDTH, 40, True), fill=1)
    draw.text((40, 378), card.number, font=font(36, True), fill=1)
    draw.text((40, 488), last_valid_day(card.expires_at, card.lang), font=font(36, True), fill=1)
    return image


def phone_image(card: PrintedCard) -> Image.Image:
    """A tall picture for a phone screen: the QR large, the name and number under it."""
    qr = render_qr(card.qr, module_px=14)
    width = max(1080, qr.width + 80)
    image = new_image((width, qr.width + 520))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 150), fill=2)
    draw.text((50, 30), "Family Card", font=font(64, True), fill=0)
    image.paste(qr.point(lambda v: 0 if v > 127 else 1).convert("P"), ((width - qr.width) // 2, 190))
    y = 190 + qr.width + 30
    draw.text((50, y), card.holder, font=_fit(draw, card.holder, width - 100, 56, True), fill=1)
    comune = t.in_language(card.lang, "comune_of", comune=card.comune)
    number = t.in_language(card.lang, "card_number_short", number=card.number)
    until = t.in_language(card.lang, "valid_until_day", day=last_valid_day(card.expires_at, card.lang))
    draw.text((50, y + 90), comune, font=font(40), fill=2)
    draw.text((50, y + 160), number, font=font(40, True), fill=1)
    draw.text((50, y + 230), until, font=font(40), fill=1)
    return image


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(DPI, DPI), compress_level=1)
    return buffer.getvalue()


def pdf_bytes(pages: list[Image.Image]) -> bytes:
    """A PDF of the images as pages at 300 dpi (a card page is card-sized, a sheet is A4).

    img2pdf embeds each page's PNG data as it is: lossless, small, and no second encoding.
    """
    return bytes(img2pdf.convert([png_bytes(page) for page in pages]))


def _wrapped(draw: ImageDraw.ImageDraw, text: str, width: int, face: FontType) -> list[str]:
    """``text`` in lines that fit ``width`` pixels, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=face) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _cut_marks(draw: ImageDraw.ImageDraw, left: int, top: int, columns: int, rows: int) -> None:
    """Short lines outside the cards' edges, where the cuts go (they never touch a card)."""
    card_w, card_h = CARD_SIZE
    right, bottom = left + columns * card_w, top + rows * card_h
    for column in range(columns + 1):
        x = left + column * card_w
        draw.line((x, top - 60, x, top - 15), fill=1, width=2)
        draw.line((x, bottom + 15, x, bottom + 60), fill=1, width=2)
    for row in range(rows + 1):
        y = top + row * card_h
        draw.line((left - 60, y, left - 15, y), fill=1, width=2)
        draw.line((right + 15, y, right + 60, y), fill=1, width=2)


def letter_image(card: PrintedCard) -> Image.Image:
    """One card at its real size on an A4 page, under a short note for the family: whose card it is,
    how to use it, until when, what to do if it is lost; cut marks around the card."""
    page = new_image(A4_SIZE)
    draw = ImageDraw.Draw(page)
    margin, width = 236, A4_SIZE[0] - 2 * 236  # 20 mm
    lang = card.lang
    draw.text((margin, 236), "Family Card", font=font(90, True), fill=2)
    title = t.in_language(lang, "comune_of", comune=card.comune)
    draw.text((margin, 360), title, font=_fit(draw, title, width, 60, True), fill=1)
    y = 520
    until = format_day(rome_calendar.last_valid_day(card.expires_at), lang, "long")  # 18 novembre 2027
    for paragraph in (
        t.in_language(lang, "letter_for", holder=card.holder),
        t.in_language(lang, "letter_use"),
        t.in_language(lang, "letter_valid", day=until),
        t.in_language(lang, "letter_lost"),
    ):
        for line in _wrapped(draw, paragraph, width, font(44)):
            draw.text((margin, y), line, font=font(44), fill=1)
            y += 62
        y += 34
    left = (A4_SIZE[0] - CARD_SIZE[0]) // 2
    top = max(y + 140, 1900)
    draw.text((left, top - 130), t.in_language(lang, "letter_cut"), font=font(34), fill=3)
    page.paste(card_image(card), (left, top))
    _cut_marks(draw, left, top, 1, 1)
    return page


def sheet_images(cards: list[Image.Image]) -> list[Image.Image]:
    """A4 pages with ten cards each (two columns, five rows), edge to edge, with cut marks outside."""
    card_w, card_h = CARD_SIZE
    left = (A4_SIZE[0] - SHEET_COLUMNS * card_w) // 2
    top = (A4_SIZE[1] - SHEET_ROWS * card_h) // 2
    per_page = SHEET_COLUMNS * SHEET_ROWS
    pages = []
    for start in range(0, len(cards), per_page):
        page = new_image(A4_SIZE)
        draw = ImageDraw.Draw(page)
        for index, card in enumerate(cards[start : start + per_page]):
            row, column = divmod(index, SHEET_COLUMNS)
            page.paste(card, (left + column * card_w, top + row * card_h))
        _cut_marks(draw, left, top, SHEET_COLUMNS, SHEET_ROWS)
        pages.append(page)
    return pages
