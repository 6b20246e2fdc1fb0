"""Checks over a built site: every internal link resolves, every TEI word reached its page.

Used by the tests (and usable by any tool): they read the site back from disk
with lxml's HTML parser, independently of how it was written.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree, html

from transform.edition import TEI_NS

_T = f"{{{TEI_NS}}}"
_NOTE = f"{_T}note"
# The two readings of a correction stand side by side in both TEI and HTML:
# count them as separate words.
_READINGS = frozenset(f"{_T}{n}" for n in ("sic", "corr", "orig", "reg"))
_LINKING = (("a", "href"), ("link", "href"), ("script", "src"), ("form", "action"))
# Links into the index of names, checked against the registers' entries.
_INDEX_ENTRY = re.compile(r"^index/(persons|places|orgs)/([^/]+)\.html$")
_INDEX_LIST = re.compile(r"^index/(persons|places|orgs)\.html$")


@dataclass(frozen=True)
class BrokenLink:
    page: str
    href: str
    reason: str

    def format(self) -> str:
        return f"{self.page}: {self.href}: {self.reason}"


def site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _ids(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        tree = html.parse(str(path))
        cache[path] = {node.get("id") for node in tree.iter() if isinstance(node.tag, str)
                       and node.get("id")}
    return cache[path]


def check_links(site: Path, register_ids: dict[str, set[str]] | None = None
                ) -> tuple[list[BrokenLink], int]:
    """Every relative link, script, stylesheet and form target of every page, resolved.

    Returns the broken links and the number of links checked. A link into the
    index of names whose page does not exist yet passes if `register_ids`
    (kind → ids) holds its entry.
    """
    broken: list[BrokenLink] = []
    checked = 0
    cache: dict[Path, set[str]] = {}
    for page in site_pages(site):
        page_rel = page.relative_to(site).as_posix()
        tree = html.parse(str(page))
        for tag, attribute in _LINKING:
            for node in tree.iter(tag):
                href = node.get(attribute)
                if href is None:
                    continue
                checked += 1
                parts = urlsplit(href)
                if parts.scheme or parts.netloc:
                    continue
                if parts.query:
                    broken.append(BrokenLink(page_rel, href, "query strings are not used"))
                target_rel = (posixpath.normpath(posixpath.join(posixpath.dirname(page_rel),
                                                                unquote(parts.path)))
                              if parts.path else page_rel)
                if target_rel.startswith(".."):
                    broken.append(BrokenLink(page_rel, href, "points outside the site"))
                    continue
                target = site / target_rel
                if not target.is_file():
                    entry = _INDEX_ENTRY.match(target_rel)
                    if register_ids is not None and entry:
                        known = register_ids.get(entry.group(1), set())
                        if entry.group(2) not in known:
                            broken.append(BrokenLink(page_rel, href, "no such register entry"))
                        continue
                    if register_ids is not None and _INDEX_LIST.match(target_rel):
                        continue
                    broken.append(BrokenLink(page_rel, href, "no such file"))
                    continue
                if (parts.fragment and target.suffix == ".html"
                        and unquote(parts.fragment) not in _ids(target, cache)):
                    broken.append(BrokenLink(page_rel, href, "no such fragment"))
    return broken, checked


# ------------------------------------------------------------------- fidelity


def tei_words(elements: list[etree._Element]) -> tuple[list[str], list[str]]:
    """The words of TEI elements: (running text, notes), each in document order."""
    text: list[str] = []
    notes: list[str] = []

    def walk(node: etree._Element, into: list[str]) -> None:
        if node.text:
            into.append(node.text)
        for child in node:
            if not isinstance(child.tag, str):
                pass
            elif child.tag == _NOTE:
                notes.append(" ")
                walk(child, notes)
                notes.append(" ")
            elif child.tag in _READINGS:
                into.append(" ")
                walk(child, into)
                into.append(" ")
            else:
                walk(child, into)
            if child.tail:
                into.append(child.tail)

    for element in elements:
        walk(element, text)
    return "".join(text).split(), "".join(notes).split()


# What the site adds to the TEI's words: note calls, note lists (compared apart),
# the page's own heading lines, the markers standing for lost text.
_DROP_IN_TEXT = ("//sup[contains(@class,'note-call')] | //ol[contains(@class,'notes')] "
                 "| //div[@class='reading']/p[@class='book-title'] | //div[@class='reading']/h1 "
                 "| //span[contains(concat(' ', @class, ' '), ' tei-gap ')]"
                 "| //span[@class='both-calendars']")
_READINGS_HTML = ("//span[contains(concat(' ', @class, ' '), ' original ') "
                  "or contains(concat(' ', @class, ' '), ' corrected ')]")
_DROP_IN_NOTES = ".//a[@class='note-back'] | .//span[@class='note-kind'] " \
                 "| .//sup[contains(@class,'note-call')] | .//span[@class='both-calendars']"


def html_words(page: Path, container: str = "//div[@class='reading']") -> tuple[list[str], list[str]]:
    """The words a reader sees on a page: (running text, notes)."""
    tree = html.parse(str(page))
    for reading in tree.xpath(_READINGS_HTML):
        reading.text = " " + (reading.text or "")
        reading.tail = " " + (reading.tail or "")
    note_words: list[str] = []
    for item in tree.xpath("//ol[contains(@class,'notes')]/li"):
        copy = html.fromstring(html.tostring(item))
        for drop in copy.xpath(_DROP_IN_NOTES):
            drop.drop_tree()
        note_words.extend(copy.text_content().split())
    for drop in tree.xpath(_DROP_IN_TEXT):
        drop.drop_tree()
    roots = tree.xpath(container)
    words = " ".join(root.text_content() for root in roots).split()
    return words, note_words


def first_missing(expected: list[str], actual: list[str]) -> int | None:
    """Where `expected` stops being a subsequence of `actual` (None if it is one)."""
    position = 0
    for index, word in enumerate(expected):
        while position < len(actual) and actual[position] != word:
            position += 1
        if position == len(actual):
            return index
        position += 1
    return None
