"""Benchmark: `edition build` of both books, process start included, and each job apart.

Runs the real command (`python -m transform build`) in three situations, each
several times (median and best wall time):

- cold: an empty build cache and no previous site: everything is made and written;
- edit rothstein, edit carr: one word of a paragraph of that book changed before
  each run (a new word each time), over the previous site and a warm cache: what
  an editor waits for after correcting the TEI; every job whose input changed runs
  again (the other book's search index and downloads do not);
- again: no change since the previous build.

For each it gives the wall time and the CPU time of all the command's processes
(on a shared machine the wall time varies with the neighbours; compare the
machine check before and after). Then it shows when each job of a no-change
rebuild ran (the jobs run side by side).

Then it builds in one process several times (one worker per CPU, the cache off)
and reports the median of each job: collection, validation, reading pages,
index of names, search, downloads, DTS, sources. Jobs run side by side, so their
sum exceeds the wall time. Also times the floor (parse and re-serialise every
TEI file with lxml) and the rendering table alone. Not a test: the figures go
in the notes.

    python benchmarks/bench_build.py [--runs N] [--tei-dir DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transform.edition import TEI_DIR
from transform.site import build_site, default_jobs
from transform.xmlsafe import parse_tei

# the situation "edit" changes one word of a paragraph of each book in turn
EDITS = {"edit rothstein": ("rothstein-history-ussr.xml", "<p xml:id=\"roth-ch3-s2-p14\">"),
         "edit carr": ("carr-russian-revolution.xml", "<p xml:id=\"carr-ch3-p2\"")}


def calibration() -> float:
    """A fixed pure-Python loop: how fast this machine is right now (shared machines vary)."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - start


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system, all processes) per situation


def command(tei_dir: Path, out: Path, cache: Path, jobs: int | None,
            situation: str = "") -> float:
    argv = [sys.executable, "-m", "transform", "build", "--out", str(out),
            "--tei-dir", str(tei_dir)] + (["--jobs", str(jobs)] if jobs else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, check=False,
                          env={**os.environ, "EDITION_CACHE": str(cache)})
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode() + done.stdout.decode())
    if situation:
        CPU.setdefault(situation, []).append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return seconds


def situations(runs: int, tei_dir: Path, scratch: Path, jobs: int | None
               ) -> dict[str, list[float]]:
    tei = scratch / "tei"
    shutil.copytree(tei_dir, tei)
    out = scratch / "site"
    times: dict[str, list[float]] = {"cold": [], **{name: [] for name in EDITS}, "again": []}
    for run in range(runs):
        cache = scratch / f"cold-cache-{run}"
        shutil.rmtree(out, ignore_errors=True)
        times["cold"].append(command(tei, out, cache, jobs, "cold"))
    cache = scratch / "cache"
    command(tei, out, cache, jobs)
    for name, (file_name, paragraph) in EDITS.items():
        book = tei / file_name
        original = book.read_text(encoding="utf-8")
        if paragraph not in original:
            raise SystemExit(f"{file_name} has no {paragraph}: choose another paragraph")
        start = original.index(paragraph) + len(paragraph)
        start = original.index(">", start - 1) + 1  # after the start tag
        for run in range(runs):
            book.write_text(f"{original[:start]}Edit{run} {original[start:]}", encoding="utf-8")
            times[name].append(command(tei, out, cache, jobs, name))
        book.write_text(original, encoding="utf-8")
        command(tei, out, cache, jobs)
    for _ in range(runs):
        times["again"].append(command(tei, out, cache, jobs, "again"))
    return times


def timeline(tei_dir: Path, scratch: Path, jobs: int | None) -> list[str]:
    """When each job of a no-change rebuild ran (in this process, imports done)."""
    os.environ["EDITION_CACHE"] = str(scratch / "timeline-cache")
    out = scratch / "timeline"
    build_site(out, tei_dir, workers=jobs)
    result = build_site(out, tei_dir, workers=jobs)
    lines = [f"    collection and names until {sum(result.stages.get(s, 0.0) for s in ('start', 'collection', 'names')):.2f} s"]
    for name, (start, end) in sorted(result.spans.items(), key=lambda item: item[1]):
        lines.append(f"    {name:<13} {start:5.2f} → {end:5.2f} s  ({end - start:.2f} s)")
    lines.append(f"    the build's end: {result.wall:.2f} s")
    return lines


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
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    before = calibration()
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        wall = situations(args.runs, args.tei_dir, scratch, args.jobs)
        spans = timeline(args.tei_dir, scratch, args.jobs)
        os.environ["EDITION_CACHE"] = "off"
        stages: dict[str, list[float]] = {}
        writing: dict[str, list[float]] = {}
        result = None
        for _ in range(args.runs):
            result = build_site(scratch / "in-process", args.tei_dir, workers=args.jobs)
            for stage, seconds in result.stages.items():
                stages.setdefault(stage, []).append(seconds)
            for stage, seconds in result.writing.items():
                writing.setdefault(stage, []).append(seconds)
    assert result is not None
    workers = args.jobs or default_jobs()
    after = calibration()
    print(f"edition build, {args.runs} runs, {os.cpu_count()} CPUs, {workers} worker(s), "
          f"tei: {args.tei_dir}")
    print(f"  machine check (a fixed Python loop, before and after): {before:.2f} s, "
          f"{after:.2f} s; compare runs only when these agree")
    for situation, values in wall.items():
        print(f"  whole command, {situation:<14} (process start included): median "
              f"{statistics.median(values):.2f} s, best {min(values):.2f} s; CPU (all "
              f"processes) median {statistics.median(CPU[situation]):.2f} s")
    print("  a rebuild with no change, in this process (validation, reading pages and "
          "index of names made anew; search, DTS, downloads kept):")
    print("\n".join(spans))
    print("  in one process, cache off, jobs side by side (medians):")
    for stage, values in stages.items():
        wrote = (f"  (writing {statistics.median(writing[stage]):.3f} s)"
                 if stage in writing else "")
        print(f"    {stage:<11} {statistics.median(values):.3f} s  best {min(values):.3f} s{wrote}")
    print(f"  floor (lxml parse + serialise of every TEI file): {floor(args.tei_dir):.3f} s")
    engine = engine_only(args.tei_dir, args.runs)
    print(f"  rendering table alone, both books, HTML serialised: median "
          f"{statistics.median(engine):.3f} s, best {min(engine):.3f} s")
    print(f"  output: {result.pages} pages, {result.files} files, {result.bytes / 1e6:.2f} MB "
          f"({result.html_bytes / 1e6:.2f} MB HTML)")


if __name__ == "__main__":
    main()
