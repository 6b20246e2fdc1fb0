"""Collect phase: read both books and the registers into typed objects before any page is written.

A book becomes a sequence of `Division`s, one per site page: the title page
(the book's home page) and one page per top-level division of front, body and
back. Everything a page needs from elsewhere (where each xml:id lives, which
printed pages a division spans, the registers' one-line entries) is gathered
here, so that the writing phase can render pages in any order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from transform import urls
from transform.edition import BOOKS, NSMAP, TEI_NS, XML_NS, Book
from transform.events import EventRegister, load_events
from transform.names_index.collect import book_info, build_index
from transform.names_index.model import NamesIndex
from transform.registers import Entry as RegisterEntry
from transform.registers import read_registers, register_paths
from transform.tei import reading_text
from transform.xmlsafe import parse_tei

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_PB = f"{_T}pb"
_DIV = f"{_T}div"
_HEAD = f"{_T}head"
_TITLE_PAGE = f"{_T}titlePage"
_NAME_TAGS = tuple(f"{_T}{n}" for n in ("persName", "placeName", "orgName"))
_LABELS = {
    "preface": "Preface", "foreword": "Foreword", "contents": "Contents", "index": "Index",
    "abbreviations": "List of Abbreviations", "bibliography": "Further Reading",
    "appendix": "Appendix", "about": "About this book", "illustrations": "Illustrations",
    "copyright": "Copyright", "dedication": "Dedication", "acknowledgements": "Acknowledgements",
}
_xp_title = etree.XPath("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[1]", namespaces=NSMAP)
_xp_author = etree.XPath("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author[1]",
                         namespaces=NSMAP)
_xp_source_bibl = etree.XPath("tei:teiHeader/tei:fileDesc/tei:sourceDesc//tei:bibl[1]",
                              namespaces=NSMAP)
_xp_source_year = etree.XPath("string(tei:teiHeader/tei:fileDesc/tei:sourceDesc//tei:date"
                              "[@when][1]/@when)", namespaces=NSMAP)
_xp_availability = etree.XPath("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:availability",
                               namespaces=NSMAP)
_xp_editorial = etree.XPath("tei:teiHeader/tei:encodingDesc/tei:editorialDecl/*",
                            namespaces=NSMAP)
_xp_project = etree.XPath("tei:teiHeader/tei:encodingDesc/tei:projectDesc/tei:p",
                          namespaces=NSMAP)
_xp_text_parts = etree.XPath("tei:text/tei:front | tei:text/tei:body | tei:text/tei:back",
                             namespaces=NSMAP)


@dataclass(frozen=True)
class TocEntry:
    """One line of a book's contents: a label, a site path, and the sections under it."""

    label: str
    path: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Division:
    """One site page of a book and the TEI elements it shows (in document order)."""

    book: str
    slug: str
    path: str
    matter: str
    kind: str
    xml_id: str | None
    label: str
    elements: tuple[etree._Element, ...]
    sections: tuple[TocEntry, ...]
    first_page: str | None
    last_page: str | None
    unnumbered_after_last: bool = False  # pages follow whose numbers are not printed

    @property
    def pages(self) -> str:
        """The printed pages it spans, as a citation gives them (`pp. 58–79`, `p. 9 ff.`).

        Where pages without a printed number follow the last known one, the end
        is not guessed: `ff.` says that the division goes on.
        """
        if not self.first_page:
            return ""
        more = " ff." if self.unnumbered_after_last else ""
        if not self.last_page or self.last_page == self.first_page:
            return f"p. {self.first_page}{more}"
        return f"pp. {self.first_page}–{self.last_page}{more}"


@dataclass(frozen=True)
class BookEdition:
    """One book as the site shows it."""

    spec: Book
    tree: etree._ElementTree
    source: Path
    title: str
    author: str
    year: str
    lang: str
    source_bibl: etree._Element | None
    availability: tuple[etree._Element, ...]
    editorial: tuple[etree._Element, ...]
    project: tuple[etree._Element, ...]
    home: Division
    divisions: tuple[Division, ...]
    printed_pages: dict[str, str]

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass(frozen=True)
class NameCard:
    """The one-line card of a person, place or organisation (for hover cards)."""

    kind: str
    entry_id: str
    name: str
    detail: str  # life dates of a person; the kind of a place or organisation
    description: str


