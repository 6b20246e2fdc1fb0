"""The index of names as data: TEI (`div type="index"`), JSON and CSV.

All three are written from the same `NamesIndex` and the same locators, so
they agree with each other and with the HTML pages (the tests check it).
A locator points to the book's TEI file at the mention's anchor; the JSON and
CSV also give the mention's stable id and the site page of the anchor.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from transform import urls
from transform.edition import TEI_NS, XML_NS
from transform.names_index.locators import format_locators
from transform.names_index.model import KIND_LABELS, KINDS, Entry, Mention, NamesIndex
from transform.names_index.sorting import collation

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"


def _href(mention: Mention, targets: Mapping[str, str] | None) -> str:
    """Where a mention's link goes (`transform.urls.mention`); `targets` (xml:id → site
    page, from the site's collect phase) places its anchor exactly."""
    return urls.mention(mention.book, mention.division, mention.mention_id,
                        targets.get(mention.anchor) if targets else None)


def index_item_id(entry: Entry) -> str:
    return f"names-index-{entry.kind}-{entry.entry_id}"


def tei_sort_key(key: str) -> str:
    """A sort key as TEI's `@sortKey` (one token: spaces become `_`)."""
    return "_".join(key.replace(",", " ,").split()).replace("_,", ",")


def entry_record(index: NamesIndex, entry: Entry,
                 targets: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One entry with its locators per book, as JSON-ready data."""
    record: dict[str, Any] = {
        "id": entry.entry_id, "kind": entry.kind, "ref": entry.ref, "heading": entry.heading,
        "sort_key": entry.sort_key, "dates": entry.dates, "category": entry.category,
        "description": entry.description,
        "forms": [{"text": f.text, "type": f.type} for f in entry.forms],
        "authorities": [{"type": a.type, "value": a.value, "url": a.url}
                        for a in entry.authorities],
        "geo": list(entry.geo) if entry.geo else None,
        "counts": {}, "locators": {}, "locator_text": {},
    }
    for book in index.books:
        mentions = index.mentions_of(entry, book.key)
        found = index.locators_of(entry, book.key)
        record["counts"][book.key] = len(mentions)
        record["locator_text"][book.key] = format_locators(found)
        record["locators"][book.key] = [
            {"label": loc.label, "first_page": loc.first_page, "last_page": loc.last_page,
             "in_note": loc.in_note,
             "mentions": [m.mention_id for m in loc.mentions],
             "anchors": list(dict.fromkeys(m.anchor for m in loc.mentions)),
             "href": _href(loc.first, targets)}
            for loc in found]
    return record


def mention_record(mention: Mention, targets: Mapping[str, str] | None = None
                   ) -> dict[str, Any]:
    return {
        "book": mention.book, "kind": mention.kind, "entry": mention.entry_id,
        "ordinal": mention.ordinal, "division": mention.division, "chapter": mention.chapter,
        "chapter_n": mention.chapter_n, "section": mention.section,
        "paragraph": mention.paragraph, "anchor": mention.anchor,
        "mention_id": mention.mention_id, "page": mention.page, "in_note": mention.in_note,
        "surface": mention.surface, "kwic_left": mention.kwic.left,
        "kwic_keyword": mention.kwic.keyword, "kwic_right": mention.kwic.right,
        "href": _href(mention, targets), "line": mention.line,
    }


def to_json(index: NamesIndex, targets: Mapping[str, str] | None = None) -> bytes:
    data = {
        "books": [{"key": b.key, "author": b.author, "title": b.title, "file": b.file_name}
                  for b in index.books],
        "entries": {kind: [entry_record(index, e, targets) for e in index.entries[kind]]
                    for kind in KINDS},
        "see_references": {kind: [{"heading": s.heading, "sort_key": s.sort_key,
                                   "entry": s.entry_id, "target_heading": s.target_heading}
                                  for s in index.see_references[kind]] for kind in KINDS},
        "mentions": [mention_record(m, targets) for m in index.mentions],
    }
    # no indent: the C encoder is ten times faster, and the file is for programs
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


CSV_COLUMNS = ("kind", "entry", "heading", "book", "chapter", "section", "paragraph",
               "anchor", "mention_id", "page", "in_note", "locator", "surface",
               "kwic_left", "kwic_keyword", "kwic_right", "href")


# A spreadsheet reads a cell beginning with one of these as a formula (OWASP's list);
# a cell that begins with quotes before one of them is quoted once more, so that
# taking one quote off every quoted cell gives back exactly what was written.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def spreadsheet_safe(cell: str) -> str:
    """`cell` as a spreadsheet shows it as text, never as a formula to evaluate.

    A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
    single quote `'` in front, as OWASP's guidance on CSV injection says; so does a
    cell whose quotes at the start are followed by one of them. Legitimate values
    beginning with `-` (a dash or hyphenated word in a name or a context, a
    negative number) are neutralised too: a spreadsheet would evaluate them as
    well (`-Urals basin` gives `#NAME?`). To read the original value back, remove
    one `'` from the start of every cell that begins with quotes followed by one
    of those characters.
    """
    return f"'{cell}" if _FORMULA_START.match(cell) else cell


def to_csv(index: NamesIndex, targets: Mapping[str, str] | None = None) -> bytes:
    """One row per mention, entries in index order, with the locator each falls under;
    every cell made `spreadsheet_safe`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for kind in KINDS:
        for entry in index.entries[kind]:
            for book in index.books:
                for loc in index.locators_of(entry, book.key):
                    for m in loc.mentions:
                        writer.writerow([spreadsheet_safe(str(cell)) for cell in (
                            kind, entry.entry_id, entry.heading, book.key, m.chapter or "",
                            m.section or "", m.paragraph or "", m.anchor, m.mention_id,
                            m.page or "", "yes" if m.in_note else "no", loc.label, m.surface,
                            m.kwic.left, m.kwic.keyword, m.kwic.right,
                            _href(m, targets))])
    return out.getvalue().encode("utf-8")


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{_T}{tag}")
    for name, value in attributes.items():
        element.set(_XML_ID if name == "xml_id" else name, value)
    if text is not None:
        element.text = text
    return element


def to_tei(index: NamesIndex) -> etree._ElementTree:
    """The index as a TEI document: one `div type="index"` per kind of name.

    Each entry is an `item` (`@corresp` to the register entry, `@sortKey`) with
    its heading, dates or type, description and a `list type="locators"` of one
    `item` per book whose `ref`s point into the book's TEI at each locator's
    mentions; variants file as items holding a `term` and a `ref type="see"` pointing to the entry's item.
    """
    root = etree.Element(f"{_T}TEI", nsmap={None: TEI_NS})
    root.set(f"{{{XML_NS}}}lang", "en")
    header = _sub(root, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title",
         "Index of names: people, places and organisations in Carr and Rothstein")
    _sub(_sub(file_desc, "publicationStmt"), "p",
         "Generated by `edition index --format tei` from the edition's registers and books.")
    _sub(_sub(file_desc, "sourceDesc"), "p",
         "The registers persons.xml, places.xml and orgs.xml, and the tagged names of "
         + "; ".join(f"{b.author}, {b.title} ({b.file_name})" for b in index.books) + ".")
    body = _sub(_sub(root, "text"), "body")
    files = {b.key: b.file_name for b in index.books}
    for kind in KINDS:
        div = _sub(body, "div", type="index", subtype=kind, xml_id=f"names-index-{kind}")
        _sub(div, "head", KIND_LABELS[kind])
        holder = etree.Element(f"{_T}list")
        for entry in index.entries[kind]:
            item = etree.SubElement(holder, f"{_T}item")
            item.set(_XML_ID, index_item_id(entry))
            item.set("corresp", entry.ref)
            item.set("sortKey", tei_sort_key(entry.sort_key))
            item.set("n", str(index.count(entry)))
            heading = _sub(item, "ref", entry.heading, type="heading", target=entry.ref)
            tail = [part for part in (entry.dates, entry.category) if part]
            heading.tail = f" ({', '.join(tail)})" if tail else None
            if entry.description:
                _sub(item, "seg", entry.description, type="description")
            books = _sub(item, "list", type="locators")
            for book in index.books:
                found = index.locators_of(entry, book.key)
                row = _sub(books, "item", n=book.key, corresp=files[book.key])
                last: etree._Element | None = None
                for i, loc in enumerate(found):
                    anchors = dict.fromkeys(m.anchor for m in loc.mentions)
                    ref = etree.SubElement(row, f"{_T}ref")
                    ref.set("n", loc.label)
                    ref.set("target", " ".join(f"{files[book.key]}#{a}" for a in anchors))
                    ref.text = loc.label
                    if i + 1 < len(found):
                        ref.tail = ", "
                    last = ref
                if last is None:
                    row.text = "—"
        for see in index.see_references[kind]:
            entry = index.entry(kind, see.entry_id)
            assert entry is not None
            item = etree.SubElement(holder, f"{_T}item")
            item.set("sortKey", tei_sort_key(see.sort_key))
            _sub(item, "term", see.heading).tail = ", see "
            _sub(item, "ref", see.target_heading, type="see", target=f"#{index_item_id(entry)}")
        ordered = sorted(holder, key=lambda item: (
            collation(item.get("sortKey", "").replace("_", " ")), item.get(_XML_ID) is None))
        if not ordered:
            continue
        listing = _sub(div, "list", type="index")
        for item in ordered:
            listing.append(item)
    return etree.ElementTree(root)


def to_tei_bytes(index: NamesIndex) -> bytes:
    from transform.fileio import indent_structure

    tree = to_tei(index)
    indent_structure(tree.getroot())
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8") + b"\n"
