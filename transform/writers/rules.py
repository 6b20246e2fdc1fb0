"""THE rendering table: every TEI element of the edition, and what it becomes in HTML.

Each entry is a tuple of rules tried in order; the last one has no condition.
The engine (`engine.py`) gives every rendered element its `id` (from
`xml:id`), `lang` (from `xml:lang`) and classes (`tei-<name>`, `type-<type>`,
`rend-<rend>`) once, so the rules below only say what is particular.
`tests/test_site_rules.py` checks that every element `schema/edition.rng`
admits has an entry here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from transform import urls
from transform.edition import TEI_NS
from transform.writers.behaviours import (
    Rule,
    always,
    block,
    date,
    heading,
    inline,
    link,
    marker,
    note,
    omit,
    page_break,
    section,
    unwrap,
    when,
)
from transform.xmlsafe import link_target_problem

if TYPE_CHECKING:
    from transform.writers.context import RenderContext

_T = f"{{{TEI_NS}}}"
_reading_of = etree.XPath(
    "string(tei:sic | tei:orig)", namespaces={"tei": TEI_NS}, smart_strings=False
)


def name_href(element: etree._Element, ctx: RenderContext) -> str | None:
    """A name's entry in the index of names (its page, by kind and id)."""
    ref = (element.get("ref") or "").split()
    target = urls.register_kind(ref[0]) if ref else None
    return urls.register_entry(*target) if target else None


def name_attributes(element: etree._Element, ctx: RenderContext) -> dict[str, str]:
    ref = (element.get("ref") or "").split()
    target = urls.register_kind(ref[0]) if ref else None
    return {"data-name": "/".join(target)} if target else {}


def ref_href(element: etree._Element, ctx: RenderContext) -> str | None:
    """Where a cross-reference leads; None (no link) for a scheme outside the allow-list.

    `edition validate` already refuses such a target; refusing it here too keeps a
    `javascript:` link out of the site on any path that skipped validation.
    """
    target = (element.get("target") or "").split()
    if not target:
        return None
    problem = link_target_problem(target[0])
    if problem:
        ctx.warn(element, f"@target={target[0]!r} is not rendered as a link: {problem}",
                 "render-unsafe-link")
        return None
    return ctx.resolve(target[0])


def printed_reading(element: etree._Element, ctx: RenderContext) -> dict[str, str]:
    """The hover text of a correction: what the print (or the OCR) had."""
    original = " ".join(_reading_of(element).split())
    return {"title": f"Printed: {original}" if original else "Printed: (nothing)"}


_BLOCKS_IN_PARAGRAPH = {f"{_T}{n}" for n in ("lg", "l", "list", "table", "figure", "listBibl")}
_QUOTES = {f"{_T}quote", f"{_T}q"}
_PARAGRAPHS = {f"{_T}{n}" for n in ("p", "lg", "l", "list")}


def holds_blocks(element: etree._Element) -> bool:
    """A paragraph holding verse, a list, a table or a block quotation.

    HTML's <p> cannot hold these, so such a paragraph becomes a <div class="p">.
    """
    for child in element:
        if child.tag in _BLOCKS_IN_PARAGRAPH:
            return True
        if child.tag in _QUOTES and any(sub.tag in _PARAGRAPHS for sub in child):
            return True
    return False


def _reason(label: str) -> object:
    def attributes(element: etree._Element, ctx: RenderContext) -> dict[str, str]:
        reason = element.get("reason", "").replace("-", " ")
        return {"title": f"{label} ({reason})" if reason else label}

    attributes.__name__ = f"reason_{label.split()[0].lower()}"
    return attributes


in_phrase = "parent::tei:p or parent::tei:l or parent::tei:head or parent::tei:item " \
    "or parent::tei:hi or parent::tei:quote[parent::tei:p] or parent::tei:byline " \
    "or parent::tei:docImprint or parent::tei:titlePart or parent::tei:cell " \
    "or parent::tei:label or parent::tei:bibl or parent::tei:signed or parent::tei:dateline"
at_block_level = (
    "parent::tei:div or parent::tei:body or parent::tei:front or parent::tei:back "
    "or parent::tei:note or parent::tei:closer or parent::tei:opener or parent::tei:titlePage "
    "or parent::tei:lg or parent::tei:epigraph"
)
names = (
    when("@ref", link(name_href, "name", name_attributes)),
    always(inline("span")),
)
title_page_part = (when(at_block_level, block("p")), always(inline("span")))

