"""Atomic writing: a file or a directory appears complete or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lxml import etree


def write_bytes_atomic(path: Path, payload: bytes) -> None:
    """Write `payload` beside `path` and rename it into place only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        # mkstemp makes the file private (0600); give it the mode a plain write would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tei(path: Path, tree: etree._ElementTree | etree._Element) -> None:
    """Serialise TEI as UTF-8 with an XML declaration, atomically."""
    payload = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    if not payload.endswith(b"\n"):
        payload += b"\n"
    write_bytes_atomic(path, payload)
