"""Feed reader: RSS/Atom/RDF from files and URLs, entries fetched politely from a local server (no internet)."""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgraph import __version__
from newsgraph.ingest import Article, Failure, Limits, read_sources
from newsgraph.ingest.feeds import (EntryFailure, Fetcher, FetchError, html_fragment_text, read_feed_bytes, user_agent,
                                    xml_root)

PAGE = """<!doctype html><html><head><title>{title} | Lakeside Courier</title>
<meta property="og:title" content="{title}">{meta}
</head><body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p>KISUMU (Lakeside Courier) — Fishermen on the northern shore returned to the water on Thursday after a
two-week ban on night fishing ended, the county fisheries office said, with catches reported above average.</p>
<p>"The lake has had time to rest and you can see it in the nets," said Achieng Odhiambo, who chairs a landing
beach cooperative of some forty boats near the town.</p>
<p>The office said it would review the ban's effect on stocks before the next season.</p>
</article></body></html>"""


def page(title: str = "Night fishing resumes", meta: str = "") -> bytes:
    return PAGE.format(title=title, meta=meta).encode("utf-8")


def rss(base: str, links: list[str], title: str = "Lakeside Courier") -> bytes:
    items = "".join(
        f"""<item><title>Entry {n}</title><link>{base}{link}</link><guid>tag:courier.example,2024:{n}</guid>
        <pubDate>Thu, 21 Nov 2024 0{n % 10}:15:00 +0300</pubDate><author>desk@courier.example (Wanjiru Kamau)</author>
        <category>Fisheries</category>
        <description>&lt;p&gt;Summary of entry {n} about the lake and the boats that work it.&lt;/p&gt;</description>
        </item>""" for n, link in enumerate(links, 1))
    return (f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>
    <link>{base}/</link><description>News from the lake</description>{items}</channel></rss>""").encode()


class Server:
    """A local HTTP server: routes map a path to (status, headers, body) or to a function of the request count."""

    def __init__(self):
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[str, float, str]] = []  # (path, time.monotonic(), user agent)
        self.counts: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's naming
                path = self.path
                server.requests.append((path, time.monotonic(), self.headers.get("User-Agent", "")))
                server.counts[path] = server.counts.get(path, 0) + 1
                route = server.routes.get(path, (404, {"Content-Type": "text/plain"}, b"not found"))
                if callable(route):
                    route = route(server.counts[path])
                status, headers, body = route
                if status == "hang":
                    time.sleep(headers)
                    return
                if status == "drip":  # headers at once, then one byte every 0.1 s
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    try:
                        for _ in range(20):
                            self.wfile.write(b"<")
                            self.wfile.flush()
                            time.sleep(0.1)
                    except OSError:
                        pass
                    return
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [p for p, _, _ in self.requests]


HTML = {"Content-Type": "text/html; charset=utf-8"}
ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")


@pytest.fixture
def server():
    srv = Server()
    srv.routes["/robots.txt"] = ROBOTS
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


class TimedFetcher(Fetcher):
    """Records when each request is let go (after the rate limit's wait), on the client's clock."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.sent: list[float] = []

    def _wait_turn(self, url: str) -> None:
        super()._wait_turn(url)
        self.sent.append(time.monotonic())


def fast_fetcher(**kw) -> TimedFetcher:
    options = dict(min_interval=0.0, backoff=0.01, max_backoff=0.05, retries=2, connect_timeout=2.0,
                   read_timeout=0.3, total_timeout=3.0)
    options.update(kw)
    return TimedFetcher(**options)


def assert_spaced(fetcher: TimedFetcher, server: Server, interval: float) -> None:
    """Requests left the client at least ``interval`` apart, and reached the server so (give or take its threads)."""
    sent = fetcher.sent
    gaps = [later - earlier for earlier, later in zip(sent, sent[1:])]
    assert all(gap >= interval - 0.005 for gap in gaps), gaps  # a woken thread may run a little late
    arrived = [t for _, t, _ in server.requests]
    assert len(arrived) == len(sent), server.paths()
    gaps = [later - earlier for earlier, later in zip(arrived, arrived[1:])]
    assert all(gap >= 0.8 * interval for gap in gaps), gaps


def read(*sources, **kw):
    return list(read_sources([str(s) for s in sources], **kw))


def test_user_agent_is_honest(monkeypatch):
    monkeypatch.delenv("NEWSGRAPH_CONTACT", raising=False)
    assert user_agent() == f"newsgraph/{__version__} (offline news analysis)"
    monkeypatch.setenv("NEWSGRAPH_CONTACT", "mailto:desk@example.org")
    assert user_agent() == f"newsgraph/{__version__} (offline news analysis; +mailto:desk@example.org)"


def test_feed_url_entries_become_articles_with_each_failure_named(server: Server):
    server.routes.update({
        "/news/lake.html": (200, HTML, page(meta='<meta name="author" content="Otieno Were">')),
        "/news/untitled.html": (200, HTML, page().replace(b"<title>", b"<x>").replace(b"</title>", b"</x>")
                                .replace(b'<meta property="og:title" content="Night fishing resumes">', b"")
                                .replace(b"<h1>Night fishing resumes</h1>", b"")),
        "/private/memo.html": (200, HTML, page("Never fetched")),
        "/old-path": (301, {"Location": "/news/moved.html"}, b""),
        "/news/moved.html": (200, HTML, page("Moved story")),
        "/flaky.html": lambda n: (503, {}, b"busy") if n <= 2 else (200, HTML, page("Third time lucky")),
        "/report.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 not html"),
        "/gone.html": (410, HTML, b"<html>gone</html>"),
        "/zipped.html": (200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress(page("Zipped story"))),
    })
    links = ["/news/lake.html", "/news/untitled.html", "/private/memo.html", "/old-path", "/flaky.html",
             "/report.pdf", "/gone.html", "/zipped.html"]
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(server.base, links))
    feed = server.url("/feed.xml")
    items = read(feed, fetcher=fast_fetcher())
    kinds = ["Failure" if isinstance(i, Failure) else type(i).__name__ for i in items]
    assert kinds == ["Article", "Article", "Failure", "Article", "Article", "Failure", "Failure", "Article"]
    lake, untitled, private, moved, flaky, pdf, gone, zipped = items

    assert lake.item == f"{feed}#1 <{server.url('/news/lake.html')}>"
    assert "Fishermen on the northern shore" in lake.text
    assert lake.title == "Night fishing resumes"  # the page's own
    assert lake.authors == ["Otieno Were"]  # the page's own
    assert lake.published == "2024-11-21T01:15:00+03:00"  # the page has none: the entry's, normalized
    assert lake.id == "tag:courier.example,2024:1" and lake.source == "Lakeside Courier"
    assert lake.url == server.url("/news/lake.html")
    assert untitled.title == "Entry 2"  # the page has no title: the entry's
    assert untitled.authors == ["Wanjiru Kamau"]  # from the entry (RSS's "email (Name)" form)

    assert private.item == f"{feed}#3 <{server.url('/private/memo.html')}>"
    assert private.reason == "disallowed by robots.txt"
    assert "/private/memo.html" not in server.paths()
    # a failed page keeps its link and the entry's metadata, to be fetched again without the feed
    assert isinstance(private, EntryFailure) and private.context == {
        "link": server.url("/private/memo.html"), "title": "Entry 3", "published": "2024-11-21T03:15:00+03:00",
        "authors": ["Wanjiru Kamau"], "tags": ["Fisheries"], "id": "tag:courier.example,2024:3",
        "feed_title": "Lakeside Courier"}

    assert moved.title == "Moved story" and moved.url == server.url("/news/moved.html")
    assert flaky.title == "Third time lucky" and server.counts["/flaky.html"] == 3
    assert "not an HTML page (application/pdf)" in pdf.reason
    assert "HTTP 410" in gone.reason
    assert zipped.title == "Zipped story"

    assert server.counts["/robots.txt"] == 1  # cached per site
    assert {agent for _, _, agent in server.requests} == {user_agent()}


