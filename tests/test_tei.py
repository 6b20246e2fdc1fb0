"""transform.tei: the reading text of an element (one table of cases) and the tail-safe
helpers that change mixed content."""

from __future__ import annotations

import pytest
from lxml import etree

from transform.edition import TEI_NS
from transform.tei import (
    Role,
    WrapError,
    read_stream,
    reading_spans,
    reading_text,
    remove_keeping_tail,
    unwrap,
    wrap_own_text,
    wrap_range,
)

T = f"{{{TEI_NS}}}"


def tei(snippet: str) -> etree._Element:
    return etree.fromstring(f'<p xmlns="{TEI_NS}">{snippet}</p>')


READING_CASES = [
    # (content of a TEI paragraph, notes included, expected reading text)
    ("The <choice><sic>Tsaar</sic><corr>Tsar</corr></choice> fell", False, "The Tsar fell"),
    ("in <choice><orig>Petersburgh</orig><reg>Petersburg</reg></choice>", False,
     "in Petersburg"),
    ("the <surplus>the</surplus> Soviet", False, "the Soviet"),
    ("the Sov<supplied>iet</supplied>", False, "the Soviet"),
    ("<fw type='header'>HISTORY</fw>The war", False, "The war"),
    ("CHAPTER I<lb/>The Causes", False, "CHAPTER I The Causes"),
    ("Bol<lb break='no'/>sheviks", False, "Bolsheviks"),
    ("end of page<pb n='5'/>next page", False, "end of page next page"),
    ("Bol-<pb n='5' break='no'/>sheviks", False, "Bol-sheviks"),
    ("revo<pb n='5' break='no'/>lution", False, "revolution"),
    ("two<cb/>columns and one<cb break='no'/>word", False, "two columns and oneword"),
    ("a claim.<note place='foot'>A <hi>source</hi>.</note> Then", False, "a claim. Then"),
    ("a claim.<note place='foot'>A <hi>source</hi>.</note> Then", True,
     "a claim. A source. Then"),
    ("<hi rend='italic'>Pravda <hi rend='bold'>and</hi> Izvestia</hi>", False,
     "Pravda and Izvestia"),
    ("  spread \n over\tlines  ", False, "spread over lines"),
    ("he said<quote><p>All power</p></quote>to the Soviets", False,
     "he said All power to the Soviets"),
    ("<list><item>one</item><item>two</item></list>", False, "one two"),
    ("the <persName>Lenin<note>n</note></persName>", False, "the Lenin"),
]


@pytest.mark.parametrize("snippet, notes, expected", READING_CASES)
def test_reading_text(snippet: str, notes: bool, expected: str) -> None:
    assert reading_text(tei(snippet), notes=notes) == expected


def test_reading_text_leaves_out_what_the_caller_names() -> None:
    paragraph = tei("a <foreign>dacha</foreign> near <hi>Moscow</hi>")
    assert reading_text(paragraph, leave_out={f"{T}foreign"}) == "a near Moscow"


def test_reading_spans_locate_names_in_the_reading_text() -> None:
    paragraph = tei("Then  <persName>\n Lenin <placeName>Mos<lb break='no'/>cow</placeName>"
                    "</persName> said<note>x <persName>N</persName></note> "
                    "<choice><sic>a</sic><corr>b</corr></choice><persName>Z</persName>")
    text, spans = reading_spans(paragraph, {f"{T}persName", f"{T}placeName"})
    assert text == reading_text(paragraph) == "Then Lenin Moscow said bZ"
    assert sorted(text[start:end] for start, end in spans.values()) == [
        "Lenin Moscow", "Moscow", "Z"]  # the name in the note is not in the text


# --- the tail-safe wrap helper, on mixed content ------------------------------------

def _all_roles(element: etree._Element) -> Role:
    name = etree.QName(element).localname
    return {"pb": Role.ZERO_WIDTH, "note": Role.BARRIER, "sic": Role.ZERO_WIDTH}.get(
        name, Role.TRANSPARENT)


