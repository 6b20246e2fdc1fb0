"""Validation of the edition's TEI: well-formedness, edition.rng, edition.sch, references.

Each file is parsed safely, then checked against edition.rng and, whatever the
grammar said, against edition.sch (whose rules look at one file at a time) and
for the order of its page breaks, as long as it is well-formed TEI. Then one pass
in Python over a folder's files checks what crosses files: identifiers unique in
the edition, pointers (@target, @resp, @ref) that resolve, register entries that
are referred to, link targets with an allowed scheme; and the folder's
`ids/redirects.tsv`. Every problem becomes a located `Diagnostic`; diagnostics
that only follow from an error already reported are counted, not listed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from lxml import etree, isoschematron

from transform.calendars import is_julian_date, julian_to_gregorian
from transform.diagnostics import Diagnostic, Report, display_path
from transform.edition import REGISTER_FILES, SCHEMA_DIR, TEI_NS, XML_NS
from transform.header import stale_parts
from transform.xmlsafe import (
    MAX_ID_LENGTH,
    UnsafeXMLError,
    check_no_entities,
    identifier_problem,
    link_target_problem,
    redirect_problems,
    safe_parser,
)

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
_XSL = "{http://www.w3.org/1999/XSL/Transform}"
_XML_ID = f"{{{XML_NS}}}id"
_TEI = f"{{{TEI_NS}}}"


@cache
def edition_grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "edition.rng"), safe_parser()))


@cache
def edition_rules() -> etree.XSLT:
    """edition.sch compiled to XSLT by lxml's ISO Schematron skeleton; its result is SVRL.

    Every rule's context is an element, so the compiled walk visits elements
    only (the skeleton would visit every attribute, comment and processing
    instruction too, since a context such as `tei:p[@n]` holds an "@"); no
    svrl:fired-rule elements (the report would hold one per checked element).
    The skeleton also leaves in an apply-templates in the default mode that walks
    the whole document once more and outputs nothing; it is taken out.
    """
    schematron = isoschematron.Schematron(
        etree.parse(str(SCHEMA_DIR / "edition.sch"), safe_parser()), store_xslt=True,
        compile_params={"generate-fired-rule": "false", "attributes": "false",
                        "only-child-elements": "true"},
    )
    stylesheet = schematron.validator_xslt.getroot()
    for walk in list(stylesheet.iter(f"{_XSL}apply-templates")):
        parent = walk.getparent()
        if parent is not None and parent.tag == f"{{{SVRL_NS}}}active-pattern" \
                and walk.get("select") is None and walk.get("mode") is None:
            parent.remove(walk)
    return etree.XSLT(stylesheet)


@cache
def tei_all_grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "tei_all.rng"), safe_parser()))


@dataclass
class ParsedFile:
    """A TEI file that parsed, with its bytes, whose lines locate columns when needed."""

    path: Path
    tree: etree._ElementTree
    raw: bytes
    _by_line: dict[int, list[etree._Element]] | None = None

    @cached_property
    def by_id(self) -> dict[str, etree._Element]:
        """Every element of the file by its xml:id."""
        return {el.get(_XML_ID): el for el in self.tree.iter() if el.get(_XML_ID) is not None}

    @cached_property
    def lines(self) -> list[str]:
        return self.raw.decode("utf-8", errors="replace").splitlines()

    @cached_property
    def shown(self) -> str:
        return display_path(self.path)

    @property
    def is_register(self) -> bool:
        return self.path.name in REGISTER_FILES.values()

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """The namespace prefixes the file declares (for the paths libxml2 reports)."""
        found: dict[str, str] = {}
        for element in self.tree.iter(etree.Element):
            for prefix, uri in element.nsmap.items():
                if prefix:
                    found.setdefault(prefix, uri)
        return found

    def elements_on_line(self, line: int) -> list[etree._Element]:
        """The elements whose start tag lxml places on `line`, in document order."""
        if self._by_line is None:
            self._by_line = defaultdict(list)
            for element in self.tree.iter():
                self._by_line[element.sourceline or 0].append(element)
        return self._by_line.get(line, [])


# ------------------------------------------------------------------ locating


def locate(parsed: ParsedFile, element: etree._Element) -> tuple[int, int]:
    """The 1-based line and column of an element's start tag, found in the file's text.

    lxml knows an element's line but not its column; the start tag is the n-th
    `<name` on that line, n counted over the elements of the same name that
    start on the line before this one.
    """
    line = element.sourceline
    if not line or line > len(parsed.lines) or not isinstance(element.tag, str):
        return (line or 0, 0)
    name = etree.QName(element).localname
    same_line = [e for e in parsed.elements_on_line(line) if e.tag == element.tag]
    before = next((i for i, e in enumerate(same_line) if e is element), 0)
    tag = re.compile(rf"<(?:[\w.-]+:)?{re.escape(name)}(?=[\s/>]|$)")
    starts = [m.start() for m in tag.finditer(parsed.lines[line - 1])]
    if before < len(starts):
        return (line, starts[before] + 1)
    # A start tag spread over several lines: lxml gives the line where it ends.
    for earlier in range(line - 2, max(line - 12, -1), -1):
        starts = [m.start() for m in tag.finditer(parsed.lines[earlier])]
        if starts:
            return (earlier + 1, starts[-1] + 1)
    return (line, 1)


FOOTNOTE_MARKERS = "*†‡§"


def locate_character(parsed: ParsedFile, line: int, col: int, characters: str,
                     reach: int = 400) -> tuple[int, int]:
    """The first of `characters` in text (outside tags) from line:col on, else line:col."""
    for number in range(line, min(line + reach, len(parsed.lines) + 1)):
        text = parsed.lines[number - 1]
        start = col - 1 if number == line else 0
        in_tag = False
        for index in range(len(text)):
            char = text[index]
            if char == "<":
                in_tag = True
            elif char == ">":
                in_tag = False
            elif index >= start and not in_tag and char in characters:
                return (number, index + 1)
    return (line, col)


# ------------------------------------------------------------------ parsing


def find_doctype(raw: bytes) -> int | None:
    """The offset of a DOCTYPE declaration in the document's prolog, however long it is.

    The prolog is what comes before the root element: an XML declaration,
    comments, processing instructions and white space, in any number.
    """
    position = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while position < len(raw) and raw[position] in b" \t\r\n":
            position += 1
        if raw.startswith(b"<!DOCTYPE", position):
            return position
        if raw.startswith(b"<?", position):
            end = raw.find(b"?>", position + 2)
            position = end + 2
        elif raw.startswith(b"<!--", position):
            end = raw.find(b"-->", position + 4)
            position = end + 3
        else:
            return None
        if end < 0:
            return None


_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.DOTALL)


def parse_file(path: Path, report: Report) -> ParsedFile | None:
    """Parse safely; report syntax errors and entity declarations, located."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        report.add(Diagnostic(shown, 0, 0, "error", f"cannot read the file: {error.strerror}",
                              "unreadable"))
        return None
    doctype = find_doctype(raw)
    if doctype is not None:
        line = raw.count(b"\n", 0, doctype) + 1
        subset = _INTERNAL_SUBSET.match(raw, doctype)
        declares = subset is not None and b"<!ENTITY" in subset.group(1)
        what = "declares entities" if declares else "has a DOCTYPE"
        report.add(Diagnostic(shown, line, 1, "error",
                              f"the document {what}; it was not parsed, so nothing was expanded "
                              "or fetched. TEI files of this edition use no DOCTYPE, DTD or "
                              "entities: delete the DOCTYPE and write the characters themselves",
                              "entities"))
        return None
    parser = safe_parser()
    try:
        tree = etree.ElementTree(etree.fromstring(raw, parser, base_url=str(path)))
    except etree.XMLSyntaxError as error:
        # The log can hold earlier messages of the same thread: keep this file's own.
        entries = [e for e in error.error_log
                   if e.level_name in ("ERROR", "FATAL") and e.filename == str(path)]
        if not entries:
            line, col = error.position
            report.add(Diagnostic(shown, line, col, "error",
                                  f"not well-formed XML: {error.msg}; fix the markup there",
                                  "not-well-formed"))
        for entry in entries[:5]:
            duplicate = re.match(r"ID (\S+) already defined", entry.message)
            if duplicate:
                report.add(Diagnostic(shown, entry.line, entry.column, "error",
                                      f'xml:id "{duplicate.group(1)}" is used twice in this '
                                      "file; identifiers must be unique across the edition: "
                                      "give one of the two elements a different id",
                                      "id-unique"))
                continue
            report.add(Diagnostic(shown, entry.line, entry.column, "error",
                                  f"not well-formed XML: {entry.message}; fix the markup there",
                                  "not-well-formed"))
        return None
    except ValueError as error:  # e.g. an encoding declaration lxml cannot honour
        report.add(Diagnostic(shown, 1, 1, "error", f"cannot be read as XML: {error}",
                              "not-well-formed"))
        return None
    try:
        check_no_entities(tree)
    except UnsafeXMLError as error:
        report.add(Diagnostic(shown, error.line, 1, "error", str(error), "entities"))
        return None
    root = tree.getroot()
    if root.tag != f"{_TEI}TEI":
        report.add(Diagnostic(shown, root.sourceline or 1, 1, "error",
                              f"the root element is <{root.tag}>, not a TEI element in the TEI "
                              "namespace: every file in tei/ must be "
                              '<TEI xmlns="http://www.tei-c.org/ns/1.0">', "not-tei"))
        return None
    return ParsedFile(path, tree, raw)


