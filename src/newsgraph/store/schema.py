"""The store's tables and their migrations.

The schema is the result of applying :data:`MIGRATIONS` in order: migration ``n`` (1-based) brings a store from
version ``n - 1`` to version ``n``. A fresh store runs them all; an older store runs the ones it lacks, each in
its own transaction together with the new version number in ``meta``, so a store is always at one version or
the next, never in between. To change the schema, append a function; never edit one that has shipped.

Tables (one row per ...):

- ``meta``: key/value pairs: ``schema_version``, ``created_at``, ``created_by``.
- ``articles``: stored article: its metadata, ``text``, ``text_hash`` (see :func:`text_hash`), the canonical URL,
  ``published_date`` (the date part of ``published``, for range queries), ``item`` (where it was read from) and
  ``record``: the full record as JSON without its text, from which :meth:`Store.record` rebuilds it exactly.
- ``entities``: entity of an article (``entity_id`` is the record's ``E1``...); ``corpus_entity`` is null
  until corpus-level entity resolution fills it.
- ``mentions``: mention span of an entity.
- ``quotes``, ``events`` (actor columns ``source_*`` and ``target_*``; ``sentence``, the text of the sentence
  span, since v9), ``places``, ``dates``, ``keyphrases``: one row per list element of the record, ``idx`` its
  position in the record's list.
- ``duplicates``: copy that was not stored because it duplicates a stored article: the copy's own id and
  metadata, ``original_id``, ``kind`` (``url``: same canonical URL, other text; ``exact``: same text;
  ``near``: near-duplicate text) and ``score`` (1.0 for url and exact).
- ``signatures``: near-duplicate signature of a stored article, to rebuild the in-memory index.
- ``entity_days``, ``entity_items``, ``network_edges``, ``network_totals``, ``event_days``, ``place_days``,
  ``names``, ``article_counts``, ``article_entities`` (v9): counts per day (or article) for the corpus-wide
  views, kept up to date at ingest (:mod:`newsgraph.store.rollups`).
- ``failures``: item that could not be read, processed or loaded, keyed by ``source`` (the file to read it
  again from, absolute, or a feed's URL; ``<stdin>`` cannot be re-read) and ``locator`` (``:LINE``, ``[INDEX]``,
  ``#OFFSET`` of a WARC record, ``<LINK>`` of a feed entry, ``#N`` of a feed entry without a link, or empty for
  the whole file: :func:`newsgraph.store.store.failure_key`), with ``mode`` (``articles`` or ``records``), the
  last ``reason``, ``attempts``, ``resolved`` once a later run read it successfully, and ``context`` (JSON, or
  null): what reading it again needs beyond the source (a feed entry's link and metadata; ``rest`` for a WARC
  record whose failure stopped the reading of its file).

Spans are stored as ``*_start``/``*_end`` (Python str offsets into ``articles.text``) and the covered text.
"""

from __future__ import annotations

import datetime
from typing import Callable

import duckdb

#: The version a store has once every migration ran.
SCHEMA_VERSION = 9

TABLES = ("meta", "articles", "entities", "mentions", "quotes", "quote_mentions", "events", "places", "dates",
          "keyphrases", "duplicates", "signatures", "failures")


