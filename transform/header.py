"""The header's counts, made from the text so that a header never contradicts its book.

What a header says in prose about the book's markup (how many corrections and of
which kinds, how many names, dates, notes and quotations are tagged, how long the
book is) is generated here, not typed:

- `fileDesc/extent`: `measure`s of words, page breaks and citable passages;
- `encodingDesc/tagsDecl/namespace/tagUsage`: for every element of the text, how
  often it occurs (`@occurs`) and how many carry an id (`@withId`), as TEI provides;
- `editorialDecl/correction/p[@n='counts']`: corrections by type and by class of
  error, surplus by reason, gaps and supplied text;
- `editorialDecl/interpretation/p[@n='counts']`: names tagged and the register entries
  they point to, dates, quotations, notes.

`refresh_header` rewrites them (the commands that change a book's text call it before
they write); `stale_parts` says which are out of date (`edition validate` reports
them, with the command that mends them).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from lxml import etree

from transform.edition import TEI_NS, XML_NS
from transform.tei import reading_text

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
COUNTS = "counts"  # the @n of a generated paragraph
GENERATED = ("generated from the text by `edition header`; `edition validate` reports them "
             "when the text has changed since")
NAMES = (("persName", "persons"), ("placeName", "places"), ("orgName", "organisations"))


def _figure(number: int) -> str:
    return f"{number:,}"


def _tally(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {_figure(n)}" for key, n in sorted(counter.items(),
                                                                   key=lambda kv: (-kv[1], kv[0])))


def _by_name(text: etree._Element | None) -> dict[str, list[etree._Element]]:
    """The TEI elements of the text by local name, in document order (one walk)."""
    found: dict[str, list[etree._Element]] = defaultdict(list)
    for element in (text.iter() if text is not None else ()):
        if isinstance(element.tag, str) and element.tag.startswith(T):
            found[element.tag[len(T):]].append(element)
    return found


def correction_counts(elements: dict[str, list[etree._Element]]) -> str:
    """The sentence of counts of the editorial interventions in the text."""
    corrs = [choice.find(f"{T}corr") for choice in elements["choice"]
             if choice.find(f"{T}sic") is not None]
    corrs = [c for c in corrs if c is not None]
    kinds = Counter(c.get("type") or "untyped" for c in corrs)
    classes = Counter(c.get("subtype") for c in corrs if c.get("subtype"))
    surplus = Counter(s.get("reason") or "unstated" for s in elements["surplus"])
    supplied = Counter(s.get("reason") or "unstated" for s in elements["supplied"])
    parts = [f"Counts ({GENERATED}): {_figure(len(corrs))} corrections (choice/sic/corr)"
             + (f", by type: {_tally(kinds)}" if corrs else "")]
    if classes:
        parts.append(f"{_figure(sum(classes.values()))} of them made in the TEI by a sweep "
                     f"for one class of error (corr/@subtype): {_tally(classes)}")
    parts.append(f"{_figure(sum(surplus.values()))} surplus"
                 + (f" ({_tally(surplus)})" if surplus else ""))
    parts.append(f"{_figure(len(elements['gap']))} gaps")
    parts.append(f"{_figure(sum(supplied.values()))} supplied"
                 + (f" ({_tally(supplied)})" if supplied else ""))
    return "; ".join(parts) + "."


def tagging_counts(elements: dict[str, list[etree._Element]]) -> str:
    """The sentence of counts of the names, dates, notes and quotations tagged."""
    parts = []
    for name, kind in NAMES:
        tags = elements[name]
        entries = {t.get("ref") for t in tags if t.get("ref")}
        parts.append(f"{_figure(len(tags))} {name} ({_figure(len(entries))} {kind} of the "
                     "register)")
    dates = elements["date"]
    julian = sum(1 for d in dates if d.get("when-custom") or d.get("from-custom"))
    parts.append(f"{_figure(len(dates))} date ({_figure(julian)} of them Julian, with "
                 "their Gregorian equivalent)")
    parts.append(f"{_figure(len(elements['title']))} title")
    notes = Counter(n.get("type") or n.get("place") or "other" for n in elements["note"])
    parts.append(f"{_figure(sum(notes.values()))} note ({_tally(notes)})")
    parts.append(f"{_figure(len(elements['quote']))} block quotations (quote)")
    return f"Tagged in the text ({GENERATED}): " + "; ".join(parts) + "."


def extent(text: etree._Element | None,
           elements: dict[str, list[etree._Element]]) -> etree._Element:
    """`extent` with the book's measures: words, page breaks, citable passages."""
    words = len(reading_text(text, notes=True).split()) if text is not None else 0
    breaks = elements["pb"]
    numbered = sum(1 for pb in breaks if pb.get("n"))
    passages = sum(1 for e in elements["p"] + elements["note"]
                   if e.get(XML_ID) and e.get("type") != "editorial")
    made = etree.Element(f"{T}extent")
    made.text = ""
    for unit, quantity, words_after in (
            ("words", words, "words of reading text"),
            ("pageBreaks", len(breaks), f"page breaks ({_figure(numbered)} numbered)"),
            ("passages", passages, "citable paragraphs and notes")):
        measure = etree.SubElement(made, f"{T}measure",
                                   {"unit": unit, "quantity": str(quantity)})
        measure.text = f"{_figure(quantity)} {words_after}"
        measure.tail = "; "
    made[-1].tail = ""
    return made


