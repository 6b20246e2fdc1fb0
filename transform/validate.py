"""Validation of the edition's TEI: well-formedness, edition.rng, Schematron (and tei_all).

Files are checked in that order; a file that is not well-formed goes no further.
Schematron runs once per folder over all the folder's files together (see the
comment at the top of schema/edition.sch), so that identifiers and references are
checked across books and registers. Every problem becomes a located `Diagnostic`.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from lxml import etree, isoschematron

from transform.diagnostics import Diagnostic, Report, display_path
from transform.edition import REGISTER_FILES, SCHEMA_DIR
from transform.xmlsafe import UnsafeXMLError, check_no_entities, safe_parser

VALIDATION_NS = "urn:x-edition:validation"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
SVRL = {"svrl": SVRL_NS}


@cache
def edition_grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "edition.rng"), safe_parser()))


@cache
def edition_rules() -> isoschematron.Schematron:
    # No svrl:fired-rule elements: the report would hold one per checked element.
    return isoschematron.Schematron(
        etree.parse(str(SCHEMA_DIR / "edition.sch"), safe_parser()), store_report=True,
        compile_params={"generate-fired-rule": "'false'"},
    )


@cache
def tei_all_grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "tei_all.rng"), safe_parser()))


@dataclass
class ParsedFile:
    """A TEI file that parsed, with the lines of its text for locating columns."""

    path: Path
    tree: etree._ElementTree
    lines: list[str]
    _by_line: dict[int, list[etree._Element]] | None = None

    @cached_property
    def shown(self) -> str:
        return display_path(self.path)

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
    tag = re.compile(rf"<(?:\w+:)?{re.escape(name)}(?=[\s/>]|$)")
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


# ------------------------------------------------------------------ stages


def parse_file(path: Path, report: Report) -> ParsedFile | None:
    """Parse safely; report syntax errors and entity declarations, located."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        report.add(Diagnostic(shown, 0, 0, "error", f"cannot read the file: {error.strerror}",
                              "unreadable"))
        return None
    doctype = re.search(rb"<!DOCTYPE", raw[:4096])
    if doctype:
        line = raw.count(b"\n", 0, doctype.start()) + 1
        declares = b"<!ENTITY" in raw[: raw.find(b"]>") + 2 if b"]>" in raw else 4096]
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
    try:
        check_no_entities(tree)
    except UnsafeXMLError as error:
        report.add(Diagnostic(shown, error.line, 1, "error", str(error), "entities"))
        return None
    root = tree.getroot()
    if root.tag != "{http://www.tei-c.org/ns/1.0}TEI":
        report.add(Diagnostic(shown, root.sourceline or 1, 1, "error",
                              f"the root element is <{root.tag}>, not a TEI element in the TEI "
                              "namespace: every file in tei/ must be "
                              '<TEI xmlns="http://www.tei-c.org/ns/1.0">', "not-tei"))
        return None
    return ParsedFile(path, tree, raw.decode("utf-8", errors="replace").splitlines())


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


def check_grammar(parsed: ParsedFile, grammar: etree.RelaxNG, code: str,
                  report: Report) -> bool:
    if grammar.validate(parsed.tree):
        return True
    seen: set[tuple[int, str]] = set()
    for entry in grammar.error_log:
        element = None
        if entry.path:
            found = parsed.tree.xpath(entry.path)
            element = found[0] if found and isinstance(found[0], etree._Element) else None
        line, col = entry.line, entry.column
        if not col and element is not None:
            line, col = locate(parsed, element)
        message = explain_rng(entry.message)
        if (line, message) in seen:
            continue
        seen.add((line, message))
        report.add(Diagnostic(parsed.shown, line, col, "error", message, code))
    return False


def check_rules(files: list[ParsedFile], context: list[ParsedFile], report: Report) -> None:
    """Run the Schematron over `files` plus `context`; report only on `files`."""
    corpus = etree.Element(f"{{{VALIDATION_NS}}}corpus")
    members = files + context
    for parsed in members:
        corpus.append(copy.deepcopy(parsed.tree.getroot()))
    books = sum(1 for parsed in members if parsed.path.name not in REGISTER_FILES.values())
    corpus.set("books", str(books))
    rules = edition_rules()
    if rules.validate(etree.ElementTree(corpus)):
        return
    svrl = rules.validation_report
    for failure in svrl.iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"):
        found = follow_location(failure.get("location", ""), members)
        if found is None:
            continue
        position, element = found
        if position >= len(files):
            continue
        parsed = members[position]
        level = "warning" if failure.get("role") == "warning" else "error"
        text = " ".join("".join(failure.find("svrl:text", SVRL).itertext()).split())
        line, col = locate(parsed, element)
        code = (failure.get("id") or "schematron").split(".")[0]
        if code == "stray-marker":
            line, col = locate_character(parsed, line, col, FOOTNOTE_MARKERS)
        report.add(Diagnostic(parsed.shown, line, col, level, text, code))


_XPATH_NUMBER = re.compile(r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*")
_PB = "{http://www.tei-c.org/ns/1.0}pb"


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


_STEP = re.compile(r"/\*\[local-name\(\)='([^']+)' and namespace-uri\(\)='([^']*)'\](?:\[(\d+)\])?")


def follow_location(location: str, members: list[ParsedFile]) -> tuple[int, etree._Element] | None:
    """The file (its position among `members`) and element an SVRL location names.

    The location is a path from the corpus wrapper (`/*[local-name()='corpus' …]
    /*[local-name()='TEI' …][2]/…`); its steps are followed in the original
    file's tree, child by child, instead of evaluating the path as XPath, which
    would test every sibling at every step.
    """
    steps = _STEP.findall(location)
    if len(steps) < 2:
        return None
    position = int(steps[1][2] or 1) - 1
    if position >= len(members):
        return None
    element = members[position].tree.getroot()
    for local, namespace, index in steps[2:]:
        tag = f"{{{namespace}}}{local}" if namespace else local
        wanted = int(index or 1)
        for count, child in enumerate(element.iterchildren(tag), start=1):
            if count == wanted:
                element = child
                break
        else:
            return None
    return position, element


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
    valid: list[ParsedFile] = []
    for path in files:
        parsed = parse_file(path, report)
        if parsed is None:
            continue
        if check_grammar(parsed, edition_grammar(), "edition-rng", report):
            by_folder[path.resolve().parent].append(parsed)
        valid.append(parsed)
    for folder, parsed_files in sorted(by_folder.items()):
        named = {p.path.resolve() for p in parsed_files}
        context = [
            parsed
            for name in REGISTER_FILES.values()
            if (folder / name).is_file() and (folder / name).resolve() not in named
            for parsed in [parse_file(folder / name, Report())]
            if parsed is not None
        ]
        check_rules(parsed_files, context, report)
        for parsed in parsed_files:
            check_page_order(parsed, report)
    if tei_all and valid:
        check_tei_all(valid, report)
    report.sort()
    return report
