"""Safe XML parsing for the whole pipeline: no network, no DTDs, no entity expansion."""

from __future__ import annotations

from pathlib import Path

from lxml import etree


def safe_parser() -> etree.XMLParser:
    """A parser that never fetches, never loads a DTD and never expands an entity.

    `resolve_entities=False` keeps internal entities unexpanded too (billion laughs),
    and any DOCTYPE with entity declarations is refused by `check_no_entities`.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


class UnsafeXMLError(ValueError):
    """A document declares entities or a DTD subset, which the edition never uses."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def check_no_entities(tree: etree._ElementTree) -> None:
    """Refuse documents with a DOCTYPE declaring entities or pointing to an external DTD."""
    docinfo = tree.docinfo
    dtd = docinfo.internalDTD
    if dtd is not None:
        names = [e.name for e in dtd.iterentities()]
        if names:
            raise UnsafeXMLError(
                f"the document declares entities ({', '.join(names[:5])}); TEI files of this "
                "edition must not use a DOCTYPE or entities: write the characters themselves",
                1,
            )
    if docinfo.system_url or docinfo.public_id:
        raise UnsafeXMLError(
            "the document refers to an external DTD; remove the DOCTYPE line "
            "(the edition validates with RELAX NG and Schematron, not DTDs)",
            1,
        )


def parse_tei(path: Path) -> etree._ElementTree:
    """Parse a TEI file safely from its path (bytes, never a decoded string)."""
    tree = etree.parse(str(path), safe_parser())
    check_no_entities(tree)
    return tree
