"""Tag and normalise the dates of a TEI book: `date` with @when, @from/@to, and the calendar.

A TEI→TEI pass like the names pass (`transform.annotate.names`): every block of running
text is read as one string, the date expressions are found in it, and each is wrapped in
`date`. The pass

- never changes a character of the text, and never touches a date tagged before (by hand
  or by an earlier run): tagged dates are barriers, so a second run adds nothing;
- finds full dates ("March 3, 1918", "November 7th, 1917"), days of a month ("May 5th"),
  months ("March 1921", "in October"), years ("in 1905"), decades ("the 1920s", "the
  nineteen-twenties") and
  ranges ("1917-21", "April-May 1927", "December 9th to 23rd");
- gives a date without its year the year of its context: the same construction ("March
  8th and March 12th, 1917": certain), the same paragraph before it (`cert="medium"`) or
  an earlier paragraph of the same division (`cert="low"`); where there is none, `@when`
  holds month and day only ("--03-12");
- records the calendar of every date before the change of calendar (Russia counted by
  the Julian calendar until 31 January 1918, followed by 14 February 1918): a date
  written in the Julian calendar (Old Style) carries `calendar="#julian"`,
  `datingMethod="#julian"`, the date as written in `@when-custom` (`@from-custom`,
  `@to-custom`) and its Gregorian equivalent in `@when` (`@from`, `@to`), converted by
  `convertdate`; a Gregorian date of that time carries `calendar="#gregorian"`. Each
  book's default calendar (`DEFAULT_CALENDAR`) was established by reading it; a date
  decided by that default alone gets `cert="medium"`. A year alone has no calendar;
- takes the editors' decisions from `data/dates.txt`: the calendar of a date, its full
  reading where the context does not give it, or that a match is not a date;
- signs its tags `resp="#{book}-dates"` (a respStmt and a change in the header), so that
  `redo` can take them back and tag again, and hand-made dates stay.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from transform.annotate.names import blocks_of, localname, may_enclose
from transform.annotate.names import role_of as names_role_of
from transform.calendars import FIRST_GREGORIAN, LAST_JULIAN, julian_to_gregorian
from transform.edition import TEI_NS, XML_NS
from transform.tei import PLACEHOLDER, Role, WrapError, read_stream, unwrap, wrap_range

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
DATA_DIR = Path(__file__).resolve().parent / "data"

# How each book writes the dates of Russian events before February 1918, as read in it:
# Carr in the Julian calendar ("On October 25 (Old Style, equivalent to November 7 by the
# western calendar ...)"), Rothstein in the Gregorian ("Sunday, January 22nd, 1905";
# "November 7th" for the October revolution). Exceptions are in data/dates.txt.
DEFAULT_CALENDAR = {"carr": "julian", "rothstein": "gregorian"}

MONTHS = {name: n for n, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"], start=1)}
MONTHS.update({"Jan.": 1, "Feb.": 2, "Mar.": 3, "Apr.": 4, "Aug.": 8, "Sept.": 9,
               "Sep.": 9, "Oct.": 10, "Nov.": 11, "Dec.": 12})

_MONTH = r"(?:" + "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True)) + r")"
_ORD = r"(?:st|nd|rd|th)?"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_YEAR = r"(?:1[6-9]\d\d)"
_END = r"(?![\w’'])(?!,\d)"  # a number or word ends here (not "1,300", not "May 1st-class")
_DASH = r"\s?[-–]\s?"


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("MONTH", _MONTH).replace("ORD", _ORD)
                      .replace("DAY", _DAY).replace("YEAR", _YEAR).replace("END", _END)
                      .replace("DASH", _DASH))


# In order of preference: where two overlap, the first found and the longer wins.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # April-May 1927, May-July, 1928
    ("month-range", _p(r"(?<![\w-])(?P<m1>MONTH)DASH(?P<m2>MONTH),?\s(?P<y>YEAR)END")),
    # December 9th to 23rd, 1917; November 6th-7th
    ("day-range", _p(r"(?<![\w-])(?P<m>MONTH)\s(?P<d1>DAY)ORD(?:DASH|\sto\s)(?P<d2>DAY)ORD"
                     r"(?:,?\s(?P<y>YEAR))?END")),
    # May 10th and 15th: two days
    ("day-pair", _p(r"(?<![\w-])(?P<m>MONTH)\s(?P<d1>DAY)(?P<o1>ORD)\sand\s(?P<d2>DAY)ORD"
                    r"(?:,?\s(?P<y>YEAR))?END")),
    # March 3, 1918; November 7th, 1917; May 5th
    ("day", _p(r"(?<![\w-])(?P<m>MONTH)\s(?P<d>DAY)ORD(?:,?\s(?P<y>YEAR))?END")),
    # March 1921, March, 1921
    ("month", _p(r"(?<![\w-])(?P<m>MONTH),?\s(?P<y>YEAR)END")),
    # 1917-21, 1905-1907, 1917–1921
    ("year-range", _p(r"(?<![\w£$,./-])(?P<y1>YEAR)DASH(?P<y2>\d{4}|\d{1,2})(?![\w’'])(?![-–]?\d)")),
    # the 1920s
    ("decade", _p(r"(?<![\w£$,./-])(?P<y>1[6-9]\d0)(?:’|')?s\b")),
    # the nineteen-twenties
    ("decade-words", re.compile(r"(?<![\w-])(?P<c>[Ee]ighteen|[Nn]ineteen)[- ](?P<d>twenties|"
                                r"thirties|forties|fifties|sixties|seventies|eighties|nineties)"
                                r"(?![\w-])")),
    # 1905
    ("year", _p(r"(?<![\w£$,./])(?P<y>YEAR)(?![\w’'])(?!,\d)(?![.,]\d)")),
    # in October, by March
    ("bare-month", _p(r"(?<![\w-])(?P<m>MONTH)(?![\w’'-])")),
]
# The words before a month name without day or year that make it a date ("in October").
BEFORE_MONTH = frozenset(
    "in of since until till from to by during early late mid end beginning middle before "
    "after between and or that this last next until early-mid".split())
# Words after a year that make the number a quantity, not a date.
QUANTITY_AFTER = re.compile(
    r"\s(?:roubles|rubles|tons|tons,|men|members|votes|delegates|persons|people|copies|"
    r"kilometres|miles|km|pounds|dollars|poods|acres|hectares|desyatins|million|thousand)\b")
# Before a number, what makes it a page, a quantity or a reference, not a date.
NOT_BEFORE_YEAR = re.compile(r"(?:\bpp?\.|\bNo\.|\bnos?\.|£|\$|\bvol\.|\bpage)\s?$", re.I)


# Before a year alone, the words that make it the scene of what follows: "In 1921", "By 1928".
SCENE_BEFORE = re.compile(r"(?:^|[.;:!?]\s|\()\s*(?:In|By|During|Early in|Late in|At the end of|"
                          r"Throughout|From)\s(?:the\s(?:spring|summer|autumn|winter)\sof\s)?$")


@dataclass(frozen=True)
class Written:
    """A date as the book writes it (year, month or day may be unknown)."""

    year: int | None
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.year is None:
            return "--" + "-".join(f"{v:02d}" for v in (self.month, self.day) if v)
        return "-".join([f"{self.year:04d}"] + [f"{v:02d}" for v in (self.month, self.day)
                                                 if v])

    @classmethod
    def parse(cls, value: str) -> Written:
        if value.startswith("--"):
            parts = [int(p) for p in value[2:].split("-")]
            return cls(None, *parts)
        parts = [int(p) for p in value.split("-")]
        return cls(*parts)


@dataclass
class Found:
    """One date expression in a block's text."""

    start: int
    end: int
    kind: str
    first: Written
    last: Written | None = None  # the end of a range
    year_from: str = "text"  # text, shared, paragraph, context, none
    calendar: str = ""  # julian, gregorian, or "" (none recorded)
    calendar_by_default: bool = False
    decided: bool = False  # an editor's row of data/dates.txt applies

    @property
    def precise(self) -> bool:
        return self.first.month is not None