# ------------------------------------------------------------------ the grammar


_RNG_ADVICE = [
    (re.compile(r"Did not expect element (\S+) there"),
     "element <{0}> is not allowed at this point: check the order of its siblings and "
     "what its parent may contain (schema/README.md)"),
    (re.compile(r"Element (\S+) has extra content: (\S+)"),
     "<{0}> may not contain <{1}> here: move <{1}> out, or use an element the edition "
     "admits (schema/README.md)"),
    (re.compile(r"Invalid attribute (\S+) for element (\S+)"),
     "attribute @{0} is not allowed on <{1}> in this edition: remove it, or, if TEI allows "
     "it, add it to schema/edition.rng"),
    (re.compile(r"Expecting an element (\S+), got nothing"),
     "a required <{0}> is missing here: add it"),
    (re.compile(r"Expecting element (\S+), got (\S+)"),
     "<{0}> is required here but <{1}> stands in its place: add <{0}> before it"),
    (re.compile(r"Element (\S+) failed to validate attributes"),
     "an attribute of <{0}> has a value the edition does not allow: check its values "
     "(schema/README.md)"),
    (re.compile(r"Type (\S+) doesn't allow value '([^']*)'"),
     "the value '{1}' is not a valid {0}: correct it"),
    (re.compile(r"Element (\S+) failed to validate content"),
     "the content of <{0}> does not follow the edition's grammar: see the messages "
     "about its children"),
]


