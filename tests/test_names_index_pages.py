"""The index of names in the built site: list and entry pages, links to the mentions, data."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

import pytest
from lxml import etree, html

from transform.writers.checks import check_links

FIXTURE = Path(__file__).parent / "fixtures" / "names_index" / "tei"
# the fixture points two names to entries no register has (for the coverage report)
DELIBERATELY_BROKEN = {"carr/ch01.html: ../index/orgs/ghost.html: no such file",
                       "rothstein/ch03.html: ../index/persons/stalin.html: no such file"}


def page(site: Path, path: str) -> etree._ElementTree:
    return html.parse(str(site / path))


def resolve(site: Path, from_page: str, href: str) -> tuple[str, str]:
    path, _, fragment = href.partition("#")
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_page), path)), fragment


def test_pages_are_written(names_site: Path) -> None:
    for path in ("index/persons.html", "index/places.html", "index/orgs.html",
                 "index/persons/lenin.html", "index/places/petrograd.html",
                 "index/orgs/times.html", "index/names-index.xml", "index/names-index.json",
                 "index/names-index.csv", "index/editors/printed-index.html",
                 "index/editors/coverage.html"):
        assert (names_site / path).is_file(), path


def test_site_links_resolve(names_site: Path) -> None:
    broken, checked = check_links(names_site)
    assert checked > 500
    assert {b.format() for b in broken} == DELIBERATELY_BROKEN


def test_every_locator_link_resolves_to_the_mention(names_site: Path) -> None:
    """Every locator and KWIC link lands on the name's own link in the reading page."""
    checked = 0
    for entry_page in sorted((names_site / "index").glob("*/*.html")):
        rel = entry_page.relative_to(names_site).as_posix()
        kind, entry_id = rel.split("/")[1], entry_page.stem
        if kind == "editors":
            continue
        for link in page(names_site, rel).xpath("//div[contains(@class,'locators')]//a | "
                                          "//ol[@class='kwic']//a"):
            target, fragment = resolve(names_site, rel, link.get("href"))
            anchors = page(names_site, target).xpath(f"//*[@id='{fragment}']")
            assert len(anchors) == 1, (rel, link.get("href"))
            # the fragment is the mention itself: the name's link in the reading text
            assert anchors[0].tag == "a", (rel, link.get("href"))
            assert anchors[0].get("data-name") == f"{kind}/{entry_id}", (rel, link.get("href"))
            checked += 1
    assert checked > 40


def test_html_agrees_with_the_json_export(names_site: Path) -> None:
    data = json.loads((names_site / "index" / "names-index.json").read_text(encoding="utf-8"))
    for kind, records in data["entries"].items():
        for record in records:
            rel = f"index/{kind}/{record['id']}.html"
            columns = page(names_site, rel).xpath("//div[contains(@class,'books-side')]"
                                            "[contains(@class,'locators')]/div")
            assert len(columns) == len(data["books"])
            for column, book in zip(columns, data["books"], strict=True):
                links = column.xpath("a")
                expected = record["locators"][book["key"]]
                assert [a.text for a in links] == [loc["label"] for loc in expected]
                assert [resolve(names_site, rel, a.get("href")) for a in links] == [
                    tuple(loc["href"].split("#")) for loc in expected]
                text = " ".join(column.xpath("string(.)").split())
                assert text.endswith(record["locator_text"][book["key"]] or "not mentioned")


def test_lenin_entry_page(names_site: Path) -> None:
    tree = page(names_site, "index/persons/lenin.html")
    assert tree.findtext(".//h1") == "Lenin, Vladimir Ilyich"
    columns = [" ".join(c.xpath("string(.)").split()) for c in tree.xpath(
        "//div[contains(@class,'books-side')][contains(@class,'locators')]/div")]
    assert columns == ["Rothstein: 9 mention(s) pp. 39, 70, 73n, 110–11, 187–8, 196",
                       "Carr: 6 mention(s) p. 1, ch. 1 ¶ 2, ch. 1 ¶ 3n, pp. 9–10"]
    # KWIC grouped by book, then chapter
    assert [h.text_content() for h in tree.xpath("//section/h4")] == [
        "CHAPTER III. The Revolution", "October 1917", "The Two Worlds"]
    assert len(tree.xpath("//ol[@class='kwic']/li")) == 15
    assert "Ulyanov, V. I., see Lenin, Vladimir Ilyich" in " ".join(
        tree.xpath("string(//dl)").split())


