"""Readers: every kind of input, and every kind of bad input, ends as an Article or a named Failure."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsgraph.ingest import Article, Failure, Limits, read_sources


def read(*paths, limits=None, published=None):
    return list(read_sources([str(p) for p in paths], limits=limits, published=published))


def test_txt_text_is_kept_unchanged(tmp_path: Path):
    text = "ANKARA (Wire) — First line.\r\n\r\n  Second paragraph with “curly” quotes\u2028and a separator.  \n"
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    [item] = read(path)
    assert isinstance(item, Article)
    assert item.text == text
    assert item.item == str(path)


def test_txt_bom_is_dropped(tmp_path: Path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfHello from Nairobi.")
    [item] = read(path)
    assert item.text == "Hello from Nairobi."


def test_undecodable_bytes_fail_with_the_offset(tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\xe9 in Beirut".encode("latin-1"))
    [item] = read(path)
    assert isinstance(item, Failure)
    assert item.item == str(path)
    assert "not valid UTF-8" in item.reason and "offset 3" in item.reason


def test_empty_and_blank_files_fail(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n")
    items = read(tmp_path / "empty.txt", tmp_path / "blank.txt")
    assert [type(i) for i in items] == [Failure, Failure]
    assert all(i.reason == "empty text" for i in items)


def test_binary_file_fails(tmp_path: Path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    [item] = read(path)
    assert isinstance(item, Failure) and "binary" in item.reason


def test_unsupported_file_type_is_reported_not_dropped(tmp_path: Path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG")
    [item] = read(path)
    assert isinstance(item, Failure) and "unsupported file type" in item.reason


def test_missing_path_fails(tmp_path: Path):
    [item] = read(tmp_path / "nope.txt")
    assert isinstance(item, Failure)
    assert item.reason == "no such file or directory"


def test_published_fills_only_missing_dates(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "One.", "published": "2024-05-01"}) + "\n" + json.dumps({"text": "Two."}) + "\n")
    items = read(path, published="2025-01-02")
    assert [i.published for i in items] == ["2024-05-01", "2025-01-02"]


def test_jsonl_fields_and_malformed_lines(tmp_path: Path):
    lines = [
        json.dumps({"id": 7, "text": "Alpha text.", "title": "A", "url": "https://x.example/a",
                    "published": "Tue, 04 Mar 2025 09:30:00 +0000", "source": "Wire", "authors": ["Ann Bee"],
                    "tags": "politics, Sudan"}),
        '{"text": "broken", ',
        "[1, 2, 3]",
        json.dumps({"title": "no body"}),
        "",
        json.dumps({"text": "   "}),
        json.dumps({"id": "b", "text": "Beta text."}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = read(path)
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Article", "Failure", "Failure", "Failure", "Failure", "Article"]
    first = items[0]
    assert (first.id, first.title, first.url, first.source) == ("7", "A", "https://x.example/a", "Wire")
    assert first.published == "2025-03-04T09:30:00+00:00"
    assert first.authors == ["Ann Bee"] and first.tags == ["politics", "Sudan"]
    assert items[1].item == f"{path}:2" and "malformed JSON" in items[1].reason
    assert "expected a JSON object" in items[2].reason
    assert "neither 'text' nor 'html'" in items[3].reason
    assert items[4].item == f"{path}:6" and items[4].reason == "empty text"
    assert items[5].id == "b"


def test_jsonl_text_is_unchanged(tmp_path: Path):
    text = "Line one\u2028still line one\r\n\"Quoted,\" she said.\t\x0b"
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    [item] = read(path)
    assert item.text == text


def test_jsonl_undecodable_line_fails_alone(tmp_path: Path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n' + json.dumps({"text": "fine"}).encode() + b"\n")
    items = read(path)
    assert isinstance(items[0], Failure) and "not valid UTF-8" in items[0].reason
    assert isinstance(items[1], Article) and items[1].text == "fine"


def test_huge_single_line_is_skipped_and_the_next_line_read(tmp_path: Path):
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"text": "')
        chunk = b"x" * (1 << 20)
        for _ in range(50):  # a 50 MB single line
            handle.write(chunk)
        handle.write(b'"}\n')
        handle.write(json.dumps({"id": "after", "text": "Still read."}).encode() + b"\n")
    items = read(path)
    assert isinstance(items[0], Failure) and items[0].item == f"{path}:1"
    assert "longer than the limit" in items[0].reason
    assert isinstance(items[1], Article) and items[1].id == "after"


def test_text_longer_than_max_chars_fails(tmp_path: Path):
    path = tmp_path / "long.txt"
    path.write_text("word " * 300)
    [item] = read(path, limits=Limits(max_chars=1000))
    assert isinstance(item, Failure) and "longer than the limit of 1,000" in item.reason


def test_gzip_bomb_is_refused_without_inflating_it_all(tmp_path: Path):
    path = tmp_path / "bomb.html.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        block = b"<p>" + b"a" * 65536 + b"</p>"
        for _ in range(200):  # ~13 MB inflated from a few KB
            handle.write(block)
    assert path.stat().st_size < 200_000
    [item] = read(path, limits=Limits(max_bytes=1_000_000))
    assert isinstance(item, Failure) and "larger than the limit of 1,000,000 bytes" in item.reason


def test_corrupt_gzip_fails(tmp_path: Path):
    path = tmp_path / "bad.txt.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate")
    [item] = read(path)
    assert isinstance(item, Failure) and "gzip" in item.reason


def test_gzipped_text_and_jsonl(tmp_path: Path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress("Talks in Accra.".encode()))
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(json.dumps({"text": "Talks in Lome."}).encode() + b"\n"))
    items = read(tmp_path / "a.txt.gz", tmp_path / "b.jsonl.gz")
    assert [i.text for i in items] == ["Talks in Accra.", "Talks in Lome."]


def test_json_array_file(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"id": "1", "text": "One."}, {"oops": True}, {"id": "3", "text": "Three."}]))
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Article"]
    assert items[1].item == f"{path}[1]"


def test_malformed_json_file_fails(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text('{"text": ')
    [item] = read(path)
    assert isinstance(item, Failure) and "malformed JSON" in item.reason


HTML_PAGE = """<!doctype html><html><head><title>Talks resume in Doha | Harbor News</title>
<meta property="og:title" content="Talks resume in Doha">
<meta property="article:published_time" content="2025-03-04T09:30:00Z">
<meta name="author" content="Lena Orhan">
<meta name="keywords" content="Qatar, diplomacy">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks resume in Doha</h1>
<p>DOHA, Qatar (Harbor News) — Negotiators from the two delegations returned to the table on Tuesday after a
week-long pause, officials said, with both sides signalling that a deal on prisoner releases was close.</p>
<figure><img src="a.jpg"><figcaption>Delegates arrive in Doha on Tuesday. (Photo: Sami Haddad / Harbor News)</figcaption></figure>
<p>"We are closer than we have been in months," said Mariam Khoury, a mediator with the Gulf Dialogue Forum,
speaking to reporters outside the hotel where the sessions are held.</p>
<p>The talks are expected to continue through the weekend, according to two diplomats briefed on the schedule.</p>
</article><footer>© Harbor News</footer></body></html>"""


def test_html_text_and_metadata(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE)
    [item] = read(path)
    assert isinstance(item, Article), item
    assert "Negotiators from the two delegations" in item.text
    assert "Home" not in item.text.split("\n")[0]
    assert item.title == "Talks resume in Doha"
    assert item.published and item.published.startswith("2025-03-04")
    assert item.authors == ["Lena Orhan"]
    assert "Qatar" in item.tags
    assert item.captions == ["Delegates arrive in Doha on Tuesday. (Photo: Sami Haddad / Harbor News)"]


def test_gzipped_html(tmp_path: Path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(HTML_PAGE.encode()))
    [item] = read(path)
    assert isinstance(item, Article) and "Negotiators" in item.text


def test_html_without_article_text_fails(tmp_path: Path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>")
    [item] = read(path)
    assert isinstance(item, Failure) and "no article text" in item.reason


@pytest.mark.parametrize("markup", [
    "<div>" * 100_000 + "<p>Deep text that goes on for a while in Beirut.</p>" + "</div>" * 100_000,
    "<html><body><p>Unclosed <b><i>tags <p>everywhere <table><tr><td>in Lagos" * 200,
    "<<<>>><html><body></p></div></span><p>" + "&#xFFFFFFF; &bogus; " * 50,
])
def test_nested_or_malformed_html_never_raises(tmp_path: Path, markup: str):
    path = tmp_path / "bad.html"
    path.write_text(markup)
    [item] = read(path)
    assert isinstance(item, (Article, Failure))
    if isinstance(item, Failure):
        assert item.reason


def test_jsonl_html_field(tmp_path: Path):
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({"id": "h1", "html": HTML_PAGE, "published": "2025-03-05"}) + "\n")
    [item] = read(path)
    assert isinstance(item, Article) and item.id == "h1" and "Negotiators" in item.text
    assert item.published == "2025-03-05"  # the input's own field wins over the page's metadata


def test_directory_of_mixed_files_in_sorted_order(tmp_path: Path):
    (tmp_path / "b.txt").write_text("Second article from Kyiv.")
    (tmp_path / "a.txt").write_text("First article from Lagos.")
    (tmp_path / "c.bin").write_bytes(b"\x00\x01")
    (tmp_path / ".hidden.txt").write_text("never read")
    sub = tmp_path / "z"
    sub.mkdir()
    (sub / "d.jsonl").write_text(json.dumps({"text": "Third."}) + "\nnot json\n")
    (sub / "e.txt").write_bytes(b"")
    items = read(tmp_path)
    summary = [(type(i).__name__, Path(i.item).name) for i in items]
    assert summary == [("Article", "a.txt"), ("Article", "b.txt"), ("Failure", "c.bin"),
                       ("Article", "d.jsonl:1"), ("Failure", "d.jsonl:2"), ("Failure", "e.txt")]


def test_gzip_jsonl_broken_mid_stream_keeps_what_was_read(tmp_path: Path):
    good = gzip.compress(b"".join(json.dumps({"id": str(i), "text": f"Item {i}."}).encode() + b"\n" for i in range(3)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(good[: len(good) - 12])  # truncated: the trailer and part of the data are gone
    items = read(path)
    assert isinstance(items[-1], Failure) and items[-1].item == str(path)
    assert all(isinstance(i, Article) for i in items[:-1])
