"""The FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from openai import AsyncOpenAI

from . import __version__, errors
from .assistant import Assistant
from .config import Settings, load_settings
from .db import make_engine, make_health_engine, make_sessionmaker
from .ratelimit import AuthLimits
from .routes import auth, chat, health, tasks
from .schemas import CHAT_BODY_BYTES
from .security import Passwords

log = logging.getLogger("todo_api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.health_engine = make_health_engine(settings)
        app.state.passwords = Passwords(settings.HASH_WORKERS)
        app.state.auth_limits = AuthLimits(
            settings.LOGIN_LIMIT_PER_ACCOUNT,
            settings.LOGIN_LIMIT_PER_CLIENT,
            settings.SIGNUP_LIMIT_PER_CLIENT,
            settings.CHAT_LIMIT_PER_ACCOUNT,
        )
        app.state.assistant = (
            Assistant(
                AsyncOpenAI(
                    api_key=settings.OPENAI_API_KEY,
                    base_url=settings.OPENAI_BASE_URL,
                    # The chat deadline bounds every request as a whole; this only bounds connecting.
                    timeout=httpx.Timeout(settings.CHAT_DEADLINE_SECONDS, connect=5.0),
                    max_retries=1,
                ),
                settings.OPENAI_MODEL,
                app.state.sessionmaker,
                settings.CHAT_DEADLINE_SECONDS,
            )
            if settings.OPENAI_API_KEY
            else None
        )
        log.info("started", extra={"environment": settings.ENVIRONMENT, "assistant": app.state.assistant is not None})
        yield
        # SIGTERM: uvicorn stops accepting, finishes in-flight requests, then this runs.
        app.state.passwords.close()
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
    # Bodies over the limit are refused with 413 before they are read: at once by their
    # Content-Length (errors.DeclaredTooLarge), or as soon as one sent without it passes the
    # limit (FastAPI's own limiter; per router, so that its 413 goes through errors' handler).
    chat_limit = max(settings.MAX_BODY_BYTES, CHAT_BODY_BYTES)
    errors.install(app, settings.MAX_BODY_BYTES, {"/api/chat": chat_limit})
    for router in (health.router, auth.router, tasks.router):
        app.include_router(router, max_body_size=settings.MAX_BODY_BYTES)
    app.include_router(chat.router, max_body_size=chat_limit)
    return app