@dataclass(frozen=True)
class Decision:
    """One row of data/dates.txt."""

    passage: str
    text: str
    occurrence: int
    calendar: str  # julian, gregorian, keep, skip
    written: str  # ISO as written ("1917-10-25", "1917-03-08/1917-03-12") or "-"
    note: str


def read_decisions(path: Path = DATA_DIR / "dates.txt") -> dict[tuple[str, str, int], Decision]:
    """The editors' decisions: passage id | text | occurrence | calendar | written | note."""
    decisions: dict[tuple[str, str, int], Decision] = {}
    if not path.exists():
        return decisions
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != 6 or fields[3] not in {"julian", "gregorian", "keep", "skip"}:
            raise ValueError(f"{path}:{number}: expected 'passage | text | occurrence | "
                             "julian|gregorian|keep|skip | written or - | note'")
        decision = Decision(fields[0], fields[1], int(fields[2] or 1), fields[3], fields[4],
                            fields[5])
        decisions[(decision.passage, decision.text, decision.occurrence)] = decision
    return decisions


def role_of(element: etree._Element) -> Role:
    """As for names, and a date or number tagged before is a barrier."""
    if localname(element) in {"date", "num", "time"}:
        return Role.BARRIER
    return names_role_of(element)


def _year(value: str | None) -> int | None:
    return int(value) if value else None


