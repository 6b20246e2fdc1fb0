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

from transform.edition import REGISTER_FILES, TEI_DIR
from transform.registers import NAME_ELEMENTS, read_registers

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
    """One register entry: its kind (persons, places, orgs), id and where it points from a book."""

    kind: str
    id: str
    label: str

    @property
    def ref(self) -> str:
        return f"{REGISTER_FILES[self.kind]}#{self.id}"

    @property
    def element(self) -> str:
        return NAME_ELEMENTS[self.kind]


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


def load_registers(tei_dir: Path = TEI_DIR) -> Registers:
    """The registers of `tei_dir` (`transform.registers`) and every mention form they give."""
    registers = Registers()
    found = read_registers(tei_dir)
    for person in found["persons"]:
        index_name = person.names_of("index")[0]
        entry = Entry("persons", person.id, index_name.text)
        registers.entries[entry.id] = entry
        registers.forenames[entry.id] = {w for w in index_name.forenames.split() if len(w) > 2}
        for variant in person.names_of("variant"):
            registers.add_form(HONORIFICS.sub("", variant.text), entry)
    for place in found["places"]:
        entry = Entry("places", place.id, place.names_of("index")[0].text)
        registers.entries[entry.id] = entry
        for kind in ("index", "variant"):
            for name in place.names_of(kind):
                registers.add_form(name.text, entry)
    for org in found["orgs"]:
        entry = Entry("orgs", org.id, org.names_of("full")[0].text)
        registers.entries[entry.id] = entry
        for kind in ("full", "abbr", "variant"):
            for name in org.names_of(kind):
                registers.add_form(name.text, entry)
    return registers
