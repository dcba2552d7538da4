"""Reading a card's QR code from a photo or a camera frame: a size limit checked before decoding, large
JPEG photos decoded at a reduced scale, distinct reasons for "not an image" and "no code", and a retry
with stretched contrast for faint photos."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from cardsvc.core import CardClaims, QrError, generate_private_key, issue_card, read_card_qr, render_qr
from cardsvc.core.qr import read_qr_texts

pytestmark = pytest.mark.unit

MEASURE = """
import json, re, sys, time
from cardsvc.core import QrError, read_card_qr
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    outcome = read_card_qr(data)
except QrError as error:
    outcome = error.code
seconds = time.perf_counter() - start
# this process's own peak: getrusage would count the pages shared with the parent before exec
peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(json.dumps([outcome, int(peak) // 1024, seconds]))
"""


def card_text() -> str:
    claims = CardClaims("108040", 1_794_000_000, 1_820_000_000, os.urandom(8), "GIULIA BRAMBILLA", 2)
    return issue_card(claims, generate_private_key())


def encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def measured(tmp_path: Path, data: bytes) -> tuple[str, int, float]:
    """Read ``data`` in a fresh process: the outcome, its peak memory in MB and the seconds taken."""
    path = tmp_path / "image"
    path.write_bytes(data)
    output = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True
    ).stdout
    outcome, megabytes, seconds = json.loads(output)
    return outcome, megabytes, seconds


def bomb() -> bytes:
    """A 144-megapixel PNG of a few hundred kilobytes: white, with QR codes pasted along the diagonal."""
    image = Image.new("RGB", (12_000, 12_000), (255, 255, 255))
    symbol = render_qr(card_text(), 40).convert("RGB")
    for corner in range(0, 12_000, 3_000):
        image.paste(symbol, (corner, corner))
    return encoded(image, "PNG")


def test_a_144_megapixel_png_is_refused_from_its_header(tmp_path: Path) -> None:
    data = bomb()
    assert len(data) < 600_000
    outcome, megabytes, seconds = measured(tmp_path, data)
    assert outcome == "image_too_large"
    assert megabytes < 120 and seconds < 1.0  # was 1 GB and 3 s, decoding it whole


def test_a_large_jpeg_photo_is_decoded_at_a_reduced_scale(tmp_path: Path) -> None:
    text = card_text()
    photo = Image.new("L", (7_000, 5_000), 170)
    photo.paste(render_qr(text, 24), (2_000, 1_000))  # a 35-megapixel photo of the card
    outcome, megabytes, _seconds = measured(tmp_path, encoded(photo, "JPEG", quality=85))
    assert outcome == text
    assert megabytes < 150


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not_an_image"),
        (b"not an image at all", "not_an_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not_an_image"),  # a PNG cut short
        (encoded(Image.new("L", (640, 480), 200), "PNG"), "no_code"),
        (encoded(Image.new("RGB", (640, 480), (30, 90, 160)), "JPEG"), "no_code"),
    ],
)
def test_not_an_image_and_no_code_are_told_apart(data: bytes, code: str) -> None:
    with pytest.raises(QrError) as raised:
        read_card_qr(data)
    assert raised.value.code == code


def test_two_different_cards_in_one_photo_are_refused() -> None:
    photo = Image.new("L", (1_400, 700), 255)
    photo.paste(render_qr(card_text(), 5), (20, 20))
    photo.paste(render_qr(card_text(), 5), (720, 20))
    with pytest.raises(QrError) as raised:
        read_card_qr(encoded(photo, "PNG"))
    assert raised.value.code == "several_codes"


def faint_photo(text: str) -> Image.Image:
    """A blurred photo of the card's QR on a counter, all within twenty grey levels."""
    photo = Image.new("L", (1_000, 800), 90)
    photo.paste(render_qr(text, 6), (150, 60))
    return photo.point(lambda v: 118 + 20 * v // 255).filter(ImageFilter.GaussianBlur(1.5))


def test_a_faint_photo_is_read_with_stretched_contrast() -> None:
    text = card_text()
    data = encoded(faint_photo(text), "JPEG", quality=88)
    assert read_qr_texts(Image.open(io.BytesIO(data))) == []  # plain zxing misses it
    assert read_card_qr(data) == text
