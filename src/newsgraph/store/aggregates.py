"""Corpus-wide views the API and web UI draw: article lists, an entity's quotes and events, timelines, the actor
network and place counts.

Each function takes a :class:`~newsgraph.store.Store` (anything with a DuckDB ``con``), validates its parameters
(raising :class:`~newsgraph.store.queries.QueryError` with the parameter's name) and answers plain data: rows are
the dataclasses of :mod:`newsgraph.store.queries` or dicts of JSON-ready values. Filters mean what they mean in
:mod:`newsgraph.store.queries` (``event_filter``), so the CLI, the API and the UI agree.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from . import queries
from .queries import (EVENT_DAY, Page, QueryError, QuoteRow, _date, _event_type, _page_keys, _paging,
                      event_filter, event_rows, quote_rows)

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

#: Bucket sizes a timeline can count by.
INTERVALS = ("day", "week", "month", "year")


def _iso(value) -> Any:
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


def _interval(value: str) -> str:
    if value not in INTERVALS:
        raise QueryError(f"interval {value!r} is not one of {', '.join(INTERVALS)}")
    return value


def _period(since, until, where: list[str], params: list, column: str) -> None:
    """:func:`newsgraph.store.queries._period`, refusing a range that ends before it starts."""
    start, end = _date(since, "since"), _date(until, "until")
    if start and end and start > end:
        raise QueryError(f"since ({start}) is after until ({end})")
    queries._period(start, end, where, params, column)


# --- articles ----------------------------------------------------------------------------------------------------

@dataclass
class ArticleRow:
    """An article's metadata and how much newsgraph found in it."""

    id: str
    title: str | None
    published: str | None
    source: str | None
    url: str | None
    n_entities: int
    n_quotes: int
    n_events: int
    n_places: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def articles(store: "Store", since=None, until=None, source: str | None = None, limit: int = 50,
             offset: int = 0) -> Page[ArticleRow]:
    """Stored articles, newest first (then by id): ``since``/``until`` on the publication date, ``source`` the
    publication's name as stored (case aside). The counts come from the rollup ``article_counts``."""
    limit, offset = _paging(limit, offset)
    where, params = ["TRUE"], []
    _period(since, until, where, params, "a.published_date")
    if source:
        where.append("lower(a.source) = lower(?)")
        params.append(source.strip())
    total, keys = _page_keys(store, f"FROM articles a WHERE {' AND '.join(where)}", params, "a.id",
                              "a.published_date DESC NULLS LAST, a.id", limit, offset)
    if not keys:
        return Page([], total, limit, offset)
    ids = [k[0] for k in keys]
    rows = store.con.execute("""
        WITH k AS (SELECT unnest($1::VARCHAR[]) AS id, unnest($2::INTEGER[]) AS n)
        SELECT a.id, a.title, a.published, a.source, a.url, coalesce(c.entities, 0)::INTEGER,
               coalesce(c.quotes, 0)::INTEGER, coalesce(c.events, 0)::INTEGER, coalesce(c.places, 0)::INTEGER
        FROM k JOIN articles a ON a.id = k.id LEFT JOIN article_counts c ON c.article_id = k.id
        ORDER BY k.n""", [ids, list(range(len(ids)))]).fetchall()
    return Page([ArticleRow(*r) for r in rows], total, limit, offset)


def corpus_counts(store: "Store") -> dict[str, int]:
    """How much the store holds: articles, quotes, events, place mentions, corpus entities."""
    row = store.con.execute("""SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quotes),
        (SELECT count(*) FROM events), (SELECT count(*) FROM places),
        (SELECT count(*) FROM corpus_entities)""").fetchone()
    return dict(zip(("articles", "quotes", "events", "places", "entities"), row))


