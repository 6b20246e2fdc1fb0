"""The index of names: collect, locators, sort order, see-references, exports, reports, CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from transform.cli import main
from transform.edition import TEI_NS, XML_NS
from transform.names_index.collect import build_index, collect_index, listing
from transform.names_index.commands import printed_report
from transform.names_index.coverage import coverage
from transform.names_index.export import to_csv, to_json, to_tei
from transform.names_index.locators import elide, format_locators, locators
from transform.names_index.model import BookInfo, Entry, Kwic, Mention
from transform.names_index.sorting import collation, sort_key
from transform.registers import read_register
from transform.xmlsafe import parse_tei

FIXTURE = Path(__file__).parent / "fixtures" / "names_index" / "tei"
NS = {"tei": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"


@pytest.fixture(scope="module")
def index():
    return collect_index(FIXTURE)


def entry(index, kind: str, entry_id: str) -> Entry:
    found = index.entry(kind, entry_id)
    assert found is not None
    return found


# ------------------------------------------------------------------ sort keys


@pytest.mark.parametrize(("text", "key"), [
    ("Lenin, Vladimir Ilyich", "lenin, vladimir ilyich"),
    ("Čičerin, Georgij", "cicerin, georgij"),
    ("McNeill, Ronald", "macneill, ronald"),
    ("MacDonald, Ramsay", "macdonald, ramsay"),
    ("St. Petersburg", "saint petersburg"),
    ("St Petersburg", "saint petersburg"),
    ("Brest-Litovsk", "brest litovsk"),
    ("Lloyd George, David", "lloyd george, david"),
    ("O'Brien, William", "obrien, william"),
    ("Ordzhonikidze (Sergo)", "ordzhonikidze sergo"),
    ("U.S.S.R.", "ussr"),
    ("C.P.S.U.(B)", "cpsu b"),
    ("A.R.A.", "ara"),
    ("Ulyanov, V. I.", "ulyanov, v i"),
])
def test_sort_key(text: str, key: str) -> None:
    assert sort_key(text) == key


def test_regnal_numbers_file_by_value() -> None:
    from transform.names_index.sorting import person_sort_key

    names = [("Pius", "IX"), ("Pius", "V"), ("Romanov", "Alexander III"),
             ("Romanov", "Alexander II"), ("Romanov", "Alexander")]
    keys = [person_sort_key(surname, forenames) for surname, forenames in names]
    assert sorted(names, key=lambda n: collation(keys[names.index(n)])) == [
        ("Pius", "V"), ("Pius", "IX"), ("Romanov", "Alexander"),
        ("Romanov", "Alexander II"), ("Romanov", "Alexander III")]
    assert person_sort_key("Vi", "") == "vi"


def test_leading_article_of_an_organisation_is_ignored() -> None:
    assert sort_key("The Times", drop_article=True) == "times"
    assert sort_key("The Times") == "the times"


def test_word_by_word_and_surname_first() -> None:
    names = ["Lloyd George, David", "Lloyd, Selwyn", "Newcastle", "New York", "Lloyd"]
    ordered = sorted(names, key=lambda n: collation(sort_key(n)))
    assert ordered == ["Lloyd", "Lloyd, Selwyn", "Lloyd George, David", "New York", "Newcastle"]


def test_awkward_names_file_as_a_printed_index_files_them(index) -> None:
    assert [e.entry_id for e in index.entries["persons"]] == [
        "chicherin",      # Čičerin: diacritics folded, before Clemenceau
        "clemenceau", "gapon",
        "de-gaulle",      # the register's sortKey (Gaulle_Charles_de) wins over "de Gaulle"
        "lenin",
        "lloyd",          # Lloyd, Selwyn before Lloyd George (word by word)
        "lloyd-george", "lvov",
        "macdonald", "mcneill",  # Mc files as Mac, so McNeill before Mann
        "mann", "nobody"]
    assert [e.entry_id for e in index.entries["orgs"]] == ["cheka", "comintern", "times"]


def test_see_references_file_among_the_entries(index) -> None:
    rows = [getattr(row, "heading", "") if not isinstance(row, Entry) else row.entry_id
            for row in listing(index, "places")]
    # `St. Petersburg` files as `Saint`, between Saigon and Sakhalin
    assert rows == ["Leningrad", "lvov-city", "petrograd", "saigon", "St. Petersburg",
                    "sakhalin", "Stalingrad", "tsaritsyn"]


# ------------------------------------------------------------------- locators


@pytest.mark.parametrize(("first", "last", "label"), [
    ("187", "188", "187–8"), ("110", "111", "110–11"), ("112", "113", "112–13"),
    ("196", "202", "196–202"), ("9", "10", "9–10"), ("99", "100", "99–100"),
    ("vii", "viii", "vii–viii"),
])
def test_elide(first: str, last: str, label: str) -> None:
    assert elide(first, last) == label


def _mention(ordinal: int, page: str | None, in_note: bool = False,
             paragraph: str = "carr-ch3-p14") -> Mention:
    return Mention("carr", "persons", "lenin", ordinal, "carr-ch3", "carr-ch3", "3",
                   "Chapter 3", None, paragraph, paragraph, f"{paragraph}-n{ordinal}", page,
                   in_note, "Lenin", Kwic("", "Lenin", ""))


@pytest.mark.parametrize(("pages", "expected"), [
    ([("39", False)], "p. 39"),
    ([("39", False), ("70", False), ("73", True)], "pp. 39, 70, 73n"),
    ([("187", False), ("188", False)], "pp. 187–8"),
    ([("187", False), ("188", False), ("189", False), ("191", False)], "pp. 187–9, 191"),
    # a page with mentions in text and note is a plain page
    ([("73", True), ("73", False)], "p. 73"),
    # a footnote-only page never joins a range
    ([("72", False), ("73", True), ("74", False)], "pp. 72, 73n, 74"),
    ([("vii", False), ("viii", False), ("1", False)], "pp. vii–viii, 1"),
    ([(None, False)], "ch. 3 ¶ 14"),
    ([(None, True)], "ch. 3 ¶ 14n"),
    ([("9", False), (None, False)], "p. 9, ch. 3 ¶ 14"),
    ([("9", False), (None, False), ("20", False)], "p. 9, ch. 3 ¶ 14, p. 20"),
    ([(None, False), ("20", False), ("30", False)], "ch. 3 ¶ 14, pp. 20, 30"),
])
def test_locators(pages: list[tuple[str | None, bool]], expected: str) -> None:
    mentions = [_mention(i, page, note) for i, (page, note) in enumerate(pages, 1)]
    found = locators(mentions)
    assert format_locators(found) == expected
    assert sorted(m.ordinal for loc in found for m in loc.mentions) == list(
        range(1, len(pages) + 1))


@pytest.mark.parametrize(("paragraphs", "expected"), [
    ([(14, False), (15, False), (16, False)], "ch. 3 ¶¶ 14–16"),
    ([(14, False), (16, False)], "ch. 3 ¶ 14, ch. 3 ¶ 16"),
    ([(14, False), (15, True), (16, False)], "ch. 3 ¶ 14, ch. 3 ¶ 15n, ch. 3 ¶ 16"),
    ([(14, False), (14, True), (15, False)], "ch. 3 ¶¶ 14–15"),
])
def test_consecutive_paragraphs_collapse(paragraphs: list[tuple[int, bool]],
                                         expected: str) -> None:
    mentions = [_mention(i, None, note, f"carr-ch3-p{n}")
                for i, (n, note) in enumerate(paragraphs, 1)]
    found = locators(mentions)
    assert format_locators(found) == expected
    assert sum(len(loc.mentions) for loc in found) == len(paragraphs)


def test_locator_of_a_caption_or_list_item() -> None:
    caption = _mention(1, None, False, "carr-plates-fig3")
    caption = Mention(**{**caption.__dict__, "paragraph": None, "chapter_n": None,
                         "chapter_label": "Plates", "anchor": "carr-plates-fig3"})
    assert format_locators(locators([caption])) == "plates, fig. 3"


def test_paragraph_locator_names_the_section() -> None:
    mention = _mention(1, None, False, "roth-ch3-s2-p14")
    assert format_locators(locators([mention])) == "ch. 3 § 2 ¶ 14"


def test_lenin_in_both_books(index) -> None:
    lenin = entry(index, "persons", "lenin")
    assert format_locators(locators(index.mentions_of(lenin, "rothstein"))) == \
        "pp. 39, 70, 73n, 110–11, 187–8, 196"
    # Carr's second page has no printed number: chapter and paragraph stand instead
    assert format_locators(locators(index.mentions_of(lenin, "carr"))) == \
        "p. 1, ch. 1 ¶ 2, ch. 1 ¶ 3n, pp. 9–10"
    assert (index.count(lenin, "rothstein"), index.count(lenin, "carr")) == (9, 6)


def _tagged(path: Path, ref: str) -> list[etree._Element]:
    """The names pointing to `ref` in a book, read independently of the collect phase."""
    tree = parse_tei(path)
    return tree.xpath("//tei:text//*[(self::tei:persName or self::tei:placeName or "
                      "self::tei:orgName) and @ref=$ref]"
                      "[not(ancestor::tei:div[@type='index'])]", namespaces=NS, ref=ref)


@pytest.mark.parametrize("book", ["rothstein", "carr"])
def test_locators_equal_the_mentions_in_the_tei(index, book: str) -> None:
    path = FIXTURE / index.books[[b.key for b in index.books].index(book)].file_name
    for kind, entries in index.entries.items():
        for item in entries:
            tagged = _tagged(path, item.ref)
            found = locators(index.mentions_of(item, book))
            mentions = [m for loc in found for m in loc.mentions]
            assert len(mentions) == len(tagged), (kind, item.entry_id)
            assert len({m.mention_id for m in mentions}) == len(mentions)
            for mention, element in zip(sorted(mentions, key=lambda m: m.ordinal), tagged,
                                        strict=True):
                assert mention.surface == " ".join("".join(element.itertext()).split())
                holders = [a.get(XML_ID) for a in element.iterancestors() if a.get(XML_ID)]
                assert mention.anchor == (element.get(XML_ID) or holders[0])


def test_mention_location(index) -> None:
    by_id = {m.mention_id: m for m in index.mentions}
    note = by_id["roth-fn-1-n1"]
    assert (note.page, note.in_note, note.chapter, note.paragraph, note.anchor) == (
        "73", True, "roth-ch3", "roth-ch3-p4", "roth-fn-1")
    unnumbered = by_id["carr-ch1-p2-n1"]
    assert (unnumbered.page, unnumbered.chapter_n) == (None, "1")
    assert by_id["roth-ch3-p3-n1"].kwic == Kwic(
        "", "Lenin's", " letter reached MacDonald; Lvov resigned.")


@pytest.mark.parametrize("name", ["rothstein-history-ussr.xml", "carr-russian-revolution.xml"])
def test_stable_mention_id_agrees_with_collect(index, name: str) -> None:
    from transform.names_index.collect import stable_mention_id

    tree = parse_tei(FIXTURE / name)
    ids = [stable_mention_id(e) for e in tree.iter(f"{{{TEI_NS}}}persName",
                                                   f"{{{TEI_NS}}}placeName",
                                                   f"{{{TEI_NS}}}orgName")]
    book = "rothstein" if name.startswith("roth") else "carr"
    collected = [m.mention_id for m in (*index.mentions, *index.unresolved) if m.book == book]
    assert sorted(i for i in ids if i) == sorted(collected)


def test_kwic_survives_lxml_proxy_reuse() -> None:
    """Regression: KWIC spans were keyed by id() of lxml proxies, which lxml reuses once a
    proxy is freed; on a real book many mentions came out with no context or another's."""
    paragraphs = "".join(
        f'<p xml:id="x-ch1-p{i}">Before {i} <persName ref="persons.xml#a">A{i}</persName> '
        f'after {i}.<note place="foot" n="*" xml:id="x-fn-{i}">Note {i} on '
        f'<persName ref="persons.xml#a">N{i}</persName>.</note></p>' for i in range(1, 400))
    book = etree.fromstring(f'<TEI xmlns="{TEI_NS}"><text><body><div type="chapter" n="1" '
                            f'xml:id="x-ch1"><pb n="1"/>{paragraphs}</div></body></text></TEI>')
    register = etree.fromstring(
        f'<TEI xmlns="{TEI_NS}"><text><body><listPerson><person xml:id="a"><persName>'
        f'<surname>A</surname></persName></person></listPerson></body></text></TEI>')
    found = build_index([(BookInfo("x", "X", "X", "X", "x.xml"), book.getroottree())],
                        {"persons": read_register("persons", register.getroottree())})
    assert len(found.mentions) == 798
    for mention in found.mentions:
        number = mention.surface[1:]
        if mention.in_note:
            assert mention.kwic == Kwic(f"Note {number} on ", f"N{number}", "."), mention
        else:
            assert mention.kwic == Kwic(f"Before {number} ", f"A{number}",
                                        f" after {number}."), mention


