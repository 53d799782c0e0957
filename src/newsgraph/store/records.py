"""Records as JSON: rebuilding an :class:`ArticleRecord` from its ``to_json()`` form, strictly, and reading
JSONL files of records (``newsgraph ingest --records``).

:func:`record_from_json` is the inverse of ``ArticleRecord.to_json()``: it checks every field's type as
``docs/record.md`` documents it (and every span against the text), so a malformed record is refused with a
reason instead of being stored.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..ingest.article import GZIP_ERRORS, Failure, Limits, ReadError, open_maybe_gzip
from ..record import (ArticleRecord, Actor, Date, Entity, Event, Place, Quote, Span, SpanError)


class RecordError(ValueError):
    """A JSON value that is not a valid article record; the message says where and why."""


_NONE = object()


def _get(obj: dict, key: str, kind, where: str, *, optional: bool = False, default: Any = _NONE):
    if key not in obj:
        if default is not _NONE:
            return default
        raise RecordError(f"{where}: missing field {key!r}")
    value = obj[key]
    if value is None and optional:
        return None
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise RecordError(f"{where}: field {key!r} must be {getattr(kind, '__name__', kind)}"
                          f"{' or null' if optional else ''}, got {type(value).__name__}")
    return value


def _strings(obj: dict, key: str, where: str) -> list[str]:
    values = _get(obj, key, list, where, default=[])
    if not all(isinstance(v, str) for v in values):
        raise RecordError(f"{where}: field {key!r} must be a list of strings")
    return list(values)


def _span(value, text: str, where: str, *, optional: bool = False) -> Span | None:
    if value is None and optional:
        return None
    if not isinstance(value, dict):
        raise RecordError(f"{where}: expected a span object, got {type(value).__name__}")
    span = Span(_get(value, "start", int, where), _get(value, "end", int, where), _get(value, "text", str, where))
    try:
        span.check(text)
    except SpanError as err:
        raise RecordError(f"{where}: {err}") from None
    return span


def _objects(obj: dict, key: str, where: str) -> list[dict]:
    values = _get(obj, key, list, where, default=[])
    for i, v in enumerate(values):
        if not isinstance(v, dict):
            raise RecordError(f"{where}.{key}[{i}]: expected an object, got {type(v).__name__}")
    return values


def _actor(value, text: str, where: str) -> Actor | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecordError(f"{where}: expected an actor object")
    return Actor(mention=_span(value.get("mention"), text, f"{where}.mention", optional=True),
                 entity=_get(value, "entity", str, where, optional=True, default=None),
                 name=_get(value, "name", str, where, optional=True, default=None),
                 country=_get(value, "country", str, where, optional=True, default=None),
                 sector=_get(value, "sector", str, where, optional=True, default=None))


def record_from_json(obj: Any) -> ArticleRecord:
    """The record a ``to_json()`` dict describes; raises :class:`RecordError` naming the first problem."""
    if not isinstance(obj, dict):
        raise RecordError(f"expected a record object, got {type(obj).__name__}")
    w = "record"
    text = _get(obj, "text", str, w)
    record_id = _get(obj, "id", str, w)
    if not record_id:
        raise RecordError("record: empty id")
    if not text.strip():
        raise RecordError("record: empty text")
    opt = {k: _get(obj, k, str, w, optional=True, default=None)
           for k in ("title", "url", "published", "source", "language")}
    record = ArticleRecord(id=record_id, text=text, title=opt["title"], url=opt["url"], published=opt["published"],
                           source=opt["source"], authors=_strings(obj, "authors", w), tags=_strings(obj, "tags", w),
                           captions=_strings(obj, "captions", w), language=opt["language"],
                           keyphrases=_strings(obj, "keyphrases", w))
    for i, e in enumerate(_objects(obj, "entities", w)):
        where = f"entities[{i}]"
        record.entities.append(Entity(
            id=_get(e, "id", str, where), name=_get(e, "name", str, where), type=_get(e, "type", str, where),
            roles=_strings(e, "roles", where), country=_get(e, "country", str, where, optional=True, default=None),
            mentions=[_span(m, text, f"{where}.mentions[{j}]")
                      for j, m in enumerate(_get(e, "mentions", list, where, default=[]))]))
    for i, q in enumerate(_objects(obj, "quotes", w)):
        where = f"quotes[{i}]"
        kind = _get(q, "kind", str, where)
        if kind not in ("direct", "indirect", "mixed"):
            raise RecordError(f"{where}: kind {kind!r} is not direct, indirect or mixed")
        record.quotes.append(Quote(
            kind=kind, content=_span(q.get("content"), text, f"{where}.content"),
            parts=[_span(p, text, f"{where}.parts[{j}]") for j, p in enumerate(_get(q, "parts", list, where, default=[]))],
            cue=_span(q.get("cue"), text, f"{where}.cue", optional=True),
            speaker=_span(q.get("speaker"), text, f"{where}.speaker", optional=True),
            speaker_entity=_get(q, "speaker_entity", str, where, optional=True, default=None),
            speaker_name=_get(q, "speaker_name", str, where, optional=True, default=None)))
    for i, p in enumerate(_objects(obj, "places", w)):
        where = f"places[{i}]"
        record.places.append(Place(
            mention=_span(p.get("mention"), text, f"{where}.mention"), kind=_get(p, "kind", str, where),
            name=_get(p, "name", str, where),
            geonameid=_get(p, "geonameid", int, where, optional=True, default=None),
            country=_get(p, "country", str, where, optional=True, default=None),
            admin1=_get(p, "admin1", str, where, optional=True, default=None),
            lat=_get(p, "lat", float, where, optional=True, default=None),
            lon=_get(p, "lon", float, where, optional=True, default=None),
            feature=_get(p, "feature", str, where, optional=True, default=None)))
    for i, d in enumerate(_objects(obj, "dates", w)):
        where = f"dates[{i}]"
        record.dates.append(Date(mention=_span(d.get("mention"), text, f"{where}.mention"),
                                 type=_get(d, "type", str, where), value=_get(d, "value", str, where)))
    for i, ev in enumerate(_objects(obj, "events", w)):
        where = f"events[{i}]"
        record.events.append(Event(
            type=_get(ev, "type", str, where), trigger=_span(ev.get("trigger"), text, f"{where}.trigger"),
            sentence=_span(ev.get("sentence"), text, f"{where}.sentence"),
            cameo_root=_get(ev, "cameo_root", str, where, optional=True, default=None),
            source=_actor(ev.get("source"), text, f"{where}.source"),
            target=_actor(ev.get("target"), text, f"{where}.target"),
            place=_get(ev, "place", int, where, optional=True, default=None),
            date=_get(ev, "date", str, where, optional=True, default=None),
            mode=_get(ev, "mode", str, where, optional=True, default=None),
            confidence=_get(ev, "confidence", float, where, default=0.0)))
    return record


def _records_from_stream(stream, name: str, limits: Limits) -> Iterator[tuple[str, ArticleRecord | Failure]]:
    number = 0
    limit = limits.max_line_bytes
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        item = f"{name}:{number}"
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield item, Failure(item, f"line is longer than the limit of {limit:,} bytes")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except UnicodeDecodeError as err:
            yield item, Failure(item, f"malformed record: not valid UTF-8: {err.reason}")
            continue
        except json.JSONDecodeError as err:
            yield item, Failure(item, f"malformed record: malformed JSON: {err.msg} at column {err.colno}")
            continue
        try:
            record = record_from_json(obj)
        except RecordError as err:
            yield item, Failure(item, f"malformed record: {err}")
            continue
        yield item, too_long(item, record, limits) or record


def too_long(item: str, record: ArticleRecord, limits: Limits) -> Failure | None:
    """The failure of a record whose text is longer than ``limits.max_chars``, else None."""
    if len(record.text) > limits.max_chars:
        return Failure(item, f"text of {len(record.text):,} characters is longer than the limit of "
                             f"{limits.max_chars:,}")
    return None


def _record_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield Path(root) / name
    else:
        yield path


def read_records(sources: Iterable[str | os.PathLike], limits: Limits | None = None
                 ) -> Iterator[tuple[str, ArticleRecord | Failure]]:
    """(item, record or Failure) for every line of JSONL record files (``-``: stdin), in order.

    Items are named ``path:LINE``; directories are walked in sorted order.
    """
    limits = limits or Limits()
    for source in sources:
        if str(source) == "-":
            yield from _records_from_stream(sys.stdin.buffer, "<stdin>", limits)
            continue
        path = Path(source)
        if not path.exists():
            yield str(path), Failure(str(path), "no such file or directory")
            continue
        for file in _record_files(path):
            try:
                with open_maybe_gzip(file) as stream:
                    yield from _records_from_stream(stream, str(file), limits)
            except GZIP_ERRORS as err:
                yield str(file), Failure(str(file), f"corrupt gzip data: {err}")
            except ReadError as err:
                yield str(file), Failure(str(file), str(err))
            except OSError as err:
                yield str(file), Failure(str(file), f"cannot read file: {err.strerror or err}")