def tags_decl(elements: dict[str, list[etree._Element]]) -> etree._Element:
    """`tagsDecl` with a `tagUsage` for every element the text uses."""
    made = etree.Element(f"{T}tagsDecl", {"partial": "false"})
    namespace = etree.SubElement(made, f"{T}namespace", {"name": TEI_NS})
    for gi in sorted(name for name, found in elements.items() if found):
        attrib = {"gi": gi, "occurs": str(len(elements[gi]))}
        with_id = sum(1 for e in elements[gi] if e.get(XML_ID))
        if with_id:
            attrib["withId"] = str(with_id)
        etree.SubElement(namespace, f"{T}tagUsage", attrib)
    return made


def _counts_paragraph(sentence: str) -> etree._Element:
    made = etree.Element(f"{T}p", {"n": COUNTS})
    made.text = sentence
    return made


def _wanted(root: etree._Element) -> dict[str, etree._Element]:
    text = root.find(f"{T}text")
    elements = _by_name(text)
    return {"extent": extent(text, elements), "tagsDecl": tags_decl(elements),
            "correction": _counts_paragraph(correction_counts(elements)),
            "interpretation": _counts_paragraph(tagging_counts(elements))}


def _current(root: etree._Element) -> dict[str, etree._Element | None]:
    header = root.find(f"{T}teiHeader")
    found: dict[str, etree._Element | None] = {}
    found["extent"] = header.find(f"{T}fileDesc/{T}extent")
    found["tagsDecl"] = header.find(f"{T}encodingDesc/{T}tagsDecl")
    for part in ("correction", "interpretation"):
        found[part] = header.find(
            f"{T}encodingDesc/{T}editorialDecl/{T}{part}/{T}p[@n='{COUNTS}']")
    return found


def _same(a: etree._Element | None, b: etree._Element) -> bool:
    return a is not None and _shape(a) == _shape(b)


def _shape(element: etree._Element) -> tuple:
    """What an element says: name, attributes, text and children, without the
    whitespace an indented file adds between elements (nor namespace prefixes)."""
    children = [child for child in element if isinstance(child.tag, str)]
    text = element.text or ""
    return (element.tag, sorted(element.attrib.items()),
            text.strip() if children and not text.strip() else text,
            [(_shape(child), (child.tail or "") if (child.tail or "").strip() else "")
             for child in children])


def has_counts(root: etree._Element) -> bool:
    """True for a book whose header carries generated counts (the edition's books do;
    registers and small test files need not)."""
    if root.find(f"{T}teiHeader") is None or root.find(f"{T}text") is None:
        return False
    return any(part is not None for part in _current(root).values())


def stale_parts(root: etree._Element) -> list[str]:
    """The generated parts of the header that do not say what the text now holds
    (none for a file without generated counts)."""
    if not has_counts(root):
        return []
    current = _current(root)
    return [part for part, made in _wanted(root).items() if not _same(current[part], made)]


def refresh_header(root: etree._Element) -> bool:
    """Write the generated parts into the header; True when anything changed."""
    header = root.find(f"{T}teiHeader")
    if header is None or root.find(f"{T}text") is None:
        return False
    current = _current(root)
    stale = [part for part, made in _wanted(root).items() if not _same(current[part], made)]
    if not stale:
        return False
    wanted = _wanted(root)
    file_desc = header.find(f"{T}fileDesc")
    encoding = header.find(f"{T}encodingDesc")
    editorial = encoding.find(f"{T}editorialDecl")
    for part in stale:
        old, new = current[part], wanted[part]
        if old is not None:
            new.tail = old.tail
            old.getparent().replace(old, new)
        elif part == "extent":
            _insert_after(file_desc, new, ("titleStmt", "editionStmt"))
        elif part == "tagsDecl":
            _insert_after(encoding, new, ("projectDesc", "samplingDecl", "editorialDecl"))
        else:
            holder = editorial.find(f"{T}{part}")
            if holder is None:
                holder = etree.SubElement(editorial, f"{T}{part}")
            holder.append(new)
    return True


def _insert_after(parent: etree._Element, new: etree._Element, before: Iterable[str]) -> None:
    names = set(before)
    position = 0
    for index, child in enumerate(parent):
        if isinstance(child.tag, str) and etree.QName(child).localname in names:
            position = index + 1
    parent.insert(position, new)


def keep_counts(root: etree._Element) -> None:
    """Refresh the counts of a book whose header carries them (the commands that change
    a book's text call this before they write it)."""
    if has_counts(root):
        refresh_header(root)
