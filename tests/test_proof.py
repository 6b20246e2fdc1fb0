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
