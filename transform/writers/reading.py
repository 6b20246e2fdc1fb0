"""The reading edition's own pages: the books' pages, the home page, the list of pages.

`SiteWriter` turns the collected `Edition` into site pages (site path → bytes):
each division of a book rendered through the element table (`engine`), in the
site's chrome (`pages`, the templates). It also gives the chrome to the other
writers (index of names, search, moved passages), so that every page shares it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import jinja2
from lxml import etree
from markupsafe import Markup

from transform import urls
from transform.diagnostics import Diagnostic
from transform.edition import EDITION_TITLE
from transform.names_index.model import NamesIndex
from transform.names_index.printed import LocatorLink, compare_printed, locator_links
from transform.pages import ESTIMATE_NOTE, chapter_passages, estimate_pages
from transform.writers.citing import SiteCitations
from transform.writers.collect import BookEdition, Division, Edition, collect_names
from transform.writers.context import PageAnchor, RenderContext
from transform.writers.engine import Renderer
from transform.writers.pages import (
    BookChoice,
    BookDownloads,
    BookPage,
    BookSummary,
    Chrome,
    ContentsEntry,
    LandingPage,
    Link,
    PageLink,
    PageList,
    PagesPage,
    Principle,
    ReadingPage,
)

_PRINCIPLE_LABELS = {
    "p": "General", "correction": "Corrections", "normalization": "Normalisation",
    "quotation": "Quotation marks", "hyphenation": "Hyphenation",
    "segmentation": "Segmentation", "interpretation": "Interpretation",
    "punctuation": "Punctuation", "stdVals": "Standard values",
}


@dataclass(frozen=True)
class RenderedPage:
    """One site page's path and HTML bytes (the writing stage only writes them)."""

    path: str
    payload: bytes


@dataclass(frozen=True)
class RenderedDivision:
    division: Division
    content: Markup
    anchors: tuple[PageAnchor, ...]
    has_interventions: bool
    ids: frozenset[str]


