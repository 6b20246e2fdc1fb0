"""The one reader of the registers: persons, places and organisations (tei/persons.xml,
places.xml, orgs.xml) as typed, immutable entries.

Every stage takes its register data from here: the annotator its mention forms, the
index of names its headings and entries, the site its hover cards and search filters.
What a register entry says is decided once: its main name, its life dates, its
one-line description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from transform.edition import NSMAP, REGISTER_FILES, REGISTER_KINDS
from transform.tei import XML_ID, T, reading_text
from transform.xmlsafe import parse_tei

# The entry element and the name element of each kind of register.
ENTRY_ELEMENTS = {"persons": "person", "places": "place", "orgs": "org"}
NAME_ELEMENTS = {"persons": "persName", "places": "placeName", "orgs": "orgName"}
# Which name is the entry's main one, in order of preference ("" is a name without @type).
MAIN_NAME_TYPES = ("index", "main", "reg", "full", "")
# Where an entry's one-line description is, in order of preference (compiled once).
_DESCRIPTIONS = tuple(etree.XPath(f"tei:{path}", namespaces=NSMAP) for path in (
    "note[@type='description']", "desc", "note[not(@type)]", "occupation"))
_YEAR = re.compile(r"-?\d{1,4}")
# The date attributes of att.datable that give a year, in order of preference: the exact
# date, then the earliest, then the latest bound of a range.
_YEAR_ATTRIBUTES = ("when", "notBefore", "from", "notAfter", "to")
_DOUBTFUL = ("low", "unknown")


@dataclass(frozen=True)
class Name:
    """One name of an entry: its reading text, its @type ("" if none), its parts."""

    text: str
    type: str
    surname: str = ""
    forenames: str = ""  # every forename, in order, one space apart
    additions: str = ""  # addName parts, one space apart
    sort_key: str = ""  # @sortKey


@dataclass(frozen=True)
class Authority:
    """An authority identifier of an entry (`idno`): its type (`geonames`) and value."""

    type: str
    value: str


@dataclass(frozen=True)
class DatedName:
    """A name an entry bore for a time (a renamed place): its years and, where a book
    states the renaming, the pointer to that passage."""

    text: str
    start: str  # a year, or "" (before the period)
    end: str  # a year, or "" (after it)
    source: str  # `carr-russian-revolution.xml#carr-ch10-p8`, or ""

    @property
    def span(self) -> str:
        """The years in words, as the index shows them: `1914–1924`, `to 1914`, `from 1924`."""
        if self.start and self.end:
            return f"{self.start}–{self.end}"
        return f"to {self.end}" if self.end else (f"from {self.start}" if self.start else "")


@dataclass(frozen=True)
class Attested:
    """A fact of the entry that a book states: its kind, the book's words, the passage."""

    kind: str  # birth, death, office, founded, renamed
    words: str
    source: str  # `rothstein-history-ussr.xml#roth-ch4-s4-p14`


@dataclass(frozen=True)
class Entry:
    """One person (or group of persons), place or organisation of a register."""

    kind: str  # persons, places, orgs
    id: str
    names: tuple[Name, ...]
    type: str  # @type: a place's or an organisation's kind ("" for persons)
    sort_key: str  # the entry's own @sortKey
    birth: str  # years, as `life_year` gives them
    death: str
    floruit: str
    occupation: str
    description: str
    authorities: tuple[Authority, ...]
    geo: tuple[float, float] | None  # latitude, longitude
    line: int
    dated_names: tuple[DatedName, ...] = ()
    attested: tuple[Attested, ...] = ()
    members: tuple[str, ...] = ()  # a group's members (person ids)
    groups: tuple[str, ...] = ()  # the groups a person belongs to (group ids)
    is_group: bool = False

    @property
    def ref(self) -> str:
        """The pointer a mention carries to this entry (`persons.xml#lenin`)."""
        return f"{REGISTER_FILES[self.kind]}#{self.id}"

    @property
    def main_name(self) -> Name | None:
        """The name the entry is known by: the first of the preferred types, or the first."""
        for wanted in MAIN_NAME_TYPES:
            for name in self.names:
                if name.type == wanted:
                    return name
        return self.names[0] if self.names else None

    @property
    def life(self) -> str:
        """A person's dates as every page shows them: `1870–1924`, `1870–`, `fl. 1905`."""
        if self.birth or self.death:
            return f"{self.birth}–{self.death}"
        return f"fl. {self.floruit}" if self.floruit else ""

    @property
    def kind_label(self) -> str:
        """A place's or organisation's kind in words (`state body`)."""
        return self.type.replace("-", " ")

    def names_of(self, *types: str) -> tuple[Name, ...]:
        return tuple(name for name in self.names if name.type in types)


