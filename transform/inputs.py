"""Inputs a command cannot read, as one located diagnostic: a TEI file that is not
well-formed or not safe (a DOCTYPE, entities), a text file that is not UTF-8, a file
the system will not let us read.

Commands other than `edition validate` read the TEI without validating it first;
`reading` turns the failure of such a read into an `InputError` that says which
file, line and column to fix, for the command line to print instead of a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

from transform.diagnostics import Diagnostic, display_path
from transform.edition import BOOKS, REGISTER_FILES
from transform.fileio import WriteError
from transform.xmlsafe import UnsafeXMLError, parse_tei


class InputError(Exception):
    """An input file could not be read; `diagnostic` says where and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic)
        self.diagnostic = diagnostic

    def __str__(self) -> str:
        return self.diagnostic.format()


def tei_inputs(tei_dir: Path) -> list[Path]:
    """The books and registers in `tei_dir`, in the order the commands read them."""
    return [tei_dir / book.tei.name for book in BOOKS.values()] + [
        tei_dir / name for name in REGISTER_FILES.values()]


def _not_well_formed(path: str, error: etree.XMLSyntaxError) -> Diagnostic:
    line, col = error.position
    return Diagnostic(display_path(Path(path)), line, col, "error",
                      f"not well-formed XML: {error.msg}; fix the markup there "
                      "(`edition validate` lists every problem)", "not-well-formed")


def _unsafe(path: Path, error: UnsafeXMLError) -> Diagnostic:
    raw = path.read_bytes()
    doctype = re.search(rb"<!DOCTYPE", raw)
    line = raw.count(b"\n", 0, doctype.start()) + 1 if doctype else error.line
    return Diagnostic(display_path(path), line, 1, "error", str(error), "entities")


def _not_utf8(path: Path, raw: bytes, error: UnicodeDecodeError) -> Diagnostic:
    line_start = raw.rfind(b"\n", 0, error.start) + 1
    return Diagnostic(display_path(path), raw.count(b"\n", 0, error.start) + 1,
                      error.start - line_start + 1, "error",
                      f"not UTF-8 text (byte 0x{raw[error.start]:02x}): save the file as UTF-8",
                      "not-utf8")


def locate(error: Exception, inputs: list[Path]) -> Diagnostic:
    """Where `error`, raised while one of `inputs` was read, comes from.

    lxml's syntax errors and the system's errors name their file; for the others
    (an unsafe DOCTYPE, a text file that is not UTF-8) the inputs are read again,
    one by one, until one fails the same way.
    """
    if isinstance(error, etree.XMLSyntaxError) and error.filename:
        return _not_well_formed(error.filename, error)
    if isinstance(error, OSError) and error.filename:
        return Diagnostic(display_path(Path(error.filename)), 0, 0, "error",
                          f"cannot read the file: {error.strerror}", "unreadable")
    for path in inputs:
        if not path.is_file():
            continue
        try:
            if path.suffix == ".xml":
                parse_tei(path)
            else:
                raw = path.read_bytes()
                raw.decode("utf-8")
        except UnsafeXMLError as unsafe:
            return _unsafe(path, unsafe)
        except etree.XMLSyntaxError as syntax:
            return _not_well_formed(str(path), syntax)
        except UnicodeDecodeError as undecodable:
            return _not_utf8(path, raw, undecodable)
    folder = Path(os.path.commonpath(inputs)) if inputs else Path()
    return Diagnostic(display_path(folder), 0, 0, "error", f"cannot read the inputs: {error}",
                      "unreadable")


@contextmanager
def reading(inputs: Iterable[Path]) -> Iterator[None]:
    """Raise a failure to read one of `inputs` as an `InputError` located in it."""
    inputs = list(inputs)
    try:
        yield
    except WriteError:
        raise
    except (etree.XMLSyntaxError, UnsafeXMLError, UnicodeDecodeError, OSError) as error:
        raise InputError(locate(error, inputs)) from error
