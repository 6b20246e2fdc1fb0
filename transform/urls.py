"""Every URL of the static site, in one place.

Functions here return *site paths*: posix paths from the site root, without a
leading slash (`rothstein/ch03.html`). Pages never print a site path directly;
they go through `relative(from_page, to_path)`, so every link in the site is
relative and the site works from any sub-path or straight from disk.
"""

from __future__ import annotations

import functools
import posixpath
import re

from transform.edition import BOOKS, REGISTER_FILES

HOME = "index.html"
ABOUT = "index.html#about"
PAGES = "pages.html"
PAGE_MAP_SCRIPT = "pagemap.js"
NAMES_SCRIPT = "names.js"
STYLESHEET = "static/edition.css"
SCRIPT = "static/edition.js"
SEARCH_PAGE = "search.html"
SEARCH_SCRIPT = "static/search.js"
CITE_DATA = "cite-data.js"
CITE_SCRIPT = "static/cite.js"
CITE_STYLESHEET = "static/cite.css"
SITEMAP = "sitemap.xml"

# The index of names: a list per kind, a page per entry.
REGISTER_KINDS = tuple(REGISTER_FILES)
_REGISTER_KINDS_BY_FILE = {name: kind for kind, name in REGISTER_FILES.items()}

_CHAPTER_ID = re.compile(r"^[a-z]+-ch(\d+)$")


def book_home(book: str) -> str:
    """The title page and contents of a book."""
    return f"{book}/index.html"


def division_slug(div_id: str, prefix: str) -> str:
    """The file stem of a division page, from its xml:id.

    `roth-ch3` becomes `ch03` (zero-padded so that a directory listing sorts
    chapters in order); `roth-preface` becomes `preface`.
    """
    chapter = _CHAPTER_ID.match(div_id)
    if chapter:
        return f"ch{int(chapter.group(1)):02d}"
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", div_id.removeprefix(f"{prefix}-")) or "division"
    # `index.html` is the book's home page: the book's own printed index goes beside it
    return "printed-index" if stem == "index" else stem


def division(book: str, slug: str) -> str:
    """One chapter or front/back-matter division of a book."""
    return f"{book}/{slug}.html"


def printed_page_anchor(n: str) -> str:
    """The fragment of a printed page's start in its reading page (`p58`)."""
    return "p" + re.sub(r"[^A-Za-z0-9_-]+", "-", n.strip())


def pages_anchor(book: str, n: str) -> str:
    """The fragment of a printed page in the list of all pages (`rothstein-p58`)."""
    return f"{book}-{printed_page_anchor(n)}"


def book_text(book: str) -> str:
    """A book's plain-text reading version."""
    return f"downloads/{book}.txt"


def book_epub(book: str) -> str:
    """A book's EPUB."""
    return f"downloads/{book}.epub"


def id_page(xml_id: str) -> str:
    """The stable short URL of a published xml:id: a page that sends the reader on to
    wherever its passage is now (renamed ids included)."""
    return f"id/{xml_id}.html"


def static_file(name: str) -> str:
    """A file of the package's static/ folder, copied into the site."""
    return f"static/{name}"


def search_bundle(book: str) -> str:
    """The folder of a book's search index (Pagefind's files)."""
    return f"pagefind/{book}"


def tei_source(filename: str) -> str:
    """A TEI file copied into the site."""
    return f"tei/{filename}"


def register_list(kind: str) -> str:
    """The list page of one kind of name: persons, places or orgs."""
    return f"index/{kind}.html"


def register_entry(kind: str, entry_id: str) -> str:
    """The index page of one person, place or organisation."""
    return f"index/{kind}/{entry_id}.html"


# The index of names as data, by format; its stylesheet; its reports for the editors.
INDEX_DATA = {"tei": "index/names-index.xml", "json": "index/names-index.json",
              "csv": "index/names-index.csv"}
INDEX_STYLESHEET = "index/index.css"
INDEX_PRINTED_REPORT = "index/editors/printed-index.html"
INDEX_COVERAGE_REPORT = "index/editors/coverage.html"