def explain_rng(message: str) -> str:
    for pattern, advice in _RNG_ADVICE:
        match = pattern.search(message)
        if match:
            return f"{advice.format(*match.groups())} (schema said: {message})"
    return f"{message}: see schema/README.md for what the edition admits"


def element_at(parsed: ParsedFile, path: str) -> etree._Element | None:
    """The element at a path libxml2 reports (`/TEI/*[2]/tei:p[3]`), if it can be found.

    Such a path uses the file's own prefixes for prefixed elements; a path that
    still cannot be evaluated leaves the element unknown, never an exception.
    """
    try:
        found = parsed.tree.xpath(path, namespaces=parsed.prefixes)
    except (etree.XPathError, ValueError):
        return None
    return found[0] if isinstance(found, list) and found \
        and isinstance(found[0], etree._Element) else None


_XINCLUDE_NS = "http://www.w3.org/2001/XInclude"


def explain_element(element: etree._Element, said: str, message: str,
                    code: str) -> tuple[str, str]:
    """A plainer message and code for what the grammar rejects in `element`, when known:
    an element of another namespace (XInclude among them), an overlong xml:id."""
    xml_id = element.get(_XML_ID, "")
    if len(xml_id) > MAX_ID_LENGTH and ("failed to validate attributes" in said
                                        or "Invalid attribute id " in said):
        return f"xml:id {identifier_problem(xml_id)}", "id-length"
    named = set(re.split(r"[\s:]+", said))
    for suspect in (element, *element.iterchildren(etree.Element)):
        name = etree.QName(suspect)
        if name.namespace == TEI_NS or name.localname not in named:
            continue
        shown = f"{suspect.prefix}:{name.localname}" if suspect.prefix else name.localname
        if name.namespace == _XINCLUDE_NS:
            return (f"<{shown}> is an XInclude, which the edition does not process (nothing is "
                    "fetched): put the text it would include into this file itself"), code
        where = f"the namespace {name.namespace}" if name.namespace else "no namespace"
        return (f"<{shown}> is in {where}, not in TEI's: the edition admits only TEI "
                "elements (schema/README.md); use the TEI element for it, or remove it"), code
    return message, code


