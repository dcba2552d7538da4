"""Whether a page speaks one language: none of the words only the other language's catalogue holds.

A page's words are its text and the attributes people read (``title``, ``alt``, ``placeholder``,
``aria-label``, ``data-confirm``). A message counts when its Italian and English texts differ; a message
with placeholders counts by its longest fixed part. Words that are also part of a text of the page's own
language (the network's Italian name in an English subtitle, say) or of the page's data are left out.
"""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "data-confirm", "value"}
SHORTEST = 4  # shorter fixed parts ("N.", "Ora") say nothing about the page's language


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        kind = dict(attrs).get("type")
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES and not (name == "value" and kind in ("hidden", None)):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_words(html: str) -> str:
    parser = _Words()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _fixed_part(text: str) -> str:
    parts = [literal for literal, *_ in string.Formatter().parse(text)]
    return max((" ".join(p.split()) for p in parts), key=len, default="")


def _texts(po: Path) -> dict[str, list[str]]:
    with po.open("rb") as source:
        found = read_po(source)
    return {
        str(m.id[0] if m.pluralizable else m.id): list(m.string) if m.pluralizable else [m.string]
        for m in found
        if m.id
    }


def only_in(translations: Path, domain: str, lang: str) -> set[str]:
    """The fixed parts of ``lang``'s texts that the other language's texts do not share."""
    ours = _texts(translations / lang / "LC_MESSAGES" / f"{domain}.po")
    other = _texts(translations / ("en" if lang == "it" else "it") / "LC_MESSAGES" / f"{domain}.po")
    theirs = " | ".join(text for forms in other.values() for text in forms)
    found = set()
    for key, forms in ours.items():
        for form in forms:
            fixed = _fixed_part(form)
            if len(fixed) >= SHORTEST and fixed not in other[key] and fixed not in theirs:
                found.add(fixed)
    return found


def foreign_words(
    html: str, translations: Path, domain: str, lang: str, data: tuple[str, ...] = ()
) -> set[str]:
    """The other language's words on a page in ``lang`` (an empty set when the page speaks one)."""
    words = page_words(html)
    for value in data:
        words = words.replace(value, " ")
    other = "en" if lang == "it" else "it"
    return {
        text
        for text in only_in(translations, domain, other)
        if re.search(rf"(?<!\w){re.escape(text)}(?!\w)", words)
    }
