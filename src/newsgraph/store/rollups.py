"""Rollups: counts (mostly per day) that the corpus-wide views read instead of the row tables (schema v8, v9).

The entity pages, the actor network, the timelines and the map count millions of rows (quotes, events, place
mentions) of a large store on every request; these tables hold those counts summed per day (and per entity, edge
or place), so that a view sums a few thousand rows and a date range (``since``/``until``) is a range of days:

- ``entity_days``: per corpus entity and day: ``articles`` naming it, ``quotes_by`` it (it is the resolved
  speaker), ``quotes_about`` it (it is named inside the quote, the speaker's own entity aside), events with it as
  ``events_source``, as ``events_target``, and ``events`` with it on either side (each event once). Articles and
  quotes count on the article's publication date, events on the event's day (its own date when it is a full
  date, else the article's: :data:`newsgraph.store.queries.EVENT_DAY`); ``day`` is null for those without one.
- ``entity_items``: one row per article naming (``kind`` ``article``, ``idx`` 0), quote by (``by``), quote
  about (``about``) and event with as source (``source``) or target (``target``) of each corpus entity, with its
  day: the entity pages read a page of them in their order (newest first) without joining the row tables. ``n``
  is 1 (a count, like the others' values).
- ``network_edges``: per day and edge of the actor network (:func:`newsgraph.store.aggregates.network`): event
  type and CAMEO root, source and target node (a corpus entity id, else ``country sector``, else the actor's text
  in lower case) with, for nodes that are not corpus entities, the label as written, and ``n`` events; quote
  edges (a speaker naming another corpus entity inside a quote) have ``quote`` true and type ``QUOTES``.
  ``network_totals``: the same over all days (a few thousand rows), for the network without a date range.
- ``event_days``: events per day, type and CAMEO root (the events timeline without actor filters).
- ``place_days``: per place (a GeoNames id; without one, a name and a point rounded to 0.01 degree), day,
  country, name and feature as written: ``mentions``, the sums of their coordinates, and ``articles``: the
  articles whose first mention of the place (in that country) this is, so that summing over names and days
  counts each article once.
- ``names``: the distinct values of the name columns the filters match by name (``kind``: ``speaker_name``,
  ``speaker`` of quotes without a speaker name, ``source_name``, ``source_text``, ``target_name``,
  ``target_text`` of events) with ``n`` rows each: a filter normalizes these few thousand values (case, accents)
  and keeps the rows holding one that matches, instead of normalizing every row's.
- ``article_counts``: per article, its entities, quotes, events and place mentions (the article lists).
- ``article_entities`` (schema v9): per article naming corpus entities, its day and the sorted list of them
  (``n`` 1): an entity profile counts the entities co-occurring in its latest articles from these rows (one per
  article, sorted by day, so the latest articles' rows sit together) instead of the article entities (about 50
  per article). A rollup per pair of entities would hold some 120 million article pairs on the benchmark store.

How they are kept
    The rollups always equal the sum, over the stored articles, of what each article contributes given its rows
    (:data:`ROLLUPS`: one SQL per table computing the contributions of a set of articles, or of all). Whatever
    changes an article's rows changes the rollups by the difference, in the same transaction:
    :meth:`~newsgraph.store.Store.flush` adds the contributions of the articles it inserts
    (:func:`add_articles`), and the corpus-entity resolver, which links article entities to corpus entities
    (and re-links those of an entity it absorbs), takes the contributions of the affected articles away before
    it changes the links and adds them back after (:func:`relinking`): the entity and network rollups depend
    on the links (``Rollup.linked``); the others do not. The contributions are computed over copies of just
    those articles' rows (:func:`_scope`: one scan of each row table per batch). Stored articles are never
    replaced or deleted (a re-ingested article or a duplicate adds no rows), so there is nothing else to follow.
    The schema migration fills them from the stored rows (:func:`rebuild`); ``tests/store/test_rollups.py``
    checks them against the row tables. A new rollup is a :class:`Rollup` appended to :data:`ROLLUPS` and a
    migration that creates and rebuilds it.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator

#: An event's day (as :data:`newsgraph.store.queries.EVENT_DAY`).
_EVENT_DAY = "coalesce(try_cast(e.date AS DATE), a.published_date)"


#: The row tables the contributions read; :func:`_scope` copies the rows of some articles into ``_scope_TABLE``
#: (the columns the contributions use, where the others are large: an article's text, a quote's content).
ROW_TABLES = ("articles", "entities", "quotes", "quote_mentions", "events", "places")
_SCOPED_COLUMNS = {"articles": "id, published_date",
                   "quotes": "article_id, idx, speaker, speaker_entity, speaker_name"}
_ROW_TABLE = re.compile(r"\b(" + "|".join(ROW_TABLES) + r")\b")


@dataclass(frozen=True)
class Rollup:
    """One rollup table: its key and value columns (name, DuckDB type), whether it depends on the corpus
    entity links, and the SQL of the contributions of the articles in the row tables it names."""

    table: str
    keys: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, str], ...]
    linked: bool
    sql: str

    def create(self) -> str:
        cols = ", ".join(f"{name} {typ}" for name, typ in self.keys + self.values)
        return f"CREATE TABLE {self.table} ({cols})"

    def contributions(self, scoped: bool) -> str:
        """SELECT of the keys and values the articles contribute: all stored articles, or (``scoped``) those
        whose rows :func:`_scope` copied (the same SQL over the copies: small tables, read in milliseconds)."""
        return _ROW_TABLE.sub(r"_scope_\1", self.sql) if scoped else self.sql


def _scope(con, ids: list[str], tables: Iterable[str] = ROW_TABLES) -> None:
    """Copy the rows of the articles ``ids`` from the row tables into temporary ``_scope_TABLE`` tables: one scan
    of each table, after which every rollup's contributions read only these."""
    for table in tables:
        column = "id" if table == "articles" else "article_id"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _scope_{table} AS SELECT {_SCOPED_COLUMNS.get(table, '*')} "
                    f"FROM {table} "
                    f"WHERE {column} IN (SELECT unnest($1::VARCHAR[]))", [ids])


