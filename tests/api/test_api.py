"""The REST API over a real store (the sample corpus through the pipeline): every endpoint, the list envelope and
its paging, filters checked against the stored records, bad and hostile parameters, JSON errors, the query time
limit, and ingest with a token."""

from __future__ import annotations

import pytest

from served_corpus import HOSTILE, HOSTILE_ID

pytestmark = pytest.mark.slow

ENDPOINTS = ["/api/v1/", "/api/v1/articles", "/api/v1/quotes", "/api/v1/entities", "/api/v1/events",
             "/api/v1/events/timeline", "/api/v1/events/network", "/api/v1/places", "/api/v1/search?q=ceasefire"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_answers_json(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert isinstance(r.json(), dict)


def test_unversioned_prefix_is_the_current_version(client):
    plain, versioned = client.get("/api/quotes?limit=5").json(), client.get("/api/v1/quotes?limit=5").json()
    assert plain["items"] == versioned["items"] and plain["total"] == versioned["total"]
    assert plain["next"].startswith("/api/quotes?") and versioned["next"].startswith("/api/v1/quotes?")


def test_openapi_documents_the_versioned_api(client):
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/quotes", "/api/v1/entities/{corpus_id}",
                 "/api/v1/events/timeline", "/api/v1/events/network", "/api/v1/places", "/api/v1/search"):
        assert path in paths
    assert not any(p.startswith("/api/quotes") for p in paths)  # the alias is not documented twice
    assert not any(p.startswith("/articles") for p in paths)  # nor are the HTML pages


def test_index_counts_what_the_store_holds(client, corpus):
    _, records = corpus
    body = client.get("/api/v1/").json()
    assert body["counts"]["articles"] == len(records)
    assert body["counts"]["quotes"] == sum(len(r.quotes) for r in records)
    assert body["counts"]["events"] == sum(len(r.events) for r in records)
    assert body["read_only"] is True


def test_article_list_pages_are_stable_and_complete(client, corpus):
    _, records = corpus
    first = client.get("/api/v1/articles?limit=4").json()
    assert first["total"] == len(records) and len(first["items"]) == 4
    seen, url = [], "/api/v1/articles?limit=4"
    while url:
        page = client.get(url).json()
        seen += [a["id"] for a in page["items"]]
        url = page["next"]
    assert sorted(seen) == sorted(r.id for r in records) and len(seen) == len(set(seen))
    dates = [a["published"] or "" for a in client.get("/api/v1/articles?limit=200").json()["items"]]
    assert [d[:10] for d in dates if d] == sorted((d[:10] for d in dates if d), reverse=True)


def test_article_returns_the_full_record(client, corpus):
    _, records = corpus
    record = next(r for r in records if r.quotes and r.events)
    body = client.get(f"/api/v1/articles/{record.id}").json()
    got = body["record"]
    assert got["text"] == record.text and got["id"] == record.id
    assert len(got["quotes"]) == len(record.quotes) and len(got["events"]) == len(record.events)
    for q in got["quotes"]:
        span = q["content"]
        assert record.text[span["start"]:span["end"]] == span["text"]
    linked = body["store"]["corpus_entities"]
    assert linked and set(linked) <= {e.id for e in record.entities}


def test_unknown_ids_are_json_404s(client):
    for url in ("/api/v1/articles/no-such-article", "/api/v1/entities/C999999", "/api/v1/entities/C999999/quotes"):
        r = client.get(url)
        assert r.status_code == 404 and r.json()["error"]["status"] == 404
        assert "no " in r.json()["error"]["message"]
    r = client.get("/api/v1/no-such-endpoint")
    assert r.status_code == 404 and "error" in r.json()


def test_quote_filters_agree_with_the_records(client, corpus):
    _, records = corpus
    named = [q for r in records for q in r.quotes if q.speaker_name]
    speaker = max({q.speaker_name for q in named}, key=lambda n: sum(q.speaker_name == n for q in named))
    body = client.get("/api/v1/quotes", params={"speaker": speaker, "limit": 200}).json()
    assert body["total"] == sum(q.speaker_name == speaker for q in named)
    assert {q["speaker_name"] for q in body["items"]} == {speaker}
    direct = client.get("/api/v1/quotes", params={"kind": "direct", "limit": 200}).json()
    assert direct["total"] == sum(q.kind == "direct" for r in records for q in r.quotes)
    assert {q["kind"] for q in direct["items"]} == {"direct"}


def test_quote_date_range_is_inclusive(client, corpus):
    _, records = corpus
    day = next(r.published[:10] for r in records if r.published and r.quotes)
    body = client.get("/api/v1/quotes", params={"since": day, "until": day, "limit": 200}).json()
    expected = sum(len(r.quotes) for r in records if r.published and r.published[:10] == day)
    assert body["total"] == expected and expected > 0


def test_entity_profile_has_roles_quotes_events_and_neighbours(client, corpus):
    _, records = corpus
    named = [q.speaker_name for r in records for q in r.quotes if q.speaker_name]
    name = max(set(named), key=named.count)
    found = client.get("/api/v1/entities", params={"q": name}).json()["items"]
    assert found and found[0]["name"] == name
    profile = client.get(f"/api/v1/entities/{found[0]['id']}").json()
    assert profile["quotes"] == named.count(name)
    assert profile["quotes_by"]["total"] == named.count(name)
    assert all(q["speaker_name"] == name for q in profile["quotes_by"]["items"])
    for key in ("roles", "aliases", "co_occurring", "timeline", "quotes_about", "events_as_source",
                "events_as_target"):
        assert key in profile
    assert profile["co_occurring"], "a quoted person shares an article with someone"
    timeline = client.get(f"/api/v1/entities/{found[0]['id']}/timeline?interval=day").json()["items"]
    assert sum(t["quotes"] for t in timeline) <= profile["quotes"]


def test_quotes_about_an_entity_name_it_inside_the_quote(client, corpus):
    path, records = corpus
    by_text = {r.id: r for r in records}
    entities = client.get("/api/v1/entities?limit=50").json()["items"]
    checked = 0
    for e in entities:
        about = client.get(f"/api/v1/entities/{e['id']}/quotes?relation=about&limit=50").json()
        for q in about["items"]:
            record = by_text[q["article_id"]]
            quote = record.quotes[q["idx"]]
            inside = [m for ent in record.entities for m in ent.mentions
                      if quote.content.start <= m.start and m.end <= quote.content.end]
            assert inside, "a quote about an entity holds one of its mentions"
            checked += 1
    assert checked > 0


def test_event_filters_timeline_and_network_agree(client, corpus):
    _, records = corpus
    types = [e.type for r in records for e in r.events]
    common = max(set(types), key=types.count)
    listed = client.get("/api/v1/events", params={"type": common, "limit": 200}).json()
    assert listed["total"] == types.count(common)
    assert all(e["type"] == common and e["sentence"] for e in listed["items"])
    timeline = client.get("/api/v1/events/timeline", params={"type": common, "interval": "year"}).json()
    assert sum(t["count"] for t in timeline["items"]) <= types.count(common)
    assert {t["type"] for t in timeline["items"]} <= {common}
    net = client.get("/api/v1/events/network", params={"limit": 40}).json()
    ids = {n["id"] for n in net["nodes"]}
    assert net["edges"] and all(e["source"] in ids and e["target"] in ids for e in net["edges"])
    assert len(net["edges"]) <= 40
    typed = client.get("/api/v1/events/network", params={"type": common}).json()
    assert {e["type"] for e in typed["edges"]} <= {common}


def test_places_have_points_and_counts(client, corpus):
    _, records = corpus
    places = client.get("/api/v1/places").json()["items"]
    assert places
    for p in places:
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 and p["articles"] >= 1
    resolved = {p.geonameid for r in records for p in r.places if p.geonameid and p.lat is not None}
    assert {p["geonameid"] for p in places} - {None} == resolved
    country = places[0]["country"]
    only = client.get("/api/v1/places", params={"country": country}).json()["items"]
    assert only and {p["country"] for p in only} == {country}


def test_search_finds_quotes_articles_and_entities(client, corpus):
    _, records = corpus
    from newsgraph.store.queries import terms

    record = next(r for r in records if r.quotes and r.title)
    words = [w for q in record.quotes for w in q.content.text.split() if w.isalpha() and w.islower() and terms(w)]
    word = max(words, key=len)
    body = client.get("/api/v1/search", params={"q": word}).json()
    assert record.id in {a["article_id"] for a in body["articles"]["items"]}
    assert any(word.lower() in q["content"].lower() for q in body["quotes"]["items"])
    person = next(e.name for r in records for e in r.entities if e.type == "PERSON")
    names = {e["name"] for e in client.get("/api/v1/search", params={"q": person}).json()["entities"]}
    assert person in names


@pytest.mark.parametrize("url, parameter", [
    ("/api/v1/quotes?limit=201", "limit"),
    ("/api/v1/quotes?limit=-1", "limit"),
    ("/api/v1/quotes?offset=-5", "offset"),
    ("/api/v1/quotes?offset=abc", "offset"),
    ("/api/v1/quotes?since=2024-13-45", "since"),
    ("/api/v1/quotes?until=yesterday", "until"),
    ("/api/v1/quotes?kind=sarcastic", "kind"),
    ("/api/v1/events?type=BOMBARD", "type"),
    ("/api/v1/events/timeline?interval=fortnight", "interval"),
    ("/api/v1/events/network?limit=0", "limit"),
    ("/api/v1/articles?since=2025-05-01&until=2025-01-01", None),
    ("/api/v1/entities?type=ALIEN", "type"),
    ("/api/v1/places?country=Atlantis", "country"),
    ("/api/v1/search", "q"),
    ("/api/v1/search?q=" + "x" * 600, "q"),
    ("/api/v1/entities/C1/quotes?relation=near", "relation"),
])
def test_bad_parameters_answer_422_naming_the_parameter(client, url, parameter):
    r = client.get(url)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["status"] == 422 and error["message"]
    if parameter:
        assert error["parameter"] == parameter
        assert parameter in error["message"]
    assert "Traceback" not in r.text


@pytest.mark.parametrize("value", ["'; DROP TABLE articles; --", "\" OR 1=1 --", "%", "_", "\\", "\x00",
                                   "<script>alert(1)</script>", "é" * 400])
def test_hostile_text_parameters_are_data(client, corpus, value):
    for url in ("/api/v1/quotes", "/api/v1/events"):
        for name in ("speaker", "about", "q") if url.endswith("quotes") else ("source", "target"):
            r = client.get(url, params={name: value})
            assert r.status_code in (200, 422), (url, name, r.text)
            assert "Traceback" not in r.text
    assert client.get("/api/v1/").json()["counts"]["articles"] == len(corpus[1])


def test_unexpected_errors_are_500_without_internals(corpus, monkeypatch):
    from fastapi.testclient import TestClient

    from newsgraph.api import create_app
    from newsgraph.store import aggregates

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail at /srv/newsgraph")

    monkeypatch.setattr(aggregates, "places", broken)
    with TestClient(create_app(corpus[0]), raise_server_exceptions=False) as c:
        r = c.get("/api/v1/places")
    assert r.status_code == 500
    assert r.json()["error"]["status"] == 500
    assert "secret" not in r.text and "Traceback" not in r.text and "/srv" not in r.text


def test_a_query_past_the_time_limit_is_stopped(corpus):
    from newsgraph.api.database import Database, QueryTimeout

    db = Database(corpus[0], query_timeout=0.2)
    try:
        with pytest.raises(QueryTimeout, match="longer than 0.2 s"):
            with db.reader() as view:
                view.con.execute("SELECT count(*) FROM range(100000000000) a(i) WHERE i % 7 = 3").fetchone()
        with db.reader() as view:  # the server goes on answering
            assert view.con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(corpus[1])
    finally:
        db.close()


def test_ingest_is_refused_on_a_read_only_server(client):
    r = client.post("/api/v1/articles", json={"text": "A short note.", "id": "x"},
                    headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403 and "allow-ingest" in r.json()["error"]["message"]


def test_ingest_with_the_token(tmp_path, corpus):
    import shutil

    from fastapi.testclient import TestClient

    from newsgraph.api import create_app

    db = tmp_path / "writable.duckdb"
    shutil.copy(corpus[0], db)
    app = create_app(db, allow_ingest=True, token="s3cret")
    article = {"id": "posted-1", "title": "Harbour reopens", "published": "2025-07-01",
               "text": "IZMIR — Port director Selin Aydemir said on Tuesday that the harbour would reopen. "
                       "\"Ships can dock again,\" Aydemir said."}
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.post("/api/v1/articles", json=article).status_code == 401
        assert c.post("/api/v1/articles", json=article, headers={"Authorization": "Bearer wrong"}).status_code == 401
        r = c.post("/api/v1/articles", json=article, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 201, r.text
        assert r.json()["results"] == [{"index": 0, "id": "posted-1", "status": "added"}]
        again = c.post("/api/v1/articles", json=article, headers={"Authorization": "Bearer s3cret"})
        assert again.status_code == 200 and again.json()["results"][0]["status"] in ("present", "duplicate")
        bad = c.post("/api/v1/articles", json=[{"text": ""}, {"title": "no text"}],
                     headers={"Authorization": "Bearer s3cret"})
        assert bad.status_code == 422 and [x["status"] for x in bad.json()["results"]] == ["failed", "failed"]
        got = c.get("/api/v1/articles/posted-1").json()["record"]
        assert got["title"] == "Harbour reopens" and any(q["speaker_name"] == "Selin Aydemir" for q in got["quotes"])
        assert c.get("/api/v1/quotes", params={"speaker": "Aydemir"}).json()["total"] >= 1


def test_hostile_article_comes_back_as_data(client):


    got = client.get(f"/api/v1/articles/{HOSTILE_ID}").json()["record"]
    assert got["text"] == HOSTILE["text"] and got["title"] == HOSTILE["title"]


def test_answers_are_cached_and_the_cache_is_cleared_by_ingest(tmp_path, corpus):
    import shutil

    from fastapi.testclient import TestClient

    from newsgraph.api import create_app

    with TestClient(create_app(corpus[0]), raise_server_exceptions=False) as c:
        first, again = c.get("/api/v1/places"), c.get("/api/v1/places")
        assert first.headers["x-cache"] == "miss" and again.headers["x-cache"] == "hit"
        assert first.json() == again.json()
        assert c.get("/api/v1/places?limit=3").headers["x-cache"] == "miss"  # the query is part of the key
        assert c.get("/api/v1/quotes?kind=bad").headers["x-cache"] == "miss"  # errors are never kept
        assert c.get("/api/v1/quotes?kind=bad").headers["x-cache"] == "miss"
    db = tmp_path / "w.duckdb"
    shutil.copy(corpus[0], db)
    with TestClient(create_app(db, allow_ingest=True, token="t"), raise_server_exceptions=False) as c:
        before = c.get("/api/v1/articles?limit=1").json()["total"]
        assert c.get("/api/v1/articles?limit=1").headers["x-cache"] == "hit"
        r = c.post("/api/v1/articles", json={"id": "new-1", "text": "ROME — Mayor Carla Benedetti said the "
                                             "bridge would reopen on Friday."}, headers={"Authorization": "Bearer t"})
        assert r.status_code == 201
        after = c.get("/api/v1/articles?limit=1")
        assert after.headers["x-cache"] == "miss" and after.json()["total"] == before + 1
