"""The Carr reader on excerpt fixtures and on its steps, one table of cases per step.

The fixture `tests/fixtures/carr/excerpt.ocr.txt` copies the layout of the witness in a
few dozen lines: title page, contents (with `I` for page 1 and a stray prefix), a
foreword with date and signature, a clean list of abbreviations, a half-title, and two
chapters whose paragraphs are cut at page ends (once inside a word), with a leaked page
number, a running head, italics, a cross-reference and a block of plate captions.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from transform.edition import SCHEMA_DIR, TEI_NS, XML_NS
from transform.readers import carr
from transform.readers.common import book_vocabulary, tei

NS = {"t": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"


@pytest.fixture
def excerpt(fixtures: Path) -> Path:
    return fixtures / "carr" / "excerpt.ocr.txt"


@pytest.fixture
def tree(excerpt: Path) -> etree._ElementTree:
    return carr.read(excerpt)


def by_id(tree: etree._ElementTree, xml_id: str) -> etree._Element:
    return next(e for e in tree.getroot().iter() if e.get(XML_ID) == xml_id)


def text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


# ------------------------------------------------------------------ whole reader

def test_excerpt_is_valid_tei(tree) -> None:
    grammar = etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "edition.rng")))
    assert grammar.validate(tree), grammar.error_log


def test_fixture_gets_no_repairs_of_the_real_witness(excerpt: Path) -> None:
    assert carr.repairs_for(excerpt) == carr.Repairs()


def test_chapters_follow_the_contents(tree) -> None:
    chapters = tree.getroot().findall(".//t:body/t:div[@type='chapter']", NS)
    assert [(c.get("n"), c.get(XML_ID)) for c in chapters] == [("1", "carr-ch1"), ("2", "carr-ch2")]
    heads = [text_of(c.find("t:head", NS)) for c in chapters]
    assert heads == ["1 October 1917", "2 The Two Worlds"]
    # the number the OCR lost is supplied by the editor, from the contents' order
    assert chapters[1].find("t:head/t:num/t:supplied", NS).get("resp") == carr.EDITOR
    assert chapters[0].find("t:head/t:num", NS).text == "1"
    assert [c[0].get("n") for c in chapters] == ["1", "9"]


def test_contents_link_to_their_divisions(tree) -> None:
    root = tree.getroot()
    items = root.findall(".//t:div[@type='contents']/t:list/t:item", NS)
    assert [i.find("t:ref", NS).get("target") for i in items] == [
        "#carr-foreword", "#carr-abbreviations", "#carr-ch1", "#carr-ch2"]
    assert items[2].find(".//t:sic", NS).text == "I"
    assert items[2].find(".//t:corr", NS).text == "1"
    assert items[3].find("t:surplus", NS).text == "- / 2"


def test_foreword_dateline_and_signature(tree) -> None:
    foreword = tree.getroot().find(".//t:div[@type='foreword']", NS)
    assert foreword[0].get("n") == "vii"
    assert foreword.find("t:dateline/t:date", NS).get("when") == "1977-11-07"
    assert foreword.find("t:signed", NS).text == "E. H. CARR"
    assert foreword.find(".//t:title", NS).text == "History of Soviet Russia"


def test_abbreviations_are_label_item_pairs(tree) -> None:
    gloss = tree.getroot().find(".//t:div[@type='abbreviations']/t:list[@type='gloss']", NS)
    pairs = list(zip([e.text for e in gloss.findall("t:label", NS)],
                     [e.text for e in gloss.findall("t:item", NS)], strict=True))
    assert pairs == [("Arcos", "All-Russian Cooperative Society"),
                     ("Goelro", "State Commission for the Electrification of Russia")]


def test_page_cuts_become_page_breaks(tree) -> None:
    p = by_id(tree, "carr-ch1-p1")
    breaks = p.findall("t:pb", NS)
    # meas-/ures (inside the word), the leaked page number 5, the running head
    assert [(pb.get("n"), pb.get("break")) for pb in breaks] == [
        (None, "no"), ("5", None), (None, None)]
    text = text_of(p)
    assert "such measures as" in text
    assert "October 1917" not in text  # the running head is gone
    assert "blow at the international" in text
    assert breaks[1].get(XML_ID) == "carr-pb-5"
    assert text.endswith("The peasants seized the land.")


def test_italics_titles_and_references(tree) -> None:
    p = by_id(tree, "carr-ch1-p1")
    assert [t.text for t in p.findall("t:title", NS)] == ["State and Revolution", "Pravda"]
    assert "*" not in text_of(p)
    ref = p.find("t:ref", NS)
    assert (ref.text, ref.get("target"), ref.get("n")) == ("9", "#carr-pb-9", "9")


def test_plates_stand_between_the_chapters(tree) -> None:
    body = tree.getroot().find(".//t:body", NS)
    assert [d.get("type") for d in body] == ["chapter", "plates", "chapter"]
    figures = body[1].findall("t:figure", NS)
    assert len(figures) == 3
    assert figures[2].find("t:head", NS).text.startswith("(Bottom) Leon Trotsky")
    assert body[1].find("t:note[@type='editorial']", NS) is not None


def test_header_records_the_removed_lines(tree) -> None:
    declared = " ".join(tree.getroot().find(".//t:editorialDecl", NS).itertext())
    assert "line 53 \u201c5\u201d (page number)" in declared
    assert "line 57 \u201cOctober 1917\u201d (running head)" in declared


def test_repairs_for_a_fixture(excerpt: Path, tmp_path: Path) -> None:
    """Garbled lines become surplus, losses gaps with a note, lost full stops supplied."""
    repairs = carr.Repairs(garbled={61: "a test repetition"}, losses={71: "Text lost."},
                           unpunctuated_ends=frozenset({59}))
    source = tmp_path / "witness.txt"
    source.write_text(excerpt.read_text(encoding="utf-8").replace(
        "peasants seized the land.", "peasants seized the land"), encoding="utf-8")
    root = carr.read(source, repairs).getroot()
    p1 = by_id(root.getroottree(), "carr-ch1-p1")
    assert p1.find("t:supplied", NS).text == "."
    # the garbled line is no passage: it ends the paragraph before it, as surplus
    assert p1.find("t:surplus", NS).get("reason") == "repeated"
    assert p1.find("t:note[@type='editorial']", NS) is not None
    assert all("".join(p.itertext()).strip() and p.find("t:surplus", NS) is None
               or p is p1 for p in root.iterfind(".//t:body//t:p", NS))
    last = by_id(root.getroottree(), "carr-ch2-p1")
    assert last.find("t:gap", NS).get("reason") == "lost"
    assert last.find("t:note", NS).text == "Text lost."


def test_scrambled_abbreviations_are_refused_without_repairs(excerpt: Path,
                                                               tmp_path: Path) -> None:
    source = tmp_path / "witness.txt"
    source.write_text(excerpt.read_text(encoding="utf-8").replace(
        "\tof Russia\n", "\tof Russia\nNMM NUWM\tNational Minority Movement\n"
        "Sovnarkom SPD Council of People's Commissars\n"), encoding="utf-8")
    with pytest.raises(ValueError, match="not label/expansion pairs"):
        carr.read(source)


# ------------------------------------------------------------------ steps

@pytest.mark.parametrize(("line", "title", "expected"), [
    ("1 October 1917", "October 1917", True),
    ("The Breathing-Space of NEP", "The Breathing-Space of NEP", True),
    ("The Revolution in IQPerspective", "The Revolution in Perspective", True),
    ("The USSR and the 18 World (1927-1929)", "The USSR and the World (1927\u20131929)", True),
    ("The USSR and the East (1923\u20131927)", "The USSR and the West (1923-1927)", False),
    ("These events were the background of Stalin's ascent to", "The Rise of Stalin", False),
    ("67", "Lenin's Last Days", False),
])
def test_heading_match(line: str, title: str, expected: bool) -> None:
    assert carr.heading_match(line, title) is expected


@pytest.mark.parametrize(("previous", "following", "expected"), [
    ("the Soviet Govern-", "ment set out", True),
    ("in the columns of *Pravda* provoked no intervention either by", "Trotsky or by", True),
    ("Lenin spoke of the \"fever\"", "which had shaken the party", True),
    ("the peasant.", "The next paragraph", False),
    ("came to light.", "THE conception", False),
    ("as follows:", "We are going full steam", False),
])
def test_continues(previous: str, following: str, expected: bool) -> None:
    result = carr.continues(carr.SourceLine(1, previous), carr.SourceLine(3, following),
                            carr.Repairs())
    assert result is expected


def test_declared_paragraph_ends_do_not_continue() -> None:
    repairs = carr.Repairs(unpunctuated_ends=frozenset({1}))
    assert not carr.continues(carr.SourceLine(1, "trade union nominees"),
                              carr.SourceLine(3, "The emergency"), repairs)


def test_transposed_moves_a_line_after_another() -> None:
    lines = [carr.SourceLine(n, str(n)) for n in (1, 3, 5, 7, 9)]
    assert [x.number for x in carr.transposed(lines, ((3, 7),))] == [1, 5, 7, 3, 9]


def _context(repairs: carr.Repairs | None = None, corrections=None) -> carr.Context:
    return carr.Context(corrections or {}, book_vocabulary(["pre-eminence", "measures"]),
                        [(1, 1), (2, 9)], {"1", "9"}, repairs or carr.Repairs())


@pytest.mark.parametrize(("first", "second", "expected_text", "breaks"), [
    ("followed by such meas-", "ures as the", "followed by such measures as the", ["no"]),
    ("Trotsky's pre-", "eminence in the party", "Trotsky's pre-eminence in the party", ["no"]),
    ("the Soviet Govern-", "ment set out", "the Soviet Government set out", ["no"]),
    ("(Constitutional-De-", "mocratic) Party.", "(Constitutional-Democratic) Party.", ["no"]),
    ("either by", "Trotsky or", "either by Trotsky or", [None]),
])
def test_cut_paragraphs_are_rejoined(first: str, second: str, expected_text: str,
                                     breaks: list[str | None]) -> None:
    block = carr.Block([carr.Segment(carr.SourceLine(1, first), first),
                        carr.Segment(carr.SourceLine(3, second), second, "page")])
    p = carr.build_paragraph(tei("div"), "x-p1", block, _context())
    assert text_of(p) == expected_text
    assert [pb.get("break") for pb in p.findall("t:pb", NS)] == breaks


def test_within_page_split_is_rejoined_without_page_break() -> None:
    block = carr.Block([carr.Segment(carr.SourceLine(1, "the unrestrained enthusiasm of the"),
                                     "the unrestrained enthusiasm of the"),
                        carr.Segment(carr.SourceLine(3, "previous congress."),
                                     "previous congress.", "line")])
    p = carr.build_paragraph(tei("div"), "x-p1", block, _context())
    assert text_of(p) == "the unrestrained enthusiasm of the previous congress."
    assert p.find("t:pb", NS) is None


def test_corrections_become_choice_and_surplus() -> None:
    corrections = {
        1: [carr.Correction(1, "delegatesand", "delegatesand", "delegates\u2014and", "dash", "")],
        3: [carr.Correction(3, "\u27e6e\u27e7cent.", "e", "", "surplus", "")],
    }
    block = carr.Block([
        carr.Segment(carr.SourceLine(1, "649 delegatesand took 40 per"), "649 delegatesand took 40 per"),
        carr.Segment(carr.SourceLine(3, "ecent. This"), "ecent. This", "page")])
    p = carr.build_paragraph(tei("div"), "x-p1", block, _context(corrections=corrections))
    choice = p.find("t:choice", NS)
    assert (choice.find("t:sic", NS).text, choice.find("t:corr", NS).text) == (
        "delegatesand", "delegates\u2014and")
    assert choice.find("t:corr", NS).get("resp") == carr.EDITOR
    # the page break stands before the stray letter, outside the surplus
    surplus = p.find("t:surplus", NS)
    assert surplus.text == "e" and etree.QName(surplus.getprevious()).localname == "pb"


def test_a_correction_context_must_be_unique() -> None:
    corrections = {1: [carr.Correction(1, "stage.", "stage.", "stage,", "punctuation", "")]}
    block = carr.Block([carr.Segment(carr.SourceLine(1, "a stage. which a stage. which"),
                                     "a stage. which a stage. which")])
    with pytest.raises(ValueError, match="not unique"):
        carr.build_paragraph(tei("div"), "x-p1", block, _context(corrections=corrections))


@pytest.mark.parametrize(("context", "message"), [
    ("when he congress", "occurs 2 times in the context"),
    ("\u27e6he\u27e7 \u27e6he\u27e7", "exactly one reading"),
    ("when \u27e6he\u27e7 congress", None)])
def test_a_correction_must_not_be_ambiguous_within_its_context(context: str,
                                                              message: str | None) -> None:
    """The row "when he congress" once corrected the "he" inside "when" ("wthen he")."""
    corrections = {1: [carr.Correction(1, context, "he", "the", "spelling", "")]}
    block = carr.Block([carr.Segment(carr.SourceLine(1, "misleading when he congress was"),
                                     "misleading when he congress was")])
    if message is None:
        carr.build_paragraph(tei("div"), "x-p1", block, _context(corrections=corrections))
        return
    with pytest.raises(ValueError, match=message):
        carr.build_paragraph(tei("div"), "x-p1", block, _context(corrections=corrections))


def test_a_marked_target_is_corrected_where_marked() -> None:
    corrections = {1: [carr.Correction(1, "when \u27e6he\u27e7 congress", "he", "the",
                                       "spelling", "")]}
    block = carr.Block([carr.Segment(carr.SourceLine(1, "misleading when he congress was"),
                                     "misleading when he congress was")])
    p = carr.build_paragraph(tei("div"), "x-p1", block, _context(corrections=corrections))
    assert p.text == "misleading when "
    assert p.find("t:choice/t:corr", NS).text == "the"
    assert p.find("t:choice", NS).tail == " congress was"


def _text_with_breaks(numbers: list[str | None]) -> etree._Element:
    text = tei("text")
    for n in numbers:
        text.append(carr.page_break(n))
    return text


@pytest.mark.parametrize(("numbers", "expected"), [
    (["1", None, None, "4"], ["1", "2", "3", "4"]),          # exactly the missing count
    (["1", None, "4"], ["1", None, "4"]),                    # a break hidden: no numbers
    (["vii", "1", None, "3"], ["vii", "1", "2", "3"]),       # roman pages are left aside
    (["67", None, "68"], ["67", None, "68"]),                # a contradiction: noted
])
def test_number_page_breaks(numbers: list[str | None], expected: list[str | None]) -> None:
    text = _text_with_breaks(numbers)
    carr.number_page_breaks(text)
    assert [pb.get("n") for pb in text.findall("t:pb", NS)] == expected


def test_no_numbers_are_derived_across_lost_text() -> None:
    text = _text_with_breaks(["1", None, None, "4"])
    text.insert(2, tei("gap", {"reason": "lost"}))
    carr.number_page_breaks(text)
    assert [pb.get("n") for pb in text.findall("t:pb", NS)] == ["1", None, None, "4"]


def test_contradictory_page_numbers_get_a_note_and_low_certainty() -> None:
    text = _text_with_breaks(["67", None, "68"])
    p = etree.SubElement(text, f"{{{TEI_NS}}}p")
    p.append(text[0])  # the witnessed number stands inside a paragraph
    text.insert(0, p)
    carr.number_page_breaks(text)
    assert text.find(".//t:note[@type='editorial']", NS) is not None
    assert text.find(".//t:pb[@n='67']", NS).get("cert") == "low"


def test_a_page_number_between_paragraphs_opens_the_next(excerpt: Path, tmp_path: Path) -> None:
    source = tmp_path / "witness.txt"
    source.write_text(excerpt.read_text(encoding="utf-8").replace(
        "The second paragraph ends here.", "7\n\nThe second paragraph ends here."),
        encoding="utf-8")
    p2 = by_id(carr.read(source), "carr-ch1-p2")
    assert p2[0].get("n") == "7" and p2.text is None
