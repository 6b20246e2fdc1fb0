"""The chronology, an event page and a date's two calendars in a real browser (headless
Debian Chromium through Playwright; the shared `browser` fixture skips loudly where it
is missing and fails under CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.corpus]


def test_event_page_to_the_reading_text_and_back(browser: object, real_site: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((real_site / "events" / "ev-october-revolution.html").as_uri())
    link = page.locator("section.account[data-account='carr'] a.account-link").first
    fragment = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("#" + fragment) and "/carr/" in page.url
    back = page.locator(f"[id='{fragment}'] .event-links a", has_text="October Revolution")
    back.first.click()
    page.wait_for_load_state()
    assert page.url.endswith("events/ev-october-revolution.html")
    # on a phone the accounts stack, and a switch shows one of them
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".account-switch button[data-account='rothstein']").click()
    assert page.locator("section.account[data-account='carr']").is_hidden()
    assert page.locator("section.account[data-account='rothstein']").is_visible()
    assert errors == []


def test_chronology_filter_and_its_plain_list(browser: object, real_site: Path) -> None:
    url = (real_site / "events" / "index.html").as_uri()
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url)
    every = page.locator("li.event").count()
    assert page.locator("li.event:visible").count() == every
    page.select_option("#filter-period", "1917")
    shown = page.locator("li.event:visible").count()
    assert 0 < shown < every
    assert all(p == "1917" for p in page.locator("li.event:visible").evaluate_all(
        "items => items.map(i => i.dataset.period)"))
    page.select_option("#filter-period", "")
    label = page.locator("#filter-entities option[data-key='persons/kornilov']").get_attribute(
        "value")
    page.fill("#filter-entity", label)
    kornilov = page.locator("li.event:visible").count()
    assert 0 < kornilov < every
    # without JavaScript: no filters, the whole list
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    plain = context.new_page()
    plain.goto(url)
    assert plain.locator("form.event-filters").is_hidden()
    assert plain.locator("li.event:visible").count() == every
    context.close()


def test_both_calendars_are_reached_by_keyboard(browser: object, real_site: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto((real_site / "carr" / "ch01.html").as_uri())
    date = page.locator("p .calendars[tabindex='0']").first
    tip = date.locator(".both-calendars")
    assert tip.bounding_box()["width"] <= 1  # hidden until asked for
    date.focus()
    assert tip.bounding_box()["width"] > 50
    assert "(Old Style)" in tip.inner_text() and "(New Style)" in tip.inner_text()
