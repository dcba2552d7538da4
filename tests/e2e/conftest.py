"""The browser tests fail on any accessibility violation axe-core finds in a page state they visited
(``tests/e2e/browser.py``); what it found is also written to ``test-artifacts/axe/<test>.json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict

import pytest

from tests.e2e.browser import ARTIFACTS, WATCHES, Violation


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    found: list[Violation] = []
    checks = 0
    for watch in list(WATCHES):
        watch.check_now()
        found += watch.take_violations()
        checks += watch.checks
    if checks:
        folder = ARTIFACTS / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{item.name}.json").write_text(json.dumps([asdict(v) for v in found], indent=1))
    if found:
        lines = "\n".join(f"  {v}" for v in found)
        raise AssertionError(f"axe-core found {len(found)} accessibility violation(s):\n{lines}")
    return result