def _v1(con: duckdb.DuckDBPyConnection) -> None:
    """The first schema: articles and their annotations, duplicates, failures."""
    con.execute("""CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""")
    con.execute("""
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            url VARCHAR,
            canonical_url VARCHAR,
            title VARCHAR,
            published VARCHAR,
            published_date DATE,
            source VARCHAR,
            authors VARCHAR[],
            tags VARCHAR[],
            language VARCHAR,
            text VARCHAR NOT NULL,
            text_hash VARCHAR NOT NULL,
            item VARCHAR,
            ingested_at TIMESTAMP NOT NULL,
            record JSON NOT NULL
        )""")
    con.execute("""
        CREATE TABLE entities (
            article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, entity_id VARCHAR NOT NULL,
            name VARCHAR, type VARCHAR, roles VARCHAR[], country VARCHAR, n_mentions INTEGER
        )""")
    con.execute("""
        CREATE TABLE mentions (
            article_id VARCHAR NOT NULL, entity_id VARCHAR NOT NULL,
            start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text VARCHAR
        )""")
    con.execute("""
        CREATE TABLE quotes (
            article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, kind VARCHAR,
            content_start INTEGER, content_end INTEGER, content VARCHAR, parts JSON,
            cue_start INTEGER, cue_end INTEGER, cue VARCHAR,
            speaker_start INTEGER, speaker_end INTEGER, speaker VARCHAR,
            speaker_entity VARCHAR, speaker_name VARCHAR
        )""")
    actor = ", ".join(f"{side}_{col} {typ}" for side in ("source", "target") for col, typ in (
        ("entity", "VARCHAR"), ("name", "VARCHAR"), ("country", "VARCHAR"), ("sector", "VARCHAR"),
        ("start", "INTEGER"), ("end", "INTEGER"), ("text", "VARCHAR")))
    con.execute(f"""
        CREATE TABLE events (
            article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, type VARCHAR, cameo_root VARCHAR,
            trigger_start INTEGER, trigger_end INTEGER, trigger VARCHAR,
            sentence_start INTEGER, sentence_end INTEGER,
            {actor},
            place_idx INTEGER, date VARCHAR, mode VARCHAR, confidence DOUBLE
        )""")
    con.execute("""
        CREATE TABLE places (
            article_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
            start_char INTEGER, end_char INTEGER, text VARCHAR, kind VARCHAR, name VARCHAR,
            geonameid BIGINT, country VARCHAR, admin1 VARCHAR, lat DOUBLE, lon DOUBLE, feature VARCHAR
        )""")
    con.execute("""
        CREATE TABLE dates (
            article_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
            start_char INTEGER, end_char INTEGER, text VARCHAR, type VARCHAR, value VARCHAR
        )""")
    con.execute("""CREATE TABLE keyphrases (article_id VARCHAR NOT NULL, rank INTEGER NOT NULL, phrase VARCHAR)""")
    con.execute("""
        CREATE TABLE duplicates (
            article_id VARCHAR NOT NULL, original_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, score DOUBLE,
            url VARCHAR, canonical_url VARCHAR, title VARCHAR, published VARCHAR, source VARCHAR,
            text_hash VARCHAR, item VARCHAR, seen_at TIMESTAMP
        )""")
    con.execute("""
        CREATE TABLE failures (
            source VARCHAR NOT NULL, locator VARCHAR NOT NULL, item VARCHAR NOT NULL, reason VARCHAR,
            first_seen TIMESTAMP, last_seen TIMESTAMP, attempts INTEGER,
            resolved BOOLEAN DEFAULT false, resolved_at TIMESTAMP,
            PRIMARY KEY (source, locator)
        )""")


def _v2(con: duckdb.DuckDBPyConnection) -> None:
    """Near-duplicate signatures, the failure's reading mode, and room for corpus-level entities."""
    con.execute("ALTER TABLE entities ADD COLUMN corpus_entity VARCHAR")
    con.execute("ALTER TABLE failures ADD COLUMN mode VARCHAR DEFAULT 'articles'")
    con.execute("UPDATE failures SET mode = 'articles' WHERE mode IS NULL")
    con.execute("CREATE TABLE signatures (article_id VARCHAR NOT NULL, signature UBIGINT[] NOT NULL)")


