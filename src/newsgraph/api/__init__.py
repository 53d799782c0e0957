"""``newsgraph serve``: the REST API (:mod:`newsgraph.api.routes`) and the web UI (:mod:`newsgraph.web`) over a
corpus store, in one process.

    from newsgraph.api import create_app
    app = create_app("newsgraph.duckdb")          # then: uvicorn.run(app)
"""

from .app import create_app

__all__ = ["create_app"]
