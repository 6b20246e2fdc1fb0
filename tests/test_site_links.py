"""Every internal link and fragment of the built site resolves (fixture edition and real books)."""

from __future__ import annotations

from pathlib import Path

import pytest

from transform.edition import TEI_DIR
from transform.registers import read_registers
from transform.writers.checks import check_links

FIXTURE_TEI = Path(__file__).parent / "fixtures" / "site" / "tei"


def register_ids(tei_dir: Path) -> dict[str, set[str]]:
    return {kind: {entry.id for entry in entries}
            for kind, entries in read_registers(tei_dir).items()}


def test_fixture_site_links_resolve(site: Path) -> None:
    broken, checked = check_links(site, register_ids(FIXTURE_TEI))
    assert checked > 100
    assert [b.format() for b in broken] == []


@pytest.mark.parametrize(("page", "href"), [
    ("rothstein/ch01.html", "../index/persons/lenin.html"),
    ("rothstein/ch01.html", "#roth-fn-1"),
    ("rothstein/ch01.html", "#roth-fn-1-call"),
    ("rothstein/ch02.html", "ch01.html#roth-ch1-s2"),
    ("carr/contents.html", "ch01.html#carr-ch1"),
    ("pages.html", "rothstein/ch01.html#p2"),
    ("pages.html", "carr/ch02.html#p10"),
    ("index.html", "index/persons.html"),
    ("carr/ch01.html", "../tei/carr-russian-revolution.xml"),
    # the printed index: its page numbers link to where the heading's name is near that
    # page (Lenin at 1 and 3, Petrograd at 2 and 4: their mentions, one page back)
    ("rothstein/printed-index.html", "ch01.html#roth-fn-1-n1"),
    ("rothstein/printed-index.html", "ch01.html#roth-ch1-s1-p1-n2"),
    ("rothstein/printed-index.html", "ch02.html#roth-ch2-p1-n2"),
])
def test_expected_links_are_there(site: Path, page: str, href: str) -> None:
    text = (site / page).read_text(encoding="utf-8")
    assert f'href="{href}"' in text


def test_broken_fragment_is_reported(site: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "site"  # the shared site is only read
    shutil.copytree(site, copy)
    page = copy / "rothstein" / "ch02.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        'href="ch01.html#roth-ch1-s2"', 'href="ch01.html#no-such-id"'), encoding="utf-8")
    broken, _ = check_links(copy, register_ids(FIXTURE_TEI))
    assert [(b.page, b.href, b.reason) for b in broken] == [
        ("rothstein/ch02.html", "ch01.html#no-such-id", "no such fragment")]


@pytest.mark.corpus
def test_real_site_links_resolve(real_site: Path) -> None:
    broken, checked = check_links(real_site, register_ids(TEI_DIR))
    assert checked > 1000
    assert [b.format() for b in broken][:20] == []
