"""What cannot be undone is asked first: revoking or replacing a card needs its reason chosen from a list
with no default, then a confirmation that says what will happen; the server checks both (and the CSRF
token), and the card's page says afterwards what happened."""

from __future__ import annotations

import re

import pytest

from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


def issued(office: Desk) -> str:
    household = office.register(reference_person="Giulia Viganò")
    return office.issue(household, office.guardians(household)[0])


def form_of(page: str, action: str) -> str:
    found = re.search(rf'<form[^>]*action="[^"]*/{action}"[^>]*>(.*?)</form>', page, re.S)
    assert found, page
    return found.group(1)


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_the_reason_has_no_default(office: Desk, action: str) -> None:
    page = office.client.get(f"/cards/{issued(office)}").get_data(as_text=True)
    form = form_of(page, action)
    assert re.search(r'<select[^>]*name="reason"[^>]*required', form)
    first = re.search(r"<option([^>]*)>", form)
    assert first and 'value=""' in first.group(1)  # "choose the reason" comes first, selected
    assert "selected" not in form.split("</option>", 1)[1]


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_without_a_reason_nothing_happens_and_the_page_says_why(office: Desk, action: str) -> None:
    cti = issued(office)
    response = office.post(f"/cards/{cti}/{action}", {"confirm": "yes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Scegliere il motivo" in page
    assert 'aria-invalid="true"' in form_of(page, action)
    assert office.card_row(cti)["status"] == "active"


def test_a_reason_of_the_other_list_is_refused(office: Desk) -> None:
    cti = issued(office)
    response = office.post(f"/cards/{cti}/reissue", {"reason": "moved", "confirm": "yes"})
    assert response.status_code == 422 and office.card_row(cti)["status"] == "active"


def test_revoke_asks_for_confirmation_then_says_what_happened(office: Desk) -> None:
    cti = issued(office)
    number = office.card_row(cti)["number"]
    asked = office.post(f"/cards/{cti}/revoke", {"reason": "moved"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and office.card_row(cti)["status"] == "active"
    assert f"Revocare la carta {number}?" in page and "trasferito in altro comune" in page
    assert "Non si può annullare" in page
    confirm = form_of(page, "revoke")
    assert 'name="confirm" value="yes"' in confirm and 'name="reason" value="moved"' in confirm
    assert 'name="csrf_token"' in confirm and f"revoca la carta {number}" in confirm
    assert f'href="/cards/{cti}"' in page  # cancel: back to the card
    done = office.post(f"/cards/{cti}/revoke", {"reason": "moved", "confirm": "yes"})
    assert done.status_code == 303 and office.card_row(cti)["status"] == "revoked"
    page = office.client.get(done.headers["Location"]).get_data(as_text=True)
    assert f"Carta {number} revocata (motivo: trasferito in altro comune)" in page
    assert re.search(
        r'id="card-ended"[^>]*>\s*Revocata il 18/11/2026, motivo: trasferito in altro comune', page
    )


def test_reissue_asks_for_confirmation_and_links_the_two_cards(office: Desk) -> None:
    cti = issued(office)
    old = office.card_row(cti)
    asked = office.post(f"/cards/{cti}/reissue", {"reason": "lost"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and office.card_row(cti)["status"] == "active"
    assert f"Sostituire la carta {old['number']}?" in page and "smarrita" in page
    assert "GIULIA VIGANÒ" in page and "valida fino al" in page
    assert office.db().execute("select count(*) from cards").fetchone()[0] == 1
    done = office.post(f"/cards/{cti}/reissue", {"reason": "lost", "confirm": "yes"})
    new_cti = done.headers["Location"].rsplit("/", 1)[1]
    assert new_cti != cti and office.card_row(cti)["status"] == "revoked"
    page = office.client.get(done.headers["Location"]).get_data(as_text=True)
    new = office.card_row(new_cti)
    assert f"Nuova carta {new['number']} emessa; la carta {old['number']} è revocata (smarrita)." in page
    assert f'href="/cards/{cti}"' in page and "Sostituisce la carta" in page
    page = office.client.get(f"/cards/{cti}").get_data(as_text=True)
    assert "Sostituita dalla carta" in page and f'href="/cards/{new_cti}"' in page


def test_confirming_still_needs_the_csrf_token(office: Desk) -> None:
    cti = issued(office)
    response = office.client.post(f"/cards/{cti}/revoke", data={"reason": "moved", "confirm": "yes"})
    assert response.status_code == 400 and office.card_row(cti)["status"] == "active"


def test_the_confirmation_in_english(office: Desk) -> None:
    cti = issued(office)
    office.client.get("/?lang=en")
    page = office.post(f"/cards/{cti}/revoke", {"reason": "fraud"}).get_data(as_text=True)
    assert "Revoke card" in page and "cannot be undone" in page
