"""Phase one of the index of names: read the registers and both books into typed objects.

Every `persName`, `placeName` and `orgName` with a `@ref` into a register, in
the text of a book (front, body and back, footnotes included; the book's own
printed index left out: it is compared, not indexed), becomes a `Mention`
located by book, chapter, section, paragraph, anchor and printed page (the
nearest preceding `pb/@n`; None after a page break without a number).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from transform import registers, urls
from transform.edition import BOOKS, TEI_DIR, TEI_NS, XML_NS, Book
from transform.names_index.locators import locators
from transform.names_index.model import (
    KINDS,
    Authority,
    BookInfo,
    Entry,
    Kwic,
    Mention,
    NameForm,
    NamesIndex,
    SeeReference,
)
from transform.names_index.sorting import (
    collation,
    fold,
    person_sort_key,
    regnal_numbers,
    sort_key,
)
from transform.registers import NAME_ELEMENTS
from transform.tei import reading_spans, reading_text
from transform.xmlsafe import parse_tei

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_P = f"{_T}p"
_PB = f"{_T}pb"
_DIV = f"{_T}div"
_NOTE = f"{_T}note"
_TITLE_PAGE = f"{_T}titlePage"
_NAME_TAGS = {f"{_T}{tag}": kind for kind, tag in NAME_ELEMENTS.items()}
# Elements whose text is one KWIC context.
_BLOCKS = frozenset(f"{_T}{n}" for n in (
    "p", "note", "item", "l", "head", "cell", "label", "bibl", "titlePart", "byline",
    "docImprint", "docAuthor", "docDate", "signed", "dateline", "trailer", "figDesc"))
_KWIC_WIDTH = 70
_AUTHORITY_URLS = {
    "geonames": "https://www.geonames.org/{}",
    "wikidata": "https://www.wikidata.org/wiki/{}",
    "viaf": "https://viaf.org/viaf/{}",
    "gnd": "https://d-nb.info/gnd/{}",
    "lccn": "https://id.loc.gov/authorities/names/{}",
}


# ------------------------------------------------------------------ registers


def _person_heading(name: registers.Name) -> tuple[str, str]:
    """(heading, sort key) of a person's index name: `Surname, Forenames`."""
    if not name.surname:
        return name.text, regnal_numbers(sort_key(name.text))
    rest = ", ".join(part for part in (name.forenames, name.additions) if part)
    heading = f"{name.surname}, {rest}" if rest else name.surname
    return heading, person_sort_key(name.surname, name.forenames)


def index_entry(entry: registers.Entry) -> Entry:
    """One register entry as the index shows it: heading, sort key, dates, forms."""
    kind = entry.kind
    main = entry.main_name
    if main is None:
        heading, key = entry.id, sort_key(entry.id)
    elif kind == "persons":
        heading, key = _person_heading(main)
    else:
        heading = main.text
        key = sort_key(heading, drop_article=kind == "orgs")
    explicit = entry.sort_key or (main.sort_key if main is not None else "")
    if explicit:
        key = sort_key(explicit)
    if kind == "orgs":
        abbreviations = entry.names_of("abbr")
        if abbreviations and abbreviations[0].text != heading:
            heading = f"{heading} ({abbreviations[0].text})"
    forms = tuple(NameForm(n.text, n.type) for n in entry.names if n is not main)
    category = entry.occupation if kind == "persons" else entry.kind_label
    authorities = tuple(
        Authority(a.type, a.value, _AUTHORITY_URLS[a.type.lower()].format(a.value)
                  if a.type.lower() in _AUTHORITY_URLS else None)
        for a in entry.authorities)
    forms = tuple(f for f in forms if f.type != "dated")  # shown with their years instead
    return Entry(kind, entry.id, heading, key, entry.life, category, entry.description,
                 forms, authorities, entry.geo, entry.line,
                 tuple((n.text, n.span, n.source.partition("#")[2]) for n in entry.dated_names),
                 tuple((a.kind, a.words, a.source.partition("#")[2]) for a in entry.attested),
                 entry.members, entry.groups)


_TITLES = frozenset(fold(t) for t in (
    "Sir", "Mr", "Mr.", "Mrs", "Mrs.", "Dr", "Dr.", "General", "Gen.", "Admiral", "Marshal",
    "Colonel", "Captain", "King", "Queen", "Prince", "Princess", "Tsar", "Tsarina", "Kaiser",
    "Emperor", "Empress", "Lord", "Lady", "Count", "Baron", "President", "Pope", "Comrade",
    "Grand", "Duke", "Professor", "Prof."))
