"""Euro amounts as people type them in Italy, kept as integer cents (written out by Babel:
``cardsvc.platform.i18n.format_money``)."""

from __future__ import annotations


def parse_euros(text: str) -> int:
    """Cents from what the clerk typed: ``12,50``, ``12.50``, ``12``, ``€ 1.234,50``; raises ValueError."""
    clean = text.replace("€", "").replace(" ", "").strip()
    if not clean:
        raise ValueError("empty amount")
    if "," in clean:
        clean = clean.replace(".", "").replace(",", ".")  # Italian: dot for thousands, comma for cents
    elif clean.count(".") == 1 and len(clean.split(".")[1]) == 3:
        clean = clean.replace(".", "")  # 1.234 is one thousand two hundred thirty-four euro
    whole, _, cents = clean.partition(".")
    if not whole.isdigit() or (cents and (not cents.isdigit() or len(cents) > 2)):
        raise ValueError(f"not an amount in euro: {text!r}")
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)
