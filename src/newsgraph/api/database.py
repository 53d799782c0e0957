"""The served store: one DuckDB connection for the process, a cursor per request, a time limit per query, and
one writer (``POST /api/articles``) at a time.

DuckDB lets one process hold a database; each request thread reads through its own cursor of that connection
(cursors are separate connections to the same database, safe to use from different threads). A query that runs
longer than ``query_timeout`` seconds is interrupted and answered as 503, so one expensive request cannot hold a
worker thread for ever.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..store import Store


class QueryTimeout(Exception):
    """A query ran past the server's time limit and was interrupted."""


@dataclass
class StoreView:
    """What the query functions of :mod:`newsgraph.store` need of a store: a connection (here a request's
    cursor), read-only for them."""

    con: duckdb.DuckDBPyConnection
    read_only: bool = True


class Database:
    """The store one server process serves (see the module's docstring)."""

    def __init__(self, path: str | Path, *, writable: bool = False, query_timeout: float = 10.0,
                 model: str | None = None):
        self.path = Path(path)
        self.writable = writable
        self.query_timeout = query_timeout
        self.model = model
        self.store = Store.open(self.path, read_only=not writable)
        self._write_lock = threading.Lock()
        self._nlp = None

    def close(self) -> None:
        self.store.close()

    @contextmanager
    def reader(self) -> Iterator[StoreView]:
        """A view of the store for one request: its own cursor, interrupted after ``query_timeout`` seconds."""
        cursor = self.store.con.cursor()
        timer = threading.Timer(self.query_timeout, cursor.interrupt)
        timer.daemon = True
        timer.start()
        try:
            yield StoreView(cursor)
        except duckdb.InterruptException:
            raise QueryTimeout(f"the query ran longer than {self.query_timeout:g} s and was stopped: narrow it "
                               "(a date range, a type, a smaller page)") from None
        finally:
            timer.cancel()
            cursor.close()

    def ingest(self, articles: list) -> list[dict]:
        """Run the pipeline over these articles and add them (one writer at a time); one result per article:
        ``{"id", "status": "added"|"duplicate"|"present"|"failed", "reason"?}``."""
        from ..ingest import Failure
        from ..nlp import load_pipeline
        from ..nlp.runner import records_for

        if not self.writable:
            raise PermissionError("the store is served read-only")
        with self._write_lock:
            if self._nlp is None:
                self._nlp = load_pipeline(self.model)
            results = records_for(self._nlp, articles)
            out = []
            for article, result in zip(articles, results):
                if isinstance(result, Failure):
                    self.store.add_one(result, item=article.item)
                    out.append({"id": article.id, "status": "failed", "reason": result.reason})
                    continue
                before = self.store.stats.copy()
                self.store.add_one(result, item=article.item)
                self.store.flush()
                done = self.store.stats - before
                status = ("added" if done.added else "duplicate" if done.duplicates else
                          "present" if done.present else "failed")
                out.append({"id": result.id, "status": status})
            self.store.flush()
            return out
