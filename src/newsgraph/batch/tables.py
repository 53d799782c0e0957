"""The batch output tables: their columns, and the rows one :class:`ArticleRecord` (or Failure) becomes.

Column names follow the corpus store's tables (``newsgraph.store.schema``, ``docs/exports.md``): one row per
element of a record's lists, ``idx`` its position in the list, spans as ``*_start``/``*_end`` (Python str
offsets into the article's text, end exclusive) plus the covered text. Differences from the store: lists a store
keeps in tables of their own travel inside the row (an entity's ``mentions``, a quote's ``parts``, an article's
``keyphrases`` and ``captions``), events keep their sentence's text, and every table but ``failures`` has the
partition column ``published_date``.

``articles.record`` is the record's JSON without its text, exactly as the store keeps it; the text is the
``text`` column. ``json.loads(record) | {"text": text}`` is the record ``newsgraph extract`` writes for the same
article (:func:`newsgraph.store.batch_records.read_batch_output` rebuilds it so).

This module imports nothing from Spark except in :func:`spark_schema`, so workers and readers can use it alone.
"""

from __future__ import annotations

import datetime
import json

from ..record import ArticleRecord

#: The partition column of every table but ``failures``: the date part of ``published`` (null when unknown).
PARTITION = "published_date"

_SPAN = "span"  # a struct<start int, end int, text string>

_ACTOR = ("entity", "name", "country", "sector", "start", "end", "text")
_ACTOR_TYPES = ("string", "string", "string", "string", "int", "int", "string")

#: Each table's columns (name, type), in row order. Types: string, int, long, double, date, array<string>,
#: array<span>. The partition column comes last.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "articles": [
        ("id", "string"), ("item", "string"), ("input", "string"), ("input_index", "int"), ("position", "int"),
        ("url", "string"), ("title", "string"), ("published", "string"), ("source", "string"),
        ("authors", "array<string>"), ("tags", "array<string>"), ("captions", "array<string>"),
        ("language", "string"), ("keyphrases", "array<string>"), ("n_entities", "int"), ("n_quotes", "int"),
        ("n_places", "int"), ("n_dates", "int"), ("n_events", "int"), ("text", "string"), ("record", "string"),
        (PARTITION, "date")],
    "entities": [
        ("article_id", "string"), ("idx", "int"), ("entity_id", "string"), ("name", "string"), ("type", "string"),
        ("roles", "array<string>"), ("country", "string"), ("n_mentions", "int"), ("mentions", "array<span>"),
        (PARTITION, "date")],
    "quotes": [
        ("article_id", "string"), ("idx", "int"), ("kind", "string"), ("content_start", "int"),
        ("content_end", "int"), ("content", "string"), ("parts", "array<span>"), ("cue_start", "int"),
        ("cue_end", "int"), ("cue", "string"), ("speaker_start", "int"), ("speaker_end", "int"),
        ("speaker", "string"), ("speaker_entity", "string"), ("speaker_name", "string"), (PARTITION, "date")],
    "events": [
        ("article_id", "string"), ("idx", "int"), ("type", "string"), ("cameo_root", "string"),
        ("trigger_start", "int"), ("trigger_end", "int"), ("trigger", "string"), ("sentence_start", "int"),
        ("sentence_end", "int"), ("sentence", "string"),
        *[(f"{side}_{col}", typ) for side in ("source", "target") for col, typ in zip(_ACTOR, _ACTOR_TYPES)],
        ("place_idx", "int"), ("date", "string"), ("mode", "string"), ("confidence", "double"), (PARTITION, "date")],
    "places": [
        ("article_id", "string"), ("idx", "int"), ("start_char", "int"), ("end_char", "int"), ("text", "string"),
        ("kind", "string"), ("name", "string"), ("geonameid", "long"), ("country", "string"), ("admin1", "string"),
        ("lat", "double"), ("lon", "double"), ("feature", "string"), (PARTITION, "date")],
    "dates": [
        ("article_id", "string"), ("idx", "int"), ("start_char", "int"), ("end_char", "int"), ("text", "string"),
        ("type", "string"), ("value", "string"), (PARTITION, "date")],
    "failures": [
        ("item", "string"), ("reason", "string"), ("stage", "string"), ("input", "string"), ("input_index", "int"),
        ("position", "int"), ("wave", "string")],
}

