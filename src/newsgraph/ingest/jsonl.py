"""JSON Lines and JSON: one article per object, with ``text`` (kept unchanged) or ``html``.

Recognized keys: ``text`` or ``html`` (one is required), ``id``, ``title``, ``url``, ``published`` (also
``date``), ``source``, ``authors`` (also ``author``), ``tags`` (also ``keywords``), ``captions``.
Lines are read with a bound: a line longer than :attr:`Limits.max_line_bytes` is skipped without being held
in memory and reported as a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .article import (GZIP_ERRORS, Article, Failure, Limits, ReadError, as_str_list, check_text,
                      normalize_published, open_maybe_gzip, read_file_bytes)

_CHUNK = 1 << 20


def article_from_object(obj, item: str, limits: Limits) -> Article:
    """An Article from one decoded JSON value; ReadError when it is not a usable article object."""
    if not isinstance(obj, dict):
        raise ReadError(f"expected a JSON object, got {type(obj).__name__}")
    text, html = obj.get("text"), obj.get("html")
    ident = obj.get("id")
    ident = str(ident) if ident is not None and str(ident).strip() else None
    if isinstance(text, str) and text.strip():
        article = Article(text=check_text(text, limits), item=item)
    elif isinstance(html, str) and html.strip():
        from .html import article_from_html

        article = article_from_html(html, item, limits, url=obj.get("url") if isinstance(obj.get("url"), str) else None)
    elif "text" in obj or "html" in obj:
        raise ReadError("empty text")
    else:
        raise ReadError("object has neither 'text' nor 'html'")
    article.id = ident
    for key in ("title", "url", "source"):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            setattr(article, key, value.strip())
    published = obj.get("published", obj.get("date"))
    if published is not None:
        article.published = normalize_published(published) or article.published
    for key, alias in (("authors", "author"), ("tags", "keywords"), ("captions", None)):
        values = as_str_list(obj.get(key, obj.get(alias) if alias else None))
        if values:
            setattr(article, key, values)
    return article


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; bytes is None for a line longer than ``limit`` (skipped)."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the rest of the oversized line without keeping it
                rest = stream.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
        else:
            yield number, line


def read_jsonl_stream(source: Path | BinaryIO, limits: Limits, name: str | None = None) -> Iterator[Article | Failure]:
    """Articles from a JSONL file path or binary stream; a Failure for each bad line, named ``name:LINE``."""
    if isinstance(source, (str, Path)):
        name = name or str(source)
        stream = open_maybe_gzip(source)
        close = True
    else:
        name = name or getattr(source, "name", "<stream>")
        stream, close = source, False
    try:
        for number, line in _lines(stream, limits.max_line_bytes):
            item = f"{name}:{number}"
            if line is None:
                yield Failure(item, f"line is longer than the limit of {limits.max_line_bytes:,} bytes")
                continue
            if not line.strip():
                continue
            try:
                decoded = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                yield Failure(item, f"not valid UTF-8: byte 0x{line[err.start]:02x} at offset {err.start}")
                continue
            try:
                obj = json.loads(decoded)
            except json.JSONDecodeError as err:
                yield Failure(item, f"malformed JSON: {err.msg} at column {err.colno}")
                continue
            try:
                yield article_from_object(obj, item, limits)
            except ReadError as err:
                yield Failure(item, str(err))
    except (OSError, *GZIP_ERRORS) as err:  # a gzip stream that breaks mid-way
        yield Failure(name, f"cannot read the rest of the stream: {err}")
    finally:
        if close:
            stream.close()


def read_json_file(path: Path, limits: Limits) -> Iterator[Article | Failure]:
    """A .json file: an array of article objects, one object, or (written with the wrong ending) JSONL."""
    data = read_file_bytes(path, limits.max_bytes * 10, "JSON file")
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise ReadError(f"not valid UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}") from err
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":  # several JSON values: treat as JSON Lines
            yield from read_jsonl_stream(path, limits)
            return
        raise ReadError(f"malformed JSON: {err.msg} at line {err.lineno} column {err.colno}") from err
    items = value if isinstance(value, list) else [value]
    for index, obj in enumerate(items):
        item = f"{path}[{index}]" if isinstance(value, list) else str(path)
        try:
            yield article_from_object(obj, item, limits)
        except ReadError as err:
            yield Failure(item, str(err))
