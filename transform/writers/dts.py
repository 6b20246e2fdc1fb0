"""DTS 1.0 at conformance Level 0: the Distributed Text Services API as static files.

Written under `dts/` of the site (the paths are decided in `transform/urls.py`):

| endpoint   | template                                           | files |
| ---------- | -------------------------------------------------- | ----- |
| Entry      | `dts/index.json`                                   | 1 |
| Collection | `dts/collection{/id}{;nav}.json`                   | the edition, each book; `nav` absent, `children`, `parents` |
| Navigation | `dts/navigation/{resource}{;tree,down}{/ref}.json` | each tree with `down` 1 to its depth and -1; each unit alone and with `down` 0, 1 to the depth, -1 |
| Document   | `dts/document/{resource}{;tree}{/ref}.xml`         | each book whole (with and without `tree`), each citable unit |

The citation trees are read from each book's `refsDecl/citeStructure` as TEI
defines them: the first refsDecl is the default tree, the others are named by
`@n`; a unit's reference is its parent's reference, the structure's `@delim`,
then the value of `@use` (XPath 1.0 over the TEI, unprefixed TEI names). A
printed page's document is everything from its `pb` to the next `pb`, inside
the divisions that enclose it.

Not served (a static server cannot): `start`/`end` (Level 0 allows that),
`page` (no response is paginated), `mediaType` (TEI only), and `down` values
beyond the tree's depth; a missing file is the 404 the specification asks for.
With a base URL every `@id` resolves to one absolute IRI: URLs are absolute,
and the identifiers of the edition and its books, which the path templates
need as plain strings, resolve against the `@base` of each response's context.
"""

from __future__ import annotations

import json
import re
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree

from transform import urls
from transform.cite import ORIGINALS
from transform.edition import TEI_NS, base_url
from transform.tei import reading_text

CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_NS = "https://w3id.org/api/dts#"
DTS_VERSION = "1.0"
EDITION_ID = "edition"
NAV = ("children", "parents")
_T = f"{{{TEI_NS}}}"
_PB = f"{_T}pb"
_NS = {"tei": TEI_NS}
_xp_refs = etree.XPath("tei:teiHeader/tei:encodingDesc/tei:refsDecl[tei:citeStructure]",
                       namespaces=_NS)
_xp_authors = etree.XPath("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author",
                          namespaces=_NS)
_xp_text = etree.XPath("tei:text", namespaces=_NS)
_QUOTED = re.compile(r"('[^']*'|\"[^\"]*\")")
# an element name: not an attribute, variable, prefix, function or axis (`::` may precede)
_NAME = re.compile(r"(?:(?<=::)|(?<![@$\w.:-]))([A-Za-z_][\w.-]*)(?![\w.-])(?!\s*\()"
                   r"(?!\s*::)(?!:)")


def tei_xpath(expression: str) -> str:
    """Prefix the unprefixed element names of a TEI XPath with `tei:` (strings untouched)."""
    parts = _QUOTED.split(expression)
    return "".join(part if i % 2 else _NAME.sub(r"tei:\1", part) for i, part in enumerate(parts))


@dataclass(frozen=True)
class Structure:
    """One `citeStructure`: a unit type, how to find it, how to name it, what is under it."""

    unit: str
    delim: str
    match: etree.XPath
    use: etree.XPath
    children: tuple[Structure, ...]

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"@type": "CiteStructure", "citeType": self.unit}
        if self.children:
            out["citeStructure"] = _merged(self.children)
        return out


def _merged(structures: tuple[Structure, ...]) -> list[dict[str, object]]:
    """Sibling structures of one unit type are one structure in DTS (their children merged)."""
    by_unit: dict[str, list[Structure]] = {}
    for structure in structures:
        by_unit.setdefault(structure.unit, []).append(structure)
    out = []
    for unit, group in by_unit.items():
        children = tuple(c for s in group for c in s.children)
        first = group[0]
        out.append(Structure(unit, first.delim, first.match, first.use, children).as_json())
    return out


@dataclass
class Unit:
    """A citable unit: its reference (`identifier`) and its own part of it (`value`)."""

    identifier: str
    value: str
    level: int
    parent: Unit | None
    cite_type: str
    element: etree._Element
    children: list[Unit] = field(default_factory=list)


@dataclass
class Tree:
    """A citation tree of a book and its units in document order."""

    name: str | None
    structures: tuple[Structure, ...]
    units: list[Unit] = field(default_factory=list)
    by_id: dict[str, Unit] = field(default_factory=dict)

    @property
    def depth(self) -> int:
        return max((u.level for u in self.units), default=0)

    def top(self) -> list[Unit]:
        return [u for u in self.units if u.parent is None]

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"@type": "CitationTree", "citeStructure":
                                  _merged(self.structures)}
        if self.name:
            out["identifier"] = self.name
        return out


