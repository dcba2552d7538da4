"""The central service's tests run on both engines."""

from __future__ import annotations

import pytest

from tests.conftest import on_both_engines


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    on_both_engines(metafunc, "central")