def test_retries_give_up_with_the_reason(server: Server):
    server.routes["/down.html"] = (503, {}, b"down")
    with pytest.raises(FetchError, match=r"HTTP 503 .* after 3 tries"):
        fast_fetcher().fetch_html(server.url("/down.html"))
    assert server.counts["/down.html"] == 3


def test_429_retry_after_is_honoured(server: Server):
    server.routes["/busy.html"] = lambda n: ((429, {"Retry-After": "1"}, b"slow down") if n == 1
                                             else (200, HTML, page("After the wait")))
    response = fast_fetcher().fetch_html(server.url("/busy.html"))
    assert b"After the wait" in response.body
    times = [t for p, t, _ in server.requests if p == "/busy.html"]
    assert len(times) == 2 and times[1] - times[0] >= 0.8  # server clock: thread scheduling jitter allowed


def test_retry_after_beyond_the_limit_fails_at_once(server: Server):
    server.routes["/later.html"] = (503, {"Retry-After": "3600"}, b"")
    started = time.monotonic()
    with pytest.raises(FetchError, match="retry after 3600 s, more than the limit of 5 s"):
        fast_fetcher(max_retry_after=5).fetch_html(server.url("/later.html"))
    assert time.monotonic() - started < 2 and server.counts["/later.html"] == 1