RULES: dict[str, tuple[Rule, ...]] = {
    # --- the text's structure -------------------------------------------------
    "text": (always(unwrap()),),
    "front": (always(unwrap()),),
    "body": (always(unwrap()),),
    "back": (always(unwrap()),),
    "div": (
        # the book's printed index: its page numbers link to the printed pages
        when("@type='index'", section("printed-index", page_locators=True)),
        always(section()),
    ),
    "head": (
        when("parent::tei:figure", block("figcaption")),
        when("parent::tei:table", block("caption")),
        when("parent::tei:list[tei:label]", block("dt", "list-head")),
        when("parent::tei:list", block("li", "list-head")),
        when("parent::tei:lg or parent::tei:listBibl", block("p", "block-head")),
        when("parent::tei:listPerson or parent::tei:listPlace or parent::tei:listOrg",
             block("p", "block-head")),
        always(heading()),
    ),
    "p": (when(holds_blocks, block("div", "p")), always(block("p"))),
    "lg": (always(block("div")),),
    "l": (always(block("div")),),
    "quote": (
        when("tei:p or tei:lg or tei:l or tei:list or not(" + in_phrase + ")",
             block("blockquote")),
        always(inline("span")),
    ),
    "q": (always(inline("span")),),
    "list": (
        when("tei:label", block("dl")),
        when("@type='ordered' or @rend='numbered'", block("ol")),
        always(block("ul")),
    ),
    "item": (when("parent::tei:list[tei:label]", block("dd")), always(block("li"))),
    "label": (when("parent::tei:list", block("dt")), always(inline("span"))),
    "table": (always(block("table")),),
    "row": (always(block("tr")),),
    "cell": (when("@role='label' or parent::tei:row[@role='label']", block("th")),
             always(block("td"))),
    "figure": (always(block("figure")),),
    "figDesc": (always(block("p")),),
    "graphic": (always(omit()),),  # images are not reproduced; the caption stays
    "listBibl": (always(block("ul")),),
    "bibl": (
        when("parent::tei:listBibl", block("li")),
        when(at_block_level, block("p")),
        always(inline("span")),
    ),
    "biblStruct": (when("parent::tei:listBibl", block("li")), always(inline("span"))),
    "monogr": (always(inline("span")),),
    "imprint": (always(inline("span")),),
    "biblScope": (always(inline("span")),),
    "opener": (always(block("div")),),
    "closer": (always(block("div")),),
    "epigraph": (always(block("blockquote")),),
    "trailer": (
        when("parent::tei:list[tei:label]", block("dd")),
        when("parent::tei:list", block("li")),
        always(block("p")),
    ),
    "dateline": title_page_part,
    "signed": title_page_part,
    "byline": title_page_part,
    "titlePage": (always(block("div")),),
    "docTitle": (always(block("div")),),
    "titlePart": (when("parent::tei:docTitle", block("p")), always(inline("span"))),
    "docAuthor": title_page_part,
    "docDate": title_page_part,
    "docEdition": title_page_part,
    "docImprint": title_page_part,
    # --- pages, notes, milestones --------------------------------------------
    "pb": (always(page_break()),),
    "lb": (always(inline("br")),),
    "note": (always(note()),),
    "fw": (always(inline("span")),),  # forme work, shown with the original readings
    "milestone": (always(inline("span")),),
    "anchor": (always(inline("span")),),
    # --- phrases ---------------------------------------------------------------
    "hi": (
        when("contains(concat(' ', @rend, ' '), ' italic ')", inline("i")),
        when("contains(concat(' ', @rend, ' '), ' bold ')", inline("b")),
        when("contains(concat(' ', @rend, ' '), ' sup ')", inline("sup")),
        when("contains(concat(' ', @rend, ' '), ' sub ')", inline("sub")),
        always(inline("span")),
    ),
    "emph": (always(inline("em")),),
    "foreign": (always(inline("i")),),
    "term": (always(inline("span")),),
    "mentioned": (always(inline("i")),),
    "soCalled": (always(inline("span")),),
    "title": (when("@level='a' or @level='u'", inline("span")), always(inline("cite"))),
    "date": (always(date()),),
    "num": (always(inline("span")),),
    "idno": (always(inline("span")),),
    "seg": (always(inline("span")),),
    "abbr": (always(inline("abbr")),),
    "expan": (always(inline("span")),),
    # --- names: each mention links to its entry in the index of names ----------
    "persName": names,
    "placeName": names,
    "orgName": names,
    "name": names,
    "rs": names,
    "forename": (always(inline("span")),),
    "surname": (always(inline("span")),),
    "addName": (always(inline("span")),),
    "genName": (always(inline("span")),),
    "nameLink": (always(inline("span")),),
    "roleName": (always(inline("span")),),
    "ref": (always(link(ref_href)),),
    "ptr": (always(link(ref_href)),),
    # --- editorial interventions (visible; the original reading on demand) ------
    "choice": (
        when("tei:sic or tei:orig", inline("span", "intervention", printed_reading)),
        always(inline("span")),
    ),
    "sic": (always(inline("span", "original")),),
    "orig": (always(inline("span", "original")),),
    "corr": (always(inline("span", "corrected")),),
    "reg": (always(inline("span", "corrected")),),
    "supplied": (always(inline("span", "intervention", _reason("Supplied by the editor"))),),
    "surplus": (always(inline("span", "intervention", _reason("Stray text in the source, "
                                                              "not part of the reading"))),),
    "unclear": (always(inline("span", "intervention", _reason("Unclear in the source"))),),
    "gap": (always(marker("[…]", "intervention", _reason("Text lost in the source"))),),
    # --- the registers and the header (rendered on the landing page) -------------
    "listPerson": (always(block("div")),),
    "listPlace": (always(block("div")),),
    "listOrg": (always(block("div")),),
    "listRelation": (always(omit()),),
    "relation": (always(omit()),),
    "person": (always(block("div")),),
    "personGrp": (always(block("div")),),
    "place": (always(block("div")),),
    "org": (always(block("div")),),
    "birth": (always(inline("span")),),
    "death": (always(inline("span")),),
    "floruit": (always(inline("span")),),
    "occupation": (always(inline("span")),),
    "location": (always(inline("span")),),
    "geo": (always(inline("span")),),
    "desc": (always(inline("span")),),
    "address": (always(block("div")),),
    "addrLine": (always(block("div")),),
    "availability": (always(block("div")),),
    "licence": (always(block("div")),),
    "editorialDecl": (always(block("div")),),
    "correction": (always(block("div")),),
    "normalization": (always(block("div")),),
    "quotation": (always(block("div")),),
    "hyphenation": (always(block("div")),),
    "segmentation": (always(block("div")),),
    "interpretation": (always(block("div")),),
    "punctuation": (always(block("div")),),
    "stdVals": (always(block("div")),),
    "projectDesc": (always(block("div")),),
    "samplingDecl": (always(block("div")),),
    "abstract": (always(block("div")),),
    "author": (always(inline("span")),),
    "editor": (always(inline("span")),),
    "funder": (always(inline("span")),),
    "principal": (always(inline("span")),),
    "respStmt": (always(inline("span")),),
    "resp": (always(inline("span")),),
    "publisher": (always(inline("span")),),
    "distributor": (always(inline("span")),),
    "authority": (always(inline("span")),),
    "pubPlace": (always(inline("span")),),
    "edition": (always(inline("span")),),
    "extent": (always(inline("span")),),
    "measure": (always(inline("span")),),
    # Header containers: the pages draw what they need from them as typed metadata.
    **{
        name: (always(omit()),)
        for name in (
            "TEI", "teiHeader", "fileDesc", "titleStmt", "editionStmt", "publicationStmt",
            "seriesStmt", "notesStmt", "sourceDesc", "encodingDesc", "tagsDecl", "rendition",
            "namespace", "tagUsage",
            "refsDecl", "citeStructure", "citeData", "classDecl", "taxonomy", "category",
            "catDesc", "appInfo", "application", "profileDesc", "creation", "langUsage",
            "language", "textClass", "keywords", "catRef", "revisionDesc", "change",
            "calendarDesc", "calendar",
            # the register of events has pages of its own (writers/events.py)
            "listEvent", "event", "linkGrp",
        )
    },
}