def test_page_break_inside_a_footnote_does_not_move_the_text() -> None:
    book = etree.fromstring(
        f'<TEI xmlns="{TEI_NS}"><text><body><div type="chapter" n="1" xml:id="x-ch1">'
        '<pb n="5"/><p xml:id="x-ch1-p1">A<note place="foot" n="*" xml:id="x-fn-1">long '
        '<pb n="6"/>note on <persName ref="persons.xml#a">A</persName></note> and '
        '<persName ref="persons.xml#a">A</persName> again.</p><pb n="6"/>'
        '<p xml:id="x-ch1-p2"><persName ref="persons.xml#a">A</persName></p>'
        '</div></body></text></TEI>')
    register = etree.fromstring(
        f'<TEI xmlns="{TEI_NS}"><text><body><listPerson><person xml:id="a"><persName>'
        f'<surname>A</surname></persName></person></listPerson></body></text></TEI>')
    found = build_index([(BookInfo("x", "X", "X", "X", "x.xml"), book.getroottree())],
                        {"persons": read_register("persons", register.getroottree())})
    assert [(m.page, m.in_note) for m in found.mentions] == [
        ("6", True), ("5", False), ("6", False)]
    assert [m.kwic.line for m in found.mentions][1] == "A and A again."


# ----------------------------------------------------------- see-references


