"""Full-text search without a server: a Pagefind index of every citable passage.

Each paragraph, footnote, verse group, list item and block quotation with an
xml:id is one Pagefind record (the Python API of the PyPI package `pagefind`,
whose binary comes from `pagefind[bin]`), so that a hit links to the passage
itself and shows its book, chapter and printed page(s). Filters: the book, the
persons, places and organisations the passage mentions (from the TEI's
`@ref`s into the registers), and where it stands (main text or footnotes).
Phrase search (`"Red Army"`) is done by `static/search.js`, which keeps the
hits whose text holds the phrase. The search page is `search.html`.

Each book has an index of its own (`pagefind/rothstein/`, `pagefind/carr/`),
which the search page merges in the browser (Pagefind's `mergeIndex`: hits,
counts and filters of both together): an edit to one book indexes that book
again, not both.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import cbor2
from lxml import etree

from transform import memo, urls
from transform.cite import is_citable, within_passage
from transform.edition import TEI_NS, XML_NS
from transform.events import passage_years
from transform.tei import reading_text

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_NAMES = {f"{_T}persName": "person", f"{_T}placeName": "place", f"{_T}orgName": "organisation"}
_NOTE = f"{_T}note"
# Pagefind's ready-made interfaces (static/search.js is the edition's own) and highlighter.
_UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")


@dataclass(frozen=True)
class SearchRecord:
    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)


def _in_note_below(node: etree._Element, element: etree._Element) -> bool:
    for ancestor in node.iterancestors():
        if ancestor is element:
            return False
        if ancestor.tag == _NOTE:
            return True
    return False


def _mentions(element: etree._Element, names: dict[str, str]) -> dict[str, list[str]]:
    """The registered names a passage mentions, by kind (a footnote's are its own)."""
    found: dict[str, set[str]] = {}
    for node in element.iter(*_NAMES):
        if _in_note_below(node, element):
            continue
        ref = (node.get("ref") or "").split()
        target = urls.register_kind(ref[0]) if ref else None
        name = names.get("/".join(target)) if target else None
        if name:
            found.setdefault(_NAMES[node.tag], set()).add(name)
    return {kind: sorted(values) for kind, values in found.items()}


def search_records(edition: object, citer: object,
                   books: tuple[str, ...] | None = None) -> list[SearchRecord]:
    """One record per citable passage of the books (`books`: their keys; default all)."""
    names = {f"{e.kind}/{e.entry_id}": e.name
             for e in edition.registers}  # type: ignore[attr-defined]
    records = []
    events = edition.events.by_passage  # type: ignore[attr-defined]
    for book in edition.books:  # type: ignore[attr-defined]
        if books is not None and book.key not in books:
            continue
        short = f"{book.author.split()[-1]}, {book.spec.short_title}"
        passages = citer.books[book.key]  # type: ignore[attr-defined]
        for xml_id, element in passages.elements.items():
            if not is_citable(element) or xml_id not in passages.site_paths \
                    or within_passage(element):
                continue
            content = reading_text(element)
            if not content:
                continue
            passage = citer.passage(book.key, xml_id)  # type: ignore[attr-defined]
            chapter = passages.divisions.get(xml_id, "")
            in_note = element.tag == _NOTE
            filters = {"book": [short], "in": ["footnotes" if in_note else "main text"],
                       **_mentions(element, names)}
            years = sorted(set(passage_years(element)))
            if years:
                filters["year"] = [str(y) for y in years]
            narrated = events.get(xml_id)
            if narrated:
                filters["event"] = [e.label for e in narrated]
            records.append(SearchRecord(
                url=passage.site_path, content=content,
                meta={"title": f"{short}: {chapter}" if chapter else short,
                      "book": short, "chapter": chapter, "page": passage.pages.label,
                      "id": xml_id},
                filters=filters))
    return records


class PagefindError(RuntimeError):
    """The Pagefind service refused a request (its message says why)."""


class _Service:
    """Pagefind's own service mode (`pagefind --service`), spoken directly.

    The binary is the one the PyPI package `pagefind[bin]` ships. The package's
    asyncio wrapper reads one answer per 0.1 s (2.5 minutes for our 1,600
    records); the protocol itself is simple — base64 JSON messages, each
    followed by a comma — so requests go in batches and answers are read as
    they come (the batches keep both pipes from filling up).
    """

    def __init__(self) -> None:
        import subprocess

        from pagefind.service import get_executable

        executable = get_executable()
        if executable is None:
            raise PagefindError("the pagefind binary is missing: pip install 'pagefind[bin]'")
        self.process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.message_id = 0
        self.buffer = b""

    def _read(self) -> dict:
        assert self.process.stdout is not None
        while b"," not in self.buffer:
            chunk = self.process.stdout.read1(65536)  # type: ignore[attr-defined]
            if not chunk:
                raise PagefindError("the pagefind service stopped")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b",")
        answer = json.loads(base64.b64decode(message))
        payload = answer["payload"]
        if payload.get("type") == "Error":
            raise PagefindError(payload.get("message", "error"))
        return payload

    def send(self, payloads: list[dict]) -> list[dict]:
        assert self.process.stdin is not None
        for payload in payloads:
            self.message_id += 1
            message = {"message_id": self.message_id, "payload": payload}
            self.process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8"))
                                     + b",")
        self.process.stdin.flush()
        return [self._read() for _ in payloads]

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _index_files(records: list[SearchRecord]) -> list[tuple[str, bytes]]:
    """Pagefind's bundle for `records`, taken from the service in memory (no disk)."""
    service = _Service()
    try:
        (created,) = service.send([{"type": "NewIndex", "config": {"force_language": "en"}}])
        index_id = created["index_id"]
        for start in range(0, len(records), 100):  # in batches: the answers fill a pipe
            service.send([{"type": "AddRecord", "index_id": index_id, "url": r.url,
                           "content": r.content, "language": "en", "meta": r.meta,
                           "filters": r.filters, "sort": None}
                          for r in records[start:start + 100]])
        (answer,) = service.send([{"type": "GetFiles", "index_id": index_id}])
    finally:
        service.close()
    if answer.get("type") != "GetFiles":
        raise PagefindError(f"Pagefind did not give its files: {answer!r}")
    return sorted((item["path"], base64.b64decode(item["content"]))
                  for item in answer["files"])