def _v3(con: duckdb.DuckDBPyConnection) -> None:
    """Corpus entities (:mod:`newsgraph.store.corpus_entities`): one row per real person, organization or place
    across articles (``key``: ``country:ISO``, ``geo:ID``, ``norp:ISO`` for the coded ones); its names
    (``kind`` ``name`` or ``acronym``; ``key`` as written, ``name_key`` under the spelling rules, for persons);
    its roles over time; and the decisions (``merged`` / ``kept apart``, with rule, evidence and articles).
    Existing article entities keep ``corpus_entity`` null until the next :func:`resolve` links them."""
    con.execute("""
        CREATE TABLE corpus_entities (
            id VARCHAR NOT NULL, name VARCHAR NOT NULL, type VARCHAR, country VARCHAR, key VARCHAR,
            geonameid BIGINT, first_seen DATE, last_seen DATE, n_articles INTEGER, n_mentions INTEGER,
            updated_at TIMESTAMP
        )""")
    con.execute("""
        CREATE TABLE corpus_aliases (
            corpus_entity VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, key VARCHAR,
            name_key VARCHAR, n_articles INTEGER, n_mentions INTEGER, first_seen DATE, last_seen DATE
        )""")
    con.execute("""
        CREATE TABLE corpus_roles (
            corpus_entity VARCHAR NOT NULL, role VARCHAR NOT NULL, first_seen DATE, last_seen DATE,
            n_articles INTEGER
        )""")
    con.execute("""
        CREATE TABLE corpus_merges (
            corpus_entity VARCHAR NOT NULL, decision VARCHAR NOT NULL, name VARCHAR, other VARCHAR,
            other_name VARCHAR, rule VARCHAR, evidence VARCHAR, article_ids VARCHAR[], score DOUBLE,
            decided_at TIMESTAMP
        )""")


def _v4(con: duckdb.DuckDBPyConnection) -> None:
    """Keyphrases with corpus statistics: ``phrase_df`` holds, per phrase key (lowercase, single spaces:
    :func:`newsgraph.extract.keyphrases.phrase_key`), ``df``, the number of stored articles with a keyphrase
    under that key, kept up to date as articles are added; ``keyphrases.corpus_rank`` is a phrase's position
    after the record's phrases were re-ranked with those frequencies (TF-IDF-like,
    :func:`newsgraph.extract.keyphrases.rerank`) when it was stored; null for articles stored before. The
    frequencies of the articles already stored are counted here."""
    con.execute("CREATE TABLE phrase_df (phrase_key VARCHAR PRIMARY KEY, df INTEGER NOT NULL)")
    con.execute("ALTER TABLE keyphrases ADD COLUMN corpus_rank INTEGER")
    counts: dict[str, int] = {}
    cursor = con.execute("SELECT article_id, list(phrase) FROM keyphrases GROUP BY article_id")
    while rows := cursor.fetchmany(10_000):
        for _, phrases in rows:
            # phrase_key as it is written today (a migration must not change with later code)
            for key in {" ".join(p.lower().split()) for p in phrases if p}:
                counts[key] = counts.get(key, 0) + 1
    if counts:
        con.execute("INSERT INTO phrase_df SELECT unnest($1::VARCHAR[]), unnest($2::INTEGER[])",
                    [list(counts), list(counts.values())])


def _v5(con: duckdb.DuckDBPyConnection) -> None:
    """The full-text search index (:mod:`newsgraph.store.queries`): ``search_postings``, one row per (index
    term, article): ``term`` (a 64-bit hash of the normalized, stemmed word), ``tf`` and ``title_tf`` (its
    counts in the text and the title), ``pos`` (its word positions; title words from ``2**30``) and ``quotes``
    (the ``idx`` of the article's quotes holding it); ``search_docs``, one row per indexed article: its length
    in terms and its opening (``lede``). Filled as articles are added; the articles already stored are indexed
    here."""
    from .queries import backfill_index

    con.execute("""CREATE TABLE search_postings (term BIGINT NOT NULL, article_id VARCHAR NOT NULL, tf INTEGER,
                   title_tf INTEGER, pos INTEGER[], quotes INTEGER[])""")
    con.execute("CREATE TABLE search_docs (article_id VARCHAR NOT NULL, n_terms INTEGER NOT NULL, lede VARCHAR)")
    backfill_index(con)


