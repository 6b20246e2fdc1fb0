"""`edition correct`: corrections made in the TEI from a table, refusing ambiguous rows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from transform.cli import main
from transform.correct import CORRECTIONS_DIR, FIELDS, CorrectionError, apply_rows, read_table
from transform.edition import BOOKS, TEI_NS
from transform.tei import reading_text
from transform.xmlsafe import parse_tei

NS = {"t": TEI_NS}
BOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title>
<respStmt xml:id="carr-ed"><resp>editor</resp><name>E</name></respStmt></titleStmt>
</fileDesc></teiHeader><text><body><div>
<p xml:id="carr-ch1-p1">It was not altogether misleading when he congress was later
called by <persName ref="persons.xml#lenin">Lenin</persName>. in 1921 the per
<pb n="2"/>ecent. of <choice><sic>delegatesand</sic><corr resp="#carr-ed" type="dash">delegates—and</corr></choice> the rest.</p>
<p xml:id="carr-ch1-p2">The congress met. The congress rose.</p>
</div></body></text></TEI>
"""


def table(tmp_path: Path, *rows: str, name: str = "t.tsv") -> Path:
    path = tmp_path / name
    path.write_text("\t".join(FIELDS) + "\n" + "".join(row + "\n" for row in rows),
                    encoding="utf-8")
    return path


def book(tmp_path: Path) -> Path:
    tei = tmp_path / "tei"
    tei.mkdir(exist_ok=True)
    path = tei / BOOKS["carr"].tei.name
    path.write_text(BOOK, encoding="utf-8")
    return path


def passage(root: etree._Element, xml_id: str) -> etree._Element:
    return root.xpath("//t:p[@xml:id=$id]", namespaces=NS, id=xml_id)[0]


def test_a_row_becomes_choice_sic_corr_with_its_class(tmp_path: Path) -> None:
    rows = read_table(table(tmp_path, "carr-ch1-p1\twhen ⟦he⟧ congress\the\tthe\tspelling\t"
                                      "letter-dropped-added: the article lost"))
    root = etree.fromstring(BOOK.encode())
    outcome = apply_rows(root, rows)
    assert len(outcome.applied) == 1
    p = passage(root, "carr-ch1-p1")
    assert "misleading when the congress was" in reading_text(p)
    choice = p.find("t:choice", NS)
    assert choice.find("t:sic", NS).text == "he"
    corr = choice.find("t:corr", NS)
    assert (corr.text, corr.get("type"), corr.get("subtype"), corr.get("resp")) == (
        "the", "spelling", "letter-dropped-added", "#carr-ed")
    assert p.text.endswith("misleading when ") and choice.tail.startswith(" congress was")


def test_a_row_applied_twice_is_applied_once(tmp_path: Path) -> None:
    rows = read_table(table(tmp_path, "carr-ch1-p1\t. in 1921\t.\t,\tpunctuation\t"
                                      "stop-for-comma: before a year"))
    root = etree.fromstring(BOOK.encode())
    assert len(apply_rows(root, rows).applied) == 1
    first = etree.tostring(root)
    again = apply_rows(root, rows)
    assert (len(again.applied), len(again.already)) == (0, 1)
    assert etree.tostring(root) == first
    # the comma follows the name's tag: the correction is in the tail, not in the name
    assert "called by Lenin, in 1921" in reading_text(passage(root, "carr-ch1-p1"))


def test_surplus_letters_are_marked_not_removed(tmp_path: Path) -> None:
    rows = read_table(table(tmp_path, "carr-ch1-p1\tper ⟦e⟧cent.\te\t\tsurplus\t"
                                      "other: stray letter at the page break"))
    root = etree.fromstring(BOOK.encode())
    apply_rows(root, rows)
    p = passage(root, "carr-ch1-p1")
    assert "the per cent. of" in reading_text(p)
    surplus = p.find("t:surplus", NS)
    assert surplus.text == "e" and surplus.get("resp") == "#carr-ed"
    assert etree.QName(surplus.getprevious()).localname == "pb"


@pytest.mark.parametrize(("row", "code"), [
    # the "he" of "when he congress" is also inside "when": the fault this guards against
    ("carr-ch1-p1\twhen he congress\the\tthe\tspelling\tother: x", "ambiguous-target"),
    ("carr-ch1-p1\t⟦he⟧ ⟦he⟧\the\tthe\tspelling\tother: x", "ambiguous-target"),
    ("carr-ch1-p1\twhen ⟦hen⟧ congress\the\tthe\tspelling\tother: x", "ambiguous-target"),
    ("carr-ch1-p2\tThe congress\tcongress\tCongress\tspelling\tother: x", "ambiguous-context"),
    ("carr-ch1-p2\tThe senate\tsenate\tSenate\tspelling\tother: x", "ambiguous-context"),
    ("carr-ch1-p1\tby Lenin. in\tby Lenin\tby Lenin\tname\tother: x", "crosses-markup"),
    ("carr-ch1-p1\tdelegates—and the\tdelegates\tdelegate\tspelling\tother: x",
     "crosses-markup"),
    ("carr-ch9-p1\tThe congress\tThe\tthe\tspelling\tother: x", "unknown-id"),
])
def test_ambiguous_or_entangled_rows_are_refused(tmp_path: Path, row: str, code: str) -> None:
    root = etree.fromstring(BOOK.encode())
    before = etree.tostring(root)
    with pytest.raises(ExceptionGroup) as raised:
        apply_rows(root, read_table(table(tmp_path, row)))
    (failure,) = raised.value.exceptions
    assert isinstance(failure, CorrectionError) and failure.diagnostic.code == code
    assert failure.diagnostic.line == 2  # the table line, after the header
    assert etree.tostring(root) == before


