import io
import os

import pytest
import qrcode
import zxingcpp
from PIL import Image

from cardsvc.core import (
    CardClaims,
    QrError,
    generate_private_key,
    issue_card,
    qr_png,
    qr_version,
    read_card_qr,
)
from cardsvc.core.qr import MAX_CARD_QR_VERSION, QUIET_ZONE_MODULES, render_qr

pytestmark = pytest.mark.unit

LONGEST_NAMES = [
    "BARTOLOMEOMARIAGIOVANNIB",  # 24 ASCII bytes
    "MARIA ÀÈÌÒÙ DELL'AC",  # 24 bytes with accents
    "ŁUKASZ ŻÓŁĆ ŚĘĄA",  # 24 bytes, Polish
    "张伟李娜王芳刘洋",  # 24 bytes, three per character
]


def longest_card(holder: str) -> str:
    # Largest values of every variable-size claim: far-future dates need 8-byte integers? no: the
    # NumericDate limit keeps them within 4 bytes until 2106; minors up to 255 takes two bytes.
    claims = CardClaims("108040", 4_000_000_000, 4_294_967_295, os.urandom(8), holder, 255)
    return issue_card(claims, generate_private_key())


@pytest.mark.parametrize("holder", LONGEST_NAMES)
def test_png_decodes_back_to_the_same_text(holder: str) -> None:
    assert len(holder.encode()) == 24
    text = longest_card(holder)
    # QR codes only, as the tills read: with every symbology on, zxing-cpp now and then also "finds" a
    # short 1D code in the QR's modules of a random card
    image = Image.open(io.BytesIO(qr_png(text)))
    decoded = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]
    assert [d.text for d in decoded] == [text]
    assert decoded[0].ec_level == "Q"
    assert int(decoded[0].extra["Version"]) <= MAX_CARD_QR_VERSION
    assert read_card_qr(qr_png(text)) == text


@pytest.mark.parametrize("holder", LONGEST_NAMES)
def test_version_at_most_11_also_by_an_independent_encoder(holder: str) -> None:
    text = longest_card(holder)
    assert qr_version(text) <= MAX_CARD_QR_VERSION
    independent = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q)
    independent.add_data(qrcode.util.QRData(text, mode=qrcode.util.MODE_ALPHA_NUM))
    independent.make(fit=True)
    assert independent.version <= MAX_CARD_QR_VERSION


def test_quiet_zone_of_four_modules() -> None:
    text = longest_card("GIULIA BRAMBILLA")
    image = render_qr(text, module_px=3)
    modules = 17 + 4 * qr_version(text)
    assert image.width == image.height == (modules + 2 * QUIET_ZONE_MODULES) * 3
    border = [image.getpixel((x, y)) for x in range(image.width) for y in range(QUIET_ZONE_MODULES * 3)]
    assert set(border) == {255}


def test_a_photo_with_no_code_and_a_file_that_is_no_image() -> None:
    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, "PNG")
    with pytest.raises(QrError, match="no QR code"):
        read_card_qr(blank.getvalue())
    with pytest.raises(QrError, match="not a readable image"):
        read_card_qr(b"this is not a picture")


def test_a_scaled_down_photo_still_reads() -> None:
    text = longest_card("GIULIA BRAMBILLA")
    image = render_qr(text, module_px=4).resize((260, 260), Image.Resampling.BILINEAR)
    canvas = Image.new("L", (400, 300), 200)
    canvas.paste(image, (70, 20))
    buffer = io.BytesIO()
    canvas.convert("RGB").save(buffer, "JPEG", quality=80)
    assert read_card_qr(buffer.getvalue()) == text
