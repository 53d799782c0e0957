"""JSON errors for every failure the API can answer: ``{"error": {"status", "message", "parameter"?}}``.

Invalid parameters answer 422 naming the parameter; unknown ids 404; a query past the time limit 503; anything
unexpected 500 with a plain message (the traceback goes to the server's log, never to the client).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store.queries import QueryError
from .database import QueryTimeout

log = logging.getLogger("newsgraph.api")


class ApiError(Exception):
    """An error answered as JSON with this status."""

    def __init__(self, status: int, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


def error_body(status: int, message: str, parameter: str | None = None, **extra) -> dict:
    body = {"status": status, "message": message}
    if parameter:
        body["parameter"] = parameter
    body.update(extra)
    return {"error": body}


def parameter_error(err: QueryError, names: tuple[str, ...]) -> ApiError:
    """A QueryError from the query layer as a 422 naming the parameter its message starts with."""
    message = str(err).lstrip("-")
    first = message.split(":")[0].split()[0] if message else ""
    parameter = first if first in names else None
    return ApiError(422, message, parameter)


def _validation_message(err: RequestValidationError) -> tuple[str, str | None, list]:
    details = []
    for e in err.errors():
        loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body")]
        details.append({"parameter": ".".join(loc) or None, "message": e.get("msg", "invalid")})
    first = details[0] if details else {"parameter": None, "message": "invalid request"}
    text = f"{first['parameter']}: {first['message']}" if first["parameter"] else first["message"]
    return text, first["parameter"], details


def install(app: FastAPI, api_prefix: str = "/api") -> None:
    """Register the handlers. Errors under ``api_prefix`` are JSON; page errors go to the web UI's handler
    when it set one (``app.state.page_error``)."""

    def wants_json(request: Request) -> bool:
        page_error = getattr(request.app.state, "page_error", None)
        return page_error is None or request.url.path.startswith(api_prefix)

    async def respond(request: Request, status: int, message: str, parameter: str | None = None, **extra):
        if not wants_json(request):
            return await request.app.state.page_error(request, status, message)
        return JSONResponse(error_body(status, message, parameter, **extra), status_code=status)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, err: ApiError):
        return await respond(request, err.status, err.message, err.parameter)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError):
        message, parameter, details = _validation_message(err)
        return await respond(request, 422, message, parameter, details=details)

    @app.exception_handler(QueryError)
    async def _query_error(request: Request, err: QueryError):
        return await respond(request, 422, str(err).lstrip("-"))

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, err: QueryTimeout):
        return await respond(request, 503, str(err))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException):
        message = err.detail if isinstance(err.detail, str) else "error"
        if err.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        return await respond(request, err.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return await respond(request, 500, "internal error: the server could not answer this request (see the "
                                           "server's log)")