def test_a_page_that_never_answers_times_out(server: Server):
    server.routes["/slow.html"] = ("hang", 1.5, b"")
    started = time.monotonic()
    with pytest.raises(FetchError, match="no response within 0.2 s after 2 tries"):
        fast_fetcher(read_timeout=0.2, retries=1).fetch_html(server.url("/slow.html"))
    assert time.monotonic() - started < 1.5


def test_a_page_that_drips_hits_the_total_timeout(server: Server):
    server.routes["/drip.html"] = ("drip", None, b"")
    with pytest.raises(FetchError, match="not complete within 0.4 s"):
        fast_fetcher(total_timeout=0.4, retries=0).fetch_html(server.url("/drip.html"))


def test_rate_limit_spaces_requests_to_one_host(server: Server):
    server.routes["/a.html"] = (200, HTML, page("A"))
    server.routes["/b.html"] = (200, HTML, page("B"))
    fetcher = fast_fetcher(min_interval=0.3)
    fetcher.fetch_html(server.url("/a.html"))
    fetcher.fetch_html(server.url("/b.html"))
    assert server.paths() == ["/robots.txt", "/a.html", "/b.html"]  # all to one host
    assert_spaced(fetcher, server, 0.3)


def test_crawl_delay_widens_the_interval(server: Server):
    server.routes["/robots.txt"] = (200, {}, b"User-agent: newsgraph\nCrawl-delay: 1\n")
    server.routes["/a.html"] = (200, HTML, page("A"))
    server.routes["/b.html"] = (200, HTML, page("B"))
    fetcher = fast_fetcher(min_interval=0.0)
    fetcher.fetch_html(server.url("/a.html"))
    fetcher.fetch_html(server.url("/b.html"))
    assert server.paths() == ["/robots.txt", "/a.html", "/b.html"]
    _, a, b = fetcher.sent
    assert b - a >= 1.0  # robots.txt came before its Crawl-delay was known
    assert server.requests[2][1] - server.requests[1][1] >= 0.8


def test_robots_txt_missing_allows_and_unreachable_forbids(server: Server):
    server.routes["/robots.txt"] = (404, {}, b"")
    server.routes["/private/x.html"] = (200, HTML, page("Allowed when robots.txt is missing"))
    assert fast_fetcher().fetch_html(server.url("/private/x.html")).status == 200
    server.routes["/robots.txt"] = (500, {}, b"")
    with pytest.raises(FetchError, match="robots.txt .* could not be fetched"):
        fast_fetcher().fetch_html(server.url("/private/x.html"))


def test_redirects_are_bounded(server: Server):
    server.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fast_fetcher(max_redirects=3).fetch(server.url("/loop"))
    assert server.counts["/loop"] == 4


