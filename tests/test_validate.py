"""`edition validate`: one fixture per rule, checked for message, file, line and exit status."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from transform.cli import main
from transform.validate import validate_paths

GOOD = FIXTURES / "validate" / "good"
BAD = FIXTURES / "validate" / "bad"


def line_of(path: Path, snippet: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if snippet in line:
            return number
    raise AssertionError(f"{snippet!r} not in {path}")


# (fixture, code, snippet on the line the error must point to, words the message must hold)
CASES = [
    ("not-well-formed", "not-well-formed", "</hed>", "tag mismatch"),
    ("not-tei", "not-tei", "<html>", "TEI namespace"),
    ("xxe", "entities", "<!DOCTYPE", "declares entities"),
    ("billion-laughs", "entities", "<!DOCTYPE", "declares entities"),
    ("external-dtd", "entities", "<!DOCTYPE", "DOCTYPE"),
    ("grammar-unknown-element", "edition-rng", "<newspaper>", "newspaper"),
    ("grammar-bad-attribute", "edition-rng", 'page="1"', "@page is not allowed on <pb>"),
    ("grammar-block-in-phrase", "edition-rng", "<title><div>", "<div> is not allowed"),
    ("id-duplicate", "id-unique", '<p xml:id="fix-ch1-s1-p1">See', "used twice"),
    ("id-clashes-with-register", "id-unique", '<p xml:id="lenin">', 'xml:id "lenin" is used 2 times'),
    ("ref-unresolved", "ref-resolves", "persons.xml#nobody", "tei/persons.xml"),
    ("ref-wrong-register", "ref-resolves", "persons.xml#petrograd", 'write ref="places.xml#ID"'),
    ("target-unresolved", "target-resolves", "#fix-ch9-p1", "points to no xml:id"),
    ("resp-unresolved", "resp-resolves", "<note type=\"editorial\"", "respStmt"),
    ("pb-decreasing", "pb-order", 'n="0"', "comes after page 1"),
    ("footnote-without-marker", "footnote-marker", '<note place="foot"', "no @n"),
    ("stray-marker", "stray-marker", "The†", "footnote marker left in running text"),
    ("choice-two-corr", "choice-sic-corr", "<choice><corr", "0 sic and 2 corr"),
    ("corr-without-resp", "corr-resp", "<corr>", "must say who made it"),
    ("p-empty", "p-not-empty", "fix-preface-p0", "empty paragraph"),
]


def test_good_fixture_edition_is_valid() -> None:
    report = validate_paths([GOOD])
    assert report.diagnostics == []
    assert len(report.files) == 4


@pytest.mark.parametrize(("name", "code", "snippet", "words"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_reports_file_line_and_advice(name: str, code: str, snippet: str,
                                                words: str) -> None:
    path = BAD / f"{name}.xml"
    report = validate_paths([path])
    errors = [d for d in report.errors if d.code == code]
    assert errors, f"expected a [{code}] error, got {[d.format() for d in report.diagnostics]}"
    first = errors[0]
    assert first.path.endswith(f"bad/{name}.xml")
    assert first.line == line_of(path, snippet)
    assert first.col >= 1
    assert words in first.message


def test_every_schematron_assert_has_a_failing_fixture() -> None:
    from lxml import etree

    sch = etree.parse(str(FIXTURES.parent.parent / "schema" / "edition.sch"))
    ids = {
        i.split(".")[0]
        for i in sch.xpath("//s:assert/@id", namespaces={"s": "http://purl.oclc.org/dsdl/schematron"})
    }
    covered = {case[1] for case in CASES} | {"entry-referenced"}
    assert ids <= covered, f"rules without a failing fixture: {sorted(ids - covered)}"


def test_unreferenced_register_entry_is_a_warning_not_an_error() -> None:
    report = validate_paths([FIXTURES / "validate" / "unreferenced"])
    assert report.errors == []
    [warning] = report.warnings
    assert warning.code == "entry-referenced"
    assert '"trotsky"' in warning.message
    assert warning.path.endswith("unreferenced/persons.xml")
    assert warning.line == line_of(FIXTURES / "validate" / "unreferenced" / "persons.xml",
                                   '<person xml:id="trotsky">')


def test_unreferenced_entries_are_not_reported_without_books(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "validate" / "unreferenced" / "persons.xml", tmp_path)
    assert validate_paths([tmp_path]).diagnostics == []


def test_xxe_is_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    doc = tmp_path / "xxe.xml"
    doc.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&x;</p></body></text></TEI>\n',
        encoding="utf-8",
    )
    report = validate_paths([doc])
    assert [d.code for d in report.errors] == ["entities"]
    assert "TOP-SECRET" not in json.dumps(report.as_json())


def test_empty_folder_is_an_error_not_success(tmp_path: Path) -> None:
    report = validate_paths([tmp_path])
    assert [d.code for d in report.errors] == ["no-files"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    report = validate_paths([tmp_path / "nothing.xml"])
    assert [d.code for d in report.errors] == ["no-such-path"]


# ------------------------------------------------------------------ the command


def test_cli_bad_file_prints_located_error_and_exits_1() -> None:
    path = BAD / "ref-unresolved.xml"
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    line = line_of(path, "persons.xml#nobody")
    assert f"ref-unresolved.xml:{line}:" in result.output
    assert ": error: " in result.output
    assert "[ref-resolves]" in result.output
    assert "1 error(s)" in result.output


def test_cli_good_files_exit_0() -> None:
    result = CliRunner().invoke(main, ["validate", str(GOOD)])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_cli_json_format() -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "json",
                                       str(BAD / "pb-decreasing.xml")])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["errors"] == 1
    [diagnostic] = payload["diagnostics"]
    assert diagnostic["code"] == "pb-order"
    assert diagnostic["line"] == line_of(BAD / "pb-decreasing.xml", 'n="0"')


def test_cli_usage_error_exits_2() -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "yaml"])
    assert result.exit_code == 2


def test_cli_tei_all_flags_what_tei_rejects(tmp_path: Path) -> None:
    # A file our grammar accepts is TEI; one with a foreign element fails both.
    bad = tmp_path / "book.xml"
    bad.write_text((BAD / "grammar-unknown-element.xml").read_text(encoding="utf-8"),
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--tei-all", str(bad)])
    assert result.exit_code == 1
    assert "[tei-all]" in result.output
    assert "[edition-rng]" in result.output


@pytest.mark.parametrize("command", [[], ["validate"], ["ingest"]])
def test_help_works(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_every_subcommand_has_help() -> None:
    for name in main.list_commands(None):  # type: ignore[arg-type]
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output, name
