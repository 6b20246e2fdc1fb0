"""`edition build`: a plain full rebuild of the static site, swapped in whole.

One build reads top to bottom:

1. validate every TEI input (any error stops the build; nothing is written);
2. collect the edition once (`collect_edition`): both books, the registers,
   where every id lives, each mention's id; then the index of names from it;
3. start the search index: Pagefind runs as a process of its own while this
   one renders (`start_search`);
4. render every page and data file and write each into a fresh staging
   directory beside `--out` (`SiteDirectory`, which checks every path);
5. swap the staging directory in for the old site.

The only thing kept between builds is the memo of the slow third-party steps
(`transform.memo`: Pagefind, citeproc's templates, the EPUBs); the output is
the same bytes whether the memo is warm, cold or off.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from transform import urls
from transform.diagnostics import Diagnostic
from transform.edition import (
    BOOKS,
    REGISTER_FILES,
    TEI_DIR,
    base_url,
    build_date,
    edition_version,
)
from transform.events import EVENTS_FILE
from transform.inputs import InputError
from transform.sitedir import SITE_MARKER, SiteDirectory, SiteDirectoryError
from transform.writers.collect import book_paths, collect_edition, collect_names
from transform.writers.downloads import book_downloads
from transform.writers.events import EventPages
from transform.writers.index_pages import (
    index_exports,
    index_pages,
    index_reports,
)
from transform.writers.reading import SiteWriter
from transform.writers.search import PagefindError, start_search

__all__ = ["SITE_MARKER", "BuildError", "BuildResult", "build_site"]

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
    pages_per_book: dict[str, int] = field(default_factory=dict)
    printed_pages: dict[str, int] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    validation_warnings: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        books = ", ".join(f"{k} {v}" for k, v in self.pages_per_book.items())
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in self.stages.items())
        return (f"wrote {self.out}: {self.pages} pages ({books}), {self.files} files, "
                f"{self.bytes / 1e6:.2f} MB; {stages}; total {self.wall:.2f} s; "
                f"{len(self.diagnostics)} rendering warning(s), "
                f"{len(self.validation_warnings)} validation warning(s)")


def _static_files() -> list[tuple[str, bytes]]:
    static = resources.files("transform") / "static"
    return sorted((urls.static_file(item.name), item.read_bytes()) for item in static.iterdir()
                  if item.is_file() and not item.name.startswith("."))


def build_site(out: Path, tei_dir: Path = TEI_DIR, progress: Progress | None = None,
               validate: bool = True) -> BuildResult:
    """Build the reading edition of the TEI in `tei_dir` into `out`, whole.

    `out` must be missing, empty, or a site this command built (it holds the
    marker file); anything else is refused before any work. A build that fails
    leaves the previous site as it was.
    """
    say = progress or (lambda message: None)
    result = BuildResult(out.resolve())
    began = clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.stages[name] = result.stages.get(name, 0.0) + now - clock
        clock = now

    try:
        date = build_date()
        base_url()  # refuses a base URL that is not an http(s) address, before any work
        site = SiteDirectory(result.out)
    except (ValueError, SiteDirectoryError) as error:
        raise BuildError(str(error)) from error
    books = book_paths(tei_dir)
    if not books:
        expected = ", ".join(book.tei.name for book in BOOKS.values())
        raise BuildError(f"no book TEI in {tei_dir} (expected {expected})")
    inputs = [path for _, path in books] + [
        tei_dir / name for name in (*REGISTER_FILES.values(), EVENTS_FILE)
        if (tei_dir / name).exists()]

    if validate:
        from transform.validate import validate_paths

        say(f"validating {len(inputs)} TEI files")
        report = validate_paths(inputs)
        if report.errors:
            raise BuildError(f"validation found {len(report.errors)} error(s); nothing was "
                             "written", list(report.errors))
        result.validation_warnings = [d for d in report.diagnostics if d.level != "error"]
        stage("validation")

    say("collecting the books, the registers and the index of names")
    try:
        edition = collect_edition(tei_dir)
        names = collect_names(edition)
        writer = SiteWriter(edition, date, edition_version(), names=names)
    except InputError as error:  # unvalidated input that cannot be read (`validate=False`)
        raise BuildError(str(error), [error.diagnostic]) from error
    stage("collection")

    say("indexing for search (Pagefind, beside the rendering)")
    search = start_search(edition, writer.citations.citer)
    stage("search records")

    pages: list[str] = []  # the site's pages, for the sitemap (not the id/ short URLs)
    try:
        with site.staging() as staging:
            def write(name: str, files: Iterable[tuple[str, bytes]]) -> None:
                for path, payload in files:
                    staging.write(path, payload)
                    if path.endswith(".html") and not path.startswith("id/"):
                        pages.append(path)
                stage(name)

            say("rendering the reading pages")
            reading = writer.reading_files()
            result.pages += sum(1 for page in reading if page.path.endswith(".html"))
            write("reading pages", ((page.path, page.payload) for page in reading))
            say("rendering the index of names")
            index = index_pages(writer, edition, names) + index_reports(writer, edition, names)
            result.pages += len(index)
            write("index of names", index)
            write("index data", index_exports(edition, names))
            say("rendering the chronology and the events")
            events = EventPages(writer, edition).files()
            result.pages += sum(1 for path, _ in events if path.endswith(".html"))
            write("events", events)
            say("writing DTS and the downloads")
            write("dts", writer.citations.dts_files())
            info = writer.citations.info
            for book in edition.books:
                write("downloads", book_downloads(edition, book, info.title, info.version,
                                                  info.date))
            write("sources", [*_static_files(), *(
                (urls.tei_source(path.name), path.read_bytes())
                for path in [book.source for book in edition.books]
                + list(edition.register_files)
                + ([edition.events_file] if edition.events_file else []))])
            write("sitemap", writer.citations.sitemap(pages))
            say("waiting for the search index")
            write("search index", search.result())
            result.diagnostics = writer.diagnostics
            site.swap_in(staging)
    except (SiteDirectoryError, PagefindError) as error:
        raise BuildError(str(error)) from error
    stage("last writes and swap")

    result.files, result.bytes = staging.count, staging.size
    for book in edition.books:
        result.pages_per_book[book.key] = 1 + len(book.divisions)
        result.printed_pages[book.key] = len(writer.page_map.get(book.key, {}))
    result.wall = time.perf_counter() - began
    say(result.summary())
    return result
