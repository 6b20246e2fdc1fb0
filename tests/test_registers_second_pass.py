"""The registers after the second pass over names: groups of persons, dated place names,
facts the books state with their passages, distinct bodies kept distinct, and the index
of names showing them."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html

from transform.edition import TEI_DIR, TEI_NS
from transform.registers import read_registers
from transform.tei import reading_text
from transform.xmlsafe import parse_tei

NS = {"t": TEI_NS}


def registers():
    found = read_registers(TEI_DIR)
    return {kind: {e.id: e for e in entries} for kind, entries in found.items()}


def test_merged_persons_are_split_and_the_pairs_are_groups() -> None:
    persons = registers()["persons"]
    for group, members in (("webb", ("webb-sidney", "webb-beatrice")),
                           ("coates", ("coates-wp", "coates-zk"))):
        assert persons[group].is_group and persons[group].members == members
        for member in members:
            assert not persons[member].is_group and persons[member].groups == (group,)
            assert ";" not in persons[member].main_name.forenames
    # no person entry holds two people any more
    assert not [e.id for e in persons.values()
                if not e.is_group and ";" in (e.main_name.forenames if e.main_name else "")]
    # the brothers Keyes and the two Pooles are four people
    assert {"keyes", "keyes-roger", "poole", "poole-dewitt"} <= persons.keys()


def test_the_books_point_to_the_right_one_of_two_namesakes() -> None:
    book = parse_tei(TEI_DIR / "rothstein-history-ussr.xml").getroot()
    refs = {"".join(p.itertext()): p.get("ref")
            for p in book.xpath("//t:p[@xml:id='roth-ch3-s2-p8']//t:persName", namespaces=NS)}
    assert refs["Terence Keyes"] == "persons.xml#keyes"
    mr_poole = book.xpath("//t:p[@xml:id='roth-ch3-s2-p19']//t:persName[.='Poole']",
                          namespaces=NS)
    assert [p.get("ref") for p in mr_poole] == ["persons.xml#poole-dewitt"]


def test_distinct_bodies_stay_distinct() -> None:
    carr = parse_tei(TEI_DIR / "carr-russian-revolution.xml").getroot()
    # carr-ch1-p3 names both: "the first Petersburg Soviet" of 1905 and the Petrograd
    # Soviet of 1917
    tags = {"".join(o.itertext()): o.get("ref") for o in carr.xpath(
        "//t:p[@xml:id='carr-ch1-p3']//t:orgName", namespaces=NS)}
    assert tags["Petersburg Soviet"] == "orgs.xml#st-petersburg-soviet-1905"
    assert tags["Petrograd Soviet"] == "orgs.xml#petrograd-soviet"
    orgs = registers()["orgs"]
    assert "St Petersburg Soviet" not in {n.text for n in orgs["petrograd-soviet"].names}


def test_renamed_places_carry_their_names_with_dates_and_sources() -> None:
    petrograd = registers()["places"]["petrograd"]
    spans = {n.text: n.span for n in petrograd.dated_names}
    assert spans["St Petersburg"] == "to 1914"
    assert spans["Petrograd"] == "1914–1924"
    assert spans["Leningrad"].startswith("1924")
    stated = [n for n in petrograd.dated_names if n.source]
    assert stated and all(n.source.startswith("rothstein-history-ussr.xml#roth-")
                          for n in stated)


def test_facts_cite_passages_that_exist_and_say_them() -> None:
    """Each fact quotes its book: the words (apart from the editor's … and [insertions])
    stand in the passage it cites, quotation marks and dashes read alike."""
    books = {name: parse_tei(TEI_DIR / name).getroot()
             for name in ("carr-russian-revolution.xml", "rothstein-history-ussr.xml")}
    alike = str.maketrans("’‘“”–", "''\"\"-")
    count = 0
    for entries in registers().values():
        for entry in entries.values():
            for fact in entry.attested:
                file, _, passage = fact.source.partition("#")
                found = books[file].xpath("//*[@xml:id=$id]", id=passage)
                assert found, (entry.id, fact.source)
                text = reading_text(found[0], notes=True).translate(alike)
                pieces = [piece.strip(" .,;:'\"") for piece in
                          re.split(r"…|\[[^\]]*\]", fact.words.translate(alike))]
                assert all(piece in text for piece in pieces if piece), (entry.id, fact.words)
                count += 1
    assert count >= 150
    lenin = registers()["persons"]["lenin"]
    assert any(f.kind == "death" and "1924" in f.words for f in lenin.attested)


def test_the_index_shows_dated_names_groups_and_facts(real_site: Path) -> None:
    place = html.parse(str(real_site / "index" / "places" / "petrograd.html"))
    names = [li.text_content() for li in place.xpath("//ul[@class='dated-names']/li")]
    assert any(n.startswith("Petrograd (1914–1924)") for n in names)
    assert all(a.get("href").startswith("../../id/")
               for a in place.xpath("//ul[@class='dated-names']//a"))
    group = html.parse(str(real_site / "index" / "persons" / "webb.html"))
    members = [a.text_content() for a in group.xpath("//dt[.='Members']/following-sibling::dd[1]//a")]
    assert members == ["Webb, Sidney", "Webb, Beatrice"]
    lenin = html.parse(str(real_site / "index" / "persons" / "lenin.html"))
    facts = lenin.xpath("//ul[@class='entry-attested']/li")
    assert facts and all(li.xpath(".//a[starts-with(@href, '../../id/')]") for li in facts)
