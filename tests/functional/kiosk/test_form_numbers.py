"""Numbers in the till's URLs and forms: Unicode digits and numbers past SQLite's range are refused in
words (or a 404), never a 500, and record nothing."""

from __future__ import annotations

import pytest

from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional
HUGE = "99999999999999999999999"


def test_till_forms_and_urls(till: Till) -> None:
    card = till.central.card()
    for offer in ("١", HUGE, "²"):
        response = till.redeem(card, "10,00", offer_id=offer)  # type: ignore[arg-type]
        assert 400 <= response.status_code < 500, response.status_code
    assert till.app.test_client().get("/").status_code == 200
    for path in (f"/day/{HUGE}", "/day/١", "/statement?month=٢٠٢٦-01"):
        assert 400 <= till.client.get(path).status_code < 500, path