WRAP_CASES = [
    # (paragraph, text to wrap, expected paragraph)
    ("<p>a Lenin b</p>", "Lenin", "<p>a <x>Lenin</x> b</p>"),
    ("<p>Lenin</p>", "Lenin", "<p><x>Lenin</x></p>"),
    ("<p>a <hi>b</hi> Lloyd <pb n='5'/>George c</p>", "Lloyd George",
     "<p>a <hi>b</hi> <x>Lloyd <pb n=\"5\"/>George</x> c</p>"),
    ("<p>Lock<pb break='no'/>hart's <hi>x</hi></p>", "Lockhart",
     "<p><x>Lock<pb break=\"no\"/>hart</x>'s <hi>x</hi></p>"),
    ("<p><hi>Moscow</hi> and Kiev</p>", "Moscow", "<p><hi><x>Moscow</x></hi> and Kiev</p>"),
    ("<p>the Constituent <choice><sic>Assemblv</sic><corr>Assembly</corr></choice> met</p>",
     "Constituent Assembly",
     "<p>the <x>Constituent <choice><sic>Assemblv</sic><corr>Assembly</corr></choice></x> met</p>"),
]


@pytest.mark.parametrize("source, target, expected", WRAP_CASES)
def test_wrap_range_keeps_text_and_tails(source: str, target: str, expected: str) -> None:
    paragraph = etree.fromstring(source)
    before = "".join(paragraph.itertext())
    stream = read_stream(paragraph, _all_roles)
    start = stream.text.index(target)
    wrap_range(stream, start, start + len(target), etree.Element("x"),
               lambda e: etree.QName(e).localname in {"pb", "choice", "hi"}, _all_roles)
    assert etree.tostring(paragraph, encoding=str) == expected
    assert "".join(paragraph.itertext()) == before


def test_wrap_range_refuses_to_cross_a_note() -> None:
    paragraph = etree.fromstring("<p>Lloyd<note>n</note> George</p>")
    stream = read_stream(paragraph, _all_roles)
    with pytest.raises(WrapError):
        wrap_range(stream, 0, len(stream.text), etree.Element("x"), lambda e: True)


@pytest.mark.parametrize("source, expected", [
    ("<p>See Le<pb/>nin, <hi>Works</hi>, vol. 1.</p>",
     "<p>See <bibl>Le<pb/>nin, <hi>Works</hi>, vol</bibl>. 1.</p>"),
    ("<p>See <pb/>Lenin, <hi>Works</hi>, vol. 1.</p>",  # a child at the edge stays out
     "<p>See <pb/><bibl>Lenin, <hi>Works</hi>, vol</bibl>. 1.</p>"),
])
def test_wrap_own_text(source: str, expected: str) -> None:
    paragraph = etree.fromstring(source)
    own = "See Lenin, , vol. 1."  # the children's own text does not count
    wrap_own_text(paragraph, own.index("Lenin"), own.index(". 1"), etree.Element("bibl"))
    assert etree.tostring(paragraph, encoding=str) == expected


def test_unwrap_keeps_text_children_and_tail() -> None:
    paragraph = etree.fromstring("<p>a <x>b <pb/>c</x> d</p>")
    unwrap(paragraph.find("x"))
    assert etree.tostring(paragraph, encoding=str) == "<p>a b <pb/>c d</p>"


@pytest.mark.parametrize("source, expected", [
    ("<p>a <x>b</x> c</p>", "<p>a  c</p>"),
    ("<p>a <hi>b</hi><x>c</x> d</p>", "<p>a <hi>b</hi> d</p>"),
])
def test_remove_keeping_tail(source: str, expected: str) -> None:
    paragraph = etree.fromstring(source)
    remove_keeping_tail(paragraph.find("x"))
    assert etree.tostring(paragraph, encoding=str) == expected