def _range_end(start: int, value: str) -> int | None:
    """The end year of "1917-21" (21 → 1921); None when it is not later than the start."""
    if len(value) == 4:
        end = int(value)
    else:
        base = start - start % (10 ** len(value))
        end = base + int(value)
    return end if end > start else None


def find_dates(text: str) -> list[Found]:
    """Every date expression in `text`, left to right, without overlaps."""
    taken: list[tuple[int, int]] = []
    found: list[Found] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not free(start, end) or PLACEHOLDER in match.group(0):
                continue
            g = match.groupdict()
            items: list[Found] = []
            if kind == "month-range":
                y = int(g["y"])
                items = [Found(start, end, kind, Written(y, MONTHS[g["m1"]]),
                               Written(y, MONTHS[g["m2"]]))]
            elif kind == "day-range":
                m, y = MONTHS[g["m"]], _year(g["y"])
                if int(g["d2"]) <= int(g["d1"]):
                    continue
                items = [Found(start, end, kind, Written(y, m, int(g["d1"])),
                               Written(y, m, int(g["d2"])))]
            elif kind == "day-pair":
                m, y = MONTHS[g["m"]], _year(g["y"])
                second = match.start("d2")
                items = [Found(start, match.end("o1"), "day", Written(y, m, int(g["d1"]))),
                         Found(second, end, "day", Written(y, m, int(g["d2"])))]
                if y is not None:
                    items[0].year_from = "shared"
            elif kind == "day":
                items = [Found(start, end, kind, Written(_year(g["y"]), MONTHS[g["m"]],
                                                         int(g["d"])))]
            elif kind == "month":
                items = [Found(start, end, kind, Written(int(g["y"]), MONTHS[g["m"]]))]
            elif kind == "year-range":
                y1 = int(g["y1"])
                y2 = _range_end(y1, g["y2"])
                if y2 is None or y2 > 1999 or NOT_BEFORE_YEAR.search(text[:start]):
                    continue
                items = [Found(start, end, kind, Written(y1), Written(y2))]
            elif kind == "decade":
                y = int(g["y"])
                items = [Found(start, end, kind, Written(y), Written(y + 9))]
            elif kind == "decade-words":
                tens = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                        "eighties", "nineties"].index(g["d"]) + 2
                y = (1800 if g["c"].lower() == "eighteen" else 1900) + tens * 10
                items = [Found(start, end, "decade", Written(y), Written(y + 9))]
            elif kind == "year":
                if NOT_BEFORE_YEAR.search(text[:start]) or QUANTITY_AFTER.match(text, end):
                    continue
                items = [Found(start, end, kind, Written(int(g["y"])))]
            elif kind == "bare-month":
                before = re.findall(r"[\w-]+", text[max(0, start - 20):start])
                if not before or before[-1].lower().rstrip("-") not in BEFORE_MONTH:
                    continue
                if g["m"].endswith("."):
                    continue
                items = [Found(start, end, kind, Written(None, MONTHS[g["m"]]))]
            for item in items:
                taken.append((item.start, item.end))
                found.append(item)
    found.sort(key=lambda f: f.start)
    _share_years(text, found)
    return found


