"""`edition serve`: a live preview of the edition while its TEI is edited.

The site is built once, whole (`build_site`), and served on 127.0.0.1. A
watcher polls the TEI and schema folders; on each save `Preview.refresh`
validates every input again and, beside it, collects the edition and renders
the reading edition (the books' pages, home page, printed pages, the page map,
the cards and citation data, the TEI sources) in memory. These pages overlay the
built site. A division whose TEI is unchanged keeps its rendering from the previous
re-render, unless something it shows from elsewhere changed (`rendering_context`:
ids and pages, tagged names' ids, labels, headers, passages' pages, registers); then
every division is rendered anew. Search, the index of names, DTS and the downloads
stay as the build made them: only `edition build` makes them anew.

While a save does not validate, the last good pages stay served and every page
shows the errors in a banner, one `file:line:col: message` each.

Each HTML page served here (never the built site) carries a small script,
`templates/serve-live.js`, that long-polls `/_edition/changes` and reloads the
page when its own bytes or the list of errors have changed since it was served.

Only files inside the site are served: a request whose path climbs out (`..`,
also percent-encoded) or leads through a link out of the site is refused, and so
is one whose Host is not this server (a page of another origin that made a
browser ask for this one under its own name).
"""

from __future__ import annotations

import json
import mimetypes
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
from lxml import etree
from markupsafe import Markup

from transform import urls
from transform.diagnostics import Diagnostic
from transform.edition import REGISTER_FILES, SCHEMA_DIR, TEI_NS, build_date, edition_version
from transform.site import SITE_MARKER, BuildError, build_site
from transform.validate import edition_grammar, edition_rules, validate_paths
from transform.writers.collect import BookEdition, Division, Edition, book_paths, collect_edition
from transform.writers.reading import RenderedDivision, SiteWriter, template_environment

Progress = Callable[[str], None]

HOST = "127.0.0.1"
POLL_SECONDS = 0.1  # a look at some fifteen files costs under a millisecond
WAIT_SECONDS = 20.0  # a long-poll answers "no change" after this, and the page asks again
CHANGES = "/_edition/changes"
LIVE_SCRIPT = "/_edition/serve-live.js"
BANNER_ID = "edition-serve-errors"


@dataclass(frozen=True)
class Refresh:
    """What one re-render changed: the site paths whose bytes differ, the errors now shown."""

    changed: tuple[str, ...]
    errors: tuple[str, ...]
    seconds: float

    def summary(self) -> str:
        if self.errors:
            return (f"{len(self.errors)} error(s); the last good pages stay served "
                    f"({self.seconds:.2f} s):\n" + "\n".join(self.errors))
        return f"re-rendered: {len(self.changed)} file(s) changed ({self.seconds:.2f} s)"


