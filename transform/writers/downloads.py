"""Downloads of each book: the TEI, a plain-text reading version, an EPUB 3.

The plain text is the reading text (corrections applied, stray characters
left out, as the site shows it by default) with headings, blank lines between
paragraphs, the printed page numbers in brackets where each page begins
(`[p. 58]`, `[unnumbered page]`) and the footnotes after their paragraph. The
EPUB (ebooklib) has one XHTML document per division, rendered by the site's
own rendering table, with links that lead out of the book turned into text.
The TEI file itself is the one the site already serves (`tei/`), and the index
of names is served by the index stage (`index/names-index.*`): the book page
links to both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import escape

from lxml import etree

from transform import urls
from transform.edition import TEI_NS, XML_NS
from transform.tei import BREAKS, NOT_READING, remove_keeping_tail
from transform.writers.context import RenderContext
from transform.writers.engine import Renderer

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
# Besides what is not the reading text: a figure's description and its image.
_SKIP = NOT_READING | {f"{_T}figDesc", f"{_T}graphic"}
_BLOCK = frozenset(f"{_T}{n}" for n in (
    "p", "head", "l", "item", "label", "cell", "row", "titlePart", "docAuthor",
    "byline", "docImprint", "docDate", "dateline", "signed", "trailer", "figure"))
_LIST_PARENTS = frozenset(f"{_T}{n}" for n in ("listBibl", "div", "front", "back", "body"))


def _is_block(element: etree._Element) -> bool:
    """A block of text; a `bibl` only where it stands alone, not inside a sentence."""
    parent = element.getparent()
    return element.tag in _BLOCK or (element.tag == f"{_T}bibl" and parent is not None
                                     and parent.tag in _LIST_PARENTS)
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_IN_WORD_PAGE = re.compile(r"(\S*)\x00(\[[^\]]*\])\x00(\S*)")
# The index of names as data, as the title page offers it: format → media type.
_INDEX_MEDIA_TYPES = {"csv": "text/csv", "json": "application/json",
                      "tei": "application/tei+xml"}


@dataclass(frozen=True)
class Download:
    label: str
    path: str
    media_type: str


def downloads_of(book: object) -> list[Download]:
    """What a book's title page offers, with site paths."""
    key = book.key  # type: ignore[attr-defined]
    tei = urls.tei_source(book.source.name)  # type: ignore[attr-defined]
    return [
        Download("TEI P5 XML (the edition's source)", tei, "application/tei+xml"),
        Download("Plain text (reading version, with page numbers)", urls.book_text(key),
                 "text/plain"),
        Download("EPUB 3 e-book", urls.book_epub(key), "application/epub+zip"),
        *(Download(f"Index of names, both books ({kind.upper()})", urls.INDEX_DATA[kind],
                   media_type) for kind, media_type in _INDEX_MEDIA_TYPES.items()),
    ]


# ----------------------------------------------------------------------- plain text


def wrap(text: str, width: int, indent: str) -> str:
    """`text` in lines of at most `width` characters, each begun by `indent`, broken only
    at spaces (a longer word stands on a line of its own).

    What `textwrap.fill` gives with `break_long_words=False, break_on_hyphens=False`
    (the words are what ASCII white space separates: a no-break space joins), in a
    tenth of its time.
    """
    lines: list[str] = []
    line = ""
    for word in _ASCII_SPACE.split(text.strip()) if text.strip() else ():
        if line and len(indent) + len(line) + 1 + len(word) > width:
            lines.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(indent + line)
    return "\n".join(lines)


