"""The office's pages show words, not codes: what was done in the page's language ("Carta emessa", not
"issue"), households by their reference person and cards by their number (not "household 216"), reasons
in words (not "moved"), times as a Rome day and time — never a raw timestamp or a bare ISTAT code."""

from __future__ import annotations

import html
import re

import pytest

from issuer.audit import record_action
from tests.functional.conftest import NOW
from tests.functional.issuer.conftest import Desk
from tests.functional.issuer.test_batches import checked, finished

pytestmark = pytest.mark.functional
RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\b1[6-9]\d{8}\b")  # RFC 3339, or seconds
RAW_TEXT = re.compile(
    r"\bhousehold \d+|\breminder letters: \d+|\bbatch [0-9a-f]{8,}|\bbatch line \d+|\breplaces [0-9A-Z-]{10,}"
)
CODES = {
    # audit actions, card events and statuses, reasons, printed kinds, batch states, erasure reasons
    "register", "edit", "issue", "renew", "reissue", "revoke", "print", "erase", "issued", "revoked",
    "active", "superseded", "moved", "lost", "stolen", "fraud", "other", "card.pdf", "card.png",
    "phone.png", "a4.pdf", "sheets", "request", "retention", "ready", "running", "done", "failed",
    "interrupted", "true", "false", "None", "remind", "reminders",
}  # fmt: skip
# English words that are also codes: shown in English, they are words
ENGLISH = {"active", "revoked", "superseded", "issued", "done", "ready", "running", "failed", "interrupted",
           "lost", "stolen", "other"}  # fmt: skip
CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
WORDS = {
    "it": ("Nucleo registrato", "Carta emessa", "Carta revocata", "Stampa", "trasferito in altro comune",
           "Giulia Brambilla", "carta (PDF)", "completato", "da file, riga 2", "Promemoria di rinnovo",
           "lettere di promemoria del rinnovo", "2 lettere"),
    "en": ("Household registered", "Card issued", "Card revoked", "Printed", "Giulia Brambilla",
           "card (PDF)", "completed", "from a file, line 2", "Renewal reminder", "renewal reminder letters",
           "2 letters"),
}  # fmt: skip


def _office_at_work(office: Desk) -> list[str]:
    """A household, its cards (one revoked, one printed), a finished batch; the pages that show them."""
    household = office.register()
    first, second = office.guardians(household)[:2]
    old = office.issue(household, first)
    office.client.get(f"/cards/{old}/card.pdf")
    office.post(f"/cards/{old}/revoke", {"reason": "moved", "confirm": "yes"})
    card = office.issue(household, second)
    db = office.db()
    with db.atomic():  # as a reminder run and the printing of its letters write them
        record_action(db, "seveso-office", "108040", "remind", office.card_row(card)["number"], "", NOW)
        record_action(db, "seveso-office", "108040", "print", "reminders", "reminder letters: 2", NOW)
    token = checked(office, name="nuclei-novembre.csv")
    finished(office, token)
    return [
        "/",
        "/households/new",
        f"/households/{household}",
        f"/households/{household}/edit",
        f"/cards/{card}",
        f"/cards/{old}",
        "/batch",
        "/batches",
        f"/batch/{token}",
        "/events",
        "/reminders",
        "/audit",
    ]


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_office_page_shows_words_names_and_rome_times(office: Desk, lang: str) -> None:
    pages = _office_at_work(office)
    office.client.get(f"/?lang={lang}")
    shown = ""
    for path in pages:
        response = office.client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        text = html.unescape(re.sub(r"<[^>]+>", " ", re.split(r"<main[^>]*>", page, maxsplit=1)[1]))
        assert not RAW_TIME.search(text), (path, RAW_TIME.search(text))
        assert not RAW_TEXT.search(text), (path, RAW_TEXT.search(text))
        for row in ROW.findall(page):
            cells = [
                " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split()) for cell in CELL.findall(row)
            ]
            for cell in cells:
                assert cell not in (CODES - ENGLISH if lang == "en" else CODES), (path, cells)
                assert not re.fullmatch(r"\d{6}", cell), (path, cells)  # an ISTAT code is said by name
        shown += text
    for word in WORDS[lang]:
        assert word in shown, (lang, word)