def _unscope(con) -> None:
    for table in ROW_TABLES:
        con.execute(f"DROP TABLE IF EXISTS _scope_{table}")


# The distinct (article, entity) -> corpus entity links of the articles.
_LINKS = """SELECT DISTINCT x.article_id, x.entity_id, x.corpus_entity AS cid FROM entities x
            WHERE x.corpus_entity IS NOT NULL"""

ENTITY_DAYS = Rollup(
    "entity_days",
    keys=(("corpus_entity", "VARCHAR"), ("day", "DATE")),
    values=tuple((c, "BIGINT") for c in ("articles", "quotes_by", "quotes_about", "events_source",
                                         "events_target", "events")),
    linked=True,
    sql=f"""
    WITH links AS MATERIALIZED ({_LINKS}),
         arts AS MATERIALIZED (SELECT a.id, a.published_date FROM articles a),
         ev AS MATERIALIZED (SELECT e.article_id, e.idx, e.source_entity, e.target_entity, {_EVENT_DAY} AS day
                             FROM events e JOIN arts a ON a.id = e.article_id),
         src AS (SELECT l.cid, ev.article_id, ev.idx, ev.day FROM ev
                 JOIN links l ON l.article_id = ev.article_id AND l.entity_id = ev.source_entity),
         tgt AS (SELECT l.cid, ev.article_id, ev.idx, ev.day FROM ev
                 JOIN links l ON l.article_id = ev.article_id AND l.entity_id = ev.target_entity),
         parts AS (
            SELECT k.cid, a.published_date AS day, 1 AS a, 0 AS qb, 0 AS qa, 0 AS es, 0 AS et, 0 AS ev
            FROM (SELECT DISTINCT cid, article_id FROM links) k JOIN arts a ON a.id = k.article_id
            UNION ALL
            SELECT l.cid, a.published_date, 0, 1, 0, 0, 0, 0 FROM quotes q
            JOIN links l ON l.article_id = q.article_id AND l.entity_id = q.speaker_entity
            JOIN arts a ON a.id = q.article_id
            UNION ALL
            SELECT k.cid, a.published_date, 0, 0, 1, 0, 0, 0 FROM (
                SELECT DISTINCT l.cid, qm.article_id, qm.quote_idx FROM quote_mentions qm
                JOIN links l ON l.article_id = qm.article_id AND l.entity_id = qm.entity_id
                WHERE NOT qm.speaker) k JOIN arts a ON a.id = k.article_id
            UNION ALL
            SELECT cid, day, 0, 0, 0, 1, 0, 0 FROM src
            UNION ALL
            SELECT cid, day, 0, 0, 0, 0, 1, 0 FROM tgt
            UNION ALL
            SELECT cid, day, 0, 0, 0, 0, 0, 1 FROM (SELECT * FROM src UNION SELECT * FROM tgt))
    SELECT cid, day, sum(a), sum(qb), sum(qa), sum(es), sum(et), sum(ev) FROM parts GROUP BY cid, day""")

