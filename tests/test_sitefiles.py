"""Writing a site's files: unchanged files linked from the previous site, through the
manifest the previous build left (transform.sitefiles)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_TEI
from transform.site import build_site
from transform.sitefiles import KEEP_SITES, FileRecord, Manifest, SiteFiles

FILES = [("a.html", b"<p>alpha</p>"), ("sub/b.json", b"{}"), ("sub/c.txt", b"gamma")]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("EDITION_CACHE", str(directory))
    return directory


def first_site(tmp_path: Path, files: list[tuple[str, bytes]] = FILES) -> Path:
    """A site written through SiteFiles, swapped into place, its manifest saved."""
    site = tmp_path / "site"
    sink = SiteFiles(tmp_path / "staging", None)
    sink.write(files)
    sink.made_by("job", "key-1", files)
    (tmp_path / "staging").rename(site)
    sink.made.save(site)
    return site


def test_the_manifest_round_trips_and_describes_the_files(tmp_path: Path, cache: Path) -> None:
    site = first_site(tmp_path)
    manifest = Manifest.load(site)
    assert sorted(manifest.files) == [path for path, _ in FILES]
    assert manifest.jobs == {"job": ("key-1", [path for path, _ in FILES])}
    assert all(record.holds(site / path) for path, record in manifest.files.items())
    assert Manifest.location(site) is not None and Manifest.location(site).parent.parent == cache


def test_unchanged_files_are_linked_changed_ones_written(tmp_path: Path, cache: Path) -> None:
    site = first_site(tmp_path)
    staging = tmp_path / "new"
    sink = SiteFiles(staging, site, Manifest.load(site))
    count, size, reused = sink.write([("a.html", b"<p>alpha</p>"), ("sub/b.json", b"[]")])
    assert (count, size, reused) == (2, 14, 1)
    assert (staging / "a.html").stat().st_ino == (site / "a.html").stat().st_ino
    assert (staging / "sub/b.json").stat().st_ino != (site / "sub/b.json").stat().st_ino
    assert (staging / "sub/b.json").read_bytes() == b"[]"
    assert (site / "sub/b.json").read_bytes() == b"{}"  # the old site is never written


def test_a_file_changed_since_the_manifest_is_compared_by_its_bytes(tmp_path: Path,
                                                                   cache: Path) -> None:
    site = first_site(tmp_path)
    manifest = Manifest.load(site)
    (site / "a.html").write_bytes(b"<p>ALPHA</p>")  # same size, other bytes, new time
    staging = tmp_path / "new"
    sink = SiteFiles(staging, site, manifest)
    assert sink.write([("a.html", b"<p>alpha</p>")]) == (1, 12, 0)
    assert (staging / "a.html").read_bytes() == b"<p>alpha</p>"
    assert (staging / "a.html").stat().st_ino != (site / "a.html").stat().st_ino


def test_a_job_with_the_same_key_keeps_its_files(tmp_path: Path, cache: Path) -> None:
    site = first_site(tmp_path)
    sink = SiteFiles(tmp_path / "new", site, Manifest.load(site))
    assert sink.keep("job", "key-2") is None  # other inputs: made anew
    assert sink.keep("other", "key-1") is None
    assert sink.keep("job", "key-1") == (3, sum(len(b) for _, b in FILES))
    assert sink.totals == [3, sum(len(b) for _, b in FILES), 3]
    for path, payload in FILES:
        assert (tmp_path / "new" / path).read_bytes() == payload
        assert (tmp_path / "new" / path).stat().st_ino == (site / path).stat().st_ino
    assert sink.made.jobs["job"] == ("key-1", [path for path, _ in FILES])


def test_a_job_whose_old_files_changed_is_made_again(tmp_path: Path, cache: Path) -> None:
    site = first_site(tmp_path)
    manifest = Manifest.load(site)
    (site / "sub/c.txt").write_bytes(b"GAMMA, changed by hand")
    assert SiteFiles(tmp_path / "new", site, manifest).keep("job", "key-1") is None
    (site / "sub/c.txt").unlink()
    assert SiteFiles(tmp_path / "new2", site, manifest).keep("job", "key-1") is None
    # nothing linked is left behind in the staging directory to be written through
    assert not (tmp_path / "new" / "a.html").exists()


def test_no_manifest_without_a_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITION_CACHE", "off")
    site = first_site(tmp_path)
    assert Manifest.location(site) is None
    assert Manifest.load(site).files == {}
    # files are still linked when their bytes are equal, compared one by one
    sink = SiteFiles(tmp_path / "new", site, Manifest.load(site))
    assert sink.write(FILES)[2] == len(FILES)


def test_a_damaged_or_foreign_manifest_is_ignored(tmp_path: Path, cache: Path) -> None:
    site = first_site(tmp_path)
    moved = tmp_path / "moved"
    shutil.copytree(site, moved)
    assert Manifest.load(moved).files == {}  # a manifest belongs to one site
    assert Manifest.load(site).files != {}
    where = Manifest.location(site)
    assert where is not None
    where.write_text("{not json")
    assert Manifest.load(site).files == {}


def test_a_rebuild_keeps_unchanged_jobs_without_making_them(
        tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    dts = sorted(p for p in (out / "dts").rglob("*") if p.is_file())
    inodes = {p: p.stat().st_ino for p in dts}
    for entry in cache.glob("*.zip"):  # nothing to take from the cache: only the old site
        entry.unlink()

    def broken(*args: object) -> list[tuple[str, bytes]]:
        raise AssertionError("the DTS files were made again although nothing changed")

    monkeypatch.setattr("transform.writers.citing.SiteCitations.dts_files", broken)
    result = build_site(out, FIXTURE_TEI)
    assert result.reused == result.files
    assert {p: p.stat().st_ino for p in dts} == inodes

    os.utime(dts[0], ns=(0, 0))  # touched since the manifest: not trusted, made anew
    with pytest.raises(AssertionError, match="made again"):
        build_site(out, FIXTURE_TEI)


def test_only_the_latest_manifests_are_kept(tmp_path: Path, cache: Path) -> None:
    sites = [tmp_path / f"site-{n}" for n in range(KEEP_SITES + 3)]
    for n, site in enumerate(sites):
        site.mkdir()
        manifest = Manifest({"a.html": FileRecord(1, "00", 1, 1)})
        manifest.save(site)
        where = Manifest.location(site)
        assert where is not None
        os.utime(where, ns=(n * 10**9, n * 10**9))  # saved one after the other
    assert len(list((cache / "sites").glob("*.json"))) == KEEP_SITES
    assert Manifest.load(sites[-1]).files  # the newest kept
    assert not Manifest.load(sites[0]).files  # the oldest gone
