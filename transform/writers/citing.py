"""The cite control and the citation metadata of the site's pages.

Every paragraph, note, verse group, list item and block quotation with an
xml:id gets a permalink (`#id`) and its Chicago citation as text (shown when
the passage is the target of its permalink, or hovered; no JS needed). With
JS (`static/cite.js`) a "Cite" button offers all six formats and copies one.
The formats come from `transform.cite`: per book, each format is rendered once
with placeholders (`cite-data.js`) that the script fills with the passage's
values kept on the control, so the browser and `edition cite` print the same
text. Every page head gets Highwire/Zotero `citation_*` meta tags, schema.org
JSON-LD and OpenGraph; with a base URL (`transform.edition.base_url`) every URL in
them is absolute, and `id/<xml:id>.html` and `sitemap.xml` are written.
"""

from __future__ import annotations

import copy
import json
import re
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
from transform.edition import TEI_NS, base_url
from transform.ids_manifest import (
    load_redirects,
    manifest_path,
    read_manifest,
    redirects_path,
)
from transform.tei import XML_ID, append_text, reading_text

NOTE_TAG = "{http://www.tei-c.org/ns/1.0}note"  # its text is listed apart: always safe
STYLE_LABELS = {"chicago": "Chicago (note)", "chicago-bibliography": "Chicago (bibliography)",
                "mla": "MLA (works cited, in-text)",
                "apa": "APA (reference, in-text)", "bibtex": "BibTeX", "ris": "RIS",
                "csl-json": "CSL-JSON"}
TOKENS = ("id", "url", "locator", "label", "note", "sp", "ep")
SCHEMA_ORG = "https://schema.org"  # the JSON-LD vocabulary's identifier
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_HEAD = f"{{{TEI_NS}}}head"
_LB = f"{{{TEI_NS}}}lb"
_NUM = f"{{{TEI_NS}}}num"
_CHAPTER_WORD = re.compile(r"^chapter\s+[0-9ivxlcdm]+\.?\s+", re.IGNORECASE)


def division_title(division: object) -> str:
    """A division's own title, as a citation names it: the printed heading without its
    chapter label (`CHAPTER II<lb/>The Breathing Space`, `<num>2</num> The Two Worlds`)."""
    label = division.label  # type: ignore[attr-defined]
    for element in division.elements:  # type: ignore[attr-defined]
        head = element.find(_HEAD)
        if head is None:
            continue
        head = copy.deepcopy(head)
        breaks = list(head.iter(_LB))
        if breaks:  # the label is the heading's first line
            head.text = breaks[-1].tail
            for child in list(head):
                head.remove(child)
                if child is breaks[-1]:
                    break
        title = reading_text(head, leave_out=(_NUM,))
        label = title or label
        break
    return _CHAPTER_WORD.sub("", label)


def token(name: str) -> str:
    return f"\u27e6{name}\u27e7"  # ⟦name⟧: never in the books, safe in JSON and BibTeX