def _v6(con: duckdb.DuckDBPyConnection) -> None:
    """Failures that can be read again on their own: ``failures.context`` (JSON: what a retry needs beyond the
    source, e.g. a feed entry's link and metadata), and locators for WARC records (``#OFFSET``) and feed entries
    (``<LINK>``, or ``#N`` without a link). Before, such items (named ``FILE#OFFSET``, ``FEED#N <LINK>``) were
    keyed as whole files that do not exist, so they could never be retried; those rows are re-keyed here (the
    source taken from the stored, absolute one; a feed URL from the item, which the old key had mangled into a
    path). Rows falling on one key (an entry listed at two positions) become one: the latest reason and item, the
    attempts added up."""
    import os
    import re

    con.execute("ALTER TABLE failures ADD COLUMN context JSON")
    tail = re.compile(r"^(.+?)#(\d+)(?: (<\S+>))?$")  # FILE#OFFSET, FEED#N, FEED#N <LINK> (as written in v6)
    rows = con.execute("""SELECT source, item, reason, first_seen, last_seen, attempts, resolved, resolved_at, mode
                          FROM failures WHERE locator = ''""").fetchall()
    moved: dict[tuple[str, str], list[tuple]] = {}
    for row in rows:
        source, item = row[0], row[1]
        named = tail.match(item)
        if named is None:
            continue
        if item[:8].lower().startswith(("http://", "https://")):
            new_source = named.group(1)
        else:
            stored = tail.match(source)  # the old source: the absolute form of the whole item
            if stored is None or os.path.exists(source):  # (a real file whose name ends like a locator)
                continue
            new_source = stored.group(1)
        moved.setdefault((new_source, named.group(3) or f"#{named.group(2)}"), []).append(row)
    if not moved:
        return
    con.execute("DELETE FROM failures WHERE locator = '' AND source IN (SELECT unnest($1::VARCHAR[]))",
                [[row[0] for group in moved.values() for row in group]])
    for (new_source, locator), group in moved.items():
        # one entry under two old names (listed at two positions): one row, the latest failure's, attempts added
        latest = max(group, key=lambda r: (r[4] is not None, r[4]))
        first = min((r[3] for r in group if r[3] is not None), default=None)
        con.execute("""INSERT INTO failures (source, locator, item, reason, first_seen, last_seen, attempts, resolved,
                                             resolved_at, mode)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, locator) DO NOTHING""",
                    [new_source, locator, latest[1], latest[2], first, latest[4], sum(r[5] or 0 for r in group),
                     all(r[6] for r in group), latest[7] if all(r[6] for r in group) else None, latest[8]])


def _v7(con: duckdb.DuckDBPyConnection) -> None:
    """``quote_mentions``: the entities each quote names (a mention inside the quote's content span), with
    ``speaker`` true when it is the speaker's own entity. Written with the article; filled here for the stored
    ones. "Quotes about X" and the quote edges of the actor network read it instead of joining every mention
    against every quote of an article."""
    con.execute("""CREATE TABLE quote_mentions (article_id VARCHAR NOT NULL, quote_idx INTEGER NOT NULL,
                   entity_id VARCHAR NOT NULL, speaker BOOLEAN NOT NULL)""")
    con.execute("""
        INSERT INTO quote_mentions
        SELECT DISTINCT q.article_id, q.idx, m.entity_id, coalesce(m.entity_id = q.speaker_entity, false)
        FROM quotes q JOIN mentions m ON m.article_id = q.article_id
             AND m.start_char >= q.content_start AND m.end_char <= q.content_end
        ORDER BY 1, 2, 3""")