def test_redirect_into_a_disallowed_path_is_not_followed(server: Server):
    server.routes["/go"] = (302, {"Location": "/private/target.html"}, b"")
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        fast_fetcher().fetch_html(server.url("/go"))
    assert "/private/target.html" not in server.paths()


def test_response_size_is_bounded(server: Server):
    server.routes["/big.html"] = (200, HTML, page() + b"<!--" + b"x" * 50_000 + b"-->")
    with pytest.raises(FetchError, match="larger than the limit of 10,000 bytes"):
        fast_fetcher(max_bytes=10_000).fetch_html(server.url("/big.html"))


def test_unreachable_host_and_bad_scheme_fail_cleanly(server: Server):
    port = server.httpd.server_address[1]
    server.httpd.shutdown()
    server.httpd.server_close()
    [failure] = read(f"http://127.0.0.1:{port}/feed.xml", fetcher=fast_fetcher(retries=1))
    assert isinstance(failure, Failure) and failure.item == f"http://127.0.0.1:{port}/feed.xml"
    assert "cannot fetch the feed" in failure.reason and "connection failed" in failure.reason
    with pytest.raises(FetchError, match="not an http"):
        fast_fetcher().fetch("ftp://127.0.0.1/x")


def test_no_fetch_builds_articles_from_the_entries(server: Server):
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                  rss(server.base, ["/news/one.html", "/news/two.html"]))
    items = read(server.url("/feed.xml"), fetch=False, fetcher=fast_fetcher())
    assert [type(i) for i in items] == [Article, Article]
    assert items[0].text == "Summary of entry 1 about the lake and the boats that work it."
    assert items[0].url == server.url("/news/one.html") and items[0].title == "Entry 1"
    assert items[0].tags == ["Fisheries"] and items[0].published == "2024-11-21T01:15:00+03:00"
    assert sorted(set(server.paths())) == ["/feed.xml", "/robots.txt"]  # no page fetched


