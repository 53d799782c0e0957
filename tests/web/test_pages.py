"""The web UI's pages as HTML (no browser): every page answers, shows what the store holds, escapes the article's
text, and turns bad parameters into readable error pages. tests/web/test_browser.py drives the same pages in
Chromium."""

from __future__ import annotations

import re

import pytest

from served_corpus import HOSTILE_ID

pytestmark = pytest.mark.slow


def _entity_id(client, name: str) -> str:
    return client.get("/api/v1/entities", params={"q": name}).json()["items"][0]["id"]


def _top_speaker(records) -> str:
    named = [q.speaker_name for r in records for q in r.quotes if q.speaker_name]
    return max(set(named), key=named.count)


@pytest.mark.parametrize("url", ["/", "/search?q=ceasefire", "/articles", "/entities", "/entities?type=PERSON",
                                 "/events", "/events?interval=month&type=ASSAULT", "/map", "/map?country=TUR"])
def test_pages_answer_html(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "<main id=\"main\"" in r.text and "/static/app.css" in r.text


def test_nothing_is_loaded_from_elsewhere(client, corpus):
    _, records = corpus
    pages = ["/", "/events", "/map", f"/articles/{records[0].id}"]
    for url in pages:
        html = client.get(url).text
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert ref.startswith(("/", "#", "data:")) or ref in {r.url for r in records if r.url}, (url, ref)
    for asset in ("/static/app.css", "/static/app.js", "/static/world.svg"):
        assert client.get(asset).status_code == 200


def test_article_page_highlights_every_kind(client, corpus):
    _, records = corpus
    record = max(records, key=lambda r: len(r.quotes) + len(r.events) + len(r.places) + len(r.dates))
    html = client.get(f"/articles/{record.id}").text
    for kind in ("quote", "speaker", "cue", "entity", "place", "date", "event"):
        assert f"hl-{kind}" in html
        assert f'id="show-{kind}"' in html  # its toggle in the legend
    for n in range(len(record.quotes)):
        assert f'id="quote-{n}"' in html
    # the highlighted pieces put back together are the text, paragraph by paragraph
    body = html.split('id="article-text">', 1)[1].split("</div>", 1)[0]
    plain = re.sub(r"<[^>]+>", "", body)
    import html as html_lib

    words = html_lib.unescape(plain).split()
    assert words == record.text.split()


def test_hover_texts_carry_resolved_values(client, corpus):
    _, records = corpus
    record = next(r for r in records if any(d.value for d in r.dates) and any(p.geonameid for p in r.places))
    html = client.get(f"/articles/{record.id}").text
    date = next(d for d in record.dates if d.value)
    assert f"TIMEX3 {date.type}: {date.value}" in html
    place = next(p for p in record.places if p.geonameid)
    assert f"GeoNames {place.geonameid}" in html


def test_entity_page_lists_the_quotes_and_draws_a_timeline(client, corpus):
    _, records = corpus
    name = _top_speaker(records)
    html = client.get(f"/entities/{_entity_id(client, name)}").text
    said = [q for r in records for q in r.quotes if q.speaker_name == name]
    assert f"Quotes by {name}" in html and f"({len(said)})" in html
    import html as html_lib

    text = html_lib.unescape(html)
    for q in said[:5]:
        assert q.content.text in text
    assert 'class="bars"' in html and "<rect" in html


def test_events_page_draws_timeline_and_network(client):
    html = client.get("/events").text
    assert 'id="event-timeline"' in html and 'class="bar"' in html
    assert 'id="actor-network"' in html and 'class="edge"' in html and "<circle" in html


def test_map_page_draws_places_over_the_bundled_outline(client):
    html = client.get("/map").text
    assert '<image href="/static/world.svg"' in html
    assert html.count('class="place"') == len(client.get("/api/v1/places?limit=1000").json()["items"])


def test_article_text_and_metadata_are_escaped(client):
    html = client.get(f"/articles/{HOSTILE_ID}").text
    assert "<script>window.__pwned" not in html and "<img src=x" not in html and "<iframe" not in html
    assert "&lt;script&gt;window.__pwned" in html
    assert "href=\"javascript:" not in html  # the javascript: URL is not linked
    home = client.get("/").text
    assert "<script>window.__pwned" not in home and "&lt;script&gt;" in home  # the title in "latest"
    found = client.get("/search", params={"q": "<script>alert(1)</script> Kaptan"}).text
    assert "<script>alert(1)" not in found


@pytest.mark.parametrize("url, status", [("/articles/nope", 404), ("/entities/C99999", 404), ("/nowhere", 404),
                                         ("/events?since=someday", 422), ("/events?interval=fortnight", 422),
                                         ("/articles?offset=-3", 422), ("/map?country=Atlantis", 422)])
def test_bad_pages_are_readable_errors(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>" in r.text and "Traceback" not in r.text
