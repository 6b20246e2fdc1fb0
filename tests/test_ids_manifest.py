"""The identifier guard: a published xml:id never disappears without a redirect."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from transform import ids_manifest
from transform.edition import TEI_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "cite"


@pytest.fixture
def tei(tmp_path: Path) -> Path:
    for path in FIXTURE.glob("*.xml"):
        shutil.copy(path, tmp_path / path.name)
    report = ids_manifest.update(tmp_path)
    assert report.lost == []
    return tmp_path


def rename(tei: Path, old: str, new: str) -> None:
    path = tei / "rothstein-history-ussr.xml"
    path.write_text(path.read_text(encoding="utf-8").replace(f'"{old}"', f'"{new}"'),
                    encoding="utf-8")


def test_manifest_lists_every_id(tei: Path) -> None:
    listed = ids_manifest.read_manifest(ids_manifest.manifest_path("rothstein", tei))
    assert {"roth-book", "roth-ch3", "roth-ch3-s2-p2", "roth-fn-12", "roth-pb-123"} <= listed
    assert listed == ids_manifest.current_ids(tei / "rothstein-history-ussr.xml")
    assert ids_manifest.check(tei).lost == []


@pytest.mark.parametrize(("redirect", "lost"), [
    ("", [("rothstein: roth-ch3-s2-p2: removed or renamed without a line in "
           "tei/ids/redirects.tsv")]),
    ("roth-ch3-s2-p2\troth-ch3-s2-p2a\n", []),
    ("roth-ch3-s2-p2\troth-nowhere\n", [("rothstein: roth-ch3-s2-p2: redirected to "
                                         "'roth-nowhere', which does not exist either")]),
])
def test_renamed_id_needs_a_redirect(tei: Path, redirect: str, lost: list[str]) -> None:
    rename(tei, "roth-ch3-s2-p2", "roth-ch3-s2-p2a")
    ids_manifest.redirects_path(tei).write_text(redirect, encoding="utf-8")
    assert [item.format() for item in ids_manifest.check(tei).lost] == lost


def test_update_refuses_to_forget_and_adds_new_ids(tei: Path) -> None:
    rename(tei, "roth-ch3-s2-p2", "roth-ch3-s2-p2a")
    manifest = ids_manifest.manifest_path("rothstein", tei)
    before = manifest.read_text(encoding="utf-8")
    assert ids_manifest.update(tei).lost
    assert manifest.read_text(encoding="utf-8") == before
    ids_manifest.redirects_path(tei).write_text("roth-ch3-s2-p2\troth-ch3-s2-p2a\n",
                                                encoding="utf-8")
    report = ids_manifest.update(tei)
    assert report.lost == [] and report.added["rothstein"] == 1
    listed = ids_manifest.read_manifest(manifest)
    assert {"roth-ch3-s2-p2", "roth-ch3-s2-p2a"} <= listed


@pytest.mark.corpus
def test_no_published_id_of_the_edition_is_lost() -> None:
    report = ids_manifest.check(TEI_DIR)
    assert report.published["rothstein"] > 1500 and report.published["carr"] > 400
    assert [lost.format() for lost in report.lost] == []


def test_a_folder_in_ids_is_not_read(tei: Path) -> None:
    """An archive of old lists in tei/ids/ changes nothing: its redirect does not
    save a renamed id, and the commands that read tei/ids/ work beside it."""
    from click.testing import CliRunner

    from transform.cli import main

    old = ids_manifest.ids_dir(tei) / "old"
    old.mkdir()
    (old / "rothstein.txt").write_text("roth-gone\n", encoding="utf-8")
    (old / "redirects.tsv").write_text("roth-ch3-s2-p2\troth-ch3-s2-p2a\n", encoding="utf-8")
    rename(tei, "roth-ch3-s2-p2", "roth-ch3-s2-p2a")
    assert [item.xml_id for item in ids_manifest.check(tei).lost] == ["roth-ch3-s2-p2"]
    ids_manifest.redirects_path(tei).write_text("roth-ch3-s2-p2\troth-ch3-s2-p2a\n",
                                                encoding="utf-8")
    runner = CliRunner()
    updated = runner.invoke(main, ["cite", "--update-ids", "--tei-dir", str(tei)])
    assert updated.exit_code == 0, updated.output
    listed = ids_manifest.read_manifest(ids_manifest.manifest_path("rothstein", tei))
    assert "roth-ch3-s2-p2a" in listed and "roth-gone" not in listed
    cited = runner.invoke(main, ["cite", "roth-ch3-s2-p2", "--tei-dir", str(tei)])
    assert cited.exit_code == 0, cited.output
    assert "rothstein/ch03.html#roth-ch3-s2-p2a" in cited.stdout
    assert (old / "rothstein.txt").read_text(encoding="utf-8") == "roth-gone\n"


def test_a_folder_named_like_a_manifest_is_no_manifest(tei: Path) -> None:
    manifest = ids_manifest.manifest_path("rothstein", tei)
    manifest.unlink()
    manifest.mkdir()
    (manifest / "roth-ch3-s2-p2").write_text("", encoding="utf-8")
    assert ids_manifest.read_manifest(manifest) == set()
    report = ids_manifest.check(tei)
    assert report.lost == [] and report.published["rothstein"] == 0
    assert report.added["rothstein"] == len(
        ids_manifest.current_ids(tei / "rothstein-history-ussr.xml"))
    # updating it would replace the folder: refused, naming it
    from transform.fileio import WriteError

    with pytest.raises(WriteError) as refused:
        ids_manifest.update(tei)
    assert refused.value.path == manifest
    assert "cannot write the file" in refused.value.diagnostic.format()
