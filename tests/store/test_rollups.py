"""The rollups (schema v8, v9) answer what the row tables answer: the entity counts, timelines, co-occurring
entities and quote/event pages, the actor network, the map and the quotes of the articles about a name,
compared with a straightforward recomputation from the rows of random small stores: after several batches, after
corpus entities absorbed others, after re-ingesting and duplicates, after re-resolving everything, and after
migrating a version-7 or version-8 store. The events' stored sentences (v9) are their articles' text slices."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from newsgraph.record import Actor, ArticleRecord, Entity, Event, Place, Quote, Span
from newsgraph.store import SCHEMA_VERSION, Store
from newsgraph.store import aggregates as ag
from newsgraph.store import corpus_entities as ce
from newsgraph.store import queries
from newsgraph.store import rollups
from newsgraph.store.queries import EVENT_DAY, _date, _page_keys

# (name, type, country, GeoNames id, lat, lon): bare surnames join (or are absorbed by) the full names
POOL = [("James Okafor", "PERSON", "NGA", None, None, None), ("Okafor", "PERSON", "NGA", None, None, None),
        ("Leila Karimi", "PERSON", "IRN", None, None, None), ("Ahmed Karimi", "PERSON", "IRN", None, None, None),
        ("Ana Ruiz", "PERSON", "ESP", None, None, None), ("Ruiz", "PERSON", "ESP", None, None, None),
        ("Ministry of Defense", "ORG", "UKR", None, None, None), ("Defense Ministry", "ORG", "UKR", None, None, None),
        ("Kabul", "GPE", "AFG", 1138958, 34.52813, 69.17233), ("Kandahar", "GPE", "AFG", 1138336, 31.61332, 65.71013),
        ("Harbor Town", "GPE", "USA", None, 40.1234, -74.5678), ("Lake Vost", "LOC", None, None, None, None)]
DAYS = ["2025-01-03", "2025-01-04", "2025-02-10", "2025-03-01", "2024-12-30", None]
TYPES = [("ASSAULT", "19"), ("ACCUSE", "11"), ("CONSULT", "04")]


def random_record(rng: random.Random, ident: str) -> ArticleRecord:
    """A record naming some entities of POOL, with quotes (by them, naming others), events (between entities,
    coded countries or plain words) and places (with and without GeoNames ids and coordinates)."""
    chosen = rng.sample(POOL, rng.randint(0, 5))
    parts, spans, offset = [f"Report {ident}. Protesters gathered."], [], 0
    offset = len(parts[0]) + 1
    for name, *_ in chosen:
        mine = []
        for _ in range(rng.randint(1, 2)):
            mine.append((offset, offset + len(name)))
            parts.append(name + " spoke.")
            offset += len(name) + len(" spoke.") + 1
        spans.append(mine)
    text = " ".join(parts)
    published = rng.choice(DAYS)
    record = ArticleRecord(id=ident, text=text, title=f"Story {ident}", url=f"https://news.example/{ident}",
                           published=published, source="Example Wire", language="en")
    for i, ((name, typ, country, *_), mine) in enumerate(zip(chosen, spans), 1):
        record.entities.append(Entity(f"E{i}", name, typ, [], country, [Span.of(text, a, b) for a, b in mine]))
    crowd = Span.of(text, text.index("Protesters"), text.index("Protesters") + len("Protesters"))
    for e in record.entities:
        if rng.random() < 0.6:  # a quote from the speaker's mention to the end: it names those after it
            start = e.mentions[0].start
            record.quotes.append(Quote(rng.choice(["direct", "indirect"]), Span.of(text, start, len(text)), [],
                                       None, e.mentions[0], e.id, e.name))
    if rng.random() < 0.3:  # a quote by an unresolved speaker naming everyone
        record.quotes.append(Quote("direct", Span.of(text, 0, len(text)), [], None, crowd, None, None))

    def actor():
        roll = rng.random()
        if record.entities and roll < 0.55:
            e = rng.choice(record.entities)
            return Actor(e.mentions[0], e.id, e.name, e.country, None)
        if roll < 0.8:
            return Actor(None, None, None, rng.choice(["USA", "RUS"]), rng.choice([None, "GOV", "MIL"]))
        return Actor(crowd, None, None, None, None) if roll < 0.95 else None

    for _ in range(rng.randint(0, 4)):
        typ, root = rng.choice(TYPES)
        date = rng.choice([published, "2025-02", "2025-01-20", None])
        record.events.append(Event(typ, crowd, Span.of(text, 0, len(text)), root, actor(), actor(), None, date,
                                   None, 0.5))
    for e, (name, typ, country, gid, lat, lon) in zip(record.entities, chosen):
        if typ in ("GPE", "LOC"):
            for m in e.mentions:
                record.places.append(Place(m, "toponym", name if rng.random() < 0.8 else name.upper(), gid,
                                           country, None, lat, lon, rng.choice(["P.PPLA", "P.PPLC", None])))
    record.check_spans()
    return record


def random_records(seed: int, n: int, prefix: str = "a") -> list[ArticleRecord]:
    rng = random.Random(seed)
    return [random_record(rng, f"{prefix}{seed}-{i}") for i in range(n)]


# ---- the straightforward answers, from the row tables -----------------------------------------------------------

_ME = "(SELECT article_id, entity_id FROM entities WHERE corpus_entity = ?)"
QUOTES_BY = f"""FROM quotes q SEMI JOIN {_ME} me ON me.article_id = q.article_id AND me.entity_id = q.speaker_entity
    JOIN articles a ON a.id = q.article_id"""
QUOTES_ABOUT = f"""FROM quotes q SEMI JOIN (
        SELECT qm.article_id, qm.quote_idx FROM quote_mentions qm
        SEMI JOIN {_ME} me ON me.article_id = qm.article_id AND me.entity_id = qm.entity_id
        WHERE NOT qm.speaker) k ON k.article_id = q.article_id AND k.quote_idx = q.idx
    JOIN articles a ON a.id = q.article_id"""


def events_of(side: str) -> str:
    return f"""FROM events e SEMI JOIN {_ME} me ON me.article_id = e.article_id AND me.entity_id = e.{side}_entity
        JOIN articles a ON a.id = e.article_id"""


def table(store: Store, name: str) -> list[tuple]:
    return sorted(store.con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)


def recomputed(store: Store, rollup: rollups.Rollup) -> list[tuple]:
    """The rollup's rows counted afresh from every stored article."""
    keys = ", ".join(name for name, _ in rollup.keys)
    names = ", ".join(name for name, _ in rollup.keys + rollup.values)
    counts = " OR ".join(f"{name} <> 0" for name, typ in rollup.values if typ == "BIGINT")
    return sorted(store.con.execute(f"""SELECT * FROM ({rollup.contributions(False)}) AS c({names})
        WHERE {counts} ORDER BY {keys}""").fetchall(), key=repr)