@dataclass(frozen=True)
class Served:
    """One answer of the preview: status, body and its media type."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"


def error_line(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col}: {diagnostic.message}"


def site_path(url_path: str) -> str | None:
    """The site path a URL path names (`/` is `index.html`), or None when it would leave
    the site: a `..` or `.` part, decoded or not, a backslash or a NUL."""
    decoded = unquote(url_path, errors="strict")
    if "\\" in decoded or "\0" in decoded or not decoded.startswith("/"):
        return None
    parts = decoded[1:].split("/")
    if any(part in (".", "..") for part in parts):
        return None
    if parts[-1] == "":
        parts[-1] = "index.html"
    if any(part == "" for part in parts):
        return None
    return "/".join(parts)


def edition_files(folder: Path) -> list[Path]:
    """The files under `folder`, sorted, without editors' hidden and backup files
    (`.name.swp`, `name~`): an editor writes those while typing, and they are no input."""
    return sorted(path for path in folder.rglob("*") if path.is_file()
                  and not path.name.startswith(".") and not path.name.endswith("~"))


def rendering_context(edition: Edition, writer: SiteWriter, tei_dir: Path) -> tuple:
    """What a division's rendering may take from outside its own TEI: where every id
    lives, the tagged names' ids, each book's header, printed pages and divisions'
    labels and pages, every passage's pages (its citation), and the files beside the
    books (registers, renamed ids)."""
    header = f"{{{TEI_NS}}}teiHeader"
    return (
        dict(edition.targets),
        list(edition.mention_ids.values()),
        [(book.key, etree.tostring(book.tree.getroot().find(header)),
          dict(book.printed_pages),
          [replace(division, elements=()) for division in (book.home, *book.divisions)],
          list(writer.citations.citer.passages(book.key)))
         for book in edition.books],
        {path: path.read_bytes() for path in edition_files(tei_dir)
         if path not in {book.source for book in edition.books}},
    )


class _PreviewWriter(SiteWriter):
    """The site's writer, taking a division's rendering from `earlier` when its TEI is
    the same (the caller empties `earlier` when anything else it shows has changed)."""

    def __init__(self, edition: Edition, date: str, version: str,
                 env: jinja2.Environment) -> None:
        super().__init__(edition, date, version, env)
        self.earlier: dict[tuple[str, bytes], RenderedDivision] = {}
        self.rendered: dict[tuple[str, bytes], RenderedDivision] = {}

    def render_division(self, book: BookEdition, division: Division) -> RenderedDivision:
        key = (division.path, b"".join(etree.tostring(e) for e in division.elements))
        kept = self.earlier.get(key)
        item = (replace(kept, division=division) if kept is not None
                else super().render_division(book, division))
        self.rendered[key] = item
        return item


def _live_script() -> bytes:
    return (resources.files("transform") / "templates" / "serve-live.js").read_bytes()


class Preview:
    """The site as served: the built site on disk, overlaid by the reading pages
    rendered in memory at the last save that validated."""

    def __init__(self, site: Path, tei_dir: Path) -> None:
        self.site = site.resolve()
        self.tei_dir = tei_dir
        self.errors: tuple[str, ...] = ()
        self.generation = 0
        self._date = build_date()
        self._version = edition_version()
        self._env = template_environment()
        self._pages: dict[str, bytes] = {}
        self._context: tuple | None = None
        self._divisions: dict[tuple[str, bytes], RenderedDivision] = {}
        self._removed: set[str] = set()
        self._changed_at: dict[str, int] = {}
        self._errors_at = 0
        self._closed = False
        self._state = threading.Condition()

    # --- re-rendering ---------------------------------------------------------------

    def _inputs(self) -> list[Path]:
        return [path for _, path in book_paths(self.tei_dir)] + [
            self.tei_dir / name for name in REGISTER_FILES.values()
            if (self.tei_dir / name).exists()]

    def _render(self) -> dict[str, bytes]:
        edition = collect_edition(self.tei_dir)
        # the templates, compiled once: they do not change while serving
        writer = _PreviewWriter(edition, self._date, self._version, self._env)
        context = rendering_context(edition, writer, self.tei_dir)
        if context == self._context:
            writer.earlier = self._divisions
        pages = {page.path: page.payload for page in writer.reading_files()}
        self._context, self._divisions = context, writer.rendered
        for source in [book.source for book in edition.books] + list(edition.register_files):
            pages[urls.tei_source(source.name)] = source.read_bytes()
        return pages

    def refresh(self, schema_changed: bool = False) -> Refresh:
        """Validate every input and, beside it, render the reading edition; publish the
        pages if the inputs validate, else the errors (the last good pages stay)."""
        began = time.perf_counter()
        if schema_changed:
            edition_grammar.cache_clear()
            edition_rules.cache_clear()
        pages: dict[str, bytes] | None = None
        failure: Exception | None = None
        # Validation runs beside the rendering: much of its time is spent in libxml2 and
        # libxslt, which release the GIL, so on a second core it adds little to the wait.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="edition-serve-check"
                                ) as pool:
            checking = pool.submit(validate_paths, self._inputs())
            # A file caught half-saved, or one the validator rejects, may break the
            # rendering; the validation then says why. Anything else is shown in the
            # banner too: the preview goes on serving the last good pages.
            try:
                pages = self._render()
            except Exception as error:  # noqa: BLE001
                failure = error
            try:
                errors = tuple(error_line(d) for d in checking.result().errors)
            except Exception as error:  # noqa: BLE001
                errors = (f"{self.tei_dir}: validation failed: {error}",)
        if not errors and pages is None:
            errors = (f"{self.tei_dir}: the pages could not be rendered: {failure}",)
        return self._publish(None if errors else pages, errors, began)

    def _publish(self, pages: dict[str, bytes] | None, errors: tuple[str, ...],
                 began: float) -> Refresh:
        with self._state:
            changed: list[str] = []
            if pages is not None:
                changed = sorted(path for path in self._pages.keys() | pages.keys()
                                 if self._pages.get(path) != pages.get(path))
                self._removed = (self._removed | (self._pages.keys() - pages.keys())
                                 ) - pages.keys()
                self._pages = pages
            if changed or errors != self.errors:
                self.generation += 1
                for path in changed:
                    self._changed_at[path] = self.generation
                if errors != self.errors:
                    self.errors = errors
                    self._errors_at = self.generation
                self._state.notify_all()
        return Refresh(tuple(changed), errors, time.perf_counter() - began)

    # --- answering ------------------------------------------------------------------

    def page(self, url_path: str) -> Served:
        """The file at `url_path`, from memory or from the built site; HTML pages get
        the error banner (if any) and the reloading script."""
        path = site_path(url_path)
        if path is None:
            return Served(HTTPStatus.FORBIDDEN, b"outside the site\n")
        with self._state:
            body = self._pages.get(path)
            removed = path in self._removed
            generation, errors = self.generation, self.errors
        if body is None and not removed:
            body = self._from_disk(path)
        if body is None:
            return Served(HTTPStatus.NOT_FOUND, b"not found\n")
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if kind == "text/html":
            return Served(HTTPStatus.OK, self._decorated(body, generation, errors),
                          "text/html; charset=utf-8")
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        return Served(HTTPStatus.OK, body, kind)

    def _from_disk(self, path: str) -> bytes | None:
        target = os.path.realpath(os.path.join(self.site, path))
        if os.path.commonpath([target, self.site]) != str(self.site):
            return None  # a link that leads out of the site
        try:
            with open(target, "rb") as stream:
                return stream.read()
        except OSError:  # missing, a folder, unreadable: all the same to a reader
            return None

    @staticmethod
    def _decorated(html: bytes, generation: int, errors: tuple[str, ...]) -> bytes:
        extra = Markup('<script src="{}" data-generation="{}"></script>\n').format(
            LIVE_SCRIPT, generation)
        if errors:
            lines = Markup("").join(Markup("<li>{}</li>").format(line) for line in errors)
            extra = Markup(
                '<div id="{}" role="alert" style="position:fixed;inset:0 0 auto 0;'
                "z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:.5em 1em;"
                "background:#fff0f0;color:#700;border-bottom:3px solid #b00;"
                'font:14px/1.4 monospace"><strong>This save does not validate; the page '
                "below is the last good one.</strong><ul style=\"margin:.3em 0;padding-left:"
                '1.2em">{}</ul></div>\n').format(BANNER_ID, lines) + extra
        at = html.rfind(b"</body>")
        at = len(html) if at < 0 else at
        return html[:at] + str(extra).encode("utf-8") + html[at:]

    def wait_for_change(self, url_path: str, since: int, timeout: float) -> bool:
        """Whether the page at `url_path` or the errors changed after generation `since`;
        waits up to `timeout` seconds for that (less when the preview closes)."""
        path = site_path(url_path) or ""
        with self._state:
            def changed() -> bool:
                return max(self._changed_at.get(path, 0), self._errors_at) > since

            self._state.wait_for(lambda: changed() or self._closed, timeout)
            return changed()

    def close(self) -> None:
        """Answer every waiting long-poll now."""
        with self._state:
            self._closed = True
            self._state.notify_all()


# ------------------------------------------------------------------ watching


def snapshot(folders: Iterable[Path]) -> dict[Path, tuple[int, int, int]]:
    """Each file's (modification time, size, inode) under `folders`."""
    found: dict[Path, tuple[int, int, int]] = {}
    for folder in folders:
        for path in edition_files(folder):
            try:
                info = path.stat()
            except OSError:  # gone between the listing and the look
                continue
            found[path] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return found


