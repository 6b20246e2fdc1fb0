"""The register of events (tei/events.xml) and its pages: chronology, two accounts,
timeline, downloads. The real books' site is built once for the session (conftest)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from lxml import etree, html

from transform.edition import TEI_DIR
from transform.events import load_events
from transform.validate import validate_paths

pytestmark = pytest.mark.corpus
SVG = "{http://www.w3.org/2000/svg}"


def test_the_register_has_events_linked_to_both_books() -> None:
    register = load_events(TEI_DIR)
    assert len(register.events) >= 120
    assert len({e.id for e in register.events}) == len(register.events)
    assert all(e.passages for e in register.events)
    both = [e for e in register.events if set(e.passages) == {"carr", "rothstein"}]
    assert len(both) >= 60
    assert register.events[0].year == 1861 and register.events[-1].year >= 1945
    starts = [e.start.ljust(10, "0") for e in register.events]
    assert starts == sorted(starts)
    october = register.get("ev-october-revolution")
    assert october is not None and october.julian.startswith("1917-10-2")
    assert "(Old Style)" in (october.both_calendars() or "")


@pytest.mark.parametrize(("change", "code"), [
    # an event that points to no passage
    (lambda s: s.replace('<linkGrp type="narration" subtype="carr">',
                         '<linkGrp type="other" subtype="carr">'), "event-passage"),
    # a pointer to something that is not a paragraph or a note
    (lambda s: s.replace('target="carr-russian-revolution.xml#carr-ch1-p8"',
                         'target="carr-russian-revolution.xml#carr-ch1"', 1), "passage-is-passage"),
    # a pointer that resolves to nothing
    (lambda s: s.replace('target="carr-russian-revolution.xml#carr-ch1-p8"',
                         'target="carr-russian-revolution.xml#carr-ch1-p999"', 1),
     "passage-resolves"),
    # a pointer into the other book's group
    (lambda s: s.replace('<ptr target="carr-russian-revolution.xml#carr-ch1-p8"/>',
                         '<ptr target="rothstein-history-ussr.xml#roth-ch1-s7-p10"/>', 1),
     "passage-pointer"),
])
def test_validate_refuses_broken_events(tmp_path: Path, change: object, code: str) -> None:
    for path in TEI_DIR.glob("*.xml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    events = tmp_path / "events.xml"
    source = events.read_text(encoding="utf-8")
    broken = change(source)  # type: ignore[operator]
    assert broken != source
    events.write_text(broken, encoding="utf-8")
    report = validate_paths([tmp_path])
    assert any(d.code.startswith(code) and d.path.endswith("events.xml") for d in report.errors), \
        [d.format() for d in report.errors][:5]


def test_chronology_lists_every_event(real_site: Path) -> None:
    register = load_events(TEI_DIR)
    page = html.parse(str(real_site / "events" / "index.html"))
    items = page.xpath("//li[@class='event']")
    assert [i.get("id") for i in items] == [e.id for e in register.events]
    first = items[0]
    assert first.xpath(".//a")[0].get("href") == f"{register.events[0].id}.html"
    assert "Carr:" in first.text_content() and "Rothstein:" in first.text_content()
    # the filters are hidden until the script shows them: without it, the plain list
    assert page.xpath("//form[@class='event-filters']/@hidden") == [""]


def test_event_page_has_two_accounts_linked_into_the_text(real_site: Path) -> None:
    page_path = real_site / "events" / "ev-october-revolution.html"
    page = html.parse(str(page_path))
    accounts = page.xpath("//section[@class='account']")
    assert sorted(a.get("data-account") for a in accounts) == ["carr", "rothstein"]
    register = load_events(TEI_DIR)
    event = register.get("ev-october-revolution")
    for account in accounts:
        shown = account.xpath(".//article[@class='account-passage']/@id")
        assert shown and all(s.removeprefix("account-") in event.passages[account.get(
            "data-account")] for s in shown)
        for link in account.xpath(".//a[@class='account-link']/@href"):
            target, _, fragment = link.partition("#")
            reading = html.parse(str((page_path.parent / target).resolve()))
            passage = reading.xpath(f"//*[@id='{fragment}']")
            assert passage, link
            # and back: the passage links to this event's page
            back = passage[0].xpath(".//span[@class='event-links']/a/@href")
            assert "../events/ev-october-revolution.html" in back
        assert account.xpath(".//p[@class='account-cite']")
    names = page.xpath("//dl[@class='event-participants']//a/@href")
    assert "../index/persons/lenin.html" in names


def test_timeline_is_valid_svg_and_every_mark_links_to_its_event(real_site: Path) -> None:
    svg = etree.parse(str(real_site / "events" / "timeline.svg")).getroot()
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    register = load_events(TEI_DIR)
    assert sorted(links) == sorted(f"{e.id}.html" for e in register.events)
    assert all((real_site / "events" / link).is_file() for link in links)
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class", "").startswith("bar-")]
    assert {r.get("class") for r in bars} == {"bar-carr", "bar-rothstein"}


def test_index_entry_lists_its_events(real_site: Path) -> None:
    page = html.parse(str(real_site / "index" / "persons" / "kornilov.html"))
    assert any("Kornilov" in a.text_content()
               for a in page.xpath("//ul[@class='entry-events']//a"))


def test_events_downloads(real_site: Path) -> None:
    data = json.loads((real_site / "downloads" / "events.json").read_text(encoding="utf-8"))
    register = load_events(TEI_DIR)
    assert [e["id"] for e in data["events"]] == [e.id for e in register.events]
    assert data["words_per_year"]["carr"]["1917"] > 0
    rows = list(csv.DictReader(io.StringIO(
        (real_site / "downloads" / "events.csv").read_text(encoding="utf-8"))))
    assert len(rows) == len(register.events)
    assert all(not r["label"].startswith(("=", "+", "-", "@")) for r in rows)
    assert (real_site / "tei" / "events.xml").is_file() or any(
        real_site.rglob("events.xml"))
