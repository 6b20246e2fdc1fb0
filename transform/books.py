"""The edition's books and files: where each source, TEI file and register lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEI_DIR = PROJECT_ROOT / "tei"
SCHEMA_DIR = PROJECT_ROOT / "schema"
SOURCES_DIR = PROJECT_ROOT / "sources"

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"tei": TEI_NS}

# The shared registers, beside the books in tei/: kind → file name.
REGISTER_FILES = {"persons": "persons.xml", "places": "places.xml", "orgs": "orgs.xml"}


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
