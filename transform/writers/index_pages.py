"""The index of names in the site: list pages (A–Z, filter), one page per entry, data, reports.

`edition build` collects the index once (`writers.collect.collect_names`: from
the books the site has already parsed, and the registers), then makes the pages (`index_pages`: path → HTML bytes), the
editors' reports (`index_reports`) and the data files (`index_exports`: TEI,
JSON, CSV; a stylesheet). Every locator links to its mention's anchor on the
reading page that shows it (the site's own map of xml:id → page). The
editors' reports (printed-index reconciliation, coverage) are written under
`index/editors/` and linked from no reader's page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from transform import urls
from transform.edition import BOOKS, EDITION_TITLE, TEI_NS, XML_NS
from transform.names_index.collect import listing
from transform.names_index.coverage import coverage
from transform.names_index.export import to_csv, to_json, to_tei_bytes
from transform.names_index.locators import format_locators, prefixes
from transform.names_index.model import (
    KIND_LABELS,
    KINDS,
    REGISTER_FILES,
    Entry,
    Mention,
    NamesIndex,
    SeeReference,
)
from transform.names_index.printed import compare_printed
from transform.names_index.sorting import fold, initial
from transform.writers.pages import Chrome, Link

if TYPE_CHECKING:
    from transform.writers.collect import Edition
    from transform.writers.reading import SiteWriter

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_DIV = f"{_T}div"
_NAME_TAGS = tuple(f"{_T}{tag}" for tag in ("persName", "placeName", "orgName"))
LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ#")
_INDEX_CSS = """/* The index of names: A–Z bar, filter, entries, locators side by side, KWIC. */
.az { display: flex; flex-wrap: wrap; gap: .15rem .5rem; padding: 0; margin: .5rem 0 1rem;
  list-style: none; font-family: system-ui, sans-serif; }
