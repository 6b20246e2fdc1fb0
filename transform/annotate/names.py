"""Tag the mentions of people, places and organisations in a TEI book, from the registers.

A TEI→TEI pass: every block of running text (paragraph, heading, list item, note, verse
line, cell …) is read as one string (`transform.tei.read_stream`); the register forms are looked
for in it at word boundaries, longest form first; each mention found is wrapped in
persName/placeName/orgName with @ref. The pass

- never changes a character of the text (the wrap only moves text into a new element);
- never touches a name tagged before (by hand or by an earlier run): tagged names are
  barriers, so a second run finds nothing new (idempotent);
- leaves alone what the editor marked as not a mention: `<seg type="nonname">…</seg>`;
- does not look inside the title of a cited work (`title`), the header, or editorial notes;
- does not tag derived words (Russian, Leninism, Trotskyist): a form must end at a word
  boundary, a possessive 's excepted;
- decides ambiguous forms (Lvov the prince or the city) by the cues of data/context.txt,
  and marks a tag decided by default, without any cue, with cert="low";
- signs its own tags: resp="#{book}-names" points to a respStmt it adds to the header
  (with a change in revisionDesc), so that a tag made by hand (without that resp) is told
  apart and never touched, and `redo` can take back and remake the pass's own tags.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from transform.annotate.registers import Entry, Registers
from transform.edition import TEI_NS, XML_NS
from transform.tei import (
    PLACEHOLDER,
    Role,
    TextStream,
    WrapError,
    read_stream,
    unwrap,
    wrap_range,
)

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
DATA_DIR = Path(__file__).resolve().parent / "data"

# Elements whose running text is read as one stream (nested ones are barriers in the outer).
BLOCKS = frozenset({
    "p", "head", "item", "label", "l", "cell", "note", "quote", "bibl", "titlePart",
    "docAuthor", "docImprint", "byline", "dateline", "signed", "trailer", "figDesc", "desc",
    "salute", "closer", "opener", "epigraph",
})
# Contribute no text; may stand inside a name (a page break inside "Lloyd George").
ZERO_WIDTH = frozenset({"pb", "lb", "cb", "anchor", "surplus", "sic", "orig", "abbr"})
# Content that is not running text to be searched: names already tagged, cited titles.
OPAQUE = frozenset({"persName", "placeName", "orgName", "name", "rs", "title", "idno",
                    "teiHeader", "fw", "gap", "milestone", "graphic"})
# Containers whose own blocks are read separately: a barrier in the surrounding stream.
CONTAINERS = frozenset({"list", "figure", "table", "lg", "listBibl"})
# What a new name element may enclose (the schema admits these inside persName etc.).
ENCLOSABLE = frozenset({"pb", "lb", "cb", "anchor", "surplus", "choice", "hi", "emph",
                        "foreign", "supplied", "unclear"})
# Editorial marker for "this is not a mention": <seg type="nonname">Georgia</seg>.
NONNAME_TYPE = "nonname"

NAME_ELEMENTS = frozenset({"persName", "placeName", "orgName"})

WORD = re.compile(r"\w+")
# Initials before a surname: one capital, or a Russian digraph (Ya. M. Sverdlov); never an
# abbreviation such as Cf., Mr. or St., which a capital + any small letter would let in.
INITIALS_BEFORE = re.compile(r"(?<![\w.’'])((?:(?:[A-Z]|Ch|Sh|Zh|Kh|Ts|Ya|Yu|Th)\. ?){1,3})$")


def localname(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def is_nonname(element: etree._Element) -> bool:
    return localname(element) == "seg" and element.get("type") == NONNAME_TYPE


def is_editorial_note(element: etree._Element) -> bool:
    return localname(element) == "note" and element.get("type") == "editorial"


def role_of(element: etree._Element) -> Role:
    """How `element` takes part in the running text of the block it stands in."""
    name = localname(element)
    if name in ZERO_WIDTH:
        return Role.ZERO_WIDTH
    if name in OPAQUE or name in BLOCKS or name in CONTAINERS or is_nonname(element):
        return Role.BARRIER
    return Role.TRANSPARENT


def may_enclose(element: etree._Element) -> bool:
    return localname(element) in ENCLOSABLE


@dataclass(frozen=True)
class Cue:
    """One context cue of data/context.txt."""

    where: str  # "<" before, ">" after, "=" around, "book"
    pattern: re.Pattern[str] | str

    def found(self, before: str, after: str, book: str) -> bool:
        if self.where == "book":
            return self.pattern == book
        if self.where == "<":
            return bool(self.pattern.search(before[-60:]))
        if self.where == ">":
            return bool(self.pattern.search(after[:60]))
        return bool(self.pattern.search(before[-250:] + " " + after[:250]))

    @property
    def weight(self) -> int:
        """A cue next to the form (Prince Lvov) outweighs one somewhere in the paragraph."""
        return 3 if self.where in "<>" else 1


@dataclass(frozen=True)
class Candidate:
    """One possible reading of an ambiguous form: an entry id ("-" = not a mention)."""

    entry_id: str
    default: bool
    cues: tuple[Cue, ...]


def read_context_rules(path: Path = DATA_DIR / "context.txt") -> dict[str, list[Candidate]]:
    """Parse data/context.txt: for each ambiguous form, its candidates and their cues."""
    rules: dict[str, list[Candidate]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, entry_id, cue_text = (cell.strip() for cell in line.split("|", 2))
        cues: list[Cue] = []
        default = False
        for cue in (c.strip() for c in re.split(r";\s+(?=[<>=*]|book:)", cue_text)):
            if cue == "*":
                default = True
            elif cue.startswith("book:"):
                cues.append(Cue("book", cue[5:]))
            elif cue[:1] in "<>=":
                cues.append(Cue(cue[0], re.compile(cue[1:])))
            elif cue:
                raise ValueError(f"context.txt: cue {cue!r} of {form!r} has no position mark")
        rules[form].append(Candidate(entry_id, default, tuple(cues)))
    return dict(rules)


def read_blocklist(path: Path = DATA_DIR / "blocklist.txt") -> list[re.Pattern[str]]:
    """Parse data/blocklist.txt: phrases that contain a form but are not mentions."""
    return [re.compile(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Form:
    """A register form compiled for matching."""

    text: str
    pattern: re.Pattern[str]
    entries: tuple[Entry, ...]


def _form_pattern(form: str) -> re.Pattern[str]:
    pieces = [re.escape(token) for token in form.split()]
    body = r"\s+".join(pieces).replace("’", "['’]").replace("\\'", "['’]")
    return re.compile(body)


@dataclass
class Matcher:
    """Register forms indexed by their first word, longest first."""

    by_first_word: dict[str, list[Form]]
    rules: dict[str, list[Candidate]]
    blocklist: list[re.Pattern[str]]
    forenames: dict[str, set[str]]
    dropped: frozenset[str] = frozenset()  # entry ids of context rules absent from registers

    @classmethod
    def build(cls, registers: Registers, rules: dict[str, list[Candidate]] | None = None,
              blocklist: list[re.Pattern[str]] | None = None) -> Matcher:
        index: dict[str, list[Form]] = defaultdict(list)
        for form, entries in registers.forms.items():
            first = WORD.match(form)
            if first is None:
                continue
            index[first.group()].append(Form(form, _form_pattern(form), tuple(entries)))
            if any(ch.islower() for ch in form) and len(form) > 3:
                # headings set in capitals: STALINGRAD, THE BATTLE OF MOSCOW
                upper = form.upper()
                index[WORD.match(upper).group()].append(
                    Form(form, _form_pattern(upper), tuple(entries)))
        for forms in index.values():
            forms.sort(key=lambda f: -len(f.text))
        known = rules if rules is not None else read_context_rules()
        # A rule may name an entry the registers do not hold (the prince Lvov, whom neither
        # book names, is a reading kept for the tests' register): such a reading is left
        # out here and listed in `dropped`, so that a typo shows up in tests, not silently.
        usable: dict[str, list[Candidate]] = {}
        dropped: set[str] = set()
        for form, candidates in known.items():
            kept = [c for c in candidates
                    if c.entry_id == "-" or c.entry_id in registers.entries]
            dropped |= {c.entry_id for c in candidates if c not in kept}
            if kept:
                usable[form] = kept
        return cls(dict(index), usable,
                   blocklist if blocklist is not None else read_blocklist(),
                   registers.forenames, frozenset(dropped))


@dataclass(frozen=True)
class Mention:
    """A mention found in a stream: its span, the entry chosen and how it was chosen."""

    start: int
    end: int
    form: str
    entry: Entry
    by_default: bool  # several readings and no cue decided: tagged with cert="low"
    ambiguous: bool


def _right_boundary_ok(text: str, end: int) -> bool:
    following = text[end:end + 1]
    if not following:
        return True
    if following.isalnum() or following == "_":
        return False
    after = text[end + 1:end + 2]
    if following == "-" and after.islower():
        return False  # Moscow-based: a compound word, not a name
    if following in "’'" and after.isalpha():
        # Lenin's is a possessive; Don't is not a name
        return after == "s" and not text[end + 2:end + 3].isalnum()
    return True


def _left_boundary_ok(text: str, start: int) -> bool:
    if start == 0:
        return True
    previous = text[start - 1]
    if previous.isalnum() or previous == "_":
        return False
    # inside U.S.S.R. or O'Grady
    return not (previous in ".’'" and start >= 2 and text[start - 2].isalnum())


def decide(form: str, entries: tuple[Entry, ...], before: str, after: str, book: str,
           matcher: Matcher, registers_entries: dict[str, Entry]
           ) -> tuple[Entry | None, bool, bool]:
    """Choose the entry an ambiguous form names here: (entry or None, by_default, ambiguous)."""
    candidates = matcher.rules.get(form)
    if not candidates:
        return entries[0], len(entries) > 1, len(entries) > 1
    scored = [(sum(cue.weight for cue in c.cues if cue.found(before, after, book)), c)
              for c in candidates]
    best_score = max(score for score, _ in scored)
    readings = sum(c.entry_id != "-" for c in candidates)  # "-" only filters, it names nothing
    if best_score > 0:
        best = [c for score, c in scored if score == best_score]
        chosen = next((c for c in best if c.default), best[0])
        by_default = False
    else:
        chosen = next((c for c in candidates if c.default), candidates[0])
        by_default = readings > 1
    if chosen.entry_id == "-":
        return None, False, True
    return registers_entries[chosen.entry_id], by_default, readings > 1


def _blocked_in_context(matcher: Matcher, expand: Callable[[int, int], str], text: str,
                        start: int, end: int) -> bool:
    """True when a blocklist phrase covers the form once the names tagged around it are
    spelled out: "the Fifth All-<placeName>Turkestan</placeName> Congress of Soviets" is
    blocked on a second run as on the first, so that the pass is idempotent."""
    before = expand(max(0, start - 120), start)
    after = expand(end, min(len(text), end + 120))
    if before == text[max(0, start - 120):start] and after == text[end:end + 120]:
        return False  # nothing tagged around: the blocklist spans already decided
    local = before + text[start:end] + after
    first, last = len(before), len(before) + end - start
    return any(s < last and first < e for pattern in matcher.blocklist
               for s, e in (m.span() for m in pattern.finditer(local)))


def find_mentions(text: str, matcher: Matcher, entries: dict[str, Entry], book: str,
                  expand: Callable[[int, int], str] | None = None
                  ) -> tuple[list[Mention], list[tuple[int, int, str]]]:
    """All mentions in `text` (non-overlapping, left to right, longest form first).

    Returns the mentions and the forms left untagged because a blocklist phrase or a
    context rule said they are not mentions (span and form), for the report. `expand`
    gives the context text around a form with earlier tags spelled out (TextStream.expanded).
    """
    expand = expand or (lambda s, e: text[s:e])
    blocked = [m.span() for pattern in matcher.blocklist for m in pattern.finditer(text)]
    mentions: list[Mention] = []
    declined: list[tuple[int, int, str]] = []
    position = 0
    for word in WORD.finditer(text):
        start = word.start()
        if start < position or not _left_boundary_ok(text, start):
            continue
        for form in matcher.by_first_word.get(word.group(), ()):
            match = form.pattern.match(text, start)
            if match is None or not _right_boundary_ok(text, match.end()):
                continue
            end = match.end()
            if PLACEHOLDER in text[start:end]:
                continue
            if (any(s < end and start < e for s, e in blocked)
                    or _blocked_in_context(matcher, expand, text, start, end)):
                declined.append((start, end, form.text))
                position = end
                break
            entry, by_default, ambiguous = decide(
                form.text, form.entries, expand(max(0, start - 400), start),
                expand(end, min(len(text), end + 400)), book, matcher, entries)
            if entry is None:
                declined.append((start, end, form.text))
                position = end
                break
            start = _extend_left(text, start, entry, matcher)
            mentions.append(Mention(start, end, form.text, entry, by_default, ambiguous))
            position = end
            break
    return mentions, declined


def _extend_left(text: str, start: int, entry: Entry, matcher: Matcher) -> int:
    """Take in initials (A. M. Pankratova) or a forename (Sergei Kirov) before a surname."""
    if entry.kind != "persons":
        return start
    before = text[max(0, start - 24):start]
    initials = INITIALS_BEFORE.search(before)
    if initials and before.endswith(" "):
        return start - len(initials.group(1))
    forename = re.search(r"(?<![\w.’'])([A-Z][\w’'-]+) $", before)
    if forename and forename.group(1) in matcher.forenames.get(entry.id, ()):
        return start - len(forename.group(1)) - 1
    return start


@dataclass
class Decision:
    """An ambiguous form as decided, with its context, for the report."""

    form: str
    ref: str
    by_default: bool
    context: str


@dataclass
class BookAnnotation:
    """What one run over one book did: tags added by kind, decisions, failures."""

    path: str
    added: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    by_ref: Counter[str] = field(default_factory=Counter)
    decisions: list[Decision] = field(default_factory=list)
    declined: Counter[str] = field(default_factory=Counter)
    unwrappable: list[tuple[str, str]] = field(default_factory=list)
    untagged: Counter[str] = field(default_factory=Counter)
    untagged_contexts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _excluded(element: etree._Element) -> bool:
    """Whether `element` lies in a part of the file that is never annotated."""
    for ancestor in element.iterancestors():
        name = localname(ancestor)
        if name in OPAQUE or is_nonname(ancestor) or is_editorial_note(ancestor):
            return True
    return False


def blocks_of(root: etree._Element) -> list[etree._Element]:
    """The blocks of running text of a TEI document's text, in document order."""
    text = root.find(T + "text")
    if text is None:
        return []
    return [el for el in text.iter() if isinstance(el.tag, str) and localname(el) in BLOCKS
            and not is_editorial_note(el) and not _excluded(el)]


