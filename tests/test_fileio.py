"""Atomic writes: complete files with ordinary permissions, nothing left behind on failure."""

from __future__ import annotations

import errno
import io
import os
import pickle
import stat
from pathlib import Path

import pytest

from transform.diagnostics import display_path
from transform.fileio import WriteError, write_bytes_atomic


def test_written_file_has_the_mode_of_a_plain_write(tmp_path: Path) -> None:
    target = tmp_path / "out.xml"
    write_bytes_atomic(target, b"<x/>")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert target.read_bytes() == b"<x/>"


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.xml"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_bytes_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xml"]


def test_write_tei_puts_blocks_on_lines_and_never_touches_mixed_content(tmp_path: Path) -> None:
    from lxml import etree

    from transform.fileio import write_tei

    source = (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><div><head>H</head>'
        "<p>a<hi>b</hi><hi>c</hi>d<note><p>n</p></note></p><lg><l>x</l><l>y</l></lg>"
        "</div></body></text></TEI>"
    )
    target = tmp_path / "out.xml"
    write_tei(target, etree.fromstring(source))
    written = etree.parse(str(target))
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    [paragraph] = written.xpath("//t:div/t:p", namespaces=ns)
    # the paragraph's text is exactly as before: no space crept between b and c
    assert "".join(paragraph.itertext()) == "abcdn"
    assert etree.tostring(paragraph, encoding="unicode", with_tail=False).endswith("</note></p>")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert any(line.strip().startswith("<head>") for line in lines)
    assert any(line.strip() == "<l>x</l>" for line in lines)
    # writing again changes nothing
    before = target.read_bytes()
    write_tei(target, etree.parse(str(target)))
    assert target.read_bytes() == before


@pytest.mark.parametrize("below", [(), ("sub",), ("sub", "deeper")])
def test_a_file_on_the_way_is_a_write_error_naming_it(tmp_path: Path,
                                                      below: tuple[str, ...]) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_bytes(b"mine")
    target = blocker.joinpath(*below, "out.xml")
    with pytest.raises(WriteError) as refused:
        write_bytes_atomic(target, b"<x/>")
    assert refused.value.path == target
    assert refused.value.errno in (errno.EEXIST, errno.ENOTDIR)
    assert refused.value.strerror == f"{display_path(blocker)} is a file, not a folder"
    assert blocker.read_bytes() == b"mine"


@pytest.mark.parametrize("failing", ["replace", "write"])
def test_a_full_disk_is_a_write_error_and_leaves_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    target = tmp_path / "out.xml"
    target.write_bytes(b"old")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if failing == "replace":
        monkeypatch.setattr("transform.fileio.os.replace", full)
    else:
        class FullFile(io.FileIO):
            def write(self, payload: object) -> int:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("transform.fileio.os.fdopen", lambda fd, mode: FullFile(fd, "wb"))
    with pytest.raises(WriteError) as refused:
        write_bytes_atomic(target, b"new")
    assert isinstance(refused.value, OSError) and refused.value.errno == errno.ENOSPC
    assert refused.value.diagnostic.format() == (
        f"{display_path(target)}:0:0: error: cannot write the file: No space left on device "
        "[unwritable]")
    # it crosses a process boundary whole (a build step may run in another process)
    assert pickle.loads(pickle.dumps(refused.value)).diagnostic == refused.value.diagnostic
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xml"]