ENTITY_ITEMS = Rollup(
    "entity_items",
    keys=(("corpus_entity", "VARCHAR"), ("kind", "VARCHAR"), ("day", "DATE"), ("article_id", "VARCHAR"),
          ("idx", "INTEGER")),
    values=(("n", "BIGINT"),),
    linked=True,
    sql=f"""
    WITH links AS MATERIALIZED ({_LINKS}),
         arts AS MATERIALIZED (SELECT a.id, a.published_date FROM articles a)
    SELECT DISTINCT l.cid, 'article', a.published_date, l.article_id, 0, 1 FROM links l
    JOIN arts a ON a.id = l.article_id
    UNION ALL
    SELECT DISTINCT l.cid, 'by', a.published_date, q.article_id, q.idx, 1 FROM quotes q
    JOIN links l ON l.article_id = q.article_id AND l.entity_id = q.speaker_entity
    JOIN arts a ON a.id = q.article_id
    UNION ALL
    SELECT DISTINCT l.cid, 'about', a.published_date, qm.article_id, qm.quote_idx, 1 FROM quote_mentions qm
    JOIN links l ON l.article_id = qm.article_id AND l.entity_id = qm.entity_id
    JOIN arts a ON a.id = qm.article_id WHERE NOT qm.speaker
    UNION ALL
    SELECT DISTINCT l.cid, 'source', {_EVENT_DAY}, e.article_id, e.idx, 1 FROM events e
    JOIN links l ON l.article_id = e.article_id AND l.entity_id = e.source_entity
    JOIN arts a ON a.id = e.article_id
    UNION ALL
    SELECT DISTINCT l.cid, 'target', {_EVENT_DAY}, e.article_id, e.idx, 1 FROM events e
    JOIN links l ON l.article_id = e.article_id AND l.entity_id = e.target_entity
    JOIN arts a ON a.id = e.article_id""")

# A network node (see aggregates.network): its corpus entity, else country and sector, else the text as written
# in lower case; the label kept for nodes that are not corpus entities (theirs is the entity's current name).
_NODE = """CASE WHEN {x}.corpus_entity IS NOT NULL THEN {x}.corpus_entity
    WHEN e.{side}_country IS NOT NULL THEN concat_ws(' ', e.{side}_country, e.{side}_sector)
    ELSE lower(e.{side}_text) END"""
_LABEL = """CASE WHEN {x}.corpus_entity IS NULL THEN coalesce(CASE WHEN e.{side}_country IS NOT NULL
    THEN concat_ws(' ', e.{side}_country, e.{side}_sector) END, e.{side}_text) END"""

