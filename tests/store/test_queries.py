"""Corpus queries (newsgraph.store.queries): quotes, events and full-text search over a small store of invented
records: filters, date ranges, kinds, country codes, pagination totals, ranking, and the index kept in sync."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from newsgraph.record import Actor, ArticleRecord, Entity, Event, Place, Quote, Span
from newsgraph.store import Store
from newsgraph.store import queries as Q


def _span(text: str, word: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Span.of(text, start, start + len(word))


def article(ident: str, published: str | None, title: str, text: str, *, quotes=(), entities=(), events=(),
            places=()) -> ArticleRecord:
    """A record; ``quotes`` as (kind, content, speaker as written, speaker name or None), ``entities`` as
    (name, type, country, mention as written), ``events`` as (type, trigger, source (name, text, country),
    target (name, text, country), place index)."""
    r = ArticleRecord(id=ident, text=text, title=title, url=f"https://wire.example/{ident}", published=published,
                      source="Lantern Wire")
    for i, (name, etype, country, mention) in enumerate(entities):
        r.entities.append(Entity(f"E{i + 1}", name, etype, [], country, [_span(text, mention)]))
    for kind, content, speaker, name in quotes:
        ent = next((e.id for e in r.entities if e.name == name), None)
        r.quotes.append(Quote(kind, _span(text, content), [], None, _span(text, speaker) if speaker else None,
                              ent, name))
    for name, mention in places:
        r.places.append(Place(_span(text, mention), "toponym", name, 1000 + len(r.places), "TUR", None, 39.9, 32.8,
                              "P.PPLC"))
    for etype, trigger, src, tgt, place in events:
        def actor(a):
            if a is None:
                return None
            name, written, country = a
            return Actor(_span(text, written) if written else None, None, name, country, "GOV")
        trig = _span(text, trigger)
        end = text.find(".", trig.end) + 1 or len(text)
        start = text.rfind(".", 0, trig.start) + 1
        while text[start] == " ":
            start += 1
        r.events.append(Event(etype, trig, Span.of(text, start, end), "19", actor(src), actor(tgt), place,
                              None, None, 0.8))
    r.check_spans()
    return r


T1 = ("Defense Minister Selin Aydemir said the border with Syria would stay open. \"We will not close it,\" "
      "Aydemir told reporters in Ankara. Turkish troops shelled positions near the frontier.")
T2 = ("Finance Minister Olav Brekke warned that a drone strike on the refinery would raise fuel prices. "
      "Protesters marched in Oslo. Norway sanctioned the shipping firm.")
T3 = ("Selin Aydemir, the defense minister, said talks with Greek officials had gone well. \"The ceasefire holds,\" "
      "an official said. Greece and Turkey agreed to meet again.")
T4 = ("Aid workers said drone strikes hit two villages overnight. \"Drone strikes are getting closer,\" said Amara "
      "Osei, a nurse. Officials said the ceasefire collapsed.")


def corpus() -> list[ArticleRecord]:
    return [
        article("a1", "2024-01-10", "Border to stay open", T1,
                entities=[("Selin Aydemir", "PERSON", "TUR", "Selin Aydemir"), ("Syria", "GPE", "SYR", "Syria"),
                          ("Ankara", "GPE", "TUR", "Ankara")],
                quotes=[("indirect", "the border with Syria would stay open", "Selin Aydemir", "Selin Aydemir"),
                        ("direct", "\"We will not close it,\"", "Aydemir", "Selin Aydemir")],
                places=[("Ankara", "Ankara")],
                events=[("ASSAULT", "shelled", ("Turkish troops", "Turkish troops", "TUR"), None, 0)]),
        article("a2", "2024-03-05", "Fuel prices", T2,
                entities=[("Olav Brekke", "PERSON", "NOR", "Olav Brekke"), ("Oslo", "GPE", "NOR", "Oslo")],
                quotes=[("indirect", "a drone strike on the refinery would raise fuel prices", "Olav Brekke",
                         "Olav Brekke")],
                events=[("PROTEST", "marched", (None, "Protesters", None), None, None),
                        ("SANCTION", "sanctioned", ("Norway", "Norway", "NOR"), ("shipping firm", "the shipping firm",
                                                                                None), None)]),
        article("a3", "2024-06-20", "Talks with Greece", T3,
                entities=[("Selin Aydemir", "PERSON", "TUR", "Selin Aydemir"), ("Greece", "GPE", "GRC", "Greece")],
                quotes=[("indirect", "talks with Greek officials had gone well", "Selin Aydemir", "Selin Aydemir"),
                        ("direct", "\"The ceasefire holds,\"", "an official", None)],
                events=[("AGREE", "agreed", ("Greece", "Greece", "GRC"), ("Turkey", "Turkey", "TUR"), None)]),
        article("a4", None, "Drone strikes near villages", T4,
                entities=[("Amara Osei", "PERSON", None, "Amara Osei")],
                quotes=[("indirect", "drone strikes hit two villages overnight", "Aid workers", None),
                        ("direct", "\"Drone strikes are getting closer,\"", "Amara Osei", "Amara Osei"),
                        ("indirect", "the ceasefire collapsed", "Officials", None)],
                events=[("ASSAULT", "hit", ("drone strikes", "drone strikes", None), None, None)]),
    ]


@pytest.fixture()
def store(tmp_path: Path):
    with Store.open(tmp_path / "q.duckdb") as s:
        s.resolve_entities = False  # corpus entity resolution is not what these tests are about
        s.add(corpus())
        yield s


def ids(page) -> list[tuple[str, int]]:
    return [(r.article_id, r.idx) for r in page.rows]


# --- quotes ------------------------------------------------------------------------------------------------------

def test_quotes_newest_first_then_article_and_position_with_total(store):
    page = Q.quotes(store)
    assert page.total == 8 and len(page) == 8
    assert ids(page) == [("a3", 0), ("a3", 1), ("a2", 0), ("a1", 0), ("a1", 1), ("a4", 0), ("a4", 1), ("a4", 2)]
    assert page.rows[0].published == "2024-06-20" and page.rows[0].title == "Talks with Greece"


def test_quotes_pagination_keeps_the_total_and_the_order(store):
    whole = ids(Q.quotes(store))
    pages = [Q.quotes(store, limit=3, offset=o) for o in (0, 3, 6, 9)]
    assert [p.total for p in pages] == [8, 8, 8, 8]
    assert sum((ids(p) for p in pages), []) == whole
    assert len(pages[-1]) == 0
    assert Q.quotes(store, limit=0).total == 8 and len(Q.quotes(store, limit=0)) == 0


def test_quotes_by_speaker_full_name_surname_case_and_accents(store):
    assert ids(Q.quotes(store, speaker="Selin Aydemir")) == [("a3", 0), ("a1", 0), ("a1", 1)]
    assert Q.quotes(store, speaker="aydemir").total == 3
    assert Q.quotes(store, speaker="  AYDEMİR ").total in (0, 3)  # dotted capital I: no crash
    assert Q.quotes(store, speaker="Aydémir").total == 3  # accents ignored
    assert Q.quotes(store, speaker="Selin").total == 0  # a given name alone is not the speaker
    assert ids(Q.quotes(store, speaker="officials")) == [("a4", 2)]  # unresolved speaker as written
    assert Q.quotes(store, speaker="Nobody Here").total == 0


def test_quotes_by_kind_and_date_range(store):
    assert Q.quotes(store, kind="direct").total == 3
    assert Q.quotes(store, kind="DIRECT").total == 3
    assert ids(Q.quotes(store, since="2024-03-01", until="2024-06-20")) == [("a3", 0), ("a3", 1), ("a2", 0)]
    assert ids(Q.quotes(store, since="2024-03")) == [("a3", 0), ("a3", 1), ("a2", 0)]
    assert ids(Q.quotes(store, until="2024")) == [("a3", 0), ("a3", 1), ("a2", 0), ("a1", 0), ("a1", 1)]
    assert Q.quotes(store, since="2024-06-21").total == 0  # an undated article never matches a range
    with pytest.raises(Q.QueryError):
        Q.quotes(store, kind="rumour")
    with pytest.raises(Q.QueryError):
        Q.quotes(store, since="last week")
    with pytest.raises(Q.QueryError):
        Q.quotes(store, limit=-1)


def test_quotes_about_an_entity_or_a_phrase(store):
    # Greece is an entity of a3 (and "Greek" is not "Greece")
    assert ids(Q.quotes(store, about="Greece")) == [("a3", 0), ("a3", 1)]
    # a phrase in the article text: both of a4's drone-strike quotes and a2's
    assert {q.article_id for q in Q.quotes(store, about="drone strike")} == {"a2", "a4"}
    assert Q.quotes(store, about="strike drone").total == 0  # the words in that order
    assert {q.article_id for q in Q.quotes(store, about="Aydemir")} == {"a1", "a3"}  # surname of an entity
    assert Q.quotes(store, about="Atlantis").total == 0


def test_quotes_search_words_in_the_content(store):
    assert ids(Q.quotes(store, search="ceasefire")) == [("a3", 1), ("a4", 2)]
    assert ids(Q.quotes(store, search="drone strikes")) == [("a2", 0), ("a4", 0), ("a4", 1)]  # plural ~ singular
    assert ids(Q.quotes(store, search='"drone strikes are"')) == [("a4", 1)]
    assert Q.quotes(store, search="ceasefire refinery").total == 0  # every word, in one quote
    assert Q.quotes(store, search="the").total == 0  # only stop words
    assert ids(Q.quotes(store, search="ceasefire", kind="direct")) == [("a3", 1)]


# --- events ------------------------------------------------------------------------------------------------------

def test_events_by_type_cameo_root_and_order(store):
    page = Q.events(store)
    assert page.total == 5
    assert ids(page)[:3] == [("a3", 0), ("a2", 0), ("a2", 1)]
    assert ids(Q.events(store, type="assault")) == [("a1", 0), ("a4", 0)]
    assert Q.events(store, type="19").total == 5  # CAMEO root (every invented event has 19)


def test_events_by_country_code_country_name_and_actor_name(store):
    assert ids(Q.events(store, source="TUR")) == [("a1", 0)]
    assert ids(Q.events(store, target="TUR")) == [("a3", 0)]
    assert ids(Q.events(store, target="Turkey")) == [("a3", 0)]  # a country name means its code too
    assert ids(Q.events(store, source="GRC", target="TUR")) == [("a3", 0)]
    assert ids(Q.events(store, source="Norway")) == [("a2", 1)]
    assert ids(Q.events(store, source="protesters")) == [("a2", 0)]  # the actor as written
    assert Q.events(store, source="TUR", target="GRC").total == 0


def test_event_rows_carry_place_and_sentence(store):
    (row,) = Q.events(store, source="TUR", sentences=True).rows
    assert row.place == "Ankara" and row.lat == 39.9 and row.geonameid == 1000
    assert row.sentence == "Turkish troops shelled positions near the frontier."
    assert row.source.country == "TUR" and row.date == "2024-01-10"
    assert Q.events(store, source="TUR").rows[0].sentence is None  # only when asked for
    assert ids(Q.events(store, since="2024-02-01", until="2024-03-31")) == [("a2", 0), ("a2", 1)]


# --- search ------------------------------------------------------------------------------------------------------

def test_search_ranks_title_matches_and_frequency_first(store):
    page = Q.search(store, "drone strikes")
    assert page.total == 2
    assert [h.article_id for h in page.rows] == ["a4", "a2"]  # in a4's title and three times in its text
    assert page.rows[0].quotes == ["drone strikes hit two villages overnight", "\"Drone strikes are getting closer,\""]
    assert page.rows[0].snippet in page.rows[0].quotes


def test_search_every_word_phrases_stop_words_and_accents(store):
    assert [h.article_id for h in Q.search(store, "ceasefire")] in (["a4", "a3"], ["a3", "a4"])
    assert Q.search(store, "ceasefire refinery").total == 0
    assert [h.article_id for h in Q.search(store, '"fuel prices"')] == ["a2"]
    assert Q.search(store, '"prices fuel"').total == 0
    assert [h.article_id for h in Q.search(store, "ÁNKARA")] == ["a1"]
    assert Q.search(store, "the and of").total == 0
    assert [h.article_id for h in Q.search(store, "Greece")] == ["a3"]  # title word
    hit = Q.search(store, "refinery").rows[0]
    assert hit.title == "Fuel prices" and hit.url == "https://wire.example/a2" and hit.score > 0


def test_search_pagination_and_stable_ties(store):
    whole = [h.article_id for h in Q.search(store, "said")]
    assert len(whole) == 3  # a2 says "warned"
    pages = [Q.search(store, "said", limit=1, offset=o) for o in range(4)]
    assert [p.total for p in pages] == [3] * 4
    assert [h.article_id for p in pages for h in p.rows] == whole


def test_index_stays_in_sync_as_articles_are_added(store):
    assert Q.search(store, "lighthouse").total == 0
    text = "The lighthouse keeper said the lighthouse would close. Storms battered the coast."
    store.add([article("a5", "2024-07-01", "Lighthouse closes", text,
                       quotes=[("indirect", "the lighthouse would close", "The lighthouse keeper", None)])])
    assert [h.article_id for h in Q.search(store, "lighthouse")] == ["a5"]
    assert ids(Q.quotes(store, search="lighthouse")) == [("a5", 0)]
    store.add([article("a5", "2024-07-01", "Lighthouse closes", text)])  # already present: nothing indexed twice
    assert store.con.execute("SELECT count(*) FROM search_docs WHERE article_id = 'a5'").fetchone()[0] == 1
    assert store.con.execute("SELECT count(*) FROM search_docs").fetchone()[0] == len(store) == 5


def test_articles_stored_before_the_index_are_indexed_by_the_migration(tmp_path: Path):
    from newsgraph.store.schema import MIGRATIONS

    path = tmp_path / "old.duckdb"
    with Store.open(path) as s:
        s.resolve_entities = False
        s.add(corpus())
    con = duckdb.connect(str(path))  # as a store from before the index: its articles not in it
    con.execute("DELETE FROM search_postings")
    con.execute("DELETE FROM search_docs")
    assert Q.backfill_index(con) == 4  # what the migration runs after creating the tables
    assert Q.backfill_index(con) == 0
    con.close()
    with Store.open(path) as s:
        assert [h.article_id for h in Q.search(s, '"fuel prices"')] == ["a2"]
        assert ids(Q.quotes(s, search="ceasefire")) == [("a3", 1), ("a4", 2)]
    assert any("search index" in (m.__doc__ or "") for m in MIGRATIONS)


def test_terms_normalize_and_stem():
    assert Q.terms("The Strikes on Erdoğan's countries, and NEWS") == ["strike", "erdogan", "country", "news"]
    assert Q.stem("crisis") == "crisis" and Q.stem("bus") == "bus" and Q.stem("horses") == "horse"
    assert Q.term_key("strike") == Q.term_key("strike") and Q.term_key("strike") != Q.term_key("strikes")


def test_compacting_the_index_sorts_postings_and_keeps_results(tmp_path: Path):
    db = tmp_path / "c.duckdb"
    with Store.open(db) as st:
        st.add(corpus())
    with Store.open(db, read_only=True) as st:
        before = [(h.article_id, round(h.score, 6)) for h in Q.search(st, "ceasefire talks").rows]
    con = duckdb.connect(str(db))
    try:
        assert Q.compact_index(con, min_rows=10**9) is False  # too small to bother
        assert Q.compact_index(con, force=True) is True
        terms = [row[0] for row in con.execute("SELECT term FROM search_postings").fetchall()]
        assert terms == sorted(terms)
        sorted_rows = con.execute("SELECT value FROM meta WHERE key = 'search_sorted_rows'").fetchone()[0]
        assert int(sorted_rows) == len(terms)
        assert Q.compact_index(con, min_rows=0) is False  # nothing new since
    finally:
        con.close()
    with Store.open(db, read_only=True) as st:
        assert [(h.article_id, round(h.score, 6)) for h in Q.search(st, "ceasefire talks").rows] == before
