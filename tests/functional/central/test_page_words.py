"""The admin pages show words, not codes: statuses and flag kinds in the page's language, comuni and
shops by name, times as a Rome day and time — never a raw RFC 3339 timestamp or a bare ISTAT code."""

from __future__ import annotations

import re

import pytest

from cardsvc.central.anomalies import raise_flag
from tests.functional.central.test_admin_ui import login
from tests.functional.conftest import NOW, Central

pytestmark = pytest.mark.functional
PAGES = (
    "/admin/merchants",
    "/admin/offers",
    "/admin/kiosks",
    "/admin/comuni",
    "/admin/flags",
    "/admin/issuers",
)
RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW_STATUS = re.compile(r">\s*(active|revoked|pending|draft|published|suspended|ended)\s*<")
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
WORDS = {
    "it": ("Pubblicata", "Attiva", "Troppi utilizzi in un giorno", "Seveso", "Farmacia Centrale"),
    "en": ("Published", "Active", "Too many uses in one day", "Seveso", "Farmacia Centrale"),
}


def _network(central: Central) -> set[str]:
    """Set up what the pages list; returns the names of the network's comuni."""
    shop = central.merchant()
    central.offer(shop)
    kiosk = central.kiosk(shop)
    central.issuer_token("108040")
    db = central.db()
    with db.atomic():
        raise_flag(
            db,
            "card_velocity",
            NOW,
            "9 redemptions",
            [],
            kiosk_id=kiosk.kiosk_id,
            merchant_id=shop,
            istat="108040",
        )
    names = {row[0] for row in db.execute("select name from comuni")}
    db.close()
    return names


@pytest.mark.parametrize("lang", ["it", "en"])
def test_pages_show_words_names_and_rome_times(central: Central, lang: str) -> None:
    comuni = _network(central)
    client, _ = login(central, "admin")
    client.get(f"/admin/?lang={lang}")
    shown = ""
    for path in PAGES:
        page = client.get(path).text
        assert not RAW_TIME.search(page), (path, RAW_TIME.search(page))
        assert not RAW_STATUS.search(page), (path, RAW_STATUS.search(page))
        for row in ROW.findall(page):
            cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in CELL.findall(row)]
            for cell in cells:
                if re.fullmatch(r"\d{6}", cell):  # an ISTAT code only beside its comune's name
                    assert comuni & set(cells), (path, cells)
        shown += page
    for word in WORDS[lang]:
        assert word in shown, (lang, word)
