"""The database engine and sessions (SQLAlchemy 2 async, psycopg 3), with every wait bounded.

A request never waits on the database for long, whatever the database does:

- a new connection: `DB_CONNECT_TIMEOUT_SECONDS`;
- a free connection from the pool: `DB_POOL_TIMEOUT_SECONDS`;
- one statement: `DB_STATEMENT_TIMEOUT_SECONDS`, as the server's `statement_timeout` (it cancels
  the statement and the connection stays usable); a server that does not answer at all (hung,
  paused, its host gone) is given one second more, then the connection is dropped. Dropping it
  also means a transaction the request had begun can never be committed later: the server
  only sees the connection close, and rolls back.

Each failure is an `sqlalchemy.exc.OperationalError` or `TimeoutError`, which the app answers
with 503 and Retry-After (see `main.py`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from .config import Settings

# Seconds a server may take beyond its own statement_timeout before the connection is dropped.
UNRESPONSIVE_MARGIN_SECONDS = 1.0
# No request holds a transaction open for long; one left idle this long is a bug, and the
# server ends it rather than let it hold locks and a connection.
IDLE_IN_TRANSACTION_SECONDS = 10


class BoundedConnection(psycopg.AsyncConnection):
    """A psycopg connection whose every round trip to the server ends in bounded time.

    psycopg waits on the socket in `wait()` (queries, fetches, commit, rollback, SQLAlchemy's
    pre-ping) and has no overall timeout of its own; cancelling the waiting task is no help
    with a hung server, since psycopg then sends a cancel request and waits for that too. So
    the wait gets a timeout, and on expiry the connection is closed at once: the caller gets
    an OperationalError and SQLAlchemy, seeing the connection closed, discards it.
    """

    answer_seconds: float = 5.0

    # psycopg's own signature, `timeout` included.
    async def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:  # noqa: ASYNC109
        try:
            return await super().wait(gen, interval, self.answer_seconds if timeout is None else timeout)
        except psycopg.OperationalError as error:
            # A timeout leaves the query in flight (ACTIVE); an error from the server does not.
            if self.pgconn.transaction_status == pq.TransactionStatus.ACTIVE:
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    f"the database did not answer within {self.answer_seconds:g} s; connection closed"
                ) from error
            raise


def make_engine(settings: Settings) -> AsyncEngine:
    class Connection(BoundedConnection):
        answer_seconds = settings.DB_STATEMENT_TIMEOUT_SECONDS + UNRESPONSIVE_MARGIN_SECONDS

    async def connect() -> psycopg.AsyncConnection:
        connection = await Connection.connect(
            settings.libpq_url, connect_timeout=settings.DB_CONNECT_TIMEOUT_SECONDS, application_name="todo-backend"
        )
        # Per connection, not in the URL's `options`, so that a URL with options of its own keeps them.
        await connection.execute(
            "SELECT set_config('statement_timeout', %s, false), "
            "set_config('idle_in_transaction_session_timeout', %s, false)",
            (f"{round(settings.DB_STATEMENT_TIMEOUT_SECONDS * 1000)}ms", f"{IDLE_IN_TRANSACTION_SECONDS}s"),
        )
        await connection.commit()
        return connection

    return create_async_engine(
        settings.sqlalchemy_url,
        async_creator=connect,
        pool_pre_ping=True,
        pool_size=settings.DB_POOL_SIZE,
        max_overflow=settings.DB_MAX_OVERFLOW,
        pool_timeout=settings.DB_POOL_TIMEOUT_SECONDS,
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
