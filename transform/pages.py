"""Where a book's printed pages fall, and an estimate of the pages the witness does not number.

A finding aid, never a citation: Carr's witness numbers only the first page of
each chapter (from the contents) and two pages whose numbers leaked into the
OCR, and shows a page break only where it cut a paragraph. The page of any
other place is estimated from its position in the text (characters, white
space left out) between the numbered page breaks around it, and kept between
the bounds the unnumbered breaks set: a place after k breaks since page n is
on page n + k at least. `benchmarks/bench_page_estimates.py` measures how good
the estimate is by running it on Rothstein, whose pages are all known, with
its numbers hidden as Carr's are.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from transform.cite import is_citable, within_passage
from transform.edition import TEI_NS, XML_NS

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_PB = f"{_T}pb"
_NOTE = f"{_T}note"
_DIV = f"{_T}div"
_CORR = f"{_T}corr"
_REG = f"{_T}reg"
_CHOICE = f"{_T}choice"
_BLOCKS = frozenset(f"{_T}{n}" for n in ("p", "note", "lg", "item", "quote", "head"))


@dataclass(frozen=True)
class Break:
    """A page break: how many characters of text come before it, and its number if
    known for certain (an arabic number; `cert="low"` numbers count as unknown)."""

    offset: int
    n: int | None
    element: etree._Element | None = None
    in_block: bool = False  # it cut a paragraph (or other block): the witness shows it


@dataclass(frozen=True)
class Layout:
    """A book's page breaks and where each passage (element with an xml:id) begins."""

    breaks: tuple[Break, ...]
    starts: dict[str, int]

    def known(self) -> tuple[Break, ...]:
        return tuple(b for b in self.breaks if b.n is not None)


def _skipped(element: etree._Element) -> bool:
    """Text that is not printed on the book's pages: editorial notes, the editors'
    corrections and regularisations (the printed reading is counted), and plates,
    printed on separate leaves outside the pagination."""
    if element.tag == _NOTE and element.get("type") == "editorial":
        return True
    if element.tag in (_CORR, _REG) and element.getparent() is not None \
            and element.getparent().tag == _CHOICE:
        return True
    return element.tag == _DIV and element.get("type") == "plates"


