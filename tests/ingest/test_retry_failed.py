"""`retry_failed` (``newsgraph ingest --retry-failed``) for feed entries and WARC records, end to end through the
NLP pipeline into a real store: a feed's failed page is fetched again on its own from a local server (no
internet), a failed WARC record read again by seeking to it, a broken WARC read again whole; the failures are
resolved and nothing is added twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_feeds import HTML, Server, fast_fetcher, page, rss, server  # noqa: F401 - server is a fixture
from test_warc import Warc

from newsgraph.ingest import Article, Limits, read_sources
from newsgraph.store import Store
from newsgraph.store.pipeline import ingest_articles, retry_failed

pytestmark = pytest.mark.slow  # runs the spaCy pipeline


FERRY = b"""<!doctype html><html><head><title>Ferry back on the lake | Lakeside Courier</title></head><body>
<article><h1>Ferry back on the lake</h1>
<p>HOMA BAY (Lakeside Courier) - The passenger ferry to the islands sailed again on Friday after its engine was
replaced, the transport office said, with every seat taken on the first crossing of the morning.</p>
<p>"We waited a month for the part to arrive from the coast," said the captain, Otieno Were, who has worked the
route for nineteen years.</p>
<p>A second boat is due to join the route before the rains.</p></article></body></html>"""


STORIES = {  # distinct texts: pages of one template would be stored once, the rest linked as near duplicates
    "Kribi": "Fishing boats stayed in the harbour on Monday as a storm crossed the coast, the port office said.",
    "Douala": "The city council approved a budget for new drainage canals after last year's floods.",
    "Limbe": "A botanical garden founded in 1892 reopened its greenhouses to visitors after two years of repairs.",
    "Kano": "Traders at the central market protested a rise in stall fees that the state board announced.",
    "Zaria": "A university hospital opened a new maternity ward with forty beds and two operating theatres.",
    "Jos": "Farmers on the plateau began the potato harvest early because of an unusually dry season.",
    "Kumasi": "The regional football association named a new coach for the under-twenty team on Thursday.",
    "Tamale": "Shea butter cooperatives signed an export contract with a buyer from abroad this week.",
    "Ho": "A new bridge over the river shortened the trip between two district capitals by an hour.",
}


def warc_page(town: str) -> bytes:
    """A news page about ``town``, with a publication date, whose text no other town's page shares."""
    return (f"""<!doctype html><html><head><title>News from {town} | Coast Herald</title>
<meta property="article:published_time" content="2024-11-18T07:00:00Z"></head><body><article>
<h1>News from {town}</h1><p>{town.upper()} (Coast Herald) - {STORIES[town]}</p>
<p>{STORIES[town]} Officials in {town} said more details would follow, and residents were asked to be patient
while the work in {town} went on.</p></article></body></html>""").encode("utf-8")


def ingest(store: Store, sources, **kw) -> None:
    ingest_articles(store, read_sources([str(s) for s in sources], **kw), workers=1)


def test_a_failed_feed_page_is_fetched_again_alone_and_comes_out_as_from_the_feed(server: Server, tmp_path: Path):
    healthy = {"up": False}
    server.routes.update({
        "/news/lake.html": (200, HTML, page("Night fishing resumes")),
        # the page names no date and no author: the entry's fill them in
        "/news/ferry.html": lambda n: (200, HTML, FERRY) if healthy["up"]
        else (500, {}, b"server error"),
        "/private/memo.html": (200, HTML, page("Never fetched")),
    })
    links = ["/news/lake.html", "/news/ferry.html", "/private/memo.html"]
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(server.base, links))
    feed, ferry = server.url("/feed.xml"), server.url("/news/ferry.html")
    fetcher = fast_fetcher()

    with Store.open(tmp_path / "c.duckdb") as store:
        ingest(store, [feed], fetcher=fetcher)
        assert len(store) == 1
        failed = {row.locator: row for row in store.failures()}
        assert set(failed) == {f"<{ferry}>", f"<{server.url('/private/memo.html')}>"}
        row = failed[f"<{ferry}>"]
        assert row.source == feed and row.item == f"{feed}#2 <{ferry}>" and "HTTP 500" in row.reason
        assert row.context["link"] == ferry and row.context["title"] == "Entry 2"
        ferry_requests = server.counts["/news/ferry.html"]

        # the page is back; what the feed would give for it now is what the retry must store
        healthy["up"] = True
        expected = next(a for a in read_sources([feed], fetcher=fast_fetcher()) if a.item == row.item)
        assert isinstance(expected, Article) and expected.published == "2024-11-21T02:15:00+03:00"
        # ... even though the feed no longer lists it (nor answers at all)
        server.routes["/feed.xml"] = (404, {"Content-Type": "text/plain"}, b"gone")
        feed_requests = server.counts["/feed.xml"]

        stats, unreadable = retry_failed(store, fetcher=fetcher, workers=1)
        assert (stats.added, stats.resolved, stats.failed, unreadable) == (1, 1, 1, [])
        assert server.counts["/feed.xml"] == feed_requests  # the page was fetched, not the feed
        assert server.counts["/news/ferry.html"] == ferry_requests + 2  # the expected read, then the retry
        assert "/private/memo.html" not in server.paths()  # robots.txt still obeyed
        record = store.record(expected.id)
        assert record.id == "tag:courier.example,2024:2"
        for name in ("title", "url", "published", "source", "authors", "tags", "text"):
            assert getattr(record, name) == getattr(expected, name), name
        assert store.con.execute("SELECT item FROM articles WHERE id = ?", [record.id]).fetchone()[0] == row.item

        [still] = store.failures()  # the disallowed page stays a failure, one more attempt counted
        assert still.reason == "disallowed by robots.txt" and still.attempts == 2
        assert [r.resolved for r in store.failures(unresolved=False) if r.locator == f"<{ferry}>"] == [True]

        # a second retry adds nothing again
        again, _ = retry_failed(store, fetcher=fetcher, workers=1)
        assert (again.added, again.resolved) == (0, 0) and len(store) == 2


