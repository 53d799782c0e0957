"""WARC reader: HTML responses become articles; every other record is skipped and counted; bad archives fail."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsgraph.ingest import Article, Failure, Limits, read_sources
from newsgraph.ingest.warc import RecordFailure, WarcStats, decode_content, dechunk, read_warc_file, read_warc_record

PAGE = """<!doctype html><html><head><title>Ferry service resumes in {town} | Coast Herald</title>
<meta property="og:title" content="Ferry service resumes in {town}">
{date}
<meta name="author" content="Ines Varga">
</head><body><nav><a href="/">Home</a></nav>
<article><h1>Ferry service resumes in {town}</h1>
<p>{town_upper} (Coast Herald) — The first ferry in three weeks left the harbour on Monday morning after repairs
to the pier were finished, the port authority said, carrying about two hundred passengers and a dozen trucks.</p>
<p>"We are relieved to see the boats running again," said Tomas Reyes, who runs a bakery near the terminal and
had been shipping bread by road in the meantime.</p>
<p>Officials said a second vessel would return to the route at the end of the month.</p>
</article></body></html>"""


def page(town: str = "Porto Novo", date: str | None = "2024-11-18T07:00:00Z") -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    return PAGE.format(town=town, town_upper=town.upper(), date=meta).encode("utf-8")


def http(body_headers: list[tuple[str, str]], status: str = "200 OK") -> StatusAndHeaders:
    return StatusAndHeaders(status, body_headers, protocol="HTTP/1.1")


def chunked(data: bytes, size: int = 100) -> bytes:
    parts = [data[i:i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


class Warc:
    """A WARC file written record by record with warcio, remembering each record's offset."""

    def __init__(self, path: Path, compress: bool = True):
        self.path, self.buffer = path, io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=compress)
        self.offsets: list[int] = []

    def _write(self, record) -> None:
        self.offsets.append(self.buffer.tell())
        self.writer.write_record(record)

    def response(self, uri: str, body: bytes, headers=None, status: str = "200 OK", date: str | None = None):
        headers = headers if headers is not None else [("Content-Type", "text/html; charset=utf-8")]
        warc_headers = {"WARC-Date": date} if date else None
        self._write(self.writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                   http_headers=http(headers, status),
                                                   warc_headers_dict=warc_headers))

    def request(self, uri: str):
        headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        self._write(self.writer.create_warc_record(uri, "request", http_headers=headers))

    def warcinfo(self):
        self._write(self.writer.create_warcinfo_record("crawl.warc.gz", {"software": "newsgraph-tests"}))

    def metadata(self, uri: str):
        self._write(self.writer.create_warc_record(uri, "metadata", payload=io.BytesIO(b"fetchTimeMs: 12\r\n"),
                                                   warc_content_type="application/warc-fields"))

    def revisit(self, uri: str):
        self._write(self.writer.create_revisit_record(
            uri, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", uri, "2024-11-18T08:00:00Z",
            http_headers=http([("Content-Type", "text/html")])))

    def save(self) -> bytes:
        data = self.buffer.getvalue()
        self.path.write_bytes(data)
        return data


def read(*paths, limits=None):
    return list(read_sources([str(p) for p in paths], limits=limits))


def test_html_responses_become_articles_and_other_records_are_counted(tmp_path: Path):
    warc = Warc(tmp_path / "crawl.warc.gz")
    warc.warcinfo()
    warc.request("https://news.example/ferry")
    warc.response("https://news.example/ferry", page())
    warc.metadata("https://news.example/ferry")
    warc.response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200),
                  headers=[("Content-Type", "image/png")])
    warc.revisit("https://news.example/ferry")
    warc.response("https://news.example/moved", b"<html><body>Moved</body></html>",
                  headers=[("Location", "/ferry"), ("Content-Type", "text/html")], status="301 Moved Permanently")
    warc.response("https://news.example/bridge", page("Cotonou", date=None))
    warc.save()

    stats = WarcStats()
    items = list(read_warc_file(warc.path, Limits(), stats=stats))
    assert [type(i) for i in items] == [Article, Article]
    first, second = items
    assert first.item == f"{warc.path}#{warc.offsets[2]}"
    assert first.url == "https://news.example/ferry"
    assert first.id and first.id.startswith("urn:uuid:")
    assert first.title == "Ferry service resumes in Porto Novo"
    assert "first ferry in three weeks" in first.text
    assert first.published.startswith("2024-11-18")
    assert second.item == f"{warc.path}#{warc.offsets[7]}" and "Cotonou" in second.text
    assert stats.records == 8 and stats.articles == 2 and stats.failures == 0
    assert stats.skipped == {"warcinfo": 1, "request": 1, "metadata": 1, "revisit": 1,
                             "non-HTML response": 1, "HTTP 3xx response": 1}


