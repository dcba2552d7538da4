"""The OpenAPI document names exactly the routes served, and every error has one shape."""

import re

import pytest

from tests.functional.conftest import Central, bearer

pytestmark = pytest.mark.functional


def test_openapi_matches_the_routes(central: Central) -> None:
    document = central.client.get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    served = set()
    for rule in central.app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("get", "/api/v1/nope", {}, 404),
        ("get", "/api/v1/redemptions", {}, 405),
        ("post", "/api/v1/redemptions", {}, 401),
        ("post", "/api/v1/redemptions", {"headers": bearer("y" * 40)}, 401),
        ("post", "/api/v1/card-events", {"json": {}}, 401),
        ("post", "/api/v1/kiosks/enrol", {"data": "nope"}, 400),
        ("get", "/api/v1/lists/revocations?since=-1", {}, 400),
        ("get", "/api/v1/lists/revocations?since=99", {}, 409),
        ("get", "/api/v1/admin/flags", {}, 401),
    ],
)
def test_one_error_shape(central: Central, method: str, path: str, kwargs: dict, status: int) -> None:
    response = getattr(central.client, method)(path, **kwargs)
    assert response.status_code == status
    assert set(response.json) == {"error"}
    assert set(response.json["error"]) == {"code", "message"}
    assert re.fullmatch(r"[a-z_]+", response.json["error"]["code"])


def test_the_api_document_in_docs_is_current() -> None:
    from cardsvc.central.openapi import markdown
    from tests.conftest import ROOT

    assert (ROOT / "docs" / "api.md").read_text() == markdown(), "run: familycard central api-docs"