def _snippet(text: str, start: int, end: int) -> str:
    left = text[max(0, start - 50):start].replace(PLACEHOLDER, "·")
    right = text[end:end + 50].replace(PLACEHOLDER, "·")
    return " ".join(f"{left}[{text[start:end]}]{right}".split())


def annotator_id(root: etree._Element) -> str:
    """The xml:id of the respStmt that signs this pass's tags: {book prefix}-names."""
    return f"{root.get(XML_ID) or 'edition'}-names"


def sign_header(root: etree._Element, resp_id: str) -> None:
    """Record the pass in the header once: a respStmt in titleStmt, a change in revisionDesc."""
    if root.xpath("//*[@xml:id=$i]", i=resp_id):
        return
    title_stmt = root.find(f"{T}teiHeader/{T}fileDesc/{T}titleStmt")
    if title_stmt is None:
        return
    resp_stmt = etree.Element(T + "respStmt")
    resp_stmt.set(XML_ID, resp_id)
    etree.SubElement(resp_stmt, T + "resp").text = (
        "automatic tagging of persons, places and organisations from the registers "
        "(persons.xml, places.xml, orgs.xml)")
    etree.SubElement(resp_stmt, T + "name").text = "edition annotate"
    respons = [c for c in title_stmt if localname(c) in {"author", "editor", "respStmt",
                                                         "funder", "principal"}]
    anchor = respons[-1] if respons else title_stmt[-1]
    anchor.addnext(resp_stmt)
    revision = root.find(f"{T}teiHeader/{T}revisionDesc")
    if revision is not None:
        change = etree.SubElement(revision, T + "change")
        change.set("who", "#" + resp_id)
        change.text = ("Names tagged by edition annotate: persName, placeName and orgName "
                       f"with @ref into the registers, each with resp=\"#{resp_id}\"; "
                       "cert=\"low\" where an ambiguous form was decided by default.")


