"""The database misbehaving, for real: every PostgreSQL process paused (SIGSTOP, a hung server)
and PostgreSQL stopped. Task calls answer 503 JSON with Retry-After within a few seconds, and
a request given up on is never committed later."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest
from conftest import JWT_SECRET, AppProcess, app_env, new_user, run_module
from postgres import PostgresServer, wait_for

# Generous: the defaults give up after about 6 s (a 3 s statement timeout plus 1 s for a server
# that does not answer, then a 2 s connect timeout on the retry); before, these calls hung for
# as long as the database did.
CEILING = 15.0


@pytest.fixture
def outage() -> Iterator[tuple[PostgresServer, str]]:
    """A database of its own, migrated, so that breaking it leaves the other tests alone."""
    server = PostgresServer()
    server.start()
    url = server.create_database("todo")
    migrated = run_module("todo_api.migrate", app_env(DATABASE_URL=url, JWT_SECRET=JWT_SECRET))
    assert migrated.returncode == 0, migrated.stderr
    yield server, url
    server.destroy()


def timed(method: str, url: str, **kwargs) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    response = httpx.request(method, url, timeout=60, **kwargs)
    return response, time.monotonic() - start


def assert_unavailable(response: httpx.Response, elapsed: float) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"].startswith("The database is unavailable")
    assert int(response.headers["retry-after"]) >= 1
    assert elapsed < CEILING, f"503 after {elapsed:.1f} s"


def titles(url: str) -> list[str]:
    with psycopg.connect(url) as connection:
        return [row[0] for row in connection.execute("SELECT title FROM tasks ORDER BY id")]


def test_a_paused_database_is_a_quick_503_and_nothing_given_up_on_is_saved_later(
    outage: tuple[PostgresServer, str],
) -> None:
    server, url = outage
    app = AppProcess(app_env(DATABASE_URL=url, JWT_SECRET=JWT_SECRET)).start()
    try:
        with httpx.Client(base_url=app.url, timeout=10) as client:
            auth = new_user(client)
            assert client.post("/api/tasks", json={"title": "before"}, headers=auth).status_code == 201
        server.freeze()
        try:
            with ThreadPoolExecutor(4) as pool:
                # A client that gives up after a second, as a browser or a proxy would...
                abandoned = pool.submit(
                    httpx.post, f"{app.url}/api/tasks", json={"title": "abandoned"}, headers=auth, timeout=1
                )
                # ...and clients that wait for the answer.
                calls = [
                    pool.submit(timed, "GET", f"{app.url}/api/tasks", headers=auth),
                    pool.submit(timed, "POST", f"{app.url}/api/tasks", json={"title": "refused"}, headers=auth),
                    pool.submit(timed, "GET", f"{app.url}/api/auth/me", headers=auth),
                ]
                with pytest.raises(httpx.TimeoutException):
                    abandoned.result()
                for call in calls:
                    assert_unavailable(*call.result())
            # The app has given up on all four requests, the abandoned one included.
            wait_for(lambda: sum(r["message"] == "database unavailable" for r in app.records()) >= 4, timeout=CEILING)
            # /health agrees, and liveness is unaffected.
            assert httpx.get(f"{app.url}/health", timeout=10).status_code == 503
            assert httpx.get(f"{app.url}/livez", timeout=3).status_code == 200
        finally:
            server.thaw()
        # It recovers by itself once the database answers again.
        wait_for(lambda: httpx.get(f"{app.url}/api/tasks", headers=auth, timeout=10).status_code == 200, timeout=30)
    finally:
        app.stop()
    # Every connection the app had is closed now; whatever they carried has been done or undone.
    wait_for(lambda: _client_backends(url) == 0, timeout=30)
    assert titles(url) == ["before"]


def _client_backends(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def test_a_stopped_database_is_a_503_in_json_like_health(outage: tuple[PostgresServer, str]) -> None:
    server, url = outage
    app = AppProcess(app_env(DATABASE_URL=url, JWT_SECRET=JWT_SECRET)).start()
    try:
        with httpx.Client(base_url=app.url, timeout=10) as client:
            auth = new_user(client)
            task = client.post("/api/tasks", json={"title": "kept"}, headers=auth).json()
        server.stop()
        try:
            for method, path, body in (
                ("GET", "/api/tasks", None),
                ("POST", "/api/tasks", {"title": "x"}),
                ("PATCH", f"/api/tasks/{task['id']}", {"completed": True}),
                ("DELETE", f"/api/tasks/{task['id']}", None),
                ("GET", "/api/auth/me", None),
                ("POST", "/api/auth/login", {"email": "a@example.com", "password": "whatever"}),
                ("POST", "/api/auth/signup", {"email": "b@example.com", "password": "long enough pw"}),
            ):
                assert_unavailable(*timed(method, f"{app.url}{path}", json=body, headers=auth))
            health = httpx.get(f"{app.url}/health", timeout=10)
            assert (health.status_code, health.json()) == (503, {"status": "unhealthy", "database": "disconnected"})
        finally:
            server.start()
        with httpx.Client(base_url=app.url, timeout=10) as client:
            wait_for(lambda: client.get("/api/tasks", headers=auth).status_code == 200, timeout=30)
            assert [t["title"] for t in client.get("/api/tasks", headers=auth).json()["items"]] == ["kept"]
    finally:
        app.stop()


def test_fifty_connections_on_a_healthy_database_wait_their_turn_and_succeed(
    outage: tuple[PostgresServer, str],
) -> None:
    """More clients than pooled connections (5 + 5 overflow): each request waits for a free one
    instead of failing; none is told that the database is unavailable."""
    _, url = outage
    app = AppProcess(app_env(DATABASE_URL=url, JWT_SECRET=JWT_SECRET)).start()
    try:
        with httpx.Client(base_url=app.url, timeout=30) as client:
            auth = new_user(client)

        def load(_: int) -> list[int]:
            with httpx.Client(base_url=app.url, timeout=30) as connection:
                return [connection.get("/api/tasks", headers=auth).status_code for _ in range(12)]

        with ThreadPoolExecutor(50) as pool:
            statuses = [status for batch in pool.map(load, range(50)) for status in batch]
        assert statuses == [200] * 600
        assert not [r for r in app.records() if r["message"] == "database unavailable"]
    finally:
        app.stop()


def test_a_pool_that_stays_busy_says_so_not_that_the_database_is_down(
    outage: tuple[PostgresServer, str],
) -> None:
    """One pooled connection, held by a request on a frozen database: the next request waits its
    pool timeout, and its 503 says every connection stayed busy."""
    server, url = outage
    env = app_env(
        DATABASE_URL=url, JWT_SECRET=JWT_SECRET, DB_POOL_SIZE="1", DB_MAX_OVERFLOW="0", DB_POOL_TIMEOUT_SECONDS="0.5"
    )
    app = AppProcess(env).start()
    try:
        with httpx.Client(base_url=app.url, timeout=10) as client:
            auth = new_user(client)
        server.freeze()
        try:
            with ThreadPoolExecutor(2) as pool:
                holder = pool.submit(timed, "GET", f"{app.url}/api/tasks", headers=auth)
                time.sleep(0.3)  # the first request has the one connection, waiting on the database
                waiting, elapsed = pool.submit(timed, "GET", f"{app.url}/api/tasks", headers=auth).result()
                assert_unavailable(*holder.result())
            assert waiting.status_code == 503, waiting.text
            assert waiting.json()["detail"].startswith("Every database connection stayed busy")
            assert int(waiting.headers["retry-after"]) >= 1 and elapsed < CEILING
            assert any(r["message"] == "database pool busy" for r in app.records())
        finally:
            server.thaw()
    finally:
        app.stop()
