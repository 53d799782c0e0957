"""Fixtures for the API and web tests (imported by tests/conftest.py): a corpus store of the bundled sample articles plus one hostile article (markup and script in its text, title,
source and URL), built once per session through the real pipeline; and the served app over it."""

from __future__ import annotations

from pathlib import Path

import pytest

HOSTILE_ID = "hostile-markup"
HOSTILE = {
    "id": HOSTILE_ID,
    "title": "Council <script>window.__pwned = 'title'</script> votes on <b>budget</b>",
    "source": "\"><img src=x onerror=\"window.__pwned='source'\">",
    "url": "javascript:window.__pwned='url'",
    "published": "2025-02-11T09:00:00Z",
    "text": ("ANKARA — Councillor Derya Kaptan said on Monday that the budget <script>window.__pwned = 'text';"
             "alert('text')</script> would pass before the recess.\n\n"
             "\"We will not accept <img src=x onerror=\"window.__pwned='quote'\"> any delay,\" Kaptan said. "
             "\"The <b>people</b> of Ankara deserve an answer.\"\n\n"
             "Opposition leader Murat Ergin accused the council of hiding <iframe src=\"javascript:alert(1)\">"
             "</iframe> the costs from the public, according to a statement."),
}


def sample_articles():
    from newsgraph.cli import sample_dir
    from newsgraph.ingest import Article, Limits, read_sources

    articles = [a for a in read_sources([str(sample_dir())], Limits()) if isinstance(a, Article)]
    hostile = Article(text=HOSTILE["text"], id=HOSTILE_ID, title=HOSTILE["title"], url=HOSTILE["url"],
                      published=HOSTILE["published"], source=HOSTILE["source"], item="<test hostile>")
    return articles + [hostile]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, nlp):
    """(store path, records): the samples and the hostile article, extracted and stored."""
    from newsgraph.nlp.runner import records_for
    from newsgraph.record import ArticleRecord
    from newsgraph.store import Store

    records = [r for r in records_for(nlp, sample_articles()) if isinstance(r, ArticleRecord)]
    path = tmp_path_factory.mktemp("served") / "corpus.duckdb"
    with Store.open(path) as store:
        stats = store.add(records)
    assert stats.added == len(records)
    return Path(path), records


@pytest.fixture(scope="session")
def client(corpus):
    from fastapi.testclient import TestClient

    from newsgraph.api import create_app

    app = create_app(corpus[0])
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