def template_environment() -> jinja2.Environment:
    """The site's templates: package data, autoescaped, strict about undefined names."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("transform", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build's templates do not change under it: no stat per page
    )


def _serialise(element: etree._Element) -> Markup:
    """The children of a rendered container as HTML (the container itself is left out)."""
    inner = (element.text or "") and Markup.escape(element.text or "")
    parts = [str(inner)] + [etree.tostring(child, method="html", encoding="unicode")
                            for child in element]
    return Markup("".join(parts))


class SiteWriter:
    """Turns a collected `Edition` into site pages (path → bytes)."""

    def __init__(self, edition: Edition, date: str, version: str,
                 env: jinja2.Environment | None = None, names: NamesIndex | None = None
                 ) -> None:
        self.edition = edition
        self._names = names  # the index of names, when the caller has collected it
        self.date = date
        self.version = version
        self.renderer = Renderer()
        self.env = env or template_environment()  # a live preview keeps one between saves
        self.diagnostics: list[Diagnostic] = []
        self.page_map: dict[str, dict[str, str]] = {}
        # pages the witness does not number: where their estimated place is, per book
        self.estimated_pages: dict[str, dict[str, str]] = {}
        self._estimates: dict[str, tuple[dict[str, int], dict[etree._Element, int]]] = {}
        self._index_links: dict[str, dict[str, dict[int, LocatorLink]]] = {}
        self.citations = SiteCitations(edition, EDITION_TITLE, version)

    # --- rendering ---------------------------------------------------------------

    def render_division(self, book: BookEdition, division: Division) -> RenderedDivision:
        ctx = RenderContext(division.path, book.source.name, self.edition.targets,
                            printed_pages=book.printed_pages,
                            page_estimates=self.estimates(book)[1], estimate_note=ESTIMATE_NOTE,
                            index_links=self.index_links(book) if division.kind == "index" else {},
                            mention_ids=self.edition.mention_ids)
        root = self.renderer.render_page(list(division.elements), ctx)
        self.citations.decorate(root, division)
        self.link_events(root, division.path)
        self.diagnostics.extend(ctx.diagnostics)
        return RenderedDivision(division, _serialise(root), tuple(ctx.page_anchors),
                                ctx.has_interventions, frozenset(ctx.ids))

    def link_events(self, root: etree._Element, path: str) -> None:
        """A passage that narrates an event ends with a discreet link to its page."""
        by_passage = self.edition.events.by_passage
        if not by_passage:
            return
        for element in root.iter("p", "div", "li", "blockquote"):
            events = by_passage.get(element.get("id", ""))
            if not events:
                continue
            holder = etree.SubElement(element, "span", {"class": "event-links",
                                                         "data-pagefind-ignore": "all"})
            holder.text = "Event: " if len(events) == 1 else "Events: "
            for n, event in enumerate(events):
                link = etree.SubElement(holder, "a", {
                    "href": urls.relative(path, urls.event(event.id)),
                    "title": "The two accounts of this event, side by side"})
                link.text = event.label
                link.tail = "; " if n + 1 < len(events) else None

    def render_fragment(self, elements: list[etree._Element], ctx: RenderContext) -> Markup:
        """Header material shown on a page; one context per page keeps its ids unique."""
        root = self.renderer.render_page(elements, ctx)
        self.diagnostics.extend(ctx.diagnostics)
        return _serialise(root)

    def render_books(self) -> dict[str, list[RenderedDivision]]:
        rendered: dict[str, list[RenderedDivision]] = {}
        for book in self.edition.books:
            rendered[book.key] = [self.render_division(book, division)
                                  for division in (book.home, *book.divisions)]
        return rendered

    def estimates(self, book: BookEdition) -> tuple[dict[str, int], dict[etree._Element, int]]:
        """The estimated pages of a book's passages and unnumbered page breaks (once)."""
        if book.key not in self._estimates:
            self._estimates[book.key] = estimate_pages(book.tree.getroot())
        return self._estimates[book.key]

    def index_links(self, book: BookEdition) -> dict[str, dict[int, LocatorLink]]:
        """Where each page number of the book's printed index leads (see
        `transform.names_index.printed.locator_links`)."""
        if book.key not in self._index_links:
            if self._names is None:
                self._names = collect_names(self.edition)
            names = self._names
            comparison = compare_printed(names, book.tree, book.key)
            self._index_links[book.key] = locator_links(comparison, names, book.tree,
                                                        self.edition.targets)
        return self._index_links[book.key]

    def estimate_targets(self, book: BookEdition) -> dict[str, str]:
        """Each page the witness does not number, from its first numbered one: the first
        passage estimated to begin on it, else the passage the page is estimated to
        begin in (the last one estimated before it)."""
        numbered = sorted(int(n) for n in self.page_map.get(book.key, {}) if n.isdigit())
        if not numbered:
            return {}
        passages = self.estimates(book)[0]
        starts: list[tuple[int, str]] = [(passages[xml_id], xml_id)
                                         for xml_id in chapter_passages(book.tree.getroot())
                                         if xml_id in passages and xml_id in self.edition.targets]
        found: dict[str, str] = {}
        last = max([numbered[-1], *(estimate for estimate, _ in starts)])  # after the last
        for page in range(numbered[0], last + 1):  # numbered page, the estimates go on
            if str(page) in self.page_map[book.key]:
                continue
            on = [xml_id for estimate, xml_id in starts if estimate == page]
            before = [xml_id for estimate, xml_id in starts if estimate < page]
            xml_id = on[0] if on else (before[-1] if before else None)
            if xml_id is not None:
                found[str(page)] = f"{self.edition.targets[xml_id]}#{xml_id}"
        return found

    def build_page_map(self, rendered: dict[str, list[RenderedDivision]]) -> None:
        """Printed page → where it begins, per book (first occurrence wins).

        The map comes from the collect phase; each target is checked against the
        anchors the renderer actually wrote, so a go-to-page never lands nowhere.
        """
        for book in self.edition.books:
            anchored = {f"{item.division.path}#{anchor.anchor}"
                        for item in rendered.get(book.key, []) for anchor in item.anchors}
            self.page_map[book.key] = {}
            for n, target in book.printed_pages.items():
                if target in anchored:
                    self.page_map[book.key][n] = target
                else:
                    self.diagnostics.append(Diagnostic(
                        book.source.name, 0, 0, "warning",
                        f"printed page {n} has no anchor at {target}; left out of the page map",
                        "render-page-anchor"))
            self.estimated_pages[book.key] = self.estimate_targets(book)

    # --- page chrome -------------------------------------------------------------

    def chrome(self, path: str, title: str, lang: str, citation: str,
               breadcrumbs: list[tuple[str, str]], book: BookEdition | None = None,
               previous: Division | None = None, following: Division | None = None) -> Chrome:
        def rel(target: str) -> str:
            return urls.relative(path, target)

        sources = tuple(
            Link(f"TEI source of {b.author}, {b.title}", rel(urls.tei_source(b.source.name)))
            for b in self.edition.books if book is None or b is book
        )
        return Chrome(
            path=path, lang=lang, title=title, root=urls.root_of(path),
            stylesheet=rel(urls.STYLESHEET), script=rel(urls.SCRIPT),
            page_map_script=rel(urls.PAGE_MAP_SCRIPT), names_script=rel(urls.NAMES_SCRIPT),
            home=rel(urls.HOME), pages_list=rel(urls.PAGES),
            names_index=rel(urls.register_list("persons")), edition_title=EDITION_TITLE,
            version=self.version, build_date=self.date, citation=citation,
            breadcrumbs=tuple(Link(label, rel(target)) for label, target in breadcrumbs),
            sources=sources,
            books=tuple(BookChoice(b.key, f"{b.author.split()[-1]}, {b.title}",
                                   book is not None and b.key == book.key)
                        for b in self.edition.books),
            previous=Link(previous.label, rel(previous.path)) if previous else None,
            next=Link(following.label, rel(following.path)) if following else None,
            head_extra=self.citations.head(path, title.removesuffix(f" — {EDITION_TITLE}")),
        )

    def citation(self, book: BookEdition, division: Division | None, path: str) -> str:
        """The footer's "Cite this page": the same citation the cite control gives."""
        return self.citations.page_citation(path)

    # --- pages -------------------------------------------------------------------

    def reading_page(self, book: BookEdition, item: RenderedDivision,
                     previous: Division | None, following: Division | None) -> RenderedPage:
        division = item.division
        chrome = self.chrome(
            division.path, f"{division.label} — {book.title}", book.lang,
            self.citation(book, division, division.path),
            [("Home", urls.HOME), (book.title, book.home.path),
             (division.label, division.path)],
            book, previous, following)
        page = ReadingPage(chrome, division.label, not any(
            e.tag.endswith("}div") and e.find("{*}head") is not None for e in division.elements
        ), book.title, division.pages, item.content, item.has_interventions,
            ' data-name="' in item.content)  # a name linked to the index of names
        return self._page("reading.html", page)

    def book_page(self, book: BookEdition, home: RenderedDivision) -> RenderedPage:
        path = book.home.path

        def entry(division: Division) -> ContentsEntry:
            def sub(children: tuple) -> tuple[ContentsEntry, ...]:
                return tuple(ContentsEntry(c.label, urls.relative(path, c.path), "",
                                           sub(c.children)) for c in children)
            return ContentsEntry(division.label, urls.relative(path, division.path),
                                 division.pages, sub(division.sections))

        first = book.divisions[0] if book.divisions else None
        chrome = self.chrome(path, book.title, book.lang, self.citation(book, None, path),
                             [("Home", urls.HOME), (book.title, path)], book,
                             None, first)
        ctx = RenderContext(path, book.source.name, self.edition.targets, ids=set(home.ids))
        source = (self.render_fragment([book.source_bibl], ctx)
                  if book.source_bibl is not None else Markup(""))
        page = BookPage(
            chrome, book.title, book.author, book.year, source, home.content,
            tuple(entry(d) for d in book.divisions),
            Link(f"{book.source.name} (TEI P5 XML)",
                 urls.relative(path, urls.tei_source(book.source.name))),
            Link(first.label, urls.relative(path, first.path)) if first else None,
            self.citations.downloads(book, path),
        )
        return self._page("book.html", page)

    def landing_page(self) -> RenderedPage:
        path = urls.HOME
        summaries = []
        ctx = RenderContext(path, "", self.edition.targets)
        project = (self.render_fragment(list(self.edition.books[0].project), ctx)
                   if self.edition.books else Markup(""))
        for book in self.edition.books:
            ctx.source = book.source.name
            principles = tuple(
                Principle(_PRINCIPLE_LABELS.get(etree.QName(part).localname,
                                                etree.QName(part).localname),
                          self.render_fragment([part] if etree.QName(part).localname == "p"
                                               else list(part), ctx))
                for part in book.editorial
            )
            summaries.append(BookSummary(
                book.title, book.author, book.year, urls.relative(path, book.home.path),
                self.render_fragment([book.source_bibl], ctx)
                if book.source_bibl is not None else Markup(""),
                self.render_fragment([p for a in book.availability for p in a], ctx),
                principles,
                Link(book.source.name, urls.relative(path, urls.tei_source(book.source.name))),
                sum(1 for d in book.divisions if d.kind == "chapter"),
            ))
        chrome = self.chrome(path, EDITION_TITLE, "en", self.citations.page_citation(path),
                             [("Home", path)])
        example = (self.citation(self.edition.books[0], self.edition.books[0].divisions[0],
                                 self.edition.books[0].divisions[0].path)
                   if self.edition.books and self.edition.books[0].divisions else "")
        index_links = tuple(Link(label, urls.relative(path, urls.register_list(kind)))
                            for kind, label in (("persons", "People"), ("places", "Places"),
                                                ("orgs", "Organisations")))
        # a book's own files (TEI, text, EPUB) first; the index of names is both books'
        files = [self.citations.downloads(book, path) for book in self.edition.books]
        downloads = tuple(BookDownloads(f"{book.author}, {book.title}", links[:3])
                          for book, links in zip(self.edition.books, files, strict=True))
        if files and files[0][3:]:
            downloads += (BookDownloads("the index of names", files[0][3:]),)
        reports = tuple(
            Link(label, urls.relative(path, target)) for label, target, shown in (
                ("Rothstein's printed index reconciled with the tagged names",
                 urls.INDEX_PRINTED_REPORT,  # the report exists only with Rothstein's book
                 any(book.key == "rothstein" for book in self.edition.books)),
                ("Coverage of the index of names", urls.INDEX_COVERAGE_REPORT, True))
            if shown)
        return self._page("landing.html", LandingPage(
            chrome, project, tuple(summaries), example, index_links,
            Link("Search both books", urls.relative(path, urls.SEARCH_PAGE)), downloads,
            Link("the DTS entry point", urls.relative(path, urls.DTS_ENTRY)), reports))

    def pages_page(self) -> RenderedPage:
        path = urls.PAGES
        lists = tuple(
            PageList(book.key, f"{book.author}, {book.title}", tuple(
                PageLink(n, urls.relative(path, target), urls.pages_anchor(book.key, n))
                for n, target in self.page_map.get(book.key, {}).items()))
            for book in self.edition.books
        )
        chrome = self.chrome(path, f"Printed pages — {EDITION_TITLE}", "en",
                             self.citations.page_citation(path, "Printed pages"),
                             [("Home", urls.HOME), ("Printed pages", path)])
        return self._page("pages.html", PagesPage(chrome, lists))

    def _page(self, template: str, page: object) -> RenderedPage:
        html = self.env.get_template(template).render(page=page)
        return RenderedPage(page.chrome.path, html.encode("utf-8"))  # type: ignore[attr-defined]

    # --- data files ---------------------------------------------------------------

    def page_map_script(self) -> bytes:
        """Go to page: where each printed page begins, and where each page the witness
        does not number is estimated to be, with how good the estimates are."""
        def dump(value: object) -> str:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

        return (f"/* Printed page -> where it begins, per book (site-root paths). */\n"
                f"window.EDITION_PAGEMAP = {dump(self.page_map)};\n"
                f"/* Unnumbered page -> its estimated place (a finding aid). */\n"
                f"window.EDITION_PAGEMAP_ESTIMATES = {dump(self.estimated_pages)};\n"
                f"window.EDITION_PAGEMAP_NOTE = {dump(ESTIMATE_NOTE)};\n").encode()

    def names_script(self) -> bytes:
        cards = {
            f"{entry.kind}/{entry.entry_id}": {"name": entry.name, "detail": entry.detail,
                                               "description": entry.description}
            for entry in self.edition.registers
        }
        payload = json.dumps(cards, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return (f"/* One-line cards of the index of names, for hover cards. */\n"
                f"window.EDITION_NAMES = {payload};\n").encode()

    # --- the whole reading edition --------------------------------------------------

    def reading_files(self) -> list[RenderedPage]:
        """Every page of the books, the home page, the printed pages' list, the search
        and moved-passage pages, and the page map: the reading edition."""
        rendered = self.render_books()
        self.build_page_map(rendered)
        pages: list[RenderedPage] = [self.landing_page(), self.pages_page()]
        pages += [RenderedPage(path, payload) for path, payload in self.citations.site_pages(self)]
        for book in self.edition.books:
            items = rendered[book.key]
            pages.append(self.book_page(book, items[0]))
            sequence = items[1:]
            for i, item in enumerate(sequence):
                previous = sequence[i - 1].division if i else book.home
                following = sequence[i + 1].division if i + 1 < len(sequence) else None
                pages.append(self.reading_page(book, item, previous, following))
        pages.append(RenderedPage(urls.PAGE_MAP_SCRIPT, self.page_map_script()))
        pages.append(RenderedPage(urls.NAMES_SCRIPT, self.names_script()))
        pages.append(RenderedPage(urls.CITE_DATA, self.citations.data_script()))
        return pages
