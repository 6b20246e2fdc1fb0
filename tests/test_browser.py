"""The site in a real browser: headless Debian Chromium driven by Playwright (no download).

Skips loudly when Chromium or Playwright is missing; fails instead when CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


class Reader:
    """A browser tab that records console errors and uncaught exceptions."""

    def __init__(self, browser: object, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript)  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, site: Path, path: str) -> None:
        self.page.goto((site / path).as_uri())

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def reader(browser: object) -> Iterator[Reader]:
    tab = Reader(browser)
    yield tab
    assert tab.errors == []  # no console errors on any page the test visited
    tab.close()


@pytest.fixture
def reader_without_js(browser: object) -> Iterator[Reader]:
    tab = Reader(browser, javascript=False)
    yield tab
    tab.close()


def test_footnote_call_to_note_and_back(reader: Reader, site: Path) -> None:
    reader.open(site, "rothstein/ch01.html")
    page = reader.page
    page.click("a[href='#roth-fn-1']")
    assert page.url.endswith("#roth-fn-1")
    assert page.is_visible("li#roth-fn-1")
    assert "Agrarian Question" in page.inner_text("li#roth-fn-1")
    page.click("li#roth-fn-1 a.note-back")
    assert page.url.endswith("#roth-fn-1-call")


def test_footnote_popover_on_hover_and_focus(reader: Reader, site: Path) -> None:
    reader.open(site, "rothstein/ch01.html")
    page = reader.page
    page.hover("a[href='#roth-fn-1']")
    popover = page.locator("#edition-popover")
    assert popover.is_visible()
    assert "Agrarian Question" in popover.inner_text()
    page.keyboard.press("Escape")
    assert not popover.is_visible()
    page.focus("a[href='#roth-fn-2']")
    assert "second note" in popover.inner_text()
    assert page.get_attribute("a[href='#roth-fn-2']", "aria-describedby") == "edition-popover"


def test_name_links_to_its_index_entry_with_a_hover_card(reader: Reader, site: Path) -> None:
    reader.open(site, "rothstein/ch01.html")
    page = reader.page
    name = page.locator("a[data-name='persons/lenin']").first
    href = name.evaluate("a => a.href")
    assert href == (site / "index" / "persons" / "lenin.html").as_uri()
    name.hover()
    card = page.locator("#edition-popover").inner_text()
    assert "Lenin, Vladimir Ilyich" in card and "1870–1924" in card
    assert "Leader of the Bolsheviks" in card


@pytest.mark.parametrize(("book", "number", "expected"), [
    ("rothstein", "2", "rothstein/ch01.html#p2"),
    ("rothstein", "vii", "rothstein/preface.html#pvii"),
    ("carr", "10", "carr/ch02.html#p10"),
    ("carr", " p. 9 ", "carr/ch02.html#p9"),
])
def test_go_to_page(reader: Reader, site: Path, book: str, number: str, expected: str) -> None:
    reader.open(site, "carr/ch01.html")
    page = reader.page
    page.select_option("#goto-book", book)
    page.fill("#goto-page", number)
    page.click("form.goto button")
    page.wait_for_url(f"**/{expected}")
    assert page.url == (site / expected.split("#")[0]).as_uri() + "#" + expected.split("#")[1]
    assert page.is_visible(f"#{expected.split('#')[1]}") or page.locator(
        f"#{expected.split('#')[1]}").count() == 1


def test_go_to_a_page_that_does_not_exist(reader: Reader, site: Path) -> None:
    reader.open(site, "rothstein/ch02.html")
    page = reader.page
    page.fill("#goto-page", "999")
    page.click("form.goto button")
    assert "No printed page 999" in page.inner_text(".goto-message")
    assert page.url.endswith("rothstein/ch02.html")


def test_toggle_original_readings(reader: Reader, site: Path) -> None:
    reader.open(site, "rothstein/ch01.html")
    page = reader.page
    corrected = page.locator("#roth-ch1-s1-p1 .corrected")
    original = page.locator("#roth-ch1-s1-p1 .original")
    assert corrected.is_visible() and not original.is_visible()
    assert page.get_attribute("#roth-ch1-s1-p1 .tei-choice", "title") == "Printed: poar"
    assert not page.locator(".tei-supplied").first.is_hidden()
    page.check("#show-original")
    assert original.is_visible() and not corrected.is_visible()
    assert original.inner_text() == "poar"
    assert page.locator(".tei-supplied").first.is_hidden()
    page.uncheck("#show-original")
    assert corrected.is_visible() and not original.is_visible()


def test_names_without_underlining_is_remembered(reader: Reader, site: Path) -> None:
    reader.open(site, "rothstein/ch01.html")
    page = reader.page
    name = "a[data-name='persons/lenin']"

    def underline() -> str:
        return page.eval_on_selector(name, "a => getComputedStyle(a).textDecorationLine")

    assert underline() == "underline"
    page.check("#plain-names")
    assert underline() == "none"
    reader.open(site, "carr/ch02.html")  # another page keeps the reader's choice
    assert page.is_checked("#plain-names")
    assert page.eval_on_selector("a.name", "a => getComputedStyle(a).textDecorationLine") == "none"
    page.uncheck("#plain-names")
    reader.open(site, "rothstein/ch01.html")
    assert underline() == "underline"


def test_every_page_loads_without_console_errors(reader: Reader, site: Path) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    short = [path for path in pages if path.startswith("id/")]
    for path in pages:
        if path not in short:
            reader.open(site, path)
            assert reader.page.title()
    # a short URL goes on to its passage at once
    assert "id/roth-ch1-s1-p1.html" in short
    with reader.page.expect_navigation(url="**/rothstein/ch01.html#roth-ch1-s1-p1"):
        reader.page.goto((site / "id/roth-ch1-s1-p1.html").as_uri(), wait_until="commit")
    assert reader.page.locator("#roth-ch1-s1-p1").is_visible()


def test_without_javascript_notes_and_links_still_work(reader_without_js: Reader,
                                                       site: Path) -> None:
    reader_without_js.open(site, "rothstein/ch01.html")
    page = reader_without_js.page
    page.click("a[href='#roth-fn-1']")
    assert page.url.endswith("#roth-fn-1")
    assert page.is_visible("li#roth-fn-1")
    page.click("li#roth-fn-1 a.note-back")
    assert page.url.endswith("#roth-fn-1-call")
    assert page.locator("a[data-name='persons/lenin']").first.evaluate("a => a.href") == (
        site / "index" / "persons" / "lenin.html").as_uri()
    assert page.locator("#edition-popover").count() == 0
    # the switches are plain CSS: they work without JavaScript too
    page.check("#show-original")
    assert page.locator("#roth-ch1-s1-p1 .original").is_visible()
    page.check("#plain-names")
    assert page.eval_on_selector("a.name", "a => getComputedStyle(a).textDecorationLine") == "none"
    # go-to-page falls back to the list of every printed page
    page.fill("#goto-page", "2")
    page.click("form.goto button")
    page.wait_for_load_state()
    assert "/pages.html" in page.url
    page.click("#rothstein-p2 a")
    assert page.url.endswith("rothstein/ch01.html#p2")


@pytest.mark.corpus
def test_go_to_page_in_the_real_books(browser: object, real_site: Path) -> None:
    out = real_site
    tab = Reader(browser)
    try:
        for book, number in (("rothstein", "58"), ("carr", "67")):
            tab.open(out, "index.html")
            tab.page.select_option("#goto-book", book)
            tab.page.fill("#goto-page", number)
            tab.page.click("form.goto button")
            tab.page.wait_for_url(f"**/{book}/*.html#p{number}")
            assert tab.page.locator(f"#p{number}").count() == 1
        assert tab.errors == []
    finally:
        tab.close()


@pytest.mark.corpus
def test_real_chapters_read_without_console_errors(browser: object, real_site: Path) -> None:
    out = real_site
    tab = Reader(browser)
    try:
        for path in ("rothstein/ch01.html", "carr/ch02.html", "rothstein/printed-index.html",
                     "carr/abbreviations.html", "index.html", "pages.html"):
            tab.open(out, path)
            page = tab.page
            names = page.locator("a.name[data-name]")
            if names.count():
                names.first.hover()
                assert page.locator("#edition-popover").is_visible(), path
            calls = page.locator(".note-call a")
            if calls.count():
                calls.first.focus()
                assert page.locator("#edition-popover").inner_text().strip(), path
            if page.locator("#show-original").count():
                page.check("#show-original")
                assert page.locator(".original").first.is_visible(), path
        assert tab.errors == []
    finally:
        tab.close()
