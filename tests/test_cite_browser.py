"""The cite control in a real browser (headless Debian Chromium through Playwright).

The shared `browser` fixture (tests/conftest.py) skips loudly when Chromium or
Playwright is missing and fails instead when CI=true.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from click.testing import CliRunner

from tests.conftest import FIXTURE_TEI, site_with_redirects
from transform.cite import STYLES, Citer
from transform.cli import main
from transform.edition import base_url_option
from transform.site import build_site

pytestmark = pytest.mark.browser


def test_copy_gives_the_citation_with_its_pages(browser: object, site: Path,
                                                citer: Citer) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / "rothstein" / "ch01.html").as_uri())
    page.click("#roth-ch1-s1-p1 .cite-button")
    assert page.is_visible("#cite-panel")
    # built without a base URL: the panel says so and cites the relative permalink
    assert page.is_visible("#cite-panel .cite-no-base")
    page.select_option("#cite-panel .cite-style", "chicago")
    page.click("#cite-panel .cite-copy")
    page.wait_for_selector("#cite-panel .cite-status:has-text('Copied.')")
    copied = page.evaluate("navigator.clipboard.readText()")
    passage = citer.resolve("roth-ch1-s1-p1")
    assert copied == citer.format(passage, "chicago")
    assert ", 1–2, rothstein/ch01.html#roth-ch1-s1-p1." in copied  # never a file: address
    page.keyboard.press("Escape")
    assert not page.is_visible("#cite-panel")
    # a footnote: page and "n."
    page.click("#roth-fn-1 .cite-button")
    page.select_option("#cite-panel .cite-style", "chicago")
    assert ", 2 n., rothstein/ch01.html#roth-fn-1." in page.input_value(
        "#cite-panel .cite-output")
    assert errors == []
    context.close()


@pytest.mark.parametrize(("page_path", "xml_id"), [
    ("rothstein/ch01.html", "roth-ch1-s1-p1"), ("carr/ch01.html", "carr-ch1-p1")])
def test_every_style_in_the_panel_is_what_edition_cite_prints(
        browser: object, site: Path, page_path: str, xml_id: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITION_BASE_URL", raising=False)
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto((site / page_path).as_uri())
    page.click(f"#{xml_id} .cite-button")
    for style in STYLES:
        page.select_option("#cite-panel .cite-style", style)
        shown = page.input_value("#cite-panel .cite-output")
        printed = CliRunner().invoke(main, ["cite", xml_id, "--style", style,
                                            "--tei-dir", str(FIXTURE_TEI)])
        assert printed.exit_code == 0, printed.output
        assert shown == printed.output.rstrip("\n"), style
        assert "file:" not in shown
    page.close()


def test_the_panel_cites_the_absolute_permalink_of_a_base_url(browser: object,
                                                              tmp_path: Path) -> None:
    with base_url_option("https://edition.example/ed"):
        build_site(tmp_path / "site", FIXTURE_TEI)
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto((tmp_path / "site" / "carr" / "ch01.html").as_uri())
    page.click("#carr-ch1-p1 .cite-button")
    assert page.locator("#cite-panel .cite-no-base").count() == 0
    page.select_option("#cite-panel .cite-style", "chicago")
    assert page.input_value("#cite-panel .cite-output").endswith(
        "https://edition.example/ed/carr/ch01.html#carr-ch1-p1.")
    page.close()


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


def opacity(page: object, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => getComputedStyle(e).opacity"))  # type: ignore[attr-defined]


def test_one_cite_control_shows_only_for_the_passage_read(browser: object, site: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto((site / "rothstein" / "ch01.html").as_uri())
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # the fade
    shown = page.eval_on_selector_all(
        "span.cite", "cs => cs.filter(c => getComputedStyle(c).opacity !== '0').length")
    assert shown == 0  # a quiet page: no control until the reader points at a passage
    page.hover("#roth-ch1-s2-p1")
    page.wait_for_timeout(300)
    assert opacity(page, "#roth-ch1-s2-p1 > .cite") == 1
    assert opacity(page, "#roth-ch1-s1-p1 > .cite") == 0
    # with JS one control per passage: the button (its panel gives the permalink)
    assert page.locator("#roth-ch1-s2-p1 > .cite .cite-button").is_visible()
    assert not page.locator("#roth-ch1-s2-p1 > .cite .permalink").is_visible()
    page.close()


def test_without_javascript_the_permalink_is_reached_by_keyboard(browser: object,
                                                                  site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto((site / "rothstein" / "ch01.html").as_uri())
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('permalink')"):
            break
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.startswith("#roth-")
    page.wait_for_timeout(300)
    assert float(page.evaluate(
        "getComputedStyle(document.activeElement.closest('.cite')).opacity")) == 1
    page.keyboard.press("Enter")
    assert page.url.endswith(focused)
    context.close()


@pytest.mark.corpus
def test_a_paragraph_in_a_block_quotation_shows_one_control(browser: object,
                                                            real_site: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto((real_site / "carr" / "ch17.html").as_uri())
    page.hover("#carr-ch17-q1-p3")
    page.wait_for_timeout(300)
    assert opacity(page, "#carr-ch17-q1-p3 > .cite") == 1
    assert opacity(page, "#carr-ch17-q1 > .cite") == 0  # the quotation's own stays quiet
    page.close()
