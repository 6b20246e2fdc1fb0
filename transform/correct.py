"""Corrections made in the TEI: a table of readings applied as `choice/sic/corr`.

After up-conversion the TEI is the source of truth, so a correction found later (by
`edition proof`, by a sweep for one class of OCR error, by a reader) is made in the
TEI itself, not in the reader's tables. `edition correct TABLE` applies a table of
them; the table stays in the project as the record of the sweep (`transform/corrections/`).

One row of a table (tab-separated, a header line, `#` lines are comments):

    id  context  sic  corr  type  note

`id` is the xml:id of the passage (paragraph, note, head, item); `context` a stretch
of its reading text (as a reader sees it: corrected readings, whitespace collapsed)
that occurs there exactly once and holds `sic` exactly once, or marks it as
`⟦sic⟧` where the letters of `sic` occur more than once (`⟦e⟧cent.`); `sic` the
printed reading, `corr` the correction (empty with type `surplus`: the letters are
marked as surplus); `type` becomes `corr/@type`; `note` starts with the class of the
error (`stop-for-comma: …`), which becomes `corr/@subtype`.

The tool refuses, and writes nothing, when a row is ambiguous: the context is not in
the passage exactly once, `sic` is not in the context exactly once, or the reading
crosses markup (a name's edge, an earlier correction). A row already applied (the
passage reads the corrected context with `corr` in place) is left alone, so a table
can be applied again and again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from transform.diagnostics import Diagnostic, display_path
from transform.edition import TEI_NS, XML_NS
from transform.tei import (
    BREAKS,
    NOT_READING,
    NOTE,
    PLACEHOLDER,
    Role,
    TextStream,
    WrapError,
    read_stream,
    wrap_range,
)

T = f"{{{TEI_NS}}}"
CORRECTIONS_DIR = Path(__file__).with_name("corrections")
XML_ID = f"{{{XML_NS}}}id"
FIELDS = ("id", "context", "sic", "corr", "type", "note")
TYPES = frozenset({"spelling", "punctuation", "dash", "join", "split", "number", "name",
                   "surplus"})
CLASS = re.compile(r"([a-z][a-z-]*[a-z]):")
OPEN, CLOSE = "⟦", "⟧"


class CorrectionError(ValueError):
    """A row that cannot be applied; `diagnostic` says where and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class Row:
    """One correction of a table, with the table line it stands on."""

    table: str
    line: int
    id: str
    context: str
    sic: str
    corr: str
    type: str
    note: str

    @property
    def error_class(self) -> str | None:
        match = CLASS.match(self.note)
        return match.group(1) if match else None

    def fail(self, message: str, code: str) -> CorrectionError:
        return CorrectionError(Diagnostic(self.table, self.line, 0, "error", message, code))

    def located(self) -> tuple[str, int]:
        """The context without its marks and where `sic` starts in it.

        Raises CorrectionError when the target is not exactly one place in the context.
        """
        try:
            return target_in_context(self.context, self.sic)
        except ValueError as error:
            raise self.fail(str(error), "ambiguous-target") from None


def target_in_context(context: str, sic: str) -> tuple[str, int]:
    """`context` without its ⟦ ⟧ marks and where `sic` starts in it.

    Raises ValueError, saying how to mend the row, unless the context marks `sic` once
    or holds it exactly once: a correction must never land on the wrong letters (the
    `he` of "when he congress" is also inside "when").
    """
    if OPEN in context or CLOSE in context:
        if (context.count(OPEN), context.count(CLOSE)) != (1, 1):
            raise ValueError(f"the context {context!r} must mark exactly one reading "
                             "with ⟦…⟧")
        start = context.index(OPEN)
        marked = context[start + 1:context.index(CLOSE)]
        if marked != sic:
            raise ValueError(f"the context {context!r} marks {marked!r}, not the sic {sic!r}")
        return context.replace(OPEN, "").replace(CLOSE, ""), start
    found = context.count(sic) if sic else 0
    if found != 1:
        raise ValueError(
            f"the sic {sic!r} occurs {found} times in the context {context!r}; lengthen "
            f"the context or mark the reading meant as ⟦{sic}⟧")
    return context, context.index(sic)


def target_in_text(text: str, context: str, sic: str) -> int:
    """Where `sic` starts in `text` (a line of a witness), by `context` (which may mark
    it as ⟦sic⟧). Raises ValueError unless the context occurs in the text exactly once
    and holds its target once (`target_in_context`)."""
    context, within = target_in_context(context, sic)
    if text.count(context) != 1:
        raise ValueError(f"the context {context!r} is not unique in the line: it occurs "
                         f"{text.count(context)} times")
    return text.index(context) + within


