"""The index of names as typed data: entries, their name forms, mentions and locators.

Phase one ("collect") returns these objects; the exports, the reports and the
HTML pages only read them. Nothing here knows about lxml or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transform.edition import REGISTER_FILES

KINDS = tuple(REGISTER_FILES)
KIND_LABELS = {"persons": "People", "places": "Places", "orgs": "Organisations"}


@dataclass(frozen=True)
class NameForm:
    """One form of a name in a register entry (`type`: index, variant, abbr, modern …)."""

    text: str
    type: str


@dataclass(frozen=True)
class Authority:
    """An authority identifier the register holds, with the URL it resolves to (if known)."""

    type: str
    value: str
    url: str | None


@dataclass(frozen=True)
class Entry:
    """One person, place or organisation of a register, as the index shows it."""

    kind: str
    entry_id: str
    heading: str
    sort_key: str
    dates: str
    category: str
    description: str
    forms: tuple[NameForm, ...]
    authorities: tuple[Authority, ...] = ()
    geo: tuple[float, float] | None = None
    line: int = 0
    # names the entry bore for a time: (name, years, id of the passage that states it or "")
    dated_names: tuple[tuple[str, str, str], ...] = ()
    # what a book states of the entry: (kind, the book's words, id of the passage)
    attested: tuple[tuple[str, str, str], ...] = ()
    members: tuple[str, ...] = ()  # a group's members (person ids)
    groups: tuple[str, ...] = ()  # the groups a person belongs to

    @property
    def ref(self) -> str:
        """The pointer a mention carries to this entry (`persons.xml#lenin`)."""
        return f"{REGISTER_FILES[self.kind]}#{self.entry_id}"


@dataclass(frozen=True)
class Kwic:
    """A mention in a line of its text: keyword in context."""

    left: str
    keyword: str
    right: str

    @property
    def line(self) -> str:
        return f"{self.left}{self.keyword}{self.right}"


@dataclass(frozen=True)
class Mention:
    """One tagged name in a book, located as precisely as the TEI allows.

    `anchor` is the xml:id a link can go to today (the name's own xml:id, or
    the nearest enclosing element that has one: paragraph, footnote, list
    item); `mention_id` is a stable name for the mention itself (its own
    xml:id, or `{anchor}-n{K}`, the K-th name under that anchor).
    """

    book: str
    kind: str
    entry_id: str
    ordinal: int
    division: str
    chapter: str | None
    chapter_n: str | None
    chapter_label: str
    section: str | None
    paragraph: str | None
    anchor: str
    mention_id: str
    page: str | None
    in_note: bool
    surface: str
    kwic: Kwic
    line: int = 0

    @property
    def ref(self) -> str:
        return f"{REGISTER_FILES[self.kind]}#{self.entry_id}"


@dataclass(frozen=True)
class Locator:
    """One printed-index locator (`39`, `73n`, `187–8`, or `ch. 3 ¶ 14`) and its mentions."""

    label: str
    mentions: tuple[Mention, ...]
    in_note: bool
    first_page: str | None
    last_page: str | None

    @property
    def first(self) -> Mention:
        """The mention the locator's link goes to: the first in the running text, if any
        (a page whose name stands in the text and in a footnote links to the text)."""
        return next((m for m in self.mentions if not m.in_note), self.mentions[0])

    @property
    def anchor(self) -> str:
        return self.first.anchor


@dataclass(frozen=True)
class SeeReference:
    """A variant heading that sends the reader to the main one (`Leningrad, see Petrograd`)."""

    kind: str
    heading: str
    sort_key: str
    entry_id: str
    target_heading: str


@dataclass(frozen=True)
class BookInfo:
    """What the index needs to know about a book: key, labels, file name."""

    key: str
    author: str
    short_author: str
    title: str
    file_name: str


@dataclass
class NamesIndex:
    """The whole index: entries by kind (sorted), every mention, see-references."""

    books: tuple[BookInfo, ...]
    entries: dict[str, tuple[Entry, ...]]
    mentions: tuple[Mention, ...]
    see_references: dict[str, tuple[SeeReference, ...]]
    unresolved: tuple[Mention, ...] = ()
    # each entry's locators in each book, (kind, entry id, book) -> locators: worked out
    # once, while collecting (`locators.locators`), for every export and page
    locators: dict[tuple[str, str, str], tuple[Locator, ...]] = field(default_factory=dict,
                                                                       repr=False)
    _by_entry: dict[tuple[str, str], list[Mention]] = field(default_factory=dict, repr=False)
    _entries: dict[tuple[str, str], Entry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for mention in self.mentions:
            self._by_entry.setdefault((mention.kind, mention.entry_id), []).append(mention)
        self._entries = {(e.kind, e.entry_id): e for found in self.entries.values()
                         for e in found}

    def entry(self, kind: str, entry_id: str) -> Entry | None:
        return self._entries.get((kind, entry_id))

    def mentions_of(self, entry: Entry, book: str | None = None) -> tuple[Mention, ...]:
        found = self._by_entry.get((entry.kind, entry.entry_id), [])
        return tuple(m for m in found if book is None or m.book == book)

    def locators_of(self, entry: Entry, book: str) -> tuple[Locator, ...]:
        """The entry's locators in one book."""
        return self.locators.get((entry.kind, entry.entry_id, book), ())

    def count(self, entry: Entry, book: str | None = None) -> int:
        return len(self.mentions_of(entry, book))
