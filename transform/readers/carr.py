"""Reader for Carr's *The Russian Revolution* (1979): its OCR witness up-converted to TEI.

The witness (`sources/carr-russian-revolution-1979.ocr.txt`) has one paragraph per
line, but a paragraph is cut wherever a printed page ended: the line stops
mid-sentence (sometimes mid-word) and goes on in the next non-blank line. This
reader rejoins those pieces with a `pb` at the cut, recognises the chapter headings
by the titles of the contents list (whether the OCR kept them whole, garbled or
unnumbered), drops running heads and leaked page numbers (turning each into the
page break it witnesses), rebuilds the scrambled list of abbreviations, and marks
every correction as `choice/sic/corr` from `corrections/carr.tsv`.

What the witness cannot be trusted on is declared here as data, reviewed by reading
the whole file (the source is fixed by its sha256): lines that are garbled
duplicates, places where text is lost, a displaced line, splits of a paragraph that
are not page ends (see `WITHIN_PAGE_SPLITS`), block quotations, titles of works.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from transform.correct import target_in_text
from transform.edition import BOOKS, TEI_NS, XML_NS
from transform.readers.common import (
    HeaderSpec,
    Responsibility,
    book_vocabulary,
    build_header,
    decide_hyphen,
    sub,
    tei,
)
from transform.tei import append_text

PREFIX = BOOKS["carr"].id_prefix
EDITOR = f"#{PREFIX}-ed"
CORRECTIONS_PATH = Path(__file__).with_name("corrections") / "carr.tsv"

# ------------------------------------------------------------ reviewed data

#: Source lines that are garbled duplicates of text printed correctly nearby
#: (the OCR read the first page of chapter 7 twice, once with its lines reversed).
GARBLED_LINES: dict[int, str] = {
    409: "a garbled repetition of the second paragraph of chapter 7 (source line 419)",
    411: ("a garbled repetition, its printed lines in reverse order and led by stray "
          "Devanagari characters, of the first paragraph of chapter 7 (source line 417)"),
}

#: Lines after which the witness has lost text (what follows does not continue them).
LOSSES: dict[int, str] = {
    369: ("The witness breaks off in the word \u201cpub-\u201d at the foot of a page; the "
          "beginning of the next page (the rest of this paragraph at least) is missing "
          "from the OCR."),
    407: ("The witness breaks off here at the foot of a page: the end of this paragraph, "
          "and with it the end of chapter 6, is missing from the OCR."),
}

#: Lines at whose end words are lost although the paragraph goes on in the next line
#: (the sentence breaks off at a page end and resumes elsewhere in it).
JOIN_LOSSES: dict[int, str] = {
    315: ("Words are missing here: the witness goes from \u201cThe\u201d at the foot of a "
          "page to \u201cArmenia, Georgia and Azerbaijan\u2014to unite\u201d at the head of "
          "the next; the words between, which told how the three republics came to unite, "
          "are lost."),
}

#: Lines that end a paragraph although their final full stop is lost.
UNPUNCTUATED_ENDS: frozenset[int] = frozenset({251, 740, 802})

#: A line the OCR displaced: (line, the line it belongs after). At the foot of the
#: page that ends with "the \u201cfever\u201d" the OCR put that page's last line
#: before the five short lines that precede it in the printed order.
TRANSPOSITIONS: tuple[tuple[int, int], ...] = ((285, 293),)

#: Lines whose cut is not a page end: the OCR split a paragraph inside a page (mostly
#: its last, short line). Each follows a page end by far less than a page of text
#: (a full page holds about 2,400 characters), so no page can have ended there.
WITHIN_PAGE_SPLITS: frozenset[int] = frozenset(
    {271, 283, 287, 289, 291, 293, 347, 421, 615, 770, 806, 850}
)

#: Lines set off in the book as block quotations; consecutive ones form one quote.
QUOTATION_LINES: frozenset[int] = frozenset({207, 467, 491, 892, 964, 966, 968, 970, 974})

#: The sha256 of the witness the line-numbered repairs above were reviewed on.
WITNESS_SHA256 = "5b8bc3673d7e33ea5add9405323e2fafe5a26c17d448f31512a72bc290bea312"


@dataclass(frozen=True)
class Repairs:
    """What the reader is told about one witness's damage, by source line number.

    The tables are valid for exactly one witness file (`WITNESS_SHA256`); any other
    text (an excerpt, a fixture) is read with `Repairs()` (no repairs) unless a test
    supplies its own.
    """

    garbled: dict[int, str] = field(default_factory=dict)
    losses: dict[int, str] = field(default_factory=dict)
    join_losses: dict[int, str] = field(default_factory=dict)
    unpunctuated_ends: frozenset[int] = frozenset()
    transpositions: tuple[tuple[int, int], ...] = ()
    within_page_splits: frozenset[int] = frozenset()
    quotations: frozenset[int] = frozenset()
    abbreviations: bool = False  # rebuild the scrambled columns (ABBREVIATION_REPAIRS)
    corrections: Path | None = None


WITNESS_REPAIRS = Repairs(
    garbled=GARBLED_LINES,
    losses=LOSSES,
    join_losses=JOIN_LOSSES,
    unpunctuated_ends=UNPUNCTUATED_ENDS,
    transpositions=TRANSPOSITIONS,
    within_page_splits=WITHIN_PAGE_SPLITS,
    quotations=QUOTATION_LINES,
    abbreviations=True,
    corrections=CORRECTIONS_PATH,
)


def repairs_for(source: Path) -> Repairs:
    """The reviewed repairs if `source` is the witness they were made for, else none."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return WITNESS_REPAIRS if digest == WITNESS_SHA256 else Repairs()

#: Titles of works printed in the text (unmarked by the OCR), tagged as `title`.
TITLES: tuple[str, ...] = (
    "History of Soviet Russia",
    "The Bolshevik Revolution, 1917\u20131923",
    "The Interregnum, 1923\u20131924",
    "Socialism in One Country, 1924\u20131926",
    "Foundations of a Planned Economy, 1926\u20131929",
    "The Russian Revolution: from Lenin to Stalin, 1917\u20131929",
    "Economic History of the USSR",
    "State and Revolution",
    "Lessons of October",
    "ABC of Communism",
    "Theory of Historical Materialism",
    "Communist Manifesto",
    "Leningradskaya Pravda",
    "Pravda",
    "Bol'shevik",
    "Pacific Worker",
    "The Infantile Disease of \"Leftism\" in Communism",
    "Since Lenin Died",
    "Sunday Worker",
    "New York Times",
    "Leninism or Trotskyism?",
)