def test_variants_produce_see_references(index) -> None:
    see = {(s.kind, s.heading): s.entry_id for kind in index.see_references
           for s in index.see_references[kind]}
    assert see == {
        ("persons", "Ulyanov, V. I."): "lenin",   # the pseudonym, inverted, fullest form
        ("persons", "Chicherin"): "chicherin",    # a spelling that files elsewhere
        ("places", "Leningrad"): "petrograd",     # LENINGRAD folds into it
        ("places", "St. Petersburg"): "petrograd",
        ("places", "Stalingrad"): "tsaritsyn",
        ("orgs", "Cheka"): "cheka",
        ("orgs", "Comintern"): "comintern",
    }


def _person(heading: str, key: str) -> Entry:
    return Entry("persons", "x", heading, key, "", "", "", ())


@pytest.mark.parametrize(("heading", "key", "variant", "expected"), [
    ("Lenin, Vladimir Ilyich", "lenin, vladimir ilyich", "V. I. Ulyanov", "Ulyanov, V. I."),
    ("Lenin, Vladimir Ilyich", "lenin, vladimir ilyich", "Vladimir Lenin", None),
    ("Lenin, Vladimir Ilyich", "lenin, vladimir ilyich", "Vladimir Ilich", None),
    ("Lloyd George, David", "lloyd george, david", "David Lloyd George", None),
    ("Chiang, Kai-shek", "chiang, kai shek", "Chiang Kai-shek", None),
    ("Ch'en, Tu-hsiu", "chen, tu hsiu", "Tu-hsiu Ch'en", None),
    ("Romanov, Peter I", "romanov, peter 001", "Peter the Great", "Peter the Great"),
    ("Hohenzollern, Wilhelm II", "hohenzollern, wilhelm 002", "Kaiser Wilhelm II",
     "Wilhelm II"),
    ("Rumbold, Horace", "rumbold, horace", "Sir Horace", None),
    ("Trotsky, Lev Davidovich", "trotsky, lev davidovich", "Bronstein", "Bronstein"),
    ("Genghis Khan", "genghis khan", "Jenghiz Khan", "Jenghiz Khan"),
])
def test_person_see_heading(heading: str, key: str, variant: str,
                            expected: str | None) -> None:
    from transform.names_index.collect import person_see_heading

    assert person_see_heading(_person(heading, key), variant) == expected