def test_list_page_has_az_filter_and_see_references(names_site: Path) -> None:
    tree = page(names_site, "index/places.html")
    assert tree.xpath("//ul[@class='az']/li/a/@href") == [
        "#letter-L", "#letter-P", "#letter-S", "#letter-T"]
    # without JS the filter stays hidden and the list is a plain long list
    assert tree.xpath("//p[@class='index-filter']/@hidden") == [""]
    rows = tree.xpath("//section[@id='letter-S']/ul/li")
    assert [" ".join(r.xpath("string(.)").split())[:29] for r in rows] == [
        "Saigon (settlement) Rothstein", "St. Petersburg, see Petrograd",
        "Sakhalin (island) Rothstein (", "Stalingrad, see Tsaritsyn"]
    assert rows[1].xpath("a/@href") == ["places/petrograd.html"]
    assert all(r.get("data-filter") for r in tree.xpath("//ul[@class='index-list']/li"))
    assert len(tree.xpath("//svg//circle")) == 1 or not tree.xpath("//svg")


def test_editors_reports_are_not_linked_from_reading_pages(names_site: Path) -> None:
    report = (names_site / "index" / "editors" / "printed-index.html").read_text(encoding="utf-8")
    assert "our page = printed page +2" in report
    for reading in (names_site / "rothstein").glob("*.html"):
        assert "editors/" not in reading.read_text(encoding="utf-8")


@pytest.mark.corpus
def test_real_index_pages(real_site: Path) -> None:
    out = real_site  # read only
    data = json.loads((out / "index" / "names-index.json").read_text(encoding="utf-8"))
    for kind, records in data["entries"].items():
        assert (out / "index" / f"{kind}.html").is_file()
        for record in records:
            assert (out / "index" / kind / f"{record['id']}.html").is_file()
    broken, _ = check_links(out)
    assert [b.format() for b in broken if "/index/" in b.page or b.page.startswith("index/")
            ] == []
    # the locators of the most mentioned entries land on the names themselves
    for kind, entry_id in (("persons", "lenin"), ("places", "petrograd"), ("orgs", "cheka")):
        rel = f"index/{kind}/{entry_id}.html"
        for link in page(out, rel).xpath("//div[contains(@class,'locators')]//a"):
            target, fragment = resolve(out, rel, link.get("href"))
            found = page(out, target).xpath(f"//*[@id='{fragment}']")
            # a name inside another link (a contents line) is a span, not a link
            assert [e.get("data-name") for e in found] == [f"{kind}/{entry_id}"], (
                rel, link.get("href"))


def test_unmentioned_entries_stay_out_of_the_lists(names_site: Path) -> None:
    people = (names_site / "index" / "persons.html").read_text(encoding="utf-8")
    assert "Nobody, Never" not in people
    assert "Lenin, Vladimir Ilyich" in people
    # the entry page exists all the same (the register may be linked to it)
    assert (names_site / "index" / "persons" / "nobody.html").is_file()


def test_tei_export_in_the_site_points_into_the_tei_files(names_site: Path) -> None:
    """The mention ids the site gives name links live in the HTML only: the TEI export
    points to xml:ids the TEI files have, and the TEI copied into the site is unchanged."""
    index = etree.parse(str(names_site / "index" / "names-index.xml"))
    ids: dict[str, set[str]] = {}
    targets = index.xpath("//tei:list[@type='locators']//tei:ref/@target",
                          namespaces={"tei": "http://www.tei-c.org/ns/1.0"})
    assert len(targets) > 20
    for target in " ".join(targets).split():
        file, _, fragment = target.partition("#")
        if file not in ids:
            copy = (names_site / "tei" / file).read_bytes()
            assert copy == (FIXTURE / file).read_bytes()
            ids[file] = set(etree.fromstring(copy).xpath("//@xml:id"))
        assert fragment in ids[file], target