def timeline_from_rows(store: Store, cid: str, unit: str) -> list[dict]:
    rows = store.con.execute(f"""
        WITH me AS MATERIALIZED (SELECT article_id, entity_id FROM entities WHERE corpus_entity = $1),
             mentioned AS (SELECT date_trunc('{unit}', a.published_date) AS t, count(*) AS n
                           FROM articles a SEMI JOIN me ON me.article_id = a.id
                           WHERE a.published_date IS NOT NULL GROUP BY 1),
             said AS (SELECT date_trunc('{unit}', a.published_date) AS t, count(*) AS n
                      FROM quotes q SEMI JOIN me ON me.article_id = q.article_id AND me.entity_id = q.speaker_entity
                      JOIN articles a ON a.id = q.article_id WHERE a.published_date IS NOT NULL GROUP BY 1),
             mine AS (SELECT e.article_id, e.idx FROM events e
                      SEMI JOIN me ON me.article_id = e.article_id AND me.entity_id = e.source_entity
                      UNION SELECT e.article_id, e.idx FROM events e
                      SEMI JOIN me ON me.article_id = e.article_id AND me.entity_id = e.target_entity),
             acted AS (SELECT date_trunc('{unit}', {EVENT_DAY}) AS t, count(*) AS n
                       FROM events e SEMI JOIN mine ON mine.article_id = e.article_id AND mine.idx = e.idx
                       JOIN articles a ON a.id = e.article_id WHERE {EVENT_DAY} IS NOT NULL GROUP BY 1)
        SELECT t, coalesce(m.n, 0), coalesce(s.n, 0), coalesce(v.n, 0)
        FROM mentioned m FULL JOIN said s USING (t) FULL JOIN acted v USING (t) ORDER BY t""", [cid]).fetchall()
    return [{"period": r[0].isoformat(), "articles": r[1], "quotes": r[2], "events": r[3]} for r in rows]


