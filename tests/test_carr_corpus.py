"""Tests over the real book: the committed TEI of Carr against its OCR witness.

The witness side is read here on its own terms (every non-blank line, in file order),
so that a fault of the reader cannot hide itself. What the edition leaves out of the
running text must be accounted for by the TEI itself: the lines removed (running
heads, page numbers, a duplicated heading) are listed in its `editorialDecl` and are
checked to be exactly those lines; the one displaced line is moved back by the
transposition the reader declares (and the TEI notes); the scrambled list of
abbreviations is compared as a bag of words. Everything else is compared as a stream
of letters and digits, so that spacing, hyphens, dashes and quotation marks (which the
corrections change) do not count, while every printed letter does.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter

import pytest
from lxml import etree

from transform.edition import BOOKS, SCHEMA_DIR, TEI_NS, XML_NS
from transform.readers import carr
from transform.xmlsafe import parse_tei

pytestmark = pytest.mark.corpus

BOOK = BOOKS["carr"]
NS = {"t": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"
#: Elements whose content is the editor's, not the witness's.
EDITORIAL = {"corr", "supplied"}
SENTENCE_END = re.compile(r"[.!?:\"\u201d)\]]\s*$")


def witness_lines() -> list[tuple[int, str]]:
    """Non-blank lines of the witness with their numbers."""
    text = BOOK.source.read_text(encoding="utf-8")
    return [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]


def letters(text: str) -> str:
    """The letters and digits of `text`, in order (NFC)."""
    return "".join(re.findall(r"[^\W_]", unicodedata.normalize("NFC", text)))


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text))


def witness_text(element: etree._Element) -> str:
    """The witness's words inside `element`: sic and surplus in, corr/supplied/notes out."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        name = etree.QName(node).localname
        if name in EDITORIAL or (name == "note" and node.get("type") == "editorial"):
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(" " if etree.QName(child).localname not in {"pb"} else "")
            parts.append(child.tail or "")

    walk(element)
    return " ".join(parts)