def check_grammar(parsed: ParsedFile, grammar: etree.RelaxNG, code: str,
                  report: Report) -> bool:
    if grammar.validate(parsed.tree):
        return True
    seen: set[tuple[int, str]] = set()
    for entry in grammar.error_log:
        element = element_at(parsed, entry.path) if entry.path else None
        line, col = entry.line, entry.column
        if not col and element is not None:
            line, col = locate(parsed, element)
        message, entry_code = explain_rng(entry.message), code
        if element is not None:
            message, entry_code = explain_element(element, entry.message, message, entry_code)
        if (line, message) in seen:
            continue
        seen.add((line, message))
        report.add(Diagnostic(parsed.shown, line, col, "error", message, entry_code))
    return False


# ------------------------------------------------------------------ Schematron


_STEP = re.compile(
    r"/(?:\*\[local-name\(\)='([^']+)' and namespace-uri\(\)='([^']*)'\]|([^/\[*]+))"
    r"(?:\[(\d+)\])?")


def follow_location(location: str, parsed: ParsedFile) -> etree._Element | None:
    """The element an SVRL location names, in the file's tree.

    The location is a path from the root (`/*[local-name()='TEI' …]/…[2]/…`);
    its steps are followed child by child, counting siblings of the same local
    name as the skeleton does, instead of evaluating the path as XPath, which
    would test every sibling at every step.
    """
    steps = _STEP.findall(location)
    if not steps:
        return None
    element: etree._Element | None = None
    for local, _namespace, plain, index in steps:
        name = local or plain
        wanted = int(index or 1)
        candidates = [parsed.tree.getroot()] if element is None else element.iterchildren(
            etree.Element)
        count = 0
        for child in candidates:
            if etree.QName(child).localname == name:
                count += 1
                if count == wanted:
                    element = child
                    break
        else:
            return None
    return element


def check_rules(parsed: ParsedFile, report: Report) -> None:
    """Run edition.sch over one file; every failed assertion becomes a diagnostic."""
    svrl = edition_rules()(parsed.tree)
    for failure in svrl.getroot().iter(f"{{{SVRL_NS}}}failed-assert",
                                       f"{{{SVRL_NS}}}successful-report"):
        element = follow_location(failure.get("location", ""), parsed)
        line, col = locate(parsed, element) if element is not None else (0, 0)
        level = "warning" if failure.get("role") == "warning" else "error"
        text = " ".join("".join(failure.find(f"{{{SVRL_NS}}}text").itertext()).split())
        code = (failure.get("id") or "schematron").split(".")[0]
        if code == "stray-marker" and line:
            line, col = locate_character(parsed, line, col, FOOTNOTE_MARKERS)
        report.add(Diagnostic(parsed.shown, line, col, level, text, code))


