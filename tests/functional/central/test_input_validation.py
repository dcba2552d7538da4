"""Bad input at the API's edge is answered 400 ``invalid_request`` naming the field, never 500, and
changes nothing: deep JSON, Unicode digits, numbers past SQLite's range, years out of range, lists where a
number belongs, unsafe text."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cardsvc.core import to_rfc3339
from tests.functional.conftest import NOW, Central, bearer

pytestmark = pytest.mark.functional

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
HUGE = "99999999999999999999999"  # past 2**63
BIDI = "Farmacia \u202eelartneC"


def assert_invalid(response: Any, field: str | None = None) -> None:
    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True)[:300])
    assert set(response.json) == {"error"}
    assert response.json["error"]["code"] == "invalid_request", response.json
    message = response.json["error"]["message"]
    assert len(message) < 300
    if field is not None:
        assert field in message, message


def post_paths(central: Central) -> list[tuple[str, dict[str, str]]]:
    """Every POST route of the API, with a credential that lets the request reach its body."""
    merchant = central.merchant()
    offer = central.offer(merchant)
    kiosk = central.kiosk(merchant)
    office = bearer(central.issuer_token("108040"))
    admin = central.admin()
    return [
        ("/api/v1/kiosks/enrol", {}),
        ("/api/v1/redemptions", bearer(kiosk.token)),
        ("/api/v1/card-events", office),
        ("/api/v1/admin/trust-lists", admin),
        ("/api/v1/admin/issuer-credentials", admin),
        ("/api/v1/admin/redemptions/r1/review", admin),
        ("/api/v1/admin/merchants", admin),
        (f"/api/v1/admin/merchants/{merchant}/offers", admin),
        (f"/api/v1/admin/offers/{offer}/status", admin),
        ("/api/v1/admin/kiosks", admin),
    ]


def test_deeply_nested_json_is_refused_on_every_post(central: Central) -> None:
    for path, headers in post_paths(central):
        for payload in (DEEP, DEEP_OBJECT):
            response = central.client.post(
                path, data=payload, headers=headers, content_type="application/json"
            )
            assert_invalid(response)


def test_moderately_nested_json_is_refused_too(central: Central) -> None:
    nested: Any = 1
    for _ in range(200):
        nested = [nested]
    response = central.client.post("/api/v1/kiosks/enrol", json={"code": nested, "device_public_key": "x"})
    assert_invalid(response)


@pytest.mark.parametrize("value", ["²", "١٢", "1e3", " 1", "0x10", HUGE, "-1", ""])
def test_query_numbers_are_ascii_digits_in_range(central: Central, value: str) -> None:
    assert_invalid(central.client.get(f"/api/v1/lists/revocations?since={value}"), "since")


def test_kiosk_sync_numbers_are_checked(central: Central) -> None:
    kiosk = central.kiosk(central.merchant())
    for query in ("since=²", f"since={HUGE}", "trust_version=³", f"trust_version={HUGE}"):
        response = central.client.get(f"/api/v1/kiosk/sync?{query}", headers=bearer(kiosk.token))
        assert_invalid(response, query.split("=")[0])


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/admin/issuer-credentials/{HUGE}/revoke",
        f"/api/v1/admin/merchants/{HUGE}/offers",
        f"/api/v1/admin/offers/{HUGE}/status",
        "/api/v1/admin/offers/١/status",
        "/api/v1/admin/offers/0/status",
    ],
)
def test_path_ids_past_sqlite_range_are_refused(central: Central, path: str) -> None:
    response = central.post(path, {"status": "pending", "title": "x", "kind": "percent", "percent": 5})
    assert_invalid(response)


def test_a_body_id_past_sqlite_range_is_refused(central: Central) -> None:
    assert_invalid(central.post("/api/v1/admin/kiosks", {"merchant_id": 2**70}), "merchant_id")
    assert_invalid(central.post("/api/v1/admin/kiosks", {"merchant_id": 1.0}), "merchant_id")


@pytest.mark.parametrize("value", [[1], {"a": 1}, "1", 1.0, True, None])
def test_a_list_or_object_where_a_number_belongs_is_refused(central: Central, value: Any) -> None:
    merchant = central.merchant()
    response = central.post(
        f"/api/v1/admin/merchants/{merchant}/offers", {"title": "Sconto", "kind": "percent", "percent": value}
    )
    assert_invalid(response, "percent")


def test_lists_in_redemption_records_are_answered_per_record(central: Central) -> None:
    merchant = central.merchant()
    offer = central.offer(merchant)
    kiosk = central.kiosk(merchant)
    card = central.card()
    records = [
        kiosk.redeem(card, offer_id=[offer]),  # type: ignore[arg-type]
        kiosk.record(type="void", voids=["x"]),
        kiosk.record(type="void", voids={"id": "x"}),
        kiosk.redeem(card, offer_id=offer + 0.0),  # type: ignore[arg-type]
        kiosk.redeem(card),
    ]
    response = kiosk.upload(records)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    statuses = [(r["status"], r.get("reason")) for r in response.json["results"]]
    assert [s for s, _ in statuses] == ["rejected", "rejected", "rejected", "rejected", "accepted"]
    assert central.totals()["redemptions"] == 1


def test_record_seq_past_sqlite_range_is_a_chain_gap(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    record = kiosk.redeem(central.card())
    record["seq"] = 2**70
    response = kiosk.upload([record])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.json["results"][0]["reason"] == "chain_gap"


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00Z"]
)
def test_years_out_of_range_in_record_times(central: Central, moment: str) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    card = central.card()
    records = [kiosk.redeem(card, at=moment), kiosk.record(type="day_close", at=moment), kiosk.redeem(card)]
    response = kiosk.upload(records)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    reasons = [r.get("reason") for r in response.json["results"]]
    assert reasons[:2] == ["invalid_time", "invalid_time"]
    assert response.json["results"][2]["status"] == "accepted"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_years_out_of_range_in_the_batch_time(central: Central, moment: str) -> None:
    from cardsvc.core.ledger_chain import sign_batch

    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    batch = sign_batch(kiosk.kiosk_id, [kiosk.redeem(central.card())], kiosk.device, moment)
    response = central.client.post("/api/v1/redemptions", json=batch, headers=bearer(kiosk.token))
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert central.totals()["redemptions"] == 0


def test_a_405_names_the_allowed_methods(central: Central) -> None:
    response = central.client.get("/api/v1/redemptions")
    assert response.status_code == 405
    assert response.headers.get("Allow") is not None and "POST" in response.headers["Allow"]
    response = central.client.delete("/api/v1/lists/trust")
    assert response.status_code == 405 and "GET" in response.headers.get("Allow", "")


def test_vat_numbers_are_ascii_digits(central: Central) -> None:
    arabic = "٠١٢٣٤٥٦٧٨٩٧"  # 01234567897 in Arabic-Indic digits
    response = central.post(
        "/api/v1/admin/merchants", {"name": "Bar", "vat": arabic, "istat": "108040", "category": "farmacia"}
    )
    assert response.status_code == 400, response.json
    assert central.client.get("/api/v1/admin/merchants", headers=central.admin()).json["merchants"] == []


@pytest.mark.parametrize("name", ["x" * 1_000_000, "Bar\x00", BIDI, "Bar\nSport", "", "   "])
def test_unsafe_merchant_names_are_refused(central: Central, name: str) -> None:
    response = central.post(
        "/api/v1/admin/merchants",
        {"name": name, "vat": "01234567897", "istat": "108040", "category": "farmacia"},
    )
    assert_invalid(response, "name")
    assert central.client.get("/api/v1/admin/merchants", headers=central.admin()).json["merchants"] == []


@pytest.mark.parametrize("field", ["title", "description"])
@pytest.mark.parametrize("text", ["x" * 1_000_000, "Sconto\x00", "Sconto \u2066x\u2069"])
def test_unsafe_offer_texts_are_refused(central: Central, field: str, text: str) -> None:
    merchant = central.merchant()
    data = {"title": "Sconto", "kind": "percent", "percent": 10, field: text}
    assert_invalid(central.post(f"/api/v1/admin/merchants/{merchant}/offers", data), field)


@pytest.mark.parametrize("name", ["x" * 1_000_000, "Cassa\x00", "Cassa \u202e1", ["Cassa"]])
def test_unsafe_kiosk_names_are_refused(central: Central, name: Any) -> None:
    merchant = central.merchant()
    assert_invalid(central.post("/api/v1/admin/kiosks", {"merchant_id": merchant, "name": name}), "name")


def test_unknown_fields_and_wrong_types_name_the_field(central: Central) -> None:
    response = central.client.post("/api/v1/kiosks/enrol", json={"code": 5, "device_public_key": "x"})
    assert_invalid(response, "code")
    response = central.client.post("/api/v1/kiosks/enrol", json=[1, 2])
    assert_invalid(response)
    response = central.client.post("/api/v1/kiosks/enrol", data="nope", content_type="application/json")
    assert_invalid(response)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e999", "9" * 5000])
def test_non_finite_or_giant_numbers_are_refused(central: Central, text: str) -> None:
    response = central.client.post(
        "/api/v1/admin/kiosks",
        data='{"merchant_id": ' + text + "}",
        headers=central.admin(),
        content_type="application/json",
    )
    assert_invalid(response)


def test_error_messages_do_not_echo_huge_input(central: Central) -> None:
    response = central.post("/api/v1/admin/issuer-credentials", {"istat": "1" * 100_000})
    assert_invalid(response, "istat")
    assert re.fullmatch(r"[ -~]+", response.json["error"]["message"])


def test_valid_requests_still_work(central: Central) -> None:
    merchant = central.merchant()
    offer = central.offer(merchant, daily_limit=1, description="Per i più piccoli")
    kiosk = central.kiosk(merchant)
    response = kiosk.upload([kiosk.redeem(central.card(), offer_id=offer)])
    assert response.json["results"][0]["status"] == "accepted"
    sync = central.client.get("/api/v1/kiosk/sync?since=0&trust_version=0", headers=bearer(kiosk.token))
    assert sync.status_code == 200
    assert to_rfc3339(NOW) == sync.headers["Server-Time"]


def test_admin_page_numbers(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    client = central.client
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/login").get_data(as_text=True))
    assert token
    form = {"csrf_token": token.group(1), "username": "admin", "password": "a-long-password-1"}
    assert client.post("/admin/login", data=form).status_code in (302, 303)
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/admin/kiosks").get_data(as_text=True)
    )
    assert token
    for value in (HUGE, "١"):
        response = client.post("/admin/kiosks", data={"csrf_token": token.group(1), "merchant_id": value})
        assert response.status_code == 422
    assert (
        central.app.test_client().get("/api/v1/admin/merchants", headers=central.admin()).status_code == 200
    )
    for path in (f"/admin/offers/{HUGE}/status", f"/admin/issuers/{HUGE}/revoke"):
        assert client.post(path, data={"csrf_token": token.group(1)}).status_code == 404
    for query in (f"merchant={HUGE}", "merchant=١", "month=٢٠٢٦-01", "month=9999-12"):
        assert client.get(f"/admin/statement?{query}").status_code < 500, query
        assert client.get(f"/admin/reports?{query}").status_code < 500, query


def test_admin_page_names(central: Central) -> None:
    from cardsvc.central.registry import create_merchant
    from cardsvc.core.errors import InvalidInput

    with central.app.app_context():
        from cardsvc.central.db import get_db

        for name in ("Bar\x00", BIDI, "x" * 1000):
            data = {"name": name, "vat": "01234567897", "istat": "108040", "category": "farmacia"}
            with pytest.raises(InvalidInput):
                create_merchant(get_db(), data, NOW)


def test_a_refused_event_echoes_its_cti_only_as_short_text(central: Central) -> None:
    office = bearer(central.issuer_token("108040"))
    events = [
        {"type": "revoked", "cti": cti, "reason": "lost"} for cti in ([1], {"a": 1}, "x" * 10_000, "abc")
    ]
    answer = central.post("/api/v1/card-events", {"events": events}, office)
    assert [r["cti"] for r in answer.json["results"]] == [None, None, None, "abc"]


def test_unknown_query_parameters_are_refused(central: Central) -> None:
    assert_invalid(central.client.get("/api/v1/lists/revocations?since=0&sinse=3"), "sinse")
    assert_invalid(central.client.get("/api/v1/lists/trust?=true"))
