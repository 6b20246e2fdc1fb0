"""Text fidelity: the words of each division's TEI appear on its HTML page, in order.

Running text and notes are compared separately (notes are listed at the end
of their section, not where they are called). The HTML may add words (a gap
marker, "Editorial note."), never lose or reorder the TEI's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from transform.books import TEI_DIR
from transform.site import build_site
from transform.writers.checks import first_missing, html_words, tei_words
from transform.writers.collect import Division, book_paths, collect_edition

FIXTURE_TEI = Path(__file__).parent / "fixtures" / "site" / "tei"


def check_division(site: Path, division: Division) -> list[str]:
    """Problems with one division's page (empty when every word is there in order)."""
    container = "//section[@class='title-page']" if division.kind == "title" else "//article"
    expected_text, expected_notes = tei_words(list(division.elements))
    actual_text, actual_notes = html_words(site / division.path, container)
    problems = []
    for label, expected, actual in (("text", expected_text, actual_text),
                                    ("notes", expected_notes, actual_notes)):
        missing = first_missing(expected, actual)
        if missing is not None:
            context = " ".join(expected[max(0, missing - 5):missing + 5])
            problems.append(f"{division.path}: {label} word {missing} "
                            f"{expected[missing]!r} missing or out of order (…{context}…)")
    return problems


def check_site(site: Path, tei_dir: Path) -> tuple[list[str], int]:
    edition = collect_edition(tei_dir)
    problems: list[str] = []
    words = 0
    for book in edition.books:
        for division in (book.home, *book.divisions):
            problems += check_division(site, division)
            text, notes = tei_words(list(division.elements))
            words += len(text) + len(notes)
    return problems, words


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fidelity") / "site"
    build_site(out, FIXTURE_TEI)
    return out


def test_fixture_words_all_reach_their_pages(fixture_site: Path) -> None:
    problems, words = check_site(fixture_site, FIXTURE_TEI)
    assert words > 200
    assert problems == []


@pytest.mark.parametrize(("page", "words"), [
    # a page break inside a word does not split it
    ("rothstein/ch01.html", ["the", "landowners", "held", "the", "soil."]),
    # both readings of a correction are in the page (one shown at a time)
    ("rothstein/ch01.html", ["were", "poar", "poor", "and", "hungry."]),
    ("carr/ch01.html", ["the", "delegatesand", "delegates", "and", "soldiers"]),
])
def test_words_in_order(fixture_site: Path, page: str, words: list[str]) -> None:
    text, _ = html_words(fixture_site / page)
    assert first_missing(words, text) is None
    joined = " ".join(text)
    assert " ".join(words) in joined


def test_lost_word_is_detected(fixture_site: Path, tmp_path: Path) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(fixture_site, site)
    page = site / "carr" / "ch02.html"
    page.write_text(page.read_text(encoding="utf-8").replace("was feared", "was"),
                    encoding="utf-8")
    problems, _ = check_site(site, FIXTURE_TEI)
    assert len(problems) == 1 and problems[0].startswith("carr/ch02.html: text word")


@pytest.mark.corpus
def test_real_books_words_all_reach_their_pages(tmp_path: Path) -> None:
    if not book_paths(TEI_DIR):
        pytest.skip("no book TEI committed in tei/ yet")
    out = tmp_path / "site"
    build_site(out, TEI_DIR)
    problems, words = check_site(out, TEI_DIR)
    assert words > 10_000
    assert problems[:10] == []