# ------------------------------------------------------------------ serving


class _Server(ThreadingHTTPServer):
    preview: Preview

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]
        # a page that reloads drops its long-poll: not worth a traceback


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        port = self.server.server_address[1]
        if self.headers.get("Host") not in (f"{HOST}:{port}", f"localhost:{port}"):
            served = Served(HTTPStatus.FORBIDDEN, b"unknown host\n")
        else:
            try:
                served = self._served()
            except UnicodeDecodeError:
                served = Served(HTTPStatus.BAD_REQUEST, b"bad request\n")
        self.send_response(served.status)
        self.send_header("Content-Type", served.content_type)
        self.send_header("Content-Length", str(len(served.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(served.body)

    def _served(self) -> Served:
        preview = self.server.preview
        url = urlsplit(self.path)
        if url.path == LIVE_SCRIPT:
            return Served(HTTPStatus.OK, _live_script(), "text/javascript; charset=utf-8")
        if url.path == CHANGES:
            query = parse_qs(url.query)
            try:
                since = int(query.get("since", [""])[0])
            except ValueError:
                return Served(HTTPStatus.BAD_REQUEST, b"since must be a number\n")
            page = query.get("page", ["/"])[0]
            reload = preview.wait_for_change(page, since, WAIT_SECONDS)
            return Served(HTTPStatus.OK, json.dumps({"reload": reload}).encode(),
                          "application/json")
        return preview.page(url.path)

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the command reports the re-renders, not each file."""


class PreviewServer:
    """The preview's HTTP server and watcher, each in a thread of its own; `stop()`
    ends both. Bound to 127.0.0.1 only; port 0 takes a free port."""

    def __init__(self, preview: Preview, port: int, watched: Iterable[Path],
                 progress: Progress | None = None) -> None:
        self.preview = preview
        self.watched = tuple(watched)
        self.say = progress or (lambda message: None)
        self._http = _Server((HOST, port), _Handler)
        self._http.preview = preview
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._seen = snapshot(self.watched)  # before the build: a save during it counts

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._http.server_address[1]}/"

    def start(self) -> None:
        self._threads = [
            threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.2},
                             name="edition-serve-http"),
            threading.Thread(target=self._watch, name="edition-serve-watch"),
        ]
        for thread in self._threads:
            thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            now = snapshot(self.watched)
            if now == self._seen:
                continue
            touched = {path for path in now.keys() | self._seen.keys()
                       if now.get(path) != self._seen.get(path)}
            self._seen = now
            self.say(self.preview.refresh(
                any(path.is_relative_to(SCHEMA_DIR) for path in touched)).summary())

    def wait(self) -> None:
        """Block until `stop()` (Ctrl-C interrupts the wait)."""
        self._stop.wait()

    def stop(self) -> None:
        """Stop watching and serving; return when every thread has ended."""
        self._stop.set()
        self.preview.close()
        if self._threads:
            self._http.shutdown()
        self._http.server_close()  # waits for the requests being answered
        for thread in self._threads:
            thread.join()
        self._threads = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_preview(out: Path, tei_dir: Path, port: int = 8000,
                  progress: Progress | None = None) -> PreviewServer:
    """Build the site into `out`, then serve it with live re-rendering of the TEI in
    `tei_dir`; the caller stops the returned server. The port is taken first, so that
    a busy one is known before the build (OSError). When the TEI does not validate,
    the site an earlier build left in `out` is served under the errors' banner; with
    no such site, the failed build is a BuildError."""
    say = progress or (lambda message: None)
    preview = Preview(out, tei_dir)
    server = PreviewServer(preview, port, (tei_dir, SCHEMA_DIR), say)
    try:
        try:
            build_site(out, tei_dir, progress=say)
        except BuildError as failure:
            if not failure.diagnostics or not (out / SITE_MARKER).is_file():
                raise
            say(f"{failure}; serving the site built earlier in {out} under the errors")
        say("rendering the reading pages in memory")
        first = preview.refresh()
        if first.errors:
            say(first.summary())
    except BaseException:
        server.stop()
        raise
    server.start()
    return server