class _TextWriter:
    """Walks a division and writes its reading text, block by block."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.notes: list[str] = []
        self.page_after: str | None = None

    def flush(self, indent: str = "") -> None:
        text = _ASCII_SPACE.sub(" ", "".join(self.line)).strip()  # no-break spaces stay
        text = _IN_WORD_PAGE.sub(r"\1\3 \2", text)
        self.line = []
        if text:
            self.blocks.append(wrap(text, 78, indent))
        for note in self.notes:
            self.blocks.append(wrap(note, 74, "    "))
        self.notes = []

    def page(self, pb: etree._Element) -> str:
        """`[p. 58]`, with no-break spaces: a line is never broken inside a page number."""
        n = (pb.get("n") or "").strip()
        if n:
            self.page_after = n
            marker = f"[p. {n}]"
        else:
            marker = f"[unnumbered page after p. {self.page_after}]" if self.page_after \
                else "[unnumbered page]"
        return marker.replace(" ", "\u00a0")

    def inline(self, element: etree._Element, out: list[str]) -> None:
        if element.text:
            out.append(element.text)
        for child in element:
            if not isinstance(child.tag, str) or child.tag in _SKIP:
                pass
            elif child.tag == f"{_T}pb":
                marker = self.page(child)
                # inside a word: the marker goes after the word (see `flush`)
                out.append(f"\x00{marker}\x00" if child.get("break") == "no" else f" {marker} ")
            elif child.tag == f"{_T}note":
                mark = child.get("n") or ("[ed.]" if child.get("type") == "editorial" else "*")
                note: list[str] = []
                self.inline(child, note)
                out.append(mark)
                self.notes.append(f"{mark} " + _ASCII_SPACE.sub(" ", "".join(note)).strip())
            elif child.tag in BREAKS:  # a page break is handled above
                if child.get("break") != "no":
                    out.append(" ")
            else:
                self.inline(child, out)
            if child.tail:
                out.append(child.tail)

    def block(self, element: etree._Element, indent: str = "") -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIP or tag == f"{_T}teiHeader":
            return
        if tag == f"{_T}pb":
            self.flush(indent)
            self.blocks.append(self.page(element))
            return
        if _is_block(element) and not any(
                isinstance(c.tag, str) and (_is_block(c) or c.tag in (
                    f"{_T}lg", f"{_T}list", f"{_T}quote")) for c in element
                if c.tag != f"{_T}note"):
            self.inline(element, self.line)
            if tag == f"{_T}head":
                self.flush()
                heading = self.blocks.pop() if self.blocks else ""
                self.blocks.append(heading.upper() if element.getparent() is not None and
                                   element.getparent().get("type") == "chapter" else heading)
            else:
                self.flush(indent)
            return
        deeper = indent + "    " if tag in (f"{_T}quote", f"{_T}lg") else indent
        if element.text and element.text.strip():
            self.line.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and (_is_block(child) or child.tag in (
                    f"{_T}pb", f"{_T}lg", f"{_T}list", f"{_T}quote", f"{_T}div", f"{_T}table",
                    f"{_T}listBibl", f"{_T}titlePage", f"{_T}docTitle", f"{_T}opener",
                    f"{_T}closer")):
                self.flush(indent)
                self.block(child, deeper)
            elif isinstance(child.tag, str):
                self.inline_child(child)
            if child.tail and child.tail.strip():
                self.line.append(child.tail)
        self.flush(indent)

    def inline_child(self, child: etree._Element) -> None:
        holder = etree.Element("holder")
        holder.append(etree.fromstring(etree.tostring(child, with_tail=False)))
        self.inline(holder, self.line)


def plain_text(book: object, edition_title: str, version: str, date: str) -> str:
    """The reading text of a whole book."""
    spec = book.spec  # type: ignore[attr-defined]
    writer = _TextWriter()
    for division in (book.home, *book.divisions):  # type: ignore[attr-defined]
        for element in division.elements:
            writer.block(element)
        writer.flush()
        writer.blocks.append("")
    head = [
        f"{spec.author}, {spec.short_title}",
        f"Plain-text reading version from {edition_title}, version {version} ({date}).",
        ("Corrections are applied and stray characters left out; printed page numbers are "
         "in brackets where each page begins; footnotes follow their paragraph. The TEI "
         "file is the authoritative text. The book is in copyright: for study only."),
        "=" * 78, "",
    ]
    body = "\n\n".join(b for b in writer.blocks)
    return "\n".join(head) + re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


# ------------------------------------------------------------------------------ EPUB


def _xhtml_body(book: object, division: object, targets: dict[str, str]) -> str:
    """A division rendered by the site's table, cleaned for an EPUB container."""
    ctx = RenderContext(division.path, book.source.name, targets)  # type: ignore[attr-defined]
    root = Renderer().render_page(list(division.elements), ctx)  # type: ignore[attr-defined]
    for node in list(root.iter()):
        if not isinstance(node.tag, str):
            continue
        classes = (node.get("class") or "").split()
        if "original" in classes:  # the printed reading: the site shows it on demand only
            remove_keeping_tail(node)
            continue
        href = node.get("href")
        if node.tag == "a" and href and not href.startswith("#"):
            del node.attrib["href"]
            node.tag = "span"
        for attribute in list(node.attrib):
            if attribute.startswith("data-") or attribute == "aria-describedby":
                del node.attrib[attribute]
    return "".join(etree.tostring(child, method="xml", encoding="unicode") for child in root) \
        if len(root) else f"<p>{escape(root.text or '')}</p>"


