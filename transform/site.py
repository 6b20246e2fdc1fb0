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

import gc
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import ClassVar

import jinja2
from lxml import etree
from markupsafe import Markup

from transform import urls
from transform.diagnostics import Diagnostic, Report
from transform.edition import BOOKS, EDITION_TITLE, TEI_DIR, build_date, edition_version
from transform.names_index.model import NamesIndex
from transform.sitefiles import Manifest, SiteFiles
from transform.writers.citing import CITE_DATA, SiteCitations
from transform.writers.collect import (
    REGISTER_FILES,
    BookEdition,
    Division,
    Edition,
    book_paths,
    collect_edition,
)
from transform.writers.engine import PageAnchor, RenderContext, Renderer
from transform.writers.index_pages import (
    anchor_mentions,
    collect_from_edition,
    index_exports,
    index_pages,
    index_reports,
)
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
    writing: dict[str, float] = field(default_factory=dict)  # per job, part of its stage
    reused: int = 0
    wall: float = 0.0
    # when each job ran, in seconds from the build's start (the processes share a clock)
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    validation_warnings: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        books = ", ".join(f"{k} {v}" for k, v in self.pages_per_book.items())
        stages = ", ".join(
            f"{k} {v:.2f} s" + (f" (writing {self.writing[k]:.2f} s)" if k in self.writing
                                else "")
            for k, v in self.stages.items() if k not in ("start", "jobs"))
        return (f"wrote {self.out}: {self.pages} pages ({books}), {self.files} files, "
                f"{self.bytes / 1e6:.2f} MB ({self.html_bytes / 1e6:.2f} MB HTML), "
                f"{self.reused} unchanged file(s) kept from the previous build; "
                f"{stages}; total {self.wall:.2f} s; "
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


def template_environment() -> jinja2.Environment:
    from transform.buildcache import template_cache

    return jinja2.Environment(
        loader=jinja2.PackageLoader("transform", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=template_cache(),
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
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old)
    else:
        staging.rename(out)


def _check_replaceable(out: Path) -> None:
    """Refuse, before any work, to replace a directory `edition build` did not write."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / SITE_MARKER).exists())):
        raise BuildError(f"{out} exists and is not a site built by `edition build`; "
                         "refusing to replace it (choose another --out)")


@dataclass
class JobOutput:
    """What one build job made: site files, and what the summary needs to know."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    pages: int = 0
    html_bytes: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages_per_book: dict[str, int] = field(default_factory=dict)
    printed_pages: dict[str, int] = field(default_factory=dict)

    def add_pages(self, pages: list[RenderedPage]) -> None:
        self.files += [(page.path, page.payload) for page in pages]
        self.pages += len(pages)
        self.html_bytes += sum(len(page.payload) for page in pages)


@dataclass
class JobReport:
    """A finished job as the parent process sees it (no payloads: they are on disk)."""

    name: str
    seconds: float  # the whole job, writing included
    writing: float  # of which writing its files (or linking the unchanged ones)
    files: int
    bytes: int
    reused: int
    output: JobOutput
    made: Manifest  # the files it wrote or linked, for the next build's manifest
    started: float = 0.0  # time.perf_counter() (monotonic, the same in every process)


class SiteJobs:
    """The build's jobs. Each makes a disjoint set of files from the collected
    edition and writes them itself; the jobs share nothing but what the parent
    prepared before them, so they run side by side in forked processes (or one
    after the other in this one)."""

    # longest first when nothing is cached (each worker takes the next job when it is
    # free; search, DTS and downloads take a few hundredths of a second when their
    # inputs are unchanged); the index of names' pages are three jobs, one per kind of
    # name, so that the workers finish together
    ORDER = ("search", "reading", "downloads", "dts", "index-persons", "index",
             "index-places", "index-orgs", "sources")
    LABELS: ClassVar[dict[str, str]] = {
        "index-persons": "index of names: persons", "index-places": "index of names: places",
        "index-orgs": "index of names: organisations",
        "index": "index of names: reports and data",
        "search": "search index", "downloads": "downloads (text, EPUB)",
        "reading": "rendering the reading pages", "dts": "DTS and citation data",
        "sources": "TEI sources and static files"}

    def __init__(self, edition: Edition, writer: SiteWriter, inputs: list[Path],
                 sink: SiteFiles) -> None:
        self.edition = edition
        self.writer = writer
        self.inputs = inputs
        self.sink = sink
        self._names: NamesIndex | None = None
        self.names_seconds = 0.0

    @property
    def names(self) -> NamesIndex:
        """The index of names, collected once (before the fork: the jobs share it)."""
        if self._names is None:
            self._names = collect_from_edition(self.edition)
        return self._names

    def run(self, name: str) -> JobReport:
        started = time.perf_counter()
        seen = len(self.writer.diagnostics)
        self.sink.start_job()  # this job's own record (the sink is shared when serial)
        output: JobOutput = getattr(self, f"job_{name.replace('-', '_')}")()
        output.diagnostics = self.writer.diagnostics[seen:]  # this job's (the writer is shared)
        made = time.perf_counter()
        self.sink.write(output.files)
        count, size, reused = self.sink.totals
        output.files = []
        done = time.perf_counter()
        return JobReport(name, done - started, done - made, count, size, reused, output,
                         self.sink.made, started)

    def job_reading(self) -> JobOutput:
        writer, output = self.writer, JobOutput()
        rendered = writer.render_books()
        writer.build_page_map(rendered)
        pages: list[RenderedPage] = [writer.landing_page(), writer.pages_page()]
        pages += [RenderedPage(p, b) for p, b in writer.citations.site_pages(writer)]
        for book in self.edition.books:
            items = rendered[book.key]
            pages.append(writer.book_page(book, items[0]))
            sequence = items[1:]
            for i, item in enumerate(sequence):
                previous = sequence[i - 1].division if i else book.home
                following = sequence[i + 1].division if i + 1 < len(sequence) else None
                pages.append(writer.reading_page(book, item, previous, following))
            output.pages_per_book[book.key] = len(items)
            output.printed_pages[book.key] = len(writer.page_map.get(book.key, {}))
        output.add_pages(pages)
        output.files.append((urls.PAGE_MAP_SCRIPT, writer.page_map_script()))
        return output

    def _index_kind(self, kind: str) -> JobOutput:
        """One kind's list and entry pages of the index of names."""
        output = JobOutput()
        output.add_pages([RenderedPage(path, payload) for path, payload
                          in index_pages(self.writer, self.edition, self.names, (kind,))])
        return output

    def job_index_persons(self) -> JobOutput:
        return self._index_kind("persons")

    def job_index_places(self) -> JobOutput:
        return self._index_kind("places")

    def job_index_orgs(self) -> JobOutput:
        return self._index_kind("orgs")

    def job_index(self) -> JobOutput:
        """The index of names' editors' reports, name cards and data files."""
        names = self.names
        output = JobOutput()
        output.add_pages([RenderedPage(path, payload) for path, payload
                          in index_reports(self.writer, self.edition, names)])
        output.files += self._cached("index-data", lambda: index_exports(self.edition, names))
        output.files.append((urls.NAMES_SCRIPT, self.writer.names_script()))
        return output

    def _cached(self, job: str, make: Callable[[], list[tuple[str, bytes]]],
                inputs: list[Path] | None = None) -> list[tuple[str, bytes]]:
        """`make()`, or what it made before from the same TEI (`inputs`, default all),
        code and parameters: the previous site's files when that build made them from
        the same (linked, nothing to write), else the build cache's, else made now."""
        from transform import buildcache

        info = self.writer.citations.info
        ids = sorted((self.inputs[0].parent / "ids").glob("*")) if self.inputs else []
        key = buildcache.key_of(job, [*(self.inputs if inputs is None else inputs), *ids], (
            info.title, info.version, info.date, os.environ.get("EDITION_BASE_URL", "")))
        if self.sink.keep(job, key):
            return []
        files, _ = buildcache.cached(job, key, make)
        self.sink.made_by(job, key, files)
        return files

    def _per_book(self, job: str, make: Callable[[BookEdition], list[tuple[str, bytes]]]
                  ) -> list[tuple[str, bytes]]:
        """`make(book)` for each book, cached per book (`{job}-{key}`): keyed by that
        book's TEI and the registers only, so an edit to one book leaves the other's
        files as they were."""
        registers = list(self.edition.register_files)
        files: list[tuple[str, bytes]] = []
        for book in self.edition.books:
            files += self._cached(f"{job}-{book.key}", lambda book=book: make(book),
                                  [book.source, *registers])
        return files

    def job_dts(self) -> JobOutput:
        """The DTS responses, made (and cached) per book, and the edition's (which name
        both books): an edit to one book makes that book's again, not both."""
        citations = self.writer.citations
        return JobOutput(files=[
            (CITE_DATA, citations.data_script()),
            *self._cached("dts", lambda: citations.dts_files("edition")),
            *self._per_book("dts", lambda book: citations.dts_files(book.key))])

    def job_downloads(self) -> JobOutput:
        """Each book's text and EPUB, cached per book: an edit to one book leaves the
        other's downloads as they were (they depend on it and the registers only)."""
        from transform.writers.downloads import book_downloads

        info = self.writer.citations.info
        return JobOutput(files=self._per_book("downloads", lambda book: book_downloads(
            self.edition, book, info.title, info.version, info.date)))

    def job_search(self) -> JobOutput:
        """Each book's search index, made (and cached) per book: an edit to one book
        indexes that book again, not both."""
        from transform.writers.search import bundle_of, search_files, search_records

        citer = self.writer.citations.citer
        return JobOutput(files=self._per_book("search", lambda book: search_files(
            search_records(self.edition, citer, (book.key,)), bundle_of(book.key))))

    def job_sources(self) -> JobOutput:
        files = _static_files()
        files += [(urls.tei_source(path.name), path.read_bytes())
                  for path in [b.source for b in self.edition.books]
                  + list(self.edition.register_files)]
        files.append((SITE_MARKER, (b"This directory was written by `edition build`; "
                                    b"the next build replaces it whole.\n")))
        return JobOutput(files=files)


_JOBS: SiteJobs | None = None  # what forked workers inherit (set before the fork)


def _run_forked(name: str) -> JobReport:
    assert _JOBS is not None, "the build's jobs were not prepared before the fork"
    return _JOBS.run(name)


def default_jobs() -> int:
    """Worker processes for a build: one per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _forking(workers: int) -> bool:
    import multiprocessing

    return workers > 1 and "fork" in multiprocessing.get_all_start_methods()


def _run_jobs(jobs: SiteJobs, names: list[str], workers: int, say: Progress
              ) -> dict[str, JobReport]:
    """Run the named jobs, in forked workers when there are several and fork exists."""
    import multiprocessing

    if not _forking(workers):
        reports = {}
        for name in names:
            say(f"  {SiteJobs.LABELS[name]}")
            reports[name] = jobs.run(name)
        return reports
    assert _JOBS is jobs, "the jobs are set for the workers before they fork"
    gc.freeze()  # what the workers inherit stays shared: no collector writes to it
    with multiprocessing.get_context("fork").Pool(min(workers, len(names))) as pool:
        pending = {name: pool.apply_async(_run_forked, (name,)) for name in names}
        say("  " + ", ".join(SiteJobs.LABELS[name] for name in names)
            + f" ({min(workers, len(names))} processes)")
        return {name: result.get() for name, result in pending.items()}


@dataclass
class ValidationReport:
    errors: list[Diagnostic]
    warnings: list[Diagnostic]
    seconds: float
    started: float = 0.0


def _validate_timed(paths: list[Path]) -> ValidationReport:
    started = time.perf_counter()
    errors, warnings = _validate(paths)
    return ValidationReport(errors, warnings, time.perf_counter() - started, started)


class _Forked:
    """A function run in a forked process of its own: a plain process and a pipe,
    so no threads exist in this one and the forks that follow stay safe.
    `result()` waits for what the function returned, or raises what it raised."""

    def __init__(self, name: str, target: Callable[..., object], *args: object) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        self._process: object | None = context.Process(
            target=_call_into, args=(target, args, sender), name=name, daemon=True)
        self._process.start()  # type: ignore[attr-defined]
        sender.close()
        self._pipe: object | None = receiver

    def result(self, died: str) -> object:
        """The function's return value; `died` is the BuildError's message if the
        process ended without one."""
        assert self._pipe is not None, "result() was asked for twice"
        try:
            outcome = self._pipe.recv()  # type: ignore[attr-defined]
        except EOFError:
            raise BuildError(died) from None
        finally:
            self.close()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self) -> None:
        if self._pipe is not None:
            self._pipe.close()  # type: ignore[attr-defined]
            self._pipe = None
        if self._process is not None:
            if self._process.is_alive():  # type: ignore[attr-defined]
                self._process.terminate()  # type: ignore[attr-defined]
            self._process.join()  # type: ignore[attr-defined]
            self._process = None


def _call_into(target: Callable[..., object], args: tuple[object, ...],
               sender: object) -> None:
    """A forked process's work: what `target` returned (or what stopped it) into the pipe."""
    try:
        outcome: object = target(*args)
    except Exception as error:  # noqa: BLE001 the parent raises it
        outcome = error
    sender.send(outcome)  # type: ignore[attr-defined]
    sender.close()  # type: ignore[attr-defined]


class Validation:
    """Validation of the inputs, begun before anything else is read.

    With several workers it runs in a forked process of its own (`_Forked`),
    beside the collection and the jobs; `report()` waits for it. The build
    writes nothing where anyone can see it until `report()` found no error.
    """

    def __init__(self, inputs: list[Path], workers: int) -> None:
        self._forked: _Forked | None = None
        self._report: ValidationReport | None = None
        if not _forking(workers):
            self._report = _validate_timed(inputs)
            return
        self._forked = _Forked("edition-validation", _validate_timed, inputs)

    def report(self) -> ValidationReport:
        if self._report is None:
            assert self._forked is not None
            found = self._forked.result("validation stopped without a report (its process "
                                        "died); run `edition validate` to see why")
            assert isinstance(found, ValidationReport)
            self._report = found
        return self._report

    def close(self) -> None:
        if self._forked is not None:
            self._forked.close()

    def stop_on_errors(self) -> ValidationReport:
        found = self.report()
        if found.errors:
            raise BuildError(f"validation found {len(found.errors)} error(s); nothing was "
                             "written", found.errors)
        return found


def build_site(out: Path, tei_dir: Path = TEI_DIR, progress: Progress | None = None,
               validate: bool = True, workers: int | None = None) -> BuildResult:
    """Build the reading edition of the TEI in `tei_dir` into `out`, atomically.

    Validation starts first, in a forked process of its own; beside it the books
    and registers are collected and the index of names with them. Then the jobs
    of `SiteJobs` (search, reading pages, downloads, DTS, the index's pages per
    kind of name, its reports and data, sources) run side by side in `workers`
    forked processes (default: one per CPU), each writing its own files into a
    staging directory beside `out` (`transform.sitefiles`: unchanged files are
    linked from the previous site); `out` is replaced only when every job has
    finished and validation found no error.

    Python's cyclic garbage collector is paused for the build: a build makes
    millions of short-lived objects and no cycles worth collecting, and the
    collector's walks over the parsed books cost a third of the index's time
    (and, in forked workers, would copy every inherited page).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_site(out, tei_dir, progress, validate, workers)
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


def _run_all(jobs: SiteJobs, names: list[str], workers: int, say: Progress
             ) -> dict[str, JobReport]:
    """The index of names (collected once, here: the workers that fork after it share
    it), then every job.

    (Starting the reading pages, which need no index, in a process of their own
    before the collection was tried: on two cores, already busy with the
    collection and validation, it made no-change rebuilds slower, not faster.)
    """
    global _JOBS
    say("collecting the index of names")
    started = time.perf_counter()
    jobs.names  # noqa: B018 (collected here, once, for every index job)
    jobs.names_seconds = time.perf_counter() - started
    say("rendering and writing the site")
    _JOBS = jobs
    try:
        return _run_jobs(jobs, names, workers, say)
    finally:
        _JOBS = None


def _build_site(out: Path, tei_dir: Path, progress: Progress | None, validate: bool,
                workers: int | None) -> BuildResult:
    say = progress or (lambda message: None)
    out = out.resolve()
    try:
        date = build_date()
    except ValueError as error:
        raise BuildError(str(error)) from error
    result = BuildResult(out)
    began = started = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        result.stages[name] = now - started
        started = now

    books = book_paths(tei_dir)
    if not books:
        expected = ", ".join(book.tei.name for book in BOOKS.values())
        raise BuildError(f"no book TEI in {tei_dir} (expected {expected})")
    _check_replaceable(out)
    inputs = [path for _, path in books] + [
        tei_dir / name for name in REGISTER_FILES.values() if (tei_dir / name).exists()]
    workers = workers or default_jobs()
    validation: Validation | None = None
    try:
        if validate:
            say(f"validating {len(inputs)} TEI files"
                + (" (beside the other work)" if _forking(workers) else ""))
            validation = Validation(inputs, workers)
            if not _forking(workers):
                validation.stop_on_errors()  # done already: stop before any other work
        stage("start")
        say("collecting books and registers")
        try:
            edition = collect_edition(tei_dir)
        except Exception:
            # a book that cannot be read is reported by validation, which locates the fault
            if validation is not None:
                validation.stop_on_errors()
            raise
        writer = SiteWriter(edition, date, edition_version())
        anchor_mentions(edition)  # each name link gets an id: the index's locators land on it
        stage("collection")

        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
        try:
            staging.chmod(0o755)
            previous = out if (out / SITE_MARKER).is_file() else None
            manifest = Manifest.load(out) if previous else Manifest()
            jobs = SiteJobs(edition, writer, inputs, SiteFiles(staging, previous, manifest))
            names = list(SiteJobs.ORDER)
            try:
                reports = _run_all(jobs, names, workers, say)
            except Exception:
                if validation is not None:  # the fault is the input's: say where it is
                    validation.stop_on_errors()
                raise
            if validation is not None:
                found = validation.stop_on_errors()
                result.validation_warnings.extend(found.warnings)
                result.stages["validation"] = found.seconds
                result.spans["validation"] = (found.started - began,
                                              found.started - began + found.seconds)
            _swap_in(staging, out)
            made = Manifest()
            for report in reports.values():
                made.files.update(report.made.files)
                made.jobs.update(report.made.jobs)
            made.save(out)  # renaming the directory kept every inode and time
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        if validation is not None:
            validation.close()
    stage("jobs")
    result.stages["names"] = jobs.names_seconds

    for name in names:
        report = reports[name]
        result.stages[name] = report.seconds
        result.spans[name] = (report.started - began, report.started - began + report.seconds)
        result.writing[name] = report.writing
        result.files += report.files
        result.bytes += report.bytes
        result.reused += report.reused
        result.pages += report.output.pages
        result.html_bytes += report.output.html_bytes
        result.pages_per_book.update(report.output.pages_per_book)
        result.printed_pages.update(report.output.printed_pages)
        result.diagnostics.extend(report.output.diagnostics)
    result.wall = time.perf_counter() - began
    say(result.summary())
    return result