def annotate_tree(root: etree._Element, registers: Registers, book: str,
                  matcher: Matcher | None = None, path: str = "", *,
                  redo: bool = False) -> BookAnnotation:
    """Tag every mention in the TEI document `root` in place; return what was done.

    With `redo`, the tags this pass made before (resp="#…-names") are first taken back,
    so that changed registers or context rules are applied again; tags made by hand stay.
    """
    matcher = matcher or Matcher.build(registers)
    result = BookAnnotation(path)
    resp_id = annotator_id(root)
    own = f"#{resp_id}"
    if redo:
        for element in list(root.iter(T + "persName", T + "placeName", T + "orgName")):
            if element.get("resp") == own:
                unwrap(element)
    for element in root.iter(T + "persName", T + "placeName", T + "orgName"):
        if not _excluded(element) and element.get("ref"):
            result.existing[localname(element)] += 1
    for block in blocks_of(root):
        stream = read_stream(block, role_of)
        mentions, declined = find_mentions(stream.text, matcher, registers.entries, book,
                                           stream.expanded)
        for start, end, form in declined:
            result.declined[form] += 1
        for mention in reversed(mentions):  # right to left: earlier offsets stay valid
            _wrap_mention(stream, mention, result, own)
    if sum(result.added.values()):
        sign_header(root, resp_id)
    return result