def life_year(element: etree._Element | None) -> str:
    """The year a `birth`, `death` or `floruit` gives: from @when, else @notBefore or
    @from, else @notAfter or @to (a year's first digits, BCE with a minus), else the
    element's own text; `?` after a year whose @cert is low or unknown."""
    if element is None:
        return ""
    for attribute in _YEAR_ATTRIBUTES:
        match = _YEAR.match(element.get(attribute) or "")
        if match:
            doubt = "?" if element.get("cert") in _DOUBTFUL else ""
            return match.group(0) + doubt
    return reading_text(element)


def _name(element: etree._Element) -> Name:
    surname = element.find(f"{T}surname")
    return Name(
        reading_text(element), element.get("type") or "",
        reading_text(surname) if surname is not None else "",
        " ".join(reading_text(f) for f in element.iterfind(f"{T}forename")),
        " ".join(reading_text(a) for a in element.iterfind(f"{T}addName")),
        element.get("sortKey") or "")


def _geo(element: etree._Element) -> tuple[float, float] | None:
    geo = element.find(f"{T}location/{T}geo")
    if geo is None:
        return None
    try:
        latitude, longitude = (float(v) for v in (geo.text or "").split()[:2])
    except ValueError:
        return None
    return latitude, longitude


def read_entry(kind: str, element: etree._Element,
               relations: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None
               ) -> Entry:
    """One register entry (`person`, `personGrp`, `place` or `org` element) of the
    register `kind`; `relations` gives each id its members and its groups."""
    description = ""
    for find in _DESCRIPTIONS:
        found = find(element)
        if found:
            description = reading_text(found[0])
            break
    occupation = element.find(f"{T}occupation")
    related = (relations or {}).get(element.get(XML_ID, ""), ((), ()))
    return Entry(
        kind=kind,
        id=element.get(XML_ID, ""),
        names=tuple(_name(n) for n in element.iterfind(f"{T}{NAME_ELEMENTS[kind]}")),
        type=element.get("type") or "",
        sort_key=element.get("sortKey") or "",
        birth=life_year(element.find(f"{T}birth")),
        death=life_year(element.find(f"{T}death")),
        floruit=life_year(element.find(f"{T}floruit")),
        occupation=reading_text(occupation) if occupation is not None else "",
        description=description,
        authorities=tuple(Authority(idno.get("type") or "", (idno.text or "").strip())
                          for idno in element.iterfind(f"{T}idno")
                          if (idno.text or "").strip()),
        geo=_geo(element),
        line=element.sourceline or 0,
        dated_names=tuple(
            DatedName(reading_text(n), (n.get("from") or "")[:4], (n.get("to") or "")[:4],
                      n.get("source") or "")
            for n in element.iterfind(f"{T}{NAME_ELEMENTS[kind]}[@type='dated']")),
        attested=tuple(Attested(n.get("subtype") or "", reading_text(n), n.get("source") or "")
                       for n in element.iterfind(f"{T}note[@type='attested']")),
        members=related[0],
        groups=related[1],
        is_group=etree.QName(element).localname == "personGrp",
    )


def _relations(tree: etree._ElementTree) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each id, its members (a group) and its groups (a member), from the register's
    `relation name="member"` elements."""
    members: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    for relation in tree.getroot().iter(f"{T}relation"):
        if relation.get("name") != "member":
            continue
        group = (relation.get("passive") or "").lstrip("#")
        for member in (relation.get("active") or "").split():
            members.setdefault(group, []).append(member.lstrip("#"))
            groups.setdefault(member.lstrip("#"), []).append(group)
    return {key: (tuple(members.get(key, ())), tuple(groups.get(key, ())))
            for key in {*members, *groups}}


def read_register(kind: str, tree: etree._ElementTree) -> tuple[Entry, ...]:
    """Every entry with an xml:id of one register, in document order."""
    relations = _relations(tree)
    tags = [f"{T}{ENTRY_ELEMENTS[kind]}"] + ([f"{T}personGrp"] if kind == "persons" else [])
    return tuple(read_entry(kind, element, relations)
                 for element in tree.getroot().iter(*tags)
                 if element.get(XML_ID))


def register_paths(tei_dir: Path) -> dict[str, Path]:
    """The register files that exist in `tei_dir`, by kind."""
    return {kind: tei_dir / REGISTER_FILES[kind] for kind in REGISTER_KINDS
            if (tei_dir / REGISTER_FILES[kind]).exists()}


def read_registers(tei_dir: Path) -> dict[str, tuple[Entry, ...]]:
    """The entries of the registers that exist in `tei_dir`, by kind, in document order."""
    return {kind: read_register(kind, parse_tei(path))
            for kind, path in register_paths(tei_dir).items()}