@dataclass(frozen=True)
class _TokenPage:
    n: str

    @property
    def known(self) -> str:
        return self.n

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
        # the first and last page for reference managers: certain numbers only (an
        # uncertain one, `67?`, is said in the locator)
        "note": record.note, "sp": pages.first.known or "",
        "ep": (pages.last.known or "") if pages.spans and pages.first.known else "",
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
        self.published_ids = self._published_ids(tei_dir)

    def _published_ids(self, tei_dir: Path) -> list[str]:
        """Every id with a stable short URL: the published ones (tei/ids/), the renamed
        ones and every id the books have now."""
        found: set[str] = set(self.redirects)
        for key, book in self.citer.books.items():
            found |= read_manifest(manifest_path(key, tei_dir)) | set(book.site_paths)
        return sorted(found)

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
        for name in TOKENS:  # the url too: absolute with a base URL, else the site path
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

    def page_citation(self, path: str, title: str | None = None) -> str:
        """The footer's "Cite this page": a book's page is cited as its division (or the
        book) in Chicago's note form; any other page as a page of the edition."""
        url = self.info.permalink(path)
        found = self.pages.get(path)
        if found is not None:
            book, division = found
            passages = self.citer.books[book.key]  # type: ignore[attr-defined]
            for xml_id in (division.xml_id, passages.root.get(  # type: ignore[attr-defined]
                    "{http://www.w3.org/XML/1998/namespace}id")):
                if xml_id and xml_id in passages.pages:
                    passage = self.citer.passage(book.key, xml_id)  # type: ignore[attr-defined]
                    return format_record(self.citer.record(passage), "chicago", url)
        name = f"{title}, in {self.info.title}" if title else self.info.title
        return f"{name}, version {self.info.version} ({self.info.date}), {url}."

    def _book_facts(self, book_key: str) -> tuple[object, object, str, str]:
        """A book's spec, original publication, and the edition's publisher and editors."""
        passages = self.citer.books[book_key]
        return (passages.book, self.citer.record(next(iter(self.citer.passages(book_key))))
                .original, passages.publication.publisher, passages.publication.editors)

    def head(self, path: str, title: str | None = None) -> Markup:
        """Meta tags, JSON-LD, stylesheet and scripts for the head of the page at `path`
        (`title`: the page's own title, for pages that are not a book's)."""
        def rel(target: str) -> str:
            return urls.relative(path, target)

        info = self.info
        url = info.permalink(path) if info.base_url else ""
        publication = next(iter(self.citer.books.values())).publication \
            if self.citer.books else None
        tags: list[tuple[str, str]] = []
        found = self.pages.get(path)
        if found is not None:
            book, division = found
            spec, original, publisher, editors = self._book_facts(book.key)  # type: ignore[attr-defined]
            is_home = division is book.home  # type: ignore[attr-defined]
            name = spec.short_title if is_home else division_title(division)  # type: ignore[attr-defined]
            given_names, _, family = spec.author.rpartition(" ")  # type: ignore[attr-defined]
            tags.append(("citation_title", name))
            if not is_home:
                tags.append(("citation_inbook_title", spec.short_title))  # type: ignore[attr-defined]
            tags.append(("citation_author", f"{family}, {given_names}"))
            tags += [("citation_editor", editor) for editor in editors]  # type: ignore[attr-defined]
            # the date and publisher of what is read here, this edition (as CSL's `issued`
            # and `publisher`); the printed book's year is in the JSON-LD's `Book`
            tags.append(("citation_publication_date", info.date.replace("-", "/")))
            if publisher:
                tags.append(("citation_publisher", publisher))
            if original.isbn:  # type: ignore[attr-defined]
                tags.append(("citation_isbn", original.isbn))  # type: ignore[attr-defined]
            first = division.first_page  # type: ignore[attr-defined]
            last = division.last_page or first  # type: ignore[attr-defined]
            if first and not is_home:
                tags.append(("citation_firstpage", first))
                tags.append(("citation_lastpage", last))
            tags.append(("citation_language", book.lang))  # type: ignore[attr-defined]
            work = self._work(spec, original, publisher, book.lang)  # type: ignore[attr-defined]
            if is_home:
                linked = {**work, "url": url, "version": info.version}
            else:
                linked = {"@type": "Chapter", "name": name, "isPartOf": work,
                          "author": work["author"], "datePublished": original.year,  # type: ignore[attr-defined]
                          "publisher": work.get("publisher"), "url": url,
                          "pageStart": first, "pageEnd": last if first else None,
                          "version": info.version}
            og_type, og_title = ("book" if is_home else "article"), name
        else:
            page_title = title or info.title
            tags.append(("citation_title", page_title))
            if publication is not None:
                tags += [("citation_editor", editor) for editor in publication.editors]
                if publication.publisher:
                    tags.append(("citation_publisher", publication.publisher))
            tags.append(("citation_publication_date", info.date.replace("-", "/")))
            tags.append(("citation_language", "en"))
            linked = {"@type": "WebPage", "name": page_title, "url": url,
                      "datePublished": info.date, "version": info.version,
                      "isPartOf": {"@type": "WebSite", "name": info.title,
                                   "url": info.permalink(urls.HOME) if url else None},
                      "publisher": {"@type": "Organization", "name": publication.publisher}
                      if publication is not None and publication.publisher else None}
            og_type, og_title = "website", page_title
        tags.append(("citation_online_date", info.date.replace("-", "/")))
        tags.append(("citation_edition", f"version {info.version}"))
        if url:
            tags.append(("citation_public_url", url))
        out = [f'<meta name="{name}" content="{Markup.escape(value)}">' for name, value in tags]
        opengraph = [("og:title", og_title), ("og:type", og_type),
                     ("og:site_name", info.title)] + ([("og:url", url)] if url else [])
        out += [f'<meta property="{name}" content="{Markup.escape(value)}">'
                for name, value in opengraph]
        if url:
            out.append(f'<link rel="canonical" href="{Markup.escape(url)}">')
        out.append('<script type="application/ld+json">'
                   + _json_ld({"@context": SCHEMA_ORG, **linked}) + "</script>")
        if found is not None:  # the book's TEI, for tools that follow alternates
            tei = urls.tei_source(found[0].source.name)  # type: ignore[attr-defined]
            out.append(f'<link rel="alternate" type="application/tei+xml" href="{rel(tei)}">')
        out.append(f'<link rel="stylesheet" href="{rel(urls.CITE_STYLESHEET)}">')
        out.append(f'<script src="{rel(urls.CITE_DATA)}" defer></script>')
        out.append(f'<script src="{rel(urls.CITE_SCRIPT)}" defer></script>')
        return Markup("\n".join(out) + "\n")

    @staticmethod
    def _work(spec: object, original: object, publisher: str, lang: str) -> dict[str, object]:
        """A book as schema.org's `Book`: the printed work this edition presents."""
        work: dict[str, object] = {
            "@type": "Book", "name": spec.short_title,  # type: ignore[attr-defined]
            "author": {"@type": "Person", "name": spec.author},  # type: ignore[attr-defined]
            "datePublished": original.year,  # type: ignore[attr-defined]
            "inLanguage": lang,
            "isbn": original.isbn,  # type: ignore[attr-defined]
        }
        if publisher:
            work["publisher"] = {"@type": "Organization", "name": publisher}
        return work

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
        payload = {"base": self.info.base_url, "styles": STYLE_LABELS, "templates": templates,
                   "redirects": redirects}
        return ("/* Citation templates per book (filled by static/cite.js) and the map of "
                "renamed ids. */\nwindow.EDITION_CITE = "
                + json.dumps(payload, ensure_ascii=False, sort_keys=True,
                             separators=(",", ":")) + ";\n").encode("utf-8")

    def id_pages(self) -> list[tuple[str, bytes]]:
        """`id/<xml:id>.html` for every published id: a stable short URL that works from
        any static host and from disk, where a lookup in one map would need JS and a
        server would need rewrite rules. Each is a few hundred bytes: a refresh and a
        link (and, with a base URL, the canonical address of the passage)."""
        pages = []
        whole_books = {book.tree.getroot().get(XML_ID)  # type: ignore[attr-defined]
                       for book in self.edition.books}  # type: ignore[attr-defined]
        for xml_id in self.published_ids:
            try:
                passage = self.citer.resolve(xml_id)
            except LookupError:
                continue
            path = urls.id_page(xml_id)
            # a book's own id is its title page as a whole: no element there carries it
            site_path = (passage.site_path.partition("#")[0] if passage.xml_id in whole_books
                         else passage.site_path)
            target = Markup.escape(urls.relative(path, site_path))
            canonical = (f'<link rel="canonical" href="'
                         f'{Markup.escape(self.info.permalink(passage.site_path))}">\n'
                         if self.info.base_url else "")
            name = Markup.escape(xml_id)
            pages.append((path, (
                f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                f"<title>{name}</title>\n"
                f'<meta name="robots" content="noindex">\n{canonical}'
                f'<meta http-equiv="refresh" content="0; url={target}">\n</head>\n<body>\n'
                f'<p>The passage {name} is at <a href="{target}">{target}</a>.</p>\n'
                "</body>\n</html>\n").encode()))
        return pages

    def sitemap(self, pages: list[str]) -> list[tuple[str, bytes]]:
        """`sitemap.xml` listing `pages` (site paths), absolute as the protocol wants:
        none without a base URL."""
        if not self.info.base_url:
            return []
        root = etree.Element("urlset", nsmap={None: SITEMAP_NS})
        for path in sorted(pages):
            entry = etree.SubElement(root, "url")
            etree.SubElement(entry, "loc").text = self.info.permalink(path)
            etree.SubElement(entry, "lastmod").text = self.info.date
        return [(urls.SITEMAP, etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                              pretty_print=True))]

    def site_pages(self, writer: object) -> list[tuple[str, bytes]]:
        """The search page and the short URLs of every published id."""
        from transform.writers.search import search_page

        return [search_page(writer, self.info.title, self.info.version,
                            self.head(urls.SEARCH_PAGE, "Search")), *self.id_pages()]

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


def _json_ld(value: dict[str, object]) -> str:
    """JSON-LD for a `<script>` element: empty values left out, and no `</` that could
    end the element early."""
    def prune(node: object) -> object:
        if isinstance(node, dict):
            return {k: prune(v) for k, v in node.items() if v not in (None, "", [], {})}
        return node

    return json.dumps(prune(value), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
