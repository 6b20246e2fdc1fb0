"""OCR-text utilities shared by the readers: hyphen decisions, line widths, ids, TEI building.

Everything here works on plain strings and lxml elements in the TEI namespace; nothing
knows about one particular book. The readers (`rothstein`, `carr`) compose these helpers.

Hyphens at line ends are decided by the words themselves, never by a blind rule
(`decide_hyphen`): the book's own vocabulary (how the word is printed where it does not
fall at a line end) first, then an English word list (`wordfreq`), then the shape of
the parts (capitalised halves such as `Brest-Litovsk` keep their hyphen).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from wordfreq import zipf_frequency

from transform.edition import TEI_NS, XML_NS

# ----------------------------------------------------------------------- words

#: Letters of a word as the book prints them (apostrophes inside words included).
WORD_CORE = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)*", re.UNICODE)
#: A token between spaces: leading and trailing punctuation are stripped for lookups.
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$", re.UNICODE)
#: Possessive endings stripped before looking a word up (`landlord’s` -> `landlord`).
_POSSESSIVE = re.compile(r"[’']s$")

#: A word is "known" to the English word list at or above this Zipf frequency
#: (3.0 = once per million words; 1.5 admits rare but real words like `peasantries`).
KNOWN_ZIPF = 1.5


def core_word(token: str) -> str:
    """The token without surrounding punctuation and possessive ending, for lookups."""
    word = _EDGE_PUNCT.sub("", token)
    return _POSSESSIVE.sub("", word)


@lru_cache(maxsize=65536)
def english_zipf(word: str) -> float:
    """Zipf frequency of `word` in English (wordfreq), 0.0 when unknown."""
    if not word:
        return 0.0
    return zipf_frequency(word, "en")


def book_vocabulary(lines: Iterable[str]) -> Counter[str]:
    """Lower-cased words of the book as printed *inside* lines (not split at a line end).

    Hyphenated compounds are counted whole (`one-fifth`) and their solid form is not:
    this is the evidence `decide_hyphen` weighs first. The last token of a line that
    ends with a hyphen is left out, since it is exactly what is to be decided.
    """
    vocabulary: Counter[str] = Counter()
    for line in lines:
        tokens = line.split()
        if tokens and tokens[-1].endswith("-"):
            tokens = tokens[:-1]
        for token in tokens:
            word = core_word(token).lower()
            if word:
                vocabulary[word] += 1
    return vocabulary


@dataclass(frozen=True)
class HyphenDecision:
    """What to do with a hyphen at the end of a line: keep it (a compound) or drop it."""

    left: str
    right: str
    keep: bool
    reason: str

    @property
    def joined(self) -> str:
        """The word as it is to be printed in the edition."""
        return f"{self.left}-{self.right}" if self.keep else f"{self.left}{self.right}"


def decide_hyphen(
    left: str,
    right: str,
    vocabulary: Counter[str],
    overrides: dict[str, bool] | None = None,
) -> HyphenDecision:
    """Decide whether the hyphen between `left` (before `-`) and `right` is part of the word.

    `left` is the fragment before the end-of-line hyphen (without the hyphen), `right`
    the first token of the next line (punctuation allowed). The evidence, in order:
    an editor's override (keyed by the hyphenated form, lower-cased); how often the
    book prints the hyphenated and the solid form inside lines; whether either part is
    capitalised (names: `Brest-Litovsk`, `Anglo-Soviet`); the English word list; and,
    when nothing speaks for the compound, the solid word (the printer's hyphen).
    """
    left_core = _EDGE_PUNCT.sub("", left)
    right_core = core_word(right)
    # `Social-` + `ist-Revolutionaries`: the decision concerns the first component only.
    right_first = right_core.split("-")[0]
    if overrides:
        for key in (f"{left_core}-{right_core}".lower(), f"{left_core}-{right_first}".lower()):
            if key in overrides:
                return HyphenDecision(left, right, overrides[key], "editor")
    # A hyphenated left part (`Anglo-Soviet-` + `American`) is a compound already.
    if "-" in left_core:
        return HyphenDecision(left, right, True, "compound-left")
    for right_part in (right_core, right_first):
        as_hyphenated = vocabulary.get(f"{left_core}-{right_part}".lower(), 0)
        as_solid = vocabulary.get(f"{left_core}{right_part}".lower(), 0)
        if as_hyphenated or as_solid:
            return HyphenDecision(left, right, as_hyphenated > as_solid, "book")
    if not right_first or right_first[0].isdigit() or (left_core and left_core[-1].isdigit()):
        return HyphenDecision(left, right, True, "number")
    if right_first[:1].isupper():
        return HyphenDecision(left, right, True, "capital")
    if _book_prefers_hyphenated_prefix(left_core.lower(), vocabulary):
        return HyphenDecision(left, right, True, "book-prefix")
    if english_zipf(f"{left_core}{right_first}".lower()) >= KNOWN_ZIPF:
        return HyphenDecision(left, right, False, "wordlist")
    left_known = len(left_core) > 2 and english_zipf(left_core.lower()) >= 3.0
    right_known = len(right_first) > 2 and english_zipf(right_first.lower()) >= 3.0
    if left_known and right_known:
        return HyphenDecision(left, right, True, "wordlist-parts")
    return HyphenDecision(left, right, False, "default")


def _book_prefers_hyphenated_prefix(prefix: str, vocabulary: Counter[str]) -> bool:
    """Whether the book, inside lines, prints `prefix-…` compounds more than `prefix…` words.

    Evidence for prefixes such as `counter-` or `anti-` when the exact word never
    occurs inside a line; only a real word of three letters or more counts as a prefix,
    so that syllables (`com-`, `re-`) never qualify.
    """
    if len(prefix) < 3 or english_zipf(prefix) < 3.0:
        return False
    hyphenated = solid = 0
    for word, count in vocabulary.items():
        if word.startswith(prefix) and len(word) > len(prefix):
            if word[len(prefix)] == "-":
                hyphenated += count
            else:
                solid += count
    return hyphenated >= 3 and hyphenated > solid


# ------------------------------------------------------------------ line width

# Advance widths (in 1/1000 em) of a Times-like book face; OCR keeps no geometry, but the
# printed width of a line (a full line, an indented first line, a narrower quotation) can
# be estimated from its letters far better than from its character count.
_LOWER = dict(zip("abcdefghijklmnopqrstuvwxyz",
                  (444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778,
                   500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444)))
_UPPER = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                  (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889,
                   722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611)))
_GLYPH_WIDTHS: dict[str, int] = {
    **_LOWER, **_UPPER, **{d: 500 for d in "0123456789"},
    " ": 250, ".": 250, ",": 250, "-": 333, ":": 278, ";": 278, "‘": 333, "’": 333,
    "'": 180, '"': 408, "–": 500, "—": 1000, "(": 333, ")": 333, "*": 500, "?": 444,
    "!": 333, "/": 278, "£": 500, "%": 833, "&": 778,
}


def line_width(text: str) -> float:
    """Estimated printed width of a line in ems (leading/trailing spaces ignored)."""
    return sum(_GLYPH_WIDTHS.get(ch, 500) for ch in text.strip()) / 1000


# ------------------------------------------------------------------------ ids

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def make_id(*parts: str | int) -> str:
    """A readable xml:id from parts: `make_id("roth", "ch3", "s2")` -> `roth-ch3-s2`."""
    cleaned = [_ID_UNSAFE.sub("-", str(part)).strip("-") for part in parts]
    return "-".join(part for part in cleaned if part)


def roman_to_int(numeral: str) -> int:
    """Value of a Roman numeral (`XIV` -> 14); raises ValueError on anything else."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    numeral = numeral.strip().upper()
    if not numeral or any(ch not in values for ch in numeral):
        raise ValueError(f"not a Roman numeral: {numeral!r}")
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " "):
        value = values[ch]
        total += -value if nxt in values and values[nxt] > value else value
    return total


