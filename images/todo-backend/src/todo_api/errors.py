"""Error responses: every one is JSON with a `detail` a person can read.

`responses(...)` documents them in the OpenAPI document, route by route, so that the document
lists exactly what a route can answer; `install(app)` adds the handlers that produce them.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .schemas import ChatProblem, Problem, TaskChange, ValidationProblem

log = logging.getLogger("todo_api.errors")

# Seconds a client is asked to wait after a 503 for the database: about one connect timeout.
DATABASE_RETRY_AFTER = 5


def _header(description: str, *, required: bool = True) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": {"type": "integer", "minimum": 1}}


RETRY_AFTER = {"Retry-After": _header("Seconds to wait before trying again")}
_WHAT: dict[int, tuple[str, type[Problem], dict[str, Any] | None]] = {
    400: ("The body could not be read as UTF-8 JSON", Problem, None),
    401: ("Not signed in, or the token is invalid or expired", Problem, None),
    404: ("No such task among the signed-in user's", Problem, None),
    409: ("An account with this email already exists", Problem, None),
    413: ("The body is over the route's limit (MAX_BODY_BYTES; 1 MiB for /api/chat); refused unread", Problem, None),
    422: ("The request does not match the schema", ValidationProblem, None),
    429: ("Too many log-in attempts for this account or from this address, or sign-ups from it", Problem, RETRY_AFTER),
    502: ("The model service failed or answered something that is not a chat completion", ChatProblem, None),
    503: (
        "The database is unavailable or did not answer in time, or every database connection stayed busy",
        Problem,
        RETRY_AFTER,
    ),
    504: ("The model service did not answer within CHAT_DEADLINE_SECONDS", ChatProblem, None),
}


def responses(*codes: int, e503: str | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error codes. `e503` describes a 503 that is not always the
    database's, and so does not always carry Retry-After."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        description, model, headers = _WHAT[code]
        if code == 503 and e503 is not None:
            description, headers = e503, {"Retry-After": _header("When the database is the cause", required=False)}
        entry: dict[str, Any] = {"model": model, "description": description}
        if headers:
            entry["headers"] = headers
        out[code] = entry
    return out


class ChatFailed(Exception):
    """The assistant gave up: 502 or 504, with the changes its tool calls had already saved."""

    def __init__(self, status_code: int, detail: str, changes: list[TaskChange]) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.changes = changes


def pool_busy(error: BaseException) -> bool:
    """Whether the request waited its whole time for a free pooled connection: every connection
    was in use, which is load (or a slow database), not a database that is down."""
    return isinstance(error, sa.TimeoutError)


def busy() -> JSONResponse:
    return JSONResponse(
        {
            "detail": "Every database connection stayed busy with other requests and none came free in time; "
            f"try again in {DATABASE_RETRY_AFTER} s"
        },
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
    )


def database_failure(error: BaseException) -> bool:
    """Whether an exception means the database is unavailable (as opposed to a bug)."""
    if isinstance(error, sa.TimeoutError | sa.OperationalError | sa.InterfaceError):
        return True
    return isinstance(error, sa.DBAPIError) and error.connection_invalidated


def unavailable() -> JSONResponse:
    return JSONResponse(
        {"detail": f"The database is unavailable right now; try again in {DATABASE_RETRY_AFTER} s"},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
    )


def too_large(max_body_bytes: int) -> JSONResponse:
    # What the client still sends, uvicorn reads and drops (memory stays flat); closing instead
    # would reset the connection under a client still sending, which then never sees the 413.
    return JSONResponse(
        {"detail": f"The request body is over the limit of {max_body_bytes} bytes"},
        status_code=status.HTTP_413_CONTENT_TOO_LARGE,
    )


class DeclaredTooLarge:
    """A request whose Content-Length is over its route's limit gets its 413 at once, before any
    of the body is read, in the same JSON as every other error.

    FastAPI's `max_body_size` (Starlette's body limiter) does the counting, bodies sent without a
    Content-Length included; this only answers the declared case first, which that limiter
    answers in plain text. `limits` are the paths whose limit is not `max_body_bytes`.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, limits: dict[str, int]) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            limit = self.limits.get(scope["path"], self.max_body_bytes)
            declared = Headers(scope=scope).get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                return await too_large(limit)(scope, receive, send)
        await self.app(scope, receive, send)


def _methods(request: Request) -> list[str]:
    path = request.scope["path"]
    routes = [r for r in request.app.routes if isinstance(r, Route) and r.path_regex.match(path)]
    return sorted({method for route in routes for method in route.methods or ()})


def install(app: FastAPI, max_body_bytes: int, limits: dict[str, int]) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in error.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": "; ".join(problems), "errors": problems})

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if error.status_code == status.HTTP_413_CONTENT_TOO_LARGE:
            # The route's own limit, as FastAPI's limiter left it in the scope.
            return too_large(request.scope.get(MAX_BODY_SIZE_SCOPE_KEY, max_body_bytes))
        if error.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
            # Starlette names only the methods of the first route on the path; a path has a route
            # per method here, so Allow lists them all, as the OpenAPI document does.
            error.headers = {"Allow": ", ".join(_methods(request))}
        return await http_exception_handler(request, error)

    async def database_error(request: Request, error: Exception) -> JSONResponse:
        if pool_busy(error):
            log.warning("database pool busy", extra={"method": request.method, "path": request.url.path})
            return busy()
        if not database_failure(error):
            raise error
        log.warning(
            "database unavailable",
            extra={"method": request.method, "path": request.url.path, "error": str(error).splitlines()[0]},
        )
        return unavailable()

    app.add_middleware(DeclaredTooLarge, max_body_bytes=max_body_bytes, limits=limits)

    for kind in (sa.DBAPIError, sa.TimeoutError):
        app.add_exception_handler(kind, database_error)

    @app.exception_handler(ChatFailed)
    async def chat_failed(_: Request, error: ChatFailed) -> JSONResponse:
        body = ChatProblem(detail=error.detail, changes=error.changes)
        return JSONResponse(body.model_dump(mode="json"), status_code=error.status_code)
