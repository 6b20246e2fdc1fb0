"""Headers that say what is true: their counts are generated from the text and checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from transform.cli import main
from transform.edition import BOOKS, TEI_NS
from transform.header import has_counts, refresh_header, stale_parts
from transform.validate import validate_paths
from transform.xmlsafe import parse_tei

NS = {"t": TEI_NS}
SMALL = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>
<publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p></sourceDesc></fileDesc>
<encodingDesc><editorialDecl><correction><p>Policy.</p></correction>
<interpretation><p>Policy.</p></interpretation></editorialDecl></encodingDesc></teiHeader>
<text><body><div><p xml:id="x-p1">A <persName ref="persons.xml#lenin">Lenin</persName> of
<choice><sic>teh</sic><corr type="spelling" subtype="letter-confusion">the</corr></choice>
<pb n="2"/>book.</p></div></body></text></TEI>
"""


def counts_paragraph(root: etree._Element, part: str) -> str:
    return root.findtext(f".//t:editorialDecl/t:{part}/t:p[@n='counts']", namespaces=NS)


def test_refresh_writes_the_counts_and_then_finds_nothing_to_do() -> None:
    root = etree.fromstring(SMALL.encode())
    assert not has_counts(root)
    assert refresh_header(root)
    assert has_counts(root) and stale_parts(root) == []
    assert not refresh_header(root)
    correction = counts_paragraph(root, "correction")
    assert "1 corrections (choice/sic/corr), by type: spelling 1" in correction
    assert "letter-confusion 1" in correction
    assert "1 persName (1 persons of the register)" in counts_paragraph(root, "interpretation")
    measures = {m.get("unit"): m.get("quantity")
                for m in root.iterfind(".//t:fileDesc/t:extent/t:measure", NS)}
    assert measures == {"words": "5", "pageBreaks": "1", "passages": "1"}
    usage = {u.get("gi"): u.get("occurs") for u in root.iterfind(".//t:tagUsage", NS)}
    assert usage["persName"] == "1" and usage["pb"] == "1" and usage["p"] == "1"


def test_a_changed_text_makes_the_header_stale(tmp_path: Path) -> None:
    root = etree.fromstring(SMALL.encode())
    refresh_header(root)
    p = root.find(".//t:body//t:p", NS)
    name = etree.SubElement(p, f"{{{TEI_NS}}}placeName", ref="places.xml#moscow")
    name.text = "Moscow"
    name.getprevious().tail = "book. "
    assert stale_parts(root) == ["extent", "tagsDecl", "interpretation"]
    path = tmp_path / "book.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    report = validate_paths([path])
    codes = [d.code for d in report.diagnostics if d.level == "error"]
    assert codes.count("header-counts") == 3
    message = next(d for d in report.diagnostics if d.code == "header-counts")
    assert "edition header" in message.message and message.line > 0
    check = CliRunner().invoke(main, ["header", "--check", str(path)])
    assert check.exit_code == 1 and "out of date" in check.output
    assert CliRunner().invoke(main, ["header", str(path)]).exit_code == 0
    assert CliRunner().invoke(main, ["header", "--check", str(path)]).exit_code == 0
    assert not [d for d in validate_paths([path]).diagnostics if d.code == "header-counts"]


@pytest.mark.parametrize("key", list(BOOKS))
def test_each_book_header_is_generated_and_true(key: str) -> None:
    root = parse_tei(BOOKS[key].tei).getroot()
    assert stale_parts(root) == [] and has_counts(root)
    text = root.find("t:text", NS)
    names = counts_paragraph(root, "interpretation")
    for gi in ("persName", "placeName", "orgName", "date"):
        figure = int(re.search(rf"([\d,]+) {gi}\b", names).group(1).replace(",", ""))
        assert figure == len(list(text.iter(f"{{{TEI_NS}}}{gi}"))) > 0
    choices = len(text.findall(".//t:choice/t:sic", NS))
    assert f"{choices:,} corrections" in counts_paragraph(root, "correction")
    prose = " ".join(root.find("t:teiHeader", NS).itertext())
    # the statements that once contradicted the book
    assert "No names, places or dates are tagged" not in prose
    assert "Counts: 125 corrections" not in prose


def test_the_header_command_keeps_the_books_current() -> None:
    result = CliRunner().invoke(main, ["header", "--check"])
    assert result.exit_code == 0, result.output