_PATRONYMIC = re.compile(r"(?:ich|ych|ovna|evna|ichna)$")


def person_see_heading(entry: Entry, variant: str) -> str | None:
    """A person's variant as a see-reference heading, or None if it would file with the
    main heading or is no heading a reader looks up.

    `V. I. Ulyanov` (a pseudonym's other name) becomes `Ulyanov, V. I.`; a variant
    holding the surname (`Vladimir Lenin`, `David Lloyd George`, `Chiang Kai-shek`)
    files with the heading; titles go (`Kaiser Wilhelm II` → `Wilhelm II`); a form
    of forenames alone (`Vladimir Ilich`, `Sir Horace`) is no heading; a form with a
    particle or a regnal number stays as it is (`Peter the Great`, `Wilhelm II`).
    """
    words = variant.split()
    while len(words) > 1 and fold(words[0]) in _TITLES:
        words = words[1:]
    surname = entry.sort_key.split(",")[0].split()
    folded = [sort_key(w).replace(" ", "") for w in words]
    if "," not in entry.sort_key:  # no surname (`Genghis Khan`): only its first word files
        if surname and folded and folded[0] == surname[0]:
            return None
    elif surname and (surname[0] in folded or surname[-1] in folded):
        return None
    forenames = entry.sort_key.partition(",")[2].split()
    if folded and folded[0] in forenames and (len(folded) == 1 or all(
            w in forenames or _PATRONYMIC.search(w) for w in folded[1:])):
        return None
    text = " ".join(words)
    if "," in text or len(words) < 2 or "," not in entry.heading:
        return text
    if re.fullmatch(r"[IVX]+", words[-1]) or any(w[:1].islower() for w in words):
        return text
    return f"{words[-1]}, {' '.join(words[:-1])}"


def see_references(entry: Entry) -> list[SeeReference]:
    """The variant headings of an entry that file elsewhere than its heading.

    A variant that files under the same first word as the heading (`LENIN`,
    `V. I. Lenin`, `General Alexeyev`) adds nothing to an index; one that files
    elsewhere (`Ulyanov`, `Leningrad`, `Cheka`) gets one see-reference per
    filing word, the fullest form kept.
    """
    def first_word(key: str) -> str:
        words = key.replace(",", " ").split()
        return words[0] if words else ""

    own = first_word(entry.sort_key)
    chosen: dict[str, SeeReference] = {}
    for form in entry.forms:
        if not form.text:
            continue
        heading = (person_see_heading(entry, form.text) if entry.kind == "persons"
                   else form.text)
        if not heading:
            continue
        if heading.isupper() and len(heading) > 4:  # a running head's capitals: `LENINGRAD`
            heading = heading.title()
        key = sort_key(heading, drop_article=entry.kind == "orgs")
        word = first_word(key)
        if not word or word == own:
            continue
        reference = SeeReference(entry.kind, heading, key, entry.entry_id, entry.heading)
        kept = chosen.get(word)
        if kept is None or len(heading) > len(kept.heading):
            chosen[word] = reference
    return sorted(chosen.values(), key=lambda s: collation(s.sort_key))


# ---------------------------------------------------------------------- books


class _Context(NamedTuple):
    """Where the walk stands: what `record` needs of the element's ancestors.

    Kept as the walk descends (a new tuple only for an element that changes it),
    rather than searched for in the ancestors at every mention.
    """

    top: etree._Element | None = None  # the outermost div
    chapter: etree._Element | None = None  # the nearest div type="chapter"
    section: etree._Element | None = None  # the nearest div type="section"
    paragraph: etree._Element | None = None  # the nearest p with an xml:id
    holder: etree._Element | None = None  # the nearest element with an xml:id
    block: etree._Element | None = None  # the nearest block (p, item, …)
    in_note: bool = False  # inside a footnote
    in_title_page: bool = False

    def enter(self, element: etree._Element, tag: str) -> _Context:
        top, chapter, section, paragraph, holder, block, in_note, in_title_page = self
        if element.get(_XML_ID):
            holder = element
            if tag == _P:
                paragraph = element
        if tag == _DIV:
            if top is None:
                top = element
            kind = element.get("type")
            if kind == "chapter":
                chapter = element
            elif kind == "section":
                section = element
        elif tag == _NOTE and element.get("place") == "foot":
            in_note = True
        elif tag == _TITLE_PAGE:
            in_title_page = True
        if tag in _BLOCKS:
            block = element
        return _Context(top, chapter, section, paragraph, holder, block, in_note,
                        in_title_page)


