"""The edition's grammar stays inside TEI: every file it accepts, tei_all accepts too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from transform.validate import edition_grammar, tei_all_grammar
from transform.xmlsafe import parse_tei
from tests.conftest import FIXTURES, ROOT

TEI_FILES = sorted((ROOT / "tei").glob("*.xml"))
VALID_FIXTURES = sorted(
    p for p in FIXTURES.rglob("*.xml")
    if "bad" not in p.parts and edition_grammar().validate(etree.parse(str(p)))
)


def conforms_to_tei_all(paths: list[Path]) -> dict[Path, str]:
    """Files that tei_all rejects, with the first message; jing if installed, else lxml."""
    jing = shutil.which("jing")
    if jing:
        result = subprocess.run([jing, str(ROOT / "schema" / "tei_all.rng"), *map(str, paths)],
                                capture_output=True, text=True, check=False)
        failures: dict[Path, str] = {}
        for line in result.stdout.splitlines():
            path = Path(line.split(":", 1)[0])
            failures.setdefault(path, line)
        return failures
    grammar = tei_all_grammar()
    return {p: str(grammar.error_log.last_error)
            for p in paths if not grammar.validate(parse_tei(p))}


def test_fixtures_exist_for_the_subset_check() -> None:
    assert len(VALID_FIXTURES) >= 4


def test_every_valid_fixture_conforms_to_tei_all() -> None:
    assert conforms_to_tei_all(VALID_FIXTURES) == {}


@pytest.mark.corpus
@pytest.mark.skipif(not TEI_FILES, reason="no TEI files in tei/ yet")
def test_every_tei_file_conforms_to_tei_all() -> None:
    assert conforms_to_tei_all(TEI_FILES) == {}


@pytest.mark.corpus
@pytest.mark.skipif(not TEI_FILES, reason="no TEI files in tei/ yet")
def test_every_tei_file_is_valid_against_the_edition_grammar() -> None:
    grammar = edition_grammar()
    invalid = {p.name: str(grammar.error_log.last_error)
               for p in TEI_FILES if not grammar.validate(parse_tei(p))}
    assert invalid == {}