def epub(book: object, targets: dict[str, str], edition_title: str, version: str,
         date: str) -> bytes:
    """An EPUB 3 of one book (ebooklib), one XHTML document per division."""
    import io

    from ebooklib import epub as ebook

    spec = book.spec  # type: ignore[attr-defined]
    out = ebook.EpubBook()
    out.set_identifier(f"urn:edition:{spec.key}:{version}")
    out.set_title(spec.short_title)
    out.set_language(book.lang)  # type: ignore[attr-defined]
    out.add_author(spec.author)
    out.add_metadata("DC", "publisher", edition_title)
    out.add_metadata("DC", "date", date)
    out.add_metadata("DC", "rights", "The text is in copyright; no licence is given. "
                                     "Reproduced for study only.")
    style = ebook.EpubItem(uid="style", file_name="style/book.css", media_type="text/css",
                           content=b".pb{color:#777;font-size:.8em}"
                                   b".pb[data-page]::before{content:'[' attr(data-page) ']'}"
                                   b".notes{font-size:.9em}.note-call{font-size:.75em}")
    out.add_item(style)
    chapters = []
    for i, division in enumerate((book.home, *book.divisions)):  # type: ignore[attr-defined]
        chapter = ebook.EpubHtml(uid=f"d{i:02d}", title=division.label or spec.short_title,
                                 file_name=f"d{i:02d}-{division.slug}.xhtml",
                                 lang=book.lang)  # type: ignore[attr-defined]
        chapter.content = (f"<html><head><title>{escape(division.label)}</title></head>"
                           f"<body>{_xhtml_body(book, division, targets)}</body></html>")
        chapter.add_item(style)
        out.add_item(chapter)
        chapters.append(chapter)
    out.toc = tuple(ebook.Link(c.file_name, c.title, f"toc-{c.id}") for c in chapters)
    out.add_item(ebook.EpubNcx())
    out.add_item(ebook.EpubNav())
    out.spine = ["nav", *chapters]
    moment = dt.datetime.fromisoformat(date)
    buffer = io.BytesIO()
    ebook.write_epub(buffer, out, {"epub3_pages": False, "mtime": moment})
    return _fixed_zip_times(buffer.getvalue(), moment)


def _fixed_zip_times(payload: bytes, moment: dt.datetime) -> bytes:
    """The same zip with every entry dated `moment`: rebuilds stay byte-identical."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(payload))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():  # mimetype stays first and stored, as EPUB needs
            fixed = zipfile.ZipInfo(info.filename, moment.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return buffer.getvalue()


def book_downloads(edition: object, book: object, edition_title: str, version: str,
                   date: str) -> list[tuple[str, bytes]]:
    """One book's reading text and EPUB.

    ebooklib is slow to write a book: the EPUB is memoised (`transform.memo`),
    keyed by everything it is made from (the book's tree, where each id lives,
    the edition's title, version and date).
    """
    import json

    from transform import memo

    targets = edition.targets  # type: ignore[attr-defined]
    inputs = b"\0".join([etree.tostring(book.tree),  # type: ignore[attr-defined]
                          json.dumps(dict(targets), sort_keys=True).encode("utf-8"),
                          edition_title.encode("utf-8"), version.encode(), date.encode()])
    [(_, made)] = memo.memoised(f"epub-{book.key}", inputs, lambda: [  # type: ignore[attr-defined]
        ("book.epub", epub(book, targets, edition_title, version, date))], names=("book.epub",))
    return [(urls.book_text(book.key),  # type: ignore[attr-defined]
             plain_text(book, edition_title, version, date).encode("utf-8")),
            (urls.book_epub(book.key), made)]  # type: ignore[attr-defined]

