"""Reader for Rothstein, *A History of the U.S.S.R.*: the OCR witness up-converted to TEI.

The witness (see sources/LAYOUT.md) holds one printed line per text line, each followed
by a blank line. A printed page begins at a line opening with a single space, or at a
running head (`A History of the U.S.S.R.`, a chapter title, `Preface`, `Index`) followed
by the page number on a line of its own. Footnote bodies stand at the foot of the page
after a line of spaces. The reader works in four passes:

1. `split_pages`: pages with their text lines, footnote bodies and printed number;
   `number_pages` gives every page the number that follows from the printed ones
   (the pages are consecutive, and every printed number must agree with the sequence);
2. `blocks`: the text lines of the whole book cut into headings, paragraphs, block
   quotations (narrower lines: measured with `common.line_width`), the verse of the
   Preface, a table and the index, each block keeping the page starts inside it;
3. inline rendering: lines joined (end-of-line hyphens decided by `common.decide_hyphen`),
   footnotes moved to their markers, page breaks at the exact point a page begins;
4. the TEI tree: header, front (About this book, Preface), body (chapters, sections,
   Further Reading, Epilogue), back (the printed index), corrections from
   `corrections/rothstein.tsv` applied as `choice/sic/corr`.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from transform.correct import target_in_text
from transform.edition import TEI_NS, XML_NS
from transform.readers.common import (
    HeaderSpec,
    HyphenDecision,
    Responsibility,
    book_vocabulary,
    build_header,
    core_word,
    decide_hyphen,
    line_width,
    make_id,
    roman_to_int,
    sub,
    tei,
)
from transform.tei import append_text, own_text, wrap_own_text

BOOK = "roth"
#: The file name of the witness: editorial data keyed by its line numbers apply to it only.
WITNESS_NAME = "rothstein-history-ussr-1950.ocr.txt"
CORRECTIONS = Path(__file__).parent / "corrections" / "rothstein.tsv"
BIBLIOGRAPHY = Path(__file__).parent / "corrections" / "rothstein-bibl.tsv"

#: The running heads: the book's title (left-hand pages), Preface, Index and the chapter
#: titles (right-hand pages); chapter titles are also read from the chapter openings.
FIXED_RUNNING_HEADS = (
    "A History of the U.S.S.R.", "Preface", "Index",
    "The Causes of the Russian Revolution", "The Breathing Space", "Invasion and Civil War",
    "Rebuilding and Industrializing", "Foundations Completed", "The New Society",
    "The Road to Communism 1939-1941", "The Soviet Union at War",
)
#: Footnote markers in the order the printer used them on a page.
FOOTNOTE_MARKERS = "*†‡§"
PAGE_NUMBER = re.compile(r"\s*(\d{1,3})\s*")
CHAPTER = re.compile(r"CHAPTER ([IVXL]+)")
SECTION = re.compile(r"(\d{1,2})\.\s+([A-Z‘’][^a-z]*)")
#: A footnote marker in running text (`§` is also the section sign: `§15`, never a marker here).
MARKER_IN_TEXT = re.compile(r"\s?([*†‡])")
INLINE_SPECIAL = re.compile(r"\s?(?P<marker>[*†‡])|(?P<section>§\d+)")

#: Body measure in ems, estimated from the lines (see `common.line_width`): a line is the
#: last of its paragraph when the next line's first word would have fitted on it.
BODY_MEASURE = 27.5
#: How close to fitting a line may come and still end its paragraph when the next is indented.
NEAR_FIT = 1.2
#: The indent of a paragraph's first line, in ems.
PARAGRAPH_INDENT = 1.6
#: The measure of block quotations (set narrower, and the paragraphs in them indented).
QUOTE_MEASURE = 24.0
#: Below this width a line is narrower than the body measure (a quotation's, or indented).
NARROW_LIMIT = 24.75
#: Below this width a line is short: the end of a paragraph.
SHORT_LIMIT = 19.0
#: The first line of a paragraph in a quotation is indented: narrower than this.
QUOTE_INDENT_LIMIT = 22.6
#: The narrow lines of a quotation average less than this (indented body lines more).
QUOTE_MEAN_LIMIT = 24.0
#: First line of the verse in the Preface (Lowell), and its number of lines.
VERSE_FIRST_LINE = "They are slaves who will not choose"
VERSE_LINES = 6
#: The table in chapter V (social composition of the population), first and last line.
TABLE_FIRST_LINE = "Percentage of nation constituted by:"
TABLE_LAST_LINE = "Students, pensioners, armed forces 2.3 2.4 3.4"

# --------------------------------------------------------------------- pages


@dataclass
class SourceLine:
    """A non-blank line of the witness with its 1-based line number."""

    lineno: int
    text: str

    @property
    def stripped(self) -> str:
        return " ".join(self.text.split())


@dataclass
class Footnote:
    """A footnote body from the foot of a page, with the marker it answers to."""

    marker: str
    lines: list[SourceLine]
    page_index: int
    number: int = 0


@dataclass
class Page:
    """One printed page of the witness."""

    index: int
    start: int
    lines: list[SourceLine] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    #: Lines at the foot continuing the last footnote of the previous page.
    runover: list[SourceLine] = field(default_factory=list)
    running_head: str | None = None
    printed_number: int | None = None
    number: int | None = None

    @property
    def xml_id(self) -> str:
        if self.number is not None:
            return make_id(BOOK, "pb", self.number)
        return make_id(BOOK, "pb", "unnumbered", self.index + 1)


class WitnessError(ValueError):
    """The witness does not look as this reader expects (a page count, a marker)."""


def source_lines(source: Path) -> list[SourceLine]:
    """The witness's non-empty lines (lines of spaces kept: they carry layout)."""
    text = source.read_text(encoding="utf-8")
    return [SourceLine(i, line) for i, line in enumerate(text.split("\n"), 1) if line != ""]


def running_heads(lines: Sequence[SourceLine]) -> set[str]:
    """The running heads the book uses: the fixed ones and every chapter title."""
    heads = set(FIXED_RUNNING_HEADS)
    for line, following in itertools.pairwise(lines):
        if CHAPTER.fullmatch(line.stripped):
            heads.add(following.stripped)
    return heads


