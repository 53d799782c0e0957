"""The full GeoNames index: GeoNames' dumps loaded into one local SQLite file, no server.

:func:`build` reads the files GeoNames publishes at https://download.geonames.org/export/dump/, plain or inside
their ``.zip`` (read streaming from the archive, never extracted):

- the *geoname* table (19 tab-separated columns): ``allCountries``, ``cities500``/``1000``/``5000``/``15000``
  and the per-country ``XX`` extracts;
- ``alternateNamesV2`` (10 columns; the older 8-column ``alternateNames`` is read too);
- ``admin1CodesASCII.txt`` (``US.LA``, name, ascii name, geonameid);
- ``countryInfo.txt`` (optional; ``#`` lines are comments).

A file's kind comes from its name and, where the name does not say (``XX.zip`` is both a country extract of
the geoname table and a country file of alternate names), from its column count. Malformed lines are counted
and the first few named; they never stop a build. The index is written to a temporary file next to its
destination and renamed into place at the end, so a failed or killed build leaves the previous index in use.

:class:`GeoNamesIndex` answers the :class:`~newsgraph.geo.gazetteer.Gazetteer` questions from that file.

Which names are indexed (the ``name`` table, keyed by :func:`~newsgraph.geo.gazetteer.name_key`):

- every entry's name and ascii name;
- from ``alternateNamesV2``: names in English, with no language, and abbreviations (``abbr``: "USA", "UK");
  names in other languages only when written in Latin script ("München", "Den Haag", "Nueva York", "Kyiv"),
  because newsgraph reads English news, where endonyms and transliterations appear but Cyrillic, Arabic or
  CJK script does not; historic names are kept ("Bombay", "Saigon": news still writes them), colloquial ones
  are not ("Big Apple", "City of Light": nicknames that mostly match ordinary phrases); the pseudo-languages
  that hold codes and links (``link``, ``wkdt``, ``post``, ``iata``, ``icao``, ``faac``, ``tcid``, ``unlc``,
  ``fr_1793``, ``phon``, ...) are skipped;
- when a build has no alternate-names file, the geoname table's own ``alternatenames`` column (which carries
  no language) stands in for it, Latin-script names only.
"""

from __future__ import annotations

import datetime
import glob
import io
import json
import os
import re
import sqlite3
import time
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from ..sqlite_index import ReadOnlyIndex, connect_read_only
from .gazetteer import Candidate, name_key

SCHEMA_VERSION = 1
BATCH = 50_000
MAX_EXAMPLES = 5  # malformed lines named per file

GEONAME, ALTNAMES, ADMIN1, COUNTRY = "geoname", "alternatenames", "admin1", "countryinfo"
KINDS = (GEONAME, ALTNAMES, ADMIN1, COUNTRY)

# isolanguage values of alternateNamesV2 that hold codes, links and ids rather than names.
CODE_LANGUAGES = frozenset({
    "link", "wkdt", "post", "iata", "icao", "faac", "tcid", "unlc", "fr_1793", "phon", "piny", "lau", "nuts",
    "cpcode", "geonames", "uicn", "ascii",
})
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff]")
# Country-level feature codes, the preferred first.
COUNTRY_CODES = ("PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR")


class GazetteerIndexError(Exception):
    """The index file cannot be used: not an index, corrupt, or built by another schema version."""


class UnknownFileError(ValueError):
    """A file given to :func:`build` is not one of the GeoNames files it reads."""


class MalformedLine(ValueError):
    """One line that does not parse; the message says why."""


# --- the line parsers -------------------------------------------------------------------------------------------

class GeonameRow(NamedTuple):
    geonameid: int
    name: str
    asciiname: str
    alternatenames: tuple[str, ...]
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country: str
    cc2: str
    admin1: str
    admin2: str
    admin3: str
    admin4: str
    population: int
    elevation: str
    dem: str
    timezone: str
    modified: str


class AltNameRow(NamedTuple):
    alternate_name_id: int
    geonameid: int
    language: str
    name: str
    preferred: bool
    short: bool
    colloquial: bool
    historic: bool
    valid_from: str = ""
    valid_to: str = ""


