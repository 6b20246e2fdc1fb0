"""The output directory of `edition build`: what may be replaced, and where files may go.

A build writes into a fresh staging directory beside `--out` and then swaps it
in. This module decides the three things about that which must never go wrong:

- **What may be replaced.** `--out` must be missing, empty, or a site this
  command wrote: a directory holding the marker *file* `SITE_MARKER`. Anything
  else is refused before any work, so nobody's other files are deleted.
- **Where a file may go.** Every path is checked to be a plain relative path
  inside the staging directory (no root, no `..`, no empty part, no part too
  long for a file name); files are created new, never opened through a link.
- **What a reader sees.** On Linux the swap is one atomic exchange of the two
  directories (`renameat2` with RENAME_EXCHANGE): `--out` is never missing.
  Elsewhere it is two renames, between which `--out` is missing for an instant.
  A publisher's own files at the top of the old site (`KEPT`: a `.git` folder,
  a `CNAME`) are moved into the new one.

Leftovers of a build that was killed (staging and old-site directories named
`.<out>-new-*`, `.<out>-old-*`) are removed by the next build into the same
`--out`; a lock on the folder that holds `--out` keeps two builds from removing
each other's staging.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import queue
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

SITE_MARKER = ".edition-site"
MARKER_TEXT = b"This directory was written by `edition build`; the next build replaces it whole.\n"
KEPT = (".git", "CNAME")
NAME_MAX = 255  # bytes in one file name, on the file systems a site is written to


class SiteDirectoryError(Exception):
    """The site cannot be written there, or a path would leave it (the message says which)."""


def check_site_path(path: str) -> None:
    """Raise SiteDirectoryError unless `path` is a plain relative path of the site."""
    parts = path.split("/")
    if (not path or path.startswith("/") or "\\" in path or "\0" in path
            or any(part in ("", ".", "..") for part in parts)):
        raise SiteDirectoryError(f"refusing to write {path!r}: a site path must be relative "
                                 "and stay inside the site (no '..', no leading '/')")
    for part in parts:
        if len(part.encode("utf-8")) > NAME_MAX:
            raise SiteDirectoryError(f"refusing to write {path!r}: the file name {part[:40]!r}… "
                                     f"is longer than {NAME_MAX} bytes (shorten the xml:id "
                                     "it comes from)")


class Staging:
    """A new, empty directory that files are written into, each once.

    The files are written by one thread of their own, in the order given,
    while the build goes on rendering: writing a site's five thousand files
    is mostly waiting for the file system, which lets the renderer run.
    `finish()` waits for the last file and raises the first failure (a later
    `write` raises it too, so that a failed build stops early).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        self.size = 0
        self._written: set[str] = set()
        self._folders: set[str] = {""}
        self._queue: queue.SimpleQueue[tuple[str, bytes] | None] = queue.SimpleQueue()
        self._failure: SiteDirectoryError | None = None
        self._writer = threading.Thread(target=self._drain, name="site-writer", daemon=True)
        self._writer.start()

    def write(self, path: str, payload: bytes) -> None:
        check_site_path(path)
        if self._failure is not None:
            raise self._failure
        if path in self._written:
            raise SiteDirectoryError(f"two parts of the build write {path}: each file of the "
                                     "site must have one writer")
        self._written.add(path)
        self.count += 1
        self.size += len(payload)
        self._queue.put((path, payload))

    def _drain(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    self._write(*item)
                except SiteDirectoryError as failure:
                    self._failure = failure

    def _write(self, path: str, payload: bytes) -> None:
        folder = path.rpartition("/")[0]
        target = os.path.join(self.root, path)
        try:
            if folder not in self._folders:
                os.makedirs(os.path.join(self.root, folder), exist_ok=True)
                self._folders.add(folder)
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                             0o644)
            with os.fdopen(handle, "wb") as stream:
                stream.write(payload)
        except OSError as error:
            raise SiteDirectoryError(f"cannot write {target}: {error.strerror or error}"
                                     ) from error

    def finish(self) -> None:
        """Wait until every file is written; raise the first failure."""
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join()
        if self._failure is not None:
            raise self._failure


