"""Writing a build's files, reusing what the previous site already holds.

A rebuild makes the same bytes for most of the site's 5,000 files. A file
whose bytes equal those of the same path in the previous site is hard-linked
from there instead of written again; the old site is never modified (it is
only read and, after the swap, unlinked).

How the build knows the bytes are equal: the previous build left a manifest
(`Manifest`, kept in the build cache, not in the site) with each file's size,
sha256, inode and modification time. A file that still has the recorded inode,
size and time has the recorded bytes (the test git applies to its index), so
comparing the new payload's digest with the recorded one is enough; where
the manifest has nothing to say (no manifest, a file touched since), the old
file's bytes are read and compared. A job whose inputs are unchanged
(`SiteFiles.keep`, same cache key as last time) links its previous files
without making them at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from transform import buildcache

Files = list[tuple[str, bytes]]
_FORMAT = 1
KEEP_SITES = 8  # manifests kept: those of the sites built most recently


@dataclass(frozen=True)
class FileRecord:
    """What the manifest knows of one file of a site."""

    size: int
    digest: str  # sha256 of the bytes, hex
    inode: int
    mtime_ns: int

    def holds(self, path: Path | str) -> bool:
        """Whether `path` is still this regular file (and so still has these bytes)."""
        try:
            info = os.lstat(path)
        except OSError:
            return False
        return (stat.S_ISREG(info.st_mode) and info.st_ino == self.inode
                and info.st_size == self.size and info.st_mtime_ns == self.mtime_ns)


@dataclass
class Manifest:
    """A site's files and which job (under which cache key) made which of them."""

    files: dict[str, FileRecord] = field(default_factory=dict)
    jobs: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    @staticmethod
    def location(site: Path) -> Path | None:
        """Where the manifest of the site at `site` is kept (None: the cache is off)."""
        directory = buildcache.cache_dir()
        if directory is None:
            return None
        name = hashlib.sha256(str(site.resolve()).encode()).hexdigest()[:24]
        return directory / "sites" / f"{name}.json"

    @classmethod
    def load(cls, site: Path) -> Manifest:
        """The manifest the last build of `site` left; empty when there is none to trust."""
        where = cls.location(site)
        if where is None:
            return cls()
        try:
            data = json.loads(where.read_bytes())
            if data.get("format") != _FORMAT or data.get("site") != str(site.resolve()):
                return cls()
            return cls({path: FileRecord(*record) for path, record in data["files"].items()},
                       {job: (key, list(paths)) for job, (key, paths) in data["jobs"].items()})
        except (OSError, ValueError, TypeError, KeyError):
            return cls()  # missing or damaged: every file is compared byte by byte

    def save(self, site: Path) -> None:
        """Keep the manifest for the next build of `site` (no error if it cannot be)."""
        where = self.location(site)
        if where is None:
            return
        data = {"format": _FORMAT, "site": str(site.resolve()),
                "files": {path: [r.size, r.digest, r.inode, r.mtime_ns]
                          for path, r in sorted(self.files.items())},
                "jobs": {job: [key, paths] for job, (key, paths) in sorted(self.jobs.items())}}
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".site-", dir=where.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(json.dumps(data, separators=(",", ":")).encode())
            os.replace(temporary, where)
            manifests = sorted(where.parent.glob("*.json"), reverse=True,
                               key=lambda path: (path.stat().st_mtime_ns, path.name))
            for stale in manifests[KEEP_SITES:]:
                stale.unlink(missing_ok=True)
        except OSError:
            return


class SiteFiles:
    """Writes site files into the staging directory, linking unchanged ones from the
    previous site (`previous`, described by `manifest`)."""

    def __init__(self, staging: Path, previous: Path | None,
                 manifest: Manifest | None = None) -> None:
        self.staging = staging
        self.previous = previous
        self.manifest = manifest or Manifest()
        self.made = Manifest()  # what this build wrote (per process: jobs report theirs)
        self.totals = [0, 0, 0]  # files, bytes, reused from the previous site
        self._dirs: set[str] = set()

    def start_job(self) -> None:
        """Begin one job's record: the files it makes (`made`) and their `totals`."""
        self.made = Manifest()
        self.totals = [0, 0, 0]

    def write(self, files: Files) -> tuple[int, int, int]:
        """Write `files`; returns (files, bytes, files reused from the previous site)."""
        count = size = reused = 0
        for relative_path, payload in files:
            target = self._target(relative_path)
            digest = hashlib.sha256(payload).hexdigest()
            if self._reuse(relative_path, payload, digest, target):
                reused += 1
            else:
                with open(target, "wb") as stream:
                    stream.write(payload)
            self._record(relative_path, target, len(payload), digest)
            count += 1
            size += len(payload)
        self._add(count, size, reused)
        return count, size, reused

    def keep(self, job: str, key: str) -> tuple[int, int] | None:
        """Link the files `job` made last time if it made them under the same `key`
        and every one is still as it was; returns (files, bytes), or None (make them)."""
        found = self.manifest.jobs.get(job)
        if self.previous is None or found is None or found[0] != key:
            return None
        paths = found[1]
        records = [self.manifest.files.get(path) for path in paths]
        old = f"{self.previous}{os.sep}"
        if any(record is None or not record.holds(old + path)
               for path, record in zip(paths, records, strict=True)):
            return None
        size, linked = 0, []
        for path, record in zip(paths, records, strict=True):
            assert record is not None
            target = self._target(path)
            try:
                os.link(old + path, target, follow_symlinks=False)
            except OSError:
                for done in linked:  # never write through a link into the old site
                    os.unlink(self._target(done))
                    del self.made.files[done]
                return None
            linked.append(path)
            self.made.files[path] = record
            size += record.size
        self.made.jobs[job] = (key, list(paths))
        self._add(len(paths), size, len(paths))
        return len(paths), size

    def made_by(self, job: str, key: str, files: Files) -> None:
        """Note that `job` made `files` under `key` (for the next build's `keep`)."""
        self.made.jobs[job] = (key, [path for path, _ in files])

    def _add(self, count: int, size: int, reused: int) -> None:
        self.totals = [self.totals[0] + count, self.totals[1] + size, self.totals[2] + reused]

    def _target(self, relative_path: str) -> str:
        folder, _, _ = relative_path.rpartition("/")
        if folder not in self._dirs:
            os.makedirs(self.staging / folder, exist_ok=True)  # safe when raced
            self._dirs.add(folder)
        return f"{self.staging}{os.sep}{relative_path}"

    def _record(self, relative_path: str, target: str, size: int, digest: str) -> None:
        info = os.lstat(target)
        self.made.files[relative_path] = FileRecord(size, digest, info.st_ino,
                                                    info.st_mtime_ns)

    def _reuse(self, relative_path: str, payload: bytes, digest: str, target: str) -> bool:
        if self.previous is None:
            return False
        old = f"{self.previous}{os.sep}{relative_path}"
        record = self.manifest.files.get(relative_path)
        if record is not None and record.holds(old):
            if record.size != len(payload) or record.digest != digest:
                return False
        else:  # nothing known of the old file: compare its bytes
            try:
                info = os.lstat(old)  # a regular file of the old site's own, never a link
                if not stat.S_ISREG(info.st_mode) or info.st_size != len(payload):
                    return False
                with open(old, "rb") as stream:
                    if stream.read() != payload:
                        return False
            except OSError:
                return False
        try:
            os.link(old, target, follow_symlinks=False)
        except OSError:
            return False
        return True