def reading_text(element: etree._Element) -> str:
    """The edition's reading of `element`: corr and supplied in, sic and notes out."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        name = etree.QName(node).localname
        if name in {"sic", "surplus"} or (name == "note" and node.get("type") == "editorial"):
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    return "".join(parts)


@pytest.fixture(scope="module")
def tree() -> etree._ElementTree:
    return parse_tei(BOOK.tei)


@pytest.fixture(scope="module")
def removals(tree: etree._ElementTree) -> dict[int, tuple[str, str]]:
    """The lines the TEI says it removed: number -> (text, kind)."""
    declared = " ".join(tree.getroot().find(".//t:editorialDecl", NS).itertext())
    found = re.findall(r"line (\d+) \u201c(.*?)\u201d \(([a-z ]+)\)", declared)
    return {int(n): (text, kind) for n, text, kind in found}


def test_removed_lines_are_running_heads_numbers_or_duplicates(removals) -> None:
    """Each removal the TEI records is the witness line it names, and of a removable kind."""
    lines = dict(witness_lines())
    entries = carr.parse_contents([carr.SourceLine(n, t) for n, t in witness_lines()])
    titles = {carr.normalized_title(e.title) for e in entries}
    assert removals, "the editorialDecl records no removed lines"
    for number, (text, kind) in removals.items():
        assert lines[number].strip() == text, f"line {number} is not {text!r}"
        if kind == "page number":
            assert re.fullmatch(r"\d{1,3}", text)
        else:
            assert kind in {"running head", "duplicate heading"}
            assert carr.normalized_title(text) in titles


def test_word_fidelity(tree, removals) -> None:
    """Every letter of the witness is in the TEI, in order (apart from the declared repairs)."""
    lines = [carr.SourceLine(n, t) for n, t in witness_lines() if n not in removals]
    lines = carr.transposed(lines)
    start = next(i for i, line in enumerate(lines) if line.text.strip() == "List of Abbreviations")
    end = next(i for i, line in enumerate(lines)
               if line.text.strip() == "THE RUSSIAN REVOLUTION" and i > start)
    abbreviation_lines = lines[start + 1:end]
    expected = letters(" ".join(line.text for line in lines[:start + 1] + lines[end:]))

    text = tree.getroot().find("t:text", NS)
    abbreviations = text.find(".//t:div[@type='abbreviations']", NS)
    head = abbreviations.find("t:head", NS)
    gloss = abbreviations.find("t:list", NS)
    gloss.getparent().remove(gloss)  # compared apart, as a bag of words
    try:
        actual = letters(witness_text(text))
    finally:
        head.addnext(gloss)
    if expected != actual:
        index = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b),
                     min(len(expected), len(actual)))
        pytest.fail(f"first difference at letter {index}:\n"
                    f"  witness {expected[max(0, index - 60):index + 40]!r}\n"
                    f"  TEI     {actual[max(0, index - 60):index + 40]!r}")
    witness_words = Counter(words(" ".join(line.text for line in abbreviation_lines)))
    tei_words = Counter(words(witness_text(gloss)))
    assert witness_words == tei_words, (
        f"abbreviations: missing {witness_words - tei_words}, extra {tei_words - witness_words}")


def chapter_titles() -> list[tuple[str, int]]:
    entries = carr.parse_contents([carr.SourceLine(n, t) for n, t in witness_lines()])
    return [(e.title, int(e.page_value)) for e in entries if e.page_value.isdigit()]


def same_title(a: str, b: str) -> bool:
    return carr.normalized_title(a) == carr.normalized_title(b)


def test_nineteen_chapters_with_the_contents_titles(tree) -> None:
    chapters = tree.getroot().findall(".//t:body/t:div[@type='chapter']", NS)
    titles = chapter_titles()
    assert len(titles) == 19
    assert [c.get("n") for c in chapters] == [str(n) for n in range(1, 20)]
    for chapter, (title, _) in zip(chapters, titles, strict=True):
        head = chapter.find("t:head", NS)
        shown = re.sub(r"^\s*\d+\s*", "", reading_text(head))
        shown = "".join(t for t in [shown])
        assert same_title(shown, title), f"chapter {chapter.get('n')}: {shown!r} != {title!r}"
        assert chapter.get(XML_ID) == f"carr-ch{chapter.get('n')}"


def test_contents_entries_resolve_to_their_chapters(tree) -> None:
    root = tree.getroot()
    ids = {element.get(XML_ID): element for element in root.iter() if element.get(XML_ID)}
    items = root.findall(".//t:div[@type='contents']/t:list/t:item", NS)
    assert len(items) == 21
    for item in items:
        ref = item.find("t:ref", NS)
        target = ids.get(ref.get("target", "").lstrip("#"))
        shown = reading_text(ref)  # names in it are tagged: read through them
        assert target is not None, f"contents entry {shown!r} points nowhere"
        if item.get("n"):
            assert target.get("type") == "chapter" and target.get("n") == item.get("n")
        assert same_title(reading_text(target.find("t:head", NS)), shown)


def test_page_numbers_agree_with_the_contents(tree) -> None:
    """Each chapter begins with its contents page; numbered pages rise within their chapter."""
    chapters = tree.getroot().findall(".//t:body/t:div[@type='chapter']", NS)
    firsts = [page for _, page in chapter_titles()]
    last = 0
    for chapter, first, following in zip(chapters, firsts, firsts[1:] + [10_000]):
        breaks = chapter.findall(".//t:pb", NS)
        assert breaks[0].get("n") == str(first) and breaks[0] is chapter[0]
        for pb in breaks:
            if pb.get("n"):
                n = int(pb.get("n"))
                assert first <= n < following, f"page {n} outside chapter {chapter.get('n')}"
                assert n > last
                assert pb.get(XML_ID) == f"carr-pb-{n}"
                last = n
    # every page break of the body stands at a cut of the witness or a chapter start
    body_breaks = tree.getroot().findall(".//t:body//t:pb", NS)
    assert len(body_breaks) >= 120


def test_no_empty_paragraph(tree) -> None:
    for p in tree.getroot().iterfind(".//t:text//t:p", NS):
        assert "".join(p.itertext()).strip() or p.find(".//t:gap", NS) is not None, (
            f"empty paragraph {p.get(XML_ID)}")


def test_no_citable_passage_is_empty(tree) -> None:
    """Every paragraph with an id (a citation) has reading text: the scrambled
    repetitions of chapter 7's first paragraphs that closed chapter 6 are surplus at the
    end of its last paragraph, and their former ids lead on to the passages they repeat."""
    for p in tree.getroot().xpath("//t:text//t:p[@xml:id]", namespaces=NS):
        assert reading_text(p), f"citable paragraph {p.get(XML_ID)} has no reading text"
    last = tree.getroot().xpath("//t:div[@xml:id='carr-ch6']/t:p", namespaces=NS)[-1]
    assert last.get(XML_ID) == "carr-ch6-p15"
    assert [s.get("reason") for s in last.iterfind("t:surplus", NS)] == ["repeated"] * 2


def test_no_paragraph_ends_mid_sentence_continued_by_the_next(tree) -> None:
    """A paragraph ending without closing punctuation is a documented loss or garbling."""
    for parent in tree.getroot().iterfind(".//t:body//t:div", NS):
        paragraphs = [p for p in parent if etree.QName(p).localname == "p"]
        for p, following in itertools.pairwise(paragraphs):
            documented = (p.find(".//t:gap", NS) is not None
                          or p.find("t:surplus", NS) is not None)
            text = reading_text(p).rstrip()
            if documented:
                continue
            assert SENTENCE_END.search(text), f"{p.get(XML_ID)} ends mid-sentence: {text[-50:]!r}"
            next_text = reading_text(following).lstrip()
            assert not next_text[:1].islower(), f"{following.get(XML_ID)} continues {p.get(XML_ID)}"


def test_every_page_split_of_the_witness_has_a_page_break(tree, removals) -> None:
    """One page break inside the text for each cut of the witness, none elsewhere.

    A cut is a line that stops mid-sentence (or is followed by one beginning in lower
    case), unless the reader declares it a split inside a page, a lost full stop or a
    garbled line; running heads and page numbers standing in a cut do not end it.
    """
    entries = carr.parse_contents([carr.SourceLine(n, t) for n, t in witness_lines()])
    titles = [e.title for e in entries]
    lines = [carr.SourceLine(n, t) for n, t in witness_lines() if n > 123 and n not in removals]
    text_lines = [line for line in carr.transposed(lines)
                  if not any(carr.heading_match(line.text.strip(), title) for title in titles)
                  and not carr.is_caption(line)]
    declared = carr.WITHIN_PAGE_SPLITS | carr.UNPUNCTUATED_ENDS | set(carr.GARBLED_LINES)
    cuts = sum(
        1 for line, following in itertools.pairwise(text_lines)
        if (not SENTENCE_END.search(line.text) or following.text[:1].islower())
        and line.number not in declared
    )
    breaks = tree.getroot().findall(".//t:body//t:pb", NS)
    inner = [pb for pb in breaks if etree.QName(pb.getparent()).localname != "div"]
    assert len(inner) == cuts
    assert len(breaks) - len(inner) == 19  # the chapters' first pages


def test_plates_are_figures_with_an_editorial_note(tree) -> None:
    plates = tree.getroot().find(".//t:body/t:div[@type='plates']", NS)
    figures = plates.findall("t:figure", NS)
    assert len(figures) == 10
    assert all(reading_text(f.find("t:head", NS)).strip() for f in figures)
    assert plates.find("t:note[@type='editorial']", NS) is not None
    assert plates.getprevious().get("n") == "11" and plates.getnext().get("n") == "12"


def test_ids_are_unique_and_prefixed(tree) -> None:
    ids = [e.get(XML_ID) for e in tree.getroot().iter() if e.get(XML_ID)]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("carr-") for i in ids)
    assert tree.getroot().get(XML_ID) == "carr-book"


def test_cross_references_point_into_the_book(tree) -> None:
    root = tree.getroot()
    ids = {e.get(XML_ID) for e in root.iter() if e.get(XML_ID)}
    refs = root.findall(".//t:body//t:ref[@type='page']", NS)
    assert len(refs) >= 27
    for ref in refs:
        assert ref.get("target").lstrip("#") in ids


def test_valid_against_the_edition_grammar(tree) -> None:
    grammar = etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "edition.rng")))
    assert grammar.validate(tree), grammar.error_log


def test_edition_validate_reports_no_errors() -> None:
    from transform.validate import validate_paths

    report = validate_paths([BOOK.tei])
    assert not report.errors, [d.format() for d in report.diagnostics][:10]


def test_the_ingest_reproduces_the_committed_file() -> None:
    """The committed TEI is the reader's output, up to the annotation of names.

    Later stages (names linked to the registers) rewrite the committed file, so the
    comparison leaves out persName/placeName/orgName wrappers (keeping their text) and
    compares the identified elements in order and every letter of the text.
    """
    def shape(root: etree._Element) -> tuple[list[tuple[str, str | None, str | None]], str]:
        # The header is left out: the annotator signs its work there (respStmt, change).
        ids = [(etree.QName(e).localname, e.get(XML_ID), e.get("n"))
               for e in root.find("t:text", NS).iter()
               if isinstance(e.tag, str) and e.get(XML_ID)]
        return ids, letters(witness_text(root.find("t:text", NS)))

    fresh = carr.read(BOOK.source).getroot()
    committed = parse_tei(BOOK.tei).getroot()
    assert shape(fresh) == shape(committed)


def test_every_correction_of_the_table_is_in_the_text(tree) -> None:
    """Each row of corrections/carr.tsv appears as choice/sic/corr (or surplus), once per row."""
    found = Counter(
        ("".join(choice.find("t:sic", NS).itertext()),
         "".join(choice.find("t:corr", NS).itertext()))
        for choice in tree.getroot().iterfind(".//t:text//t:choice", NS))
    surplus = Counter("".join(s.itertext())
                      for s in tree.getroot().iterfind(".//t:text//t:surplus", NS))
    table = carr.load_corrections(carr.CORRECTIONS_PATH)
    rows = [row for rows in table.values() for row in rows]
    assert len(rows) >= 120
    wanted = Counter((row.sic, row.corr) for row in rows if row.kind != "surplus")
    for key, count in wanted.items():
        assert found[key] >= count, f"correction {key} applied {found[key]} times, not {count}"
    for row in rows:
        if row.kind == "surplus":
            assert surplus[row.sic] >= 1
    for choice in tree.getroot().iterfind(".//t:text//t:choice/t:corr", NS):
        assert choice.get("resp") == "#carr-ed" and choice.get("type")


@pytest.mark.parametrize(("label", "expansion"), [
    ("Arcos", "All-Russian Cooperative Society"),
    ("Goelro", "State Commission for the Electrification of Russia"),
    ("NUWM", "National Unemployed Workers' Movement"),
    ("RSFSR", "Russian Socialist Federal Soviet Republic"),
    ("Sovkhoz(y)", "Soviet Farm(s)"),
    ("Sovnarkhoz(y)", "Council(s) of National Economy"),
    ("SPD", "German Social-Democratic Party"),
    ("TsIK", "Central Executive Committee"),
    ("USPD", "German Independent Social-Democratic Party"),
    ("VAPP", "All-Russian Association of Proletarian Writers"),
    ("VTsIK", "All-Russian Central Executive Committee"),
])
def test_each_abbreviation_stands_beside_its_expansion(tree, label: str, expansion: str) -> None:
    gloss = tree.getroot().find(".//t:div[@type='abbreviations']/t:list[@type='gloss']", NS)
    pairs = {}
    for element in gloss.iterfind("t:label", NS):
        item = element.getnext()
        while etree.QName(item).localname != "item":
            item = item.getnext()
        pairs[reading_text(element)] = reading_text(item)
    assert len(pairs) == 41
    assert pairs[label] == expansion


def test_rebuilt_abbreviations_carry_their_record(tree) -> None:
    gloss = tree.getroot().find(".//t:div[@type='abbreviations']/t:list[@type='gloss']", NS)
    rebuilt = gloss.findall("t:label[@resp]", NS)
    assert len(rebuilt) == len(carr.ABBREVIATION_REPAIRS)
    for label in rebuilt:
        item = label.getnext()
        assert etree.QName(item.getnext()).localname == "note"


def test_damaged_headings_are_marked(tree) -> None:
    chapters = {c.get("n"): c for c in tree.getroot().iterfind(".//t:body/t:div", NS)}
    head19 = chapters["19"].find("t:head", NS)
    garbled = head19.find("t:surplus[@reason='misplaced']/t:choice", NS)
    assert garbled.findtext("t:sic", namespaces=NS) == "IQ"
    assert garbled.find("t:corr", NS).get("type") == "number"
    assert garbled.findtext("t:corr", namespaces=NS) == "19"
    head18 = chapters["18"].find("t:head", NS)
    assert head18.find("t:surplus", NS).text == "18"
    assert chapters["1"].findtext("t:head/t:num", namespaces=NS) == "1"


def test_every_chapter_heading_has_its_number(tree) -> None:
    """Ten headings lost their number in the OCR: it is supplied from the contents'
    order, signed by the editor; the nine the witness prints stay as printed."""
    chapters = [c for c in tree.getroot().iterfind(".//t:body/t:div", NS) if c.get("n")]
    supplied = []
    for position, chapter in enumerate(chapters, 1):
        num = chapter.find("t:head/t:num[@type='chapter']", NS)
        assert num is not None and chapter.find("t:head", NS)[0] is num, chapter.get("n")
        assert reading_text(num) == str(position) == chapter.get("n")
        filled = num.find("t:supplied", NS)
        if filled is not None:
            assert filled.get("resp") == "#carr-ed" and filled.get("reason")
            supplied.append(position)
    assert supplied == [4, 10, 11, 12, 13, 14, 15, 16, 18, 19]
    assert reading_text(chapters[18].find("t:head", NS)) == "19 The Revolution in Perspective"
