"""Defences that held when the apps were attacked, kept as regression tests: a kiosk cannot upload for
another kiosk or merchant or replay another kiosk's batch, a forged card is not counted, an officer sees
only their comune, and no form is taken without its CSRF token."""

from __future__ import annotations

import re

import pytest

from cardsvc.core.ledger_chain import sign_batch
from tests.functional.conftest import USER_PASSWORD, Central, bearer
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


def _two_kiosks(central: Central) -> tuple[object, object]:
    mine = central.merchant()
    central.offer(mine)
    theirs = central.merchant("Libreria Brugherio", "108012", "12345678903", "libreria")
    central.offer(theirs)
    return central.kiosk(mine), central.kiosk(theirs)


def test_a_kiosk_cannot_upload_as_another_kiosk(central: Central) -> None:
    mine, theirs = _two_kiosks(central)
    record = mine.redeem(central.card())  # type: ignore[attr-defined]
    as_them = sign_batch(theirs.kiosk_id, [record], mine.device, "2026-11-17T10:00:00Z")  # type: ignore[attr-defined]
    answer = central.client.post("/api/v1/redemptions", json=as_them, headers=bearer(mine.token))  # type: ignore[attr-defined]
    assert answer.status_code == 403 and answer.json["error"]["code"] == "wrong_kiosk"
    assert central.totals()["redemptions"] == 0


def test_a_kiosk_cannot_replay_another_kiosks_batch(central: Central) -> None:
    mine, theirs = _two_kiosks(central)
    record = theirs.redeem(central.card())  # type: ignore[attr-defined]
    batch = sign_batch(theirs.kiosk_id, [record], theirs.device, "2026-11-17T10:00:00Z")  # type: ignore[attr-defined]
    assert (
        central.client.post("/api/v1/redemptions", json=batch, headers=bearer(theirs.token)).status_code
        == 200
    )  # type: ignore[attr-defined]
    replay = central.client.post("/api/v1/redemptions", json=batch, headers=bearer(mine.token))  # type: ignore[attr-defined]
    assert replay.status_code == 403
    resigned = sign_batch(mine.kiosk_id, [record], mine.device, "2026-11-17T10:00:00Z")  # type: ignore[attr-defined]
    answer = central.client.post("/api/v1/redemptions", json=resigned, headers=bearer(mine.token))  # type: ignore[attr-defined]
    assert answer.json["results"][0]["reason"] == "id_conflict"
    assert central.totals()["redemptions"] == 1


def test_a_forged_card_is_not_counted(central: Central) -> None:
    mine, _theirs = _two_kiosks(central)
    card = central.card()
    forged = card[:-6] + ("A" if card[-6] != "A" else "B") + card[-5:]
    result = mine.upload([mine.redeem(forged)]).json["results"][0]  # type: ignore[attr-defined]
    assert result["reason"] == "forged_card" and central.totals()["redemptions"] == 0


def test_an_officer_cannot_read_another_comunes_report_or_flags(central: Central) -> None:
    officer = central.basic_for("seveso")
    month = "2026-11"
    client = central.app.test_client()
    page = client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    client.post("/admin/login", data={"username": "seveso", "password": USER_PASSWORD, "csrf_token": token})
    report = client.get(f"/admin/reports/{month}.json?comune=108012").json
    assert {r["istat"] for r in report["by_family_comune"]} <= {"108040"}
    assert central.client.get("/api/v1/admin/totals", headers=officer).status_code == 403
    assert central.post("/api/v1/admin/issuer-credentials", {"istat": "108012"}, officer).status_code == 403


def test_forms_without_their_csrf_token_change_nothing(central: Central, office: Desk) -> None:
    client = central.app.test_client()
    page = client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    client.post("/admin/login", data={"username": "admin", "password": USER_PASSWORD, "csrf_token": token})
    before = central.client.get("/api/v1/admin/issuer-credentials", headers=central.admin()).json
    assert client.post("/admin/issuers", data={"istat": "108040"}).status_code == 400
    assert client.post("/admin/logout").status_code == 400
    after = central.client.get("/api/v1/admin/issuer-credentials", headers=central.admin()).json
    assert before == after
    office.login()
    households = office.db()["households"].count
    assert office.client.post("/households/new", data={"reference_person": "X"}).status_code == 400
    assert office.db()["households"].count == households