def pages_from_rows(store: Store, cid: str, limit: int, offset: int) -> dict:
    """Totals and page keys of the entity's quotes by and about it and its events, counted from the rows."""
    quote_order = "a.published_date DESC NULLS LAST, q.article_id, q.idx"
    event_order = f"{EVENT_DAY} DESC NULLS LAST, e.article_id, e.idx"
    return {
        "by": _page_keys(store, QUOTES_BY, [cid], "q.article_id, q.idx", quote_order, limit, offset),
        "about": _page_keys(store, QUOTES_ABOUT, [cid], "q.article_id, q.idx", quote_order, limit, offset),
        "source": _page_keys(store, events_of("source"), [cid], "e.article_id, e.idx", event_order,
                             limit, offset),
        "target": _page_keys(store, events_of("target"), [cid], "e.article_id, e.idx", event_order,
                             limit, offset)}


def co_occurring_from_rows(store: Store, cid: str) -> list[tuple]:
    return store.con.execute(f"""
        WITH recent AS (SELECT a.id FROM articles a SEMI JOIN {_ME} me ON me.article_id = a.id
                        ORDER BY a.published_date DESC NULLS LAST, a.id LIMIT {ce.CO_OCCURRENCE_ARTICLES})
        SELECT c.id, x.n_articles FROM (
            SELECT e2.corpus_entity AS id, count(DISTINCT e2.article_id) AS n_articles
            FROM entities e2 SEMI JOIN recent ON recent.id = e2.article_id
            WHERE e2.corpus_entity IS NOT NULL AND e2.corpus_entity <> ?
            GROUP BY 1) x JOIN corpus_entities c ON c.id = x.id
        ORDER BY x.n_articles DESC, c.n_articles DESC, c.name LIMIT 10""", [cid, cid]).fetchall()


def event_timeline_from_rows(store: Store, unit: str, type=None, since=None, until=None) -> list[dict]:
    where, params = [f"{EVENT_DAY} IS NOT NULL"], []
    if type:
        where.append("e.cameo_root = ?" if type.isdigit() else "e.type = ?")
        params.append(type)
    for op, value, name in ((">=", since, "since"), ("<=", until, "until")):
        if value:
            where.append(f"{EVENT_DAY} {op} ?")
            params.append(_date(value, name))
    rows = store.con.execute(f"""SELECT date_trunc('{unit}', {EVENT_DAY}), e.type, count(*)
        FROM events e JOIN articles a ON a.id = e.article_id WHERE {' AND '.join(where)}
        GROUP BY 1, 2 ORDER BY 1, 2""", params).fetchall()
    return [{"period": r[0].isoformat(), "type": r[1], "count": r[2]} for r in rows]