NETWORK_EDGES = Rollup(
    "network_edges",
    keys=(("day", "DATE"), ("type", "VARCHAR"), ("cameo_root", "VARCHAR"), ("source", "VARCHAR"),
          ("source_label", "VARCHAR"), ("source_entity", "BOOLEAN"), ("target", "VARCHAR"),
          ("target_label", "VARCHAR"), ("target_entity", "BOOLEAN"), ("quote", "BOOLEAN")),
    values=(("n", "BIGINT"),),
    linked=True,
    sql=f"""
    WITH arts AS MATERIALIZED (SELECT a.id, a.published_date FROM articles a),
         ents AS MATERIALIZED (SELECT x.article_id, x.entity_id, x.corpus_entity FROM entities x)
    SELECT * FROM (
        SELECT {_EVENT_DAY} AS day, e.type, e.cameo_root,
               {_NODE.format(x='xs', side='source')} AS s, {_LABEL.format(x='xs', side='source')},
               xs.corpus_entity IS NOT NULL,
               {_NODE.format(x='xt', side='target')} AS t, {_LABEL.format(x='xt', side='target')},
               xt.corpus_entity IS NOT NULL, FALSE, count(*)
        FROM events e JOIN arts a ON a.id = e.article_id
        LEFT JOIN ents xs ON xs.article_id = e.article_id AND xs.entity_id = e.source_entity
        LEFT JOIN ents xt ON xt.article_id = e.article_id AND xt.entity_id = e.target_entity
        GROUP BY ALL) WHERE s IS NOT NULL AND t IS NOT NULL AND s <> t
    UNION ALL
    SELECT a.published_date, 'QUOTES', NULL, sp.corpus_entity, NULL, TRUE, named.corpus_entity, NULL, TRUE, TRUE,
           count(*)
    FROM (SELECT * FROM quote_mentions qm WHERE NOT qm.speaker) qm
    JOIN quotes q
      ON q.article_id = qm.article_id AND q.idx = qm.quote_idx
    JOIN arts a ON a.id = qm.article_id
    JOIN ents sp ON sp.article_id = q.article_id AND sp.entity_id = q.speaker_entity
    JOIN ents named ON named.article_id = qm.article_id AND named.entity_id = qm.entity_id
    WHERE sp.corpus_entity <> named.corpus_entity
    GROUP BY ALL""")

# The same edges over all days (what the network without a date range sums: a few thousand rows).
NETWORK_TOTALS = Rollup(
    "network_totals",
    keys=NETWORK_EDGES.keys[1:],
    values=NETWORK_EDGES.values,
    linked=True,
    sql=f"""SELECT {', '.join(name for name, _ in NETWORK_EDGES.keys[1:])}, sum(n)
    FROM ({NETWORK_EDGES.sql}) AS c({', '.join(name for name, _ in NETWORK_EDGES.keys + NETWORK_EDGES.values)})
    GROUP BY ALL""")

ARTICLE_COUNTS = Rollup(
    "article_counts",
    keys=(("article_id", "VARCHAR"),),
    values=tuple((c, "BIGINT") for c in ("entities", "quotes", "events", "places")),
    linked=False,
    sql="""SELECT article_id, sum(en), sum(qu), sum(ev), sum(pl) FROM (
        SELECT x.article_id, 1 AS en, 0 AS qu, 0 AS ev, 0 AS pl FROM entities x
        UNION ALL SELECT q.article_id, 0, 1, 0, 0 FROM quotes q
        UNION ALL SELECT e.article_id, 0, 0, 1, 0 FROM events e
        UNION ALL SELECT p.article_id, 0, 0, 0, 1 FROM places p) GROUP BY article_id""")

EVENT_DAYS = Rollup(
    "event_days",
    keys=(("day", "DATE"), ("type", "VARCHAR"), ("cameo_root", "VARCHAR")),
    values=(("n", "BIGINT"),),
    linked=False,
    sql=f"""SELECT {_EVENT_DAY}, e.type, e.cameo_root, count(*) FROM events e JOIN articles a ON a.id = e.article_id
    GROUP BY ALL""")