#: Titles that are common words elsewhere, tagged only in the context given.
TITLES_IN_CONTEXT: tuple[tuple[str, str], ...] = (
    ("pamphlet On Lenin he", "On Lenin"),
    ("under the title Leninism.", "Leninism"),
)

#: Titles of articles, lectures and speeches, printed in quotation marks: `title level="a"`.
ARTICLE_TITLES: tuple[str, ...] = (
    "On the Foundations of Leninism",
    "The Theory of Permanent Revolution",
    "The Fundamental Law of Socialist Accumulation",
    "The Philosophy of an Epoch",
    "Notes of an Economist",
    "The Year of the Great Break-Through",
    "Dizzy from Success",
)

#: Italic words that are Russian (the rest of the surviving italics are emphasis).
RUSSIAN_ITALICS: frozenset[str] = frozenset({"dvor", "dvors", "kulak", "kulaks", "mir"})

#: End-of-page hyphens the book's evidence would decide wrongly: `Constitutional-De-`
#: + `mocratic` is the compound Constitutional-Democratic, divided after "De".
HYPHEN_OVERRIDES: dict[str, bool] = {
    "constitutional-de-mocratic": False,
    # the book prints `pre-eminent`, and hyphenates re-, pre- compounds throughout
    "pre-eminence": True,
}

#: Stray letters a chapter heading or running head may carry beyond its title.
HEADING_EXTRA_LETTERS = 3

SENTENCE_END = re.compile(r"[.!?:\"\u201d)]\s*$")
SEE_PAGES = re.compile(r"\(see (pp?)\. ([0-9](?:[0-9,\- ]*[0-9])?)(?: (above|below))?\)")
PAGE_NUMBER_LINE = re.compile(r"^\s*(\d{1,3})\s*$")
ITALIC = re.compile(r"\*([^*\n]+)\*")


# --------------------------------------------------------------- the witness

@dataclass(frozen=True)
class SourceLine:
    """One non-blank line of the OCR witness with its 1-based line number."""

    number: int
    text: str


@dataclass(frozen=True)
class Correction:
    """One intervention of `corrections/carr.tsv`: `sic` within `context` on `line`."""

    line: int
    context: str
    sic: str
    corr: str
    kind: str
    note: str


@dataclass(frozen=True)
class ContentsEntry:
    """One entry of the printed contents list."""

    line: SourceLine
    stray: str  # characters before the title the OCR picked up (surplus)
    title: str
    page: str  # as printed (`I` for 1)
    page_value: str  # as corrected (`1`)


@dataclass
class Segment:
    """A piece of a paragraph from one source line, and how it joins the previous one."""

    line: SourceLine
    text: str
    join: str = "start"  # start | page | line (a within-page split)
    page_n: str | None = None  # the page number witnessed at the join
    page_top: bool = False  # a running head or page number stood before this line


@dataclass
class Block:
    """A paragraph (or a block-quotation paragraph) under construction."""

    segments: list[Segment]
    quotation: bool = False
    garbled: str | None = None
    loss: str | None = None
    unpunctuated_end: bool = False

    @property
    def last(self) -> SourceLine:
        return self.segments[-1].line


@dataclass
class Chapter:
    """A chapter: its number, contents entry, heading line(s) and content in order."""

    number: int
    entry: ContentsEntry
    heading: SourceLine | None
    content: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Removal:
    """A witness line left out of the text (a running head, page number or duplicate)."""

    line: SourceLine
    kind: str


