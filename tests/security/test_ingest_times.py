"""A merchant cannot move redemptions in time: outside the card's validity, after the batch arrived, into a
closed month, before a revocation, or with an offer that was not published then."""

from __future__ import annotations

import pytest

from cardsvc.core import to_rfc3339
from tests.functional.conftest import NOW, Central

pytestmark = pytest.mark.functional
DAY = 86_400
YEAR = 365 * DAY


def _shop(central: Central) -> tuple[int, int, object]:
    central.app.config["CLOCK"].now = NOW - 200 * DAY  # the shop and its offer are old
    merchant = central.merchant()
    offer = central.offer(merchant)
    central.app.config["CLOCK"].now = NOW
    return merchant, offer, central.kiosk(merchant)


def _statuses(kiosk: object, records: list[dict]) -> list[tuple[str, str | None]]:
    answer = kiosk.upload(records)  # type: ignore[attr-defined]
    assert answer.status_code == 200, answer.json
    return [(r["status"], r.get("reason")) for r in answer.json["results"]]


def test_backdated_and_postdated_redemptions_are_refused(central: Central) -> None:
    _merchant, offer, kiosk = _shop(central)
    card = central.card()  # issued yesterday
    a_year_ago = kiosk.redeem(card, offer, at=to_rfc3339(NOW - YEAR))  # type: ignore[attr-defined]
    in_three_years = kiosk.redeem(card, offer, at=to_rfc3339(NOW + 3 * YEAR))  # type: ignore[attr-defined]
    tomorrow = kiosk.redeem(card, offer, at=to_rfc3339(NOW + DAY))  # type: ignore[attr-defined]
    today = kiosk.redeem(card, offer)  # type: ignore[attr-defined]
    assert _statuses(kiosk, [a_year_ago, in_three_years, tomorrow, today]) == [
        ("rejected", "outside_card_validity"),
        ("rejected", "future_time"),
        ("rejected", "future_time"),
        ("accepted", None),
    ]
    assert central.totals()["redemptions"] == 1


def test_a_record_of_a_closed_month_is_held_for_review(central: Central) -> None:
    _merchant, offer, kiosk = _shop(central)
    sale = kiosk.redeem(central.card(), offer)  # type: ignore[attr-defined]
    central.app.config["CLOCK"].now = NOW + 45 * DAY  # the till was offline until November had closed
    answer = kiosk.upload([sale], sent_at=NOW + 45 * DAY)  # type: ignore[attr-defined]
    assert [(r["status"], r.get("reason")) for r in answer.json["results"]] == [("held", "late")]
    late_sale = sale
    assert central.totals()["redemptions"] == 0  # the published month is unchanged
    flags = central.client.get("/api/v1/admin/flags", headers=central.admin()).json["flags"]
    assert [f["kind"] for f in flags] == ["late_redemption"]
    path = f"/api/v1/admin/redemptions/{late_sale['id']}/review"
    assert central.post(path, {"decision": "maybe"}).status_code == 400
    assert central.post(path, {"decision": "accept"}, central.basic_for("seveso")).status_code == 403
    assert central.post(path, {"decision": "accept"}).json["status"] == "accepted"
    assert central.totals()["redemptions"] == 1
    assert central.post(path, {"decision": "accept"}).status_code == 404  # decided once


def test_backdating_before_a_revocation_is_refused_and_after_it_flagged(central: Central) -> None:
    _merchant, offer, kiosk = _shop(central)
    card = central.card()
    central.revoke(card, at=NOW - 3600)
    before_issue = kiosk.redeem(card, offer, at=to_rfc3339(NOW - 3 * DAY))  # type: ignore[attr-defined]
    after_revocation = kiosk.redeem(card, offer, at=to_rfc3339(NOW - 600))  # type: ignore[attr-defined]
    assert _statuses(kiosk, [before_issue, after_revocation]) == [
        ("rejected", "outside_card_validity"),
        ("accepted", None),
    ]
    flags = central.client.get("/api/v1/admin/flags", headers=central.admin()).json["flags"]
    assert "accepted_while_revoked" in {f["kind"] for f in flags}


def test_only_offers_published_at_the_time_count(central: Central) -> None:
    merchant, offer, kiosk = _shop(central)
    card = central.card()
    draft_offer = {"title": "Bozza", "kind": "percent", "percent": 50}
    draft = central.post(f"/api/v1/admin/merchants/{merchant}/offers", draft_offer).json["id"]
    central.app.config["CLOCK"].now = NOW - 2 * 3600
    assert central.post(f"/api/v1/admin/offers/{offer}/status", {"status": "suspended"}).status_code == 200
    central.app.config["CLOCK"].now = NOW
    during_suspension = kiosk.redeem(card, offer, at=to_rfc3339(NOW - 3600))  # type: ignore[attr-defined]
    with_draft = kiosk.redeem(card, draft, at=to_rfc3339(NOW - 60))  # type: ignore[attr-defined]
    before_suspension = kiosk.redeem(card, offer, at=to_rfc3339(NOW - 5 * 3600))  # type: ignore[attr-defined]
    assert _statuses(kiosk, [during_suspension, with_draft, before_suspension]) == [
        ("rejected", "offer_not_published"),
        ("rejected", "offer_not_published"),
        ("accepted", None),
    ]


def test_a_kiosk_clock_far_from_the_servers_is_flagged(central: Central) -> None:
    _merchant, offer, kiosk = _shop(central)
    record = kiosk.redeem(central.card(), offer)  # type: ignore[attr-defined]
    assert kiosk.upload([record], sent_at=NOW - 3600).status_code == 200  # type: ignore[attr-defined]
    flags = central.client.get("/api/v1/admin/flags", headers=central.admin()).json["flags"]
    assert [f["kind"] for f in flags] == ["clock_skew"]