def _share_years(text: str, found: list[Found]) -> None:
    """A yearless day followed by a dated one in the same construction takes its year:
    "Between March 8th and March 12th, 1917"."""
    for here, after in zip(found, found[1:]):
        if here.first.year is None and after.first.year is not None and here.first.day:
            between = text[here.end:after.start]
            if re.fullmatch(r"\s*(?:,|and|or|to|–|-)\s*", between):
                here.first = Written(after.first.year, here.first.month, here.first.day)
                if here.last:
                    here.last = Written(after.first.year, here.last.month, here.last.day)
                here.year_from = "shared"


# ------------------------------------------------------------------ calendars


def _key(w: Written, last: bool = False) -> tuple[int, int, int]:
    return (w.year or 0, w.month or (12 if last else 1), w.day or (31 if last else 1))


def before_switch(w: Written, calendar: str) -> bool:
    """Whether the written date falls before the change of calendar (so the two differ)."""
    if w.year is None or w.month is None:
        return False
    if w.day is None:
        return (w.year, w.month) < (1918, 2)
    return _key(w) <= LAST_JULIAN if calendar == "julian" else _key(w) < FIRST_GREGORIAN


def calendar_id(prefix: str, calendar: str) -> str:
    """The xml:id of a calendar in a file's calendarDesc: carr-julian, roth-gregorian."""
    return f"{prefix}-{calendar}"


def attributes(found: Found, prefix: str) -> dict[str, str]:
    """The TEI attributes of one date; `prefix` names the file's calendars."""
    attrs: dict[str, str] = {}
    first, last = found.first, found.last
    if found.calendar == "julian" and first.year is not None and first.month is not None:
        attrs["calendar"] = attrs["datingMethod"] = "#" + calendar_id(prefix, "julian")
        if last is None:
            attrs["when-custom"] = first.iso()
            if first.day:
                attrs["when"] = julian_to_gregorian(first.iso())
            else:
                attrs["from"] = julian_to_gregorian(first.iso())
                attrs["to"] = julian_to_gregorian(first.iso(), last=True)
        else:
            attrs["from-custom"] = first.iso()
            attrs["to-custom"] = last.iso()
            attrs["from"] = julian_to_gregorian(first.iso())
            attrs["to"] = julian_to_gregorian(last.iso(), last=True)
    else:
        if found.calendar == "gregorian":
            attrs["calendar"] = "#" + calendar_id(prefix, "gregorian")
        if last is None:
            attrs["when"] = first.iso()
        else:
            attrs["from"] = first.iso()
            attrs["to"] = last.iso()
    cert = {"paragraph": "medium", "context": "low"}.get(found.year_from, "")
    if found.calendar_by_default and cert != "low":
        cert = "medium"
    if cert and not found.decided:
        attrs["cert"] = cert
    return attrs


# ------------------------------------------------------------------ the pass


@dataclass
class DatesRun:
    """What the pass did to one book."""

    path: str
    added: Counter[str] = field(default_factory=Counter)  # by kind
    year_from: Counter[str] = field(default_factory=Counter)
    calendars: Counter[str] = field(default_factory=Counter)
    existing: int = 0
    skipped: int = 0
    unwrappable: list[tuple[str, str]] = field(default_factory=list)
    switch_dates: list[tuple[str, str, int, str, str, str]] = field(default_factory=list)
    yearless: list[tuple[str, str, int, str]] = field(default_factory=list)
    unused_decisions: list[Decision] = field(default_factory=list)


def dates_id(root: etree._Element) -> str:
    return f"{root.get(XML_ID) or 'edition'}-dates"


def _passage_id(block: etree._Element) -> str:
    for element in (block, *block.iterancestors()):
        if element.get(XML_ID):
            return element.get(XML_ID)
    return ""