class _BookWalk:
    """One pass over a book in document order, keeping page, division and note state."""

    def __init__(self, book: BookInfo, ordinal_start: int) -> None:
        self.book = book
        self.page: str | None = None
        self.ordinal = ordinal_start
        self.mentions: list[Mention] = []
        self.counters: dict[str, int] = {}
        # keyed by the elements themselves: holding the proxies keeps them (and so their
        # identity) alive; an id() of an lxml proxy can be reused once the proxy is freed
        self.contexts: dict[etree._Element, tuple[str, dict[etree._Element,
                                                            tuple[int, int]]]] = {}
        self.labels: dict[etree._Element, str] = {}

    def walk(self, element: etree._Element, context: _Context) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == _PB:
                number = (child.get("n") or "").strip()
                self.page = number or None
                continue
            if tag == _DIV and child.get("type") == "index":
                continue  # the printed index is compared with ours, not indexed
            kind = _NAME_TAGS.get(tag)
            if kind and child.get("ref"):
                self.record(child, kind, context)
            if tag == _NOTE:
                # a page break inside a footnote does not move the running text
                saved = self.page
                self.walk(child, context.enter(child, tag))
                self.page = saved
            else:
                self.walk(child, context.enter(child, tag))

    def record(self, element: etree._Element, kind: str, context: _Context) -> None:
        target = urls.register_kind(element.get("ref", "").split()[0])
        entry_id = target[1] if target else element.get("ref", "")
        chapter, section, top = context.chapter, context.section, context.top
        paragraph, holder = context.paragraph, context.holder
        own_id = element.get(_XML_ID)
        holder_id = holder.get(_XML_ID) if holder is not None else self.book.key
        expected = f"{holder_id}-n{self.counters.get(holder_id, 0) + 1}"
        if own_id and own_id != expected:
            anchor = mention_id = own_id  # an xml:id of the TEI's own
        else:
            # no id, or the stable id the site build gave it in memory (anchor_mentions):
            # the anchor stays the enclosing element, which the TEI file has
            self.counters[holder_id] = self.counters.get(holder_id, 0) + 1
            anchor, mention_id = holder_id, expected
        block = context.block
        labelled = chapter if chapter is not None else top
        label = "" if labelled is not None else (
            "title page" if context.in_title_page else "front matter")
        if labelled is not None:
            label = self.labels.get(labelled, "")
            if not label:
                head = labelled.find(f"{_T}head")
                label = reading_text(head) if head is not None else (
                    labelled.get("type", "").replace("-", " ").capitalize())
                self.labels[labelled] = label
        surface = reading_text(element)
        self.ordinal += 1
        self.mentions.append(Mention(
            book=self.book.key, kind=target[0] if target else kind,
            entry_id=entry_id if target else "",
            ordinal=self.ordinal,
            division=top.get(_XML_ID, "") if top is not None else "",
            chapter=chapter.get(_XML_ID) if chapter is not None else None,
            chapter_n=chapter.get("n") if chapter is not None else None,
            chapter_label=label,
            section=section.get(_XML_ID) if section is not None else None,
            paragraph=paragraph.get(_XML_ID) if paragraph is not None else None,
            anchor=anchor, mention_id=mention_id, page=self.page,
            in_note=context.in_note,
            surface=surface,
            kwic=self.kwic(block, element) if block is not None else Kwic("", surface, ""),
            line=element.sourceline or 0,
        ))

    def kwic(self, block: etree._Element, element: etree._Element) -> Kwic:
        """The mention in a line of its block's reading text."""
        cached = self.contexts.get(block)
        if cached is None:
            cached = reading_spans(block, _NAME_TAGS)
            self.contexts[block] = cached
        text, spans = cached
        span = spans.get(element)
        if span is None:
            return Kwic("", reading_text(element), "")
        start, end = span
        left = text[max(0, start - _KWIC_WIDTH):start]
        right = text[end:end + _KWIC_WIDTH]
        if start > _KWIC_WIDTH:
            left = "… " + left.split(" ", 1)[-1] if " " in left else "… " + left
        if end + _KWIC_WIDTH < len(text):
            right = (right.rsplit(" ", 1)[0] if " " in right else right) + " …"
        return Kwic(left, text[start:end], right)


