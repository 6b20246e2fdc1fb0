"""Tests over the real book: the committed TEI of Rothstein against its OCR witness.

The witness side is read here independently of the reader (running heads, page numbers
and footnote bodies are recognised by their own simple rules), so that a fault of the
reader cannot hide itself. Words are compared as printed, except that hyphens are left
out of the comparison (an end-of-line hyphen is dropped or kept by an editorial decision
that `test_reader_rothstein.py` checks) and footnote markers are compared as positions.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from transform.edition import BOOKS, SCHEMA_DIR, TEI_NS
from transform.xmlsafe import parse_tei

pytestmark = pytest.mark.corpus

BOOK = BOOKS["rothstein"]
NS = {"tei": TEI_NS}
MARKERS = "*†‡"
FIXED_HEADS = {"A History of the U.S.S.R.", "Preface", "Index"}
#: Elements whose text is a word boundary of its own (block-level in this encoding).
BLOCKS = {"p", "head", "item", "list", "l", "lg", "cell", "row", "table", "quote", "div",
          "note", "label", "front", "body", "back", "lb", "milestone"}
#: Elements whose content is not in the witness (the editor's words).
EDITORIAL = {"corr", "supplied", "expan", "reg"}


@dataclass
class WordStream:
    """Comparison keys of words in order, with the positions of markers and page starts."""

    words: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    markers: list[tuple[int, str]] = field(default_factory=list)
    pages: list[tuple[int, str]] = field(default_factory=list)

    def add(self, token: str) -> None:
        key = comparison_key(token)
        if not key:
            return
        if re.fullmatch(r"[^\w]+", key) and self.words:
            # A punctuation mark standing alone is part of the word before it.
            self.words[-1] += key
            self.shown[-1] += token
            return
        self.words.append(key)
        self.shown.append(token)


def comparison_key(token: str) -> str:
    """A word as compared: without footnote markers and hyphens."""
    return re.sub(f"[{MARKERS}\\-]", "", token)


@dataclass
class Witness:
    """The witness read independently: text words, footnote words, heads and numbers."""

    text: WordStream
    footnotes: WordStream
    page_starts: int
    chapters: list[tuple[str, str]]
    sections: list[str]


def read_witness(path: Path) -> Witness:
    """Words of the witness without running heads and page-number lines."""
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line != ""]
    heads = set(FIXED_HEADS)
    chapters: list[tuple[str, str]] = []
    for line, following in itertools.pairwise(lines):
        if re.fullmatch(r"CHAPTER [IVXL]+", line.strip()):
            heads.add(following.strip())
            chapters.append((line.strip(), following.strip()))
    text, notes = WordStream(), WordStream()
    page_starts = 0
    sections: list[str] = []
    in_notes = False
    carry = {"text": "", "notes": ""}
    k = 0
    while k < len(lines):
        line = lines[k]
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        number_next = re.fullmatch(r"\s*\d{1,3}\s*", nxt) is not None
        if (line.strip() in heads and not line.startswith(" ") and number_next) or (
                line == " " and number_next):
            page_starts += 1
            in_notes = False
            text.pages.append((len(text.words), nxt.strip()))
            k += 2
            continue
        if line.startswith(" ") and line.strip() and not line.startswith("  "):
            page_starts += 1
            in_notes = False
            text.pages.append((len(text.words), ""))
        if not line.strip():
            in_notes = in_notes or len(line) > 5
            k += 1
            continue
        if re.fullmatch(r"\d{1,2}\.\s+[A-Z‘][^a-z]*", line.strip()):
            sections.append(" ".join(line.split()))
        stream = notes if in_notes else text
        tokens = line.split()
        if in_notes and tokens and tokens[0] in MARKERS:
            tokens = tokens[1:]
        which = "notes" if in_notes else "text"
        if carry[which] and tokens:
            tokens[0] = carry[which] + tokens[0]
            carry[which] = ""
        if tokens and tokens[-1].endswith("-") and not tokens[-1].endswith("--"):
            carry[which] = tokens.pop()
        for token in tokens:
            stream.add(token)
            if not in_notes and line.strip() != "*":
                for marker in re.findall(f"[{MARKERS}]", token):
                    stream.markers.append((len(stream.words), marker))
        k += 1
    return Witness(text, notes, page_starts, chapters, sections)


def read_tei(tree: etree._ElementTree) -> tuple[WordStream, WordStream]:
    """Words of the TEI text (footnotes apart) and of its footnotes, in document order."""
    text_el = tree.find(f"{{{TEI_NS}}}text")
    text, notes = WordStream(), WordStream()
    buffers = {"text": [""], "notes": [""]}

    def flush(which: str) -> None:
        stream = text if which == "text" else notes
        for token in buffers[which][0].split():
            stream.add(token)
        buffers[which][0] = ""

    def walk(element: etree._Element, which: str) -> None:
        name = etree.QName(element).localname
        if name == "note" and element.get("type") == "editorial":
            return
        if name in EDITORIAL:
            return
        if name == "note" and element.get("place") == "foot":
            flush(which)
            # The marker's position: the number of words before it.
            text.markers.append((len(text.words), element.get("n")))
            buffers["notes"][0] += " " + (element.text or "")
            for child in element:
                walk(child, "notes")
                buffers["notes"][0] += child.tail or ""
            buffers["notes"][0] += " "
            flush("notes")
            return
        if name == "pb":
            partial = ""
            if element.get("break") == "no":
                # The page begins inside a word: the words before it are complete.
                head, _, partial = buffers[which][0].rpartition(" ")
                buffers[which][0] = head
            flush(which)
            buffers[which][0] = partial
            text.pages.append((len(text.words), element.get("n") or ""))
            return
        if name in BLOCKS:
            buffers[which][0] += " "
        buffers[which][0] += element.text or ""
        for child in element:
            walk(child, which)
            buffers[which][0] += child.tail or ""
        if name in BLOCKS:
            buffers[which][0] += " "

    walk(text_el, "text")
    flush("text")
    return text, notes


def first_difference(expected: list[str], shown_expected: list[str],
                     actual: list[str], shown_actual: list[str]) -> str | None:
    """A readable account of the first place where two word lists differ."""
    for index, (a, b) in enumerate(zip(expected, actual)):
        if a != b:
            return (f"word {index}: witness {' '.join(shown_expected[max(0, index - 6):index + 6])!r}"
                    f"\n            TEI     {' '.join(shown_actual[max(0, index - 6):index + 6])!r}")
    if len(expected) != len(actual):
        return f"lengths differ: witness {len(expected)} words, TEI {len(actual)}"
    return None


@pytest.fixture(scope="module")
def witness() -> Witness:
    return read_witness(BOOK.source)


@pytest.fixture(scope="module")
def tree() -> etree._ElementTree:
    return parse_tei(BOOK.tei)


@pytest.fixture(scope="module")
def tei_streams(tree: etree._ElementTree) -> tuple[WordStream, WordStream]:
    return read_tei(tree)


def test_text_words_equal_the_witness(witness: Witness, tei_streams) -> None:
    text, _ = tei_streams
    difference = first_difference(witness.text.words, witness.text.shown, text.words, text.shown)
    assert difference is None, difference


def test_footnote_words_equal_the_witness(witness: Witness, tei_streams) -> None:
    _, notes = tei_streams
    difference = first_difference(witness.footnotes.words, witness.footnotes.shown,
                                  notes.words, notes.shown)
    assert difference is None, difference


def test_every_printed_page_has_its_page_break(witness: Witness, tree) -> None:
    page_breaks = tree.findall(f".//{{{TEI_NS}}}text//{{{TEI_NS}}}pb")
    assert len(page_breaks) == witness.page_starts == 400


def test_running_head_numbers_agree_with_page_breaks(witness: Witness, tei_streams) -> None:
    text, _ = tei_streams
    assert len(text.pages) == len(witness.text.pages)
    printed = [(position, number) for position, number in witness.text.pages if number]
    assert len(printed) == 25  # 24 running heads with numbers, and p. 395 (number only)
    tei_pages = dict(text.pages)
    for position, number in printed:
        assert tei_pages.get(position) == number, (
            f"running head {number} stands before word {position} "
            f"({' '.join(witness.text.shown[position:position + 5])!r}); "
            f"the TEI has pb n={tei_pages.get(position)!r} there")
    # And every page break's position is the witness's page start.
    assert [p for p, _ in text.pages] == [p for p, _ in witness.text.pages]


def test_page_numbers_are_consecutive(tree) -> None:
    numbers = [pb.get("n") for pb in tree.iter(f"{{{TEI_NS}}}pb")]
    assert numbers[0] is None  # About this book: no number can be established
    assert [int(n) for n in numbers[1:]] == list(range(1, 400))


def test_footnotes_sit_at_their_markers(witness: Witness, tei_streams) -> None:
    text, _ = tei_streams
    assert len(witness.text.markers) == 49
    assert text.markers == witness.text.markers


def test_footnotes_are_numbered_and_marked(tree) -> None:
    notes = tree.findall(f".//{{{TEI_NS}}}note[@place='foot']")
    assert [note.get("{http://www.w3.org/XML/1998/namespace}id") for note in notes] == [
        f"roth-fn-{k}" for k in range(1, len(notes) + 1)]
    assert all(note.get("n") in MARKERS for note in notes)
    assert all(etree.QName(note.getparent()).localname in {"p", "item", "l", "head"}
               for note in notes)


def test_chapters_present_in_order(witness: Witness, tree) -> None:
    chapters = tree.findall(f".//{{{TEI_NS}}}div[@type='chapter']")
    assert len(chapters) == 8
    for (label, title), chapter in zip(witness.chapters, chapters):
        head = chapter.find(f"{{{TEI_NS}}}head")
        assert " ".join("".join(head.itertext()).split()) == f"{label}{title}" or \
            head[0].tail.strip() == title
        assert head.text.strip() == label
        assert chapter.get("n") == label.split()[1]


def test_sections_present_in_order(witness: Witness, tree) -> None:
    heads = [" ".join("".join(div.find(f"{{{TEI_NS}}}head").itertext()).split())
             for div in tree.iterfind(f".//{{{TEI_NS}}}div[@type='section']")]
    assert heads == witness.sections
    assert len(heads) == 60
    for chapter in tree.iterfind(f".//{{{TEI_NS}}}div[@type='chapter']"):
        numbers = [int(div.get("n")) for div in chapter.iterfind(f"{{{TEI_NS}}}div[@type='section']")]
        assert numbers == list(range(1, len(numbers) + 1))
        assert chapter.find(f"{{{TEI_NS}}}div[@type='bibliography']") is not None


def test_file_is_valid_against_the_edition_grammar(tree) -> None:
    grammar = etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "edition.rng")))
    assert grammar.validate(tree), grammar.error_log.filter_from_errors()[:5]


def test_edition_validate_reports_no_errors() -> None:
    from transform.validate import validate_paths

    report = validate_paths([BOOK.tei], tei_all=False)
    assert not report.errors, [d.format() for d in report.diagnostics][:5]


def test_xml_ids_follow_the_conventions(tree) -> None:
    xml_id = "{http://www.w3.org/XML/1998/namespace}id"
    for name in ("div", "p", "note", "pb", "lg", "quote", "item"):
        for element in tree.iterfind(f".//{{{TEI_NS}}}text//{{{TEI_NS}}}{name}"):
            if name == "note" and element.get("type") == "editorial":
                continue
            assert (element.get(xml_id) or "").startswith("roth-"), etree.tostring(element)[:80]


def test_further_reading_cites_works_with_titles(tree) -> None:
    divisions = tree.findall(f".//{{{TEI_NS}}}div[@type='bibliography']")
    assert [d.get("{http://www.w3.org/XML/1998/namespace}id") for d in divisions] == [
        f"roth-ch{n}-bibl" for n in range(1, 9)]
    for division in divisions:
        bibls = division.findall(f".//{{{TEI_NS}}}bibl")
        assert bibls, division.get("{http://www.w3.org/XML/1998/namespace}id")
        assert division.findall(f".//{{{TEI_NS}}}bibl/{{{TEI_NS}}}title")
    titles = ["".join(t.itertext()) for t in tree.iterfind(f".//{{{TEI_NS}}}bibl/{{{TEI_NS}}}title")]
    assert "The Fall of the Russian Monarchy" in titles and "The Year of Stalingrad" in titles


def test_block_quotations_and_verse(tree) -> None:
    quotes = tree.findall(f".//{{{TEI_NS}}}text//{{{TEI_NS}}}quote")
    assert len(quotes) >= 35
    starts = [" ".join("".join(q.itertext()).split())[:40] for q in quotes]
    assert any(s.startswith("The Army is extremely exhausted") for s in starts)
    assert any(s.startswith("The policy of revolutionary phrases") for s in starts)
    verse = tree.findall(f".//{{{TEI_NS}}}lg")
    assert len(verse) == 1 and len(verse[0].findall(f"{{{TEI_NS}}}l")) == 6


def test_corrections_carry_resp(tree) -> None:
    choices = tree.findall(f".//{{{TEI_NS}}}choice")
    assert len(choices) >= 12
    for choice in choices:
        corr = choice.find(f"{{{TEI_NS}}}corr")
        assert corr.get("resp") == "#roth-ed"
        assert choice.find(f"{{{TEI_NS}}}sic").text != corr.text


def test_lost_text_is_a_gap_with_an_editorial_note(tree) -> None:
    gaps = tree.findall(f".//{{{TEI_NS}}}text//{{{TEI_NS}}}gap")
    assert len(gaps) == 2
    for gap in gaps:
        note = gap.getnext()
        assert note.tag == f"{{{TEI_NS}}}note" and note.get("type") == "editorial"
        assert note.get("resp") == "#roth-ed"


#: End-of-line hyphens kept as part of the word, reviewed one by one (line of the
#: second half, word as printed in the edition).
KEPT_HYPHENS = {
    (1629, "counter-measures"), (6779, "counter-revolutionary"),
    (18915, "counter-revolutionary"), (25616, "coal-and"), (28665, "bridge-heads"),
}
#: Words joined although neither the word list nor the rest of the book knows them:
#: names and rare words, reviewed one by one.
JOINED_UNKNOWN = {
    "Brussilov,", "Semyonov", "Byelorussians", "Perekop,", "Bolshevists", "meagreness",
    "adjuring", "Gamarnik,", "Opolcheniye,", "Stakhanovites.", "Chernigov,", "‘starvelings’,",
}


def test_end_of_line_hyphens_are_the_reviewed_ones() -> None:
    from transform.readers.rothstein import iter_hyphen_decisions

    decisions = list(iter_hyphen_decisions(BOOK.source))
    assert len(decisions) == 1977
    assert {(line, word) for line, word, kept, _ in decisions if kept} == KEPT_HYPHENS
    assert {word for _, word, kept, reason in decisions
            if not kept and reason == "default"} == JOINED_UNKNOWN


def test_printed_index_entries(tree) -> None:
    index = tree.find(f".//{{{TEI_NS}}}back/{{{TEI_NS}}}div[@type='index']")
    entries = index.findall(f"{{{TEI_NS}}}list/{{{TEI_NS}}}item")
    subentries = index.findall(f"{{{TEI_NS}}}list/{{{TEI_NS}}}item/{{{TEI_NS}}}list/{{{TEI_NS}}}item")
    assert (len(entries), len(subentries)) == (98, 11)
    first = " ".join("".join(entries[0].itertext()).split())
    last = " ".join("".join(entries[-1].itertext()).split())
    assert first.startswith("Agriculture (Russian), 3-4 ;")
    assert last == "World revolution, 72-5, 171."
    assert [pb.get("n") for pb in index.iter(f"{{{TEI_NS}}}pb")] == ["396", "397", "398", "399"]
    assert index.find(f"{{{TEI_NS}}}note[@type='editorial']") is not None