def _division(block: etree._Element) -> etree._Element | None:
    for ancestor in block.iterancestors():
        if localname(ancestor) == "div":
            return ancestor
    return None


def _snippet(text: str, start: int, end: int) -> str:
    left = text[max(0, start - 60):start].replace(PLACEHOLDER, "·")
    right = text[end:end + 40].replace(PLACEHOLDER, "·")
    return " ".join(f"{left}[{text[start:end]}]{right}".split())


def date_tree(root: etree._Element, book: str, path: str = "", *, redo: bool = False,
              decisions: dict[tuple[str, str, int], Decision] | None = None) -> DatesRun:
    """Tag every date expression of the TEI book `root` in place; return what was done."""
    decisions = read_decisions() if decisions is None else decisions
    default = DEFAULT_CALENDAR.get(book, "gregorian")
    run = DatesRun(path)
    own = "#" + dates_id(root)
    prefix = _book_prefix(root).rstrip("-")
    if redo:
        for element in list(root.iter(T + "date")):
            if element.get("resp") == own:
                unwrap(element)
    run.existing = sum(1 for _ in root.find(T + "text").iter(T + "date")) if root.find(
        T + "text") is not None else 0
    used: set[tuple[str, str, int]] = set()
    # The year the narrative is in, for the dates without one: set by a date with its
    # year, carried from block to block within a division.
    year: int | None = None
    precise = False  # set by a day or a month, not by a year alone
    division_seen: etree._Element | None = None
    for block in blocks_of(root):
        if localname(block) == "note" and block.get("type") == "editorial":
            continue
        division = _division(block)
        if division is not division_seen:
            division_seen, year, precise = division, None, False
        year_here = False  # `year` was set in this block
        stream = read_stream(block, role_of)
        text = stream.text
        passage = _passage_id(block)
        found = find_dates(text)
        seen: Counter[str] = Counter()
        keep: list[Found] = []
        for item in found:
            printed = " ".join(text[item.start:item.end].split())
            seen[printed] += 1
            key = (passage, printed, seen[printed])
            decision = decisions.get(key)
            if decision:
                used.add(key)
            if decision and decision.calendar == "skip":
                run.skipped += 1
                continue
            if item.first.year is None:
                item.year_from = ("paragraph" if year_here else "context") if year else "none"
                if year:
                    item.first = Written(year, item.first.month, item.first.day)
                    if item.last:
                        item.last = Written(year, item.last.month, item.last.day)
            if decision and decision.written not in ("", "-"):
                parts = decision.written.split("/")
                item.first = Written.parse(parts[0])
                item.last = Written.parse(parts[1]) if len(parts) > 1 else None
                item.year_from = "editor"
            # A day or month with its year sets the narrative's year. A year alone sets
            # it when it sets the scene ("In 1921", "By 1928"), when no day or month has
            # set it, or when it is later: "before 1914" in a story of 1923 looks back. A
            # range of years sets nothing, and unsets a year that a year alone had set.
            if item.year_from in ("text", "shared", "editor") and item.first.year:
                if item.last and item.last.year != item.first.year:
                    if not precise:
                        year = None
                elif item.first.month is not None:
                    year, precise, year_here = item.first.year, True, True
                elif (year is None or not precise or item.first.year > year
                      or SCENE_BEFORE.search(text[:item.start])):
                    year, precise, year_here = item.first.year, False, True
            calendar = decision.calendar if decision and decision.calendar in (
                "julian", "gregorian") else ""
            if before_switch(item.first, calendar or default):
                item.calendar = calendar or default
                item.calendar_by_default = decision is None
                run.switch_dates.append((passage, printed, seen[printed], item.calendar,
                                         item.first.iso(), _snippet(text, item.start,
                                                                    item.end)))
            elif calendar:
                item.calendar = calendar
            item.decided = decision is not None
            if item.year_from == "none":
                run.yearless.append((passage, printed, seen[printed],
                                     _snippet(text, item.start, item.end)))
            keep.append(item)
        for item in reversed(keep):
            element = etree.Element(T + "date")
            for name, value in attributes(item, prefix).items():
                element.set(name, value)
            element.set("resp", own)
            try:
                wrap_range(stream, item.start, item.end, element, may_enclose, role_of)
            except WrapError as error:
                run.unwrappable.append((_snippet(text, item.start, item.end), str(error)))
                continue
            run.added[item.kind] += 1
            run.year_from[item.year_from] += 1
            if item.calendar:
                run.calendars[item.calendar] += 1
    run.unused_decisions = [d for k, d in decisions.items()
                            if k not in used and k[0].startswith(_book_prefix(root))]
    if sum(run.added.values()):
        sign_header(root, own[1:], prefix)
    return run


