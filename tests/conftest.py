"""Shared test helpers: paths of the project and of the fixtures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session", autouse=True)
def build_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests' own build cache (transform.buildcache), shared by the session's builds,
    so that they neither read nor crowd out the entries of the user's own builds."""
    directory = tmp_path_factory.mktemp("edition-cache")
    saved = os.environ.get("EDITION_CACHE")
    os.environ["EDITION_CACHE"] = str(directory)
    yield directory
    if saved is None:
        os.environ.pop("EDITION_CACHE", None)
    else:
        os.environ["EDITION_CACHE"] = saved


# ------------------------------------------------------------------ browser tests

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def browser_missing(reason: str) -> None:
    """Skip loudly where a browser cannot run; under CI that is a failure."""
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_missing("the playwright package is not installed (pip install playwright)")
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if executable is None:
        browser_missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
