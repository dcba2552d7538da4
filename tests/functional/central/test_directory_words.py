"""The public directory in plain Italian: "Tutte le categorie", "Tutti i comuni", and an offer's terms
as one sentence ("5,00 € di sconto, spesa minima 40,00 €"), never a space before a comma."""

from __future__ import annotations

import re

import pytest

from tests.functional.conftest import Central

pytestmark = pytest.mark.functional


def test_directory_filters_and_terms_in_words(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant, title="Buono famiglia", kind="fixed", amount_cents=500, min_spend_cents=4000)
    central.offer(merchant, title="Sconto infanzia", kind="percent", percent=10, cap_cents=1500)
    page = central.app.test_client().get("/directory").text
    category = page.split('<select name="category">')[1].split("</select>")[0]
    comune = page.split('<select name="comune">')[1].split("</select>")[0]
    assert '<option value="">Tutte le categorie</option>' in category
    assert '<option value="">Tutti i comuni</option>' in comune
    items = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", page, re.S)
    ]
    assert "Buono famiglia: 5,00 € di sconto, spesa minima 40,00 €" in items
    assert "Sconto infanzia: 10% di sconto, fino a 15,00 €" in items
    assert not re.search(r"\s,", page)
    english = central.app.test_client().get("/directory?lang=en").text
    assert (
        '<option value="">All categories</option>' in english
        and '<option value="">All comuni</option>' in english
    )
