"""The cite control in a real browser (headless Debian Chromium through Playwright).

The shared `browser` fixture (tests/conftest.py) skips loudly when Chromium or
Playwright is missing and fails instead when CI=true.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import site_with_redirects
from transform.cite import Citer

pytestmark = pytest.mark.browser


def test_copy_gives_the_citation_with_its_pages(browser: object, site: Path,
                                                citer: Citer) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page_url = (site / "rothstein" / "ch01.html").as_uri()
    page.goto(page_url)
    page.click("#roth-ch1-s1-p1 .cite-button")
    assert page.is_visible("#cite-panel")
    page.click("#cite-panel .cite-copy")
    page.wait_for_selector("#cite-panel .cite-status:has-text('Copied.')")
    copied = page.evaluate("navigator.clipboard.readText()")
    passage = citer.resolve("roth-ch1-s1-p1")
    expected = citer.format(passage, "chicago", f"{page_url}#roth-ch1-s1-p1")
    assert copied == expected
    assert ", 1–2, file://" in copied  # the printed pages of a paragraph across a break
    # the other formats come from the same templates
    for style in ("mla", "bibtex", "ris", "csl-json"):
        page.select_option("#cite-panel .cite-style", style)
        shown = page.input_value("#cite-panel .cite-output")
        assert shown == citer.format(passage, style, f"{page_url}#roth-ch1-s1-p1").rstrip("\n")
    page.keyboard.press("Escape")
    assert not page.is_visible("#cite-panel")
    # a footnote: page and "n."
    page.click("#roth-fn-1 .cite-button")
    page.select_option("#cite-panel .cite-style", "chicago")
    assert ", 2 n., file://" in page.input_value("#cite-panel .cite-output")
    assert errors == []
    context.close()


def test_without_javascript_the_citation_is_text(browser: object, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto((site / "rothstein" / "ch01.html").as_uri() + "#roth-ch1-s1-p1")
    text = page.locator("#roth-ch1-s1-p1 > .cite .cite-text")
    assert text.is_visible()  # the target of a permalink shows its citation
    assert "A History of the U.S.S.R." in text.inner_text()
    assert not page.locator("#roth-ch1-s2-p1 > .cite .cite-text").is_visible()
    assert page.locator(".cite-button").count() == 0
    context.close()


def test_a_renamed_id_in_an_address_leads_to_its_passage(browser: object,
                                                         tmp_path: Path) -> None:
    site = site_with_redirects(tmp_path, {"roth-old-p1": "roth-ch1-s2-p1"})
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto((site / "rothstein" / "ch01.html").as_uri() + "#roth-old-p1")
    page.wait_for_url("**#roth-ch1-s2-p1")
    page.goto((site / "id" / "roth-old-p1.html").as_uri())
    page.wait_for_url("**/rothstein/ch01.html#roth-ch1-s2-p1")
    page.close()
