"""Search in a real browser (headless Debian Chromium through Playwright), over HTTP.

The search index is fetched by the browser, which file:// forbids: the site is
served from 127.0.0.1 by a server the test starts and stops. The shared `browser`
fixture (tests/conftest.py) skips loudly when Chromium or Playwright is missing and
fails instead when CI=true.
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served() -> Iterator[callable]:
    """A function that serves a built site on 127.0.0.1 and gives its address."""
    servers = []

    def serve(site: Path) -> str:
        handler = functools.partial(_Quiet, directory=str(site))
        server = socketserver.TCPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def search(page: object, base: str, query: str) -> tuple[str, list[str]]:
    page.goto(base + "search.html?" + query)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "/found/.test(document.querySelector('.search-status').textContent)", timeout=30000)
    status = page.inner_text(".search-status")  # type: ignore[attr-defined]
    return status, page.locator(".search-hit").all_inner_texts()  # type: ignore[attr-defined]


def test_search_filters_and_phrase(browser: object, served: callable, site: Path) -> None:
    base = served(site)
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)  # the reading pages have none
    status, hits = search(page, base, "q=Petrograd")
    books = {hit.split(",")[0] for hit in hits}
    assert books == {"Rothstein", "Carr"}, hits
    # each book has an index of its own; merged, their filters offer both books
    choices = page.evaluate(
        "Array.from(document.querySelectorAll('#search-book option')).map(o => o.value)")
    assert sorted(c.split(",")[0] for c in choices if c) == ["Carr", "Rothstein"], choices
    every = len(hits)
    # a person filter narrows the hits
    _, lenin = search(page, base, "q=Petrograd&person=" + "Lenin, Vladimir Ilyich")
    assert 0 < len(lenin) < every, (lenin, hits)
    # each hit shows book, chapter and printed page, and leads to the passage
    first = page.locator(".search-hit-link").first
    href = first.get_attribute("href")
    assert "#" in href and page.locator(".search-hit-page").first.inner_text().startswith(" · p")
    first.click()
    page.wait_for_load_state()
    assert page.url.endswith(href) and page.locator(f"#{href.split('#')[1]}").count() == 1
    # footnotes only
    _, notes = search(page, base, "q=Lenin&notes=1")
    assert notes and all("(footnote)" in hit for hit in notes)
    # a quoted phrase keeps only the passages that hold it
    _, phrase = search(page, base, "q=%22power+to+the+Soviets%22")
    assert len(phrase) == 1 and "Soviets" in phrase[0]
    status, _ = search(page, base, "q=%22Soviets+to+the+power%22")
    assert status.startswith("No passage found")
    assert errors == [] and failed == []
    page.close()


@pytest.mark.corpus
def test_kronstadt_in_both_real_books(browser: object, served: callable,
                                      real_site: Path) -> None:
    base = served(real_site)
    page = browser.new_page()  # type: ignore[attr-defined]
    _, hits = search(page, base, "q=Kronstadt")
    assert {hit.split(",")[0] for hit in hits} == {"Rothstein", "Carr"}, hits
    # many hits come fifty at a time
    status, first = search(page, base, "q=%22Red+Army%22")
    assert len(first) == 50 and "(50 shown)" in status
    page.click(".search-more")
    page.wait_for_function("document.querySelectorAll('.search-hit').length > 50")
    person = page.evaluate(
        "Array.from(document.querySelectorAll('#search-persons option')).map(o => o.value)"
        ".find(v => v.indexOf('Lenin') === 0)")
    _, narrowed = search(page, base, "q=Kronstadt&person=" + person)
    assert 0 < len(narrowed) < len(hits)
    page.close()
