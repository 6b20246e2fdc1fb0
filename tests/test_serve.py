"""`edition serve`: what a save changes in the served site, the errors it shows, and what
the server refuses to serve. The fixture books are copied to tmp_path and edited there."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURE_TEI
from transform.cli import main
from transform.edition import build_date, edition_version
from transform.serve import (
    BANNER_ID,
    LIVE_SCRIPT,
    Preview,
    PreviewServer,
    site_path,
    snapshot,
    start_preview,
)
from transform.writers.collect import collect_edition
from transform.writers.reading import SiteWriter

CHAPTER = "/rothstein/ch01.html"
OTHER_BOOK = "/carr/ch01.html"
ROTHSTEIN = "rothstein-history-ussr.xml"
WORD = "hungry"  # in a paragraph of Rothstein's chapter 1, once in the book


@pytest.fixture
def tei(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_TEI, tmp_path / "tei")
    return tmp_path / "tei"


@pytest.fixture
def preview(site: Path, tei: Path) -> Preview:
    """A preview over the shared fixture site (it only reads it), rendered once."""
    shown = Preview(site, tei)
    shown.refresh()
    return shown


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def body(preview: Preview, path: str) -> str:
    served = preview.page(path)
    assert served.status == 200
    return served.body.decode("utf-8")


# ------------------------------------------------------------------ change handling


def test_an_edit_shows_in_the_served_page_after_the_next_refresh(preview: Preview,
                                                                   tei: Path) -> None:
    assert WORD in body(preview, CHAPTER)
    served_at = preview.generation
    replace_in(tei / ROTHSTEIN, WORD, "famished")
    refresh = preview.refresh()
    assert refresh.errors == ()
    assert "rothstein/ch01.html" in refresh.changed
    assert f"tei/{ROTHSTEIN}" in refresh.changed  # the TEI source offered for download
    page = body(preview, CHAPTER)
    assert "famished" in page and WORD not in page
    assert preview.wait_for_change(CHAPTER, served_at, timeout=0)
    assert not preview.wait_for_change(OTHER_BOOK, served_at, timeout=0)


def test_a_save_that_changes_nothing_reloads_no_page(preview: Preview, tei: Path) -> None:
    served_at = preview.generation
    (tei / ROTHSTEIN).touch()
    refresh = preview.refresh()
    assert refresh.changed == () and refresh.errors == ()
    assert preview.generation == served_at
    assert not preview.wait_for_change(CHAPTER, served_at, timeout=0.05)


def test_a_schema_error_keeps_the_last_good_page_and_lists_the_errors(preview: Preview,
                                                                        tei: Path) -> None:
    line = line_of(tei / ROTHSTEIN, WORD)
    replace_in(tei / ROTHSTEIN, WORD, "<bogus>starving</bogus>")
    served_at = preview.generation
    refresh = preview.refresh()
    assert refresh.changed == ()
    assert refresh.errors and all(f"{ROTHSTEIN}:{line}:" in error for error in refresh.errors)
    assert any("<bogus>" in error for error in refresh.errors)
    assert preview.wait_for_change(CHAPTER, served_at, timeout=0)  # to show the banner
    page = body(preview, CHAPTER)
    assert WORD in page and "starving" not in page  # the last good page
    assert f'id="{BANNER_ID}"' in page
    assert "&lt;bogus&gt;" in page and "<bogus>" not in page  # the messages are escaped

    replace_in(tei / ROTHSTEIN, "<bogus>starving</bogus>", "starving")
    refresh = preview.refresh()
    assert refresh.errors == () and "rothstein/ch01.html" in refresh.changed
    page = body(preview, CHAPTER)
    assert "starving" in page and BANNER_ID not in page


def test_a_file_cut_off_mid_save_is_an_error_not_a_crash(preview: Preview, tei: Path) -> None:
    text = (tei / ROTHSTEIN).read_text(encoding="utf-8")
    (tei / ROTHSTEIN).write_text(text[: len(text) // 2], encoding="utf-8")
    refresh = preview.refresh()
    assert refresh.errors and refresh.errors[0].startswith(str(tei / ROTHSTEIN))
    assert WORD in body(preview, CHAPTER)


def test_a_page_no_longer_rendered_is_no_longer_served(preview: Preview, tei: Path) -> None:
    assert preview.page("/rothstein/ch02.html").status == 200
    text = (tei / ROTHSTEIN).read_text(encoding="utf-8")
    start = text.index('<div type="chapter" n="II"')
    end = text.index("</div>", text.index('xml:id="roth-ch2-p2"')) + len("</div>")
    (tei / ROTHSTEIN).write_text(text[:start] + text[end:], encoding="utf-8")
    refresh = preview.refresh()
    assert refresh.errors == () and "rothstein/ch02.html" in refresh.changed
    assert preview.page("/rothstein/ch02.html").status == 404  # though the build wrote it


# Each edit: its replacements (file, old, new). Some stay inside one division's TEI;
# others change what other pages show (a chapter's title, a tagged name, a page break
# that the printed index's locators lead to, a register entry).
EDITS: dict[str, list[tuple[str, str, str]]] = {
    "a word": [(ROTHSTEIN, WORD, "famished")],
    "a chapter's title": [(ROTHSTEIN, "CHAPTER II. The Revolution", "CHAPTER II. Revolution")],
    "a tagged name": [(ROTHSTEIN, "All power to the Soviets!",
                       'All power to the <orgName ref="orgs.xml#soviet">Soviets</orgName>!')],
    "a page break within its page": [
        (ROTHSTEIN, '<pb n="4" xml:id="roth-pb-4"/>\n        <p xml:id="roth-ch2-p2">',
         '<p xml:id="roth-ch2-p2"><pb n="4" xml:id="roth-pb-4"/>')],
    "a page break into the next chapter": [
        (ROTHSTEIN, '<pb n="3" xml:id="roth-pb-3"/>\n            <item xml:id="roth-ch1-s2-i2">',
         '<item xml:id="roth-ch1-s2-i2">'),
        (ROTHSTEIN, '<p xml:id="roth-ch2-p1">',
         '<pb n="3" xml:id="roth-pb-3"/><p xml:id="roth-ch2-p1">')],
    "a reference": [(ROTHSTEIN, 'target="#roth-ch1-s2"', 'target="#roth-ch1-s1"')],
    "a register entry": [("persons.xml", "Leader of the Bolsheviks",
                          "Chairman of the Bolsheviks")],
    "the other book": [("carr-russian-revolution.xml", "This is a short book",
                        "This is a very short book")],
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_re_render_gives_the_bytes_of_a_full_render(preview: Preview, tei: Path,
                                                      edit: str) -> None:
    """Divisions kept from the previous re-render must not show anything stale."""
    for name, old, new in EDITS[edit]:
        replace_in(tei / name, old, new)
    refresh = preview.refresh()
    assert refresh.errors == () and refresh.changed
    edition = collect_edition(tei)
    for page in SiteWriter(edition, build_date(), edition_version()).reading_files():
        served = preview.page("/" + page.path).body
        assert re.sub(rb'<script src="/_edition/[^"]*" data-generation="\d+"></script>\n',
                      b"", served) == page.payload, page.path


def test_an_editors_swap_and_backup_files_are_not_watched(tei: Path) -> None:
    before = snapshot([tei])
    (tei / f".{ROTHSTEIN}.swp").write_bytes(b"swap")
    (tei / f"{ROTHSTEIN}~").write_bytes(b"backup")
    assert snapshot([tei]) == before
    (tei / ROTHSTEIN).write_bytes((tei / ROTHSTEIN).read_bytes() + b"\n")
    assert snapshot([tei]) != before


def test_the_built_site_carries_no_live_script(site: Path) -> None:
    for page in site.rglob("*.html"):
        assert LIVE_SCRIPT not in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(("url", "expected"), [
    ("/", "index.html"),
    ("/rothstein/", "rothstein/index.html"),
    ("/rothstein/ch01.html", "rothstein/ch01.html"),
    ("/index/persons/lenin.html", "index/persons/lenin.html"),
    ("/../etc/passwd", None),
    ("/%2e%2e/%2e%2e/etc/passwd", None),
    ("/%2E%2E/x", None),
    ("/rothstein/..%2f..%2fx", None),
    ("/rothstein/./ch01.html", None),
    ("/a%5c..%5cb", None),
    ("/a%00b", None),
    ("//etc/passwd", None),
])
def test_site_path(url: str, expected: str | None) -> None:
    assert site_path(url) == expected


# ------------------------------------------------------------------ the HTTP server


@pytest.fixture
def server(preview: Preview, tei: Path) -> Iterator[PreviewServer]:
    running = PreviewServer(preview, 0, [tei])
    running.start()
    yield running
    running.stop()
    assert not [t for t in threading.enumerate() if t.name.startswith("edition-serve")]


def get(server: PreviewServer, path: str, host: str | None = None) -> tuple[int, bytes]:
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)  # the path goes out as it is
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_the_server_binds_to_loopback_only(server: PreviewServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("path", [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/rothstein/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/rothstein/..%5c..%5cetc%5cpasswd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/etc/passwd",
    "/no-such-page.html",
])
def test_a_path_out_of_the_site_is_refused(server: PreviewServer, path: str) -> None:
    status, payload = get(server, path)
    assert status in (403, 404)
    assert b"root:" not in payload


def test_a_link_out_of_the_site_is_not_followed(tmp_path: Path, site: Path, tei: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    secret = tmp_path / "secret.html"
    secret.write_text("<p>secret</p>", encoding="utf-8")
    os.symlink(secret, copy / "leak.html")
    os.symlink(tmp_path, copy / "up")
    with PreviewServer(Preview(copy, tei), 0, []) as running:
        running.start()
        assert get(running, "/leak.html")[0] == 404
        assert get(running, "/up/secret.html")[0] == 404
        assert get(running, "/index.html")[0] == 200


def test_another_host_name_is_refused(server: PreviewServer) -> None:
    assert get(server, CHAPTER, host="attacker.invalid")[0] == 403
    assert get(server, CHAPTER)[0] == 200


def test_a_served_page_carries_the_live_script(server: PreviewServer) -> None:
    status, payload = get(server, CHAPTER)
    assert status == 200 and LIVE_SCRIPT.encode() in payload
    status, script = get(server, LIVE_SCRIPT)
    assert status == 200 and b"/_edition/changes" in script


def test_the_watcher_re_renders_a_save_and_answers_the_waiting_page(
        server: PreviewServer, preview: Preview, tei: Path) -> None:
    served_at = preview.generation
    replace_in(tei / ROTHSTEIN, WORD, "famished")
    status, answer = get(server, f"/_edition/changes?page={CHAPTER}&since={served_at}")
    assert (status, answer) == (200, b'{"reload": true}')
    assert b"famished" in get(server, CHAPTER)[1]


def test_stop_answers_a_waiting_page_and_ends_every_thread(preview: Preview, tei: Path) -> None:
    running = PreviewServer(preview, 0, [tei])
    running.start()
    answers: list[tuple[int, bytes]] = []
    waiting = threading.Thread(target=lambda: answers.append(
        get(running, f"/_edition/changes?page={CHAPTER}&since={preview.generation}")))
    waiting.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(
            t.name.endswith("(process_request_thread)") for t in threading.enumerate()):
        time.sleep(0.01)  # until the server is answering the request, in a thread
    running.stop()
    waiting.join(timeout=5)
    assert answers == [(200, b'{"reload": false}')]
    assert not [t for t in threading.enumerate() if t.name.startswith("edition-serve")]


# ------------------------------------------------------------------ the command


def test_start_preview_builds_once_and_serves(tmp_path: Path, tei: Path) -> None:
    with start_preview(tmp_path / "out", tei, 0) as running:
        assert (tmp_path / "out" / "rothstein" / "ch01.html").is_file()
        status, payload = get(running, CHAPTER)
        assert status == 200 and WORD.encode() in payload


def test_a_start_with_errors_serves_the_earlier_site_under_them(tmp_path: Path,
                                                                 tei: Path) -> None:
    with start_preview(tmp_path / "out", tei, 0):
        pass
    replace_in(tei / ROTHSTEIN, WORD, "<bogus>starving</bogus>")
    with start_preview(tmp_path / "out", tei, 0) as running:
        status, payload = get(running, CHAPTER)
        assert status == 200 and WORD.encode() in payload and b"starving" not in payload
        assert BANNER_ID.encode() in payload and b"&lt;bogus&gt;" in payload
        served_at = running.preview.generation
        replace_in(tei / ROTHSTEIN, "<bogus>starving</bogus>", "starving")
        answer = get(running, f"/_edition/changes?page={CHAPTER}&since={served_at}")
        assert answer == (200, b'{"reload": true}')
        status, payload = get(running, CHAPTER)
        assert b"starving" in payload and BANNER_ID.encode() not in payload


def test_a_start_with_errors_and_no_earlier_site_fails(tmp_path: Path, tei: Path) -> None:
    replace_in(tei / ROTHSTEIN, WORD, "<bogus>starving</bogus>")
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--tei-dir", str(tei),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{ROTHSTEIN}:" in result.output and "build failed" in result.output


def test_a_busy_port_is_one_line_and_exit_1(tmp_path: Path, tei: Path) -> None:
    with PreviewServer(Preview(tmp_path, tei), 0, []) as busy:
        port = busy.url.rsplit(":", 1)[1].strip("/")
        result = CliRunner().invoke(main, ["serve", "--port", port, "--tei-dir", str(tei),
                                           "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output
    assert not (tmp_path / "out").exists()  # refused before any build