def _structure(element: etree._Element) -> Structure:
    return Structure(
        element.get("unit", "unit"),
        element.get("delim", ""),
        etree.XPath(tei_xpath(element.get("match", "")), namespaces=_NS),
        etree.XPath(f"string({tei_xpath(element.get('use', ''))})", namespaces=_NS),
        tuple(_structure(child) for child in element.iterchildren(f"{_T}citeStructure")),
    )


def citation_trees(root: etree._Element) -> list[Tree]:
    """The book's citation trees from its refsDecl, with their units."""
    order = {element: i for i, element in enumerate(root.iter())}
    trees = []
    for i, refs in enumerate(_xp_refs(root)):
        tree = Tree(None if i == 0 else (refs.get("n") or f"tree{i + 1}"),
                    tuple(_structure(c) for c in refs.iterchildren(f"{_T}citeStructure")))

        def expand(context: etree._Element, structures: tuple[Structure, ...], level: int,
                   parent: Unit | None, tree: Tree = tree) -> None:
            found = sorted({(order[node], id(s)): (node, s) for s in structures
                            for node in s.match(context)
                            if isinstance(node, etree._Element)}.items())
            for _, (node, structure) in found:
                value = str(structure.use(node)).strip()
                identifier = f"{parent.identifier}{structure.delim}{value}" if parent else value
                if not value or identifier in tree.by_id:
                    continue
                unit = Unit(identifier, value, level, parent, structure.unit, node)
                tree.units.append(unit)
                tree.by_id[identifier] = unit
                if parent:
                    parent.children.append(unit)
                expand(node, structure.children, level + 1, unit, tree)

        expand(root, tree.structures, 1, None)
        trees.append(tree)
    return trees


def _title(unit: Unit) -> str:
    """A unit's title: a division's heading as printed, a page's number."""
    if unit.element.tag == _PB:
        return f"Page {unit.element.get('n')}"
    head = unit.element.find(f"{_T}head") if unit.element.tag == f"{_T}div" else None
    return reading_text(head) if head is not None else ""


# ------------------------------------------------------------------------- page documents


class Pages:
    """Cuts a book's `text` at its page breaks (the document order is worked out once)."""

    def __init__(self, root: etree._Element) -> None:
        (self.text,) = _xp_text(root)
        nodes = list(self.text.iter())
        self.order = {node: i for i, node in enumerate(nodes)}
        # the last node of each subtree in document order: a node's span is order..last
        self.last: dict[etree._Element, int] = {}
        for node in reversed(nodes):
            self.last[node] = max([self.order[node], *(self.last[c] for c in node)])
        self.breaks = list(self.text.iter(_PB))
        self.end_of = {pb: self.order[nxt] for pb, nxt in zip(self.breaks, self.breaks[1:])}

    def fragment(self, pb: etree._Element) -> etree._Element:
        """The book's `text` holding only what lies from `pb` to the next `pb` (elements
        cut at the page's edges keep their tag and attributes), with that stretch in a
        `dts:wrapper` inside the deepest element that encloses the whole page."""
        start, end = self.order[pb], self.end_of.get(pb, len(self.order))
        copies: dict[etree._Element, etree._Element] = {}

        def add_text(copy: etree._Element, value: str | None) -> None:
            if value and len(copy):
                copy[-1].tail = (copy[-1].tail or "") + value
            elif value:
                copy.text = (copy.text or "") + value

        def cut(element: etree._Element) -> etree._Element:
            copy = copies[element] = etree.Element(element.tag, dict(element.attrib))
            if start <= self.order[element] < end:
                copy.text = element.text
            for child in element:
                if start <= self.order[child] and self.last[child] < end:
                    whole = deepcopy(child)
                    whole.tail = None
                    copy.append(whole)
                elif self.order[child] < end and self.last[child] >= start:
                    copy.append(cut(child))
                if start <= self.last[child] < end:
                    add_text(copy, child.tail)
            return copy

        text = cut(self.text)
        closing = self.breaks[self.breaks.index(pb) + 1] if pb in self.end_of else None
        enclosing = [a for a in pb.iterancestors() if a in copies
                     and (closing is None or a in set(closing.iterancestors()))]
        holder = copies[enclosing[0]] if enclosing else text
        wrapper = etree.Element(f"{{{DTS_NS}}}wrapper", nsmap={"dts": DTS_NS})
        wrapper.text, holder.text = holder.text, None
        wrapper.extend(list(holder))
        holder.append(wrapper)
        return text