# -------------------------------------------------------------------- exports


def test_exports_agree(index) -> None:
    data = json.loads(to_json(index))
    tei = to_tei(index)
    rows = list(csv.DictReader(io.StringIO(to_csv(index).decode("utf-8"))))
    assert len(rows) == len(data["mentions"]) == len(index.mentions)
    for kind, records in data["entries"].items():
        assert [r["id"] for r in records] == [e.entry_id for e in index.entries[kind]]
        for record in records:
            item = tei.xpath("//tei:item[@corresp=$ref]", namespaces=NS, ref=record["ref"])[0]
            for book, found in record["locators"].items():
                labels = [loc["label"] for loc in found]
                tei_labels = item.xpath("tei:list/tei:item[@n=$b]/tei:ref/@n", namespaces=NS,
                                        b=book)
                csv_labels = list(dict.fromkeys(
                    r["locator"] for r in rows if r["entry"] == record["id"]
                    and r["kind"] == kind and r["book"] == book))
                assert labels == tei_labels == csv_labels, (record["id"], book)
                assert record["counts"][book] == sum(len(loc["mentions"]) for loc in found)


def test_tei_export_is_valid_and_see_references_resolve(index) -> None:
    grammar = etree.RelaxNG(etree.parse(str(Path(__file__).parent.parent / "schema"
                                            / "edition.rng")))
    tei = to_tei(index)
    assert grammar.validate(tei), grammar.error_log
    ids = set(tei.xpath("//@xml:id"))
    targets = tei.xpath("//tei:ref[@type='see']/@target", namespaces=NS)
    assert len(targets) == 7
    assert all(t.removeprefix("#") in ids for t in targets)


