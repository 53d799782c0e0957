"""Read-only SQLite indexes built once and read by many processes (the GeoNames gazetteer, actor dictionaries).

:class:`ReadOnlyIndex` checks the file when the object is made and opens its connection on first use in each
process and thread, so the object may be shared with worker processes (forked or pickled).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro`` URI, ``query_only``) usable from any thread of this process."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, cached_statements=32)
    conn.execute("PRAGMA query_only=1")
    return conn


class ReadOnlyIndex:
    """Base of the index readers: subclasses set :meth:`check`, which validates the file and returns its
    metadata (raising the module's own error)."""

    @staticmethod
    def check(path: Path) -> dict[str, str]:  # pragma: no cover - every subclass sets its own
        raise NotImplementedError

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.meta = self.check(self.path)
        self._local = threading.local()

    def __getstate__(self):
        return {"path": self.path, "meta": self.meta}

    def __setstate__(self, state):
        self.path, self.meta = state["path"], state["meta"]
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    def _conn(self) -> sqlite3.Connection:
        local = self._local
        pid = os.getpid()
        if getattr(local, "pid", None) != pid:
            local.conn, local.pid = connect_read_only(self.path), pid
        return local.conn

    def close(self) -> None:
        """Close this thread's connection (it reopens on the next query)."""
        local = self._local
        if getattr(local, "pid", None) == os.getpid():
            local.conn.close()
        local.pid = local.conn = None
