"""QR images of card credentials: level Q, alphanumeric mode, quiet zone of four modules.

Rendered with zxing-cpp's encoder (C++, about 2.5 ms for a card against 20-30 ms for pure-Python
encoders; ``bench/verify.py`` reports both), read back with zxing-cpp's decoder.
"""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

QUIET_ZONE_MODULES = 4
MAX_CARD_QR_VERSION = 11


class QrError(ValueError):
    """No card QR code could be made or found."""


def qr_symbol(text: str) -> zxingcpp.Barcode:
    """The QR symbol (level Q) for ``text``."""
    return zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")


def _symbol_image(text: str) -> Image.Image:
    """The bare symbol, one pixel per module, no quiet zone."""
    image = qr_symbol(text).to_image(scale=1, add_quiet_zones=False)
    height, width = image.shape
    return Image.frombytes("L", (width, height), bytes(image))  # type: ignore[call-overload]


def qr_version(text: str) -> int:
    """The QR version the encoder chooses for ``text`` at level Q."""
    return (_symbol_image(text).width - 17) // 4


def render_qr(text: str, module_px: int = 8) -> Image.Image:
    """A greyscale image of the QR code with its quiet zone, ``module_px`` pixels per module."""
    symbol = _symbol_image(text)
    size = symbol.width
    full = size + 2 * QUIET_ZONE_MODULES
    canvas = Image.new("L", (full, full), 255)
    canvas.paste(symbol, (QUIET_ZONE_MODULES, QUIET_ZONE_MODULES))
    return canvas.resize((full * module_px, full * module_px), Image.Resampling.NEAREST)


def qr_png(text: str, module_px: int = 8) -> bytes:
    """PNG bytes of :func:`render_qr`."""
    buffer = io.BytesIO()
    render_qr(text, module_px).save(buffer, "PNG")
    return buffer.getvalue()


def read_qr_texts(image: Image.Image) -> list[str]:
    """The texts of all QR codes zxing-cpp finds in ``image``."""
    results = zxingcpp.read_barcodes(
        image.convert("L"),
        formats=zxingcpp.BarcodeFormat.QRCode,  # type: ignore[arg-type]  # a format is a format set
    )
    return [r.text for r in results if r.valid]


def read_card_qr(data: bytes) -> str:
    """The single card QR text in an image file's bytes; raises :class:`QrError`."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception as exc:  # Pillow raises many types for a file that is not an image
        raise QrError(f"not a readable image ({exc.__class__.__name__})") from None
    texts = read_qr_texts(image)
    if not texts:
        raise QrError("no QR code found in the image")
    if len(set(texts)) > 1:
        raise QrError("more than one QR code in the image")
    return texts[0]