_XPATH_NUMBER = re.compile(r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*")
_PB = f"{_TEI}pb"


_DATED_CUSTOM = etree.XPath("//*[@datingMethod]")


def check_calendars(parsed: ParsedFile, report: Report) -> None:
    """A date written in the Julian calendar: a Julian date, and its Gregorian @when
    (@from, @to) the one convertdate gives. edition.sch checks that both are there."""
    for element in _DATED_CUSTOM(parsed.tree):
        if not element.get("datingMethod", "").endswith("julian"):
            continue
        pairs = []
        written = element.get("when-custom")
        if written:
            if len(written) == 10:
                pairs.append(("when-custom", written, "when", False))
            else:
                pairs += [("when-custom", written, "from", False),
                          ("when-custom", written, "to", True)]
        for custom, plain, last in (("from-custom", "from", False), ("to-custom", "to", True)):
            if element.get(custom):
                pairs.append((custom, element.get(custom), plain, last))
        for custom, value, plain, last in pairs:
            line, col = locate(parsed, element)
            if len(value) < 7:
                continue  # a year alone: the calendars differ by days, nothing to convert
            if not is_julian_date(value):
                report.add(Diagnostic(parsed.shown, line, col, "error",
                                      f'@{custom}="{value}" is no date of the Julian calendar: '
                                      "correct the month or the day", "julian-date"))
                continue
            expected = julian_to_gregorian(value, last=last)
            if element.get(plain) is not None and element.get(plain) != expected:
                report.add(Diagnostic(parsed.shown, line, col, "error",
                                      f'@{plain}="{element.get(plain)}" is not the Gregorian '
                                      f'equivalent of the Julian @{custom}="{value}", which is '
                                      f'{expected}: write {plain}="{expected}" (converted by '
                                      "convertdate; `edition dates --redo` does it for dates "
                                      "the pass tagged)", "julian-converted"))


def check_header_counts(parsed: ParsedFile, report: Report) -> None:
    """The header's generated counts (extent, tagsDecl, the counts paragraphs) say what
    the text now holds; a book whose text changed since gets one error per stale part."""
    for part in stale_parts(parsed.tree.getroot()):
        line = parsed.tree.getroot().find(f"{{{TEI_NS}}}teiHeader").sourceline or 1
        report.add(Diagnostic(parsed.shown, line, 1, "error",
                              f"the header's {part} (generated counts) no longer says what "
                              "the text holds: run `edition header` to write them anew",
                              "header-counts"))


def check_page_order(parsed: ParsedFile, report: Report) -> None:
    """Rule pb-order: numbered page breaks never decrease within a book.

    A page break is numbered when its @n is a number as XPath's number() reads
    it; unnumbered ones (Carr's) are passed over. This rule is checked here, in
    one pass in document order, and not in edition.sch: XPath 1.0 can only find
    the previous page break through the preceding:: axis, which libxslt walks
    whole for every page break (a third of all validation time).
    """
    previous: etree._Element | None = None
    for pb in parsed.tree.iter(_PB):
        n = pb.get("n")
        if n is None or not _XPATH_NUMBER.fullmatch(n):
            continue
        if previous is not None and float(n) < float(previous.get("n", "")):
            line, col = locate(parsed, pb)
            report.add(Diagnostic(
                parsed.shown, line, col, "error",
                f'page break n="{n}" comes after page {previous.get("n")}: printed page '
                "numbers never decrease within a book; check both page breaks against the "
                "source", "pb-order"))
        previous = pb


# ------------------------------------------------------------------ across files

_NS = {"tei": TEI_NS}
# What the pass reads, as attribute values (one walk each, no element proxies);
# the elements themselves are looked up only to locate a problem.
_IDS = etree.XPath("//@xml:id", smart_strings=False)
_RESPS = etree.XPath("//@resp", smart_strings=False)
_TARGETS = etree.XPath("//@target", smart_strings=False)
# (a relation's @active: the members of a group the books name are named with it)
_POINTERS = etree.XPath("//@ref | //@corresp | //*[local-name()='relation']/@active",
                        smart_strings=False)
# Register entries: the element, and the names whose @ref must point to one.
_ENTRY_KINDS = ("person", "place", "org")
# A group of persons (personGrp) is a person entry too: a persName may name the group.
_ENTRY_PATHS = {"person": "//tei:person[@xml:id] | //tei:personGrp[@xml:id]",
                "place": "//tei:place[@xml:id]", "org": "//tei:org[@xml:id]"}
_ENTRY_IDS = {kind: etree.XPath(f"({_ENTRY_PATHS[kind]})/@xml:id", namespaces=_NS,
                                smart_strings=False)
              for kind in _ENTRY_KINDS}
# A name → the register file and the kind of entry its @ref must point to.
_NAME_TARGETS = {"persName": ("persons.xml", "person"), "placeName": ("places.xml", "place"),
                 "orgName": ("orgs.xml", "org")}
_NAME_REFS = {name: etree.XPath(f"//tei:{name}/@ref", namespaces=_NS, smart_strings=False)
              for name in _NAME_TARGETS}
# The elements that hold an attribute, to locate the values found wrong.
_HOLDERS = {
    "xml:id": (etree.XPath("//*[@xml:id]"), _XML_ID),
    "resp": (etree.XPath("//*[@resp]"), "resp"),
    "target": (etree.XPath("//*[@target]"), "target"),
    **{kind: (etree.XPath(_ENTRY_PATHS[kind], namespaces=_NS), _XML_ID)
       for kind in _ENTRY_KINDS},
    **{name: (etree.XPath(f"//tei:{name}[@ref]", namespaces=_NS), "ref")
       for name in _NAME_TARGETS},
}


class Holders:
    """The elements of one file that hold a given attribute value, found in one walk
    per kind of holder, and only once a value is found wrong."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self.by_value: dict[str, dict[str, list[etree._Element]]] = {}

    def __call__(self, holder: str, value: str) -> list[etree._Element]:
        if holder not in self.by_value:
            select, attribute = _HOLDERS[holder]
            found: dict[str, list[etree._Element]] = defaultdict(list)
            for element in select(self.tree):
                found[element.get(attribute)].append(element)
            self.by_value[holder] = found
        return self.by_value[holder].get(value, [])


def _pointed_ids(value: str) -> Iterator[str]:
    for token in value.split():
        if "#" in token:
            yield token.partition("#")[2]


_PASSAGE_PTRS = etree.XPath("//tei:linkGrp[@type = 'narration']/tei:ptr",
                            namespaces={"tei": TEI_NS})


def check_references(files: list[ParsedFile], context: list[ParsedFile],
                     unread: set[str], report: Report) -> None:
    """What crosses files, in one pass: ids, pointers, register entries, link targets.

    Diagnostics are made for `files` only; `context` (registers beside files named
    on the command line) is read for its ids. `unread` holds the names of the
    folder's files that could not be parsed: a diagnostic that only follows from
    one of them (an entry no book seems to refer to, a name pointing into a
    register that could not be read) is counted in the report, not listed.
    The pass reads attribute values; each distinct value is checked once.
    """
    members = files + context
    ids: Counter[str] = Counter()
    entries: set[tuple[str, str]] = set()
    pointed: set[str] = set()
    own_ids: list[set[str]] = []
    for parsed in members:
        values = _IDS(parsed.tree)
        ids.update(values)
        own_ids.append(set(values))
        for kind in _ENTRY_KINDS:
            entries.update((kind, entry) for entry in _ENTRY_IDS[kind](parsed.tree))
        for value in set(_POINTERS(parsed.tree)):
            pointed.update(_pointed_ids(value))
    books = sum(1 for parsed in members if not parsed.is_register)
    by_name = {parsed.path.name: parsed for parsed in members}
    book_unread = any(name not in REGISTER_FILES.values() for name in unread)

    def error(parsed: ParsedFile, element: etree._Element, message: str, code: str,
              level: str = "error") -> None:
        line, col = locate(parsed, element)
        report.add(Diagnostic(parsed.shown, line, col, level, message, code))  # type: ignore[arg-type]

    for parsed, own in zip(files, own_ids):
        tree, holding = parsed.tree, Holders(parsed.tree)
        for xml_id in own:
            if ids[xml_id] > 1:
                for element in holding("xml:id", xml_id):
                    error(parsed, element,
                          f'xml:id "{xml_id}" is used {ids[xml_id]} times in the edition; '
                          "identifiers must be unique across all files: give this "
                          f"{etree.QName(element).localname} a different id (and never rename "
                          "one that has been published)", "id-unique")
        if books:
            for kind in _ENTRY_KINDS:
                for entry in _ENTRY_IDS[kind](tree):
                    if entry in pointed:
                        continue
                    if book_unread:
                        report.suppressed += 1
                        continue
                    for element in holding(kind, entry):
                        error(parsed, element,
                              f'register entry "{entry}" is referred to by no mention in the '
                              "books: tag its mentions, or remove the entry if the books "
                              "never name it", "entry-referenced", "warning")
        for target in set(_TARGETS(tree)):
            problems = target_problems(target, own)
            for element in holding("target", target) if problems else ():
                for message, code in problems:
                    error(parsed, element, message, code)
        for ptr in _PASSAGE_PTRS(tree):
            target = ptr.get("target", "")
            file, _, passage = target.partition("#")
            book = by_name.get(file)
            if book is None:
                if file not in unread:
                    error(parsed, ptr, f'@target="{printable(target)}" points into "{file}", '
                          "which is not a book of the edition beside this file: write "
                          "carr-russian-revolution.xml#ID or rothstein-history-ussr.xml#ID",
                          "passage-resolves")
                continue
            found = book.by_id.get(passage)
            if found is None:
                error(parsed, ptr, f'@target="{printable(target)}": {file} has no xml:id '
                      f'"{passage}": point to the paragraph or note that narrates the event '
                      "(an id that was renamed is in tei/ids/redirects.tsv)", "passage-resolves")
            elif etree.QName(found).localname not in ("p", "note"):
                error(parsed, ptr, f'@target="{printable(target)}" points to a '
                      f"{etree.QName(found).localname}, not a paragraph or a note: point to "
                      "the passages (p, note) that narrate the event", "passage-is-passage")
        for resp in set(_RESPS(tree)):
            if any(token.startswith("#") and token[1:] not in own for token in resp.split()):
                for element in holding("resp", resp):
                    error(parsed, element,
                          f'@resp="{resp}" points to no xml:id in this file: point it to '
                          "the respStmt (or person) in this file's teiHeader that is "
                          "responsible", "resp-resolves")
        for name, (expected_file, kind) in _NAME_TARGETS.items():
            for ref in set(_NAME_REFS[name](tree)):
                file, hash_mark, entry = ref.partition("#")
                if hash_mark and file == expected_file and (kind, entry) in entries:
                    continue
                found = holding(name, ref)
                if file == expected_file and expected_file in unread:
                    report.suppressed += len(found)
                    continue
                for element in found:
                    error(parsed, element,
                          f'@ref="{ref}" on {name} does not point to a {kind} of the '
                          f'register: write ref="{expected_file}#ID" with the xml:id of an '
                          f"entry in tei/{expected_file}, or add the entry there",
                          "ref-resolves")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable(value: str) -> str:
    """`value` with control characters escaped, to keep a diagnostic on one line."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", value)


