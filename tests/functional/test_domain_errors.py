"""Domain errors: raised by plain services with a stable code and no HTTP status; the central service
answers each kind with its status in one error shape; the command line says a refusal in one line and
exits with status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from cardsvc.central import chain_anchors, create_app, enrolment, issuer_credentials, registry
from cardsvc.central.setup import instance_settings, open_instance_database
from cardsvc.cli import main
from cardsvc.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    RemoteRefused,
    Unavailable,
)
from cardsvc.platform.web.login import TooManyAttempts

from .conftest import NOW, PASS, USER_PASSWORD, VAT_SEVESO, Central, basic

pytestmark = pytest.mark.functional
MERCHANT = {"name": "Ottica", "vat": VAT_SEVESO, "istat": "108040", "category": "ottica"}


def _refusal(call: Any, *args: Any) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call(*args)
    return refused.value


def test_services_raise_domain_errors_outside_any_app(central: Central) -> None:
    db = open_instance_database(central.instance)
    bad_vat, no_comune = {**MERCHANT, "vat": "01234567890"}, {**MERCHANT, "istat": "999999"}
    cases = [
        (registry.create_merchant, (db, bad_vat, NOW), InvalidInput, "invalid_vat"),
        (registry.create_merchant, (db, no_comune, NOW), InvalidInput, "unknown_comune"),
        (registry.get_merchant, (db, 4242), NotFound, "unknown_merchant"),
        (chain_anchors.chain_state, (db, "k_none"), NotFound, "unknown_kiosk"),
        (issuer_credentials.revoke, (db, 4242, NOW), NotFound, "unknown_credential"),
        (enrolment.enrol, (db, "ABCD-EFGH-JKMN", "A" * 43, NOW), Forbidden, "invalid_code"),
        (enrolment.kiosk_for_token, (db, "not-a-token"), NotAuthenticated, "unauthorized"),
    ]
    for call, args, kind, code in cases:
        error = _refusal(call, *args)
        assert isinstance(error, kind) and error.code == code, (call.__name__, error.code)
        assert error.message and str(error) == error.message
        assert not hasattr(error, "status")
    registry.create_merchant(db, MERCHANT, NOW)
    twice = _refusal(registry.create_merchant, db, MERCHANT, NOW)
    assert isinstance(twice, Conflict) and twice.code == "duplicate_vat"


def test_a_named_error_keeps_its_own_class_and_value_error() -> None:
    from cardsvc.platform.durations import DurationError, parse_duration

    error = _refusal(parse_duration, "soon", "FAMILYCARD_ISSUER_HOUSEHOLD_RETENTION")
    assert isinstance(error, DurationError) and isinstance(error, InvalidInput)
    assert isinstance(error, ValueError)  # as callers have always caught it
    assert error.code == "invalid_duration" and "FAMILYCARD_ISSUER_HOUSEHOLD_RETENTION" in error.message
    throttled = TooManyAttempts(0)
    assert throttled.code == "too_many_attempts" and throttled.details == {"retry_after": 1}
    assert throttled.retry_after == 1


def _app_raising(central: Central) -> Flask:
    """A central app with one extra route that raises each kind, to see the one mapping answer it."""
    app = create_app({**instance_settings(central.instance), "TESTING": True})
    kinds = {
        "invalid": InvalidInput("bad", code="invalid_request"),
        "anonymous": NotAuthenticated("who are you"),
        "forbidden": Forbidden("not you"),
        "missing": NotFound("no such thing", code="unknown_thing"),
        "conflict": Conflict("not now", code="invalid_transition"),
        "throttled": TooManyAttempts(90),
        "remote": RemoteRefused("the other service said no", code="invalid_code"),
        "unavailable": Unavailable("later", code="not_initialised"),
    }

    def raising(kind: str) -> None:
        raise kinds[kind]

    app.add_url_rule("/api/v1/test-raise/<kind>", "test_raise", raising)
    return app


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("invalid", 400, "invalid_request"),
        ("anonymous", 401, "unauthorized"),
        ("forbidden", 403, "forbidden"),
        ("missing", 404, "unknown_thing"),
        ("conflict", 409, "invalid_transition"),
        ("throttled", 429, "too_many_attempts"),
        ("remote", 502, "invalid_code"),
        ("unavailable", 503, "not_initialised"),
    ],
)
def test_the_central_service_answers_each_kind_with_its_status(
    central: Central, kind: str, status: int, code: str
) -> None:
    answer = _app_raising(central).test_client().get(f"/api/v1/test-raise/{kind}")
    assert answer.status_code == status
    assert answer.json is not None and set(answer.json) == {"error"}
    assert set(answer.json["error"]) == {"code", "message"} and answer.json["error"]["code"] == code
    assert ("Retry-After" in answer.headers) == (kind == "throttled")
    if kind == "throttled":
        assert answer.headers["Retry-After"] == "90"


def _error(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.json
    assert answer.json == {"error": {"code": code, "message": answer.json["error"]["message"]}}
    assert answer.json["error"]["message"]


def test_the_api_answers_domain_refusals_in_one_shape(central: Central, tmp_path: Path) -> None:
    merchants = "/api/v1/admin/merchants"
    _error(central.post(merchants, {**MERCHANT, "vat": "01234567890"}), 400, "invalid_vat")
    _error(central.client.get("/api/v1/kiosk/sync"), 401, "unauthorized")
    _error(central.client.get("/api/v1/admin/totals", headers=basic("seveso")), 403, "forbidden")
    chain = central.client.get("/api/v1/admin/kiosks/k_none/chain", headers=central.admin())
    _error(chain, 404, "unknown_kiosk")
    central.merchant()
    _error(central.post(merchants, MERCHANT), 409, "duplicate_vat")
    settings = {**instance_settings(central.instance), "LIST_SIGNING_KEY": str(tmp_path / "missing.pem")}
    keyless = create_app({**settings, "TESTING": True}).test_client()
    _error(keyless.get("/api/v1/lists/revocations"), 503, "list_signing_key_unavailable")


def _cli(*args: str) -> Any:
    env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_USER_PASSWORD": USER_PASSWORD}
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["revoke-issuer-credential", "--id", "4242"], "no issuer credential 4242"),
        (["add-user", "--username", "admin", "--role", "network_admin"], "user admin exists"),
    ],
)
def test_the_cli_says_a_domain_refusal_in_one_line_with_status_2(
    central: Central, args: list[str], words: str
) -> None:
    result = _cli("central", args[0], "--instance", str(central.instance), *args[1:])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and words in result.stderr
    assert "Traceback" not in result.output


def test_the_office_shows_a_refusal_no_view_words_on_its_error_page(
    central: Central, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.functional.issuer.conftest import make_office

    desk = make_office(central, tmp_path / "office")
    assert desk.login().status_code == 302
    household = desk.register()
    desk.app.config["PASSPHRASE"] = "not the office's passphrase"  # its signing key cannot be read
    answer = desk.post(f"/households/{household}/cards", {"guardian_id": str(desk.guardians(household)[0])})
    assert answer.status_code == 400 and "400 Bad Request" in answer.get_data(as_text=True)
    assert "refused (key_file)" in caplog.text


def test_the_till_shows_a_refusal_no_view_words_on_its_error_page(
    central: Central, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.functional.kiosk.conftest import enrolled_till

    till = enrolled_till(central, tmp_path / "till", [{}])
    till.app.config["PASSPHRASE"] = "not the till's passphrase"  # its device key cannot be read
    answer = till.post("/sync")
    assert answer.status_code == 400 and "400 Bad Request" in answer.get_data(as_text=True)
    assert "refused (key_file)" in caplog.text
