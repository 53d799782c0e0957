"""The actor index: imported actor and agent dictionaries in one local SQLite file.

:func:`build` reads dictionary files (see :mod:`newsgraph.actors.dictionary`) and writes the index to a temporary
file next to its destination, renamed into place at the end: a failed or killed build leaves the previous index
in use. :class:`ActorIndex` answers, for a name and a date, the codes an imported dictionary gives it, and for an
agent word ("police", "defense minister") its sector. The file is opened read-only, lazily, once per process and
thread, so an index may be handed to worker processes.

Which codes a lookup returns, for each dictionary entry the name belongs to:

- with a date: the dated codes valid on it (bounds included); when none is, the entry's undated codes (the
  default, as PETRARCH reads them);
- without a date: the codes valid today and after, that is the open-ended dated ones (``>DATE``), else the
  undated defaults; an entry whose codes all ended gets its most recently ended ones.

Names match on their key (:func:`~newsgraph.actors.dictionary.actor_key`); when no name matches whole, a
dictionary *stem* (a name written without a trailing ``_``) whose last word begins the query's last word does,
the longest such stem first ("defense minist" for "defense ministers").
"""

from __future__ import annotations

import datetime
import glob
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from ..sqlite_index import ReadOnlyIndex, connect_read_only
from .dictionary import (
    Malformed, Parsed, RawCode, UnknownFileError, actor_key, detect, display_name, name_keys, parse_file,
    split_code,
)

SCHEMA_VERSION = 1
MAX_EXAMPLES = 50  # malformed lines named per file


class ActorIndexError(Exception):
    """The index file cannot be used: not an index, corrupt, or built by another schema version."""


