"""Accessibility in a real browser: an axe-core audit of every kind of page, WCAG 2.2 AA.

axe-core comes with the `axe-playwright-python` package (the `test` extra). The site is
served over HTTP, as readers get it, so that a missing file (a favicon) shows up as a
console error. Headless Debian Chromium through the shared `browser` fixture, which
skips loudly without Chromium and fails instead when CI=true.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The fixture site over HTTP on a free local port; its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """The test reports what matters (console errors); no request log on stderr."""


@pytest.fixture(scope="module")
def axe() -> object:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("axe-playwright-python is missing: pip install -e '.[test]'")
    return Axe()


def blocking_violations(axe: object, page: object) -> list[str]:
    """The serious and critical WCAG 2.2 AA violations on `page` as it is now."""
    results = axe.run(page, options={  # type: ignore[attr-defined]
        "runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]} {v['help']}"
            for v in results.response["violations"] if v["impact"] in BLOCKING]


def open_cite_panel(page: object) -> None:
    page.click("#roth-ch1-s1-p1 .cite-button")  # type: ignore[attr-defined]
    assert page.is_visible("#cite-panel")  # type: ignore[attr-defined]


def open_footnote(page: object) -> None:
    page.hover("a[href='#roth-fn-1']")  # type: ignore[attr-defined]
    assert page.is_visible("#edition-popover")  # type: ignore[attr-defined]


PAGE_KINDS = [
    ("landing", "index.html", None),
    ("title page", "rothstein/index.html", None),
    ("chapter", "rothstein/ch01.html", None),
    ("index list", "index/persons.html", None),
    ("index entry", "index/persons/lenin.html", None),
    ("search", "search.html", None),
    ("printed index", "rothstein/printed-index.html", None),
    ("list of printed pages", "pages.html", None),
    ("cite panel open", "rothstein/ch01.html", open_cite_panel),
    ("footnote popover open", "rothstein/ch01.html", open_footnote),
]


@pytest.mark.parametrize(("kind", "path", "action"), PAGE_KINDS, ids=[k for k, _, _ in PAGE_KINDS])
def test_no_serious_accessibility_violation(browser: object, served: str, axe: object,
                                            kind: str, path: str, action: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(served + path)
        page.wait_for_load_state("networkidle")
        if action is not None:
            action(page)  # type: ignore[operator]
        assert blocking_violations(axe, page) == [], kind
        assert errors == [], kind  # a missing favicon would be a 404 here
    finally:
        context.close()


def test_the_site_has_a_favicon(browser: object, served: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(served + "rothstein/ch01.html")
        icon = page.locator("link[rel='icon']").evaluate("link => link.href")
        assert context.request.get(icon).ok
    finally:
        context.close()


def test_on_a_phone_the_text_starts_in_the_first_screen(browser: object, served: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,  # type: ignore[attr-defined]
                                  has_touch=True)
    page = context.new_page()
    try:
        for path in ("rothstein/ch01.html", "carr/ch02.html"):
            page.goto(served + path)
            header = page.locator(".site-header").bounding_box()
            text = page.locator(".reading .tei-p").first.bounding_box()
            assert header is not None and text is not None
            assert header["y"] + header["height"] < 0.25 * 844, path
            assert text["y"] < 0.5 * 844, path
            # nothing runs off the side of the screen
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    finally:
        context.close()