def _wrap_mention(stream: TextStream, mention: Mention, result: BookAnnotation,
                  resp: str) -> None:
    entry = mention.entry
    element = etree.Element(T + entry.element)
    element.set("ref", entry.ref)
    element.set("resp", resp)
    if mention.by_default:
        element.set("cert", "low")
    snippet = _snippet(stream.text, mention.start, mention.end)
    try:
        wrap_range(stream, mention.start, mention.end, element, may_enclose, role_of)
    except WrapError as error:
        result.unwrappable.append((snippet, str(error)))
        return
    result.added[entry.element] += 1
    result.by_ref[entry.ref] += 1
    if mention.ambiguous:
        result.decisions.append(Decision(mention.form, entry.ref, mention.by_default, snippet))


STOPWORDS = frozenset(["a", "an", "the", "in", "on", "at", "but", "and", "when", "after", "by", "for", "if", "while", "as", "so", "then", "this", "that", "these", "those", "it", "he", "she", "they", "we", "i", "his", "her", "their", "our", "what", "with", "from", "to", "of", "during", "since", "until", "before", "under", "both", "only", "even", "yet", "nor", "not", "no", "its", "there", "here", "once", "now", "all", "some", "many", "most", "such", "each", "every", "another", "other", "thus", "however", "though", "although", "where", "which", "who", "whose", "how", "why", "one", "two", "three", "meanwhile", "moreover", "nevertheless", "again", "also", "even", "throughout", "between", "among", "against"])
CAPITALISED = re.compile(
    r"(?<![\w’'.-])[A-Z][\w’'-]*(?:\.(?=\s[A-Z]))?(?:\s+(?:of\s+|the\s+|and\s+)*[A-Z][\w’'-]*)*")


