"""The Rothstein reader on excerpt fixtures cut from the witness, and its helpers as tables."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from transform.edition import SCHEMA_DIR, TEI_NS, XML_NS
from transform.readers import rothstein
from transform.readers.common import (
    book_vocabulary,
    decide_hyphen,
    line_width,
    make_id,
    roman_to_int,
)

FIXTURES = Path(__file__).parent / "fixtures" / "rothstein"
NS = {"t": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"


def by_id(tree: etree._ElementTree, xml_id: str) -> etree._Element:
    """The element with this xml:id."""
    found = tree.xpath("//*[@xml:id=$id]", id=xml_id)
    assert found, xml_id
    return found[0]


def words(element: etree._Element) -> str:
    """The text of an element with spaces normalised."""
    return " ".join("".join(element.itertext()).split())


@pytest.fixture(scope="module")
def grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "edition.rng")))


@pytest.fixture(scope="module")
def opening() -> etree._ElementTree:
    return rothstein.read(FIXTURES / "opening.ocr.txt")


@pytest.fixture(scope="module")
def runover() -> etree._ElementTree:
    return rothstein.read(FIXTURES / "runover.ocr.txt")


@pytest.fixture(scope="module")
def index() -> etree._ElementTree:
    return rothstein.read(FIXTURES / "index.ocr.txt")


# ------------------------------------------------------------- hyphen table

VOCABULARY = book_vocabulary([
    "the Social-Democrats and Brest-Litovsk, one-fifth of the co-operative",
    "counter-revolutionary counter-revolutionary counter-revolution counter-attack",
    "landowners",
])


@pytest.mark.parametrize(("left", "right", "expected"), [
    ("landown", "ers,", "landowners,"),          # the book prints the solid word
    ("Social", "Democrats", "Social-Democrats"),  # the book prints the compound
    ("Social", "ist-Revolutionaries’,", "Socialist-Revolutionaries’,"),  # first part decides
    ("Brest", "Litovsk", "Brest-Litovsk"),
    ("one", "fifth", "one-fifth"),
    ("co", "operative", "co-operative"),
    ("counter", "measures", "counter-measures"),  # the book's counter- compounds
    ("pe", "culiar", "peculiar"),               # the word list knows the word
    ("Anglo-Franco", "Soviet", "Anglo-Franco-Soviet"),  # left part already a compound
    ("1917", "18", "1917-18"),                  # figures keep their hyphen
    ("Bolshe", "vists", "Bolshevists"),         # unknown anywhere: the printer's hyphen
])
def test_hyphen_decisions(left: str, right: str, expected: str) -> None:
    assert decide_hyphen(left, right, VOCABULARY).joined == expected


def test_hyphen_override_wins() -> None:
    decision = decide_hyphen("landown", "ers", VOCABULARY, {"landown-ers": True})
    assert decision.keep and decision.reason == "editor"


@pytest.mark.parametrize(("text", "expected"), [
    ("iiiiiiii", 2.224), ("MMMM", 3.556), ("  a b  ", 1.194),
])
def test_line_width(text: str, expected: float) -> None:
    assert line_width(text) == pytest.approx(expected)


@pytest.mark.parametrize(("parts", "expected"), [
    (("roth", "ch3", "s2"), "roth-ch3-s2"), (("roth", "pb", 58), "roth-pb-58"),
    (("roth", "fn", "x y"), "roth-fn-x-y"),
])
def test_make_id(parts: tuple, expected: str) -> None:
    assert make_id(*parts) == expected


@pytest.mark.parametrize(("numeral", "value"), [("I", 1), ("IV", 4), ("VIII", 8), ("XIV", 14)])
def test_roman_to_int(numeral: str, value: int) -> None:
    assert roman_to_int(numeral) == value


# -------------------------------------------------------------------- pages

def test_pages_are_cut_and_numbered_from_the_running_heads() -> None:
    lines = rothstein.source_lines(FIXTURES / "opening.ocr.txt")
    pages = rothstein.split_pages(lines)
    rothstein.number_pages(pages)
    assert [page.start for page in pages[:4]] == [1, 63, 143, 208]
    assert [page.number for page in pages[:4]] == [None, 1, 2, 3]
    assert pages[2].running_head == "Preface" and pages[2].printed_number == 2
    # Running head and number are not text of the page.
    assert pages[2].lines[0].stripped.startswith("successfully, on many occasions")
    assert [note.marker for note in pages[4].footnotes] == ["*", "†"]


def test_disagreeing_page_numbers_are_refused() -> None:
    pages = [rothstein.Page(0, 1, printed_number=5), rothstein.Page(1, 9, printed_number=7)]
    with pytest.raises(rothstein.WitnessError):
        rothstein.number_pages(pages)


# ------------------------------------------------------------- the opening

def test_opening_is_valid(opening: etree._ElementTree, grammar: etree.RelaxNG) -> None:
    assert grammar.validate(opening), grammar.error_log


def test_front_has_about_and_preface(opening: etree._ElementTree) -> None:
    front = opening.find(".//t:front", NS)
    divs = front.findall("t:div", NS)
    assert [div.get(XML_ID) for div in divs] == ["roth-about", "roth-preface"]
    assert words(divs[0].find("t:head", NS)) == "ABOUT THIS BOOK"
    assert words(divs[1].find("t:head", NS)) == "Preface"
    first_pb = front.find("t:pb", NS)
    assert first_pb.get("n") is None  # the page before page 1 has no number


def test_lowell_stanza_is_verse(opening: etree._ElementTree) -> None:
    lg = by_id(opening, "roth-preface").find("t:lg", NS)
    assert lg.get(XML_ID) == "roth-preface-lg1"
    lines = [words(line) for line in lg.findall("t:l", NS)]
    assert lines[0] == "They are slaves who will not choose"
    assert lines[-1] == "In the right with two or three."
    assert len(lines) == 6


def test_preface_asterisk_is_a_milestone(opening: etree._ElementTree) -> None:
    preface = by_id(opening, "roth-preface")
    milestone = preface.find("t:milestone", NS)
    assert milestone.get("rend") == "asterisk"
    assert words(milestone.getnext()).startswith("The narrative in this book")


def test_hyphenated_words_are_joined_in_paragraphs(opening: etree._ElementTree) -> None:
    text = words(by_id(opening, "roth-ch1-s1"))
    assert "The 130,000 landowners, of whom the greatest" in text
    assert "maintained their economic" in text
    assert "less than one-fifth" in text


def test_chapter_and_section_heads(opening: etree._ElementTree) -> None:
    chapter = opening.find(".//t:div[@type='chapter']", NS)
    assert chapter.get("n") == "I" and chapter.get(XML_ID) == "roth-ch1"
    head = chapter.find("t:head", NS)
    assert head.text == "CHAPTER I" and head[0].tail == "The Causes of the Russian Revolution"
    sections = chapter.findall("t:div[@type='section']", NS)
    assert [s.get("n") for s in sections] == ["1", "2", "3"]
    assert words(sections[1].find("t:head", NS)) == "2. POPULAR STRUGGLE AGAINST TYRANNY"
    # Page 3 begins with the chapter, before its division.
    assert chapter.getprevious().tag == f"{{{TEI_NS}}}pb"
    assert chapter.getprevious().get("n") == "3"


def test_footnotes_move_to_their_markers(opening: etree._ElementTree) -> None:
    notes = opening.findall(".//t:note[@place='foot']", NS)
    assert [n.get("n") for n in notes[:5]] == ["*", "†", "*", "†", "‡"]
    first = notes[0]
    assert first.get(XML_ID) == "roth-fn-1"
    assert first.getparent().tag == f"{{{TEI_NS}}}p"
    # The marker followed 'village.' in the witness: the note follows that word.
    assert (first.getprevious().tail if first.getprevious() is not None
            else first.getparent().text).endswith("Russian village.")
    assert words(first).startswith("Owen, The Russian Peasant Movement (1937)")
    assert "*" not in "".join(t for p in opening.iterfind(".//t:p", NS)
                              for t in p.xpath("text()"))


def test_page_break_inside_a_word(opening: etree._ElementTree) -> None:
    pb = opening.find(".//t:pb[@n='13']", NS)
    assert pb.get("break") == "no" and pb.get(XML_ID) == "roth-pb-13"
    before = pb.getprevious().tail if pb.getprevious() is not None else pb.getparent().text
    assert before.endswith("the pri") and pb.tail.startswith("vate jurisdiction")


# ---------------------------------------------------------- footnote run-on

def test_footnote_continued_on_the_next_page_is_one_note(runover: etree._ElementTree) -> None:
    notes = runover.findall(".//t:note[@place='foot']", NS)
    assert len(notes) == 1
    text = words(notes[0])
    assert text.startswith("In a speech to the Moscow City Soviet on June 1st")
    assert text.endswith("April 22nd, 1924 – during the Labour Government!")
    assert notes[0].find("t:pb", NS) is None


def test_running_head_page_number(runover: etree._ElementTree) -> None:
    numbers = [pb.get("n") for pb in runover.iterfind(".//t:pb", NS)]
    assert numbers == ["176", "177", "178", "179"]


# -------------------------------------------------------------------- index

def test_index_entries_and_subentries(index: etree._ElementTree,
                                      grammar: etree.RelaxNG) -> None:
    assert grammar.validate(index), grammar.error_log
    div = index.find(".//t:back/t:div[@type='index']", NS)
    assert div.get(XML_ID) == "roth-index"
    assert div.find("t:note[@type='editorial']", NS) is not None
    items = div.findall("t:list/t:item", NS)
    assert words(items[0]).startswith("Agriculture (Russian), 3-4 ; (Soviet), 69,")
    assert words(items[1]) == "Allied supplies in 2nd World War, 323, 326, 332-3, 344-5, 352, 357-8, 363."
    capital = next(item for item in items if words(item).startswith("Capital, foreign"))
    subentries = capital.findall("t:list/t:item", NS)
    assert [words(s) for s in subentries] == [
        "Russian, 16-9, 26, 58, 61-2, 69, 79, 148, 157, 174, 180, 204."]
    cheka = next(item for item in items if words(item).startswith("Cheka"))
    assert words(cheka) == "Cheka see Extraordinary Commission"
    congresses = next(item for item in items if words(item).startswith("Congresses"))
    assert len(congresses.findall("t:list/t:item", NS)) == 3
    # Page 396 begins between two entries.
    pb = div.find("t:list/t:pb[@n='396']", NS)
    assert words(pb.getnext()).startswith("Collective security")


# ---------------------------------------------------------------------- CLI

def test_ingest_writes_and_refuses_to_overwrite(tmp_path: Path, monkeypatch) -> None:
    from transform import cli
    from transform.edition import BOOKS, Book

    book = BOOKS["rothstein"]
    fixture_book = Book(book.key, book.author, book.short_title, FIXTURES / "runover.ocr.txt",
                        tmp_path / "roth.xml", book.id_prefix)
    monkeypatch.setitem(cli.BOOKS, "rothstein", fixture_book)
    runner = CliRunner()
    first = runner.invoke(cli.main, ["ingest", "rothstein"])
    assert first.exit_code == 0, first.output
    assert etree.parse(str(tmp_path / "roth.xml")).getroot().tag == f"{{{TEI_NS}}}TEI"
    again = runner.invoke(cli.main, ["ingest", "rothstein"])
    assert again.exit_code != 0 and "--force" in again.output
    forced = runner.invoke(cli.main, ["ingest", "rothstein", "--force"])
    assert forced.exit_code == 0


def test_vocabulary_counts_words_inside_lines_only() -> None:
    vocabulary = book_vocabulary(["the landown-", "ers of Brest-Litovsk"])
    assert vocabulary == Counter({"the": 1, "ers": 1, "of": 1, "brest-litovsk": 1})