def _book_prefix(root: etree._Element) -> str:
    return (root.get(XML_ID) or "").removesuffix("-book") + "-"


CALENDARS = {
    "julian": "Julian calendar (Old Style), in use in Russia until 31 January 1918; "
              "in the twentieth century 13 days behind the Gregorian (12 days in the "
              "nineteenth).",
    "gregorian": "Gregorian calendar (New Style), in use in Russia from 14 February 1918.",
}


def sign_header(root: etree._Element, resp_id: str, prefix: str) -> None:
    """Record the pass once: a respStmt, a change, and the calendars in profileDesc."""
    header = root.find(T + "teiHeader")
    if header is None:
        return
    if not root.xpath("//*[@xml:id=$i]", i=resp_id):
        title_stmt = header.find(f"{T}fileDesc/{T}titleStmt")
        resp_stmt = etree.Element(T + "respStmt")
        resp_stmt.set(XML_ID, resp_id)
        etree.SubElement(resp_stmt, T + "resp").text = (
            "automatic tagging and normalisation of dates, with their calendar")
        etree.SubElement(resp_stmt, T + "name").text = "edition dates"
        respons = [c for c in title_stmt if localname(c) in {"author", "editor", "respStmt"}]
        (respons[-1] if respons else title_stmt[-1]).addnext(resp_stmt)
        revision = header.find(f"{T}revisionDesc")
        if revision is not None:
            change = etree.SubElement(revision, T + "change")
            change.set("who", "#" + resp_id)
            change.text = (f"Dates tagged by edition dates: date with @when or @from/@to, "
                           f"each with resp=\"#{resp_id}\"; dates before February 1918 with "
                           "their calendar.")
    profile = header.find(T + "profileDesc")
    if profile is None:
        profile = etree.Element(T + "profileDesc")
        after = header.find(T + "encodingDesc") or header.find(T + "fileDesc")
        after.addnext(profile)
    if profile.find(T + "calendarDesc") is None:
        desc = etree.SubElement(profile, T + "calendarDesc")
        for name in ("julian", "gregorian"):
            calendar = etree.SubElement(desc, T + "calendar")
            calendar.set(XML_ID, calendar_id(prefix, name))
            etree.SubElement(calendar, T + "p").text = CALENDARS[name]


def format_report(run: DatesRun, switch: bool = False) -> str:
    lines = [f"{run.path}: {sum(run.added.values())} dates added "
             f"({', '.join(f'{k} {v}' for k, v in sorted(run.added.items()))}); "
             f"year from: {', '.join(f'{k} {v}' for k, v in sorted(run.year_from.items()))}; "
             f"calendars: {', '.join(f'{k} {v}' for k, v in sorted(run.calendars.items()))}; "
             f"{run.skipped} skipped by data/dates.txt"]
    for snippet, error in run.unwrappable:
        lines.append(f"  not tagged ({error}): {snippet}")
    for decision in run.unused_decisions:
        lines.append(f"  unused row of data/dates.txt: {decision.passage} | {decision.text} "
                     f"| {decision.occurrence}")
    if switch:
        lines.append("  dates before the change of calendar "
                     "(passage | text | occurrence | calendar | as written | context):")
        for row in run.switch_dates:
            lines.append("  " + " | ".join(str(v) for v in row))
        lines.append("  dates whose year neither the text nor its context gives "
                     "(passage | text | occurrence | context):")
        for row in run.yearless:
            lines.append("  " + " | ".join(str(v) for v in row))
    return "\n".join(lines)
