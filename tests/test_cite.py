"""Passage citations: pages from page breaks, resolution of refs, the five formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest
import rispy
from click.testing import CliRunner

from transform.cite import (
    ORIGINALS,
    CitationError,
    Citer,
    EditionInfo,
    PageRef,
    Pages,
    page_range,
)
from transform.cli import main
from transform.edition import BOOKS, TEI_DIR
from transform.writers.collect import collect_edition
from transform.xmlsafe import parse_tei

FIXTURE = Path(__file__).parent / "fixtures" / "cite"
INFO = EditionInfo("The Test Edition", "9.8.7", "2026-01-02", "https://example.org/ed")


@pytest.fixture(scope="module")
def citer() -> Citer:
    return Citer(collect_edition(FIXTURE), INFO, {"roth-old-p9": "roth-ch3-s2-p2"})


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("123", "124", "123–4"),
    ("110", "115", "110–15"),   # the teens keep two digits
    ("99", "100", "99–100"),
    ("58", "79", "58–79"),
    ("1", "2", "1–2"),
    ("200", "215", "200–15"),
    ("vii", "ix", "vii–ix"),
])
def test_page_range(first: str, last: str, expected: str) -> None:
    assert page_range(first, last) == expected


@pytest.mark.parametrize(("ref", "label", "locator", "site_path"), [
    ("roth-ch3-s2-p1", "p. 122", "122", "rothstein/ch03.html#roth-ch3-s2-p1"),
    ("roth-fn-12", "p. 122 n.", "122 n.", "rothstein/ch03.html#roth-fn-12"),
    ("roth-ch3-s2-p2", "pp. 122–4", "122–4", "rothstein/ch03.html#roth-ch3-s2-p2"),
    # a page break at the very end of a paragraph opens nothing of it
    ("roth-ch3-s2-p3", "p. 124", "124", "rothstein/ch03.html#roth-ch3-s2-p3"),
    # a note's page is its call's; the paragraph's pages ignore the note's text
    ("roth-ch3-s2-p4", "p. 125", "125", "rothstein/ch03.html#roth-ch3-s2-p4"),
    ("roth-fn-13", "p. 125 n.", "125 n.", "rothstein/ch03.html#roth-fn-13"),
    ("roth-ch3-s2-lg1", "p. 125", "125", "rothstein/ch03.html#roth-ch3-s2-lg1"),
    ("roth-ch3-s2-i1", "p. 125", "125", "rothstein/ch03.html#roth-ch3-s2-i1"),
    ("roth-ch3", "pp. 122–5", "122–5", "rothstein/ch03.html#roth-ch3"),
    ("roth-ch4-p1", "pp. 199–215", "199–215", "rothstein/ch04.html#roth-ch4-p1"),
    ("rothstein:123", "p. 123", "123", "rothstein/ch03.html#roth-pb-123"),
    ("#roth-ch3-s2-p1", "p. 122", "122", "rothstein/ch03.html#roth-ch3-s2-p1"),
    # a passage on Carr's unnumbered pages: its chapter, its ¶ and the numbered pages
    # around it, never a page number guessed
    ("carr-ch5-p1", "ch. 5, ¶ 1, in pp. 44–6", "ch. 5, ¶ 1, in pp. 44–6",
     "carr/ch05.html#carr-ch5-p1"),
    ("carr-ch5-p2", "ch. 5, ¶ 2, in pp. 44–6", "ch. 5, ¶ 2, in pp. 44–6",
     "carr/ch05.html#carr-ch5-p2"),
    ("carr-ch5-p3", "ch. 5, ¶ 3, in pp. 44–7", "ch. 5, ¶ 3, in pp. 44–7",
     "carr/ch05.html#carr-ch5-p3"),
    ("carr:47", "p. 47", "47", "carr/ch05.html#carr-pb-47"),
    ("carr-ch5", "pp. 44–7", "44–7", "carr/ch05.html#carr-ch5"),
])
def test_passage_pages(citer: Citer, ref: str, label: str, locator: str,
                       site_path: str) -> None:
    passage = citer.resolve(ref)
    assert passage.pages.label == label
    assert passage.pages.locator == locator
    assert passage.site_path == site_path


@pytest.mark.parametrize(("first", "last", "label"), [
    (PageRef(None, "30", 3, "38"), PageRef(None, "30", 4, "38"), "ch. 4, ¶ 2, in pp. 30–7"),
    (PageRef(None, "30", 3, "31"), PageRef(None, "31", 6, "38"), "ch. 4, ¶ 2, in pp. 30–7"),
    (PageRef(None, None, 0), PageRef(None, None, 0), "ch. 4, ¶ 2, in [unnumbered page]"),
    (PageRef("7", None, 2), PageRef(None, "7", 3, "9"), "ch. 4, ¶ 2, in pp. 7–8"),
    (PageRef(None, "185", 2), PageRef(None, "185", 3), "ch. 4, ¶ 2, in pp. 185 ff."),
    (PageRef(None, "61", 2, "68"), PageRef("67", "61", 3, "68", certain=False),
     "ch. 4, ¶ 2, in pp. 61–7 [printed p. 67?, the number is uncertain]"),
    (PageRef("67", "61", 3, "68", certain=False), PageRef("67", "61", 3, "68", certain=False),
     "ch. 4, ¶ 2, in pp. 61–7 [printed p. 67?, the number is uncertain]"),
])
def test_unnumbered_page_labels(first: PageRef, last: PageRef, label: str) -> None:
    assert Pages(first, last, place="ch. 4", paragraph=2).label == label


def test_an_uncertain_number_is_never_cited_bare() -> None:
    pages = Pages(PageRef("67", "61", 3, "68", certain=False),
                  PageRef("67", "61", 3, "68", certain=False))
    assert pages.unnumbered and "67?" in pages.locator and "uncertain" in pages.locator


def test_redirected_id_resolves_to_its_new_passage(citer: Citer) -> None:
    passage = citer.resolve("roth-old-p9")
    assert passage.xml_id == "roth-ch3-s2-p2"
    assert passage.redirected_from == "roth-old-p9"


@pytest.mark.parametrize("ref", ["roth-nowhere", "carr:45", "rothstein:9999", "lenin"])
def test_unknown_refs_are_refused(citer: Citer, ref: str) -> None:
    with pytest.raises(CitationError):
        citer.resolve(ref)


def test_chicago_note_has_every_part(citer: Citer) -> None:
    text = citer.format(citer.resolve("carr-ch5-p3"), "chicago")
    assert text == (
        "Edward Hallett Carr, The Russian Revolution: From Lenin to Stalin, in The Test "
        "Edition, version 9.8.7 (New York: The Free Press, 1979; TEI edition, "
        "The edition project, 2026), "
        "ch. 5, ¶ 3, in pp. 44–7, "
        "https://example.org/ed/carr/ch05.html#carr-ch5-p3.")


def test_chicago_span_and_note(citer: Citer) -> None:
    assert ", 122–4, https://example.org/ed/rothstein/ch03.html#roth-ch3-s2-p2." in \
        citer.format(citer.resolve("roth-ch3-s2-p2"), "chicago")
    assert ", 122 n., https://example.org/ed/rothstein/ch03.html#roth-fn-12." in \
        citer.format(citer.resolve("roth-fn-12"), "chicago")


def test_mla_names_are_not_initialised(citer: Citer) -> None:
    entry, in_text = citer.format(citer.resolve("roth-ch3-s2-p2"), "mla").split("\n")
    assert entry.startswith("Rothstein, Andrew. A History of the U.S.S.R. 1950.")
    assert "The Test Edition, TEI edition, version 9.8.7, The edition project, 2026" in entry
    assert entry.endswith("https://example.org/ed/rothstein/ch03.html#roth-ch3-s2-p2. "
                          "Page numbers follow a later re-issue.")
    assert in_text == "(Rothstein 122–4)"  # no title: citeproc-py's disambiguate gap mended
    carr = citer.format(citer.resolve("carr:47"), "mla")
    assert carr.startswith("Carr, Edward Hallett.")
    assert "E. H." not in carr


def test_apa_reference_and_in_text(citer: Citer) -> None:
    entry, in_text = citer.format(citer.resolve("roth-ch3-s2-p2"), "apa").split("\n")
    assert entry.startswith("Rothstein, Andrew. (2026). A History of the U.S.S.R. In The Test "
                            "Edition (Version 9.8.7, TEI edition). The edition project. "
                            "https://example.org/ed/rothstein/ch03.html#roth-ch3-s2-p2 "
                            "(Original work published 1950)")
    assert in_text == "(Rothstein, 1950/2026, pp. 122–4)"
    assert citer.format(citer.resolve("carr:47"), "apa").endswith(", p. 47)")


def test_bibtex_reads_back(citer: Citer) -> None:
    text = citer.format(citer.resolve("roth-ch3-s2-p2"), "bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "incollection" and entry.key == "roth-ch3-s2-p2"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["author"] == "Rothstein, Andrew"
    assert fields["booktitle"] == "{The Test Edition}" and fields["year"] == "2026"
    assert fields["publisher"] == "{The edition project}"
    assert fields["origdate"] == "1950"
    assert fields["pages"] == "122--4"
    assert fields["version"] == "9.8.7" and fields["date"] == "2026-01-02"
    assert fields["url"] == "https://example.org/ed/rothstein/ch03.html#roth-ch3-s2-p2"
    assert "later re-issue" in fields["note"]


@pytest.mark.parametrize("ref", ["roth-ch3-s2-p2", "carr-ch5-p3"])
def test_bibtex_is_read_by_a_classic_bibtex_style(citer: Citer, ref: str) -> None:
    """pybtex's `plain` is classic BibTeX's: it needs `year` and `publisher` and warns
    (here: fails) on a field it misses."""
    from pybtex import errors
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    errors.set_strict_mode(True)
    data = parse_string(citer.format(citer.resolve(ref), "bibtex"), "bibtex")
    style = find_plugin("pybtex.style.formatting", "plain")()
    (entry,) = style.format_entries(data.entries.values())
    text = entry.text.render_as("text")
    assert "The Test Edition" in text and "The edition project" in text and "2026" in text


def test_editors_and_publisher_come_from_the_tei_header() -> None:
    from transform.cite import publication

    root = parse_tei(BOOKS["rothstein"].tei).getroot()
    found = publication(root)
    assert found.editors == ("The edition's editors",)  # not the programs credited
    assert found.publisher.startswith("The edition project")


def test_ris_reads_back(citer: Citer) -> None:
    text = citer.format(citer.resolve("carr-ch5-p1"), "ris")
    assert text.startswith("TY  - BOOK\n")
    (entry,) = rispy.loads(text)
    assert entry["authors"] == ["Carr, Edward Hallett"]
    assert entry["original_publication"] == "New York, The Free Press, 1979"
    assert entry["start_page"] == "44" and "end_page" not in entry  # next page unnumbered
    assert entry["urls"] == ["https://example.org/ed/carr/ch05.html#carr-ch5-p1"]
    assert entry["secondary_title"] == "The Test Edition"
    assert entry["publisher"] == "The edition project" and entry["year"] == "2026"


def test_csl_json_item(citer: Citer) -> None:
    (item,) = json.loads(citer.format(citer.resolve("roth-fn-13"), "csl-json"))
    assert item["type"] == "book" and item["id"] == "roth-fn-13"
    assert item["author"] == [{"family": "Rothstein", "given": "Andrew"}]
    assert item["page"] == "125 n."
    assert item["issued"] == {"date-parts": [[2026, 1, 2]]}
    assert item["original-date"] == {"date-parts": [[1950]]}
    assert item["version"] == "9.8.7"
    assert item["container-title"] == "The Test Edition"
    assert item["publisher"] == "The edition project"


def test_permalink_is_the_site_path_without_a_base_url() -> None:
    info = EditionInfo("The Test Edition", "1", "2026-01-02")
    citer = Citer(collect_edition(FIXTURE), info)
    assert citer.format(citer.resolve("carr:47"), "chicago").endswith(
        ", 47, carr/ch05.html#carr-pb-47.")


def test_cli_cite_styles_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    runner = CliRunner()
    result = runner.invoke(main, ["cite", "rothstein:123", "--tei-dir", str(FIXTURE),
                                  "--base-url", "https://example.org/ed"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Andrew Rothstein, A History of the U.S.S.R., in ")
    assert result.output.endswith(", 2026), 123, https://example.org/ed/rothstein/ch03.html"
                                  "#roth-pb-123. Page numbers follow a later re-issue.\n")
    for style in ("mla", "apa", "bibtex", "ris", "csl-json"):
        result = runner.invoke(main, ["cite", "roth-fn-12", "--style", style,
                                      "--tei-dir", str(FIXTURE)])
        assert result.exit_code == 0 and "122" in result.output, (style, result.output)
    result = runner.invoke(main, ["cite", "carr:45", "--tei-dir", str(FIXTURE)])
    assert result.exit_code == 1
    assert "no page numbered 45" in result.output
    assert runner.invoke(main, ["cite", "--tei-dir", str(FIXTURE)]).exit_code == 2


# ------------------------------------------------------------------ the real books


@pytest.mark.corpus
@pytest.mark.parametrize("key", sorted(BOOKS))
def test_original_publication_is_attested_in_the_source_description(key: str) -> None:
    root = parse_tei(BOOKS[key].tei).getroot()
    source = " ".join("".join(root.find(".//{*}sourceDesc").itertext()).split())
    original = ORIGINALS[key]
    for value in (original.year, original.place, original.publisher, original.isbn):
        if value:
            assert value in source
    assert BOOKS[key].short_title in source


@pytest.fixture(scope="module")
def real_citer() -> Citer:
    return Citer.from_tei(TEI_DIR, "https://example.org/ed")


@pytest.mark.corpus
def test_real_page_58_of_rothstein(real_citer: Citer) -> None:
    passage = real_citer.resolve("rothstein:58")
    assert passage.xml_id == "roth-pb-58" and passage.pages.label == "p. 58"
    text = real_citer.format(passage, "chicago")
    assert text.startswith("Andrew Rothstein, A History of the U.S.S.R., in The Russian "
                           "Revolution from Two Camps: A Critical Digital Edition, version ")
    assert "ed. The edition's editors" in text and "repr." not in text
    assert re.search(r", 58, https://example\.org/ed/rothstein/ch\d\d\.html#roth-pb-58\. "
                     r"Page numbers follow a later re-issue\.$", text)


@pytest.mark.corpus
def test_every_real_passage_has_pages_and_a_page(real_citer: Citer) -> None:
    counts = {}
    for key in real_citer.books:
        passages = list(real_citer.passages(key))
        counts[key] = len(passages)
        for passage in passages:
            assert passage.site_path.endswith(f".html#{passage.xml_id}")
            locator = passage.pages.locator
            assert locator and "None" not in locator
            # a page number is only ever one the TEI prints in a pb/@n, or the page
            # before one (the last a passage on unnumbered pages can be on)
            pages = locator.rpartition(" in ")[2] if passage.pages.unnumbered else locator
            printed = real_citer.books[key].page_breaks
            for first, last in re.findall(r"(\d+)(?:–(\d+))?", pages.split("[")[0]):
                for number in (first, first[:max(0, len(first) - len(last))] + last if last else ""):
                    assert not number or number in printed or str(int(number) + 1) in \
                        printed, (passage.xml_id, locator)
    assert counts["rothstein"] > 1000 and counts["carr"] > 300


@pytest.mark.corpus
def test_real_paragraph_across_a_page_break(real_citer: Citer) -> None:
    root = real_citer.books["rothstein"].root
    for p in root.iter("{http://www.tei-c.org/ns/1.0}p"):
        pbs = [pb.get("n") for pb in p.iterchildren("{http://www.tei-c.org/ns/1.0}pb")]
        if len(pbs) == 1 and (pbs[0] and p.text and p.text.strip()) and p.get(
                "{http://www.w3.org/XML/1998/namespace}id"):
            passage = real_citer.resolve(p.get("{http://www.w3.org/XML/1998/namespace}id"))
            assert passage.pages.spans
            assert passage.pages.last.n == pbs[0]
            assert passage.pages.label.startswith("pp. ")
            break
    else:
        pytest.fail("no paragraph of Rothstein runs over a page")


def test_base_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transform.edition import base_url, base_url_option

    settings = tmp_path / "pyproject.toml"
    settings.write_text('[tool.edition]\nbase-url = "https://setting.example/ed/"\n')
    monkeypatch.delenv("EDITION_BASE_URL", raising=False)
    assert base_url(settings) == "https://setting.example/ed"
    monkeypatch.setenv("EDITION_BASE_URL", "https://env.example")
    assert base_url(settings) == "https://env.example"
    with base_url_option("https://option.example/x"):
        assert base_url(settings) == "https://option.example/x"
    assert base_url(settings) == "https://env.example"
    monkeypatch.setenv("EDITION_BASE_URL", "file:///home/me/site")
    with pytest.raises(ValueError, match="not an http"):
        base_url(settings)


def test_cli_cite_takes_the_base_url_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITION_BASE_URL", "https://edition.example/ed/")
    result = CliRunner().invoke(main, ["cite", "carr:47", "--tei-dir", str(FIXTURE)])
    assert result.output.rstrip().endswith(", 47, https://edition.example/ed/carr/ch05.html"
                                           "#carr-pb-47."), result.output
    result = CliRunner().invoke(main, ["cite", "carr:47", "--tei-dir", str(FIXTURE),
                                       "--base-url", "file:///tmp/site"])
    assert result.exit_code == 2 and "not an http" in result.output
