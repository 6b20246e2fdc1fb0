"""The build cache: keys follow every input, entries come back byte for byte, and a
cache that is off, missing or damaged only means the output is made again."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from transform import buildcache

FILES = [("pagefind/a.pf", b"\x1f\x8b binary"), ("dts/index.json", '{"é": 1}'.encode())]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("EDITION_CACHE", str(directory))
    return directory


def inputs(tmp_path: Path, text: str = "<TEI/>") -> list[Path]:
    book = tmp_path / "book.xml"
    book.write_text(text)
    return [book]


def test_the_key_follows_the_inputs_the_parameters_and_the_job(tmp_path: Path) -> None:
    first = buildcache.key_of("dts", inputs(tmp_path), ("v1", "2026-01-01"))
    assert first == buildcache.key_of("dts", inputs(tmp_path), ("v1", "2026-01-01"))
    assert first != buildcache.key_of("downloads", inputs(tmp_path), ("v1", "2026-01-01"))
    assert first != buildcache.key_of("dts", inputs(tmp_path), ("v2", "2026-01-01"))
    assert first != buildcache.key_of("dts", inputs(tmp_path, "<TEI />"), ("v1", "2026-01-01"))
    assert buildcache.key_of_bytes("pagefind", b"a") != buildcache.key_of_bytes("pagefind", b"b")


def test_the_code_is_part_of_every_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = buildcache.key_of("dts", inputs(tmp_path))
    monkeypatch.setattr(buildcache, "code_fingerprint", lambda: "other code")
    assert buildcache.key_of("dts", inputs(tmp_path)) != before


def test_an_entry_comes_back_byte_for_byte_and_is_not_made_again(cache: Path) -> None:
    made: list[int] = []

    def make() -> list[tuple[str, bytes]]:
        made.append(1)
        return list(FILES)

    assert buildcache.cached("dts", "k1", make) == (FILES, False)
    assert buildcache.cached("dts", "k1", make) == (FILES, True)
    assert made == [1]
    entry = cache / "dts-k1.zip"
    with zipfile.ZipFile(entry) as archive:  # data, readable by any zip tool
        assert archive.namelist() == [name for name, _ in FILES]
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_damaged_entry_is_made_again(cache: Path) -> None:
    buildcache.store("dts", "k1", FILES)
    (cache / "dts-k1.zip").write_bytes(b"not a zip")
    assert buildcache.cached("dts", "k1", lambda: FILES) == (FILES, False)
    assert buildcache.load("dts", "k1") == FILES


def test_off_means_always_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITION_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert buildcache.cache_dir() is None
    assert buildcache.cached("dts", "k1", lambda: FILES) == (FILES, False)
    assert buildcache.cached("dts", "k1", lambda: FILES) == (FILES, False)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("EDITION_CACHE", str(blocker / "cache"))
    assert buildcache.cached("dts", "k1", lambda: FILES) == (FILES, False)


def test_only_the_newest_entries_of_a_job_are_kept(cache: Path) -> None:
    for n in range(buildcache.KEEP + 2):
        buildcache.store("dts", f"k{n}", FILES)
    buildcache.store("downloads", "k0", FILES)
    kept = sorted(p.name for p in cache.glob("dts-*.zip"))
    assert len(kept) == buildcache.KEEP
    assert "dts-k0.zip" not in kept and f"dts-k{buildcache.KEEP + 1}.zip" in kept
    assert (cache / "downloads-k0.zip").is_file()