@dataclass(frozen=True)
class Edition:
    """Everything the writing phase needs: both books, the registers, where ids live."""

    books: tuple[BookEdition, ...]
    registers: tuple[NameCard, ...]
    register_files: tuple[Path, ...]
    targets: Mapping[str, str] = field(default_factory=dict)
    register_entries: Mapping[str, tuple[RegisterEntry, ...]] = field(default_factory=dict)  # by kind
    # each tagged name's id (`roth-ch3-s2-p14-n2`), so that its link can be the target
    # of the index's locators; decided here, never written into the TEI tree
    mention_ids: Mapping[etree._Element, str] = field(default_factory=dict)
    # the register of events (tei/events.xml), with the passages that narrate each
    events: EventRegister = field(default_factory=lambda: EventRegister([]))
    events_file: Path | None = None


def _label(div: etree._Element, kind: str) -> str:
    head = div.find(_HEAD)
    text = reading_text(head) if head is not None else ""
    if text:
        return text
    if kind == "chapter":
        return f"Chapter {div.get('n', '')}".strip()
    return _LABELS.get(kind, kind.replace("-", " ").capitalize())


def _sections(div: etree._Element, path: str) -> tuple[TocEntry, ...]:
    entries = []
    for child in div.iterchildren(_DIV):
        child_id = child.get(_XML_ID)
        if not child_id:
            continue
        kind = child.get("type", "section")
        entries.append(TocEntry(_label(child, kind), f"{path}#{child_id}",
                                _sections(child, path)))
    return tuple(entries)


def _group(book: Book, root: etree._Element) -> list[tuple[str, list[etree._Element]]]:
    """Split front/body/back into page groups: (matter, elements).

    A division takes with it the page breaks (and anything else) that stand
    between it and the previous division, so that a chapter's page shows the
    number of the page it begins on. The first group is the title page.
    """
    groups: list[tuple[str, list[etree._Element]]] = [("title", [])]
    pending: list[etree._Element] = []
    for part in _xp_text_parts(root):
        matter = etree.QName(part).localname
        for child in part:
            if not isinstance(child.tag, str):
                continue
            if child.tag == _TITLE_PAGE:
                groups[0][1].extend(pending + [child])
                pending = []
            elif child.tag == _DIV:
                groups.append((matter, pending + [child]))
                pending = []
            else:
                pending.append(child)
    if pending:  # material after the last division stays on the last page
        groups[-1][1].extend(pending)
    return groups


def _opening_page(elements: list[etree._Element]) -> str | None:
    """The number of a page break that comes before any text of the division, if any.

    A division that opens with a page break (before or after its heading's
    start tag, but before any word) begins on that page, not on the previous one.
    """
    def walk(node: etree._Element) -> tuple[bool, str | None]:
        if node.tag == _PB:
            return True, node.get("n", "").strip() or None
        if node.text and node.text.strip():
            return True, None
        for child in node:
            if isinstance(child.tag, str):
                done, n = walk(child)
                if done:
                    return True, n
            if child.tail and child.tail.strip():
                return True, None
        return False, None

    for element in elements:
        done, n = walk(element)
        if done:
            return n
    return None


def _page_breaks(elements: list[etree._Element]) -> list[str]:
    """The printed numbers of the page breaks, in order; "" for a page without one."""
    return [
        pb.get("n", "").strip()
        for element in elements
        for pb in ([element] if element.tag == _PB else element.iter(_PB))
    ]


def _page_numbers(elements: list[etree._Element]) -> list[str]:
    return [n for n in _page_breaks(elements) if n]


def collect_book(book: Book, path: Path) -> BookEdition:
    """Read one book's TEI into its divisions (site pages)."""
    tree = parse_tei(path)
    root = tree.getroot()
    title_el = _xp_title(root)
    author_el = _xp_author(root)
    divisions: list[Division] = []
    used: set[str] = {"index", "pages"}
    current_page: str | None = None
    home: Division | None = None
    for matter, elements in _group(book, root):
        breaks = _page_breaks(elements)
        numbers = [n for n in breaks if n]
        first = _opening_page(elements) or current_page or (numbers[0] if numbers else None)
        last = numbers[-1] if numbers else first
        unnumbered_after = "" in (breaks[breaks.index(last) + 1:] if last in breaks else breaks)
        current_page = None if breaks and not breaks[-1] else last
        if matter == "title":
            home = Division(book.key, "index", urls.book_home(book.key), "front", "title",
                            root.get(_XML_ID), reading_text(title_el[0]) if title_el else
                            book.short_title, tuple(elements), (), first, last,
                            unnumbered_after)
            continue
        div = elements[-1] if elements[-1].tag == _DIV else next(
            e for e in elements if e.tag == _DIV)
        div_id = div.get(_XML_ID)
        kind = div.get("type", "division")
        slug = urls.division_slug(div_id, book.id_prefix) if div_id else kind
        base, k = slug, 2
        while slug in used:
            slug, k = f"{base}-{k}", k + 1
        used.add(slug)
        page_path = urls.division(book.key, slug)
        divisions.append(Division(book.key, slug, page_path, matter, kind, div_id,
                                  _label(div, kind), tuple(elements),
                                  _sections(div, page_path), first, last, unnumbered_after))
    assert home is not None
    printed_pages: dict[str, str] = {}
    for division in (home, *divisions):
        for n in _page_numbers(list(division.elements)):
            # the first page of that number wins; the renderer anchors it the same way
            printed_pages.setdefault(n.lower(), f"{division.path}#{urls.printed_page_anchor(n)}")
    source_bibl = _xp_source_bibl(root)
    return BookEdition(
        spec=book,
        tree=tree,
        source=path,
        title=reading_text(title_el[0]) if title_el else book.short_title,
        author=reading_text(author_el[0]) if author_el else book.author,
        year=_xp_source_year(root)[:4],
        lang=root.get(f"{{{XML_NS}}}lang") or "en",
        source_bibl=source_bibl[0] if source_bibl else None,
        availability=tuple(_xp_availability(root)),
        editorial=tuple(_xp_editorial(root)),
        project=tuple(_xp_project(root)),
        home=home,
        divisions=tuple(divisions),
        printed_pages=printed_pages,
    )


def name_card(entry: RegisterEntry) -> NameCard:
    """A register entry's hover card: its main name, a person's life dates or the kind
    of a place or organisation, its description."""
    main = entry.main_name
    detail = entry.life if entry.kind == "persons" else entry.kind_label
    return NameCard(entry.kind, entry.id, main.text if main is not None else entry.id,
                    detail, entry.description)


def name_cards(entries: Mapping[str, tuple[RegisterEntry, ...]]) -> tuple[NameCard, ...]:
    """The hover cards of the registers' entries (by kind), sorted by kind and id."""
    return tuple(sorted((name_card(entry) for found in entries.values() for entry in found),
                        key=lambda card: (card.kind, card.entry_id)))


def book_paths(tei_dir: Path) -> list[tuple[Book, Path]]:
    """The books whose TEI exists in `tei_dir`, in the edition's order."""
    return [(book, tei_dir / book.tei.name) for book in BOOKS.values()
            if (tei_dir / book.tei.name).exists()]


def _mention_ids(books: tuple[BookEdition, ...]) -> dict[etree._Element, str]:
    """Each tagged name's stable id: its own xml:id, else `{holder}-n{K}`, the K-th
    tagged name without an id whose nearest element with an xml:id is `holder`
    (as `transform.names_index.collect.stable_mention_id` gives it). Names in a
    printed index, or with no holder, get none."""
    found: dict[etree._Element, str] = {}
    for book in books:
        text = book.tree.getroot().find(f"{_T}text")
        if text is None:
            continue
        counters: dict[str, int] = {}
        for name in text.iter(*_NAME_TAGS):
            if not name.get("ref") or name.get(_XML_ID):
                continue
            holder = next((a for a in name.iterancestors() if a.get(_XML_ID)), None)
            if holder is None or any(a.get("type") == "index" for a in name.iterancestors(_DIV)):
                continue
            holder_id = holder.get(_XML_ID, "")
            counters[holder_id] = counters.get(holder_id, 0) + 1
            found[name] = f"{holder_id}-n{counters[holder_id]}"
    return found


def collect_edition(tei_dir: Path) -> Edition:
    """Read every book and register in `tei_dir`, map each xml:id (and each tagged
    name's id) to its page. The result is read-only: writers never change it."""
    books = tuple(collect_book(book, path) for book, path in book_paths(tei_dir))
    entries = read_registers(tei_dir)
    register_files = tuple(register_paths(tei_dir).values())
    targets: dict[str, str] = {}
    for book in books:
        for division in (book.home, *book.divisions):
            for element in division.elements:
                for node in element.iter():
                    node_id = node.get(_XML_ID) if isinstance(node.tag, str) else None
                    if node_id and node_id not in targets:
                        targets[node_id] = division.path
        root_id = book.tree.getroot().get(_XML_ID)
        if root_id:
            targets.setdefault(root_id, book.home.path)
    mention_ids = _mention_ids(books)
    for mention_id in mention_ids.values():
        holder = mention_id.rpartition("-n")[0]
        if holder in targets:
            targets.setdefault(mention_id, targets[holder])
    events_file = tei_dir / "events.xml"
    return Edition(books, name_cards(entries), register_files, MappingProxyType(targets),
                   MappingProxyType(entries), MappingProxyType(mention_ids),
                   load_events(tei_dir), events_file if events_file.exists() else None)


def collect_names(edition: Edition) -> NamesIndex:
    """The index of names, from the books and registers the edition has parsed."""
    return build_index([(book_info(book.spec), book.tree) for book in edition.books],
                       edition.register_entries)
