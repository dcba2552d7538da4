import pytest

from cardsvc.central.vat import normalize_vat
from tests.functional.conftest import Central, basic, run_cli

pytestmark = pytest.mark.functional


@pytest.mark.parametrize(
    ("vat", "ok"),
    [
        ("01234567897", True),
        ("IT 0123456789 7", True),
        ("01234567890", False),
        ("123", False),
        ("0123456789A", False),
    ],
)
def test_vat_check_digit(vat: str, ok: bool) -> None:
    if ok:
        assert normalize_vat(vat) == "01234567897"
    else:
        with pytest.raises(ValueError):
            normalize_vat(vat)


def test_merchant_validation(central: Central) -> None:
    base = {"name": "Ottica", "vat": "01234567897", "istat": "108040", "category": "ottica"}
    for change, code in [
        ({"vat": "01234567890"}, "invalid_vat"),
        ({"istat": "999999"}, "unknown_comune"),
        ({"category": "armi"}, "invalid_request"),
        ({"name": " "}, "invalid_request"),
    ]:
        response = central.post("/api/v1/admin/merchants", {**base, **change})
        assert response.status_code == 400 and response.json["error"]["code"] == code
    assert central.post("/api/v1/admin/merchants", base).status_code == 201
    assert central.post("/api/v1/admin/merchants", base).json["error"]["code"] == "duplicate_vat"


def test_offer_workflow(central: Central) -> None:
    merchant = central.merchant()
    run_cli(
        "central",
        "add-user",
        "--instance",
        str(central.instance),
        "--username",
        "shop",
        "--role",
        "merchant_manager",
        "--merchant-id",
        str(merchant),
    )
    shop = basic("shop")
    draft = central.post(
        f"/api/v1/admin/merchants/{merchant}/offers",
        {"title": "5 euro", "kind": "fixed", "amount_cents": 500, "min_spend_cents": 3000},
        shop,
    )
    assert draft.status_code == 201 and draft.json["status"] == "draft"
    offer = draft.json["id"]
    move = lambda status, who: central.post(f"/api/v1/admin/offers/{offer}/status", {"status": status}, who)  # noqa: E731
    assert move("pending", shop).json["status"] == "pending"
    assert move("published", shop).status_code == 403  # only the network approves
    assert move("published", central.admin()).json["status"] == "published"
    assert move("suspended", central.admin()).json["status"] == "suspended"
    assert move("draft", central.admin()).status_code == 409
    assert move("published", central.admin()).json["status"] == "published"
    assert move("ended", shop).json["status"] == "ended"
    invalid = central.post(
        f"/api/v1/admin/merchants/{merchant}/offers", {"title": "x", "kind": "percent", "percent": 150}, shop
    )
    assert invalid.status_code == 400


def test_roles(central: Central) -> None:
    merchant = central.merchant()
    other = central.merchant("Altro", "108012", "12345678903", "sport")
    run_cli(
        "central",
        "add-user",
        "--instance",
        str(central.instance),
        "--username",
        "shop",
        "--role",
        "merchant_manager",
        "--merchant-id",
        str(merchant),
    )
    shop, officer = basic("shop"), basic("seveso")
    assert central.post("/api/v1/admin/merchants", {"name": "x"}, shop).status_code == 403
    assert central.post("/api/v1/admin/kiosks", {"merchant_id": merchant}, shop).status_code == 403
    assert (
        central.post(
            f"/api/v1/admin/merchants/{other}/offers", {"title": "x", "kind": "percent", "percent": 5}, shop
        ).status_code
        == 403
    )
    assert central.post("/api/v1/admin/trust-lists", {"trust_list": "x"}, officer).status_code == 403
    assert central.client.get("/api/v1/admin/totals", headers=officer).status_code == 403
    assert (
        central.client.get("/api/v1/admin/totals", headers=basic("admin", "wrong-password")).status_code
        == 401
    )
    assert central.client.get("/api/v1/admin/merchants").status_code == 401
    visible = central.client.get("/api/v1/admin/merchants", headers=shop).json["merchants"]
    assert [m["id"] for m in visible] == [merchant]
    visible = central.client.get("/api/v1/admin/merchants", headers=officer).json["merchants"]
    assert [m["istat"] for m in visible] == ["108040"]


def test_trust_list_import_checks_signature_and_version(central: Central) -> None:
    current = central.client.get("/api/v1/lists/trust").json
    same = central.post("/api/v1/admin/trust-lists", {"trust_list": current["trust_list"]})
    assert same.status_code == 200
    central.home.add_comune("108034", "Muggiò", "central-test-passphrase", 1_795_000_000)
    newer = central.post("/api/v1/admin/trust-lists", {"trust_list": central.home.state["trust_list"]})
    assert newer.status_code == 200 and newer.json["version"] == current["version"] + 1
    rollback = central.post("/api/v1/admin/trust-lists", {"trust_list": current["trust_list"]})
    assert rollback.status_code == 409 and rollback.json["error"]["code"] == "trust_list_rollback"
    forged = current["trust_list"][:-4] + "AAAA"
    assert (
        central.post("/api/v1/admin/trust-lists", {"trust_list": forged})
        .json["error"]["code"]
        .startswith("trust_list_")
    )


def test_public_directory(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    central.merchant("Senza offerte", "108012", "12345678903", "sport")
    shops = central.client.get("/api/v1/directory").json["shops"]
    assert [s["name"] for s in shops] == ["Farmacia Centrale"]
    assert shops[0]["comune"] == "Seveso" and shops[0]["offers"][0]["percent"] == 10
    assert central.client.get("/api/v1/directory?comune=108012").json["shops"] == []
