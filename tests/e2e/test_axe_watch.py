"""The accessibility check of the browser tests checks what it says (``tests/e2e/browser.py``): a page
with an unlabeled field is reported with the rule, its impact and the node when it loads, a field added
later by a script is reported once the markup settles, and the report names the page state; a page
without violations reports none."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page

from tests.e2e.browser import WATCHES, Violation, chromium

pytestmark = pytest.mark.e2e
PAGES = {
    "/bad": '<!doctype html><html lang="it"><head><title>Prova</title></head><body><main><h1>Prova</h1>'
    '<form><input name="unlabeled" id="unlabeled"></form></main></body></html>',
    "/good": '<!doctype html><html lang="it"><head><title>Prova</title></head><body><main><h1>Prova</h1>'
    '<form><label for="named">Nome</label><input name="named" id="named"></form></main></body></html>',
}


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path not in PAGES:
            self.send_error(404)
            return
        body = PAGES[self.path].encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def wait_until(page: Page, condition: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)  # lets the watcher's reports in
    raise AssertionError("the watcher never reported")


def rules(found: list[Violation]) -> set[tuple[str, str, str, tuple[str, ...]]]:
    return {(v.rule, v.impact, v.page, v.targets) for v in found}


def test_a_violation_on_load_and_one_added_later_are_both_reported(site: str) -> None:
    with chromium() as browser:
        context = browser.new_context()
        watch = next(w for w in WATCHES if w.context is context)
        page = context.new_page()
        page.goto(site + "/bad")
        wait_until(page, lambda: watch.checks > 0)
        assert ("label", "critical", "/bad", ("#unlabeled",)) in rules(watch.violations)

        page.evaluate("() => document.querySelector('form').append(document.createElement('textarea'))")
        wait_until(page, lambda: len(watch.violations) > 1)
        assert ("label", "critical", "/bad", ("#unlabeled", "textarea")) in rules(watch.violations)
        assert "label (critical) on /bad" in str(watch.violations[0])
        watch.take_violations()  # seen: this test's own page must not fail it

        page.goto(site + "/good")
        watch.check_now()
        assert watch.take_violations() == []
        context.close()
