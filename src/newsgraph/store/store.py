"""The embedded corpus store: one DuckDB file holding articles, their annotations, duplicates and failures.

Writing goes through a buffer: :meth:`Store.add_one` queues a record (or a Failure), and the buffer is
written in one transaction when it holds ``batch_size`` items or its first item has waited ``max_seconds``
(and by :meth:`Store.flush`, :meth:`Store.add` and on closing). A committed batch survives a crash (DuckDB's
write-ahead log is replayed when the file is next opened); an uncommitted one is simply read again by the next
run, because adding is idempotent:

- an item whose id is stored (as an article or as a recorded copy) adds nothing (*present*); a text-derived id
  (``sha1:...``) counts only with the same canonical URL, since copies of one text share it;
- an item with the canonical URL and text of a stored article or copy adds nothing (*present*);
- otherwise an item with the canonical URL of a stored article but another text is a *url* duplicate (a
  revision of the page), one with the text of a stored article an *exact* duplicate (a syndicated copy), and
  one whose near-duplicate signature matches a stored article at the index's threshold a *near* duplicate.
  A duplicate is not stored as an article: it goes to ``duplicates`` with its own id and metadata, linked to
  the stored original;
- anything else is a new article.

Duplicate detection uses :mod:`newsgraph.store.dedup` (``canonical_url`` and ``NearDuplicateIndex``) when it
is importable; without it URLs are compared as written (scheme and host in lower case, fragment dropped) and
there is no near-duplicate detection. The stored signatures carry the name of the scheme that computed them
(``signature_scheme`` in ``meta``); a store whose signatures were computed another way (or before schemes were
named) recomputes them the first time it needs the index.

Keyphrases get corpus statistics as articles are added: each new record's phrases are re-ranked with
:func:`newsgraph.extract.keyphrases.rerank` against the document frequencies of the articles stored before it
(``phrase_df``, kept up to date in the same transaction; articles earlier in the same batch count, so the result
does not depend on batch boundaries). ``keyphrases.rank`` keeps the extractor's order and ``corpus_rank`` the
re-ranked one: :meth:`Store.keyphrases` returns either, :meth:`Store.record` the record exactly as it was added.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from ..ingest.article import Article, Failure
from ..record import ArticleRecord, text_id
from .records import record_from_json
from . import queries as _search_index  # the search index filled at ingest
from . import rollups as _rollups  # counts per day kept at ingest
from .schema import SCHEMA_VERSION, TABLES, migrate, now, version_of

try:  # written separately; the store works (without near duplicates) until it is there
    from . import dedup as _dedup
except ImportError:  # pragma: no cover - depends on the checkout
    _dedup = None


class StoreError(Exception):
    """The store cannot be opened or used: not a newsgraph store, newer schema, locked, unwritable."""


@dataclass
class AddStats:
    """What adding did: new articles, duplicates linked, items already present, failures recorded, and
    earlier failures resolved by this run."""

    added: int = 0
    duplicates: int = 0
    present: int = 0
    failed: int = 0
    resolved: int = 0

    def __sub__(self, other: "AddStats") -> "AddStats":
        return AddStats(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))

    def __add__(self, other: "AddStats") -> "AddStats":
        return AddStats(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def copy(self) -> "AddStats":
        return AddStats(*(getattr(self, f.name) for f in fields(self)))

    @property
    def items(self) -> int:
        return self.added + self.duplicates + self.present + self.failed


class Verdict(NamedTuple):
    """How an item relates to the store: ``new``, ``present``, or a duplicate kind (``url``, ``exact``,
    ``near``) of ``original`` with ``score``."""

    kind: str
    original: str | None = None
    score: float | None = None


class FailureRow(NamedTuple):
    """One row of the failures table: where to read the item again (``source``, ``locator``: see
    :func:`failure_key`), its name, the last reason, attempts, reading mode, whether a later run resolved it,
    and ``context``: what reading it again needs beyond the source (a feed entry's link and metadata; whether a
    WARC record's failure stopped the reading of its file), or None."""

    source: str
    locator: str
    item: str
    reason: str
    attempts: int
    mode: str
    resolved: bool
    context: dict | None = None


_WS = re.compile(r"\s+")
_LOCATOR = re.compile(r"^(.+?)(:\d+|\[\d+\]|#\d+)$")
_ENTRY = re.compile(r"^(.+?)#\d+ (<\S+>)$")  # a feed entry with a link: FEED#N <LINK>
_URL_LOCATOR = re.compile(r"^(.+?)(#\d+)$")  # in a feed URL, only an entry number is a locator
STDIN = "<stdin>"


def text_hash(text: str) -> str:
    """The identity of a text for exact duplicates: a hash of its words (whitespace runs count as one space)."""
    normalized = _WS.sub(" ", text).strip()
    return hashlib.blake2b(normalized.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _fallback_canonical_url(url: str | None) -> str | None:
    if not url or not url.strip():
        return None
    url = url.strip().split("#", 1)[0]
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


def canonical_url(url: str | None) -> str | None:
    """The URL duplicates are compared by (dedup's ``canonical_url`` when available)."""
    if _dedup is not None:
        return _dedup.canonical_url(url)
    return _fallback_canonical_url(url)


def near_duplicates_available() -> bool:
    return _dedup is not None


def failure_key(item: str) -> tuple[str, str]:
    """(source, locator) for a failed item's name: the file to read it again from (absolute; ``<stdin>`` for
    standard input; a feed's ``http(s)://`` URL as it is) and where in it: ``:LINE`` (JSONL), ``[INDEX]`` (a JSON
    array), ``#OFFSET`` (a WARC record), ``<LINK>`` (a feed entry with a link, named ``FEED#N <LINK>``: keyed by
    its link, which stays when the feed lists it at another position later), ``#N`` (a feed entry without a
    link), or empty for the whole file. A file whose name merely ends like a locator is the whole file."""
    if item[:8].lower().startswith(("http://", "https://")):
        entry = _ENTRY.match(item)
        if entry:
            return entry.group(1), entry.group(2)
        match = _URL_LOCATOR.match(item)
        return (match.group(1), match.group(2)) if match else (item, "")
    path, locator = item, ""
    entry = _ENTRY.match(item)
    match = entry or _LOCATOR.match(item)
    if match and not os.path.exists(item):
        path, locator = match.group(1), match.group(2)
    if path == STDIN or path == "-":
        return STDIN, locator
    return os.path.abspath(path), locator


def _published_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _span_cols(span) -> tuple[Any, Any, Any]:
    return (span.start, span.end, span.text) if span is not None else (None, None, None)


# Column names and DuckDB types of the tables rows are bulk-inserted into.
_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "articles": [("id", "VARCHAR"), ("url", "VARCHAR"), ("canonical_url", "VARCHAR"), ("title", "VARCHAR"),
                 ("published", "VARCHAR"), ("published_date", "DATE"), ("source", "VARCHAR"),
                 ("authors", "VARCHAR[]"), ("tags", "VARCHAR[]"), ("language", "VARCHAR"), ("text", "VARCHAR"),
                 ("text_hash", "VARCHAR"), ("item", "VARCHAR"), ("ingested_at", "TIMESTAMP"), ("record", "JSON")],
    "entities": [("article_id", "VARCHAR"), ("idx", "INTEGER"), ("entity_id", "VARCHAR"), ("name", "VARCHAR"),
                 ("type", "VARCHAR"), ("roles", "VARCHAR[]"), ("country", "VARCHAR"), ("n_mentions", "INTEGER")],
    "mentions": [("article_id", "VARCHAR"), ("entity_id", "VARCHAR"), ("start_char", "INTEGER"),
                 ("end_char", "INTEGER"), ("text", "VARCHAR")],
    "quote_mentions": [("article_id", "VARCHAR"), ("quote_idx", "INTEGER"), ("entity_id", "VARCHAR"),
                       ("speaker", "BOOLEAN")],
    "quotes": [("article_id", "VARCHAR"), ("idx", "INTEGER"), ("kind", "VARCHAR"), ("content_start", "INTEGER"),
               ("content_end", "INTEGER"), ("content", "VARCHAR"), ("parts", "JSON"), ("cue_start", "INTEGER"),
               ("cue_end", "INTEGER"), ("cue", "VARCHAR"), ("speaker_start", "INTEGER"),
               ("speaker_end", "INTEGER"), ("speaker", "VARCHAR"), ("speaker_entity", "VARCHAR"),
               ("speaker_name", "VARCHAR")],
    "events": [("article_id", "VARCHAR"), ("idx", "INTEGER"), ("type", "VARCHAR"), ("cameo_root", "VARCHAR"),
               ("trigger_start", "INTEGER"), ("trigger_end", "INTEGER"), ("trigger", "VARCHAR"),
               ("sentence_start", "INTEGER"), ("sentence_end", "INTEGER"),
               *[(f"{side}_{col}", typ) for side in ("source", "target") for col, typ in (
                   ("entity", "VARCHAR"), ("name", "VARCHAR"), ("country", "VARCHAR"), ("sector", "VARCHAR"),
                   ("start", "INTEGER"), ("end", "INTEGER"), ("text", "VARCHAR"))],
               ("place_idx", "INTEGER"), ("date", "VARCHAR"), ("mode", "VARCHAR"), ("confidence", "DOUBLE"),
               ("sentence", "VARCHAR")],
    "places": [("article_id", "VARCHAR"), ("idx", "INTEGER"), ("start_char", "INTEGER"), ("end_char", "INTEGER"),
               ("text", "VARCHAR"), ("kind", "VARCHAR"), ("name", "VARCHAR"), ("geonameid", "BIGINT"),
               ("country", "VARCHAR"), ("admin1", "VARCHAR"), ("lat", "DOUBLE"), ("lon", "DOUBLE"),
               ("feature", "VARCHAR")],
    "dates": [("article_id", "VARCHAR"), ("idx", "INTEGER"), ("start_char", "INTEGER"), ("end_char", "INTEGER"),
              ("text", "VARCHAR"), ("type", "VARCHAR"), ("value", "VARCHAR")],
    "keyphrases": [("article_id", "VARCHAR"), ("rank", "INTEGER"), ("phrase", "VARCHAR"), ("corpus_rank", "INTEGER")],
    "duplicates": [("article_id", "VARCHAR"), ("original_id", "VARCHAR"), ("kind", "VARCHAR"), ("score", "DOUBLE"),
                   ("url", "VARCHAR"), ("canonical_url", "VARCHAR"), ("title", "VARCHAR"), ("published", "VARCHAR"),
                   ("source", "VARCHAR"), ("text_hash", "VARCHAR"), ("item", "VARCHAR"), ("seen_at", "TIMESTAMP")],
    "signatures": [("article_id", "VARCHAR"), ("signature", "UBIGINT[]")],
}


def _span_json(span) -> dict | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def _actor_json(actor) -> dict | None:
    if actor is None:
        return None
    return {"mention": _span_json(actor.mention), "entity": actor.entity, "name": actor.name,
            "country": actor.country, "sector": actor.sector}


def record_json(record: ArticleRecord) -> dict[str, Any]:
    """``record.to_json()`` without the text, written out field by field (``dataclasses.asdict`` deep-copies
    recursively and is many times slower); the tests check it against ``to_json``."""
    return {
        "id": record.id, "title": record.title, "url": record.url, "published": record.published,
        "source": record.source, "authors": list(record.authors), "tags": list(record.tags),
        "captions": list(record.captions), "language": record.language,
        "entities": [{"id": e.id, "name": e.name, "type": e.type, "roles": list(e.roles), "country": e.country,
                      "mentions": [_span_json(m) for m in e.mentions]} for e in record.entities],
        "quotes": [{"kind": q.kind, "content": _span_json(q.content), "parts": [_span_json(p) for p in q.parts],
                    "cue": _span_json(q.cue), "speaker": _span_json(q.speaker), "speaker_entity": q.speaker_entity,
                    "speaker_name": q.speaker_name} for q in record.quotes],
        "places": [{"mention": _span_json(p.mention), "kind": p.kind, "name": p.name, "geonameid": p.geonameid,
                    "country": p.country, "admin1": p.admin1, "lat": p.lat, "lon": p.lon, "feature": p.feature}
                   for p in record.places],
        "dates": [{"mention": _span_json(d.mention), "type": d.type, "value": d.value} for d in record.dates],
        "events": [{"type": ev.type, "trigger": _span_json(ev.trigger), "sentence": _span_json(ev.sentence),
                    "cameo_root": ev.cameo_root, "source": _actor_json(ev.source), "target": _actor_json(ev.target),
                    "place": ev.place, "date": ev.date, "mode": ev.mode, "confidence": ev.confidence}
                   for ev in record.events],
        "keyphrases": list(record.keyphrases),
    }


def _actor_cols(actor) -> tuple:
    if actor is None:
        return (None,) * 7
    return (actor.entity, actor.name, actor.country, actor.sector, *_span_cols(actor.mention))


def _annotation_rows(record: ArticleRecord, rows: dict[str, list[tuple]]) -> None:
    aid = record.id
    for i, e in enumerate(record.entities):
        rows["entities"].append((aid, i, e.id, e.name, e.type, list(e.roles), e.country, len(e.mentions)))
        for m in e.mentions:
            rows["mentions"].append((aid, e.id, m.start, m.end, m.text))
    mentions = [(m.start, m.end, e.id) for e in record.entities for m in e.mentions]
    for i, q in enumerate(record.quotes):
        parts = json.dumps([{"start": p.start, "end": p.end, "text": p.text} for p in q.parts]) if q.parts else None
        rows["quotes"].append((aid, i, q.kind, *_span_cols(q.content), parts, *_span_cols(q.cue),
                               *_span_cols(q.speaker), q.speaker_entity, q.speaker_name))
        if q.content is not None:  # the entities the quote names (schema v7)
            named = sorted({eid for start, end, eid in mentions if q.content.start <= start and end <= q.content.end})
            rows["quote_mentions"].extend((aid, i, eid, eid == q.speaker_entity) for eid in named)
    for i, ev in enumerate(record.events):
        rows["events"].append((aid, i, ev.type, ev.cameo_root, *_span_cols(ev.trigger), ev.sentence.start,
                               ev.sentence.end, *_actor_cols(ev.source), *_actor_cols(ev.target), ev.place,
                               ev.date, ev.mode, float(ev.confidence),
                               record.text[ev.sentence.start:ev.sentence.end]))  # the sentence (schema v9)
    for i, p in enumerate(record.places):
        rows["places"].append((aid, i, *_span_cols(p.mention), p.kind, p.name, p.geonameid, p.country, p.admin1,
                               p.lat, p.lon, p.feature))
    for i, d in enumerate(record.dates):
        rows["dates"].append((aid, i, *_span_cols(d.mention), d.type, d.value))


@dataclass
class _Known:
    """What the store (and the batch so far) knows under one id, URL or text hash."""

    id: str
    canonical_url: str | None
    text_hash: str
    original: str  # the stored article this is, or duplicates
    kind: str  # "article" or the duplicate kind
    score: float | None


@dataclass
class _Pending:
    item: Any  # ArticleRecord | Article | Failure
    name: str | None
    mode: str


@dataclass
class _Index:
    by_id: dict[str, list[_Known]] = field(default_factory=lambda: defaultdict(list))
    by_url: dict[str, list[_Known]] = field(default_factory=lambda: defaultdict(list))
    by_hash: dict[str, list[_Known]] = field(default_factory=lambda: defaultdict(list))

    def put(self, known: _Known) -> None:
        self.by_id[known.id].append(known)
        if known.canonical_url:
            self.by_url[known.canonical_url].append(known)
        self.by_hash[known.text_hash].append(known)


def _phrase_key(phrase: str) -> str:
    from ..extract.keyphrases import phrase_key  # imports spaCy: only once some record has keyphrases

    return phrase_key(phrase)


class _CorpusPhrases:
    """The keyphrase step of one batch: document frequencies of the batch's phrase keys (read once), the
    records' phrases re-ranked against them (articles earlier in the batch counting), and the frequencies the
    batch adds (written in the batch's transaction)."""

    def __init__(self, store: "Store", records: list[ArticleRecord]):
        self.store = store
        self.added: dict[str, int] = {}
        self.articles = 0
        wanted = [k for r in records for k in r.keyphrases if k]
        self.known = store.phrase_df(wanted) if wanted else {}
        self.n_docs = 0
        if wanted:
            if store._n_articles is None:
                store._n_articles = store.con.execute("SELECT count(*) FROM articles").fetchone()[0]
            self.n_docs = store._n_articles

    def add(self, article_id: str, phrases: list[str], rows: list[tuple]) -> None:
        """Keyphrase rows of a new article (extractor's rank and corpus rank), and count its phrase keys."""
        if not phrases:
            return
        from ..extract.keyphrases import phrase_key, rerank

        keys = {p: phrase_key(p) for p in phrases if p}
        df = {k: self.known.get(k, 0) + self.added.get(k, 0) for k in keys.values()}
        slots: dict[str, list[int]] = {}
        for position, phrase in enumerate(rerank(list(phrases), df, self.n_docs + self.articles)):
            slots.setdefault(phrase, []).append(position)
        for rank, phrase in enumerate(phrases):
            rows.append((article_id, rank, phrase, slots[phrase].pop(0)))
        for key in set(keys.values()):
            self.added[key] = self.added.get(key, 0) + 1
        self.articles += 1

    def write(self) -> None:
        if self.added:
            self.store.con.execute("""
                INSERT INTO phrase_df SELECT unnest($1::VARCHAR[]), unnest($2::INTEGER[])
                ON CONFLICT (phrase_key) DO UPDATE SET df = phrase_df.df + excluded.df""",
                [list(self.added), list(self.added.values())])


class Store:
    """A corpus store in one DuckDB file. Open it with :meth:`open` (a context manager)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool = False,
                 batch_size: int = 200, max_seconds: float = 1.0, near_threshold: float = 0.8):
        self.con = con
        self.path = path
        self.read_only = read_only
        self.batch_size = batch_size
        self.max_seconds = max_seconds
        self.near_threshold = near_threshold
        self.stats = AddStats()
        self._buffer: list[_Pending] = []
        self._buffer_since = 0.0
        self._near = None  # the NearDuplicateIndex, built on first need
        self._signatures: dict[str, Any] = {}  # text hash -> signature (uint32 array) computed ahead of a flush
        self._n_articles: int | None = None  # articles committed, counted once and then kept up to date
        self._open_failures = bool(con.execute("SELECT count(*) FROM failures WHERE NOT resolved").fetchone()[0])

    # --- opening and closing -----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, read_only: bool = False, memory_limit: str | None = "1GB",
             **options) -> "Store":
        """Open (and create, or migrate to the current schema) the store at ``path``.

        Raises :class:`StoreError` when the file is not a newsgraph store, was written by a newer newsgraph,
        is locked by another process, or cannot be created.
        """
        from .. import __version__

        path = Path(path)
        if read_only and not path.exists():
            raise StoreError(f"no store at {path}")
        if not read_only and path.parent and not path.parent.exists():
            raise StoreError(f"cannot create the store {path}: no such directory {path.parent}")
        config = {"memory_limit": memory_limit} if memory_limit else {}
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as err:
            message = str(err)
            if "lock" in message.lower():
                raise StoreError(f"the store {path} is in use by another process ({message})") from None
            raise StoreError(f"cannot open the store {path}: {message}") from None
        except duckdb.Error as err:
            raise StoreError(f"{path} is not a usable store: {err}") from None
        try:
            version = version_of(con)
            if version is None:
                raise StoreError(f"{path} is a DuckDB database but not a newsgraph store")
            if version > SCHEMA_VERSION:
                raise StoreError(f"the store {path} has schema version {version}, newer than this newsgraph's "
                                 f"{SCHEMA_VERSION}: upgrade newsgraph")
            if version < SCHEMA_VERSION:
                if read_only:
                    raise StoreError(f"the store {path} has schema version {version}; open it for writing once "
                                     f"(e.g. newsgraph ingest) to migrate it to {SCHEMA_VERSION}")
                migrate(con, version, created_by=f"newsgraph {__version__}")
            return cls(con, path, read_only=read_only, **options)
        except BaseException:
            con.close()
            raise

    def close(self) -> None:
        if self.con is None:
            return
        try:
            if not self.read_only:
                self.flush()
                _search_index.compact_index(self.con)  # search index: keep the postings sorted by term
        finally:
            self.con.close()
            self.con = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and issubclass(exc_type, duckdb.Error):
            self._buffer.clear()  # the database itself failed: do not write more
        self.close()

    # --- reading -----------------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return int(self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])

    def __len__(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchone()[0]

    def __contains__(self, article_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is not None

    def counts(self) -> dict[str, int]:
        """Rows per table (``failures`` counts the unresolved ones)."""
        out = {}
        for table in TABLES:
            if table == "meta":
                continue
            where = " WHERE NOT resolved" if table == "failures" else ""
            out[table] = self.con.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]
        return out

    def record(self, article_id: str) -> ArticleRecord:
        """The stored article's record, exactly as it was added (its keyphrases in the extractor's order: a record
        read back equals the one written, and the corpus order is a snapshot of the corpus at the time it was
        stored, not a property of the article); KeyError when there is none. :meth:`keyphrases` gives the
        corpus-ranked order."""
        row = self.con.execute("SELECT text, record FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            raise KeyError(article_id)
        obj = json.loads(row[1])
        obj["text"] = row[0]
        return record_from_json(obj)

    def keyphrases(self, article_id: str, *, order: str = "corpus") -> list[str]:
        """A stored article's keyphrases, best first: ``order="corpus"`` re-ranked with the document frequencies
        of the articles stored before it (see :func:`newsgraph.extract.keyphrases.rerank`; the extractor's
        order for articles stored before the store kept them), ``"extracted"`` as the extractor wrote them.
        KeyError when the article is not stored."""
        if order not in ("corpus", "extracted"):
            raise ValueError(f"order must be 'corpus' or 'extracted', not {order!r}")
        if article_id not in self:
            raise KeyError(article_id)
        sort = "coalesce(corpus_rank, rank), rank" if order == "corpus" else "rank"
        return [row[0] for row in self.con.execute(
            f"SELECT phrase FROM keyphrases WHERE article_id = ? ORDER BY {sort}", [article_id]).fetchall()]

    def phrase_df(self, phrases: Iterable[str]) -> dict[str, int]:
        """Document frequencies (stored articles with a keyphrase under that key) of the phrase keys of these
        phrases (:func:`newsgraph.extract.keyphrases.phrase_key`); keys no article has are left out."""
        keys = sorted({_phrase_key(p) for p in phrases if p})
        if not keys:
            return {}
        return dict(self.con.execute("SELECT phrase_key, df FROM phrase_df WHERE phrase_key IN "
                                     "(SELECT unnest($1::VARCHAR[]))", [keys]).fetchall())

    def failures(self, *, unresolved: bool = True) -> list[FailureRow]:
        """The recorded failures (only the unresolved ones by default), by source and locator."""
        where = "WHERE NOT resolved" if unresolved else ""
        rows = self.con.execute(f"SELECT source, locator, item, reason, attempts, mode, resolved, context "
                                f"FROM failures {where} ORDER BY source, locator").fetchall()
        return [FailureRow(*row[:7], json.loads(row[7]) if row[7] is not None else None) for row in rows]

    def duplicates(self) -> list[dict[str, Any]]:
        cursor = self.con.execute("SELECT * FROM duplicates ORDER BY seen_at, article_id")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    # --- classifying -------------------------------------------------------------------------------------------

    def _lookup(self, ids: list[str], urls: list[str], hashes: list[str]) -> _Index:
        """What the database holds under any of these ids, canonical URLs or text hashes."""
        index = _Index()
        params = [ids, [u for u in urls if u], hashes]
        for row in self.con.execute("""
                SELECT id, canonical_url, text_hash FROM articles WHERE id IN (SELECT unnest($1::VARCHAR[]))
                UNION SELECT id, canonical_url, text_hash FROM articles
                    WHERE canonical_url IN (SELECT unnest($2::VARCHAR[]))
                UNION SELECT id, canonical_url, text_hash FROM articles
                    WHERE text_hash IN (SELECT unnest($3::VARCHAR[]))""", params).fetchall():
            index.put(_Known(row[0], row[1], row[2], row[0], "article", None))
        for row in self.con.execute("""
                SELECT article_id, canonical_url, text_hash, original_id, kind, score FROM duplicates
                WHERE article_id IN (SELECT unnest($1::VARCHAR[]))
                   OR canonical_url IN (SELECT unnest($2::VARCHAR[]))
                   OR text_hash IN (SELECT unnest($3::VARCHAR[]))""", params).fetchall():
            index.put(_Known(*row))
        return index

    def _near_index(self):
        """The near-duplicate index over the stored articles (None without the dedup module); built on first
        use from the stored signatures, computing those the store lacks (articles stored before it had them)."""
        if self._near is not None or _dedup is None:
            return self._near
        import numpy as np

        index = _dedup.NearDuplicateIndex(threshold=self.near_threshold)
        scheme = f"{_dedup.SIGNATURE_SCHEME}/{index.num_perm}"
        row = self.con.execute("SELECT value FROM meta WHERE key = 'signature_scheme'").fetchone()
        current = row is not None and row[0] == scheme  # no row: signatures from before schemes were named
        if current:  # in chunks: a whole store's signatures as Python lists would take gigabytes
            cursor = self.con.execute("SELECT article_id, signature FROM signatures")
            while rows := cursor.fetchmany(10_000):
                index.add_many([r[0] for r in rows], np.array([r[1] for r in rows], dtype=np.uint32))
        elif not self.read_only:
            def restart() -> None:
                self.con.execute("DELETE FROM signatures")
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('signature_scheme', ?)", [scheme])

            self._transaction(restart)
            current = True
        if current:
            query = "SELECT a.id FROM articles a ANTI JOIN signatures s ON s.article_id = a.id ORDER BY a.id"
        else:  # read-only with signatures of another scheme: computed here, kept in memory only
            query = "SELECT id FROM articles ORDER BY id"
        missing = [r[0] for r in self.con.execute(query).fetchall()]
        for start in range(0, len(missing), 2000):  # texts in chunks; each chunk committed on its own
            texts = self.con.execute("SELECT id, text FROM articles WHERE id IN (SELECT unnest($1::VARCHAR[]))",
                                     [missing[start:start + 2000]]).fetchall()
            signatures = [index.signature_array(text) for _, text in texts]
            if texts:
                index.add_many([t[0] for t in texts], np.stack(signatures))
            if texts and not self.read_only:
                rows = [(t[0], s.tolist()) for t, s in zip(texts, signatures)]
                self._transaction(lambda: self._insert("signatures", rows))
        self._near = index
        return index

    def _signature(self, text: str, thash: str):
        signature = self._signatures.pop(thash, None)
        if signature is None:
            signature = self._near.signature_array(text)
        return signature

    @staticmethod
    def _keys(item: ArticleRecord | Article) -> tuple[str, str | None, str, bool]:
        derived = text_id(item.text)
        ident = item.id or derived
        return ident, canonical_url(item.url), text_hash(item.text), ident == derived

    def _classify(self, index: _Index, ident: str, curl: str | None, thash: str, derived: bool,
                  text: str) -> Verdict:
        for known in index.by_id.get(ident, ()):
            if not derived or known.canonical_url == curl:
                return Verdict("present")
        if curl:
            urls = index.by_url.get(curl, ())
            for known in urls:
                if known.text_hash == thash:
                    return Verdict("present")
            for known in urls:
                return Verdict("url", known.original, 1.0)
        for known in index.by_hash.get(thash, ()):
            if known.kind in ("article", "exact", "url"):
                return Verdict("exact", known.original, 1.0)
            return Verdict(known.kind, known.original, known.score)
        near = self._near_index()
        if near is not None:
            signature = self._signatures.get(thash)
            if signature is None:
                signature = near.signature_array(text)
                if len(self._signatures) > 10_000:  # about 6 MB of uint32 arrays at most
                    self._signatures.clear()
                self._signatures[thash] = signature
            best = None
            for key, score in near.query(signature):
                if key != ident and score >= self.near_threshold and (best is None or score > best[1]):
                    best = (key, score)
            if best is not None:
                return Verdict("near", best[0], float(best[1]))
        return Verdict("new")

    def classify(self, items: list[ArticleRecord | Article]) -> list[Verdict]:
        """How each item relates to what the store holds (committed or flushed), without adding anything.

        Items are judged against the store only, not against each other."""
        keys = [self._keys(item) for item in items]
        index = self._lookup([k[0] for k in keys], [k[1] for k in keys if k[1]], [k[2] for k in keys])
        return [self._classify(index, *k, item.text) for k, item in zip(keys, items)]

    # --- writing -----------------------------------------------------------------------------------------------

    def add(self, items: Iterable[ArticleRecord | Failure | tuple[str, ArticleRecord | Failure]],
            *, mode: str = "articles") -> AddStats:
        """Add records (and record Failures); items may be ``(item name, record or Failure)`` pairs, the name
        saying where the item was read (for resolving earlier failures). Returns what this call did."""
        before = self.stats.copy()
        for entry in items:
            if isinstance(entry, tuple):
                self.add_one(entry[1], item=entry[0], mode=mode)
            else:
                self.add_one(entry, mode=mode)
        self.flush()
        return self.stats - before

    def add_one(self, result: ArticleRecord | Article | Failure, *, item: str | None = None,
                mode: str = "articles") -> None:
        """Queue one item: a record to store, an Article already known to duplicate a stored one (see
        :func:`newsgraph.store.pipeline`), or a Failure. Written at the next flush (which this may start)."""
        if self.read_only:
            raise StoreError(f"the store {self.path} is open read-only")
        if not self._buffer:
            self._buffer_since = time.monotonic()
        name = item if item is not None else (result.item if isinstance(result, (Article, Failure)) else None)
        self._buffer.append(_Pending(result, name, mode))
        if len(self._buffer) >= self.batch_size or time.monotonic() - self._buffer_since >= self.max_seconds:
            self.flush()

    def _transaction(self, work) -> None:
        self.con.execute("BEGIN TRANSACTION")
        try:
            work()
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _insert(self, table: str, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = _COLUMNS[table]
        names = ", ".join(f'"{name}"' for name, _ in columns)
        select = ", ".join(f"unnest(${i + 1}::{typ}[])" for i, (_, typ) in enumerate(columns))
        self.con.execute(f"INSERT INTO {table} ({names}) SELECT {select}", [list(col) for col in zip(*rows)])

    def flush(self) -> AddStats:
        """Write the queued items in one transaction; returns what they did."""
        batch, self._buffer = self._buffer, []
        if not batch:
            return AddStats()
        stats = AddStats()
        rows: dict[str, list[tuple]] = defaultdict(list)
        failures: dict[tuple[str, str], tuple] = {}
        succeeded: list[tuple[str, str]] = []
        stamp = now()
        candidates = [p for p in batch if not isinstance(p.item, Failure)]
        keys = {id(p): self._keys(p.item) for p in candidates}
        index = self._lookup([k[0] for k in keys.values()], [k[1] for k in keys.values() if k[1]],
                             [k[2] for k in keys.values()])

        phrases = _CorpusPhrases(self, [p.item for p in candidates if isinstance(p.item, ArticleRecord)])
        search_postings: list[tuple] = []  # search index rows (newsgraph.store.queries)
        search_docs: list[tuple] = []
        added: list[tuple[str, ArticleRecord, datetime.date | None]] = []  # for corpus entity resolution

        def fail(pending: _Pending, reason: str) -> None:
            name = pending.name or getattr(pending.item, "item", None) or getattr(pending.item, "id", None) or "?"
            context = getattr(pending.item, "context", None)  # what a retry needs (EntryFailure, RecordFailure)
            failures[failure_key(name)] = (name, reason, pending.mode,
                                           json.dumps(context, ensure_ascii=False) if context else None)
            stats.failed += 1

        for pending in batch:
            result = pending.item
            if isinstance(result, Failure):
                fail(pending, result.reason)
                continue
            ident, curl, thash, derived = keys[id(pending)]
            verdict = self._classify(index, ident, curl, thash, derived, result.text)
            if verdict.kind == "new" and isinstance(result, Article):
                fail(pending, "internal error: the article was not processed")
                continue
            if verdict.kind == "new":
                try:
                    data = json.dumps(record_json(result), ensure_ascii=False)
                    data.encode("utf-8")
                    result.text.encode("utf-8")
                except UnicodeEncodeError as err:
                    fail(pending, f"record is not valid Unicode: {err.reason} at position {err.start}")
                    continue
                day = _published_date(result.published)
                rows["articles"].append((ident, result.url, curl, result.title, result.published, day,
                                         result.source, list(result.authors), list(result.tags), result.language,
                                         result.text, thash, pending.name, stamp, data))
                if ident != result.id:  # a record always carries its id; keep the stored one consistent
                    result.id = ident
                added.append((ident, result, day))
                _annotation_rows(result, rows)
                phrases.add(ident, result.keyphrases, rows["keyphrases"])
                # ---- search index (newsgraph.store.queries): the new article's postings -------------------------
                doc_postings, doc = _search_index.record_index_rows(result, ident)
                search_postings.extend(doc_postings)
                search_docs.append(doc)
                # ---- end of search index ------------------------------------------------------------------------
                if self._near is not None:
                    signature = self._signature(result.text, thash)
                    rows["signatures"].append((ident, signature.tolist()))
                    self._near.add(ident, signature)
                index.put(_Known(ident, curl, thash, ident, "article", None))
                stats.added += 1
            elif verdict.kind == "present":
                self._signatures.pop(thash, None)
                stats.present += 1
            else:
                self._signatures.pop(thash, None)
                rows["duplicates"].append((ident, verdict.original, verdict.kind, verdict.score, result.url, curl,
                                           result.title, result.published, result.source, thash, pending.name,
                                           stamp))
                index.put(_Known(ident, curl, thash, verdict.original, verdict.kind, verdict.score))
                stats.duplicates += 1
            if self._open_failures and pending.name:
                succeeded.append(failure_key(pending.name))

        def work() -> None:
            for table, table_rows in rows.items():
                self._insert(table, table_rows)
            phrases.write()
            _search_index.insert_index(self.con, search_postings, search_docs)  # search index
            _rollups.add_articles(self.con, [ident for ident, _, _ in added])  # counts per day (rollups)
            if failures:
                values = [(source, locator, name, reason, stamp, stamp, 1, False, None, mode, context)
                          for (source, locator), (name, reason, mode, context) in failures.items()]
                cols = list(zip(*values))
                self.con.execute("""
                    INSERT INTO failures (source, locator, item, reason, first_seen, last_seen, attempts, resolved,
                                          resolved_at, mode, context)
                    SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::VARCHAR[]),
                           unnest($4::VARCHAR[]), unnest($5::TIMESTAMP[]), unnest($6::TIMESTAMP[]),
                           unnest($7::INTEGER[]), unnest($8::BOOLEAN[]), unnest($9::TIMESTAMP[]),
                           unnest($10::VARCHAR[]), unnest($11::VARCHAR[])::JSON
                    ON CONFLICT (source, locator) DO UPDATE SET item = excluded.item, reason = excluded.reason,
                        last_seen = excluded.last_seen, attempts = failures.attempts + 1, resolved = false,
                        resolved_at = NULL, mode = excluded.mode,
                        context = coalesce(excluded.context, failures.context)""", [list(c) for c in cols])
            if succeeded:
                done = [k for k in dict.fromkeys(succeeded) if k not in failures]
                if done:
                    # an item read from a file resolves the file's own failure (locator ''), unless the file
                    # failed again in this very batch (the records before a truncation read, the rest not);
                    # EXISTS, not UPDATE ... FROM: a row that several items resolve counts once
                    count = self.con.execute("""
                        UPDATE failures SET resolved = true, resolved_at = $4
                        WHERE NOT resolved AND EXISTS (
                            SELECT 1 FROM (SELECT unnest($1::VARCHAR[]) AS s, unnest($2::VARCHAR[]) AS l,
                                                  unnest($3::BOOLEAN[]) AS whole) AS k
                            WHERE k.s = failures.source
                              AND (k.l = failures.locator OR (failures.locator = '' AND k.whole)))""",
                        [[k[0] for k in done], [k[1] for k in done], [(k[0], "") not in failures for k in done],
                         stamp]).fetchone()
                    stats.resolved += count[0] if count else 0

        self._transaction(work)
        if self._n_articles is not None:
            self._n_articles += stats.added
        if failures:
            self._open_failures = True
        self.stats = self.stats + stats
        # ---- corpus entities hook (newsgraph.store.corpus_entities): link the new articles' entities to ------
        # corpus entities, in a transaction of its own, from the records in hand (the tables are not read back);
        # what a crash leaves unlinked is linked by the first batch of the next run (or `newsgraph entity`).
        if stats.added and getattr(self, "resolve_entities", True):
            from .corpus_entities import article_rows, resolve

            resolve(self, [row for ident, record, day in added for row in article_rows(ident, record, day)])
        elif stats.added:
            self._corpus_unresolved = True  # the next resolve() reads what waits from the tables
        # ---- end of corpus entities hook ---------------------------------------------------------------------
        return stats
