"""The cite control and the citation meta tags in the built site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html

from tests.conftest import site_with_redirects
from transform.cite import STYLES, Citer
from transform.edition import TEI_DIR
from transform.urls import CITE_DATA
from transform.writers.citing import book_templates, fill, passage_values


def meta(page: html.HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in page.xpath("//head/meta[starts-with(@name, 'citation_')]"):
        found.setdefault(tag.get("name"), []).append(tag.get("content"))
    return found


def test_every_page_head_has_citation_meta(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        if path.parts[-2] == "id":  # redirect pages
            continue
        tags = meta(html.parse(str(path)).getroot())
        assert tags.get("citation_title"), path
        assert tags.get("citation_online_date"), path


@pytest.mark.parametrize(("page", "expected"), [
    ("rothstein/ch01.html", {
        "citation_inbook_title": ["A History of the U.S.S.R."],
        "citation_author": ["Rothstein, Andrew"],
        "citation_publication_date": ["1950"],
        "citation_firstpage": ["1"], "citation_lastpage": ["3"],
        "citation_language": ["en"]}),
    ("carr/index.html", {
        "citation_title": ["The Russian Revolution: From Lenin to Stalin"],
        "citation_author": ["Carr, Edward Hallett"],
        "citation_publisher": ["The Free Press"], "citation_isbn": ["0-02-905140-1"],
        "citation_publication_date": ["1979"]}),
])
def test_book_pages_meta(site: Path, page: str, expected: dict[str, list[str]]) -> None:
    root = html.parse(str(site / page)).getroot()
    tags = meta(root)
    for name, values in expected.items():
        assert tags.get(name) == values, name
    (tei,) = root.xpath("//head/link[@rel='alternate'][@type='application/tei+xml']/@href")
    assert (site / page).parent.joinpath(tei).resolve().is_file()


def test_paragraph_has_permalink_and_citation_text(site: Path, citer: Citer) -> None:
    page = html.parse(str(site / "rothstein" / "ch01.html")).getroot()
    (control,) = page.xpath("//p[@id='roth-ch1-s1-p1']/span[@class='cite']")
    assert control.get("data-pagefind-ignore") == "all"
    assert control.xpath("a[@class='permalink']/@href") == ["#roth-ch1-s1-p1"]
    assert control.get("data-label") == "pp. 1–2"
    text = control.xpath("string(span[@class='cite-text'])")
    expected = citer.format(citer.resolve("roth-ch1-s1-p1"), "chicago")
    assert text == "Cite as: " + expected
    assert expected.endswith(", 1–2, rothstein/ch01.html#roth-ch1-s1-p1. "
                             "Page numbers follow a later re-issue.")


def test_notes_items_and_verse_have_controls(site: Path) -> None:
    page = html.parse(str(site / "rothstein" / "ch01.html")).getroot()
    assert page.xpath("//li[@id='roth-fn-1']/span[@class='cite']/@data-label") == ["p. 2 n."]
    controls = {c.get("data-id") for p in site.rglob("*.html")
                for c in html.parse(str(p)).getroot().xpath("//span[@class='cite']")}
    kinds = {re.sub(r"\d+$", "", i.rsplit("-", 1)[-1]) for i in controls}
    assert {"p", "i"} <= kinds and any(i.startswith("roth-fn-") for i in controls)


def test_templates_filled_equal_the_python_formats(site: Path, citer: Citer) -> None:
    script = (site / CITE_DATA).read_text(encoding="utf-8")
    data = json.loads(script[script.index("{"):script.rindex(";")])
    for key in citer.books:
        templates = data["templates"][key]
        assert templates == book_templates(citer, key)
        for passage in list(citer.passages(key))[:40]:
            record = citer.record(passage)
            url = "https://example.org/x.html#" + passage.xml_id
            for style in STYLES:
                filled = fill(templates[style], style, passage_values(record, url))
                assert filled == citer.format(passage, style, url), (passage.xml_id, style)


def test_redirect_pages_for_renamed_ids(tmp_path: Path) -> None:
    site = site_with_redirects(tmp_path, {"roth-old-p1": "roth-ch1-s1-p1"})
    page = (site / "id" / "roth-old-p1.html").read_text(encoding="utf-8")
    assert 'content="0; url=../rothstein/ch01.html#roth-ch1-s1-p1"' in page
    script = (site / CITE_DATA).read_text(encoding="utf-8")
    assert '"roth-old-p1":"rothstein/ch01.html#roth-ch1-s1-p1"' in script


@pytest.mark.corpus
def test_real_templates_filled_equal_the_python_formats() -> None:
    citer = Citer.from_tei(TEI_DIR, "https://example.org/ed")
    for key in citer.books:
        templates = book_templates(citer, key)
        for passage in list(citer.passages(key))[::25]:
            record = citer.record(passage)
            for style in STYLES:
                assert fill(templates[style], style, passage_values(record, record.url)) == \
                    citer.format(passage, style), (passage.xml_id, style)


def test_the_build_writes_every_part_of_issue_8(site: Path) -> None:
    for path in ("cite-data.js", "search.html", "pagefind/rothstein/pagefind.js",
                 "pagefind/carr/pagefind.js", "dts/index.json",
                 "dts/collection.json", "dts/collection/rothstein.json",
                 "downloads/rothstein.txt", "downloads/carr.epub", "static/cite.js",
                 "static/search.js"):
        assert (site / path).is_file(), path