@pytest.mark.parametrize("row", [
    "carr-ch1-p1\tx\tx",                                       # too few fields
    "carr-ch1-p1\tx y\tx\tz\tguess\tother: x",                  # unknown type
    "carr-ch1-p1\tx y\tx\t\tspelling\tother: x",                # a correction without corr
])
def test_malformed_rows_are_refused_with_their_line(tmp_path: Path, row: str) -> None:
    with pytest.raises(CorrectionError) as raised:
        read_table(table(tmp_path, row))
    assert raised.value.diagnostic.line == 2


def test_the_command_writes_nothing_when_one_row_is_refused(tmp_path: Path) -> None:
    path = book(tmp_path)
    before = path.read_bytes()
    good = "carr-ch1-p1\t. in 1921\t.\t,\tpunctuation\tstop-for-comma: before a year"
    bad = "carr-ch1-p1\twhen he congress\the\tthe\tspelling\tother: x"
    result = CliRunner().invoke(main, ["correct", "--tei-dir", str(path.parent),
                                       str(table(tmp_path, good, bad))])
    assert result.exit_code == 1
    assert "t.tsv:3:0: error:" in result.output and "[ambiguous-target]" in result.output
    assert "nothing written" in result.output
    assert path.read_bytes() == before


def test_the_command_applies_and_then_finds_everything_applied(tmp_path: Path) -> None:
    path = book(tmp_path)
    rows = table(tmp_path, "carr-ch1-p1\t. in 1921\t.\t,\tpunctuation\tstop-for-comma: x")
    dry = CliRunner().invoke(main, ["correct", "--dry-run", "--tei-dir", str(path.parent),
                                    str(rows)])
    assert dry.exit_code == 0 and path.read_text(encoding="utf-8") == BOOK
    first = CliRunner().invoke(main, ["correct", "--tei-dir", str(path.parent), str(rows)])
    assert first.exit_code == 0 and "1 applied" in first.output
    written = path.read_bytes()
    second = CliRunner().invoke(main, ["correct", "--tei-dir", str(path.parent), str(rows)])
    assert second.exit_code == 0 and "0 applied, 1 already" in second.output
    assert path.read_bytes() == written


def test_every_table_of_the_edition_is_in_the_books() -> None:
    """The sweep tables are the record: each row stands in its book, applied once."""
    tables = sorted(CORRECTIONS_DIR.glob("*.tsv"))
    rows = [row for path in tables for row in read_table(path)]
    for key, book_info in BOOKS.items():
        root = parse_tei(book_info.tei).getroot()
        mine = [row for row in rows if row.id.startswith(book_info.id_prefix + "-")]
        outcome = apply_rows(root, mine)
        assert not outcome.applied, [f"{r.table}:{r.line}" for r in outcome.applied][:5]
        assert len(outcome.already) == len(mine)
        # every row's class is the subtype of a correction in the book
        classes = Counter(c.get("subtype") for c in root.iterfind(".//t:text//t:corr", NS)
                          if c.get("subtype"))
        wanted = Counter(row.error_class for row in mine if row.type != "surplus")
        assert all(classes[k] >= n for k, n in wanted.items()), (classes, wanted)


def test_rows_whose_contexts_overlap_are_applied_once_each(tmp_path: Path) -> None:
    """Two corrections in one context ("In the ‘60s and ‘70s"): once both are made,
    neither context reads as it did, yet each row is found applied, not refused."""
    book_text = BOOK.replace("The congress met. The congress rose.",
                             "In the ‘60s and ‘70s its scene.")
    rows = read_table(table(
        tmp_path,
        "carr-ch1-p2\tIn the ‘60s and ‘70s\t‘60s\t’60s\tpunctuation\tquote-mark: a decade",
        "carr-ch1-p2\tand ‘70s its scene\t‘70s\t’70s\tpunctuation\tquote-mark: a decade"))
    root = etree.fromstring(book_text.encode())
    assert len(apply_rows(root, rows).applied) == 2
    assert reading_text(passage(root, "carr-ch1-p2")) == "In the ’60s and ’70s its scene."
    again = apply_rows(root, rows)
    assert (len(again.applied), len(again.already)) == (0, 2)
