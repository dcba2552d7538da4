"""The attacks of the threat model (docs/security.md), each against the real apps: the central service, the
comune office and the till with their test clients, or served by gunicorn on loopback."""

import pytest

from tests.conftest import on_both_engines
from tests.functional.conftest import central  # noqa: F401 - fixtures shared with the functional tests
from tests.functional.issuer.conftest import office  # noqa: F401
from tests.functional.kiosk.conftest import make_till, till  # noqa: F401


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The attacks on the central service are tried on both engines."""
    on_both_engines(metafunc, "central")
