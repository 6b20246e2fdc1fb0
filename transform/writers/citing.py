"""The cite control and the citation metadata of the site's pages.

Every paragraph, note, verse group, list item and block quotation with an
xml:id gets a permalink (`#id`) and its Chicago citation as text (shown when
the passage is the target of its permalink, or hovered; no JS needed). With
JS (`static/cite.js`) a "Cite" button offers all five formats and copies one.
The formats come from `transform.cite`: per book, each format is rendered once
with placeholders (`cite-data.js`) that the script fills with the passage's
values kept on the control, so the browser and `edition cite` print the same
text. Every page head gets Highwire/Zotero `citation_*` meta tags.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from transform import urls
from transform.cite import (
    CitationRecord,
    Citer,
    Passage,
    current_edition,
    format_record,
    is_citable,
)
from transform.edition import base_url
from transform.ids_manifest import load_redirects, redirects_path
from transform.tei import append_text

NOTE_TAG = "{http://www.tei-c.org/ns/1.0}note"  # its text is listed apart: always safe
STYLE_LABELS = {"chicago": "Chicago (note)", "mla": "MLA (works cited, in-text)",
                "bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}
TOKENS = ("id", "url", "locator", "label", "note", "sp", "ep")


def token(name: str) -> str:
    return f"\u27e6{name}\u27e7"  # ⟦name⟧: never in the books, safe in JSON and BibTeX


@dataclass(frozen=True)
class _TokenPage:
    n: str

    def text(self) -> str:
        return self.n


@dataclass(frozen=True)
class _TokenPages:
    """Stands in for `Pages` when a format is rendered as a template."""

    first: _TokenPage = _TokenPage(token("sp"))
    last: _TokenPage = _TokenPage(token("ep"))
    spans: bool = True
    in_note: bool = False
    locator: str = token("locator")
    label: str = token("label")


def passage_values(record: CitationRecord, url: str) -> dict[str, str]:
    """The values a template needs for one passage (the control keeps them as data-*)."""
    pages = record.pages
    return {
        "id": record.xml_id, "url": url, "locator": pages.locator, "label": pages.label,
        "note": record.note, "sp": pages.first.n or "",
        "ep": (pages.last.n or "") if pages.spans and pages.first.n else "",
    }


def book_templates(citer: Citer, book_key: str) -> dict[str, str]:
    """Each format of one book with placeholders for the passage's values."""
    passage = next(iter(citer.passages(book_key)))
    record = replace(citer.record(passage), xml_id=token("id"), url=token("url"),
                     pages=_TokenPages(), division="", note_text=token("note"))  # type: ignore[arg-type]
    templates = {style: format_record(record, style, token("url")) for style in STYLE_LABELS}
    return templates


def fill(template: str, style: str, values: dict[str, str]) -> str:
    """What `cite.js` does with a template (kept identical; the tests compare both)."""
    text = template
    for name in TOKENS:
        value = values.get(name, "")
        if style == "bibtex" and name == "locator":
            value = value.replace("–", "--")
        if style == "csl-json":
            value = json.dumps(value, ensure_ascii=False)[1:-1]
        text = text.replace(token(name), value)
    if style == "ris":
        text = "".join(line for line in text.splitlines(keepends=True)
                       if line.rstrip("\n") not in ("SP  - ", "EP  - "))
    return text


@dataclass(frozen=True)
class _Moved:
    chrome: object
    old: str
    new: str
    target: str


