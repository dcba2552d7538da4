"""Card events are bound to the office credential that sends them: one comune cannot register or revoke
another comune's card, a forged card is not registered, and times out of bounds are refused."""

from __future__ import annotations

import pytest

from cardsvc.core import parse_credential
from cardsvc.core.keys import b64url
from tests.functional.conftest import NOW, PASS, Central, bearer, issued_event

pytestmark = pytest.mark.functional


def _send(central: Central, token: str, *events: dict) -> list[dict]:
    answer = central.post("/api/v1/card-events", {"events": list(events)}, bearer(token))
    assert answer.status_code == 200, answer.json
    return answer.json["results"]  # type: ignore[no-any-return]


def _revoked(central: Central) -> set[str]:
    with central.app.app_context():
        from cardsvc.central.db import get_db

        return {row["cti"] for row in get_db()["revocations"].rows}


def test_another_comune_cannot_register_and_revoke_a_genuine_card(central: Central) -> None:
    seveso, brugherio = central.issuer_token("108040"), central.issuer_token("108012")
    card = central.card("108040")  # Seveso's genuine card, not yet registered
    cti = b64url(parse_credential(card).claims.cti)
    # Brugherio registers Seveso's card id first, with its own comune and no signed card...
    unsigned = {"type": "issued", "cti": cti, "istat": "108012", "iat": NOW - 86400, "exp": NOW + 86400,
                "minors": 1, "household": "c" * 64}  # fmt: skip
    assert _send(central, brugherio, unsigned)[0]["status"] == "rejected"
    # ...or with Seveso's signed card
    stolen = {**issued_event(card, "c" * 64), "istat": "108012"}
    assert _send(central, brugherio, stolen)[0]["status"] == "rejected"
    stolen_as_seveso = issued_event(card, "c" * 64)
    assert _send(central, brugherio, stolen_as_seveso)[0]["status"] == "rejected"
    # ...then revokes it as fraud
    fraud = {"type": "revoked", "cti": cti, "istat": "108012", "revoked_at": NOW, "reason": "fraud"}
    assert _send(central, brugherio, fraud)[0]["status"] == "rejected"
    assert cti not in _revoked(central)  # the public revocation list does not name it
    # Seveso registers its card, and only Seveso may revoke it
    assert _send(central, seveso, issued_event(card, "d" * 64))[0]["status"] == "accepted"
    assert _send(central, brugherio, fraud)[0]["status"] == "rejected"
    assert cti not in _revoked(central)
    lost = {**fraud, "istat": "108040", "reason": "lost"}
    assert _send(central, seveso, lost)[0]["status"] == "accepted"
    assert cti in _revoked(central)


def test_a_forged_or_altered_card_is_not_registered(central: Central) -> None:
    seveso = central.issuer_token("108040")
    card = central.card("108040")
    forged = card[:-6] + ("A" if card[-6] != "A" else "B") + card[-5:]
    result = _send(central, seveso, issued_event(forged, "e" * 64) | {"card": forged})[0]
    assert result["status"] == "rejected" and "signed" in result["reason"]
    claims = parse_credential(card).claims
    lied = {**issued_event(card, "e" * 64), "exp": claims.expires_at + 10 * 365 * 86400}
    assert "differs" in _send(central, seveso, lied)[0]["reason"]
    with central.app.app_context():
        from cardsvc.central.db import get_db

        assert get_db()["cards"].count == 0


def test_event_times_out_of_bounds_are_refused_and_lists_keep_working(central: Central) -> None:
    seveso = central.issuer_token("108040")
    card = central.card("108040")
    cti = b64url(parse_credential(card).claims.cti)
    assert _send(central, seveso, issued_event(card, "f" * 64))[0]["status"] == "accepted"
    year_10000 = 253_402_300_800
    for revoked_at in (year_10000, 2**53, -1, NOW + 30 * 86400):
        event = {"type": "revoked", "cti": cti, "istat": "108040", "revoked_at": revoked_at, "reason": "lost"}
        assert _send(central, seveso, event)[0]["status"] == "rejected"
    assert central.client.get("/api/v1/lists/revocations").status_code == 200


def test_network_issued_cards_register_through_the_same_checks(central: Central) -> None:
    """``familycard card issue --central`` sends the signed card as an office does."""
    from cardsvc.cli.card_cmd import register_card
    from tests.functional.kiosk.conftest import CENTRAL_URL, in_process_transport

    token = central.issuer_token("108040")
    card = central.home.issue_card("108040", "MARIO ROSSI", 1, PASS, NOW - 3600).text
    transport = in_process_transport(central.client)
    assert register_card(CENTRAL_URL, token, "108040", card, transport) == "accepted"
    assert register_card(CENTRAL_URL, token, "108040", card, transport) == "duplicate"
    brugherio = central.issuer_token("108012")
    from cardsvc.cli.common import CommandError

    with pytest.raises(CommandError, match="registers cards of comune 108012 only"):
        register_card(CENTRAL_URL, brugherio, "108012", card, transport)


def test_office_credentials_are_listed_and_revoked_from_the_command_line(central: Central) -> None:
    from click.testing import CliRunner

    from cardsvc.cli import main

    token = central.issuer_token("108040")
    event = {"type": "revoked", "cti": "AAAAAAAAAAA", "istat": "108040", "revoked_at": NOW, "reason": "lost"}
    assert central.post("/api/v1/card-events", {"events": [event]}, bearer(token)).status_code == 200
    runner = CliRunner()
    listed = runner.invoke(main, ["central", "issuer-credentials", "--instance", str(central.instance)])
    assert listed.exit_code == 0 and "108040" in listed.output and "last used 2026-11-18" in listed.output
    number = listed.output.split()[0].lstrip("#")
    args = ["central", "revoke-issuer-credential", "--instance", str(central.instance), "--id", number]
    assert runner.invoke(main, args).exit_code == 0
    assert central.post("/api/v1/card-events", {"events": [event]}, bearer(token)).status_code == 401
    unknown = runner.invoke(main, [*args[:-1], "9999"])
    assert unknown.exit_code == 2 and "no issuer credential 9999" in unknown.output
