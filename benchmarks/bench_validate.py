"""Benchmark: `edition validate` over the whole edition, process start included.

Runs the real command several times and reports the median and best wall time,
and, in one process, the time of each stage. Not a test: figures go in notes.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def whole_command() -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "transform", "validate"], cwd=ROOT,
                       capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def stages() -> dict[str, float]:
    from transform import validate as v
    from transform.diagnostics import Report

    timings: dict[str, float] = {}
    start = time.perf_counter()
    files = sorted((ROOT / "tei").glob("*.xml"))
    report = Report()
    parsed = [v.parse_file(p, report) for p in files]
    timings["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    grammar = v.edition_grammar()
    timings["compile edition.rng"] = time.perf_counter() - start
    start = time.perf_counter()
    for p in parsed:
        if p is not None:
            v.check_grammar(p, grammar, "edition-rng", report)
    timings["edition.rng"] = time.perf_counter() - start
    start = time.perf_counter()
    v.edition_rules()
    timings["compile edition.sch"] = time.perf_counter() - start
    start = time.perf_counter()
    v.check_rules([p for p in parsed if p is not None], [], report)
    timings["Schematron"] = time.perf_counter() - start
    return timings


def main() -> None:
    files = sorted((ROOT / "tei").glob("*.xml"))
    size = sum(p.stat().st_size for p in files)
    print(f"edition validate over {len(files)} files, {size / 1e6:.2f} MB")
    times = whole_command()
    print(f"whole command, process start included: median {statistics.median(times):.3f} s, "
          f"best {min(times):.3f} s ({RUNS} runs)")
    for stage, seconds in stages().items():
        print(f"  {stage:<22} {seconds:.3f} s")


if __name__ == "__main__":
    main()