# -------------------------------------------------------------------- reports


def test_compare_printed_on_the_fixture() -> None:
    report = printed_report(FIXTURE)
    assert report.offset == 2
    # a name inside a subject heading does not make the heading that name's
    assert [h.heading for h in report.unmatched_headings] == [
        "Agriculture (Russian)", "Agriculture (Russian) (Soviet)", "Policy towards Petrograd"]
    assert {h.heading: h.entry_id for h in report.matched_headings} == {
        "Chicherin": "chicherin", "Lenin": "lenin", "Petrograd": "petrograd",
        "Tsaritsyn": "tsaritsyn"}
    assert [(m.entry_id, m.printed_page, m.nearest) for m in report.missed] == [
        ("lenin", 250, 196)]
    assert (report.references, report.references_found) == (11, 10)
    assert [e.entry_id for e, _ in report.left_out] == [
        "cheka", "lvov-city", "lvov", "macdonald", "times"]


def test_coverage_on_the_fixture(index) -> None:
    report = coverage(index)
    assert [e.entry_id for e in report.never_mentioned] == ["nobody"]
    assert [s for s, _ in report.ambiguous] == ["lvov"]
    assert report.unresolved == [("carr", "orgs.xml#ghost", 1),
                                 ("rothstein", "persons.xml#stalin", 1)]
    assert {e.entry_id for e, _ in report.no_description} == {"gapon", "mann", "saigon",
                                                              "sakhalin"}


# ------------------------------------------------------------------------ CLI


@pytest.mark.parametrize(("args", "code", "expected"), [
    (["--format", "csv"], 0, "persons,lenin,"),
    (["--format", "tei"], 0, '<div type="index" subtype="persons"'),
    ([], 0, '"entries"'),
    (["--compare-printed"], 0, "our page = printed page +2): +2 pages"),
    (["--coverage", "--format", "json"], 0, '"never_mentioned"'),
    (["--compare-printed", "--format", "csv"], 2, "reports text|json"),
])
def test_cli(args: list[str], code: int, expected: str) -> None:
    result = CliRunner().invoke(main, ["index", "--tei-dir", str(FIXTURE), *args])
    assert result.exit_code == code, result.output
    assert expected in result.output


def test_cli_out_file(tmp_path: Path) -> None:
    out = tmp_path / "index.json"
    result = CliRunner().invoke(main, ["index", "--tei-dir", str(FIXTURE), "--out", str(out)])
    assert result.exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["mentions"]) == 37