def split_pages(lines: Sequence[SourceLine]) -> list[Page]:
    """Cut the witness into printed pages (running heads and page numbers taken out)."""
    heads = running_heads(lines)
    pages: list[Page] = []
    in_footnotes = False
    skip = 0
    for k, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        following = lines[k + 1] if k + 1 < len(lines) else None
        number_follows = following is not None and PAGE_NUMBER.fullmatch(following.text)
        is_blank = not line.text.strip()
        if line.stripped in heads and number_follows and not line.text.startswith(" "):
            page = Page(len(pages), line.lineno, running_head=line.stripped,
                        printed_number=int(following.text))
            pages.append(page)
            in_footnotes = False
            skip = 1
            continue
        if is_blank and len(line.text) == 1 and number_follows:
            # A page whose only head is its number (the first page of the index).
            page = Page(len(pages), line.lineno, printed_number=int(following.text))
            pages.append(page)
            in_footnotes = False
            skip = 1
            continue
        if line.text.startswith(" ") and not line.text.startswith("  ") and not is_blank:
            pages.append(Page(len(pages), line.lineno))
            in_footnotes = False
            line = SourceLine(line.lineno, line.text[1:])
        if not pages:
            raise WitnessError(f"line {line.lineno}: text before the first page start")
        page = pages[-1]
        if is_blank and len(line.text) > 5:
            in_footnotes = True
            continue
        if in_footnotes:
            marker = line.text[:1]
            if marker in FOOTNOTE_MARKERS:
                body = SourceLine(line.lineno, line.text[1:].lstrip())
                page.footnotes.append(Footnote(marker, [body], page.index))
            elif page.footnotes:
                page.footnotes[-1].lines.append(line)
            else:
                page.runover.append(line)
            continue
        page.lines.append(line)
    return pages


def number_pages(pages: Sequence[Page]) -> None:
    """Number every page from the printed numbers, which must all agree with one sequence.

    Pages are consecutive in the witness, so page `index` carries number
    `index + offset`; the offset is read from the first printed number and every other
    printed number must give the same one. Pages before number 1 (the unnumbered page
    "About this book") get no number.
    """
    offsets = {page.printed_number - page.index for page in pages
               if page.printed_number is not None}
    if len(offsets) != 1:
        raise WitnessError(f"printed page numbers disagree with the page sequence: {offsets}")
    offset = offsets.pop()
    for page in pages:
        number = page.index + offset
        page.number = number if number >= 1 else None


def attach_runovers(pages: Sequence[Page]) -> None:
    """Join footnote text continued at the foot of the next page to its footnote."""
    for previous, page in itertools.pairwise(pages):
        if page.runover:
            if not previous.footnotes:
                raise WitnessError(f"line {page.runover[0].lineno}: footnote text with no note")
            previous.footnotes[-1].lines.extend(page.runover)
            page.runover = []


# -------------------------------------------------------------------- blocks


@dataclass
class PageStart:
    """The point in the text stream where a printed page begins."""

    page: Page


Item = SourceLine | PageStart


@dataclass
class Block:
    """A run of the text stream with one role: a heading, a paragraph, a quotation, …"""

    kind: str
    items: list[Item]
    data: dict[str, str] = field(default_factory=dict)

    @property
    def lines(self) -> list[SourceLine]:
        return [item for item in self.items if isinstance(item, SourceLine)]

    @property
    def first_lineno(self) -> int:
        return self.lines[0].lineno if self.lines else 0


def text_stream(pages: Sequence[Page]) -> list[Item]:
    """The text lines of all pages, with a `PageStart` where each page begins."""
    stream: list[Item] = []
    for page in pages:
        stream.append(PageStart(page))
        stream.extend(page.lines)
    return stream


def classify_heading(text: str) -> tuple[str, dict[str, str]] | None:
    """The kind of heading `text` is, if it is one."""
    if text == "ABOUT THIS BOOK":
        return "about", {}
    if text == "Preface":
        return "preface", {}
    if text == "Further Reading":
        return "bibliography", {}
    if text == "Epilogue":
        return "epilogue", {}
    if text == "INDEX":
        return "index", {}
    if match := CHAPTER.fullmatch(text):
        return "chapter", {"n": match.group(1)}
    if match := SECTION.fullmatch(text):
        return "section", {"n": match.group(1)}
    return None


def first_word_width(line: SourceLine) -> float:
    """Width of the first word of `line` (what would have had to fit on the line before)."""
    words = line.stripped.split()
    return line_width(words[0]) if words else 0.0


def would_fit(line: SourceLine, following: SourceLine, measure: float) -> bool:
    """Whether the first word of `following` would have fitted at the end of `line`."""
    if line.stripped.endswith("-"):
        return False
    return line_width(line.stripped) + 0.25 + first_word_width(following) < measure


def ends_with_colon(line: SourceLine) -> bool:
    """Whether the line ends with a colon (a quotation follows), markers aside."""
    return line.stripped.rstrip("*†‡ ").endswith(":")


def ends_sentence(line: SourceLine) -> bool:
    """Whether the line ends with the end of a sentence (markers and quotes aside)."""
    return re.search(r"[.?!:;][’”)]*\s?[*†‡]?$", line.stripped) is not None


def looks_indented(line: SourceLine, following: SourceLine) -> bool:
    """Whether a body line falls short of the measure by about the paragraph indent."""
    width = line_width(line.stripped)
    if line.stripped.endswith("-"):
        return width < BODY_MEASURE - PARAGRAPH_INDENT - 0.6
    return (BODY_MEASURE - PARAGRAPH_INDENT - 0.4 <= width + 0.25 + first_word_width(following)
            < BODY_MEASURE - 0.1)


def starts_sentence(line: SourceLine) -> bool:
    """Whether the line can open a paragraph (not a lower-case word, not a lone stop)."""
    return re.match(r"[A-Z0-9‘“(–]|[ivx]+\.\s", line.stripped) is not None


#: Reviewed paragraph ends: source line -> does a paragraph end after it?
PARAGRAPH_OVERRIDES: dict[int, bool] = {}


