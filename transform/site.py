"""`edition build`: validate, collect, render and write the static reading edition.

Stages, each timed and reported through a `progress` callback (library code
never prints): validation (any error stops the build), collection (both books
and the registers into typed objects), rendering (one element table, HTML as
lxml elements), the page map and name cards, and writing. The site is written
into a sibling directory and swapped in only when complete, so a failed build
leaves the previous site untouched. Output is deterministic: the only thing
that differs between two builds of the same input is the build-date line,
which honours SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

import jinja2
from lxml import etree
from markupsafe import Markup

from transform import urls
from transform.books import BOOKS, TEI_DIR
from transform.diagnostics import Diagnostic, Report
from transform.writers.citing import SiteCitations
from transform.writers.collect import (
    REGISTER_FILES,
    BookEdition,
    Division,
    Edition,
    book_paths,
    collect_edition,
)
from transform.writers.engine import PageAnchor, RenderContext, Renderer
from transform.writers.index_pages import anchor_mentions, index_of_names
from transform.writers.pages import (
    BookChoice,
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

EDITION_TITLE = "The Russian Revolution from two camps: a critical digital edition"
SITE_MARKER = ".edition-site"
_PRINCIPLE_LABELS = {
    "p": "General", "correction": "Corrections", "normalization": "Normalisation",
    "quotation": "Quotation marks", "hyphenation": "Hyphenation",
    "segmentation": "Segmentation", "interpretation": "Interpretation",
    "punctuation": "Punctuation", "stdVals": "Standard values",
}

Progress = Callable[[str], None]


class BuildError(Exception):
    """The build stopped; `diagnostics` says where and why (the old site is untouched)."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass
class BuildResult:
    """What a build wrote and how long each stage took."""

    out: Path
    pages: int = 0
    files: int = 0
    bytes: int = 0
    html_bytes: int = 0
    pages_per_book: dict[str, int] = field(default_factory=dict)
    printed_pages: dict[str, int] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    validation_warnings: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        books = ", ".join(f"{k} {v}" for k, v in self.pages_per_book.items())
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in self.stages.items())
        return (f"wrote {self.out}: {self.pages} pages ({books}), {self.files} files, "
                f"{self.bytes / 1e6:.2f} MB ({self.html_bytes / 1e6:.2f} MB HTML); "
                f"{stages}; total {sum(self.stages.values()):.2f} s; "
                f"{len(self.diagnostics)} rendering warning(s), "
                f"{len(self.validation_warnings)} validation warning(s)")


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


def build_date() -> str:
    """The build date (UTC), from SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.datetime.now(dt.UTC).date().isoformat()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    except (ValueError, OverflowError) as error:
        raise BuildError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since "
                         "1970-01-01 UTC") from error


def edition_version() -> str:
    try:
        return metadata.version("edition")
    except metadata.PackageNotFoundError:
        return "unknown"


def template_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("transform", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _serialise(element: etree._Element) -> Markup:
    """The children of a rendered container as HTML (the container itself is left out)."""
    inner = (element.text or "") and Markup.escape(element.text or "")
    parts = [str(inner)] + [etree.tostring(child, method="html", encoding="unicode")
                            for child in element]
    return Markup("".join(parts))


class SiteWriter:
    """Turns a collected `Edition` into site pages (path → bytes)."""

    def __init__(self, edition: Edition, date: str, version: str) -> None:
        self.edition = edition
        self.date = date
        self.version = version
        self.renderer = Renderer()
        self.env = template_environment()
        self.diagnostics: list[Diagnostic] = []
        self.page_map: dict[str, dict[str, str]] = {}
        self.citations = SiteCitations(edition, EDITION_TITLE, version)  # issue 8

    # --- rendering ---------------------------------------------------------------

    def render_division(self, book: BookEdition, division: Division) -> RenderedDivision:
        ctx = RenderContext(division.path, book.source.name, self.edition.targets,
                            printed_pages=book.printed_pages)
        root = self.renderer.render_page(list(division.elements), ctx)
        self.citations.decorate(root, division)
        self.diagnostics.extend(ctx.diagnostics)
        return RenderedDivision(division, _serialise(root), tuple(ctx.page_anchors),
                                ctx.has_interventions, frozenset(ctx.ids))

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
            head_extra=self.citations.head(path),
        )

    def citation(self, book: BookEdition, division: Division | None, path: str) -> str:
        parts = [f"{book.author}, {book.title}"]
        if book.year:
            parts[0] += f" ({book.year})"
        if division is not None:
            parts.append(division.label)
            if division.pages:
                parts.append(division.pages)
        return (", ".join(parts) + f". In: {EDITION_TITLE}, version {self.version}, "
                f"{path}.")

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
        ), book.title, division.pages, item.content, item.has_interventions)
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
        chrome = self.chrome(path, EDITION_TITLE, "en",
                             f"{EDITION_TITLE}, version {self.version}, {path}.",
                             [("Home", path)])
        example = (self.citation(self.edition.books[0], self.edition.books[0].divisions[0],
                                 self.edition.books[0].divisions[0].path)
                   if self.edition.books and self.edition.books[0].divisions else "")
        index_links = tuple(Link(label, urls.relative(path, urls.register_list(kind)))
                            for kind, label in (("persons", "People"), ("places", "Places"),
                                                ("orgs", "Organisations")))
        return self._page("landing.html", LandingPage(chrome, project, tuple(summaries),
                                                     example, index_links))

    def pages_page(self) -> RenderedPage:
        path = urls.PAGES
        lists = tuple(
            PageList(book.key, f"{book.author}, {book.title}", tuple(
                PageLink(n, urls.relative(path, target), urls.pages_anchor(book.key, n))
                for n, target in self.page_map.get(book.key, {}).items()))
            for book in self.edition.books
        )
        chrome = self.chrome(path, f"Printed pages — {EDITION_TITLE}", "en",
                             f"{EDITION_TITLE}, version {self.version}, {path}.",
                             [("Home", urls.HOME), ("Printed pages", path)])
        return self._page("pages.html", PagesPage(chrome, lists))

    def _page(self, template: str, page: object) -> RenderedPage:
        html = self.env.get_template(template).render(page=page)
        return RenderedPage(page.chrome.path, html.encode("utf-8"))  # type: ignore[attr-defined]

    # --- data files ---------------------------------------------------------------

    def page_map_script(self) -> bytes:
        payload = json.dumps(self.page_map, ensure_ascii=False, separators=(",", ":"))
        return (f"/* Printed page -> where it begins, per book (site-root paths). */\n"
                f"window.EDITION_PAGEMAP = {payload};\n").encode()

    def names_script(self) -> bytes:
        cards = {
            f"{entry.kind}/{entry.entry_id}": {"name": entry.name, "detail": entry.detail,
                                               "description": entry.description}
            for entry in self.edition.registers
        }
        payload = json.dumps(cards, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return (f"/* One-line cards of the index of names, for hover cards. */\n"
                f"window.EDITION_NAMES = {payload};\n").encode()


# ------------------------------------------------------------------------- build


def _validate(paths: list[Path]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    from transform.validate import validate_paths

    report: Report = validate_paths(paths)
    return list(report.errors), [d for d in report.diagnostics if d.level != "error"]


def _static_files() -> list[tuple[str, bytes]]:
    static = resources.files("transform") / "static"
    return sorted((f"static/{item.name}", item.read_bytes()) for item in static.iterdir()
                  if item.is_file() and not item.name.startswith("."))


def _swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` (both in the same directory, so renames are atomic)."""
    if out.exists():
        if not out.is_dir() or (any(out.iterdir()) and not (out / SITE_MARKER).exists()):
            raise BuildError(f"{out} exists and is not a site built by `edition build`; "
                             "refusing to replace it (choose another --out)")
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old)
    else:
        staging.rename(out)


