"""Reconciliation of our index with the printed index of a book (Rothstein's).

The printed index is encoded in the book's `back/div[@type='index']` as
`list/item`s whose text is the heading, its page references and perhaps a
cross-reference, as printed (and as OCR left it). This module parses each
item into a heading and page numbers, finds the register entry the heading
names (a tagged name or `@corresp` in the item wins; otherwise the heading is
matched against the registers' name forms), and compares:

- headings that no register entry answers to (many are subjects, not names);
- page references with no tagged mention of the entry within a few pages of
  the printed number moved by the offset found (the printed numbers follow an
  earlier pagination, so the offset is measured first, for the whole book and
  for each hundred pages: the shift that puts most references on a page where
  the entry is mentioned);
- names we index in that book that the printed index leaves out.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from transform import urls
from transform.cite import page_map
from transform.edition import TEI_NS, XML_NS
from transform.names_index.locators import page_value
from transform.names_index.model import KINDS, Entry, NamesIndex
from transform.names_index.sorting import fold
from transform.tei import reading_text

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_NAME_TAGS = (f"{_T}persName", f"{_T}placeName", f"{_T}orgName")
# a page reference has one to three digits; a year (`1945 plans for`) is part of a heading
_PAGES = re.compile(r"(?<!\d)(\d{1,3})(?:\s*[-–—]+\s*(\d{1,3}))?(?!\d)")
_SEE = re.compile(r"\b[Ss]ee(?:\s+also)?\b.*$")
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*")
_SEARCH_LIMIT = 12
_PASSAGE_TAGS = tuple(f"{_T}{n}" for n in ("p", "item", "quote", "lg", "note", "head"))


@dataclass(frozen=True)
class PrintedHeading:
    """One heading of the printed index with the pages it gives."""

    item_id: str
    heading: str  # as a report shows it: a sub-entry after its parent (`Capital, foreign:
    # Russian`), a heading whose page numbers the witness lost says so
    pages: tuple[int, ...]
    see: str
    kind: str | None
    entry_id: str | None
    line: int
    name: str = ""  # the words a reader looks for on the page: the heading's own name part


@dataclass(frozen=True)
class MissedReference:
    """A printed page reference with no tagged mention near it."""

    heading: str
    kind: str
    entry_id: str
    printed_page: int
    nearest: int | None


@dataclass
class PrintedComparison:
    """The figures and the lists of the reconciliation."""

    book: str
    headings: list[PrintedHeading] = field(default_factory=list)
    offset: int = 0
    drift: dict[str, int] = field(default_factory=dict)
    window: int = 3
    references: int = 0
    references_found: int = 0
    missed: list[MissedReference] = field(default_factory=list)
    left_out: list[tuple[Entry, int]] = field(default_factory=list)

    def expected(self, printed: int) -> int:
        """Where a printed page reference should fall in this text: moved by the drift
        measured for its hundred pages."""
        return printed + self.drift.get(_band(printed // 100), self.offset)

    def window_of(self, printed: int) -> tuple[int, int]:
        expected = self.expected(printed)
        return expected - self.window, expected + self.window

    def place(self, printed: int, pages: Iterable[int]) -> int | None:
        """Of the pages where a heading's name occurs, the one a printed reference
        points to: within the window around the expected page, or the very page
        printed; the nearest to the expected page wins (then the earlier)."""
        low, high = self.window_of(printed)
        expected = self.expected(printed)
        found = [p for p in set(pages) if low <= p <= high or p == printed]
        return min(found, key=lambda p: (abs(p - expected), p)) if found else None

    @property
    def unmatched_headings(self) -> list[PrintedHeading]:
        return [h for h in self.headings if h.entry_id is None]

    @property
    def matched_headings(self) -> list[PrintedHeading]:
        return [h for h in self.headings if h.entry_id is not None]

    @property
    def drift_text(self) -> str:
        return ", ".join(f"pp. {span}: {value:+d}" for span, value in self.drift.items())

    def summary(self) -> str:
        return (f"{self.book} printed index: {len(self.headings)} headings, "
                f"{len(self.matched_headings)} answer to a register entry, "
                f"{len(self.unmatched_headings)} do not; {self.references} page references "
                f"of matched headings, {self.references_found} with a tagged mention within "
                f"±{self.window} pages once moved by the offset of their hundred pages "
                f"({self.drift_text or f'{self.offset:+d}'}) or on the very page printed, "
                f"{len(self.missed)} without; {len(self.left_out)} indexed names the printed "
                f"index leaves out")

    def lines(self) -> list[str]:
        out = [self.summary(), "",
               ("offset for the whole book (the shift that puts most references on a page "
                f"with a mention; our page = printed page {self.offset:+d}): "
                f"{self.offset:+d} pages")]
        if self.drift:
            out.append("drift through the book (printed pages: shift): " + self.drift_text)
        out += ["", f"headings missing from the registers ({len(self.unmatched_headings)}):"]
        out += [f"  {h.heading}  [{h.item_id}]" for h in self.unmatched_headings]
        out += ["", (f"page references with no tagged mention within ±{self.window} pages "
                     f"nor on the page printed ({len(self.missed)}):")]
        out += [f"  {m.heading} [{m.kind}/{m.entry_id}]: printed p. {m.printed_page}"
                + (f", nearest mention p. {m.nearest}" if m.nearest is not None
                   else ", no mention in the book") for m in self.missed]
        out += ["", f"names we index that the printed index leaves out ({len(self.left_out)}):"]
        out += [f"  {e.heading} [{e.kind}/{e.entry_id}]: {n} mention(s)"
                for e, n in self.left_out]
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "book": self.book, "summary": self.summary(), "offset": self.offset,
            "drift": self.drift, "window": self.window,
            "headings": len(self.headings), "matched": len(self.matched_headings),
            "references": self.references, "references_found": self.references_found,
            "unmatched_headings": [{"heading": h.heading, "item": h.item_id}
                                   for h in self.unmatched_headings],
            "missed_references": [{"heading": m.heading, "kind": m.kind, "entry": m.entry_id,
                                   "printed_page": m.printed_page, "nearest": m.nearest}
                                  for m in self.missed],
            "left_out": [{"kind": e.kind, "entry": e.entry_id, "heading": e.heading,
                          "mentions": n} for e, n in self.left_out],
        }


def page_numbers(text: str) -> tuple[int, ...]:
    """Every page a reference list names, ranges expanded (`131-3` is 131, 132, 133)."""
    pages: list[int] = []
    for match in _PAGES.finditer(text):
        first = int(match.group(1))
        if match.group(2):
            last_text = match.group(2)
            last = int(last_text)
            if len(last_text) < len(match.group(1)):  # elided: 131-3
                last = int(match.group(1)[:-len(last_text)] + last_text)
            if first <= last <= first + 60:
                pages.extend(range(first, last + 1))
                continue
            pages.extend((first, last))
            continue
        pages.append(first)
    return tuple(pages)


def _references_start(body: str) -> int | None:
    """Where the page references begin: the first number outside parentheses that
    follows the start or a comma or semicolon (`2nd World War` and `(before 1917)`
    are part of a heading)."""
    depth = 0
    for match in re.finditer(r"[()]|\d+", body):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            before = body[:match.start()].rstrip()
            after = body[match.end():]
            # `2nd World War`, `1945 plans for`: a number followed by a word is a heading's
            if (not before or before[-1] in ",;") and len(token) <= 3 \
                    and not re.match(r"\s*[^\W\d_]", after):
                return match.start()
    return None


def split_item(text: str) -> tuple[str, str, str]:
    """(heading, page references, cross-reference) of one printed index line."""
    see_match = _SEE.search(text)
    see = see_match.group(0) if see_match else ""
    body = text[:see_match.start()] if see_match else text
    start = _references_start(body)
    heading = body[:start] if start is not None else body
    references = body[start:] if start is not None else ""
    references = re.sub(r"\([^)]*\)", " ", references)
    return heading.strip(" ,;.:"), references, see.strip(" .")


def _candidates(heading: str) -> list[str]:
    """Forms of a printed heading to look up, most specific first."""
    # never the first word alone: `British policy towards U.S.S.R.` is a subject, not Britain
    forms = [heading, _QUALIFIER.sub(" ", heading).strip()]
    forms.append(forms[-1].split(",")[0].strip())
    return [f for f in dict.fromkeys(forms) if f]


def _lookup_table(index: NamesIndex) -> dict[str, tuple[str, str]]:
    """Folded name form → (kind, entry id); a form that names two entries is left out."""
    table: dict[str, set[tuple[str, str]]] = {}
    for kind in KINDS:
        for entry in index.entries[kind]:
            forms = {entry.heading, entry.heading.split(",")[0],
                     _QUALIFIER.sub(" ", entry.heading).strip()}
            forms.update(f.text for f in entry.forms)
            for form in forms:
                table.setdefault(fold(" ".join(form.split())).strip(" .,"), set()).add(
                    (kind, entry.entry_id))
    return {form: next(iter(found)) for form, found in table.items() if len(found) == 1}


def read_printed_index(tree: etree._ElementTree, index: NamesIndex) -> list[PrintedHeading]:
    """The headings of a book's printed index, each resolved to an entry where possible."""
    table = _lookup_table(index)
    headings: list[PrintedHeading] = []
    for div in tree.getroot().iter(f"{_T}div"):
        if div.get("type") != "index":
            continue
        parent_heading = ""
        shown: dict[etree._Element, str] = {}  # each item's heading as the report shows it
        for item in div.iter(f"{_T}item"):
            own = etree.Element("x")
            own.text = item.text
            for child in item:
                if child.tag != f"{_T}list":
                    own.append(_copy(child))
                elif child.tail:
                    own.append(etree.Element("y"))
                    own[-1].tail = child.tail
            text = reading_text(own)
            heading, references, see = split_item(text)
            nested = item.getparent() is not None and item.getparent().getparent() is not None \
                and item.getparent().getparent().tag == f"{_T}item"
            if heading.startswith("(") or heading[:1].islower() or heading[:1].isdigit() \
                    or not heading:
                # a sub-heading: `(Soviet), 69, 131-3`, `1945 plans for` belong to the
                # heading above it
                heading = f"{parent_heading} {heading}".strip()
            elif not nested:
                parent_heading = heading
            kind = entry_id = None
            # a tagged name answers for the heading only if it is the heading's name part
            # (`Japan` in `Japan, relations with`), not a name inside a subject heading
            # (`U.S.S.R.` in `British policy towards U.S.S.R.`)
            name_part = fold(_QUALIFIER.sub(" ", heading).split(",")[0]).strip(" .")
            pointer = item.get("corresp") or next(
                (n.get("ref") for n in item.iterchildren(*_NAME_TAGS) if n.get("ref")
                 and " ".join(fold(reading_text(n)).split()).strip(" .") == " ".join(
                     name_part.split())), None)
            target = urls.register_kind(pointer.split()[0]) if pointer else None
            if target and index.entry(*target) is not None:
                kind, entry_id = target
            else:
                for form in _candidates(heading):
                    found = table.get(fold(form).strip(" .,"))
                    if found:
                        kind, entry_id = found
                        break
            own_heading = _clean(split_item(text)[0])
            parent_item = next(item.iterancestors(f"{_T}item"), None)
            joiner = " " if own_heading.startswith("(") else ": "
            display = (f"{shown[parent_item]}{joiner}{own_heading}" if parent_item in shown
                       else _clean(heading))
            if item.find(f"{_T}gap") is not None and not references.strip():
                display += " [page numbers lost in the witness]"
            shown[item] = _clean(heading) if parent_item is None else display
            name = _QUALIFIER.sub(" ", own_heading).split(",")[0].strip(" .:'")
            headings.append(PrintedHeading(item.get(_XML_ID, ""), display,
                                           page_numbers(references), see, kind, entry_id,
                                           item.sourceline or 0, name))
    return headings