NAMES = Rollup(
    "names",
    keys=(("kind", "VARCHAR"), ("value", "VARCHAR")),
    values=(("n", "BIGINT"),),
    linked=False,
    sql="""
    SELECT 'speaker_name', q.speaker_name, count(*) FROM quotes q WHERE q.speaker_name IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT 'speaker', q.speaker, count(*) FROM quotes q
    WHERE q.speaker_name IS NULL AND q.speaker IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT kind, value, count(*) FROM (
        SELECT unnest(['source_name', 'source_text', 'target_name', 'target_text']) AS kind,
               unnest([e.source_name, e.source_text, e.target_name, e.target_text]) AS value FROM events e
        ) WHERE value IS NOT NULL GROUP BY ALL""")

PLACE_DAYS = Rollup(
    "place_days",
    keys=(("geonameid", "BIGINT"), ("place_name", "VARCHAR"), ("place_lat", "DOUBLE"), ("place_lon", "DOUBLE"),
          ("day", "DATE"), ("country", "VARCHAR"), ("name", "VARCHAR"), ("feature", "VARCHAR")),
    values=(("mentions", "BIGINT"), ("articles", "BIGINT"), ("sum_lat", "DOUBLE"), ("sum_lon", "DOUBLE")),
    linked=False,
    sql="""
    WITH p AS (SELECT p.*, CASE WHEN p.geonameid IS NULL THEN p.name END AS place_name,
                      CASE WHEN p.geonameid IS NULL THEN round(p.lat, 2) END AS place_lat,
                      CASE WHEN p.geonameid IS NULL THEN round(p.lon, 2) END AS place_lon
               FROM places p WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL),
         first AS (SELECT article_id, min(idx) AS idx FROM p
                   GROUP BY article_id, geonameid, place_name, place_lat, place_lon, country)
    SELECT p.geonameid, p.place_name, p.place_lat, p.place_lon, a.published_date, p.country, p.name, p.feature,
           count(*), count(first.idx), sum(p.lat), sum(p.lon)
    FROM p JOIN articles a ON a.id = p.article_id
    LEFT JOIN first ON first.article_id = p.article_id AND first.idx = p.idx
    GROUP BY ALL""")

# One row per article naming corpus entities: its day and the list of them (schema v9). The list is a key: when
# relinking changes it, the old row's count goes to zero (the row is dropped) and the new list's row is added.
ARTICLE_ENTITIES = Rollup(
    "article_entities",
    keys=(("day", "DATE"), ("article_id", "VARCHAR"), ("entities", "VARCHAR[]")),
    values=(("n", "BIGINT"),),
    linked=True,
    sql=f"""
    WITH links AS MATERIALIZED ({_LINKS})
    SELECT a.published_date, l.article_id, list(DISTINCT l.cid ORDER BY l.cid), 1 FROM links l
    JOIN articles a ON a.id = l.article_id GROUP BY a.published_date, l.article_id""")

#: Every rollup, in the order they are filled.
ROLLUPS: tuple[Rollup, ...] = (ENTITY_DAYS, ENTITY_ITEMS, NETWORK_EDGES, NETWORK_TOTALS, EVENT_DAYS, PLACE_DAYS,
                               NAMES, ARTICLE_COUNTS, ARTICLE_ENTITIES)


def create(con, tables: Iterable[str] | None = None) -> None:
    """Create the rollup tables (``tables``: these only), empty."""
    for rollup in ROLLUPS:
        if tables is None or rollup.table in tables:
            con.execute(rollup.create())


