"""Benchmark: `edition validate`, whole command with process start, on the real edition
and on a synthetic edition ten times larger.

The synthetic edition (made in a temporary folder) holds ten copies of each book,
every copy but the first with its ids renamed (`c1-roth-ch1`, and its `#…` pointers
with them), beside the real registers: ten times the text, every id still unique,
every pointer still resolving. Validation time and peak memory should grow
linearly with the text: the targets are at most 12 times the time and 10 times
the peak memory of the real edition, and the real edition in 0.5 s at most.
Also prints, in one process, the time of each stage on the real edition.
Not a test: figures go in notes.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEI = ROOT / "tei"
RUNS = 7
LARGER_RUNS = 3
COPIES = 10
REGISTERS = ("persons.xml", "places.xml", "orgs.xml")

_ID = re.compile(rb'xml:id="')
_POINTERS = re.compile(rb'\b(target|resp|corresp)="([^"]*)"')


def renamed(raw: bytes, prefix: bytes) -> bytes:
    """A book's bytes with every xml:id, and every local pointer to one, prefixed."""
    raw = _ID.sub(b'xml:id="' + prefix, raw)

    def pointers(found: re.Match[bytes]) -> bytes:
        tokens = [b"#" + prefix + t[1:] if t.startswith(b"#") else t
                  for t in found.group(2).split()]
        return found.group(1) + b'="' + b" ".join(tokens) + b'"'

    return _POINTERS.sub(pointers, raw)


def synthetic_edition(folder: Path, copies: int) -> Path:
    """`copies` copies of each book of tei/ (ids renamed) and the registers, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(TEI.glob("*.xml")):
        if path.name in REGISTERS:
            shutil.copy(path, folder / path.name)
            continue
        raw = path.read_bytes()
        for copy in range(copies):
            (folder / f"{path.stem}-{copy}.xml").write_bytes(
                raw if copy == 0 else renamed(raw, b"c%d-" % copy))
    return folder


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.xml"))


def whole_command(folder: Path, runs: int) -> tuple[list[float], int, int]:
    """Wall times of `edition validate FOLDER`, its largest peak memory (bytes) and exit."""
    times, peak, status = [], 0, 0
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "transform", "validate", str(folder)],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, wait_status, usage = os.wait4(child.pid, 0)
        times.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(wait_status)
        status = max(status, child.returncode)
        peak = max(peak, usage.ru_maxrss * 1024)  # kilobytes on Linux
    return times, peak, status


def stages() -> dict[str, float]:
    from transform import validate as v
    from transform.diagnostics import Report

    timings: dict[str, float] = {}
    report = Report()
    start = time.perf_counter()
    parsed = [p for p in (v.parse_file(f, report) for f in sorted(TEI.glob("*.xml"))) if p]
    timings["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    grammar = v.edition_grammar()
    timings["compile edition.rng"] = time.perf_counter() - start
    start = time.perf_counter()
    for p in parsed:
        v.check_grammar(p, grammar, "edition-rng", report)
    timings["edition.rng"] = time.perf_counter() - start
    start = time.perf_counter()
    v.edition_rules()
    timings["compile edition.sch"] = time.perf_counter() - start
    start = time.perf_counter()
    for p in parsed:
        v.check_rules(p, report)
    timings["edition.sch"] = time.perf_counter() - start
    start = time.perf_counter()
    for p in parsed:
        v.check_page_order(p, report)
    timings["page order"] = time.perf_counter() - start
    start = time.perf_counter()
    v.check_references(parsed, [], set(), report)
    timings["ids and references"] = time.perf_counter() - start
    return timings


def main() -> None:
    real_size = size_of(TEI)
    print(f"real edition: {len(list(TEI.glob('*.xml')))} files, {real_size / 1e6:.2f} MB")
    real, real_peak, real_status = whole_command(TEI, RUNS)
    real_time = statistics.median(real)
    print(f"  edition validate, process start included: median {real_time:.3f} s, "
          f"best {min(real):.3f} s ({RUNS} runs), peak {real_peak / 1e6:.0f} MB, "
          f"exit {real_status} (target: at most 0.5 s)")
    for stage, seconds in stages().items():
        print(f"    {stage:<22} {seconds:.3f} s")
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as scratch:
        larger = synthetic_edition(Path(scratch) / "tei", COPIES)
        larger_size = size_of(larger)
        print(f"synthetic edition, each book {COPIES} times: "
              f"{len(list(larger.glob('*.xml')))} files, {larger_size / 1e6:.2f} MB "
              f"({larger_size / real_size:.1f} times the text)")
        times, peak, status = whole_command(larger, LARGER_RUNS)
        larger_time = statistics.median(times)
        print(f"  edition validate: median {larger_time:.3f} s, best {min(times):.3f} s "
              f"({LARGER_RUNS} runs), peak {peak / 1e6:.0f} MB, exit {status}")
    print(f"ratio to the real edition: time {larger_time / real_time:.1f}x (target: at most "
          f"12x), peak memory {peak / real_peak:.1f}x (target: at most 10x)")


if __name__ == "__main__":
    main()
