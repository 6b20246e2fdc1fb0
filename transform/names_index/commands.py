"""What `edition index` runs: the exports and the two editors' reports, as bytes or objects."""

from __future__ import annotations

import json
from pathlib import Path

from transform.edition import BOOKS, TEI_DIR
from transform.inputs import reading, tei_inputs
from transform.names_index.collect import collect_index
from transform.names_index.coverage import Coverage, coverage
from transform.names_index.export import to_csv, to_json, to_tei_bytes
from transform.names_index.model import NamesIndex
from transform.names_index.printed import PrintedComparison, compare_printed
from transform.xmlsafe import parse_tei

EXPORT_FORMATS = ("tei", "json", "csv")


class IndexInputError(ValueError):
    """The books or registers the command needs are not there."""


def read_index(tei_dir: Path = TEI_DIR) -> NamesIndex:
    """The index of the books and registers in `tei_dir`; `InputError` names the file,
    line and column of one that cannot be read (not well-formed, unsafe)."""
    with reading(tei_inputs(tei_dir)):
        return collect_index(tei_dir)


def export_index(tei_dir: Path = TEI_DIR, fmt: str = "json") -> bytes:
    """The whole index in one of the export formats."""
    index = read_index(tei_dir)
    if fmt == "tei":
        return to_tei_bytes(index)
    if fmt == "csv":
        return to_csv(index)
    return to_json(index)


def printed_report(tei_dir: Path = TEI_DIR, book: str = "rothstein",
                   window: int = 3) -> PrintedComparison:
    path = tei_dir / BOOKS[book].tei.name
    if not path.exists():
        raise IndexInputError(f"{path} does not exist: no printed index to compare")
    index = read_index(tei_dir)
    with reading([path]):
        return compare_printed(index, parse_tei(path), book, window)


def coverage_report(tei_dir: Path = TEI_DIR) -> Coverage:
    return coverage(read_index(tei_dir))


def report_bytes(report: PrintedComparison | Coverage, fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(report.as_json(), ensure_ascii=False, indent=1) + "\n").encode()
    return ("\n".join(report.lines()) + "\n").encode("utf-8")
