"""Shared test helpers: paths of the project and of the fixtures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_TEI = FIXTURES / "site" / "tei"  # two small books and their registers
NAMES_FIXTURE_TEI = FIXTURES / "names_index" / "tei"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session", autouse=True)
def build_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests' own memo (transform.memo), shared by the session's builds, so that
    they neither read nor crowd out the entries of the user's own builds."""
    directory = tmp_path_factory.mktemp("edition-cache")
    saved = os.environ.get("EDITION_CACHE")
    os.environ["EDITION_CACHE"] = str(directory)
    yield directory
    if saved is None:
        os.environ.pop("EDITION_CACHE", None)
    else:
        os.environ["EDITION_CACHE"] = saved


# ------------------------------------------------------------------ built sites
# Each site is built once per session and shared: tests only read it (a test that
# needs to change a site copies it first).


def _built(factory: pytest.TempPathFactory, name: str, tei_dir: Path,
           validate: bool = True) -> Path:
    from transform.site import build_site

    out = factory.mktemp(name) / "site"
    build_site(out, tei_dir, validate=validate)
    return out


def site_with_redirects(directory: Path, redirects: dict[str, str]) -> Path:
    """The fixture books built into `directory`/site, with `redirects` (a renamed id →
    its passage's id) in their ids/redirects.tsv."""
    from transform.site import build_site

    tei = directory / "tei"
    shutil.copytree(FIXTURE_TEI, tei)
    (tei / "ids").mkdir()
    (tei / "ids" / "redirects.tsv").write_text(
        "".join(f"{old}\t{new}\n" for old, new in redirects.items()), encoding="utf-8")
    build_site(directory / "site", tei)
    return directory / "site"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, build_cache: Path) -> Path:
    """The site of the fixture books (tests/fixtures/site/tei)."""
    return _built(tmp_path_factory, "fixture-site", FIXTURE_TEI)


@pytest.fixture(scope="session")
def names_site(tmp_path_factory: pytest.TempPathFactory, build_cache: Path) -> Path:
    """The site of the names-index fixture; not validated: it points two names to
    entries no register has, for the coverage report."""
    return _built(tmp_path_factory, "names-site", NAMES_FIXTURE_TEI, validate=False)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory, build_cache: Path) -> Path:
    """The site of the real books in tei/ (skipped until both are there)."""
    from transform.edition import TEI_DIR
    from transform.writers.collect import book_paths

    if {book.key for book, _ in book_paths(TEI_DIR)} != {"rothstein", "carr"}:
        pytest.skip("both books are not yet in tei/")
    return _built(tmp_path_factory, "real-site", TEI_DIR)


@pytest.fixture(scope="session")
def citer() -> object:
    """The citations of the fixture books, as the site built from them gives them."""
    from transform.cite import Citer, current_edition
    from transform.edition import EDITION_TITLE, edition_version
    from transform.writers.collect import collect_edition

    edition = collect_edition(FIXTURE_TEI)
    return Citer(edition, current_edition(edition, "", EDITION_TITLE, edition_version()))


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