# ------------------------------------------------------------- TEI building

def tei(tag: str, attrib: dict[str, str] | None = None, text: str | None = None,
        *children: etree._Element) -> etree._Element:
    """A TEI element; `xml:id` may be given as `"xml:id"` in `attrib`."""
    element = etree.Element(f"{{{TEI_NS}}}{tag}", nsmap={None: TEI_NS})
    for key, value in (attrib or {}).items():
        if key.startswith("xml:"):
            key = f"{{{XML_NS}}}{key[4:]}"
        element.set(key, value)
    if text is not None:
        element.text = text
    for child in children:
        element.append(child)
    return element


def sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None,
        text: str | None = None) -> etree._Element:
    """Append a new TEI child to `parent` and return it."""
    child = tei(tag, attrib, text)
    parent.append(child)
    return child


def paragraphs(parent: etree._Element, tag: str, texts: Iterable[str]) -> None:
    """Append one `tag` child per text (a helper for header prose)."""
    for text in texts:
        sub(parent, tag, text=text)


@dataclass(frozen=True)
class Responsibility:
    """One `respStmt` of the header: who did what, with the id corrections point to."""

    xml_id: str
    resp: str
    name: str


@dataclass(frozen=True)
class HeaderSpec:
    """What a book's `teiHeader` says; the prose of each declaration is given by the reader."""

    title: str
    author: str
    responsibilities: tuple[Responsibility, ...]
    edition: str
    publisher: str
    availability: tuple[str, ...]
    source_bibl: str
    source_notes: tuple[str, ...]
    project: tuple[str, ...]
    editorial: dict[str, tuple[str, ...]]
    languages: tuple[tuple[str, str], ...]
    changes: tuple[tuple[str, str, str], ...]
    extent: str | None = None


