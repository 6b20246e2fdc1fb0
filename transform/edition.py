"""The edition's facts: its title, version and build date, its books, and where each
source, TEI file and register lives.

Every module may import this one; it imports nothing of the edition's own.
"""

from __future__ import annotations

import datetime as dt
import os
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


def base_url() -> str:
    """Where the site is published (`https://…/`, no trailing slash), or "" when unknown.

    From EDITION_BASE_URL; every absolute URL of the site and of its citations is
    made from it, and none is made without it.
    """
    return os.environ.get("EDITION_BASE_URL", "").strip().rstrip("/")


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