def search_files(records: list[SearchRecord], bundle: str
                 ) -> list[tuple[str, bytes]]:
    """The Pagefind bundle for `records`, as site files under `bundle/`.

    Pagefind is the slowest step of a build and its output depends only on the
    records (and Pagefind's version): it is memoised (`transform.memo`). Its
    output is normalised first (`normalise_bundle`), so the bundle is the same
    bytes whether it comes from the memo or from Pagefind.
    """
    inputs = json.dumps([[r.url, r.content, r.meta, r.filters] for r in records],
                        sort_keys=True, ensure_ascii=False).encode("utf-8")
    step = "pagefind-" + bundle.rsplit("/", 1)[-1]
    made = memo.memoised(step, inputs, lambda: normalise_bundle(_index_files(records)))
    return _site_files(made, bundle)


_FILTER = re.compile(r"^filter/([a-z-]+)_[0-9a-f]+\.pf_filter$")
_META = re.compile(r"^pagefind\.([a-z-]+)_[0-9a-f]+\.pf_meta$")
_SIGNATURE = b"pagefind_dcd"


def _decode(payload: bytes) -> object:
    data = gzip.decompress(payload)
    if not data.startswith(_SIGNATURE):
        raise PagefindError("a Pagefind file lacks its signature: is this Pagefind 1.x?")
    return cbor2.loads(data[len(_SIGNATURE):])


def _encode(value: object) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), mtime=0)