def network_from_rows(store: Store, type=None, since=None, until=None) -> list[tuple]:
    """The network's edges (event and quote) as the rows count them: (source, label, target, label, type, n)."""
    where, params = ["TRUE"], []
    since, until = _date(since, "since"), _date(until, "until")
    if type:
        where.append("e.type = ?")
        params.append(type)
    for op, value in ((">=", since), ("<=", until)):
        if value:
            where.append(f"{EVENT_DAY} {op} ?")
            params.append(value)
    node = """CASE WHEN {x}.corpus_entity IS NOT NULL THEN {x}.corpus_entity
        WHEN e.{side}_country IS NOT NULL THEN concat_ws(' ', e.{side}_country, e.{side}_sector)
        ELSE lower(e.{side}_text) END"""
    label = """coalesce(c{n}.name, CASE WHEN e.{side}_country IS NOT NULL
        THEN concat_ws(' ', e.{side}_country, e.{side}_sector) END, e.{side}_text)"""
    edges = store.con.execute(f"""
        SELECT {node.format(x='xs', side='source')} AS s, {label.format(n='s', side='source')} AS sl,
               {node.format(x='xt', side='target')} AS t, {label.format(n='t', side='target')} AS tl,
               e.type, count(*) AS n
        FROM events e JOIN articles a ON a.id = e.article_id
        LEFT JOIN entities xs ON xs.article_id = e.article_id AND xs.entity_id = e.source_entity
        LEFT JOIN entities xt ON xt.article_id = e.article_id AND xt.entity_id = e.target_entity
        LEFT JOIN corpus_entities cs ON cs.id = xs.corpus_entity
        LEFT JOIN corpus_entities ct ON ct.id = xt.corpus_entity
        WHERE {' AND '.join(where)} GROUP BY ALL HAVING s IS NOT NULL AND t IS NOT NULL AND s <> t""",
                              params).fetchall()
    if not type:
        qwhere, qparams = ["TRUE"], []
        for op, value in ((">=", since), ("<=", until)):
            if value:
                qwhere.append(f"a.published_date {op} ?")
                qparams.append(value)
        edges += store.con.execute(f"""
            SELECT sp.corpus_entity, cs.name, named.corpus_entity, ct.name, 'QUOTES', count(*)
            FROM quote_mentions qm JOIN quotes q ON q.article_id = qm.article_id AND q.idx = qm.quote_idx
            JOIN articles a ON a.id = qm.article_id
            JOIN entities sp ON sp.article_id = q.article_id AND sp.entity_id = q.speaker_entity
            JOIN entities named ON named.article_id = qm.article_id AND named.entity_id = qm.entity_id
            JOIN corpus_entities cs ON cs.id = sp.corpus_entity
            JOIN corpus_entities ct ON ct.id = named.corpus_entity
            WHERE {' AND '.join(qwhere)} AND NOT qm.speaker AND sp.corpus_entity <> named.corpus_entity
            GROUP BY ALL""", qparams).fetchall()
    return sorted(edges, key=lambda r: (-r[5], r[0], r[2], r[4], r[1], r[3]))


def places_from_rows(store: Store, since=None, until=None, country=None) -> list[dict]:
    """The map's places counted in Python from the place rows."""
    rows = store.con.execute("""SELECT p.article_id, p.geonameid, p.name, p.country, p.lat, p.lon, p.feature,
        a.published_date FROM places p JOIN articles a ON a.id = p.article_id
        WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL""").fetchall()
    groups: dict[tuple, list] = defaultdict(list)
    since, until = _date(since, "since"), _date(until, "until")
    for aid, gid, name, ctry, lat, lon, feature, day in rows:
        if (since and (day is None or day < since)) or (until and (day is None or day > until)):
            continue
        if country and ctry != country:
            continue
        key = (gid,) if gid is not None else (None, name, round(lat, 2), round(lon, 2))
        groups[key].append((aid, name, ctry, lat, lon, feature))
    out = []
    for key, ms in groups.items():
        def mode(values):
            counts = Counter(v for v in values if v is not None)
            return min(counts, key=lambda v: (-counts[v], v)) if counts else None
        out.append({"geonameid": key[0], "name": mode(m[1] for m in ms), "country": ms[0][2],
                    "lat": round(sum(m[3] for m in ms) / len(ms), 4), "lon": round(sum(m[4] for m in ms) / len(ms), 4),
                    "feature": mode(m[5] for m in ms), "articles": len({m[0] for m in ms}), "mentions": len(ms)})
    return sorted(out, key=lambda p: (-p["articles"], -p["mentions"], p["name"] or "", p["geonameid"] or 0))


def quotes_about_from_rows(store: Store, about: str, since=None, until=None) -> list[tuple]:
    """The keys of every quote of the articles mentioning ``about`` (as :func:`queries._about_articles` finds
    them), in :func:`queries.quotes`' order, counted from the quote rows."""
    params: list = []
    sql = queries._about_articles(about, params)
    where = [f"q.article_id IN ({sql})"]
    for op, value, name in ((">=", since, "since"), ("<=", until, "until")):
        if value:
            where.append(f"a.published_date {op} ?")
            params.append(_date(value, name))
    return [tuple(r) for r in store.con.execute(f"""SELECT q.article_id, q.idx FROM quotes q
        JOIN articles a ON a.id = q.article_id WHERE {' AND '.join(where)}
        ORDER BY a.published_date DESC NULLS LAST, q.article_id, q.idx""", params).fetchall()]


