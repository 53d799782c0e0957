"""Running the pipeline over a stream of articles: batched, optionally on several processes, order kept.

The input is consumed lazily with a bounded number of batches in flight, so memory stays flat however long
the stream is.  Failures from the readers pass through in their place; an article whose processing raises
becomes a Failure too.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from ..ingest import Article, Failure
from ..record import ArticleRecord, from_doc
from .model import load_pipeline

#: Key in ``Doc.user_data`` holding the article's publication date (ISO string or None) for components.
PUBLISHED_KEY = "newsgraph.published"

Result = ArticleRecord | Failure


def records_for(nlp, articles: list[Article], batch_size: int = 16) -> list[Result]:
    """Process a batch of articles with a loaded pipeline: one record (or Failure) per article, in order."""
    try:
        docs = []
        for article in articles:
            doc = nlp.make_doc(article.text)
            doc.user_data[PUBLISHED_KEY] = article.published
            docs.append(doc)
        return [from_doc(doc, article) for doc, article in zip(nlp.pipe(docs, batch_size=batch_size), articles)]
    except Exception:  # find the article that broke the batch (even its tokenizing); the others get their records
        results: list[Result] = []
        for article in articles:
            try:
                fresh = nlp.make_doc(article.text)
                fresh.user_data[PUBLISHED_KEY] = article.published
                results.append(from_doc(nlp(fresh), article))
            except Exception as err:  # noqa: BLE001 - reported as the item's failure
                results.append(Failure(article.item or article.id or "?", f"extraction failed: {type(err).__name__}: {err}"))
        return results


_WORKER_NLP = None


def _init_worker(model: str | None, disable: tuple[str, ...]) -> None:
    global _WORKER_NLP
    _WORKER_NLP = load_pipeline(model, disable)


def _work(articles: list[Article]) -> list[Result]:
    return records_for(_WORKER_NLP, articles)


def _chunks(items: Iterable[Article | Failure], size: int) -> Iterator[list[Article | Failure]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _merge(chunk: list[Article | Failure], results: list[Result]) -> Iterator[Result]:
    produced = iter(results)
    for item in chunk:
        yield item if isinstance(item, Failure) else next(produced)


def process(items: Iterable[Article | Failure], model: str | None = None, workers: int = 1,
            disable: Iterable[str] = (), chunk_size: int = 16) -> Iterator[Result]:
    """Records for a stream of articles, in input order; Failures from the input pass through in place."""
    disable = tuple(sorted(disable))
    workers = max(1, workers or (os.cpu_count() or 1))
    if workers == 1:
        nlp = load_pipeline(model, disable)
        for chunk in _chunks(items, chunk_size):
            articles = [a for a in chunk if isinstance(a, Article)]
            yield from _merge(chunk, records_for(nlp, articles) if articles else [])
        return
    # Where the platform forks, the pipeline is loaded once here and the workers inherit it (as spaCy's own
    # n_process does); elsewhere each spawned worker loads it once. Small chunks keep the workers evenly busy.
    chunk_size = max(1, min(chunk_size, 8))
    if "fork" in multiprocessing.get_all_start_methods():
        global _WORKER_NLP
        _WORKER_NLP = load_pipeline(model, disable)
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    else:  # pragma: no cover - macOS/Windows
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_init_worker, initargs=(model, disable))
    pending: deque[tuple[list[Article | Failure], Future | None]] = deque()
    try:
        for chunk in _chunks(items, chunk_size):
            articles = [a for a in chunk if isinstance(a, Article)]
            pending.append((chunk, executor.submit(_work, articles) if articles else None))
            while len(pending) > 2 * workers:
                yield from _drain_one(pending)
        while pending:
            yield from _drain_one(pending)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _drain_one(pending: deque) -> Iterator[Result]:
    chunk, future = pending.popleft()
    if future is None:
        yield from chunk
        return
    try:
        results = future.result()
    except BrokenProcessPool:
        results = [Failure(a.item or a.id or "?", "worker process died while processing this batch")
                   for a in chunk if isinstance(a, Article)]
    yield from _merge(chunk, results)
