"""RSS and Atom feeds (RSS 0.9x/1.0 (RDF)/2.0, Atom 0.3/1.0), from a file or an ``http(s)://`` URL.

Each entry becomes one :class:`Article`:

* ``fetch=True`` (default): the entry's link is fetched and the page read through :func:`article_from_html`;
  the entry's title, date, authors and tags fill what the page's metadata lacks, the feed's title the source.
  The entry id (RSS guid, Atom id) becomes the article id.
* ``fetch=False``: the article is the entry's own content (the longest ``content``, else the summary), HTML
  turned into paragraphs of text; nothing is fetched.

An entry without a link is read from its own content in both modes.  Every entry that cannot be read is a
:class:`Failure` named ``FEED#N <LINK>`` (N counts entries from 1) with the reason; a feed that cannot be read
(malformed with no entries, not a feed, unreachable) is one Failure named by the feed.  An entry whose linked
page failed is an :class:`EntryFailure`, which keeps the link and the entry's metadata: retrying it
(``newsgraph ingest --retry-failed``) fetches that page again with :func:`read_entry_page`, without the feed,
and gives the article the feed would have given.

Dates: the page's own metadata first, else the entry's ``published`` (else its ``updated``: Atom requires only
that one), normalized to ISO 8601.

Fetching (:class:`Fetcher`, ``urllib`` only) is polite by default: an honest User-Agent, robots.txt obeyed per
site (RFC 9309: a 4xx robots.txt allows everything, an unreachable one or a 5xx disallows everything; its
Crawl-delay, up to ``max_crawl_delay``, widens the per-host interval), at least ``min_interval`` seconds between
two requests to one host, connect/read/total timeouts, retries with exponential backoff and jitter on timeouts,
connection errors, 429 and 5xx (``Retry-After`` honoured up to ``max_retry_after``), redirects followed one hop at
a time (each hop checked against robots.txt and rate-limited, at most ``max_redirects``), a bound on the response
size, and only HTML accepted as a page.
"""

from __future__ import annotations

import codecs
import functools
import http.client
import io
import random
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .article import Article, Failure, Limits, ReadError, as_str_list, check_text, normalize_published, read_file_bytes
from .html import article_from_html
from .warc import decode_content, decode_html, is_html, media_type

#: Environment variable with the operator's contact (a URL or e-mail) that the User-Agent gives site owners.
CONTACT_ENV = "NEWSGRAPH_CONTACT"

FEED_ROOTS = ("rss", "feed", "rdf")
_FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, "
                "text/xml;q=0.8, */*;q=0.1")
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_REDIRECTS = (301, 302, 303, 307, 308)


def user_agent() -> str:
    """``newsgraph/VERSION (offline news analysis; +CONTACT)``: the contact is whoever runs it
    (``$NEWSGRAPH_CONTACT``), not a made-up project address."""
    import os

    from .. import __version__

    contact = os.environ.get(CONTACT_ENV, "").strip()
    return f"newsgraph/{__version__} (offline news analysis{'; +' + contact if contact else ''})"


class FetchError(ReadError):
    """A URL could not be fetched; the message says why."""


@dataclass(slots=True)
class Response:
    url: str  # after redirects
    status: int
    headers: Message
    body: bytes  # content-encoding undone

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


class _Retry(Exception):
    """One attempt failed in a way worth retrying; ``after`` is the server's Retry-After in seconds, if any."""

    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.after = after


# -- urllib plumbing: separate connect and read timeouts, no automatic redirects ----------------------------------