def check_quotes_about(store: Store) -> None:
    """``quotes(about=...)`` (counted by article from the rollup ``article_counts``) pages through the quotes
    the rows give, with their total, for names, surnames and phrases, with and without a date range; with other
    filters it counts the rows as before."""
    for about in ("James Okafor", "Okafor", "Kabul", "Ministry of Defense", "protesters gathered", "spoke",
                  "Nobody Here"):
        for since, until in ((None, None), ("2025-01-04", None), (None, "2025-01"), ("2025-01-01", "2025-02-28")):
            want = quotes_about_from_rows(store, about, since, until)
            for limit, offset in ((3, 0), (2, 1), (5, 4), (50, 0), (1, max(len(want) - 1, 0)), (4, len(want)), (0, 0)):
                page = queries.quotes(store, about=about, since=since, until=until, limit=limit, offset=offset)
                assert page.total == len(want), (about, since, until)
                assert [(r.article_id, r.idx) for r in page.rows] == want[offset:offset + limit], (
                    about, since, until, limit, offset)
            direct = queries.quotes(store, about=about, since=since, kind="direct", limit=500)
            assert [(r.article_id, r.idx) for r in direct.rows] == [
                k for k in quotes_about_from_rows(store, about, since)
                if store.con.execute("SELECT kind FROM quotes WHERE article_id = ? AND idx = ?",
                                     list(k)).fetchone()[0] == "direct"]
    assert any(quotes_about_from_rows(store, about) for about in ("Okafor", "Kabul"))


def check_event_sentences(store: Store) -> None:
    """Each event's stored sentence (schema v9) is its article's ``text[sentence_start:sentence_end]``, and the
    event lists give it when asked."""
    rows = store.con.execute("""SELECT e.article_id, e.idx, e.sentence, a.text, e.sentence_start, e.sentence_end
        FROM events e JOIN articles a ON a.id = e.article_id""").fetchall()
    assert rows and all(r[2] == r[3][r[4]:r[5]] for r in rows)
    want = {(r[0], r[1]): r[3][r[4]:r[5]] for r in rows}
    assert len(queries.events(store, limit=500, sentences=True).rows) == len(rows)
    for kwargs in ({}, {"source": "USA"}, {"target": "Okafor"}, {"source": "Okafor", "target": "RUS"}):
        listed = queries.events(store, **kwargs, limit=500, sentences=True).rows
        assert all(e.sentence == want[(e.article_id, e.idx)] for e in listed)
        assert all(e.sentence is None for e in queries.events(store, **kwargs, limit=500).rows)


# ---- the checks -------------------------------------------------------------------------------------------------

