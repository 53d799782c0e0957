"""The application: the API under ``/api/v1`` (and ``/api`` for the current version), OpenAPI at
``/api/openapi.json``, the web UI at ``/``, its static files at ``/static``."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from .. import __version__
from . import errors
from .cache import ResponseCache
from .database import Database
from .routes import router

API_PREFIX = "/api"
VERSIONED = "/api/v1"


def create_app(db: str | Path | Database, *, allow_ingest: bool = False, token: str | None = None,
               model: str | None = None, query_timeout: float = 10.0, web: bool = True,
               cache: bool = True) -> FastAPI:
    """The served app over the store at ``db`` (opened read-only unless ``allow_ingest``; ingest also needs a
    ``token``, which clients send as ``Authorization: Bearer TOKEN``). ``cache`` keeps successful GET answers
    (:mod:`newsgraph.api.cache`; cleared after each ingest)."""
    database = db if isinstance(db, Database) else Database(db, writable=allow_ingest, query_timeout=query_timeout,
                                                            model=model)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        database.close()

    app = FastAPI(title="newsgraph", version=__version__, lifespan=lifespan,
                  description="Quotes, entities, events, places and dates of a news corpus.",
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs", redoc_url=None)
    app.state.db = database
    app.state.token = token if allow_ingest else None
    # zlib's default level: level 9 (Starlette's default) took 33 ms for the 1.4 MB events page, level 6 14 ms,
    # for a few percent more bytes
    app.add_middleware(GZipMiddleware, minimum_size=2000, compresslevel=6)
    if cache:
        app.add_middleware(ResponseCache, registry=app.state)
    app.include_router(router, prefix=VERSIONED, tags=["v1"])
    app.include_router(router, prefix=API_PREFIX, include_in_schema=False)
    errors.install(app, API_PREFIX)
    if web:
        from ..web import install as install_web

        install_web(app)
    return app
