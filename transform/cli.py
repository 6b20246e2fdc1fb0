"""The `edition` command line: one thin click command per pipeline stage."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from transform.cite import STYLES
from transform.edition import BOOKS, TEI_DIR, base_url_option
from transform.fileio import WriteError, write_tei

BASE_URL_HELP = ("Where the site is served (https://host/path), for absolute permalinks "
                 "and citations; else EDITION_BASE_URL, else base-url under [tool.edition] "
                 "in pyproject.toml. Without one, citations give the site-relative path.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="edition")
def main() -> None:
    """Build the TEI edition of Carr's and Rothstein's histories of the Russian revolution.

    Each stage is a command: ingest (OCR to TEI), proof, annotate (names), validate,
    build (the static site), serve (a live preview), index and cite.
    """


@main.command()
@click.argument("book", type=click.Choice(sorted(BOOKS)))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the draft TEI (default: the book's file in tei/).")
@click.option("--force", is_flag=True,
              help="Overwrite an existing TEI file (it may hold hand corrections!).")
def ingest(book: str, out: Path | None, force: bool) -> None:
    """Up-convert BOOK's OCR witness in sources/ into a draft TEI file."""
    spec = BOOKS[book]
    target = out or spec.tei
    if target.exists() and not force:
        raise click.UsageError(
            f"{target} exists and may hold hand corrections; "
            "pass --force to overwrite it, or --out to write elsewhere"
        )
    reader = importlib.import_module(f"transform.readers.{book}")
    tree = reader.read(spec.source)
    try:
        write_tei(target, tree)
    except WriteError as failure:
        click.echo(failure.diagnostic.format(), err=True)
        sys.exit(1)
    click.echo(f"wrote {target}", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--tei-all", "tei_all", is_flag=True,
              help="Also check conformance to the full TEI P5 schema (tei_all.rng).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Diagnostics as lines of text or as JSON.")
def validate(paths: tuple[Path, ...], tei_all: bool, fmt: str) -> None:
    """Check TEI files: well-formedness, edition.rng, Schematron (default: all of tei/)."""
    from transform.validate import validate_paths

    report = validate_paths(list(paths) or [TEI_DIR], tei_all=tei_all)
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        for diagnostic in report.diagnostics:
            click.echo(diagnostic.format())
        click.echo(report.summary(), err=True)
    sys.exit(1 if report.errors else 0)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--min-zipf", type=float, default=2.0, show_default=True,
              help="Words at least this frequent in English (wordfreq's Zipf scale) pass.")
