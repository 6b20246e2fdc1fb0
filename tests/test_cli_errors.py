"""The commands that read TEI without validating it (cite, index, annotate) and those
that write files (index --out, ingest, annotate, cite --update-ids): an input they
cannot read or a file they cannot write is one located line on standard error and
exit 1, never a traceback."""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from tests.conftest import FIXTURE_TEI
from transform.cli import main
from transform.diagnostics import display_path

ROTHSTEIN = "rothstein-history-ussr.xml"
CARR = "carr-russian-revolution.xml"


def fixture_tei(tmp_path: Path) -> Path:
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    (tei / "ids").mkdir()
    (tei / "ids" / "redirects.tsv").write_text("roth-old-p1\troth-ch1-s1-p1\n",
                                               encoding="utf-8")
    return tei


def one_error(result: Result) -> str:
    """The command failed with exit 1 and one line on standard error: that line."""
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(
        next(line for line in path.read_text(encoding="utf-8").splitlines() if text in line)
    ) + 1


# ------------------------------------------------------------------ unreadable inputs


def not_well_formed(tei: Path) -> tuple[Path, int, str]:
    book = tei / ROTHSTEIN
    book.write_text(book.read_text(encoding="utf-8").replace("</body>", "</bdy>", 1),
                    encoding="utf-8")
    return book, line_of(book, "</bdy>"), "not well-formed XML: Opening and ending tag mismatch"


def entities_after_a_comment(tei: Path) -> tuple[Path, int, str]:
    register = tei / "persons.xml"
    text = register.read_text(encoding="utf-8")
    register.write_text(text.replace(
        "<TEI ", "<!-- a comment\n of two lines -->\n"
        '<!DOCTYPE TEI [<!ENTITY lol "lol">]>\n<TEI ', 1), encoding="utf-8")
    return register, line_of(register, "<!DOCTYPE"), "declares entities (lol)"


def external_dtd(tei: Path) -> tuple[Path, int, str]:
    book = tei / CARR
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("<TEI ", '<!DOCTYPE TEI SYSTEM "tei.dtd">\n<TEI ', 1),
                    encoding="utf-8")
    return book, line_of(book, "<!DOCTYPE"), "refers to an external DTD"


def redirects_not_utf8(tei: Path) -> tuple[Path, int, str]:
    redirects = tei / "ids" / "redirects.tsv"
    redirects.write_bytes(b"# old<TAB>new\nroth-old-p1\troth-ch1-s1-p1\nroth-\xe9t\xe9\tx\n")
    return redirects, 3, "not UTF-8 text (byte 0xe9)"


def redirects_a_folder(tei: Path) -> tuple[Path, int, str]:
    redirects = tei / "ids" / "redirects.tsv"
    redirects.unlink()
    redirects.mkdir()
    return redirects, 0, "cannot read the file: Is a directory"


def redirect_out_of_the_site(tei: Path) -> tuple[Path, int, str]:
    redirects = tei / "ids" / "redirects.tsv"
    redirects.write_text("roth-old-p1\troth-ch1-s1-p1\n../../../victim\tcarr-ch1-p1\n",
                         encoding="utf-8")
    return redirects, 2, "../../../victim"


BREAKAGES = [not_well_formed, entities_after_a_comment, external_dtd]


@pytest.mark.parametrize("command", [
    ["cite", "roth-ch1-s1-p1"],
    ["index", "--format", "csv"],
    ["index", "--coverage"],
    ["index", "--compare-printed"],
])
@pytest.mark.parametrize("breakage", BREAKAGES)
def test_unreadable_tei_is_one_located_error(
        tmp_path: Path, command: list[str],
        breakage: Callable[[Path], tuple[Path, int, str]]) -> None:
    tei = fixture_tei(tmp_path)
    broken, line, message = breakage(tei)
    result = CliRunner().invoke(main, [*command, "--tei-dir", str(tei)])
    error = one_error(result)
    assert re.match(rf"{re.escape(display_path(broken))}:{line}:\d+: error: ", error), error
    assert message in error


@pytest.mark.parametrize("breakage", [*BREAKAGES, redirects_not_utf8, redirects_a_folder,
                                      redirect_out_of_the_site])
@pytest.mark.parametrize("command", [["roth-ch1-s1-p1"], ["--update-ids"]])
def test_cite_on_unreadable_inputs_is_one_located_error(
        tmp_path: Path, command: list[str],
        breakage: Callable[[Path], tuple[Path, int, str]]) -> None:
    tei = fixture_tei(tmp_path)
    broken, line, message = breakage(tei)
    result = CliRunner().invoke(main, ["cite", *command, "--tei-dir", str(tei)])
    if command == ["--update-ids"] and broken.name == "persons.xml":
        # the identifier guard reads the books and tei/ids/ only
        assert result.exit_code == 0, result.output
        return
    error = one_error(result)
    assert re.match(rf"{re.escape(display_path(broken))}:{line}:\d+: error: ", error), error
    assert message in error


