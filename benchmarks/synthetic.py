"""A synthetic edition N times the size of the real one, for measuring how time grows.

Each book's body is repeated N times in its own file: the k-th copy of every
element with an xml:id gets `{id}-x{k}`, the `#` pointers within the copy follow
it, and the copy's printed page numbers run on after the previous copy's (so
that page numbers still never decrease); the back matter's pages come after
all copies. The registers are copied as they are. The result validates as the
real edition does.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

from lxml import etree

from transform.edition import BOOKS, REGISTER_FILES, TEI_NS, XML_NS
from transform.xmlsafe import parse_tei

_XML_ID = f"{{{XML_NS}}}id"
_PB = f"{{{TEI_NS}}}pb"
PAGE_OFFSET = 1000  # more pages than either book has


def _run_on(element: etree._Element, offset: int) -> None:
    for pb in element.iter(_PB):
        n = pb.get("n", "")
        if n.isdigit():
            pb.set("n", str(int(n) + offset))


def synthetic_edition(tei_dir: Path, out: Path, times: int) -> Path:
    """Write into `out` an edition whose books hold their bodies `times` times."""
    out.mkdir(parents=True, exist_ok=True)
    for name in REGISTER_FILES.values():
        if (tei_dir / name).exists():
            shutil.copy2(tei_dir / name, out / name)
    for book in BOOKS.values():
        source = tei_dir / book.tei.name
        if not source.exists():
            continue
        tree = parse_tei(source)
        body = tree.find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}body")
        back = tree.find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}back")
        originals = list(body)
        for k in range(1, times):
            for element in originals:
                duplicate = copy.deepcopy(element)
                ids = {node.get(_XML_ID) for node in duplicate.iter() if node.get(_XML_ID)}
                for node in duplicate.iter():
                    if node.get(_XML_ID):
                        node.set(_XML_ID, f"{node.get(_XML_ID)}-x{k}")
                    target = node.get("target", "")
                    if target.startswith("#") and target[1:] in ids:
                        node.set("target", f"{target}-x{k}")
                _run_on(duplicate, k * PAGE_OFFSET)
                body.append(duplicate)
        if back is not None:
            _run_on(back, times * PAGE_OFFSET)
        tree.write(str(out / book.tei.name), xml_declaration=True, encoding="UTF-8")
    return out
