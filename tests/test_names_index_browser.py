"""The index of names in a real browser: the filter narrows the list; without JS the whole
list shows; a locator leads to the name in the reading text. Headless Debian Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser



def visible_rows(page: object) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        "ul.index-list > li:not([hidden])",
        "rows => rows.filter(r => r.offsetParent !== null)"
        ".map(r => r.textContent.trim().split(/\\s+/).slice(0, 2).join(' '))")


def test_filter_narrows_the_list(browser: object, names_site: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((names_site / "index" / "persons.html").as_uri())
    assert page.is_visible("#index-filter")
    everyone = visible_rows(page)
    assert len(everyone) == 13  # 11 mentioned people and two see-references
    page.fill("#index-filter", "CICER")  # case and diacritics folded: Čičerin
    assert visible_rows(page) == ["Chicherin, see", "Čičerin, Georgij"]
    page.fill("#index-filter", "clem")
    assert visible_rows(page) == ["Clemenceau, Georges"]
    page.fill("#index-filter", "ulyanov")  # a variant finds the entry and its see-reference
    assert visible_rows(page) == ["Lenin, Vladimir", "Ulyanov, V."]
    page.fill("#index-filter", "")
    assert visible_rows(page) == everyone
    assert errors == []
    page.close()


def test_without_javascript_the_list_is_whole(browser: object, names_site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto((names_site / "index" / "persons.html").as_uri())
    assert not page.is_visible("#index-filter")
    assert len(visible_rows(page)) == 13
    context.close()


def test_a_locator_leads_to_the_name(browser: object, names_site: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto((names_site / "index" / "persons" / "lenin.html").as_uri())
    page.click("div.locators a:text-is('187–8')")
    assert page.url.endswith("rothstein/ch03.html#roth-ch3-p7-n1")
    target = page.locator(":target")
    assert target.get_attribute("data-name") == "persons/lenin"
    assert target.is_visible()
    # the mention is focused, but its card does not cover the sentence being read
    assert page.evaluate("document.activeElement.id") == "roth-ch3-p7-n1"
    assert not page.locator("#edition-popover").is_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # the keyboard coming back to it opens the card
    assert page.locator("#edition-popover").is_visible()
    page.close()