def target_problems(target: str, own: set[str]) -> list[tuple[str, str]]:
    """What is wrong with a @target (message, code): a pointer `#id` that does not
    resolve in the file, a link no reader should follow.

    The whole value is checked as a browser would read it too: a browser drops
    the newline in "java&#10;script:", which splits it into two pointers here.
    """
    shown = f'@target="{printable(target)}"'
    whole = link_target_problem(target)
    if whole:
        return [(f"{shown}: {whole}", "link-scheme")]
    problems = []
    tokens = target.split()
    for token in tokens or [target]:
        which = shown if len(tokens) == 1 else f'"{printable(token)}" in {shown}'
        problem = link_target_problem(token)
        if problem:
            problems.append((f"{which}: {problem}", "link-scheme"))
        elif token.startswith("#") and token[1:] not in own:
            unresolved = (f"{which} points to no xml:id in this file: correct the target "
                          "or give the intended element that id")
            problems.append((unresolved, "target-resolves"))
    return problems


# ------------------------------------------------------------------ redirects


def check_redirects(path: Path, report: Report) -> None:
    """`ids/redirects.tsv`: each line `old-id<TAB>new-id`, both valid identifiers."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        report.add(Diagnostic(shown, 0, 0, "error", f"cannot read the redirects: {error}",
                              "redirect-id"))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            for column, problem in redirect_problems(line):
                report.add(Diagnostic(shown, number, column, "error", problem, "redirect-id"))


# ------------------------------------------------------------------ tei_all


def check_tei_all(files: list[ParsedFile], report: Report) -> None:
    """Conformance to the full TEI P5 schema: jing when installed, else lxml (slow)."""
    jing = shutil.which("jing")
    if jing:
        result = subprocess.run(
            [jing, str(SCHEMA_DIR / "tei_all.rng"), *[str(f.path) for f in files]],
            capture_output=True, text=True, check=False,
        )
        by_path = {str(f.path): f for f in files}
        for line in result.stdout.splitlines():
            match = re.match(r"(.+?):(\d+):(\d+): (error|warning|fatal): (.*)", line)
            if not match:
                continue
            path, ln, col, level, message = match.groups()
            parsed = by_path.get(path)
            shown = parsed.shown if parsed else path
            report.add(Diagnostic(shown, int(ln), int(col),
                                  "warning" if level == "warning" else "error",
                                  f"not conformant to TEI P5 (tei_all): {message}", "tei-all"))
        return
    grammar = tei_all_grammar()
    for parsed in files:
        check_grammar(parsed, grammar, "tei-all", report)


# ------------------------------------------------------------------ entry point


def collect_paths(paths: list[Path], report: Report) -> list[Path]:
    """The XML files named by `paths` (folders give their *.xml files, sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.glob("*.xml") if p.is_file())
            if not files:
                report.add(Diagnostic(display_path(path), 0, 0, "error",
                                      "no TEI files (*.xml) in this folder: nothing was "
                                      "validated; run `edition ingest BOOK` to make a book's "
                                      "TEI, or name the files to check", "no-files"))
            found.extend(files)
        elif path.is_file():
            found.append(path)
        else:
            report.add(Diagnostic(display_path(path), 0, 0, "error",
                                  "no such file or folder: check the path", "no-such-path"))
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def validate_paths(paths: list[Path], tei_all: bool = False) -> Report:
    """Validate the TEI files at `paths`; return every problem found, sorted."""
    report = Report()
    files = collect_paths(paths, report)
    report.files = [display_path(p) for p in files]
    by_folder: dict[Path, list[ParsedFile]] = defaultdict(list)
    unread: dict[Path, set[str]] = defaultdict(set)
    for path in files:
        folder = path.resolve().parent
        by_folder.setdefault(folder, [])
        parsed = parse_file(path, report)
        if parsed is None:
            unread[folder].add(path.name)
            continue
        check_grammar(parsed, edition_grammar(), "edition-rng", report)
        check_rules(parsed, report)
        check_page_order(parsed, report)
        check_calendars(parsed, report)
        check_header_counts(parsed, report)
        by_folder[folder].append(parsed)
    for folder, parsed_files in sorted(by_folder.items()):
        named = {p.path.resolve() for p in parsed_files} | {folder / n for n in unread[folder]}
        context = []
        for name in REGISTER_FILES.values():
            if (folder / name).is_file() and (folder / name).resolve() not in named:
                register = parse_file(folder / name, Report())
                if register is None:
                    unread[folder].add(name)
                else:
                    context.append(register)
        check_references(parsed_files, context, unread[folder], report)
        redirects = folder / "ids" / "redirects.tsv"
        if redirects.is_file():
            report.files.append(display_path(redirects))
            check_redirects(redirects, report)
    if tei_all:
        valid = [p for parsed_files in by_folder.values() for p in parsed_files]
        if valid:
            check_tei_all(valid, report)
    report.sort()
    return report
