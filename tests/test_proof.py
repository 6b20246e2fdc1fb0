"""`edition proof`: finds OCR errors of each kind and passes what is vouched for."""

from __future__ import annotations

import json

from click.testing import CliRunner

from transform.cli import main
from transform.proof import proof
from tests.conftest import FIXTURES

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
    for word in ("peasants", "Dzerzhinsky", "kolkhozy", "Kolkhozy", "xyzzyheader", "qzx"):
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
