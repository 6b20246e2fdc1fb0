"""`edition build`: validation first, atomic replacement, deterministic output, a summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from transform.cite import _csl_templates
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


def test_build_calls_validate_paths_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    seen = tmp_path / "seen.txt"

    def fake_validate(paths: list[Path], tei_all: bool = False) -> Report:
        seen.write_text(" ".join(p.name for p in paths))
        return Report(diagnostics=[Diagnostic("x.xml", 3, 4, "error", "broken", "code")])

    monkeypatch.setattr("transform.validate.validate_paths", fake_validate)
    with pytest.raises(BuildError) as failure:
        build_site(tmp_path / "build", FIXTURE_TEI)
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
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    build_site(tmp_path / "a", FIXTURE_TEI)
    build_site(tmp_path / "b", FIXTURE_TEI)
    # four years on to the day (2027-11-14): the build date is also the version date
    # that citations give, so only its year differs anywhere
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1700000000 + 1461 * 86400))
    build_site(tmp_path / "c", FIXTURE_TEI)
    a, b, c = (site_files(tmp_path / n) for n in "abc")
    assert a == b
    assert a.keys() == c.keys()
    differing = sorted(name for name in a if a[name] != c[name])
    assert "cite-data.js" in differing and "index.html" in differing
    assert not any(name.startswith("id/") for name in differing)  # short URLs are undated
    text = [n for n in differing if not n.endswith(".epub")]  # zipped: dated inside
    assert all(a[n] == c[n].replace(b"2027", b"2023") for n in text), [
        n for n in text if a[n] != c[n].replace(b"2027", b"2023")]
    assert b'datetime="2023-11-14"' in a["index.html"]
    assert b'datetime="2027-11-14"' in c["index.html"]


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


def _memo_entries(memo: Path) -> list[Path]:
    return sorted(memo.glob("*.zip"))


def test_warm_cold_and_no_memo_give_the_same_site(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    memo = tmp_path / "memo"
    monkeypatch.setenv("EDITION_CACHE", str(memo))
    _csl_templates.cache_clear()  # this process asked citeproc already: ask the memo
    build_site(tmp_path / "cold", FIXTURE_TEI)
    steps = {p.name.rsplit("-", 1)[0] for p in _memo_entries(memo)}
    assert {"pagefind-rothstein", "pagefind-carr", "epub-rothstein", "epub-carr"} <= steps
    assert any(step.startswith("csl-") for step in steps)
    build_site(tmp_path / "warm", FIXTURE_TEI)
    monkeypatch.setenv("EDITION_CACHE", "off")
    build_site(tmp_path / "off", FIXTURE_TEI)
    build_site(tmp_path / "off-again", FIXTURE_TEI)  # Pagefind run twice: normalised
    cold = site_files(tmp_path / "cold")
    assert any(name.startswith("pagefind/carr/filter/") for name in cold)
    for other in ("warm", "off", "off-again"):
        assert site_files(tmp_path / other) == cold, other


def test_a_damaged_memo_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    memo = tmp_path / "memo"
    monkeypatch.setenv("EDITION_CACHE", str(memo))
    build_site(tmp_path / "first", FIXTURE_TEI)
    entries = _memo_entries(memo)
    for n, entry in enumerate(entries):
        if n % 3 == 0:
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])  # truncated
        elif n % 3 == 1:
            entry.write_bytes(b"not a zip")
        else:  # a well-formed entry whose member would land outside the site
            with zipfile.ZipFile(entry, "w") as archive:
                archive.writestr("../../escaped.html", b"<script>alert(1)</script>")
    build_site(tmp_path / "second", FIXTURE_TEI)
    assert site_files(tmp_path / "second") == site_files(tmp_path / "first")
    assert not list(tmp_path.rglob("escaped.html"))


@pytest.mark.parametrize("where", ["under-a-file", "deleted-mid-build", "full-disk"])
def test_a_memo_that_cannot_be_written_is_no_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   where: str) -> None:
    import errno

    from transform import memo

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("EDITION_CACHE", "off")
    build_site(tmp_path / "reference", FIXTURE_TEI)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    directory = tmp_path / "memo"
    if where == "under-a-file":
        directory = blocker / "memo"
    elif where == "deleted-mid-build":
        real_store = memo.store

        def store_then_delete(step: str, key: str, files: memo.Files) -> None:
            real_store(step, key, files)
            shutil.rmtree(directory, ignore_errors=True)

        monkeypatch.setattr(memo, "store", store_then_delete)
    else:
        def no_space(*args: object, **kwargs: object) -> object:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(memo.tempfile, "mkstemp", no_space)
    monkeypatch.setenv("EDITION_CACHE", str(directory))
    build_site(tmp_path / "site", FIXTURE_TEI)
    assert site_files(tmp_path / "site") == site_files(tmp_path / "reference")


def test_a_failing_writer_leaves_the_old_site_and_no_staging(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    before = site_files(out)

    def broken(*args: object) -> list[tuple[str, bytes]]:
        raise RuntimeError("the DTS writer broke")

    monkeypatch.setattr("transform.writers.citing.SiteCitations.dts_files", broken)
    with pytest.raises(RuntimeError, match="the DTS writer broke"):
        build_site(out, FIXTURE_TEI)
    assert site_files(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_a_validator_that_breaks_stops_the_build(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(paths: list[Path], tei_all: bool = False) -> Report:
        raise RuntimeError("the validator broke")

    monkeypatch.setattr("transform.validate.validate_paths", broken)
    with pytest.raises(RuntimeError, match="the validator broke"):
        build_site(tmp_path / "build", FIXTURE_TEI)
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    for leftover in (".build-new-abc123", ".build-old-4242"):
        (tmp_path / leftover / "rothstein").mkdir(parents=True)
        (tmp_path / leftover / "rothstein" / "ch01.html").write_text("half")
    (tmp_path / ".other-new-1").mkdir()  # another site's: not ours to remove
    build_site(out, FIXTURE_TEI)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other-new-1", "build"]


def test_a_rebuild_keeps_a_git_folder_and_a_cname(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / "CNAME").write_text("edition.example\n")
    (out / "stale.html").write_text("old")
    build_site(out, FIXTURE_TEI)
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (out / "CNAME").read_text() == "edition.example\n"
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()


def test_the_swap_is_one_exchange_and_out_is_never_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    real_rename = os.rename

    def rename(source: object, target: object) -> None:
        assert Path(str(source)) != out, "the old site was renamed away: --out went missing"
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    build_site(out, FIXTURE_TEI)
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("marker", ["directory", "symlink"])
def test_out_whose_marker_is_not_the_file_a_build_wrote_is_refused(tmp_path: Path,
                                                                    marker: str) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    if marker == "directory":
        (out / SITE_MARKER).mkdir()
    else:
        (tmp_path / "elsewhere").write_text("x")
        (out / SITE_MARKER).symlink_to(tmp_path / "elsewhere")
    result = CliRunner().invoke(main, ["build", "--out", str(out), "--tei-dir", str(FIXTURE_TEI)])
    assert result.exit_code == 1
    assert "refusing to replace it" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (out / "notes.txt").read_text() == "keep me"


def test_a_redirect_that_climbs_out_of_the_site_writes_nothing_outside(tmp_path: Path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    (tei / "ids").mkdir()
    (tei / "ids" / "redirects.tsv").write_text("../../../victim\tcarr-ch1-p1\n", encoding="utf-8")
    victim = tmp_path / "victim.html"
    for validate in (True, False):  # refused by validation, and when reading it without
        with pytest.raises(BuildError) as refused:
            build_site(tmp_path / "out" / "site", tei, validate=validate)
        assert [(Path(d.path).name, d.line, d.code) for d in refused.value.diagnostics] == [
            ("redirects.tsv", 1, "redirect-id")]
        assert not victim.exists()
        assert not list(tmp_path.rglob("victim*"))


def test_a_file_name_too_long_is_a_clear_error(tmp_path: Path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    book = tei / "carr-russian-revolution.xml"
    text = book.read_text(encoding="utf-8")
    assert 'xml:id="carr-ch2"' in text
    book.write_text(text.replace('xml:id="carr-ch2"', f'xml:id="carr-{"x" * 300}"'),
                    encoding="utf-8")
    with pytest.raises(BuildError, match="longer than 255 bytes|xml:id"):
        build_site(tmp_path / "site", tei, validate=False)
    assert not (tmp_path / "site").exists()


def test_a_full_disk_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    out = tmp_path / "build"
    build_site(out, FIXTURE_TEI)
    before = site_files(out)
    real_open = os.open

    def open_(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(path).endswith("ch01.html"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    result = CliRunner().invoke(main, ["build", "--out", str(out), "--tei-dir", str(FIXTURE_TEI)])
    assert result.exit_code == 1
    assert "build failed: cannot write " in result.output
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    monkeypatch.setattr(os, "open", real_open)
    assert site_files(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_a_folder_in_tei_ids_does_not_stop_the_build(tmp_path: Path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    (tei / "ids" / "archive" / "2025").mkdir(parents=True)
    (tei / "ids" / "archive" / "2025" / "redirects.tsv").write_text("old\tnew\n")
    build_site(tmp_path / "site", tei)
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_search_indexer_that_fails_is_a_build_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from transform.writers import search

    def no_pagefind(records: object) -> list[tuple[str, bytes]]:
        raise search.PagefindError("the pagefind binary is missing: pip install 'pagefind[bin]'")

    monkeypatch.setenv("EDITION_CACHE", "off")
    monkeypatch.setattr(search, "_index_files", no_pagefind)
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "site"),
                                       "--tei-dir", str(FIXTURE_TEI)])
    assert result.exit_code == 1
    assert "build failed: the pagefind binary is missing" in result.output
    assert isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []
