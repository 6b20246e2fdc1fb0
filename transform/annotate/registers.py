"""The shared registers as the annotator sees them: every entry with the forms that name it.

Reads tei/persons.xml, places.xml and orgs.xml (the authority, whatever built them) and
takes their mention forms: a person's variants (the register lists the bare surname as a
variant only where it is safe to look for it alone), a place's book name and variants, an
organisation's full name, abbreviations and variants. Honorifics (Mr,
General, Sir …) are taken off variants, because the edition tags the name without them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from transform.edition import NSMAP, TEI_DIR, XML_NS
from transform.xmlsafe import parse_tei

XML_ID = f"{{{XML_NS}}}id"

REGISTER_FILES = {"person": "persons.xml", "place": "places.xml", "org": "orgs.xml"}
ELEMENT_OF_KIND = {"person": "persName", "place": "placeName", "org": "orgName"}

# Taken off the front of a variant: the edition tags "Mr <persName>Churchill</persName>".
HONORIFICS = re.compile(
    r"^(?:Mr|Mrs|M\.|Dr|Sir|General|Lieut\.-General|Major-General|Field-Marshal|Admiral|"
    r"Captain|Colonel|President|Professor|Marshal|Senator|Ambassador|Mr Secretary|Secretary|"
    r"Patriarch|Metropolitan|Monsignor|Archbishop|Count|Baron|Prince|Tsar|Kaiser|King|"
    r"Herr|Ataman)\s+(?=\S)")

# Roman numerals and one-letter words never stand alone as a form.
TOO_SHORT = re.compile(r"^(?:[IVXLC]+|[A-Za-z]\.?)$")


@dataclass(frozen=True)
class Entry:
    """One register entry: its kind (person, place, org), id and where it points from a book."""

    kind: str
    id: str
    label: str

    @property
    def ref(self) -> str:
        return f"{REGISTER_FILES[self.kind]}#{self.id}"

    @property
    def element(self) -> str:
        return ELEMENT_OF_KIND[self.kind]


@dataclass
class Registers:
    """All entries, and for each mention form the entries it may name."""

    entries: dict[str, Entry] = field(default_factory=dict)
    forms: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    forenames: dict[str, set[str]] = field(default_factory=dict)  # person id -> forename words

    def add_form(self, form: str, entry: Entry) -> None:
        form = " ".join(form.split())
        if not form or TOO_SHORT.match(form):
            return
        if entry not in self.forms[form]:
            self.forms[form].append(entry)

    def refs(self) -> set[str]:
        return {entry.ref for entry in self.entries.values()}


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def load_registers(tei_dir: Path = TEI_DIR) -> Registers:
    """Read the three register files of `tei_dir` and derive every mention form."""
    registers = Registers()
    persons = parse_tei(tei_dir / REGISTER_FILES["person"]).getroot()
    for person in persons.iterfind(".//tei:person", NSMAP):
        index_name = person.find("tei:persName[@type='index']", NSMAP)
        forename_el = index_name.find("tei:forename", NSMAP)
        forename = _text(forename_el) if forename_el is not None else ""
        entry = Entry("person", person.get(XML_ID), _text(index_name))
        registers.entries[entry.id] = entry
        registers.forenames[entry.id] = {w for w in forename.split() if len(w) > 2}
        for variant in person.iterfind("tei:persName[@type='variant']", NSMAP):
            registers.add_form(HONORIFICS.sub("", _text(variant)), entry)
    places = parse_tei(tei_dir / REGISTER_FILES["place"]).getroot()
    for place in places.iterfind(".//tei:place", NSMAP):
        index_name = _text(place.find("tei:placeName[@type='index']", NSMAP))
        entry = Entry("place", place.get(XML_ID), index_name)
        registers.entries[entry.id] = entry
        registers.add_form(index_name, entry)
        for variant in place.iterfind("tei:placeName[@type='variant']", NSMAP):
            registers.add_form(_text(variant), entry)
    orgs = parse_tei(tei_dir / REGISTER_FILES["org"]).getroot()
    for org in orgs.iterfind(".//tei:org", NSMAP):
        full = _text(org.find("tei:orgName[@type='full']", NSMAP))
        entry = Entry("org", org.get(XML_ID), full)
        registers.entries[entry.id] = entry
        registers.add_form(full, entry)
        for variant in org.iterfind("tei:orgName[@type='abbr']", NSMAP):
            registers.add_form(_text(variant), entry)
        for variant in org.iterfind("tei:orgName[@type='variant']", NSMAP):
            registers.add_form(_text(variant), entry)
    return registers
