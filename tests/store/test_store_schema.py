"""The store's schema: a fresh store, a migration from a hand-made version-1 store, refusals."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from store_helpers import make_record

from newsgraph.store import SCHEMA_VERSION, Store, StoreError
from newsgraph.store.rollups import ROLLUPS
from newsgraph.store.schema import MIGRATIONS, TABLES

# The version-1 schema as it shipped, written out here by hand so that a change to the code's migrations
# cannot silently change what this test migrates from.
V1 = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO meta VALUES ('schema_version', '1'), ('created_at', '2025-01-01T00:00:00'), ('created_by', 'hand');
CREATE TABLE articles (id VARCHAR PRIMARY KEY, url VARCHAR, canonical_url VARCHAR, title VARCHAR,
    published VARCHAR, published_date DATE, source VARCHAR, authors VARCHAR[], tags VARCHAR[], language VARCHAR,
    text VARCHAR NOT NULL, text_hash VARCHAR NOT NULL, item VARCHAR, ingested_at TIMESTAMP NOT NULL,
    record JSON NOT NULL);
CREATE TABLE entities (article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, entity_id VARCHAR NOT NULL,
    name VARCHAR, type VARCHAR, roles VARCHAR[], country VARCHAR, n_mentions INTEGER);
CREATE TABLE mentions (article_id VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL, text VARCHAR);
CREATE TABLE quotes (article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, kind VARCHAR, content_start INTEGER,
    content_end INTEGER, content VARCHAR, parts JSON, cue_start INTEGER, cue_end INTEGER, cue VARCHAR,
    speaker_start INTEGER, speaker_end INTEGER, speaker VARCHAR, speaker_entity VARCHAR, speaker_name VARCHAR);
CREATE TABLE events (article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, type VARCHAR, cameo_root VARCHAR,
    trigger_start INTEGER, trigger_end INTEGER, trigger VARCHAR, sentence_start INTEGER, sentence_end INTEGER,
    source_entity VARCHAR, source_name VARCHAR, source_country VARCHAR, source_sector VARCHAR,
    source_start INTEGER, source_end INTEGER, source_text VARCHAR, target_entity VARCHAR, target_name VARCHAR,
    target_country VARCHAR, target_sector VARCHAR, target_start INTEGER, target_end INTEGER, target_text VARCHAR,
    place_idx INTEGER, date VARCHAR, mode VARCHAR, confidence DOUBLE);
CREATE TABLE places (article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, start_char INTEGER, end_char INTEGER,
    text VARCHAR, kind VARCHAR, name VARCHAR, geonameid BIGINT, country VARCHAR, admin1 VARCHAR, lat DOUBLE,
    lon DOUBLE, feature VARCHAR);
CREATE TABLE dates (article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, start_char INTEGER, end_char INTEGER,
    text VARCHAR, type VARCHAR, value VARCHAR);
CREATE TABLE keyphrases (article_id VARCHAR NOT NULL, rank INTEGER NOT NULL, phrase VARCHAR);
CREATE TABLE duplicates (article_id VARCHAR NOT NULL, original_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    score DOUBLE, url VARCHAR, canonical_url VARCHAR, title VARCHAR, published VARCHAR, source VARCHAR,
    text_hash VARCHAR, item VARCHAR, seen_at TIMESTAMP);
CREATE TABLE failures (source VARCHAR NOT NULL, locator VARCHAR NOT NULL, item VARCHAR NOT NULL, reason VARCHAR,
    first_seen TIMESTAMP, last_seen TIMESTAMP, attempts INTEGER, resolved BOOLEAN DEFAULT false,
    resolved_at TIMESTAMP, PRIMARY KEY (source, locator));
"""


def columns(con, table: str) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall()]


