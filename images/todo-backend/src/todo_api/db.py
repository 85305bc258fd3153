"""The database engine and sessions (SQLAlchemy 2 async, psycopg 3)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from .config import Settings


def make_engine(settings: Settings) -> AsyncEngine:
    return create_async_engine(
        settings.sqlalchemy_url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        # Fail fast instead of hanging when the database is unreachable.
        connect_args={"connect_timeout": 3},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def make_health_engine(settings: Settings) -> AsyncEngine:
    """A pool-less engine for /health: every probe opens a fresh connection, so a hung database
    can never hold the app's pool hostage, and a dead pooled connection never fakes an outage."""
    return create_async_engine(settings.sqlalchemy_url, poolclass=NullPool, connect_args={"connect_timeout": 2})


async def database_reachable(engine: AsyncEngine, seconds: float) -> bool:
    """One round trip (`SELECT 1`) within `seconds`, whatever the database does.

    `asyncio.wait_for` is not enough: cancelling a psycopg query sends the server a cancel
    request and waits for it, which hangs as long as a frozen server does. So the probe is
    abandoned instead of awaited; it ends on its own when its connection gives up.
    """

    async def ping() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    task = asyncio.create_task(ping())
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        return False
    return task.exception() is None
