"""Filling a store: articles through the NLP pipeline, records as they are, and retrying recorded failures.

Articles the store already holds, or duplicates of stored articles, are recognised *before* the NLP runs, so
re-running an interrupted ingest, or ingesting syndicated copies, costs no extraction time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path

from ..ingest import Article, Failure, Fetcher, Limits, read_sources
from ..ingest.warc import read_warc_file
from ..record import ArticleRecord
from .records import read_records
from .store import STDIN, AddStats, FailureRow, Store, failure_key

Progress = Callable[[int], None] | None
OnFailure = Callable[[Failure], None] | None


def _is_url(source: str) -> bool:
    return source[:8].lower().startswith(("http://", "https://"))


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
                   on_failure: OnFailure = None, failure_mode: str = "records") -> AddStats:
    """Add records read by :func:`read_records` (no NLP); ``published`` fills records that have none.
    Failures are recorded in ``failure_mode``: ``records`` (retried by reading the records again) or
    ``articles`` (retried by extracting the item from its input, as for a batch's failures)."""
    before = store.stats.copy()
    for name, result in items:
        if isinstance(result, Failure):
            if on_failure is not None:
                on_failure(result)
        elif published and not result.published:
            result.published = published
        store.add_one(result, item=name, mode=failure_mode if isinstance(result, Failure) else "records")
        if progress is not None:
            progress(1)
    store.flush()
    return store.stats - before


def _wanted(rows: list[FailureRow]):
    """A filter keeping the items a re-read of one source yields that these failures name (all of them when one
    failure is the whole source's)."""
    whole = any(r.locator == "" for r in rows)
    keys = {(r.source, r.locator) for r in rows}

    def keep(name: str | None) -> bool:
        return whole or (name is not None and failure_key(name) in keys)

    return keep


def _dated(item: Article | Failure, published: str | None) -> Article | Failure:
    if published and isinstance(item, Article) and not item.published:
        item.published = published
    return item


def _warc_offset(row: FailureRow) -> int | None:
    """The byte offset of the WARC record a failure names (``#OFFSET``), or None when it names none."""
    digits = row.locator[1:]
    return int(digits) if row.locator.startswith("#") and digits.isdigit() else None


def _reread(source: str, rows: list[FailureRow], limits: Limits, published: str | None,
            fetcher: Callable[[], Fetcher]) -> Iterator[Article | Failure]:
    """The items these failures of one source name, read again (articles mode), as directly as the source allows:

    - the whole source failed: all of it, read again (what was stored already is recognised as present);
    - a feed entry with a link (``<LINK>``): its page alone, fetched again through the shared polite
      :class:`Fetcher` and filled with the entry metadata the failure kept (:func:`read_entry_page`), whether or
      not the feed still lists it;
    - a WARC record (``#OFFSET``): read by seeking to it, and on to the end of the file when its failure stopped
      the reading of the file;
    - anything else (a JSONL line, a feed entry without a link): the source read again, keeping those items.
    """
    from ..ingest import reader_for
    from ..ingest.feeds import read_entry_page
    from ..ingest.warc import read_warc_record

    if any(r.locator == "" for r in rows):
        yield from read_sources([source], limits=limits, published=published, fetcher=fetcher())
        return
    is_warc = not _is_url(source) and reader_for(Path(source)) is read_warc_file
    entries = [r for r in rows if r.locator.startswith("<") and r.locator.endswith(">")]
    records = sorted((r for r in rows if is_warc and _warc_offset(r) is not None), key=_warc_offset)
    others = [r for r in rows if r not in entries and r not in records]
    for row in entries:
        link = (row.context or {}).get("link") or row.locator[1:-1]
        yield _dated(read_entry_page(link, row.item, limits, fetcher=fetcher(), context=row.context), published)
    read_on_from = None  # the offset from which a retry read the file to its end
    for row in records:
        offset = _warc_offset(row)
        if read_on_from is not None and offset > read_on_from:
            continue  # read already, by the retry of an earlier record that read on to the end of the file
        # context["rest"]: the failure stopped the reading of the file (failures recorded before the context
        # was kept say so in their reason)
        rest = bool((row.context or {}).get("rest", "the rest of the file is not read" in (row.reason or "")))
        if rest:
            read_on_from = offset
        name = row.item[: -len(row.locator)] if row.item.endswith(row.locator) else source
        for item in read_warc_record(Path(source), offset, limits, rest=rest, name=name):
            yield _dated(item, published)
    if others:
        keep = _wanted(others)
        # only feed entries without a link (#N): read from the feed's own content, no page fetched
        fetch = not all(r.locator.startswith("#") for r in others)
        for item in read_sources([source], limits=limits, published=published, fetch=fetch, fetcher=fetcher()):
            if keep(item.item):
                yield item


def retry_failed(store: Store, *, model: str | None = None, workers: int = 1, limits: Limits | None = None,
                 published: str | None = None, progress: Progress = None, on_failure: OnFailure = None,
                 fetcher: Fetcher | None = None) -> tuple[AddStats, list[FailureRow]]:
    """Read every unresolved failure again from its recorded source and add what now succeeds (resolving
    those failures; what fails again stays, its attempts counted). Feed entries are fetched again one page at a
    time and WARC records read by seeking to them (see :func:`_reread`); pages are fetched through ``fetcher``
    (one polite :class:`Fetcher` with default settings when None, shared by all sources). Returns what was done
    and the failures that cannot be re-read (standard input, files that are gone)."""
    limits = limits or Limits()
    groups: dict[tuple[str, str], list[FailureRow]] = {}
    for row in store.failures(unresolved=True):
        groups.setdefault((row.source, row.mode), []).append(row)
    shared: list[Fetcher] = []

    def get_fetcher() -> Fetcher:
        if not shared:
            shared.append(fetcher or Fetcher())
        return shared[0]

    unreadable: list[FailureRow] = []
    total = AddStats()
    for (source, mode), rows in groups.items():
        if source == STDIN:
            unreadable.extend(rows)
            continue
        if not _is_url(source) and not Path(source).exists():  # still missing: the failure stays, one more attempt
            store.add_one(Failure(source if rows[0].locator == "" else rows[0].item, "no such file or directory"),
                          item=rows[0].item, mode=mode)
            if progress is not None:
                progress(len(rows))
            unreadable.extend(rows)
            continue
        if mode == "records":
            keep = _wanted(rows)
            items = ((name, r) for name, r in read_records([source], limits) if keep(name))
            total = total + ingest_records(store, items, published=published, progress=progress,
                                           on_failure=on_failure)
        else:
            articles = _reread(source, rows, limits, published, get_fetcher)
            total = total + ingest_articles(store, articles, model=model, workers=workers, progress=progress,
                                            on_failure=on_failure)
    store.flush()
    return total, unreadable
