"""The lists tills and offices fetch on every round are served by version: a strong ETag, ``304 Not
Modified`` without a body to an ``If-None-Match`` that names it, and the full answer to anything else."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cardsvc.central import create_app
from cardsvc.cli.central_cmd import instance_settings
from cardsvc.core import RevocationState, Verifier, load_trust_list, to_rfc3339
from cardsvc.core.keys import b64url_decode
from cardsvc.platform.clock import ManualClock
from tests.functional.conftest import NOW, PASS, Central, Kiosk, bearer

pytestmark = pytest.mark.functional

PERIOD_START = NOW - NOW % 3600  # LIST_REISSUE_INTERVAL: the lists are signed as of the hour
STRONG_TAG = re.compile(r'"[A-Za-z0-9_-]+"')


def get(central: Central, path: str, tag: str | None = None, **headers: str) -> Any:
    if tag is not None:
        headers["If-None-Match"] = tag
    return central.client.get(path, headers=headers)


def assert_full(answer: Any) -> str:
    """A full answer with a strong ETag, revalidated by caches every time; returns the tag."""
    assert answer.status_code == 200, answer.json
    assert STRONG_TAG.fullmatch(answer.headers["ETag"]), answer.headers["ETag"]
    assert "no-cache" in answer.headers["Cache-Control"]
    assert answer.headers["Server-Time"] == to_rfc3339(NOW)
    return str(answer.headers["ETag"])


def assert_not_modified(answer: Any, tag: str) -> None:
    assert answer.status_code == 304
    assert answer.data == b""
    assert answer.headers["ETag"] == tag and "no-cache" in answer.headers["Cache-Control"]
    assert answer.headers["Server-Time"] == to_rfc3339(NOW)


def test_the_trust_list_is_answered_304_until_a_newer_one_is_imported(central: Central) -> None:
    first = get(central, "/api/v1/lists/trust")
    tag = assert_full(first)
    assert_not_modified(get(central, "/api/v1/lists/trust", tag), tag)
    assert_not_modified(get(central, "/api/v1/lists/trust", f'"stale", {tag}'), tag)  # one of a list
    assert_not_modified(get(central, "/api/v1/lists/trust", f"W/{tag}"), tag)  # weak comparison
    newer = central.home.sign_trust_list(PASS, NOW)
    assert central.post("/api/v1/admin/trust-lists", {"trust_list": newer}).status_code == 200
    answer = get(central, "/api/v1/lists/trust", tag)
    assert assert_full(answer) != tag
    assert answer.json == {"version": first.json["version"] + 1, "trust_list": newer}


@pytest.mark.parametrize(
    "sent",
    ['"AAAAAAAAAAAAAAAAAAAAAAAA"', "garbage", '"unterminated', "W/", ",,,", '"' + "x" * 5000 + '"', "\u00e8"],
)
def test_a_stale_or_garbage_if_none_match_gets_the_full_answer(central: Central, sent: str) -> None:
    plain = get(central, "/api/v1/lists/revocations?since=0")
    answer = get(central, "/api/v1/lists/revocations?since=0", sent)
    assert assert_full(answer) == plain.headers["ETag"]
    assert answer.data == plain.data


def test_a_revocation_gives_the_delta_a_new_tag(central: Central) -> None:
    before = get(central, "/api/v1/lists/revocations")
    tag, version = assert_full(before), before.json["version"]
    delta = f"/api/v1/lists/revocations?since={version}"
    assert_not_modified(get(central, delta, tag), tag)
    card = central.card()
    central.revoke(card)
    answer = get(central, delta, tag)
    assert assert_full(answer) != tag
    assert answer.json["version"] == version + 1 and answer.json["since"] == version
    held = RevocationState()
    held.apply_token(get(central, "/api/v1/lists/revocations").json["revocation_list"], trust(central))
    assert held.version == version + 1 and len(held) == 1
    assert_not_modified(get(central, delta, answer.headers["ETag"]), answer.headers["ETag"])


def test_the_same_versions_give_the_same_bytes_in_every_process(central: Central) -> None:
    """Strong ETags: another worker (a second app on the same database) answers byte for byte the same
    within the period, and signs again with a newer issued_at in the next one."""
    central.revoke(central.card())
    other = create_app(
        {**instance_settings(central.instance), "CLOCK": ManualClock(NOW + 600), "TESTING": True}
    )
    paths = ("/api/v1/lists/trust", "/api/v1/lists/revocations?since=0", "/api/v1/lists/revocations?since=1")
    tags = {}
    for path in paths:
        here, there = central.client.get(path), other.test_client().get(path)
        assert (here.headers["ETag"], here.data) == (there.headers["ETag"], there.data)
        tags[path] = here.headers["ETag"]
    central.app.config["CLOCK"].now = PERIOD_START + 3600
    later = central.client.get("/api/v1/lists/revocations?since=0")
    assert later.headers["ETag"] != tags["/api/v1/lists/revocations?since=0"]
    held = RevocationState()
    held.apply_token(later.json["revocation_list"], trust(central))
    assert held.issued_at == PERIOD_START + 3600


def test_a_304_is_answered_before_any_list_is_read_or_signed(central: Central, tmp_path: Any) -> None:
    """A worker that cannot sign (its list-signing key is gone) still answers 304 to a caller that holds
    the current lists: the check comes before the signing."""
    tag = assert_full(get(central, "/api/v1/lists/revocations"))
    settings = {**instance_settings(central.instance), "LIST_SIGNING_KEY": str(tmp_path / "missing.pem")}
    keyless = create_app({**settings, "CLOCK": ManualClock(NOW), "TESTING": True}).test_client()
    assert keyless.get("/api/v1/lists/revocations").status_code == 503
    assert keyless.get("/api/v1/lists/revocations", headers={"If-None-Match": tag}).status_code == 304


def sync(central: Central, kiosk: Kiosk, tag: str | None = None, query: str = "since=0") -> Any:
    headers = bearer(kiosk.token) | ({"If-None-Match": tag} if tag else {})
    return central.client.get(f"/api/v1/kiosk/sync?{query}", headers=headers)


def test_a_kiosk_sync_is_answered_304_until_something_of_the_kiosk_changes(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    first = sync(central, kiosk)
    tag = assert_full(first)
    assert first.headers["Cache-Control"] == "private, no-cache" and "server_time" not in first.json
    assert_not_modified(sync(central, kiosk, tag), tag)
    version = central.client.get("/api/v1/lists/revocations").json["version"]
    held = f"since={version}&trust_version={first.json['trust_list_version']}"
    assert_not_modified(sync(central, kiosk, tag, held), tag)  # what the kiosk asks once it took the answer

    other = central.kiosk(merchant)  # another kiosk of the same shop has its own tag
    assert assert_full(sync(central, other, tag)) != tag

    changes = {
        "an offer published": lambda: central.offer(merchant, title="Un'altra offerta"),
        "a revocation": lambda: central.revoke(central.card(holder="MARIO ROSSI")),
        "a record uploaded": lambda: kiosk.upload([kiosk.redeem(central.card())]),
        "a trust list imported": lambda: central.post(
            "/api/v1/admin/trust-lists", {"trust_list": central.home.sign_trust_list(PASS, NOW)}
        ),
    }
    for change, make in changes.items():
        make()
        answer = sync(central, kiosk, tag)
        assert answer.status_code == 200, change
        assert assert_full(answer) != tag, change
        tag = answer.headers["ETag"]
        assert_not_modified(sync(central, kiosk, tag), tag)


def trust(central: Central) -> Any:
    root = Verifier(b64url_decode(central.home.state["root_public_key"]))
    return load_trust_list(central.client.get("/api/v1/lists/trust").json["trust_list"], root)


def test_the_api_document_declares_the_304_and_its_headers(central: Central) -> None:
    document = central.client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/lists/trust", "/api/v1/lists/revocations", "/api/v1/kiosk/sync"):
        answers = document["paths"][path]["get"]["responses"]
        assert "content" not in answers["304"]
        for status in ("200", "304"):
            assert set(answers[status]["headers"]) == {"ETag", "Cache-Control", "Server-Time"}