def read_table(path: Path) -> list[Row]:
    """The rows of a corrections table; CorrectionError for a malformed one."""
    shown = display_path(path)
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, text) for n, text in enumerate(handle, 1)
                 if text.strip() and not text.startswith("#")]
    if not lines:
        return rows
    header_line, header = lines[0]
    if tuple(header.rstrip("\r\n").split("\t")) != FIELDS:
        raise CorrectionError(Diagnostic(
            shown, header_line, 1, "error",
            "the header must be the fields " + ", ".join(FIELDS) + " separated by tabs",
            "table-header"))
    for number, text in lines[1:]:
        cells = text.rstrip("\r\n").split("\t")
        if len(cells) != len(FIELDS):
            raise CorrectionError(Diagnostic(
                shown, number, 1, "error",
                f"{len(cells)} fields, not {len(FIELDS)} ({', '.join(FIELDS)}), separated by tabs",
                "table-row"))
        row = Row(shown, number, *cells)
        if row.type not in TYPES:
            raise row.fail(f"type {row.type!r} is not one of {', '.join(sorted(TYPES))}",
                           "table-row")
        if (row.type == "surplus") != (row.corr == ""):
            raise row.fail("a surplus row has an empty corr, every other row a corr",
                           "table-row")
        rows.append(row)
    return rows


# ------------------------------------------------------------------ reading text map

# The editors' readings (left out of the text as printed) and the printed ones (left out of
# the reading text); an earlier intervention is never cut into.
EDITORIAL = frozenset(T + n for n in ("corr", "reg", "supplied", "expan"))
PRINTED_ONLY = frozenset(T + n for n in ("sic", "orig", "surplus"))
GUARDED = EDITORIAL | {T + "abbr"}


def _role_of(printed: bool) -> Callable[[etree._Element], Role]:
    """How an element takes part in the reading text (or, `printed`, in the text as the
    witness prints it): a break is a space unless it joins a word, a note stands apart."""
    hidden = (EDITORIAL | {T + "fw"}) if printed else NOT_READING

    def role_of(element: etree._Element) -> Role:
        if element.tag in BREAKS:
            return Role.ZERO_WIDTH if element.get("break") == "no" else Role.BARRIER
        if element.tag == NOTE:
            return Role.BARRIER
        return Role.ZERO_WIDTH if element.tag in hidden else Role.TRANSPARENT

    return role_of


@dataclass
class Reading:
    """A passage's text stream (`transform.tei.read_stream`) and its reading text as
    `transform.tei.reading_text` gives it (whitespace collapsed, a break a space, notes
    left out), with the stream offset of each character of the reading."""

    stream: TextStream
    text: str
    offsets: list[int]

    @classmethod
    def of(cls, passage: etree._Element, *, printed: bool = False) -> Reading:
        stream = read_stream(passage, _role_of(printed))
        chars: list[str] = []
        offsets: list[int] = []
        for at, char in enumerate(stream.text):
            if char == PLACEHOLDER:
                if stream.barrier_text.get(at):
                    continue  # a note: not part of the passage's reading
                char = " "  # a break between words
            if char.isspace():
                if not chars or chars[-1] == " ":
                    continue
                char = " "
            chars.append(char)
            offsets.append(at)
        while chars and chars[-1] == " ":
            chars.pop()
            offsets.pop()
        return cls(stream, "".join(chars), offsets)

    def span(self, start: int, length: int) -> tuple[int, int]:
        """The stream offsets of reading[start:start + length]."""
        return self.offsets[start], self.offsets[start + length - 1] + 1


def _within(element: etree._Element, passage: etree._Element) -> Iterator[etree._Element]:
    """`element` and its ancestors up to (not including) the passage."""
    while element is not None and element is not passage:
        yield element
        element = element.getparent()


# ------------------------------------------------------------------ applying


@dataclass
class Outcome:
    """What a run did: rows applied, rows found already applied, by book."""

    applied: list[Row] = field(default_factory=list)
    already: list[Row] = field(default_factory=list)