@click.option("--book-count", type=int, default=3, show_default=True,
              help="Words the book itself uses this often pass.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def proof(path: Path, min_zipf: float, book_count: int, fmt: str) -> None:
    """List PATH's words that no word list vouches for, with their contexts.

    Unknown words, run-together words (lost dashes), split words and tokens mixing
    letters and digits; names in the registers (tei/persons.xml …) pass. Work through
    the list and correct the TEI with choice/sic/corr.
    """
    from transform.inputs import InputError, reading, tei_inputs
    from transform.proof import proof as run_proof

    try:
        with reading([path, *tei_inputs(path.parent)]):
            report = run_proof(path, min_zipf=min_zipf, book_count=book_count)
    except InputError as failure:
        click.echo(failure.diagnostic.format(), err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        for line in report.lines():
            click.echo(line)
        click.echo(f"{report.words} words read, {len(report.suspects)} suspects", err=True)


def _build_failed(failure: BaseException) -> NoReturn:
    """Print why a build stopped (its located diagnostics, then one line) and exit 1."""
    for diagnostic in getattr(failure, "diagnostics", []):
        click.echo(diagnostic.format())
    click.echo(f"build failed: {failure}", err=True)
    sys.exit(1)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Where to write the site (replaced whole, atomically).")
@click.option("--tei-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=TEI_DIR, show_default=True, help="Where the books and registers are.")
@click.option("--strict", is_flag=True,
              help="Exit 1 if anything was rendered lossily (a rendering warning).")
@click.option("--base-url", metavar="URL", default=None, help=BASE_URL_HELP)
def build(out: Path, tei_dir: Path, strict: bool, base_url: str | None) -> None:
    """Validate the TEI, then write the static reading edition (default: build/).

    Every build makes the whole site anew in a staging directory beside --out
    and swaps it in; a failed build leaves the previous site as it was. Only
    the slow third-party steps (the search index, the citation templates, the
    EPUBs) are memoised, by content, in ~/.cache/edition (EDITION_CACHE=DIR
    moves the memo, EDITION_CACHE=off turns it off): the site is the same
    bytes either way.
    """
    from transform.site import BuildError, build_site

    try:
        with base_url_option(base_url):
            result = build_site(out, tei_dir,
                                progress=lambda message: click.echo(message, err=True))
    except BuildError as failure:
        _build_failed(failure)
    for diagnostic in result.diagnostics:
        click.echo(diagnostic.format())
    if result.validation_warnings:
        click.echo(f"{len(result.validation_warnings)} validation warning(s): "
                   "`edition validate` lists them", err=True)
    if strict and result.diagnostics:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", is_flag=True,
              help="Print the review list: ambiguous tags, untagged capitalised words.")
@click.option("--dry-run", is_flag=True, help="Annotate in memory only; write nothing.")
@click.option("--redo", is_flag=True,
              help="Take back this command's earlier tags first (hand-made tags stay).")
def annotate(paths: tuple[Path, ...], report: bool, dry_run: bool, redo: bool) -> None:
    """Tag persons, places and organisations in TEI books from the registers in tei/."""
    from transform.annotate import annotate_files, format_report
    from transform.inputs import InputError, reading, tei_inputs

    targets = list(paths) or [b.tei for b in BOOKS.values() if b.tei.exists()]
    try:
        with reading([*targets, *tei_inputs(TEI_DIR)]):
            run = annotate_files(targets, write=not dry_run, report=report, redo=redo)
    except (InputError, WriteError) as failure:
        click.echo(failure.diagnostic.format(), err=True)
        sys.exit(1)
    for book in run.books:
        click.echo(format_report(book) if report else
                   f"{book.path}: " + ", ".join(f"{k} +{v}" for k, v in sorted(book.added.items())))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", is_flag=True,
              help="Also list every date before the change of calendar, for review.")
@click.option("--dry-run", is_flag=True, help="Tag in memory only; write nothing.")
@click.option("--redo", is_flag=True,
              help="Take back this command's earlier tags first (hand-made tags stay).")
def dates(paths: tuple[Path, ...], report: bool, dry_run: bool, redo: bool) -> None:
    """Tag and normalise the dates of TEI books, Old Style dates with their New Style."""
    from transform.annotate import date_files
    from transform.annotate.dates import format_report
    from transform.inputs import InputError, reading

    targets = list(paths) or [b.tei for b in BOOKS.values() if b.tei.exists()]
    try:
        with reading(targets):
            runs = date_files(targets, write=not dry_run, redo=redo)
    except (InputError, WriteError) as failure:
        click.echo(failure.diagnostic.format(), err=True)
        sys.exit(1)
    except ValueError as failure:  # a row of data/dates.txt that cannot be read
        click.echo(f"error: {failure}", err=True)
        sys.exit(1)
    for run in runs:
        click.echo(format_report(run, switch=report))


@main.command()
@click.argument("tables", nargs=-1,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tei-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=TEI_DIR, show_default=True, help="Where the books are.")
@click.option("--dry-run", is_flag=True, help="Check and apply in memory only; write nothing.")
def correct(tables: tuple[Path, ...], tei_dir: Path, dry_run: bool) -> None:
    """Apply tables of corrections to the TEI books as choice/sic/corr.

    Default: every table in transform/corrections/. A row gives the passage's xml:id,
    a context that occurs there once, the printed reading (sic) once in it, the
    correction, its type and a note starting with the class of error. A row that is
    ambiguous or crosses markup is refused with its table line, and nothing is
    written; a row already applied is left alone.
    """
    from transform.correct import (
        CORRECTIONS_DIR,
        CorrectionError,
        apply_rows,
        read_table,
        rows_by_book,
    )
    from transform.header import keep_counts
    from transform.inputs import InputError, reading

    chosen = list(tables) or sorted(CORRECTIONS_DIR.glob("*.tsv"))
    prefixes = {book.id_prefix: key for key, book in BOOKS.items()}
    failures: list[CorrectionError] = []
    changed = []
    try:
        rows = [row for table in chosen for row in read_table(table)]
        with reading([tei_dir / BOOKS[key].tei.name for key in BOOKS]):
            from transform.xmlsafe import parse_tei

            for key, book_rows in rows_by_book(rows, prefixes):
                path = tei_dir / BOOKS[key].tei.name
                tree = parse_tei(path)
                try:
                    outcome = apply_rows(tree.getroot(), book_rows)
                except ExceptionGroup as group:
                    failures.extend(group.exceptions)
                    continue
                keep_counts(tree.getroot())
                changed.append((path, tree, outcome))
    except (CorrectionError, InputError) as failure:
        click.echo(failure.diagnostic.format(), err=True)
        sys.exit(1)
    if failures:
        for failure in failures:
            click.echo(failure.diagnostic.format(), err=True)
        click.echo(f"{len(failures)} correction(s) refused; nothing written", err=True)
        sys.exit(1)
    for path, tree, outcome in changed:
        if outcome.applied and not dry_run:
            try:
                write_tei(path, tree)
            except WriteError as failure:
                click.echo(failure.diagnostic.format(), err=True)
                sys.exit(1)
        click.echo(f"{path}: {len(outcome.applied)} applied, "
                   f"{len(outcome.already)} already in the text")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a header is out of date.")
def header(paths: tuple[Path, ...], check: bool) -> None:
    """Write the counts of each book's header anew from its text.

    The book's extent (words, page breaks, citable passages), the use of every
    element (tagsDecl/tagUsage) and the counts of corrections, names, dates, notes and
    quotations in editorialDecl are generated, so that a header never contradicts its
    book. annotate, dates and correct keep them current; after a hand edit of the text,
    `edition validate` reports them out of date until this command is run.
    """
    from transform.header import refresh_header, stale_parts
    from transform.inputs import InputError, reading
    from transform.xmlsafe import parse_tei

    targets = list(paths) or [b.tei for b in BOOKS.values() if b.tei.exists()]
    stale = False
    try:
        with reading(targets):
            for path in targets:
                tree = parse_tei(path)
                if check:
                    parts = stale_parts(tree.getroot())
                    stale = stale or bool(parts)
                    click.echo(f"{path}: " + (", ".join(parts) + " out of date" if parts
                                              else "up to date"))
                elif refresh_header(tree.getroot()):
                    write_tei(path, tree)
                    click.echo(f"{path}: counts written")
                else:
                    click.echo(f"{path}: up to date")
    except (InputError, WriteError) as failure:
        click.echo(failure.diagnostic.format(), err=True)
        sys.exit(1)
    if stale:
        sys.exit(1)


@main.command("index")
@click.option("--format", "fmt", type=click.Choice(["tei", "json", "csv", "text"]),
              help="Export format (default json); for the reports: text (default) or json.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--compare-printed", is_flag=True,
              help="Reconcile with Rothstein's printed index instead of exporting.")
@click.option("--coverage", "show_coverage", is_flag=True,
              help="The editors' coverage report instead of exporting.")
@click.option("--tei-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=TEI_DIR, show_default=True, help="Where the books and registers are.")
def index(fmt: str | None, out: Path | None, compare_printed: bool, show_coverage: bool,
          tei_dir: Path) -> None:
    """The index of names: export it (TEI, JSON, CSV) or report on it."""
    from transform.fileio import write_bytes_atomic
    from transform.inputs import InputError
    from transform.names_index import commands

    if compare_printed and show_coverage or (compare_printed or show_coverage) and fmt in (
            "tei", "csv") or not (compare_printed or show_coverage) and fmt == "text":
        raise click.UsageError("exports take --format tei|json|csv; reports text|json")
    try:
        if compare_printed or show_coverage:
            report = (commands.printed_report(tei_dir) if compare_printed
                      else commands.coverage_report(tei_dir))
            payload = commands.report_bytes(report, fmt or "text")
            click.echo(report.summary(), err=True)
        else:
            payload = commands.export_index(tei_dir, fmt or "json")
    except commands.IndexInputError as failure:
        click.echo(f"edition index: {failure}", err=True)
        sys.exit(1)
    except InputError as failure:
        click.echo(failure.diagnostic.format(), err=True)
        sys.exit(1)
    if out:
        try:
            write_bytes_atomic(out, payload)
        except WriteError as failure:
            click.echo(failure.diagnostic.format(), err=True)
            sys.exit(1)
    else:
        click.echo(payload.decode("utf-8"), nl=False)


@main.command("cite")
@click.argument("ref", required=False)
@click.option("--style", type=click.Choice(STYLES), default="chicago", show_default=True,
              help="Citation style or format.")
@click.option("--base-url", metavar="URL", default=None, help=BASE_URL_HELP)
@click.option("--tei-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=TEI_DIR, show_default=True, help="Where the books are.")
@click.option("--update-ids", is_flag=True,
              help="Instead: add every current xml:id to the manifests in tei/ids/.")
def cite(ref: str | None, style: str, base_url: str | None, tei_dir: Path,
         update_ids: bool) -> None:
    """Cite a passage: REF is an xml:id (roth-ch3-s2-p14) or book:page (rothstein:58)."""
    from transform import cite as citing
    from transform import ids_manifest
    from transform.inputs import InputError

    if update_ids:
        try:
            report = ids_manifest.update(tei_dir)
        except (InputError, WriteError) as failure:
            click.echo(failure.diagnostic.format(), err=True)
            sys.exit(1)
        for lost in report.lost:
            click.echo(lost.format())
        click.echo(", ".join(f"{k}: {report.published[k]} published, {report.added[k]} new"
                             for k in report.published), err=True)
        sys.exit(1 if report.lost else 0)
    if not ref:
        raise click.UsageError("give a REF (an xml:id or book:page), or --update-ids")
    try:
        with base_url_option(base_url):
            click.echo(citing.cite(ref, style, tei_dir).rstrip("\n"))
    except InputError as failure:  # before ValueError: a bad redirects line is both
        click.echo(failure.diagnostic.format(), err=True)
        sys.exit(1)
    except ValueError as failure:  # a base URL that is not an http(s) address
        raise click.BadParameter(str(failure), param_hint="--base-url") from failure
    except citing.CitationError as failure:
        click.echo(f"edition cite: {failure}", err=True)
        sys.exit(1)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port on 127.0.0.1 (0 takes a free one; the URL is printed).")
@click.option("--tei-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=TEI_DIR, show_default=True, help="Where the books and registers are.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Where the one full build at the start goes.")
def serve(port: int, tei_dir: Path, out: Path) -> None:
    """Build the site once, serve it on 127.0.0.1 and show each save of the TEI.

    Watches --tei-dir and schema/. On each save the TEI is validated again and the
    reading pages are re-rendered in memory; the open page reloads itself. While a
    save does not validate, the last good pages stay served under a banner listing
    the errors (file:line:col). Search, the index of names, DTS and the downloads
    stay as the build at the start made them: run `edition build` for those. If the
    TEI does not validate at the start, the site an earlier build left in --out is
    served under the errors.
    """
    from transform.serve import start_preview
    from transform.site import BuildError

    try:
        server = start_preview(out, tei_dir, port,
                               progress=lambda message: click.echo(message, err=True))
    except BuildError as failure:
        _build_failed(failure)
    except OSError as failure:
        click.echo(f"edition serve: cannot serve on 127.0.0.1:{port}: "
                   f"{failure.strerror or failure}", err=True)
        sys.exit(1)
    click.echo(f"serving {server.url} (Ctrl-C stops)")
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
