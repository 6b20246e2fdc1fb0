"""DTS 1.0 at conformance Level 0: the Distributed Text Services API as static files.

Written under `dts/` of the site:

| endpoint   | template                                      | files |
| ---------- | --------------------------------------------- | ----- |
| Entry      | `dts/index.json`                              | 1 |
| Collection | `dts/collection{/id}.json`                    | the edition, each book |
| Navigation | `dts/navigation/{resource}{;tree,down}{/ref}.json` | each tree with `down` from 1 to its depth and -1; each unit above paragraph level with `down=-1` and alone |
| Document   | `dts/document/{resource}{;tree}{/ref}.xml`    | each book whole, each citable unit |

The citation trees are read from each book's `refsDecl/citeStructure` (the
first is the default tree, the others are named by `refsDecl/@n`): match and
use are XPath 1.0 over the TEI with unprefixed TEI names, as TEI writes them.
A static server cannot answer `start`/`end` (Level 0 allows that) nor every
`down` of every unit; a missing file is the 404 the specification asks for.
Templates are absolute when EDITION_BASE_URL is set, else site-root paths.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree

from transform import urls
from transform.cite import page_map
from transform.edition import TEI_NS, XML_NS, base_url
from transform.tei import reading_text

CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_NS = "https://w3id.org/api/dts#"
DTS_VERSION = "1.0"
EDITION_ID = "edition"
_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_PB = f"{_T}pb"
_BLOCKS = tuple(f"{_T}{n}" for n in ("p", "lg", "quote", "table", "figure", "item", "bibl"))
_NS = {"tei": TEI_NS}
_xp_refs = etree.XPath("tei:teiHeader/tei:encodingDesc/tei:refsDecl[tei:citeStructure]",
                       namespaces=_NS)
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
        out.append(Structure(unit, group[0].match, group[0].use, children).as_json())
    return out


@dataclass
class Unit:
    identifier: str
    level: int
    parent: str | None
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

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"@type": "CitationTree", "citeStructure":
                                  _merged(self.structures)}
        if self.name:
            out["identifier"] = self.name
        return out


def _structure(element: etree._Element) -> Structure:
    return Structure(
        element.get("unit", "unit"),
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
                identifier = str(structure.use(node)).strip()
                if not identifier or identifier in tree.by_id:
                    continue
                unit = Unit(identifier, level, parent.identifier if parent else None,
                            structure.unit, node)
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
        base = base_url()
        self.base = f"{base}/" if base else "/"
        self._trees: dict[str, list[Tree]] = {}
        self._blocks: dict[str, tuple[dict[etree._Element, int], list[tuple[int, int, etree._Element]]]] = {}

    def trees(self, key: str) -> list[Tree]:
        """A book's citation trees, worked out when first asked for."""
        if key not in self._trees:
            book = next(b for b in self.books if b.key == key)
            self._trees[key] = citation_trees(book.root)
        return self._trees[key]

    # --- templates --------------------------------------------------------------

    def collection_template(self) -> str:
        return f"{self.base}{urls.DTS_COLLECTION_TEMPLATE}"

    def navigation_template(self, key: str | None = None) -> str:
        template = urls.DTS_NAVIGATION_TEMPLATE
        return self.base + (template.replace("{resource}", key) if key else template)

    def document_template(self, key: str | None = None) -> str:
        template = urls.DTS_DOCUMENT_TEMPLATE
        return self.base + (template.replace("{resource}", key) if key else template)

    # --- responses -------------------------------------------------------------------

    def entry(self) -> dict[str, object]:
        return {"@context": CONTEXT, "dtsVersion": DTS_VERSION, "@id": f"{self.base}{urls.DTS_ENTRY}",
                "@type": "EntryPoint", "collection": self.collection_template(),
                "navigation": self.navigation_template(), "document": self.document_template()}

    def resource(self, book: BookResource, full: bool = True) -> dict[str, object]:
        out: dict[str, object] = {
            "@id": book.key, "@type": "Resource", "title": book.title,
            "totalParents": 1, "totalChildren": 0,
            "collection": f"{self.base}{urls.dts_collection(book.key)}",
            "navigation": self.navigation_template(book.key),
            "document": self.document_template(book.key),
            "citationTrees": [tree.as_json() for tree in self.trees(book.key)],
            "mediaTypes": ["application/tei+xml"],
        }
        if full:
            out["dtsVersion"] = DTS_VERSION
            out["description"] = f"{book.author}, {book.title} ({book.year}), TEI P5"
            out["dublinCore"] = {"title": [{"lang": book.lang, "value": book.title}],
                                 "creator": [book.author], "date": book.year,
                                 "language": [book.lang], "isPartOf": [EDITION_ID]}
            out["download"] = dict(book.downloads)
        return out

    def root_collection(self) -> dict[str, object]:
        return {"@context": CONTEXT, "dtsVersion": DTS_VERSION, "@id": EDITION_ID,
                "@type": "Collection", "title": self.edition_title, "totalParents": 0,
                "totalChildren": len(self.books), "collection": self.collection_template(),
                "member": [self.resource(book, full=False) for book in self.books]}

    def unit_json(self, book: BookResource, unit: Unit) -> dict[str, object]:
        out: dict[str, object] = {"identifier": unit.identifier, "@type": "CitableUnit",
                                  "level": unit.level, "parent": unit.parent,
                                  "citeType": unit.cite_type}
        title = self.titles.get(book.key, {}).get(unit.identifier) or _title(unit)
        if title:
            out["dublinCore"] = {"title": [{"lang": book.lang, "value": title}]}
        return out

    def navigation(self, book: BookResource, tree: Tree, down: int | None,
                   ref: Unit | None) -> dict[str, object]:
        path = self.navigation_path(book.key, tree, down, ref)
        out: dict[str, object] = {"@context": CONTEXT, "dtsVersion": DTS_VERSION,
                                  "@type": "Navigation", "@id": f"{self.base}{path}",
                                  "resource": self.resource(book, full=False)}
        if ref is not None:
            out["ref"] = self.unit_json(book, ref)
        if down is None:
            return out
        if ref is None:
            members = [u for u in tree.units if down == -1 or u.level <= down]
        else:
            members = [ref]

            def below(unit: Unit) -> None:
                for child in unit.children:
                    if down == -1 or child.level - ref.level <= down:
                        members.append(child)
                        below(child)

            below(ref)
        out["member"] = [self.unit_json(book, u) for u in members]
        return out

    @staticmethod
    def navigation_path(key: str, tree: Tree, down: int | None, ref: Unit | None) -> str:
        return urls.dts_navigation(key, tree.name, down, ref.identifier if ref else None)

    def document(self, book: BookResource, unit: Unit) -> bytes:
        """The TEI of a unit in a `dts:wrapper`; for a printed page, the blocks it holds."""
        root = etree.Element(f"{_T}TEI", nsmap={None: TEI_NS, "dts": DTS_NS})
        wrapper = etree.SubElement(root, f"{{{DTS_NS}}}wrapper")
        nodes = self.page_blocks(book, unit.element) if unit.element.tag == _PB \
            else [unit.element]
        for node in nodes:
            wrapper.append(etree.fromstring(etree.tostring(node, with_tail=False)))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def page_blocks(self, book: BookResource, pb: etree._Element) -> list[etree._Element]:
        """The blocks (with ids) whose text lies on the page `pb` begins, whole."""
        if book.key not in self._blocks:
            index = {element: i for i, element in enumerate(book.root.iter(_PB))}
            pages = page_map(book.root)
            blocks = []
            for element in book.root.iter(*_BLOCKS):
                xml_id = element.get(_XML_ID)
                if xml_id in pages and not any(a.tag in _BLOCKS for a in element.iterancestors()):
                    blocks.append((pages[xml_id].first.index, pages[xml_id].last.index, element))
            self._blocks[book.key] = (index, blocks)
        index, blocks = self._blocks[book.key]
        at = index[pb]
        return [element for first, last, element in blocks if first <= at <= last]

    def files(self) -> list[tuple[str, bytes]]:
        """Every response: the edition's, then each book's."""
        files = self.edition_files()
        for book in self.books:
            files += self.book_files(book.key)
        return files

    def edition_files(self) -> list[tuple[str, bytes]]:
        """The entry point and the edition's collection (it names both books)."""
        return [(urls.DTS_ENTRY, _dump(self.entry())),
                (urls.dts_collection(), _dump(self.root_collection())),
                (urls.dts_collection(EDITION_ID), _dump(self.root_collection()))]

    def book_files(self, key: str) -> list[tuple[str, bytes]]:
        """One book's responses: its collection, navigation and documents."""
        dump = _dump
        files: list[tuple[str, bytes]] = []
        for book in [b for b in self.books if b.key == key]:
            resource = {"@context": CONTEXT, **self.resource(book)}
            files.append((urls.dts_collection(book.key), dump(resource)))
            files.append((urls.dts_document(book.key),
                          etree.tostring(book.root.getroottree(), xml_declaration=True,
                                         encoding="UTF-8")))
            for tree in self.trees(book.key):
                for down in [*range(1, tree.depth + 1), -1]:
                    files.append((self.navigation_path(book.key, tree, down, None),
                                  dump(self.navigation(book, tree, down, None))))
                for unit in tree.units:
                    if unit.children:
                        for down in (None, -1):
                            files.append((self.navigation_path(book.key, tree, down, unit),
                                          dump(self.navigation(book, tree, down, unit))))
                    files.append((urls.dts_document(book.key, tree.name, unit.identifier),
                                  self.document(book, unit)))
        return files


def _dump(payload: dict[str, object]) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