#: Reviewed corrections to the quotation finder: (first line, last line, is a quotation).
LAYOUT_OVERRIDES: tuple[tuple[int, int, bool, str], ...] = (
    # (first line, last line, is a quotation, how the first line begins: a guard, so that
    # an excerpt whose numbering differs from the witness's is never touched)
    # the author's sentence ("It proclaimed that / Russia's aim …") across the start of
    # p. 54, once taken for a quotation of the Declaration
    (4094, 4096, False, "Russia’s aim was a democratic peace"),
    (29595, 29595, False, "The preamble to the Potsdam"),  # the author introducing a quotation
    (16174, 16174, False, "the speech already quoted"),  # the author introducing Molotov
)


def blocks(stream: Sequence[Item]) -> list[Block]:
    """Cut the text stream into blocks: headings, paragraphs, quotations, verse, table, index."""
    result: list[Block] = []
    pending: list[Item] = []
    run: list[Item] = []

    def flush_run() -> None:
        if any(isinstance(item, SourceLine) for item in run):
            result.extend(paragraph_blocks(run))
        elif run:
            pending.extend(run)
        run.clear()

    k = 0
    in_index = False
    while k < len(stream):
        item = stream[k]
        if isinstance(item, PageStart):
            run.append(item)
            k += 1
            continue
        text = item.stripped
        if in_index:
            run.append(item)
            k += 1
            continue
        heading = classify_heading(text)
        if heading:
            # Page starts just before a heading belong before the heading's division.
            leading = []
            while run and isinstance(run[-1], PageStart):
                leading.insert(0, run.pop())
            flush_run()
            kind, data = heading
            items: list[Item] = [*pending, *leading, item]
            pending.clear()
            if kind == "chapter":
                # The chapter title is the next line.
                k += 1
                items.append(stream[k])
            result.append(Block(kind, items, data))
            if kind == "index":
                in_index = True
            k += 1
            continue
        if not text or text == "*":
            flush_run()
            if text == "*":
                result.append(Block("asterism", [item]))
            k += 1
            continue
        if text == VERSE_FIRST_LINE or text.startswith(TABLE_FIRST_LINE):
            flush_run()
            kind = "verse" if text == VERSE_FIRST_LINE else "table"
            items = []
            while True:
                current = stream[k]
                items.append(current)
                k += 1
                if isinstance(current, SourceLine):
                    if kind == "verse" and sum(isinstance(i, SourceLine) for i in items) == VERSE_LINES:
                        break
                    if kind == "table" and current.stripped == TABLE_LAST_LINE:
                        break
            result.append(Block(kind, items))
            continue
        run.append(item)
        k += 1
    if in_index:
        result.append(Block("index-entries", list(run)))
        run.clear()
    flush_run()
    if pending:
        raise WitnessError("page starts left at the end of the text")
    return result


def paragraph_blocks(run: Sequence[Item]) -> list[Block]:
    """Cut a run of text lines (no headings) into paragraphs and quotations.

    A line is the last of a paragraph when the next line's first word would have fitted
    on it (the measure is estimated from letter widths). Block quotations are set to a
    narrower measure: a stretch of lines of which at least two are neither last lines
    nor as wide as the body measure is a quotation, and inside it the quotation's own
    measure separates its paragraphs.
    """
    lines = [item for item in run if isinstance(item, SourceLine)]
    widths = [line_width(line.stripped) for line in lines]
    hyphenated = [line.stripped.endswith("-") for line in lines]
    count = len(lines)
    # Each line is short (S: the end of a paragraph), narrow (N: the measure of a quotation,
    # or an indented first line) or wide (W: a full line of the body).
    classes = []
    for width, broken in zip(widths, hyphenated):
        if width >= NARROW_LIMIT:
            classes.append("W")
        elif width >= SHORT_LIMIT or broken:
            classes.append("N")
        else:
            classes.append("S")
    in_quote = [False] * count
    i = 0
    while i < count:
        if classes[i] == "W":
            i += 1
            continue
        j = i
        while j + 1 < count and classes[j + 1] != "W":
            j += 1
        start, end = i, j
        # A quotation opens with its indented first line, or after a line ending with `:`.
        while start <= end and not (
                classes[start] == "N" and (
                    widths[start] < QUOTE_INDENT_LIMIT
                    or (start > 0 and ends_with_colon(lines[start - 1]))
                    or start == 0
                    or would_fit(lines[start - 1], lines[start], BODY_MEASURE))):
            start += 1
        # The last line may be the indented first line of the next body paragraph.
        if end + 1 < count and end > start and classes[end] == "N" and (
                classes[end - 1] == "S" or would_fit(lines[end - 1], lines[end], QUOTE_MEASURE)):
            end -= 1
        narrow_widths = [widths[m] for m in range(start, end + 1) if classes[m] == "N"]
        # Whatever stands before a quotation has ended (its paragraph, or a colon).
        opens = start == 0 or start > end or (
            classes[start - 1] == "S" or ends_with_colon(lines[start - 1])
            or would_fit(lines[start - 1], lines[start], BODY_MEASURE))
        if opens and end > start and narrow_widths and (
                sum(narrow_widths) / len(narrow_widths) < QUOTE_MEAN_LIMIT):
            for m in range(start, end + 1):
                in_quote[m] = True
        i = j + 1
    for first, last, is_quote, opening in LAYOUT_OVERRIDES:
        if not any(line.lineno == first and line.stripped.startswith(opening) for line in lines):
            continue
        for m, line in enumerate(lines):
            if first <= line.lineno <= last:
                in_quote[m] = is_quote
    # Paragraph boundaries: a line ends its paragraph when the next line's first word would
    # have fitted on it; the first line of a paragraph is indented, so its measure is less.
    boundary_after = [False] * count
    opens_paragraph = True
    for i in range(count - 1):
        if hyphenated[i]:
            ends = False
        elif in_quote[i] != in_quote[i + 1]:
            ends = True
        elif not ends_sentence(lines[i]) or not starts_sentence(lines[i + 1]):
            # A paragraph ends with its sentence, and the next one begins with a new one.
            ends = False
        elif in_quote[i]:
            measure = QUOTE_MEASURE - (PARAGRAPH_INDENT if opens_paragraph else 0.0)
            ends = classes[i] == "S" or would_fit(lines[i], lines[i + 1], measure)
        else:
            measure = BODY_MEASURE - (PARAGRAPH_INDENT if opens_paragraph else 0.0)
            ends = would_fit(lines[i], lines[i + 1], measure) or (
                # Nearly fitted, and the next line is set in by the paragraph indent.
                would_fit(lines[i], lines[i + 1], measure + NEAR_FIT)
                and i + 2 < count and not in_quote[i + 2]
                and looks_indented(lines[i + 1], lines[i + 2]))
        ends = PARAGRAPH_OVERRIDES.get(lines[i].lineno, ends)
        boundary_after[i] = ends
        opens_paragraph = ends
    result: list[Block] = []
    current: list[Item] = []
    index = 0
    for item in run:
        current.append(item)
        if isinstance(item, SourceLine):
            if index < len(lines) - 1 and boundary_after[index]:
                kind = "quote" if in_quote[index] else "p"
                result.append(Block(kind, current))
                current = []
            index += 1
    if current:
        kind = "quote" if lines and in_quote[-1] else "p"
        result.append(Block(kind, current))
    # Page starts at the head of a block stay inside it (at its first line).
    return result


