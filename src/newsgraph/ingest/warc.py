"""WARC archives (``.warc``, ``.warc.gz``, e.g. Common Crawl's CC-NEWS): one article per HTML response record.

The file is read as a stream with warcio, one record at a time, so an archive of any size needs memory for one
record only.  What becomes what:

* an HTTP ``response`` record with a 2xx status whose payload is HTML (``Content-Type`` text/html or
  application/xhtml+xml; without a usable Content-Type, the WARC's ``WARC-Identified-Payload-Type``, else the first
  bytes are sniffed) → an :class:`Article` through :func:`article_from_html`, named ``FILE#OFFSET`` (the record's
  byte offset in the file, as in a CDX index; for ``.warc.gz`` the offset of its gzip member), with ``id`` the
  WARC-Record-ID and ``url`` the WARC-Target-URI;
* every other record is skipped and counted in :class:`WarcStats`: ``warcinfo``, ``request``, ``metadata``,
  ``revisit`` (no payload of its own), ``resource``/``conversion``/``continuation``, responses that are not HTTP
  (``dns:``), not 2xx (redirects, errors) or not HTML;
* a record larger than :attr:`Limits.max_bytes`, a payload whose transfer- or content-encoding cannot be decoded,
  and a page without article text → a :class:`Failure` naming ``FILE#OFFSET``, with the target URI in the reason;
* a truncated or corrupt archive (a bad gzip member, a broken record header) → one :class:`Failure` for the rest
  of the file, after the records read before it; the other sources are read on.  A file with no HTML response at
  all is a Failure too (saying what was skipped), so nothing disappears without a word.

Dates: ``published`` is the page's own metadata (through trafilatura) and nothing else by default.  WARC-Date is
when the page was *crawled*, and HTTP ``Last-Modified`` when the server last changed the bytes (often the time the
page was generated): neither is the publication date, and a wrong publication date would shift every relative
date ("on Tuesday") the extractors resolve against it.  ``date_fallback="last-modified"`` or ``"crawl-date"``
opts into using them for pages whose metadata gives no date (CLI ``--published`` remains the explicit way).
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .article import Article, Failure, Limits, ReadError, normalize_published
from .html import article_from_html

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Content-Types that carry no information about the payload: the payload is sniffed instead.
GENERIC_TYPES = ("", "application/octet-stream", "unk", "unknown", "application/unknown", "binary/octet-stream")
DATE_FALLBACKS = (None, "last-modified", "crawl-date")

_SNIFF = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]",
                    re.IGNORECASE | re.DOTALL)


class TruncatedRecord(Exception):
    """The archive ends inside a record: the record fails and so does the rest of the file."""


@dataclass(slots=True)
class WarcStats:
    """What a WARC reader saw: records read, articles and failures produced, and records skipped by reason."""

    records: int = 0
    articles: int = 0
    failures: int = 0
    skipped: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        skipped = ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
        return (f"{self.records} records, {self.articles} articles, {self.failures} failed"
                + (f"; skipped {skipped}" if skipped else ""))


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """(lower-case media type, charset or None) from a Content-Type header value."""
    if not content_type:
        return "", None
    parts = content_type.split(";")
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return parts[0].strip().lower(), charset


def looks_like_html(data: bytes) -> bool:
    """Whether a payload's first bytes are HTML markup."""
    return bool(_SNIFF.match(data[:4096]))


def is_html(content_type: str | None, data: bytes) -> bool:
    """HTML by its Content-Type, or sniffed when the Content-Type says nothing."""
    kind, _ = media_type(content_type)
    if kind in HTML_TYPES:
        return True
    if kind in GENERIC_TYPES:
        return looks_like_html(data)
    return False


# -- HTTP payload decoding (shared with the feed reader) ---------------------------------------------------------