class SiteDirectory:
    """`--out`, checked before any work; `staging()` and `swap_in()` replace it whole."""

    def __init__(self, out: Path) -> None:
        self.out = out
        if os.path.islink(out):
            raise SiteDirectoryError(f"{out} is a symbolic link; give the directory itself "
                                     "as --out")
        if out.exists():
            if not out.is_dir():
                raise SiteDirectoryError(f"{out} exists and is not a directory; choose "
                                         "another --out")
            if any(out.iterdir()) and not _is_marker(out / SITE_MARKER):
                raise SiteDirectoryError(
                    f"{out} exists, is not empty and is not a site built by `edition build` "
                    f"(it has no {SITE_MARKER} file); refusing to replace it: choose another "
                    "--out, or empty that directory")

    def _leftovers(self) -> Iterator[Path]:
        prefixes = (f".{self.out.name}-new-", f".{self.out.name}-old-")
        for entry in self.out.parent.iterdir():
            if entry.name.startswith(prefixes) and entry.is_dir() and not entry.is_symlink():
                yield entry

    @contextmanager
    def staging(self) -> Iterator[Staging]:
        """A fresh staging directory beside `--out`, removed again if the build fails."""
        parent = self.out.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            lock = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            raise SiteDirectoryError(f"cannot write in {parent}: {error.strerror or error}"
                                     ) from error
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                raise SiteDirectoryError(f"another `edition build` is writing {self.out}; "
                                         "wait for it to finish") from error
            for leftover in self._leftovers():
                remove_tree(leftover)
            try:
                root = Path(tempfile.mkdtemp(prefix=f".{self.out.name}-new-", dir=parent))
                root.chmod(0o755)
            except OSError as error:
                raise SiteDirectoryError(f"cannot write in {parent}: "
                                         f"{error.strerror or error}") from error
            staging = Staging(root)
            try:
                yield staging
            finally:
                try:
                    staging.finish()
                except SiteDirectoryError:
                    pass  # the build failed already; what matters is that it stops writing
                remove_tree(root)  # gone already when swapped in
        finally:
            os.close(lock)

    def swap_in(self, staging: Staging) -> None:
        """Put the staging directory where `--out` is (the old site goes)."""
        staging.write(SITE_MARKER, MARKER_TEXT)
        staging.finish()
        new = staging.root
        if not self.out.exists():
            _rename(new, self.out)
            return
        kept = [name for name in KEPT if os.path.lexists(self.out / name)]
        for name in kept:
            _rename(self.out / name, new / name)
        try:
            if _exchange(new, self.out):
                old = new  # the exchange left the old site at the staging path
            else:
                old = self.out.with_name(f".{self.out.name}-old-{os.getpid()}")
                _rename(self.out, old)
                _rename(new, self.out)
        except SiteDirectoryError:
            for name in kept:  # the old site stays: give its files back
                if os.path.lexists(new / name):
                    os.rename(new / name, self.out / name)
            raise
        remove_tree(old)


def remove_tree(root: Path) -> None:
    """Remove a directory and everything in it, ignoring what is gone already.

    The files are unlinked by many threads at once: on a file system that
    discards the blocks of each deleted file (as the build machine's does),
    one unlink after another takes seconds for a site, side by side a tenth.
    """
    if not os.path.isdir(root) or os.path.islink(root):
        return
    files, folders = [], []
    for folder, subfolders, names in os.walk(root, topdown=False):
        files += [os.path.join(folder, name) for name in names]
        files += [os.path.join(folder, name) for name in subfolders
                  if os.path.islink(os.path.join(folder, name))]
        folders.append(folder)

    def unlink(path: str) -> None:
        try:
            os.unlink(path)
        except OSError:
            pass

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(unlink, files))
    for folder in folders:  # deepest first
        shutil.rmtree(folder, ignore_errors=True)


def _rename(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except OSError as error:
        raise SiteDirectoryError(f"cannot move {source} to {target}: "
                                 f"{error.strerror or error}") from error


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux's renameat2); False where it is not offered."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise SiteDirectoryError(f"cannot swap {a} and {b}: {os.strerror(code)}")


def _is_marker(path: Path) -> bool:
    """Whether `path` is a marker file a build wrote (a regular file, not a link)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False