class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, read_timeout: float, **kwargs):
        super().__init__(*args, **kwargs)
        self._read_timeout = read_timeout

    def connect(self):
        super().connect()  # bounded by the connect timeout
        self.sock.settimeout(self._read_timeout)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, read_timeout: float, **kwargs):
        super().__init__(*args, **kwargs)
        self._read_timeout = read_timeout

    def connect(self):
        super().connect()  # TCP connect and TLS handshake, bounded by the connect timeout
        self.sock.settimeout(self._read_timeout)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float):
        super().__init__()
        self._read_timeout = read_timeout

    def http_open(self, req):
        return self.do_open(functools.partial(_HTTPConnection, read_timeout=self._read_timeout), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float, context: ssl.SSLContext):
        super().__init__(context=context)
        self._read_timeout = read_timeout

    def https_open(self, req):
        return self.do_open(functools.partial(_HTTPSConnection, read_timeout=self._read_timeout), req,
                            context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses: the Fetcher follows them itself, checking each hop."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _is_http(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme.lower() in ("http", "https") and bool(urlsplit(url).hostname)


class Fetcher:
    """Polite HTTP GET for feeds and pages: robots.txt, per-host rate limit, timeouts, retries, size bound.

    One Fetcher is shared by all sources of a run, so its robots.txt cache and rate limit span them.
    """

    def __init__(self, *, agent: str | None = None, connect_timeout: float = 10.0, read_timeout: float = 30.0,
                 total_timeout: float = 120.0, retries: int = 3, backoff: float = 1.0, max_backoff: float = 60.0,
                 max_retry_after: float = 120.0, min_interval: float = 1.0, max_crawl_delay: float = 30.0,
                 max_bytes: int = 20_000_000, max_redirects: int = 5, robots: bool = True):
        self.agent = agent or user_agent()
        self.connect_timeout, self.read_timeout, self.total_timeout = connect_timeout, read_timeout, total_timeout
        self.retries, self.backoff, self.max_backoff = retries, backoff, max_backoff
        self.max_retry_after = max_retry_after
        self.min_interval, self.max_crawl_delay = min_interval, max_crawl_delay
        self.max_bytes, self.max_redirects, self.robots = max_bytes, max_redirects, robots
        self._opener = None  # built on the first request
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._crawl_delay: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}

    # -- politeness ----------------------------------------------------------------------------------------------

    def _wait_turn(self, url: str) -> None:
        """Sleep until this host may be sent the next request (at least the interval after the last one)."""
        host = _host(url)
        interval = max(self.min_interval, self._crawl_delay.get(host, 0.0))
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = start + interval
        if start > now:
            time.sleep(start - now)
        with self._lock:  # count the interval from when the request really leaves, should this thread run late
            self._next_slot[host] = max(self._next_slot[host], time.monotonic() + interval)

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | str:
        """The parsed robots.txt of the URL's site, or a string: why the whole site is off limits."""
        origin = _origin(url)
        if origin in self._robots:
            return self._robots[origin]
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        result: urllib.robotparser.RobotFileParser | str
        try:
            response = self._follow(origin + "/robots.txt", accept="text/plain, */*;q=0.1",
                                    max_bytes=500_000, check_robots=False, ok_statuses=range(200, 500))
        except FetchError as err:
            result = f"robots.txt of {origin} could not be fetched ({err}), so nothing there is fetched"
        else:
            if 400 <= response.status < 500:
                parser.allow_all = True  # RFC 9309: no robots.txt (or not available): no restrictions
            else:
                text = response.body.decode("utf-8", errors="replace")
                parser.parse(text.splitlines())
                delay = parser.crawl_delay(self.agent)
                if delay:
                    self._crawl_delay[_host(url)] = min(float(delay), self.max_crawl_delay)
            result = parser
        self._robots[origin] = result
        return result

    def allowed(self, url: str) -> tuple[bool, str]:
        """(whether robots.txt lets newsgraph fetch the URL, the reason when it does not)."""
        if not self.robots:
            return True, ""
        rules = self._robots_for(url)
        if isinstance(rules, str):
            return False, rules
        if not rules.can_fetch(self.agent, url):
            return False, "disallowed by robots.txt"
        return True, ""

    # -- one request ---------------------------------------------------------------------------------------------

    def _read_body(self, handle, max_bytes: int, deadline: float) -> bytes:
        length = handle.headers.get("Content-Length")
        if length and length.strip().isdigit() and int(length) > max_bytes:
            raise FetchError(f"response of {int(length):,} bytes is larger than the limit of {max_bytes:,} bytes")
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise _Retry(f"response not complete within {self.total_timeout:g} s")
            chunk = handle.read1(65536) if hasattr(handle, "read1") else handle.read(65536)  # one recv at most
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"response is larger than the limit of {max_bytes:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _once(self, url: str, accept: str, max_bytes: int) -> Response:
        """One GET, no redirects followed; _Retry for what is worth another try, FetchError for what is not."""
        request = urllib.request.Request(url, headers={
            "User-Agent": self.agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"})
        if self._opener is None:
            self._opener = urllib.request.build_opener(
                _HTTPHandler(self.read_timeout), _HTTPSHandler(self.read_timeout, ssl.create_default_context()),
                _NoRedirect())
        self._wait_turn(url)
        deadline = time.monotonic() + self.total_timeout
        try:
            handle = self._opener.open(request, timeout=self.connect_timeout)
        except urllib.error.HTTPError as err:
            with err:
                status, headers = err.code, err.headers
                if status == 429 or status >= 500:
                    raise _Retry(f"HTTP {status} {err.reason}", _retry_after(headers.get("Retry-After"))) from None
                return Response(url, status, headers, b"")  # redirects and 4xx: the caller decides
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, socket.gaierror):
                raise FetchError(f"cannot resolve host {_host(url)!r}: {reason.strerror or reason}") from None
            if isinstance(reason, ssl.SSLError):
                raise FetchError(f"TLS error: {reason}") from None
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise _Retry(f"connection timed out after {self.connect_timeout:g} s") from None
            if isinstance(reason, OSError):
                raise _Retry(f"connection failed: {reason.strerror or reason}") from None
            raise FetchError(f"cannot fetch: {reason}") from None
        except (TimeoutError, socket.timeout):
            raise _Retry(f"no response within {self.read_timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException) as err:
            raise _Retry(f"connection failed: {type(err).__name__}: {err}") from None
        except ValueError as err:  # a URL urllib cannot handle
            raise FetchError(f"bad URL: {err}") from None
        with handle:
            try:
                raw = self._read_body(handle, max_bytes, deadline)
            except (TimeoutError, socket.timeout):
                raise _Retry(f"response stalled (nothing for {self.read_timeout:g} s)") from None
            except (ConnectionError, http.client.HTTPException) as err:
                raise _Retry(f"connection broke while reading: {type(err).__name__}: {err}") from None
            body = decode_content(raw, handle.headers.get("Content-Encoding"), max_bytes)
            return Response(handle.geturl() or url, handle.status, handle.headers, body)

    def _get(self, url: str, accept: str, max_bytes: int) -> Response:
        """One URL with retries: exponential backoff with jitter, at least the server's Retry-After."""
        attempt = 0
        while True:
            try:
                return self._once(url, accept, max_bytes)
            except _Retry as err:
                if attempt >= self.retries:
                    tries = f" after {attempt + 1} tries" if attempt else ""
                    raise FetchError(f"{err}{tries}") from None
                delay = min(self.max_backoff, self.backoff * 2 ** attempt)
                delay = random.uniform(delay / 2, delay)  # jitter: clients that failed together spread out
                if err.after is not None:
                    if err.after > self.max_retry_after:
                        raise FetchError(f"{err}; the server asks to retry after {err.after:g} s, more than the "
                                         f"limit of {self.max_retry_after:g} s") from None
                    delay = max(delay, err.after)
                time.sleep(delay)
                attempt += 1

    def _follow(self, url: str, *, accept: str, max_bytes: int, check_robots: bool = True,
                ok_statuses=range(200, 300)) -> Response:
        seen = 0
        while True:
            if not _is_http(url):
                raise FetchError(f"not an http(s) URL: {url}")
            if check_robots:
                ok, why = self.allowed(url)
                if not ok:
                    raise FetchError(why)
            response = self._get(url, accept, max_bytes)
            if response.status in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"HTTP {response.status} redirect without a Location")
                if seen >= self.max_redirects:
                    raise FetchError(f"more than {self.max_redirects} redirects")
                url = urljoin(url, location.strip())
                seen += 1
                continue
            if response.status not in ok_statuses:
                raise FetchError(f"HTTP {response.status} {http.client.responses.get(response.status, '')}".strip())
            return response

    # -- public --------------------------------------------------------------------------------------------------

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Response:
        """GET a URL (robots.txt checked, redirects followed); FetchError says why it failed."""
        return self._follow(url, accept=accept, max_bytes=min(max_bytes or self.max_bytes, self.max_bytes))

    def fetch_html(self, url: str, *, max_bytes: int | None = None) -> Response:
        """GET a page; FetchError unless the response is HTML (by Content-Type, or sniffed when it has none)."""
        response = self.fetch(url, accept=_PAGE_ACCEPT, max_bytes=max_bytes)
        if not is_html(response.content_type, response.body):
            kind = media_type(response.content_type)[0] or "no Content-Type"
            raise FetchError(f"not an HTML page ({kind})")
        return response


# -- feed entries → articles -----------------------------------------------------------------------------------

_BLOCKS = frozenset("p div br li dt dd h1 h2 h3 h4 h5 h6 blockquote pre tr section article figure figcaption "
                    "ul ol dl table hr header footer aside".split())
_BLANK = re.compile(r"\n\s*\n")
_PARA, _LINE = "\u2029", "\u2028"  # paragraph and line separators marking block ends and <br> while text is joined


def html_fragment_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed's content or summary): one paragraph per block element."""
    import lxml.etree
    import lxml.html

    if "<" not in markup:
        text = _PARA.join(_BLANK.split(markup))
    else:
        try:
            root = lxml.html.fragment_fromstring(markup, create_parent="div")
        except (ValueError, lxml.etree.ParserError):
            return " ".join(markup.split())
        for node in root.xpath("//script|//style"):
            node.drop_tree()
        for node in root.iter():
            if isinstance(node.tag, str) and node.tag.lower() in _BLOCKS:
                node.tail = (_LINE if node.tag.lower() == "br" else _PARA) + (node.tail or "")
        text = root.text_content()
    paragraphs = []
    for paragraph in text.split(_PARA):
        lines = (" ".join(line.split()) for line in paragraph.split(_LINE))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _entry_published(entry) -> str | None:
    for key in ("published", "updated", "created"):
        value = normalize_published(entry.get(key))
        if value:
            return value
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                return datetime(*parsed[:6], tzinfo=timezone.utc).isoformat()
            except (TypeError, ValueError):
                pass
    return None


_RSS_AUTHOR = re.compile(r"\s*[^\s()]+@[^\s()]+\s*\((.+)\)\s*")


def _entry_authors(entry) -> list[str]:
    """Author names: RSS's ``email (Name)`` read as the name (feedparser splits it wrongly), e-mails alone dropped."""
    raw = entry.get("author")
    match = _RSS_AUTHOR.fullmatch(raw) if isinstance(raw, str) else None
    if match:
        return as_str_list(match.group(1))
    names = as_str_list([a.get("name") for a in entry.get("authors") or [] if isinstance(a, dict)])
    return [n for n in names or as_str_list(raw) if "@" not in n]


def _entry_tags(entry) -> list[str]:
    return as_str_list([t.get("term") for t in entry.get("tags") or [] if isinstance(t, dict)])


def _entry_text(entry) -> str:
    """The entry's own text: its longest content, else its summary; empty when it has neither."""
    candidates = [c for c in entry.get("content") or [] if isinstance(c, dict) and (c.get("value") or "").strip()]
    if candidates:
        best = max(candidates, key=lambda c: len(c.get("value") or ""))
        value, kind = best.get("value") or "", (best.get("type") or "text/html").lower()
    else:
        detail = entry.get("summary_detail") or {}
        value, kind = entry.get("summary") or "", (detail.get("type") or "text/html").lower()
    if not value.strip():
        return ""
    return value.strip() if kind == "text/plain" else html_fragment_text(value)


def entry_metadata(entry, feed_title: str | None) -> dict:
    """What a feed entry (and its feed) tells about the article it links to: ``title``, ``published``,
    ``authors``, ``tags``, ``id`` (the entry id) and ``feed_title``; plain JSON values, so a failed entry can be
    kept (in the store's failures table) and its page fetched again later with the same metadata."""
    title = " ".join((entry.get("title") or "").split())
    ident = entry.get("id")
    return {"title": title or None, "published": _entry_published(entry), "authors": _entry_authors(entry),
            "tags": _entry_tags(entry), "id": ident.strip() if isinstance(ident, str) and ident.strip() else None,
            "feed_title": feed_title}


def _fill(article: Article, meta: dict) -> Article:
    """Entry and feed metadata (:func:`entry_metadata`) where the article has none of its own."""
    article.title = article.title or meta.get("title") or None
    article.published = article.published or meta.get("published")
    article.authors = article.authors or list(meta.get("authors") or [])
    article.tags = article.tags or list(meta.get("tags") or [])
    feed_title = meta.get("feed_title")
    if feed_title and (not article.source or article.source.lower() == (urlsplit(article.url or "").netloc or
                                                                         "").lower()):
        article.source = feed_title  # the page names no site (trafilatura fell back on the host name)
    if meta.get("id"):
        article.id = meta["id"]
    return article


@dataclass(slots=True)
class EntryFailure(Failure):
    """A feed entry whose linked page could not be fetched or read. ``context`` keeps what reading it again
    needs without the feed (which may no longer list it): ``link`` and the entry's metadata
    (:func:`entry_metadata`); the store saves it with the failure and ``--retry-failed`` hands it to
    :func:`read_entry_page`."""

    context: dict = field(default_factory=dict)


def _entry_article(meta: dict, entry, link: str | None, item: str, limits: Limits) -> Article:
    text = _entry_text(entry)
    if not text:
        raise ReadError("the entry has no content or summary" + ("" if link else " and no link"))
    article = Article(text=check_text(text, limits), url=link, item=item)
    return _fill(article, meta)


def _fetched_article(meta: dict, link: str, item: str, limits: Limits, fetcher: Fetcher) -> Article:
    if not _is_http(link):
        raise ReadError(f"the entry's link is not an http(s) URL: {link}")
    response = fetcher.fetch_html(link, max_bytes=limits.max_bytes)
    page = decode_html(response.body, media_type(response.content_type)[1])
    article = article_from_html(page, item, limits, url=response.url)
    article.url = article.url or response.url
    return _fill(article, meta)


def read_entry_page(link: str, item: str, limits: Limits, *, fetcher: Fetcher | None = None,
                    context: dict | None = None) -> Article | Failure:
    """A feed entry's page fetched again on its own (retrying an :class:`EntryFailure`): the article the feed
    reader gives for the entry, named ``item``, its metadata filled from ``context`` (the failure's saved
    :func:`entry_metadata`; without it, from the page alone). Fetched politely through ``fetcher`` (robots.txt,
    rate limit, retries). Never raises for the page: an :class:`EntryFailure` with the reason, keeping the
    context for the next attempt."""
    meta = {k: v for k, v in (context or {}).items() if k != "link"}
    try:
        return _fetched_article(meta, link, item, limits, fetcher or Fetcher())
    except ReadError as err:
        return EntryFailure(item, str(err), context={"link": link, **meta})


def read_feed_bytes(data: bytes, name: str, limits: Limits, *, fetch: bool = True, fetcher: Fetcher | None = None,
                    base_url: str | None = None, content_type: str | None = None) -> Iterator[Article | Failure]:
    """The articles of a feed document; ``base_url`` resolves relative links (the feed's own URL)."""
    import feedparser

    try:
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True,
                                  response_headers={"content-location": base_url} if base_url else {})
    except Exception as err:  # noqa: BLE001 - feedparser's parsers raise many kinds on hostile input
        yield Failure(name, f"cannot parse the feed: {type(err).__name__}: {err}")
        return
    entries = parsed.get("entries") or []
    if not entries:
        if media_type(content_type)[0] in ("text/html", "application/xhtml+xml") and not parsed.get("version"):
            yield Failure(name, f"not an RSS or Atom feed but an HTML page ({media_type(content_type)[0]})")
        elif parsed.get("bozo"):
            problem = " ".join(str(parsed.get("bozo_exception") or "unreadable").split())
            yield Failure(name, f"malformed feed: {problem}")
        elif not parsed.get("version"):
            yield Failure(name, "not an RSS, Atom or RDF feed")
        else:
            yield Failure(name, "the feed has no entries")
        return
    if fetch and fetcher is None:
        fetcher = Fetcher()
    feed_title = " ".join((parsed.get("feed", {}).get("title") or "").split()) or None
    for number, entry in enumerate(entries, 1):
        link = entry.get("link")
        link = link.strip() if isinstance(link, str) and link.strip() else None
        if link and urlsplit(link).scheme.lower() not in ("", "http", "https"):
            link = None  # feedparser falls back on the entry id (urn:, tag:), which is no page to fetch
        if link and base_url:
            link = urljoin(base_url, link)
        item = f"{name}#{number}" + (f" <{link}>" if link else "")
        meta = entry_metadata(entry, feed_title)
        try:
            if fetch and link:
                yield _fetched_article(meta, link, item, limits, fetcher)
            else:
                yield _entry_article(meta, entry, link, item, limits)
        except ReadError as err:
            if fetch and link:
                yield EntryFailure(item, str(err), context={"link": link, **meta})
            else:
                yield Failure(item, str(err))


