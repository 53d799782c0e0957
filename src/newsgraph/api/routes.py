"""The REST API (``/api/v1/...``, and ``/api/...`` for the current version): articles, quotes, entities, events,
places and search over a corpus store. Every list answers one envelope::

    {"total": 1234, "limit": 50, "offset": 0, "next": "/api/v1/quotes?...&offset=50", "items": [...]}

``limit`` is at most :data:`MAX_LIMIT`, ``offset`` at most :data:`MAX_OFFSET`; dates are ``YYYY``, ``YYYY-MM``
or ``YYYY-MM-DD``. Parameter names and meanings follow the CLI's queries (``newsgraph quotes --help``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from .. import __version__
from ..ingest import Limits, ReadError
from ..ingest.jsonl import article_from_object
from ..store import SCHEMA_VERSION, text_hash
from ..store import aggregates
from ..store import corpus_entities
from ..store import queries
from ..store.queries import QueryError
from .database import Database, StoreView
from .errors import ApiError, parameter_error

MAX_LIMIT = 200
MAX_OFFSET = 100_000
MAX_TEXT = 500  # characters of a name or search text
MAX_POST = 100  # articles in one POST

router = APIRouter()

Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")]
Text = Annotated[str | None, Query(max_length=MAX_TEXT)]
Day = Annotated[str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD (inclusive).")]
Interval = Annotated[Literal["day", "week", "month", "year"], Query(description="Timeline bucket.")]


def database(request: Request) -> Database:
    return request.app.state.db


def store(db: Annotated[Database, Depends(database)]):
    """One request's view of the store (its own cursor, with the server's time limit)."""
    with db.reader() as view:
        yield view


Store = Annotated[StoreView, Depends(store)]


def _run(fn, names: tuple[str, ...], *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except QueryError as err:
        raise parameter_error(err, names) from None


def _json(row) -> Any:
    return row.to_json() if hasattr(row, "to_json") else row


def envelope(request: Request, page) -> dict[str, Any]:
    """The list envelope of a :class:`~newsgraph.store.queries.Page`, with the URL of the next page."""
    nxt = None
    if page.limit and page.offset + page.limit < page.total:
        nxt = str(request.url.include_query_params(offset=page.offset + page.limit).replace(scheme="http",
                                                                                             netloc=""))
        nxt = nxt.removeprefix("http://")
    return {"total": page.total, "limit": page.limit, "offset": page.offset, "next": nxt,
            "items": [_json(r) for r in page.rows]}


# --- the index ---------------------------------------------------------------------------------------------------

@router.get("/", summary="What this server serves")
def index(request: Request, view: Store) -> dict[str, Any]:
    counts = aggregates.corpus_counts(view)
    db: Database = request.app.state.db
    base = "/api/v1"
    return {"name": "newsgraph", "version": __version__, "api": "v1", "schema_version": SCHEMA_VERSION,
            "store": db.path.name, "read_only": not db.writable, "counts": counts,
            "endpoints": [f"{base}/{p}" for p in ("articles", "articles/{id}", "quotes", "entities",
                                                    "entities/{id}", "events", "events/timeline",
                                                    "events/network", "places", "search")],
            "openapi": "/api/openapi.json"}


# --- articles ----------------------------------------------------------------------------------------------------

@router.get("/articles", summary="Stored articles, newest first")
def list_articles(request: Request, view: Store, since: Day = None, until: Day = None,
                  source: Text = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    page = _run(aggregates.articles, ("since", "until", "source", "limit", "offset"), view, since=since,
                until=until, source=source, limit=limit, offset=offset)
    return envelope(request, page)


@router.get("/articles/{article_id}", summary="One article's full record")
def get_article(article_id: str, view: Store) -> dict[str, Any]:
    record = aggregates.stored_record(view, article_id)
    if record is None:
        raise ApiError(404, f"no article with id {article_id!r}")
    meta = aggregates.article_meta(view, article_id) or {}
    meta["corpus_entities"] = aggregates.corpus_links(view, article_id)
    return {"record": record, "store": meta}


@router.post("/articles", status_code=201, summary="Ingest articles (only with --allow-ingest and the token)")
def post_articles(request: Request, db: Annotated[Database, Depends(database)],
                  body: Annotated[Any, Body(description="An article object as in JSONL input (`text` or `html`, "
                                                        "`id`, `title`, `url`, `published`, `source`, ...), "
                                                        f"or a list of at most {MAX_POST}.")],
                  authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    token = request.app.state.token
    if not db.writable or not token:
        raise ApiError(403, "ingest is disabled: start the server with --allow-ingest and NEWSGRAPH_TOKEN set")
    if authorization != f"Bearer {token}":
        raise ApiError(401, "missing or wrong token: send 'Authorization: Bearer <NEWSGRAPH_TOKEN>'")
    objects = body if isinstance(body, list) else [body]
    if not objects or len(objects) > MAX_POST:
        raise ApiError(422, f"body: send one article object or a list of 1 to {MAX_POST}", "body")
    articles, results = [], []
    for n, obj in enumerate(objects):
        name = obj.get("id") if isinstance(obj, dict) else None
        try:
            article = article_from_object(obj, "", Limits())
        except ReadError as err:
            results.append({"index": n, "id": name, "status": "failed", "reason": str(err)})
            continue
        article.item = f"<api> {article.id or text_hash(article.text)[:16]}"
        articles.append((n, article))
    for (n, _), result in zip(articles, db.ingest([a for _, a in articles])):
        results.append({"index": n, **result})
    if getattr(request.app.state, "cache", None) is not None:
        request.app.state.cache.clear()  # answers given before may have changed
    results.sort(key=lambda r: r["index"])
    status = 201 if any(r["status"] == "added" for r in results) else 200
    if all(r["status"] == "failed" for r in results):
        status = 422
    return JSONResponse({"results": results}, status_code=status)


# --- quotes ------------------------------------------------------------------------------------------------------

@router.get("/quotes", summary="Quotes, newest article first")
def list_quotes(request: Request, view: Store, speaker: Text = None, about: Text = None, since: Day = None,
                until: Day = None, kind: Annotated[Literal["direct", "indirect", "mixed"] | None, Query()] = None,
                q: Text = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    page = _run(queries.quotes, ("speaker", "about", "since", "until", "kind", "q", "limit", "offset"), view,
                speaker=speaker, about=about, since=since, until=until, kind=kind, search=q, limit=limit,
                offset=offset)
    return envelope(request, page)


# --- entities ----------------------------------------------------------------------------------------------------

@router.get("/entities", summary="Corpus entities: by name, or most written about first")
def list_entities(request: Request, view: Store, q: Text = None,
                  type: Annotated[Literal[aggregates.ENTITY_TYPES] | None, Query()] = None,
                  limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    if q is not None and q.strip():
        rows = corpus_entities.find(view, q, limit=MAX_LIMIT)
        if type:
            rows = [r for r in rows if r["type"] == type]
        page = queries.Page(rows[offset:offset + limit], len(rows), limit, offset)
    else:
        page = _run(aggregates.entity_list, ("type", "limit", "offset"), view, type=type, limit=limit,
                    offset=offset)
    return envelope(request, page)


def _exists(view: StoreView, corpus_id: str) -> None:
    """404 unless the corpus entity exists (the sub-resources' check: cheaper than its profile)."""
    if not aggregates.entity_exists(view, corpus_id):
        raise ApiError(404, f"no corpus entity with id {corpus_id!r}")


def _profile(view: StoreView, corpus_id: str) -> dict[str, Any]:
    profile = corpus_entities.profile(view, corpus_id)
    if profile is None:
        raise ApiError(404, f"no corpus entity with id {corpus_id!r}")
    return profile


@router.get("/entities/{corpus_id}", summary="An entity's profile: roles, aliases, quotes, events, co-occurring")
def get_entity(request: Request, corpus_id: str, view: Store) -> dict[str, Any]:
    out = _profile(view, corpus_id)
    out["quotes_by"] = envelope(request, aggregates.entity_quotes(view, corpus_id, "by", limit=10))
    out["quotes_about"] = envelope(request, aggregates.entity_quotes(view, corpus_id, "about", limit=10))
    out["events_as_source"] = envelope(request, aggregates.entity_events(view, corpus_id, "source", limit=10))
    out["events_as_target"] = envelope(request, aggregates.entity_events(view, corpus_id, "target", limit=10))
    for key in ("quotes_by", "quotes_about", "events_as_source", "events_as_target"):
        out[key]["next"] = None  # page through these with the sub-resources below
    out["timeline"] = aggregates.entity_timeline(view, corpus_id, "month")
    out["links"] = {k: f"/api/v1/entities/{corpus_id}/{k}" for k in ("quotes", "events", "timeline", "why")}
    return out


@router.get("/entities/{corpus_id}/quotes", summary="Quotes by or about an entity")
def entity_quotes(request: Request, corpus_id: str, view: Store,
                  relation: Annotated[Literal["by", "about"], Query()] = "by",
                  limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    _exists(view, corpus_id)
    return envelope(request, aggregates.entity_quotes(view, corpus_id, relation, limit=limit, offset=offset))


@router.get("/entities/{corpus_id}/events", summary="Events with an entity as source or target")
def entity_events(request: Request, corpus_id: str, view: Store,
                  side: Annotated[Literal["source", "target"], Query()] = "source",
                  limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    _exists(view, corpus_id)
    return envelope(request, aggregates.entity_events(view, corpus_id, side, limit=limit, offset=offset))


@router.get("/entities/{corpus_id}/timeline", summary="Articles, quotes and events of an entity per period")
def entity_timeline(corpus_id: str, view: Store, interval: Interval = "month") -> dict[str, Any]:
    _exists(view, corpus_id)
    return {"interval": interval, "items": aggregates.entity_timeline(view, corpus_id, interval)}


@router.get("/entities/{corpus_id}/why", summary="Why names were merged into (or kept apart from) an entity")
def entity_why(corpus_id: str, view: Store) -> dict[str, Any]:
    _exists(view, corpus_id)
    return {"items": corpus_entities.explanations(view, corpus_id)}


# --- events ------------------------------------------------------------------------------------------------------

_EVENT_PARAMS = ("source", "target", "type", "since", "until", "limit", "offset", "interval")
EventType = Annotated[str | None, Query(max_length=12, description="PLOVER type (ASSAULT) or CAMEO root (19).")]


@router.get("/events", summary="Events, newest first")
def list_events(request: Request, view: Store, source: Text = None, target: Text = None, type: EventType = None,
                since: Day = None, until: Day = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    _check_type(type)
    page = _run(queries.events, _EVENT_PARAMS, view, source=source, target=target, type=type, since=since,
                until=until, limit=limit, offset=offset, sentences=True)
    return envelope(request, page)


@router.get("/events/timeline", summary="Event counts per period and type (between two actors)")
def events_timeline(view: Store, source: Text = None, target: Text = None, type: EventType = None,
                    since: Day = None, until: Day = None, interval: Interval = "week") -> dict[str, Any]:
    _check_type(type)
    items = _run(aggregates.event_timeline, _EVENT_PARAMS, view, source=source, target=target, type=type,
                 since=since, until=until, interval=interval)
    return {"interval": interval, "items": items}


@router.get("/events/network", summary="Who does what to whom: actors and typed edges")
def events_network(view: Store, source: Text = None, target: Text = None, type: EventType = None,
                   since: Day = None, until: Day = None, quotes: bool = True,
                   limit: Annotated[int, Query(ge=1, le=500)] = 60) -> dict[str, Any]:
    _check_type(type)
    return _run(aggregates.network, _EVENT_PARAMS, view, source=source, target=target, type=type, since=since,
                until=until, quotes=quotes, limit=limit)


def _check_type(value: str | None) -> None:
    from ..extract.events import default_codes

    types = sorted(default_codes())
    if value and not value.strip().isdigit() and value.strip().upper() not in types:
        raise ApiError(422, f"type: {value!r} is neither a PLOVER type ({', '.join(types)}) nor a CAMEO root "
                            "code", "type")


# --- places and search -------------------------------------------------------------------------------------------

@router.get("/places", summary="Places mentioned, with coordinates and counts")
def list_places(view: Store, since: Day = None, until: Day = None, country: Text = None,
                limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> dict[str, Any]:
    items = _run(aggregates.places, ("since", "until", "country", "limit"), view, since=since, until=until,
                 country=country, limit=limit)
    return {"total": len(items), "items": items}


@router.get("/search", summary="Full text over articles and quotes, and entities by name")
def search(request: Request, view: Store, q: Annotated[str, Query(min_length=1, max_length=MAX_TEXT)],
           limit: Limit = 20, offset: Offset = 0) -> dict[str, Any]:
    articles = _run(queries.search, ("q", "limit", "offset"), view, q, limit=limit, offset=offset)
    quotes = _run(queries.quotes, ("q", "limit", "offset"), view, search=q, limit=limit, offset=offset)
    entities = aggregates.entity_matches(view, q, limit=10) if offset == 0 else []
    return {"q": q, "articles": envelope(request, articles), "quotes": envelope(request, quotes),
            "entities": entities}
