"""Numbers in the office's URLs and forms: Unicode digits and numbers past SQLite's range are refused
in words (or a 404), never a 500, and issue nothing."""

from __future__ import annotations

import pytest

from cardsvc.platform.web.numbers import whole_number
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional
HUGE = "99999999999999999999999"


@pytest.mark.parametrize("text", ["²", "١", "1.0", " 1", "-1", "+1", "", HUGE, "9223372036854775808"])
def test_whole_numbers_are_ascii_digits_in_range(text: str) -> None:
    with pytest.raises(ValueError):
        whole_number(text)
    assert whole_number("9223372036854775807") == 2**63 - 1


def test_office_forms_and_urls(office: Desk) -> None:
    office.login()
    household = office.register()
    for guardian in ("²", "١", HUGE):
        response = office.post(f"/households/{household}/cards", {"guardian_id": guardian})
        assert response.status_code == 303  # back to the household, with the refusal in words
    assert office.db()["cards"].count == 0
    for path in (f"/households/{HUGE}", "/households/١", f"/households/{HUGE}/edit"):
        assert office.client.get(path).status_code == 404
    for years in ("²٠١٥", "٢٠١٥", HUGE):
        form = {"reference_person": "Giulia Brambilla", "birth_years": years, "address": "Via Roma 12"}
        response = office.post("/households/new", {**form, "resident": "si"})
        assert response.status_code == 422, response.status_code
