"""The rendering table: complete for the schema, and each behaviour on small TEI cases."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from transform.edition import SCHEMA_DIR, TEI_NS
from transform.writers.context import RenderContext
from transform.writers.engine import Renderer
from transform.writers.rules import RULES


def schema_elements() -> set[str]:
    grammar = (SCHEMA_DIR / "edition.rng").read_text(encoding="utf-8")
    return set(re.findall(r'<element name="([^"]+)"', grammar))


def test_every_element_of_the_schema_has_a_rule() -> None:
    assert sorted(schema_elements() - RULES.keys()) == []


def test_every_rule_ends_with_an_unconditional_default() -> None:
    assert [name for name, rules in RULES.items() if rules[-1].condition is not None] == []


def render(snippet: str, page: str = "rothstein/ch01.html",
           targets: dict[str, str] | None = None) -> tuple[etree._Element, RenderContext]:
    element = etree.fromstring(f'<div xmlns="{TEI_NS}" xmlns:xml="http://www.w3.org/XML/1998/'
                               f'namespace" type="chapter" xml:id="t-ch1">{snippet}</div>')
    ctx = RenderContext(page, "test.xml", targets or {"t-ch1": "rothstein/ch01.html",
                                                 "t-ch2": "rothstein/ch02.html"})
    return Renderer().render_page([element], ctx), ctx


CASES = [
    # (TEI inside a chapter div, XPath on the HTML, expected string value)
    ("<head>Bread</head>", "string(//h1)", "Bread"),
    ("<div type='section'><head>S</head></div>", "string(/div/div/section/h2)", "S"),
    ("<p xml:id='t-p1' xml:lang='ru'>x</p>", "string(//p[@id='t-p1']/@lang)", "ru"),
    ("<p>a <hi rend='italic'>b</hi></p>", "string(//p/i)", "b"),
    ("<p><title>Pravda</title></p>", "string(//p/cite)", "Pravda"),
    ("<p><foreign xml:lang='de'>Reich</foreign></p>", "string(//i[@lang='de'])", "Reich"),
    ("<p>land<pb n='5' break='no' xml:id='t-pb-5'/>owners</p>", "string(//p)", "landowners"),
    ("<p>a<pb n='5' xml:id='t-pb-5'/>b</p>", "string(//span[@id='t-pb-5']/@data-page)", "5"),
    ("<p>a<pb n='5'/>b</p>", "count(//span[@id='p5'])", 1.0),
    ("<p>a<pb/>b</p>", "count(//span[contains(@class,'pb-unnumbered')])", 1.0),
    ("<p>x<note place='foot' n='*' xml:id='t-fn-1'>Note.</note></p>",
     "string(//sup/a[@href='#t-fn-1']/@id)", "t-fn-1-call"),
    ("<p>x<note place='foot' n='*' xml:id='t-fn-1'>Note.</note></p>",
     "string(//ol[@class='notes']/li[@id='t-fn-1']/a[@href='#t-fn-1-call'])", "1*"),
    ("<p>x<note type='editorial'>Ed.</note></p>",
     "count(//li[contains(@class,'note-editorial')])", 1.0),
    ("<p><persName ref='persons.xml#lenin'>Lenin</persName></p>",
     "string(//a[@data-name='persons/lenin']/@href)", "../index/persons/lenin.html"),
    ("<p><placeName ref='places.xml#petrograd'>P</placeName></p>",
     "string(//a/@href)", "../index/places/petrograd.html"),
    ("<p><orgName ref='orgs.xml#cheka'>Cheka</orgName></p>",
     "string(//a/@href)", "../index/orgs/cheka.html"),
    ("<p><persName>Nobody</persName></p>", "count(//a)", 0.0),
    ("<p><ref target='#t-ch2'>on</ref></p>", "string(//a/@href)", "ch02.html#t-ch2"),
    ("<p><ref target='#t-ch1'>here</ref></p>", "string(//a/@href)", "#t-ch1"),
    ("<p><ref target='#nowhere'>x</ref></p>", "count(//a)", 0.0),
    ("<p><ref target='https://example.org/'>x</ref></p>", "string(//a/@href)",
     "https://example.org/"),
    ("<p><choice><sic>poar</sic><corr>poor</corr></choice></p>",
     "string(//span[contains(@class,'tei-choice')]/@title)", "Printed: poar"),
    ("<p><choice><sic>poar</sic><corr>poor</corr></choice></p>",
     "string(//span[contains(@class,'corrected')])", "poor"),
    ("<p>a<surplus reason='stray'>|</surplus></p>",
     "string(//span[contains(@class,'tei-surplus')]/@title)",
     "Stray text in the source, not part of the reading (stray)"),
    ("<p><gap reason='illegible'/></p>", "string(//span[contains(@class,'tei-gap')])", "[…]"),
    ("<head><supplied reason='lost'>2. X</supplied></head>",
     "string(//h1/span[contains(@class,'tei-supplied')])", "2. X"),
    ("<quote><p>All power</p></quote>", "string(//blockquote/p)", "All power"),
    ("<p>He said <quote>no</quote>.</p>", "string(//p/span[@class='tei-quote'])", "no"),
    ("<p>Verse: <lg><l>one</l><l>two</l></lg></p>", "count(//div[@class='tei-p p']/div/div)",
     2.0),
    ("<lg><l>one</l><l>two</l></lg>", "count(//div[@class='tei-lg']/div[@class='tei-l'])", 2.0),
    ("<list type='gloss'><label>NEP</label><item>New Economic Policy</item></list>",
     "string(//dl/dt)", "NEP"),
    ("<list><item>a</item><pb n='9'/><item>b</item></list>",
     "count(//ul/li[2]/span[@data-page='9'])", 1.0),
    ("<list><item>a</item><note type='editorial'>E</note><item>b</item></list>",
     "count(//ul/li[1]/sup)", 1.0),
    ("<figure><head>Lenin, 1920</head></figure>", "string(//figure/figcaption)", "Lenin, 1920"),
    ("<figure><graphic url='x.png'/><head>C</head></figure>", "count(//img)", 0.0),
    ("<listBibl><bibl>A book</bibl></listBibl>", "string(//ul/li)", "A book"),
    ("<table><row role='label'><cell>h</cell></row><row><cell>1</cell></row></table>",
     "count(//table/tr/th) + count(//table/tr/td)", 2.0),
    ("<p>a<lb/>b</p>", "count(//p/br)", 1.0),
    ("<p><persName ref='persons.xml#x'>a<note place='foot' n='*'>n</note></persName></p>",
     "count(//a//a)", 0.0),
    ("<closer><dateline>Cambridge</dateline><signed>E. H. C.</signed></closer>",
     "count(//div[@class='tei-closer']/p)", 2.0),
]


@pytest.mark.parametrize(("snippet", "xpath", "expected"), CASES)
def test_rendering(snippet: str, xpath: str, expected: object) -> None:
    html, _ = render(snippet)
    assert html.xpath(xpath) == expected, etree.tostring(html, encoding="unicode")


def test_unknown_element_is_kept_and_reported() -> None:
    html, ctx = render(f"<p>a <frob xmlns='{TEI_NS}'>b</frob></p>")
    assert html.xpath("string(//p)") == "a b"
    assert [d.code for d in ctx.diagnostics] == ["render-unknown-element"]


def test_duplicate_page_anchor_is_reported() -> None:
    html, ctx = render("<p>a<pb n='3'/>b<pb n='3'/>c</p>")
    assert html.xpath("count(//*[@id='p3'])") == 1.0
    assert [d.code for d in ctx.diagnostics] == ["render-duplicate-page"]


@pytest.mark.parametrize(("text", "links"), [
    ("Bessarabia, 58, 78", [("58", "#p58"), ("78", "ch02.html#p78")]),
    ("Agriculture, 131-3 ; 2nd World War", [("131", "#p131"), ("3", "#p133")]),
    ("Chicherin, 124--125", [("124", "#p124"), ("125", "#p125")]),
    ("in 1917, 999", []),  # a year is no page; a page the book lacks stays text
])
def test_printed_index_page_numbers_link_to_pages(text: str, links: list[tuple[str, str]]
                                                  ) -> None:
    element = etree.fromstring(f'<div xmlns="{TEI_NS}" type="index"><list type="index">'
                               f'<item>{text}</item></list></div>')
    pages = {n: ("rothstein/ch02.html" if n == "78" else "rothstein/ch01.html") + f"#p{n}"
             for n in ("58", "78", "131", "133", "124", "125")}
    ctx = RenderContext("rothstein/ch01.html", "t.xml", printed_pages=pages)
    html = Renderer().render_page([element], ctx)
    assert [(a.text, a.get("href")) for a in html.iter("a")] == links
    assert html.xpath("string(//li)") == text


def test_notes_are_listed_before_the_next_section() -> None:
    html, _ = render("<p>x<note place='foot' n='*'>first</note></p>"
                     "<div type='section'><p>y<note place='foot' n='†'>second</note></p></div>")
    chapter = html[0]
    assert [c.tag for c in chapter] == ["p", "ol", "section"]
    assert chapter.xpath("string(section/ol/li/a)") == "2†"


@pytest.mark.parametrize("target", [
    "javascript://%0Aalert(1)",
    "JaVaScRiPt:alert(1)",
    "&#9;javascript:alert(1)",
    "&#x20;&#x0D;javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//elsewhere.example/page",
])
def test_link_with_a_scheme_outside_the_allow_list_is_text_and_reported(target: str) -> None:
    # rendering must refuse these even when validation was skipped
    html, ctx = render(f"<p>See <ref target='{target}'>this</ref>; <ptr target='{target}'/></p>")
    assert html.xpath("count(//a)") == 0.0, etree.tostring(html, encoding="unicode")
    assert html.xpath("string(//p)").startswith("See this; ")
    assert [d.code for d in ctx.diagnostics].count("render-unsafe-link") == 2


@pytest.mark.parametrize(("target", "href"), [
    ("https://example.org/a?b=c", "https://example.org/a?b=c"),
    ("mailto:editors@example.org", "mailto:editors@example.org"),
    ("#t-ch2", "ch02.html#t-ch2"),
])
def test_link_with_an_allowed_target_is_rendered(target: str, href: str) -> None:
    html, ctx = render(f"<p><ref target='{target}'>this</ref></p>")
    assert html.xpath("string(//a/@href)") == href
    assert ctx.diagnostics == []