def build_site(out: Path, tei_dir: Path = TEI_DIR, progress: Progress | None = None,
               validate: bool = True) -> BuildResult:
    """Build the reading edition of the TEI in `tei_dir` into `out`, atomically."""
    say = progress or (lambda message: None)
    out = out.resolve()
    date = build_date()
    result = BuildResult(out)
    started = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        result.stages[name] = now - started
        started = now

    books = book_paths(tei_dir)
    if not books:
        expected = ", ".join(book.tei.name for book in BOOKS.values())
        raise BuildError(f"no book TEI in {tei_dir} (expected {expected})")
    inputs = [path for _, path in books] + [
        tei_dir / name for name in REGISTER_FILES.values() if (tei_dir / name).exists()]
    if validate:
        say(f"validating {len(inputs)} TEI files")
        errors, warnings = _validate(inputs)
        result.validation_warnings.extend(warnings)
        stage("validation")
        if errors:
            raise BuildError(f"validation found {len(errors)} error(s); nothing was written",
                             errors)

    say("collecting books and registers")
    edition = collect_edition(tei_dir)
    stage("collection")

    say("rendering " + ", ".join(f"{b.key} ({len(b.divisions)} divisions)"
                                 for b in edition.books))
    writer = SiteWriter(edition, date, edition_version())
    anchor_mentions(edition)  # each name link gets an id: the index's locators land on it
    rendered = writer.render_books()
    stage("rendering")

    say("page map and name cards")
    writer.build_page_map(rendered)
    files: list[tuple[str, bytes]] = [
        (urls.PAGE_MAP_SCRIPT, writer.page_map_script()),
        (urls.NAMES_SCRIPT, writer.names_script()),
    ]
    index_html, index_data = index_of_names(writer, edition)
    files += index_data
    files += writer.citations.files()
    stage("index")

    say("writing pages")
    pages: list[RenderedPage] = [writer.landing_page(), writer.pages_page()]
    pages += [RenderedPage(p, b) for p, b in writer.citations.site_pages(writer)]  # issue 8
    pages += [RenderedPage(path, payload) for path, payload in index_html]
    for book in edition.books:
        items = rendered[book.key]
        pages.append(writer.book_page(book, items[0]))
        sequence = items[1:]
        for i, item in enumerate(sequence):
            previous = sequence[i - 1].division if i else book.home
            following = sequence[i + 1].division if i + 1 < len(sequence) else None
            pages.append(writer.reading_page(book, item, previous, following))
        result.pages_per_book[book.key] = len(items)
        result.printed_pages[book.key] = len(writer.page_map.get(book.key, {}))
    files += [(page.path, page.payload) for page in pages]
    files += _static_files()
    files += [(urls.tei_source(path.name), path.read_bytes())
              for path in [b.source for b in edition.books] + list(edition.register_files)]
    files.append((SITE_MARKER, (b"This directory was written by `edition build`; "
                                b"the next build replaces it whole.\n")))

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        staging.chmod(0o755)
        for relative_path, payload in sorted(files):
            target = staging / relative_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload)
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    stage("writing")

    result.pages = len(pages)
    result.files = len(files)
    result.bytes = sum(len(payload) for _, payload in files)
    result.html_bytes = sum(len(page.payload) for page in pages)
    result.diagnostics.extend(writer.diagnostics)
    say(result.summary())
    return result

