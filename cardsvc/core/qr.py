"""QR images of card credentials: level Q, alphanumeric mode, quiet zone of four modules.

Rendered with zxing-cpp's encoder (C++, about 2.5 ms for a card against 20-30 ms for pure-Python
encoders; ``bench/verify.py`` reports both), read back with zxing-cpp's decoder.

Photos and camera frames are decoded in greyscale and never beyond ``MAX_DECODED_PIXELS``: the size is
read from the file's header first, a larger JPEG is decoded at 1/2, 1/4 or 1/8 scale by libjpeg itself,
and anything else that large is refused before a byte of it is decoded (a 144-megapixel PNG of 400 KB
would otherwise take a gigabyte). A photo in which zxing finds nothing is tried once more with its
contrast stretched, which reads faint and dim photos.
"""

from __future__ import annotations

import io
import warnings

import zxingcpp
from PIL import Image, ImageOps

QUIET_ZONE_MODULES = 4
MAX_CARD_QR_VERSION = 11
MAX_DECODED_PIXELS = 12_000_000  # a 4000 × 3000 photo; Pillow's own limit is 89 million
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
JPEG_SCALES = (1, 2, 4, 8)  # the reductions libjpeg makes while decoding


class QrError(ValueError):
    """No card QR code could be found; ``code`` says why: ``not_an_image``, ``image_too_large``,
    ``no_code`` or ``several_codes``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


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


def open_photo(data: bytes, max_pixels: int = MAX_DECODED_PIXELS) -> Image.Image:
    """An image file's bytes decoded in greyscale, at most ``max_pixels`` of them; raises
    :class:`QrError` (``not_an_image``, ``image_too_large``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=PHOTO_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise QrError("image_too_large", "the image is too large to decode") from None
    except Exception as exc:  # Pillow raises many types for a file that is not an image
        raise QrError("not_an_image", f"not a readable image ({exc.__class__.__name__})") from None
    width, height = image.size
    if image.format == "JPEG":
        scale = next((s for s in JPEG_SCALES if (width // s) * (height // s) <= max_pixels), 1)
        image.draft("L", (width // scale, height // scale))
    if image.width * image.height > max_pixels:
        raise QrError("image_too_large", f"the image is too large to decode ({width} × {height} pixels)")
    try:
        image.load()
        return image.convert("L")
    except Exception as exc:
        raise QrError("not_an_image", f"not a readable image ({exc.__class__.__name__})") from None


def read_card_qr(data: bytes) -> str:
    """The single card QR text in an image file's bytes; raises :class:`QrError`."""
    image = open_photo(data)
    texts = read_qr_texts(image) or read_qr_texts(ImageOps.autocontrast(image, cutoff=1))
    if not texts:
        raise QrError("no_code", "no QR code found in the image")
    if len(set(texts)) > 1:
        raise QrError("several_codes", "more than one QR code in the image")
    return texts[0]
