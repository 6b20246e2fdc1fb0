"""The index of names as CSV never hands a spreadsheet a formula: names and contexts
that begin like one are neutralised, in `edition index --format csv` and in the
site's data file alike, and can be read back exactly."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURE_TEI
from transform.cli import main
from transform.names_index.export import CSV_COLUMNS, spreadsheet_safe

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# register entry → the main name it gets here, each beginning like a formula
HEADINGS = {
    "trotsky": '=HYPERLINK("file:///etc/passwd","Trotsky")',
    "stalin": "+Stalin",
    "nicholas-ii": "-Nicholas II",
    "lenin": "@Lenin",
}


@pytest.mark.parametrize(("cell", "shown"), [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("file:///etc/passwd","x")', '\'=HYPERLINK("file:///etc/passwd","x")'),
    ("+7", "'+7"),
    ("-2+3", "'-2+3"),
    ("-Urals basin", "'-Urals basin"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    # a value that already begins with quotes before a formula gets one more
    ("'=1", "''=1"),
    # harmless beginnings stay as they are
    ("'s historical position", "'s historical position"),
    ("Lenin = the leader", "Lenin = the leader"),
    ("— a dash", "— a dash"),
    ("", ""),
])
def test_spreadsheet_safe(cell: str, shown: str) -> None:
    assert spreadsheet_safe(cell) == shown


def written_back(cell: str) -> str:
    """The value a neutralised cell stands for (the rule `spreadsheet_safe` states)."""
    rest = cell.lstrip("'")
    if cell.startswith("'") and rest[:1] and rest[0] in FORMULA_STARTS:
        return cell[1:]
    return cell


@pytest.fixture
def formula_tei(tmp_path: Path) -> Path:
    """The fixture books with names beginning like formulas, in the register and in
    the text (the Tsar's mention reads `@Tsar`)."""
    import re

    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    persons = tei / "persons.xml"
    text = persons.read_text(encoding="utf-8")
    for entry, heading in HEADINGS.items():
        escaped = heading.replace("&", "&amp;").replace("<", "&lt;")
        text, n = re.subn(rf'(<person xml:id="{entry}">\s*<persName[^>]*>).*?(</persName>)',
                          lambda m, h=escaped: m.group(1) + h + m.group(2), text,
                          count=1, flags=re.DOTALL)
        assert n == 1, entry
    persons.write_text(text, encoding="utf-8")
    book = tei / "rothstein-history-ussr.xml"
    text = book.read_text(encoding="utf-8")
    assert text.count('nicholas-ii">Tsar<') == 1
    book.write_text(text.replace('nicholas-ii">Tsar<', 'nicholas-ii">@Tsar<'),
                    encoding="utf-8")
    return tei


def check_csv(payload: bytes, mentions: list[dict[str, object]]) -> None:
    """`payload` holds no cell a spreadsheet would evaluate, and read back it gives the
    mentions of the JSON export (which no spreadsheet opens) and the formula names."""
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    records = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]
    assert records
    for record in records:
        for column, cell in record.items():
            assert not cell.startswith(FORMULA_STARTS), (column, cell)
    back = [{column: written_back(cell) for column, cell in record.items()}
            for record in records]
    headings = {record["entry"]: record["heading"] for record in back}
    for entry, heading in HEADINGS.items():
        assert headings[entry] == heading
        assert next(r for r in records if r["entry"] == entry)["heading"] == f"'{heading}"
    expected = sorted((m["mention_id"], m["surface"], m["kwic_left"], m["kwic_right"])
                      for m in mentions)
    assert sorted((r["mention_id"], r["surface"], r["kwic_left"], r["kwic_right"])
                  for r in back) == expected
    assert ("'@Tsar", "@Tsar") in {(r["surface"], b["surface"])
                                   for r, b in zip(records, back, strict=True)}


def test_cli_csv_neutralises_formulas(formula_tei: Path) -> None:
    runner = CliRunner()
    exported = runner.invoke(main, ["index", "--format", "csv", "--tei-dir", str(formula_tei)])
    assert exported.exit_code == 0, exported.output
    as_json = runner.invoke(main, ["index", "--format", "json", "--tei-dir", str(formula_tei)])
    assert as_json.exit_code == 0, as_json.output
    check_csv(exported.stdout_bytes, json.loads(as_json.stdout)["mentions"])


def test_site_csv_neutralises_formulas(formula_tei: Path) -> None:
    from transform.urls import INDEX_DATA
    from transform.writers.collect import collect_edition, collect_names
    from transform.writers.index_pages import index_exports

    edition = collect_edition(formula_tei)
    index = collect_names(edition)
    files = dict(index_exports(edition, index))
    check_csv(files[INDEX_DATA["csv"]], json.loads(files[INDEX_DATA["json"]])["mentions"])