def rebuild(con, *, linked_only: bool = False, tables: Iterable[str] | None = None, chunk: int = 20_000) -> None:
    """Fill the rollup tables afresh from every stored article (``linked_only``: those that depend on the corpus
    entity links; ``tables``: these only): the contributions of ``chunk`` articles at a time (a store's worth at
    once would not fit the store's memory limit), then summed and sorted by the keys, so that a lookup by entity
    or day skips most of DuckDB's row groups."""
    chosen = [r for r in ROLLUPS if (r.linked or not linked_only) and (tables is None or r.table in tables)]
    ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
    for rollup in chosen:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _fill_{rollup.table} AS SELECT * FROM {rollup.table} LIMIT 0")
    read = [t for t in ROW_TABLES if any(t in _ROW_TABLE.findall(r.sql) for r in chosen)]
    for start in range(0, len(ids), chunk):
        _scope(con, ids[start:start + chunk], read)
        for rollup in chosen:
            names = ", ".join(name for name, _ in rollup.keys + rollup.values)
            con.execute(f"INSERT INTO _fill_{rollup.table} SELECT * FROM ({rollup.contributions(True)}) AS c({names})")
    _unscope(con)
    for rollup in chosen:
        keys = ", ".join(name for name, _ in rollup.keys)
        sums = ", ".join(f"sum({name})::{typ}" for name, typ in rollup.values)
        con.execute(f"DELETE FROM {rollup.table}")
        con.execute(f"INSERT INTO {rollup.table} SELECT {keys}, {sums} FROM _fill_{rollup.table} "
                    "GROUP BY ALL ORDER BY ALL")
        con.execute(f"DROP TABLE _fill_{rollup.table}")


def _delta(con, rollups: Iterable[Rollup], sign: int, into: dict[str, bool]) -> None:
    """Append the contributions of the scoped articles (:func:`_scope`), times ``sign``, to each rollup's
    temporary delta table (``_delta_TABLE``; ``into`` records which exist)."""
    for rollup in rollups:
        values = ", ".join(f"{sign} * {name}" if sign != 1 else name for name, _ in rollup.values)
        keys = ", ".join(name for name, _ in rollup.keys)
        names = ", ".join(name for name, _ in rollup.keys + rollup.values)
        select = f"SELECT {keys}, {values} FROM ({rollup.contributions(True)}) AS c({names})"
        temp = f"_delta_{rollup.table}"
        if into.get(rollup.table):
            con.execute(f"INSERT INTO {temp} {select}")
        else:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {temp} AS {select}")
            into[rollup.table] = True


def _merge(con, rollup: Rollup) -> None:
    """Add a rollup's delta table into it: the rows of the delta's keys are replaced by their sums (rows whose
    counts all come to zero are dropped)."""
    temp = f"_delta_{rollup.table}"
    keys = [name for name, _ in rollup.keys]
    match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM d.{k}" for k in keys)
    sums = ", ".join(f"sum({name})::{typ} AS {name}" for name, typ in rollup.values)
    counts = [name for name, typ in rollup.values if typ == "BIGINT"]
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _merged AS
        SELECT {', '.join(keys)}, {sums} FROM (
            SELECT t.* FROM {rollup.table} t SEMI JOIN (SELECT DISTINCT {', '.join(keys)} FROM {temp}) d ON {match}
            UNION ALL SELECT * FROM {temp})
        GROUP BY ALL HAVING {' OR '.join(f'{c} <> 0' for c in counts)}""")
    con.execute(f"DELETE FROM {rollup.table} t WHERE EXISTS (SELECT 1 FROM {temp} d WHERE {match})")
    con.execute(f"INSERT INTO {rollup.table} SELECT * FROM _merged")
    con.execute(f"DROP TABLE {temp}")
    con.execute("DROP TABLE _merged")


def add_articles(con, ids: list[str]) -> None:
    """Add the contributions of newly inserted articles to every rollup (in the inserting transaction)."""
    if not ids:
        return
    made: dict[str, bool] = {}
    _scope(con, ids)
    _delta(con, ROLLUPS, 1, made)
    _unscope(con)
    for rollup in ROLLUPS:
        _merge(con, rollup)


@contextmanager
def relinking(con, ids: Iterable[str]) -> Iterator[None]:
    """Around a change of the corpus-entity links of the articles ``ids`` (inside the caller's transaction):
    their contributions to the rollups that depend on links are taken away before, and added back after."""
    ids = sorted(set(ids))
    if not ids:
        yield
        return
    linked = [r for r in ROLLUPS if r.linked]
    made: dict[str, bool] = {}
    _scope(con, ids)
    _delta(con, linked, -1, made)
    yield
    _scope(con, ids, ["entities"])  # only the links changed
    _delta(con, linked, 1, made)
    _unscope(con)
    for rollup in linked:
        _merge(con, rollup)
