"""Cards at the comune office: issue, duplicate refused, renew, reissue, revoke, the key rule, the audit
log, and the printed PNG and PDF read back by a real decoder into a card that verifies."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from cardsvc.core import RevocationState, Verifier, load_trust_list, read_card_qr, verify_card
from cardsvc.core.keys import b64url_decode
from cardsvc.core.qr import read_qr_texts
from tests.functional.conftest import NOW
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


DAY = 86_400


def verify(office: Desk, text: str, at: int = NOW) -> str:
    """The verdict a till would give, with the lists the central service publishes."""
    client = office.central.client
    office.central.app.config["CLOCK"].now = at  # the lists as signed on that day
    root = Verifier(b64url_decode(office.central.home.state["root_public_key"]))
    trust = load_trust_list(client.get("/api/v1/lists/trust").json["trust_list"], root)
    held = RevocationState()
    held.apply_token(client.get("/api/v1/lists/revocations?since=0").json["revocation_list"], trust)
    return verify_card(text, trust, held, at).code.value


def issued(office: Desk) -> tuple[int, str]:
    household = office.register()
    return household, office.issue(household, office.guardians(household)[0])


def test_issue_signs_a_card_that_verifies(office: Desk) -> None:
    _household, cti = issued(office)
    card = office.card_row(cti)
    assert card["holder"] == "GIULIA BRAMBILLA" and card["minors"] == 2 and card["status"] == "active"
    assert verify(office, card["qr"]) == "ACCEPTED"
    assert card["expires_at"] - card["issued_at"] > 364 * DAY


def test_one_active_card_per_guardian_and_one_for_each(office: Desk) -> None:
    household, first = issued(office)
    again = office.post(
        f"/households/{household}/cards", {"guardian_id": str(office.guardian_ids(household)[0])}
    )
    assert "ha già una carta attiva" in office.client.get(again.headers["Location"]).get_data(as_text=True)
    second = office.issue(household, office.guardians(household)[0])  # the other parent
    assert office.card_row(second)["holder"] == "MARCO COLOMBO" and second != first
    assert office.guardians(household) == []  # both hold a card now


def test_long_names_are_shortened_as_the_form_shows(office: Desk) -> None:
    household = office.register(reference_person="Maria Antonietta Dell'Acqua Bianchi")
    page = office.client.get(f"/households/{household}").get_data(as_text=True)
    assert "MARIA ANTONIETTA" in page and "accorciato" in page
    cti = office.issue(household, office.guardians(household)[0])
    holder = office.card_row(cti)["holder"]
    assert len(holder.encode()) <= 24 and holder in page


def test_renew_from_sixty_days_before_expiry(office: Desk) -> None:
    _household, cti = issued(office)
    old = office.card_row(cti)
    early = office.post(f"/cards/{cti}/renew")
    assert "Troppo presto" in office.client.get(early.headers["Location"]).get_data(as_text=True)
    office.clock.now = old["expires_at"] - 50 * DAY
    office.login()  # months later: a new session
    renewed = office.post(f"/cards/{cti}/renew")
    new_cti = renewed.headers["Location"].rsplit("/", 1)[1]
    new = office.card_row(new_cti)
    assert office.card_row(cti)["status"] == "superseded" and new["replaces"] == cti
    assert new["expires_at"] > old["expires_at"] + 360 * DAY  # the new year follows the old one
    office.push()
    assert verify(office, old["qr"], office.clock.now) == "REVOKED"  # superseded: listed
    assert verify(office, new["qr"], office.clock.now) == "ACCEPTED"


def test_reissue_after_loss_keeps_the_expiry(office: Desk) -> None:
    _household, cti = issued(office)
    old = office.card_row(cti)
    office.clock.now += 30 * DAY
    office.login()
    response = office.post(f"/cards/{cti}/reissue", {"reason": "lost", "confirm": "yes"})
    new = office.card_row(response.headers["Location"].rsplit("/", 1)[1])
    assert new["expires_at"] == old["expires_at"] and new["number"] != old["number"]
    row = office.card_row(cti)
    assert (row["status"], row["reason"]) == ("revoked", "lost")
    office.push()
    assert verify(office, old["qr"], office.clock.now) == "REVOKED"
    bad = office.post(f"/cards/{new['cti']}/reissue", {"reason": "moved", "confirm": "yes"})
    assert bad.status_code == 422 and "Scegliere il motivo" in bad.get_data(as_text=True)


def test_revoke_reaches_the_next_revocation_delta(office: Desk) -> None:
    _household, cti = issued(office)
    before = office.central.client.get("/api/v1/lists/revocations").json["version"]
    office.post(f"/cards/{cti}/revoke", {"reason": "moved", "confirm": "yes"})
    assert office.card_row(cti)["status"] == "revoked"
    assert office.push()["108040"] == 2  # issued, then revoked
    delta = office.central.client.get(f"/api/v1/lists/revocations?since={before}").json
    assert delta["version"] > before
    assert verify(office, office.card_row(cti)["qr"]) == "REVOKED"
    again = office.post(f"/cards/{cti}/revoke", {"reason": "moved", "confirm": "yes"})
    assert "non è attiva" in office.client.get(again.headers["Location"]).get_data(as_text=True)


def test_no_card_without_a_key_active_in_the_trust_list(office: Desk) -> None:
    office.client.post("/logout", data={"csrf_token": office.csrf})
    office.login("brugherio-office")
    household = office.register(isee="20000")
    assert "Nessuna chiave attiva" in office.client.get("/").get_data(as_text=True)
    refused = office.post(
        f"/households/{household}/cards", {"guardian_id": str(office.guardian_ids(household)[0])}
    )
    page = office.client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Nessuna chiave di firma attiva" in page
    assert office.db().execute("select count(*) from cards").fetchone()[0] == 0


def test_audit_log_records_who_did_what(office: Desk) -> None:
    _household, cti = issued(office)
    office.client.get(f"/cards/{cti}/card.pdf")
    office.post(f"/cards/{cti}/revoke", {"reason": "fraud", "confirm": "yes"})
    page = office.client.get("/audit").get_data(as_text=True)
    for action in ("Nucleo registrato", "Carta emessa", "Stampa", "Carta revocata"):  # in words
        assert f"<td>{action}</td>" in page
    assert "<td>carta (PDF)</td>" in page and "<td>uso fraudolento</td>" in page
    assert page.count("seveso-office") >= 4


def test_printed_png_pdf_and_phone_picture_read_back_to_a_valid_card(office: Desk, tmp_path: Path) -> None:
    _household, cti = issued(office)
    text = office.card_row(cti)["qr"]
    png = office.client.get(f"/cards/{cti}/card.png")
    assert png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    assert image.size == (1011, 638) and round(image.info["dpi"][0]) == 300  # 85.6 × 54 mm
    assert read_card_qr(png.data) == text
    assert read_card_qr(office.client.get(f"/cards/{cti}/phone.png").data) == text
    pdf = office.client.get(f"/cards/{cti}/card.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    (tmp_path / "card.pdf").write_bytes(pdf.data)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(tmp_path / "card.pdf"), str(tmp_path / "page")], check=True
    )
    [page] = sorted(tmp_path.glob("page*.png"))
    with Image.open(page) as rendered:
        assert abs(rendered.width - 1011) <= 2 and abs(rendered.height - 638) <= 2  # the page is card-sized
    decoded = read_card_qr(page.read_bytes())
    assert decoded == text and verify(office, decoded) == "ACCEPTED"


def test_a4_sheets_hold_ten_cards_each(tmp_path: Path) -> None:
    from cardsvc.core import CardClaims, generate_private_key, issue_card, new_cti
    from issuer.printing import PrintedCard, card_image, pdf_bytes, sheet_images

    key = generate_private_key()
    texts = [
        issue_card(CardClaims("108040", NOW, NOW + 365 * DAY, new_cti(), f"FAMIGLIA {i}", 2), key)
        for i in range(12)
    ]
    images = [
        card_image(PrintedCard("Seveso", f"FAMIGLIA {i}", "0000-0000-0000-00", NOW + 365 * DAY, t))
        for i, t in enumerate(texts)
    ]
    (tmp_path / "sheets.pdf").write_bytes(pdf_bytes(sheet_images(images)))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "sheets.pdf"), str(tmp_path / "a4")], check=True
    )
    pages = sorted(tmp_path.glob("a4*.png"))
    assert len(pages) == 2
    with Image.open(pages[0]) as first, Image.open(pages[1]) as second:
        assert abs(first.width / first.height - 210 / 297) < 0.01  # A4
        found = set(read_qr_texts(first)) | set(read_qr_texts(second))
    assert found == set(texts)
