"""The FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from openai import AsyncOpenAI

from . import __version__
from .assistant import Assistant
from .config import Settings, load_settings
from .db import make_engine, make_health_engine, make_sessionmaker
from .routes import auth, chat, health, tasks

log = logging.getLogger("todo_api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.health_engine = make_health_engine(settings)
        app.state.assistant = (
            Assistant(
                AsyncOpenAI(
                    api_key=settings.OPENAI_API_KEY, base_url=settings.OPENAI_BASE_URL, timeout=30, max_retries=1
                ),
                settings.OPENAI_MODEL,
            )
            if settings.OPENAI_API_KEY
            else None
        )
        log.info("started", extra={"environment": settings.ENVIRONMENT, "assistant": app.state.assistant is not None})
        yield
        # SIGTERM: uvicorn stops accepting, finishes in-flight requests, then this runs.
        await engine.dispose()
        await app.state.health_engine.dispose()
        log.info("stopped")

    app = FastAPI(
        title="Todo API",
        version=__version__,
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
    )
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in error.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": "; ".join(problems), "errors": problems})

    for router in (health.router, auth.router, tasks.router, chat.router):
        app.include_router(router)
    return app
