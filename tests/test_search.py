"""The search index: one record per passage, with its pages, names and place (text/notes)."""

from __future__ import annotations

import json

from pathlib import Path

import pytest

from transform import urls
from transform.cite import Citer, current_edition
from transform.edition import TEI_DIR
from transform.writers.collect import collect_edition
from transform.writers.search import search_files, search_records

FIXTURE_TEI = Path(__file__).parent / "fixtures" / "site" / "tei"


def records_of(tei_dir: Path) -> list:
    edition = collect_edition(tei_dir)
    return search_records(edition, Citer(edition, current_edition(edition)))


@pytest.fixture(scope="module")
def records() -> list:
    return records_of(FIXTURE_TEI)


def test_one_record_per_passage_linking_to_it(records: list) -> None:
    by_id = {r.meta["id"]: r for r in records}
    assert len(by_id) == len(records)
    paragraph = by_id["roth-ch1-s1-p1"]
    assert paragraph.url == "rothstein/ch01.html#roth-ch1-s1-p1"
    assert paragraph.meta["page"] == "pp. 1–2"
    assert paragraph.meta["book"] == "Rothstein, A History of the U.S.S.R."
    assert paragraph.meta["chapter"] == "chapter I, section 1"
    # the footnote's words are in its own record, not in the paragraph's
    assert "Agrarian" not in paragraph.content
    note = by_id["roth-fn-1"]
    assert "The Agrarian Question" in note.content and note.meta["page"] == "p. 2 n."
    assert note.filters["in"] == ["footnotes"] and paragraph.filters["in"] == ["main text"]
    # a quotation inside a paragraph is searched with its paragraph
    assert "roth-ch1-s1-p2-q1" not in by_id
    assert "All power to the Soviets!" in by_id["roth-ch1-s1-p2"].content


def test_names_become_filters(records: list) -> None:
    by_id = {r.meta["id"]: r for r in records}
    paragraph = by_id["roth-ch1-s1-p1"]
    assert paragraph.filters["place"] == ["Petrograd"]
    assert "person" in paragraph.filters and "Lenin" not in " ".join(
        paragraph.filters["person"])  # Lenin is named in the note only
    assert any("Lenin" in name for name in by_id["roth-fn-1"].filters["person"])


def test_each_book_has_an_index_of_its_own(records: list) -> None:
    carr = [r for r in records if r.meta["book"].startswith("Carr")]
    assert 0 < len(carr) < len(records)
    edition = collect_edition(FIXTURE_TEI)
    assert search_records(edition, Citer(edition, current_edition(edition)), ("carr",)) == carr
    files = dict(search_files(carr, urls.search_bundle("carr")))
    assert "pagefind/carr/pagefind.js" in files
    assert all(path.startswith("pagefind/carr/") for path in files)
    assert len([p for p in files if p.startswith("pagefind/carr/fragment/")]) == len(carr)


def test_two_pagefind_runs_give_the_same_bundle_once_normalised(records: list) -> None:
    from transform.writers.search import _index_files, normalise_bundle

    first, second = _index_files(records), _index_files(records)  # hash-map order each
    assert normalise_bundle(first) == normalise_bundle(second)
    files = dict(normalise_bundle(first))
    assert "pagefind.js" in files and "pagefind-entry.json" in files
    assert len([p for p in files if p.startswith("fragment/")]) == len(records)
    entry = json.loads(files["pagefind-entry.json"])
    meta = f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    assert meta in files  # the entry names the rewritten metadata file
    filters = [p for p in files if p.startswith("filter/")]
    assert filters and all(p.endswith(".pf_filter") for p in filters)


@pytest.mark.corpus
def test_real_books_kronstadt_in_both() -> None:
    records = records_of(TEI_DIR)
    books = {r.meta["book"] for r in records if "Kronstadt" in r.content}
    assert len(books) == 2
    assert len(records) > 1400
    assert all(r.meta["page"] for r in records)