def test_fresh_store_has_every_table_and_the_current_version(tmp_path: Path):
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.version == SCHEMA_VERSION == len(MIGRATIONS)
        tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert set(TABLES) <= tables
        assert "corpus_entity" in columns(store.con, "entities")  # room for corpus-level entities
        assert {"source_entity", "source_name", "source_country", "source_sector", "target_entity",
                "target_name", "target_country", "target_sector"} <= set(columns(store.con, "events"))
        assert {"item", "reason", "source", "first_seen", "last_seen", "attempts", "resolved", "mode"} <= set(
            columns(store.con, "failures"))
        assert store.counts()["articles"] == 0


def test_migration_from_a_hand_made_v1_store_keeps_its_data(tmp_path: Path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(V1)
    con.execute("""INSERT INTO articles VALUES ('old1', 'https://x.example/1', 'https://x.example/1', 'T', '2020-01-02',
                   DATE '2020-01-02', 'S', ['A'], [], 'en', 'Old text about Lima.', 'h1', 'old.txt', now()::TIMESTAMP,
                   '{"id": "old1", "title": "T", "url": "https://x.example/1", "published": "2020-01-02", "source": "S",
                     "authors": ["A"], "tags": [], "captions": [], "language": "en", "entities": [], "quotes": [],
                     "places": [], "dates": [], "events": [], "keyphrases": []}')""")
    con.execute("INSERT INTO entities VALUES ('old1', 0, 'E1', 'Lima', 'GPE', [], 'PER', 1)")
    con.execute("INSERT INTO failures VALUES ('/x/bad.txt', '', 'bad.txt', 'empty text', now()::TIMESTAMP, "
                "now()::TIMESTAMP, 1, false, NULL)")
    con.close()

    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        record = store.record("old1")
        assert record.text == "Old text about Lima." and record.authors == ["A"]
        assert store.con.execute("SELECT name, corpus_entity FROM entities").fetchall() == [("Lima", None)]
        [failure] = store.failures()
        assert failure.mode == "articles" and failure.reason == "empty text"
        # the migrated store takes new articles, and its old article gets a near-duplicate signature on demand
        stats = store.add([make_record("new1")])
        assert stats.added == 1 and len(store) == 2
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    con.close()


def test_a_failing_migration_leaves_the_store_at_its_version(tmp_path: Path, monkeypatch):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(V1)
    con.close()
    from newsgraph.store import schema

    def broken(con):
        con.execute("ALTER TABLE entities ADD COLUMN corpus_entity VARCHAR")
        raise RuntimeError("boom")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema.MIGRATIONS[0], broken])
    with pytest.raises(RuntimeError):
        Store.open(path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "1"
    assert "corpus_entity" not in columns(con, "entities")
    con.close()


def test_refusals(tmp_path: Path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a newsgraph store"):
        Store.open(other)
    newer = tmp_path / "newer.duckdb"
    with Store.open(newer) as store:
        store.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer"):
        Store.open(newer)
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError):
        Store.open(garbage)
    with pytest.raises(StoreError, match="no such directory"):
        Store.open(tmp_path / "missing" / "s.duckdb")
    with pytest.raises(StoreError, match="no store"):
        Store.open(tmp_path / "absent.duckdb", read_only=True)


def test_read_only_store_reads_but_refuses_writes(tmp_path: Path):
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        store.add([make_record("a1")])
    with Store.open(path, read_only=True) as store:
        assert store.record("a1").id == "a1" and "a1" in store and "zz" not in store
        with pytest.raises(StoreError, match="read-only"):
            store.add_one(make_record("a2"))


def test_migration_to_v6_rekeys_warc_and_feed_failures_and_adds_their_context(tmp_path: Path):
    """Version 5 keyed a failed WARC record or feed entry as a whole file named ``FILE#N`` that does not exist
    (a feed URL mangled into a path), so it could never be retried: version 6 gives them their locators."""
    path = tmp_path / "v5.duckdb"
    con = duckdb.connect(str(path))
    for migration in MIGRATIONS[:5]:
        migration(con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '5'), ('created_at', '2025-01-01'), ('created_by', 't')")
    warc, feed, plain = tmp_path / "crawl.warc.gz", tmp_path / "news.rss", tmp_path / "bad.txt"
    url = "http://127.0.0.1:8000/feed.xml"
    real = tmp_path / "notes#7"  # a real file whose name ends like a locator stays whole
    real.write_text("x")
    rows = [  # (source as v5 keyed it, item, reason, last_seen, attempts, resolved)
        (f"{warc}#1234", f"{warc}#1234", "record too large", "2025-01-02", 1, False),
        (f"{feed}#3 <http:/x.example/a>", f"{feed}#3 <http://x.example/a>", "HTTP 500", "2025-01-02", 2, False),
        (f"{feed}#2", f"{feed}#2", "the entry has no content or summary and no link", "2025-01-02", 1, False),
        # one page listed at two positions by two runs: one row, the latest failure's, attempts added up
        (f"{tmp_path}/http:/127.0.0.1:8000/feed.xml#1 <http:/127.0.0.1:8000/p.html>",
         f"{url}#1 <http://127.0.0.1:8000/p.html>", "HTTP 503", "2025-01-02", 1, False),
        (f"{tmp_path}/http:/127.0.0.1:8000/feed.xml#2 <http:/127.0.0.1:8000/p.html>",
         f"{url}#2 <http://127.0.0.1:8000/p.html>", "HTTP 500", "2025-01-05", 3, False),
        (str(plain), str(plain), "empty text", "2025-01-02", 1, False),
        (str(real), str(real), "empty text", "2025-01-02", 1, True),
    ]
    for source, item, reason, seen, attempts, resolved in rows:
        con.execute("INSERT INTO failures VALUES (?, '', ?, ?, ?::TIMESTAMP, ?::TIMESTAMP, ?, ?, NULL, 'articles')",
                    [source, item, reason, seen, seen, attempts, resolved])
    con.close()

    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION >= 6
        assert "context" in columns(store.con, "failures")
        got = {(r.source, r.locator): (r.item, r.reason, r.attempts, r.resolved, r.context)
               for r in store.failures(unresolved=False)}
    assert got == {
        (str(warc), "#1234"): (f"{warc}#1234", "record too large", 1, False, None),
        (str(feed), "<http://x.example/a>"): (f"{feed}#3 <http://x.example/a>", "HTTP 500", 2, False, None),
        (str(feed), "#2"): (f"{feed}#2", "the entry has no content or summary and no link", 1, False, None),
        (url, "<http://127.0.0.1:8000/p.html>"): (f"{url}#2 <http://127.0.0.1:8000/p.html>", "HTTP 500", 4, False,
                                                  None),
        (str(plain), ""): (str(plain), "empty text", 1, False, None),
        (str(real), ""): (str(real), "empty text", 1, True, None),
    }


def test_migration_to_v7_fills_quote_mentions_as_adding_does(tmp_path: Path):
    """Version 7 keeps the entities each quote names; a store migrated from 6 gets the rows a fresh store
    writes when the same records are added."""
    records = [make_record(f"q{i}", url=f"https://news.example.com/q{i}") for i in range(3)]
    fresh = tmp_path / "fresh.duckdb"
    with Store.open(fresh) as store:
        store.add(records)
        want = store.con.execute("SELECT * FROM quote_mentions ORDER BY ALL").fetchall()
    assert want, "the records name someone inside a quote"
    old = tmp_path / "old.duckdb"
    with Store.open(old) as store:
        store.add(records)
        for table in ("quote_mentions", *(r.table for r in ROLLUPS)):  # back to version 6
            store.con.execute(f"DROP TABLE {table}")
        store.con.execute("ALTER TABLE events DROP COLUMN sentence")  # (v9)
        store.con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    with Store.open(old) as store:
        assert store.version == SCHEMA_VERSION
        assert store.con.execute("SELECT * FROM quote_mentions ORDER BY ALL").fetchall() == want
