"""Proofing aid: the words of a TEI book that no word list vouches for, in context.

A word is vouched for when it is common English (wordfreq), when the book itself
uses it often enough to be deliberate, or when it is a name or name part in the
shared registers. What is left is listed with its contexts, so that an editor can
work through it and correct the TEI (choice/sic/corr). Three further kinds of
suspect are found: run-together words that split into two common words
(`delegatesand`, a lost dash), split words whose halves join into a common word
(`des patch`, also when the book writes the joined word elsewhere), tokens whose
case breaks inside the word (`IQPerspective`), and tokens mixing letters with digits.

Readings already corrected (inside `sic`) and text marked `surplus` are skipped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from wordfreq import zipf_frequency

from transform.diagnostics import display_path
from transform.edition import TEI_NS
from transform.registers import read_registers
from transform.tei import NOT_READING, reading_text
from transform.xmlsafe import parse_tei

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
# Two words with one space between them, neither part of a hyphenated compound or of
# a token with figures ("counter-revolutionary", "29th an").
PAIR = re.compile(r"(?=(?<![\w’'-])([^\W\d_]+) ([^\W\d_]+)(?![\w’'-]))")
FUNCTION_WORD_ZIPF = 5.5
CASE_BREAK = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
MIXED = re.compile(r"\b(?=\w*\d)(?=\w*[^\W\d_])\w+\b")
SKIPPED = NOT_READING | {f"{{{TEI_NS}}}teiHeader"}
# Text that is not running prose of the book's language.
FOREIGN = {f"{{{TEI_NS}}}{name}" for name in ("foreign", "idno", "geo")}


@dataclass(frozen=True)
class Context:
    line: int
    text: str


@dataclass
class Suspect:
    """A word (or pair of words) to check, with where it occurs."""

    kind: str
    word: str
    suggestion: str
    contexts: list[Context] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.contexts)


@dataclass
class ProofReport:
    path: Path
    words: int
    suspects: list[Suspect]

    def lines(self, limit_contexts: int = 3) -> list[str]:
        shown = display_path(self.path)
        out = []
        for suspect in self.suspects:
            first = suspect.contexts[0]
            hint = f" (perhaps: {suspect.suggestion})" if suspect.suggestion else ""
            contexts = " | ".join(c.text for c in suspect.contexts[:limit_contexts])
            out.append(f"{shown}:{first.line}:0: warning: {suspect.kind} "
                       f"\"{suspect.word}\" ×{suspect.count}{hint}: {contexts} "
                       f"[proof-{suspect.kind.replace(' ', '-')}]")
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "path": display_path(self.path),
            "words": self.words,
            "suspects": [
                {"kind": s.kind, "word": s.word, "suggestion": s.suggestion, "count": s.count,
                 "contexts": [{"line": c.line, "text": c.text} for c in s.contexts]}
                for s in self.suspects
            ],
        }


BLOCKS = {f"{{{TEI_NS}}}{name}" for name in (
    "p", "head", "item", "label", "l", "note", "cell", "quote", "bibl", "titlePart",
    "docAuthor", "docImprint", "docDate", "byline", "dateline", "signed", "trailer", "figDesc",
)}


def skipped(element: etree._Element) -> bool:
    """Text that is not the book's reading: header, sic, surplus, foreign words, and
    the editors' own notes (`note type="editorial"`)."""
    return element.tag in SKIPPED or element.tag in FOREIGN or (
        element.tag == f"{{{TEI_NS}}}note" and element.get("type") == "editorial"
    )


def text_blocks(root: etree._Element) -> list[tuple[int, str]]:
    """The book's reading text as (line, text) blocks: one per paragraph, head, note….

    Header, sic, surplus, foreign words and editorial notes are skipped; a block inside
    another (a note in a paragraph) is a block of its own, left out of the one around it;
    a break inside a word (`break="no"`) joins the word's halves (`reading_text`).
    """
    ends = etree.iterwalk(root, events=("end",), tag=BLOCKS)  # a block after those inside it
    return sorted(((block.sourceline or 0, reading_text(block, leave_out=BLOCKS | FOREIGN))
                   for _, block in ends
                   if not skipped(block) and not any(skipped(a) for a in block.iterancestors())),
                  key=lambda b: b[0])


NOTE_TAG = f"{{{TEI_NS}}}note"


def pattern_blocks(root: etree._Element) -> list[tuple[int, str]]:
    """The reading text of each outermost block and of each note, whole: the works a
    paragraph of Further Reading cites (`bibl`) stay in it, so that the punctuation
    between them is read as printed."""
    found = []
    for _, block in etree.iterwalk(root, events=("end",), tag=BLOCKS):
        if skipped(block) or any(skipped(a) for a in block.iterancestors()):
            continue
        if block.tag != NOTE_TAG and any(a.tag in BLOCKS for a in block.iterancestors()):
            continue
        found.append((block.sourceline or 0, reading_text(block, leave_out={NOTE_TAG})))
    return sorted(found, key=lambda b: b[0])