def build_header(spec: HeaderSpec) -> etree._Element:
    """A full `teiHeader` from `spec` (fileDesc, encodingDesc, profileDesc, revisionDesc).

    `spec.editorial` maps an `editorialDecl` part (`correction`, `normalization`,
    `hyphenation`, `quotation`, `segmentation`, `interpretation`) to its paragraphs;
    the part names are TEI element names, kept in the order given.
    """
    header = tei("teiHeader")
    file_desc = sub(header, "fileDesc")
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", {"type": "main"}, spec.title)
    sub(title_stmt, "title", {"type": "sub"}, "A TEI edition")
    sub(title_stmt, "author", text=spec.author)
    for responsibility in spec.responsibilities:
        resp_stmt = sub(title_stmt, "respStmt", {"xml:id": responsibility.xml_id})
        sub(resp_stmt, "resp", text=responsibility.resp)
        sub(resp_stmt, "name", text=responsibility.name)
    edition_stmt = sub(file_desc, "editionStmt")
    sub(edition_stmt, "edition", text=spec.edition)
    if spec.extent:
        sub(file_desc, "extent", text=spec.extent)
    publication = sub(file_desc, "publicationStmt")
    sub(publication, "publisher", text=spec.publisher)
    availability = sub(publication, "availability", {"status": "restricted"})
    paragraphs(availability, "p", spec.availability)
    source_desc = sub(file_desc, "sourceDesc")
    bibl = sub(source_desc, "bibl", text=spec.source_bibl)
    for note in spec.source_notes:
        sub(bibl, "note", text=note)
    encoding = sub(header, "encodingDesc")
    project = sub(encoding, "projectDesc")
    paragraphs(project, "p", spec.project)
    editorial = sub(encoding, "editorialDecl")
    for part, texts in spec.editorial.items():
        attrib = {"eol": "hard"} if part == "hyphenation" else None
        if part == "quotation":
            attrib = {"marks": "all"}
        if part == "correction":
            attrib = {"method": "markup"}
        element = sub(editorial, part, attrib)
        paragraphs(element, "p", texts)
    profile = sub(header, "profileDesc")
    lang_usage = sub(profile, "langUsage")
    for ident, label in spec.languages:
        sub(lang_usage, "language", {"ident": ident}, label)
    revision = sub(header, "revisionDesc")
    for when, who, what in spec.changes:
        sub(revision, "change", {"when": when, "who": who}, what)
    return header
