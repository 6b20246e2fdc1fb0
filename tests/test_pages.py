"""The estimate of unnumbered printed pages (`transform.pages`): a finding aid, measured."""

from __future__ import annotations

import pytest
from lxml import etree

from transform.edition import BOOKS, TEI_DIR
from transform.pages import (
    MEASURED,
    Break,
    Estimator,
    chapter_passages,
    estimate_pages,
    layout,
    measure,
    visible_share,
)

_TEI = "http://www.tei-c.org/ns/1.0"
_X = "aaaaaaaaaa"  # ten characters


def _book(body: str) -> etree._Element:
    return etree.fromstring(
        f'<TEI xmlns="{_TEI}" xmlns:xml="http://www.w3.org/XML/1998/namespace">'
        f"<teiHeader/><text><body>{body}</body></text></TEI>".encode())


def test_layout_counts_printed_characters_only():
    root = _book(f'<pb n="1"/><div type="chapter" xml:id="c1"><p xml:id="p1">{_X} {_X}'
                 f'<note type="editorial">not printed</note>'
                 f'<choice><sic>ab</sic><corr>abc</corr></choice></p>'
                 f'<p xml:id="p2">{_X}<pb/>{_X}</p></div>')
    found = layout(root)
    assert found.starts["p1"] == 0
    assert found.starts["p2"] == 22  # twenty letters and the printed "ab"
    assert [(b.offset, b.n, b.in_block) for b in found.breaks] == [(0, 1, False),
                                                                    (32, None, True)]


def test_plates_are_outside_the_pagination():
    root = _book(f'<pb n="1"/><p xml:id="a">{_X}</p><div type="plates"><p>{_X * 9}</p></div>'
                 f'<p xml:id="b">{_X}</p>')
    assert layout(root).starts["b"] == 10


def test_a_low_certainty_number_is_not_a_known_page():
    root = _book('<pb n="1"/><p>x</p><pb n="67" cert="low"/><p>y</p>')
    assert [b.n for b in layout(root).breaks] == [1, None]


@pytest.mark.parametrize(("offset", "page"), [
    (0, 10), (99, 10), (100, 11), (250, 12), (399, 13), (400, 14), (1000, 20),
])
def test_linear_between_numbered_pages(offset, page):
    # pages 10..13 are 100 characters each; after 14 the book's mean page (100) goes on
    breaks = [Break(0, 10), Break(400, 14)]
    assert Estimator(breaks).page_at(offset) == page


def test_unnumbered_breaks_bound_the_estimate():
    # one break seen early: the place after it is on page 11 at least, whatever the share
    breaks = [Break(0, 10), Break(10, None), Break(1000, 20)]
    assert Estimator(breaks).page_at(20) == 11
    # two breaks still ahead before page 20: the place is on page 17 at most
    breaks = [Break(0, 10), Break(980, None), Break(990, None), Break(1000, 20)]
    assert Estimator(breaks).page_at(975) == 17


def test_nothing_is_estimated_before_the_first_numbered_page():
    assert Estimator([Break(100, 1)]).page_at(50) is None


def test_estimate_pages_gives_passages_and_unnumbered_breaks():
    root = _book(f'<pb n="1"/><p xml:id="a">{_X * 10}<pb/>{_X * 10}</p>'
                 f'<p xml:id="b">{_X * 20}</p><pb n="4"/><p xml:id="c">{_X}</p>')
    passages, breaks = estimate_pages(root)
    assert passages == {"a": 1, "b": 2, "c": 4}  # b begins two thirds into pp. 1–3
    assert list(breaks.values()) == [2]


def test_measure_on_a_fully_paginated_fixture():
    body = "".join(f'<pb n="{n}"/><div type="chapter" xml:id="ch{n}">'
                   f'<p xml:id="ch{n}-p1">{_X * 15}<pb n="{n + 1}"/>{_X * 5}</p>'
                   f'<p xml:id="ch{n}-p2">{_X * 10}</p></div>' for n in (1, 3, 5))
    root = _book(body)
    assert chapter_passages(root) == [f"ch{n}-p{k}" for n in (1, 3, 5) for k in (1, 2)]
    accuracy = measure(root, chapter_passages(root))
    assert (accuracy.passages, accuracy.exact, accuracy.within_one) == (6, 6, 6)


@pytest.mark.corpus
def test_the_stated_accuracy_is_the_measured_one():
    """The figure the site gives beside every estimate is what the benchmark measures."""
    roth = etree.parse(str(TEI_DIR / BOOKS["rothstein"].tei.name)).getroot()
    carr = etree.parse(str(TEI_DIR / BOOKS["carr"].tei.name)).getroot()
    share = visible_share(layout(carr))
    assert 0.6 < share < 0.9
    assert measure(roth, chapter_passages(roth), share) == MEASURED
    assert MEASURED.within_one_share >= 0.95


@pytest.mark.corpus
def test_carr_estimates_stay_between_the_numbered_pages():
    carr = etree.parse(str(TEI_DIR / BOOKS["carr"].tei.name)).getroot()
    passages, breaks = estimate_pages(carr)
    assert passages["carr-ch6-p1"] == 50
    assert all(50 <= passages[p] <= 60 for p in passages if p.startswith("carr-ch6-p"))
    pages = sorted(breaks.values())
    assert pages[0] >= 1 and pages[-1] < 200


@pytest.mark.corpus
def test_carr_is_cited_by_place_and_the_uncertain_page_as_uncertain():
    from transform.cite import page_map

    pages = page_map(etree.parse(str(TEI_DIR / BOOKS["carr"].tei.name)).getroot())
    assert pages["carr-ch6-p12"].locator == "ch. 6, ¶ 12, in pp. 50–60"
    assert "[printed p. 67?, the number is uncertain]" in pages["carr-ch7-p8"].label
    # an estimate is never a citation's page
    assert all("c." not in p.locator for p in pages.values())