def dechunk(data: bytes) -> bytes:
    """The body of a ``Transfer-Encoding: chunked`` payload.

    Archives often keep the header while storing the body already de-chunked; a body that does not parse as
    chunks from its first line is returned as it is (as warcio and browsers do).  A body cut off inside a chunk
    raises ReadError.
    """
    out = bytearray()
    pos = 0
    first = True
    while True:
        end = data.find(b"\r\n", pos)
        line = data[pos:end] if end >= 0 else b""
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16) if size_text and re.fullmatch(rb"[0-9a-fA-F]+", size_text) else -1
        except ValueError:
            size = -1
        if size < 0:
            if first:
                return data  # not chunked after all
            if pos >= len(data):
                return bytes(out)  # final chunk and trailer missing: keep what came
            raise ReadError("corrupt chunked transfer-encoding: bad chunk size line")
        first = False
        start = end + 2
        if size == 0:
            return bytes(out)
        if start + size > len(data):
            raise ReadError("truncated chunked transfer-encoding: a chunk is cut off")
        out += data[start:start + size]
        pos = start + size
        if data[pos:pos + 2] == b"\r\n":
            pos += 2


def _brotli():
    for name in ("brotli", "brotlicffi"):
        try:
            return __import__(name)
        except ImportError:
            continue
    return None


def decode_content(data: bytes, encoding: str | None, limit: int) -> bytes:
    """A payload with its ``Content-Encoding`` (gzip, x-gzip, deflate, br when brotli is installed) undone.

    The result is bounded by ``limit`` bytes (a compression bomb fails once it inflates past it).  A payload
    labelled gzip that is plainly not compressed but HTML is taken as it is (some archivers store bodies decoded
    and keep the header).
    """
    encodings = [e.strip().lower() for e in (encoding or "").split(",") if e.strip()]
    for enc in reversed(encodings):  # applied in order, so undone in reverse
        if enc == "identity":
            continue
        if enc in ("gzip", "x-gzip", "deflate"):
            if enc != "deflate" and data[:2] != b"\x1f\x8b" and looks_like_html(data):
                continue
            if enc == "deflate":
                wbits = 15 if data[:1] == b"\x78" else -15  # zlib-wrapped, or raw deflate as some servers send
            else:
                wbits = 31
            decomp = zlib.decompressobj(wbits)
            try:
                out = decomp.decompress(data, limit + 1)
                if len(out) > limit:
                    raise ReadError(f"content (decompressed) is larger than the limit of {limit:,} bytes")
                if not decomp.eof:
                    raise ReadError(f"truncated {enc} content-encoding (the compressed stream is cut off)")
            except zlib.error as err:
                raise ReadError(f"corrupt {enc} content-encoding: {err}") from None
            data = out
        elif enc == "br":
            brotli = _brotli()
            if brotli is None:
                raise ReadError("content-encoding 'br' needs the brotli package, which is not installed")
            try:
                data = brotli.decompress(data)
            except Exception as err:  # brotli.error has no common base
                raise ReadError(f"corrupt br content-encoding: {err}") from None
            if len(data) > limit:
                raise ReadError(f"content (decompressed) is larger than the limit of {limit:,} bytes")
        else:
            raise ReadError(f"unsupported content-encoding {enc!r}")
    return data


def decode_html(data: bytes, charset: str | None) -> bytes | str:
    """The page as str when the HTTP charset decodes it, else the bytes (trafilatura then detects the encoding)."""
    if b"\x00" in data[:8192]:
        raise ReadError("binary content (NUL bytes), not HTML")
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return data


# -- the reader ----------------------------------------------------------------------------------------------------

