"""Photos and camera frames at the till: what is not an image, an image without a code and an image too
large to decode are told apart in words; a faint photo of a printed card is read."""

from __future__ import annotations

import html
import io

import pytest
from PIL import Image, ImageFilter

from cardsvc.core import parse_credential
from issuer.printing import PrintedCard, card_image
from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def photo_of_printed_card(text: str) -> bytes:
    """A blurred, dim photo of the printed card lying askew on a dark counter."""
    claims = parse_credential(text).claims
    printed = card_image(PrintedCard("Seveso", claims.holder, "82E5-X0PQ-HHP9-XQ", claims.expires_at, text))
    card = printed.convert("L").rotate(7, expand=True, fillcolor=90, resample=Image.Resampling.BICUBIC)
    photo = Image.new("L", (1_400, 1_000), 90)
    photo.paste(card, (180, 150))
    return jpeg(photo.point(lambda v: 118 + 20 * v // 255).filter(ImageFilter.GaussianBlur(1.5)))


def send_photo(till: Till, data: bytes) -> tuple[int, str]:
    response = till.post("/scan/photo", {"image": (io.BytesIO(data), "foto.jpg")})
    return response.status_code, html.unescape(response.get_data(as_text=True))


def send_frame(till: Till, data: bytes) -> dict[str, str | None]:
    answer = till.client.post("/scan/frame", data=data, headers={"X-CSRF-Token": till.token()})
    assert answer.status_code == 200
    return answer.json  # type: ignore[no-any-return]


def test_a_faint_photo_of_a_printed_card_is_read(till: Till) -> None:
    card = till.central.card()
    status, page = send_photo(till, photo_of_printed_card(card))
    assert status == 200 and 'data-verdict="ACCEPTED"' in page
    assert send_frame(till, photo_of_printed_card(card)) == {"code": card}


def test_not_an_image_no_code_and_too_large_are_told_apart(till: Till) -> None:
    huge = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(huge, "PNG")
    cases = [
        (b"%PDF-1.7 not a photo", "not_an_image", "Il file non è un'immagine"),
        (jpeg(Image.new("L", (800, 600), 200)), "no_code", "Nessun codice trovato"),
        (huge.getvalue(), "image_too_large", "Immagine troppo grande"),
    ]
    for data, reason, words in cases:
        status, page = send_photo(till, data)
        assert status == 422 and words in page, page
        assert send_frame(till, data) == {"code": None, "reason": reason}
