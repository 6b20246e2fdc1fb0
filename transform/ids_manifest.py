"""The identifier guard: every published xml:id stays resolvable.

`tei/ids/{book}.txt` lists, one a line, every xml:id a book has published
(its permalinks are `page.html#id`). An id may be renamed or removed only
together with a line `old<TAB>new` in `tei/ids/redirects.tsv`; the build turns
that map into redirect pages and the reading pages follow it for fragments.
`check` says which published ids are lost; `update` adds new ids to the
manifest deliberately and refuses to drop an id that has no redirect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from transform.diagnostics import Diagnostic, display_path
from transform.edition import BOOKS, TEI_DIR, XML_NS
from transform.fileio import write_bytes_atomic
from transform.inputs import InputError, reading
from transform.xmlsafe import parse_tei, redirect_problems

_XML_ID = f"{{{XML_NS}}}id"
_HEADER = ("# Published xml:ids of {file}, one a line (sorted). Never delete a line: an id "
           "that goes\n# away needs a line `old<TAB>new` in redirects.tsv. Update with "
           "`edition cite --update-ids`.\n")


def ids_dir(tei_dir: Path = TEI_DIR) -> Path:
    return tei_dir / "ids"


def manifest_path(book_key: str, tei_dir: Path = TEI_DIR) -> Path:
    return ids_dir(tei_dir) / f"{book_key}.txt"


def redirects_path(tei_dir: Path = TEI_DIR) -> Path:
    return ids_dir(tei_dir) / "redirects.tsv"


class RedirectsError(InputError, ValueError):
    """A line of `tei/ids/redirects.tsv` that is not two identifiers; `diagnostic` locates it."""


def load_redirects(path: Path) -> dict[str, str]:
    """The redirect map (old id → new id), from `tei/ids/redirects.tsv`.

    Raises RedirectsError at the first line that is not `old-id<TAB>new-id` with
    two valid identifiers (pages are named after them); `edition validate` lists
    every such line.
    """
    if not path.exists():
        return {}
    redirects: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        for column, problem in redirect_problems(line):
            raise RedirectsError(Diagnostic(display_path(path), number, column, "error",
                                            problem, "redirect-id"))
        old, new = line.split("\t")
        redirects[old.strip()] = new.strip()
    return redirects


def current_ids(path: Path) -> set[str]:
    """Every xml:id in a book's TEI file."""
    return {element.get(_XML_ID) for element in parse_tei(path).iter()
            if isinstance(element.tag, str) and element.get(_XML_ID)}


def read_manifest(path: Path) -> set[str]:
    """The ids a manifest lists; none when there is no such file (a folder of that
    name, an archive of old manifests say, is not one)."""
    if not path.is_file():
        return set()
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


@dataclass(frozen=True)
class LostId:
    """A published id that no longer resolves, and why."""

    book: str
    xml_id: str
    reason: str

    def format(self) -> str:
        return f"{self.book}: {self.xml_id}: {self.reason}"


@dataclass
class GuardReport:
    lost: list[LostId] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    published: dict[str, int] = field(default_factory=dict)


def check(tei_dir: Path = TEI_DIR) -> GuardReport:
    """Published ids that are gone without a redirect, or whose redirect leads nowhere.

    Only the files named by `manifest_path` and `redirects_path` are read: anything
    else in `tei/ids/` (a README, a folder of old lists) is not. `InputError` says
    which of them, or which book, cannot be read.
    """
    with reading([*(tei_dir / book.tei.name for book in BOOKS.values()),
                  redirects_path(tei_dir), *(manifest_path(key, tei_dir) for key in BOOKS)]):
        redirects = load_redirects(redirects_path(tei_dir))
        everything: set[str] = set()
        books: dict[str, tuple[set[str], set[str]]] = {}
        for key, book in BOOKS.items():
            path = tei_dir / book.tei.name
            if path.exists():
                now = current_ids(path)
                books[key] = (read_manifest(manifest_path(key, tei_dir)), now)
                everything |= now
    report = GuardReport()
    for key, (published, now) in books.items():
        report.published[key] = len(published)
        report.added[key] = len(now - published)
        for xml_id in sorted(published - now):
            target, seen = xml_id, set()
            while target in redirects and target not in seen:
                seen.add(target)
                target = redirects[target]
            if target == xml_id:
                report.lost.append(LostId(key, xml_id, "removed or renamed without a line in "
                                          "tei/ids/redirects.tsv"))
            elif target not in everything:
                report.lost.append(LostId(key, xml_id, f"redirected to {target!r}, which does "
                                          "not exist either"))
    return report


def update(tei_dir: Path = TEI_DIR) -> GuardReport:
    """Add every current id to the manifests; refuse while a published id is lost."""
    report = check(tei_dir)
    if report.lost:
        return report
    for key, book in BOOKS.items():
        path = tei_dir / book.tei.name
        if not path.exists():
            continue
        target = manifest_path(key, tei_dir)
        ids = sorted(read_manifest(target) | current_ids(path))
        write_bytes_atomic(target, (_HEADER.format(file=book.tei.name)
                                    + "".join(f"{i}\n" for i in ids)).encode("utf-8"))
    if not redirects_path(tei_dir).exists():
        write_bytes_atomic(redirects_path(tei_dir), (
            b"# old-id<TAB>new-id: a published xml:id that was renamed or removed, and where "
            b"its passage is now.\n"))
    return report