@dataclass(frozen=True, slots=True)
class ActorCode:
    """One code a dictionary gives an actor, with the dates it is valid between (None: open)."""
    name: str  # the entry's primary name, as the dictionary writes it (underscores as spaces)
    country: str | None  # ISO alpha-3 (or a former state's CAMEO code); None for international actors
    sector: str | None  # what follows the country: "GOV", "MILGOV"; the whole code without a country: "IGOUNO"
    code: str  # as written: "IRNGOV", "IGOUNO", "---" (PETRARCH's null code)
    start: datetime.date | None
    end: datetime.date | None
    source: str  # the dictionary file's name

    def valid_on(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def to_json(self) -> dict:
        return {"name": self.name, "country": self.country, "sector": self.sector, "code": self.code,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "source": self.source}


def select_codes(codes: list[ActorCode], on: datetime.date | None) -> list[ActorCode]:
    """The codes of one entry that hold on ``on`` (see the module docstring)."""
    dated = [c for c in codes if c.start is not None or c.end is not None]
    default = [c for c in codes if c.start is None and c.end is None]
    if on is not None:
        return [c for c in dated if c.valid_on(on)] or default
    current = [c for c in dated if c.end is None]
    if current or default:
        return current or default
    latest = max(c.end for c in dated) if dated else None
    return [c for c in dated if c.end == latest]


# --- building -----------------------------------------------------------------------------------------------------

class BuildProgress(NamedTuple):
    phase: str  # "read" or "index"
    file: str
    files_done: int
    files_total: int


@dataclass
class FileStats:
    path: str
    kind: str  # actors, agents or csv
    entries: int = 0
    names: int = 0
    codes: int = 0
    agents: int = 0
    skipped: int = 0  # malformed lines
    uncoded: int = 0  # names left without a code at the end of the file
    lines: int = 0
    seconds: float = 0.0


@dataclass
class BuildStats:
    db_path: str
    files: list[FileStats] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    shapes: dict[str, int] = field(default_factory=dict)  # codes by shape (country, international, ...)
    malformed: list[Malformed] = field(default_factory=list)  # the first MAX_EXAMPLES of each file
    seconds: float = 0.0
    db_bytes: int = 0

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entry (id INTEGER PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL, line INTEGER NOT NULL);
CREATE TABLE code (
    entry INTEGER NOT NULL, code TEXT NOT NULL, country TEXT, sector TEXT, start TEXT, "end" TEXT);
CREATE TABLE name (key TEXT NOT NULL, entry INTEGER NOT NULL, stem INTEGER NOT NULL,
    PRIMARY KEY (key, entry)) WITHOUT ROWID;
CREATE TABLE agent (key TEXT NOT NULL, ord INTEGER NOT NULL, stem INTEGER NOT NULL, sector TEXT NOT NULL,
    code TEXT NOT NULL, source TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (key, ord)) WITHOUT ROWID;
"""


def _remove(path: Path) -> None:
    for candidate in (path, Path(f"{path}-journal")):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def _remove_stale(db_path: Path) -> None:
    """Temporary files a killed build left next to the index (their process is gone)."""
    for leftover in db_path.parent.glob(f".{glob.escape(db_path.name)}.*"):
        pid = leftover.name[len(db_path.name) + 2:].split(".")[0]
        if not pid.isdigit() or leftover.suffix not in (".tmp", ".tmp-journal"):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:  # alive, another user's
            pass


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _load(conn: sqlite3.Connection, parsed: Parsed, fs: FileStats, next_id: int, next_ord: int,
          names: dict[tuple[str, int], int], shapes: dict[str, int]) -> tuple[int, int]:
    source = Path(parsed.path).name
    entries, codes = [], []
    for entry in parsed.entries:
        entry_id = next_id
        next_id += 1
        entries.append((entry_id, entry.name, source, entry.line))
        seen: set[tuple] = set()
        for raw in entry.codes:
            key = (raw.code, _iso(raw.start), _iso(raw.end))
            if key in seen:
                continue
            seen.add(key)
            parts = split_code(raw.code)
            shapes[parts.shape] = shapes.get(parts.shape, 0) + 1
            codes.append((entry_id, raw.code, parts.country, parts.sector, *key[1:]))
        for raw_name in entry.names:
            for key, stem in name_keys(raw_name):
                names[(key, entry_id)] = max(names.get((key, entry_id), 0), int(stem))
                fs.names += 1
        fs.entries += 1
        fs.codes += len(seen)
    conn.executemany("INSERT INTO entry VALUES (?,?,?,?)", entries)
    conn.executemany("INSERT INTO code VALUES (?,?,?,?,?,?)", codes)
    agents = []
    for agent in parsed.agents:
        key = actor_key(agent.phrase)
        if not key:
            continue
        agents.append((key, next_ord, int(agent.stem), agent.sector, agent.code, source, agent.line))
        next_ord += 1
    conn.executemany("INSERT INTO agent VALUES (?,?,?,?,?,?,?)", agents)
    fs.agents = len(agents)
    return next_id, next_ord


def build(files: Iterable[str | os.PathLike], db_path: str | os.PathLike,
          progress: Callable[[BuildProgress], None] | None = None) -> BuildStats:
    """Build the actor index at ``db_path`` from dictionary ``files``; returns what was loaded.

    Raises :class:`~newsgraph.actors.dictionary.UnknownFileError` (naming the file) before writing anything when
    a file is missing or not a dictionary. ``db_path`` is replaced only when the whole build succeeded."""
    started = time.perf_counter()
    db_path = Path(db_path)
    sources = [(Path(f), detect(f)) for f in files]
    if not sources:
        raise UnknownFileError("no files to import")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    stats = BuildStats(str(db_path))
    _remove_stale(db_path)
    _remove(tmp)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE"):
            conn.execute(f"PRAGMA {pragma}")
        conn.executescript(_SCHEMA)
        names: dict[tuple[str, int], int] = {}
        next_id = next_ord = 1
        conn.execute("BEGIN")
        for done, (path, kind) in enumerate(sources):
            if progress is not None:
                progress(BuildProgress("read", str(path), done, len(sources)))
            start = time.perf_counter()
            parsed = parse_file(path, kind)
            fs = FileStats(str(path), kind, skipped=parsed.skipped, uncoded=parsed.uncoded, lines=parsed.lines)
            stats.malformed.extend(parsed.malformed[:MAX_EXAMPLES])
            next_id, next_ord = _load(conn, parsed, fs, next_id, next_ord, names, stats.shapes)
            fs.seconds = time.perf_counter() - start
            stats.files.append(fs)
        if progress is not None:
            progress(BuildProgress("index", "", len(sources), len(sources)))
        conn.executemany("INSERT INTO name VALUES (?,?,?)",
                         ((key, entry, stem) for (key, entry), stem in sorted(names.items())))
        conn.execute("COMMIT")
        conn.execute("CREATE INDEX code_entry ON code (entry)")
        conn.execute("CREATE INDEX name_stem ON name (key) WHERE stem = 1")
        for table in ("entry", "code", "name", "agent"):
            stats.tables[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        stats.tables["name keys"] = conn.execute("SELECT count(DISTINCT key) FROM name").fetchone()[0]
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "built": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "sources": json.dumps([{"file": Path(f.path).name, "kind": f.kind, "entries": f.entries,
                                    "names": f.names, "codes": f.codes, "agents": f.agents, "skipped": f.skipped}
                                   for f in stats.files]),
            "tables": json.dumps(stats.tables),
            "shapes": json.dumps(stats.shapes),
        }
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        conn.execute("ANALYZE")
        conn.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, db_path)
    except BaseException:
        conn.close()
        _remove(tmp)
        raise
    stats.db_bytes = db_path.stat().st_size
    stats.seconds = time.perf_counter() - started
    return stats


# --- reading the index --------------------------------------------------------------------------------------------

def check_index(path: str | os.PathLike) -> dict[str, str]:
    """The metadata of the index at ``path``; raises :class:`ActorIndexError` when it is not usable."""
    path = Path(path)
    how = "rebuild it with `newsgraph actors import`"
    if not path.is_file():
        raise ActorIndexError(f"no actor index at {path}: build one with `newsgraph actors import`")
    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise ActorIndexError(f"{path} is not a newsgraph actor index (not an SQLite database); {how}")
    try:
        conn = connect_read_only(path)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            conn.execute("SELECT 1 FROM name, entry, code, agent LIMIT 0").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise ActorIndexError(f"{path} is not a usable newsgraph actor index ({err}); {how}") from None
    version = meta.get("schema_version")
    if version != str(SCHEMA_VERSION):
        raise ActorIndexError(f"{path} was built with actor index schema {version or 'unknown'}, this newsgraph "
                              f"reads schema {SCHEMA_VERSION}: {how}")
    return meta


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _stem_keys(key: str) -> list[str]:
    """The keys a stem may have to match ``key``: its strict prefixes ending inside its last word."""
    last = key.rfind(" ") + 1
    return [key[:end] for end in range(len(key) - 1, last, -1)]


_CODES = ("SELECT e.id, e.name, e.source, c.code, c.country, c.sector, c.start, c.\"end\" FROM code AS c "
          "JOIN entry AS e ON e.id = c.entry WHERE c.entry = ? ORDER BY c.rowid")


class ActorIndex(ReadOnlyIndex):
    """Lookups in an index :func:`build` wrote.

    The file is checked when the object is made; the connection (read-only) is opened on first use in each
    process and thread, so the object may be shared with worker processes (forked or pickled)."""

    check = staticmethod(check_index)

    def entries(self, name: str) -> list[int]:
        """The ids of the entries ``name`` matches: whole names, else the longest matching stem."""
        key = actor_key(name)
        if not key:
            return []
        conn = self._conn()
        found = [row[0] for row in conn.execute("SELECT entry FROM name WHERE key = ? ORDER BY entry", (key,))]
        if found:
            return found
        prefixes = _stem_keys(key)
        if not prefixes:
            return []
        marks = ",".join("?" * len(prefixes))
        rows = conn.execute(f"SELECT key, entry FROM name WHERE stem = 1 AND key IN ({marks}) "
                            "ORDER BY length(key) DESC, entry", prefixes).fetchall()
        return [entry for stem, entry in rows if stem == rows[0][0]] if rows else []

    def lookup(self, name: str, on: datetime.date | str | None = None) -> list[ActorCode]:
        """The codes the dictionaries give ``name`` on the date ``on`` (without one: the current or latest ones):
        entries in the order they were imported, each entry's codes in the dictionary's order, a code that two
        entries give with the same dates once. A possessive ("Iran's") is dropped when the name does not match
        with it."""
        if isinstance(on, str):
            on = datetime.date.fromisoformat(on)
        elif isinstance(on, datetime.datetime):
            on = on.date()
        conn = self._conn()
        out: list[ActorCode] = []
        seen: set[tuple] = set()
        entries = self.entries(name)
        if not entries and name.rstrip().endswith(("'s", "’s")):  # "Iran's"
            entries = self.entries(name.rstrip()[:-2])
        for entry in entries:
            codes = [ActorCode(row[1], row[4], row[5], row[3], _date(row[6]), _date(row[7]), row[2])
                     for row in conn.execute(_CODES, (entry,))]
            for code in select_codes(codes, on):
                key = (code.code, code.start, code.end)  # the same code from two entries: the first
                if key not in seen:
                    seen.add(key)
                    out.append(code)
        return out

    def agent(self, word: str) -> str | None:
        """The sector an agent word gives ("police" → "COP", "defense minister" → "GOVMIL", "farmers" → "AGR"):
        the first agent in import order with that name, else the one with the longest matching stem."""
        key = actor_key(word)
        if not key:
            return None
        conn = self._conn()
        row = conn.execute("SELECT sector FROM agent WHERE key = ? ORDER BY ord LIMIT 1", (key,)).fetchone()
        if row:
            return row[0]
        prefixes = _stem_keys(key)
        if not prefixes:
            return None
        marks = ",".join("?" * len(prefixes))
        row = conn.execute(f"SELECT sector FROM agent WHERE stem = 1 AND key IN ({marks}) "
                           "ORDER BY length(key) DESC, ord LIMIT 1", prefixes).fetchone()
        return row[0] if row else None

    def info(self) -> dict:
        """What the index holds: its metadata, parsed, with the file's size."""
        return {"path": str(self.path), "bytes": self.path.stat().st_size,
                "schema_version": int(self.meta["schema_version"]), "built": self.meta.get("built"),
                "sources": json.loads(self.meta.get("sources", "[]")),
                "tables": json.loads(self.meta.get("tables", "{}")),
                "shapes": json.loads(self.meta.get("shapes", "{}"))}


def default_path() -> Path:
    """``$NEWSGRAPH_ACTORS``, else ``$XDG_DATA_HOME/newsgraph/actors.sqlite`` (``~/.local/share``)."""
    explicit = os.environ.get("NEWSGRAPH_ACTORS")
    if explicit:
        return Path(explicit).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "newsgraph" / "actors.sqlite"


def open_default() -> ActorIndex | None:
    """The index at :func:`default_path`, or None when none has been built. A file there that is not a usable
    index raises :class:`ActorIndexError`."""
    path = default_path()
    if not path.exists():
        return None
    return ActorIndex(path)


__all__ = ["ActorCode", "ActorIndex", "ActorIndexError", "BuildProgress", "BuildStats", "FileStats", "RawCode",
           "build", "check_index", "default_path", "display_name", "open_default", "select_codes"]
