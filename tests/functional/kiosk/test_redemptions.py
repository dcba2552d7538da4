"""Recording discounts at the till: every offer rule through the page, the receipt, voids, refusals."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from merchant_kiosk.ledger import get_record
from merchant_kiosk.schema import open_database
from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional
RECEIPT = re.compile(r"/receipt/([0-9a-f]+)")


def receipt_of(till: Till, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.get_data(as_text=True)
    page = till.client.get(response.headers["Location"]).get_data(as_text=True)
    return page


def figure(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]+)<', page)
    assert match, page
    return match.group(1).strip()


def ledger_row(till: Till, response) -> dict:  # type: ignore[no-untyped-def,type-arg]
    record_id = RECEIPT.search(response.headers["Location"]).group(1)  # type: ignore[union-attr]
    record = get_record(open_database(str(till.instance / "kiosk.db")), record_id)
    assert record is not None
    return record


@pytest.mark.parametrize(
    ("offer", "amount", "discount", "to_pay"),
    [
        ({"kind": "percent", "percent": 10}, "12,50", "1,25 €", "11,25 €"),
        ({"kind": "percent", "percent": 10}, "10.05", "1,01 €", "9,04 €"),  # half up to the cent
        ({"kind": "percent", "percent": 15, "cap_cents": 500}, "100", "5,00 €", "95,00 €"),
        ({"kind": "percent", "percent": 15, "cap_cents": 500}, "20,00", "3,00 €", "17,00 €"),
        ({"kind": "fixed", "amount_cents": 500}, "€ 42,00", "5,00 €", "37,00 €"),
        ({"kind": "fixed", "amount_cents": 500}, "3", "3,00 €", "0,00 €"),  # never above the purchase
        (
            {"kind": "fixed", "amount_cents": 2000, "min_spend_cents": 10000},
            "1.234,50",
            "20,00 €",
            "1.214,50 €",
        ),
    ],
)
def test_offer_rules(
    make_till: Callable[..., Till], offer: dict, amount: str, discount: str, to_pay: str
) -> None:  # type: ignore[type-arg]
    till = make_till([{"title": "Sconto famiglia", **offer}], PLAUSIBLE_SPEND="5.000")  # 1.234,50 € at once
    response = till.redeem(till.central.card(), amount)
    page = receipt_of(till, response)
    assert "Sconto registrato" in page
    assert figure(page, "discount") == discount and figure(page, "to-pay") == to_pay


def test_the_record_is_in_the_chained_ledger_before_the_receipt(till: Till) -> None:
    card = till.central.card()
    first = ledger_row(till, till.redeem(card, "50"))
    till.clock.now += 10
    second = ledger_row(till, till.redeem(till.central.card(), "20"))
    assert (first["seq"], second["seq"]) == (1, 2)
    assert second["prev"] == first["hash"] and first["prev"] == "0" * 64
    assert first["card"] == card and first["amount_cents"] == 5000 and first["discount_cents"] == 500
    assert first["sent"] == 0


@pytest.mark.parametrize(
    ("offer", "minors", "amount", "message"),
    [
        ({"min_spend_cents": 3000}, 2, "29,99", "sotto il minimo"),
        ({}, 2, "dodici", "Importo non valido"),
        ({}, 2, "0", "Importo non valido"),
        ({}, 2, "12,345", "Importo non valido"),
        ({}, 2, "1000000,01", "Importo non valido"),
    ],
)
def test_refusals_keep_the_form_and_record_nothing(
    make_till: Callable[..., Till],
    offer: dict,
    minors: int,
    amount: str,
    message: str,  # type: ignore[type-arg]
) -> None:
    till = make_till([{"title": "Sconto", "kind": "percent", "percent": 10, **offer}])
    response = till.redeem(till.central.card(minors=minors), amount)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'name="amount"' in page and "CARTA VALIDA" in page
    assert (
        open_database(str(till.instance / "kiosk.db")).execute("select count(*) from ledger").fetchone()[0]
        == 0
    )


def test_offers_the_family_cannot_use_are_shown_disabled_with_the_reason(
    make_till: Callable[..., Till],
) -> None:
    till = make_till([{"title": "Tre figli", "min_minors": 3}, {"title": "Per tutti", "min_minors": 1}])
    page = till.scan(till.central.card(minors=2)).get_data(as_text=True)
    assert re.search(rf'value="{till.offers[0]}" disabled', page)
    assert "richiede più figli minori" in page
    assert re.search(rf'value="{till.offers[1]}"\s+checked', page)  # the only usable one is pre-selected
    refused = till.redeem(till.central.card(minors=2), "10", offer_id=till.offers[0])
    assert refused.status_code == 422 and "richiede più figli minori" in refused.get_data(as_text=True)


def test_daily_limit_per_card_on_this_kiosk(make_till: Callable[..., Till]) -> None:
    till = make_till([{"title": "Una volta al giorno", "daily_limit": 1}])
    card = till.central.card()
    page = till.scan(card).get_data(as_text=True)
    fields = dict(re.findall(r'name="(scan_id|redemption_id)" value="([^"]+)"', page))
    assert (
        till.post("/redeem", {**fields, "offer_id": str(till.offers[0]), "amount": "10"}).status_code == 303
    )
    till.clock.now += 60
    page = till.scan(card).get_data(as_text=True)
    assert "già usata oggi" in page and 'name="amount"' not in page  # not offered again today
    other_form = {**fields, "redemption_id": "f" * 24, "offer_id": str(till.offers[0]), "amount": "10"}
    refused = till.post("/redeem", other_form)  # and refused when sent all the same
    assert refused.status_code == 422 and "già usata oggi" in refused.get_data(as_text=True)
    assert till.redeem(till.central.card(), "10").status_code == 303  # another family is not limited
    till.clock.now += 86_400  # the next day in Rome
    assert till.redeem(card, "10").status_code == 303


def test_a_form_sent_twice_records_once(till: Till) -> None:
    page = till.scan(till.central.card()).get_data(as_text=True)
    fields = dict(re.findall(r'name="(scan_id|redemption_id)" value="([^"]+)"', page))
    form = {**fields, "offer_id": str(till.offers[0]), "amount": "30"}
    first, second = till.post("/redeem", form), till.post("/redeem", form)
    assert first.headers["Location"] == second.headers["Location"]
    count = (
        open_database(str(till.instance / "kiosk.db")).execute("select count(*) from ledger").fetchone()[0]
    )
    assert count == 1


def test_void_within_the_window_then_refused(till: Till) -> None:
    response = till.redeem(till.central.card(), "40")
    receipt = till.client.get(response.headers["Location"]).get_data(as_text=True)
    void_url = re.search(r'action="(/void/[0-9a-f]+)"', receipt).group(1)  # type: ignore[union-attr]
    voided = till.post(void_url)
    assert voided.status_code == 303
    page = till.client.get(voided.headers["Location"]).get_data(as_text=True)
    assert "Operazione annullata" in page and 'id="void"' not in page
    again = till.post(void_url)
    assert again.status_code == 409 and "già annullata" in again.get_data(as_text=True)
    rows = open_database(str(till.instance / "kiosk.db")).execute("select type from ledger order by seq")
    assert [r[0] for r in rows] == ["redemption", "void"]  # a void is a record; nothing is deleted


def test_void_after_the_window_is_refused(till: Till) -> None:
    response = till.redeem(till.central.card(), "40")
    void_url = response.headers["Location"].replace("/receipt/", "/void/")
    till.clock.now += 16 * 60
    assert 'id="void"' not in till.client.get(response.headers["Location"]).get_data(as_text=True)
    late = till.post(void_url)
    assert late.status_code == 409 and "Troppo tardi" in late.get_data(as_text=True)


def test_a_scan_too_old_or_a_card_revoked_since_is_not_redeemed(till: Till) -> None:
    card = till.central.card()
    page = till.scan(card).get_data(as_text=True)
    fields = dict(re.findall(r'name="(scan_id|redemption_id)" value="([^"]+)"', page))
    till.clock.now += 11 * 60
    late = till.post("/redeem", {**fields, "offer_id": str(till.offers[0]), "amount": "10"})
    assert late.status_code == 409 and "Lettura scaduta" in late.get_data(as_text=True)
    page = till.scan(card).get_data(as_text=True)
    fields = dict(re.findall(r'name="(scan_id|redemption_id)" value="([^"]+)"', page))
    till.central.revoke(card)
    till.sync()
    refused = till.post("/redeem", {**fields, "offer_id": str(till.offers[0]), "amount": "10"})
    assert refused.status_code == 409 and "non è più valida" in refused.get_data(as_text=True)


def test_day_close_is_numbered_once_per_day_and_excludes_voids(till: Till) -> None:
    till.redeem(till.central.card(), "100")
    voided = till.redeem(till.central.card(), "50")
    till.post(voided.headers["Location"].replace("/receipt/", "/void/"))
    till.redeem(till.central.card(), "20")
    closed = till.post("/day/close")
    assert closed.status_code == 303 and closed.headers["Location"].endswith("/day/1")
    page = till.client.get(closed.headers["Location"]).get_data(as_text=True)
    assert "Chiusura n. 1" in page and "120,00 €" in page and "12,00 €" in page and ">2<" in page
    again = till.post("/day/close")
    assert again.status_code == 409 and "Giornata già chiusa" in again.get_data(as_text=True)
    till.clock.now += 86_400
    assert till.post("/day/close").headers["Location"].endswith("/day/2")


def test_monthly_statement(make_till: Callable[..., Till]) -> None:
    till = make_till(
        [{"title": "Dieci per cento"}, {"title": "Cinque euro", "kind": "fixed", "amount_cents": 500}]
    )
    family = till.central.card()
    till.redeem(family, "100")
    till.clock.now += 60
    till.redeem(family, "30", offer_id=till.offers[1])
    till.redeem(till.central.card(), "10")
    page = till.client.get("/statement").get_data(as_text=True)
    assert figure(page, "families") == "2" and figure(page, "statement-count") == "3"
    assert figure(page, "statement-discount") == "16,00 €"
    assert "Dieci per cento" in page and "Cinque euro" in page
    assert "AAAA-MM" in till.client.get("/statement?month=2026-13").get_data(as_text=True)
    empty = till.client.get("/statement?month=2020-01").get_data(as_text=True)
    assert figure(empty, "statement-count") == "0"


def test_photo_of_the_card_and_camera_frames(till: Till) -> None:
    import io

    from PIL import Image

    from cardsvc.core import render_qr

    card = till.central.card()
    photo = Image.new("L", (900, 700), 200)
    photo.paste(render_qr(card, 6), (120, 80))  # a card on a grey counter
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    data = buffer.getvalue()
    token = till.token()
    page = till.client.post(
        "/scan/photo", data={"csrf_token": token, "image": (io.BytesIO(data), "card.jpg")}
    ).get_data(as_text=True)
    assert 'data-verdict="ACCEPTED"' in page
    frame = till.client.post("/scan/frame", data=data, headers={"X-CSRF-Token": token})
    assert frame.json == {"code": card}
    blank = till.client.post("/scan/frame", data=b"not an image", headers={"X-CSRF-Token": token})
    assert blank.json["code"] is None
    not_image = till.client.post(
        "/scan/photo", data={"csrf_token": token, "image": (io.BytesIO(b"x"), "a.jpg")}
    )
    assert not_image.status_code == 422 and "non è un&#39;immagine" in not_image.get_data(as_text=True)


def test_forms_without_the_token_and_other_hosts_are_refused(till: Till) -> None:
    card = till.central.card()
    assert till.client.post("/scan", data={"code": card}).status_code == 400
    assert till.client.post("/scan/frame", data=b"x").status_code == 400
    remote = till.client.get("/", environ_overrides={"REMOTE_ADDR": "192.0.2.7"})
    assert remote.status_code == 403 and "computer della cassa" in remote.get_data(as_text=True)
    rebinding = till.client.get("/", headers={"Host": "evil.example:8710"})
    assert rebinding.status_code == 403
    assert till.client.get("/", headers={"Host": "127.0.0.1:8710"}).status_code == 200
