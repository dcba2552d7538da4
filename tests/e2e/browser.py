"""Debian's Chromium driven by Playwright: never a downloaded browser. Screenshots go to
``test-artifacts/``.

Every browser context that ``chromium()`` opens checks itself with axe-core (from the PyPI package
axe-playwright-python): a script given to every document runs axe when the document has loaded and again
whenever its markup has changed and settled, and hands the result to the test process, which keeps each
violation (rule, impact, the nodes' selectors) and saves a screenshot of each page state it checked under
``test-artifacts/pages/<test>/``. ``tests/e2e/conftest.py`` checks the open pages once more when a test
ends and fails the test on any violation of any impact: so every page state a browser test visits is
checked, including those of tests written later, without a call in each test."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Error, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
# axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA, and its best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# Given to every document: run axe once the page has loaded, and again 200 ms after its markup last
# changed; one run at a time; each result goes to the test through window.__axeReport.
WATCHER = """
(() => {
  if (window.top !== window || window.__axeWatcher || !location.protocol.startsWith("http")) return;
  const options = %s;
  let running = null, again = false, timer = null;
  const summary = (result) => ({
    url: location.href, title: document.title,
    heading: (document.querySelector("h1") || {}).textContent || "",
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
      summary: v.nodes.length ? v.nodes[0].failureSummary : "",
    })),
  });
  const run = () => {
    if (running) { again = true; return running; }
    if (!window.axe) window.__axeLoad();
    running = axe.run(document, options).then(summary).then((found) => {
      running = null;
      if (window.__axeReport) window.__axeReport(found);
      if (again) { again = false; schedule(); }
      return found;
    }, (error) => { running = null; throw error; });
    return running;
  };
  const schedule = () => { clearTimeout(timer); timer = setTimeout(run, 200); };
  // A page still loading has not all its styles and fonts yet: its checks wait for them.
  const loaded = () => (document.readyState === "complete" ? Promise.resolve()
    : new Promise((resolve) => window.addEventListener("load", resolve, { once: true })))
    .then(() => document.fonts.ready);
  window.__axeWatcher = { now: () => loaded().then(() => running || null).then(run) };
  // The first check waits for the browser to be idle, after the page's own scripts.
  const idle = () => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 500 }));
  loaded().then(idle).then(() => {
    run();
    new MutationObserver(schedule).observe(document.documentElement,
      { subtree: true, childList: true, attributes: true, characterData: true });
  });
})();
"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    page: str
    targets: tuple[str, ...]
    summary: str = ""

    def __str__(self) -> str:
        first = " ".join(self.summary.split())
        return (
            f"{self.rule} ({self.impact}) on {self.page}: {self.help} — {', '.join(self.targets)} ({first})"
        )


@dataclass
class AxeWatch:
    """What axe found in one browser context, and the page states it saw."""

    context: BrowserContext
    violations: list[Violation] = field(default_factory=list)
    states: set[tuple[str, str, str]] = field(default_factory=set)
    checks: int = 0

    def report(self, page: Page | None, found: dict[str, Any]) -> None:
        self.checks += 1
        path = re.sub(r"^https?://[^/]+", "", found["url"])
        for v in found["violations"]:
            violation = Violation(v["id"], v["impact"], v["help"], path, tuple(v["targets"]), v["summary"])
            if violation not in self.violations:
                self.violations.append(violation)
        state = (path.split("?")[0], found["title"], " ".join(found["heading"].split()))
        if page is not None and state not in self.states and not page.is_closed():
            self.states.add(state)
            self._screenshot(page, state)

    def _screenshot(self, page: Page, state: tuple[str, str, str]) -> None:
        test = os.environ.get("PYTEST_CURRENT_TEST", "no-test").split("::")[-1].split(" ")[0]
        slug = re.sub(r"[^a-z0-9]+", "-", f"{state[0]} {state[2]}".lower()).strip("-")[:60] or "page"
        folder = ARTIFACTS / "pages" / test
        folder.mkdir(parents=True, exist_ok=True)
        # The caret as it is: Playwright's default hides it with a style, which changes the page. A page
        # that went on to another state meanwhile is checked (and shot) in its turn.
        with suppress(Error):
            page.screenshot(path=str(folder / f"{len(self.states):02d}-{slug}.png"), caret="initial")

    def check_now(self) -> None:
        """Check every open page as it is now, after any run under way."""
        for page in self.context.pages:
            if page.is_closed():
                continue
            try:
                found = page.evaluate("() => window.__axeWatcher ? window.__axeWatcher.now() : null")
            except Error:
                continue  # closed or navigating as the test ended
            if found is not None:
                self.report(page, found)

    def take_violations(self) -> list[Violation]:
        found, self.violations = self.violations, []
        return found


WATCHES: list[AxeWatch] = []


def watch(context: BrowserContext) -> AxeWatch:
    """Run axe in every document of ``context`` (see the module's docstring)."""
    checked = AxeWatch(context)
    context.expose_binding("__axeReport", lambda source, found: checked.report(source.get("page"), found))
    # axe's source is only compiled when a page is first checked, not as every document starts
    lazy_axe = "window.__axeLoad = function () {\n" + Axe().axe_script + "\n};\n"
    context.add_init_script(lazy_axe + WATCHER % json.dumps(AXE_OPTIONS))
    context.on("close", lambda _: WATCHES.remove(checked) if checked in WATCHES else None)
    WATCHES.append(checked)
    return checked


class CheckedBrowser:
    """Chromium whose every new context is watched by axe; otherwise the browser itself."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> BrowserContext:
        context = self._browser.new_context(**options)
        watch(context)
        return context

    def new_page(self, **options: Any) -> Page:
        return self.new_context(**options).new_page()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield cast(Browser, CheckedBrowser(browser))
        finally:
            browser.close()


def on_one_line(page: Page, selector: str) -> bool:
    """Every element matched has its middle at the same height: the row does not wrap. Measured once the
    page's stylesheets and fonts have loaded: the DOM (and so ``expect``) can be ready before them."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    middles = page.locator(selector).evaluate_all(
        "(items) => items.map((i) => { const r = i.getBoundingClientRect(); return (r.top + r.bottom) / 2; })"
    )
    return len(middles) > 1 and max(middles) - min(middles) < 4


def screenshot_path(name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")
