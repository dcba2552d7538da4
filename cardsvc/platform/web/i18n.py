"""Words for the web pages in Italian (the default) and English, shared by the central service and the
kiosk. The language comes from ``?lang=`` (kept in the session), else the user's own setting, else Italian.
"""

from __future__ import annotations

from flask import g, request, session

LANGUAGES = ("it", "en")


def language() -> str:
    if "lang" in g:
        return str(g.lang)
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    lang = session.get("lang") or getattr(g, "user_language", None) or LANGUAGES[0]
    g.lang = lang if lang in LANGUAGES else LANGUAGES[0]
    return str(g.lang)


class Catalog:
    """Messages by key, each an (Italian, English) pair."""

    def __init__(self, messages: dict[str, tuple[str, str]]) -> None:
        self.messages = messages

    def __call__(self, key: str, **values: object) -> str:
        """The message in the page's language."""
        return self.in_language(language(), key, **values)

    def in_language(self, lang: str, key: str, **values: object) -> str:
        """The message in ``lang``, outside any request too (the command line, files)."""
        italian, english = self.messages[key]
        text = english if lang == "en" else italian
        return text.format(**values) if values else text