def mention(book: str, division_id: str, mention_id: str, page: str | None = None) -> str:
    """A tagged name in the reading text: its `page` (where the site's collect phase
    placed its anchor) or else the page of its top-level division, and its own id."""
    if page is None:
        spec = BOOKS.get(book)
        prefix = spec.id_prefix if spec else book
        page = (division(book, division_slug(division_id, prefix)) if division_id
                else book_home(book))
    return f"{page}#{mention_id}"


@functools.lru_cache(maxsize=8192)
def register_kind(ref: str) -> tuple[str, str] | None:
    """Split a name's `@ref` (`persons.xml#lenin`) into (`persons`, `lenin`).

    None if the pointer does not point into one of the registers.
    """
    file, sep, entry_id = ref.partition("#")
    kind = _REGISTER_KINDS_BY_FILE.get(file.rpartition("/")[2])
    if not sep or kind is None or not entry_id:
        return None
    return kind, entry_id


@functools.lru_cache(maxsize=65536)
def relative(from_page: str, to_path: str) -> str:
    """A relative link from one site path to another (fragment kept)."""
    path, sep, fragment = to_path.partition("#")
    if path == from_page:
        return f"#{fragment}" if sep else posixpath.basename(path)
    link = _relative_path(posixpath.dirname(from_page), path)
    return f"{link}#{fragment}" if sep else link


@functools.lru_cache(maxsize=16384)
def _relative_path(start_dir: str, path: str) -> str:
    """`posixpath.relpath` for site paths, without its calls to the file system.

    A page links to thousands of names: this runs once per (folder, target).
    """
    start = [part for part in start_dir.split("/") if part]
    target = path.split("/")
    common = 0
    while (common < len(start) and common < len(target) - 1
           and start[common] == target[common]):
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


def root_of(page: str) -> str:
    """The relative path from a page to the site root (`""` or `"../"`)."""
    depth = page.count("/")
    return "../" * depth


# --- DTS: the static answers to the API's requests -----------------------------------

DTS_ENTRY = "dts/index.json"
# the API's URI templates (RFC 6570), as the entry point advertises them
DTS_COLLECTION_TEMPLATE = "dts/collection{/id}{;nav}.json"
DTS_NAVIGATION_TEMPLATE = "dts/navigation/{resource}{;tree,down}{/ref}.json"
DTS_DOCUMENT_TEMPLATE = "dts/document/{resource}{;tree}{/ref}.xml"
# where the identifiers of the edition and its books resolve (JSON-LD @base)
DTS_IDENTIFIERS = "dts/collection/"


def dts_collection(collection: str | None = None, nav: str | None = None) -> str:
    """The Collection answer: the root, or one collection or resource by id; its
    children (`nav` absent or `children`) or its parents."""
    return (f"dts/collection{f'/{collection}' if collection else ''}"
            f"{f';nav={nav}' if nav else ''}.json")


def _dts_parameters(tree: str | None, down: int | None = None) -> str:
    return (f";tree={tree}" if tree else "") + (f";down={down}" if down is not None else "")


def dts_navigation(resource: str, tree: str | None, down: int | None,
                   ref: str | None = None) -> str:
    """The Navigation answer for a resource's citation tree (`down`, from `ref`)."""
    return (f"dts/navigation/{resource}{_dts_parameters(tree, down)}"
            f"{f'/{ref}' if ref else ''}.json")


def dts_document(resource: str, tree: str | None = None, ref: str | None = None) -> str:
    """The Document answer: a resource whole, or one citable unit of a tree."""
    return f"dts/document/{resource}{_dts_parameters(tree)}{f'/{ref}' if ref else ''}.xml"


# --- the register of events ------------------------------------------------------------

EVENTS = "events/index.html"
EVENTS_TIMELINE = "events/timeline.svg"
EVENTS_DATA = {"json": "downloads/events.json", "csv": "downloads/events.csv"}
EVENTS_SCRIPT = "static/events.js"


def event(event_id: str) -> str:
    """The page of one event: its two accounts side by side."""
    return f"events/{event_id}.html"