def test_offsets_point_at_the_records(tmp_path: Path):
    """FILE#OFFSET names the record: a reader seeking there finds it (as with a CDX index)."""
    from warcio.archiveiterator import ArchiveIterator

    warc = Warc(tmp_path / "c.warc.gz")
    warc.warcinfo()
    warc.response("https://news.example/a", page("Lome"))
    warc.save()
    [article] = read(warc.path)
    offset = int(article.item.rsplit("#", 1)[1])
    with open(warc.path, "rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        assert record.rec_headers.get_header("WARC-Target-URI") == "https://news.example/a"


def test_uncompressed_warc(tmp_path: Path):
    warc = Warc(tmp_path / "plain.warc", compress=False)
    warc.request("https://news.example/a")
    warc.response("https://news.example/a", page("Accra"))
    warc.response("https://news.example/b", page("Tema"))
    warc.save()
    items = read(warc.path)
    assert [i.item for i in items] == [f"{warc.path}#{warc.offsets[1]}", f"{warc.path}#{warc.offsets[2]}"]
    assert all(isinstance(i, Article) for i in items)


def test_chunked_and_gzip_content_encodings_are_decoded(tmp_path: Path):
    body = page("Dakar")
    warc = Warc(tmp_path / "enc.warc.gz")
    warc.response("https://news.example/gz", gzip.compress(body),
                  headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    warc.response("https://news.example/chunked", chunked(body),
                  headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
    warc.response("https://news.example/both", chunked(gzip.compress(body), 37),
                  headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"),
                           ("Content-Encoding", "gzip")])
    deflated = zlib.compress(body)
    warc.response("https://news.example/deflate", deflated,
                  headers=[("Content-Type", "text/html"), ("Content-Encoding", "deflate")])
    warc.save()
    items = read(warc.path)
    assert [type(i) for i in items] == [Article] * 4, items
    assert all("first ferry in three weeks" in i.text for i in items)


def test_html_sniffed_without_content_type_and_charset_from_http(tmp_path: Path):
    latin = page("Saint-Louis").decode().replace("Tomas Reyes", "Tomás Reyes").replace("—", "-").encode("latin-1")
    warc = Warc(tmp_path / "sniff.warc.gz")
    warc.response("https://news.example/nohdr", page("Ziguinchor"), headers=[])
    warc.response("https://news.example/latin", latin, headers=[("Content-Type", "text/html; charset=iso-8859-1")])
    warc.response("https://news.example/data", b'{"a": 1}', headers=[])
    warc.save()
    stats = WarcStats()
    items = list(read_warc_file(warc.path, Limits(), stats=stats))
    assert [type(i) for i in items] == [Article, Article]
    assert "Tomás Reyes" in items[1].text
    assert stats.skipped == {"non-HTML response": 1}


def test_bad_records_fail_alone_and_name_file_record_and_reason(tmp_path: Path):
    warc = Warc(tmp_path / "bad.warc.gz")
    warc.response("https://news.example/empty", b"<html><body><nav>Home</nav></body></html>")
    warc.response("https://news.example/corrupt-gzip", b"\x1f\x8b\x08\x00" + b"not deflate data at all",
                  headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    warc.response("https://news.example/compress", b"\x1f\x9d\x90", headers=[("Content-Type", "text/html"),
                                                                            ("Content-Encoding", "compress")])
    warc.response("https://news.example/binary", b"\x00\x01\x02<html>", headers=[("Content-Type", "text/html")])
    warc.response("https://news.example/big", page("Kribi") + b"<!--" + b"x" * 60_000 + b"-->")
    warc.response("https://news.example/ok", page("Douala"))
    warc.save()
    items = read(warc.path, limits=Limits(max_bytes=50_000))
    assert [type(i) for i in items] == [RecordFailure] * 5 + [Article]
    assert all(failure.context == {"rest": False} for failure in items[:5])  # each fails alone
    for failure, offset in zip(items, warc.offsets):
        assert failure.item == f"{warc.path}#{offset}"
    assert "no article text" in items[0].reason and "https://news.example/empty" in items[0].reason
    assert "corrupt gzip content-encoding" in items[1].reason
    assert "unsupported content-encoding 'compress'" in items[2].reason
    assert "binary" in items[3].reason
    assert "larger than the limit of 50,000 bytes" in items[4].reason
    assert "https://news.example/big" in items[4].reason


def test_gzip_bomb_payload_is_refused(tmp_path: Path):
    bomb = gzip.compress(b"<html><body><p>" + b"a" * 5_000_000 + b"</p></body></html>")
    warc = Warc(tmp_path / "bomb.warc.gz")
    warc.response("https://news.example/bomb", bomb,
                  headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    warc.save()
    [item] = read(warc.path, limits=Limits(max_bytes=1_000_000))
    assert isinstance(item, Failure) and "decompressed" in item.reason


def test_truncated_warc_gz_keeps_what_was_read_and_fails_the_rest(tmp_path: Path):
    warc = Warc(tmp_path / "cut.warc.gz")
    for town in ("Bamako", "Segou", "Mopti"):
        warc.response(f"https://news.example/{town}", page(town))
    data = warc.save()
    warc.path.write_bytes(data[: warc.offsets[2] + (len(data) - warc.offsets[2]) // 2])
    items = read(warc.path, tmp_path / "next.txt")
    assert [type(i) for i in items[:2]] == [Article, Article]
    assert isinstance(items[2], Failure) and "the rest of the file is not read" in items[2].reason
    assert items[2].item.startswith(str(warc.path))
    # the run goes on with the next source
    assert isinstance(items[3], Failure) and items[3].item == str(tmp_path / "next.txt")
    assert len(items) == 4


def test_truncated_uncompressed_warc(tmp_path: Path):
    warc = Warc(tmp_path / "cut.warc", compress=False)
    warc.response("https://news.example/a", page("Kano"))
    warc.response("https://news.example/b", page("Zaria"))
    data = warc.save()
    warc.path.write_bytes(data[:-400])
    items = read(warc.path)
    assert isinstance(items[0], Article)
    assert isinstance(items[1], Failure) and "truncated" in items[1].reason
    assert items[1].item == f"{warc.path}#{warc.offsets[1]}"


def test_corrupt_member_in_the_middle_fails_the_rest_and_the_run_goes_on(tmp_path: Path):
    warc = Warc(tmp_path / "mid.warc.gz")
    for town in ("Kumasi", "Tamale", "Ho"):
        warc.response(f"https://news.example/{town}", page(town))
    data = bytearray(warc.save())
    middle = warc.offsets[1] + 40
    data[middle:middle + 64] = b"\xff" * 64  # garbage inside the second gzip member
    warc.path.write_bytes(bytes(data))
    other = tmp_path / "other.txt"
    other.write_text("An article after the broken archive.")
    items = read(warc.path, other)
    assert isinstance(items[0], Article) and "Kumasi" in items[0].text
    failures = [i for i in items if isinstance(i, Failure)]
    assert len(failures) == 1 and failures[0].item.startswith(str(warc.path))
    assert "corrupt or truncated WARC" in failures[0].reason
    assert isinstance(items[-1], Article) and items[-1].item == str(other)


def test_broken_record_header(tmp_path: Path):
    warc = Warc(tmp_path / "hdr.warc", compress=False)
    warc.response("https://news.example/a", page("Niamey"))
    data = warc.save() + b"WARC/1.0\r\nContent-Length: banana\r\n\r\nxyz\r\n\r\n"
    warc.path.write_bytes(data)
    items = read(warc.path)
    assert isinstance(items[0], Article)
    assert len(items) == 2 and isinstance(items[1], Failure)


@pytest.mark.parametrize("content", [b"", b"not a warc at all\n", b"\x1f\x8b\x08\x00garbage", b"WARC/1.0\r\n"])
def test_not_a_warc_or_empty_fails_with_the_file_named(tmp_path: Path, content: bytes):
    path = tmp_path / "x.warc"
    path.write_bytes(content)
    items = read(path)
    assert items and all(isinstance(i, Failure) and i.item.startswith(str(path)) for i in items)


def test_warc_without_html_responses_says_what_was_skipped(tmp_path: Path):
    warc = Warc(tmp_path / "meta.warc.gz")
    warc.warcinfo()
    warc.request("https://news.example/a")
    warc.save()
    [item] = read(warc.path)
    assert isinstance(item, Failure) and item.item == str(warc.path)
    assert "no HTML response records" in item.reason and "1 request" in item.reason and "1 warcinfo" in item.reason


def test_published_comes_from_the_page_not_the_crawl_date_unless_asked(tmp_path: Path):
    warc = Warc(tmp_path / "dates.warc.gz")
    headers = [("Content-Type", "text/html"), ("Last-Modified", "Tue, 19 Nov 2024 10:00:00 GMT")]
    warc.response("https://news.example/dated", page("Kigali"), headers=headers, date="2024-11-20T12:00:00Z")
    warc.response("https://news.example/undated", page("Huye", date=None), headers=headers,
                  date="2024-11-20T12:00:00Z")
    warc.save()
    dated, undated = read(warc.path)
    assert dated.published.startswith("2024-11-18")
    assert undated.published is None
    _, modified = read_warc_file(warc.path, Limits(), date_fallback="last-modified")
    assert modified.published == "2024-11-19T10:00:00+00:00"
    _, crawled = read_warc_file(warc.path, Limits(), date_fallback="crawl-date")
    assert crawled.published == "2024-11-20T12:00:00+00:00"


def test_dechunk_and_decode_content_edges():
    assert dechunk(chunked(b"hello world", 3)) == b"hello world"
    assert dechunk(b"<html>not chunked</html>") == b"<html>not chunked</html>"
    with pytest.raises(Exception, match="cut off"):
        dechunk(b"a\r\nabc")
    assert decode_content(b"<html><p>plain</p>", "gzip", 100) == b"<html><p>plain</p>"  # mislabelled
    with pytest.raises(Exception, match="truncated gzip"):
        decode_content(gzip.compress(b"x" * 1000)[:-20], "gzip", 10_000)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=300).map(lambda b: b"WARC/1.0\r\n" + b),
    st.binary(max_size=300).map(lambda b: gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + b)),
    st.binary(max_size=300).map(lambda b: b"\x1f\x8b\x08\x00" + b),
))
def test_arbitrary_bytes_never_crash_the_warc_reader(tmp_path: Path, data: bytes):
    path = tmp_path / "fuzz.warc.gz"
    path.write_bytes(data)
    items = read(path)
    assert items, "nothing silently dropped: at least one Failure"
    for item in items:
        assert isinstance(item, (Article, Failure))
        if isinstance(item, Failure):
            assert item.item.startswith(str(path)) and item.reason


def test_a_record_is_read_alone_by_seeking_to_its_offset(tmp_path: Path):
    """read_warc_record(FILE, OFFSET) gives what the whole read named FILE#OFFSET, and only that."""
    warc = Warc(tmp_path / "crawl.warc.gz")
    warc.warcinfo()
    warc.request("https://news.example/a")
    for town in ("Lome", "Kara", "Sokode"):
        warc.response(f"https://news.example/{town}", page(town))
    warc.save()
    whole = read(warc.path)
    for article, offset in zip(whole, warc.offsets[2:]):
        stats = WarcStats()
        [alone] = read_warc_record(warc.path, offset, Limits(), stats=stats)
        assert isinstance(alone, Article) and alone.item == f"{warc.path}#{offset}"
        assert (alone.id, alone.url, alone.title, alone.text, alone.published) == (
            article.id, article.url, article.title, article.text, article.published)
        assert stats.records == 1
    # rest=True reads on to the end of the file; name= names the items
    on = list(read_warc_record(warc.path, warc.offsets[3], Limits(), rest=True, name="crawl"))
    assert [a.item for a in on] == [f"crawl#{warc.offsets[3]}", f"crawl#{warc.offsets[4]}"]
    # a record that is no HTML response, and an offset past the end, fail naming the offset
    [request] = read_warc_record(warc.path, warc.offsets[1], Limits())
    assert isinstance(request, RecordFailure) and request.item == f"{warc.path}#{warc.offsets[1]}"
    assert "not an HTTP 2xx response (request)" in request.reason
    size = warc.path.stat().st_size
    [past] = read_warc_record(warc.path, size + 10, Limits())
    assert isinstance(past, RecordFailure) and f"the file ends before it (it has {size:,} bytes)" in past.reason
    with pytest.raises(ValueError):
        list(read_warc_record(warc.path, -1, Limits()))


def test_an_offset_inside_a_record_fails_without_reading_on(tmp_path: Path):
    warc = Warc(tmp_path / "c.warc", compress=False)
    warc.response("https://news.example/a", page("Kano"))
    warc.response("https://news.example/b", page("Zaria"))
    warc.save()
    items = list(read_warc_record(warc.path, warc.offsets[0] + 7, Limits()))
    assert len(items) == 1 and isinstance(items[0], RecordFailure)
    assert items[0].item == f"{warc.path}#{warc.offsets[0] + 7}"
    assert f"no readable WARC record at offset {warc.offsets[0] + 7}" in items[0].reason


def test_truncation_is_marked_as_stopping_the_rest_of_the_file(tmp_path: Path):
    warc = Warc(tmp_path / "cut.warc", compress=False)
    warc.response("https://news.example/a", page("Kano"))
    warc.response("https://news.example/b", page("Zaria"))
    data = warc.save()
    warc.path.write_bytes(data[:-400])
    [_, failure] = read(warc.path)
    assert isinstance(failure, RecordFailure) and failure.context == {"rest": True}
