"""What readers produce: an :class:`Article`, or a :class:`Failure` for an item that could not be read."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO


class ReadError(Exception):
    """An item cannot be read; the message says why (readers turn it into a Failure)."""


@dataclass(slots=True)
class Article:
    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    item: str = ""  # where it came from (path, path:line), for messages


@dataclass(slots=True)
class Failure:
    item: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"item": self.item, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one bad item from exhausting memory."""

    #: Largest file or decompressed stream read for one HTML or text article, in bytes.
    max_bytes: int = 20_000_000
    #: Longest JSONL line, in bytes.
    max_line_bytes: int = 20_000_000
    #: Longest article text, in characters (spaCy's own default ``nlp.max_length`` is 1,000,000).
    max_chars: int = 1_000_000
    #: Fewest non-space characters of main text an HTML page must yield to count as an article.
    min_html_chars: int = 30


def read_bounded(stream: BinaryIO, limit: int, what: str) -> bytes:
    """Read a whole stream, refusing one longer than ``limit`` bytes without reading past it."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ReadError(f"{what} is larger than the limit of {limit:,} bytes")
    return data


def open_maybe_gzip(path) -> BinaryIO:
    """A binary stream over a file, decompressed when it is gzip (by magic number, not by name)."""
    raw = open(path, "rb")
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    return raw


#: What a broken gzip stream raises while it is read.
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def read_file_bytes(path, limit: int, what: str = "file") -> bytes:
    """The (decompressed) bytes of a file, bounded: a gzip bomb fails once it inflates past ``limit``."""
    with open_maybe_gzip(path) as stream:
        try:
            return read_bounded(stream, limit, f"{what} (decompressed)" if isinstance(stream, gzip.GzipFile) else what)
        except GZIP_ERRORS as err:
            raise ReadError(f"corrupt gzip data: {err}") from err


def decode_text(data: bytes) -> str:
    """Strict UTF-8 (a leading BOM dropped); a clear error for binary or undecodable input."""
    if b"\x00" in data[:8192]:
        raise ReadError("binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ReadError(f"not valid UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}") from err
    if "\x00" in text:
        raise ReadError("binary content (NUL characters), not text")
    return text


def check_text(text: str, limits: Limits) -> str:
    """The text itself, or a ReadError when it is empty or too long to process."""
    if not text.strip():
        raise ReadError("empty text")
    if len(text) > limits.max_chars:
        raise ReadError(f"text of {len(text):,} characters is longer than the limit of {limits.max_chars:,}")
    return text


def normalize_published(value) -> str | None:
    """An ISO 8601 date or date-time from the usual ways feeds and pages write one; None when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return None
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        from dateutil import parser as dateparser

        parsed = dateparser.parse(text, default=datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year == 1:
        return None
    if (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0) and ":" not in text:
        return parsed.date().isoformat()
    return parsed.isoformat()


def as_str_list(value) -> list[str]:
    """A list of strings from a string (comma- or semicolon-separated), a list, or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        sep = ";" if ";" in value else ","
        return [part.strip() for part in value.split(sep) if part.strip()]
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for part in value:
            if isinstance(part, dict):
                part = part.get("name")
            if isinstance(part, str):
                out.extend(p for p in as_str_list(part) if p not in out)
        return out
    return []


__all__ = ["Article", "Failure", "Limits", "ReadError", "GZIP_ERRORS", "read_bounded", "read_file_bytes", "decode_text",
           "check_text", "normalize_published", "as_str_list", "open_maybe_gzip"]