class Admin1Row(NamedTuple):
    country: str
    code: str
    name: str
    asciiname: str
    geonameid: int


class CountryRow(NamedTuple):
    iso: str
    iso3: str
    name: str
    capital: str
    population: int
    continent: str
    geonameid: int | None


def _fields(line: str, counts: tuple[int, ...]) -> list[str]:
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) not in counts:
        want = " or ".join(str(c) for c in counts)
        raise MalformedLine(f"{len(fields)} columns, expected {want}")
    return fields


def _int(value: str, what: str, *, empty: int | None = None) -> int:
    if not value and empty is not None:
        return empty
    if not value.isascii() or not value.lstrip("-").isdigit():
        raise MalformedLine(f"{what} {value[:40]!r} is not an integer")
    return int(value)


def _coordinate(value: str, what: str, limit: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise MalformedLine(f"{what} {value[:40]!r} is not a number") from None
    if not -limit <= number <= limit:  # also rejects nan
        raise MalformedLine(f"{what} {value[:40]!r} is out of range")
    return number


def _flag(value: str) -> bool:
    if value in ("", "0"):
        return False
    if value == "1":
        return True
    raise MalformedLine(f"flag {value[:40]!r} is not 1, 0 or empty")


def parse_geoname(line: str) -> GeonameRow:
    """One line of the geoname table; raises :class:`MalformedLine`."""
    f = _fields(line, (19,))
    geonameid = _int(f[0], "geonameid")
    if not f[1]:
        raise MalformedLine("empty name")
    lat = _coordinate(f[4], "latitude", 90.0)
    lon = _coordinate(f[5], "longitude", 180.0)
    population = _int(f[14], "population", empty=0)
    alternates = tuple(a for a in f[3].split(",") if a) if f[3] else ()
    return GeonameRow(geonameid, f[1], f[2], alternates, lat, lon, f[6], f[7], f[8], f[9], f[10], f[11], f[12],
                      f[13], population, f[15], f[16], f[17], f[18])


def format_geoname(row: GeonameRow) -> str:
    """The line :func:`parse_geoname` reads ``row`` from (without the newline)."""
    values = list(row)
    values[3] = ",".join(row.alternatenames)
    values[4], values[5] = repr(row.lat), repr(row.lon)
    return "\t".join(str(v) for v in values)


def parse_altname(line: str) -> AltNameRow:
    """One line of alternateNamesV2 (10 columns) or alternateNames (8); raises :class:`MalformedLine`."""
    f = _fields(line, (10, 8))
    if not f[3]:
        raise MalformedLine("empty alternate name")
    return AltNameRow(_int(f[0], "alternateNameId"), _int(f[1], "geonameid"), f[2], f[3], _flag(f[4]),
                      _flag(f[5]), _flag(f[6]), _flag(f[7]), *f[8:10])


def format_altname(row: AltNameRow) -> str:
    flags = ["1" if v else "" for v in row[4:8]]
    return "\t".join([str(row.alternate_name_id), str(row.geonameid), row.language, row.name, *flags,
                      row.valid_from, row.valid_to])


def parse_admin1(line: str) -> Admin1Row:
    """One line of admin1CodesASCII.txt; raises :class:`MalformedLine`."""
    f = _fields(line, (4,))
    country, dot, code = f[0].partition(".")
    if not dot or not country or not code or "." in code:  # "US.LA.055" is an admin2 code
        raise MalformedLine(f"code {f[0][:40]!r} is not COUNTRY.CODE")
    if not f[1]:
        raise MalformedLine("empty name")
    return Admin1Row(country, code, f[1], f[2], _int(f[3], "geonameid"))


def parse_country(line: str) -> CountryRow:
    """One line of countryInfo.txt; raises :class:`MalformedLine`."""
    f = line.rstrip("\r\n").split("\t")
    if len(f) < 17:
        raise MalformedLine(f"{len(f)} columns, expected 19")
    if len(f[0]) != 2 or not f[0].isalpha():
        raise MalformedLine(f"ISO code {f[0][:40]!r} is not two letters")
    return CountryRow(f[0], f[1], f[4], f[5], _int(f[7], "population", empty=0), f[8],
                      _int(f[16], "geonameid") if f[16] else None)


PARSERS = {GEONAME: parse_geoname, ALTNAMES: parse_altname, ADMIN1: parse_admin1, COUNTRY: parse_country}


# --- names --------------------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=1 << 16)
def _unicode_key(name: str) -> str:
    return name_key(name)


def fast_key(name: str) -> str:
    """:func:`name_key`, with a shortcut for ASCII names (NFKD and casefold are then the identity and lower)."""
    if not name.isascii():
        return _unicode_key(name)
    plain = name.lower()
    if plain.isalnum():
        return plain
    if (plain.replace(" ", "").isalnum() and "  " not in plain and plain[0] != " "
            and plain[-1] != " "):  # words and single spaces: nothing for the regex to do
        return plain[4:] if plain.startswith("the ") else plain
    if "'" in plain or "`" in plain:
        plain = plain.replace("'", "").replace("`", "")
    plain = _NON_WORD.sub(" ", plain).strip()
    return plain[4:] if plain.startswith("the ") else plain


def is_latin(key: str) -> bool:
    return key.isascii() or _NON_LATIN.search(key) is None


def keep_language(language: str) -> str | None:
    """How an alternate name's language decides whether it is kept: "all" (kept whatever its script),
    "latin" (kept when written in Latin script) or None (skipped)."""
    if language in ("", "en", "abbr") or language.startswith("en-"):
        return "all"
    if language in CODE_LANGUAGES or not _LANGUAGE.fullmatch(language):
        return None
    return "latin"


def keep_altname(row: AltNameRow) -> str | None:
    """The key an alternate name is indexed under, or None when it is not kept (see the module docstring)."""
    if row.colloquial:
        return None
    policy = keep_language(row.language)
    if policy is None:
        return None
    key = fast_key(row.name)
    if not key or (policy == "latin" and not is_latin(key)):
        return None
    return key


# --- reading files ------------------------------------------------------------------------------------------------

_GEONAME_NAMES = re.compile(r"(allcountries|cities\d+|null|no-country)", re.I)
_ALTNAME_NAMES = re.compile(r"alternatenames(v2)?", re.I)
_AMBIGUOUS_NAMES = re.compile(r"[A-Z]{2}")  # XX.zip: a geoname extract or an alternate-names file
_IGNORED_MEMBERS = {"iso-languagecodes.txt", "readme.txt"}


def kind_by_name(path: Path) -> str | None:
    stem = path.name
    for suffix in (".zip", ".txt"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if _GEONAME_NAMES.fullmatch(stem):
        return GEONAME
    if _ALTNAME_NAMES.fullmatch(stem):
        return ALTNAMES
    if stem.lower() == "admin1codesascii":
        return ADMIN1
    if stem.lower() == "countryinfo":
        return COUNTRY
    return None


def _zip_member(archive: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    members = [i for i in archive.infolist() if not i.is_dir()]
    stem = path.name[:-4] if path.name.lower().endswith(".zip") else path.name
    for info in members:
        if Path(info.filename).name.lower() == f"{stem.lower()}.txt":
            return info
    texts = [i for i in members if Path(i.filename).name.lower() not in _IGNORED_MEMBERS]
    if len(texts) == 1:
        return texts[0]
    raise UnknownFileError(f"{path}: cannot tell which file of the archive to read "
                           f"({', '.join(i.filename for i in members) or 'it is empty'})")


class _Source:
    """One input file, plain or a member of its zip, read as binary lines."""

    def __init__(self, path: Path):
        self.path = path
        self.member: zipfile.ZipInfo | None = None
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    self.member = _zip_member(archive, path)
            except zipfile.BadZipFile as err:
                raise UnknownFileError(f"{path}: not a readable zip archive ({err})") from None
            self.size = self.member.file_size
        else:
            self.size = path.stat().st_size

    @property
    def label(self) -> str:
        return f"{self.path}:{self.member.filename}" if self.member else str(self.path)

    def lines(self) -> Iterator[bytes]:
        if self.member is None:
            with open(self.path, "rb", buffering=1 << 20) as handle:
                yield from handle
            return
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as raw:
            yield from io.BufferedReader(raw, buffer_size=1 << 20)


def _sniff(source: _Source, sample: int = 20) -> tuple[str | None, int | None]:
    """The kind the first lines' columns say (None when they fit none) and their commonest column count."""
    votes: dict[str, int] = {}
    counts: dict[int, int] = {}
    seen = 0
    for raw in source.lines():
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line or line.startswith("#"):
            continue
        seen += 1
        fields = line.split("\t")
        counts[len(fields)] = counts.get(len(fields), 0) + 1
        for kind, parse in PARSERS.items():
            try:
                parse(line)
            except MalformedLine:
                continue
            votes[kind] = votes.get(kind, 0) + 1
        if seen >= sample:
            break
    common = max(counts, key=counts.get) if counts else None
    if not votes:
        return None, common
    best = max(votes, key=votes.get)
    return (best if votes[best] * 2 > seen else None), common


_EXPECTED = {GEONAME: "19", ALTNAMES: "10 (or 8)", ADMIN1: "4", COUNTRY: "19"}


def detect(path: Path) -> tuple[str, "_Source"]:
    """The kind of a GeoNames file (by name, else by column count); raises :class:`UnknownFileError`."""
    path = Path(path)
    if not path.is_file():
        raise UnknownFileError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    source = _Source(path)
    named = kind_by_name(path)
    if named is None and source.member is not None:
        named = kind_by_name(Path(source.member.filename))
    sniffed, columns = _sniff(source)
    if columns is None:  # empty: the name must say what it is
        if named is None:
            raise UnknownFileError(f"{path}: empty, and its name is not one of a GeoNames file")
        return named, source
    if named is not None and sniffed in (None, named):
        if sniffed is None:
            raise UnknownFileError(f"{path}: named like GeoNames' {named} file, but its lines have {columns} "
                                   f"columns (expected {_EXPECTED[named]})")
        return named, source
    if named is not None:
        raise UnknownFileError(f"{path}: named like GeoNames' {named} file, but its lines are {sniffed} lines")
    if sniffed is None:
        raise UnknownFileError(
            f"{path}: not a GeoNames file newsgraph reads (lines of {columns} columns; expected the geoname table "
            "(allCountries, cities*, XX), alternateNamesV2, admin1CodesASCII.txt or countryInfo.txt)")
    return sniffed, source


# --- building -----------------------------------------------------------------------------------------------------

class BuildProgress(NamedTuple):
    phase: str  # "read" or "index"
    file: str
    bytes_done: int
    bytes_total: int  # all files together
    rows: int  # lines read so far, all files together


@dataclass
class Malformed:
    file: str
    line: int
    reason: str


@dataclass
class FileStats:
    path: str
    kind: str
    rows: int = 0  # lines loaded
    not_kept: int = 0  # well-formed lines left out on purpose (codes, links, non-Latin names, ...)
    skipped: int = 0  # malformed lines
    seconds: float = 0.0


@dataclass
class BuildStats:
    db_path: str
    files: list[FileStats] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    malformed: list[Malformed] = field(default_factory=list)  # the first few of each file
    index_seconds: float = 0.0
    seconds: float = 0.0
    db_bytes: int = 0

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE place (
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    fclass TEXT, fcode TEXT, country TEXT, admin1 TEXT, population INTEGER NOT NULL DEFAULT 0);
CREATE TABLE admin1 (
    country TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, asciiname TEXT, geonameid INTEGER,
    PRIMARY KEY (country, code)) WITHOUT ROWID;
CREATE TABLE country (
    iso TEXT PRIMARY KEY, iso3 TEXT, name TEXT NOT NULL, capital TEXT, population INTEGER, continent TEXT,
    geonameid INTEGER) WITHOUT ROWID;
CREATE TABLE name (key TEXT NOT NULL, geonameid INTEGER NOT NULL, PRIMARY KEY (key, geonameid)) WITHOUT ROWID;
"""
_INDEXES = ("CREATE INDEX place_division ON place (country, fcode, admin1) WHERE fclass = 'A'",)


def _place(row: GeonameRow) -> tuple:
    # admin1 "00" is GeoNames' "none" (countries, places outside any division).
    return (row.geonameid, row.name, row.lat, row.lon, row.feature_class or None, row.feature_code or None,
            row.country or None, row.admin1 if row.admin1 not in ("", "00") else None, row.population)


class _Builder:
    def __init__(self, conn: sqlite3.Connection, stats: BuildStats, progress, total: int, column_names: bool):
        self.conn, self.stats, self.progress, self.total = conn, stats, progress, total
        self.column_names = column_names  # index the geoname table's alternatenames column
        self.bytes_done = self.rows_done = 0

    def load(self, kind: str, source: _Source) -> FileStats:
        fs = FileStats(str(source.path), kind)
        start = time.perf_counter()
        handler = {GEONAME: self._geoname, ALTNAMES: self._altname, ADMIN1: self._admin1,
                   COUNTRY: self._country}[kind]
        parse = PARSERS[kind]
        places: list[tuple] = []
        names: list[tuple] = []
        others: list[tuple] = []
        examples = 0
        for number, raw in enumerate(source.lines(), 1):
            self.bytes_done += len(raw)
            if number % BATCH == 0:
                self._flush(places, names, others, kind)
                self._report(source)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                line, reason = None, f"not UTF-8 ({err.reason} at byte {err.start})"
            else:
                if not line.strip() or (kind == COUNTRY and line.startswith("#")):
                    continue
                try:
                    row = parse(line)
                    reason = None
                except MalformedLine as err:
                    reason = str(err)
            if reason is not None:
                fs.skipped += 1
                if examples < MAX_EXAMPLES:
                    examples += 1
                    self.stats.malformed.append(Malformed(source.label, number, reason))
                continue
            self.rows_done += 1
            if handler(row, places, names, others):
                fs.rows += 1
            else:
                fs.not_kept += 1
        self._flush(places, names, others, kind)
        self._report(source)
        fs.seconds = time.perf_counter() - start
        return fs

    def _report(self, source: _Source) -> None:
        if self.progress is not None:
            self.progress(BuildProgress("read", source.label, self.bytes_done, self.total, self.rows_done))

    def _flush(self, places: list, names: list, others: list, kind: str) -> None:
        if places:
            self.conn.executemany("INSERT OR REPLACE INTO place VALUES (?,?,?,?,?,?,?,?,?)", places)
            places.clear()
        if names:
            self.conn.executemany("INSERT INTO stage.names VALUES (?,?)", names)
            names.clear()
        if others:
            if kind == ADMIN1:
                self.conn.executemany("INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?,?)", others)
            else:
                self.conn.executemany("INSERT OR REPLACE INTO country VALUES (?,?,?,?,?,?,?)", others)
            others.clear()

    def _geoname(self, row: GeonameRow, places: list, names: list, others: list) -> bool:
        places.append(_place(row))
        gid = row.geonameid
        keys = {fast_key(row.name)}
        if row.asciiname:
            keys.add(fast_key(row.asciiname))
        if self.column_names:
            for alternate in row.alternatenames:
                key = fast_key(alternate)
                if is_latin(key):
                    keys.add(key)
        keys.discard("")
        names.extend((k, gid) for k in keys)
        return True

    def _altname(self, row: AltNameRow, places: list, names: list, others: list) -> bool:
        key = keep_altname(row)
        if key is None:
            return False
        names.append((key, row.geonameid))
        return True

    def _admin1(self, row: Admin1Row, places: list, names: list, others: list) -> bool:
        others.append((row.country, row.code, row.name, row.asciiname or None, row.geonameid))
        names.extend((k, row.geonameid) for k in {fast_key(row.name), fast_key(row.asciiname)} if k)
        return True

    def _country(self, row: CountryRow, places: list, names: list, others: list) -> bool:
        others.append((row.iso, row.iso3 or None, row.name, row.capital or None, row.population,
                       row.continent or None, row.geonameid))
        if row.geonameid is not None and fast_key(row.name):
            names.append((fast_key(row.name), row.geonameid))
        return True


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
        if not pid.isdigit() or leftover.suffix not in (".tmp", ".stage", ".tmp-journal", ".stage-journal"):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:  # alive, another user's
            pass


def build(files: Iterable[str | os.PathLike], db_path: str | os.PathLike,
          progress: Callable[[BuildProgress], None] | None = None) -> BuildStats:
    """Build the index at ``db_path`` from GeoNames ``files``; returns what was loaded.

    Raises :class:`UnknownFileError` (naming the file) before writing anything when a file is missing or not
    one GeoNames publishes. ``db_path`` is replaced only when the whole build succeeded."""
    started = time.perf_counter()
    db_path = Path(db_path)
    sources = [(kind, source) for kind, source in (detect(Path(f)) for f in files)]
    if not sources:
        raise UnknownFileError("no files to import")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    stage = db_path.with_name(f".{db_path.name}.{os.getpid()}.stage")
    stats = BuildStats(str(db_path))
    has_altnames = any(kind == ALTNAMES for kind, _ in sources)
    _remove_stale(db_path)
    _remove(tmp), _remove(stage)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS stage", (str(stage),))
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE", "cache_size=-262144",
                       "stage.journal_mode=OFF", "stage.synchronous=OFF"):
            conn.execute(f"PRAGMA {pragma}")
        conn.executescript(_SCHEMA)
        conn.execute("CREATE TABLE stage.names (key TEXT NOT NULL, geonameid INTEGER NOT NULL)")
        builder = _Builder(conn, stats, progress, sum(s.size for _, s in sources), not has_altnames)
        # Places first, so that the names' join below sees them whatever order the files came in.
        for kind, source in sorted(sources, key=lambda ks: KINDS.index(ks[0])):
            conn.execute("BEGIN")
            stats.files.append(builder.load(kind, source))
            conn.execute("COMMIT")
        index_start = time.perf_counter()
        if progress is not None:
            progress(BuildProgress("index", "", builder.bytes_done, builder.total, builder.rows_done))
        conn.execute("BEGIN")
        for statement in _INDEXES:
            conn.execute(statement)
        conn.execute("INSERT OR IGNORE INTO name SELECT s.key, s.geonameid FROM stage.names AS s "
                     "WHERE s.geonameid IN (SELECT geonameid FROM place) ORDER BY s.key, s.geonameid")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE stage")
        _remove(stage)
        for table in ("place", "name", "admin1", "country"):
            stats.tables[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        conn.execute("PRAGMA analysis_limit=1000")
        conn.execute("ANALYZE")
        stats.index_seconds = time.perf_counter() - index_start
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "built": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "sources": json.dumps([{"file": Path(f.path).name, "kind": f.kind, "rows": f.rows,
                                    "not_kept": f.not_kept, "skipped": f.skipped} for f in stats.files]),
            "tables": json.dumps(stats.tables),
        }
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        conn.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, db_path)
    except BaseException:
        conn.close()
        _remove(tmp), _remove(stage)
        raise
    stats.db_bytes = db_path.stat().st_size
    stats.seconds = time.perf_counter() - started
    return stats


# --- reading the index --------------------------------------------------------------------------------------------

_COLUMNS = "p.geonameid, p.name, p.lat, p.lon, p.fclass, p.fcode, p.country, p.admin1, p.population"
_LOOKUP = (f"SELECT {_COLUMNS} FROM name AS n JOIN place AS p ON p.geonameid = n.geonameid "
           "WHERE n.key = ? ORDER BY p.population DESC, p.geonameid")
_BY_ID = f"SELECT {_COLUMNS} FROM place AS p WHERE p.geonameid = ?"
_COUNTRY = (f"SELECT {_COLUMNS} FROM place AS p WHERE p.country = ? AND p.fclass = 'A' AND p.fcode IN "
            f"({', '.join(repr(c) for c in COUNTRY_CODES)}) ORDER BY "
            + "CASE p.fcode " + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(COUNTRY_CODES))
            + " END, p.population DESC LIMIT 1")
_ADMIN1 = (f"SELECT {_COLUMNS} FROM place AS p WHERE p.country = ? AND p.fclass = 'A' AND p.fcode = 'ADM1' "
           "AND p.admin1 = ? ORDER BY p.population DESC LIMIT 1")


def _candidate(row: tuple) -> Candidate:
    gid, name, lat, lon, fclass, fcode, country, admin1, population = row
    return Candidate(gid, name, lat, lon, fclass or "", fcode or "", country, admin1, population or 0)


def check_index(path: str | os.PathLike) -> dict[str, str]:
    """The metadata of the index at ``path``; raises :class:`GazetteerIndexError` when it is not usable."""
    path = Path(path)
    if not path.is_file():
        raise GazetteerIndexError(f"no gazetteer index at {path}: build one with `newsgraph gazetteer import`")
    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise GazetteerIndexError(f"{path} is not a newsgraph gazetteer index (not an SQLite database); "
                                      "rebuild it with `newsgraph gazetteer import`")
    try:
        conn = connect_read_only(path)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise GazetteerIndexError(f"{path} is not a usable newsgraph gazetteer index ({err}); rebuild it with "
                                  "`newsgraph gazetteer import`") from None
    version = meta.get("schema_version")
    if version != str(SCHEMA_VERSION):
        raise GazetteerIndexError(f"{path} was built with gazetteer schema {version or 'unknown'}, this newsgraph "
                                  f"reads schema {SCHEMA_VERSION}: rebuild it with `newsgraph gazetteer import`")
    return meta


class GeoNamesIndex(ReadOnlyIndex):
    """The :class:`~newsgraph.geo.gazetteer.Gazetteer` over an index :func:`build` wrote.

    The file is checked when the object is made; the connection (read-only) is opened on first use in each
    process and thread, so the object may be shared with worker processes (forked or pickled)."""

    check = staticmethod(check_index)

    def lookup(self, name: str) -> list[Candidate]:
        key = name_key(name)
        if not key:
            return []
        return [_candidate(row) for row in self._conn().execute(_LOOKUP, (key,))]

    def get(self, geonameid: int) -> Candidate | None:
        row = self._conn().execute(_BY_ID, (geonameid,)).fetchone()
        return _candidate(row) if row else None

    def country(self, code: str) -> Candidate | None:
        code = code.strip().upper()
        conn = self._conn()
        row = conn.execute("SELECT geonameid FROM country WHERE iso = ?", (code,)).fetchone()
        if row and row[0] is not None:
            found = self.get(row[0])
            if found is not None:
                return found
        row = conn.execute(_COUNTRY, (code,)).fetchone()
        return _candidate(row) if row else None

    def admin1(self, country: str, code: str) -> Candidate | None:
        country, code = country.strip().upper(), code.strip()
        conn = self._conn()
        row = conn.execute("SELECT geonameid FROM admin1 WHERE country = ? AND code = ?", (country, code)).fetchone()
        if row and row[0] is not None:
            found = self.get(row[0])
            if found is not None:
                return found
        row = conn.execute(_ADMIN1, (country, code)).fetchone()
        return _candidate(row) if row else None

    def info(self) -> dict:
        """What the index holds: its metadata, parsed, with the file's size."""
        return {"path": str(self.path), "bytes": self.path.stat().st_size,
                "schema_version": int(self.meta["schema_version"]), "built": self.meta.get("built"),
                "sources": json.loads(self.meta.get("sources", "[]")),
                "tables": json.loads(self.meta.get("tables", "{}"))}


def default_path() -> Path:
    """``$NEWSGRAPH_GAZETTEER``, else ``$XDG_DATA_HOME/newsgraph/geonames.sqlite`` (``~/.local/share``)."""
    explicit = os.environ.get("NEWSGRAPH_GAZETTEER")
    if explicit:
        return Path(explicit).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "newsgraph" / "geonames.sqlite"


def open_default() -> GeoNamesIndex | None:
    """The index at :func:`default_path`, or None when none has been built. A file there that is not a usable
    index raises :class:`GazetteerIndexError`."""
    path = default_path()
    if not path.exists():
        return None
    return GeoNamesIndex(path)