def test_a_whole_feed_that_failed_is_fetched_again(server: Server, tmp_path: Path):
    server.routes["/news/lake.html"] = (200, HTML, page("Night fishing resumes"))
    server.routes["/feed.xml"] = (503, {}, b"busy")
    feed = server.url("/feed.xml")
    with Store.open(tmp_path / "c.duckdb") as store:
        ingest(store, [feed], fetcher=fast_fetcher())
        [row] = store.failures()
        assert (row.source, row.locator) == (feed, "") and "cannot fetch the feed" in row.reason
        server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                      rss(server.base, ["/news/lake.html"]))
        stats, _ = retry_failed(store, fetcher=fast_fetcher(), workers=1)
        assert (stats.added, stats.resolved) == (1, 1) and store.failures() == []


def test_a_failed_warc_record_is_read_again_by_seeking_to_it(tmp_path: Path, monkeypatch):
    warc = Warc(tmp_path / "crawl.warc.gz")
    warc.warcinfo()
    for town in ("Kribi", "Douala"):
        warc.response(f"https://news.example/{town}", warc_page(town))
    warc.response("https://news.example/Limbe", warc_page("Limbe") + b"<!--" + b"x" * 60_000 + b"-->")
    warc.save()
    with Store.open(tmp_path / "c.duckdb") as store:
        # the first run reads with a small limit: the big record fails, alone
        ingest(store, [warc.path], limits=Limits(max_bytes=50_000))
        assert len(store) == 2
        [row] = store.failures()
        assert (row.source, row.locator) == (str(warc.path), f"#{warc.offsets[3]}")
        assert "larger than the limit of 50,000 bytes" in row.reason and row.context == {"rest": False}

        from newsgraph.ingest import warc as warc_module

        whole_reads = []
        monkeypatch.setattr(warc_module, "read_warc_file", lambda *a, **k: whole_reads.append(a) or iter(()))
        stats, unreadable = retry_failed(store, workers=1)
        assert whole_reads == []  # the record was reached by seeking, not by reading the file
        assert (stats.added, stats.present, stats.resolved, stats.failed, unreadable) == (1, 0, 1, 0, [])
        assert store.failures() == [] and len(store) == 3
        item = store.con.execute("SELECT item FROM articles WHERE url = 'https://news.example/Limbe'").fetchone()[0]
        assert item == f"{warc.path}#{warc.offsets[3]}"


def test_a_truncated_warc_record_is_read_again_with_the_rest_of_the_file(tmp_path: Path):
    warc = Warc(tmp_path / "cut.warc", compress=False)
    for town in ("Kano", "Zaria", "Jos"):
        warc.response(f"https://news.example/{town}", warc_page(town))
    data = warc.save()
    warc.path.write_bytes(data[: warc.offsets[1] + 600])  # cut off inside the second record
    with Store.open(tmp_path / "c.duckdb") as store:
        ingest(store, [warc.path])
        assert len(store) == 1
        [row] = store.failures()
        assert row.locator == f"#{warc.offsets[1]}" and row.context == {"rest": True}

        # still truncated: the failure stays, one more attempt
        stats, _ = retry_failed(store, workers=1)
        assert (stats.added, stats.failed) == (0, 1)
        [row] = store.failures()
        assert row.attempts == 2 and "truncated" in row.reason

        warc.path.write_bytes(data)  # the complete file, downloaded again
        stats, _ = retry_failed(store, workers=1)
        # the record and the rest of the file after it; the first record is not read again
        assert (stats.added, stats.present, stats.resolved, stats.failed) == (2, 0, 1, 0)
        assert store.failures() == [] and len(store) == 3
        assert sorted(r[0] for r in store.con.execute("SELECT url FROM articles").fetchall()) == [
            f"https://news.example/{town}" for town in ("Jos", "Kano", "Zaria")]


def test_a_broken_warc_is_read_again_whole_and_nothing_is_added_twice(tmp_path: Path):
    warc = Warc(tmp_path / "mid.warc.gz")
    for town in ("Kumasi", "Tamale", "Ho"):
        warc.response(f"https://news.example/{town}", warc_page(town))
    data = warc.save()
    broken = bytearray(data)
    broken[warc.offsets[1] + 40: warc.offsets[1] + 104] = b"\xff" * 64  # garbage inside the second gzip member
    warc.path.write_bytes(bytes(broken))
    with Store.open(tmp_path / "c.duckdb") as store:
        ingest(store, [warc.path])
        assert len(store) == 1
        [row] = store.failures()
        assert (row.source, row.locator) == (str(warc.path), "")  # the whole file: retried whole
        assert "corrupt or truncated WARC" in row.reason

        warc.path.write_bytes(data)
        stats, _ = retry_failed(store, workers=1)
        assert (stats.added, stats.present, stats.resolved, stats.failed) == (2, 1, 1, 0)
        assert store.failures() == [] and len(store) == 3
        again, _ = retry_failed(store, workers=1)
        assert again.items == 0 and len(store) == 3