# annotate reads the edition's own registers, proof those beside the book
@pytest.mark.parametrize(("command", "breakage"), [
    *((["annotate"], breakage) for breakage in (not_well_formed, external_dtd)),
    *((["proof"], breakage) for breakage in BREAKAGES)])
def test_annotate_and_proof_on_unreadable_tei_are_one_located_error(
        tmp_path: Path, command: list[str],
        breakage: Callable[[Path], tuple[Path, int, str]]) -> None:
    tei = fixture_tei(tmp_path)
    broken, line, message = breakage(tei)
    book = broken if broken.name in (ROTHSTEIN, CARR) else tei / ROTHSTEIN
    error = one_error(CliRunner().invoke(main, [*command, str(book)]))
    assert re.match(rf"{re.escape(display_path(broken))}:{line}:\d+: error: ", error), error
    assert message in error


# ------------------------------------------------------------------ unwritable outputs


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("transform.fileio.os.replace", replace)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_index_out_under_a_file_is_one_error(tmp_path: Path) -> None:
    blocker = tmp_path / "report.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "index.csv"
    result = CliRunner().invoke(main, ["index", "--tei-dir", str(FIXTURE_TEI), "--format",
                                       "csv", "--out", str(out)])
    assert one_error(result) == (f"{display_path(out)}:0:0: error: cannot write the file: "
                                 f"{display_path(blocker)} is a file, not a folder "
                                 "[unwritable]")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_index_out_on_a_full_disk_keeps_the_old_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "index.json"
    out.write_text("old", encoding="utf-8")
    full_disk(monkeypatch)
    result = CliRunner().invoke(main, ["index", "--tei-dir", str(FIXTURE_TEI), "--out",
                                       str(out)])
    assert one_error(result) == (f"{display_path(out)}:0:0: error: cannot write the file: "
                                 "No space left on device [unwritable]")
    assert out.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_ingest_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = etree.ElementTree(etree.fromstring(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>'))
    monkeypatch.setattr("transform.readers.carr.read", lambda source: draft)
    full_disk(monkeypatch)
    out = tmp_path / "draft.xml"
    result = CliRunner().invoke(main, ["ingest", "carr", "--out", str(out)])
    assert one_error(result) == (f"{display_path(out)}:0:0: error: cannot write the file: "
                                 "No space left on device [unwritable]")
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_annotate_on_a_full_disk_leaves_the_book(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tei = fixture_tei(tmp_path)
    book = tei / CARR
    before = book.read_bytes()
    full_disk(monkeypatch)
    result = CliRunner().invoke(main, ["annotate", str(book)])
    assert one_error(result) == (f"{display_path(book)}:0:0: error: cannot write the file: "
                                 "No space left on device [unwritable]")
    assert book.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_update_ids_where_ids_is_a_file(tmp_path: Path) -> None:
    tei = fixture_tei(tmp_path)
    shutil.rmtree(tei / "ids")
    (tei / "ids").write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["cite", "--update-ids", "--tei-dir", str(tei)])
    manifest = tei / "ids" / "rothstein.txt"
    assert one_error(result) == (f"{display_path(manifest)}:0:0: error: cannot write the "
                                 f"file: {display_path(tei / 'ids')} is a file, not a folder "
                                 "[unwritable]")


def test_an_error_no_input_explains_is_placed_at_their_folder(tmp_path: Path) -> None:
    from transform.inputs import locate, tei_inputs

    tei = fixture_tei(tmp_path)
    found = locate(UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
                   tei_inputs(tei))
    assert found.format().startswith(f"{display_path(tei)}:0:0: error: cannot read the inputs")


def test_an_input_error_survives_pickling(tmp_path: Path) -> None:
    import pickle

    from transform.inputs import InputError, reading, tei_inputs

    tei = fixture_tei(tmp_path)
    broken, line, _ = not_well_formed(tei)
    with pytest.raises(InputError) as failed, reading(tei_inputs(tei)):
        from transform.xmlsafe import parse_tei

        parse_tei(broken)
    again = pickle.loads(pickle.dumps(failed.value))
    assert again.diagnostic == failed.value.diagnostic
    assert str(again).startswith(f"{display_path(broken)}:{line}:")
