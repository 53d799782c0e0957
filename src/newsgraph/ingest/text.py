"""Plain-text articles: the whole file (UTF-8, optionally gzip) is the text, unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .article import Article, Limits, check_text, decode_text, read_file_bytes


def read_text_file(path: Path, limits: Limits) -> Iterator[Article]:
    text = check_text(decode_text(read_file_bytes(path, limits.max_bytes)), limits)
    yield Article(text=text, item=str(path))
