"""`edition serve` in a real browser: a save on disk shows in the open page without a
manual reload; a schema error is reported in the page, and goes when it is fixed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_TEI
from transform.serve import BANNER_ID, Preview, PreviewServer

pytestmark = pytest.mark.browser

ROTHSTEIN = "rothstein-history-ussr.xml"
PARAGRAPH = "#roth-ch1-s1-p1"
WAIT_MS = 15_000


@pytest.fixture
def served(tmp_path: Path, site: Path) -> Iterator[tuple[PreviewServer, Path]]:
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    preview = Preview(site, tei)
    preview.refresh()
    server = PreviewServer(preview, 0, [tei])
    server.start()
    yield server, tei
    server.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_save_shows_in_the_open_page_and_a_schema_error_is_reported(
        browser: object, served: tuple[PreviewServer, Path]) -> None:
    server, tei = served
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(server.url + "rothstein/ch01.html")
        assert "hungry" in page.inner_text(PARAGRAPH)
        page.evaluate("window.openedBefore = true")  # gone once the page reloads

        edit(tei / ROTHSTEIN, "hungry", "famished")
        page.wait_for_function(
            f"document.querySelector('{PARAGRAPH}')?.textContent.includes('famished')",
            timeout=WAIT_MS)
        assert page.evaluate("window.openedBefore") is None

        line = next(n for n, text in enumerate(
            (tei / ROTHSTEIN).read_text(encoding="utf-8").splitlines(), 1) if "famished" in text)
        edit(tei / ROTHSTEIN, "famished", "<bogus>starving</bogus>")
        banner = page.wait_for_selector(f"#{BANNER_ID}", timeout=WAIT_MS)
        assert banner is not None
        reported = banner.inner_text()
        assert f"{ROTHSTEIN}:{line}:" in reported and "<bogus>" in reported
        assert "famished" in page.inner_text(PARAGRAPH)  # the last good page stays

        edit(tei / ROTHSTEIN, "<bogus>starving</bogus>", "starving")
        page.wait_for_selector(f"#{BANNER_ID}", state="detached", timeout=WAIT_MS)
        page.wait_for_function(
            f"document.querySelector('{PARAGRAPH}')?.textContent.includes('starving')",
            timeout=WAIT_MS)
    finally:
        context.close()
