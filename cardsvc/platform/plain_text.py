"""One line of plain text, as names, titles and addresses must be: bounded, and without control or
bidirectional characters (which hide or reorder what a page, a receipt or a spreadsheet shows)."""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Arabic letter mark, the bidirectional marks, embeddings, overrides and
# isolates, and the line and paragraph separators: as a regular expression character range.
UNSAFE_RANGE = "\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069"
_UNSAFE = re.compile(f"[{UNSAFE_RANGE}]")


def plain_text(value: object, limit: int, required: bool = True) -> str:
    """``value`` without its outer spaces, or ValueError saying what is wrong with it."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    if len(value) > limit:
        raise ValueError(f"must be at most {limit} characters")
    if _UNSAFE.search(value):
        raise ValueError("must hold no control or bidirectional characters")
    if required and not value.strip():
        raise ValueError("is required")
    return value.strip()
