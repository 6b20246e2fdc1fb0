"""The output directory: which paths a build may write, and removing a site."""

from __future__ import annotations

from pathlib import Path

import pytest

from transform.sitedir import SiteDirectoryError, Staging, check_site_path, remove_tree


@pytest.mark.parametrize("path", [
    "index.html", "rothstein/ch01.html", "index/persons/lenin.html",
    "dts/document/rothstein;tree=pages/58.xml", "pagefind/carr/filter/en_1a2b3c4.pf_filter",
])
def test_plain_site_paths_are_allowed(path: str) -> None:
    check_site_path(path)


@pytest.mark.parametrize("path", [
    "", "/etc/passwd", "../victim.html", "id/../../../victim.html", "a//b.html", "./a.html",
    "a/./b.html", "a/..", "a\\..\\b.html", "a\0b.html", "id/" + "x" * 300 + ".html",
])
def test_paths_that_leave_the_site_or_cannot_be_files_are_refused(path: str) -> None:
    with pytest.raises(SiteDirectoryError, match="refusing to write"):
        check_site_path(path)


def test_staging_writes_each_file_once_and_inside(tmp_path: Path) -> None:
    staging = Staging(tmp_path / "staging")
    (tmp_path / "staging").mkdir()
    staging.write("a/b/c.html", b"x")
    staging.finish()
    assert (tmp_path / "staging" / "a" / "b" / "c.html").read_bytes() == b"x"
    with pytest.raises(SiteDirectoryError, match="two parts of the build write a/b/c.html"):
        staging.write("a/b/c.html", b"y")
    with pytest.raises(SiteDirectoryError):
        staging.write("../outside.html", b"y")
    assert not (tmp_path / "outside.html").exists()
    assert (staging.count, staging.size) == (1, 1)


def test_staging_never_writes_through_a_link(tmp_path: Path) -> None:
    root = tmp_path / "staging"
    root.mkdir()
    outside = tmp_path / "outside.html"
    outside.write_text("theirs")
    (root / "page.html").symlink_to(outside)
    staging = Staging(root)
    staging.write("page.html", b"ours")
    with pytest.raises(SiteDirectoryError, match="cannot write"):
        staging.finish()
    assert outside.read_text() == "theirs"


def test_remove_tree_removes_links_not_what_they_point_to(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    for n in range(50):
        (site / "a" / "b" / f"{n}.html").write_text("x")
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "thesis.tex").write_text("years of work")
    (site / "a" / "link-to-folder").symlink_to(keep)
    (site / "link-to-file").symlink_to(keep / "thesis.tex")
    remove_tree(site)
    assert not site.exists()
    assert (keep / "thesis.tex").read_text() == "years of work"
    remove_tree(site)  # gone already: nothing to do