# ------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class BookResource:
    key: str
    title: str
    author: str
    year: str
    lang: str
    root: etree._Element
    tei_path: str
    downloads: dict[str, str]


class DtsWriter:
    """All DTS responses of the edition, as (site path, bytes)."""

    def __init__(self, books: list[BookResource], edition_title: str,
                 titles: dict[str, dict[str, str]] | None = None) -> None:
        self.books = books
        self.edition_title = edition_title
        self.titles = titles or {}
        self.base_url = base_url()
        self.base = f"{self.base_url}/" if self.base_url else "/"
        self._trees: dict[str, list[Tree]] = {}
        self._pages: dict[str, Pages] = {}

    def trees(self, key: str) -> list[Tree]:
        """A book's citation trees, worked out when first asked for."""
        if key not in self._trees:
            self._trees[key] = citation_trees(self._book(key).root)
        return self._trees[key]

    def _book(self, key: str) -> BookResource:
        return next(b for b in self.books if b.key == key)

    @property
    def context(self) -> object:
        """The JSON-LD context: DTS's, and where the edition's and books' identifiers
        resolve, so that each is one IRI in every response."""
        if not self.base_url:
            return CONTEXT
        return [CONTEXT, {"@base": f"{self.base}{urls.DTS_IDENTIFIERS}"}]

    # --- templates --------------------------------------------------------------

    def collection_template(self, key: str | None = None) -> str:
        template = urls.DTS_COLLECTION_TEMPLATE
        return self.base + (template.replace("{/id}", f"/{key}") if key else template)

    def navigation_template(self, key: str | None = None) -> str:
        template = urls.DTS_NAVIGATION_TEMPLATE
        return self.base + (template.replace("{resource}", key) if key else template)

    def document_template(self, key: str | None = None) -> str:
        template = urls.DTS_DOCUMENT_TEMPLATE
        return self.base + (template.replace("{resource}", key) if key else template)

    # --- responses -------------------------------------------------------------------

    def entry(self) -> dict[str, object]:
        return {"@context": self.context, "dtsVersion": DTS_VERSION,
                "@id": f"{self.base}{urls.DTS_ENTRY}", "@type": "EntryPoint",
                "collection": self.collection_template(),
                "navigation": self.navigation_template(), "document": self.document_template()}

    def metadata(self, book: BookResource) -> dict[str, object]:
        """A book's title, authors, date and language, from its TEI header."""
        authors = [reading_text(a) for a in _xp_authors(book.root)] or [book.author]
        year = book.year or (ORIGINALS[book.key].year if book.key in ORIGINALS else "")
        dublin: dict[str, object] = {"title": [{"lang": book.lang, "value": book.title}],
                                     "creator": authors, "language": [book.lang],
                                     "type": ["Text"], "isPartOf": [EDITION_ID]}
        if year:
            dublin["date"] = year
        published = f" ({year})" if year else ""
        return {"description": f"{' and '.join(authors)}, {book.title}{published}: "
                               "the edition's TEI P5 text",
                "dublinCore": dublin}

    def resource(self, book: BookResource, full: bool = True) -> dict[str, object]:
        out: dict[str, object] = {
            "@id": book.key, "@type": "Resource", "title": book.title,
            "totalParents": 1, "totalChildren": 0,
            "collection": self.collection_template(book.key),
            "navigation": self.navigation_template(book.key),
            "document": self.document_template(book.key),
            "citationTrees": [tree.as_json() for tree in self.trees(book.key)],
            "mediaTypes": ["application/tei+xml"],
        }
        if full:
            out["dtsVersion"] = DTS_VERSION
            out.update(self.metadata(book))
            out["download"] = dict(book.downloads)
        return out

    def root_summary(self) -> dict[str, object]:
        return {"@id": EDITION_ID, "@type": "Collection", "title": self.edition_title,
                "totalParents": 0, "totalChildren": len(self.books),
                "collection": self.collection_template(EDITION_ID)}

    def collection(self, key: str | None, nav: str | None) -> dict[str, object]:
        """The Collection response for the edition (`key` None or the edition's id) or a
        book, with its children (the default) or its parents as members."""
        parents = nav == "parents"
        if key in (None, EDITION_ID):
            out = {"@context": self.context, "dtsVersion": DTS_VERSION, **self.root_summary()}
            out["member"] = [] if parents else [self.resource(b, full=False) for b in self.books]
        else:
            out = {"@context": self.context, **self.resource(self._book(key))}
            out["member"] = [self.root_summary()] if parents else []
        return out

    def unit_json(self, book: BookResource, unit: Unit) -> dict[str, object]:
        out: dict[str, object] = {"identifier": unit.identifier, "@type": "CitableUnit",
                                  "level": unit.level,
                                  "parent": unit.parent.identifier if unit.parent else None,
                                  "citeType": unit.cite_type}
        title = self.titles.get(book.key, {}).get(unit.value) or _title(unit)
        if title:
            out["dublinCore"] = {"title": [{"lang": book.lang, "value": title}]}
        return out

    def members(self, tree: Tree, down: int, ref: Unit | None) -> list[Unit]:
        """The units a Navigation request answers with, in document order: with `down`
        0 the siblings of `ref` (itself included), else the subtree from `ref` (or the
        root) down `down` levels (-1: to the bottom)."""
        if ref is not None and down == 0:
            return ref.parent.children if ref.parent else tree.top()
        if ref is None:
            return [u for u in tree.units if down == -1 or u.level <= down]
        found = [ref]

        def below(unit: Unit) -> None:
            for child in unit.children:
                if down == -1 or child.level - ref.level <= down:
                    found.append(child)
                    below(child)

        below(ref)
        return found

    def navigation(self, book: BookResource, tree: Tree, down: int | None,
                   ref: Unit | None) -> dict[str, object]:
        path = urls.dts_navigation(book.key, tree.name, down, ref.identifier if ref else None)
        out: dict[str, object] = {"@context": self.context, "dtsVersion": DTS_VERSION,
                                  "@type": "Navigation", "@id": f"{self.base}{path}",
                                  "resource": self.resource(book, full=False)}
        if ref is not None:
            out["ref"] = self.unit_json(book, ref)
        if down is not None:
            out["member"] = [self.unit_json(book, u) for u in self.members(tree, down, ref)]
        return out

    def document(self, book: BookResource, unit: Unit) -> bytes:
        """The TEI of a unit in a `dts:wrapper`; for a printed page, what is printed on it
        inside the divisions that enclose it."""
        root = etree.Element(f"{_T}TEI", nsmap={None: TEI_NS, "dts": DTS_NS})
        if unit.element.tag == _PB:
            if book.key not in self._pages:
                self._pages[book.key] = Pages(book.root)
            root.append(self._pages[book.key].fragment(unit.element))
        else:
            wrapper = etree.SubElement(root, f"{{{DTS_NS}}}wrapper")
            wrapper.append(etree.fromstring(etree.tostring(unit.element, with_tail=False)))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def files(self) -> list[tuple[str, bytes]]:
        """Every response: the edition's, then each book's."""
        files = self.edition_files()
        for book in self.books:
            files += self.book_files(book.key)
        return files

    def edition_files(self) -> list[tuple[str, bytes]]:
        """The entry point and the edition's collection (it names both books), asked for
        without an id and by its id, with each `nav`."""
        files = [(urls.DTS_ENTRY, _dump(self.entry()))]
        for key in (None, EDITION_ID):
            for nav in (None, *NAV):
                files.append((urls.dts_collection(key, nav), _dump(self.collection(key, nav))))
        return files

    def book_files(self, key: str) -> list[tuple[str, bytes]]:
        """One book's responses: its collection, navigation and documents."""
        book = self._book(key)
        files = [(urls.dts_collection(key, nav), _dump(self.collection(key, nav)))
                 for nav in (None, *NAV)]
        whole = etree.tostring(book.root.getroottree(), xml_declaration=True, encoding="UTF-8")
        for tree in self.trees(key):
            files.append((urls.dts_document(key, tree.name), whole))
            downs = [*range(1, tree.depth + 1), -1]
            for down in downs:
                files.append((urls.dts_navigation(key, tree.name, down),
                              _dump(self.navigation(book, tree, down, None))))
            for unit in tree.units:
                siblings = len(unit.parent.children if unit.parent else tree.top())
                for down in (None, *([0] if siblings <= MAX_SIBLINGS else []), *downs):
                    files.append((urls.dts_navigation(key, tree.name, down, unit.identifier),
                                  _dump(self.navigation(book, tree, down, unit))))
                files.append((urls.dts_document(key, tree.name, unit.identifier),
                              self.document(book, unit)))
        return files


# `down=0` answers with all of a unit's siblings. Where a level is flat and long (a
# book's pages: 422 in Rothstein), an answer for each of them, each listing all of
# them, makes the site grow with the square of the book (23 MB for Rothstein's pages
# alone): there `down=0` is not served; `down=1` without `ref` lists the same units.
MAX_SIBLINGS = 100


def _dump(payload: dict[str, object]) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
