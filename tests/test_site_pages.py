"""The built pages, as (file, XPath, expected) assertions, and what every page must have."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from lxml import html

from transform.edition import EDITION_TITLE, build_date


def pages(site: Path) -> list[Path]:
    """The site's pages, bar the redirect stubs of renamed ids (they only point on)."""
    return sorted(p for p in site.rglob("*.html")
                  if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:1000])


CASES = [
    # the landing page: both books, principles from encodingDesc, rights, how to cite
    ("index.html", "count(//ul[@class='books']/li)", 2.0),
    ("index.html", "string(//ul[@class='books']/li[1]/a/@href)", "rothstein/index.html"),
    ("index.html", "count(//div[@class='principle'])", 4.0),
    ("index.html", "count(//div[@class='rights'])", 2.0),
    ("index.html", "contains(string((//div[@class='rights'])[2]), 'In copyright')", True),
    ("index.html", "count(//h2[@id='cite-heading'])", 1.0),
    # a book's home: title page, contents with sections and pages
    ("carr/index.html", ("string(//section[@class='title-page']//p[contains(@class,"
                         "'type-main')])"), "The Russian Revolution"),
    ("rothstein/index.html", ("string(//section[@class='contents']//a[@href='ch01.html"
                              "#roth-ch1-s2'])"), "2. The Workers"),
    ("rothstein/index.html", "string(//a[@href='ch01.html']/following-sibling::span)",
     "pp. 1–3"),
    # page ranges: a page without a printed number ends a range with "ff."
    ("carr/ch01.html", "string(//span[@class='page-range'])", "p. 1 ff."),
    ("carr/ch02.html", "string(//span[@class='page-range'])", "pp. 9–10"),
    ("rothstein/preface.html", "string(//span[@class='page-range'])", "p. vii"),
    # navigation: previous/next and breadcrumbs
    ("rothstein/ch01.html", "string(//nav[@class='pager']/a[@rel='prev']/@href)",
     "preface.html"),
    ("rothstein/ch01.html", "string(//nav[@class='pager']/a[@rel='next']/@href)", "ch02.html"),
    ("rothstein/preface.html", "string(//nav[@class='pager']/a[@rel='prev']/@href)",
     "index.html"),
    ("rothstein/ch01.html", "string(//nav[@class='breadcrumbs']//a[@aria-current='page'])",
     "CHAPTER I. Bread and Butter"),
    # the citation line of a page
    ("rothstein/ch01.html", "string(//p[@class='cite-line'])",
     ("Cite this page: Andrew Rothstein, A History of the U.S.S.R., in The Russian Revolution "
      "from Two Camps: A Critical Digital Edition, version 0.1.0, ed. The edition team (1950; "
      f"TEI edition, The edition team, {build_date()[:4]}), 1–3, rothstein/ch01.html. "
      "Page numbers follow a later re-issue.")),
    # a division without a heading gets one from its type
    ("carr/contents.html", "string(//div[@class='reading']/div/h1)", "Contents"),
    # the original-readings toggle only where there is something to toggle
    ("rothstein/ch01.html", "count(//input[@id='show-original'])", 1.0),
    ("rothstein/ch02.html", "count(//input[@id='show-original'])", 0.0),
    # the list of printed pages, each with its own anchor
    ("pages.html", "string(//li[@id='carr-p10']/a/@href)", "carr/ch02.html#p10"),
    ("pages.html", "string(//li[@id='rothstein-pvii']/a/@href)", "rothstein/preface.html#pvii"),
]


@pytest.mark.parametrize(("page", "xpath", "expected"), CASES)
def test_page(site: Path, page: str, xpath: str, expected: object) -> None:
    assert html.parse(str(site / page)).xpath(xpath) == expected


def test_every_page_has_what_every_page_needs(site: Path) -> None:
    for path in pages(site):
        tree = html.parse(str(path))
        name = path.relative_to(site).as_posix()
        assert tree.getroot().get("lang"), name
        assert len(tree.xpath("//header")) == 1 and len(tree.xpath("//main")) == 1, name
        assert len(tree.xpath("//footer")) == 1, name
        assert tree.xpath("string(//p[@class='edition-line'])").startswith(EDITION_TITLE), name
        assert re.fullmatch(r"Built on \d{4}-\d\d-\d\d\.",
                            tree.xpath("string(//p[@class='build-date'])")), name
        assert tree.xpath("string(//p[@class='cite-line'])").startswith("Cite this page: "), name
        assert tree.xpath("//p[@class='sources']/a[contains(@href, 'tei/') and "
                          "substring(@href, string-length(@href) - 3) = '.xml']"), name
        assert len(tree.xpath("//h1")) >= 1, name


def test_headings_never_skip_a_level(site: Path) -> None:
    for path in pages(site):
        levels = [int(h.tag[1]) for h in html.parse(str(path)).iter("h1", "h2", "h3", "h4",
                                                                    "h5", "h6")]
        assert levels and levels[0] == 1, path
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (path, levels)


def test_no_remote_resources(site: Path) -> None:
    """Scripts, styles, fonts and images all come from the site (links out are fine)."""
    for path in pages(site):
        loaded = html.parse(str(path)).xpath(
            "//script/@src | //link/@href | //img/@src | //iframe/@src | //source/@src "
            "| //*[@style][contains(@style, 'url(')]/@style")
        assert [u for u in loaded if re.match(r"(https?:)?//|.*url\(\s*['\"]?(https?:)?//",
                                              u)] == [], path
    for path in [*site.rglob("*.css"), *site.rglob("*.js")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import|https?://", text), path


def contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_colours_have_sufficient_contrast(site: Path) -> None:
    css = (site / "static" / "edition.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", css))
    for name in ("ink", "muted", "accent", "editorial"):
        for background in ("paper", "highlight"):
            assert contrast(colours[name], colours[background]) >= 4.5, (name, background)


@pytest.mark.corpus
def test_real_pages_have_chrome_and_ordered_headings(real_site: Path) -> None:
    test_every_page_has_what_every_page_needs(real_site)
    test_headings_never_skip_a_level(real_site)
    test_no_remote_resources(real_site)


def test_a_line_break_in_a_heading_is_a_space_in_labels() -> None:
    from lxml import etree

    from transform.edition import TEI_NS
    from transform.tei import reading_text

    head = etree.fromstring(f'<head xmlns="{TEI_NS}">CHAPTER I<lb/>The Causes<note>n</note>'
                            '<choice><sic>x</sic><corr>y</corr></choice></head>')
    assert reading_text(head) == "CHAPTER I The Causesy"
