"""Filling a store: articles through the NLP pipeline, records as they are, and retrying recorded failures.

Articles the store already holds, or duplicates of stored articles, are recognised *before* the NLP runs, so
re-running an interrupted ingest, or ingesting syndicated copies, costs no extraction time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path

from ..ingest import Article, Failure, Limits, read_sources
from ..record import ArticleRecord
from .records import read_records
from .store import STDIN, AddStats, FailureRow, Store

Progress = Callable[[int], None] | None
OnFailure = Callable[[Failure], None] | None


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ingest_articles(store: Store, items: Iterable[Article | Failure], *, model: str | None = None,
                    workers: int = 1, progress: Progress = None, on_failure: OnFailure = None) -> AddStats:
    """Process articles with the pipeline and add their records; returns what was done."""
    from ..nlp import process

    before = store.stats.copy()
    fed: deque[str | None] = deque()  # item names of what went to the runner, in order

    def tick() -> None:
        if progress is not None:
            progress(1)

    def prefilter() -> Iterator[Article]:
        """The articles that need the NLP; the rest (failures to read, articles the store knows) go to the
        store directly."""
        for chunk in _chunks(items, 64):
            articles = [a for a in chunk if isinstance(a, Article)]
            verdicts = iter(store.classify(articles) if articles else [])
            for item in chunk:
                if isinstance(item, Failure):
                    if on_failure is not None:
                        on_failure(item)
                elif next(verdicts).kind == "new":
                    fed.append(item.item)
                    yield item
                    continue
                store.add_one(item, item=item.item)  # present, a copy of a stored article, or a Failure
                tick()

    stream = prefilter()
    first = next(stream, None)  # the pipeline is loaded only when some article needs it
    if first is None:
        store.flush()
        return store.stats - before
    for result in process(chain([first], stream), model=model, workers=workers):
        name = fed.popleft()
        if isinstance(result, Failure) and on_failure is not None:
            on_failure(result)
        store.add_one(result, item=name)
        tick()
    store.flush()
    return store.stats - before


def ingest_records(store: Store, items: Iterable[tuple[str, ArticleRecord | Failure]], *,
                   published: str | None = None, progress: Progress = None,
                   on_failure: OnFailure = None) -> AddStats:
    """Add records read by :func:`read_records` (no NLP); ``published`` fills records that have none."""
    before = store.stats.copy()
    for name, result in items:
        if isinstance(result, Failure):
            if on_failure is not None:
                on_failure(result)
        elif published and not result.published:
            result.published = published
        store.add_one(result, item=name, mode="records")
        if progress is not None:
            progress(1)
    store.flush()
    return store.stats - before


def _wanted(rows: list[FailureRow]):
    """A filter keeping the items a re-read of one source yields that these failures name."""
    whole = any(r.locator == "" for r in rows)
    names = {r.source + r.locator for r in rows}

    def keep(name: str | None) -> bool:
        return whole or (name in names)

    return keep


def retry_failed(store: Store, *, model: str | None = None, workers: int = 1, limits: Limits | None = None,
                 published: str | None = None, progress: Progress = None, on_failure: OnFailure = None
                 ) -> tuple[AddStats, list[FailureRow]]:
    """Read every unresolved failure again from its recorded source and add what now succeeds (resolving
    those failures). Returns what was done and the failures that cannot be re-read (standard input, files
    that are gone)."""
    groups: dict[tuple[str, str], list[FailureRow]] = {}
    for row in store.failures(unresolved=True):
        groups.setdefault((row.source, row.mode), []).append(row)
    unreadable: list[FailureRow] = []
    total = AddStats()
    for (source, mode), rows in groups.items():
        if source == STDIN:
            unreadable.extend(rows)
            continue
        if not Path(source).exists():  # still missing: the failure stays, one more attempt counted
            store.add_one(Failure(source if rows[0].locator == "" else rows[0].item, "no such file or directory"),
                          item=rows[0].item, mode=mode)
            if progress is not None:
                progress(len(rows))
            unreadable.extend(rows)
            continue
        keep = _wanted(rows)
        if mode == "records":
            items = ((name, r) for name, r in read_records([source], limits) if keep(name))
            total = total + ingest_records(store, items, published=published, progress=progress,
                                           on_failure=on_failure)
        else:
            articles = (a for a in read_sources([source], limits=limits, published=published) if keep(a.item))
            total = total + ingest_articles(store, articles, model=model, workers=workers, progress=progress,
                                            on_failure=on_failure)
    store.flush()
    return total, unreadable