def _clean(heading: str) -> str:
    """A heading without the empty places its lost page numbers leave (`, ;`)."""
    cleaned = re.sub(r"\s*[,;](\s*[,;.])+", lambda m: m.group(0).strip()[-1], heading)
    return " ".join(cleaned.split()).strip(" ,;.:")


def _band(hundred: int) -> str:
    return f"{hundred * 100 or 1}–{hundred * 100 + 99}"


def _copy(element: etree._Element) -> etree._Element:
    import copy

    return copy.deepcopy(element)


def compare_printed(index: NamesIndex, tree: etree._ElementTree, book: str = "rothstein",
                    window: int = 3) -> PrintedComparison:
    """Compare a book's printed index (in `tree`) with our index of that book."""
    result = PrintedComparison(book, read_printed_index(tree, index), window=window)
    pages_of: dict[tuple[str, str], list[int]] = {}
    for mention in index.mentions:
        value = page_value(mention.page) if mention.book == book and mention.page else None
        if value and value[0] == 1:
            pages_of.setdefault((mention.kind, mention.entry_id), []).append(value[1])

    def nearest(key: tuple[str, str], page: int) -> int | None:
        found = pages_of.get(key)
        return min(found, key=lambda p: (abs(p - page), p)) if found else None

    def best_offset(references: list[tuple[tuple[str, str], int]]) -> int:
        """The shift that puts most printed references on a page with a mention
        (ties go to the smaller shift)."""
        votes: Counter[int] = Counter()
        for key, page in references:
            found = set(pages_of.get(key, ()))
            for shift in range(-_SEARCH_LIMIT, _SEARCH_LIMIT + 1):
                if page + shift in found:
                    votes[shift] += 1
        if not votes:
            return 0
        return max(votes, key=lambda shift: (votes[shift], -abs(shift)))

    references = [((h.kind or "", h.entry_id or ""), page) for h in result.matched_headings
                  for page in h.pages]
    result.offset = best_offset(references)
    bands: dict[int, list[tuple[tuple[str, str], int]]] = {}
    for key, page in references:
        bands.setdefault(page // 100, []).append((key, page))
    result.drift = {_band(k): best_offset(v) for k, v in sorted(bands.items())}
    for heading in result.matched_headings:
        key = (heading.kind or "", heading.entry_id or "")
        for page in heading.pages:
            result.references += 1
            if result.place(page, pages_of.get(key, ())) is not None:
                result.references_found += 1
            else:
                result.missed.append(MissedReference(heading.heading, key[0], key[1], page,
                                                     nearest(key, result.expected(page))))
    printed = Counter((h.kind, h.entry_id) for h in result.matched_headings)
    for kind in KINDS:
        for entry in index.entries[kind]:
            count = index.count(entry, book)
            if count and (kind, entry.entry_id) not in printed:
                result.left_out.append((entry, count))
    result.left_out.sort(key=lambda pair: (-pair[1], pair[0].sort_key))
    return result


@dataclass(frozen=True)
class LocatorLink:
    """Where a printed page reference of one index item leads: the element where the
    heading's name occurs (None when none is near), and what the link's title says."""

    target: str | None
    title: str


def _stems(name: str) -> list[str]:
    """The words a subject heading is found by, cut to their stems (`agricultur`)."""
    words = [w for w in re.findall(r"[^\W\d_]+", fold(name).lower())
             if len(w) > 2 and w not in _STOP_WORDS]
    return [w[:max(5, len(w) - 2)] for w in words]


_STOP_WORDS = frozenset({"the", "and", "with", "towards", "under", "after", "before", "for",
                         "relations", "from"})


def locator_links(comparison: PrintedComparison, index: NamesIndex, tree: etree._ElementTree,
                  targets: Mapping[str, str]) -> dict[str, dict[int, LocatorLink]]:
    """For each item of the printed index, each page it prints → where to link it.

    A heading that names a register entry links to a tagged mention of the entry;
    any other heading (a subject) to a passage whose text holds its words. Either
    must be on a page the printed number points to (`PrintedComparison.place`);
    where none is, the number is not linked and the title says why. Only places
    the site has (`targets`: id → site page) are linked to.
    """
    mentions: dict[tuple[str, str], dict[int, str]] = {}
    for mention in index.mentions:
        value = page_value(mention.page) if mention.book == comparison.book and mention.page \
            else None
        if value and value[0] == 1 and mention.mention_id in targets:
            mentions.setdefault((mention.kind, mention.entry_id), {}).setdefault(
                value[1], mention.mention_id)
    passages = _passages(tree, targets)
    words = _WordIndex(text for _, _, text in passages)
    links: dict[str, dict[int, LocatorLink]] = {}
    for heading in comparison.headings:
        found: dict[int, str]
        if heading.entry_id is not None:
            found = mentions.get((heading.kind or "", heading.entry_id), {})
            what = f"{heading.name or heading.heading} is not tagged"
        else:
            found = {}
            for n in words.holding_all(_stems(heading.name)):
                pages, xml_id, _ = passages[n]
                for page in pages:
                    found.setdefault(page, xml_id)
            what = f"the words “{heading.name}” do not occur"
        for printed in heading.pages:
            page = comparison.place(printed, found)
            shift = comparison.expected(printed) - printed
            low, high = comparison.window_of(printed)
            if page is None:
                title = (f"Not linked: {what} on pp. {low}–{high} of this text nor on "
                         f"p. {printed}. The index's page numbers follow an earlier "
                         f"pagination; around here they run {shift:+d} pages from this text's.")
                links.setdefault(heading.item_id, {})[printed] = LocatorLink(None, title)
            else:
                title = (f"Printed p. {printed}: {heading.name or heading.heading} on p. {page} "
                         f"of this text (the index's page numbers run {shift:+d} here).")
                links.setdefault(heading.item_id, {})[printed] = LocatorLink(found[page], title)
    return links


class _WordIndex:
    """Which texts hold a word beginning with a given stem (what `\\bstem` finds in
    a text, for a stem of letters): the texts' words, sorted, with the texts of each,
    so that the words of a stem are found by bisection, not by searching every text."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts: dict[str, set[int]] = {}
        for n, text in enumerate(texts):
            for word in set(re.findall(r"\w+", text)):
                self._texts.setdefault(word, set()).add(n)
        self._words = sorted(self._texts)

    def holding(self, stem: str) -> set[int]:
        found: set[int] = set()
        for word in itertools.islice(self._words, bisect.bisect_left(self._words, stem), None):
            if not word.startswith(stem):
                break
            found |= self._texts[word]
        return found

    def holding_all(self, stems: list[str]) -> list[int]:
        """The texts (their numbers, in order) that hold a word of every stem."""
        if not stems:
            return []
        return sorted(set.intersection(*(self.holding(stem) for stem in stems)))


def _passages(tree: etree._ElementTree, targets: Mapping[str, str]
              ) -> list[tuple[range, str, str]]:
    """The book's passages outside the printed index: their pages, id and folded text."""
    root = tree.getroot()
    pages = page_map(root)
    found = []
    for element in root.iter(*_PASSAGE_TAGS):
        xml_id = element.get(_XML_ID)
        if not xml_id or xml_id not in targets or xml_id not in pages \
                or element.get("type") == "editorial" or any(d.get("type") == "index" for d in element.iterancestors(f"{_T}div")):
            continue
        first = page_value(pages[xml_id].first.n or "")
        last = page_value(pages[xml_id].last.n or "")
        if first and last and first[0] == last[0] == 1:
            found.append((range(first[1], last[1] + 1), xml_id,
                          fold(reading_text(element)).lower()))
    return found
