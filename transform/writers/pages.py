"""Typed page contexts for the templates: plain strings, links and ready HTML, no lxml.

Templates receive one of these dataclasses as `page`; every href in them is
already relative to the page being written (through `transform.urls`).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class Link:
    label: str
    href: str


@dataclass(frozen=True)
class BookChoice:
    """A book in the "go to page" form."""

    key: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Chrome:
    """What every page shows: the edition's title, version, date, citation, navigation."""

    path: str
    lang: str
    title: str
    root: str
    stylesheet: str
    script: str
    page_map_script: str
    names_script: str
    home: str
    pages_list: str
    names_index: str
    edition_title: str
    version: str
    build_date: str
    citation: str
    breadcrumbs: tuple[Link, ...]
    sources: tuple[Link, ...]
    books: tuple[BookChoice, ...]
    previous: Link | None = None
    next: Link | None = None
    head_extra: Markup = Markup("")  # citation meta tags, cite control


@dataclass(frozen=True)
class ContentsEntry:
    label: str
    href: str
    pages: str
    children: tuple[ContentsEntry, ...] = ()


@dataclass(frozen=True)
class ReadingPage:
    """A chapter or a front/back-matter division."""

    chrome: Chrome
    heading: str
    show_heading: bool
    book_title: str
    pages: str
    content: Markup
    has_interventions: bool
    has_names: bool = False  # names linked to the index: the switch of their underlining


@dataclass(frozen=True)
class BookPage:
    """A book's title page and contents."""

    chrome: Chrome
    title: str
    author: str
    year: str
    source: Markup
    title_page: Markup
    contents: tuple[ContentsEntry, ...]
    tei: Link
    first: Link | None
    downloads: tuple[Link, ...] = ()  # text, EPUB, index of names


@dataclass(frozen=True)
class Principle:
    label: str
    text: Markup


@dataclass(frozen=True)
class BookSummary:
    title: str
    author: str
    year: str
    home: str
    source: Markup
    rights: Markup
    principles: tuple[Principle, ...]
    tei: Link
    chapters: int


@dataclass(frozen=True)
class BookDownloads:
    """One book's files, as the landing page lists them."""

    title: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class LandingPage:
    chrome: Chrome
    project: Markup
    books: tuple[BookSummary, ...]
    citation_example: str
    index_links: tuple[Link, ...]
    search: Link
    downloads: tuple[BookDownloads, ...]
    dts: Link
    reports: tuple[Link, ...]  # the editors' reports on the index of names


@dataclass(frozen=True)
class PageLink:
    """A printed page: its number, where it begins, and its own anchor in the list."""

    label: str
    href: str
    anchor: str


@dataclass(frozen=True)
class PageList:
    key: str
    title: str
    pages: tuple[PageLink, ...]


@dataclass(frozen=True)
class PagesPage:
    """Every printed page of both books: the static page map readers can use without JS."""

    chrome: Chrome
    books: tuple[PageList, ...]