def stored_record(store: "Store", article_id: str) -> dict[str, Any] | None:
    """A stored article's record as JSON (text included), as it was added; None when there is none (see
    :meth:`newsgraph.store.Store.record` for the typed record)."""
    row = store.con.execute("SELECT text, record FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None:
        return None
    record = json.loads(row[1])
    record["text"] = row[0]
    return record


def article_meta(store: "Store", article_id: str) -> dict[str, Any] | None:
    """An article's stored metadata beside its record: ingest time, item, duplicates linked to it."""
    row = store.con.execute("SELECT item, ingested_at FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None:
        return None
    copies = store.con.execute("""SELECT article_id, kind, round(score, 3), url, source, published
        FROM duplicates WHERE original_id = ? ORDER BY seen_at, article_id LIMIT 100""", [article_id]).fetchall()
    return {"item": row[0], "ingested_at": _iso(row[1]),
            "duplicates": [{"id": c[0], "kind": c[1], "score": c[2], "url": c[3], "source": c[4],
                            "published": c[5]} for c in copies]}


# --- one corpus entity -------------------------------------------------------------------------------------------

# An entity's quotes (by it: it is the resolved speaker; about it: it is named inside the quote, the speaker's own
# entity aside) and events (as source or target) are read from the rollups (newsgraph.store.rollups).

def entity_exists(store: "Store", corpus_id: str) -> bool:
    """Whether the store has this corpus entity."""
    return store.con.execute("SELECT 1 FROM corpus_entities WHERE id = ?", [corpus_id]).fetchone() is not None


def _entity_items(store: "Store", corpus_id: str, kind: str, limit: int, offset: int) -> tuple[int, list]:
    """The number of the corpus entity's quotes or events of ``kind`` (``by``, ``about``, ``source``,
    ``target``) and the ``(article_id, idx)`` keys of one page of them, newest first (then by article and
    position), read from the rollup ``entity_items``."""
    where = "FROM entity_items WHERE corpus_entity = ? AND kind = ?"
    total = store.con.execute(f"SELECT count(*) {where}", [corpus_id, kind]).fetchone()[0]
    if not limit or offset >= total:
        return total, []
    keys = store.con.execute(f"SELECT article_id, idx {where} ORDER BY day DESC NULLS LAST, article_id, idx "
                             "LIMIT ? OFFSET ?", [corpus_id, kind, limit, offset]).fetchall()
    return total, keys


def entity_quotes(store: "Store", corpus_id: str, relation: str = "by", limit: int = 20,
                  offset: int = 0) -> Page[QuoteRow]:
    """Quotes ``by`` the corpus entity (it is the resolved speaker) or ``about`` it (it is named inside the
    quote), newest article first."""
    limit, offset = _paging(limit, offset)
    if relation not in ("by", "about"):
        raise QueryError(f"relation {relation!r} is not one of by, about")
    total, keys = _entity_items(store, corpus_id, relation, limit, offset)
    return Page(quote_rows(store, keys), total, limit, offset)


def entity_events(store: "Store", corpus_id: str, side: str = "source", limit: int = 20, offset: int = 0):
    """Events whose ``source`` (or ``target``) actor is the corpus entity, newest first."""
    limit, offset = _paging(limit, offset)
    if side not in ("source", "target"):
        raise QueryError(f"side {side!r} is not one of source, target")
    total, keys = _entity_items(store, corpus_id, side, limit, offset)
    return Page(event_rows(store, keys), total, limit, offset)


def entity_timeline(store: "Store", corpus_id: str, interval: str = "month") -> list[dict[str, Any]]:
    """Per period (``interval``: day, week, month, year; weeks start on Monday): articles naming the corpus
    entity, quotes by it, events with it as source or target (summed from the rollup ``entity_days``). Periods
    with nothing are left out."""
    unit = _interval(interval)
    rows = store.con.execute(f"""
        SELECT date_trunc('{unit}', day) AS t, sum(articles), sum(quotes_by), sum(events)
        FROM entity_days WHERE corpus_entity = ? AND day IS NOT NULL GROUP BY 1
        HAVING sum(articles) > 0 OR sum(quotes_by) > 0 OR sum(events) > 0 ORDER BY 1""", [corpus_id]).fetchall()
    return [{"period": _iso(r[0]), "articles": int(r[1]), "quotes": int(r[2]), "events": int(r[3])} for r in rows]


# --- events ------------------------------------------------------------------------------------------------------

def event_timeline(store: "Store", source: str | None = None, target: str | None = None, type: str | None = None,
                   since=None, until=None, interval: str = "week") -> list[dict[str, Any]]:
    """Event counts per period and type for the :func:`~newsgraph.store.queries.events` filters (between two
    actors when both ``source`` and ``target`` are given), oldest period first."""
    unit = _interval(interval)
    if not (source or target):  # summed from the rollup event_days
        where, params = ["day IS NOT NULL"], []
        _period(since, until, where, params, "day")
        _event_type(type, where, params)
        rows = store.con.execute(f"""
            SELECT date_trunc('{unit}', day) AS t, type, sum(n)::BIGINT FROM event_days
            WHERE {' AND '.join(where)} GROUP BY 1, 2 ORDER BY 1, 2""", params).fetchall()
    else:
        where, params = event_filter(store, source, target, type, since, until)
        rows = store.con.execute(f"""
            SELECT date_trunc('{unit}', {EVENT_DAY}) AS t, e.type, count(*)
            FROM events e JOIN articles a ON a.id = e.article_id
            WHERE {' AND '.join(where)} AND {EVENT_DAY} IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2""",
                                 params).fetchall()
    return [{"period": _iso(r[0]), "type": r[1], "count": r[2]} for r in rows]


# An event actor as a network node: its corpus entity when it has one, else its country and sector code
# ("TUR MIL"), else its text as written (the same nodes the rollup network_edges counts).
_NODE = """CASE WHEN {x}.corpus_entity IS NOT NULL THEN {x}.corpus_entity
    WHEN e.{side}_country IS NOT NULL THEN concat_ws(' ', e.{side}_country, e.{side}_sector)
    ELSE lower(e.{side}_text) END"""
_LABEL = """coalesce(c{n}.name, CASE WHEN e.{side}_country IS NOT NULL
    THEN concat_ws(' ', e.{side}_country, e.{side}_sector) END, e.{side}_text)"""

# Edges summed from the rollup: a node's label is its corpus entity's current name, else the label kept.
_ROLLED_EDGES = """
    SELECT n.source, coalesce(cs.name, n.source_label), n.source_entity,
           n.target, coalesce(ct.name, n.target_label), n.target_entity, n.type, sum(n.n)::BIGINT AS n
    FROM {table} n
    LEFT JOIN corpus_entities cs ON n.source_entity AND cs.id = n.source
    LEFT JOIN corpus_entities ct ON n.target_entity AND ct.id = n.target
    WHERE {where} GROUP BY ALL ORDER BY n DESC, 1, 4, 7 LIMIT {limit}"""


def _edges_table(since, until) -> str:
    """The network rollup to sum: per day for a date range, else the totals over all days."""
    return "network_edges" if since or until else "network_totals"


def network(store: "Store", source: str | None = None, target: str | None = None, type: str | None = None,
            since=None, until=None, quotes: bool = True, limit: int = 60) -> dict[str, Any]:
    """Who does what to whom: edges ``source -> target`` with counts per event type for the events filters,
    and (``quotes``) ``speaker -> entity`` edges of type ``QUOTES`` when a speaker names the entity inside a
    quote. The ``limit`` heaviest edges are kept, with their nodes (``id``, ``label``, ``kind``: corpus entity or
    coded actor, ``weight``: the events and quotes it takes part in).

    Summed from the rollups ``network_totals`` (or ``network_edges``, per day, for a date range), except the
    event edges between named actors (``source``/``target``, matched by name, text or country as in the events
    filters), counted from the events."""
    if limit < 1 or limit > 500:
        raise QueryError("limit must be between 1 and 500")
    where, params = event_filter(store, source, target, type, since, until)
    if source or target:
        src, tgt = _NODE.format(x="xs", side="source"), _NODE.format(x="xt", side="target")
        edges = store.con.execute(f"""
            SELECT {src} AS s, {_LABEL.format(n='s', side='source')} AS sl, xs.corpus_entity IS NOT NULL,
                   {tgt} AS t, {_LABEL.format(n='t', side='target')} AS tl, xt.corpus_entity IS NOT NULL,
                   e.type, count(*) AS n
            FROM events e JOIN articles a ON a.id = e.article_id
            LEFT JOIN entities xs ON xs.article_id = e.article_id AND xs.entity_id = e.source_entity
            LEFT JOIN entities xt ON xt.article_id = e.article_id AND xt.entity_id = e.target_entity
            LEFT JOIN corpus_entities cs ON cs.id = xs.corpus_entity
            LEFT JOIN corpus_entities ct ON ct.id = xt.corpus_entity
            WHERE {' AND '.join(where)}
            GROUP BY ALL HAVING s IS NOT NULL AND t IS NOT NULL AND s <> t
            ORDER BY n DESC, s, t, e.type LIMIT {int(limit)}""", params).fetchall()
    else:
        rwhere, rparams = ["NOT n.quote"], []
        _period(since, until, rwhere, rparams, "n.day")
        _event_type(type, rwhere, rparams, "n.")
        edges = store.con.execute(_ROLLED_EDGES.format(table=_edges_table(since, until),
                                                       where=" AND ".join(rwhere), limit=int(limit)),
                                  rparams).fetchall()
    if quotes and not type:
        qwhere, qparams = ["n.quote", "cs.id IS NOT NULL", "ct.id IS NOT NULL"], []
        _period(since, until, qwhere, qparams, "n.day")
        edges += store.con.execute(_ROLLED_EDGES.format(table=_edges_table(since, until),
                                                        where=" AND ".join(qwhere), limit=int(limit)),
                                   qparams).fetchall()
        if source or target:  # keep the quote edges that touch the asked actors' nodes
            kept = {r[0] for r in edges if r[6] != "QUOTES"} | {r[3] for r in edges if r[6] != "QUOTES"}
            edges = [r for r in edges if r[6] != "QUOTES" or r[0] in kept or r[3] in kept]
        edges = sorted(edges, key=lambda r: (-r[7], r[0], r[3], r[6]))[:limit]
    nodes: dict[str, dict[str, Any]] = {}
    out_edges = []
    for s, sl, s_ent, t, tl, t_ent, etype, n in edges:
        for ident, label, is_entity in ((s, sl, s_ent), (t, tl, t_ent)):
            node = nodes.setdefault(ident, {"id": ident, "label": label or ident,
                                            "kind": "entity" if is_entity else "actor", "weight": 0})
            node["weight"] += n
        out_edges.append({"source": s, "target": t, "type": etype, "count": n})
    return {"nodes": sorted(nodes.values(), key=lambda n: (-n["weight"], n["id"])), "edges": out_edges}


# --- places ------------------------------------------------------------------------------------------------------

def places(store: "Store", since=None, until=None, country: str | None = None, limit: int = 500
           ) -> list[dict[str, Any]]:
    """Resolved places mentioned in the corpus, most written about first: one row per GeoNames entry (or per
    name and point when it has no id) with its coordinates (the mean of its mentions'), country, feature and
    name (the most frequent, ties by alphabetical order), articles and mentions. Summed from the rollup
    ``place_days``."""
    if limit < 1 or limit > 5000:
        raise QueryError("limit must be between 1 and 5000")
    where, params = ["TRUE"], []
    _period(since, until, where, params, "day")
    if country:
        from ..lexicons import country_code

        raw = country.strip()
        code = raw.upper() if len(raw) == 3 and raw.isalpha() else country_code(raw)
        if not code:
            raise QueryError(f"country {country!r} is neither an ISO 3166 alpha-3 code (e.g. TUR) nor a country name")
        where.append("country = ?")
        params.append(code)
    place = "geonameid, place_name, place_lat, place_lon"  # a place's key (the name and point without an id)
    rows = store.con.execute(f"""
        WITH v AS (SELECT {place}, country, name, feature, sum(mentions) AS m, sum(articles) AS n,
                          sum(sum_lat) AS lat, sum(sum_lon) AS lon
                   FROM place_days WHERE {' AND '.join(where)} GROUP BY ALL),
             w AS (SELECT *, sum(m) OVER (PARTITION BY {place}, name) AS name_m,
                          sum(m) OVER (PARTITION BY {place}, feature) AS feature_m FROM v)
        SELECT geonameid, first(name ORDER BY name_m DESC, name) FILTER (WHERE name IS NOT NULL),
               any_value(country), sum(lat) / sum(m), sum(lon) / sum(m),
               first(feature ORDER BY feature_m DESC, feature) FILTER (WHERE feature IS NOT NULL),
               sum(n) AS n_articles, sum(m) AS n_mentions
        FROM w GROUP BY {place} ORDER BY n_articles DESC, n_mentions DESC, 2 LIMIT {int(limit)}""",
                             params).fetchall()
    return [{"geonameid": r[0], "name": r[1], "country": r[2], "lat": round(r[3], 4), "lon": round(r[4], 4),
             "feature": r[5], "articles": int(r[6]), "mentions": int(r[7])} for r in rows]


# --- corpus entities ---------------------------------------------------------------------------------------------

#: Entity types as the record gives them (spaCy's labels; see docs/record.md).
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")


def entity_list(store: "Store", type: str | None = None, limit: int = 50, offset: int = 0) -> Page[dict]:
    """Corpus entities, most written about first (``type``: one of :data:`ENTITY_TYPES`)."""
    limit, offset = _paging(limit, offset)
    where, params = ["TRUE"], []
    if type:
        t = type.strip().upper()
        if t not in ENTITY_TYPES:
            raise QueryError(f"type {type!r} is not one of {', '.join(ENTITY_TYPES)}")
        where.append("type = ?")
        params.append(t)
    base = f"FROM corpus_entities WHERE {' AND '.join(where)}"
    total, keys = _page_keys(store, base, params, "id", "n_articles DESC, n_mentions DESC, id", limit, offset)
    if not keys:
        return Page([], total, limit, offset)
    rows = store.con.execute("""
        WITH k AS (SELECT unnest($1::VARCHAR[]) AS id, unnest($2::INTEGER[]) AS n)
        SELECT c.id, c.name, c.type, c.country, c.first_seen, c.last_seen, c.n_articles, c.n_mentions
        FROM k JOIN corpus_entities c ON c.id = k.id ORDER BY k.n""",
                             [[k[0] for k in keys], list(range(len(keys)))]).fetchall()
    names = ("id", "name", "type", "country", "first_seen", "last_seen", "n_articles", "n_mentions")
    return Page([{n: _iso(v) for n, v in zip(names, r)} for r in rows], total, limit, offset)


def corpus_links(store: "Store", article_id: str) -> dict[str, str]:
    """The corpus entity of each of an article's entities (``entity_id -> corpus id``)."""
    return dict(store.con.execute("""SELECT entity_id, corpus_entity FROM entities
        WHERE article_id = ? AND corpus_entity IS NOT NULL""", [article_id]).fetchall())


def entity_matches(store: "Store", text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Corpus entities one of whose names starts with ``text`` (spelling folded as for aliases), most written
    about first: the quick match a search box shows (no fuzzy matching: see
    :func:`newsgraph.store.corpus_entities.find` for that)."""
    from .corpus_entities import _summary_rows, plain_key

    key = plain_key(text)
    if not key or limit < 1:
        return []
    ids = [r[0] for r in store.con.execute("""SELECT corpus_entity FROM corpus_aliases
        WHERE key = $1 OR starts_with(key, $1 || ' ') OR ends_with(key, ' ' || $1)
           OR (length($1) >= 3 AND starts_with(key, $1))
        GROUP BY 1 ORDER BY max(n_articles) DESC LIMIT $2""", [key, limit]).fetchall()]
    return _summary_rows(store.con, ids)
