"""`edition validate`: one fixture per rule, checked for message, file, line and exit status."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from tests.conftest import FIXTURES, ROOT
from transform.cli import main
from transform.ids_manifest import RedirectsError, load_redirects
from transform.validate import validate_paths
from transform.xmlsafe import MAX_ID_LENGTH

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
    ("link-javascript", "link-scheme", "javascript:", "not allowed in a link"),
    ("date-valid", "date-valid", 'when="1917-13"', "no date of the Gregorian calendar"),
    ("date-from-to", "date-from-to", 'from="1921"', "is later than"),
    ("date-when-or-range", "date-when-or-range", 'from="1917"', "not both"),
    ("julian-has-gregorian", "julian-has-gregorian", "when-custom", "Gregorian equivalent"),
    ("julian-written", "julian-written", 'datingMethod="#fix-julian"', "as written"),
    ("event-passage", "event-passage", '"fix-ev-1"', "points to no passage"),
    ("event-passage", "event-label", '"fix-ev-2"', "and a label"),
    ("event-passage", "passage-pointer", '"fix-ev-2"', "subtype"),
    # inputs that once crashed validation with a traceback
    ("foreign-namespace", "edition-rng", "<x:paper", "urn:example:newspapers"),
    ("xinclude", "edition-rng", "<xi:include", "XInclude"),
    ("tei-prefix", "edition-rng", "<tei:newspaper>", "newspaper"),
    ("doctype-after-long-comment", "entities", "<!DOCTYPE", "declares entities"),
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


# ------------------------------------------------------------------ unsafe or broken input

LOCATED = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning): "
                     r"(?P<message>.+) \[(?P<code>[\w-]+)\]$", re.MULTILINE)


def validate_command(*paths: Path) -> Result:
    return CliRunner().invoke(main, ["validate", *map(str, paths)])


def located(result: Result, code: str) -> list[re.Match[str]]:
    return [m for m in LOCATED.finditer(result.stdout) if m["code"] == code]


def book_with(tmp_path: Path, old: str, new: str) -> Path:
    """The good fixture book, with its registers beside it, `old` replaced by `new`."""
    for register in ("persons.xml", "places.xml", "orgs.xml"):
        shutil.copy(GOOD / register, tmp_path)
    text = (GOOD / "book.xml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "book.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["foreign-namespace", "xinclude", "tei-prefix",
                                  "doctype-after-long-comment"])
def test_input_that_does_not_validate_is_reported_not_a_traceback(name: str) -> None:
    result = validate_command(BAD / f"{name}.xml")
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    [first, *_] = [m for m in LOCATED.finditer(result.stdout) if m["level"] == "error"]
    assert first["path"].endswith(f"{name}.xml")
    assert int(first["line"]) > 1 and int(first["col"]) >= 1


UNSAFE_TARGETS = [
    "javascript://%0Aalert(1)",
    "JaVaScRiPt:alert(1)",
    "&#9;javascript:alert(1)",      # a tab before the scheme (the parser decodes it)
    "java&#10;script:alert(1)",     # a newline inside it
    "&#x20;&#x6A;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//elsewhere.example/page",
    "/\\elsewhere.example/page",
]


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_link_target_outside_the_allow_list_is_a_located_error(tmp_path: Path,
                                                               target: str) -> None:
    path = book_with(tmp_path, '<ref target="#fix-ch1-s1-p1">', f'<ref target="{target}">')
    result = validate_command(path)
    assert result.exit_code == 1, result.output
    [error] = located(result, "link-scheme")
    assert error["path"].endswith("book.xml")
    assert int(error["line"]) == line_of(path, "<ref target=")
    assert "use an http, https or mailto URL" in error["message"]


@pytest.mark.parametrize("target", ["https://example.org/a?b=c", "HTTP://example.org/",
                                    "mailto:editors@example.org", "#fix-ch1-s1-p1"])
def test_allowed_link_targets_validate(tmp_path: Path, target: str) -> None:
    path = book_with(tmp_path, '<ref target="#fix-ch1-s1-p1">', f'<ref target="{target}">')
    assert validate_paths([path]).diagnostics == []


def test_every_target_of_the_books_is_an_allowed_link() -> None:
    targets = [t for path in sorted((ROOT / "tei").glob("*.xml"))
               for t in etree.parse(str(path)).xpath("//@target")]
    assert targets, "the books have cross-references"
    report = validate_paths([ROOT / "tei"])
    assert [d for d in report.diagnostics if d.code == "link-scheme"] == []


def test_overlong_xml_id_is_a_located_error(tmp_path: Path) -> None:
    long_id = "fix-" + "x" * (MAX_ID_LENGTH - 3)
    path = book_with(tmp_path, 'xml:id="fix-ch1-s1-p2"', f'xml:id="{long_id}"')
    result = validate_command(path)
    assert result.exit_code == 1
    [error] = located(result, "id-length")
    assert int(error["line"]) == line_of(path, long_id)
    assert f"{MAX_ID_LENGTH + 1} characters long" in error["message"]
    assert f"at most {MAX_ID_LENGTH}" in error["message"]


def test_xml_id_of_the_longest_length_allowed_validates(tmp_path: Path) -> None:
    longest = "fix-" + "x" * (MAX_ID_LENGTH - 4)
    path = book_with(tmp_path, 'xml:id="fix-ch1-s1-p2"', f'xml:id="{longest}"')
    assert validate_paths([path]).diagnostics == []


REDIRECTS = (
    "# old-id<TAB>new-id\n"
    "fix-old-p1\tfix-ch1-s1-p1\n"
    "../../../victim\tfix-ch1-s1-p1\n"
    "fix-old-p2\tfix/ch1\n"
    "fix-old-p3\n"
    f"{'x' * (MAX_ID_LENGTH + 1)}\tfix-ch1-s1-p1\n"
)


def test_redirect_ids_must_be_identifiers(tmp_path: Path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(GOOD, tei)
    (tei / "ids").mkdir()
    (tei / "ids" / "redirects.tsv").write_text(REDIRECTS, encoding="utf-8")
    result = validate_command(tei)
    assert result.exit_code == 1, result.output
    errors = located(result, "redirect-id")
    assert [(e["path"].endswith("ids/redirects.tsv"), int(e["line"]), int(e["col"]))
            for e in errors] == [(True, 3, 1), (True, 4, 12), (True, 5, 1), (True, 6, 1)]
    assert '"../../../victim" is not an XML name' in errors[0]["message"]
    assert "the new id" in errors[1]["message"]
    assert "old-id<TAB>new-id" in errors[2]["message"]
    assert f"at most {MAX_ID_LENGTH}" in errors[3]["message"]


def test_load_redirects_refuses_an_id_that_is_not_an_identifier(tmp_path: Path) -> None:
    path = tmp_path / "redirects.tsv"
    path.write_text(REDIRECTS, encoding="utf-8")
    with pytest.raises(RedirectsError) as refused:
        load_redirects(path)
    assert isinstance(refused.value, ValueError)
    diagnostic = refused.value.diagnostic
    assert (diagnostic.line, diagnostic.col, diagnostic.code) == (3, 1, "redirect-id")
    assert str(refused.value).startswith(f"{path}:3:1: error: ")


def test_load_redirects_reads_valid_lines(tmp_path: Path) -> None:
    path = tmp_path / "redirects.tsv"
    path.write_text("# comment\n\nfix-old-p1\tfix-ch1-s1-p1\n", encoding="utf-8")
    assert load_redirects(path) == {"fix-old-p1": "fix-ch1-s1-p1"}
    assert validate_paths([ROOT / "tei"]).errors == []


def test_rules_run_even_when_the_grammar_fails(tmp_path: Path) -> None:
    path = book_with(tmp_path, '<orgName ref="orgs.xml#cheka">',
                     '<newspaper>Pravda</newspaper> <orgName ref="orgs.xml#nothing">')
    codes = {d.code for d in validate_paths([path]).errors}
    assert codes == {"edition-rng", "ref-resolves"}


def real_books_in(tmp_path: Path) -> Path:
    tei = tmp_path / "tei"
    shutil.copytree(ROOT / "tei", tei)
    return tei


@pytest.mark.corpus
def test_one_unknown_element_is_reported_with_the_other_errors_of_the_book(
        tmp_path: Path) -> None:
    tei = real_books_in(tmp_path)
    book = tei / "rothstein-history-ussr.xml"
    text = book.read_text(encoding="utf-8")
    text = text.replace('<p xml:id="roth-ch1-s1-p1">', '<p xml:id="roth-ch1-s1-p1"><newspaper>'
                        "Pravda</newspaper>", 1)
    text = text.replace('ref="persons.xml#stolypin"', 'ref="persons.xml#stolypine"', 1)
    book.write_text(text, encoding="utf-8")
    result = validate_command(tei)
    assert result.exit_code == 1
    grammar, dangling = located(result, "edition-rng"), located(result, "ref-resolves")
    assert {int(e["line"]) for e in grammar} == {line_of(book, "<newspaper>")}
    assert [int(e["line"]) for e in dangling] == [line_of(book, "#stolypine")]
    assert [m.group(0) for m in LOCATED.finditer(result.stdout)
            if m["level"] == "warning"] == []
    assert "more that follow" not in result.output


@pytest.mark.corpus
def test_warnings_that_follow_from_an_unreadable_book_are_counted_not_listed(
        tmp_path: Path) -> None:
    tei = real_books_in(tmp_path)
    book = tei / "rothstein-history-ussr.xml"
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("</head>", "</hed>", 1), encoding="utf-8")
    # the register entries that only Rothstein's book refers to
    entries = {m for register in ("persons.xml", "places.xml", "orgs.xml")
               for m in etree.parse(str(tei / register)).xpath(
                   "//*[local-name()='person' or local-name()='personGrp' or "
                   "local-name()='place' or local-name()='org']/@xml:id")}
    # the members of a group the books name are named with it (relation name="member")
    members = {token.lstrip("#") for value in etree.parse(str(tei / "persons.xml")).xpath(
        "//*[local-name()='relation']/@active") for token in value.split()}
    carr = (tei / "carr-russian-revolution.xml").read_text(encoding="utf-8")
    events = tei / "events.xml"  # the register of events names entries too
    carr += events.read_text(encoding="utf-8") if events.exists() else ""
    only_rothstein = {e for e in entries if f"#{e}\"" not in carr} - members
    assert only_rothstein
    result = validate_command(tei)
    assert result.exit_code == 1
    assert [int(e["line"]) for e in located(result, "not-well-formed")][:1] == [
        line_of(book, "</hed>")]
    assert [m for m in LOCATED.finditer(result.stdout) if m["level"] == "warning"] == []
    assert f"({len(only_rothstein)} more that follow from these errors not listed)" \
        in result.output


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


def test_cli_path_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(GOOD), str(tmp_path / "nothing.xml")])
    assert result.exit_code == 2
    assert "nothing.xml" in result.output and "does not exist" in result.output


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