def read_not_names(path: Path = DATA_DIR / "not-names.txt") -> frozenset[str]:
    """Parse data/not-names.txt: capitalised words the review list leaves out."""
    return frozenset(w for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("#") for w in line.split())


def untagged_report(root: etree._Element, result: BookAnnotation) -> None:
    """Count the capitalised words and phrases left untagged in the book, with contexts.

    A single word is left out when the book also uses it in lower case (Government, The):
    what remains is names and name-like words that no register entry covers.
    """
    not_names = read_not_names()
    streams = [read_stream(block, role_of).text for block in blocks_of(root)]
    vocabulary = {w for text in streams for w in WORD.findall(text) if w.islower()}
    for text in streams:
        for match in CAPITALISED.finditer(text):
            words = match.group().split()
            offset = match.start()
            while words and (words[0].lower() in STOPWORDS or words[0] in not_names):
                offset = text.index(words[0], offset) + len(words[0])
                words = words[1:]
            while words and words[-1] in not_names:
                words = words[:-1]
            phrase = re.sub(r"[’']s?$", "", " ".join(words)).rstrip(".’'-")
            if not phrase or (len(words) == 1 and (phrase.lower() in vocabulary
                                                   or len(phrase) < 3 or phrase.isupper()
                                                   and len(phrase) < 3)):
                continue
            result.untagged[phrase] += 1
            contexts = result.untagged_contexts[phrase]
            if len(contexts) < 2:
                contexts.append(_snippet(text, match.start(), match.end()))


def format_report(result: BookAnnotation, limit: int = 400) -> str:
    """The review list of one book: counts, ambiguous decisions, failures, untagged names."""
    lines = [f"== {result.path}",
             "tags added: " + ", ".join(f"{k} {v}" for k, v in sorted(result.added.items()))
             + f" (already tagged before this run: {sum(result.existing.values())})"]
    if result.decisions:
        lines.append(f"-- ambiguous forms decided ({len(result.decisions)}; * = by default, "
                     "cert=low):")
        for decision in result.decisions:
            mark = "*" if decision.by_default else " "
            lines.append(f"{mark} {decision.form} -> {decision.ref}: {decision.context}")
    if result.declined:
        lines.append("-- forms left untagged by the blocklist or a context rule: "
                     + ", ".join(f"{k} {v}" for k, v in result.declined.most_common()))
    if result.unwrappable:
        lines.append(f"-- mentions that could not be wrapped ({len(result.unwrappable)}):")
        lines.extend(f"  {snippet} ({why})" for snippet, why in result.unwrappable)
    lines.append(f"-- capitalised words and phrases left untagged "
                 f"({len(result.untagged)} distinct, {sum(result.untagged.values())} in all):")
    for phrase, count in result.untagged.most_common(limit):
        contexts = " | ".join(result.untagged_contexts[phrase])
        lines.append(f"{count:5d} {phrase}: {contexts}")
    return "\n".join(lines)