class SiteCitations:
    """Cite controls, meta tags and the citation data of one build."""

    def __init__(self, edition: object, title: str, version: str) -> None:
        books = edition.books  # type: ignore[attr-defined]
        tei_dir = books[0].source.parent if books else Path(".")
        self.info = current_edition(edition, base_url(), title,
                                    version)
        self.redirects = load_redirects(redirects_path(tei_dir))
        self.citer = Citer(edition, self.info, self.redirects)
        self.edition = edition
        self.pages: dict[str, tuple[object, object]] = {}
        for book in books:
            for division in (book.home, *book.divisions):
                self.pages[division.path] = (book, division)
        self.controls = 0

    # --- the cite control ----------------------------------------------------------

    def decorate(self, root: etree._Element, division: object) -> None:
        """Add a cite control to each citable passage rendered in `root` (HTML)."""
        book_key = division.book  # type: ignore[attr-defined]
        book = self.citer.books.get(book_key)
        if book is None:
            return
        for html in list(root.iter()):
            xml_id = html.get("id") if isinstance(html.tag, str) else None
            if not xml_id or xml_id not in book.pages or book.site_paths.get(xml_id) != \
                    division.path:  # type: ignore[attr-defined]
                continue
            passage = self.citer.passage(book_key, xml_id)
            if not is_citable(book.elements[xml_id]) or not self._stands_apart(book, xml_id):
                continue
            append_text(html, " ")  # keeps the passage's last word apart from the control's
            html.append(self.control(passage))
            self.controls += 1

    @staticmethod
    def _stands_apart(book: object, xml_id: str) -> bool:
        """False where the TEI runs on into the next word (`<quote>…!</quote>and`).

        A control there would split a word of the text in two.
        """
        element = book.elements[xml_id]  # type: ignore[attr-defined]
        if element.tag == NOTE_TAG:
            return True
        tail = element.tail
        if tail:
            return tail[0].isspace()
        following = element.getnext()
        return following is None or following.tag == NOTE_TAG

    def control(self, passage: Passage) -> etree._Element:
        record = self.citer.record(passage)
        url = self.info.permalink(passage.site_path)
        values = passage_values(record, url)
        span = etree.Element("span")
        span.set("class", "cite")
        span.set("data-pagefind-ignore", "all")
        span.set("data-book", passage.book.key)
        for name in TOKENS:
            if name != "url":
                span.set(f"data-{name}", values[name])
        link = etree.SubElement(span, "a")
        link.set("class", "permalink")
        link.set("href", f"#{passage.xml_id}")
        link.set("title", f"Permalink: {passage.xml_id} ({passage.pages.label})")
        link.set("aria-label", f"Permalink to this passage, {passage.pages.label}")
        link.text = "¶"
        link.tail = " "
        text = etree.SubElement(span, "span")
        text.set("class", "cite-text")
        label = etree.SubElement(text, "span")
        label.set("class", "cite-label")
        label.text = "Cite as: "
        label.tail = format_record(record, "chicago", url)
        return span

    # --- page heads ------------------------------------------------------------------

    def head(self, path: str) -> Markup:
        """Meta tags, stylesheet and scripts for the head of the page at `path`."""
        def rel(target: str) -> str:
            return urls.relative(path, target)

        tags: list[tuple[str, str]] = []
        found = self.pages.get(path)
        if found is not None:
            book, division = found
            key = book.key  # type: ignore[attr-defined]
            original = self.citer.record(next(iter(self.citer.passages(key)))).original
            spec = self.citer.books[key].book
            given_names, _, family = spec.author.rpartition(" ")
            if division is book.home:  # type: ignore[attr-defined]
                tags.append(("citation_title", spec.short_title))
            else:
                tags.append(("citation_title", division.label))  # type: ignore[attr-defined]
                tags.append(("citation_inbook_title", spec.short_title))
            tags.append(("citation_author", f"{family}, {given_names}"))
            tags.append(("citation_publication_date", original.year))
            if original.publisher:
                tags.append(("citation_publisher", original.publisher))
            if original.isbn:
                tags.append(("citation_isbn", original.isbn))
            first = division.first_page  # type: ignore[attr-defined]
            last = division.last_page  # type: ignore[attr-defined]
            if first and division is not book.home:  # type: ignore[attr-defined]
                tags.append(("citation_firstpage", first))
                if last and last != first:
                    tags.append(("citation_lastpage", last))
            tags.append(("citation_language", book.lang))  # type: ignore[attr-defined]
        else:
            tags.append(("citation_title", self.info.title))
        tags.append(("citation_online_date", self.info.date.replace("-", "/")))
        tags.append(("citation_edition", f"version {self.info.version}"))
        if self.info.base_url:
            tags.append(("citation_public_url", self.info.permalink(path)))
        out = [f'<meta name="{name}" content="{Markup.escape(value)}">' for name, value in tags]
        if found is not None:  # the book's TEI, for tools that follow alternates
            tei = urls.tei_source(found[0].source.name)  # type: ignore[attr-defined]
            out.append(f'<link rel="alternate" type="application/tei+xml" href="{rel(tei)}">')
        out.append(f'<link rel="stylesheet" href="{rel(urls.CITE_STYLESHEET)}">')
        out.append(f'<script src="{rel(urls.CITE_DATA)}" defer></script>')
        out.append(f'<script src="{rel(urls.CITE_SCRIPT)}" defer></script>')
        return Markup("\n".join(out) + "\n")

    # --- files -------------------------------------------------------------------------

    def data_script(self) -> bytes:
        """The per-book templates and the redirect map, for cite.js."""
        templates = {key: book_templates(self.citer, key) for key in sorted(self.citer.books)}
        redirects: dict[str, str] = {}
        for old in sorted(self.redirects):
            try:
                passage = self.citer.resolve(old)
            except LookupError:
                continue
            redirects[old] = passage.site_path
        payload = {"styles": STYLE_LABELS, "templates": templates, "redirects": redirects}
        return ("/* Citation templates per book (filled by static/cite.js) and the map of "
                "renamed ids. */\nwindow.EDITION_CITE = "
                + json.dumps(payload, ensure_ascii=False, sort_keys=True,
                             separators=(",", ":")) + ";\n").encode("utf-8")

    def redirect_pages(self, writer: object) -> list[tuple[str, bytes]]:
        """`id/OLD.html` for each renamed id: a page in the site's chrome that moves on."""
        from dataclasses import replace

        pages = []
        for old in sorted(self.redirects):
            try:
                passage = self.citer.resolve(old)
            except LookupError:
                continue
            path = urls.moved(old)
            target = urls.relative(path, passage.site_path)
            chrome = writer.chrome(  # type: ignore[attr-defined]
                path, f"Moved: {old} — {self.info.title}", "en",
                f"{self.info.title}, version {self.info.version}, {passage.site_path}.",
                [("Home", urls.HOME), (f"Moved: {old}", path)])
            chrome = replace(chrome, head_extra=chrome.head_extra + Markup(
                f'<meta http-equiv="refresh" content="0; url={Markup.escape(target)}">\n'))
            page = _Moved(chrome, old, passage.xml_id, target)
            html = writer.env.get_template("moved.html").render(page=page)  # type: ignore[attr-defined]
            pages.append((path, html.encode("utf-8")))
        return pages

    def site_pages(self, writer: object) -> list[tuple[str, bytes]]:
        """The search page and the pages of moved passages, in the site's chrome."""
        from transform.writers.search import search_page

        return [search_page(writer, self.info.title, self.info.version,
                            self.head("search.html")), *self.redirect_pages(writer)]

    def dts_files(self, part: str | None = None) -> list[tuple[str, bytes]]:
        """The DTS responses: all of them, or one `part` (`edition`: the entry point and
        the edition's collection; a book's key: that book's)."""
        from transform.writers.dts import BookResource, DtsWriter

        base = base_url() + "/"
        from transform.writers.downloads import downloads_of

        books = [BookResource(book.key, book.title, book.author, book.year, book.lang,
                              book.tree.getroot(), urls.tei_source(book.source.name),
                              {item.media_type: base + item.path
                               for item in downloads_of(book)[:3]})
                 for book in self.edition.books]  # type: ignore[attr-defined]
        writer = DtsWriter(books, self.info.title)
        if part is None:
            return writer.files()
        return writer.edition_files() if part == "edition" else writer.book_files(part)

    def downloads(self, book: object, path: str) -> tuple[object, ...]:
        """The download links of a book's title page (relative to `path`)."""
        from transform.writers.downloads import downloads_of
        from transform.writers.pages import Link

        return tuple(Link(item.label, urls.relative(path, item.path))
                     for item in downloads_of(book))