def normalise_bundle(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Pagefind's bundle with its filter files in one order, whatever the run.

    Pagefind (1.5) writes each filter's values in hash-map order, which changes
    from run to run, and names each filter file (and the metadata file that
    lists them, and the entry that names that) by a hash of its bytes. Here the
    values are sorted, the files named by the sha256 of their new bytes, and
    the references to them rewritten: the same records give the same bundle.
    """
    renamed: dict[str, str] = {}  # old hash -> new hash
    out: dict[str, bytes] = {}
    for name, payload in files:
        match = _FILTER.match(name)
        if match is None:
            out[name] = payload
            continue
        filter_name, values = _decode(payload)  # type: ignore[misc]
        values = sorted([value, sorted(pages)] for value, pages in values)
        encoded = _encode([filter_name, values])
        new = f"{match.group(1)}_{hashlib.sha256(encoded).hexdigest()[:7]}"
        renamed[name.removeprefix("filter/").removesuffix(".pf_filter")] = new
        out[f"filter/{new}.pf_filter"] = encoded
    metas = [name for name in out if _META.match(name)]
    entry = json.loads(out["pagefind-entry.json"])
    for name in metas:
        meta = _decode(out.pop(name))
        meta[3] = sorted([filter_name, renamed.get(old, old)]  # type: ignore[index]
                         for filter_name, old in meta[3])  # type: ignore[index]
        encoded = _encode(meta)
        language = _META.match(name).group(1)  # type: ignore[union-attr]
        new = f"{language}_{hashlib.sha256(encoded).hexdigest()[:10]}"
        out[f"pagefind.{new}.pf_meta"] = encoded
        entry["languages"][language]["hash"] = new
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False,
                                            separators=(",", ":")).encode("utf-8")
    return sorted(out.items())


def start_search(edition: object, citer: object) -> Future[list[tuple[str, bytes]]]:
    """Every book's search bundle, made in a thread beside the rest of the build.

    The records are gathered here (Python work); Pagefind then indexes them in
    a process of its own while this one renders the pages.
    """
    records = {book.key: search_records(edition, citer, (book.key,))  # type: ignore[attr-defined]
               for book in edition.books}  # type: ignore[attr-defined]
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pagefind")
    future = pool.submit(lambda: [file for key, found in records.items()
                                  for file in search_files(found, urls.search_bundle(key))])
    pool.shutdown(wait=False)
    return future


def _site_files(made: list[tuple[str, bytes]], bundle: str) -> list[tuple[str, bytes]]:
    """The bundle's files as site files, less what the site does not use."""
    files = []
    for name, payload in made:
        if name.startswith(_UNUSED):
            continue
        if name.endswith(".js"):
            # Pagefind parses result URLs against a dummy base, written as an http URL;
            # the site's check for remote resources flags any such text. `\/` is `/`
            # in a JS template literal: the code is the same, the text no longer a URL.
            payload = payload.replace(b"https://example.com", b"https:\\/\\/example.com")
        files.append((f"{bundle}/{name}", payload))
    return files


@dataclass(frozen=True)
class SearchPage:
    """The search page's context: the chrome and the links its form needs."""

    chrome: object
    action: str
    names_index: str
    pages_list: str
    indexes: str  # the books' search indexes, merged by static/search.js (the first loads)


def search_page(writer: object, title: str, version: str, head: object) -> tuple[str, bytes]:
    """The search page in the site's chrome: a form, filters, results (static/search.js)."""
    from dataclasses import replace

    from markupsafe import Markup

    chrome = writer.chrome(  # type: ignore[attr-defined]
        urls.SEARCH_PAGE, f"Search — {title}", "en",
        writer.citations.page_citation(urls.SEARCH_PAGE, "Search"),  # type: ignore[attr-defined]
        [("Home", urls.HOME), ("Search", urls.SEARCH_PAGE)])
    chrome = replace(chrome, head_extra=Markup(str(head)) + Markup(
        f'<script src="{urls.SEARCH_SCRIPT}" defer></script>\n'))
    indexes = " ".join(urls.relative(urls.SEARCH_PAGE, urls.search_bundle(book.key)) + "/"
                       for book in writer.edition.books)  # type: ignore[attr-defined]
    page = SearchPage(chrome, urls.SEARCH_PAGE, urls.register_list("persons"), urls.PAGES, indexes)
    html = writer.env.get_template("search.html").render(page=page)  # type: ignore[attr-defined]
    return urls.SEARCH_PAGE, html.encode("utf-8")
