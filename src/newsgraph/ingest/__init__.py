"""Readers: turn input sources into a lazy stream of :class:`Article` and :class:`Failure`.

One reader per input kind (``text``, ``html``, ``jsonl``, ``warc``, ``feeds``); :func:`read_sources` dispatches
paths (and ``http(s)://`` feed URLs) to them, walks directories in sorted order and keeps input order.  Readers never raise for bad items: they yield a
:class:`Failure` naming the item and the reason, so a run goes on and nothing is silently dropped.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .article import Article, Failure, Limits, ReadError
from .feeds import Fetcher, read_feed_file, read_feed_url, read_xml_file
from .html import read_html_file
from .jsonl import read_json_file, read_jsonl_stream
from .text import read_text_file
from .warc import read_warc_file

__all__ = ["Article", "Failure", "Fetcher", "Limits", "ReadError", "read_sources", "reader_for", "SUFFIXES"]

#: File endings newsgraph reads, and the reader for each.
SUFFIXES = {
    ".txt": read_text_file,
    ".txt.gz": read_text_file,
    ".text": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".html.gz": read_html_file,
    ".htm.gz": read_html_file,
    ".jsonl": read_jsonl_stream,
    ".jsonl.gz": read_jsonl_stream,
    ".ndjson": read_jsonl_stream,
    ".ndjson.gz": read_jsonl_stream,
    ".json": read_json_file,
    ".json.gz": read_json_file,
    ".warc": read_warc_file,
    ".warc.gz": read_warc_file,
    ".rss": read_feed_file,
    ".rss.gz": read_feed_file,
    ".atom": read_feed_file,
    ".atom.gz": read_feed_file,
    ".xml": read_xml_file,  # a feed when its root element is rss, feed or rdf:RDF
    ".xml.gz": read_xml_file,
}

#: Readers that fetch over the network and take the ``fetch`` and ``fetcher`` keywords.
_FEED_READERS = (read_feed_file, read_xml_file)


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return "".join(path.suffixes[-2:]).lower() or "(none)"


def reader_for(path: Path):
    """The reader function for a file path, or None when newsgraph does not read that kind of file."""
    return SUFFIXES.get(_suffix(path))


def _walk(directory: Path) -> Iterator[Path]:
    """Files below a directory in sorted order, hidden files and folders left out."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _is_url(source: str) -> bool:
    return source[:8].lower().startswith(("http://", "https://"))


def _read_file(path: Path, limits: Limits, feed_options) -> Iterator[Article | Failure]:
    reader = reader_for(path)
    if reader is None:
        yield Failure(str(path), f"unsupported file type {_suffix(path)!r} (newsgraph reads .txt, .html, .htm, "
                                 ".jsonl, .json, .warc, .rss, .atom, feed .xml, optionally .gz)")
        return
    try:
        if reader in _FEED_READERS:
            yield from reader(path, limits, **feed_options())
        else:
            yield from reader(path, limits)
    except ReadError as err:
        yield Failure(str(path), str(err))
    except OSError as err:
        yield Failure(str(path), f"cannot read file: {err.strerror or err}")


def read_sources(sources: Iterable[str | os.PathLike], limits: Limits | None = None,
                 published: str | None = None, *, fetch: bool = True,
                 fetcher: Fetcher | None = None) -> Iterator[Article | Failure]:
    """Every article of every source, in order: files, directories (sorted walk), ``-`` (JSONL on stdin) and
    ``http(s)://`` URLs (RSS/Atom feeds).

    ``published`` fills the publication date of articles whose input gives none.  Feed entries are read by
    fetching their links through ``fetcher`` (one polite :class:`Fetcher` with default settings when None, shared
    by all sources); ``fetch=False`` builds them from the entries' own content and fetches only feed URLs.
    """
    limits = limits or Limits()
    shared: list[Fetcher] = []

    def feed_options() -> dict:
        if not shared:
            shared.append(fetcher or Fetcher())
        return {"fetch": fetch, "fetcher": shared[0]}

    for source in sources:
        if str(source) == "-":
            items = read_jsonl_stream(sys.stdin.buffer, limits, name="<stdin>")
        elif _is_url(str(source)):
            items = read_feed_url(str(source), limits, **feed_options())
        else:
            path = Path(source)
            if path.is_dir():
                items = (item for f in _walk(path) for item in _read_file(f, limits, feed_options))
            elif path.exists():
                items = _read_file(path, limits, feed_options)
            else:
                items = iter([Failure(str(path), "no such file or directory")])
        for item in items:
            if published and isinstance(item, Article) and not item.published:
                item.published = published
            yield item
