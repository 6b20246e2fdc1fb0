"""Safe XML for the whole pipeline: parsing (no network, no DTDs, no entity expansion),
and the values that reach file names and links (identifiers, link targets)."""

from __future__ import annotations

import re
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


# ------------------------------------------------------------------ identifiers

# At most 60 characters: even written wholly in 4-byte UTF-8 characters an id stays
# under 240 bytes, so the file name made from it (`ID.html`, `ID.json`) stays under
# the 255-byte limit of common file systems. schema/edition.rng states the same limit.
MAX_ID_LENGTH = 60

_NAME_START = (
    "A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
    "\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
    "\U00010000-\U000EFFFF"
)
_NAME_REST = _NAME_START + "\\-.0-9\u00B7\u0300-\u036F\u203F-\u2040"
_NCNAME = re.compile(f"[{_NAME_START}][{_NAME_REST}]*")


def identifier_problem(value: str) -> str | None:
    """What keeps `value` from being an identifier of the edition, or None if it is one.

    An identifier is an XML NCName (what `xml:id` admits: no `/`, no `:`, no space,
    not starting with a digit, `.` or `-`) of at most MAX_ID_LENGTH characters.
    """
    if not _NCNAME.fullmatch(value):
        return (f'"{value}" is not an XML name (NCName): an id starts with a letter or "_" '
                'and holds only letters, digits, "-", "_" and "." (no "/", ":" or spaces)')
    if len(value) > MAX_ID_LENGTH:
        return (f'"{value[:20]}…" is {len(value)} characters long; ids are at most '
                f"{MAX_ID_LENGTH} (they become file names): shorten it")
    return None


def redirect_problems(line: str) -> list[tuple[int, str]]:
    """What is wrong with a line `old-id<TAB>new-id` of `ids/redirects.tsv`, by column.

    The build names a page after each old id, so both must be identifiers:
    `../../victim` would otherwise write outside the site.
    """
    fields = line.split("\t")
    if len(fields) != 2:
        return [(1, (f"a redirect is one old id and one new id separated by one tab; this "
                     f"line has {len(fields)} field(s): write old-id<TAB>new-id"))]
    problems = []
    column = 1
    for which, value in zip(("old", "new"), fields):
        problem = identifier_problem(value.strip())
        if problem:
            problems.append((column, (f"the {which} id {problem}; a redirect joins two "
                                      "xml:ids of the edition")))
        column += len(value) + 1
    return problems


# ------------------------------------------------------------------ link targets

LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# Browsers drop leading and trailing C0 controls and spaces from a URL and every
# tab and newline inside it before they read its scheme ("java\tscript:" is
# "javascript:"); the scheme is then read case-insensitively.
_URL_TRIM = "".join(map(chr, range(0x21)))
_URL_DROPPED = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def _as_browsers_read(target: str) -> str:
    return target.strip(_URL_TRIM).translate(_URL_DROPPED)


def link_scheme(target: str) -> str | None:
    """The scheme a browser would read in `target` (lower case), None for a relative one."""
    match = _SCHEME.match(_as_browsers_read(target))
    return match.group(1).lower() if match else None


def link_target_problem(target: str) -> str | None:
    """Why `target` must not become a link's href, or None if it may.

    Allowed: absolute URLs whose scheme is in LINK_SCHEMES, and references inside
    the edition (`#id`, `persons.xml#lenin`): relative references that do not
    begin with `//` or a backslash (which browsers read as a link to another host).
    """
    scheme = link_scheme(target)
    if scheme is not None:
        if scheme in LINK_SCHEMES:
            return None
        return (f'the scheme "{scheme}:" is not allowed in a link: use an http, https or '
                'mailto URL, or "#ID" for a place in the edition')
    trimmed = _as_browsers_read(target)
    if trimmed[:2].replace("\\", "/") == "//" or trimmed.startswith("\\"):
        return ("a target beginning with // or \\ leads to another host: use an http, "
                'https or mailto URL, or "#ID" for a place in the edition')
    return None