def test_html_page_given_as_a_feed_url(server: Server):
    server.routes["/story.html"] = (200, HTML, page())
    [failure] = read(server.url("/story.html"), fetcher=fast_fetcher())
    assert isinstance(failure, Failure) and "not an RSS or Atom feed but an HTML page" in failure.reason


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Dispatch</title><id>urn:uuid:feed-1</id>
<updated>2024-12-02T10:00:00Z</updated>
<entry><title>Bridge reopens</title><id>urn:uuid:e1</id><link rel="alternate" href="https://valley.example/bridge"/>
<updated>2024-12-02T09:00:00Z</updated><published>2024-12-01T18:30:00Z</published>
<author><name>Marta Lindqvist</name></author><category term="Transport"/>
<content type="html">&lt;p&gt;The bridge over the river reopened on Sunday.&lt;/p&gt;&lt;p&gt;Traffic was light, police said.&lt;/p&gt;</content>
</entry>
<entry><title>Only updated</title><id>urn:uuid:e2</id><link href="https://valley.example/updated"/>
<updated>2024-12-02T08:00:00Z</updated><summary type="text">A plain summary of the council vote.</summary></entry>
<entry><title>Empty</title><id>urn:uuid:e3</id><updated>2024-12-02T07:00:00Z</updated></entry>
</feed>"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://hill.example/"><title>Hill Gazette</title><link>https://hill.example/</link>
<description>d</description></channel>
<item rdf:about="https://hill.example/market"><title>Market day moves</title><link>https://hill.example/market</link>
<description>The weekly market moves to Saturdays from January, the town council decided.</description>
<dc:date>2024-12-03</dc:date><dc:creator>Pavel Novak</dc:creator></item>
</rdf:RDF>"""


def test_atom_rss_and_rdf_files_without_fetching(tmp_path: Path):
    (tmp_path / "a.atom").write_text(ATOM)
    (tmp_path / "b.rss").write_bytes(rss("https://courier.example", ["/x"]))
    (tmp_path / "c.xml").write_text(RDF)
    (tmp_path / "d.xml").write_text('<?xml version="1.0"?><!-- a sitemap --><urlset><url/></urlset>')
    items = read(tmp_path, fetch=False)
    kinds = [(type(i).__name__, Path(i.item.split("#")[0]).name) for i in items]
    assert kinds == [("Article", "a.atom"), ("Article", "a.atom"), ("Failure", "a.atom"), ("Article", "b.rss"),
                     ("Article", "c.xml"), ("Failure", "d.xml")]
    bridge, updated, empty, courier, market, sitemap = items
    assert bridge.text == "The bridge over the river reopened on Sunday.\n\nTraffic was light, police said."
    assert bridge.published == "2024-12-01T18:30:00+00:00" and bridge.authors == ["Marta Lindqvist"]
    assert bridge.id == "urn:uuid:e1" and bridge.url == "https://valley.example/bridge"
    assert bridge.source == "Valley Dispatch" and bridge.tags == ["Transport"]
    assert updated.published == "2024-12-02T08:00:00+00:00"  # Atom: no published, so updated
    assert updated.text == "A plain summary of the council vote."
    assert empty.item == f"{tmp_path / 'a.atom'}#3" and "no content or summary and no link" in empty.reason
    assert courier.title == "Entry 1"
    assert market.published == "2024-12-03" and market.authors == ["Pavel Novak"]
    assert market.source == "Hill Gazette"
    assert "not an RSS, Atom or RDF feed (root element <urlset>)" in sitemap.reason


def test_feed_file_links_are_fetched_from_the_server(server: Server, tmp_path: Path):
    server.routes["/news/lake.html"] = (200, HTML, page())
    path = tmp_path / "feed.rss"
    path.write_bytes(rss(server.base, ["/news/lake.html"]))
    [item] = read(path, fetcher=fast_fetcher())
    assert isinstance(item, Article) and item.item == f"{path}#1 <{server.url('/news/lake.html')}>"


def test_relative_link_in_a_feed_file_cannot_be_fetched(tmp_path: Path):
    path = tmp_path / "rel.rss"
    path.write_bytes(rss("", ["/news/a.html"]))
    [item] = read(path, fetcher=fast_fetcher())
    assert isinstance(item, Failure) and "not an http(s) URL" in item.reason


@pytest.mark.parametrize("content", [
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken<item><title>x</ite',
    b"<rss><channel>&undefined; <<<",
    b"",
])
def test_malformed_feed_fails_naming_the_feed(tmp_path: Path, content: bytes):
    path = tmp_path / "bad.rss"
    path.write_bytes(content)
    items = read(path, fetch=False)
    assert items and all(isinstance(i, Failure) for i in items)
    assert items[0].item == str(path)


def test_feed_with_no_entries(tmp_path: Path):
    path = tmp_path / "quiet.rss"
    path.write_text('<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    [item] = read(path, fetch=False)
    assert isinstance(item, Failure) and item.reason == "the feed has no entries"


def test_html_fragment_text_and_xml_root():
    assert html_fragment_text("<p>One <b>two</b></p><p>Three<br>four</p><script>x()</script>") == \
        "One two\n\nThree\nfour"
    assert html_fragment_text("plain   words") == "plain words"
    assert xml_root(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "b">]><rss/>') == "rss"
    assert xml_root(b"<rdf:RDF xmlns:rdf='x'/>") == "rdf"
    assert xml_root(b"no markup") is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=1500),
    st.text(max_size=400).map(lambda t: ('<?xml version="1.0"?><rss version="2.0"><channel><item>' + t).encode()),
    st.text(max_size=400).map(lambda t: ('<feed xmlns="http://www.w3.org/2005/Atom"><entry>' + t).encode()),
), suffix=st.sampled_from([".rss", ".atom", ".xml"]))
def test_arbitrary_bytes_never_crash_the_feed_reader(tmp_path: Path, data: bytes, suffix: str):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    items = read(path, fetch=False)
    assert items
    for item in items:
        assert isinstance(item, (Article, Failure))
        assert item.item.startswith(str(path))
    assert list(read_feed_bytes(data, "bytes", Limits(), fetch=False))
