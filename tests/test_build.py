"""`edition build`: validation first, atomic replacement, deterministic output, a summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from transform.cli import main
from transform.diagnostics import Diagnostic, Report
from transform.site import SITE_MARKER, BuildError, build_site

FIXTURE_TEI = Path(__file__).parent / "fixtures" / "site" / "tei"
EXPECTED_FILES = [
    "index.html", "pages.html", "pagemap.js", "names.js", "static/edition.css",
    "static/edition.js", "rothstein/index.html", "rothstein/preface.html",
    "rothstein/ch01.html", "rothstein/ch02.html", "rothstein/printed-index.html",
    "carr/index.html", "carr/contents.html", "carr/foreword.html", "carr/abbreviations.html",
    "carr/ch01.html", "carr/ch02.html", "tei/rothstein-history-ussr.xml",
    "tei/carr-russian-revolution.xml", "tei/persons.xml", "tei/places.xml", "tei/orgs.xml",
]


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def without_build_date(payload: bytes) -> bytes:
    return b"\n".join(line for line in payload.split(b"\n") if b'class="build-date"' not in line)


def test_cli_build_writes_the_site_and_says_what_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", "--out", str(out), "--tei-dir", str(FIXTURE_TEI)])
    assert result.exit_code == 0, result.output
    for name in EXPECTED_FILES:
        assert (out / name).is_file(), name
    for stage in ("validating", "collecting", "rendering", "writing"):
        assert stage in result.output
    assert " pages (rothstein 5, carr 6), " in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["build"]  # no staging directory left


def test_validation_error_stops_the_build_and_keeps_the_old_site(tmp_path: Path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    out = tmp_path / "build"
    build_site(out, tei)
    before = site_files(out)
    book = tei / "carr-russian-revolution.xml"
    book.write_text(book.read_text(encoding="utf-8").replace(
        "<p xml:id=\"carr-ch2-p2\">", "<p xml:id=\"carr-ch2-p2\"><blink>x</blink>"),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--out", str(out), "--tei-dir", str(tei)])
    assert result.exit_code == 1
    assert "carr-russian-revolution.xml:" in result.output and ": error: " in result.output
    assert "build failed" in result.output
    assert site_files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "tei"]


@pytest.mark.parametrize("workers", [1, 2])
def test_build_calls_validate_paths_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          workers: int) -> None:
    seen = tmp_path / "seen.txt"  # written by the validation job, in whichever process

    def fake_validate(paths: list[Path], tei_all: bool = False) -> Report:
        seen.write_text(" ".join(p.name for p in paths))
        return Report(diagnostics=[Diagnostic("x.xml", 3, 4, "error", "broken", "code")])

    monkeypatch.setattr("transform.validate.validate_paths", fake_validate)
    with pytest.raises(BuildError) as failure:
        build_site(tmp_path / "build", FIXTURE_TEI, workers=workers)
    assert seen.read_text().split() == [
        "rothstein-history-ussr.xml", "carr-russian-revolution.xml", "persons.xml",
        "places.xml", "orgs.xml"]
    assert [d.format() for d in failure.value.diagnostics] == [
        "x.xml:3:4: error: broken [code]"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seen.txt"]  # no site, no staging


def test_refuses_to_replace_a_directory_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(BuildError, match="refusing"):
        build_site(out, FIXTURE_TEI)
    assert (out / "thesis.tex").read_text() == "years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious"]


def test_rebuild_replaces_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    (out / "stale.html").write_text("old")
    build_site(out, FIXTURE_TEI)
    assert not (out / "stale.html").exists()
    assert (out / SITE_MARKER).is_file()


def test_rebuild_is_byte_identical_bar_the_build_date(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_site(tmp_path / "a", FIXTURE_TEI)
    build_site(tmp_path / "b", FIXTURE_TEI)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    build_site(tmp_path / "c", FIXTURE_TEI)
    a, b, c = (site_files(tmp_path / n) for n in "abc")
    assert a == b
    assert a.keys() == c.keys()
    differing = sorted(name for name in a if a[name] != c[name])
    assert differing == sorted(name for name in a if name.endswith(".html"))
    assert all(without_build_date(a[n]) == without_build_date(c[n]) for n in differing)
    assert b'datetime="2023-11-14"' in a["index.html"]
    assert b'datetime="2027-01-15"' in c["index.html"]


@pytest.mark.corpus
def test_real_rebuild_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transform.edition import TEI_DIR
    from transform.writers.collect import book_paths

    if not book_paths(TEI_DIR):
        pytest.skip("no book TEI committed in tei/ yet")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    tei = tmp_path / "tei"  # a snapshot: both builds read the same input
    shutil.copytree(TEI_DIR, tei)
    first = build_site(tmp_path / "a", tei, validate=False)
    build_site(tmp_path / "b", tei, validate=False)
    assert site_files(tmp_path / "a") == site_files(tmp_path / "b")
    # every element of the real books has a rule; nothing was rendered lossily
    assert [d.format() for d in first.diagnostics] == []


def test_a_bad_source_date_epoch_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        build_site(tmp_path / "build", FIXTURE_TEI)
    assert not (tmp_path / "build").exists()


def test_strict_fails_on_a_rendering_warning(tmp_path: Path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    book = tei / "carr-russian-revolution.xml"
    book.write_text(book.read_text(encoding="utf-8").replace(
        "The <orgName", "The <pb n='10'/><orgName"), encoding="utf-8")
    args = ["build", "--out", str(tmp_path / "build"), "--tei-dir", str(tei)]
    lenient = CliRunner().invoke(main, args)
    assert lenient.exit_code == 0, lenient.output
    assert "[render-duplicate-page]" in lenient.output
    assert CliRunner().invoke(main, [*args, "--strict"]).exit_code == 1


def test_side_by_side_and_one_after_the_other_give_the_same_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    parallel = build_site(tmp_path / "a", FIXTURE_TEI, workers=2)
    serial = build_site(tmp_path / "b", FIXTURE_TEI, workers=1)
    assert site_files(tmp_path / "a") == site_files(tmp_path / "b")
    assert (parallel.pages, parallel.files, parallel.bytes) == (
        serial.pages, serial.files, serial.bytes)
    assert set(parallel.stages) == set(serial.stages) >= {
        "collection", "validation", "reading", "index", "dts", "downloads", "search"}


def test_a_rebuild_writes_only_what_changed(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    out = tmp_path / "build"
    first = build_site(out, tei)
    assert first.reused == 0
    again = build_site(out, tei)
    assert again.reused == again.files == first.files
    book = tei / "carr-russian-revolution.xml"
    text = book.read_text(encoding="utf-8")
    assert text.count("The <orgName") == 1
    book.write_text(text.replace("The <orgName", "Then the <orgName"), encoding="utf-8")
    inodes = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*.*")}
    edited = build_site(out, tei)
    assert 0 < edited.reused < edited.files
    chapter = next(p.relative_to(out).as_posix() for p in (out / "carr").glob("ch*.html")
                   if "Then the" in p.read_text(encoding="utf-8"))
    assert (out / chapter).stat().st_ino != inodes[chapter]  # written anew
    assert (out / "static/edition.css").stat().st_ino == inodes["static/edition.css"]  # kept
    assert site_files(out)["tei/carr-russian-revolution.xml"] == book.read_bytes()


def test_a_failing_job_leaves_the_old_site_and_no_staging(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    before = site_files(out)

    def broken(*args: object) -> list[tuple[str, bytes]]:
        raise RuntimeError("the DTS writer broke")

    monkeypatch.setenv("EDITION_CACHE", "off")  # made, not taken from the cache
    monkeypatch.setattr("transform.writers.citing.SiteCitations.dts_files", broken)
    for workers in (1, 2):
        with pytest.raises(RuntimeError, match="the DTS writer broke"):
            build_site(out, FIXTURE_TEI, workers=workers)
        assert site_files(out) == before
        assert [p.name for p in tmp_path.iterdir()] == ["build"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_validator_that_breaks_stops_the_build(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 workers: int) -> None:
    def broken(paths: list[Path], tei_all: bool = False) -> Report:
        raise RuntimeError("the validator broke")

    monkeypatch.setattr("transform.validate.validate_paths", broken)
    with pytest.raises(RuntimeError, match="the validator broke"):
        build_site(tmp_path / "build", FIXTURE_TEI, workers=workers)
    assert list(tmp_path.iterdir()) == []


def test_a_link_in_the_old_site_is_never_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    css = out / "static" / "edition.css"
    outside = tmp_path / "outside.css"
    outside.write_bytes(css.read_bytes())  # the same bytes, but not the site's file
    css.unlink()
    css.symlink_to(outside)
    result = build_site(out, FIXTURE_TEI)
    assert not css.is_symlink() and css.stat().st_ino != outside.stat().st_ino
    assert result.reused == result.files - 1


def test_an_edit_to_one_book_remakes_only_its_own_search_dts_and_downloads(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("EDITION_CACHE", str(cache))
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    build_site(tmp_path / "build", tei)

    def entries(job: str) -> set[str]:
        return {p.name for p in cache.glob(f"{job}-*.zip")}

    roth, carr = entries("downloads-rothstein"), entries("downloads-carr")
    assert len(roth) == len(carr) == 1
    searched = entries("search-rothstein"), entries("search-carr")
    dts = entries("dts-rothstein"), entries("dts-carr")
    assert all(len(found) == 1 for found in (*searched, *dts))
    book = tei / "carr-russian-revolution.xml"
    book.write_text(book.read_text(encoding="utf-8").replace("The <orgName", "Then the <orgName"),
                    encoding="utf-8")
    build_site(tmp_path / "build", tei)
    assert entries("downloads-rothstein") == roth  # taken from the cache
    assert len(entries("downloads-carr") - carr) == 1  # made anew
    assert entries("search-rothstein") == searched[0]  # its search index and DTS too
    assert len(entries("search-carr") - searched[1]) == 1
    assert entries("dts-rothstein") == dts[0]
    assert len(entries("dts-carr") - dts[1]) == 1
    text = (tmp_path / "build" / "downloads").glob("carr*.txt")
    assert any("Then the" in p.read_text(encoding="utf-8") for p in text)