def stable_mention_id(element: etree._Element) -> str | None:
    """The stable id of a tagged name, as the collect phase gives it (`{anchor}-n{K}`).

    For a renderer that wants to give each name link an `id` the index's locators
    can point to: the name's own xml:id, or the K-th tagged name (with `@ref`)
    among those whose nearest element with an xml:id is the same. None for an
    element that is not a tagged name, or one in a printed index.
    """
    if element.tag not in _NAME_TAGS or not element.get("ref"):
        return None
    if element.get(_XML_ID):
        return element.get(_XML_ID)
    holder = next((a for a in element.iterancestors() if a.get(_XML_ID)), None)
    if holder is None or any(a.tag == f"{_T}div" and a.get("type") == "index"
                             for a in element.iterancestors()):
        return None
    count = 0
    for name in holder.iter(*_NAME_TAGS):
        if not name.get("ref"):
            continue
        nearest = next((a for a in name.iterancestors() if a.get(_XML_ID)), None)
        if nearest is holder and not name.get(_XML_ID):
            count += 1
        if name is element:
            return f"{holder.get(_XML_ID)}-n{count}"
    return None


def book_info(book: Book, tree: etree._ElementTree | None = None) -> BookInfo:
    return BookInfo(book.key, book.author, book.author.split()[-1], book.short_title,
                    book.tei.name)


def collect_mentions(book: BookInfo, tree: etree._ElementTree,
                     ordinal_start: int = 0) -> list[Mention]:
    """Every tagged name of one book, in document order."""
    walker = _BookWalk(book, ordinal_start)
    text = tree.getroot().find(f"{_T}text")
    if text is not None:
        walker.walk(text, _Context())
    return walker.mentions


def build_index(books: Iterable[tuple[BookInfo, etree._ElementTree]],
                register_entries: Mapping[str, tuple[registers.Entry, ...]]) -> NamesIndex:
    """The index from parsed books and the registers' entries (by kind)."""
    entries: dict[str, tuple[Entry, ...]] = {}
    see: dict[str, tuple[SeeReference, ...]] = {}
    for kind in KINDS:
        found = [index_entry(entry) for entry in register_entries.get(kind, ())]
        entries[kind] = tuple(sorted(found, key=lambda e: (collation(e.sort_key),
                                                          fold(e.heading), e.entry_id)))
        see[kind] = tuple(sorted((s for e in entries[kind] for s in see_references(e)),
                                 key=lambda s: (collation(s.sort_key), s.entry_id)))
    known = {(kind, e.entry_id) for kind, found in entries.items() for e in found}
    mentions: list[Mention] = []
    infos = []
    for info, tree in books:
        infos.append(info)
        mentions.extend(collect_mentions(info, tree, len(mentions)))
    resolved = tuple(m for m in mentions if (m.kind, m.entry_id) in known)
    unresolved = tuple(m for m in mentions if (m.kind, m.entry_id) not in known)
    by_book: dict[tuple[str, str, str], list[Mention]] = {}
    for mention in resolved:
        by_book.setdefault((mention.kind, mention.entry_id, mention.book), []).append(mention)
    found_locators = {key: locators(found) for key, found in by_book.items()}
    return NamesIndex(tuple(infos), entries, resolved, see, unresolved, found_locators)


def listing(index: NamesIndex, kind: str) -> list[Entry | SeeReference]:
    """One kind's A–Z list as a printed index prints it: entries and see-references filed
    together (a see-reference after an entry whose heading files the same)."""
    rows: list[tuple[tuple, Entry | SeeReference]] = [
        ((collation(e.sort_key), 0, fold(e.heading)), e) for e in index.entries[kind]]
    rows += [((collation(s.sort_key), 1, fold(s.heading)), s)
             for s in index.see_references[kind]]
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def collect_index(tei_dir: Path = TEI_DIR) -> NamesIndex:
    """The index of the books and registers in `tei_dir` (those that exist)."""
    books = [(book_info(book), parse_tei(tei_dir / book.tei.name)) for book in BOOKS.values()
             if (tei_dir / book.tei.name).exists()]
    return build_index(books, registers.read_registers(tei_dir))
