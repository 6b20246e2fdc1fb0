"""Benchmark: `edition build` and `edition validate` as a user runs them, process start included.

For the real edition (both books) it measures, each several times (median, and
the worst run):

- a cold build: an empty memo and no previous site;
- a warm build: the memo of the previous build (Pagefind, citeproc, EPUB kept);
- `edition validate`.

For each: wall time, CPU time (user + system of the command and its children)
and peak memory (the largest resident set of the command's processes). Every
time is also given as a ratio to the floor measured in the same run (parsing
and re-serialising every TEI file with lxml, in this process), because this
shared machine's speed varies by half from one minute to the next.

Then the same for a synthetic edition ten times larger (`synthetic.py`: each
book's body repeated under new ids): a cold build and `edition validate`, and
their ratios to the real edition's (time should grow linearly: at most 12×;
memory at most 10×). Not a test: the figures go in the notes.

    python benchmarks/bench_build.py [--runs N] [--times N] [--tei-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import synthetic_edition
from transform.edition import TEI_DIR
from transform.xmlsafe import parse_tei

TARGETS = {"cold build": 6.0, "warm build": 4.0, "validate": 0.5}  # seconds, wall
PEAK_TARGET_MB = 300


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    summary: str


def measured(argv: list[str], memo: Path) -> Run:
    """One whole command: its wall time and CPU time (the command and its children:
    the difference of this process's children's totals before and after)."""
    env = {**os.environ, "EDITION_CACHE": str(memo), "SOURCE_DATE_EPOCH": "1700000000"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}"
                         f"{done.stdout.decode()}")
    lines = done.stderr.decode().strip().splitlines()
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Run(wall, cpu, 0.0, lines[-1] if lines else "")


def peak_of(argv: list[str], memo: Path) -> float:
    """The peak memory of one command alone, in MB (a fresh process that waits for it,
    so no earlier, larger child hides it)."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    env = {**os.environ, "EDITION_CACHE": str(memo), "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, env=env,
                          capture_output=True, check=True, text=True)
    return int(done.stdout.strip()) / 1024


def floor(tei_dir: Path, runs: int) -> float:
    """Parsing and re-serialising every TEI file with lxml: the least any build does."""
    paths = sorted(tei_dir.glob("*.xml"))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for path in paths:
            etree.tostring(parse_tei(path))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_argv(tei_dir: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "transform", "build", "--out", str(out), "--tei-dir",
            str(tei_dir)]


def validate_argv(tei_dir: Path) -> list[str]:
    return [sys.executable, "-m", "transform", "validate", str(tei_dir)]


def situations(tei_dir: Path, scratch: Path, runs: int) -> dict[str, list[Run]]:
    """Cold and warm builds and validation of the edition in `tei_dir`."""
    found: dict[str, list[Run]] = {"cold build": [], "warm build": [], "validate": []}
    for n in range(runs):
        memo, out = scratch / f"memo-{n}", scratch / f"site-{n}"
        found["cold build"].append(measured(build_argv(tei_dir, out), memo))
        found["warm build"].append(measured(build_argv(tei_dir, out), memo))
        found["validate"].append(measured(validate_argv(tei_dir), memo))
    for name, argv in (("cold build", build_argv(tei_dir, scratch / "peak-site")),
                       ("validate", validate_argv(tei_dir))):
        peak = peak_of(argv, scratch / "peak-memo")
        for item in found[name]:
            item.peak_mb = peak
    warm_peak = peak_of(build_argv(tei_dir, scratch / "peak-site"), scratch / "peak-memo")
    for item in found["warm build"]:
        item.peak_mb = warm_peak
    return found


def report(label: str, found: dict[str, list[Run]], base: float,
           targets: dict[str, float]) -> dict[str, float]:
    print(f"\n{label}")
    print(f"  {'':<11} {'wall (median)':>14} {'worst':>7} {'CPU':>7} {'peak MB':>8} "
          f"{'x floor':>8} {'target':>8}")
    medians = {}
    for name, items in found.items():
        wall = statistics.median(i.wall for i in items)
        medians[name] = wall
        medians[f"{name} peak"] = items[0].peak_mb
        target = targets.get(name)
        mark = "" if target is None else ("ok" if wall <= target else "OVER")
        print(f"  {name:<11} {wall:>12.2f} s {max(i.wall for i in items):>5.2f} s "
              f"{statistics.median(i.cpu for i in items):>5.2f} s {items[0].peak_mb:>8.0f} "
              f"{wall / base:>8.1f} {(f'{target:.1f} s ' + mark) if target else '':>8}")
    last = found["cold build"][-1].summary
    if last:
        print(f"  the cold build said: {last}")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--times", type=int, default=10, help="size of the synthetic edition")
    parser.add_argument("--tei-dir", type=Path, default=TEI_DIR)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as temporary:
        scratch = Path(temporary)
        base = floor(args.tei_dir, 5)
        print(f"floor (parse and re-serialise all TEI with lxml): {base:.3f} s")
        real = report("real edition", situations(args.tei_dir, scratch / "real", args.runs),
                      base, TARGETS)
        large_dir = synthetic_edition(args.tei_dir, scratch / "large-tei", args.times)
        large_floor = floor(large_dir, 3)
        print(f"\nsynthetic edition {args.times}x: floor {large_floor:.3f} s "
              f"({large_floor / base:.1f}x the real floor)")
        large = report(f"synthetic edition {args.times}x", situations(
            large_dir, scratch / "large", 1), base, {})
        print(f"\ngrowth, {args.times}x the text (targets: time <= {1.2 * args.times:.0f}x, "
              f"memory <= {args.times}x):")
        for name in ("cold build", "validate"):
            print(f"  {name:<11} time {large[name] / real[name]:5.1f}x, "
                  f"peak memory {large[f'{name} peak'] / real[f'{name} peak']:5.1f}x")
        print(f"\nfloor again: {floor(args.tei_dir, 5):.3f} s (machine drift)")
        print(f"peak memory target (real edition): {PEAK_TARGET_MB} MB")


if __name__ == "__main__":
    main()