def check_rollups(store: Store) -> None:
    """Every rollup table holds what its articles contribute, and every view answers as the rows do."""
    for rollup in rollups.ROLLUPS:
        assert table(store, rollup.table) == recomputed(store, rollup), rollup.table
    ids = [r[0] for r in store.con.execute("SELECT id FROM corpus_entities ORDER BY id").fetchall()]
    assert ids
    for cid in ids:
        for unit in ("day", "week", "month"):
            assert ag.entity_timeline(store, cid, unit) == timeline_from_rows(store, cid, unit), (cid, unit)
        profile = ce.profile(store, cid)
        assert [(c["id"], c["n_articles"]) for c in profile["co_occurring"]] == co_occurring_from_rows(store, cid)
        for limit, offset in ((3, 0), (2, 2), (50, 0), (1, 100)):
            want = pages_from_rows(store, cid, limit, offset)
            by, about = (ag.entity_quotes(store, cid, r, limit, offset) for r in ("by", "about"))
            source, target = (ag.entity_events(store, cid, s, limit, offset) for s in ("source", "target"))
            for page, (total, keys) in ((by, want["by"]), (about, want["about"]), (source, want["source"]),
                                        (target, want["target"])):
                assert page.total == total
                assert [(r.article_id, r.idx) for r in page.rows] == [tuple(k) for k in keys], cid
        assert (profile["quotes"], profile["events_as_source"], profile["events_as_target"]) == (
            want["by"][0], want["source"][0], want["target"][0])
    for kwargs in ({}, {"type": "ASSAULT"}, {"since": "2025-01-04", "until": "2025-02-28"}, {"since": "2025-02"}):
        got = ag.network(store, **kwargs, limit=500)
        edges = [(e["source"], e["target"], e["type"], e["count"]) for e in got["edges"]]
        want = network_from_rows(store, **kwargs)
        assert sorted(edges) == sorted((r[0], r[2], r[4], r[5]) for r in want), kwargs
        labels = {n["id"]: n["label"] for n in got["nodes"]}
        assert labels == {**{r[0]: r[1] for r in want}, **{r[2]: r[3] for r in want}} or len(
            {(r[0], r[1]) for r in want} | {(r[2], r[3]) for r in want}) > len(labels)
        top = ag.network(store, **kwargs, limit=3)["edges"]
        assert [e["count"] for e in top] == sorted((r[5] for r in want), reverse=True)[:3]
    listed = ag.articles(store, limit=500).rows
    assert len(listed) == len(store) and [(a.n_entities, a.n_quotes, a.n_events, a.n_places) for a in listed] == [
        tuple(store.con.execute(f"SELECT count(*) FROM {t} WHERE article_id = ?", [a.id]).fetchone()[0]
              for t in ("entities", "quotes", "events", "places")) for a in listed]
    for kwargs in ({}, {"type": "ACCUSE"}, {"type": "19"}, {"since": "2025-01-04", "until": "2025-02"}):
        for unit in ("day", "week"):
            got = ag.event_timeline(store, **kwargs, interval=unit)
            assert got == event_timeline_from_rows(store, unit, **kwargs), kwargs
    for kwargs in ({}, {"since": "2025-01-04"}, {"until": "2025-01-31"}, {"country": "AFG"}):
        got = ag.places(store, **kwargs)
        want = places_from_rows(store, **kwargs)
        key = lambda p: (-p["articles"], -p["mentions"], p["name"] or "", p["geonameid"] or 0)  # noqa: E731
        assert sorted(got, key=key) == want, kwargs
    check_quotes_about(store)
    check_event_sentences(store)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "r.duckdb", batch_size=7) as s:
        yield s


def test_the_rollups_follow_batches_absorbed_entities_and_reingesting(store, monkeypatch):
    monkeypatch.setattr(ce, "CO_OCCURRENCE_ARTICLES", 7)  # the latest 7 articles: the bound matters here
    for seed in range(3):  # batches of 7 records: bare surnames first seen alone are absorbed later
        store.add(random_records(seed, 20))
        check_rollups(store)
    merged = store.con.execute("SELECT count(*) FROM corpus_merges WHERE decision = 'merged'").fetchone()[0]
    assert merged, "some names were joined to corpus entities"
    before = {r.table: table(store, r.table) for r in rollups.ROLLUPS}
    again = random_records(1, 20)
    copies = random_records(1, 5)
    for r in copies:
        r.id, r.url = r.id + "-copy", r.url + "?copy"
    stats = store.add(again + copies)  # the same articles again, and copies under other ids and URLs
    assert stats.added == 0 and stats.present == 20 and stats.duplicates == 5
    assert {r.table: table(store, r.table) for r in rollups.ROLLUPS} == before
    check_rollups(store)