def read_feed_file(path: Path, limits: Limits, *, fetch: bool = True,
                   fetcher: Fetcher | None = None) -> Iterator[Article | Failure]:
    """A feed file (``.rss``, ``.atom``; ``.xml`` goes through :func:`read_xml_file`), optionally gzipped."""
    data = read_file_bytes(path, limits.max_bytes, "feed")
    yield from read_feed_bytes(data, str(path), limits, fetch=fetch, fetcher=fetcher)


_PROLOG = re.compile(r"""^\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)\s*)*<([A-Za-z_][\w.:-]*)""",
                     re.DOTALL | re.IGNORECASE)


def xml_root(data: bytes) -> str | None:
    """The local name (lower case) of an XML document's root element, from its first bytes; None if none."""
    head = data[:65536]
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, errors="replace")
            break
    else:
        text = head.decode("utf-8", errors="replace")
    match = _PROLOG.match(text)
    return match.group(1).rsplit(":", 1)[-1].lower() if match else None


def read_xml_file(path: Path, limits: Limits, *, fetch: bool = True,
                  fetcher: Fetcher | None = None) -> Iterator[Article | Failure]:
    """An ``.xml`` file: read as a feed when its root element is rss, feed or rdf:RDF, refused otherwise."""
    data = read_file_bytes(path, limits.max_bytes, "XML file")
    root = xml_root(data)
    if root not in FEED_ROOTS:
        raise ReadError("not an RSS, Atom or RDF feed " + (f"(root element <{root}>)" if root else
                                                          "(no XML root element found)"))
    yield from read_feed_bytes(data, str(path), limits, fetch=fetch, fetcher=fetcher)


def read_feed_url(url: str, limits: Limits, *, fetch: bool = True,
                  fetcher: Fetcher | None = None) -> Iterator[Article | Failure]:
    """A feed fetched from an ``http(s)://`` URL (politely, through ``fetcher``), then its entries."""
    fetcher = fetcher or Fetcher()
    try:
        response = fetcher.fetch(url, accept=_FEED_ACCEPT, max_bytes=limits.max_bytes)
    except ReadError as err:
        yield Failure(url, f"cannot fetch the feed: {err}")
        return
    yield from read_feed_bytes(response.body, url, limits, fetch=fetch, fetcher=fetcher, base_url=response.url,
                               content_type=response.content_type)


__all__ = ["EntryFailure", "Fetcher", "FetchError", "Response", "entry_metadata", "read_entry_page", "read_feed_bytes",
           "read_feed_file", "read_feed_url", "read_xml_file", "html_fragment_text", "user_agent", "xml_root",
           "CONTACT_ENV"]
