"""The till's states after a scan and after a redemption, each unmistakable: a voided receipt, a valid card
with no offer the family can use today, and an amount above the shop's plausible ceiling that waits for the
clerk's confirmation before anything is recorded."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from cardsvc.core.errors import InvalidInput
from merchant_kiosk import create_app
from merchant_kiosk.schema import open_database
from tests.functional.conftest import PASS
from tests.functional.kiosk.conftest import Till
from tests.functional.kiosk.test_page_languages import DATA, TRANSLATIONS
from tests.functional.page_languages import foreign_words

pytestmark = pytest.mark.functional


def figure(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]+)<', page)
    assert match, page
    return match.group(1).strip()


def ledger_count(till: Till) -> int:
    db = open_database(str(till.instance / "kiosk.db"))
    return int(db.execute("select count(*) from ledger").fetchone()[0])


def focused_scan_field(page: str) -> bool:
    """The page has the scanner field, focused when it loads, in a form that verifies a card."""
    form = re.search(r'<form[^>]*action="/scan"[^>]*>(.*?)</form>', page, re.S)
    return form is not None and re.search(r'<input id="code"[^>]*\bautofocus\b', form.group(1)) is not None


def test_a_voided_receipt_says_the_customer_pays_the_full_amount(make_till: Callable[..., Till]) -> None:
    till = make_till([{"title": "Cinquanta centesimi", "kind": "fixed", "amount_cents": 50}])
    location = till.redeem(till.central.card(), "10,00").headers["Location"]
    receipt = till.client.get(location).get_data(as_text=True)
    assert figure(receipt, "to-pay") == "9,50 €"
    voided = till.post(location.replace("/receipt/", "/void/"))
    page = till.client.get(voided.headers["Location"]).get_data(as_text=True)
    assert 'data-state="voided"' in page and re.search(r"<h1>.*Operazione annullata</h1>", page)
    assert figure(page, "to-pay") == "10,00 €"  # the amount before the discount, in large type
    assert "Sconto non applicato" in page and "l&#39;intero importo" in page
    assert "9,50 €" not in page


def test_the_receipt_keeps_the_scanner_field_focused(till: Till) -> None:
    receipt = till.client.get(till.redeem(till.central.card(), "20").headers["Location"])
    page = receipt.get_data(as_text=True)
    assert focused_scan_field(page)
    assert page.count("autofocus") == 1  # the field, not the "next card" link


@pytest.mark.parametrize(
    ("offers", "used_before", "reason"),
    [
        ([{"title": "Tre figli", "min_minors": 3}], False, "L&#39;offerta richiede più figli minori"),
        ([{"title": "Una volta al giorno", "daily_limit": 1}], True, "Offerta già usata oggi"),
        ([], False, "Il negozio non ha offerte attive"),
    ],
)
def test_a_valid_card_with_no_usable_offer_is_its_own_state(
    make_till: Callable[..., Till], offers: list[dict[str, object]], used_before: bool, reason: str
) -> None:
    till = make_till(offers)
    card = till.central.card(minors=2)
    if used_before:
        assert till.redeem(card, "10").status_code == 303
        till.clock.now += 60
    page = till.scan(card).get_data(as_text=True)
    verdict = re.search(r'<section class="verdict[^"]*"[^>]*>(.*?)</section>', page, re.S)
    assert verdict, page
    assert 'data-state="no_offer"' in page and 'data-sound="no_offer"' in page
    assert "NESSUNO SCONTO APPLICABILE" in verdict.group(1) and "CARTA VALIDA" not in page
    assert "La carta è valida" in verdict.group(1) and reason in verdict.group(1)  # the reason in words
    assert all(str(offer["title"]) in verdict.group(1) for offer in offers)
    assert 'class="verdict ok"' not in page and 'name="amount"' not in page
    assert "GIULIA BRAMBILLA" in page  # the family, as for an accepted card
    assert focused_scan_field(page)


def test_a_rejected_card_keeps_the_scanner_field_focused(till: Till) -> None:
    page = till.scan("FC1NOTACARD").get_data(as_text=True)
    assert 'data-state="rejected"' in page and focused_scan_field(page)


def form_fields(page: str, form_id: str) -> dict[str, str]:
    form = re.search(rf'<form[^>]*id="{form_id}"[^>]*>(.*?)</form>', page, re.S)
    assert form, page
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form.group(1)))


def scan_form(till: Till, card: str) -> dict[str, str]:
    page = till.scan(card).get_data(as_text=True)
    return {**form_fields(page, "redeem-form"), "offer_id": str(till.offers[0])}


def test_an_amount_above_the_ceiling_waits_for_the_clerks_confirmation(till: Till) -> None:
    asked = till.post("/redeem", {**scan_form(till, till.central.card()), "amount": "99.999,00"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'data-state="confirm_amount"' in page
    assert figure(page, "confirm-amount") == "99.999,00 €"  # in large type
    assert "Controllare l&#39;importo" in page and "1.000,00 €" in page  # the ceiling, in words
    assert re.search(r'<button[^>]*id="confirm"[^>]*autofocus', page)  # Enter confirms
    assert 'data-escape="/scan/' in page  # Escape goes back to the amount
    assert ledger_count(till) == 0  # nothing recorded until confirmed
    confirmation = form_fields(page, "confirm-form")
    assert confirmation["confirmed_cents"] == "9999900" and confirmation["amount"] == "99.999,00"
    recorded = till.post("/redeem", confirmation)
    assert recorded.status_code == 303 and ledger_count(till) == 1
    receipt = till.client.get(recorded.headers["Location"]).get_data(as_text=True)
    assert figure(receipt, "to-pay") == "89.999,10 €"
    assert till.post("/redeem", confirmation).headers["Location"] == recorded.headers["Location"]  # once
    assert ledger_count(till) == 1


def test_amounts_up_to_the_ceiling_are_recorded_at_once(till: Till) -> None:
    assert (
        till.post("/redeem", {**scan_form(till, till.central.card()), "amount": "1.000"}).status_code == 303
    )


@pytest.mark.parametrize(
    "confirmed",
    [
        {},  # the form posted directly, without the confirmation step
        {"confirmed_cents": "100000"},  # a confirmation of another amount
        {"confirmed_cents": "99.999,00"},
        {"confirmed_cents": "yes"},
    ],
)
def test_the_confirmation_cannot_be_skipped(till: Till, confirmed: dict[str, str]) -> None:
    form = {**scan_form(till, till.central.card()), "amount": "99999", **confirmed}
    asked = till.post("/redeem", form)
    assert asked.status_code == 200 and 'data-state="confirm_amount"' in asked.get_data(as_text=True)
    assert ledger_count(till) == 0


def test_the_confirmation_keeps_the_csrf_check(till: Till) -> None:
    page = till.post("/redeem", {**scan_form(till, till.central.card()), "amount": "5000"})
    confirmation = form_fields(page.get_data(as_text=True), "confirm-form")
    refused = till.client.post("/redeem", data={**confirmation, "csrf_token": "forged"})
    assert refused.status_code == 400 and ledger_count(till) == 0


def test_escape_goes_back_to_the_amount_to_correct_it(till: Till) -> None:
    page = till.post("/redeem", {**scan_form(till, till.central.card()), "amount": "4250"})
    back = re.search(r'data-escape="([^"]+)"', page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    verdict = till.client.get(back.replace("&amp;", "&")).get_data(as_text=True)
    assert 'data-state="accepted"' in verdict and 'data-sound=""' in verdict  # no second verdict sound
    assert re.search(r'<input id="amount"[^>]*value="4250"', verdict)
    assert re.search(rf'value="{till.offers[0]}"\s+checked', verdict)
    corrected = till.post(
        "/redeem", {**form_fields(verdict, "redeem-form"), "offer_id": str(till.offers[0]), "amount": "42,50"}
    )
    assert corrected.status_code == 303 and ledger_count(till) == 1


def test_the_ceiling_is_a_till_setting(make_till: Callable[..., Till]) -> None:
    till = make_till(PLAUSIBLE_SPEND="150 €")
    assert till.post("/redeem", {**scan_form(till, till.central.card()), "amount": "150"}).status_code == 303
    asked = till.post("/redeem", {**scan_form(till, till.central.card()), "amount": "150,01"})
    assert 'data-state="confirm_amount"' in asked.get_data(as_text=True) and "150,00 €" in asked.get_data(
        as_text=True
    )


@pytest.mark.parametrize("value", ["molto", "0", "-5", ""])
def test_a_ceiling_that_is_not_an_amount_is_refused_at_start(till: Till, value: str) -> None:
    with pytest.raises(InvalidInput, match="PLAUSIBLE_SPEND") as refused:
        create_app({"INSTANCE": str(till.instance), "PLAUSIBLE_SPEND": value, "TESTING": True})
    assert "\n" not in str(refused.value)


def test_serve_names_a_ceiling_that_is_not_an_amount(till: Till, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILYCARD_KIOSK_PLAUSIBLE_SPEND", "tanto")
    monkeypatch.setattr("cardsvc.cli.common.os.execve", lambda *_args: pytest.fail("gunicorn was started"))
    served = CliRunner().invoke(
        main, ["kiosk", "serve", "--instance", str(till.instance)], env={"FAMILYCARD_PASSPHRASE": PASS}
    )
    assert served.exit_code == 2 and "PLAUSIBLE_SPEND" in served.output, served.output
    assert len(served.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("lang", "terms"),
    [
        ("it", ["10% di sconto, al massimo 5,00 €", "5,00 € di sconto · spesa minima 40,00 €"]),
        ("en", ["10% off, at most €5.00", "€5.00 off · minimum spend €40.00"]),
    ],
)
def test_an_accepted_card_says_it_once_and_the_offers_in_words(
    make_till: Callable[..., Till], lang: str, terms: list[str]
) -> None:
    till = make_till(
        [
            {"title": "Dieci per cento", "percent": 10, "cap_cents": 500},
            {"title": "Cinque euro", "kind": "fixed", "amount_cents": 500, "min_spend_cents": 4000},
        ]
    )
    till.client.get(f"/?lang={lang}")
    page = till.scan(till.central.card()).get_data(as_text=True)
    verdict = re.search(r'<section class="verdict[^"]*"[^>]*>(.*?)</section>', page, re.S)
    assert verdict and 'data-state="accepted"' in page
    heading, reason = {"it": ("CARTA VALIDA", "Carta valida."), "en": ("CARD VALID", "Card valid.")}[lang]
    assert heading in verdict.group(1) and reason not in page  # not "CARTA VALIDA / Carta valida."
    shown = [" ".join(t.split()) for t in re.findall(r'<span class="terms">(.*?)</span>', page, re.S)]
    assert shown == terms


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_new_states_speak_one_language(make_till: Callable[..., Till], lang: str) -> None:
    till = make_till([{"title": "Una volta al giorno", "daily_limit": 1}])
    till.client.get(f"/?lang={lang}")
    card = till.central.card()
    confirm = till.post("/redeem", {**scan_form(till, card), "amount": "2500"}).get_data(as_text=True)
    location = till.post("/redeem", form_fields(confirm, "confirm-form")).headers["Location"]
    voided = till.post(location.replace("/receipt/", "/void/")).headers["Location"]
    till.clock.now += 60
    till.redeem(card, "10")
    pages = {
        "confirm_amount": confirm,
        "voided": till.client.get(voided).get_data(as_text=True),
        "no_offer": till.scan(card).get_data(as_text=True),
    }
    for name, page in pages.items():
        assert f'data-state="{name}"' in page, name
        assert f'<html lang="{lang}">' in page, name
        assert foreign_words(page, TRANSLATIONS, "kiosk", lang, DATA) == set(), (lang, name)
    assert {"it": "2.500,00 €", "en": "€2,500.00"}[lang] in pages["voided"]