def register_vocabulary(folder: Path) -> set[str]:
    """Every word the registers beside the book give: their names and descriptions."""
    return {word.lower() for entries in read_registers(folder).values() for entry in entries
            for text in (*(name.text for name in entry.names), entry.description,
                         entry.occupation)
            for word in WORD.findall(text)}


def is_common(word: str, min_zipf: float) -> bool:
    return zipf_frequency(word, "en") >= min_zipf


def proof(path: Path, min_zipf: float = 2.0, book_count: int = 3) -> ProofReport:
    """List the suspect words of the TEI book at `path`."""
    root = parse_tei(path).getroot()
    lines: dict[int, str] = defaultdict(str)
    for line, text in text_blocks(root):
        lines[line] = f"{lines[line]} {text}".strip()

    tokens: list[tuple[int, str]] = [(line, m.group(0)) for line, text in lines.items()
                                     for m in WORD.finditer(text)]
    counts = Counter(word.lower() for _, word in tokens)
    names = register_vocabulary(path.parent)

    def known(word: str) -> bool:
        lower = word.lower().replace("’", "'")
        base = re.sub(r"'s$", "", lower)
        return (counts[word.lower()] >= book_count or base in names or lower in names
                or is_common(base, min_zipf))

    suspects: dict[tuple[str, str], Suspect] = {}

    def add(kind: str, word: str, suggestion: str, line: int) -> None:
        key = (kind, word)
        if key not in suspects:
            suspects[key] = Suspect(kind, word, suggestion)
        suspects[key].contexts.append(Context(line, context_of(lines[line], word)))

    for line, word in tokens:
        if known(word) or CASE_BREAK.search(word):
            continue
        split = best_split(word, min_zipf)
        if split:
            add("run together", word, split, line)
        else:
            add("unknown word", word, "", line)

    for line, text in lines.items():
        words = WORD.findall(text)
        for pair in PAIR.finditer(text):
            first, second = pair.group(1), pair.group(2)
            joined = first + second
            if len(first) < 2 or len(second) < 2 or not second.islower():
                continue
            half_unknown = not known(first) or not known(second)
            # A pair of ordinary words ("in to", "any one") is usually right even when
            # the book also writes the joined word: only rarer halves count there.
            rare_halves = max(zipf_frequency(first.lower(), "en"),
                              zipf_frequency(second.lower(), "en")) < FUNCTION_WORD_ZIPF
            if (half_unknown and is_common(joined.lower(), 3.0)) or (
                    rare_halves and counts[joined.lower()]):
                add("split word", f"{first} {second}", joined, line)
        for token in words:
            if CASE_BREAK.search(token) and not re.match(r"(Mc|Mac|O')[A-Z]", token):
                add("mixed case", token, best_split(token, min_zipf), line)
        for match in MIXED.finditer(text):
            token = match.group(0)
            if not re.fullmatch(r"\d+(st|nd|rd|th|s|'s)?", token):
                add("mixed token", token, "", line)

    def settled(word: str) -> bool:
        """A word too common, or too often in the book, to be a misread name."""
        return counts[word.lower()] >= book_count or is_common(word.lower(), 3.5)

    for line, text in pattern_blocks(root):
        if line not in lines:
            lines[line] = text
        for kind, word, suggestion in pattern_suspects(text, settled, names):
            add(kind, word, suggestion, line)
    for kind, word, suggestion, line in minority_abbreviations(lines):
        add(kind, word, suggestion, line)

    ordered = sorted(suspects.values(), key=lambda s: (s.contexts[0].line, s.kind, s.word))
    return ProofReport(path, len(tokens), ordered)


# The classes of OCR error a program can find (the sweep of both books read every
# candidate of each; what it corrected is in transform/corrections/, class by class).
# A full stop before a lower-case word or a figure, where a comma belongs ("March. 1938"),
# after a word that is no abbreviation.
STOP_FOR_COMMA = re.compile(
    r"(?<![\w.])([A-Za-z][a-z]{2,}|\d{4}|\)|\d+(?:st|nd|rd|th))\. (?![ivxlc]+[.)] )(?=[a-z]|\d)")
ABBREVIATIONS = frozenset({
    "cit", "cmd", "vol", "vols", "etc", "ibid", "viz", "cf", "pp", "ch", "chap", "ed", "eds", "edn",
    "trans", "op", "loc", "approx", "fig", "nos", "art", "arts", "para", "sec", "sect", "gen",
    "col", "lieut", "capt", "prof", "rev", "hon", "esq", "co", "inc", "ltd", "jan", "feb",
    "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "sq", "km", "cwt", "lb", "lbs",
    "cent", "ft", "ins", "mm", "ser", "vii", "viii", "xii", "xiii", "xiv", "xvi", "xvii"})
