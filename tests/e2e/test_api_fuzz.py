"""Schemathesis against the served OpenAPI document: the central service under gunicorn on loopback, with
a valid credential for each security scheme (a kiosk's token from enrolment, an office's token, HTTP
Basic for the administrator). Every answer must be no 5xx, documented, and match its schema; the server
log must hold no traceback."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cardsvc.core import generate_private_key
from tests.e2e.network_setup import AdminClient, make_central_instance, make_network
from tests.e2e.servers import familycard_server

pytestmark = pytest.mark.e2e
PASS = "fuzz-passphrase-123"
USER_PASSWORD = "fuzz-user-password"
# per operation and mode: about two minutes on two cores; more for a deeper run
EXAMPLES = int(os.environ.get("FAMILYCARD_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    # What the schemas refuse, the service refuses too (4xx). Deeper runs can report a false positive
    # here: a "negative" query value that serializes to a valid one (a list ["open"] sent as ?status=open).
    negative_data_rejection,
]


class Served:
    """The served central service and a credential for each of its security schemes."""

    def __init__(self, base: str, log: Path, headers: dict[str, dict[str, str]]) -> None:
        self.base, self.log, self.headers = base, log, headers

    def for_case(self, case: Any) -> dict[str, str]:
        security = case.operation.definition.raw.get("security") or []
        names = [name for entry in security for name in entry]
        return self.headers[names[0]] if names else {}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("fuzz")
    now = int(time.time())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAMILYCARD_PASSPHRASE", PASS)
        home = make_network(folder / "network", {"108040": "Seveso"}, PASS, now - 3600)
        instance = make_central_instance(folder / "central", home, PASS, USER_PASSWORD)
    env = {
        "FAMILYCARD_PASSPHRASE": PASS,
        "FAMILYCARD_CENTRAL_LOGIN_MAX_FAILURES": "1000000",
        "FAMILYCARD_CENTRAL_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000",
    }
    log = folder / "central.log"
    serve = ["central", "serve", "--instance", str(instance), "--workers", "2"]
    with familycard_server(serve, env, "/api/v1/lists/trust", log) as base:
        admin = AdminClient(base, "admin", USER_PASSWORD)
        merchant = admin.merchant("Farmacia", "01234567897", "108040", "farmacia")
        admin.published_offer(merchant)
        enrolled = admin.enrol(merchant, generate_private_key())
        for _ in range(40):  # the fuzzer revokes credentials by small ids: keep the one used out of reach
            admin.ok("POST", "/api/v1/admin/issuer-credentials", {"istat": "108040"})
        office = admin.ok("POST", "/api/v1/admin/issuer-credentials", {"istat": "108040"})["token"]
        basic = base64.b64encode(f"admin:{USER_PASSWORD}".encode()).decode()
        yield Served(
            base,
            log,
            {
                "kiosk": {"Authorization": f"Bearer {enrolled['token']}"},
                "issuer": {"Authorization": f"Bearer {office}"},
                "basic": {"Authorization": f"Basic {basic}"},
            },
        )


def fuzz(served: Served, operation: Any, mode: GenerationMode) -> list[str]:
    """Up to ``EXAMPLES`` requests to one operation; the distinct failures found (none is expected)."""
    failures: dict[str, str] = {}

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Any) -> None:
        try:
            case.call_and_validate(base_url=served.base, headers=served.for_case(case), checks=CHECKS)
        except (Failure, FailureGroup) as error:
            for failure in error.exceptions if isinstance(error, FailureGroup) else [error]:
                title = (
                    f"{operation.label}: {failure.title}: {(failure.message.splitlines() or [''])[0][:200]}"
                )
                failures.setdefault(title, case.as_curl_command())

    try:
        run()
    except Unsatisfiable:  # negative mode, and nothing in the operation that can be made invalid
        assert mode is GenerationMode.NEGATIVE
    return [f"{title}\n    {curl[:400]}" for title, curl in failures.items()]


def test_the_api_answers_every_request_as_documented(served: Served) -> None:
    schema = schemathesis.openapi.from_url(served.base + "/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    found = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for failure in fuzz(served, operation, mode)
    ]
    assert not found, f"{len(found)} failures:\n" + "\n".join(found)
    assert "Traceback" not in served.log.read_text(errors="replace")
