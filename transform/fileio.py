"""Atomic writing: a file or a directory appears complete or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lxml import etree

from transform.diagnostics import Diagnostic, display_path


class WriteError(OSError):
    """A file could not be written (a folder that is a file or read-only, a full disk):
    the file and the system's reason, for a one-line message."""

    @classmethod
    def of(cls, path: Path, error: OSError, reason: str | None = None) -> WriteError:
        """`error` (the system's) as a WriteError of `path`; `reason` replaces its words."""
        return cls(error.errno, reason or error.strerror or str(error), str(path))

    @property
    def path(self) -> Path:
        return Path(self.filename)

    @property
    def diagnostic(self) -> Diagnostic:
        return Diagnostic(display_path(self.path), 0, 0, "error",
                          f"cannot write the file: {self.strerror}", "unwritable")


def write_bytes_atomic(path: Path, payload: bytes) -> None:
    """Write `payload` beside `path` and rename it into place only when complete.

    Raises `WriteError` (an `OSError`) naming `path` when the system refuses; the
    file at `path`, if any, is then as it was.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        # mkdir says only "File exists" when a folder on the way is a file: name it
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        reason = f"{display_path(blocking)} is a file, not a folder" if blocking else None
        raise WriteError.of(path, error, reason) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        # mkstemp makes the file private (0600); give it the mode a plain write would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError.of(path, error) from error
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Elements whose content is other elements only (never mixed text): whitespace
# between their children is insignificant, so one child per line is safe there.
STRUCTURAL = frozenset(
    f"{{http://www.tei-c.org/ns/1.0}}{name}"
    for name in ["TEI", "teiHeader", "fileDesc", "titleStmt", "editionStmt", "publicationStmt", "seriesStmt", "notesStmt", "sourceDesc", "encodingDesc", "projectDesc", "editorialDecl", "correction", "normalization", "quotation", "hyphenation", "segmentation", "interpretation", "punctuation", "refsDecl", "citeStructure", "profileDesc", "langUsage", "revisionDesc", "availability", "respStmt", "text", "front", "body", "back", "div", "titlePage", "docTitle", "listBibl", "list", "lg", "quote", "figure", "table", "row", "listPerson", "listPlace", "listOrg", "listRelation", "person", "place", "org", "location", "biblStruct", "monogr", "imprint"]
)


def indent_structure(element: etree._Element, level: int = 0) -> None:
    """Put each child of an element-only TEI element on its own line, indented.

    Unlike `etree.indent`, mixed content (a paragraph, a heading, a note) is never
    touched: a newline added between two inline elements would add a space to the
    text. An element is re-indented only when its own text and its children's tails
    are all white space.
    """
    children = [c for c in element if isinstance(c.tag, str) or c.tag is etree.Comment]
    if (
        element.tag not in STRUCTURAL
        or not children
        or (element.text and element.text.strip())
        or any(c.tail and c.tail.strip() for c in element)
    ):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        child.tail = inner
        indent_structure(child, level + 1)
    element[-1].tail = "\n" + "  " * level


def write_tei(path: Path, tree: etree._ElementTree | etree._Element) -> None:
    """Serialise TEI as UTF-8 with an XML declaration, atomically, one block a line.

    Block-level elements stand on lines of their own so that diagnostics (which
    give a line) point somewhere useful and diffs of hand corrections stay small.
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    indent_structure(root)
    payload = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    if not payload.endswith(b"\n"):
        payload += b"\n"
    write_bytes_atomic(path, payload)