def _length(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


def _certain_number(pb: etree._Element) -> int | None:
    n = (pb.get("n") or "").strip()
    return int(n) if n.isdigit() and pb.get("cert") != "low" else None


def layout(root: etree._Element) -> Layout:
    """The page breaks and passage starts of a book's `text`, in one walk."""
    text = root.find(f"{_T}text") if root.tag != f"{_T}text" else root
    breaks: list[Break] = []
    starts: dict[str, int] = {}
    offset = 0
    skipping: etree._Element | None = None
    if text is None:
        return Layout((), {})
    for event, element in etree.iterwalk(text, events=("start", "end")):
        if not isinstance(element.tag, str):
            if event == "end" and skipping is None:
                offset += _length(element.tail)
            continue
        if event == "start":
            if skipping is not None:
                continue
            if _skipped(element):
                skipping = element
                continue
            xml_id = element.get(_XML_ID)
            if element.tag == _PB:
                inside = any(a.tag in _BLOCKS for a in element.iterancestors())
                breaks.append(Break(offset, _certain_number(element), element, inside))
            elif xml_id:
                starts[xml_id] = offset
            offset += _length(element.text)
        else:
            if skipping is element:
                skipping = None
            elif skipping is not None:
                continue
            offset += _length(element.tail)
    return Layout(tuple(breaks), starts)


class Estimator:
    """Estimates the printed page at a position, from the breaks one knows of."""

    def __init__(self, breaks: Iterable[Break]) -> None:
        self.breaks = sorted(breaks, key=lambda b: b.offset)
        self.offsets = [b.offset for b in self.breaks]
        self.known = [b for b in self.breaks if b.n is not None]
        self.known_offsets = [b.offset for b in self.known]
        pairs = [(a, b) for a, b in zip(self.known, self.known[1:], strict=False)
                 if b.n > a.n and b.offset > a.offset]  # type: ignore[operator]
        chars = sum(b.offset - a.offset for a, b in pairs)
        pages = sum(b.n - a.n for a, b in pairs)  # type: ignore[operator]
        # the book's own mean page, for a place after the last numbered page
        self.page_length = chars / pages if pages else 2400.0

    def page_at(self, offset: int) -> int | None:
        """The estimated page of the character at `offset` (a break at `offset` opens
        the page it is on); None before the first numbered page."""
        i = bisect.bisect_right(self.known_offsets, offset) - 1
        if i < 0:
            return None
        before = self.known[i]
        assert before.n is not None
        # breaks after the numbered one, up to and including this place
        passed = bisect.bisect_right(self.offsets, offset) - bisect.bisect_right(
            self.offsets, before.offset)
        lowest = before.n + passed
        if i + 1 < len(self.known):
            after = self.known[i + 1]
            assert after.n is not None
            span = after.offset - before.offset
            ahead = bisect.bisect_left(self.offsets, after.offset) - bisect.bisect_right(
                self.offsets, offset)
            highest = after.n - 1 - ahead
            linear = before.n + int((offset - before.offset) * (after.n - before.n) / span) \
                if span else before.n
        else:
            highest = None
            linear = before.n + int((offset - before.offset) / self.page_length)
        page = max(linear, lowest)
        if highest is not None and highest >= lowest:
            page = min(page, highest)
        return page


def estimate_pages(root: etree._Element) -> tuple[dict[str, int], dict[etree._Element, int]]:
    """The estimated first page of every passage (by xml:id) and of every page break
    without a certain number (by element) of a book."""
    found = layout(root)
    estimator = Estimator(found.breaks)
    passages = {xml_id: page for xml_id, offset in found.starts.items()
                if (page := estimator.page_at(offset)) is not None}
    breaks = {b.element: page for b in found.breaks if b.n is None and b.element is not None
              and (page := estimator.page_at(b.offset)) is not None}
    return passages, breaks


@dataclass(frozen=True)
class Accuracy:
    """How often the estimate hits the right page, and within one page of it."""

    passages: int
    exact: int
    within_one: int

    @property
    def exact_share(self) -> float:
        return self.exact / self.passages if self.passages else 0.0

    @property
    def within_one_share(self) -> float:
        return self.within_one / self.passages if self.passages else 0.0

    def text(self) -> str:
        return (f"{self.exact_share:.0%} of passages on the right page, "
                f"{self.within_one_share:.0%} within one page")


def visible_share(found: Layout) -> float:
    """The share of a book's unnumbered page breaks its witness shows, between its first
    and last numbered page (each numbered break stands for one page turned)."""
    known = found.known()
    if len(known) < 2:
        return 1.0
    first, last = known[0], known[-1]
    shown = sum(1 for b in found.breaks if first.offset < b.offset < last.offset
                and b.n is None)
    # every page turned between them is a break: numbered ones are not counted here
    turned = last.n - first.n - (len(known) - 1)  # type: ignore[operator]
    return min(1.0, shown / turned) if turned > 0 else 1.0


def as_witness_shows(found: Layout, chapter_starts: Iterable[int],
                     share: float = 1.0) -> list[Break]:
    """The breaks of a fully paginated book as Carr's witness would show them: a number
    only on each chapter's first page (the contents give it), only the breaks that cut
    a paragraph, and of those only `share` (picked by a fixed random draw, so that the
    measure is the same on every run)."""
    opening = set(chapter_starts)
    draw = random.Random(1979)
    shown: list[Break] = []
    for b in found.breaks:
        if b.n is not None and b.offset in opening:
            shown.append(b)
        elif b.in_block and draw.random() < share:
            shown.append(Break(b.offset, None, b.element, True))
    return shown


def chapter_passages(root: etree._Element) -> list[str]:
    """The citable passages inside a book's chapters (not its front or back matter)."""
    return [element.get(_XML_ID, "") for div in root.iter(_DIV)
            if div.get("type") == "chapter"
            for element in div.iter() if isinstance(element.tag, str)
            and is_citable(element) and not within_passage(element)]


# What `benchmarks/bench_page_estimates.py` measures on Rothstein with its numbers hidden
# as in Carr's witness (a test checks that this is still the figure): the site says it
# wherever it shows an estimate.
MEASURED = Accuracy(passages=1081, exact=835, within_one=1081)
ESTIMATE_NOTE = (f"an estimate from the passage's place between the numbered pages; tried on "
                 f"Rothstein with its page numbers hidden, the estimate is the right page for "
                 f"{MEASURED.exact_share:.0%} of passages and within one page for "
                 f"{MEASURED.within_one_share:.0%}")


def measure(root: etree._Element, passage_ids: Iterable[str] | None = None,
            share: float = 1.0) -> Accuracy:
    """Run the estimator on a book whose pages are all known, with its numbers hidden
    as in Carr's witness (and `share` of its paragraph-cutting breaks shown), and count
    how many passages it puts on their true page."""
    found = layout(root)
    estimator_of_truth = Estimator(found.breaks)
    openings = []
    for div in root.iter(_DIV):
        if div.get("type") != "chapter":
            continue
        xml_id = div.get(_XML_ID)
        if xml_id in found.starts:
            # the page in force where the chapter begins: the last break at or before it
            at = found.starts[xml_id]
            before = [b for b in found.breaks if b.offset <= at and b.n is not None]
            if before:
                openings.append(before[-1].offset)
    estimator = Estimator(as_witness_shows(found, openings, share))
    ids = list(passage_ids) if passage_ids is not None else list(found.starts)
    exact = within = total = 0
    for xml_id in ids:
        offset = found.starts.get(xml_id)
        if offset is None:
            continue
        truth = estimator_of_truth.page_at(offset)
        guess = estimator.page_at(offset)
        if truth is None or guess is None:
            continue
        total += 1
        exact += guess == truth
        within += abs(guess - truth) <= 1
    return Accuracy(total, exact, within)