def test_an_absorbed_entity_moves_its_counts(store):
    """A bare surname seen first is its own entity; the full name arriving later absorbs it, with its quotes,
    events and timeline."""
    text = "Okafor said it. Okafor spoke."
    first = ArticleRecord(id="solo", text=text, title="t", url="https://news.example/solo", published="2025-01-03")
    m = [Span.of(text, 0, 6), Span.of(text, 16, 22)]
    first.entities = [Entity("E1", "Okafor", "PERSON", [], "NGA", m)]
    first.quotes = [Quote("direct", Span.of(text, 0, 15), [], None, m[0], "E1", "Okafor")]
    first.events = [Event("ACCUSE", m[1], Span.of(text, 0, len(text)), "11", Actor(m[0], "E1", "Okafor", "NGA", None),
                          Actor(None, None, None, "USA", "GOV"), None, None, None, 0.5)]
    store.add([first])
    alone = store.con.execute("SELECT corpus_entity FROM entities WHERE article_id = 'solo'").fetchone()[0]
    assert ag.entity_timeline(store, alone, "day")[0]["quotes"] == 1
    later = [r for r in random_records(7, 30) if any(e.name == "James Okafor" for e in r.entities)]
    assert later
    store.add(later)
    full = store.con.execute("SELECT corpus_entity FROM entities WHERE article_id = 'solo'").fetchone()[0]
    assert full != alone and not store.con.execute("SELECT count(*) FROM entity_days WHERE corpus_entity = ?",
                                                   [alone]).fetchone()[0]
    check_rollups(store)


def test_resolving_everything_again_keeps_the_rollups(store):
    store.add(random_records(11, 25))
    before = {r.table: table(store, r.table) for r in rollups.ROLLUPS if not r.linked}
    ce.resolve_all(store)
    check_rollups(store)
    assert {r.table: table(store, r.table) for r in rollups.ROLLUPS if not r.linked} == before


def test_a_version_7_store_gets_its_rollups_from_the_migration(tmp_path: Path):
    records = random_records(21, 30)
    fresh = tmp_path / "fresh.duckdb"
    with Store.open(fresh, batch_size=9) as store:
        store.add(records)
        want = {r.table: table(store, r.table) for r in rollups.ROLLUPS}
    assert all(want.values())
    old = tmp_path / "old.duckdb"
    with Store.open(old, batch_size=9) as store:
        store.add(records)
        for rollup in rollups.ROLLUPS:
            store.con.execute(f"DROP TABLE {rollup.table}")
        store.con.execute("ALTER TABLE events DROP COLUMN sentence")  # (schema v9)
        store.con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with Store.open(old) as store:
        assert store.version == SCHEMA_VERSION == 9
        assert {r.table: table(store, r.table) for r in rollups.ROLLUPS} == want
        check_rollups(store)
        store.add(random_records(22, 10))  # and it keeps them up to date from there
        check_rollups(store)


def test_an_article_without_resolution_counts_once_linked(tmp_path: Path):
    """Articles stored without entity resolution (``resolve_entities`` off) count in the network by their
    coded actors; the resolve that links them later moves those counts to the entities."""
    with Store.open(tmp_path / "u.duckdb") as store:
        store.resolve_entities = False
        store.add(random_records(31, 15))
        assert not store.con.execute("SELECT count(*) FROM entity_days").fetchone()[0]
        for rollup in rollups.ROLLUPS:
            assert table(store, rollup.table) == recomputed(store, rollup)
        ce.resolve(store)
        check_rollups(store)


def test_a_version_8_store_gets_its_event_sentences_and_article_entities_from_the_migration(tmp_path: Path,
                                                                                           monkeypatch):
    """Schema v9 adds ``events.sentence``, which the migration slices from the stored texts (a few articles at a
    time here, to cross chunk boundaries), and the rollup ``article_entities``: the store then holds and answers
    what one that wrote them at ingest does."""
    from functools import partial

    from newsgraph.store import schema

    records = random_records(41, 40)
    fresh = tmp_path / "fresh.duckdb"
    with Store.open(fresh, batch_size=9) as store:
        store.add(records)
        want = store.con.execute("SELECT * FROM events ORDER BY article_id, idx").fetchall()
        want_entities = table(store, "article_entities")
    assert want and all(r[-1] for r in want) and want_entities
    old = tmp_path / "old.duckdb"
    with Store.open(old, batch_size=9) as store:
        store.add(records)
        store.con.execute("ALTER TABLE events DROP COLUMN sentence")
        store.con.execute("DROP TABLE article_entities")
        store.con.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:8], partial(schema.MIGRATIONS[8], chunk=3)])
    with Store.open(old) as store:
        assert store.version == SCHEMA_VERSION == 9
        assert store.con.execute("SELECT * FROM events ORDER BY article_id, idx").fetchall() == want
        assert table(store, "article_entities") == want_entities
        check_rollups(store)
        store.add(random_records(42, 10))
        check_rollups(store)