def _v8(con: duckdb.DuckDBPyConnection) -> None:
    """Rollups (:mod:`newsgraph.store.rollups`): ``entity_days`` (per corpus entity and day: articles, quotes by
    and about it, events with it as source, target or either), ``entity_items`` (the keys of those quotes and
    events, by entity and day), ``network_edges`` (per day, event type and pair of network nodes: events; and quote
    edges between corpus entities), ``network_totals`` (the same over all days), ``event_days`` (events per day and
    type), ``place_days`` (per place, day, country, name and feature: mentions, articles, coordinate sums) and
    ``names`` (the distinct speaker and actor names with their row counts) and ``article_counts`` (per article:
    entities, quotes, events, place mentions). Kept up to date as articles are added and entities linked; filled
    here from the stored rows."""
    from .rollups import create, rebuild

    tables = ("entity_days", "entity_items", "network_edges", "network_totals", "event_days", "place_days", "names",
              "article_counts")  # (the rollups of v8; v9 adds article_entities)
    create(con, tables)
    rebuild(con, tables=tables)


def _v9(con: duckdb.DuckDBPyConnection, chunk: int = 5_000) -> None:
    """``events.sentence``: the text of the event's sentence (its article's ``text[sentence_start:sentence_end]``,
    as the record's ``sentence.text``). Written with the article; filled here for the stored events. Event lists
    show the sentence; read from the article texts, which DuckDB keeps compressed in large blocks, it cost about
    10 ms per article listed on a large store.

    And the rollup ``article_entities`` (:mod:`newsgraph.store.rollups`: per article, its day and the list of
    corpus entities it names; what an entity profile counts co-occurring entities from), filled here.

    The stored events are filled ``chunk`` articles at a time (in storage order: a sequential read of the
    texts): their sentences are sliced in Python (character offsets, as the record's spans) into a temporary
    table of (events rowid, sentence), which then updates the events in one statement."""
    from .rollups import create, rebuild

    create(con, ["article_entities"])
    rebuild(con, tables=["article_entities"])
    con.execute("ALTER TABLE events ADD COLUMN sentence VARCHAR")
    if not con.execute("SELECT count(*) FROM events").fetchone()[0]:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _sentences (rid BIGINT, sentence VARCHAR)")
    last = con.execute("SELECT max(rowid) FROM articles").fetchone()[0]
    for start in range(0, (last or 0) + 1, chunk):
        texts = dict(con.execute("SELECT id, text FROM articles WHERE rowid >= ? AND rowid < ?",
                                 [start, start + chunk]).fetchall())
        if not texts:
            continue
        rids, sentences = [], []
        for rid, aid, begin, end in con.execute(
                """SELECT e.rowid, e.article_id, e.sentence_start, e.sentence_end FROM events e
                   WHERE e.article_id IN (SELECT unnest($1::VARCHAR[]))""", [list(texts)]).fetchall():
            if begin is not None and end is not None:
                rids.append(rid)
                sentences.append(texts[aid][begin:end])
        if rids:
            con.execute("INSERT INTO _sentences SELECT unnest($1::BIGINT[]), unnest($2::VARCHAR[])",
                        [rids, sentences])
    con.execute("UPDATE events SET sentence = s.sentence FROM _sentences s WHERE events.rowid = s.rid")
    con.execute("DROP TABLE _sentences")


#: Migration ``i`` (0-based) brings a store from version ``i`` to ``i + 1``.
MIGRATIONS: list[Callable[[duckdb.DuckDBPyConnection], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9]
assert len(MIGRATIONS) == SCHEMA_VERSION


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def version_of(con: duckdb.DuckDBPyConnection) -> int | None:
    """The store's schema version; 0 for an empty database; None when it holds tables but is not a store."""
    tables = {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    if not tables:
        return 0
    if "meta" not in tables:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or not str(row[0]).isdigit():
        return None
    return int(row[0])


def migrate(con: duckdb.DuckDBPyConnection, current: int, created_by: str = "") -> list[int]:
    """Apply the migrations a store at ``current`` lacks, one transaction each; returns the versions reached."""
    reached = []
    for version in range(current + 1, len(MIGRATIONS) + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            MIGRATIONS[version - 1](con)
            if version == 1:
                con.execute("INSERT INTO meta VALUES ('created_at', ?), ('created_by', ?)",
                            [now().isoformat(timespec="seconds"), created_by])
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        reached.append(version)
    return reached