def _header(headers, name: str) -> str | None:
    if headers is None:
        return None
    value = headers.get_header(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _record_id(record) -> str | None:
    value = _header(record.rec_headers, "WARC-Record-ID")
    return value.strip("<>") if value else None


def _broken_header(record) -> str | None:
    """What is wrong with a WARC record's header, or None (ARC records carry no WARC-Type: not checked)."""
    if record.format != "warc":
        return None
    if not record.rec_type:
        return "no WARC-Type"
    length = _header(record.rec_headers, "Content-Length")
    if length is None or not length.isdigit():
        return f"Content-Length {length!r} is not a number" if length else "no Content-Length"
    return None


def _skip_reason(record) -> str | None:
    """Why a record is not read as a page, or None for an HTTP 2xx response."""
    kind = (record.rec_type or "unknown").lower()
    if kind != "response":
        return kind
    if record.http_headers is None:
        return "non-HTTP response"
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return f"HTTP {status[:1] or '?'}xx response"
    return None


def _article(record, item: str, uri: str | None, limits: Limits, date_fallback: str | None) -> Article | None:
    """The article of one 2xx HTTP response; None when its payload is not HTML (the caller counts it skipped)."""
    http = record.http_headers
    payload = record.raw_stream.read(limits.max_bytes + 1)
    if len(payload) > limits.max_bytes:
        raise ReadError(f"payload is larger than the limit of {limits.max_bytes:,} bytes")
    missing = getattr(record.raw_stream, "limit", 0)
    if isinstance(missing, int) and missing > 0:  # the file (or gzip member) ended inside the record
        raise TruncatedRecord(f"record is truncated ({missing:,} bytes of its payload are missing)")
    if "chunked" in (_header(http, "Transfer-Encoding") or "").lower():
        payload = dechunk(payload)
    body = decode_content(payload, _header(http, "Content-Encoding"), limits.max_bytes)
    content_type = _header(http, "Content-Type")
    if media_type(content_type)[0] in GENERIC_TYPES:
        content_type = _header(record.rec_headers, "WARC-Identified-Payload-Type") or content_type
    if not is_html(content_type, body):
        return None
    article = article_from_html(decode_html(body, media_type(content_type)[1]), item, limits, url=uri)
    article.url = article.url or uri
    article.id = _record_id(record)
    if not article.published and date_fallback == "last-modified":
        article.published = normalize_published(_header(http, "Last-Modified"))
    elif not article.published and date_fallback == "crawl-date":
        article.published = normalize_published(_header(record.rec_headers, "WARC-Date"))
    return article


def _where(err: BaseException) -> str:
    """An exception as a short, printable reason (warcio quotes the raw bytes of a broken line)."""
    text = " ".join("".join(c if c.isascii() and c.isprintable() else "?" for c in str(err)).split())
    text = re.sub(r"\?{4,}", "???", text)
    if len(text) > 120:
        text = text[:117] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


@dataclass(slots=True)
class RecordFailure(Failure):
    """A WARC record that could not be read, named ``FILE#OFFSET``. ``context["rest"]`` is true when the failure
    also stopped the reading of the file (a truncated or corrupt archive from this record on): a retry then reads
    from the record to the end of the file (:func:`read_warc_record` with ``rest=True``), not the record alone."""

    context: dict = field(default_factory=dict)


def read_warc_file(path: Path, limits: Limits, *, date_fallback: str | None = None,
                   stats: WarcStats | None = None) -> Iterator[Article | Failure]:
    """Articles from the HTML responses of a WARC file (plain or record-gzipped), in file order.

    ``stats`` (optional) is filled with what was read and skipped; the same summary is logged at INFO level.
    """
    yield from _read_warc(path, limits, date_fallback=date_fallback, stats=stats, name=str(path))


def read_warc_record(path: Path, offset: int, limits: Limits, *, date_fallback: str | None = None,
                     rest: bool = False, name: str | None = None,
                     stats: WarcStats | None = None) -> Iterator[Article | Failure]:
    """The record at byte ``offset`` of a WARC file (the ``FILE#OFFSET`` that :func:`read_warc_file` names it by),
    read by seeking there rather than through the records before it: its article or a Failure, named
    ``NAME#OFFSET`` (``name`` defaults to the path). ``rest=True`` reads on from the record to the end of the file
    (retrying a failure that stopped the reading of the file). A record that is not an HTML response, or an
    offset where no record starts, is a Failure saying so."""
    if offset < 0:
        raise ValueError(f"offset must be >= 0, not {offset}")
    yield from _read_warc(path, limits, date_fallback=date_fallback, stats=stats,
                          name=str(path) if name is None else name, start=offset, single=not rest)


def _read_warc(path: Path, limits: Limits, *, date_fallback: str | None, stats: WarcStats | None, name: str,
               start: int | None = None, single: bool = False) -> Iterator[Article | Failure]:
    """The reader behind :func:`read_warc_file` (``start`` None: the whole file) and :func:`read_warc_record`
    (from the record at byte ``start``; only that record when ``single``)."""
    from warcio.archiveiterator import ArchiveIterator

    if date_fallback not in DATE_FALLBACKS:
        raise ValueError(f"date_fallback must be one of {DATE_FALLBACKS}")
    stats = stats if stats is not None else WarcStats()
    here = f"{name}#{start}" if start is not None else name  # what a failure before the first record is named
    produced = read = 0
    with open(path, "rb") as handle:
        if start is not None:
            handle.seek(start)
            if start > 0 and not handle.read(1):
                size = os.fstat(handle.fileno()).st_size
                yield RecordFailure(here, f"no WARC record at offset {start}: the file ends before it "
                                          f"(it has {size:,} bytes)", context={"rest": not single})
                return
            handle.seek(start)
        try:
            records = ArchiveIterator(handle, no_record_parse=False, ensure_http_headers=False)
        except Exception as err:  # noqa: BLE001 - warcio raises plain Exceptions on bad input
            what = "the WARC" if start is None else f"the WARC record at offset {start}"
            yield _failure(here, f"cannot read {what}: {_where(err)}", start, single)
            return
        offset = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as err:  # noqa: BLE001 - broken header, bad gzip member, cut-off file...
                stats.failures += 1
                if start is not None and not read:
                    yield _failure(here, f"no readable WARC record at offset {start} (the archive is corrupt or "
                                         f"truncated there, or no record starts there)" + (
                                             "" if single else ", the rest of the file is not read") +
                                   f": {_where(err)}", start, single)
                else:
                    where = f"at offset {records.offset}" if read else "from the start"
                    yield Failure(name, f"corrupt or truncated WARC {where}, the rest of the file is not read: "
                                        f"{_where(err)}")
                produced += 1
                break
            stats.records += 1
            read += 1
            offset = records.offset
            item = f"{name}#{offset}"
            broken = _broken_header(record)
            if broken:
                stats.failures += 1
                yield RecordFailure(item, f"corrupt WARC record header ({broken}), the rest of the file is not read",
                                    context={"rest": True})
                produced += 1
                break
            reason = _skip_reason(record)
            if reason is not None:
                stats.skipped[reason] += 1
                if single:
                    yield RecordFailure(item, f"the record at offset {offset} is not an HTTP 2xx response "
                                              f"({reason})", context={"rest": False})
                    produced += 1
                    break
                continue
            uri = _header(record.rec_headers, "WARC-Target-URI")
            result: Article | Failure | None
            length = record.length or 0
            try:
                if length > limits.max_bytes:
                    raise ReadError(f"record of {length:,} bytes is larger than the limit of "
                                    f"{limits.max_bytes:,} bytes")
                result = _article(record, item, uri, limits, date_fallback)
            except ReadError as err:
                result = RecordFailure(item, f"{err} ({uri or _record_id(record) or 'no target URI'})",
                                       context={"rest": False})
            except Exception as err:  # noqa: BLE001 - the stream broke while the payload was read
                stats.failures += 1
                why = str(err) if isinstance(err, TruncatedRecord) else _where(err)
                yield RecordFailure(item, f"corrupt or truncated WARC in this record, the rest of the file is not "
                                          f"read: {why}", context={"rest": True})
                produced += 1
                break
            if result is None:
                stats.skipped["non-HTML response"] += 1
                if single:
                    yield RecordFailure(item, f"the record at offset {offset} is not an HTML page "
                                              f"({uri or 'no target URI'})", context={"rest": False})
                    produced += 1
                    break
                continue
            if isinstance(result, Failure):
                stats.failures += 1
            else:
                stats.articles += 1
            produced += 1
            yield result
            if single:
                break
    log.info("%s: %s", here, stats.summary())
    if not produced:
        if start is None:
            yield Failure(name, "no HTML response records in the WARC" + (
                f" ({stats.summary()})" if stats.records else " (empty file)"))
        else:
            yield RecordFailure(here, f"no WARC record at offset {start}" + (
                f" ({stats.summary()})" if stats.records else ""), context={"rest": not single})


def _failure(item: str, reason: str, start: int | None, single: bool) -> Failure:
    """A failure before the first record: of the whole file (``start`` None), else of the record at ``start``."""
    if start is None:
        return Failure(item, reason)
    return RecordFailure(item, reason, context={"rest": not single})
