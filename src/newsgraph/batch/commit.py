"""The output folder: its layout, the job's settings, and committing waves so that a rerun skips done work.

Layout of ``DIR``::

    DIR/articles/published_date=2024-05-01/WAVE-part-....parquet    (entities, quotes, events, places, dates alike)
    DIR/failures/WAVE-part-....parquet
    DIR/_newsgraph/job.json               the settings the tables were made with (model, disabled components, ...)
    DIR/_newsgraph/done/WAVE.json         commit marker: the inputs this wave finished, and its row counts
    DIR/_newsgraph/staging/WAVE/TABLE/    Spark's output for a wave that is not committed yet

A wave is a group of inputs processed by one Spark job. Its tables are written under ``staging/WAVE`` first;
then every file is moved to its table (its name prefixed with the wave id), then the marker is written, then the
staging folder is removed. The marker is the commit point: inputs named in a marker are done and a rerun skips
them. :func:`OutputDir.recover` undoes whatever a killed run left of an uncommitted wave (its staging folder, and
files it had already moved), so a rerun writes those inputs again exactly once.

One job at a time per output folder: two jobs writing the same folder at once would each treat the other's
staging as a killed run's.
"""

from __future__ import annotations

import datetime
import itertools
import json
import secrets
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .fs import HadoopFS
from .tables import TABLES

#: Bumped when the layout or the tables change incompatibly.
FORMAT = 1
META = "_newsgraph"
#: Files moved at once when a wave is committed.
MOVE_THREADS = 8


class OutputError(Exception):
    """The output folder cannot be used for this job (other settings, not a batch output); says why."""


@dataclass
class Marker:
    """A committed wave: its id, the inputs it finished (key → index) and the rows it wrote per table."""

    wave: str
    units: dict[str, int]
    rows: dict[str, int]


def new_wave_ids() -> Iterator[str]:
    """Wave ids unique across runs: ``w`` + the run's UTC time + a random tag + a number (sortable by time).
    Table files are named ``WAVE-part-...``; :func:`wave_of` reads the id back."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S")
    tag = secrets.token_hex(3)
    for n in itertools.count(1):
        yield f"w{stamp}-{tag}-{n:05d}"


class OutputDir:
    """An output folder on any filesystem Spark writes, through :class:`HadoopFS`."""

    def __init__(self, fs: HadoopFS, uri: str):
        self.fs = fs
        self.uri = fs.qualify(uri)

    def path(self, *names: str) -> str:
        return self.fs.join(self.uri, *names)

    def table(self, name: str) -> str:
        return self.path(name)

    def staging(self, wave: str, table: str | None = None) -> str:
        return self.path(META, "staging", wave, *([table] if table else []))

    # -- the job's settings -----------------------------------------------------------------------------------------

    def check_settings(self, settings: dict) -> None:
        """Record the job's settings on first use; refuse to add to tables made with other settings."""
        info = self.fs.stat(self.uri)
        if info is not None and not info.is_dir:
            raise OutputError(f"the output {self.uri} is a file, not a folder")
        job = self.path(META, "job.json")
        if self.fs.exists(job):
            before = json.loads(self.fs.read_text(job))
            if before.get("format") != FORMAT:
                raise OutputError(f"{self.uri} holds batch output of format {before.get('format')}, this newsgraph "
                                  f"writes format {FORMAT}: write to another folder")
            changed = [k for k in settings if k != "newsgraph" and before.get(k) != settings[k]]
            if changed:
                diffs = ", ".join(f"{k} {before.get(k)!r} (now {settings[k]!r})" for k in changed)
                raise OutputError(f"{self.uri} was written with other settings: {diffs}; rerun with the same "
                                  "settings, or write to another folder")
            return
        if info is not None and any(not e.name.startswith((".", "_")) for e in self.fs.list(self.uri)):
            raise OutputError(f"the output folder {self.uri} is not empty and holds no newsgraph batch output: "
                              "choose an empty or new folder")
        self.fs.write_text(job, json.dumps({"format": FORMAT, **settings}, indent=2) + "\n")

    # -- committed waves --------------------------------------------------------------------------------------------

    def markers(self) -> list[Marker]:
        """The committed waves, oldest first."""
        folder = self.path(META, "done")
        if not self.fs.exists(folder):
            return []
        out = []
        for entry in self.fs.list(folder):
            if entry.name.endswith(".json") and not entry.is_dir:
                data = json.loads(self.fs.read_text(entry.uri))
                out.append(Marker(data["wave"], dict(data["units"]), dict(data.get("rows", {}))))
        return sorted(out, key=lambda m: m.wave)

    def recover(self) -> list[str]:
        """Undo what killed runs left of waves they did not commit; returns those waves' ids."""
        staging = self.path(META, "staging")
        if not self.fs.exists(staging):
            return []
        done = {m.wave for m in self.markers()}
        undone = []
        for entry in self.fs.list(staging):
            if entry.name not in done:  # killed before its marker: remove any file it had moved already
                undone.append(entry.name)
                for table in TABLES:
                    self._delete_wave_files(self.table(table), entry.name)
            self.fs.delete(entry.uri)
        return undone

    def _delete_wave_files(self, folder: str, wave: str) -> None:
        if not self.fs.exists(folder):
            return
        for entry in self.fs.list(folder):
            if entry.is_dir:
                self._delete_wave_files(entry.uri, wave)
            elif entry.name.startswith(wave + "-"):
                self.fs.delete(entry.uri, recursive=False)

    def _staged_files(self, folder: str, relative: str = "") -> Iterable[tuple[str, str]]:
        """(URI, path relative to the table) of each data file Spark wrote for a table of a wave."""
        if not self.fs.exists(folder):
            return
        for entry in self.fs.list(folder):
            rel = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_dir:
                yield from self._staged_files(entry.uri, rel)
            elif entry.name.endswith(".parquet") and not entry.name.startswith((".", "_")):
                yield entry.uri, rel

    def commit(self, wave: str, units: dict[str, int], rows: dict[str, int]) -> None:
        """Move a wave's staged files into its tables, then write its marker (the commit point), then remove
        its staging folder. The moves run on a few threads: on object stores a rename is a copy."""
        moves = []
        for table in TABLES:
            for uri, rel in self._staged_files(self.staging(wave, table)):
                folder, _, name = rel.rpartition("/")
                moves.append((uri, self.fs.join(self.table(table), *([folder] if folder else []), f"{wave}-{name}")))
        with ThreadPoolExecutor(MOVE_THREADS, thread_name_prefix="newsgraph-commit") as pool:
            for done in [pool.submit(self.fs.rename, src, dst) for src, dst in moves]:
                done.result()
        marker = {"wave": wave, "units": units, "rows": rows,
                  "committed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
        self.fs.write_text(self.path(META, "done", f"{wave}.json"), json.dumps(marker, indent=1) + "\n")
        self.fs.delete(self.staging(wave))


def wave_of(file_name: str) -> str | None:
    """The wave id a committed table file's name starts with (None for a name that is not such a file)."""
    parts = file_name.split("-", 3)
    if len(parts) < 4 or not parts[0].startswith("w") or not parts[3].startswith("part-"):
        return None
    return "-".join(parts[:3])
