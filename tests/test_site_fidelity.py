"""Text fidelity: the words of each division's TEI appear on its HTML page, in order.

Running text and notes are compared separately (notes are listed at the end
of their section, not where they are called). The HTML may add words (a gap
marker, "Editorial note."), never lose or reorder the TEI's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from transform.edition import TEI_DIR
from transform.writers.checks import first_missing, html_words, tei_words
from transform.writers.collect import Division, collect_edition

FIXTURE_TEI = Path(__file__).parent / "fixtures" / "site" / "tei"


def check_division(site: Path, division: Division) -> list[str]:
    """Problems with one division's page (empty when every word is there in order)."""
    container = "//section[@class='title-page']" if division.kind == "title" else "//div[@class='reading']"
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


def test_fixture_words_all_reach_their_pages(site: Path) -> None:
    problems, words = check_site(site, FIXTURE_TEI)
    assert words > 200
    assert problems == []


@pytest.mark.parametrize(("page", "words"), [
    # a page break inside a word does not split it
    ("rothstein/ch01.html", ["the", "landowners", "held", "the", "soil."]),
    # both readings of a correction are in the page (one shown at a time)
    ("rothstein/ch01.html", ["were", "poar", "poor", "and", "hungry."]),
    ("carr/ch01.html", ["the", "delegatesand", "delegates", "and", "soldiers"]),
])
def test_words_in_order(site: Path, page: str, words: list[str]) -> None:
    text, _ = html_words(site / page)
    assert first_missing(words, text) is None
    joined = " ".join(text)
    assert " ".join(words) in joined


def test_lost_word_is_detected(site: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "site"  # the shared site is only read
    shutil.copytree(site, copy)
    page = copy / "carr" / "ch02.html"
    page.write_text(page.read_text(encoding="utf-8").replace("was feared", "was"),
                    encoding="utf-8")
    problems, _ = check_site(copy, FIXTURE_TEI)
    assert len(problems) == 1 and problems[0].startswith("carr/ch02.html: text word")


@pytest.mark.corpus
def test_real_books_words_all_reach_their_pages(real_site: Path) -> None:
    problems, words = check_site(real_site, TEI_DIR)
    assert words > 10_000
    assert problems[:10] == []
