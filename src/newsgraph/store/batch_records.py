"""Loading ``newsgraph batch`` output into the store: ``newsgraph ingest --records DIR``.

A batch output folder (one with ``_newsgraph/job.json``) is read with DuckDB's Parquet reader (built into the
DuckDB wheel: nothing is downloaded): its ``articles`` table gives the records (``record`` JSON plus ``text``,
rebuilt and checked by :func:`newsgraph.store.records.record_from_json`), its ``failures`` table the items that
failed, both in input order (``input_index``, then ``position``), the order ``newsgraph extract`` would have
written them in. Only files of committed waves are read, so the output of a run that is still going (or was
killed) is never half-loaded. The folder must be on the local filesystem (copy it from HDFS or S3 first).

Records are added as ``--records`` adds JSONL records; failures go to the store's failures table named by the
original input item (``/data/crawl.jsonl:12``) in ``articles`` mode, so ``newsgraph ingest --retry-failed``
reads and extracts them again from that input where it can be read.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..ingest.article import Failure, Limits
from ..record import ArticleRecord
from .records import RecordError, read_records, record_from_json, too_long

_META = "_newsgraph"
_FETCH = 256


def is_batch_output(path: str | os.PathLike) -> bool:
    """Whether a path is a ``newsgraph batch`` output folder."""
    return (Path(path) / _META / "job.json").is_file()


def _committed_files(folder: Path, table: str) -> list[str]:
    """The Parquet files of a table that belong to committed waves, in name order."""
    from ..batch.commit import wave_of

    done = {p.stem for p in (folder / _META / "done").glob("*.json")}
    root = folder / table
    if not root.is_dir():
        return []
    return sorted(str(p) for p in root.rglob("*.parquet") if wave_of(p.name) in done)


def read_batch_output(folder: str | os.PathLike, limits: Limits | None = None
                      ) -> Iterator[tuple[str, ArticleRecord | Failure]]:
    """(item, record or Failure) for every row of a batch output's ``articles`` and ``failures`` tables, in
    input order. A row whose record is malformed (or too long for ``limits``) is a Failure naming its item."""
    import duckdb

    limits = limits or Limits()
    folder = Path(folder)
    articles, failures = _committed_files(folder, "articles"), _committed_files(folder, "failures")
    parts, params = [], []
    if articles:
        parts.append("SELECT input_index, position, item, text, record, NULL AS reason "
                     f"FROM read_parquet(${len(params) + 1}, hive_partitioning = true)")
        params.append(articles)
    if failures:
        parts.append("SELECT input_index, position, item, NULL, NULL, reason "
                     f"FROM read_parquet(${len(params) + 1})")
        params.append(failures)
    if not parts:
        return
    with tempfile.TemporaryDirectory(prefix="newsgraph-ingest-") as spill, duckdb.connect() as con:
        quoted = spill.replace("'", "''")
        con.execute(f"SET temp_directory = '{quoted}'")  # a large sort spills here, not into the working folder
        con.execute("SET memory_limit = '1GB'")
        cursor = con.execute(" UNION ALL ".join(parts) + " ORDER BY input_index, position", params)
        while rows := cursor.fetchmany(_FETCH):
            for _, _, item, text, data, reason in rows:
                if reason is not None:
                    yield item, Failure(item, reason)
                    continue
                try:
                    obj = json.loads(data)
                    obj["text"] = text
                    record = record_from_json(obj)
                except (json.JSONDecodeError, TypeError) as err:
                    yield item, Failure(item, f"malformed record in {folder}: {err}")
                    continue
                except RecordError as err:
                    yield item, Failure(item, f"malformed record in {folder}: {err}")
                    continue
                yield item, too_long(item, record, limits) or record


def ingest_batch_output(store, folder: str | os.PathLike, limits: Limits | None = None, *,
                        published: str | None = None, progress: Callable[[int], None] | None = None,
                        on_failure: Callable[[Failure], None] | None = None):
    """Add a batch output's records and failures to the store; returns what was done (AddStats). The failures
    are recorded in ``articles`` mode: ``--retry-failed`` extracts them from their input."""
    from .pipeline import ingest_records

    return ingest_records(store, read_batch_output(folder, limits), published=published, progress=progress,
                          on_failure=on_failure, failure_mode="articles")


def load_records(store, paths: Iterable[str], limits: Limits | None = None, *, published: str | None = None,
                 progress: Callable[[int], None] | None = None,
                 on_failure: Callable[[Failure], None] | None = None):
    """``newsgraph ingest --records``: JSONL record files (:func:`read_records`) and batch output folders, in
    the order given; returns what was done (AddStats)."""
    from .pipeline import ingest_records

    before = store.stats.copy()
    files: list[str] = []

    def load_files() -> None:
        if files:
            ingest_records(store, read_records(files, limits), published=published, progress=progress,
                           on_failure=on_failure)
            files.clear()

    for path in paths:
        if str(path) != "-" and is_batch_output(path):
            load_files()
            ingest_batch_output(store, path, limits, published=published, progress=progress, on_failure=on_failure)
        else:
            files.append(path)
    load_files()
    return store.stats - before