def _editor(root: etree._Element, row: Row) -> str:
    header = root.find(f"{T}teiHeader")
    editors = [e.get(XML_ID) for e in (header.iter() if header is not None else ())
               if isinstance(e.tag, str) and (e.get(XML_ID) or "").endswith("-ed")]
    if len(editors) != 1:
        raise row.fail("the book's header must name one editor (a respStmt with an xml:id "
                       "ending in -ed) for the corrections to point to", "no-editor")
    return "#" + editors[0]


def _already(passage: etree._Element, row: Row, context: str, at: int) -> bool:
    """True when the passage, as printed, holds the context once with `sic` already
    inside a correction (a `sic` whose `corr` is the row's, or surplus)."""
    printed = Reading.of(passage, printed=True)
    if printed.text.count(context) != 1:
        return False
    first, last = printed.span(printed.text.index(context) + at, len(row.sic))
    holders = [next((e for e in _within(slot.parent, passage) if e.tag in PRINTED_ONLY), None)
               for slot in (printed.stream.slot_at(first), printed.stream.slot_at(last - 1))]
    holder = holders[0]
    if holder is None or holders[1] is not holder:
        return False
    if holder.tag == T + "surplus":
        return row.type == "surplus"
    corr = holder.getparent().find(T + "corr") if holder.tag == T + "sic" else None
    return corr is not None and "".join(corr.itertext()) == row.corr


def apply_row(passage: etree._Element, row: Row, editor: str) -> bool:
    """Apply one row to its passage; False when it was already applied.

    Raises CorrectionError, changing nothing, when the row is ambiguous or its reading
    crosses markup.
    """
    context, at = row.located()
    reading = Reading.of(passage)
    found = reading.text.count(context)
    if found != 1:
        if found == 0 and _already(passage, row, context, at):
            return False
        raise row.fail(f"the context {context!r} occurs {found} times in {row.id}; "
                       "give a context that occurs there exactly once", "ambiguous-context")
    first, last = reading.span(reading.text.index(context) + at, len(row.sic))
    slot = reading.stream.slot_at(first)
    if slot is not None and any(e.tag in GUARDED for e in _within(slot.parent, passage)):
        raise row.fail(f"the reading {row.sic!r} in {row.id} is inside an earlier "
                       "correction or expansion; amend that one by hand", "crosses-markup")
    if row.type == "surplus":
        made = etree.Element(T + "surplus", {"reason": "stray", "resp": editor})
    else:
        made = etree.Element(T + "sic")
    try:  # the letters wrapped where they stand; nothing may lie between them
        wrap_range(reading.stream, first, last, made, may_enclose=lambda child: False)
    except WrapError:
        raise row.fail(f"the reading {row.sic!r} in {row.id} crosses markup (a name, a date, "
                       "a break); correct it by hand", "crosses-markup") from None
    if row.type != "surplus":
        choice = etree.Element(T + "choice")
        made.addprevious(choice)
        choice.tail, made.tail = made.tail, None
        choice.append(made)
        attrib = {"resp": editor, "type": row.type}
        if row.error_class:
            attrib["subtype"] = row.error_class
        etree.SubElement(choice, T + "corr", attrib).text = row.corr
    return True


def apply_rows(root: etree._Element, rows: Iterable[Row]) -> Outcome:
    """Apply rows whose ids are in `root`; every refusal is collected and raised together
    as ExceptionGroup of CorrectionError (the caller then writes nothing)."""
    ids = {e.get(XML_ID): e for e in root.iter() if isinstance(e.tag, str) and e.get(XML_ID)}
    outcome = Outcome()
    failures: list[CorrectionError] = []
    for row in rows:
        try:
            passage = ids.get(row.id)
            if passage is None:
                raise row.fail(f"no element has the xml:id {row.id!r}", "unknown-id")
            if apply_row(passage, row, _editor(root, row)):
                outcome.applied.append(row)
            else:
                outcome.already.append(row)
        except CorrectionError as failure:
            failures.append(failure)
    if failures:
        raise ExceptionGroup("corrections refused", failures)
    return outcome


def rows_by_book(rows: Iterable[Row], prefixes: dict[str, str]) -> Iterator[tuple[str, list[Row]]]:
    """Group rows by the book whose id prefix their id carries (`prefixes`: prefix → key)."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        key = prefixes.get(row.id.split("-", 1)[0])
        if key is None:
            raise row.fail(f"the id {row.id!r} belongs to no book (prefixes: "
                           f"{', '.join(sorted(prefixes))})", "unknown-id")
        grouped.setdefault(key, []).append(row)
    yield from grouped.items()
