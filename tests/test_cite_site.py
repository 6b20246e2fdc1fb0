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
        for name in ("citation_title", "citation_online_date", "citation_publisher",
                     "citation_publication_date", "citation_editor"):
            assert tags.get(name), (path, name)


@pytest.mark.parametrize(("page", "expected"), [
    ("rothstein/ch01.html", {
        "citation_inbook_title": ["A History of the U.S.S.R."],
        "citation_title": ["Bread and Butter"],  # not "CHAPTER I. Bread and Butter"
        "citation_author": ["Rothstein, Andrew"],
        "citation_editor": ["The edition team"], "citation_publisher": ["The edition team"],
        "citation_firstpage": ["1"], "citation_lastpage": ["3"],
        "citation_language": ["en"]}),
    ("carr/index.html", {
        "citation_title": ["The Russian Revolution: From Lenin to Stalin"],
        "citation_author": ["Carr, Edward Hallett"],
        "citation_publisher": ["The edition team"], "citation_isbn": ["0-02-905140-1"]}),
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


def test_every_id_has_a_short_url(site: Path, citer: Citer) -> None:
    ids = {xml_id for book in citer.books.values() for xml_id in book.site_paths}
    assert {p.stem for p in (site / "id").glob("*.html")} == ids
    page = html.parse(str(site / "id" / "roth-ch1-s1-p1.html")).getroot()
    assert page.xpath("//meta[@http-equiv='refresh']/@content") == [
        "0; url=../rothstein/ch01.html#roth-ch1-s1-p1"]
    assert page.xpath("//a/@href") == ["../rothstein/ch01.html#roth-ch1-s1-p1"]
    assert not page.xpath("//link[@rel='canonical']")  # no base URL, no canonical address
    assert max(p.stat().st_size for p in (site / "id").glob("*.html")) < 600
    assert not (site / "sitemap.xml").exists()  # a sitemap needs absolute URLs


def structured(path: Path, base: str = "https://edition.example/") -> dict[str, list]:
    import extruct

    return extruct.extract(path.read_text(encoding="utf-8"), base_url=base,
                           syntaxes=["json-ld", "opengraph"], uniform=True)


def test_json_ld_and_opengraph(site: Path) -> None:
    chapter = structured(site / "rothstein" / "ch01.html")
    (item,) = chapter["json-ld"]
    assert item["@type"] == "Chapter" and item["name"] == "Bread and Butter"
    assert item["isPartOf"]["@type"] == "Book"
    assert item["isPartOf"]["name"] == "A History of the U.S.S.R."
    assert item["author"]["name"] == "Andrew Rothstein" and item["datePublished"] == "1950"
    assert item["publisher"]["name"] == "The edition team"
    (graph,) = chapter["opengraph"]
    assert graph["og:title"] == "Bread and Butter"
    assert "article" in (graph.get("og:type"), graph.get("@type"))  # uniform form: @type
    (book,) = structured(site / "carr" / "index.html")["json-ld"]
    assert book["@type"] == "Book" and book["isbn"] == "0-02-905140-1"
    (entry,) = structured(site / "index" / "persons.html")["json-ld"]
    assert entry["@type"] == "WebPage" and entry["isPartOf"]["@type"] == "WebSite"


@pytest.fixture(scope="module")
def absolute_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import FIXTURE_TEI
    from transform.edition import base_url_option
    from transform.site import build_site

    out = tmp_path_factory.mktemp("absolute") / "site"
    with base_url_option("https://edition.example/ed/"):
        build_site(out, FIXTURE_TEI)
    return out


def test_with_a_base_url_no_citation_meta_or_json_ld_is_relative(absolute_site: Path) -> None:
    base = "https://edition.example/ed/"
    pages = [p for p in absolute_site.rglob("*.html") if p.parts[-2] != "id"]
    assert len(pages) > 20
    for path in pages:
        root = html.parse(str(path)).getroot()
        site_path = path.relative_to(absolute_site).as_posix()
        assert root.xpath("//link[@rel='canonical']/@href") == [base + site_path]
        assert meta(root)["citation_public_url"] == [base + site_path]
        urls = [c.get("data-url") for c in root.xpath("//span[@class='cite']")]
        urls += root.xpath("//head/meta[@property='og:url']/@content")
        data = structured(path, base)
        for item in data["json-ld"]:
            urls += [item["url"]] + ([item["isPartOf"]["url"]]
                                     if "url" in item.get("isPartOf", {}) else [])
        assert urls and all(url.startswith(base) for url in urls), (path, urls)
        texts = root.xpath("//span[@class='cite-text']") + root.xpath(
            "//p[@class='cite-line']")
        for text in texts:
            found = re.findall(r"\S+\.html\S*", text.text_content())
            assert found and all(url.startswith(base) for url in found), (path, found)
    page = html.parse(str(absolute_site / "id" / "roth-ch1-s1-p1.html")).getroot()
    assert page.xpath("//link[@rel='canonical']/@href") == [
        base + "rothstein/ch01.html#roth-ch1-s1-p1"]
    script = (absolute_site / CITE_DATA).read_text(encoding="utf-8")
    assert '"base":"https://edition.example/ed"' in script


def test_sitemap_lists_every_page(absolute_site: Path) -> None:
    from lxml import etree

    root = etree.parse(str(absolute_site / "sitemap.xml")).getroot()
    locs = root.xpath("//s:loc/text()", namespaces={"s": root.nsmap[None]})
    pages = {p.relative_to(absolute_site).as_posix() for p in absolute_site.rglob("*.html")
             if p.parts[-2] != "id"}
    assert {loc.removeprefix("https://edition.example/ed/") for loc in locs} == pages


def test_citation_cff_is_valid() -> None:
    """CITATION.cff against the CFF 1.2.0 schema that cffconvert ships."""
    import cffconvert
    import jsonschema  # cffconvert's own dependency
    from ruamel.yaml import YAML  # cffconvert reads CFF with it

    schema_path = next(Path(cffconvert.__file__).parent.rglob("1.2.0/schema.json"))
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    cff = YAML(typ="safe").load((Path(__file__).parent.parent / "CITATION.cff").read_text(
        encoding="utf-8"))
    jsonschema.validate(cff, schema)
    assert cff["title"].startswith("The Russian Revolution from two camps")


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


def test_the_build_writes_the_search_citation_and_download_parts(site: Path) -> None:
    for path in ("cite-data.js", "search.html", "pagefind/rothstein/pagefind.js",
                 "pagefind/carr/pagefind.js", "dts/index.json",
                 "dts/collection.json", "dts/collection/rothstein.json",
                 "downloads/rothstein.txt", "downloads/carr.epub", "static/cite.js",
                 "static/search.js"):
        assert (site / path).is_file(), path
