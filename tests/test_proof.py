"""`edition proof`: finds OCR errors of each kind and passes what is vouched for."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import FIXTURES
from transform.cli import main
from transform.proof import proof

BOOK = FIXTURES / "proof" / "book.xml"


def suspects() -> dict[str, tuple[str, str]]:
    return {s.word: (s.kind, s.suggestion) for s in proof(BOOK).suspects}


def test_finds_each_kind_of_error() -> None:
    found = suspects()
    assert found["delegatesand"] == ("run together", "delegates—and")
    assert found["unvielding"][0] == "unknown word"
    assert found["Soviety"][0] == "unknown word"
    assert found["des patch"] == ("split word", "despatch")
    assert found["IQPerspective"][0] == "mixed case"


def test_passes_common_words_names_book_vocabulary_and_corrected_readings() -> None:
    found = suspects()
    for word in ("peasants", "Dzerzhinsky", "kolkhozy", "Kolkhozy", "xyzzyheader", "qzx",
                 "qwzrtx"):
        assert word not in found, word


def test_contexts_give_the_line_and_the_words_around() -> None:
    [suspect] = [s for s in proof(BOOK).suspects if s.word == "unvielding"]
    [context] = suspect.contexts  # the reading inside sic is not listed again
    assert context.line == 7
    assert "peasants were unvielding" in context.text


def test_cli_lists_suspects_as_located_lines_and_json() -> None:
    result = CliRunner().invoke(main, ["proof", str(BOOK)])
    assert result.exit_code == 0
    assert 'book.xml:7:0: warning: unknown word "unvielding"' in result.output
    result = CliRunner().invoke(main, ["proof", "--format", "json", str(BOOK)])
    payload = json.loads(result.stdout)
    assert {s["word"] for s in payload["suspects"]} >= {"delegatesand", "des patch"}


def test_a_break_inside_a_word_joins_it_and_a_note_is_read_apart() -> None:
    found = suspects()
    assert "meas ures" not in found and "meas" not in found
    assert "Govern ment" not in found
    # the note's words do not run into the paragraph's ("came A note …")
    from transform.proof import text_blocks
    from transform.xmlsafe import parse_tei

    texts = [text for _, text in text_blocks(parse_tei(BOOK).getroot())]
    assert "The measures of the Government came later than expected." in texts
    assert "A note about the peasantry." in texts


def test_ordinary_pairs_hyphenated_compounds_and_ordinals_are_not_split_words() -> None:
    split = {word for word, (kind, _) in suspects().items() if kind == "split word"}
    assert split == {"des patch"}


def test_finds_the_classes_of_the_ocr_sweep() -> None:
    """The classes the sweep of both books searched by program are found for the next
    editor too: a stop for a comma, an opening quote for an elision, a name one letter
    confusion away from the registers, a space before a stop, doubled or spaced hyphens
    in figure ranges, a suspended hyphen joined to its conjunction, an abbreviation
    against the book's own usage, and a paragraph whose quotation marks do not pair."""
    found = {(s.kind, s.word): s.suggestion for s in proof(BOOK).suspects}
    assert found[("stop for comma", "March.")] == "March,"
    assert found[("stop for comma", "decision.")] == "decision,"
    assert found[("quote direction", "‘90s")] == "’90s"
    assert found[("quote direction", "‘41")] == "’41"
    assert found[("letter confusion", "Haider")] == "Halder"
    assert found[("space before stop", "replied :")] == "replied:"
    assert found[("figure range", "124--125")] == "124-125"
    assert found[("figure range", "63- 64")] == "63-64"
    assert found[("suspended hyphen", "coal-and iron-working")] == "coal- and iron-working"
    assert found[("abbreviation", "Mr.")] == "Mr"
    assert ("unbalanced quotes", "“×1 ”×0") in found
    # list numbering, abbreviations and figures after them are no stops for commas
    stops = {word for kind, word in found if kind == "stop for comma"}
    assert stops == {"March.", "decision."}


def test_the_books_hold_no_candidate_of_the_swept_classes_left_uncorrected() -> None:
    """After the sweep, the classes found by program have no candidate left in either book
    (every one was read and corrected, or is listed here as read and right)."""
    from transform.edition import BOOKS

    swept = {"stop for comma", "quote direction", "letter confusion", "space before stop",
             "figure range", "suspended hyphen", "abbreviation", "unbalanced quotes"}
    for book in BOOKS.values():
        left = [(s.kind, s.word) for s in proof(book.tei).suspects if s.kind in swept]
        assert left == [], (book.key, left)