#: The tables, in the order they are written.
TABLES = tuple(COLUMNS)
#: The tables partitioned by :data:`PARTITION`.
PARTITIONED = tuple(t for t in TABLES if COLUMNS[t][-1][0] == PARTITION)


def spark_schema(table: str):
    """The Spark ``StructType`` of a table (partition column included)."""
    from pyspark.sql import types as T

    span = T.StructType([T.StructField("start", T.IntegerType()), T.StructField("end", T.IntegerType()),
                         T.StructField("text", T.StringType())])
    kinds = {"string": T.StringType(), "int": T.IntegerType(), "long": T.LongType(), "double": T.DoubleType(),
             "date": T.DateType(), "array<string>": T.ArrayType(T.StringType()), "array<span>": T.ArrayType(span)}
    return T.StructType([T.StructField(name, kinds[kind]) for name, kind in COLUMNS[table]])


def published_date(published: str | None) -> datetime.date | None:
    """The partition date of a publication date: its date part as written (as the store's
    ``published_date``), None when there is none or it is not a date."""
    if not published:
        return None
    try:
        return datetime.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _span(span) -> tuple | None:
    return None if span is None else (span.start, span.end, span.text)


def _span_cols(span) -> tuple:
    return (None, None, None) if span is None else (span.start, span.end, span.text)


def _actor_cols(actor) -> tuple:
    if actor is None:
        return (None,) * 7
    return (actor.entity, actor.name, actor.country, actor.sector, *_span_cols(actor.mention))


def record_rows(record: ArticleRecord, *, item: str, input: str, input_index: int, position: int
                ) -> list[tuple[str, tuple]]:
    """``(table, row)`` for one record: its article row, then a row per entity, quote, event, place and date.

    Raises ValueError when the record cannot be written as UTF-8 (a lone surrogate from a JSON ``\\ud800``
    escape): the caller reports the item as failed, as the store does.
    """
    from ..store.store import record_json  # the store's JSON form of a record without its text

    data = json.dumps(record_json(record), ensure_ascii=False)
    for what, value in (("text", record.text), ("record", data)):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ValueError(f"record is not valid Unicode: {err.reason} at position {err.start} of its {what}") \
                from None
    day = published_date(record.published)
    aid = record.id
    rows: list[tuple[str, tuple]] = [("articles", (
        aid, item, input, input_index, position, record.url, record.title, record.published, record.source,
        list(record.authors), list(record.tags), list(record.captions), record.language, list(record.keyphrases),
        len(record.entities), len(record.quotes), len(record.places), len(record.dates), len(record.events),
        record.text, data, day))]
    for i, e in enumerate(record.entities):
        rows.append(("entities", (aid, i, e.id, e.name, e.type, list(e.roles), e.country, len(e.mentions),
                                  [_span(m) for m in e.mentions], day)))
    for i, q in enumerate(record.quotes):
        rows.append(("quotes", (aid, i, q.kind, *_span_cols(q.content), [_span(p) for p in q.parts],
                                *_span_cols(q.cue), *_span_cols(q.speaker), q.speaker_entity, q.speaker_name, day)))
    for i, ev in enumerate(record.events):
        rows.append(("events", (aid, i, ev.type, ev.cameo_root, *_span_cols(ev.trigger), *_span_cols(ev.sentence),
                                *_actor_cols(ev.source), *_actor_cols(ev.target), ev.place, ev.date, ev.mode,
                                float(ev.confidence), day)))
    for i, p in enumerate(record.places):
        rows.append(("places", (aid, i, *_span_cols(p.mention), p.kind, p.name, p.geonameid, p.country, p.admin1,
                                None if p.lat is None else float(p.lat), None if p.lon is None else float(p.lon),
                                p.feature, day)))
    for i, d in enumerate(record.dates):
        rows.append(("dates", (aid, i, *_span_cols(d.mention), d.type, d.value, day)))
    return rows


def failure_row(item: str, reason: str, *, stage: str, input: str, input_index: int, position: int,
                wave: str) -> tuple[str, tuple]:
    """``("failures", row)`` for an item that could not be read (``stage`` "read") or extracted ("extract")."""
    return "failures", (item, reason, stage, input, input_index, position, wave)
