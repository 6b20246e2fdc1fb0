"""Annotators: TEI→TEI passes over the books. `names` tags people, places and organisations;
`dates` tags and normalises dates.

`annotate_files` is what `edition annotate` calls: it loads the registers once, runs the
names pass over each book, writes each file back (atomically) and returns what was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from transform.annotate.names import (
    BookAnnotation,
    Matcher,
    annotate_tree,
    format_report,
    untagged_report,
)
from transform.annotate.dates import DatesRun, date_tree, read_decisions
from transform.annotate.registers import load_registers
from transform.edition import BOOKS, TEI_DIR
from transform.fileio import write_tei
from transform.xmlsafe import parse_tei
from transform.header import keep_counts

__all__ = ["AnnotationRun", "annotate_files", "book_key_of", "date_files", "format_report"]


@dataclass
class AnnotationRun:
    """The result of one `edition annotate`: one BookAnnotation per file."""

    books: list[BookAnnotation]


def book_key_of(path: Path) -> str:
    """The book a TEI file holds (carr, rothstein), by its file name; "" if neither."""
    for key, book in BOOKS.items():
        if path.resolve().name == book.tei.name:
            return key
    return ""


def annotate_files(paths: list[Path], *, registers_dir: Path = TEI_DIR, write: bool = True,
                   report: bool = False, redo: bool = False) -> AnnotationRun:
    """Tag the names in each TEI file of `paths` from the registers in `registers_dir`.

    `redo` first takes back the tags an earlier run made (never those made by hand).
    """
    registers = load_registers(registers_dir)
    matcher = Matcher.build(registers)
    run = AnnotationRun([])
    for path in paths:
        tree = parse_tei(path)
        before = etree.tostring(tree)
        result = annotate_tree(tree.getroot(), registers, book_key_of(path), matcher, str(path),
                               redo=redo)
        if report:
            untagged_report(tree.getroot(), result)
        keep_counts(tree.getroot())
        if write and etree.tostring(tree) != before:
            write_tei(path, tree)
        run.books.append(result)
    return run


def date_files(paths: list[Path], *, write: bool = True, redo: bool = False) -> list[DatesRun]:
    """Tag the dates in each TEI book of `paths` (`edition dates`), writing each back."""
    decisions = read_decisions()
    runs = []
    for path in paths:
        tree = parse_tei(path)
        before = etree.tostring(tree)
        run = date_tree(tree.getroot(), book_key_of(path), str(path), redo=redo,
                        decisions=decisions)
        keep_counts(tree.getroot())
        if write and etree.tostring(tree) != before:
            write_tei(path, tree)
        runs.append(run)
    return runs
