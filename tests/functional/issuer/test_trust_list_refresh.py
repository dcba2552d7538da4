"""The office fetches the trust list on every round, naming the one it holds by its ETag: while it is
current the answer is a 304 without a body and nothing is verified or written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from issuer.signing_keys import put_setting, setting
from tests.functional.conftest import NOW, PASS, Central
from tests.functional.issuer.conftest import Desk
from tests.functional.kiosk.conftest import Call, RecordingTransport, in_process_transport

pytestmark = pytest.mark.functional

TRUST = "/api/v1/lists/trust"


def pushed(office: Desk, transport: RecordingTransport) -> tuple[object, Call]:
    """One round of the office: the trust list it then holds, and its one call for it."""
    transport.calls.clear()
    outcome = office.push()
    [call] = transport.to(TRUST)
    return outcome["trust_list"], call


def test_the_trust_list_comes_again_only_when_it_changed(
    make_office_with: Callable[..., Desk], central: Central
) -> None:
    transport = RecordingTransport(in_process_transport(central.client))
    office = make_office_with(transport)  # its first round took the list
    held = setting(office.db(), "trust_list")
    version, call = pushed(office, transport)
    assert (call.status, call.size) == (304, 0) and call.if_none_match
    assert version == central.client.get(TRUST).json["version"]
    assert setting(office.db(), "trust_list") == held

    newer = central.home.sign_trust_list(PASS, NOW)
    assert central.post("/api/v1/admin/trust-lists", {"trust_list": newer}).status_code == 200
    version, call = pushed(office, transport)
    assert call.status == 200 and version == central.client.get(TRUST).json["version"]
    assert setting(office.db(), "trust_list") == newer
    assert pushed(office, transport)[1].status == 304


def test_a_stale_etag_gets_the_full_list(make_office_with: Callable[..., Desk], central: Central) -> None:
    transport = RecordingTransport(in_process_transport(central.client))
    office = make_office_with(transport)
    put_setting(office.db(), "trust_list_etag", '{"etag": "\\"stale\\"", "version": 1}')
    version, call = pushed(office, transport)
    assert call.status == 200 and version == central.client.get(TRUST).json["version"]
    assert pushed(office, transport)[1].status == 304
