"""Benchmark: `edition build` of both books, process start included, and each stage apart.

Runs the real command several times (median and best wall time), then builds
in one process several times and reports the median of each stage:
validation, collection, rendering, index (page map and name cards), writing.
Also times the floor (parse and re-serialise every TEI file with lxml). Not a
test: the figures go in the notes.

    python benchmarks/bench_build.py [--runs N] [--tei-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transform.books import TEI_DIR
from transform.site import build_site
from transform.xmlsafe import parse_tei


def whole_command(runs: int, tei_dir: Path, out: Path) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "transform", "build", "--out", str(out),
                               "--tei-dir", str(tei_dir)], cwd=ROOT, capture_output=True,
                              check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(done.stderr.decode() + done.stdout.decode())
    return times


def floor(tei_dir: Path) -> float:
    start = time.perf_counter()
    for path in sorted(tei_dir.glob("*.xml")):
        etree.tostring(parse_tei(path))
    return time.perf_counter() - start


def engine_only(tei_dir: Path, runs: int) -> list[float]:
    """The rendering table alone over both books (no citations, no index hooks)."""
    from transform.site import _serialise
    from transform.writers.collect import collect_edition
    from transform.writers.engine import RenderContext, Renderer

    edition = collect_edition(tei_dir)
    renderer = Renderer()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for book in edition.books:
            for division in (book.home, *book.divisions):
                ctx = RenderContext(division.path, book.source.name, edition.targets,
                                    printed_pages=book.printed_pages)
                _serialise(renderer.render_page(list(division.elements), ctx))
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tei-dir", type=Path, default=TEI_DIR)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "site"
        wall = whole_command(args.runs, args.tei_dir, out)
        stages: dict[str, list[float]] = {}
        result = None
        for _ in range(args.runs):
            result = build_site(out, args.tei_dir)
            for name, seconds in result.stages.items():
                stages.setdefault(name, []).append(seconds)
    assert result is not None
    print(f"edition build, {args.runs} runs, {os.cpu_count()} CPUs, tei: {args.tei_dir}")
    print(f"  whole command (process start included): median {statistics.median(wall):.2f} s, "
          f"best {min(wall):.2f} s")
    for name, values in stages.items():
        print(f"  {name:<11} median {statistics.median(values):.3f} s  best {min(values):.3f} s")
    total = [sum(run) for run in zip(*stages.values(), strict=True)]
    print(f"  in-process total median {statistics.median(total):.3f} s")
    print(f"  floor (lxml parse + serialise of every TEI file): {floor(args.tei_dir):.3f} s")
    engine = engine_only(args.tei_dir, args.runs)
    print(f"  rendering table alone, both books, HTML serialised: median "
          f"{statistics.median(engine):.3f} s, best {min(engine):.3f} s")
    print(f"  output: {result.pages} pages, {result.files} files, {result.bytes / 1e6:.2f} MB "
          f"({result.html_bytes / 1e6:.2f} MB HTML)")


if __name__ == "__main__":
    main()
