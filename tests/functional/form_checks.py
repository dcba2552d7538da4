"""What the tests of every form check in a page: the value typed into a field is still there, and an
error sits beside its field, tied to it by ``aria-describedby``."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _Fields(HTMLParser):
    """The page's inputs, selects and textareas by name (attributes, the selected or written value), and
    the text of every element with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, dict[str, str]] = {}
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str]] = []  # (tag, id) of elements with an id, still open
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag in ("input", "select", "textarea") and "name" in found and found.get("type") != "hidden":
            self.fields.setdefault(found["name"], {**found, "value": found.get("value", "")})
            if found.get("type") == "checkbox":
                self.fields[found["name"]]["value"] = found["value"] if "checked" in found else ""
            self._select = found["name"] if tag == "select" else None
            self._textarea = found["name"] if tag == "textarea" else None
        if tag == "option" and self._select and "selected" in found:
            self.fields[self._select]["value"] = found.get("value", "")
        if "id" in found and tag not in ("input", "br", "img"):
            self._open.append((tag, found["id"]))
            self.texts.setdefault(found["id"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea]["value"] += data
        for _, element in self._open:
            self.texts[element] += data


def fields(page: str) -> _Fields:
    parser = _Fields()
    parser.feed(page)
    return parser


def value_of(page: str, name: str) -> str:
    """What field ``name`` holds as the page shows it."""
    return fields(page).fields[name]["value"]


def error_of(page: str, name: str) -> str:
    """The error shown beside field ``name``: the text its ``aria-describedby`` points at, the field
    marked invalid; fails when the field has none."""
    parsed = fields(page)
    field = parsed.fields[name]
    assert field.get("aria-invalid") == "true", (name, field)
    said = [
        parsed.texts.get(i, "") for i in field.get("aria-describedby", "").split() if i.endswith("-error")
    ]
    assert said and all(said), (name, field)
    return " ".join(" ".join(text.split()) for text in said)


def no_error(page: str, name: str) -> bool:
    return "aria-invalid" not in fields(page).fields[name]


def flashes(page: str, kind: str = "ok") -> list[str]:
    """The messages of one kind (``ok``, ``error``) at the top of the page."""
    found = re.findall(rf'class="flash {kind}" role="[^"]*"[^>]*>(.*?)</p>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split()) for text in found]