# An opening quotation mark before the figures of a year or decade ("Moscow ‘41", "the ‘90s"):
# the apostrophe of an elision is a closing mark.
ELISION = re.compile(r"(?<![\w’'])‘(\d\d(?:s|\b))")
# A space before a colon or semicolon ("replied : ‘There").
SPACED_STOP = re.compile(r"(\w+) ([:;])(?=\s|$)")
# Figure ranges with a doubled or spaced hyphen ("124--125", "63- 64").
RANGE = re.compile(r"\b\d+(?:--|- | -)\d+\b")
# A hyphen joined to the next word of a suspended compound ("coal-and iron-working").
SUSPENDED = re.compile(r"\b([a-z]+)-(and|or) ([a-z]+-[a-z]+)\b")
# Letters this kind of OCR confuses, both ways.
CONFUSIONS = (("rn", "m"), ("cl", "d"), ("li", "h"), ("ii", "u"), ("l", "i"), ("I", "l"),
              ("c", "e"), ("a", "o"), ("d", "b"), ("vv", "w"), ("0", "o"))


def confusion_readings(word: str) -> set[str]:
    """The words `word` becomes when one confusable letter group is read the other way."""
    found = set()
    for a, b in CONFUSIONS:
        for left, right in ((a, b), (b, a)):
            start = word.find(left)
            while start >= 0:
                found.add(word[:start] + right + word[start + len(left):])
                start = word.find(left, start + 1)
    found.discard(word)
    return found


def pattern_suspects(text: str, settled: Callable[[str], bool], names: set[str]
                     ) -> list[tuple[str, str, str]]:
    """The suspects of one block that a pattern finds: (kind, words, suggestion);
    `settled` says which words are too common to be a misread name."""
    found: list[tuple[str, str, str]] = []
    for match in STOP_FOR_COMMA.finditer(text):
        before = match.group(1)
        if before.lower() in ABBREVIATIONS or re.fullmatch(r"[ivxlc]+", before):
            continue
        found.append(("stop for comma", match.group(0).strip(), match.group(0).strip()[:-1]
                      .rstrip(".") + ","))
    for match in ELISION.finditer(text):
        found.append(("quote direction", match.group(0), "’" + match.group(1)))
    opening, closing = text.count("“"), text.count("”")
    if opening != closing:
        found.append(("unbalanced quotes", f"“×{opening} ”×{closing}", ""))
    for match in SPACED_STOP.finditer(text):
        found.append(("space before stop", match.group(0), match.group(1) + match.group(2)))
    for match in RANGE.finditer(text):
        found.append(("figure range", match.group(0), re.sub(r"--|- | -", "-", match.group(0))))
    for match in SUSPENDED.finditer(text):
        found.append(("suspended hyphen", match.group(0),
                      f"{match.group(1)}- {match.group(2)} {match.group(3)}"))
    for match in WORD.finditer(text):
        word = match.group(0)
        if not word[:1].isupper() or word.lower() in names or settled(word):
            continue
        near = sorted(w for w in confusion_readings(word) if w.lower() in names)
        if near:
            found.append(("letter confusion", word, near[0]))
    return found


def minority_abbreviations(lines: dict[int, str]) -> list[tuple[str, str, str, int]]:
    """Each `Mr.` (`Dr.`, `St.`, `Mrs.`) of a book that writes the abbreviation without a
    stop at least ten times as often, and the reverse."""
    found = []
    for abbreviation in ("Mr", "Mrs", "Dr", "St"):
        plain = re.compile(rf"\b{abbreviation}\b(?!\.)")
        stopped = re.compile(rf"\b{abbreviation}\.")
        without = sum(len(plain.findall(t)) for t in lines.values())
        with_stop = sum(len(stopped.findall(t)) for t in lines.values())
        if without >= 10 * max(with_stop, 1) and with_stop:
            found += [("abbreviation", f"{abbreviation}.", abbreviation, line)
                      for line, t in lines.items() for _ in stopped.findall(t)]
        elif with_stop >= 10 * max(without, 1) and without:
            found += [("abbreviation", abbreviation, f"{abbreviation}.", line)
                      for line, t in lines.items() for _ in plain.findall(t)]
    return found


def best_split(word: str, min_zipf: float) -> str:
    """`delegatesand` → `delegates—and`: the split into two common words, if any."""
    lower = word.lower()
    best = ""
    best_score = 0.0
    for cut in range(2, len(lower) - 1):
        left, right = lower[:cut], lower[cut:]
        if len(right) < 2:
            continue
        score = min(zipf_frequency(left, "en"), zipf_frequency(right, "en"))
        if score >= max(min_zipf + 1.5, 3.5) and score > best_score:
            best, best_score = f"{word[:cut]}—{word[cut:]}", score
    return best


def context_of(text: str, word: str, width: int = 40) -> str:
    index = text.find(word)
    if index < 0:
        return text[: 2 * width]
    start = max(0, index - width)
    end = min(len(text), index + len(word) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
