"""The edition's facts: its title, version and build date, its books, and where each
source, TEI file and register lives.

Every module may import this one; it imports nothing of the edition's own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

EDITION_TITLE = "The Russian Revolution from two camps: a critical digital edition"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEI_DIR = PROJECT_ROOT / "tei"
SCHEMA_DIR = PROJECT_ROOT / "schema"
SOURCES_DIR = PROJECT_ROOT / "sources"

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"tei": TEI_NS}

# The shared registers, beside the books in tei/: kind → file name.
REGISTER_FILES = {"persons": "persons.xml", "places": "places.xml", "orgs": "orgs.xml"}
REGISTER_KINDS = tuple(REGISTER_FILES)


def edition_version() -> str:
    """The edition's version: the installed distribution's."""
    try:
        return metadata.version("edition")
    except metadata.PackageNotFoundError:
        return "unknown"


_base_url_option: str | None = None


@contextlib.contextmanager
def base_url_option(url: str | None) -> Iterator[None]:
    """Within the block, `base_url()` gives `url` (a command's `--base-url`) first."""
    global _base_url_option
    before, _base_url_option = _base_url_option, url
    try:
        yield
    finally:
        _base_url_option = before


def base_url(settings: Path = PROJECT_ROOT / "pyproject.toml") -> str:
    """Where the site is published (`https://…`, no trailing slash), or "" when unknown.

    The one source of truth: a command's `--base-url` (`base_url_option`), else
    EDITION_BASE_URL, else `base-url` under `[tool.edition]` in pyproject.toml.
    Every absolute URL of the site and of its citations is made from it, and none
    is made without it. Raises ValueError for anything but an http(s) address: a
    `file:` or relative base would give citations that lead nowhere.
    """
    url = _base_url_option or os.environ.get("EDITION_BASE_URL", "").strip()
    if not url and settings.is_file():
        with settings.open("rb") as file:
            tool = tomllib.load(file).get("tool", {}).get("edition", {})
        url = str(tool.get("base-url", "")).strip()
    url = url.rstrip("/")
    if url and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", url):
        raise ValueError(f"the base URL {url!r} is not an http(s) address "
                         "(like https://host/path)")
    return url


def build_date() -> str:
    """The build date (UTC), from SOURCE_DATE_EPOCH when set (reproducible builds).

    Raises ValueError, saying what is wrong, when SOURCE_DATE_EPOCH is not a number.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.datetime.now(dt.UTC).date().isoformat()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    except (ValueError, OverflowError, OSError) as error:
        raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since "
                         "1970-01-01 UTC") from error


@dataclass(frozen=True)
class Book:
    """One book of the edition: its OCR witness, its TEI file and its id prefix."""

    key: str
    author: str
    short_title: str
    source: Path
    tei: Path
    id_prefix: str


BOOKS: dict[str, Book] = {
    "rothstein": Book(
        key="rothstein",
        author="Andrew Rothstein",
        short_title="A History of the U.S.S.R.",
        source=SOURCES_DIR / "rothstein-history-ussr-1950.ocr.txt",
        tei=TEI_DIR / "rothstein-history-ussr.xml",
        id_prefix="roth",
    ),
    "carr": Book(
        key="carr",
        author="Edward Hallett Carr",
        short_title="The Russian Revolution: From Lenin to Stalin",
        source=SOURCES_DIR / "carr-russian-revolution-1979.ocr.txt",
        tei=TEI_DIR / "carr-russian-revolution.xml",
        id_prefix="carr",
    ),
}
