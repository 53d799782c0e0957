"""What runs in the executors: reading a unit with newsgraph's own readers, and extracting a partition of
articles with a pipeline loaded once per worker process.

Reading goes through :func:`newsgraph.ingest.read_sources`, the function ``newsgraph extract`` reads with, so
items are named, read and failed exactly as there. A local file is opened in place; a file on another
filesystem arrives as bytes (Spark's ``binaryFiles``), is spooled to a temporary file on the executor's scratch
disk (``SPARK_LOCAL_DIRS``), read, and deleted, its items renamed after the input's URI.

The pipeline is cached in the worker process (:func:`pipeline`): Python workers are reused across tasks
(``spark.python.worker.reuse``, Spark's default), so each executor core loads it once for the whole job, not per
partition and never per article. Each load adds one to the job's ``loads`` accumulator.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ..ingest import Article, Failure, Limits, reader_for, read_sources
from ..ingest.feeds import read_feed_file, read_xml_file
from .tables import failure_row, record_rows
from .units import Unit

#: An item between the two stages: (input index, position in the input, input name, Article or Failure).
Item = tuple[int, int, str, Article | Failure]

#: Articles handed to ``nlp.pipe`` at once (as ``newsgraph extract`` does).
CHUNK = 16

_FEED_READERS = (read_feed_file, read_xml_file)


@dataclass(frozen=True, slots=True)
class Settings:
    """What the workers need to know of the job (pickled into every task)."""

    model: str
    disable: tuple[str, ...] = ()
    published: str | None = None
    max_chars: int = 1_000_000
    wave: str = ""

    @property
    def limits(self) -> Limits:
        return Limits(max_chars=self.max_chars)


# -- reading ----------------------------------------------------------------------------------------------------


def _rename(items: Iterable[Article | Failure], old: str, new: str) -> Iterator[Article | Failure]:
    """Items read from a spooled copy, renamed after the input they came from."""
    for item in items:
        if item.item.startswith(old):
            item.item = new + item.item[len(old):]
        yield item


def _spool_folder() -> str | None:
    """Where to spool files: Spark's first local folder for this executor (its scratch disks, as pyspark's own
    spills use), else the system's temporary folder."""
    folders = [f for f in os.environ.get("SPARK_LOCAL_DIRS", "").split(",") if f and os.path.isdir(f)]
    return folders[0] if folders else None


def _spooled(unit: Unit, data: bytes, settings: Settings) -> Iterator[Article | Failure]:
    """Items of a file that arrived as bytes: written to a temporary file (keeping its name, whose ending picks
    the reader), read, then deleted."""
    with tempfile.TemporaryDirectory(prefix="newsgraph-batch-", dir=_spool_folder()) as folder:
        path = os.path.join(folder, unit.uri.rstrip("/").rsplit("/", 1)[-1] or "input")
        with open(path, "wb") as handle:
            handle.write(data)
        yield from _rename(read_sources([path], settings.limits, settings.published, fetch=False), path, unit.name)


def read_unit(unit: Unit | None, data: bytes | None, settings: Settings, uri: str = "") -> Iterator[Item]:
    """Every item of one input, in order, each with its position; never raises for a bad input.

    ``data`` is the file's content when it came through Spark (None: open ``unit.local``). Feed files are
    refused (their entries' pages would be fetched from the executors; ``newsgraph extract`` reads them).
    """
    if unit is None:  # bytes of a file the driver did not list: cannot happen unless paths are rewritten
        yield -1, 0, uri, Failure(uri, "internal error: a file that is not among the job's inputs was read")
        return
    position = 0

    def numbered(items: Iterable[Article | Failure]) -> Iterator[Item]:
        nonlocal position
        for item in items:
            yield unit.index, position, unit.name, item
            position += 1

    if unit.missing:
        yield from numbered([Failure(unit.name, "no such file or directory")])
        return
    if reader_for(Path(unit.name)) in _FEED_READERS:
        yield from numbered([Failure(unit.name, "feed files are not read by `newsgraph batch` (their entries' "
                                                "pages would be fetched from the executors): read them with "
                                                "`newsgraph extract`, or crawl the pages into WARC first")])
        return
    try:
        if data is not None:
            yield from numbered(_spooled(unit, data, settings))
        else:
            yield from numbered(read_sources([unit.local], settings.limits, settings.published, fetch=False))
    except Exception as err:  # noqa: BLE001 - a reader bug must not fail the job: the rest of the file fails
        yield from numbered([Failure(unit.name, f"reading stopped: {type(err).__name__}: {err}")])


# -- extraction -------------------------------------------------------------------------------------------------

_PIPELINES: dict[tuple[str, tuple[str, ...]], object] = {}


def pipeline(settings: Settings, loads=None):
    """The worker process's pipeline for these settings, loaded on first use (``loads``: an accumulator
    counting loads)."""
    key = (settings.model, settings.disable)
    if key not in _PIPELINES:
        from ..nlp import load_pipeline

        _PIPELINES[key] = load_pipeline(settings.model, settings.disable)
        if loads is not None:
            loads.add(1)
    return _PIPELINES[key]


def _unicode_problem(text: str) -> str | None:
    """Why a text cannot be processed and written (a lone surrogate, from a JSON ``\\ud800`` escape), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return f"text is not valid Unicode: {err.reason} at position {err.start}"
    return None


def _results(nlp, articles: list[Article]) -> list:
    """Records (or Failures) for a chunk of articles, in order. An article that breaks the whole chunk (as
    ``records_for`` may let an error in tokenizing through) fails alone: the chunk is then run one by one."""
    from ..nlp.runner import records_for

    try:
        return records_for(nlp, articles, batch_size=CHUNK)
    except Exception:  # noqa: BLE001 - isolate the article that raised
        results = []
        for article in articles:
            try:
                results.extend(records_for(nlp, [article]))
            except Exception as err:  # noqa: BLE001 - reported as the item's failure
                results.append(Failure(article.item or article.id or "?",
                                       f"extraction failed: {type(err).__name__}: {err}"))
        return results


def extract_partition(items: Iterable[Item], settings: Settings, loads=None) -> Iterator[tuple[str, tuple]]:
    """``(table, row)`` for a partition of items: the rows of each article's record, and a failures row for
    each item that could not be read or extracted. The pipeline is loaded only if the partition has an
    article."""
    nlp = None
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        articles: list[Item] = []
        for index, position, name, item in chunk:
            problem = None if isinstance(item, Failure) else _unicode_problem(item.text)
            if isinstance(item, Failure) or problem:
                yield failure_row(item.item, problem or item.reason, stage="read", input=name, input_index=index,
                                  position=position, wave=settings.wave)
            else:
                articles.append((index, position, name, item))
        if not articles:
            continue
        if nlp is None:
            nlp = pipeline(settings, loads)
        for (index, position, name, article), result in zip(articles, _results(nlp, [a[3] for a in articles])):
            where = dict(input=name, input_index=index, position=position)
            if isinstance(result, Failure):
                yield failure_row(result.item, result.reason, stage="extract", wave=settings.wave, **where)
                continue
            try:
                rows = record_rows(result, item=article.item, **where)
            except ValueError as err:
                yield failure_row(article.item, str(err), stage="extract", wave=settings.wave, **where)
                continue
            yield from rows
