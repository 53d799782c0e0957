"""The web UI (:mod:`newsgraph.web.pages`): HTML pages, their templates and static files, served by the same app
as the API. Everything it needs ships in the package: no CDN, nothing fetched from the internet."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .pages import HERE, page_error, router


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.page_error = page_error
