"""The register of events (tei/events.xml) as plain data, for the site and the downloads.

Each `Event` holds its stable id, label, type, one-line description (its text and its
names), its dates (Gregorian; the Julian date as Russia wrote it where there is one), the
people, places and organisations it involves, and, per book, the passages (paragraph and
note ids) that narrate it, in the order of the book. `EventRegister.by_passage` answers
"which events does this passage narrate"; `by_entry` "which events does this person, place
or organisation take part in".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from transform.calendars import both_calendars, spoken
from transform.edition import TEI_DIR, TEI_NS, XML_NS
from transform.xmlsafe import parse_tei

EVENTS_FILE = "events.xml"
_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_NAMES = {f"{_T}persName": "persons", f"{_T}placeName": "places", f"{_T}orgName": "orgs"}
# The linkGrp subtype of each book's passages, by the book's key.
BOOK_SUBTYPES = {"carr": "carr", "rothstein": "roth"}
FIRST_YEAR, LAST_YEAR = 1861, 1950


@dataclass(frozen=True)
class Participant:
    kind: str  # persons, places, orgs
    entry_id: str
    name: str  # as the register's description of the event writes it


@dataclass(frozen=True)
class Event:
    id: str
    label: str
    type: str
    description: str
    start: str  # Gregorian ISO (a year, a month or a day)
    end: str  # the same as start for an event of one date
    julian: str  # the date as Russia wrote it (Julian), "" if none: "1917-10-25"
    julian_end: str
    cert: str
    participants: tuple[Participant, ...]
    passages: dict[str, tuple[str, ...]] = field(default_factory=dict)  # book key → ids

    @property
    def year(self) -> int:
        return int(self.start[:4])

    @property
    def end_year(self) -> int:
        return int(self.end[:4])

    @property
    def years(self) -> range:
        return range(self.year, self.end_year + 1)

    def date_label(self) -> str:
        """'7 November 1917', '1918 – 1920', with '(about)' for an uncertain date."""
        text = spoken(self.start) if self.start == self.end else (
            f"{spoken(self.start)} – {spoken(self.end)}")
        return text + (" (approximately)" if self.cert in ("medium", "low") else "")

    def both_calendars(self) -> str | None:
        """'25 October 1917 (Old Style) = 7 November 1917 (New Style)' for an event dated
        in the Julian calendar; None otherwise."""
        if not self.julian:
            return None
        attrs = {"calendar": "#julian", "when-custom": self.julian}
        if self.julian_end != self.julian:
            attrs = {"calendar": "#julian", "from-custom": self.julian,
                     "to-custom": self.julian_end}
        if self.start == self.end and len(self.start) == 10:
            attrs["when"] = self.start
        else:
            attrs["from"], attrs["to"] = self.start, self.end
        return both_calendars(attrs)


@dataclass
class EventRegister:
    events: list[Event]
    by_passage: dict[str, list[Event]] = field(default_factory=dict)
    by_entry: dict[tuple[str, str], list[Event]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        passages: dict[str, list[Event]] = defaultdict(list)
        entries: dict[tuple[str, str], list[Event]] = defaultdict(list)
        for event in self.events:
            for ids in event.passages.values():
                for passage in ids:
                    passages[passage].append(event)
            for participant in {(p.kind, p.entry_id) for p in event.participants}:
                entries[participant].append(event)
        self.by_passage = dict(passages)
        self.by_entry = dict(entries)

    def get(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _participants(event: etree._Element) -> tuple[Participant, ...]:
    found: list[Participant] = []
    seen: set[tuple[str, str]] = set()
    for holder in (event.find(f"{_T}desc"), *event.findall(f"{_T}note[@type='participants']")):
        if holder is None:
            continue
        for name in holder.iter(*_NAMES):
            ref = (name.get("ref") or "").split()
            if not ref or "#" not in ref[0]:
                continue
            key = (_NAMES[name.tag], ref[0].split("#", 1)[1])
            if key not in seen:
                seen.add(key)
                found.append(Participant(*key, _text(name)))
    return tuple(found)


def _event(element: etree._Element) -> Event:
    start = element.get("when") or element.get("from") or element.get("notBefore") or ""
    end = element.get("when") or element.get("to") or element.get("notAfter") or start
    julian = element.get("when-custom") or element.get("from-custom") or ""
    julian_end = element.get("when-custom") or element.get("to-custom") or julian
    passages: dict[str, tuple[str, ...]] = {}
    for key, subtype in BOOK_SUBTYPES.items():
        ids = [ptr.get("target", "").partition("#")[2]
               for group in element.findall(f"{_T}linkGrp[@type='narration'][@subtype='{subtype}']")
               for ptr in group.findall(f"{_T}ptr")]
        if ids:
            passages[key] = tuple(ids)
    return Event(element.get(_XML_ID, ""), _text(element.find(f"{_T}label")),
                 element.get("type", "other"), _text(element.find(f"{_T}desc")), start, end,
                 julian, julian_end, element.get("cert", ""), _participants(element), passages)


def load_events(tei_dir: Path = TEI_DIR) -> EventRegister:
    """The register of events in `tei_dir`, in order of date (empty if there is none)."""
    path = tei_dir / EVENTS_FILE
    if not path.exists():
        return EventRegister([])
    root = parse_tei(path).getroot()
    events = [_event(e) for e in root.iter(f"{_T}event")]
    events.sort(key=lambda e: (e.start.ljust(10, "0"), e.end.ljust(10, "9"), e.id))
    return EventRegister(events)


def passage_years(element: etree._Element) -> list[int]:
    """The years 1861-1950 the dates tagged in a passage name (a range: each of its
    years, unless it spans more than ten, which is an era rather than a time told)."""
    years: list[int] = []
    for date in element.iter(f"{_T}date"):
        first = (date.get("when") or date.get("from") or "")[:4]
        last = (date.get("when") or date.get("to") or "")[:4]
        if not (first.isdigit() and last.isdigit()):
            continue
        a, b = int(first), int(last)
        if b - a > 9:
            continue
        years.extend(y for y in range(a, b + 1) if FIRST_YEAR <= y <= LAST_YEAR)
    return years
