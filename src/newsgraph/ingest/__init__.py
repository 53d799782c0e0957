"""Readers: turn input sources into a lazy stream of :class:`Article` and :class:`Failure`.

One reader per input kind (``text``, ``html``, ``jsonl``); :func:`read_sources` dispatches paths to them,
walks directories in sorted order and keeps input order.  Readers never raise for bad items: they yield a
:class:`Failure` naming the item and the reason, so a run goes on and nothing is silently dropped.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .article import Article, Failure, Limits, ReadError
from .html import read_html_file
from .jsonl import read_json_file, read_jsonl_stream
from .text import read_text_file

__all__ = ["Article", "Failure", "Limits", "ReadError", "read_sources", "reader_for", "SUFFIXES"]

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
}


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


def _read_file(path: Path, limits: Limits) -> Iterator[Article | Failure]:
    reader = reader_for(path)
    if reader is None:
        yield Failure(str(path), f"unsupported file type {_suffix(path)!r} (newsgraph reads "
                                 ".txt, .html, .htm, .jsonl, .json, optionally .gz)")
        return
    try:
        yield from reader(path, limits)
    except ReadError as err:
        yield Failure(str(path), str(err))
    except OSError as err:
        yield Failure(str(path), f"cannot read file: {err.strerror or err}")


def read_sources(sources: Iterable[str | os.PathLike], limits: Limits | None = None,
                 published: str | None = None) -> Iterator[Article | Failure]:
    """Every article of every source, in order: files, directories (sorted walk) and ``-`` (JSONL on stdin).

    ``published`` fills the publication date of articles whose input gives none.
    """
    limits = limits or Limits()
    for source in sources:
        if str(source) == "-":
            items = read_jsonl_stream(sys.stdin.buffer, limits, name="<stdin>")
        else:
            path = Path(source)
            if path.is_dir():
                items = (item for f in _walk(path) for item in _read_file(f, limits))
            elif path.exists():
                items = _read_file(path, limits)
            else:
                items = iter([Failure(str(path), "no such file or directory")])
        for item in items:
            if published and isinstance(item, Article) and not item.published:
                item.published = published
            yield item
