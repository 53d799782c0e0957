"""The web UI's pages: server-rendered HTML (Jinja2, autoescaped) over the same queries as the API.

    /                   search (quotes, entities, articles) and an overview of the corpus
    /search?q=          the same with results
    /articles/{id}      the text with quotes, speakers, entities, places, dates and events highlighted
    /entities           entities, most written about first; /entities/{id} one entity's page
    /events             the events explorer: timeline by type, actor network, the events themselves
    /map                places mentioned, on a world map drawn from a bundled outline (no tiles)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..store import aggregates, corpus_entities, queries
from ..store.queries import QueryError
from . import charts, highlight

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(version=__version__, kinds=highlight.KINDS)
templates.env.tests["web_url"] = lambda url: isinstance(url, str) and url.lower().startswith(("http://", "https://"))
templates.env.filters["qs"] = lambda params: urlencode({k: v for k, v in params.items() if v not in (None, "")})

router = APIRouter(include_in_schema=False)
PAGE = 25
EVENT_TYPES_NOTE = "PLOVER type or CAMEO root"


def _db(request: Request):
    return request.app.state.db


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


async def page_error(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


def _int(value: str | None, default: int, *, low: int = 0, high: int = 10_000, name: str = "offset") -> int:
    if value in (None, ""):
        return default
    try:
        n = int(value)
    except ValueError:
        raise QueryError(f"{name}: {value!r} is not a whole number") from None
    if not low <= n <= high:
        raise QueryError(f"{name}: {n} is not between {low} and {high}")
    return n


def _text(value: str | None, name: str, limit: int = 500) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise QueryError(f"{name}: longer than {limit} characters")
    return value or None


def _pager(request: Request, page: queries.Page) -> dict[str, Any]:
    params = dict(request.query_params)
    prev_off = max(0, page.offset - page.limit) if page.offset else None
    next_off = page.offset + page.limit if page.offset + page.limit < page.total else None

    def url(offset):
        return None if offset is None else f"{request.url.path}?{urlencode({**params, 'offset': offset})}"
    return {"total": page.total, "first": page.offset + 1 if page.rows else 0, "last": page.offset + len(page.rows),
            "prev": url(prev_off), "next": url(next_off)}


@router.get("/", response_class=HTMLResponse)
@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str | None = None) -> HTMLResponse:
    q = _text(q, "q")
    with _db(request).reader() as view:
        if not q:
            return render(request, "home.html", q="", counts=aggregates.corpus_counts(view),
                          latest=aggregates.articles(view, limit=10).rows,
                          people=aggregates.entity_list(view, type="PERSON", limit=12).rows,
                          quotes=queries.quotes(view, limit=8).rows)
        return render(request, "search.html", q=q,
                      entities=aggregates.entity_matches(view, q, limit=12),
                      said=queries.quotes(view, speaker=q, limit=10),
                      quotes=queries.quotes(view, search=q, limit=PAGE),
                      articles=queries.search(view, q, limit=PAGE))


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, since: str | None = None, until: str | None = None,
                  offset: str | None = None) -> HTMLResponse:
    with _db(request).reader() as view:
        page = aggregates.articles(view, since=_text(since, "since"), until=_text(until, "until"), limit=PAGE,
                                   offset=_int(offset, 0, high=100_000))
    return render(request, "articles.html", page=page, pager=_pager(request, page), since=since or "",
                  until=until or "")


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    with _db(request).reader() as view:
        record = aggregates.stored_record(view, article_id)
        if record is None:
            return render(request, "error.html", status=404, status_code=404,
                          message=f"There is no article with id “{article_id}” in this store.")
        text = record["text"]
        corpus = aggregates.corpus_links(view, article_id)
        meta = aggregates.article_meta(view, article_id)
    names = {e["id"]: e for e in record.get("entities") or []}
    counts = {kind: 0 for kind, _ in highlight.KINDS}
    paragraphs = highlight.paragraphs(text, record, corpus)
    for para in paragraphs:
        for piece in para:
            for k in piece.kinds:
                counts[k] += 1
    return render(request, "article.html", record=record, text=text, paragraphs=paragraphs, corpus=corpus,
                  names=names, meta=meta, counts=counts)


@router.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request, q: str | None = None, type: str | None = None,
                  offset: str | None = None) -> HTMLResponse:
    q, kind = _text(q, "q"), _text(type, "type")
    with _db(request).reader() as view:
        if q:
            rows = corpus_entities.find(view, q, limit=100)
            if kind:
                rows = [r for r in rows if r["type"] == kind.upper()]
            page = queries.Page(rows, len(rows), len(rows) or 1, 0)
        else:
            page = aggregates.entity_list(view, type=kind, limit=PAGE * 2, offset=_int(offset, 0, high=100_000))
    return render(request, "entities.html", page=page, pager=_pager(request, page), q=q or "", type=kind or "",
                  types=aggregates.ENTITY_TYPES)


@router.get("/entities/{corpus_id}", response_class=HTMLResponse)
def entity_page(request: Request, corpus_id: str, interval: str | None = None) -> HTMLResponse:
    unit = interval or "month"
    with _db(request).reader() as view:
        profile = corpus_entities.profile(view, corpus_id)
        if profile is None:
            return render(request, "error.html", status=404, status_code=404,
                          message=f"There is no entity with id “{corpus_id}” in this store.")
        said = aggregates.entity_quotes(view, corpus_id, "by", limit=50)
        about = aggregates.entity_quotes(view, corpus_id, "about", limit=20)
        as_source = aggregates.entity_events(view, corpus_id, "source", limit=20)
        as_target = aggregates.entity_events(view, corpus_id, "target", limit=20)
        timeline = aggregates.entity_timeline(view, corpus_id, unit)
        why = corpus_entities.explanations(view, corpus_id)
    series = ["quotes", "events"] if any(r["quotes"] or r["events"] for r in timeline) else ["articles"]
    chart = charts.stacked_bars(charts.fill_gaps(timeline, unit), series)
    return render(request, "entity.html", e=profile, said=said, about=about, as_source=as_source,
                  as_target=as_target, chart=chart, series=series, interval=unit, intervals=aggregates.INTERVALS,
                  why=why)


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, source: str | None = None, target: str | None = None, type: str | None = None,
                since: str | None = None, until: str | None = None, interval: str | None = None,
                offset: str | None = None) -> HTMLResponse:
    filters = {"source": _text(source, "source"), "target": _text(target, "target"), "type": _text(type, "type"),
               "since": _text(since, "since"), "until": _text(until, "until")}
    unit = interval or "week"
    with _db(request).reader() as view:
        timeline = aggregates.event_timeline(view, **filters, interval=unit)
        net = aggregates.network(view, **filters, limit=50)
        page = queries.events(view, **filters, limit=PAGE, offset=_int(offset, 0, high=100_000), sentences=True)
    rows, types = charts.pivot(timeline)
    rows = charts.fill_gaps(rows, unit)
    from ..extract.events import default_codes

    return render(request, "events.html", filters=filters, interval=unit, intervals=aggregates.INTERVALS,
                  chart=charts.stacked_bars(rows, types), network=charts.layout(net), page=page,
                  pager=_pager(request, page), all_types=sorted(default_codes()))


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, since: str | None = None, until: str | None = None,
             country: str | None = None) -> HTMLResponse:
    filters = {"since": _text(since, "since"), "until": _text(until, "until"), "country": _text(country, "country")}
    with _db(request).reader() as view:
        places = aggregates.places(view, **filters, limit=1000)
    return render(request, "map.html", filters=filters, points=charts.map_points(places), places=places[:100])
