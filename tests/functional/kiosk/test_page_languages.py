"""Each till page speaks one language: Italian by default (shop staff), English on request; amounts are
written as the language writes them ("9,50 €", "€9.50")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.functional.kiosk.conftest import Till
from tests.functional.page_languages import foreign_words

pytestmark = pytest.mark.functional
TRANSLATIONS = Path(__file__).resolve().parents[3] / "merchant_kiosk/translations"
DATA = ("GIULIA BRAMBILLA", "10% sui prodotti per l'infanzia", "Seveso")


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_page_speaks_one_language(till: Till, lang: str) -> None:
    till.client.get(f"/?lang={lang}")
    card = till.central.card()
    verdict = till.scan(card).get_data(as_text=True)
    receipt = till.client.get(till.redeem(card, "9,50").headers["Location"]).get_data(as_text=True)
    pages = {"verdict": verdict, "receipt": receipt}
    for path in ("/", "/day", "/statement"):
        pages[path] = till.client.get(path).get_data(as_text=True)
    for name, page in pages.items():
        assert f'<html lang="{lang}">' in page, name
        assert foreign_words(page, TRANSLATIONS, "kiosk", lang, DATA) == set(), (lang, name)
    to_pay = re.search(r'id="to-pay">([^<]+)<', receipt).group(1)  # type: ignore[union-attr]
    assert to_pay == {"it": "8,55 €", "en": "€8.55"}[lang]