# ------------------------------------------------------------ inline content


@dataclass(frozen=True)
class Correction:
    """One editorial correction from corrections/rothstein.tsv."""

    lineno: int
    context: str
    sic: str
    corr: str
    kind: str
    note: str


def load_corrections(path: Path = CORRECTIONS) -> dict[int, list[Correction]]:
    """The corrections by source line (missing file: no corrections)."""
    found: dict[int, list[Correction]] = {}
    if not path.exists():
        return found
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (row for row in handle if row.strip() and not row.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            correction = Correction(int(row["line"]), row["context"], row["sic"],
                                    row["corr"], row["kind"], row.get("note") or "")
            found.setdefault(correction.lineno, []).append(correction)
    return found


class InlineBuilder:
    """Builds the mixed content of one element from lines, page starts and footnotes."""

    def __init__(self, parent: etree._Element, context: RenderContext) -> None:
        self.parent = parent
        self.context = context
        self.previous: SourceLine | None = None
        self.pending_pages: list[Page] = []

    def add_items(self, items: Sequence[Item]) -> None:
        for item in items:
            if isinstance(item, PageStart):
                self.pending_pages.append(item.page)
            else:
                self.add_line(item)
        if self.pending_pages:
            # A page beginning at the very end of a block: mark it where it begins.
            self.flush_pages(word_inside=False)

    def flush_pages(self, word_inside: bool) -> None:
        for page in self.pending_pages:
            self.parent.append(self.context.page_break(page, word_inside))
        self.pending_pages = []

    def add_line(self, line: SourceLine) -> None:
        text = line.stripped
        joiner = " "
        if self.previous is None:
            joiner = ""
        elif self.previous_text_ends_with_hyphen():
            left = self.last_token()
            right = text.split()[0] if text.split() else ""
            decision = self.context.hyphen(left[:-1], right)
            if not decision.keep:
                self.drop_last_hyphen()
            self.context.record_hyphen(decision, line.lineno)
            joiner = ""
        elif re.fullmatch(r"[.,;:)]+", text):
            joiner = ""
        if self.pending_pages:
            if joiner == " ":
                append_text(self.parent, " ")
                joiner = ""
            self.flush_pages(word_inside=self.previous is not None and joiner == ""
                             and not self.previous_text_ended_with_space())
        append_text(self.parent, joiner)
        self.add_text(line, text)
        self.previous = line

    def previous_text_ended_with_space(self) -> bool:
        return self._current_text().endswith(" ")

    def _current_text(self) -> str:
        if len(self.parent):
            last = self.parent[-1]
            return last.tail or ""
        return self.parent.text or ""

    def previous_text_ends_with_hyphen(self) -> bool:
        text = self._current_text()
        return text.endswith("-") and not text.endswith("--") and not text.endswith(" -")

    def last_token(self) -> str:
        text = self._current_text()
        return text.split()[-1] if text.split() else ""

    def drop_last_hyphen(self) -> None:
        if len(self.parent):
            last = self.parent[-1]
            last.tail = (last.tail or "")[:-1]
        else:
            self.parent.text = (self.parent.text or "")[:-1]

    def add_text(self, line: SourceLine, text: str) -> None:
        """Append the line's text: corrections as choice, footnote markers as notes."""
        corrections = self.context.corrections.get(line.lineno, [])
        spans: list[tuple[int, int, Correction]] = []
        for correction in corrections:
            try:
                start = target_in_text(text, correction.context, correction.sic)
            except ValueError as error:
                raise WitnessError(f"line {line.lineno}: {error}") from None
            spans.append((start, start + len(correction.sic), correction))
            self.context.used_corrections.add((line.lineno, correction.context))
        spans.sort(key=lambda span: span[0])
        position = 0
        for begin, end, correction in spans:
            self.add_plain(line, text[position:begin])
            if correction.kind == "gap":
                # Text lost after the anchor (sic, kept as printed): a gap and its note.
                append_text(self.parent, correction.sic)
                self.parent.append(tei("gap", {"reason": "lost"}))
                self.context.gap_count += 1
                note = tei("note", {"type": "editorial", "resp": "#roth-ed", "xml:id": make_id(
                    BOOK, "gap", self.context.gap_count)}, correction.corr)
                self.parent.append(note)
            else:
                self.parent.append(self.context.correction(correction))
            position = end
        self.add_plain(line, text[position:])

    def add_plain(self, line: SourceLine, text: str) -> None:
        position = 0
        for match in INLINE_SPECIAL.finditer(text):
            append_text(self.parent, text[position:match.start()])
            if match.group("marker"):
                self.parent.append(self.context.footnote(line, match.group("marker")))
            else:
                # `§15` cites a paragraph of a document: the sign is no footnote marker.
                self.parent.append(tei("seg", {"type": "section-reference"},
                                       match.group("section")))
            position = match.end()
        append_text(self.parent, text[position:])


class RenderContext:
    """State shared while rendering: vocabulary, footnotes per page, counters, corrections."""

    def __init__(self, pages: Sequence[Page], vocabulary: Counter[str],
                 corrections: dict[int, list[Correction]],
                 works: dict[str, list[Work]] | None = None) -> None:
        self.vocabulary = vocabulary
        self.corrections = corrections
        self.used_corrections: set[tuple[int, str]] = set()
        self.page_of_line: dict[int, Page] = {}
        for page in pages:
            for line in page.lines:
                self.page_of_line[line.lineno] = page
        self.unplaced: dict[int, list[Footnote]] = {
            page.index: list(page.footnotes) for page in pages}
        self.footnote_count = 0
        self.gap_count = 0
        self.works = works or {}
        self.hyphen_log: list[tuple[int, str, bool, str]] = []

    def hyphen(self, left: str, right: str) -> HyphenDecision:
        return decide_hyphen(left, right, self.vocabulary, HYPHEN_OVERRIDES)

    def record_hyphen(self, decision: HyphenDecision, lineno: int) -> None:
        self.hyphen_log.append((lineno, decision.joined, decision.keep, decision.reason))

    def page_break(self, page: Page, word_inside: bool) -> etree._Element:
        attrib = {}
        if page.number is not None:
            attrib["n"] = str(page.number)
        attrib["xml:id"] = page.xml_id
        if word_inside:
            attrib["break"] = "no"
        return tei("pb", attrib)

    def footnote(self, line: SourceLine, marker: str) -> etree._Element:
        page = self.page_of_line[line.lineno]
        waiting = self.unplaced[page.index]
        if not waiting or waiting[0].marker != marker:
            raise WitnessError(f"line {line.lineno}: marker {marker} has no footnote body "
                               f"on page {page.number}")
        footnote = waiting.pop(0)
        self.footnote_count += 1
        note = tei("note", {"xml:id": make_id(BOOK, "fn", self.footnote_count),
                            "place": "foot", "n": marker})
        builder = InlineBuilder(note, self)
        for body_line in footnote.lines:
            builder.add_line(body_line)
        return note

    def correction(self, correction: Correction) -> etree._Element:
        if not correction.corr:
            surplus = tei("surplus", {"reason": correction.kind or "stray"}, correction.sic)
            return surplus
        choice = tei("choice")
        choice.append(tei("sic", text=correction.sic))
        corr_attrib = {"resp": "#roth-ed"}
        if correction.kind:
            corr_attrib["type"] = correction.kind
        choice.append(tei("corr", corr_attrib, correction.corr))
        return choice


#: Editor's decisions on end-of-line hyphens where the evidence misleads (hyphenated
#: form, lower-cased -> keep the hyphen?). Filled from the review of the hyphen log.
HYPHEN_OVERRIDES: dict[str, bool] = {}


# -------------------------------------------------------------------- the tree


class TreeBuilder:
    """Assembles front, body and back from the blocks."""

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        self.text = tei("text")
        self.front = sub(self.text, "front")
        self.body = sub(self.text, "body")
        self.back = sub(self.text, "back")
        self.container: etree._Element = self.front
        self.container_id = BOOK
        self.counters: Counter[str] = Counter()
        self.chapter: etree._Element | None = None
        self.chapter_number = 0
        self.region = self.front

    def place_pages(self, items: Sequence[Item], target: etree._Element) -> list[Item]:
        """Append page starts at the head of `items` to `target`; return the rest."""
        rest = list(items)
        while rest and isinstance(rest[0], PageStart):
            target.append(self.context.page_break(rest.pop(0).page, False))
        return rest

    def new_id(self, suffix: str) -> str:
        self.counters[(self.container_id, suffix)] += 1
        return f"{self.container_id}-{suffix}{self.counters[(self.container_id, suffix)]}"

    def open_div(self, parent: etree._Element, xml_id: str, div_type: str,
                 n: str | None = None) -> etree._Element:
        attrib = {"xml:id": xml_id, "type": div_type}
        if n is not None:
            attrib["n"] = n
        div = sub(parent, "div", attrib)
        self.container = div
        self.container_id = xml_id
        return div

    def head(self, div: etree._Element, items: Sequence[Item]) -> None:
        head = sub(div, "head")
        lines = [item for item in items if isinstance(item, SourceLine)]
        builder = InlineBuilder(head, self.context)
        for number, line in enumerate(lines):
            if number:
                sub(head, "lb")
            builder.previous = None
            builder.add_line(line)

    def add(self, block: Block) -> None:
        kind = block.kind
        if kind == "about":
            rest = self.place_pages(block.items, self.front)
            div = self.open_div(self.front, make_id(BOOK, "about"), "about")
            self.head(div, rest)
        elif kind == "preface":
            rest = self.place_pages(block.items, self.front)
            div = self.open_div(self.front, make_id(BOOK, "preface"), "preface")
            self.head(div, rest)
        elif kind == "chapter":
            rest = self.place_pages(block.items, self.body)
            self.chapter_number = roman_to_int(block.data["n"])
            self.chapter = self.open_div(self.body, make_id(BOOK, f"ch{self.chapter_number}"),
                                         "chapter", block.data["n"])
            self.head(self.chapter, rest)
        elif kind == "section":
            assert self.chapter is not None
            rest = self.place_pages(block.items, self.chapter)
            div = self.open_div(self.chapter,
                                make_id(BOOK, f"ch{self.chapter_number}", f"s{block.data['n']}"),
                                "section", block.data["n"])
            self.head(div, rest)
        elif kind == "bibliography":
            assert self.chapter is not None
            rest = self.place_pages(block.items, self.chapter)
            div = self.open_div(self.chapter, make_id(BOOK, f"ch{self.chapter_number}", "bibl"),
                                "bibliography")
            self.head(div, rest)
        elif kind == "epilogue":
            rest = self.place_pages(block.items, self.body)
            div = self.open_div(self.body, make_id(BOOK, "epilogue"), "epilogue")
            self.head(div, rest)
        elif kind == "index":
            rest = self.place_pages(block.items, self.back)
            div = self.open_div(self.back, make_id(BOOK, "index"), "index")
            self.head(div, rest)
            note = sub(div, "note", {"type": "editorial", "resp": "#roth-ed",
                                     "xml:id": make_id(BOOK, "index", "note")})
            note.text = INDEX_NOTE
        elif kind == "index-entries":
            build_index(self.container, block.items, self.context)
        elif kind == "asterism":
            sub(self.container, "milestone", {"unit": "section", "rend": "asterisk"})
        elif kind == "p":
            p = sub(self.container, "p", {"xml:id": self.new_id("p")})
            InlineBuilder(p, self.context).add_items(block.items)
            if self.container.get("type") == "bibliography":
                mark_works(p, self.context.works.get(f"ch{self.chapter_number}", []))
        elif kind == "quote":
            self.add_quote(block)
        elif kind == "verse":
            self.add_verse(block)
        elif kind == "table":
            self.add_table(block)
        else:
            raise WitnessError(f"unknown block kind {kind}")

    def add_quote(self, block: Block) -> None:
        previous = self.container[-1] if len(self.container) else None
        if previous is not None and previous.tag == f"{{{TEI_NS}}}quote" and not previous.tail:
            quote = previous
        else:
            quote = sub(self.container, "quote", {"xml:id": self.new_id("q")})
        quote_id = quote.get(f"{{{XML_NS}}}id")
        number = len(quote.findall(f"{{{TEI_NS}}}p")) + 1
        p = sub(quote, "p", {"xml:id": f"{quote_id}-p{number}"})
        InlineBuilder(p, self.context).add_items(block.items)

    def add_verse(self, block: Block) -> None:
        rest = self.place_pages(block.items, self.container)
        lg = sub(self.container, "lg", {"xml:id": self.new_id("lg"), "type": "stanza"})
        for item in rest:
            if isinstance(item, PageStart):
                lg.append(self.context.page_break(item.page, False))
                continue
            line = sub(lg, "l")
            builder = InlineBuilder(line, self.context)
            builder.add_line(item)

    def add_table(self, block: Block) -> None:
        rest = self.place_pages(block.items, self.container)
        lines = [item for item in rest if isinstance(item, SourceLine)]
        table = sub(self.container, "table", {"xml:id": self.new_id("table")})
        label_parts: list[str] = []
        first = True
        for line in lines:
            tokens = line.stripped.split()
            numbers: list[str] = []
            while tokens and re.fullmatch(r"[–\d.]+\)?|\d+", tokens[-1]) and len(numbers) < 3:
                numbers.insert(0, tokens.pop())
            label_parts.extend(tokens)
            if first:
                row = sub(table, "row", {"role": "label"})
                sub(row, "cell", text=" ".join(label_parts))
                for number in numbers:
                    sub(row, "cell", text=number)
                label_parts = []
                first = False
            elif len(numbers) == 3:
                row = sub(table, "row")
                sub(row, "cell", text=" ".join(label_parts))
                for number in numbers:
                    sub(row, "cell", text=number)
                label_parts = []
        if label_parts:
            raise WitnessError(f"table row without figures: {label_parts}")


@dataclass(frozen=True)
class Work:
    """A work cited in a Further Reading: the reference as printed and its titles."""

    reference: str
    titles: tuple[str, ...]


def load_works(path: Path = BIBLIOGRAPHY) -> dict[str, list[Work]]:
    """The works of each chapter's Further Reading, by division (`ch1` …)."""
    works: dict[str, list[Work]] = {}
    if not path.exists():
        return works
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (row for row in handle if row.strip() and not row.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            titles = tuple(title for title in (row["titles"] or "").split("|") if title)
            works.setdefault(row["div"], []).append(Work(row["bibl"], titles))
    return works


def mark_works(paragraph: etree._Element, works: Sequence[Work]) -> None:
    """Wrap each cited work of a Further Reading paragraph in bibl, its titles in title."""
    for work in works:
        text = own_text(paragraph)
        if text.count(work.reference) != 1:
            raise WitnessError(f"reference {work.reference!r} not found once in "
                               f"{paragraph.get(f'{{{XML_NS}}}id')}")
        start = text.index(work.reference)
        bibl = wrap_own_text(paragraph, start, start + len(work.reference), tei("bibl"))
        for title in work.titles:
            inner = own_text(bibl)
            if title not in inner:
                raise WitnessError(f"title {title!r} not in {work.reference!r}")
            begin = inner.index(title)
            wrap_own_text(bibl, begin, begin + len(title), tei("title"))


# The printed index's note, as the edition's TEI gives it (the reading edition links its
# page numbers to the names: transform/names_index/printed.py).
INDEX_NOTE = (
    'The page numbers of this index are printed as they stand in the witness. They were '
    'made for an earlier pagination of the book and drift from the page numbers of this '
    'text (pb/@n) by up to about seven pages. Each number is kept as printed; in the '
    "reading edition it links to the place near that page where the heading's name "
    'occurs: the drift is measured for each hundred pages (the shift that puts most '
    'references of headings that name a person, place or organisation on a page where '
    'that name is tagged), and the link goes to a tagged mention of the name (for a '
    'subject heading, a passage holding its words) on the page the number, so moved, '
    'points to, within three pages of it or on the very page printed, the nearest first. '
    'Where no such place is found the number is not linked, and its title says why.'
)

# ---------------------------------------------------------------------- index

#: Index lines (their first words as printed) that open a sub-entry of the entry before:
#: capitalised qualifiers out of alphabetical order, found by `index_order_breaks` and
#: checked by reading.
INDEX_SUBENTRIES: tuple[str, ...] = (
    "Russian, 16-9",  # under Capital
    "Communist Party, 39",  # under Congresses (Conferences)
    "Social-Democratic, 24-5",  # under Congresses (Conferences)
    "Republic, 83",  # under Checkoslovak Legion
    "1945 plans for",  # under Germany, relations with
)
#: Index lines that open a main entry although their shape suggests otherwise.
INDEX_MAIN_ENTRIES: tuple[str, ...] = ()


@dataclass
class IndexEntry:
    """One entry of the printed index: its lines (and page starts), main or sub-entry."""

    subentry: bool
    items: list[Item]

    @property
    def text(self) -> str:
        return " ".join(item.stripped for item in self.items if isinstance(item, SourceLine))


def index_line_continues(entry_text: str, previous: str, text: str) -> bool:
    """Whether an index line continues the entry before it (rather than opening one)."""
    if text.startswith(INDEX_MAIN_ENTRIES) or text.startswith(INDEX_SUBENTRIES):
        return False
    if re.match(r"\d|See also\b|also\b", text):
        return True
    if previous.endswith(";") or (text.startswith("(") and previous.endswith(",")):
        return True
    if re.search(r"\b[Ss]ee\b", entry_text) and not previous.endswith("."):
        # A cross-reference runs on until a heading with its own page numbers begins.
        return not re.match(r"[A-Z‘'][^,]*,\s*\d", text)
    return not re.search(r"[.,;]$|\d$", previous)


def index_line_is_subentry(text: str) -> bool:
    """Whether a new index line is a sub-entry of the main entry before it."""
    if text.startswith(INDEX_MAIN_ENTRIES):
        return False
    return text.startswith(INDEX_SUBENTRIES) or text[:1].islower() or text[:1] == "("


def index_entries(items: Sequence[Item]) -> tuple[list[Item], list[IndexEntry]]:
    """The index cut into entries; page starts before the first entry are returned apart."""
    entries: list[IndexEntry] = []
    leading: list[Item] = []
    waiting: list[Item] = []
    previous = ""
    for item in items:
        if isinstance(item, PageStart):
            waiting.append(item)
            continue
        text = item.stripped
        if not text:
            continue
        if entries and index_line_continues(entries[-1].text, previous, text):
            entries[-1].items.extend([*waiting, item])
        else:
            if not entries:
                leading.extend(waiting)
                waiting = []
            entries.append(IndexEntry(bool(entries) and index_line_is_subentry(text),
                                      [*waiting, item]))
        waiting = []
        previous = text
    if waiting:
        raise WitnessError("page start after the last index entry")
    return leading, entries


def index_sort_key(text: str) -> str:
    """The alphabetical key of an index heading (letters of its first words)."""
    return re.sub(r"[^a-z]", "", text.split(",")[0].lower())


def index_order_breaks(entries: Sequence[IndexEntry]) -> list[str]:
    """Main entries out of alphabetical order: candidates for sub-entries, for review."""
    breaks = []
    previous_key = ""
    for number, entry in enumerate(entries):
        if entry.subentry:
            continue
        key = index_sort_key(entry.text)
        following = next((index_sort_key(e.text) for e in entries[number + 1:]
                          if not e.subentry), "~")
        if key < previous_key or key > following:
            breaks.append(entry.text[:40])
        previous_key = key if not (key < previous_key) else previous_key
    return breaks


def build_index(div: etree._Element, items: Sequence[Item], context: RenderContext) -> None:
    """The printed index as a list: one item per entry, sub-entries as nested lists."""
    leading, entries = index_entries(items)
    for page_start in leading:
        assert isinstance(page_start, PageStart)
        div.append(context.page_break(page_start.page, False))
    top = sub(div, "list", {"type": "index", "xml:id": make_id(BOOK, "index", "list")})
    main_count = 0
    main_item: etree._Element | None = None
    sub_list: etree._Element | None = None
    for entry in entries:
        rest = list(entry.items)
        if entry.subentry and main_item is not None:
            if sub_list is None:
                sub_list = sub(main_item, "list")
            while rest and isinstance(rest[0], PageStart):
                sub_list.append(context.page_break(rest.pop(0).page, False))
            parent_id = main_item.get(f"{{{XML_NS}}}id")
            number = len(sub_list.findall(f"{{{TEI_NS}}}item")) + 1
            target = sub(sub_list, "item", {"xml:id": f"{parent_id}-i{number}"})
        else:
            while rest and isinstance(rest[0], PageStart):
                top.append(context.page_break(rest.pop(0).page, False))
            main_count += 1
            main_item = sub(top, "item", {"xml:id": make_id(BOOK, "index", f"i{main_count}")})
            sub_list = None
            target = main_item
        InlineBuilder(target, context).add_items(rest)


# --------------------------------------------------------------------- header

RESPONSIBILITIES = (
    Responsibility("roth-ed", "encoding, correction and review of the text", "The edition's editors"),
    Responsibility("roth-reader", "automatic up-conversion of the OCR witness "
                   "(transform/readers/rothstein.py)", "edition ingest rothstein"),
)


def header_spec(pages: Sequence[Page], footnotes: int) -> HeaderSpec:
    """What the header of Rothstein's book says."""
    numbered = [page for page in pages if page.number is not None]
    printed = [page for page in pages if page.printed_number is not None]
    return HeaderSpec(
        title="A History of the U.S.S.R.",
        author="Andrew Rothstein",
        responsibilities=RESPONSIBILITIES,
        edition="TEI edition of the OCR witness, first version (2026).",
        publisher="The edition project (Carr and Rothstein, histories of the Russian "
                  "revolution, in TEI)",
        availability=(
            ("The text of the book is in copyright (© the author's estate). No open licence "
            "is claimed for it: it is reproduced here for study only. The encoding and the "
            "editorial matter are the edition's own and do not change the status of the text."),
        ),
        source_bibl="Andrew Rothstein, A History of the U.S.S.R. First published 1950 (the "
                    "publisher is not named in the witness). Witness: "
                    "sources/rothstein-history-ussr-1950.ocr.txt (OCR plain text, sha256 "
                    "15f611c78c15f67e5af47a5676a606b2c94999e05390b36a697d58619e98846f).",
        source_notes=(
            ("The witness is a later re-issue of the 1950 book with its own pagination and a "
            "note on the author's life after 1950 (on the page About this book). Its printed "
            "index keeps the page numbers of an earlier pagination (see the editorial note "
            "in the index)."),
        ),
        project=(
            ("A digital edition of two histories of the Russian revolution (E. H. Carr, 1979; "
            "Andrew Rothstein, 1950), encoded in TEI P5 from OCR witnesses, with every "
            "editorial intervention visible."),
        ),
        editorial={
            "correction": (
                ("OCR and printing errors are corrected where the reading is certain, each "
                "as choice/sic/corr with corr/@resp pointing to #roth-ed; stray characters "
                "are marked surplus. The corrections are listed in "
                "transform/readers/corrections/rothstein.tsv. Candidates were found with a "
                "proofing list (words neither in an English word list, nor in the book's "
                "own vocabulary) and reviewed one by one; rare but correct words and "
                "Russian names are left as printed."),
            ),
            "normalization": (
                ("Running heads (the book's title on left-hand pages, the chapter title, "
                "Preface or Index on right-hand pages) and the lines carrying page numbers "
                "are removed; their page numbers are kept as pb/@n."),
                (f"Page numbers: every printed page begins with a pb at the exact point where "
                f"it begins (pb break='no' inside a word). The witness prints a number on "
                f"{len(printed)} of its {len(pages)} pages; the pages are consecutive, so "
                f"every other page takes the number that follows from the sequence, and every "
                f"printed number agrees with it ({len(numbered)} pages numbered 1 to "
                f"{numbered[-1].number if numbered else 0}). The page About this book "
                f"precedes page 1 and has no number (none can be established)."),
                ("Spacing is normalised: lines are joined with one space; the blank lines "
                "of the witness are not kept."),
                ("Footnotes are moved from the foot of the page to their marker in the text "
                "(note place='foot' with the printed marker as @n); a footnote continued at "
                "the foot of the next page is joined into one note, without a page break "
                "inside it."),
            ),
            "quotation": (
                ("Quotation marks are kept as printed (‘ ’); quotations set off from the text "
                "in narrower lines are encoded as quote (with their paragraphs), the verse "
                "of the Preface as lg/l."),
            ),
            "hyphenation": (
                ("End-of-line hyphens are removed where they split a word (landown-/ers) and "
                "kept where they belong to the word (Brest-/Litovsk, counter-/revolutionary). "
                "Each was decided from the words themselves: how the book prints the word "
                "inside a line, then the shape of the parts (capitals, figures), then an "
                "English word list (wordfreq), with the editor's review of the decisions."),
            ),
            "segmentation": (
                ("Paragraphs are joined across lines and pages. The witness does not mark "
                "paragraph ends; a line is taken to end its paragraph when the first word "
                "of the next line would have fitted on it (line widths estimated from the "
                "letters), and the result was reviewed by reading."),
            ),
            "interpretation": (
                ("Chapters, numbered sections, the Further Reading of each chapter "
                "(div type='bibliography'), the Epilogue and the printed index "
                "(div type='index', one item per entry, sub-entries as nested lists, page "
                "references as printed) are encoded as divisions. In the Further Reading the "
                "works cited are bibl and their titles title, told apart by reading (the OCR "
                "lost the italics; the list is transform/readers/corrections/rothstein-bibl.tsv)."),
                ("The asterisk dividing the Preface is a milestone (rend='asterisk'); the table "
                "of the social composition of the population (chapter V) is a table; '§15' "
                "citing a paragraph of a document is a seg (type='section-reference'), the sign "
                "being no footnote marker. No names, places or dates are tagged in this version."),
            ),
        },
        languages=(("en", "English"), ("ru", ("Russian (words and titles quoted in "
                                              "transliteration)"))),
        changes=(
            ("2026-11-23", "#roth-reader", ("Draft TEI written by edition ingest rothstein "
             f"({len(pages)} pages, {footnotes} footnotes).")),
            ("2026-11-23", "#roth-ed", ("Structure, hyphenation, quotations and corrections "
             "reviewed.")),
        ),
        extent=f"{len(pages)} printed pages",
    )


# ----------------------------------------------------------------------- read


def parse_witness(source: Path) -> tuple[list[Page], list[Block], Counter[str]]:
    """Pages and blocks of the witness, and the book's vocabulary (for tests and tools)."""
    lines = source_lines(source)
    pages = split_pages(lines)
    number_pages(pages)
    attach_runovers(pages)
    text_lines = [line.stripped for page in pages for line in page.lines]
    text_lines += [line.stripped for page in pages for note in page.footnotes
                   for line in note.lines]
    vocabulary = book_vocabulary(text_lines)
    return pages, blocks(text_stream(pages)), vocabulary


def editorial_context(source: Path, pages: Sequence[Page],
                      vocabulary: Counter[str]) -> RenderContext:
    """The rendering context, with the editor's corrections and works for the witness only.

    The corrections and the list of works are keyed by the witness's own line numbers and
    chapters; an excerpt (a test fixture) is read without them.
    """
    if source.name == WITNESS_NAME:
        return RenderContext(pages, vocabulary, load_corrections(), load_works())
    return RenderContext(pages, vocabulary, {}, {})


def read(source: Path) -> etree._ElementTree:
    """Up-convert the OCR witness of Rothstein's book into a TEI document."""
    pages, book_blocks, vocabulary = parse_witness(source)
    context = editorial_context(source, pages, vocabulary)
    builder = TreeBuilder(context)
    for block in book_blocks:
        builder.add(block)
    left = [note for notes in context.unplaced.values() for note in notes]
    if left:
        raise WitnessError(f"{len(left)} footnote bodies without a marker, first on line "
                           f"{left[0].lines[0].lineno}")
    present = {line.lineno for page in pages for line in [*page.lines, *(
        body for note in page.footnotes for body in note.lines)]}
    unused = {(lineno, c.context) for lineno, cs in context.corrections.items() for c in cs
              if lineno in present}
    unused -= context.used_corrections
    if unused:
        raise WitnessError(f"corrections not applied: {sorted(unused)[:5]}")
    root = tei("TEI", {"xml:id": f"{BOOK}-book", "xml:lang": "en"})
    root.append(build_header(header_spec(pages, context.footnote_count)))
    root.append(builder.text)
    for part in (builder.front, builder.back):
        if not len(part):
            # An excerpt may have no front or back matter; TEI wants none rather than empty.
            builder.text.remove(part)
    return etree.ElementTree(root)


def iter_hyphen_decisions(source: Path) -> Iterator[tuple[int, str, bool, str]]:
    """Every end-of-line hyphen decision of the book: (line, word, kept, reason), for review."""
    pages, book_blocks, vocabulary = parse_witness(source)
    context = editorial_context(source, pages, vocabulary)
    builder = TreeBuilder(context)
    for block in book_blocks:
        builder.add(block)
    yield from context.hyphen_log


__all__ = ["core_word", "iter_hyphen_decisions", "parse_witness", "read"]