def load_witness(source: Path) -> list[SourceLine]:
    """The non-blank lines of the witness, numbered as in the file."""
    text = source.read_text(encoding="utf-8")
    return [SourceLine(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]


def load_corrections(path: Path | None) -> dict[int, list[Correction]]:
    """The corrections table, by source line (none without a table)."""
    by_line: dict[int, list[Correction]] = {}
    if path is None:
        return by_line
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((row for row in handle if not row.startswith("#")),
                              delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in rows:
            correction = Correction(int(row["line"]), row["context"], row["sic"],
                                    row["corr"], row["kind"], row["note"])
            by_line.setdefault(correction.line, []).append(correction)
    return by_line


def transposed(lines: list[SourceLine],
               transpositions: tuple[tuple[int, int], ...] = TRANSPOSITIONS) -> list[SourceLine]:
    """The lines in reading order, with each displaced line moved to its place."""
    ordered = list(lines)
    for moved, after in transpositions:
        line = next(item for item in ordered if item.number == moved)
        ordered.remove(line)
        index = next(i for i, item in enumerate(ordered) if item.number == after)
        ordered.insert(index + 1, line)
    return ordered


def normalized_title(text: str) -> str:
    """Letters of a heading, lower-cased (numbers, dashes and stray marks ignored)."""
    return re.sub(r"[^a-z]", "", text.lower())


def heading_match(line: str, title: str) -> bool:
    """Whether `line` is the heading (or a running head) `title`, allowing OCR damage.

    The letters must be the title's, in order, with at most `HEADING_EXTRA_LETTERS`
    stray letters among them (`The Revolution in IQPerspective`); numbers, dashes and
    spacing do not count. A different word (`East` for `West`) never matches.
    """
    a, b = normalized_title(line), normalized_title(title)
    if not a or not b or len(a) - len(b) > HEADING_EXTRA_LETTERS:
        return False
    letters = iter(a)
    return all(ch in letters for ch in b)


def parse_contents(lines: list[SourceLine]) -> list[ContentsEntry]:
    """The contents list: tab-separated `stray \\t title \\t page` lines after `Contents`."""
    start = next(i for i, line in enumerate(lines) if line.text.strip() == "Contents")
    entries = []
    for line in lines[start + 1:]:
        if "\t" not in line.text:
            break
        stray, title, page = line.text.split("\t")
        page_value = "1" if page.strip() == "I" else page.strip()
        entries.append(ContentsEntry(line, stray, title.strip(), page.strip(), page_value))
    return entries


# ------------------------------------------------------------ inline markup

@dataclass(frozen=True)
class Span:
    """An inline element over `text[start:end]` of a paragraph."""

    start: int
    end: int
    kind: str  # choice | surplus | supplied | title | foreign | emph | ref
    corr: str = ""
    attrib: tuple[tuple[str, str], ...] = ()
    strip: int = 0  # characters of markup (asterisks) to drop at each end


@dataclass
class Inline:
    """A paragraph's text with its inline elements and the empty elements between."""

    text: str = ""
    spans: list[Span] = field(default_factory=list)
    milestones: list[tuple[int, etree._Element]] = field(default_factory=list)


def _emit(parent: etree._Element, inline: Inline, start: int, end: int,
          interior: bool = False) -> None:
    """Append `inline.text[start:end]` with the milestones that fall inside it.

    Outside inline elements a milestone at either end of the range is placed here;
    inside one (`interior`) only strictly inner milestones are, so that a page break
    at the edge of a corrected word stands outside the correction.
    """
    cursor = start
    for offset, element in inline.milestones:
        if element.getparent() is not None:
            continue
        inside = start < offset < end if interior else start <= offset <= end
        if inside:
            append_text(parent, inline.text[cursor:offset])
            parent.append(element)
            cursor = offset
    append_text(parent, inline.text[cursor:end])


def fill(parent: etree._Element, inline: Inline) -> None:
    """Write `inline` into `parent` as mixed content (spans must not overlap)."""
    inline.milestones.sort(key=lambda item: item[0])
    cursor = 0
    for span in sorted(inline.spans, key=lambda s: s.start):
        if span.start < cursor:
            raise ValueError(f"overlapping inline markup at {span.start}: {inline.text[:60]!r}")
        _emit(parent, inline, cursor, span.start)
        attrib = dict(span.attrib)
        if span.kind == "choice":
            element = sub(parent, "choice")
            _emit(sub(element, "sic"), inline, span.start, span.end, interior=True)
            sub(element, "corr", {"resp": EDITOR, **attrib}, span.corr)
        elif span.kind == "supplied":
            element = sub(parent, "supplied", {"resp": EDITOR, **attrib}, span.corr)
        else:
            element = sub(parent, span.kind, attrib)
            _emit(element, inline, span.start + span.strip, span.end - span.strip, True)
        cursor = span.end
    _emit(parent, inline, cursor, len(inline.text))


def _free(inline: Inline, start: int, end: int) -> bool:
    return all(end <= s.start or start >= s.end for s in inline.spans)


def add_corrections(inline: Inline, offset: int, line: SourceLine, text: str,
                    corrections: dict[int, list[Correction]]) -> None:
    """Spans for the table's corrections on `line`, whose text starts at `offset`."""
    for correction in corrections.get(line.number, []):
        try:
            start = offset + target_in_text(text, correction.context, correction.sic)
        except ValueError as error:
            raise ValueError(f"line {line.number}: {error}") from None
        end = start + len(correction.sic)
        attrib = (("type", correction.kind),)
        if correction.kind == "surplus":
            inline.spans.append(Span(start, end, "surplus", attrib=(("reason", "stray"),)))
        else:
            inline.spans.append(Span(start, end, "choice", correction.corr, attrib))


def add_phrase_markup(inline: Inline, chapter_pages: list[tuple[int, int]],
                      known_pages: set[str]) -> None:
    """Italics, titles of works and cross-references found in the paragraph text."""
    text = inline.text
    for match in ITALIC.finditer(text):
        word = match.group(1)
        if word in TITLES:
            kind, attrib = "title", ()
        elif word.lower() in RUSSIAN_ITALICS:
            kind, attrib = "foreign", (("xml:lang", "ru-Latn"),)
        else:
            kind, attrib = "emph", ()
        if _free(inline, match.start(), match.end()):
            inline.spans.append(Span(match.start(), match.end(), kind, attrib=attrib, strip=1))
    for title in TITLES:
        for match in re.finditer(rf"(?<![\w*]){re.escape(title)}(?![\w*])", text):
            if _free(inline, match.start(), match.end()):
                inline.spans.append(Span(match.start(), match.end(), "title"))
    for context, title in TITLES_IN_CONTEXT:
        at = text.find(context)
        if at >= 0:
            start = at + context.index(title)
            if _free(inline, start, start + len(title)):
                inline.spans.append(Span(start, start + len(title), "title"))
    for title in ARTICLE_TITLES:
        for match in re.finditer(rf"\"({re.escape(title)})\"", text):
            if _free(inline, match.start(1), match.end(1)):
                inline.spans.append(Span(match.start(1), match.end(1), "title",
                                         attrib=(("level", "a"),)))
    for match in SEE_PAGES.finditer(text):
        numbers_at = match.start(2)
        for number in re.finditer(r"\d+(?:-\d+)?", match.group(2)):
            start, end = numbers_at + number.start(), numbers_at + number.end()
            first = int(number.group().split("-")[0])
            if str(first) in known_pages:
                target = f"#{PREFIX}-pb-{first}"
            else:
                chapter = max(n for n, page in chapter_pages if page <= first)
                target = f"#{PREFIX}-ch{chapter}"
            if _free(inline, start, end):
                inline.spans.append(Span(start, end, "ref", attrib=(
                    ("type", "page"), ("n", number.group()), ("target", target))))


# --------------------------------------------------------------- body parsing

def is_open(text: str) -> bool:
    """Whether a line stops mid-sentence (no closing punctuation at its end)."""
    return not SENTENCE_END.search(text)


def continues(previous: SourceLine, following: SourceLine, repairs: Repairs) -> bool:
    """Whether `following` goes on with the paragraph `previous` was cut from."""
    if previous.number in repairs.unpunctuated_ends or previous.number in repairs.losses:
        return False
    return is_open(previous.text) or following.text[:1].islower()


def is_caption(line: SourceLine) -> bool:
    """A photograph caption of the plates (each ends with its picture agency's credit)."""
    return bool(re.search(r"(Sovfoto|Archives, Inc\.)\s*$", line.text))


@dataclass
class Body:
    """The parsed body: chapters in order, plate captions, and removed witness lines."""

    chapters: list[Chapter]
    captions: list[SourceLine]
    removals: list[Removal]
    plates_after: int  # the chapter the plates follow


def parse_body(lines: list[SourceLine], entries: list[ContentsEntry],
               repairs: Repairs) -> Body:
    """Chapters, paragraphs and page breaks of the body, from the first chapter heading."""
    titles = [entry for entry in entries if entry.page_value.isdigit()]
    chapters: list[Chapter] = []
    removals: list[Removal] = []
    captions: list[SourceLine] = []
    plates_after = 0
    block: Block | None = None
    pending_page: str | None = None
    page_top = False
    for line in lines:
        text = line.text.strip()
        next_number = len(chapters) + 1
        if next_number <= len(titles) and heading_match(text, titles[next_number - 1].title):
            chapters.append(Chapter(next_number, titles[next_number - 1], line))
            block = None
            continue
        if not chapters:
            continue
        chapter = chapters[-1]
        if heading_match(text, chapter.entry.title):
            # the chapter's own title again: a duplicate heading or a running head
            kind = "duplicate heading" if not chapter.content else "running head"
            removals.append(Removal(line, kind))
            page_top = kind == "running head"
            continue
        if PAGE_NUMBER_LINE.match(text):
            removals.append(Removal(line, "page number"))
            pending_page, page_top = text, True
            continue
        if is_caption(line):
            captions.append(line)
            plates_after = chapter.number
            block = None
            continue
        if line.number in repairs.garbled:
            chapter.content.append(Block([Segment(line, line.text)],
                                         garbled=repairs.garbled[line.number]))
            block = None
            continue
        quotation = line.number in repairs.quotations
        if (block is not None and continues(block.last, line, repairs)
                and block.quotation == quotation):
            join = "line" if block.last.number in repairs.within_page_splits else "page"
            block.segments.append(Segment(line, line.text, join, pending_page, page_top))
        else:
            # a page that began between paragraphs, witnessed by its head or number
            block = Block([Segment(line, line.text, page_n=pending_page, page_top=page_top)],
                          quotation=quotation)
            chapter.content.append(block)
        pending_page, page_top = None, False
        block.loss = repairs.losses.get(line.number)
        block.unpunctuated_end = line.number in repairs.unpunctuated_ends
        if block.loss:
            block = None
    return Body(chapters, captions, removals, plates_after)


# ------------------------------------------------------------ TEI building

@dataclass
class Context:
    """What building the paragraphs needs: corrections, vocabulary, page knowledge."""

    corrections: dict[int, list[Correction]]
    vocabulary: object
    chapter_pages: list[tuple[int, int]]
    known_pages: set[str]
    repairs: Repairs


def editorial_note(text: str) -> etree._Element:
    """A `note type="editorial"` by the encoder."""
    return tei("note", {"type": "editorial", "resp": EDITOR}, text)


def page_break(n: str | None = None, word_break: bool = False) -> etree._Element:
    """A `pb`, numbered (with its id) only when the number is known."""
    attrib: dict[str, str] = {}
    if n is not None:
        attrib = {"n": n, "xml:id": f"{PREFIX}-pb-{n}"}
    if word_break:
        attrib["break"] = "no"
    return tei("pb", attrib)


def block_inline(block: Block, context: Context) -> Inline:
    """Join a block's segments into one text with page breaks and corrections."""
    inline = Inline()
    previous_line = block.segments[0].line
    for segment in block.segments:
        text = segment.text.strip()
        if segment.join == "start" and segment.page_top:
            inline.milestones.append((0, page_break(segment.page_n)))
        if segment.join != "start":
            previous = inline.text
            word_break = previous.endswith("-")
            if word_break:
                left = previous.rsplit(" ", 1)[-1][:-1]
                right = text.split(" ", 1)[0]
                decision = decide_hyphen(left, right, context.vocabulary, HYPHEN_OVERRIDES)
                if not decision.keep:
                    inline.text = previous[:-1]
            else:
                inline.text = previous + " "
            if segment.join == "page":
                inline.milestones.append(
                    (len(inline.text), page_break(segment.page_n, word_break)))
            lost = context.repairs.join_losses.get(previous_line.number)
            if lost:
                inline.milestones.append((len(inline.text), tei("gap", {
                    "reason": "lost", "extent": "unknown"})))
                inline.milestones.append((len(inline.text), editorial_note(lost)))
        offset = len(inline.text)
        for moved, after in context.repairs.transpositions:
            if moved == segment.line.number:
                inline.milestones.append((offset, transposition_note(segment, after)))
        add_corrections(inline, offset, segment.line, text, context.corrections)
        inline.text += text
        previous_line = segment.line
    add_phrase_markup(inline, context.chapter_pages, context.known_pages)
    if block.unpunctuated_end:
        inline.spans.append(Span(len(inline.text), len(inline.text), "supplied", ".",
                                 (("reason", "omitted-in-witness"),)))
    return inline


def build_paragraph(parent: etree._Element, xml_id: str, block: Block,
                    context: Context) -> etree._Element:
    """A `p` for `block` with its inline markup, loss and garbling recorded."""
    p = sub(parent, "p", {"xml:id": xml_id})
    if block.garbled:
        append_garbled(p, block)
        return p
    inline = block_inline(block, context)
    if block.loss:
        if inline.text.endswith("-") or is_open(inline.text):
            inline.milestones.append((len(inline.text), page_break()))
        inline.milestones.append((len(inline.text), tei("gap", {
            "reason": "lost", "unit": "page", "extent": "unknown"})))
        inline.milestones.append((len(inline.text), editorial_note(block.loss)))
    fill(p, inline)
    return p


def append_garbled(p: etree._Element, block: Block) -> None:
    """A garbled repetition of another passage, as surplus with the editor's note."""
    surplus = sub(p, "surplus", {"reason": "repeated"}, block.segments[0].text.strip())
    surplus.tail = None
    p.append(editorial_note(
        f"Source line {block.segments[0].line.number} is {block.garbled}; it is kept "
        "as surplus and not corrected."))


def transposition_note(segment: Segment, after: int) -> etree._Element:
    """The note before a line the reader moved back to its printed place."""
    words = segment.text.split()
    return editorial_note(
        f"The OCR gives the following words, source line {segment.line.number} "
        f"(\u201c{' '.join(words[:4])} \u2026 {' '.join(words[-4:])}\u201d), before the "
        "short lines that precede them in the printed order at the foot of the same page; "
        f"they are put back in their place, after source line {after}.")


def chapter_head(chapter: Chapter, context: Context) -> etree._Element:
    """The chapter's `head`: the printed heading with its number and any damage marked."""
    head = tei("head")
    line = chapter.heading
    assert line is not None
    text = line.text.strip()
    inline = Inline(text)
    number = re.match(r"^(\d+) ", text)
    if number:
        inline.spans.append(Span(0, len(number.group(1)), "num", attrib=(("type", "chapter"),)))
    misplaced = re.search(r" (\d+) ", text)
    if misplaced and not number:
        inline.spans.append(Span(misplaced.start(1), misplaced.end(1), "surplus",
                                 attrib=(("reason", "misplaced"),)))
    add_corrections(inline, 0, line, text, context.corrections)
    fill(head, inline)
    if not number:
        supply_chapter_number(head, chapter.number)
    return head


def supply_chapter_number(head: etree._Element, number: int) -> None:
    """Put a number the OCR lost at the head of the chapter's heading, as `supplied`.

    The contents list gives the chapters in order (not their numbers), so the number is
    the chapter's place in it. A number the OCR garbled and ran into the title (`IQ`
    for 19, corrected in the table as type `number`) is marked where it stands as
    misplaced, like a misplaced figure (`The USSR and the 18 World`).
    """
    for choice in list(head.iter(f"{{{TEI_NS}}}choice")):
        corr = choice.find(f"{{{TEI_NS}}}corr")
        if corr is not None and corr.get("type") == "number":
            surplus = tei("surplus", {"reason": "misplaced"})
            tail, choice.tail = choice.tail, None
            choice.addprevious(surplus)
            surplus.append(choice)
            surplus.tail = tail
    num = tei("num", {"type": "chapter"})
    sub(num, "supplied", {"resp": EDITOR, "reason": "lost-in-witness"}, str(number))
    num.tail = " " + (head.text or "")
    head.text = None
    head.insert(0, num)


def build_chapter(body: etree._Element, chapter: Chapter, context: Context) -> etree._Element:
    """A `div type="chapter"` with its first page, heading, paragraphs and quotations."""
    div_id = f"{PREFIX}-ch{chapter.number}"
    div = sub(body, "div", {"type": "chapter", "n": str(chapter.number), "xml:id": div_id})
    div.append(page_break(chapter.entry.page_value))
    div.append(chapter_head(chapter, context))
    paragraphs = quotes = 0
    quote: etree._Element | None = None
    quote_paragraphs = 0
    for item in chapter.content:
        if item.quotation:
            if quote is None:
                quotes += 1
                quote = sub(div, "quote", {"xml:id": f"{div_id}-q{quotes}"})
                quote_paragraphs = 0
            quote_paragraphs += 1
            build_paragraph(quote, f"{div_id}-q{quotes}-p{quote_paragraphs}", item, context)
            continue
        quote = None
        previous = div[-1] if len(div) and etree.QName(div[-1]).localname == "p" else None
        if item.garbled and previous is not None:
            # Not a passage of the book: a scrambled repetition of one. It stays, marked,
            # at the end of the paragraph before it, so that nothing citable is empty.
            append_garbled(previous, item)
            continue
        paragraphs += 1
        build_paragraph(div, f"{div_id}-p{paragraphs}", item, context)
    return div


def build_plates(body: etree._Element, captions: list[SourceLine]) -> etree._Element:
    """The plates as `div type="plates"`: one `figure` per photograph, its caption as `head`."""
    div = sub(body, "div", {"type": "plates", "xml:id": f"{PREFIX}-plates"})
    div.append(editorial_note(
        "The plates (photographs printed on separate leaves) are not reproduced in this "
        "edition; only their captions, as the OCR witness gives them, are encoded. Where "
        "one caption serves two photographs (Top, Bottom), each has its figure."))
    figures = 0
    for line in captions:
        for caption in re.split(r" (?=\(Bottom\))", line.text.strip()):
            figures += 1
            figure = sub(div, "figure", {"xml:id": f"{PREFIX}-plates-fig{figures}"})
            sub(figure, "head", text=caption)
    return div


# ------------------------------------------------------------ front matter

def build_title_page(front: etree._Element, lines: list[SourceLine]) -> None:
    """The stray mark at the top of the witness and the title page (lines 1-19)."""
    by_text = {line.text.strip(): line for line in lines[:12]}
    stray = lines[0].text.strip()
    p = sub(front, "p")
    sub(p, "surplus", {"reason": "unidentified"}, stray)
    p.append(editorial_note(
        f"The witness opens with \u201c{stray}\u201d, a mark not printed as part of the "
        "title page (perhaps a library or scanning mark); kept as surplus."))
    page = sub(front, "titlePage", {"xml:id": f"{PREFIX}-titlepage"})
    doc_title = sub(page, "docTitle")
    sub(doc_title, "titlePart", {"type": "main"}, by_text["THE RUSSIAN REVOLUTION"].text.strip())
    sub(doc_title, "titlePart", {"type": "sub"}, by_text["From Lenin to Stalin"].text.strip())
    byline = sub(page, "byline", text="by ")
    sub(byline, "docAuthor", text=by_text["Edward Hallett Carr"].text.strip())
    imprint = sub(page, "docImprint")
    sub(imprint, "publisher", text="THE FREE PRESS")
    append_text(imprint, " A Division of Macmillan Publishing Co., Inc. ")
    sub(imprint, "pubPlace", text="NEW YORK")


def build_copyright(front: etree._Element, lines: list[SourceLine]) -> None:
    """The copyright and cataloguing page: one `p` per witness line."""
    div = sub(front, "div", {"type": "copyright", "xml:id": f"{PREFIX}-copyright"})
    start = next(i for i, line in enumerate(lines) if line.text.startswith("Copyright"))
    end = next(i for i, line in enumerate(lines) if line.text.strip() == "Contents")
    for k, line in enumerate(lines[start:end], 1):
        sub(div, "p", {"xml:id": f"{PREFIX}-copyright-p{k}"}, line.text.strip())


def build_contents(front: etree._Element, entries: list[ContentsEntry],
                   chapter_ids: list[str]) -> None:
    """The contents as a `list` whose titles link to the divisions they name."""
    div = sub(front, "div", {"type": "contents", "xml:id": f"{PREFIX}-contents"})
    sub(div, "head", text="Contents")
    items = sub(div, "list", {"type": "contents"})
    targets = [f"#{PREFIX}-foreword", f"#{PREFIX}-abbreviations", *[f"#{i}" for i in chapter_ids]]
    chapter = 0
    for k, (entry, target) in enumerate(zip(entries, targets, strict=True), 1):
        item = sub(items, "item", {"xml:id": f"{PREFIX}-contents-i{k}"})
        if entry.page_value.isdigit():
            chapter += 1
            item.set("n", str(chapter))
        if entry.stray.strip():
            surplus = sub(item, "surplus", {"reason": "stray"}, entry.stray.strip())
            surplus.tail = " "
        sub(item, "ref", {"target": target}, entry.title)
        append_text(item, " ")
        num = sub(item, "num", {"type": "page"})
        if entry.page != entry.page_value:
            choice = sub(num, "choice")
            sub(choice, "sic", text=entry.page)
            sub(choice, "corr", {"resp": EDITOR, "type": "number"}, entry.page_value)
        else:
            num.text = entry.page


def front_page(entries: list[ContentsEntry], title: str) -> str:
    """The first page the contents give for a division of the front matter."""
    return next(entry.page_value for entry in entries if entry.title == title)


def build_foreword(front: etree._Element, lines: list[SourceLine],
                   entries: list[ContentsEntry], context: Context) -> None:
    """The Foreword, its date as `dateline` and signature as `signed`."""
    contents = next(i for i, line in enumerate(lines) if line.text.strip() == "Contents")
    start = next(i for i, line in enumerate(lines) if line.text.strip() == "Foreword"
                 and i > contents and "\t" not in line.text)
    end = next(i for i, line in enumerate(lines) if line.text.strip() == "List of Abbreviations"
               and i > start)
    div = sub(front, "div", {"type": "foreword", "xml:id": f"{PREFIX}-foreword"})
    div.append(page_break(front_page(entries, "Foreword")))
    sub(div, "head", text="Foreword")
    body = lines[start + 1:end]
    for k, line in enumerate(body[:-2], 1):
        build_paragraph(div, f"{PREFIX}-foreword-p{k}", Block([Segment(line, line.text)]),
                        context)
    dateline = sub(div, "dateline")
    printed = body[-2].text.strip()
    when = datetime.datetime.strptime(printed, "%B %d %Y").date().isoformat()
    sub(dateline, "date", {"when": when}, printed)
    sub(div, "signed", text=body[-1].text.strip())


#: The abbreviations the OCR's two columns scrambled (source lines 109-121), rebuilt:
#: (label, expansion, how the witness gives them). Labels and expansions are the
#: witness's words; what is left over is kept as surplus in `ABBREVIATION_SURPLUS`.
ABBREVIATION_REPAIRS: tuple[tuple[str, str, str], ...] = (
    ("NMM", "National Minority Movement", ("line 113 runs three labels (NMM NUWM OGPU) and their "
     "three expansions together")),
    ("NUWM", "National Unemployed Workers' Movement", "line 113, second of three run together"),
    ("OGPU", "Unified State Political Administration", "line 113, third of three run together"),
    ("PCF", "French Communist Party", "line 114 runs two labels and two expansions together"),
    ("PCI", "Italian Communist Party", "line 114, second of two run together"),
    ("Profintern", "Red International of Trade Unions (RILLI)", ("line 115 gives two labels "
     "(Profintern RSFSR) with the first expansion only")),
    ("RSFSR", "Russian Socialist Federal Soviet Republic", ("label on line 115, expansion at the "
     "head of line 116")),
    ("Sovkhoz(y)", "Soviet Farm(s)", ("label inside a TeX array on line 116, expansion after "
     "that of RSFSR")),
    ("Sovnarkhoz(y)", "Council(s) of National Economy", ("label inside the TeX array on line "
     "116; its expansion, cut short there (\u201cCouncil(s) of National R\u201d), stands "
     "whole at the head of line 117")),
    ("Sovnarkom", "Council of People's Commissars", ("line 117 runs two labels (Sovnarkom SPD) "
     "after the previous expansion")),
    ("SPD", "German Social-Democratic Party", ("label on line 117, whose expansion is cut short "
     "there (\u201cGerman Social D\u201d) and stands whole at the head of line 118")),
    ("SR", "Social-Revolutionary", ("line 118 gives two labels (SR TsIK); SR's expansion follows "
     "that of SPD")),
    ("TsIK", "Central Executive Committee", ("label on line 118, expansion at the head of "
     "line 119")),
    ("USPD", "German Independent Social-Democratic", ("label on line 119; its expansion follows "
     "that of TsIK, its last word lost")),
    ("USSR", "Union of Soviet Socialist Republics", ("line 120 gives two labels (USSR VAPP) "
     "with the first expansion only")),
    ("VAPP", "All-Russian Association of Proletarian Writers", ("label on line 120, expansion at "
     "the head of line 121")),
    ("Vesenkha", "Supreme Council of National Economy", ("line 121 gives two labels and three "
     "expansions, the first belonging to VAPP")),
    ("VTsIK", "All-Russian Central Executive Committee", ("line 121, the second label and the "
     "third expansion")),
)

#: Witness text in the scrambled columns that repeats other entries (kept as surplus).
ABBREVIATION_SURPLUS: tuple[tuple[int, str, str], ...] = (
    (109, "All Dussian Cooperative Society", "a garbled repetition of the expansion of Arcos"),
    (111, "NMM", "the label NMM, repeated on line 113"),
    (116, "$\\begin{array}{c}", "TeX markup of the OCR around two labels"),
    (116, "\\\\", "TeX markup of the OCR between two labels"),
    (116, "\\end{array}$", "TeX markup of the OCR around two labels"),
    (116, "Council(s) of National R", ("the beginning of Sovnarkhoz(y)'s expansion, repeated "
     "whole on line 117")),
    (117, "German Social D", "the beginning of SPD's expansion, repeated whole on line 118"),
)


def build_abbreviations(front: etree._Element, lines: list[SourceLine], end: int,
                        entries: list[ContentsEntry], repairs: Repairs) -> None:
    """The List of Abbreviations as `list type="gloss"`, the scrambled part rebuilt.

    `lines[:end]` ends before the half-title; the witness's entries are read as
    `label \t expansion` lines (a line opening with a tab continues the expansion)
    until the first line of another shape, where the OCR's columns are scrambled:
    those are rebuilt from `ABBREVIATION_REPAIRS` if `repairs` say so, and refused
    (ValueError) otherwise, never passed over in silence.
    """
    start = max(i for i, line in enumerate(lines[:end])
                if line.text.strip() == "List of Abbreviations")
    div = sub(front, "div", {"type": "abbreviations", "xml:id": f"{PREFIX}-abbreviations"})
    div.append(page_break(front_page(entries, "List of Abbreviations")))
    sub(div, "head", text="List of Abbreviations")
    gloss = sub(div, "list", {"type": "gloss"})
    k = 0
    entries: list[tuple[str, str]] = []
    scrambled = []
    for index in range(start + 1, end):
        line = lines[index]
        if "\t" not in line.text:
            scrambled = lines[index:end]
            break
        if line.text.startswith("\t"):  # the expansion's second printed line
            label, expansion = entries[-1]
            entries[-1] = (label, f"{expansion} {line.text.strip()}")
        else:
            label, expansion = line.text.split("\t")
            entries.append((label.strip(), expansion.strip()))
    for label, expansion in entries:
        k += 1
        sub(gloss, "label", text=label)
        sub(gloss, "item", {"xml:id": f"{PREFIX}-abbreviations-i{k}"}, expansion)
    if scrambled and not repairs.abbreviations:
        raise ValueError(f"list of abbreviations: lines {scrambled[0].number}-"
                         f"{scrambled[-1].number} are not label/expansion pairs")
    if not repairs.abbreviations:
        return
    for label, expansion, how in ABBREVIATION_REPAIRS:
        k += 1
        sub(gloss, "label", {"resp": EDITOR}, label)
        item = sub(gloss, "item", {"xml:id": f"{PREFIX}-abbreviations-i{k}", "resp": EDITOR})
        if label == "Profintern":
            item.text = "Red International of Trade Unions ("
            choice = sub(item, "choice")
            sub(choice, "sic", text="RILLI")
            sub(choice, "corr", {"resp": EDITOR, "type": "spelling"}, "RILU")
            choice.tail = ")"
        else:
            item.text = expansion
        if label == "USPD":
            sub(item, "supplied", {"reason": "omitted-in-witness", "resp": EDITOR}, " Party")
        gloss.append(editorial_note(f"Rebuilt from the scrambled columns of the OCR: {how}."))
    # what the scrambled columns hold besides the entries
    trailer = sub(gloss, "trailer")
    for number, text, why in ABBREVIATION_SURPLUS:
        surplus = sub(trailer, "surplus", {"reason": "repeated"}, text)
        surplus.tail = " "
        trailer.append(editorial_note(f"Source line {number}: {why}."))


def build_half_title(front: etree._Element, line: SourceLine) -> None:
    """The half-title before chapter 1."""
    page = sub(front, "titlePage", {"type": "half-title", "xml:id": f"{PREFIX}-halftitle"})
    sub(sub(page, "docTitle"), "titlePart", {"type": "main"}, line.text.strip())


# ------------------------------------------------------------ page numbers

def number_page_breaks(text: etree._Element) -> int:
    """Give `pb`s their numbers where they follow with certainty from numbered ones.

    Between two numbered page breaks `a` and `b`, the unnumbered ones found are pages
    a+1 … b-1 only if there are exactly b-a-1 of them (no page break can then be
    hidden at a paragraph's end) and no text is lost between them (a `gap` may hide
    a page break, or stand for a page). More than b-a-1 is a contradiction, recorded
    in a note; fewer leaves them unnumbered. Returns how many were numbered.
    """
    marks = [e for e in text.iter(f"{{{TEI_NS}}}pb", f"{{{TEI_NS}}}gap")
             if etree.QName(e).localname == "gap" or e.get("n", "0").isdigit()]
    breaks = [e for e in marks if etree.QName(e).localname == "pb"]
    position = {id(pb): marks.index(pb) for pb in breaks}
    numbered = 0
    known = [i for i, pb in enumerate(breaks) if pb.get("n", "").isdigit()]
    for i, j in itertools.pairwise(known):
        a, b = int(breaks[i].get("n")), int(breaks[j].get("n"))
        between = breaks[i + 1:j]
        lost = any(etree.QName(m).localname == "gap"
                   for m in marks[position[id(breaks[i])]:position[id(breaks[j])]])
        if between and len(between) == b - a - 1 and not lost:
            for k, pb in enumerate(between, 1):
                pb.set("n", str(a + k))
                pb.set(f"{{{XML_NS}}}id", f"{PREFIX}-pb-{a + k}")
                numbered += 1
        elif len(between) > b - a - 1:
            note = editorial_note(
                f"This page break was found between the numbered pages {a} and {b}, where "
                "none can be: the page number the OCR let slip into the text (or the first "
                "page the contents give) is out of place by a page. No number is given here, "
                "and the slipped number is kept where the OCR has it, with cert=\"low\".")
            pb = between[0]
            pb.addnext(note)
            note.tail, pb.tail = pb.tail, None
            for witnessed in (breaks[i], breaks[j]):
                if etree.QName(witnessed.getparent()).localname != "div":
                    witnessed.set("cert", "low")
    return numbered


# ------------------------------------------------------------ the header

def header(removals: list[Removal], counts: dict[str, int]) -> etree._Element:
    """The `teiHeader`: bibliography of the source and the editorial declarations."""
    removed = "; ".join(f"line {r.line.number} \u201c{r.line.text.strip()}\u201d ({r.kind})"
                        for r in removals)
    spec = HeaderSpec(
        title="The Russian Revolution: From Lenin to Stalin (1917\u20131929)",
        author="Edward Hallett Carr",
        responsibilities=(
            Responsibility(f"{PREFIX}-ed", "up-conversion from OCR, correction and encoding",
                           "The edition's encoders"),
        ),
        edition="TEI edition, draft from the OCR witness",
        publisher="The Carr\u2013Rothstein TEI edition project",
        availability=(
            ("The text of the book is \u00a9 1979 Edward Hallett Carr and remains in "
            "copyright. It is encoded here for research; no licence to reuse the text is "
            "given or implied. The encoding (markup and editorial notes) is the work of "
            "the edition project."),
        ),
        source_bibl=("Edward Hallett Carr, The Russian Revolution: From Lenin to Stalin. "
                     "New York: The Free Press, A Division of Macmillan Publishing Co., Inc., "
                     "1979. First American Edition. ISBN 0-02-905140-1. Library of Congress "
                     "Catalog Card Number 79-2295. \u00a9 1979 Edward Hallett Carr."),
        source_notes=(
            ("Witness: an OCR plain text, sources/carr-russian-revolution-1979.ocr.txt "
            "(1,057 lines; sha256 5b8bc3673d7e33ea5add9405323e2fafe5a26c17d448f31512a72bc2"
            "90bea312). The plates are present only as their captions; the index the "
            "cataloguing data mentions is not in the witness."),
        ),
        project=(
            ("A digital edition of two histories of the Russian revolution, encoded in TEI "
            "P5 from OCR witnesses, with every editorial intervention visible."),
        ),
        editorial={
            "correction": (
                ("Errors of the OCR (and of printing) are corrected in the markup, never "
                "silently: choice with sic (the witness) and corr (the correction, "
                f"resp=\"{EDITOR}\", corr/@type the kind: dash, join, split, spelling, "
                "punctuation, number). Stray characters are surplus; text the witness "
                "lost is gap followed by an editorial note; a lost final full stop is "
                "supplied. The corrections were found by listing the words unknown to an "
                "English word list (wordfreq) and to the book's own vocabulary (edition "
                "proof), by searching for the OCR's patterns (a full stop before a "
                "lower-case word, a hyphen standing for a dash, words run together or "
                "split, every hyphenated word of the book listed and read), and by reading "
                "the whole text; rare but correct words, Carr's spellings and Russian "
                "names are left as printed, and doubtful readings are not corrected. The "
                "table is transform/readers/corrections/carr.tsv."),
                ("Two lines of the witness (source lines 409 and 411) are garbled "
                 "repetitions of the first page of chapter 7; they are kept, as surplus, "
                 "where the OCR has them. The List of Abbreviations, whose two columns the "
                 "OCR scrambled, is rebuilt so that each abbreviation stands beside its "
                 "expansion: every rebuilt pair carries resp and an editorial note saying "
                 "how the witness gives it, and what the scrambled columns repeat is kept "
                 "as surplus in the list's trailer."),
                (f"Counts: {counts.get('corrections', 0)} corrections, "
                f"{counts.get('surplus', 0)} surplus, {counts.get('gaps', 0)} gaps."),
            ),
            "normalization": (
                ("Spelling, including Carr's British forms and transliterations, is kept as "
                "printed. Italics the OCR kept as *asterisks* are encoded as title (titles "
                "of works), foreign (Russian words) or emph; the asterisks are dropped."),
            ),
            "hyphenation": (
                ("A paragraph that the witness cut at a page end inside a word is rejoined "
                "with pb break=\"no\" at the cut. The end-of-page hyphen is dropped when it "
                "only divides the word and kept when the word is a compound; each case is "
                "decided by the book's own usage, then an English word list "
                "(transform.readers.common.decide_hyphen)."),
            ),
            "quotation": (
                ("Quotations set off as blocks in the book are quote elements; quotations "
                "within the text keep their quotation marks."),
            ),
            "segmentation": (
                ("The witness gives one paragraph a line, but cuts a paragraph wherever a "
                "printed page ended; a line that stops mid-sentence (or the next line "
                "beginning in lower case) is rejoined with the next, with a pb at the cut. "
                "A page break that fell between paragraphs leaves no trace in the witness "
                "and is not marked."),
                "In twelve places the OCR also cut a paragraph inside a page (mostly "
                "before its last, short line; in one place it displaced that line, which "
                "is put back in its place, see the note there). These cuts follow a page "
                "end by far less than the 2,400 characters a page holds, so they are "
                "rejoined without a pb (source lines "
                + ", ".join(str(n) for n in sorted(WITHIN_PAGE_SPLITS)) + ").",
                ("Page numbers: pb/@n is given only where the number is known: the first "
                "page of each chapter and of the Foreword and List of Abbreviations (from "
                "the contents), and the page numbers the OCR let slip into the text as "
                "lines of their own; a page break between two numbered ones is numbered "
                "only if exactly the missing count of breaks was found between them and no "
                "text is lost between them (no stretch of this witness qualifies). A page "
                "number that contradicts the contents (67, which stands a page before the "
                "last page of chapter 7) is kept where the OCR has it, with cert=\"low\" "
                "and a note. No number is estimated."),
                "Removed from the text (recorded here): " + removed + ".",
            ),
            "interpretation": (
                ("Titles of works are title; cross-references (\u201csee p. 44 below\u201d) are "
                "ref to the numbered page break where one exists, otherwise to the chapter "
                "that holds the page (known from the contents' first pages), with the "
                "printed page in @n. The chapter headings are matched to the titles of the "
                "contents; a garbled heading is corrected in choice, a misplaced chapter "
                "number is surplus."),
            ),
        },
        languages=(("en", "English"), ("ru-Latn", "Russian, transliterated")),
        changes=(("2026-11-23", EDITOR, ("Up-converted from the OCR witness by "
                  "transform.readers.carr (edition ingest carr).")),),
    )
    return build_header(spec)


# ------------------------------------------------------------ the reader

def known_pages(chapter_entries: list[ContentsEntry], removals: list[Removal]) -> set[str]:
    """Printed pages whose page break is numbered: chapters' first pages, leaked numbers."""
    leaked = {r.line.text.strip() for r in removals if r.kind == "page number"}
    return {e.page_value for e in chapter_entries} | leaked


def read(source: Path, repairs: Repairs | None = None) -> etree._ElementTree:
    """Up-convert the Carr OCR witness at `source` into a TEI document.

    `repairs` default to the reviewed ones when `source` is the witness they were
    made for (checked by its sha256), to none otherwise.
    """
    repairs = repairs if repairs is not None else repairs_for(source)
    lines = load_witness(source)
    corrections = load_corrections(repairs.corrections)
    entries = parse_contents(lines)
    chapter_entries = [e for e in entries if e.page_value.isdigit()]
    chapter_pages = [(n, int(e.page_value)) for n, e in enumerate(chapter_entries, 1)]
    contents_end = next(i for i, line in enumerate(lines) if line is entries[-1].line)
    abbreviations = next(i for i, line in enumerate(lines)
                         if i > contents_end and line.text.strip() == "List of Abbreviations")
    main_title = next(line.text.strip() for line in lines[:3] if line.text.isupper()
                      and len(line.text.split()) > 1)
    half_index = next(i for i, line in enumerate(lines)
                      if i > abbreviations and line.text.strip() == main_title)
    half_title = lines[half_index]
    body_lines = transposed(lines[half_index + 1:], repairs.transpositions)
    parsed = parse_body(body_lines, entries, repairs)
    if len(parsed.chapters) != len(chapter_entries):
        raise ValueError(f"found {len(parsed.chapters)} chapter headings, "
                         f"the contents list {len(chapter_entries)}")
    context = Context(corrections, book_vocabulary(line.text for line in lines),
                      chapter_pages, known_pages(chapter_entries, parsed.removals), repairs)

    root = tei("TEI", {"xml:id": f"{PREFIX}-book", "xml:lang": "en"})
    text = tei("text")
    front = sub(text, "front")
    build_title_page(front, lines)
    build_copyright(front, lines)
    chapter_ids = [f"{PREFIX}-ch{c.number}" for c in parsed.chapters]
    build_contents(front, entries, chapter_ids)
    build_foreword(front, lines, entries, context)
    build_abbreviations(front, lines, half_index, entries, repairs)
    build_half_title(front, half_title)
    body = sub(text, "body")
    for chapter in parsed.chapters:
        build_chapter(body, chapter, context)
        if chapter.number == parsed.plates_after and parsed.captions:
            build_plates(body, parsed.captions)
    number_page_breaks(text)
    root.append(header(parsed.removals, count_interventions_of(text)))
    root.append(text)
    return etree.ElementTree(root)


def count_interventions_of(text: etree._Element) -> dict[str, int]:
    ns = {"t": TEI_NS}
    return {
        "corrections": len(text.findall(".//t:choice/t:corr", ns)),
        "surplus": len(text.findall(".//t:surplus", ns)),
        "gaps": len(text.findall(".//t:gap", ns)),
    }
