"""Diagnostics: located messages (`path:line:col: level: message [code]`) and their report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in one file, at a line and column (1-based; 0 when unknown)."""

    path: str
    line: int
    col: int
    level: Level
    message: str
    code: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.level}: {self.message} [{self.code}]"

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "level": self.level,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class Report:
    """What a validation run found, over which files.

    `suppressed` counts the diagnostics left out because they only follow from an
    error already reported (a register entry that seems unreferenced because the
    book that refers to it could not be read): fixing that error brings back the
    ones that are real.
    """

    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressed: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def sort(self) -> None:
        self.diagnostics.sort()

    def summary(self) -> str:
        n_files = len(self.files)
        counts = Counter(d.level for d in self.diagnostics)
        noun = "file" if n_files == 1 else "files"
        verdict = "invalid" if counts["error"] else "valid"
        left_out = (f" ({self.suppressed} more that follow from these errors not listed)"
                    if self.suppressed else "")
        return (
            f"{n_files} {noun} checked: {counts['error']} error(s), "
            f"{counts['warning']} warning(s){left_out}: {verdict}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "files": self.files,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "suppressed": self.suppressed,
            "diagnostics": [d.as_json() for d in self.diagnostics],
        }


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