.az span { color: #8c8c8c; }
.index-filter { margin: .5rem 0 1rem; font-family: system-ui, sans-serif; }
.index-filter input { font-size: 1rem; padding: .25rem .4rem; width: min(24rem, 100%); }
.index-list { list-style: none; padding: 0; margin: 0; }
.index-list > li { margin: 0 0 .75rem; }
.index-list .see { color: #595959; }
.index-list .heading { font-weight: 600; }
.index-meta, .kwic-page { font-family: system-ui, sans-serif; font-size: .85rem; color: #595959; }
.locators { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
  gap: .25rem 1.5rem; margin: .2rem 0 0 1rem; font-size: .95rem; }
.locators .book { font-family: system-ui, sans-serif; font-size: .8rem; color: #595959;
  display: block; }
.locators .none { color: #8c8c8c; }
.kwic { list-style: none; padding: 0; }
.kwic li { margin: 0 0 .4rem; }
.kwic mark { background: #fff0b3; color: inherit; }
.books-side { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
  gap: 0 2rem; }
.places-map { width: 100%; height: auto; border: 1px solid #d8d2c4; background: #f7f4ec; }
.places-map circle { fill: #8a1c1c; }
.places-map .grid { stroke: #d8d2c4; stroke-width: 1; }
.places-map .grid-label { fill: #595959; font: 11px system-ui, sans-serif; }
.places-map a:focus circle, .places-map a:hover circle { fill: #1f4e79; }
.report { white-space: pre-wrap; font-size: .85rem; }
@media print { .az, .index-filter { display: none; } }
"""
_FILTER_SCRIPT = """(function () {
  var box = document.getElementById("index-filter");
  if (!box) { return; }
  box.parentNode.hidden = false;
  var rows = document.querySelectorAll("[data-filter]");
  var sections = document.querySelectorAll("section.letter");
  function fold(text) {
    return text.normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase();
  }
  box.addEventListener("input", function () {
    var wanted = fold(box.value.trim());
    Array.prototype.forEach.call(rows, function (row) {
      row.hidden = wanted !== "" && row.getAttribute("data-filter").indexOf(wanted) < 0;
    });
    Array.prototype.forEach.call(sections, function (section) {
      section.hidden = !section.querySelector("[data-filter]:not([hidden])");
    });
  });
})();
"""


# --------------------------------------------------------------- page contexts


class LocatorLink(NamedTuple):
    prefix: str
    label: str
    href: str
    title: str


class BookLocators(NamedTuple):
    """One book's column of an entry: its locators and how many mentions they hold."""

    key: str
    label: str
    count: int
    text: str
    locators: tuple[LocatorLink, ...]


class ListRow(NamedTuple):
    """A line of an A–Z list: an entry, or a see-reference to one."""

    letter: str
    heading: str
    href: str
    filter_text: str
    see: bool
    meta: str = ""
    description: str = ""
    books: tuple[BookLocators, ...] = ()
    target_heading: str = ""


@dataclass(frozen=True)
class LetterSection:
    letter: str
    anchor: str
    rows: tuple[ListRow, ...]


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    href: str
    label: str


@dataclass(frozen=True)
class GridLine:
    """A meridian or parallel of the places plot, for orientation."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class IndexListPage:
    chrome: Chrome
    kind: str
    heading: str
    stylesheet: str
    summary: str
    others: tuple[Link, ...]
    data: tuple[Link, ...]
    letters: tuple[tuple[str, str | None], ...]
    sections: tuple[LetterSection, ...]
    map_points: tuple[MapPoint, ...]
    map_grid: tuple[GridLine, ...]
    script: str


class KwicLine(NamedTuple):
    locator: str
    href: str
    left: str
    keyword: str
    right: str
    in_note: bool


class KwicChapter(NamedTuple):
    label: str
    href: str
    lines: tuple[KwicLine, ...]


class KwicBook(NamedTuple):
    key: str
    label: str
    count: int
    chapters: tuple[KwicChapter, ...]


@dataclass(frozen=True)
class IndexEntryPage:
    chrome: Chrome
    kind: str
    kind_label: str
    heading: str
    stylesheet: str
    meta: str
    description: str
    forms: tuple[str, ...]
    see_from: tuple[str, ...]
    authorities: tuple[Link, ...]
    geo: str
    books: tuple[BookLocators, ...]
    kwic: tuple[KwicBook, ...]
    back: Link
    register: Link
    events: tuple[Link, ...] = ()  # the events this entry takes part in, in order of date
    dated_names: tuple[DatedNameLine, ...] = ()  # the names a renamed place bore, with years
    attested: tuple[AttestedLine, ...] = ()  # what the books state of the entry, cited
    members: tuple[Link, ...] = ()  # a group's members
    groups: tuple[Link, ...] = ()  # the groups a person belongs to


@dataclass(frozen=True)
class DatedNameLine:
    name: str
    years: str
    source: Link | None  # the passage of a book that states the renaming


@dataclass(frozen=True)
class AttestedLine:
    kind: str
    words: str
    source: Link


ATTESTED_LABELS = {"birth": "Born", "death": "Died", "office": "Office",
                   "founded": "Founded", "renamed": "Renamed"}


@dataclass(frozen=True)
class ReportPage:
    chrome: Chrome
    heading: str
    stylesheet: str
    summary: str
    text: str


# ----------------------------------------------------------------- the writer


class IndexPages:
    """Turns a `NamesIndex` into site pages, using the site's chrome and page map."""

    def __init__(self, writer: SiteWriter, index: NamesIndex,
                 targets: Mapping[str, str]) -> None:
        self.writer = writer
        self.index = index
        self.targets = targets
        self._columns: dict[tuple[str, str], tuple[BookLocators, ...]] = {}

    def mention_path(self, mention: Mention) -> str:
        return urls.mention(mention.book, mention.division, mention.mention_id,
                           self.targets.get(mention.anchor))

    def chrome(self, path: str, title: str, crumbs: list[tuple[str, str]]) -> Chrome:

        return self.writer.chrome(path, f"{title} — {EDITION_TITLE}", "en",
                                  self.writer.citations.page_citation(path, title),
                                  [(EDITION_TITLE, urls.HOME), *crumbs])

    def book_locators(self, entry: Entry, page: str) -> tuple[BookLocators, ...]:
        """The entry's locators per book, linked from `page` (the list or the entry's)."""
        return tuple(
            BookLocators(column.key, column.label, column.count, column.text,
                         tuple(LocatorLink(loc.prefix, loc.label, urls.relative(page, loc.href),
                                           loc.title) for loc in column.locators))
            for column in self._locator_columns(entry))

    def _locator_columns(self, entry: Entry) -> tuple[BookLocators, ...]:
        """The entry's locators per book with site paths for links: worked out once,
        as the list page and the entry's page both show them."""
        key = (entry.kind, entry.entry_id)
        columns = self._columns.get(key)
        if columns is None:
            columns = tuple(self._book_column(entry, book.key, book.short_author)
                            for book in self.index.books)
            self._columns[key] = columns
        return columns

    def _book_column(self, entry: Entry, book: str, label: str) -> BookLocators:
        found = self.index.locators_of(entry, book)
        return BookLocators(
            book, label, sum(len(loc.mentions) for loc in found), format_locators(found),
            tuple(LocatorLink(prefix, loc.label, self.mention_path(loc.first),
                              f"{len(loc.mentions)} mention(s): "
                              + "; ".join(dict.fromkeys(m.surface for m in loc.mentions)))
                  for prefix, loc in zip(prefixes(found), found, strict=True)))

    @staticmethod
    def meta(entry: Entry) -> str:
        return ", ".join(part for part in (entry.dates, entry.category) if part)

    def list_page(self, kind: str) -> tuple[str, bytes]:
        path = urls.register_list(kind)
        rows: list[ListRow] = []
        # an entry no book mentions is left out (the coverage report lists it), and so
        # are see-references to it
        mentioned = {e.entry_id for e in self.index.entries[kind] if self.index.count(e)}
        for row in listing(self.index, kind):
            if row.entry_id not in mentioned:
                continue
            if isinstance(row, SeeReference):
                target = urls.relative(path, urls.register_entry(kind, row.entry_id))
                rows.append(ListRow(initial(row.sort_key), row.heading, target,
                                    fold(f"{row.heading} {row.target_heading}"), True,
                                    target_heading=row.target_heading))
                continue
            forms = " ".join(f.text for f in row.forms)
            rows.append(ListRow(
                initial(row.sort_key), row.heading,
                urls.relative(path, urls.register_entry(kind, row.entry_id)),
                fold(f"{row.heading} {forms}"), False, self.meta(row), row.description,
                self.book_locators(row, path)))
        sections = []
        for letter in LETTERS:
            found = tuple(r for r in rows if r.letter == letter)
            if found:
                anchor = f"letter-{letter if letter != '#' else 'other'}"
                sections.append(LetterSection(letter, anchor, found))
        present = {s.letter: s.anchor for s in sections}
        counts = {b.key: sum(1 for m in self.index.mentions if m.kind == kind
                             and m.book == b.key) for b in self.index.books}
        see = sum(1 for r in rows if r.see)
        summary = (f"{len(rows) - see} entries, {see} see-reference(s); mentions: " + ", ".join(
                       f"{b.short_author} {counts[b.key]}" for b in self.index.books) + ".")
        page = IndexListPage(
            self.chrome(path, KIND_LABELS[kind], [(KIND_LABELS[kind], path)]), kind,
            KIND_LABELS[kind], urls.relative(path, urls.INDEX_STYLESHEET), summary,
            tuple(Link(KIND_LABELS[k], urls.relative(path, urls.register_list(k)))
                  for k in KINDS if k != kind),
            tuple(Link(label, urls.relative(path, urls.INDEX_DATA[fmt]))
                  for fmt, label in (("tei", "TEI"), ("json", "JSON"), ("csv", "CSV"))),
            tuple((letter, present.get(letter)) for letter in LETTERS),
            tuple(sections), *self.places_plot(kind, path), _FILTER_SCRIPT)
        return path, self.render("index_list.html", page)

    def places_plot(self, kind: str, page: str
                    ) -> tuple[tuple[MapPoint, ...], tuple[GridLine, ...]]:
        """Places with coordinates on a plain equirectangular plot (no tiles, no network),
        with meridians every 30° and parallels every 15° for orientation."""
        if kind != "places":
            return (), ()
        placed = [e for e in self.index.entries[kind] if e.geo and self.index.count(e)]
        if len(placed) < 2:
            return (), ()
        lats = [e.geo[0] for e in placed if e.geo]
        longs = [e.geo[1] for e in placed if e.geo]
        south, north, west, east = min(lats), max(lats), min(longs), max(longs)
        width, height, margin = 1000.0, 500.0, 10.0
        span_x, span_y = max(east - west, 1e-6), max(north - south, 1e-6)

        def x(long: float) -> float:
            return round(margin + (long - west) / span_x * (width - 2 * margin), 1)

        def y(lat: float) -> float:
            return round(margin + (north - lat) / span_y * (height - 2 * margin), 1)

        points = tuple(MapPoint(x(e.geo[1]), y(e.geo[0]),
                                urls.relative(page, urls.register_entry(kind, e.entry_id)), e.heading)
                       for e in placed if e.geo)
        grid = [GridLine(x(m), 0, x(m), height, f"{abs(m)}°{'E' if m >= 0 else 'W'}")
                for m in range(-180, 181, 30) if west <= m <= east]
        grid += [GridLine(0, y(p), width, y(p), f"{abs(p)}°{'N' if p >= 0 else 'S'}")
                 for p in range(-90, 91, 15) if south <= p <= north]
        return points, tuple(grid)

    def entry_page(self, entry: Entry) -> tuple[str, bytes]:
        kind = entry.kind
        path = urls.register_entry(kind, entry.entry_id)
        kwic_books = []
        for book in self.index.books:
            mentions = sorted(self.index.mentions_of(entry, book.key), key=lambda m: m.ordinal)
            by_locator = {m.mention_id: loc.label
                          for loc in self.index.locators_of(entry, book.key)
                          for m in loc.mentions}
            chapters: dict[str, list[Mention]] = {}
            for mention in mentions:
                chapters.setdefault(mention.chapter or mention.division, []).append(mention)
            kwic_books.append(KwicBook(book.key, f"{book.author}, {book.title}", len(mentions),
                                       tuple(KwicChapter(
                                           group[0].chapter_label or key,
                                           urls.relative(path, self.mention_path(group[0])
                                                         .split("#")[0] + f"#{key}")
                                           if key else "",
                                           tuple(KwicLine(
                                               (f"p. {m.page}" if m.page else by_locator[
                                                   m.mention_id]) + ("n" if m.in_note and
                                                                     m.page else ""),
                                               urls.relative(path, self.mention_path(m)),
                                               m.kwic.left, m.kwic.keyword, m.kwic.right,
                                               m.in_note) for m in group))
                                           for key, group in chapters.items())))
        see_from = tuple(s.heading for s in self.index.see_references[kind]
                         if s.entry_id == entry.entry_id)
        geo = f"{entry.geo[0]:.4f}, {entry.geo[1]:.4f}" if entry.geo else ""
        register = REGISTER_FILES[kind]
        page = IndexEntryPage(
            self.chrome(path, entry.heading, [(KIND_LABELS[kind], urls.register_list(kind)),
                                              (entry.heading, path)]),
            kind, KIND_LABELS[kind], entry.heading, urls.relative(path, urls.INDEX_STYLESHEET),
            self.meta(entry), entry.description,
            tuple(dict.fromkeys(  # `TROTSKY` (a running head's capitals) adds nothing
                f"{f.text} ({f.type})" if f.type and f.type != "variant" else f.text
                for f in entry.forms
                if not (f.text.isupper() and any(fold(f.text) == fold(g.text)
                                                 for g in entry.forms if g is not f))
                and fold(f.text) not in (fold(entry.heading),
                                         fold(entry.heading.split(",")[0])))),
            see_from,
            tuple(Link(f"{a.type}: {a.value}", a.url) for a in entry.authorities if a.url),
            geo, self.book_locators(entry, path), tuple(kwic_books),
            Link(f"All {KIND_LABELS[kind].lower()}", urls.relative(path, urls.register_list(
                kind))),
            Link(f"{register}#{entry.entry_id}",
                 urls.relative(path, urls.tei_source(register))),
            tuple(Link(f"{e.label} ({e.date_label()})", urls.relative(path, urls.event(e.id)))
                  for e in self.writer.edition.events.by_entry.get((kind, entry.entry_id), ())),
            tuple(DatedNameLine(name, years, self.passage_link(path, passage) if passage
                                else None)
                  for name, years, passage in entry.dated_names),
            tuple(AttestedLine(ATTESTED_LABELS.get(what, what), words,
                               self.passage_link(path, passage))
                  for what, words, passage in entry.attested),
            self.person_links(path, entry.members), self.person_links(path, entry.groups))
        return path, self.render("index_entry.html", page)

    def passage_link(self, path: str, passage: str) -> Link:
        """A link to a passage of a book by its short URL, named by book and id."""
        book = next(b for b in BOOKS.values() if passage.startswith(f"{b.id_prefix}-"))
        return Link(f"{book.author.split()[-1]}, {passage}",
                    urls.relative(path, urls.id_page(passage)))

    def person_links(self, path: str, ids: tuple[str, ...]) -> tuple[Link, ...]:
        found = (self.index.entry("persons", i) for i in ids)
        return tuple(Link(e.heading, urls.relative(path, urls.register_entry("persons",
                                                                               e.entry_id)))
                     for e in found if e is not None)

    def report_page(self, path: str, heading: str, summary: str, lines: list[str]
                    ) -> tuple[str, bytes]:
        page = ReportPage(self.chrome(path, heading, [(heading, path)]), heading,
                          urls.relative(path, urls.INDEX_STYLESHEET), summary, "\n".join(lines))
        return path, self.render("index_report.html", page)

    def render(self, template: str, page: object) -> bytes:
        return self.writer.env.get_template(template).render(page=page).encode("utf-8")


def index_pages(writer: SiteWriter, edition: Edition, index: NamesIndex,
                kinds: tuple[str, ...] = KINDS) -> list[tuple[str, bytes]]:
    """The index's reading pages for `kinds`: a list per kind and a page per entry."""
    pages = IndexPages(writer, index, edition.targets)
    html: list[tuple[str, bytes]] = []
    for kind in kinds:
        html.append(pages.list_page(kind))
        html.extend(pages.entry_page(entry) for entry in index.entries[kind])
    return html


def index_reports(writer: SiteWriter, edition: Edition, index: NamesIndex
                  ) -> list[tuple[str, bytes]]:
    """The editors' reports: the printed index reconciled with ours, and coverage."""
    pages = IndexPages(writer, index, edition.targets)
    files: list[tuple[str, bytes]] = []
    roth = next((b for b in edition.books if b.key == "rothstein"), None)
    if roth is not None:
        report = compare_printed(index, roth.tree, "rothstein")
        files.append(pages.report_page(urls.INDEX_PRINTED_REPORT,
                                       "Printed index reconciliation (editors)",
                                       report.summary(), report.lines()))
    found = coverage(index)
    files.append(pages.report_page(urls.INDEX_COVERAGE_REPORT, "Index coverage (editors)",
                                   found.summary(), found.lines()))
    return files


def index_exports(edition: Edition, index: NamesIndex) -> list[tuple[str, bytes]]:
    """The index as data (TEI, JSON, CSV) and the index pages' stylesheet."""
    return [(urls.INDEX_DATA["tei"], to_tei_bytes(index)),
            (urls.INDEX_DATA["json"], to_json(index, edition.targets)),
            (urls.INDEX_DATA["csv"], to_csv(index, edition.targets)),
            (urls.INDEX_STYLESHEET, _INDEX_CSS.encode("utf-8"))]

